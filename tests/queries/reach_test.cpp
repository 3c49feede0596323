// tests/queries/reach_test.cpp: listed parties in reach, shortest paths, ownership chains,
// distance to listed, on a hand-built graph and on generated ones against a plain BFS.
#include <doctest/doctest.h>

#include <deque>

#include "generator.h"
#include "skg/graph/builder.h"
#include "skg/queries/as_of.h"
#include "skg/queries/reach.h"

namespace {

using skg::Date;
using skg::EdgeKind;
using skg::NodeKind;

std::optional<Date> day(const char* text) { return Date::parse(text); }

// S (supplier) <-OWNS 60%- A <-OWNS 50%- B <-OWNS 100% (since 2023)- Q (BIS, from 2024-06-24)
//                          A <-DIRECTOR_OF- P (OFAC since 2024-06-21)
// C -SUBSIDIARY_OF-> S;  R -ASSOCIATE-> C;  R listed 2015..2020 only.
skg::Graph supply_graph() {
  skg::Batch batch;
  for (const char* id : {"S", "A", "B", "C", "Q"})
    batch.add_entity({.id = id, .kind = NodeKind::Company, .name = id, .source = {"test", id, 1}});
  for (const char* id : {"P", "R"})
    batch.add_entity({.id = id, .kind = NodeKind::Person, .name = id, .source = {"test", id, 1}});
  batch.add_edge({.kind = EdgeKind::Owns, .from = "A", .to = "S", .share = skg::Percent::exact(60)});
  batch.add_edge({.kind = EdgeKind::Owns, .from = "B", .to = "A", .share = skg::Percent::exact(50)});
  batch.add_edge({.kind = EdgeKind::Owns, .from = "Q", .to = "B", .share = skg::Percent::exact(100),
                  .valid = {.start = day("2023-01-01")}});
  batch.add_edge({.kind = EdgeKind::DirectorOf, .from = "P", .to = "A", .role = "director",
                  .source = {"test", "dir-1", 7}});
  batch.add_edge({.kind = EdgeKind::SubsidiaryOf, .from = "C", .to = "S"});
  batch.add_edge({.kind = EdgeKind::Associate, .from = "R", .to = "C"});
  batch.add_action({.id = "sdn:P", .target = "P", .authority = "OFAC", .list = "SDN",
                    .in_force = {.start = day("2024-06-21")}});
  batch.add_action({.id = "el:Q", .target = "Q", .authority = "BIS", .list = "Entity List",
                    .in_force = {.start = day("2024-06-24")}});
  batch.add_action({.id = "old:R", .target = "R", .authority = "OFAC", .list = "SDN",
                    .in_force = {.start = day("2015-01-01"), .end = day("2020-01-01")}});
  skg::Builder builder;
  builder.commit(std::move(batch));
  return std::move(builder).freeze();
}

std::vector<std::string> names(const skg::Graph& graph, const std::vector<skg::ReachHit>& hits) {
  std::vector<std::string> out;
  for (const auto& hit : hits) out.emplace_back(graph.name(hit.party));
  return out;
}

std::vector<std::string> names(const skg::Graph& graph, const skg::Path& path) {
  std::vector<std::string> out;
  for (skg::NodeId node : path.nodes) out.emplace_back(graph.name(node));
  return out;
}

using Names = std::vector<std::string>;

/// Hops from `from` to every node by a plain BFS with a full distance array (the reference).
std::vector<int> plain_bfs(const skg::Graph& graph, skg::NodeId from, skg::EdgeKinds kinds) {
  std::vector<int> hops(graph.node_count(), -1);
  std::deque<skg::NodeId> queue{from};
  hops[skg::index(from)] = 0;
  while (!queue.empty()) {
    const skg::NodeId node = queue.front();
    queue.pop_front();
    auto visit = [&](skg::EdgeId edge, skg::NodeId other) {
      if (!kinds.contains(graph.edge_kind(edge)) || hops[skg::index(other)] >= 0) return;
      hops[skg::index(other)] = hops[skg::index(node)] + 1;
      queue.push_back(other);
    };
    for (skg::EdgeId edge : graph.out_edges(node)) visit(edge, graph.target(edge));
    for (skg::EdgeId edge : graph.in_edges(node)) visit(edge, graph.source(edge));
  }
  return hops;
}

void check_path(const skg::Graph& graph, const skg::Path& path) {
  REQUIRE(path.nodes.size() == path.edges.size() + 1);
  for (std::size_t at = 0; at < path.edges.size(); ++at) {
    const skg::EdgeId edge = path.edges[at];
    const bool forward = graph.source(edge) == path.nodes[at] && graph.target(edge) == path.nodes[at + 1];
    const bool backward = graph.target(edge) == path.nodes[at] && graph.source(edge) == path.nodes[at + 1];
    CHECK((forward || backward));
  }
}

}  // namespace

TEST_CASE("reach: listed parties within hops, nearest first, each with a path and its listings") {
  const skg::Graph graph = supply_graph();
  const skg::NodeId supplier = *graph.find("S");
  skg::ReachWorkspace workspace;

  SUBCASE("as of 2024-08-01: the director two hops away, the BIS-listed owner three") {
    const auto hits = skg::reach(graph, supplier, {.as_of = day("2024-08-01")}, workspace);
    CHECK(names(graph, hits) == Names{"P", "Q"});
    REQUIRE(hits.size() == 2);
    CHECK(names(graph, hits[0].path) == Names{"S", "A", "P"});
    CHECK(names(graph, hits[1].path) == Names{"S", "A", "B", "Q"});
    check_path(graph, hits[1].path);
    REQUIRE(hits[0].actions.size() == 1);
    CHECK(graph.action(hits[0].actions[0])->in_force.start == day("2024-06-21"));
    CHECK(graph.edge_provenance(hits[0].path.edges[1]).size() == 1);  // the DIRECTOR_OF record
  }
  SUBCASE("without a date every listing counts, the ended one too") {
    CHECK(names(graph, skg::reach(graph, supplier, {}, workspace)) == Names{"P", "R", "Q"});
  }
  SUBCASE("fewer hops, one authority, one direction") {
    CHECK(names(graph, skg::reach(graph, supplier, {.max_hops = 2, .as_of = day("2024-08-01")}, workspace)) ==
          Names{"P"});
    CHECK(names(graph, skg::reach(graph, supplier, {.as_of = day("2024-08-01"), .authority = "BIS"},
                                  workspace)) == Names{"Q"});
    CHECK(skg::reach(graph, supplier, {.direction = skg::Direction::Out}, workspace).empty());
    CHECK(names(graph, skg::reach(graph, supplier, {.direction = skg::Direction::In}, workspace)) ==
          Names{"P", "R", "Q"});  // R -> C -> S: in-edges too
    CHECK(names(graph, skg::reach(graph, supplier, {.edges = skg::EdgeKinds::ownership()}, workspace)) ==
          Names{"Q"});
  }
  SUBCASE("before the owner's stake and listing began, only the director is in reach") {
    CHECK(names(graph, skg::reach(graph, supplier, {.as_of = day("2024-06-22")}, workspace)) == Names{"P"});
    CHECK(skg::reach(graph, supplier, {.as_of = day("2022-01-01")}, workspace).empty());
  }
  SUBCASE("a listed party reports itself at 0 hops unless told not to") {
    const skg::NodeId director = *graph.find("P");
    const auto hits = skg::reach(graph, director, {.as_of = day("2024-08-01")}, workspace);
    REQUIRE(!hits.empty());
    CHECK(hits[0].party == director);
    CHECK(hits[0].path.hops() == 0);
    CHECK(names(graph, skg::reach(graph, director, {.as_of = day("2024-08-01"), .include_self = false},
                                  workspace)) == Names{"Q"});
  }
  SUBCASE("a precomputed listed set gives the same answer") {
    const skg::ListedSet listed(graph, day("2024-08-01"));
    CHECK(listed.count() == 2);
    CHECK(names(graph, skg::reach(graph, supplier, {.as_of = day("2024-08-01"), .listed = &listed},
                                  workspace)) == Names{"P", "Q"});
  }
  SUBCASE("the per-thread workspace overload agrees") {
    CHECK(names(graph, skg::reach(graph, supplier, {.as_of = day("2024-08-01")})) == Names{"P", "Q"});
  }
}

TEST_CASE("reach: path, neighbours, owners and subsidiaries") {
  const skg::Graph graph = supply_graph();
  const skg::NodeId supplier = *graph.find("S"), owner = *graph.find("Q");

  SUBCASE("shortest path both ways, along edges, and none against them") {
    auto found = skg::path(graph, supplier, owner);
    REQUIRE(found);
    CHECK(names(graph, *found) == Names{"S", "A", "B", "Q"});
    check_path(graph, *found);
    found = skg::path(graph, owner, supplier, {.direction = skg::Direction::Out});
    REQUIRE(found);
    CHECK(names(graph, *found) == Names{"Q", "B", "A", "S"});
    CHECK(!skg::path(graph, supplier, owner, {.direction = skg::Direction::Out}));
    CHECK(!skg::path(graph, supplier, owner, {.max_hops = 2}));
    CHECK(!skg::path(graph, supplier, owner, {.as_of = day("2022-06-01")}));
    found = skg::path(graph, supplier, supplier);
    REQUIRE(found);
    CHECK(found->hops() == 0);
    found = skg::path(graph, *graph.find("R"), *graph.find("P"));
    REQUIRE(found);
    CHECK(names(graph, *found) == Names{"R", "C", "S", "A", "P"});
  }
  SUBCASE("neighbours") {
    const auto around = skg::neighbours(graph, *graph.find("A"));
    CHECK(around.size() == 3);  // S (out), B and P (in)
    const auto out = skg::neighbours(graph, *graph.find("A"), {.direction = skg::Direction::Out});
    REQUIRE(out.size() == 1);
    CHECK(out[0].node == supplier);
    CHECK(out[0].outgoing);
  }
  SUBCASE("owners: chains up with shares multiplied along the way") {
    const auto steps = skg::owners(graph, supplier, {.as_of = day("2024-08-01")});
    REQUIRE(steps.size() == 3);
    CHECK(graph.name(steps[0].party) == "A");
    CHECK(steps[0].share.value() == 60.0f);
    CHECK(graph.name(steps[2].party) == "Q");
    CHECK(steps[2].depth == 3);
    CHECK(steps[2].through.value() == doctest::Approx(30.0f));
    CHECK(steps[steps[2].parent].party == *graph.find("B"));
    CHECK(skg::owners(graph, supplier, {.depth = 1}).size() == 1);
    CHECK(skg::owners(graph, supplier, {.as_of = day("2022-01-01")}).size() == 2);  // Q's stake not yet
  }
  SUBCASE("subsidiaries: OWNS out and SUBSIDIARY_OF in") {
    const auto steps = skg::subsidiaries(graph, *graph.find("B"));
    REQUIRE(steps.size() == 3);
    CHECK(graph.name(steps[0].party) == "A");
    CHECK(graph.name(steps[1].party) == "S");
    CHECK(graph.name(steps[2].party) == "C");
    CHECK(!steps[2].through.known());  // SUBSIDIARY_OF with no stake: unknown stays unknown
  }
}

TEST_CASE("reach: distance to listed from one multi-source search") {
  const skg::Graph graph = supply_graph();
  const auto distance = skg::distance_to_listed(graph, {.max_hops = 5, .as_of = day("2024-08-01")});
  CHECK(distance.hops(*graph.find("P")) == 0);
  CHECK(distance.hops(*graph.find("A")) == 1);
  CHECK(distance.hops(*graph.find("S")) == 2);
  CHECK(distance.hops(*graph.find("R")) == 4);  // its own listing ended in 2020
  const auto path = distance.path(graph, *graph.find("R"));
  REQUIRE(path);
  CHECK(names(graph, *path) == Names{"R", "C", "S", "A", "P"});
  const auto near = skg::distance_to_listed(graph, {.max_hops = 1, .as_of = day("2024-08-01")});
  CHECK(near.hops(*graph.find("S")) == skg::DistanceToListed::kFar);
  CHECK(!near.path(graph, *graph.find("S")));
  const auto along = skg::distance_to_listed(
      graph, {.direction = skg::Direction::In, .as_of = day("2024-08-01")});
  CHECK(along.hops(*graph.find("S")) == 2);  // S <- A <- P: walking in-edges from S
  CHECK(along.hops(*graph.find("C")) == skg::DistanceToListed::kFar);
}

TEST_CASE("reach: generated graphs agree with a plain breadth-first search") {
  const skg::Graph graph = skg::generate({.entities = 3000, .seed = 7});
  const auto kinds = skg::EdgeKinds::party_links();
  const skg::ListedSet listed(graph, std::nullopt);
  const auto distance = skg::distance_to_listed(graph, {.max_hops = 3});
  skg::ReachWorkspace workspace;
  std::size_t total_hits = 0;
  for (std::uint32_t at = 0; at < graph.node_count(); at += 37) {
    const skg::NodeId from{at};
    if (graph.kind(from) == NodeKind::Action || graph.kind(from) == NodeKind::Authority) continue;
    const auto hops = plain_bfs(graph, from, kinds);
    std::vector<skg::NodeId> expected;
    for (std::uint32_t node = 0; node < graph.node_count(); ++node)
      if (hops[node] >= 0 && hops[node] <= 3 && listed.contains(skg::NodeId{node})) expected.push_back(skg::NodeId{node});
    const auto hits = skg::reach(graph, from, {}, workspace);
    REQUIRE(hits.size() == expected.size());
    CHECK(skg::reach_count(graph, from, {}, workspace) == hits.size());
    total_hits += hits.size();
    for (const auto& hit : hits) {
      CHECK(static_cast<int>(hit.path.hops()) == hops[skg::index(hit.party)]);
      CHECK(hit.path.nodes.front() == from);
      CHECK(hit.path.nodes.back() == hit.party);
      check_path(graph, hit.path);
    }
    // Nearest hit == distance to listed.
    const int nearest = hits.empty() ? skg::DistanceToListed::kFar : static_cast<int>(hits[0].path.hops());
    CHECK(distance.hops(from) == nearest);
    // Bidirectional path length == BFS distance, for a few targets.
    for (std::uint32_t target = (at * 7919) % graph.node_count(), tries = 0; tries < 3;
         ++tries, target = (target + 1013) % graph.node_count()) {
      const auto found = skg::path(graph, from, skg::NodeId{target}, {.max_hops = 8}, workspace);
      const int want = hops[target];
      if (want < 0 || want > 8) {
        CHECK(!found);
      } else {
        REQUIRE(found);
        CHECK(static_cast<int>(found->hops()) == want);
        CHECK(found->nodes.back() == skg::NodeId{target});
        check_path(graph, *found);
      }
    }
  }
  CHECK(total_hits > 0);
}
