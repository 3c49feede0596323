// graph/column.h: a read-only array that either owns its elements or views a mapped snapshot.
#pragma once
#include <cstddef>
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
