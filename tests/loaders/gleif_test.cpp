#include "skg/loaders/gleif.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/loaders/load.h"
#include "skg/queries/reach.h"

#include "loaders/loader_test_util.h"

namespace {

using skg::testing::broken;
using skg::testing::datasets;
using skg::testing::edge_attribute;
using skg::testing::edge_with_id;

std::string sample(std::string_view name) { return datasets("samples/gleif/" + std::string(name)); }
using V = std::vector<std::string_view>;

}  // namespace

TEST_CASE("gleif: a Level 1 record reads back exactly: names, address, form, status, authority") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_gleif(sample("lei-data.xml"), builder);
  CHECK(report.count("entities") == 13);
  const skg::Graph graph = std::move(builder).freeze();
  const auto fund = graph.find("lei:001GPB6A9XPE8XJICC14");
  REQUIRE(fund);
  CHECK(graph.kind(*fund) == skg::NodeKind::Company);
  CHECK(graph.name(*fund) == "Fidelity Advisor Leveraged Company Stock Fund");
  const auto names = graph.names(*fund);
  REQUIRE(names.size() == 2);
  CHECK(graph.string(names[1].text) == "FIDELITY ADVISOR SERIES I - Fidelity Advisor Leveraged Company Stock Fund");
  CHECK(names[1].type == skg::NameType::Previous);
  CHECK(graph.attribute(*fund, "leiCode") == V{"001GPB6A9XPE8XJICC14"});
  CHECK(graph.attribute(*fund, "address") == V{"245 SUMMER STREET, BOSTON, US-MA, 02210, US"});
  CHECK(graph.attribute(*fund, "headquartersAddress") ==
        V{"C/O Fidelity Management & Research Company LLC, Boston, US-MA, 02210, US"});
  CHECK(graph.attribute(*fund, "jurisdiction") == V{"US-MA"});
  CHECK(graph.attribute(*fund, "legalFormCode") == V{"8888"});
  CHECK(graph.attribute(*fund, "legalForm") == V{"FUND"});
  CHECK(graph.attribute(*fund, "entityStatus") == V{"ACTIVE"});
  CHECK(graph.attribute(*fund, "registrationStatus") == V{"ISSUED"});
  CHECK(graph.attribute(*fund, "registrationAuthorityId") == V{"RA000665"});
  CHECK(graph.attribute(*fund, "registrationAuthorityEntityId") == V{"S000005113"});
  CHECK(graph.attribute(*fund, "foundingDate") == V{"2012-11-29"});
  CHECK(graph.attribute(*fund, "gbCompanyNumber").empty());  // RA000665 is not Companies House
}

TEST_CASE("gleif: a company registered at Companies House (RA000585) carries its gbCompanyNumber") {
  skg::Builder builder;
  skg::load_gleif(sample("lei-updates-data2.xml"), builder);
  const skg::Graph graph = std::move(builder).freeze();
  const auto monoova = graph.find("lei:2138002YAB7Z9KO21397");
  REQUIRE(monoova);
  const auto authority = graph.attribute(*monoova, "registrationAuthorityId");
  REQUIRE(authority.size() == 1);
  if (authority[0] == "RA000585") {
    CHECK(graph.attribute(*monoova, "gbCompanyNumber") == graph.attribute(*monoova, "registrationAuthorityEntityId"));
  } else {
    CHECK(graph.attribute(*monoova, "gbCompanyNumber").empty());
  }
  // The rule itself, on a record written for it.
  skg::Builder uk;
  const std::string path = skg::testing::write_output("gleif_companies_house.xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<LEIData xmlns="http://www.gleif.org/data/schema/leidata/2016"><LEIRecords><LEIRecord>
<LEI>213800KASPERSKYUK123</LEI><Entity><LegalName>KASPERSKY LAB UK LIMITED</LegalName>
<RegistrationAuthority><RegistrationAuthorityID>RA000585</RegistrationAuthorityID>
<RegistrationAuthorityEntityID>05296958</RegistrationAuthorityEntityID></RegistrationAuthority>
</Entity><Registration><LastUpdateDate>2024-01-01T00:00:00Z</LastUpdateDate></Registration>
</LEIRecord></LEIRecords></LEIData>)");
  skg::load_gleif(path, uk);
  const skg::Graph uk_graph = std::move(uk).freeze();
  const auto kaspersky = uk_graph.find("lei:213800KASPERSKYUK123");
  REQUIRE(kaspersky);
  CHECK(uk_graph.attribute(*kaspersky, "gbCompanyNumber") == V{"05296958"});
}

TEST_CASE("gleif: the JSON golden copy reads like the XML: transliterated names, statuses, authority") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_gleif(sample("lei2_intraday_2024-05-05_excerpt.json"), builder);
  CHECK(report.count("entities") == 40);
  const skg::Graph graph = std::move(builder).freeze();
  const auto alfa = graph.find("lei:097900BID10000147476");
  REQUIRE(alfa);
  CHECK(graph.name(*alfa) == "ALFA REY s.r.o.");
  REQUIRE(graph.names(*alfa).size() == 2);
  CHECK(graph.string(graph.names(*alfa)[1].text) == "ALFA REY SRO");
  CHECK(graph.attribute(*alfa, "address") == V{"Banská 1120/4, Nové Mesto nad Váhom, 915 01, SK"});
  CHECK(graph.attribute(*alfa, "legalFormCode") == V{"VSZS"});
  CHECK(graph.attribute(*alfa, "registrationStatus") == V{"LAPSED"});
  CHECK(graph.attribute(*alfa, "registrationAuthorityEntityId") == V{"51078066"});
  CHECK(graph.attribute(*alfa, "foundingDate") == V{"2017-09-20"});
}

TEST_CASE("gleif: an update file's later version of a record replaces the earlier one, never both") {
  skg::Builder builder;
  const std::string folder = std::string(SKG_TEST_OUTPUT_DIR) + "/gleif_update";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  // Named so that the update sorts first: the latest LastUpdateDate wins, not the last file read.
  std::filesystem::copy_file(sample("lei-updates-data2.xml"), folder + "/a-updates.xml");
  std::filesystem::copy_file(sample("lei-data.xml"), folder + "/b-full.xml");
  const skg::LoadReport report = skg::load(folder, builder);
  CHECK(report.count("records superseded") == 1);
  CHECK(report.count("entities") == 24);
  const skg::Graph graph = std::move(builder).freeze();
  const auto fund = graph.find("lei:00TR8NKAEL48RGTZEW89");
  REQUIRE(fund);
  CHECK(graph.attribute(*fund, "entityStatus") == V{"ACTIVE"});  // was INACTIVE in 2019
  CHECK(graph.attribute(*fund, "registrationStatus") == V{"ISSUED"});  // was RETIRED
  CHECK(graph.attribute(*fund, "leiLastUpdateDate") == V{"2023-08-03T08:48:03.080+02:00"});
  REQUIRE(graph.provenance(*fund).size() == 1);
}

TEST_CASE("gleif: consolidation parents are SUBSIDIARY_OF edges with dates, kept direct and ultimate") {
  skg::Builder builder;
  skg::load(datasets("samples/gleif"), builder);
  const skg::Graph graph = std::move(builder).freeze();
  // 98450051BS9C610A8T78 (Monoova FX) -> direct parent 2138002YAB7Z9KO21397 (no quantifier: share
  // unknown) and ultimate parent 984500501A1B1045PB30 (quantifier ACCOUNTING_CONSOLIDATION 100.00).
  const auto direct = edge_with_id(graph, "lei:98450051BS9C610A8T78#IS_DIRECTLY_CONSOLIDATED_BY#lei:2138002YAB7Z9KO21397");
  REQUIRE(direct);
  CHECK(graph.edge_kind(*direct) == skg::EdgeKind::SubsidiaryOf);
  CHECK(!graph.share(*direct).known());  // a consolidation parent is not a stated stake
  CHECK(graph.role(*direct) == "direct parent (accounting consolidation)");
  CHECK(graph.edge_valid(*direct).start == skg::Date::from_ymd(2018, 6, 30));
  CHECK(!graph.edge_valid(*direct).end);
  CHECK(edge_attribute(graph, *direct, "relationshipStatus") == V{"ACTIVE"});
  const auto ultimate = edge_with_id(graph, "lei:98450051BS9C610A8T78#IS_ULTIMATELY_CONSOLIDATED_BY#lei:984500501A1B1045PB30");
  REQUIRE(ultimate);
  CHECK(graph.share(*ultimate) == skg::Percent::exact(100));
  CHECK(graph.role(*ultimate) == "ultimate parent (accounting consolidation)");
  CHECK(edge_attribute(graph, *ultimate, "quantifier") == V{"ACCOUNTING_CONSOLIDATION 100.00 PERCENTAGE"});
  // A quantifier of 1.00 PERCENTAGE is kept as written: 1%, never read as a fraction of one.
  const auto one = edge_with_id(graph, "lei:097900BJGO0000201513#IS_DIRECTLY_CONSOLIDATED_BY#lei:9845002B9874D50A4531");
  REQUIRE(one);
  CHECK(graph.share(*one) == skg::Percent::exact(1));
  // A fund manager controls the fund: CONTROLS manager -> fund, significant influence.
  const auto managed = edge_with_id(graph, "lei:097900BEJX0000002337#IS_FUND-MANAGED_BY#lei:097900BHF50000076475");
  REQUIRE(managed);
  CHECK(graph.edge_kind(*managed) == skg::EdgeKind::Controls);
  CHECK(graph.interest(*managed) == skg::Interest::SignificantInfluence);
  CHECK(graph.source(*managed) == *graph.find("lei:097900BHF50000076475"));
}

TEST_CASE("gleif: a parent chain shows in owners, two levels up") {
  skg::Builder builder;
  skg::load(datasets("samples/gleif"), builder);
  const skg::Graph graph = std::move(builder).freeze();
  const auto fx = graph.find("lei:98450051BS9C610A8T78");
  REQUIRE(fx);
  const auto steps = skg::owners(graph, *fx, {.depth = 3});
  bool direct = false, grand = false;
  for (const auto& step : steps) {
    if (step.depth == 1 && step.party == *graph.find("lei:2138002YAB7Z9KO21397")) direct = true;
    if (step.depth == 2 && step.party == *graph.find("lei:984500501A1B1045PB30") &&
        step.of == *graph.find("lei:2138002YAB7Z9KO21397"))
      grand = true;
  }
  CHECK(direct);
  CHECK(grand);
}

TEST_CASE("gleif: reporting exceptions are facts on the entity: no known parent, and why") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load(datasets("samples/gleif"), builder);
  CHECK(report.count("reporting exceptions") >= 1);
  const skg::Graph graph = std::move(builder).freeze();
  const auto fund = graph.find("lei:001GPB6A9XPE8XJICC14");
  REQUIRE(fund);
  CHECK(graph.attribute(*fund, "reportingException") == V{"DIRECT_ACCOUNTING_CONSOLIDATION_PARENT: NO_KNOWN_PERSON"});
  const auto hutchin = graph.find("lei:004L5FPTUREIWK9T2N63");
  REQUIRE(hutchin);
  CHECK(graph.attribute(*hutchin, "reportingException") == V{"DIRECT_ACCOUNTING_CONSOLIDATION_PARENT: NON_CONSOLIDATING"});
  // An exception for an LEI no file defines is reported, not invented into a party.
  bool reported = false;
  for (const auto& issue : report.unresolved) reported |= issue.record == "01370W6ZIY66KQ4J3570";
  CHECK(reported);
  CHECK(!graph.find("lei:01370W6ZIY66KQ4J3570"));
}

TEST_CASE("gleif: loading the folder twice changes nothing") {
  skg::Builder builder;
  skg::load(datasets("samples/gleif"), builder);
  const std::size_t entities = builder.entity_count(), edges = builder.edge_count();
  skg::load(datasets("samples/gleif"), builder);
  CHECK(builder.entity_count() == entities);
  CHECK(builder.edge_count() == edges);
  const skg::Graph graph = std::move(builder).freeze();
  const auto fund = graph.find("lei:00TR8NKAEL48RGTZEW89");
  REQUIRE(fund);
  CHECK(graph.attribute(*fund, "registrationStatus") == V{"ISSUED"});
}

TEST_CASE("gleif: bad records name file, line and LEI, and skip mode keeps the good ones") {
  skg::Builder builder;
  CHECK_THROWS_WITH_AS(skg::load_gleif(broken("gleif_bad_lei.xml"), builder),
                       doctest::Contains("gleif_bad_lei.xml:15: LEI '213800SHORT' is not 20 letters and digits"),
                       skg::LoadError);
  CHECK(builder.entity_count() == 0);
  const auto report = skg::load_gleif(broken("gleif_bad_lei.xml"), builder, {.on_bad_record = skg::OnBadRecord::Skip});
  CHECK(report.skipped.size() == 1);
  CHECK(builder.entity_count() == 1);
  CHECK_THROWS_WITH_AS(skg::load_gleif(broken("gleif_bad_quantifier.xml"), builder),
                       doctest::Contains("QuantifierAmount '150.5' is not a percentage from 0 to 100"), skg::LoadError);
  CHECK_THROWS_WITH_AS(skg::load_gleif(broken("gleif_bad_relationship_type.xml"), builder),
                       doctest::Contains(":17: RelationshipType 'IS_OWNED_BY_A_FRIEND' is not an RR-CDF relationship type"),
                       skg::LoadError);
  CHECK_THROWS_WITH_AS(skg::load_gleif(broken("gleif_bad_period.xml"), builder),
                       doctest::Contains("gleif_bad_period.xml:2: period '2020-13-45T00:00:00Z'"), skg::LoadError);
  CHECK_THROWS_WITH_AS(skg::load_gleif(broken("gleif_bad_date.json"), builder),
                       doctest::Contains("gleif_bad_date.json:3: EntityCreationDate 'yesterday'"), skg::LoadError);
  for (const auto mode : {skg::OnBadRecord::Fail, skg::OnBadRecord::Skip}) {
    skg::Builder fresh;
    CHECK_THROWS_WITH_AS(skg::load_gleif(broken("gleif_malformed.xml"), fresh, {.on_bad_record = mode}),
                         doctest::Contains("gleif_malformed.xml:17: malformed XML"), skg::LoadError);
    CHECK_THROWS_WITH_AS(skg::load_gleif(broken("gleif_truncated.json"), fresh, {.on_bad_record = mode}),
                         doctest::Contains("gleif_truncated.json:3: invalid JSON"), skg::LoadError);
    CHECK_THROWS_WITH_AS(skg::load_gleif(broken("gleif_wrong_root.xml"), fresh, {.on_bad_record = mode}),
                         doctest::Contains("not a GLEIF file"), skg::LoadError);
    CHECK_THROWS_WITH_AS(skg::load_gleif(broken("gleif_invalid_utf8.xml"), fresh, {.on_bad_record = mode}),
                         doctest::Contains("gleif_invalid_utf8.xml:18: invalid UTF-8"), skg::LoadError);
    CHECK_THROWS_WITH_AS(skg::load_gleif(broken("gleif_empty.xml"), fresh, {.on_bad_record = mode}),
                         doctest::Contains("empty file"), skg::LoadError);
    CHECK(fresh.entity_count() == 0);
  }
}

TEST_CASE("gleif: every broken gleif_ file loads or throws LoadError, in both modes") {
  skg::testing::check_broken_files_load_or_throw("gleif_", skg::load_gleif);
}

TEST_CASE("gleif: files are told by content: LEI, relationship and exception XML and the JSON golden copy") {
  for (const char* name : {"lei-data.xml", "rr-data.xml", "repex-data.xml", "lei2_intraday_2024-05-05_excerpt.json"}) {
    CAPTURE(name);
    CHECK(skg::detect_format(skg::testing::head_of(sample(name)), "input") == skg::Format::Gleif);
  }
  CHECK(skg::parse_format("gleif") == skg::Format::Gleif);
}

TEST_CASE("gleif: date-times with zones compare as instants") {
  CHECK(skg::parse_gleif_instant("2024-05-04T00:00:00+02:00") == skg::parse_gleif_instant("2024-05-03T22:00:00Z"));
  CHECK(*skg::parse_gleif_instant("2023-05-18T15:41:20.212Z") - *skg::parse_gleif_instant("2023-05-18T15:41:20Z") == 212);
  CHECK(!skg::parse_gleif_instant("2024-05-04T25:00"));
  CHECK(!skg::parse_gleif_instant("yesterday"));
}

TEST_CASE("gleif: the real shared files load, with every relationship resolved or reported") {
  const std::string folder = skg::testing::shared("gleif");
  if (!std::filesystem::exists(folder)) {
    MESSAGE("../shared/datasets/gleif is absent: skipped");
    return;
  }
  skg::Builder builder;
  const skg::LoadReport report = skg::load(folder, builder);
  CHECK(report.count("entities") >= 577 + 24);  // records read; one is replaced by its update
  CHECK(report.count("relationships") + report.unresolved.size() >= 21);
  CHECK(report.skipped.empty());
}

namespace {
/// Writes `text` to a file under the test output folder; returns its path.
std::string written(std::string_view name, std::string_view text) {
  const std::string path = std::string(SKG_TEST_OUTPUT_DIR) + "/" + std::string(name);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  REQUIRE(file);
  std::fwrite(text.data(), 1, text.size(), file);
  std::fclose(file);
  return path;
}

/// A relationship record 5493001KJTIIGC8Y1R12 (child) -> 213800KASPERSKYUK123 (parent).
std::string relationship(std::string_view status, std::string_view end, std::string_view last_update) {
  const std::string end_date = end.empty() ? "" : "<rr:EndDate>" + std::string(end) + "</rr:EndDate>";
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<rr:RelationshipData xmlns:rr="http://www.gleif.org/data/schema/rr/2016"><rr:RelationshipRecords><rr:RelationshipRecord>
<rr:Relationship><rr:StartNode><rr:NodeID>5493001KJTIIGC8Y1R12</rr:NodeID><rr:NodeIDType>LEI</rr:NodeIDType></rr:StartNode>
<rr:EndNode><rr:NodeID>213800KASPERSKYUK123</rr:NodeID><rr:NodeIDType>LEI</rr:NodeIDType></rr:EndNode>
<rr:RelationshipType>IS_DIRECTLY_CONSOLIDATED_BY</rr:RelationshipType>
<rr:RelationshipPeriods><rr:RelationshipPeriod><rr:StartDate>2020-01-01T00:00:00Z</rr:StartDate>)" +
         end_date + R"(<rr:PeriodType>RELATIONSHIP_PERIOD</rr:PeriodType></rr:RelationshipPeriod></rr:RelationshipPeriods>
<rr:RelationshipStatus>)" + std::string(status) + R"(</rr:RelationshipStatus></rr:Relationship>
<rr:Registration><rr:LastUpdateDate>)" + std::string(last_update) + R"(</rr:LastUpdateDate>
<rr:RegistrationStatus>PUBLISHED</rr:RegistrationStatus></rr:Registration>
</rr:RelationshipRecord></rr:RelationshipRecords></rr:RelationshipData>)";
}

std::string lei_pair() {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<LEIData xmlns="http://www.gleif.org/data/schema/leidata/2016"><LEIRecords>
<LEIRecord><LEI>5493001KJTIIGC8Y1R12</LEI><Entity><LegalName>CHILD LTD</LegalName></Entity>
<Registration><LastUpdateDate>2020-01-01T00:00:00Z</LastUpdateDate></Registration></LEIRecord>
<LEIRecord><LEI>213800KASPERSKYUK123</LEI><Entity><LegalName>PARENT LTD</LegalName></Entity>
<Registration><LastUpdateDate>2020-01-01T00:00:00Z</LastUpdateDate></Registration></LEIRecord>
</LEIRecords></LEIData>)";
}
}  // namespace

TEST_CASE("gleif: an update file loaded later replaces the record's facts instead of adding beside them") {
  const std::string id = "lei:00TR8NKAEL48RGTZEW89";
  SUBCASE("in the same builder, one load after the other") {
    skg::Builder builder;
    skg::load_gleif(sample("lei-data.xml"), builder);
    const skg::LoadReport update = skg::load_gleif(sample("lei-updates-data2.xml"), builder);
    CHECK(update.count("records replacing a loaded version") == 1);
    const skg::Graph graph = std::move(builder).freeze();
    const auto fund = graph.find(id);
    REQUIRE(fund);
    CHECK(graph.attribute(*fund, "entityStatus") == V{"ACTIVE"});  // INACTIVE in the 2019 version
    CHECK(graph.attribute(*fund, "registrationStatus") == V{"ISSUED"});
    CHECK(graph.attribute(*fund, "leiLastUpdateDate") == V{"2023-08-03T08:48:03.080+02:00"});
    REQUIRE(graph.provenance(*fund).size() == 1);
    CHECK(graph.describe(graph.provenance(*fund)[0]).find("lei-updates-data2.xml") != std::string::npos);
  }
  SUBCASE("on a frozen graph (a snapshot or the shell's load), and the same update again changes nothing") {
    skg::Builder first;
    skg::load_gleif(sample("lei-data.xml"), first);
    const skg::Graph before = std::move(first).freeze();
    skg::Builder second(before);
    skg::load_gleif(sample("lei-updates-data2.xml"), second);
    const skg::Graph after = std::move(second).freeze();
    const auto fund = after.find(id);
    REQUIRE(fund);
    CHECK(after.attribute(*fund, "entityStatus") == V{"ACTIVE"});
    CHECK(after.attribute(*fund, "leiLastUpdateDate") == V{"2023-08-03T08:48:03.080+02:00"});
    CHECK(after.node_count() == 24);
    skg::Builder third(after);
    const skg::LoadReport again = skg::load_gleif(sample("lei-updates-data2.xml"), third);
    CHECK(again.count("records already loaded") == 12);  // every record of the file
    CHECK(again.count("entities") == 0);
    const skg::Graph twice = std::move(third).freeze();
    CHECK(twice.node_count() == after.node_count());
    CHECK(twice.attribute(*twice.find(id), "entityStatus") == V{"ACTIVE"});
    CHECK(twice.provenance(*twice.find(id)).size() == 1);
  }
  SUBCASE("an older version loaded later leaves the newer one in place, and says so") {
    skg::Builder builder;
    skg::load_gleif(sample("lei-updates-data2.xml"), builder);
    const skg::LoadReport old = skg::load_gleif(sample("lei-data.xml"), builder);
    CHECK(old.count("records older than the loaded version") == 1);
    const skg::Graph graph = std::move(builder).freeze();
    const auto fund = graph.find(id);
    REQUIRE(fund);
    CHECK(graph.attribute(*fund, "entityStatus") == V{"ACTIVE"});
    CHECK(graph.attribute(*fund, "leiLastUpdateDate") == V{"2023-08-03T08:48:03.080+02:00"});
    CHECK(graph.provenance(*fund).size() == 1);
  }
}

TEST_CASE("gleif: a relationship retired by a later load ends on its date, and the old ACTIVE edge is gone") {
  const std::string leis = written("gleif_pair.xml", lei_pair());
  const std::string active = written("gleif_rr_active.xml", relationship("ACTIVE", "", "2023-01-01T00:00:00Z"));
  const std::string retired =
      written("gleif_rr_retired.xml", relationship("INACTIVE", "2024-03-31T00:00:00Z", "2024-04-02T10:00:00Z"));
  const std::string edge_id = "lei:5493001KJTIIGC8Y1R12#IS_DIRECTLY_CONSOLIDATED_BY#lei:213800KASPERSKYUK123";
  skg::Builder builder;
  skg::load_gleif(leis, builder);
  skg::load_gleif(active, builder);
  const skg::Graph first = std::move(builder).freeze();
  skg::Builder later(first);
  skg::load_gleif(retired, later);
  const skg::LoadReport stale = skg::load_gleif(active, later);  // the old version once more
  CHECK(stale.count("records older than the loaded version") == 1);
  const skg::Graph graph = std::move(later).freeze();
  std::size_t edges = 0;
  for (std::uint32_t at = 0; at < graph.edge_count(); ++at)
    edges += graph.edge_kind(skg::EdgeId{at}) == skg::EdgeKind::SubsidiaryOf ? 1 : 0;
  CHECK(edges == 1);
  const auto edge = edge_with_id(graph, edge_id);
  REQUIRE(edge);
  CHECK(edge_attribute(graph, *edge, "relationshipStatus") == V{"INACTIVE"});
  CHECK(edge_attribute(graph, *edge, "lastUpdateDate") == V{"2024-04-02T10:00:00Z"});
  REQUIRE(graph.edge_valid(*edge).end);
  const std::string end = graph.edge_valid(*edge).end->to_string();
  CHECK((end == "2024-03-31" || end == "2024-04-01"));  // the retirement's EndDate, as the loader reads ends
}

TEST_CASE("gleif: an LEI update loaded later keeps the reporting exception an earlier load gave") {
  skg::Builder builder;
  skg::load_gleif(sample("lei-data.xml"), builder);
  const std::string exception = written("gleif_repex_00TR.xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<repex:ReportingExceptionData xmlns:repex="http://www.gleif.org/data/schema/repex/2016"><repex:ReportingExceptions>
<repex:Exception><repex:LEI>00TR8NKAEL48RGTZEW89</repex:LEI>
<repex:ExceptionCategory>DIRECT_ACCOUNTING_CONSOLIDATION_PARENT</repex:ExceptionCategory>
<repex:ExceptionReason>NON_CONSOLIDATING</repex:ExceptionReason></repex:Exception>
</repex:ReportingExceptions></repex:ReportingExceptionData>)");
  skg::load_gleif(exception, builder);
  skg::load_gleif(sample("lei-updates-data2.xml"), builder);
  const skg::Graph graph = std::move(builder).freeze();
  const auto fund = graph.find("lei:00TR8NKAEL48RGTZEW89");
  REQUIRE(fund);
  CHECK(graph.attribute(*fund, "entityStatus") == V{"ACTIVE"});
  CHECK(graph.attribute(*fund, "reportingException") == V{"DIRECT_ACCOUNTING_CONSOLIDATION_PARENT: NON_CONSOLIDATING"});
}

TEST_CASE("gleif: a later version loaded on a frozen graph drops the old version's other names, and keeps another record's") {
  // The real record of 001GPB6A9XPE8XJICC14 (Fidelity Advisor Leveraged Company Stock Fund, with
  // its PREVIOUS_LEGAL_NAME), merged with an FtM company that states its LEI, its legal name and
  // a trading name of its own; then a later version of the GLEIF record without the previous name.
  std::ifstream in(sample("lei-data.xml"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t lei = text.find("<lei:LEI>001GPB6A9XPE8XJICC14</lei:LEI>");
  REQUIRE(lei != std::string::npos);
  const std::size_t begin = text.rfind("<lei:LEIRecord", lei), end = text.find("</lei:LEIRecord>", lei);
  std::string record = text.substr(begin, end + std::string_view("</lei:LEIRecord>").size() - begin);
  const std::string head = text.substr(0, text.find("<lei:LEIRecords>") + std::string_view("<lei:LEIRecords>").size());
  const std::string old_name = "FIDELITY ADVISOR SERIES I - Fidelity Advisor Leveraged Company Stock Fund";
  REQUIRE(record.find(old_name) != std::string::npos);
  const std::size_t others = record.find("<lei:OtherEntityNames>");
  const std::size_t others_end = record.find("</lei:OtherEntityNames>") + std::string_view("</lei:OtherEntityNames>").size();
  record.erase(others, others_end - others);
  const std::size_t updated = record.find("2023-05-18T15:41:20.212Z");
  REQUIRE(updated != std::string::npos);
  record.replace(updated, 4, "2024");
  const std::string dir = std::string(SKG_TEST_OUTPUT_DIR) + "/gleif_later_names";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/lei-later.xml") << head << "\n" << record << "\n</lei:LEIRecords></lei:LEIData>\n";
  std::ofstream(dir + "/fund.ftm.json")
      << R"({"id": "NK-fidelity-fund", "schema": "Company", "properties": {"name": ["Fidelity Advisor Leveraged Company Stock Fund"], )"
         R"("alias": ["Fidelity Leveraged Stock"], "leiCode": ["001GPB6A9XPE8XJICC14"]}})" "\n";

  skg::Builder first;
  skg::load_gleif(sample("lei-data.xml"), first);
  skg::load(dir + "/fund.ftm.json", first);
  const skg::Graph before = std::move(first).freeze();
  const auto fund = before.find("lei:001GPB6A9XPE8XJICC14");
  REQUIRE(fund);
  REQUIRE(before.find("NK-fidelity-fund") == fund);
  REQUIRE(before.find_by_name(old_name).size() == 1);

  skg::Builder second(before);
  const skg::LoadReport report = skg::load_gleif(dir + "/lei-later.xml", second);
  CHECK(report.count("records replacing a loaded version") == 1);
  const skg::Graph after = std::move(second).freeze();
  const auto party = after.find("lei:001GPB6A9XPE8XJICC14");
  REQUIRE(party);
  CHECK(after.find("NK-fidelity-fund") == party);
  CHECK(after.find_by_name(old_name).empty());  // only the old GLEIF version gave it
  CHECK(after.find_by_name("Fidelity Leveraged Stock").size() == 1);  // the FtM record's
  CHECK(after.name(*party) == "Fidelity Advisor Leveraged Company Stock Fund");
  CHECK(after.attribute(*party, "leiLastUpdateDate") == V{"2024-05-18T15:41:20.212Z"});
  // The legal name, stated by the new GLEIF version and the FtM record, has both records.
  REQUIRE(after.names(*party).size() == 2);
  CHECK(after.name_provenance(*party, 0).size() == 2);
}
