// bench/graph_bench.cpp: build, freeze, save and reopen a generated graph; memory per edge.
//   skg_bench_graph --entities 10000000 --runs 1
#include <cstdio>
#include <filesystem>

#include "generator.h"
#include "harness.h"
#include "skg/graph/builder.h"
#include "skg/graph/snapshot.h"

int main(int argc, char** argv) {
  auto bench = skg::bench::Harness("graph", argc, argv);
  const std::string path = bench.path().empty() ? "/tmp/skg_bench_graph.skg" : bench.path();
  std::uint64_t edges_expected = 0, nodes_expected = 0;
  for (int run = 1; run <= bench.runs(); ++run) {
    double start = skg::bench::now();
    skg::Builder builder;
    skg::generate(builder, {.entities = bench.entities(), .seed = bench.seed()});
    const double built = skg::bench::now() - start;
    start = skg::bench::now();
    skg::Graph graph = std::move(builder).freeze();
    const double frozen = skg::bench::now() - start;
    bench.set_size(graph.node_count(), graph.edge_count());
    if (run == 1) nodes_expected = graph.node_count(), edges_expected = graph.edge_count();
    if (graph.node_count() != nodes_expected || graph.edge_count() != edges_expected) {
      std::fprintf(stderr, "graph: the same seed gave another graph\n");
      return 1;
    }
    const auto stats = graph.stats();
    bench.row("graph/build", run, built);
    bench.row("graph/freeze", run, frozen);
    start = skg::bench::now();
    skg::save(graph, path);
    bench.row("graph/save", run, skg::bench::now() - start);
    const std::size_t rss = skg::bench::peak_rss_bytes();
    graph = skg::Graph();
    start = skg::bench::now();
    const skg::Graph opened = skg::open_snapshot(path);
    bench.row("graph/open", run, skg::bench::now() - start);
    if (opened.edge_count() != edges_expected) return 1;
    std::fprintf(stderr,
                 "graph: %zu nodes, %zu edges, %zu strings; columns %.1f MiB (%.1f bytes/edge all in), "
                 "snapshot %.1f MiB, peak RSS %.1f MiB (build+freeze)\n",
                 stats.nodes, stats.edges, stats.strings, stats.bytes / 1048576.0,
                 static_cast<double>(stats.bytes) / static_cast<double>(stats.edges),
                 std::filesystem::file_size(path) / 1048576.0, rss / 1048576.0);
  }
  std::filesystem::remove(path);
  return 0;
}
