#pragma once

#include <cstddef>
#include <cstdint>

namespace skg::inline v1 {

/// SplitMix64: small, fast, and the same sequence on every platform (std::mt19937's
/// distributions are not), so a seed names one data set or one query sample everywhere. Used by
/// the generator, the screening benches and the tests that draw queries.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// A draw in [0, bound) by remainder (0 when bound is 0).
  std::size_t below(std::size_t bound) { return bound == 0 ? 0 : next() % bound; }
  /// A draw in [0, bound) by multiply-shift of the high word: the generator's, kept so that a
  /// seed still gives the same generated graph.
  std::uint32_t scaled_below(std::uint32_t bound) {
    return static_cast<std::uint32_t>((next() >> 32) * bound >> 32);
  }
  /// Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }

 private:
  std::uint64_t state_;
};

}  // namespace skg
