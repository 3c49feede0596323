// bench/load_lists_bench.cpp: MB/s and records/s of each list loader on the real files, and the
// time to load every file of the shared datasets folder into one graph.
//   skg_bench_load_lists --path ../shared/datasets --runs 5
// Timed: load() into a fresh builder (parse, map, commit); freeze is reported apart.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "harness.h"
#include "skg/graph/builder.h"
#include "skg/loaders/load.h"

int main(int argc, char** argv) {
  auto bench = skg::bench::Harness("load_lists", argc, argv);
  const std::string root = bench.path().empty() ? std::string(SKG_SOURCE_DIR "/../shared/datasets") : bench.path();
  if (!std::filesystem::exists(root)) {
    std::fprintf(stderr, "load_lists: %s not found (pass --path)\n", root.c_str());
    return 2;
  }
  struct Case {
    std::string label, path;
  };
  const std::vector<Case> cases = {
      {"ofac_sdn_2024-05-03", root + "/ofac/sdn_2024-05-03/sdn.csv"},
      {"ofac_sdn_2021-07_set", root + "/ofac/sdn_2021-07/sdn.csv"},
      {"csl_2023-11", root + "/csl/csl_2023-11_subset.csv"},
      {"bis_dpl_2022-09", root + "/bis/dpl_2022-09.txt"},
      {"un_2026-02", root + "/un/consolidated_2026-02.xml"},
      {"ofac_xml_classic_cons_2024-05-06", root + "/ofac/xml/consolidated_2024-05-06.xml"},
      {"ofac_xml_advanced_cons_2020-03-17", root + "/ofac/xml/cons_advanced_2020-03-17.xml"},
      {"ofac_xml_enhanced_irgc_2024-08-28", root + "/ofac/xml/enhanced_irgc_2024-08-28.xml"},
      {"fcc_covered", root + "/fcc/covered_list.csv"},
      {"ftm_zala", root + "/opensanctions/zala/entities.ftm.json"},
      {"bods_examples", root + "/bods"},
      {"everything", root},
  };
  const skg::LoadOptions options{.on_bad_record = skg::OnBadRecord::Skip};
  for (const Case& c : cases) {
    if (!std::filesystem::exists(c.path)) continue;
    skg::LoadReport last;
    double freeze_seconds = 0;
    std::size_t nodes = 0, edges = 0;
    const auto seconds = bench.run(
        [&] {
          skg::Builder builder;
          last = skg::load(c.path, builder, options);
          const double start = skg::bench::now();
          const skg::Graph graph = std::move(builder).freeze();
          freeze_seconds = skg::bench::now() - start;
          nodes = graph.node_count(), edges = graph.edge_count();
          return static_cast<std::uint64_t>(nodes);
        },
        skg::bench::Harness::kNoCheck, c.label);
    std::vector<double> sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2] - freeze_seconds;  // load and commit only
    std::uint64_t records = 0;
    for (const char* kind : {"entities", "aliases", "addresses", "actions", "documents"}) records += last.count(kind);
    std::fprintf(stderr, "  %s: %.2f MB, %zu nodes, %zu edges: load %.1f ms (%.0f MB/s, %.0f records/s), freeze %.1f ms\n",
                 c.label.c_str(), last.bytes / 1e6, nodes, edges, median * 1e3, last.bytes / 1e6 / median,
                 records / median, freeze_seconds * 1e3);
  }
  return 0;
}
