// tests/queries/diff_test.cpp: what changed between two versions of a list.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

#include "skg/graph/builder.h"
#include "skg/loaders/ftm_json.h"
#include "skg/loaders/load.h"
#include "skg/queries/diff.h"

namespace {

using skg::Date;
using skg::EdgeKind;
using skg::NodeKind;

struct Version {
  const char* lab_name;
  bool with_alias, with_old_party, with_new_party, with_bis;
  float share;
  const char* icts_start;
  const char* role;
  const char* country;
};

skg::Graph build(const Version& v) {
  skg::Batch batch;
  batch.add_entity({.id = "lab", .kind = NodeKind::Company, .name = v.lab_name, .source = {"list", "lab", 1}});
  batch.add_attribute("lab", "country", v.country, {"list", "lab", 1});
  if (v.with_alias) batch.add_name("lab", "Kaspersky Lab", skg::NameType::Aka, skg::NameStrength::Strong, {});
  batch.add_entity({.id = "45815", .kind = NodeKind::Person, .name = "TIKHONOV, Andrei"});
  batch.add_entity({.id = "holding", .kind = NodeKind::Company, .name = "Holding"});
  if (v.with_old_party) batch.add_entity({.id = "gone", .kind = NodeKind::Person, .name = "Delisted Person"});
  if (v.with_new_party) batch.add_entity({.id = "new", .kind = NodeKind::Company, .name = "New Front LLC"});
  batch.add_edge({.kind = EdgeKind::DirectorOf, .from = "45815", .to = "lab", .role = v.role});
  batch.add_edge({.kind = EdgeKind::Owns, .from = "holding", .to = "lab", .share = skg::Percent::exact(v.share)});
  if (v.with_old_party) batch.add_edge({.kind = EdgeKind::Associate, .from = "gone", .to = "lab"});
  batch.add_action({.id = "sdn:45815", .target = "45815", .authority = "OFAC", .list = "SDN",
                    .program = "RUSSIA-EO14024", .in_force = {.start = Date::parse("2024-06-21")}});
  if (v.with_old_party)
    batch.add_action({.id = "sdn:gone", .target = "gone", .authority = "OFAC", .list = "SDN"});
  if (v.with_bis)
    batch.add_action({.id = "bis:lab", .target = "lab", .authority = "BIS", .list = "Entity List"});
  batch.add_action({.id = "icts:lab", .target = "lab", .authority = "Commerce (OICTS)",
                    .in_force = {.start = Date::parse(v.icts_start)}});
  skg::Builder builder;
  builder.commit(std::move(batch));
  return std::move(builder).freeze();
}

const Version kYesterday{"AO Kaspersky Lab", false, true, false, false, 50, "2024-07-20", "COO", "ru"};

}  // namespace

TEST_CASE("diff: a graph against itself has no changes") {
  const skg::Graph a = build(kYesterday), b = build(kYesterday);
  CHECK(skg::diff(a, b).empty());
}

TEST_CASE("diff: parties, listings and links added, removed and changed, by external id") {
  const skg::Graph yesterday = build(kYesterday);
  const skg::Graph today = build({"Kaspersky Lab AO", true, false, true, true, 60, "2024-09-29", "CEO", "ru"});
  const skg::GraphDiff changes = skg::diff(yesterday, today);

  REQUIRE(changes.added.size() == 1);
  CHECK(changes.added[0].id == "new");
  CHECK(today.name(changes.added[0].new_node) == "New Front LLC");
  REQUIRE(changes.removed.size() == 1);
  CHECK(changes.removed[0].id == "gone");

  REQUIRE(changes.changed.size() == 1);
  CHECK(changes.changed[0].id == "lab");
  const auto& fields = changes.changed[0].changes;
  REQUIRE(fields.size() == 2);
  CHECK(fields[0].field == "name");
  CHECK(fields[0].before == "AO Kaspersky Lab");
  CHECK(fields[0].after == "Kaspersky Lab AO");
  CHECK(fields[1].field == "alias");
  CHECK(fields[1].before.empty());
  CHECK(fields[1].after == "Kaspersky Lab");

  REQUIRE(changes.listings_added.size() == 1);
  CHECK(changes.listings_added[0].party == "lab");
  CHECK(changes.listings_added[0].action == "bis:lab");
  REQUIRE(changes.listings_removed.size() == 1);
  CHECK(changes.listings_removed[0].party == "gone");
  REQUIRE(changes.listings_changed.size() == 1);
  CHECK(changes.listings_changed[0].action == "icts:lab");
  REQUIRE(changes.listings_changed[0].changes.size() == 1);
  CHECK(changes.listings_changed[0].changes[0].field == "dates");
  CHECK(changes.listings_changed[0].changes[0].before == "[2024-07-20, open)");
  CHECK(changes.listings_changed[0].changes[0].after == "[2024-09-29, open)");

  REQUIRE(changes.edges_removed.size() == 1);
  CHECK(changes.edges_removed[0].kind == EdgeKind::Associate);
  CHECK(changes.edges_removed[0].from == "gone");
  CHECK(changes.edges_added.empty());
  REQUIRE(changes.edges_changed.size() == 2);
  CHECK(changes.edges_changed[0].kind == EdgeKind::DirectorOf);  // from "45815" sorts first
  CHECK(changes.edges_changed[0].changes[0].field == "role");
  CHECK(changes.edges_changed[1].kind == EdgeKind::Owns);
  CHECK(changes.edges_changed[1].changes[0].field == "share");
  CHECK(changes.edges_changed[1].changes[0].before == "50%");
  CHECK(changes.edges_changed[1].changes[0].after == "60%");
}

TEST_CASE("diff: an attribute that changes is reported by key") {
  Version today = kYesterday;
  today.country = "gb";
  const auto changes = skg::diff(build(kYesterday), build(today));
  REQUIRE(changes.changed.size() == 1);
  const auto& fields = changes.changed[0].changes;
  REQUIRE(fields.size() == 2);
  CHECK(fields[0].field == "attribute:country");
  CHECK(fields[0].before == "ru");
  CHECK(fields[1].after == "gb");
}

namespace {

/// `programs` parties listed under OFAC SDN program "P<n>"; the first `removed_from` of program
/// P0's parties are left out (as a file missing part of the list would).
skg::Graph program_version(int per_program, int left_in_p0) {
  skg::Batch batch;
  for (int program = 0; program < 2; ++program)
    for (int at = 0; at < per_program; ++at) {
      if (program == 0 && at >= left_in_p0) continue;
      const std::string id = "p" + std::to_string(program) + "-" + std::to_string(at);
      batch.add_entity({.id = id, .kind = NodeKind::Person, .name = "Person " + id});
      batch.add_action({.id = "sdn:" + id, .target = id, .authority = "OFAC", .list = "SDN",
                        .program = program == 0 ? "P0" : "P1"});
    }
  skg::Builder builder;
  builder.commit(std::move(batch));
  return std::move(builder).freeze();
}

skg::Graph load_paths(std::initializer_list<std::string> paths) {
  skg::Builder builder;
  for (const std::string& path : paths) skg::load(path, builder);
  return std::move(builder).freeze();
}

std::string samples_dir(std::string_view path) { return std::string(SKG_DATASETS_DIR) + "/samples/" + std::string(path); }

}  // namespace

TEST_CASE("diff: added and removed listings say which authority, list and program") {
  const skg::Graph yesterday = build(kYesterday);
  const skg::Graph today = build({"AO Kaspersky Lab", false, false, false, true, 50, "2024-07-20", "COO", "ru"});
  const auto changes = skg::diff(yesterday, today);
  REQUIRE(changes.listings_added.size() == 1);
  CHECK(changes.listings_added[0].authority == "BIS");
  CHECK(changes.listings_added[0].list == "Entity List");
  REQUIRE(changes.listings_removed.size() == 1);
  CHECK(changes.listings_removed[0].authority == "OFAC");
  CHECK(changes.listings_removed[0].list == "SDN");
  REQUIRE(changes.removed.size() == 1);
  CHECK(changes.removed[0].listings == "OFAC SDN");
}

TEST_CASE("diff: most of a program missing is one flagged mass removal with counts, not a delisting each") {
  const skg::Graph full = program_version(100, 100);
  const skg::Graph cut = program_version(100, 10);  // 90 of P0's 100 entries missing
  const auto changes = skg::diff(full, cut);
  REQUIRE(changes.mass.size() == 1);
  CHECK(changes.mass[0].what == "listings OFAC SDN (P0)");
  CHECK(changes.mass[0].before == 100);
  CHECK(changes.mass[0].changed == 90);
  CHECK(changes.mass[0].reason.find("90 of the 100") != std::string::npos);
  CHECK(changes.mass[0].parties.size() == 90);
  CHECK(changes.listings_removed.empty());
  CHECK(changes.removed.empty());

  SUBCASE("a few delistings of a program stay itemised") {
    const auto few = skg::diff(full, program_version(100, 95));
    CHECK(few.mass.empty());
    CHECK(few.listings_removed.size() == 5);
    CHECK(few.removed.size() == 5);
  }
  SUBCASE("the threshold is an option, and the rows can be kept") {
    const auto strict = skg::diff(full, cut, {.mass_share = 0.95});
    CHECK(strict.mass.empty());
    CHECK(strict.removed.size() == 90);
    const auto kept = skg::diff(full, cut, {.keep_mass_rows = true});
    CHECK(kept.mass.size() == 1);
    CHECK(kept.removed.size() == 90);
    const auto never = skg::diff(full, cut, {.mass_share = 2});
    CHECK(never.mass.empty());
  }
}

TEST_CASE("diff: an alias and address file missing from NEW (the samples' 2024 SDN has no alt.csv) is flagged, not itemised") {
  const skg::Graph before = load_paths({samples_dir("ofac")});
  const skg::Graph after = load_paths({samples_dir("ofac_2024")});
  const auto changes = skg::diff(before, after);
  const auto alias = std::find_if(changes.mass.begin(), changes.mass.end(), [](const auto& mass) { return mass.what == "alias"; });
  REQUIRE(alias != changes.mass.end());
  CHECK(alias->removal);
  CHECK(alias->changed >= 50);
  CHECK(alias->reason.find("missing from NEW") != std::string::npos);
  const auto address = std::find_if(changes.mass.begin(), changes.mass.end(),
                                    [](const auto& mass) { return mass.what == "attribute:address"; });
  CHECK(address != changes.mass.end());
  for (const auto& entity : changes.changed)
    for (const auto& field : entity.changes) {
      CAPTURE(entity.id);
      // Weak aliases (from OFAC's remarks, in sdn.csv itself) are itemised: not from the missing file.
      CHECK_FALSE((field.field == "alias" && field.after.empty() && !field.before.ends_with(" (weak)")));
    }
  // Delistings are still itemised: 31 of the excerpt's 309 entries are not in the 2024 file.
  CHECK(changes.removed.size() == 31);

  SUBCASE("and the other way round: aliases present only in NEW are flagged as an appearance") {
    const auto back = skg::diff(after, before);
    const auto found = std::find_if(back.mass.begin(), back.mass.end(), [](const auto& mass) { return mass.what == "alias"; });
    REQUIRE(found != back.mass.end());
    CHECK_FALSE(found->removal);
  }
}

TEST_CASE("diff: an FtM delta diffs as what it says: a MOD is a change, an ADD an addition") {
  const std::string v1 = samples_dir("opensanctions/t2_deltas/20240527194702-wnk");
  const std::string v2 = samples_dir("opensanctions/t2_deltas/20240528014702-pfh");
  const skg::Graph before = load_paths({v1});
  const skg::Graph after = load_paths({v1, v2});
  std::map<std::string, std::string> ops;
  for (const auto& op : skg::ftm_delta_ops(v2 + "/entities.delta.json")) ops[op.id] = op.op;
  REQUIRE(ops.size() == 2);
  CHECK(ops["NK-2T3S8Hu29ktYnKSTgQp2wL"] == "MOD");
  const auto changes = skg::diff(before, after, {.delta = ops});
  CHECK(changes.removed.empty());
  REQUIRE(changes.added.size() == 1);
  CHECK(changes.added[0].id == "NK-500Poltergeist");
  CHECK(changes.added[0].op == "ADD");
  REQUIRE(changes.changed.size() == 1);
  CHECK(changes.changed[0].id == "NK-2T3S8Hu29ktYnKSTgQp2wL");
  CHECK(changes.changed[0].op == "MOD");
  const auto name = std::find_if(changes.changed[0].changes.begin(), changes.changed[0].changes.end(),
                                 [](const auto& field) { return field.field == "name"; });
  REQUIRE(name != changes.changed[0].changes.end());
  CHECK(name->after == "Foobar Foobargroup");

  SUBCASE("a file of entities is not a delta") {
    CHECK(skg::ftm_delta_ops(samples_dir("opensanctions/t1.ftm.json")).empty());
  }
}

TEST_CASE("diff: real OFAC SDN 2021-07 against 2024-05-03 (no alt.csv, add.csv): aliases and addresses flagged, delistings itemised") {
  const std::string old_folder = std::string(SKG_SHARED_DATASETS_DIR) + "/ofac/sdn_2021-07";
  const std::string new_folder = std::string(SKG_SHARED_DATASETS_DIR) + "/ofac/sdn_2024-05-03";
  if (!std::filesystem::exists(old_folder) || !std::filesystem::exists(new_folder)) {
    MESSAGE("../shared/datasets/ofac is absent: skipped");
    return;
  }
  const skg::Graph before = load_paths({old_folder});
  const skg::Graph after = load_paths({new_folder});
  const auto changes = skg::diff(before, after);
  auto flagged = [&](std::string_view what) {
    return std::any_of(changes.mass.begin(), changes.mass.end(), [&](const auto& mass) { return mass.what == what; });
  };
  CHECK(flagged("alias"));
  CHECK(flagged("attribute:address"));
  CHECK(changes.added.size() >= 6000);  // 6,870 uids new in 2024 (SOURCES.md counts: 8,976 -> 14,965)
  CHECK(changes.removed.size() + [&] {
    std::size_t held = 0;
    for (const auto& mass : changes.mass) held += mass.parties.size();
    return held;
  }() == 881);  // uids of 2021 not in 2024
}
