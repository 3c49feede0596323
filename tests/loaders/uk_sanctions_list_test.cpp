#include "skg/loaders/uk_sanctions_list.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/loaders/load.h"
#include "skg/queries/exposure.h"

#include "loaders/loader_test_util.h"

namespace {

using skg::testing::broken;
using skg::testing::datasets;
using skg::testing::listing;
using Values = std::vector<std::string_view>;

std::string sample() { return datasets("samples/uk/uk_sanctions_list_sample_2026-09.xml"); }

std::string write(const std::string& name, const std::string& text) {
  const std::string path = std::string(SKG_TEST_OUTPUT_DIR) + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// A UK Sanctions List file of the given designations (each the XML of one <Designation>).
std::string uk_list(const std::vector<std::string>& designations) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Designations>\n  <DateGenerated>10/09/2026</DateGenerated>\n";
  for (const auto& designation : designations) out += designation;
  return out + "</Designations>\n";
}

std::string entity(const std::string& id, const std::string& name, const std::string& imposed,
                   const std::string& details = "") {
  return "  <Designation>\n    <DateDesignated>01/03/2022</DateDesignated>\n    <UniqueID>" + id +
         "</UniqueID>\n    <Names><Name><Name6>" + name +
         "</Name6><NameType>Primary Name</NameType></Name></Names>\n"
         "    <RegimeName>The Russia (Sanctions) (EU Exit) Regulations 2019</RegimeName>\n"
         "    <IndividualEntityShip>Entity</IndividualEntityShip>\n    <DesignationSource>UK</DesignationSource>\n"
         "    <SanctionsImposed>" + imposed + "</SanctionsImposed>\n" + details + "  </Designation>\n";
}

}  // namespace

TEST_CASE("uk_sanctions_list: an individual's names, partial birth dates, documents and listing read back exactly") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_uk_sanctions_list(sample(), builder);
  CHECK(report.count("entities") == 5);
  CHECK(report.count("individuals") == 2);
  CHECK(report.count("ships") == 1);
  CHECK(report.count("legal entities") == 2);
  CHECK(report.count("actions") == 5);
  CHECK(report.skipped.empty());
  const skg::Graph graph = std::move(builder).freeze();

  const auto akhund = graph.find("uksl:AFG0006");
  REQUIRE(akhund);
  CHECK(graph.kind(*akhund) == skg::NodeKind::Person);
  CHECK(graph.name(*akhund) == "MOHAMMAD HASSAN AKHUND");
  const auto names = graph.names(*akhund);
  bool variation = false, arabic = false;
  for (const skg::Name& name : names) {
    variation |= graph.string(name.text) == "Mohammad Akhwand" && name.type == skg::NameType::Aka;
    arabic |= graph.string(name.text) == "محمد حسن آخوند";
  }
  CHECK(variation);  // Primary Name Variation: an alias
  CHECK(arabic);     // the non-Latin script name, as written
  // "12/05/1958", "dd/mm/1945" and "1946": as partial as the list gives them.
  CHECK(graph.attribute(*akhund, "birthDate") == Values{"1958-05-12", "1945", "1946"});
  // The list repeats the passport: it is kept once.
  CHECK(graph.attribute(*akhund, "identification") ==
        Values{"Passport, P04581926 (Afghanistan passport number P04581926, issued in Kandahar (expires 7 August 2034))",
               "National identification number, 2132370 (Afghan national identification card (tazkira) number)"});
  CHECK(graph.attribute(*akhund, "title") == Values{"Mullah", "Haji"});
  CHECK(graph.attribute(*akhund, "birthPlace") == Values{"Pashmul village, Panjwai District, Afghanistan"});
  CHECK(graph.attribute(*akhund, "nationality") == Values{"Afghanistan"});
  CHECK(graph.attribute(*akhund, "ukSanctionsListId") == Values{"AFG0006"});
  CHECK(graph.attribute(*akhund, "ofsiGroupId") == Values{"7172"});
  CHECK(graph.attribute(*akhund, "unReference") == Values{"TAi.002"});

  const skg::Action* action = listing(graph, *akhund);
  REQUIRE(action);
  CHECK(graph.string(action->authority) == "FCDO");
  CHECK(graph.string(action->list) == "UK Sanctions List");
  CHECK(graph.string(action->program) == "The Afghanistan (Sanctions) (EU Exit) Regulations 2020");
  CHECK(graph.string(action->measures) == "Asset freeze|Travel Ban");
  CHECK(action->measure_set == skg::Measures{skg::Measure::AssetFreeze, skg::Measure::TravelBan});
  CHECK(action->issuer == skg::Issuer::Uk);
  CHECK(action->list_id == skg::SanctionList::UkSanctionsList);
  CHECK(action->listed == skg::Date::from_ymd(2001, 1, 25));
  CHECK(action->in_force.start == skg::Date::from_ymd(2001, 1, 25));
  const auto action_node = graph.find("uksl:AFG0006#UKSL");
  REQUIRE(action_node);
  CHECK(graph.attribute(*action_node, "designationSource") == Values{"UK|UN"});
  CHECK(graph.attribute(*action_node, "lastUpdated") == Values{"2026-04-14"});
}

TEST_CASE("uk_sanctions_list: an entity's aliases by strength, Arabic name, UK company number, ship and measures") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_uk_sanctions_list(sample(), builder);
  const skg::Graph graph = std::move(builder).freeze();

  const auto exchange = graph.find("uksl:AFG0001");
  REQUIRE(exchange);
  CHECK(graph.kind(*exchange) == skg::NodeKind::LegalEntity);
  CHECK(graph.name(*exchange) == "HAJI KHAIRULLAH MONEY EXCHANGE");
  bool persian = false;
  for (const skg::Name& name : graph.names(*exchange)) persian |= graph.string(name.text) == "حاجی خيرالله صرافی";
  CHECK(persian);
  CHECK(graph.attribute(*exchange, "unReference") == Values{"TAe.010"});  // UN-sourced: keeps its UN reference
  CHECK(graph.attribute(*exchange, "address") ==
        Values{"Ansari Market, 2nd Floor, Nimroz Province, Afghanistan", "Branch Office 14, Dubai, United Arab Emirates"});
  CHECK(graph.attribute(*exchange, "phone") == Values{"0202-104748"});

  const auto bnk = graph.find("uksl:BEL0107");
  REQUIRE(bnk);
  CHECK(graph.name(*bnk) == "BNK (UK) Ltd");
  const auto names = graph.names(*bnk);
  bool strong = false, weak = false;
  for (const skg::Name& name : names) {
    strong |= graph.string(name.text) == "BNK UK Limited" && name.strength == skg::NameStrength::Strong;
    weak |= graph.string(name.text) == "BNK" && name.strength == skg::NameStrength::Weak;
  }
  CHECK(strong);  // "Good quality a.k.a"
  CHECK(weak);    // "Low quality a.k.a"
  CHECK(graph.attribute(*bnk, "gbCompanyNumber") == Values{"06527449"});
  CHECK(graph.attribute(*bnk, "identification") ==
        Values{"UK company number, 06527449, United Kingdom (UK Company no. 06527449)"});
  const skg::Action* bnk_action = listing(graph, *bnk);
  REQUIRE(bnk_action);
  CHECK(bnk_action->measure_set ==
        skg::Measures{skg::Measure::AssetFreeze, skg::Measure::DirectorDisqualification});
  // The parents and the subsidiary are designations of no record in this file: kept as written,
  // reported as unresolved, and no party is made from a bare name.
  CHECK(graph.attribute(*bnk, "parentCompany") == Values{"CJSC Belarusian Oil Company", "Belneftekhim"});
  CHECK(graph.attribute(*bnk, "subsidiary") == Values{"BNK (Deutschland) GmbH"});
  CHECK(report.count("links unresolved") == 3);
  CHECK(report.unresolved.size() == 3);
  CHECK_FALSE(graph.find("CJSC Belarusian Oil Company"));

  const auto petrel = graph.find("uksl:DPR0075");
  REQUIRE(petrel);
  CHECK(graph.kind(*petrel) == skg::NodeKind::Vessel);
  CHECK(graph.attribute(*petrel, "imoNumber") == Values{"IMO9562233"});
  CHECK(graph.attribute(*petrel, "flag") == Values{"Comoros"});
  CHECK(graph.attribute(*petrel, "pastFlag") == Values{"India"});
  CHECK(graph.attribute(*petrel, "vesselOwner") == Values{"Global United Shipping India"});
  const skg::Action* port = listing(graph, *petrel);
  REQUIRE(port);
  // "Prohibition of port entry" has no typed measure: unknown, never an asset freeze.
  CHECK(port->measure_set.unknown());
  CHECK(graph.string(port->measures) == "Prohibition of port entry");
  CHECK(report.count("sanctions imposed not mapped") == 1);

  const auto harun = graph.find("uksl:AQD0195");
  REQUIRE(harun);
  CHECK(graph.name(*harun) == "Fadhil Harun");
  CHECK(graph.attribute(*harun, "birthDate") == Values{"1972"});  // "dd/mm/1972"
}

TEST_CASE("uk_sanctions_list: a parent company that is a designation of the file becomes a SUBSIDIARY_OF edge") {
  const std::string path = write(
      "uksl_parent.xml",
      uk_list({entity("RUS0001", "Parent Holding JSC", "Asset freeze",
                      "    <EntityDetails><Entity><Subsidiaries><Subsidiary>Child  LLC</Subsidiary></Subsidiaries></Entity></EntityDetails>\n"),
               entity("RUS0002", "Child LLC", "Asset freeze",
                      "    <EntityDetails><Entity><ParentCompanies><ParentCompany>PARENT HOLDING JSC</ParentCompany>"
                      "</ParentCompanies></Entity></EntityDetails>\n")}));
  skg::Builder builder;
  const skg::LoadReport report = skg::load_uk_sanctions_list(path, builder);
  CHECK(report.unresolved.empty());
  const skg::Graph graph = std::move(builder).freeze();
  const auto parent = graph.find("uksl:RUS0001"), child = graph.find("uksl:RUS0002");
  REQUIRE(parent);
  REQUIRE(child);
  int links = 0;
  for (skg::EdgeId edge : graph.out_edges(*child))
    if (graph.edge_kind(edge) == skg::EdgeKind::SubsidiaryOf) {
      ++links;
      CHECK(graph.target(edge) == *parent);
    }
  CHECK(links == 1);  // stated by both records, one link
}

TEST_CASE("uk_sanctions_list: reloading the file changes nothing") {
  skg::Builder once, twice;
  skg::load_uk_sanctions_list(sample(), once);
  skg::load_uk_sanctions_list(sample(), twice);
  skg::load_uk_sanctions_list(sample(), twice);
  const skg::Graph a = std::move(once).freeze(), b = std::move(twice).freeze();
  CHECK(a.node_count() == b.node_count());
  CHECK(a.edge_count() == b.edge_count());
  const auto node = b.find("uksl:AFG0006");
  REQUIRE(node);
  CHECK(b.names(*node).size() == a.names(*a.find("uksl:AFG0006")).size());
  CHECK(b.attribute(*node, "birthDate") == Values{"1958-05-12", "1945", "1946"});
}

TEST_CASE("uk_sanctions_list: the format is told from the content") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load(sample(), builder);
  CHECK(report.count("actions") == 5);
  CHECK(skg::parse_format("uk-sl") == skg::Format::UkSanctionsList);
  CHECK(skg::to_string(skg::Format::UkSanctionsList) == "uk-sl");
}

TEST_CASE("uk_sanctions_list: bad files name file, line and record - a bad designation is skipped or refused") {
  skg::Builder builder;
  SUBCASE("a file that cannot be read as the list throws in either mode") {
    for (const auto mode : {skg::OnBadRecord::Fail, skg::OnBadRecord::Skip}) {
      CHECK_THROWS_WITH_AS(skg::load_uk_sanctions_list(broken("uksl_malformed.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("uksl_malformed.xml:9: malformed XML"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_uk_sanctions_list(broken("uksl_truncated.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("malformed XML"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_uk_sanctions_list(broken("uksl_empty.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("empty file"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_uk_sanctions_list(broken("uksl_wrong_format.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("not a UK Sanctions List"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_uk_sanctions_list(datasets("samples/uk/ofsi_conlist_2018-04_excerpt.csv"), builder,
                                                       {.on_bad_record = mode}),
                           doctest::Contains("not a UK Sanctions List: the file is not XML"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_uk_sanctions_list(broken("uksl_invalid_utf8.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("uksl_invalid_utf8.xml:19: invalid UTF-8"), skg::LoadError);
    }
    CHECK(builder.entity_count() == 0);
  }
  SUBCASE("a designation date that is not dd/mm/yyyy") {
    CHECK_THROWS_WITH_AS(skg::load_uk_sanctions_list(broken("uksl_bad_date.xml"), builder),
                         doctest::Contains("uksl_bad_date.xml:15: DateDesignated '2010-05-13' is not a date written "
                                           "dd/mm/yyyy (record 'AQD0195')"),
                         skg::LoadError);
    CHECK(builder.entity_count() == 0);
    const auto report =
        skg::load_uk_sanctions_list(broken("uksl_bad_date.xml"), builder, {.on_bad_record = skg::OnBadRecord::Skip});
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].record == "AQD0195");
    CHECK(report.skipped[0].line == 15);
    CHECK(report.count("entities") == 1);
  }
  SUBCASE("each other bad designation, with its reason") {
    const std::pair<const char*, const char*> cases[] = {
        {"uksl_no_unique_id.xml", "no UniqueID"},
        {"uksl_duplicate_unique_id.xml", "UniqueID 'AFG0006' is given to an earlier designation of the file too"},
        {"uksl_bad_kind.xml", "IndividualEntityShip 'Aircraft' is not Individual, Entity or Ship"},
        {"uksl_no_name.xml", "no name"},
    };
    for (const auto& item : cases) {
      const std::string file(item.first);
      const char* reason = item.second;
      CAPTURE(file);
      CHECK_THROWS_WITH_AS(skg::load_uk_sanctions_list(broken(file), builder), doctest::Contains(reason), skg::LoadError);
      const auto report = skg::load_uk_sanctions_list(broken(file), builder, {.on_bad_record = skg::OnBadRecord::Skip});
      REQUIRE(report.skipped.size() == 1);
      CHECK(report.skipped[0].reason == reason);
      CHECK(report.skipped[0].line == 15);
    }
  }
  SUBCASE("a date of birth that names no day is kept as written, with a warning") {
    const auto report = skg::load_uk_sanctions_list(broken("uksl_impossible_dob.xml"), builder);
    REQUIRE(report.warnings.size() == 1);
    CHECK(report.warnings[0].reason.find("DOB '31/02/1970'") != std::string::npos);
    const skg::Graph graph = std::move(builder).freeze();
    CHECK(graph.attribute(*graph.find("uksl:AQD0195"), "birthDate") == Values{"31/02/1970"});
  }
}

TEST_CASE("uk_sanctions_list: every broken uksl_ file loads or throws LoadError, in both modes") {
  skg::testing::check_broken_files_load_or_throw("uksl_", skg::load_uk_sanctions_list);
}

TEST_CASE("uk_sanctions_list: under --rule uk an asset-freeze designee's >50% makes its company owned or controlled, a travel ban alone does not") {
  // Two designations of the list: one with an asset freeze, one with only a travel ban (the
  // list's own words), each owning 60% of an undesignated company.
  const std::string path = write(
      "uksl_rule_uk.xml",
      uk_list({entity("RUS9001", "Frozen Holder Ltd", "Asset freeze"), entity("RUS9002", "Banned Traveller Ltd", "Travel Ban")}));
  skg::Builder builder;
  skg::load_uk_sanctions_list(path, builder);
  builder.add_entity({.id = "co:a", .kind = skg::NodeKind::Company, .name = "Alpha Trading LLP", .source = {"test", "a"}});
  builder.add_entity({.id = "co:b", .kind = skg::NodeKind::Company, .name = "Beta Trading LLP", .source = {"test", "b"}});
  builder.add_edge({.kind = skg::EdgeKind::Owns, .from = "uksl:RUS9001", .to = "co:a", .share = skg::Percent::exact(60),
                    .source = {"test", "a"}});
  builder.add_edge({.kind = skg::EdgeKind::Owns, .from = "uksl:RUS9002", .to = "co:b", .share = skg::Percent::exact(60),
                    .source = {"test", "b"}});
  const skg::Graph graph = std::move(builder).freeze();
  const auto day = skg::Date::from_ymd(2024, 6, 1);

  const skg::Exposure frozen = skg::exposure(graph, *graph.find("co:a"), {.rule = skg::Rule::Uk, .as_of = day});
  CHECK(frozen.blocked == skg::Verdict::Yes);
  CHECK(frozen.aggregate_percent == doctest::Approx(60));
  CHECK(skg::exposure(graph, *graph.find("uksl:RUS9001"), {.rule = skg::Rule::Uk, .as_of = day}).listed);

  const skg::Exposure banned = skg::exposure(graph, *graph.find("co:b"), {.rule = skg::Rule::Uk, .as_of = day});
  CHECK(banned.blocked == skg::Verdict::No);
  CHECK_FALSE(skg::exposure(graph, *graph.find("uksl:RUS9002"), {.rule = skg::Rule::Uk, .as_of = day}).listed);
  // Before the designation date the freeze did not exist.
  CHECK(skg::exposure(graph, *graph.find("co:a"), {.rule = skg::Rule::Uk, .as_of = skg::Date::from_ymd(2022, 2, 1)})
            .blocked == skg::Verdict::No);
}

TEST_CASE("uk_sanctions_list: the FCDO sample in ../shared loads whole") {
  const std::string path = skg::testing::shared("uk/uk_sanctions_list_sample_2026-09.xml");
  if (!std::filesystem::exists(path)) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  skg::Builder builder;
  const auto report = skg::load(path, builder);
  CHECK(report.count("entities") == 5);
  CHECK(report.skipped.empty());
}
