// queries/screen_evidence.h: what narrows and weighs a screening hit besides its name: filters
// on listings (authority, list, program), and the caller's facts (date of birth, country,
// gender, kind) compared with the facts the listed record holds.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/graph.h"
#include "skg/queries/screen_calibration.h"

namespace skg::inline v1 {

/// Keeps parties with a listing in force (on the screening date, when one is given) that
/// matches every non-empty field; within a field, any value matches. Case does not matter.
struct ScreenFilter {
  std::vector<std::string> authorities;  // Action::authority: "OFAC", "BIS", "UN"
  std::vector<std::string> lists;        // Action::list: "SDN", "Entity List"
  std::vector<std::string> programs;     // one of Action::program's "; "-separated programs
  bool empty() const noexcept { return authorities.empty() && lists.empty() && programs.empty(); }
};

/// True when `node` passes `filter` on `as_of` (an empty filter passes everything).
bool passes_filter(const Graph& graph, NodeId node, const ScreenFilter& filter,
                   std::optional<Date> as_of) noexcept;

/// What the caller knows about the party being screened. Each fact the listed record also
/// holds raises or lowers the hit's score; a fact the record lacks changes nothing and says so.
struct ScreenEvidence {
  std::string birth_date;              // "1966", "1966-11" or "1966-11-09"
  std::vector<std::string> countries;  // ISO 3166 codes ("RU", "RUS") or English names ("Russia")
  std::string gender;                  // "male", "female" (also "m", "f")
  std::optional<NodeKind> kind;        // Person, Company, Vessel...: other known kinds are left out
  bool empty() const noexcept {
    return birth_date.empty() && countries.empty() && gender.empty() && !kind;
  }
};

/// Checks the caller's facts: nullopt when all are well formed, else what is wrong
/// ("--dob '1966-13' is not YYYY, YYYY-MM or YYYY-MM-DD", "unknown country 'Narnia'").
std::optional<std::string> evidence_error(const ScreenEvidence& evidence);

/// How one fact moved a hit's score, and why.
enum class EvidenceEffect : std::uint8_t { Raises, Lowers, None };
std::string_view to_string(EvidenceEffect effect) noexcept;

struct EvidenceNote {
  std::string fact;  // "date of birth", "country", "gender", "kind", "identifier"
  EvidenceEffect effect = EvidenceEffect::None;
  double delta = 0;  // added to the score
  std::string text;  // "1966-11-09 = birthDate 1966-11-09 (sdn.csv:17)"
};

/// Score changes (documented in queries/RULES.md "Screening evidence"). A birth year that differs
/// is strong evidence of another person (a lot lower); agreement adds less than disagreement
/// takes away, because many people share a birth year, a country or a gender.
namespace evidence_weights {
inline constexpr double kBirthDay = 0.10;       // same day
inline constexpr double kBirthYear = 0.05;      // same year (or month) at the coarser precision
inline constexpr double kBirthDayMismatch = -0.15;  // same year, another month or day
// Another year (outside an approximate range): at least 0.40 lower, and always enough to take an
// exact name (1.0) below the default threshold (0.45 at the threshold of 0.60).
inline constexpr double kBirthYearMismatch =
    calibration::kThreshold - 1.05 < -0.40 ? calibration::kThreshold - 1.05 : -0.40;
inline constexpr double kCountry = 0.05;
inline constexpr double kCountryMismatch = -0.10;
inline constexpr double kGender = 0.02;
inline constexpr double kGenderMismatch = -0.20;
inline constexpr double kKind = 0.02;
inline constexpr double kMaxRaise = kBirthDay + kCountry + kGender + kKind;
}  // namespace evidence_weights

/// Compares the caller's facts with `node`'s: the notes, one per fact given (the total is the
/// sum of their deltas).
///   auto notes = skg::weigh_evidence(graph, node, {.birth_date = "1966"});
std::vector<EvidenceNote> weigh_evidence(const Graph& graph, NodeId node,
                                         const ScreenEvidence& evidence);

/// A country named by the record or the caller, as ISO 3166-1 alpha-2: "Russia", "RUS",
/// "Russian Federation", "ru" -> "RU"; nullopt when it names no country. Names: ISO 3166-1
/// (countries.inc), CLDR English names through ICU, and the forms the lists write
/// ("Korea, North", "Burma").
std::optional<std::string> country_code(std::string_view text);

/// A caller's list of countries: the whole text when it names one country ("Korea, North"),
/// else its parts split at ',', ';' or '|' ("RU, BY" -> {"RU", "BY"}).
std::vector<std::string> split_countries(std::string_view text);

/// A country fact of a record: its ISO code, and the attribute it comes from.
struct CountryFact {
  std::string code;           // "RU"
  std::string_view key;       // "nationality", "country", "jurisdiction", "birthPlace", "flag"
  std::string_view value;     // as the record writes it ("Russia", "ru", "Moscow, Russia")
};
/// Every country the record states (nationality, citizenship, address country, jurisdiction,
/// place of birth, flag), in attribute order, each code once per key.
std::vector<CountryFact> record_countries(const Graph& graph, NodeId node);

/// The record's dates of birth, as written ("1966-11-09", "circa 1960").
std::vector<std::string_view> record_birth_dates(const Graph& graph, NodeId node);

}  // namespace skg
