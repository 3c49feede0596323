// tools/skg/command_parts.h: what the command files share (internal to the shell): argument
// helpers, printers, and the handlers the command table (commands.cpp) dispatches to.
#pragma once
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include <algorithm>
#include <fstream>

#include "commands.h"
#include "render.h"
#include "skg/queries/as_of.h"
#include "skg/queries/exposure.h"
#include "skg/queries/picture.h"
#include "skg/queries/reach.h"

namespace skg::shell {

int parse_count(const Args& args, std::string_view name, int fallback, int min, int max);

/// --threshold: a probability from 0 to 1 (screening's calibrated scores).
double parse_threshold(const Args& args, double fallback);

Date parse_date_arg(std::string_view text);

void require_graph(const Session& session);

/// The rows of a list command to show (skg::Page): --offset N (default 0) and --limit N (default all).
Page parse_page(const Args& args);

/// Between streamed rows: Ctrl-C stops the answer.
void check_interrupt();

std::vector<Listing> all_listings(const Graph& graph, NodeId party, Date day);

/// One line for the user: errors never span lines, and the data they quote never drives the
/// terminal.
std::string one_line(std::string_view text);

std::string lower_ascii(std::string_view text);

/// The id a user types for a node: its first external id.
std::string_view external_id(const Graph& graph, NodeId node);

/// "AO Kaspersky Lab [kaspersky-ao-kaspersky-lab]"
std::string label(const Graph& graph, NodeId node);

/// The file and line of the first record (the full records are in the JSON and in `show`).
std::string records_text(const Graph& graph, std::span<const ProvId> provs);

/// Opens the JSON answer about one party: `{"entity": {...}, "as_of": "YYYY-MM-DD"`, the
/// command's own fields to follow.
void begin_entity_json(JsonOut& json, const Graph& graph, NodeId node, Date date);

/// Text: "rows 101-200 of 5000 (--offset 100 --limit 100)", only when paged.
void print_page_line(std::ostream& out, const Page& page, std::size_t total);

/// "2019-01-01..2020-12-31", both days included.
std::string range_text(const DateRange& range);

Tone status_tone(std::string_view status);

std::string status_text(std::string_view status);

/// "asset_freeze (SDN)", "measure unknown (UK Sanctions List)".
std::string measure_text(const Action& action);

void print_listings(Context& context, const std::vector<Listing>& list);

std::string_view verdict_text(Verdict verdict);

Tone verdict_tone(Verdict verdict);

/// One chain, a link per line: "A -OWNS 50%-> B  sdn.csv:12".
void print_chain(Context& context, const std::vector<ChainStep>& chain, std::string_view indent);

/// Reasons grouped by kind. Where several share their explanation (12 directors of one
/// company), it is printed once and each reason keeps only what is its own.
void print_reasons(Context& context, const std::vector<Reason>& reasons, Tone tone);

/// "AO Kaspersky Lab <-DIRECTOR_OF- TIKHONOV, Andrei Gennadyevich"
std::string path_text(const Graph& graph, const Path& path);

/// "OFAC SDN, BIS Entity List": who lists the party, from its listing actions.
std::string listed_by(const Graph& graph, const std::vector<NodeId>& actions);

/// True when --dot, --svg FILE or --png FILE asks for a picture instead of the table.
bool wants_picture(const Args& args);
/// The date, the blocked set that colours parties, and a title, for a picture of this command.
PictureOptions picture_options(Context& context, const BlockedSet* blocked, std::string title);
/// --rule for the pictures of owners, subsidiaries, path and reach (default ofac).
Rule picture_rule(const Args& args);
/// --dot: the DOT text to stdout; --svg / --png: the rendered files, one line each saying so.
int emit_picture(Context& context, const Args& args, const Picture& picture);

// The handlers, one per command of the table (commands.cpp), in their group's file.
int run_stats(Context& context, const Args&);
int run_conflicts(Context& context, const Args&);
int run_load(Context& context, const Args& args);
int run_save(Context& context, const Args& args);
int run_verify(Context& context, const Args& args);
int run_as_of(Context& context, const Args& args);
int run_show(Context& context, const Args& args);
int run_listings(Context& context, const Args& args);
int run_screen(Context& context, const Args& args);
int run_exposure(Context& context, const Args& args);
int run_blocked(Context& context, const Args& args);
int run_whatif(Context& context, const Args& args);
int run_reach(Context& context, const Args& args);
int run_path(Context& context, const Args& args);
int run_owners(Context& context, const Args& args);
int run_subsidiaries(Context& context, const Args& args);
int run_diff(Context& context, const Args& args);
int run_watch(Context& context, const Args& args);
int run_serve(Context& context, const Args& args);
int run_export(Context& context, const Args& args);

/// Where a command writes its rows: the file `--out FILE` names (opened into `file`, truncated),
/// else `fallback` (the session's output).
inline std::ostream& output_for(const Args& args, std::ostream& fallback, std::ofstream& file) {
  const auto target = args.option("out");
  if (!target) return fallback;
  file.open(std::string(*target), std::ios::binary | std::ios::trunc);
  if (!file) throw UsageError("cannot write '" + std::string(*target) + "'");
  return file;
}

}  // namespace skg::shell
