// bench/screen_bench.cpp: name screening at the size of the real lists together and at 1M
// generated multi-script names: index build time and memory, query latency (p50, p99).
//   skg_bench_screen --path ../shared/datasets --entities 1000000 --seed 7
// Queries are listed names with one typo (a letter swapped with its neighbour) or their words
// reordered; each must find its party (checked). Setup (load, generate, freeze) is not timed.
// Generated names take their words from the real lists' party names (persons, companies,
// organisations, vessels, aircraft: NodeKinds::parties()), as often as they are used there.
// Before round 5 they took them from every node's names, list, program and authority nodes
// included ("OFAC", "SDN", "EO14024", "SDGT": words no party name is made of, drawn very often);
// that corpus is still measured beside it ("generated_1000000_all_node_words") so that both can be
// compared. SKG_SCREEN_CORPUS=parties or =all measures one of the two only.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "harness.h"
#include "skg/graph/builder.h"
#include "skg/loaders/load.h"
#include "skg/queries/screen.h"
#include "split_mix.h"

namespace {

using Random = skg::SplitMix64;

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

double percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[std::min(values.size() - 1, static_cast<std::size_t>(fraction * values.size()))];
}

std::string utf8(char32_t code) {
  std::string out;
  if (code < 0x80) out += static_cast<char>(code);
  else if (code < 0x800) out += static_cast<char>(0xC0 | (code >> 6)), out += static_cast<char>(0x80 | (code & 0x3F));
  else out += static_cast<char>(0xE0 | (code >> 12)), out += static_cast<char>(0x80 | ((code >> 6) & 0x3F)),
       out += static_cast<char>(0x80 | (code & 0x3F));
  return out;
}

/// Times index build and queries on `graph`; queries are names of `graph` with a typo.
void measure(skg::bench::Harness& bench, const skg::Graph& graph, const std::string& label, Random& random) {
  const std::size_t rss_before = skg::bench::peak_rss_bytes();
  const double start = skg::bench::now(), cpu_start = thread_cpu_seconds();
  const auto index = skg::build_screen_index(graph);
  const double build = skg::bench::now() - start, build_cpu = thread_cpu_seconds() - cpu_start;
  bench.row(label + "/build_index", 1, build);
  bench.row(label + "/build_index_cpu", 1, build_cpu);
  std::fprintf(stderr, "%s: %zu names, %zu tokens, index %.1f MiB (peak RSS +%.1f MiB), built in %.3f s (CPU time %.3f s)\n",
               label.c_str(), index.entry_count(), index.token_count(), index.bytes() / 1048576.0,
               (skg::bench::peak_rss_bytes() - rss_before) / 1048576.0, build, build_cpu);
  // SKG_SCREEN_QUERY_FILE (below): only the generated names are screened.
  if (std::getenv("SKG_SCREEN_QUERY_FILE") != nullptr && !label.starts_with("generated")) return;
  std::vector<std::pair<std::string, skg::NodeId>> queries;
  while (queries.size() < 2000) {
    const skg::NodeId node{static_cast<std::uint32_t>(random.below(graph.node_count()))};
    if (!skg::NodeKinds::parties().contains(graph.kind(node))) continue;
    std::string name(graph.name(node));
    auto words = skg::screen_tokens(name);
    if (words.empty()) continue;
    if (queries.size() % 2 == 0) {
      auto& word = *std::max_element(words.begin(), words.end(), [](auto& a, auto& b) { return a.size() < b.size(); });
      if (word.size() >= 6) std::swap(word[2], word[3]);
    } else {
      std::rotate(words.begin(), words.begin() + 1, words.end());
    }
    std::string query;
    for (const auto& word : words) query += (query.empty() ? "" : " ") + word;
    queries.emplace_back(query, node);
  }
  // SKG_SCREEN_QUERY_FILE=FILE: screen FILE's lines instead, at 1M only (one query a line; the
  // own-party check then means nothing), e.g. the slowest queries of a run, for a profile of them.
  if (const char* file = std::getenv("SKG_SCREEN_QUERY_FILE"); file != nullptr && label.starts_with("generated")) {
    queries.clear();
    if (FILE* in = std::fopen(file, "r")) {
      char line[4096];
      while (std::fgets(line, sizeof line, in) != nullptr) {
        std::string text(line);
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        if (!text.empty()) queries.emplace_back(text, skg::NodeId{0});
      }
      std::fclose(in);
    }
  }
  std::vector<skg::detail::ScreenWalkStats> walked;  // per query: what the walk met
  std::vector<double> seconds, cpu_seconds;  // wall clock, and this thread's CPU time (the machine
                                             // is shared: the wall clock counts time preempted)
  std::size_t found = 0;
  // SKG_SCREEN_REPEAT=N screens the queries N times more before the timed pass (for a profile
  // that holds mostly the queries).
  if (const char* repeat = std::getenv("SKG_SCREEN_REPEAT"))
    for (int pass = 0; pass < std::atoi(repeat); ++pass)
      for (const auto& query_case : queries) skg::screen(graph, index, query_case.first);
  for (const auto& query_case : queries) {
    const auto& query = query_case.first;
    const auto node = query_case.second;  // named, not a structured binding: a lambda captures it
    const double at = skg::bench::now(), cpu_at = thread_cpu_seconds();
    const auto hits = skg::screen(graph, index, query);
    seconds.push_back(skg::bench::now() - at);
    cpu_seconds.push_back(thread_cpu_seconds() - cpu_at);
    walked.push_back(skg::detail::last_screen_walk_stats());
    const bool own = std::any_of(hits.begin(), hits.end(), [&](const auto& hit) { return hit.node == node; });
    found += own;
    if (!own && std::getenv("SKG_SCREEN_MISSES") != nullptr)  // queries that miss their own party
      std::fprintf(stderr, "miss\t%s\t%s\n", query.c_str(), std::string(graph.name(node)).c_str());
  }
  if (const char* slowest = std::getenv("SKG_SCREEN_SLOWEST")) {  // the slowest queries (=N: N of them)
    std::vector<std::size_t> order(seconds.size());
    for (std::size_t at = 0; at < order.size(); ++at) order[at] = at;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cpu_seconds[a] > cpu_seconds[b]; });
    const std::size_t shown = std::max(15, std::atoi(slowest));
    for (std::size_t at = 0; at < order.size() && at < shown; ++at)
      std::fprintf(stderr, "slow\t%.1f us\t%.1f us CPU\t%zu postings\t%zu met\t%zu past first test\t%zu scored\t%zu filtered\t%zu set\t%s\n",
                   1e6 * seconds[order[at]], 1e6 * cpu_seconds[order[at]], walked[order[at]].postings,
                   walked[order[at]].names_met, walked[order[at]].first_passed, walked[order[at]].scored,
                   walked[order[at]].filter_tested, walked[order[at]].filter_set,
                   queries[order[at]].first.c_str());
  }
  bench.row(label + "/query_p50", 1, percentile(seconds, 0.50));
  bench.row(label + "/query_p99", 1, percentile(seconds, 0.99));
  bench.row(label + "/query_cpu_p50", 1, percentile(cpu_seconds, 0.50));
  bench.row(label + "/query_cpu_p99", 1, percentile(cpu_seconds, 0.99));
  double cpu_total = 0;
  for (double cpu : cpu_seconds) cpu_total += cpu;
  std::fprintf(stderr, "%s: %zu queries, p50 %.1f us, p99 %.1f us (CPU time: p50 %.1f us, p99 %.1f us, mean %.1f us), own party found %.2f%%\n",
               label.c_str(), queries.size(), 1e6 * percentile(seconds, 0.5), 1e6 * percentile(seconds, 0.99),
               1e6 * percentile(cpu_seconds, 0.5), 1e6 * percentile(cpu_seconds, 0.99),
               1e6 * cpu_total / static_cast<double>(queries.size()), 100.0 * found / queries.size());
}

}  // namespace

int main(int argc, char** argv) {
  auto bench = skg::bench::Harness("screen", argc, argv);
  Random random(bench.seed());
  const std::string root = bench.path().empty() ? std::string(SKG_SOURCE_DIR "/../shared/datasets") : bench.path();
  std::vector<std::string> words;      // words of the real lists' party names, as they are written
  std::vector<std::string> all_words;  // words of every node's names (the corpus before round 5)
  {
    skg::Builder builder;
    for (const char* file : {"ofac/sdn_2021-07", "ofac/sdn_2024-05-03/sdn.csv", "un/consolidated_2026-02.xml",
                             "bis/dpl_2022-09.txt", "csl/csl_2023-11_subset.csv", "opensanctions/zala"}) {
      const std::string path = root + "/" + file;
      if (!std::filesystem::exists(path)) continue;
      try {
        skg::load(path, builder, {.on_bad_record = skg::OnBadRecord::Skip});
      } catch (const std::exception& error) {
        std::fprintf(stderr, "%s: %s (left out)\n", path.c_str(), error.what());
      }
    }
    const skg::Graph lists = std::move(builder).freeze();
    if (lists.node_count() > 0) {
      bench.set_size(lists.node_count(), lists.edge_count());
      measure(bench, lists, "real_lists", random);
      for (std::uint32_t at = 0; at < lists.node_count(); ++at) {
        const bool party = skg::NodeKinds::parties().contains(lists.kind(skg::NodeId{at}));
        for (const auto& name : lists.names(skg::NodeId{at})) {
          std::string_view text = lists.string(name.text);
          while (!text.empty()) {
            const auto space = text.find(' ');
            if (space != 0) {
              all_words.emplace_back(text.substr(0, space));
              if (party) words.emplace_back(text.substr(0, space));
            }
            if (space == std::string_view::npos) break;
            text.remove_prefix(space + 1);
          }
        }
      }
    } else {
      std::fprintf(stderr, "screen: %s not found: only generated names\n", root.c_str());
    }
  }
  // Generated names: words of the real lists (as often as they are used there), and Cyrillic,
  // Arabic and Han words made from syllables, one script per name. Each corpus starts from the
  // same random state, so they differ only in the word pool.
  const Random after_lists = random;
  const char* corpus = std::getenv("SKG_SCREEN_CORPUS");
  const std::string which = corpus == nullptr ? "both" : corpus;
  for (const bool party_words : {true, false}) {
    if ((party_words && which == "all") || (!party_words && which == "parties")) continue;
    random = after_lists;
    std::vector<std::string>& pool_words = party_words ? words : all_words;
    std::vector<std::string> cyrillic, arabic, han;
    const char32_t kCyr[] = {U'а', U'б', U'в', U'г', U'д', U'е', U'з', U'и', U'к', U'л', U'м', U'н', U'о', U'п', U'р', U'с', U'т', U'у', U'х', U'ш', U'я'};
    const char32_t kAra[] = {U'ا', U'ب', U'ت', U'ح', U'د', U'ر', U'س', U'ع', U'ف', U'ق', U'ك', U'ل', U'م', U'ن', U'ه', U'و', U'ي'};
    for (int n = 0; n < 3000; ++n) {
      std::string c, a, h;
      for (std::size_t at = 0, size = 4 + random.below(6); at < size; ++at) c += utf8(kCyr[random.below(std::size(kCyr))]);
      for (std::size_t at = 0, size = 3 + random.below(4); at < size; ++at) a += utf8(kAra[random.below(std::size(kAra))]);
      for (std::size_t at = 0, size = 1 + random.below(2); at < size; ++at) h += utf8(0x4E00 + random.below(0x5000));
      cyrillic.push_back(c), arabic.push_back(a), han.push_back(h);
    }
    if (pool_words.empty())
      for (int n = 0; n < 20000; ++n) pool_words.push_back("w" + std::to_string(random.below(1000000)));
    skg::Builder builder;
    const std::size_t count = bench.entities();
    std::string name;
    for (std::size_t n = 0; n < count; ++n) {
      name.clear();
      const std::size_t script = random.below(10);  // 70% Latin, 10% each of the others
      const auto& pool = script == 7 ? cyrillic : script == 8 ? arabic : script == 9 ? han : pool_words;
      for (std::size_t at = 0, size = 2 + random.below(3); at < size; ++at) {
        if (!name.empty() && script != 9) name += ' ';
        name += pool[random.below(pool.size())];
      }
      const std::string id = "g" + std::to_string(n);
      builder.add_entity({.id = id, .kind = n % 2 ? skg::NodeKind::Person : skg::NodeKind::Company, .name = name});
    }
    const skg::Graph generated = std::move(builder).freeze();
    bench.set_size(generated.node_count(), generated.edge_count());
    measure(bench, generated, "generated_" + std::to_string(count) + (party_words ? "" : "_all_node_words"), random);
  }
  return 0;
}
