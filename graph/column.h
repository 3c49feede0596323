// graph/column.h: a read-only array that either owns its elements or views a mapped snapshot.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "skg/graph/strings.h"

namespace skg::inline v1 {

/// A frozen column: built graphs own their vectors, opened snapshots view the mapped file.
/// A built column is a plain vector, a detail::BigVector (freeze()'s large columns: huge pages,
/// and blocks the build freed reused instead of fresh ones faulted in) or a detail::NoFillVector
/// (a column an opened snapshot derives, written whole once).
/// Moving a Column keeps its elements where they are, so views into it stay valid.
template <class T>
class Column {
 public:
  Column() = default;
  explicit Column(std::vector<T> owned) : owned_(std::move(owned)), view_(owned_) {}
  explicit Column(detail::BigVector<T> owned) : big_(std::move(owned)), view_(big_) {}
  explicit Column(detail::NoFillVector<T> owned) : unfilled_(std::move(owned)), view_(unfilled_) {}
  static Column view(std::span<const T> mapped) {
    Column column;
    column.view_ = mapped;
    return column;
  }
  Column(Column&& other) noexcept
      : owned_(std::move(other.owned_)),
        big_(std::move(other.big_)),
        unfilled_(std::move(other.unfilled_)),
        view_(std::exchange(other.view_, {})) {}
  Column& operator=(Column&& other) noexcept {
    owned_ = std::move(other.owned_);
    big_ = std::move(other.big_);
    unfilled_ = std::move(other.unfilled_);
    view_ = std::exchange(other.view_, {});
    return *this;
  }
  Column(const Column&) = delete;
  Column& operator=(const Column&) = delete;

  const T& operator[](std::size_t at) const noexcept { return view_[at]; }
  std::size_t size() const noexcept { return view_.size(); }
  bool empty() const noexcept { return view_.empty(); }
  const T* data() const noexcept { return view_.data(); }
  const T* begin() const noexcept { return view_.data(); }
  const T* end() const noexcept { return view_.data() + view_.size(); }
  std::span<const T> span() const noexcept { return view_; }
  std::span<const T> slice(std::size_t from, std::size_t to) const noexcept {
    return view_.subspan(from, to - from);
  }
  std::size_t bytes() const noexcept { return view_.size_bytes(); }

 private:
  std::vector<T> owned_;
  detail::BigVector<T> big_;
  detail::NoFillVector<T> unfilled_;
  std::span<const T> view_;
};

namespace detail {
/// Fills `rank` with the count of set bits in the words before each word of `bits`; returns the
/// total (the rank index shared by RankedColumn and RankedBits).
inline std::uint64_t count_ranks(const Column<std::uint64_t>& bits, Column<std::uint32_t>& rank) {
  std::vector<std::uint32_t> before(bits.size());
  std::uint64_t total = 0;
  for (std::size_t word = 0; word < bits.size(); ++word) {
    before[word] = static_cast<std::uint32_t>(total);
    total += static_cast<std::uint64_t>(__builtin_popcountll(bits[word]));
  }
  rank = Column<std::uint32_t>(std::move(before));
  return total;
}
}  // namespace detail

/// A column whose values are mostly `fill` (an edge's share, its dates, its role), read in O(1):
/// a bitmap of the positions that hold another value, the count of set bits before each 64
/// positions (`rank`: computed by finish(), never stored in a snapshot) and those values in
/// position order. When half or more of the positions hold another value it is stored whole
/// (`bits` empty, one value each); empty both ways: every value is `fill`.
///   share = RankedColumn<std::uint32_t>::from(std::move(shares), kUnknown);  share.get(edge, kUnknown)
template <class T>
struct RankedColumn {
  Column<std::uint64_t> bits;  // bit i of word i / 64: position i holds a value; empty: dense or all fill
  Column<std::uint32_t> rank;  // bits.size() entries: set bits in the words before
  Column<T> value;

  template <class Allocator>
  static RankedColumn from(std::vector<T, Allocator> values, T fill) {
    std::size_t set = 0;
    for (const T& item : values) set += !(item == fill);
    RankedColumn out;
    if (set == 0) return out;
    if (set * 2 >= values.size()) {
      out.value = Column<T>(std::move(values));
      return out;
    }
    std::vector<std::uint64_t> words((values.size() + 63) / 64, 0);
    std::vector<T> kept;
    kept.reserve(set);
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!(values[i] == fill)) words[i / 64] |= std::uint64_t{1} << (i % 64), kept.push_back(values[i]);
    out.bits = Column<std::uint64_t>(std::move(words));
    out.value = Column<T>(std::move(kept));
    out.finish();
    return out;
  }
  /// Counts the set bits before each word (after `bits` is set or mapped); returns the total.
  std::uint64_t finish() { return detail::count_ranks(bits, rank); }
  T get(std::uint32_t i, T fill) const noexcept {
    if (bits.empty()) return value.empty() ? fill : value[i];
    const std::uint64_t word = bits[i / 64];
    const unsigned bit = i % 64;
    if (((word >> bit) & 1u) == 0) return fill;
    return value[rank[i / 64] + static_cast<std::uint32_t>(__builtin_popcountll(word & ((std::uint64_t{1} << bit) - 1)))];
  }
  /// True when no position holds another value than `fill`.
  bool all_fill() const noexcept { return value.empty(); }
  std::size_t bytes() const noexcept { return bits.bytes() + rank.bytes() + value.bytes(); }
};

/// A bitmap over positions with the count of set bits before each 64 of them (`rank`: counted
/// by finish(), never stored in a snapshot): O(1) "is position i marked" and "how many marked
/// positions come before i". Empty: no position is marked.
///   own = RankedBits::from(marks);  if (own.test(i)) ...;  i - own.before(i)  // unmarked before i
struct RankedBits {
  Column<std::uint64_t> bits;  // bit i of word i / 64
  Column<std::uint32_t> rank;  // bits.size() entries: set bits in the words before

  static RankedBits from(const std::vector<std::uint8_t>& marks) {
    RankedBits out;
    std::vector<std::uint64_t> words((marks.size() + 63) / 64, 0);
    for (std::size_t i = 0; i < marks.size(); ++i)
      if (marks[i] != 0) words[i / 64] |= std::uint64_t{1} << (i % 64);
    out.bits = Column<std::uint64_t>(std::move(words));
    out.finish();
    return out;
  }
  /// Counts the set bits before each word (after `bits` is set or mapped); returns the total.
  std::uint64_t finish() { return detail::count_ranks(bits, rank); }
  bool empty() const noexcept { return bits.empty(); }
  bool test(std::uint32_t i) const noexcept { return ((bits[i / 64] >> (i % 64)) & 1u) != 0; }
  /// Marked positions before i.
  std::uint32_t before(std::uint32_t i) const noexcept {
    const std::uint64_t below = bits[i / 64] & ((std::uint64_t{1} << (i % 64)) - 1);
    return rank[i / 64] + static_cast<std::uint32_t>(__builtin_popcountll(below));
  }
  std::size_t bytes() const noexcept { return bits.bytes() + rank.bytes(); }
};

namespace detail {
/// A read-only memory map of a whole file; unmapped when destroyed.
class Mapping {
 public:
  Mapping() = default;
  Mapping(const void* address, std::size_t size) : address_(address), size_(size) {}
  Mapping(Mapping&& other) noexcept
      : address_(std::exchange(other.address_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  Mapping& operator=(Mapping&& other) noexcept {
    if (this != &other) {
      reset();
      address_ = std::exchange(other.address_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  ~Mapping() { reset(); }
  const void* data() const noexcept { return address_; }
  std::size_t size() const noexcept { return size_; }

 private:
  void reset() noexcept;
  const void* address_ = nullptr;
  std::size_t size_ = 0;
};
}  // namespace detail

}  // namespace skg
