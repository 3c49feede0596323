// bench/harness.h: the shared frame of every benchmark: options, timed runs, TSV rows, checks.
#pragma once
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace skg::inline v1::bench {

/// Seconds since an arbitrary start, monotonic.
inline double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// CPU seconds (user + system) this process has used so far: beside wall time, it tells a slow
/// run from a run that waited for a core other processes held.
inline double cpu_now() {
  timespec spec{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec);
  return static_cast<double>(spec.tv_sec) + static_cast<double>(spec.tv_nsec) * 1e-9;
}

/// The 1-minute load average, or -1 when it cannot be read.
inline double load_average() {
  double loads[1] = {-1};
  return getloadavg(loads, 1) == 1 ? loads[0] : -1;
}

/// Peak resident memory of this process so far, in bytes.
inline std::size_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::size_t>(usage.ru_maxrss) * 1024;
}

/// Parses `--entities N --runs R --seed S --dataset NAME` and prints one TSV row per timed run:
///   bench  dataset  nodes  edges  run  seconds
/// then a summary line (median, p95, CPU median, load average) on stderr. Setup is not timed; the answer is checked.
class Harness {
 public:
  Harness(std::string name, int argc, char** argv) : name_(std::move(name)) {
    for (int at = 1; at < argc; ++at) {
      const std::string_view arg = argv[at];
      auto value = [&]() -> const char* {
        if (at + 1 >= argc) usage(arg);
        return argv[++at];
      };
      if (arg == "--entities") entities_ = std::strtoull(value(), nullptr, 10);
      else if (arg == "--runs") runs_ = std::atoi(value());
      else if (arg == "--seed") seed_ = std::strtoull(value(), nullptr, 10);
      else if (arg == "--dataset") dataset_ = value();
      else if (arg == "--path") path_ = value();
      else usage(arg);
    }
    if (dataset_.empty()) dataset_ = "generated-" + std::to_string(entities_);
    if (!header_printed()) std::printf("bench\tdataset\tnodes\tedges\trun\tseconds\n");
  }

  std::uint32_t entities() const { return static_cast<std::uint32_t>(entities_); }
  std::uint64_t seed() const { return seed_; }
  int runs() const { return runs_; }
  const std::string& path() const { return path_; }
  void set_size(std::size_t nodes, std::size_t edges) { nodes_ = nodes, edges_ = edges; }

  /// One untimed warm-up, then runs() timed runs of `fn`, each returning the answer (a count
  /// or checksum) that must equal `expect` (unless expect is kNoCheck).
  static constexpr std::uint64_t kNoCheck = ~0ull;
  std::vector<double> run(const std::function<std::uint64_t()>& fn, std::uint64_t expect = kNoCheck,
                          std::string_view label = {}) {
    const std::string bench = label.empty() ? name_ : name_ + "/" + std::string(label);
    check(fn(), expect, bench);
    std::vector<double> seconds, cpu;
    for (int at = 0; at < runs_; ++at) {
      const double start = now(), cpu_start = cpu_now();
      const std::uint64_t answer = fn();
      seconds.push_back(now() - start);
      cpu.push_back(cpu_now() - cpu_start);
      check(answer, expect, bench);
      row(bench, at + 1, seconds.back());
    }
    summary(bench, seconds, cpu);
    return seconds;
  }

  /// Prints one row for a measurement made by hand (a single build, a freeze).
  void row(std::string_view bench, int run, double seconds) const {
    std::printf("%.*s\t%s\t%zu\t%zu\t%d\t%.6f\n", static_cast<int>(bench.size()), bench.data(),
                dataset_.c_str(), nodes_, edges_, run, seconds);
    std::fflush(stdout);
  }
  /// Prints median and p95 of `seconds` (a list of per-run or per-query times) to stderr, with
  /// the median CPU time of the same runs when given and the 1-minute load average.
  static void summary(std::string_view bench, std::vector<double> seconds, std::vector<double> cpu = {}) {
    if (seconds.empty()) return;
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    const double p95 = seconds[std::min(seconds.size() - 1, seconds.size() * 95 / 100)];
    std::string cpu_text;
    if (!cpu.empty()) {
      std::sort(cpu.begin(), cpu.end());
      char text[64];
      std::snprintf(text, sizeof text, ", CPU median %.6f s", cpu[cpu.size() / 2]);
      cpu_text = text;
    }
    std::fprintf(stderr, "%.*s: median %.6f s, p95 %.6f s over %zu%s (load %.2f)\n",
                 static_cast<int>(bench.size()), bench.data(), median, p95, seconds.size(),
                 cpu_text.c_str(), load_average());
  }

 private:
  static bool header_printed() { return std::getenv("SKG_BENCH_NO_HEADER") != nullptr; }
  [[noreturn]] static void usage(std::string_view arg) {
    std::fprintf(stderr, "unknown or incomplete option '%.*s'; options: --entities N --runs R --seed S --dataset NAME --path P\n",
                 static_cast<int>(arg.size()), arg.data());
    std::exit(2);
  }
  static void check(std::uint64_t answer, std::uint64_t expect, std::string_view bench) {
    if (expect != kNoCheck && answer != expect) {
      std::fprintf(stderr, "%.*s: wrong answer %llu, expected %llu\n", static_cast<int>(bench.size()), bench.data(),
                   static_cast<unsigned long long>(answer), static_cast<unsigned long long>(expect));
      std::exit(1);
    }
  }
  std::string name_, dataset_, path_;
  std::uint64_t entities_ = 1'000'000, seed_ = 7;
  int runs_ = 5;
  std::size_t nodes_ = 0, edges_ = 0;
};

}  // namespace skg::bench
