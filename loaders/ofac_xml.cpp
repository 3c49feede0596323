// OFAC's XML publications in their three layouts (loaders/ofac_xml.h says what each becomes).
// Specifications: sdn.xsd (classic), sdn_advanced.xsd (advanced, "Sanctions" schema of
// https://www.treasury.gov/ofac/downloads/sanctions/1.0/), ENHANCED_XML.xsd of the Sanctions List
// Service (https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML).
// Parsed with pugixml; element names are matched without their namespace prefix.
#include "skg/loaders/ofac_xml.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <fmt/format.h>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "skg/loaders/list_common.h"
#include "skg/loaders/xml_common.h"
#include "skg/loaders/measures.h"
#include "skg/loaders/source.h"

namespace skg::inline v1 {

namespace {

using Node = pugi::xml_node;

constexpr std::string_view kAuthority = "OFAC";
constexpr std::string_view kSdnPrefix = "ofac-sdn:", kConsPrefix = "ofac-cons:";
// OFAC puts directional marks around right-to-left names in ENHANCED_XML formattedFullName
// ("\u202B...\u202C"); they are not part of the name.
constexpr std::string_view kBidiMarks[] = {"\u200E", "\u200F", "\u202A", "\u202B", "\u202C",
                                           "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"};

std::string_view text(const Node& node) { return trim(node.child_value()); }
std::string_view child_text(const Node& node, const char* name) { return text(node.child(name)); }

std::string clean(std::string_view value) {
  std::string out = detail::collapse_spaces(value);
  if (out.find('\xE2') == std::string::npos) return out;  // every mark starts with 0xE2
  for (std::string_view mark : kBidiMarks) {
    for (auto at = out.find(mark); at != std::string::npos; at = out.find(mark, at)) out.erase(at, mark.size());
  }
  return detail::collapse_spaces(out);
}

bool all_digits(std::string_view value, std::size_t max_length = 10) {
  return !value.empty() && value.size() <= max_length &&
         std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::uint32_t> number(std::string_view value) {
  value = trim(value);
  std::uint32_t out = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (error != std::errc{} || end != value.data() + value.size() || value.empty()) return std::nullopt;
  return out;
}

std::string lower(std::string_view value) {
  std::string out(value);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// OFAC writes dates "09 Nov 1966", "Nov 1966" or "1966" (as in sdn.csv): these become ISO
/// "1966-11-09", "1966-11", "1966"; anything else ("circa 1951", "1960 to 1962") stays as written.
std::string iso_date(std::string_view value) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::array<std::string_view, 4> words;
  std::size_t count = 0;
  detail::for_each_part(value, ' ', [&](std::string_view word) {
    if (count < words.size()) words[count] = word;
    ++count;
  });
  if (count == 0 || count > 3 || words[count - 1].size() != 4 || !all_digits(words[count - 1], 4))
    return std::string(value);
  const int year = static_cast<int>(*number(words[count - 1]));
  if (count == 1) return std::string(words[0]);
  int month = 0;
  for (int at = 0; at < 12; ++at)
    if (words[count - 2] == kMonths[at]) month = at + 1;
  if (month == 0) return std::string(value);
  if (count == 2) return fmt::format("{:04}-{:02}", year, month);
  if (!all_digits(words[0], 2) || !Date::from_ymd(year, month, static_cast<int>(*number(words[0]))))
    return std::string(value);
  return fmt::format("{:04}-{:02}-{:02}", year, month, *number(words[0]));
}

// ---------------------------------------------------------------------------------------------
// What a party of any layout says, before it is written to the batch.

struct NameOut {
  std::string text;
  NameType type = NameType::Aka;
  NameStrength strength = NameStrength::Strong;
};
struct Listing {
  bool sdn = false;
  std::string list;  // as the file names it; empty in the classic layout
  std::string programs, legal_basis, measures;
  std::optional<Date> listed;
  std::string published;  // classic: the list's Publish_Date (ISO)
};
struct Relation {
  std::string id, type, other_uid, quality;
  bool former = false;
};
struct Party {
  bool dropped = false;  // a later part of the file (a sanctions entry) made it unusable
  std::string uid;
  NodeKind kind = NodeKind::LegalEntity;
  std::string name;
  std::uint32_t line = 0;
  std::vector<NameOut> names;
  std::vector<std::pair<std::string, std::string>> facts;
  std::vector<Listing> listings;
  std::vector<Relation> relations;
  std::vector<std::string> linked_names;  // classic remarks "Linked To: NAME"
  std::string legal_basis, measures;      // from "... information:" features, for every listing
  void fact(std::string_view key, std::string_view value) {
    if (!trim(value).empty()) facts.emplace_back(std::string(key), std::string(trim(value)));
  }
};

// Features and id types that are facts, not identity documents, with the OFAC CSV loader's keys
// (loaders/ofac_csv.h), by the label OFAC gives them (classic idType, advanced FeatureType,
// enhanced feature type; trailing ':' or ' -' left out).
struct FactRow {
  std::string_view label, key;
  bool date = false;
};
constexpr FactRow kFacts[] = {
    {"Birthdate", "birthDate", true},
    {"Place of Birth", "birthPlace"},
    {"Nationality Country", "nationality"},
    {"Citizenship Country", "citizenship"},
    {"Gender", "gender"},
    {"Website", "website"},
    {"Email Address", "email"},
    {"Phone Number", "phone"},
    {"Telephone", "phone"},
    {"Fax", "fax"},
    {"Secondary sanctions risk", "secondarySanctionsRisk"},
    {"Additional Sanctions Information", "additionalSanctionsInformation"},
    {"Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions",
     "transactionsProhibited"},
    {"Organization Established Date", "incorporationDate", true},
    {"Organization Type", "organizationType"},
    {"Target Type", "targetType"},
    {"Title", "title"},
    {"Aircraft Model", "aircraftModel"},
    {"Aircraft Operator", "aircraftOperator"},
    {"Aircraft Manufacture Date", "aircraftManufactureDate", true},
    {"Former Vessel Flag", "formerFlag"},
    {"Other Vessel Flag", "otherFlag"},
    {"Nationality of Registration", "registrationCountry"},
    {"Registration Country", "registrationCountry"},
    {"Vessel Call Sign", "callSign"},
    {"Other Vessel Call Sign", "otherCallSign"},
    {"Vessel Type", "vesselType"},
    {"Other Vessel Type", "otherVesselType"},
    {"Vessel Flag", "flag"},
    {"Vessel Owner", "vesselOwner"},
    {"Vessel Tonnage", "tonnage"},
    {"Vessel Gross Registered Tonnage", "grossRegisteredTonnage"},
    {"Vessel Year of Build", "buildDate"},
    {"Location", "address"},
    {"Issuer Name", "issuerName"},
    {"Equity Ticker", "equityTicker"},
    {"ISIN", "isin"},
    {"MICEX Code", "micexCode"},
    {"UN/LOCODE", "unLocode"},
    {"Purchase/Sales For Divestment Date (CMIC)", "divestmentDate (CMIC)", true},
};

// Identity documents that are the strong identifiers of the identity contract (COMMON.md, issue
// 12), by OFAC's document type: recorded under the contract's key besides "id:<type>".
constexpr std::pair<std::string_view, std::string_view> kContractIds[] = {
    {"Vessel Registration Identification", "imoNumber"},  // OFAC writes "IMO 9187629"
    {"Legal Entity Number", "leiCode"},
    {"LE Number", "leiCode"},
    {"UK Company Number", "gbCompanyNumber"},
};

std::string_view label_of(std::string_view label) {
  label = trim(label);
  if (label.ends_with(':')) label.remove_suffix(1);
  label = trim(label);
  if (label.ends_with(" -")) label.remove_suffix(2);
  return trim(label);
}

bool ends_with_folded(std::string_view value, std::string_view suffix) {
  return value.size() >= suffix.size() && lower(value.substr(value.size() - suffix.size())) == suffix;
}

/// An idType / feature with its value: a fact, a legal basis, or an identity document.
void add_fact_or_document(Party& party, std::string_view raw_label, std::string_view value,
                          std::string_view country = {}, std::string_view issued = {},
                          std::string_view expires = {}, bool valid = true) {
  value = trim(value);
  if (value.empty()) return;
  const std::string_view label = label_of(raw_label);
  for (const FactRow& row : kFacts)
    if (label == row.label) return party.fact(row.key, row.date ? iso_date(value) : std::string(value));
  if (label.find("Directive") != std::string_view::npos || label.ends_with("Determination"))
    return party.fact("directive", fmt::format("{} {}", trim(raw_label), value));
  for (std::string_view prefix : {std::string_view("Listing Date ("), std::string_view("Effective Date (")}) {
    if (label.starts_with(prefix) && label.ends_with(')'))
      return party.fact(fmt::format("{} {}", prefix[0] == 'L' ? "listingDate" : "effectiveDate",
                                    label.substr(prefix.size() - 1)),
                        iso_date(value));
  }
  // "Executive Order 13846 information: BANKING TRANSACTIONS. Sec. 5(a)(iii)", "CAATSA Section 235
  // Information: ...": the legal basis and the measure it imposes on this entry (as sdn.csv).
  if (ends_with_folded(label, " information")) {
    detail::append_part(party.legal_basis, label.substr(0, label.size() - 12), "; ");
    detail::append_part(party.measures, value, "; ");
    return;
  }
  std::string document(value);  // appended, not formatted: one per identity document of the file
  if (const auto text = trim(country); !text.empty()) document.append(" (").append(text).append(")");
  if (const auto text = trim(issued); !text.empty()) document.append(" issued ").append(text);
  if (const auto text = trim(expires); !text.empty()) document.append(" expires ").append(text);
  if (!valid) document += " (marked not valid by OFAC)";
  party.fact(std::string("id:").append(label), document);
  if (valid)
    for (const auto& [type, key] : kContractIds)
      if (label == type) party.fact(key, value);
}

std::optional<NodeKind> kind_of(std::string_view type) {
  const std::string folded = lower(trim(type));
  if (folded == "individual") return NodeKind::Person;
  if (folded == "vessel") return NodeKind::Vessel;
  if (folded == "aircraft") return NodeKind::Aircraft;
  if (folded == "entity" || folded.empty()) return NodeKind::LegalEntity;
  return std::nullopt;
}

std::optional<NameType> alias_type(std::string_view type) {
  const std::string folded = lower(trim(type));
  if (folded == "a.k.a." || folded == "aka") return NameType::Aka;
  if (folded == "f.k.a." || folded == "fka") return NameType::Fka;
  if (folded == "n.k.a." || folded == "nka") return NameType::Nka;
  return std::nullopt;
}

// Name part types (advanced NamePartType, enhanced namePart type) -> FtM's name-part properties.
constexpr std::pair<std::string_view, std::string_view> kNameParts[] = {
    {"First Name", "firstName"},   {"Last Name", "lastName"},    {"Middle Name", "middleName"},
    {"Patronymic", "fatherName"},  {"Matronymic", "motherName"}, {"Maiden Name", "maidenName"},
    {"Nickname", "nickname"},
};

struct NamePart {
  std::string_view type, value;
};

/// "LAST, First Middle" as sdn.csv writes names, from typed parts in document order; parts of
/// other types (entity, vessel names) are joined in order.
std::string join_parts(const std::vector<NamePart>& parts) {
  std::string last, rest;
  for (const NamePart& part : parts) {
    if (part.type == "Last Name") detail::append_part(last, clean(part.value), " ");
    else detail::append_part(rest, clean(part.value), " ");
  }
  if (last.empty()) return rest;
  if (rest.empty()) return last;
  return last + ", " + rest;
}

// OFAC's relation types (advanced RelationTypeValues, enhanced RELATIONSHIP TYPE reference values)
// -> edge kinds; `reverse`: the edge runs from the related party to the party that states it.
// RULES.md §8.9 cites this table.
struct RelationRow {
  std::string_view type;
  EdgeKind kind;
  bool reverse;
};
constexpr RelationRow kRelations[] = {
    {"Owned or Controlled By", EdgeKind::Owns, true},  // share unknown: OFAC states none
    {"Acting for or on behalf of", EdgeKind::Represents, false},
    {"Leader or official of", EdgeKind::OfficerOf, false},
    {"Principal Executive Officer", EdgeKind::OfficerOf, false},
    {"Associate Of", EdgeKind::Associate, false},
    {"Family member of", EdgeKind::Family, false},
    {"Providing support to", EdgeKind::LinkedTo, false},
    {"playing a significant role in", EdgeKind::LinkedTo, false},
    {"Property in the interest of", EdgeKind::LinkedTo, false},
};

// ---------------------------------------------------------------------------------------------

class OfacXmlLoad {
 public:
  OfacXmlLoad(const std::string& path, LoadContext& context) : path_(path), context_(context), file_(path) {}

  void run();

 private:
  // Layouts.
  void classic(const Node& root);
  void advanced(const Node& root);
  void enhanced(const Node& root);
  // Writing.
  void emit();
  void emit_party(Party& party);
  std::uint32_t line(const Node& node);
  void bad(const Node& node, std::string reason, std::string_view record = {}) {
    context_.bad_record(LoadError(path_, line(node), std::move(reason), std::string(record)));
  }
  /// Checks a party's uid and name; false (after reporting) when it cannot be used.
  bool usable(const Node& node, Party& party);
  std::string id_of(std::string_view uid) const;

  const std::string& path_;
  LoadContext& context_;
  SourceFile file_;
  std::string_view text_;
  detail::LineIndex lines_;  // taken before the in-place parse writes into the text
  std::vector<Party> parties_;
  std::unordered_set<std::string> seen_uids_;
  std::unordered_map<std::string, bool> sdn_of_uid_;  // parties of this file: on the SDN list?
  bool classic_sdn_ = true;
  // Advanced layout: reference values by set ("List", "AliasType", ...) and ID.
  std::unordered_map<std::string_view, std::unordered_map<std::uint32_t, Node>> refs_;
  Node ref(std::string_view set, const Node& node, const char* attribute, std::string& error) const;
  struct Place {
    std::string text, country;
  };
  std::unordered_map<std::uint32_t, Place> places_;
  std::string date_period(const Node& period) const;
};

std::uint32_t OfacXmlLoad::line(const Node& node) { return detail::line_of_node(lines_, node); }

bool OfacXmlLoad::usable(const Node& node, Party& party) {
  if (!all_digits(party.uid)) {
    bad(node, party.uid.empty() ? std::string("no uid") : fmt::format("uid '{}' is not a number", party.uid.substr(0, 40)));
    return false;
  }
  if (party.name.empty()) {
    bad(node, "no name", party.uid);
    return false;
  }
  if (!seen_uids_.insert(party.uid).second) {
    bad(node, fmt::format("duplicate uid {}", party.uid), party.uid);
    return false;
  }
  party.line = line(node);
  return true;
}

void OfacXmlLoad::run() {
  context_.report.files.push_back(path_);
  context_.report.bytes += file_.size();
  text_ = file_.content();
  // In place: names and values stay in the file's own buffer, which this loader owns.
  pugi::xml_document document;
  const Node root = detail::parse_xml(document, path_, text_, lines_,
                                      {.what = "an OFAC XML list", .roots = {"sdnList", "Sanctions", "sanctionsData"},
                                       .options = pugi::parse_default & ~pugi::parse_wconv_attribute,
                                       .in_place = true});
  const std::string_view name = root.name();
  const std::string base = lower(path_.substr(path_.find_last_of("/\\") + 1));
  if (name == "sdnList") {
    classic_sdn_ = base.find("cons") == std::string::npos;
    classic(root);
  } else if (name == "Sanctions") {
    advanced(root);
  } else {
    enhanced(root);  // sanctionsData: parse_xml accepts no other root
  }
  emit();
  context_.progress(path_, file_.size());
}

// ---------------------------------------------------------------------------------------------
// Classic layout: sdnList > sdnEntry (sdn.xsd).

void OfacXmlLoad::classic(const Node& root) {
  std::string published;
  const std::string_view publish_text = child_text(root.child("publshInformation"), "Publish_Date");
  if (!publish_text.empty()) {
    const auto date = detail::parse_us_date(publish_text);
    if (!date)
      throw LoadError(path_, line(root.child("publshInformation")),
                      fmt::format("Publish_Date '{}' is not a date written MM/DD/YYYY", publish_text.substr(0, 40)));
    published = date->to_string();
  }
  std::size_t entries = 0;
  for (const Node entry : root.children("sdnEntry")) {
    if (++entries % 1024 == 0) context_.progress(path_, static_cast<std::uint64_t>(entry.offset_debug()));
    Party party;
    // The entry's parts, found in one pass over its children.
    enum : std::size_t { kUid, kLast, kFirst, kType, kTitle, kRemarks, kPrograms, kAkas, kIds, kAddresses,
                         kNationalities, kCitizenships, kBirthDates, kBirthPlaces, kVessel, kParts };
    const std::array<Node, kParts> parts = detail::first_children<kParts>(
        entry, {"uid", "lastName", "firstName", "sdnType", "title", "remarks", "programList", "akaList", "idList",
                "addressList", "nationalityList", "citizenshipList", "dateOfBirthList", "placeOfBirthList",
                "vesselInfo"});
    party.uid = std::string(text(parts[kUid]));
    const std::string_view last = text(parts[kLast]), first = text(parts[kFirst]);
    party.name = clean(last);
    if (!first.empty()) party.name = party.name.empty() ? clean(first) : party.name + ", " + clean(first);
    const std::string_view type = text(parts[kType]);
    const auto kind = kind_of(type);
    if (!usable(entry, party)) continue;
    party.kind = kind.value_or(NodeKind::LegalEntity);
    if (!kind) party.fact("sdnType", type);
    party.fact("title", text(parts[kTitle]));
    const std::string_view remarks = text(parts[kRemarks]);
    party.fact("remarks", remarks);
    // "(Linked To: HAMAS)", "Linked To: NAME; Linked To: OTHER": as sdn.csv's remarks.
    for (auto at = remarks.find("Linked To: "); at != std::string_view::npos; at = remarks.find("Linked To: ", at)) {
      at += 11;
      const auto end = std::min(remarks.find_first_of(";)", at), remarks.size());
      std::string_view linked = trim(remarks.substr(at, end - at));
      if (linked.ends_with('.') && end == remarks.size()) linked.remove_suffix(1);
      if (!linked.empty()) party.linked_names.emplace_back(linked);
    }

    Listing listing;
    listing.sdn = classic_sdn_;
    listing.published = published;
    for (const Node program : parts[kPrograms].children("program"))
      if (!text(program).empty()) detail::append_part(listing.programs, text(program), "; ");
    party.listings.push_back(std::move(listing));

    bool bad_alias = false;
    for (const Node aka : parts[kAkas].children("aka")) {
      const std::array<Node, 4> aka_parts = detail::first_children<4>(aka, {"lastName", "firstName", "type", "category"});
      const std::string_view aka_last = text(aka_parts[0]), aka_first = text(aka_parts[1]);
      std::string name = clean(aka_last);
      if (!aka_first.empty()) name = name.empty() ? clean(aka_first) : name + ", " + clean(aka_first);
      if (name.empty()) continue;
      const std::string_view type_text = text(aka_parts[2]);
      const auto name_type = alias_type(type_text);
      if (!name_type) {
        bad(aka, fmt::format("aka type '{}' is not a.k.a., f.k.a. or n.k.a.", type_text.substr(0, 40)), party.uid);
        seen_uids_.erase(party.uid);
        bad_alias = true;
        break;
      }
      const std::string category = lower(text(aka_parts[3]));
      party.names.push_back({std::move(name), *name_type,
                             category == "weak" ? NameStrength::Weak
                             : category == "strong" ? NameStrength::Strong
                                                    : NameStrength::Unknown});
    }
    if (bad_alias) continue;
    for (const Node id : parts[kIds].children("id")) {
      const std::array<Node, 5> id_parts =
          detail::first_children<5>(id, {"idType", "idNumber", "idCountry", "issueDate", "expirationDate"});
      add_fact_or_document(party, text(id_parts[0]), text(id_parts[1]), text(id_parts[2]), iso_date(text(id_parts[3])),
                           iso_date(text(id_parts[4])));
    }
    for (const Node address : parts[kAddresses].children("address")) {
      std::string line_text;
      const std::array<Node, 7> address_parts = detail::first_children<7>(
          address, {"address1", "address2", "address3", "city", "stateOrProvince", "postalCode", "country"});
      for (const Node& part : address_parts) detail::append_part(line_text, clean(text(part)));
      if (line_text.empty()) continue;
      party.fact("address", line_text);
      party.fact("country", text(address_parts[6]));
      context_.report.add("addresses");
    }
    for (const Node item : parts[kNationalities].children("nationality"))
      party.fact("nationality", child_text(item, "country"));
    for (const Node item : parts[kCitizenships].children("citizenship"))
      party.fact("citizenship", child_text(item, "country"));
    for (const Node item : parts[kBirthDates].children("dateOfBirthItem"))
      party.fact("birthDate", iso_date(child_text(item, "dateOfBirth")));
    for (const Node item : parts[kBirthPlaces].children("placeOfBirthItem"))
      party.fact("birthPlace", child_text(item, "placeOfBirth"));
    if (const Node vessel = parts[kVessel]) {
      for (auto [element, key] : {std::pair{"callSign", "callSign"}, std::pair{"vesselType", "vesselType"},
                                  std::pair{"vesselFlag", "flag"}, std::pair{"vesselOwner", "vesselOwner"},
                                  std::pair{"tonnage", "tonnage"},
                                  std::pair{"grossRegisteredTonnage", "grossRegisteredTonnage"}})
        party.fact(key, child_text(vessel, element));
    }
    parties_.push_back(std::move(party));
  }
}

// ---------------------------------------------------------------------------------------------
// Advanced layout: Sanctions (sdn_advanced.xsd). Every code is a reference into the file's own
// ReferenceValueSets; a reference to an ID the sets do not hold makes the record unusable.

Node OfacXmlLoad::ref(std::string_view set, const Node& node, const char* attribute, std::string& error) const {
  const pugi::xml_attribute value = node.attribute(attribute);
  if (!value) return {};
  const auto id = number(value.value());
  const auto found_set = refs_.find(set);
  if (id && found_set != refs_.end())
    if (const auto found = found_set->second.find(*id); found != found_set->second.end()) return found->second;
  if (error.empty())
    error = fmt::format("{} '{}' names no {} in the file's ReferenceValueSets", attribute,
                        std::string_view(value.value()).substr(0, 40), set);
  return {};
}

namespace {
struct Ymd {
  int year = 0, month = 0, day = 0;
  friend bool operator==(const Ymd&, const Ymd&) = default;
};
std::optional<Ymd> ymd(const Node& node) {
  const auto year = number(child_text(node, "Year")), month = number(child_text(node, "Month")),
             day = number(child_text(node, "Day"));
  if (!year || !month || !day || !Date::from_ymd(static_cast<int>(*year), static_cast<int>(*month), static_cast<int>(*day)))
    return std::nullopt;
  return Ymd{static_cast<int>(*year), static_cast<int>(*month), static_cast<int>(*day)};
}
std::string iso(const Ymd& date) { return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day); }
bool last_day(const Ymd& date) {
  const auto next = Date::from_ymd(date.year, date.month, date.day + 1);
  return !next.has_value();
}
}  // namespace

// A DatePeriod as OFAC means it: Start and End, each a From-To window. "1962" when it spans one
// calendar year, "1962-03" one month, "1962-03-04" one day, "1960 to 1962" whole years, else
// "<start> to <end>"; "circa " when OFAC marks either end approximate. Empty when it holds no date.
std::string OfacXmlLoad::date_period(const Node& period) const {
  const Node start = period.child("Start"), end = period.child("End");
  const auto from = ymd(start.child("From")), to = ymd(end.child("To"));
  if (!from || !to) return {};
  std::string out;
  if (*from == *to) out = iso(*from);
  else if (from->month == 1 && from->day == 1 && to->month == 12 && to->day == 31)
    out = from->year == to->year ? fmt::format("{:04}", from->year) : fmt::format("{:04} to {:04}", from->year, to->year);
  else if (from->year == to->year && from->month == to->month && from->day == 1 && last_day(*to))
    out = fmt::format("{:04}-{:02}", from->year, from->month);
  else out = iso(*from) + " to " + iso(*to);
  if (start.attribute("Approximate").as_bool() || end.attribute("Approximate").as_bool()) out = "circa " + out;
  return out;
}

void OfacXmlLoad::advanced(const Node& root) {
  for (const Node set : root.child("ReferenceValueSets").children())
    for (const Node value : set.children())
      if (const auto id = number(value.attribute("ID").value())) refs_[value.name()].emplace(*id, value);

  // Locations: addresses and countries that features point to.
  static constexpr std::string_view kPartOrder[] = {"ADDRESS1", "ADDRESS2", "ADDRESS3", "CITY",
                                                    "STATE/PROVINCE", "POSTAL CODE", "REGION", "Unknown"};
  std::string error;
  for (const Node location : root.child("Locations").children("Location")) {
    const auto id = number(location.attribute("ID").value());
    if (!id) continue;
    Place place;
    error.clear();
    if (const Node country = ref("Country", location.child("LocationCountry"), "CountryID", error))
      place.country = clean(country.child_value());
    else if (const Node area = ref("AreaCode", location.child("LocationAreaCode"), "AreaCodeID", error);
             area && std::string_view(area.attribute("Description").value()) != "undetermined")
      place.country = clean(area.attribute("Description").value());
    for (std::string_view wanted : kPartOrder) {
      for (const Node part : location.children("LocationPart")) {
        const Node type = ref("LocPartType", part, "LocPartTypeID", error);
        if (std::string_view(type.child_value()) != wanted) continue;
        for (const Node value : part.children("LocationPartValue"))
          if (value.attribute("Primary").as_bool(true)) detail::append_part(place.text, clean(child_text(value, "Value")));
      }
    }
    detail::append_part(place.text, place.country);
    places_.emplace(*id, std::move(place));
  }

  std::unordered_map<std::uint32_t, std::vector<Node>> documents;  // by IdentityID
  for (const Node document : root.child("IDRegDocuments").children("IDRegDocument"))
    if (const auto identity = number(document.attribute("IdentityID").value())) documents[*identity].push_back(document);

  std::unordered_map<std::uint32_t, std::size_t> party_of_profile;
  std::size_t count = 0;
  for (const Node distinct : root.child("DistinctParties").children("DistinctParty")) {
    if (++count % 256 == 0) context_.progress(path_, static_cast<std::uint64_t>(distinct.offset_debug()));
    const Node profile = distinct.child("Profile");
    Party party;
    party.uid = distinct.attribute("FixedRef").value();
    error.clear();
    const Node subtype = ref("PartySubType", profile, "PartySubTypeID", error);
    const Node type = ref("PartyType", subtype, "PartyTypeID", error);
    const std::string_view subtype_text = trim(subtype.child_value()), type_text = trim(type.child_value());
    party.kind = subtype_text == "Vessel" ? NodeKind::Vessel
                 : subtype_text == "Aircraft" ? NodeKind::Aircraft
                 : type_text == "Individual" ? NodeKind::Person
                                             : NodeKind::LegalEntity;
    for (const Node identity : profile.children("Identity")) {
      std::unordered_map<std::uint32_t, std::string_view> part_types;  // NamePartGroup ID -> type
      for (const Node master : identity.child("NamePartGroups").children("MasterNamePartGroup"))
        for (const Node group : master.children("NamePartGroup"))
          if (const auto id = number(group.attribute("ID").value()))
            part_types[*id] = trim(ref("NamePartType", group, "NamePartTypeID", error).child_value());
      const bool primary_identity = identity.attribute("Primary").as_bool();
      std::vector<std::pair<std::string, bool>> primary_names;  // text, "Primary Latin"
      for (const Node alias : identity.children("Alias")) {
        const std::string_view alias_text = trim(ref("AliasType", alias, "AliasTypeID", error).child_value());
        const bool primary = primary_identity && alias.attribute("Primary").as_bool();
        const NameStrength strength = alias.attribute("LowQuality").as_bool() ? NameStrength::Weak : NameStrength::Strong;
        const NameType name_type = alias_type(alias_text).value_or(NameType::Aka);
        for (const Node documented : alias.children("DocumentedName")) {
          std::vector<NamePart> parts;
          for (const Node part : documented.children("DocumentedNamePart")) {
            const Node value = part.child("NamePartValue");
            const auto group = number(value.attribute("NamePartGroupID").value());
            const auto found = group ? part_types.find(*group) : part_types.end();
            parts.push_back({found == part_types.end() ? std::string_view{} : found->second, text(value)});
          }
          std::string name = join_parts(parts);
          if (name.empty()) continue;
          const bool primary_latin = trim(ref("DocNameStatus", documented, "DocNameStatusID", error).child_value()) == "Primary Latin";
          if (primary) {
            for (const NamePart& part : parts)
              for (const auto& [part_type, key] : kNameParts)
                if (part.type == part_type) party.fact(key, clean(part.value));
          }
          if (primary) primary_names.emplace_back(std::move(name), primary_latin);
          else party.names.push_back({std::move(name), name_type, strength});
        }
      }
      // The primary name is the primary alias's "Primary Latin" documented name (else its first);
      // its other scripts are strong a.k.a.s.
      const auto latin = std::find_if(primary_names.begin(), primary_names.end(), [](const auto& n) { return n.second; });
      for (auto at = primary_names.begin(); at != primary_names.end(); ++at) {
        const bool chosen = party.name.empty() && (latin == primary_names.end() ? at == primary_names.begin() : at == latin);
        if (chosen) party.name = std::move(at->first);
        else party.names.insert(party.names.begin(), {std::move(at->first), NameType::Aka, NameStrength::Strong});
      }
      primary_names.clear();
      if (const auto identity_id = number(identity.attribute("ID").value())) {
        for (const Node document : documents[*identity_id]) {
          const std::string_view doc_type = trim(ref("IDRegDocType", document, "IDRegDocTypeID", error).child_value());
          const Node country = ref("Country", document, "IssuedBy-CountryID", error);
          const Node validity = ref("Validity", document, "ValidityID", error);
          std::string issued, expires;
          for (const Node date : document.children("IDRegDocDate")) {
            const std::string_view date_type = trim(ref("IDRegDocDateType", date, "IDRegDocDateTypeID", error).child_value());
            (date_type == "Expiration Date" ? expires : issued) = date_period(date.child("DatePeriod"));
          }
          add_fact_or_document(party, doc_type, child_text(document, "IDRegistrationNo"), trim(country.child_value()),
                               issued, expires, std::string_view(validity.child_value()) != "Fraudulent");
          context_.report.add("documents");
        }
      }
    }
    for (const Node feature : profile.children("Feature")) {
      const std::string_view raw_label = trim(ref("FeatureType", feature, "FeatureTypeID", error).child_value());
      const std::string_view label = label_of(raw_label);
      for (const Node version : feature.children("FeatureVersion")) {
        std::string value;
        if (const Node period = version.child("DatePeriod")) value = date_period(period);
        if (const Node located = version.child("VersionLocation")) {
          const auto id = number(located.attribute("LocationID").value());
          const auto found = id ? places_.find(*id) : places_.end();
          if (found != places_.end()) {
            if (label == "Location") {
              if (!found->second.text.empty()) {
                party.fact("address", found->second.text);
                party.fact("country", found->second.country);
                context_.report.add("addresses");
              }
              continue;
            }
            value = label.ends_with("Country") || label == "Nationality of Registration" ? found->second.country
                                                                                        : found->second.text;
          }
        }
        for (const Node detail_node : version.children("VersionDetail")) {
          if (detail_node.attribute("DetailReferenceID"))
            detail::append_part(value, trim(ref("DetailReference", detail_node, "DetailReferenceID", error).child_value()), "; ");
          else
            detail::append_part(value, clean(detail_node.child_value()), "; ");
        }
        if (label == "Birthdate" || label == "Organization Established Date") {
          if (!value.empty()) party.fact(label == "Birthdate" ? "birthDate" : "incorporationDate", value);
        } else {
          add_fact_or_document(party, raw_label, value);
        }
      }
    }
    if (!error.empty()) {
      bad(distinct, error, party.uid);
      continue;
    }
    if (!usable(distinct, party)) continue;
    if (const auto id = number(profile.attribute("ID").value())) party_of_profile[*id] = parties_.size();
    parties_.push_back(std::move(party));
  }

  auto party_at = [&](const Node& node, const char* attribute) -> Party* {
    const auto id = number(node.attribute(attribute).value());
    const auto found = id ? party_of_profile.find(*id) : party_of_profile.end();
    return found == party_of_profile.end() ? nullptr : &parties_[found->second];
  };
  for (const Node entry : root.child("SanctionsEntries").children("SanctionsEntry")) {
    Party* party = party_at(entry, "ProfileID");
    if (party == nullptr) {
      context_.report.unresolved.push_back({path_, line(entry), entry.attribute("ID").value(),
                                            fmt::format("SanctionsEntry for ProfileID '{}', which no DistinctParty of the file has",
                                                        entry.attribute("ProfileID").value())});
      context_.report.add("unresolved references");
      continue;
    }
    if (party->dropped) continue;
    error.clear();
    Listing listing;
    listing.list = clean(ref("List", entry, "ListID", error).child_value());
    listing.sdn = listing.list == "SDN List";
    for (const Node event : entry.children("EntryEvent")) {
      const auto date = ymd(event.child("Date"));
      if (!date) {
        error = "EntryEvent Date is not a calendar date";
        break;
      }
      const auto day = Date::from_ymd(date->year, date->month, date->day);
      if (!listing.listed || *day < *listing.listed) listing.listed = day;
      const std::string_view basis = trim(ref("LegalBasis", event, "LegalBasisID", error).child_value());
      if (basis != "Unknown") detail::append_part(listing.legal_basis, basis, "; ");
    }
    for (const Node measure : entry.children("SanctionsMeasure")) {
      const std::string_view type = trim(ref("SanctionsType", measure, "SanctionsTypeID", error).child_value());
      if (type == "Program") detail::append_part(listing.programs, child_text(measure, "Comment"), "; ");
      else detail::append_part(listing.measures, type, "; ");
    }
    if (!error.empty()) {
      bad(entry, error, party->uid);
      party->dropped = true;
      continue;
    }
    party->listings.push_back(std::move(listing));
  }
  for (const Node relation : root.child("ProfileRelationships").children("ProfileRelationship")) {
    Party* party = party_at(relation, "From-ProfileID");
    if (party == nullptr || party->dropped) continue;
    error.clear();
    Relation out;
    out.id = relation.attribute("ID").value();
    out.type = clean(ref("RelationType", relation, "RelationTypeID", error).child_value());
    const std::string_view quality = trim(ref("RelationQuality", relation, "RelationQualityID", error).child_value());
    if (quality != "Unknown") out.quality = std::string(quality);
    out.former = relation.attribute("Former").as_bool();
    const Party* other = party_at(relation, "To-ProfileID");
    out.other_uid = other != nullptr ? other->uid : std::string(relation.attribute("To-ProfileID").value());
    if (!all_digits(out.other_uid)) error = fmt::format("To-ProfileID '{}' is not a number", out.other_uid.substr(0, 40));
    if (!error.empty()) {
      bad(relation, error, party->uid);
      continue;
    }
    party->relations.push_back(std::move(out));
  }
}

// ---------------------------------------------------------------------------------------------
// Enhanced layout: sanctionsData > entities > entity (ENHANCED_XML.xsd, 2024). Values come with
// their text, so the reference values are not needed to read them.

void OfacXmlLoad::enhanced(const Node& root) {
  static constexpr std::string_view kPartOrder[] = {"ADDRESS1", "ADDRESS2", "ADDRESS3", "CITY",
                                                    "STATE/PROVINCE", "POSTAL CODE", "REGION"};
  std::size_t count = 0;
  for (const Node entity : root.child("entities").children("entity")) {
    if (++count % 256 == 0) context_.progress(path_, static_cast<std::uint64_t>(entity.offset_debug()));
    Party party;
    party.uid = entity.attribute("id").value();
    const Node general = entity.child("generalInfo");
    const std::string_view type = child_text(general, "entityType");
    const auto kind = kind_of(type);
    party.kind = kind.value_or(NodeKind::LegalEntity);
    if (!kind) party.fact("sdnType", type);
    party.fact("title", child_text(general, "title"));
    party.fact("remarks", child_text(general, "remarks"));
    std::string error;

    std::string programs, measures, basis;
    for (const Node program : entity.child("sanctionsPrograms").children("sanctionsProgram"))
      detail::append_part(programs, text(program), "; ");
    for (const Node measure : entity.child("sanctionsTypes").children("sanctionsType"))
      detail::append_part(measures, text(measure), "; ");
    for (const Node authority : entity.child("legalAuthorities").children("legalAuthority"))
      detail::append_part(basis, text(authority), "; ");
    for (const Node list : entity.child("sanctionsLists").children("sanctionsList")) {
      Listing listing;
      listing.list = clean(list.child_value());
      listing.sdn = listing.list == "SDN List";
      listing.programs = programs;
      listing.measures = measures;
      listing.legal_basis = basis;
      if (const std::string_view published = list.attribute("datePublished").value(); !published.empty()) {
        listing.listed = Date::parse(published);
        if (!listing.listed || published.size() != 10)
          error = fmt::format("datePublished '{}' is not a date written YYYY-MM-DD", published.substr(0, 40));
      }
      party.listings.push_back(std::move(listing));
    }

    std::vector<NamePart> parts;
    for (const Node name : entity.child("names").children("name")) {
      const bool primary = child_text(name, "isPrimary") == "true";
      const NameStrength strength = child_text(name, "isLowQuality") == "true" ? NameStrength::Weak : NameStrength::Strong;
      const std::string_view alias_text = child_text(name, "aliasType");
      const auto name_type = alias_type(alias_text);
      if (!primary && !alias_text.empty() && !name_type) {
        error = fmt::format("aliasType '{}' is not A.K.A., F.K.A. or N.K.A.", alias_text.substr(0, 40));
        break;
      }
      for (const Node translation : name.child("translations").children("translation")) {
        parts.clear();
        for (const Node part : translation.child("nameParts").children("namePart"))
          parts.push_back({child_text(part, "type"), child_text(part, "value")});
        std::string full = clean(child_text(translation, "formattedFullName"));
        if (full.empty()) full = join_parts(parts);
        if (full.empty()) continue;
        if (primary) {
          for (const NamePart& part : parts)
            for (const auto& [part_type, key] : kNameParts)
              if (part.type == part_type) party.fact(key, clean(part.value));
        }
        if (primary && party.name.empty() && child_text(translation, "isPrimary") == "true")
          party.name = std::move(full);
        else
          party.names.push_back({std::move(full), primary ? NameType::Aka : name_type.value_or(NameType::Aka),
                                 primary ? NameStrength::Strong : strength});
      }
    }

    for (const Node address : entity.child("addresses").children("address")) {
      const std::string country = clean(child_text(address, "country"));
      bool any = false;
      for (const Node translation : address.child("translations").children("translation")) {
        std::string line_text;
        for (std::string_view wanted : kPartOrder)
          for (const Node part : translation.child("addressParts").children("addressPart"))
            if (child_text(part, "type") == wanted) detail::append_part(line_text, clean(child_text(part, "value")));
        if (line_text.empty()) continue;
        detail::append_part(line_text, country);
        party.fact("address", line_text);
        any = true;
      }
      if (!any && !country.empty()) party.fact("address", country);
      party.fact("country", country);
      if (any || !country.empty()) context_.report.add("addresses");
    }
    for (const Node feature : entity.child("features").children("feature"))
      add_fact_or_document(party, child_text(feature, "type"), child_text(feature, "value"));
    for (const Node document : entity.child("identityDocuments").children("identityDocument")) {
      add_fact_or_document(party, child_text(document, "type"), child_text(document, "documentNumber"),
                           child_text(document, "issuingCountry"), child_text(document, "issueDate").substr(0, 10),
                           child_text(document, "expirationDate").substr(0, 10),
                           child_text(document, "isValid") != "false");
      context_.report.add("documents");
    }
    for (const Node relation : entity.child("relationships").children("relationship")) {
      Relation out;
      out.id = relation.attribute("id").value();
      out.type = clean(child_text(relation, "type"));
      out.other_uid = relation.child("relatedEntity").attribute("entityId").value();
      out.former = child_text(relation, "isFormer") == "true" || child_text(relation, "former") == "true";
      if (!all_digits(out.other_uid)) {
        error = fmt::format("relatedEntity entityId '{}' is not a number", out.other_uid.substr(0, 40));
        break;
      }
      party.relations.push_back(std::move(out));
    }
    if (!error.empty()) {
      bad(entity, error, party.uid);
      continue;
    }
    if (!usable(entity, party)) continue;
    parties_.push_back(std::move(party));
  }
}

// ---------------------------------------------------------------------------------------------
// Writing the parties into the batch.

std::string OfacXmlLoad::id_of(std::string_view uid) const {
  const auto found = sdn_of_uid_.find(std::string(uid));
  if (found != sdn_of_uid_.end()) return fmt::format("{}{}", found->second ? kSdnPrefix : kConsPrefix, uid);
  // A party of another file of the load (or of the builder): the SDN id first, as most
  // relationships point to designated parties; unresolved ones are reported at the end.
  const std::string sdn = fmt::format("{}{}", kSdnPrefix, uid), cons = fmt::format("{}{}", kConsPrefix, uid);
  return !context_.resolves(sdn) && context_.resolves(cons) ? cons : sdn;
}

void OfacXmlLoad::emit() {
  for (const Party& party : parties_) {
    if (party.dropped) continue;
    const bool sdn = std::any_of(party.listings.begin(), party.listings.end(), [](const Listing& l) { return l.sdn; });
    sdn_of_uid_.emplace(party.uid, sdn);
  }
  // Classic "Linked To: NAME": the party of this file with that primary name or alias.
  constexpr std::size_t kMany = static_cast<std::size_t>(-1);
  std::unordered_map<std::string_view, std::size_t> by_name;
  for (std::size_t at = 0; at < parties_.size(); ++at) {
    if (parties_[at].dropped) continue;
    auto note = [&](std::string_view name) {
      const auto [found, added] = by_name.try_emplace(name, at);
      if (!added && found->second != at) found->second = kMany;
    };
    note(parties_[at].name);
    for (const NameOut& name : parties_[at].names) note(name.text);
  }
  for (Party& party : parties_) {
    if (party.dropped) continue;
    emit_party(party);
    for (const std::string& name : party.linked_names) {
      const auto found = by_name.find(name);
      const std::string from = id_of(party.uid);
      const Source source{path_, party.uid, party.line};
      if (found == by_name.end() || found->second == kMany) {
        context_.batch.add_attribute(from, "linkedTo", name, source);
        context_.report.unresolved.push_back(
            {path_, party.line, party.uid,
             fmt::format("Linked To: '{}' matches {} party of this file", name, found == by_name.end() ? "no" : "more than one")});
        context_.report.add("links unresolved");
        continue;
      }
      const auto edge = context_.batch.add_edge({.kind = EdgeKind::LinkedTo, .from = from,
                                                 .to = id_of(parties_[found->second].uid), .role = "Linked To",
                                                 .source = source});
      context_.batch.add_edge_attribute(edge, "name", name);
      context_.report.add("links resolved");
    }
  }
  std::unordered_set<std::string> edge_ids;
  for (const Party& party : parties_) {
    if (party.dropped) continue;
    for (const Relation& relation : party.relations) {
      const RelationRow* row = nullptr;
      for (const RelationRow& known : kRelations)
        if (lower(known.type) == lower(relation.type)) row = &known;
      EdgeKind kind = row != nullptr ? row->kind : EdgeKind::UnknownLink;
      // A former ownership or office no longer gives what the rules read: kept as a link.
      if (relation.former && (kind == EdgeKind::Owns || kind == EdgeKind::OfficerOf || kind == EdgeKind::Represents))
        kind = EdgeKind::LinkedTo;
      const std::string self = id_of(party.uid), other = id_of(relation.other_uid);
      const bool reverse = row != nullptr && row->reverse;
      PendingEdge edge;
      edge.kind = kind;
      edge.from = reverse ? other : self;
      edge.to = reverse ? self : other;
      edge.role = relation.former ? relation.type + " (former)" : relation.type;
      edge.id = fmt::format("ofac-rel:{}", relation.id);
      edge.file = path_;
      edge.record = party.uid;
      edge.line = party.line;
      // The edge's facts, once: a reload (or a second file stating the same relationship id)
      // merges into the edge, whose attributes would otherwise be added again.
      if (!context_.builder.contains_edge(edge.id) && edge_ids.insert(edge.id).second) {
        edge.attributes.emplace_back("relationship", relation.type);  // OFAC's words, as stated by `party`
        edge.attributes.emplace_back("statedBy", self);
        if (!relation.quality.empty()) edge.attributes.emplace_back("quality", relation.quality);
        if (relation.former) edge.attributes.emplace_back("former", "true");
      }
      context_.add_edge_or_defer(std::move(edge));  // share unknown: OFAC states none
      context_.report.add("relationships");
    }
  }
}

void OfacXmlLoad::emit_party(Party& party) {
  Batch& batch = context_.batch;
  LoadReport& report = context_.report;
  const std::string id = id_of(party.uid);
  const Source source{path_, party.uid, party.line};
  batch.add_entity({.id = id, .kind = party.kind, .name = party.name, .source = source});
  report.add("entities");
  batch.add_attribute(id, "ofacUid", party.uid, source);
  for (const NameOut& name : party.names) {
    if (name.text == party.name) continue;
    batch.add_name(id, name.text, name.type, name.strength, source);
    report.add("aliases");
  }
  for (const auto& [key, value] : party.facts) batch.add_attribute(id, key, value, source);

  // Listings: the SDN one, then one per non-SDN list. "Consolidated List" (OFAC's umbrella for
  // every non-SDN list) is a listing of its own only when no other list of the party is given.
  const bool has_specific = std::any_of(party.listings.begin(), party.listings.end(),
                                        [](const Listing& l) { return l.list != "Consolidated List"; });
  bool first_non_sdn = true, sdn_done = false;
  for (const Listing& listing : party.listings) {
    if (has_specific && listing.list == "Consolidated List") continue;
    detail::MeasureMapping mapping;
    std::string action_id;
    std::string list_name = listing.list;
    if (listing.sdn) {
      if (sdn_done) continue;
      sdn_done = true;
      mapping = detail::ofac_sdn_mapping();
      action_id = id + "#SDN";
      list_name = "SDN";
    } else {
      // The list's own row (measures.cpp, the CSL's rows for OFAC's lists); where it maps no
      // measure, or the layout names no list (classic), the program table as for cons_prim.csv.
      const detail::MeasureMapping by_program = detail::ofac_non_sdn_mapping(listing.programs);
      mapping = detail::ofac_list_mapping(listing.list).value_or(by_program);
      if (mapping.list == SanctionList::Unknown) mapping.list = by_program.list;
      if (mapping.measures.unknown()) mapping.measures = by_program.measures;
      action_id = first_non_sdn ? id + "#NON-SDN" : fmt::format("{}#NON-SDN/{}", id, listing.list);
      if (list_name.empty()) list_name = "Non-SDN Consolidated";
      first_non_sdn = false;
    }
    std::string basis = listing.legal_basis, measures = listing.measures;
    detail::append_part(basis, party.legal_basis, "; ");
    detail::append_part(measures, party.measures, "; ");
    batch.add_action({.id = action_id, .target = id, .authority = kAuthority, .list = list_name,
                      .program = listing.programs, .legal_basis = basis, .measures = measures,
                      .listed = listing.listed, .in_force = {listing.listed, std::nullopt}, .source = source,
                      .measure_set = mapping.measures, .issuer = mapping.issuer, .list_id = mapping.list});
    if (!listing.published.empty()) batch.add_attribute(action_id, "publishDate", listing.published, source);
    report.add("actions");
  }
}

}  // namespace

void load_ofac_xml(const std::string& path, LoadContext& context) { OfacXmlLoad(path, context).run(); }

LoadReport load_ofac_xml(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_ofac_xml), path, builder, options);
}

bool looks_like_ofac_xml(std::string_view head, std::string_view /*file_name*/) noexcept {
  // The root element of each layout, with what only OFAC's files of that layout carry beside it.
  // detail::find_bytes: string_view::find stops at every '<' of the head. Every layout needs a
  // '<' in the head: load() asks only a head that has one (dispatch.cpp, FormatEntry::needs_lt).
  if (detail::contains(head, "<sdnList")) return true;
  if (detail::contains(head, "<sanctionsData") && detail::contains(head, "ENHANCED_XML")) return true;
  const auto root = detail::find_bytes(head, "<Sanctions");
  return root != std::string_view::npos && (root + 10 >= head.size() || head[root + 10] == ' ' || head[root + 10] == '>') &&
         (detail::contains(head, "sdn_advanced") || detail::contains(head, "<DistinctParties") ||
          detail::contains(head, "<ReferenceValueSets"));
}

}  // namespace skg
