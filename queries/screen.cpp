#include "skg/queries/screen.h"

#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <unordered_map>

#include "skg/graph/strings.h"
#include "skg/queries/as_of.h"

namespace skg {

namespace {

// Scoring weights. A legal-form word counts a quarter of an ordinary word, so "Kaspersky Lab"
// and "AO Kaspersky Lab" stay close; a weak alias (OFAC "weak AKA": "a relatively broad or
// generic alias", OFAC FAQ 90) scores 15% less than the same words in a strong name.
constexpr double kLegalFormWeight = 0.25;
constexpr double kWeakAliasFactor = 0.85;
constexpr double kQueryShare = 0.6;   // how much of the score is "the query's words are found"
constexpr double kLegalFormEquivalent = 0.9;  // "Ltd" for "Limited": close, not identical
constexpr std::size_t kMaxFuzzyLength = 64;

// Legal-form words, folded, with a class number: words of one class are equivalent (a Russian
// OOO is a limited liability company, an AO a joint-stock company: Civil Code of the Russian
// Federation arts. 87, 96; PAO/ZAO/OAO: public, closed, open joint-stock companies).
struct LegalForm {
  std::string_view word;
  std::uint8_t kind;
};
constexpr std::array<LegalForm, 58> kLegalForms = {{
    {"ltd", 1},   {"limited", 1},  {"inc", 2},   {"incorporated", 2}, {"co", 3},    {"company", 3},
    {"corp", 4},  {"corporation", 4}, {"llc", 5}, {"ooo", 5},          {"tov", 5},   {"ao", 6},
    {"jsc", 6},   {"oao", 7},      {"ojsc", 7},  {"zao", 8},          {"cjsc", 8},  {"pao", 9},
    {"pjsc", 9},  {"gmbh", 10},    {"ag", 11},   {"sa", 12},          {"plc", 13},  {"llp", 14},
    {"lp", 15},   {"bv", 16},      {"nv", 17},   {"srl", 18},         {"sarl", 19}, {"spa", 20},
    {"kg", 21},   {"ab", 22},      {"as", 23},   {"oy", 24},          {"pte", 25},  {"pty", 26},
    {"sro", 27},  {"kft", 28},     {"fze", 29},  {"fzco", 30},        {"fzc", 31},  {"gbr", 32},
    {"ug", 33},   {"lda", 34},     {"sas", 35},  {"bhd", 36},         {"sdn", 37},  {"doo", 38},
    {"ad", 39},   {"ood", 40},     {"eood", 41}, {"dooel", 42},       {"zrt", 43},  {"nyrt", 44},
    {"kk", 45},   {"ltda", 46},    {"sl", 47},   {"se", 48},
}};

std::uint8_t legal_form_kind(std::string_view word) noexcept {
  for (const LegalForm& form : kLegalForms)
    if (form.word == word) return form.kind;
  return 0;
}

/// Letters and digits present in a folded word: a substitution changes at most two bits and an
/// insertion or deletion one, so popcount(a ^ b) > 2 * edits rules a pair out cheaply.
std::uint64_t letter_mask(std::string_view word) noexcept {
  std::uint64_t mask = 0;
  for (char c : word) {
    if (c >= 'a' && c <= 'z') mask |= std::uint64_t{1} << (c - 'a');
    else if (c >= '0' && c <= '9') mask |= std::uint64_t{1} << (26 + c - '0');
  }
  return mask;
}

// ---------------------------------------------------------------------------------------------
// Folding: ASCII words are lowered in place; other words go through ICU, Russian Cyrillic by
// the BGN/PCGN romanization (the one OFAC and OFSI lists use: "Алексеева" -> "alekseyeva"),
// every other script by ICU's Any-Latin, then Latin-ASCII drops diacritics.

std::unique_ptr<icu::Transliterator> make_transliterator() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> made(icu::Transliterator::createInstance(
      "Russian-Latin/BGN; Any-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, status));
  if (U_FAILURE(status)) made.reset();
  return made;
}

/// ICU transliterators are not thread-safe: one per thread, made on first use (~40 ms).
icu::Transliterator* transliterator() {
  thread_local std::unique_ptr<icu::Transliterator> instance = make_transliterator();
  return instance.get();
}

/// Appends the ASCII words of an already transliterated text to `out`, separated by spaces:
/// quotes and apostrophes join (BGN writes ъ as ", "O'Brien" = "obrien"), the rest splits.
void ascii_words(std::string_view text, std::string& out) {
  bool in_word = false;
  for (char c : text) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) {
      if (!in_word && !out.empty()) out += ' ';
      out += lower;
      in_word = true;
    } else if (c != '\'' && c != '"' && c != '`') {
      in_word = false;
    }
  }
}

/// Folds one word that holds non-ASCII letters into ASCII words ("Müller" -> "muller",
/// "北京" -> "bei jing").
std::string fold_word(std::string_view word) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(word.data(), static_cast<std::int32_t>(word.size())));
  if (icu::Transliterator* folder = transliterator()) {
    folder->transliterate(text);
  } else {
    text.toLower();  // no ICU data: keep the letters, lowered
  }
  std::string utf8, out;
  text.toUTF8String(utf8);
  ascii_words(utf8, out);
  return out;
}

/// Calls `emit(token)` for each folded word of `name`. `cache` keeps non-ASCII words already
/// folded (index builds see the same words many times); null for one-off queries.
template <class Emit>
void for_each_token(std::string_view name, std::unordered_map<std::string, std::string>* cache,
                    std::string& scratch, Emit&& emit) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(name.data());
  const auto size = static_cast<std::int32_t>(name.size());
  std::int32_t at = 0, word_start = -1;
  bool ascii = true;
  scratch.clear();
  auto finish = [&](std::int32_t end) {
    if (word_start < 0) return;
    if (ascii) {
      if (!scratch.empty()) emit(std::string_view(scratch));
    } else {
      const std::string_view raw(name.data() + word_start, static_cast<std::size_t>(end - word_start));
      const std::string* folded;
      std::string local;
      if (cache != nullptr) {
        auto found = cache->find(std::string(raw));
        if (found == cache->end()) found = cache->emplace(std::string(raw), fold_word(raw)).first;
        folded = &found->second;
      } else {
        local = fold_word(raw);
        folded = &local;
      }
      std::string_view rest(*folded);
      while (!rest.empty()) {
        const auto space = rest.find(' ');
        emit(rest.substr(0, space));
        if (space == std::string_view::npos) break;
        rest.remove_prefix(space + 1);
      }
    }
    word_start = -1;
    ascii = true;
    scratch.clear();
  };
  while (at < size) {
    const std::int32_t start = at;
    const std::uint8_t byte = bytes[at];
    if (byte < 0x80) {
      ++at;
      const char c = static_cast<char>(byte);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
        if (word_start < 0) word_start = start;
        scratch += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      } else if (c != '\'' || word_start < 0) {
        finish(start);  // an apostrophe inside a word joins it: O'Brien = OBrien
      }
      continue;
    }
    UChar32 code = 0;
    U8_NEXT(bytes, at, size, code);
    if (code < 0) {  // invalid UTF-8: a separator, never a crash
      finish(start);
      continue;
    }
    const bool apostrophe = code == 0x2019 || code == 0x02BC;
    const bool letter = u_isalnum(code) || (U_GET_GC_MASK(code) & U_GC_M_MASK) != 0;
    if (letter) {
      if (word_start < 0) word_start = start;
      ascii = false;
    } else if (!(apostrophe && word_start >= 0)) {
      finish(start);
    }
  }
  finish(size);
}

}  // namespace

namespace detail {

int bounded_edits(std::string_view a, std::string_view b, int max_edits) noexcept {
  if (a.size() > b.size()) std::swap(a, b);
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (m - n > max_edits) return max_edits + 1;
  if (m > static_cast<int>(kMaxFuzzyLength)) return a == b ? 0 : max_edits + 1;
  // Optimal string alignment distance: Levenshtein plus swaps of neighbours ("ks" / "sk").
  std::array<int, kMaxFuzzyLength + 1> before{}, previous{}, current{};
  for (int j = 0; j <= m; ++j) previous[j] = j;
  for (int i = 1; i <= n; ++i) {
    current[0] = i;
    int row_min = current[0];
    for (int j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int value = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        value = std::min(value, before[j - 2] + 1);
      current[j] = value;
      row_min = std::min(row_min, value);
    }
    if (row_min > max_edits) return max_edits + 1;
    before = previous;
    previous = current;
  }
  return std::min(previous[m], max_edits + 1);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// The index.

struct ScreenIndex::Data {
  // Distinct folded tokens.
  std::vector<char> chars;
  std::vector<std::uint32_t> token_at{0};   // token_count + 1
  std::vector<std::uint8_t> legal;          // legal-form class, 0 for an ordinary word
  std::vector<std::uint64_t> mask;          // letter_mask
  std::vector<std::uint32_t> slots;         // open addressing: 0 empty, else token + 1
  std::vector<std::uint32_t> by_length;     // tokens grouped by length (capped at kMaxFuzzyLength)
  std::vector<std::uint32_t> length_at;     // kMaxFuzzyLength + 2 offsets into by_length
  std::vector<std::vector<std::uint32_t>> legal_class;  // class -> tokens of that class
  // Entries: one per (node, name or alias).
  std::vector<NodeId> entry_node;
  std::vector<std::uint16_t> entry_slot;  // position in graph.names(node)
  std::vector<std::uint32_t> entry_token_at{0};
  std::vector<std::uint32_t> entry_tokens;
  // Postings: token -> entries.
  std::vector<std::uint32_t> posting_at;
  std::vector<std::uint32_t> postings;

  std::size_t token_count() const noexcept { return token_at.size() - 1; }
  std::string_view token(std::uint32_t id) const noexcept {
    return {chars.data() + token_at[id], token_at[id + 1] - token_at[id]};
  }
  std::optional<std::uint32_t> find(std::string_view text) const noexcept {
    if (slots.empty()) return std::nullopt;
    const std::size_t slot_mask = slots.size() - 1;
    for (std::size_t slot = detail::hash_string(text) & slot_mask;; slot = (slot + 1) & slot_mask) {
      const std::uint32_t entry = slots[slot];
      if (entry == 0) return std::nullopt;
      if (token(entry - 1) == text) return entry - 1;
    }
  }
  std::uint32_t intern(std::string_view text) {
    if ((token_count() + 1) * 2 > slots.size()) grow();
    const std::size_t slot_mask = slots.size() - 1;
    for (std::size_t slot = detail::hash_string(text) & slot_mask;; slot = (slot + 1) & slot_mask) {
      const std::uint32_t entry = slots[slot];
      if (entry == 0) {
        const auto id = static_cast<std::uint32_t>(token_count());
        chars.insert(chars.end(), text.begin(), text.end());
        token_at.push_back(static_cast<std::uint32_t>(chars.size()));
        legal.push_back(legal_form_kind(text));
        mask.push_back(letter_mask(text));
        slots[slot] = id + 1;
        return id;
      }
      if (token(entry - 1) == text) return entry - 1;
    }
  }
  void grow() {
    std::vector<std::uint32_t> bigger(std::max<std::size_t>(1024, slots.size() * 2), 0);
    const std::size_t slot_mask = bigger.size() - 1;
    for (std::uint32_t id = 0; id < token_count(); ++id) {
      std::size_t slot = detail::hash_string(token(id)) & slot_mask;
      while (bigger[slot] != 0) slot = (slot + 1) & slot_mask;
      bigger[slot] = id + 1;
    }
    slots = std::move(bigger);
  }
  std::span<const std::uint32_t> entry_token_span(std::uint32_t entry) const noexcept {
    return {entry_tokens.data() + entry_token_at[entry], entry_token_at[entry + 1] - entry_token_at[entry]};
  }
};

ScreenIndex::ScreenIndex() : data_(std::make_unique<Data>()) {}
ScreenIndex::~ScreenIndex() = default;
ScreenIndex::ScreenIndex(ScreenIndex&&) noexcept = default;
ScreenIndex& ScreenIndex::operator=(ScreenIndex&&) noexcept = default;
std::size_t ScreenIndex::entry_count() const noexcept { return data_->entry_node.size(); }
std::size_t ScreenIndex::token_count() const noexcept { return data_->token_count(); }
std::size_t ScreenIndex::bytes() const noexcept {
  const Data& d = *data_;
  auto size = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  return size(d.chars) + size(d.token_at) + size(d.legal) + size(d.mask) + size(d.slots) +
         size(d.by_length) + size(d.length_at) + size(d.entry_node) + size(d.entry_slot) +
         size(d.entry_token_at) + size(d.entry_tokens) + size(d.posting_at) + size(d.postings);
}

std::string_view to_string(TokenMatchKind kind) noexcept {
  switch (kind) {
    case TokenMatchKind::Exact: return "exact";
    case TokenMatchKind::Fuzzy: return "fuzzy";
    case TokenMatchKind::LegalForm: return "legal form";
  }
  return "?";
}

std::vector<std::string> screen_tokens(std::string_view name) {
  std::vector<std::string> out;
  std::string scratch;
  for_each_token(name, nullptr, scratch, [&](std::string_view token) { out.emplace_back(token); });
  return out;
}

ScreenIndex build_screen_index(const Graph& graph) {
  ScreenIndex index;
  ScreenIndex::Data& d = *index.data_;
  std::unordered_map<std::string, std::string> folded;  // non-ASCII word -> its ASCII words
  std::string scratch;
  d.entry_node.reserve(graph.node_count());
  d.entry_slot.reserve(graph.node_count());
  d.entry_token_at.reserve(graph.node_count() + 1);
  d.entry_tokens.reserve(graph.node_count() * 3);
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const NodeId node{at};
    const auto names = graph.names(node);
    const std::size_t slots = std::min<std::size_t>(names.size(), 0xFFFF);
    for (std::size_t slot = 0; slot < slots; ++slot) {
      const StringId text = names[slot].text;
      if (text == kNoString) continue;
      bool seen = false;  // the same text twice on one node (a primary repeated as an alias)
      for (std::size_t before = 0; before < slot && !seen; ++before) seen = names[before].text == text;
      if (seen) continue;
      const std::size_t first = d.entry_tokens.size();
      for_each_token(graph.string(text), &folded, scratch,
                     [&](std::string_view token) { d.entry_tokens.push_back(d.intern(token)); });
      if (d.entry_tokens.size() == first) continue;  // no letters or digits at all
      d.entry_node.push_back(node);
      d.entry_slot.push_back(static_cast<std::uint16_t>(slot));
      d.entry_token_at.push_back(static_cast<std::uint32_t>(d.entry_tokens.size()));
    }
  }
  // Postings by counting sort: entries come out ascending within each token.
  const std::size_t tokens = d.token_count();
  d.posting_at.assign(tokens + 1, 0);
  for (std::uint32_t token : d.entry_tokens) ++d.posting_at[token + 1];
  for (std::size_t at = 0; at < tokens; ++at) d.posting_at[at + 1] += d.posting_at[at];
  d.postings.resize(d.entry_tokens.size());
  {
    std::vector<std::uint32_t> fill(d.posting_at.begin(), d.posting_at.end() - 1);
    for (std::uint32_t entry = 0; entry < d.entry_node.size(); ++entry)
      for (std::uint32_t token : d.entry_token_span(entry)) d.postings[fill[token]++] = entry;
  }
  // Tokens by length, for the fuzzy scan; legal-form classes.
  d.length_at.assign(kMaxFuzzyLength + 2, 0);
  auto length_of = [&](std::uint32_t id) {
    return std::min<std::size_t>(d.token_at[id + 1] - d.token_at[id], kMaxFuzzyLength);
  };
  for (std::uint32_t id = 0; id < tokens; ++id) ++d.length_at[length_of(id) + 1];
  for (std::size_t at = 0; at <= kMaxFuzzyLength; ++at) d.length_at[at + 1] += d.length_at[at];
  d.by_length.resize(tokens);
  {
    std::vector<std::uint32_t> fill(d.length_at.begin(), d.length_at.end() - 1);
    for (std::uint32_t id = 0; id < tokens; ++id) d.by_length[fill[length_of(id)]++] = id;
  }
  d.legal_class.assign(64, {});
  for (std::uint32_t id = 0; id < tokens; ++id)
    if (d.legal[id] != 0) d.legal_class[d.legal[id]].push_back(id);
  return index;
}

// ---------------------------------------------------------------------------------------------
// Screening.

namespace {

struct Candidate {  // a dictionary token a query word may stand for
  std::uint32_t token;
  float similarity;
  std::uint8_t edits;
  TokenMatchKind how;
};

struct QueryWord {
  std::string text;
  std::uint8_t legal = 0;
  double weight = 1;
  std::vector<Candidate> candidates;
};

struct Pair {  // one query word matched to one name word
  std::uint16_t word, position;
  float similarity;
  std::uint8_t edits;
  TokenMatchKind how;
};

struct Scored {
  std::uint32_t entry;
  double score;
  bool exact;
};

const Candidate* find_candidate(const QueryWord& word, std::uint32_t token) {
  for (const Candidate& candidate : word.candidates)
    if (candidate.token == token) return &candidate;
  return nullptr;
}

/// Scores one name against the query: each query word is paired with at most one name word,
/// best pairs first; the score blends the share of the query's weight found in the name and
/// the share of the name's weight the query covers (so extra words on either side cost).
Scored score_entry(const ScreenIndex::Data& d, const Graph& graph, std::uint32_t entry,
                   const std::vector<QueryWord>& words, double query_weight,
                   std::vector<Pair>& pairs, std::vector<Pair>* kept) {
  const auto tokens = d.entry_token_span(entry);
  pairs.clear();
  for (std::size_t word = 0; word < words.size(); ++word)
    for (std::size_t position = 0; position < tokens.size(); ++position)
      if (const Candidate* candidate = find_candidate(words[word], tokens[position]))
        pairs.push_back({static_cast<std::uint16_t>(word), static_cast<std::uint16_t>(position),
                         candidate->similarity, candidate->edits, candidate->how});
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const Pair& a, const Pair& b) { return a.similarity > b.similarity; });
  std::uint64_t used_words = 0, used_positions = 0;  // names and queries past 64 words: rare
  double found = 0, covered = 0, name_weight = 0;
  std::size_t exact_pairs = 0;
  for (const Pair& pair : pairs) {
    if (pair.word >= 64 || pair.position >= 64) continue;
    const std::uint64_t word_bit = std::uint64_t{1} << pair.word;
    const std::uint64_t position_bit = std::uint64_t{1} << pair.position;
    if ((used_words & word_bit) != 0 || (used_positions & position_bit) != 0) continue;
    used_words |= word_bit;
    used_positions |= position_bit;
    const double name_word_weight = d.legal[tokens[pair.position]] != 0 ? kLegalFormWeight : 1.0;
    found += pair.similarity * words[pair.word].weight;
    covered += pair.similarity * name_word_weight;
    if (pair.how == TokenMatchKind::Exact) ++exact_pairs;
    if (kept != nullptr) kept->push_back(pair);
  }
  for (std::uint32_t token : tokens) name_weight += d.legal[token] != 0 ? kLegalFormWeight : 1.0;
  double score = kQueryShare * found / query_weight + (1 - kQueryShare) * covered / name_weight;
  const bool exact = exact_pairs == words.size() && exact_pairs == tokens.size();
  const Name& name = graph.names(d.entry_node[entry])[d.entry_slot[entry]];
  if (name.strength == NameStrength::Weak) score *= kWeakAliasFactor;
  return {entry, std::clamp(score, 0.0, 1.0), exact};
}

bool node_passes(const Graph& graph, NodeId node, const ScreenOptions& options) {
  if (!options.kinds.contains(graph.kind(node))) return false;
  if (options.as_of && !graph.valid(node).contains(*options.as_of)) return false;
  if (options.listed_only && !is_listed(graph, node, options.as_of)) return false;
  return passes_filter(graph, node, options.filter, options.as_of);
}

/// Dictionary tokens within the edit threshold of `word` (not `word` itself).
void fuzzy_candidates(const ScreenIndex::Data& d, QueryWord& word, double min_similarity) {
  const std::size_t length = word.text.size();
  if (length <= 3 || length > kMaxFuzzyLength) return;
  const int max_edits = length <= 5 ? 1 : length <= 9 ? 2 : 3;
  const std::uint64_t mask = letter_mask(word.text);
  const std::size_t low = length > static_cast<std::size_t>(max_edits) ? length - max_edits : 1;
  const std::size_t high = std::min(length + max_edits, kMaxFuzzyLength);
  for (std::size_t other = low; other <= high; ++other) {
    const double longer = static_cast<double>(std::max(length, other));
    const int allowed = std::min(max_edits, static_cast<int>(std::floor((1 - min_similarity) * longer + 1e-9)));
    const auto gap = static_cast<int>(other > length ? other - length : length - other);
    if (gap > allowed) continue;
    for (std::uint32_t at = d.length_at[other]; at < d.length_at[other + 1]; ++at) {
      const std::uint32_t token = d.by_length[at];
      if (std::popcount(d.mask[token] ^ mask) > 2 * allowed) continue;
      const std::string_view text = d.token(token);
      if (text == word.text) continue;
      const int edits = detail::bounded_edits(word.text, text, allowed);
      if (edits > allowed) continue;
      word.candidates.push_back({token, static_cast<float>(1 - edits / longer),
                                 static_cast<std::uint8_t>(edits), TokenMatchKind::Fuzzy});
    }
  }
}

}  // namespace

std::vector<ScreenHit> screen(const Graph& graph, const ScreenIndex& index, std::string_view name,
                              const ScreenOptions& options) {
  const ScreenIndex::Data& d = index.data();
  std::vector<QueryWord> words;
  std::string scratch;
  for_each_token(name, nullptr, scratch, [&](std::string_view token) {
    if (words.size() < 64) words.push_back({std::string(token), legal_form_kind(token), 1.0, {}});
  });
  if (words.empty() || d.entry_node.empty()) return {};
  double query_weight = 0;
  bool all_legal = true;
  for (QueryWord& word : words) {
    if (word.legal != 0) word.weight = kLegalFormWeight;
    query_weight += word.weight;
    all_legal = all_legal && word.legal != 0;
    if (auto exact = d.find(word.text)) word.candidates.push_back({*exact, 1.0f, 0, TokenMatchKind::Exact});
    if (word.legal != 0)
      for (std::uint32_t token : d.legal_class[word.legal])
        if (d.token(token) != word.text)
          word.candidates.push_back({token, static_cast<float>(kLegalFormEquivalent), 0,
                                     TokenMatchKind::LegalForm});
    fuzzy_candidates(d, word, options.min_token_similarity);
  }

  // Entries that hold a candidate of an ordinary word (legal-form words alone would pull in
  // every company), with an upper bound of their score to skip hopeless ones unscored.
  struct Touch {
    std::uint32_t entry;
    std::uint16_t word;
    float similarity;
  };
  std::vector<Touch> touched;
  double legal_weight = 0;
  for (std::size_t word = 0; word < words.size(); ++word) {
    if (words[word].legal != 0 && !all_legal) {
      legal_weight += words[word].weight;
      continue;
    }
    for (const Candidate& candidate : words[word].candidates)
      for (std::uint32_t at = d.posting_at[candidate.token]; at < d.posting_at[candidate.token + 1]; ++at)
        touched.push_back({d.postings[at], static_cast<std::uint16_t>(word), candidate.similarity});
  }
  std::sort(touched.begin(), touched.end(), [](const Touch& a, const Touch& b) {
    return a.entry != b.entry ? a.entry < b.entry : a.word != b.word ? a.word < b.word : a.similarity > b.similarity;
  });

  std::vector<Scored> scored;
  std::vector<Pair> pairs;
  for (std::size_t at = 0; at < touched.size();) {
    const std::uint32_t entry = touched[at].entry;
    double bound_found = legal_weight;
    for (int last_word = -1; at < touched.size() && touched[at].entry == entry; ++at) {
      if (touched[at].word == last_word) continue;  // sorted: the first is the best for the word
      last_word = touched[at].word;
      bound_found += touched[at].similarity * words[last_word].weight;
    }
    const double bound = kQueryShare * bound_found / query_weight + (1 - kQueryShare);
    if (bound + 1e-9 < options.min_score) continue;
    if (!node_passes(graph, d.entry_node[entry], options)) continue;
    const Scored result = score_entry(d, graph, entry, words, query_weight, pairs, nullptr);
    if (result.score + 1e-9 >= options.min_score) scored.push_back(result);
  }

  // Best name per node: highest score, then an exact match, then the earlier name (primary).
  auto better = [&](const Scored& a, const Scored& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.exact != b.exact) return a.exact;
    return a.entry < b.entry;
  };
  std::sort(scored.begin(), scored.end(), [&](const Scored& a, const Scored& b) {
    const NodeId node_a = d.entry_node[a.entry], node_b = d.entry_node[b.entry];
    return node_a != node_b ? node_a < node_b : better(a, b);
  });
  scored.erase(std::unique(scored.begin(), scored.end(),
                           [&](const Scored& a, const Scored& b) {
                             return d.entry_node[a.entry] == d.entry_node[b.entry];
                           }),
               scored.end());
  std::sort(scored.begin(), scored.end(), better);
  if (options.limit != 0 && scored.size() > options.limit) scored.resize(options.limit);

  std::vector<ScreenHit> hits;
  hits.reserve(scored.size());
  for (const Scored& result : scored) {
    std::vector<Pair> kept;
    score_entry(d, graph, result.entry, words, query_weight, pairs, &kept);
    ScreenHit hit;
    hit.node = d.entry_node[result.entry];
    hit.score = result.score;
    hit.exact = result.exact;
    hit.name = graph.names(hit.node)[d.entry_slot[result.entry]];
    hit.name_text = graph.string(hit.name.text);
    const auto tokens = d.entry_token_span(result.entry);
    std::uint64_t used_words = 0, used_positions = 0;
    std::sort(kept.begin(), kept.end(), [](const Pair& a, const Pair& b) { return a.word < b.word; });
    for (const Pair& pair : kept) {
      used_words |= std::uint64_t{1} << pair.word;
      used_positions |= std::uint64_t{1} << pair.position;
      const std::uint32_t token = tokens[pair.position];
      hit.matched.push_back({words[pair.word].text, std::string(d.token(token)), pair.how, pair.edits,
                             pair.similarity, words[pair.word].legal != 0 || d.legal[token] != 0});
    }
    for (std::size_t word = 0; word < words.size(); ++word)
      if (word >= 64 || (used_words >> word & 1u) == 0) hit.unmatched_query_tokens.push_back(words[word].text);
    for (std::size_t position = 0; position < tokens.size(); ++position)
      if (position >= 64 || (used_positions >> position & 1u) == 0)
        hit.unmatched_name_tokens.emplace_back(d.token(tokens[position]));
    hits.push_back(std::move(hit));
  }
  return hits;
}

}  // namespace skg
