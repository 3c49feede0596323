// tools/skg/cmd_exposure.cpp: exposure and blocked under the ownership rules, with the chains.
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

Rule parse_rule_arg(const Args& args) {
  const auto text = args.option("rule");
  if (!text) return Rule::Ofac;
  const auto rule = parse_rule(*text);
  if (!rule) throw UsageError(fmt::format("no rule '{}': use ofac, eu, uk or bis", *text));
  return *rule;
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

}  // namespace

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

}  // namespace skg::shell
