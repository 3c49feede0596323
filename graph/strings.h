// graph/strings.h: the string pool (each string stored once) and the frozen string index.
#pragma once
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "skg/graph/ids.h"

namespace skg::inline v1 {

namespace detail {
/// Allocates large arrays (1 MiB and up) as whole 2 MiB pages, on 2 MiB boundaries, and asks the
/// kernel for huge pages there (madvise; a hint it may ignore): hash tables probed at random
/// addresses otherwise take a TLB miss on most probes, which a virtual machine's nested page walk
/// makes dear, and a fresh 4 KiB page costs a virtual machine a fault at its first write even
/// when faulted in ahead (measured here: 1.1 MiB of fresh 4 KiB pages written in 3.3 ms, 1.5 ms
/// faulted in ahead; 12 MiB of fresh huge pages in 0.5 ms). Below 1 MiB, malloc.
void* allocate_large(std::size_t bytes);
void free_large(void* pointer) noexcept;

/// A standard allocator over a pair of block functions (`Blocks::allocate(bytes)`,
/// `Blocks::free(pointer, bytes)`), stateless: every instance frees what any other allocated.
template <class T, class Blocks>
struct BlockAllocator {
  using value_type = T;
  BlockAllocator() = default;
  template <class U>
  BlockAllocator(const BlockAllocator<U, Blocks>&) noexcept {}
  T* allocate(std::size_t count) { return static_cast<T*>(Blocks::allocate(count * sizeof(T))); }
  void deallocate(T* pointer, std::size_t count) noexcept { Blocks::free(pointer, count * sizeof(T)); }
  template <class U>
  bool operator==(const BlockAllocator<U, Blocks>&) const noexcept { return true; }
};

/// allocate_large() and free_large() for blocks whose size the caller knows (LargeAllocator's):
/// while a LargeBlockReuse lives (a Builder holds one), a freed block of 1 MiB and up is kept,
/// not handed back, and given to the next request it holds (the smallest such block; its pages
/// past the request do go back to the kernel). A load grows its columns by doubling and freeze()
/// then writes about as many bytes of new columns as it frees of the builder's: each fresh 4 KiB
/// page was a fault and a zeroing by the kernel, ~10-15 us a fault on a virtual machine (39,000
/// faults, a third of a 1M-entity skg-csv load's CPU), where a kept block is already mapped.
void* allocate_large_block(std::size_t bytes);
void free_large_block(void* pointer, std::size_t bytes) noexcept;

/// Keeps freed large blocks for reuse (above) from its construction until the last one alive
/// is destroyed, when the kept blocks go back to the system. Thread-safe; nests.
class LargeBlockReuse {
 public:
  LargeBlockReuse() noexcept;
  ~LargeBlockReuse();
  LargeBlockReuse(const LargeBlockReuse&) = delete;
  LargeBlockReuse& operator=(const LargeBlockReuse&) = delete;

 private:
  /// Gives the blocks kept so far back to the system (the last holder's destructor).
  static void release() noexcept;
};

struct LargeBlocks {
  static void* allocate(std::size_t bytes) { return allocate_large_block(bytes); }
  static void free(void* pointer, std::size_t bytes) noexcept { free_large_block(pointer, bytes); }
};
template <class T>
using LargeAllocator = BlockAllocator<T, LargeBlocks>;
/// A vector on huge pages whose freed blocks a build reuses (LargeBlockReuse).
template <class T>
using BigVector = std::vector<T, LargeAllocator<T>>;

/// LargeAllocator (whole huge pages from 1 MiB), except that a vector resized with it leaves its new
/// items uninitialised, for a writer that fills every item right after: a block's text read in,
/// the edge sources an opened snapshot derives (12 MiB at 1M: the zero fill before the fill wrote
/// every byte once more).
template <class T>
struct NoFillAllocator : LargeAllocator<T> {
  using value_type = T;
  NoFillAllocator() = default;
  template <class U>
  NoFillAllocator(const NoFillAllocator<U>&) noexcept {}
  template <class U>
  struct rebind {
    using other = NoFillAllocator<U>;
  };
  template <class U>
  void construct(U* at) noexcept {
    ::new (static_cast<void*>(at)) U;
  }
  template <class U, class... Args>
  void construct(U* at, Args&&... args) {
    ::new (static_cast<void*>(at)) U(std::forward<Args>(args)...);
  }
};
template <class T>
using NoFillVector = std::vector<T, NoFillAllocator<T>>;

/// Blocks a query allocates afresh on every call (a blocked set's verdicts and tables, one byte
/// or word a node): glibc gives blocks of this size to the kernel when they are freed (mmap, then
/// munmap), so every call faulted all their pages in again, one fault a 4 KiB page, each dear in
/// a virtual machine (a third of an OFAC blocked set's 16 ms at 1M nodes). Blocks of 64 KiB and
/// up come in power-of-two sizes; a freed one is kept for the next request of its size, up to
/// 64 MiB kept in all (past that it goes back to the system). Thread-safe.
void* allocate_reused(std::size_t bytes);
void free_reused(void* pointer, std::size_t bytes) noexcept;
struct ReusedBlocks {
  static void* allocate(std::size_t bytes) { return allocate_reused(bytes); }
  static void free(void* pointer, std::size_t bytes) noexcept { free_reused(pointer, bytes); }
};
template <class T>
using ReusedAllocator = BlockAllocator<T, ReusedBlocks>;
template <class T>
using ReusedVector = std::vector<T, ReusedAllocator<T>>;

/// A fast 64-bit hash of bytes (not cryptographic); the same on every run and machine (the
/// frozen graph's indexes, which snapshots store, are placed by it). Inline: each string a load
/// interns is hashed, and the call was a tenth of the hash's cost.
inline std::uint64_t hash_bytes(const void* data, std::size_t size) noexcept {
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
inline std::uint64_t hash_string(std::string_view text) noexcept {
  return hash_bytes(text.data(), text.size());
}

/// a == b for the pool's probes, inline: a string found by its hash tag is nearly always equal,
/// so the compare runs to the end, and for the short texts a load interns (names, ids) the call
/// into the C library's memcmp was most of it (14% of the reading thread of a 1M-row nodes
/// table). Eight bytes at a time, the last word overlapping the one before it.
[[gnu::always_inline]] inline bool same_text(std::string_view a, std::string_view b) noexcept {
  const std::size_t size = a.size();
  if (size != b.size()) return false;
  const char *x = a.data(), *y = b.data();
  if (size >= 8) {
    for (std::size_t at = 0; at + 8 < size; at += 8) {
      std::uint64_t u, v;
      std::memcpy(&u, x + at, 8);
      std::memcpy(&v, y + at, 8);
      if (u != v) return false;
    }
    std::uint64_t u, v;
    std::memcpy(&u, x + size - 8, 8);
    std::memcpy(&v, y + size - 8, 8);
    return u == v;
  }
  if (size >= 4) {
    std::uint32_t u, v, s, t;
    std::memcpy(&u, x, 4);
    std::memcpy(&v, y, 4);
    std::memcpy(&s, x + size - 4, 4);
    std::memcpy(&t, y + size - 4, 4);
    return u == v && s == t;
  }
  for (std::size_t at = 0; at < size; ++at)
    if (x[at] != y[at]) return false;
  return true;
}

/// Starts fetching the cache line that holds `address` into every cache level (a hint: it never
/// faults and changes no value). An asm statement, not __builtin_prefetch: GCC 12 (-O1, -O2) finds
/// a function whose only effect is a __builtin_prefetch pure and deletes its unused calls, so
/// StringPool::prefetch, prefetch_hashed and prefetch_deep each compiled to a bare `ret` and no
/// loader's pool prefetch ever reached the memory system (`objdump -d`; reduced in the
/// bench/HISTORY.md section of 2026-12-01, branch load1m). An asm volatile statement is never deleted.
[[gnu::always_inline]] inline void prefetch_line(const void* address) noexcept {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(address)));
#elif defined(__GNUC__) && defined(__aarch64__)
  asm volatile("prfm pldl1keep, %0" : : "Q"(*static_cast<const char*>(address)));
#else
  __builtin_prefetch(address);
#endif
}
}  // namespace detail

namespace detail {
class StringArena;
/// The part of a growing column that is written next: from the end of what it holds to the end
/// of the room reserved for it (for detail::PageFaulter, graph/prefault.h).
struct ColumnRoom {
  const void* used_end = nullptr;
  const void* room_end = nullptr;
};
template <class Vector>
ColumnRoom room_of(const Vector& column) noexcept {
  return {column.data() + column.size(), column.data() + column.capacity()};
}
}  // namespace detail

/// Interns strings: each distinct string gets one StringId and is stored once.
///   skg::StringPool pool;  auto id = pool.intern("OFAC");  pool.view(id) == "OFAC"
class StringPool {
 public:
  StringPool();
  StringId intern(std::string_view text) { return intern_hashed(text, detail::hash_string(text)); }
  /// intern() of a text whose hash the caller has already: `hash` must be
  /// detail::hash_string(text), as prefetch_hashed() returns it. A caller that prefetches a
  /// string's slot and interns it later hashes it once instead of twice.
  StringId intern(std::string_view text, std::uint64_t hash) { return intern_hashed(text, hash); }
  /// Interns every string of `staged`, in order: ids[i] is the id of staged string i. The same
  /// ids as intern() one by one, faster: each string's table slot is fetched from memory a few
  /// strings ahead of its probe, so the cache misses of distinct strings overlap.
  std::vector<StringId> intern_all(const detail::StringArena& staged);
  /// intern_all(), then drop_index(): the last strings a pool takes (freeze()'s name keys). The
  /// same ids; a string the pool holds is found through its table, and the new ones are found
  /// again among themselves through a table of their own sized for them instead of being put in
  /// the pool's, which they would have grown (rehashed whole into twice the room, 32 MiB at a
  /// 1M-entity skg-csv load) only for it to be dropped.
  std::vector<StringId> intern_all_last(const detail::StringArena& staged);
  std::optional<StringId> find(std::string_view text) const noexcept { return find(text, detail::hash_string(text)); }
  /// find() of a text whose hash (detail::hash_string) the caller has already, as intern(text, hash).
  std::optional<StringId> find(std::string_view text, std::uint64_t hash) const noexcept;
  /// Starts fetching the table slot where `text` is looked up, without waiting for it: a caller
  /// that knows which strings it interns next calls this a little ahead (a hint; no effect on ids).
  void prefetch(std::string_view text) const noexcept {
    prefetch_stage(text, detail::hash_string(text), 0);
  }
  /// prefetch(), giving back the hash it computed (for intern(text, hash)).
  std::uint64_t prefetch_hashed(std::string_view text) const noexcept {
    const std::uint64_t hash = detail::hash_string(text);
    prefetch_stage(text, hash, 0);
    return hash;
  }
  /// The deeper stages of prefetch(), for a caller that looks up many strings it knows well
  /// ahead (a bulk load's edge ends, each a lookup at a random place of a large table): stage 1,
  /// issued some strings after prefetch(text) so that the slot is cached by then, reads the slot
  /// and starts fetching the string's offset; stage 2, a few strings later, reads the offset and
  /// starts fetching the string's bytes. find() of the string then waits on no cache miss. Looks
  /// at the first kProbeSlots slots of its probe (a hint: a string further along is just not
  /// prefetched).
  void prefetch_deep(std::string_view text, int stage) const noexcept {
    prefetch_stage(text, detail::hash_string(text), stage < 1 ? 1 : stage);
  }
  /// prefetch() (stage 0) or prefetch_deep() (stages 1, 2) of a text whose hash the caller has
  /// (detail::hash_string(text)): a bulk loader hashes each hot string once, on its parsing
  /// thread, instead of once per stage and again for the intern on the thread that adds it.
  void prefetch_stage(std::string_view text, std::uint64_t hash, int stage) const noexcept {
    if (slots_.empty() || text.empty()) return;
    const std::uint32_t tag = static_cast<std::uint32_t>(hash);
    const std::size_t slots = slots_.size();
    const std::uint64_t* const slot = slots_.data() + home(tag, slots);
    if (stage == 0) {
      detail::prefetch_line(slot);
      return;
    }
    // The slot whose tag is the text's, along the probe: the first slot holds another string
    // for some lookups (linear probing, the table up to 3/4 full), whose offset and bytes were
    // fetched for nothing while the ones the lookup compares missed. The slots read here are
    // those stage 0 fetched (a few lines of 8): at most kProbeSlots of them.
    std::size_t probe = home(tag, slots);
    for (std::size_t step = 0; (slots_[probe] >> 32) != tag; ++step, probe = next(probe, slots))
      if (slots_[probe] == 0 || step + 1 == kProbeSlots) return;  // not there, or far along
    const std::size_t at = static_cast<std::uint32_t>(slots_[probe]) - 1;
    if (stage <= 1) detail::prefetch_line(offset_address(at));
    else detail::prefetch_line(chars_.data() + offset(at));
  }
  /// Starts fetching what view(id) reads, without waiting for it: stage 0 the id's offsets;
  /// stage 1, issued a few ids later so that those are cached by then, the string's first bytes.
  /// A caller that reads many strings at random places of a large pool (freeze()'s name keys)
  /// calls it a few ids ahead (a hint: no effect on anything).
  void prefetch_view(StringId id, int stage) const noexcept {
    const auto at = index(id);
    if (stage == 0) detail::prefetch_line(offset_address(at));
    else detail::prefetch_line(chars_.data() + offset(at));
  }
  std::string_view view(StringId id) const noexcept {
    const auto at = index(id);
    if (!wide_) [[likely]]
      return {chars_.data() + narrow_[at], static_cast<std::size_t>(narrow_[at + 1] - narrow_[at])};
    return {chars_.data() + wide_offsets_[at], static_cast<std::size_t>(wide_offsets_[at + 1] - wide_offsets_[at])};
  }
  std::size_t size() const noexcept { return (wide_ ? wide_offsets_.size() : narrow_.size()) - 1; }
  static constexpr std::size_t kProbeSlots = 8;  // slots prefetch_stage looks at, at most
  /// Makes room for `count` more strings of `chars` bytes in all, so that a large load does not
  /// regrow (copy, rehash) the pool again and again.
  void reserve(std::size_t count, std::size_t chars);
  /// Frees the lookup table: the strings stay readable by id, but intern() and find() may not
  /// be called again (the builder does this once it has interned its last string).
  void drop_index();
  /// Forgets every string interned after the first `count` (to roll a failed batch back).
  void truncate(std::size_t count);

  /// Where its characters and offsets are written next (Batch::fault_in_ahead).
  std::array<detail::ColumnRoom, 2> room() const noexcept {
    return {detail::room_of(chars_), wide_ ? detail::room_of(wide_offsets_) : detail::room_of(narrow_)};
  }

  /// The offsets of the frozen form: size() + 1 of them, in one of the two columns (the other
  /// empty): 32-bit while the characters fit in 4 GiB, else 64-bit.
  struct Offsets {
    detail::BigVector<std::uint32_t> narrow;
    detail::BigVector<std::uint64_t> wide;
  };
  /// The frozen form: all characters, and size() + 1 offsets into them.
  detail::BigVector<char> release_chars() && { return std::move(chars_); }
  Offsets release_offsets() && { return {std::move(narrow_), std::move(wide_offsets_)}; }

  /// A pool whose offsets turn 64-bit once its characters pass `narrow_limit` bytes (the most a
  /// 32-bit offset holds, unless a test asks for less to see the change).
  explicit StringPool(std::uint64_t narrow_limit);
  bool wide() const noexcept { return wide_; }

 private:
  /// True when `strings` strings would fill more than 3/4 of `slots` slots. Linear probing stays
  /// short there (a hit reads 1.5-2.5 slots on average, one cache line of 8), and the table of a
  /// 1M-entity FtM load (5.75M strings expected) is 7.7M slots, 61 MiB, not the 16M slots (128
  /// MiB) that a limit of 1/2 and powers of two took: fresh pages the reading thread waited on the
  /// kernel to zero, and a table twice as large for its random probes to miss in (TLB and cache).
  static constexpr bool over_full(std::size_t strings, std::size_t slots) noexcept {
    return strings * 4 > slots * 3;
  }
  void grow();
  /// Where a string with this tag (its hash's low 32 bits) starts its probe in a table of `slots`
  /// slots (at most 2^32), and the slot after `at` along a probe. Any table size, by a multiply
  /// (Lemire's fast range) instead of a power of two and a mask: a table sized to its strings
  /// (reserve) need not round up to the next power of two. The 10M-entity FtM load's estimate of
  /// 59M strings took a table of 128M slots (1 GiB of fresh pages, zeroed before its first line
  /// was read) where 79M slots (630 MiB) keep it under 3/4 full.
  static std::size_t home(std::uint32_t tag, std::size_t slots) noexcept {
    return static_cast<std::size_t>((std::uint64_t{tag} * slots) >> 32);
  }
  static std::size_t next(std::size_t at, std::size_t slots) noexcept { return at + 1 == slots ? 0 : at + 1; }
  static constexpr std::size_t kMaxSlots = std::size_t{1} << 32;  // home() maps a 32-bit tag
  static void place_slot(detail::BigVector<std::uint64_t>& table, std::uint64_t slot) noexcept;
  /// The offset of string `at` (its end: that of string `at + 1`), and where it is stored.
  std::uint64_t offset(std::size_t at) const noexcept { return wide_ ? wide_offsets_[at] : narrow_[at]; }
  const void* offset_address(std::size_t at) const noexcept {
    return wide_ ? static_cast<const void*>(wide_offsets_.data() + at) : static_cast<const void*>(narrow_.data() + at);
  }
  /// Appends `text` as the next string (bytes and end offset), after the check that an id is
  /// left; the offsets turn 64-bit first when the bytes would pass narrow_limit_.
  StringId append(std::string_view text);
  /// Places every string again in a table of `slots` slots (at most 2^32, over_full() false).
  void rehash(std::size_t slots);
  StringId intern_hashed(std::string_view text, std::uint64_t hash);
  StringId insert(std::string_view text, std::uint32_t tag, std::size_t slot);
  // On huge pages, and blocks a build freed reused (detail::BigVector): a 1M-entity load's pool
  // grows to ~100 MB by doubling, and freeze() fills a second pool of index keys.
  detail::BigVector<char> chars_;
  // size() + 1 offsets into chars_: 32-bit (narrow_) while chars_ holds at most narrow_limit_
  // bytes, then 64-bit (wide_offsets_; narrow_ emptied). Four bytes a string, not eight: a
  // 1M-entity FtM load interns 4.4M strings, and its offsets were 34 MiB of fresh pages, then
  // copied to the frozen graph's 32-bit column (17 MiB more) at freeze; now they are handed over.
  detail::BigVector<std::uint32_t> narrow_;
  detail::BigVector<std::uint64_t> wide_offsets_;
  std::uint64_t narrow_limit_ = 0xFFFFFFFFu;
  bool wide_ = false;
  // Open addressing: 0 empty, else hash << 32 | (id + 1) (the hash's low 32 bits: its tag).
  detail::BigVector<std::uint64_t> slots_;
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
  BigVector<char> chars_;
  BigVector<std::uint64_t> offsets_;
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
