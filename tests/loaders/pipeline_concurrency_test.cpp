// The loaders that read a file on several threads (skg-csv: two workers cut and prepare blocks;
// FtM JSON lines: two workers parse; both: a helper thread faults the batch's pages in ahead),
// on tables of many blocks. In skg_concurrency_tests too, which scripts/test-sanitize.sh runs
// under ThreadSanitizer: a race between a worker and the reading thread fails there.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/loaders/csv_bulk.h"
#include "skg/loaders/ftm_json.h"
#include "skg/loaders/load.h"

namespace {

constexpr int kParties = 40000;  // about 1 MB of nodes, 1.5 MB of edges, 6 MB of FtM: many blocks each

/// A folder of its own under the system's temporary folder, made empty.
std::filesystem::path fresh_dir(std::string_view name) {
  const auto dir = std::filesystem::temp_directory_path() / ("skg_pipeline_test_" + std::string(name));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Party `at` owns parties at + 1 and at + 7 (where they exist), at a share from its number.
template <class Edge>
void for_each_link(Edge edge) {
  for (int at = 0; at < kParties; ++at)
    for (const int step : {1, 7})
      if (at + step < kParties) edge(at, at + step, (at * 13 + step) % 100 + 1);
}

}  // namespace

TEST_CASE("loaders on several threads: a many-block skg-csv folder and FtM file give the same graph") {
  const auto csv = fresh_dir("csv");
  {
    std::ofstream nodes(csv / "nodes.csv", std::ios::binary), edges(csv / "edges.csv", std::ios::binary);
    nodes << "id,kind,name,listed\n";
    for (int at = 0; at < kParties; ++at)
      nodes << at << ',' << (at % 3 == 0 ? "Person" : "Company") << ",Party number " << at << ',' << at % 2 << '\n';
    edges << "src,dst,kind,share\n";
    for_each_link([&](int from, int to, int share) { edges << from << ',' << to << ",OWNS," << share << '\n'; });
  }
  const auto ftm = fresh_dir("ftm");
  {
    std::ofstream lines(ftm / "entities.ftm.json", std::ios::binary);
    for (int at = 0; at < kParties; ++at)
      lines << R"({"id":")" << at << R"(","schema":")" << (at % 3 == 0 ? "Person" : "Company")
            << R"(","properties":{"name":["Party number )" << at << R"("]}})" << '\n';
    for_each_link([&](int from, int to, int share) {
      lines << R"({"id":"own-)" << from << '-' << to << R"(","schema":"Ownership","properties":{"owner":[")" << from
            << R"("],"asset":[")" << to << R"("],"percentage":[")" << share << R"("]}})" << '\n';
    });
  }
  skg::Builder from_csv, from_ftm;
  const skg::LoadReport csv_report = skg::load(csv.string(), from_csv);
  const skg::LoadReport ftm_report = skg::load((ftm / "entities.ftm.json").string(), from_ftm);
  CHECK(csv_report.count("entities") == kParties);
  CHECK(csv_report.unresolved.empty());
  CHECK(ftm_report.unresolved.empty());
  const skg::Graph a = std::move(from_csv).freeze(), b = std::move(from_ftm).freeze();
  REQUIRE(a.node_count() == kParties);
  REQUIRE(b.node_count() == kParties);
  CHECK(a.edge_count() == 2 * kParties - 8);
  CHECK(b.edge_count() == a.edge_count());
  // Every party's owned parties and shares, the same from both files.
  std::size_t same = 0;
  for (int at = 0; at < kParties; ++at) {
    const std::string id = std::to_string(at);
    const auto in_a = a.find(id), in_b = b.find(id);
    if (!in_a || !in_b || a.name(*in_a) != b.name(*in_b)) continue;
    std::string owned_a, owned_b;
    for (const skg::EdgeId edge : a.out_edges(*in_a))
      owned_a += std::string(a.name(a.target(edge))) + " " + a.share(edge).to_string() + ";";
    for (const skg::EdgeId edge : b.out_edges(*in_b))
      owned_b += std::string(b.name(b.target(edge))) + " " + b.share(edge).to_string() + ";";
    same += owned_a == owned_b;
  }
  CHECK(same == kParties);
}
