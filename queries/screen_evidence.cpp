#include "skg/queries/screen_evidence.h"

#include <unicode/locid.h>
#include <unicode/uloc.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include <fmt/format.h>

#include "skg/queries/as_of.h"
#include "skg/queries/screen.h"

namespace skg::inline v1 {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t at = 0; at < a.size(); ++at) {
    char x = a[at], y = b[at];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool any_iequals(const std::vector<std::string>& values, std::string_view text) noexcept {
  return std::any_of(values.begin(), values.end(),
                     [&](const std::string& value) { return iequals(value, text); });
}

std::string_view trim_view(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '.'))
    text.remove_suffix(1);
  return text;
}

bool action_matches(const Graph& graph, const Action& action, const ScreenFilter& filter) {
  if (!filter.authorities.empty() && !any_iequals(filter.authorities, graph.string(action.authority)))
    return false;
  if (!filter.lists.empty() && !any_iequals(filter.lists, graph.string(action.list))) return false;
  if (!filter.programs.empty()) {
    // OFAC writes several programs of one listing joined by "; " (loaders/ofac_csv.h).
    std::string_view programs = graph.string(action.program);
    bool found = false;
    while (!found) {
      const auto semicolon = programs.find(';');
      found = any_iequals(filter.programs, trim_view(programs.substr(0, semicolon)));
      if (semicolon == std::string_view::npos) break;
      programs.remove_prefix(semicolon + 1);
    }
    if (!found) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Dates of birth.

struct BirthDate {
  int year_low = 0, year_high = 0;  // a range of years: equal for one year
  int month = 0, day = 0;           // 0: not given
  bool approximate = false;         // "circa 1960": two years either side still agree
};

/// "1966", "1966-11", "1966-11-09": the caller's form (and the loaders' ISO form).
std::optional<BirthDate> parse_iso_partial(std::string_view text) {
  auto digits = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return std::nullopt;
  if (!digits(text.substr(0, 4))) return std::nullopt;
  BirthDate out;
  out.year_low = out.year_high = std::atoi(std::string(text.substr(0, 4)).c_str());
  if (text.size() >= 7) {
    if (text[4] != '-' || !digits(text.substr(5, 2))) return std::nullopt;
    out.month = std::atoi(std::string(text.substr(5, 2)).c_str());
    if (out.month < 1 || out.month > 12) return std::nullopt;
  }
  if (text.size() == 10) {
    if (text[7] != '-' || !digits(text.substr(8, 2))) return std::nullopt;
    out.day = std::atoi(std::string(text.substr(8, 2)).c_str());
    if (!Date::from_ymd(out.year_low, out.month, out.day)) return std::nullopt;
  }
  return out;
}

/// A record's date of birth as the loaders keep it: ISO when exact, else as written ("circa
/// 1960", "1960 to 1965", "between 1960 and 1965", "01 Jan 1960 to 31 Dec 1962", "Nov 1966").
std::optional<BirthDate> parse_record_birth(std::string_view text) {
  text = trim_view(text);
  if (const auto paren = text.find(" ("); paren != std::string_view::npos) text = text.substr(0, paren);
  if (auto iso = parse_iso_partial(text)) return iso;
  std::vector<int> years;
  for (std::size_t at = 0; at + 4 <= text.size(); ++at) {
    const bool boundary_before = at == 0 || !(text[at - 1] >= '0' && text[at - 1] <= '9');
    const bool boundary_after = at + 4 == text.size() || !(text[at + 4] >= '0' && text[at + 4] <= '9');
    if (!boundary_before || !boundary_after) continue;
    const std::string_view part = text.substr(at, 4);
    if (!std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    years.push_back(std::atoi(std::string(part).c_str()));
  }
  if (years.empty()) return std::nullopt;
  BirthDate out;
  out.year_low = *std::min_element(years.begin(), years.end());
  out.year_high = *std::max_element(years.begin(), years.end());
  out.approximate = text.find("circa") != std::string_view::npos ||
                    text.find("approx") != std::string_view::npos;
  return out;
}

constexpr int kApproximateYears = 2;

/// The note for one caller date against one record date; `rank` orders notes, best first.
EvidenceNote compare_birth(const BirthDate& query, const BirthDate& record, std::string_view written,
                           int& rank) {
  using namespace evidence_weights;
  const int year = query.year_low;
  EvidenceNote note{"date of birth", EvidenceEffect::None, 0, {}};
  const int slack = record.approximate ? kApproximateYears : 0;
  if (year < record.year_low - slack || year > record.year_high + slack) {
    note.effect = EvidenceEffect::Lowers;
    note.delta = kBirthYearMismatch;
    note.text = fmt::format("born {} is not the record's {}", year, written);
    rank = 0;
    return note;
  }
  if (record.year_low != record.year_high || record.approximate) {
    note.effect = EvidenceEffect::Raises;
    note.delta = kBirthYear;
    note.text = fmt::format("born {} lies within the record's {}", year, written);
    rank = 2;
    return note;
  }
  // The same single year: compare month and day where both sides give them.
  if (query.month != 0 && record.month != 0 && query.month != record.month) {
    note.effect = EvidenceEffect::Lowers;
    note.delta = kBirthDayMismatch;
    note.text = fmt::format("same year, another month than the record's {}", written);
    rank = 1;
    return note;
  }
  if (query.day != 0 && record.day != 0 && query.day != record.day) {
    note.effect = EvidenceEffect::Lowers;
    note.delta = kBirthDayMismatch;
    note.text = fmt::format("same month, another day than the record's {}", written);
    rank = 1;
    return note;
  }
  note.effect = EvidenceEffect::Raises;
  if (query.day != 0 && record.day != 0) {
    note.delta = kBirthDay;
    note.text = fmt::format("the record's date of birth is {}, the same day", written);
    rank = 4;
  } else {
    note.delta = kBirthYear;
    note.text = fmt::format("the record's date of birth {} agrees as far as both go", written);
    rank = 3;
  }
  return note;
}

// ---------------------------------------------------------------------------------------------
// Countries.

struct IsoCountry {
  std::string_view alpha2, alpha3, name, official, common;
};
constexpr IsoCountry kIsoCountries[] = {
#include "countries.inc"
};

// Forms of country names that the lists write and neither ISO 3166 nor CLDR's English names
// hold: OFAC add.csv and remarks ("Korea, North", "Burma"), and Kosovo, which has no ISO code
// (XK is the code the European Commission and OFAC's XML use for it).
constexpr std::pair<std::string_view, std::string_view> kListCountryNames[] = {
    {"Korea, North", "KP"}, {"Korea, South", "KR"}, {"North Korea", "KP"},
    {"South Korea", "KR"},  {"Burma", "MM"},        {"Kosovo", "XK"},
    {"Macau", "MO"},        {"Russia", "RU"},       {"Turkey", "TR"},
    {"Vatican City", "VA"}, {"Ivory Coast", "CI"},  {"Cape Verde", "CV"},
    {"Swaziland", "SZ"},    {"Czech Republic", "CZ"}, {"Macedonia", "MK"},
    {"The Bahamas", "BS"},  {"The Gambia", "GM"},   {"Congo, Democratic Republic of the", "CD"},
    {"Congo, Republic of the", "CG"}, {"USA", "US"}, {"UK", "GB"},
};

/// Lower-case ASCII words, "the" and "and" left out: "Congo, The Democratic Republic of the" ->
/// "congo democratic republic of".
std::string country_key(std::string_view text) {
  std::string key;
  for (const std::string& word : screen_tokens(text)) {
    if (word == "the" || word == "and") continue;
    if (!key.empty()) key += ' ';
    key += word;
  }
  return key;
}

const std::unordered_map<std::string, std::string>& country_table() {
  static const std::unordered_map<std::string, std::string> table = [] {
    std::unordered_map<std::string, std::string> out;
    auto add = [&](std::string_view name, std::string_view code) {
      const std::string key = country_key(name);
      if (!key.empty()) out.emplace(key, std::string(code));
    };
    for (const IsoCountry& country : kIsoCountries) {
      add(country.alpha2, country.alpha2);
      add(country.alpha3, country.alpha2);
      add(country.name, country.alpha2);
      add(country.official, country.alpha2);
      add(country.common, country.alpha2);
      // CLDR's English name through ICU ("Russia", "North Korea", "Myanmar (Burma)").
      const icu::Locale locale("", std::string(country.alpha2).c_str());
      icu::UnicodeString display;
      locale.getDisplayCountry(icu::Locale::getEnglish(), display);
      std::string utf8;
      display.toUTF8String(utf8);
      if (!utf8.empty() && utf8 != country.alpha2) add(utf8, country.alpha2);
    }
    for (auto [name, code] : kListCountryNames) add(name, code);
    return out;
  }();
  return table;
}

/// Record attributes that name a country, and what they mean.
constexpr std::string_view kCountryKeys[] = {
    "nationality", "citizenship", "country", "jurisdiction", "birthCountry",
    "registrationCountry", "flag", "birthPlace"};

}  // namespace

bool passes_filter(const Graph& graph, NodeId node, const ScreenFilter& filter,
                   std::optional<Date> as_of) noexcept {
  if (filter.empty()) return true;
  for (EdgeId edge : graph.out_edges(node)) {
    if (graph.edge_kind(edge) != EdgeKind::TargetOf) continue;
    const Action* action = graph.action(graph.target(edge));
    if (action == nullptr || !action_matches(graph, *action, filter)) continue;
    if (!as_of || listing_range(graph, edge).contains(*as_of)) return true;
  }
  return false;
}

std::string_view to_string(EvidenceEffect effect) noexcept {
  switch (effect) {
    case EvidenceEffect::Raises: return "raises";
    case EvidenceEffect::Lowers: return "lowers";
    case EvidenceEffect::None: return "none";
  }
  return "none";
}

std::optional<std::string> country_code(std::string_view text) {
  const std::string key = country_key(text);
  if (key.empty()) return std::nullopt;
  const auto& table = country_table();
  if (const auto found = table.find(key); found != table.end()) return found->second;
  return std::nullopt;
}

std::vector<std::string> split_countries(std::string_view text) {
  std::vector<std::string> out;
  const std::string_view whole = trim_view(text);
  if (whole.empty()) return out;
  if (country_code(whole)) {
    out.emplace_back(whole);
    return out;
  }
  while (!text.empty()) {
    const auto cut = text.find_first_of(",;|");
    const std::string_view part = trim_view(text.substr(0, cut));
    if (!part.empty()) out.emplace_back(part);
    if (cut == std::string_view::npos) break;
    text.remove_prefix(cut + 1);
  }
  return out;
}

std::optional<std::string> evidence_error(const ScreenEvidence& evidence) {
  if (!evidence.birth_date.empty() && !parse_iso_partial(evidence.birth_date))
    return fmt::format("date of birth '{}' is not YYYY, YYYY-MM or YYYY-MM-DD", evidence.birth_date);
  for (const std::string& country : evidence.countries)
    if (!country_code(country))
      return fmt::format("'{}' is not a country name or ISO 3166 code", country);
  if (!evidence.gender.empty()) {
    const std::string folded = country_key(evidence.gender);
    if (folded != "male" && folded != "female" && folded != "m" && folded != "f")
      return fmt::format("gender '{}' is not male or female", evidence.gender);
  }
  return std::nullopt;
}

std::vector<std::string_view> record_birth_dates(const Graph& graph, NodeId node) {
  std::vector<std::string_view> out;
  for (const Attribute& attribute : graph.attributes(node))
    if (graph.string(attribute.key) == "birthDate") {
      const auto value = graph.string(attribute.value);
      if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
    }
  return out;
}

std::vector<CountryFact> record_countries(const Graph& graph, NodeId node) {
  std::vector<CountryFact> out;
  for (const Attribute& attribute : graph.attributes(node)) {
    const std::string_view key = graph.string(attribute.key);
    if (std::find(std::begin(kCountryKeys), std::end(kCountryKeys), key) == std::end(kCountryKeys))
      continue;
    const std::string_view value = graph.string(attribute.value);
    std::string_view country = value;
    if (key == "birthPlace") {  // "Moscow, Russia": the last part, when it names a country
      const auto comma = value.rfind(',');
      if (comma != std::string_view::npos) country = value.substr(comma + 1);
    }
    const auto code = country_code(country);
    if (!code) continue;
    const bool seen = std::any_of(out.begin(), out.end(), [&](const CountryFact& fact) {
      return fact.code == *code && fact.key == key;
    });
    if (!seen) out.push_back({*code, key, value});
  }
  return out;
}

std::vector<EvidenceNote> weigh_evidence(const Graph& graph, NodeId node,
                                         const ScreenEvidence& evidence) {
  using namespace evidence_weights;
  std::vector<EvidenceNote> notes;
  if (!evidence.birth_date.empty()) {
    if (const auto query = parse_iso_partial(evidence.birth_date)) {
      const auto written = record_birth_dates(graph, node);
      std::optional<EvidenceNote> best;
      int best_rank = -1;
      std::vector<std::string_view> unreadable;
      for (std::string_view value : written) {
        const auto record = parse_record_birth(value);
        if (!record) {
          unreadable.push_back(value);
          continue;
        }
        int rank = 0;
        EvidenceNote note = compare_birth(*query, *record, value, rank);
        if (rank > best_rank) best = std::move(note), best_rank = rank;
      }
      if (best) {
        notes.push_back(std::move(*best));
      } else if (!unreadable.empty()) {
        notes.push_back({"date of birth", EvidenceEffect::None, 0,
                         fmt::format("the record's date of birth '{}' has no year to compare",
                                     unreadable.front())});
      } else {
        notes.push_back({"date of birth", EvidenceEffect::None, 0,
                         "the record gives no date of birth"});
      }
    }
  }
  if (!evidence.countries.empty()) {
    const auto facts = record_countries(graph, node);
    std::vector<std::string> wanted;
    for (const std::string& country : evidence.countries)
      if (auto code = country_code(country)) wanted.push_back(*code);
    const CountryFact* agree = nullptr;
    for (const CountryFact& fact : facts)
      if (std::find(wanted.begin(), wanted.end(), fact.code) != wanted.end()) {
        agree = &fact;
        break;
      }
    std::string wanted_text;
    for (const auto& code : wanted) wanted_text += (wanted_text.empty() ? "" : "/") + code;
    if (agree != nullptr) {
      notes.push_back({"country", EvidenceEffect::Raises, kCountry,
                       fmt::format("{} = the record's {} {}", wanted_text, agree->key, agree->value)});
    } else if (facts.empty()) {
      notes.push_back({"country", EvidenceEffect::None, 0, "the record gives no country"});
    } else {
      std::string theirs;
      for (const CountryFact& fact : facts)
        theirs += fmt::format("{}{} {} ({})", theirs.empty() ? "" : ", ", fact.key, fact.value, fact.code);
      notes.push_back({"country", EvidenceEffect::Lowers, kCountryMismatch,
                       fmt::format("{} is none of the record's countries: {}", wanted_text, theirs)});
    }
  }
  if (!evidence.gender.empty()) {
    const std::string folded = country_key(evidence.gender);
    const bool male = folded == "male" || folded == "m";
    std::string_view theirs;
    for (const Attribute& attribute : graph.attributes(node))
      if (graph.string(attribute.key) == "gender") theirs = graph.string(attribute.value);
    const std::string their_folded = country_key(theirs);
    if (their_folded != "male" && their_folded != "female") {
      notes.push_back({"gender", EvidenceEffect::None, 0,
                       theirs.empty() ? std::string("the record gives no gender")
                                      : fmt::format("the record's gender '{}' is not compared", theirs)});
    } else if ((their_folded == "male") == male) {
      notes.push_back({"gender", EvidenceEffect::Raises, kGender,
                       fmt::format("{} = the record's gender {}", male ? "male" : "female", theirs)});
    } else {
      notes.push_back({"gender", EvidenceEffect::Lowers, kGenderMismatch,
                       fmt::format("{} is not the record's gender {}", male ? "male" : "female", theirs)});
    }
  }
  if (evidence.kind) {
    const NodeKind theirs = graph.kind(node);
    if (theirs == *evidence.kind) {
      notes.push_back({"kind", EvidenceEffect::Raises, kKind,
                       fmt::format("the record is a {} too", to_string(theirs))});
    } else if (theirs == NodeKind::LegalEntity) {
      notes.push_back({"kind", EvidenceEffect::None, 0,
                       "the record does not say whether it is a person, a company or another kind"});
    } else {
      notes.push_back({"kind", EvidenceEffect::None, 0,
                       fmt::format("the record is a {}, close to a {}", to_string(theirs),
                                   to_string(*evidence.kind))});
    }
  }
  return notes;
}

}  // namespace skg
