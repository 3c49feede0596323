// queries/export.h: the graph written out for engines past one machine: nodes and edges with
// stable ids, kinds, names, shares, dates and listings, partitioned, as plain CSV or in the
// layouts Neo4j's `neo4j-admin database import` and Spark GraphFrames read (docs/EXPORT.md).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/graph.h"

namespace skg::inline v1 {

enum class ExportFormat : std::uint8_t {
  Csv,          // nodes-NNNNN.csv, edges-NNNNN.csv, each with its header row
  Neo4j,        // nodes-header.csv + nodes-NNNNN.csv, relationships-header.csv + relationships-NNNNN.csv
  GraphFrames,  // vertices/part-NNNNN.csv (id, ...), edges/part-NNNNN.csv (src, dst, ...)
};
/// "csv", "neo4j", "graphframes"; nullopt for anything else.
std::optional<ExportFormat> parse_export_format(std::string_view text) noexcept;
std::string_view to_string(ExportFormat format) noexcept;

struct ExportOptions {
  ExportFormat format = ExportFormat::Csv;
  /// Files per table. A node goes to part (node index mod partitions); an edge to its source's
  /// part, so every record of one owner's stakes is in one part (a job reconciles them locally).
  unsigned partitions = 1;
};

struct ExportReport {
  std::vector<std::string> files;  // written, relative to the folder, in order
  std::size_t nodes = 0, edges = 0;
  std::uint64_t bytes = 0;
};

/// Writes every node and edge of `graph` into the folder `dir` (made when missing; files of an
/// earlier export of the same format are replaced). Ids are the nodes' first external ids
/// ("ofac-sdn:45815"), stable across loads; a node without one gets "skg-node:<index>". Throws
/// skg::Error naming the file when a file cannot be written.
///   skg::export_graph(graph, "out", {.format = skg::ExportFormat::Neo4j, .partitions = 8});
ExportReport export_graph(const Graph& graph, const std::string& dir, const ExportOptions& options = {});

/// The stable id the export gives a node (its first external id, else "skg-node:<index>").
std::string export_id(const Graph& graph, NodeId node);

}  // namespace skg
