// bench/ftm_delta_bench.cpp: CPU of applying FtM deltas to a loaded graph (reopen, load the
// delta, freeze): the real t2 deltas on t1, and a generated MOD of 1% of a large graph's
// companies, each of which an Ownership record points at (queries/RULES.md §9.4).
//   skg_bench_ftm_delta --entities 1000000 --runs 5
// Setup (writing the files, loading the base graph) is not timed. The answer printed for the
// large case is the number of live edges after the delta (every Ownership should stay).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "harness.h"
#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/loaders/ftm_json.h"

namespace {

using namespace skg;

Graph apply_file(const Graph& graph, const std::string& path) {
  Builder builder(graph);
  load_ftm_json(path, builder);
  return std::move(builder).freeze();
}

}  // namespace

int main(int argc, char** argv) {
  bench::Harness harness("ftm_delta", argc, argv);
  const std::string samples = std::string(SKG_SOURCE_DIR) + "/datasets/samples/opensanctions/";

  // The real deltas: t1, then the three t2 versions in order; 100 rounds per run (one is ~1 ms).
  {
    const Graph t1 = apply_file(std::move(Builder()).freeze(), samples + "t1.ftm.json");
    const std::string versions[] = {"20240527194702-wnk", "20240528014702-pfh", "20240528134729-3iv"};
    harness.run(
        [&] {
          std::uint64_t nodes = 0;
          for (int round = 0; round < 100; ++round) {
            Graph graph = apply_file(t1, samples + "t2_deltas/" + versions[0] + "/entities.delta.json");
            for (int at = 1; at < 3; ++at) graph = apply_file(graph, samples + "t2_deltas/" + versions[at] + "/entities.delta.json");
            nodes = graph.node_count();
          }
          return nodes;
        },
        bench::Harness::kNoCheck, "t2-deltas-on-t1-x100");
  }

  // A large graph: N/2 companies, N/2 persons, one Ownership person -> company each; the delta
  // MODs 1% of the companies (a new name and a new fact).
  const std::uint32_t n = harness.entities();
  const std::string base = fmt::format("/tmp/skg_bench_ftm_delta_{}.json", n);
  const std::string delta = fmt::format("/tmp/skg_bench_ftm_delta_{}.delta.json", n);
  if (!std::filesystem::exists(base) || !std::filesystem::exists(delta)) {
    std::ofstream out(base, std::ios::binary), mod(delta, std::ios::binary);
    for (std::uint32_t at = 0; at < n / 2; ++at) {
      out << fmt::format(R"({{"id": "c{0}", "schema": "Company", "properties": {{"name": ["Company {0}"], "country": ["ru"]}}, "datasets": ["us_ofac_sdn"]}})" "\n", at);
      out << fmt::format(R"({{"id": "p{0}", "schema": "Person", "properties": {{"name": ["Person {0}"]}}}})" "\n", at);
      out << fmt::format(R"({{"id": "o{0}", "schema": "Ownership", "properties": {{"owner": ["p{0}"], "asset": ["c{0}"], "percentage": ["51"]}}}})" "\n", at);
      if (at % 50 == 0)
        mod << fmt::format(R"({{"op": "MOD", "entity": {{"id": "c{0}", "schema": "Company", "properties": {{"name": ["Company {0} renamed"], "country": ["by"]}}, "datasets": ["us_ofac_sdn"]}}}})" "\n", at);
    }
  }
  const Graph graph = apply_file(std::move(Builder()).freeze(), base);
  harness.set_size(graph.node_count(), graph.edge_count());
  std::fprintf(stderr, "base: %zu nodes, %zu edges\n", static_cast<std::size_t>(graph.node_count()),
               static_cast<std::size_t>(graph.edge_count()));
  std::uint64_t edges = 0;
  harness.run(
      [&] {
        edges = apply_file(graph, delta).edge_count();
        return edges;
      },
      bench::Harness::kNoCheck, "mod-1pct");
  std::fprintf(stderr, "after the delta: %llu edges\n", static_cast<unsigned long long>(edges));
  return 0;
}
