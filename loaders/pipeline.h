// loaders/pipeline.h: one worker thread makes blocks (read, split, parse) a few ahead of the
// calling thread, which takes them in order and alone writes to the batch (internal).
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

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
