// One frozen graph, many threads asking every kind of question at once: each answer must equal
// the one a single thread gets. scripts/test-sanitize.sh also builds this file alone under
// ThreadSanitizer (skg_concurrency_tests), which reports any data race the queries have.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>  // getpid: ctest runs each case as its own process, two at once

#include "generator.h"
#include "graph/graph_fingerprint.h"
#include "skg/graph/builder.h"
#include "skg/graph/parallel.h"
#include "skg/graph/snapshot.h"
#include "skg/queries/diff.h"
#include "skg/queries/exposure.h"
#include "skg/queries/ownership.h"
#include "skg/queries/reach.h"
#include "skg/queries/screen.h"

namespace {

/// The ids "gen:0" .. "gen:<count - 1>", as skg-gen names its parties.
std::vector<std::string> generated_ids(int count) {
  std::vector<std::string> ids;
  for (int at = 0; at < count; ++at) ids.push_back("gen:" + std::to_string(at));
  return ids;
}

struct Questions {
  const skg::Graph& graph;
  const skg::Graph& older;  // a second version, for diff
  const skg::ScreenIndex& index;
  std::vector<skg::NodeId> nodes;

  /// Every kind of query about node number `at` of the sample, as one line of text.
  std::string ask(std::size_t at) const {
    const skg::NodeId node = nodes[at % nodes.size()];
    const skg::NodeId other = nodes[(at * 7 + 3) % nodes.size()];
    std::string answer;
    for (const auto& hit : skg::screen(graph, index, graph.name(node), {.limit = 5}))
      answer += fmt::format("screen {} {:.4f};", skg::index(hit.node), hit.score);
    for (const auto& hit : skg::reach(graph, node, {.max_hops = 3}))
      answer += fmt::format("reach {} {};", skg::index(hit.party), hit.path.hops());
    if (const auto found = skg::path(graph, node, other)) answer += fmt::format("path {};", found->hops());
    for (const skg::Rule rule : {skg::Rule::Ofac, skg::Rule::Eu, skg::Rule::Uk}) {
      const auto exposure = skg::exposure(graph, node, {.rule = rule});
      answer += fmt::format("exposure {} {} {};", skg::to_string(exposure.blocked), exposure.reasons.size(),
                            exposure.cautions.size());
    }
    answer += fmt::format("owners {};", skg::owners(graph, node, {.depth = 3}).size());
    answer += fmt::format("subsidiaries {};", skg::subsidiaries(graph, node, {.depth = 3}).size());
    if (at % 16 == 0) {  // the whole-graph questions, now and then
      const auto blocked = skg::blocked_set(graph, {.rule = skg::Rule::Ofac});
      answer += fmt::format("blocked {} {};", blocked.count(skg::Verdict::Yes), blocked.count(skg::Verdict::Possibly));
      const auto changes = skg::diff(older, graph);
      answer += fmt::format("diff {} {} {};", changes.added.size(), changes.removed.size(), changes.changed.size());
    }
    return answer;
  }
};

}  // namespace

TEST_CASE("queries: eight threads asking every kind of question of one graph get the single-thread answers") {
  const skg::Graph graph = skg::generate({.entities = 3000, .seed = 11});
  const skg::Graph older = skg::generate({.entities = 2900, .seed = 11});
  const skg::ScreenIndex index = skg::build_screen_index(graph);
  Questions questions{graph, older, index, {}};
  for (std::uint32_t node = 0; node < graph.node_count(); node += 37) questions.nodes.push_back(skg::NodeId{node});
  constexpr std::size_t kQuestions = 64;
  std::vector<std::string> expected(kQuestions);
  for (std::size_t at = 0; at < kQuestions; ++at) expected[at] = questions.ask(at);

  constexpr int kThreads = 8;
  std::vector<std::vector<std::string>> answers(kThreads, std::vector<std::string>(kQuestions));
  {
    std::vector<std::jthread> threads;
    for (int thread = 0; thread < kThreads; ++thread) {
      threads.emplace_back([&, thread] {
        // Each thread walks the questions in its own order, so different queries overlap.
        for (std::size_t step = 0; step < kQuestions; ++step) {
          const std::size_t at = (step * (2 * thread + 1) + thread) % kQuestions;
          answers[thread][at] = questions.ask(at);
        }
      });
    }
  }
  for (int thread = 0; thread < kThreads; ++thread) {
    for (std::size_t at = 0; at < kQuestions; ++at) {
      INFO("thread ", thread, " question ", at);
      CHECK(answers[thread][at] == expected[at]);
    }
  }
  CHECK(expected[0].find("exposure") != std::string::npos);
}

// Builder::commit places a large batch's edges on two threads (the ends on one, the other
// columns on the other): under ThreadSanitizer (scripts/test-sanitize.sh) this is the run that
// sees those threads, and the graph must be the one-thread graph.
TEST_CASE("builder: a large batch committed on two threads gives the one-thread graph") {
  constexpr int kEntities = 2000, kEdges = 40000;  // above the commit's two-thread threshold
  const auto build = [&](unsigned threads) {
    skg::set_thread_count(threads);
    skg::Builder builder;
    skg::Batch batch(builder);
    const std::vector<std::string> ids = generated_ids(kEntities);
    for (int at = 0; at < kEntities; ++at)
      batch.add_entity({.id = ids[at], .kind = skg::NodeKind::Company, .name = "Party " + std::to_string(at % 301),
                        .source = {"nodes.csv", ids[at], static_cast<std::uint32_t>(at + 2)}});
    for (int at = 0; at < kEdges; ++at) {
      const std::string id = at % 3 == 0 ? "link:" + std::to_string(at) : std::string();
      batch.add_edge({.kind = skg::EdgeKind::Owns, .from = ids[at % kEntities], .to = ids[at * 7919 % kEntities],
                      .share = skg::Percent::exact(at % 101), .role = at % 11 == 0 ? "parent" : "",
                      .source = {"edges.csv", {}, static_cast<std::uint32_t>(at + 2)}, .id = id});
    }
    builder.commit(std::move(batch));
    const skg::Graph graph = std::move(builder).freeze();
    skg::set_thread_count(0);
    std::string out;
    for (std::uint32_t at = 0; at < graph.edge_count(); ++at) {
      const skg::EdgeId edge{at};
      out += fmt::format("{} {} {} {} {} {}\n", skg::index(graph.source(edge)), skg::index(graph.target(edge)),
                         graph.share(edge).to_string(), graph.role(edge), graph.edge_external_id(edge),
                         graph.provenance_record(graph.edge_provenance(edge)[0]).line);
    }
    return out;
  };
  const std::string one = build(1);
  CHECK(std::count(one.begin(), one.end(), '\n') == kEdges);
  CHECK(build(2) == one);
}

TEST_CASE("builder: a large freeze on two threads gives the one-thread graph, with repeated names, with or without same-as candidates") {
  // freeze() ends with tasks on two threads: the name keys of two halves of the nodes (a name met
  // before takes the key made the first time), their intern into the pool, the two indexes, the
  // edges' order and columns and the provenance. With no party with a birth date the edges are
  // built while the keys are interned; with some, they wait for the same-as candidates. Either
  // way one thread and two must give the same snapshot, and every node is found by its names.
  constexpr int kEntities = 20000, kEdges = 40000, kNames = 2000;
  for (const bool births : {false, true}) {
    CAPTURE(births);
    const auto path = std::filesystem::temp_directory_path() /
                      fmt::format("skg_freeze_threads_{}_{}.skg", ::getpid(), births ? 1 : 0);
    const auto build = [&](unsigned threads) {
      skg::set_thread_count(threads);
      skg::Builder builder;
      skg::Batch batch(builder);
      const std::vector<std::string> ids = generated_ids(kEntities);
      for (int at = 0; at < kEntities; ++at) {
        // One of kNames names, upper-cased on every third node (the same key) and "!!" (no key)
        // on every 97th; records of a name come from two files in turn.
        std::string name = at % 97 == 0 ? "!!" : "Ivan Petrov " + std::to_string(at % kNames);
        if (at % 3 == 0) std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
        const skg::Source source{(at / kNames) % 2 == 0 ? "a.csv" : "b.csv", ids[at], static_cast<std::uint32_t>(at + 2)};
        batch.add_entity({.id = ids[at], .kind = skg::NodeKind::Person, .name = name, .source = source});
        if (at % 5 == 0)
          batch.add_name(ids[at], "Alias " + std::to_string(at % 500), skg::NameType::Aka, skg::NameStrength::Strong, source);
        if (births) batch.add_attribute(ids[at], "birthDate", fmt::format("1970-01-{:02}", 1 + at % 8), source);
      }
      for (int at = 0; at < kEdges; ++at)
        batch.add_edge({.kind = skg::EdgeKind::Owns, .from = ids[at % kEntities], .to = ids[at * 7919 % kEntities],
                        .share = skg::Percent::exact(at % 101), .source = {"edges.csv", {}, static_cast<std::uint32_t>(at + 2)}});
      builder.commit(std::move(batch));
      const skg::Graph graph = std::move(builder).freeze();
      skg::set_thread_count(0);
      std::size_t same_as = 0;
      for (std::uint32_t at = 0; at < graph.edge_count(); ++at) same_as += graph.edge_kind(skg::EdgeId{at}) == skg::EdgeKind::SameAs;
      CHECK((same_as != 0) == births);
      CHECK(graph.edge_count() == kEdges + same_as);
      for (const int name : {0, 7, 1999}) {
        std::vector<skg::NodeId> expected;
        for (int at = name; at < kEntities; at += kNames)
          if (at % 97 != 0) expected.push_back(*graph.find(ids[at]));
        const auto found = graph.find_by_name("IVAN petrov " + std::to_string(name));
        CHECK(std::vector<skg::NodeId>(found.begin(), found.end()) == expected);
      }
      CHECK(graph.find_by_name("alias 5").size() == kEntities / 500);
      CHECK(graph.find_by_name("!!").empty());
      return skg::testing::fingerprint_and_snapshot(graph, path);
    };
    const auto one = build(1), two = build(2);
    std::filesystem::remove(path);
    CHECK(!one.second.empty());
    CHECK(one.first == two.first);
    CHECK(one.second == two.second);
  }
}

// An opened snapshot derives its edge sources at the first read of one (Graph::source), once,
// whichever thread asks first. Eight threads reading them at once from a freshly opened graph
// (under ThreadSanitizer in scripts/test-sanitize.sh) must each see every source the built graph
// has, and so must a reach over reverse edges and a builder reopened from the graph.
TEST_CASE("snapshot: edge sources derived at their first read, by whichever of many threads asks first") {
  // Past 64K edges, so that the fill runs on two threads (two halves of the nodes).
  const skg::Graph built = skg::generate({.entities = 30000, .seed = 5});
  REQUIRE(built.edge_count() > 65536);
  const auto path = std::filesystem::temp_directory_path() / fmt::format("skg_lazy_sources_{}.skg", ::getpid());
  skg::save(built, path.string());
  for (int trial = 0; trial < 3; ++trial) {
    CAPTURE(trial);
    const skg::Graph opened = skg::open_snapshot(path.string());
    constexpr int kThreads = 8;
    std::vector<std::size_t> mismatches(kThreads, 0);
    {
      std::vector<std::jthread> threads;
      for (int thread = 0; thread < kThreads; ++thread)
        threads.emplace_back([&, thread] {
          // Each thread starts at another edge, so the first reads land anywhere in the column.
          const std::uint32_t edges = static_cast<std::uint32_t>(opened.edge_count());
          for (std::uint32_t step = 0; step < edges; ++step) {
            const skg::EdgeId edge{(step + static_cast<std::uint32_t>(thread) * 977u) % edges};
            mismatches[thread] += opened.source(edge) != built.source(edge);
          }
        });
    }
    for (int thread = 0; thread < kThreads; ++thread) CHECK(mismatches[thread] == 0);
  }
  {
    // A reach (reverse edges read their sources) as the first query; a builder made from a
    // freshly opened graph takes the sources too.
    const skg::Graph opened = skg::open_snapshot(path.string());
    const skg::NodeId node = *built.find("gen:7");
    const auto expected = skg::reach(built, node, {.max_hops = 3});
    const auto got = skg::reach(opened, node, {.max_hops = 3});
    REQUIRE(got.size() == expected.size());
    for (std::size_t at = 0; at < got.size(); ++at) CHECK(got[at].party == expected[at].party);
    const skg::Graph reopened = skg::open_snapshot(path.string());
    const skg::Graph again = skg::Builder(reopened).freeze();
    CHECK(skg::testing::fingerprint_and_snapshot(again, path.string() + ".again").first ==
          skg::testing::fingerprint_and_snapshot(built, path.string() + ".built").first);
    std::filesystem::remove(path.string() + ".again");
    std::filesystem::remove(path.string() + ".built");
  }
  std::filesystem::remove(path);
}
