// tools/skg/printers.cpp: the text pieces the commands print: labels, records, listings,
// reasons, chains, paths.
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

std::string_view external_id(const Graph& graph, NodeId node) {
  const auto ids = graph.external_ids(node);
  return ids.empty() ? std::string_view() : graph.string(ids.front());
}

std::string label(const Graph& graph, NodeId node) {
  const std::string_view id = external_id(graph, node);
  const std::string_view name = graph.name(node);
  if (name.empty()) return printable(id);
  if (id.empty() || id == name) return printable(name);
  return printable(fmt::format("{} [{}]", name, id));
}

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

void begin_entity_json(JsonOut& json, const Graph& graph, NodeId node, Date date) {
  json.begin_object();
  json.key("entity");
  write_node_json(json, graph, node);
  json.key("as_of").string(date.to_string());
}

void print_page_line(std::ostream& out, const Page& page, std::size_t total) {
  if (!page.paged()) return;
  const std::size_t begin = page.begin(total), end = page.end(total);
  if (begin == end)
    out << fmt::format("  no rows from offset {} (there are {})\n", page.offset, total);
  else
    out << fmt::format("  rows {}-{} of {}\n", begin + 1, end, total);
}

std::string range_text(const DateRange& range) {
  if (range.is_open()) return "";
  return fmt::format("{}..{}", date_text(range.start), date_text(last_day(range.end)));
}

Tone status_tone(std::string_view status) {
  return status == "in_force" ? Tone::Red : status == "later" ? Tone::Yellow : Tone::Dim;
}

std::string status_text(std::string_view status) {
  return status == "in_force" ? "in force" : std::string(status);
}

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

std::string_view verdict_text(Verdict verdict) {
  return verdict == Verdict::Yes ? "BLOCKED" : verdict == Verdict::Possibly ? "POSSIBLY" : "no";
}

Tone verdict_tone(Verdict verdict) {
  return verdict == Verdict::Yes        ? Tone::Red
         : verdict == Verdict::Possibly ? Tone::Yellow
                                        : Tone::Green;
}

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

}  // namespace skg::shell
