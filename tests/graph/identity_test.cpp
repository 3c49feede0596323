// Cross-source identity in the builder (graph/identity.h, queries/RULES.md §9): parties that
// share a strong identifier are one node, whatever the order or the batches they arrive in.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>  // getpid: ctest runs each case as its own process, two at once

#include "graph/graph_test_util.h"
#include "skg/graph/builder.h"
#include "skg/graph/identity.h"
#include "skg/graph/snapshot.h"

using namespace skg;

namespace {

struct Party {
  std::string id, name, file;
  NodeKind kind = NodeKind::Company;
  std::vector<std::pair<std::string, std::string>> facts;
};

void add(Batch& batch, const Party& party, std::uint32_t line = 1) {
  const Source source{party.file, party.id, line};
  batch.add_entity({.id = party.id, .kind = party.kind, .name = party.name, .source = source});
  for (const auto& [key, value] : party.facts) batch.add_attribute(party.id, key, value, source);
}

Graph build(const std::vector<Party>& parties, bool one_batch = true) {
  Builder builder;
  if (one_batch) {
    Batch batch;
    for (const Party& party : parties) add(batch, party);
    builder.commit(std::move(batch));
  } else {
    for (const Party& party : parties) {
      Batch batch;
      add(batch, party);
      builder.commit(std::move(batch));
    }
  }
  return std::move(builder).freeze();
}

std::string first_id(const Graph& graph, NodeId node) {
  const auto ids = graph.external_ids(node);
  return ids.empty() ? std::string() : std::string(graph.string(ids.front()));
}

std::string fmt_edge(const Graph& graph, EdgeId edge) {
  std::string out = "edge " + first_id(graph, graph.source(edge)) + " " + std::string(to_string(graph.edge_kind(edge))) +
                    " " + first_id(graph, graph.target(edge)) + " role " + std::string(graph.role(edge));
  for (const Attribute& attribute : graph.edge_attributes(edge))
    out += " " + std::string(graph.string(attribute.key)) + "=" + std::string(graph.string(attribute.value));
  for (ProvId prov : graph.edge_provenance(edge)) out += " @" + graph.describe(prov);
  return out;
}

/// What a user can read of a graph, independent of node numbering: per party, its sorted ids,
/// names, facts and records; then the edges by their ends' first ids.
std::string canonical(const Graph& graph) {
  std::vector<std::string> nodes;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const NodeId node{at};
    std::vector<std::string> parts;
    for (StringId id : graph.external_ids(node)) parts.push_back("id " + std::string(graph.string(id)));
    parts.push_back("first " + std::string(graph.string(graph.external_ids(node).front())));
    parts.push_back("kind " + std::string(to_string(graph.kind(node))));
    parts.push_back("name " + std::string(graph.name(node)));
    const auto names = graph.names(node);
    for (std::size_t which = 0; which < names.size(); ++which) {
      std::string part = "alias " + std::string(graph.string(names[which].text)) + " " + std::string(to_string(names[which].type));
      std::vector<std::string> records;  // in arrival order in the graph, as a node's records are
      for (ProvId prov : graph.name_provenance(node, which)) records.push_back(graph.describe(prov));
      std::sort(records.begin(), records.end());
      for (const std::string& record : records) part += " @" + record;
      parts.push_back(std::move(part));
    }
    const auto ids = graph.external_ids(node);
    for (std::size_t which = 0; which < ids.size(); ++which)
      for (ProvId prov : graph.external_id_provenance(node, which))
        parts.push_back("id " + std::string(graph.string(ids[which])) + " @" + graph.describe(prov));
    for (const Attribute& attribute : graph.attributes(node))
      parts.push_back("fact " + std::string(graph.string(attribute.key)) + "=" +
                      std::string(graph.string(attribute.value)) + " @" + graph.describe(attribute.source));
    for (ProvId prov : graph.provenance(node)) parts.push_back("from " + graph.describe(prov));
    std::sort(parts.begin(), parts.end());
    std::string text;
    for (const auto& part : parts) text += part + "; ";
    nodes.push_back(text);
  }
  for (std::uint32_t at = 0; at < graph.edge_count(); ++at) {
    const EdgeId edge{at};
    nodes.push_back(fmt_edge(graph, edge));
  }
  std::sort(nodes.begin(), nodes.end());
  std::string out;
  for (const auto& line : nodes) out += line + "\n";
  return out;
}

}  // namespace

TEST_CASE("identity: identifiers are normalised per scheme, and a bad check digit merges nothing") {
  CHECK(normalise_identifier(IdScheme::Lei, "5493001kjtiigc8y1r12") == "5493001KJTIIGC8Y1R12");
  CHECK(normalise_identifier(IdScheme::Lei, "5493001KJTIIGC8Y1R13") == std::nullopt);  // check digits
  CHECK(normalise_identifier(IdScheme::ImoNumber, "IMO 9074729") == "9074729");        // IMO's example
  CHECK(normalise_identifier(IdScheme::ImoNumber, "9074728") == std::nullopt);
  CHECK(normalise_identifier(IdScheme::GbCompanyNumber, "1234567") == "01234567");
  CHECK(normalise_identifier(IdScheme::GbCompanyNumber, "sc 12345") == "SC012345");
  CHECK(normalise_identifier(IdScheme::OfacUid, "018715") == "18715");
  CHECK(normalise_identifier(IdScheme::OfacUid, "-0-") == std::nullopt);
  CHECK(normalise_identifier(IdScheme::UnReference, "QDi.1") == "QDI.001");
  CHECK(normalise_identifier(IdScheme::EuReference, "eu.27.28") == "EU.27.28");
  CHECK(normalise_identifier(IdScheme::UkSanctionsListId, "rus0001") == "RUS0001");
  CHECK(id_scheme_of_key("ofacUid") == IdScheme::OfacUid);
  CHECK(id_scheme_of_key("registrationNumber") == std::nullopt);
}

TEST_CASE("identity: a CSL row and the SDN entry with one OFAC uid are one party, findable by both ids") {
  const Graph graph = build({{"csl:18715", "JOINT STOCK COMPANY SBERBANK", "csl.csv", NodeKind::LegalEntity, {{"ofacUid", "18715"}}},
                             {"ofac-sdn:18715", "JOINT STOCK COMPANY SBERBANK", "sdn.csv", NodeKind::Company, {{"ofacUid", "18715"}}}});
  REQUIRE(graph.node_count() == 1);
  const NodeId node = *graph.find("csl:18715");
  CHECK(graph.find("ofac-sdn:18715") == node);
  CHECK(graph.string(graph.external_ids(node).front()) == "ofac-sdn:18715");  // the list's own id is canonical
  CHECK(graph.kind(node) == NodeKind::Company);
  CHECK(graph.provenance(node).size() == 2);
  skg::testing::check_invariants(graph);
}

TEST_CASE("identity: merges are transitive and hold whatever the load order and batching") {
  const std::vector<Party> parties = {
      {"ofac-sdn:1", "Alpha Shipping", "sdn.csv", NodeKind::Company, {{"ofacUid", "1"}}},
      {"NK-alpha", "Alpha Shipping LLC", "ftm.json", NodeKind::Company, {{"ofacUid", "0001"}, {"leiCode", "5493001KJTIIGC8Y1R12"}}},
      {"lei:5493001KJTIIGC8Y1R12", "ALPHA SHIPPING LIMITED", "lei.xml", NodeKind::LegalEntity, {}},
      {"gb-coh:01234567", "ALPHA SHIPPING LIMITED", "psc.json", NodeKind::Company, {}},
      {"other", "Alpha Holdings", "ftm.json", NodeKind::Company, {{"gbCompanyNumber", "1234567"}, {"leiCode", "5493001KJTIIGC8Y1R12"}}},
      {"unrelated", "Beta", "ftm.json", NodeKind::Company, {{"leiCode", "5493001KJTIIGC8Y1R13"}}},  // bad check digits
  };
  const Graph graph = build(parties);
  REQUIRE(graph.node_count() == 2);
  const NodeId alpha = *graph.find("NK-alpha");
  for (const char* id : {"ofac-sdn:1", "lei:5493001KJTIIGC8Y1R12", "gb-coh:01234567", "other"})
    CHECK(graph.find(id) == alpha);
  CHECK(graph.find("unrelated") != alpha);
  CHECK(graph.string(graph.external_ids(alpha).front()) == "ofac-sdn:1");
  CHECK(graph.name(alpha) == "Alpha Shipping");

  const std::string expected = canonical(graph);
  std::vector<Party> reversed(parties.rbegin(), parties.rend());
  CHECK(canonical(build(reversed)) == expected);
  CHECK(canonical(build(parties, false)) == expected);
  std::vector<Party> rotated = parties;
  std::rotate(rotated.begin(), rotated.begin() + 3, rotated.end());
  CHECK(canonical(build(rotated, false)) == expected);
}

TEST_CASE("identity: a later load merges into a party an earlier graph already holds, and a reload changes nothing") {
  Graph first = build({{"ofac-sdn:18715", "JOINT STOCK COMPANY SBERBANK", "sdn.csv", NodeKind::Company, {{"ofacUid", "18715"}}}});
  Builder builder(first);
  {
    Batch batch;
    add(batch, {"csl:18715", "JSC SBERBANK", "csl.csv", NodeKind::LegalEntity, {{"ofacUid", "18715"}}});
    builder.commit(std::move(batch));
  }
  const Graph merged = std::move(builder).freeze();
  REQUIRE(merged.node_count() == 1);
  CHECK(merged.find("csl:18715") == merged.find("ofac-sdn:18715"));

  Builder again(merged);
  {
    Batch batch;
    add(batch, {"csl:18715", "JSC SBERBANK", "csl.csv", NodeKind::LegalEntity, {{"ofacUid", "18715"}}});
    again.commit(std::move(batch));
  }
  const Graph reloaded = std::move(again).freeze();
  CHECK(canonical(reloaded) == canonical(merged));

  const std::string path = (std::filesystem::temp_directory_path() / ("skg_identity_test-" + std::to_string(::getpid()) + ".skg")).string();
  save(merged, path);
  const Graph opened = open_snapshot(path);
  CHECK(canonical(opened) == canonical(merged));
  CHECK(opened.find("csl:18715") == opened.find("ofac-sdn:18715"));
  std::filesystem::remove(path);
}

TEST_CASE("identity: removing one record of a batch keeps the other source's party") {
  Builder builder;
  {
    Batch batch;
    add(batch, {"ofac-sdn:7", "Gamma", "sdn.csv", NodeKind::Company, {{"ofacUid", "7"}}});
    add(batch, {"NK-gamma", "Gamma Ltd", "ftm.json", NodeKind::Company, {{"ofacUid", "7"}}});
    builder.commit(std::move(batch));
  }
  {
    Batch batch;
    batch.remove("NK-gamma", {"delta.json", "NK-gamma", 1});
    builder.commit(std::move(batch));
  }
  const Graph graph = std::move(builder).freeze();
  REQUIRE(graph.node_count() == 1);
  CHECK(graph.find("NK-gamma") == std::nullopt);
  CHECK(graph.name(*graph.find("ofac-sdn:7")) == "Gamma");
}

TEST_CASE("identity: a person and a vessel sharing an identifier stay apart") {
  const Graph graph = build({{"a", "Ivan", "x.csv", NodeKind::Person, {{"ofacUid", "5"}}},
                             {"b", "IVAN", "y.csv", NodeKind::Vessel, {{"ofacUid", "5"}}}});
  CHECK(graph.node_count() == 2);
}

TEST_CASE("identity: same name and birth date from two sources is a SAME_AS candidate, not a merge") {
  const std::vector<Party> parties = {
      {"un:QDi.999", "Ivan PETROV", "un.xml", NodeKind::Person, {{"birthDate", "1965-09-21"}}},
      {"NK-petrov", "PETROV, Ivan", "ftm.json", NodeKind::Person, {{"birthDate", "1965-09-21"}}},
      {"NK-petrov-2", "Ivan Petrov", "ftm.json", NodeKind::Person, {{"birthDate", "1970-01-01"}}},  // another day
      {"csl:x", "Ivan Petrov", "csl.csv", NodeKind::Person, {{"birthDate", "21 Sep 1965"}, {"ofacUid", "9"}}},
      {"ofac-sdn:10", "Ivan Petrov", "sdn.csv", NodeKind::Person, {{"birthDate", "21 Sep 1965"}, {"ofacUid", "10"}}},
  };
  const Graph graph = build(parties);
  REQUIRE(graph.node_count() == 5);
  auto candidates_of = [&](std::string_view id) {
    std::vector<std::string> out;
    const NodeId node = *graph.find(id);
    for (std::uint32_t at = 0; at < graph.edge_count(); ++at) {
      const EdgeId edge{at};
      if (graph.edge_kind(edge) != EdgeKind::SameAs) continue;
      if (graph.source(edge) == node) out.emplace_back(graph.string(graph.external_ids(graph.target(edge)).front()));
      if (graph.target(edge) == node) out.emplace_back(graph.string(graph.external_ids(graph.source(edge)).front()));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  // The UN and FtM records: same name, same day, no identifier in common.
  CHECK(candidates_of("un:QDi.999") == std::vector<std::string>{"NK-petrov", "csl:x", "ofac-sdn:10"});
  // Two OFAC uids that differ say two parties: no candidate between them.
  CHECK(candidates_of("ofac-sdn:10") == std::vector<std::string>{"NK-petrov", "un:QDi.999"});
  CHECK(candidates_of("NK-petrov-2").empty());
  // The evidence is on the edge.
  bool evidence = false;
  for (std::uint32_t at = 0; at < graph.edge_count(); ++at)
    for (const Attribute& attribute : graph.edge_attributes(EdgeId{at}))
      evidence = evidence || (graph.string(attribute.key) == "evidence" &&
                              graph.string(attribute.value).find("1965-09-21") != std::string_view::npos);
  CHECK(evidence);
  // Found again, not doubled, when the graph is built on.
  Builder again(graph);
  const Graph rebuilt = std::move(again).freeze();
  CHECK(rebuilt.edge_count() == graph.edge_count());
  CHECK(canonical(build(std::vector<Party>(parties.rbegin(), parties.rend()))) == canonical(graph));
}

namespace {
/// The OFAC entry and the FtM record of one company (shared ofacUid), the OFAC listing, and an
/// FtM Ownership of it, saved as a snapshot and opened again.
Graph merged_after_snapshot() {
  Builder builder;
  Batch batch;
  add(batch, {"ofac-sdn:7", "GAMMA LLC", "sdn.csv", NodeKind::Company, {{"ofacUid", "7"}, {"country", "RU"}}});
  add(batch, {"NK-gamma", "Gamma Ltd", "ftm.json", NodeKind::Company, {{"ofacUid", "7"}, {"website", "gamma.example"}}});
  add(batch, {"NK-owner", "Owner Ltd", "ftm.json", NodeKind::Company, {}}, 2);
  batch.add_action({.id = "ofac-sdn:7#SDN", .target = "ofac-sdn:7", .authority = "OFAC", .list = "SDN",
                    .source = {"sdn.csv", "7", 1}});
  batch.add_edge({.kind = EdgeKind::Owns, .from = "NK-owner", .to = "NK-gamma", .source = {"ftm.json", "own-1", 3},
                  .id = "own-1"});
  builder.commit(std::move(batch));
  const Graph graph = std::move(builder).freeze();
  const std::string path = (std::filesystem::temp_directory_path() / ("skg_identity_delta_test-" + std::to_string(::getpid()) + ".skg")).string();
  save(graph, path);
  Graph opened = open_snapshot(path);
  std::filesystem::remove(path);
  return opened;
}

std::vector<std::string> values_of(const Graph& graph, NodeId node, std::string_view key) {
  std::vector<std::string> out;
  for (std::string_view value : graph.attribute(node, key)) out.emplace_back(value);
  return out;
}

std::size_t edges_of_kind(const Graph& graph, NodeId node, EdgeKind kind) {
  std::size_t count = 0;
  for (EdgeId edge : graph.out_edges(node)) count += graph.edge_kind(edge) == kind ? 1 : 0;
  for (EdgeId edge : graph.in_edges(node)) count += graph.edge_kind(edge) == kind ? 1 : 0;
  return count;
}
}  // namespace

TEST_CASE("identity: after a snapshot, deleting one record of a merged party keeps what the other record gave") {
  const Graph opened = merged_after_snapshot();
  REQUIRE(opened.find("NK-gamma") == opened.find("ofac-sdn:7"));
  Builder builder(opened);
  {
    Batch delta;
    delta.remove("NK-gamma", {"delta.json", "NK-gamma", 1});
    builder.commit(std::move(delta));
  }
  CHECK_FALSE(builder.contains("NK-gamma"));
  CHECK(builder.contains("ofac-sdn:7"));
  const Graph graph = std::move(builder).freeze();
  const auto gamma = graph.find("ofac-sdn:7");
  REQUIRE(gamma);
  CHECK(graph.find("NK-gamma") == std::nullopt);
  CHECK(graph.name(*gamma) == "GAMMA LLC");
  CHECK(values_of(graph, *gamma, "ofacUid") == std::vector<std::string>{"7"});  // the OFAC record's
  CHECK(values_of(graph, *gamma, "country") == std::vector<std::string>{"RU"});
  CHECK(values_of(graph, *gamma, "website").empty());                             // the FtM record's: gone
  CHECK(edges_of_kind(graph, *gamma, EdgeKind::TargetOf) == 1);                    // the OFAC listing stays
  CHECK(edges_of_kind(graph, *gamma, EdgeKind::Owns) == 0);                        // the FtM file's link goes
  REQUIRE(graph.provenance(*gamma).size() == 1);
  CHECK(graph.describe(graph.provenance(*gamma)[0]).find("sdn.csv") != std::string::npos);
  CHECK(graph.find("NK-owner"));  // another record of the FtM file: untouched

  // The party goes with its last record.
  Builder last(graph);
  {
    Batch delta;
    delta.remove("ofac-sdn:7", {"delta.json", "ofac-sdn:7", 2});
    last.commit(std::move(delta));
  }
  const Graph gone = std::move(last).freeze();
  CHECK(gone.find("ofac-sdn:7") == std::nullopt);
}

TEST_CASE("identity: after a snapshot, a MOD of one record of a merged party replaces that record's facts only") {
  const Graph opened = merged_after_snapshot();
  Builder builder(opened);
  {
    Batch delta;
    delta.remove("NK-gamma", {"delta.json", "NK-gamma", 1});
    add(delta, {"NK-gamma", "Gamma Limited", "delta.json", NodeKind::Company, {{"ofacUid", "7"}, {"website", "gamma.example.org"}}});
    builder.commit(std::move(delta));
  }
  const Graph graph = std::move(builder).freeze();
  const auto gamma = graph.find("ofac-sdn:7");
  REQUIRE(gamma);
  CHECK(graph.find("NK-gamma") == gamma);
  CHECK(graph.node_count() == opened.node_count());
  CHECK(values_of(graph, *gamma, "website") == std::vector<std::string>{"gamma.example.org"});
  CHECK(values_of(graph, *gamma, "country") == std::vector<std::string>{"RU"});
  CHECK(edges_of_kind(graph, *gamma, EdgeKind::TargetOf) == 1);
  CHECK(edges_of_kind(graph, *gamma, EdgeKind::Owns) == 1);  // links are records of their own in FtM
  CHECK(graph.name(*gamma) == "GAMMA LLC");                   // the canonical record's name stays primary
}

TEST_CASE("identity: conflicting and placeholder identifiers are listed, and neither merges wrong parties") {
  std::vector<Party> parties = {
      // One IMO number, two OFAC uids with nothing in common: the IMO does not say which vessel it
      // is, so it merges neither (the OFSI list of 2018 writes one UN reference on six groups).
      {"ofac-sdn:1", "SEA STAR", "sdn.csv", NodeKind::Vessel, {{"imoNumber", "IMO 9074729"}, {"ofacUid", "1"}}},
      {"NK-sea", "Sea Star", "ftm.json", NodeKind::Vessel, {{"imoNumber", "9074729"}, {"ofacUid", "2"}}},
      // A record stating two uids joins both OFAC entries: one party, whose uids disagree.
      {"ofac-sdn:3", "ALPHA LLC", "sdn.csv", NodeKind::Company, {{"ofacUid", "3"}}},
      {"ofac-sdn:4", "ALPHA AERO", "sdn.csv", NodeKind::Company, {{"ofacUid", "4"}}},
      {"NK-alpha", "Alpha", "ftm.json", NodeKind::Company, {{"ofacUid", "3"}, {"ofacUid", "4"}}},
      // A person and a vessel with one uid: kept apart.
      {"a", "Ivan", "x.csv", NodeKind::Person, {{"ofacUid", "5"}}},
      {"b", "IVAN", "y.csv", NodeKind::Vessel, {{"ofacUid", "5"}}},
  };
  for (int at = 0; at < 300; ++at)
    parties.push_back({"eu:" + std::to_string(at), "Party " + std::to_string(at), "eu.xml", NodeKind::Company,
                       {{"euReference", "EU.1.1"}}});
  const Graph graph = build(parties);
  CHECK(graph.node_count() == 2 + 1 + 2 + 300);  // the 300 records of EU.1.1 merged nothing
  CHECK(graph.find("ofac-sdn:1") != graph.find("NK-sea"));
  CHECK(graph.find("ofac-sdn:3") == graph.find("ofac-sdn:4"));
  const std::vector<IdentifierConflict> conflicts = identifier_conflicts(graph);
  REQUIRE(conflicts.size() == 4);
  CHECK(conflicts[0].kind == IdentifierConflict::Kind::Disagrees);
  CHECK(conflicts[0].scheme == IdScheme::OfacUid);
  CHECK(conflicts[0].values == std::vector<std::string>{"3", "4"});
  CHECK(describe(graph, conflicts[0]).find("ofacUid 3 and 4") != std::string::npos);
  CHECK(conflicts[1].kind == IdentifierConflict::Kind::TooCommon);
  CHECK(conflicts[1].records == 300);
  CHECK(conflicts[2].kind == IdentifierConflict::Kind::KindsDiffer);
  CHECK(conflicts[2].parties.size() == 2);
  CHECK(conflicts[3].kind == IdentifierConflict::Kind::Ambiguous);
  CHECK(conflicts[3].scheme == IdScheme::ImoNumber);
  CHECK(describe(graph, conflicts[3]).find("merged none of them") != std::string::npos);
  CHECK(identifier_conflicts(build({{"ofac-sdn:9", "X", "sdn.csv", NodeKind::Company, {{"ofacUid", "9"}}},
                                    {"csl:9", "X", "csl.csv", NodeKind::Company, {{"ofacUid", "9"}}}}))
            .empty());
}

namespace {

/// The names of a party with the files of the records that state each, in reverse order of file
/// name: "Delta Trading @sdn.csv @ftm.json".
std::vector<std::string> names_with_files(const Graph& graph, NodeId node) {
  std::vector<std::string> out;
  const auto names = graph.names(node);
  for (std::size_t which = 0; which < names.size(); ++which) {
    std::vector<std::string> files;
    for (ProvId prov : graph.name_provenance(node, which))
      files.emplace_back(graph.string(graph.provenance_record(prov).source));
    std::sort(files.begin(), files.end(), std::greater<>());
    std::string line(graph.string(names[which].text));
    for (const std::string& file : files) line += " @" + file;
    out.push_back(std::move(line));
  }
  return out;
}

/// DELTA (OFAC uid 8) from an SDN row with an alias and an FtM record with its own alias, one
/// name stated by both, merged and saved, then opened again.
Graph delta_after_snapshot() {
  Builder builder;
  Batch batch;
  add(batch, {"ofac-sdn:8", "DELTA LLC", "sdn.csv", NodeKind::Company, {{"ofacUid", "8"}}});
  batch.add_name("ofac-sdn:8", "Delta Trading", NameType::Aka, NameStrength::Strong, {"sdn.csv", "8", 1});
  add(batch, {"NK-delta", "Delta Trading", "ftm.json", NodeKind::Company, {{"ofacUid", "8"}}});
  batch.add_name("NK-delta", "Delta Holdings", NameType::Aka, NameStrength::Unknown, {"ftm.json", "NK-delta", 1});
  batch.add_external_id("NK-delta", "ru-inn-7700000008", {"ftm.json", "NK-delta", 1});
  builder.commit(std::move(batch));
  const Graph graph = std::move(builder).freeze();
  const std::string path = (std::filesystem::temp_directory_path() / ("skg_identity_names_test-" + std::to_string(::getpid()) + ".skg")).string();
  save(graph, path);
  Graph opened = open_snapshot(path);
  std::filesystem::remove(path);
  return opened;
}

}  // namespace

TEST_CASE("identity: a name two records state keeps both records, and stays when one of them is deleted") {
  const Graph opened = delta_after_snapshot();
  const NodeId party = *opened.find("ofac-sdn:8");
  REQUIRE(opened.find("NK-delta") == party);
  CHECK(names_with_files(opened, party) ==
        std::vector<std::string>{"DELTA LLC @sdn.csv", "Delta Trading @sdn.csv @ftm.json", "Delta Holdings @ftm.json"});
  CHECK(opened.find("ru-inn-7700000008") == party);

  Builder builder(opened);
  {
    Batch delta;
    delta.remove("NK-delta", {"delta.json", "NK-delta", 1});
    builder.commit(std::move(delta));
  }
  CHECK_FALSE(builder.contains("ru-inn-7700000008"));  // the deleted record's other id goes at once
  const Graph graph = std::move(builder).freeze();
  const auto kept = graph.find("ofac-sdn:8");
  REQUIRE(kept);
  CHECK(names_with_files(graph, *kept) == std::vector<std::string>{"DELTA LLC @sdn.csv", "Delta Trading @sdn.csv"});
  CHECK(graph.find_by_name("Delta Holdings").empty());
  CHECK(graph.find_by_name("Delta Trading").size() == 1);
  CHECK(graph.find("ru-inn-7700000008") == std::nullopt);
  CHECK(graph.find("NK-delta") == std::nullopt);
}

TEST_CASE("identity: deleting the record that gave a merged party its primary name takes the other record's name") {
  const Graph opened = delta_after_snapshot();
  REQUIRE(opened.name(*opened.find("NK-delta")) == "DELTA LLC");
  Builder builder(opened);
  {
    Batch delta;
    delta.remove("ofac-sdn:8", {"delta.json", "ofac-sdn:8", 1});
    builder.commit(std::move(delta));
  }
  const Graph graph = std::move(builder).freeze();
  const auto kept = graph.find("NK-delta");
  REQUIRE(kept);
  CHECK(graph.find("ofac-sdn:8") == std::nullopt);
  CHECK(graph.name(*kept) == "Delta Trading");  // the FtM record's own name, not a leftover of the SDN row
  CHECK(names_with_files(graph, *kept) == std::vector<std::string>{"Delta Trading @ftm.json", "Delta Holdings @ftm.json"});
  CHECK(graph.names(*kept)[0].type == NameType::Primary);
  CHECK(graph.find_by_name("DELTA LLC").empty());
}
