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
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"
#include "skg/queries/screen.h"

namespace skg::inline v1 {

/// Writes one JSON document (compact, one line, then a newline) to a stream.
///   JsonOut json(out);
///   json.begin_object();
///   json.key("entity").string(id);
///   json.key("aggregate_percent").null();
///   json.end_object();  // the destructor writes the newline
class JsonOut {
 public:
  explicit JsonOut(std::ostream& out);
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
  struct Impl;
  std::unique_ptr<Impl> impl_;
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
