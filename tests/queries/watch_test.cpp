// tests/queries/watch_test.cpp: portfolio monitoring between two versions of the lists.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "queries/typed_listing.h"
#include "skg/graph/builder.h"
#include "skg/json.h"
#include "skg/loaders/load.h"
#include "skg/queries/watch.h"

namespace {

using skg::WatchChangeKind;

std::string samples(std::string_view path) { return std::string(SKG_DATASETS_DIR) + "/samples/" + std::string(path); }
std::string shared(std::string_view path) { return std::string(SKG_SHARED_DATASETS_DIR) + "/" + std::string(path); }

skg::Graph load_folder(const std::string& path) {
  skg::Builder builder;
  skg::load(path, builder);
  return std::move(builder).freeze();
}

std::vector<skg::ScreenInputRow> read_portfolio(const std::string& path) {
  skg::ScreenInputReader reader(path);
  std::vector<skg::ScreenInputRow> rows;
  for (skg::ScreenInputRow row; reader.next(row);) rows.push_back(row);
  return rows;
}

const skg::WatchPartyResult* by_ref(const skg::WatchReport& report, std::string_view ref) {
  for (const auto& party : report.changed)
    if (party.input.ref == ref) return &party;
  return nullptr;
}

std::size_t count_kind(const skg::WatchPartyResult& party, WatchChangeKind kind) {
  return static_cast<std::size_t>(std::count_if(party.changes.begin(), party.changes.end(),
                                                [&](const skg::WatchChange& change) { return change.kind == kind; }));
}

/// A holding owned 60% by a person, whom only `designated` versions list on the SDN List.
skg::Graph ownership_version(bool designated) {
  skg::Batch batch;
  batch.add_entity({.id = "owner", .kind = skg::NodeKind::Person, .name = "Ivan Petrovich Sidorov", .source = {"list", "owner", 1}});
  batch.add_entity({.id = "holding", .kind = skg::NodeKind::Company, .name = "Northern Lights Shipping LLC", .source = {"list", "holding", 2}});
  batch.add_edge({.kind = skg::EdgeKind::Owns, .from = "owner", .to = "holding", .share = skg::Percent::exact(60),
                  .source = {"registry.csv", "own-1", 7}});
  if (designated) {
    const auto typed = skg::test::typed("OFAC", "SDN");
    batch.add_action({.id = "sdn:owner", .target = "owner", .authority = "OFAC", .list = "SDN",
                      .program = "RUSSIA-EO14024", .in_force = {.start = skg::Date::parse("2024-06-21")},
                      .source = {"sdn.csv", "owner", 3}, .measure_set = typed.measures, .issuer = typed.issuer,
                      .list_id = typed.list});
  }
  skg::Builder builder;
  builder.commit(std::move(batch));
  return std::move(builder).freeze();
}

}  // namespace

TEST_CASE("watch: the sample portfolio over the 2021 and 2024 SDN excerpts: delisted, newly designated, programs added") {
  const skg::Graph before = load_folder(samples("ofac"));
  const skg::Graph after = load_folder(samples("ofac_2024"));
  const skg::WatchOptions options;
  const skg::WatchVersion old_version(before, options), new_version(after, options);
  const auto portfolio = read_portfolio(samples("watch/portfolio.csv"));
  REQUIRE(portfolio.size() == 8);
  const skg::WatchReport report = skg::watch(old_version, new_version, portfolio, options);
  CHECK(report.parties == 8);
  CHECK(report.errors == 0);
  CHECK(report.unchanged + report.changed.size() == 8);

  SUBCASE("a delisted SDN entry is no longer matched, because its record is gone") {
    const auto* party = by_ref(report, "C-002");
    REQUIRE(party != nullptr);
    REQUIRE(count_kind(*party, WatchChangeKind::NoLongerMatched) == 1);
    const auto& change = party->changes.front();
    CHECK(change.record == "ofac-sdn:4106");
    CHECK(change.new_node == skg::kNoNode);
    CHECK(change.old_score > 0.5);
    CHECK(change.why.find("not in NEW") != std::string::npos);
    CHECK(count_kind(*party, WatchChangeKind::ListingEnded) >= 1);
  }
  SUBCASE("an entry designated after 2021 is a new match with its listing and the OFAC verdict") {
    const auto* party = by_ref(report, "C-003");
    REQUIRE(party != nullptr);
    REQUIRE(count_kind(*party, WatchChangeKind::NewMatch) == 1);
    CHECK(party->changes.front().record == "ofac-sdn:34336");
    CHECK(party->changes.front().old_node == skg::kNoNode);
    const auto listing = std::find_if(party->changes.begin(), party->changes.end(), [](const auto& change) {
      return change.kind == WatchChangeKind::ListingAdded;
    });
    REQUIRE(listing != party->changes.end());
    CHECK(listing->authority.find("OFAC") != std::string::npos);
    CHECK(listing->program.find("RUSSIA-EO14024") != std::string::npos);
    const auto verdict = std::find_if(party->changes.begin(), party->changes.end(), [](const auto& change) {
      return change.kind == WatchChangeKind::VerdictChanged && change.rule == skg::Rule::Ofac;
    });
    REQUIRE(verdict != party->changes.end());
    CHECK(verdict->before == skg::Verdict::No);
    CHECK(verdict->after == skg::Verdict::Yes);
    CHECK(!verdict->reasons.empty());
  }
  SUBCASE("a party listed in both versions with a program added gets a listing change, not a new match") {
    const auto* party = by_ref(report, "C-001");
    REQUIRE(party != nullptr);
    CHECK(count_kind(*party, WatchChangeKind::NewMatch) == 0);
    CHECK(count_kind(*party, WatchChangeKind::NoLongerMatched) == 0);
    REQUIRE(count_kind(*party, WatchChangeKind::ListingChanged) == 1);
    const auto& change = party->changes.front();
    CHECK(change.record == "ofac-sdn:21171");
    CHECK(change.program.find("RUSSIA-EO14024") != std::string::npos);
    CHECK(change.before_text.find("RUSSIA-EO14024") == std::string::npos);
  }
  SUBCASE("a party listed in both versions without change, and one that matches nothing, are only counted") {
    CHECK(by_ref(report, "C-005") == nullptr);
    CHECK(by_ref(report, "C-006") == nullptr);
    CHECK(report.unchanged >= 2);
  }
  SUBCASE("a party given by its record id matches that record in both versions, whatever its name") {
    const auto* party = by_ref(report, "C-007");
    if (party != nullptr) {
      CHECK(count_kind(*party, WatchChangeKind::NewMatch) == 0);
      CHECK(count_kind(*party, WatchChangeKind::NoLongerMatched) == 0);
    }
  }
  SUBCASE("the CSV rows have the header's columns, and each JSON line names its party and changes") {
    const std::string header(skg::watch_csv_header());
    const auto columns = std::count(header.begin(), header.end(), ',');
    for (const auto& party : report.changed) {
      const std::string rows = skg::watch_csv_rows(before, after, party);
      REQUIRE(!rows.empty());
      const std::string json = skg::to_json([&](skg::JsonOut& out) { skg::write_watch_party_json(out, before, after, party); });
      CHECK(json.find("\"ref\":\"" + party.input.ref + "\"") != std::string::npos);
      CHECK(json.find("\"changes\":[{") != std::string::npos);
      if (rows.find('"') == std::string::npos) {  // no quoted fields: commas count columns
        const std::string first = rows.substr(0, rows.find('\n'));
        CHECK(std::count(first.begin(), first.end(), ',') == columns);
      }
    }
  }
}

TEST_CASE("watch: a holding whose owner is designated in NEW changes verdict, with the chain and its record") {
  const skg::Graph before = ownership_version(false), after = ownership_version(true);
  skg::WatchOptions options;
  options.rules = {skg::Rule::Ofac};
  const skg::WatchVersion old_version(before, options), new_version(after, options);
  skg::ScreenInputRow row;
  row.line = 2;
  row.ref = "S-9";
  row.name = "Northern Lights Shipping";
  const skg::WatchPartyResult result = skg::watch_party(old_version, new_version, row, options);
  REQUIRE(result.error.empty());
  REQUIRE(count_kind(result, WatchChangeKind::VerdictChanged) == 1);
  const auto& change = result.changes.back();
  CHECK(change.record == "holding");
  CHECK(change.before == skg::Verdict::No);
  CHECK(change.after == skg::Verdict::Yes);
  REQUIRE(!change.reasons.empty());
  REQUIRE(change.reasons.front().chain.size() == 1);
  CHECK(after.name(change.reasons.front().chain.front().owner) == "Ivan Petrovich Sidorov");
  const std::string rows = skg::watch_csv_rows(before, after, result);
  CHECK(rows.find("owner -[60%]-> holding") != std::string::npos);
  CHECK(rows.find("registry.csv") != std::string::npos);

  SUBCASE("and back: the owner delisted, the holding's verdict falls, explained from OLD") {
    const skg::WatchPartyResult back = skg::watch_party(new_version, old_version, row, options);
    REQUIRE(count_kind(back, WatchChangeKind::VerdictChanged) == 1);
    CHECK(back.changes.back().after == skg::Verdict::No);
    CHECK_FALSE(back.changes.back().reasons_from_new);
  }
}

TEST_CASE("watch: a row that cannot be screened is reported with its line, the others go on") {
  const skg::Graph before = ownership_version(false), after = ownership_version(true);
  const skg::WatchOptions options;
  const skg::WatchVersion old_version(before, options), new_version(after, options);
  std::vector<skg::ScreenInputRow> rows(2);
  rows[0].line = 2;
  rows[0].name = "Ivan Sidorov";
  rows[0].schema = "Sanction";
  rows[1].line = 3;
  rows[1].name = "Ivan Petrovich Sidorov";
  const skg::WatchReport report = skg::watch(old_version, new_version, rows, options);
  CHECK(report.errors == 1);
  REQUIRE(report.changed.size() == 2);
  CHECK(report.changed[0].error.find("line 2") != std::string::npos);
  CHECK(count_kind(report.changed[1], WatchChangeKind::ListingAdded) == 1);
}

TEST_CASE("watch: real SDN versions 2021-07 and 2024-05-03, listed names and names that match nothing") {
  const std::string old_folder = shared("ofac/sdn_2021-07"), new_folder = shared("ofac/sdn_2024-05-03");
  if (!std::filesystem::exists(old_folder) || !std::filesystem::exists(new_folder)) {
    MESSAGE("../shared/datasets/ofac is absent: skipped");
    return;
  }
  const skg::Graph before = load_folder(old_folder);
  const skg::Graph after = load_folder(new_folder);
  const skg::WatchOptions options;
  const skg::WatchVersion old_version(before, options), new_version(after, options);
  std::vector<skg::ScreenInputRow> rows(4);
  rows[0] = {.line = 2, .ref = "delisted", .name = "Helmer Herrera Buitrago"};
  rows[1] = {.line = 3, .ref = "designated", .name = "Kirill Aleksandrovich Dmitriev"};
  rows[2] = {.line = 4, .ref = "unchanged", .name = "Banco Nacional de Cuba"};
  rows[3] = {.line = 5, .ref = "nobody", .name = "Quillfeather Orchard Supplies"};
  const skg::WatchReport report = skg::watch(old_version, new_version, rows, options);
  const auto* delisted = by_ref(report, "delisted");
  REQUIRE(delisted != nullptr);
  CHECK(count_kind(*delisted, WatchChangeKind::NoLongerMatched) >= 1);
  const auto* designated = by_ref(report, "designated");
  REQUIRE(designated != nullptr);
  CHECK(count_kind(*designated, WatchChangeKind::NewMatch) >= 1);
  CHECK(by_ref(report, "unchanged") == nullptr);
  CHECK(by_ref(report, "nobody") == nullptr);
  CHECK(report.unchanged == 2);
}
