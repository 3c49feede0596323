// tools/skg/cmd_links.cpp: reach, path, owners, subsidiaries: how parties connect.
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
  if (wants_picture(args)) {
    const auto blocked = context.session.view(context.date).blocked(picture_rule(args));  // held while drawn
    return emit_picture(context, args,
                        picture_of_ownership(graph, node, steps,
                                             picture_options(context, blocked.get(),
                                                             fmt::format("{} of {}, up to {} link{}",
                                                                         up ? "owners" : "subsidiaries",
                                                                         label(graph, node), depth,
                                                                         depth == 1 ? "" : "s"))));
  }
  if (context.json) {
    JsonOut json(context.out);
    (up ? write_owners_json : write_subsidiaries_json)(json, graph, node, context.date, depth, steps,
                                                       page, check_interrupt);
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

}  // namespace

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
  if (wants_picture(args)) {
    const auto blocked = context.session.view(context.date).blocked(picture_rule(args));  // held while drawn
    return emit_picture(context, args,
                        picture_of_reach(graph, node, hits,
                                         picture_options(context, blocked.get(),
                                                         fmt::format("listed parties within {} hop{} of {}",
                                                                     hops, hops == 1 ? "" : "s",
                                                                     label(graph, node)))));
  }
  if (context.json) {
    JsonOut json(context.out);
    write_reach_json(json, graph, node, context.date, options, hits, page, check_interrupt);
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
  if (wants_picture(args)) {
    if (!found)
      throw UsageError(fmt::format("no path from {} to {} within {} hops as of {}: nothing to draw",
                                   label(graph, a), label(graph, b), hops, context.date.to_string()));
    const auto blocked = context.session.view(context.date).blocked(picture_rule(args));  // held while drawn
    return emit_picture(context, args,
                        picture_of_path(graph, *found,
                                        picture_options(context, blocked.get(),
                                                        fmt::format("path from {} to {}", label(graph, a),
                                                                    label(graph, b)))));
  }
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

int run_owners(Context& context, const Args& args) { return run_chain(context, args, true); }

int run_subsidiaries(Context& context, const Args& args) { return run_chain(context, args, false); }

}  // namespace skg::shell
