#include "skg/loaders/un_xml.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"

#include "loaders/loader_test_util.h"

namespace {

std::string sample() {
  return std::string(SKG_DATASETS_DIR) + "/samples/un/consolidated_2026-02_excerpt.xml";
}

using skg::testing::broken;
using skg::testing::listing;

}  // namespace

TEST_CASE("un_xml: an individual's aliases, documents, dates and listing read back exactly") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_un_xml(sample(), builder);
  CHECK(report.count("individuals") == 5);
  CHECK(report.count("legal entities") == 3);
  CHECK(report.count("actions") == 8);
  const skg::Graph graph = std::move(builder).freeze();

  const auto hassan = graph.find("un:CDi.040");
  REQUIRE(hassan);
  CHECK(graph.kind(*hassan) == skg::NodeKind::Person);
  CHECK(graph.name(*hassan) == "AHMAD MAHMOOD HASSAN");
  const auto names = graph.names(*hassan);
  REQUIRE(names.size() >= 6);
  CHECK(graph.string(names[1].text) == "AHMED MAHAMUD HASSAN ALIYANI");
  CHECK(names[1].strength == skg::NameStrength::Strong);  // QUALITY Good
  bool weak_abu_waqas = false;
  for (const skg::Name& name : names)
    weak_abu_waqas |= graph.string(name.text) == "ABU WAQAS" && name.strength == skg::NameStrength::Weak;
  CHECK(weak_abu_waqas);  // QUALITY Low
  CHECK(graph.attribute(*hassan, "identification") ==
        std::vector<std::string_view>{
            "Passport, AB850901, United Republic of Tanzania (Expiration date: 2026-12-11.)",
            "Passport, AB187304, United Republic of Tanzania (Expired 28 Nov. 2016)"});
  CHECK(graph.attribute(*hassan, "birthDate") == std::vector<std::string_view>{"1997-07-21", "1993"});
  CHECK(graph.attribute(*hassan, "nationality") == std::vector<std::string_view>{"United Republic of Tanzania"});
  const skg::Action* action = listing(graph, *hassan);
  REQUIRE(action);
  CHECK(graph.string(action->authority) == "UN Security Council");
  CHECK(graph.string(action->list) == "DRC");
  CHECK(action->listed == skg::Date::from_ymd(2024, 2, 20));

  // A range of birth years stays a range; a note on an address is kept with it.
  const auto ntaganda = graph.find("un:CDi.030");
  REQUIRE(ntaganda);
  CHECK(graph.attribute(*ntaganda, "birthDate") == std::vector<std::string_view>{"between 1973 and 1974"});
  CHECK(graph.attribute(*ntaganda, "address") == std::vector<std::string_view>{"Belgium (As of 14 December 2022)"});
  CHECK(graph.attribute(*ntaganda, "birthPlace") == std::vector<std::string_view>{"Bigogwe, Rwanda"});

  // An entity's alias QUALITY is its type: f.k.a.
  const auto logarcheo = graph.find("un:IQe.200");
  REQUIRE(logarcheo);
  CHECK(graph.kind(*logarcheo) == skg::NodeKind::LegalEntity);
  REQUIRE(graph.names(*logarcheo).size() == 2);
  CHECK(graph.string(graph.names(*logarcheo)[1].text) == "LOGARCHEO AG");
  CHECK(graph.names(*logarcheo)[1].type == skg::NameType::Fka);
}

TEST_CASE("un_xml: the 2026-02 list has 730 individuals and 273 entities") {
  const std::string path = std::string(SKG_SHARED_DATASETS_DIR) + "/un/consolidated_2026-02.xml";
  if (!std::filesystem::exists(path)) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  skg::Builder builder;
  const skg::LoadReport report = skg::load_un_xml(path, builder);
  CHECK(report.count("individuals") == 730);
  CHECK(report.count("legal entities") == 273);
  CHECK(report.count("actions") == 1003);
  CHECK(report.skipped.empty());
  const skg::Graph graph = std::move(builder).freeze();
  REQUIRE(graph.find("un:CDi.001"));
  CHECK(graph.name(*graph.find("un:CDi.001")) == "ERIC BADEGE");
}

TEST_CASE("un_xml: malformed XML names the line - a bad record is skipped or refused") {
  skg::Builder builder;
  SUBCASE("malformed and truncated XML throw in either mode, with a line") {
    for (const auto mode : {skg::OnBadRecord::Fail, skg::OnBadRecord::Skip}) {
      CHECK_THROWS_WITH_AS(skg::load_un_xml(broken("un_malformed.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("un_malformed.xml:7: malformed XML"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_un_xml(broken("un_truncated.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("malformed XML"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_un_xml(broken("un_empty.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("empty file"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_un_xml(broken("un_wrong_format.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("not a UN consolidated list"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_un_xml(broken("un_invalid_utf8.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("un_invalid_utf8.xml:8: invalid UTF-8"), skg::LoadError);
    }
    CHECK(builder.entity_count() == 0);
  }
  SUBCASE("a listing date that is not ISO") {
    CHECK_THROWS_WITH_AS(skg::load_un_xml(broken("un_bad_date.xml"), builder),
                         doctest::Contains("LISTED_ON '31/12/2012'"), skg::LoadError);
    CHECK(builder.entity_count() == 0);
    const auto report = skg::load_un_xml(broken("un_bad_date.xml"), builder, {.on_bad_record = skg::OnBadRecord::Skip});
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].record == "CDi.001");
    CHECK(report.skipped[0].line == 4);
    CHECK(report.count("entities") == 7);
  }
  SUBCASE("a record without a reference number") {
    const auto report =
        skg::load_un_xml(broken("un_no_reference.xml"), builder, {.on_bad_record = skg::OnBadRecord::Skip});
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].reason == "no REFERENCE_NUMBER");
  }
}

TEST_CASE("un_xml: every broken un_ file loads or throws LoadError, in both modes") {
  skg::testing::check_broken_files_load_or_throw("un_", skg::load_un_xml);
}

TEST_CASE("un_xml: Al-Qaida listings freeze assets, ban travel and embargo arms, Guinea-Bissau bans travel only, other regimes unknown") {
  const std::string path = std::string(SKG_SHARED_DATASETS_DIR) + "/un/consolidated_2026-02.xml";
  if (!std::filesystem::exists(path)) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  skg::Builder builder;
  skg::load_un_xml(path, builder);
  const skg::Graph graph = std::move(builder).freeze();
  std::size_t al_qaida = 0, guinea_bissau = 0, other = 0;
  for (skg::NodeId node : graph.action_nodes()) {
    const skg::Action& un = *graph.action(node);
    const std::string_view regime = graph.string(un.program);
    if (regime == "Al-Qaida") {
      ++al_qaida;
      CHECK(un.measure_set.contains(skg::Measure::AssetFreeze));
      CHECK(un.measure_set.contains(skg::Measure::TravelBan));
      CHECK(un.measure_set.contains(skg::Measure::ArmsEmbargo));
    } else if (regime == "GB") {
      ++guinea_bissau;
      CHECK(un.measure_set.contains(skg::Measure::TravelBan));
      CHECK_FALSE(un.measure_set.contains(skg::Measure::AssetFreeze));  // the 2048 regime freezes nothing
    } else {
      ++other;
      CHECK(un.measure_set.unknown());  // DPRK, Libya, ...: not mapped, never silently a freeze
    }
  }
  CHECK(al_qaida == 341);  // UN_LIST_TYPE counts of the 2026-02 file
  CHECK(guinea_bissau == 10);
  CHECK(other > 0);
}

TEST_CASE("un_xml: listings are UN Security Council listings whose measure is not mapped (unknown)") {
  skg::Builder builder;
  skg::load_un_xml(std::string(SKG_DATASETS_DIR) + "/samples/un/consolidated_2026-02_excerpt.xml", builder);
  const skg::Graph graph = std::move(builder).freeze();
  REQUIRE_FALSE(graph.action_nodes().empty());
  for (skg::NodeId node : graph.action_nodes()) {
    const skg::Action& un = *graph.action(node);
    CHECK(un.issuer == skg::Issuer::Un);
    CHECK(un.list_id == skg::SanctionList::UnConsolidated);
    CHECK(un.measure_set.unknown());  // never silently an asset freeze
  }
}
