#include "skg/graph/model.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fmt/format.h>

namespace skg::inline v1 {

namespace {
constexpr std::array<std::string_view, kNodeKindCount> kNodeKindNames = {
    "LegalEntity", "Person", "Company", "Organization", "Vessel", "Aircraft", "Authority", "Action"};
constexpr std::array<std::string_view, kEdgeKindCount> kEdgeKindNames = {
    "OWNS",     "CONTROLS",    "SUBSIDIARY_OF", "DIRECTOR_OF",  "OFFICER_OF", "FAMILY",
    "ASSOCIATE", "LINKED_TO",  "MEMBER_OF",     "EMPLOYEE_OF",  "REPRESENTS", "SUCCESSOR_OF",
    "UNKNOWN_LINK", "TARGET_OF", "ISSUED_BY",   "SAME_AS"};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}
}  // namespace

std::string_view to_string(NodeKind kind) noexcept { return kNodeKindNames[static_cast<int>(kind)]; }
std::string_view to_string(EdgeKind kind) noexcept { return kEdgeKindNames[static_cast<int>(kind)]; }

std::optional<NodeKind> parse_node_kind(std::string_view text) noexcept {
  for (int at = 0; at < kNodeKindCount; ++at)
    if (equal_ignoring_case(text, kNodeKindNames[at])) return static_cast<NodeKind>(at);
  return std::nullopt;
}

std::optional<EdgeKind> parse_edge_kind(std::string_view text) noexcept {
  for (int at = 0; at < kEdgeKindCount; ++at)
    if (equal_ignoring_case(text, kEdgeKindNames[at])) return static_cast<EdgeKind>(at);
  return std::nullopt;
}

namespace {
constexpr std::array<std::string_view, kMeasureCount> kMeasureNames = {
    "asset_freeze",   "sectoral",        "investment_ban", "export_licence",
    "export_denial",  "export_restriction", "procurement_ban", "icts_ban",
    "travel_ban",     "arms_embargo",    "trust_services", "transaction_ban",
    "correspondent_account", "director_disqualification", "advisory"};
constexpr std::array<std::string_view, kIssuerCount> kIssuerNames = {
    "unknown", "us_ofac", "us_bis", "us_state", "us_commerce_icts", "us_fcc", "us_dhs",
    "us_congress", "us_other", "eu_council", "uk", "un", "other"};
constexpr std::array<std::string_view, kSanctionListCount> kListNames = {
    "unknown list",
    "SDN",
    "SSI (non-SDN)",
    "non-SDN directive list",
    "NS-MBS (non-SDN)",
    "NS-CMIC (non-SDN)",
    "FSE (non-SDN)",
    "NS-PLC (non-SDN)",
    "CAPTA (non-SDN)",
    "Entity List",
    "MEU List",
    "Denied Persons List",
    "Unverified List",
    "ISN nonproliferation sanctions",
    "ITAR debarred (DTC)",
    "FCC Covered List",
    "US directive or statute",
    "ICTS final determination",
    "SAM exclusions",
    "EU financial sanctions (asset freeze)",
    "EU travel ban",
    "EU other measure",
    "UK asset freeze (OFSI)",
    "UK Sanctions List",
    "UK guidance (not a designation)",
    "UN Consolidated List",
    "national list"};
}  // namespace

std::string_view to_string(Measure measure) noexcept { return kMeasureNames[static_cast<int>(measure)]; }

std::optional<Measure> parse_measure(std::string_view text) noexcept {
  for (int at = 0; at < kMeasureCount; ++at)
    if (equal_ignoring_case(text, kMeasureNames[at])) return static_cast<Measure>(at);
  return std::nullopt;
}

std::string Measures::to_string() const {
  if (unknown()) return "measure unknown";
  std::string out;
  for (int at = 0; at < kMeasureCount; ++at)
    if (contains(static_cast<Measure>(at))) {
      if (!out.empty()) out += ", ";
      out += kMeasureNames[at];
    }
  return out;
}

std::string_view to_string(Issuer issuer) noexcept { return kIssuerNames[static_cast<int>(issuer)]; }
std::string_view to_string(SanctionList list) noexcept { return kListNames[static_cast<int>(list)]; }

std::string_view to_string(NameType type) noexcept {
  constexpr std::string_view kNames[] = {"primary", "aka", "fka", "nka", "previous"};
  return kNames[static_cast<int>(type)];
}

std::string_view to_string(NameStrength strength) noexcept {
  constexpr std::string_view kNames[] = {"unknown", "strong", "weak"};
  return kNames[static_cast<int>(strength)];
}

std::optional<Date> Date::from_ymd(int year, int month, int day) noexcept {
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (year < 1 || year > 9999 || !ymd.ok()) return std::nullopt;
  return Date{static_cast<std::int32_t>(sys_days{ymd}.time_since_epoch().count())};
}

std::optional<Date> Date::parse(std::string_view iso) noexcept {
  if (iso.size() < 10 || (iso.size() > 10 && iso[10] != 'T' && iso[10] != ' ')) return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t count, int& out) {
    out = 0;
    for (std::size_t at = from; at < from + count; ++at) {
      if (iso[at] < '0' || iso[at] > '9') return false;
      out = out * 10 + (iso[at] - '0');
    }
    return true;
  };
  int year, month, day;
  if (!digits(0, 4, year) || iso[4] != '-' || !digits(5, 2, month) || iso[7] != '-' ||
      !digits(8, 2, day))
    return std::nullopt;
  return from_ymd(year, month, day);
}

void Date::to_ymd(int& year, int& month, int& day) const noexcept {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  year = static_cast<int>(ymd.year());
  month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  day = static_cast<int>(static_cast<unsigned>(ymd.day()));
}

std::string Date::to_string() const {
  int year, month, day;
  to_ymd(year, month, day);
  if (year < 0 || year > 9999) return fmt::format("{:04}-{:02}-{:02}", year, month, day);
  // By hand: fmt::format parsed its format string on every call (6% of an OFSI load).
  const char text[10] = {static_cast<char>('0' + year / 1000), static_cast<char>('0' + year / 100 % 10),
                         static_cast<char>('0' + year / 10 % 10), static_cast<char>('0' + year % 10), '-',
                         static_cast<char>('0' + month / 10), static_cast<char>('0' + month % 10), '-',
                         static_cast<char>('0' + day / 10), static_cast<char>('0' + day % 10)};
  return std::string(text, 10);
}

Percent::Units Percent::to_units(double percent) noexcept {
  if (!(percent > 0)) return 0;
  if (percent >= 100) return kHundred;
  return static_cast<Units>(std::llround(percent * kUnitsPerPercent));
}

std::optional<Percent> Percent::parse(std::string_view text) noexcept {
  // Digits, at most one '.' or ',' as the decimal mark ("50,5": European registers).
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::uint64_t whole = 0, fraction = 0;
  int fraction_digits = 0, marks = 0, digits = 0;
  bool beyond = false;  // a non-zero digit past the sixth decimal
  for (char c : text) {
    if (c == '.' || c == ',') {
      if (++marks > 1) return std::nullopt;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    ++digits;
    if (marks == 0) {
      whole = whole * 10 + static_cast<std::uint64_t>(c - '0');
      if (whole > 100) return std::nullopt;
    } else if (fraction_digits < 6) {
      fraction = fraction * 10 + static_cast<std::uint64_t>(c - '0');
      ++fraction_digits;
    } else if (c != '0') {
      beyond = true;
    }
  }
  if (digits == 0 || text.front() == '.' || text.front() == ',' || text.back() == '.' ||
      text.back() == ',')
    return std::nullopt;
  for (int at = fraction_digits; at < 6; ++at) fraction *= 10;
  const std::uint64_t units = whole * kUnitsPerPercent + fraction;
  if (units > kHundred || (units == kHundred && beyond)) return std::nullopt;
  if (!beyond) return exact_units(static_cast<Units>(units));
  return between({static_cast<Units>(units), true}, {static_cast<Units>(units + 1), true});
}

std::optional<Percent> Percent::from_double(double percent) noexcept {
  if (!(percent >= 0) || percent > 100) return std::nullopt;
  const double scaled = percent * kUnitsPerPercent;
  const double nearest = std::nearbyint(scaled);
  // A double holds about 15.9 significant digits: a decimal of up to six places comes back to
  // its millionth within a few parts in 1e16 of the value.
  if (std::fabs(scaled - nearest) <= 1e-7 * std::max(1.0, scaled) * 1e-6)
    return exact_units(static_cast<Units>(nearest));
  const auto low = static_cast<Units>(std::floor(scaled));
  return between({low, true}, {low + 1, true});
}

namespace {
std::string units_text(Percent::Units units) {
  const Percent::Units whole = units / Percent::kUnitsPerPercent;
  Percent::Units fraction = units % Percent::kUnitsPerPercent;
  if (fraction == 0) return fmt::format("{}", whole);
  int places = 6;
  while (fraction % 10 == 0) {
    fraction /= 10;
    --places;
  }
  return fmt::format("{}.{:0{}}", whole, fraction, places);
}
}  // namespace

std::string Percent::to_string() const {
  if (!known()) return "unknown";
  const Bound lo = low(), hi = high();
  if (lo == hi) return units_text(lo.units) + "%";
  if (hi.units == kHundred && !hi.open)
    return lo.open ? fmt::format(">{}%", units_text(lo.units))
           : lo.units == 0 ? std::string("0-100%")
                           : fmt::format("{}-100%", units_text(lo.units));
  if (lo.units == 0 && !lo.open && hi.open) return fmt::format("<{}%", units_text(hi.units));
  if (!lo.open && !hi.open) return fmt::format("{}-{}%", units_text(lo.units), units_text(hi.units));
  return fmt::format("{}{}-{}{}%", lo.open ? "(" : "[", units_text(lo.units), units_text(hi.units),
                     hi.open ? ")" : "]");
}

namespace {
constexpr std::array<std::string_view, kInterestCount> kInterestNames = {
    "unspecified",   "shares",          "voting_rights",     "appoint_board",
    "significant_influence", "profit_rights", "trust_settlor", "trust_beneficiary",
    "nominee_for",   "nominee",         "nominator",       "jointly_held",      "joint_arrangement",
    "director",      "officer"};
}  // namespace

std::string_view to_string(Interest interest) noexcept {
  return kInterestNames[static_cast<int>(interest)];
}

std::optional<Interest> parse_interest(std::string_view text) noexcept {
  // "voting_rights", "VOTING_RIGHTS" or "votingRights" (underscores and case ignored).
  auto squash = [](std::string_view word) {
    std::string out;
    for (char c : word)
      if (c != '_' && c != '-') out += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    return out;
  };
  const std::string wanted = squash(text);
  for (int at = 0; at < kInterestCount; ++at)
    if (squash(kInterestNames[at]) == wanted) return static_cast<Interest>(at);
  return std::nullopt;
}

}  // namespace skg
