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
  const auto blocked_ptr = context.session.view(context.date).blocked(rule);  // held while used
  const BlockedSet& blocked = *blocked_ptr;
  const Exposure answer = exposure(graph, blocked, node);
  if (wants_picture(args)) {
    const RuleInfo& info = rule_info(rule);
    return emit_picture(context, args,
                        picture_of_exposure(graph, answer,
                                            picture_options(context, &blocked,
                                                            fmt::format("exposure of {} under the {}: blocked {}",
                                                                        label(graph, node), info.name,
                                                                        verdict_text(answer.blocked)))));
  }
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
  const auto blocked_ptr = context.session.view(context.date).blocked(rule);  // held while used
  const BlockedSet& blocked = *blocked_ptr;
  // Blocked by ownership or control: not designated themselves.
  const std::vector<NodeId> parties = blocked_parties(graph, blocked);
  const std::size_t total = parties.size();
  const std::size_t begin = page.begin(total), end = page.end(total);
  const RuleInfo& info = rule_info(rule);
  // Each row is made, written and forgotten: memory follows the graph, not the answer.
  if (context.json) {
    JsonOut json(context.out);
    write_blocked_json(json, graph, blocked, context.date, parties, page, check_interrupt);
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
    const auto holders = blocked_holders(graph, blocked, node, context.date);
    for (std::size_t item = 0; item < holders.size() && item < 3; ++item) {
      const auto& holder = holders[item];
      const Percent share = graph.share(holder.edge);
      why += fmt::format("{}{} {}{} ({})", item == 0 ? "" : "; ",
                         to_string(graph.edge_kind(holder.edge)),
                         share.known() ? share.to_string() + " " : std::string(),
                         label(graph, holder.party), holder.state);
    }
    if (holders.size() > 3) why += fmt::format(" (+{} more)", holders.size() - 3);
    table.add_row({{std::string(verdict_text(verdict)), verdict_tone(verdict)},
                   label(graph, node),
                   aggregate_text(blocked, node),
                   why});
  }
  table.flush();
  return kExitOk;
}

}  // namespace skg::shell
