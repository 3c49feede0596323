#include "skg/loaders/ofac_csv.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/loaders/load.h"

#include "loaders/loader_test_util.h"

using namespace skg;
namespace fs = std::filesystem;

namespace {
const std::string kDatasets = SKG_DATASETS_DIR;
const std::string kShared = SKG_SHARED_DATASETS_DIR;
const std::string kOutput = SKG_TEST_OUTPUT_DIR;

using testing::broken;

std::vector<std::string> names_of(const Graph& graph, NodeId node, NameType type,
                                  NameStrength strength) {
  std::vector<std::string> out;
  for (const Name& name : graph.names(node))
    if (name.type == type && name.strength == strength) out.emplace_back(graph.string(name.text));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> attribute(const Graph& graph, NodeId node, std::string_view key) {
  std::vector<std::string> out;
  for (std::string_view value : graph.attribute(node, key)) out.emplace_back(value);
  return out;
}

/// The targets of a node's edges of one kind, as external ids (first external id of each).
std::vector<NodeId> targets(const Graph& graph, NodeId node, EdgeKind kind) {
  std::vector<NodeId> out;
  for (EdgeId edge : graph.out_edges(node))
    if (graph.edge_kind(edge) == kind) out.push_back(graph.target(edge));
  return out;
}

void write_file(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}
}  // namespace

TEST_CASE("ofac_csv: the bundled Kaspersky OFAC set loads with its aliases and addresses") {
  Builder builder;
  const LoadReport report = load_ofac_csv(kDatasets + "/kaspersky/ofac/sdn.csv", builder);
  CHECK(report.count("entities") == 11);
  CHECK(report.count("actions") == 11);
  CHECK(report.count("aliases") == 14);
  CHECK(report.count("addresses") == 11);
  CHECK(report.skipped.empty());
  CHECK(report.files.size() == 3);  // sdn.csv, then alt.csv and add.csv beside it
  const Graph graph = std::move(builder).freeze();
  CHECK(graph.find("ofac-sdn:45864").has_value());
}

TEST_CASE(
    "ofac_csv: TIKHONOV (uid 45815) reads back exactly: facts, documents, aliases, address, "
    "listing") {
  Builder builder;
  load_ofac_csv(kDatasets + "/kaspersky/ofac/sdn.csv", builder);
  const Graph graph = std::move(builder).freeze();
  const auto found = graph.find("ofac-sdn:45815");
  REQUIRE(found);
  const NodeId node = *found;
  CHECK(graph.kind(node) == NodeKind::Person);
  CHECK(graph.name(node) == "TIKHONOV, Andrei Gennadyevich");
  CHECK(attribute(graph, node, "birthDate") == std::vector<std::string>{"1966-11-09"});
  CHECK(attribute(graph, node, "birthPlace") == std::vector<std::string>{"Tver, Russia"});
  CHECK(attribute(graph, node, "nationality") == std::vector<std::string>{"Russia"});
  CHECK(attribute(graph, node, "gender") == std::vector<std::string>{"Male"});
  CHECK(attribute(graph, node, "id:Passport") == std::vector<std::string>{"530193947 (Russia)"});
  CHECK(attribute(graph, node, "id:National ID No.") ==
        std::vector<std::string>{"4511483349 (Russia)"});
  CHECK(attribute(graph, node, "id:Tax ID No.") ==
        std::vector<std::string>{"774334095919 (Russia)"});
  CHECK(attribute(graph, node, "secondarySanctionsRisk") ==
        std::vector<std::string>{"See Section 11 of Executive Order 14024."});
  CHECK(attribute(graph, node, "remarks").empty());  // every part was understood
  CHECK(names_of(graph, node, NameType::Aka, NameStrength::Strong) ==
        std::vector<std::string>{"TIKHONOV, Andrey"});
  CHECK(attribute(graph, node, "address") == std::vector<std::string>{"Moscow, Russia"});
  CHECK(attribute(graph, node, "country") == std::vector<std::string>{"Russia"});
  // Every fact says where it comes from.
  for (const Attribute& item : graph.attributes(node)) {
    const std::string where = graph.describe(item.source);
    CAPTURE(where);
    if (graph.string(item.key) == "birthDate")
      CHECK(where.ends_with("kaspersky/ofac/sdn.csv:1 (record 45815)"));
    if (graph.string(item.key) == "address")
      CHECK(where.ends_with("kaspersky/ofac/add.csv:1 (record 45815)"));
  }

  const auto action_node = graph.find("ofac-sdn:45815#SDN");
  REQUIRE(action_node);
  const Action* action = graph.action(*action_node);
  REQUIRE(action != nullptr);
  CHECK(graph.string(action->authority) == "OFAC");
  CHECK(graph.string(action->list) == "SDN");
  CHECK(graph.string(action->program) == "RUSSIA-EO14024");
  CHECK(!action->listed);  // the legacy CSV has no listing date: unknown stays unknown
  CHECK(action->in_force.is_open());
  CHECK(targets(graph, node, EdgeKind::TargetOf) == std::vector<NodeId>{*action_node});
}

TEST_CASE("ofac_csv: the sample excerpt's counts match an independent count") {
  // Counted with a separate script over the four files: 309 entries, 590 alt.csv aliases and
  // 78 weak a.k.a.s in Remarks, 662 addresses, 199 links resolved and 41 not.
  Builder builder;
  const LoadReport report = load_ofac_csv(kDatasets + "/samples/ofac/sdn.csv", builder);
  CHECK(report.count("entities") == 309);
  CHECK(report.count("actions") == 309);
  CHECK(report.count("aliases") == 590 + 78);
  CHECK(report.count("addresses") == 662);
  CHECK(report.count("links resolved") == 199);
  CHECK(report.count("links unresolved") == 41);
  CHECK(report.unresolved.size() == 41);
  CHECK(report.count("documents") > 0);
  CHECK(report.skipped.empty());
  CHECK(report.files.size() == 4);
}

TEST_CASE(
    "ofac_csv: a Linked To becomes an edge to the named entry - an ambiguous one is reported") {
  Builder builder;
  const LoadReport report = load_ofac_csv(kDatasets + "/samples/ofac/sdn.csv", builder);
  const Graph graph = std::move(builder).freeze();

  SUBCASE("every LinkedTo edge ends at the entry whose listed name (or alias) the remark states") {
    std::size_t checked = 0;
    for (std::uint32_t index = 0; index < graph.node_count(); ++index) {
      for (EdgeId edge : graph.out_edges(NodeId{index})) {
        if (graph.edge_kind(edge) != EdgeKind::LinkedTo) continue;
        const NodeId to = graph.target(edge);
        std::string stated;
        for (const Attribute& item : graph.edge_attributes(edge))
          if (graph.string(item.key) == "name") stated = graph.string(item.value);
        bool named = false;
        for (const Name& name : graph.names(to)) {
          const std::string_view text = graph.string(name.text);
          named = named || text == stated || text == stated + ".";
        }
        CHECK(named);
        CHECK(graph.role(edge) == "Linked To");
        CHECK(!graph.edge_provenance(edge).empty());
        ++checked;
      }
    }
    CHECK(checked == 199);
  }
  SUBCASE("NASRALLAH, Hasan (2686) is Linked To HIZBALLAH (4697)") {
    const auto from = graph.find("ofac-sdn:2686");
    const auto to = graph.find("ofac-sdn:4697");
    REQUIRE(from);
    REQUIRE(to);
    CHECK(graph.name(*to) == "HIZBALLAH");
    CHECK(targets(graph, *from, EdgeKind::LinkedTo) == std::vector<NodeId>{*to});
  }
  SUBCASE("two entries share the name: kept as attribute and reported with file, line, uid") {
    const auto node = graph.find("ofac-sdn:20130");
    REQUIRE(node);
    CHECK(attribute(graph, *node, "linkedTo") ==
          std::vector<std::string>{"MINISTRY OF STATE SECURITY"});
    const auto issue = std::find_if(report.unresolved.begin(), report.unresolved.end(),
                                    [](const LoadIssue& item) { return item.record == "20130"; });
    REQUIRE(issue != report.unresolved.end());
    CHECK(issue->file.ends_with("samples/ofac/sdn.csv"));
    CHECK(issue->line > 0);
    CHECK(issue->reason.find("several") != std::string::npos);
  }
  SUBCASE("sdn_comments.csv continues the remarks mid-word") {
    // sdn.csv's remarks of 12300 stop at "PROMO RAI", sdn_comments.csv goes on "Z S.A.S.; ...".
    const auto node = graph.find("ofac-sdn:12300");
    REQUIRE(node);
    const auto linked = attribute(graph, *node, "linkedTo");
    CHECK(std::find(linked.begin(), linked.end(), "PROMO RAIZ S.A.S.") != linked.end());
    // The last one: its final period is read as OFAC's end-of-data marker (ambiguous in the
    // format).
    CHECK(std::find(linked.begin(), linked.end(), "R D I S.A") != linked.end());
  }
  SUBCASE("weak aliases come from the remarks") {
    const auto node = graph.find("ofac-sdn:306");
    REQUIRE(node);
    CHECK(graph.name(*node) == "BANCO NACIONAL DE CUBA");
    CHECK(names_of(graph, *node, NameType::Aka, NameStrength::Weak) ==
          std::vector<std::string>{"BNC"});
    CHECK(names_of(graph, *node, NameType::Aka, NameStrength::Strong) ==
          std::vector<std::string>{"NATIONAL BANK OF CUBA"});
  }
}

TEST_CASE("ofac_csv: a link resolves to the right node") {
  // A two-entry set written here: B is linked to A by A's exact listed name, C by A's alias.
  const std::string folder = kOutput + "/ofac_links";
  fs::create_directories(folder);
  write_file(
      folder + "/sdn.csv",
      "1,\"ALPHA TRADING LLC\",-0- ,\"SDGT] [IRGC\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      "2,\"BETA, Ivan\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
      "\"DOB 1970; Linked To: ALPHA TRADING LLC.\"\r\n"
      "3,\"GAMMA CO.\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
      "\"Linked To: ALPHA; Linked To: NOBODY KNOWN; Executive Order 13846 information: "
      "BANKING TRANSACTIONS.  Sec. 5(a)(iii); Member of the Board.\"\r\n");
  write_file(folder + "/alt.csv", "1,10,\"fka\",\"ALPHA\",-0- \r\n");
  Builder builder;
  const LoadReport report = load_ofac_csv(folder + "/sdn.csv", builder);
  CHECK(report.count("links resolved") == 2);
  CHECK(report.count("links unresolved") == 1);
  const Graph graph = std::move(builder).freeze();
  const NodeId alpha = *graph.find("ofac-sdn:1");
  CHECK(targets(graph, *graph.find("ofac-sdn:2"), EdgeKind::LinkedTo) ==
        std::vector<NodeId>{alpha});
  CHECK(targets(graph, *graph.find("ofac-sdn:3"), EdgeKind::LinkedTo) ==
        std::vector<NodeId>{alpha});
  CHECK(attribute(graph, *graph.find("ofac-sdn:2"), "birthDate") ==
        std::vector<std::string>{"1970"});
  const NodeId gamma = *graph.find("ofac-sdn:3");
  CHECK(attribute(graph, gamma, "linkedTo") == std::vector<std::string>{"NOBODY KNOWN"});
  // An unrecognised part ("Member of the Board") keeps the whole remarks text.
  CHECK(attribute(graph, gamma, "remarks").size() == 1);
  const Action* action = graph.action(*graph.find("ofac-sdn:3#SDN"));
  REQUIRE(action != nullptr);
  CHECK(graph.string(action->legal_basis) == "Executive Order 13846");
  CHECK(graph.string(action->measures) == "BANKING TRANSACTIONS.  Sec. 5(a)(iii)");
  CHECK(graph.string(graph.action(*graph.find("ofac-sdn:1#SDN"))->program) == "SDGT; IRGC");
  CHECK(graph.kind(alpha) == NodeKind::LegalEntity);
}

TEST_CASE("ofac_csv: the non-SDN Consolidated list files are tagged with their list") {
  const std::string folder = kOutput + "/ofac_cons";
  fs::create_directories(folder);
  fs::copy_file(kDatasets + "/kaspersky/ofac/sdn.csv", folder + "/cons_prim.csv",
                fs::copy_options::overwrite_existing);
  fs::copy_file(kDatasets + "/kaspersky/ofac/alt.csv", folder + "/cons_alt.csv",
                fs::copy_options::overwrite_existing);
  Builder builder;
  const LoadReport report = load_ofac_csv(folder + "/cons_prim.csv", builder);
  CHECK(report.count("entities") == 11);
  CHECK(report.count("aliases") == 14);
  const Graph graph = std::move(builder).freeze();
  CHECK(!graph.find("ofac-sdn:45815"));
  const auto action = graph.find("ofac-cons:45815#NON-SDN");
  REQUIRE(action);
  CHECK(graph.string(graph.action(*action)->list) == "Non-SDN Consolidated");
  // A non-SDN row under RUSSIA-EO14024 is a directive listing: sectoral, never a blocking.
  const Action& cons = *graph.action(*action);
  CHECK(cons.issuer == Issuer::UsOfac);
  CHECK(cons.list_id == SanctionList::OfacNonSdnDirective);
  CHECK(cons.measure_set == Measures{Measure::Sectoral});
}

TEST_CASE("ofac_csv: every SDN row is an OFAC blocking on the SDN List") {
  Builder builder;
  load_ofac_csv(kDatasets + "/kaspersky/ofac/sdn.csv", builder);
  const Graph graph = std::move(builder).freeze();
  REQUIRE(graph.action_nodes().size() == 11);
  for (NodeId node : graph.action_nodes()) {
    const Action& sdn = *graph.action(node);
    CHECK(sdn.issuer == Issuer::UsOfac);
    CHECK(sdn.list_id == SanctionList::OfacSdn);
    CHECK(sdn.measure_set == Measures{Measure::AssetFreeze});
    CHECK(sdn.undated());  // the SDN file gives no designation date
  }
}

TEST_CASE(
    "ofac_csv: strict mode stops at the first bad row and loads nothing - skip mode lists it") {
  SUBCASE("strict") {
    Builder builder;
    CHECK_THROWS_WITH_AS(load_ofac_csv(broken("ofac_bad_uid.csv"), builder),
                         doctest::Contains("ofac_bad_uid.csv:2: ent_num '45B17' is not a number"),
                         LoadError);
    CHECK(builder.entity_count() == 0);
  }
  SUBCASE("skip") {
    Builder builder;
    const LoadReport report =
        load_ofac_csv(broken("ofac_bad_uid.csv"), builder, {.on_bad_record = OnBadRecord::Skip});
    CHECK(report.count("entities") == 1);
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].line == 2);
    CHECK(report.skipped[0].reason.find("not a number") != std::string::npos);
  }
  SUBCASE("a broken quote: reported at its line, the next line still loads in skip mode") {
    Builder builder;
    CHECK_THROWS_WITH_AS(load_ofac_csv(broken("ofac_bad_quote.csv"), builder),
                         doctest::Contains("ofac_bad_quote.csv:2:"), LoadError);
    const LoadReport report =
        load_ofac_csv(broken("ofac_bad_quote.csv"), builder, {.on_bad_record = OnBadRecord::Skip});
    CHECK(report.count("entities") == 2);
    CHECK(report.skipped.size() == 1);
  }
  SUBCASE("invalid UTF-8 names the row") {
    Builder builder;
    CHECK_THROWS_WITH_AS(load_ofac_csv(broken("ofac_invalid_utf8.csv"), builder),
                         doctest::Contains("ofac_invalid_utf8.csv:2: invalid UTF-8"), LoadError);
  }
  SUBCASE("an empty file") {
    Builder builder;
    CHECK_THROWS_WITH_AS(load_ofac_csv(broken("ofac_empty_file.csv"), builder),
                         doctest::Contains("empty file"), LoadError);
  }
  SUBCASE("a wrong column count and a truncated line") {
    Builder builder;
    CHECK_THROWS_WITH_AS(load_ofac_csv(broken("ofac_wrong_column_count.csv"), builder),
                         doctest::Contains(":2: 11 columns, expected 12"), LoadError);
    CHECK_THROWS_AS(load_ofac_csv(broken("ofac_truncated_line.csv"), builder), LoadError);
    CHECK_THROWS_WITH_AS(load_ofac_csv(broken("ofac_duplicate_uid.csv"), builder),
                         doctest::Contains("duplicate ent_num 45815"), LoadError);
  }
}

TEST_CASE("ofac_csv: rows for an unknown uid are reported, never fatal") {
  Builder builder;
  const LoadReport report = load_ofac_csv(broken("ofac_alt_unknown_uid.csv"), builder);
  CHECK(report.count("unknown uid rows") == 2);
  REQUIRE(report.skipped.size() == 2);
  CHECK(report.skipped[0].record == "99999901");
  CHECK(report.skipped[0].line == 1);
  CHECK(report.skipped[0].reason.find("unknown uid") != std::string::npos);
  CHECK(builder.entity_count() == 0);
}

TEST_CASE("ofac_csv: alt.csv loaded alone attaches to the entries loaded before it") {
  // First the main file (from a folder without siblings), then alt.csv on its own.
  Builder builder;
  const std::string folder = kOutput + "/ofac_alone";
  const std::string main_folder = kOutput + "/ofac_alone_main";
  fs::create_directories(folder);
  fs::create_directories(main_folder);
  fs::copy_file(kDatasets + "/kaspersky/ofac/alt.csv", folder + "/alt.csv",
                fs::copy_options::overwrite_existing);
  fs::copy_file(kDatasets + "/kaspersky/ofac/sdn.csv", main_folder + "/sdn.csv",
                fs::copy_options::overwrite_existing);
  CHECK(load_ofac_csv(main_folder + "/sdn.csv", builder).count("aliases") == 0);
  const LoadReport report = load_ofac_csv(folder + "/alt.csv", builder);
  CHECK(report.count("aliases") == 14);
  CHECK(report.skipped.empty());
  const Graph graph = std::move(builder).freeze();
  CHECK(names_of(graph, *graph.find("ofac-sdn:45815"), NameType::Aka, NameStrength::Strong) ==
        std::vector<std::string>{"TIKHONOV, Andrey"});
}

TEST_CASE("ofac_csv: every datasets/broken/ofac_* file loads or throws LoadError, never crashes") {
  const auto each = [](const std::string& path, OnBadRecord mode) {
    Builder builder;
    try {
      load_ofac_csv(path, builder, {.on_bad_record = mode});
    } catch (const LoadError& error) {
      CHECK(!error.reason().empty());
      CHECK(builder.entity_count() == 0);
    }
  };
  const std::size_t files = testing::for_each_broken_file("ofac_", each);
  CHECK(files >= 8);
}

TEST_CASE("ofac_csv: a 64 MB line gives a clean LoadError, not a crash or a 64 MB string") {
  const std::string path = kOutput + "/ofac_long_line.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "45815,\"TIKHONOV, Andrei Gennadyevich\",\"individual\",\"RUSSIA-EO14024\",-0- ,-0- "
           ",-0- ,"
           "-0- ,-0- ,-0- ,-0- ,\"";
    const std::string chunk(1 << 20, 'A');
    for (int mb = 0; mb < 64; ++mb) out << chunk;
    out << "\"\r\n";
  }
  Builder builder;
  CHECK_THROWS_WITH_AS(load_ofac_csv(path, builder),
                       doctest::Contains(":1: field 12 is 67108864 bytes long"), LoadError);
  const LoadReport report = load_ofac_csv(path, builder, {.on_bad_record = OnBadRecord::Skip});
  CHECK(report.skipped.size() == 1);
  fs::remove(path);
}

TEST_CASE("ofac_csv: format detection knows the four kinds and nothing else") {
  const auto head = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string text(4096, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
  };
  const std::string folder = kDatasets + "/samples/ofac/";
  CHECK(looks_like_ofac_csv(head(folder + "sdn.csv"), "sdn.csv"));
  CHECK(looks_like_ofac_csv(head(folder + "alt.csv"), "alt.csv"));
  CHECK(looks_like_ofac_csv(head(folder + "add.csv"), "add.csv"));
  CHECK(looks_like_ofac_csv(head(folder + "sdn_comments.csv"), "sdn_comments.csv"));
  CHECK(looks_like_ofac_csv(head(folder + "sdn.csv"), "excerpt.csv"));
  CHECK(!looks_like_ofac_csv("name,address,country\nACME,1 Road,UK\n", "list.csv"));
  CHECK(!looks_like_ofac_csv("", "sdn.csv"));
  CHECK(!looks_like_ofac_csv(head(folder + "alt.csv"), "sdn.csv"));
}

TEST_CASE("ofac_csv: the full July 2021 SDN set: 8,976 entries with their aliases and addresses") {
  const std::string path = kShared + "/ofac/sdn_2021-07/sdn.csv";
  if (!fs::exists(path)) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  // Independent counts (wc -l and a separate script): 8,976 sdn.csv rows, 11,910 alt.csv rows
  // plus 2,441 weak a.k.a.s in Remarks (with sdn_comments.csv), 13,837 add.csv rows, 3,408
  // Linked To of which 9 name no single entry (ROSTEC, MINISTRY OF STATE SECURITY twice, ...).
  Builder builder;
  const LoadReport report = load_ofac_csv(path, builder);
  CHECK(report.count("entities") == 8976);
  CHECK(report.count("actions") == 8976);
  CHECK(report.count("aliases") == 11910 + 2441);
  CHECK(report.count("addresses") == 13837);
  CHECK(report.count("links resolved") == 3399);
  CHECK(report.count("links unresolved") == 9);
  CHECK(report.skipped.empty());
  MESSAGE("documents: " << report.count("documents"));
}

TEST_CASE("ofac_csv: the full 2024-05-03 SDN main file: 14,965 entries") {
  const std::string path = kShared + "/ofac/sdn_2024-05-03/sdn.csv";
  if (!fs::exists(path)) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  Builder builder;
  const LoadReport report = load_ofac_csv(path, builder);
  CHECK(report.count("entities") == 14965);
  CHECK(report.count("aliases") == 3663);  // weak a.k.a.s only: this release has no alt.csv here
  CHECK(report.count("links resolved") == 6365);
  CHECK(report.count("links unresolved") == 10);
  CHECK(report.skipped.empty());
  const Graph graph = std::move(builder).freeze();
  CHECK(graph.stats().nodes_by_kind[static_cast<int>(NodeKind::Person)] == 6854);
  CHECK(graph.stats().nodes_by_kind[static_cast<int>(NodeKind::Vessel)] == 851);
  CHECK(graph.stats().nodes_by_kind[static_cast<int>(NodeKind::Aircraft)] == 376);
}

TEST_CASE("ofac_csv: the 2025 alt.csv without its sdn.csv: every row reported as an unknown uid") {
  const std::string path = kShared + "/ofac/add_alt_2025-02/alt.csv";
  if (!fs::exists(path)) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  Builder builder;
  const LoadReport report = load_ofac_csv(path, builder);
  CHECK(report.count("unknown uid rows") == 19486);
  CHECK(report.skipped.size() == 19486);
  CHECK(builder.entity_count() == 0);
}

TEST_CASE("ofac_csv: remark dates become ISO only in OFAC's three forms, others stay as written") {
  // OFAC's forms (notice of 2012-06-13, item 4): "09 Nov 1966", "Nov 1966", "1966". Each entry
  // below has one DOB; near misses (bad day, spacing, case, lengths) must be kept verbatim.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"09 Nov 1966", "1966-11-09"},  {"9 Nov 1966", "1966-11-09"},
      {"Nov 1966", "1966-11"},        {"1966", "1966"},
      {"29 Feb 2000", "2000-02-29"},  {"29 Feb 1999", "29 Feb 1999"},
      {"31 Apr 1970", "31 Apr 1970"}, {"00 Jan 1970", "00 Jan 1970"},
      {"circa 1951", "circa 1951"},   {"1960 to 1962", "1960 to 1962"},
      {"09  Nov 1966", "09  Nov 1966"}, {"09 NOV 1966", "09 NOV 1966"},
      {"123 Nov 1966", "123 Nov 1966"}, {"Sept 1966", "Sept 1966"},
      {"196x", "196x"},               {"19660", "19660"},
      {"x9 Nov 1966", "x9 Nov 1966"}, {"09 Nov 196x", "09 Nov 196x"},
      {"09-Nov 1966", "09-Nov 1966"}, {"Nov-1966", "Nov-1966"},
  };
  const std::string folder = kOutput + "/ofac_dates";
  fs::create_directories(folder);
  std::string sdn;
  for (std::size_t at = 0; at < cases.size(); ++at)
    sdn += std::to_string(at + 1) + ",\"PERSON " + std::to_string(at + 1) +
           "\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB " + cases[at].first +
           "; POB Tver;Moscow; Registration Number 12 ID 345.\"\r\n";
  // A date in an Organization Established Date and a Listing Date part takes the same rule.
  sdn += "100,\"DELTA LLC\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
         "\"Organization Established Date 1 Jan 2000; Listing Date (EO 14024 Annex): 24 Feb "
         "2022; Target Type Financial Institution.\"\r\n";
  write_file(folder + "/sdn.csv", sdn);
  Builder builder;
  load_ofac_csv(folder + "/sdn.csv", builder);
  const Graph graph = std::move(builder).freeze();
  for (std::size_t at = 0; at < cases.size(); ++at) {
    CAPTURE(cases[at].first);
    const NodeId node = *graph.find("ofac-sdn:" + std::to_string(at + 1));
    CHECK(attribute(graph, node, "birthDate") == std::vector<std::string>{cases[at].second});
    // A ';' with no space after it does not end a part.
    CHECK(attribute(graph, node, "birthPlace") == std::vector<std::string>{"Tver;Moscow"});
    // The generic document label is the longest run of words ending in a label word.
    CHECK(attribute(graph, node, "id:Registration Number 12 ID") == std::vector<std::string>{"345"});
    CHECK(attribute(graph, node, "remarks").empty());
  }
  const NodeId delta = *graph.find("ofac-sdn:100");
  CHECK(attribute(graph, delta, "incorporationDate") == std::vector<std::string>{"2000-01-01"});
  CHECK(attribute(graph, delta, "listingDate (EO 14024 Annex)") ==
        std::vector<std::string>{"2022-02-24"});
  CHECK(attribute(graph, delta, "remarks").empty());
}

TEST_CASE("ofac_csv: quoted fields with doubled quotes in alt.csv and add.csv keep their text") {
  // A field with "" is unescaped into the CSV reader's own buffer, which the next row reuses;
  // alt.csv and add.csv rows are added one row late, so their fields must outlive the row
  // (found by fuzz_ofac_csv under ASan as a use after free).
  const std::string folder = kOutput + "/ofac_quoted_siblings_" + std::to_string(::getpid());
  fs::create_directories(folder);
  write_file(folder + "/sdn.csv",
             "1,\"ALPHA CO\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
             "2,\"BETA CO\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n");
  write_file(folder + "/add.csv",
             "1,10,\"12 \"\"Red\"\" Street\",\"Moscow\",\"Rus\"\"sia\",\"note \"\"a\"\"\"\r\n"
             "2,11,\"Lenin \"\"Av\"\"\",\"Kazan\",\"Tatar\"\"stan\",\"note \"\"b\"\"\"\r\n");
  write_file(folder + "/alt.csv",
             "1,20,\"aka\",\"AL \"\"X\"\" CO\",\"rem \"\"q\"\"\"\r\n"
             "2,21,\"aka\",\"BE \"\"Y\"\" CO\",\"rem \"\"r\"\"\"\r\n");
  Builder builder;
  const LoadReport report = load_ofac_csv(folder + "/sdn.csv", builder);
  CHECK(report.skipped.empty());
  const Graph graph = std::move(builder).freeze();
  const NodeId alpha = *graph.find("ofac-sdn:1");
  const NodeId beta = *graph.find("ofac-sdn:2");
  CHECK(attribute(graph, alpha, "country") == std::vector<std::string>{"Rus\"sia"});
  CHECK(attribute(graph, alpha, "addressRemarks") == std::vector<std::string>{"note \"a\""});
  CHECK(attribute(graph, beta, "country") == std::vector<std::string>{"Tatar\"stan"});
  CHECK(attribute(graph, beta, "addressRemarks") == std::vector<std::string>{"note \"b\""});
  CHECK(names_of(graph, alpha, NameType::Aka, NameStrength::Strong) == std::vector<std::string>{"AL \"X\" CO"});
  CHECK(attribute(graph, alpha, "aliasRemarks") == std::vector<std::string>{"rem \"q\""});
  CHECK(names_of(graph, beta, NameType::Aka, NameStrength::Strong) == std::vector<std::string>{"BE \"Y\" CO"});
  CHECK(attribute(graph, beta, "aliasRemarks") == std::vector<std::string>{"rem \"r\""});
  fs::remove_all(folder);
}
