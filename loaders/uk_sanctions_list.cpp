// The FCDO UK Sanctions List in XML (https://www.gov.uk/government/publications/the-uk-sanctions-list):
// Designations > Designation, no namespace, dates written dd/mm/yyyy, several values of one field
// joined with '|' (DesignationSource "UK|UN", SanctionsImposed "Asset freeze|Travel Ban"). The
// element names are the list's (../shared/datasets/uk/uk_sanctions_list_sample_2026-09.xml).
// Parsed with pugixml.
#include "skg/loaders/uk_sanctions_list.h"

#include <algorithm>
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
    context_.progress(path_, file_.size());
  }

 private:
  std::uint32_t line(const pugi::xml_node& node) const { return detail::line_of_node(lines_, node); }

  // Pass 1: check one designation and read its names; a bad one is refused or skipped whole.
  void read(const pugi::xml_node& node) {
    Designation out;
    out.node = node;
    out.line = line(node);
    out.unique_id = std::string(text_of(node, "UniqueID"));
    const auto bad = [&](std::string reason) {
      context_.bad_record(LoadError(path_, out.line, std::move(reason), out.unique_id));
    };
    if (out.unique_id.empty()) return bad("no UniqueID");
    if (!seen_ids_.insert(out.unique_id).second)
      return bad(fmt::format("UniqueID '{}' is given to an earlier designation of the file too", out.unique_id));
    const std::string_view type = text_of(node, "IndividualEntityShip");
    const auto kind = kind_of(type);
    if (!kind) return bad(fmt::format("IndividualEntityShip '{}' is not Individual, Entity or Ship", type));
    out.kind = *kind;
    for (auto [element, date] : {std::pair{"DateDesignated", &out.designated}, std::pair{"LastUpdated", &out.updated}}) {
      const std::string_view value = text_of(node, element);
      if (value.empty()) continue;
      if (!(*date = detail::parse_uk_date(value)))
        return bad(fmt::format("{} '{}' is not a date written dd/mm/yyyy", element, value));
    }
    for (const pugi::xml_node name : node.child("Names").children("Name")) {
      std::string text;
      for (const char* part : {"Name1", "Name2", "Name3", "Name4", "Name5", "Name6"})
        detail::append_collapsed(text, text_of(name, part), " ");
      if (text.empty()) continue;
      const auto [name_type, strength] = name_kind(text_of(name, "NameType"), text_of(name, "AliasStrength"));
      if (name_type == NameType::Primary && out.primary.empty()) out.primary = text;
      else out.names.push_back({std::move(text), name_type, strength});
    }
    for (const pugi::xml_node name : node.child("NonLatinNames").children("NonLatinName")) {
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
    const pugi::xml_node node = d.node;
    const std::string& id = d.id;
    const Source where{path_, d.unique_id, d.line};
    Batch& batch = context_.batch;
    LoadReport& report = context_.report;
    batch.add_entity({.id = id, .kind = d.kind, .name = d.primary, .source = where});
    report.add("entities");
    report.add(d.kind == NodeKind::Person ? "individuals" : d.kind == NodeKind::Vessel ? "ships" : "legal entities");
    for (const NameEntry& name : d.names) {
      batch.add_name(id, name.text, name.type, name.strength, where);
      report.add("aliases");
    }
    // Facts, each once per designation (the list repeats some: two equal passports).
    seen_facts_.clear();
    auto attribute = [&](std::string_view key, std::string_view value) {
      if (value.empty()) return;
      std::string fact;  // "key\x1fvalue", put together without a format call (one per fact of the file)
      fact.reserve(key.size() + 1 + value.size());
      fact.append(key).append(1, '\x1f').append(value);
      if (seen_facts_.insert(std::move(fact)).second) batch.add_attribute(id, key, value, where);
    };
    // The cross-source identifiers (notes/COMMON.md, issue 12).
    attribute("ukSanctionsListId", d.unique_id);
    attribute("ofsiGroupId", text_of(node, "OFSIGroupID"));
    attribute("unReference", text_of(node, "UNReferenceNumber"));
    if (d.updated) attribute("modifiedAt", d.updated->to_string());
    for (const pugi::xml_node title : node.child("Titles").children("Title"))
      attribute("title", detail::collapse_spaces(title.child_value()));
    attribute("notes", detail::collapse_spaces(text_of(node, "OtherInformation")));
    attribute("statementOfReasons", detail::collapse_spaces(text_of(node, "UKStatementofReasons")));
    for (const pugi::xml_node address : node.child("Addresses").children("Address")) {
      std::string text;
      for (const char* part : {"AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4", "AddressLine5",
                               "AddressLine6", "AddressPostalCode", "AddressCountry"})
        detail::append_collapsed(text, text_of(address, part));
      if (text.empty()) continue;
      attribute("address", text);
      attribute("country", detail::collapse_spaces(text_of(address, "AddressCountry")));
      report.add("addresses");
    }
    for (const pugi::xml_node phone : node.child("PhoneNumbers").children("PhoneNumber"))
      attribute("phone", trim(phone.child_value()));
    for (const pugi::xml_node email : node.child("EmailAddresses").children("EmailAddress"))
      attribute("email", trim(email.child_value()));
    for (const pugi::xml_node website : node.child("Websites").children("Website"))
      attribute("website", trim(website.child_value()));

    for (const pugi::xml_node person : node.child("IndividualDetails").children("Individual")) {
      for (const pugi::xml_node dob : person.child("DOBs").children("DOB")) {
        const std::string_view written = trim(dob.child_value());
        if (written.empty()) continue;
        if (const auto date = detail::uk_birth_date(written)) {
          attribute("birthDate", *date);
        } else {
          attribute("birthDate", written);  // unknown stays as written
          report.warnings.push_back({path_, d.line, d.unique_id,
                                     fmt::format("DOB '{}' is not dd/mm/yyyy, a partial date or a year: kept as written", written)});
        }
      }
      for (const pugi::xml_node value : person.child("Nationalities").children("Nationality"))
        attribute("nationality", detail::collapse_spaces(value.child_value()));
      for (const pugi::xml_node value : person.child("Genders").children("Gender"))
        attribute("gender", detail::collapse_spaces(value.child_value()));
      for (const pugi::xml_node value : person.child("Positions").children("Position"))
        attribute("position", detail::collapse_spaces(value.child_value()));
      for (const pugi::xml_node passport : person.child("PassportDetails").children("Passport")) {
        document(attribute, "Passport", text_of(passport, "PassportNumber"),
                 text_of(passport, "PassportAdditionalInformation"));
      }
      for (const pugi::xml_node national : person.child("NationalIdentifierDetails").children("NationalIdentifier")) {
        document(attribute, "National identification number", text_of(national, "NationalIdentifierNumber"),
                 text_of(national, "NationalIdentifierAdditionalInformation"));
      }
      for (const pugi::xml_node place : person.child("BirthDetails").children("Location")) {
        std::string text;
        for (const char* part : {"TownOfBirth", "CountryOfBirth"})
          detail::append_collapsed(text, text_of(place, part));
        attribute("birthPlace", text);
        attribute("birthCountry", detail::collapse_spaces(text_of(place, "CountryOfBirth")));
      }
    }
    for (const pugi::xml_node entity : node.child("EntityDetails").children("Entity")) {
      for (const pugi::xml_node value : entity.child("TypeOfEntities").children("TypeOfEntity"))
        attribute("entityType", detail::collapse_spaces(value.child_value()));
      for (const pugi::xml_node value : entity.child("BusinessRegistrationNumbers").children("BusinessRegistrationNumber")) {
        const std::string written = detail::collapse_spaces(value.child_value());
        if (written.empty()) continue;
        if (const std::string number = detail::find_gb_company_number(written); !number.empty()) {
          attribute("gbCompanyNumber", number);
          attribute("identification", fmt::format("UK company number, {}, United Kingdom ({})", number, written));
        } else {
          attribute("identification", fmt::format("Business registration number, {}", written));
        }
        report.add("documents");
      }
      for (const pugi::xml_node value : entity.child("ParentCompanies").children("ParentCompany"))
        link(d, detail::collapse_spaces(value.child_value()), true, attribute);
      for (const pugi::xml_node value : entity.child("Subsidiaries").children("Subsidiary"))
        link(d, detail::collapse_spaces(value.child_value()), false, attribute);
    }
    for (const pugi::xml_node ship : node.child("ShipDetails").children("Ship")) {
      for (const pugi::xml_node value : ship.child("IMONumbers").children("IMONumber")) {
        attribute("imoNumber", trim(value.child_value()));
        report.add("documents");
      }
      for (const pugi::xml_node value : ship.child("CurrentOwnerOperators").children("CurrentOwnerOperator"))
        attribute("vesselOwner", detail::collapse_spaces(value.child_value()));
      for (const pugi::xml_node value : ship.child("CurrentBelievedFlagOfShips").children("CurrentBelievedFlagOfShip"))
        attribute("flag", detail::collapse_spaces(value.child_value()));
      for (const pugi::xml_node value : ship.child("PreviousFlags").children("PreviousFlag"))
        attribute("pastFlag", detail::collapse_spaces(value.child_value()));
      for (const pugi::xml_node value : ship.child("TypeOfShipDetails").children("TypeOfShip"))
        attribute("vesselType", detail::collapse_spaces(value.child_value()));
      for (const pugi::xml_node value : ship.child("TonnageOfShipDetails").children("TonnageOfShip"))
        attribute("tonnage", trim(value.child_value()));
      for (const pugi::xml_node value : ship.child("LengthOfShipDetails").children("LengthOfShip"))
        attribute("length", trim(value.child_value()));
    }

    // The designation: what it imposes, from the list's own words (RULES.md §8.9).
    const std::string_view imposed = text_of(node, "SanctionsImposed");
    Measures measures;
    detail::for_each_part(imposed, '|', [&](std::string_view value) {
      const Measures mapped = detail::uk_sanctions_imposed(value);
      if (mapped.unknown()) report.add("sanctions imposed not mapped");
      measures = measures | mapped;
    });
    for (const pugi::xml_node indicator : node.child("SanctionsImposedIndicators").children())
      if (trim(indicator.child_value()) == "true") measures = measures | detail::uk_sanctions_imposed(indicator.name());
    const detail::MeasureMapping mapping = detail::uk_sanctions_list_mapping(measures);
    const std::string action = id + "#UKSL";
    const std::string regime_text = detail::collapse_spaces(text_of(node, "RegimeName"));
    batch.add_action({.id = action, .target = id, .authority = kAuthority, .list = kList, .program = regime_text,
                      .legal_basis = regime_text, .measures = imposed, .citation = kCitation,
                      .listed = d.designated, .in_force = {d.designated, std::nullopt}, .source = where,
                      .measure_set = mapping.measures, .issuer = mapping.issuer, .list_id = mapping.list});
    if (const auto source = text_of(node, "DesignationSource"); !source.empty())
      batch.add_attribute(action, "designationSource", source, where);
    if (d.updated) batch.add_attribute(action, "lastUpdated", d.updated->to_string(), where);
    report.add("actions");
  }

  // "Passport, P04581926 (Afghanistan passport number P04581926, issued in Kandahar ...)".
  template <class Attribute>
  void document(Attribute& attribute, std::string_view type, std::string_view number, std::string_view more) {
    const std::string details = detail::collapse_spaces(more);
    if (number.empty() && details.empty()) return;
    std::string text = fmt::format("{}, {}", type, number.empty() ? std::string_view("unknown number") : number);
    if (!details.empty()) text += fmt::format(" ({})", details);
    attribute("identification", text);
    context_.report.add("documents");
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
  std::unordered_set<std::string> seen_facts_;
  std::unordered_set<std::string> links_;  // "child\nparent" of the SUBSIDIARY_OF edges staged
};

}  // namespace

void load_uk_sanctions_list(const std::string& path, LoadContext& context) { UkListLoader(path, context).run(); }

LoadReport load_uk_sanctions_list(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_uk_sanctions_list), path, builder, options);
}

bool looks_like_uk_sanctions_list(std::string_view head, std::string_view /*file_name*/) noexcept {
  const auto root = head.find("<Designations");
  if (root == std::string_view::npos) return false;
  return head.find("<Designation>", root) != std::string_view::npos ||
         head.find("<DateGenerated>", root) != std::string_view::npos;
}

}  // namespace skg
