#include "skg/queries/screen.h"

#include <unicode/locid.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <tuple>
#include <type_traits>
#include <unordered_map>

#include "skg/graph/error.h"
#include "skg/graph/strings.h"
#include "skg/queries/as_of.h"

namespace skg::inline v1 {

namespace {

// Word weights. A word's weight is its rarity over the index (inverse document frequency), then
// capped by its role: legal forms, generic business words and name particles say little about
// which party is meant, honorifics and titles nothing.
constexpr double kLegalFormWeight = 0.05;
constexpr double kGenericWeight = 0.1;
constexpr double kParticleWeight = 0.15;
constexpr double kInitialWeight = 0.25;
constexpr double kPatronymicWeight = 0.35;  // often left out when a person is named
constexpr double kPlaceWeight = 0.2;
constexpr double kMeaningfulWeight = 0.2;  // lighter words (generic, legal-form, very common)
                                           // identify no one on their own
constexpr double kLegalFormEquivalent = 0.9;  // "Ltd" for "Limited": close, not identical
constexpr double kIdfFloorEntries = 20000;    // small graphs: rarity as if among 20k names
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
/// quotes and apostrophes join (BGN writes ъ as ", "O'Brien" = "obrien"), and so do the spacing
/// modifier letters Latin-ASCII leaves (ICU's Arabic-Latin writes ain and hamza as ʿ and ʾ:
/// "سعيد" -> "sʿyd" is "syd", not "s yd"; a first ain is "a"); the rest splits.
void ascii_words(std::string_view text, std::string& out) {
  bool in_word = false;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    const auto byte = static_cast<unsigned char>(c);
    if ((byte == 0xCA || byte == 0xCB) && at + 1 < text.size() &&
        (static_cast<unsigned char>(text[at + 1]) & 0xC0) == 0x80) {
      // U+0280..U+02FF: IPA letters and spacing modifier letters, dropped within the word; an ain
      // (U+02BF) that starts a word is its first vowel, as Latin spellings write it ("عمر" is
      // "amr", Omar, not "mr"; "عبد" is "abd").
      if (!in_word && byte == 0xCA && static_cast<unsigned char>(text[at + 1]) == 0xBF) {
        if (!out.empty()) out += ' ';
        out += 'a';
        in_word = true;
      }
      ++at;
      continue;
    }
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

/// True when a raw word (for_each_token's second argument) starts with a letter of the Arabic
/// block (U+0600..U+06FF): its token is ICU's letter-for-letter romanisation, vowels left out.
bool arabic_word(std::string_view raw) noexcept {
  if (raw.size() < 2) return false;
  const auto lead = static_cast<unsigned char>(raw[0]);
  return lead >= 0xD8 && lead <= 0xDB;  // UTF-8 lead bytes of U+0600..U+06FF
}

/// True when a raw word is one Han character (for_each_token folds each alone).
bool han_character(std::string_view raw) noexcept {
  if (raw.size() < 3) return false;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(raw.data());
  const auto size = static_cast<std::int32_t>(raw.size());
  std::int32_t at = 0;
  UChar32 code = 0;
  U8_NEXT(bytes, at, size, code);
  UErrorCode status = U_ZERO_ERROR;
  return code >= 0 && at == size && uscript_getScript(code, &status) == USCRIPT_HAN;
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

/// Korean: a Hangul syllable (U+AC00..U+D7A3) is its initial, medial and final letters
/// arithmetically ((initial * 21 + medial) * 28 + final, The Unicode Standard 15.0, section 3.12),
/// romanised by the DPRK's "Rules of the Latin Alphabetical Transcriptions of the Korean Language"
/// (1992, updated 2002 and 2012, presented to UNGEGN), breves dropped: the spelling the lists give
/// Korean names ("KIM, Jong Un" = 김정은, "RI, Pyong Chol" = 리병철, "CHOE, Ryong Hae" = 최룡해 in OFAC's
/// SDN list). Each syllable is one word, as those rules write a name of Chinese-character origin
/// and as the lists do, with the initial's voiceless letter (ㄱ k, ㄷ t, ㅂ p). ICU's Hangul-Latin
/// is a letter-for-letter transliteration of the South's system that runs a name together
/// ("gimjeong-eun"), which no list spells.
constexpr std::array<std::string_view, 19> kHangulInitial = {
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th", "ph", "h"};
constexpr std::array<std::string_view, 21> kHangulMedial = {
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"};
constexpr std::array<std::string_view, 28> kHangulFinal = {
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"};

constexpr bool hangul_syllable(UChar32 code) noexcept { return code >= 0xAC00 && code <= 0xD7A3; }

/// The syllable's romanisation into `out` (cleared first).
void romanise_hangul(UChar32 code, std::string& out) {
  const auto index = static_cast<std::size_t>(code - 0xAC00);
  out.assign(kHangulInitial[index / (21 * 28)]);
  out += kHangulMedial[(index / 28) % 21];
  out += kHangulFinal[index % 28];
}

/// Calls `emit(token)` for each folded word of `name`, or `emit(token, raw)` when it takes the raw
/// word too (the UTF-8 word the token was folded from; empty for an ASCII word). `cache` keeps
/// non-ASCII words already folded (index builds see the same words many times); null for one-off
/// queries.
template <class Emit>
void for_each_token(std::string_view name, std::unordered_map<std::string, std::string>* cache,
                    std::string& scratch, Emit&& emit) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(name.data());
  const auto size = static_cast<std::int32_t>(name.size());
  std::int32_t at = 0, word_start = -1;
  bool ascii = true;
  scratch.clear();
  auto send = [&](std::string_view token, std::string_view raw) {
    if constexpr (std::is_invocable_v<Emit&, std::string_view, std::string_view>) emit(token, raw);
    else emit(token);
  };
  auto finish = [&](std::int32_t end) {
    if (word_start < 0) return;
    if (ascii) {
      if (!scratch.empty()) send(std::string_view(scratch), {});
    } else {
      std::string_view raw(name.data() + word_start, static_cast<std::size_t>(end - word_start));
      // The Arabic article, written joined to the word it defines, is a word of its own, as the
      // lists write it in Latin letters ("الأسد" -> "al", "asd": "AL-ASSAD"); "الله" is one word.
      constexpr std::string_view kArticle = "\xD8\xA7\xD9\x84", kAllah = "\xD8\xA7\xD9\x84\xD9\x84\xD9\x87";
      if (raw.size() >= kArticle.size() + 4 && raw.starts_with(kArticle) && raw != kAllah &&
          arabic_word(raw.substr(kArticle.size()))) {
        send("al", raw.substr(0, kArticle.size()));
        raw.remove_prefix(kArticle.size());
      }
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
        send(rest.substr(0, space), raw);
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
      if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7F) continue;  // control: dropped
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
    // Invisible characters (zero-width space and joiners, direction marks, soft hyphen, BOM:
    // Unicode general category Cf) and C1 controls vanish: "Kasper\u200Bsky" is "Kaspersky".
    if ((U_GET_GC_MASK(code) & (U_GC_CF_MASK | U_GC_CC_MASK)) != 0) continue;
    const bool apostrophe = code == 0x2019 || code == 0x02BC;
    const bool letter = u_isalnum(code) || (U_GET_GC_MASK(code) & U_GC_M_MASK) != 0;
    if (hangul_syllable(code)) {
      finish(start);
      std::string syllable;
      romanise_hangul(code, syllable);
      send(syllable, name.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(at - start)));
      continue;
    }
    UErrorCode script_status = U_ZERO_ERROR;
    if (letter && uscript_getScript(code, &script_status) == USCRIPT_HAN) {
      // One Han character is one syllable: folded (and cached) alone, so that a million Chinese
      // names cost a few thousand ICU calls, not a million.
      finish(start);
      word_start = start;
      ascii = false;
      finish(at);
      continue;
    }
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
  // Optimal string alignment distance: Levenshtein plus swaps of neighbours ("ks" / "sk"), over
  // the band |i - j| <= max_edits only (a cell outside it is more than max_edits away), every
  // value capped at max_edits + 1: a value within the budget comes only from values within it,
  // so those are exact and the rest read as "over". Three rows, rotated, never copied.
  const int over = max_edits + 1;
  std::array<int, kMaxFuzzyLength + 2> row_a{}, row_b{}, row_c{};
  int* before = row_a.data();    // row i - 2
  int* previous = row_b.data();  // row i - 1
  int* current = row_c.data();   // row i
  for (int j = 0; j <= m; ++j) previous[j] = std::min(j, over);
  for (int i = 1; i <= n; ++i) {
    const int low = std::max(1, i - max_edits), high = std::min(m, i + max_edits);
    current[low - 1] = low == 1 ? std::min(i, over) : over;
    int row_min = current[low - 1];
    const char ai = a[i - 1];
    for (int j = low; j <= high; ++j) {
      const int cost = ai == b[j - 1] ? 0 : 1;
      int value = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && ai == b[j - 2] && a[i - 2] == b[j - 1]) value = std::min(value, before[j - 2] + 1);
      value = std::min(value, over);
      current[j] = value;
      row_min = std::min(row_min, value);
    }
    if (high < m) current[high + 1] = over;
    if (row_min > max_edits) return over;
    int* const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  return std::min(previous[m], over);
}

EditPattern::EditPattern(std::string_view word) noexcept : word_(word) {
  if (word_.size() > kMaxFuzzyLength) return;
  for (std::size_t at = 0; at < word_.size(); ++at) masks_[static_cast<unsigned char>(word_[at])] |= std::uint64_t{1} << at;
}

int EditPattern::bounded_edits(std::string_view other, int max_edits) const noexcept {
  // The same distance as bounded_edits above (optimal string alignment), one column of the table
  // at a time as bit vectors of its vertical differences (+1 in vp, -1 in vn): H. Hyyrö, "A
  // bit-vector algorithm for computing Levenshtein and Damerau edit distances", Nordic Journal of
  // Computing 10 (2003), Myers' algorithm with a swap term. A few word operations a letter of
  // `other` instead of a band of cells, with the word's letter masks made once for every token
  // it is compared with. The distance is exact, then capped as above.
  const int over = max_edits + 1;
  const std::size_t shorter = std::min(word_.size(), other.size()), longer = std::max(word_.size(), other.size());
  if (static_cast<int>(longer - shorter) > max_edits) return over;
  if (longer > kMaxFuzzyLength) return word_ == other ? 0 : over;
  if (word_.empty()) return std::min(static_cast<int>(other.size()), over);
  const std::size_t size = word_.size();
  const std::uint64_t last = std::uint64_t{1} << (size - 1);  // the row of the whole word
  std::uint64_t vp = size == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << size) - 1;
  std::uint64_t vn = 0, diagonal_zero = 0, previous_mask = 0;
  int distance = static_cast<int>(size);  // the column of no letter of `other`: the word's length
  for (char c : other) {
    const std::uint64_t mask = masks_[static_cast<unsigned char>(c)];
    // A swap of neighbours: this letter matches at i and the previous one at i + 1, where the
    // previous column's diagonal did not stay level.
    const std::uint64_t swap = ((~diagonal_zero & mask) << 1) & previous_mask;
    diagonal_zero = (((mask & vp) + vp) ^ vp) | mask | vn | swap;
    std::uint64_t hp = vn | ~(diagonal_zero | vp);
    std::uint64_t hn = diagonal_zero & vp;
    distance += (hp & last) != 0;
    distance -= (hn & last) != 0;
    hp = (hp << 1) | 1;  // row 0 grows by one a letter of `other`
    hn <<= 1;
    vp = hn | ~(diagonal_zero | hp);
    vn = hp & diagonal_zero;
    previous_mask = mask;
  }
  return std::min(distance, over);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Word roles. Folded (ASCII, lower case) words, in the languages and romanisations the lists use.

namespace {

enum class Role : std::uint8_t { Ordinary, Legal, Generic, Particle, Honorific, Patronymic, Place };

// Honorifics, titles and ranks: typed before a name ("Mr", "President", "Sheikh"), never part of
// what identifies the party. Ignored in queries (when a word is left) and weightless in names.
constexpr std::string_view kHonorifics[] = {
    "mr", "mrs", "ms", "miss", "mister", "dr", "prof", "professor", "sir", "dame", "madam",
    "madame", "mme", "mlle", "monsieur", "herr", "frau", "senor", "senora", "sr", "sra", "gospodin",
    "sheikh", "shaikh", "sheik", "shaykh", "sayyid", "sayed", "sayyed", "seyed", "seyyed", "hajji",
    "haji", "hajj", "alhaj", "alhaji", "mullah", "mulla", "maulana", "mawlawi", "maulavi", "mawlavi",
    "imam", "ayatollah", "hojatoleslam", "president", "minister", "gen",
    "colonel", "col", "maj", "captain", "capt", "lieutenant", "lt", "sergeant", "sgt",
    "brigadier", "admiral", "adm", "commander", "cmdr", "marshal", "king", "queen", "prince",
    "princess", "emir", "lord", "lady", "senator", "judge", "rev", "reverend", "hon",
    "honourable", "honorable", "excellency", "chairman",
};
// Particles of names: articles and "son of" words that join or separate freely ("al-Rashid",
// "Alrashid", "bin Laden", "van der Berg", "de la Cruz").
constexpr std::string_view kParticles[] = {
    "al", "el", "ul", "ud", "bin", "ben", "ibn", "bint", "binti", "abu", "abou", "bou", "van", "von",
    "der", "den", "ter", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le", "les",
    "y", "e", "mac", "mc", "st", "oglu", "ogly", "kyzy", "uulu",
};
// Generic words of organisation names (and connectives) in English, French, Spanish, German,
// Russian, Persian and Arabic romanisations: they say what kind of body, not which one.
constexpr std::string_view kGeneric[] = {
    "the", "of", "and", "for", "in", "at", "on", "to", "et", "und", "des", "fur",
    "bank", "banka", "banque", "banco", "bankasi", "trading", "trade", "traders", "group", "groupe",
    "grupo", "holding", "holdings", "international", "intl", "internacional", "industrial",
    "industries", "industry", "industrie", "enterprise", "enterprises", "service", "services",
    "import", "export", "imports", "exports", "investment", "investments", "development",
    "shipping", "logistics", "management", "global", "national", "state", "foundation", "fund",
    "association", "organization", "organisation", "society", "institute", "commercial",
    "commerce", "finance", "financial", "capital", "resources", "energy", "oil", "gas",
    "petroleum", "technologies", "technology", "tech", "systems", "solutions", "partners",
    "works", "factory", "plant", "center", "centre", "agency", "office", "union", "joint",
    "stock", "public", "open", "closed", "private", "general", "limited", "liability", "company",
    "compania", "societe", "gesellschaft", "unternehmen", "obshchestvo", "otvetstvennostyu",
    "ogranichennoy", "aktsionernoye", "aktsionernoe", "zakrytoye", "otkrytoye", "publichnoye",
    "gosudarstvennoye", "predpriyatiye", "federalnoye", "unitarnoye", "kompaniya", "firma",
    "zavod", "sherkat", "sherkate", "tejarat", "tejarate", "sanaye", "sanat", "mohandesi",
    "sharikat", "sharikah", "sharika", "muassasat", "muassasa", "tijara", "tijariya", "co",
    "ship", "vessel", "mv", "aircraft", "airlines", "airline", "air", "marine", "maritime",
    "exchange", "money", "construction", "engineering", "electronics", "electronic", "research",
    "production", "scientific", "academy", "university", "ministry", "department", "committee",
    "council", "army", "forces", "brigade", "front", "movement", "party", "network",
    "lab", "labs", "laboratory", "laboratories", "laboratoriya", "laboratorii", "laboratoire",
    "laboratorio", "labor",
};

// Countries and cities that qualify organisation names ("Sberbank of Russia", "Bank Melli Iran")
// or follow a person's name: they narrow down, they do not identify.
constexpr std::string_view kPlaces[] = {
    "russia", "russian", "rossii", "rossiyskoy", "iran", "iranian", "syria", "syrian", "korea",
    "korean", "dprk", "china", "chinese", "cuba", "cuban", "venezuela", "belarus", "ukraine",
    "crimea", "iraq", "iraqi", "libya", "libyan", "lebanon", "yemen", "sudan", "afghanistan",
    "pakistan", "turkey", "uae", "emirates", "hong", "kong", "moscow", "tehran", "damascus",
    "pyongyang", "beijing", "shanghai", "dubai", "minsk", "caracas", "havana", "baghdad",
    "beirut", "kabul", "london", "cyprus", "europe", "asia", "america", "africa", "middle", "east",
};

template <std::size_t N>
bool listed_in(const std::string_view (&words)[N], std::string_view word) noexcept {
  for (std::string_view listed : words)
    if (listed == word) return true;
  return false;
}

// Every country that ISO 3166-1 names in one word is a place word too ("Kaspersky Lab Switzerland
// GmbH", "Gazprom Germania"): its short and common English names (queries/countries.inc, from
// Debian's iso-codes) and CLDR's English name through ICU, folded as screening folds them. Names
// of several words ("United Arab Emirates", "Sierra Leone") are left out: their words alone
// ("united", "sierra") name no country. Codes are left out too ("AND", "CAN" are words).
struct IsoCountryName {
  std::string_view alpha2, alpha3, name, official, common;
};
constexpr IsoCountryName kIsoCountryNames[] = {
#include "countries.inc"
};

/// `text` folded as screening folds names, when that makes exactly one word (in `out`); else "".
std::string_view one_folded_word(std::string_view text, std::string& out) {
  std::string scratch;
  int count = 0;
  for_each_token(text, nullptr, scratch, [&](std::string_view token) {
    if (++count == 1) out.assign(token);
  });
  if (count != 1) out.clear();
  return out;
}

const std::vector<std::string>& iso_country_words() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> out;
    std::string folded;
    auto add = [&](std::string_view text) {
      if (!text.empty() && !one_folded_word(text, folded).empty()) out.push_back(folded);
    };
    for (const IsoCountryName& country : kIsoCountryNames) {
      add(country.name);
      add(country.common);
      const icu::Locale locale("", std::string(country.alpha2).c_str());
      icu::UnicodeString display;
      locale.getDisplayCountry(icu::Locale::getEnglish(), display);
      std::string utf8;
      display.toUTF8String(utf8);
      if (utf8 != country.alpha2) add(utf8);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return words;
}

bool iso_country_word(std::string_view word) {
  const auto& words = iso_country_words();
  return std::binary_search(words.begin(), words.end(), word);
}

Role role_of(std::string_view word) {
  if (legal_form_kind(word) != 0) return Role::Legal;
  if (listed_in(kHonorifics, word)) return Role::Honorific;
  if (listed_in(kParticles, word)) return Role::Particle;
  if (listed_in(kGeneric, word)) return Role::Generic;
  if (listed_in(kPlaces, word) || iso_country_word(word)) return Role::Place;
  // Patronymics of East Slavic names (-ovich, -evna, Ukrainian -ovych) and Turkic ones (-ogly,
  // -kyzy, -uly): the father's name, often left out when the person is named.
  for (std::string_view suffix : {"ovich", "evich", "ovych", "evych", "ovitch", "ovna", "evna",
                                  "ichna", "ogly", "oglu", "kyzy", "qizi", "uly", "uulu"})
    if (word.size() > suffix.size() + 2 && word.ends_with(suffix)) return Role::Patronymic;
  return Role::Ordinary;
}

double role_cap(Role role) noexcept {
  switch (role) {
    case Role::Ordinary: return 1.0;
    case Role::Legal: return kLegalFormWeight;
    case Role::Generic: return kGenericWeight;
    case Role::Particle: return kParticleWeight;
    case Role::Honorific: return 0.0;
    case Role::Patronymic: return kPatronymicWeight;
    case Role::Place: return kPlaceWeight;
  }
  return 1.0;
}

bool is_vowel(char c) noexcept { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }

}  // namespace

namespace detail {

bool distinctive_word(std::string_view word) noexcept {
  const Role role = role_of(word);
  return role == Role::Ordinary || role == Role::Patronymic;
}

bool patronymic_word(std::string_view word) noexcept { return role_of(word) == Role::Patronymic; }

// Romanisations of one name differ in vowels, doubled letters and a few digraphs: Russian BGN
// "Aleksandr" / French "Alexandre" / English "Alexander"; "-ov" / "-off"; Arabic "Mohammed" /
// "Muhammad" / "Mohamad"; "Yevgeniy" / "Evgeni"; "Khalil" / "Halil"; "Ziyad" / "Ziad". The key
// keeps the first letter (any vowel as "a"), then the consonants with those variants merged.
std::string variant_key(std::string_view word) {
  std::string norm;
  norm.reserve(word.size() + 4);
  for (std::size_t at = 0; at < word.size(); ++at) {
    const char c = word[at];
    const char next = at + 1 < word.size() ? word[at + 1] : '\0';
    if (c == 'x') { norm += "ks"; continue; }
    if (c == 'p' && next == 'h') { norm += 'f'; ++at; continue; }
    if ((c == 'k' || c == 'g') && next == 'h') { norm += c == 'k' ? 'h' : 'g'; ++at; continue; }
    if ((c == 'z' || c == 'd') && next == 'h') { norm += 'j'; ++at; continue; }  // zh, dh
    if (c == 'd' && next == 'j') { norm += 'j'; ++at; continue; }
    if ((c == 't' || c == 'd') && (next == 'z' || next == 's') && at + 2 < word.size() &&
        word[at + 2] == 'h') { norm += 'C'; at += 2; continue; }  // tsh, dzh
    if (c == 't' && (next == 'z' || next == 's')) { norm += 'Z'; ++at; continue; }  // ts, tz
    if (c == 's' && next == 'c' && at + 2 < word.size() && word[at + 2] == 'h') { norm += 'S'; at += 2; continue; }
    if (c == 's' && next == 'h') { norm += 'S'; ++at; continue; }
    if (c == 'c' && next == 'h') { norm += 'C'; ++at; continue; }
    if (c == 'c' && next == 'k') { norm += 'k'; ++at; continue; }
    if (c == 'c' || c == 'q') { norm += 'k'; continue; }
    if (c == 'w') { norm += 'v'; continue; }
    if (c == 'j' && at == 0 && next != '\0' && is_vowel(next)) { norm += 'y'; continue; }
    norm += c;
  }
  // "-off", "-eff" at the end are the French and German spelling of "-ov", "-ev".
  if (norm.size() > 4 && norm.ends_with("ff")) norm.replace(norm.size() - 2, 2, "v");
  else if (norm.size() > 4 && norm.back() == 'f' && is_vowel(norm[norm.size() - 2])) norm.back() = 'v';
  std::string key;
  key.reserve(norm.size());
  for (std::size_t at = 0; at < norm.size(); ++at) {
    char c = norm[at];
    if (at == 0) {
      key += is_vowel(c) ? 'a' : c;
      continue;
    }
    if (is_vowel(c)) continue;
    if (c == 'h' && at > 0 && !is_vowel(norm[at - 1])) continue;  // a silent h after a consonant
    if (!key.empty() && key.back() == c) continue;                // doubled letters
    key += c;
  }
  return key;
}

// Arabic and Persian script write consonants and long vowels, not short vowels (an abjad): "محمد"
// is m-h-m-d, which the lists spell "Muhammad", "Mohammed", "Mohamad". ICU's Arabic-Latin gives the
// letters ("mhmd"), two edits or more from every such spelling, so neither the edit distance nor
// the variant key meets them. A skeleton does: the word's consonants, each class of letters that
// romanise alike as one symbol, vowels left out. The two sides are made apart, each from what it
// holds: the Arabic word's letters (Unicode Arabic block, the Persian letters included) and the
// Latin word's letters and digraphs (sh, kh, th, dh, gh, ph, zh, ch, dj), with the classes of the
// romanisation tables of both (BGN/PCGN 1956 for Arabic, 1958 for Persian, whose values follow
// Persian pronunciation where it differs): ث as t (th) or s, ذ ض ظ as d (dh) or z, ق as k (q) or
// g (Maghrebi "Gasmi"), خ as x (kh), ش and چ as S (sh, ch), ژ as j (zh). A word's first
// sound when it is a vowel (alif, ain, hamza; a Latin vowel) is 'A'. Ain and hamza inside a word,
// ta marbuta and harakat leave no symbol; waw inside a word is a consonant (Marwan) or the vowel u
// (Mahmoud), so an Arabic word with one or two has a skeleton for each reading; ya inside a word
// is taken as the vowel (Sayyid, Hussein: Latin "y" inside a word is a vowel too). Letters
// doubled side by side are one; a final h is left out on both sides (ة and "-ah" alike). Beside
// the symbols, the slots between them that hold a vowel: Arabic writes its long vowels (alif, ya,
// waw), so a Latin spelling that has no vowel where the Arabic word has one is another name with
// the same consonants ("بشار" is Bashar, b-sh-A-r, not Bushra, b-u-sh-r-a).
namespace {

/// Appends a consonant's symbol; a vowel met since the last one marks its slot (after the
/// skeleton's last symbol) in `vowels`.
void push_symbol(Skeleton& out, char symbol, bool& vowel_since) {
  if (vowel_since && !out.symbols.empty()) out.vowels |= std::uint32_t{1} << std::min<std::size_t>(out.symbols.size(), 30);
  vowel_since = false;
  out.symbols += symbol;
}

/// A final vowel's slot marked, and Skeleton::kFinalVowel when the word ends in one; a final h
/// off (ة, "-ah"), when something is left.
void finish_skeleton(Skeleton& out, bool vowel_since, bool final_vowel) {
  if (vowel_since && !out.symbols.empty()) out.vowels |= std::uint32_t{1} << std::min<std::size_t>(out.symbols.size(), 30);
  if (out.symbols.size() > 1 && out.symbols.back() == 'h') {
    out.symbols.pop_back();
    out.vowels &= (std::uint32_t{1} << std::min<std::size_t>(out.symbols.size() + 1, 31)) - 1;
  }
  if (final_vowel) out.vowels |= Skeleton::kFinalVowel;
}

/// The symbol of one Arabic-script letter: a consonant's class, 'a' for alif (a vowel), 'w' and
/// 'y' for waw and ya (read by place), '-' for ain and hamza (a vowel at the start, else nothing),
/// 'T' for ta marbuta (no symbol, a final vowel), '.' for what leaves nothing (harakat, tatweel),
/// 0 for what is not an Arabic letter.
char arabic_symbol(UChar32 code) noexcept {
  switch (code) {
    case 0x0622: case 0x0623: case 0x0625: case 0x0627: case 0x0671: return 'a';  // alif forms
    case 0x0621: case 0x0624: case 0x0626: case 0x0639: return '-';                // hamza, ain
    case 0x0628: case 0x067E: return 'b';                                          // ب پ
    case 0x062A: case 0x0637: return 't';                                          // ت ط
    case 0x062B: return 'E';                                                       // ث: t or s
    case 0x062C: case 0x0698: return 'j';                                          // ج ژ
    case 0x0686: case 0x0634: return 'S';                                          // چ ش
    case 0x062D: case 0x0647: case 0x06C1: case 0x06BE: return 'h';                // ح ه
    case 0x062E: return 'x';                                                       // خ
    case 0x062F: return 'd';                                                       // د
    case 0x0630: case 0x0636: case 0x0638: return 'D';                             // ذ ض ظ: d or z
    case 0x0631: return 'r';
    case 0x0632: return 'z';                                                       // ز
    case 0x0633: case 0x0635: return 's';                                          // س ص
    case 0x063A: case 0x06AF: return 'g';                                          // غ گ
    case 0x0641: return 'f';
    case 0x0642: return 'Q';                                                       // ق: k or g
    case 0x0643: case 0x06A9: return 'k';                                          // ك ک
    case 0x0644: return 'l';
    case 0x0645: return 'm';
    case 0x0646: return 'n';
    case 0x0648: return 'w';
    case 0x064A: case 0x06CC: case 0x0649: return 'y';                             // ي ی ى
    case 0x0629: return 'T';                                                       // ة
    case 0x0640: return '.';                                                       // tatweel
    default:
      if ((code >= 0x064B && code <= 0x065F) || code == 0x0670) return '.';        // harakat
      return 0;
  }
}

}  // namespace

bool abjad_skeletons(std::string_view raw_word, std::vector<Skeleton>& out) {
  out.clear();
  std::string letters;  // symbols as arabic_symbol gives them
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(raw_word.data());
  const auto size = static_cast<std::int32_t>(raw_word.size());
  for (std::int32_t at = 0; at < size;) {
    UChar32 code = 0;
    U8_NEXT(bytes, at, size, code);
    if (code >= 0 && (U_GET_GC_MASK(code) & U_GC_CF_MASK) != 0) continue;  // invisible: as folding drops it
    const char symbol = code < 0 ? 0 : arabic_symbol(code);
    if (symbol == 0) return false;
    if (symbol != '.') letters += symbol;
  }
  if (letters.empty()) return false;
  // Letters read two ways: an inner waw (w, or the vowel u), and the letters Persian, Urdu and
  // Maghrebi spellings write otherwise than Levantine ones (ذ ض ظ: d or z, "Fazl"; ث: t or s,
  // "Usman"; ق: k or g, "Gasmi"). The first four such letters are read both ways.
  std::vector<std::size_t> twofold;
  for (std::size_t at = 0; at < letters.size() && twofold.size() < 4; ++at)
    if ((letters[at] == 'w' && at > 0) || letters[at] == 'D' || letters[at] == 'E' || letters[at] == 'Q') twofold.push_back(at);
  const std::string_view stem = letters;
  for (unsigned reading = 0; reading < (1u << twofold.size()); ++reading) {
    Skeleton skeleton;
    bool vowel_since = false;  // a long vowel (alif, ya, waw read as u) since the last consonant
    bool last_vowel = false;   // the last letter read as a vowel
    for (std::size_t at = 0; at < stem.size(); ++at) {
      char symbol = stem[at];
      const auto fold = std::find(twofold.begin(), twofold.end(), at);
      const bool second = fold != twofold.end() && ((reading >> (fold - twofold.begin())) & 1u) != 0;
      switch (symbol) {
        case 'D': symbol = second ? 'z' : 'd'; break;
        case 'E': symbol = second ? 's' : 't'; break;
        case 'Q': symbol = second ? 'g' : 'k'; break;
        case 'w': if (second) symbol = 'u'; break;
        default: break;
      }
      last_vowel = symbol == 'a' || symbol == 'y' || symbol == 'u' || symbol == 'T' || symbol == 'h' || symbol == '-';
      if (at == 0) {
        skeleton.symbols += symbol == 'a' || symbol == '-' ? 'A' : symbol;
        continue;
      }
      if (symbol == 'a' || symbol == 'y' || symbol == 'u') {
        vowel_since = true;
        continue;
      }
      if (symbol == '-' || symbol == 'T' || stem[at] == stem[at - 1]) continue;  // ain, hamza, ta marbuta; doubled
      push_symbol(skeleton, symbol, vowel_since);
    }
    // A Latin spelling may end in a vowel only where the word ends in a letter that is one, or in
    // ta marbuta, h, ain or hamza, which Latin writes as a vowel or leaves out ("Hamza",
    // "Abdalla", "Rabi").
    finish_skeleton(skeleton, vowel_since, stem.size() > 1 && last_vowel);
    if (skeleton.symbols.size() >= 2 &&
        std::none_of(out.begin(), out.end(), [&](const Skeleton& other) { return other.symbols == skeleton.symbols; }))
      out.push_back(std::move(skeleton));
  }
  return !out.empty();
}

Skeleton latin_skeleton(std::string_view token) {
  Skeleton skeleton;
  bool vowel_since = false;
  for (std::size_t at = 0; at < token.size(); ++at) {
    const char c = token[at];
    if (c < 'a' || c > 'z') return {};
    if (at > 0 && c == token[at - 1]) continue;  // doubled side by side
    const char next = at + 1 < token.size() ? token[at + 1] : '\0';
    char symbol = 0;
    if (next == 'h' && (c == 's' || c == 'c' || c == 'k' || c == 't' || c == 'd' || c == 'g' || c == 'p' || c == 'z')) {
      symbol = c == 's' || c == 'c' ? 'S' : c == 'k' ? 'x' : c == 'p' ? 'f' : c == 'z' ? 'j' : c;
      ++at;
    } else if (c == 'd' && next == 'j') {  // French "dj": "Djamel"
      symbol = 'j';
      ++at;
    } else {
      switch (c) {
        case 'a': case 'e': case 'i': case 'o': case 'u': symbol = 'A'; break;
        case 'y': symbol = at == 0 ? 'y' : 'A'; break;
        case 'v': case 'w': symbol = 'w'; break;
        case 'p': symbol = 'b'; break;
        case 'c': case 'q': symbol = 'k'; break;
        case 'x': push_symbol(skeleton, 'k', vowel_since); symbol = 's'; break;
        default: symbol = c;
      }
    }
    if (symbol == 'A' && at == 0) {
      skeleton.symbols += 'A';  // a word's first sound, when a vowel
    } else if (symbol == 'A') {
      vowel_since = true;
    } else {
      push_symbol(skeleton, symbol, vowel_since);
    }
  }
  const char last = token.empty() ? '\0' : token.back();
  finish_skeleton(skeleton, vowel_since, last == 'a' || last == 'e' || last == 'i' || last == 'o' || last == 'u' || last == 'y');
  if (skeleton.symbols.size() < 2) return {};
  return skeleton;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// The index.

struct ScreenIndex::Data {
  // Distinct folded tokens.
  std::vector<char> chars;
  std::vector<std::uint32_t> token_at{0};  // token_count + 1
  std::vector<std::uint8_t> legal;         // legal-form class, 0 for an ordinary word
  std::vector<Role> role;
  std::vector<float> weight;               // rarity capped by role, in [0, 1]
  std::vector<std::uint32_t> slots;        // open addressing: 0 empty, else token + 1
  std::vector<std::vector<std::uint32_t>> legal_class;  // class -> tokens of that class
  // Fuzzy keys: each token's single-letter deletions and its variant key (and that key's
  // deletions), hashed; a query word's keys meet the keys of every token within one edit or of
  // the same variant key (symmetric deletion, as in SymSpell). key_slots: open addressing over
  // key hashes, each pointing at its run in key_tokens.
  struct KeySlot {          // one cache line or less a probe: the hash and its run together
    std::uint64_t hash = 0;  // distinct key hash (0: empty slot)
    std::uint32_t start = 0; // first of its run in key_tokens
    std::uint32_t count = 0; // run length
  };
  std::vector<KeySlot> key_slots;
  std::vector<std::uint32_t> key_tokens;
  std::vector<std::uint64_t> variant_hash;  // by token: hash of its transliteration key
  std::vector<std::uint8_t> head;           // by token: first letter (7 bits), 0x80 for a one-letter word
  // Entries: one per (node, name or alias).
  std::vector<NodeId> entry_node;
  std::vector<std::uint16_t> entry_slot;  // position in graph.names(node)
  std::vector<std::uint8_t> entry_flags;  // kEntryWeak | kEntryPerson
  std::vector<std::uint32_t> entry_token_at{0};
  std::vector<std::uint32_t> entry_tokens;
  // Postings: token -> entries, each token's run ordered by the entry's key (ascending), with the
  // key beside it: a person's total word weight, an organisation's distinctive word weight (what a
  // query must cover of the name for its name share to be high). A walk stops at the key past
  // which no name of the run can reach the threshold (screen(): cutoff_key).
  std::vector<std::uint32_t> posting_at;
  std::vector<std::uint32_t> postings;
  std::vector<float> posting_key;
  // The largest key of a name of one ordinary word (score_entry: NameEvidence::one_word), -1 when
  // there is none: a name with a larger key has two ordinary words or more, which the walk's
  // cutoff counts on (screen(): cutoff_key).
  float one_word_key_max = -1;
  // Beside each posting, what the walk's bound (screen(): may_reach) reads of its name: its flags
  // and, for a name of kInlineTokens words or fewer, its words. A long run is then read in order
  // instead of costing two or three cache misses a name at random places of the index (the names
  // of one word's postings are scattered over it); a longer name reads entry_token_span.
  static constexpr std::size_t kInlineTokens = 10;
  struct PostingName {  // 48 bytes
    std::uint32_t entry = 0;
    std::uint8_t count = 0;  // the name's words, up to 255 (more: 255, read the entry's span)
    std::uint8_t flags = 0;  // kEntryWeak | kEntryPerson | kEntryAlias | kEntryLetter
    std::uint16_t heads = 0;  // the first letters of its words, a bit each (letter_bit)
    std::uint32_t tokens[kInlineTokens] = {};
  };
  std::vector<PostingName> posting_names;
  // By token, packed: what may_reach reads of each word of a name (one load, not four).
  struct TokenCard {
    float weight = 0;
    std::uint8_t legal = 0;
    Role role = Role::Ordinary;
    std::uint8_t head = 0;      // as `head`
    bool distinctive = false;   // distinctive_token()
  };
  std::vector<TokenCard> token_cards;
  // Whole names: a hash of each entry's words as a multiset (its token ids, sorted), ascending,
  // with the entry beside it. A query of only generic, legal-form or very common words matches
  // only a name of exactly its words (score_entry); this finds those without walking the longest
  // postings of the index.
  std::vector<std::uint64_t> whole_hash;
  std::vector<std::uint32_t> whole_entry;
  // Consonant skeletons (detail::latin_skeleton) of the tokens that come from names in a script
  // other than Arabic, ascending by hash, with the token beside it: what an Arabic-script query
  // word meets (screen(): add_abjad_candidates).
  std::vector<std::uint64_t> skeleton_hash;
  std::vector<std::uint32_t> skeleton_token;
  std::vector<std::uint32_t> skeleton_vowels;  // detail::Skeleton::vowels
  std::vector<std::uint8_t> latin_word;        // by token: 1 when it has a skeleton above
  // By token: 1 when it is the reading of a Han character in some name (a pinyin syllable).
  std::vector<std::uint8_t> han_syllable;

  static constexpr std::uint8_t kEntryWeak = 1, kEntryPerson = 2;
  static constexpr std::uint8_t kEntryAlias = 4;  // in posting_names only: not the primary name
  static constexpr std::uint8_t kEntryLetter = 8;  // in posting_names only: a word of one letter

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
        role.push_back(role_of(text));
        slots[slot] = id + 1;
        return id;
      }
      if (token(entry - 1) == text) return entry - 1;
    }
  }
  void grow() {
    std::vector<std::uint32_t> old = std::move(slots);
    slots.assign(std::max<std::size_t>(1024, old.size() * 2), 0);
    const std::size_t slot_mask = slots.size() - 1;
    for (std::uint32_t entry : old) {
      if (entry == 0) continue;
      std::size_t slot = detail::hash_string(token(entry - 1)) & slot_mask;
      while (slots[slot] != 0) slot = (slot + 1) & slot_mask;
      slots[slot] = entry;
    }
  }
  std::span<const std::uint32_t> entry_token_span(std::uint32_t entry) const noexcept {
    return {entry_tokens.data() + entry_token_at[entry], entry_token_at[entry + 1] - entry_token_at[entry]};
  }
  /// Tokens sharing the key `hash` (none when no token has it).
  std::span<const std::uint32_t> keyed(std::uint64_t hash) const noexcept {
    if (key_slots.empty()) return {};
    if (hash == 0) hash = 1;
    const std::size_t slot_mask = key_slots.size() - 1;
    for (std::size_t slot = hash & slot_mask;; slot = (slot + 1) & slot_mask) {
      const KeySlot& key = key_slots[slot];
      if (key.hash == 0) return {};
      if (key.hash == hash) return {key_tokens.data() + key.start, key.count};
    }
  }
  /// Starts loading the slot where `keyed(hash)` begins its probe. (Every prefetch of this file
  /// is detail::prefetch_line, an asm statement: gcc 12 deleted the calls of this function and of
  /// the walk's prefetch_words when they were a __builtin_prefetch, as it did the string pool's,
  /// graph/strings.h; `objdump -d` showed none of their prefetcht0 in the bench.)
  void prefetch_key(std::uint64_t hash) const noexcept {
    if (key_slots.empty()) return;
    if (hash == 0) hash = 1;
    detail::prefetch_line(&key_slots[hash & (key_slots.size() - 1)]);
  }
};

namespace {

/// Calls `emit(hash)` for each fuzzy key of a folded word: the word itself, its single-letter
/// deletions, its variant key and that key's single-letter deletions (marked apart). `variant`:
/// detail::variant_key(word), which a caller that needs it too makes once (a query word).
template <class Emit>
void for_each_key(std::string_view word, std::string_view variant, Emit&& emit) {
  if (word.size() < 4 || word.size() > 32) return;
  std::string scratch;
  emit(detail::hash_string(word));
  for (std::size_t at = 0; at < word.size(); ++at) {
    scratch.assign(word.substr(0, at));
    scratch.append(word.substr(at + 1));
    emit(detail::hash_string(scratch));
  }
  std::string key = "#";
  key += variant;
  emit(detail::hash_string(key));
  if (key.size() >= 5)
    for (std::size_t at = 2; at < key.size(); ++at) {  // the first letter stays
      scratch.assign(std::string_view(key).substr(0, at));
      scratch.append(std::string_view(key).substr(at + 1));
      emit(detail::hash_string(scratch));
    }
}

/// True when one word is the other with a letter added at its end and the shorter has three
/// letters, no digits in either: "lab" / "labs", "ooo" / "oooo". Words of three letters have no
/// fuzzy keys of their own (one edit in three letters is another word: "lab" / "lam"), but a
/// trailing letter is the commonest typo and the plural ("Kasperski Labs" for "AO Kaspersky Lab").
bool trailing_letter_pair(std::string_view a, std::string_view b) noexcept {
  if (a.size() > b.size()) std::swap(a, b);
  if (a.size() != 3 || b.size() != 4 || !b.starts_with(a)) return false;
  return std::all_of(b.begin(), b.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

ScreenIndex::ScreenIndex() : data_(std::make_unique<Data>()) {}
ScreenIndex::~ScreenIndex() = default;
ScreenIndex::ScreenIndex(ScreenIndex&&) noexcept = default;
ScreenIndex& ScreenIndex::operator=(ScreenIndex&&) noexcept = default;
std::size_t ScreenIndex::entry_count() const noexcept { return data_->entry_node.size(); }
std::size_t ScreenIndex::token_count() const noexcept { return data_->token_count(); }
std::size_t ScreenIndex::bytes() const noexcept {
  const Data& d = *data_;
  auto size = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  return size(d.chars) + size(d.token_at) + size(d.legal) + size(d.role) + size(d.weight) +
         size(d.slots) + size(d.key_slots) +
         size(d.key_tokens) + size(d.variant_hash) + size(d.head) + size(d.entry_node) + size(d.entry_slot) + size(d.entry_flags) +
         size(d.entry_token_at) + size(d.entry_tokens) + size(d.posting_at) + size(d.postings) +
         size(d.posting_key) + size(d.posting_names) + size(d.token_cards) + size(d.whole_hash) +
         size(d.whole_entry) + size(d.skeleton_hash) + size(d.skeleton_token) + size(d.skeleton_vowels) +
         size(d.latin_word) + size(d.han_syllable);
}

std::string_view to_string(TokenMatchKind kind) noexcept {
  switch (kind) {
    case TokenMatchKind::Exact: return "exact";
    case TokenMatchKind::Fuzzy: return "fuzzy";
    case TokenMatchKind::LegalForm: return "legal form";
    case TokenMatchKind::Variant: return "variant";
    case TokenMatchKind::Joined: return "joined";
    case TokenMatchKind::Initial: return "initial";
  }
  return "?";
}

std::vector<std::string> screen_tokens(std::string_view name) {
  std::vector<std::string> out;
  std::string scratch;
  for_each_token(name, nullptr, scratch, [&](std::string_view token) { out.emplace_back(token); });
  return out;
}

namespace {

/// A word that says which party, not what kind: not a legal form, generic word, particle, place or
/// title, and not so common in the index that it weighs under 0.2.
/// A name word's first character as one of 16 bits (PostingName::heads): letters and digits share
/// bits, so a name holding no word of a letter shows a 0 there, and a 1 says only that it may.
std::uint16_t letter_bit(char first) noexcept {
  return static_cast<std::uint16_t>(1u << ((static_cast<unsigned char>(first) & 127u) % 16u));
}

bool distinctive_token(const ScreenIndex::Data& d, std::uint32_t token) noexcept {
  return (d.role[token] == Role::Ordinary || d.role[token] == Role::Patronymic) && d.weight[token] >= kMeaningfulWeight;
}

/// The hash of a multiset of tokens: their ids sorted (in place), hashed.
std::uint64_t whole_name_hash(std::span<std::uint32_t> tokens) noexcept {
  std::sort(tokens.begin(), tokens.end());
  return detail::hash_bytes(tokens.data(), tokens.size() * sizeof(std::uint32_t));
}

}  // namespace

ScreenIndex build_screen_index(const Graph& graph) {
  ScreenIndex index;
  index.graph_token_ = graph.token();
  ScreenIndex::Data& d = *index.data_;
  std::unordered_map<std::string, std::string> folded;  // non-ASCII word -> its ASCII words
  std::string scratch;
  std::vector<std::uint8_t> not_arabic;  // by token: met in a word of another script
  d.entry_node.reserve(graph.node_count());
  d.entry_slot.reserve(graph.node_count());
  d.entry_token_at.reserve(graph.node_count() + 1);
  d.entry_tokens.reserve(graph.node_count() * 3);
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const NodeId node{at};
    const auto names = graph.names(node);
    const std::size_t slots = std::min<std::size_t>(names.size(), 0xFFFF);
    const bool person = graph.kind(node) == NodeKind::Person;
    for (std::size_t slot = 0; slot < slots; ++slot) {
      const StringId text = names[slot].text;
      if (text == kNoString) continue;
      bool seen = false;  // the same text twice on one node (a primary repeated as an alias)
      for (std::size_t before = 0; before < slot && !seen; ++before) seen = names[before].text == text;
      if (seen) continue;
      const std::size_t first = d.entry_tokens.size();
      for_each_token(graph.string(text), &folded, scratch, [&](std::string_view token, std::string_view raw) {
        const std::uint32_t id = d.intern(token);
        d.entry_tokens.push_back(id);
        if (id >= not_arabic.size()) not_arabic.resize(id + 1, 0), d.han_syllable.resize(id + 1, 0);
        if (!not_arabic[id] && !arabic_word(raw)) not_arabic[id] = 1;
        if (!d.han_syllable[id] && han_character(raw)) d.han_syllable[id] = 1;
      });
      if (d.entry_tokens.size() == first) continue;  // no letters or digits at all
      d.entry_node.push_back(node);
      d.entry_slot.push_back(static_cast<std::uint16_t>(slot));
      d.entry_flags.push_back(static_cast<std::uint8_t>(
          (names[slot].strength == NameStrength::Weak ? ScreenIndex::Data::kEntryWeak : 0) |
          (person ? ScreenIndex::Data::kEntryPerson : 0)));
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
  // Weights: inverse document frequency, normalised to [0, 1], capped by the word's role.
  {
    const double entries = std::max<double>(kIdfFloorEntries, static_cast<double>(d.entry_node.size()));
    const double top = std::log(1 + entries);
    d.weight.resize(tokens);
    for (std::uint32_t id = 0; id < tokens; ++id) {
      const double df = std::max<double>(1, d.posting_at[id + 1] - d.posting_at[id]);
      const double idf = std::log(1 + entries / df) / top;
      double cap = role_cap(d.role[id]);
      if (d.token_at[id + 1] - d.token_at[id] == 1) cap = std::min(cap, kInitialWeight);
      d.weight[id] = static_cast<float>(std::min(idf, cap));
    }
  }
  // Each run of postings ordered by its entries' keys: a person's total word weight less its
  // patronymics, an
  // organisation's distinctive word weight (its words that are not legal forms, generic words,
  // particles or places and weigh kMeaningfulWeight or more), over the first 64 words as scoring
  // sees them. score_entry divides what the query covers by at least this much (a person's name
  // share by its total, less the patronymics a query may leave out; an organisation's by its
  // total less some unpaired qualifiers, never less than its distinctive words), so a name's key
  // bounds its name share from below.
  {
    std::vector<float> entry_key(d.entry_node.size());
    for (std::uint32_t entry = 0; entry < d.entry_node.size(); ++entry) {
      const bool person = (d.entry_flags[entry] & ScreenIndex::Data::kEntryPerson) != 0;
      const auto tokens = d.entry_token_span(entry);
      double key = 0;
      for (std::size_t position = 0; position < tokens.size() && position < 64; ++position) {
        const std::uint32_t token = tokens[position];
        const bool distinctive = (d.role[token] == Role::Ordinary || d.role[token] == Role::Patronymic) &&
                                 d.weight[token] >= kMeaningfulWeight;
        // A person's patronymic may be left out of the total (score_entry): not in the key.
        if ((person && d.role[token] != Role::Patronymic) || (!person && distinctive)) key += d.weight[token];
      }
      // Rounded down, so that a float key never exceeds the sum scoring makes.
      float rounded = static_cast<float>(key);
      if (static_cast<double>(rounded) > key) rounded = std::nextafter(rounded, 0.0f);
      entry_key[entry] = rounded;
      std::size_t ordinary = 0;  // as score_entry counts them for one_word
      for (std::size_t position = 0; position < tokens.size() && position < 64; ++position) ordinary += d.legal[tokens[position]] == 0;
      if (ordinary <= 1) d.one_word_key_max = std::max(d.one_word_key_max, rounded);
    }
    std::vector<std::pair<float, std::uint32_t>> run;
    d.posting_key.resize(d.postings.size());
    for (std::size_t token = 0; token < tokens; ++token) {
      const std::uint32_t begin = d.posting_at[token], end = d.posting_at[token + 1];
      run.clear();
      for (std::uint32_t at = begin; at < end; ++at) run.emplace_back(entry_key[d.postings[at]], d.postings[at]);
      std::sort(run.begin(), run.end());
      for (std::uint32_t at = begin; at < end; ++at) {
        d.posting_key[at] = run[at - begin].first;
        d.postings[at] = run[at - begin].second;
      }
    }
  }
  // Fuzzy keys: (hash, token) pairs, sorted, then an open-addressing table over distinct hashes.
  {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> pairs;
    pairs.reserve(tokens * 12);
    for (std::uint32_t id = 0; id < tokens; ++id) {
      // Honorifics are keyed too: a misspelt title ("sayyd") is still a title, and weighs nothing.
      if (d.role[id] == Role::Particle) continue;
      if (const std::string_view token = d.token(id); token.size() >= 4 && token.size() <= 32)  // else no keys
        for_each_key(token, detail::variant_key(token), [&](std::uint64_t hash) { pairs.emplace_back(hash == 0 ? 1 : hash, id); });
      // A word of three letters is keyed by itself only: a word of four that is it and one
      // trailing letter meets it through that deletion key (trailing_letter_pair), and a query word
      // of three letters finds such words through theirs.
      if (const std::string_view text = d.token(id);
          text.size() == 3 && std::all_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
        const std::uint64_t hash = detail::hash_string(text);
        pairs.emplace_back(hash == 0 ? 1 : hash, id);
      }
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    std::size_t distinct = 0;
    for (std::size_t at = 0; at < pairs.size(); ++at) distinct += at == 0 || pairs[at].first != pairs[at - 1].first;
    std::size_t capacity = 16;
    while (capacity < distinct * 2) capacity *= 2;
    d.key_slots.assign(pairs.empty() ? 0 : capacity, {});
    d.key_tokens.resize(pairs.size());
    const std::size_t slot_mask = capacity - 1;
    for (std::size_t at = 0; at < pairs.size();) {
      const std::uint64_t hash = pairs[at].first;
      const auto start = static_cast<std::uint32_t>(at);
      for (; at < pairs.size() && pairs[at].first == hash; ++at) d.key_tokens[at] = pairs[at].second;
      std::size_t slot = hash & slot_mask;
      while (d.key_slots[slot].hash != 0) slot = (slot + 1) & slot_mask;
      d.key_slots[slot] = {hash, start, static_cast<std::uint32_t>(at - start)};
    }
  }
  d.head.resize(tokens);
  for (std::uint32_t id = 0; id < tokens; ++id) {
    const std::string_view text = d.token(id);
    d.head[id] = static_cast<std::uint8_t>((static_cast<unsigned char>(text[0]) & 127u) | (text.size() == 1 ? 0x80u : 0u));
  }
  d.variant_hash.resize(tokens);
  for (std::uint32_t id = 0; id < tokens; ++id) d.variant_hash[id] = detail::hash_string(detail::variant_key(d.token(id)));
  {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> whole(d.entry_node.size());
    std::vector<std::uint32_t> sorted;
    for (std::uint32_t entry = 0; entry < d.entry_node.size(); ++entry) {
      const auto tokens = d.entry_token_span(entry);
      sorted.assign(tokens.begin(), tokens.end());
      whole[entry] = {whole_name_hash(sorted), entry};
    }
    std::sort(whole.begin(), whole.end());
    d.whole_hash.resize(whole.size());
    d.whole_entry.resize(whole.size());
    for (std::size_t at = 0; at < whole.size(); ++at) d.whole_hash[at] = whole[at].first, d.whole_entry[at] = whole[at].second;
  }
  d.han_syllable.resize(tokens, 0);
  {
    std::vector<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>> skeletons;  // hash, token, vowels
    for (std::uint32_t id = 0; id < tokens; ++id) {
      if (id >= not_arabic.size() || !not_arabic[id] || d.legal[id] != 0) continue;
      if (const detail::Skeleton skeleton = detail::latin_skeleton(d.token(id)); !skeleton.symbols.empty())
        skeletons.emplace_back(detail::hash_string(skeleton.symbols), id, skeleton.vowels);
    }
    std::sort(skeletons.begin(), skeletons.end());
    d.latin_word.assign(tokens, 0);
    for (const auto& skeleton : skeletons) d.latin_word[std::get<1>(skeleton)] = 1;
    d.skeleton_hash.resize(skeletons.size());
    d.skeleton_token.resize(skeletons.size());
    d.skeleton_vowels.resize(skeletons.size());
    for (std::size_t at = 0; at < skeletons.size(); ++at)
      std::tie(d.skeleton_hash[at], d.skeleton_token[at], d.skeleton_vowels[at]) = skeletons[at];
  }
  d.legal_class.assign(64, {});
  for (std::uint32_t id = 0; id < tokens; ++id)
    if (d.legal[id] != 0) d.legal_class[d.legal[id]].push_back(id);
  d.token_cards.resize(tokens);
  for (std::uint32_t id = 0; id < tokens; ++id)
    d.token_cards[id] = {d.weight[id], d.legal[id], d.role[id], d.head[id], distinctive_token(d, id)};
  // What a posting carries of its name is made once a name: a name of n words has n postings, so
  // reading its words for each of them would be quadratic (a 200,000-word name took 30 s).
  std::vector<std::uint8_t> entry_letter(d.entry_node.size(), 0);
  std::vector<std::uint16_t> entry_heads(d.entry_node.size(), 0);
  for (std::uint32_t entry = 0; entry < d.entry_node.size(); ++entry)
    for (std::uint32_t token : d.entry_token_span(entry)) {
      if (d.token_at[token + 1] - d.token_at[token] == 1) entry_letter[entry] = 1;
      entry_heads[entry] |= letter_bit(d.token(token)[0]);
    }
  d.posting_names.resize(d.postings.size());
  for (std::size_t at = 0; at < d.postings.size(); ++at) {
    const std::uint32_t entry = d.postings[at];
    const auto words = d.entry_token_span(entry);
    ScreenIndex::Data::PostingName& name = d.posting_names[at];
    name.entry = entry;
    name.count = static_cast<std::uint8_t>(std::min<std::size_t>(words.size(), 255));
    name.flags = static_cast<std::uint8_t>(d.entry_flags[entry] | (d.entry_slot[entry] != 0 ? ScreenIndex::Data::kEntryAlias : 0));
    if (entry_letter[entry] != 0) name.flags |= ScreenIndex::Data::kEntryLetter;
    if (words.size() <= ScreenIndex::Data::kInlineTokens) std::copy(words.begin(), words.end(), name.tokens);
    name.heads = entry_heads[entry];
  }
  return index;
}

// ---------------------------------------------------------------------------------------------
// Screening.

namespace {
thread_local detail::ScreenWalkStats walk_stats;  // screen()'s last walk (detail::last_screen_walk_stats)

/// detail::calibrated_logit_bound, inline here: the walk's full bound takes it for every name past
/// the first test (~850,000 calls in the 1M bench), and gcc would not inline it into that lambda.
[[gnu::always_inline]] inline double logit_bound(const detail::EvidenceBound& bound) noexcept {
  using namespace calibration;
  // Each term at its largest over what the evidence can still be: a feature with a positive
  // coefficient at its upper bound, one with a negative coefficient at its lower bound; a flag
  // known to be false or true counts as it is.
  auto most = [](double coefficient, double low, double high) { return std::max(coefficient * low, coefficient * high); };
  auto flag = [&](double coefficient, int state) {
    return state < 0 ? most(coefficient, 0, 1) : coefficient * (state != 0 ? 1.0 : 0.0);
  };
  const double name_share = std::clamp(bound.name_share, 0.0, 1.0);
  const double query_share = std::clamp(bound.query_share, 0.0, 1.0);
  const double words = std::clamp(bound.matched_words, 1, 4) / 4.0;
  // The one-word-and-inexact term: possible only where a one-word name is.
  const int one_word_inexact = bound.one_word == 0 ? 0 : -1;
  return kIntercept + most(kQueryShare, 0, query_share) + most(kNameShare, 0, name_share) +
         most(kMinSimilarity, std::clamp(bound.min_similarity, 0.0, 1.0), 1) +
         most(kMatchedWeight, 0, std::clamp(bound.matched_weight, 0.0, 2.0)) + flag(kOneWord, bound.one_word) +
         flag(kWeak, bound.weak) + flag(kPerson, bound.person) + most(kMatchedWords, 0.25, words) +
         most(kInexactShare, 0, 1) + flag(kOneWordInexact, one_word_inexact) + flag(kTypoOnly, bound.typo_only) +
         most(kDistinctiveCover, 0, 1) + flag(kDistinctiveExact, bound.distinctive_exact);
}

}  // namespace

namespace detail {

double calibrated_score(const NameEvidence& evidence) noexcept {
  using namespace calibration;
  const double z = kIntercept + kQueryShare * evidence.query_share +
                   kNameShare * evidence.name_share + kMinSimilarity * evidence.min_similarity +
                   kMatchedWeight * std::min(evidence.matched_weight, 2.0) +
                   kOneWord * (evidence.one_word ? 1.0 : 0.0) + kWeak * (evidence.weak ? 1.0 : 0.0) +
                   kPerson * (evidence.person ? 1.0 : 0.0) +
                   kMatchedWords * std::min(evidence.matched_words, 4) / 4.0 +
                   kInexactShare * evidence.inexact_share +
                   kOneWordInexact * (evidence.one_word && evidence.inexact_share > 0 ? 1.0 : 0.0) +
                   kTypoOnly * (evidence.typo_only ? 1.0 : 0.0) +
                   kDistinctiveCover * (evidence.distinctive_cover ? 1.0 : 0.0) +
                   kDistinctiveExact * (evidence.distinctive_exact ? 1.0 : 0.0);
  return 1 / (1 + std::exp(-z));
}

double calibrated_logit_bound(const EvidenceBound& bound) noexcept { return logit_bound(bound); }

double calibrated_score_bound(const EvidenceBound& bound) noexcept {
  return 1 / (1 + std::exp(-calibrated_logit_bound(bound)));
}

ScreenWalkStats last_screen_walk_stats() noexcept { return walk_stats; }

}  // namespace detail


namespace {

constexpr double kVariantSimilarity = 0.9;    // two romanisations of one name
constexpr double kInitialSimilarity = 0.9;    // "J" for "John"
constexpr double kMinQueryShare = 0.5;        // a name must cover half the query's weight
constexpr double kStrictSimilarity = 0.88;    // one-word and weak names: all of the query matched,
                                              // exactly or as a variant
constexpr double kTrailingWordFactor = 0.25;  // a word after a person's name (a place) costs little
// The walk filters a run by a required word's names (screen()) when it would filter at least
// kFilterMinRun of the run's names and that word's lists hold at most kFilterRatio times the
// names it filters over all the runs of the rank (or its filter is made already): a bit set or
// tested costs a few nanoseconds, a name met some 30 to 150.
constexpr std::size_t kFilterMinRun = 32;
constexpr std::size_t kFilterRatio = 16;
// A set of required words (screen()) filters the runs of a rank when their lists hold at most
// kSetFilterRatio times the postings of those runs: most of a run's names are not in them.
constexpr std::size_t kSetFilterRatio = 2;

struct Candidate {  // a dictionary token a query word may stand for
  std::uint32_t token;
  float similarity;
  std::uint8_t edits;
  TokenMatchKind how;
};

struct QueryWord {
  std::string text;
  Role role = Role::Ordinary;
  std::uint8_t legal = 0;
  double weight = 1;
  std::vector<Candidate> candidates;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> splits;  // this word = name words a b
  std::vector<Candidate> joins;  // this word and the next = one name word
  std::uint8_t rank = 0;  // place in the walk order (heaviest first; ties by position)
  // Paired otherwise than as an initial, it shows that a name may be the one meant: a meaningful
  // word (kMeaningfulWeight or more), and, when the query holds a meaningful word of two letters
  // or more, one of those. Beside such a word a one-letter word is an initial whatever it meets,
  // its own letter included: "Abu S. A. Muhamad" is not a name that shares "S" and "A" and not
  // "Muhamad" (at 1M names the "S" of "S.A." is in tens of thousands). A query of initials and
  // generic words ("S. Group Airlines Ltd", "C.I. Global Investments S.A.") keeps its initials.
  bool shares = false;
  // An Arabic-script word (one token folded from one word of Arabic letters): its consonant
  // skeletons, and where its candidates found through them begin (add_abjad_candidates).
  std::vector<detail::Skeleton> skeletons;
  std::size_t abjad_from = ~std::size_t{0};
  std::string_view raw;  // the Arabic-script word itself, when it has skeletons
};

struct Option {  // query words matched to name words
  std::uint64_t words, positions;
  float similarity;
  float value;
  std::uint8_t edits;
  TokenMatchKind how;
};

struct Scored {
  std::uint32_t entry;
  double score;
  bool exact;
  NameEvidence evidence;
};

/// Adds the dictionary tokens `text` may stand for: itself, and every token within the edit
/// threshold or sharing its transliteration key, found through the fuzzy keys.
void add_candidates(const ScreenIndex::Data& d, std::string_view text, double min_similarity,
                    std::vector<Candidate>& out, std::vector<std::uint32_t>& seen) {
  if (auto exact = d.find(text)) out.push_back({*exact, 1.0f, 0, TokenMatchKind::Exact});
  if (text.size() == 3 && min_similarity <= 0.75 + 1e-9) {
    // Three letters: only the same word with one more letter at its end ("lab" -> "labs"), found
    // through that word's deletion key (the index keys words of four letters by their deletions).
    for (std::uint32_t token : d.keyed(detail::hash_string(text)))
      if (trailing_letter_pair(text, d.token(token))) out.push_back({token, 0.75f, 1, TokenMatchKind::Fuzzy});
    return;
  }
  if (text.size() < 4 || text.size() > 32) return;
  seen.clear();
  // The keys' slots, the tokens' runs, then the tokens' text are each a cache miss at a random
  // place of the index: each stage is requested for every key (or token) before any is read.
  std::array<std::uint64_t, 160> hashes;  // at most 1 + 32 + 1 + 63 keys (a variant key may be
  std::size_t hash_count = 0;             // twice as long as its word: "x" is "ks")
  const std::string key = detail::variant_key(text);
  for_each_key(text, key, [&](std::uint64_t hash) {
    if (hash_count < hashes.size()) hashes[hash_count++] = hash;
  });
  for (std::size_t at = 0; at < hash_count; ++at) d.prefetch_key(hashes[at]);
  std::array<std::span<const std::uint32_t>, 160> runs;
  for (std::size_t at = 0; at < hash_count; ++at) {
    runs[at] = d.keyed(hashes[at]);
    if (!runs[at].empty()) detail::prefetch_line(runs[at].data());
  }
  for (std::size_t at = 0; at < hash_count; ++at) seen.insert(seen.end(), runs[at].begin(), runs[at].end());
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  for (std::uint32_t token : seen) {
    detail::prefetch_line(&d.token_at[token]);
    detail::prefetch_line(&d.variant_hash[token]);
  }
  for (std::uint32_t token : seen) detail::prefetch_line(d.chars.data() + d.token_at[token]);
  const std::uint64_t key_hash = detail::hash_string(key);
  // The letters of `text`, counted by their low 5 bits: a-z apart, digits sharing with p-y. Two
  // letters counted as one only let more pairs through the bound below (it counts more shared),
  // never fewer; 32 counts copy cheaply for each of the few hundred tokens met (256 did not).
  std::array<std::uint8_t, 32> letters{};
  for (char c : text) ++letters[static_cast<unsigned char>(c) & 31u];
  const detail::EditPattern pattern(text);  // text is 32 letters at most (above)
  for (std::uint32_t token : seen) {
    const std::string_view other = d.token(token);
    if (other == text) continue;
    // A word of three letters is keyed for one pairing only: itself and a trailing letter.
    if (other.size() == 3 && !trailing_letter_pair(text, other)) continue;
    const std::size_t longer = std::max(text.size(), other.size());
    // A key of two letters or fewer ("gl": "giulia", "gala") says too little to count.
    const bool variant = key.size() >= 3 && other.size() >= 4 && d.variant_hash[token] == key_hash;
    // The edits that can still count: any within 40% of the longer word for a variant spelling,
    // else only what reaches min_similarity; the distance stops as soon as it is over.
    const double keep = variant ? 0.6 : std::max(min_similarity, 0.6);
    const int budget = static_cast<int>((1 - keep) * static_cast<double>(longer) + 1e-9);
    // A cheap lower bound first: the letters one word has that the other lacks (each edit
    // mends at most one; a swap none) are at most the edits.
    {
      std::array<std::uint8_t, 32> left = letters;
      std::size_t shared = 0;
      for (char c : other) {
        std::uint8_t& count = left[static_cast<unsigned char>(c) & 31u];
        if (count != 0) --count, ++shared;
      }
      if (std::max(text.size(), other.size()) - shared > static_cast<std::size_t>(budget)) continue;
    }
    const int edits = pattern.bounded_edits(other, budget);
    if (edits > budget) continue;
    const double similarity = 1 - static_cast<double>(edits) / static_cast<double>(longer);
    if (variant && similarity < kVariantSimilarity) {
      out.push_back({token, static_cast<float>(kVariantSimilarity),
                     static_cast<std::uint8_t>(std::min(edits, 255)), TokenMatchKind::Variant});
    } else if (similarity >= min_similarity) {
      out.push_back({token, static_cast<float>(similarity), static_cast<std::uint8_t>(edits),
                     TokenMatchKind::Fuzzy});
    }
  }
}

/// An Arabic-script query word's Latin spellings: the tokens of names in other scripts that have
/// one of its consonant skeletons (detail::abjad_skeletons) and a vowel wherever the Arabic word
/// writes one, as variant spellings of the word ("mhmd" -> "muhammad", "mohammed"; "بشار" ->
/// "bashar", not "bushra"), in place of the fuzzy and variant spellings of ICU's letters, which
/// know nothing of the vowels Arabic leaves out. Of many, the kMaxAbjadSpellings nearest ICU's
/// letters by edits.
constexpr std::size_t kMaxAbjadSpellings = 32;
void add_abjad_candidates(const ScreenIndex::Data& d, QueryWord& word) {
  std::erase_if(word.candidates, [&](const Candidate& candidate) {
    return candidate.how != TokenMatchKind::Exact && candidate.how != TokenMatchKind::LegalForm &&
           d.latin_word[candidate.token] != 0;
  });
  std::vector<std::pair<int, std::uint32_t>> found;  // edits from the word's letters as ICU wrote them, token
  for (const detail::Skeleton& skeleton : word.skeletons) {
    // A long vowel right after a first vowel is that vowel's length ("عيسى" is "Isa"). A Latin
    // word that ends in a vowel spells a word that ends in one ("ahmadi" is not "أحمد").
    std::uint32_t vowels = skeleton.vowels & ~detail::Skeleton::kFinalVowel;
    if (skeleton.symbols[0] == 'A') vowels &= ~std::uint32_t{2};
    const bool final_vowel = (skeleton.vowels & detail::Skeleton::kFinalVowel) != 0;
    const auto [begin, end] = std::equal_range(d.skeleton_hash.begin(), d.skeleton_hash.end(), detail::hash_string(skeleton.symbols));
    for (auto at = begin; at != end; ++at) {
      const auto slot = static_cast<std::size_t>(at - d.skeleton_hash.begin());
      const std::uint32_t token = d.skeleton_token[slot];
      if ((vowels & ~d.skeleton_vowels[slot]) != 0 ||
          (!final_vowel && (d.skeleton_vowels[slot] & detail::Skeleton::kFinalVowel) != 0) ||
          std::any_of(word.candidates.begin(), word.candidates.end(),
                      [&](const Candidate& candidate) { return candidate.token == token; }))
        continue;
      found.emplace_back(detail::bounded_edits(word.text, d.token(token), 254), token);
    }
  }
  std::sort(found.begin(), found.end());
  // One token met through two skeletons (two readings of a waw) once, at its fewest edits.
  std::vector<std::pair<int, std::uint32_t>> kept;
  for (const auto& spelling : found)
    if (kept.size() < kMaxAbjadSpellings &&
        std::none_of(kept.begin(), kept.end(), [&](const auto& other) { return other.second == spelling.second; }))
      kept.push_back(spelling);
  word.abjad_from = word.candidates.size();
  for (const auto& [edits, token] : kept)
    word.candidates.push_back({token, static_cast<float>(kVariantSimilarity), static_cast<std::uint8_t>(std::min(edits, 255)),
                               TokenMatchKind::Variant});
}

/// Index tokens the query's words may stand for, each with the words (bits) it may meet; a small
/// open-addressing table, made once per query.
struct QueryTokens {
  std::vector<std::uint32_t> keys = std::vector<std::uint32_t>(64, 0);  // token + 1; 0: empty
  std::vector<std::uint64_t> bits = std::vector<std::uint64_t>(64, 0);
  std::vector<float> lowest = std::vector<float>(64, 1.0f);  // the least similarity it meets a word with
  std::size_t count = 0;
  std::array<std::uint64_t, 128> initial_words{};  // by first letter: query words of one letter
  std::array<std::uint64_t, 128> long_words{};     // by first letter: longer query words
  static constexpr std::size_t kNone = ~std::size_t{0};

  static std::size_t slot_of(std::uint32_t token, std::size_t mask) noexcept {
    return (static_cast<std::size_t>(token) * 0x9E3779B1u >> 7) & mask;
  }
  void add(std::uint32_t token, std::uint64_t word_bits, float similarity) {
    if ((count + 1) * 2 > keys.size()) {
      std::vector<std::uint32_t> old_keys(keys.size() * 2, 0);
      std::vector<std::uint64_t> old_bits(bits.size() * 2, 0);
      std::vector<float> old_lowest(lowest.size() * 2, 1.0f);
      old_keys.swap(keys);
      old_bits.swap(bits);
      old_lowest.swap(lowest);
      count = 0;
      for (std::size_t at = 0; at < old_keys.size(); ++at)
        if (old_keys[at] != 0) add(old_keys[at] - 1, old_bits[at], old_lowest[at]);
    }
    const std::size_t mask = keys.size() - 1;
    for (std::size_t slot = slot_of(token, mask);; slot = (slot + 1) & mask) {
      if (keys[slot] == token + 1) {
        bits[slot] |= word_bits;
        lowest[slot] = std::min(lowest[slot], similarity);
        return;
      }
      if (keys[slot] == 0) {
        keys[slot] = token + 1;
        bits[slot] = word_bits;
        lowest[slot] = similarity;
        ++count;
        return;
      }
    }
  }
  /// The slot of `token`, or kNone when no query word may stand for it.
  std::size_t find(std::uint32_t token) const noexcept {
    const std::size_t mask = keys.size() - 1;
    for (std::size_t slot = slot_of(token, mask);; slot = (slot + 1) & mask) {
      if (keys[slot] == token + 1) return slot;
      if (keys[slot] == 0) return kNone;
    }
  }
};

const Candidate* find_candidate(const std::vector<Candidate>& candidates, std::uint32_t token) {
  for (const Candidate& candidate : candidates)
    if (candidate.token == token) return &candidate;
  return nullptr;
}

bool node_passes(const Graph& graph, NodeId node, const ScreenOptions& options) {
  if (!options.kinds.contains(graph.kind(node))) return false;
  if (options.as_of && !graph.valid(node).contains(*options.as_of)) return false;
  if (options.listed_only && !is_listed(graph, node, options.as_of)) return false;
  return passes_filter(graph, node, options.filter, options.as_of);
}

/// Scores one name against the query. Every way a query word can meet a name word (exact,
/// fuzzy, variant, legal form, initial, one word for two) is an option worth its similarity times
/// the weight it covers; the best options are taken first, each word used once. The evidence
/// (weighted shares of the query and of the name matched, the weakest pair, the rarity matched)
/// becomes a probability through the calibrated logistic model.
Scored score_entry(const ScreenIndex::Data& d, std::uint32_t entry, const std::vector<QueryWord>& words,
                   std::vector<Option>& options, std::vector<Option>* kept) {
  const auto tokens = d.entry_token_span(entry);
  const std::size_t word_count = std::min<std::size_t>(words.size(), 64);
  const std::size_t position_count = std::min<std::size_t>(tokens.size(), 64);
  options.clear();
  auto add = [&](std::uint64_t word_bits, std::uint64_t position_bits, double similarity, int edits,
                 TokenMatchKind how) {
    double weight = 0;
    for (std::size_t word = 0; word < word_count; ++word)
      if ((word_bits >> word & 1u) != 0) weight += words[word].weight;
    for (std::size_t position = 0; position < position_count; ++position)
      if ((position_bits >> position & 1u) != 0) weight += d.weight[tokens[position]];
    options.push_back({word_bits, position_bits, static_cast<float>(similarity),
                       static_cast<float>(similarity * (weight + 0.01)),
                       static_cast<std::uint8_t>(std::min(edits, 255)), how});
  };
  for (std::size_t word = 0; word < word_count; ++word) {
    const QueryWord& query = words[word];
    const std::uint64_t word_bit = std::uint64_t{1} << word;
    for (std::size_t position = 0; position < position_count; ++position) {
      const std::uint32_t token = tokens[position];
      const std::uint64_t position_bit = std::uint64_t{1} << position;
      const Candidate* candidate = find_candidate(query.candidates, token);
      if (candidate != nullptr)
        add(word_bit, position_bit, candidate->similarity, candidate->edits, candidate->how);
      const std::string_view name_word = d.token(token);
      if (candidate == nullptr && (query.text.size() == 1) != (name_word.size() == 1) &&
          query.text[0] == name_word[0])
        add(word_bit, position_bit, kInitialSimilarity, 0, TokenMatchKind::Initial);
      // Two Arabic-script words one Latin word spells (add_abjad_candidates) differ from it by the
      // vowels Arabic leaves out, not by typos: as a variant pair, a typo's worth at most.
      if (const Candidate* joined = find_candidate(query.joins, token); joined && word + 1 < word_count)
        add(word_bit | word_bit << 1, position_bit, joined->similarity,
            joined->how == TokenMatchKind::Variant ? std::min<std::uint8_t>(joined->edits, 1) : joined->edits,
            TokenMatchKind::Joined);
      if (position + 1 < position_count)
        for (const auto& [first, second] : query.splits)
          if (first == token && second == tokens[position + 1])
            add(word_bit, position_bit | position_bit << 1, 1.0, 0, TokenMatchKind::Joined);
    }
  }
  // An initial stands for a query word of three letters or more only beside a rarer (earlier
  // ranked) meaningful word the name holds otherwise than as an initial: "J. Smith" for "John
  // Smith" when "smith" is the rarer word; "J. S." alone is no one. (Also what lets screen() stop its walk: a name first met through
  // a lighter word's postings cannot pair the heavier words at all.) Only a word that shares
  // (QueryWord::shares) lets one stand for an initial.
  {
    std::size_t shared_rank = 64;  // the earliest rank of a meaningful word met otherwise
    for (const Option& option : options) {
      if (option.how == TokenMatchKind::Initial) continue;
      for (std::size_t word = 0; word < word_count; ++word)
        if ((option.words >> word & 1u) != 0 && words[word].shares)
          shared_rank = std::min<std::size_t>(shared_rank, words[word].rank);
    }
    // Words of one or two letters are often initials themselves, or initials run together
    // ("S.R.L." typed "s rl"): they may always stand for one.
    std::erase_if(options, [&](const Option& option) {
      const QueryWord& word = words[std::countr_zero(option.words)];
      return option.how == TokenMatchKind::Initial && word.rank <= shared_rank && word.text.size() > 2;
    });
  }
  std::sort(options.begin(), options.end(), [](const Option& a, const Option& b) {
    return a.value != b.value ? a.value > b.value : a.similarity > b.similarity;
  });
  // Greedy pairing, best options first. Options that join or split words compete with the
  // plain ones they overlap; the pairing is made twice, with and without them, and the one that
  // matches more weight kept.
  std::uint64_t used_words = 0, used_positions = 0;
  double found = 0, covered = 0, min_similarity = 1, inexact = 0;
  bool all_exact = true;
  bool any_multi = false;
  for (const Option& option : options)
    any_multi = any_multi || std::popcount(option.words) > 1 || std::popcount(option.positions) > 1;
  std::uint64_t skip_multi = 0;  // 1: leave out options over two words
  double best_total = -1;
  for (int pass = 0; pass < (any_multi ? 2 : 1); ++pass) {
    std::uint64_t pass_words = 0, pass_positions = 0;
    double pass_found = 0, pass_covered = 0, pass_min = 1, pass_inexact = 0;
    bool pass_exact = true;
    for (const Option& option : options) {
      if (pass == 1 && (std::popcount(option.words) > 1 || std::popcount(option.positions) > 1)) continue;
      if ((pass_words & option.words) != 0 || (pass_positions & option.positions) != 0) continue;
      pass_words |= option.words;
      pass_positions |= option.positions;
      double query_weight = 0, name_weight = 0;
      for (std::size_t word = 0; word < word_count; ++word)
        if ((option.words >> word & 1u) != 0) query_weight += words[word].weight;
      for (std::size_t position = 0; position < position_count; ++position)
        if ((option.positions >> position & 1u) != 0) name_weight += d.weight[tokens[position]];
      pass_found += option.similarity * query_weight;
      if (option.how != TokenMatchKind::Exact && option.how != TokenMatchKind::LegalForm) pass_inexact += query_weight;
      pass_covered += option.similarity * name_weight;
      if (std::max(query_weight, name_weight) >= 0.2) pass_min = std::min<double>(pass_min, option.similarity);
      pass_exact = pass_exact && option.how == TokenMatchKind::Exact;
    }
    if (pass_found + pass_covered > best_total + 1e-9) {
      best_total = pass_found + pass_covered;
      used_words = pass_words, used_positions = pass_positions, found = pass_found, covered = pass_covered;
      min_similarity = pass_min, inexact = pass_inexact, all_exact = pass_exact;
      skip_multi = pass;
    }
  }
  // The chosen pairing again: for the explanation, and to tell a typo from a different word.
  bool typos_only = true;  // each pair exact, a legal form, a variant, or one edit in a word of
                           // four letters or more without digits (a digit changed is another number)
  std::uint64_t shared_words = 0;  // query words paired otherwise than as an initial
  {
    std::uint64_t kept_words = 0, kept_positions = 0;
    for (const Option& option : options) {
      if (skip_multi != 0 && (std::popcount(option.words) > 1 || std::popcount(option.positions) > 1)) continue;
      if ((kept_words & option.words) != 0 || (kept_positions & option.positions) != 0) continue;
      kept_words |= option.words;
      kept_positions |= option.positions;
      if (option.how != TokenMatchKind::Initial) shared_words |= option.words;
      if (kept != nullptr) kept->push_back(option);
      if (option.how == TokenMatchKind::Fuzzy || option.how == TokenMatchKind::Joined) {
        bool plain = option.edits <= 1;
        for (std::size_t position = 0; position < position_count && plain; ++position)
          if ((option.positions >> position & 1u) != 0) {
            const std::string_view name_word = d.token(tokens[position]);
            plain = (option.how == TokenMatchKind::Joined || name_word.size() >= 4 ||
                     trailing_letter_pair(words[std::countr_zero(option.words)].text, name_word)) &&
                    std::none_of(name_word.begin(), name_word.end(), [](char c) { return c >= '0' && c <= '9'; });
          }
        typos_only = typos_only && plain;
      } else if (option.how == TokenMatchKind::Initial) {
        typos_only = false;
      } else if (option.how == TokenMatchKind::Variant && option.edits > 1) {
        // Two romanisations of one word of a longer name are a typo's worth of doubt; against a
        // name of one word, a consonant key shared at two edits or more is another word as often
        // ("putin" / the vessel "petion"): it is not typo only (scored on its similarity).
        std::size_t ordinary = 0;
        for (std::size_t position = 0; position < position_count; ++position) ordinary += d.legal[tokens[position]] == 0;
        if (ordinary <= 1) typos_only = false;
      }
    }
  }
  double query_total = 0, name_total = 0;
  std::size_t matched_words = 0, ordinary_positions = 0;
  bool all_meaningful = true;  // every query word that is not a legal form or particle matched
  bool any_meaningful = false;  // some matched query word is more than a generic word
  bool shared_meaningful = false;  // and matched otherwise than as an initial
  for (std::size_t word = 0; word < word_count; ++word) {
    query_total += words[word].weight;
    matched_words += (used_words >> word & 1u);
    if (words[word].weight >= kMeaningfulWeight && (used_words >> word & 1u) == 0) all_meaningful = false;
    if (words[word].weight >= kMeaningfulWeight && (used_words >> word & 1u) != 0) any_meaningful = true;
    if (words[word].shares && (shared_words >> word & 1u) != 0) shared_meaningful = true;
  }
  for (std::size_t position = 0; position < position_count; ++position) {
    name_total += d.weight[tokens[position]];
    ordinary_positions += d.legal[tokens[position]] == 0;
  }
  bool name_distinctive_matched = true;  // every distinctive word of the name paired
  double unmatched_plain = 0;             // weight of its unpaired words that are not distinctive
  for (std::size_t position = 0; position < position_count; ++position) {
    const std::uint32_t token = tokens[position];
    const bool paired = (used_positions >> position & 1u) != 0;
    if (distinctive_token(d, token)) {
      name_distinctive_matched = name_distinctive_matched && paired;
    } else if (!paired) {
      unmatched_plain += d.weight[token];
    }
  }
  const std::uint64_t all_words = word_count == 64 ? ~0ull : (std::uint64_t{1} << word_count) - 1;
  const std::uint64_t all_positions = position_count == 64 ? ~0ull : (std::uint64_t{1} << position_count) - 1;
  const bool person = (d.entry_flags[entry] & ScreenIndex::Data::kEntryPerson) != 0;
  // A person is often named without the patronymic ("Vladimir Putin" for "PUTIN, Vladimir
  // Vladimirovich"): when every query word is paired and the name's only unpaired words are
  // patronymics, they count neither in the name's share nor against typo only.
  bool patronymic_left_out = false;
  if (person && used_words == all_words && used_positions != all_positions) {
    double unpaired_patronymic = 0;
    bool others_paired = true;
    for (std::size_t position = 0; position < position_count && others_paired; ++position)
      if ((used_positions >> position & 1u) == 0) {
        if (d.role[tokens[position]] == Role::Patronymic) unpaired_patronymic += d.weight[tokens[position]];
        else others_paired = false;
      }
    if (others_paired) {
      patronymic_left_out = true;
      name_total -= unpaired_patronymic;
    }
  }
  // A place or other word typed after a person's full name costs little: "Ivan Petrov Moscow".
  if (person && word_count >= 3 && (used_words >> (word_count - 1) & 1u) == 0 && matched_words >= 2)
    query_total -= (1 - kTrailingWordFactor) * words[word_count - 1].weight;
  // An organisation's name is its distinctive words qualified by legal-form, generic and place
  // words: when the query holds all its distinctive words, the qualifiers it leaves out do not
  // count against it ("Sberbank" for "Public Joint Stock Company Sberbank of Russia").
  if (!person && all_meaningful && any_meaningful && name_distinctive_matched) name_total -= unmatched_plain;
  NameEvidence evidence;
  evidence.query_share = query_total > 0 ? std::min(1.0, found / query_total) : 0;
  evidence.name_share = name_total > 0 ? std::min(1.0, covered / name_total) : 0;
  evidence.min_similarity = min_similarity;
  evidence.matched_weight = covered;
  evidence.one_word = ordinary_positions <= 1;
  evidence.person = person;
  evidence.inexact_share = query_total > 0 ? std::min(1.0, inexact / query_total) : 0;
  evidence.matched_words = static_cast<int>(matched_words);
  evidence.weak = (d.entry_flags[entry] & ScreenIndex::Data::kEntryWeak) != 0;
  // Every word paired (an organisation's qualifiers may be left out, as above), each a typo at most.
  evidence.typo_only = typos_only && used_words == all_words &&
                       (used_positions == all_positions || (!person && name_distinctive_matched) || patronymic_left_out);
  evidence.distinctive_cover = all_meaningful && any_meaningful && name_distinctive_matched;
  evidence.distinctive_exact = !person && evidence.distinctive_cover && inexact <= 1e-9 &&
                               evidence.query_share >= 1 - 1e-9 && evidence.name_share >= 1 - 1e-9;
  const bool alias = d.entry_slot[entry] != 0;  // names()[0] is the primary name
  evidence.strict = (evidence.one_word && alias) || evidence.weak;
  const bool exact = all_exact && used_words == (word_count == 64 ? ~0ull : (std::uint64_t{1} << word_count) - 1) &&
                     used_positions == (position_count == 64 ? ~0ull : (std::uint64_t{1} << position_count) - 1);
  double score = 0;
  if (evidence.query_share + 1e-9 < kMinQueryShare) {
    score = 0;
  } else if (evidence.strict && (!all_meaningful || min_similarity < kStrictSimilarity)) {
    score = 0;  // a one-word or weak alias counts only when it matches strongly
  } else if (!exact && !shared_meaningful) {
    // Generic and legal-form words alone ("Trading LLC", "Bank") identify no one, nor initials
    // ("J. S." for "John Smith", "S. A." for "Abu S. A. Muhamad"): a name must share a word that
    // shares (QueryWord::shares) with the query, spelt alike, a variant, or joined or split.
    // screen() walks the postings of exactly those words.
    score = 0;
  } else if (evidence.one_word && !all_meaningful) {
    score = 0;  // "Marina Alekseeva" is not the vessel "MARINA"
  } else if (exact) {
    score = 1;  // the same words: certain by name (a weak alias too: that is a strong match)
  } else {
    score = detail::calibrated_score(evidence);
  }
  return {entry, score, exact, evidence};
}

/// What a name met through one walk list must cover of itself to reach the threshold (screen():
/// name_reaches). `always`: every name within the list's cutoff may (no threshold, or none set).
struct NameReach {
  bool always = true;
  double paired_key = -1;  // up to this key a name may have every word paired: it may
  double most_cover = 0;   // M: the most of a name the query can cover through the list
  double rest[2] = {0, 0};  // the logit bound but for matched weight and name share: one-word 0, -1
  double needed = 0;        // the threshold's logit
  // The query words of one letter whose initials may count in a name's cover (first_test): all
  // but the walked word, when that word must pair through its own lists (screen(): "must share").
  std::uint64_t initial_mask = ~std::uint64_t{0};
};

}  // namespace

std::vector<ScreenHit> screen(const Graph& graph, const ScreenIndex& index, std::string_view name,
                              const ScreenOptions& options) {
  if (!index.built_for(graph))
    throw Error("a screening index built from another graph was used with this one: build it "
                "from this graph");
  const ScreenIndex::Data& d = index.data();
  walk_stats = {};
  detail::ScreenWalkStats stats;  // this walk's counts, kept at its end (walk_stats)
  std::vector<QueryWord> words;
  std::vector<std::string> ignored;
  {
    std::vector<std::string> tokens;
    std::vector<std::string_view> raws;  // the word each token was folded from
    std::string scratch;
    for_each_token(name, nullptr, scratch, [&](std::string_view token, std::string_view raw) {
      if (tokens.size() < 64) tokens.emplace_back(token), raws.push_back(raw);
    });
    // A word's role and legal form: as the index holds them when it knows the word (it made them
    // with role_of and legal_form_kind), else from the word lists.
    std::vector<std::pair<Role, std::uint8_t>> roles(tokens.size());
    for (std::size_t at = 0; at < tokens.size(); ++at) {
      if (const auto id = d.find(tokens[at])) roles[at] = {d.role[*id], d.legal[*id]};
      else roles[at] = {role_of(tokens[at]), legal_form_kind(tokens[at])};
    }
    const bool named = std::any_of(roles.begin(), roles.end(),
                                   [](const auto& role) { return role.first != Role::Honorific; });
    for (std::size_t at = 0; at < tokens.size(); ++at) {
      const Role role = roles[at].first;
      if (named && role == Role::Honorific) {
        ignored.push_back(std::move(tokens[at]));
        continue;
      }
      words.push_back({std::move(tokens[at]), role, roles[at].second, 1.0, {}, {}, {}});
      const bool alone = (at == 0 || raws[at - 1].data() != raws[at].data()) &&
                         (at + 1 == raws.size() || raws[at + 1].data() != raws[at].data());
      if (alone && arabic_word(raws[at]) && detail::abjad_skeletons(raws[at], words.back().skeletons)) words.back().raw = raws[at];
    }
  }
  if (words.empty() || d.entry_node.empty()) return {};
  std::vector<std::uint32_t> seen;
  for (std::size_t at = 0; at < words.size(); ++at) {
    QueryWord& word = words[at];
    add_candidates(d, word.text, options.min_token_similarity, word.candidates, seen);
    if (!word.skeletons.empty() && kVariantSimilarity >= options.min_token_similarity) add_abjad_candidates(d, word);
    // A word that is itself the reading of a Han character is that syllable: its spellings one
    // edit away that are other characters' readings ("lang": bang, nang, sang, liang...) are other
    // characters, not typos of it. (A typo that is no syllable, "zhnag", still finds "zhang".)
    if (const auto self = d.find(word.text); self && d.han_syllable[*self] != 0)
      std::erase_if(word.candidates, [&](const Candidate& candidate) {
        return (candidate.how == TokenMatchKind::Fuzzy || candidate.how == TokenMatchKind::Variant) &&
               d.han_syllable[candidate.token] != 0;
      });
    if (word.legal != 0)
      for (std::uint32_t token : d.legal_class[word.legal])
        if (d.token(token) != word.text)
          word.candidates.push_back({token, static_cast<float>(kLegalFormEquivalent), 0, TokenMatchKind::LegalForm});
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (word.legal == 0 && word.text.size() >= 3)
      for (std::size_t cut = 1; cut < word.text.size() && word.splits.size() < 4; ++cut) {
        // Halves of two letters or more, or a letter-digit boundary ("san2" = "san 2").
        const bool boundary = digit(word.text[cut - 1]) != digit(word.text[cut]);
        if (!boundary && (cut < 2 || cut + 2 > word.text.size())) continue;
        const auto first = d.find(std::string_view(word.text).substr(0, cut));
        if (!first) continue;
        if (const auto second = d.find(std::string_view(word.text).substr(cut))) word.splits.emplace_back(*first, *second);
      }
    if (at + 1 < words.size() && word.legal == 0 && words[at + 1].legal == 0) {
      // Only spellings within 0.85 are kept (below): the edit distance need not look further.
      add_candidates(d, word.text + words[at + 1].text, std::max(options.min_token_similarity, 0.85 - 1e-6),
                     word.joins, seen);
      // Two words for one: a typo at most, never a mere transliteration key.
      std::erase_if(word.joins, [](const Candidate& candidate) {
        return candidate.how == TokenMatchKind::Variant || candidate.similarity < 0.85f;
      });
      // Two Arabic-script words the lists write as one ("نصر الله": "NASRALLAH"; "عبد الله":
      // "ABDULLAH"): the Latin words that spell the two together, by their skeletons.
      if (!word.skeletons.empty() && !words[at + 1].skeletons.empty() && kVariantSimilarity >= options.min_token_similarity) {
        QueryWord both{.text = word.text + words[at + 1].text};
        const std::string raw = std::string(word.raw) + std::string(words[at + 1].raw);
        if (detail::abjad_skeletons(raw, both.skeletons)) {
          add_abjad_candidates(d, both);
          for (const Candidate& candidate : both.candidates)
            if (std::none_of(word.joins.begin(), word.joins.end(), [&](const Candidate& join) { return join.token == candidate.token; }))
              word.joins.push_back(candidate);
        }
      }
    }
    // The word weighs what the name word it stands for weighs (rarity over the index); a word
    // the index does not know at all is rare.
    double weight = role_cap(word.role);
    const Candidate* best = nullptr;
    for (const Candidate& candidate : word.candidates)
      if (candidate.how != TokenMatchKind::LegalForm && (best == nullptr || candidate.similarity > best->similarity))
        best = &candidate;
    if (best != nullptr && static_cast<std::size_t>(best - word.candidates.data()) >= word.abjad_from) {
      // Spelt by its consonants only, the word weighs what its commonest best spelling weighs.
      weight = 1;
      for (std::size_t at = word.abjad_from; at < word.candidates.size(); ++at)
        if (word.candidates[at].similarity == best->similarity)
          weight = std::min<double>(weight, d.weight[word.candidates[at].token]);
    } else if (best != nullptr) {
      weight = d.weight[best->token];
    } else if (!word.splits.empty()) weight = std::max(d.weight[word.splits[0].first], d.weight[word.splits[0].second]);
    if (word.text.size() == 1) weight = std::min(weight, kInitialWeight);
    word.weight = weight;
  }
  double query_weight = 0;
  for (const QueryWord& word : words) query_weight += word.weight;
  if (query_weight <= 0) return {};
  const bool long_meaningful = std::any_of(words.begin(), words.end(), [](const QueryWord& word) {
    return word.weight >= kMeaningfulWeight && word.text.size() > 1;
  });
  for (QueryWord& word : words)
    word.shares = word.weight >= kMeaningfulWeight && (word.text.size() > 1 || !long_meaningful);

  // Candidate names. The query's meaningful words (weight kMeaningfulWeight or more) in order of
  // weight, rarest first; each word's walk lists are the postings of what it may stand for (its
  // spellings, legal-form equivalents, the halves of a split, a word it joins with a neighbour),
  // heaviest list first. Each run of postings is ordered by the names' keys (a person's total word
  // weight, an organisation's distinctive word weight) and walked only up to the key past which no
  // name of it can reach the threshold (cutoff_key below).
  //
  // Why no name that can reach the threshold is skipped (min_score > 0):
  // 1. A name scores 0 unless it is the same words or shares with the query, otherwise than as an
  //    initial, a word that shares (QueryWord::shares: meaningful, and of two letters or more when
  //    the query has such a word); that word's walk lists hold the name. The lists of a one-letter
  //    word that does not share are not walked.
  // 2. Take a name e and the first walk list, in walk order, that holds it: list k of word i, at
  //    rank r. A word before i pairs with e otherwise than as an initial in no way: its lists
  //    would hold e (a candidate, a split's halves, a join with either neighbour), unless it has
  //    one letter and does not share (not walked: it may pair in any way, its weight at most).
  //    As an initial only when one or two letters long (found 0.9 x its weight, cover its
  //    initial cover): a
  //    longer one would need an earlier ranked word of two letters or more to meet e otherwise
  //    (score_entry), and that word's lists would hold e. Word i pairs through list k or a later
  //    (lighter) one of its lists, or as
  //    an initial; the words after i in any way, each covering at most its largest cover (a
  //    candidate's weight, a split's two halves, a joined word, an initial). So
  //      found <= sum(weight of one-letter words before i that do not share) + 0.9 x sum(weight
  //               of the other short words before i) + sum(weight of i and after)
  //               (query share: found / total, or for a person
  //               whose name leaves the last query word unpaired, / the total less its discount)
  //      cover <= sum(initial cover of short words before i) + max(cover of list k, initial
  //               cover of i) + sum(cover after i) = M,
  //    its name share is at most M / key (key: at least what score_entry divides the cover by),
  //    its rarity matched at most M, its weakest pair no weaker than the weakest candidate. It can
  //    have every word paired (typo only, distinctive exact, the same words: score 1) only when
  //    every word before rank r is a one-letter word that does not share (r = 0 among the others)
  //    and key <= M (key <= the weight it pairs). The calibrated bound over that evidence
  //    (every other term at its most favourable) is under the threshold for every key past
  //    cutoff_key(...): e's key is within the cutoff of list k, and e is scored.
  // 3. The walk of all words stops when found, as in 2 for the next rank, cannot make half the
  //    query: a name whose first list would come later cannot reach kMinQueryShare.
  // A name past the cutoff of one list is not marked, and another list holding it tries it again.
  // tests/queries/screen_pruning_test.cpp compares this search with options.exhaustive.
  const std::size_t word_count = std::min<std::size_t>(words.size(), 64);
  std::vector<std::uint32_t> order(word_count);
  for (std::uint32_t at = 0; at < order.size(); ++at) order[at] = at;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return words[a].weight > words[b].weight; });
  for (std::size_t rank = 0; rank < order.size(); ++rank) words[order[rank]].rank = static_cast<std::uint8_t>(rank);
  // What each index token may stand for in the query, for a cheap bound on a name's score: the
  // query words it can meet (as itself, a fuzzy or variant spelling, a legal form, half of a
  // split or joined word, an initial) and the least similarity it meets one with. A name whose
  // bound is under the threshold is not scored.
  QueryTokens query_tokens;
  double least_similarity = kInitialSimilarity;  // over every way a word may pair
  for (std::size_t at = 0; at < word_count; ++at) {
    const std::uint64_t bit = std::uint64_t{1} << at;
    for (const Candidate& candidate : words[at].candidates) {
      query_tokens.add(candidate.token, bit, candidate.similarity);
      least_similarity = std::min<double>(least_similarity, candidate.similarity);
    }
    for (const auto& [first, second] : words[at].splits) {
      query_tokens.add(first, bit, 1.0f);
      query_tokens.add(second, bit, 1.0f);
    }
    if (at + 1 < word_count)
      for (const Candidate& candidate : words[at].joins) {
        query_tokens.add(candidate.token, bit | bit << 1, candidate.similarity);
        least_similarity = std::min<double>(least_similarity, candidate.similarity);
      }
    const auto first = static_cast<unsigned char>(words[at].text[0]) & 127u;
    (words[at].text.size() == 1 ? query_tokens.initial_words : query_tokens.long_words)[first] |= bit;
  }
  // The same bits by token in a dense table (one per thread, sized to the index, its entries
  // cleared after use): the first test of a name met reads one word a token from it, with no probe.
  thread_local std::vector<std::uint64_t> token_words;
  thread_local std::vector<std::uint32_t> token_words_set;
  for (std::uint32_t token : token_words_set) token_words[token] = 0;
  token_words_set.clear();
  if (token_words.size() < d.token_count()) token_words.resize(d.token_count(), 0);
  for (std::size_t slot = 0; slot < query_tokens.keys.size(); ++slot)
    if (const std::uint32_t key = query_tokens.keys[slot]; key != 0) {
      token_words[key - 1] = query_tokens.bits[slot];
      token_words_set.push_back(key - 1);
    }
  // A name word of one letter may stand for a longer query word of that first letter: its bits
  // join the table's too (no more than 128 such words), so that only a query word of one letter
  // needs a name word's first letter (initial_by_head).
  for (std::size_t letter = 0; letter < query_tokens.long_words.size(); ++letter) {
    if (query_tokens.long_words[letter] == 0) continue;
    const char text = static_cast<char>(letter);
    if (const auto token = d.find(std::string_view(&text, 1))) {
      if (token_words[*token] == 0) token_words_set.push_back(*token);
      token_words[*token] |= query_tokens.long_words[letter];
    }
  }
  bool initial_query_words = false;  // a query word of one letter: it may stand for any name word
  std::array<std::uint64_t, 256> initial_by_head{};  // by TokenCard::head: one-letter words (0x80) none
  for (std::size_t head = 0; head < 128; ++head) {
    initial_by_head[head] = query_tokens.initial_words[head];
    initial_query_words = initial_query_words || initial_by_head[head] != 0;
  }
  const std::uint64_t all_words = word_count == 64 ? ~0ull : (std::uint64_t{1} << word_count) - 1;
  std::uint64_t meaningful_words = 0, sharing_words = 0;  // sharing: QueryWord::shares
  for (std::size_t at = 0; at < word_count; ++at) {
    if (words[at].weight >= kMeaningfulWeight) meaningful_words |= std::uint64_t{1} << at;
    if (words[at].shares) sharing_words |= std::uint64_t{1} << at;
  }
  // The smallest total a query share is taken of (score_entry: a trailing word after a person's
  // name counts a quarter).
  // The discount applies only to a person whose name leaves the query's last word unpaired: a
  // share bound takes the larger of the two cases (last word possibly paired, or not).
  const bool trailing = word_count >= 3;
  const double last_weight = trailing ? words[word_count - 1].weight : 0;
  const double trailing_total = query_weight - (1 - kTrailingWordFactor) * last_weight;
  auto share = [](double found, double total) { return total > 0 ? std::min(1.0, found / total) : 1.0; };
  // found: at most what the name can match; last_possible: whether that may include the last word.
  auto share_of = [&](double found, bool last_possible) {
    if (!trailing) return share(found, query_weight);
    if (!last_possible) return share(found, trailing_total);
    return std::max(share(found, query_weight), share(std::max(0.0, found - last_weight), trailing_total));
  };
  // The weight of the query words in `bits`, summed in word order (as score_entry sums them).
  auto found_of = [&](std::uint64_t bits) {
    double found = 0;
    for (; bits != 0; bits &= bits - 1) found += words[static_cast<std::size_t>(std::countr_zero(bits))].weight;
    return found;
  };
  // The first test's query share without a division or a loop a name: the weight of a set of
  // query words from two tables of 256 sums (words 0-7 and 8-15; a query of more words sums the
  // rest), against the least found weight that can make half the query, taken 1e-9 lower than
  // share_of's test (sums in another order differ by far less): the test lets through every name
  // share_of lets through, and may_reach makes the exact test. Made when a walk first needs it.
  struct ShareFloor {
    bool made = false;
    std::array<double, 256> low{}, high{};
    double other = 0, person[2] = {0, 0};  // the found weight needed: an organisation, a person (last word met)
    const std::vector<QueryWord>* words = nullptr;
    std::size_t word_count = 0;
    double total = 0, trailing_total = 0, last_weight = 0;
    bool trailing = false;
    void make() {
      made = true;
      for (std::size_t half = 0; half < 2; ++half) {
        std::array<double, 256>& sums = half == 0 ? low : high;
        const std::size_t first = 8 * half;
        const std::size_t count = word_count > first ? std::min<std::size_t>(8, word_count - first) : 0;
        for (std::size_t bits = 1; bits < (std::size_t{1} << count); ++bits)
          sums[bits] = sums[bits & (bits - 1)] + (*words)[first + static_cast<std::size_t>(std::countr_zero(bits))].weight;
      }
      auto needed = [](double of) { return (kMinQueryShare - 1e-9) * of - 1e-9; };
      other = needed(total);
      if (!trailing) {
        person[0] = person[1] = other;
      } else {
        const double trailing_needed = trailing_total > 0 ? needed(trailing_total) : -1.0;
        person[0] = trailing_needed;  // the last word unpaired: the smaller total
        person[1] = std::min(other, trailing_needed + last_weight);
      }
    }
    double found(std::uint64_t bits) const {
      double sum = low[bits & 255u] + high[bits >> 8 & 255u];
      for (bits >>= 16; bits != 0; bits &= bits - 1) sum += (*words)[16 + static_cast<std::size_t>(std::countr_zero(bits))].weight;
      return sum;
    }
  } share_floor;
  share_floor.words = &words;
  share_floor.word_count = word_count;
  share_floor.total = query_weight;
  share_floor.trailing_total = trailing_total;
  share_floor.last_weight = last_weight;
  share_floor.trailing = trailing;
  // The full bound's test without an exp a name: sigma(x) + 1e-9 >= min_score holds, sigma
  // increasing, exactly when x >= logit(m), m = min_score - 1e-9. Between 1e-6 and 1 - 1e-6 the
  // rounding of sigma (a few 1e-16) moves that logit by under 1e-9, so 1e-7 less lets through
  // every name the test in probabilities lets through (a few more may be scored in full: never
  // another answer). Outside that range, the test in probabilities.
  std::optional<double> reach_logit;
  if (const double m = options.min_score - 1e-9; m >= 1e-6 && m <= 1 - 1e-6) reach_logit = std::log(m / (1 - m)) - 1e-7;
  // A name's own cover. Through a list, the walk bounds a name's evidence by the query (2.
  // below: found at most F, cover at most M, its name share at most M / key) and walks the keys
  // up to the largest that can still reach the threshold. A name met holds its words, which bound
  // its cover too: score_entry covers a name word only when a query word may pair with it (a
  // candidate, a legal form, half of a split, a joined word, an initial: the bits of the first
  // test), by at most its weight (similarities are at most 1; positions are paired once), over
  // its first 64 words. So cover <= C, the weight of those words, and with M' = min(M, C):
  //   logit <= rest + most(matched weight M') + most(name share min(1, M' / key)),
  // rest: the bound of cutoff_key with neither term (both are 0 at 0). A name for which this is
  // under the threshold, in either case of its one-word flag (one word only up to
  // one_word_key_max), and which cannot have every word paired (key past most_paired, as in
  // cutoff_key, or a query word none of its words may pair: not in the first test's bits, which
  // hold every word score_entry can pair), cannot reach it through this list. "bank s" meets 26,000 names holding "s",
  // each half the query: an initial may cover any word of the letter (cover 1), so the key
  // cutoff holds none back, but few names hold a heavy word of that letter.
  auto name_reaches = [&](const NameReach& reach, double name_cover, float key, bool every_word) {
    const double cover = std::min(reach.most_cover, name_cover * (1 + 1e-6) + 1e-6);  // sums' last bits
    const double name_share = key > 0 ? std::min(1.0, cover / key) : 1.0;
    const double terms = std::max(0.0, calibration::kMatchedWeight * std::min(cover, 2.0)) +
                         std::max(0.0, calibration::kNameShare * name_share);
    return (every_word && key <= reach.paired_key) || reach.rest[0] + terms + 1e-9 >= reach.needed ||
           (key <= d.one_word_key_max && reach.rest[1] + terms + 1e-9 >= reach.needed);
  };
  auto name_tokens = [&](const ScreenIndex::Data::PostingName& posting) {
    return posting.count <= ScreenIndex::Data::kInlineTokens ? std::span<const std::uint32_t>(posting.tokens, posting.count)
                                                             : d.entry_token_span(posting.entry);
  };
  // The first test of a name met: the query words its words may meet at all and the query share
  // they make. Most names met fail here (under half the query), before any word's card is read;
  // may_reach makes the same bits, sum and test, so this decides nothing it would not. It reads
  // only the name (its words, its person flag) and what is fixed for the whole query, never the
  // list or rank it is met through: a name that fails it fails it through every list.
  //
  // With `reach` (a list's NameReach, below), the same loop sums what the name's own words can
  // cover, and a name whose cover cannot reach the threshold through this list fails too (only
  // through this list: it is not marked, and another list tries it again).
  auto first_test = [&](const ScreenIndex::Data::PostingName& posting, bool share_known, const NameReach& reach,
                        const NameReach* alone, std::uint64_t later_sharing, float key) {
    const auto tokens = name_tokens(posting);
    const std::size_t position_count = std::min<std::size_t>(tokens.size(), 64);
    const bool person = (posting.flags & ScreenIndex::Data::kEntryPerson) != 0;
    // The query share first: most names met that fail, fail it (a Han name of 5 syllables meets
    // one or two of a query's 7); the cover loop runs for the names that pass it.
    if (!share_known) {
      std::uint64_t word_bits = 0;
      for (std::size_t position = 0; position < position_count; ++position) word_bits |= token_words[tokens[position]];
      if (initial_query_words)
        for (std::size_t position = 0; position < position_count; ++position) word_bits |= initial_by_head[d.head[tokens[position]]];
      if (!share_floor.made) share_floor.make();
      const bool last_met = (word_bits >> (word_count - 1) & 1u) != 0;
      if (share_floor.found(word_bits) < (person ? share_floor.person[last_met] : share_floor.other)) return false;
    }
    if (reach.always) return true;
    // A name that holds no word a later sharing word may stand for (its dense-table bits: more
    // than that, never less) must pair the walked word through its own lists: `alone` holds.
    const NameReach* use = &reach;
    if (alone != nullptr) {
      std::uint64_t own_bits = 0;
      for (std::size_t position = 0; position < position_count; ++position) own_bits |= token_words[tokens[position]];
      if ((own_bits & later_sharing) == 0) use = alone;
    }
    std::uint64_t word_bits = 0;
    double name_cover = 0;  // the weight of the name words some query word may pair (may_reach: name_met)
    for (std::size_t position = 0; position < position_count; ++position) {
      const std::uint32_t token = tokens[position];
      std::uint64_t bits = token_words[token];
      if (initial_query_words) bits |= initial_by_head[d.head[token]] & use->initial_mask;
      word_bits |= bits;
      name_cover += bits != 0 ? static_cast<double>(d.weight[token]) : 0.0;
    }
    return name_reaches(*use, name_cover, key, word_bits == all_words);
  };
  // Whether every name holding `token` passes the first test: its words' bits hold the token's,
  // and the share the test takes only grows with more bits (the last word met adds a second case
  // to a person's, never takes one away). A run of such a token ("s" for "bank s": every name of
  // it is half the query) skips the test. Skipping it decides nothing: may_reach makes the same
  // test again (a name of more than 64 words holding the token only past its 64th fails there:
  // both read its first 64).
  auto passes_first_test = [&](std::uint32_t token) {
    const std::uint64_t word_bits = token_words[token];
    const double found = found_of(word_bits);
    const bool last_met = (word_bits >> (word_count - 1) & 1u) != 0;
    return share_of(found, last_met) + 1e-9 >= kMinQueryShare && share(found, query_weight) + 1e-9 >= kMinQueryShare;
  };
  // The full bound, for a name that passed the first test.
  auto may_reach = [&](const ScreenIndex::Data::PostingName& posting) {
    const auto tokens = name_tokens(posting);
    const std::size_t position_count = std::min<std::size_t>(tokens.size(), 64);
    const bool person = (posting.flags & ScreenIndex::Data::kEntryPerson) != 0;
    std::uint64_t word_bits = 0, shared_bits = 0;  // shared: met otherwise than as an initial
    std::size_t positions_met = 0, ordinary_positions = 0;
    double name_total = 0, name_met = 0, name_floor = 0;  // floor: met or distinctive words
    double lowest = 1;
    bool distinctive_met = true;  // every distinctive word of the name may pair
    double unmet_patronymic = 0;  // the weight of its patronymics no query word can pair
    bool others_met = true;       // every other word of the name may pair
    for (std::size_t position = 0; position < position_count; ++position) {
      const std::uint32_t token = tokens[position];
      const ScreenIndex::Data::TokenCard& card = d.token_cards[token];
      const double weight = card.weight;
      name_total += weight;
      ordinary_positions += card.legal == 0;
      const std::uint8_t head = card.head;
      // No query word may stand for a token whose dense-table bits are 0 (the table holds the
      // same bits, and a one-letter word's initials besides): no probe.
      const std::size_t slot = token_words[token] == 0 ? QueryTokens::kNone : query_tokens.find(token);
      std::uint64_t bits = slot == QueryTokens::kNone ? 0 : query_tokens.bits[slot];
      shared_bits |= bits;
      if (slot != QueryTokens::kNone) lowest = std::min<double>(lowest, query_tokens.lowest[slot]);
      const std::uint64_t initial =
          (head & 0x80u) != 0 ? query_tokens.long_words[head & 127u] : query_tokens.initial_words[head];
      if (initial != 0) lowest = std::min(lowest, kInitialSimilarity);
      bits |= initial;
      const bool distinctive = card.distinctive;
      if (bits != 0 || distinctive) name_floor += weight;
      if (bits == 0) {
        distinctive_met = distinctive_met && !distinctive;
        if (card.role == Role::Patronymic) unmet_patronymic += weight;
        else others_met = false;
        continue;
      }
      word_bits |= bits;
      name_met += weight;
      ++positions_met;
    }
    if (word_bits == all_words && positions_met == position_count) return true;  // may be exact
    // The hard rules of score_entry that this already decides.
    const bool weak = (posting.flags & ScreenIndex::Data::kEntryWeak) != 0;
    const bool alias = (posting.flags & ScreenIndex::Data::kEntryAlias) != 0;
    const bool one_word = ordinary_positions <= 1;
    const bool all_meaningful = (meaningful_words & ~word_bits) == 0;
    if ((shared_bits & sharing_words) == 0) return false;  // generic words, initials alone
    if (one_word && !all_meaningful) return false;          // a one-word name for a longer query
    if ((weak || (one_word && alias)) && !all_meaningful) return false;  // strict
    const double found = found_of(word_bits);
    detail::EvidenceBound bound;
    const bool last_met = (word_bits >> (word_count - 1) & 1u) != 0;
    bound.query_share = person ? share_of(found, last_met) : share(found, query_weight);
    if (bound.query_share + 1e-9 < kMinQueryShare) return false;
    // An organisation's unmatched qualifiers may not count (score_entry): the smallest total.
    if (!person) name_total = name_floor;
    // A person's patronymics left out may not count (score_entry): the smallest total.
    if (person && others_met) name_total -= unmet_patronymic;
    bound.name_share = name_total > 0 ? std::min(1.0, name_met / name_total) : 1.0;
    bound.matched_weight = name_met;
    // The bound counts at most 4 words (calibrated_logit_bound): counted up to 4, without the
    // library call std::popcount makes in a build for any x86-64.
    int matched_words = 0;
    for (std::uint64_t bits = word_bits; bits != 0 && matched_words < 4; bits &= bits - 1) ++matched_words;
    bound.matched_words = matched_words;
    bound.min_similarity = lowest;
    bound.one_word = one_word ? 1 : 0;
    bound.weak = weak ? 1 : 0;
    bound.person = person ? 1 : 0;
    const bool every_word = word_bits == all_words;
    bound.typo_only =
        every_word && (positions_met == position_count || (!person && distinctive_met) || (person && others_met)) ? -1 : 0;
    bound.distinctive_exact = !person && every_word && distinctive_met ? -1 : 0;
    const double logit = logit_bound(bound);
    return reach_logit ? logit >= *reach_logit : 1 / (1 + std::exp(-logit)) + 1e-9 >= options.min_score;
  };
  // Each name once per query: a mark per index entry, stamped with this query's number (one
  // array per thread, never cleared between queries).
  thread_local std::vector<std::uint32_t> marks;
  thread_local std::uint32_t generation = 0;
  if (marks.size() < d.entry_node.size()) {
    marks.assign(d.entry_node.size(), 0);
    generation = 0;
  }
  if (++generation == 0) {
    std::fill(marks.begin(), marks.end(), 0);
    generation = 1;
  }
  std::vector<Scored> scored;
  std::vector<Option> scratch_options;
  auto consider = [&](std::uint32_t entry) {
    ++stats.scored;
    const Scored result = score_entry(d, entry, words, scratch_options, nullptr);
    if (result.score <= 0 || result.score + 1e-9 < options.min_score) return;
    if (!node_passes(graph, d.entry_node[entry], options)) return;
    scored.push_back(result);
  };
  // Walks the postings of `token` whose key is at most `cutoff`; with `filter`, from the posting
  // `filtered_from` on only the names whose bit it sets or that hold `initial` (a one-letter
  // token; kNoToken: none): the others cannot reach the threshold (see "required words" below).
  // The bound reads each name from posting_names, in order (no cache miss at a random place of
  // the index but for its mark and a long name).
  thread_local std::vector<std::uint32_t> passing;
  constexpr std::uint32_t kNoToken = ~std::uint32_t{0};
  constexpr std::uint32_t kAnyLetter = kNoToken - 1;  // `initial`: a name holding any one-letter word passes
  auto touch = [&](std::uint32_t token, double cutoff, const std::uint64_t* filter, std::uint32_t filtered_from,
                   std::uint32_t initial, const NameReach& reach, const NameReach* alone, std::uint64_t later_sharing,
                   std::uint32_t letter_from, std::uint16_t letter_mask) {
    std::uint32_t begin = d.posting_at[token];
    const auto end = static_cast<std::uint32_t>(
        std::upper_bound(d.posting_key.begin() + begin, d.posting_key.begin() + d.posting_at[token + 1], cutoff) -
        d.posting_key.begin());
    const ScreenIndex::Data::PostingName* names = d.posting_names.data();
    // In blocks: first the first test of each posting (the records stream in order; what the
    // test reads of their words, scattered over the token tables, is requested a few names
    // ahead), then, for the names that passed, their mark (requested as each passes) and the full
    // bound. A name that fails the first test is not marked: it fails it through every list that
    // holds it (first_test), and its mark, at a random place of 4 MiB at 1M names, is not read.
    // The names past it are taken in posting order, as one by one.
    constexpr std::uint32_t kAhead = 4;
    constexpr std::size_t kBlock = 32;
    std::array<std::uint32_t, kBlock> passed;  // postings of this block past the first test
    std::size_t passed_count = 0;
    auto flush = [&] {
      for (std::size_t at = 0; at < passed_count; ++at) {
        const ScreenIndex::Data::PostingName& posting = names[passed[at]];
        if (marks[posting.entry] == generation) continue;
        marks[posting.entry] = generation;
        ++stats.first_passed;
        if (may_reach(posting)) consider(posting.entry);
      }
      passed_count = 0;
    };
    const bool all_pass = passes_first_test(token);
    auto test = [&](std::uint32_t at) {
      if (at >= letter_from && (names[at].heads & letter_mask) == 0) {
        ++stats.filter_tested;
        return;
      }
      ++stats.names_met;
      if (!first_test(names[at], all_pass, reach, alone, later_sharing, d.posting_key[at])) return;
      detail::prefetch_line(&marks[names[at].entry]);
      passed[passed_count++] = at;
      if (passed_count == kBlock) flush();
    };
    auto prefetch_words = [&](const ScreenIndex::Data::PostingName& posting) {
      if (posting.count > ScreenIndex::Data::kInlineTokens) return;  // not inline: read when met
      for (std::size_t at = 0; at < posting.count; ++at) detail::prefetch_line(&token_words[posting.tokens[at]]);
    };
    const std::uint32_t unfiltered_end = filter == nullptr ? end : std::clamp(filtered_from, begin, end);
    stats.postings += unfiltered_end - begin;
    for (std::uint32_t at = begin; at < unfiltered_end; ++at) {
      if (at + kAhead < unfiltered_end) prefetch_words(names[at + kAhead]);
      test(at);
    }
    if (filter != nullptr) {
      begin = unfiltered_end;
      passing.clear();
      stats.filter_tested += end - begin;
      for (std::uint32_t at = begin; at < end; ++at) {
        const std::uint32_t entry = d.postings[at];
        if ((filter[entry >> 6] >> (entry & 63u) & 1u) != 0) {
          passing.push_back(at);
        } else if (initial == kAnyLetter) {
          if ((names[at].flags & ScreenIndex::Data::kEntryLetter) != 0) passing.push_back(at);
        } else if (initial != kNoToken) {
          const ScreenIndex::Data::PostingName& posting = names[at];
          bool holds = posting.count > ScreenIndex::Data::kInlineTokens;  // not inline: let it through
          for (std::size_t word = 0; word < posting.count && !holds; ++word) holds = posting.tokens[word] == initial;
          if (holds) passing.push_back(at);
        }
      }
      stats.postings += passing.size();
      for (std::size_t at = 0; at < passing.size(); ++at) {
        if (at + kAhead < passing.size()) prefetch_words(names[passing[at + kAhead]]);
        test(passing[at]);
      }
    }
    flush();
  };
  constexpr double kNoCutoff = std::numeric_limits<double>::infinity();
  // Generic, legal-form and very common words (weight under kMeaningfulWeight) identify no one:
  // a name that meets none of the query's other words scores 0 unless it is the same words
  // (score_entry). Their postings, the longest, are never walked: when the query has nothing
  // else, the whole-name hash gives the names of exactly the query's words.
  const bool meaningful_query = sharing_words != 0;
  if (options.exhaustive) {
    for (std::uint32_t entry = 0; entry < d.entry_node.size(); ++entry) consider(entry);
  } else if (!meaningful_query) {
    // Only a name of exactly the query's words can score (score_entry: no meaningful word to
    // share): the whole-name hash finds them (a word the index does not hold: none).
    std::vector<std::uint32_t> own(word_count);
    bool known = true;
    for (std::size_t at = 0; at < word_count && known; ++at) {
      known = false;
      for (const Candidate& candidate : words[at].candidates)
        if (candidate.how == TokenMatchKind::Exact) own[at] = candidate.token, known = true;
    }
    if (known) {
      const std::uint64_t hash = whole_name_hash(own);
      const auto first = std::lower_bound(d.whole_hash.begin(), d.whole_hash.end(), hash);
      for (auto at = first; at != d.whole_hash.end() && *at == hash; ++at) {
        const std::uint32_t entry = d.whole_entry[static_cast<std::size_t>(at - d.whole_hash.begin())];
        if (d.entry_token_at[entry + 1] - d.entry_token_at[entry] == word_count) consider(entry);
      }
    }
  } else {
    // Per word: the most of a name it can cover (any way it may pair), and as an initial only.
    std::vector<double> cover(word_count), initial_cover(word_count), pairable(word_count);
    for (std::size_t at = 0; at < word_count; ++at) {
      const QueryWord& word = words[at];
      initial_cover[at] = word.text.size() == 1 ? 1.0 : kInitialWeight;
      double most = initial_cover[at];
      // A pair covers its similarity times the name word's weight (score_entry).
      for (const Candidate& candidate : word.candidates)
        most = std::max<double>(most, candidate.similarity * d.weight[candidate.token]);
      for (const auto& [first, second] : word.splits) most = std::max<double>(most, d.weight[first] + d.weight[second]);
      for (const Candidate& candidate : word.joins)
        most = std::max<double>(most, candidate.similarity * d.weight[candidate.token]);
      cover[at] = most;
      // The name weight it can pair at all (its words paired in full, whatever the similarity).
      double heaviest = initial_cover[at];
      for (const Candidate& candidate : word.candidates) heaviest = std::max<double>(heaviest, d.weight[candidate.token]);
      for (const auto& [first, second] : word.splits) heaviest = std::max<double>(heaviest, d.weight[first] + d.weight[second]);
      for (const Candidate& candidate : word.joins) heaviest = std::max<double>(heaviest, d.weight[candidate.token]);
      pairable[at] = heaviest;
    }
    // The largest key a name can have and still reach the threshold, given bounds of its query
    // share and of the name weight the query can cover, and whether it may have every word paired
    // (typo only, distinctive exact, the same words); negative: none can.
    auto cutoff_key = [&](double query_share, double most_cover, bool every_word_possible, double most_paired,
                          bool one_word_possible = true) {
      if (query_share + 1e-9 < kMinQueryShare) return -1.0;
      if (options.min_score <= 0) return kNoCutoff;
      detail::EvidenceBound bound;  // a name whose key is past most_cover, or that misses a word
      bound.query_share = query_share;
      bound.name_share = 0;  // its share is added below
      bound.matched_weight = most_cover;
      bound.matched_words = static_cast<int>(word_count);
      bound.min_similarity = least_similarity;
      bound.typo_only = 0;
      bound.distinctive_exact = 0;
      const double needed = options.min_score >= 1 ? kNoCutoff : std::log(options.min_score / (1 - options.min_score));
      // The largest key that can reach the threshold with the name's one-word flag as given:
      // -1 for none, kNoCutoff for every key.
      auto largest_key = [&](int one_word) {
        bound.one_word = one_word;
        const double rest = detail::calibrated_logit_bound(bound);
        if (rest + std::max(0.0, calibration::kNameShare) + 1e-9 < needed) return -1.0;  // not even a full name share
        if (calibration::kNameShare <= 0 || rest + 1e-9 >= needed) return kNoCutoff;
        // kNameShare * min(1, most_cover / key) >= needed - rest
        const double share = std::max(1e-12, (needed - rest - 1e-9) / calibration::kNameShare);
        return most_cover / share;
      };
      // Up to most_paired (the name weight the words can pair, similarity aside), a name may have
      // every word paired: anything is possible. A name of one ordinary word has a key of at most
      // one_word_key_max; past it, a name has two or more (no one-word terms in its score).
      double cutoff = every_word_possible ? most_paired : -1.0;
      cutoff = std::max(cutoff, largest_key(0));
      if (one_word_possible) cutoff = std::max(cutoff, std::min<double>(largest_key(-1), d.one_word_key_max));
      if (cutoff < 0) return -1.0;
      return cutoff * (1 + 1e-6) + 1e-6;  // keys are rounded down; sums may differ in the last bit
    };
    // The same bound for a name met through a list, less the two terms its own words bound
    // (name_reaches above), with the threshold's logit.
    auto reach_of = [&](double query_share, double most_cover, bool every_word_possible, double most_paired) {
      NameReach reach;
      if (options.min_score <= 0) return reach;
      reach.always = false;
      reach.paired_key = every_word_possible ? most_paired * (1 + 1e-6) + 1e-6 : -1.0;
      reach.most_cover = most_cover;
      reach.needed = options.min_score >= 1 ? kNoCutoff : std::log(options.min_score / (1 - options.min_score));
      detail::EvidenceBound bound;
      bound.query_share = query_share;
      bound.name_share = 0;
      bound.matched_weight = 0;
      bound.matched_words = static_cast<int>(word_count);
      bound.min_similarity = least_similarity;
      bound.typo_only = 0;
      bound.distinctive_exact = 0;
      bound.one_word = 0;
      reach.rest[0] = detail::calibrated_logit_bound(bound);
      bound.one_word = -1;
      reach.rest[1] = detail::calibrated_logit_bound(bound);
      return reach;
    };
    // Required words. Take a name e first met through a list of word i at rank r (2. above), and a
    // later word j of three letters or more. If e pairs j through none of j's own lists
    // (candidates, either half of a split, a word j joins with a neighbour), j is unpaired or an
    // initial (a one-letter word of e for j's first letter): then
    //   unpaired: found <= F - w(j), cover <= M - cover(j), not every word paired (no typo only,
    //             no distinctive exact, not the same words), and, when j weighs kMeaningfulWeight
    //             or more, not a one-word or weak name (a meaningful query word unpaired:
    //             score_entry gives those 0; a lighter j, a generic word as in "bank s", leaves
    //             both possible);
    //   initial:  found <= F - 0.1 w(j), cover <= M - cover(j) + initial cover(j), an initial
    //             paired (no typo only), inexact (no distinctive exact);
    // with F, M the bounds of 2. When neither can make half the query nor reach the threshold
    // (name share at most 1, every other term at its most favourable), every name of rank r that
    // can reach it holds a name word in j's lists: the walk skips the others, unscored.
    auto pair_lists = [&](std::size_t word, auto&& each) {
      for (const Candidate& candidate : words[word].candidates) each(candidate.token);
      for (const auto& [first, second] : words[word].splits)
        each(d.posting_at[first + 1] - d.posting_at[first] < d.posting_at[second + 1] - d.posting_at[second] ? first : second);
      if (word + 1 < word_count)
        for (const Candidate& candidate : words[word].joins) each(candidate.token);
      if (word > 0)
        for (const Candidate& candidate : words[word - 1].joins) each(candidate.token);
    };
    std::vector<std::size_t> list_sizes(word_count, ~std::size_t{0});
    auto pair_list_size = [&](std::size_t word) {
      if (list_sizes[word] == ~std::size_t{0}) {
        std::size_t size = 0;
        pair_lists(word, [&](std::uint32_t token) { size += d.posting_at[token + 1] - d.posting_at[token]; });
        list_sizes[word] = size;
      }
      return list_sizes[word];
    };
    const double needed = options.min_score >= 1 ? kNoCutoff : std::log(options.min_score / (1 - options.min_score));
    auto required = [&](double found, bool last_possible, double most_cover, std::size_t word) {
      if (options.min_score <= 0) return false;
      const double weight = words[word].weight;
      const bool last = word + 1 == word_count;
      const double unpaired_share = share_of(std::max(0.0, found - weight), last_possible && !last);
      const double initial_share = share_of(std::max(0.0, found - (1 - kInitialSimilarity) * weight), last_possible);
      const bool meaningful = weight >= kMeaningfulWeight;  // unpaired, it leaves no one-word or weak name a score
      const double slack = 1e-9;
      auto reaches = [&](double query_share, double cover, int words_paired, bool unpaired) {
        if (query_share + slack < kMinQueryShare) return false;
        detail::EvidenceBound bound;
        bound.query_share = query_share;
        bound.name_share = 1;
        bound.matched_weight = std::max(0.0, cover) + slack;
        bound.matched_words = words_paired;
        bound.min_similarity = least_similarity;
        bound.typo_only = 0;
        bound.distinctive_exact = 0;
        if (unpaired && meaningful) bound.one_word = 0, bound.weak = 0;
        return detail::calibrated_logit_bound(bound) + slack >= needed;
      };
      return !reaches(unpaired_share, most_cover - cover[word], static_cast<int>(word_count) - 1, true) &&
             !reaches(initial_share, most_cover - cover[word] + initial_cover[word], static_cast<int>(word_count), false);
    };
    // Required past a key. When j is not required for the whole run, the unpaired case above
    // still bounds a name's evidence, and its name share is at most that cover over its key (2.
    // above): cutoff_key of that case (not every word paired, not a one-word name) is the largest
    // key a name leaving j unpaired can have and reach the threshold. Past it, every name of the
    // run that can reach the threshold holds a name word in j's lists or pairs j as an initial,
    // which takes a one-letter name word of j's first letter (score_entry): it holds that token.
    auto required_from = [&](double found, bool last_possible, double most_cover, std::size_t word) {
      const bool last = word + 1 == word_count;
      const double unpaired_share = share_of(std::max(0.0, found - words[word].weight), last_possible && !last);
      return cutoff_key(unpaired_share, std::max(0.0, most_cover - cover[word]), false, 0,
                        words[word].weight < kMeaningfulWeight);
    };
    // Up to two filters a query (a bit per index entry, one array per thread, refilled per use).
    thread_local std::vector<std::uint64_t> filter_bits[2];
    thread_local std::vector<std::uint64_t> set_bits;  // a rank's set of required words (below)
    std::size_t filter_word[2] = {word_count, word_count};
    std::size_t filters_made = 0;
    auto required_filter = [&](std::size_t word) -> const std::uint64_t* {
      for (std::size_t at = 0; at < 2; ++at)
        if (filter_word[at] == word) return filter_bits[at].data();
      const std::size_t at = filters_made++ % 2;
      std::vector<std::uint64_t>& bits = filter_bits[at];
      bits.assign((d.entry_node.size() + 63) / 64, 0);
      pair_lists(word, [&](std::uint32_t token) {
        stats.filter_set += d.posting_at[token + 1] - d.posting_at[token];
        for (std::uint32_t posting = d.posting_at[token]; posting < d.posting_at[token + 1]; ++posting) {
          const std::uint32_t entry = d.postings[posting];
          bits[entry >> 6] |= std::uint64_t{1} << (entry & 63u);
        }
      });
      filter_word[at] = word;
      return bits.data();
    };
    struct WalkList {
      std::uint32_t token;
      double cover;       // the most of a name it can cover: similarity times weight
      double weight;      // the name weight it pairs
      double similarity;  // of the word it stands for
      double best_after;  // the best similarity of this list and the later ones of the word
      double best_listed;  // the same, as an initial left out
    };
    std::vector<WalkList> lists;
    struct WalkRun {  // a list walked: its postings up to the cutoff
      std::uint32_t token;
      double cutoff;
      std::uint32_t begin, length;
      NameReach reach;  // what a name of it must cover of itself
      bool has_alone;   // alone: the same for a name holding no word a later sharing word may stand for
      NameReach alone;
      std::uint32_t letter_from;  // from this posting on, a name must hold a word of letter_mask's letters
    };
    struct FilteredRun {  // what a later word would filter of a run
      std::uint32_t from;     // the first posting of the run it filters (length: none)
      std::uint32_t initial;  // a name holding this token passes too (kNoToken: none)
    };
    std::vector<WalkRun> runs;
    std::vector<FilteredRun> run_filtered;          // by run, then by later rank
    std::vector<std::size_t> rank_filtered(word_count);  // by word: what it filters of this rank's runs
    // By word: the one-letter token of its first letter, which a name may pair it with as an initial.
    std::vector<std::uint32_t> initial_token(word_count, kNoToken);
    for (std::size_t at = 0; at < word_count; ++at)
      if (const auto token = d.find(std::string_view(words[at].text).substr(0, 1))) initial_token[at] = *token;
    double short_found = 0, short_cover = 0;  // words of one or two letters before this rank
    bool short_last = false;                  // the last query word among them
    bool all_before_one_letter = true;        // every word before this rank: one letter, not walked
    for (std::size_t rank = 0; rank < order.size(); ++rank) {
      const std::uint32_t at = order[rank];
      const QueryWord& word = words[at];
      if (word.weight < kMeaningfulWeight) break;  // the rest are lighter: they identify no one
      double after_cover = 0, after_paired = 0, rest_found = short_found;
      for (std::size_t other = rank; other < order.size(); ++other) {
        rest_found += words[order[other]].weight;
        if (other > rank) after_cover += cover[order[other]], after_paired += pairable[order[other]];
      }
      // The words before this rank pair in no way (2. above), the last word among them or not.
      const double query_share = share_of(rest_found, words[word_count - 1].rank >= rank || short_last);
      if (query_share + 1e-9 < kMinQueryShare) break;  // only falls for later words
      if (!word.shares) {
        // A word of one letter beside a longer meaningful word shares nothing (QueryWord::shares):
        // its postings, often the longest of the index, are not walked. A name first met later
        // may pair it in any way, exactly too.
        short_found += word.weight;
        short_cover += initial_cover[at];
        short_last = short_last || at + 1 == word_count;
        continue;
      }
      lists.clear();
      auto candidate_list = [&](const Candidate& candidate) {
        lists.push_back({candidate.token, candidate.similarity * d.weight[candidate.token], d.weight[candidate.token],
                         candidate.similarity, 0, 0});
      };
      for (const Candidate& candidate : word.candidates) candidate_list(candidate);
      for (const auto& [first, second] : word.splits)
        lists.push_back({d.posting_at[first + 1] - d.posting_at[first] < d.posting_at[second + 1] - d.posting_at[second] ? first : second,
                         static_cast<double>(d.weight[first]) + d.weight[second],
                         static_cast<double>(d.weight[first]) + d.weight[second], 1.0, 0, 0});
      for (const Candidate& candidate : word.joins) candidate_list(candidate);
      if (at > 0)
        for (const Candidate& candidate : words[at - 1].joins) candidate_list(candidate);
      // Heaviest first: a list's names may pair this word through it or a later (lighter) list,
      // never an earlier one (it would have been met there first), so with at most the best
      // similarity of this list and the later ones (or as an initial, for a word of one or two
      // letters: a longer one stands for an initial only beside an earlier ranked word met
      // otherwise, and none is). The word finds at most that similarity times its weight.
      std::stable_sort(lists.begin(), lists.end(), [](const WalkList& a, const WalkList& b) { return a.cover > b.cover; });
      double best_similarity = word.text.size() <= 2 ? kInitialSimilarity : 0.0, best_listed = 0;
      for (std::size_t at_list = lists.size(); at_list-- > 0;) {
        lists[at_list].best_after = best_similarity = std::max(best_similarity, lists[at_list].similarity);
        lists[at_list].best_listed = best_listed = std::max(best_listed, lists[at_list].similarity);
      }
      // Must share. A name scores 0 unless it is the query's words or pairs a sharing word
      // (QueryWord::shares) otherwise than as an initial (score_entry), and a name first met here
      // pairs no earlier word so (2. above). When no later word shares, this word pairs through
      // this list or a later one, not as an initial: its similarity at most best_listed, its cover
      // at most the list's (the lists are in order of cover), the initial left out of both (a
      // word of one or two letters may otherwise stand for an initial: the max above). When a
      // later word shares, the same holds for a name holding no word that later word may stand
      // for (first_test: NameReach `alone`).
      std::uint64_t later_sharing = 0;
      for (std::size_t other = rank + 1; other < order.size(); ++other)
        if (words[order[other]].shares) later_sharing |= std::uint64_t{1} << order[other];
      const bool initial_possible = word.text.size() <= 2 && options.min_score > 0;
      // Letters. A query word j of one letter (other than this one) pairs a name word as an
      // initial only when the name holds a word of its letter (score_entry: the same first
      // character); otherwise only through its own lists: its one-letter word (its only
      // candidate, of its letter), a word it joins with the next query word (a fuzzy spelling of
      // the two may start with another letter: "s adimnistradora" -> "adimnistradora"), or one
      // the word before it joins with it (that word's cover holds the join). So of j's part of
      // the cover M (2. above: an initial's cover before this rank, in short_cover; its cover
      // after it) a name holding no word of j's letter keeps at most its joins' that start with
      // another letter; of the weight it pairs, the same. Per run, the key past which a name must
      // hold a word of one of their letters (PostingName::heads; letters sharing a bit only let
      // more through).
      std::uint16_t letter_mask = 0;
      double letter_cover = 0, letter_paired = 0;
      for (std::size_t other = 0; other < word_count; ++other) {
        if (other == at || words[other].text.size() != 1) continue;
        letter_mask |= letter_bit(words[other].text[0]);
        double kept_cover = 0, kept_paired = 0;  // through a join starting with another letter
        if (other + 1 < word_count)
          for (const Candidate& candidate : words[other].joins)
            if (d.token(candidate.token)[0] != words[other].text[0]) {
              kept_cover = std::max<double>(kept_cover, candidate.similarity * d.weight[candidate.token]);
              kept_paired = std::max<double>(kept_paired, d.weight[candidate.token]);
            }
        if (words[other].rank < rank) {
          letter_cover += std::max(0.0, initial_cover[other] - kept_cover);
          letter_paired += std::max(0.0, initial_cover[other] - kept_paired);
        } else {
          letter_cover += std::max(0.0, cover[other] - kept_cover);
          letter_paired += std::max(0.0, pairable[other] - kept_paired);
        }
      }
      const bool last_possible = words[word_count - 1].rank >= rank || short_last;
      // Each list's run (the postings up to its cutoff) and, for each later word j that may be
      // required (three letters or more, meaningful), the postings of the run j filters: all of
      // them when j is required, those past required_from(...) when not (a name holding j's
      // initial then passes too), none when that key is past the run.
      runs.clear();
      run_filtered.clear();
      std::fill(rank_filtered.begin(), rank_filtered.end(), 0);
      for (const WalkList& list : lists) {
        double most_cover = short_cover + std::max(initial_cover[at], list.cover) + after_cover;
        double list_found = rest_found - (1 - list.best_after) * word.weight;
        double list_share = share_of(list_found, last_possible);
        double most_paired = short_cover + std::max(initial_cover[at], list.weight) + after_paired;
        NameReach alone;
        if (initial_possible) {  // must share (above)
          const double alone_cover = short_cover + list.cover + after_cover;
          const double alone_found = rest_found - (1 - list.best_listed) * word.weight;
          const double alone_share = share_of(alone_found, last_possible);
          const double alone_paired = short_cover + list.weight + after_paired;
          alone = reach_of(alone_share, alone_cover, all_before_one_letter, alone_paired);
          if (word.text.size() == 1) alone.initial_mask = ~(std::uint64_t{1} << at);
          if (later_sharing == 0)
            most_cover = alone_cover, list_found = alone_found, list_share = alone_share, most_paired = alone_paired;
        }
        const double cutoff = cutoff_key(list_share, most_cover, all_before_one_letter, most_paired);
        if (cutoff < 0) continue;
        const std::uint32_t begin = d.posting_at[list.token];
        const auto length = static_cast<std::uint32_t>(
            std::upper_bound(d.posting_key.begin() + begin, d.posting_key.begin() + d.posting_at[list.token + 1], cutoff) -
            (d.posting_key.begin() + begin));
        NameReach reach = reach_of(list_share, most_cover, all_before_one_letter, most_paired);
        if (initial_possible && later_sharing == 0) reach.initial_mask = alone.initial_mask;
        const bool has_alone = initial_possible && later_sharing != 0;
        // Past the key at which a name can reach the threshold only with an initial of a one-letter
        // query word (letters, above), a name holding no word of such a letter is not met.
        std::uint32_t letter_from = begin + length;
        if (letter_mask != 0 && options.min_score > 0) {
          const double letterless = cutoff_key(list_share, std::max(0.0, most_cover - letter_cover), all_before_one_letter,
                                               std::max(0.0, most_paired - letter_paired));
          if (letterless < cutoff)
            letter_from = static_cast<std::uint32_t>(
                std::upper_bound(d.posting_key.begin() + begin, d.posting_key.begin() + begin + length, letterless) -
                d.posting_key.begin());
        }
        runs.push_back({list.token, cutoff, begin, length, reach, has_alone, alone, letter_from});
        for (std::size_t later = rank + 1; later < order.size(); ++later) {
          const std::uint32_t other = order[later];
          FilteredRun filtered{length, kNoToken};  // from: the first posting filtered
          if (length >= kFilterMinRun && words[other].text.size() >= 3) {
            if (required(list_found, last_possible, most_cover, other)) {
              filtered.from = 0;
            } else {
              filtered.initial = initial_token[other];
              const double key = required_from(list_found, last_possible, most_cover, other);
              filtered.from = static_cast<std::uint32_t>(
                  std::upper_bound(d.posting_key.begin() + begin, d.posting_key.begin() + begin + length, key) -
                  (d.posting_key.begin() + begin));
            }
          }
          rank_filtered[other] += length - filtered.from;
          run_filtered.push_back(filtered);
        }
      }
      // A set of required words (pigeonhole). A name e first met at this rank pairs no earlier
      // word otherwise than as counted in rest_found (2. above), and found <= rest_found. Take a
      // set S of later words of two letters or more. If e pairs none of them through their own
      // lists (pair_lists: candidates and legal forms, a split's shorter half, the joins with
      // either neighbour) and holds no word of one letter (a word of two letters or more pairs
      // as an initial only with a one-letter name word, score_entry), each word of S is unpaired:
      // found <= rest_found - sum(weight of S). When that cannot make half the query, every name
      // of the rank that can score holds a name word in the lists of S or a one-letter word: the
      // walk skips the others, unscored. S is taken from the words with the shortest lists
      // first; its filter (the union of their lists) is made once a rank, and only when those
      // lists are not much longer than what it would filter ("guan jiang xian xuan tan lang si":
      // of 7 syllables a name must hold 4, so beside the rarest 3 of the other 6).
      const std::uint64_t* set_filter = nullptr;
      {
        std::size_t unfiltered = 0;  // postings of this rank's runs without a single-word filter
        for (const WalkRun& run : runs) unfiltered += run.length;
        std::vector<std::size_t> later;
        for (std::size_t other = rank + 1; other < order.size(); ++other)
          if (words[order[other]].text.size() >= 2) later.push_back(order[other]);
        std::stable_sort(later.begin(), later.end(),
                         [&](std::size_t a, std::size_t b) { return pair_list_size(a) < pair_list_size(b); });
        double set_weight = 0;
        std::size_t set_size = 0, set_count = 0;
        bool enough = false, set_last = false;  // set_last: the last query word is in S (unpaired)
        for (std::size_t word_at : later) {
          set_weight += words[word_at].weight;
          set_last = set_last || word_at + 1 == word_count;
          set_size += pair_list_size(word_at);
          ++set_count;
          if (share_of(std::max(0.0, rest_found - set_weight), last_possible && !set_last) + 1e-9 < kMinQueryShare) {
            enough = true;
            break;
          }
        }
        if (enough && options.min_score > 0 && unfiltered >= kFilterMinRun * 8 && set_size <= unfiltered * kSetFilterRatio) {
          set_bits.assign((d.entry_node.size() + 63) / 64, 0);
          for (std::size_t at_set = 0; at_set < set_count; ++at_set)
            pair_lists(later[at_set], [&](std::uint32_t token) {
              stats.filter_set += d.posting_at[token + 1] - d.posting_at[token];
              for (std::uint32_t posting = d.posting_at[token]; posting < d.posting_at[token + 1]; ++posting) {
                const std::uint32_t entry = d.postings[posting];
                set_bits[entry >> 6] |= std::uint64_t{1} << (entry & 63u);
              }
            });
          set_filter = set_bits.data();
        }
      }
      const std::size_t later_count = order.size() - rank - 1;
      for (std::size_t at_run = 0; at_run < runs.size(); ++at_run) {
        const WalkRun& run = runs[at_run];
        // A required word: a later word that a name first met here must pair through its own
        // lists (not as an initial, not unpaired), or it cannot reach the threshold; or must pair
        // so when its key is past required_from(...). When its lists are not much longer than the
        // runs of this rank they filter (or their filter is made already), the names they hold
        // become a filter: a bit per index entry, set from them, tested before a name's cost is
        // paid. The word filtering the most postings of the run is taken (ties: shorter lists).
        const std::uint64_t* filter = nullptr;
        std::uint32_t filtered_from = run.begin + run.length;
        std::uint32_t filter_initial = kNoToken;  // with the filter: a name holding it passes too
        std::size_t best_filtered = 0, best_size = 0;
        std::size_t best = word_count;
        for (std::size_t later = rank + 1; later < order.size(); ++later) {
          const std::uint32_t other = order[later];
          const FilteredRun& filtered = run_filtered[at_run * later_count + (later - rank - 1)];
          const std::size_t count = run.length - filtered.from;
          if (count < kFilterMinRun) continue;
          const bool made = filter_word[0] == other || filter_word[1] == other;
          const std::size_t size = pair_list_size(other);
          if (!made && size >= rank_filtered[other] * kFilterRatio) continue;
          if (count < best_filtered || (count == best_filtered && size >= best_size)) continue;
          best_filtered = count, best_size = size, best = other;
          filtered_from = run.begin + filtered.from;
          filter_initial = filtered.initial;
        }
        if (best != word_count) {
          filter = required_filter(best);
        } else if (set_filter != nullptr && run.length >= kFilterMinRun) {
          filter = set_filter, filtered_from = run.begin, filter_initial = kAnyLetter;
        }
        touch(run.token, run.cutoff, filter, filtered_from, filter_initial, run.reach, run.has_alone ? &run.alone : nullptr,
              later_sharing, run.letter_from, letter_mask);
      }
      if (word.text.size() <= 2) {  // it may still pair with later names, as an initial
        short_found += kInitialSimilarity * word.weight;
        short_cover += initial_cover[at];
        short_last = short_last || at + 1 == word_count;
      }
      all_before_one_letter = false;
    }
    // A name in no walked list shares no meaningful word with the query (initials aside) and
    // scores 0 (score_entry), or misses so much of the query that it cannot make half of it.
  }
  walk_stats = stats;

  // Best name per node: highest score, then an exact match, then the earlier name (primary).
  auto better = [&](const Scored& a, const Scored& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.exact != b.exact) return a.exact;
    if (a.evidence.name_share != b.evidence.name_share) return a.evidence.name_share > b.evidence.name_share;
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
    std::vector<Option> kept;
    score_entry(d, result.entry, words, scratch_options, &kept);
    ScreenHit hit;
    hit.node = d.entry_node[result.entry];
    hit.score = result.score;
    hit.exact = result.exact;
    hit.evidence = result.evidence;
    hit.ignored_query_tokens = ignored;
    hit.name = graph.names(hit.node)[d.entry_slot[result.entry]];
    hit.name_text = graph.string(hit.name.text);
    const auto tokens = d.entry_token_span(result.entry);
    std::uint64_t used_words = 0, used_positions = 0;
    std::sort(kept.begin(), kept.end(), [](const Option& a, const Option& b) {
      return std::countr_zero(a.words) < std::countr_zero(b.words);
    });
    for (const Option& option : kept) {
      used_words |= option.words;
      used_positions |= option.positions;
      TokenMatch match;
      bool legal = false;
      double weight = 0;
      for (std::size_t word = 0; word < words.size() && word < 64; ++word)
        if ((option.words >> word & 1u) != 0) {
          if (!match.query_token.empty()) match.query_token += ' ';
          match.query_token += words[word].text;
          legal = legal || words[word].legal != 0;
          weight += words[word].weight;
        }
      for (std::size_t position = 0; position < tokens.size() && position < 64; ++position)
        if ((option.positions >> position & 1u) != 0) {
          if (!match.name_token.empty()) match.name_token += ' ';
          match.name_token += d.token(tokens[position]);
          legal = legal || d.legal[tokens[position]] != 0;
        }
      match.how = option.how;
      match.edits = option.edits;
      match.similarity = option.similarity;
      match.legal_form = legal;
      match.weight = weight;
      hit.matched.push_back(std::move(match));
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
