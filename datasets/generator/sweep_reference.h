// datasets/generator/sweep_reference.h: OFAC's aggregate 50% test done the plain way, for
// checking the blocked-set fixpoint on generated graphs (bench/exposure_bench.cpp,
// tests/datasets/generator_test.cpp).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "skg/queries/exposure.h"

namespace skg::inline v1 {

/// Parties blocked under the aggregating OFAC rule, found by full sweeps until nothing changes,
/// summing every blocked owner's known stake (in basis points) and starting from the listed
/// parties of `listed`. Slow on purpose (every node every sweep).
inline std::uint64_t blocked_by_sweeps(const Graph& graph, const BlockedSet& listed) {
  std::vector<std::uint8_t> yes(graph.node_count(), 0);
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) yes[at] = listed.listed(NodeId{at});
  for (bool changed = true; changed;) {
    changed = false;
    for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
      if (yes[at]) continue;
      long basis_points = 0;
      for (EdgeId edge : graph.in_edges(NodeId{at})) {
        if (graph.edge_kind(edge) != EdgeKind::Owns || graph.source(edge) == NodeId{at}) continue;
        const auto share = graph.share(edge);
        if (!share.known() || !yes[index(graph.source(edge))]) continue;
        basis_points += std::lround(*share.min() * 100.0);
      }
      if (basis_points >= 5000) yes[at] = 1, changed = true;
    }
  }
  std::uint64_t count = 0;
  for (auto flag : yes) count += flag;
  return count;
}

}  // namespace skg::inline v1
