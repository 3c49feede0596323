#include "skg/loaders/csl.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"

#include "loaders/loader_test_util.h"

namespace {

using skg::testing::broken;
std::string sample(const std::string& name) { return std::string(SKG_DATASETS_DIR) + "/samples/csl/" + name; }
std::string shared(const std::string& name) { return skg::testing::shared("csl/" + name); }

bool has(const std::vector<std::string_view>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// The Action nodes a party is TARGET_OF.
std::vector<const skg::Action*> actions_of(const skg::Graph& graph, skg::NodeId node) {
  std::vector<const skg::Action*> out;
  for (skg::EdgeId edge : graph.out_edges(node))
    if (graph.edge_kind(edge) == skg::EdgeKind::TargetOf) out.push_back(graph.action(graph.target(edge)));
  return out;
}

}  // namespace

TEST_CASE("csl: the current layout (every field quoted) loads each row with its source list") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_csl(sample("csl_2025_layout_sample.csv"), builder);
  CHECK(report.count("rows") == 13);
  CHECK(report.count("actions") == 13);
  CHECK(report.count("rows:SSI") == 3);
  CHECK(report.count("rows:MEU") == 1);
  CHECK(report.count("rows:FSE") == 1);
  CHECK(report.skipped.empty());
  const skg::Graph graph = std::move(builder).freeze();

  // RIM, Ryong Nam: an SDN row, so its id is the OFAC uid and its CSL id finds it too.
  const auto rim = graph.find("ofac-sdn:52291");
  REQUIRE(rim);
  CHECK(graph.find("csl:52291") == rim);
  CHECK(graph.kind(*rim) == skg::NodeKind::Person);
  CHECK(graph.name(*rim) == "RIM, Ryong Nam");
  CHECK(graph.attribute(*rim, "birthDate") == std::vector<std::string_view>{"1978-12-05"});
  CHECK(graph.attribute(*rim, "nationality") == std::vector<std::string_view>{"KP"});
  CHECK(graph.attribute(*rim, "address") == std::vector<std::string_view>{"Shenyang, CN", "Pyongyang, KP"});
  const auto ids = graph.attribute(*rim, "identification");
  CHECK(has(ids, "Passport, 836238033, KP"));
  CHECK(has(ids, "Gender, Male"));
  const auto actions = actions_of(graph, *rim);
  REQUIRE(actions.size() == 1);
  CHECK(graph.string(actions[0]->authority) == "OFAC");
  CHECK(graph.string(actions[0]->list) == "SDN");
  CHECK(graph.string(actions[0]->program) == "NPWMD");

  // The MEU row: a BIS list with its Federal Register notice and start date.
  const auto meu = graph.find("csl:66f6ab3f26234b75a9093fce79ef0ce0");
  REQUIRE(meu);
  const auto meu_actions = actions_of(graph, *meu);
  REQUIRE(meu_actions.size() == 1);
  CHECK(graph.string(meu_actions[0]->authority) == "BIS");
  CHECK(graph.string(meu_actions[0]->list) == "MEU");
  CHECK(graph.string(meu_actions[0]->legal_basis) == "85 FR 83799");
  CHECK(meu_actions[0]->listed == skg::Date::parse("2020-12-23"));
  CHECK(meu_actions[0]->in_force.start == skg::Date::parse("2020-12-23"));
  CHECK(!meu_actions[0]->in_force.end);  // unknown stays unknown
}

TEST_CASE("csl: the 2019 layout (28 columns, no _id) is read from its header") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_csl(sample("csl_2019_sample.csv"), builder);
  CHECK(report.count("rows") == 115);
  CHECK(report.count("rows:SDN") == 28);
  CHECK(report.count("rows:EL") == 22);
  const skg::Graph graph = std::move(builder).freeze();
  const auto psa = graph.find("ofac-sdn:20264");
  REQUIRE(psa);
  CHECK(graph.name(*psa) == "200G PSA HOLDINGS LLC");
  CHECK(graph.find("csl:SDN:20264") == psa);
  // 2019 wrote identifiers "country, number, type"; they are read back as "type, number, country".
  CHECK(graph.attribute(*psa, "identification") == std::vector<std::string_view>{"Tax ID No., 80-0890696, US"});
  const auto canada = graph.find("ofac-sdn:8124");
  REQUIRE(canada);
  const auto names = graph.names(*canada);
  REQUIRE(names.size() == 3);
  CHECK(graph.string(names[1].text) == "CARIBE SOL");
  CHECK(names[1].type == skg::NameType::Aka);
  CHECK(graph.string(names[2].text) == "HAVANTUR CANADA INC.");
}

TEST_CASE("csl: the repeated header is skipped and an SDN row merges with its PLC row by _id") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_csl(sample("csl_2023-11_excerpt.csv"), builder);
  CHECK(report.count("repeated header lines") == 1);
  CHECK(report.count("rows") == 48);
  CHECK(report.skipped.empty());
  const skg::Graph graph = std::move(builder).freeze();
  // _id 9659 is on the PLC list and on the SDN list: one party, two listings.
  const auto hammad = graph.find("ofac-sdn:9659");
  REQUIRE(hammad);
  CHECK(graph.find("csl:9659") == hammad);
  CHECK(graph.provenance(*hammad).size() >= 2);
  std::vector<std::string_view> lists;
  for (const skg::Action* action : actions_of(graph, *hammad)) lists.push_back(graph.string(action->list));
  std::sort(lists.begin(), lists.end());
  CHECK(lists == std::vector<std::string_view>{"PLC", "SDN"});
  // _id 17014 is on SSI and NS-MBS but not on the SDN list: one CSL party, two listings.
  const auto bank = graph.find("csl:17014");
  REQUIRE(bank);
  CHECK(actions_of(graph, *bank).size() == 2);
}

TEST_CASE("csl: an SDN row merges with the OFAC record of the same uid (one node, two sources)") {
  skg::Builder builder;
  builder.add_entity({.id = "ofac-sdn:52291", .kind = skg::NodeKind::Person, .name = "RIM, Ryong Nam",
                      .source = {"sdn.csv", "52291", 7}});
  const std::size_t before = builder.entity_count();
  skg::load_csl(sample("csl_2025_layout_sample.csv"), builder);
  const skg::Graph graph = std::move(builder).freeze();
  const auto rim = graph.find("ofac-sdn:52291");
  REQUIRE(rim);
  CHECK(graph.find("csl:52291") == rim);
  CHECK(graph.find_by_name("RIM, Ryong Nam").size() == 1);
  std::vector<std::string_view> files;
  for (skg::ProvId prov : graph.provenance(*rim)) files.push_back(graph.string(graph.provenance_record(prov).source));
  CHECK(has(files, "sdn.csv"));
  CHECK(std::any_of(files.begin(), files.end(), [](std::string_view file) {
    return file.ends_with("csl_2025_layout_sample.csv");
  }));
  CHECK(before == 1);
}

TEST_CASE("csl: strict mode names file and line - skip mode lists the bad row and loads the rest") {
  SUBCASE("wrong column count") {
    skg::Builder builder;
    CHECK_THROWS_WITH_AS(skg::load_csl(broken("csl_wrong_columns.csv"), builder),
                         doctest::Contains("csl_wrong_columns.csv:3: expected 29 fields"), skg::LoadError);
    CHECK(builder.entity_count() == 0);
    const auto report = skg::load_csl(broken("csl_wrong_columns.csv"), builder,
                                      {.on_bad_record = skg::OnBadRecord::Skip});
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].line == 3);
    CHECK(report.skipped[0].record == "x1");
    CHECK(report.count("rows") == 2);
  }
  SUBCASE("bad date") {
    skg::Builder builder;
    CHECK_THROWS_WITH_AS(skg::load_csl(broken("csl_bad_date.csv"), builder),
                         doctest::Contains("csl_bad_date.csv:2: start_date '12/23/2020'"), skg::LoadError);
    CHECK(builder.entity_count() == 0);
    const auto report =
        skg::load_csl(broken("csl_bad_date.csv"), builder, {.on_bad_record = skg::OnBadRecord::Skip});
    CHECK(report.skipped.size() == 1);
    CHECK(report.count("rows") == 1);
    const skg::Graph graph = std::move(builder).freeze();
    CHECK(!graph.find("csl:66f6ab3f26234b75a9093fce79ef0ce0"));  // nothing of the bad row stays
  }
  SUBCASE("invalid UTF-8") {
    skg::Builder builder;
    CHECK_THROWS_WITH_AS(skg::load_csl(broken("csl_invalid_utf8.csv"), builder),
                         doctest::Contains("csl_invalid_utf8.csv:2: invalid UTF-8"), skg::LoadError);
  }
  SUBCASE("a quote that does not close: the rest of the file is reported, not guessed") {
    skg::Builder builder;
    CHECK_THROWS_AS(skg::load_csl(broken("csl_truncated.csv"), builder), skg::LoadError);
    const auto report =
        skg::load_csl(broken("csl_truncated.csv"), builder, {.on_bad_record = skg::OnBadRecord::Skip});
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].line == 3);
    CHECK(report.count("rows") == 1);
  }
  SUBCASE("empty file and wrong format throw in either mode") {
    skg::Builder builder;
    for (const auto mode : {skg::OnBadRecord::Fail, skg::OnBadRecord::Skip}) {
      CHECK_THROWS_WITH_AS(skg::load_csl(broken("csl_empty.csv"), builder, {.on_bad_record = mode}),
                           doctest::Contains("empty file"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_csl(broken("csl_wrong_format.csv"), builder, {.on_bad_record = mode}),
                           doctest::Contains("not a CSL CSV"), skg::LoadError);
    }
    CHECK(builder.entity_count() == 0);
  }
}

TEST_CASE("csl: every broken csl_ file loads or throws LoadError, in both modes") {
  skg::testing::check_broken_files_load_or_throw("csl_", skg::load_csl);
}

TEST_CASE("csl: the 2023-11 subset: rows per source list as SOURCES.md counts them") {
  const std::string path = shared("csl_2023-11_subset.csv");
  if (!std::filesystem::exists(path)) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  skg::Builder builder;
  // Its last row is cut off inside a quoted field: strict mode refuses the file.
  CHECK_THROWS_WITH_AS(skg::load_csl(path, builder), doctest::Contains("unterminated quoted field"),
                       skg::LoadError);
  CHECK(builder.entity_count() == 0);
  const auto report = skg::load_csl(path, builder, {.on_bad_record = skg::OnBadRecord::Skip});
  // 4,228 rows after the header: the repeated header, 4,226 whole rows, the cut SDN row.
  CHECK(report.count("repeated header lines") == 1);
  CHECK(report.count("rows") == 4226);
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].line == 4233);  // the file's last line, with no line break
  CHECK(report.count("rows:SDN") + 1 == 1738);
  CHECK(report.count("rows:EL") == 919);
  CHECK(report.count("rows:DPL") == 577);
  CHECK(report.count("rows:SSI") == 288);
  CHECK(report.count("rows:UVL") == 186);
  CHECK(report.count("rows:ISN") == 144);
  CHECK(report.count("rows:DTC") == 142);
  CHECK(report.count("rows:PLC") == 78);
  CHECK(report.count("rows:MEU") == 71);
  CHECK(report.count("rows:CMIC") == 68);
  CHECK(report.count("actions") == 4226);
  const skg::Graph graph = std::move(builder).freeze();
  const auto vtb = graph.find("csl:17013");
  REQUIRE(vtb);
  CHECK(graph.name(*vtb) == "VTB BANK PUBLIC JOINT STOCK COMPANY");
  CHECK(has(graph.attribute(*vtb, "identification"), "SWIFT/BIC, VTBRRUMM"));
  CHECK(has(graph.attribute(*vtb, "identification"), "Tax ID No., 7702070139, RU"));
}

TEST_CASE("csl: each source list maps to its measure by the cited table, unknown stays unknown") {
  skg::Builder builder;
  skg::load_csl(sample("csl_2025_layout_sample.csv"), builder);
  const skg::Graph graph = std::move(builder).freeze();
  using skg::Measure;
  using skg::SanctionList;
  struct Expect {
    SanctionList list;
    skg::Measures measures;
  };
  const std::vector<std::pair<std::string, Expect>> expected = {
      {"SDN", {SanctionList::OfacSdn, {Measure::AssetFreeze}}},
      {"SSI", {SanctionList::OfacSsi, {Measure::Sectoral}}},
      {"FSE", {SanctionList::OfacFse, {Measure::TransactionBan}}},
      {"PLC", {SanctionList::OfacPlc, {Measure::TransactionBan}}},  // GL 4(b): transactions rejected, not blocked
      {"Entity List", {SanctionList::BisEntityList, {Measure::ExportLicence}}},
      {"MEU", {SanctionList::BisMeu, {Measure::ExportLicence}}},
      {"DPL", {SanctionList::BisDpl, {Measure::ExportDenial}}},
      {"UVL", {SanctionList::BisUvl, {Measure::ExportRestriction}}},
      {"DTC", {SanctionList::StateDtc, {Measure::ExportDenial}}},
      {"ISN", {SanctionList::StateIsn, {}}},  // measures differ per statute: unknown
  };
  for (const auto& expected_list : expected) {
    const auto& list = expected_list.first;
    const auto& want = expected_list.second;
    INFO(list);
    bool seen = false;
    for (skg::NodeId node : graph.action_nodes()) {
      const skg::Action& action = *graph.action(node);
      if (graph.string(action.list) != list) continue;
      seen = true;
      CHECK(action.list_id == want.list);
      CHECK(action.measure_set == want.measures);
    }
    CHECK(seen);
  }
}
