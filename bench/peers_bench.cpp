// bench/peers_bench.cpp: skg's side of the peer comparison (bench/peers/, bench/run_peers.sh):
// load the files skg-gen wrote, then answer the questions the peers answer on the same data:
// 3-hop reach from the sampled sources, and the OFAC 50% blocked set; peak RSS.
//   skg_bench_peers --path /tmp/skg-peers-1m/entities.ftm.json   (FtM JSON lines: skg::load)
//   skg_bench_peers --path /tmp/skg-peers-1m/graph.skg           (snapshot: skg::open_snapshot)
//   skg_bench_peers --path /tmp/skg-peers-1m/skg-csv              (a folder of the skg-csv tables
//                   nodes.csv, edges.csv, listings.csv: skg::load; ids are the numbers of gen:N)
// sources.txt is read from the folder of --path. Besides the harness rows, it prints
//   value  skg-<ftm|snapshot>  NAME  NUMBER
// lines for answers (counts, to compare with the peers'), CPU seconds and peak RSS.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness.h"
#include "skg/graph/builder.h"
#include "skg/graph/snapshot.h"
#include "skg/loaders/load.h"
#include "skg/queries/as_of.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"

namespace {

/// CPU seconds (user + system, all threads) of this process so far.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

double percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(fraction * values.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  skg::bench::Harness bench("peers", argc, argv);
  const std::filesystem::path path = bench.path();
  if (path.empty()) {
    std::fprintf(stderr, "peers: --path FILE (entities.ftm.json or graph.skg) is required\n");
    return 2;
  }
  const bool snapshot = path.extension() == ".skg";
  const bool csv = std::filesystem::is_directory(path);
  const std::string tool = snapshot ? "skg-snapshot" : csv ? "skg-csv" : "skg-ftm";
  auto value = [&](const std::string& name, double number) {
    std::printf("value\t%s\t%s\t%.6f\n", tool.c_str(), name.c_str(), number);
    std::fflush(stdout);
  };

  // Load: FtM JSON lines through the format detection of skg::load, then freeze; or the
  // snapshot mapped in place.
  double wall = skg::bench::now(), cpu = cpu_seconds();
  skg::Graph graph;
  try {
    if (snapshot) {
      graph = skg::open_snapshot(path.string());
    } else {
      skg::Builder builder;
      skg::load(path.string(), builder);
      graph = std::move(builder).freeze();
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "peers: %s\n", error.what());
    return 2;
  }
  wall = skg::bench::now() - wall, cpu = cpu_seconds() - cpu;
  std::size_t links = 0;
  for (std::uint32_t at = 0; at < graph.edge_count(); ++at)
    links += skg::EdgeKinds::party_links().contains(graph.edge_kind(skg::EdgeId{at}));
  bench.set_size(graph.node_count(), links);
  bench.row("load/" + tool, 1, wall);
  value("load_seconds_wall", wall);
  value("load_seconds_cpu", cpu);
  value("rss_after_load_mib", static_cast<double>(skg::bench::peak_rss_bytes()) / 1048576.0);

  // The sampled sources, by external id (node ids may differ between the loads).
  std::vector<skg::NodeId> sources;
  {
    std::ifstream in(path.parent_path() / "sources.txt");
    std::string number, external;
    while (in >> number >> external) {
      const auto node = graph.find(csv ? number : external);
      if (!node) {
        std::fprintf(stderr, "peers: source %s is not in the graph\n", external.c_str());
        return 1;
      }
      sources.push_back(*node);
    }
  }
  if (sources.empty()) {
    std::fprintf(stderr, "peers: no sources in %s\n", (path.parent_path() / "sources.txt").c_str());
    return 1;
  }

  // 3-hop reach: listed parties within 3 hops over every party link (OWNS, DIRECTOR_OF here),
  // both directions, the source itself included when listed (skg::ReachOptions defaults).
  // The first query after the load (the listed set, then one reach), timed alone: an opened
  // snapshot derives its edge sources at the first read of one (Graph::source), so this is what
  // the open leaves to its first query.
  wall = skg::bench::now();
  const double first_cpu = cpu_seconds();
  const skg::ListedSet listed(graph, std::nullopt);
  bench.row("reach_3_hops/listed_set_build", 1, skg::bench::now() - wall);
  value("listed", static_cast<double>(listed.count()));
  skg::ReachWorkspace workspace;
  std::uint64_t expected = skg::reach_count(graph, sources.front(), {}, workspace);
  value("first_query_seconds_wall", skg::bench::now() - wall);
  value("first_query_seconds_cpu", cpu_seconds() - first_cpu);
  for (std::size_t at = 1; at < sources.size(); ++at) expected += skg::reach_count(graph, sources[at], {}, workspace);
  value("reach_3_hops_hits", static_cast<double>(expected));
  for (const bool paths : {false, true}) {
    std::vector<double> seconds;
    std::uint64_t hits = 0;
    const double cpu_start = cpu_seconds(), wall_start = skg::bench::now();
    for (skg::NodeId source : sources) {
      const double start = skg::bench::now();
      hits += paths ? skg::reach(graph, source, {.listed = &listed}, workspace).size()
                    : skg::reach_count(graph, source, {.listed = &listed}, workspace);
      seconds.push_back(skg::bench::now() - start);
    }
    const double all_cpu = cpu_seconds() - cpu_start, all_wall = skg::bench::now() - wall_start;
    if (hits != expected) {
      std::fprintf(stderr, "peers: reach gave %llu hits, expected %llu\n",
                   static_cast<unsigned long long>(hits), static_cast<unsigned long long>(expected));
      return 1;
    }
    const std::string label = paths ? "reach_3_hops_paths" : "reach_3_hops_count";
    bench.row(label + "/per_source_p50", 1, percentile(seconds, 0.50));
    bench.row(label + "/per_source_p95", 1, percentile(seconds, 0.95));
    value(label + "_p50_seconds", percentile(seconds, 0.50));
    value(label + "_all_sources_seconds_wall", all_wall);
    value(label + "_all_sources_seconds_cpu", all_cpu);
  }

  // The same 1,000 sources as one batched query on every core (skg::reach_count_batch), the
  // counterpart of DuckDB's one query over all sources: median of runs() (CPU per run beside).
  {
    const double cpu_start = cpu_seconds();
    const auto batch = bench.run(
        [&] {
          std::uint64_t total = 0;
          for (std::size_t count : skg::reach_count_batch(graph, sources, {.listed = &listed})) total += count;
          return total;
        },
        expected, "reach_3_hops_batch");
    value("reach_3_hops_batch_median_seconds", percentile(batch, 0.5));
    value("reach_3_hops_batch_cpu_per_run", (cpu_seconds() - cpu_start) / (bench.runs() + 1));
  }

  // OFAC 50 Percent Rule, latest state: the blocked set (designated parties and those blocked by
  // ownership, lower bound: unknown shares count as 0). "Possibly" (an unknown share could
  // decide) is reported apart; the peers compute only the lower bound.
  const skg::ExposureOptions ofac{.rule = skg::Rule::Ofac};
  const auto first = skg::blocked_set(graph, ofac);
  const std::uint64_t blocked = first.count(skg::Verdict::Yes);
  value("ofac_blocked_yes", static_cast<double>(blocked));
  value("ofac_blocked_possibly", static_cast<double>(first.count(skg::Verdict::Possibly)));
  const double cpu_start = cpu_seconds();
  const auto seconds = bench.run(
      [&] { return static_cast<std::uint64_t>(skg::blocked_set(graph, ofac).count(skg::Verdict::Yes)); },
      blocked, "ofac_blocked_set");
  value("ofac_blocked_set_median_seconds", percentile(seconds, 0.5));
  value("ofac_blocked_set_cpu_per_run", (cpu_seconds() - cpu_start) / (bench.runs() + 1));
  value("peak_rss_mib", static_cast<double>(skg::bench::peak_rss_bytes()) / 1048576.0);
  return 0;
}
