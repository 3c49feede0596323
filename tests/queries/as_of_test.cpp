// tests/queries/as_of_test.cpp: which listings apply on a day, which start later, which ended.
#include <doctest/doctest.h>

#include "skg/graph/builder.h"
#include "skg/queries/as_of.h"

namespace {

using skg::Date;

// The ICTS Final Determination's two effective dates (89 FR 52434: new sales banned from
// 2024-07-20, updates from 2024-09-29), a BIS listing, and a 2017 directive ended for the test.
skg::Graph icts_graph() {
  skg::Batch batch;
  batch.add_entity({.id = "lab", .kind = skg::NodeKind::Company, .name = "Kaspersky Lab, Inc."});
  batch.add_entity({.id = "clean", .kind = skg::NodeKind::Company, .name = "Clean Co"});
  batch.add_action({.id = "icts-sales", .target = "lab", .authority = "Commerce (OICTS)",
                    .in_force = {.start = Date::parse("2024-07-20")}});
  batch.add_action({.id = "icts-updates", .target = "lab", .authority = "Commerce (OICTS)",
                    .in_force = {.start = Date::parse("2024-09-29")}});
  batch.add_action({.id = "bis", .target = "lab", .authority = "BIS",
                    .in_force = {.start = Date::parse("2024-06-24")}});
  batch.add_action({.id = "old", .target = "lab", .authority = "DHS",
                    .in_force = {.start = Date::parse("2017-09-13"), .end = Date::parse("2018-01-01")}});
  skg::Builder builder;
  builder.commit(std::move(batch));
  return std::move(builder).freeze();
}

}  // namespace

TEST_CASE("as_of: what applied on 2024-08-01 and what starts later") {
  const skg::Graph graph = icts_graph();
  const skg::NodeId lab = *graph.find("lab");
  const auto on = skg::listings(graph, lab, Date::parse("2024-08-01"));
  REQUIRE(on.in_force.size() == 2);
  CHECK(graph.string(on.in_force[0].details->authority) == "BIS");  // earliest start first
  CHECK(on.in_force[1].action == *graph.find("icts-sales"));
  REQUIRE(on.later.size() == 1);
  CHECK(on.later[0].action == *graph.find("icts-updates"));
  CHECK(on.later[0].in_force.start == Date::parse("2024-09-29"));
  REQUIRE(on.ended.size() == 1);
  CHECK(on.ended[0].action == *graph.find("old"));
  CHECK(skg::listings(graph, lab, std::nullopt).in_force.size() == 4);
  CHECK(skg::listings(graph, lab, Date::parse("2024-08-01"), "BIS").in_force.size() == 1);
}

TEST_CASE("as_of: in_force, is_listed and the listed set agree") {
  const skg::Graph graph = icts_graph();
  const skg::NodeId lab = *graph.find("lab"), clean = *graph.find("clean");
  CHECK(skg::in_force(graph, *graph.find("icts-updates"), Date::parse("2024-09-29")));
  CHECK(!skg::in_force(graph, *graph.find("icts-updates"), Date::parse("2024-09-28")));
  CHECK(!skg::in_force(graph, lab, std::nullopt));  // not an action
  CHECK(skg::is_listed(graph, lab, Date::parse("2024-07-01")));
  CHECK(!skg::is_listed(graph, lab, Date::parse("2024-07-01"), "Commerce (OICTS)"));
  CHECK(!skg::is_listed(graph, lab, Date::parse("2020-01-01")));
  CHECK(skg::is_listed(graph, lab, Date::parse("2017-10-01"), "DHS"));
  CHECK(!skg::is_listed(graph, clean, std::nullopt));
  const skg::ListedSet set(graph, Date::parse("2024-07-01"));
  CHECK(set.contains(lab));
  CHECK(!set.contains(clean));
  CHECK(set.count() == 1);
  CHECK(set.nodes() == std::vector<skg::NodeId>{lab});
  CHECK(skg::ListedSet(graph, Date::parse("2020-01-01")).count() == 0);
}
