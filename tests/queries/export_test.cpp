// tests/queries/export_test.cpp: the export's files as Neo4j, GraphFrames and CSV readers see them.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "skg/graph/builder.h"
#include "skg/graph/error.h"
#include "skg/queries/export.h"

using namespace skg;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(SKG_TEST_OUTPUT_DIR) / "export" / name;
  fs::remove_all(dir);
  return dir;
}

/// A listed owner (a name with a comma and quotes), a company it owns a third of from 2019 to
/// 2023, a stake whose share is unknown, and the owner's OFAC designation.
Graph small_graph() {
  Builder builder;
  Batch batch(builder);
  batch.add_entity({.id = "ofac-sdn:1", .kind = NodeKind::Person, .name = "PETROV, \"Big\" Ivan", .source = {"sdn.csv", "1", 3}});
  batch.add_entity({.id = "co:1", .kind = NodeKind::Company, .name = "Acme Ltd", .source = {"own.csv", {}, 2}});
  batch.add_entity({.id = "co:2", .kind = NodeKind::Company, .name = "Beta", .source = {"own.csv", {}, 3}});
  batch.add_edge({.kind = EdgeKind::Owns, .from = "ofac-sdn:1", .to = "co:1", .share = *Percent::parse("33.333333"),
                  .valid = {.start = Date::parse("2019-01-01"), .end = Date::parse("2023-06-30")},
                  .source = {"own.csv", {}, 4}});
  batch.add_edge({.kind = EdgeKind::Owns, .from = "co:1", .to = "co:2", .source = {"own.csv", {}, 5}});
  batch.add_action({.id = "ofac-sdn:1#SDN", .target = "ofac-sdn:1", .authority = "OFAC", .list = "SDN",
                    .program = "RUSSIA-EO14024", .listed = Date::parse("2024-06-21"), .source = {"sdn.csv", "1", 3},
                    .measure_set = Measures{Measure::AssetFreeze}, .issuer = Issuer::UsOfac,
                    .list_id = SanctionList::OfacSdn});
  builder.commit(std::move(batch));
  return std::move(builder).freeze();
}

}  // namespace

TEST_CASE("export: CSV parts hold every node and edge once, with stable ids, exact shares and dates") {
  const Graph graph = small_graph();
  const fs::path dir = fresh_dir("csv");
  const ExportReport report = export_graph(graph, dir.string(), {.format = ExportFormat::Csv, .partitions = 2});
  CHECK(report.nodes == graph.node_count());
  CHECK(report.edges == graph.edge_count());
  std::vector<std::string> node_rows, edge_rows;
  std::uint64_t bytes = 0;
  for (const char* table : {"nodes", "edges"})
    for (int part = 0; part < 2; ++part) {
      const fs::path file = dir / (std::string(table) + "-0000" + std::to_string(part) + ".csv");
      REQUIRE(fs::exists(file));
      const std::string text = read(file);
      bytes += text.size();
      auto rows = lines(text);
      REQUIRE(!rows.empty());
      CHECK(rows[0] == (std::string(table) == "nodes"
                            ? "id,kind,name,other_ids,start,end,issuer,list,program,measures,listed_date,undated,record"
                            : "src,dst,kind,share_low,share_high,share_low_open,share_high_open,interest,start,end,role,id,record"));
      auto& into = std::string(table) == "nodes" ? node_rows : edge_rows;
      into.insert(into.end(), rows.begin() + 1, rows.end());
    }
  CHECK(bytes == report.bytes);
  CHECK(node_rows.size() == graph.node_count());
  CHECK(edge_rows.size() == graph.edge_count());
  auto row_starting = [](const std::vector<std::string>& rows, std::string_view prefix) {
    for (const auto& row : rows)
      if (row.starts_with(prefix)) return row;
    return std::string();
  };
  // RFC 4180 quoting: the comma and the quotes survive.
  CHECK(row_starting(node_rows, "ofac-sdn:1,").starts_with("ofac-sdn:1,Person,\"PETROV, \"\"Big\"\" Ivan\","));
  // The listing: issuer, list, program, typed measures, its start read from the listed date.
  const std::string action = row_starting(node_rows, "ofac-sdn:1#SDN,");
  CHECK(action.find(",Action,") != std::string::npos);
  CHECK(action.find("2024-06-21,,us_ofac,SDN,RUSSIA-EO14024,asset_freeze,2024-06-21,false,") != std::string::npos);
  // A third, exact to the millionth; [start, end) as skg keeps it; an unknown share stays empty.
  CHECK(row_starting(edge_rows, "ofac-sdn:1,co:1,").starts_with(
      "ofac-sdn:1,co:1,OWNS,33.333333,33.333333,false,false,,2019-01-01,2023-06-30,,,own.csv:4"));
  CHECK(row_starting(edge_rows, "co:1,co:2,").starts_with("co:1,co:2,OWNS,,,,,,"));
  CHECK(!row_starting(edge_rows, "ofac-sdn:1,ofac-sdn:1#SDN,TARGET_OF").empty());
}

TEST_CASE("export: an edge is in its owner's part, so one owner's records of a stake are together") {
  const Graph graph = small_graph();
  const fs::path dir = fresh_dir("parts");
  export_graph(graph, dir.string(), {.format = ExportFormat::Csv, .partitions = 3});
  for (int part = 0; part < 3; ++part) {
    const auto nodes = lines(read(dir / ("nodes-0000" + std::to_string(part) + ".csv")));
    const auto edges = lines(read(dir / ("edges-0000" + std::to_string(part) + ".csv")));
    for (std::size_t at = 1; at < edges.size(); ++at) {
      const std::string src = edges[at].substr(0, edges[at].find(','));
      bool here = false;
      for (std::size_t row = 1; row < nodes.size(); ++row) here |= nodes[row].starts_with(src + ",");
      CHECK_MESSAGE(here, edges[at]);
    }
  }
}

TEST_CASE("export: Neo4j gets one header file per table and typed columns, GraphFrames gets id and src and dst") {
  const Graph graph = small_graph();
  SUBCASE("neo4j") {
    const fs::path dir = fresh_dir("neo4j");
    export_graph(graph, dir.string(), {.format = ExportFormat::Neo4j, .partitions = 2});
    CHECK(read(dir / "nodes-header.csv") ==
          "id:ID,:LABEL,name,other_ids:string[],start:date,end:date,issuer,list,program,measures:string[],"
          "listed_date:date,undated:boolean,record\n");
    CHECK(read(dir / "relationships-header.csv") ==
          ":START_ID,:END_ID,:TYPE,share_low:double,share_high:double,share_low_open:boolean,"
          "share_high_open:boolean,interest,start:date,end:date,role,id,record\n");
    // The parts carry no header: neo4j-admin reads the header file first, then each part.
    const std::string part = read(dir / "nodes-00000.csv") + read(dir / "nodes-00001.csv");
    CHECK(part.find("id:ID") == std::string::npos);
    CHECK(lines(part).size() == graph.node_count());
    CHECK(fs::exists(dir / "relationships-00001.csv"));
  }
  SUBCASE("graphframes") {
    const fs::path dir = fresh_dir("graphframes");
    export_graph(graph, dir.string(), {.format = ExportFormat::GraphFrames, .partitions = 1});
    CHECK(read(dir / "vertices" / "part-00000.csv").starts_with("id,kind,name,"));
    CHECK(read(dir / "edges" / "part-00000.csv").starts_with("src,dst,relationship,share_low,"));
  }
}

TEST_CASE("export: exporting again with fewer parts leaves no stale part behind") {
  const Graph graph = small_graph();
  const fs::path dir = fresh_dir("again");
  export_graph(graph, dir.string(), {.format = ExportFormat::Csv, .partitions = 3});
  CHECK(fs::exists(dir / "edges-00002.csv"));
  const ExportReport report = export_graph(graph, dir.string(), {.format = ExportFormat::Csv, .partitions = 1});
  CHECK(!fs::exists(dir / "edges-00002.csv"));
  CHECK(!fs::exists(dir / "nodes-00001.csv"));
  CHECK(report.files == std::vector<std::string>{"nodes-00000.csv", "edges-00000.csv"});
}

TEST_CASE("export: a folder that cannot be made is an error naming it, and bad options are refused") {
  const Graph graph = small_graph();
  const fs::path file = fresh_dir("blocker");
  fs::create_directories(file.parent_path());
  std::ofstream(file.string()) << "a file where the folder would go";
  CHECK_THROWS_WITH_AS(export_graph(graph, (file / "sub").string(), {}), doctest::Contains("blocker"), Error);
  CHECK_THROWS_AS(export_graph(graph, fresh_dir("zero").string(), {.partitions = 0}), Error);
  CHECK(parse_export_format("neo4j") == ExportFormat::Neo4j);
  CHECK(!parse_export_format("parquet"));
}
