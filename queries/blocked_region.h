// queries/blocked_region.h: internal to queries/: the part of the blocked-set fixpoint that
// what-if (queries/whatif.cpp) runs on a region of a blocked set, in place. Not installed.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "skg/queries/exposure.h"

namespace skg::inline v1::detail {

/// One incremental update of a blocked set (see whatif.h for why it equals the full fixpoint).
struct RegionRun {
  /// Region mode: every node whose verdict may depend on a changed party (closed downstream
  /// along the rule's ownership, control and nominee links); stamp[n] == generation marks them.
  std::span<const NodeId> region;
  const std::uint32_t* stamp = nullptr;
  std::uint32_t generation = 0;
  std::span<const NodeId> designate, delist;  // sorted
  /// Continuation mode (designations only, an aggregating rule, no joint holdings): the walk goes
  /// on from the baseline's sums and flags with the new designated parties as its frontier.
  bool continuation = false;
  std::span<const std::pair<NodeId, NodeId>> nominees;  // (nominee, principal), as the fixpoint
  // Out:
  std::vector<NodeId> visited;  // every node whose state, sums or group may have changed
  bool escaped = false;         // a UK group merge reached outside the region: recompute all
};

struct BlockedSetEditor {
  /// Updates `set` (a copy of the baseline) for `run`'s changes.
  static void run(const Graph& graph, BlockedSet& set, RegionRun& run);
  /// The full fixpoint of `base`'s rule and date with `designate` taken as designated and
  /// `delist` as not (both sorted): what a region too large to pay for is answered with.
  static BlockedSet recompute(const Graph& graph, const BlockedSet& base, std::span<const NodeId> designate,
                              std::span<const NodeId> delist);
  /// Puts `nodes` of `set` back to what `base` says (state, sums, groups).
  static void restore(BlockedSet& set, const BlockedSet& base, std::span<const NodeId> nodes);
  /// The nominee links the fixpoint attributes on `as_of` (computed once per what-if engine).
  static std::vector<std::pair<NodeId, NodeId>> nominees(const Graph& graph, const BlockedSet& set);
};

}  // namespace skg::inline v1::detail
