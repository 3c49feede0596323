// tools/skg/cmd_diff.cpp: diff OLD NEW: what changed between two versions of the lists.
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

int run_diff(Context& context, const Args& args) {
  if (args.words.size() != 2) throw UsageError("usage: diff OLD NEW (files, folders or snapshots)");
  const Graph before = context.session.read_graph(args.words[0]);
  const Graph after = context.session.read_graph(args.words[1]);
  const GraphDiff changes = diff(before, after);
  auto entity_name = [&](const EntityDiff& entity) {
    return std::string(entity.new_node != kNoNode ? after.name(entity.new_node)
                                                  : before.name(entity.old_node));
  };
  if (context.json) {
    JsonOut json(context.out);
    write_diff_json(json, before, after, changes, args.words[0], args.words[1]);
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

}  // namespace skg::shell
