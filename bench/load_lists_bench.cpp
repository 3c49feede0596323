// bench/load_lists_bench.cpp: MB/s and records/s of each list loader on the real files, and the
// time to load every file of the shared datasets folder into one graph.
//   skg_bench_load_lists --path ../shared/datasets --runs 5
// Timed: load() into a fresh builder (parse, map, commit); freeze is reported apart.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
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
  // The EU FSF sample is 39 KB, too small for a rate: its five entries repeated 128 times (5 MB,
  // each copy under its own reference numbers, so every copy is a party of its own).
  const std::string eu_sample = root + "/eu/fsf_sample_2026-08.xml";
  const std::string eu_large = (std::filesystem::temp_directory_path() / "skg_bench_eu_fsf_x128.xml").string();
  if (std::filesystem::exists(eu_sample)) {
    std::ifstream in(eu_sample, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    const auto body = text.find("<sanctionEntity"), end = text.rfind("</export>");
    std::string out = text.substr(0, body);
    for (int copy = 0; copy < 128; ++copy) {
      std::string entries = text.substr(body, end - body);
      for (std::size_t at = 0; (at = entries.find("euReferenceNumber=\"EU.", at)) != std::string::npos; at += 22)
        entries.insert(at + 22, std::to_string(copy) + "-");
      out += entries;
    }
    out += text.substr(end);
    std::ofstream(eu_large, std::ios::binary) << out;
  }
  const std::vector<Case> cases = {
      {"ofac_sdn_2024-05-03", root + "/ofac/sdn_2024-05-03/sdn.csv"},
      {"ofac_sdn_2021-07_set", root + "/ofac/sdn_2021-07/sdn.csv"},
      {"csl_2023-11", root + "/csl/csl_2023-11_subset.csv"},
      {"bis_dpl_2022-09", root + "/bis/dpl_2022-09.txt"},
      {"un_2026-02", root + "/un/consolidated_2026-02.xml"},
      {"eu_fsf_2026-08_sample", eu_sample},
      {"eu_fsf_2026-08_x128", eu_large},
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
    for (const char* kind : {"entities", "aliases", "addresses", "actions", "documents", "identifications"}) records += last.count(kind);
    std::fprintf(stderr, "  %s: %.2f MB, %zu nodes, %zu edges: load %.1f ms (%.0f MB/s, %.0f records/s), freeze %.1f ms\n",
                 c.label.c_str(), last.bytes / 1e6, nodes, edges, median * 1e3, last.bytes / 1e6 / median,
                 records / median, freeze_seconds * 1e3);
  }
  return 0;
}
