// loaders/ftm_json.h: FollowTheMoney entities as JSON lines (OpenSanctions exports), and deltas.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/builder.h"
#include "skg/graph/model.h"
#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Reads one FtM JSON-lines file into the load: thing schemata become entities, interval
/// schemata (Ownership, Directorship, Family, ...) become edges, Sanction becomes a listing
/// Action. A file whose first record is `{"op": "ADD"|"MOD"|"DEL", "entity": {...}}` is a delta:
/// its net effect per id is applied to what the builder holds (MOD and a repeated ADD replace,
/// DEL removes). The mapping, and each choice it makes, is documented at the top of ftm_json.cpp.
///   skg::Builder builder(graph);  // apply a delta to a frozen graph
///   skg::load_ftm_json("entities.delta.json", builder);
///   graph = std::move(builder).freeze();
void load_ftm_json(const std::string& path, LoadContext& context);

/// Loads one FtM file as one all-or-nothing batch.
///   auto report = skg::load_ftm_json("zala/entities.ftm.json", builder);
LoadReport load_ftm_json(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the first bytes look like FtM JSON lines: a JSON object with a "schema" (an entity)
/// or an "op" and an "entity" (a delta).
bool looks_like_ftm_json(std::string_view head, std::string_view file_name) noexcept;

/// One op of an FtM delta file: what the file says it does to one id.
struct FtmDeltaOp {
  std::uint64_t line = 0;
  std::string op;      // "ADD", "MOD" or "DEL", as written
  std::string id;      // the entity's id
  std::string schema;  // the entity's schema ("" when the op does not give it)
};

/// The ops of an FtM delta file, in file order (for `diff`, which reports what a delta says:
/// a MOD is a change). Empty when the file is not a delta (its first record has no "op").
/// Throws LoadError (file, line, reason) for a line that is not JSON or an op without an entity id.
///   for (const auto& op : skg::ftm_delta_ops("t2/entities.delta.json")) ...
std::vector<FtmDeltaOp> ftm_delta_ops(const std::string& path);

namespace detail {
/// FtM `percentage` text -> share: "50", "50%", "50.5 %", "50,5", "25-50%", ">50%" (a range:
/// see the .cpp for how open bounds are kept); nullopt when it is not a number from 0 to 100.
std::optional<Percent> parse_ftm_percentage(std::string_view text) noexcept;
/// An FtM date, possibly partial ("2019", "2019-05", "2019-05-24", "2019-05-24T10:00:00").
/// As a start: the first day it covers; as an end (`end` true): the exclusive end, the day after
/// the last day it covers ("2019" -> 2020-01-01). nullopt when it is not a date.
std::optional<Date> parse_ftm_date(std::string_view text, bool end) noexcept;

/// How a file of entities reads its lines (tests set it, to compare the ways; a line simdjson
/// does not take is read by RapidJSON in every way): Scan, the default, reads each line of the
/// shape exports write with a hand-written scanner, and from the first line of a block it does
/// not take on as OnDemand does; OnDemand reads each block as one stream of documents on demand
/// (simdjson), and from a line that stream does not take on as one DOM stream; DomStream reads
/// each block as the DOM stream alone; Alone parses each line by itself (simdjson's DOM).
enum class FtmLineParse : std::uint8_t { Scan, OnDemand, DomStream, Alone };
extern FtmLineParse ftm_line_parse;
}  // namespace detail

}  // namespace skg
