// graph/strings.h: the string pool (each string stored once) and the frozen string index.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "skg/graph/ids.h"

namespace skg::inline v1 {

namespace detail {
/// Allocates large arrays (2 MiB and up) on 2 MiB boundaries and asks the kernel for huge pages
/// there (madvise; a hint it may ignore): hash tables probed at random addresses otherwise take
/// a TLB miss on most probes, which a virtual machine's nested page walk makes dear.
void* allocate_large(std::size_t bytes);
void free_large(void* pointer) noexcept;
template <class T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <class U>
  LargeAllocator(const LargeAllocator<U>&) noexcept {}
  T* allocate(std::size_t count) { return static_cast<T*>(allocate_large(count * sizeof(T))); }
  void deallocate(T* pointer, std::size_t) noexcept { free_large(pointer); }
  template <class U>
  bool operator==(const LargeAllocator<U>&) const noexcept { return true; }
};

/// A fast 64-bit hash of bytes (not cryptographic); the same on every run and machine.
std::uint64_t hash_bytes(const void* data, std::size_t size) noexcept;
inline std::uint64_t hash_string(std::string_view text) noexcept {
  return hash_bytes(text.data(), text.size());
}
}  // namespace detail

namespace detail {
class StringArena;
}

/// Interns strings: each distinct string gets one StringId and is stored once.
///   skg::StringPool pool;  auto id = pool.intern("OFAC");  pool.view(id) == "OFAC"
class StringPool {
 public:
  StringPool();
  StringId intern(std::string_view text);
  /// Interns every string of `staged`, in order: ids[i] is the id of staged string i. The same
  /// ids as intern() one by one, faster: each string's table slot is fetched from memory a few
  /// strings ahead of its probe, so the cache misses of distinct strings overlap.
  std::vector<StringId> intern_all(const detail::StringArena& staged);
  std::optional<StringId> find(std::string_view text) const noexcept;
  /// Starts fetching the table slot where `text` is looked up, without waiting for it: a caller
  /// that knows which strings it interns next calls this a little ahead (a hint; no effect on ids).
  void prefetch(std::string_view text) const noexcept {
    if (slots_.empty() || text.empty()) return;
    __builtin_prefetch(slots_.data() + (detail::hash_string(text) & (slots_.size() - 1)));
  }
  /// The deeper stages of prefetch(), for a caller that looks up many strings it knows well
  /// ahead (a bulk load's edge ends, each a lookup at a random place of a large table): stage 1,
  /// issued some strings after prefetch(text) so that the slot is cached by then, reads the slot
  /// and starts fetching the string's offset; stage 2, a few strings later, reads the offset and
  /// starts fetching the string's bytes. find() of the string then waits on no cache miss. Looks
  /// at the first slot only (a hint: a string further along its probe is just not prefetched).
  void prefetch_deep(std::string_view text, int stage) const noexcept {
    if (slots_.empty() || text.empty()) return;
    const std::uint64_t slot = slots_[detail::hash_string(text) & (slots_.size() - 1)];
    if (slot == 0) return;
    const std::size_t at = static_cast<std::uint32_t>(slot) - 1;
    if (stage <= 1) __builtin_prefetch(offsets_.data() + at);
    else __builtin_prefetch(chars_.data() + offsets_[at]);
  }
  std::string_view view(StringId id) const noexcept {
    const auto at = index(id);
    return {chars_.data() + offsets_[at], static_cast<std::size_t>(offsets_[at + 1] - offsets_[at])};
  }
  std::size_t size() const noexcept { return offsets_.size() - 1; }
  /// Makes room for `count` more strings of `chars` bytes in all, so that a large load does not
  /// regrow (copy, rehash) the pool again and again.
  void reserve(std::size_t count, std::size_t chars);
  /// Frees the lookup table: the strings stay readable by id, but intern() and find() may not
  /// be called again (the builder does this once it has interned its last string).
  void drop_index();
  /// Forgets every string interned after the first `count` (to roll a failed batch back).
  void truncate(std::size_t count);

  /// The frozen form: all characters, and size() + 1 offsets into them.
  std::vector<char> release_chars() && { return std::move(chars_); }
  std::vector<std::uint64_t> release_offsets() && { return std::move(offsets_); }

 private:
  void grow();
  StringId intern_hashed(std::string_view text, std::uint64_t hash);
  std::vector<char> chars_;
  std::vector<std::uint64_t> offsets_;  // size() + 1
  std::vector<std::uint32_t> hashes_;  // low 32 bits of each string's hash
  // Open addressing: 0 empty, else hash << 32 | (id + 1).
  std::vector<std::uint64_t, detail::LargeAllocator<std::uint64_t>> slots_;
};

namespace detail {
/// Strings appended one after another, not deduplicated: staging before interning.
class StringArena {
 public:
  StringArena() : offsets_{0} {}
  StringId append(std::string_view text) {
    chars_.insert(chars_.end(), text.begin(), text.end());
    offsets_.push_back(chars_.size());
    return StringId{static_cast<std::uint32_t>(offsets_.size() - 2)};
  }
  std::string_view view(StringId id) const noexcept {
    const auto at = index(id);
    return {chars_.data() + offsets_[at], static_cast<std::size_t>(offsets_[at + 1] - offsets_[at])};
  }
  std::size_t size() const noexcept { return offsets_.size() - 1; }

 private:
  std::vector<char> chars_;
  std::vector<std::uint64_t> offsets_;
};
}  // namespace detail

/// A frozen multimap from strings (by StringId) to nodes, looked up by the string's text.
/// Its arrays are plain columns, so a snapshot can map them straight from disk.
struct StringIndexView {
  std::span<const std::uint32_t> slots;    // power of two; 0 empty, else key index + 1
  std::span<const StringId> keys;          // distinct keys
  std::span<const std::uint32_t> offsets;  // keys.size() + 1, into values
  std::span<const NodeId> values;
};

}  // namespace skg
