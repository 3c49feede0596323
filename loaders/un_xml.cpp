// The UN Security Council Consolidated List in XML (https://scsanctions.un.org/resources/xml/en/consolidated.xml,
// schema https://www.un.org/sc/resources/sc-sanctions.xsd): CONSOLIDATED_LIST > INDIVIDUALS >
// INDIVIDUAL and ENTITIES > ENTITY, no namespace. Parsed with pugixml.
#include "skg/loaders/un_xml.h"

#include <algorithm>
#include <fmt/format.h>
#include <pugixml.hpp>

#include "skg/loaders/list_common.h"
#include "skg/loaders/xml_common.h"
#include "skg/loaders/source.h"
#include "skg/loaders/measures.h"

namespace skg::inline v1 {

namespace {

constexpr std::string_view kAuthority = "UN Security Council";
constexpr std::string_view kCitation = "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list";

std::string_view text_of(const pugi::xml_node& node, const char* child) {
  return trim(node.child(child).child_value());
}

// An alias's QUALITY: individuals are graded "Good" or "Low" (the UN's own words for a strong
// and a weak alias); entities' aliases carry their type, "a.k.a." or "f.k.a.", instead.
std::pair<NameType, NameStrength> alias_kind(std::string_view quality) {
  if (quality == "Good") return {NameType::Aka, NameStrength::Strong};
  if (quality == "Low") return {NameType::Aka, NameStrength::Weak};
  if (quality == "f.k.a.") return {NameType::Fka, NameStrength::Unknown};
  return {NameType::Aka, NameStrength::Unknown};
}

// LISTED_ON is an xs:date, which may carry a time-zone offset ("2001-01-25-05:00"): the day is
// its first ten characters.
std::optional<Date> xs_date(std::string_view text) {
  if (text.size() < 10) return std::nullopt;
  if (text.size() > 10 && text[10] != '-' && text[10] != '+' && text[10] != 'Z' && text[10] != 'T')
    return std::nullopt;
  return Date::parse(text.substr(0, 10));
}

class UnLoader {
 public:
  UnLoader(const std::string& path, LoadContext& context) : path_(path), context_(context), file_(path) {}

  void run() {
    context_.report.files.push_back(path_);
    text_ = file_.content();
    pugi::xml_document document;
    const pugi::xml_node root = detail::parse_xml(document, path_, text_, lines_,
                                                  {.what = "a UN consolidated list", .roots = {"CONSOLIDATED_LIST"},
                                                   .in_place = true});

    for (const pugi::xml_node party : root.child("INDIVIDUALS").children("INDIVIDUAL")) map_party(party, true);
    for (const pugi::xml_node party : root.child("ENTITIES").children("ENTITY")) map_party(party, false);
    context_.progress(path_, file_.size());
  }

 private:
  std::uint32_t line(const pugi::xml_node& node) const { return detail::line_of_node(lines_, node); }

  void map_party(const pugi::xml_node& party, bool individual) {
    const std::string reference(text_of(party, "REFERENCE_NUMBER"));
    const std::string_view list = text_of(party, "UN_LIST_TYPE");
    const std::string_view listed_text = text_of(party, "LISTED_ON");
    std::string name;
    for (const char* part : {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"})
      detail::append_collapsed(name, text_of(party, part), " ");
    // Check before staging, so that a skipped record leaves nothing behind.
    const auto bad = [&](std::string reason) {
      context_.bad_record(LoadError(path_, line(party), std::move(reason), reference));
    };
    if (reference.empty()) return bad("no REFERENCE_NUMBER");
    if (name.empty()) return bad("no FIRST_NAME");
    std::optional<Date> listed;
    if (!listed_text.empty() && !(listed = xs_date(listed_text)))
      return bad(fmt::format("LISTED_ON '{}' is not a date written YYYY-MM-DD", listed_text));

    const std::string id = "un:" + reference;
    const Source where{path_, reference, line(party)};
    Batch& batch = context_.batch;
    batch.add_entity({.id = id, .kind = individual ? NodeKind::Person : NodeKind::LegalEntity,
                      .name = name, .source = where});
    context_.report.add("entities");
    context_.report.add(individual ? "individuals" : "legal entities");
    auto attribute = [&](std::string_view key, std::string_view value) {
      if (!value.empty()) batch.add_attribute(id, key, value, where);
    };
    attribute("unReference", reference);  // the identity contract's key (queries/RULES.md §9)
    attribute("unDataId", text_of(party, "DATAID"));
    attribute("gender", text_of(party, "GENDER"));
    attribute("notes", text_of(party, "COMMENTS1"));
    for (auto [element, key] : {std::pair{"NATIONALITY", "nationality"}, std::pair{"TITLE", "title"},
                                std::pair{"DESIGNATION", "position"},
                                std::pair{"LAST_DAY_UPDATED", "modifiedAt"}})
      for (const pugi::xml_node value : party.child(element).children("VALUE"))
        attribute(key, detail::collapse_spaces(value.child_value()));

    if (const auto original = detail::collapse_spaces(text_of(party, "NAME_ORIGINAL_SCRIPT")); !original.empty()) {
      batch.add_name(id, original, NameType::Aka, NameStrength::Unknown, where);
      context_.report.add("aliases");
    }
    for (const pugi::xml_node alias : party.children(individual ? "INDIVIDUAL_ALIAS" : "ENTITY_ALIAS")) {
      const std::string alias_name = detail::collapse_spaces(text_of(alias, "ALIAS_NAME"));
      if (alias_name.empty()) continue;
      const auto [type, strength] = alias_kind(text_of(alias, "QUALITY"));
      batch.add_name(id, alias_name, type, strength, where);
      context_.report.add("aliases");
    }
    for (const pugi::xml_node address : party.children(individual ? "INDIVIDUAL_ADDRESS" : "ENTITY_ADDRESS")) {
      std::string text;
      for (const char* part : {"STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY"})
        detail::append_collapsed(text, text_of(address, part));
      if (text.empty()) continue;  // <INDIVIDUAL_ADDRESS/> or a note alone
      if (const auto note = text_of(address, "NOTE"); !note.empty()) text += fmt::format(" ({})", note);
      attribute("address", text);
      context_.report.add("addresses");
    }
    for (const pugi::xml_node birth : party.children("INDIVIDUAL_DATE_OF_BIRTH")) {
      const std::string value = birth_date(birth);
      attribute("birthDate", value);
    }
    for (const pugi::xml_node place : party.children("INDIVIDUAL_PLACE_OF_BIRTH")) {
      std::string text;
      for (const char* part : {"STREET", "CITY", "STATE_PROVINCE", "COUNTRY"})
        detail::append_collapsed(text, text_of(place, part));
      attribute("birthPlace", text);
    }
    for (const pugi::xml_node document : party.children("INDIVIDUAL_DOCUMENT")) {
      const std::string text = document_text(document);
      if (text.empty()) continue;
      attribute("identification", text);
      context_.report.add("documents");
    }

    // The listing.
    const std::string action = id + "#UN";
    const detail::MeasureMapping mapping = detail::un_mapping(list);
    batch.add_action({.id = action, .target = id, .authority = kAuthority, .list = list,
                      .program = list, .citation = kCitation, .listed = listed,
                      .in_force = {listed, std::nullopt}, .source = where,
                      .measure_set = mapping.measures, .issuer = mapping.issuer,
                      .list_id = mapping.list});
    context_.report.add("actions");
  }

  // INDIVIDUAL_DATE_OF_BIRTH: TYPE_OF_DATE EXACT (DATE or YEAR), APPROXIMATELY (DATE or YEAR:
  // "circa"), BETWEEN (FROM_YEAR, TO_YEAR). Written as the source gives it, never widened.
  static std::string birth_date(const pugi::xml_node& birth) {
    const std::string_view type = text_of(birth, "TYPE_OF_DATE");
    std::string_view value = text_of(birth, "DATE");
    if (value.size() > 10) value = value.substr(0, 10);  // an xs:date with a time-zone offset
    if (value.empty()) value = text_of(birth, "YEAR");
    std::string out;
    if (type == "BETWEEN") {
      const auto from = text_of(birth, "FROM_YEAR"), to = text_of(birth, "TO_YEAR");
      if (!from.empty() && !to.empty()) out = fmt::format("between {} and {}", from, to);
    } else if (!value.empty()) {
      out = type == "APPROXIMATELY" ? fmt::format("circa {}", value) : std::string(value);
    }
    if (const auto note = text_of(birth, "NOTE"); !note.empty() && !out.empty()) out += fmt::format(" ({})", note);
    return out;
  }

  // A document as "type, number, country" (the CSL's order), then issue details in parentheses.
  static std::string document_text(const pugi::xml_node& document) {
    std::string type = detail::collapse_spaces(text_of(document, "TYPE_OF_DOCUMENT"));
    if (const auto more = detail::collapse_spaces(text_of(document, "TYPE_OF_DOCUMENT2")); !more.empty())
      detail::append_part(type, more, " / ");
    const std::string number = detail::collapse_spaces(text_of(document, "NUMBER"));
    std::string_view country = text_of(document, "ISSUING_COUNTRY");
    if (country.empty()) country = text_of(document, "COUNTRY_OF_ISSUE");
    if (type.empty() && number.empty()) return {};
    std::string out = type.empty() ? std::string("Document") : type;
    detail::append_part(out, number);
    detail::append_part(out, country);
    std::string details;
    if (const auto date = text_of(document, "DATE_OF_ISSUE"); !date.empty())
      detail::append_part(details, fmt::format("issued {}", date.substr(0, 10)), "; ");
    if (const auto city = text_of(document, "CITY_OF_ISSUE"); !city.empty())
      detail::append_part(details, fmt::format("in {}", city), "; ");
    detail::append_collapsed(details, text_of(document, "NOTE"), "; ");
    if (!details.empty()) out += fmt::format(" ({})", details);
    return out;
  }

  const std::string& path_;
  LoadContext& context_;
  SourceFile file_;
  std::string_view text_;
  detail::LineIndex lines_;  // taken before the in-place parse writes into the text
};

}  // namespace

void load_un_xml(const std::string& path, LoadContext& context) { UnLoader(path, context).run(); }

LoadReport load_un_xml(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_un_xml), path, builder, options);
}

bool looks_like_un_xml(std::string_view head, std::string_view /*file_name*/) noexcept {
  // find_bytes: string_view::find stops at every '<'. load() asks only a head that has a '<'
  // (dispatch.cpp, FormatEntry::needs_lt).
  return detail::contains(head, "<CONSOLIDATED_LIST");
}

}  // namespace skg
