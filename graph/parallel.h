// graph/parallel.h: one small parallel-for over the machine's cores (std::thread), for queries
// that split a batch of sources or a frontier into blocks. SKG_THREADS=1 (or set_thread_count(1))
// runs every caller on its own thread, which is how results are checked against one thread.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace skg::inline v1 {

namespace detail {
inline std::atomic<unsigned>& thread_count_override() {
  static std::atomic<unsigned> count{0};
  return count;
}
/// SKG_THREADS if it is a number from 1 to 1024, else the hardware's count (at least 1).
inline unsigned default_thread_count() {
  static const unsigned count = [] {
    if (const char* text = std::getenv("SKG_THREADS")) {
      char* end = nullptr;
      const unsigned long value = std::strtoul(text, &end, 10);
      if (end != text && *end == '\0' && value >= 1 && value <= 1024) return static_cast<unsigned>(value);
    }
    return std::max(1u, std::thread::hardware_concurrency());
  }();
  return count;
}
}  // namespace detail

/// Threads a parallel_for may use: set_thread_count's value when one was set, else the
/// environment's SKG_THREADS, else std::thread::hardware_concurrency().
inline unsigned thread_count() noexcept {
  const unsigned set = detail::thread_count_override().load(std::memory_order_relaxed);
  return set != 0 ? set : detail::default_thread_count();
}
/// Sets the thread count for every later parallel_for of the process (0: back to the default).
///   skg::set_thread_count(1);  // one thread: the reference run
inline void set_thread_count(unsigned count) noexcept {
  detail::thread_count_override().store(count, std::memory_order_relaxed);
}

/// How many workers parallel_for(count, grain, ...) runs: one per block at most.
inline unsigned parallel_workers(std::size_t count, std::size_t grain) noexcept {
  const std::size_t blocks = grain == 0 ? 0 : (count + grain - 1) / grain;
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(blocks, thread_count())));
}

/// Calls fn(begin, end, worker) for the blocks [k * grain, min((k + 1) * grain, count)) of
/// [0, count), each block once, on up to parallel_workers(count, grain) threads (the calling
/// thread is worker 0; the others are started for this call). Blocks are handed out in order as
/// workers free up, so which worker runs a block varies: fn writes its results by block or
/// index, never by arrival, and a caller that merges them in block order gets the same answer on
/// any number of threads. It returns once every block has run and no helper is inside fn; a
/// helper the system has not started by then is not waited for: it finds the call closed and
/// ends without calling fn (on a loaded machine, waiting for it to be scheduled cost more than
/// its share of the blocks). The first exception a block throws is rethrown here, after every
/// worker inside fn has left it.
///   std::vector<std::size_t> counts(sources.size());
///   skg::parallel_for(sources.size(), 16, [&](std::size_t begin, std::size_t end, unsigned worker) {
///     for (std::size_t at = begin; at < end; ++at) counts[at] = count_from(sources[at], scratch[worker]);
///   });
template <class Fn>
void parallel_for(std::size_t count, std::size_t grain, Fn&& fn) {
  if (count == 0) return;
  grain = std::max<std::size_t>(1, grain);
  const unsigned workers = parallel_workers(count, grain);
  if (workers == 1) {
    for (std::size_t begin = 0; begin < count; begin += grain) fn(begin, std::min(count, begin + grain), 0u);
    return;
  }
  // What a helper may still touch after this call returned: it holds its own reference, and
  // enters fn (on this call's stack) only after checking in while the call is open.
  struct Shared {
    std::atomic<std::size_t> next{0};
    std::atomic<unsigned> inside{0};  // helpers checked in and not yet out
    std::atomic<bool> closed{false};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    std::exception_ptr error;
  };
  const auto shared = std::make_shared<Shared>();
  auto work = [&](unsigned worker) {
    Shared& state = *shared;
    try {
      for (std::size_t begin; !state.failed.load(std::memory_order_relaxed) &&
                              (begin = state.next.fetch_add(grain, std::memory_order_relaxed)) < count;)
        fn(begin, std::min(count, begin + grain), worker);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(state.error_mutex);
      if (!state.error) state.error = std::current_exception();
      state.failed.store(true, std::memory_order_relaxed);
    }
  };
  for (unsigned worker = 1; worker < workers; ++worker) {
    try {
      std::thread([shared, run = &work, worker] {
        // Check in, then look: with both sequentially consistent, either the caller sees this
        // helper inside and waits for it, or the helper sees the call closed and stays out.
        shared->inside.fetch_add(1);
        if (!shared->closed.load()) (*run)(worker);
        if (shared->inside.fetch_sub(1) == 1) shared->inside.notify_all();
      }).detach();
    } catch (...) {
      break;  // no thread to be had (resource limits): the workers that started and this one finish
    }
  }
  work(0);
  shared->closed.store(true);
  for (unsigned inside; (inside = shared->inside.load()) != 0;) shared->inside.wait(inside);
  // Taken out of the shared state before it is rethrown: a helper that checks out late may
  // drop the last reference to `shared` after this call has returned, and must not then be the
  // one to destroy the exception the caller is handling (the exception's reference count lives
  // in the C++ runtime, whose atomics ThreadSanitizer cannot see: it reported that as a race).
  if (std::exception_ptr error = std::exchange(shared->error, nullptr)) std::rethrow_exception(error);
}

}  // namespace skg
