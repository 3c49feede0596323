// bench/reach_bench.cpp: 3-hop reach to listed parties from 1000 sampled sources (p50/p95 per
// source), distance_to_listed, and name screening (index build, query p50) on a generated graph.
//   skg_bench_reach --entities 1000000 --runs 5 --seed 7
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "generator.h"
#include "harness.h"
#include "skg/graph/parallel.h"
#include "skg/queries/as_of.h"
#include "skg/queries/reach.h"
#include "skg/queries/screen.h"

namespace {

/// `count` parties spread evenly over the parties' node ids (the same for a given graph).
std::vector<skg::NodeId> sample_parties(const skg::Graph& graph, std::size_t count) {
  std::vector<skg::NodeId> parties, out;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const skg::NodeKind kind = graph.kind(skg::NodeId{at});
    if (kind != skg::NodeKind::Action && kind != skg::NodeKind::Authority) parties.push_back(skg::NodeId{at});
  }
  for (std::size_t at = 0; at < count && !parties.empty(); ++at)
    out.push_back(parties[(at * parties.size() + parties.size() / 2) / count % parties.size()]);
  return out;
}

double percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(fraction * values.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  auto bench = skg::bench::Harness("reach_3_hops", argc, argv);
  const skg::Graph graph = skg::generate({.entities = bench.entities(), .seed = bench.seed()});
  bench.set_size(graph.node_count(), graph.edge_count());
  const auto sources = sample_parties(graph, 1000);
  const skg::ListedSet listed(graph, std::nullopt);
  skg::ReachWorkspace workspace;

  // Totals over the 1000 sources, with and without the precomputed listed set; the answer (hits
  // summed over sources) must not change between runs or variants.
  std::uint64_t expected = 0;
  for (skg::NodeId source : sources) expected += skg::reach_count(graph, source, {}, workspace);
  bench.run([&] {
    std::uint64_t hits = 0;
    for (skg::NodeId source : sources)
      hits += skg::reach_count(graph, source, {.listed = &listed}, workspace);
    return hits;
  }, expected, "1000_sources_listed_set");
  // The same 1000 sources as one batch on every core (SKG_THREADS=1: one thread).
  bench.run([&] {
    std::uint64_t hits = 0;
    for (std::size_t count : skg::reach_count_batch(graph, sources, {.listed = &listed})) hits += count;
    return hits;
  }, expected, "1000_sources_batch_listed_set");
  std::fprintf(stderr, "reach_3_hops: batch on %u thread(s)\n", skg::parallel_workers(sources.size(), 8));
  bench.run([&] {
    std::uint64_t hits = 0;
    for (skg::NodeId source : sources) hits += skg::reach(graph, source, {}, workspace).size();
    return hits;
  }, expected, "1000_sources_with_paths");

  // Per-source latency, as the igraph figure is given (p50 per source).
  for (const bool with_set : {true, false}) {
    std::vector<double> seconds;
    std::uint64_t hits = 0;
    for (skg::NodeId source : sources) {
      const double start = skg::bench::now();
      hits += skg::reach(graph, source, {.listed = with_set ? &listed : nullptr}, workspace).size();
      seconds.push_back(skg::bench::now() - start);
    }
    if (hits != expected) return 1;
    const std::string label = with_set ? "reach_3_hops/per_source_listed_set" : "reach_3_hops/per_source";
    bench.row(label + "_p50", 1, percentile(seconds, 0.50));
    bench.row(label + "_p95", 1, percentile(seconds, 0.95));
  }
  std::fprintf(stderr, "reach_3_hops: %zu sources, %llu listed parties in reach in all, %zu listed\n",
               sources.size(), static_cast<unsigned long long>(expected), listed.count());

  // distance_to_listed: one multi-source BFS over the whole graph.
  std::uint64_t within = 0;
  bench.run([&] {
    const auto distance = skg::distance_to_listed(graph, {.max_hops = 3, .listed = &listed});
    within = distance.within(3);
    return within;
  }, skg::bench::Harness::kNoCheck, "distance_to_listed");
  std::fprintf(stderr, "distance_to_listed: %llu nodes within 3 hops of a listed party\n",
               static_cast<unsigned long long>(within));

  // Screening: index build once (timed by hand), then queries with a typo (two letters swapped).
  double start = skg::bench::now();
  const auto index = skg::build_screen_index(graph);
  bench.row("screen/build_index", 1, skg::bench::now() - start);
  std::fprintf(stderr, "screen index: %zu names, %zu tokens, %.1f MiB\n", index.entry_count(),
               index.token_count(), index.bytes() / 1048576.0);
  std::vector<std::string> queries;
  for (skg::NodeId source : sample_parties(graph, 200)) {
    std::string name(graph.name(source));
    if (name.size() > 4) std::swap(name[2], name[3]);
    queries.push_back(name);
  }
  std::vector<double> seconds;
  std::uint64_t found = 0;
  for (const auto& query : queries) {
    start = skg::bench::now();
    found += skg::screen(graph, index, query).size();
    seconds.push_back(skg::bench::now() - start);
  }
  bench.row("screen/query_p50", 1, percentile(seconds, 0.50));
  bench.row("screen/query_p95", 1, percentile(seconds, 0.95));
  std::fprintf(stderr, "screen: %zu queries, %llu hits\n", queries.size(), static_cast<unsigned long long>(found));
  return found > 0 ? 0 : 1;
}
