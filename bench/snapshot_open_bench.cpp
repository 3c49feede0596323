// bench/snapshot_open_bench.cpp: how long open_snapshot() takes (the default structure check, and
// every check as `skg verify` runs them), where the file's bytes go, and the process's resident
// memory as queries touch the mapped columns, on a generated graph's snapshot.
//   skg_bench_snapshot_open --entities 10000000 --runs 5 --path /tmp/skg-10m.skg
// The snapshot at --path is written first (generate, freeze, save: not timed) unless it exists (the
// default path's file is written again when this build cannot open it); the file is opened once
// untimed, so every timed open reads it from the page cache. The memory stages run in a child
// process each time (`--stages`), so earlier runs do not count.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "generator.h"
#include "harness.h"
#include "skg/graph/builder.h"
#include "skg/graph/error.h"
#include "skg/graph/snapshot.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"

namespace {

/// Resident memory of this process now (VmRSS), in MiB; -1 when /proc cannot say.
double rss_now_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  return -1;
}

struct ColumnSize {
  std::string name;
  std::uint32_t element_size = 0;
  std::uint64_t count = 0;
  std::uint64_t bytes() const { return count * element_size; }
};

/// The column table of a snapshot, read as graph/snapshot.cpp lays it out (a 64-byte header
/// whose bytes 16-19 give the column count, then 56-byte entries: name[24], element size,
/// reserved, count, offset, checksum). Read here, not through the library, so that the same
/// bench built from an older tree gives the before figure.
std::vector<ColumnSize> column_sizes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char header[64] = {};
  in.read(header, sizeof header);
  std::uint32_t columns = 0;
  std::memcpy(&columns, header + 16, 4);
  std::vector<ColumnSize> out;
  for (std::uint32_t at = 0; at < columns && at < 4096 && in; ++at) {
    char entry[56] = {};
    in.read(entry, sizeof entry);
    ColumnSize column;
    column.name.assign(entry, strnlen(entry, 24));
    std::memcpy(&column.element_size, entry + 24, 4);
    std::memcpy(&column.count, entry + 32, 8);
    out.push_back(column);
  }
  return out;
}

/// The group a snapshot column belongs to, for the bytes table.
std::string group_of(const std::string& column) {
  static const std::map<std::string, std::string> kGroups = {
      {"kind", "nodes"}, {"name", "nodes"}, {"valid_from", "nodes"}, {"valid_to", "nodes"},
      {"names_at", "names"}, {"name_list", "names"}, {"attributes_at", "attributes"},
      {"attribute", "attributes"}, {"edge_attributes_at", "attributes"}, {"edge_attribute", "attributes"},
      {"node_prov_at", "provenance"}, {"node_prov", "provenance"}, {"edge_prov_at", "provenance"},
      {"edge_prov", "provenance"}, {"provenance", "provenance"}, {"prov_source_at", "provenance"},
      {"prov_source", "provenance"}, {"prov_record", "provenance"}, {"prov_line", "provenance"},
      {"external_ids_at", "external ids"}, {"external_id", "external ids"}, {"action_node", "actions"},
      {"action", "actions"}, {"out_at", "CSR offsets"}, {"in_at", "CSR offsets"}, {"source", "edges"},
      {"target", "edges"}, {"edge_kind", "edges"}, {"share", "edges"}, {"share_range", "edges"},
      {"interest", "edges"}, {"edge_from", "edges"}, {"edge_to", "edges"}, {"role_at", "edges: role, id"},
      {"role", "edges: role, id"}, {"edge_id_at", "edges: role, id"}, {"edge_id", "edges: role, id"},
      {"in_edge", "reverse edges"}, {"chars", "strings"}, {"string_at", "strings"}, {"string_at32", "strings"},
      {"name_prov_at", "name and id records"}, {"name_prov", "name and id records"},
      {"external_id_prov_at", "name and id records"}, {"external_id_prov", "name and id records"},
      // Format 7's packed forms.
      {"valid_from_bits", "nodes"}, {"valid_to_bits", "nodes"}, {"node_prov_x", "provenance"},
      {"node_prov_x_end", "provenance"}, {"name_prov_own", "name and id records"},
      {"external_id_prov_own", "name and id records"}, {"share_code", "edges"}, {"share_dict", "edges"},
  };
  const auto found = kGroups.find(column);
  if (found != kGroups.end()) return found->second;
  if (column.rfind("ext_", 0) == 0) return "external id index";
  if (column.rfind("name_", 0) == 0) return "name index";
  return "other";
}

/// Reach over 1000 parties spread over the node ids (as skg-gen's sources.txt), then the OFAC
/// blocked set, printing resident memory after the open and after each.
int stages(const std::string& path) {
  const double before = rss_now_mib();
  const skg::Graph graph = skg::open_snapshot(path);
  const double opened = rss_now_mib();
  std::vector<skg::NodeId> parties, sources;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at)
    if (skg::NodeKinds::parties().contains(graph.kind(skg::NodeId{at}))) parties.push_back(skg::NodeId{at});
  for (std::size_t at = 0; at < 1000 && !parties.empty(); ++at)
    sources.push_back(parties[(at * parties.size() + parties.size() / 2) / 1000 % parties.size()]);
  std::vector<skg::NodeId>().swap(parties);
  const double kinds_read = rss_now_mib();
  const skg::ListedSet listed(graph, std::nullopt);
  skg::ReachWorkspace workspace;
  std::uint64_t hits = 0;
  for (skg::NodeId source : sources) hits += skg::reach_count(graph, source, {.listed = &listed}, workspace);
  const double reached = rss_now_mib();
  const auto blocked = skg::blocked_set(graph, {.rule = skg::Rule::Ofac});
  const double after_blocked = rss_now_mib();
  std::fprintf(stderr,
               "snapshot_open: RSS MiB: before open %.1f, after open %.1f, after reading every node kind "
               "%.1f, after 3-hop reach of 1000 sources %.1f, after the OFAC blocked set %.1f; peak %.1f\n"
               "snapshot_open: answers: listed %zu, reach hits %llu, OFAC blocked %zu (possibly %zu)\n",
               before, opened, kinds_read, reached, after_blocked, skg::bench::peak_rss_bytes() / 1048576.0,
               listed.count(), static_cast<unsigned long long>(hits), blocked.count(skg::Verdict::Yes),
               blocked.count(skg::Verdict::Possibly));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--stages") == 0) return stages(argv[2]);
  auto bench = skg::bench::Harness("snapshot_open", argc, argv);
  const std::string path = bench.path().empty() ? "/tmp/skg_bench_snapshot_open.skg" : bench.path();
  // The default file is this benchmark's own cache: one left by a build that wrote an older format
  // (or any file it cannot open) is made again. A file given with --path is the caller's: kept.
  if (bench.path().empty() && std::filesystem::exists(path)) {
    try {
      (void)skg::open_snapshot(path);
    } catch (const skg::Error& error) {
      std::fprintf(stderr, "snapshot_open: %s: writing it again\n", error.what());
      std::filesystem::remove(path);
    }
  }
  if (!std::filesystem::exists(path)) {
    skg::Builder builder;
    skg::generate(builder, {.entities = bench.entities(), .seed = bench.seed()});
    skg::save(std::move(builder).freeze(), path);
  }
  std::uint64_t edges = 0;
  {
    const skg::Graph graph = skg::open_snapshot(path);
    bench.set_size(graph.node_count(), graph.edge_count());
    edges = graph.edge_count();
    std::fprintf(stderr, "snapshot_open: %s, %.1f MiB, %zu nodes, %zu edges, %zu strings\n", path.c_str(),
                 std::filesystem::file_size(path) / 1048576.0, graph.node_count(), graph.edge_count(),
                 graph.string_count());
  }
  // Where the bytes go: each column, and by group, in bytes per edge.
  {
    const auto columns = column_sizes(path);
    std::map<std::string, std::uint64_t> groups;
    std::uint64_t total = 0;
    std::fprintf(stderr, "snapshot_open: column\telement bytes\tcount\tMiB\tbytes/edge\n");
    for (const auto& column : columns) {
      groups[group_of(column.name)] += column.bytes();
      total += column.bytes();
      std::fprintf(stderr, "snapshot_open: %s\t%u\t%llu\t%.2f\t%.2f\n", column.name.c_str(), column.element_size,
                   static_cast<unsigned long long>(column.count), column.bytes() / 1048576.0,
                   static_cast<double>(column.bytes()) / static_cast<double>(std::max<std::uint64_t>(edges, 1)));
    }
    for (const auto& [group, bytes] : groups)
      std::fprintf(stderr, "snapshot_open: group %s\t%.2f MiB\t%.2f bytes/edge\n", group.c_str(), bytes / 1048576.0,
                   static_cast<double>(bytes) / static_cast<double>(std::max<std::uint64_t>(edges, 1)));
    const auto file = std::filesystem::file_size(path);
    std::fprintf(stderr, "snapshot_open: columns %.2f bytes/edge, file %.2f bytes/edge all in\n",
                 static_cast<double>(total) / static_cast<double>(std::max<std::uint64_t>(edges, 1)),
                 static_cast<double>(file) / static_cast<double>(std::max<std::uint64_t>(edges, 1)));
  }
#ifdef SKG_BENCH_SNAPSHOT_V1  // the format-1 reader (before the full checks), for a before/after figure
  bench.run([&] { return skg::open_snapshot(path).edge_count(); }, edges, "v1");
#else
  bench.run([&] { return skg::open_snapshot(path, {.check = skg::SnapshotCheck::Structure}).edge_count(); }, edges,
            "structure");
  // SKG_BENCH_STRUCTURE_ONLY=1: the default open alone (e.g. under perf record).
  if (std::getenv("SKG_BENCH_STRUCTURE_ONLY") != nullptr) return 0;
  bench.run([&] { return skg::open_snapshot(path, {.check = skg::SnapshotCheck::Full}).edge_count(); }, edges, "full");
#endif
  std::fprintf(stderr, "snapshot_open: peak RSS %.1f MiB\n", skg::bench::peak_rss_bytes() / 1048576.0);
  std::fflush(stderr);
  // The memory stages, in a fresh process.
  const pid_t child = fork();
  if (child == 0) {
    execl("/proc/self/exe", argv[0], "--stages", path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (child > 0) waitpid(child, &status, 0);
  return child > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
