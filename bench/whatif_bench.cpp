// bench/whatif_bench.cpp: what-if latency (queries/whatif.h) for designating and delisting a
// small, a median and the most connected party (by downstream reach), against the full
// recompute of the blocked set, on the seeded generator's graphs.
//   skg_bench_whatif --entities 1000000 --runs 200 --seed 7
// --runs: what-if questions timed per case (after one warm-up); the full recompute runs 5 times.
// Every time is also taken as CPU time (CLOCK_THREAD_CPUTIME_ID: the what-if runs on one thread).
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "generator.h"
#include "harness.h"
#include "skg/queries/exposure.h"
#include "skg/queries/whatif.h"

namespace {

double thread_cpu() {
  timespec spec{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec);
  return static_cast<double>(spec.tv_sec) + static_cast<double>(spec.tv_nsec) * 1e-9;
}

/// Parties downstream of `from` along ownership and control links (itself included).
std::size_t downstream(const skg::Graph& graph, skg::NodeId from, std::vector<std::uint32_t>& stamp,
                       std::uint32_t generation) {
  std::vector<skg::NodeId> queue{from};
  stamp[skg::index(from)] = generation;
  for (std::size_t at = 0; at < queue.size(); ++at)
    for (skg::EdgeId edge : graph.out_edges(queue[at])) {
      const auto kind = graph.edge_kind(edge);
      if (kind != skg::EdgeKind::Owns && kind != skg::EdgeKind::Controls) continue;
      const skg::NodeId to = graph.target(edge);
      if (stamp[skg::index(to)] == generation) continue;
      stamp[skg::index(to)] = generation;
      queue.push_back(to);
    }
  return queue.size();
}

struct Pick {
  const char* label;
  skg::NodeId node;
  std::size_t reach;
};

/// Small (least reach above 1), median and largest downstream reach among `candidates`.
std::vector<Pick> picks(const skg::Graph& graph, const std::vector<skg::NodeId>& candidates) {
  std::vector<std::uint32_t> stamp(graph.node_count(), 0);
  std::vector<std::pair<std::size_t, skg::NodeId>> reach;
  std::uint32_t generation = 0;
  for (skg::NodeId node : candidates) reach.emplace_back(downstream(graph, node, stamp, ++generation), node);
  std::sort(reach.begin(), reach.end());
  auto small = std::find_if(reach.begin(), reach.end(), [](const auto& r) { return r.first > 1; });
  if (small == reach.end()) small = reach.begin();
  const auto& median = reach[reach.size() / 2];
  const auto& most = reach.back();
  return {{"small", small->second, small->first}, {"median", median.second, median.first},
          {"most_connected", most.second, most.first}};
}

void percentiles(const char* label, std::vector<double> wall, std::vector<double> cpu, std::size_t changed,
                 std::size_t recomputed, std::size_t reach) {
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  auto at = [](const std::vector<double>& v, double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))]; };
  std::fprintf(stderr,
               "%-44s reach %8zu  changed %7zu  recomputed %8zu  wall p50 %9.3f ms p99 %9.3f ms  CPU p50 %9.3f ms "
               "p99 %9.3f ms (n=%zu, load %.2f)\n",
               label, reach, changed, recomputed, at(wall, 0.5) * 1e3, at(wall, 0.99) * 1e3, at(cpu, 0.5) * 1e3,
               at(cpu, 0.99) * 1e3, wall.size(), skg::bench::load_average());
}

}  // namespace

int main(int argc, char** argv) {
  skg::bench::Harness bench("whatif", argc, argv);
  const double start = skg::bench::now();
  const skg::Graph graph = skg::generate({.entities = bench.entities(), .seed = bench.seed()});
  bench.set_size(graph.node_count(), graph.edge_count());
  bench.row("whatif/generate_untimed_setup", 1, skg::bench::now() - start);

  // Candidates: 300 sampled parties (listed ones for delistings, the others for designations)
  // and the 50 with the most links out; "most connected" is the largest downstream reach among
  // them (a downstream search from every party would take hours at 1M).
  std::mt19937_64 rng(bench.seed());
  std::vector<skg::NodeId> parties, listed_parties;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at)
    if (graph.action(skg::NodeId{at}) == nullptr) parties.push_back(skg::NodeId{at});
  std::vector<std::pair<std::size_t, skg::NodeId>> degree;
  for (skg::NodeId node : parties) degree.emplace_back(graph.out_edges(node).size(), node);
  std::partial_sort(degree.begin(), degree.begin() + std::min<std::size_t>(50, degree.size()), degree.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first; });

  const struct {
    const char* label;
    skg::ExposureOptions options;
  } rules[] = {{"ofac", {.rule = skg::Rule::Ofac}},
               {"ofac_2014-08-12_not_aggregated", {.rule = skg::Rule::Ofac, .as_of = skg::Date::parse("2014-08-12")}}};
  for (const auto& rule_case : rules) {
    const skg::ExposureOptions& options = rule_case.options;
    // The full recompute the what-if replaces.
    std::vector<double> full_wall, full_cpu;
    for (int run = 0; run < 5; ++run) {
      const double w = skg::bench::now(), c = skg::bench::cpu_now();
      const auto set = skg::blocked_set(graph, options);
      full_wall.push_back(skg::bench::now() - w);
      full_cpu.push_back(skg::bench::cpu_now() - c);
      if (set.node_count() != graph.node_count()) return 1;
    }
    percentiles((std::string("full_recompute/") + rule_case.label).c_str(), full_wall, full_cpu, 0, graph.node_count(), 0);
    const skg::BlockedSet baseline = skg::blocked_set(graph, options);
    skg::WhatIf engine(graph, baseline);

    std::vector<skg::NodeId> unlisted, listed;
    for (int tries = 0; tries < 200000 && (unlisted.size() < 300 || listed.size() < 300); ++tries) {
      const skg::NodeId node = parties[rng() % parties.size()];
      (baseline.listed(node) ? listed : unlisted).push_back(node);
    }
    for (std::size_t at = 0; at < std::min<std::size_t>(50, degree.size()); ++at)
      (baseline.listed(degree[at].second) ? listed : unlisted).push_back(degree[at].second);

    for (const bool designate : {true, false}) {
      for (const Pick& pick : picks(graph, designate ? unlisted : listed)) {
        for (const bool explain : {false, true}) {
          skg::WhatIfChanges changes;
          (designate ? changes.designate : changes.delist).push_back(pick.node);
          const skg::WhatIfResult check = engine.run(changes, {.explain = explain});  // warm-up
          // The answer is checked: the party's own designation changes, and asking again gives
          // the same answer (the engine restored its working copy).
          if (check.changed.empty() || check.changed.size() != engine.run(changes, {.explain = false}).changed.size()) {
            std::fprintf(stderr, "whatif: inconsistent answer for node %u\n", skg::index(pick.node));
            return 1;
          }
          std::vector<double> wall, cpu;
          const int runs = explain && check.changed.size() > 1000 ? std::max(5, bench.runs() / 20) : bench.runs();
          for (int run = 0; run < runs; ++run) {
            const double w = skg::bench::now(), c = thread_cpu();
            const auto result = engine.run(changes, {.explain = explain});
            wall.push_back(skg::bench::now() - w);
            cpu.push_back(thread_cpu() - c);
            if (result.changed.size() != check.changed.size()) return 1;
          }
          const std::string label = std::string(designate ? "designate/" : "delist/") + rule_case.label + "/" +
                                    pick.label + (explain ? "/explained" : "/verdicts");
          percentiles(label.c_str(), wall, cpu, check.changed.size(), check.recomputed, pick.reach);
          for (std::size_t run = 0; run < wall.size(); ++run) bench.row(label, static_cast<int>(run + 1), wall[run]);
        }
      }
    }
  }
  return 0;
}
