// tests/queries/screen_pruning_test.cpp: the pruned candidate walk of screen() (postings by key,
// cut where no name can reach the threshold) finds exactly the hits that scoring every indexed
// name finds (ScreenOptions::exhaustive), on the real lists and on generated multi-script names
// drawn like bench/screen_bench.cpp's 1M sample.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "skg/graph/builder.h"
#include "skg/loaders/load.h"
#include "skg/queries/screen.h"
#include "split_mix.h"

namespace {

using Random = skg::SplitMix64;

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

/// A query as an analyst might type a listed name, or words of the lists put together: one typo,
/// words rotated, a space dropped, the last word as an initial, an honorific, an extra word, a
/// word alone, words of two names mixed, one-letter words.
std::string make_query(const skg::Graph& graph, Random& random, std::size_t kind) {
  auto words_of = [&]() {
    for (;;) {
      const skg::NodeId node{static_cast<std::uint32_t>(random.below(graph.node_count()))};
      if (!skg::NodeKinds::parties().contains(graph.kind(node))) continue;
      const auto names = graph.names(node);
      const auto& name = names[random.below(names.size())];
      auto words = skg::screen_tokens(graph.string(name.text));
      if (!words.empty()) return words;
    }
  };
  auto words = words_of();
  switch (kind % 9) {
    case 0: {  // one typo: neighbours swapped, a letter dropped or doubled
      auto& word = words[random.below(words.size())];
      if (word.size() >= 4) {
        const std::size_t at = 1 + random.below(word.size() - 2);
        if (random.below(3) == 0) std::swap(word[at], word[at + 1]);
        else if (random.below(2) == 0) word.erase(at, 1);
        else word.insert(at, 1, word[at]);
      }
      break;
    }
    case 1: std::rotate(words.begin(), words.begin() + 1, words.end()); break;
    case 2:
      if (words.size() >= 2) {
        const std::size_t at = random.below(words.size() - 1);
        words[at] += words[at + 1];
        words.erase(words.begin() + static_cast<std::ptrdiff_t>(at) + 1);
      }
      break;
    case 3: words.back() = words.back().substr(0, 1); break;
    case 4: words.insert(words.begin(), random.below(2) ? "mr" : "sheikh"); break;
    case 5: {
      const auto other = words_of();
      words.push_back(other[random.below(other.size())]);
      break;
    }
    case 6: words = {words[random.below(words.size())]}; break;
    case 7: {  // two names mixed
      const auto other = words_of();
      words.resize(std::max<std::size_t>(1, words.size() / 2));
      words.insert(words.end(), other.begin() + static_cast<std::ptrdiff_t>(other.size() / 2), other.end());
      break;
    }
    case 8:  // initials: every word but the longest as its first letter
      for (auto& word : words)
        if (word.size() > 1 && random.below(2) == 0) word = word.substr(0, 1);
      break;
  }
  return join(words);
}

struct Compared {
  std::size_t queries = 0, hits = 0, differing = 0;
  std::string first_difference;
};

/// Screens `query` twice, pruned and exhaustive, at the default threshold, `low` (0.3 unless
/// given) or 0.95 (by `n`), and counts it in `out` (node and score of every hit, no limit).
void compare_one(const skg::Graph& graph, const skg::ScreenIndex& index, const std::string& query, std::size_t n,
                 Compared& out, double low = 0.3) {
  skg::ScreenOptions options{.limit = 0};
  if (n % 4 == 1) options.min_score = low;
  if (n % 4 == 3) options.min_score = 0.95;
  const auto pruned = skg::screen(graph, index, query, options);
  options.exhaustive = true;
  const auto every = skg::screen(graph, index, query, options);
  ++out.queries;
  out.hits += every.size();
  bool same = pruned.size() == every.size();
  for (std::size_t at = 0; same && at < every.size(); ++at)
    same = pruned[at].node == every[at].node && pruned[at].score == every[at].score;
  if (!same) {
    ++out.differing;
    if (out.first_difference.empty())
      out.first_difference = "\"" + query + "\" at " + std::to_string(options.min_score) + ": " +
                             std::to_string(pruned.size()) + " hits pruned, " + std::to_string(every.size()) +
                             " scoring every name";
  }
}

/// Screens `count` generated queries with compare_one.
Compared compare(const skg::Graph& graph, const skg::ScreenIndex& index, std::size_t count, std::uint64_t seed) {
  Random random(seed);
  Compared out;
  for (std::size_t n = 0; n < count; ++n) compare_one(graph, index, make_query(graph, random, n), n, out);
  return out;
}

}  // namespace

TEST_CASE("screen: the pruned search finds the same hits as scoring every name, on the real lists") {
  const std::string shared = SKG_SHARED_DATASETS_DIR;
  const std::vector<std::string> files = {shared + "/ofac/sdn_2024-05-03/sdn.csv", shared + "/un/consolidated_2026-02.xml",
                                          shared + "/bis/dpl_2022-09.txt"};
  for (const auto& file : files)
    if (!std::filesystem::exists(file)) {
      MESSAGE("skipped: " << file << " absent (../shared)");
      return;
    }
  skg::Builder builder;
  for (const auto& file : files) skg::load(file, builder, {.on_bad_record = skg::OnBadRecord::Skip});
  const skg::Graph graph = std::move(builder).freeze();
  const auto index = skg::build_screen_index(graph);
  const Compared result = compare(graph, index, 2000, 11);
  INFO(result.first_difference);
  CHECK(result.hits > 1000);  // the queries find something: the comparison means something
  CHECK(result.differing == 0);
}

TEST_CASE("screen: the pruned search finds the same hits as scoring every name, on generated names") {
  // Names of two to four words drawn from a vocabulary with the real lists' skew (a few words in
  // many names, as the 1M benchmark sample has), in Latin, Cyrillic, Arabic and Han script.
  Random random(5);
  std::vector<std::string> vocabulary;
  const char* common[] = {"al", "ofac", "sdn", "ltd", "trading", "a", "s", "mohammad", "ali", "bank",
                          "kim", "hassan", "company", "de", "ivanov", "petrov", "the", "b", "of", "m"};
  const char* syllables[] = {"ka", "ri", "mo", "zan", "tel", "vor", "ush", "len", "dar", "pi", "sto", "ne", "gra", "bul"};
  for (int n = 0; n < 6000; ++n) {
    std::string word;
    for (std::size_t at = 0, size = 2 + random.below(3); at < size; ++at) word += syllables[random.below(std::size(syllables))];
    vocabulary.push_back(word);
  }
  const char* scripts[] = {"Иван", "Петров", "Сергей", "محمد", "علي", "حسن", "王", "李", "明", "华"};
  skg::Builder builder;
  for (std::size_t n = 0; n < 40000; ++n) {
    std::vector<std::string> words;
    for (std::size_t at = 0, size = 2 + random.below(3); at < size; ++at) {
      const std::size_t pick = random.below(20);
      if (pick < 6) words.emplace_back(common[random.below(std::size(common))]);
      else if (pick < 8) words.emplace_back(scripts[random.below(std::size(scripts))]);
      else words.push_back(vocabulary[random.below(random.below(2) ? 300 : vocabulary.size())]);
    }
    const std::string id = "g" + std::to_string(n);
    builder.add_entity({.id = id, .kind = n % 2 ? skg::NodeKind::Person : skg::NodeKind::Company, .name = join(words)});
  }
  const skg::Graph graph = std::move(builder).freeze();
  const auto index = skg::build_screen_index(graph);
  const Compared result = compare(graph, index, 2000, 13);
  INFO(result.first_difference);
  CHECK(result.hits > 1000);
  CHECK(result.differing == 0);
}

TEST_CASE("screen: the pruned search finds the same hits as scoring every name, on Arabic-script queries") {
  // Arabic-script words meet Latin names through consonant skeletons (add_abjad_candidates): the
  // walk's bounds must hold for those spellings too. Latin names of words that share skeletons
  // (Bashar, Bashir, Bushra), beside Arabic-script names and syllable words.
  Random random(11);
  const char* latin[] = {"muhammad", "mohammed", "mohamad", "ali", "aly", "hasan", "hassan", "hussein", "bashar",
                         "bashir", "bushra", "assad", "asad", "al", "bin", "abu", "abdullah", "abdallah", "omar",
                         "umar", "usama", "osama", "ladin", "laden", "qasem", "kassem", "soleimani", "tikriti",
                         "ibrahim", "ebrahim", "sabawi", "nasrallah", "yusuf", "youssef", "mahmoud", "marwan",
                         "fatima", "fatimah", "isa", "issa", "saeed", "said", "bank", "trading", "company", "s"};
  const char* arabic[] = {"محمد", "علي", "حسن", "حسين", "بشار", "الأسد", "بن", "أبو", "عبدالله", "عمر", "أسامة", "لادن",
                          "قاسم", "سليماني", "التكريتي", "إبراهيم", "سبعاوي", "نصرالله", "يوسف", "محمود", "مروان",
                          "فاطمة", "عيسى", "سعيد", "بنك", "شركة"};
  const char* syllables[] = {"ka", "ri", "mo", "zan", "tel", "vor", "ush", "len", "dar", "pi", "sto", "ne"};
  skg::Builder builder;
  for (std::size_t n = 0; n < 20000; ++n) {
    std::vector<std::string> words;
    const bool in_arabic = random.below(10) == 0;
    for (std::size_t at = 0, size = 2 + random.below(3); at < size; ++at) {
      if (in_arabic) {
        words.emplace_back(arabic[random.below(std::size(arabic))]);
      } else if (random.below(3) != 0) {
        words.emplace_back(latin[random.below(std::size(latin))]);
      } else {
        std::string word;
        for (std::size_t part = 0, parts = 2 + random.below(2); part < parts; ++part) word += syllables[random.below(std::size(syllables))];
        words.push_back(word);
      }
    }
    builder.add_entity({.id = "a" + std::to_string(n), .kind = n % 2 ? skg::NodeKind::Person : skg::NodeKind::Company,
                        .name = join(words)});
  }
  const skg::Graph graph = std::move(builder).freeze();
  const auto index = skg::build_screen_index(graph);
  Compared compared;
  for (std::size_t n = 0; n < 800; ++n) {
    std::vector<std::string> words;
    for (std::size_t at = 0, size = 1 + random.below(4); at < size; ++at) words.emplace_back(arabic[random.below(std::size(arabic))]);
    compare_one(graph, index, join(words), n, compared);
  }
  INFO(compared.first_difference);
  CHECK(compared.hits > 1000);
  CHECK(compared.differing == 0);
}

TEST_CASE("screen: the pruned search finds the same hits as scoring every name, on long syllable names") {
  // Names of three to seven syllables of a small skewed vocabulary, as romanised Han names are:
  // a query of five syllables or more has no single word a name must hold, only a number of
  // them (the walk's set of required words).
  Random random(17);
  const char* syllables[] = {"li", "wang", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
                             "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo", "zheng", "liang", "xie", "song",
                             "tang", "han", "feng", "deng", "cao", "peng", "zeng", "xiao", "tian", "dong", "pan",
                             "yuan", "cai", "jiang", "yu", "du", "ye", "cheng", "wei", "su", "lu", "ding", "ren",
                             "shen", "yao", "jiang", "cui", "zhong", "tan", "lang", "si", "xian", "xuan", "guan"};
  const std::size_t size = std::size(syllables);
  auto syllable = [&]() -> std::string {
    return syllables[random.below(4) == 0 ? random.below(12) : random.below(size)];
  };
  skg::Builder builder;
  std::vector<std::vector<std::string>> names;
  for (std::size_t n = 0; n < 20000; ++n) {
    std::vector<std::string> words;
    for (std::size_t at = 0, count = 3 + random.below(6); at < count; ++at) words.push_back(syllable());
    const std::string id = "h" + std::to_string(n);
    builder.add_entity({.id = id, .kind = n % 2 ? skg::NodeKind::Person : skg::NodeKind::Company, .name = join(words)});
    names.push_back(std::move(words));
  }
  const skg::Graph graph = std::move(builder).freeze();
  const auto index = skg::build_screen_index(graph);
  Compared compared;
  for (std::size_t n = 0; n < 600; ++n) {
    auto words = names[random.below(names.size())];
    if (n % 3 == 0) std::rotate(words.begin(), words.begin() + 1, words.end());
    if (n % 3 == 1) words[random.below(words.size())] = syllable();
    if (n % 5 == 2) words.push_back(syllable());
    if (n % 7 == 3) words.back() = words.back().substr(0, 1);
    const std::string query = join(words);
    compare_one(graph, index, query, n, compared);
  }
  INFO(compared.first_difference);
  CHECK(compared.queries == 600);
  CHECK(compared.hits > 600);
  CHECK(compared.differing == 0);
}

TEST_CASE("screen: the pruned search finds the same hits as scoring every name, on initials and generic words") {
  // Names of generic and legal-form words, one-letter words and rarer words, and queries made of
  // the generic words and initials of a name ("bank s", "c v company", "m obshchestvo"): the one
  // word that shares may pair only through its own lists, never as an initial, and the generic
  // words can be required past a key (screen(): "must share", "required words").
  Random random(23);
  const char* generic[] = {"bank", "trading", "company", "group", "services", "ltd", "inc", "llc",
                           "obshchestvo", "international", "center", "management", "sa", "holding"};
  const char* letters[] = {"a", "s", "c", "v", "m", "b", "k", "t"};
  const char* syllables[] = {"ka", "ri", "mo", "zan", "tel", "vor", "ush", "len", "dar", "pi", "sto", "ne", "gra",
                             "bul", "sa", "ma", "ce", "ba"};
  std::vector<std::string> rare;
  for (int n = 0; n < 3000; ++n) {
    std::string word;
    for (std::size_t at = 0, size = 2 + random.below(2); at < size; ++at) word += syllables[random.below(std::size(syllables))];
    rare.push_back(word);
  }
  skg::Builder builder;
  std::vector<std::vector<std::string>> names;
  for (std::size_t n = 0; n < 20000; ++n) {
    std::vector<std::string> words;
    for (std::size_t at = 0, count = 2 + random.below(3); at < count; ++at) {
      const std::size_t pick = random.below(10);
      if (pick < 3) words.emplace_back(generic[random.below(std::size(generic))]);
      else if (pick < 6) words.emplace_back(letters[random.below(std::size(letters))]);
      else words.push_back(rare[random.below(random.below(2) ? 200 : rare.size())]);
    }
    const std::string id = "i" + std::to_string(n);
    builder.add_entity({.id = id, .kind = n % 2 ? skg::NodeKind::Person : skg::NodeKind::Company, .name = join(words)});
    names.push_back(std::move(words));
  }
  const skg::Graph graph = std::move(builder).freeze();
  const auto index = skg::build_screen_index(graph);
  Compared compared;
  for (std::size_t n = 0; n < 800; ++n) {
    auto words = names[random.below(names.size())];
    for (auto& word : words)  // the rarer words as initials, sometimes a generic word as well
      if (word.size() > 1 && (std::find(std::begin(generic), std::end(generic), word) == std::end(generic) || n % 5 == 0))
        word = word.substr(0, 1);
    if (n % 3 == 1) std::rotate(words.begin(), words.begin() + 1, words.end());
    if (n % 4 == 2) words.emplace_back(generic[random.below(std::size(generic))]);
    if (n % 6 == 5) words.emplace_back(letters[random.below(std::size(letters))]);
    const std::string query = join(words);
    compare_one(graph, index, query, n, compared);
  }
  INFO(compared.first_difference);
  CHECK(compared.queries == 800);
  CHECK(compared.hits > 800);
  CHECK(compared.differing == 0);
}

TEST_CASE("screen: the pruned search finds the same hits as scoring every name, on syllable names with initials") {
  // Names of three to eight syllables, some written as their initial ("wang l zhang"), and
  // queries of five syllables or more with words left out or changed, so that many names hold
  // just about half the query: the walk's count of required words (screen()) must let through
  // every name its later words can make half the query with, and a name holding a one-letter
  // word (which may pair any later word as an initial).
  Random random(29);
  const char* syllables[] = {"li", "wang", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
                             "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo", "zheng", "liang", "xie", "song",
                             "tang", "han", "feng", "deng", "cao", "peng", "zeng", "xiao", "tian", "dong", "pan",
                             "lang", "jiang", "xiang", "tan", "shen", "sheng", "ling", "rong", "kong", "shao", "ru",
                             "qian", "jian", "keng", "rang", "quan", "xuan", "duo", "da", "yi", "ning", "ying", "lu"};
  const std::size_t size = std::size(syllables);
  auto syllable = [&]() -> std::string {
    return syllables[random.below(3) == 0 ? random.below(16) : random.below(size)];
  };
  skg::Builder builder;
  std::vector<std::vector<std::string>> names;
  for (std::size_t n = 0; n < 20000; ++n) {
    std::vector<std::string> words;
    for (std::size_t at = 0, count = 3 + random.below(6); at < count; ++at) words.push_back(syllable());
    std::vector<std::string> written = words;
    if (n % 5 == 0) written[random.below(written.size())].resize(1);  // an initial
    const std::string id = "s" + std::to_string(n);
    builder.add_entity({.id = id, .kind = n % 2 ? skg::NodeKind::Person : skg::NodeKind::Company, .name = join(written)});
    names.push_back(std::move(words));
  }
  const skg::Graph graph = std::move(builder).freeze();
  const auto index = skg::build_screen_index(graph);
  Compared compared;
  for (std::size_t n = 0; n < 600; ++n) {
    std::vector<std::string> words;
    while (words.size() < 5) words = names[random.below(names.size())];
    if (n % 3 != 2) words.erase(words.begin() + static_cast<std::ptrdiff_t>(random.below(words.size())));
    if (n % 2 == 1) words[random.below(words.size())] = syllable();
    if (n % 4 == 0) words.push_back(syllable());
    if (n % 3 == 1) std::rotate(words.begin(), words.begin() + 1, words.end());
    // A low threshold (0.02) too: a name holding just half the query then scores.
    compare_one(graph, index, join(words), n, compared, n % 8 == 1 ? 0.02 : 0.3);
  }
  INFO(compared.first_difference);
  CHECK(compared.queries == 600);
  CHECK(compared.hits > 400);
  CHECK(compared.differing == 0);
}
