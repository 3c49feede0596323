// A changed record replaces itself and nothing else (issue 12, queries/RULES.md §9.4): an FtM
// delta's MOD of a party keeps the links other records give it, a GLEIF update resets what the
// old version stated (kind included), and `show` says which record gave each id.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "graph/graph_fingerprint.h"
#include "graph/graph_test_util.h"
#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/graph/snapshot.h"
#include "skg/loaders/ftm_json.h"
#include "skg/loaders/gleif.h"

using namespace skg;

namespace {

const std::string kDatasets = SKG_DATASETS_DIR;
const std::string kOutput = SKG_TEST_OUTPUT_DIR;
constexpr const char* kAqi = "NK-2T3S8Hu29ktYnKSTgQp2wL";

std::string ftm(const std::string& name) { return kDatasets + "/samples/opensanctions/" + name; }
std::string gleif(const std::string& name) { return kDatasets + "/samples/gleif/" + name; }

std::string write(const std::string& name, const std::string& text) {
  const std::string path = kOutput + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

Graph load_into(const Graph& graph, const std::string& path) {
  Builder builder(graph);
  const LoadReport report = path.ends_with(".xml") ? load_gleif(path, builder) : load_ftm_json(path, builder);
  CHECK(report.skipped.empty());
  Graph out = std::move(builder).freeze();
  testing::check_invariants(out);
  return out;
}

/// The edges of `kind` between the parties of ids `from` and `to`.
std::size_t links(const Graph& graph, EdgeKind kind, std::string_view from, std::string_view to) {
  const auto a = graph.find(from), b = graph.find(to);
  if (!a || !b) return 0;
  std::size_t count = 0;
  for (EdgeId edge : graph.out_edges(*a)) count += graph.edge_kind(edge) == kind && graph.target(edge) == *b;
  return count;
}

/// The lists of the listings on `party` (TARGET_OF), sorted.
std::vector<std::string> listings(const Graph& graph, NodeId party) {
  std::vector<std::string> out;
  for (EdgeId edge : graph.out_edges(party))
    if (graph.edge_kind(edge) == EdgeKind::TargetOf)
      if (const Action* action = graph.action(graph.target(edge))) out.emplace_back(graph.string(action->list));
  std::sort(out.begin(), out.end());
  return out;
}

bool has_name(const Graph& graph, NodeId node, std::string_view text) {
  for (const Name& name : graph.names(node))
    if (graph.string(name.text) == text) return true;
  return false;
}

bool has_id(const Graph& graph, NodeId node, std::string_view text) {
  for (StringId id : graph.external_ids(node))
    if (graph.string(id) == text) return true;
  return false;
}

}  // namespace

TEST_CASE("a MOD of a company keeps the ownership records that point at it") {
  // The real OpenSanctions t2 deltas: wnk ADDs AL-QAIDA IN IRAQ (22 datasets), pfh MODs it into
  // "Foobar Foobargroup" (eu_fsf only, other referents). Between them, crafted records of their
  // own point at it: an Ownership, a Directorship and a Sanction.
  Graph graph = load_into(Graph(std::move(Builder()).freeze()), ftm("t1.ftm.json"));
  graph = load_into(graph, ftm("t2_deltas/20240527194702-wnk/entities.delta.json"));
  graph = load_into(graph, ftm("recmod/links_to_aqi.ftm.json"));
  const auto before = graph.find(kAqi);
  REQUIRE(before);
  REQUIRE(links(graph, EdgeKind::Owns, "recmod-owner", kAqi) == 1);
  REQUIRE(links(graph, EdgeKind::TargetOf, kAqi, "recmod-sanction1") == 1);
  CHECK(graph.find("ofac-8759") == before);
  // Where the untouched parties are, to check they stay put.
  std::vector<std::pair<std::string, NodeId>> untouched;
  for (const char* id : {"recmod-owner", "NK-2sJaJRaPJcWUfMbHjTtWcL", "NK-2PacmNpiLUmoz4XD2mSt7A"})
    if (const auto node = graph.find(id)) untouched.emplace_back(id, *node);
  REQUIRE(untouched.size() == 3);

  const std::string mod = ftm("t2_deltas/20240528014702-pfh/entities.delta.json");
  const Graph after = load_into(graph, mod);
  const auto node = after.find(kAqi);
  REQUIRE(node);
  SUBCASE("the new version's names, ids and facts, none of the old") {
    CHECK(after.name(*node) == "Foobar Foobargroup");
    CHECK(has_name(after, *node, "IRGC"));
    CHECK_FALSE(has_name(after, *node, "Al-Qaida in Mesopotamia"));  // an alias of the old version
    // The old version's referents went with it: pfh ADDs NK-500Poltergeist (a copy of the old
    // version), which now holds them. The new version's referents already name t1's IRGC record,
    // which keeps them.
    CHECK(after.find("ofac-8759") == after.find("NK-500Poltergeist"));
    CHECK(after.find("ofac-10465") == after.find("NK-2PacmNpiLUmoz4XD2mSt7A"));
    CHECK(after.attribute(*node, "createdAt") == std::vector<std::string_view>{"2012-03-24"});
    CHECK(after.attribute(*node, "modifiedAt").empty());
    CHECK(after.node_count() == graph.node_count() + 1);  // NK-500Poltergeist; AQI replaced in place
    CHECK(after.edge_count() == graph.edge_count());
  }
  SUBCASE("the links other records give it stay") {
    CHECK(links(after, EdgeKind::Owns, "recmod-owner", kAqi) == 1);
    CHECK(links(after, EdgeKind::DirectorOf, "recmod-owner", kAqi) == 1);
    const auto sanction = after.find("recmod-sanction1");
    REQUIRE(sanction);
    CHECK(links(after, EdgeKind::TargetOf, kAqi, "recmod-sanction1") == 1);
  }
  SUBCASE("parties the delta does not touch keep their node ids") {
    for (const auto& [id, at] : untouched) CHECK(after.find(id) == at);
  }
  SUBCASE("the same delta again changes nothing, and a snapshot round-trips") {
    const Graph twice = load_into(after, mod);
    CHECK(testing::fingerprint(twice) == testing::fingerprint(after));
    const std::string path = kOutput + "/recmod_after_mod.skg";
    save(after, path);
    CHECK(testing::fingerprint(open_snapshot(path)) == testing::fingerprint(after));
  }
}

TEST_CASE("a MOD of a party in a crafted delta: new schema and facts, links kept, and a DEL takes its links") {
  Graph graph = load_into(
      Graph(std::move(Builder()).freeze()),
      write("recmod_base.ftm.json",
            R"({"id": "p1", "schema": "Person", "properties": {"name": ["Ivan Petrov"]}})" "\n"
            R"({"id": "c1", "schema": "Company", "properties": {"name": ["Acme"], "alias": ["Acme Old"], "incorporationDate": ["2001"]}, "datasets": ["us_ofac_sdn"], "target": true})" "\n"
            R"({"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"], "percentage": ["60"]}})" "\n"
            R"({"id": "s1", "schema": "Sanction", "properties": {"entity": ["c1"], "authority": ["Old Authority"], "program": ["OLD"]}})" "\n"));
  REQUIRE(graph.find("c1"));
  const NodeId p1 = *graph.find("p1");
  graph = load_into(graph, write("recmod_mod.delta.json",
                                 R"({"op": "MOD", "entity": {"id": "c1", "schema": "Organization", "properties": {"name": ["Acme Holding"]}, "datasets": ["us_ofac_sdn"]}})" "\n"
                                 R"({"op": "MOD", "entity": {"id": "s1", "schema": "Sanction", "properties": {"entity": ["p1"], "authority": ["New Authority"], "program": ["NEW"]}}})" "\n"));
  const auto c1 = graph.find("c1");
  REQUIRE(c1);
  CHECK(graph.find("p1") == p1);
  CHECK(graph.kind(*c1) == NodeKind::Organization);  // the new version's schema, not Company's
  CHECK(graph.name(*c1) == "Acme Holding");
  CHECK_FALSE(has_name(graph, *c1, "Acme Old"));
  CHECK(graph.attribute(*c1, "incorporationDate").empty());
  CHECK(links(graph, EdgeKind::Owns, "p1", "c1") == 1);  // the Ownership is a record of its own
  // The MODed Sanction now names p1, by the new authority; its old target and authority went.
  CHECK(links(graph, EdgeKind::TargetOf, "c1", "s1") == 0);
  CHECK(links(graph, EdgeKind::TargetOf, "p1", "s1") == 1);
  const Action* action = graph.action(*graph.find("s1"));
  REQUIRE(action);
  CHECK(graph.string(action->authority) == "New Authority");
  CHECK(graph.string(action->program) == "NEW");
  CHECK(links(graph, EdgeKind::IssuedBy, "s1", "authority:Old Authority") == 0);
  CHECK(links(graph, EdgeKind::IssuedBy, "s1", "authority:New Authority") == 1);
  // The dataset-membership listing the full export gave it stays (a delta makes none).
  CHECK(listings(graph, *c1) == std::vector<std::string>{"OpenSanctions dataset us_ofac_sdn"});

  const Graph deleted = load_into(graph, write("recmod_del.delta.json",
                                               R"({"op": "DEL", "entity": {"id": "c1", "schema": "Organization"}})" "\n"));
  CHECK_FALSE(deleted.find("c1"));
  CHECK(links(deleted, EdgeKind::Owns, "p1", "c1") == 0);
  for (EdgeId edge : deleted.out_edges(*deleted.find("p1"))) CHECK(deleted.edge_kind(edge) != EdgeKind::Owns);
}

TEST_CASE("a GLEIF update that changes an LEI's status shows the new status only") {
  const std::string id = "lei:00TR8NKAEL48RGTZEW89";
  Graph graph = load_into(Graph(std::move(Builder()).freeze()), gleif("lei-data.xml"));
  REQUIRE(graph.find(id));
  CHECK(graph.attribute(*graph.find(id), "entityStatus") == std::vector<std::string_view>{"INACTIVE"});
  graph = load_into(graph, gleif("lei-updates-data2.xml"));
  const auto fund = graph.find(id);
  REQUIRE(fund);
  CHECK(graph.attribute(*fund, "entityStatus") == std::vector<std::string_view>{"ACTIVE"});
  CHECK(graph.attribute(*fund, "leiLastUpdateDate") ==
        std::vector<std::string_view>{"2023-08-03T08:48:03.080+02:00"});
}

TEST_CASE("a GLEIF update that makes a company an international organisation changes its kind") {
  auto record = [](std::string_view category, std::string_view updated) {
    return std::string(R"(<?xml version="1.0" encoding="UTF-8"?>
<lei:LEIData xmlns:lei="http://www.gleif.org/data/schema/leidata/2016"><lei:LEIRecords><lei:LEIRecord>
<lei:LEI>213800KASPERSKYUK123</lei:LEI><lei:Entity><lei:LegalName>TEST BODY</lei:LegalName>
<lei:EntityCategory>)") + std::string(category) + R"(</lei:EntityCategory><lei:EntityStatus>ACTIVE</lei:EntityStatus></lei:Entity>
<lei:Registration><lei:LastUpdateDate>)" + std::string(updated) + R"(</lei:LastUpdateDate><lei:RegistrationStatus>ISSUED</lei:RegistrationStatus></lei:Registration>
</lei:LEIRecord></lei:LEIRecords></lei:LEIData>)";
  };
  Graph graph = load_into(Graph(std::move(Builder()).freeze()),
                          write("recmod_lei_v1.xml", record("GENERAL", "2020-01-01T00:00:00Z")));
  const auto before = graph.find("lei:213800KASPERSKYUK123");
  REQUIRE(before);
  CHECK(graph.kind(*before) == NodeKind::Company);
  graph = load_into(graph, write("recmod_lei_v2.xml", record("INTERNATIONAL_ORGANIZATION", "2021-01-01T00:00:00Z")));
  const auto after = graph.find("lei:213800KASPERSKYUK123");
  REQUIRE(after);
  CHECK(graph.kind(*after) == NodeKind::Organization);
  CHECK(graph.attribute(*after, "entityCategory") == std::vector<std::string_view>{"INTERNATIONAL_ORGANIZATION"});
}
