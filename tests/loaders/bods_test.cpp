#include "skg/loaders/bods.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "graph/graph_test_util.h"
#include "loaders/loader_test_util.h"
#include "skg/graph/builder.h"
#include "skg/graph/graph.h"

using namespace skg;
namespace fs = std::filesystem;

namespace {

const std::string kDatasets = SKG_DATASETS_DIR;

std::string sample(const std::string& name) { return kDatasets + "/samples/bods/" + name; }
using testing::broken;
using testing::edge_attribute;
using testing::edge_with_id;
using testing::for_each_broken_file;

Graph load_sample(const std::string& name, LoadReport* report_out = nullptr) {
  Builder builder;
  const LoadReport report = load_bods(sample(name), builder);
  CHECK(report.skipped.empty());
  CHECK(report.unresolved.empty());
  if (report_out != nullptr) *report_out = report;
  Graph graph = std::move(builder).freeze();
  testing::check_invariants(graph);
  return graph;
}

Date day(const char* iso) { return *Date::parse(iso); }

}  // namespace

TEST_CASE("bods: an indirect chain keeps its components, and the summary edge does not count twice") {
  const Graph graph = load_sample("indirect-ownership.json");
  const auto company_a = graph.find("bods:ad3f6c2fcc9e"), company_b = graph.find("bods:d4ab89ea169a");
  const auto person = graph.find("bods:c25d4d612c2c");
  REQUIRE(company_a);
  REQUIRE(company_b);
  REQUIRE(person);
  CHECK(graph.kind(*company_a) == NodeKind::Company);
  CHECK(graph.kind(*person) == NodeKind::Person);
  CHECK(graph.name(*company_a) == "Company A");
  CHECK(graph.name(*person) == "Person 1");
  CHECK(graph.attribute(*person, "nationality") == std::vector<std::string_view>{"GB"});
  CHECK(graph.attribute(*company_a, "identifier") == std::vector<std::string_view>{"GB-COH:XE9999"});

  const auto direct = edge_with_id(graph, "bods:4cf2837bd01f#1");
  REQUIRE(direct);
  CHECK(graph.edge_kind(*direct) == EdgeKind::Owns);
  CHECK(graph.source(*direct) == *company_b);
  CHECK(graph.target(*direct) == *company_a);
  CHECK(graph.share(*direct) == Percent::exact(60));
  CHECK(graph.edge_valid(*direct).start == day("2017-11-01"));

  const auto unknown = edge_with_id(graph, "bods:05e81af035e4#1");
  REQUIRE(unknown);
  CHECK(graph.edge_kind(*unknown) == EdgeKind::UnknownLink);  // no interest type: unknown
  CHECK_FALSE(graph.share(*unknown).known());

  const auto indirect = edge_with_id(graph, "bods:d8d75ccf40e4#1");
  REQUIRE(indirect);
  CHECK(graph.edge_kind(*indirect) == EdgeKind::UnknownLink);
  CHECK(graph.share(*indirect) == Percent::exact(30));
  CHECK(edge_attribute(graph, *indirect, "directOrIndirect") == std::vector<std::string_view>{"indirect"});
  CHECK(edge_attribute(graph, *indirect, "componentRecord").size() == 3);
}

TEST_CASE("bods: joint ownership gives each holder its exact share") {
  const Graph graph = load_sample("joint-ownership.json");
  std::vector<float> shares;
  for (std::uint32_t edge = 0; edge < graph.edge_count(); ++edge)
    if (graph.edge_kind(EdgeId{edge}) == EdgeKind::Owns) shares.push_back(*graph.share(EdgeId{edge}).value());
  std::sort(shares.begin(), shares.end());
  CHECK(shares == std::vector<float>{50, 50, 100});
}

TEST_CASE("bods: ranges stay ranges, exclusive bounds are open and kept as attributes") {
  const Graph owning = load_sample("bods-package-entity-owning-entity.json");
  const auto edge = edge_with_id(owning, "bods:0f31559c6eec#1");
  REQUIRE(edge);
  // exclusiveMaximum 100: [75, 100), so "100%" is not in it.
  CHECK(owning.share(*edge) == Percent::between({75'000'000, false}, {100'000'000, true}));
  CHECK(edge_attribute(owning, *edge, "share.exclusiveMaximum") == std::vector<std::string_view>{"100"});

  const Graph linking = load_sample("bods-package-linking-annotations.json");
  const auto range = edge_with_id(linking, "bods:331342ec3940#1");
  REQUIRE(range);
  // exclusiveMinimum 25, exclusiveMaximum 50: (25, 50), as the structured fields say (the
  // record's free-text details read "not more than 50%"; skg follows the typed fields).
  CHECK(linking.share(*range) == Percent::between({25'000'000, true}, {50'000'000, true}));
  CHECK(edge_attribute(linking, *range, "share.exclusiveMinimum") == std::vector<std::string_view>{"25"});
}

TEST_CASE("bods: the latest statement of a record wins, and a closed interest ends") {
  LoadReport report;
  const Graph graph = load_sample("fermcat.json", &report);
  CHECK(report.count("statements superseded") > 0);
  // rel-3fc02d9b6bdfd5ca: 50% in 2019, 100% from the 2022-01-21 statement.
  const auto patrick = edge_with_id(graph, "bods:rel-3fc02d9b6bdfd5ca#1");
  REQUIRE(patrick);
  CHECK(graph.share(*patrick) == Percent::exact(100));
  CHECK(graph.role(*patrick) == "shareholding");
  const auto board = edge_with_id(graph, "bods:rel-3fc02d9b6bdfd5ca#2");
  REQUIRE(board);
  CHECK(graph.edge_kind(*board) == EdgeKind::DirectorOf);
  // rel-b05e7c91e0a04e4f: closed, its shareholding ended 2021-04-03 (exclusive).
  const auto riyadh = edge_with_id(graph, "bods:rel-b05e7c91e0a04e4f#1");
  REQUIRE(riyadh);
  CHECK(graph.edge_valid(*riyadh).start == day("2019-09-11"));
  CHECK(graph.edge_valid(*riyadh).end == day("2021-04-03"));
  CHECK(graph.edge_valid(*riyadh).contains(day("2021-04-02")));
  CHECK_FALSE(graph.edge_valid(*riyadh).contains(day("2021-04-03")));
  const auto person = graph.find("bods:per-5faa4103dee78621");
  REQUIRE(person);
  CHECK(graph.attribute(*person, "deathDate") == std::vector<std::string_view>{"2021-04-03"});
  CHECK(graph.attribute(*person, "recordStatus") == std::vector<std::string_view>{"closed"});
}

TEST_CASE("bods: voting rights are control, board roles are directorships, trusts are control") {
  const Graph tecido = load_sample("tecido.json");
  std::size_t voting = 0, chairs = 0;
  for (std::uint32_t edge = 0; edge < tecido.edge_count(); ++edge) {
    const EdgeId id{edge};
    if (tecido.role(id) == "votingRights") {
      ++voting;
      CHECK(tecido.edge_kind(id) == EdgeKind::Controls);
      CHECK(tecido.share(id).known());
    }
    if (tecido.role(id) == "boardChair") {
      ++chairs;
      CHECK(tecido.edge_kind(id) == EdgeKind::DirectorOf);
    }
  }
  CHECK(voting > 0);
  CHECK(chairs > 0);
  const Graph levent = load_sample("levent.json");
  std::size_t trust = 0;
  for (std::uint32_t edge = 0; edge < levent.edge_count(); ++edge)
    if (levent.role(EdgeId{edge}) == "trustee") trust += levent.edge_kind(EdgeId{edge}) == EdgeKind::Controls;
  CHECK(trust == 2);
}

TEST_CASE("bods: an interested party exempt from disclosure gives no edge, only its reason") {
  LoadReport report;
  const Graph graph = load_sample("listed-company-exempt-from-disclosure.json", &report);
  CHECK(graph.edge_count() == 0);
  CHECK(report.count("unspecified interested parties") == 1);
  const auto company = graph.find("bods:4c7ea3bfbe6c");
  REQUIRE(company);
  CHECK(graph.attribute(*company, "unspecifiedInterestedParty") ==
        std::vector<std::string_view>{"subjectExemptFromDisclosure"});
}

TEST_CASE("bods: a file that is not UTF-8 is refused with RapidJSON's reason, on its line") {
  // The loader checks UTF-8 before the parse and parses without RapidJSON's own check when the
  // text passes: a file that does not must still be refused, at the bad byte's line.
  const std::string path = testing::write_output("bods_invalid_utf8.json",
                                        "[\n  {\"statementID\": \"s1\",\n   \"name\": \"Acme \xFF\xFE Ltd\"}\n]\n");
  Builder builder;
  const auto error = testing::load_error([&] { load_bods(path, builder); });
  REQUIRE(error);
  CHECK(error->line() == 3);
  CHECK(error->reason() == "invalid JSON: Invalid encoding in string.");
  CHECK(builder.entity_count() == 0);
}

TEST_CASE("bods: bad statements name file, line and statement, and leave the builder as it was") {
  struct Case {
    const char* file;
    std::uint64_t line;
    const char* reason;
    bool skippable;
  };
  const Case cases[] = {
      {"bods_bad_json.json", 4, "invalid JSON", false},
      {"bods_not_array.json", 1, "JSON array", false},
      {"bods_statement_not_object.json", 2, "statement 1: the statement is not a JSON object", true},
      {"bods_unknown_record_type.json", 3, "statement 1: recordType 'spaceship'", true},
      {"bods_details_not_object.json", 2, "statement 0: the statement has no \"recordDetails\" object", true},
      {"bods_share_not_number.json", 4, "statement 2: interest 1: share 'exact' is not a number", true},
      {"bods_unknown_interest_type.json", 4, "interest 1: type 'ownsTheMoon'", true},
      {"bods_share_min_above_max.json", 4, "share minimum 60 is above maximum 40", true},
  };
  for (const Case& bad : cases) {
    CAPTURE(bad.file);
    const std::string path = broken(bad.file);
    Builder builder;
    try {
      load_bods(path, builder);
      FAIL("no LoadError");
    } catch (const LoadError& error) {
      CHECK(error.file() == path);
      CHECK(error.line() == bad.line);
      CHECK(error.reason().find(bad.reason) != std::string::npos);
    }
    CHECK(builder.entity_count() == 0);
    Builder skipping;
    if (bad.skippable) {
      const LoadReport report = load_bods(path, skipping, {.on_bad_record = OnBadRecord::Skip});
      REQUIRE(report.skipped.size() == 1);
      CHECK(report.skipped[0].line == bad.line);
    } else {
      CHECK_THROWS_AS(load_bods(path, skipping, {.on_bad_record = OnBadRecord::Skip}), LoadError);
    }
  }
}

TEST_CASE("bods: a party no file defines is reported unresolved - an empty file loads nothing") {
  Builder builder;
  const LoadReport report = load_bods(broken("bods_dangling_reference.json"), builder);
  REQUIRE(report.unresolved.size() == 1);
  CHECK(report.unresolved[0].reason.find("bods:nobody") != std::string::npos);
  const LoadReport empty = load_bods(broken("bods_empty.json"), builder);
  CHECK(empty.skipped.empty());
  CHECK(builder.entity_count() == 1);
}

TEST_CASE("bods: every bods_ file in datasets/broken loads or throws LoadError, never crashes") {
  for_each_broken_file("bods_", [](const std::string& path, OnBadRecord mode) {
    Builder builder;
    try {
      load_bods(path, builder, {.on_bad_record = mode});
    } catch (const LoadError&) {
    }
    std::move(builder).freeze();
  });
  // And every real sample loads.
  for (const auto& entry : fs::directory_iterator(kDatasets + "/samples/bods")) {
    if (entry.path().extension() != ".json") continue;
    CAPTURE(entry.path().string());
    Builder builder;
    const LoadReport report = load_bods(entry.path().string(), builder);
    CHECK(report.skipped.empty());
  }
}

TEST_CASE("bods: detection by the first bytes") {
  CHECK(looks_like_bods("[\n  {\n    \"statementId\": \"x\"", "a.json"));
  CHECK_FALSE(looks_like_bods("{\"id\": \"x\", \"schema\": \"Person\"}", "a.json"));
}

TEST_CASE("bods: a holding's earlier share holds until the statement that changes it, never on top of it") {
  const Graph graph = load_sample("fermcat.json");
  // rel-3fc02d9b6bdfd5ca: 50% stated 2019-09-11, 2020-09-11 and 2021-09-11, 100% from the
  // statement of 2022-01-21 (startDate 2019-09-11 in every one).
  const auto latest = edge_with_id(graph, "bods:rel-3fc02d9b6bdfd5ca#1");
  REQUIRE(latest);
  const NodeId company = graph.target(*latest);
  auto share_on = [&](const char* iso) {
    std::vector<float> shares;
    for (EdgeId edge : graph.in_edges(company))
      if (graph.edge_kind(edge) == EdgeKind::Owns && graph.source(edge) == graph.source(*latest) &&
          graph.edge_valid(edge).contains(day(iso)))
        shares.push_back(*graph.share(edge).value());
    return shares;
  };
  CHECK(share_on("2020-06-01") == std::vector<float>{50});
  CHECK(share_on("2022-01-20") == std::vector<float>{50});
  CHECK(share_on("2022-01-21") == std::vector<float>{100});
  CHECK(share_on("2019-09-10").empty());
  CHECK(graph.edge_valid(*latest).start == day("2022-01-21"));
  // The three equal 50% statements are one edge, from the interest's start to the change.
  bool found = false;
  for (EdgeId edge : graph.in_edges(company))
    if (graph.edge_kind(edge) == EdgeKind::Owns && graph.source(edge) == graph.source(*latest) && edge != *latest) {
      found = true;
      CHECK(graph.edge_valid(edge).start == day("2019-09-11"));
      CHECK(graph.edge_valid(edge).end == day("2022-01-21"));
    }
  CHECK(found);
}
