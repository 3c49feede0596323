// bench/snapshot_open_bench.cpp: how long open_snapshot() takes, with the structure check only and
// with every check (graph/snapshot.h SnapshotCheck), on a generated graph's snapshot.
//   skg_bench_snapshot_open --entities 10000000 --runs 3 --path /tmp/skg-10m.skg
// The snapshot at --path is written first (generate, freeze, save: not timed) unless it exists;
// the file is opened once untimed, so every timed open reads it from the page cache.
#include <cstdio>
#include <filesystem>

#include "generator.h"
#include "harness.h"
#include "skg/graph/builder.h"
#include "skg/graph/snapshot.h"

int main(int argc, char** argv) {
  auto bench = skg::bench::Harness("snapshot_open", argc, argv);
  const std::string path = bench.path().empty() ? "/tmp/skg_bench_snapshot_open.skg" : bench.path();
  if (!std::filesystem::exists(path)) {
    skg::Builder builder;
    skg::generate(builder, {.entities = bench.entities(), .seed = bench.seed()});
    skg::save(std::move(builder).freeze(), path);
  }
  std::uint64_t edges = 0;
  {
    const skg::Graph graph = skg::open_snapshot(path);
    bench.set_size(graph.node_count(), graph.edge_count());
    edges = graph.edge_count();
    std::fprintf(stderr, "snapshot_open: %s, %.1f MiB, %zu nodes, %zu edges, %zu strings\n", path.c_str(),
                 std::filesystem::file_size(path) / 1048576.0, graph.node_count(), graph.edge_count(),
                 graph.string_count());
  }
#ifdef SKG_BENCH_SNAPSHOT_V1  // the format-1 reader (before the full checks), for a before/after figure
  bench.run([&] { return skg::open_snapshot(path).edge_count(); }, edges, "v1");
#else
  bench.run([&] { return skg::open_snapshot(path, {.check = skg::SnapshotCheck::Structure}).edge_count(); }, edges,
            "structure");
  bench.run([&] { return skg::open_snapshot(path, {.check = skg::SnapshotCheck::Full}).edge_count(); }, edges, "full");
#endif
  std::fprintf(stderr, "snapshot_open: peak RSS %.1f MiB\n", skg::bench::peak_rss_bytes() / 1048576.0);
  return 0;
}
