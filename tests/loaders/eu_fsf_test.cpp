#include "skg/loaders/eu_fsf.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "graph/graph_fingerprint.h"
#include "loaders/loader_test_util.h"
#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/queries/exposure.h"

namespace {

using skg::testing::broken;
using skg::testing::datasets;
using Values = std::vector<std::string_view>;

std::string sample() { return datasets("samples/eu/fsf_sample_2026-08.xml"); }

skg::Graph load_sample() {
  skg::Builder builder;
  skg::load_eu_fsf(sample(), builder);
  return std::move(builder).freeze();
}

skg::NodeId party(const skg::Graph& graph, std::string_view id) {
  const auto found = graph.find(id);
  REQUIRE_MESSAGE(found.has_value(), id);
  return *found;
}

/// The names of a party, in order, with their strength.
std::vector<std::pair<std::string_view, skg::NameStrength>> names_of(const skg::Graph& graph, skg::NodeId node) {
  std::vector<std::pair<std::string_view, skg::NameStrength>> out;
  for (const skg::Name& name : graph.names(node)) out.emplace_back(graph.string(name.text), name.strength);
  return out;
}

bool has_name(const skg::Graph& graph, skg::NodeId node, std::string_view text,
              skg::NameStrength strength = skg::NameStrength::Strong) {
  for (const auto& [name, grade] : names_of(graph, node))
    if (name == text) return grade == strength;
  return false;
}

/// The actions `node` is the target of, with their node ids.
std::vector<skg::NodeId> actions_of(const skg::Graph& graph, skg::NodeId node) {
  std::vector<skg::NodeId> out;
  for (skg::EdgeId edge : graph.out_edges(node))
    if (graph.edge_kind(edge) == skg::EdgeKind::TargetOf) out.push_back(graph.target(edge));
  return out;
}

}  // namespace

TEST_CASE("eu_fsf: the 2026-08 sample's five entries, 45 aliases and five regulations load") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_eu_fsf(sample(), builder);
  CHECK(report.count("entities") == 5);
  CHECK(report.count("persons") == 4);
  CHECK(report.count("enterprises") == 1);
  CHECK(report.count("aliases") == 45);
  CHECK(report.count("actions") == 5);
  CHECK(report.skipped.empty());
  CHECK(report.warnings.empty());
  const skg::Graph graph = std::move(builder).freeze();
  for (std::string_view id : {"eu-fsf:EU.3579.2", "eu-fsf:EU.502.12", "eu-fsf:EU.3953.70", "eu-fsf:EU.3886.3",
                              "eu-fsf:EU.3092.36"})
    CHECK(graph.find(id).has_value());
}

TEST_CASE("eu_fsf: a person's aliases in every script, documents, dates and listing read back exactly") {
  const skg::Graph graph = load_sample();
  const skg::NodeId dorda = party(graph, "eu-fsf:EU.3886.3");
  CHECK(graph.kind(dorda) == skg::NodeKind::Person);
  CHECK(graph.name(dorda) == "Abu Zayd Umar DORDA");  // the alias recorded first (logicalId 8986)
  CHECK(names_of(graph, dorda).size() == 4);
  CHECK(has_name(graph, dorda, "ABÚ ZAJD UMAR DÚRDA"));
  CHECK(has_name(graph, dorda, "Abu Zayd Umar Hmeid Dorda"));  // two spaces in the file, one here
  CHECK(has_name(graph, dorda, "Dorda Abuzed OE"));
  CHECK(graph.attribute(dorda, "nameLanguage") == Values{"CS: ABÚ ZAJD UMAR DÚRDA"});
  // The identity keys of the cross-source contract.
  CHECK(graph.attribute(dorda, "euReference") == Values{"EU.3886.3"});
  CHECK(graph.attribute(dorda, "unReference") == Values{"LYi.006"});
  CHECK(graph.attribute(dorda, "position") ==
        Values{"Director, External Security Organisation. Head of external intelligence agency."});
  CHECK(graph.attribute(dorda, "gender").empty());
  CHECK(graph.attribute(dorda, "birthDate") == Values{"1944-04-04"});
  CHECK(graph.attribute(dorda, "birthPlace") == Values{"Alrhaybat"});  // country "00": unknown, left out
  CHECK(graph.attribute(dorda, "passportNumber") == Values{"FK117RK0"});
  CHECK(graph.attribute(dorda, "document") ==
        Values{"National passport, FK117RK0, LIBYA (issued 2018-11-25; valid to 2026-11-24; Tripoli)"});
  CHECK(graph.attribute(dorda, "address") == Values{"LIBYA (Libya (Believed status/location: residing in Egypt))"});
  CHECK(graph.attribute(dorda, "notes") ==
        Values{"Listed pursuant to paragraph 15 of resolution 1970 (Travel Ban). Listed on 17 March 2011 "
               "pursuant to paragraph 17 of resolution 1970 (Asset Freeze)."});

  const auto listings = actions_of(graph, dorda);
  REQUIRE(listings.size() == 1);
  REQUIRE_FALSE(graph.external_ids(listings[0]).empty());
  CHECK(graph.string(graph.external_ids(listings[0])[0]) == "eu-fsf:EU.3886.3#161744");
  const skg::Action& listing = *graph.action(listings[0]);
  CHECK(graph.string(listing.authority) == "Council of the European Union");
  CHECK(graph.string(listing.list) == "EU Financial Sanctions Files");
  CHECK(graph.string(listing.program) == "LBY");
  CHECK(graph.string(listing.legal_basis) == "2022/1502 (OJ L235)");
  CHECK(graph.string(listing.citation).starts_with("https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=uriserv%3AOJ.L_.2022.235"));
  // Designated 2011-02-26; the amending regulation's own dates are kept on the action.
  CHECK(listing.listed == skg::Date::from_ymd(2011, 2, 26));
  CHECK(listing.in_force.start == skg::Date::from_ymd(2011, 2, 26));
  CHECK_FALSE(listing.in_force.end);
  CHECK(graph.attribute(listings[0], "regulationType") == Values{"amendment"});
  CHECK(graph.attribute(listings[0], "publicationDate") == Values{"2022-09-12"});
  CHECK(graph.attribute(listings[0], "entryIntoForceDate") == Values{"2022-09-13"});
  CHECK(listing.issuer == skg::Issuer::EuCouncil);
  CHECK(listing.list_id == skg::SanctionList::EuFinancial);
  CHECK(listing.measure_set == skg::Measures{skg::Measure::AssetFreeze});
}

TEST_CASE("eu_fsf: Arabic aliases keep their UN grade, an Islamic-calendar birth date keeps its parts") {
  const skg::Graph graph = load_sample();
  const skg::NodeId asiri = party(graph, "eu-fsf:EU.3092.36");
  CHECK(graph.name(asiri) == "Ibrahim Hassan Tali Al-Asiri");
  CHECK(names_of(graph, asiri).size() == 15);
  CHECK(has_name(graph, asiri, "إبراهيم حسن طالع عسيري", skg::NameStrength::Strong));  // "good quality alias"
  CHECK(has_name(graph, asiri, "إبراهيم حسن طالع العسيري", skg::NameStrength::Strong));  // strong="true"
  CHECK(has_name(graph, asiri, "Ibrahim Hasan Tali’A ’Asiri", skg::NameStrength::Strong));
  // strong="true" in the file, but the remark carries the UN's grade "low quality alias".
  CHECK(has_name(graph, asiri, "Abu-Salaah", skg::NameStrength::Weak));
  CHECK(has_name(graph, asiri, "Abosslah", skg::NameStrength::Weak));
  CHECK(has_name(graph, asiri, "Abu Saleh", skg::NameStrength::Weak));  // "low quality aliias" (sic)
  CHECK(graph.attribute(asiri, "birthDate") ==
        Values{"1982-04-18", "1982-04-19 (ISLAMIC calendar: year 1402, month 6, day 24; hijri calendar)",
               "1982-04-19"});
  CHECK(graph.attribute(asiri, "birthPlace") == Values{"Riyadh, SAUDI ARABIA"});
  CHECK(graph.attribute(asiri, "nationality") == Values{"SAUDI ARABIA"});
  CHECK(graph.attribute(asiri, "idNumber") == Values{"1028745097"});
  CHECK(graph.attribute(asiri, "passportNumber") == Values{"F654645"});
  CHECK(graph.attribute(asiri, "address") == Values{"YEMEN"});
  const Values documents = graph.attribute(asiri, "document");
  REQUIRE(documents.size() == 2);
  CHECK(documents[0] ==
        "National identification card, 1028745097, SAUDI ARABIA ((national civil identification number))");
  CHECK(documents[1].starts_with("National passport, F654645, SAUDI ARABIA (issued 2005-04-30; valid to "
                                 "2010-03-07; known expired; Saudi Arabian passport number"));
  // A Commission regulation (ISIL (Da'esh) and Al-Qaida, programme TAQA).
  const auto listings = actions_of(graph, asiri);
  REQUIRE(listings.size() == 1);
  const skg::Action& listing = *graph.action(listings[0]);
  CHECK(graph.string(listing.authority) == "European Commission");
  CHECK(graph.string(listing.program) == "TAQA");
  CHECK(listing.listed == skg::Date::from_ymd(2011, 3, 24));
  CHECK(listing.measure_set == skg::Measures{skg::Measure::AssetFreeze});
}

TEST_CASE("eu_fsf: a circa range of birth years stays a range, never a day") {
  const skg::Graph graph = load_sample();
  const skg::NodeId jan = party(graph, "eu-fsf:EU.502.12");
  CHECK(graph.name(jan) == "Haji Ahmad Jan");
  CHECK(graph.attribute(jan, "birthDate") == Values{"circa between 1953 and 1958"});
  CHECK(graph.attribute(jan, "birthPlace") ==
        Values{"Tirin Kot District, Uruzgan Province, AFGHANISTAN", "Kandahar province, AFGHANISTAN"});
  CHECK(graph.attribute(jan, "title") == Values{"Maulavi"});
  CHECK(graph.attribute(jan, "position") == Values{"Minister of Water and Electricity under the Taliban regime"});
  CHECK(graph.attribute(jan, "nationality") == Values{"AFGHANISTAN"});
  const auto listings = actions_of(graph, jan);
  REQUIRE(listings.size() == 1);
  CHECK(graph.string(graph.action(listings[0])->program) == "AFG");
  CHECK(graph.action(listings[0])->listed == skg::Date::from_ymd(2001, 1, 25));
}

TEST_CASE("eu_fsf: an enterprise's names in Persian, Irish and Hungarian, its addresses and contacts") {
  const skg::Graph graph = load_sample();
  const skg::NodeId parchin = party(graph, "eu-fsf:EU.3953.70");
  CHECK(graph.kind(parchin) == skg::NodeKind::LegalEntity);
  CHECK(graph.name(parchin) == "Parchin Chemical Industries (PCI)");
  CHECK(names_of(graph, parchin).size() == 16);
  CHECK(has_name(graph, parchin, "صنایع شیمیایی پارچین"));
  CHECK(has_name(graph, parchin, "Tionscail Ceimiceán Parchin"));
  CHECK(has_name(graph, parchin, "Parcsini Vegyipari Vállalat"));
  const Values languages = graph.attribute(parchin, "nameLanguage");
  CHECK(std::find(languages.begin(), languages.end(), "FA: صنایع شیمیایی پارچین") != languages.end());
  CHECK(graph.attribute(parchin, "designationDetails") == Values{"UN designation:24/03/2007 (no longer valid)"});
  CHECK(graph.attribute(parchin, "registrationNumber") == Values{"892"});
  CHECK(graph.attribute(parchin, "website") == Values{"http://icig.ir/"});
  CHECK(graph.attribute(parchin, "phone") == Values{"+98 21 2258929; +98 21 35243153; +98 21 3130626"});
  const Values addresses = graph.attribute(parchin, "address");
  REQUIRE(addresses.size() == 6);
  CHECK(addresses[0] == "Pasdaran Square, P.O. Box 16765/358, Tehran, IRAN (ISLAMIC REPUBLIC OF)");
  CHECK(addresses[2] == "Parchin Forked Rd., 35th km. Khavaran Rd., Pakdasht, Tehran, IRAN (ISLAMIC REPUBLIC OF) "
                        "(Factory)");
  const Values notes = graph.attribute(parchin, "nameNote");
  CHECK(std::find(notes.begin(), notes.end(), "PCF: Parchin Chemical Factories") != notes.end());
  CHECK(graph.attribute(parchin, "description").front().starts_with("Parchin Chemical Industries (PCI) produces"));
  const auto listings = actions_of(graph, parchin);
  REQUIRE(listings.size() == 1);
  CHECK(graph.string(graph.action(listings[0])->program) == "IRN");
  CHECK(graph.action(listings[0])->listed == skg::Date::from_ymd(2008, 6, 23));
}

TEST_CASE("eu_fsf: an amendment without a designation date leaves the listing's date unknown") {
  const skg::Graph graph = load_sample();
  const skg::NodeId mohammed = party(graph, "eu-fsf:EU.3579.2");
  CHECK(graph.name(mohammed) == "Khalid Sheikh MOHAMMED");  // logicalId 289
  CHECK(graph.attribute(mohammed, "birthDate") == Values{"1965-04-14", "1964-03-01"});
  CHECK(graph.attribute(mohammed, "birthPlace") == Values{"PAKISTAN"});  // city "-": none
  CHECK(graph.attribute(mohammed, "gender") == Values{"M"});
  CHECK(graph.attribute(mohammed, "passportNumber") == Values{"488555"});
  CHECK(graph.attribute(mohammed, "document") == Values{"National passport, 488555"});
  CHECK(has_name(graph, mohammed, "Bin Khalid Fahd Bin Adballah"));
  const auto listings = actions_of(graph, mohammed);
  REQUIRE(listings.size() == 1);
  const skg::Action& listing = *graph.action(listings[0]);
  CHECK(listing.undated());  // taken as in force on every date, and shown so
  CHECK(graph.attribute(listings[0], "publicationDate") == Values{"2025-01-31"});
  CHECK(graph.attribute(listings[0], "entryIntoForceDate") == Values{"2025-02-01"});
  CHECK(graph.string(listing.program) == "TERR");
  CHECK(listing.measure_set == skg::Measures{skg::Measure::AssetFreeze});
}

TEST_CASE("eu_fsf: a programme the table does not map keeps its measure unknown") {
  const std::filesystem::path path = std::filesystem::path(SKG_TEST_OUTPUT_DIR) / "eu_fsf_unmapped.xml";
  {
    std::ifstream in(sample(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    const auto at = text.find("programme=\"LBY\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 15, "programme=\"XYZ\"");
    std::ofstream(path, std::ios::binary) << text;
  }
  skg::Builder builder;
  skg::load_eu_fsf(path.string(), builder);
  const skg::Graph graph = std::move(builder).freeze();
  const auto listings = actions_of(graph, party(graph, "eu-fsf:EU.3886.3"));
  REQUIRE(listings.size() == 1);
  const skg::Action& listing = *graph.action(listings[0]);
  CHECK(listing.list_id == skg::SanctionList::EuFinancial);
  CHECK(listing.measure_set.unknown());
  CHECK(graph.attribute(listings[0], "measureBasis").front().find("measure unknown") != std::string_view::npos);
}

TEST_CASE("eu_fsf: loading the sample twice changes nothing") {
  skg::Builder once;
  skg::load_eu_fsf(sample(), once);
  skg::Builder twice;
  skg::load_eu_fsf(sample(), twice);
  skg::load_eu_fsf(sample(), twice);
  CHECK(skg::testing::fingerprint(std::move(twice).freeze()) == skg::testing::fingerprint(std::move(once).freeze()));
}

TEST_CASE("eu_fsf: the format is told from the content, whatever the file is called") {
  const std::filesystem::path path = std::filesystem::path(SKG_TEST_OUTPUT_DIR) / "export.xml";
  std::filesystem::copy_file(sample(), path, std::filesystem::copy_options::overwrite_existing);
  CHECK(skg::detect_format(skg::testing::head_of(path.string()), "export.xml") == skg::Format::EuFsf);
  CHECK(skg::parse_format("eu-fsf") == skg::Format::EuFsf);
  CHECK(skg::to_string(skg::Format::EuFsf) == "eu-fsf");
  skg::Builder builder;
  const skg::LoadReport report = skg::load(path.string(), builder);
  CHECK(report.count("entities") == 5);
}

TEST_CASE("eu_fsf: bad files name file and line - a bad record is refused or skipped") {
  skg::Builder builder;
  SUBCASE("malformed, truncated, empty, foreign and non-UTF-8 files throw in either mode") {
    for (const auto mode : {skg::OnBadRecord::Fail, skg::OnBadRecord::Skip}) {
      CHECK_THROWS_WITH_AS(skg::load_eu_fsf(broken("eu_fsf_malformed.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("eu_fsf_malformed.xml:38: malformed XML"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_eu_fsf(broken("eu_fsf_truncated.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("malformed XML"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_eu_fsf(broken("eu_fsf_empty.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("empty file"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_eu_fsf(broken("eu_fsf_wrong_format.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("not an EU Financial Sanctions File"), skg::LoadError);
      CHECK_THROWS_WITH_AS(skg::load_eu_fsf(broken("eu_fsf_invalid_utf8.xml"), builder, {.on_bad_record = mode}),
                           doctest::Contains("eu_fsf_invalid_utf8.xml:42: invalid UTF-8"), skg::LoadError);
    }
    CHECK(builder.entity_count() == 0);
  }
  SUBCASE("a designation date written day/month/year") {
    CHECK_THROWS_WITH_AS(skg::load_eu_fsf(broken("eu_fsf_bad_date.xml"), builder),
                         doctest::Contains("eu_fsf_bad_date.xml:29: designationDate '26/02/2011' is not a date "
                                           "written YYYY-MM-DD (record 'EU.3886.3')"),
                         skg::LoadError);
    CHECK(builder.entity_count() == 0);
    const auto report =
        skg::load_eu_fsf(broken("eu_fsf_bad_date.xml"), builder, {.on_bad_record = skg::OnBadRecord::Skip});
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].record == "EU.3886.3");
    CHECK(report.skipped[0].line == 29);
    CHECK(report.count("entities") == 1);
    const skg::Graph graph = std::move(builder).freeze();
    CHECK(graph.find("eu-fsf:EU.502.12").has_value());
    CHECK_FALSE(graph.find("eu-fsf:EU.3886.3").has_value());
  }
  SUBCASE("a birth date that is no day") {
    CHECK_THROWS_WITH_AS(skg::load_eu_fsf(broken("eu_fsf_bad_birthdate.xml"), builder),
                         doctest::Contains("birthdate '1982-02-30' is not a date"), skg::LoadError);
  }
  SUBCASE("an entry without reference, name or subject type") {
    const skg::LoadOptions skip{.on_bad_record = skg::OnBadRecord::Skip};
    auto only_skipped = [&](const char* file) {
      const auto report = skg::load_eu_fsf(broken(file), builder, skip);
      REQUIRE(report.skipped.size() == 1);
      return report.skipped[0].reason;
    };
    CHECK(only_skipped("eu_fsf_no_reference.xml") == "no euReferenceNumber and no logicalId");
    CHECK(only_skipped("eu_fsf_no_name.xml") == "no nameAlias with a wholeName or name parts");
    CHECK(only_skipped("eu_fsf_no_subject_type.xml") == "no subjectType code (person or enterprise)");
    CHECK_THROWS_AS(skg::load_eu_fsf(broken("eu_fsf_no_name.xml"), builder), skg::LoadError);
  }
}

TEST_CASE("eu_fsf: every broken eu_fsf_ file loads or throws LoadError, in both modes") {
  skg::testing::check_broken_files_load_or_throw("eu_fsf_", skg::load_eu_fsf);
}

TEST_CASE("eu_fsf: an EU-listed owner of 60% makes a company presumed owned under the EU rule") {
  // An FtM ownership record (the form OpenSanctions publishes) naming the EU FSF party as owner.
  const std::filesystem::path ownership = std::filesystem::path(SKG_TEST_OUTPUT_DIR) / "eu_fsf_ownership.ftm.json";
  std::ofstream(ownership)
      << R"({"id":"co-parchin-trading","schema":"Company","properties":{"name":["Parchin Trading FZE"]}})" "\n"
      << R"({"id":"co-minority","schema":"Company","properties":{"name":["Minority Holding SA"]}})" "\n"
      << R"({"id":"own-1","schema":"Ownership","properties":{"owner":["eu-fsf:EU.3953.70"],)"
         R"("asset":["co-parchin-trading"],"percentage":["60"]}})" "\n"
      << R"({"id":"own-2","schema":"Ownership","properties":{"owner":["eu-fsf:EU.3953.70"],)"
         R"("asset":["co-minority"],"percentage":["40"]}})" "\n";
  skg::Builder builder;
  skg::load(sample(), builder);
  const skg::LoadReport report = skg::load(ownership.string(), builder);
  CHECK(report.unresolved.empty());
  const skg::Graph graph = std::move(builder).freeze();

  const skg::Exposure owner = skg::exposure(graph, party(graph, "eu-fsf:EU.3953.70"), {.rule = skg::Rule::Eu});
  CHECK(owner.listed);
  const skg::Exposure owned =
      skg::exposure(graph, party(graph, "co-parchin-trading"), {.rule = skg::Rule::Eu, .as_of = skg::Date::from_ymd(2025, 1, 1)});
  CHECK_FALSE(owned.listed);
  CHECK(owned.blocked == skg::Verdict::Yes);
  REQUIRE(owned.aggregate_percent);
  CHECK(*owned.aggregate_percent == doctest::Approx(60));
  CHECK(owned.consequence.find("presumed owned or controlled by a designated person") != std::string::npos);
  bool cites_rule = false;
  for (const skg::Reason& reason : owned.reasons) cites_rule |= reason.text.find("EU_OWN_CTRL") != std::string::npos;
  CHECK(cites_rule);
  // Before the designation (2008-06-23) the owner was not listed, so nothing is presumed.
  CHECK(skg::exposure(graph, party(graph, "co-parchin-trading"), {.rule = skg::Rule::Eu, .as_of = skg::Date::from_ymd(2008, 1, 1)})
            .blocked == skg::Verdict::No);
  // 40% is not more than half: not presumed owned.
  CHECK(skg::exposure(graph, party(graph, "co-minority"), {.rule = skg::Rule::Eu}).blocked == skg::Verdict::No);
  // The EU listing is an asset freeze of the EU, not an OFAC blocking.
  CHECK(skg::exposure(graph, party(graph, "co-parchin-trading"), {.rule = skg::Rule::Ofac}).blocked == skg::Verdict::No);
}
