#include "skg/queries/as_of.h"

#include <algorithm>
#include <bit>

namespace skg::inline v1 {

namespace {

DateRange intersect(const DateRange& a, const DateRange& b) {
  DateRange out;
  out.start = !a.start ? b.start : !b.start ? a.start : std::max(*a.start, *b.start);
  out.end = !a.end ? b.end : !b.end ? a.end : std::min(*a.end, *b.end);
  return out;
}

bool authority_matches(const Graph& graph, const Action& action, std::string_view authority) {
  return authority.empty() || graph.string(action.authority) == authority;
}

}  // namespace

DateRange listing_period(const Action& action) noexcept {
  DateRange period = action.in_force;
  if (!period.start && action.listed && (!period.end || *action.listed < *period.end)) period.start = action.listed;
  return period;
}

bool listing_undated(const Graph& graph, EdgeId target_of) {
  const Action* action = graph.action(graph.target(target_of));
  return action != nullptr && action->undated() && graph.edge_valid(target_of).is_open();
}

NodeId dated_record_of(const Graph& graph, EdgeId target_of) {
  if (!listing_undated(graph, target_of)) return kNoNode;
  const NodeId undated = graph.target(target_of);
  const Action& mine = *graph.action(undated);
  if (mine.list_id == SanctionList::Unknown || mine.issuer == Issuer::Unknown) return kNoNode;
  // One party is on one list once (one SDN entry, one Entity List entry): records of the same
  // issuer and list for the same party are one designation. The earliest dated one stands.
  NodeId best = kNoNode;
  std::optional<Date> best_start;
  for (EdgeId edge : graph.out_edges(graph.source(target_of))) {
    if (graph.edge_kind(edge) != EdgeKind::TargetOf || graph.target(edge) == undated) continue;
    const Action* other = graph.action(graph.target(edge));
    if (other == nullptr || other->list_id != mine.list_id || other->issuer != mine.issuer) continue;
    if (listing_undated(graph, edge)) continue;
    const std::optional<Date> start = listing_period(*other).start;
    if (best == kNoNode || (start && (!best_start || *start < *best_start))) {
      best = graph.target(edge);
      best_start = start;
    }
  }
  return best;
}

bool in_force(const Graph& graph, NodeId action, std::optional<Date> as_of) noexcept {
  const Action* details = graph.action(action);
  return details != nullptr && (!as_of || listing_period(*details).contains(*as_of));
}

DateRange listing_range(const Graph& graph, EdgeId edge) noexcept {
  const Action* details = graph.action(graph.target(edge));
  const DateRange edge_range = graph.edge_valid(edge);
  return details == nullptr ? edge_range : intersect(listing_period(*details), edge_range);
}

Listings listings(const Graph& graph, NodeId party, std::optional<Date> as_of,
                  std::string_view authority) {
  Listings out;
  for (EdgeId edge : graph.out_edges(party)) {
    if (graph.edge_kind(edge) != EdgeKind::TargetOf) continue;
    const NodeId action = graph.target(edge);
    const Action* details = graph.action(action);
    if (details == nullptr || !authority_matches(graph, *details, authority)) continue;
    if (dated_record_of(graph, edge) != kNoNode) continue;  // shown with its dated record
    Listing listing{action, edge, details, listing_range(graph, edge), listing_undated(graph, edge), {}};
    for (EdgeId other : graph.out_edges(party))
      if (graph.edge_kind(other) == EdgeKind::TargetOf && other != edge && dated_record_of(graph, other) == action)
        listing.same_designation.push_back(other);
    if (!as_of || listing.in_force.contains(*as_of))
      out.in_force.push_back(listing);
    else if (listing.in_force.start && *as_of < *listing.in_force.start)
      out.later.push_back(listing);
    else
      out.ended.push_back(listing);
  }
  // Soonest first for what starts later; the rest by start date, open starts first.
  auto by_start = [](const Listing& a, const Listing& b) { return a.in_force.start < b.in_force.start; };
  std::stable_sort(out.in_force.begin(), out.in_force.end(), by_start);
  std::stable_sort(out.later.begin(), out.later.end(), by_start);
  std::stable_sort(out.ended.begin(), out.ended.end(), by_start);
  return out;
}

bool is_listed(const Graph& graph, NodeId party, std::optional<Date> as_of,
               std::string_view authority) noexcept {
  for (EdgeId edge : graph.out_edges(party)) {
    if (graph.edge_kind(edge) != EdgeKind::TargetOf) continue;
    const Action* details = graph.action(graph.target(edge));
    if (details == nullptr || !authority_matches(graph, *details, authority)) continue;
    if (as_of && !listing_range(graph, edge).contains(*as_of)) continue;
    if (dated_record_of(graph, edge) == kNoNode) return true;
  }
  return false;
}

ListedSet::ListedSet(const Graph& graph, std::optional<Date> as_of, std::string_view authority)
    : bits_((graph.node_count() + 63) / 64), size_(graph.node_count()), as_of_(as_of) {
  // From the actions' in-edges: the work follows the number of listings, not of nodes.
  for (NodeId action : graph.action_nodes()) {
    const Action* details = graph.action(action);
    if (!authority_matches(graph, *details, authority)) continue;
    if (as_of && !listing_period(*details).contains(*as_of)) continue;
    const bool undated = details->undated();
    for (EdgeId edge : graph.in_edges(action)) {
      if (graph.edge_kind(edge) != EdgeKind::TargetOf) continue;
      if (as_of && !graph.edge_valid(edge).contains(*as_of)) continue;
      if (undated && dated_record_of(graph, edge) != kNoNode) continue;  // the dated record decides
      const auto at = index(graph.source(edge));
      auto& word = bits_[at >> 6];
      const std::uint64_t bit = std::uint64_t{1} << (at & 63);
      if ((word & bit) == 0) ++count_;
      word |= bit;
    }
  }
}

std::vector<NodeId> ListedSet::nodes() const {
  std::vector<NodeId> out;
  out.reserve(count_);
  for (std::size_t word = 0; word < bits_.size(); ++word)
    for (std::uint64_t bits = bits_[word]; bits != 0; bits &= bits - 1)
      out.push_back(NodeId{static_cast<std::uint32_t>(word * 64 + std::countr_zero(bits))});
  return out;
}

}  // namespace skg
