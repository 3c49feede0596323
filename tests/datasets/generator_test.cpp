// tests/datasets/generator_test.cpp: the seeded generator states each holding once, so the
// exposure rules (which read an owner's records of one stake as one holding, RULES.md §5.4)
// give the same blocked set as adding every stake up.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "generator.h"
#include "skg/queries/exposure.h"

namespace {

using namespace skg;

/// OFAC's aggregate test done the plain way: full sweeps, summing every blocked owner's stake.
std::size_t blocked_by_sweeps(const Graph& graph, const BlockedSet& listed) {
  std::vector<char> yes(graph.node_count(), 0);
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) yes[at] = listed.listed(NodeId{at});
  for (bool changed = true; changed;) {
    changed = false;
    for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
      if (yes[at]) continue;
      long basis_points = 0;
      for (EdgeId edge : graph.in_edges(NodeId{at})) {
        if (graph.edge_kind(edge) != EdgeKind::Owns || graph.source(edge) == NodeId{at}) continue;
        if (!graph.share(edge).known() || !yes[index(graph.source(edge))]) continue;
        basis_points += std::lround(*graph.share(edge).min() * 100.0);
      }
      if (basis_points >= 5000) yes[at] = 1, changed = true;
    }
  }
  return static_cast<std::size_t>(std::count(yes.begin(), yes.end(), 1));
}

}  // namespace

TEST_CASE("generator: an owner drawn twice for one company holds one stake, stated once") {
  const Graph graph = generate({.entities = 200000, .seed = 7});
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::size_t shares_over_hundred = 0;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    Percent::Units total = 0;
    for (EdgeId edge : graph.in_edges(NodeId{at})) {
      if (graph.edge_kind(edge) != EdgeKind::Owns) continue;
      pairs.emplace_back(index(graph.source(edge)), at);
      if (graph.share(edge).known()) total += graph.share(edge).low().units;
    }
    if (total > Percent::kHundred) ++shares_over_hundred;
  }
  std::sort(pairs.begin(), pairs.end());
  CHECK(std::adjacent_find(pairs.begin(), pairs.end()) == pairs.end());
  CHECK(shares_over_hundred == 0);

  // With one record a holding, reconciling records and adding stakes agree.
  const BlockedSet set = blocked_set(graph, {.rule = Rule::Ofac});
  CHECK(set.count(Verdict::Yes) > 1000);
  CHECK(set.count(Verdict::Yes) == blocked_by_sweeps(graph, set));
}
