// skg/json.h: skg's answers as JSON, written once (through RapidJSON, kept out of this header) and
// shared by the shell's --json, the Python module and any service. Field names are a contract:
// snake_case and stable (DESIGN.md "The shell's contract").
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "skg/graph/graph.h"
#include "skg/queries/as_of.h"
#include "skg/queries/diff.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"
#include "skg/queries/screen.h"
#include "skg/queries/whatif.h"
#include "skg/skg.h"

namespace skg::inline v1 {

/// What a JsonOut's values go to: JSON text through RapidJSON (JsonOut(std::ostream&)), or any
/// other receiver of the same calls, such as the Python module, which builds its dicts and lists
/// from them: the writers below stay the one description of every answer's fields. JsonOut has
/// already rounded numbers (number()) and turned model values into plain ones when a sink sees them.
class JsonSink {
 public:
  virtual ~JsonSink() = default;
  virtual void key(std::string_view name) = 0;
  virtual void string(std::string_view text) = 0;
  virtual void integer(std::int64_t value) = 0;
  virtual void real(double value) = 0;
  virtual void boolean(bool value) = 0;
  virtual void null() = 0;
  virtual void begin_object() = 0;
  virtual void end_object() = 0;
  virtual void begin_array() = 0;
  virtual void end_array() = 0;
};

/// Writes one JSON document (compact, one line, then a newline) to a stream, or its values to a
/// JsonSink.
///   JsonOut json(out);
///   json.begin_object();
///   json.key("entity").string(id);
///   json.key("aggregate_percent").null();
///   json.end_object();  // the destructor writes the newline
class JsonOut {
 public:
  explicit JsonOut(std::ostream& out);
  /// The values go to `sink` (which must outlive this); nothing is written at the end.
  explicit JsonOut(JsonSink& sink);
  ~JsonOut();
  JsonOut(const JsonOut&) = delete;
  JsonOut& operator=(const JsonOut&) = delete;

  JsonOut& key(std::string_view name);
  JsonOut& string(std::string_view text);
  JsonOut& number(double value);  // rounded to 4 decimals; an integer when whole; null if not finite
  JsonOut& integer(std::int64_t value);
  JsonOut& boolean(bool value);
  JsonOut& null();
  JsonOut& begin_object();
  JsonOut& end_object();
  JsonOut& begin_array();
  JsonOut& end_array();

  // Model values, as the contract writes them.
  JsonOut& date(std::optional<Date> day);  // "2024-06-21" or null (unknown)
  JsonOut& percent(Percent share);         // number, {"min","max"} for a range, null if unknown
  JsonOut& optional_string(std::string_view text);  // null for ""

 private:
  struct Text;                  // the RapidJSON sink of JsonOut(std::ostream&)
  std::unique_ptr<Text> text_;  // null for JsonOut(JsonSink&)
  JsonSink* sink_;
};

/// The last day a fact holds. The model's ranges end exclusively ([start, end): an FtM end date
/// 2020-12-31, inclusive in FtM, is kept as 2021-01-01); users and sources speak of the last day,
/// so text and JSON show that ("end" in JSON is the last day, inclusive).
std::optional<Date> last_day(std::optional<Date> end);
/// "in_force", "later" or "ended" on `day`.
std::string_view listing_status(const Listing& listing, Date day);

// The pieces: each writes one value where the writer stands.
/// A node: {"id", "name", "kind"}.
void write_node_json(JsonOut& json, const Graph& graph, NodeId node);
/// The records behind a fact: ["sdn.csv:17 (record 45815)", ...].
void write_records_json(JsonOut& json, const Graph& graph, std::span<const ProvId> provs);
/// The typed measure fields of an action (list_type, issuer, measure_types, ...), as keys of the
/// object being written.
void write_measure_fields_json(JsonOut& json, const Action& action, bool date_unknown);
void write_listing_json(JsonOut& json, const Graph& graph, const Listing& listing, Date day);
void write_reason_json(JsonOut& json, const Graph& graph, const Reason& reason);
void write_path_json(JsonOut& json, const Graph& graph, const Path& path);
/// One link of a party, seen from it: {direction ("out" or "in"), kind, other, share, start, end,
/// role, records}.
void write_link_json(JsonOut& json, const Graph& graph, EdgeId edge, bool outgoing);
void write_screen_hit_json(JsonOut& json, const Graph& graph, const ScreenHit& hit, Date day,
                           bool listed);

// Whole documents: what `skg --json COMMAND` prints for one answer.
/// `exposure`: entity, rule, rule_id, rule_name, rule_citation, as_of, listed, blocked, verdict,
/// consequence, aggregate_percent (null when unknown), aggregate_min/max, reasons, cautions.
void write_exposure_json(JsonOut& json, const Graph& graph, const Exposure& answer);
/// `listings`: entity, as_of, listed, in_force, later, ended.
void write_listings_json(JsonOut& json, const Graph& graph, NodeId party, const Listings& split,
                         Date day);
/// `show` of a party: entity, as_of, ids, names, attributes, dates, records, listed, listings, links.
void write_show_json(JsonOut& json, const Graph& graph, NodeId party, Date day);

/// Which rows of a long list a document carries: from `offset`, at most `limit` (all when unset).
struct Page {
  std::size_t offset = 0;
  std::optional<std::size_t> limit;
  std::size_t begin(std::size_t total) const { return offset < total ? offset : total; }
  std::size_t end(std::size_t total) const {
    return limit && begin(total) + *limit < total ? begin(total) + *limit : total;
  }
  bool paged() const { return offset != 0 || limit.has_value(); }
};
/// Called between the rows of a long list: the shell throws from it to stop on Ctrl-C.
using BetweenRows = void (*)();

/// The fields of a paged list: "count" (the total), "offset", "limit" (null: all), "shown".
void write_page_json(JsonOut& json, const Page& page, std::size_t total);

/// `reach`: entity, as_of, max_hops, authority (null: any), count, offset, limit, shown, and
/// hits [{party, hops, actions [{id, authority, list, program, start, measure fields}], path}].
void write_reach_json(JsonOut& json, const Graph& graph, NodeId from, Date day,
                      const ReachOptions& options, std::span<const ReachHit> hits,
                      const Page& page = {}, BetweenRows between_rows = nullptr);
/// One hit of `reach`: {party, hops, actions, path}.
void write_reach_hit_json(JsonOut& json, const Graph& graph, const ReachHit& hit);

/// `owners` / `subsidiaries`: entity, as_of, depth, count, offset, limit, shown, and "owners" (or
/// "subsidiaries") [{party, of, depth, kind, share, through, start, end, repeated, records}].
void write_owners_json(JsonOut& json, const Graph& graph, NodeId node, Date day, int depth,
                       std::span<const OwnershipStep> steps, const Page& page = {},
                       BetweenRows between_rows = nullptr);
void write_subsidiaries_json(JsonOut& json, const Graph& graph, NodeId node, Date day, int depth,
                             std::span<const OwnershipStep> steps, const Page& page = {},
                             BetweenRows between_rows = nullptr);
/// One step of an ownership chain: {party, of, depth, kind, share, through, start, end, repeated,
/// records}.
void write_ownership_step_json(JsonOut& json, const Graph& graph, const OwnershipStep& step);

/// `whatif`: rule, rule_id, rule_name, as_of, designate [nodes], delist [nodes], recomputed,
/// full_recompute, totals {changed, designated, delisted, newly_blocked, newly_possibly,
/// no_longer_blocked} (WhatIfResult::totals()),
/// changed [{entity, listed_before, listed_after, before, after, was (exposure), now (exposure)}]
/// (was/now only when the result was explained).
void write_whatif_json(JsonOut& json, const Graph& graph, const WhatIfResult& result);

/// A blocked party's own links to blocked holders (the whole chain is `exposure`'s answer).
struct BlockedHolder {
  EdgeId edge = kNoEdge;   // the OWNS or CONTROLS link, valid on the day
  NodeId party = kNoNode;  // the holder
  std::string_view state;  // "designated", "blocked", "possibly blocked"
};
std::vector<BlockedHolder> blocked_holders(const Graph& graph, const BlockedSet& blocked, NodeId node,
                                           Date day);
/// `blocked`: rule, rule_id, rule_citation, as_of, rule_in_force, designated (how many), count,
/// offset, limit, shown, and blocked [{entity, verdict, aggregate_min, aggregate_max, held_by
/// [{party, state, kind, share, records}], explain}] for `parties` (skg::blocked_parties()).
void write_blocked_json(JsonOut& json, const Graph& graph, const BlockedSet& blocked, Date day,
                        std::span<const NodeId> parties, const Page& page = {},
                        BetweenRows between_rows = nullptr);
/// One row of `blocked`.
void write_blocked_party_json(JsonOut& json, const Graph& graph, const BlockedSet& blocked,
                              NodeId party, Date day);

/// `diff OLD NEW`: old, new (as named by the caller), empty, parties_added/removed/changed [{id,
/// name, listings, op, changes}], listings_added/removed/changed [{party, action, authority, list,
/// program, changes}], links_added/removed/changed [{kind, from, to, id, changes}]; changes
/// [{field, before, after}]; mass_changes [{what, removal, reason, before, after, changed,
/// parties_held, listings_held}] (DiffOptions: rows of a mass removal are held back).
void write_diff_json(JsonOut& json, const Graph& before, const Graph& after, const GraphDiff& changes,
                     std::string_view old_name, std::string_view new_name);

struct WatchPartyResult;  // skg/queries/watch.h (not an installed header yet: it reads loaders/screen_input.h)

/// One portfolio party of `watch` (one JSON line): line, ref, input {name, id}, status ("changed"
/// or "error"), error, old_matches, new_matches, changes [{change ("new match", "no longer
/// matched", "listing added", "listing ended", "listing changed", "verdict changed"), record,
/// record_name,
/// old_score, new_score, matched_name, why, and per kind: action, authority, list, program,
/// start, end, records, and before (what OLD said, changed listings); rule, before, after, reasons_from ("new"|"old"), reasons
/// [as exposure's] (verdicts)}].
void write_watch_party_json(JsonOut& json, const Graph& before, const Graph& after,
                            const WatchPartyResult& party);

/// `stats`: nodes, edges, actions, names, attributes, strings, provenance_records, bytes,
/// nodes_by_kind, edges_by_kind, sources [{spec, kind, files, bytes, seconds}], as_of (null: today).
void write_stats_json(JsonOut& json, const Graph& graph, std::span<const LoadedSource> sources,
                      std::optional<Date> as_of);

/// One document as a string (no trailing newline), for callers without a stream:
///   std::string text = skg::to_json([&](skg::JsonOut& json) { skg::write_exposure_json(json, g, a); });
template <class Write>
std::string to_json(Write&& write);

namespace detail {
std::string json_string(void (*write)(JsonOut&, const void*), const void* context);
}  // namespace detail

template <class Write>
std::string to_json(Write&& write) {
  return detail::json_string(
      [](JsonOut& json, const void* context) {
        (*static_cast<std::remove_reference_t<Write>*>(const_cast<void*>(context)))(json);
      },
      &write);
}

}  // namespace skg
