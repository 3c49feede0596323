// tools/skg/cmd_whatif.cpp: whatif designate|delist ENTITY...: which verdicts a list change
// would change, under each rule, with the chains (queries/whatif.h).
#include <fmt/format.h>

#include <chrono>

#include "command_parts.h"
#include "skg/graph/error.h"
#include "skg/json.h"
#include "skg/queries/whatif.h"

namespace skg::shell {

namespace {

/// The parties named on the line: each word (quote names with spaces) by id or exact name; when
/// the words are not parties one by one, the whole line as one name ("Eugene Kaspersky").
std::vector<NodeId> parties(const Graph& graph, const std::vector<std::string>& words) {
  std::vector<NodeId> out;
  for (const std::string& word : words) {
    try {
      out.push_back(find_party(graph, word));
    } catch (const Error& error) {
      if (words.size() == 1) throw;
      std::string joined;
      for (const std::string& part : words) joined += (joined.empty() ? "" : " ") + part;
      try {
        return {find_party(graph, joined)};
      } catch (const Error&) {
        throw error;  // name the word that is no party
      }
    }
  }
  return out;
}

void print_change(Context& context, const Graph& graph, const VerdictChange& change) {
  auto& out = context.out;
  const Style& style = context.style();
  out << "  " << paint(style, Tone::Bold, label(graph, change.party)) << '\n';
  if (change.listed_before != change.listed_after)
    out << fmt::format("    designated  {} -> {}\n", change.listed_before ? "yes" : "no",
                       change.listed_after ? "yes" : "no");
  out << "    verdict     " << paint(style, verdict_tone(change.before), verdict_text(change.before)) << " -> "
      << paint(style, verdict_tone(change.after), verdict_text(change.after)) << '\n';
  // The chain that decides it now; for a party no longer blocked, the one that held it before.
  const bool cleared = change.after == Verdict::No && change.before != Verdict::No;
  const Exposure& why = cleared ? change.was : change.now;
  if (why.reasons.empty()) return;
  out << paint(style, Tone::Dim, cleared ? "    before, it was blocked by:" : "    because:") << '\n';
  print_reasons(context, why.reasons, cleared ? Tone::Dim : Tone::Bold);
}

}  // namespace

int run_whatif(Context& context, const Args& args) {
  require_graph(context.session);
  constexpr std::string_view kUsage =
      "usage: whatif designate|delist ENTITY [ENTITY...] [--rule ofac|eu|uk|bis] (quote names with spaces)";
  if (args.words.size() < 2) throw UsageError(std::string(kUsage));
  const std::string& verb = args.words[0];
  if (verb != "designate" && verb != "delist")
    throw UsageError(fmt::format("whatif: '{}' is not designate or delist; {}", verb, kUsage));
  const Graph& graph = context.session.graph();
  const std::vector<std::string> words(args.words.begin() + 1, args.words.end());
  std::vector<NodeId> named;
  try {
    named = parties(graph, words);
  } catch (const Error& error) {
    throw UsageError(error.what());
  }
  std::vector<Rule> rules;
  if (const auto text = args.option("rule")) {
    const auto rule = parse_rule(*text);
    if (!rule) throw UsageError(fmt::format("no rule '{}': use ofac, eu, uk or bis", *text));
    rules.push_back(*rule);
  } else {
    for (int at = 0; at < kRuleCount; ++at) rules.push_back(static_cast<Rule>(at));
  }
  const View view = context.session.view(context.date);
  std::vector<WhatIfResult> results;
  std::vector<double> millis;
  for (const Rule rule : rules) {
    WhatIfChanges changes;
    (verb == "designate" ? changes.designate : changes.delist) = named;
    const auto baseline = view.blocked(rule);  // cached: not part of the what-if's time
    const auto start = std::chrono::steady_clock::now();
    results.push_back(what_if(graph, *baseline, std::move(changes)));
    millis.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("as_of").date(context.date);
    json.key("results").begin_array();
    for (const WhatIfResult& result : results) write_whatif_json(json, graph, result);
    json.end_array();
    json.end_object();
    return kExitOk;
  }
  auto& out = context.out;
  const Style& style = context.style();
  std::string who;
  for (NodeId node : named) who += (who.empty() ? "" : "; ") + label(graph, node);
  out << fmt::format("what if {} {} as of {}\n", verb == "designate" ? "designated:" : "delisted:", who,
                     context.date.to_string());
  for (std::size_t at = 0; at < results.size(); ++at) {
    const WhatIfResult& result = results[at];
    const RuleInfo& info = rule_info(result.rule);
    const WhatIfTotals totals = result.totals();
    out << paint(style, Tone::Bold, fmt::format("{} ({})", info.name, info.id))
        << fmt::format(": {} part{} change: {} designated, {} delisted, {} newly blocked, {} newly possibly "
                       "blocked, {} no longer blocked\n",
                       result.changed.size(), result.changed.size() == 1 ? "y" : "ies", totals.designated,
                       totals.delisted, totals.blocked, totals.possibly, totals.cleared);
    out << paint(style, Tone::Dim,
                 fmt::format("  ({} part{} recomputed{}, {:.3f} ms; {})", result.recomputed,
                             result.recomputed == 1 ? "y" : "ies",
                             result.full_recompute ? ", in full: a UK group merge left the region" : "",
                             millis[at], info.citation))
        << '\n';
    for (const VerdictChange& change : result.changed) print_change(context, graph, change);
  }
  return kExitOk;
}

}  // namespace skg::shell
