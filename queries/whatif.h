// queries/whatif.h: what if a party were designated or delisted tomorrow? Every party whose
// verdict changes under a rule, with the chain that changes it, without rebuilding the graph.
//
// Why the incremental answer equals the full recompute (RULES.md §10): the blocked set is the
// least fixpoint of "a node is blocked when it is designated, or when the holdings (and, where
// the rule counts it, the control) of its blocked in-neighbours reach the threshold". A node's
// verdict is therefore a function of its own listings and of its in-neighbours' verdicts, and
// nothing else. A change to the listings of parties X can only reach the nodes downstream of X
// along the links the rule reads (stakes, control links, a nominee's holdings for its
// principal): the region R. The nodes outside R have no in-neighbour in R (R is closed
// downstream), so the least fixpoint on them is the baseline's, unchanged. Inside R, the fixpoint
// is recomputed from nothing but R's listings after the change, with the blocked owners at R's
// edge passing their holdings in once, as they do in the full walk: the least fixpoint of R given
// the unchanged rest, which is the restriction of the full fixpoint to R.
// Under an aggregating rule (OFAC, EU since 2022, BIS) the region is smaller still. Sums of
// blocked holders only grow with more designated parties and only shrink with fewer, so:
// designations alone continue the walk from the baseline's sums and flags, the new designated
// parties as its frontier, stopping wherever a node gains no flag; a delisting's region follows
// only parties the baseline blocks (one it does not block passes nothing on, before or after),
// and designations asked with it continue from that. Under the UK rule (and joint holdings with
// designations) the whole downstream region is recomputed. One case is recomputed in full: under a rule that
// does not aggregate (UK), a designated party majority-held by another designated person's group
// joins that group (UK_INDIRECT_ASSUMED); when such a merge reaches a group rooted outside R, the
// groups outside R change too, and the engine recomputes every node (full_recompute says so).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "skg/queries/exposure.h"

namespace skg::inline v1 {

/// The hypothetical list change: parties to designate under the rule (as if a listing that
/// designates under it were in force on the date), parties to delist (every listing of theirs
/// that designates under the rule dropped).
struct WhatIfChanges {
  std::vector<NodeId> designate, delist;
};

struct WhatIfOptions {
  bool explain = true;  // false: verdicts only (no Exposure objects): the fastest answer
  /// A change whose region (the parties downstream of it that must be recomputed) holds more
  /// nodes than this is answered by the full fixpoint with the change assumed, which is then
  /// cheaper (`full_recompute` says so). 0: a 32nd of the graph, at least 4,096 nodes.
  std::size_t region_limit = 0;
};

/// One party whose verdict (or whose own designation) changes.
struct VerdictChange {
  NodeId party = kNoNode;
  bool listed_before = false, listed_after = false;
  Verdict before = Verdict::No, after = Verdict::No;
  /// The answers exposure() gives before and after the change (empty unless explain): the chain
  /// that makes a party blocked is in `after`, the one that held it blocked in `before`.
  Exposure was, now;
};

/// How the changed parties split: their own designation changed (designated, delisted), or, for
/// the others, the verdict they change to.
struct WhatIfTotals {
  std::size_t designated = 0, delisted = 0, blocked = 0, possibly = 0, cleared = 0;
};

struct WhatIfResult {
  Rule rule = Rule::Ofac;
  std::optional<Date> as_of;
  WhatIfChanges changes;            // as asked, sorted, repeats dropped
  std::vector<VerdictChange> changed;  // in node order
  std::size_t recomputed = 0;       // nodes whose verdict was recomputed
  bool full_recompute = false;      // answered by the full fixpoint: the region was over region_limit, or a UK group merge reached outside it
  bool continued = false;           // designations only, aggregating: the walk went on from the baseline
  std::size_t count(Verdict before, Verdict after) const;
  WhatIfTotals totals() const;
};

/// Answers what-if questions against one baseline blocked set. Keeps a working copy of the
/// baseline (one byte a node, made once) and stamps, so each question costs the region it
/// touches. Not safe to share between threads: one engine a thread.
///   skg::WhatIf engine(graph, blocked);
///   auto answer = engine.run({.designate = {*graph.find("ofac-sdn:12345")}});
class WhatIf {
 public:
  /// `baseline` must outlive the engine and be computed from `graph` (throws skg::Error if not).
  WhatIf(const Graph& graph, const BlockedSet& baseline);
  /// Throws skg::Error for a node that is not a party of the graph, or one both designated and
  /// delisted.
  WhatIfResult run(WhatIfChanges changes, const WhatIfOptions& options = {});
  const BlockedSet& baseline() const noexcept { return *base_; }

 private:
  const Graph* graph_;
  const BlockedSet* base_;
  BlockedSet work_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t generation_ = 0;
  std::vector<std::pair<NodeId, NodeId>> nominees_;
};

/// One question, one engine: copies the baseline (O(n) bytes); prefer WhatIf for many.
WhatIfResult what_if(const Graph& graph, const BlockedSet& baseline, WhatIfChanges changes,
                     const WhatIfOptions& options = {});

/// A party by its id as its source gives it, or by its exact name or alias (one party only);
/// throws skg::Error naming `text` when no party, or several, have it (no fuzzy match: a
/// hypothetical designation names a party exactly).
NodeId find_party(const Graph& graph, std::string_view text);

}  // namespace skg
