// tools/skg/cmd_data.cpp: commands about the data: stats, load, save, verify, as-of.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "command_parts.h"
#include "interrupt.h"
#include "screen_file.h"
#include "skg/graph/identity.h"
#include "skg/graph/snapshot.h"
#include "skg/queries/as_of.h"
#include "skg/queries/diff.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"
#include "skg/queries/screen.h"

namespace skg::shell {

namespace {

void print_report(Context& context, const std::string& spec, const LoadReport& report) {
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("loaded").string(spec);
    json.key("files").begin_array();
    for (const auto& file : report.files) json.string(file);
    json.end_array();
    json.key("counts").begin_object();
    for (const auto& [kind, count] : report.counts)
      json.key(kind).integer(static_cast<std::int64_t>(count));
    json.end_object();
    json.key("unresolved").begin_array();
    for (const auto& issue : report.unresolved) json.string(issue.reason);
    json.end_array();
    json.key("skipped").begin_array();
    for (const std::string& line : load_issues(report, report.skipped.size())) json.string(line);
    json.end_array();
    json.key("bytes").integer(static_cast<std::int64_t>(report.bytes));
    json.key("seconds").number(report.seconds);
    json.key("nodes").integer(static_cast<std::int64_t>(context.session.graph().node_count()));
    json.key("edges").integer(static_cast<std::int64_t>(context.session.graph().edge_count()));
    json.end_object();
    return;
  }
  std::string counts;
  for (const auto& [kind, count] : report.counts)
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", count, kind);
  context.out << fmt::format("loaded {} ({} files, {:.2f} MB, {:.3f} s): {}\n", spec,
                             report.files.size(), report.bytes / 1e6, report.seconds,
                             counts.empty() ? "nothing" : counts);
  if (!report.unresolved.empty())
    context.out << fmt::format("  {} references left out (they name no loaded record), e.g. {}\n",
                               report.unresolved.size(), report.unresolved.front().reason);
  context.out << "  " << load_summary(report) << '\n';
  for (const std::string& line : load_issues(report)) context.out << "  " << printable(line) << '\n';
  context.out << fmt::format("graph: {} nodes, {} edges\n", context.session.graph().node_count(),
                             context.session.graph().edge_count());
}

}  // namespace

int run_stats(Context& context, const Args&) {
  const Graph& graph = context.session.graph();
  const GraphStats stats = graph.stats();
  if (context.json) {
    JsonOut json(context.out);
    write_stats_json(json, graph, context.session.sources(), context.session.options.as_of);
    return kExitOk;
  }
  auto& out = context.out;
  out << fmt::format("{} nodes, {} edges, {} listings/actions, {} names, {:.1f} MB in memory\n",
                     stats.nodes, stats.edges, stats.actions, stats.names, stats.bytes / 1e6);
  Table kinds({{"nodes"}, {"count"}});
  for (int kind = 0; kind < kNodeKindCount; ++kind)
    if (stats.nodes_by_kind[kind] != 0)
      kinds.add_row(
          {to_string(static_cast<NodeKind>(kind)), std::to_string(stats.nodes_by_kind[kind])});
  kinds.print(out, context.style());
  Table edges({{"edges"}, {"count"}});
  for (int kind = 0; kind < kEdgeKindCount; ++kind)
    if (stats.edges_by_kind[kind] != 0)
      edges.add_row(
          {to_string(static_cast<EdgeKind>(kind)), std::to_string(stats.edges_by_kind[kind])});
  edges.print(out, context.style());
  if (!context.session.sources().empty()) {
    Table sources({{"loaded", true, 20}, {"as"}, {"files"}, {"MB"}, {"seconds"}});
    for (const auto& source : context.session.sources())
      sources.add_row({source.spec, source.kind, std::to_string(source.report.files.size()),
                       fmt::format("{:.2f}", source.report.bytes / 1e6),
                       fmt::format("{:.3f}", source.report.seconds)});
    sources.print(out, context.style());
  }
  out << "as of " << context.date.to_string() << (context.dated ? "\n" : " (today)\n");
  return kExitOk;
}

int run_load(Context& context, const Args& args) {
  if (args.words.empty()) throw UsageError("usage: load [--on-bad-record skip|fail] PATH|FORMAT:PATH ...");
  OnBadRecord mode = context.session.options.on_bad_record;
  if (const auto value = args.option("on-bad-record")) {
    if (*value != "skip" && *value != "fail")
      throw UsageError(fmt::format("--on-bad-record takes skip or fail, not '{}'", *value));
    mode = *value == "skip" ? OnBadRecord::Skip : OnBadRecord::Fail;
  }
  // One transaction for every path on the line: if one fails, none of them lands.
  const std::size_t before = context.session.sources().size();
  const OnBadRecord session_mode = context.session.options.on_bad_record;
  context.session.options.on_bad_record = mode;
  try {
    context.session.load(args.words);
  } catch (...) {
    context.session.options.on_bad_record = session_mode;
    throw;
  }
  context.session.options.on_bad_record = session_mode;
  const auto& sources = context.session.sources();
  for (std::size_t at = before; at < sources.size(); ++at)
    print_report(context, sources[at].spec, sources[at].report);
  return kExitOk;
}

int run_save(Context& context, const Args& args) {
  if (args.words.size() != 1) throw UsageError("usage: save FILE");
  const Graph& graph = context.session.graph();
  skg::save(graph, args.words[0]);
  std::error_code error;
  const auto size = std::filesystem::file_size(args.words[0], error);
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("saved").string(args.words[0]);
    json.key("nodes").integer(static_cast<std::int64_t>(graph.node_count()));
    json.key("edges").integer(static_cast<std::int64_t>(graph.edge_count()));
    json.key("bytes").integer(error ? 0 : static_cast<std::int64_t>(size));
    json.end_object();
  } else {
    context.out << fmt::format(
        "saved {} nodes and {} edges to {} ({:.2f} MB); open it with "
        "skg --snapshot {}\n",
        graph.node_count(), graph.edge_count(), args.words[0], error ? 0.0 : size / 1e6,
        args.words[0]);
  }
  return kExitOk;
}

int run_verify(Context& context, const Args& args) {
  if (args.words.size() != 1) throw UsageError("usage: verify FILE");
  const SnapshotSummary summary = verify_snapshot(args.words[0]);
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("verified").string(args.words[0]);
    json.key("usable").boolean(true);
    json.key("version").integer(summary.version);
    json.key("nodes").integer(static_cast<std::int64_t>(summary.nodes));
    json.key("edges").integer(static_cast<std::int64_t>(summary.edges));
    json.key("strings").integer(static_cast<std::int64_t>(summary.strings));
    json.key("bytes").integer(static_cast<std::int64_t>(summary.bytes));
    json.key("seconds").number(summary.seconds);
    json.end_object();
  } else {
    context.out << fmt::format(
        "{}: a usable skg snapshot (format version {}, {:.2f} MB): {} nodes, {} edges, {} strings\n"
        "checked in {:.2f} s: checksums; column names, sizes and bounds; offsets; every id, string, kind,\n"
        "share and date in range; reverse edges mirror the forward edges; hash indexes end and find\n"
        "their keys; every string stored once\n",
        args.words[0], summary.version, summary.bytes / 1e6, summary.nodes, summary.edges, summary.strings,
        summary.seconds);
  }
  return kExitOk;
}

int run_as_of(Context& context, const Args& args) {
  if (args.words.size() > 1) throw UsageError("usage: as-of [YYYY-MM-DD]  (alone: back to today)");
  auto& options = context.session.options;
  if (args.words.empty())
    options.as_of.reset();
  else
    options.as_of = parse_date_arg(args.words[0]);
  const Date date = context.session.date();
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("as_of").string(date.to_string());
    json.key("today").boolean(!options.as_of);
    json.end_object();
  } else {
    context.out << "questions are now asked as of " << date.to_string()
                << (options.as_of ? "\n" : " (today)\n");
  }
  return kExitOk;
}

// Identifier conflicts (queries/RULES.md §9.5): strong identifiers that did not make one party.
int run_conflicts(Context& context, const Args&) {
  require_graph(context.session);
  const Graph& graph = context.session.graph();
  const std::vector<IdentifierConflict> conflicts = identifier_conflicts(graph);
  if (context.json) {
    JsonOut json(context.out);
    json.begin_array();
    for (const IdentifierConflict& conflict : conflicts) {
      json.begin_object();
      json.key("kind").string(to_string(conflict.kind));
      json.key("scheme").string(attribute_key(conflict.scheme));
      json.key("values").begin_array();
      for (const std::string& value : conflict.values) json.string(value);
      json.end_array();
      json.key("parties").begin_array();
      for (NodeId party : conflict.parties) write_node_json(json, graph, party);
      json.end_array();
      json.key("explanation").string(describe(graph, conflict));
      json.end_object();
    }
    json.end_array();
    return kExitOk;
  }
  context.out << conflicts.size() << " identifier conflicts (queries/RULES.md §9.5)\n";
  for (const IdentifierConflict& conflict : conflicts)
    context.out << "  " << to_string(conflict.kind) << ": " << printable(describe(graph, conflict)) << '\n';
  return kExitOk;
}

}  // namespace skg::shell
