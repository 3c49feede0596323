// queries/diff.h: what changed between two versions of the lists (yesterday's and today's),
// matched by external ids: parties, listings and links added, removed or changed.
#pragma once
#include <string>
#include <vector>

#include "skg/graph/graph.h"

namespace skg::inline v1 {

/// One field that differs: "name" "AO Kaspersky Lab" -> "Kaspersky Lab AO". An empty `before`
/// means the value was added, an empty `after` that it was removed.
struct FieldChange {
  std::string field;  // name, alias, kind, attribute:<key>, dates, share, role, program, ...
  std::string before, after;
};

/// A party, a listing or a link present in one version only, or changed between the two.
struct EntityDiff {
  std::string id;               // the external id both versions are matched by
  NodeId old_node = kNoNode;    // in the old graph (kNoNode when added)
  NodeId new_node = kNoNode;    // in the new graph (kNoNode when removed)
  std::vector<FieldChange> changes;  // for changed parties
};

struct ListingDiff {
  std::string party;   // the party's external id
  std::string action;  // the action's external id ("ofac-sdn:45815#SDN", an FtM Sanction id)
  NodeId old_action = kNoNode, new_action = kNoNode;
  EdgeId old_edge = kNoEdge, new_edge = kNoEdge;  // the TARGET_OF edges, with their provenance
  std::vector<FieldChange> changes;               // for changed listings: dates, program, ...
};

struct EdgeDiff {
  EdgeKind kind = EdgeKind::UnknownLink;
  std::string from, to;  // external ids of the ends
  std::string id;        // the edge's own external id, when the source gives one
  EdgeId old_edge = kNoEdge, new_edge = kNoEdge;
  std::vector<FieldChange> changes;  // for changed links: share, dates, role
};

struct GraphDiff {
  std::vector<EntityDiff> added, removed, changed;  // parties (not actions or authorities)
  std::vector<ListingDiff> listings_added, listings_removed, listings_changed;
  std::vector<EdgeDiff> edges_added, edges_removed, edges_changed;  // links between parties
  bool empty() const noexcept {
    return added.empty() && removed.empty() && changed.empty() && listings_added.empty() &&
           listings_removed.empty() && listings_changed.empty() && edges_added.empty() &&
           edges_removed.empty() && edges_changed.empty();
  }
};

/// Differences from `before` to `after`, each list sorted by external id.
///   auto changes = skg::diff(yesterday, today);
///   for (const auto& listing : changes.listings_added) ...
GraphDiff diff(const Graph& before, const Graph& after);

}  // namespace skg
