// Both cores (issue 13): the blocked-set fixpoint and batched reach split their work over
// graph/parallel.h's workers; every answer must be the one a single thread gives, node by node.
// scripts/test-sanitize.sh also builds this file under ThreadSanitizer (skg_concurrency_tests).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "generator.h"
#include "skg/graph/parallel.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"

namespace {

/// Restores the process's thread count when a test ends, whatever happens in it.
struct ThreadCount {
  explicit ThreadCount(unsigned count) { skg::set_thread_count(count); }
  ~ThreadCount() { skg::set_thread_count(0); }
};

/// A generated ownership graph (OFAC SDN listings) with, on top, EU asset-freeze listings of
/// 600 parties and voting-rights control links from them: EU's aggregating rule then reads
/// control as well as shares, on frontiers of several blocks.
skg::Graph graph_with_control() {
  skg::Builder builder;
  skg::generate(builder, {.entities = 60000, .seed = 5});
  skg::Batch batch(builder);
  const std::string file = "parallel_test";
  for (std::uint32_t at = 0; at < 600; ++at) {
    const std::string party = fmt::format("gen:{}", at * 97 % 60000);
    const std::string asset = fmt::format("gen:{}", (at * 7919 + 18000) % 60000);
    batch.add_action({.id = fmt::format("eu:{}", at), .target = party, .authority = "Council of the European Union",
                      .list = "269/2014 Annex I", .in_force = {.start = skg::Date::parse("2022-03-01")},
                      .source = {file, {}, at + 1}, .measure_set = {skg::Measure::AssetFreeze},
                      .issuer = skg::Issuer::EuCouncil, .list_id = skg::SanctionList::EuFinancial});
    batch.add_edge({.kind = skg::EdgeKind::Controls, .from = party, .to = asset,
                    .share = at % 3 == 0 ? skg::Percent::unknown() : skg::Percent::exact(at % 2 ? 60.0f : 40.0f),
                    .interest = at % 5 == 0 ? skg::Interest::Unspecified : skg::Interest::VotingRights,
                    .source = {file, {}, 1000 + at}});
  }
  builder.commit(std::move(batch));
  return std::move(builder).freeze();
}

/// A reach answer as text: each hit's party and the edges of its path.
std::string hits_text(const std::vector<skg::ReachHit>& hits) {
  std::string text;
  for (const auto& hit : hits) {
    text += fmt::format("{}:", skg::index(hit.party));
    for (const skg::EdgeId edge : hit.path.edges) text += fmt::format("{},", skg::index(edge));
    text += ';';
  }
  return text;
}

/// Every node's verdict and both bounds, as one string per rule: equal strings, equal sets.
std::string describe(const skg::BlockedSet& set) {
  std::string out = fmt::format("yes {} possibly {}\n", set.count(skg::Verdict::Yes), set.count(skg::Verdict::Possibly));
  for (std::uint32_t at = 0; at < set.node_count(); ++at) {
    const skg::NodeId node{at};
    const auto low = set.lower(node), high = set.upper(node);
    if (set.verdict(node) == skg::Verdict::No && low.units == 0 && high.units == 0) continue;
    out += fmt::format("{} {} {}{} {}{} {}\n", at, skg::to_string(set.verdict(node)), low.units, low.open ? "+" : "",
                       high.units, high.open ? "-" : "", skg::index(set.group(node)));
  }
  return out;
}

}  // namespace

TEST_CASE("blocked sets on two and four threads are the one-thread sets, node by node, under every rule") {
  const skg::Graph graph = graph_with_control();
  const std::optional<skg::Date> dates[] = {std::nullopt, skg::Date::parse("2014-08-12"), skg::Date::parse("2023-01-01")};
  for (const skg::Rule rule : {skg::Rule::Ofac, skg::Rule::Eu, skg::Rule::Uk})
    for (const auto& as_of : dates) {
      const skg::ExposureOptions options{.rule = rule, .as_of = as_of};
      std::string one;
      {
        ThreadCount threads(1);
        one = describe(skg::blocked_set(graph, options));
      }
      for (const unsigned count : {2u, 4u}) {
        ThreadCount threads(count);
        const std::string many = describe(skg::blocked_set(graph, options));
        INFO("rule ", skg::to_string(rule), " as of ", as_of ? as_of->to_string() : "latest", ", ", count, " threads");
        CHECK(many == one);
      }
    }
  // The case is not empty: the generated listings block parties by ownership, EU control too.
  ThreadCount threads(2);
  const auto ofac = skg::blocked_set(graph, {.rule = skg::Rule::Ofac});
  const auto eu = skg::blocked_set(graph, {.rule = skg::Rule::Eu});
  CHECK(ofac.count(skg::Verdict::Yes) > 1500);
  CHECK(eu.count(skg::Verdict::Yes) > 600);
  CHECK(eu.count(skg::Verdict::Possibly) > 0);
}

TEST_CASE("reach for a batch of sources on several threads gives each source's own answer, in order") {
  const skg::Graph graph = skg::generate({.entities = 20000, .seed = 9});
  std::vector<skg::NodeId> sources;
  for (std::uint32_t at = 0; at < graph.node_count(); at += 13) sources.push_back(skg::NodeId{at});
  const skg::ListedSet listed(graph, std::nullopt);
  skg::ReachWorkspace workspace;
  std::vector<std::size_t> counts;
  std::vector<std::string> paths;
  for (const skg::NodeId source : sources) {
    counts.push_back(skg::reach_count(graph, source, {.listed = &listed}, workspace));
    paths.push_back(hits_text(skg::reach(graph, source, {}, workspace)));
  }
  std::size_t total = 0;
  for (const std::size_t count : counts) total += count;
  CHECK(total > 100);  // listed parties are in reach
  for (const unsigned count : {1u, 2u, 4u}) {
    ThreadCount threads(count);
    INFO(count, " threads");
    CHECK(skg::reach_count_batch(graph, sources, {.listed = &listed}) == counts);
    const auto hits = skg::reach_batch(graph, sources);
    REQUIRE(hits.size() == sources.size());
    std::size_t differ = 0;
    for (std::size_t at = 0; at < sources.size(); ++at) differ += hits_text(hits[at]) != paths[at];
    CHECK(differ == 0);
  }
}

TEST_CASE("parallel_for runs every block once and passes on the first error, and SKG_THREADS=1 is one thread") {
  ThreadCount threads(3);
  CHECK(skg::thread_count() == 3);
  CHECK(skg::parallel_workers(10, 4) == 3);
  CHECK(skg::parallel_workers(10, 100) == 1);
  std::vector<std::atomic<int>> seen(1001);
  std::atomic<unsigned> top_worker{0};
  skg::parallel_for(seen.size(), 7, [&](std::size_t begin, std::size_t end, unsigned worker) {
    unsigned top = top_worker.load();
    while (worker > top && !top_worker.compare_exchange_weak(top, worker)) {
    }
    for (std::size_t at = begin; at < end; ++at) seen[at].fetch_add(1);
  });
  CHECK(top_worker.load() < 3);
  int wrong = 0;
  for (const auto& count : seen) wrong += count.load() != 1;
  CHECK(wrong == 0);
  CHECK_THROWS_WITH_AS(skg::parallel_for(100, 1, [](std::size_t begin, std::size_t, unsigned) {
                         if (begin == 42) throw std::runtime_error("block 42 failed");
                       }),
                       "block 42 failed", std::runtime_error);
  skg::set_thread_count(1);
  CHECK(skg::parallel_workers(1000, 1) == 1);
}
