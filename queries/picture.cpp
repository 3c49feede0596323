#include "skg/queries/picture.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "skg/graph/error.h"
#include "skg/queries/as_of.h"

namespace skg::inline v1 {

std::string_view to_string(PartyStatus status) noexcept {
  switch (status) {
    case PartyStatus::Listed: return "listed";
    case PartyStatus::Blocked: return "blocked";
    case PartyStatus::Possibly: return "possibly";
    case PartyStatus::Clear: return "clear";
  }
  return "clear";
}

namespace {

// Fill and border colours per status (the legend repeats them): red listed, orange blocked,
// yellow possibly, white clear.
struct Colours {
  std::string_view fill, border;
};
constexpr Colours colours(PartyStatus status) {
  switch (status) {
    case PartyStatus::Listed: return {"#f4a6a6", "#b00000"};
    case PartyStatus::Blocked: return {"#f9c98b", "#c05800"};
    case PartyStatus::Possibly: return {"#fff3a0", "#a08800"};
    case PartyStatus::Clear: return {"#ffffff", "#606060"};
  }
  return {"#ffffff", "#606060"};
}

/// A DOT double-quoted string: quotes and backslashes escaped, control characters dropped (list
/// data may hold them), newlines given as DOT's centred line break.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') {
      out += c;
    }
  }
  return out + '"';
}

std::string_view first_id(const Graph& graph, NodeId node) {
  const auto ids = graph.external_ids(node);
  return ids.empty() ? std::string_view() : graph.string(ids.front());
}

/// Cuts a long name at a character boundary (UTF-8), so a box stays readable.
std::string shortened(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

std::string dates_text(const DateRange& valid) {
  if (valid.is_open()) return {};
  // [start, end): the end shown as the last day it holds, as the shell's tables do.
  const std::string from = valid.start ? valid.start->to_string() : std::string();
  std::string to;
  if (valid.end) to = Date{valid.end->days - 1}.to_string();
  return from + ".." + to;
}

/// Collects the parties and links of one answer, then writes them as DOT.
class Drawing {
 public:
  Drawing(const Graph& graph, const PictureOptions& options) : graph_(graph), options_(options) {}

  /// Adds a party; false when the cap is reached (it is then counted as left out).
  bool add_node(NodeId node) {
    if (index_.contains(index(node))) return true;
    if (nodes_.size() >= options_.max_nodes) {
      left_out_.insert(index(node));
      return false;
    }
    index_.emplace(index(node), nodes_.size());
    nodes_.push_back(node);
    return true;
  }
  bool has(NodeId node) const { return index_.contains(index(node)); }
  std::size_t size() const { return nodes_.size(); }

  enum class Style : std::uint8_t { Plain, Bold, Dashed };
  /// Adds a link between two drawn parties (a link to a party left out is not drawn); a link
  /// added twice keeps its strongest style.
  void add_edge(EdgeId edge, Style style) {
    if (!has(graph_.source(edge)) || !has(graph_.target(edge))) return;
    auto [it, fresh] = edge_index_.emplace(index(edge), edges_.size());
    if (fresh) {
      edges_.push_back({edge, style});
    } else if (style == Style::Bold || (style == Style::Dashed && edges_[it->second].style == Style::Plain)) {
      edges_[it->second].style = style;
    }
  }
  void mark_root(NodeId node) { root_ = node; }

  PartyStatus status(NodeId node) const {
    const BlockedSet* blocked = options_.blocked;
    if (blocked != nullptr && blocked->built_for(graph_)) {
      if (blocked->listed(node)) return PartyStatus::Listed;
      if (is_listed(graph_, node, options_.as_of)) return PartyStatus::Listed;
      switch (blocked->verdict(node)) {
        case Verdict::Yes: return PartyStatus::Blocked;
        case Verdict::Possibly: return PartyStatus::Possibly;
        case Verdict::No: return PartyStatus::Clear;
      }
    }
    return is_listed(graph_, node, options_.as_of) ? PartyStatus::Listed : PartyStatus::Clear;
  }

  Picture finish() const {
    Picture picture;
    std::string& dot = picture.dot;
    dot = "digraph skg {\n";
    dot += "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=10, labelloc=t, labeljust=l, "
           "nodesep=0.3, ranksep=0.6];\n";
    dot += "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n";
    dot += "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#404040\"];\n";
    // Caption: the title, the date, the rule, and what the cap left out.
    std::string caption = options_.title;
    caption += fmt::format("\nas of {}", options_.as_of ? options_.as_of->to_string() : "the latest data");
    if (options_.blocked != nullptr) {
      const RuleInfo& info = rule_info(options_.blocked->rule());
      caption += fmt::format("; verdicts under the {} ({})", info.name, info.id);
    }
    if (!left_out_.empty())
      caption += fmt::format("\n{} more part{} not drawn (at most {} are)", left_out_.size(),
                             left_out_.size() == 1 ? "y" : "ies", options_.max_nodes);
    dot += "  label=" + quoted(caption) + ";\n";
    for (const NodeId node : nodes_) {
      const PartyStatus status = this->status(node);
      const Colours colour = colours(status);
      std::string label = shortened(graph_.name(node), 48);
      if (label.empty()) label = "(no name)";
      const std::string_view id = first_id(graph_, node);
      label += fmt::format("\n{}\n{} · {}", id.empty() ? "(no id)" : id, to_string(graph_.kind(node)),
                           to_string(status));
      // Listed by another authority and caught by the rule too: the fill says listed, the label
      // says the verdict as well.
      const BlockedSet* blocked = options_.blocked;
      if (status == PartyStatus::Listed && blocked != nullptr && blocked->built_for(graph_) &&
          !blocked->listed(node) && blocked->verdict(node) != Verdict::No)
        label += blocked->verdict(node) == Verdict::Yes ? ", blocked" : ", possibly blocked";
      dot += fmt::format("  n{} [label={}, fillcolor=\"{}\", color=\"{}\"{}];\n", index(node),
                         quoted(label), colour.fill, colour.border,
                         node == root_ ? ", penwidth=2.5, peripheries=2" : "");
    }
    for (const auto& item : edges_) {
      const EdgeId edge = item.edge;
      std::string label(to_string(graph_.edge_kind(edge)));
      const Percent share = graph_.share(edge);
      if (share.known()) label += " " + share.to_string();
      if (const std::string dates = dates_text(graph_.edge_valid(edge)); !dates.empty()) label += "\n" + dates;
      std::string attributes = "label=" + quoted(label);
      if (item.style == Style::Bold) attributes += ", penwidth=3, color=\"#b00000\", fontcolor=\"#b00000\"";
      if (item.style == Style::Dashed) attributes += ", style=dashed, color=\"#a08800\"";
      dot += fmt::format("  n{} -> n{} [{}];\n", index(graph_.source(edge)), index(graph_.target(edge)),
                         attributes);
    }
    // The legend: one box per status, and the meaning of a bold link.
    dot += "  subgraph cluster_legend {\n    label=\"legend\"; fontsize=9; color=\"#c0c0c0\";\n";
    for (const PartyStatus status :
         {PartyStatus::Listed, PartyStatus::Blocked, PartyStatus::Possibly, PartyStatus::Clear}) {
      const Colours colour = colours(status);
      dot += fmt::format("    legend_{} [label=\"{}\", fillcolor=\"{}\", color=\"{}\", fontsize=8];\n",
                         to_string(status), to_string(status), colour.fill, colour.border);
    }
    dot += "    legend_a [label=\"\", shape=point, width=0.05]; legend_b [label=\"\", shape=point, width=0.05];\n";
    dot += "    legend_a -> legend_b [label=\"deciding chain\", penwidth=3, color=\"#b00000\", "
           "fontcolor=\"#b00000\"];\n";
    dot += "    legend_c [label=\"\", shape=point, width=0.05]; legend_d [label=\"\", shape=point, width=0.05];\n";
    dot += "    legend_c -> legend_d [label=\"caution, not deciding\", style=dashed, color=\"#a08800\"];\n";
    dot += "    legend_listed -> legend_blocked -> legend_possibly -> legend_clear [style=invis];\n";
    dot += "  }\n}\n";
    picture.nodes = nodes_.size();
    picture.edges = edges_.size();
    picture.left_out = left_out_.size();
    picture.bold_edges = static_cast<std::size_t>(
        std::count_if(edges_.begin(), edges_.end(), [](const auto& item) { return item.style == Style::Bold; }));
    return picture;
  }

 private:
  struct DrawnEdge {
    EdgeId edge;
    Style style;
  };
  const Graph& graph_;
  const PictureOptions& options_;
  std::vector<NodeId> nodes_;
  std::unordered_map<std::uint32_t, std::size_t> index_;
  std::unordered_set<std::uint32_t> left_out_;
  std::vector<DrawnEdge> edges_;
  std::unordered_map<std::uint32_t, std::size_t> edge_index_;
  NodeId root_ = kNoNode;
};

void add_path(Drawing& drawing, const Graph& graph, const Path& path, Drawing::Style style) {
  for (const NodeId node : path.nodes)
    if (!drawing.add_node(node)) break;  // the rest of the path would hang in the air
  for (const EdgeId edge : path.edges) drawing.add_edge(edge, style);
  (void)graph;
}

void add_chain(Drawing& drawing, const std::vector<ChainStep>& chain, Drawing::Style style) {
  // A chain runs from the designated party down to the entity: draw it from the entity's end, so
  // a cap keeps the links nearest the answer.
  for (auto step = chain.rbegin(); step != chain.rend(); ++step) {
    if (!drawing.add_node(step->asset) || !drawing.add_node(step->owner)) break;
    if (step->edge != kNoEdge) drawing.add_edge(step->edge, style);
  }
}

}  // namespace

Picture picture_of_ownership(const Graph& graph, NodeId root, std::span<const OwnershipStep> steps,
                             const PictureOptions& options) {
  Drawing drawing(graph, options);
  drawing.add_node(root);
  drawing.mark_root(root);
  // A step leads to a listed or blocked party when that party, or a step beyond it, is one: those
  // steps and every step back to the root make the deciding chains.
  std::vector<char> decides(steps.size(), 0);
  for (std::size_t at = steps.size(); at-- > 0;) {
    const PartyStatus status = drawing.status(steps[at].party);
    if (status == PartyStatus::Listed || status == PartyStatus::Blocked) decides[at] = 1;
    if (decides[at] && steps[at].parent >= 0) decides[static_cast<std::size_t>(steps[at].parent)] = 1;
  }
  // Deciding steps first, so the cap keeps them; then the others, nearest first.
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t at = 0; at < steps.size(); ++at) {
      if ((decides[at] != 0) != (pass == 0)) continue;
      const OwnershipStep& step = steps[at];
      if (!drawing.has(step.of)) continue;  // its parent step was left out
      if (!drawing.add_node(step.party)) continue;
      drawing.add_edge(step.edge, decides[at] ? Drawing::Style::Bold : Drawing::Style::Plain);
    }
  // The cap counts each party once: steps of the same party reached again are not "left out".
  return drawing.finish();
}

Picture picture_of_path(const Graph& graph, const Path& path, const PictureOptions& options) {
  Drawing drawing(graph, options);
  if (!path.nodes.empty()) drawing.mark_root(path.nodes.front());
  add_path(drawing, graph, path, Drawing::Style::Bold);
  return drawing.finish();
}

Picture picture_of_reach(const Graph& graph, NodeId from, std::span<const ReachHit> hits,
                         const PictureOptions& options) {
  Drawing drawing(graph, options);
  drawing.add_node(from);
  drawing.mark_root(from);
  for (const ReachHit& hit : hits) {
    // All of a path or none of it: a party whose path does not fit is left out.
    std::size_t fresh = 0;
    for (const NodeId node : hit.path.nodes) fresh += drawing.has(node) ? 0 : 1;
    if (fresh > 0 && drawing.size() + fresh > options.max_nodes) {
      drawing.add_node(hit.party);  // counted as left out
      continue;
    }
    add_path(drawing, graph, hit.path, Drawing::Style::Bold);
  }
  return drawing.finish();
}

Picture picture_of_exposure(const Graph& graph, const Exposure& answer, const PictureOptions& options) {
  Drawing drawing(graph, options);
  drawing.add_node(answer.entity);
  drawing.mark_root(answer.entity);
  for (const Reason& reason : answer.reasons) add_chain(drawing, reason.chain, Drawing::Style::Bold);
  for (const Reason& reason : answer.cautions) add_chain(drawing, reason.chain, Drawing::Style::Dashed);
  // The entity's other owners (not blocked: they count for nothing, and a reader sees why).
  for (const EdgeId edge : graph.in_edges(answer.entity)) {
    const EdgeKind kind = graph.edge_kind(edge);
    if (kind != EdgeKind::Owns && kind != EdgeKind::Controls) continue;
    if (!holds(graph.edge_valid(edge), options.as_of)) continue;
    if (!drawing.add_node(graph.source(edge))) continue;
    drawing.add_edge(edge, Drawing::Style::Plain);
  }
  return drawing.finish();
}

}  // namespace skg
