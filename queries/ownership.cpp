#include "skg/queries/ownership.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "skg/queries/exposure.h"

namespace skg::inline v1 {

namespace {

constexpr double kResidual = 1e-12;
constexpr std::size_t kMaxSteps = 2'000'000;

/// The fraction (0-1) an OWNS edge carries; unknown: 0, or (upper) 1 less the known stakes.
double fraction(const Graph& graph, EdgeId edge, bool upper, std::optional<Date> as_of,
                bool& exact) {
  const Percent share = graph.share(edge);
  if (share.known()) {
    if (!share.is_exact()) exact = false;
    return std::clamp(static_cast<double>(upper ? *share.max() : *share.min()), 0.0, 100.0) / 100.0;
  }
  exact = false;
  if (!upper) return 0;
  double known = 0;
  const NodeId asset = graph.target(edge);
  for (EdgeId other : graph.in_edges(asset))
    if (graph.edge_kind(other) == EdgeKind::Owns && graph.share(other).known() &&
        graph.source(other) != asset && graph.edge_holds(other, as_of))
      known += *graph.share(other).min();
  return std::clamp(100.0 - known, 0.0, 100.0) / 100.0;
}

/// Push-style propagation: each node passes on what reached it since its last turn.
double propagate(const Graph& graph, NodeId owner, NodeId asset, std::optional<Date> as_of,
                 bool upper, EffectiveOwnership& out) {
  std::unordered_map<std::uint32_t, double> residual;
  std::deque<NodeId> queue{owner};
  residual[index(owner)] = 1.0;
  double total = 0;
  while (!queue.empty()) {
    if (out.steps >= kMaxSteps) {
      out.converged = false;
      break;
    }
    ++out.steps;
    const NodeId node = queue.front();
    queue.pop_front();
    const double flow = std::exchange(residual[index(node)], 0.0);
    for (EdgeId edge : graph.out_edges(node)) {
      if (graph.edge_kind(edge) != EdgeKind::Owns) continue;
      const NodeId target = graph.target(edge);
      if (target == node || target == owner || !graph.edge_holds(edge, as_of)) continue;
      const double passed = flow * fraction(graph, edge, upper, as_of, out.exact);
      if (passed == 0) continue;
      if (target == asset) {
        total += passed;
        continue;
      }
      double& waiting = residual[index(target)];
      const bool queued = waiting > kResidual;
      waiting += passed;
      if (!queued && waiting > kResidual) queue.push_back(target);
    }
  }
  return total * 100.0;
}

}  // namespace

EffectiveOwnership effective_ownership(const Graph& graph, NodeId owner, NodeId asset,
                                       std::optional<Date> as_of) {
  EffectiveOwnership out;
  if (owner == asset) return out;
  out.min = propagate(graph, owner, asset, as_of, false, out);
  out.max = std::max(out.min, std::min(100.0, propagate(graph, owner, asset, as_of, true, out)));
  return out;
}

}  // namespace skg
