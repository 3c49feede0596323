#include "skg/graph/snapshot.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <fmt/format.h>
#include <thread>
#include <type_traits>

#include "skg/graph/error.h"
#include "skg/graph/file_type.h"

namespace skg::inline v1 {

// File layout (little-endian, as written by this machine; the header says so):
//   Header (64 bytes) | column table (kColumns entries of 56 bytes) | columns, each 64-byte aligned.
// Each column carries its element size, count, offset and a 64-bit checksum of its bytes; the
// header carries the file size and the checksum of the table, so truncation and corruption are
// found before any column is used. Checksums only catch damage: whoever writes a file can
// recompute them, so every column is also checked for what the graph's readers rely on
// (GraphParts::validate below).
//
// Format 6 (issue 13) stores nothing the other columns give and little that is mostly one value:
//   - no edge sources: the forward offsets (out_at) say which node each edge starts at, so the
//     graph derives the source column in memory from them at the first read of a source
//     (Graph::source; a query that reads none never pays for it);
//   - an edge's share, start and end date, role and own id as a RankedColumn: a bitmap with one
//     bit an edge (`*_bits`, ceil(edges / 64) words) and the values of the edges whose bit is set,
//     in edge order; the open counts the set bits before each word (a few KB) so a read is O(1).
//     A column more than half set is stored whole (bitmap empty), and an empty one means every
//     edge has the fill value (share unknown, open dates, no role, no id);
//   - record lines by runs of consecutive lines (`prov_line_at`: the first record of each run,
//     then the record count; `prov_line`: each run's first line), or one each when runs would
//     not be smaller (`prov_line_at` empty).
// Format 7 (issue 13) goes on, for what the generated 1M graph showed to be mostly one value:
//   - shares by a dictionary (`share_dict`: at most 256 stored values, `share_code`: one byte an
//     edge) where that is smaller than the sparse form (then empty);
//   - the records of a name or an external id left out where they are exactly its node's own
//     (`*_prov_own`: a bit a position; `*_prov_at` / `*_prov` then cover the unmarked ones);
//   - node record offsets as the exceptions to one record each (`node_prov_x`: the nodes whose
//     count is not one, `node_prov_x_end`: where each one's records end), where smaller;
//   - node dates as RankedColumns, like the edge dates;
//   - no primary name column when each is the node's first name (`name` empty: Graph::name_id);
//   - the name index's slots at 3 keys in 4 (a size that is not a power of two: lookups map the
//     hash by detail::slot_home), where freeze() leaves them at 1 in 2 to 1 in 4.
// The in-memory forms a Builder makes are kept: save() writes a packed view (GraphParts::packed)
// and the accessors read either form, so a graph answers the same built or opened.
namespace {

constexpr char kMagic[8] = {'S', 'K', 'G', 'S', 'N', 'A', 'P', '\0'};
constexpr std::uint32_t kEndianMark = 0x01020304;

struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t endian;
  std::uint32_t columns;
  std::uint32_t reserved;
  std::uint64_t file_size;
  std::uint64_t table_checksum;
  std::uint8_t padding[24];
};
static_assert(sizeof(Header) == 64);

struct ColumnEntry {
  char name[24];  // NUL-terminated inside its 24 bytes
  std::uint32_t element_size;
  std::uint32_t reserved;
  std::uint64_t count;
  std::uint64_t offset;
  std::uint64_t checksum;
};
static_assert(sizeof(ColumnEntry) == 56);

/// An Action as the file stores it: every field a plain 32-bit value, no std::optional (whose
/// bytes belong to one standard library, and whose flag is a bool that may hold any byte).
/// Dates are days since 1970-01-01; kOpenStart stands for an unknown listing date or an open
/// start, kOpenEnd for an open end.
/// Version 3 adds the typed measures (a 16-bit set), the issuer, the list and the origin (8 bits
/// each; issue 10).
struct StoredAction {
  StringId authority, list, program, legal_basis, measures, citation;
  std::int32_t listed;
  std::int32_t from, to;
  std::uint16_t measure_set;
  std::uint8_t issuer, list_id;
  std::uint8_t origin, reserved[3];
};
static_assert(sizeof(StoredAction) == 44 && std::has_unique_object_representations_v<StoredAction>);

StoredAction encode(const Action& action) {
  return {action.authority, action.list, action.program, action.legal_basis, action.measures, action.citation,
          action.listed ? action.listed->days : kOpenStart,
          action.in_force.start ? action.in_force.start->days : kOpenStart,
          action.in_force.end ? action.in_force.end->days : kOpenEnd,
          action.measure_set.bits(),
          static_cast<std::uint8_t>(action.issuer),
          static_cast<std::uint8_t>(action.list_id),
          static_cast<std::uint8_t>(action.origin),
          {0, 0, 0}};
}

Action decode(const StoredAction& stored) {
  Action action;
  action.authority = stored.authority;
  action.list = stored.list;
  action.program = stored.program;
  action.legal_basis = stored.legal_basis;
  action.measures = stored.measures;
  action.citation = stored.citation;
  if (stored.listed != kOpenStart) action.listed = Date{stored.listed};
  if (stored.from != kOpenStart) action.in_force.start = Date{stored.from};
  if (stored.to != kOpenEnd) action.in_force.end = Date{stored.to};
  action.measure_set = Measures::from_bits(stored.measure_set);
  action.issuer = static_cast<Issuer>(stored.issuer);  // range checked by validate()
  action.list_id = static_cast<SanctionList>(stored.list_id);
  action.origin = static_cast<ActionOrigin>(stored.origin);
  return action;
}

/// Stored dates lie within ten million days of 1970 (about 25000 BC to AD 29000: every date a
/// source can give, years 1 to 9999, and a day either side), so no date computation on them
/// comes near integer overflow.
constexpr std::int32_t kDayLimit = 10'000'000;
bool day_ok(std::int32_t day, std::int32_t open) { return day == open || (day >= -kDayLimit && day <= kDayLimit); }


/// Reads columns of the mapped file with pread() into a small buffer, a chunk at a time, for the
/// checks that scan them in order. On this VM a first touch of each 4 KiB page of the mapping
/// costs a fault and a shadow page-table fill (about 4-5 us a page: the loads that first touched
/// a page were most of validate()'s time), while pread() copies from the page cache through the
/// kernel's own large-page mapping: scanning the 119 MB 1M snapshot took 120-186 ms through the
/// mapping and 40-60 ms through 64-256 KiB preads (/tmp/snapopen/scan.cpp). The mapping's pages
/// are then touched only by the queries that need them. A column not in the file (empty, or
/// in memory) is read where it is; should pread() fail, the rest is read through the mapping.
class ChunkReader {
 public:
  ChunkReader(int fd, const unsigned char* base, std::size_t size) : fd_(fd), base_(base), size_(size) {}
  /// Calls part(std::span<const T>) over `column`'s elements in order, a chunk at a time.
  template <class T, class F>
  void chunks(const Column<T>& column, F&& part) const {
    const auto* bytes = reinterpret_cast<const unsigned char*>(column.data());
    if (column.empty() || fd_ < 0 || bytes < base_ || bytes >= base_ + size_) {
      if (!column.empty()) part(std::span<const T>(column.data(), column.size()));
      return;
    }
    const std::size_t per = kChunk / sizeof(T);
    std::unique_ptr<T[]> buffer(new T[per]);
    std::size_t done = 0;
    while (done < column.size()) {
      const std::size_t count = std::min(per, column.size() - done);
      if (!read(buffer.get(), static_cast<std::size_t>(bytes - base_) + done * sizeof(T), count * sizeof(T))) {
        part(std::span<const T>(column.data() + done, column.size() - done));
        return;
      }
      part(std::span<const T>(buffer.get(), count));
      done += count;
    }
  }
  /// Whether pred(value) holds for every element of `column` (all are read). The verdict is kept
  /// in a local for each chunk, so the loop vectorizes: through a captured flag it did not (a
  /// byte column may alias it).
  template <class T, class P>
  bool all(const Column<T>& column, P&& pred) const {
    bool ok = true;
    chunks(column, [&](std::span<const T> part) {
      bool part_ok = true;
      for (const T& value : part) part_ok &= pred(value);
      ok &= part_ok;
    });
    return ok;
  }

 private:
  static constexpr std::size_t kChunk = std::size_t{128} << 10;  // fits L2 with room to spare
  bool read(void* to, std::size_t offset, std::size_t count) const {
    auto* out = static_cast<unsigned char*>(to);
    while (count > 0) {
      const ssize_t got = ::pread(fd_, out, count, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      out += got, offset += static_cast<std::size_t>(got), count -= static_cast<std::size_t>(got);
    }
    return true;
  }
  int fd_;
  const unsigned char* base_;
  std::size_t size_;
  template <class T>
  friend class ChunkStream;
};

/// A column's elements one at a time, read as ChunkReader reads them: for the checks that walk
/// two columns side by side. next() past the end is a caller's error (checked before).
template <class T>
class ChunkStream {
 public:
  ChunkStream(const ChunkReader& reader, const Column<T>& column) : reader_(reader), column_(column) {}
  T next() {
    if (at_ == end_) refill();
    return *at_++;
  }

 private:
  void refill() {
    const auto* bytes = reinterpret_cast<const unsigned char*>(column_.data());
    const std::size_t left = column_.size() - done_;
    if (!direct_ && reader_.fd_ >= 0 && bytes >= reader_.base_ && bytes < reader_.base_ + reader_.size_) {
      const std::size_t per = ChunkReader::kChunk / sizeof(T), count = std::min(per, left);
      if (!buffer_) buffer_.reset(new T[per]);
      if (reader_.read(buffer_.get(), static_cast<std::size_t>(bytes - reader_.base_) + done_ * sizeof(T),
                       count * sizeof(T))) {
        at_ = buffer_.get(), end_ = at_ + count, done_ += count;
        return;
      }
    }
    direct_ = true;  // not in the file, or pread failed: the rest through the mapping
    at_ = column_.data() + done_, end_ = column_.data() + column_.size(), done_ = column_.size();
  }
  const ChunkReader& reader_;
  const Column<T>& column_;
  std::unique_ptr<T[]> buffer_;
  const T* at_ = nullptr;
  const T* end_ = nullptr;
  std::size_t done_ = 0;
  bool direct_ = false;
};
}  // namespace

std::uint64_t detail::snapshot_checksum(const void* data, std::size_t size) noexcept {
  // Four independent multiply-xorshift lanes over 32-byte blocks, so the CPU overlaps them
  // (several GB/s), then folded with the tail and the size.
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::uint64_t lane[4] = {0x243F6A8885A308D3ull, 0x13198A2E03707344ull, 0xA4093822299F31D0ull,
                           0x082EFA98EC4E6C89ull};
  std::size_t at = 0;
  for (; at + 32 <= size; at += 32) {
    for (int l = 0; l < 4; ++l) {
      std::uint64_t word;
      std::memcpy(&word, bytes + at + 8 * l, 8);
      lane[l] = (lane[l] ^ word) * kMul;
      lane[l] ^= lane[l] >> 29;
    }
  }
  std::uint64_t h = detail::hash_bytes(bytes + at, size - at) ^ size;
  for (int l = 0; l < 4; ++l) h = (h ^ lane[l]) * 0xBF58476D1CE4E5B9ull, h ^= h >> 31;
  return h;
}

struct detail::GraphParts {
  /// Calls f(name, column) for every column of the graph, in file order; `actions` stands in
  /// for the graph's Action column, which the file stores encoded (StoredAction).
  template <class G, class A, class F>
  static void visit(G& g, A& actions, F&& f) {
    f("kind", g.kind_);
    f("name", g.name_);
    f("valid_from_bits", g.valid_from_sparse_.bits);
    f("valid_from", g.valid_from_sparse_.value);
    f("valid_to_bits", g.valid_to_sparse_.bits);
    f("valid_to", g.valid_to_sparse_.value);
    f("names_at", g.names_at_);
    f("attributes_at", g.attributes_at_);
    f("node_prov_at", g.node_prov_at_);
    f("node_prov_x", g.node_prov_x_);
    f("node_prov_x_end", g.node_prov_x_end_);
    f("external_ids_at", g.external_ids_at_);
    f("name_list", g.name_list_);
    f("attribute", g.attribute_);
    f("node_prov", g.node_prov_);
    f("external_id", g.external_id_);
    f("name_prov_own", g.name_prov_own_.bits);
    f("name_prov_at", g.name_prov_at_);
    f("name_prov", g.name_prov_);
    f("external_id_prov_own", g.external_id_prov_own_.bits);
    f("external_id_prov_at", g.external_id_prov_at_);
    f("external_id_prov", g.external_id_prov_);
    f("action_node", g.action_node_);
    f("action", actions);
    f("out_at", g.out_at_);
    f("target", g.target_);
    f("edge_kind", g.edge_kind_);
    f("share_bits", g.share_.bits);
    f("share", g.share_.value);
    f("share_code", g.share_code_);
    f("share_dict", g.share_dict_);
    f("share_range", g.share_range_);
    f("interest", g.interest_);
    f("edge_from_bits", g.edge_from_.bits);
    f("edge_from", g.edge_from_.value);
    f("edge_to_bits", g.edge_to_.bits);
    f("edge_to", g.edge_to_.value);
    f("role_bits", g.role_.bits);
    f("role", g.role_.value);
    f("edge_id_bits", g.edge_id_.bits);
    f("edge_id", g.edge_id_.value);
    f("edge_prov_at", g.edge_prov_at_);
    f("edge_attributes_at", g.edge_attributes_at_);
    f("edge_prov", g.edge_prov_);
    f("edge_attribute", g.edge_attribute_);
    f("in_at", g.in_at_);
    f("in_edge", g.in_edge_);
    f("chars", g.chars_);
    f("string_at", g.string_at_);
    f("string_at32", g.string_at32_);
    f("prov_source_at", g.prov_source_at_);
    f("prov_source", g.prov_source_);
    f("prov_record", g.prov_record_);
    f("prov_line_at", g.prov_line_at_);
    f("prov_line", g.prov_line_);
    f("ext_slots", g.ext_slots_);
    f("ext_keys", g.ext_keys_);
    f("ext_at", g.ext_at_);
    f("ext_nodes", g.ext_nodes_);
    f("name_slots", g.name_slots_);
    f("name_keys", g.name_keys_);
    f("name_at", g.name_at_);
    f("name_nodes", g.name_nodes_);
  }
  static constexpr std::uint32_t kColumns = 63;

  /// The sparse columns (bitmap, rank, values), edges' and nodes': the open gives their ranks
  /// room (reserve_ranks) and validate() counts them.
  template <class G, class F>
  static void ranked(G& g, F&& f) {
    f(g.share_);
    f(g.edge_from_);
    f(g.edge_to_);
    f(g.role_);
    f(g.edge_id_);
    f(g.valid_from_sparse_);
    f(g.valid_to_sparse_);
    f(g.name_prov_own_);
    f(g.external_id_prov_own_);
  }
  /// The graph as format 7 stores it: a Graph viewing `g`'s columns, with those the file keeps in
  /// another form made anew (node dates sparse, node record offsets as exceptions, the records of
  /// names and ids that are their node's own left out, shares by a dictionary where smaller).
  /// Made from the accessors, so `g` may be built or opened.
  static Graph packed(const Graph& g, const Column<StoredAction>& actions);

  static Column<StoredAction> encoded_actions(const Graph& g) {
    std::vector<StoredAction> stored;
    stored.reserve(g.action_.size());
    for (const Action& action : g.action_) stored.push_back(encode(action));
    return Column<StoredAction>(std::move(stored));
  }
  /// Room for the rank of every sparse column (set bits before each 64 positions), all in one
  /// block the graph keeps, each column's rank a view into it; validate() counts them as it
  /// checks the bitmaps. Counted afterwards, from the mapping, into nine blocks of their own (~1
  /// MiB in all at 1M), they were 2.5-4 ms of a fresh process's open: every page a fault, dear
  /// on a virtual machine, both the bitmaps' pages (dropped once checked) and the fresh ones.
  static void reserve_ranks(Graph& g) {
    std::size_t words = 0;
    ranked(g, [&](auto& column) { words += column.bits.size(); });
    g.ranks_ = Column<std::uint32_t>(detail::BigVector<std::uint32_t>(words));  // a huge page from 1 MiB
    std::size_t at = 0;
    ranked(g, [&](auto& column) {
      column.rank = Column<std::uint32_t>::view(g.ranks_.slice(at, at + column.bits.size()));
      at += column.bits.size();
    });
  }
  static void decode_actions(Graph& g, const Column<StoredAction>& stored) {
    // Fresh memory: a huge page from 1 MiB (BigVector). Of 4 KiB pages, a fault each, this was
    // 3.5 ms of a fresh process's open at 1M (20,000 actions, 1.1 MiB).
    detail::BigVector<Action> actions;
    actions.reserve(stored.size());
    for (const StoredAction& action : stored) actions.push_back(decode(action));
    g.action_ = Column<Action>(std::move(actions));
  }
  /// Checks the columns (see below); fills `source` with each edge's source node, which the file
  /// does not store (out_at_ says it), once the edge offsets are checked, and the sparse columns'
  /// ranks where reserve_ranks() gave them room.
  /// `meanwhile` runs on the calling thread once its own checks are done, while the edge thread
  /// may still be at work (it must not touch the columns the checks read).
  static void validate(const Graph& g, const Column<StoredAction>& actions, SnapshotCheck check,
                       const std::string& path, const ChunkReader& reader,
                       bool release, const std::function<void()>& meanwhile);
  static void attach(Graph& g, detail::Mapping mapping) { g.mapping_ = std::move(mapping); }
  /// The edge sources, for Graph::fill_sources() to derive at their first read: room for them
  /// (address space: no page is touched here), once the edge offsets are checked.
  static void defer_sources(Graph& g) {
    const std::size_t edges = g.target_.size();
    if (edges == 0) return;
    auto lazy = std::make_unique<LazySources>();
    lazy->items.resize(edges + LazySources::kSpill);  // NoFillVector: left as it is, unwritten
    g.source_ = Column<NodeId>::view(std::span<const NodeId>(lazy->items.data(), edges));
    g.lazy_sources_ = std::move(lazy);
    g.sources_ready_.set(false);
  }
};

Graph detail::GraphParts::packed(const Graph& g, const Column<StoredAction>& actions) {
  Graph p;
  {  // every column a view of g's, in visit order (same order, same types)
    std::vector<std::pair<const void*, std::size_t>> spans;
    visit(g, actions, [&](const char*, const auto& column) { spans.emplace_back(column.data(), column.size()); });
    Column<StoredAction> unused;
    std::size_t at = 0;
    visit(p, unused, [&](const char*, auto& column) {
      using T = std::remove_cvref_t<decltype(column[0])>;
      column = std::remove_cvref_t<decltype(column)>::view(
          std::span<const T>(static_cast<const T*>(spans[at].first), spans[at].second));
      ++at;
    });
  }
  const auto nodes = static_cast<std::uint32_t>(g.node_count());
  const auto edges = static_cast<std::uint32_t>(g.edge_count());
  // Node dates: mostly open, so sparse (RankedColumn stores them whole when they are not).
  {
    std::vector<std::int32_t> from(nodes), to(nodes);
    for (std::uint32_t node = 0; node < nodes; ++node) {
      const DateRange range = g.valid(NodeId{node});
      from[node] = range.start ? range.start->days : kOpenStart;
      to[node] = range.end ? range.end->days : kOpenEnd;
    }
    p.valid_from_ = {};
    p.valid_to_ = {};
    p.valid_from_sparse_ = RankedColumn<std::int32_t>::from(std::move(from), kOpenStart);
    p.valid_to_sparse_ = RankedColumn<std::int32_t>::from(std::move(to), kOpenEnd);
  }
  // Node record offsets: none when every node has one record, the exceptions when they take
  // less room than the offsets (two numbers an exception against one a node), else the offsets.
  {
    std::vector<std::uint32_t> at(nodes + 1, 0), except, end;
    for (std::uint32_t node = 0; node < nodes; ++node) {
      const auto count = static_cast<std::uint32_t>(g.provenance(NodeId{node}).size());
      at[node + 1] = at[node] + count;
      if (count != 1) except.push_back(node), end.push_back(at[node + 1]);
    }
    p.node_prov_at_ = {};
    p.node_prov_x_ = {};
    p.node_prov_x_end_ = {};
    if (except.size() * 2 >= at.size()) {
      p.node_prov_at_ = Column<std::uint32_t>(std::move(at));
    } else if (!except.empty()) {
      p.node_prov_x_ = Column<std::uint32_t>(std::move(except));
      p.node_prov_x_end_ = Column<std::uint32_t>(std::move(end));
    }
  }
  // The records of names and external ids: left out where they are exactly the node's own (a
  // party named by the one record that gives it), when the marks take less room than they save.
  auto items = [&](auto items_of, auto records_of, Column<std::uint32_t>& at_out, Column<ProvId>& out,
                   RankedBits& own_out) {
    std::vector<std::uint8_t> own;
    std::vector<std::uint32_t> at{0};
    std::vector<ProvId> kept, all;
    std::vector<std::uint32_t> all_at{0};
    std::size_t saved = 0;
    for (std::uint32_t node = 0; node < nodes; ++node) {
      const auto node_records = g.provenance(NodeId{node});
      const std::size_t count = items_of(NodeId{node});
      for (std::size_t which = 0; which < count; ++which) {
        const auto records = records_of(NodeId{node}, which);
        all.insert(all.end(), records.begin(), records.end());
        all_at.push_back(static_cast<std::uint32_t>(all.size()));
        const bool same = std::equal(records.begin(), records.end(), node_records.begin(), node_records.end());
        own.push_back(same);
        if (same) {
          saved += records.size() + 1;
        } else {
          kept.insert(kept.end(), records.begin(), records.end());
          at.push_back(static_cast<std::uint32_t>(kept.size()));
        }
      }
    }
    // An offset column where every item has one record is left out (one each).
    auto one_each = [](std::vector<std::uint32_t>& offsets) {
      for (std::size_t i = 0; i + 1 < offsets.size(); ++i)
        if (offsets[i + 1] - offsets[i] != 1) return;
      offsets.clear();
    };
    if (saved * sizeof(ProvId) > (own.size() + 63) / 64 * sizeof(std::uint64_t)) {
      one_each(at);
      own_out = RankedBits::from(own);
      at_out = Column<std::uint32_t>(std::move(at));
      out = Column<ProvId>(std::move(kept));
    } else {
      one_each(all_at);
      own_out = {};
      at_out = Column<std::uint32_t>(std::move(all_at));
      out = Column<ProvId>(std::move(all));
    }
  };
  items([&](NodeId node) { return g.names(node).size(); },
        [&](NodeId node, std::size_t which) { return g.name_provenance(node, which); }, p.name_prov_at_,
        p.name_prov_, p.name_prov_own_);
  items([&](NodeId node) { return g.external_ids(node).size(); },
        [&](NodeId node, std::size_t which) { return g.external_id_provenance(node, which); },
        p.external_id_prov_at_, p.external_id_prov_, p.external_id_prov_own_);
  // Primary names: left out when each is the node's first name (or none, with no names).
  {
    bool derived = true;
    for (std::uint32_t node = 0; node < nodes && derived; ++node) {
      const auto all = g.names(NodeId{node});
      derived = g.name_id(NodeId{node}) == (all.empty() ? kNoString : all[0].text);
    }
    if (derived) p.name_ = {};
  }
  // The name index at a higher load: 3 keys in 4 slots, against 1 in 2 to 1 in 4 in freeze()'s
  // powers of two; a size that is not a power of two, so lookups map the hash by a multiply
  // (detail::slot_home). At 1M this made find_by_name no slower (misses faster: the table is
  // half the size). The external id index keeps freeze()'s table: at 3/4 its lookups were
  // 1.4x (hits) to 2.2x (misses) slower, each probe comparing a text.
  auto reslot = [&](Column<std::uint32_t>& slots, std::size_t keys, auto text_of) {
    if (slots.empty() || keys == 0) return;
    std::size_t size = keys + keys / 3 + 1;
    if ((size & (size - 1)) == 0) ++size;
    if (size >= slots.size()) return;
    std::vector<std::uint32_t> table(size, 0);
    for (std::uint32_t key = 0; key < keys; ++key) {
      std::size_t slot = detail::slot_home(detail::hash_string(text_of(key)), size);
      while (table[slot] != 0) slot = slot + 1 == size ? 0 : slot + 1;
      table[slot] = key + 1;
    }
    slots = Column<std::uint32_t>(std::move(table));
  };
  reslot(p.name_slots_, g.name_keys_.size(), [&](std::uint32_t key) { return g.string(g.name_keys_[key]); });
  // Shares: by a dictionary of their stored values, one byte an edge, when there are at most 256
  // and that is smaller than the sparse form (a bitmap and a value for each edge with a share).
  {
    std::vector<std::uint32_t> stored(edges);
    for (std::uint32_t edge = 0; edge < edges; ++edge) stored[edge] = g.stored_share(edge);
    std::vector<std::uint32_t> dict;
    for (std::uint32_t value : stored) {
      if (dict.size() > 256) break;
      const auto found = std::lower_bound(dict.begin(), dict.end(), value);
      if (found == dict.end() || *found != value) dict.insert(found, value);
    }
    RankedColumn<std::uint32_t> sparse = RankedColumn<std::uint32_t>::from(stored, Graph::kShareUnknown);
    const std::size_t coded = edges + dict.size() * sizeof(std::uint32_t);
    p.share_code_ = {};
    p.share_dict_ = {};
    if (dict.size() <= 256 && edges > 0 && coded < sparse.bits.bytes() + sparse.value.bytes()) {
      std::vector<std::uint8_t> codes(edges);
      for (std::uint32_t edge = 0; edge < edges; ++edge)
        codes[edge] =
            static_cast<std::uint8_t>(std::lower_bound(dict.begin(), dict.end(), stored[edge]) - dict.begin());
      p.share_ = {};
      p.share_code_ = Column<std::uint8_t>(std::move(codes));
      p.share_dict_ = Column<std::uint32_t>(std::move(dict));
    } else {
      p.share_ = std::move(sparse);
    }
  }
  return p;
}

void save(const Graph& graph, const std::string& path) {
  std::vector<ColumnEntry> table;
  std::vector<std::pair<const void*, std::size_t>> data;
  std::uint64_t offset = sizeof(Header) + detail::GraphParts::kColumns * sizeof(ColumnEntry);
  const Column<StoredAction> actions = detail::GraphParts::encoded_actions(graph);
  const Graph packed = detail::GraphParts::packed(graph, actions);
  detail::GraphParts::visit(packed, actions, [&](const char* name, const auto& column) {
    using T = std::remove_cvref_t<decltype(column[0])>;
    static_assert(std::is_trivially_copyable_v<T>);
    static_assert(!std::is_same_v<T, Action> && !std::is_same_v<T, bool>,
                  "std::optional and bool have no portable bytes: store an explicit encoding");
    offset = (offset + 63) / 64 * 64;
    ColumnEntry entry{};
    std::strncpy(entry.name, name, sizeof(entry.name) - 1);
    entry.element_size = sizeof(T);
    entry.count = column.size();
    entry.offset = offset;
    entry.checksum = detail::snapshot_checksum(column.data(), column.bytes());
    table.push_back(entry);
    data.emplace_back(column.data(), column.bytes());
    offset += column.bytes();
  });
  SKG_ASSERT(table.size() == detail::GraphParts::kColumns && "every column is in the table");
  Header header{};
  std::memcpy(header.magic, kMagic, sizeof(kMagic));
  header.version = kSnapshotVersion;
  header.endian = kEndianMark;
  header.columns = static_cast<std::uint32_t>(table.size());
  header.file_size = offset;
  header.table_checksum = detail::snapshot_checksum(table.data(), table.size() * sizeof(ColumnEntry));

  // Write beside the target and rename, so a failed save never leaves a half-written snapshot.
  const std::string temp = path + ".tmp";
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (file == nullptr) throw Error(fmt::format("{}: cannot write snapshot: {}", path, std::strerror(errno)));
  bool ok = std::fwrite(&header, sizeof(header), 1, file) == 1 &&
            std::fwrite(table.data(), sizeof(ColumnEntry), table.size(), file) == table.size();
  std::uint64_t written = sizeof(Header) + table.size() * sizeof(ColumnEntry);
  static constexpr char kZeros[64] = {};
  for (std::size_t at = 0; ok && at < table.size(); ++at) {
    const std::uint64_t pad = table[at].offset - written;
    ok = (pad == 0 || std::fwrite(kZeros, 1, pad, file) == pad) &&
         (data[at].second == 0 || std::fwrite(data[at].first, 1, data[at].second, file) == data[at].second);
    written = table[at].offset + data[at].second;
  }
  ok = (std::fclose(file) == 0) && ok;
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temp.c_str());
    throw Error(fmt::format("{}: cannot write snapshot: {}", path, std::strerror(error)));
  }
}

Graph open_snapshot(const std::string& path, const SnapshotOptions& options) {
  auto fail = [&](const std::string& reason) -> Error {
    return Error(fmt::format("{}: not a usable skg snapshot: {}", path, reason));
  };
  // Look before opening: open() itself blocks on a FIFO until a writer comes.
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    throw Error(fmt::format("{}: cannot open snapshot: {}", path, std::strerror(errno)));
  if (!S_ISREG(info.st_mode)) throw fail(fmt::format("it is {}, not a file", detail::file_type(info.st_mode)));
  // O_NONBLOCK: should the path have been swapped for a FIFO since, open() still returns.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) throw Error(fmt::format("{}: cannot open snapshot: {}", path, std::strerror(errno)));
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    throw fail(fmt::format("it is {}, not a file", detail::file_type(info.st_mode)));
  }
  const auto size = static_cast<std::size_t>(info.st_size);
  if (size < sizeof(Header)) {
    char start[sizeof(kMagic)] = {};
    const bool marked = size >= sizeof(kMagic) && ::read(fd, start, sizeof(start)) == sizeof(start) &&
                        std::memcmp(start, kMagic, sizeof(kMagic)) == 0;
    ::close(fd);
    if (size >= sizeof(kMagic) && !marked) throw fail("it does not start with the skg snapshot mark");
    throw fail(fmt::format("file is {} bytes, shorter than the {}-byte header (truncated?)", size, sizeof(Header)));
  }
  // No MAP_POPULATE: pages come in as the checks and then the queries read them.
  void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (address == MAP_FAILED) {
    const int error = errno;
    ::close(fd);
    throw Error(fmt::format("{}: cannot map snapshot: {}", path, std::strerror(error)));
  }
  // The descriptor stays open for the checks, which read the columns with pread (ChunkReader).
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } close_fd{fd};
  detail::Mapping mapping(address, size);
  const auto* bytes = static_cast<const unsigned char*>(address);

  Header header;
  std::memcpy(&header, bytes, sizeof(header));
  if (std::memcmp(header.magic, kMagic, sizeof(kMagic)) != 0) throw fail("it does not start with the skg snapshot mark");
  if (header.endian != kEndianMark) throw fail("it was written on a machine of other byte order");
  if (header.version < kSnapshotVersion)
    throw fail(fmt::format("format version {}, written by an older skg; this build reads version {}: "
                           "load the lists again and save a new snapshot{}",
                           header.version, kSnapshotVersion,
                           header.version < 3   ? " (older snapshots have no typed measures on their listings)"
                           : header.version < 5 ? " (older snapshots do not say which record gave each name and id)"
                           : header.version < 6 ? " (format 6 stores the edge columns compactly: edge sources "
                                                  "derived, sparse shares and dates, record lines by runs)"
                           : header.version < 7 ? " (format 7 codes shares by a dictionary and leaves out the "
                                                  "records of names and ids that are their node's own)"
                                                : ""));
  if (header.version != kSnapshotVersion)
    throw fail(fmt::format("format version {}, this build reads version {}", header.version, kSnapshotVersion));
  if (header.columns != detail::GraphParts::kColumns)
    throw fail(fmt::format("{} columns, expected {}", header.columns, detail::GraphParts::kColumns));
  if (header.file_size != size)
    throw fail(fmt::format("file is {} bytes, the header says {} (truncated or padded)", size, header.file_size));
  const std::size_t table_bytes = header.columns * sizeof(ColumnEntry);
  if (sizeof(Header) + table_bytes > size) throw fail("column table is cut off (truncated)");
  std::vector<ColumnEntry> table(header.columns);
  std::memcpy(table.data(), bytes + sizeof(Header), table_bytes);
  if (detail::snapshot_checksum(table.data(), table_bytes) != header.table_checksum)
    throw fail("column table checksum mismatch (corrupted)");

  Graph graph;
  Column<StoredAction> actions;
  std::size_t at = 0;
  detail::GraphParts::visit(graph, actions, [&](const char* name, auto& column) {
    using T = std::remove_cvref_t<decltype(column[0])>;
    const ColumnEntry& entry = table[at++];
    // A name must end inside its 24 bytes: nothing here reads past them.
    const char* end = static_cast<const char*>(std::memchr(entry.name, '\0', sizeof(entry.name)));
    if (end == nullptr) throw fail(fmt::format("the name of column {} is not terminated", at - 1));
    const std::string_view stored(entry.name, static_cast<std::size_t>(end - entry.name));
    if (stored != name) throw fail(fmt::format("column {} is '{}', expected '{}'", at - 1, stored, name));
    if (entry.element_size != sizeof(T))
      throw fail(fmt::format("column '{}' has {}-byte elements, expected {}", name, entry.element_size, sizeof(T)));
    if (entry.offset % alignof(T) != 0 || entry.offset > size || entry.count > (size - entry.offset) / sizeof(T))
      throw fail(fmt::format("column '{}' lies outside the file (truncated?)", name));
    const auto* first = reinterpret_cast<const T*>(bytes + entry.offset);
    column = std::remove_cvref_t<decltype(column)>::view(std::span<const T>(first, entry.count));
  });
  // Full: checksums on a second thread while this one checks the structure; both read every
  // column once. A checksum mismatch is reported first, since it explains any inconsistency.
  // Structure (the default open) leaves the checksums to `skg verify`: they catch damage, not
  // crafted files, and reading every byte at open would put the whole file in memory.
  std::string corrupted;
  std::thread checker;
  if (options.check == SnapshotCheck::Full) {
    checker = std::thread([&] {
      for (const ColumnEntry& entry : table) {
        if (detail::snapshot_checksum(bytes + entry.offset, entry.count * entry.element_size) != entry.checksum) {
          corrupted = fmt::format("column '{}' checksum mismatch (corrupted)", entry.name);
          return;
        }
      }
    });
  }
  // The checks count the rank of each sparse column into this room as they read its bitmap; and
  // while the edge thread finishes its checks, this one decodes the actions. Both are dropped
  // with the graph should the checks fail. Before and after the checks, they were a fifth of a
  // fresh process's open at 1M (4 ms and 3.5 ms).
  detail::GraphParts::reserve_ranks(graph);
  auto meanwhile = [&] { detail::GraphParts::decode_actions(graph, actions); };
  std::exception_ptr inconsistent;
  try {
    // With a checksum thread reading every column too, pages are released only at the end.
    detail::GraphParts::validate(graph, actions, options.check, path, ChunkReader(fd, bytes, size),
                                 options.release_after_check && options.check != SnapshotCheck::Full, meanwhile);
  } catch (...) {
    inconsistent = std::current_exception();
  }
  if (checker.joinable()) checker.join();
  if (!corrupted.empty()) throw fail(corrupted);
  if (inconsistent) std::rethrow_exception(inconsistent);
  detail::GraphParts::defer_sources(graph);
  // The checks read the columns through the mapping; drop those page mappings (the file's pages
  // stay in the page cache), so the process's memory then follows what its queries touch.
  // A private read-only file mapping holds no data of its own: nothing is lost.
  if (options.release_after_check) ::madvise(address, size, MADV_DONTNEED);
  detail::GraphParts::attach(graph, std::move(mapping));
  return graph;
}

std::vector<SnapshotColumn> snapshot_columns(const std::string& path) {
  auto fail = [&](const std::string& reason) -> Error {
    return Error(fmt::format("{}: not a usable skg snapshot: {}", path, reason));
  };
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw Error(fmt::format("{}: cannot open snapshot: {}", path, std::strerror(errno)));
  Header header{};
  std::vector<ColumnEntry> table;
  bool ok = std::fread(&header, sizeof(header), 1, file) == 1 && std::memcmp(header.magic, kMagic, sizeof(kMagic)) == 0 &&
            header.columns <= 4096;
  if (ok) {
    table.resize(header.columns);
    ok = std::fread(table.data(), sizeof(ColumnEntry), table.size(), file) == table.size() &&
         detail::snapshot_checksum(table.data(), table.size() * sizeof(ColumnEntry)) == header.table_checksum;
  }
  std::fclose(file);
  if (!ok) throw fail("no readable column table");
  std::vector<SnapshotColumn> columns;
  for (const ColumnEntry& entry : table)
    columns.push_back({std::string(entry.name, strnlen(entry.name, sizeof(entry.name))), entry.element_size, entry.count});
  return columns;
}

SnapshotSummary verify_snapshot(const std::string& path) {
  const auto started = std::chrono::steady_clock::now();
  const Graph graph = open_snapshot(path, {.check = SnapshotCheck::Full});
  SnapshotSummary summary;
  summary.version = kSnapshotVersion;
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) summary.bytes = static_cast<std::uint64_t>(info.st_size);
  summary.nodes = graph.node_count();
  summary.edges = graph.edge_count();
  summary.strings = graph.string_count();
  summary.columns = snapshot_columns(path);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

// A snapshot whose checksums match can still be one we did not write (they are recomputed as
// easily as they are computed). Every column is checked for what the graph's accessors and the
// queries rely on, so no file can make a later read go out of bounds, or a lookup or traversal
// run forever. Each check reads its columns in order, except the reverse-edge mirror check,
// which reads the edge targets once in reverse-edge order.
void detail::GraphParts::validate(const Graph& g, const Column<StoredAction>& actions, SnapshotCheck check,
                                  const std::string& path, const ChunkReader& reader,
                                  bool release, const std::function<void()>& meanwhile) {
  // `release`: once a part of the checks is done, the process's mappings of the pages it read
  // are dropped (the page cache keeps them), so the open never holds the whole file resident.
  auto done = [&](const auto&... columns) {
    if (!release) return;
    const long page = ::sysconf(_SC_PAGESIZE);
    auto drop = [&](const auto& column) {
      const auto from = (reinterpret_cast<std::uintptr_t>(column.data()) + page - 1) / page * page;
      const auto to = (reinterpret_cast<std::uintptr_t>(column.data()) + column.bytes()) / page * page;
      if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
    };
    (drop(columns), ...);
  };
  auto fail = [&](std::string_view what) {
    throw Error(fmt::format("{}: not a usable skg snapshot: {} (inconsistent columns)", path, what));
  };
  const std::size_t nodes = g.kind_.size(), edges = g.target_.size();
  const std::size_t strings = g.string_count();
  // Record lines: one each, or by runs (offsets from 0, ascending, then the record count).
  if (!g.prov_line_at_.empty()) {
    const auto& at = g.prov_line_at_;
    if (at.size() != g.prov_line_.size() + 1 || at[0] != 0 || at.size() < 2)
      fail("provenance lines: run offsets do not match the runs");
    for (std::size_t run = 1; run < at.size(); ++run)
      if (at[run] <= at[run - 1]) fail("provenance lines: run offsets go down");
  }
  const std::size_t provs = g.provenance_count();
  // Ids are 32-bit with the top value as "none"; offsets are 32-bit.
  constexpr std::size_t kIds = 0xFFFFFFFFu;
  if (nodes >= kIds || edges >= kIds || strings >= kIds || provs >= kIds) fail("counts past the 32-bit ids");
  // CSR offsets: `groups` + 1 ascending values from 0 to `items`. Where the format allows it
  // (`one_each`), an empty column stands for one item per group.
  enum class Empty { Never, OneEach };
  auto offsets = [&](const auto& at, std::size_t groups, std::size_t items, Empty empty, std::string_view what) {
    if (at.empty()) {
      if (empty == Empty::OneEach && groups == items) return;
      fail(fmt::format("{}: the column is missing", what));
    }
    if (at.size() != groups + 1) fail(fmt::format("{}: {} offsets for {} owners", what, at.size(), groups));
    // One pass: the first and last value, and the first drop (at[i] > at[i + 1]).
    using V = std::remove_cvref_t<decltype(at[0])>;
    V start = 0, previous = 0;
    std::size_t i = 0, down = groups;
    reader.chunks(at, [&](std::span<const V> part) {
      if (i == 0) start = part[0];
      for (V value : part) {
        if (value < previous && down == groups) down = i - 1;
        previous = value, ++i;
      }
    });
    if (start != 0 || previous != items) fail(fmt::format("{}: they do not run from 0 to {}", what, items));
    if (down != groups) fail(fmt::format("{}: they go down at {}", what, down));
  };
  auto string_ok = [&](StringId id) { return id == kNoString || index(id) < strings; };
  auto strings_ok = [&](const auto& column, std::string_view what) {
    const bool ok = reader.all(column, [&](StringId id) { return string_ok(id); });
    if (!ok) fail(what);
  };
  auto nodes_ok = [&](const auto& column, std::string_view what) {
    const bool ok = reader.all(column, [&](NodeId id) { return index(id) < nodes; });
    if (!ok) fail(what);
  };
  auto dates_ok = [&](const auto& column, std::int32_t open, std::string_view what) {
    const bool ok = reader.all(column, [&](std::int32_t day) { return day_ok(day, open); });
    if (!ok) fail(what);
  };

  auto all_or_none = [](std::size_t size, std::size_t count) { return size == count || size == 0; };
  // A bitmap over `count` positions (a RankedColumn's or RankedBits' `bits`): ceil(count / 64)
  // words, no bit past the last position; returns the set bits, and counts the column's rank as
  // it reads them, into the room open_snapshot() gave it (GraphParts::reserve_ranks: the rank's
  // memory is the graph's own, not the file's, hence the const_cast), when it has that room.
  // `item` names a position ("edge", "node", "name", "external id") in the messages.
  auto bits_ok = [&](const auto& column, std::size_t count, std::string_view what,
                     std::string_view item) -> std::uint64_t {
    const Column<std::uint64_t>& bits = column.bits;
    if (bits.size() != (count + 63) / 64) fail(fmt::format("{}: the bitmap does not cover the {}s", what, item));
    if (bits.empty()) return 0;
    if (count % 64 != 0 && (bits[bits.size() - 1] >> (count % 64)) != 0)
      fail(fmt::format("{}: the bitmap marks {}s past the {} count", what, item, item));
    std::uint32_t* rank = column.rank.size() == bits.size() ? const_cast<std::uint32_t*>(column.rank.data()) : nullptr;
    std::uint64_t set = 0;
    reader.chunks(bits, [&](std::span<const std::uint64_t> part) {
      if (rank != nullptr) {
        for (std::uint64_t word : part) {
          *rank++ = static_cast<std::uint32_t>(set);
          set += static_cast<std::uint64_t>(__builtin_popcountll(word));
        }
      } else {
        for (std::uint64_t word : part) set += static_cast<std::uint64_t>(__builtin_popcountll(word));
      }
    });
    return set;
  };
  // Sparse columns (an edge's share, dates, role, id; a node's dates): all fill (empty), one
  // value each (no bitmap), or a bitmap over the positions and a value for each set bit
  // (RankedColumn::get reads value[rank + bits below]).
  auto ranked_ok = [&](const auto& column, std::size_t count, std::string_view what, std::string_view item) {
    if (column.bits.empty()) {
      if (!all_or_none(column.value.size(), count))
        fail(fmt::format("{}: {} values for {} {}s", what, column.value.size(), count, item));
      return;
    }
    const std::uint64_t set = bits_ok(column, count, what, item);
    if (set != column.value.size())
      fail(fmt::format("{}: {} values for {} marked {}s", what, column.value.size(), set, item));
  };
  // The edge columns, forward and reverse, are checked on a second thread while this one checks
  // strings, nodes, actions and the hash indexes: the open is bound by reading the file, and
  // this splits it about evenly. Errors keep the order of a one-thread run: strings, nodes and
  // actions first, then edges, then the indexes.
  std::exception_ptr edge_error;
  std::thread edge_checker([&] {
    try {
      // Forward edges: CSR by source.
      offsets(g.out_at_, nodes, edges, Empty::Never, "edge offsets");
      if (g.edge_kind_.size() != edges || g.in_edge_.size() != edges) fail("edge columns");
      // The source of each edge is not stored: the offsets checked above say it, and
      // Graph::fill_sources() derives it from them when a query first asks (defer_sources).
      ranked_ok(g.share_, edges, "edge shares", "edge");
      // Shares by a dictionary (format 7): then no sparse form, a code for each edge, at most 256
      // values, each code naming one (each value is checked below as the sparse ones are).
      if (!g.share_dict_.empty() || !g.share_code_.empty()) {
        if (g.share_dict_.size() > 256 || g.share_code_.size() != edges || !g.share_.bits.empty() ||
            !g.share_.value.empty())
          fail("edge share codes: the columns do not match");
        const auto entries = static_cast<std::uint32_t>(g.share_dict_.size());
        std::uint8_t largest = 0;
        reader.chunks(g.share_code_, [&](std::span<const std::uint8_t> part) {
          std::uint8_t part_largest = 0;
          for (std::uint8_t code : part) part_largest = std::max(part_largest, code);
          largest = std::max(largest, part_largest);
        });
        if (largest >= entries) fail("edge share codes: a code past the dictionary");
      }
      ranked_ok(g.edge_from_, edges, "edge start dates", "edge");
      ranked_ok(g.edge_to_, edges, "edge end dates", "edge");
      ranked_ok(g.role_, edges, "edge roles", "edge");
      ranked_ok(g.edge_id_, edges, "edge ids", "edge");
      nodes_ok(g.target_, "an edge target past the node count");
      {
        const bool ok = reader.all(g.edge_kind_, [&](EdgeKind kind) { return static_cast<unsigned>(kind) < kEdgeKindCount; });
        if (!ok) fail("an edge kind out of range");
      }
      for (const auto* values : {&g.share_.value, &g.share_dict_})
        for (std::uint32_t share : *values)
          if (share > Percent::kHundred && share != Graph::kShareUnknown &&
              (share < Graph::kShareRange || share - Graph::kShareRange >= g.share_range_.size()))
            fail("an edge share outside 0-100%");
      for (const Percent& share : g.share_range_) {
        // Unknown (both bounds all ones), or 0 <= low <= high <= 100% with a non-empty interval.
        if (!share.known()) {
          if (!(share == Percent::unknown())) fail("an edge share outside 0-100%");
          continue;
        }
        const auto low = share.low(), high = share.high();
        if (high.units > Percent::kHundred || low.units > high.units ||
            (low.units == high.units && (low.open || high.open)))
          fail("an edge share outside 0-100%");
      }
      if (!all_or_none(g.interest_.size(), edges)) fail("edge columns");
      {
        const bool ok = reader.all(g.interest_, [&](Interest interest) { return static_cast<unsigned>(interest) < kInterestCount; });
        if (!ok) fail("an edge interest out of range");
      }
      dates_ok(g.edge_from_.value, kOpenStart, "an edge start date out of range");
      dates_ok(g.edge_to_.value, kOpenEnd, "an edge end date out of range");
      strings_ok(g.role_.value, "edge roles");
      strings_ok(g.edge_id_.value, "edge ids");

      done(g.edge_kind_, g.share_.bits, g.share_.value, g.share_code_, g.share_dict_, g.share_range_, g.interest_,
           g.edge_from_.bits,
           g.edge_from_.value, g.edge_to_.bits, g.edge_to_.value, g.role_.bits, g.role_.value, g.edge_id_.bits,
           g.edge_id_.value);

      done(g.target_, g.out_at_);  // kind_: read by the action check

      // Reverse edges, on this thread too: the open is bound by reading the file, and the
      // forward and reverse edge columns make about half of it (the other thread checks strings,
      // nodes, actions and the indexes: 2/3 of the open's time with the reverse edges there).
      // Their error comes after any forward edge error and before an index error, as a
      // one-thread run's would. Structure: each node's list holds edges in strictly ascending
      // order (so none twice), and the lists hold `edges` edges in all (the length is checked
      // above). Full also reads each listed edge's target (random reads): every edge is listed
      // exactly once, under its target.
      offsets(g.in_at_, nodes, edges, Empty::Never, "reverse edge offsets");
      const bool mirror = check == SnapshotCheck::Full;
      ChunkStream<std::uint32_t> in_at(reader, g.in_at_);
      ChunkStream<EdgeId> in_edge(reader, g.in_edge_);
      std::uint32_t begin = in_at.next();
      for (std::size_t node = 0; node < nodes; ++node) {
        const std::uint32_t end = in_at.next();
        std::uint32_t last = 0;
        for (std::uint32_t at = begin; at < end; ++at) {
          const std::uint32_t edge = index(in_edge.next());
          if (edge >= edges || (mirror && index(g.target_[edge]) != node) || (at > begin && edge <= last))
            fail("reverse edges do not mirror the forward edges");
          last = edge;
        }
        begin = end;
      }
      done(g.in_at_, g.in_edge_);
    } catch (...) {
      edge_error = std::current_exception();
    }
  });
  // An error here (strings, nodes, actions) is thrown once the edge thread has finished.
  struct Join {
    std::thread& thread;
    ~Join() {
      if (thread.joinable()) thread.join();
    }
  } join_edges{edge_checker};
  // Strings: 32-bit offsets, or 64-bit ones (a pool past 4 GiB), not both.
  if (g.string_at_.empty() == g.string_at32_.empty()) fail("string offsets: the column is missing");
  if (g.string_at32_.empty()) offsets(g.string_at_, strings, g.chars_.size(), Empty::Never, "string offsets");
  else offsets(g.string_at32_, strings, g.chars_.size(), Empty::Never, "string offsets");

  done(g.string_at32_, g.string_at_);

  // Nodes.
  // No primary names (format 7): each is the node's first name (Graph::name_id).
  if ((!g.name_.empty() && g.name_.size() != nodes) || !g.valid_from_.empty() || !g.valid_to_.empty())
    fail("node columns");
  ranked_ok(g.valid_from_sparse_, nodes, "node start dates", "node");
  ranked_ok(g.valid_to_sparse_, nodes, "node end dates", "node");
  {
    const bool ok = reader.all(g.kind_, [&](NodeKind kind) { return static_cast<unsigned>(kind) < kNodeKindCount; });
    if (!ok) fail("a node kind out of range");
  }
  strings_ok(g.name_, "a node name past the string count");
  dates_ok(g.valid_from_sparse_.value, kOpenStart, "a node start date out of range");
  dates_ok(g.valid_to_sparse_.value, kOpenEnd, "a node end date out of range");
  offsets(g.names_at_, nodes, g.name_list_.size(), Empty::OneEach, "name offsets");
  {
    // A node without the name column reads its primary name here: the same message.
    auto name_ok = [&](const Name& name) {
      return name.text != kNoString && string_ok(name.text) && static_cast<unsigned>(name.type) <= 4 &&
             static_cast<unsigned>(name.strength) <= 2;
    };
    if (!reader.all(g.name_list_, name_ok)) {
      // The first bad name decides the message.
      for (const Name& name : g.name_list_) {
        if (name.text == kNoString || !string_ok(name.text)) fail("a node name past the string count");
        if (static_cast<unsigned>(name.type) > 4 || static_cast<unsigned>(name.strength) > 2) fail("names");
      }
    }
  }
  if (!(g.attributes_at_.empty() && g.attribute_.empty()))  // empty both: no node has attributes
    offsets(g.attributes_at_, nodes, g.attribute_.size(), Empty::Never, "attribute offsets");
  if (!(g.edge_attributes_at_.empty() && g.edge_attribute_.empty()))
    offsets(g.edge_attributes_at_, edges, g.edge_attribute_.size(), Empty::Never, "edge attribute offsets");
  for (const auto* column : {&g.attribute_, &g.edge_attribute_}) {
    const bool ok = reader.all(*column, [&](const Attribute& attribute) {
      return string_ok(attribute.key) && string_ok(attribute.value) && index(attribute.source) < provs;
    });
    if (!ok) fail("attributes");
  }
  if (g.node_prov_x_.empty() && g.node_prov_x_end_.empty()) {
    offsets(g.node_prov_at_, nodes, g.node_prov_.size(), Empty::OneEach, "provenance offsets");
  } else {
    // Exceptions to one record each (format 7): ascending nodes, each one's records ending at or
    // after where they start (the previous exception's end, plus one for each node between), and
    // the last node's records ending at the record count; then every node's records lie in the
    // column.
    if (!g.node_prov_at_.empty() || g.node_prov_x_.size() != g.node_prov_x_end_.size())
      fail("provenance offsets: both offsets and exceptions, or exceptions without ends");
    std::int64_t previous = -1;
    std::uint64_t end = 0;
    for (std::size_t at = 0; at < g.node_prov_x_.size(); ++at) {
      const std::int64_t node = g.node_prov_x_[at];
      if (node <= previous || static_cast<std::size_t>(node) >= nodes)
        fail("provenance offsets: exceptions out of order or past the node count");
      const std::uint64_t start = end + static_cast<std::uint64_t>(node - previous - 1);
      if (g.node_prov_x_end_[at] < start) fail("provenance offsets: an exception ends before it starts");
      end = g.node_prov_x_end_[at];
      previous = node;
    }
    if (end + static_cast<std::uint64_t>(static_cast<std::int64_t>(nodes) - previous - 1) != g.node_prov_.size())
      fail("provenance offsets: the exceptions do not end at the record count");
  }
  offsets(g.edge_prov_at_, edges, g.edge_prov_.size(), Empty::OneEach, "edge provenance offsets");
  for (const auto* column : {&g.node_prov_, &g.edge_prov_}) {
    const bool ok = reader.all(*column, [&](ProvId prov) { return index(prov) < provs; });
    if (!ok) fail("provenance ids");
  }
  // Provenance: runs of one source from id 0, ascending, each starting inside the records.
  if (g.prov_source_at_.size() != g.prov_source_.size() || (provs == 0) != g.prov_source_at_.empty() ||
      (provs > 0 && g.prov_source_at_[0] != 0) || !all_or_none(g.prov_record_.size(), provs))
    fail("provenance records");
  for (std::size_t run = 1; run < g.prov_source_at_.size(); ++run)
    if (g.prov_source_at_[run] <= g.prov_source_at_[run - 1] || g.prov_source_at_[run] >= provs)
      fail("provenance records");
  strings_ok(g.prov_source_, "provenance records");
  strings_ok(g.prov_record_, "provenance records");
  offsets(g.external_ids_at_, nodes, g.external_id_.size(), Empty::OneEach, "external id offsets");
  {
    const bool ok = reader.all(g.external_id_, [&](StringId id) { return id != kNoString && index(id) < strings; });
    if (!ok) fail("external ids");
  }
  // The records of each name and external id (version 5): offsets over their positions, each a
  // provenance record.
  // Format 7: a position marked as its node's own has no entry; the offsets cover the others.
  auto unmarked = [&](const RankedBits& own, std::size_t count, std::string_view what, std::string_view item) {
    if (own.empty()) return count;
    return count - static_cast<std::size_t>(bits_ok(own, count, what, item));
  };
  offsets(g.name_prov_at_, unmarked(g.name_prov_own_, g.name_list_.size(), "name provenance marks", "name"),
          g.name_prov_.size(), Empty::OneEach, "name provenance offsets");
  offsets(g.external_id_prov_at_,
          unmarked(g.external_id_prov_own_, g.external_id_.size(), "external id provenance marks", "external id"),
          g.external_id_prov_.size(), Empty::OneEach, "external id provenance offsets");
  for (const auto* column : {&g.name_prov_, &g.external_id_prov_}) {
    const bool ok = reader.all(*column, [&](ProvId prov) { return index(prov) < provs; });
    if (!ok) fail("name or external id provenance ids");
  }

  done(g.name_, g.valid_from_sparse_.bits, g.valid_from_sparse_.value, g.valid_to_sparse_.bits,
       g.valid_to_sparse_.value, g.node_prov_x_, g.node_prov_x_end_, g.name_prov_own_.bits,
       g.external_id_prov_own_.bits, g.names_at_, g.name_list_, g.attributes_at_, g.edge_attributes_at_,
       g.attribute_, g.edge_attribute_, g.node_prov_at_, g.edge_prov_at_, g.node_prov_, g.edge_prov_,
       g.prov_source_at_, g.prov_source_, g.prov_record_, g.prov_line_at_, g.prov_line_, g.external_ids_at_, g.name_prov_at_,
       g.name_prov_, g.external_id_prov_at_, g.external_id_prov_);

  // Actions: on Action nodes, in node order, each date in range.
  if (actions.size() != g.action_node_.size()) fail("actions");
  nodes_ok(g.action_node_, "action nodes");
  for (std::size_t i = 0; i < g.action_node_.size(); ++i) {
    if (i > 0 && !(g.action_node_[i - 1] < g.action_node_[i])) fail("action order");
    if (g.kind_[index(g.action_node_[i])] != NodeKind::Action) fail("action nodes");
  }
  for (const StoredAction& action : actions) {
    for (StringId id : {action.authority, action.list, action.program, action.legal_basis, action.measures, action.citation})
      if (!string_ok(id)) fail("action strings");
    if (action.measure_set != Measures::from_bits(action.measure_set).bits() || action.issuer >= kIssuerCount ||
        action.list_id >= kSanctionListCount || action.origin > static_cast<int>(ActionOrigin::DatasetMembership))
      fail("an action measure, issuer, list or origin out of range");
    if (!day_ok(action.listed, kOpenStart) || !day_ok(action.from, kOpenStart) || !day_ok(action.to, kOpenEnd))
      fail("an action date out of range");
  }

  // Hash indexes, checked on this thread while the edge thread works; an index error is
  // reported after any edge error, as a one-thread run would.
  std::exception_ptr index_error;
  try {
    // Hash indexes: a lookup probes from the key's hash to the first empty slot, so there must be
    // one, and reads the key a slot names, so each must name one. That is all a lookup needs to
    // stay in bounds and end. That each key sits in exactly one slot, where its hash leads, is
    // what makes it answer right: Full checks it, as it checks the checksums. It is a random
    // read per key, and was two thirds of this thread's share of a structure open at 1M.
    auto slots_ok = [&](const auto& slots, std::size_t keys, std::string_view what) {
      std::size_t empty = 0;
      bool named = true;
      reader.chunks(slots, [&](std::span<const std::uint32_t> part) {
        std::size_t part_empty = 0;
        bool part_named = true;
        for (std::uint32_t slot : part) {
          part_empty += slot == 0;
          part_named &= slot <= keys;
        }
        empty += part_empty, named &= part_named;
      });
      if (!slots.empty() && empty == 0) fail(fmt::format("{}: no empty slot (a lookup would never end)", what));
      if (!named) fail(fmt::format("{}: a slot names no key", what));
      if (slots.size() - empty != keys) fail(fmt::format("{}: {} keys in {} slots", what, keys, slots.size() - empty));
      if (check != SnapshotCheck::Full) return;
      std::vector<std::uint8_t> placed(keys, 0);
      for (std::uint32_t slot : slots)
        if (slot != 0 && placed[slot - 1]++ != 0) fail(fmt::format("{}: a key in two slots", what));
    };
    auto index_ok = [&](const auto& slots, const auto& keys, const auto& at, const auto& values, std::string_view what) {
      // Any slot count: detail::slot_home maps a hash inside the table for every size.
      if (slots.empty() && (!keys.empty() || !values.empty())) fail(fmt::format("{}: keys without slots", what));
      slots_ok(slots, keys.size(), what);
      const bool keys_ok = reader.all(keys, [&](StringId key) { return index(key) < strings; });
      if (!keys_ok) fail(fmt::format("{}: keys", what));
      offsets(at, keys.size(), values.size(), Empty::Never, what);
      nodes_ok(values, what);
      if (check != SnapshotCheck::Full || slots.empty()) return;
      // Full: each key is where a lookup of its text probes, so find() answers for it. Keys are
      // hashed a block at a time and their first slots fetched ahead, so the random reads of the
      // slot table overlap instead of waiting one by one.
      const std::size_t size = slots.size();
      constexpr std::uint32_t kBlock = 32;
      std::size_t home[kBlock];
      for (std::uint32_t first = 0; first < keys.size(); first += kBlock) {
        const std::uint32_t count = std::min<std::uint32_t>(kBlock, static_cast<std::uint32_t>(keys.size() - first));
        for (std::uint32_t at = 0; at < count; ++at) {
          home[at] = detail::slot_home(detail::hash_string(g.string(keys[first + at])), size);
          __builtin_prefetch(slots.data() + home[at]);
        }
        for (std::uint32_t at = 0; at < count; ++at) {
          for (std::size_t slot = home[at]; slots[slot] != first + at + 1; slot = slot + 1 == size ? 0 : slot + 1)
            if (slots[slot] == 0) fail(fmt::format("{}: a key is not where its hash leads", what));
        }
      }
    };
    if (!g.ext_keys_.empty() || !g.ext_at_.empty() || !g.ext_nodes_.empty()) {
      index_ok(g.ext_slots_, g.ext_keys_, g.ext_at_, g.ext_nodes_, "external id index");
    } else if (!g.ext_slots_.empty()) {
      // Slots of positions in external_id_ (+ 1), as freeze writes them: an empty slot, each
      // naming a position; Full: every position in exactly one slot, where its text's hash leads.
      const auto& slots = g.ext_slots_;
      const std::size_t ids = g.external_id_.size(), size = slots.size();
      constexpr std::string_view what = "external id index";
      slots_ok(slots, ids, what);
      if (check == SnapshotCheck::Full) {
        for (std::uint32_t at = 0; at < ids; ++at)
          for (std::size_t slot = detail::slot_home(detail::hash_string(g.string(g.external_id_[at])), size);
               slots[slot] != at + 1; slot = slot + 1 == size ? 0 : slot + 1)
            if (slots[slot] == 0) fail(fmt::format("{}: a key is not where its hash leads", what));
      }
    }
    index_ok(g.name_slots_, g.name_keys_, g.name_at_, g.name_nodes_, "name index");
  } catch (...) {
    index_error = std::current_exception();
  }
  if (meanwhile) meanwhile();
  edge_checker.join();
  if (edge_error) std::rethrow_exception(edge_error);
  if (index_error) std::rethrow_exception(index_error);

  if (check != SnapshotCheck::Full) return;
  // Full: every string once (strings are compared by id; a Builder made from the graph interns
  // them again and needs each to keep its id). A hash table over all strings would miss the
  // cache on every insert, so the strings are grouped by the top bits of their hash first (a
  // counting sort: two sequential passes), and equal hashes are looked for within each group,
  // whose table fits the cache. Equal hashes are then compared as text.
  if (strings < 2) return;
  unsigned bits = 0;
  while (bits < 16 && (std::size_t{1} << bits) * 4096 < strings) ++bits;
  const std::size_t groups = std::size_t{1} << bits;
  auto hash_of = [&](std::uint32_t id) { return static_cast<std::uint32_t>(detail::hash_string(g.string(StringId{id})) >> 32); };
  auto group_of = [&](std::uint32_t hash) { return bits == 0 ? 0u : hash >> (32 - bits); };
  std::vector<std::uint32_t> group_at(groups + 1, 0);
  for (std::uint32_t id = 0; id < strings; ++id) ++group_at[group_of(hash_of(id)) + 1];
  for (std::size_t group = 0; group < groups; ++group) group_at[group + 1] += group_at[group];
  std::vector<std::uint64_t> grouped(strings);  // hash << 32 | id, by group
  {
    std::vector<std::uint32_t> cursor(group_at.begin(), group_at.end() - 1);
    for (std::uint32_t id = 0; id < strings; ++id) {
      const std::uint32_t hash = hash_of(id);
      grouped[cursor[group_of(hash)]++] = (std::uint64_t{hash} << 32) | id;
    }
  }
  std::vector<std::uint32_t> table;
  for (std::size_t group = 0; group < groups; ++group) {
    const std::uint32_t first = group_at[group], size = group_at[group + 1] - first;
    std::size_t table_size = 16;
    while (table_size < std::size_t{size} * 2) table_size *= 2;
    table.assign(table_size, 0);  // 0 empty, else position in the group + 1
    const std::size_t mask = table_size - 1;
    for (std::uint32_t at = 0; at < size; ++at) {
      const std::uint64_t entry = grouped[first + at];
      const auto hash = static_cast<std::uint32_t>(entry >> 32);
      std::size_t slot = (hash * 0x9E3779B9u) & mask;
      for (; table[slot] != 0; slot = (slot + 1) & mask) {
        const std::uint64_t other = grouped[first + table[slot] - 1];
        if ((other >> 32) == hash &&
            g.string(StringId{static_cast<std::uint32_t>(other)}) == g.string(StringId{static_cast<std::uint32_t>(entry)}))
          fail(fmt::format("strings {} and {} are the same text (each string is stored once)",
                           static_cast<std::uint32_t>(other), static_cast<std::uint32_t>(entry)));
      }
      table[slot] = at + 1;
    }
  }
}

}  // namespace skg
