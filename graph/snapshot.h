// graph/snapshot.h: save a frozen graph to a file, and open it again without re-parsing.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "skg/graph/graph.h"

namespace skg::inline v1 {

/// The snapshot format version this build writes and reads. Version 2 stores an Action's dates
/// as plain 32-bit days (no std::optional bytes) and keys the name index by full Unicode case
/// folding; version 3 adds each Action's typed measures, issuer, list and origin, stores shares
/// exactly (millionths of a percent, each bound open or closed) and each edge's typed interest
/// (issue 10); version 4 stores provenance as columns (sources by runs), an edge's role and own
/// id as sparse columns, and no attribute offsets when no node has attributes (issue 13);
/// version 5 stores the record(s) of each name and each external id (queries/RULES.md §9.4);
/// version 6 stores no edge sources (the forward offsets give them), the share, dates, role and
/// own id of edges as a bitmap and the values of the edges that have one, and the record lines
/// by runs of consecutive lines (issue 13); version 7 stores shares by a dictionary (one byte an
/// edge) where that is smaller, leaves out the records of a name or an external id that are
/// exactly its node's own, stores node record offsets as the exceptions to one record each, and
/// node dates sparse (issue 13).
/// Older files are refused with a message saying to re-create them.
inline constexpr std::uint32_t kSnapshotVersion = 7;

/// How much of a snapshot open_snapshot() checks before it hands out a Graph.
enum class SnapshotCheck : std::uint8_t {
  /// What a query's safety relies on, and what open_snapshot() checks by default: the header
  /// and the column table's checksum; every column name, size and offset; every offset column
  /// monotone and ending at its item count; every id, string reference, kind, name type, share
  /// and date in range; each node's reverse edges ascending and in range; every hash index
  /// with an empty slot, each taken slot naming a key, as many taken slots as keys. No file
  /// that passes can make a query read out of bounds or probe forever. Column checksums are
  /// left to Full (`skg verify`).
  Structure,
  /// Structure, and what the graph's meaning relies on: every column's checksum (damage), the
  /// reverse edges an exact mirror of the forward edges, every string stored once (a Builder
  /// made from the graph needs that) and every index key in exactly one slot, where a lookup
  /// probes for it.
  Full,
};

struct SnapshotOptions {
  SnapshotCheck check = SnapshotCheck::Structure;
  /// After the checks, drop the process's mappings of the pages they read (the page cache keeps
  /// them), so resident memory grows only with what queries then touch.
  bool release_after_check = true;
};

/// Writes `graph` to `path` (a versioned, checksummed column file); throws Error on I/O failure.
///   skg::save(graph, "lists.skg");
void save(const Graph& graph, const std::string& path);

/// Opens a snapshot by mapping it into memory: columns are used in place, not parsed.
/// A truncated, corrupted, wrong-version or crafted file throws Error saying which, never
/// crashes and never makes a later query hang. A path that is not a regular file (a FIFO, a
/// device, a folder) is refused before it is opened.
///   skg::Graph graph = skg::open_snapshot("lists.skg");
Graph open_snapshot(const std::string& path, const SnapshotOptions& options = {});

/// One column of a snapshot file as its table describes it (`skg verify` and the benchmarks
/// show where the bytes go).
struct SnapshotColumn {
  std::string name;
  std::uint32_t element_size = 0;
  std::uint64_t count = 0;
  std::uint64_t bytes() const noexcept { return count * element_size; }
};

/// What verify_snapshot() found in a file that passed every check.
struct SnapshotSummary {
  std::uint32_t version = 0;
  std::uint64_t bytes = 0;
  std::size_t nodes = 0, edges = 0, strings = 0;
  std::vector<SnapshotColumn> columns;
  double seconds = 0;  // time taken by the open and every check
};

/// Opens `path` with every check (SnapshotCheck::Full) and says what it holds; throws Error
/// naming the first problem. (`skg verify FILE`.)
SnapshotSummary verify_snapshot(const std::string& path);

/// The column table of the snapshot at `path` (header and table checked, columns not read).
std::vector<SnapshotColumn> snapshot_columns(const std::string& path);

namespace detail {
/// The checksum the snapshot stores for every column and for its column table (a fast 64-bit
/// mix, not cryptographic: whoever writes a file can recompute it, so it only catches damage).
std::uint64_t snapshot_checksum(const void* data, std::size_t size) noexcept;
}  // namespace detail

}  // namespace skg
