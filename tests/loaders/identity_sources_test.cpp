// One real-world party from several real list files is one node (the cross-source identity
// contract, queries/RULES.md §9): CSL + OFAC SDN, CSL DPL + BIS DPL, OFAC CSV + CSL + FtM.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "loaders/loader_test_util.h"
#include "skg/graph/snapshot.h"
#include "skg/loaders/load.h"
#include "skg/queries/screen.h"

using namespace skg;
using skg::testing::datasets;
using skg::testing::shared;

namespace {

Graph load_all(const std::vector<std::string>& paths, LoadReport* last = nullptr,
               OnBadRecord mode = OnBadRecord::Fail) {
  Builder builder;
  for (const std::string& path : paths) {
    LoadReport report = load(path, builder, {.on_bad_record = mode});
    if (last != nullptr) *last = std::move(report);
  }
  return std::move(builder).freeze();
}

std::set<std::string> files_of(const Graph& graph, NodeId node) {
  std::set<std::string> out;
  for (ProvId prov : graph.provenance(node))
    out.insert(std::filesystem::path(std::string(graph.string(graph.provenance_record(prov).source))).filename().string());
  return out;
}

std::size_t listings_of(const Graph& graph, NodeId node) {
  std::size_t count = 0;
  for (EdgeId edge : graph.out_edges(node)) count += graph.edge_kind(edge) == EdgeKind::TargetOf ? 1 : 0;
  return count;
}

}  // namespace

TEST_CASE("identity: Sberbank's CSL SSI row and its OFAC SDN entry (uid 18715) are one party") {
  const Graph graph = load_all({datasets("samples/identity/csl_sberbank_18715.csv"),
                                datasets("samples/identity/sdn_18715.csv")});
  const auto csl = graph.find("csl:18715"), sdn = graph.find("ofac-sdn:18715");
  REQUIRE(csl);
  REQUIRE(sdn);
  CHECK(*csl == *sdn);
  CHECK(graph.find_by_name("JOINT STOCK COMPANY SBERBANK").size() == 1);
  CHECK(files_of(graph, *csl) == std::set<std::string>{"csl_sberbank_18715.csv", "sdn_18715.csv"});
  CHECK(listings_of(graph, *csl) == 2);  // the SSI listing and the SDN listing
  // The other order gives the same party.
  const Graph reversed = load_all({datasets("samples/identity/sdn_18715.csv"),
                                   datasets("samples/identity/csl_sberbank_18715.csv")});
  CHECK(reversed.node_count() == graph.node_count());
  CHECK(reversed.find("csl:18715") == reversed.find("ofac-sdn:18715"));
  CHECK(reversed.string(reversed.external_ids(*reversed.find("csl:18715")).front()) == "ofac-sdn:18715");
}

TEST_CASE("identity: a CSL DPL row and the BIS DPL file's row for the same person are one party") {
  const Graph graph = load_all({datasets("samples/csl/csl_2023-11_excerpt.csv"),
                                datasets("samples/bis/dpl_2022-09_excerpt.txt")});
  for (const char* name : {"AARON ABRAHAM VILLA", "I. ASH"}) {
    CAPTURE(name);
    std::set<NodeId> parties;
    for (NodeId node : graph.find_by_name(name))
      if (graph.kind(node) != NodeKind::Action) parties.insert(node);
    REQUIRE(parties.size() == 1);
    const NodeId person = *parties.begin();
    CHECK(files_of(graph, person) == std::set<std::string>{"csl_2023-11_excerpt.csv", "dpl_2022-09_excerpt.txt"});
    CHECK(listings_of(graph, person) == 2);  // BIS's own row and the CSL's copy
  }
  CHECK(graph.find("csl:a482fdb2e04fb53317b06224e6d8ac56722a707bdaa6ad501a7b6e8c") ==
        graph.find("bis-dpl:aaron-abraham-villa:2022-08-24"));
}

TEST_CASE("identity: one party found under OFAC's CSV, the CSL and an FtM export is one node") {
  // ZAKHAROV, Aleksandr Vyacheslavovich, OFAC uid 45937: the SDN row, the CSL row, and the
  // OpenSanctions person whose OFAC Sanction carries authorityId 45937.
  const std::vector<std::string> files = {datasets("samples/identity/sdn_45937.csv"),
                                          datasets("samples/identity/csl_zakharov_45937.csv"),
                                          datasets("samples/opensanctions/zala/entities.ftm.json")};
  const Graph graph = load_all(files);
  const auto sdn = graph.find("ofac-sdn:45937"), ftm = graph.find("NK-aU5ybkbRFJucf8YMwsJvDw");
  REQUIRE(sdn);
  REQUIRE(ftm);
  CHECK(*sdn == *ftm);
  CHECK(graph.find("csl:45937") == sdn);
  CHECK(graph.string(graph.external_ids(*sdn).front()) == "ofac-sdn:45937");
  CHECK(graph.kind(*sdn) == NodeKind::Person);
  CHECK(files_of(graph, *sdn) == std::set<std::string>{"sdn_45937.csv", "csl_zakharov_45937.csv", "entities.ftm.json"});
  // Every order of the three files gives the same party with the same records.
  for (const auto& order : {std::vector<std::string>{files[2], files[1], files[0]},
                            std::vector<std::string>{files[1], files[2], files[0]}}) {
    const Graph other = load_all(order);
    CHECK(other.node_count() == graph.node_count());
    CHECK(other.edge_count() == graph.edge_count());
    const auto node = other.find("NK-aU5ybkbRFJucf8YMwsJvDw");
    REQUIRE(node);
    CHECK(other.find("ofac-sdn:45937") == node);
    CHECK(other.string(other.external_ids(*node).front()) == "ofac-sdn:45937");
    CHECK(files_of(other, *node) == files_of(graph, *sdn));
  }
  // Loading the three again changes nothing.
  Builder builder;
  for (int round = 0; round < 2; ++round)
    for (const std::string& path : files) load(path, builder);
  const Graph twice = std::move(builder).freeze();
  CHECK(twice.node_count() == graph.node_count());
  CHECK(twice.edge_count() == graph.edge_count());
}

TEST_CASE("identity: the real CSL, SDN and BIS DPL files give one party per OFAC uid and per DPL person") {
  if (!std::filesystem::exists(shared("SOURCES.md"))) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  LoadReport csl_report;
  Builder builder;
  csl_report = load(shared("csl/csl_2023-11_subset.csv"), builder, {.on_bad_record = OnBadRecord::Skip});
  // The real file ends in a truncated record: skip mode names it and loads the rest.
  REQUIRE(csl_report.skipped.size() == 1);
  CHECK(csl_report.skipped.front().line == 4233);
  load(shared("ofac/sdn_2024-05-03"), builder);
  load(shared("bis/dpl_2022-09.txt"), builder);
  const Graph graph = std::move(builder).freeze();
  CHECK(graph.find("csl:18715") == graph.find("ofac-sdn:18715"));
  // No DPL person of the BIS file is two parties: each name of a DPL row finds one party.
  std::size_t both = 0;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const NodeId node{at};
    if (graph.kind(node) == NodeKind::Action || graph.kind(node) == NodeKind::Authority) continue;
    const auto files = files_of(graph, node);
    if (files.contains("dpl_2022-09.txt") && files.contains("csl_2023-11_subset.csv")) ++both;
  }
  // Of the CSL's 577 DPL rows, 362 name an order (name and effective date) that BIS's file of
  // 2022-09 lists too; the rest were added or changed between the two releases.
  CHECK(both >= 360);
}

TEST_CASE("identity: an FtM delta deleting the FtM record of a party merged with an OFAC entry leaves the OFAC listing") {
  // ZAKHAROV (OFAC uid 45937): the SDN row and the OpenSanctions person merge (shared ofacUid);
  // the graph is saved, opened again, and a delta deletes the OpenSanctions record.
  const Graph merged = load_all({datasets("samples/identity/sdn_45937.csv"),
                                 datasets("samples/opensanctions/zala/entities.ftm.json")});
  const std::string ftm_id = "NK-aU5ybkbRFJucf8YMwsJvDw";
  REQUIRE(merged.find(ftm_id) == merged.find("ofac-sdn:45937"));
  const std::string dir = std::string(SKG_TEST_OUTPUT_DIR) + "/identity_delta";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  save(merged, dir + "/merged.skg");
  const Graph opened = open_snapshot(dir + "/merged.skg");

  auto listings_from = [](const Graph& graph, NodeId node, std::string_view file) {
    std::size_t count = 0;
    for (EdgeId edge : graph.out_edges(node)) {
      if (graph.edge_kind(edge) != EdgeKind::TargetOf) continue;
      for (ProvId prov : graph.edge_provenance(edge))
        if (std::string(graph.string(graph.provenance_record(prov).source)).ends_with(file)) {
          ++count;
          break;
        }
    }
    return count;
  };
  const NodeId before = *opened.find("ofac-sdn:45937");
  REQUIRE(listings_from(opened, before, "sdn_45937.csv") == 1);
  REQUIRE(listings_from(opened, before, "entities.ftm.json") > 0);
  REQUIRE_FALSE(opened.attribute(before, "position").empty());

  std::ofstream(dir + "/delete.delta.json") << R"({"op": "DEL", "entity": {"id": ")" << ftm_id
                                            << R"(", "schema": "Person", "properties": {}}})" << "\n";
  Builder builder(opened);
  const LoadReport report = load(dir + "/delete.delta.json", builder, {.format = Format::FtmJson});
  CHECK(report.count("delta removed") == 1);
  const Graph graph = std::move(builder).freeze();
  const auto party = graph.find("ofac-sdn:45937");
  REQUIRE(party);
  CHECK(graph.find(ftm_id) == std::nullopt);
  CHECK(graph.name(*party) == opened.name(before));
  CHECK(listings_from(graph, *party, "sdn_45937.csv") == 1);      // the OFAC listing remains
  CHECK(listings_from(graph, *party, "entities.ftm.json") == 0);  // the FtM file's listings of it go
  CHECK(graph.attribute(*party, "position").empty());             // a fact only the FtM record gave
  CHECK(files_of(graph, *party) == std::set<std::string>{"sdn_45937.csv"});
  CHECK(graph.attribute(*party, "ofacUid") == std::vector<std::string_view>{"45937"});
}

namespace {

/// The files of the records that state a name (or an id) of a party, by file name.
std::set<std::string> record_files(const Graph& graph, std::span<const ProvId> provs) {
  std::set<std::string> out;
  for (ProvId prov : provs)
    out.insert(std::filesystem::path(std::string(graph.string(graph.provenance_record(prov).source))).filename().string());
  return out;
}

/// The index of `text` among the names of `node`, or -1.
int name_at(const Graph& graph, NodeId node, std::string_view text) {
  const auto names = graph.names(node);
  for (std::size_t at = 0; at < names.size(); ++at)
    if (graph.string(names[at].text) == text) return static_cast<int>(at);
  return -1;
}

/// True when screening `query` finds `node` through the name `query` itself (an exact hit on it).
bool screened_by(const Graph& graph, NodeId node, std::string_view query) {
  const ScreenIndex index = build_screen_index(graph);
  for (const ScreenHit& hit : screen(graph, index, query))
    if (hit.node == node && hit.name_text == query) return true;
  return false;
}

/// Writes `text` to `name` in a fresh folder of the test output, and returns its path.
std::string write_file(const std::string& folder, const std::string& name, const std::string& text) {
  const std::string dir = std::string(SKG_TEST_OUTPUT_DIR) + "/" + folder;
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/" + name) << text;
  return dir + "/" + name;
}

/// ZAKHAROV (OFAC uid 45937) from the real SDN row and the OpenSanctions export, merged, saved and
/// opened again (the shell's --snapshot, then a delta).
Graph zakharov_after_snapshot(const std::string& folder) {
  const Graph merged = load_all({datasets("samples/identity/sdn_45937.csv"),
                                 datasets("samples/opensanctions/zala/entities.ftm.json")});
  const std::string dir = std::string(SKG_TEST_OUTPUT_DIR) + "/" + folder;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  save(merged, dir + "/merged.skg");
  return open_snapshot(dir + "/merged.skg");
}

constexpr std::string_view kZakharovFtm = "NK-aU5ybkbRFJucf8YMwsJvDw";
constexpr std::string_view kOfacName = "ZAKHAROV, Aleksandr Vyacheslavovich";  // the SDN row's, and one of the FtM names
constexpr std::string_view kFtmOnlyName = "Aleksandr Vjačeslavovič Zacharov";  // only the OpenSanctions record's
constexpr std::string_view kFtmOnlyAlias = "Zakharov Oleksandr Viacheslavovych";

}  // namespace

TEST_CASE("identity: an FtM delta deleting one record of a merged party takes its aliases and referent ids, and keeps the OFAC ones") {
  const Graph opened = zakharov_after_snapshot("identity_delete_names");
  const NodeId before = *opened.find("ofac-sdn:45937");
  REQUIRE(opened.find(std::string(kZakharovFtm)) == before);
  // Before: each name says which record gives it; the SDN row's name is stated by both records.
  const int shared_name = name_at(opened, before, kOfacName), ftm_name = name_at(opened, before, kFtmOnlyName);
  REQUIRE(shared_name >= 0);
  REQUIRE(ftm_name >= 0);
  CHECK(record_files(opened, opened.name_provenance(before, shared_name)) ==
        std::set<std::string>{"sdn_45937.csv", "entities.ftm.json"});
  CHECK(record_files(opened, opened.name_provenance(before, ftm_name)) == std::set<std::string>{"entities.ftm.json"});
  CHECK(opened.find("gb-hmt-16271") == before);  // a referent of the OpenSanctions record
  CHECK(opened.find("ofac-45937") == before);
  CHECK(screened_by(opened, before, kFtmOnlyName));
  CHECK(screened_by(opened, before, kFtmOnlyAlias));

  const std::string delta = write_file("identity_delete_names", "delete.delta.json",
                                       R"({"op": "DEL", "entity": {"id": ")" + std::string(kZakharovFtm) +
                                           R"(", "schema": "Person", "properties": {}}})" "\n");
  Builder builder(opened);
  load(delta, builder, {.format = Format::FtmJson});
  const Graph deleted = std::move(builder).freeze();
  save(deleted, std::string(SKG_TEST_OUTPUT_DIR) + "/identity_delete_names/deleted.skg");
  const Graph graph = open_snapshot(std::string(SKG_TEST_OUTPUT_DIR) + "/identity_delete_names/deleted.skg");
  const auto party = graph.find("ofac-sdn:45937");
  REQUIRE(party);
  CHECK(graph.name(*party) == kOfacName);
  // The names and ids only the deleted record gave are gone; screening no longer finds them.
  CHECK(name_at(graph, *party, kFtmOnlyName) < 0);
  CHECK(name_at(graph, *party, kFtmOnlyAlias) < 0);
  CHECK(graph.find_by_name(kFtmOnlyName).empty());
  CHECK_FALSE(screened_by(graph, *party, kFtmOnlyName));
  CHECK_FALSE(screened_by(graph, *party, kFtmOnlyAlias));
  CHECK(graph.find("gb-hmt-16271") == std::nullopt);
  CHECK(graph.find("ofac-45937") == std::nullopt);
  CHECK(graph.find(std::string(kZakharovFtm)) == std::nullopt);
  // What the OFAC record states stays: its name (now from it alone) and its id.
  const int kept = name_at(graph, *party, kOfacName);
  REQUIRE(kept >= 0);
  CHECK(record_files(graph, graph.name_provenance(*party, kept)) == std::set<std::string>{"sdn_45937.csv"});
  CHECK(graph.names(*party).size() == 1);
  REQUIRE(graph.external_ids(*party).size() == 1);
  CHECK(record_files(graph, graph.external_id_provenance(*party, 0)) == std::set<std::string>{"sdn_45937.csv"});
  CHECK(screened_by(graph, *party, kOfacName));
}

TEST_CASE("identity: an FtM delta MOD of one record of a merged party replaces its aliases and ids, and keeps its links") {
  const Graph opened = zakharov_after_snapshot("identity_mod_names");
  const NodeId before = *opened.find("ofac-sdn:45937");
  std::size_t ftm_listings = 0;
  for (EdgeId edge : opened.out_edges(before)) ftm_listings += opened.edge_kind(edge) == EdgeKind::TargetOf ? 1 : 0;
  const std::string delta = write_file(
      "identity_mod_names", "mod.delta.json",
      R"({"op": "MOD", "entity": {"id": ")" + std::string(kZakharovFtm) +
          R"(", "schema": "Person", "properties": {"name": ["Aleksandr Vyacheslavovich Zakharov"], )"
          R"("alias": ["Alexandr Zaharov"], "country": ["ru"]}, "referents": ["ofac-45937"]}})" "\n");
  Builder builder(opened);
  const LoadReport report = load(delta, builder, {.format = Format::FtmJson});
  CHECK(report.count("delta replaced") == 1);
  const Graph graph = std::move(builder).freeze();
  const auto party = graph.find("ofac-sdn:45937");
  REQUIRE(party);
  CHECK(graph.find(std::string(kZakharovFtm)) == party);
  CHECK(graph.name(*party) == kOfacName);  // the canonical record's name stays primary
  CHECK(name_at(graph, *party, "Alexandr Zaharov") >= 0);  // the new version's alias
  CHECK(name_at(graph, *party, "Aleksandr Vyacheslavovich Zakharov") >= 0);
  CHECK(name_at(graph, *party, kFtmOnlyName) < 0);  // the old version's, gone
  CHECK(name_at(graph, *party, kFtmOnlyAlias) < 0);
  CHECK(graph.names(*party).size() == 3);
  CHECK(graph.find("ofac-45937") == party);  // a referent the new version states again
  CHECK(graph.find("gb-hmt-16271") == std::nullopt);  // one it no longer states
  // Links are records of their own in FtM: the OpenSanctions listings of the party stay.
  std::size_t listings = 0;
  for (EdgeId edge : graph.out_edges(*party)) listings += graph.edge_kind(edge) == EdgeKind::TargetOf ? 1 : 0;
  CHECK(listings == ftm_listings);
}

TEST_CASE("identity: loading the same files twice, or again on a frozen graph, leaves every name and its records as they were") {
  const std::vector<std::string> files = {datasets("samples/identity/sdn_45937.csv"),
                                          datasets("samples/opensanctions/zala/entities.ftm.json")};
  auto names_with_records = [](const Graph& graph) {
    std::vector<std::string> out;
    for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
      const NodeId node{at};
      const auto names = graph.names(node);
      for (std::size_t which = 0; which < names.size(); ++which) {
        std::string line = std::string(graph.string(graph.external_ids(node).front())) + " " +
                           std::string(graph.string(names[which].text));
        for (ProvId prov : graph.name_provenance(node, which)) line += " @" + graph.describe(prov);
        out.push_back(std::move(line));
      }
      const auto ids = graph.external_ids(node);
      for (std::size_t which = 0; which < ids.size(); ++which) {
        std::string line = std::string(graph.string(ids.front())) + " id " + std::string(graph.string(ids[which]));
        for (ProvId prov : graph.external_id_provenance(node, which)) line += " @" + graph.describe(prov);
        out.push_back(std::move(line));
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  const Graph once = load_all(files);
  const auto expected = names_with_records(once);
  CHECK(expected.size() > 100);
  SUBCASE("twice into one builder") {
    CHECK(names_with_records(load_all({files[0], files[1], files[0], files[1]})) == expected);
  }
  SUBCASE("again on the frozen graph") {
    Builder again(once);
    for (const std::string& file : files) load(file, again);
    CHECK(names_with_records(std::move(again).freeze()) == expected);
  }
}
