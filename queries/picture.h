// queries/picture.h: pictures of chains: Graphviz DOT text from an owners, subsidiaries, path,
// reach or exposure answer, and (when skg was built with Graphviz's libraries) SVG and PNG.
#pragma once
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/graph.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"

namespace skg::inline v1 {

/// How a party is drawn: its status on the picture's date (the legend names each).
enum class PartyStatus : std::uint8_t {
  Listed,    // a listing in force (any authority), or designated under the rule
  Blocked,   // blocked by ownership or control under the rule (Verdict::Yes)
  Possibly,  // possibly blocked: unknown shares or ranges leave it open (Verdict::Possibly)
  Clear,     // neither
};
std::string_view to_string(PartyStatus status) noexcept;  // "listed", "blocked", ...

struct PictureOptions {
  /// The verdicts that colour parties (blocked, possibly); nullptr: only listings colour.
  const BlockedSet* blocked = nullptr;
  std::optional<Date> as_of;     // the date listings and links are read on (unset: latest state)
  std::size_t max_nodes = 60;    // parties drawn at most; the picture says how many were left out
  std::string title;             // first line of the caption
};

/// DOT text and what it holds.
struct Picture {
  std::string dot;
  std::size_t nodes = 0, edges = 0;  // drawn
  std::size_t left_out = 0;          // parties of the answer not drawn (max_nodes)
  std::size_t bold_edges = 0;        // links of the deciding chains
};

/// Who owns `root` (or what it owns): the steps of owners() / subsidiaries(); the links leading
/// to a listed or blocked party are drawn bold.
///   auto picture = skg::picture_of_ownership(graph, node, skg::owners(graph, node), {});
Picture picture_of_ownership(const Graph& graph, NodeId root, std::span<const OwnershipStep> steps,
                             const PictureOptions& options = {});
/// One path, every link bold (it is the answer).
Picture picture_of_path(const Graph& graph, const Path& path, const PictureOptions& options = {});
/// The listed parties in reach of `from`, with their shortest paths (bold).
Picture picture_of_reach(const Graph& graph, NodeId from, std::span<const ReachHit> hits,
                         const PictureOptions& options = {});
/// An exposure answer: the chains of its reasons bold, those of its cautions dashed.
Picture picture_of_exposure(const Graph& graph, const Exposure& answer,
                            const PictureOptions& options = {});

enum class ImageFormat : std::uint8_t { Svg, Png };

/// True when this build links Graphviz's libraries (gvc, cgraph), so render_picture works.
bool graphviz_available() noexcept;

/// Lays out `dot` with Graphviz's "dot" engine and renders it. Throws skg::Error when Graphviz
/// is not available in this build, or when it refuses the text or the format.
///   std::string svg = skg::render_picture(picture.dot, skg::ImageFormat::Svg);
std::string render_picture(std::string_view dot, ImageFormat format);

}  // namespace skg
