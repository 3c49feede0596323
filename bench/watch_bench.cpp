// bench/watch_bench.cpp: `watch` throughput (portfolio parties a second) over two versions of the
// real SDN list, as `skg watch PORTFOLIO OLD NEW` runs it: skg::watch() on 2 threads, both
// versions' indexes and blocked sets built first (reported apart, not timed).
//   skg_bench_watch --path ../shared/datasets --entities 20000 --runs 5
// Portfolio (deterministic, --seed): half names of the two versions' own parties (drawn from OLD
// and NEW alike, so delisted and newly designated entries are in it), half generated company and
// person names that match no listed party. The answer checked is the number of parties with a
// change (the same every run).
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "harness.h"
#include "skg/graph/builder.h"
#include "skg/loaders/load.h"
#include "skg/queries/watch.h"

namespace {

skg::Graph load_version(const std::string& folder) {
  skg::Builder builder;
  skg::load(folder, builder, {.on_bad_record = skg::OnBadRecord::Skip});
  return std::move(builder).freeze();
}

std::vector<std::string> party_names(const skg::Graph& graph) {
  std::vector<std::string> out;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const skg::NodeKind kind = graph.kind(skg::NodeId{at});
    if (kind != skg::NodeKind::Action && kind != skg::NodeKind::Authority && !graph.name(skg::NodeId{at}).empty())
      out.emplace_back(graph.name(skg::NodeId{at}));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  auto bench = skg::bench::Harness("watch", argc, argv);
  const std::string root = bench.path().empty() ? std::string(SKG_SOURCE_DIR "/../shared/datasets") : bench.path();
  const std::string old_folder = root + "/ofac/sdn_2021-07", new_folder = root + "/ofac/sdn_2024-05-03";
  for (const auto& folder : {old_folder, new_folder})
    if (!std::filesystem::exists(folder)) {
      std::fprintf(stderr, "watch: %s not found (pass --path)\n", folder.c_str());
      return 2;
    }
  const skg::Graph before = load_version(old_folder);
  const skg::Graph after = load_version(new_folder);
  bench.set_size(before.node_count() + after.node_count(), before.edge_count() + after.edge_count());

  const skg::WatchOptions options;  // every rule, latest state, 2 threads
  double start = skg::bench::now(), cpu = skg::bench::cpu_now();
  const skg::WatchVersion old_version(before, options), new_version(after, options);
  std::fprintf(stderr, "  versions: %zu and %zu nodes; indexes and %zu blocked sets each in %.2f s (CPU %.2f s)\n",
               before.node_count(), after.node_count(), options.rules.size(), skg::bench::now() - start,
               skg::bench::cpu_now() - cpu);

  // The portfolio.
  const std::size_t size = bench.entities() == 1'000'000 ? 20'000 : bench.entities();
  std::vector<std::string> listed = party_names(before);
  for (auto& name : party_names(after)) listed.push_back(std::move(name));
  std::mt19937_64 random(bench.seed());
  const char* first[] = {"John", "Maria", "Peter", "Anna", "Luis", "Chen", "Fatima", "Olga", "Tom", "Sara", "Ivan", "Ali"};
  const char* last[] = {"Smithson", "Garcia", "Muller", "Rossi", "Novak", "Jensen", "Silva", "Kowalski", "Brown", "Dubois", "Tanaka", "Okafor"};
  const char* words[] = {"Harbour", "Meadow", "Granite", "Willow", "Summit", "Copper", "Lantern", "Orchard", "Falcon", "Maple"};
  const char* trades[] = {"Ceramics", "Logistics", "Bakery", "Textiles", "Plumbing", "Printing", "Dental", "Furniture"};
  const char* forms[] = {"Ltd", "GmbH", "LLC", "SARL", "BV", "Oy"};
  std::vector<skg::ScreenInputRow> portfolio(size);
  for (std::size_t at = 0; at < size; ++at) {
    skg::ScreenInputRow& row = portfolio[at];
    row.line = at + 2;
    row.ref = "P" + std::to_string(at);
    if (at % 2 == 0) {
      row.name = listed[random() % listed.size()];
    } else if (at % 4 == 1) {
      row.name = std::string(first[random() % 12]) + " " + last[random() % 12] + "-" + last[random() % 12];
    } else {
      row.name = std::string(words[random() % 10]) + " " + words[random() % 10] + " " + trades[random() % 8] + " " + forms[random() % 6];
    }
  }

  std::size_t changed = 0, unchanged = 0;
  const auto seconds = bench.run([&] {
    const skg::WatchReport report = skg::watch(old_version, new_version, portfolio, options);
    changed = report.changed.size();
    unchanged = report.unchanged;
    return static_cast<std::uint64_t>(report.changed.size());
  });
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  std::fprintf(stderr, "  portfolio %zu parties: %zu changed, %zu unchanged; median %.0f parties/s (wall), load %.2f\n",
               size, changed, unchanged, size / sorted[sorted.size() / 2], skg::bench::load_average());
  return 0;
}
