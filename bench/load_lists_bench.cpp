// bench/load_lists_bench.cpp: MB/s and records/s of each list loader on the real files, and the
// time to load every file of the shared datasets folder into one graph.
//   skg_bench_load_lists --path ../shared/datasets --runs 5
// Timed: load() into a fresh builder (parse, map, commit); freeze is reported apart. The summary
// line gives the load phase's median CPU time (user + system) and wall time; on a shared machine
// the CPU figure is the one to compare. SKG_BENCH_FINGERPRINT=1 adds, per file, a hash of the
// loaded graph's whole text (tests/graph/graph_fingerprint.h): equal hashes before and after a
// loader change mean it left the graph as it was.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "../tests/graph/graph_fingerprint.h"
#include "harness.h"
#include "skg/graph/builder.h"
#include "skg/loaders/load.h"

namespace {

/// CPU time of the calling thread alone: with a loader's worker threads on other cores, this is
/// the load's critical path (its wall time on a machine with a core free for each worker).
double thread_cpu_now() {
  timespec spec{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec);
  return static_cast<double>(spec.tv_sec) + static_cast<double>(spec.tv_nsec) * 1e-9;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// A few MB of GLEIF LEI-CDF XML made from the real sample's records, each copy's LEIs changed in
/// their first four characters (so every record is a distinct party). Written once, not timed.
std::string gleif_replica(const std::string& sample, const std::string& out, int copies) {
  const std::string text = read_all(sample);
  const auto open = text.find("<lei:LEIRecords>"), close = text.find("</lei:LEIRecords>");
  if (open == std::string::npos || close == std::string::npos) return {};
  const std::size_t body = open + 16;
  const std::string records = text.substr(body, close - body);
  std::string result = text.substr(0, body);
  constexpr std::string_view kTag = "<lei:LEI>";
  for (int copy = 0; copy < copies; ++copy) {
    std::string records_copy = records;
    char prefix[8];
    std::snprintf(prefix, sizeof prefix, "%04d", copy);
    for (std::size_t at = records_copy.find(kTag); at != std::string::npos; at = records_copy.find(kTag, at + 1))
      records_copy.replace(at + kTag.size(), 4, prefix);
    result += records_copy;
  }
  result += text.substr(close);
  std::ofstream(out, std::ios::binary) << result;
  return out;
}

/// A few MB of PSC snapshot lines made from the sample's lines, each copy under other company
/// numbers (every occurrence of the number in the line, so links.self ids differ too).
std::string psc_replica(const std::string& sample, const std::string& out, int copies) {
  std::ifstream in(sample, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (line.find("\"company_number\":\"") != std::string::npos) lines.push_back(line);
  if (lines.empty()) return {};
  std::ofstream file(out, std::ios::binary);
  int number = 0;
  for (int copy = 0; copy < copies; ++copy) {
    for (std::string line : lines) {
      const auto at = line.find("\"company_number\":\"") + 18;
      const std::string original = line.substr(at, line.find('"', at) - at);
      char replacement[16];
      std::snprintf(replacement, sizeof replacement, "%08d", 20000000 + number++);
      for (std::size_t found = line.find(original); found != std::string::npos; found = line.find(original, found + 8))
        line.replace(found, original.size(), replacement);
      file << line << '\n';
    }
  }
  return out;
}

}  // namespace

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
  // SKG_BENCH_ONLY=label,label runs only those cases (for perf record of one loader).
  const char* only = std::getenv("SKG_BENCH_ONLY");
  const auto wanted = [only](std::string_view label) {
    return only == nullptr || ("," + std::string(only) + ",").find("," + std::string(label) + ",") != std::string::npos;
  };
  // The EU FSF sample is 39 KB, too small for a rate: its five entries repeated 128 times (5 MB,
  // each copy under its own reference numbers, so every copy is a party of its own).
  const std::string eu_sample = root + "/eu/fsf_sample_2026-08.xml";
  const std::string eu_large = (std::filesystem::temp_directory_path() / "skg_bench_eu_fsf_x128.xml").string();
  if (std::filesystem::exists(eu_sample) && wanted("eu_fsf_2026-08_x128")) {
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
      {"uk_sanctions_list_sample", root + "/uk/uk_sanctions_list_sample_2026-09.xml"},
      {"ofsi_conlist_2014-04", root + "/uk/ofsi_conlist_2014-04.csv"},
      {"ofsi_conlist_2018-04", root + "/uk/ofsi_conlist_2018-04.csv"},
      {"ofac_xml_classic_cons_2024-05-06", root + "/ofac/xml/consolidated_2024-05-06.xml"},
      {"ofac_xml_advanced_cons_2020-03-17", root + "/ofac/xml/cons_advanced_2020-03-17.xml"},
      {"ofac_xml_enhanced_irgc_2024-08-28", root + "/ofac/xml/enhanced_irgc_2024-08-28.xml"},
      {"fcc_covered", root + "/fcc/covered_list.csv"},
      {"ftm_zala", root + "/opensanctions/zala/entities.ftm.json"},
      {"bods_examples", root + "/bods"},
      {"gleif_json_golden_copy", root + "/gleif/lei2_intraday_2024-05-05.json"},
      {"gleif_folder", root + "/gleif"},
      {"gleif_lei_xml_x200", !wanted("gleif_lei_xml_x200") ? std::string() : gleif_replica(root + "/gleif/lei-data.xml", (std::filesystem::temp_directory_path() / "skg_bench_gleif_lei_x200.xml").string(), 200)},
      {"psc_lines_x5000", !wanted("psc_lines_x5000") ? std::string() : psc_replica(SKG_SOURCE_DIR "/datasets/samples/psc/psc-snapshot-lines.txt",
                                      (std::filesystem::temp_directory_path() / "skg_bench_psc_x5000.txt").string(), 5000)},
      {"everything", root},
  };
  const skg::LoadOptions options{.on_bad_record = skg::OnBadRecord::Skip};
  const char* fingerprint_env = std::getenv("SKG_BENCH_FINGERPRINT");
  const bool print_fingerprint = fingerprint_env != nullptr && std::string_view(fingerprint_env) == "1";
  for (const Case& c : cases) {
    if (!wanted(c.label) || c.path.empty() || !std::filesystem::exists(c.path)) continue;
    skg::LoadReport last;
    std::size_t nodes = 0, edges = 0;
    // Per run: the load phase (parse, map, commit) and the freeze, each in wall and CPU time.
    std::vector<double> load_wall, load_cpu, load_thread_cpu, freeze_wall, freeze_cpu;
    bench.run(
        [&] {
          skg::Builder builder;
          const double wall0 = skg::bench::now(), cpu0 = skg::bench::cpu_now(), thread0 = thread_cpu_now();
          last = skg::load(c.path, builder, options);
          const double wall1 = skg::bench::now(), cpu1 = skg::bench::cpu_now();
          load_thread_cpu.push_back(thread_cpu_now() - thread0);
          const skg::Graph graph = std::move(builder).freeze();
          load_wall.push_back(wall1 - wall0), load_cpu.push_back(cpu1 - cpu0);
          freeze_wall.push_back(skg::bench::now() - wall1), freeze_cpu.push_back(skg::bench::cpu_now() - cpu1);
          nodes = graph.node_count(), edges = graph.edge_count();
          return static_cast<std::uint64_t>(nodes);
        },
        skg::bench::Harness::kNoCheck, c.label);
    // The first entry is the untimed warm-up.
    const auto median = [](std::vector<double> values) {
      values.erase(values.begin());
      std::sort(values.begin(), values.end());
      return values[values.size() / 2];
    };
    const double wall = median(load_wall), cpu = median(load_cpu);
    // The fastest run too: on a machine other processes load, it is the steadier figure to
    // compare two builds by (interference only ever adds time).
    const double cpu_min = *std::min_element(load_cpu.begin() + 1, load_cpu.end());
    // And the fastest wall time: what a user waits on a quiet machine (a loader that runs a
    // worker thread spends more CPU than wall time).
    const double wall_min = *std::min_element(load_wall.begin() + 1, load_wall.end());
    std::uint64_t records = 0;
    for (const char* kind : {"entities", "aliases", "addresses", "actions", "documents", "identifications"}) records += last.count(kind);
    std::fprintf(stderr,
                 "  %s: %.2f MB, %zu nodes, %zu edges: load CPU %.1f ms (%.0f MB/s, %.0f records/s), "
                 "load wall %.1f ms (%.0f MB/s); freeze CPU %.1f ms, wall %.1f ms (medians); fastest load CPU %.1f ms (%.0f MB/s), "
                 "fastest load wall %.1f ms (%.0f MB/s); calling thread's load CPU %.1f ms median, %.1f ms fastest\n",
                 c.label.c_str(), last.bytes / 1e6, nodes, edges, cpu * 1e3, last.bytes / 1e6 / cpu, records / cpu,
                 wall * 1e3, last.bytes / 1e6 / wall, median(freeze_cpu) * 1e3, median(freeze_wall) * 1e3, cpu_min * 1e3, last.bytes / 1e6 / cpu_min,
                 wall_min * 1e3, last.bytes / 1e6 / wall_min, median(load_thread_cpu) * 1e3,
                 *std::min_element(load_thread_cpu.begin() + 1, load_thread_cpu.end()) * 1e3);
    if (print_fingerprint) {
      skg::Builder builder;
      (void)skg::load(c.path, builder, options);
      const std::string text = skg::testing::fingerprint(std::move(builder).freeze());
      std::fprintf(stderr, "  %s: fingerprint %016llx (%zu bytes)\n", c.label.c_str(),
                   static_cast<unsigned long long>(skg::detail::hash_string(text)), text.size());
    }
  }
  return 0;
}
