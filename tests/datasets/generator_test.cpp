// tests/datasets/generator_test.cpp: the seeded generator states each holding once, so the
// exposure rules (which read an owner's records of one stake as one holding, RULES.md §5.4)
// give the same blocked set as adding every stake up.
#include <doctest/doctest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "generator.h"
#include "sweep_reference.h"
#include "skg/queries/exposure.h"

using namespace skg;

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
