// The normalisation table of queries/RULES.md §9.2, one function per scheme.
#include "skg/graph/identity.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "skg/graph/graph.h"

namespace skg::inline v1 {

namespace {

constexpr std::array<std::string_view, kIdSchemeCount> kKeys = {
    "ofacUid", "leiCode", "gbCompanyNumber", "imoNumber",
    "unReference", "euReference", "ofsiGroupId", "ukSanctionsListId"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

/// Upper-case ASCII with every space, tab and no-break-free separator dropped.
std::string compact_upper(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    out += c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!is_digit(c)) return false;
  return true;
}

/// A number without its leading zeros; nullopt for no digits, all zeros or over 12 digits.
std::optional<std::string> plain_number(std::string_view text) {
  if (!all_digits(text)) return std::nullopt;
  while (text.size() > 1 && text.front() == '0') text.remove_prefix(1);
  if (text == "0" || text.size() > 12) return std::nullopt;
  return std::string(text);
}

// ISO 17442-1 (LEI): 20 characters, 18 upper-case alphanumerics then two check digits computed
// with ISO/IEC 7064 MOD 97-10: with letters read as 10..35, the whole code mod 97 is 1.
std::optional<std::string> lei(std::string_view value) {
  std::string code = compact_upper(value);
  if (code.size() != 20 || !is_digit(code[18]) || !is_digit(code[19])) return std::nullopt;
  unsigned remainder = 0;
  for (char c : code) {
    if (is_digit(c)) {
      remainder = (remainder * 10 + static_cast<unsigned>(c - '0')) % 97;
    } else if (is_upper(c)) {
      const unsigned number = static_cast<unsigned>(c - 'A') + 10;
      remainder = (remainder * 100 + number) % 97;
    } else {
      return std::nullopt;
    }
  }
  if (remainder != 1) return std::nullopt;
  return code;
}

// IMO ship identification number (IMO Resolution A.1117(30), SOLAS XI-1/3): "IMO" and seven
// digits, the last a check digit: the first six multiplied by 7, 6, 5, 4, 3, 2, summed; the
// sum's last digit. IMO 9074729: 9x7+0x6+7x5+4x4+7x3+2x2 = 139, check 9.
std::optional<std::string> imo(std::string_view value) {
  std::string code = compact_upper(value);
  if (code.starts_with("IMO")) code.erase(0, 3);
  while (!code.empty() && (code.front() == ':' || code.front() == '-' || code.front() == '.')) code.erase(0, 1);
  if (code.size() != 7 || !all_digits(code)) return std::nullopt;
  int sum = 0;
  for (int at = 0; at < 6; ++at) sum += (code[at] - '0') * (7 - at);
  if (sum % 10 != code[6] - '0') return std::nullopt;
  return code;
}

// UK Companies House company number: eight characters, digits or a two-letter register prefix
// (SC Scotland, NI Northern Ireland, OC LLP, ...) and six digits; sources drop leading zeros
// ("1234567"), so digits are left-padded with 0 (as the contract's `gb-coh:` ids are).
std::optional<std::string> gb_company_number(std::string_view value) {
  std::string code = compact_upper(value);
  if (code.empty() || code.size() > 8) return std::nullopt;
  for (char c : code)
    if (!is_digit(c) && !is_upper(c)) return std::nullopt;
  if (all_digits(code)) {
    if (code.find_first_not_of('0') == std::string::npos) return std::nullopt;
    return std::string(8 - code.size(), '0') + code;
  }
  if (code.size() >= 3 && is_upper(code[0]) && (is_upper(code[1]) || is_digit(code[1])) &&
      all_digits(std::string_view(code).substr(2)))
    return code.substr(0, 2) + std::string(8 - code.size(), '0') + code.substr(2);
  return std::nullopt;
}

// UN Security Council reference: a three-letter regime-and-kind code, a dot, a number
// ("QDi.001", "KPe.021"; UN Consolidated List REFERENCE_NUMBER). Compared upper-case, the
// number padded to three digits.
std::optional<std::string> un_reference(std::string_view value) {
  std::string code = compact_upper(value);
  while (!code.empty() && code.back() == '.') code.pop_back();
  const auto dot = code.find('.');
  if (dot != 3 || !is_upper(code[0]) || !is_upper(code[1]) || !is_upper(code[2])) return std::nullopt;
  const std::string_view number = std::string_view(code).substr(4);
  if (!all_digits(number) || number.size() > 5) return std::nullopt;
  return code.substr(0, 4) + std::string(number.size() < 3 ? 3 - number.size() : 0, '0') + std::string(number);
}

// EU Financial Sanctions Files `euReferenceNumber`: "EU." and dot-separated numbers ("EU.27.28").
std::optional<std::string> eu_reference(std::string_view value) {
  std::string code = compact_upper(value);
  if (!code.starts_with("EU.") || code.size() < 4) return std::nullopt;
  for (std::size_t at = 3; at < code.size(); ++at)
    if (!is_digit(code[at]) && code[at] != '.') return std::nullopt;
  if (code.back() == '.') return std::nullopt;
  return code;
}

// FCDO UK Sanctions List unique id: a regime prefix and a number ("RUS0001", "CTI0012").
std::optional<std::string> uk_list_id(std::string_view value) {
  std::string code = compact_upper(value);
  std::size_t letters = 0;
  while (letters < code.size() && is_upper(code[letters])) ++letters;
  if (letters < 2 || letters > 5 || !all_digits(std::string_view(code).substr(letters))) return std::nullopt;
  return code;
}

}  // namespace

std::string_view attribute_key(IdScheme scheme) noexcept { return kKeys[static_cast<std::size_t>(scheme)]; }

std::optional<IdScheme> id_scheme_of_key(std::string_view key) noexcept {
  for (std::size_t at = 0; at < kKeys.size(); ++at)
    if (kKeys[at] == key) return static_cast<IdScheme>(at);
  return std::nullopt;
}

std::optional<std::string> normalise_identifier(IdScheme scheme, std::string_view value) {
  switch (scheme) {
    case IdScheme::OfacUid:
    case IdScheme::OfsiGroupId: return plain_number(compact_upper(value));
    case IdScheme::Lei: return lei(value);
    case IdScheme::GbCompanyNumber: return gb_company_number(value);
    case IdScheme::ImoNumber: return imo(value);
    case IdScheme::UnReference: return un_reference(value);
    case IdScheme::EuReference: return eu_reference(value);
    case IdScheme::UkSanctionsListId: return uk_list_id(value);
  }
  return std::nullopt;
}

std::optional<std::pair<IdScheme, std::string_view>> identifier_of_id(std::string_view id) noexcept {
  constexpr std::pair<std::string_view, IdScheme> kPrefixes[] = {
      {"ofac-sdn:", IdScheme::OfacUid}, {"ofac-cons:", IdScheme::OfacUid}, {"un:", IdScheme::UnReference},
      {"lei:", IdScheme::Lei},          {"gb-coh:", IdScheme::GbCompanyNumber}};
  for (const auto& [prefix, scheme] : kPrefixes)
    if (id.starts_with(prefix)) return std::pair{scheme, id.substr(prefix.size())};
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Conflicts (RULES.md §9.5), read from the frozen graph: a merged party holds every record that
// an identifier joined, so two values of one scheme on one party are a disagreement; parties
// that still share a value were kept apart by the kind rule or the 256-record bound.

std::string_view to_string(IdentifierConflict::Kind kind) noexcept {
  switch (kind) {
    case IdentifierConflict::Kind::Disagrees: return "disagrees";
    case IdentifierConflict::Kind::TooCommon: return "too common";
    case IdentifierConflict::Kind::KindsDiffer: return "kinds differ";
    case IdentifierConflict::Kind::Ambiguous: return "ambiguous";
  }
  return "?";
}

namespace {
/// The most records one merged party may gather (the builder's bound, RULES.md §9.1).
constexpr std::size_t kMostRecords = 256;

bool is_party_kind(NodeKind kind) { return kind != NodeKind::Action && kind != NodeKind::Authority; }

/// The builder's rule (RULES.md §9.1): a person never merges with a vessel, an aircraft or a
/// company; Company and Organization do; LegalEntity merges with any kind.
bool kinds_merge(NodeKind a, NodeKind b) {
  if (a == NodeKind::LegalEntity || b == NodeKind::LegalEntity || a == b) return true;
  const auto organisation = [](NodeKind kind) { return kind == NodeKind::Company || kind == NodeKind::Organization; };
  return organisation(a) && organisation(b);
}
}  // namespace

std::vector<IdentifierConflict> identifier_conflicts(const Graph& graph) {
  std::unordered_map<std::uint32_t, int> scheme_of;  // attribute key -> scheme, -1 for none
  auto scheme_of_key = [&](StringId key) {
    const auto [found, added] = scheme_of.try_emplace(index(key), -1);
    if (added)
      if (const auto scheme = id_scheme_of_key(graph.string(key))) found->second = static_cast<int>(*scheme);
    return found->second;
  };
  // (scheme, value) -> parties, and the records (provenance) that state it.
  struct Carriers {
    std::set<std::uint32_t> parties;
    std::set<std::uint32_t> records;
  };
  std::unordered_map<std::string, Carriers> carriers;  // scheme digit + normalised value
  std::vector<IdentifierConflict> out;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const NodeId node{at};
    if (!is_party_kind(graph.kind(node))) continue;
    // scheme -> value -> the records that state it on this party
    std::map<int, std::map<std::string, std::set<std::uint32_t>>> mine;
    for (const Attribute& attribute : graph.attributes(node)) {
      {
        const int scheme = scheme_of_key(attribute.key);
        if (scheme < 0) continue;
        auto value = normalise_identifier(static_cast<IdScheme>(scheme), graph.string(attribute.value));
        if (!value) continue;
        const Provenance& record = graph.provenance_record(attribute.source);
        // A record is its file and key: a reload or a second line of one record is one record.
        const std::uint32_t record_key = index(record.record) != index(kNoString) ? index(record.record) : index(attribute.source);
        mine[scheme][*value].insert(record_key);
        auto& carrier = carriers[static_cast<char>('0' + scheme) + *value];
        carrier.parties.insert(at);
        carrier.records.insert(index(attribute.source));
      }
    }
    for (StringId id : graph.external_ids(node)) {
      const auto implied = identifier_of_id(graph.string(id));
      if (!implied) continue;
      auto value = normalise_identifier(implied->first, implied->second);
      if (!value) continue;
      const int scheme = static_cast<int>(implied->first);
      mine[scheme][*value].insert(0x80000000u | index(id));
      carriers[static_cast<char>('0' + scheme) + *value].parties.insert(at);
    }
    for (const auto& [scheme, values] : mine) {
      if (values.size() < 2) continue;
      // Values that one record states together (an entry with two IMO numbers) are its own
      // business; a disagreement needs values from different records.
      std::set<std::uint32_t> all;
      bool separate = false;
      for (const auto& [value, records] : values) {
        for (std::uint32_t record : records) separate = separate || !all.contains(record);
        all.insert(records.begin(), records.end());
      }
      bool shared_all = true;
      const auto& first = values.begin()->second;
      for (const auto& [value, records] : values) shared_all = shared_all && records == first;
      if (!separate || shared_all) continue;
      IdentifierConflict conflict;
      conflict.kind = IdentifierConflict::Kind::Disagrees;
      conflict.scheme = static_cast<IdScheme>(scheme);
      for (const auto& [value, records] : values) conflict.values.push_back(value);
      conflict.parties.push_back(node);
      out.push_back(std::move(conflict));
    }
  }
  for (const auto& [key, carrier] : carriers) {
    if (carrier.parties.size() < 2 && carrier.records.size() <= kMostRecords) continue;
    IdentifierConflict conflict;
    conflict.scheme = static_cast<IdScheme>(key[0] - '0');
    conflict.values.push_back(key.substr(1));
    for (std::uint32_t party : carrier.parties) conflict.parties.push_back(NodeId{party});
    conflict.records = carrier.records.size();
    bool kinds_apart = false;
    for (std::uint32_t a : carrier.parties)
      for (std::uint32_t b : carrier.parties) kinds_apart = kinds_apart || !kinds_merge(graph.kind(NodeId{a}), graph.kind(NodeId{b}));
    conflict.kind = carrier.records.size() > kMostRecords ? IdentifierConflict::Kind::TooCommon
                    : kinds_apart                          ? IdentifierConflict::Kind::KindsDiffer
                                                           : IdentifierConflict::Kind::Ambiguous;
    out.push_back(std::move(conflict));
  }
  std::stable_sort(out.begin(), out.end(), [](const IdentifierConflict& a, const IdentifierConflict& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.scheme != b.scheme) return a.scheme < b.scheme;
    return a.values < b.values;
  });
  return out;
}

std::string describe(const Graph& graph, const IdentifierConflict& conflict) {
  auto party = [&](NodeId node) {
    const auto ids = graph.external_ids(node);
    return fmt::format("{} ({}, {})", ids.empty() ? std::string_view("?") : graph.string(ids.front()), graph.name(node),
                       to_string(graph.kind(node)));
  };
  std::string values;
  for (const std::string& value : conflict.values) values += (values.empty() ? "" : " and ") + value;
  const std::string_view key = attribute_key(conflict.scheme);
  switch (conflict.kind) {
    case IdentifierConflict::Kind::Disagrees:
      return fmt::format("{}: records joined by another identifier carry {} {}", party(conflict.parties.front()), key,
                         values);
    case IdentifierConflict::Kind::TooCommon:
      return fmt::format("{} {} is on {} records (more than {}): a placeholder, it merged nothing", key, values,
                         conflict.records, kMostRecords);
    case IdentifierConflict::Kind::KindsDiffer: {
      std::string parties;
      for (std::size_t at = 0; at < conflict.parties.size() && at < 4; ++at)
        parties += (parties.empty() ? "" : "; ") + party(conflict.parties[at]);
      if (conflict.parties.size() > 4) parties += fmt::format("; and {} more", conflict.parties.size() - 4);
      return fmt::format("{} {} is on parties kept apart (kinds that never merge): {}", key, values, parties);
    }
    case IdentifierConflict::Kind::Ambiguous: {
      std::string parties;
      for (std::size_t at = 0; at < conflict.parties.size() && at < 4; ++at)
        parties += (parties.empty() ? "" : "; ") + party(conflict.parties[at]);
      if (conflict.parties.size() > 4) parties += fmt::format("; and {} more", conflict.parties.size() - 4);
      return fmt::format("{} {} is on parties whose other identifiers disagree, so it merged none of them: {}", key,
                         values, parties);
    }
  }
  return {};
}

}  // namespace skg
