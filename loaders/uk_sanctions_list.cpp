// The FCDO UK Sanctions List in XML (https://www.gov.uk/government/publications/the-uk-sanctions-list):
// Designations > Designation, no namespace, dates written dd/mm/yyyy, several values of one field
// joined with '|' (DesignationSource "UK|UN", SanctionsImposed "Asset freeze|Travel Ban"). The
// element names are the list's (../shared/datasets/uk/uk_sanctions_list_sample_2026-09.xml).
// Parsed with pugixml.
#include "skg/loaders/uk_sanctions_list.h"

#include <algorithm>
#include <array>
#include <tuple>
#include <fmt/format.h>
#include <pugixml.hpp>
#include <unordered_map>
#include <unordered_set>

#include "skg/loaders/list_common.h"
#include "skg/loaders/xml_common.h"
#include "skg/loaders/measures.h"
#include "skg/loaders/source.h"
#include "skg/loaders/uk_common.h"

namespace skg::inline v1 {

namespace {

constexpr std::string_view kAuthority = "FCDO";
constexpr std::string_view kList = "UK Sanctions List";
constexpr std::string_view kCitation = "https://www.gov.uk/government/publications/the-uk-sanctions-list";

std::string_view text_of(const pugi::xml_node& node, const char* child) {
  return trim(node.child(child).child_value());
}

std::string_view text_of(const pugi::xml_node& node) { return trim(node.child_value()); }

// The children of a Designation the loader reads, found in one pass over its children
// (detail::first_children): pugixml's child(name) walks and compares every sibling for each name
// asked, twenty-two times a designation. Each is the first child of its name, as child() gives.
enum Field : std::size_t {
  kLastUpdated, kDateDesignated, kUniqueId, kOfsiGroupId, kUnReference, kNames, kNonLatinNames, kTitles,
  kRegimeName, kType, kDesignationSource, kSanctionsImposed, kSanctionsImposedIndicators, kOtherInformation,
  kStatementOfReasons, kAddresses, kPhoneNumbers, kEmailAddresses, kWebsites, kIndividualDetails, kEntityDetails,
  kShipDetails, kFieldCount
};
// In the order the list writes them (first_children tries the name after the last one found first).
constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "LastUpdated", "DateDesignated", "UniqueID", "OFSIGroupID", "UNReferenceNumber", "Names", "NonLatinNames",
    "Titles", "RegimeName", "IndividualEntityShip", "DesignationSource", "SanctionsImposed",
    "SanctionsImposedIndicators", "OtherInformation", "UKStatementofReasons", "Addresses", "PhoneNumbers",
    "EmailAddresses", "Websites", "IndividualDetails", "EntityDetails", "ShipDetails"};

// The facts staged for one designation, to stage each once (the list repeats some: two equal
// passports). Keys are string literals. A few dozen facts a designation: compared in a list whose
// strings keep their memory from one designation to the next (a hash set of "key\x1fvalue" strings
// allocated a node and a string per fact); a designation with very many facts goes to a set.
class SeenFacts {
 public:
  void clear() {
    count_ = 0;
    many_.clear();
  }
  /// True the first time (key, value) is given since clear().
  bool insert(std::string_view key, std::string_view value) {
    if (count_ < kListed) {
      for (std::size_t at = 0; at < count_; ++at)
        if (keys_[at] == key && values_[at] == value) return false;
      if (count_ == values_.size()) values_.emplace_back();
      keys_[count_] = key;
      values_[count_].assign(value);
      ++count_;
      return true;
    }
    if (many_.empty())
      for (std::size_t at = 0; at < count_; ++at) many_.insert(joined(keys_[at], values_[at]));
    return many_.insert(joined(key, value)).second;
  }

 private:
  static constexpr std::size_t kListed = 64;
  static std::string joined(std::string_view key, std::string_view value) {
    std::string out;
    out.reserve(key.size() + 1 + value.size());
    out.append(key).append(1, '\x1f').append(value);
    return out;
  }
  std::size_t count_ = 0;
  std::array<std::string_view, kListed> keys_;
  std::vector<std::string> values_;
  std::unordered_set<std::string> many_;  // past kListed facts: every fact, the listed ones too
};

// IndividualEntityShip: the list's three kinds of designation. An entity is not said to be a
// company or an organisation, so it stays a LegalEntity.
std::optional<NodeKind> kind_of(std::string_view type) {
  if (type == "Individual") return NodeKind::Person;
  if (type == "Entity") return NodeKind::LegalEntity;
  if (type == "Ship") return NodeKind::Vessel;
  return std::nullopt;
}

// NameType and AliasStrength, in the list's words. A "Primary Name Variation" is another
// spelling of the primary name: an alias whose strength the list does not grade.
std::pair<NameType, NameStrength> name_kind(std::string_view type, std::string_view strength) {
  NameStrength graded = NameStrength::Unknown;
  if (strength == "Good quality a.k.a") graded = NameStrength::Strong;
  else if (strength == "Low quality a.k.a") graded = NameStrength::Weak;
  if (type == "Primary Name") return {NameType::Primary, graded};
  return {NameType::Aka, graded};
}

// A name for matching ParentCompany / Subsidiary text against designations: spaces collapsed,
// ASCII letters lowered.
std::string match_key(std::string_view name) {
  std::string out = detail::collapse_spaces(name);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

struct NameEntry {
  std::string text;
  NameType type;
  NameStrength strength;
};

// One designation, checked and read, before anything is staged.
struct Designation {
  pugi::xml_node node;
  std::array<pugi::xml_node, kFieldCount> fields;
  std::string unique_id, id, primary;
  std::uint32_t line = 0;
  NodeKind kind = NodeKind::LegalEntity;
  std::optional<Date> designated, updated;
  std::vector<NameEntry> names;  // every name but the primary one
};

constexpr std::uint32_t kMany = 0xFFFFFFFFu;

class UkListLoader {
 public:
  UkListLoader(const std::string& path, LoadContext& context) : path_(path), context_(context), file_(path) {}

  void run() {
    context_.report.files.push_back(path_);
    text_ = file_.content();
    pugi::xml_document document;
    const pugi::xml_node root = detail::parse_xml(document, path_, text_, lines_,
                                                  {.what = "a UK Sanctions List", .roots = {"Designations"},
                                                   .in_place = true});

    for (const pugi::xml_node node : root.children("Designation")) read(node);
    std::size_t done = 0;
    for (const Designation& designation : designations_) {
      stage(designation);
      if (++done % 4096 == 0) context_.check_cancel();
    }
    for (const auto& [kind, count] : {std::pair{"entities", counts_.entities}, std::pair{"individuals", counts_.individuals},
                                      std::pair{"ships", counts_.ships}, std::pair{"legal entities", counts_.legal_entities},
                                      std::pair{"aliases", counts_.aliases}, std::pair{"addresses", counts_.addresses},
                                      std::pair{"documents", counts_.documents},
                                      std::pair{"sanctions imposed not mapped", counts_.not_mapped},
                                      std::pair{"actions", counts_.actions}})
      if (count != 0) context_.report.add(kind, count);
    context_.progress(path_, file_.size());
  }

 private:
  std::uint32_t line(const pugi::xml_node& node) const { return detail::line_of_node(lines_, node); }

  // Pass 1: check one designation and read its names; a bad one is refused or skipped whole.
  void read(const pugi::xml_node& node) {
    Designation out;
    out.node = node;
    out.fields = detail::first_children(node, kFieldNames);
    const auto& field = out.fields;
    out.line = line(node);
    out.unique_id = std::string(text_of(field[kUniqueId]));
    const auto bad = [&](std::string reason) {
      context_.bad_record(LoadError(path_, out.line, std::move(reason), out.unique_id));
    };
    if (out.unique_id.empty()) return bad("no UniqueID");
    if (!seen_ids_.insert(out.unique_id).second)
      return bad(fmt::format("UniqueID '{}' is given to an earlier designation of the file too", out.unique_id));
    const std::string_view type = text_of(field[kType]);
    const auto kind = kind_of(type);
    if (!kind) return bad(fmt::format("IndividualEntityShip '{}' is not Individual, Entity or Ship", type));
    out.kind = *kind;
    for (auto [element, date_field, date] : {std::tuple{"DateDesignated", kDateDesignated, &out.designated},
                                             std::tuple{"LastUpdated", kLastUpdated, &out.updated}}) {
      const std::string_view value = text_of(field[date_field]);
      if (value.empty()) continue;
      if (!(*date = detail::parse_uk_date(value)))
        return bad(fmt::format("{} '{}' is not a date written dd/mm/yyyy", element, value));
    }
    for (const pugi::xml_node name : field[kNames].children("Name")) {
      const auto parts = detail::first_children<8>(name, {"Name1", "Name2", "Name3", "Name4", "Name5", "Name6",
                                                          "NameType", "AliasStrength"});
      std::string text;
      for (std::size_t part = 0; part < 6; ++part) detail::append_collapsed(text, text_of(parts[part]), " ");
      if (text.empty()) continue;
      const auto [name_type, strength] = name_kind(text_of(parts[6]), text_of(parts[7]));
      if (name_type == NameType::Primary && out.primary.empty()) out.primary = text;
      else out.names.push_back({std::move(text), name_type, strength});
    }
    for (const pugi::xml_node name : field[kNonLatinNames].children("NonLatinName")) {
      std::string text = detail::collapse_spaces(text_of(name, "NameNonLatinScript"));
      if (!text.empty()) out.names.push_back({std::move(text), NameType::Aka, NameStrength::Unknown});
    }
    if (out.primary.empty()) {
      if (out.names.empty()) return bad("no name");
      // No name is typed Primary Name: the first one given stands for the designation.
      out.primary = out.names.front().text;
      out.names.erase(out.names.begin());
      context_.report.warnings.push_back({path_, out.line, out.unique_id, "no Primary Name: the first name given is used"});
    }
    out.id = "uksl:" + out.unique_id;
    const auto index = static_cast<std::uint32_t>(designations_.size());
    auto remember = [&](std::string_view text) {
      const auto [found, added] = by_name_.try_emplace(match_key(text), index);
      if (!added && found->second != index) found->second = kMany;
    };
    remember(out.primary);
    for (const NameEntry& name : out.names) remember(name.text);
    designations_.push_back(std::move(out));
  }

  // Pass 2: stage one designation.
  void stage(const Designation& d) {
    const auto& field = d.fields;
    const std::string& id = d.id;
    const Source where{path_, d.unique_id, d.line};
    Batch& batch = context_.batch;
    batch.add_entity({.id = id, .kind = d.kind, .name = d.primary, .source = where});
    ++counts_.entities;
    ++(d.kind == NodeKind::Person ? counts_.individuals : d.kind == NodeKind::Vessel ? counts_.ships : counts_.legal_entities);
    for (const NameEntry& name : d.names) batch.add_name(id, name.text, name.type, name.strength, where);
    counts_.aliases += d.names.size();
    // Facts, each once per designation (the list repeats some: two equal passports).
    seen_facts_.clear();
    auto attribute = [&](std::string_view key, std::string_view value) {
      if (!value.empty() && seen_facts_.insert(key, value)) batch.add_attribute(id, key, value, where);
    };
    // A text with its runs of blanks made one space, as a view (of the text, or of `collapsed_`).
    auto collapsed = [&](std::string_view text) { return detail::collapsed(text, collapsed_); };
    // The cross-source identifiers (notes/COMMON.md, issue 12).
    attribute("ukSanctionsListId", d.unique_id);
    attribute("ofsiGroupId", text_of(field[kOfsiGroupId]));
    attribute("unReference", text_of(field[kUnReference]));
    if (d.updated) attribute("modifiedAt", d.updated->to_string());
    for (const pugi::xml_node title : field[kTitles].children("Title")) attribute("title", collapsed(title.child_value()));
    attribute("notes", collapsed(text_of(field[kOtherInformation])));
    attribute("statementOfReasons", collapsed(text_of(field[kStatementOfReasons])));
    for (const pugi::xml_node address : field[kAddresses].children("Address")) {
      const auto parts = detail::first_children<8>(address, {"AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4",
                                                             "AddressLine5", "AddressLine6", "AddressPostalCode",
                                                             "AddressCountry"});
      std::string text;
      for (const pugi::xml_node& part : parts) detail::append_collapsed(text, text_of(part));
      if (text.empty()) continue;
      attribute("address", text);
      attribute("country", collapsed(text_of(parts[7])));
      ++counts_.addresses;
    }
    for (const pugi::xml_node phone : field[kPhoneNumbers].children("PhoneNumber")) attribute("phone", text_of(phone));
    for (const pugi::xml_node email : field[kEmailAddresses].children("EmailAddress")) attribute("email", text_of(email));
    for (const pugi::xml_node website : field[kWebsites].children("Website")) attribute("website", text_of(website));

    for (const pugi::xml_node person : field[kIndividualDetails].children("Individual")) {
      const auto [dobs, nationalities, genders, positions, passports, nationals, births] = detail::first_children<7>(
          person, {"DOBs", "Nationalities", "Genders", "Positions", "PassportDetails", "NationalIdentifierDetails",
                   "BirthDetails"});
      for (const pugi::xml_node dob : dobs.children("DOB")) {
        const std::string_view written = text_of(dob);
        if (written.empty()) continue;
        if (const auto date = detail::uk_birth_date(written)) {
          attribute("birthDate", *date);
        } else {
          attribute("birthDate", written);  // unknown stays as written
          context_.report.warnings.push_back({path_, d.line, d.unique_id,
                                              fmt::format("DOB '{}' is not dd/mm/yyyy, a partial date or a year: kept as written", written)});
        }
      }
      for (const pugi::xml_node value : nationalities.children("Nationality"))
        attribute("nationality", collapsed(value.child_value()));
      for (const pugi::xml_node value : genders.children("Gender")) attribute("gender", collapsed(value.child_value()));
      for (const pugi::xml_node value : positions.children("Position"))
        attribute("position", collapsed(value.child_value()));
      for (const pugi::xml_node passport : passports.children("Passport")) {
        const auto [number, more] = detail::first_children<2>(passport, {"PassportNumber", "PassportAdditionalInformation"});
        document(attribute, "Passport", text_of(number), text_of(more));
      }
      for (const pugi::xml_node national : nationals.children("NationalIdentifier")) {
        const auto [number, more] = detail::first_children<2>(
            national, {"NationalIdentifierNumber", "NationalIdentifierAdditionalInformation"});
        document(attribute, "National identification number", text_of(number), text_of(more));
      }
      for (const pugi::xml_node place : births.children("Location")) {
        const auto [town, country] = detail::first_children<2>(place, {"TownOfBirth", "CountryOfBirth"});
        std::string text;
        detail::append_collapsed(text, text_of(town));
        detail::append_collapsed(text, text_of(country));
        attribute("birthPlace", text);
        attribute("birthCountry", collapsed(text_of(country)));
      }
    }
    for (const pugi::xml_node entity : field[kEntityDetails].children("Entity")) {
      const auto [types, numbers, parents, subsidiaries] = detail::first_children<4>(
          entity, {"TypeOfEntities", "BusinessRegistrationNumbers", "ParentCompanies", "Subsidiaries"});
      for (const pugi::xml_node value : types.children("TypeOfEntity"))
        attribute("entityType", collapsed(value.child_value()));
      for (const pugi::xml_node value : numbers.children("BusinessRegistrationNumber")) {
        const std::string written = detail::collapse_spaces(value.child_value());
        if (written.empty()) continue;
        if (const std::string number = detail::find_gb_company_number(written); !number.empty()) {
          attribute("gbCompanyNumber", number);
          attribute("identification", fmt::format("UK company number, {}, United Kingdom ({})", number, written));
        } else {
          attribute("identification", fmt::format("Business registration number, {}", written));
        }
        ++counts_.documents;
      }
      for (const pugi::xml_node value : parents.children("ParentCompany"))
        link(d, detail::collapse_spaces(value.child_value()), true, attribute);
      for (const pugi::xml_node value : subsidiaries.children("Subsidiary"))
        link(d, detail::collapse_spaces(value.child_value()), false, attribute);
    }
    for (const pugi::xml_node ship : field[kShipDetails].children("Ship")) {
      const auto [imos, owners, flags, past_flags, types, tonnages, lengths] = detail::first_children<7>(
          ship, {"IMONumbers", "CurrentOwnerOperators", "CurrentBelievedFlagOfShips", "PreviousFlags",
                 "TypeOfShipDetails", "TonnageOfShipDetails", "LengthOfShipDetails"});
      for (const pugi::xml_node value : imos.children("IMONumber")) {
        attribute("imoNumber", text_of(value));
        ++counts_.documents;
      }
      for (const pugi::xml_node value : owners.children("CurrentOwnerOperator"))
        attribute("vesselOwner", collapsed(value.child_value()));
      for (const pugi::xml_node value : flags.children("CurrentBelievedFlagOfShip"))
        attribute("flag", collapsed(value.child_value()));
      for (const pugi::xml_node value : past_flags.children("PreviousFlag"))
        attribute("pastFlag", collapsed(value.child_value()));
      for (const pugi::xml_node value : types.children("TypeOfShip"))
        attribute("vesselType", collapsed(value.child_value()));
      for (const pugi::xml_node value : tonnages.children("TonnageOfShip")) attribute("tonnage", text_of(value));
      for (const pugi::xml_node value : lengths.children("LengthOfShip")) attribute("length", text_of(value));
    }

    // The designation: what it imposes, from the list's own words (RULES.md §8.9).
    const std::string_view imposed = text_of(field[kSanctionsImposed]);
    Measures measures;
    detail::for_each_part(imposed, '|', [&](std::string_view value) {
      const Measures mapped = detail::uk_sanctions_imposed(value);
      if (mapped.unknown()) ++counts_.not_mapped;
      measures = measures | mapped;
    });
    for (const pugi::xml_node indicator : field[kSanctionsImposedIndicators].children())
      if (text_of(indicator) == "true") measures = measures | detail::uk_sanctions_imposed(indicator.name());
    const detail::MeasureMapping mapping = detail::uk_sanctions_list_mapping(measures);
    const std::string action = id + "#UKSL";
    const std::string_view regime_text = collapsed(text_of(field[kRegimeName]));
    batch.add_action({.id = action, .target = id, .authority = kAuthority, .list = kList, .program = regime_text,
                      .legal_basis = regime_text, .measures = imposed, .citation = kCitation,
                      .listed = d.designated, .in_force = {d.designated, std::nullopt}, .source = where,
                      .measure_set = mapping.measures, .issuer = mapping.issuer, .list_id = mapping.list});
    if (const auto source = text_of(field[kDesignationSource]); !source.empty())
      batch.add_attribute(action, "designationSource", source, where);
    if (d.updated) batch.add_attribute(action, "lastUpdated", d.updated->to_string(), where);
    ++counts_.actions;
  }

  // "Passport, P04581926 (Afghanistan passport number P04581926, issued in Kandahar ...)".
  template <class Attribute>
  void document(Attribute& attribute, std::string_view type, std::string_view number, std::string_view more) {
    const std::string details = detail::collapse_spaces(more);
    if (number.empty() && details.empty()) return;
    std::string text = fmt::format("{}, {}", type, number.empty() ? std::string_view("unknown number") : number);
    if (!details.empty()) text += fmt::format(" ({})", details);
    attribute("identification", text);
    ++counts_.documents;
  }

  // A ParentCompany (`parent`) or Subsidiary named by text: an edge when exactly one designation
  // of this file has that name, else a fact and an unresolved reference.
  template <class Attribute>
  void link(const Designation& d, const std::string& name, bool parent, Attribute& attribute) {
    if (name.empty()) return;
    const auto found = by_name_.find(match_key(name));
    std::string why;
    if (found == by_name_.end()) why = fmt::format("{} '{}' is the name of no designation in this file",
                                                   parent ? "ParentCompany" : "Subsidiary", name);
    else if (found->second == kMany) why = fmt::format("{} '{}' is the name of several designations in this file",
                                                       parent ? "ParentCompany" : "Subsidiary", name);
    else if (designations_[found->second].id == d.id) why = fmt::format("{} '{}' names the designation itself",
                                                                         parent ? "ParentCompany" : "Subsidiary", name);
    if (!why.empty()) {
      attribute(parent ? "parentCompany" : "subsidiary", name);
      context_.report.unresolved.push_back({path_, d.line, d.unique_id, std::move(why)});
      context_.report.add("links unresolved");
      return;
    }
    const std::string& other = designations_[found->second].id;
    // A parent that names its subsidiary, and the subsidiary that names its parent, state one link.
    const std::string& child = parent ? d.id : other;
    const std::string& owner = parent ? other : d.id;
    if (!links_.insert(child + '\n' + owner).second) return;
    const Source where{path_, d.unique_id, d.line};
    const auto edge = context_.batch.add_edge({.kind = EdgeKind::SubsidiaryOf,
                                               .from = child,
                                               .to = owner,
                                               .role = parent ? "ParentCompany" : "Subsidiary",
                                               .source = where});
    context_.batch.add_edge_attribute(edge, "name", name);
    context_.report.add("links resolved");
  }

  const std::string& path_;
  LoadContext& context_;
  SourceFile file_;
  std::string_view text_;
  detail::LineIndex lines_;  // taken before the in-place parse writes into the text
  std::vector<Designation> designations_;
  std::unordered_set<std::string> seen_ids_;
  std::unordered_map<std::string, std::uint32_t> by_name_;  // match_key(name) -> designation, or kMany
  SeenFacts seen_facts_;
  std::string collapsed_;  // stage()'s collapsed texts
  // What the report counts, added to it once per file (LoadReport::add looks its key up in a map).
  struct Counts {
    std::uint64_t entities = 0, individuals = 0, ships = 0, legal_entities = 0, aliases = 0, addresses = 0,
                  documents = 0, not_mapped = 0, actions = 0;
  } counts_;
  std::unordered_set<std::string> links_;  // "child\nparent" of the SUBSIDIARY_OF edges staged
};

}  // namespace

void load_uk_sanctions_list(const std::string& path, LoadContext& context) { UkListLoader(path, context).run(); }

LoadReport load_uk_sanctions_list(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_uk_sanctions_list), path, builder, options);
}

bool looks_like_uk_sanctions_list(std::string_view head, std::string_view /*file_name*/) noexcept {
  // Its needles hold a '<': load() asks only a head that has one (dispatch.cpp, FormatEntry::needs_lt).
  const auto root = detail::find_bytes(head, "<Designations");
  if (root == std::string_view::npos) return false;
  return detail::contains(head.substr(root), "<Designation>") || detail::contains(head.substr(root), "<DateGenerated>");
}

}  // namespace skg
