// bench/exposure_bench.cpp: blocked_set (one fixpoint per rule) and per-entity exposure latency
// on the seeded generator's ownership graphs.
//   skg_bench_exposure --entities 10000000 --runs 3
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "generator.h"
#include "harness.h"
#include "sweep_reference.h"
#include "skg/queries/exposure.h"

namespace {

/// A fingerprint of every node's verdict (FNV-1a over node index and verdict of the nodes that
/// are not "no"): two builds that print the same one give the same blocked set, node by node.
std::uint64_t fingerprint(const skg::BlockedSet& set) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  auto mix = [&](std::uint64_t value) {
    for (int byte = 0; byte < 8; ++byte) hash = (hash ^ ((value >> (8 * byte)) & 0xFF)) * 0x100000001b3ull;
  };
  for (std::uint32_t at = 0; at < set.node_count(); ++at) {
    const auto verdict = set.verdict(skg::NodeId{at});
    if (verdict != skg::Verdict::No) mix((std::uint64_t{at} << 8) | static_cast<std::uint64_t>(verdict));
  }
  return hash;
}

/// SKG_BENCH_VERDICTS=DIR writes DIR/LABEL.txt, one "node verdict" line per node that is not
/// "no": two builds' files, compared with diff, name the parties whose verdicts differ.
void dump_verdicts(const skg::BlockedSet& set, const char* label) {
  const char* dir = std::getenv("SKG_BENCH_VERDICTS");
  if (dir == nullptr) return;
  std::ofstream out(std::string(dir) + "/" + label + ".txt");
  for (std::uint32_t at = 0; at < set.node_count(); ++at) {
    const auto verdict = set.verdict(skg::NodeId{at});
    if (verdict != skg::Verdict::No) out << at << ' ' << static_cast<int>(verdict) << '\n';
  }
}

/// SKG_BENCH_EXPLAIN=FILE (node indexes, one a line) prints each node's stakes: the owner, its
/// verdict, the share and whether the edge holds on the date; repeated owners are marked.
void explain_nodes(const skg::Graph& graph, const skg::BlockedSet& set, const char* label) {
  const char* path = std::getenv("SKG_BENCH_EXPLAIN");
  if (path == nullptr) return;
  std::ifstream in(path);
  for (std::uint32_t at = 0; in >> at;) {
    if (at >= graph.node_count()) continue;
    const skg::NodeId node{at};
    std::fprintf(stderr, "%s: node %u verdict %d, stakes:\n", label, at, static_cast<int>(set.verdict(node)));
    std::vector<std::uint32_t> owners;
    for (skg::EdgeId edge : graph.in_edges(node)) {
      if (graph.edge_kind(edge) != skg::EdgeKind::Owns) continue;
      const auto share = graph.share(edge);
      const std::uint32_t owner = skg::index(graph.source(edge));
      const bool repeated = std::find(owners.begin(), owners.end(), owner) != owners.end();
      owners.push_back(owner);
      std::fprintf(stderr, "  edge %u from %u (verdict %d) share %.4f-%.4f%s\n", skg::index(edge), owner,
                   static_cast<int>(set.verdict(graph.source(edge))), share.min().value_or(-1),
                   share.max().value_or(-1), repeated ? " REPEATED OWNER" : "");
    }
  }
}

std::uint64_t answer(const skg::BlockedSet& set) {
  return set.count(skg::Verdict::Yes) * 1'000'000'000ull + set.count(skg::Verdict::Possibly);
}

}  // namespace

int main(int argc, char** argv) {
  skg::bench::Harness bench("exposure", argc, argv);
  double start = skg::bench::now();
  const skg::Graph graph = skg::generate({.entities = bench.entities(), .seed = bench.seed()});
  bench.set_size(graph.node_count(), graph.edge_count());
  bench.row("exposure/generate_untimed_setup", 1, skg::bench::now() - start);
  // Memory by stage (peak so far, and the graph's columns): says whether a peak comes from
  // building the graph or from the queries.
  std::fprintf(stderr, "after generate: peak RSS %.1f MiB, graph columns %.1f MiB\n",
               static_cast<double>(skg::bench::peak_rss_bytes()) / (1024.0 * 1024.0),
               static_cast<double>(graph.stats().bytes) / (1024.0 * 1024.0));

  // The generator makes OFAC SDN listings only: the aggregating rule (OFAC today), and the
  // non-aggregating one (OFAC before 2014-08-13, the same code path as the UK rule).
  const struct {
    const char* label;
    skg::ExposureOptions options;
  } cases[] = {{"blocked_set_ofac", {.rule = skg::Rule::Ofac}},
               {"blocked_set_ofac_2014-08-12_not_aggregated",
                {.rule = skg::Rule::Ofac, .as_of = skg::Date::parse("2014-08-12")}}};
  for (const auto& bench_case : cases) {
    const char* label = bench_case.label;
    const skg::ExposureOptions& options = bench_case.options;  // named, not a structured binding: lambdas capture it
    const skg::Rule rule = options.rule;
    const auto expect = answer(skg::blocked_set(graph, options));
    bench.run([&] { return answer(skg::blocked_set(graph, options)); }, expect, label);
    const auto set = skg::blocked_set(graph, options);
    std::fprintf(stderr, "%s: %zu listed-or-blocked yes, %zu possibly, of %zu nodes; fingerprint %016llx\n",
                 label, set.count(skg::Verdict::Yes), set.count(skg::Verdict::Possibly), graph.node_count(),
                 static_cast<unsigned long long>(fingerprint(set)));
    dump_verdicts(set, label);
    explain_nodes(graph, set, label);
    if (rule == skg::Rule::Ofac && !options.as_of && graph.node_count() <= 2'000'000) {
      const auto reference = skg::blocked_by_sweeps(graph, set);
      if (reference != set.count(skg::Verdict::Yes)) {
        std::fprintf(stderr, "blocked_set_ofac: %zu yes, the sweep reference says %llu\n",
                     set.count(skg::Verdict::Yes), static_cast<unsigned long long>(reference));
        return 1;
      }
      std::fprintf(stderr, "blocked_set_ofac: matches the full-sweep reference (%llu)\n",
                   static_cast<unsigned long long>(reference));
    }
  }

  std::fprintf(stderr, "after blocked_set: peak RSS %.1f MiB\n",
               static_cast<double>(skg::bench::peak_rss_bytes()) / (1024.0 * 1024.0));

  // Per-entity answers with reasons after one blocked_set: a fixed sample of parties, and the
  // parties that have at least one blocked or possibly blocked owner (the ones with reasons).
  const auto set = skg::blocked_set(graph, {.rule = skg::Rule::Ofac});
  std::vector<skg::NodeId> sample, exposed;
  std::uint64_t state = bench.seed();
  for (int at = 0; at < 20000; ++at) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const auto node = skg::NodeId{static_cast<std::uint32_t>((state >> 33) % graph.node_count())};
    if (graph.kind(node) == skg::NodeKind::Action || graph.kind(node) == skg::NodeKind::Authority)
      continue;
    sample.push_back(node);
  }
  for (std::uint32_t at = 0; at < graph.node_count() && exposed.size() < 20000; at += 7) {
    const skg::NodeId node{at};
    for (skg::EdgeId edge : graph.in_edges(node))
      if (set.would_be(graph.source(edge)) != skg::Verdict::No) {
        exposed.push_back(node);
        break;
      }
  }
  for (auto [label, nodes] : {std::pair{"exposure_entity_sample", &sample},
                              std::pair{"exposure_entity_with_blocked_owner", &exposed}}) {
    std::vector<double> seconds;
    std::size_t reasons = 0, mismatches = 0;
    const double wall_start = skg::bench::now(), cpu_start = skg::bench::cpu_now();
    for (skg::NodeId node : *nodes) {
      const double t0 = skg::bench::now();
      const auto answer = skg::exposure(graph, set, node);
      seconds.push_back(skg::bench::now() - t0);
      reasons += answer.reasons.size() + answer.cautions.size();
      if (answer.blocked != set.verdict(node)) ++mismatches;
    }
    const double wall_total = skg::bench::now() - wall_start, cpu_total = skg::bench::cpu_now() - cpu_start;
    if (mismatches != 0) {
      std::fprintf(stderr, "%s: %zu answers disagree with the blocked set\n", label, mismatches);
      return 1;
    }
    auto sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    bench.row(std::string("exposure/") + label + "_median", 1, sorted[sorted.size() / 2]);
    bench.row(std::string("exposure/") + label + "_p95", 1, sorted[sorted.size() * 95 / 100]);
    skg::bench::Harness::summary(std::string("exposure/") + label, seconds);
    std::fprintf(stderr, "%s: %zu entities, %.2f reasons and cautions each; median %.3f us, p95 %.3f us; "
                 "all of them %.3f s wall, %.3f s CPU (%.3f us CPU each)\n",
                 label, nodes->size(), static_cast<double>(reasons) / static_cast<double>(nodes->size()),
                 sorted[sorted.size() / 2] * 1e6, sorted[sorted.size() * 95 / 100] * 1e6, wall_total, cpu_total,
                 cpu_total * 1e6 / static_cast<double>(nodes->size()));
  }
  std::fprintf(stderr, "peak RSS %.1f MiB\n",
               static_cast<double>(skg::bench::peak_rss_bytes()) / (1024.0 * 1024.0));
  return 0;
}
