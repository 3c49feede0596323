#include "skg/loaders/ofac_csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "skg/loaders/source.h"
#include "skg/loaders/measures.h"

namespace skg::inline v1 {

namespace {

// OFAC dat_spec.txt gives Remarks 1000 characters and every other field less; a field far longer
// than that is not an OFAC record (and would otherwise be interned whole: the "1 GB line" case).
constexpr std::size_t kMaxField = 64 * 1024;

enum class FileKind : std::uint8_t { Main, Address, Alias, Comments };
constexpr std::size_t kColumns[] = {12, 6, 5, 2};
constexpr std::string_view kKindNames[] = {"main", "address", "alias", "comments"};

struct ListKind {
  std::string_view prefix, action_suffix, list;
};
constexpr ListKind kSdn{"ofac-sdn:", "#SDN", "SDN"};
constexpr ListKind kCons{"ofac-cons:", "#NON-SDN", "Non-SDN Consolidated"};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// True when `text` is `lower_word` in any letter case (no copy: this runs for every row).
bool equals_ignoring_case(std::string_view text, std::string_view lower_word) {
  if (text.size() != lower_word.size()) return false;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at] >= 'A' && text[at] <= 'Z' ? static_cast<char>(text[at] - 'A' + 'a') : text[at];
    if (c != lower_word[at]) return false;
  }
  return true;
}

std::string base_name(std::string_view path) {
  const auto slash = path.find_last_of("/\\");
  return lower(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

/// A field's value: trimmed, and "" for OFAC's null "-0-" (dat_spec: ASCII 45, 48, 45).
std::string_view value(std::string_view field) {
  // sdn.csv writes most empty fields "-0- ": taken at once (a dozen fields per row).
  if (field.size() == 4 && field[0] == '-' && field[1] == '0' && field[2] == '-' && field[3] == ' ') return {};
  field = trim(field);
  return field == "-0-" ? std::string_view{} : field;
}

bool all_digits(std::string_view text, std::size_t max_length = 10) {
  if (text.empty() || text.size() > max_length) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool has_digit(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A map from views (uids, names, aliases, remark keys) to a 32-bit value, for one load: open
/// addressing in one array, sized up front. A node-based std::unordered_map allocated a node per
/// entry and freed each at the end, and hashed with std::hash: a few hundred instructions per
/// entry. Keys are never empty, and their text outlives the index.
class ViewIndex {
 public:
  static constexpr std::uint32_t kFree = 0xFFFFFFFEu;  // a value no key holds
  struct Slot {
    std::string_view key;
    std::uint32_t value = kFree;
    std::uint32_t hash = 0;
  };
  /// Room for `keys` keys in all without regrowing.
  void reserve(std::size_t keys) {
    std::size_t capacity = 16;
    while (capacity < 2 * keys) capacity *= 2;
    if (capacity > slots_.size()) rehash(capacity);
  }
  /// The slot that holds `key`, or the free slot (value kFree, with the key's hash) where `key`
  /// goes: give it with add(). Valid until the next call of slot() or reserve().
  Slot& slot(std::string_view key) {
    if (2 * (size_ + 1) > slots_.size()) rehash(std::max<std::size_t>(16, 2 * slots_.size()));
    const auto hash = static_cast<std::uint32_t>(detail::hash_string(key));
    Slot& found = probe(key, hash);
    if (found.value == kFree) found.hash = hash;
    return found;
  }
  /// Fills the free slot that slot(key) returned; `key` is that key (its text may be a copy).
  void add(Slot& free, std::string_view key, std::uint32_t value) {
    SKG_ASSERT(free.value == kFree && value != kFree);
    free.key = key;
    free.value = value;
    ++size_;
  }
  /// The value of `key`, or nullptr.
  const std::uint32_t* find(std::string_view key) const {
    if (size_ == 0) return nullptr;
    const Slot& found = const_cast<ViewIndex*>(this)->probe(key, static_cast<std::uint32_t>(detail::hash_string(key)));
    return found.value == kFree ? nullptr : &found.value;
  }

 private:
  Slot& probe(std::string_view key, std::uint32_t hash) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
      Slot& slot = slots_[at];
      if (slot.value == kFree || (slot.hash == hash && slot.key == key)) return slot;
    }
  }
  void rehash(std::size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (slot.value == kFree) continue;
      Slot& free = probe(slot.key, slot.hash);
      free = slot;
    }
  }
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

struct FileName {
  FileKind kind;
  bool cons;
};

/// The kind a file's name says; nullopt for a name OFAC does not use.
std::optional<FileName> kind_from_name(std::string_view name) {
  static constexpr std::pair<std::string_view, FileName> kNames[] = {
      {"sdn.csv", {FileKind::Main, false}},      {"add.csv", {FileKind::Address, false}},
      {"alt.csv", {FileKind::Alias, false}},     {"sdn_comments.csv", {FileKind::Comments, false}},
      {"cons_prim.csv", {FileKind::Main, true}}, {"cons_add.csv", {FileKind::Address, true}},
      {"cons_alt.csv", {FileKind::Alias, true}}, {"cons_comments.csv", {FileKind::Comments, true}},
  };
  for (const auto& [known, kind] : kNames)
    if (name == known) return kind;
  return std::nullopt;
}

/// Splits one line the way OFAC quotes it (for format detection only).
std::size_t count_fields(std::string_view line, std::array<std::string_view, 12>& fields) {
  std::size_t count = 0, at = 0;
  while (true) {
    std::string_view field;
    if (at < line.size() && line[at] == '"') {
      const auto close = line.find('"', at + 1);
      if (close == std::string_view::npos) return 0;
      field = line.substr(at + 1, close - at - 1);
      at = close + 1;
      while (at < line.size() && line[at] == ' ') ++at;
    } else {
      const auto comma = std::min(line.find(',', at), line.size());
      field = line.substr(at, comma - at);
      at = comma;
    }
    if (count < fields.size()) fields[count] = field;
    ++count;
    if (at >= line.size()) return count;
    if (line[at] != ',') return 0;
    ++at;
  }
}

/// The kind a file's first line shows (its column count), for files with other names.
std::optional<FileKind> kind_from_content(std::string_view head) {
  std::string_view line = head.substr(0, head.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::array<std::string_view, 12> fields;
  const std::size_t count = count_fields(line, fields);
  if (count == 0 || !all_digits(trim(fields[0]))) return std::nullopt;
  const bool null_marker = line.find("-0-") != std::string_view::npos;
  if (count == 12 && null_marker) return FileKind::Main;
  if (count == 6 && null_marker && all_digits(trim(fields[1]))) return FileKind::Address;
  if (count == 5 && all_digits(trim(fields[1]))) {
    const std::string type = lower(value(fields[2]));
    if (type == "aka" || type == "fka" || type == "nka") return FileKind::Alias;
  }
  return std::nullopt;
}

std::optional<int> month_number(std::string_view name) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (name.size() != 3) return std::nullopt;
  // Compared as three bytes, not by memcmp: this runs for every date of every remark.
  for (int month = 0; month < 12; ++month)
    if (name[0] == kMonths[month][0] && name[1] == kMonths[month][1] && name[2] == kMonths[month][2]) return month + 1;
  return std::nullopt;
}

/// OFAC writes dates "09 Nov 1966", "Nov 1966" or "1966" (notice of 2012-06-13, item 4):
/// these become ISO "1966-11-09", "1966-11", "1966"; anything else ("circa 1951", "1960 to
/// 1962") is kept as written, since a guess would invent precision. An ISO form is appended to
/// `dates` and viewed there; a date kept as written is a view of `text` (no copy: this runs for
/// every date of every remark).
std::string_view iso_date(std::string_view text, std::string& dates) {
  // The three forms are told apart by length alone ("1966" 4, "Nov 1966" 8, "9 Nov 1966" 10,
  // "09 Nov 1966" 11), then checked byte by byte at fixed places: no split into words, since
  // this runs for every date of every remark. A single trailing space is ignored (the text is
  // trimmed anyway); any other spacing ("09  Nov 1966", " 1966") is not one of the forms.
  std::string_view body = text;
  if (body.ends_with(' ')) body.remove_suffix(1);
  const auto digits = [](std::string_view part) {
    for (const char c : part)
      if (c < '0' || c > '9') return false;
    return true;
  };
  const std::size_t size = body.size();
  if (size != 4 && size != 8 && size != 10 && size != 11) return text;
  const std::string_view year_text = body.substr(size - 4);
  if (!digits(year_text)) return text;
  if (size == 4) return year_text;
  if (body[size - 5] != ' ') return text;
  const auto month = month_number(body.substr(size - 8, 3));
  if (!month) return text;
  // "YYYY-MM" or "YYYY-MM-DD", never longer than the text it rewrites, so `dates` (reserved to
  // the remarks' length) does not move and earlier views stay valid.
  char iso[10];
  std::copy(year_text.begin(), year_text.end(), iso);
  iso[4] = '-';
  iso[5] = static_cast<char>('0' + *month / 10);
  iso[6] = static_cast<char>('0' + *month % 10);
  std::size_t iso_size = 7;
  if (size > 8) {
    const std::string_view day_text = body.substr(0, size - 9);  // one or two bytes
    if (body[size - 9] != ' ' || !digits(day_text)) return text;
    const int day = day_text.size() == 1 ? day_text[0] - '0' : (day_text[0] - '0') * 10 + (day_text[1] - '0');
    int year = 0;
    for (const char year_digit : year_text) year = year * 10 + (year_digit - '0');
    if (!Date::from_ymd(year, *month, day)) return text;
    iso[7] = '-';
    iso[8] = static_cast<char>('0' + day / 10);
    iso[9] = static_cast<char>('0' + day % 10);
    iso_size = 10;
  }
  const std::size_t at = dates.size();
  SKG_ASSERT(at + iso_size <= dates.capacity());
  dates.append(iso, iso_size);
  return std::string_view(dates).substr(at);
}

/// Remark labels that introduce a plain fact (checked before the document rule, so that
/// "Phone Number 123" is a phone, not a document).
struct FactRule {
  std::string_view prefix, key;
  bool date = false;
};
constexpr FactRule kFactRules[] = {
    {"DOB ", "birthDate", true},
    {"POB ", "birthPlace"},
    {"nationality ", "nationality"},
    {"citizen ", "citizenship"},
    {"Gender ", "gender"},
    {"Email Address ", "email"},
    {"Email:", "email"},
    {"Website ", "website"},
    {"Phone Number ", "phone"},
    {"Telephone No. ", "phone"},
    {"Telephone ", "phone"},
    {"Fax No. ", "fax"},
    {"Fax ", "fax"},
    {"Secondary sanctions risk: ", "secondarySanctionsRisk"},
    {"Additional Sanctions Information - ", "additionalSanctionsInformation"},
    {"Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: ",
     "transactionsProhibited"},
    {"Organization Established Date ", "incorporationDate", true},
    {"Organization Type: ", "organizationType"},
    {"Target Type ", "targetType"},
    {"Aircraft Model ", "aircraftModel"},
    {"Aircraft Operator ", "aircraftOperator"},
    {"Aircraft Manufacture Date ", "aircraftManufactureDate", true},
    {"Former Vessel Flag ", "formerFlag"},
    {"Other Vessel Flag ", "otherFlag"},
    {"Nationality of Registration ", "registrationCountry"},
};

/// Identity-document labels that the generic rule (words ending in No./Number/ID/Code/#) misses.
constexpr std::string_view kDocumentLabels[] = {
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Unified Social Credit Code (USCC)",
    "Economic Register Number (CBLS)",
    "Cartilla de Servicio Militar Nacional",
    "Vessel Registration Identification",
    "Credencial electoral",
    "Diplomatic Passport",
    "Matricula Mercantil No",
    "Personal ID Card",
    "Passport",
    "C.U.R.P.",
    "R.F.C.",
    "RFC",
    "D.N.I.",
    "SSN",
    "US FEIN",
    "SWIFT/BIC",
    "MMSI",
    "BIK (RU)",
    "C.U.I.",
    "I.F.E.",
    "License",
};

/// The indexes of a table's entries grouped by the first byte of their text, each group in
/// table order: a remark part is compared with the few entries that can match it (the same first
/// match as a scan of the whole table), not with all of them.
template <std::size_t N>
struct ByFirstByte {
  std::array<std::uint8_t, 257> begin{};  // group of byte b: order[begin[b], begin[b + 1])
  std::array<std::uint8_t, N> order{};
  template <class Text>
  constexpr explicit ByFirstByte(const Text& text_of) {
    std::array<std::uint8_t, 257> counts{};
    for (std::size_t at = 0; at < N; ++at) ++counts[static_cast<unsigned char>(text_of(at)[0]) + 1];
    for (std::size_t byte = 1; byte < 257; ++byte) begin[byte] = static_cast<std::uint8_t>(begin[byte - 1] + counts[byte]);
    std::array<std::uint8_t, 256> filled{};
    for (std::size_t at = 0; at < N; ++at) {
      const auto byte = static_cast<unsigned char>(text_of(at)[0]);
      order[begin[byte] + filled[byte]++] = static_cast<std::uint8_t>(at);
    }
  }
};
constexpr ByFirstByte<std::size(kFactRules)> kFactRulesByFirst([](std::size_t at) { return kFactRules[at].prefix; });
constexpr ByFirstByte<std::size(kDocumentLabels)> kDocumentLabelsByFirst([](std::size_t at) { return kDocumentLabels[at]; });

struct Document {
  std::string_view label, number;
  int table = -1;  // the label's index in kDocumentLabels, or -1 (a label made from the part)
};

std::optional<Document> parse_document(std::string_view part) {
  if (part.empty()) return std::nullopt;
  const auto first = static_cast<unsigned char>(part[0]);
  for (std::size_t at = kDocumentLabelsByFirst.begin[first]; at < kDocumentLabelsByFirst.begin[first + 1]; ++at) {
    const int table = kDocumentLabelsByFirst.order[at];
    const std::string_view label = kDocumentLabels[table];
    if (part.size() > label.size() + 1 && part.starts_with(label) && part[label.size()] == ' ')
      return Document{label, trim(part.substr(label.size() + 1)), table};
  }
  // "Digital Currency Address - XBT 1Kuf...": the currency code is part of the label.
  constexpr std::string_view kCurrency = "Digital Currency Address - ";
  if (part.starts_with(kCurrency)) {
    const auto space = part.find(' ', kCurrency.size());
    if (space != std::string_view::npos)
      return Document{part.substr(0, space), trim(part.substr(space + 1))};
  }
  // Generic: the longest run of up to 8 leading words that ends in a label word, followed by a
  // value holding a digit ("Tax ID No. 774334095919 (Russia)", "Registration ID 1027739").
  static constexpr std::string_view kLabelEnds[] = {"No.",  "No", "Number", "ID",
                                                    "Code", "#",  "No.:"};
  if (part.empty() || !((part[0] >= 'A' && part[0] <= 'Z') || (part[0] >= 'a' && part[0] <= 'z')))
    return std::nullopt;
  std::optional<Document> best;
  std::size_t at = 0;
  for (int word = 0; word < 8 && at < part.size(); ++word) {
    const auto space = part.find(' ', at);
    if (space == std::string_view::npos) break;
    const std::string_view last = part.substr(at, space - at);
    // The value is trimmed only after a label word: most words are not one.
    if (std::find(std::begin(kLabelEnds), std::end(kLabelEnds), last) != std::end(kLabelEnds)) {
      const std::string_view rest = trim(part.substr(space + 1));
      if (has_digit(rest)) best = Document{part.substr(0, space), rest};
    }
    at = space + 1;
  }
  return best;
}

struct Fact {
  std::string_view key;  // a literal, or a "id:<label>" kept by parse_remarks' key cache
  std::string_view value;  // into the remarks text, or into Remarks::dates (an ISO date)
  /// The batch's id of `key`, once a fact with this key was added (KeyIds): kNoString before.
  StringId* key_id;
};

/// The batch ids of the attribute keys remarks give, each taken from the batch when first added:
/// a key is the same text for thousands of entries, and hashing it again for each was a cost.
struct KeyIds {
  StringId rules[std::size(kFactRules)];
  StringId directive = kNoString;
  // Keys made of a head and a remark's label ("id:" "Passport", "listingDate " "(...)"): their
  // texts and ids (deques: views of both stay valid as they grow), found by head and label, so
  // that the key text is built only when new.
  enum Head : std::uint8_t { Document, ListingDate, EffectiveDate, kHeads };
  static constexpr std::string_view kHeadTexts[kHeads] = {"id:", "listingDate ", "effectiveDate "};
  std::deque<std::string> made_texts;
  std::deque<StringId> made_ids;
  ViewIndex made[kHeads];  // by label: a view of the label in made_texts
  // of_table()'s cache: the key of each document table's label, by table index.
  std::pair<std::string_view, StringId*> by_table[std::size(kDocumentLabels)]{};
  KeyIds() { std::fill(std::begin(rules), std::end(rules), kNoString); }
  /// of(Document, kDocumentLabels[table]), kept by table index after the first call: a label of
  /// the table ("Passport") is not hashed and looked up again for each document that has it.
  std::pair<std::string_view, StringId*> of_table(int table) {
    auto& known = by_table[table];
    if (known.second == nullptr) known = of(Document, kDocumentLabels[table]);
    return known;
  }
  /// The text and id slot of the key `head` + `label`.
  std::pair<std::string_view, StringId*> of(Head head, std::string_view label) {
    ViewIndex::Slot& slot = made[head].slot(label);
    if (slot.value == ViewIndex::kFree) {
      std::string& text = made_texts.emplace_back(kHeadTexts[head]);
      text += label;
      made[head].add(slot, std::string_view(text).substr(kHeadTexts[head].size()), static_cast<std::uint32_t>(made_ids.size()));
      made_ids.push_back(kNoString);
    }
    const std::string_view label_text = slot.key;
    return {std::string_view(label_text.data() - kHeadTexts[head].size(), kHeadTexts[head].size() + label_text.size()),
            &made_ids[slot.value]};
  }
};
struct Alias {
  std::string_view name;
  NameType type;
};

/// What one entry's remarks say. Reused from entry to entry (parse_remarks clears it), so that
/// its vectors and strings are allocated once per load, not once per entry.
struct Remarks {
  std::vector<Fact> facts;
  std::vector<Alias> weak_aliases;
  std::vector<std::string_view> links;
  std::string legal_basis, measures;
  /// The ISO forms of the remarks' dates, which facts view: reserved to the remarks' length
  /// before parsing (an ISO form is never longer than the date it rewrites), so it never moves.
  std::string dates;
  std::size_t documents = 0;
  bool unrecognised = false;
  void clear(std::size_t text_size) {
    facts.clear();
    weak_aliases.clear();
    links.clear();
    legal_basis.clear();
    measures.clear();
    dates.clear();
    dates.reserve(text_size);
    documents = 0;
    unrecognised = false;
  }
};

void append_unique(std::string& list, std::string_view item) {
  if (item.empty()) return;
  std::size_t at = 0;
  while (at <= list.size()) {
    const auto end = std::min(list.find("; ", at), list.size());
    if (std::string_view(list).substr(at, end - at) == item) return;
    at = end + 2;
  }
  if (!list.empty()) list += "; ";
  list += item;
}

/// Where the next "; " (the separator of remark parts) starts at or after `from`, or
/// text.size(). One memchr for ';' and a test of the byte after it: string_view::find("; ")
/// also called memcmp at each ';', and this runs for every part of every remark.
std::size_t find_separator(std::string_view text, std::size_t from) {
  while (from < text.size()) {
    const auto* found = static_cast<const char*>(std::memchr(text.data() + from, ';', text.size() - from));
    if (found == nullptr) break;
    const auto at = static_cast<std::size_t>(found - text.data());
    if (at + 1 < text.size() && text[at + 1] == ' ') return at;
    from = at + 1;
  }
  return text.size();
}

/// Reads the structured facts out of a Remarks text (see ofac_csv.h for the scheme).
void parse_remarks(std::string_view text, KeyIds& keys, Remarks& out) {
  out.clear(text.size());
  // OFAC notice of 2012-06-13, item 1: "All SDN data ... now end in a period": an end marker.
  if (text.ends_with('.')) text.remove_suffix(1);
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = find_separator(text, at);
    std::string_view part = trim(text.substr(at, end - at));
    at = end + 2;
    if (part.empty()) continue;
    if (part.starts_with("alt. ")) part.remove_prefix(5);

    if (part.starts_with("Linked To: ")) {
      const std::string_view name = trim(part.substr(11));
      if (!name.empty()) out.links.push_back(name);
      continue;
    }
    // Weak aliases: a.k.a. 'NAME' (f.k.a., n.k.a. likewise), quoted in single quotes.
    if (part.size() > 9 && part.substr(1, 6) == ".k.a. " && part[7] == '\'' &&
        part.back() == '\'') {
      const char type = part[0];
      const NameType name_type = type == 'a'   ? NameType::Aka
                                 : type == 'f' ? NameType::Fka
                                 : type == 'n' ? NameType::Nka
                                               : NameType::Previous;
      const std::string_view name = trim(part.substr(8, part.size() - 9));
      if (name_type != NameType::Previous && !name.empty()) {
        out.weak_aliases.push_back({name, name_type});
        continue;
      }
    }
    bool done = false;
    const auto first = static_cast<unsigned char>(part[0]);
    for (std::size_t slot = kFactRulesByFirst.begin[first]; slot < kFactRulesByFirst.begin[first + 1]; ++slot) {
      const std::size_t at = kFactRulesByFirst.order[slot];
      const FactRule& rule = kFactRules[at];
      if (part.size() > rule.prefix.size() && part.starts_with(rule.prefix)) {
        const std::string_view fact = trim(part.substr(rule.prefix.size()));
        out.facts.push_back({rule.key, rule.date ? iso_date(fact, out.dates) : fact, &keys.rules[at]});
        done = true;
        break;
      }
    }
    if (done) continue;
    // "Executive Order 13846 information: BANKING TRANSACTIONS.  Sec. 5(a)(iii)",
    // "CAATSA Section 235 Information: ...", "PEESA Information: ...": the legal basis and the
    // measure it imposes on this entry. Both markers have their ':' 12 bytes in, and count only
    // when they start before byte 60: a part with no ':' before byte 72 (documents, most other
    // parts) has neither, and one memchr tells that, where each marker's find stopped at every
    // space of the part.
    const bool colon = std::memchr(part.data(), ':', std::min<std::size_t>(part.size(), 72)) != nullptr;
    for (std::string_view marker :
         {std::string_view(" information: "), std::string_view(" Information: ")}) {
      if (!colon) break;
      const auto found = part.find(marker);
      if (found != std::string_view::npos && found < 60) {
        append_unique(out.legal_basis, part.substr(0, found));
        append_unique(out.measures, trim(part.substr(found + marker.size())));
        done = true;
        break;
      }
    }
    if (done) continue;
    if (part.find("Directive Determination - ") != std::string_view::npos) {
      out.facts.push_back({"directive", part, &keys.directive});
      continue;
    }
    if (part.starts_with("Listing Date (") || part.starts_with("Effective Date (")) {
      const auto colon = part.find("): ");
      if (colon != std::string_view::npos) {
        const bool listing = part[0] == 'L';
        const std::string_view what =
            part.substr(listing ? 13 : 15, colon + 1 - (listing ? 13 : 15));
        const auto [key_text, key_id] = keys.of(listing ? KeyIds::ListingDate : KeyIds::EffectiveDate, what);
        out.facts.push_back({key_text, iso_date(trim(part.substr(colon + 3)), out.dates), key_id});
        continue;
      }
    }
    if (const auto document = parse_document(part)) {
      const auto [key_text, key_id] =
          document->table >= 0 ? keys.of_table(document->table) : keys.of(KeyIds::Document, document->label);
      out.facts.push_back({key_text, document->number, key_id});
      ++out.documents;
      continue;
    }
    out.unrecognised = true;
  }
}

/// One entry of sdn.csv / cons_prim.csv, with views into the file text (or the arena).
struct Entry {
  std::string_view uid, name, programs, title, call_sign, vessel_type, tonnage, grt, flag, owner,
      remarks, sdn_type;
  std::string remarks_more;  // the sdn_comments.csv continuation
  std::string id;
  const std::string* file = nullptr;
  std::uint64_t line = 0;
  NodeKind kind = NodeKind::LegalEntity;
  bool unknown_type = false;
};

constexpr std::uint32_t kMany = 0xFFFFFFFFu;

/// The state of one load_ofac_csv call.
class OfacLoad {
 public:
  OfacLoad(LoadContext& context, const ListKind& list) : context_(context), list_(list) {}

  /// Reads one file of the set; `required`: an empty file is an error (else it adds nothing).
  void read(const std::string& path, FileKind kind, bool required);
  /// Emits entities, actions, facts, names and links into the batch.
  void finish();

 private:
  using Fields = std::vector<std::string_view>;
  void on_row(const SourceFile& file, FileKind kind, const Fields& fields, std::uint64_t line);
  void main_row(const SourceFile& file, const Fields& fields, std::uint64_t line);
  /// The entry for a sibling row's uid (or its id, when the entity is loaded already); reports
  /// and returns false when there is none.
  bool target(const SourceFile& file, FileKind kind, std::string_view uid, std::uint64_t line,
              std::string& id, Entry*& entry);
  /// `text` as it stays valid for the whole load: a view of the file being read as it is (the
  /// common case, inline: a dozen per row), else a copy in the arena (an unescaped field).
  std::string_view keep(std::string_view text) {
    const auto begin = reinterpret_cast<std::uintptr_t>(text_.data());
    const auto at = reinterpret_cast<std::uintptr_t>(text.data());
    if (text.empty() || (at >= begin && at + text.size() <= begin + text_.size())) return text;
    return arena_.emplace_back(text);
  }
  LoadError error(const std::string& file, std::uint64_t line, std::string reason,
                  std::string_view uid = {}) const {
    return LoadError(file, line, std::move(reason), std::string(uid));
  }
  std::optional<std::uint32_t> resolve(std::string_view name, std::string& why);
  std::string with_period_;  // resolve()'s "<name>." (reused: one per Linked To)
  /// An alt.csv, add.csv or sdn_comments.csv row's batch calls, made one row late: the row's
  /// strings (a new alias or address probes a random slot of the pool's table) are prefetched when
  /// it is read and interned when the next row is, with the hashes the prefetch gave. The calls
  /// and their order are those the row made at once before, so the pool's order is the same.
  struct SiblingRow {
    FileKind kind = FileKind::Main;  // Main: nothing pending
    std::string id, address;  // the entity's id; add.csv's address line
    const std::string* path = nullptr;
    // Views that outlive the row's reading: of the file's text, or of the arena for a field the
    // CSV reader had to unescape (its own copy is gone with the next row: keep() copies it).
    std::string_view uid, name, country, remarks;  // name: alt_name
    std::uint32_t line = 0;
    NameType alias_type = NameType::Aka;
    std::uint64_t id_hash = 0, uid_hash = 0, name_hash = 0, address_hash = 0;
  };
  SiblingRow sibling_rows_[2];
  std::size_t next_sibling_ = 0;  // the slot the next row fills; the other one may hold the pending row
  /// Prefetches the row just filled in sibling_rows_[next_sibling_], makes the batch calls of the
  /// row before it (pending in the other slot), and leaves the new row pending.
  void defer_sibling_row();
  /// Makes the batch calls of `row` if it is pending, and frees its slot.
  void flush_sibling_row(SiblingRow& row);
  void add_sibling_row(SiblingRow& row);
  StringId sibling_keys_[4] = {kNoString, kNoString, kNoString, kNoString};  // aliasRemarks, address, country, addressRemarks

  LoadContext& context_;
  const ListKind& list_;
  std::deque<SourceFile> files_;   // kept open: entries view into their text
  std::string_view text_;          // the file being read
  std::deque<std::string> arena_;  // fields that had to be unescaped
  // One per sdn.csv line, reserved up front (a few MB): on huge pages, so that filling it takes a
  // few page faults, not one per 4 KiB.
  std::vector<Entry, detail::LargeAllocator<Entry>> entries_;
  ViewIndex by_uid_;    // entry index by uid
  ViewIndex by_name_;   // primary names of this load
  ViewIndex by_alias_;  // alt.csv names of this load
  KeyIds keys_;  // attribute keys of remark facts, and their batch ids
  /// The batch ids of the other attribute keys finish() adds, each taken when first added.
  enum Key : std::uint8_t { OfacUid, SdnType, Title, CallSign, VesselType, Tonnage, Grt, Flag, Owner, RemarksKey, LinkedTo, kKeys };
  StringId key_ids_[kKeys] = {kNoString, kNoString, kNoString, kNoString, kNoString, kNoString,
                              kNoString, kNoString, kNoString, kNoString, kNoString};
  std::uint64_t bytes_done_ = 0;
  /// The report's counts, added to it once at the end (a map look-up per record was a cost).
  struct Counts {
    std::uint64_t aliases = 0, addresses = 0, documents = 0, links_resolved = 0, links_unresolved = 0;
  } counts_;
  void add_counts();
};

void OfacLoad::read(const std::string& path, FileKind kind, bool required) {
  const SourceFile& file = files_.emplace_back(path);
  context_.report.files.push_back(path);
  context_.report.bytes += file.size();
  const std::string_view text = file.content();
  text_ = text;
  if (trim(text).empty()) {
    if (required) context_.bad_record(error(path, 0, "empty file"));
    bytes_done_ += file.size();
    return;
  }
  if (kind == FileKind::Main) {
    // About one entry per line: size the tables once instead of growing them row by row.
    const auto lines = static_cast<std::size_t>(line_of(text, text.size()));
    entries_.reserve(entries_.size() + lines);
    by_uid_.reserve(entries_.size() + lines);
  }
  std::size_t next_invalid = find_invalid_utf8(text);
  std::size_t base = 0;         // where the current reader starts in `text`
  std::uint64_t line_base = 0;  // lines before it
  std::optional<CsvReader> reader(std::in_place, text, path);
  Fields fields;
  std::uint64_t rows = 0;
  while (true) {
    const std::size_t start = base + reader->offset();
    bool got = false;
    try {
      got = reader->next(fields);
    } catch (const LoadError& bad) {
      // A broken quote: report it at the record's first line, and go on at the next line.
      const std::uint64_t line = line_base + reader->line_number();
      context_.bad_record(error(path, line, bad.reason()));
      const auto newline = text.find('\n', start);
      if (newline == std::string_view::npos) break;
      base = newline + 1;
      line_base = line;
      reader.emplace(text.substr(base), path);
      continue;
    }
    if (!got) break;
    const std::size_t end = base + reader->offset();
    const std::uint64_t line = line_base + reader->line_number();
    if (++rows % 4096 == 0) context_.progress(path, bytes_done_ + end);
    if (fields.size() == 1 && trim(fields[0]).empty()) continue;  // a blank line
    if (next_invalid < end) {
      const std::size_t bad_at = next_invalid;
      const auto rest = find_invalid_utf8(text.substr(end));
      next_invalid = rest == std::string_view::npos ? rest : end + rest;
      if (bad_at >= start) {
        context_.bad_record(error(path, line_of(text.substr(start), bad_at - start) + line - 1,
                                  fmt::format("invalid UTF-8 at byte {}", bad_at),
                                  all_digits(trim(fields[0])) ? trim(fields[0]) : ""));
        continue;
      }
    }
    on_row(file, kind, fields, line);
  }
  flush_sibling_row(sibling_rows_[next_sibling_ ^ 1]);
  bytes_done_ += file.size();
  context_.progress(path, bytes_done_);
}

void OfacLoad::defer_sibling_row() {
  Batch& batch = context_.batch;
  SiblingRow& row = sibling_rows_[next_sibling_];
  row.id_hash = batch.prefetch_hashed(row.id);
  row.uid_hash = batch.prefetch_hashed(row.uid);
  if (row.kind == FileKind::Alias) row.name_hash = batch.prefetch_hashed(row.name);
  if (row.kind == FileKind::Address) row.address_hash = batch.prefetch_hashed(row.address);
  next_sibling_ ^= 1;
  flush_sibling_row(sibling_rows_[next_sibling_]);  // the row before, whose slot the next row fills
}

void OfacLoad::flush_sibling_row(SiblingRow& row) {
  if (row.kind == FileKind::Main) return;
  add_sibling_row(row);
  row.kind = FileKind::Main;
}

void OfacLoad::add_sibling_row(SiblingRow& row) {
  Batch& batch = context_.batch;
  const Source source{*row.path, row.uid, row.line};
  // The ids in the order the text calls interned them: the source (file, record) with the first
  // call, then per call the entity, the key and the value.
  std::optional<Batch::SourceRef> at;
  StringId entity = kNoString;
  const auto start = [&] {
    if (at) return;
    at = batch.source_ref(source, row.uid_hash);
    entity = batch.string_id(row.id, row.id_hash);
  };
  const auto attribute = [&](StringId& key_id, std::string_view key, std::string_view text, std::uint64_t hash, bool hashed) {
    if (text.empty()) return;
    start();
    if (key_id == kNoString) key_id = batch.string_id(key);
    batch.add_attribute(entity, key_id, hashed ? batch.string_id(text, hash) : batch.string_id(text), *at);
  };
  switch (row.kind) {
    case FileKind::Comments:
      attribute(key_ids_[RemarksKey], "remarks", row.remarks, 0, false);
      break;
    case FileKind::Alias:
      start();
      batch.add_name(entity, batch.string_id(row.name, row.name_hash), row.alias_type, NameStrength::Strong, *at);
      attribute(sibling_keys_[0], "aliasRemarks", row.remarks, 0, false);
      break;
    case FileKind::Address:
      attribute(sibling_keys_[1], "address", row.address, row.address_hash, true);
      attribute(sibling_keys_[2], "country", row.country, 0, false);
      attribute(sibling_keys_[3], "addressRemarks", row.remarks, 0, false);
      break;
    case FileKind::Main:
      break;
  }
}

void OfacLoad::on_row(const SourceFile& file, FileKind kind, const Fields& fields,
                      std::uint64_t line) {
  const std::string& path = file.path();
  const std::string_view uid = trim(fields[0]);
  const std::size_t want = kColumns[static_cast<int>(kind)];
  const bool uid_is_number = all_digits(uid);  // tested once: it is both the record and a check
  const std::string_view record = uid_is_number ? uid : std::string_view{};
  if (fields.size() != want) {
    context_.bad_record(error(path, line,
                              fmt::format("{} columns, expected {} in an OFAC {} file",
                                          fields.size(), want, kKindNames[static_cast<int>(kind)]),
                              record));
    return;
  }
  for (std::size_t column = 0; column < fields.size(); ++column) {
    if (fields[column].size() > kMaxField) {
      context_.bad_record(
          error(path, line,
                fmt::format("field {} is {} bytes long (OFAC's spec allows at most 1000)",
                            column + 1, fields[column].size()),
                record));
      return;
    }
  }
  if (!uid_is_number) {
    context_.bad_record(
        error(path, line, fmt::format("ent_num '{}' is not a number", uid.substr(0, 40))));
    return;
  }
  if (kind == FileKind::Main) return main_row(file, fields, line);
  if ((kind == FileKind::Address || kind == FileKind::Alias) && !all_digits(trim(fields[1]))) {
    context_.bad_record(error(
        path, line,
        fmt::format("{} '{}' is not a number", kind == FileKind::Address ? "add_num" : "alt_num",
                    trim(fields[1]).substr(0, 40)),
        uid));
    return;
  }
  NameType alias_type = NameType::Aka;
  if (kind == FileKind::Alias) {
    const std::string_view type = value(fields[2]);
    if (equals_ignoring_case(type, "aka"))
      alias_type = NameType::Aka;
    else if (equals_ignoring_case(type, "fka"))
      alias_type = NameType::Fka;
    else if (equals_ignoring_case(type, "nka"))
      alias_type = NameType::Nka;
    else {
      context_.bad_record(error(
          path, line, fmt::format("alt_type '{}' is not aka, fka or nka", value(fields[2])), uid));
      return;
    }
    if (value(fields[3]).empty()) {
      context_.bad_record(error(path, line, "empty alt_name", uid));
      return;
    }
  }
  std::string id;
  Entry* entry = nullptr;
  if (!target(file, kind, uid, line, id, entry)) return;
  if (kind == FileKind::Comments && entry != nullptr) {
    // Joined to the entry's remarks, which finish() reads.
    entry->remarks_more += trim(fields[1]) == "-0-" ? std::string_view{} : fields[1];
    return;
  }
  SiblingRow& row = sibling_rows_[next_sibling_];
  row.kind = kind;
  row.id = std::move(id);
  row.path = &path;
  row.uid = keep(uid);
  row.line = static_cast<std::uint32_t>(line);
  switch (kind) {
    case FileKind::Comments: {
      const std::string_view more = trim(fields[1]) == "-0-" ? std::string_view{} : fields[1];
      row.remarks = keep(trim(more));
      break;
    }
    case FileKind::Alias: {
      const std::string_view name = value(fields[3]);
      // alt.csv holds OFAC's strong aliases; the weak ones are in Remarks (notice 2012-06-13).
      row.name = keep(name);
      row.alias_type = alias_type;
      row.remarks = keep(value(fields[4]));
      ++counts_.aliases;
      if (entry != nullptr) {
        const auto index = static_cast<std::uint32_t>(entry - entries_.data());
        ViewIndex::Slot& slot = by_alias_.slot(name);
        if (slot.value == ViewIndex::kFree)
          by_alias_.add(slot, keep(name), index);
        else if (slot.value != index)
          slot.value = kMany;
      }
      break;
    }
    case FileKind::Address: {
      std::string& line_text = row.address;
      line_text.clear();
      for (int column = 2; column <= 4; ++column) {
        const std::string_view part = value(fields[column]);
        if (part.empty()) continue;
        if (!line_text.empty()) line_text += ", ";
        line_text += part;
      }
      row.country = keep(value(fields[4]));
      row.remarks = keep(value(fields[5]));
      ++counts_.addresses;
      break;
    }
    case FileKind::Main:
      break;
  }
  defer_sibling_row();
}

bool OfacLoad::target(const SourceFile& file, FileKind kind, std::string_view uid,
                      std::uint64_t line, std::string& id, Entry*& entry) {
  if (const std::uint32_t* found = by_uid_.find(uid)) {
    entry = &entries_[*found];
    id = entry->id;
    return true;
  }
  id = fmt::format("{}{}", list_.prefix, uid);
  if (context_.resolves(id)) return true;  // loaded already: a sibling file read alone
  // OFAC publishes add/alt/comments rows whose uid no sdn.csv of the set defines: reported,
  // never fatal, in both modes.
  context_.report.skipped.push_back(
      {file.path(), line, std::string(uid),
       fmt::format("unknown uid: no {} entry has ent_num {} (this {} row is left out)", list_.list,
                   uid, kKindNames[static_cast<int>(kind)])});
  context_.report.add("unknown uid rows");
  return false;
}

void OfacLoad::main_row(const SourceFile& file, const Fields& fields, std::uint64_t line) {
  const std::string& path = file.path();
  const std::string_view uid = trim(fields[0]);
  // A uid twice in one file is a bad row. Another file of the same load that defines the party
  // (the CSL's SDN row, keyed ofac-sdn:<uid> too) states the same party: it merges, as it would
  // from a separate load (a folder of several OFAC releases is narrowed to one by load()).
  // One look-up of the uid: it is taken here, and given back if the row turns out bad.
  ViewIndex::Slot& slot = by_uid_.slot(uid);
  if (slot.value != ViewIndex::kFree) {
    context_.bad_record(error(path, line, fmt::format("duplicate ent_num {}", uid), uid));
    return;
  }
  const std::string_view name = value(fields[1]);
  if (name.empty()) {
    context_.bad_record(error(path, line, "empty SDN_Name", uid));
    return;
  }
  Entry entry;
  entry.uid = keep(uid);
  by_uid_.add(slot, entry.uid, static_cast<std::uint32_t>(entries_.size()));
  entry.name = keep(name);
  entry.sdn_type = keep(value(fields[2]));
  const std::string_view type = entry.sdn_type;
  if (equals_ignoring_case(type, "individual"))
    entry.kind = NodeKind::Person;
  else if (equals_ignoring_case(type, "vessel"))
    entry.kind = NodeKind::Vessel;
  else if (equals_ignoring_case(type, "aircraft"))
    entry.kind = NodeKind::Aircraft;
  else
    entry.unknown_type = !(type.empty() || equals_ignoring_case(type, "entity"));
  entry.programs = keep(value(fields[3]));
  entry.title = keep(value(fields[4]));
  entry.call_sign = keep(value(fields[5]));
  entry.vessel_type = keep(value(fields[6]));
  entry.tonnage = keep(value(fields[7]));
  entry.grt = keep(value(fields[8]));
  entry.flag = keep(value(fields[9]));
  entry.owner = keep(value(fields[10]));
  // Remarks are kept as quoted, untrimmed: sdn_comments.csv continues them mid-word.
  entry.remarks = trim(fields[11]) == "-0-" ? std::string_view{} : keep(fields[11]);
  entry.id.reserve(list_.prefix.size() + uid.size());
  entry.id.assign(list_.prefix);
  entry.id += uid;
  entry.file = &file.path();
  entry.line = line;
  entries_.push_back(std::move(entry));
}

std::optional<std::uint32_t> OfacLoad::resolve(std::string_view name, std::string& why) {
  // The exact listed name, then an alt.csv alias; each also with a final period, which the
  // end-of-data marker may have taken ("Linked To: KPD S.A." at the end of the remarks).
  with_period_.assign(name);
  with_period_ += '.';
  for (const ViewIndex* index : {&by_name_, &by_alias_}) {
    for (std::string_view candidate : {name, std::string_view(with_period_)}) {
      const std::uint32_t* found = index->find(candidate);
      if (found == nullptr) continue;
      if (*found == kMany) {
        why = fmt::format("Linked To: '{}' matches several {}", name,
                          index == &by_name_ ? "entries' names" : "entries' aliases");
        return std::nullopt;
      }
      return *found;
    }
  }
  why = fmt::format("Linked To: '{}' matches no entry's name or alias in this load", name);
  return std::nullopt;
}

void OfacLoad::add_counts() {
  LoadReport& report = context_.report;
  if (!entries_.empty()) {
    report.add("entities", entries_.size());
    report.add("actions", entries_.size());
    report.add("documents", counts_.documents);
  }
  for (const auto& [kind, count] : {std::pair<std::string_view, std::uint64_t>{"aliases", counts_.aliases},
                                    {"addresses", counts_.addresses},
                                    {"links resolved", counts_.links_resolved},
                                    {"links unresolved", counts_.links_unresolved}})
    if (count != 0) report.add(kind, count);
}

void OfacLoad::finish() {
  Batch& batch = context_.batch;
  LoadReport& report = context_.report;
  // One entity record (and its source) per entry: sized once, so that the batch's columns do
  // not regrow into fresh pages while they fill (Batch::reserve; the listing actions and their
  // TARGET_OF edges have columns of their own).
  batch.reserve(entries_.size(), 0);
  by_name_.reserve(entries_.size());
  for (std::uint32_t index = 0; index < entries_.size(); ++index) {
    ViewIndex::Slot& slot = by_name_.slot(entries_[index].name);
    if (slot.value == ViewIndex::kFree)
      by_name_.add(slot, entries_[index].name, index);
    else
      slot.value = kMany;
  }
  std::string programs, why;
  // Each entry's remarks are read, and its distinct strings (id, uid, name, action id, fact
  // values, weak aliases) prefetched into the string pool's table, while the entry before it is
  // added: a string met for the first time probes a random slot of a table larger than the
  // caches, and one miss after another was the largest cost of this loader (bench/load_lists).
  // The remarks as a view: of the file's text, or of a copy joined to their sdn_comments.csv
  // continuation (most entries have none: copying every remark was a cost).
  // The prefetches hand their hashes on to the interns (string_id(text, hash)), each string hashed
  // once. They must: GCC 12 finds a prefetch whose result nothing uses free of side effects and
  // drops the call, hash and all (Batch::prefetch(text) compiled to nothing here, so the pool's
  // misses were all waited on); the hash the intern uses keeps it.
  struct Hashes {
    std::uint64_t id = 0, uid = 0, name = 0, action = 0;
    std::vector<std::uint64_t> facts, aliases;  // by position in Remarks::facts, weak_aliases
  };
  std::string joined[2], action_ids[2];
  std::string_view remarks_texts[2];
  Remarks remarks_of[2];
  Hashes hashes_of[2];
  const auto prepare = [&](std::size_t index) {
    const Entry& entry = entries_[index];
    std::string_view& text = remarks_texts[index % 2];
    if (entry.remarks_more.empty()) {
      text = entry.remarks;
    } else {
      joined[index % 2].assign(entry.remarks);
      joined[index % 2] += entry.remarks_more;
      text = joined[index % 2];
    }
    parse_remarks(text, keys_, remarks_of[index % 2]);
    std::string& action_id = action_ids[index % 2];
    action_id.assign(entry.id);
    action_id += list_.action_suffix;
    Hashes& hashes = hashes_of[index % 2];
    hashes.id = batch.prefetch_hashed(entry.id);
    hashes.uid = batch.prefetch_hashed(entry.uid);
    hashes.name = batch.prefetch_hashed(entry.name);
    hashes.action = batch.prefetch_hashed(action_id);
    hashes.facts.clear();
    for (const Fact& fact : remarks_of[index % 2].facts) hashes.facts.push_back(batch.prefetch_hashed(fact.value));
    hashes.aliases.clear();
    for (const Alias& alias : remarks_of[index % 2].weak_aliases) hashes.aliases.push_back(batch.prefetch_hashed(alias.name));
  };
  if (!entries_.empty()) prepare(0);
  for (std::size_t index = 0; index < entries_.size(); ++index) {
    if (index + 1 < entries_.size()) prepare(index + 1);
    const Entry& entry = entries_[index];
    const std::string_view remarks_text = remarks_texts[index % 2];
    const Remarks& remarks = remarks_of[index % 2];
    const std::string& action_id = action_ids[index % 2];
    const Hashes& hashes = hashes_of[index % 2];
    const Source source{*entry.file, entry.uid, static_cast<std::uint32_t>(entry.line)};
    // The entry's source is found once, and its entity's id and each key are hashed and looked up
    // once, not once per fact. Ids are taken in the order add_entity / add_attribute(text) intern
    // (source, id, name; then key, value), and a key when first added, so the pool holds the same
    // strings in the same order.
    const Batch::SourceRef at = batch.source_ref(source, hashes.uid);
    const StringId entity_id = batch.string_id(entry.id, hashes.id);
    const StringId name_id = batch.string_id(entry.name, hashes.name);
    const StringId entity = batch.add_entity(entity_id, entry.kind, name_id, at);
    const auto attribute_id = [&](StringId& key_id, std::string_view key, std::string_view text, StringId value) {
      if (text.empty()) return;
      if (key_id == kNoString) key_id = batch.string_id(key);
      batch.add_attribute(entity, key_id, value == kNoString ? batch.string_id(text) : value, at);
    };
    const auto attribute_as = [&](StringId& key_id, std::string_view key, std::string_view text) {
      attribute_id(key_id, key, text, kNoString);
    };
    // The uid is OFAC's entity number on every list and in every format (the identity contract,
    // queries/RULES.md §9): the CSL's OFAC rows and OFAC's XML files carry it too. Interned with
    // the source already.
    attribute_id(key_ids_[OfacUid], "ofacUid", entry.uid, batch.string_id(entry.uid, hashes.uid));

    programs.clear();
    std::string_view rest = entry.programs;  // "SDGT] [IRGC": OFAC's separator is "] ["
    while (!rest.empty()) {
      const auto end = std::min(rest.find("] ["), rest.size());
      std::string_view program = trim(rest.substr(0, end));
      if (program.starts_with('[')) program.remove_prefix(1);
      if (program.ends_with(']')) program.remove_suffix(1);
      append_unique(programs, trim(program));
      rest = end == rest.size() ? std::string_view{} : rest.substr(end + 3);
    }
    // The SDN files are the blocking list; the non-SDN files name their list only by program
    // tag (loaders/measures.cpp, RULES.md §8.1).
    const detail::MeasureMapping mapping =
        list_.action_suffix == kSdn.action_suffix ? detail::ofac_sdn_mapping() : detail::ofac_non_sdn_mapping(programs);
    batch.add_action({.id = action_id,
                      .target = entry.id,
                      .authority = "OFAC",
                      .list = list_.list,
                      .program = programs,
                      .legal_basis = remarks.legal_basis,
                      .measures = remarks.measures,
                      .measure_set = mapping.measures,
                      .issuer = mapping.issuer,
                      .list_id = mapping.list},
                     hashes.action, at);

    if (entry.unknown_type) attribute_as(key_ids_[SdnType], "sdnType", entry.sdn_type);
    attribute_as(key_ids_[Title], "title", entry.title);
    attribute_as(key_ids_[CallSign], "callSign", entry.call_sign);
    attribute_as(key_ids_[VesselType], "vesselType", entry.vessel_type);
    attribute_as(key_ids_[Tonnage], "tonnage", entry.tonnage);
    attribute_as(key_ids_[Grt], "grossRegisteredTonnage", entry.grt);
    attribute_as(key_ids_[Flag], "flag", entry.flag);
    attribute_as(key_ids_[Owner], "vesselOwner", entry.owner);
    for (std::size_t fact = 0; fact < remarks.facts.size(); ++fact) {
      const Fact& item = remarks.facts[fact];
      if (item.value.empty()) continue;
      if (*item.key_id == kNoString) *item.key_id = batch.string_id(item.key);
      batch.add_attribute(entity, *item.key_id, batch.string_id(item.value, hashes.facts[fact]), at);
    }
    counts_.documents += remarks.documents;
    for (std::size_t alias = 0; alias < remarks.weak_aliases.size(); ++alias) {
      const Alias& item = remarks.weak_aliases[alias];
      batch.add_name(entity, batch.string_id(item.name, hashes.aliases[alias]), item.type, NameStrength::Weak, at);
      ++counts_.aliases;
    }
    if (remarks.unrecognised) attribute_as(key_ids_[RemarksKey], "remarks", trim(remarks_text));
    for (std::string_view name : remarks.links) {
      if (const auto to = resolve(name, why)) {
        const auto edge = batch.add_edge({.kind = EdgeKind::LinkedTo,
                                          .from = entry.id,
                                          .to = entries_[*to].id,
                                          .role = "Linked To",
                                          .source = source});
        batch.add_edge_attribute(edge, "name", name);  // the name as the remark states it
        ++counts_.links_resolved;
      } else {
        attribute_as(key_ids_[LinkedTo], "linkedTo", name);
        report.unresolved.push_back({*entry.file, entry.line, std::string(entry.uid), why});
        ++counts_.links_unresolved;
      }
    }
  }
  add_counts();
}

}  // namespace

void load_ofac_csv(const std::string& path, LoadContext& context) {
  namespace fs = std::filesystem;
  const std::string name = base_name(path);
  std::optional<FileName> named = kind_from_name(name);
  FileKind kind = FileKind::Main;
  bool cons = name.starts_with("cons_");
  if (named) {
    kind = named->kind;
    cons = named->cons;
  } else {
    // Another name (an excerpt, a renamed download): the first line's columns say the kind.
    std::string head;
    {
      const SourceFile file(path);
      head = std::string(file.content().substr(0, 64 * 1024));
    }
    if (const auto seen = kind_from_content(head)) kind = *seen;
  }
  OfacLoad load(context, cons ? kCons : kSdn);
  if (kind != FileKind::Main) {
    load.read(path, kind, true);
    load.finish();
    return;
  }
  load.read(path, FileKind::Main, true);
  if (named) {
    // The siblings OFAC publishes with sdn.csv / cons_prim.csv, when they are in the folder
    // (any letter case, as downloads are sometimes renamed).
    const fs::path folder = fs::path(path).parent_path();
    const std::string_view prefix = cons ? "cons_" : "";
    const std::pair<std::string, FileKind> siblings[] = {
        {fmt::format("{}{}", prefix, cons ? "comments.csv" : "sdn_comments.csv"),
         FileKind::Comments},
        {fmt::format("{}alt.csv", prefix), FileKind::Alias},
        {fmt::format("{}add.csv", prefix), FileKind::Address},
    };
    std::error_code failed;
    std::vector<fs::path> present;
    for (const auto& item : fs::directory_iterator(folder.empty() ? fs::path(".") : folder, failed))
      present.push_back(item.path());
    for (const auto& [sibling, sibling_kind] : siblings) {
      for (const fs::path& candidate : present) {
        if (base_name(candidate.string()) == sibling && fs::is_regular_file(candidate, failed)) {
          load.read(candidate.string(), sibling_kind, false);
          break;
        }
      }
    }
  }
  load.finish();
}

LoadReport load_ofac_csv(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_ofac_csv), path, builder, options);
}

bool looks_like_ofac_csv(std::string_view head, std::string_view file_name) noexcept {
  try {
    if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
    const auto named = kind_from_name(base_name(file_name));
    if (named && named->kind == FileKind::Comments) {
      // ent_num, then the remarks continuation: only the name tells this kind apart.
      const std::size_t comma = head.find(',');
      return comma != std::string_view::npos && all_digits(trim(head.substr(0, comma)));
    }
    const auto seen = kind_from_content(head);
    return seen.has_value() && (!named || named->kind == *seen);
  } catch (...) {
    return false;  // only std::bad_alloc can get here
  }
}

}  // namespace skg
