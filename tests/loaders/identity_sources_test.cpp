// One real-world party from several real list files is one node (the cross-source identity
// contract, queries/RULES.md §9): CSL + OFAC SDN, CSL DPL + BIS DPL, OFAC CSV + CSL + FtM.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "loaders/loader_test_util.h"
#include "skg/graph/snapshot.h"
#include "skg/loaders/load.h"

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
