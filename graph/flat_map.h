// graph/flat_map.h: an open-addressing hash map from 32-bit keys to 32-bit values (internal).
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "skg/graph/error.h"

namespace skg::inline v1::detail {

/// Keys are dense-ish 32-bit ids (StringId, NodeId): a flat table, no per-entry allocation.
class FlatMap {
 public:
  FlatMap() : keys_(16, kEmpty), values_(16) {}
  /// 0xFFFFFFFF (kNoString, kNoNode) marks an empty slot, so it is never a key: found nowhere.
  std::optional<std::uint32_t> find(std::uint32_t key) const noexcept {
    if (key == kEmpty) return std::nullopt;
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t at = mix(key) & mask;; at = (at + 1) & mask) {
      if (keys_[at] == key) return values_[at];
      if (keys_[at] == kEmpty) return std::nullopt;
    }
  }
  /// Inserts or overwrites.
  void set(std::uint32_t key, std::uint32_t value) {
    SKG_ASSERT(key != kEmpty && "0xFFFFFFFF marks an empty slot and cannot be a key");
    if ((size_ + 1) * 2 > keys_.size()) rehash(keys_.size() * 2);
    const std::size_t mask = keys_.size() - 1;
    std::size_t at = mix(key) & mask;
    while (keys_[at] != kEmpty && keys_[at] != key) at = (at + 1) & mask;
    if (keys_[at] == kEmpty) ++size_;
    keys_[at] = key;
    values_[at] = value;
  }
  std::size_t size() const noexcept { return size_; }
  void reserve(std::size_t count) {
    std::size_t want = 16;
    while (want < count * 2) want *= 2;
    if (want > keys_.size()) rehash(want);
  }

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  static std::size_t mix(std::uint32_t key) noexcept {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 20);
  }
  void rehash(std::size_t slots) {
    std::vector<std::uint32_t> keys(slots, kEmpty), values(slots);
    const std::size_t mask = slots - 1;
    for (std::size_t old = 0; old < keys_.size(); ++old) {
      if (keys_[old] == kEmpty) continue;
      std::size_t at = mix(keys_[old]) & mask;
      while (keys[at] != kEmpty) at = (at + 1) & mask;
      keys[at] = keys_[old];
      values[at] = values_[old];
    }
    keys_ = std::move(keys);
    values_ = std::move(values);
  }
  std::vector<std::uint32_t> keys_, values_;
  std::size_t size_ = 0;
};

}  // namespace skg::detail
