// bench/export_bench.cpp: export MB/s (skg::export_graph) on a generated graph, each layout.
//   skg_bench_export --entities 1000000 --runs 5 --path /tmp/skg-export-bench
// Setup (generate, freeze) is not timed. Each run writes the whole export into --path (default
// /tmp/skg-export-bench), 8 parts; the answer checked is the bytes written, the same every run.
// Each row's seconds are wall time; stderr adds the CPU median (all threads) and MB/s.
// SKG_EXPORT_FORMAT=csv (or neo4j, graphframes) times that layout only (the 10M run).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "generator.h"
#include "harness.h"
#include "skg/queries/export.h"

int main(int argc, char** argv) {
  skg::bench::Harness bench("export", argc, argv);
  const skg::Graph graph = skg::generate({.entities = bench.entities(), .seed = bench.seed()});
  bench.set_size(graph.node_count(), graph.edge_count());
  const std::string dir = bench.path().empty() ? "/tmp/skg-export-bench" : bench.path();
  const char* only = std::getenv("SKG_EXPORT_FORMAT");
  for (const auto format : {skg::ExportFormat::Csv, skg::ExportFormat::Neo4j, skg::ExportFormat::GraphFrames}) {
    if (only != nullptr && skg::to_string(format) != only) continue;
    std::uint64_t bytes = 0;
    const auto seconds = bench.run(
        [&] {
          bytes = skg::export_graph(graph, dir, {.format = format, .partitions = 8}).bytes;
          return bytes;
        },
        skg::bench::Harness::kNoCheck, skg::to_string(format));
    auto sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    std::fprintf(stderr, "export/%.*s: %.1f MB, median %.1f MB/s (wall)\n", static_cast<int>(skg::to_string(format).size()),
                 skg::to_string(format).data(), bytes / 1e6, bytes / 1e6 / sorted[sorted.size() / 2]);
  }
  std::filesystem::remove_all(dir);
}
