#include "skg/queries/whatif.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "skg/graph/error.h"
#include "skg/queries/blocked_region.h"

namespace skg::inline v1 {

std::size_t WhatIfResult::count(Verdict from, Verdict to) const {
  return static_cast<std::size_t>(std::count_if(changed.begin(), changed.end(), [&](const VerdictChange& c) {
    return c.before == from && c.after == to;
  }));
}

WhatIfTotals WhatIfResult::totals() const {
  WhatIfTotals out;
  for (const VerdictChange& c : changed) {
    if (c.listed_before != c.listed_after) ++(c.listed_after ? out.designated : out.delisted);
    else if (c.after == Verdict::Yes) ++out.blocked;
    else if (c.after == Verdict::Possibly) ++out.possibly;
    else ++out.cleared;
  }
  return out;
}

WhatIf::WhatIf(const Graph& graph, const BlockedSet& baseline)
    : graph_(&graph), base_(&baseline), work_(baseline), stamp_(graph.node_count(), 0) {
  if (!baseline.built_for(graph))
    throw Error(fmt::format("what-if: the blocked set ({}) was computed from another graph",
                            to_string(baseline.rule())));
  if (graph.has_interests()) nominees_ = detail::BlockedSetEditor::nominees(graph, baseline);
}

namespace {

// The default region limit (WhatIfOptions::region_limit): a 32nd of the graph, and never fewer
// than 4,096 nodes (a small graph's full walk is cheap either way).
constexpr std::size_t kRegionShareOfGraph = 32;
constexpr std::size_t kRegionFloor = 4096;

void sort_unique(std::vector<NodeId>& nodes) {
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
}

/// A hypothetical designation has no record: the answer says so where exposure() would name the
/// listing actions.
void note_hypothetical(const Graph& graph, Exposure& answer) {
  const RuleInfo& info = rule_info(answer.rule);
  Reason reason;
  reason.kind = ReasonKind::Listed;
  reason.text = fmt::format("{} is designated under the {} in this what-if (a hypothetical listing, no "
                            "record) [{}: {}]",
                            graph.name(answer.entity), info.name, info.id,
                            info.period_at(answer.as_of).basis);
  answer.reasons.insert(answer.reasons.begin(), std::move(reason));
}

}  // namespace

WhatIfResult WhatIf::run(WhatIfChanges changes, const WhatIfOptions& options) {
  const Graph& graph = *graph_;
  sort_unique(changes.designate);
  sort_unique(changes.delist);
  for (const auto* list : {&changes.designate, &changes.delist})
    for (NodeId node : *list) {
      if (index(node) >= graph.node_count())
        throw Error(fmt::format("what-if: node {} is not in this graph ({} nodes)", index(node), graph.node_count()));
      if (graph.action(node) != nullptr)
        throw Error(fmt::format("what-if: '{}' is a listing, not a party", graph.name(node)));
    }
  for (NodeId node : changes.designate)
    if (std::binary_search(changes.delist.begin(), changes.delist.end(), node))
      throw Error(fmt::format("what-if: '{}' is both designated and delisted", graph.name(node)));

  WhatIfResult result;
  result.rule = base_->rule();
  result.as_of = base_->as_of();
  // The plan (whatif.h, RULES.md §10):
  // - designations only, aggregating rule: the walk goes on from the baseline (continuation);
  // - delistings under an aggregating rule: the region downstream of the delisted parties
  //   through parties the baseline blocks (a party the baseline does not block passes nothing
  //   on, before or after: with fewer designated parties, sums of blocked holders only shrink),
  //   recomputed; then any designations as a continuation of that;
  // - designations with joint holdings in the graph, and any change under a rule that does not
  //   aggregate (UK): the whole region downstream of every changed party, recomputed. Under the
  //   UK rule a change regroups holdings (UK_INDIRECT_ASSUMED), so "fewer designated, fewer
  //   blocked" is not proven there; pruning the region through blocked parties was tried for
  //   designations and one question in 90,000 of the random test differed: not used.
  const bool grows = base_->period().aggregate && !graph.has_interests();
  const bool whole = !base_->period().aggregate || (!grows && !changes.designate.empty());
  const bool pruned = !whole;
  detail::RegionRun run;
  run.nominees = nominees_;
  std::vector<NodeId> region;
  auto next_generation = [&] {
    if (++generation_ == 0) {  // the stamps wrapped: start them again
      std::fill(stamp_.begin(), stamp_.end(), 0);
      generation_ = 1;
    }
  };
  // A region that is most of the graph costs more than the full walk: each of its nodes pays for
  // its reset, its boundary scan and its restore, where the full walk touches only what is
  // blocked (1M parties, UK-style rule, the most connected party: a 679,569-node region took 377
  // ms against 23 ms for the whole fixpoint, bench/WHATIF.md). Past the limit the question is
  // answered by the full fixpoint with the change assumed, which is the definition of the answer.
  const std::size_t limit = options.region_limit != 0
                                ? options.region_limit
                                : std::max<std::size_t>(graph.node_count() / kRegionShareOfGraph, kRegionFloor);
  auto make_region = [&] {
    region.clear();
    next_generation();
    auto add = [&](NodeId node) {
      if (stamp_[index(node)] == generation_) return;
      stamp_[index(node)] = generation_;
      region.push_back(node);
    };
    if (whole)
      for (NodeId node : changes.designate) add(node);
    for (NodeId node : changes.delist) add(node);
    const std::size_t changed_parties = region.size();
    // Downstream along every link the rule may read (a superset is still exact, see whatif.h):
    // stakes and control links out, and a principal's nominees' holdings.
    for (std::size_t at = 0; at < region.size(); ++at) {
      if (region.size() > limit) return false;
      const NodeId node = region[at];
      if (pruned && at >= changed_parties && base_->would_be(node) == Verdict::No) continue;
      auto holdings = [&](NodeId holder) {
        for (EdgeId edge : graph.out_edges(holder)) {
          const EdgeKind kind = graph.edge_kind(edge);
          if (kind == EdgeKind::Owns || kind == EdgeKind::Controls) add(graph.target(edge));
        }
      };
      holdings(node);
      if (!nominees_.empty())
        for (EdgeId edge : graph.in_edges(node))
          if (graph.interest(edge) == Interest::NomineeFor) holdings(graph.source(edge));
    }
    if (region.size() > limit) return false;
    run = detail::RegionRun{};
    run.nominees = nominees_;
    run.region = region;
    run.stamp = stamp_.data();
    run.generation = generation_;
    run.delist = changes.delist;
    if (whole) run.designate = changes.designate;
    return true;
  };
  std::optional<BlockedSet> full;  // set when the question was answered by the full fixpoint
  auto answer_in_full = [&] {
    full = detail::BlockedSetEditor::recompute(graph, *base_, changes.designate, changes.delist);
    result.full_recompute = true;
  };
  if (!changes.delist.empty() || whole) {
    if (make_region()) detail::BlockedSetEditor::run(graph, work_, run);
    else answer_in_full();
  } else {
    run.continuation = true;
    run.designate = changes.designate;
    detail::BlockedSetEditor::run(graph, work_, run);
  }
  if (!full && !run.escaped && !run.continuation && !whole && !changes.designate.empty()) {
    // Delistings done; the designations go on from there.
    detail::RegionRun more;
    more.nominees = nominees_;
    more.continuation = true;
    more.designate = changes.designate;
    detail::BlockedSetEditor::run(graph, work_, more);
    run.visited.insert(run.visited.end(), more.visited.begin(), more.visited.end());
  }
  if (run.escaped) {
    // A group merge left the region: put the working copy back and answer in full (whatif.h).
    sort_unique(run.visited);
    detail::BlockedSetEditor::restore(work_, *base_, run.visited);
    run.visited.clear();
    answer_in_full();
  }
  const BlockedSet& after = full ? *full : work_;
  result.continued = !result.full_recompute && !whole && !changes.designate.empty();
  auto consider = [&](NodeId node) {
    const bool listed_before = base_->listed(node), listed_after = after.listed(node);
    const Verdict before = base_->verdict(node), now = after.verdict(node);
    if (before == now && listed_before == listed_after) return;
    if (full && graph.action(node) != nullptr) return;
    VerdictChange change;
    change.party = node;
    change.listed_before = listed_before;
    change.listed_after = listed_after;
    change.before = before;
    change.after = now;
    if (options.explain) {
      change.was = exposure(graph, *base_, node);
      change.now = exposure(graph, after, node);
      if (change.listed_after && std::binary_search(changes.designate.begin(), changes.designate.end(), node))
        note_hypothetical(graph, change.now);
    }
    result.changed.push_back(std::move(change));
  };
  if (full) {
    // Every node was recomputed: one pass over the verdicts finds the changes.
    for (std::uint32_t at = 0; at < graph.node_count(); ++at) consider(NodeId{at});
    result.recomputed = graph.node_count() - graph.action_nodes().size();
  } else {
    sort_unique(run.visited);
    result.recomputed = run.visited.size();
    for (NodeId node : run.visited) consider(node);
  }
  if (!full) detail::BlockedSetEditor::restore(work_, *base_, run.visited);
  result.changes = std::move(changes);
  return result;
}

WhatIfResult what_if(const Graph& graph, const BlockedSet& baseline, WhatIfChanges changes,
                     const WhatIfOptions& options) {
  WhatIf engine(graph, baseline);
  return engine.run(std::move(changes), options);
}

NodeId find_party(const Graph& graph, std::string_view text) {
  if (const auto found = graph.find(text); found && graph.action(*found) == nullptr) return *found;
  std::vector<NodeId> parties;
  for (NodeId node : graph.find_by_name(text))
    if (graph.action(node) == nullptr) parties.push_back(node);
  std::sort(parties.begin(), parties.end());
  parties.erase(std::unique(parties.begin(), parties.end()), parties.end());
  if (parties.size() == 1) return parties.front();
  if (parties.empty())
    throw Error(fmt::format("no party '{}' in the graph: what-if takes a party's id or its exact name", text));
  auto id = [&](NodeId node) {
    const auto ids = graph.external_ids(node);
    return ids.empty() ? std::string(graph.name(node)) : std::string(graph.string(ids.front()));
  };
  throw Error(fmt::format("'{}' names {} parties: give an id ({}, {}, ...)", text, parties.size(),
                          id(parties[0]), id(parties[1])));
}

}  // namespace skg
