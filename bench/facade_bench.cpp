// bench/facade_bench.cpp: what the façade (skg/skg.h) costs per call over the raw query functions:
// View::exposure against exposure(graph, blocked, node) on the same cached blocked set, and the
// cache look-up (View::blocked) alone. Rounds are interleaved; medians of CPU time per call.
//   skg_bench_facade --entities 100000 --runs 7
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "generator.h"
#include "harness.h"
#include "skg/skg.h"

namespace {
double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  std::uint32_t entities = 100000;
  int runs = 7;
  for (int at = 1; at + 1 < argc; at += 2) {
    const std::string_view arg = argv[at];
    if (arg == "--entities") entities = static_cast<std::uint32_t>(std::strtoul(argv[at + 1], nullptr, 10));
    if (arg == "--runs") runs = std::atoi(argv[at + 1]);
  }
  const skg::Database db(skg::generate({.entities = entities, .seed = 7}));
  const skg::View view = db.as_of("2024-08-01");
  const auto blocked_ptr = view.blocked(skg::Rule::Ofac);  // built once, outside the timing
  const skg::BlockedSet& blocked = *blocked_ptr;
  std::vector<skg::NodeId> sample;
  for (std::uint32_t node = 0; node < db.graph().node_count(); node += 7) sample.push_back(skg::NodeId{node});
  const double calls = static_cast<double>(sample.size());

  std::vector<double> raw_ns, facade_ns, lookup_ns;
  std::size_t raw_check = 0, facade_check = 0;
  for (int run = 0; run < runs; ++run) {
    double start = skg::bench::cpu_now();
    for (skg::NodeId node : sample) raw_check += skg::exposure(db.graph(), blocked, node).reasons.size();
    raw_ns.push_back((skg::bench::cpu_now() - start) * 1e9 / calls);

    start = skg::bench::cpu_now();
    for (skg::NodeId node : sample) facade_check += view.exposure(node, skg::Rule::Ofac).reasons.size();
    facade_ns.push_back((skg::bench::cpu_now() - start) * 1e9 / calls);

    start = skg::bench::cpu_now();
    std::size_t count = 0;
    for (skg::NodeId node : sample) count += view.blocked(skg::Rule::Ofac)->listed(node);
    lookup_ns.push_back((skg::bench::cpu_now() - start) * 1e9 / calls);
    if (count == static_cast<std::size_t>(-1)) std::puts("");
  }
  if (raw_check != facade_check) {
    std::fprintf(stderr, "facade: answers differ (%zu reasons raw, %zu via the view)\n", raw_check, facade_check);
    return 1;
  }
  std::printf("facade_bench\tnodes %zu\tcalls/run %zu\truns %d\tload %.1f\n", db.graph().node_count(),
              sample.size(), runs, skg::bench::load_average());
  std::printf("exposure raw (graph, cached blocked set)\t%.0f ns/call CPU (median)\n", median(raw_ns));
  std::printf("exposure via View (cache look-up + checks)\t%.0f ns/call CPU (median)\n", median(facade_ns));
  std::printf("overhead (median of per-run differences)\t%.0f ns/call\n", [&] {
    std::vector<double> diff;
    for (int run = 0; run < runs; ++run) diff.push_back(facade_ns[run] - raw_ns[run]);
    return median(diff);
  }());
  std::printf("View::blocked look-up alone\t%.1f ns/call CPU (median)\n", median(lookup_ns));
  return 0;
}
