// tests/facade/concurrency_test.cpp: many threads asking one skg::Database at once get the answers
// one thread gets. scripts/test-sanitize.sh also builds it under ThreadSanitizer
// (skg_concurrency_tests), which reports any race on the façade's shared caches.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <thread>
#include <vector>

#include "generator.h"
#include "skg/json.h"
#include "skg/skg.h"

TEST_CASE("facade: six threads asking one database get the one-at-a-time answers") {
  // Two days cached of the three asked: the threads also race to drop and remake the sets.
  const skg::Database db(skg::generate({.entities = 3000, .seed = 11}), {.days = 2});
  std::vector<skg::NodeId> nodes;
  for (std::uint32_t node = 0; node < db.graph().node_count(); node += 53) nodes.push_back(skg::NodeId{node});
  const char* days[] = {"2020-01-01", "2024-08-01", "2025-12-01"};
  auto ask = [&](const skg::Database& on, std::size_t at) {
    const skg::View view = on.as_of(days[at % 3]);
    const skg::NodeId node = nodes[at % nodes.size()];
    std::string answer;
    for (const auto& hit : view.screen(on.graph().name(node), {.limit = 3}))
      answer += fmt::format("screen {} {:.4f};", skg::index(hit.node), hit.score);
    for (const skg::Rule rule : {skg::Rule::Ofac, skg::Rule::Eu, skg::Rule::Uk}) {
      const auto exposure = view.exposure(node, rule);
      answer += fmt::format("exposure {} {} {};", skg::to_string(exposure.blocked),
                            exposure.reasons.size(), exposure.cautions.size());
    }
    answer += fmt::format("reach {};", view.reach(node, {.max_hops = 2}).size());
    answer += fmt::format("listed {};", view.is_listed(node));
    answer += fmt::format("owners {};", view.owners(node, {.depth = 2}).size());
    answer += fmt::format("blocked {};", view.blocked(skg::Rule::Uk)->count(skg::Verdict::Yes));
    answer += fmt::format("subsidiaries {};", view.subsidiaries(node, {.depth = 2}).size());
    answer += fmt::format("listings {};", view.listings(node).in_force.size());
    const auto parties = view.blocked_parties(skg::Rule::Eu);
    answer += fmt::format("blocked parties {};", parties.size());
    // The JSON writers the shell, Python and a service share, over the cached sets.
    const auto blocked = view.blocked(skg::Rule::Eu);
    skg::Page page;
    page.limit = 3;
    answer += skg::to_json([&](skg::JsonOut& json) {
      skg::write_blocked_json(json, on.graph(), *blocked, view.day(), parties, page);
    });
    const auto hits = view.reach(node, {.max_hops = 2});
    answer += skg::to_json([&](skg::JsonOut& json) {
      skg::write_reach_json(json, on.graph(), node, view.day(), {.max_hops = 2}, hits, page);
    });
    const auto steps = view.owners(node, {.depth = 2});
    answer += skg::to_json([&](skg::JsonOut& json) {
      skg::write_owners_json(json, on.graph(), node, view.day(), 2, steps, page);
    });
    answer += skg::to_json([&](skg::JsonOut& json) {
      skg::write_exposure_json(json, on.graph(), view.exposure(node, skg::Rule::Ofac));
    });
    return answer;
  };
  const std::size_t questions = 240;
  // The reference answers come from a second database, asked one at a time, so that the threads
  // below are the first to build the shared caches (and race to do it).
  const skg::Database reference(skg::generate({.entities = 3000, .seed = 11}));
  std::vector<std::string> expected(questions);
  for (std::size_t at = 0; at < questions; ++at) expected[at] = ask(reference, at);
  std::vector<std::string> got(questions);
  std::vector<std::thread> threads;
  const std::size_t thread_count = 6;
  for (std::size_t thread = 0; thread < thread_count; ++thread)
    threads.emplace_back([&, thread] {
      for (std::size_t at = thread; at < questions; at += thread_count) got[at] = ask(db, at);
    });
  for (auto& thread : threads) thread.join();
  std::size_t differ = 0;
  for (std::size_t at = 0; at < questions; ++at) differ += got[at] != expected[at];
  CHECK(differ == 0);
  CHECK(expected[1].find("exposure") != std::string::npos);
}
