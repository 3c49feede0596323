#include "skg/loaders/csv_bulk.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <string>
#include <vector>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/queries/exposure.h"

#include "loaders/loader_test_util.h"
#include "split_mix.h"

namespace {

/// Every node the test looks up was found (a test stops at the first that was not).
void require_found(std::initializer_list<std::optional<skg::NodeId>> nodes) {
  for (const auto& node : nodes) REQUIRE(node.has_value());
}

using skg::testing::broken;
using skg::testing::datasets;
using skg::testing::listing;

std::string sample(std::string_view name) { return datasets("samples/skg_csv/" + std::string(name)); }

/// A file under the build folder with `text` in it.
std::string write(std::string_view name, std::string_view text) {
  const auto dir = std::filesystem::path(SKG_TEST_OUTPUT_DIR) / "skg_csv_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string_view attribute(const skg::Graph& graph, skg::NodeId node, std::string_view key) {
  for (const skg::Attribute& item : graph.attributes(node))
    if (graph.string(item.key) == key) return graph.string(item.value);
  return {};
}

std::optional<skg::EdgeId> edge_between(const skg::Graph& graph, skg::NodeId from, skg::NodeId to) {
  for (skg::EdgeId edge : graph.out_edges(from))
    if (graph.target(edge) == to) return edge;
  return std::nullopt;
}

}  // namespace

TEST_CASE("skg_csv: a folder of node, edge and listing tables loads into one graph") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load(datasets("samples/skg_csv"), builder);
  CHECK(report.count("entities") == 5);
  CHECK(report.count("edges") == 5);
  CHECK(report.count("actions") == 2);
  CHECK(report.count("listings with an unmapped list") == 1);
  CHECK(report.skipped.empty());
  CHECK(report.unresolved.empty());
  const skg::Graph graph = std::move(builder).freeze();

  const auto c1 = graph.find("c1"), c2 = graph.find("c2"), c3 = graph.find("c3"), p1 = graph.find("p1");
  require_found({c1, c2, c3, p1});
  CHECK(graph.kind(*p1) == skg::NodeKind::Person);
  CHECK(graph.kind(*c3) == skg::NodeKind::Organization);
  CHECK(graph.name(*c2) == "Beta, Gamma & Co");     // a quoted comma
  CHECK(graph.name(*c3) == "The \"Delta\" Fund");  // doubled quotes
  CHECK(attribute(graph, *c1, "country") == "gb");  // an extra column is an attribute
  CHECK(attribute(graph, *c2, "country").empty());  // an empty field adds none

  const auto owns = edge_between(graph, *p1, *c1);
  REQUIRE(owns);
  CHECK(graph.edge_kind(*owns) == skg::EdgeKind::Owns);
  CHECK(graph.share(*owns) == skg::Percent::exact(60));
  CHECK(graph.edge_valid(*owns).start == skg::Date::from_ymd(2019, 3, 1));
  CHECK_FALSE(graph.edge_valid(*owns).end);
  const auto half = edge_between(graph, *c1, *c2);
  REQUIRE(half);
  CHECK(graph.share(*half) == skg::Percent::exact(50.5));         // "50.5%"
  CHECK(graph.edge_valid(*half).end == skg::Date::from_ymd(2024, 1, 1));  // ends "2023": after its last day
  const auto control = edge_between(graph, *c2, *c3);
  REQUIRE(control);
  CHECK_FALSE(graph.share(*control).known());  // unknown stays unknown
  const auto director = edge_between(graph, *p1, *c3);
  REQUIRE(director);
  CHECK(graph.edge_kind(*director) == skg::EdgeKind::DirectorOf);
  CHECK(graph.role(*director) == "Chair, board");

  const skg::Action* sdn = listing(graph, *p1);
  REQUIRE(sdn);
  CHECK(sdn->issuer == skg::Issuer::UsOfac);  // us_ofac_sdn, by the cited dataset table
  CHECK(sdn->list_id == skg::SanctionList::OfacSdn);
  CHECK(sdn->measure_set.contains(skg::Measure::AssetFreeze));
  CHECK(graph.string(sdn->program) == "RUSSIA-EO14024");
  CHECK(sdn->listed == skg::Date::from_ymd(2022, 4, 6));
  const skg::Action* other = listing(graph, *c3);
  REQUIRE(other);
  CHECK(other->issuer == skg::Issuer::Unknown);  // a list no table maps: unknown, not guessed
  CHECK(other->measure_set.unknown());
  CHECK(graph.string(other->list) == "made_up_list");
}

TEST_CASE("skg_csv: loading the same folder twice changes nothing") {
  skg::Builder builder;
  skg::load(datasets("samples/skg_csv"), builder);
  const auto entities = builder.entity_count(), edges = builder.edge_count();
  skg::load(datasets("samples/skg_csv"), builder);
  CHECK(builder.entity_count() == entities);
  CHECK(builder.edge_count() == edges);
}

TEST_CASE("skg_csv: the format is told by the header's column names, in any order") {
  CHECK(skg::detect_format("id,kind,name,listed\n1,Person,A,0\n", "x.txt") == skg::Format::SkgCsv);
  CHECK(skg::detect_format("src,dst,kind,share\n1,2,OWNS,\n", "x.txt") == skg::Format::SkgCsv);
  CHECK(skg::detect_format("Name,ID,Schema\n", "x.txt") == skg::Format::SkgCsv);
  CHECK(skg::detect_format("entity,list\nc1,us_ofac_sdn\n", "x.txt") == skg::Format::SkgCsv);
  CHECK(skg::detect_format("id,name\n1,A\n", "x.csv") != skg::Format::SkgCsv);  // no kind
  CHECK(skg::parse_format("skg-csv") == skg::Format::SkgCsv);
  CHECK(skg::detail::skg_csv_table("src,dst,kind") == skg::detail::SkgCsvTable::Edges);
  CHECK(skg::detail::skg_csv_table("id,entity,list,program") == skg::detail::SkgCsvTable::Listings);
}

TEST_CASE("skg_csv: a bad row names file, line and reason, and leaves the builder as it was") {
  struct Case {
    const char* file;
    const char* message;
  };
  for (const Case& item : {Case{"skgcsv_unterminated_quote.csv", "skgcsv_unterminated_quote.csv:3: unterminated quoted field"},
                           Case{"skgcsv_text_after_quote.csv", ":3: text after a closing quote"},
                           Case{"skgcsv_wrong_field_count.csv", ":3: 2 fields, the header has 3"},
                           Case{"skgcsv_unknown_kind.csv", ":3: kind 'Spaceship' is not a node kind"},
                           Case{"skgcsv_bad_share.csv", ":3: share '5O%' is not a number from 0 to 100"},
                           Case{"skgcsv_share_over_100.csv", ":2: share '150' is not a number from 0 to 100"},
                           Case{"skgcsv_bad_date.csv", ":2: start '2020-02-30' is not a date"},
                           Case{"skgcsv_ends_before_start.csv", ":2: the edge ends before it starts"},
                           Case{"skgcsv_edge_kind_not_a_link.csv", ":2: kind 'TARGET_OF' is not a link between parties"},
                           Case{"skgcsv_invalid_utf8.csv", ":3: invalid UTF-8"},
                           Case{"skgcsv_empty.csv", ":1: the file is empty"},
                           Case{"skgcsv_duplicate_column.csv", ":1: columns 'kind' and 'kind' of the header say the same thing"},
                           Case{"skgcsv_unnamed_column.csv", ":1: column 2 of the header has no name"},
                           Case{"skgcsv_no_id.csv", ":2: the node has no id"},
                           Case{"skgcsv_listing_bad_date.csv", ":2: listed_on 'yesterday' is not a date"}}) {
    CAPTURE(item.file);
    skg::Builder builder;
    CHECK_THROWS_WITH_AS(skg::load_skg_csv(broken(item.file), builder), doctest::Contains(item.message),
                         skg::LoadError);
    CHECK(builder.entity_count() == 0);
  }
}

TEST_CASE("skg_csv: skip mode leaves a bad row out, lists it with its line, and keeps the rest") {
  skg::Builder builder;
  const auto report = skg::load_skg_csv(broken("skgcsv_unknown_kind.csv"), builder, {.on_bad_record = skg::OnBadRecord::Skip});
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].line == 3);
  CHECK(report.skipped[0].record == "c2");
  CHECK(builder.entity_count() == 1);
}

TEST_CASE("skg_csv: every datasets/broken/skgcsv file loads or throws LoadError, in both modes") {
  skg::testing::check_broken_files_load_or_throw("skgcsv_", &skg::load_skg_csv);
}

TEST_CASE("skg_csv: a quoted line break and CRLF line ends keep the line numbers right") {
  const std::string path = write("crlf.csv",
                                 "id,kind,name\r\n"
                                 "a,Person,\"Two\r\nlines\"\r\n"
                                 "b,Person,B\r\n"
                                 "\r\n"
                                 "c,Ghost,C\r\n");
  skg::Builder builder;
  CHECK_THROWS_WITH_AS(skg::load_skg_csv(path, builder), doctest::Contains("crlf.csv:6: kind 'Ghost'"), skg::LoadError);
  skg::Builder skipping;
  const auto report = skg::load_skg_csv(path, skipping, {.on_bad_record = skg::OnBadRecord::Skip});
  CHECK(report.count("entities") == 2);
  const skg::Graph graph = std::move(skipping).freeze();
  REQUIRE(graph.find("a"));
  CHECK(graph.name(*graph.find("a")) == "Two\r\nlines");
  CHECK(graph.name(*graph.find("b")) == "B");  // no '\r' left on the last field
}

TEST_CASE("skg_csv: a table of many blocks loads every row, and an error past the first block names its line") {
  std::string nodes = "id,kind,name\n", edges = "src,dst,kind,share\n";
  constexpr int kRows = 60000;  // about 2 MB of nodes: several of the splitter's blocks
  for (int row = 0; row < kRows; ++row) {
    nodes += std::to_string(row) + ",Company,\"Company number " + std::to_string(row) + ", a long name to fill blocks\"\n";
    if (row > 0) edges += std::to_string(row - 1) + "," + std::to_string(row) + ",OWNS," + std::to_string(row % 101) + "\n";
  }
  const auto dir = std::filesystem::path(SKG_TEST_OUTPUT_DIR) / "skg_csv_test" / "many";
  std::filesystem::create_directories(dir);
  std::ofstream((dir / "nodes.csv").string(), std::ios::binary) << nodes;
  std::ofstream((dir / "edges.csv").string(), std::ios::binary) << edges;
  skg::Builder builder;
  const auto report = skg::load(dir.string(), builder);
  CHECK(report.count("entities") == kRows);
  CHECK(report.count("edges") == kRows - 1);
  CHECK(report.unresolved.empty());  // edges.csv sorts first but is read after nodes.csv
  const skg::Graph graph = std::move(builder).freeze();
  CHECK(graph.node_count() == kRows);
  const auto last = graph.find("59999");
  REQUIRE(last);
  CHECK(graph.name(*last) == "Company number 59999, a long name to fill blocks");
  // The name index of a graph this large is keyed on two threads (freeze): a name from each
  // half of the nodes, as a user types it, finds its node and only it.
  for (const auto& [typed, id] : {std::pair{"company NUMBER 7, a long name to fill blocks", "7"},
                                  {"Company number 59999 - a long name to fill blocks", "59999"}}) {
    const auto found = graph.find_by_name(typed);
    REQUIRE(found.size() == 1);
    CHECK(found[0] == *graph.find(id));
  }

  const std::string bad = write("many_bad.csv", nodes + "x,Company,\"unterminated\n");
  skg::Builder failing;
  CHECK_THROWS_WITH_AS(skg::load_skg_csv(bad, failing), doctest::Contains("many_bad.csv:60002: unterminated"),
                       skg::LoadError);
  CHECK(failing.entity_count() == 0);
}

TEST_CASE("skg_csv: an edge to a party no loaded record defines is reported unresolved, the rest load") {
  const std::string path = write("dangling.csv", "source,target,kind\nc1,nobody,OWNS\n");
  skg::Builder builder;
  skg::load_skg_csv(sample("nodes.csv"), builder);
  const auto report = skg::load_skg_csv(path, builder);
  REQUIRE(report.unresolved.size() == 1);
  CHECK(report.unresolved[0].line == 2);
  CHECK(report.unresolved[0].reason.find("nobody") != std::string::npos);
  CHECK(builder.edge_count() == 0);
}

TEST_CASE("skg_csv: plain-number ids find their edges' ends, and '007' stays another id than '7'") {
  // Number ids go through the loader's number table, any other id through the string pool: both
  // must give the same graph a user sees.
  const auto dir = std::filesystem::path(SKG_TEST_OUTPUT_DIR) / "skg_csv_test" / "numbers";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "nodes.csv", std::ios::binary)
      << "id,kind,name,listed\n0,Company,Zero Ltd,0\n7,Person,Seven,1\n007,Person,Agent,0\n1000000,Company,Far,0\n";
  std::ofstream(dir / "edges.csv", std::ios::binary)
      << "src,dst,kind,share\n0,7,OWNS,40\n7,007,DIRECTOR_OF,\n007,0,OWNS,\n0,12,OWNS,\n1000000,0,OWNS,60\n";
  skg::Builder builder;
  const skg::LoadReport report = skg::load(dir.string(), builder);
  CHECK(report.count("edges") == 5);
  REQUIRE(report.unresolved.size() == 1);
  CHECK(report.unresolved[0].line == 5);
  CHECK(report.unresolved[0].reason.find("'12'") != std::string::npos);
  const skg::Graph graph = std::move(builder).freeze();
  const auto zero = graph.find("0"), seven = graph.find("7"), agent = graph.find("007"), far = graph.find("1000000");
  require_found({zero, seven, agent, far});
  CHECK(graph.edge_count() == 4);
  CHECK(graph.name(*agent) == "Agent");
  CHECK(attribute(graph, *seven, "listed") == "1");
  const auto owns = edge_between(graph, *zero, *seven);
  REQUIRE(owns);
  CHECK(graph.share(*owns) == skg::Percent::exact(40));
  CHECK(edge_between(graph, *seven, *agent));
  CHECK(edge_between(graph, *agent, *zero));
  CHECK_FALSE(edge_between(graph, *seven, *zero));
  CHECK(edge_between(graph, *far, *zero));
}

TEST_CASE("skg_csv: a large table (mapped, not read) with a byte-order mark and a DOS end-of-file loads as a small one") {
  std::string nodes = "\xEF\xBB\xBFid,kind,name\n";
  constexpr int kRows = 40000;  // about 1.5 MB: past the size from which the file is mapped
  for (int row = 0; row < kRows; ++row) nodes += std::to_string(row) + ",Company,Company number " + std::to_string(row) + "\n";
  const std::string large = write("large_bom.csv", nodes + "\x1A");
  REQUIRE(std::filesystem::file_size(large) > (std::size_t{1} << 20));
  skg::Builder builder;
  const auto report = skg::load_skg_csv(large, builder);
  CHECK(report.count("entities") == kRows);
  const skg::Graph graph = std::move(builder).freeze();
  const auto last = graph.find("39999");
  REQUIRE(last);
  CHECK(graph.name(*last) == "Company number 39999");
  // A bad row at the end still names the file and its line.
  const std::string bad = write("large_bad.csv", nodes + "40000,Company,\"unterminated\n");
  skg::Builder failing;
  CHECK_THROWS_WITH_AS(skg::load_skg_csv(bad, failing), doctest::Contains("large_bad.csv:40002: unterminated"),
                       skg::LoadError);
  CHECK(failing.entity_count() == 0);
}

namespace {

/// Every node's id, kind and name and every edge's ends, kind and share, in id order: what a
/// user of the graph sees of a table, to compare two loads.
std::string describe(const skg::Graph& graph) {
  const auto id_of = [&](skg::NodeId node) {
    const auto ids = graph.external_ids(node);
    return ids.empty() ? std::string() : std::string(graph.string(ids[0]));
  };
  std::vector<std::string> lines;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const skg::NodeId node{at};
    std::string line = id_of(node) + " " + std::string(skg::to_string(graph.kind(node))) +
                       " " + std::string(graph.name(node));
    for (const skg::EdgeId edge : graph.out_edges(node))
      line += " -> " + id_of(graph.target(edge)) + " " +
              std::string(skg::to_string(graph.edge_kind(edge))) + " " + graph.share(edge).to_string();
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

}  // namespace

TEST_CASE("skg_csv: rows cut on two workers keep their lines, and a table with quotes loads as one without") {
  // Blocks with no quote are cut by the parsing workers, several at once, and their lines
  // counted from the block's start; blocks with a quote are cut in file order. Both must give the
  // same graph and name the same lines.
  constexpr int kRows = 50000;  // about 1.2 MB of nodes, 1 MB of edges: several blocks each
  std::string plain = "id,kind,name\n", quoted = "id,kind,name\n", edges = "src,dst,kind,share\n";
  std::uint64_t line = 1;
  for (int row = 0; row < kRows; ++row) {
    if (row == 30000) {  // an empty line and one of CRLF, in a later block
      plain += "\n\r\n";
      quoted += "\n\r\n";
      line += 2;
    }
    const std::string id = std::to_string(row);
    plain += id + ",Company,Company " + id + (row % 7 == 0 ? "\r\n" : "\n");
    quoted += id + ",Company,\"Company " + id + "\"" + (row % 7 == 0 ? "\r\n" : "\n");
    ++line;
    if (row > 0) edges += std::to_string(row - 1) + "," + id + ",OWNS," + std::to_string(row % 101) + "\n";
  }
  const auto load_dir = [&](std::string_view name, const std::string& nodes, const std::string& edge_rows) {
    const auto dir = std::filesystem::path(SKG_TEST_OUTPUT_DIR) / "skg_csv_test" / std::string(name);
    std::filesystem::create_directories(dir);
    std::ofstream((dir / "nodes.csv").string(), std::ios::binary) << nodes;
    std::ofstream((dir / "edges.csv").string(), std::ios::binary) << edge_rows;
    skg::Builder builder;
    const skg::LoadReport report = skg::load(dir.string(), builder, {.on_bad_record = skg::OnBadRecord::Skip});
    return std::pair{report, std::move(builder).freeze()};
  };
  const auto [plain_report, plain_graph] = load_dir("two_workers_plain", plain, edges);
  const auto [quoted_report, quoted_graph] = load_dir("two_workers_quoted", quoted, edges);
  CHECK(plain_report.count("entities") == kRows);
  CHECK(plain_report.count("edges") == kRows - 1);
  CHECK(plain_report.skipped.empty());
  CHECK(plain_graph.node_count() == kRows);
  CHECK(plain_graph.edge_count() == kRows - 1);
  CHECK(describe(plain_graph) == describe(quoted_graph));
  const auto last = plain_graph.find("49999");
  REQUIRE(last);
  CHECK(plain_graph.name(*last) == "Company 49999");  // no '\r' left (row 49999 % 7 == 0)

  // A bad row in a later block of each file names its own line, in strict and in skip mode.
  const std::string bad_nodes = plain + "50000,Ghost,Nobody\n50001,Company,Last\n";
  const std::string bad_edges = edges + "49998,49999,OWNS,101\n1,2,OWNS\n49999,0,CONTROLS,\n";
  const std::uint64_t ghost_line = line + 1, share_line = kRows + 1, short_line = kRows + 2;
  {
    const auto dir = std::filesystem::path(SKG_TEST_OUTPUT_DIR) / "skg_csv_test" / "two_workers_bad";
    std::filesystem::create_directories(dir);
    std::ofstream((dir / "nodes.csv").string(), std::ios::binary) << bad_nodes;
    std::ofstream((dir / "edges.csv").string(), std::ios::binary) << bad_edges;
    skg::Builder strict;
    CHECK_THROWS_WITH_AS(skg::load(dir.string(), strict),
                         doctest::Contains(("nodes.csv:" + std::to_string(ghost_line) + ": kind 'Ghost'").c_str()), skg::LoadError);
    CHECK(strict.entity_count() == 0);
    skg::Builder skipping;
    const skg::LoadReport report = skg::load(dir.string(), skipping, {.on_bad_record = skg::OnBadRecord::Skip});
    REQUIRE(report.skipped.size() == 3);
    CHECK(report.skipped[0].line == ghost_line);
    CHECK(report.skipped[1].line == share_line);
    CHECK(report.skipped[1].reason.find("share '101'") != std::string::npos);
    CHECK(report.skipped[2].line == short_line);
    CHECK(report.skipped[2].reason.find("3 fields, the header has 4") != std::string::npos);
    CHECK(report.count("entities") == kRows + 1);
    CHECK(report.count("edges") == kRows);  // the last row, CONTROLS, loads
    const skg::Graph graph = std::move(skipping).freeze();
    CHECK(graph.find("50001"));
    CHECK_FALSE(graph.find("50000"));
  }
  // Invalid UTF-8 in a later block, with no quote in it: the row and its line.
  const std::string bad_utf8 = write("two_workers_utf8.csv", plain + "50000,Company,Caf\xC3\n");
  skg::Builder utf8;
  CHECK_THROWS_WITH_AS(skg::load_skg_csv(bad_utf8, utf8),
                       doctest::Contains(("two_workers_utf8.csv:" + std::to_string(line + 1) + ": invalid UTF-8").c_str()),
                       skg::LoadError);
}

TEST_CASE("skg_csv: random tables cut on the workers read as the same tables cut in file order") {
  // The same rows twice, once plain (cut by the parsing workers, several blocks at once) and
  // once with every field quoted (cut in file order, as before): the same graph, the same rows
  // left out at the same lines for the same reasons. Rows drawn with what real tables hold: CRLF
  // and LF line ends, empty lines, rows with a field too few or too many, bad kinds and shares, a
  // last row with no line break. Seeds 4 and 5 end every line with LF, and seed 5 draws no bad
  // row at all: its plain edges blocks are cut and staged in one pass (TableReader::stage_whole),
  // seed 4's blocks each hold a row that sends them the general way.
  for (const std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    CAPTURE(seed);
    const bool lf_only = seed >= 4, clean = seed == 5;
    skg::SplitMix64 random(seed);
    const auto chance = [&](double p) { return !clean && random.chance(p); };  // a bad row's odds
    constexpr int kNodes = 30000, kEdges = 60000;  // about 1 MB of each table: several blocks
    // Each row's line end (and an empty line after it, now and then), drawn once for both copies.
    const auto table = [&](const std::vector<std::vector<std::string>>& rows, const std::vector<std::string>& ends,
                           bool quoted) {
      std::string text;
      for (std::size_t row = 0; row < rows.size(); ++row) {
        for (std::size_t at = 0; at < rows[row].size(); ++at) {
          if (at > 0) text += ',';
          text += quoted && row > 0 ? "\"" + rows[row][at] + "\"" : rows[row][at];
        }
        text += ends[row];
      }
      return text;
    };
    const auto ends_for = [&](std::size_t rows) {
      std::vector<std::string> ends(rows);
      for (std::size_t row = 0; row < rows; ++row) {
        ends[row] = !lf_only && random.chance(0.3) ? "\r\n" : "\n";
        if (chance(0.002)) ends[row] += lf_only || random.chance(0.5) ? "\n" : "\r\n";  // an empty line
      }
      if (seed == 3) ends.back().clear();  // a last row with no line break after it
      return ends;
    };
    const auto word = [&] {
      static constexpr std::string_view kWords[] = {"Acme", "Trading", "Holdings", "Jane", "Doe", "Nord", "Sea", "Bank"};
      return std::string(kWords[random.below(std::size(kWords))]);
    };
    std::vector<std::vector<std::string>> nodes{{"id", "kind", "name"}}, edges{{"src", "dst", "kind", "share"}};
    for (int at = 0; at < kNodes; ++at) {
      std::vector<std::string> row{std::to_string(at), chance(0.001) ? "Ghost" : random.chance(0.5) ? "Person" : "Company",
                                   word() + " " + word()};
      if (chance(0.001)) row.pop_back();
      if (chance(0.001)) row.push_back("extra");
      nodes.push_back(std::move(row));
    }
    for (int at = 0; at < kEdges; ++at) {
      static constexpr std::string_view kShares[] = {"", "50", "7", "100", "059", "12.5%", "101", "x"};
      static constexpr std::string_view kKinds[] = {"OWNS", "CONTROLS", "DIRECTOR_OF", "OWNZ"};
      std::vector<std::string> row{std::to_string(random.below(clean ? kNodes : kNodes + 10)), std::to_string(random.below(kNodes)),
                                   std::string(kKinds[random.below(chance(0.01) ? 4 : 3)]),
                                   std::string(kShares[random.below(clean ? 6 : chance(0.01) ? 8 : 5)])};
      if (chance(0.001)) row.pop_back();
      edges.push_back(std::move(row));
    }
    const std::vector<std::string> node_ends = ends_for(nodes.size()), edge_ends = ends_for(edges.size());
    std::string described[2];
    std::vector<std::pair<std::uint64_t, std::string>> left_out[2], unresolved[2];
    std::uint64_t counts[2][2] = {};
    for (const bool quoted : {false, true}) {
      const auto dir = std::filesystem::path(SKG_TEST_OUTPUT_DIR) / "skg_csv_test" /
                       fmt::format("random_{}_{}", seed, quoted ? "quoted" : "plain");
      std::filesystem::create_directories(dir);
      std::ofstream((dir / "nodes.csv").string(), std::ios::binary) << table(nodes, node_ends, quoted);
      std::ofstream((dir / "edges.csv").string(), std::ios::binary) << table(edges, edge_ends, quoted);
      skg::Builder builder;
      const skg::LoadReport report = skg::load(dir.string(), builder, {.on_bad_record = skg::OnBadRecord::Skip});
      for (const skg::LoadIssue& issue : report.skipped)
        left_out[quoted].emplace_back(issue.line, std::filesystem::path(issue.file).filename().string() + ": " + issue.reason);
      for (const skg::LoadIssue& issue : report.unresolved) unresolved[quoted].emplace_back(issue.line, issue.reason);
      counts[quoted][0] = report.count("entities");
      counts[quoted][1] = report.count("edges");
      described[quoted] = describe(std::move(builder).freeze());
    }
    CHECK(counts[0][0] > kNodes * 9 / 10);
    CHECK(counts[0][1] > kEdges * 9 / 10);
    CHECK(counts[0][0] == counts[1][0]);
    CHECK(counts[0][1] == counts[1][1]);
    CHECK((clean ? left_out[0].empty() : left_out[0].size() > 3));
    CHECK(left_out[0] == left_out[1]);
    CHECK((clean ? unresolved[0].empty() : unresolved[0].size() > 3));
    CHECK(unresolved[0] == unresolved[1]);
    CHECK(described[0] == described[1]);
  }
}
