#include "skg/loaders/bis_dpl.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"

#include "loaders/loader_test_util.h"

namespace {

std::string sample(const std::string& name) { return std::string(SKG_DATASETS_DIR) + "/samples/bis/" + name; }

using skg::testing::broken;
using skg::testing::listing;

}  // namespace

TEST_CASE("bis_dpl: a denied party's rows become one party with its addresses and one listing") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_bis_dpl(sample("dpl_2022-09_excerpt.txt"), builder);
  CHECK(report.count("rows") == 36);
  CHECK(report.skipped.empty());
  const skg::Graph graph = std::move(builder).freeze();

  const auto villa = graph.find("bis-dpl:aaron-abraham-villa:2022-08-24");
  REQUIRE(villa);
  CHECK(graph.name(*villa) == "AARON ABRAHAM VILLA");
  CHECK(graph.attribute(*villa, "address") == std::vector<std::string_view>{"3415 RIVERA AVENUE, EL PASO, TX, 79905"});
  const skg::Action* action = listing(graph, *villa);
  REQUIRE(action);
  CHECK(graph.string(action->authority) == "BIS");
  CHECK(graph.string(action->list) == "DPL");
  CHECK(graph.string(action->legal_basis) == "87 F.R. 52741 8/29/2022");
  CHECK(action->in_force.start == skg::Date::from_ymd(2022, 8, 24));
  CHECK(action->in_force.end == skg::Date::from_ymd(2026, 1, 14));

  // ABDULAH AL NASSER: two rows (two addresses) of one order.
  const auto nasser = graph.find("bis-dpl:abdulah-al-nasser:2002-03-04");
  REQUIRE(nasser);
  CHECK(graph.attribute(*nasser, "address").size() == 2);
  CHECK(graph.provenance(*nasser).size() == 2);

  // AL NASER AIRLINES: four addresses; "AL-NASER  AIRLINES" of the same order differs only in
  // punctuation and spacing, so it is the same party and its spelling is kept as an alias.
  const auto naser = graph.find("bis-dpl:al-naser-airlines:2022-05-13");
  REQUIRE(naser);
  CHECK(graph.attribute(*naser, "address").size() == 7);  // 4 rows + 3 rows of the other spelling
  CHECK(graph.names(*naser).size() == 2);
}

TEST_CASE("bis_dpl: the full 2022-09 list has 581 rows") {
  const std::string path = std::string(SKG_SHARED_DATASETS_DIR) + "/bis/dpl_2022-09.txt";
  if (!std::filesystem::exists(path)) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  skg::Builder builder;
  const skg::LoadReport report = skg::load_bis_dpl(path, builder);
  CHECK(report.count("rows") == 581);
  CHECK(report.skipped.empty());
  CHECK(report.count("entities") == report.count("actions"));
  CHECK(report.count("entities") < 581);  // parties listed with several addresses are one party
  CHECK(builder.entity_count() > report.count("entities"));  // plus actions and the authority
}

TEST_CASE("bis_dpl: strict mode names file and line - skip mode lists the bad row") {
  SUBCASE("a day that does not exist") {
    skg::Builder builder;
    CHECK_THROWS_WITH_AS(skg::load_bis_dpl(broken("bis_bad_date.txt"), builder),
                         doctest::Contains("bis_bad_date.txt:2: Effective_Date '02/30/2022'"), skg::LoadError);
    CHECK(builder.entity_count() == 0);
    const auto report = skg::load_bis_dpl(broken("bis_bad_date.txt"), builder, {.on_bad_record = skg::OnBadRecord::Skip});
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].record == "AARON ABRAHAM VILLA");
    CHECK(report.count("rows") == 1);
  }
  SUBCASE("wrong column count") {
    skg::Builder builder;
    CHECK_THROWS_WITH_AS(skg::load_bis_dpl(broken("bis_wrong_columns.txt"), builder),
                         doctest::Contains("bis_wrong_columns.txt:3: expected 12 fields"), skg::LoadError);
    const auto report =
        skg::load_bis_dpl(broken("bis_wrong_columns.txt"), builder, {.on_bad_record = skg::OnBadRecord::Skip});
    CHECK(report.skipped.size() == 1);
    CHECK(report.count("rows") == 2);
  }
  SUBCASE("invalid UTF-8") {
    skg::Builder builder;
    CHECK_THROWS_WITH_AS(skg::load_bis_dpl(broken("bis_invalid_utf8.txt"), builder),
                         doctest::Contains("bis_invalid_utf8.txt:2: invalid UTF-8"), skg::LoadError);
  }
  SUBCASE("empty file and wrong format throw in either mode") {
    skg::Builder builder;
    for (const auto mode : {skg::OnBadRecord::Fail, skg::OnBadRecord::Skip}) {
      CHECK_THROWS_WITH_AS(skg::load_bis_dpl(broken("bis_empty.txt"), builder, {.on_bad_record = mode}),
                           doctest::Contains("empty file"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_bis_dpl(broken("bis_wrong_format.txt"), builder, {.on_bad_record = mode}),
                           doctest::Contains("not a BIS DPL file"), skg::LoadError);
    }
  }
}

TEST_CASE("bis_dpl: every broken bis_ file loads or throws LoadError, in both modes") {
  skg::testing::check_broken_files_load_or_throw("bis_", skg::load_bis_dpl);
}

TEST_CASE("bis_dpl: looks_like_bis_dpl recognises the header") {
  CHECK(skg::looks_like_bis_dpl("\"Name\"\t\"Street_Address\"\t\"City\"", "dpl.txt"));
  CHECK(!skg::looks_like_bis_dpl("_id,source,entity_number,type", "csl.csv"));
}

TEST_CASE("bis_dpl: every listing is a BIS export denial on the Denied Persons List") {
  skg::Builder builder;
  skg::load_bis_dpl(std::string(SKG_DATASETS_DIR) + "/samples/bis/dpl_2022-09_excerpt.txt", builder);
  const skg::Graph graph = std::move(builder).freeze();
  REQUIRE_FALSE(graph.action_nodes().empty());
  for (skg::NodeId node : graph.action_nodes()) {
    const skg::Action& dpl = *graph.action(node);
    CHECK(dpl.issuer == skg::Issuer::UsBis);
    CHECK(dpl.list_id == skg::SanctionList::BisDpl);
    CHECK(dpl.measure_set == skg::Measures{skg::Measure::ExportDenial});
  }
}
