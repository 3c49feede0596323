// tools/skg/cmd_watch.cpp: watch PORTFOLIO OLD NEW: what changed for each party of a portfolio
// between two versions of the lists (the logic is skg::watch, queries/watch.h).
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "command_parts.h"
#include "skg/json.h"
#include "skg/loaders/screen_input.h"
#include "skg/queries/watch.h"

namespace skg::shell {

namespace {

/// A version as the user gives it: one file, folder or snapshot, or several joined by ','
/// ("sdn.csv,alt.csv"); a path that exists as written is never split.
std::vector<std::string> version_specs(const std::string& text) {
  std::error_code ignored;
  if (text.find(',') == std::string::npos || std::filesystem::exists(text, ignored)) return {text};
  std::vector<std::string> specs;
  std::size_t start = 0;
  for (std::size_t at = text.find(','); ; at = text.find(',', start)) {
    std::string part = text.substr(start, at == std::string::npos ? std::string::npos : at - start);
    if (!part.empty()) specs.push_back(std::move(part));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  return specs;
}

}  // namespace

int run_watch(Context& context, const Args& args) {
  if (args.words.size() != 3)
    throw UsageError(
        "usage: watch PORTFOLIO OLD NEW [--rule R] [--threshold T] [--format text|csv|jsonl] "
        "[--out FILE] (OLD, NEW: a file, folder or snapshot, or several joined by ',')");
  WatchOptions options;
  options.screen.min_score = parse_threshold(args, options.screen.min_score);
  if (const auto rule = args.option("rule")) {
    const auto parsed = parse_rule(*rule);
    if (!parsed) throw UsageError(fmt::format("unknown rule '{}': ofac, eu, uk or bis", *rule));
    options.rules = {*parsed};
  }
  if (context.dated) options.as_of = context.date;
  std::string format = context.json ? "jsonl" : "text";
  if (const auto value = args.option("format")) format = std::string(*value);
  if (format != "text" && format != "csv" && format != "jsonl")
    throw UsageError(fmt::format("unknown format '{}': text, csv or jsonl", format));

  // The portfolio first: a bad file is found before minutes of loading.
  std::vector<ScreenInputRow> portfolio;
  std::string portfolio_format;
  {
    ScreenInputReader reader(args.words[0]);  // LoadError: the file cannot be read at all
    ScreenInputRow row;
    while (reader.next(row)) portfolio.push_back(std::move(row));
    portfolio_format = reader.format();
  }
  std::ofstream file;
  std::ostream* out = &output_for(args, context.out, file);

  const auto start = std::chrono::steady_clock::now();
  const Graph before = context.session.read_graph(version_specs(args.words[1]));
  const Graph after = context.session.read_graph(version_specs(args.words[2]));
  const WatchVersion old_version(before, options);
  const WatchVersion new_version(after, options);
  const auto loaded = std::chrono::steady_clock::now();
  const WatchReport report = watch(old_version, new_version, portfolio, options);
  const auto done = std::chrono::steady_clock::now();

  if (format == "csv") {
    *out << watch_csv_header();
    for (const WatchPartyResult& party : report.changed) *out << watch_csv_rows(before, after, party);
  } else if (format == "jsonl") {
    for (const WatchPartyResult& party : report.changed) {
      JsonOut json(*out);
      write_watch_party_json(json, before, after, party);
    }
    JsonOut json(*out);
    json.begin_object();
    json.key("summary").begin_object();
    json.key("parties").integer(static_cast<std::int64_t>(report.parties));
    json.key("changed").integer(static_cast<std::int64_t>(report.changed.size() - report.errors));
    json.key("unchanged").integer(static_cast<std::int64_t>(report.unchanged));
    json.key("errors").integer(static_cast<std::int64_t>(report.errors));
    json.end_object();
    json.end_object();
  } else {
    const Style& style = context.style();
    Table table({{"line"}, {"party", true, 12}, {"change"}, {"record", true, 12},
                 {"detail", true, 24, 2.0}});
    for (const WatchPartyResult& party : report.changed) {
      const std::string who = party.input.ref.empty() ? party.input.name
                                                      : party.input.ref + " " + party.input.name;
      if (!party.error.empty()) {
        table.add_row({std::to_string(party.input.line), who, {"error", Tone::Red}, "", one_line(party.error)});
        continue;
      }
      for (const WatchChange& change : party.changes) {
        const bool worse = change.kind == WatchChangeKind::NewMatch ||
                           change.kind == WatchChangeKind::ListingAdded ||
                           (change.kind == WatchChangeKind::VerdictChanged && change.after > change.before);
        table.add_row({std::to_string(party.input.line), who,
                       {std::string(to_string(change.kind)), worse ? Tone::Red : Tone::Green},
                       change.record, one_line(change.why)});
      }
    }
    if (!table.empty()) table.print(*out, style);
    *out << fmt::format("{} parties: {} changed, {} unchanged (not shown), {} error{}\n", report.parties,
                        report.changed.size() - report.errors, report.unchanged, report.errors,
                        report.errors == 1 ? "" : "s");
  }
  out->flush();
  const double load_s = std::chrono::duration<double>(loaded - start).count();
  const double watch_s = std::chrono::duration<double>(done - loaded).count();
  context.err << fmt::format(
      "watch: {} parties ({}), {} changed, {} unchanged, {} errors; versions read and indexed in "
      "{:.2f} s, watched in {:.2f} s ({:.0f} parties/s)\n",
      report.parties, portfolio_format, report.changed.size() - report.errors, report.unchanged,
      report.errors, load_s, watch_s, watch_s > 0 ? report.parties / watch_s : 0.0);
  return kExitOk;
}

}  // namespace skg::shell
