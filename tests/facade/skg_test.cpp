// tests/facade/skg_test.cpp: the embedding façade (skg/skg.h): open, a view of one day, ask.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "generator.h"
#include "skg/graph/builder.h"
#include "skg/skg.h"

namespace {

using skg::Date;

const std::string kKaspersky = SKG_DATASETS_DIR "/kaspersky";

// A party designated from 2018 and delisted on 2021-03-01, its 60% subsidiary, and a party with
// an undated listing: the cases where "as of" meant different things to different queries.
skg::Graph delisting_graph() {
  skg::Batch batch;
  batch.add_entity({.id = "ofac-sdn:1", .kind = skg::NodeKind::Person, .name = "Ivan Delisted"});
  batch.add_entity({.id = "co:1", .kind = skg::NodeKind::Company, .name = "Delisted Holding Ltd"});
  batch.add_action({.id = "ofac-sdn:1#SDN", .target = "ofac-sdn:1", .authority = "OFAC",
                    .list = "SDN", .program = "UKRAINE-EO13660",
                    .in_force = {.start = Date::parse("2018-04-06"), .end = Date::parse("2021-03-01")},
                    .measure_set = skg::Measures{}.with(skg::Measure::AssetFreeze),
                    .issuer = skg::Issuer::UsOfac, .list_id = skg::SanctionList::OfacSdn});
  batch.add_edge({.kind = skg::EdgeKind::Owns, .from = "ofac-sdn:1", .to = "co:1",
                  .share = skg::Percent::exact(60)});
  skg::Builder builder;
  builder.commit(std::move(batch));
  return std::move(builder).freeze();
}

}  // namespace

TEST_CASE("facade: one as-of policy: a delisted party is listed by every query before its delisting, by none after") {
  const skg::Database db(delisting_graph());
  const skg::NodeId ivan = *db.graph().find("ofac-sdn:1");
  const skg::NodeId holding = *db.graph().find("co:1");
  SUBCASE("the query layer's undated answers disagree (what the view replaces)") {
    // nullopt is "every fact whatever its dates" for is_listed, "the latest state" for exposure.
    CHECK(skg::is_listed(db.graph(), ivan, std::nullopt));
    CHECK(!skg::exposure(db.graph(), ivan, {}).listed);
  }
  SUBCASE("while listed, every question says listed and the subsidiary blocked") {
    const skg::View view = db.as_of("2020-06-01");
    CHECK(view.is_listed(ivan));
    CHECK(view.show(ivan).listed);
    CHECK(view.listings(ivan).in_force.size() == 1);
    CHECK(view.exposure(ivan).listed);
    CHECK(view.exposure(holding).blocked == skg::Verdict::Yes);
    CHECK(view.blocked()->count(skg::Verdict::Yes) == 2);
    CHECK(view.reach(holding, {.max_hops = 1}).size() == 1);
  }
  SUBCASE("after the delisting, no question says listed, the listing is ended, the subsidiary free") {
    const skg::View view = db.as_of("2021-03-01");  // the end date is the first day not in force
    CHECK(!view.is_listed(ivan));
    CHECK(!view.show(ivan).listed);
    CHECK(view.listings(ivan).in_force.empty());
    CHECK(view.listings(ivan).ended.size() == 1);
    CHECK(!view.exposure(ivan).listed);
    CHECK(view.exposure(holding).blocked == skg::Verdict::No);
    CHECK(view.reach(holding, {.max_hops = 1}).empty());
  }
  SUBCASE("a per-query date that contradicts the view is refused") {
    const skg::View view = db.as_of("2020-06-01");
    CHECK_THROWS_AS(view.reach(holding, {.as_of = Date::parse("2022-01-01")}), skg::Error);
    CHECK_NOTHROW(view.reach(holding, {.as_of = Date::parse("2020-06-01")}));
    CHECK_THROWS_WITH_AS(db.as_of("2020-13-01"), doctest::Contains("not a date"), skg::Error);
  }
}

TEST_CASE("facade: the Kaspersky case through the front door: resolve, screen, exposure, owners") {
  const skg::Database db = skg::Database::open({kKaspersky});
  REQUIRE(db.reports().size() == 1);
  CHECK(db.reports()[0].count("entities") > 0);
  const skg::View view = db.as_of("2024-08-01");
  const skg::NodeId lab = view.resolve("kaspersky-ao-kaspersky-lab");
  CHECK(view.resolve("AO Kaspersky Lab") == lab);  // an exact name
  const auto hits = view.screen("Kasperski Labs");
  REQUIRE(!hits.empty());
  const skg::Exposure answer = view.exposure("kaspersky-ao-kaspersky-lab", skg::Rule::Ofac);
  CHECK(answer.entity == lab);
  CHECK(answer.as_of == Date::parse("2024-08-01"));
  // The same answer as the raw query with the same day.
  const skg::Exposure raw =
      skg::exposure(db.graph(), lab, {.rule = skg::Rule::Ofac, .as_of = Date::parse("2024-08-01")});
  CHECK(raw.listed == answer.listed);
  CHECK(raw.blocked == answer.blocked);
  CHECK(raw.reasons.size() == answer.reasons.size());
  CHECK(view.blocked(skg::Rule::Ofac) == db.as_of("2024-08-01").blocked(skg::Rule::Ofac));  // cached
  CHECK(view.blocked(skg::Rule::Eu) != view.blocked(skg::Rule::Ofac));
}

TEST_CASE("facade: an ambiguous or unknown name is an error naming the candidates") {
  skg::Batch batch;
  batch.add_entity({.id = "a:1", .kind = skg::NodeKind::Company, .name = "Acme Trading Ltd"});
  batch.add_entity({.id = "a:2", .kind = skg::NodeKind::Company, .name = "Acme Trading Ltd"});
  skg::Builder builder;
  builder.commit(std::move(batch));
  const skg::Database db(std::move(builder).freeze());
  const skg::View view = db.as_of("2024-01-01");
  try {
    (void)view.resolve("acme trading ltd");
    FAIL("an ambiguous name resolved");
  } catch (const skg::ResolveError& error) {
    CHECK(error.kind() == skg::ResolveError::Kind::Ambiguous);
    CHECK(error.candidates().size() == 2);
    CHECK(std::string(error.what()).find("a:1") != std::string::npos);
    CHECK(std::string(error.what()).find("a:2") != std::string::npos);
  }
  CHECK_THROWS_WITH_AS(view.resolve("Zyxwvut Qqqq"), doctest::Contains("screening finds none"),
                       skg::ResolveError);
  CHECK(view.resolve("a:2") == *db.graph().find("a:2"));
}

TEST_CASE("facade: a bad file is a LoadError with file, line and reason, and no database") {
  try {
    (void)skg::Database::open({"ofac-sdn:" SKG_DATASETS_DIR "/broken/ofac_bad_quote.csv"});
    FAIL("a broken file loaded");
  } catch (const skg::LoadError& error) {
    CHECK(error.file().find("ofac_bad_quote.csv") != std::string::npos);
    CHECK(error.line() > 0);
    CHECK(!error.reason().empty());
  }
  CHECK_THROWS_WITH_AS(skg::Database::open({"no/such/folder"}), doctest::Contains("no such file"),
                       skg::LoadError);
}

TEST_CASE("facade: an index or blocked set of another graph is refused, not read out of bounds") {
  const skg::Graph small = delisting_graph();
  const skg::Graph large = skg::generate({.entities = 500, .seed = 3});
  const skg::BlockedSet blocked = skg::blocked_set(small, {.rule = skg::Rule::Ofac});
  const skg::ScreenIndex index = skg::build_screen_index(small);
  CHECK(blocked.built_for(small));
  CHECK(!blocked.built_for(large));
  CHECK_THROWS_WITH_AS(skg::exposure(large, blocked, skg::NodeId{400}),
                       doctest::Contains("another graph"), skg::Error);
  CHECK_THROWS_WITH_AS(skg::screen(large, index, "Ivan"), doctest::Contains("another graph"),
                       skg::Error);
  CHECK_THROWS_AS(skg::exposure(small, blocked, skg::NodeId{400}), skg::Error);  // not a node
  // A graph moved elsewhere keeps its indexes; the moved-from shell does not.
  skg::Graph moved_from = delisting_graph();
  const skg::ScreenIndex moved_index = skg::build_screen_index(moved_from);
  const skg::Graph moved_to = std::move(moved_from);
  CHECK(moved_index.built_for(moved_to));
  CHECK(!moved_index.built_for(moved_from));  // NOLINT(bugprone-use-after-move): the point
  const skg::Database db(delisting_graph());
  CHECK_THROWS_AS(db.as_of("2020-01-01").show(skg::NodeId{99}), skg::Error);
}

TEST_CASE("facade: a service asking about 100 days keeps a bounded cache and the same answers") {
  const skg::Database db(skg::generate({.entities = 2000, .seed = 5}), {.days = 4});
  const skg::Database fresh_source(skg::generate({.entities = 2000, .seed = 5}));
  const Date first = *Date::parse("2015-01-01");
  std::vector<skg::NodeId> sample;
  for (std::uint32_t node = 0; node < db.graph().node_count(); node += 97) sample.push_back(skg::NodeId{node});
  // Held across the whole run: a set the cache drops stays alive and right for its holder.
  const auto kept = db.as_of(first).blocked(skg::Rule::Ofac);
  const auto kept_count = kept->count(skg::Verdict::Yes);
  std::size_t most_listed = 0, most_blocked = 0, differ = 0;
  for (int day = 0; day < 100; ++day) {
    const skg::View view = db.as_of(Date{first.days + day * 37});
    const skg::Rule rule = day % 2 == 0 ? skg::Rule::Ofac : skg::Rule::Eu;
    const skg::BlockedSet reference = skg::blocked_set(db.graph(), {.rule = rule, .as_of = view.day()});
    for (const skg::NodeId node : sample) {
      const auto exposure = view.exposure(node, rule);
      const auto expected = skg::exposure(db.graph(), reference, node);
      differ += exposure.blocked != expected.blocked || exposure.reasons.size() != expected.reasons.size();
    }
    differ += view.listed()->count() != skg::ListedSet(db.graph(), view.day()).count();
    const auto counts = db.cached();
    most_listed = std::max(most_listed, counts.listed_sets);
    most_blocked = std::max(most_blocked, counts.blocked_sets);
  }
  CHECK(differ == 0);
  CHECK(most_listed <= 4);
  CHECK(most_blocked <= 2 * 4);  // two rules asked, four days each at most
  CHECK(db.cached().listed_sets == 4);
  CHECK(kept->count(skg::Verdict::Yes) == kept_count);
  CHECK(kept->built_for(db.graph()));
  // The answers of a database that never dropped anything: asked again, in another order.
  for (int day = 99; day >= 0; day -= 11) {
    const Date when{first.days + day * 37};
    for (const skg::NodeId node : sample)
      CHECK(db.as_of(when).exposure(node).blocked ==
            fresh_source.as_of(when).exposure(node).blocked);
  }
}
