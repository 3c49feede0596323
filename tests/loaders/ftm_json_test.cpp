#include "skg/loaders/ftm_json.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "graph/graph_fingerprint.h"
#include "graph/graph_test_util.h"
#include "loaders/loader_test_util.h"
#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/loaders/json_common.h"
#include "skg/loaders/load_internal.h"

using namespace skg;
namespace fs = std::filesystem;

namespace {

const std::string kDatasets = SKG_DATASETS_DIR;
const std::string kOutput = SKG_TEST_OUTPUT_DIR;

std::string sample(const std::string& name) { return kDatasets + "/samples/opensanctions/" + name; }

/// Reads FtM lines the way `how` for a scope; back to the default (Scan) after it, thrown or not.
struct LineParseAs {
  explicit LineParseAs(detail::FtmLineParse how) { detail::ftm_line_parse = how; }
  ~LineParseAs() { detail::ftm_line_parse = detail::FtmLineParse::Scan; }
  LineParseAs(const LineParseAs&) = delete;
  LineParseAs& operator=(const LineParseAs&) = delete;
};
using testing::broken;
using testing::edge_attribute;
using testing::edge_with_id;
using testing::for_each_broken_file;

std::string write(const std::string& name, const std::string& text) {
  const std::string path = kOutput + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::size_t count_kind(const Graph& graph, NodeKind kind) {
  std::size_t count = 0;
  for (std::uint32_t node = 0; node < graph.node_count(); ++node) count += graph.kind(NodeId{node}) == kind;
  return count;
}

std::size_t count_edges(const Graph& graph, EdgeKind kind) {
  std::size_t count = 0;
  for (std::uint32_t edge = 0; edge < graph.edge_count(); ++edge) count += graph.edge_kind(EdgeId{edge}) == kind;
  return count;
}

Date day(const char* iso) { return *Date::parse(iso); }

std::string fmt_line(const std::string& path, std::uint64_t line) { return path + ":" + std::to_string(line) + ":"; }

}  // namespace

TEST_CASE("ftm_json: percentages in the forms FtM data writes them") {
  using detail::parse_ftm_percentage;
  CHECK(parse_ftm_percentage("50") == Percent::exact(50));
  CHECK(parse_ftm_percentage("50%") == Percent::exact(50));
  CHECK(parse_ftm_percentage(" 50.5 % ") == Percent::exact(50.5f));
  CHECK(parse_ftm_percentage("50,5") == Percent::exact(50.5f));
  CHECK(parse_ftm_percentage("25-50%") == Percent::range(25, 50));
  CHECK(parse_ftm_percentage("25% - 50%") == Percent::range(25, 50));
  CHECK(parse_ftm_percentage(">50%") == Percent::between({50'000'000, true}, {100'000'000, false}));  // (50, 100]
  CHECK(parse_ftm_percentage(">=25") == Percent::range(25, 100));
  CHECK(parse_ftm_percentage("<25%") == Percent::between({0, false}, {25'000'000, true}));  // [0, 25)
  CHECK(parse_ftm_percentage("100") == Percent::exact(100));
  CHECK_FALSE(parse_ftm_percentage("about half"));
  CHECK_FALSE(parse_ftm_percentage("150%"));
  CHECK_FALSE(parse_ftm_percentage("50-25"));
  CHECK_FALSE(parse_ftm_percentage(""));
  CHECK_FALSE(parse_ftm_percentage("5O%"));
  CHECK_FALSE(parse_ftm_percentage("1.2.3"));
  // Plain numbers, which take a shorter way than the forms above: the same shares.
  CHECK(parse_ftm_percentage("0") == Percent::exact(0));
  CHECK(parse_ftm_percentage("7,25") == Percent::exact(7.25f));
  CHECK(parse_ftm_percentage("0.0000005") == Percent::between({0, true}, {1, true}));  // past the sixth decimal
  CHECK(parse_ftm_percentage("12.5") == parse_ftm_percentage(" 12.5 "));
  CHECK(parse_ftm_percentage("33.3333333") == parse_ftm_percentage("33.3333333%"));
  CHECK_FALSE(parse_ftm_percentage("100.0000001"));
  CHECK_FALSE(parse_ftm_percentage("101"));
  CHECK_FALSE(parse_ftm_percentage(".5"));
  CHECK_FALSE(parse_ftm_percentage("5,"));
  CHECK_FALSE(parse_ftm_percentage(","));
}

TEST_CASE("ftm_json: partial dates start on their first day and end after their last") {
  using detail::parse_ftm_date;
  CHECK(parse_ftm_date("2019", false) == day("2019-01-01"));
  CHECK(parse_ftm_date("2019", true) == day("2020-01-01"));
  CHECK(parse_ftm_date("2019-05", false) == day("2019-05-01"));
  CHECK(parse_ftm_date("2019-05", true) == day("2019-06-01"));
  CHECK(parse_ftm_date("2019-12", true) == day("2020-01-01"));
  CHECK(parse_ftm_date("2019-05-24", false) == day("2019-05-24"));
  CHECK(parse_ftm_date("2019-05-24", true) == day("2019-05-25"));
  CHECK(parse_ftm_date("2019-05-24T10:00:00", false) == day("2019-05-24"));
  CHECK_FALSE(parse_ftm_date("2019-13", false));
  CHECK_FALSE(parse_ftm_date("soon", false));
  CHECK_FALSE(parse_ftm_date("", true));
}

TEST_CASE("ftm_json: the ZALA AERO cluster reads back exactly") {
  Builder builder;
  const LoadReport report = load_ftm_json(sample("zala/entities.ftm.json"), builder);
  CHECK(report.skipped.empty());
  CHECK(report.unresolved.empty());
  CHECK(report.warnings.empty());
  CHECK(report.count("entities") == 17);
  CHECK(report.count("actions") == 41);
  CHECK(report.count("addresses") == 11);
  CHECK(report.count("identity documents") == 1);
  const Graph graph = std::move(builder).freeze();
  testing::check_invariants(graph);

  CHECK(count_kind(graph, NodeKind::Company) == 11);
  CHECK(count_kind(graph, NodeKind::Person) == 6);
  // 41 Sanction records, and 53 listings of targets on mapped datasets that no Sanction record of
  // that dataset names (issue 10: JSC Kalashnikov Concern has no Sanction record at all).
  CHECK(report.count("listings from dataset membership") == 53);
  CHECK(count_kind(graph, NodeKind::Action) == 41 + 53);
  CHECK(count_edges(graph, EdgeKind::Owns) == 14);
  CHECK(count_edges(graph, EdgeKind::DirectorOf) == 3);
  CHECK(count_edges(graph, EdgeKind::Family) == 4);
  CHECK(count_edges(graph, EdgeKind::TargetOf) == 41 + 53);

  const auto zakharov = graph.find("NK-aU5ybkbRFJucf8YMwsJvDw");
  const auto cst = graph.find("NK-abdzbEBkqyT29GyREbiURZ");
  const auto izhmash = graph.find("NK-nR5AXM9AVPq4pQaSPSaVam");
  REQUIRE(zakharov);
  REQUIRE(cst);
  REQUIRE(izhmash);
  CHECK(graph.name(*zakharov) == "Aleksandr Vyacheslavovich Zakharov");
  CHECK(graph.name(*cst) == "Товариство з обмеженою відповідальністю \"ЦСТ\"");
  CHECK(graph.name(*izhmash) == "JSC NPO IZHMASH");

  SUBCASE("JSC Kalashnikov Concern is listed by its datasets: OFAC SDN, EU FSF, UK list; no date") {
    auto membership = [&](std::string_view dataset) -> const Action* {
      const auto found = graph.find("NK-nR5AXM9AVPq4pQaSPSaVam#dataset:" + std::string(dataset));
      return found ? graph.action(*found) : nullptr;
    };
    const Action* sdn = membership("us_ofac_sdn");
    REQUIRE(sdn != nullptr);
    CHECK(sdn->issuer == Issuer::UsOfac);
    CHECK(sdn->list_id == SanctionList::OfacSdn);
    CHECK(sdn->measure_set == Measures{Measure::AssetFreeze});
    CHECK(sdn->origin == ActionOrigin::DatasetMembership);
    CHECK(sdn->undated());
    const Action* eu = membership("eu_fsf");
    REQUIRE(eu != nullptr);
    CHECK(eu->issuer == Issuer::EuCouncil);
    CHECK(eu->measure_set.contains(Measure::AssetFreeze));
    // The UK Sanctions List holds freezes, travel bans and trust-services sanctions alike: the
    // dataset alone does not say which, so the measure stays unknown.
    const Action* uk = membership("gb_fcdo_sanctions");
    REQUIRE(uk != nullptr);
    CHECK(uk->issuer == Issuer::Uk);
    CHECK(uk->measure_set.unknown());
    // Datasets that are not lists of measures make no listing.
    CHECK_FALSE(membership("ext_ru_egrul"));
    CHECK_FALSE(membership("permid"));
    // A dataset a Sanction record of the party comes from makes no second listing (LLC CST has
    // Sanctions from fr_tresor_gels_avoir).
    CHECK_FALSE(graph.find("NK-abdzbEBkqyT29GyREbiURZ#dataset:fr_tresor_gels_avoir"));
  }

  SUBCASE("Sanction records get their measures from the cited tables") {
    // us_ofac_sdn, provisions "Block": an OFAC blocking on the SDN List.
    bool sdn_block = false, bis_el = false, uk_freeze = false, sam = false;
    for (NodeId node : graph.action_nodes()) {
      const Action* action = graph.action(node);
      if (action->origin != ActionOrigin::Record) continue;
      sdn_block |= action->list_id == SanctionList::OfacSdn && action->measure_set.contains(Measure::AssetFreeze);
      bis_el |= action->list_id == SanctionList::BisEntityList && action->measure_set.contains(Measure::ExportLicence);
      uk_freeze |= action->issuer == Issuer::Uk && action->measure_set.contains(Measure::AssetFreeze) &&
                   action->measure_set.contains(Measure::TrustServices);
      // SAM exclusions name "OFAC" as their authority in the export: the dataset decides.
      sam |= action->list_id == SanctionList::UsSamExclusions && action->issuer == Issuer::UsOther &&
             action->measure_set == Measures{Measure::ProcurementBan};
    }
    CHECK(sdn_block);
    CHECK(bis_el);
    CHECK(uk_freeze);
    CHECK(sam);
  }

  SUBCASE("Zakharov's 50% of CST from 2015-11-25 through 2023-03-02") {
    const auto edge = edge_with_id(graph, "ru-770bdf5f22537fa2a94176f53fa87fe28ecf94fa");
    REQUIRE(edge);
    CHECK(graph.edge_kind(*edge) == EdgeKind::Owns);
    CHECK(graph.source(*edge) == *zakharov);
    CHECK(graph.target(*edge) == *cst);
    CHECK(graph.share(*edge) == Percent::exact(50));
    CHECK(graph.edge_valid(*edge).start == day("2015-11-25"));
    CHECK(graph.edge_valid(*edge).end == day("2023-03-03"));  // the end date is its last day
    CHECK(edge_attribute(graph, *edge, "sharesCount") == std::vector<std::string_view>{"6494.29"});
    CHECK(edge_attribute(graph, *edge, "percentage").empty());  // captured whole by the share
  }
  SUBCASE("IZHMASH's 49% of CST from 2016-03-29, no end") {
    const auto edge = edge_with_id(graph, "ru-29477727b21c0f44d9c8b2e0c3697b8e028f8f5f");
    REQUIRE(edge);
    CHECK(graph.source(*edge) == *izhmash);
    CHECK(graph.target(*edge) == *cst);
    CHECK(graph.share(*edge) == Percent::exact(49));
    CHECK(graph.edge_valid(*edge).start == day("2016-03-29"));
    CHECK_FALSE(graph.edge_valid(*edge).end);
  }
  SUBCASE("an ownership without a percentage has an unknown share and keeps its role") {
    const auto edge = edge_with_id(graph, "NK-3NyeuT6JeJDLhGEyH3JD52");
    REQUIRE(edge);
    CHECK_FALSE(graph.share(*edge).known());
    CHECK(graph.role(*edge) == "subsidiary of");
    CHECK(graph.edge_valid(*edge).is_open());
  }
  SUBCASE("every ownership's percentage, as the file gives it") {
    int with_share = 0;
    for (std::uint32_t edge = 0; edge < graph.edge_count(); ++edge)
      if (graph.edge_kind(EdgeId{edge}) == EdgeKind::Owns && graph.share(EdgeId{edge}).known()) ++with_share;
    CHECK(with_share == 10);
  }
  SUBCASE("names, aliases, attributes, referents") {
    bool alias = false;
    for (const Name& name : graph.names(*zakharov))
      alias |= graph.string(name.text) == "Alexander Vyacheslavovich Zakharov" && name.type == NameType::Aka;
    CHECK(alias);
    CHECK(graph.attribute(*zakharov, "birthDate") == std::vector<std::string_view>{"1965-09-21"});
    CHECK_FALSE(graph.attribute(*zakharov, "datasets").empty());
    CHECK(graph.attribute(*zakharov, "passport.id").size() == 1);
    CHECK(graph.find_by_name("Zakharov Aleksandr").size() == 1);
    // A referent of the person resolves to the same node.
    std::size_t merged = 0;
    for (StringId id : graph.external_ids(*zakharov)) merged += graph.find(graph.string(id)) == zakharov;
    CHECK(merged > 1);
    // The Address entities land on the parties that name them.
    std::size_t with_address = 0;
    for (std::uint32_t node = 0; node < graph.node_count(); ++node)
      with_address += !graph.attribute(NodeId{node}, "address").empty();
    CHECK(with_address >= 9);
  }
  SUBCASE("a sanction is an Action with authority, program, dates and citation") {
    const auto node = graph.find("au-dfat-56600015954691cece058c2a3b0e3b27740701e6");
    REQUIRE(node);
    const Action* action = graph.action(*node);
    REQUIRE(action);
    CHECK(graph.string(action->authority) == "Department of Foreign Affairs and Trade");
    CHECK(graph.string(action->program) == "AU-RUSSIA");
    CHECK(graph.string(action->measures) == "Targeted financial sanction");
    CHECK(graph.string(action->citation) ==
          "https://www.dfat.gov.au/international-relations/security/sanctions/Pages/sanctions");
    CHECK(action->in_force.start == day("2023-02-24"));
    CHECK_FALSE(action->in_force.end);
    CHECK(graph.attribute(*node, "program") == std::vector<std::string_view>{"Autonomous (Russia)"});
    bool targets_cst = false;
    for (EdgeId edge : graph.in_edges(*node))
      targets_cst |= graph.edge_kind(edge) == EdgeKind::TargetOf && graph.source(edge) == *cst;
    CHECK(targets_cst);
    // Two listing dates: the earliest is the listing, both are kept.
    const auto belgium = graph.find("be-fod-6b5e9e949f3a7b1e9f5e62ecec79478ca6a28a0b");
    REQUIRE(belgium);
    CHECK(graph.action(*belgium)->listed == day("2023-12-18"));
    CHECK(graph.attribute(*belgium, "listingDate").size() == 2);
  }
}

TEST_CASE("ftm_json: deltas apply in order to a frozen graph") {
  const std::string versions[] = {"20240527194702-wnk", "20240528014702-pfh", "20240528134729-3iv"};
  Graph graph = std::move(Builder()).freeze();
  std::vector<std::size_t> counts;
  for (const std::string& version : versions) {
    Builder builder(graph);
    const LoadReport report = load_ftm_json(sample("t2_deltas/" + version + "/entities.delta.json"), builder);
    CHECK(report.skipped.empty());
    graph = std::move(builder).freeze();
    testing::check_invariants(graph);
    counts.push_back(graph.node_count() - count_kind(graph, NodeKind::Action) - count_kind(graph, NodeKind::Authority));
    if (version == versions[1]) CHECK(report.count("delta replaced") == 1);
  }
  CHECK(counts == std::vector<std::size_t>{2, 3, 4});
  const auto modified = graph.find("NK-2T3S8Hu29ktYnKSTgQp2wL");
  REQUIRE(modified);
  CHECK(graph.name(*modified) == "Foobar Foobargroup");  // the MOD replaced the ADD's version
  CHECK(graph.attribute(*modified, "createdAt") == std::vector<std::string_view>{"2012-03-24"});
  CHECK(graph.attribute(*modified, "modifiedAt").empty());  // the old version's facts are gone
  CHECK(graph.find_by_name("AL-QAIDA IN IRAQ").size() == 1);  // only NK-500Poltergeist now
  CHECK(graph.find("NK-500Poltergeist"));
  CHECK(graph.find("Q4365364"));
  CHECK(graph.find("NK-2sJaJRaPJcWUfMbHjTtWcL"));
}

TEST_CASE("ftm_json: a delta's ops on one id come out as their net effect") {
  Builder first;
  load_ftm_json(write("ftm_base.json",
                      "{\"id\": \"p1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Ivan\"]}}\n"
                      "{\"id\": \"c1\", \"schema\": \"Company\", \"properties\": {\"name\": [\"Acme\"]}}\n"
                      "{\"id\": \"o1\", \"schema\": \"Ownership\", \"properties\": {\"owner\": [\"p1\"], "
                      "\"asset\": [\"c1\"], \"percentage\": [\"10\"]}}\n"),
                first);
  Graph graph = std::move(first).freeze();
  Builder builder(graph);
  const LoadReport report = load_ftm_json(
      write("ftm_net.delta.json",
            "{\"op\": \"ADD\", \"entity\": {\"id\": \"p2\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Temp\"]}}}\n"
            "{\"op\": \"DEL\", \"entity\": {\"id\": \"p2\", \"schema\": \"Person\"}}\n"
            "{\"op\": \"MOD\", \"entity\": {\"id\": \"o1\", \"schema\": \"Ownership\", \"properties\": {\"owner\": [\"p1\"], "
            "\"asset\": [\"c1\"], \"percentage\": [\"60\"]}}}\n"
            "{\"op\": \"DEL\", \"entity\": {\"id\": \"p1\", \"schema\": \"Person\"}}\n"
            "{\"op\": \"ADD\", \"entity\": {\"id\": \"p1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Ivan II\"]}}}\n"),
      builder);
  CHECK(report.skipped.empty());
  graph = std::move(builder).freeze();
  CHECK_FALSE(graph.find("p2"));  // ADD then DEL: nothing
  REQUIRE(graph.find("p1"));
  CHECK(graph.name(*graph.find("p1")) == "Ivan II");  // DEL then ADD: replaced
  const auto edge = edge_with_id(graph, "o1");
  REQUIRE(edge);
  CHECK(graph.share(*edge) == Percent::exact(60));
  CHECK(graph.edge_count() == 1);

  SUBCASE("DEL of an Ownership id removes the edge") {
    Builder again(graph);
    load_ftm_json(write("ftm_del_edge.delta.json",
                        "{\"op\": \"DEL\", \"entity\": {\"id\": \"o1\", \"schema\": \"Ownership\"}}\n"),
                  again);
    CHECK(std::move(again).freeze().edge_count() == 0);
  }
}

TEST_CASE("ftm_json: a percentage that is not a number keeps the edge, share unknown, and is reported") {
  Builder builder;
  const LoadReport report = load_ftm_json(broken("ftm_bad_percentage.json"), builder);
  REQUIRE(report.warnings.size() == 1);
  CHECK(report.warnings[0].line == 3);
  CHECK(report.warnings[0].record == "own1");
  CHECK(report.warnings[0].reason.find("'about half'") != std::string::npos);
  CHECK(report.count("percentages unparsed") == 1);
  const Graph graph = std::move(builder).freeze();
  const auto edge = edge_with_id(graph, "own1");
  REQUIRE(edge);
  CHECK_FALSE(graph.share(*edge).known());
  CHECK(edge_attribute(graph, *edge, "percentage") == std::vector<std::string_view>{"about half"});
}

TEST_CASE("ftm_json: references to ids no file defines are reported, and resolve from a later file") {
  SUBCASE("alone: the edge and the sanction are reported unresolved") {
    Builder builder;
    const LoadReport edge_report = load_ftm_json(broken("ftm_dangling_reference.json"), builder);
    REQUIRE(edge_report.unresolved.size() == 1);
    CHECK(edge_report.unresolved[0].reason.find("nobody-has-this-id") != std::string::npos);
    const LoadReport action_report = load_ftm_json(broken("ftm_sanction_unknown_entity.json"), builder);
    REQUIRE(action_report.unresolved.size() == 1);
    CHECK(action_report.unresolved[0].record == "s1");
    const Graph graph = std::move(builder).freeze();
    CHECK(graph.edge_count() == 0);
    CHECK_FALSE(graph.find("s1"));  // no orphan action
  }
  SUBCASE("the bundled Kaspersky FtM file, with the OFAC parties it names made beforehand") {
    const std::string path = kDatasets + "/kaspersky/kaspersky.ftm.json";
    Builder builder;
    for (const char* uid : {"45815", "45817", "45821", "45849", "45854", "45856", "45858", "45860", "45862",
                            "45863", "45864"}) {
      const std::string id = std::string("ofac-sdn:") + uid;
      builder.add_entity({.id = id, .kind = NodeKind::Person, .name = id, .source = {"test", id, 0}});
    }
    const LoadReport report = load_ftm_json(path, builder);
    CHECK(report.skipped.empty());
    CHECK(report.unresolved.empty());
    const Graph graph = std::move(builder).freeze();
    CHECK(count_kind(graph, NodeKind::Company) == 5);
    CHECK(count_kind(graph, NodeKind::Person) == 13);
    CHECK(count_kind(graph, NodeKind::Action) == 32);
    CHECK(count_edges(graph, EdgeKind::Owns) == 2);
    CHECK(count_edges(graph, EdgeKind::DirectorOf) == 14);
    CHECK(count_edges(graph, EdgeKind::UnknownLink) == 1);
    for (std::uint32_t edge = 0; edge < graph.edge_count(); ++edge)
      if (graph.edge_kind(EdgeId{edge}) == EdgeKind::Owns) CHECK_FALSE(graph.share(EdgeId{edge}).known());
    const auto coo = graph.find("ofac-sdn:45815");
    REQUIRE(coo);
    std::size_t listings = 0;
    for (EdgeId edge : graph.out_edges(*coo)) listings += graph.edge_kind(edge) == EdgeKind::TargetOf;
    CHECK(listings == 1);
  }
  SUBCASE("the Kaspersky FtM file alone reports each OFAC party it names") {
    Builder builder;
    const LoadReport report = load_ftm_json(kDatasets + "/kaspersky/kaspersky.ftm.json", builder);
    CHECK(report.unresolved.size() >= 11);
    for (const LoadIssue& issue : report.unresolved) CHECK(issue.reason.find("ofac-sdn:") != std::string::npos);
  }
}

TEST_CASE("ftm_json: the UTF-8 check before a parse accepts exactly what RapidJSON's validation accepts") {
  // A line valid_utf8 accepts is parsed without RapidJSON's check: were it to accept a byte
  // sequence RapidJSON refuses, a bad line would load. Every sequence of one and two bytes, and
  // every lead byte with every second byte and the edge cases of the bytes after.
  const auto rapidjson_accepts = [](const std::string& bytes) {
    const std::string json = "[\"" + bytes + "\"]";
    rapidjson::Document document;
    document.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
    return !document.HasParseError();
  };
  // Bytes RapidJSON reads as JSON syntax inside a string ('"', '\\', controls) are left out: they
  // are not an encoding question.
  const auto plain = [](int byte) { return byte >= 0x20 && byte != '"' && byte != '\\'; };
  const int edges[] = {0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
  int checked = 0, refused = 0;
  for (int first = 0; first < 256; ++first) {
    if (!plain(first)) continue;
    for (int second = -1; second < 256; ++second) {
      if (second >= 0 && !plain(second)) continue;
      std::string bytes(1, static_cast<char>(first));
      if (second >= 0) bytes += static_cast<char>(second);
      std::vector<std::string> cases{bytes};
      if (first >= 0xE0 && second >= 0)
        for (const int third : edges) {
          cases.push_back(bytes + static_cast<char>(third));
          if (first >= 0xF0)
            for (const int fourth : edges) cases.push_back(bytes + static_cast<char>(third) + static_cast<char>(fourth));
        }
      for (const std::string& one : cases) {
        CAPTURE(one);
        const bool accepted = rapidjson_accepts(one);
        CHECK(skg::detail::valid_utf8(one) == accepted);
        CHECK(skg::detail::valid_utf8("padding to a word " + one + " and on") == accepted);
        // Inside a run long enough for the 16-byte steps, at each offset in the step.
        for (std::size_t before = 16; before < 32; ++before)
          CHECK(skg::detail::valid_utf8(std::string(before, 'a') + one + std::string(40, 'z')) == accepted);
        ++checked;
        refused += accepted ? 0 : 1;
      }
    }
  }
  CHECK(checked > 100000);
  CHECK(refused > 50000);
}

TEST_CASE("ftm_json: a line that is not UTF-8 is refused with RapidJSON's reason and column") {
  const std::string path = broken("ftm_invalid_utf8.json");
  Builder builder;
  const auto error = testing::load_error([&] { load_ftm_json(path, builder); });
  REQUIRE(error);
  CHECK(error->line() == 2);
  CHECK(error->reason().starts_with("invalid JSON at column "));
  CHECK(error->reason().ends_with(": Invalid encoding in string."));
}

TEST_CASE("ftm_json: bad records name file and line, and leave the builder as it was") {
  struct Case {
    const char* file;
    std::uint64_t line;
    const char* reason;
  };
  const Case cases[] = {
      {"ftm_bad_json.json", 2, "invalid JSON"},
      {"ftm_not_object.json", 2, "not a JSON object"},
      {"ftm_unknown_schema.json", 2, "unknown schema 'Spaceship'"},
      {"ftm_properties_not_object.json", 2, "\"properties\" is not an object"},
      {"ftm_values_not_arrays.json", 2, "property 'name' is not an array of strings"},
      {"ftm_delete_unknown.delta.json", 2, "DEL of 'nobody-has-this-id'"},
      {"ftm_bad_op.delta.json", 2, "delta op 'RENAME'"},
      {"ftm_edge_missing_end.json", 2, "Ownership has no 'asset'"},
      {"ftm_invalid_utf8.json", 2, "invalid JSON"},
      {"ftm_trailing_garbage.json", 2, "invalid JSON"},
      {"ftm_missing_id.json", 2, "no \"id\""},
      {"ftm_deep_nesting.json", 2, "not a JSON object"},
  };
  for (const Case& bad : cases) {
    CAPTURE(bad.file);
    Builder builder;
    const std::string path = broken(bad.file);
    CHECK_THROWS_WITH_AS(load_ftm_json(path, builder),
                         doctest::Contains(fmt_line(path, bad.line).c_str()), LoadError);
    try {
      load_ftm_json(path, builder);
    } catch (const LoadError& error) {
      CHECK(error.line() == bad.line);
      CHECK(error.reason().find(bad.reason) != std::string::npos);
    }
    CHECK(builder.entity_count() == 0);
    // Skip mode: the bad record is listed and the rest loads.
    Builder skipping;
    const LoadReport report = load_ftm_json(path, skipping, {.on_bad_record = OnBadRecord::Skip});
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].line == bad.line);
    CHECK(report.skipped[0].file == path);
    CHECK(skipping.entity_count() >= 1);
  }
}

TEST_CASE("ftm_json: an empty file loads nothing") {
  Builder builder;
  const LoadReport report = load_ftm_json(broken("ftm_empty.json"), builder);
  CHECK(report.skipped.empty());
  CHECK(builder.entity_count() == 0);
}

TEST_CASE("ftm_json: every ftm_ file in datasets/broken loads or throws LoadError, never crashes") {
  for_each_broken_file("ftm_", [](const std::string& path, OnBadRecord mode) {
    Builder builder;
    try {
      load_ftm_json(path, builder, {.on_bad_record = mode});
    } catch (const LoadError&) {
      CHECK(mode == OnBadRecord::Fail);
    }
    std::move(builder).freeze();
  });
}

TEST_CASE("ftm_json: detection by the first line") {
  CHECK(looks_like_ftm_json("{\"id\": \"x\", \"schema\": \"Person\"}\n", "a.json"));
  CHECK(looks_like_ftm_json("{\"op\": \"ADD\", \"entity\": {\"id\": \"x\"}}", "entities.delta.json"));
  CHECK_FALSE(looks_like_ftm_json("[{\"statementId\": \"1\"}]", "bods.json"));
  CHECK_FALSE(looks_like_ftm_json("uid,name\n", "sdn.csv"));
}

namespace {
std::vector<std::string> names_of(const Graph& graph, NodeId node) {
  std::vector<std::string> out;
  for (const Name& name : graph.names(node)) out.emplace_back(graph.string(name.text));
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST_CASE("ftm_json: a folder of deltas loaded at once - a MOD replaces the record's names, it does not add to them") {
  // The three t2 versions in one load: version 1 ADDs AL-QAIDA IN IRAQ (59 names, 113 aliases),
  // version 2 MODs it into "Foobar Foobargroup" (3 names, no alias).
  Builder builder;
  const LoadReport report = load(sample("t2_deltas"), builder);
  CHECK(report.count("delta replaced") == 1);
  const Graph graph = std::move(builder).freeze();
  testing::check_invariants(graph);
  const auto node = graph.find("NK-2T3S8Hu29ktYnKSTgQp2wL");
  REQUIRE(node);
  CHECK(names_of(graph, *node) ==
        std::vector<std::string>{"Foobar Foobargroup", "IRGC", "Iranian Revolutionary Guard Corps"});
  CHECK(graph.name(*node) == "Foobar Foobargroup");
  // None of version 1's facts or other ids are left on it.
  CHECK(graph.attribute(*node, "weakAlias").empty());
  CHECK(graph.attribute(*node, "sourceUrl").empty());
  CHECK_FALSE(graph.find("ofac-8759") == node);
  // Screening finds the old names only on the record that still has them (NK-500Poltergeist).
  for (NodeId other : graph.find_by_name("Al-Qaida in Mesopotamia")) CHECK(other != *node);
  CHECK_FALSE(graph.find_by_name("Al-Qaida in Mesopotamia").empty());

  SUBCASE("the same as loading the versions one by one") {
    Builder one_by_one;
    Graph stepwise = std::move(one_by_one).freeze();
    for (const char* version : {"20240527194702-wnk", "20240528014702-pfh", "20240528134729-3iv"}) {
      Builder next(stepwise);
      load_ftm_json(sample(std::string("t2_deltas/") + version + "/entities.delta.json"), next);
      stepwise = std::move(next).freeze();
    }
    const auto same = stepwise.find("NK-2T3S8Hu29ktYnKSTgQp2wL");
    REQUIRE(same);
    CHECK(names_of(stepwise, *same) == names_of(graph, *node));
    CHECK(stepwise.node_count() == graph.node_count());
    CHECK(stepwise.stats().attributes == graph.stats().attributes);
  }
  SUBCASE("a DEL in a later file of the load leaves nothing of the record") {
    const std::string dir = kOutput + "/ftm_delta_folder";
    fs::create_directories(dir);
    std::ofstream(dir + "/1.delta.json") << R"({"op": "ADD", "entity": {"id": "a", "schema": "Company", "properties": {"name": ["Alpha Ltd"]}}})" "\n"
                                         << R"({"op": "ADD", "entity": {"id": "b", "schema": "Company", "properties": {"name": ["Beta Ltd"]}}})" "\n"
                                         << R"({"op": "ADD", "entity": {"id": "o", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["b"], "percentage": ["50"]}}})" "\n";
    std::ofstream(dir + "/2.delta.json") << R"({"op": "DEL", "entity": {"id": "a", "schema": "Company", "properties": {}}})" "\n"
                                         << R"({"op": "MOD", "entity": {"id": "b", "schema": "Company", "properties": {"name": ["Beta Two"]}}})" "\n";
    Builder folder;
    load(dir, folder);
    const Graph loaded = std::move(folder).freeze();
    CHECK_FALSE(loaded.find("a"));
    const auto beta = loaded.find("b");
    REQUIRE(beta);
    CHECK(names_of(loaded, *beta) == std::vector<std::string>{"Beta Two"});
    CHECK(loaded.edge_count() == 0);  // the ownership went with its owner
  }
}

TEST_CASE("ftm_json: a file of many read blocks loads every record, and names the line of an error past the first") {
  // The loader reads entity files in blocks of 256 KB on a worker thread: lines cut by a
  // block's end, a byte-order mark, CRLF ends and blank lines must read as one pass over the
  // whole file would.
  std::string text = "\xEF\xBB\xBF";
  constexpr int kParties = 30000;  // about 6 MB: many blocks
  for (int party = 0; party < kParties; ++party) {
    text += R"({"id":"p)" + std::to_string(party) + R"(","schema":"Company","properties":{"name":["Company )" +
            std::to_string(party) + R"( with a name long enough to fill the blocks quickly"]}})" + "\r\n";
    if (party % 1000 == 0) text += "\r\n";  // blank lines count as lines
    if (party > 0)
      text += R"({"id":"o)" + std::to_string(party) + R"(","schema":"Ownership","properties":{"owner":["p)" +
              std::to_string(party - 1) + R"("],"asset":["p)" + std::to_string(party) + R"("],"percentage":["51"]}})" +
              "\r\n";
  }
  Builder builder;
  const LoadReport report = load_ftm_json(write("ftm_many_blocks.json", text), builder);
  CHECK(report.count("entities") == kParties);
  CHECK(report.count("edges") == kParties - 1);
  const Graph graph = std::move(builder).freeze();
  CHECK(graph.node_count() == kParties);
  CHECK(graph.edge_count() == kParties - 1);
  const auto last = graph.find("p29999");
  REQUIRE(last);
  CHECK(graph.name(*last) == "Company 29999 with a name long enough to fill the blocks quickly");

  // Lines: 1 + 2 per party after the first + a blank every 1000 parties (30); the bad line next.
  const std::uint64_t lines = 1 + 2 * (kParties - 1) + kParties / 1000;
  Builder failing;
  const std::string where = "ftm_many_blocks_bad.json:" + std::to_string(lines + 1) + ": invalid JSON";
  CHECK_THROWS_WITH_AS(load_ftm_json(write("ftm_many_blocks_bad.json", text + "{\"id\": \"x\", \"schema\"\n"), failing),
                       doctest::Contains(where.c_str()), LoadError);
  CHECK(failing.entity_count() == 0);
  Builder skipping;
  const LoadReport skipped = load_ftm_json(write("ftm_many_blocks_bad.json", text + "{\"id\": \"x\", \"schema\"\n"), skipping,
                                           {.on_bad_record = OnBadRecord::Skip});
  REQUIRE(skipped.skipped.size() == 1);
  CHECK(skipped.skipped[0].line == lines + 1);
  CHECK(skipped.count("entities") == kParties);
}

TEST_CASE("ftm_json: a link past the first block finds each end wherever in the file its party is defined") {
  // The parsing workers find a link's ends among the parties earlier blocks defined, and the
  // reading thread the rest (a party of the link's own block, of a later line, of none): every
  // end must land on the party its text names, ids that are prefixes of each other apart.
  std::string text;
  constexpr int kParties = 12000;  // about 2 MB: many blocks, so most ends are in earlier ones
  const auto party = [](const std::string& id) {
    return R"({"id":")" + id + R"(","schema":"Company","properties":{"name":["Company )" + id +
           R"( with a name long enough to fill the blocks quickly"]}})" "\n";
  };
  const auto link = [](const std::string& id, const std::string& owners, const std::string& assets) {
    return R"({"id":")" + id + R"(","schema":"Ownership","properties":{"owner":[)" + owners + R"(],"asset":[)" +
           assets + "]}}\n";
  };
  const auto quoted = [](const std::string& id) { return "\"" + id + "\""; };
  for (int at = 0; at < kParties; ++at) {
    const std::string id = "p" + std::to_string(at);
    text += party(id);
    if (at == 0) continue;
    // Owned by the party 10 times earlier (another block for most), owning the one just defined
    // (this block) and a party defined at the end of the file.
    text += link("o" + std::to_string(at), quoted("p" + std::to_string(at / 10)), quoted(id));
    if (at % 100 == 0) text += link("late" + std::to_string(at), quoted(id), quoted("q" + std::to_string(at)));
  }
  text += link("prefix", quoted("p1"), quoted("p11"));                                 // p1, p11, p110...
  text += link("multi", quoted("p5") + "," + quoted("p6"), quoted("p7") + "," + quoted("p1100"));
  text += link("dangling", quoted("p9"), quoted("nobody"));
  for (int at = 100; at < kParties; at += 100) text += party("q" + std::to_string(at));

  Builder builder;
  const LoadReport report = load_ftm_json(write("ftm_ends_found.json", text), builder);
  REQUIRE(report.unresolved.size() == 1);
  CHECK(report.unresolved[0].record == "dangling");
  const Graph graph = std::move(builder).freeze();
  const auto check_edge = [&](const std::string& id, const std::string& from, const std::string& to) {
    CAPTURE(id);
    const auto edge = edge_with_id(graph, id);
    REQUIRE(edge);
    CHECK(graph.source(*edge) == *graph.find(from));
    CHECK(graph.target(*edge) == *graph.find(to));
  };
  for (int at = 1; at < kParties; ++at)
    check_edge("o" + std::to_string(at), "p" + std::to_string(at / 10), "p" + std::to_string(at));
  for (int at = 100; at < kParties; at += 100)
    check_edge("late" + std::to_string(at), "p" + std::to_string(at), "q" + std::to_string(at));
  check_edge("prefix", "p1", "p11");
  check_edge("multi", "p5", "p7");
  check_edge("multi#2", "p5", "p1100");
  check_edge("multi#3", "p6", "p7");
  check_edge("multi#4", "p6", "p1100");
  CHECK(graph.edge_count() == (kParties - 1) + (kParties / 100 - 1) + 5);
}

TEST_CASE("ftm_json: past the first block, bad records are named by line and id, and a link keeps all it says") {
  // A file of several blocks is checked, and its links worked out, on the worker thread that
  // parses it: the reports and the edges must be those of a file read on one thread.
  std::string text;
  constexpr int kParties = 4000;  // about 0.5 MB: the records below are past the first block
  for (int party = 0; party < kParties; ++party)
    text += R"({"id":"p)" + std::to_string(party) + R"(","schema":"Company","properties":{"name":["Company )" +
            std::to_string(party) + R"( with a name long enough to fill the blocks quickly, and some more"]}})" + "\n";
  const std::uint64_t first = kParties + 1;
  text += R"({"id":"bad-schema","schema":"Spaceship"})" "\n";
  text += R"({"id":"bad-edge","schema":"Ownership","properties":{"owner":["p1"]}})" "\n";
  text += R"({"op":"ADD","entity":{"id":"p1","schema":"Company"}})" "\n";
  text += R"({"id":"own-1","schema":"Ownership","datasets":["gen"],"properties":{"owner":["p1"],"asset":["p2"],)"
          R"("percentage":["about half"],"role":["shareholder"],"startDate":["2019"],"endDate":["2020-06-30"],)"
          R"("summary":["a note"]}})" "\n";
  text += R"({"id":"dir-1","schema":"Directorship","properties":{"director":["p3","p4"],"organization":["p5"],)"
          R"("startDate":["someday"]}})" "\n";
  Builder builder;
  const LoadReport report =
      load_ftm_json(write("ftm_blocks_checked.json", text), builder, {.on_bad_record = OnBadRecord::Skip});
  REQUIRE(report.skipped.size() == 3);
  CHECK(report.skipped[0].line == first);
  CHECK(report.skipped[0].record == "bad-schema");
  CHECK(report.skipped[0].reason == "unknown schema 'Spaceship'");
  CHECK(report.skipped[1].line == first + 1);
  CHECK(report.skipped[1].record == "bad-edge");
  CHECK(report.skipped[1].reason == "Ownership has no 'asset'");
  CHECK(report.skipped[2].line == first + 2);
  CHECK(report.skipped[2].reason.starts_with("a delta op in a file of entities"));
  REQUIRE(report.warnings.size() == 1);
  CHECK(report.warnings[0].line == first + 3);
  CHECK(report.warnings[0].record == "own-1");
  CHECK(report.count("percentages unparsed") == 1);
  CHECK(report.count("dates unparsed") == 1);
  CHECK(report.count("edges") == 3);
  const Graph graph = std::move(builder).freeze();
  const auto owns = edge_with_id(graph, "own-1");
  REQUIRE(owns);
  CHECK(graph.source(*owns) == *graph.find("p1"));
  CHECK(graph.target(*owns) == *graph.find("p2"));
  CHECK_FALSE(graph.share(*owns).known());
  CHECK(graph.role(*owns) == "shareholder");
  CHECK(graph.edge_valid(*owns).start == day("2019-01-01"));
  CHECK(graph.edge_valid(*owns).end == day("2020-07-01"));
  CHECK(edge_attribute(graph, *owns, "percentage") == std::vector<std::string_view>{"about half"});
  CHECK(edge_attribute(graph, *owns, "startDate") == std::vector<std::string_view>{"2019"});  // partial: kept
  CHECK(edge_attribute(graph, *owns, "endDate").empty());  // captured whole by the validity
  CHECK(edge_attribute(graph, *owns, "summary") == std::vector<std::string_view>{"a note"});
  CHECK(edge_attribute(graph, *owns, "datasets") == std::vector<std::string_view>{"gen"});
  // Two directors: two edges, the second numbered; the date that is not one is kept as text.
  const auto first_director = edge_with_id(graph, "dir-1"), second_director = edge_with_id(graph, "dir-1#2");
  REQUIRE(first_director);
  REQUIRE(second_director);
  CHECK(graph.source(*second_director) == *graph.find("p4"));
  CHECK(graph.edge_valid(*first_director).is_open());
  CHECK(edge_attribute(graph, *second_director, "startDate") == std::vector<std::string_view>{"someday"});
}

TEST_CASE("ftm_json: a line simdjson reads and a line it leaves to RapidJSON give the records and errors they always gave") {
  // The streamed path reads a well-formed entity with simdjson and leaves every other line to
  // RapidJSON: escapes, repeated keys, values of every JSON type, and each kind of bad line must
  // come out as one RapidJSON pass gave them (the messages below are RapidJSON's).
  std::string text;
  text += R"({"id":"esc","schema":"Person","properties":{"name":["Anna \"Nyx\" O\u2019Neil \\ x"],"alias":["A\/B"]}})" "\n";
  text += R"({"id":"dup","id":"other","schema":"Company","properties":{"name":["First id wins"]}})" "\n";
  text += R"({"id":"extra","schema":"Company","n":-1.5e3,"z":null,"o":{"a":[1,{"b":false}]},"target":true,)"
          R"("properties":{"name":["Extra"]}})" "\n";
  text += R"({"id":"tgt","schema":"Company","target":"yes","properties":{"name":["T"],"name":["ignored"]}})" "\n";
  text += R"({"id":"num","schema":"Company","properties":{"name":[5]}})" "\n";                      // line 5
  text += R"({"id":"badesc","schema":"Person","properties":{"name":["a\qb"]}})" "\n";               // line 6
  text += R"({"id":"inf","schema":"Company","n":1e400,"properties":{"name":["Inf"]}})" "\n";        // line 7
  text += R"({"id":"trail","schema":"Company"} x)" "\n";                                           // line 8
  text += std::string(R"({"id":"nul","schema":"Company","properties":{"name":["Nul"]}})") + '\0' + "junk\n";
  text += "{\"id\":\"badutf\",\"schema\":\"Company\",\"properties\":{\"name\":[\"\xff\"]}}\n";         // line 10
  text += R"({"id":"keyesc","schema":"Company","prop\u0065rties":{"name":["Key Esc"]}})" "\n";
  text += R"({"id":"o1","schema":"Ownership","properties":{"owner":["esc"],"asset":["extra"],"percentage":["50"]}})" "\n";
  std::string aliases;  // a line longer than the parser keeps its buffers for (64 KiB)
  for (int alias = 0; alias < 5000; ++alias) aliases += (alias == 0 ? "\"" : ",\"") + std::string(30, 'a') + std::to_string(alias) + "\"";
  text += R"({"id":"long","schema":"Person","properties":{"name":["Long"],"alias":[)" + aliases + "]}}\n";
  text += R"({"id":"after","schema":"Person","properties":{"name":["After Long"]}})" "\n";
  Builder builder;
  const LoadReport report =
      load_ftm_json(write("ftm_simd_or_rapidjson.json", text), builder, {.on_bad_record = OnBadRecord::Skip});
  REQUIRE(report.skipped.size() == 5);
  CHECK(report.skipped[0].line == 5);
  CHECK(report.skipped[0].reason == "property 'name' is not an array of strings");
  CHECK(report.skipped[1].line == 6);
  CHECK(report.skipped[1].reason == "invalid JSON at column 58: Invalid escape character in string.");
  CHECK(report.skipped[2].line == 7);
  CHECK(report.skipped[2].reason == "invalid JSON at column 36: Number too big to be stored in double.");
  CHECK(report.skipped[3].line == 8);
  CHECK(report.skipped[3].reason == "invalid JSON at column 35: The document root must not be followed by other values.");
  CHECK(report.skipped[4].line == 10);
  CHECK(report.skipped[4].reason.ends_with("Invalid encoding in string."));
  const Graph graph = std::move(builder).freeze();
  const auto esc = graph.find("esc");
  REQUIRE(esc);
  CHECK(names_of(graph, *esc) == std::vector<std::string>{"A/B", "Anna \"Nyx\" O\xE2\x80\x99Neil \\ x"});
  CHECK(graph.find("dup"));  // the first "id" counts
  CHECK_FALSE(graph.find("other"));
  const auto extra = graph.find("extra");
  REQUIRE(extra);
  CHECK(graph.attribute(*extra, "target") == std::vector<std::string_view>{"true"});
  const auto tgt = graph.find("tgt");
  REQUIRE(tgt);
  CHECK(graph.attribute(*tgt, "target").empty());  // not a boolean
  CHECK(graph.name(*tgt) == "T");                  // the first "name" property counts
  const auto nul = graph.find("nul");  // RapidJSON reads a line up to a NUL byte
  REQUIRE(nul);
  CHECK(graph.name(*nul) == "Nul");
  const auto keyesc = graph.find("keyesc");
  REQUIRE(keyesc);
  CHECK(graph.name(*keyesc) == "Key Esc");
  REQUIRE(edge_with_id(graph, "o1"));
  CHECK(graph.source(*edge_with_id(graph, "o1")) == *esc);
  const auto long_line = graph.find("long");
  REQUIRE(long_line);
  CHECK(graph.names(*long_line).size() == 5001);
  const auto after = graph.find("after");
  REQUIRE(after);
  CHECK(graph.name(*after) == "After Long");
}

TEST_CASE("ftm_json: a block read as one stream of documents gives each line the record or error it gave alone") {
  // A block is parsed as one stream (simdjson's parse_many) and a line takes its document from
  // it only when that document is the whole line; every other line is parsed alone, as before.
  // A stray quote turns the text after it, across lines, into a string for the stream; a line
  // with two documents, a document across two lines, CRLF ends, blank lines and spaces around a
  // document must all give the records and the errors (RapidJSON's, same line and column) they
  // gave one line at a time. A load of many blocks checks the same past the first one.
  const auto person = [](const std::string& id, const std::string& name) {
    return R"({"id":")" + id + R"(","schema":"Person","properties":{"name":[")" + name + R"("]}})";
  };
  // With `stray`, lines 2 and 4 each have one quote too many: the stream's stage 1 takes line 3
  // for a string, and its stage 2 fails (the stream ends, the lines left are parsed alone).
  // Without, every document of the stream is well-formed and it runs to the block's end.
  for (const bool stray : {true, false}) {
    CAPTURE(stray);
    std::string lines;
    lines += person("a", "Anna A") + "\n";                                                  // 1
    lines += stray ? R"({"id":"q1","schema":"Person","properties":{"name":["no end]}})" "\n"  // 2: stray quote
                   : R"({"id":"q1","schema":"Spaceship"})" "\n";
    lines += person("b", "Bert B") + "\n";                                                  // 3: in the stray string
    lines += stray ? R"("x)" "\n" : R"("x")" "\n";                                           // 4: ends it
    lines += "  \t" + person("c", "Cleo C") + " \t\r\n";                                    // 5: spaces, CRLF
    lines += "\n   \n";                                                                      // 6, 7: blank
    lines += person("d1", "Dora D") + " " + person("d2", "Dirk D") + "\n";                   // 8: two documents
    lines += R"({"id":"e","schema":"Person",)" "\n";                                         // 9: one document
    lines += R"("properties":{"name":["Eve E"]}})" "\n";                                     // 10: across two lines
    lines += person("f", "Finn F") + "\r\n";                                                 // 11
    lines += R"(["not","an","object"])" "\n";                                                // 12
    lines += R"({"id":"g","schema":"Person","properties":{"name":["Gus \"G\" \\"]}})" "\n";  // 13: escapes
    lines += R"({"id":"o1","schema":"Ownership",)"
             R"("properties":{"owner":["a"],"asset":["f"],"percentage":["25"]}})" "\n";  // 14
    const std::vector<std::uint64_t> bad_lines{2, 4, 8, 9, 10, 12};
    for (const int copies : {1, 4000}) {  // one block; then many, each with every case in it
      CAPTURE(copies);
      std::string text;
      for (int copy = 0; copy < copies; ++copy) {
        std::string with_ids = lines;
        if (copy > 0) {  // the same lines with ids of their own
          const std::string suffix = "-" + std::to_string(copy);
          for (const char* id : {"a", "q1", "b", "c", "d1", "d2", "e", "f", "g", "o1"}) {
            const std::string from = std::string("[\"") + id + "\"]", key = std::string("\"id\":\"") + id + "\"";
            for (std::size_t at = 0; (at = with_ids.find(key, at)) != std::string::npos; at += key.size())
              with_ids.replace(at, key.size(), "\"id\":\"" + std::string(id) + suffix + "\"");
            for (std::size_t at = 0; (at = with_ids.find(from, at)) != std::string::npos; at += from.size())
              with_ids.replace(at, from.size(), "[\"" + std::string(id) + suffix + "\"]");
          }
        }
        text += with_ids;
      }
      Builder builder;
      const LoadReport report =
          load_ftm_json(write("ftm_stream_or_alone.json", text), builder, {.on_bad_record = OnBadRecord::Skip});
      REQUIRE(report.skipped.size() == bad_lines.size() * static_cast<std::size_t>(copies));
      for (int copy = 0; copy < copies; copy += copies > 1 ? 997 : 1) {
        const std::size_t first = static_cast<std::size_t>(copy) * bad_lines.size();
        for (std::size_t at = 0; at < bad_lines.size(); ++at) {
          CAPTURE(copy);
          CAPTURE(at);
          CHECK(report.skipped[first + at].line == static_cast<std::uint64_t>(copy) * 14 + bad_lines[at]);
        }
        // As main 0f7470b reports them, one line at a time (a copy's longer ids move the columns).
        const std::size_t longer = copy > 0 ? 1 + std::to_string(copy).size() : 0;
        const auto at_column = [&](std::size_t column, const char* reason) {
          return "invalid JSON at column " + std::to_string(column + longer) + ": " + reason;
        };
        if (stray) {
          CHECK(report.skipped[first + 0].reason == at_column(62, "Missing a closing quotation mark in string."));
          CHECK(report.skipped[first + 1].reason == "invalid JSON at column 3: Missing a closing quotation mark in string.");
        } else {
          CHECK(report.skipped[first + 0].reason == "unknown schema 'Spaceship'");
          CHECK(report.skipped[first + 1].reason == "the record is not a JSON object");
        }
        CHECK(report.skipped[first + 2].reason ==
              at_column(64, "The document root must not be followed by other values."));
        CHECK(report.skipped[first + 3].reason == at_column(29, "Missing a name for object member."));
        CHECK(report.skipped[first + 4].reason ==
              "invalid JSON at column 13: The document root must not be followed by other values.");
        CHECK(report.skipped[first + 5].reason == "the record is not a JSON object");
      }
      const Graph graph = std::move(builder).freeze();
      CHECK(graph.node_count() == 5 * static_cast<std::size_t>(copies));
      for (int copy = 0; copy < copies; copy += copies > 1 ? 997 : 1) {
        const std::string suffix = copy > 0 ? "-" + std::to_string(copy) : "";
        for (const auto& entry : std::vector<std::pair<std::string, std::string>>{
                 {"a", "Anna A"}, {"b", "Bert B"}, {"c", "Cleo C"}, {"f", "Finn F"}, {"g", "Gus \"G\" \\"}}) {
          // Named copies, not a structured binding: CAPTURE's lambda cannot refer to one (clang).
          const std::string& id = entry.first;
          const std::string& name = entry.second;
          CAPTURE(id + suffix);
          const auto node = graph.find(id + suffix);
          REQUIRE(node);
          CHECK(graph.name(*node) == name);
        }
        for (const char* absent : {"q1", "d1", "d2", "e"}) CHECK_FALSE(graph.find(absent + suffix));
        const auto owns = edge_with_id(graph, "o1" + suffix);
        REQUIRE(owns);
        CHECK(graph.source(*owns) == *graph.find("a" + suffix));
        CHECK(graph.target(*owns) == *graph.find("f" + suffix));
      }
    }
  }
}

TEST_CASE("ftm_json: lines read on demand give the records and errors that lines parsed alone give") {
  // A block is read as one stream of documents on demand (the default); from a line it does not
  // take on, as a DOM stream; a line neither takes is parsed alone. Valid FtM entities of every
  // shape, and the same lines with a few bytes changed (JSON's own characters, control bytes,
  // broken UTF-8, NUL), load in each of the three ways: the records, the errors (line, id,
  // RapidJSON's reason and column) and the warnings must be the same. Two layouts: one large file
  // with a changed line now and then (many blocks, each read on demand up to its first line the
  // stream does not take), and thousands of small files each with a changed line between valid
  // ones (so that on demand meets every changed line, and the lines after one it took or left).
  const std::vector<std::string> shapes = {
      R"({"id":"p@","schema":"Person","properties":{"name":["Anna A@"],"alias":["A","B"],"birthDate":["1970"]}})",
      R"({ "id" : "c@" , "caption": "Co \"Q\" Ltd", "schema": "Company", "properties": { "name": [ "Co \"Q\" Ltd" ],)"
      R"( "country": ["ru"] }, "referents": ["r@", "s@"], "datasets": ["ds"], "first_seen": "2020-01-01",)"
      R"( "last_seen": "2021", "last_change": "2021-02", "target": true })",
      R"({"id":"u@","schema":"Organization","properties":{"name":["Мария O\u2019Neil \\ \/ \b\f\n\r\t"],"weakAlias":[]},"target":false})",
      R"({"id":"o@","schema":"Ownership","properties":{"owner":["p@"],"asset":["c@"],"percentage":["50"],"startDate":["2019-05"]}})",
      R"({"id":"q@","schema":"Ownership","properties":{"owner":["c@"],"asset":["u@"],"percentage":["25-50%"]}})",
      R"({"id":"d@","schema":"Directorship","properties":{"director":["p@","u@"],"organization":["c@"],"role":["CEO"]}})",
      R"({"id":"s@","schema":"Sanction","datasets":["us_ofac_sdn"],"properties":{"entity":["c@"],"authority":["OFAC"],)"
      R"("programId":["RUSSIA-EO14024"],"listingDate":["2022-02-24"]}})",
      R"({"id":"e@","schema":"LegalEntity","properties":{}})",
      R"({"schema":"Vessel","id":"v@","caption":"","properties":{"name":["V@"],"imoNumber":["IMO 1234567"]}})",
      // For the line scanner: escapes past \u00ff (a surrogate pair, a lone one, NUL), text past
      // ASCII across its 16-byte steps, whitespace of every kind, values it leaves to simdjson.
      R"({"id":"w@","schema":"Person","properties":{"name":["\ud83d\ude00 \u00e9\u00C9 \u4e2d W@"]}})",
      R"({"id":"l@","schema":"Person","properties":{"name":["lone \ud800 L@"],"alias":["\udc00"]}})",
      R"({"id":"z@","schema":"Person","properties":{"name":["nul \u0000 Z@"]}})",
      R"({"id":"g@","schema":"Company","properties":{"name":["Общество с ограниченной ответственностью «Г@»"]}})",
      "\t{ \"id\"\t:\"t@\" ,\r\"schema\" :\"Person\",\"properties\":{ } } \t",
      R"({"id":"n@","schema":"Person","target":null,"properties":{"name":["N@"]}})",
      R"({"id":"k@","schema":"Person","caption":7,"properties":{"name":["K@"],"age":[42]}})",
      R"({"id":"h@","schema":"Person","properties":{"name":["H@"]},"extra":{"a":[1,{"b":"c"}]}})",
  };
  const std::string mutations = "{}[]\":,\\ x0tfn-e.\t\x01\x7f\xff\xc3\xe2\x80";
  std::uint64_t state = 12345;
  const auto random = [&](std::uint64_t bound) {  // a fixed LCG: the same lines every run
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % bound;
  };
  // A line of a random shape with its ids numbered `number`; `changes` bytes changed in it.
  const auto make_line = [&](std::size_t number, std::uint64_t changes) {
    std::string record = shapes[random(shapes.size())];
    for (std::size_t at = 0; (at = record.find('@', at)) != std::string::npos;)
      record.replace(at, 1, std::to_string(number));
    for (std::uint64_t change = 0; change < changes; ++change) {
      const std::size_t at = random(record.size());
      const char byte = random(8) == 0 ? '\0' : mutations[random(mutations.size())];
      switch (random(3)) {
        case 0: record[at] = byte; break;
        case 1: record.erase(at, 1); break;
        default: record.insert(at, 1, byte); break;
      }
    }
    return record + (random(10) == 0 ? "\r\n" : "\n");
  };
  // The first line of each file stays a valid Person (a first line that is a delta op makes the
  // file a delta, read whole).
  const auto first_line = [](std::size_t number) {
    return R"({"id":"f)" + std::to_string(number) + R"(","schema":"Person","properties":{"name":["First"]}})" "\n";
  };
  std::string large = first_line(0);
  for (std::size_t line = 1; line < 12000; ++line) large += make_line(line, random(150) == 0 ? 1 + random(3) : 0);
  std::vector<std::pair<LoaderFn, std::string>> files{{static_cast<LoaderFn>(&load_ftm_json),
                                                       write("ftm_on_demand_large.json", large)}};
  const std::string folder = kOutput + "/ftm_on_demand_small";
  fs::remove_all(folder);
  fs::create_directories(folder);
  for (std::size_t file = 0; file < 2500; ++file) {
    const std::size_t base = 100000 + file * 10;
    const std::string text = first_line(base) + make_line(base + 1, 0) + make_line(base + 2, 1 + random(3)) +
                             make_line(base + 3, 0);
    const std::string path = folder + "/" + std::to_string(file) + ".json";
    std::ofstream(path, std::ios::binary) << text;
    files.emplace_back(static_cast<LoaderFn>(&load_ftm_json), path);
  }
  struct Result {
    std::vector<std::string> skipped, warnings;
    std::string graph;
  };
  const auto load = [&](detail::FtmLineParse how) {
    const LineParseAs parse(how);
    Builder builder;
    Result out;
    const LoadReport report = detail::run_load(files, builder, {.on_bad_record = OnBadRecord::Skip}, 0);
    for (const LoadIssue& issue : report.skipped)
      out.skipped.push_back(issue.file + ":" + std::to_string(issue.line) + " " + issue.record + ": " + issue.reason);
    for (const LoadIssue& issue : report.warnings)
      out.warnings.push_back(issue.file + ":" + std::to_string(issue.line) + " " + issue.record + ": " + issue.reason);
    out.graph = testing::fingerprint(std::move(builder).freeze());
    return out;
  };
  const Result alone = load(detail::FtmLineParse::Alone);
  // Not a vacuous comparison: records and errors of many kinds.
  CHECK(alone.skipped.size() > 1500);
  CHECK(alone.graph.size() > 1000000);
  for (const auto how : {detail::FtmLineParse::DomStream, detail::FtmLineParse::OnDemand, detail::FtmLineParse::Scan}) {
    CAPTURE(static_cast<int>(how));
    const Result streamed = load(how);
    REQUIRE(streamed.skipped.size() == alone.skipped.size());
    for (std::size_t at = 0; at < alone.skipped.size(); ++at) {
      CAPTURE(at);
      CHECK(streamed.skipped[at] == alone.skipped[at]);
    }
    CHECK(streamed.warnings == alone.warnings);
    CHECK(streamed.graph == alone.graph);
  }
}

TEST_CASE("ftm_json: the real exports read the same with the line scanner as with simdjson alone") {
  // OpenSanctions' own lines (zala, t1: names in Cyrillic, referents, datasets, first_seen and
  // the rest) and the bundled Kaspersky case, each loaded with the scanner (the default), the
  // on-demand stream and each line parsed alone: one graph, no record skipped or warned of.
  for (const std::string path : {sample("zala/entities.ftm.json"), sample("t1.ftm.json"),
                                 kDatasets + "/kaspersky/kaspersky.ftm.json"}) {
    CAPTURE(path);
    std::vector<std::string> graphs;
    for (const auto how : {detail::FtmLineParse::Scan, detail::FtmLineParse::OnDemand, detail::FtmLineParse::Alone}) {
      const LineParseAs parse(how);
      Builder builder;
      const LoadReport report = load_ftm_json(path, builder);
      CHECK(report.skipped.empty());
      graphs.push_back(testing::fingerprint(std::move(builder).freeze()));
    }
    CHECK(graphs[0].size() > 1000);
    CHECK(graphs[0] == graphs[1]);
    CHECK(graphs[0] == graphs[2]);
  }
}

TEST_CASE("ftm_json: compact lines and the same lines with whitespace anywhere read alike, by every parser") {
  // The line scanner takes the keys exporters write ("id", "schema", "properties", each quoted
  // and right before its colon) and the commas and closes with no whitespace after them by a
  // compare of their bytes; anything else goes the general way. The same records written
  // compact, spaced out, with near-miss keys (a longer key that starts like one, a space before
  // the colon) and with a key repeated must give one graph and the same skipped records, with
  // the scanner, the on-demand stream and each line parsed alone.
  const std::vector<std::string> compact = {
      R"({"id":"p1","schema":"Person","properties":{"name":["Anna Ivanova"],"alias":["A. I.","Anya"]}})",
      R"({"id":"c1","schema":"Company","properties":{"name":["Trading LLC"]},"datasets":["x"],"target":true})",
      R"({"id":"o1","schema":"Ownership","properties":{"owner":["p1"],"asset":["c1"],"percentage":["51"]}})",
      R"({"id":"p2","schema":"Person","idx":"kept apart","properties":{"name":["Boris"]}})",
      R"({"id":"p3","schema":"Person","properties":{"name":["Cyril"]},"schema":"Company"})",
      R"({"id":"","schema":"Person","properties":{"name":["No Id"]}})",
      R"({"schemas":"Company","id":"p4","schema":"Person","properties":{"name":["Dora"]}})",
      R"({"id":"p5","properties":{"name":["Eve"]}})",
  };
  const auto spaced = [](const std::string& line) {
    std::string out;
    bool in_string = false;
    for (const char c : line) {
      if (c == '"') in_string = !in_string;
      if (!in_string && (c == ':' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}')) {
        out += " \t";
        out += c;
        out += "\r\n  ";
        if (c == '}' || c == ']') out.resize(out.size() - 4);  // no line break after the last close
        continue;
      }
      out += c;
    }
    return out;
  };
  std::string tight, loose;
  for (const std::string& line : compact) {
    tight += line + "\n";
    std::string spread = spaced(line);
    std::erase(spread, '\n');  // one record a line
    std::erase(spread, '\r');
    loose += spread + "\n";
  }
  CHECK(loose.size() > tight.size() + 100);
  std::vector<std::string> results;
  for (const std::string& text : {tight, loose})  // one file name: the provenance names it
    for (const auto how : {detail::FtmLineParse::Scan, detail::FtmLineParse::OnDemand, detail::FtmLineParse::Alone}) {
      const LineParseAs parse(how);
      Builder builder;
      const LoadReport report = load_ftm_json(write("ftm_spacing.json", text), builder, {.on_bad_record = OnBadRecord::Skip});
      std::string skipped;
      for (const LoadIssue& issue : report.skipped) skipped += std::to_string(issue.line) + " " + issue.reason + "\n";
      results.push_back(skipped + testing::fingerprint(std::move(builder).freeze()));
    }
  for (const std::string& result : results) CHECK(result == results[0]);
  // What the graph holds, read once: a key that only starts like one of the entity keys is an
  // unknown key (the record counts), a repeated "schema" counts as its first (p3 a Person), and
  // the record with an empty id and the one with no schema are skipped.
  Builder builder;
  const LoadReport report = load_ftm_json(write("ftm_spacing.json", tight), builder, {.on_bad_record = OnBadRecord::Skip});
  REQUIRE(report.skipped.size() == 2);
  CHECK(report.skipped[0].line == 6);
  CHECK(report.skipped[1].line == 8);
  const Graph graph = std::move(builder).freeze();
  REQUIRE(graph.find("p1"));
  CHECK(names_of(graph, *graph.find("p1")) == std::vector<std::string>{"A. I.", "Anna Ivanova", "Anya"});
  REQUIRE(edge_with_id(graph, "o1"));
  CHECK(graph.share(*edge_with_id(graph, "o1")) == Percent::exact(51));
  CHECK(graph.find("p2"));
  REQUIRE(graph.find("p3"));
  CHECK(graph.kind(*graph.find("p3")) == NodeKind::Person);
  CHECK(graph.find("p4"));
  CHECK_FALSE(graph.find("p5"));
}

TEST_CASE("ftm_json: a link's ends and dates come from the first property of each name, its role from the last") {
  // Properties repeated, in any order: the first `owner`, `asset`, `startDate` and `endDate`
  // count, a later one is kept as an attribute unless it is an end; each `role` overwrites the
  // role; a `percentage` gives the share only on an Ownership (elsewhere it is an attribute).
  const std::string text =
      R"({"id":"p1","schema":"Person","properties":{"name":["P One"]}})" "\n"
      R"({"id":"c1","schema":"Company","properties":{"name":["C One"]}})" "\n"
      R"({"id":"o1","schema":"Ownership","properties":{"startDate":["2019-05-01"],"owner":["p1"],"asset":["c1"],)"
      R"("role":["first"],"role":["second"],"startDate":["2020"],"percentage":["50"],"endDate":["2021-12-31"]}})" "\n"
      R"({"id":"o2","schema":"Ownership","properties":{"owner":["p1"],"owner":["c1"],"asset":["c1"],"endDate":["2021"]}})" "\n"
      R"({"id":"d1","schema":"Directorship","properties":{"organization":["c1"],"percentage":["10"],"director":["p1"]}})" "\n";
  Builder builder;
  const LoadReport report = load_ftm_json(write("ftm_link_properties.json", text), builder);
  CHECK(report.skipped.empty());
  const Graph graph = std::move(builder).freeze();
  const auto o1 = edge_with_id(graph, "o1"), o2 = edge_with_id(graph, "o2"), d1 = edge_with_id(graph, "d1");
  REQUIRE(o1);
  REQUIRE(o2);
  REQUIRE(d1);
  CHECK(graph.source(*o1) == *graph.find("p1"));
  CHECK(graph.target(*o1) == *graph.find("c1"));
  CHECK(graph.edge_valid(*o1).start == day("2019-05-01"));
  CHECK(graph.edge_valid(*o1).end == day("2022-01-01"));
  CHECK(graph.role(*o1) == "second");
  CHECK(graph.share(*o1) == Percent::exact(50));
  CHECK(edge_attribute(graph, *o1, "startDate") == std::vector<std::string_view>{"2020"});
  CHECK(edge_attribute(graph, *o1, "endDate").empty());
  CHECK(edge_attribute(graph, *o1, "role").empty());
  CHECK(edge_attribute(graph, *o1, "percentage").empty());
  CHECK(graph.source(*o2) == *graph.find("p1"));  // the first owner; the second is not an attribute
  CHECK(edge_attribute(graph, *o2, "owner").empty());
  CHECK(graph.edge_valid(*o2).end == day("2022-01-01"));
  CHECK(edge_attribute(graph, *o2, "endDate") == std::vector<std::string_view>{"2021"});  // partial: its text too
  CHECK(graph.source(*d1) == *graph.find("p1"));
  CHECK_FALSE(graph.share(*d1).known());
  CHECK(edge_attribute(graph, *d1, "percentage") == std::vector<std::string_view>{"10"});
}
