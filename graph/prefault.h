// graph/prefault.h: faulting in the pages a writer is about to fill, ahead of it or on two threads (internal).
#pragma once
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <sys/mman.h>

#include "skg/graph/strings.h"  // detail::ColumnRoom

namespace skg::inline v1::detail {

/// Faults in, writable, the pages of [begin, end) from the one that holds `begin` to the last
/// whole one, as a first write would, without writing (Linux's MADV_POPULATE_WRITE: a page
/// already there is left as it is, so another thread may write to the range at the same time).
/// The page that holds `begin` must be mapped; past the last whole page the range may leave the
/// mapping, where the call would fail. Does nothing before Linux 5.14 (then the first write
/// faults each page in, as without this).
inline void populate_pages(std::uintptr_t begin, std::uintptr_t end) noexcept {
#ifdef MADV_POPULATE_WRITE
  constexpr std::uintptr_t kPage = 4096;
  const std::uintptr_t first = begin & ~(kPage - 1), last = end & ~(kPage - 1);
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE);
#else
  (void)begin;
  (void)end;
#endif
}

/// populate_pages() over [begin, begin + bytes), on two threads, this one and another, when it is
/// 16 MiB or more and a thread can be had. Fresh memory on a virtual machine is slow to fault in
/// the first time (0.6 GB/s on one core here, 1.4-2.2 GB/s on two), and a load's first large
/// table (the string pool's slots: 61 MiB at 1M FtM entities, 630 MiB at 10M) is written before any
/// other work can start.
inline void populate_pages_on_two_threads(void* begin, std::size_t bytes) {
  constexpr std::size_t kParallelBytes = std::size_t{16} << 20;
  const auto from = reinterpret_cast<std::uintptr_t>(begin), to = from + bytes;
  if (bytes >= kParallelBytes) {
    const std::uintptr_t middle = (from + bytes / 2) & ~std::uintptr_t{4095};
    std::thread helper;
    try {
      helper = std::thread([middle, to] { populate_pages(middle, to); });
    } catch (const std::system_error&) {
      populate_pages(from, to);  // no thread to be had: all of it here
      return;
    }
    populate_pages(from, middle);
    helper.join();
    return;
  }
  populate_pages(from, to);
}

/// Faults in, on a thread of its own, the page ranges it is asked for, writable, as a first
/// write would, without writing to them (Linux's MADV_POPULATE_WRITE: a page already there is
/// left as it is, so the owner may write to the range at the same time). A bulk load's reading
/// thread writes its batch's columns into fresh memory, and waited there for the kernel to find
/// and zero each fresh page (a tenth to a third of its time in a 1M FtM load, perf); with this
/// thread a little ahead of it, the pages are there when it writes. Where the kernel has no
/// MADV_POPULATE_WRITE (before Linux 5.14), requests do nothing and the writer faults as before.
///   PageFaulter faulter;
///   faulter.request(column.data() + column.size(), column.data() + column.capacity());
class PageFaulter {
 public:
  PageFaulter() : thread_([this] { run(); }) {}
  ~PageFaulter() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_one();
    thread_.join();
  }
  PageFaulter(const PageFaulter&) = delete;
  PageFaulter& operator=(const PageFaulter&) = delete;

  /// Asks for the pages of [begin, end) that lie wholly inside it, or that hold `begin`, to be
  /// faulted in; returns at once.
  void request(const void* begin, const void* end) {
    {
      std::lock_guard lock(mutex_);
      pending_.emplace_back(reinterpret_cast<std::uintptr_t>(begin), reinterpret_cast<std::uintptr_t>(end));
    }
    changed_.notify_one();
  }

  /// Keeps the next kAhead bytes of `room` asked for, in steps of kStep or more; `asked` is where
  /// the requests for this column end so far (0 before the first).
  void keep_ahead(ColumnRoom room, std::uintptr_t& asked) {
    const auto used = reinterpret_cast<std::uintptr_t>(room.used_end);
    const auto end = reinterpret_cast<std::uintptr_t>(room.room_end);
    if (used == 0 || end <= used) return;
    const std::uintptr_t want = std::min(end, used + kAhead);
    const std::uintptr_t from = asked > used && asked <= end ? asked : used;  // else moved or overtaken
    if (want <= from || (want - from < kStep && want != end)) return;
    request(reinterpret_cast<const void*>(from), reinterpret_cast<const void*>(want));
    asked = want;
  }

  /// Two huge pages: the thread keeps up at that, and what it faulted past a column's end when the
  /// load stops stays resident until the column goes (at four huge pages, a 1M FtM load's peak RSS
  /// was 8 MiB higher and its load 1.3% slower, 6 interleaved rounds after a pause).
  static constexpr std::uintptr_t kAhead = std::uintptr_t{4} << 20;
  static constexpr std::uintptr_t kStep = std::uintptr_t{2} << 20;

 private:
  void run() {
    std::vector<std::pair<std::uintptr_t, std::uintptr_t>> work;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || !pending_.empty(); });
        if (stop_) return;
        work.swap(pending_);
      }
      for (const auto& [begin, end] : work) populate_pages(begin, end);
      work.clear();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> pending_;
  bool stop_ = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace skg::detail
