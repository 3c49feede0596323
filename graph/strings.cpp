#include "skg/graph/strings.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include <sys/mman.h>

#include "skg/graph/error.h"

namespace skg::inline v1 {

namespace detail {

std::uint64_t hash_bytes(const void* data, std::size_t size) noexcept {
  // Eight bytes at a time, multiply-xorshift mixing (after the finaliser of MurmurHash3).
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::uint64_t h = 0x2545F4914F6CDD1Dull ^ (size * kMul);
  while (size >= 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes, 8);
    h = (h ^ (word * kMul)) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    bytes += 8;
    size -= 8;
  }
  // The last 0-7 bytes as one little-endian word, zero above them. A memcpy of a variable size
  // compiled to a byte loop of ~30 instructions, the largest part of a hash (14% of an OFAC CSV
  // load went to hashing); two loads that may overlap give the same word in a few.
  std::uint64_t tail = 0;
  if constexpr (std::endian::native == std::endian::little) {
    if (size >= 4) {
      std::uint32_t low, high;
      std::memcpy(&low, bytes, 4);
      std::memcpy(&high, bytes + size - 4, 4);
      tail = low | (std::uint64_t{high} << (8 * (size - 4)));
    } else if (size != 0) {  // an empty string may have no storage (nullptr)
      tail = std::uint64_t{bytes[0]} | (std::uint64_t{bytes[size / 2]} << (8 * (size / 2))) |
             (std::uint64_t{bytes[size - 1]} << (8 * (size - 1)));
    }
  } else if (size != 0) {
    std::memcpy(&tail, bytes, size);
  }
  h = (h ^ (tail * kMul)) * 0x94D049BB133111EBull;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  return h;
}

void* allocate_large(std::size_t bytes) {
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  if (bytes < kHuge) {
    void* pointer = std::malloc(bytes == 0 ? 1 : bytes);
    if (pointer == nullptr) throw std::bad_alloc();
    return pointer;
  }
  const std::size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
  void* pointer = std::aligned_alloc(kHuge, rounded);
  if (pointer == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  ::madvise(pointer, rounded, MADV_HUGEPAGE);  // a hint: without transparent huge pages, nothing
#endif
  return pointer;
}

void free_large(void* pointer) noexcept { std::free(pointer); }

[[noreturn]] void assert_failed(const char* cond, const char* file, int line) {
  std::fprintf(stderr, "skg: internal error: %s:%d: assertion failed: %s\n", file, line, cond);
  std::abort();
}

}  // namespace detail

StringPool::StringPool() : offsets_{0}, slots_(16, 0) {}

std::optional<StringId> StringPool::find(std::string_view text) const noexcept {
  SKG_ASSERT(!slots_.empty() && "find() after drop_index()");
  const auto hash = detail::hash_string(text);
  const auto tag = static_cast<std::uint32_t>(hash);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
    const std::uint64_t slot = slots_[at];
    if (slot == 0) return std::nullopt;
    const StringId id{static_cast<std::uint32_t>(slot) - 1};
    if ((slot >> 32) == tag && view(id) == text) return id;
  }
}

StringId StringPool::intern(std::string_view text) {
  SKG_ASSERT(!slots_.empty() && "intern() after drop_index()");
  return intern_hashed(text, detail::hash_string(text));
}

std::vector<StringId> StringPool::intern_all(const detail::StringArena& staged) {
  SKG_ASSERT(!slots_.empty() && "intern_all() after drop_index()");
  const std::size_t count = staged.size();
  std::vector<StringId> ids(count);
  if (count == 0) return ids;
  // Hashes first (a sequential pass), then the probes, each slot prefetched kAhead strings
  // before it is read: a probe of a string met for the first time lands on a random slot of a
  // table far larger than the caches, and one after another those misses were the largest cost
  // of a list load (bench/load_lists).
  std::vector<std::uint64_t> hashes(count);
  for (std::size_t at = 0; at < count; ++at) hashes[at] = detail::hash_string(staged.view(StringId{static_cast<std::uint32_t>(at)}));
  constexpr std::size_t kAhead = 16;
  const auto prefetch = [this](std::uint64_t hash) {
    __builtin_prefetch(slots_.data() + (hash & (slots_.size() - 1)));
  };
  for (std::size_t at = 0; at < std::min(kAhead, count); ++at) prefetch(hashes[at]);
  for (std::size_t at = 0; at < count; ++at) {
    if (at + kAhead < count) prefetch(hashes[at + kAhead]);
    ids[at] = intern_hashed(staged.view(StringId{static_cast<std::uint32_t>(at)}), hashes[at]);
  }
  return ids;
}

StringId StringPool::intern_hashed(std::string_view text, std::uint64_t hash) {
  const auto tag = static_cast<std::uint32_t>(hash);
  const std::size_t mask = slots_.size() - 1;
  std::size_t at = hash & mask;
  for (;; at = (at + 1) & mask) {
    const std::uint64_t slot = slots_[at];
    if (slot == 0) break;
    const StringId id{static_cast<std::uint32_t>(slot) - 1};
    if ((slot >> 32) == tag && view(id) == text) return id;
  }
  if (size() >= 0xFFFFFFF0u) throw Error("string pool is full (more than 4 billion strings)");
  const StringId id{static_cast<std::uint32_t>(size())};
  chars_.insert(chars_.end(), text.begin(), text.end());
  offsets_.push_back(chars_.size());
  hashes_.push_back(tag);
  if ((size() + 1) * 2 > slots_.size()) {
    grow();  // rehashes, including the new string
  } else {
    slots_[at] = (std::uint64_t{tag} << 32) | (index(id) + 1);
  }
  return id;
}

void StringPool::grow() {
  decltype(slots_) slots(slots_.size() * 2, 0);
  const std::size_t mask = slots.size() - 1;
  // The stored low 32 bits of each hash give the probe start in tables up to 2^32 slots.
  for (std::uint32_t id = 0; id < size(); ++id) {
    std::size_t at = hashes_[id] & mask;
    while (slots[at] != 0) at = (at + 1) & mask;
    slots[at] = (std::uint64_t{hashes_[id]} << 32) | (id + 1);
  }
  slots_ = std::move(slots);
}

void StringPool::reserve(std::size_t count, std::size_t chars) {
  chars_.reserve(chars_.size() + chars);
  offsets_.reserve(offsets_.size() + count);
  hashes_.reserve(hashes_.size() + count);
  std::size_t slots = slots_.size();
  while (slots < (size() + count + 1) * 2) slots *= 2;
  if (slots > slots_.size()) {
    slots_.assign(slots, 0);
    const std::size_t mask = slots - 1;
    for (std::uint32_t id = 0; id < size(); ++id) {
      std::size_t at = hashes_[id] & mask;
      while (slots_[at] != 0) at = (at + 1) & mask;
      slots_[at] = (std::uint64_t{hashes_[id]} << 32) | (id + 1);
    }
  }
}

void StringPool::drop_index() {
  decltype(slots_)().swap(slots_);
  std::vector<std::uint32_t>().swap(hashes_);
}

void StringPool::truncate(std::size_t count) {
  if (count >= size()) return;
  chars_.resize(offsets_[count]);
  offsets_.resize(count + 1);
  hashes_.resize(count);
  std::fill(slots_.begin(), slots_.end(), 0);
  const std::size_t mask = slots_.size() - 1;
  for (std::uint32_t id = 0; id < size(); ++id) {
    std::size_t at = hashes_[id] & mask;
    while (slots_[at] != 0) at = (at + 1) & mask;
    slots_[at] = (std::uint64_t{hashes_[id]} << 32) | (id + 1);
  }
}

}  // namespace skg
