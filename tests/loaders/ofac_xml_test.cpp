#include "skg/loaders/ofac_xml.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/loaders/ofac_csv.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"

#include "graph/graph_fingerprint.h"
#include "loaders/loader_test_util.h"

namespace {

using skg::testing::broken;
using skg::testing::datasets;
using skg::testing::listing;
using skg::testing::shared;
using Strings = std::vector<std::string_view>;

std::string sample(std::string_view name) { return datasets("samples/ofac_xml/" + std::string(name)); }
const std::string kClassic = sample("consolidated_2024-05-06_excerpt.xml");
const std::string kAdvanced = sample("cons_advanced_2020-03-17_excerpt.xml");
const std::string kEnhanced = sample("enhanced_irgc_2024-08-28_excerpt.xml");
const std::string kCsv = datasets("samples/ofac/sdn.csv");  // SDN CSV of July 2021

skg::NodeId node(const skg::Graph& graph, std::string_view id) {
  const auto found = graph.find(id);
  REQUIRE_MESSAGE(found, id);
  return *found;
}

bool has_name(const skg::Graph& graph, skg::NodeId party, std::string_view text, skg::NameType type,
              skg::NameStrength strength) {
  const auto names = graph.names(party);
  return std::any_of(names.begin(), names.end(), [&](const skg::Name& name) {
    return graph.string(name.text) == text && name.type == type && name.strength == strength;
  });
}

/// The action node with this id.
const skg::Action* action(const skg::Graph& graph, std::string_view id) {
  const auto found = graph.find(id);
  return found ? graph.action(*found) : nullptr;
}

/// The edges of `kind` from `from` to `to`.
std::vector<skg::EdgeId> edges(const skg::Graph& graph, skg::NodeId from, skg::NodeId to, skg::EdgeKind kind) {
  std::vector<skg::EdgeId> out;
  for (skg::EdgeId edge : graph.out_edges(from))
    if (graph.target(edge) == to && graph.edge_kind(edge) == kind) out.push_back(edge);
  return out;
}

}  // namespace

TEST_CASE("ofac_xml: a classic consolidated entry reads back its names, documents, CMIC dates and list") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_ofac_xml(kClassic, builder);
  CHECK(report.count("entities") == 11);
  CHECK(report.count("actions") == 11);
  const skg::Graph graph = std::move(builder).freeze();

  const auto cnooc = node(graph, "ofac-cons:30926");
  CHECK(graph.name(cnooc) == "CNOOC LIMITED");
  CHECK(graph.kind(cnooc) == skg::NodeKind::LegalEntity);
  CHECK(graph.attribute(cnooc, "ofacUid") == Strings{"30926"});
  CHECK(graph.attribute(cnooc, "leiCode") == Strings{"549300XIVJCBIGMRUD48"});
  CHECK(graph.attribute(cnooc, "id:Legal Entity Number") == Strings{"549300XIVJCBIGMRUD48"});
  CHECK(graph.attribute(cnooc, "id:Company Number") == Strings{"0685974 (Hong Kong)"});
  CHECK(graph.attribute(cnooc, "listingDate (CMIC)") == Strings{"2021-06-03"});
  CHECK(graph.attribute(cnooc, "effectiveDate (CMIC)") == Strings{"2021-08-02"});
  const skg::Action* cmic = action(graph, "ofac-cons:30926#NON-SDN");
  REQUIRE(cmic);
  CHECK(graph.string(cmic->program) == "CMIC-EO13959");
  CHECK(cmic->list_id == skg::SanctionList::OfacCmic);
  CHECK(cmic->measure_set == skg::Measures{skg::Measure::InvestmentBan});
  CHECK_FALSE(cmic->listed);  // the classic layout gives no listing date, only the list's date
  CHECK(graph.attribute(node(graph, "ofac-cons:30926#NON-SDN"), "publishDate") == Strings{"2024-05-06"});

  // Strong and weak a.k.a.s as OFAC grades them; the "Linked To" party is not in the file.
  const auto zahhar = node(graph, "ofac-cons:9647");
  CHECK(graph.name(zahhar) == "ZAHHAR, Mahmoud Khaled");
  CHECK(has_name(graph, zahhar, "AL ZAHAR, Mahmoud Khaled", skg::NameType::Aka, skg::NameStrength::Strong));
  CHECK(has_name(graph, zahhar, "ZAHAR, Mahmoud", skg::NameType::Aka, skg::NameStrength::Weak));
  CHECK(graph.attribute(zahhar, "birthDate") == Strings{"1945"});
  CHECK(graph.attribute(zahhar, "linkedTo") == Strings{"HAMAS"});
  CHECK(std::any_of(report.unresolved.begin(), report.unresolved.end(),
                    [](const skg::LoadIssue& issue) { return issue.record == "9647"; }));

  // An FSE entry: a citizenship, an exact birth date, a passport with its country.
  const auto evren = node(graph, "ofac-cons:26182");
  CHECK(graph.kind(evren) == skg::NodeKind::Person);
  CHECK(graph.attribute(evren, "citizenship") == Strings{"Turkey"});
  CHECK(graph.attribute(evren, "birthDate") == Strings{"1980-02-08"});
  CHECK(graph.attribute(evren, "id:Passport") == Strings{"U00242309 (Turkey)"});
  REQUIRE(listing(graph, evren));
  CHECK(listing(graph, evren)->list_id == skg::SanctionList::OfacFse);
  CHECK(listing(graph, evren)->measure_set == skg::Measures{skg::Measure::TransactionBan});
}

TEST_CASE("ofac_xml: an advanced profile reads back its names, sanctions entries and dates") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_ofac_xml(kAdvanced, builder);
  CHECK(report.count("entities") == 8);
  const skg::Graph graph = std::move(builder).freeze();

  // On the SDN List and the PLC list: an ofac-sdn id, one action per list with its own date.
  const auto hammad = node(graph, "ofac-sdn:9659");
  CHECK(graph.name(hammad) == "HAMMAD, Fathi Ahmad Mohammad");
  CHECK(graph.attribute(hammad, "lastName") == Strings{"HAMMAD"});
  CHECK(graph.attribute(hammad, "birthDate") == Strings{"1961"});  // a DatePeriod over 1961
  CHECK(has_name(graph, hammad, "Hamad, Fathy Ahmed", skg::NameType::Aka, skg::NameStrength::Strong));
  const skg::Action* sdn = action(graph, "ofac-sdn:9659#SDN");
  REQUIRE(sdn);
  CHECK(sdn->listed == skg::Date::from_ymd(2016, 9, 16));
  CHECK(sdn->measure_set == skg::Measures{skg::Measure::AssetFreeze});
  CHECK(graph.string(sdn->legal_basis).find("Executive Order 13224 (Terrorism)") != std::string_view::npos);
  const skg::Action* plc = action(graph, "ofac-sdn:9659#NON-SDN");
  REQUIRE(plc);
  CHECK(graph.string(plc->list) == "Non-SDN Palestinian Legislative Council List");
  CHECK(plc->list_id == skg::SanctionList::OfacPlc);
  CHECK(plc->listed == skg::Date::from_ymd(2006, 4, 12));
  // General License 4(b): transactions rejected, not blocked (RULES.md §8.1, [OFAC-PLC]).
  CHECK(plc->measure_set == skg::Measures{skg::Measure::TransactionBan});
  CHECK_FALSE(graph.find("ofac-cons:9659"));

  // An SSI entity: documents resolved through IDRegDocTypeValues and CountryValues, a directive
  // through DetailReferenceValues, its entry on the SSI list with the directive it is under.
  const auto vtb = node(graph, "ofac-cons:17013");
  CHECK(graph.name(vtb) == "VTB BANK OAO");
  CHECK(graph.attribute(vtb, "id:Tax ID No.") == Strings{"7702070139 (Russia)"});
  CHECK(graph.attribute(vtb, "id:SWIFT/BIC") == Strings{"VTBRRUMM"});
  CHECK(graph.attribute(vtb, "directive") ==
        Strings{"Executive Order 13662 Directive Determination - Subject to Directive 1"});
  CHECK(has_name(graph, vtb, "VNESHTORGBANK", skg::NameType::Fka, skg::NameStrength::Strong));
  const skg::Action* ssi = action(graph, "ofac-cons:17013#NON-SDN");
  REQUIRE(ssi);
  CHECK(ssi->list_id == skg::SanctionList::OfacSsi);
  CHECK(ssi->measure_set == skg::Measures{skg::Measure::Sectoral});
  CHECK(ssi->listed == skg::Date::from_ymd(2014, 7, 29));
  CHECK(graph.string(ssi->measures) == "13662 Sectoral Directive 1");
}

TEST_CASE("ofac_xml: an advanced 'Owned or Controlled By' relationship is an OWNS edge of unknown share") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_ofac_xml(kAdvanced, builder);
  CHECK(report.count("relationships") == 2);
  CHECK(report.unresolved.empty());
  const skg::Graph graph = std::move(builder).freeze();
  const auto rosneft = node(graph, "ofac-cons:17022"), orenburgneft = node(graph, "ofac-cons:18267");
  const auto owns = edges(graph, rosneft, orenburgneft, skg::EdgeKind::Owns);
  REQUIRE(owns.size() == 1);
  CHECK_FALSE(graph.share(owns[0]).known());  // OFAC states no percentage: never invented
  CHECK(graph.role(owns[0]) == "Owned or Controlled By");
  CHECK(graph.edge_external_id(owns[0]) == "ofac-rel:2211");
  CHECK(skg::testing::edge_attribute(graph, owns[0], "statedBy") == Strings{"ofac-cons:18267"});
}

TEST_CASE("ofac_xml: an enhanced entity reads back its names in Latin and Arabic script, parts and documents") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_ofac_xml(kEnhanced, builder);
  CHECK(report.count("entities") == 11);
  const skg::Graph graph = std::move(builder).freeze();

  const auto lashgarian = node(graph, "ofac-sdn:47395");
  CHECK(graph.kind(lashgarian) == skg::NodeKind::Person);
  CHECK(graph.name(lashgarian) == "LASHGARIAN, Hamid Reza");
  // The Persian spelling, without the directional marks OFAC wraps it in.
  CHECK(has_name(graph, lashgarian, "حمیدرضا لشگریان", skg::NameType::Aka, skg::NameStrength::Strong));
  CHECK(has_name(graph, lashgarian, "LASHGARIAN, Hamidreza", skg::NameType::Aka, skg::NameStrength::Strong));
  CHECK(graph.attribute(lashgarian, "firstName") == Strings{"Hamid Reza", "حمیدرضا"});
  CHECK(graph.attribute(lashgarian, "birthDate") == Strings{"1961-03-21"});
  CHECK(graph.attribute(lashgarian, "nationality") == Strings{"Iran"});
  CHECK(graph.attribute(lashgarian, "id:Passport") ==
        Strings{"D10006686 (Iran)", "N46460034 (Iran)", "D10012058 (Iran)"});
  const skg::Action* sdn = action(graph, "ofac-sdn:47395#SDN");
  REQUIRE(sdn);
  CHECK(sdn->listed == skg::Date::from_ymd(2024, 2, 2));
  CHECK(sdn->measure_set == skg::Measures{skg::Measure::AssetFreeze});
  CHECK(graph.string(sdn->program) == "IFSR; IRGC; SDGT");

  // "circa" as OFAC writes it.
  CHECK(graph.attribute(node(graph, "ofac-sdn:10479"), "birthDate").front().starts_with("circa "));

  // Relationships as typed edges; the leader relationship names a party not in the file.
  const auto ansar = node(graph, "ofac-sdn:12478");
  CHECK(edges(graph, node(graph, "ofac-sdn:26526"), ansar, skg::EdgeKind::Represents).size() == 1);
  const auto owned = edges(graph, ansar, node(graph, "ofac-sdn:26527"), skg::EdgeKind::Owns);
  REQUIRE(owned.size() == 1);
  CHECK_FALSE(graph.share(owned[0]).known());
  CHECK(edges(graph, node(graph, "ofac-sdn:10391"), ansar, skg::EdgeKind::Owns).size() == 1);
  REQUIRE(report.unresolved.size() == 1);
  CHECK(report.unresolved[0].record == "47395");
  CHECK(report.unresolved[0].reason.find("ofac-sdn:23475") != std::string::npos);
}

TEST_CASE("ofac_xml: loading the same file twice changes nothing") {
  for (const std::string& path : {kClassic, kAdvanced, kEnhanced}) {
    CAPTURE(path);
    skg::Builder once, twice;
    skg::load_ofac_xml(path, once);
    skg::load_ofac_xml(path, twice);
    skg::load_ofac_xml(path, twice);
    CHECK(skg::testing::fingerprint(std::move(once).freeze()) == skg::testing::fingerprint(std::move(twice).freeze()));
  }
}

TEST_CASE("ofac_xml: the same uid from the OFAC CSV and the enhanced XML is one node with both records") {
  // samples/ofac/sdn.csv (2021) and the enhanced excerpt (2024) share 10391, 10465 and 12478.
  skg::Builder builder;
  skg::load_ofac_csv(kCsv, builder);
  const std::size_t csv_entities = builder.entity_count();
  const skg::LoadReport report = skg::load_ofac_xml(kEnhanced, builder);
  CHECK(builder.entity_count() == csv_entities + 2 * (report.count("entities") - 3));  // parties and their actions
  const skg::Graph graph = std::move(builder).freeze();
  const auto ansar = node(graph, "ofac-sdn:12478");
  CHECK(graph.name(ansar) == "ANSAR BANK");
  // Each record states the uid (the CSV's and the XML's), each with its own provenance.
  const auto uids = graph.attribute(ansar, "ofacUid");
  CHECK(!uids.empty());
  CHECK(std::all_of(uids.begin(), uids.end(), [](const auto& uid) { return uid == "12478"; }));
  std::vector<std::string_view> files;
  for (skg::ProvId prov : graph.provenance(ansar)) files.push_back(graph.string(graph.provenance_record(prov).source));
  CHECK(std::count(files.begin(), files.end(), kCsv) >= 1);
  CHECK(std::count(files.begin(), files.end(), kEnhanced) >= 1);
  // One listing: the CSV's action, dated by the XML.
  const skg::Action* sdn = action(graph, "ofac-sdn:12478#SDN");
  REQUIRE(sdn);
  CHECK(sdn->listed == skg::Date::from_ymd(2010, 12, 21));
  std::size_t listings = 0;
  for (skg::EdgeId edge : graph.out_edges(ansar)) listings += graph.edge_kind(edge) == skg::EdgeKind::TargetOf;
  CHECK(listings == 1);
  // The XML's relationship reaches the CSV's party: one edge between the two merged nodes.
  CHECK(edges(graph, node(graph, "ofac-sdn:10391"), ansar, skg::EdgeKind::Owns).size() == 1);
}

TEST_CASE("ofac_xml: a folder with the XML named before the CSV still gives one node per uid") {
  namespace fs = std::filesystem;
  const fs::path folder = fs::path(SKG_TEST_OUTPUT_DIR) / "ofac_xml_folder";
  fs::remove_all(folder);
  fs::create_directories(folder);
  fs::copy_file(kEnhanced, folder / "a_enhanced.xml");
  fs::copy_file(kCsv, folder / "sdn.csv");
  skg::Builder builder;
  const skg::LoadReport report = skg::load(folder.string(), builder);
  CHECK(report.count("entities") == 309 + 11);
  const skg::Graph graph = std::move(builder).freeze();
  CHECK(graph.find("ofac-sdn:12478"));
}

TEST_CASE("ofac_xml: the real SDN CSV and the real enhanced IRGC export give one node per uid") {
  const std::string csv = shared("ofac/sdn_2024-05-03/sdn.csv"), xml = shared("ofac/xml/enhanced_irgc_2024-08-28.xml");
  if (!std::filesystem::exists(csv) || !std::filesystem::exists(xml)) {
    MESSAGE("skipped: ../shared/datasets/ofac is absent");
    return;
  }
  skg::Builder builder;
  skg::load_ofac_csv(csv, builder, {.on_bad_record = skg::OnBadRecord::Skip});
  const std::size_t csv_entities = builder.entity_count();
  const skg::LoadReport report = skg::load_ofac_xml(xml, builder);
  CHECK(report.count("entities") == 293);
  CHECK(builder.entity_count() == csv_entities);  // all 293 XML parties are SDN rows of the CSV
}

TEST_CASE("ofac_xml: an 'Owned or Controlled By' an SDN shows in owners and is an OFAC caution, not a block") {
  // A non-SDN party (menu-based list) that OFAC says is owned or controlled by ANSAR BANK (SDN),
  // with no percentage: the 50 Percent Rule cannot block it on that, and says why.
  const std::string path = std::string(SKG_TEST_OUTPUT_DIR) + "/ofac_xml_owned_by_sdn.xml";
  {
    std::ofstream out(path);
    out << R"(<?xml version="1.0" encoding="utf-8"?>
<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML">
  <entities>
    <entity id="990001">
      <generalInfo><identityId>1</identityId><entityType refId="601">Entity</entityType></generalInfo>
      <sanctionsLists><sanctionsList refId="91868" id="1" datePublished="2024-01-10">Non-SDN Menu-Based Sanctions List</sanctionsList></sanctionsLists>
      <sanctionsPrograms><sanctionsProgram refId="1" id="1">CAATSA - RUSSIA</sanctionsProgram></sanctionsPrograms>
      <names><name id="1"><isPrimary>true</isPrimary><isLowQuality>false</isLowQuality><translations>
        <translation id="1"><isPrimary>true</isPrimary><script refId="20122">Latin</script>
          <formattedFullName>EXAMPLE TRADING COMPANY</formattedFullName></translation></translations></name></names>
      <relationships><relationship id="990002"><type refId="15003">Owned or Controlled By</type>
        <relatedEntity entityId="12478">ANSAR BANK</relatedEntity></relationship></relationships>
    </entity>
  </entities>
</sanctionsData>
)";
  }
  skg::Builder builder;
  skg::load(kEnhanced, builder);
  skg::load(path, builder);
  const skg::Graph graph = std::move(builder).freeze();
  const auto company = node(graph, "ofac-cons:990001"), ansar = node(graph, "ofac-sdn:12478");

  const auto up = skg::owners(graph, company);
  REQUIRE_FALSE(up.empty());
  CHECK(up[0].party == ansar);
  CHECK_FALSE(up[0].share.known());

  const skg::Exposure answer = skg::exposure(graph, company, {.rule = skg::Rule::Ofac});
  CHECK_FALSE(answer.listed);  // the menu-based list is not a designation under the rule
  CHECK(answer.blocked != skg::Verdict::Yes);
  CHECK_FALSE(answer.aggregate_percent);
  std::vector<skg::Reason> all = answer.reasons;
  all.insert(all.end(), answer.cautions.begin(), answer.cautions.end());
  CHECK(std::any_of(all.begin(), all.end(), [&](const skg::Reason& reason) {
    return reason.kind == skg::ReasonKind::UnknownShare && !reason.chain.empty() && reason.chain.front().owner == ansar;
  }));
}

TEST_CASE("ofac_xml: format detection tells each layout by its content, whatever the file is named") {
  for (const std::string& path : {kClassic, kAdvanced, kEnhanced}) {
    CAPTURE(path);
    CHECK(skg::detect_format(skg::testing::head_of(path, 64 * 1024), "download.xml") == skg::Format::OfacXml);
  }
  CHECK(skg::parse_format("ofac-xml") == skg::Format::OfacXml);
  // The classic layout names no list: sdn.xml is the SDN list, consolidated.xml the non-SDN one.
  const std::string sdn_xml = std::string(SKG_TEST_OUTPUT_DIR) + "/sdn.xml";
  std::filesystem::copy_file(kClassic, sdn_xml, std::filesystem::copy_options::overwrite_existing);
  skg::Builder builder;
  skg::load(sdn_xml, builder);
  const skg::Graph graph = std::move(builder).freeze();
  REQUIRE(graph.find("ofac-sdn:26182"));
  CHECK_FALSE(graph.find("ofac-cons:26182"));
  REQUIRE(action(graph, "ofac-sdn:26182#SDN"));
  CHECK(action(graph, "ofac-sdn:26182#SDN")->measure_set == skg::Measures{skg::Measure::AssetFreeze});
  CHECK_FALSE(skg::looks_like_ofac_xml("<?xml version=\"1.0\"?><CONSOLIDATED_LIST>", "consolidated.xml"));
}

TEST_CASE("ofac_xml: each broken file fails with its reason and leaves the builder as it was") {
  struct Case {
    const char* file;
    const char* reason;
  };
  const Case cases[] = {
      {"ofacxml_empty.xml", "empty file"},
      {"ofacxml_invalid_utf8.xml", "invalid UTF-8"},
      {"ofacxml_malformed.xml", "malformed XML"},
      {"ofacxml_truncated.xml", "malformed XML"},
      {"ofacxml_wrong_root.xml", "root element 'sdnEntry'"},
      {"ofacxml_no_uid.xml", "no uid"},
      {"ofacxml_duplicate_uid.xml", "duplicate uid 9639"},
      {"ofacxml_bad_alias_type.xml", "aka type 'x.k.a.'"},
      {"ofacxml_bad_publish_date.xml", "Publish_Date '13/45/2024'"},
      {"ofacxml_bad_uid.xml", "uid '26719a' is not a number"},
      {"ofacxml_no_name.xml", "no name"},
      {"ofacxml_enhanced_bad_date.xml", "datePublished '2019-02-30'"},
      {"ofacxml_bad_date.xml", "EntryEvent Date is not a calendar date"},
      {"ofacxml_unknown_reference.xml", "ListID '999' names no List"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    skg::Builder builder;
    skg::load_ofac_xml(kEnhanced, builder);
    const std::size_t before = builder.entity_count();
    try {
      skg::load_ofac_xml(broken(c.file), builder);
      FAIL("no LoadError");
    } catch (const skg::LoadError& error) {
      CHECK(error.reason().find(c.reason) != std::string::npos);
      CHECK(error.file() == broken(c.file));
    }
    CHECK(builder.entity_count() == before);
  }
  // Skip mode: a bad record is listed with its line and record; the others load.
  skg::Builder builder;
  const skg::LoadReport report =
      skg::load_ofac_xml(broken("ofacxml_duplicate_uid.xml"), builder, {.on_bad_record = skg::OnBadRecord::Skip});
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].record == "9639");
  CHECK(report.skipped[0].line > 1);
  CHECK(report.count("entities") == 2);
  skg::testing::check_broken_files_load_or_throw("ofacxml_", static_cast<skg::testing::LoadFile>(&skg::load_ofac_xml));
}
