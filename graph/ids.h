// graph/ids.h: strong 32-bit ids for nodes, edges, strings and provenance records.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>

namespace skg::inline v1 {

/// A node of a frozen graph: dense, from 0 to node_count() - 1.
enum class NodeId : std::uint32_t {};
/// An edge of a frozen graph, in forward CSR order: dense, from 0 to edge_count() - 1.
enum class EdgeId : std::uint32_t {};
/// A string interned in a StringPool.
enum class StringId : std::uint32_t {};
/// A provenance record (source, record id, line).
enum class ProvId : std::uint32_t {};

inline constexpr NodeId kNoNode{std::numeric_limits<std::uint32_t>::max()};
inline constexpr EdgeId kNoEdge{std::numeric_limits<std::uint32_t>::max()};
inline constexpr StringId kNoString{std::numeric_limits<std::uint32_t>::max()};

/// The integer behind an id, for indexing columns: `names[index(node)]`.
template <class Id>
constexpr std::uint32_t index(Id id) noexcept {
  return static_cast<std::uint32_t>(id);
}

}  // namespace skg

template <>
struct std::hash<skg::NodeId> {
  std::size_t operator()(skg::NodeId id) const noexcept { return std::hash<std::uint32_t>{}(skg::index(id)); }
};
template <>
struct std::hash<skg::StringId> {
  std::size_t operator()(skg::StringId id) const noexcept { return std::hash<std::uint32_t>{}(skg::index(id)); }
};
