#include "skg/graph/model.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fmt/format.h>

namespace skg {

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
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

std::string Percent::to_string() const {
  switch (state()) {
    case State::Unknown:
      return "unknown";
    case State::Exact:
      return fmt::format("{:g}%", min_);
    case State::Range:
      break;
  }
  return fmt::format("{:g}-{:g}%", min_, max_);
}

}  // namespace skg
