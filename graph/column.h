// graph/column.h: a read-only array that either owns its elements or views a mapped snapshot.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace skg::inline v1 {

/// A frozen column: built graphs own their vectors, opened snapshots view the mapped file.
/// Moving a Column keeps its elements where they are, so views into it stay valid.
template <class T>
class Column {
 public:
  Column() = default;
  explicit Column(std::vector<T> owned) : owned_(std::move(owned)), view_(owned_) {}
  static Column view(std::span<const T> mapped) {
    Column column;
    column.view_ = mapped;
    return column;
  }
  Column(Column&& other) noexcept
      : owned_(std::move(other.owned_)), view_(std::exchange(other.view_, {})) {}
  Column& operator=(Column&& other) noexcept {
    owned_ = std::move(other.owned_);
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
  std::span<const T> view_;
};

/// A column whose values are mostly `fill` (an edge's role, its own id): stored as the sorted
/// positions that hold another value and those values, unless half or more do, when it is
/// stored whole (`at` empty, one value each). Empty both ways: every value is `fill`.
///   role = SparseColumn<StringId>::from(std::move(roles), kNoString);  role.get(edge, kNoString)
template <class T>
struct SparseColumn {
  Column<std::uint32_t> at;  // ascending positions; empty: `value` is dense (or empty: all fill)
  Column<T> value;

  static SparseColumn from(std::vector<T> values, T fill) {
    std::size_t set = 0;
    for (const T& item : values) set += !(item == fill);
    SparseColumn out;
    if (set == 0) return out;
    if (set * 2 >= values.size()) {
      out.value = Column<T>(std::move(values));
      return out;
    }
    std::vector<std::uint32_t> positions;
    std::vector<T> kept;
    positions.reserve(set);
    kept.reserve(set);
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!(values[i] == fill)) positions.push_back(static_cast<std::uint32_t>(i)), kept.push_back(values[i]);
    out.at = Column<std::uint32_t>(std::move(positions));
    out.value = Column<T>(std::move(kept));
    return out;
  }
  T get(std::uint32_t i, T fill) const noexcept {
    if (at.empty()) return value.empty() ? fill : value[i];
    const std::uint32_t* found = std::lower_bound(at.begin(), at.end(), i);
    return found != at.end() && *found == i ? value[static_cast<std::size_t>(found - at.begin())] : fill;
  }
  std::size_t bytes() const noexcept { return at.bytes() + value.bytes(); }
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
