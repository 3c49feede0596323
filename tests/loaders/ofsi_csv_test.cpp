#include "skg/loaders/ofsi_csv.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <tuple>
#include <string>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/loaders/load.h"
#include "skg/queries/exposure.h"

#include "loaders/loader_test_util.h"

namespace {

using skg::testing::broken;
using skg::testing::datasets;
using Values = std::vector<std::string_view>;

std::string sample(int year) {
  return datasets(year == 2014 ? "samples/uk/ofsi_conlist_2014-04_excerpt.csv" : "samples/uk/ofsi_conlist_2018-04_excerpt.csv");
}

std::vector<const skg::Action*> listings(const skg::Graph& graph, skg::NodeId node) {
  std::vector<const skg::Action*> out;
  for (skg::EdgeId edge : graph.out_edges(node))
    if (graph.edge_kind(edge) == skg::EdgeKind::TargetOf) out.push_back(graph.action(graph.target(edge)));
  return out;
}

bool has_name(const skg::Graph& graph, skg::NodeId node, std::string_view text, skg::NameType type) {
  for (const skg::Name& name : graph.names(node))
    if (graph.string(name.text) == text && name.type == type) return true;
  return false;
}

}  // namespace

TEST_CASE("ofsi_csv: the 2014 layout: one party per Group ID, Windows-1252 names, partial dates, one listing per regime") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_ofsi_csv(sample(2014), builder);
  CHECK(report.count("rows") == 65);
  CHECK(report.count("entities") == 8);
  CHECK(report.count("files read as Windows-1252") == 1);
  CHECK(report.count("list of 2014-04-02") == 1);
  CHECK(report.skipped.empty());
  const skg::Graph graph = std::move(builder).freeze();

  // The Prime Alias row names the party; the AKA row is an alias; "00/00/1955" is the year alone.
  const auto abbas = graph.find("ofsi:12510");
  REQUIRE(abbas);
  CHECK(graph.kind(*abbas) == skg::NodeKind::Person);
  CHECK(graph.name(*abbas) == "Fayssal ABBAS");
  CHECK(has_name(graph, *abbas, "Faysal ABBAS", skg::NameType::Aka));
  CHECK(graph.attribute(*abbas, "birthDate") == Values{"1955"});
  CHECK(graph.attribute(*abbas, "title") == Values{"Dr"});
  CHECK(graph.attribute(*abbas, "birthPlace") == Values{"Hama Province"});
  CHECK(graph.attribute(*abbas, "notes") == Values{"Former Minister for Transport"});  // "Other Information"
  CHECK(graph.attribute(*abbas, "ofsiGroupId") == Values{"12510"});
  const auto abbas_listings = listings(graph, *abbas);
  REQUIRE(abbas_listings.size() == 1);
  const skg::Action& listing = *abbas_listings[0];
  CHECK(graph.string(listing.authority) == "HM Treasury (OFSI)");
  CHECK(graph.string(listing.program) == "Syria");
  CHECK(listing.listed == skg::Date::from_ymd(2012, 2, 28));
  CHECK(listing.issuer == skg::Issuer::Uk);
  CHECK(listing.list_id == skg::SanctionList::UkAssetFreeze);
  CHECK(listing.measure_set == skg::Measures{skg::Measure::AssetFreeze});

  // Listed under two regimes: two listings, each with its own date; the UN reference found in
  // "Other Information" by the list's label.
  const auto aweys = graph.find("ofsi:6995");
  REQUIRE(aweys);
  CHECK(graph.name(*aweys) == "Hassan Dahir AWEYS");
  CHECK(graph.attribute(*aweys, "unReference") == Values{"QI.D.42.01"});
  CHECK(graph.attribute(*aweys, "birthDate") == Values{"1935"});
  const auto aweys_listings = listings(graph, *aweys);
  REQUIRE(aweys_listings.size() == 2);
  std::vector<std::pair<std::string_view, std::optional<skg::Date>>> regimes;
  for (const skg::Action* action : aweys_listings) regimes.emplace_back(graph.string(action->program), action->listed);
  std::sort(regimes.begin(), regimes.end());
  CHECK(regimes[0] == std::pair<std::string_view, std::optional<skg::Date>>{"Al-Qaida", skg::Date::from_ymd(2001, 11, 8)});
  CHECK(regimes[1] == std::pair<std::string_view, std::optional<skg::Date>>{"Somalia", skg::Date::from_ymd(2010, 4, 28)});

  // Two full dates of birth, a national identification number, the old-style UN reference.
  const auto rahman = graph.find("ofsi:6894");
  REQUIRE(rahman);
  CHECK(graph.attribute(*rahman, "birthDate") == Values{"1957-08-17", "1958-08-17"});
  CHECK(graph.attribute(*rahman, "identification") == Values{"National identification number, no 3603251708570001"});
  CHECK(graph.attribute(*rahman, "unReference") == Values{"QI.A.86.03"});

  // A UK company, its Companies House number from "Other Information".
  const auto petropars = graph.find("ofsi:12795");
  REQUIRE(petropars);
  CHECK(graph.name(*petropars) == "PETROPARS UK LIMITED");
  CHECK(graph.attribute(*petropars, "gbCompanyNumber") == Values{"03503060"});

  // Windows-1252 0x92 is U+2019; an FKA row is a former name.
  const auto chongsong = graph.find("ofsi:11282");
  REQUIRE(chongsong);
  bool curly = false;
  for (const skg::Name& name : graph.names(*chongsong)) curly |= graph.string(name.text) == "CHO\u2019NGSONG UNITED TRADING COMPANY";
  CHECK(curly);
  const auto aqap = graph.find("ofsi:11044");
  REQUIRE(aqap);
  CHECK(has_name(graph, *aqap, "AL-QAIDA IN YEMEN (AQY)", skg::NameType::Fka));

  // The list gives 28/02/1969 and 29/02/1969; the second names no day: kept as written, with a
  // warning naming the row.
  const auto yeaten = graph.find("ofsi:8052");
  REQUIRE(yeaten);
  CHECK(graph.attribute(*yeaten, "birthDate") == Values{"1969-02-28", "29/02/1969"});
  REQUIRE(report.warnings.size() == 1);
  CHECK(report.warnings[0].record == "8052");
  CHECK(report.warnings[0].reason == "DOB '29/02/1969' names no day of the calendar: kept as written");
}

TEST_CASE("ofsi_csv: the 2018 layout: padded first row, leading spaces, two partial birth years, IMO and UK company numbers") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_ofsi_csv(sample(2018), builder);
  CHECK(report.count("rows") == 71);
  CHECK(report.count("entities") == 7);
  CHECK(report.count("list of 2018-04-13") == 1);
  CHECK(report.skipped.empty());
  const skg::Graph graph = std::move(builder).freeze();

  const auto qahtani = graph.find("ofsi:13349");
  REQUIRE(qahtani);
  CHECK(graph.name(*qahtani) == "Nayef Salam Muhammad Ujaym AL-HABABI");  // the Prime Alias row
  CHECK(has_name(graph, *qahtani, "Sheikh Farooq AL-QAHTANI", skg::NameType::Aka));  // " AL-QAHTANI" in the file
  CHECK(graph.attribute(*qahtani, "birthDate") == Values{"1980", "1981"});  // 00/00/1980, 00/00/1981
  CHECK(graph.attribute(*qahtani, "unReference") == Values{"QDe.004"});
  CHECK(graph.attribute(*qahtani, "identification") ==
        Values{"Passport, Passport No: 592667 (Qatari passport issued on 3 May 2007)."});
  CHECK(graph.attribute(*qahtani, "nationality") == Values{"1) Saudi Arabia 2) Qatar"});

  const auto tong_san = graph.find("ofsi:13556");
  REQUIRE(tong_san);
  CHECK(graph.name(*tong_san) == "TONG SAN 2");
  CHECK(graph.attribute(*tong_san, "imoNumber") == Values{"8937675"});

  const auto tmg = graph.find("ofsi:7818");
  REQUIRE(tmg);
  CHECK(graph.attribute(*tmg, "gbCompanyNumber") == Values{"02142819"});
  CHECK(graph.attribute(*tmg, "address") == Values{"53/64 Chancery Lane, London, WC2A 1QU, United Kingdom"});

  const auto aweys = graph.find("ofsi:6995");
  REQUIRE(aweys);
  CHECK(graph.attribute(*aweys, "unReference") == Values{"QDe.002"});  // "UN Ref: QDe.002."
  CHECK(listings(graph, *aweys).size() == 2);
}

TEST_CASE("ofsi_csv: reloading the file changes nothing") {
  skg::Builder once, twice;
  skg::load_ofsi_csv(sample(2018), once);
  skg::load_ofsi_csv(sample(2018), twice);
  skg::load_ofsi_csv(sample(2018), twice);
  const skg::Graph a = std::move(once).freeze(), b = std::move(twice).freeze();
  CHECK(a.node_count() == b.node_count());
  CHECK(a.edge_count() == b.edge_count());
  const auto node = b.find("ofsi:13349");
  REQUIRE(node);
  CHECK(b.names(*node).size() == a.names(*a.find("ofsi:13349")).size());
  CHECK(b.attribute(*node, "birthDate") == Values{"1980", "1981"});
}

TEST_CASE("ofsi_csv: the format is told from the content, in both layouts") {
  for (int year : {2014, 2018}) {
    skg::Builder builder;
    const skg::LoadReport report = skg::load(sample(year), builder);
    CHECK(report.count("entities") == (year == 2014 ? 8 : 7));
  }
  CHECK(skg::parse_format("ofsi") == skg::Format::OfsiCsv);
}

TEST_CASE("ofsi_csv: bad files name file, line and record - a bad row is skipped or refused") {
  skg::Builder builder;
  SUBCASE("a file that is not the list throws in either mode") {
    const std::pair<const char*, const char*> cases[] = {
        {"ofsi_empty.csv", "empty file"},
        {"ofsi_no_header.csv", "no header row"},
        {"ofsi_wrong_columns.csv", "ofsi_wrong_columns.csv:2: not an OFSI consolidated list CSV: the header has no 'Group ID' column"},
        {"ofsi_bad_last_updated.csv", "ofsi_bad_last_updated.csv:1: Last Updated '2018-04-13' is not a date written dd/mm/yyyy"},
        {"ofsi_undefined_byte.csv", "ofsi_undefined_byte.csv:4: byte 0x81 is neither UTF-8 nor a Windows-1252 character"},
    };
    for (const auto mode : {skg::OnBadRecord::Fail, skg::OnBadRecord::Skip})
      for (const auto& item : cases) {
        const std::string file(item.first);
        const char* message = item.second;
        CAPTURE(file);
        CHECK_THROWS_WITH_AS(skg::load_ofsi_csv(broken(item.first), builder, {.on_bad_record = mode}),
                             doctest::Contains(message), skg::LoadError);
      }
    CHECK(builder.entity_count() == 0);
  }
  SUBCASE("each bad row, with its line, group and reason") {
    struct Case {
      const char* file;
      std::uint64_t line;
      const char* record;
      const char* reason;
    };
    const Case cases[] = {
        {"ofsi_wrong_field_count.csv", 4, "13350", "expected 29 fields as in the header, found 30"},
        {"ofsi_bad_listed_on.csv", 4, "13350", "Listed On '2016-04-01' is not a date written dd/mm/yyyy"},
        {"ofsi_no_group_id.csv", 4, "", "the row has no Group ID"},
        {"ofsi_bad_group_type.csv", 4, "13350", "Group Type 'Aircraft' is not Individual, Entity or Ship"},
        {"ofsi_bad_alias_type.csv", 4, "13350", "Alias Type 'Nickname' is not one the list uses (Prime Alias, AKA, FKA, ...)"},
        {"ofsi_no_name.csv", 4, "13350", "the row has no name (Name 1 to Name 6 are empty)"},
    };
    for (const Case& c : cases) {
      const std::string file(c.file);
      CAPTURE(file);
      skg::Builder fresh;
      CHECK_THROWS_WITH_AS(skg::load_ofsi_csv(broken(c.file), fresh), doctest::Contains(c.reason), skg::LoadError);
      CHECK(fresh.entity_count() == 0);
      const auto report = skg::load_ofsi_csv(broken(c.file), fresh, {.on_bad_record = skg::OnBadRecord::Skip});
      REQUIRE(report.skipped.size() == 1);
      CHECK(report.skipped[0].line == c.line);
      CHECK(report.skipped[0].record == c.record);
      CHECK(report.skipped[0].reason == c.reason);
      CHECK(report.count("entities") == 1);  // the good row's party
    }
  }
  SUBCASE("a broken quote: the rows before it load in skip mode, the rest is reported lost") {
    CHECK_THROWS_AS(skg::load_ofsi_csv(broken("ofsi_bad_quote.csv"), builder), skg::LoadError);
    const auto report = skg::load_ofsi_csv(broken("ofsi_bad_quote.csv"), builder, {.on_bad_record = skg::OnBadRecord::Skip});
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].reason.find("the rest of the file was not read") != std::string::npos);
    CHECK(report.count("entities") == 1);
  }
}

TEST_CASE("ofsi_csv: every broken ofsi_ file loads or throws LoadError, in both modes") {
  skg::testing::check_broken_files_load_or_throw("ofsi_", skg::load_ofsi_csv);
}

TEST_CASE("ofsi_csv: under --rule uk an OFSI asset-freeze target owning >50% makes its company owned or controlled") {
  skg::Builder builder;
  skg::load_ofsi_csv(sample(2018), builder);
  builder.add_entity({.id = "co:x", .kind = skg::NodeKind::Company, .name = "Chancery Holdings Ltd", .source = {"test", "x"}});
  builder.add_entity({.id = "co:y", .kind = skg::NodeKind::Company, .name = "Half Owned Ltd", .source = {"test", "y"}});
  builder.add_edge({.kind = skg::EdgeKind::Owns, .from = "ofsi:7818", .to = "co:x", .share = skg::Percent::exact(51),
                    .source = {"test", "x"}});
  builder.add_edge({.kind = skg::EdgeKind::Owns, .from = "ofsi:7818", .to = "co:y", .share = skg::Percent::exact(50),
                    .source = {"test", "y"}});
  const skg::Graph graph = std::move(builder).freeze();
  const auto day = skg::Date::from_ymd(2024, 6, 1);
  CHECK(skg::exposure(graph, *graph.find("co:x"), {.rule = skg::Rule::Uk, .as_of = day}).blocked == skg::Verdict::Yes);
  // UK reg. 7(2): more than 50%; exactly half is not.
  CHECK(skg::exposure(graph, *graph.find("co:y"), {.rule = skg::Rule::Uk, .as_of = day}).blocked == skg::Verdict::No);
}

TEST_CASE("ofsi_csv: the full 2014 and 2018 lists in ../shared load with every group") {
  for (const auto& item : {std::tuple{"uk/ofsi_conlist_2014-04.csv", 8950, 2297},
                           std::tuple{"uk/ofsi_conlist_2018-04.csv", 9487, 2106}}) {
    const std::string file(std::get<0>(item));
    const int rows = std::get<1>(item), groups = std::get<2>(item);
    const std::string path = skg::testing::shared(file);
    if (!std::filesystem::exists(path)) {
      MESSAGE("skipped: ../shared absent");
      return;
    }
    CAPTURE(file);
    skg::Builder builder;
    const skg::LoadReport report = skg::load(path, builder);
    CHECK(report.count("rows") == static_cast<std::uint64_t>(rows));
    CHECK(report.count("entities") == static_cast<std::uint64_t>(groups));
    CHECK(report.skipped.empty());
  }
}

TEST_CASE("ofsi_csv: a folder with the 2014 and 2018 releases loads the 2018 one and names the 2014 one left out") {
  const std::string folder = std::string(SKG_TEST_OUTPUT_DIR) + "/ofsi_releases";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  // Named so that the older release sorts last: the date on the first row decides, not the name.
  std::filesystem::copy_file(sample(2018), folder + "/a_conlist.csv");
  std::filesystem::copy_file(sample(2014), folder + "/b_conlist.csv");
  skg::Builder alone;
  const skg::LoadReport only_2018 = skg::load(sample(2018), alone);
  skg::Builder builder;
  const skg::LoadReport report = skg::load(folder, builder);
  CHECK(report.count("older releases left out") == 1);
  CHECK(report.count("entities") == only_2018.count("entities"));
  CHECK(report.count("actions") == only_2018.count("actions"));
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].file == folder + "/b_conlist.csv");
  CHECK(report.skipped[0].reason.find("older OFSI Consolidated List release (2014-04-02)") != std::string::npos);
  CHECK(report.skipped[0].reason.find("(2018-04-13)") != std::string::npos);
  const skg::Graph graph = std::move(builder).freeze();
  const skg::Graph reference = std::move(alone).freeze();
  CHECK(graph.node_count() == reference.node_count());
  CHECK(graph.edge_count() == reference.edge_count());
  // A file named alone still loads, whatever its date.
  skg::Builder old;
  CHECK(skg::load(folder + "/b_conlist.csv", old).count("older releases left out") == 0);

  const std::string full = skg::testing::shared("uk");
  if (!std::filesystem::exists(full + "/ofsi_conlist_2014-04.csv")) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  skg::Builder shared_builder;
  const skg::LoadReport shared_report = skg::load(full, shared_builder);
  CHECK(shared_report.count("older releases left out") == 1);
  CHECK(shared_report.count("rows") == 9487);  // the 2018 release's rows only
}
