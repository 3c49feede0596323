#include "skg/loaders/pipeline.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>

#include <mutex>
#endif

namespace {

struct NumberedBlock {
  std::uint64_t number = 0;
  std::uint64_t square = 0;
};

}  // namespace

TEST_CASE("pipeline: blocks parsed by several workers come out in the order they were read") {
  constexpr std::uint64_t kBlocks = 200;
  std::uint64_t next = 0;
  skg::detail::OrderedBlockPipeline<NumberedBlock> blocks(
      [&](NumberedBlock& block) {
        block.number = next++;
        return next < kBlocks;
      },
      [](NumberedBlock& block) {
        // Uneven work, so that a later block is often done before an earlier one.
        if (block.number % 3 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
        block.square = block.number * block.number;
      },
      3);
  std::vector<std::uint64_t> seen;
  for (bool more = true; more;) {
    auto [block, last] = blocks.next();
    CHECK(block.square == block.number * block.number);
    seen.push_back(block.number);
    blocks.recycle(std::move(block));
    more = !last;
  }
  REQUIRE(seen.size() == kBlocks);
  for (std::uint64_t at = 0; at < kBlocks; ++at) CHECK(seen[at] == at);
}

TEST_CASE("pipeline: what a worker throws comes after the blocks read before it") {
  std::uint64_t next = 0;
  skg::detail::OrderedBlockPipeline<NumberedBlock> blocks(
      [&](NumberedBlock& block) {
        block.number = next++;
        return true;  // never the last: the failure ends it
      },
      [](NumberedBlock& block) {
        if (block.number == 5) throw std::runtime_error("block 5");
        if (block.number < 5) std::this_thread::sleep_for(std::chrono::microseconds(300));
      },
      2);
  for (std::uint64_t at = 0; at < 5; ++at) CHECK(blocks.next().first.number == at);
  CHECK_THROWS_WITH_AS(blocks.next(), "block 5", std::runtime_error);
}

#if defined(__linux__)
TEST_CASE("pipeline: workers asked to yield run that many nice levels below the caller, whose own priority stays") {
  const auto nice_of_this_thread = [] { return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())); };
  const int caller = nice_of_this_thread();
  for (const int steps : {0, 10}) {
    CAPTURE(steps);
    std::mutex seen_mutex;
    std::vector<int> seen;  // each block's worker's nice value
    std::uint64_t next = 0;
    skg::detail::OrderedBlockPipeline<NumberedBlock> blocks(
        [&](NumberedBlock& block) {
          block.number = next++;
          return next < 20;
        },
        [&](NumberedBlock&) {
          const int nice = nice_of_this_thread();
          const std::lock_guard lock(seen_mutex);
          seen.push_back(nice);
        },
        2, steps);
    for (bool more = true; more;) more = !blocks.next().second;
    REQUIRE(seen.size() == 20);
    for (const int nice : seen) CHECK(nice == std::min(19, caller + steps));
    CHECK(nice_of_this_thread() == caller);
  }
}
#endif
