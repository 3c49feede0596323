// tests/queries/screen_query_test.cpp: screening as an analyst asks: identifiers, evidence,
// filters and what each hit carries, on the bundled Kaspersky case and real list samples.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "skg/graph/builder.h"
#include "skg/loaders/load.h"
#include "skg/queries/screen_query.h"

namespace {

using skg::EvidenceEffect;

struct Case {
  skg::Graph graph;
  skg::ScreenIndex names;
  skg::IdentifierIndex ids;
};

Case load_case(const std::vector<std::string>& paths) {
  skg::Builder builder;
  for (const auto& path : paths) skg::load(path, builder);
  Case out{std::move(builder).freeze(), {}, {}};
  out.names = skg::build_screen_index(out.graph);
  out.ids = skg::build_identifier_index(out.graph);
  return out;
}

const Case& kaspersky() {
  static const Case instance = load_case({std::string(SKG_DATASETS_DIR) + "/kaspersky"});
  return instance;
}

const skg::Date kDay = *skg::Date::parse("2024-08-01");

std::vector<skg::ScreenHit> ask(const Case& c, skg::ScreenQuery query, skg::ScreenOptions options = {}) {
  if (!options.as_of) options.as_of = kDay;
  return skg::screen_query(c.graph, c.names, c.ids, query, options);
}

const skg::ScreenHit* hit_for(const Case& c, const std::vector<skg::ScreenHit>& hits, std::string_view id) {
  const auto node = c.graph.find(id);
  if (!node) return nullptr;
  const auto found = std::find_if(hits.begin(), hits.end(), [&](const auto& hit) { return hit.node == *node; });
  return found == hits.end() ? nullptr : &*found;
}

const skg::EvidenceNote* note(const skg::ScreenHit& hit, std::string_view fact) {
  for (const auto& one : hit.secondary)
    if (one.fact == fact) return &one;
  return nullptr;
}

constexpr const char* kTikhonov = "ofac-sdn:45815";  // DOB 09 Nov 1966, Russia, male, passport 530193947
constexpr const char* kAlekseeva = "ofac-sdn:45854";  // DOB 15 Jun 1978, Russia, female

}  // namespace

TEST_CASE("screen_query: --id finds the passport holder with certainty and says which document") {
  const Case& c = kaspersky();
  const auto hits = ask(c, {.id = "530 193-947"});
  REQUIRE(hits.size() == 1);
  CHECK(c.graph.find(kTikhonov) == hits[0].node);
  CHECK(hits[0].score == 1.0);
  REQUIRE(hits[0].identifiers.size() == 1);
  CHECK(hits[0].identifiers[0].identifier.type == skg::IdentifierType::Passport);
  CHECK(hits[0].identifiers[0].attribute == "id:Passport");
  CHECK(ask(c, {.id = "530193946"}).empty());
}

TEST_CASE("screen_query: a name with a tax number in it is certain on the number") {
  const Case& c = kaspersky();
  // The name is misspelt past recognition; the number decides.
  const auto hits = ask(c, {.name = "Tikhanaff 774334095919"});
  const auto* hit = hit_for(c, hits, kTikhonov);
  REQUIRE(hit != nullptr);
  CHECK(hits.front().node == hit->node);
  CHECK(hit->score == 1.0);
  REQUIRE_FALSE(hit->identifiers.empty());
  CHECK(hit->identifiers[0].identifier.type == skg::IdentifierType::Tax);
}

TEST_CASE("screen_query: a birth year that differs lowers a hit a lot, the same day raises it") {
  const Case& c = kaspersky();
  skg::ScreenOptions keep_all;
  keep_all.min_score = 0;
  const auto plain = ask(c, {.name = "Andrei Tikhonov"}, keep_all);
  const auto* base = hit_for(c, plain, kTikhonov);
  REQUIRE(base != nullptr);
  CHECK(base->secondary.empty());

  const auto same_day = ask(c, {.name = "Andrei Tikhonov", .evidence = {.birth_date = "1966-11-09"}}, keep_all);
  const auto* raised = hit_for(c, same_day, kTikhonov);
  REQUIRE(raised != nullptr);
  REQUIRE(note(*raised, "date of birth") != nullptr);
  CHECK(note(*raised, "date of birth")->effect == EvidenceEffect::Raises);
  CHECK(raised->score > base->score - 1e-9);
  CHECK(raised->name_score == doctest::Approx(base->score));

  const auto year_only = ask(c, {.name = "Andrei Tikhonov", .evidence = {.birth_date = "1966"}}, keep_all);
  CHECK(note(*hit_for(c, year_only, kTikhonov), "date of birth")->effect == EvidenceEffect::Raises);

  const auto other_year = ask(c, {.name = "Andrei Tikhonov", .evidence = {.birth_date = "1985-11-09"}}, keep_all);
  const auto* lowered = hit_for(c, other_year, kTikhonov);
  REQUIRE(lowered != nullptr);
  CHECK(note(*lowered, "date of birth")->effect == EvidenceEffect::Lowers);
  CHECK(lowered->score == doctest::Approx(std::max(0.0, base->score + skg::evidence_weights::kBirthYearMismatch)));
  CHECK(note(*lowered, "date of birth")->text.find("1966-11-09") != std::string::npos);

  const auto other_day = ask(c, {.name = "Andrei Tikhonov", .evidence = {.birth_date = "1966-11-10"}}, keep_all);
  const auto* day_off = hit_for(c, other_day, kTikhonov);
  CHECK(note(*day_off, "date of birth")->effect == EvidenceEffect::Lowers);
  CHECK(day_off->score > lowered->score);

  // At a threshold of 0.7, a different birth year drops an exact name hit.
  skg::ScreenOptions at_70;
  at_70.min_score = 0.7;
  const auto at_default = ask(c, {.name = "Tikhonov Andrei Gennadyevich", .evidence = {.birth_date = "1990"}}, at_70);
  CHECK(hit_for(c, at_default, kTikhonov) == nullptr);
}

TEST_CASE("screen_query: a record without the fact changes nothing and says so") {
  const Case& c = kaspersky();
  const auto hits = ask(c, {.name = "AO Kaspersky Lab", .evidence = {.birth_date = "1997", .gender = "male"}});
  REQUIRE_FALSE(hits.empty());
  const auto& top = hits.front();
  CHECK(c.graph.name(top.node) == "AO Kaspersky Lab");
  REQUIRE(note(top, "date of birth") != nullptr);
  CHECK(note(top, "date of birth")->effect == EvidenceEffect::None);
  CHECK(note(top, "date of birth")->text == "the record gives no date of birth");
  CHECK(note(top, "gender")->effect == EvidenceEffect::None);
  CHECK(top.score == doctest::Approx(top.name_score));
}

TEST_CASE("screen_query: a country is accepted as a name or an ISO code, and weighs either way") {
  const Case& c = kaspersky();
  skg::ScreenOptions keep_all;
  keep_all.min_score = 0;
  for (std::string country : {"Russia", "RU", "rus", "Russian Federation"}) {
    CAPTURE(country);
    const auto hits = ask(c, {.name = "Marina Alekseeva", .evidence = {.countries = {country}}}, keep_all);
    const auto* hit = hit_for(c, hits, kAlekseeva);
    REQUIRE(hit != nullptr);
    REQUIRE(note(*hit, "country") != nullptr);
    CHECK(note(*hit, "country")->effect == EvidenceEffect::Raises);
  }
  const auto elsewhere = ask(c, {.name = "Marina Alekseeva", .evidence = {.countries = {"Germany"}}}, keep_all);
  const auto* hit = hit_for(c, elsewhere, kAlekseeva);
  REQUIRE(hit != nullptr);
  CHECK(note(*hit, "country")->effect == EvidenceEffect::Lowers);
  CHECK(note(*hit, "country")->text.find("RU") != std::string::npos);
  CHECK_THROWS_AS(ask(c, {.name = "Marina Alekseeva", .evidence = {.countries = {"Narnia"}}}), skg::Error);
  CHECK(skg::country_code("Korea, North") == "KP");
  CHECK(skg::country_code("Iran, Islamic Republic of") == "IR");
  CHECK(skg::country_code("Türkiye") == "TR");
  CHECK_FALSE(skg::country_code("Moscow"));
  // A list of countries is split at commas, unless the whole names one country.
  CHECK(skg::split_countries("Korea, North") == std::vector<std::string>{"Korea, North"});
  CHECK(skg::split_countries("RU, by") == std::vector<std::string>{"RU", "by"});
}

TEST_CASE("screen_query: gender and kind raise a matching record, and kind leaves out others") {
  const Case& c = kaspersky();
  skg::ScreenOptions keep_all;
  keep_all.min_score = 0;
  const auto female = ask(c, {.name = "Marina Alekseeva", .evidence = {.gender = "F"}}, keep_all);
  CHECK(note(*hit_for(c, female, kAlekseeva), "gender")->effect == EvidenceEffect::Raises);
  const auto male = ask(c, {.name = "Marina Alekseeva", .evidence = {.gender = "male"}}, keep_all);
  CHECK(note(*hit_for(c, male, kAlekseeva), "gender")->effect == EvidenceEffect::Lowers);

  const auto companies = ask(c, {.name = "Kaspersky", .evidence = {.kind = skg::NodeKind::Company}}, keep_all);
  REQUIRE_FALSE(companies.empty());
  for (const auto& hit : companies) {
    CAPTURE(c.graph.name(hit.node));
    CHECK(c.graph.kind(hit.node) != skg::NodeKind::Person);
  }
  const auto people = ask(c, {.name = "Kaspersky", .evidence = {.kind = skg::NodeKind::Person}}, keep_all);
  REQUIRE_FALSE(people.empty());
  for (const auto& hit : people) CHECK(c.graph.kind(hit.node) != skg::NodeKind::Company);
  CHECK(note(people.front(), "kind")->effect == EvidenceEffect::Raises);
}

TEST_CASE("screen_query: filters keep the parties of one authority, list or program") {
  const Case& c = kaspersky();
  skg::ScreenOptions options;
  options.min_score = 0;  // every candidate the name index gives: the filter alone decides
  options.filter.authorities = {"bis"};
  const auto bis = ask(c, {.name = "Kaspersky"}, options);
  REQUIRE_FALSE(bis.empty());
  for (const auto& hit : bis) {
    bool has = false;
    for (const auto& listing : hit.listings)
      has = has || c.graph.string(listing.details->authority) == "BIS";
    CHECK(has);
  }
  options.filter = {};
  options.filter.programs = {"RUSSIA-EO14024"};
  const auto sdn = ask(c, {.name = "Andrei"}, options);
  REQUIRE_FALSE(sdn.empty());
  for (const auto& hit : sdn) CHECK(c.graph.kind(hit.node) == skg::NodeKind::Person);
  options.filter = {};
  options.filter.lists = {"No Such List"};
  CHECK(ask(c, {.name = "Kaspersky"}, options).empty());
  // Before the Entity List date, the BIS filter finds none.
  options.filter = {};
  options.filter.authorities = {"BIS"};
  options.as_of = skg::Date::parse("2024-06-23");
  CHECK(ask(c, {.name = "Kaspersky Labs Limited"}, options).empty());
}

TEST_CASE("screen_query: a hit carries its listings, dates of birth and countries") {
  const Case& c = kaspersky();
  const auto hits = ask(c, {.name = "Andrei Tikhonov"});
  const auto* hit = hit_for(c, hits, kTikhonov);
  REQUIRE(hit != nullptr);
  REQUIRE_FALSE(hit->listings.empty());
  const auto& listing = *hit->listings.front().details;
  CHECK(c.graph.string(listing.authority) == "OFAC");
  CHECK(c.graph.string(listing.program) == "RUSSIA-EO14024");
  CHECK(hit->birth_dates == std::vector<std::string_view>{"1966-11-09"});
  REQUIRE_FALSE(hit->countries.empty());
  CHECK(hit->countries.front().code == "RU");
  CHECK(hit->name_text.size() > 0);
}

TEST_CASE("screen_query: on the real OFAC list, a vessel's IMO number and a birth year decide") {
  const std::string shared = SKG_SHARED_DATASETS_DIR;
  if (!std::filesystem::exists(shared + "/ofac/sdn_2024-05-03/sdn.csv")) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  const Case c = load_case({shared + "/ofac/sdn_2024-05-03/sdn.csv"});
  // Every vessel with an IMO number is found by it, typed as "IMO 1234567" or the digits alone.
  std::size_t vessels = 0, found = 0;
  for (std::uint32_t at = 0; at < c.graph.node_count(); ++at) {
    const skg::NodeId node{at};
    if (c.graph.kind(node) != skg::NodeKind::Vessel) continue;
    for (const auto& attribute : c.graph.attributes(node)) {
      const auto id = skg::parse_identifier(c.graph.string(attribute.key), c.graph.string(attribute.value));
      if (!id || id->type != skg::IdentifierType::Imo) continue;
      ++vessels;
      const auto hits = ask(c, {.id = id->number});
      found += std::any_of(hits.begin(), hits.end(), [&](const auto& hit) { return hit.node == node; });
      break;
    }
  }
  MESSAGE(found << " of " << vessels << " vessels found by IMO number");
  CHECK(vessels > 100);
  CHECK(found == vessels);
  // A listed person's primary name with the wrong birth year drops below the threshold.
  std::size_t persons = 0, kept_right = 0, dropped_wrong = 0;
  for (std::uint32_t at = 0; at < c.graph.node_count() && persons < 200; ++at) {
    const skg::NodeId node{at};
    if (c.graph.kind(node) != skg::NodeKind::Person) continue;
    const auto dates = skg::record_birth_dates(c.graph, node);
    if (dates.size() != 1 || dates[0].size() != 10) continue;
    ++persons;
    const std::string name(c.graph.name(node));
    const std::string year(dates[0].substr(0, 4));
    const std::string wrong = std::to_string(std::stoi(year) + 20);
    const auto right = ask(c, {.name = name, .evidence = {.birth_date = std::string(dates[0])}});
    kept_right += right.size() > 0 && right.front().node == node;
    const auto other = ask(c, {.name = name, .evidence = {.birth_date = wrong}});
    dropped_wrong += std::none_of(other.begin(), other.end(), [&](const auto& hit) { return hit.node == node; });
  }
  MESSAGE(persons << " persons: right DOB top " << kept_right << ", wrong DOB dropped " << dropped_wrong);
  CHECK(persons == 200);
  CHECK(kept_right >= 190);
  CHECK(dropped_wrong >= 190);
}
