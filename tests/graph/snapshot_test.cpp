#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "generator.h"
#include "graph/graph_test_util.h"
#include "skg/graph/builder.h"
#include "skg/graph/error.h"
#include "skg/graph/snapshot.h"

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

TEST_CASE("snapshot: a generated graph reopens with identical columns") {
  const Graph built = generate({.entities = 20000, .seed = 9});
  const std::string path = output("generated.skg");
  save(built, path);
  const Graph opened = open_snapshot(path);
  CHECK(opened.stats().bytes == built.stats().bytes);
  CHECK(opened.string_count() == built.string_count());
  for (std::uint32_t node = 0; node < built.node_count(); node += 101) {
    CHECK(opened.name(NodeId{node}) == built.name(NodeId{node}));
    CHECK(opened.out_degree(NodeId{node}) == built.out_degree(NodeId{node}));
    CHECK(opened.in_degree(NodeId{node}) == built.in_degree(NodeId{node}));
  }
  CHECK(opened.find("gen:12345") == built.find("gen:12345"));
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
    CHECK_THROWS_WITH_AS(open_snapshot(bad), doctest::Contains("checksum mismatch (corrupted)"), Error);
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
    CHECK_THROWS_WITH_AS(open_snapshot(bad), doctest::Contains("format version 99, this build reads version 2"), Error);
  }
  SUBCASE("not a snapshot at all") {
    write_all(bad, "45815,\"TIKHONOV, Andrei\",\"individual\"\n");
    CHECK_THROWS_WITH_AS(open_snapshot(bad), doctest::Contains("skg snapshot mark"), Error);
  }
  SUBCASE("a missing file") {
    CHECK_THROWS_WITH_AS(open_snapshot(output("no-such.skg")), doctest::Contains("cannot open snapshot"), Error);
  }
}

TEST_CASE("snapshot: every file in datasets/broken/snapshot_* is rejected, none crashes") {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SKG_DATASETS_DIR) + "/broken")) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("snapshot_")) continue;
    ++files;
    INFO(name);
    CHECK_THROWS_AS(open_snapshot(entry.path().string()), Error);
  }
  CHECK(files >= 6);
  // Checksums valid, an edge target past the node count: the structural checks catch it.
  CHECK_THROWS_WITH_AS(open_snapshot(std::string(SKG_DATASETS_DIR) + "/broken/snapshot_inconsistent_target.skg"),
                       doctest::Contains("(inconsistent columns)"), Error);
}
