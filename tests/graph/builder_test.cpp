#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>  // getpid: ctest runs each case as its own process, two at once

#include <fmt/format.h>

#include "graph/graph_fingerprint.h"
#include "graph/graph_test_util.h"
#include "skg/graph/builder.h"
#include "skg/graph/error.h"
#include "skg/graph/parallel.h"
#include "skg/graph/snapshot.h"
#include "generator.h"

using namespace skg;

namespace {
EntityRecord entity(std::string_view id, std::string_view name, std::string_view file, std::uint32_t line,
                    NodeKind kind = NodeKind::Company) {
  return {.id = id, .kind = kind, .name = name, .source = {file, id, line}};
}
}  // namespace

TEST_CASE("builder: two records with one OFAC UID become one node with both sources") {
  Builder builder;
  builder.add_entity(entity("ofac:12345", "AO Kaspersky Lab", "sdn.csv", 10));
  builder.add_entity(entity("ofac:12345", "Kaspersky Lab", "cons.csv", 88));
  const Graph graph = std::move(builder).freeze();
  REQUIRE(graph.node_count() == 1);
  const NodeId node = *graph.find("ofac:12345");
  CHECK(graph.name(node) == "AO Kaspersky Lab");
  REQUIRE(graph.provenance(node).size() == 2);
  CHECK(graph.describe(graph.provenance(node)[0]) == "sdn.csv:10 (record ofac:12345)");
  CHECK(graph.describe(graph.provenance(node)[1]) == "cons.csv:88 (record ofac:12345)");
  REQUIRE(graph.names(node).size() == 2);
  CHECK(graph.names(node)[0].type == NameType::Primary);
  CHECK(graph.string(graph.names(node)[1].text) == "Kaspersky Lab");
  CHECK(graph.names(node)[1].type == NameType::Aka);
  skg::testing::check_invariants(graph);
}

TEST_CASE("builder: facts added by looked-up ids read back as facts added by their texts") {
  // Batch::string + add_attribute by ids (the OFSI and PSC loaders state a record's facts that way).
  for (const bool bound : {true, false}) {
    CAPTURE(bound);
    Builder by_text, by_id;
    {
      Batch batch(by_text);
      batch.add_entity({.id = "ofsi:1", .kind = NodeKind::Person, .name = "A", .source = {"l.csv", "1", 3}});
      batch.add_attribute("ofsi:1", "nationality", "Ruritanian", {"l.csv", "1", 3});
      batch.add_attribute("ofsi:1", "address", "1 High St", {"l.csv", "1", 4});
      by_text.commit(std::move(batch));
    }
    const auto fill = [](Batch& batch) {
      batch.add_entity({.id = "ofsi:1", .kind = NodeKind::Person, .name = "A", .source = {"l.csv", "1", 3}});
      const StringId entity = batch.string_id("ofsi:1"), address = batch.string_id("address");
      CHECK(batch.string_id("") == kNoString);
      batch.add_attribute(entity, batch.string_id("nationality"), "Ruritanian", {"l.csv", "1", 3});
      batch.add_attribute(entity, address, "1 High St", {"l.csv", "1", 4});
    };
    if (bound) {
      Batch batch(by_id);  // interns into the builder's pool as it goes
      fill(batch);
      by_id.commit(std::move(batch));
    } else {
      Batch batch;  // stages its strings until the commit
      fill(batch);
      by_id.commit(std::move(batch));
    }
    const Graph a = std::move(by_text).freeze(), b = std::move(by_id).freeze();
    const NodeId node = *b.find("ofsi:1");
    CHECK(b.attribute(node, "nationality") == std::vector<std::string_view>{"Ruritanian"});
    CHECK(b.attribute(node, "address") == std::vector<std::string_view>{"1 High St"});
    CHECK(a.attribute(*a.find("ofsi:1"), "address") == b.attribute(node, "address"));
    CHECK(a.attributes(*a.find("ofsi:1")).size() == b.attributes(node).size());
    skg::testing::check_invariants(b);
  }
}

TEST_CASE("builder: a failed batch leaves the builder exactly as it was") {
  Builder builder;
  builder.add_entity(entity("a", "Alpha", "f", 1));
  Batch batch;
  batch.add_entity(entity("b", "Beta", "f", 2));
  batch.add_name("b", "Beta Two", NameType::Aka, NameStrength::Weak, {"f", "b", 2});
  batch.add_edge({.kind = EdgeKind::Owns, .from = "a", .to = "nobody", .share = Percent::exact(60),
                  .source = {"own.csv", "r7", 7}});
  CHECK_THROWS_WITH_AS(builder.commit(std::move(batch)),
                       doctest::Contains("own.csv:7 (record 'r7'): a OWNS edge refers to 'nobody'"), Error);
  CHECK(builder.entity_count() == 1);
  CHECK(builder.edge_count() == 0);
  CHECK_FALSE(builder.contains("b"));
  const Graph graph = std::move(builder).freeze();
  CHECK(graph.node_count() == 1);
  CHECK(graph.find_by_name("Beta").empty());
  Builder untouched;
  untouched.add_entity(entity("a", "Alpha", "f", 1));
  const Graph reference = std::move(untouched).freeze();
  CHECK(graph.string_count() == reference.string_count());  // no string of the failed batch stays
  CHECK(graph.stats().bytes == reference.stats().bytes);
}

TEST_CASE("builder: references resolve to records later in the same batch") {
  Builder builder;
  Batch batch;
  batch.add_edge({.kind = EdgeKind::Owns, .from = "p", .to = "c", .share = Percent::range(25, 50)});
  batch.add_entity(entity("p", "Owner", "f", 1, NodeKind::Person));
  batch.add_entity(entity("c", "Asset", "f", 2));
  builder.commit(std::move(batch));
  const Graph graph = std::move(builder).freeze();
  REQUIRE(graph.edge_count() == 1);
  CHECK(graph.source(EdgeId{0}) == *graph.find("p"));
  CHECK(graph.share(EdgeId{0}) == Percent::range(25, 50));
}

TEST_CASE("builder: reverse edges mirror forward edges on a generated graph") {
  const Graph graph = generate({.entities = 5000, .seed = 3});
  CHECK(graph.node_count() >= 5000);
  CHECK(graph.edge_count() >= 15000);
  skg::testing::check_invariants(graph);
}

TEST_CASE("builder: an action adds the listing node, its authority and both edges") {
  Builder builder;
  builder.add_entity(entity("ofac-sdn:45815", "TIKHONOV, Andrei Gennadyevich", "sdn.csv", 1, NodeKind::Person));
  builder.add_action({.id = "ofac-sdn:45815#SDN", .target = "ofac-sdn:45815", .authority = "OFAC", .list = "SDN",
                      .program = "RUSSIA-EO14024", .listed = Date::parse("2024-06-21"),
                      .in_force = {.start = Date::parse("2024-06-21")}, .source = {"sdn.csv", "45815", 1}});
  const Graph graph = std::move(builder).freeze();
  const NodeId person = *graph.find("ofac-sdn:45815");
  const NodeId listing = *graph.find("ofac-sdn:45815#SDN");
  REQUIRE(graph.action(listing) != nullptr);
  CHECK(graph.string(graph.action(listing)->program) == "RUSSIA-EO14024");
  CHECK(graph.action(listing)->in_force.start == Date::parse("2024-06-21"));
  CHECK(graph.action(person) == nullptr);
  REQUIRE(graph.out_degree(person) == 1);
  const EdgeId target_of = *graph.out_edges(person).begin();
  CHECK(graph.edge_kind(target_of) == EdgeKind::TargetOf);
  CHECK(graph.target(target_of) == listing);
  const auto authority = graph.find("authority:OFAC");
  REQUIRE(authority);
  CHECK(graph.kind(*authority) == NodeKind::Authority);
  CHECK(graph.in_degree(*authority) == 1);
}

TEST_CASE("builder: removing an entity drops it with its edges - removing and re-adding replaces it") {
  Builder builder;
  builder.add_entity(entity("a", "Alpha", "f", 1));
  builder.add_entity(entity("b", "Beta", "f", 2));
  builder.add_edge({.kind = EdgeKind::Owns, .from = "a", .to = "b", .id = "own-1"});
  Batch batch;
  batch.remove("b", {"delta", "b", 1});
  batch.add_entity(entity("b", "Beta Renamed", "delta", 1));
  builder.commit(std::move(batch));
  SUBCASE("remove and add again in one batch replaces the entity, and keeps its links") {
    const Graph graph = std::move(builder).freeze();
    CHECK(graph.node_count() == 2);
    REQUIRE(graph.edge_count() == 1);
    const NodeId b = *graph.find("b");
    CHECK(graph.name(b) == "Beta Renamed");
    REQUIRE(graph.names(b).size() == 1);  // the old name went with the old version
    REQUIRE(graph.provenance(b).size() == 1);
    CHECK(graph.describe(graph.provenance(b)[0]) == "delta:1 (record b)");
    CHECK(graph.target(EdgeId{0}) == b);
  }
  SUBCASE("remove alone drops the entity and its edges") {
    Batch drop;
    drop.remove("b", {"delta", "b", 2});
    builder.commit(std::move(drop));
    const Graph graph = std::move(builder).freeze();
    CHECK(graph.node_count() == 1);
    CHECK(graph.edge_count() == 0);
    CHECK_FALSE(graph.find("b").has_value());
  }
  SUBCASE("removing an unknown id is an error") {
    Batch bad;
    bad.remove("zzz", {"delta", "zzz", 4});
    CHECK_THROWS_WITH_AS(builder.commit(std::move(bad)), doctest::Contains("delta:4"), Error);
  }
}

TEST_CASE("builder: a builder made from a graph gives the same graph back") {
  const Graph first = generate({.entities = 2000, .seed = 5});
  Builder again(first);
  const Graph second = std::move(again).freeze();
  CHECK(second.node_count() == first.node_count());
  CHECK(second.edge_count() == first.edge_count());
  for (std::uint32_t edge = 0; edge < first.edge_count(); edge += 97) {
    CHECK(second.source(EdgeId{edge}) == first.source(EdgeId{edge}));
    CHECK(second.share(EdgeId{edge}) == first.share(EdgeId{edge}));
  }
}

TEST_CASE("graph: two threads read one graph at once and see the same answers") {
  const Graph graph = generate({.entities = 20000, .seed = 11});
  auto walk = [&graph](std::uint64_t& sum) {
    for (std::uint32_t node = 0; node < graph.node_count(); ++node)
      for (NodeId target : graph.out_targets(NodeId{node})) sum += index(target) + graph.in_degree(target);
  };
  std::uint64_t first = 0, second = 0, alone = 0;
  std::thread a(walk, std::ref(first)), b(walk, std::ref(second));
  a.join();
  b.join();
  walk(alone);
  CHECK(first == alone);
  CHECK(second == alone);
}

TEST_CASE("graph: names are found after normalisation") {
  CHECK(normalise_name("KASPERSKY, Lab  Inc.") == "kaspersky lab inc");
  CHECK(normalise_name("Лаборатория Касперского") == "лаборатория касперского");
  CHECK(normalise_name("  O'Brien ") == "obrien");
  Builder builder;
  builder.add_entity(entity("x", "AO Kaspersky Lab", "f", 1));
  const Graph graph = std::move(builder).freeze();
  REQUIRE(graph.find_by_name("ao kaspersky  LAB").size() == 1);
  CHECK(graph.find_by_name("kaspersky").empty());
}

TEST_CASE("builder: a batch made for a builder interns as it goes, and dropping it undoes that") {
  Builder builder;
  builder.add_entity(entity("a", "Alpha", "f", 1));
  {
    Batch batch(builder);
    batch.add_entity(entity("b", "Beta", "g", 2));
    batch.add_name("b", "Beta Holdings", NameType::Aka, NameStrength::Strong, {"g", "b", 2});
    CHECK_THROWS_WITH_AS(Batch{builder}, doctest::Contains("already has an open batch"), Error);
    CHECK_THROWS_WITH_AS(builder.add_entity(entity("c", "Gamma", "h", 3)), doctest::Contains("open batch"), Error);
  }  // dropped uncommitted: its strings leave the pool
  SUBCASE("a failed commit of a bound batch leaves the builder as it was") {
    Batch batch(builder);
    batch.add_edge({.kind = EdgeKind::Owns, .from = "a", .to = "ghost", .source = {"own.csv", "r1", 9}});
    CHECK_THROWS_WITH_AS(builder.commit(std::move(batch)), doctest::Contains("own.csv:9"), Error);
    Batch next(builder);  // the failed batch is closed: a new one may open
    next.add_entity(entity("d", "Delta", "h", 4));
    builder.commit(std::move(next));
    CHECK(builder.entity_count() == 2);
  }
  SUBCASE("a committed bound batch lands") {
    Batch batch(builder);
    batch.add_entity(entity("b", "Beta", "g", 2));
    builder.commit(std::move(batch));
    CHECK(builder.contains("b"));
  }
  const Graph graph = std::move(builder).freeze();
  CHECK(graph.find_by_name("Beta Holdings").empty());
  Builder reference_builder;
  reference_builder.add_entity(entity("a", "Alpha", "f", 1));
  const Graph reference = std::move(reference_builder).freeze();
  CHECK(graph.string_count() >= reference.string_count());
  if (graph.node_count() == 1) CHECK(graph.string_count() == reference.string_count());
}

TEST_CASE("builder: removing the empty id is refused, and no edge disappears") {
  Builder builder;
  builder.add_entity(entity("a", "Alpha", "f", 1));
  builder.add_entity(entity("b", "Beta", "f", 2));
  builder.add_edge({.kind = EdgeKind::Owns, .from = "a", .to = "b"});  // edge 0, no id of its own
  Batch batch;
  CHECK_THROWS_WITH_AS(batch.remove("", {"delta.json", "", 3}), doctest::Contains("delta.json:3: a removal needs an id"),
                       Error);
  builder.commit(std::move(batch));
  const Graph graph = std::move(builder).freeze();
  CHECK(graph.edge_count() == 1);
}

TEST_CASE("builder: an action that reuses an entity's id is refused with its record, not a crash") {
  Builder builder;
  builder.add_entity(entity("x:1", "Alpha", "f", 1));
  SUBCASE("an entity already in the builder") {
    CHECK_THROWS_WITH_AS(builder.add_action({.id = "x:1", .target = "x:1", .authority = "OFAC", .source = {"s.csv", "9", 9}}),
                         doctest::Contains("s.csv:9 (record '9'): action 'x:1' has the id of an entity"), Error);
  }
  SUBCASE("an entity of the same batch") {
    Batch batch;
    batch.add_entity(entity("y:1", "Beta", "f", 2));
    batch.add_action({.id = "y:1", .target = "x:1", .authority = "OFAC", .source = {"s.csv", "10", 10}});
    CHECK_THROWS_WITH_AS(builder.commit(std::move(batch)), doctest::Contains("action 'y:1' has the id of an entity"),
                         Error);
  }
  CHECK(builder.entity_count() == 1);
  const Graph graph = std::move(builder).freeze();
  CHECK(graph.node_count() == 1);
}

TEST_CASE("builder: a batch that would pass the 32-bit offsets of a column is refused, naming the column") {
  // The limit is 2^32 - 2 items; lowered here so a test can reach it.
  const std::uint64_t limit = detail::item_limit;
  detail::item_limit = 5;
  Builder builder;
  Batch batch;
  batch.add_entity(entity("a", "Alpha", "f", 1));
  for (int alias = 0; alias < 6; ++alias)
    batch.add_name("a", "Alpha " + std::to_string(alias), NameType::Aka, NameStrength::Strong, {"f", "a", 1});
  const auto refused = [&] { builder.commit(std::move(batch)); };
  CHECK_THROWS_WITH_AS(refused(), doctest::Contains("the graph would hold 7 names, more than the 5"), Error);
  detail::item_limit = limit;
  CHECK(builder.entity_count() == 0);
  builder.add_entity(entity("a", "Alpha", "f", 1));
  CHECK(std::move(builder).freeze().node_count() == 1);
}

TEST_CASE("graph: a name in capitals of any script is found under its lower-case form") {
  CHECK(normalise_name("ŁÓDŹ TRADING") == "łódź trading");
  CHECK(normalise_name("ΑΘΗΝΑ ΝΑΥΤΙΛΙΑΚΗ") == "αθηνα ναυτιλιακη");
  CHECK(normalise_name("ŠKODA ČESKÁ") == "škoda česká");
  CHECK(normalise_name("STRAẞE") == normalise_name("strasse"));  // full folding: ẞ and ß are "ss"
  CHECK(normalise_name("ООО ЛАБОРАТОРИЯ") == "ооо лаборатория");
  Builder builder;
  builder.add_entity(entity("x", "ŁÓDŹ TRADING Sp. z o.o.", "f", 1));
  builder.add_entity(entity("y", "Ǆemal Đurić", "f", 2));
  const Graph graph = std::move(builder).freeze();
  CHECK(graph.find_by_name("łódź trading sp z o o").size() == 1);
  CHECK(graph.find_by_name("ǆemal đurić").size() == 1);
  CHECK(graph.find_by_name("DŽEMAL ĐURIĆ").empty());  // "Ǆ" is one letter, "DŽ" two: not folded together
}

TEST_CASE("builder: a batch knows which ids its records define, bound to a builder or not, and after a retract") {
  Builder builder;
  builder.add_entity(entity("a", "Alpha", "f", 1));  // in the builder, not in the batch
  for (const bool bound : {true, false}) {
    CAPTURE(bound);
    std::optional<Batch> made;
    if (bound) made.emplace(builder); else made.emplace();
    Batch& batch = *made;
    CHECK_FALSE(batch.defines("a"));
    CHECK_FALSE(batch.defines("b"));
    batch.prefetch("b");  // a hint only: defines nothing
    CHECK_FALSE(batch.defines("b"));
    batch.add_entity(entity("b", "Beta", "g", 2));
    batch.add_entity(entity("a", "Alpha again", "g", 3));  // the builder's id, now also the batch's
    batch.add_attribute("b", "note", "c", {"g", "b", 2});      // "c" is a string of the batch, not an id it defines
    batch.add_action({.id = "b#SDN", .target = "b", .authority = "OFAC", .source = {"g", "b", 2}});
    CHECK(batch.defines("a"));
    CHECK(batch.defines("b"));
    CHECK(batch.defines("b#SDN"));
    CHECK_FALSE(batch.defines("c"));
    CHECK_FALSE(batch.defines(""));
    batch.retract("b", true);
    CHECK_FALSE(batch.defines("b"));
    CHECK_FALSE(batch.defines("b#SDN"));  // the action on b goes with its links
    CHECK(batch.defines("a"));
  }
}

// The pool's hash places strings in the frozen graph's indexes, which snapshots store: it must
// give the same value on every build. Pinned for each way the tail (the last 0-7 bytes) is read.
TEST_CASE("string pool: the string hash keeps its values for every tail length") {
  constexpr std::string_view text = "OFAC sdn.csv 2024-05-03";
  constexpr std::pair<std::size_t, std::uint64_t> kPinned[] = {
      {0, 0xc8c8491a25c7afd9ull},  {1, 0x3cc35ea85638c040ull},  {2, 0x987d321a9fd4af79ull},
      {3, 0x15e50490ca53a63full},  {4, 0xc7554f1f0f04eeccull},  {5, 0xdc69cb83f48d9a56ull},
      {7, 0x7942dab321e960e8ull},  {8, 0x33ba2a9c7546b73aull},  {9, 0x6de4961b728a682aull},
      {12, 0x506441e1b65f7188ull}, {15, 0xf7ddc3e8b8a8abbbull}, {16, 0xd47288043f3d798full},
      {23, 0xfd73105686723c4aull},
  };
  for (const auto& pinned : kPinned) {  // not a structured binding: clang 14's CAPTURE cannot take one
    CAPTURE(pinned.first);
    CHECK(detail::hash_string(text.substr(0, pinned.first)) == pinned.second);
  }
  CHECK(detail::hash_bytes(nullptr, 0) == kPinned[0].second);
}

TEST_CASE("string pool: texts that differ in any one byte, or in length, are other strings") {
  // The probe's inline compare (detail::same_text) reads words that overlap: a difference in
  // any byte of any length up to 40 must still tell two texts apart, and equal texts stay one.
  for (std::size_t size = 0; size <= 40; ++size) {
    CAPTURE(size);
    std::string text;
    for (std::size_t at = 0; at < size; ++at) text.push_back(static_cast<char>('a' + at % 26));
    StringPool pool;
    const StringId id = pool.intern(text);
    CHECK(pool.intern(std::string(text)) == id);
    CHECK(detail::same_text(text, std::string(text)));
    for (std::size_t at = 0; at < size; ++at) {
      std::string other = text;
      other[at] = '#';
      CHECK_FALSE(detail::same_text(text, other));
      CHECK(pool.find(other) == std::nullopt);
      CHECK(pool.intern(other) != id);
    }
    CHECK_FALSE(detail::same_text(text, text + "a"));
    if (size > 0) CHECK_FALSE(detail::same_text(text, std::string_view(text).substr(0, size - 1)));
  }
}

TEST_CASE("reused blocks: a query's freed block serves the next request of its size, and holds its data") {
  // A blocked set's per-call arrays (detail::ReusedAllocator): the second call gets the block the
  // first freed (no fresh pages to fault in), the vector's contents are its own, and a block past
  // what is kept goes back to the system rather than piling up.
  std::uintptr_t first = 0;
  {
    detail::ReusedVector<std::uint32_t> a(300000, 7);  // 1.2 MB: a 2 MiB size class
    first = reinterpret_cast<std::uintptr_t>(a.data());
  }
  detail::ReusedVector<std::uint32_t> b(400000, 9);  // same class: the freed block again
  CHECK(reinterpret_cast<std::uintptr_t>(b.data()) == first);
  CHECK(std::all_of(b.begin(), b.end(), [](std::uint32_t v) { return v == 9; }));
  detail::ReusedVector<std::uint32_t> c(400000, 3);  // the class's only block is in use: another
  CHECK(reinterpret_cast<std::uintptr_t>(c.data()) != first);
  CHECK(b[399999] == 9);
  CHECK(c[0] == 3);
  {
    std::vector<detail::ReusedVector<std::uint8_t>> many;  // 40 blocks of 4 MiB: more than is kept
    for (int at = 0; at < 40; ++at) many.emplace_back(std::size_t{3} << 20, static_cast<std::uint8_t>(at));
    for (int at = 0; at < 40; ++at) CHECK(many[at][12345] == static_cast<std::uint8_t>(at));
  }
  detail::ReusedVector<std::uint8_t> small(100, 1);  // below 64 KiB: malloc's own
  CHECK(small.size() == 100);
}

TEST_CASE("large blocks: while a build lives, a freed column's block serves the next request it holds") {
  // detail::BigVector under detail::LargeBlockReuse (a Builder holds one): freeze() writes its
  // columns into the blocks the builder's lists freed instead of fresh pages.
  std::uintptr_t first = 0;
  {
    const detail::LargeBlockReuse reuse;
    {
      detail::BigVector<std::uint32_t> a(3u << 20, 7);  // 12 MiB
      first = reinterpret_cast<std::uintptr_t>(a.data());
    }
    detail::BigVector<std::uint32_t> b(1u << 20, 9);  // 4 MiB: the kept 12 MiB block holds it
    CHECK(reinterpret_cast<std::uintptr_t>(b.data()) == first);
    CHECK(std::all_of(b.begin(), b.end(), [](std::uint32_t v) { return v == 9; }));
    detail::BigVector<std::uint32_t> c(1u << 20, 3);  // that block is in use: another one
    CHECK(reinterpret_cast<std::uintptr_t>(c.data()) != first);
    CHECK(b.back() == 9);
    CHECK(c.front() == 3);
    b = {};  // kept again, at the 4 MiB it served (the pages past them went back to the kernel)
    detail::BigVector<std::uint32_t> d(2u << 20, 5);  // 8 MiB: more than that, so a fresh block
    CHECK(reinterpret_cast<std::uintptr_t>(d.data()) != first);
    CHECK(d.back() == 5);
  }
  // No build alive: blocks go back to the system as they are freed, and a small vector is
  // malloc's own as before.
  { detail::BigVector<std::uint32_t> e(3u << 20, 1); }
  detail::BigVector<std::uint8_t> small(100, 1);
  CHECK(small.size() == 100);
}

TEST_CASE("string pool: interning a staged list at once gives the ids of interning one by one") {
  std::vector<std::string> texts;
  for (int at = 0; at < 5000; ++at) texts.push_back("party:" + std::to_string(at % 1700));  // repeats
  texts.push_back("");
  texts.push_back("OFAC");
  StringPool one_by_one, at_once;
  at_once.intern("OFAC");  // a string the pool holds already
  one_by_one.intern("OFAC");
  detail::StringArena staged;
  std::vector<StringId> expected;
  for (const std::string& text : texts) {
    staged.append(text);
    expected.push_back(one_by_one.intern(text));
  }
  const std::vector<StringId> ids = at_once.intern_all(staged);
  CHECK(ids == expected);
  CHECK(at_once.size() == one_by_one.size());
  CHECK(at_once.view(ids[1699]) == "party:1699");
}

// Batch::fault_in_ahead has a helper thread fault in the room past each column's end while the
// loader writes there: the batch, and the graph, must come out as without it, and a batch
// dropped uncommitted with the thread running must leave the builder as it was.
TEST_CASE("builder: a batch faulted in ahead while it fills gives the graph it gives without") {
  const auto build = [](bool fault, bool drop_first) {
    Builder builder;
    builder.reserve(400000, 400000 * 12);
    if (drop_first) {
      Batch dropped(builder);
      dropped.reserve(1000, 100000);
      for (int at = 0; at < 100000; ++at) {
        dropped.add_entity({.id = "x:" + std::to_string(at), .kind = NodeKind::Company, .name = "X",
                            .source = {"x.json", "x", 1}});
        if (at % 512 == 0) dropped.fault_in_ahead();
      }
    }  // dropped uncommitted, its thread still asked to fault in
    Batch batch(builder);
    batch.reserve(20000, 200000);
    for (int at = 0; at < 20000; ++at) {
      const std::string id = "gen:" + std::to_string(at);
      batch.add_entity({.id = id, .kind = at % 2 ? NodeKind::Company : NodeKind::Person,
                        .name = "Party " + std::to_string(at % 977), .source = {"big.json", id, static_cast<std::uint32_t>(at + 1)}});
      if (fault && at % 256 == 0) batch.fault_in_ahead();
    }
    for (int at = 0; at < 200000; ++at) {
      const std::string id = "gen-link:" + std::to_string(at);
      batch.add_edge({.kind = EdgeKind::Owns, .from = "gen:" + std::to_string(at % 20000),
                      .to = "gen:" + std::to_string(at * 7919 % 20000), .share = Percent::exact(at % 101),
                      .source = {"big.json", id, static_cast<std::uint32_t>(20001 + at)}, .id = id});
      if (fault && at % 256 == 0) batch.fault_in_ahead();
    }
    builder.commit(std::move(batch));
    return testing::fingerprint(std::move(builder).freeze());
  };
  const std::string plain = build(false, false);
  CHECK(build(true, false) == plain);
  CHECK(build(true, true) == plain);
}

// The pool's table is filled to three quarters before it grows: every string must still be
// found under its first id, at each size on the way (each growth and a reserve in between), and
// a string never interned must not be found (a probe that ran off a full table would not end).
TEST_CASE("string pool: strings interned past each growth and a reserve keep their ids and are found") {
  StringPool pool;
  std::vector<StringId> ids;
  const auto text = [](int at) { return "gen:" + std::to_string(at * 7919 % 100003); };
  for (int at = 0; at < 20000; ++at) {
    if (at == 7000) pool.reserve(9000, 9000 * 10);
    ids.push_back(pool.intern(text(at)));
    CHECK(index(ids.back()) == static_cast<std::uint32_t>(at));
    if ((at & (at - 1)) == 0 || at % 4999 == 0) {  // now and then, every string so far
      for (int before = 0; before <= at; ++before) {
        const auto found = pool.find(text(before));
        REQUIRE(found.has_value());
        CHECK(*found == ids[before]);
      }
    }
  }
  CHECK(pool.size() == 20000);
  for (int at = 0; at < 20000; ++at) CHECK(pool.intern(text(at)) == ids[at]);  // repeats add nothing
  CHECK(pool.size() == 20000);
  CHECK_FALSE(pool.find("gen:never").has_value());
  CHECK_FALSE(pool.find("").has_value());
}

// A batch dropped uncommitted truncates its builder's pool back (StringPool::truncate), which
// places the kept strings' slots again from their tags: the kept strings must be found under
// their ids, the dropped ones not at all, and the next string interned takes the first free id.
TEST_CASE("string pool: a truncated pool finds what it kept, not what it dropped, and interns anew") {
  StringPool pool;
  const auto text = [](int at) { return "gen:" + std::to_string(at * 7919 % 100003); };
  for (int at = 0; at < 20000; ++at) pool.intern(text(at));
  pool.truncate(6000);
  CHECK(pool.size() == 6000);
  for (int at = 0; at < 6000; ++at) {
    const auto found = pool.find(text(at));
    REQUIRE(found.has_value());
    CHECK(index(*found) == static_cast<std::uint32_t>(at));
  }
  for (int at = 6000; at < 20000; ++at) CHECK_FALSE(pool.find(text(at)).has_value());
  CHECK(index(pool.intern(text(19999))) == 6000u);
  CHECK(pool.view(StringId{6000}) == text(19999));
  CHECK(index(pool.intern(text(5999))) == 5999u);
}

// The pool keeps 32-bit offsets while its characters fit in them and turns them 64-bit when
// they would not (past 4 GiB; a pool told a lower limit shows the change on a few strings): every
// string before and after keeps its id and text and is found, the frozen offsets are whichever
// column the pool holds, and a pool that never passed the limit hands its 32-bit column over.
TEST_CASE("string pool: offsets turn 64-bit past the limit and every string keeps its id and text") {
  const auto text = [](int at) { return "gen:" + std::to_string(at * 7919 % 100003); };
  StringPool pool(1000);  // some 120 strings fit
  std::vector<StringId> ids;
  std::size_t chars = 0;
  for (int at = 0; at < 3000; ++at) {
    ids.push_back(pool.intern(text(at)));
    chars += text(at).size();
    CHECK(pool.wide() == (chars > 1000));
    if (at == 200) pool.reserve(5000, 50000);
  }
  CHECK(pool.wide());
  for (int at = 0; at < 3000; ++at) {
    CHECK(pool.view(ids[at]) == text(at));
    const auto found = pool.find(text(at));
    REQUIRE(found.has_value());
    CHECK(*found == ids[at]);
  }
  pool.truncate(50);  // back below the limit: the offsets stay 64-bit, the strings as they were
  CHECK(pool.wide());
  CHECK(pool.size() == 50);
  CHECK(pool.view(ids[49]) == text(49));
  CHECK(index(pool.intern("after")) == 50u);
  CHECK(pool.view(StringId{50}) == "after");
  const std::size_t bytes = chars;
  auto offsets = std::move(pool).release_offsets();
  CHECK(offsets.narrow.empty());
  REQUIRE(offsets.wide.size() == 52);
  CHECK(offsets.wide.front() == 0);
  CHECK(offsets.wide.back() < bytes);

  StringPool narrow;
  for (int at = 0; at < 3000; ++at) narrow.intern(text(at));
  CHECK_FALSE(narrow.wide());
  auto kept = std::move(narrow).release_offsets();
  CHECK(kept.wide.empty());
  REQUIRE(kept.narrow.size() == 3001);
  CHECK(kept.narrow.back() == chars);
}

// Batch::string_id and the overloads that take the entity and key as ids (what the OFAC CSV
// loader uses so as not to hash an entity's id once per fact) must give the graph the overloads
// taking texts give, in a batch bound to its builder and in a staged one.
TEST_CASE("builder: facts added by entity and key id give the same graph as facts added by text") {
  // by_value: the values too, as ids from string_id(text, hash) with the hash prefetch_hashed gave.
  const auto build = [](bool by_id, bool bound, bool by_value = false) {
    Builder builder;
    std::optional<Batch> batch;
    if (bound) batch.emplace(builder);
    else batch.emplace();
    const Source source{"sdn.csv", "45815", 3};
    const StringId entity_id = batch->add_entity(
        {.id = "ofac-sdn:45815", .kind = NodeKind::Person, .name = "IVANOV, Ivan", .source = source});
    batch->add_entity({.id = "ofac-sdn:7", .name = "ACME LLC", .source = {"sdn.csv", "7", 4}});
    const char* keys[] = {"ofacUid", "nationality", "ofacUid"};
    const char* values[] = {"45815", "Russia", "45815-bis"};
    StringId key_ids[3] = {kNoString, kNoString, kNoString};
    for (int at = 0; at < 3; ++at) {
      if (by_id) {
        if (key_ids[at] == kNoString) key_ids[at] = batch->string_id(keys[at]);
        if (by_value) {
          const std::uint64_t hash = batch->prefetch_hashed(values[at]);
          const StringId value = batch->string_id(values[at], hash);
          CHECK(value == batch->string_id(values[at]));
          batch->add_attribute(entity_id, key_ids[at], value, source);
        } else {
          batch->add_attribute(entity_id, key_ids[at], values[at], source);
        }
      } else {
        batch->add_attribute("ofac-sdn:45815", keys[at], values[at], source);
      }
    }
    if (by_id) batch->add_name(entity_id, "IVANOV, Vanya", NameType::Aka, NameStrength::Weak, source);
    else batch->add_name("ofac-sdn:45815", "IVANOV, Vanya", NameType::Aka, NameStrength::Weak, source);
    builder.commit(std::move(*batch));
    return skg::testing::fingerprint(std::move(builder).freeze());
  };
  for (const bool bound : {true, false}) {
    CAPTURE(bound);
    const std::string by_text = build(false, bound), by_id = build(true, bound);
    CHECK(by_text.find("45815-bis") != std::string::npos);
    CHECK(by_text.find("IVANOV, Vanya") != std::string::npos);
    CHECK(by_id == by_text);
    CHECK(build(true, bound, true) == by_text);
  }
  CHECK(Batch().string_id("") == kNoString);
}

TEST_CASE("builder: records added with a source handle give the same graph and strings as with a Source") {
  // Two entries of one file (a repeated record text on another line, an alias equal to the uid,
  // an empty alias, a repeated action id field), each stated once through the Source overloads
  // and once through source_ref() and ids, with and without prefetched hashes.
  struct Entry {
    std::string_view id, name, uid, action_id, program, alias;
    std::uint32_t line;
  };
  const Entry entries[] = {
      {"ofac-sdn:45815", "IVANOV, Ivan", "45815", "ofac-sdn:45815#SDN", "RUSSIA-EO14024", "45815", 3},
      {"ofac-sdn:7", "ACME LLC", "7", "ofac-sdn:7#SDN", "RUSSIA-EO14024", "", 4},
      {"ofac-sdn:8", "sdn.csv", "45815", "ofac-sdn:8#SDN", "SDGT", "ACME", 9},
  };
  enum class Way { Text, Ref, RefHashed };
  const auto build = [&](Way way, bool bound) {
    Builder builder;
    std::optional<Batch> batch;
    if (bound) batch.emplace(builder);
    else batch.emplace();
    StringId key = kNoString;
    for (const Entry& entry : entries) {
      const Source source{"data/sdn.csv", entry.uid, entry.line};
      const ActionRecord action{.id = entry.action_id, .target = entry.id, .authority = "OFAC", .list = "SDN",
                                .program = entry.program, .source = source};
      if (way == Way::Text) {
        batch->add_entity({.id = entry.id, .kind = NodeKind::Person, .name = entry.name, .source = source});
        batch->add_attribute(entry.id, "ofacUid", entry.uid, source);
        batch->add_action(action);
        batch->add_name(entry.id, entry.alias, NameType::Aka, NameStrength::Weak, source);
        batch->add_attribute(entry.id, "nationality", "Russia", source);
        continue;
      }
      const bool hashed = way == Way::RefHashed;
      const auto id_of = [&](std::string_view text) {
        return hashed ? batch->string_id(text, batch->prefetch_hashed(text)) : batch->string_id(text);
      };
      const Batch::SourceRef at = hashed ? batch->source_ref(source, batch->prefetch_hashed(entry.uid)) : batch->source_ref(source);
      CHECK(batch->source_ref(source) == at);  // the same source again: the same handle
      const StringId id = id_of(entry.id);
      const StringId name = id_of(entry.name);
      const StringId entity = batch->add_entity(id, NodeKind::Person, name, at);
      CHECK(entity == id);
      if (key == kNoString) key = batch->string_id("ofacUid");
      batch->add_attribute(entity, key, id_of(entry.uid), at);
      batch->add_action(action, detail::hash_string(entry.action_id), at);
      batch->add_name(entity, id_of(entry.alias), NameType::Aka, NameStrength::Weak, at);
      const StringId nationality = batch->string_id("nationality");
      batch->add_attribute(entity, nationality, id_of("Russia"), at);
    }
    CHECK(batch->defines("ofac-sdn:7"));
    builder.commit(std::move(*batch));
    const Graph graph = std::move(builder).freeze();
    std::string strings;  // every string, in pool order
    for (std::uint32_t at = 0; at < graph.string_count(); ++at) strings.append(graph.string(StringId{at})).push_back('|');
    return std::pair{skg::testing::fingerprint(graph), strings};
  };
  for (const bool bound : {true, false}) {
    CAPTURE(bound);
    const auto by_text = build(Way::Text, bound);
    CHECK(by_text.second.find("ACME LLC|") != std::string::npos);
    CHECK(build(Way::Ref, bound) == by_text);
    CHECK(build(Way::RefHashed, bound) == by_text);
  }
  Batch batch;
  CHECK_THROWS_AS(batch.add_entity(kNoString, NodeKind::Person, kNoString, batch.source_ref({"f", "1", 1})), Error);
}

TEST_CASE("builder: a large freeze gives the same graph and snapshot on one thread as on two") {
  // Past 16,384 nodes or edges freeze() shares its edge columns, its two indexes and its node
  // lists out over two threads (graph/parallel.h); with one thread every task runs on the
  // caller's. Parties merged by a shared identifier and a SAME_AS candidate (same name and birth
  // date from two files) are added to the generated graph, so that those steps run as well.
  struct ThreadCount {
    explicit ThreadCount(unsigned count) { set_thread_count(count); }
    ~ThreadCount() { set_thread_count(0); }
  };
  const auto path = std::filesystem::temp_directory_path() /
                    ("skg_builder_threads_" + std::to_string(::getpid()) + ".skg");
  const auto build = [&](unsigned threads) {
    const ThreadCount count(threads);
    Builder builder;
    generate(builder, {.entities = 20000, .seed = 13});
    Batch batch;
    const auto party = [&](std::string_view id, std::string_view name, std::string_view file, NodeKind kind,
                           std::string_view key, std::string_view value) {
      const Source source{file, id, 1};
      batch.add_entity({.id = id, .kind = kind, .name = name, .source = source});
      batch.add_attribute(id, key, value, source);
    };
    party("t:petrov-a", "Ivan PETROV", "a.csv", NodeKind::Person, "birthDate", "1965-09-21");
    party("t:petrov-b", "PETROV, Ivan", "b.csv", NodeKind::Person, "birthDate", "1965-09-21");
    party("t:acme-a", "Acme Holding", "a.csv", NodeKind::LegalEntity, "ofacUid", "77");
    party("t:acme-b", "ACME HOLDING", "c.csv", NodeKind::LegalEntity, "ofacUid", "77");
    batch.add_edge({.kind = EdgeKind::Owns, .from = "t:acme-b", .to = "t:petrov-a", .share = Percent::exact(60),
                    .source = {"c.csv", "t:acme-b", 2}});
    builder.commit(std::move(batch));
    const Graph graph = std::move(builder).freeze();
    REQUIRE(graph.node_count() >= 16384);
    CHECK(graph.find("t:acme-a") == graph.find("t:acme-b"));
    std::size_t same_as = 0;
    for (std::uint32_t at = 0; at < graph.edge_count(); ++at) same_as += graph.edge_kind(EdgeId{at}) == EdgeKind::SameAs;
    CHECK(same_as == 1);
    return skg::testing::fingerprint_and_snapshot(graph, path);
  };
  const auto one = build(1), two = build(2);
  std::filesystem::remove(path);
  CHECK(!one.second.empty());
  CHECK(one.first == two.first);
  CHECK(one.second == two.second);
}

TEST_CASE("builder: an action with the id of an entity of its batch is refused, whatever the order") {
  for (const bool action_first : {false, true}) {
    CAPTURE(action_first);
    Builder builder;
    Batch batch(builder);
    const Source source{"list.csv", "x", 3};
    const ActionRecord action{.id = "x", .target = "y", .authority = "OFAC", .list = "SDN", .source = source};
    if (action_first) batch.add_action(action);
    batch.add_entity({.id = "y", .kind = NodeKind::Person, .name = "Y", .source = source});
    batch.add_entity({.id = "x", .kind = NodeKind::Person, .name = "X", .source = source});
    if (!action_first) batch.add_action(action);
    CHECK_THROWS_WITH_AS(builder.commit(std::move(batch)),
                         doctest::Contains("action 'x' has the id of an entity that is not an action"), Error);
  }
}

TEST_CASE("builder: an edge's kind, share, interest and dates land as stated, through every add_edge") {
  // Batch::Edge keeps the dates as the builder stores them and kind and interest in one word:
  // each combination below is staged through each add_edge overload and read back from the graph.
  const std::optional<Date> days[] = {std::nullopt, Date{-25567}, Date{0}, Date::from_ymd(2022, 2, 24),
                                      Date::from_ymd(9999, 12, 31)};
  const Percent shares[] = {Percent::unknown(), Percent::exact(50), Percent::range(25, 50),
                            Percent::between({50'000'000, true}, {Percent::kHundred, false})};
  struct Expected {
    std::string id;
    EdgeKind kind;
    Interest interest;
    Percent share;
    DateRange valid;
  };
  std::vector<Expected> expected;
  for (int kind = 0; kind <= static_cast<int>(EdgeKind::UnknownLink); ++kind)
    for (int interest = 0; interest <= static_cast<int>(Interest::Officer); ++interest)
      for (std::size_t start = 0; start < std::size(days); ++start)
        for (std::size_t end = 0; end < std::size(days); ++end) {
          DateRange valid{days[start], days[end]};
          if (valid.start && valid.end && !(*valid.start < *valid.end)) continue;
          expected.push_back({"e" + std::to_string(expected.size()), static_cast<EdgeKind>(kind),
                              static_cast<Interest>(interest), shares[expected.size() % std::size(shares)], valid});
        }
  enum class Way { Text, FoundEnds, SourceRef };
  for (const Way way : {Way::Text, Way::FoundEnds, Way::SourceRef}) {
    for (const bool bound : {true, false}) {
      if (way != Way::Text && !bound) continue;  // the overloads with found ends need a builder's batch
      CAPTURE(static_cast<int>(way));
      CAPTURE(bound);
      Builder builder;
      std::optional<Batch> batch;
      if (bound) batch.emplace(builder);
      else batch.emplace();
      const StringId from = batch->add_entity(entity("a", "A", "n.csv", 1));
      const StringId to = batch->add_entity(entity("b", "B", "n.csv", 2));
      for (std::size_t at = 0; at < expected.size(); ++at) {
        const Expected& edge = expected[at];
        const EdgeRecord record{.kind = edge.kind, .from = "a", .to = "b", .share = edge.share,
                                .interest = edge.interest, .valid = edge.valid, .role = "r",
                                .source = {"e.csv", edge.id, static_cast<std::uint32_t>(at + 2)}, .id = edge.id};
        if (way == Way::Text) batch->add_edge(record);
        else if (way == Way::FoundEnds) batch->add_edge(record, from, to);
        else batch->add_edge(record, from, to, batch->source_ref(record.source));
      }
      builder.commit(std::move(*batch));
      const Graph graph = std::move(builder).freeze();
      REQUIRE(graph.edge_count() == expected.size());
      std::size_t checked = 0;
      for (std::uint32_t at = 0; at < graph.edge_count(); ++at) {
        const EdgeId edge{at};
        const std::string_view id = graph.edge_external_id(edge);
        REQUIRE(id.size() > 1);
        const Expected& want = expected[std::stoul(std::string(id.substr(1)))];
        CAPTURE(want.id);
        CHECK(graph.edge_kind(edge) == want.kind);
        CHECK(graph.interest(edge) == want.interest);
        CHECK(graph.share(edge) == want.share);
        CHECK(graph.edge_valid(edge).start == want.valid.start);
        CHECK(graph.edge_valid(edge).end == want.valid.end);
        CHECK(graph.name(graph.source(edge)) == "A");
        CHECK(graph.name(graph.target(edge)) == "B");
        ++checked;
      }
      CHECK(checked == expected.size());
    }
  }
}

TEST_CASE("builder: a role, id or date on a few edges of many reads back on those edges only") {
  // freeze places a column whose values are mostly unset without permuting all of it: the
  // edges that have one, with edges and a party removed before, must each keep their own.
  for (const std::size_t every : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{97}, std::size_t{0}}) {
    CAPTURE(every);
    const std::size_t parties = 300;
    const auto has = [&](std::size_t edge) { return every != 0 && edge % every == 0; };
    const auto day = [](std::size_t edge) { return Date{static_cast<std::int32_t>(18'000 + edge)}; };
    Builder builder;
    {
      Batch batch(builder);
      std::vector<std::string> ids;
      for (std::size_t at = 0; at < parties; ++at) ids.push_back("p" + std::to_string(at));
      for (std::size_t at = 0; at < parties; ++at) batch.add_entity(entity(ids[at], ids[at], "n.csv", static_cast<std::uint32_t>(at + 2)));
      for (std::size_t edge = 0; edge + 1 < parties; ++edge) {
        const std::string id = has(edge) ? "e" + std::to_string(edge) : std::string();
        const std::string role = has(edge) ? "role " + std::to_string(edge) : std::string();
        EdgeRecord record{.kind = EdgeKind::Owns, .from = ids[edge], .to = ids[edge + 1], .share = Percent::exact(51),
                          .role = role, .source = {"e.csv", {}, static_cast<std::uint32_t>(edge + 2)}, .id = id};
        if (has(edge)) record.valid = {day(edge), std::nullopt};
        if (has(edge + 1)) record.valid.end = day(edge + 400);
        batch.add_edge(record);
      }
      builder.commit(std::move(batch));
    }
    {
      Batch batch(builder);  // drops p150's two edges, and the edge e10 when it has an id
      batch.remove("p150", {"d.csv", "p150", 1});
      if (has(10)) batch.remove("e10", {"d.csv", "e10", 2});
      builder.commit(std::move(batch));
    }
    const Graph graph = std::move(builder).freeze();
    std::size_t seen = 0;
    for (std::uint32_t at = 0; at < graph.edge_count(); ++at) {
      const EdgeId edge{at};
      const std::string_view from = graph.name(graph.source(edge));  // each party is named by its id
      const std::size_t number = std::stoul(std::string(from.substr(1)));
      CAPTURE(number);
      CHECK(graph.role(edge) == (has(number) ? "role " + std::to_string(number) : std::string()));
      CHECK(graph.edge_external_id(edge) == (has(number) ? "e" + std::to_string(number) : std::string()));
      CHECK(graph.edge_valid(edge).start == (has(number) ? std::optional<Date>(day(number)) : std::nullopt));
      CHECK(graph.edge_valid(edge).end == (has(number + 1) ? std::optional<Date>(day(number + 400)) : std::nullopt));
      CHECK(graph.share(edge) == Percent::exact(51));
      CHECK(number != 149);
      CHECK(number != 150);
      ++seen;
    }
    CHECK(seen == parties - 3 - (has(10) ? 1 : 0));
  }
}

namespace {
/// What a user reads of a graph: its fingerprint, its strings in their order, and each party's
/// (`by_node`) or each edge's sources; two ways of building it must read the same.
auto as_read(const Graph& graph, bool by_node) {
  std::string described;
  const std::size_t count = by_node ? graph.node_count() : graph.edge_count();
  for (std::uint32_t at = 0; at < count; ++at)
    for (const ProvId prov : by_node ? graph.provenance(NodeId{at}) : graph.edge_provenance(EdgeId{at}))
      described += graph.describe(prov) + "|";
  std::string strings;
  for (std::uint32_t at = 0; at < graph.string_count(); ++at) strings.append(graph.string(StringId{at})).push_back('|');
  return std::tuple{skg::testing::fingerprint(graph), strings, described};
}
}  // namespace

TEST_CASE("builder: rows staged by a source handle at another line give the sources of their own Source") {
  // source_ref_at: a bulk table's rows, each at its line, with a node row (another record) between
  // them and one line stated twice; the graph and its strings are those of the Source overloads.
  const std::uint32_t lines[] = {2, 3, 3, 5, 9, 9, 10};
  const auto build = [&](bool by_handle, bool bound) {
    Builder builder;
    std::optional<Batch> batch;
    if (bound) batch.emplace(builder);
    else batch.emplace();
    batch->add_entity(entity("a", "A", "nodes.csv", 2));
    batch->add_entity(entity("b", "B", "nodes.csv", 3));
    std::optional<Batch::SourceRef> first;
    for (std::size_t at = 0; at < std::size(lines); ++at) {
      const Source source{"data/edges.csv", {}, lines[at]};
      const EdgeRecord record{.kind = EdgeKind::Owns, .from = "a", .to = "b", .share = Percent::exact(10.0 + at),
                              .source = source};
      if (at == 4) batch->add_entity(entity("c", "C", "nodes.csv", 4));  // another source in between
      if (!by_handle || !first) {
        const auto handle = batch->source_ref(source);
        if (!first) first = handle;
        if (bound) batch->add_edge(record, batch->defined_id("a"), batch->defined_id("b"), handle);
        else batch->add_edge(record);
        continue;
      }
      const Batch::SourceRef handle = batch->source_ref_at(*first, lines[at]);
      CHECK(batch->source_ref_at(*first, lines[at]) == handle);  // the same line again: the same handle
      if (bound) batch->add_edge(record, batch->defined_id("a"), batch->defined_id("b"), handle);
      else batch->add_edge(record);  // staged with its Source: the handle's source is the last one
    }
    builder.commit(std::move(*batch));
    return as_read(std::move(builder).freeze(), /*by_node=*/false);
  };
  for (const bool bound : {true, false}) {
    CAPTURE(bound);
    const auto by_source = build(false, bound);
    CHECK(std::get<2>(by_source).find("data/edges.csv:9|") != std::string::npos);
    CHECK(build(true, bound) == by_source);
  }
}

TEST_CASE("builder: node rows staged by a source handle with their own record give the sources of their own Source") {
  // source_ref_at(same, record, hash, line) and record_id(): a nodes table's rows, each its own
  // record at its line (one record twice, one line twice, an empty record, a file in between);
  // the graph, its strings in their order and each party's sources are those of the Source
  // overloads (add_entity with an EntityRecord).
  struct Row {
    const char* id;
    const char* name;
    std::uint32_t line;
  };
  const Row rows[] = {{"1", "Acme", 2}, {"2", "Bolt", 3}, {"2", "Bolt", 3}, {"3", "Acme", 4},
                      {"4", "Cord", 4}, {"1", "Acme Two", 7}, {"5", "Dune", 8}};
  const auto build = [&](bool by_handle, bool bound) {
    Builder builder;
    std::optional<Batch> batch;
    if (bound) batch.emplace(builder);
    else batch.emplace();
    std::optional<Batch::SourceRef> last;
    for (std::size_t at = 0; at < std::size(rows); ++at) {
      const Row& row = rows[at];
      if (at == 4) batch->add_entity(entity("x", "X", "other.csv", 1));  // another file in between
      const Source source{"data/nodes.csv", row.id, row.line};
      if (!by_handle) {
        batch->add_entity({.id = row.id, .kind = NodeKind::Company, .name = row.name, .source = source});
        continue;
      }
      const std::uint64_t hash = detail::hash_string(row.id);
      const Batch::SourceRef handle = last ? batch->source_ref_at(*last, row.id, hash, row.line) : batch->source_ref(source, hash);
      last = handle;
      const StringId id = batch->record_id(handle, row.id);
      if (bound) CHECK(id == batch->string_id(row.id));
      batch->add_entity(id, NodeKind::Company, batch->string_id(row.name), handle);
    }
    builder.commit(std::move(*batch));
    return as_read(std::move(builder).freeze(), /*by_node=*/true);
  };
  for (const bool bound : {true, false}) {
    CAPTURE(bound);
    const auto by_source = build(false, bound);
    CHECK(std::get<2>(by_source).find("data/nodes.csv:7") != std::string::npos);
    CHECK(build(true, bound) == by_source);
  }
}

TEST_CASE("builder: plain edges added at once are the edges added one by one through a source handle") {
  // add_plain_edges: a bulk table's resolved rows (shares, dates on some, one line twice) give
  // the graph, strings and sources of add_edge with source_ref_at, one row after the other.
  const std::uint64_t lines[] = {0, 1, 1, 3, 4, 7, 8};
  const auto build = [&](bool at_once) {
    Builder builder;
    Batch batch(builder);
    for (const char* id : {"1", "2", "3"}) batch.add_entity(entity(id, id, "nodes.csv", 2));
    const StringId a = batch.defined_id("1"), b = batch.defined_id("2"), c = batch.defined_id("3");
    std::vector<Batch::PlainEdge> edges;
    for (std::size_t at = 0; at < std::size(lines); ++at) {
      Batch::PlainEdge edge{.from = at % 2 == 0 ? a : b, .to = at % 3 == 0 ? c : a, .kind = at == 4 ? EdgeKind::Controls : EdgeKind::Owns,
                            .share = at == 2 ? Percent{} : Percent::exact(10.0 + at), .valid = {}};
      if (at == 3) edge.valid.start = Date{18'000};
      if (at == 5) edge.valid = {Date{18'100}, Date{18'200}};
      edges.push_back(edge);
    }
    const Source first{"data/edges.csv", {}, 10};  // the file's first row, added by its Source
    const Batch::SourceRef handle = batch.source_ref(first);
    batch.add_edge({.kind = EdgeKind::Owns, .from = "1", .to = "3", .share = Percent::exact(1), .source = first}, a, c, handle);
    if (at_once) {
      batch.add_plain_edges(handle, edges, lines, 11);
    } else {
      for (std::size_t at = 0; at < edges.size(); ++at) {
        const Batch::PlainEdge& edge = edges[at];
        const auto line = static_cast<std::uint32_t>(11 + lines[at]);
        const EdgeRecord record{.kind = edge.kind, .from = "", .to = "", .share = edge.share, .valid = edge.valid,
                                .source = {"data/edges.csv", {}, line}};
        batch.add_edge(record, edge.from, edge.to, batch.source_ref_at(handle, line));
      }
    }
    builder.commit(std::move(batch));
    const Graph graph = std::move(builder).freeze();
    std::string described;  // each edge's sources and dates, as a user reads them
    for (std::uint32_t at = 0; at < graph.edge_count(); ++at) {
      const EdgeId edge{at};
      described += fmt::format("{}>{} {} {} {}-{}:", graph.name(graph.source(edge)), graph.name(graph.target(edge)),
                               to_string(graph.edge_kind(edge)), graph.share(edge).to_string(),
                               graph.edge_valid(edge).start ? graph.edge_valid(edge).start->days : -1,
                               graph.edge_valid(edge).end ? graph.edge_valid(edge).end->days : -1);
      for (const ProvId prov : graph.edge_provenance(edge)) described += graph.describe(prov) + "|";
    }
    return std::pair{skg::testing::fingerprint(graph), described};
  };
  const auto one_by_one = build(false);
  CHECK(one_by_one.second.find("data/edges.csv:19|") != std::string::npos);  // line 11 + 8
  CHECK(build(true) == one_by_one);
}

TEST_CASE("builder: a file read again merges its id-less edges by their role and dates, also once reopened") {
  // The builder keeps the dates and roles of the few edges that have any apart from the rest;
  // a reload compares each repeated edge's role and dates with the ones it holds.
  const auto day = [](std::int32_t days) { return Date{days}; };
  const auto load = [&](Builder& builder, bool with_changed) {
    Batch batch(builder);
    for (const char* id : {"a", "b", "c"}) batch.add_entity(entity(id, id, "n.csv", 2));
    std::uint32_t line = 2;
    const auto edge = [&](const char* from, const char* to, std::string role, DateRange valid) {
      batch.add_edge(EdgeRecord{.kind = EdgeKind::Owns, .from = from, .to = to, .share = Percent::exact(30),
                                .valid = valid, .role = role, .source = {"e.csv", {}, line++}});
    };
    edge("a", "b", "", {});
    edge("a", "c", "nominee", {day(18'000), std::nullopt});
    edge("b", "c", "", {std::nullopt, day(19'000)});
    if (with_changed) edge("b", "c", "", {std::nullopt, day(19'001)});  // another end: another edge
    builder.commit(std::move(batch));
  };
  Builder builder;
  load(builder, false);
  load(builder, true);
  const Graph graph = std::move(builder).freeze();
  REQUIRE(graph.edge_count() == 4);
  Builder again(graph);
  load(again, true);
  const Graph reloaded = std::move(again).freeze();
  REQUIRE(reloaded.edge_count() == 4);
  std::size_t nominee = 0, ends = 0;
  for (std::uint32_t at = 0; at < reloaded.edge_count(); ++at) {
    const EdgeId edge{at};
    if (reloaded.role(edge) == "nominee") {
      ++nominee;
      CHECK(reloaded.edge_valid(edge).start == std::optional<Date>(day(18'000)));
      CHECK(reloaded.name(reloaded.target(edge)) == "c");
    }
    if (reloaded.edge_valid(edge).end) ++ends;
  }
  CHECK(nominee == 1);
  CHECK(ends == 2);
}

TEST_CASE("builder: edges kept after a retract keep their own role, dates and interest") {
  // A batch keeps an edge's role, dates and interest apart from the edge when it has any; a
  // retract that drops edges before, between and after such edges must leave each kept edge its own.
  for (const bool bound : {true, false}) {
    CAPTURE(bound);
    Builder builder;
    std::optional<Batch> batch;
    if (bound) batch.emplace(builder);
    else batch.emplace();
    for (const char* id : {"a", "b", "x"}) batch->add_entity(entity(id, id, "n.csv", 1));
    struct Stated {
      std::string from, to, role;
      std::optional<Date> start;
      Interest interest;
    };
    const Stated stated[] = {
        {"x", "a", "r0", Date{100}, Interest::Shares},  // dropped: from x
        {"a", "b", "", std::nullopt, Interest::Unspecified},
        {"a", "x", "r2", std::nullopt, Interest::VotingRights},  // dropped: to x
        {"b", "a", "r3", Date{300}, Interest::Unspecified},
        {"x", "b", "", std::nullopt, Interest::Unspecified},  // dropped, no extra
        {"a", "b", "", Date{500}, Interest::Director},
    };
    for (std::size_t at = 0; at < std::size(stated); ++at)
      batch->add_edge({.kind = EdgeKind::Owns, .from = stated[at].from, .to = stated[at].to,
                       .interest = stated[at].interest, .valid = {stated[at].start, std::nullopt},
                       .role = stated[at].role, .source = {"e.csv", {}, static_cast<std::uint32_t>(at + 2)}});
    batch->retract("x", true);
    CHECK(batch->edge_count() == 3);
    builder.commit(std::move(*batch));
    const Graph graph = std::move(builder).freeze();
    REQUIRE(graph.edge_count() == 3);
    std::size_t matched = 0;
    for (std::uint32_t at = 0; at < graph.edge_count(); ++at) {
      const EdgeId edge{at};
      const std::uint32_t line = graph.provenance_record(graph.edge_provenance(edge)[0]).line;
      const Stated& want = stated[line - 2];
      CAPTURE(line);
      CHECK(graph.name(graph.source(edge)) == want.from);
      CHECK(graph.name(graph.target(edge)) == want.to);
      CHECK(graph.role(edge) == want.role);
      CHECK(graph.edge_valid(edge).start == want.start);
      CHECK(graph.interest(edge) == want.interest);
      ++matched;
    }
    CHECK(matched == 3);
  }
}

// A large batch's edges are placed on two threads when none of them merges into another, and
// edge by edge otherwise; its sources are taken as the builder's provenance when the builder has
// none. Either way the graph is the one that smaller batches (each edge by edge, its sources
// copied after the builder's) make, on one thread or two, bound to the builder or not.
TEST_CASE("builder: a large batch gives the graph that small batches give, on one thread or two") {
  constexpr int kEntities = 3000, kEdges = 40000;  // above the two-thread threshold of a commit
  const auto id_of = [](int at) { return "gen:" + std::to_string(at); };
  const auto edge_id = [](int at) { return "link:" + std::to_string(at); };
  // Edges [first, last) in batches of `per_batch` edges; the first batch also holds the entities.
  // With `repeat`, edge 1000 has edge 999's id (it merges into it, in either batch layout) and
  // a later batch restates edge 21 with its id.
  const auto build = [&](int per_batch, bool bound, bool repeat, unsigned threads) {
    set_thread_count(threads);
    Builder builder;
    const auto fill_edges = [&](Batch& batch, int first, int last) {
      for (int at = first; at < last; ++at) {
        const std::string from = id_of(at % kEntities), to = id_of(at * 7919 % kEntities);
        const bool has_id = at % 3 == 0 || (repeat && at == 1000);
        const std::string id = repeat && at == 1000 ? edge_id(999) : edge_id(at);
        const std::uint32_t edge = batch.add_edge(
            {.kind = at % 5 == 0 ? EdgeKind::DirectorOf : EdgeKind::Owns, .from = from, .to = to,
             .share = at % 4 == 0 ? Percent{} : Percent::exact(at % 101),
             .valid = at % 7 == 0 ? DateRange{Date{at}, std::nullopt} : DateRange{},
             .role = at % 11 == 0 ? "director" : "",
             .source = {"edges.csv", has_id ? std::string_view(id) : std::string_view(), static_cast<std::uint32_t>(at + 2)},
             .id = has_id ? std::string_view(id) : std::string_view()});
        if (at % 13 == 0) batch.add_edge_attribute(edge, "note", "n" + std::to_string(at % 17));
      }
    };
    for (int first = 0; first < kEdges; first += per_batch) {
      std::optional<Batch> batch;
      if (bound) batch.emplace(builder);
      else batch.emplace();
      if (first > 0) batch->continue_read();  // one read of edges.csv, in several batches
      if (first == 0)
        for (int at = 0; at < kEntities; ++at)
          batch->add_entity({.id = id_of(at), .kind = at % 2 ? NodeKind::Company : NodeKind::Person,
                             .name = "Party " + std::to_string(at % 977),
                             .source = {"nodes.csv", id_of(at), static_cast<std::uint32_t>(at + 2)}});
      fill_edges(*batch, first, std::min(kEdges, first + per_batch));
      builder.commit(std::move(*batch));
    }
    if (repeat) {  // a later batch restates a live edge's id: it merges into that edge
      Batch again(builder);
      fill_edges(again, 21, 22);
      builder.commit(std::move(again));
    }
    const std::string out = testing::fingerprint(std::move(builder).freeze());
    set_thread_count(0);
    return out;
  };
  for (const bool repeat : {false, true}) {
    CAPTURE(repeat);
    const std::string small = build(1000, true, repeat, 1);
    CHECK(small.starts_with("nodes 3000 edges " + std::to_string(repeat ? kEdges - 1 : kEdges) + "\n"));
    CHECK(build(kEdges, true, repeat, 2) == small);
    CHECK(build(kEdges, true, repeat, 1) == small);
    CHECK(build(kEdges, false, repeat, 2) == small);
    CHECK(build(kEdges / 2, true, repeat, 2) == small);  // a second large batch after the first
  }
}

TEST_CASE("builder: provenance records read back as written, their lines held as runs or one a record") {
  // The builder's column keeps lines as runs of consecutive lines while that is smaller, then one
  // a record: every record must read back the same either way, and so must the frozen graph's.
  skg::detail::ProvenanceColumn column;
  std::vector<skg::Provenance> written;
  const auto file_a = skg::StringId{1}, file_b = skg::StringId{2};
  for (std::uint32_t line = 2; line < 500; ++line) written.push_back({file_a, skg::StringId{10 + line}, line});
  written.push_back({file_a, skg::kNoString, 0xFFFFFFFFu});  // the last line there is: a run of its own
  written.push_back({file_a, skg::kNoString, 0});
  for (std::uint32_t at = 0; at < 1000; ++at) written.push_back({file_b, skg::kNoString, (at * 7919u) % 1000u});
  for (std::size_t at = 0; at < written.size(); ++at) {
    column.push_back(written[at]);
    if (at == 400) CHECK_FALSE(column.dense());  // one run so far
  }
  CHECK(column.dense());  // the scattered lines made runs larger than a column
  REQUIRE(column.size() == written.size());
  for (std::size_t at = 0; at < written.size(); ++at) {
    const skg::Provenance read = column[at];
    CHECK(read.source == written[at].source);
    CHECK(read.record == written[at].record);
    CHECK(read.line == written[at].line);
  }
  CHECK(column.file_runs().size() == 2);
  // Two staged ids of one file map to one id: one run.
  column.map_ids([&](skg::StringId id) { return id == file_b ? file_a : id; });
  CHECK(column.file_runs().size() == 1);
  CHECK(column[written.size() - 1].source == file_a);

  // Through a builder and freeze(): each entity's record and line as its loader gave them.
  skg::Builder builder;
  skg::Batch batch(builder);
  for (std::uint32_t at = 0; at < 3000; ++at) {
    const std::string id = fmt::format("e{}", at);
    const std::uint32_t line = at < 2000 ? 2 + at : 5000 + 3 * at;  // a run, then one a record
    batch.add_entity({id, skg::NodeKind::Person, fmt::format("Name {}", at), {"people.csv", id, line}});
  }
  builder.commit(std::move(batch));
  const skg::Graph graph = std::move(builder).freeze();
  for (std::uint32_t at = 0; at < 3000; at += 7) {
    const auto node = graph.find(fmt::format("e{}", at));
    REQUIRE(node);
    const auto provs = graph.provenance(*node);
    REQUIRE(provs.size() == 1);
    const skg::Provenance record = graph.provenance_record(provs[0]);
    CHECK(graph.string(record.source) == "people.csv");
    CHECK(graph.string(record.record) == fmt::format("e{}", at));
    CHECK(record.line == (at < 2000 ? 2 + at : 5000 + 3 * at));
  }
}
