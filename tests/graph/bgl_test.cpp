#include <doctest/doctest.h>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/graph_concepts.hpp>
#include <queue>
#include <vector>

#include "generator.h"
#include "skg/graph/bgl.h"

using namespace skg;

BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<Graph>));
BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<Graph>));
BOOST_CONCEPT_ASSERT((boost::BidirectionalGraphConcept<Graph>));
BOOST_CONCEPT_ASSERT((boost::EdgeListGraphConcept<Graph>));

namespace {
struct DistanceRecorder : boost::default_bfs_visitor {
  std::vector<std::uint32_t>* distance;
  void tree_edge(std::uint32_t edge, const Graph& graph) const {
    (*distance)[target(edge, graph)] = (*distance)[source(edge, graph)] + 1;
  }
};
}  // namespace

TEST_CASE("bgl: Boost's breadth_first_search on skg::Graph gives the distances of Boost's own CSR") {
  const Graph graph = generate({.entities = 30000, .seed = 21});
  const std::uint32_t n = num_vertices(graph);
  const std::uint32_t from = index(*graph.find("gen:9000"));

  std::vector<std::uint32_t> ours(n, ~0u);
  ours[from] = 0;
  DistanceRecorder recorder;
  recorder.distance = &ours;
  boost::breadth_first_search(graph, from,
                              boost::visitor(recorder).vertex_index_map(boost::identity_property_map()));

  // The same edges in boost::compressed_sparse_row_graph, searched by the same algorithm.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edge_list;
  for (std::uint32_t edge = 0; edge < num_edges(graph); ++edge)
    edge_list.emplace_back(source(edge, graph), target(edge, graph));
  using Csr = boost::compressed_sparse_row_graph<boost::bidirectionalS, boost::no_property, boost::no_property,
                                                 boost::no_property, std::uint32_t, std::uint32_t>;
  const Csr csr(boost::edges_are_unsorted_multi_pass, edge_list.begin(), edge_list.end(), n);
  std::vector<std::uint32_t> theirs(n, ~0u);
  theirs[from] = 0;
  boost::breadth_first_search(
      csr, from,
      boost::visitor(boost::make_bfs_visitor(boost::record_distances(theirs.data(), boost::on_tree_edge()))));
  CHECK(ours == theirs);
  CHECK(std::count_if(ours.begin(), ours.end(), [](std::uint32_t d) { return d != ~0u && d > 0; }) > 10);

  // In-edges seen through BGL are the reverse CSR.
  std::size_t in_total = 0;
  for (std::uint32_t v = 0; v < n; ++v) {
    auto [first, last] = in_edges(v, graph);
    for (; first != last; ++first) CHECK(target(*first, graph) == v);
    in_total += in_degree(v, graph);
  }
  CHECK(in_total == num_edges(graph));
}
