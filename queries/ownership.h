// queries/ownership.h: effective (look-through) ownership, the UBO view used in KYC.
#pragma once
#include <cstddef>
#include <optional>

#include "skg/graph/graph.h"

namespace skg::inline v1 {

/// An indirect stake: multiplied along each chain of OWNS edges, summed over all chains.
/// This is the beneficial-ownership question ("how much of C does P own, looking through?"),
/// NOT the sanctions 50% rules: under OFAC a blocked entity's stake counts in full, so use
/// exposure() for those (queries/exposure.h; RULES.md §5.1 explains why multiplying fails FAQ 401).
struct EffectiveOwnership {
  double min = 0;  // percent, unknown shares read as 0 and ranges at their low end
  double max = 0;  // percent, unknown shares at the most they can be (100% less known others)
  bool exact = true;       // no unknown or range share was met on the way
  bool converged = true;   // false: a cycle kept circulating stake past the work limit
  std::size_t steps = 0;   // propagation steps taken (both bounds)
};

/// `owner`'s look-through stake in `asset` on `as_of` (unset: the latest state, as in exposure).
/// Chains stop at `asset` (its stake in itself is not counted again) and stake that flows back
/// to `owner` is dropped; around other cycles the series is summed until what still flows is
/// below 1e-12 (a cycle of stakes below 100% shrinks geometrically).
///   auto stake = skg::effective_ownership(graph, person, company, std::nullopt);
EffectiveOwnership effective_ownership(const Graph& graph, NodeId owner, NodeId asset,
                                       std::optional<Date> as_of = std::nullopt);

}  // namespace skg
