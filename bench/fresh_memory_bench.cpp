// bench/fresh_memory_bench.cpp: what the first write to fresh memory costs on this machine, the
// floor under every load whatever the tool (bench/RESULTS.md, "What a load costs"). On a virtual
// machine whose kernel reports free pages to its host (virtio-balloon free-page reporting; here
// `page_reporting.page_reporting_order=11` on the kernel command line), memory a process frees goes
// back to the host after a delay, and the next first write pays for the host to back it again.
// Each round maps `--mib` MiB, faults it in writable (MADV_POPULATE_WRITE, transparent huge pages
// asked for, or 4 KiB pages with --small), times that, unmaps it, and pauses; the first round of a
// run meets memory no process touched lately, the later ones what the round before freed.
//   skg_bench_fresh_memory [--mib 256] [--rounds 3] [--pauses 0.2,1,2.5,5] [--small 1]
#include <sys/mman.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Milliseconds a MiB to fault in `mib` MiB of a fresh mapping, writable; a negative value when the
/// kernel cannot (no MADV_POPULATE_WRITE before Linux 5.14).
double fault_in_ms_per_mib(std::size_t mib, bool small_pages) {
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  const std::size_t bytes = mib << 20;
  void* mapped = ::mmap(nullptr, bytes + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) return -1;
  auto* start = reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(mapped) + kHuge - 1) & ~(kHuge - 1));
  double result = -1;
#if defined(MADV_POPULATE_WRITE) && defined(MADV_HUGEPAGE)
  ::madvise(start, bytes, small_pages ? MADV_NOHUGEPAGE : MADV_HUGEPAGE);
  const auto began = std::chrono::steady_clock::now();
  if (::madvise(start, bytes, MADV_POPULATE_WRITE) == 0) result = seconds_since(began) * 1e3 / static_cast<double>(mib);
#else
  (void)start;
  (void)small_pages;
#endif
  ::munmap(mapped, bytes + kHuge);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mib = 256, rounds = 3;
  bool small_pages = false;
  std::vector<double> pauses{0.2, 1, 2.5, 5};
  for (int at = 1; at + 1 < argc; at += 2) {
    const std::string flag = argv[at], value = argv[at + 1];
    if (flag == "--mib") {
      mib = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--rounds") {
      rounds = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--small") {
      small_pages = value != "0";
    } else if (flag == "--pauses") {
      pauses.clear();
      for (std::size_t from = 0; from <= value.size();) {
        const std::size_t comma = std::min(value.find(',', from), value.size());
        pauses.push_back(std::strtod(value.substr(from, comma - from).c_str(), nullptr));
        from = comma + 1;
      }
    } else {
      fmt::print(stderr, "usage: skg_bench_fresh_memory [--mib 256] [--rounds 3] [--pauses 0.2,1,2.5,5] [--small 1]\n");
      return 2;
    }
  }
  if (mib == 0 || rounds == 0) {
    fmt::print(stderr, "fresh_memory: --mib and --rounds must be at least 1\n");
    return 2;
  }
  fmt::print("# fresh_memory: {} MiB a round, {} pages, MADV_POPULATE_WRITE; ms a MiB by round\n", mib,
             small_pages ? "4 KiB" : "transparent huge");
  for (const double pause : pauses) {
    std::string line = fmt::format("pause {:4.1f} s between rounds:", pause);
    for (std::size_t round = 0; round < rounds; ++round) {
      const double cost = fault_in_ms_per_mib(mib, small_pages);
      if (cost < 0) {
        fmt::print(stderr, "fresh_memory: this kernel cannot fault memory in ahead (MADV_POPULATE_WRITE)\n");
        return 1;
      }
      line += fmt::format(" {:.2f}", cost);
      std::this_thread::sleep_for(std::chrono::duration<double>(pause));
    }
    fmt::print("{}\n", line);
  }
  return 0;
}
