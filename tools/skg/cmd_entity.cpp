// tools/skg/cmd_entity.cpp: commands about one party or action: show, listings.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "command_parts.h"
#include "interrupt.h"
#include "screen_file.h"
#include "skg/graph/snapshot.h"
#include "skg/queries/as_of.h"
#include "skg/queries/diff.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"
#include "skg/queries/screen.h"

namespace skg::shell {

namespace {

int show_action(Context& context, NodeId node) {
  const Graph& graph = context.session.graph();
  const Action& action = *graph.action(node);
  const bool in_force = action.in_force.contains(context.date);
  if (context.json) {
    JsonOut json(context.out);
    begin_entity_json(json, graph, node, context.date);
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

}  // namespace

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

  // Each name with the record(s) that state it (RULES.md §9.4), when the party has several.
  const auto all_names = graph.names(node);
  const bool one_source = graph.provenance(node).size() <= 1;
  Table names({{"name", true, 16}, {"type"}, {"strength"}, {"record"}});  // an empty column is left out
  for (std::size_t which = 0; which < all_names.size(); ++which) {
    const Name& name = all_names[which];
    std::string from;
    if (!one_source) {
      for (ProvId prov : graph.name_provenance(node, which))
        from += fmt::format("{}[{}]", from.empty() ? "" : " ", records.number(graph, prov));
      if (from.empty()) from = "unknown";
    }
    names.add_row({graph.string(name.text), to_string(name.type), to_string(name.strength), from});
  }
  names.print(out, style);

  // Each id with the record(s) that state it (RULES.md §9.4), when the party has several records.
  if (!one_source) {
    const auto all_ids = graph.external_ids(node);
    Table ids({{"id", true, 16}, {"record"}});
    for (std::size_t which = 0; which < all_ids.size(); ++which) {
      std::string from;
      for (ProvId prov : graph.external_id_provenance(node, which))
        from += fmt::format("{}[{}]", from.empty() ? "" : " ", records.number(graph, prov));
      ids.add_row({graph.string(all_ids[which]), from.empty() ? "unknown" : from});
    }
    ids.print(out, style);
  }

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

}  // namespace skg::shell
