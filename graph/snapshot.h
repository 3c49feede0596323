// graph/snapshot.h: save a frozen graph to a file, and open it again without re-parsing.
#pragma once
#include <string>

#include "skg/graph/graph.h"

namespace skg {

/// The snapshot format version this build writes and reads.
inline constexpr std::uint32_t kSnapshotVersion = 2;  // 2: exact shares (millionths, open bounds), edge interests

/// Writes `graph` to `path` (a versioned, checksummed column file); throws Error on I/O failure.
///   skg::save(graph, "lists.skg");
void save(const Graph& graph, const std::string& path);

/// Opens a snapshot by mapping it into memory: columns are used in place, not parsed.
/// A truncated, corrupted or wrong-version file throws Error saying which, never crashes.
///   skg::Graph graph = skg::open_snapshot("lists.skg");
Graph open_snapshot(const std::string& path);

}  // namespace skg
