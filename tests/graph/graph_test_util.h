// tests/graph/graph_test_util.h: invariant checks shared by the graph tests.
#pragma once
#include <doctest/doctest.h>

#include "skg/graph/graph.h"

namespace skg::inline v1::testing {

/// Offsets ascend, targets < node_count, reverse edges mirror forward ones exactly.
inline void check_invariants(const Graph& graph) {
  std::size_t forward = 0, reverse = 0;
  for (std::uint32_t node = 0; node < graph.node_count(); ++node) {
    for (EdgeId edge : graph.out_edges(NodeId{node})) {
      REQUIRE(graph.source(edge) == NodeId{node});
      REQUIRE(index(graph.target(edge)) < graph.node_count());
      ++forward;
    }
    for (EdgeId edge : graph.in_edges(NodeId{node})) {
      REQUIRE(graph.target(edge) == NodeId{node});
      ++reverse;
    }
  }
  CHECK(forward == graph.edge_count());
  CHECK(reverse == graph.edge_count());
}

}  // namespace skg::testing
