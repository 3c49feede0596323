#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "generator.h"
#include "graph/graph_fingerprint.h"
#include "graph/graph_test_util.h"
#include "skg/graph/builder.h"
#include "skg/graph/error.h"
#include "skg/graph/snapshot.h"
#include "skg/queries/reach.h"

using namespace skg;

namespace {

std::string output(std::string_view name) { return std::string(SKG_TEST_OUTPUT_DIR) + "/" + std::string(name); }

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Graph small_case() {
  Builder builder;
  builder.add_entity({.id = "p:1", .kind = NodeKind::Person, .name = "DOE, John", .source = {"people.csv", "1", 2}});
  builder.add_entity({.id = "c:1", .kind = NodeKind::Company, .name = "Acme Ltd", .source = {"co.csv", "1", 2}});
  builder.add_entity({.id = "c:2", .kind = NodeKind::Company, .name = "Beta GmbH", .source = {"co.csv", "2", 3},
                      .valid = {.start = Date::parse("2019-01-01")}});
  builder.add_edge({.kind = EdgeKind::Owns, .from = "p:1", .to = "c:1", .share = Percent::exact(50.5f),
                    .valid = {.start = Date::parse("2020-01-01"), .end = Date::parse("2023-06-30")},
                    .source = {"own.csv", "o1", 2}});
  builder.add_edge({.kind = EdgeKind::Owns, .from = "c:1", .to = "c:2", .share = Percent::range(25, 50),
                    .source = {"own.csv", "o2", 3}});
  builder.add_edge({.kind = EdgeKind::Owns, .from = "p:1", .to = "c:2", .source = {"own.csv", "o3", 4}});
  builder.add_action({.id = "sdn:1", .target = "p:1", .authority = "OFAC", .list = "SDN", .program = "SDGT",
                      .listed = Date::parse("2021-03-04"), .in_force = {.start = Date::parse("2021-03-04")},
                      .source = {"sdn.csv", "1", 1}});
  return std::move(builder).freeze();
}

}  // namespace

TEST_CASE("snapshot: dates, shares, names and provenance survive save and reopen") {
  const Graph built = small_case();
  const std::string path = output("small.skg");
  save(built, path);
  const Graph opened = open_snapshot(path);
  REQUIRE(opened.node_count() == built.node_count());
  REQUIRE(opened.edge_count() == built.edge_count());
  skg::testing::check_invariants(opened);
  const NodeId person = *opened.find("p:1");
  CHECK(opened.name(person) == "DOE, John");
  CHECK(opened.kind(person) == NodeKind::Person);
  CHECK(opened.valid(*opened.find("c:2")).start == Date::parse("2019-01-01"));
  CHECK_FALSE(opened.valid(*opened.find("c:2")).end.has_value());
  CHECK(opened.find_by_name("acme ltd").size() == 1);
  std::size_t exact = 0, range = 0, unknown = 0;
  for (std::uint32_t edge = 0; edge < opened.edge_count(); ++edge) {
    const Percent share = opened.share(EdgeId{edge});
    CHECK(share == built.share(EdgeId{edge}));
    CHECK(opened.edge_valid(EdgeId{edge}) == built.edge_valid(EdgeId{edge}));
    if (opened.edge_kind(EdgeId{edge}) != EdgeKind::Owns) continue;
    switch (share.state()) {
      case Percent::State::Exact:
        ++exact;
        CHECK(*share.value() == doctest::Approx(50.5));
        CHECK(opened.edge_valid(EdgeId{edge}).end == Date::parse("2023-06-30"));
        CHECK(opened.describe(opened.edge_provenance(EdgeId{edge})[0]) == "own.csv:2 (record o1)");
        break;
      case Percent::State::Range:
        ++range;
        CHECK(*share.min() == 25);
        CHECK(*share.max() == 50);
        break;
      case Percent::State::Unknown:
        ++unknown;
        CHECK_FALSE(share.value().has_value());
        break;
    }
  }
  CHECK(exact == 1);
  CHECK(range == 1);
  CHECK(unknown == 1);
  const Action* listing = opened.action(*opened.find("sdn:1"));
  REQUIRE(listing != nullptr);
  CHECK(opened.string(listing->program) == "SDGT");
  CHECK(listing->listed == Date::parse("2021-03-04"));
}

TEST_CASE("snapshot: rare roles, edge ids, open-ended shares and records of many files come back as saved") {
  // Version 4 stores these compactly (sparse roles and ids, shares in 32 bits with a table of
  // intervals, provenance sources by runs): every one must read back as the built graph has it,
  // and a builder started from the reopened graph must freeze to the same graph.
  Builder builder;
  for (int at = 0; at < 40; ++at)
    builder.add_entity({.id = fmt::format("c:{}", at), .kind = NodeKind::Company, .name = fmt::format("Company {}", at),
                        .source = {at % 3 == 0 ? "a.csv" : "b.csv", at % 2 == 0 ? fmt::format("r{}", at) : "",
                                   static_cast<std::uint32_t>(at + 2)}});
  for (int at = 1; at < 40; ++at) {
    EdgeRecord edge{.kind = at % 5 == 0 ? EdgeKind::DirectorOf : EdgeKind::Owns,
                    .from = "", .to = "", .source = {"own.csv", "", static_cast<std::uint32_t>(at)}};
    const std::string from = fmt::format("c:{}", at - 1), to = fmt::format("c:{}", at);
    edge.from = from;
    edge.to = to;
    const std::string id = fmt::format("own:{}", at);
    if (at % 7 == 0) edge.id = id;
    if (at % 5 == 0) edge.role = "director";
    if (at % 5 != 0 && at % 4 == 1)
      edge.share = Percent::between({50 * Percent::kUnitsPerPercent, true}, {Percent::kHundred, false});
    if (at % 5 != 0 && at % 4 == 2) edge.share = Percent::exact(100);
    if (at % 5 != 0 && at % 4 == 3) edge.share = Percent::range(10, 20);
    builder.add_edge(edge);
  }
  const Graph built = std::move(builder).freeze();
  const std::string path = output("compact.skg");
  save(built, path);
  const Graph opened = open_snapshot(path);
  CHECK(testing::fingerprint(opened) == testing::fingerprint(built));
  std::size_t roles = 0, ids = 0, open_shares = 0;
  for (std::uint32_t edge = 0; edge < opened.edge_count(); ++edge) {
    roles += opened.role(EdgeId{edge}) == "director";
    ids += !opened.edge_external_id(EdgeId{edge}).empty();
    open_shares += opened.share(EdgeId{edge}).low().open;
  }
  CHECK(roles == 7);
  CHECK(ids == 5);
  CHECK(open_shares == 8);
  CHECK(opened.describe(opened.provenance(*opened.find("c:4"))[0]) == "b.csv:6 (record r4)");
  CHECK(opened.describe(opened.provenance(*opened.find("c:3"))[0]) == "a.csv:5");
  const Graph again = Builder(opened).freeze();
  CHECK(testing::fingerprint(again) == testing::fingerprint(built));
  CHECK(verify_snapshot(path).nodes == built.node_count());
}

TEST_CASE("snapshot: a few dated and owned links among many reopen as saved, and the file stores no edge sources") {
  // Format 6: the share, dates and role of edges are stored only for the edges that have one
  // (a bitmap over more than one 64-edge word here), record lines of a CSV by runs, and no edge
  // source (the offsets give it). Every value must read back as built, and two saves match.
  Builder builder;
  for (int at = 0; at < 300; ++at)
    builder.add_entity({.id = fmt::format("c:{}", at), .kind = NodeKind::Company, .name = fmt::format("Company {}", at),
                        .source = {"companies.csv", "", static_cast<std::uint32_t>(at + 2)}});
  for (int at = 1; at < 300; ++at) {
    const std::string from = fmt::format("c:{}", (at * 7) % 300), to = fmt::format("c:{}", at);
    EdgeRecord edge{.kind = EdgeKind::Owns, .from = from, .to = to,
                    .source = {"links.csv", "", static_cast<std::uint32_t>(at + 1)}};
    if (at % 37 == 0) edge.share = Percent::exact(at % 100);
    if (at % 50 == 0) edge.valid = {.start = Date::parse("2020-01-01"), .end = Date::parse("2024-06-30")};
    if (at % 90 == 0) edge.role = "nominee";
    builder.add_edge(edge);
  }
  const Graph built = std::move(builder).freeze();
  const std::string path = output("sparse.skg"), again = output("sparse-again.skg");
  save(built, path);
  save(built, again);
  CHECK(read_all(path) == read_all(again));
  const Graph opened = open_snapshot(path);
  CHECK(testing::fingerprint(opened) == testing::fingerprint(built));
  std::size_t shares = 0, dated = 0, held_2022 = 0, held_2025 = 0, roles = 0;
  for (std::uint32_t edge = 0; edge < opened.edge_count(); ++edge) {
    const EdgeId e{edge};
    CHECK(opened.source(e) == built.source(e));
    CHECK(opened.share(e) == built.share(e));
    shares += opened.share(e).known();
    dated += opened.edge_valid(e).start.has_value();
    held_2022 += opened.edge_holds(e, Date::parse("2022-01-01"));
    held_2025 += opened.edge_holds(e, Date::parse("2025-01-01"));
    roles += opened.role(e) == "nominee";
  }
  CHECK(shares == 8);  // 37, 74, ... 296
  CHECK(dated == 5);   // 50, 100, ... 250
  CHECK(held_2022 == 299);
  CHECK(held_2025 == 294);
  CHECK(roles == 3);
  CHECK(opened.describe(opened.provenance(*opened.find("c:120"))[0]) == "companies.csv:122");
  std::size_t bitmaps = 0;
  for (const SnapshotColumn& column : snapshot_columns(path)) {
    CHECK(column.name != "source");
    if (column.name == "share_bits" || column.name == "edge_from_bits" || column.name == "role_bits")
      bitmaps += column.count == (299 + 63) / 64;
    if (column.name == "prov_line") CHECK(column.count < 10);  // two files' runs, not 599 lines
  }
  CHECK(bitmaps == 3);
  CHECK(verify_snapshot(path).edges == 299);
}

namespace {

/// Every record of every name and external id, described, in node order (the fingerprint does
/// not list them; format 7 stores most of them as "the node's own").
std::string item_records(const Graph& graph) {
  std::string out;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const NodeId node{at};
    for (std::size_t which = 0; which < graph.names(node).size(); ++which) {
      out += fmt::format("{} name {}:", at, which);
      for (ProvId prov : graph.name_provenance(node, which)) out += ' ' + graph.describe(prov);
      out += '\n';
    }
    for (std::size_t which = 0; which < graph.external_ids(node).size(); ++which) {
      out += fmt::format("{} id {}:", at, which);
      for (ProvId prov : graph.external_id_provenance(node, which)) out += ' ' + graph.describe(prov);
      out += '\n';
    }
  }
  return out;
}

}  // namespace

TEST_CASE("snapshot: a generated graph reopens with the same answers in fewer bytes") {
  const Graph built = generate({.entities = 20000, .seed = 9});
  const std::string path = output("generated.skg");
  save(built, path);
  const Graph opened = open_snapshot(path);
  // Format 7 keeps shares by a dictionary and leaves out the records of names and ids that are
  // their node's own: fewer bytes, the same answers.
  CHECK(opened.stats().bytes < built.stats().bytes);
  CHECK(testing::fingerprint(opened) == testing::fingerprint(built));
  CHECK(item_records(opened) == item_records(built));
  std::size_t coded = 0, own = 0, primary_names = 1;
  for (const SnapshotColumn& column : snapshot_columns(path)) {
    if (column.name == "share_code") coded = column.count;
    if (column.name == "name") primary_names = column.count;
    if (column.name == "name_prov_own") own = column.count;
    if (column.name == "share" || column.name == "share_bits" || column.name == "node_prov_at") CHECK(column.count == 0);
  }
  CHECK(coded == built.edge_count());
  CHECK(own == (built.stats().names + 63) / 64);
  CHECK(primary_names == 0);  // each node's primary name is its first: derived
  // A builder made from the opened graph reads names, records and dates through the packed forms,
  // and freezes to the graph a builder made from the built one freezes to.
  Builder from_opened(opened), from_built(built);
  CHECK(testing::fingerprint(std::move(from_opened).freeze()) == testing::fingerprint(std::move(from_built).freeze()));
  CHECK(opened.string_count() == built.string_count());
  for (std::uint32_t node = 0; node < built.node_count(); node += 101) {
    CHECK(opened.name(NodeId{node}) == built.name(NodeId{node}));
    CHECK(opened.out_degree(NodeId{node}) == built.out_degree(NodeId{node}));
    CHECK(opened.in_degree(NodeId{node}) == built.in_degree(NodeId{node}));
  }
  CHECK(opened.find("gen:12345") == built.find("gen:12345"));
  // Every edge's source, which the open derives from the offsets (writing 8 items at each node's
  // first edge, then the rest of a longer run): nodes of no edges, of 1 to 8 and of more.
  std::size_t mismatched = 0, empty = 0, longer = 0;
  for (std::uint32_t node = 0; node < built.node_count(); ++node) {
    empty += built.out_degree(NodeId{node}) == 0;
    longer += built.out_degree(NodeId{node}) > 8;
  }
  for (std::uint32_t edge = 0; edge < built.edge_count(); ++edge)
    mismatched += opened.source(EdgeId{edge}) != built.source(EdgeId{edge});
  CHECK(empty > 0);
  CHECK(longer > 0);
  CHECK(mismatched == 0);
}

TEST_CASE("snapshot: format 7's packed columns answer as the built graph, and save again byte for byte") {
  // Merged records (a node with two, names stated by one of them), a node no record states (an
  // authority), node dates on a few nodes, shares of a few distinct values (coded by a
  // dictionary) and an interval share: each packed form and its exceptions.
  Builder builder;
  for (int at = 0; at < 200; ++at)
    builder.add_entity({.id = fmt::format("c:{}", at), .kind = NodeKind::Company, .name = fmt::format("Company {}", at),
                        .source = {"companies.csv", "", static_cast<std::uint32_t>(at + 2)},
                        .valid = at % 40 == 0 ? DateRange{.start = Date::parse("2001-02-03")} : DateRange{}});
  builder.add_entity({.id = "c:7", .kind = NodeKind::Company, .name = "Company Seven Holding",
                      .source = {"registry.csv", "r7", 9}});
  builder.add_entity({.id = "c:8", .kind = NodeKind::Company, .name = "Company 8", .source = {"registry.csv", "r8", 10}});
  for (int at = 1; at < 200; ++at)
    builder.add_edge({.kind = EdgeKind::Owns, .from = fmt::format("c:{}", at - 1), .to = fmt::format("c:{}", at),
                      .share = at == 99 ? Percent::range(10, 20) : Percent::exact(static_cast<float>(at % 5 * 10 + 5)),
                      .source = {"links.csv", "", static_cast<std::uint32_t>(at + 1)}});
  builder.add_action({.id = "sdn:1", .target = "c:3", .authority = "OFAC", .list = "SDN", .program = "SDGT",
                      .source = {"sdn.csv", "1", 1}});
  const Graph built = std::move(builder).freeze();
  const std::string path = output("packed.skg"), again = output("packed-again.skg");
  save(built, path);
  const Graph opened = open_snapshot(path);
  CHECK(testing::fingerprint(opened) == testing::fingerprint(built));
  CHECK(item_records(opened) == item_records(built));
  for (std::uint32_t node = 0; node < built.node_count(); ++node) {
    CHECK(opened.provenance(NodeId{node}).size() == built.provenance(NodeId{node}).size());
    CHECK(opened.valid(NodeId{node}) == built.valid(NodeId{node}));
  }
  const NodeId seven = *opened.find("c:7");
  REQUIRE(opened.names(seven).size() == 2);
  CHECK(opened.provenance(seven).size() == 2);
  CHECK(opened.name_provenance(seven, 1).size() == 1);
  CHECK(opened.describe(opened.name_provenance(seven, 1)[0]) == "registry.csv:9 (record r7)");
  CHECK(opened.external_id_provenance(seven, 0).size() == 2);
  std::map<std::string, std::uint64_t> counts;
  for (const SnapshotColumn& column : snapshot_columns(path)) counts[column.name] = column.count;
  CHECK(counts["share_code"] == built.edge_count());
  CHECK(counts["share_dict"] == 7);  // 5%, 15%, ... 45%, the interval, unknown (the listing's links)
  CHECK(counts["share"] == 0);
  CHECK(counts["node_prov_at"] == 0);
  CHECK(counts["node_prov_x"] >= 3);  // c:7, c:8 (two records each), the authority (none)
  CHECK(counts["valid_from_bits"] == (built.node_count() + 63) / 64);
  CHECK(counts["valid_from"] == 5);
  // The opened graph, saved again, makes the same file.
  save(opened, again);
  CHECK(read_all(path) == read_all(again));
}

TEST_CASE("snapshot: a builder made from an opened snapshot takes a delta") {
  const std::string path = output("delta-base.skg");
  save(small_case(), path);
  const Graph base = open_snapshot(path);
  Builder builder(base);
  builder.add_entity({.id = "c:3", .kind = NodeKind::Company, .name = "Gamma AO"});
  builder.add_edge({.kind = EdgeKind::Owns, .from = "c:2", .to = "c:3", .share = Percent::exact(100)});
  const Graph next = std::move(builder).freeze();
  CHECK(next.node_count() == base.node_count() + 1);
  CHECK(next.edge_count() == base.edge_count() + 1);
  CHECK(next.name(*next.find("p:1")) == "DOE, John");
}

TEST_CASE("snapshot: truncated, corrupted and wrong-version files are rejected with the reason") {
  const std::string good = output("good.skg");
  save(small_case(), good);
  const std::string bytes = read_all(good);
  const std::string bad = output("bad.skg");

  SUBCASE("truncated") {
    write_all(bad, bytes.substr(0, bytes.size() - 100));
    CHECK_THROWS_WITH_AS(open_snapshot(bad), doctest::Contains("truncated"), Error);
  }
  SUBCASE("cut inside the header") {
    write_all(bad, bytes.substr(0, 20));
    CHECK_THROWS_WITH_AS(open_snapshot(bad), doctest::Contains("shorter than the 64-byte header"), Error);
  }
  SUBCASE("a flipped byte in a column") {
    std::string flipped = bytes;
    flipped[flipped.size() - 10] ^= 0x5A;
    write_all(bad, flipped);
    // Checksums are read by `skg verify` (and SnapshotCheck::Full), not by the default open,
    // which refuses what a query could trip on and otherwise leaves the pages unread.
    CHECK_THROWS_WITH_AS(verify_snapshot(bad), doctest::Contains("checksum mismatch (corrupted)"), Error);
    CHECK_THROWS_WITH_AS(open_snapshot(bad, {.check = SnapshotCheck::Full}),
                         doctest::Contains("checksum mismatch (corrupted)"), Error);
    try {
      const Graph graph = open_snapshot(bad);
      CHECK(testing::fingerprint(graph).size() > 0);
    } catch (const Error&) {
    }
  }
  SUBCASE("a flipped byte in the column table") {
    std::string flipped = bytes;
    flipped[64 + 30] ^= 0x01;
    write_all(bad, flipped);
    CHECK_THROWS_WITH_AS(open_snapshot(bad), doctest::Contains("column table checksum mismatch"), Error);
  }
  SUBCASE("another format version") {
    std::string other = bytes;
    other[8] = 99;
    write_all(bad, other);
    CHECK_THROWS_WITH_AS(open_snapshot(bad), doctest::Contains("format version 99, this build reads version 7"), Error);
  }
  SUBCASE("a version 2 snapshot, from before typed measures, is refused with what to do") {
    std::string old = bytes;
    old[8] = 2;
    write_all(bad, old);
    CHECK_THROWS_WITH_AS(open_snapshot(bad), doctest::Contains("no typed measures on their listings"), Error);
  }
  SUBCASE("not a snapshot at all") {
    write_all(bad, "45815,\"TIKHONOV, Andrei\",\"individual\"\n");
    CHECK_THROWS_WITH_AS(open_snapshot(bad), doctest::Contains("skg snapshot mark"), Error);
  }
  SUBCASE("a missing file") {
    CHECK_THROWS_WITH_AS(open_snapshot(output("no-such.skg")), doctest::Contains("cannot open snapshot"), Error);
  }
}

namespace {

std::string broken(std::string_view name) { return std::string(SKG_DATASETS_DIR) + "/broken/" + std::string(name); }

/// Each file of datasets/broken/ made by make_snapshots.cpp, and what its refusal must say.
constexpr std::pair<std::string_view, std::string_view> kBrokenSnapshots[] = {
    {"snapshot_empty.skg", "shorter than the 64-byte header"},
    {"snapshot_truncated.skg", "truncated"},
    {"snapshot_bitflip.skg", "checksum mismatch (corrupted)"},
    {"snapshot_not_a_snapshot.skg", "skg snapshot mark"},
    {"snapshot_version1.skg", "format version 1, written by an older skg"},
    {"snapshot_version2.skg", "format version 2, written by an older skg"},
    {"snapshot_version3.skg", "format version 3, written by an older skg"},
    {"snapshot_version4.skg", "do not say which record gave each name and id"},
    {"snapshot_version5.skg", "format 6 stores the edge columns compactly"},
    {"snapshot_version6.skg", "format 7 codes shares by a dictionary"},
    {"snapshot_version99.skg", "format version 99, this build reads version 7"},
    // Crafted: every checksum valid.
    {"snapshot_inconsistent_target.skg", "an edge target past the node count"},
    {"snapshot_name_unterminated.skg", "the name of column 0 is not terminated"},
    {"snapshot_count_past_file.skg", "column 'chars' lies outside the file"},
    {"snapshot_empty_out_offsets.skg", "edge offsets: the column is missing"},
    {"snapshot_empty_in_offsets.skg", "reverse edge offsets: the column is missing"},
    {"snapshot_offsets_backwards.skg", "edge offsets: they go down"},
    {"snapshot_id_index_full.skg", "external id index: no empty slot (a lookup would never end)"},
    {"snapshot_name_index_full.skg", "name index: no empty slot (a lookup would never end)"},
    {"snapshot_id_index_key_twice.skg", "external id index: a key in two slots"},
    {"snapshot_reverse_edges_not_mirrored.skg", "reverse edges do not mirror the forward edges"},
    {"snapshot_reverse_edge_past_count.skg", "reverse edges do not mirror the forward edges"},
    {"snapshot_reverse_edges_out_of_order.skg", "reverse edges do not mirror the forward edges"},
    {"snapshot_edge_kind_out_of_range.skg", "an edge kind out of range"},
    {"snapshot_node_kind_out_of_range.skg", "a node kind out of range"},
    {"snapshot_share_out_of_range.skg", "an edge share outside 0-100%"},
    {"snapshot_action_date_out_of_range.skg", "an action date out of range"},
    {"snapshot_string_ref_past_count.skg", "a node name past the string count"},
    {"snapshot_name_record_past_count.skg", "name or external id provenance ids"},
    {"snapshot_duplicate_strings.skg", "are the same text"},
    {"snapshot_sparse_bits_past_edges.skg", "the bitmap marks edges past the edge count"},
    {"snapshot_share_code_past_dictionary.skg", "edge share codes: a code past the dictionary"},
    {"snapshot_own_marks_past_names.skg", "name provenance marks: the bitmap marks names past the name count"},
    {"snapshot_record_exceptions_past_records.skg", "provenance offsets: the exceptions do not end at the record count"},
};

}  // namespace

/// Files whose damage only the full check finds (`skg verify`): the default open need not
/// refuse them, but what it opens must answer queries without a crash.
constexpr std::string_view kFullCheckOnly[] = {"snapshot_bitflip.skg", "snapshot_duplicate_strings.skg",
                                               "snapshot_reverse_edges_not_mirrored.skg",
                                               "snapshot_id_index_key_twice.skg"};
bool full_check_only(std::string_view file) {
  return std::find(std::begin(kFullCheckOnly), std::end(kFullCheckOnly), file) != std::end(kFullCheckOnly);
}

TEST_CASE("snapshot: every broken or crafted file in datasets/broken is refused by skg verify, saying why") {
  std::size_t listed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SKG_DATASETS_DIR) + "/broken")) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("snapshot_")) continue;
    INFO(name);
    bool known = false;
    for (const auto& [file, reason] : kBrokenSnapshots) known |= file == name;
    CHECK_MESSAGE(known, "a snapshot in datasets/broken without an expected reason in this test");
    CHECK_THROWS_AS(verify_snapshot(entry.path().string()), Error);
  }
  for (const auto& broken_case : kBrokenSnapshots) {
    const std::string_view file = broken_case.first, reason = broken_case.second;
    INFO(file);
    ++listed;
    REQUIRE(std::filesystem::exists(broken(file)));
    CHECK_THROWS_WITH_AS(verify_snapshot(broken(file)), doctest::Contains(std::string(reason).c_str()), Error);
  }
  CHECK(listed >= 20);
}

TEST_CASE("snapshot: the default open refuses every crafted file a query could trip on, saying why") {
  // The default open (SnapshotCheck::Structure) leaves out only what queries do not rely on for
  // safety: checksums, that every string is stored once, that each edge is listed under its own
  // target, and that every index key sits where its hash leads.
  for (const auto& broken_case : kBrokenSnapshots) {
    const std::string_view file = broken_case.first, reason = broken_case.second;
    INFO(file);
    if (full_check_only(file)) {
      try {
        const Graph graph = open_snapshot(broken(file));
        CHECK(testing::fingerprint(graph).size() > 0);
        CHECK(reach(graph, NodeId{0}, {.max_hops = 3}).size() < graph.node_count() + 1);
        for (const char* id : {"c:1", "c:2", "c:3", "sdn:1", "c:9"}) {
          const auto node = graph.find(id);  // a wrong index may miss an id, never read past the graph
          CHECK((!node || index(*node) < graph.node_count()));
        }
      } catch (const Error&) {
      }
      continue;
    }
    CHECK_THROWS_WITH_AS(open_snapshot(broken(file)), doctest::Contains(std::string(reason).c_str()), Error);
  }
}

TEST_CASE("snapshot: a snapshot from an older skg is refused with a message saying to save it again") {
  CHECK_THROWS_WITH_AS(open_snapshot(broken("snapshot_version1.skg")),
                       doctest::Contains("load the lists again and save a new snapshot"), Error);
}

TEST_CASE("snapshot: two equal strings are refused by verify, and a builder made from them throws, never aborts") {
  CHECK_THROWS_WITH_AS(verify_snapshot(broken("snapshot_duplicate_strings.skg")),
                       doctest::Contains("strings"), Error);
  // Opened with the structure check only (which does not look for repeats), the graph answers
  // queries; a Builder made from it (`--snapshot F` then `load`) refuses it with an Error.
  const Graph graph = open_snapshot(broken("snapshot_duplicate_strings.skg"), {.check = SnapshotCheck::Structure});
  CHECK(graph.node_count() == 5);
  CHECK(graph.find("c:2").has_value());
  CHECK_THROWS_WITH_AS(Builder{graph}, doctest::Contains("holds the string 'a.csv' twice"), Error);
}

TEST_CASE("snapshot: a FIFO given as a snapshot is refused at once, not waited on") {
  const std::string fifo = output("snapshot.fifo");
  std::filesystem::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto opening = std::async(std::launch::async, [&] {
    try {
      open_snapshot(fifo);
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string("opened");
  });
  if (opening.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    // Blocked in open(): a writer releases it, so the test fails instead of hanging.
    const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    opening.wait();
    if (writer >= 0) ::close(writer);
    FAIL("open_snapshot() waited on the FIFO");
  }
  const std::string message = opening.get();
  CHECK(message.find("snapshot.fifo") != std::string::npos);
  CHECK(message.find("a FIFO (named pipe), not a file") != std::string::npos);
  CHECK_THROWS_WITH_AS(open_snapshot(std::string(SKG_DATASETS_DIR)), doctest::Contains("a folder, not a file"), Error);
  std::filesystem::remove(fifo);
}

TEST_CASE("snapshot: a listing with and without dates keeps them, written as plain days") {
  Builder builder;
  builder.add_entity({.id = "p:1", .kind = NodeKind::Person, .name = "DOE, John"});
  builder.add_action({.id = "a:dated", .target = "p:1", .authority = "OFAC", .listed = Date::parse("2022-02-24"),
                      .in_force = {.start = Date::parse("2022-02-24"), .end = Date::parse("2024-09-29")}});
  builder.add_action({.id = "a:undated", .target = "p:1", .authority = "BIS"});
  const std::string path = output("actions.skg");
  save(std::move(builder).freeze(), path);
  const Graph opened = open_snapshot(path);
  const Action* dated = opened.action(*opened.find("a:dated"));
  const Action* undated = opened.action(*opened.find("a:undated"));
  REQUIRE(dated != nullptr);
  REQUIRE(undated != nullptr);
  CHECK(dated->listed == Date::parse("2022-02-24"));
  CHECK(dated->in_force.start == Date::parse("2022-02-24"));
  CHECK(dated->in_force.end == Date::parse("2024-09-29"));
  CHECK_FALSE(undated->listed.has_value());
  CHECK(undated->in_force.is_open());
  // The file's action column holds 36-byte records (six string ids, three days): no optional.
  const std::string bytes = read_all(path);
  bool found = false;
  for (std::size_t entry = 64; entry + 56 <= bytes.size() && entry < 64 + 40 * 56; entry += 56) {
    if (std::string_view(bytes.data() + entry) != "action") continue;
    std::uint32_t element_size = 0;
    std::memcpy(&element_size, bytes.data() + entry + 24, 4);
    CHECK(element_size == 44);  // version 3: dates as days, plus typed measures, issuer, list, origin
    found = true;
  }
  CHECK(found);
}

TEST_CASE("snapshot: verify_snapshot says what a good file holds") {
  const std::string path = output("verify.skg");
  save(small_case(), path);
  const SnapshotSummary summary = verify_snapshot(path);
  CHECK(summary.version == kSnapshotVersion);
  CHECK(summary.nodes == 5);
  CHECK(summary.edges == 5);
  CHECK(summary.bytes == std::filesystem::file_size(path));
  CHECK_THROWS_WITH_AS(verify_snapshot(broken("snapshot_id_index_full.skg")), doctest::Contains("no empty slot"), Error);
}
