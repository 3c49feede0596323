#include "skg/loaders/fcc_covered.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fmt/format.h>
#include <string>
#include <unistd.h>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"

#include "loaders/loader_test_util.h"

namespace {

std::string sample() { return std::string(SKG_DATASETS_DIR) + "/samples/fcc/covered_list.csv"; }

using skg::testing::broken;
using skg::testing::listing;

}  // namespace

TEST_CASE("fcc_covered: 16 rows, each a listing - named companies become parties") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_fcc_covered(sample(), builder);
  CHECK(report.count("rows") == 16);
  CHECK(report.count("actions") == 16);
  CHECK(report.count("entities") == 13);
  CHECK(report.skipped.empty());
  const skg::Graph graph = std::move(builder).freeze();

  const auto kaspersky = graph.find("fcc:ao-kaspersky-lab");
  REQUIRE(kaspersky);
  CHECK(graph.name(*kaspersky) == "AO Kaspersky Lab");
  CHECK(graph.kind(*kaspersky) == skg::NodeKind::Company);
  const skg::Action* action = listing(graph, *kaspersky);
  REQUIRE(action);
  CHECK(graph.string(action->authority) == "FCC");
  CHECK(graph.string(action->list) == "Covered List");
  CHECK(action->listed == skg::Date::from_ymd(2022, 3, 25));
  CHECK(graph.string(action->measures).starts_with("Information security products, solutions, and services"));

  const auto inc = graph.find("fcc:kaspersky-lab-inc");
  REQUIRE(inc);
  CHECK(graph.name(*inc) == "Kaspersky Lab, Inc.");
  CHECK(listing(graph, *inc)->listed == skg::Date::from_ymd(2024, 7, 23));
  CHECK(graph.find("fcc:huawei-technologies-company"));
  CHECK(graph.find("fcc:hytera-communications-corporation"));
  CHECK(graph.find("fcc:digitalsystem-technology-inc"));
  CHECK(graph.find("fcc:china-mobile-international-usa-inc"));

  // "Pacific Networks Corp and its wholly-owned subsidiary ComNet (USA) LLC": both listed, and
  // the stated ownership is an edge.
  const auto pacific = graph.find("fcc:pacific-networks-corp");
  const auto comnet = graph.find("fcc:comnet-usa-llc");
  REQUIRE(pacific);
  REQUIRE(comnet);
  bool owns = false;
  for (skg::EdgeId edge : graph.out_edges(*pacific))
    owns |= graph.edge_kind(edge) == skg::EdgeKind::Owns && graph.target(edge) == *comnet &&
            graph.share(edge).value() == 100.0f;
  CHECK(owns);
  REQUIRE(listing(graph, *comnet));
  CHECK(listing(graph, *comnet) == listing(graph, *pacific));

  // The mangled "Updated:" cell: inclusion 2025-12-22, and each update date kept, none guessed.
  const skg::Action* uas = nullptr;
  for (skg::NodeId node : graph.action_nodes())
    if (graph.string(graph.action(node)->measures).starts_with("Uncrewed aircraft systems")) {
      uas = graph.action(node);
      CHECK(graph.attribute(node, "modifiedAt") ==
            std::vector<std::string_view>{"2026-01-07", "2026-03-18", "2026-06-15", "2026-07-21"});
    }
  REQUIRE(uas);
  CHECK(uas->listed == skg::Date::from_ymd(2025, 12, 22));
}

TEST_CASE("fcc_covered: a date it cannot read is a bad record, never a wrong date") {
  for (const char* name : {"fcc_bad_date.csv", "fcc_mangled_updated.csv"}) {
    CAPTURE(name);
    skg::Builder builder;
    CHECK_THROWS_WITH_AS(skg::load_fcc_covered(broken(name), builder),
                         doctest::Contains("is not a date written like 'March 25, 2022'"), skg::LoadError);
    CHECK(builder.entity_count() == 0);
    const auto report = skg::load_fcc_covered(broken(name), builder, {.on_bad_record = skg::OnBadRecord::Skip});
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].line > 1);
    CHECK(report.count("rows") == 1);
  }
  skg::Builder builder;
  CHECK_THROWS_WITH_AS(skg::load_fcc_covered(broken("fcc_mangled_updated.csv"), builder),
                       doctest::Contains("'Janury 7, 2026'"), skg::LoadError);
}

TEST_CASE("fcc_covered: every broken fcc_ file loads or throws LoadError, in both modes") {
  skg::testing::check_broken_files_load_or_throw("fcc_", skg::load_fcc_covered);
  skg::Builder builder;
  CHECK_THROWS_WITH_AS(skg::load_fcc_covered(broken("fcc_wrong_format.csv"), builder),
                       doctest::Contains("not an FCC Covered List CSV"), skg::LoadError);
  CHECK_THROWS_WITH_AS(skg::load_fcc_covered(broken("fcc_invalid_utf8.csv"), builder),
                       doctest::Contains("fcc_invalid_utf8.csv:2: invalid UTF-8"), skg::LoadError);
}

TEST_CASE("fcc_covered: every listing is an equipment and procurement ban on the Covered List") {
  skg::Builder builder;
  skg::load_fcc_covered(std::string(SKG_DATASETS_DIR) + "/samples/fcc/covered_list.csv", builder,
                        {.on_bad_record = skg::OnBadRecord::Skip});
  const skg::Graph graph = std::move(builder).freeze();
  REQUIRE_FALSE(graph.action_nodes().empty());
  for (skg::NodeId node : graph.action_nodes()) {
    const skg::Action& fcc = *graph.action(node);
    CHECK(fcc.issuer == skg::Issuer::UsFcc);
    CHECK(fcc.list_id == skg::SanctionList::FccCovered);
    CHECK(fcc.measure_set == skg::Measures{skg::Measure::ProcurementBan});
  }
}

namespace {
/// A Covered List CSV of `rows` (each "text","dates"), written under the test output folder.
std::string covered_list(std::string_view name, std::initializer_list<std::pair<std::string_view, std::string_view>> rows) {
  std::string text = "covered_equipment_or_services,date_of_inclusion_on_covered_list\n";
  for (const auto& [covered, dates] : rows) text += fmt::format("\"{}\",\"{}\"\n", covered, dates);
  return skg::testing::write_output(fmt::format("{}_{}.csv", name, ::getpid()), text);
}

const skg::Action* action_of(const skg::Graph& graph, std::string_view id) {
  const auto node = graph.find(id);
  return node ? skg::testing::listing(graph, *node) : nullptr;
}
}  // namespace

TEST_CASE("fcc_covered: the phrase that comes first in the row decides, whichever is looked for first") {
  const std::string path = covered_list(
      "fcc_phrases",
      {// The last-listed marker comes first; the name runs to the end (no end phrase).
       {"Equipment supplied, directly or indirectly, by Alpha Ltd, produced by Beta Corp.", "March 12, 2021"},
       // " subject to" comes before ", including" (listed before it).
       {"Services provided by Gamma Inc subject to section 214, including services produced by Delta", "March 12, 2021"},
       // Two markers end at the same "by ": the longer, which starts first.
       {"Services produced or provided by Epsilon SA and its wholly-owned subsidiary Zeta LLC, to the extent used",
        "March 12, 2021"},
       // "by " that ends no marker, then one that does.
       {"Made by hand, and services provided by Eta Co or any of its affiliates", "March 12, 2021"},
       {"Routers produced in a foreign country", "March 12, 2021"}});
  skg::Builder builder;
  const skg::LoadReport report = skg::load_fcc_covered(path, builder);
  CHECK(report.count("rows") == 5);
  CHECK(report.count("entities") == 5);
  const skg::Graph graph = std::move(builder).freeze();
  const auto alpha = graph.find("fcc:alpha-ltd-produced-by-beta-corp");
  REQUIRE(alpha);
  CHECK(graph.name(*alpha) == "Alpha Ltd, produced by Beta Corp");
  CHECK_FALSE(graph.find("fcc:beta-corp"));
  CHECK(graph.find("fcc:gamma-inc"));
  CHECK(graph.find("fcc:epsilon-sa"));
  CHECK(graph.find("fcc:zeta-llc"));
  CHECK_FALSE(graph.find("fcc:or-provided-by-epsilon-sa"));
  CHECK(graph.find("fcc:eta-co"));
}

TEST_CASE("fcc_covered: rows that share their dates each get them, and a bad date is bad every time") {
  const std::string path = covered_list(
      "fcc_shared_dates",
      {{"Services provided by One Co.", "December 22, 2025Updated:January 7, 2026"},
       {"Services provided by Two Co.", "December 22, 2025Updated:January 7, 2026"},
       {"Services provided by Three Co.", "March 12, 2021Updated:"},
       {"Services provided by Four Co.", "March 12, 2021Updated:"},
       {"Services provided by Five Co.", "December 22, 2025Updated:January 7, 2026"},
       {"Services provided by Six Co.", "March 12, 2021"}});
  skg::Builder builder;
  const skg::LoadReport report = skg::load_fcc_covered(path, builder, {.on_bad_record = skg::OnBadRecord::Skip});
  CHECK(report.count("rows") == 4);
  REQUIRE(report.skipped.size() == 2);
  CHECK(report.skipped[0].line == 4);
  CHECK(report.skipped[1].line == 5);
  CHECK(report.skipped[1].reason.find("'(nothing)' is not a date") != std::string::npos);
  const skg::Graph graph = std::move(builder).freeze();
  for (const char* id : {"fcc:one-co", "fcc:two-co", "fcc:five-co"}) {
    CAPTURE(id);
    const skg::Action* action = action_of(graph, id);
    REQUIRE(action);
    CHECK(action->listed == skg::Date::from_ymd(2025, 12, 22));
    const auto node = graph.find(std::string("fcc:covered-list:") + (id + 4));
    REQUIRE(node);
    CHECK(graph.attribute(*node, "modifiedAt") == std::vector<std::string_view>{"2026-01-07"});
  }
  const skg::Action* six = action_of(graph, "fcc:six-co");
  REQUIRE(six);
  CHECK(six->listed == skg::Date::from_ymd(2021, 3, 12));
  CHECK(graph.attribute(*graph.find("fcc:covered-list:six-co"), "modifiedAt").empty());
}

TEST_CASE("fcc_covered: invalid UTF-8 in a later row leaves that row out, and only that row") {
  const std::string path = covered_list("fcc_late_bad_utf8", {{"Services provided by Good Co.", "March 12, 2021"},
                                                              {"Services provided by Bad \xC3\x28 Co.", "March 12, 2021"},
                                                              {"Services provided by Fine Co.", "March 12, 2021"}});
  skg::Builder builder;
  CHECK_THROWS_WITH_AS(skg::load_fcc_covered(path, builder), doctest::Contains(":3: invalid UTF-8"), skg::LoadError);
  const skg::LoadReport report = skg::load_fcc_covered(path, builder, {.on_bad_record = skg::OnBadRecord::Skip});
  CHECK(report.count("rows") == 2);
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].line == 3);
  CHECK(report.skipped[0].reason == "invalid UTF-8");
}
