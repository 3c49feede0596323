// queries/diff.h: what changed between two versions of the lists (yesterday's and today's),
// matched by external ids: parties, listings and links added, removed or changed; mass removals
// (a list, a program or an alias/address file missing on one side) flagged, not itemised.
#pragma once
#include <cstddef>
#include <map>
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
  /// The party's listings in the version it is in (NEW's when in both): "OFAC SDN (SDGT) | ...".
  std::string listings;
  /// For a delta diff (DiffOptions::delta): the op the delta gives this id ("ADD", "MOD", "DEL");
  /// "" when the delta does not name it (an effect of another op, such as a dropped link).
  std::string op;
};

struct ListingDiff {
  std::string party;   // the party's external id
  std::string action;  // the action's external id ("ofac-sdn:45815#SDN", an FtM Sanction id)
  NodeId old_action = kNoNode, new_action = kNoNode;
  EdgeId old_edge = kNoEdge, new_edge = kNoEdge;  // the TARGET_OF edges, with their provenance
  std::vector<FieldChange> changes;               // for changed listings: dates, program, ...
  /// What the listing is (NEW's action when it has one, else OLD's).
  std::string authority, list, program;
};

struct EdgeDiff {
  EdgeKind kind = EdgeKind::UnknownLink;
  std::string from, to;  // external ids of the ends
  std::string id;        // the edge's own external id, when the source gives one
  EdgeId old_edge = kNoEdge, new_edge = kNoEdge;
  std::vector<FieldChange> changes;  // for changed links: share, dates, role
};

/// A removal (or, for aliases and attributes, an appearance) too large to be a day's real
/// changes: a list or program mostly missing from one side, or an alias or address file loaded
/// on one side only (OFAC's alt.csv). Its rows are held here, counted, instead of in the lists.
struct MassChange {
  std::string what;    // "listings OFAC SDN (SDGT)", "listings OFAC SDN", "alias", "attribute:address"
  std::string reason;  // one sentence with the counts and the threshold
  bool removal = true;          // false: values present only in NEW (an alias file only there)
  std::size_t before = 0;       // entries in OLD (of the group or field, on parties in both)
  std::size_t after = 0;        // entries in NEW
  std::size_t changed = 0;      // entries removed (or added) that are held here
  std::vector<ListingDiff> listings;  // the listing removals held back
  std::vector<EntityDiff> parties;    // party removals held back: every OLD listing was held back
};

struct DiffOptions {
  /// A group of listings (one authority's list, or one program of it) that loses at least this
  /// share of its OLD listings, and at least `mass_min` of them, is a mass removal; so is a party
  /// field (aliases, an attribute such as address) losing (or gaining, from almost nothing) that
  /// share of its values on the parties both versions hold. 0.8 by default: a missing file or
  /// sub-list takes (nearly) all of a group, while real delistings over years stay under it (the
  /// real SDN files: SDNT lost 60% from 2021-07 to 2024-05 and stays itemised; docs/WATCH.md).
  /// Above 1: never.
  double mass_share = 0.8;
  std::size_t mass_min = 50;
  /// A field's mass change must also touch at least this many parties (one party's record
  /// rewritten with 170 aliases fewer is that party's change).
  std::size_t mass_min_parties = 10;
  /// Keep a mass change's rows in the lists as well (it is still reported).
  bool keep_mass_rows = false;
  /// A delta diff: NEW is OLD with FtM delta files applied; the ops, id -> last op ("ADD", "MOD",
  /// "DEL"). Parties are tagged with their op; a MOD or repeated ADD of a party OLD holds is a
  /// change (listed even when the model's fields came out the same), never a removal and an
  /// addition. Empty: two full versions.
  std::map<std::string, std::string> delta;
};

struct GraphDiff {
  std::vector<EntityDiff> added, removed, changed;  // parties (not actions or authorities)
  std::vector<ListingDiff> listings_added, listings_removed, listings_changed;
  std::vector<EdgeDiff> edges_added, edges_removed, edges_changed;  // links between parties
  std::vector<MassChange> mass;  // suspicious mass removals, their rows held back (see DiffOptions)
  bool empty() const noexcept {
    return added.empty() && removed.empty() && changed.empty() && listings_added.empty() &&
           listings_removed.empty() && listings_changed.empty() && edges_added.empty() &&
           edges_removed.empty() && edges_changed.empty() && mass.empty();
  }
};

/// Differences from `before` to `after`, each list sorted by external id.
///   auto changes = skg::diff(yesterday, today);
///   for (const auto& listing : changes.listings_added) ...
GraphDiff diff(const Graph& before, const Graph& after, const DiffOptions& options = {});

}  // namespace skg
