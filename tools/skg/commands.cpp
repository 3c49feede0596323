#include "commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <sstream>

#include "screen_file.h"
#include "interrupt.h"
#include "skg/graph/snapshot.h"
#include "skg/queries/as_of.h"
#include "skg/queries/diff.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"
#include "skg/queries/screen.h"

namespace skg::shell {

namespace {

// ---------------------------------------------------------------------------------------------
// Small helpers shared by the handlers.

/// The id a user types for a node: its first external id.
std::string_view external_id(const Graph& graph, NodeId node) {
  const auto ids = graph.external_ids(node);
  return ids.empty() ? std::string_view() : graph.string(ids.front());
}

/// "AO Kaspersky Lab [kaspersky-ao-kaspersky-lab]"
std::string label(const Graph& graph, NodeId node) {
  const std::string_view id = external_id(graph, node);
  const std::string_view name = graph.name(node);
  if (name.empty()) return printable(id);
  if (id.empty() || id == name) return printable(name);
  return printable(fmt::format("{} [{}]", name, id));
}

/// The file and line of the first record (the full records are in the JSON and in `show`).
std::string records_text(const Graph& graph, std::span<const ProvId> provs) {
  if (provs.empty()) return {};
  const Provenance& record = graph.provenance_record(provs.front());
  std::string out = record.source == kNoString
                        ? std::string("(unknown source)")
                        : std::filesystem::path(graph.string(record.source)).filename().string();
  if (record.line != 0)
    out += fmt::format(":{}", record.line);
  else if (record.record != kNoString)
    out += fmt::format(" ({})", graph.string(record.record));
  if (provs.size() > 1) out += fmt::format(" +{} more", provs.size() - 1);
  return out;
}



int parse_count(const Args& args, std::string_view name, int fallback, int min, int max) {
  const auto text = args.option(name);
  if (!text) return fallback;
  int value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < min || value > max)
    throw UsageError(
        fmt::format("--{} takes a whole number from {} to {}, not '{}'", name, min, max, *text));
  return value;
}

/// --threshold: a probability from 0 to 1 (screening's calibrated scores).
double parse_threshold(const Args& args, double fallback) {
  const auto text = args.option("threshold");
  if (!text) return fallback;
  double value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || !(value >= 0 && value <= 1))
    throw UsageError(fmt::format("--threshold takes a score from 0 to 1 (default {:.2f}), not '{}'",
                                 kDefaultScreenThreshold, *text));
  return value;
}

Date parse_date_arg(std::string_view text) {
  const auto date = Date::parse(text);
  if (!date || text.size() != 10)
    throw UsageError(fmt::format("'{}' is not a date: write YYYY-MM-DD, e.g. 2024-08-01", text));
  return *date;
}

void require_graph(const Session& session) {
  if (session.graph().node_count() == 0)
    throw UsageError("the graph is empty: load data first (load PATH)");
}

/// The rows of a list command to show: --offset N (default 0) and --limit N (default all).
struct Page {
  std::size_t offset = 0;
  std::optional<std::size_t> limit;
  std::size_t begin(std::size_t total) const { return std::min(offset, total); }
  std::size_t end(std::size_t total) const {
    return limit ? std::min(total, begin(total) + *limit) : total;
  }
  bool paged() const { return offset != 0 || limit.has_value(); }
};

Page parse_page(const Args& args) {
  Page page;
  page.offset = static_cast<std::size_t>(parse_count(args, "offset", 0, 0, 2'000'000'000));
  if (args.option("limit"))
    page.limit = static_cast<std::size_t>(parse_count(args, "limit", 0, 0, 2'000'000'000));
  return page;
}

/// JSON: the total, and which rows follow ("count", "offset", "limit", "shown").
void json_page(JsonOut& json, const Page& page, std::size_t total) {
  json.key("count").integer(static_cast<std::int64_t>(total));
  json.key("offset").integer(static_cast<std::int64_t>(page.begin(total)));
  json.key("limit");
  if (page.limit)
    json.integer(static_cast<std::int64_t>(*page.limit));
  else
    json.null();
  json.key("shown").integer(static_cast<std::int64_t>(page.end(total) - page.begin(total)));
}

/// Text: "rows 101-200 of 5000 (--offset 100 --limit 100)", only when paged.
void print_page_line(std::ostream& out, const Page& page, std::size_t total) {
  if (!page.paged()) return;
  const std::size_t begin = page.begin(total), end = page.end(total);
  if (begin == end)
    out << fmt::format("  no rows from offset {} (there are {})\n", page.offset, total);
  else
    out << fmt::format("  rows {}-{} of {}\n", begin + 1, end, total);
}

/// Between streamed rows: Ctrl-C stops the answer.
void check_interrupt() {
  if (interrupt_flag().load(std::memory_order_relaxed)) throw Interrupted();
}


/// "2019-01-01..2020-12-31", both days included.
std::string range_text(const DateRange& range) {
  if (range.is_open()) return "";
  return fmt::format("{}..{}", date_text(range.start), date_text(last_day(range.end)));
}

// ---------------------------------------------------------------------------------------------
// Listings: what applies on the day, what starts later, what ended.


Tone status_tone(std::string_view status) {
  return status == "in_force" ? Tone::Red : status == "later" ? Tone::Yellow : Tone::Dim;
}

std::string status_text(std::string_view status) {
  return status == "in_force" ? "in force" : std::string(status);
}

std::vector<Listing> all_listings(const Graph& graph, NodeId party, Date day) {
  Listings split = listings(graph, party, day);
  std::vector<Listing> all = std::move(split.in_force);
  all.insert(all.end(), split.later.begin(), split.later.end());
  all.insert(all.end(), split.ended.begin(), split.ended.end());
  return all;
}


/// "asset_freeze (SDN)", "measure unknown (UK Sanctions List)".
std::string measure_text(const Action& action) {
  return fmt::format("{} ({})", action.measure_set.to_string(), to_string(action.list_id));
}


void print_listings(Context& context, const std::vector<Listing>& list) {
  const Graph& graph = context.session.graph();
  Table table({{"status", false, 8},
               {"from", false, 10},
               {"last day", false, 10},
               {"authority", true, 9},
               {"list or program", true, 14},
               {"measures (list)", true, 24, 2.5}});
  for (const Listing& listing : list) {
    const Action& action = *listing.details;
    const auto status = listing_status(listing, context.date);
    const std::string_view list_name = graph.string(action.list);
    const std::string_view program = graph.string(action.program);
    std::string listing_name(list_name.empty() ? program : list_name);
    if (!list_name.empty() && !program.empty() && list_name != program)
      listing_name += fmt::format(" ({})", program);
    if (!listing.same_designation.empty())
      listing_name += fmt::format(" +{} undated record{}", listing.same_designation.size(),
                                  listing.same_designation.size() == 1 ? "" : "s");
    table.add_row({{status_text(status), status_tone(status)},
                   listing.date_unknown ? std::string("date unknown") : date_text(listing.in_force.start, "?"),
                   date_text(last_day(listing.in_force.end)),
                   graph.string(action.authority),
                   listing_name,
                   graph.string(action.measures).empty()
                       ? measure_text(action)
                       : fmt::format("{}: {}", measure_text(action), graph.string(action.measures))});
  }
  table.print(context.out, context.style());
}

// ---------------------------------------------------------------------------------------------
// Handlers, in the order of the table.

int run_help(Context& context, const Args& args);

int run_stats(Context& context, const Args&) {
  const Graph& graph = context.session.graph();
  const GraphStats stats = graph.stats();
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("nodes").integer(stats.nodes);
    json.key("edges").integer(stats.edges);
    json.key("actions").integer(stats.actions);
    json.key("names").integer(stats.names);
    json.key("attributes").integer(stats.attributes);
    json.key("strings").integer(stats.strings);
    json.key("provenance_records").integer(stats.provenance);
    json.key("bytes").integer(stats.bytes);
    json.key("nodes_by_kind").begin_object();
    for (int kind = 0; kind < kNodeKindCount; ++kind)
      if (stats.nodes_by_kind[kind] != 0)
        json.key(to_string(static_cast<NodeKind>(kind))).integer(stats.nodes_by_kind[kind]);
    json.end_object();
    json.key("edges_by_kind").begin_object();
    for (int kind = 0; kind < kEdgeKindCount; ++kind)
      if (stats.edges_by_kind[kind] != 0)
        json.key(to_string(static_cast<EdgeKind>(kind))).integer(stats.edges_by_kind[kind]);
    json.end_object();
    json.key("sources").begin_array();
    for (const auto& source : context.session.sources()) {
      json.begin_object();
      json.key("spec").string(source.spec);
      json.key("kind").string(source.kind);
      json.key("files").integer(static_cast<std::int64_t>(source.report.files.size()));
      json.key("bytes").integer(static_cast<std::int64_t>(source.report.bytes));
      json.key("seconds").number(source.report.seconds);
      json.end_object();
    }
    json.end_array();
    json.key("as_of").date(context.session.options.as_of);
    json.end_object();
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

int show_action(Context& context, NodeId node) {
  const Graph& graph = context.session.graph();
  const Action& action = *graph.action(node);
  const bool in_force = action.in_force.contains(context.date);
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("entity");
    write_node_json(json, graph, node);
    json.key("as_of").string(context.date.to_string());
    json.key("in_force").boolean(in_force);
    json.key("authority").optional_string(graph.string(action.authority));
    json.key("list").optional_string(graph.string(action.list));
    json.key("program").optional_string(graph.string(action.program));
    json.key("legal_basis").optional_string(graph.string(action.legal_basis));
    json.key("measures").optional_string(graph.string(action.measures));
    write_measure_fields_json(json, action, action.undated());
    json.key("citation").optional_string(graph.string(action.citation));
    json.key("listed").date(action.listed);
    json.key("start").date(action.in_force.start);
    json.key("end").date(last_day(action.in_force.end));
    json.key("targets").begin_array();
    for (EdgeId edge : graph.in_edges(node))
      if (graph.edge_kind(edge) == EdgeKind::TargetOf) write_node_json(json, graph, graph.source(edge));
    json.end_array();
    json.key("records");
    write_records_json(json, graph, graph.provenance(node));
    json.end_object();
    return kExitOk;
  }
  auto& out = context.out;
  const Style& style = context.style();
  out << paint(style, Tone::Bold,
               graph.name(node).empty() ? external_id(graph, node) : graph.name(node))
      << "  (action " << external_id(graph, node) << ")\n";
  Table facts({{"field"}, {"value", true, 20}});
  facts.add_row({"authority", graph.string(action.authority)});
  facts.add_row({"list", graph.string(action.list)});
  facts.add_row({"program", graph.string(action.program)});
  facts.add_row({"legal basis", graph.string(action.legal_basis)});
  facts.add_row({"measures", graph.string(action.measures)});
  facts.add_row({"measure types", measure_text(action)});
  facts.add_row({"issuer", to_string(action.issuer)});
  if (action.origin == ActionOrigin::DatasetMembership)
    facts.add_row({"origin", "dataset membership (no Sanction record; date unknown)"});
  facts.add_row({"listed", date_text(action.listed, "unknown")});
  facts.add_row({"in force", fmt::format("{} to {}", date_text(action.in_force.start, "unknown"),
                                         date_text(last_day(action.in_force.end), "no end date"))});
  facts.add_row({fmt::format("on {}", context.date.to_string()),
                 {in_force ? "in force" : "not in force", in_force ? Tone::Red : Tone::Green}});
  facts.add_row({"citation", graph.string(action.citation)});
  facts.print(out, style);
  Table targets({{"targets", true, 20}});
  for (EdgeId edge : graph.in_edges(node))
    if (graph.edge_kind(edge) == EdgeKind::TargetOf)
      targets.add_row({label(graph, graph.source(edge))});
  if (!targets.empty()) targets.print(out, style);
  Table records({{"records", true, 20}});
  for (ProvId prov : graph.provenance(node)) records.add_row({graph.describe(prov)});
  records.print(out, style);
  return kExitOk;
}

/// A file as the user knows it: relative to the file or folder they loaded it from
/// ("csl/csl_2023-11_subset.csv" for --data ../shared/datasets), else as it was given.
std::string display_path(const Session& session, std::string_view file) {
  for (const LoadedSource& source : session.sources()) {
    if (source.kind == "snapshot") continue;
    std::string root = parse_data_spec(source.spec).second;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    if (file == root) return std::filesystem::path(root).filename().string();
    if (file.size() > root.size() && file.starts_with(root) && file[root.size()] == '/')
      return std::string(file.substr(root.size() + 1));
  }
  return std::string(file);
}

/// The distinct records behind a party, numbered from 1 in the order met: each appears once,
/// and the facts refer to it by number.
struct RecordList {
  std::vector<ProvId> records;
  std::size_t number(const Graph& graph, ProvId prov) {
    const Provenance& wanted = graph.provenance_record(prov);
    for (std::size_t at = 0; at < records.size(); ++at) {
      const Provenance& known = graph.provenance_record(records[at]);
      if (records[at] == prov || (known.source == wanted.source && known.record == wanted.record && known.line == wanted.line))
        return at + 1;
    }
    records.push_back(prov);
    return records.size();
  }
  std::string line(const Session& session, const Graph& graph, std::size_t at) const {
    const Provenance& record = graph.provenance_record(records[at]);
    std::string out = fmt::format("[{}] {}", at + 1,
                                  record.source == kNoString ? std::string("(unknown source)")
                                                             : display_path(session, graph.string(record.source)));
    if (record.line != 0) out += fmt::format(":{}", record.line);
    if (record.record != kNoString) out += fmt::format("  record {}", graph.string(record.record));
    return out;
  }
};

int run_show(Context& context, const Args& args) {
  require_graph(context.session);
  if (args.words.empty()) throw UsageError("usage: show ENTITY");
  const NodeId node = resolve_entity(context.session, args.joined());
  const Graph& graph = context.session.graph();
  if (graph.kind(node) == NodeKind::Action) return show_action(context, node);
  const auto listing_list = all_listings(graph, node, context.date);

  if (context.json) {
    JsonOut json(context.out);
    write_show_json(json, graph, node, context.date);
    return kExitOk;
  }

  auto& out = context.out;
  const Style& style = context.style();
  RecordList records;  // the party's own records first, then any other a fact names
  for (ProvId prov : graph.provenance(node)) records.number(graph, prov);
  out << paint(style, Tone::Bold, graph.name(node)) << "  " << to_string(graph.kind(node));
  for (StringId id : graph.external_ids(node))
    out << "  " << paint(style, Tone::Cyan, graph.string(id));
  out << '\n';
  const DateRange valid = graph.valid(node);
  if (!valid.is_open()) out << "  valid " << range_text(valid) << '\n';

  Table names({{"name", true, 16}, {"type"}, {"strength"}});
  for (const Name& name : graph.names(node))
    names.add_row({graph.string(name.text), to_string(name.type), to_string(name.strength)});
  names.print(out, style);

  if (!graph.attributes(node).empty()) {
    // The record column only when the attributes come from more than one record.
    const auto all = graph.attributes(node);
    const bool one_record = std::all_of(all.begin(), all.end(), [&](const Attribute& attribute) {
      return attribute.source == all.front().source;
    });
    Table attributes({{"attribute", false}, {"value", true, 20}, {"record"}});
    for (const Attribute& attribute : all)
      attributes.add_row({graph.string(attribute.key), graph.string(attribute.value),
                          one_record ? std::string() : fmt::format("[{}]", records.number(graph, attribute.source))});
    attributes.print(out, style);
  }

  const bool listed = is_listed(graph, node, context.date);
  out << '\n'
      << "listings as of " << context.date.to_string() << ": "
      << paint(style, listed ? Tone::Red : Tone::Green,
               listed ? "LISTED" : (listing_list.empty() ? "not listed" : "none in force"))
      << '\n';
  if (!listing_list.empty()) print_listings(context, listing_list);

  Table links(
      {{"link"}, {"party", true, 16}, {"share"}, {"dates"}, {"role", true, 10}, {"record"}});
  auto add_link = [&](EdgeId edge, bool outgoing) {
    const std::string kind(to_string(graph.edge_kind(edge)));
    const Percent share = graph.share(edge);
    links.add_row({outgoing ? "-> " + kind : "<- " + kind,
                   label(graph, outgoing ? graph.target(edge) : graph.source(edge)),
                   graph.edge_kind(edge) == EdgeKind::Owns
                       ? share.to_string()
                       : (share.known() ? share.to_string() : ""),
                   range_text(graph.edge_valid(edge)), graph.role(edge),
                   records_text(graph, graph.edge_provenance(edge))});
  };
  for (EdgeId edge : graph.out_edges(node))
    if (graph.edge_kind(edge) != EdgeKind::TargetOf) add_link(edge, true);
  for (EdgeId edge : graph.in_edges(node)) add_link(edge, false);
  out << '\n' << "links (-> from this party, <- to it): " << links.size() << '\n';
  if (!links.empty()) links.print(out, style);

  // Same-as candidates: parties that may be this one on weaker evidence (RULES.md §9.3).
  std::vector<std::string> candidates;
  auto candidate = [&](EdgeId edge, NodeId other) {
    std::string evidence;
    for (const Attribute& attribute : graph.edge_attributes(edge))
      if (graph.string(attribute.key) == "evidence") evidence = graph.string(attribute.value);
    candidates.push_back(fmt::format("{}: {}", label(graph, other), evidence));
  };
  for (EdgeId edge : graph.out_edges(node))
    if (graph.edge_kind(edge) == EdgeKind::SameAs) candidate(edge, graph.target(edge));
  for (EdgeId edge : graph.in_edges(node))
    if (graph.edge_kind(edge) == EdgeKind::SameAs) candidate(edge, graph.source(edge));
  if (!candidates.empty()) {
    out << '\n' << "same-as candidates (not merged: no strong identifier in common): " << candidates.size() << '\n';
    for (const std::string& line : candidates) out << "  " << printable(line) << '\n';
  }

  out << '\n' << "records (" << records.records.size() << ")\n";
  for (std::size_t at = 0; at < records.records.size(); ++at)
    out << "  " << printable(records.line(context.session, graph, at)) << '\n';
  return kExitOk;
}

int run_listings(Context& context, const Args& args) {
  require_graph(context.session);
  if (args.words.empty()) throw UsageError("usage: listings ENTITY");
  const NodeId node = resolve_entity(context.session, args.joined());
  const Graph& graph = context.session.graph();
  const Listings split = listings(graph, node, context.date);
  if (context.json) {
    JsonOut json(context.out);
    write_listings_json(json, graph, node, split, context.date);
    return kExitOk;
  }
  auto& out = context.out;
  const Style& style = context.style();
  out << paint(style, Tone::Bold, label(graph, node)) << " as of " << context.date.to_string()
      << (context.dated ? "" : " (today)") << '\n';
  auto section = [&](std::string_view title, const std::vector<Listing>& list, Tone tone) {
    out << paint(style, tone, fmt::format("{}: {}", title, list.size())) << '\n';
    if (!list.empty()) print_listings(context, list);
  };
  section("in force", split.in_force, split.in_force.empty() ? Tone::Green : Tone::Red);
  section("start later", split.later, Tone::Yellow);
  if (!split.ended.empty()) section("ended", split.ended, Tone::Dim);
  return kExitOk;
}

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

// Opens a snapshot with every check (graph/snapshot.h, SnapshotCheck::Full), without replacing
// the session's graph: for a file from elsewhere before it is used.
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

// ---------------------------------------------------------------------------------------------
// screen

/// True when every listing of `party` in force on `day` has no date (it may have started later).
bool only_undated(const Graph& graph, NodeId party, Date day) {
  const auto now = listings(graph, party, day).in_force;
  return !now.empty() && std::all_of(now.begin(), now.end(), [](const Listing& l) { return l.date_unknown; });
}

int run_screen(Context& context, const Args& args) {
  require_graph(context.session);
  const std::string text = args.joined();
  if (text.empty() && !args.option("id"))
    throw UsageError("usage: screen NAME [--id VALUE] [--dob YYYY[-MM[-DD]]] [--country C] ...");
  const Graph& graph = context.session.graph();
  ScreenOptions options;
  ScreenQuery query;
  screen_request(args, context.date, options, query);
  query.name = text;
  // Screening ranks the best `offset + limit` candidates (and one more, to tell whether more
  // follow); the page is the tail of that ranking.
  const std::size_t limit = options.limit;
  const std::size_t offset = static_cast<std::size_t>(parse_count(args, "offset", 0, 0, 100000));
  options.limit = offset + limit + 1;
  const View view = context.session.view(context.date);
  auto hits = view.screen(query, options);
  const bool more = hits.size() > offset + limit;
  const std::size_t ranked = std::min(hits.size(), offset + limit);
  hits.resize(ranked);
  hits.erase(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(std::min(offset, ranked)));
  const ListedSet& listed_set = view.listed();
  const std::string shown = !text.empty() ? text : fmt::format("id {}", query.id);

  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("query").string(text);
    if (!query.id.empty()) json.key("id").string(query.id);
    json.key("as_of").string(context.date.to_string());
    json.key("offset").integer(static_cast<std::int64_t>(offset));
    json.key("limit").integer(static_cast<std::int64_t>(limit));
    json.key("shown").integer(static_cast<std::int64_t>(hits.size()));
    json.key("more").boolean(more);  // candidates rank after this page (--offset to see them)
    json.key("hits").begin_array();
    for (const ScreenHit& hit : hits)
      write_screen_hit_json(json, graph, hit, context.date, listed_set.contains(hit.node));
    json.end_array();
    json.end_object();
    return kExitOk;
  }
  auto& out = context.out;
  const Style& style = context.style();
  out << fmt::format("{} candidate{} for \"{}\" as of {}\n", hits.size(),
                     hits.size() == 1 ? "" : "s", printable(shown), context.date.to_string());
  if (offset != 0 || more)
    out << fmt::format("  ranks {}-{}{}\n", offset + 1, offset + hits.size(),
                       more ? fmt::format(" (more follow: --offset {})", offset + limit) : "");
  if (hits.empty()) return kExitOk;
  Table table({{"score"},
               {"party", true, 16},
               {"kind"},
               {"listed"},
               {"matched name", true, 12},
               {"why", true, 16}});
  for (const ScreenHit& hit : hits) {
    const bool listed = listed_set.contains(hit.node);
    std::string name = std::string(hit.name_text);
    if (hit.name.type != NameType::Primary || hit.name.strength == NameStrength::Weak)
      name += fmt::format(" ({}{})", to_string(hit.name.type),
                          hit.name.strength == NameStrength::Weak ? ", weak" : "");
    table.add_row({fmt::format("{:.2f}", hit.score),
                   label(graph, hit.node),
                   to_string(graph.kind(hit.node)),
                   {listed ? (only_undated(graph, hit.node, context.date) ? "LISTED (date unknown)" : "LISTED")
                           : "no",
                    listed ? Tone::Red : Tone::Green},
                   name,
                   screen_why(hit)});
  }
  table.print(out, style);
  // What each candidate carries: its listings, dates of birth and countries.
  for (std::size_t at = 0; at < hits.size(); ++at) {
    const ScreenHit& hit = hits[at];
    out << fmt::format("{}. {}\n", at + 1, label(graph, hit.node));
    for (const Listing& listing : hit.listings) {
      const Action& action = *listing.details;
      std::string line = fmt::format("   {}: {}", status_text(listing_status(listing, context.date)),
                                     graph.string(action.authority));
      if (action.list != kNoString) line += fmt::format(" {}", graph.string(action.list));
      if (action.program != kNoString && action.program != action.list)
        line += fmt::format(", program {}", graph.string(action.program));
      line += listing.in_force.start ? fmt::format(", from {}", listing.in_force.start->to_string())
                                     : std::string(", start date not given");
      if (listing.in_force.end) line += fmt::format(" until {}", listing.in_force.end->to_string());
      out << line << '\n';
    }
    if (hit.listings.empty()) out << "   no listing\n";
    if (!hit.birth_dates.empty()) {
      std::string born;
      for (auto date : hit.birth_dates) born += fmt::format("{}{}", born.empty() ? "" : ", ", date);
      out << "   born " << born << '\n';
    }
    if (!hit.countries.empty()) {
      std::string countries;
      for (const CountryFact& fact : hit.countries)
        countries += fmt::format("{}{} {} ({})", countries.empty() ? "" : ", ", fact.key, fact.value, fact.code);
      out << "   countries: " << countries << '\n';
    }
  }
  return kExitOk;
}

}  // namespace

void screen_request(const Args& args, Date date, ScreenOptions& options, ScreenQuery& query) {
  options.limit = static_cast<std::size_t>(parse_count(args, "limit", 20, 1, 10000));
  options.min_score = parse_threshold(args, kDefaultScreenThreshold);
  options.listed_only = args.option("listed").has_value();
  options.as_of = date;
  auto list = [&](std::string_view name) {
    std::vector<std::string> out;
    if (const auto text = args.option(name)) {
      std::string_view rest = *text;
      while (true) {
        const auto comma = rest.find(',');
        std::string_view part = rest.substr(0, comma);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        if (!part.empty()) out.emplace_back(part);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      if (out.empty()) throw UsageError(fmt::format("--{} needs a value", name));
    }
    return out;
  };
  options.filter.authorities = list("authority");
  options.filter.lists = list("list");
  options.filter.programs = list("program");
  if (const auto schema = args.option("schema")) {
    const auto kind = parse_node_kind(*schema);
    if (!kind || *kind == NodeKind::Action || *kind == NodeKind::Authority)
      throw UsageError(fmt::format(
          "--schema '{}' is not a kind of party: Person, Company, Organization, LegalEntity, "
          "Vessel or Aircraft", *schema));
    query.evidence.kind = *kind;
  }
  if (const auto dob = args.option("dob")) query.evidence.birth_date = std::string(*dob);
  if (const auto country = args.option("country")) {
    query.evidence.countries = split_countries(*country);
    if (query.evidence.countries.empty()) throw UsageError("--country needs a value");
  }
  if (const auto gender = args.option("gender")) query.evidence.gender = std::string(*gender);
  if (const auto id = args.option("id")) query.id = std::string(*id);
  if (const auto error = evidence_error(query.evidence)) throw UsageError(*error);
}

std::string screen_why(const ScreenHit& hit) {
  std::string why;
  auto add = [&](const std::string& part) {
    if (!why.empty()) why += ", ";
    why += part;
  };
  for (const IdentifierMatch& match : hit.identifiers)
    add(fmt::format("{} {} = {} '{}' (certain)", to_string(match.identifier.type),
                    match.identifier.number, match.attribute, match.value));
  for (const TokenMatch& match : hit.matched)
    add(match.how == TokenMatchKind::Exact
            ? match.query_token
            : fmt::format("{}~{} ({})", match.query_token, match.name_token, to_string(match.how)));
  for (const auto& token : hit.unmatched_query_tokens) add(fmt::format("-{}", token));
  for (const auto& token : hit.ignored_query_tokens) add(fmt::format("{} (title, ignored)", token));
  if (hit.evidence.strict && hit.identifiers.empty())
    why += fmt::format("; {} name: strong match only", hit.evidence.weak ? "weak" : "one-word");
  for (const EvidenceNote& note : hit.secondary)
    add(note.effect == EvidenceEffect::None
            ? fmt::format("{}: {} (no change)", note.fact, note.text)
            : fmt::format("{} {:+.2f}: {}", note.fact, note.delta, note.text));
  return why;
}


namespace {

// ---------------------------------------------------------------------------------------------
// exposure and blocked

Rule parse_rule_arg(const Args& args) {
  const auto text = args.option("rule");
  if (!text) return Rule::Ofac;
  const auto rule = parse_rule(*text);
  if (!rule) throw UsageError(fmt::format("no rule '{}': use ofac, eu, uk or bis", *text));
  return *rule;
}

std::string_view verdict_text(Verdict verdict) {
  return verdict == Verdict::Yes ? "BLOCKED" : verdict == Verdict::Possibly ? "POSSIBLY" : "no";
}
Tone verdict_tone(Verdict verdict) {
  return verdict == Verdict::Yes        ? Tone::Red
         : verdict == Verdict::Possibly ? Tone::Yellow
                                        : Tone::Green;
}


/// One chain, a link per line: "A -OWNS 50%-> B  sdn.csv:12".
void print_chain(Context& context, const std::vector<ChainStep>& chain, std::string_view indent) {
  const Graph& graph = context.session.graph();
  for (const ChainStep& step : chain) {
    const std::string share = step.kind == EdgeKind::Owns ? " " + step.share.to_string() : "";
    std::string line = fmt::format("{} -{}{}-> {}", label(graph, step.owner), to_string(step.kind),
                                   share, label(graph, step.asset));
    if (step.edge != kNoEdge)
      line += "  [" + records_text(graph, graph.edge_provenance(step.edge)) + "]";
    print_wrapped(context.out, context.style(), line, indent, std::string(indent) + "    ");
  }
}

/// Reasons grouped by kind. Where several share their explanation (12 directors of one
/// company), it is printed once and each reason keeps only what is its own.
void print_reasons(Context& context, const std::vector<Reason>& reasons, Tone tone) {
  const Style& style = context.style();
  auto& out = context.out;
  std::vector<bool> done(reasons.size());
  for (std::size_t at = 0; at < reasons.size(); ++at) {
    if (done[at]) continue;
    std::vector<const Reason*> group;
    for (std::size_t other = at; other < reasons.size(); ++other)
      if (!done[other] && reasons[other].kind == reasons[at].kind) {
        group.push_back(&reasons[other]);
        done[other] = true;
      }
    // The explanation they share: the common end of their texts, from a ": " on.
    std::string_view shared;
    if (group.size() > 1) {
      std::string_view common = group.front()->text;
      for (const Reason* reason : group) {
        const std::string_view text = reason->text;
        std::size_t same = 0;
        while (same < common.size() && same < text.size() &&
               common[common.size() - 1 - same] == text[text.size() - 1 - same])
          ++same;
        common = common.substr(common.size() - same);
      }
      if (const auto colon = common.find(": "); colon != std::string_view::npos)
        shared = common.substr(colon + 2);
    }
    const std::string title =
        fmt::format("{}{}", to_string(group.front()->kind),
                    group.size() > 1 ? fmt::format(" ({})", group.size()) : "");
    if (!shared.empty()) {
      print_wrapped(out, style, fmt::format("{}: {}", title, shared), "", "    ", tone);
    } else {
      out << paint(style, tone, title) << '\n';
    }
    for (const Reason* reason : group) {
      std::string_view own = reason->text;
      if (!shared.empty()) own = own.substr(0, own.size() - shared.size() - 2);
      std::string line(own);
      // A single link goes on the same line; a chain gets a line per link.
      if (reason->chain.size() == 1 && reason->chain.front().edge != kNoEdge && !shared.empty())
        line += "  [" +
                records_text(context.session.graph(),
                             context.session.graph().edge_provenance(reason->chain.front().edge)) +
                "]";
      print_wrapped(out, style, line, "  - ", "    ");
      if (reason->chain.size() > 1 || (shared.empty() && !reason->chain.empty()))
        print_chain(context, reason->chain, "      ");
    }
  }
}


int run_exposure(Context& context, const Args& args) {
  require_graph(context.session);
  if (args.words.empty()) throw UsageError("usage: exposure ENTITY [--rule ofac|eu|uk|bis]");
  const Rule rule = parse_rule_arg(args);
  const NodeId node = resolve_entity(context.session, args.joined());
  const Graph& graph = context.session.graph();
  const BlockedSet& blocked = context.session.view(context.date).blocked(rule);
  const Exposure answer = exposure(graph, blocked, node);
  if (context.json) {
    JsonOut json(context.out);
    write_exposure_json(json, graph, answer);
    return kExitOk;
  }
  auto& out = context.out;
  const Style& style = context.style();
  const RuleInfo& info = rule_info(rule);
  out << paint(style, Tone::Bold, label(graph, node)) << '\n';
  out << fmt::format("  rule      {} ({}) as of {}\n", info.name, info.id,
                     context.date.to_string());
  out << "  listed    "
      << paint(style, answer.listed ? Tone::Red : Tone::Green, answer.listed ? "yes" : "no");
  if (!answer.listed) {
    // Designation under this rule is one thing; other measures (export controls, bans) are shown
    // so that "not blocked" is not read as "not restricted".
    const auto others = listings(graph, node, context.date).in_force.size();
    if (others != 0)
      out << fmt::format(
          " (not designated for this rule; {} other listing{} in force: listings {})", others,
          others == 1 ? "" : "s", external_id(graph, node));
  }
  out << '\n';
  out << "  blocked   " << paint(style, verdict_tone(answer.blocked), verdict_text(answer.blocked))
      << '\n';
  if (!answer.consequence.empty()) out << "  meaning   " << answer.consequence << '\n';
  std::string aggregate =
      answer.aggregate_percent
          ? fmt::format("{}%", *answer.aggregate_percent)
          : answer.aggregate_min == answer.aggregate_max
                ? std::string("unknown (no owner on record)")
                : fmt::format("unknown ({}% to {}%)", answer.aggregate_min, answer.aggregate_max);
  out << "  blocked ownership  " << aggregate << '\n';
  if (!answer.reasons.empty()) {
    out << paint(style, Tone::Bold, "reasons") << '\n';
    print_reasons(context, answer.reasons, Tone::Bold);
  }
  if (!answer.cautions.empty()) {
    out << paint(style, Tone::Bold, fmt::format("cautions ({})", answer.cautions.size())) << '\n';
    print_reasons(context, answer.cautions, Tone::Yellow);
  }
  out << paint(style, Tone::Dim, fmt::format("rule source: {}", info.citation)) << '\n';
  return kExitOk;
}

/// One row of `blocked`: the party's own links to blocked holders, read from the blocked set in
/// the time its in-edges take. The full chain back to the designated party is `exposure`'s
/// answer; in a list it would make each row as long as the chain (a ring of a million companies
/// owned one by the next: a million rows of up to a million links each).
struct BlockedRow {
  struct Holder {
    EdgeId edge;
    NodeId party;
    std::string_view state;  // "designated", "blocked", "possibly blocked"
  };
  std::vector<Holder> holders;
};

BlockedRow blocked_row(const Graph& graph, const BlockedSet& blocked, NodeId node, Date day) {
  BlockedRow row;
  for (EdgeId edge : graph.in_edges(node)) {
    const EdgeKind kind = graph.edge_kind(edge);
    if (kind != EdgeKind::Owns && kind != EdgeKind::Controls) continue;
    if (!graph.edge_valid(edge).contains(day)) continue;
    const NodeId holder = graph.source(edge);
    const Verdict verdict = blocked.verdict(holder);
    if (verdict == Verdict::No) continue;
    row.holders.push_back({edge, holder,
                           blocked.listed(holder)         ? "designated"
                           : verdict == Verdict::Yes ? "blocked"
                                                     : "possibly blocked"});
  }
  return row;
}

std::string aggregate_text(const BlockedSet& blocked, NodeId node) {
  const auto min = blocked.min_bp(node), max = blocked.max_bp(node);
  if (min == max) return fmt::format("{}%", min / 100.0);
  return fmt::format("{}-{}%", min / 100.0, max / 100.0);
}

int run_blocked(Context& context, const Args& args) {
  require_graph(context.session);
  if (!args.words.empty())
    throw UsageError("usage: blocked [--rule ofac|eu|uk|bis] [--limit N] [--offset N]");
  const Rule rule = parse_rule_arg(args);
  const Page page = parse_page(args);
  const Graph& graph = context.session.graph();
  const BlockedSet& blocked = context.session.view(context.date).blocked(rule);
  // Blocked by ownership or control: not designated themselves.
  std::vector<NodeId> parties;
  for (Verdict verdict : {Verdict::Yes, Verdict::Possibly})
    for (NodeId node : blocked.nodes(verdict))
      if (!blocked.listed(node) && graph.kind(node) != NodeKind::Action) parties.push_back(node);
  const std::size_t total = parties.size();
  const std::size_t begin = page.begin(total), end = page.end(total);
  const RuleInfo& info = rule_info(rule);
  // Each row is made, written and forgotten: memory follows the graph, not the answer.
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("rule").string(to_string(rule));
    json.key("rule_id").string(info.id);
    json.key("rule_citation").string(info.citation);
    json.key("as_of").string(context.date.to_string());
    json.key("rule_in_force").boolean(blocked.rule_in_force());
    const auto yes = blocked.nodes(Verdict::Yes);
    json.key("designated")
        .integer(static_cast<std::int64_t>(std::count_if(
            yes.begin(), yes.end(), [&](NodeId node) { return blocked.listed(node); })));
    json_page(json, page, total);
    json.key("blocked").begin_array();
    for (std::size_t at = begin; at < end; ++at) {
      check_interrupt();
      const NodeId node = parties[at];
      json.begin_object();
      json.key("entity");
      write_node_json(json, graph, node);
      json.key("verdict").string(to_string(blocked.verdict(node)));
      json.key("aggregate_min").number(blocked.min_bp(node) / 100.0);
      json.key("aggregate_max").number(blocked.max_bp(node) / 100.0);
      json.key("held_by").begin_array();  // the direct links; `exposure` gives whole chains
      for (const auto& holder : blocked_row(graph, blocked, node, context.date).holders) {
        json.begin_object();
        json.key("party");
        write_node_json(json, graph, holder.party);
        json.key("state").string(holder.state);
        json.key("kind").string(to_string(graph.edge_kind(holder.edge)));
        json.key("share").percent(graph.share(holder.edge));
        json.key("records");
        write_records_json(json, graph, graph.edge_provenance(holder.edge));
        json.end_object();
      }
      json.end_array();
      json.key("explain").string(fmt::format("exposure {} --rule {}", external_id(graph, node),
                                             to_string(rule)));
      json.end_object();
    }
    json.end_array();
    json.end_object();
    return kExitOk;
  }
  auto& out = context.out;
  const Style& style = context.style();
  out << fmt::format("{} ({}) as of {}{}: {} parties blocked by ownership or control\n", info.name,
                     info.id, context.date.to_string(),
                     blocked.rule_in_force() ? "" : " (rule not in force on this date)", total);
  print_page_line(out, page, total);
  if (begin == end) return kExitOk;
  Table table({{"verdict"},
               {"party", true, 16},
               {"blocked ownership"},
               {"held by (exposure ENTITY shows the chains)", true, 24}});
  table.stream_to(out, style);
  for (std::size_t at = begin; at < end; ++at) {
    check_interrupt();
    const NodeId node = parties[at];
    const Verdict verdict = blocked.verdict(node);
    std::string why;
    const auto row = blocked_row(graph, blocked, node, context.date);
    for (std::size_t item = 0; item < row.holders.size() && item < 3; ++item) {
      const auto& holder = row.holders[item];
      const Percent share = graph.share(holder.edge);
      why += fmt::format("{}{} {}{} ({})", item == 0 ? "" : "; ",
                         to_string(graph.edge_kind(holder.edge)),
                         share.known() ? share.to_string() + " " : std::string(),
                         label(graph, holder.party), holder.state);
    }
    if (row.holders.size() > 3) why += fmt::format(" (+{} more)", row.holders.size() - 3);
    table.add_row({{std::string(verdict_text(verdict)), verdict_tone(verdict)},
                   label(graph, node),
                   aggregate_text(blocked, node),
                   why});
  }
  table.flush();
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// reach, path, owners, subsidiaries

/// "AO Kaspersky Lab <-DIRECTOR_OF- TIKHONOV, Andrei Gennadyevich"
std::string path_text(const Graph& graph, const Path& path) {
  if (path.nodes.empty()) return {};
  std::string out(graph.name(path.nodes.front()));
  for (std::size_t step = 0; step < path.edges.size(); ++step) {
    const EdgeId edge = path.edges[step];
    const bool forward = graph.source(edge) == path.nodes[step];
    const Percent share = graph.share(edge);
    const std::string kind = fmt::format("{}{}", to_string(graph.edge_kind(edge)),
                                         share.known() ? " " + share.to_string() : "");
    out += forward ? fmt::format(" -{}-> ", kind) : fmt::format(" <-{}- ", kind);
    out += graph.name(path.nodes[step + 1]);
  }
  return out;
}


/// "OFAC SDN, BIS Entity List": who lists the party, from its listing actions.
std::string listed_by(const Graph& graph, const std::vector<NodeId>& actions) {
  std::vector<std::string> names;
  for (NodeId action : actions) {
    const Action* details = graph.action(action);
    if (details == nullptr) continue;
    // The authority and its list ("OFAC SDN", "BIS Entity List"); programs are in the JSON.
    std::string name(graph.string(details->authority));
    const std::string_view list = graph.string(details->list);
    if (!list.empty()) name += fmt::format(" {}", list);
    name += fmt::format(" [{}{}]", details->measure_set.to_string(), details->undated() ? ", date unknown" : "");
    if (std::find(names.begin(), names.end(), name) == names.end())
      names.push_back(std::move(name));
  }
  // "OFAC" says less than "OFAC SDN": keep the longer one.
  std::string out;
  for (const auto& name : names) {
    const bool said_better = std::any_of(names.begin(), names.end(), [&](const std::string& other) {
      return other.size() > name.size() && other.starts_with(name + " ");
    });
    if (!said_better) out += (out.empty() ? "" : "; ") + name;
  }
  return out;
}

int run_reach(Context& context, const Args& args) {
  require_graph(context.session);
  if (args.words.empty()) throw UsageError("usage: reach ENTITY [--hops N] [--authority NAME]");
  const int hops = parse_count(args, "hops", 3, 0, 10);
  const Page page = parse_page(args);
  const NodeId node = resolve_entity(context.session, args.joined());
  const Graph& graph = context.session.graph();
  ReachOptions options;
  options.max_hops = hops;
  if (const auto authority = args.option("authority")) options.authority = *authority;
  const auto hits = context.session.view(context.date).reach(node, options);
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("entity");
    write_node_json(json, graph, node);
    json.key("as_of").string(context.date.to_string());
    json.key("max_hops").integer(hops);
    json.key("authority").optional_string(options.authority);
    json_page(json, page, hits.size());
    json.key("hits").begin_array();
    for (std::size_t at = page.begin(hits.size()); at < page.end(hits.size()); ++at) {
      check_interrupt();
      const ReachHit& hit = hits[at];
      json.begin_object();
      json.key("party");
      write_node_json(json, graph, hit.party);
      json.key("hops").integer(static_cast<std::int64_t>(hit.path.hops()));
      json.key("actions").begin_array();
      for (NodeId action : hit.actions) {
        const Action* details = graph.action(action);
        json.begin_object();
        json.key("id").optional_string(external_id(graph, action));
        json.key("authority").optional_string(details ? graph.string(details->authority) : "");
        json.key("list").optional_string(details ? graph.string(details->list) : "");
        json.key("program").optional_string(details ? graph.string(details->program) : "");
        json.key("start").date(details ? details->in_force.start : std::nullopt);
        if (details != nullptr) write_measure_fields_json(json, *details, details->undated());
        json.end_object();
      }
      json.end_array();
      json.key("path");
      write_path_json(json, graph, hit.path);
      json.end_object();
    }
    json.end_array();
    json.end_object();
    return kExitOk;
  }
  auto& out = context.out;
  const Style& style = context.style();
  out << fmt::format("{}: {} listed part{} within {} hop{}{} as of {}\n", label(graph, node),
                     hits.size(), hits.size() == 1 ? "y" : "ies", hops, hops == 1 ? "" : "s",
                     options.authority.empty() ? "" : " (listings by " + options.authority + ")",
                     context.date.to_string());
  print_page_line(out, page, hits.size());
  if (page.begin(hits.size()) == page.end(hits.size())) return kExitOk;
  Table table({{"hops"},
               {"listed party", true, 16},
               {"listed by", true, 12, 0.8},
               {"path [the record of each link]", true, 24, 2.0}});
  table.stream_to(out, style);
  for (std::size_t at = page.begin(hits.size()); at < page.end(hits.size()); ++at) {
    check_interrupt();
    const ReachHit& hit = hits[at];
    std::string via = path_text(graph, hit.path), records;
    for (EdgeId edge : hit.path.edges)
      records += (records.empty() ? "" : ", ") + records_text(graph, graph.edge_provenance(edge));
    if (!records.empty()) via += "  [" + records + "]";
    table.add_row({std::to_string(hit.path.hops()),
                   {label(graph, hit.party), Tone::Red},
                   listed_by(graph, hit.actions),
                   hit.path.hops() == 0 ? "(itself)" : via});
  }
  table.flush();
  return kExitOk;
}

/// `path A B`: two words; a name with spaces is quoted.
int run_path(Context& context, const Args& args) {
  require_graph(context.session);
  if (args.words.size() != 2)
    throw UsageError(
        "usage: path A B (quote a name with spaces: path \"AO Kaspersky Lab\" ofac-sdn:45815)");
  const int hops = parse_count(args, "hops", 6, 1, 20);
  const NodeId a = resolve_entity(context.session, args.words[0]);
  const NodeId b = resolve_entity(context.session, args.words[1]);
  const Graph& graph = context.session.graph();
  PathOptions options;
  options.max_hops = hops;
  options.as_of = context.date;
  const auto found = path(graph, a, b, options);
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("from");
    write_node_json(json, graph, a);
    json.key("to");
    write_node_json(json, graph, b);
    json.key("as_of").string(context.date.to_string());
    json.key("max_hops").integer(hops);
    json.key("found").boolean(found.has_value());
    json.key("hops");
    if (found)
      json.integer(static_cast<std::int64_t>(found->hops()));
    else
      json.null();
    json.key("path");
    if (found)
      write_path_json(json, graph, *found);
    else
      json.null();
    json.end_object();
    return kExitOk;
  }
  auto& out = context.out;
  if (!found) {
    out << fmt::format("no path from {} to {} within {} hops as of {}\n", label(graph, a),
                       label(graph, b), hops, context.date.to_string());
    return kExitOk;
  }
  out << fmt::format("{} hop{}: {}\n", found->hops(), found->hops() == 1 ? "" : "s",
                     path_text(graph, *found));
  Table table(
      {{"step"}, {"from", true, 14}, {"link"}, {"to", true, 14}, {"role", true, 10}, {"record"}});
  for (std::size_t step = 0; step < found->edges.size(); ++step) {
    const EdgeId edge = found->edges[step];
    const Percent share = graph.share(edge);
    table.add_row({std::to_string(step + 1), label(graph, graph.source(edge)),
                   fmt::format("{}{}", to_string(graph.edge_kind(edge)),
                               share.known() ? " " + share.to_string() : ""),
                   label(graph, graph.target(edge)), graph.role(edge),
                   records_text(graph, graph.edge_provenance(edge))});
  }
  table.print(out, context.style());
  return kExitOk;
}

int run_chain(Context& context, const Args& args, bool up) {
  require_graph(context.session);
  if (args.words.empty())
    throw UsageError(fmt::format("usage: {} ENTITY [--depth D]", up ? "owners" : "subsidiaries"));
  const int depth = parse_count(args, "depth", 3, 1, 20);
  const Page page = parse_page(args);
  const NodeId node = resolve_entity(context.session, args.joined());
  const Graph& graph = context.session.graph();
  OwnershipOptions options;
  options.depth = depth;
  options.as_of = context.date;
  const auto steps = up ? owners(graph, node, options) : subsidiaries(graph, node, options);
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("entity");
    write_node_json(json, graph, node);
    json.key("as_of").string(context.date.to_string());
    json.key("depth").integer(depth);
    json_page(json, page, steps.size());
    json.key(up ? "owners" : "subsidiaries").begin_array();
    for (std::size_t at = page.begin(steps.size()); at < page.end(steps.size()); ++at) {
      check_interrupt();
      const OwnershipStep& step = steps[at];
      json.begin_object();
      json.key("party");
      write_node_json(json, graph, step.party);
      json.key("of");
      write_node_json(json, graph, step.of);
      json.key("depth").integer(step.depth);
      json.key("kind").string(to_string(graph.edge_kind(step.edge)));
      json.key("share").percent(step.share);
      json.key("through").percent(step.through);
      json.key("start").date(step.valid.start);
      json.key("end").date(last_day(step.valid.end));
      json.key("repeated").boolean(step.repeated);
      json.key("records");
      write_records_json(json, graph, graph.edge_provenance(step.edge));
      json.end_object();
    }
    json.end_array();
    json.end_object();
    return kExitOk;
  }
  auto& out = context.out;
  out << fmt::format("{} of {}, up to {} link{}, as of {}: {}\n", up ? "owners" : "subsidiaries",
                     label(graph, node), depth, depth == 1 ? "" : "s", context.date.to_string(),
                     steps.size());
  print_page_line(out, page, steps.size());
  if (page.begin(steps.size()) == page.end(steps.size())) return kExitOk;
  Table table({{up ? "owner" : "subsidiary", true, 20},
               {"share"},
               {"through chain"},
               {"link"},
               {"dates"},
               {"record"}});
  table.stream_to(out, context.style());
  for (std::size_t at = page.begin(steps.size()); at < page.end(steps.size()); ++at) {
    check_interrupt();
    const OwnershipStep& step = steps[at];
    // Indented by depth, so the table reads as a tree.
    std::string party = std::string(2 * (step.depth - 1), ' ') + label(graph, step.party);
    if (step.repeated) party += " (seen above)";
    table.add_row({party, step.share.to_string(), step.depth > 1 ? step.through.to_string() : "",
                   std::string(to_string(graph.edge_kind(step.edge))), range_text(step.valid),
                   records_text(graph, graph.edge_provenance(step.edge))});
  }
  table.flush();
  return kExitOk;
}

int run_owners(Context& context, const Args& args) { return run_chain(context, args, true); }
int run_subsidiaries(Context& context, const Args& args) { return run_chain(context, args, false); }

// ---------------------------------------------------------------------------------------------
// diff

int run_diff(Context& context, const Args& args) {
  if (args.words.size() != 2) throw UsageError("usage: diff OLD NEW (files, folders or snapshots)");
  const Graph before = context.session.read_graph(args.words[0]);
  const Graph after = context.session.read_graph(args.words[1]);
  const GraphDiff changes = diff(before, after);
  auto entity_name = [&](const EntityDiff& entity) {
    return std::string(entity.new_node != kNoNode ? after.name(entity.new_node)
                                                  : before.name(entity.old_node));
  };
  auto json_changes = [](JsonOut& json, const std::vector<FieldChange>& list) {
    json.key("changes").begin_array();
    for (const FieldChange& change : list) {
      json.begin_object();
      json.key("field").string(change.field);
      json.key("before").optional_string(change.before);
      json.key("after").optional_string(change.after);
      json.end_object();
    }
    json.end_array();
  };
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("old").string(args.words[0]);
    json.key("new").string(args.words[1]);
    json.key("empty").boolean(changes.empty());
    auto parties = [&](std::string_view key, const std::vector<EntityDiff>& list) {
      json.key(key).begin_array();
      for (const EntityDiff& entity : list) {
        json.begin_object();
        json.key("id").string(entity.id);
        json.key("name").string(entity_name(entity));
        json_changes(json, entity.changes);
        json.end_object();
      }
      json.end_array();
    };
    parties("parties_added", changes.added);
    parties("parties_removed", changes.removed);
    parties("parties_changed", changes.changed);
    auto listing_list = [&](std::string_view key, const std::vector<ListingDiff>& list) {
      json.key(key).begin_array();
      for (const ListingDiff& listing : list) {
        json.begin_object();
        json.key("party").string(listing.party);
        json.key("action").string(listing.action);
        json_changes(json, listing.changes);
        json.end_object();
      }
      json.end_array();
    };
    listing_list("listings_added", changes.listings_added);
    listing_list("listings_removed", changes.listings_removed);
    listing_list("listings_changed", changes.listings_changed);
    auto links = [&](std::string_view key, const std::vector<EdgeDiff>& list) {
      json.key(key).begin_array();
      for (const EdgeDiff& edge : list) {
        json.begin_object();
        json.key("kind").string(to_string(edge.kind));
        json.key("from").string(edge.from);
        json.key("to").string(edge.to);
        json.key("id").optional_string(edge.id);
        json_changes(json, edge.changes);
        json.end_object();
      }
      json.end_array();
    };
    links("links_added", changes.edges_added);
    links("links_removed", changes.edges_removed);
    links("links_changed", changes.edges_changed);
    json.end_object();
    return kExitOk;
  }
  auto& out = context.out;
  const Style& style = context.style();
  out << fmt::format("{} -> {}: parties +{} -{} ~{}, listings +{} -{} ~{}, links +{} -{} ~{}\n",
                     args.words[0], args.words[1], changes.added.size(), changes.removed.size(),
                     changes.changed.size(), changes.listings_added.size(),
                     changes.listings_removed.size(), changes.listings_changed.size(),
                     changes.edges_added.size(), changes.edges_removed.size(),
                     changes.edges_changed.size());
  if (changes.empty()) {
    out << "no differences\n";
    return kExitOk;
  }
  auto change_text = [](const std::vector<FieldChange>& list) {
    std::string text;
    for (const FieldChange& change : list)
      text += fmt::format("{}{}: {} -> {}", text.empty() ? "" : "; ", change.field,
                          change.before.empty() ? "(none)" : change.before,
                          change.after.empty() ? "(none)" : change.after);
    return text;
  };
  Table parties({{"party"}, {"id", true, 12}, {"name", true, 16}, {"changes", true, 20, 2.0}});
  for (const auto& entity : changes.added)
    parties.add_row({{"added", Tone::Green}, entity.id, entity_name(entity), ""});
  for (const auto& entity : changes.removed)
    parties.add_row({{"removed", Tone::Red}, entity.id, entity_name(entity), ""});
  for (const auto& entity : changes.changed)
    parties.add_row(
        {{"changed", Tone::Yellow}, entity.id, entity_name(entity), change_text(entity.changes)});
  if (!parties.empty()) parties.print(out, style);
  Table listing_table(
      {{"listing"}, {"party", true, 12}, {"action", true, 12}, {"changes", true, 20, 2.0}});
  for (const auto& listing : changes.listings_added)
    listing_table.add_row({{"added", Tone::Red}, listing.party, listing.action, ""});
  for (const auto& listing : changes.listings_removed)
    listing_table.add_row({{"removed", Tone::Green}, listing.party, listing.action, ""});
  for (const auto& listing : changes.listings_changed)
    listing_table.add_row(
        {{"changed", Tone::Yellow}, listing.party, listing.action, change_text(listing.changes)});
  if (!listing_table.empty()) listing_table.print(out, style);
  Table link_table(
      {{"link"}, {"kind"}, {"from", true, 12}, {"to", true, 12}, {"changes", true, 20, 2.0}});
  for (const auto& edge : changes.edges_added)
    link_table.add_row(
        {{"added", Tone::Green}, std::string(to_string(edge.kind)), edge.from, edge.to, ""});
  for (const auto& edge : changes.edges_removed)
    link_table.add_row(
        {{"removed", Tone::Red}, std::string(to_string(edge.kind)), edge.from, edge.to, ""});
  for (const auto& edge : changes.edges_changed)
    link_table.add_row({{"changed", Tone::Yellow},
                        std::string(to_string(edge.kind)),
                        edge.from,
                        edge.to,
                        change_text(edge.changes)});
  if (!link_table.empty()) link_table.print(out, style);
  return kExitOk;
}

int run_quit(Context& context, const Args&) {
  context.session.quit_requested = true;
  return kExitOk;
}

// The one command table: dispatch, `help` and tab completion all read it.
constexpr Command kCommands[] = {
    {"help", "[COMMAND]", "This list, or one command's usage", "", Completes::Command, run_help},
    {"stats", "", "Counts of nodes and edges by kind, memory, what was loaded", "",
     Completes::Nothing, run_stats},
    {"show", "ENTITY", "Names, ids, attributes, records, listings and links of one party", "",
     Completes::Entity, run_show},
    {"listings", "ENTITY", "Restrictions in force on the session date, and which start later", "",
     Completes::Entity, run_listings},
    {"screen",
     "NAME [--id VALUE] [--dob YYYY[-MM[-DD]]] [--country C] [--gender G] [--schema KIND] "
     "[--authority A] [--list L] [--program P] [--listed] [--limit N] [--offset N] [--threshold P]",
     "Parties whose names or identifiers match (score: probability of the same party), with "
     "listings, evidence and why",
     "limit offset threshold id dob country gender schema authority list program", Completes::Nothing,
     run_screen},
    {"screen-file",
     "FILE [--out FILE] [--schema KIND] [--authority A] [--list L] [--program P] [--listed] "
     "[--limit N] [--threshold P]",
     "Screen every row of a CSV (name, dob, country, schema, id, ref) or FtM JSON lines file",
     "out limit threshold schema authority list program", Completes::Path, run_screen_file},
    {"reach", "ENTITY [--hops N] [--authority NAME] [--limit N] [--offset N]",
     "Listed parties within N hops (default 3), each with a shortest path",
     "hops authority limit offset",
     Completes::Entity, run_reach},
    {"exposure", "ENTITY [--rule ofac|eu|uk|bis]",
     "Listed? Blocked by ownership under a rule? With the chains and records", "rule",
     Completes::Entity, run_exposure},
    {"blocked", "[--rule ofac|eu|uk|bis] [--limit N] [--offset N]",
     "Every party blocked by ownership, with reasons (rows stream as they are made)",
     "rule limit offset", Completes::Nothing, run_blocked},
    {"owners", "ENTITY [--depth D] [--limit N] [--offset N]",
     "Who owns ENTITY, up the chains (UBO), with shares", "depth limit offset",
     Completes::Entity, run_owners},
    {"subsidiaries", "ENTITY [--depth D] [--limit N] [--offset N]",
     "What ENTITY owns, down the chains, with shares", "depth limit offset", Completes::Entity, run_subsidiaries},
    {"path", "A B [--hops N]",
     "A shortest chain of links between two parties (quote names with spaces)", "hops",
     Completes::Entity, run_path},
    {"diff", "OLD NEW", "What changed between two versions of a list (files or snapshots)", "",
     Completes::Path, run_diff},
    {"load", "[--on-bad-record skip|fail] PATH|FORMAT:PATH ...",
     "Load files or folders into the graph (all or nothing; skip: leave bad records out and list them)",
     "on-bad-record",
     Completes::Path, run_load},
    {"save", "FILE", "Save the graph as a snapshot (open it with --snapshot FILE)", "",
     Completes::Path, run_save},
    {"verify", "FILE", "Check a snapshot from elsewhere in full, without opening it as the graph", "",
     Completes::Path, run_verify},
    {"as-of", "[YYYY-MM-DD]", "Ask every question as of a date; alone: back to today", "",
     Completes::Nothing, run_as_of},
    {"quit", "", "Leave the shell (also: exit, Ctrl-D)", "", Completes::Nothing, run_quit},
};

/// Flags (no value) each command accepts besides --json.
std::string_view flags_of(std::string_view command) {
  return command == "screen" || command == "screen-file" ? "listed" : "";
}

bool in_list(std::string_view list, std::string_view word) {
  while (!list.empty()) {
    const auto space = list.find(' ');
    if (list.substr(0, space) == word) return true;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return false;
}

int run_help(Context& context, const Args& args) {
  if (args.words.size() > 1) throw UsageError("usage: help [COMMAND]");
  const Style& style = context.style();
  if (!args.words.empty()) {
    const Command* command = find_command(args.words[0]);
    if (command == nullptr)
      throw UsageError(fmt::format("no command '{}' (type 'help' for the list)", args.words[0]));
    if (context.json) {
      JsonOut json(context.out);
      json.begin_object();
      json.key("name").string(command->name);
      json.key("usage").string(command->usage);
      json.key("summary").string(command->summary);
      json.end_object();
    } else {
      context.out << paint(style, Tone::Bold, command->name) << ' ' << command->usage << '\n'
                  << "  " << command->summary << '\n';
      if (command->completes == Completes::Entity)
        context.out << "  ENTITY: an id (ofac-sdn:45815, an FtM id) or a name that resolves to "
                       "one party\n";
      context.out << "  every command also takes --as-of YYYY-MM-DD and --json\n";
    }
    return kExitOk;
  }
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("commands").begin_array();
    for (const Command& command : kCommands) {
      json.begin_object();
      json.key("name").string(command.name);
      json.key("usage").string(command.usage);
      json.key("summary").string(command.summary);
      json.end_object();
    }
    json.end_array();
    json.end_object();
    return kExitOk;
  }
  Table table({{"command"}, {"arguments", true, 12}, {"what it answers", true, 20}}, "  ");
  for (const Command& command : kCommands)
    table.add_row({{std::string(command.name), Tone::Bold}, command.usage, command.summary});
  table.print(context.out, style);
  context.out
      << "ENTITY is an id (ofac-sdn:45815, an FtM id) or a name that resolves to one party.\n"
         "Every command also takes --as-of YYYY-MM-DD and --json.\n";
  return kExitOk;
}

Args parse_args(const Command& command, std::span<const std::string> words) {
  Args args;
  bool options_done = false;
  for (std::size_t at = 0; at < words.size(); ++at) {
    const std::string& word = words[at];
    if (options_done || word.size() < 3 || !word.starts_with("--")) {
      if (word == "--") {
        options_done = true;
        continue;
      }
      args.words.push_back(word);
      continue;
    }
    std::string name = word.substr(2), value;
    bool has_value = false;
    if (const auto equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
      has_value = true;
    }
    if (name == "json" || in_list(flags_of(command.name), name)) {
      if (has_value) throw UsageError(fmt::format("--{} takes no value", name));
      args.options[name] = "";
    } else if (name == "as-of" || in_list(command.options, name)) {
      if (!has_value) {
        if (at + 1 >= words.size())
          throw UsageError(
              fmt::format("--{} needs a value (usage: {} {})", name, command.name, command.usage));
        value = words[++at];
      }
      args.options[name] = value;
    } else {
      throw UsageError(fmt::format("'{}' takes no option --{} (usage: {} {})", command.name, name,
                                   command.name, command.usage));
    }
  }
  return args;
}

/// One line for the user: errors never span lines, and the data they quote never drives the
/// terminal.
std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return printable(out);
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

std::string Args::joined() const {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

std::optional<std::string_view> Args::option(std::string_view name) const {
  const auto found = options.find(name);
  if (found == options.end()) return std::nullopt;
  return std::string_view(found->second);
}

std::span<const Command> commands() { return kCommands; }

const Command* find_command(std::string_view name) {
  if (name == "exit") name = "quit";
  for (const Command& command : kCommands)
    if (command.name == name) return &command;
  return nullptr;
}

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t at = 0; at < line.size(); ++at) {
    const char c = line[at];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && at + 1 < line.size()) {
        word += line[++at];
      } else {
        word += c;
      }
    } else if ((c == '\'' || c == '"') && !in_word) {
      // A quote opens only at the start of a word: inside one it is a letter, as in O'Brien
      // and AL QA'IDA.
      quote = c;
      in_word = true;
    } else if (c == '\\' && at + 1 < line.size()) {
      word += line[++at];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0)
    throw UsageError(fmt::format(
        "unterminated {} quote: a quote at the start of a word runs to the next one; a quote "
        "inside a word (O'Brien) is a letter, and \\{} is a quote anywhere",
        quote == '"' ? "double" : "single", quote));
  if (in_word) words.push_back(std::move(word));
  return words;
}

NodeId resolve_entity(Session& session, std::string_view text) {
  // The façade resolves (View::resolve); for the shell, a name it cannot pin down is a mistake in
  // what the user typed (exit code 1), printed as text (list data may hold control characters).
  try {
    return session.view(session.date()).resolve(text);
  } catch (const ResolveError& error) {
    throw UsageError(printable(error.what()));
  }
}

int execute(Session& session, std::string_view line, std::ostream& out, std::ostream& err) {
  // The one place errors are caught: a message on one line, an exit code, and the session goes on.
  try {
    const std::vector<std::string> words = split_words(line);
    if (words.empty() || words.front().starts_with('#')) return kExitOk;
    const Command* command = find_command(words.front());
    if (command == nullptr)
      throw UsageError(
          fmt::format("unknown command '{}' (type 'help' for the list)", words.front()));
    const Args args = parse_args(*command, std::span(words).subspan(1));
    Context context{session, out, err, false, Date{}, false};
    context.json = session.options.json || args.option("json").has_value();
    context.dated = session.options.as_of.has_value();
    context.date = session.date();
    if (const auto as_of = args.option("as-of")) {
      context.date = parse_date_arg(*as_of);
      context.dated = true;
    }
    // The first megabyte is held, so that a command that fails early prints nothing but its
    // error; a longer answer streams (CommandOutput), and Ctrl-C stops it (interrupt.h).
    CommandOutput sink(out, !context.json, session.options.style.color);
    std::ostream stream(&sink);
    Context streamed{session, stream, err, context.json, context.date, context.dated};
    InterruptScope interruptible;
    int code = kExitOk;
    try {
      code = command->run(streamed, args);
    } catch (...) {
      stream.flush();
      sink.discard();
      throw;
    }
    stream.flush();
    sink.finish();
    return code;
  } catch (const UsageError& error) {
    err << "error: " << one_line(error.what()) << '\n';
    return kExitUsage;
  } catch (const LoadCancelled&) {
    err << fmt::format("load cancelled: the graph is as it was ({} nodes, {} edges)\n",
                       session.graph().node_count(), session.graph().edge_count());
    return kExitInterrupted;
  } catch (const Interrupted&) {
    err << "interrupted\n";
    return kExitInterrupted;
  } catch (const LoadError& error) {
    err << "error: " << one_line(error.what()) << '\n';
    return kExitInput;
  } catch (const Error& error) {
    err << "error: " << one_line(error.what()) << '\n';
    return kExitInput;
  } catch (const std::bad_alloc&) {
    err << "error: out of memory\n";
    return kExitInput;
  } catch (const std::exception& error) {
    err << "error: " << one_line(error.what()) << '\n';
    return kExitInput;
  }
}

Completion complete(const Session& session, std::string_view line) {
  Completion completion;
  // The command name: the first word, while no space follows it.
  const auto first_end = line.find(' ');
  const std::size_t lead = line.find_first_not_of(' ');
  if (lead == std::string_view::npos || first_end == std::string_view::npos || first_end < lead) {
    completion.from = lead == std::string_view::npos ? line.size() : lead;
    const std::string_view typed = line.substr(completion.from);
    for (const Command& command : kCommands)
      if (command.name.starts_with(typed)) completion.candidates.emplace_back(command.name);
    return completion;
  }
  const Command* command = find_command(line.substr(lead, first_end - lead));
  if (command == nullptr) return completion;
  // The word being typed: from the last space (an option or a path), or for an entity the whole
  // rest of the line, so that "show AO Kas<Tab>" completes a name with spaces.
  const std::size_t last_space = line.rfind(' ');
  const std::string_view word = line.substr(last_space + 1);
  completion.from = last_space + 1;
  const std::string_view before = line.substr(0, last_space);
  if (before.ends_with(" --rule")) {
    for (std::string_view rule : {"ofac", "eu", "uk", "bis"})
      if (rule.starts_with(word)) completion.candidates.emplace_back(rule);
    return completion;
  }
  if (word.starts_with("--")) {
    std::vector<std::string> names = {"--json", "--as-of"};
    std::string_view list = command->options;
    while (!list.empty()) {
      const auto space = list.find(' ');
      names.push_back(fmt::format("--{}", list.substr(0, space)));
      if (space == std::string_view::npos) break;
      list.remove_prefix(space + 1);
    }
    for (const auto& name : names)
      if (name.starts_with(word)) completion.candidates.push_back(name);
    return completion;
  }
  switch (command->completes) {
    case Completes::Command:
      for (const Command& other : kCommands)
        if (other.name.starts_with(word)) completion.candidates.emplace_back(other.name);
      return completion;
    case Completes::Path: {
      namespace fs = std::filesystem;
      const std::string typed(word);
      const auto slash = typed.rfind('/');
      const std::string dir = slash == std::string::npos ? "." : typed.substr(0, slash + 1);
      const std::string stem = slash == std::string::npos ? typed : typed.substr(slash + 1);
      std::error_code error;
      for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (!name.starts_with(stem) || (stem.empty() && name.starts_with('.'))) continue;
        std::string candidate = (slash == std::string::npos ? "" : dir) + name;
        if (it->is_directory(error)) candidate += '/';
        completion.candidates.push_back(std::move(candidate));
      }
      std::sort(completion.candidates.begin(), completion.candidates.end());
      return completion;
    }
    case Completes::Entity: {
      // After the command name, skipping options already typed.
      std::size_t from = first_end + 1;
      while (from < line.size() && line[from] == ' ') ++from;
      if (line.substr(from).find("--") != std::string_view::npos || command->name == "path") {
        from = last_space + 1;  // `path A B`: one word at a time
      }
      completion.from = from;
      const std::string typed = lower_ascii(line.substr(from));
      const auto& words = session.completion_words();
      auto it = std::lower_bound(
          words.begin(), words.end(), typed,
          [](const auto& entry, const std::string& key) { return entry.first < key; });
      for (; it != words.end() && it->first.starts_with(typed); ++it) {
        completion.candidates.emplace_back(it->second);
        if (completion.candidates.size() >= 200) break;  // a list nobody reads stops here
      }
      std::sort(completion.candidates.begin(), completion.candidates.end());
      completion.candidates.erase(
          std::unique(completion.candidates.begin(), completion.candidates.end()),
          completion.candidates.end());
      return completion;
    }
    case Completes::Nothing:
      return completion;
  }
  return completion;
}

}  // namespace skg::shell
