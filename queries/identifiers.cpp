#include "skg/queries/identifiers.h"

#include <algorithm>
#include <array>
#include <optional>

#include "skg/graph/error.h"
#include "skg/graph/strings.h"

namespace skg::inline v1 {

namespace {

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view strip(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '.' ||
                           text.back() == ','))
    text.remove_suffix(1);
  return text;
}

// Identifier labels, lower-cased, as each source writes them, with what they are. Sources:
// OFAC SDN remarks (dat_spec.txt; labels as they occur in sdn.csv of 2024-05-03 and the CSL of
// 2023-11), UN consolidated list TYPE_OF_DOCUMENT values (consolidated_2026-02.xml), FtM
// property names (followthemoney schema: Person.passportNumber, LegalEntity.innCode, ...),
// FtM Passport/Identification documents ("passport.number"), BODS identifier schemes
// (org-id.guide: XI-LEI is the GLEIF register).
struct Label {
  std::string_view label;
  IdentifierType type;
};
constexpr Label kLabels[] = {
    // Passports.
    {"passport", IdentifierType::Passport},
    {"diplomatic passport", IdentifierType::Passport},
    {"passportnumber", IdentifierType::Passport},
    {"passport.number", IdentifierType::Passport},
    {"número de pasaporte", IdentifierType::Passport},
    {"numéro de passeport", IdentifierType::Passport},
    // National identity numbers.
    {"national id no.", IdentifierType::NationalId},
    {"national identification number", IdentifierType::NationalId},
    {"national identification", IdentifierType::NationalId},
    {"personal id card", IdentifierType::NationalId},
    {"identification number", IdentifierType::NationalId},
    {"cedula no.", IdentifierType::NationalId},
    {"c.u.r.p.", IdentifierType::NationalId},
    {"d.n.i.", IdentifierType::NationalId},
    {"ssn", IdentifierType::NationalId},
    {"idnumber", IdentifierType::NationalId},
    {"identification.number", IdentifierType::NationalId},
    // Ships.
    {"vessel registration identification", IdentifierType::Imo},
    {"imonumber", IdentifierType::Imo},
    {"mmsi", IdentifierType::Mmsi},
    {"callsign", IdentifierType::CallSign},
    // Banks and legal entities.
    {"swift/bic", IdentifierType::SwiftBic},
    {"swiftbic", IdentifierType::SwiftBic},
    {"legal entity number", IdentifierType::Lei},
    {"le number", IdentifierType::Lei},
    {"leicode", IdentifierType::Lei},
    {"xi-lei", IdentifierType::Lei},
    // Tax numbers.
    {"tax id no.", IdentifierType::Tax},
    {"taxnumber", IdentifierType::Tax},
    {"inncode", IdentifierType::Tax},
    {"vatcode", IdentifierType::Tax},
    {"v.a.t. number", IdentifierType::Tax},
    {"r.f.c.", IdentifierType::Tax},
    {"rfc", IdentifierType::Tax},
    {"nit #", IdentifierType::Tax},
    {"ruc #", IdentifierType::Tax},
    {"us fein", IdentifierType::Tax},
    {"italian fiscal code", IdentifierType::Tax},
    // Registration numbers.
    {"registration number", IdentifierType::Registration},
    {"registration id", IdentifierType::Registration},
    {"registrationnumber", IdentifierType::Registration},
    {"business registration number", IdentifierType::Registration},
    {"business registration document #", IdentifierType::Registration},
    {"public registration number", IdentifierType::Registration},
    {"company number", IdentifierType::Registration},
    {"commercial registry number", IdentifierType::Registration},
    {"c.r. no.", IdentifierType::Registration},
    {"chamber of commerce number", IdentifierType::Registration},
    {"unified social credit code (uscc)", IdentifierType::Registration},
    {"economic register number (cbls)", IdentifierType::Registration},
    {"government gazette number", IdentifierType::Registration},
    {"central registration system number", IdentifierType::Registration},
    {"folio mercantil no.", IdentifierType::Registration},
    {"matricula mercantil no", IdentifierType::Registration},
    {"trade license no.", IdentifierType::Registration},
    {"ogrncode", IdentifierType::Registration},
    {"okpocode", IdentifierType::Registration},
    {"gb-coh", IdentifierType::Registration},
};

// FtM properties that hold an identifier (followthemoney schema, LegalEntity/Person/Vessel/
// Airplane). kppCode is left out: a Russian KPP is shared by many companies of one tax office.
constexpr std::string_view kFtmIdProperties[] = {
    "passportNumber", "idNumber",   "imoNumber", "mmsi",          "callSign",   "swiftBic",
    "leiCode",        "taxNumber",  "innCode",   "vatCode",       "registrationNumber",
    "ogrnCode",       "okpoCode",   "bikCode",   "dunsCode",      "permId",     "uniqueEntityId",
    "icijId",         "npiCode",    "cikCode",   "serialNumber",  "passport.number",
    "identification.number"};

// CSL "ids" and OFAC remark parts that carry a label and a value but no identifier: the CSL
// folds every remark of an OFAC entry into its "ids" column (csl_2023-11_subset.csv).
constexpr std::string_view kNotIdentifierPrefixes[] = {
    "website",           "email",           "secondary sanctions risk", "additional sanctions",
    "target type",       "gender",          "organization established", "organization type",
    "nationality",       "issuer name",     "equity ticker",            "executive order",
    "listing date",      "effective date",  "purchase/sales",           "caatsa",
    "transactions prohibited", "phone",     "telephone",                "fax",
    "aircraft model",    "aircraft manufacture date", "former vessel flag", "other vessel flag",
    "dob",               "pob",             "citizen",                  "isin"};

IdentifierType type_of_label(std::string_view label) {
  const std::string folded = lower(label);
  for (const Label& entry : kLabels)
    if (entry.label == folded) return entry.type;
  if (folded.starts_with("digital currency address")) return IdentifierType::CryptoAddress;
  return IdentifierType::Other;
}

bool not_identifier_label(std::string_view label) {
  const std::string folded = lower(label);
  for (std::string_view prefix : kNotIdentifierPrefixes)
    if (folded.starts_with(prefix)) return true;
  return false;
}

/// The number at the head of a value: words holding a digit or written in capitals ("IMO",
/// "SABRRUMM"), up to the first "(" (the issuing country), ";" or lower-case word ("expires").
std::string_view leading_number(std::string_view value) {
  value = strip(value);
  std::size_t end = 0, at = 0;
  while (at < value.size()) {
    while (at < value.size() && value[at] == ' ') ++at;
    if (at >= value.size() || value[at] == '(' || value[at] == ';') break;
    std::size_t word_end = at;
    bool has_lower = false;
    while (word_end < value.size() && value[word_end] != ' ' && value[word_end] != ';' &&
           value[word_end] != '(') {
      if (value[word_end] >= 'a' && value[word_end] <= 'z') has_lower = true;
      ++word_end;
    }
    std::string_view word = value.substr(at, word_end - at);
    const bool digit = std::any_of(word.begin(), word.end(), is_digit);
    if (has_lower && !digit && end != 0) break;  // "expires", "issued"
    end = word_end;
    at = word_end;
  }
  return strip(value.substr(0, end));
}

/// Ship numbers written with their scheme in front: "IMO 9187629", "MMSI 273456789".
std::optional<std::pair<IdentifierType, std::string>> scheme_prefixed(std::string_view key) {
  for (auto [prefix, type] : {std::pair{std::string_view("IMO"), IdentifierType::Imo},
                              {std::string_view("MMSI"), IdentifierType::Mmsi}}) {
    if (key.size() > prefix.size() + 3 && key.starts_with(prefix) &&
        std::all_of(key.begin() + static_cast<std::ptrdiff_t>(prefix.size()), key.end(), is_digit))
      return std::pair{type, std::string(key.substr(prefix.size()))};
  }
  return std::nullopt;
}

bool usable_key(std::string_view key, IdentifierType type) {
  if (key.size() < 4) return false;
  if (std::any_of(key.begin(), key.end(), is_digit)) return true;
  // Codes made of letters only: a BIC ("SABRRUMM"), an LEI is alphanumeric, a call sign.
  return type == IdentifierType::SwiftBic || type == IdentifierType::Lei ||
         type == IdentifierType::CallSign;
}

}  // namespace

std::string_view to_string(IdentifierType type) noexcept {
  switch (type) {
    case IdentifierType::Other: return "other";
    case IdentifierType::Passport: return "passport";
    case IdentifierType::NationalId: return "national id";
    case IdentifierType::Imo: return "IMO number";
    case IdentifierType::Mmsi: return "MMSI";
    case IdentifierType::SwiftBic: return "SWIFT/BIC";
    case IdentifierType::Lei: return "LEI";
    case IdentifierType::Tax: return "tax number";
    case IdentifierType::Registration: return "registration number";
    case IdentifierType::CallSign: return "call sign";
    case IdentifierType::CryptoAddress: return "digital currency address";
  }
  return "other";
}

std::string normalise_identifier(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    if (is_alnum(c)) out += upper(c);
    else if (static_cast<unsigned char>(c) >= 0x80) out += c;  // non-ASCII kept as written
  return out;
}

std::optional<Identifier> parse_identifier(std::string_view key, std::string_view value,
                                           std::string* also) {
  if (also != nullptr) also->clear();
  Identifier id;
  std::string_view number;
  if (key.starts_with("id:")) {
    // OFAC remarks (loaders/ofac_csv.h): "id:<label>" = "<number> (<country>) <details>".
    id.label = std::string(key.substr(3));
    number = leading_number(value);
  } else if (key == "identification") {
    // CSL ids and UN documents: "<type>, <number>, <country> (<details>)".
    const auto comma = value.find(", ");
    if (comma == std::string_view::npos) return std::nullopt;
    id.label = std::string(strip(value.substr(0, comma)));
    std::string_view rest = value.substr(comma + 2);
    const auto next = rest.find(", ");
    number = leading_number(next == std::string_view::npos ? rest : rest.substr(0, next));
    if (not_identifier_label(id.label)) return std::nullopt;
  } else if (key == "identifier") {
    // BODS (loaders/bods.cpp): "<scheme>:<id>" or the id alone.
    const auto colon = value.find(':');
    id.label = colon == std::string_view::npos ? "identifier" : std::string(value.substr(0, colon));
    number = strip(colon == std::string_view::npos ? value : value.substr(colon + 1));
  } else if (std::find(std::begin(kFtmIdProperties), std::end(kFtmIdProperties), key) !=
             std::end(kFtmIdProperties)) {
    id.label = std::string(key);
    number = strip(value);
  } else {
    return std::nullopt;
  }
  id.type = type_of_label(id.label);
  id.number = std::string(number);
  id.key = normalise_identifier(number);
  if (const auto prefixed = scheme_prefixed(id.key)) {
    id.type = prefixed->first;  // "Company Number IMO 1234567" is an IMO company number
    if (also != nullptr) *also = prefixed->second;
  }
  if (!usable_key(id.key, id.type)) return std::nullopt;
  return id;
}

// ---------------------------------------------------------------------------------------------

struct IdentifierIndex::Data {
  struct Entry {
    NodeId node;
    std::uint32_t attribute;  // position in graph.attributes(node)
  };
  std::vector<char> chars;
  std::vector<std::uint32_t> key_at{0};    // key_count + 1
  std::vector<std::uint32_t> entry_at{0};  // key_count + 1: entries of each key
  std::vector<Entry> entries;
  std::vector<std::uint32_t> slots;  // open addressing: 0 empty, else key + 1

  std::size_t key_count() const noexcept { return key_at.size() - 1; }
  std::string_view key(std::uint32_t id) const noexcept {
    return {chars.data() + key_at[id], key_at[id + 1] - key_at[id]};
  }
  std::optional<std::uint32_t> find(std::string_view text) const noexcept {
    if (slots.empty()) return std::nullopt;
    const std::size_t mask = slots.size() - 1;
    for (std::size_t slot = detail::hash_string(text) & mask;; slot = (slot + 1) & mask) {
      if (slots[slot] == 0) return std::nullopt;
      if (key(slots[slot] - 1) == text) return slots[slot] - 1;
    }
  }
};

IdentifierIndex::IdentifierIndex() : data_(std::make_unique<Data>()) {}
IdentifierIndex::~IdentifierIndex() = default;
IdentifierIndex::IdentifierIndex(IdentifierIndex&&) noexcept = default;
IdentifierIndex& IdentifierIndex::operator=(IdentifierIndex&&) noexcept = default;
std::size_t IdentifierIndex::key_count() const noexcept { return data_->key_count(); }
std::size_t IdentifierIndex::entry_count() const noexcept { return data_->entries.size(); }
std::size_t IdentifierIndex::bytes() const noexcept {
  const Data& d = *data_;
  return d.chars.capacity() + d.key_at.capacity() * 4 + d.entry_at.capacity() * 4 +
         d.entries.capacity() * sizeof(Data::Entry) + d.slots.capacity() * 4;
}

namespace {
void require_built_for(const Graph& graph, const IdentifierIndex& index) {
  if (!index.built_for(graph))
    throw Error("an identifier index built from another graph was used with this one: build it "
                "from this graph");
}
}  // namespace

IdentifierIndex build_identifier_index(const Graph& graph) {
  IdentifierIndex result;
  result.graph_token_ = graph.token();
  IdentifierIndex::Data& d = *result.data_;
  struct Pending {
    std::string key;
    IdentifierIndex::Data::Entry entry;
  };
  std::vector<Pending> pending;
  std::string also;
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const NodeId node{at};
    const auto attributes = graph.attributes(node);
    for (std::uint32_t position = 0; position < attributes.size(); ++position) {
      const auto id = parse_identifier(graph.string(attributes[position].key),
                                       graph.string(attributes[position].value), &also);
      if (!id) continue;
      pending.push_back({id->key, {node, position}});
      if (!also.empty() && also != id->key) pending.push_back({also, {node, position}});
    }
  }
  std::sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
    return a.key != b.key ? a.key < b.key
                          : index(a.entry.node) != index(b.entry.node)
                                ? index(a.entry.node) < index(b.entry.node)
                                : a.entry.attribute < b.entry.attribute;
  });
  pending.erase(std::unique(pending.begin(), pending.end(),
                            [](const Pending& a, const Pending& b) {
                              return a.key == b.key && a.entry.node == b.entry.node;
                            }),
                pending.end());
  d.entries.reserve(pending.size());
  for (std::size_t at = 0; at < pending.size(); ++at) {
    if (at == 0 || pending[at].key != pending[at - 1].key) {
      if (at != 0) d.entry_at.push_back(static_cast<std::uint32_t>(d.entries.size()));
      d.chars.insert(d.chars.end(), pending[at].key.begin(), pending[at].key.end());
      d.key_at.push_back(static_cast<std::uint32_t>(d.chars.size()));
    }
    d.entries.push_back(pending[at].entry);
  }
  if (!pending.empty()) d.entry_at.push_back(static_cast<std::uint32_t>(d.entries.size()));
  std::size_t slots = 16;
  while (slots < d.key_count() * 2) slots *= 2;
  d.slots.assign(slots, 0);
  for (std::uint32_t key = 0; key < d.key_count(); ++key) {
    std::size_t slot = detail::hash_string(d.key(key)) & (slots - 1);
    while (d.slots[slot] != 0) slot = (slot + 1) & (slots - 1);
    d.slots[slot] = key + 1;
  }
  return result;
}

std::vector<IdentifierMatch> find_identifier(const Graph& graph, const IdentifierIndex& index,
                                             std::string_view value) {
  require_built_for(graph, index);
  std::vector<IdentifierMatch> out;
  const IdentifierIndex::Data& d = index.data();
  const std::string key = normalise_identifier(value);
  const auto found = d.find(key);
  if (!found) return out;
  for (std::uint32_t at = d.entry_at[*found]; at < d.entry_at[*found + 1]; ++at) {
    const auto& entry = d.entries[at];
    const Attribute& attribute = graph.attributes(entry.node)[entry.attribute];
    IdentifierMatch match;
    match.node = entry.node;
    match.attribute = graph.string(attribute.key);
    match.value = graph.string(attribute.value);
    match.source = attribute.source;
    if (auto id = parse_identifier(match.attribute, match.value)) match.identifier = std::move(*id);
    out.push_back(std::move(match));
  }
  return out;
}

std::vector<IdentifierMatch> find_identifiers_in_text(
    const Graph& graph, const IdentifierIndex& index, std::string_view text,
    std::vector<std::pair<std::size_t, std::size_t>>* used) {
  require_built_for(graph, index);
  std::vector<IdentifierMatch> out;
  if (index.key_count() == 0) return out;
  std::vector<std::pair<std::size_t, std::size_t>> words;  // [first, last) byte ranges
  for (std::size_t at = 0; at < text.size();) {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == ',' ||
                                text[at] == ';'))
      ++at;
    const std::size_t first = at;
    while (at < text.size() && text[at] != ' ' && text[at] != '\t' && text[at] != ',' &&
           text[at] != ';')
      ++at;
    if (at > first) words.emplace_back(first, at);
  }
  auto plausible = [](const std::string& key) {
    return key.size() >= 5 && std::count_if(key.begin(), key.end(), is_digit) >= 3;
  };
  for (std::size_t word = 0; word < words.size();) {
    bool taken = false;
    for (std::size_t span = 2; span >= 1 && !taken; --span) {  // "IMO 9187629" before "9187629"
      if (word + span > words.size()) continue;
      const std::string_view piece =
          text.substr(words[word].first, words[word + span - 1].second - words[word].first);
      if (!plausible(normalise_identifier(piece))) continue;
      auto matches = find_identifier(graph, index, piece);
      if (matches.empty()) continue;
      for (auto& match : matches) out.push_back(std::move(match));
      if (used != nullptr) used->emplace_back(words[word].first, words[word + span - 1].second);
      word += span;
      taken = true;
    }
    if (!taken) ++word;
  }
  return out;
}

}  // namespace skg
