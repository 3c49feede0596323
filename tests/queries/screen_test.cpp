// tests/queries/screen_test.cpp: name screening: folding, transliteration, fuzzy words, ranking.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <optional>

#include "skg/graph/builder.h"
#include "skg/loaders/load.h"
#include "skg/queries/screen.h"
#include "generator.h"
#include "split_mix.h"

namespace {

using skg::NameStrength;
using skg::NameType;
using skg::NodeKind;

struct Party {
  std::string_view id;
  NodeKind kind;
  std::string_view name;
};

/// A graph of these parties, one name each.
skg::Graph parties_graph(std::initializer_list<Party> parties) {
  skg::Batch batch;
  for (const Party& party : parties)
    batch.add_entity({.id = party.id, .kind = party.kind, .name = party.name, .source = {"test", party.id, 1}});
  skg::Builder builder;
  builder.commit(std::move(batch));
  return std::move(builder).freeze();
}

skg::Graph screening_graph() {
  skg::Batch batch;
  auto entity = [&](std::string_view id, NodeKind kind, std::string_view name) {
    batch.add_entity({.id = id, .kind = kind, .name = name, .source = {"test", id, 1}});
  };
  entity("lab-uk", NodeKind::Company, "Kaspersky Labs Limited");
  entity("lab-ru", NodeKind::Company, "AO Kaspersky Lab");
  batch.add_name("lab-ru", "JSC Kaspersky Lab", NameType::Aka, NameStrength::Weak, {"test", "lab-ru", 2});
  entity("eugene", NodeKind::Person, "Eugene Kaspersky");
  entity("45854", NodeKind::Person, "ALESKEEVA, Marina Mikhaylovna");
  batch.add_name("45854", "ALEKSEYEVA, Marina Mikhaylovna", NameType::Aka, NameStrength::Strong,
                 {"test", "45854", 3});
  entity("other", NodeKind::Company, "Acme Trading LLC");
  entity("muller", NodeKind::Person, "Jürgen MÜLLER");
  entity("cyr", NodeKind::Company, "ООО «Ромашка»");
  batch.add_action({.id = "sdn:45854", .target = "45854", .authority = "OFAC", .list = "SDN",
                    .in_force = {.start = skg::Date::parse("2024-06-21")},
                    .source = {"test", "45854", 4}});
  skg::Builder builder;
  builder.commit(std::move(batch));
  return std::move(builder).freeze();
}

std::string top_name(const skg::Graph& graph, const std::vector<skg::ScreenHit>& hits) {
  return hits.empty() ? std::string("(none)") : std::string(graph.name(hits.front().node));
}

bool finds(const skg::Graph& graph, const std::vector<skg::ScreenHit>& hits, std::string_view id) {
  const auto node = graph.find(id);
  return node && std::any_of(hits.begin(), hits.end(), [&](const auto& hit) { return hit.node == *node; });
}

}  // namespace

TEST_CASE("screen: folding lowers case, drops diacritics and transliterates Cyrillic") {
  CHECK(skg::screen_tokens("KASPERSKY, Lab  Inc.") == std::vector<std::string>{"kaspersky", "lab", "inc"});
  CHECK(skg::screen_tokens("Jürgen MÜLLER") == std::vector<std::string>{"jurgen", "muller"});
  CHECK(skg::screen_tokens("Касперский") == std::vector<std::string>{"kasperskiy"});
  CHECK(skg::screen_tokens("АО «Лаборатория Касперского»") ==
        std::vector<std::string>{"ao", "laboratoriya", "kasperskogo"});
  CHECK(skg::screen_tokens("O'Brien") == std::vector<std::string>{"obrien"});
  CHECK(skg::screen_tokens("\xff\xfe broken") == std::vector<std::string>{"broken"});
  CHECK(skg::screen_tokens("").empty());
  // Invisible characters inside a word vanish; they do not split it.
  CHECK(skg::screen_tokens("Kasper\u200Bsky La\u00ADb") == std::vector<std::string>{"kaspersky", "lab"});
  CHECK(skg::screen_tokens("\uFEFFAcme\u200D Ltd\x01") == std::vector<std::string>{"acme", "ltd"});
}

TEST_CASE("screen: romanisations of one name share a variant key") {
  using skg::detail::variant_key;
  CHECK(variant_key("aleksandr") == variant_key("alexander"));
  CHECK(variant_key("ivanov") == variant_key("ivanoff"));
  CHECK(variant_key("mohammed") == variant_key("muhammad"));
  CHECK(variant_key("mohamed") == variant_key("mohammad"));
  CHECK(variant_key("yevgeniy") == variant_key("evgeni"));
  CHECK(variant_key("khalil") == variant_key("halil"));
  CHECK(variant_key("mohammed") != variant_key("ahmed"));
  CHECK(variant_key("aleksandr") != variant_key("aleksey"));
}

TEST_CASE("screen: edit distance counts swaps of neighbours as one edit") {
  CHECK(skg::detail::bounded_edits("aleskeeva", "alekseeva", 2) == 1);
  CHECK(skg::detail::bounded_edits("kasperski", "kaspersky", 2) == 1);
  CHECK(skg::detail::bounded_edits("kasperskiy", "kaspersky", 3) == 1);
  CHECK(skg::detail::bounded_edits("abc", "xyz", 1) == 2);  // capped at max + 1
  CHECK(skg::detail::bounded_edits("same", "same", 0) == 0);
}

TEST_CASE("screen: the bit-parallel edit distance is the table's, pair by pair") {
  // Candidate generation compares each query word with many tokens through EditPattern; the
  // table of bounded_edits is the reference. Words of few letters (swaps and repeats are common)
  // edited a little or drawn apart, of every length up to past kMaxFuzzyLength, every budget.
  skg::SplitMix64 random(11);
  auto word = [&](std::size_t size, std::size_t letters) {
    std::string out;
    for (std::size_t at = 0; at < size; ++at) out += static_cast<char>('a' + random.below(letters));
    return out;
  };
  CHECK(skg::detail::EditPattern("aleskeeva").bounded_edits("alekseeva", 2) == 1);
  CHECK(skg::detail::EditPattern("abc").bounded_edits("xyz", 1) == 2);
  CHECK(skg::detail::EditPattern("").bounded_edits("ab", 5) == 2);
  CHECK(skg::detail::EditPattern("ab").bounded_edits("", 5) == 2);
  std::size_t differ = 0;
  for (int pair = 0; pair < 200000; ++pair) {
    const std::size_t letters = 2 + random.below(6);
    const std::string a = word(pair % 97 == 0 ? 60 + random.below(8) : random.below(14), letters);
    std::string b = a;
    if (random.below(3) == 0) {
      b = word(random.below(14), letters);
    } else {
      for (std::size_t edit = 0, edits = random.below(4); edit < edits && !b.empty(); ++edit) {
        const std::size_t at = random.below(b.size());
        switch (random.below(4)) {
          case 0: b.erase(at, 1); break;
          case 1: b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>('a' + random.below(letters))); break;
          case 2: b[at] = static_cast<char>('a' + random.below(letters)); break;
          default: if (at + 1 < b.size()) std::swap(b[at], b[at + 1]);
        }
      }
    }
    const int budget = random.below(2) == 0 ? static_cast<int>(random.below(6)) : 80;
    const int table = skg::detail::bounded_edits(a, b, budget);
    const int bits = skg::detail::EditPattern(a).bounded_edits(b, budget);
    if (table != bits && ++differ <= 5) FAIL_CHECK(a << " / " << b << " (budget " << budget << "): " << table << " and " << bits);
  }
  CHECK(differ == 0);
}

TEST_CASE("screen: names match across spelling, script, word order and legal forms") {
  const skg::Graph graph = screening_graph();
  const auto index = skg::build_screen_index(graph);
  CHECK(index.entry_count() == 11);  // 7 parties, 2 aliases, the action and OFAC

  SUBCASE("a misspelt name with another legal form") {
    const auto hits = skg::screen(graph, index, "Kasperski Labs Ltd");
    REQUIRE(!hits.empty());
    CHECK(top_name(graph, hits) == "Kaspersky Labs Limited");
    const auto& why = hits.front().matched;
    REQUIRE(why.size() == 3);
    CHECK(why[0].how != skg::TokenMatchKind::Exact);  // fuzzy, or a variant spelling
    CHECK(why[0].name_token == "kaspersky");
    CHECK(why[0].edits == 1);
    CHECK(why[1].how == skg::TokenMatchKind::Exact);
    CHECK(why[2].how == skg::TokenMatchKind::LegalForm);
    CHECK(why[2].legal_form);
    CHECK(!hits.front().exact);
    CHECK(hits.front().score < 1.0);
  }
  SUBCASE("a plural or an added letter on a three-letter word is a typo: Kasperski Labs finds AO Kaspersky Lab") {
    const auto hits = skg::screen(graph, index, "Kasperski Labs");
    CHECK(finds(graph, hits, "lab-uk"));
    REQUIRE(finds(graph, hits, "lab-ru"));
    const auto ao = std::find_if(hits.begin(), hits.end(), [&](const auto& hit) { return hit.node == *graph.find("lab-ru"); });
    CHECK(ao->score >= skg::kDefaultScreenThreshold);
    CHECK(ao->evidence.typo_only);
    const auto labs = std::find_if(ao->matched.begin(), ao->matched.end(), [](const auto& match) { return match.query_token == "labs"; });
    REQUIRE(labs != ao->matched.end());
    CHECK(labs->name_token == "lab");
    CHECK(labs->how == skg::TokenMatchKind::Fuzzy);
    CHECK(labs->edits == 1);
    // The other way round: the query's three-letter word, the name's four.
    const auto short_query = skg::screen(graph, index, "Kaspersky Lab Limited");
    CHECK(top_name(graph, short_query) == "Kaspersky Labs Limited");
    // Only a letter added at the end: another letter changed or put in front is another word.
    for (const char* other : {"Kasperski Lam", "Kasperski Slab", "Kasperski Lamb"}) {
      INFO(other);
      for (const auto& hit : skg::screen(graph, index, other, {.min_score = 0.01}))
        for (const auto& match : hit.matched) CHECK(match.name_token != "lab");
    }
  }
  SUBCASE("Cyrillic finds the Latin spelling") {
    const auto hits = skg::screen(graph, index, "Касперский", {.min_score = 0.01});
    // Both readings of the surname: the person, and the company whose name is that word with a
    // generic word ("labs") and a legal form (a brand name against the full legal name).
    CHECK(finds(graph, hits, "eugene"));
    CHECK(finds(graph, hits, "lab-uk"));
    const auto company = skg::screen(graph, index, "Касперский");
    CHECK(top_name(graph, company) == "Kaspersky Labs Limited");
  }
  SUBCASE("a transposed surname finds the OFAC spelling and its alias") {
    const auto hits = skg::screen(graph, index, "ALEKSEEVA Marina");
    REQUIRE(!hits.empty());
    CHECK(top_name(graph, hits) == "ALESKEEVA, Marina Mikhaylovna");
    CHECK(hits.front().unmatched_name_tokens == std::vector<std::string>{"mikhaylovna"});
  }
  SUBCASE("word order and the legal form's place do not matter") {
    const auto hits = skg::screen(graph, index, "Lab Kaspersky AO");
    REQUIRE(!hits.empty());
    CHECK(top_name(graph, hits) == "AO Kaspersky Lab");
    CHECK(hits.front().exact);
    CHECK(hits.front().score == doctest::Approx(1.0));
    CHECK(hits.front().name.type == NameType::Primary);
  }
  SUBCASE("a weak alias matches when every word matches, and says it is weak") {
    const auto hits = skg::screen(graph, index, "JSC Kaspersky Lab");
    REQUIRE(!hits.empty());
    CHECK(top_name(graph, hits) == "AO Kaspersky Lab");
    CHECK(hits.front().name.strength == NameStrength::Weak);
    CHECK(hits.front().evidence.weak);
    CHECK(hits.front().evidence.strict);
    // A misspelt weak alias does not count: the hit comes through the strong primary name.
    const auto misspelt = skg::screen(graph, index, "JSC Kasperskyy Lab", {.min_score = 0.01});
    for (const auto& hit : misspelt) CHECK(hit.name.strength != NameStrength::Weak);
  }
  SUBCASE("nonsense finds nothing") {
    CHECK(skg::screen(graph, index, "Zqxv Plorbington").empty());
    CHECK(skg::screen(graph, index, "").empty());
    CHECK(skg::screen(graph, index, "!!! ---").empty());
  }
  SUBCASE("diacritics and Cyrillic in the indexed names") {
    CHECK(top_name(graph, skg::screen(graph, index, "Juergen Muller")) == "Jürgen MÜLLER");
    CHECK(top_name(graph, skg::screen(graph, index, "Romashka LLC")) == "ООО «Ромашка»");
  }
}

TEST_CASE("screen: exact matches rank above fuzzy ones") {
  skg::Builder builder;
  builder.add_entity({.id = "a", .kind = NodeKind::Company, .name = "Volkov Trading"});
  builder.add_entity({.id = "b", .kind = NodeKind::Company, .name = "Volkova Trading"});
  builder.add_entity({.id = "c", .kind = NodeKind::Company, .name = "Trading Volkov Ltd"});
  const skg::Graph graph = std::move(builder).freeze();
  const auto index = skg::build_screen_index(graph);
  const auto hits = skg::screen(graph, index, "Volkova Trading", {.min_score = 0.01});
  REQUIRE(hits.size() == 3);
  CHECK(graph.name(hits[0].node) == "Volkova Trading");
  CHECK(hits[0].exact);
  CHECK(hits[0].score > hits[1].score);
  for (const auto& hit : hits) {
    CHECK(hit.score >= 0.0);
    CHECK(hit.score <= 1.0);
  }
}

TEST_CASE("screen: filters by kind, listing, date and limit") {
  const skg::Graph graph = screening_graph();
  const auto index = skg::build_screen_index(graph);
  SUBCASE("kinds") {
    const auto hits = skg::screen(graph, index, "Kaspersky", {.min_score = 0.01, .kinds = {NodeKind::Person}});
    REQUIRE(hits.size() == 1);
    CHECK(graph.name(hits[0].node) == "Eugene Kaspersky");
  }
  SUBCASE("listed only, as of a date") {
    const auto before = skg::screen(graph, index, "Marina Alekseyeva",
                                    {.listed_only = true, .as_of = skg::Date::parse("2024-01-01")});
    CHECK(before.empty());
    const auto after = skg::screen(graph, index, "Marina Alekseyeva",
                                   {.listed_only = true, .as_of = skg::Date::parse("2024-08-01")});
    REQUIRE(after.size() == 1);
    CHECK(after[0].name.type == NameType::Aka);  // the alias matched, and says so
    CHECK(after[0].matched.size() == 2);
    for (const auto& pair : after[0].matched) CHECK(pair.how == skg::TokenMatchKind::Exact);
    CHECK(skg::screen(graph, index, "Kaspersky", {.listed_only = true}).empty());
  }
  SUBCASE("limit and min_score") {
    CHECK(skg::screen(graph, index, "Kaspersky", {.limit = 1, .min_score = 0.01}).size() == 1);
    CHECK(skg::screen(graph, index, "Kaspersky", {.min_score = 0.99}).empty());
    CHECK(skg::screen(graph, index, "Kaspersky", {.min_score = 0.0}).size() == 3);
  }
}

TEST_CASE("screen: a generated graph's names find themselves") {
  const skg::Graph graph = skg::generate({.entities = 2000, .seed = 7});
  const auto index = skg::build_screen_index(graph);
  CHECK(index.entry_count() >= 2000);
  for (std::uint32_t at = 0; at < 2000; at += 97) {
    const skg::NodeId node{at};
    if (graph.kind(node) == NodeKind::Action || graph.kind(node) == NodeKind::Authority) continue;
    const auto hits = skg::screen(graph, index, graph.name(node), {.limit = 50});
    REQUIRE(!hits.empty());
    CHECK(hits.front().exact);
    CHECK(std::any_of(hits.begin(), hits.end(), [&](const auto& hit) { return hit.node == node; }));
  }
}

namespace {

/// A small list in the shape of the real ones: a bank and its subsidiaries, companies with
/// generic words, people with patronymics and particles, a vessel, names in Cyrillic and Han.
skg::Graph lists_graph() {
  skg::Batch batch;
  auto entity = [&](std::string_view id, NodeKind kind, std::string_view name) {
    batch.add_entity({.id = id, .kind = kind, .name = name, .source = {"test", id, 1}});
  };
  entity("sber", NodeKind::Company, "PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA");
  entity("sber-leasing", NodeKind::Company, "SBERBANK LEASING JSC");
  entity("sber-europe", NodeKind::Company, "SBERBANK EUROPE AG");
  entity("sber-capital", NodeKind::Company, "SBERBANK CAPITAL LLC");
  entity("sber-invest", NodeKind::Company, "SBERBANK INVESTMENTS LLC");
  entity("gazprom", NodeKind::Company, "Public Joint Stock Company Gazprom");
  entity("acme", NodeKind::Company, "Acme Trading LLC");
  entity("global", NodeKind::Company, "Global Trading LLC");
  entity("melli", NodeKind::Company, "Bank Melli Iran");
  entity("saderat", NodeKind::Company, "Bank Saderat Iran");
  entity("zakharov", NodeKind::Person, "ZAKHAROV, Aleksandr Viktorovich");
  entity("rashid", NodeKind::Person, "AL-RASHID, Muhammad Hassan");
  entity("alekseeva", NodeKind::Person, "ALEKSEEVA, Marina Mikhaylovna");
  batch.add_name("alekseeva", "MARINA", NameType::Aka, NameStrength::Strong, {"test", "alekseeva", 2});
  entity("vessel", NodeKind::Vessel, "MARINA");
  entity("wang", NodeKind::Person, "王小明");
  entity("petrov", NodeKind::Person, "Петров Сергей Иванович");
  skg::Builder builder;
  builder.commit(std::move(batch));
  return std::move(builder).freeze();
}

std::string top_id(const skg::Graph& graph, const std::vector<skg::ScreenHit>& hits) {
  if (hits.empty()) return "(none)";
  const auto ids = graph.external_ids(hits.front().node);
  return ids.empty() ? std::string("?") : std::string(graph.string(ids.front()));
}

}  // namespace

TEST_CASE("screen: generic and legal-form words alone do not make a hit") {
  const skg::Graph graph = lists_graph();
  const auto index = skg::build_screen_index(graph);
  CHECK(skg::screen(graph, index, "Trading LLC").empty());
  CHECK(skg::screen(graph, index, "Bank").empty());
  CHECK(skg::screen(graph, index, "Joint Stock Company").empty());
  // The distinctive word makes the hit.
  CHECK(top_id(graph, skg::screen(graph, index, "Bank Melli", {.min_score = 0.5})) == "melli");
  CHECK(top_id(graph, skg::screen(graph, index, "Acme Trading", {.min_score = 0.5})) == "acme");
}

TEST_CASE("screen: a name of generic words only is found by exactly its words, in any order") {
  // Such a query shares no meaningful word with any name: only a name of exactly its words can
  // match (found through the whole-name hash, not a walk of the longest postings).
  skg::Batch batch;
  auto entity = [&](std::string_view id, std::string_view name) {
    batch.add_entity({.id = id, .kind = NodeKind::Company, .name = name, .source = {"test", id, 1}});
  };
  entity("generic", "Global Trading Company");
  entity("generic-twice", "Global Trading Trading Company");
  entity("longer", "Global Trading Company Acme");
  entity("fewer", "Global Trading");
  for (int n = 0; n < 40; ++n) entity("filler-" + std::to_string(n), "Trading Company Number" + std::to_string(n));
  skg::Builder builder;
  builder.commit(std::move(batch));
  const skg::Graph graph = std::move(builder).freeze();
  const auto index = skg::build_screen_index(graph);
  const auto hits = skg::screen(graph, index, "company, GLOBAL trading");
  REQUIRE(hits.size() == 1);
  CHECK(top_id(graph, hits) == "generic");
  CHECK(hits.front().exact);
  CHECK(hits.front().score == doctest::Approx(1.0));
  CHECK(top_id(graph, skg::screen(graph, index, "Trading Global Trading Company")) == "generic-twice");
  CHECK(skg::screen(graph, index, "Global Trading Company Limited").empty());  // a word the names lack
  CHECK(skg::screen(graph, index, "Global Company").empty());
  // The same with the search scoring every name.
  CHECK(skg::screen(graph, index, "company, GLOBAL trading", {.exhaustive = true}).size() == 1);
}

TEST_CASE("screen: a short distinctive name finds the main record") {
  const skg::Graph graph = lists_graph();
  const auto index = skg::build_screen_index(graph);
  // At the default threshold: the bank's distinctive word, its legal form, generic words and
  // country left out, is a strong match (its subsidiaries, whose names add nothing distinctive
  // either, come up beside it; "Sberbank Leasing" does not: "leasing" is not matched).
  const auto sber = skg::screen(graph, index, "Sberbank");
  REQUIRE(!sber.empty());
  CHECK(finds(graph, sber, "sber"));
  CHECK_FALSE(finds(graph, sber, "sber-leasing"));
  for (const auto& hit : sber)
    if (hit.node == *graph.find("sber")) CHECK(hit.evidence.distinctive_exact);
  CHECK(top_id(graph, skg::screen(graph, index, "Sberbank of Russia", {.min_score = 0.05})) == "sber");
  // A brand name against the full legal name.
  CHECK(top_id(graph, skg::screen(graph, index, "Gazprom", {.min_score = 0.05})) == "gazprom");
}

TEST_CASE("screen: a country in a company's name is a place: a query that leaves it out still finds the company") {
  // Countries ISO 3166 names in one word weigh as places (queries/countries.inc), not only the
  // hand-made list of the lists' commonest; words of longer country names do not.
  CHECK_FALSE(skg::detail::distinctive_word("switzerland"));
  CHECK_FALSE(skg::detail::distinctive_word("canada"));
  CHECK_FALSE(skg::detail::distinctive_word("turkiye"));
  CHECK(skg::detail::distinctive_word("united"));
  CHECK(skg::detail::distinctive_word("sierra"));
  CHECK(skg::detail::distinctive_word("kaspersky"));
  const skg::Graph graph = parties_graph({{"lab-ru", NodeKind::Company, "AO Kaspersky Lab"},
                                          {"lab-ch", NodeKind::Company, "Kaspersky Lab Switzerland GmbH"},
                                          {"lab-uk", NodeKind::Company, "Kaspersky Labs Limited"},
                                          {"other", NodeKind::Company, "Acme Trading LLC"}});
  const auto index = skg::build_screen_index(graph);
  const auto hits = skg::screen(graph, index, "Kaspersky");
  REQUIRE(finds(graph, hits, "lab-ch"));
  REQUIRE(finds(graph, hits, "lab-ru"));
  auto score_of = [&](const std::vector<skg::ScreenHit>& found, std::string_view id) {
    for (const auto& hit : found)
      if (hit.node == *graph.find(id)) return hit.score;
    return 0.0;
  };
  // The Swiss company scores as its siblings do: the country is a qualifier like "GmbH".
  CHECK(score_of(hits, "lab-ch") >= skg::kDefaultScreenThreshold);
  CHECK(score_of(hits, "lab-ch") == doctest::Approx(score_of(hits, "lab-ru")).epsilon(0.02));
  // Naming the country still tells the Swiss company from the others.
  CHECK(top_id(graph, skg::screen(graph, index, "Kaspersky Lab Switzerland")) == "lab-ch");
  // A country alone identifies no company.
  CHECK(skg::screen(graph, index, "Switzerland").empty());
}

TEST_CASE("screen: honorifics and titles are ignored, a place after a person costs little") {
  const skg::Graph graph = lists_graph();
  const auto index = skg::build_screen_index(graph);
  const auto sheikh = skg::screen(graph, index, "Sheikh Muhammad Hassan al-Rashid");
  REQUIRE(!sheikh.empty());
  CHECK(top_id(graph, sheikh) == "rashid");
  CHECK(sheikh.front().ignored_query_tokens == std::vector<std::string>{"sheikh"});
  CHECK(sheikh.front().score == doctest::Approx(1.0));
  CHECK(top_id(graph, skg::screen(graph, index, "President Aleksandr Viktorovich Zakharov")) == "zakharov");
  const auto place = skg::screen(graph, index, "Aleksandr Zakharov Moscow");
  REQUIRE(!place.empty());
  CHECK(top_id(graph, place) == "zakharov");
  CHECK(place.front().unmatched_query_tokens == std::vector<std::string>{"moscow"});
}

TEST_CASE("screen: joined and split words, initials and patronymics") {
  const skg::Graph graph = lists_graph();
  const auto index = skg::build_screen_index(graph);
  SUBCASE("a given name and patronymic run together") {
    const auto hits = skg::screen(graph, index, "MarinaMikhaylovna Alekseeva");
    REQUIRE(!hits.empty());
    CHECK(top_id(graph, hits) == "alekseeva");
    CHECK(std::any_of(hits.front().matched.begin(), hits.front().matched.end(),
                      [](const auto& m) { return m.how == skg::TokenMatchKind::Joined; }));
  }
  SUBCASE("a particle joined to the surname, and apart") {
    CHECK(top_id(graph, skg::screen(graph, index, "Muhammad Hassan Alrashid")) == "rashid");
    CHECK(top_id(graph, skg::screen(graph, index, "Al Rashid Muhammad Hassan")) == "rashid");
  }
  SUBCASE("initials") {
    const auto hits = skg::screen(graph, index, "A. V. Zakharov");
    REQUIRE(!hits.empty());
    CHECK(top_id(graph, hits) == "zakharov");
    CHECK(hits.front().matched.front().how == skg::TokenMatchKind::Initial);
  }
  SUBCASE("the patronymic left out") {
    CHECK(top_id(graph, skg::screen(graph, index, "Aleksandr Zakharov")) == "zakharov");
    CHECK(top_id(graph, skg::screen(graph, index, "Sergey Petrov")) == "petrov");
  }
}

TEST_CASE("screen: one-letter words beside a longer meaningful word are initials, alone they still identify") {
  // "Granatura, S. de P.R. de R.L. de C.V." is not "Grupo Producsil" with the same legal form
  // written as initials: beside "granatura" the one-letter words share nothing (before, they made
  // a name share of 0.63 on the real lists). A query of initials and generic words keeps them.
  const skg::Graph graph = parties_graph({
      {"producsil", NodeKind::Company, "GRUPO PRODUCSIL, S. DE P.R. DE R.L. DE C.V."},
      {"airlines", NodeKind::Company, "S. GROUP AIRLINES LTD"},
      {"awa", NodeKind::Company, "A.W.A. ENGINEERING LIMITED"},
  });
  const auto index = skg::build_screen_index(graph);
  for (const bool exhaustive : {false, true}) {
    CAPTURE(exhaustive);
    CHECK(skg::screen(graph, index, "GRANATURA, S. DE P.R. DE R.L. DE C.V.",
                      {.min_score = 1e-9, .exhaustive = exhaustive}).empty());
    CHECK(top_id(graph, skg::screen(graph, index, "Producsil S de PR de RL de CV", {.exhaustive = exhaustive})) ==
          "producsil");
    CHECK(top_id(graph, skg::screen(graph, index, "S Group Ailrines Ltd", {.exhaustive = exhaustive})) == "airlines");
    CHECK(top_id(graph, skg::screen(graph, index, "A W A Enigneering", {.exhaustive = exhaustive})) == "awa");
  }
}

TEST_CASE("screen: transliteration variants and other scripts") {
  const skg::Graph graph = lists_graph();
  const auto index = skg::build_screen_index(graph);
  const auto alexander = skg::screen(graph, index, "Alexander Zakharoff", {.min_score = 0.5});
  REQUIRE(!alexander.empty());
  CHECK(top_id(graph, alexander) == "zakharov");
  CHECK(std::any_of(alexander.front().matched.begin(), alexander.front().matched.end(),
                    [](const auto& m) { return m.how == skg::TokenMatchKind::Variant; }));
  CHECK(top_id(graph, skg::screen(graph, index, "Mohammed Hassan Al Rashid")) == "rashid");
  CHECK(top_id(graph, skg::screen(graph, index, "Wang Xiaoming")) == "wang");  // Han to pinyin
  CHECK(top_id(graph, skg::screen(graph, index, "Sergei Ivanovich Petrov")) == "petrov");
  CHECK(top_id(graph, skg::screen(graph, index, "Захаров Александр Викторович")) == "zakharov");
  CHECK(top_id(graph, skg::screen(graph, index, "Zakh\u200Barov Aleksandr")) == "zakharov");  // zero-width
}

TEST_CASE("screen: Hangul is romanised a syllable a word, as the lists spell Korean names") {
  // The DPRK's romanisation, breves dropped, as OFAC's SDN list writes these names.
  CHECK(skg::screen_tokens("김정은") == std::vector<std::string>{"kim", "jong", "un"});
  CHECK(skg::screen_tokens("리병철") == std::vector<std::string>{"ri", "pyong", "chol"});
  CHECK(skg::screen_tokens("최룡해") == std::vector<std::string>{"choe", "ryong", "hae"});
  CHECK(skg::screen_tokens("박정천") == std::vector<std::string>{"pak", "jong", "chon"});
  // Every medial and final: 의 (ui), 왜 (wae), 닭 (final lk: k), 값 (final ps: p), 꽃 (kk, t).
  CHECK(skg::screen_tokens("의왜닭값꽃") == std::vector<std::string>{"ui", "wae", "tak", "kap", "kkot"});
  // Hangul beside Latin, and inside a word, splits at the script's edge.
  CHECK(skg::screen_tokens("Kim 정은") == std::vector<std::string>{"kim", "jong", "un"});
  CHECK(skg::screen_tokens("ab김") == std::vector<std::string>{"ab", "kim"});

  const skg::Graph graph = parties_graph({{"kju", NodeKind::Person, "KIM, Jong Un"},
                                          {"kyj", NodeKind::Person, "KIM, Yo Jong"},
                                          {"rpc", NodeKind::Person, "RI, Pyong Chol"},
                                          {"crh", NodeKind::Person, "CHOE, Ryong Hae"},
                                          {"jcp", NodeKind::Person, "Jong-chon PAK"}});
  const auto index = skg::build_screen_index(graph);
  CHECK(top_id(graph, skg::screen(graph, index, "김정은")) == "kju");
  CHECK(top_id(graph, skg::screen(graph, index, "김여정")) == "kyj");
  CHECK(top_id(graph, skg::screen(graph, index, "리병철")) == "rpc");
  CHECK(top_id(graph, skg::screen(graph, index, "최룡해")) == "crh");
  CHECK(top_id(graph, skg::screen(graph, index, "박정천")) == "jcp");
  const auto kim = skg::screen(graph, index, "김정은");
  REQUIRE(!kim.empty());
  CHECK(kim.front().score == doctest::Approx(1.0));
  CHECK(!finds(graph, kim, "kyj"));  // one shared surname is not the person
}

TEST_CASE("screen: an Arabic-script name meets its Latin spellings through its consonants") {
  using skg::detail::abjad_skeletons;
  using skg::detail::latin_skeleton;
  // Arabic writes consonants and long vowels: "محمد" is m-h-m-d, spelt "Muhammad", "Mohammed".
  std::vector<skg::detail::Skeleton> skeletons;
  REQUIRE(abjad_skeletons("محمد", skeletons));
  REQUIRE(skeletons.size() == 1);
  CHECK(skeletons[0].symbols == "mhmd");
  CHECK(latin_skeleton("muhammad").symbols == "mhmd");
  CHECK(latin_skeleton("mohammed").symbols == "mhmd");
  CHECK(latin_skeleton("mohamad").symbols == "mhmd");
  // Digraphs are one consonant; a first vowel, alif, ain or hamza is 'A'; a final h goes.
  REQUIRE(abjad_skeletons("عبدالله", skeletons));
  CHECK(skeletons[0].symbols == latin_skeleton("abdullah").symbols);
  REQUIRE(abjad_skeletons("خامنئي", skeletons));
  CHECK(skeletons[0].symbols == latin_skeleton("khamenei").symbols);
  REQUIRE(abjad_skeletons("فاطمة", skeletons));
  CHECK(skeletons[0].symbols == latin_skeleton("fatimah").symbols);
  // Waw inside a word: a consonant (Marwan) or the vowel u (Mahmoud): a skeleton for each.
  REQUIRE(abjad_skeletons("محمود", skeletons));
  CHECK(std::any_of(skeletons.begin(), skeletons.end(), [](const auto& s) { return s.symbols == latin_skeleton("mahmoud").symbols; }));
  REQUIRE(abjad_skeletons("مروان", skeletons));
  CHECK(std::any_of(skeletons.begin(), skeletons.end(), [](const auto& s) { return s.symbols == latin_skeleton("marwan").symbols; }));
  // Letters Persian, Urdu or Maghrebi spellings write otherwise are read both ways (ض d or z,
  // ق k or g); French "dj" is j; a final ain is a vowel in Latin.
  auto meets = [&](const char* arabic, const char* latin) {
    REQUIRE(abjad_skeletons(arabic, skeletons));
    const auto want = latin_skeleton(latin);
    return std::any_of(skeletons.begin(), skeletons.end(), [&](const auto& s) {
      return s.symbols == want.symbols && (s.vowels & ~skg::detail::Skeleton::kFinalVowel & ~want.vowels & ~std::uint32_t{2}) == 0;
    });
  };
  CHECK(meets("فضل", "fazl"));
  CHECK(meets("فضل", "fadl"));
  CHECK(meets("قاسمي", "gasmi"));
  CHECK(meets("قاسمي", "qasimi"));
  CHECK(meets("جمال", "djamel"));
  CHECK(meets("ربيع", "rabi"));
  CHECK(!meets("جمال", "jumla"));  // no vowel after m where "جمال" writes alif
  // Long vowels are written: Bashar has one after sh, as "بشار" does; Bushra has none there.
  REQUIRE(abjad_skeletons("بشار", skeletons));
  CHECK(skeletons[0].symbols == latin_skeleton("bushra").symbols);
  CHECK((skeletons[0].vowels & ~latin_skeleton("bashar").vowels) == 0);
  CHECK((skeletons[0].vowels & ~latin_skeleton("bushra").vowels) != 0);
  CHECK(!abjad_skeletons("Ali", skeletons));
  CHECK(!abjad_skeletons("علي1", skeletons));
  // The article is a word of its own, as the lists write it; ain and hamza do not split a word.
  CHECK(skg::screen_tokens("الأسد") == std::vector<std::string>{"al", "asd"});
  CHECK(skg::screen_tokens("سعيد") == std::vector<std::string>{"syd"});
  CHECK(skg::screen_tokens("الله") == std::vector<std::string>{"allh"});
  // An ain that starts a word is its first vowel: "عمر" (Omar) is "amr", not the title "mr".
  CHECK(skg::screen_tokens("عمر") == std::vector<std::string>{"amr"});

  const skg::Graph graph = parties_graph({{"bashar", NodeKind::Person, "AL-ASSAD, Bashar"},
                                          {"bushra", NodeKind::Person, "AL-ASSAD, Bushra"},
                                          {"melli", NodeKind::Company, "BANK MELLI IRAN"},
                                          {"tikriti", NodeKind::Person, "IBRAHIM SABAWI IBRAHIM HASAN AL-TIKRITI"},
                                          {"usama", NodeKind::Person, "BIN LADIN, Usama"},
                                          {"soleimani", NodeKind::Person, "SOLEIMANI, Qasem"},
                                          {"sadr", NodeKind::Person, "AL-SADR, Muqtada"},
                                          {"nasrallah", NodeKind::Person, "NASRALLAH, Hasan"},
                                          {"ahmadi", NodeKind::Person, "Mohammad AHMADI"}});
  const auto index = skg::build_screen_index(graph);
  const auto assad = skg::screen(graph, index, "بشار الأسد");
  REQUIRE(!assad.empty());
  CHECK(top_id(graph, assad) == "bashar");
  CHECK(assad.front().score >= skg::kDefaultScreenThreshold);
  CHECK(!finds(graph, assad, "bushra"));  // the same consonants, not the same vowels
  CHECK(top_id(graph, skg::screen(graph, index, "بنك ملي ايران")) == "melli");
  CHECK(top_id(graph, skg::screen(graph, index, "إبراهيم سبعاوي إبراهيم حسن التكريتي")) == "tikriti");
  CHECK(top_id(graph, skg::screen(graph, index, "أسامة بن لادن")) == "usama");
  CHECK(top_id(graph, skg::screen(graph, index, "قاسم سليماني")) == "soleimani");
  // Two Arabic words the list writes as one.
  CHECK(top_id(graph, skg::screen(graph, index, "حسن نصر الله")) == "nasrallah");
  // A Latin word that ends in a vowel spells an Arabic word that ends in one: "أحمد" (Ahmad) is
  // not "Ahmadi", and "محمود" (Mahmoud) read with its waw a vowel is m-h-m-d, as "Mohammad" is.
  CHECK(!finds(graph, skg::screen(graph, index, "أحمد محمود", {.min_score = 0.3}), "ahmadi"));
  CHECK(top_id(graph, skg::screen(graph, index, "محمد أحمدي")) == "ahmadi");
  // Another person with none of these consonants is not met.
  CHECK(skg::screen(graph, index, "خالد مشعل").empty());
}

TEST_CASE("screen: a syllable that is a Han character's reading does not stand for another") {
  // "lang" (朗) one edit from "liang" (梁) and "bang" (邦) is not a typo of either: each is another
  // character. A typo that is no syllable ("lnag") still finds the name.
  const skg::Graph graph = parties_graph({{"lang", NodeKind::Person, "王朗"},
                                          {"liang", NodeKind::Person, "王梁"},
                                          {"bang", NodeKind::Person, "王邦"}});
  const auto index = skg::build_screen_index(graph);
  const auto hits = skg::screen(graph, index, "wang lang", {.min_score = 0.3});
  CHECK(top_id(graph, hits) == "lang");
  CHECK(!finds(graph, hits, "liang"));
  CHECK(!finds(graph, hits, "bang"));
  CHECK(top_id(graph, skg::screen(graph, index, "王朗")) == "lang");
  CHECK(finds(graph, skg::screen(graph, index, "wang lnag", {.min_score = 0.3}), "lang"));
}

TEST_CASE("screen: a two-word person query does not match a one-word alias or vessel") {
  const skg::Graph graph = lists_graph();
  const auto index = skg::build_screen_index(graph);
  const auto hits = skg::screen(graph, index, "Marina Petrova", {.min_score = 0.01});
  CHECK(!finds(graph, hits, "vessel"));
  for (const auto& hit : hits) CHECK(hit.name_text != "MARINA");
  // The one-word alias itself, typed exactly, still matches, and says it is a one-word name.
  const auto alias = skg::screen(graph, index, "Marina");
  CHECK(finds(graph, alias, "alekseeva"));
  for (const auto& hit : alias)
    if (graph.find("alekseeva") == hit.node) CHECK(hit.evidence.strict);
  for (const auto& hit : skg::screen(graph, index, "Marika", {.min_score = 0.01}))
    if (graph.find("alekseeva") == hit.node) CHECK(hit.name_text != "MARINA");  // misspelt: no
}

TEST_CASE("screen: scores are calibrated probabilities with a default threshold") {
  const skg::Graph graph = lists_graph();
  const auto index = skg::build_screen_index(graph);
  CHECK(skg::kDefaultScreenThreshold == skg::calibration::kThreshold);
  CHECK(skg::kDefaultScreenThreshold > 0.3);
  CHECK(skg::kDefaultScreenThreshold < 1.0);
  const auto exact = skg::screen(graph, index, "Aleksandr Viktorovich Zakharov");
  REQUIRE(!exact.empty());
  CHECK(exact.front().score == doctest::Approx(1.0));
  const auto typo = skg::screen(graph, index, "Aleksandr Viktorovich Zakharpv");
  REQUIRE(!typo.empty());
  CHECK(typo.front().score < 1.0);
  CHECK(typo.front().score >= skg::kDefaultScreenThreshold);
  // Lowering the threshold shows weaker candidates; raising it hides the typo.
  CHECK(skg::screen(graph, index, "Aleksandr Viktorovich Zakharpv", {.min_score = 0.999}).empty());
  for (const auto& hit : skg::screen(graph, index, "Sberbank", {.min_score = 0.0}))
    CHECK((hit.score > 0.0 && hit.score <= 1.0));
}

TEST_CASE("screen: a typo in a rare name still finds it") {
  const skg::Graph graph = parties_graph({{"narval", NodeKind::Vessel, "NARVAL"},
                                          {"oplot", NodeKind::Company, "OPLOT"},
                                          {"baikal", NodeKind::Company, "BAIKAL ELECTRONICS JSC"},
                                          {"pasargad", NodeKind::Company, "PASARGAD BANK"},
                                          {"tail", NodeKind::Aircraft, "YV2485"}});
  const auto index = skg::build_screen_index(graph);
  // One letter added, dropped, changed or swapped, at the default threshold.
  CHECK(finds(graph, skg::screen(graph, index, "nmarval"), "narval"));
  CHECK(finds(graph, skg::screen(graph, index, "oslot"), "oplot"));
  CHECK(finds(graph, skg::screen(graph, index, "baikral electronics jsc"), "baikal"));
  CHECK(finds(graph, skg::screen(graph, index, "bank pasarygad"), "pasargad"));
  const auto typo = skg::screen(graph, index, "nmarval");
  REQUIRE(!typo.empty());
  CHECK(typo.front().evidence.typo_only);
  CHECK(typo.front().score < 1.0);
  // A digit changed is another number, not a typo: a tail number must match exactly.
  const auto tail = skg::screen(graph, index, "YV2486", {.min_score = 0.0});
  CHECK(std::none_of(tail.begin(), tail.end(), [](const auto& hit) { return hit.evidence.typo_only; }));
}

/// OFAC SDN 2024-05-03 from ../shared, or nothing (and a message) when it is absent.
static std::optional<skg::Graph> real_sdn_2024() {
  const std::string file = std::string(SKG_SHARED_DATASETS_DIR) + "/ofac/sdn_2024-05-03/sdn.csv";
  if (!std::filesystem::exists(file)) {
    MESSAGE("skipped: ../shared absent");
    return std::nullopt;
  }
  skg::Builder builder;
  skg::load(file, builder);
  return std::move(builder).freeze();
}

TEST_CASE("screen: on the real lists, \"Sberbank\" finds the bank and \"Trading LLC\" finds nothing") {
  const auto sdn = real_sdn_2024();
  if (!sdn) return;
  const skg::Graph& graph = *sdn;
  const auto index = skg::build_screen_index(graph);
  // OFAC uid 17018: PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA.
  const auto sber = skg::screen(graph, index, "Sberbank");
  CHECK(finds(graph, sber, "ofac-sdn:17018"));
  // OFAC uid 39178: BAIKAL ELECTRONICS JSC, typed with a typo and without its legal form.
  CHECK(finds(graph, skg::screen(graph, index, "Baikral Electronics"), "ofac-sdn:39178"));
  CHECK(skg::screen(graph, index, "Trading LLC").empty());
  CHECK(skg::screen(graph, index, "Bank").empty());
  CHECK(skg::screen(graph, index, "Joint Stock Company").empty());
}

TEST_CASE("screen: on the real SDN list, \"Vladimir Putin\" finds the president and \"Putin\" alone no vessel") {
  const auto sdn = real_sdn_2024();
  if (!sdn) return;
  const skg::Graph& graph = *sdn;
  const auto index = skg::build_screen_index(graph);
  // OFAC uid 35096: PUTIN, Vladimir Vladimirovich. Named as people name him, without the
  // patronymic, in either order, with a title, or with an initial: a hit at the default threshold.
  for (const char* query : {"Vladimir Putin", "Putin Vladimir", "President Vladimir Putin", "V. Putin"}) {
    CAPTURE(query);
    const auto hits = skg::screen(graph, index, query);
    REQUIRE(!hits.empty());
    CHECK(graph.find("ofac-sdn:35096") == hits.front().node);
  }
  // A surname alone is too little to name the person, and a one-word name met only through a
  // loose romanisation (the vessel PETION, uid 27433) is too little to name anyone.
  const auto surname = skg::screen(graph, index, "Putin");
  CHECK(!finds(graph, surname, "ofac-sdn:27433"));
  // Misspelt, the bank's brand name still finds it (OFAC uid 17018, "PJSC SBERBANK").
  CHECK(finds(graph, skg::screen(graph, index, "Sberbnak"), "ofac-sdn:17018"));
}
