// loaders/pipeline.h: worker threads make blocks (read, split, parse) a few ahead of the calling
// thread, which takes them in order and alone writes to the batch (internal). BlockPipeline: one
// worker does it all; OrderedBlockPipeline: blocks read in turn and parsed by several workers.
#pragma once
#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace skg::inline v1::detail {

/// `produce(block)` fills the next block and returns false once it has filled the last one.
/// What it throws is rethrown by next() after the blocks made before it, so errors come in file
/// order. Destroying the pipeline stops the worker (after the block it is making) and joins it.
///   BlockPipeline<Block> blocks([&](Block& block) { return splitter.next_block(block); });
///   for (bool more = true; more;) { auto [block, last] = blocks.next(); use(block); more = !last; }
template <class Block>
class BlockPipeline {
 public:
  static constexpr std::size_t kAhead = 2;  // blocks made and not yet taken, at most

  explicit BlockPipeline(std::function<bool(Block&)> produce) : produce_(std::move(produce)) {
    worker_ = std::thread([this] { work(); });
  }
  ~BlockPipeline() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }
  BlockPipeline(const BlockPipeline&) = delete;
  BlockPipeline& operator=(const BlockPipeline&) = delete;

  /// The next block, and whether it is the last one.
  std::pair<Block, bool> next() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !ready_.empty() || failure_; });
    if (ready_.empty()) std::rethrow_exception(failure_);
    std::pair<Block, bool> out = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    changed_.notify_all();
    return out;
  }

  /// Hands a block that next() gave back to the worker, which refills it instead of making a new
  /// one: its buffers keep their memory, so a long file does not fault in fresh pages (and have
  /// the kernel clear them) for every block. `produce` must then reset what it reuses.
  void recycle(Block&& block) {
    std::lock_guard lock(mutex_);
    if (free_.size() <= kAhead) free_.push_back(std::move(block));
  }

 private:
  void work() {
    try {
      for (bool more = true; more;) {
        {
          std::unique_lock lock(mutex_);
          changed_.wait(lock, [&] { return stop_ || ready_.size() < kAhead; });
          if (stop_) return;
        }
        Block block;
        {
          std::lock_guard lock(mutex_);
          if (!free_.empty()) {
            block = std::move(free_.back());
            free_.pop_back();
          }
        }
        more = produce_(block);
        {
          std::lock_guard lock(mutex_);
          ready_.emplace_back(std::move(block), !more);
        }
        changed_.notify_all();
      }
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        failure_ = std::current_exception();
      }
      changed_.notify_all();
    }
  }

  std::function<bool(Block&)> produce_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<Block, bool>> ready_;
  std::deque<Block> free_;  // recycled blocks, for the worker to refill
  std::exception_ptr failure_;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace skg::detail

namespace skg::inline v1::detail {

/// Lowers the calling thread's scheduling priority by `steps` nice levels, to 19 at most (Linux:
/// a thread's nice value is its own; with autogroups or a cgroup per service, it only weighs the
/// thread against the others of its group). A hint: nothing happens where it cannot be done.
inline void lower_thread_priority(int steps) noexcept {
#if defined(__linux__)
  const auto thread = static_cast<id_t>(::gettid());
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, thread);
  if (now == -1 && errno != 0) return;
  (void)::setpriority(PRIO_PROCESS, thread, std::min(19, now + steps));
#else
  (void)steps;
#endif
}

/// BlockPipeline with the making cut in two: `read(block)` (in file order, one block at a time:
/// it fills the next block's text and returns false once that was the last) and `work(block)`
/// (parsing, run by `workers` threads at once on different blocks). next() still gives the blocks
/// in file order, and rethrows what read or work threw for a block after the blocks before it.
///   OrderedBlockPipeline<Block> blocks(read, parse, 2);
///   for (bool more = true; more;) { auto [block, last] = blocks.next(); use(block); more = !last; }
template <class Block>
class OrderedBlockPipeline {
 public:
  /// `worker_nice_steps`: the workers run that many nice levels below the calling thread
  /// (lower_thread_priority), so that where the thread taking the blocks is the bound it gets a
  /// core whenever it has work.
  OrderedBlockPipeline(std::function<bool(Block&)> read, std::function<void(Block&)> work, std::size_t workers,
                       int worker_nice_steps = 0)
      : read_(std::move(read)), work_(std::move(work)), ahead_(workers + 2), worker_nice_steps_(worker_nice_steps) {
    for (std::size_t at = 0; at < workers; ++at) workers_.emplace_back([this] { run(); });
  }
  ~OrderedBlockPipeline() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    for (std::thread& worker : workers_) worker.join();
  }
  OrderedBlockPipeline(const OrderedBlockPipeline&) = delete;
  OrderedBlockPipeline& operator=(const OrderedBlockPipeline&) = delete;

  /// The next block in file order, and whether it is the last one.
  std::pair<Block, bool> next() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return done_.contains(taken_) || failed_at_ == taken_; });
    const auto found = done_.find(taken_);
    if (found == done_.end()) std::rethrow_exception(failure_);
    std::pair<Block, bool> out = std::move(found->second);
    done_.erase(found);
    ++taken_;
    --in_flight_;
    lock.unlock();
    changed_.notify_all();
    return out;
  }

  /// As BlockPipeline::recycle: the block's buffers are refilled instead of made anew.
  void recycle(Block&& block) {
    std::lock_guard lock(mutex_);
    if (free_.size() <= ahead_) free_.push_back(std::move(block));
  }

 private:
  static constexpr std::uint64_t kNone = ~std::uint64_t{0};

  void run() {
    if (worker_nice_steps_ > 0) lower_thread_priority(worker_nice_steps_);
    for (;;) {
      Block block;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || read_all_ || in_flight_ < ahead_; });
        if (stop_ || read_all_) return;
        ++in_flight_;
        if (!free_.empty()) {
          block = std::move(free_.back());
          free_.pop_back();
        }
      }
      std::uint64_t seq = kNone;
      try {
        bool more = true;
        {
          // One reader at a time, so that blocks are read (and numbered) in file order.
          std::lock_guard reading(read_mutex_);
          {
            std::lock_guard lock(mutex_);
            if (stop_ || read_all_) {
              --in_flight_;
              return;
            }
          }
          seq = read_count_++;
          more = read_(block);
          if (!more) {
            std::lock_guard lock(mutex_);
            read_all_ = true;
          }
        }
        work_(block);
        {
          std::lock_guard lock(mutex_);
          done_.emplace(seq, std::pair<Block, bool>(std::move(block), !more));
        }
      } catch (...) {
        std::lock_guard lock(mutex_);
        // The first failure in file order is the one next() rethrows; nothing after it is read.
        if (seq == kNone) seq = read_count_;
        if (failed_at_ == kNone || seq < failed_at_) {
          failed_at_ = seq;
          failure_ = std::current_exception();
        }
        read_all_ = true;
      }
      changed_.notify_all();
    }
  }

  std::function<bool(Block&)> read_;
  std::function<void(Block&)> work_;
  const std::size_t ahead_;  // blocks being read, worked or waiting to be taken, at most
  const int worker_nice_steps_;
  std::mutex mutex_, read_mutex_;
  std::condition_variable changed_;
  std::map<std::uint64_t, std::pair<Block, bool>> done_;  // by number in file order
  std::deque<Block> free_;
  std::exception_ptr failure_;
  std::uint64_t failed_at_ = kNone, read_count_ = 0, taken_ = 0;
  std::size_t in_flight_ = 0;
  bool stop_ = false, read_all_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace skg::detail
