// queries/as_of.h: which listings apply to a party on a given day, and which start later.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include "skg/graph/graph.h"

namespace skg::inline v1 {

/// True when `action` is an Action node in force on `as_of`; with no date, every action is.
/// Its TARGET_OF edge's own dates are checked by `listings` and `is_listed`, not here.
///   if (skg::in_force(graph, action, Date::parse("2024-08-01"))) ...
bool in_force(const Graph& graph, NodeId action, std::optional<Date> as_of) noexcept;

/// One listing of a party: the Action node, the TARGET_OF edge that links them, its details.
struct Listing {
  NodeId action = kNoNode;
  EdgeId edge = kNoEdge;            // party -TARGET_OF-> action; its provenance is the evidence
  const Action* details = nullptr;  // authority, program, dates, citation (lives with the graph)
  DateRange in_force;               // the action's dates, narrowed by the edge's own dates
  bool date_unknown = false;        // neither the action nor the edge gives a date
  /// Undated records of the same designation (same issuer and list) that this dated one stands
  /// for: one listing, every record (RULES.md §8.8).
  std::vector<EdgeId> same_designation;
};

/// When a listing applies: its in-force range, starting at its listed date when the source gives
/// a listed date but no start date.
DateRange listing_period(const Action& action) noexcept;
/// True when neither the listing nor its TARGET_OF edge carries a date.
bool listing_undated(const Graph& graph, EdgeId target_of);
/// For a TARGET_OF edge: the dated record of the same designation (same party, issuer and list)
/// that stands for this undated one, or kNoNode. Records of one designation are one listing; a
/// dated record wins over an undated one (issue 10; RULES.md §8.8).
NodeId dated_record_of(const Graph& graph, EdgeId target_of);

/// A party's listings split by a day: "what applied on 2024-08-01, and what starts later".
struct Listings {
  std::vector<Listing> in_force;  // apply on the day (every listing when no day is given)
  std::vector<Listing> later;     // start after the day
  std::vector<Listing> ended;     // ended on or before the day
};

/// Every Action `party` is a TARGET_OF, split by `as_of`; `authority` ("OFAC") filters.
///   auto now = skg::listings(graph, party, Date::parse("2024-08-01"));
Listings listings(const Graph& graph, NodeId party, std::optional<Date> as_of,
                  std::string_view authority = {});

/// True when `party` has a listing in force on `as_of` (from `authority`, when given).
bool is_listed(const Graph& graph, NodeId party, std::optional<Date> as_of,
               std::string_view authority = {}) noexcept;

/// Every listed party on `as_of` (from `authority`, when given) as a bit per node: built once
/// from the action nodes, for queries that test many nodes (reach, distance_to_listed).
class ListedSet {
 public:
  ListedSet() = default;
  ListedSet(const Graph& graph, std::optional<Date> as_of, std::string_view authority = {});
  bool contains(NodeId node) const noexcept {
    const auto at = index(node);
    return at < size_ && (bits_[at >> 6] >> (at & 63) & 1u) != 0;
  }
  std::size_t count() const noexcept { return count_; }
  std::optional<Date> as_of() const noexcept { return as_of_; }
  /// The listed parties, in node order.
  std::vector<NodeId> nodes() const;

 private:
  std::vector<std::uint64_t> bits_;
  std::size_t size_ = 0, count_ = 0;
  std::optional<Date> as_of_;
};

/// The intersection of the action's dates and its TARGET_OF edge's dates (open ends stay open).
DateRange listing_range(const Graph& graph, EdgeId target_of_edge) noexcept;

}  // namespace skg
