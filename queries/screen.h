// queries/screen.h: name screening: ranked candidates for a name, each with the alias and
// tokens that matched, over an index of every name and alias built once per graph.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/graph.h"
#include "skg/queries/as_of.h"
#include "skg/queries/identifiers.h"
#include "skg/queries/screen_calibration.h"
#include "skg/queries/screen_evidence.h"

namespace skg::inline v1 {

/// The tokens of every name and alias of a graph, folded (case, diacritics, Cyrillic and other
/// scripts to Latin), with postings from each token to the names that hold it. Built once per
/// graph; valid as long as that graph; read-only, so many threads may screen against it.
class ScreenIndex {
 public:
  ScreenIndex();
  ~ScreenIndex();
  ScreenIndex(ScreenIndex&&) noexcept;
  ScreenIndex& operator=(ScreenIndex&&) noexcept;

  std::size_t entry_count() const noexcept;  // names and aliases indexed
  std::size_t token_count() const noexcept;  // distinct folded tokens
  std::size_t bytes() const noexcept;        // memory held

  /// True when this index was built from `graph` (the same object): screen() refuses another.
  bool built_for(const Graph& graph) const noexcept { return data_ != nullptr && graph_token_ == graph.token(); }

  struct Data;  // defined in screen.cpp
  const Data& data() const noexcept { return *data_; }

 private:
  friend ScreenIndex build_screen_index(const Graph& graph);
  std::unique_ptr<Data> data_;
  std::uint64_t graph_token_ = 0;  // Graph::token() of the graph it indexes  // pimpl: keeps ICU and the index layout out of the header
};

/// Indexes every name and alias of every node. Linear in the names; ICU runs only on names
/// that are not plain ASCII, once per distinct non-ASCII word.
///   const auto index = skg::build_screen_index(graph);
ScreenIndex build_screen_index(const Graph& graph);

/// The default threshold: hits scoring below it are not returned. Chosen on the labelled
/// evaluation set of bench/screen_eval.cpp (bench/SCREENING.md: the highest F1 whose noise rate on
/// generated non-listed names stays at or under 0.45% on the fitted half), not by hand.
inline constexpr double kDefaultScreenThreshold = calibration::kThreshold;

struct ScreenOptions {
  std::size_t limit = 20;
  /// Hits below it are dropped. A score reads as the probability that the query and the matched
  /// name are the same party, judged by name alone (calibrated on bench/screen_eval.cpp's set).
  double min_score = kDefaultScreenThreshold;
  /// A query word and a name word are a fuzzy match when 1 - edits / longer length reaches this
  /// (edits: insertions, deletions, substitutions, swaps of neighbours; words of 3 letters or
  /// fewer must match exactly).
  double min_token_similarity = 0.75;
  NodeKinds kinds = NodeKinds::parties();
  bool listed_only = false;    // only parties with a listing in force (on as_of, when given)
  std::optional<Date> as_of;   // parties and listings outside their dates are left out
  ScreenFilter filter;         // authority, list, program of a listing (screen_evidence.h)
  /// Score every indexed name in full, with no candidate walk and no bound: the reference the
  /// pruned search is tested against (the same hits above the threshold); slow, for tests.
  bool exhaustive = false;
};

/// How a query word met a name word.
enum class TokenMatchKind : std::uint8_t {
  Exact,      // the same after folding
  Fuzzy,      // within the edit threshold
  LegalForm,  // equivalent legal forms: "Ltd" = "Limited", "AO" = "JSC", "OOO" = "LLC"
  Variant,    // a transliteration variant: the same consonant key (Aleksandr/Alexander, -ov/-off)
  Joined,     // one word on one side is two on the other ("kasperskylab" / "kaspersky lab")
  Initial,    // an initial stands for a word with that first letter
};
std::string_view to_string(TokenMatchKind kind) noexcept;

struct TokenMatch {
  std::string query_token;  // folded, as the query gave it
  std::string name_token;   // folded, as the name holds it
  TokenMatchKind how = TokenMatchKind::Exact;
  int edits = 0;
  double similarity = 1.0;  // 1 for exact and legal-form matches
  bool legal_form = false;  // a legal-form word (weighs less in the score)
  double weight = 1.0;      // how much the word counts: rarity over the index, less for generic,
                            // legal-form, particle and initial words
};

/// The measures a score is computed from, kept on each hit so that it explains itself.
struct NameEvidence {
  double query_share = 0;     // weighted share of the query's words found in the name
  double name_share = 0;      // weighted share of the name's words the query covers (an
                              // organisation's legal-form, generic and place words left out when
                              // every distinctive word of it matched)
  double min_similarity = 1;  // the weakest word pair
  double matched_weight = 0;  // rarity of what matched, summed (rare words are strong evidence)
  bool one_word = false;      // the name has one word that is not a legal form
  bool weak = false;          // a weak alias (OFAC weak AKA, UN "Low" quality, FtM weakAlias)
  bool strict = false;        // a one-word or weak alias: only a strong match counts
  bool person = false;        // the matched party is a person
  int matched_words = 0;      // query words matched
  double inexact_share = 0;   // weighted share of the query matched only fuzzily, as a variant,
                              // an initial or by joining words
  bool typo_only = false;     // every word of both sides paired (an organisation's legal-form,
                              // generic and place words may be left out), and what differs is at
                              // most one edit per word (or a transliteration variant): "Sberbnak"
  bool distinctive_cover = false;  // every distinctive word of the name (not a legal form, generic
                                   // word, particle or place) and every meaningful query word
                                   // matched: "Sberbank" for "PJSC Sberbank of Russia"
  bool distinctive_exact = false;  // an organisation's distinctive words, exactly, and nothing else
                                   // of the query left: its qualifiers alone are missing
};

struct ScreenHit {
  NodeId node = kNoNode;
  double score = 0;  // in [0, 1]; 1 only when every word matches exactly
  Name name;         // the name or alias that matched best, with its type and strength
  std::string_view name_text;       // that name as the source gives it (lives with the graph)
  std::vector<TokenMatch> matched;  // the word pairs behind the score
  std::vector<std::string> unmatched_query_tokens;
  std::vector<std::string> unmatched_name_tokens;
  std::vector<std::string> ignored_query_tokens;  // honorifics and titles: "mr", "sheikh"
  bool exact = false;  // the same words, in any order
  NameEvidence evidence;  // the measures behind the name score

  // Filled by screen_query() (queries/screen_query.h); screen() leaves them empty.
  double name_score = 0;                     // by the name alone, before the evidence
  std::vector<IdentifierMatch> identifiers;  // the query's identifiers this record holds: certain
  std::vector<EvidenceNote> secondary;       // each fact of the caller (dob, country...), its effect
  std::vector<Listing> listings;             // in force on the date first, then later, then ended
  std::vector<std::string_view> birth_dates; // as the record writes them
  std::vector<CountryFact> countries;        // nationality, address country, jurisdiction...
};

/// Parties whose names or aliases resemble `name`, best first. Word order does not matter;
/// rare words weigh more than common, generic and legal-form ones; misspellings,
/// transliteration variants, joined or split words and initials match; honorifics are ignored;
/// a one-word or weak alias counts only when it matches strongly. Throws skg::Error when `index`
/// was built from another graph.
///   auto hits = skg::screen(graph, index, "Kasperski Labs Ltd", {.listed_only = true});
std::vector<ScreenHit> screen(const Graph& graph, const ScreenIndex& index, std::string_view name,
                              const ScreenOptions& options = {});

/// The folded words of a name, as the index sees them: "АО «Лаборатория Касперского»" ->
/// {"ao", "laboratoriya", "kasperskogo"}. Uses one ICU transliterator per thread (ICU
/// transliterators must not be shared across threads; creating one costs ~40 ms).
std::vector<std::string> screen_tokens(std::string_view name);

namespace detail {
/// Edits (insert, delete, substitute, swap neighbours) from a to b, or max_edits + 1 when more.
int bounded_edits(std::string_view a, std::string_view b, int max_edits) noexcept;
/// One word made ready for bounded_edits against many others (a query word against the tokens
/// its fuzzy keys meet): pattern.bounded_edits(other, max) == bounded_edits(word, other, max).
/// The word must outlive it.
class EditPattern {
 public:
  explicit EditPattern(std::string_view word) noexcept;
  int bounded_edits(std::string_view other, int max_edits) const noexcept;

 private:
  std::string_view word_;
  std::array<std::uint64_t, 256> masks_{};  // by letter: the positions of the word that hold it
};
/// The transliteration key of a folded word: romanisation variants of one name share it
/// ("aleksandr", "alexander" -> "alksndr"; "ivanov", "ivanoff"; "mohammed", "muhammad").
std::string variant_key(std::string_view word);
/// The consonant skeletons of one Arabic-script word (the raw UTF-8 word; one for each reading of
/// an inner waw), or false when it is not all Arabic letters, and the
/// skeleton of a folded Latin word in the same symbols (empty when it has none of two symbols or
/// more): "محمد" and "muhammad", "mohammed" all give "mhmd" (screen.cpp says how).
/// `vowels` has bit k set when a vowel stands after the skeleton's k-th symbol (1 <= k <= 30),
/// and kFinalVowel when the word ends in one.
struct Skeleton {
  static constexpr std::uint32_t kFinalVowel = std::uint32_t{1} << 31;
  std::string symbols;
  std::uint32_t vowels = 0;
};
bool abjad_skeletons(std::string_view raw_word, std::vector<Skeleton>& out);
Skeleton latin_skeleton(std::string_view folded_word);
/// False for words that say what kind of party, not which: legal forms, generic business words,
/// honorifics, particles, places ("llc", "trading", "bank", "sheikh", "al", "russia").
bool distinctive_word(std::string_view folded_word) noexcept;
/// True for an East Slavic or Turkic patronymic ("vladimirovich", "ivanovna", "ogly").
bool patronymic_word(std::string_view folded_word) noexcept;
/// The calibrated probability of a name match's evidence (queries/screen_calibration.h).
double calibrated_score(const NameEvidence& evidence) noexcept;
/// What is known of a name match's evidence before it is scored: upper bounds of the shares, the
/// rarity matched and the words matched, a lower bound of the weakest pair, and each flag as
/// known (0 false, 1 true) or not (-1: either).
struct EvidenceBound {
  double query_share = 1;     // at most
  double name_share = 1;      // at most
  double matched_weight = 2;  // at most
  int matched_words = 64;     // at most
  double min_similarity = 0;  // at least
  int one_word = -1, weak = -1, person = -1, typo_only = -1, distinctive_exact = -1;
};
/// The largest logit (log odds) of the calibrated score that evidence within `bound` can reach:
/// each term at the end of its range its coefficient favours. calibrated_score_bound: as a score.
double calibrated_logit_bound(const EvidenceBound& bound) noexcept;
double calibrated_score_bound(const EvidenceBound& bound) noexcept;
/// What this thread's last screen() walked: postings read, names met (one that fails the first
/// test of the walk's bound is met again through each list that holds it), names past that test
/// (each once), names scored in full. For the bench's slowest queries.
struct ScreenWalkStats {
  std::size_t postings = 0, names_met = 0, first_passed = 0, scored = 0;
  std::size_t filter_tested = 0;  // postings a filter tested (postings: those it let through, and the rest)
  std::size_t filter_set = 0;     // postings set into filters (a bit per index entry each)
};
ScreenWalkStats last_screen_walk_stats() noexcept;
}  // namespace detail

}  // namespace skg
