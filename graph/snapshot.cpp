#include "skg/graph/snapshot.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <thread>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <type_traits>

#include "skg/graph/error.h"

namespace skg {

// File layout (little-endian, as written by this machine; the header says so):
//   Header (64 bytes) | column table (kColumns entries of 56 bytes) | columns, each 64-byte aligned.
// Each column carries its element size, count, offset and a 64-bit checksum of its bytes; the
// header carries the file size and the checksum of the table, so truncation and corruption are
// found before any column is used.
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
  char name[24];
  std::uint32_t element_size;
  std::uint32_t reserved;
  std::uint64_t count;
  std::uint64_t offset;
  std::uint64_t checksum;
};
static_assert(sizeof(ColumnEntry) == 56);

/// A 64-bit checksum of a column: four independent multiply-xorshift lanes over 32-byte blocks,
/// so the CPU overlaps them (several GB/s), then folded with the tail and the size.
std::uint64_t checksum(const void* data, std::size_t size) {
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

}  // namespace

struct detail::GraphParts {
  /// Calls f(name, column) for every column of the graph, in file order.
  template <class G, class F>
  static void visit(G& g, F&& f) {
    f("kind", g.kind_);
    f("name", g.name_);
    f("valid_from", g.valid_from_);
    f("valid_to", g.valid_to_);
    f("names_at", g.names_at_);
    f("attributes_at", g.attributes_at_);
    f("node_prov_at", g.node_prov_at_);
    f("external_ids_at", g.external_ids_at_);
    f("name_list", g.name_list_);
    f("attribute", g.attribute_);
    f("node_prov", g.node_prov_);
    f("external_id", g.external_id_);
    f("action_node", g.action_node_);
    f("action", g.action_);
    f("out_at", g.out_at_);
    f("source", g.source_);
    f("target", g.target_);
    f("edge_kind", g.edge_kind_);
    f("share", g.share_);
    f("interest", g.interest_);
    f("edge_from", g.edge_from_);
    f("edge_to", g.edge_to_);
    f("role", g.role_);
    f("edge_id", g.edge_id_);
    f("edge_prov_at", g.edge_prov_at_);
    f("edge_attributes_at", g.edge_attributes_at_);
    f("edge_prov", g.edge_prov_);
    f("edge_attribute", g.edge_attribute_);
    f("in_at", g.in_at_);
    f("in_edge", g.in_edge_);
    f("chars", g.chars_);
    f("string_at", g.string_at_);
    f("provenance", g.provenance_);
    f("ext_slots", g.ext_slots_);
    f("ext_keys", g.ext_keys_);
    f("ext_at", g.ext_at_);
    f("ext_nodes", g.ext_nodes_);
    f("name_slots", g.name_slots_);
    f("name_keys", g.name_keys_);
    f("name_at", g.name_at_);
    f("name_nodes", g.name_nodes_);
  }
  static constexpr std::uint32_t kColumns = 41;

  static void validate(const Graph& g, const std::string& path);
  static void attach(Graph& g, detail::Mapping mapping) { g.mapping_ = std::move(mapping); }
};

void save(const Graph& graph, const std::string& path) {
  std::vector<ColumnEntry> table;
  std::vector<std::pair<const void*, std::size_t>> data;
  std::uint64_t offset = sizeof(Header) + detail::GraphParts::kColumns * sizeof(ColumnEntry);
  detail::GraphParts::visit(graph, [&](const char* name, const auto& column) {
    using T = std::remove_cvref_t<decltype(column[0])>;
    static_assert(std::is_trivially_copyable_v<T>);
    offset = (offset + 63) / 64 * 64;
    ColumnEntry entry{};
    std::strncpy(entry.name, name, sizeof(entry.name) - 1);
    entry.element_size = sizeof(T);
    entry.count = column.size();
    entry.offset = offset;
    entry.checksum = checksum(column.data(), column.bytes());
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
  header.table_checksum = checksum(table.data(), table.size() * sizeof(ColumnEntry));

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

Graph open_snapshot(const std::string& path) {
  auto fail = [&](const std::string& reason) -> Error {
    return Error(fmt::format("{}: not a usable skg snapshot: {}", path, reason));
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(fmt::format("{}: cannot open snapshot: {}", path, std::strerror(errno)));
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    throw fail("not a regular file");
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
  void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  ::close(fd);
  if (address == MAP_FAILED) throw Error(fmt::format("{}: cannot map snapshot: {}", path, std::strerror(errno)));
  detail::Mapping mapping(address, size);
  const auto* bytes = static_cast<const unsigned char*>(address);

  Header header;
  std::memcpy(&header, bytes, sizeof(header));
  if (std::memcmp(header.magic, kMagic, sizeof(kMagic)) != 0) throw fail("it does not start with the skg snapshot mark");
  if (header.endian != kEndianMark) throw fail("it was written on a machine of other byte order");
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
  if (checksum(table.data(), table_bytes) != header.table_checksum) throw fail("column table checksum mismatch (corrupted)");

  Graph graph;
  std::size_t at = 0;
  detail::GraphParts::visit(graph, [&](const char* name, auto& column) {
    using T = std::remove_cvref_t<decltype(column[0])>;
    const ColumnEntry& entry = table[at++];
    if (std::strncmp(entry.name, name, sizeof(entry.name)) != 0)
      throw fail(fmt::format("column {} is '{:.24}', expected '{}'", at - 1, entry.name, name));
    if (entry.element_size != sizeof(T))
      throw fail(fmt::format("column '{}' has {}-byte elements, expected {}", name, entry.element_size, sizeof(T)));
    if (entry.offset % alignof(T) != 0 || entry.offset > size || entry.count > (size - entry.offset) / sizeof(T))
      throw fail(fmt::format("column '{}' lies outside the file (truncated?)", name));
    const auto* first = reinterpret_cast<const T*>(bytes + entry.offset);
    column = std::remove_cvref_t<decltype(column)>::view(std::span<const T>(first, entry.count));
  });
  // Checksums on a second thread while this one checks the structure: both read every column
  // once. A checksum mismatch is reported first, since it explains any inconsistency.
  std::string corrupted;
  std::thread checker([&] {
    for (const ColumnEntry& entry : table) {
      if (checksum(bytes + entry.offset, entry.count * entry.element_size) != entry.checksum) {
        corrupted = fmt::format("column '{:.24}' checksum mismatch (corrupted)", entry.name);
        return;
      }
    }
  });
  std::exception_ptr inconsistent;
  try {
    detail::GraphParts::validate(graph, path);
  } catch (...) {
    inconsistent = std::current_exception();
  }
  checker.join();
  if (!corrupted.empty()) throw fail(corrupted);
  if (inconsistent) std::rethrow_exception(inconsistent);
  detail::GraphParts::attach(graph, std::move(mapping));
  return graph;
}

// A snapshot whose checksums match can still be one we did not write: every id and offset is
// checked against the sizes it indexes, so no file can make a later read go out of bounds.
void detail::GraphParts::validate(const Graph& g, const std::string& path) {
  auto fail = [&](std::string_view what) {
    throw Error(fmt::format("{}: not a usable skg snapshot: {} (inconsistent columns)", path, what));
  };
  const std::size_t nodes = g.kind_.size(), edges = g.target_.size();
  const std::size_t strings = g.string_at_.empty() ? 0 : g.string_at_.size() - 1;
  const std::size_t provs = g.provenance_.size();
  auto offsets = [&](const auto& at, std::size_t groups, std::size_t items, std::string_view what) {
    if (at.empty() && groups == items) return;  // one item each, stored as nothing
    if (at.size() != groups + 1 || at[0] != 0 || at[groups] != items) fail(what);
    for (std::size_t i = 0; i < groups; ++i)
      if (at[i] > at[i + 1]) fail(what);
  };
  auto string_ok = [&](StringId id) { return id == kNoString || index(id) < strings; };
  auto strings_ok = [&](const auto& column, std::string_view what) {
    for (StringId id : column)
      if (!string_ok(id)) fail(what);
  };
  auto nodes_ok = [&](const auto& column, std::string_view what) {
    for (NodeId id : column)
      if (index(id) >= nodes) fail(what);
  };
  if (g.string_at_.empty() || g.string_at_[0] != 0 || g.string_at_[strings] != g.chars_.size()) fail("string offsets");
  for (std::size_t i = 0; i < strings; ++i)
    if (g.string_at_[i] > g.string_at_[i + 1]) fail("string offsets");
  auto all_or_none = [](std::size_t size, std::size_t count) { return size == count || size == 0; };
  if (g.name_.size() != nodes || !all_or_none(g.valid_from_.size(), nodes) || !all_or_none(g.valid_to_.size(), nodes))
    fail("node columns");
  for (NodeKind kind : g.kind_)
    if (static_cast<int>(kind) >= kNodeKindCount) fail("node kind");
  strings_ok(g.name_, "node name");
  offsets(g.names_at_, nodes, g.name_list_.size(), "name offsets");
  for (const Name& name : g.name_list_)
    if (!string_ok(name.text) || static_cast<int>(name.type) > 4 || static_cast<int>(name.strength) > 2) fail("names");
  offsets(g.attributes_at_, nodes, g.attribute_.size(), "attribute offsets");
  if (!(g.edge_attributes_at_.empty() && g.edge_attribute_.empty()))
    offsets(g.edge_attributes_at_, edges, g.edge_attribute_.size(), "edge attribute offsets");
  for (const auto* column : {&g.attribute_, &g.edge_attribute_})
    for (const Attribute& attribute : *column)
      if (!string_ok(attribute.key) || !string_ok(attribute.value) || index(attribute.source) >= provs) fail("attributes");
  offsets(g.node_prov_at_, nodes, g.node_prov_.size(), "provenance offsets");
  offsets(g.edge_prov_at_, edges, g.edge_prov_.size(), "edge provenance offsets");
  for (const auto* column : {&g.node_prov_, &g.edge_prov_})
    for (ProvId prov : *column)
      if (index(prov) >= provs) fail("provenance ids");
  for (const Provenance& prov : g.provenance_)
    if (!string_ok(prov.source) || !string_ok(prov.record)) fail("provenance records");
  offsets(g.external_ids_at_, nodes, g.external_id_.size(), "external id offsets");
  strings_ok(g.external_id_, "external ids");
  if (g.action_.size() != g.action_node_.size()) fail("actions");
  nodes_ok(g.action_node_, "action nodes");
  for (std::size_t i = 1; i < g.action_node_.size(); ++i)
    if (!(g.action_node_[i - 1] < g.action_node_[i])) fail("action order");
  for (const Action& action : g.action_)
    for (StringId id : {action.authority, action.list, action.program, action.legal_basis, action.measures, action.citation})
      if (!string_ok(id)) fail("action strings");
  offsets(g.out_at_, nodes, edges, "edge offsets");
  offsets(g.in_at_, nodes, edges, "reverse edge offsets");
  if (g.source_.size() != edges || g.edge_kind_.size() != edges || g.share_.size() != edges ||
      !all_or_none(g.edge_from_.size(), edges) || !all_or_none(g.edge_to_.size(), edges) || g.role_.size() != edges ||
      g.edge_id_.size() != edges || g.in_edge_.size() != edges)
    fail("edge columns");
  nodes_ok(g.source_, "edge sources");
  nodes_ok(g.target_, "edge targets");
  for (EdgeKind kind : g.edge_kind_)
    if (static_cast<int>(kind) >= kEdgeKindCount) fail("edge kind");
  if (!all_or_none(g.interest_.size(), edges)) fail("edge interests");
  for (Interest interest : g.interest_)
    if (static_cast<int>(interest) >= kInterestCount) fail("edge interest");
  for (const Percent& share : g.share_)
    if (share.known() && (share.high().units > Percent::kHundred || share.low().units > share.high().units))
      fail("edge shares");
  strings_ok(g.role_, "edge roles");
  strings_ok(g.edge_id_, "edge ids");
  // Reverse edges: ids in range, and as many per node as the forward edges that end there (a
  // full mirror check would read target_ at random; this one reads everything in order).
  for (EdgeId edge : g.in_edge_)
    if (index(edge) >= edges) fail("reverse edges");
  {
    std::vector<std::uint32_t> ending(nodes, 0);
    for (NodeId target : g.target_) ++ending[index(target)];
    for (std::size_t node = 0; node < nodes; ++node)
      if (g.in_at_[node + 1] - g.in_at_[node] != ending[node]) fail("reverse edges");
  }
  for (std::size_t node = 0; node < nodes; ++node)
    for (std::uint32_t edge = g.out_at_[node]; edge < g.out_at_[node + 1]; ++edge)
      if (index(g.source_[edge]) != node) fail("edge sources");
  auto index_ok = [&](const auto& slots, const auto& keys, const auto& at, const auto& values, std::string_view what) {
    if (!slots.empty() && (slots.size() & (slots.size() - 1)) != 0) fail(what);
    if (slots.empty() ? !keys.empty() : keys.size() >= slots.size()) fail(what);  // a probe must end
    for (std::uint32_t slot : slots)
      if (slot > keys.size()) fail(what);
    for (StringId key : keys)
      if (index(key) >= strings) fail(what);
    if (at.size() != keys.size() + 1) fail(what);  // index offsets are never left out
    offsets(at, keys.size(), values.size(), what);
    nodes_ok(values, what);
  };
  index_ok(g.ext_slots_, g.ext_keys_, g.ext_at_, g.ext_nodes_, "external id index");
  index_ok(g.name_slots_, g.name_keys_, g.name_at_, g.name_nodes_, "name index");
}

}  // namespace skg
