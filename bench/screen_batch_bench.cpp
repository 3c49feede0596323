// bench/screen_batch_bench.cpp: batch screening throughput (queries a second) on the real lists,
// as `screen-file` runs it: screen_query() over a frozen graph and its indexes, on 1 and 2
// threads, answers kept in input order.
//   skg_bench_screen_batch --path ../shared/datasets --entities 20000 --runs 3
// Queries (deterministic, --seed): a quarter listed names as written, a quarter with two
// neighbouring letters swapped, a quarter with a birth year and a country, a quarter generated
// names of people not on any list. Timed: the screening of every query; the index builds are
// reported apart. The answer checked is the number of queries with a hit (the same on 1 and 2
// threads).
#include <time.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"
#include "skg/graph/builder.h"
#include "skg/loaders/load.h"
#include "skg/queries/screen_query.h"

int main(int argc, char** argv) {
  auto bench = skg::bench::Harness("screen_batch", argc, argv);
  const std::string root = bench.path().empty() ? std::string(SKG_SOURCE_DIR "/../shared/datasets") : bench.path();
  const std::vector<std::string> files = {root + "/ofac/sdn_2024-05-03/sdn.csv",
                                          root + "/un/consolidated_2026-02.xml",
                                          root + "/bis/dpl_2022-09.txt"};
  for (const auto& file : files)
    if (!std::filesystem::exists(file)) {
      std::fprintf(stderr, "screen_batch: %s not found (pass --path)\n", file.c_str());
      return 2;
    }
  skg::Builder builder;
  for (const auto& file : files) skg::load(file, builder, {.on_bad_record = skg::OnBadRecord::Skip});
  const skg::Graph graph = std::move(builder).freeze();
  bench.set_size(graph.node_count(), graph.edge_count());

  double start = skg::bench::now();
  const skg::ScreenIndex names = skg::build_screen_index(graph);
  const double names_seconds = skg::bench::now() - start;
  start = skg::bench::now();
  const skg::IdentifierIndex ids = skg::build_identifier_index(graph);
  const double ids_seconds = skg::bench::now() - start;
  std::fprintf(stderr, "  indexes: names %zu entries in %.1f ms (%.1f MiB), identifiers %zu keys in %.1f ms (%.2f MiB)\n",
               names.entry_count(), names_seconds * 1e3, names.bytes() / 1048576.0, ids.key_count(),
               ids_seconds * 1e3, ids.bytes() / 1048576.0);

  // The queries.
  std::vector<skg::NodeId> parties;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const skg::NodeKind kind = graph.kind(skg::NodeId{at});
    if (kind != skg::NodeKind::Action && kind != skg::NodeKind::Authority && !graph.name(skg::NodeId{at}).empty())
      parties.push_back(skg::NodeId{at});
  }
  std::mt19937_64 random(bench.seed());
  const char* first[] = {"John", "Maria", "Peter", "Anna", "Luis", "Chen", "Fatima", "Olga", "Tom", "Sara", "Ivan", "Ali"};
  const char* last[] = {"Smith", "Garcia", "Muller", "Rossi", "Novak", "Jensen", "Silva", "Kowalski", "Brown", "Dubois", "Tanaka", "Okafor"};
  std::vector<skg::ScreenQuery> queries(bench.entities() == 1'000'000 ? 20000 : bench.entities());
  for (std::size_t at = 0; at < queries.size(); ++at) {
    skg::ScreenQuery& query = queries[at];
    const skg::NodeId party = parties[random() % parties.size()];
    switch (at % 4) {
      case 0: query.name = graph.name(party); break;
      case 1: {
        query.name = graph.name(party);
        if (query.name.size() > 6) {
          const std::size_t swap = 1 + random() % (query.name.size() - 3);
          std::swap(query.name[swap], query.name[swap + 1]);
        }
        break;
      }
      case 2:
        query.name = graph.name(party);
        query.evidence.birth_date = std::to_string(1940 + random() % 60);
        query.evidence.countries = {"Russia"};
        break;
      default:
        query.name = std::string(first[random() % 12]) + " " + last[random() % 12];
    }
  }

  skg::ScreenOptions options;
  options.limit = 5;
  {
    // screen() alone (the name scoring), for the cost of identifiers, evidence and hit details.
    const auto seconds = bench.run(
        [&] {
          std::uint64_t hits = 0;
          for (const auto& query : queries) hits += !skg::screen(graph, names, query.name, options).empty();
          return hits;
        },
        skg::bench::Harness::kNoCheck, "names_only_1_thread");
    std::vector<double> sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    std::fprintf(stderr, "  screen() alone, 1 thread: median %.3f s = %.0f queries/s\n", sorted[sorted.size() / 2],
                 queries.size() / sorted[sorted.size() / 2]);
  }
  // CPU seconds of the process: on a shared machine, wall time measures the neighbours too.
  auto cpu_now = [] {
    timespec spec{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec);
    return spec.tv_sec + spec.tv_nsec * 1e-9;
  };
  for (unsigned threads : {1u, 2u}) {
    std::vector<std::uint8_t> hit(queries.size());
    std::vector<double> cpu;
    const auto seconds = bench.run(
        [&] {
          const double cpu_start = cpu_now();
          std::atomic<std::size_t> next{0};
          auto work = [&] {
            for (std::size_t at; (at = next.fetch_add(64)) < queries.size();)
              for (std::size_t one = at; one < std::min(at + 64, queries.size()); ++one)
                hit[one] = !skg::screen_query(graph, names, ids, queries[one], options).empty();
          };
          std::vector<std::thread> helpers;
          for (unsigned thread = 1; thread < threads; ++thread) helpers.emplace_back(work);
          work();
          for (auto& helper : helpers) helper.join();
          cpu.push_back(cpu_now() - cpu_start);
          std::uint64_t hits = 0;
          for (auto one : hit) hits += one;
          return hits;
        },
        skg::bench::Harness::kNoCheck, std::to_string(threads) + "_threads");
    std::vector<double> sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    std::size_t hits = 0;
    for (auto one : hit) hits += one;
    std::sort(cpu.begin(), cpu.end());
    const double cpu_median = cpu[cpu.size() / 2];
    std::fprintf(stderr,
                 "  %u thread%s: %zu queries, %zu with a hit, median %.3f s = %.0f queries/s "
                 "(%.3f CPU s: %.0f queries per CPU second, %.1f us CPU per query)\n",
                 threads, threads == 1 ? "" : "s", queries.size(), hits, sorted[sorted.size() / 2],
                 queries.size() / sorted[sorted.size() / 2], cpu_median, queries.size() / cpu_median,
                 cpu_median / queries.size() * 1e6);
  }
  return 0;
}
