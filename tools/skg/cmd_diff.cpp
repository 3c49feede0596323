// tools/skg/cmd_diff.cpp: diff OLD NEW: what changed between two versions of the lists.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "command_parts.h"
#include "interrupt.h"
#include "screen_file.h"
#include "skg/graph/snapshot.h"
#include "skg/loaders/ftm_json.h"
#include "skg/queries/as_of.h"
#include "skg/queries/diff.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"
#include "skg/queries/screen.h"

namespace skg::shell {

namespace {

/// The data files of a spec: the file, or a folder's files (recursively, in path order).
std::vector<std::string> data_files(const std::string& spec) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(spec, error)) return {spec};
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(spec, error), end; !error && it != end; it.increment(error))
    if (it->is_regular_file(error)) files.push_back(it->path().string());
  std::sort(files.begin(), files.end());
  return files;
}

/// When every file of NEW is an FtM delta (its first record an op): the ops, id -> the last op.
std::map<std::string, std::string> delta_ops(const std::string& spec) {
  std::map<std::string, std::string> ops;
  std::error_code error;
  if (!std::filesystem::exists(spec, error)) return {};
  const auto files = data_files(spec);
  for (const std::string& file : files) {
    if (!file.ends_with(".json") && !file.ends_with(".jsonl")) return {};
    const auto file_ops = ftm_delta_ops(file);
    if (file_ops.empty()) return {};
    for (const FtmDeltaOp& op : file_ops) ops[op.id] = op.op;
  }
  return ops;
}

}  // namespace

int run_diff(Context& context, const Args& args) {
  if (args.words.size() != 2)
    throw UsageError("usage: diff OLD NEW [--mass-share S] [--mass-min N] [--keep-mass] (files, "
                     "folders or snapshots; NEW may be FtM delta files, applied to OLD)");
  DiffOptions options;
  if (const auto share = args.option("mass-share")) {
    char* end = nullptr;
    const std::string text(*share);
    options.mass_share = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(options.mass_share > 0))
      throw UsageError(fmt::format("--mass-share '{}': a share above 0 (0.5: half; 2: never flag)", text));
  }
  options.mass_min = static_cast<std::size_t>(parse_count(args, "mass-min", 50, 1, 100000000));
  options.keep_mass_rows = args.option("keep-mass").has_value();
  // FtM delta files say what they do: NEW is OLD with them applied, each party tagged with its op.
  options.delta = delta_ops(args.words[1]);
  const Graph before = context.session.read_graph(args.words[0]);
  const std::vector<std::string> new_specs =
      options.delta.empty() ? std::vector<std::string>{args.words[1]}
                            : std::vector<std::string>{args.words[0], args.words[1]};
  const Graph after = context.session.read_graph(new_specs);
  const GraphDiff changes = diff(before, after, options);
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
  if (!options.delta.empty())
    out << fmt::format("NEW is OLD with the FtM delta applied ({} ids: {} ADD, {} MOD, {} DEL)\n",
                       options.delta.size(),
                       std::count_if(options.delta.begin(), options.delta.end(), [](const auto& op) { return op.second == "ADD"; }),
                       std::count_if(options.delta.begin(), options.delta.end(), [](const auto& op) { return op.second == "MOD"; }),
                       std::count_if(options.delta.begin(), options.delta.end(), [](const auto& op) { return op.second == "DEL"; }));
  for (const MassChange& mass : changes.mass)
    out << paint(style, Tone::Yellow, "suspicious: ") << mass.what << ": " << mass.reason
        << (options.keep_mass_rows ? " (rows listed below too)" : " (--keep-mass lists them)") << "\n";
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
  auto status = [&](std::string_view word, const EntityDiff& entity) {
    return entity.op.empty() ? std::string(word) : fmt::format("{} ({})", word, entity.op);
  };
  Table parties({{"party"}, {"id", true, 12}, {"name", true, 16}, {"listings", true, 12},
                 {"changes", true, 20, 2.0}});
  for (const auto& entity : changes.added)
    parties.add_row({{status("added", entity), Tone::Green}, entity.id, entity_name(entity), entity.listings, ""});
  for (const auto& entity : changes.removed)
    parties.add_row({{status("removed", entity), Tone::Red}, entity.id, entity_name(entity), entity.listings, ""});
  for (const auto& entity : changes.changed)
    parties.add_row({{status("changed", entity), Tone::Yellow}, entity.id, entity_name(entity),
                     entity.listings,
                     entity.changes.empty() ? std::string("(no field of the model changed)")
                                            : change_text(entity.changes)});
  if (!parties.empty()) parties.print(out, style);
  Table listing_table({{"listing"}, {"party", true, 12}, {"action", true, 12}, {"authority"},
                       {"list", true, 8}, {"program", true, 10}, {"changes", true, 20, 2.0}});
  auto listing_row = [&](Table::Cell what, const ListingDiff& listing, std::string text) {
    listing_table.add_row({std::move(what), listing.party, listing.action, listing.authority, listing.list,
                           listing.program, std::move(text)});
  };
  for (const auto& listing : changes.listings_added) listing_row({"added", Tone::Red}, listing, "");
  for (const auto& listing : changes.listings_removed) listing_row({"removed", Tone::Green}, listing, "");
  for (const auto& listing : changes.listings_changed)
    listing_row({"changed", Tone::Yellow}, listing, change_text(listing.changes));
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
