// graph/bgl.h: skg::Graph as a Boost.Graph graph, so BGL algorithms run on it unchanged.
//
// The frozen graph keeps its own CSR (columns that a snapshot maps straight from disk) instead of
// boost::compressed_sparse_row_graph, whose vectors cannot view a mapped file. This header makes
// that CSR model the BGL concepts VertexListGraph, IncidenceGraph, BidirectionalGraph and
// EdgeListGraph: vertices and edges are the dense 32-bit indices of NodeId and EdgeId.
//   #include "skg/graph/bgl.h"
//   boost::breadth_first_search(graph, 0, boost::visitor(vis).vertex_index_map(boost::identity_property_map()));
#pragma once
#include <boost/graph/graph_traits.hpp>
#include <boost/graph/properties.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/transform_iterator.hpp>
#include <boost/property_map/property_map.hpp>
#include <cstdint>
#include <utility>

#include "skg/graph/graph.h"

namespace skg::inline v1::detail {
struct EdgeIndexOf {
  std::uint32_t operator()(EdgeId edge) const noexcept { return index(edge); }
};
struct BglTraversal : boost::bidirectional_graph_tag, boost::vertex_list_graph_tag,
                      boost::edge_list_graph_tag {};
}  // namespace skg::detail

namespace boost {
template <>
struct graph_traits<skg::Graph> {
  using vertex_descriptor = std::uint32_t;  // index(NodeId)
  using edge_descriptor = std::uint32_t;    // index(EdgeId)
  using directed_category = directed_tag;
  using edge_parallel_category = allow_parallel_edge_tag;
  using traversal_category = skg::detail::BglTraversal;
  using vertex_iterator = counting_iterator<std::uint32_t>;
  using edge_iterator = counting_iterator<std::uint32_t>;
  using out_edge_iterator = counting_iterator<std::uint32_t>;
  using in_edge_iterator = transform_iterator<skg::detail::EdgeIndexOf, const skg::EdgeId*, std::uint32_t>;
  using adjacency_iterator = void;
  using vertices_size_type = std::uint32_t;
  using edges_size_type = std::uint32_t;
  using degree_size_type = std::uint32_t;
  static vertex_descriptor null_vertex() { return skg::index(skg::kNoNode); }
};
}  // namespace boost

namespace skg::inline v1 {

using BglTraits = boost::graph_traits<Graph>;

inline std::pair<BglTraits::vertex_iterator, BglTraits::vertex_iterator> vertices(const Graph& g) {
  return {BglTraits::vertex_iterator(0), BglTraits::vertex_iterator(static_cast<std::uint32_t>(g.node_count()))};
}
inline std::uint32_t num_vertices(const Graph& g) { return static_cast<std::uint32_t>(g.node_count()); }
inline std::pair<BglTraits::edge_iterator, BglTraits::edge_iterator> edges(const Graph& g) {
  return {BglTraits::edge_iterator(0), BglTraits::edge_iterator(static_cast<std::uint32_t>(g.edge_count()))};
}
inline std::uint32_t num_edges(const Graph& g) { return static_cast<std::uint32_t>(g.edge_count()); }
inline std::pair<BglTraits::out_edge_iterator, BglTraits::out_edge_iterator> out_edges(std::uint32_t u,
                                                                                      const Graph& g) {
  const EdgeRange range = g.out_edges(NodeId{u});
  const std::uint32_t first = range.empty() ? 0 : index(*range.begin());
  return {BglTraits::out_edge_iterator(first),
          BglTraits::out_edge_iterator(first + static_cast<std::uint32_t>(range.size()))};
}
inline std::uint32_t out_degree(std::uint32_t u, const Graph& g) {
  return static_cast<std::uint32_t>(g.out_degree(NodeId{u}));
}
inline std::pair<BglTraits::in_edge_iterator, BglTraits::in_edge_iterator> in_edges(std::uint32_t v,
                                                                                    const Graph& g) {
  const auto list = g.in_edges(NodeId{v});
  return {BglTraits::in_edge_iterator(list.data(), detail::EdgeIndexOf{}),
          BglTraits::in_edge_iterator(list.data() + list.size(), detail::EdgeIndexOf{})};
}
inline std::uint32_t in_degree(std::uint32_t v, const Graph& g) {
  return static_cast<std::uint32_t>(g.in_degree(NodeId{v}));
}
inline std::uint32_t degree(std::uint32_t v, const Graph& g) { return in_degree(v, g) + out_degree(v, g); }
inline std::uint32_t source(std::uint32_t e, const Graph& g) { return index(g.source(EdgeId{e})); }
inline std::uint32_t target(std::uint32_t e, const Graph& g) { return index(g.target(EdgeId{e})); }

}  // namespace skg
