// tests/queries/diff_test.cpp: what changed between two versions of a list.
#include <doctest/doctest.h>

#include "skg/graph/builder.h"
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
