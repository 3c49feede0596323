// datasets/broken/make_snapshots.cpp: writes the snapshot_*.skg files of this folder, each one
// way a snapshot can be unusable, from a small good graph built here:
//   build/datasets/broken/make-broken-snapshots datasets/broken
// The crafted files keep every checksum valid (recomputed with skg's own checksum), as anyone
// can, so only the structural checks of graph/snapshot.cpp stand between them and a query.
// tests/graph/snapshot_test.cpp opens each and names the reason it must be refused for.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

#include "skg/graph/builder.h"
#include "skg/graph/snapshot.h"

namespace {

using Bytes = std::string;

/// Three companies owning each other in a ring, one listed: 5 nodes (with the listing and its
/// authority) and 5 edges, so a column of offsets left empty would pass a count check. c:3 is
/// also stated by a second record under another name, so its names' records are not the node's
/// own and the file stores them (format 7 leaves out those that are).
skg::Graph ring() {
  skg::Builder builder;
  for (const char* id : {"c:1", "c:2", "c:3"})
    builder.add_entity({.id = id, .kind = skg::NodeKind::Company, .name = fmt::format("Ring {} Ltd", id + 2),
                        .source = {"a.csv", id, 2}});
  builder.add_entity({.id = "c:3", .kind = skg::NodeKind::Company, .name = "Ring Three Holding",
                      .source = {"c.csv", "c3", 5}});
  builder.add_edge({.kind = skg::EdgeKind::Owns, .from = "c:1", .to = "c:2", .share = skg::Percent::exact(60),
                    .source = {"b.csv", "o1", 2}});
  builder.add_edge({.kind = skg::EdgeKind::Owns, .from = "c:2", .to = "c:3", .share = skg::Percent::exact(60),
                    .source = {"b.csv", "o2", 3}});
  builder.add_edge({.kind = skg::EdgeKind::Owns, .from = "c:3", .to = "c:1", .share = skg::Percent::exact(60),
                    .source = {"b.csv", "o3", 4}});
  builder.add_action({.id = "sdn:1", .target = "c:1", .authority = "OFAC", .list = "SDN", .program = "SDGT",
                      .listed = skg::Date::parse("2021-03-04"), .in_force = {.start = skg::Date::parse("2021-03-04")},
                      .source = {"a.csv", "c:1", 2}});
  return std::move(builder).freeze();
}

/// A snapshot's bytes with access to its column table (layout: graph/snapshot.cpp).
struct Snapshot {
  Bytes bytes;
  static constexpr std::size_t kTable = 64, kEntry = 56;

  std::uint32_t columns() const { return read<std::uint32_t>(16); }
  std::string name(std::size_t column) const {
    const char* at = bytes.data() + kTable + column * kEntry;
    return std::string(at, strnlen(at, 24));
  }
  std::size_t find(std::string_view column) const {
    for (std::size_t at = 0; at < columns(); ++at)
      if (name(at) == column) return at;
    throw std::runtime_error(fmt::format("no column '{}'", column));
  }
  std::size_t entry(std::string_view column) const { return kTable + find(column) * kEntry; }
  std::uint64_t count(std::string_view column) const { return read<std::uint64_t>(entry(column) + 32); }
  std::uint64_t offset(std::string_view column) const { return read<std::uint64_t>(entry(column) + 40); }
  std::uint32_t element_size(std::string_view column) const { return read<std::uint32_t>(entry(column) + 24); }

  template <class T>
  T read(std::size_t at) const {
    T value;
    std::memcpy(&value, bytes.data() + at, sizeof value);
    return value;
  }
  template <class T>
  void write(std::size_t at, T value) {
    std::memcpy(bytes.data() + at, &value, sizeof value);
  }
  /// Element `at` of a column, as T.
  template <class T>
  T get(std::string_view column, std::size_t at) const {
    return read<T>(offset(column) + at * sizeof(T));
  }
  template <class T>
  void set(std::string_view column, std::size_t at, T value) {
    write(offset(column) + at * sizeof(T), value);
  }
  void set_count(std::string_view column, std::uint64_t count) { write(entry(column) + 32, count); }

  /// Recomputes every column's checksum and the table's, as whoever crafts a file can.
  void reseal() {
    for (std::size_t column = 0; column < columns(); ++column) {
      const std::size_t at = kTable + column * kEntry;
      const auto size = read<std::uint32_t>(at + 24) * read<std::uint64_t>(at + 32);
      const auto from = read<std::uint64_t>(at + 40);
      if (from + size <= bytes.size()) write(at + 48, skg::detail::snapshot_checksum(bytes.data() + from, size));
    }
    write<std::uint64_t>(32, skg::detail::snapshot_checksum(bytes.data() + kTable, columns() * kEntry));
  }
};

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make-broken-snapshots FOLDER (datasets/broken)\n");
    return 1;
  }
  const std::filesystem::path folder = argv[1];
  const std::string good_path = (folder / "snapshot_good.tmp").string();
  skg::save(ring(), good_path);
  const Snapshot good{read_file(good_path)};
  std::filesystem::remove(good_path);
  int written = 0;
  auto write = [&](std::string_view name, const Bytes& bytes) {
    std::ofstream out(folder / std::string(name), std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", name));
    ++written;
  };
  auto crafted = [&](std::string_view name, const std::function<void(Snapshot&)>& change) {
    Snapshot snapshot = good;
    change(snapshot);
    snapshot.reseal();
    write(name, snapshot.bytes);
  };

  // Damage that the checksums and the header catch.
  write("snapshot_empty.skg", "");
  write("snapshot_truncated.skg", good.bytes.substr(0, good.bytes.size() / 2));
  Bytes flipped = good.bytes;
  flipped[flipped.size() - 10] ^= 0x5A;
  write("snapshot_bitflip.skg", flipped);
  write("snapshot_not_a_snapshot.skg", "45815,\"TIKHONOV, Andrei Gennadyevich\",\"individual\",\"RUSSIA-EO14024\"\r\n");
  for (std::uint32_t version : {1u, 2u, 3u, 4u, 5u, 6u, 99u}) {
    Snapshot other = good;
    other.write<std::uint32_t>(8, version);
    write(fmt::format("snapshot_version{}.skg", version), other.bytes);
  }

  // Crafted: checksums valid, structure not.
  crafted("snapshot_inconsistent_target.skg", [](Snapshot& s) { s.set<std::uint32_t>("target", 0, 1'000'000); });
  crafted("snapshot_name_unterminated.skg", [](Snapshot& s) {
    std::memset(s.bytes.data() + Snapshot::kTable + s.find("kind") * Snapshot::kEntry, 'k', 24);
  });
  crafted("snapshot_count_past_file.skg", [](Snapshot& s) { s.set_count("chars", std::uint64_t{1} << 40); });
  // Nodes and edges are as many, so "one offset each" (an empty column) passed a count check.
  crafted("snapshot_empty_out_offsets.skg", [](Snapshot& s) { s.set_count("out_at", 0); });
  crafted("snapshot_empty_in_offsets.skg", [](Snapshot& s) { s.set_count("in_at", 0); });
  crafted("snapshot_offsets_backwards.skg", [](Snapshot& s) {
    s.set<std::uint32_t>("out_at", 1, s.get<std::uint32_t>("out_at", 2) + 1);
  });
  // Every slot of an index taken: a lookup of an absent id would probe for ever.
  for (const char* index : {"ext_slots", "name_slots"}) {
    crafted(fmt::format("snapshot_{}_index_full.skg", index[0] == 'e' ? "id" : "name"), [&](Snapshot& s) {
      for (std::size_t slot = 0; slot < s.count(index); ++slot)
        if (s.get<std::uint32_t>(index, slot) == 0) s.set<std::uint32_t>(index, slot, 1);
    });
  }
  // One id in two slots and another in none, the count of taken slots right: every lookup stays
  // in bounds and ends, but the dropped id is not found. Only the full check (`skg verify`) finds it.
  crafted("snapshot_id_index_key_twice.skg", [](Snapshot& s) {
    std::size_t first = s.count("ext_slots"), second = first;
    for (std::size_t slot = 0; slot < s.count("ext_slots") && second == s.count("ext_slots"); ++slot)
      if (s.get<std::uint32_t>("ext_slots", slot) != 0) (first == s.count("ext_slots") ? first : second) = slot;
    if (second == s.count("ext_slots")) throw std::runtime_error("the ring has fewer than two external ids");
    s.set<std::uint32_t>("ext_slots", second, s.get<std::uint32_t>("ext_slots", first));
  });
  // Reverse edges with the right count per node, ending at the wrong nodes: a ring of parents.
  // Nodes 0, 1, 2 are the ring's companies, each with one edge in: swap the first two lists.
  crafted("snapshot_reverse_edges_not_mirrored.skg", [](Snapshot& s) {
    const auto first = s.get<std::uint32_t>("in_edge", 0), second = s.get<std::uint32_t>("in_edge", 1);
    s.set<std::uint32_t>("in_edge", 0, second);
    s.set<std::uint32_t>("in_edge", 1, first);
  });
  // Reverse edges the default open must refuse (a query walks them): an edge past the count, and
  // a node's list out of order (its two edges in, swapped).
  crafted("snapshot_reverse_edge_past_count.skg",
          [](Snapshot& s) { s.set<std::uint32_t>("in_edge", 0, static_cast<std::uint32_t>(s.count("in_edge") + 7)); });
  // The ring's nodes have one edge in each: the offsets moved so that a node's list takes the
  // next node's edge too, the two in descending order.
  crafted("snapshot_reverse_edges_out_of_order.skg", [](Snapshot& s) {
    for (std::size_t node = 0; node + 2 < s.count("in_at"); ++node) {
      const auto begin = s.get<std::uint32_t>("in_at", node), end = s.get<std::uint32_t>("in_at", node + 1);
      if (end != begin + 1 || s.get<std::uint32_t>("in_at", node + 2) <= end) continue;
      s.set<std::uint32_t>("in_at", node + 1, end + 1);
      const auto first = s.get<std::uint32_t>("in_edge", begin), second = s.get<std::uint32_t>("in_edge", begin + 1);
      s.set<std::uint32_t>("in_edge", begin, std::max(first, second));
      s.set<std::uint32_t>("in_edge", begin + 1, std::min(first, second));
      return;
    }
    throw std::runtime_error("no two nodes of the ring in a row have an edge in each");
  });
  crafted("snapshot_edge_kind_out_of_range.skg", [](Snapshot& s) { s.set<std::uint8_t>("edge_kind", 0, 200); });
  crafted("snapshot_node_kind_out_of_range.skg", [](Snapshot& s) { s.set<std::uint8_t>("kind", 0, 77); });
  crafted("snapshot_share_out_of_range.skg", [](Snapshot& s) {
    // The ring's 60% (millionths of a percent; graph/model.h Percent) made 250%: in the share
    // dictionary (format 7: its first, smallest value), or edge 0's share where stored whole.
    if (s.count("share_dict") > 0) return s.set<std::uint32_t>("share_dict", 0, 250'000'000u);
    if (s.count("share") < 2) throw std::runtime_error("the ring has no shares");
    s.set<std::uint32_t>("share", 0, 250'000'000u);
    s.set<std::uint32_t>("share", 1, 250'000'000u);
  });
  // Format 7: an edge's share code past the dictionary's values.
  crafted("snapshot_share_code_past_dictionary.skg", [](Snapshot& s) {
    if (s.count("share_code") == 0) throw std::runtime_error("the ring's shares are not coded");
    s.set<std::uint8_t>("share_code", 0, static_cast<std::uint8_t>(s.count("share_dict")));
  });
  // Format 7: the marks of names whose records are their node's own, marking every position of
  // the first word, past the ring's names: a position past them would be read as own.
  crafted("snapshot_own_marks_past_names.skg", [](Snapshot& s) {
    if (s.count("name_prov_own") == 0) throw std::runtime_error("the ring has no own-record marks");
    s.set<std::uint64_t>("name_prov_own", 0, ~std::uint64_t{0});
  });
  // Format 7: node record offsets as exceptions to one record each, the last exception's records
  // ending past the record column.
  crafted("snapshot_record_exceptions_past_records.skg", [](Snapshot& s) {
    const std::size_t exceptions = s.count("node_prov_x_end");
    if (exceptions == 0) throw std::runtime_error("the ring has no record-count exceptions");
    s.set<std::uint32_t>("node_prov_x_end", exceptions - 1, 1000);
  });
  // The action's listing date: a 32-bit day far outside the years 1 to 9999 (v1 kept this date
  // as a raw std::optional, whose flag byte could hold any value).
  crafted("snapshot_action_date_out_of_range.skg", [](Snapshot& s) {
    const std::size_t listed = 6 * 4;  // StoredAction: six string ids, then the listing day
    s.write<std::int32_t>(s.offset("action") + listed, 0x7FFFFF00);
  });
  // Node 0's primary name: in the name column, or (format 7, the column left out when each is the
  // node's first name) that first name's text.
  crafted("snapshot_string_ref_past_count.skg", [](Snapshot& s) {
    s.set<std::uint32_t>(s.count("name") > 0 ? "name" : "name_list", 0, 123456);
  });
  // A name's record past the provenance records (version 5 says which record gave each name).
  crafted("snapshot_name_record_past_count.skg", [](Snapshot& s) {
    if (s.count("name_prov") == 0) throw std::runtime_error("the ring stores no name records");
    s.set<std::uint32_t>("name_prov", 0, 654321);
  });
  // A sparse edge column's bitmap (version 6: one bit an edge, a value for each set bit) marking
  // every position of its first word, past the ring's 5 edges: a read there would index past the
  // values.
  crafted("snapshot_sparse_bits_past_edges.skg", [](Snapshot& s) {
    for (const char* column : {"edge_from_bits", "edge_to_bits", "role_bits", "edge_id_bits", "share_bits"})
      if (s.count(column) > 0) return s.set<std::uint64_t>(column, 0, ~std::uint64_t{0});
    throw std::runtime_error("the ring has no sparse edge column");
  });
  // Two source files of one length made the same text: the strings are no longer distinct.
  crafted("snapshot_duplicate_strings.skg", [](Snapshot& s) {
    const std::size_t strings = s.count("string_at32") - 1;
    std::size_t a_csv = strings, b_csv = strings;
    for (std::size_t id = 0; id < strings; ++id) {
      const auto from = s.get<std::uint32_t>("string_at32", id), to = s.get<std::uint32_t>("string_at32", id + 1);
      const std::string_view text(s.bytes.data() + s.offset("chars") + from, to - from);
      if (text == "a.csv") a_csv = from;
      if (text == "b.csv") b_csv = from;
    }
    if (a_csv == strings || b_csv == strings) throw std::runtime_error("the ring lost its source names");
    std::memcpy(s.bytes.data() + s.offset("chars") + b_csv, "a.csv", 5);
  });
  std::printf("make-broken-snapshots: wrote %d files into %s\n", written, folder.c_str());
  return 0;
}
