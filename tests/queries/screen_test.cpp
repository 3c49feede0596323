// tests/queries/screen_test.cpp: name screening: folding, transliteration, fuzzy words, ranking.
#include <doctest/doctest.h>

#include <algorithm>

#include "skg/graph/builder.h"
#include "skg/queries/screen.h"
#include "generator.h"

namespace {

using skg::NameStrength;
using skg::NameType;
using skg::NodeKind;

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
}

TEST_CASE("screen: edit distance counts swaps of neighbours as one edit") {
  CHECK(skg::detail::bounded_edits("aleskeeva", "alekseeva", 2) == 1);
  CHECK(skg::detail::bounded_edits("kasperski", "kaspersky", 2) == 1);
  CHECK(skg::detail::bounded_edits("kasperskiy", "kaspersky", 3) == 1);
  CHECK(skg::detail::bounded_edits("abc", "xyz", 1) == 2);  // capped at max + 1
  CHECK(skg::detail::bounded_edits("same", "same", 0) == 0);
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
    CHECK(why[0].how == skg::TokenMatchKind::Fuzzy);
    CHECK(why[0].name_token == "kaspersky");
    CHECK(why[0].edits == 1);
    CHECK(why[1].how == skg::TokenMatchKind::Exact);
    CHECK(why[2].how == skg::TokenMatchKind::LegalForm);
    CHECK(why[2].legal_form);
    CHECK(!hits.front().exact);
    CHECK(hits.front().score < 1.0);
  }
  SUBCASE("Cyrillic finds the Latin spelling") {
    const auto hits = skg::screen(graph, index, "Касперский");
    CHECK(finds(graph, hits, "eugene"));
    CHECK(top_name(graph, hits) == "Eugene Kaspersky");
    CHECK(finds(graph, skg::screen(graph, index, "Касперский", {.min_score = 0.6}), "lab-uk"));
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
  SUBCASE("a weak alias weighs less than the same words in a primary name") {
    const auto hits = skg::screen(graph, index, "JSC Kaspersky Lab");
    REQUIRE(!hits.empty());
    CHECK(top_name(graph, hits) == "AO Kaspersky Lab");
    // "JSC" = "AO" through the primary name scores higher than the exact weak alias.
    CHECK(hits.front().name.strength != NameStrength::Weak);
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
  const auto hits = skg::screen(graph, index, "Volkova Trading");
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
    const auto hits = skg::screen(graph, index, "Kaspersky", {.kinds = {NodeKind::Person}});
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
    CHECK(skg::screen(graph, index, "Kaspersky", {.limit = 1}).size() == 1);
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
