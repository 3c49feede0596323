// tests/fuzz/fuzz_snapshot.cpp: the snapshot reader on files whose checksums are right. Anyone
// can recompute a checksum, so a hostile file passes them; this target does the same after
// each mutation (file size, every column's checksum, the table's), so the fuzzer reaches the
// structural checks of graph/snapshot.cpp and the queries that read what they let through.
// The header and column-table layout are those of graph/snapshot.cpp (written out again here,
// since the reader keeps them private); the first run checks them against a snapshot skg saved.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fuzz_common.h"
#include "skg/graph/snapshot.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"

namespace {

constexpr std::size_t kHeader = 64, kEntry = 56;
constexpr std::size_t kColumnsAt = 16, kFileSizeAt = 24, kTableChecksumAt = 32;
constexpr std::size_t kElementSizeAt = 24, kCountAt = 32, kOffsetAt = 40, kChecksumAt = 48;

std::uint64_t load64(const std::string& bytes, std::size_t at) {
  std::uint64_t value;
  std::memcpy(&value, bytes.data() + at, 8);
  return value;
}
void store64(std::string& bytes, std::size_t at, std::uint64_t value) { std::memcpy(bytes.data() + at, &value, 8); }

std::uint64_t checksum(const char* data, std::size_t size) { return skg::detail::snapshot_checksum(data, size); }

/// Makes every checksum and the file size right for the bytes as they are; returns false when
/// the header or table is too short to hold them.
bool fix_checksums(std::string& bytes) {
  if (bytes.size() < kHeader) return false;
  store64(bytes, kFileSizeAt, bytes.size());
  std::uint32_t columns;
  std::memcpy(&columns, bytes.data() + kColumnsAt, 4);
  if (columns > 1000 || kHeader + columns * kEntry > bytes.size()) return false;
  for (std::size_t column = 0; column < columns; ++column) {
    const std::size_t entry = kHeader + column * kEntry;
    std::uint32_t element_size;
    std::memcpy(&element_size, bytes.data() + entry + kElementSizeAt, 4);
    const std::uint64_t count = load64(bytes, entry + kCountAt), offset = load64(bytes, entry + kOffsetAt);
    if (element_size > 64 || count > bytes.size() || offset > bytes.size() ||
        count * element_size > bytes.size() - offset)
      continue;  // out of the file: the reader must say so whatever the checksum
    store64(bytes, entry + kChecksumAt, checksum(bytes.data() + offset, count * element_size));
  }
  store64(bytes, kTableChecksumAt, checksum(bytes.data() + kHeader, columns * kEntry));
  return true;
}

/// A snapshot of the bundled case, saved by this build; aborts if this file's idea of the
/// layout no longer matches what skg writes.
const std::string& good_snapshot() {
  static const std::string bytes = [] {
    skg::Builder builder;
    skg::load(skg::fuzz::datasets("kaspersky"), builder);
    const std::string path = (skg::fuzz::scratch() / "good.skg").string();
    skg::save(std::move(builder).freeze(), path);
    std::string saved = skg::fuzz::read_file(path);
    std::string fixed = saved;
    if (!fix_checksums(fixed) || fixed != saved) {
      std::fprintf(stderr, "fuzz_snapshot: the snapshot layout changed; update this target\n");
      std::abort();
    }
    return saved;
  }();
  return bytes;
}

/// Asks what a user would ask of a graph that opened.
void use(const skg::Graph& graph) {
  (void)skg::testing::fingerprint(graph);
  (void)graph.find("kaspersky-ao-kaspersky-lab");
  (void)graph.find("nobody");
  (void)graph.find_by_name("Kaspersky Lab");
  for (std::uint32_t node = 0; node < graph.node_count() && node < 64; ++node) {
    (void)skg::reach(graph, skg::NodeId{node}, {.max_hops = 3});
    (void)skg::exposure(graph, skg::NodeId{node}, {});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)good_snapshot();
  std::string bytes(reinterpret_cast<const char*>(data), size);
  fix_checksums(bytes);
  const std::string path = skg::fuzz::write_file("input.skg", bytes);
  // Both levels of checking: Structure promises that no query reads out of bounds or hangs.
  for (const auto check : {skg::SnapshotCheck::Structure, skg::SnapshotCheck::Full}) {
    try {
      const skg::Graph graph = skg::open_snapshot(path, {.check = check});
      use(graph);
    } catch (const skg::Error&) {
    }
  }
  return 0;
}
