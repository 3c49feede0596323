#include "skg/graph/strings.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

#include <sys/mman.h>

#include "skg/graph/error.h"
#include "skg/graph/prefault.h"

namespace skg::inline v1 {

namespace detail {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
/// From this size up, a block is whole huge pages (allocate_large()): at most half of one idle.
constexpr std::size_t kHugeFrom = kHugePage / 2;
/// `bytes` rounded up to whole huge pages: what allocate_large() takes for a block of 1 MiB and up.
constexpr std::size_t huge_rounded(std::size_t bytes) noexcept { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }
}  // namespace

void* allocate_large(std::size_t bytes) {
  if (bytes < kHugeFrom) {
    void* pointer = std::malloc(bytes == 0 ? 1 : bytes);
    if (pointer == nullptr) throw std::bad_alloc();
    return pointer;
  }
  const std::size_t rounded = huge_rounded(bytes);
  void* pointer = std::aligned_alloc(kHugePage, rounded);
  if (pointer == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  ::madvise(pointer, rounded, MADV_HUGEPAGE);  // a hint: without transparent huge pages, nothing
#endif
  return pointer;
}

void free_large(void* pointer) noexcept { std::free(pointer); }

namespace {

/// The blocks LargeBlockReuse keeps: (block, its size: the request it was freed from, rounded up
/// to whole 2 MiB pages as allocate_large() rounded it; a reused block may be larger), and how many
/// LargeBlockReuse objects are alive. Never destroyed, as kept_blocks() below.
struct KeptLarge {
  std::mutex mutex;
  std::vector<std::pair<void*, std::size_t>> blocks;
  std::size_t holders = 0;
};
KeptLarge& kept_large() {
  static KeptLarge* kept = new KeptLarge;
  return *kept;
}

}  // namespace

void* allocate_large_block(std::size_t bytes) {
  if (bytes >= kHugeFrom) {
    const std::size_t rounded = huge_rounded(bytes);
    KeptLarge& kept = kept_large();
    const std::lock_guard<std::mutex> lock(kept.mutex);
    // The smallest kept block that holds the request. A larger one gives the pages past the
    // request back to the kernel: they would stay resident, idle, for as long as the request's
    // column lives (a graph's), and the block is kept again at the request's size when freed.
    std::size_t best = kept.blocks.size();
    for (std::size_t at = 0; at < kept.blocks.size(); ++at) {
      const std::size_t size = kept.blocks[at].second;
      if (size >= rounded && (best == kept.blocks.size() || size < kept.blocks[best].second)) best = at;
    }
    if (best != kept.blocks.size()) {
      const auto [pointer, size] = kept.blocks[best];
      kept.blocks[best] = kept.blocks.back();
      kept.blocks.pop_back();
      if (size > rounded) ::madvise(static_cast<char*>(pointer) + rounded, size - rounded, MADV_DONTNEED);
      return pointer;
    }
  }
  return allocate_large(bytes);
}

void free_large_block(void* pointer, std::size_t bytes) noexcept {
  if (pointer == nullptr) return;
  if (bytes >= kHugeFrom) {
    KeptLarge& kept = kept_large();
    const std::lock_guard<std::mutex> lock(kept.mutex);
    if (kept.holders > 0) {
      try {
        kept.blocks.emplace_back(pointer, huge_rounded(bytes));
        return;
      } catch (...) {  // no room to remember it: it goes back below
      }
    }
  }
  free_large(pointer);
}

LargeBlockReuse::LargeBlockReuse() noexcept {
  KeptLarge& kept = kept_large();
  const std::lock_guard<std::mutex> lock(kept.mutex);
  ++kept.holders;
}

LargeBlockReuse::~LargeBlockReuse() {
  KeptLarge& kept = kept_large();
  {
    const std::lock_guard<std::mutex> lock(kept.mutex);
    if (--kept.holders > 0) return;
  }
  release();
}

void LargeBlockReuse::release() noexcept {
  KeptLarge& kept = kept_large();
  std::vector<std::pair<void*, std::size_t>> blocks;
  {
    const std::lock_guard<std::mutex> lock(kept.mutex);
    blocks.swap(kept.blocks);
  }
  for (const auto& [pointer, size] : blocks) free_large(pointer);
}

namespace {

constexpr std::size_t kReusedFrom = std::size_t{64} << 10;  // smaller blocks: malloc's own bins
constexpr std::size_t kReusedKept = std::size_t{64} << 20;  // at most this much kept, free

struct KeptBlocks {
  std::mutex mutex;
  std::array<std::vector<void*>, 64> free;  // by size class: 2^class bytes
  std::size_t kept = 0;
};

// Never destroyed: a block freed by another static's destructor at exit still finds it (the
// blocks it keeps stay reachable from here, so leak checkers do not report them).
KeptBlocks& kept_blocks() {
  static KeptBlocks* blocks = new KeptBlocks;
  return *blocks;
}

unsigned reused_class(std::size_t bytes) noexcept { return static_cast<unsigned>(std::bit_width(bytes - 1)); }

}  // namespace

void* allocate_reused(std::size_t bytes) {
  if (bytes < kReusedFrom) {
    void* pointer = std::malloc(bytes == 0 ? 1 : bytes);
    if (pointer == nullptr) throw std::bad_alloc();
    return pointer;
  }
  const unsigned size_class = reused_class(bytes);
  KeptBlocks& blocks = kept_blocks();
  {
    const std::lock_guard<std::mutex> lock(blocks.mutex);
    auto& free = blocks.free[size_class];
    if (!free.empty()) {
      void* pointer = free.back();
      free.pop_back();
      blocks.kept -= std::size_t{1} << size_class;
      return pointer;
    }
  }
  return allocate_large(std::size_t{1} << size_class);
}

void free_reused(void* pointer, std::size_t bytes) noexcept {
  if (pointer == nullptr) return;
  if (bytes < kReusedFrom) return std::free(pointer);
  const unsigned size_class = reused_class(bytes);
  const std::size_t size = std::size_t{1} << size_class;
  KeptBlocks& blocks = kept_blocks();
  {
    const std::lock_guard<std::mutex> lock(blocks.mutex);
    if (blocks.kept + size <= kReusedKept) {
      try {
        blocks.free[size_class].push_back(pointer);
        blocks.kept += size;
        return;
      } catch (...) {  // no room to remember it: it goes back below
      }
    }
  }
  free_large(pointer);
}

[[noreturn]] void assert_failed(const char* cond, const char* file, int line) {
  std::fprintf(stderr, "skg: internal error: %s:%d: assertion failed: %s\n", file, line, cond);
  std::abort();
}

}  // namespace detail

StringPool::StringPool() : narrow_{0}, slots_(16, 0) {}

StringPool::StringPool(std::uint64_t narrow_limit)
    : narrow_{0}, narrow_limit_(std::min<std::uint64_t>(narrow_limit, 0xFFFFFFFFu)), slots_(16, 0) {}

StringId StringPool::append(std::string_view text) {
  const std::size_t count = size();
  if (count >= 0xFFFFFFF0u) throw Error("string pool is full (more than 4 billion strings)");
  if (!wide_ && chars_.size() + text.size() > narrow_limit_) {
    // Past what a 32-bit offset holds: every offset widened once, and 64-bit from here on.
    wide_offsets_.reserve(std::max(narrow_.capacity(), narrow_.size() + 1));
    wide_offsets_.assign(narrow_.begin(), narrow_.end());
    decltype(narrow_)().swap(narrow_);
    wide_ = true;
  }
  chars_.insert(chars_.end(), text.begin(), text.end());
  if (wide_) wide_offsets_.push_back(chars_.size());
  else narrow_.push_back(static_cast<std::uint32_t>(chars_.size()));
  return StringId{static_cast<std::uint32_t>(count)};
}

std::optional<StringId> StringPool::find(std::string_view text, std::uint64_t hash) const noexcept {
  SKG_ASSERT(!slots_.empty() && "find() after drop_index()");
  const auto tag = static_cast<std::uint32_t>(hash);
  const std::size_t slots = slots_.size();
  for (std::size_t at = home(tag, slots);; at = next(at, slots)) {
    const std::uint64_t slot = slots_[at];
    if (slot == 0) return std::nullopt;
    const StringId id{static_cast<std::uint32_t>(slot) - 1};
    if ((slot >> 32) == tag && detail::same_text(view(id), text)) return id;
  }
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
  // A string met before (a repeated name, most of the normalised name keys a freeze interns)
  // is compared with its earlier copy: two more misses, the slot's offset and the bytes. These
  // are fetched in the stages of prefetch_stage(), each a few strings after the one before.
  std::vector<std::uint64_t> hashes(count);
  for (std::size_t at = 0; at < count; ++at) hashes[at] = detail::hash_string(staged.view(StringId{static_cast<std::uint32_t>(at)}));
  constexpr std::size_t kSlotAhead = 16, kOffsetAhead = 8, kBytesAhead = 3;
  const auto prefetch = [&](std::size_t at, int stage) {
    prefetch_stage(staged.view(StringId{static_cast<std::uint32_t>(at)}), hashes[at], stage);
  };
  for (std::size_t at = 0; at < std::min(kSlotAhead, count); ++at) prefetch(at, 0);
  for (std::size_t at = 0; at < count; ++at) {
    if (at + kSlotAhead < count) prefetch(at + kSlotAhead, 0);
    if (at + kOffsetAhead < count) prefetch(at + kOffsetAhead, 1);
    if (at + kBytesAhead < count) prefetch(at + kBytesAhead, 2);
    ids[at] = intern_hashed(staged.view(StringId{static_cast<std::uint32_t>(at)}), hashes[at]);
  }
  return ids;
}

std::vector<StringId> StringPool::intern_all_last(const detail::StringArena& staged) {
  SKG_ASSERT(!slots_.empty() && "intern_all_last() after drop_index()");
  const std::size_t count = staged.size();
  std::vector<StringId> ids(count);
  std::vector<std::uint64_t> hashes(count);
  for (std::size_t at = 0; at < count; ++at) hashes[at] = detail::hash_string(staged.view(StringId{static_cast<std::uint32_t>(at)}));
  // The new strings' table: hash << 32 | (id + 1), as the pool's, at most half full.
  std::size_t room = 16;
  while (room < count * 2) room *= 2;
  detail::BigVector<std::uint64_t> fresh(room, 0);
  const std::size_t fresh_mask = room - 1;
  // Prefetched as intern_all() does, and the new strings' slot with the pool's.
  constexpr std::size_t kSlotAhead = 16, kOffsetAhead = 8, kBytesAhead = 3;
  const auto prefetch = [&](std::size_t at, int stage) {
    prefetch_stage(staged.view(StringId{static_cast<std::uint32_t>(at)}), hashes[at], stage);
    if (stage == 0) detail::prefetch_line(fresh.data() + (hashes[at] & fresh_mask));
  };
  for (std::size_t at = 0; at < std::min(kSlotAhead, count); ++at) prefetch(at, 0);
  for (std::size_t at = 0; at < count; ++at) {
    if (at + kSlotAhead < count) prefetch(at + kSlotAhead, 0);
    if (at + kOffsetAhead < count) prefetch(at + kOffsetAhead, 1);
    if (at + kBytesAhead < count) prefetch(at + kBytesAhead, 2);
    const std::string_view text = staged.view(StringId{static_cast<std::uint32_t>(at)});
    if (const auto held = find(text, hashes[at])) {
      ids[at] = *held;
      continue;
    }
    const auto tag = static_cast<std::uint32_t>(hashes[at]);
    std::size_t slot = hashes[at] & fresh_mask;
    for (; fresh[slot] != 0; slot = (slot + 1) & fresh_mask) {
      const StringId id{static_cast<std::uint32_t>(fresh[slot]) - 1};
      if ((fresh[slot] >> 32) == tag && detail::same_text(view(id), text)) break;
    }
    if (fresh[slot] != 0) {
      ids[at] = StringId{static_cast<std::uint32_t>(fresh[slot]) - 1};
      continue;
    }
    ids[at] = append(text);
    fresh[slot] = (std::uint64_t{tag} << 32) | (index(ids[at]) + 1);
  }
  drop_index();
  return ids;
}

StringId StringPool::intern_hashed(std::string_view text, std::uint64_t hash) {
  SKG_ASSERT(!slots_.empty() && "intern() after drop_index()");
  const auto tag = static_cast<std::uint32_t>(hash);
  const std::size_t slots = slots_.size();
  std::size_t at = home(tag, slots);
  for (;; at = next(at, slots)) {
    const std::uint64_t slot = slots_[at];
    if (slot == 0) break;
    const StringId id{static_cast<std::uint32_t>(slot) - 1};
    if ((slot >> 32) == tag && detail::same_text(view(id), text)) return id;
  }
  return insert(text, tag, at);
}

// Apart from the probe, which most calls end in: the insertion's vector growth made the probe
// save and restore registers it does not need.
[[gnu::noinline]] StringId StringPool::insert(std::string_view text, std::uint32_t tag, std::size_t at) {
  const StringId id = append(text);
  slots_[at] = (std::uint64_t{tag} << 32) | (index(id) + 1);
  if (over_full(size() + 1, slots_.size())) grow();  // rehashes, the new string with the rest
  return id;
}

void StringPool::grow() {
  if (slots_.size() >= kMaxSlots) throw Error("string pool is full (its table has 2^32 slots)");
  rehash(std::min(slots_.size() * 2, kMaxSlots));
}

/// Puts `slot` (a tag << 32 | id + 1) at the first free place of its probe in `table`: the tag,
/// the low 32 bits of the string's hash, gives the probe start in tables up to 2^32 slots, so a
/// string is placed again without being read or hashed.
void StringPool::place_slot(detail::BigVector<std::uint64_t>& table, std::uint64_t slot) noexcept {
  const std::size_t slots = table.size();
  std::size_t at = home(static_cast<std::uint32_t>(slot >> 32), slots);
  while (table[at] != 0) at = next(at, slots);
  table[at] = slot;
}

void StringPool::rehash(std::size_t size) {
  decltype(slots_) slots;
  slots.reserve(size);
  // The table's pages faulted in on two threads before its zeros are written (the room of a
  // whole load's strings: at 10M FtM entities, 630 MiB before the first line is read).
  detail::populate_pages_on_two_threads(slots.data(), slots.capacity() * sizeof(std::uint64_t));
  slots.resize(size);
  // Placed again from the tags each slot keeps (place_slot), so the pool keeps no column of
  // hashes (4 bytes a string: 18 MB of a 1M-entity FtM load).
  for (const std::uint64_t slot : slots_)
    if (slot != 0) place_slot(slots, slot);
  slots_ = std::move(slots);
}

void StringPool::reserve(std::size_t count, std::size_t chars) {
  chars_.reserve(chars_.size() + chars);
  if (wide_) wide_offsets_.reserve(wide_offsets_.size() + count);
  else narrow_.reserve(narrow_.size() + count);
  // The table sized to the strings (any size, home()), a whole cache line of 8 slots at its end:
  // up to twice less than the next power of two.
  const std::size_t strings = size() + count + 1;
  if (!over_full(strings, slots_.size())) return;
  std::size_t slots = (strings * 4 + 2) / 3 + 1;
  slots = std::min((slots + 7) / 8 * 8, kMaxSlots);
  rehash(slots);
}

void StringPool::drop_index() { decltype(slots_)().swap(slots_); }

void StringPool::truncate(std::size_t count) {
  if (count >= size()) return;
  chars_.resize(offset(count));
  if (wide_) wide_offsets_.resize(count + 1);
  else narrow_.resize(count + 1);
  // The slots of the strings kept, taken out and placed again from their tags (as rehash()),
  // in a table of the same size: a copy of the kept slots, not of the table.
  detail::BigVector<std::uint64_t> kept;
  kept.reserve(count);
  for (const std::uint64_t slot : slots_)
    if (slot != 0 && static_cast<std::uint32_t>(slot) - 1 < count) kept.push_back(slot);
  std::fill(slots_.begin(), slots_.end(), 0);
  for (const std::uint64_t slot : kept) place_slot(slots_, slot);
}

}  // namespace skg
