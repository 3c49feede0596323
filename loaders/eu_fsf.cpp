// The EU Financial Sanctions Files (FSF) in XML, layout xmlFullSanctionsList_1_1
// (https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=...):
// export > sanctionEntity, each with regulation, subjectType, nameAlias, citizenship, birthdate,
// address, identification and remark children, every fact carrying the regulationSummary of the
// act that put it there. Element and attribute names as in the export of 2026-08-05
// (../shared/datasets/eu/fsf_sample_2026-08.xml). Parsed with pugixml.
#include "skg/loaders/eu_fsf.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <fmt/format.h>
#include <pugixml.hpp>

#include "skg/loaders/list_common.h"
#include "skg/loaders/xml_common.h"
#include "skg/loaders/measures.h"
#include "skg/loaders/source.h"

namespace skg::inline v1 {

namespace {

constexpr std::string_view kList = "EU Financial Sanctions Files";
constexpr std::string_view kNamespace = "http://eu.europa.ec/fpi/fsd/export";

// A node's attributes, read once: the loader asks each node for a dozen of its attributes, and
// pugixml finds each by comparing every name before it (strcmp); here a name is compared by its
// first letter first, and values are measured only when asked for. The last two nodes asked about are kept.
class AttributeCache {
 public:
  std::string_view get(const pugi::xml_node& node, std::string_view name) {
    if (name.empty()) return {};
    Entry& entry = entry_for(node);
    for (std::size_t at = 0; at < entry.count; ++at) {
      const char* have = entry.items[at].first;
      if (have[0] == name[0] && std::strncmp(have, name.data(), name.size()) == 0 && have[name.size()] == '\0')
        return trim(entry.items[at].second);
    }
    if (entry.overflow)  // more attributes than the cache holds: ask pugixml
      return trim(node.attribute(std::string(name).c_str()).value());
    return {};
  }

 private:
  static constexpr std::size_t kMax = 24;
  struct Entry {
    pugi::xml_node node;
    std::array<std::pair<const char*, const char*>, kMax> items;  // NUL-terminated by pugixml
    std::size_t count = 0;
    bool overflow = false;
  };
  Entry& entry_for(const pugi::xml_node& node) {
    for (Entry& entry : entries_)
      if (entry.node == node) return entry;
    Entry& entry = entries_[next_];
    next_ = (next_ + 1) % entries_.size();
    entry.node = node;
    entry.count = 0;
    entry.overflow = false;
    for (const pugi::xml_attribute attribute : node.attributes()) {
      if (entry.count == kMax) {
        entry.overflow = true;
        break;
      }
      entry.items[entry.count++] = {attribute.name(), attribute.value()};
    }
    return entry;
  }
  std::array<Entry, 2> entries_;
  std::size_t next_ = 0;
};

bool is_true(std::string_view text) { return text == "true" || text == "1"; }


// Whether an alias is strong or weak: the file's `strong` attribute, unless the alias's remark is
// one of the UN alias grades the EU copies into remarks for UN-derived entries (the UN list's
// QUALITY "Good" / "Low", loaders/un_xml.cpp). Only these exact phrases (case aside) count; the
// last row is a misspelling that occurs in the export of 2026-08-05 (EU.3092.36, "Abu Saleh").
struct AliasGrade {
  std::string_view remark;
  NameStrength strength;
};
constexpr AliasGrade kAliasGrades[] = {
    {"good quality alias", NameStrength::Strong},
    {"low quality alias", NameStrength::Weak},
    {"low quality aliias", NameStrength::Weak},
};

std::optional<NameStrength> graded_by_remark(std::string_view remark) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (const AliasGrade& grade : kAliasGrades) {
    if (grade.remark.size() != remark.size()) continue;
    if (std::equal(remark.begin(), remark.end(), grade.remark.begin(),
                   [&](char a, char b) { return lower(a) == b; }))
      return grade.strength;
  }
  return std::nullopt;
}

// identificationTypeCode -> the attribute that holds the number, as the other loaders and the
// identifier index (queries/identifiers.cpp) name it; `imo` gives the identity key imoNumber.
// Codes as the FSF writes them (passport, id, imo, regnumber, fiscalcode, swiftbic); any other
// code (other, tradelic, ssn, birthcert, ...) is kept as a typed "identification" text.
constexpr std::pair<std::string_view, std::string_view> kIdentificationKeys[] = {
    {"passport", "passportNumber"}, {"id", "idNumber"},        {"imo", "imoNumber"},
    {"regnumber", "registrationNumber"}, {"fiscalcode", "taxNumber"}, {"swiftbic", "swiftBic"},
};

// contactInfo keys (on addresses) -> attributes.
constexpr std::pair<std::string_view, std::string_view> kContactKeys[] = {
    {"PHONE", "phone"}, {"FAX", "fax"}, {"EMAIL", "email"}, {"WEB", "website"},
};

std::uint64_t parse_logical_id(std::string_view text) {
  std::uint64_t value = UINT64_MAX;
  if (std::from_chars(text.data(), text.data() + text.size(), value).ec != std::errc{}) return UINT64_MAX;
  return value;
}

class EuFsfLoader {
 public:
  EuFsfLoader(const std::string& path, LoadContext& context) : path_(path), context_(context), file_(path) {}

  void run() {
    context_.report.files.push_back(path_);
    text_ = file_.content();
    // In place: the file's own buffer (SourceFile owns it and we do not read it as text again);
    // escapes are resolved, attribute whitespace and line ends are left as they are
    // (collapse_spaces reads them as spaces).
    pugi::xml_document document;
    const pugi::xml_node root = detail::parse_xml(
        document, path_, text_, lines_,
        {.what = "an EU Financial Sanctions File", .roots = {"export"},
         .options = pugi::parse_escapes | pugi::parse_cdata, .in_place = true});
    std::uint32_t seen = 0;
    for (const pugi::xml_node entry : root.children("sanctionEntity")) {
      map_entry(entry);
      if (++seen % 512 == 0) context_.progress(path_, std::min<std::size_t>(entry.offset_debug(), text_.size()));
    }
    context_.progress(path_, file_.size());
  }

 private:
  std::uint32_t line(const pugi::xml_node& node) const { return detail::line_of_node(lines_, node); }

  std::string_view attr(const pugi::xml_node& node, std::string_view name) { return attributes_.get(node, name); }

  // A country as the file gives it: the description ("IRAN (ISLAMIC REPUBLIC OF)"), else the ISO
  // code. countryIso2Code "00" with countryDescription "UNKNOWN" is the file's way of saying it
  // does not know: nothing is recorded.
  std::string_view country_of(const pugi::xml_node& node) {
    const std::string_view code = attr(node, "countryIso2Code");
    const std::string_view description = attr(node, "countryDescription");
    if (code == "00" || description == "UNKNOWN") return {};
    return description.empty() ? code : description;
  }

  // An entry's children by kind, in document order: one pass instead of one per kind.
  struct Parts {
    pugi::xml_node subject;
    std::vector<pugi::xml_node> alias, regulation, birth, citizenship, address, identification, remark;
  };
  void sort_children(const pugi::xml_node& entry) {
    for (auto* list : {&parts_.alias, &parts_.regulation, &parts_.birth, &parts_.citizenship, &parts_.address,
                       &parts_.identification, &parts_.remark})
      list->clear();
    parts_.subject = pugi::xml_node();
    for (const pugi::xml_node child : entry.children()) {
      const std::string_view name = child.name();
      if (name == "nameAlias") parts_.alias.push_back(child);
      else if (name == "regulation") parts_.regulation.push_back(child);
      else if (name == "birthdate") parts_.birth.push_back(child);
      else if (name == "citizenship") parts_.citizenship.push_back(child);
      else if (name == "address") parts_.address.push_back(child);
      else if (name == "identification") parts_.identification.push_back(child);
      else if (name == "remark") parts_.remark.push_back(child);
      else if (name == "subjectType" && !parts_.subject) parts_.subject = child;
    }
  }

  struct Alias {
    std::string name;
    pugi::xml_node node;
    std::uint64_t order = 0;
  };

  void map_entry(const pugi::xml_node& entry) {
    const std::string reference(attr(entry, "euReferenceNumber"));
    const std::string_view logical = attr(entry, "logicalId");
    const std::string record = reference.empty() ? fmt::format("logicalId {}", logical) : reference;
    // Checked before anything is staged, so that a skipped record leaves nothing behind.
    const auto bad = [&](std::string reason) {
      context_.bad_record(LoadError(path_, line(entry), std::move(reason), record));
    };
    if (reference.empty() && logical.empty()) return bad("no euReferenceNumber and no logicalId");
    sort_children(entry);
    const pugi::xml_node subject = parts_.subject;
    const std::string_view subject_code = attr(subject, "code");
    if (subject_code.empty()) return bad("no subjectType code (person or enterprise)");
    std::vector<Alias> aliases;
    for (const pugi::xml_node alias : parts_.alias) {
      std::string name = detail::collapse_spaces(attr(alias, "wholeName"));
      if (name.empty()) {  // the parts, when the whole name is not given
        for (const char* part : {"firstName", "middleName", "lastName"})
          detail::append_collapsed(name, attr(alias, part), " ");
      }
      if (!name.empty()) aliases.push_back({std::move(name), alias, parse_logical_id(attr(alias, "logicalId"))});
    }
    if (aliases.empty()) return bad("no nameAlias with a wholeName or name parts");
    std::optional<Date> designated;
    if (const auto text = attr(entry, "designationDate"); !text.empty() && !(designated = Date::parse(text)))
      return bad(fmt::format("designationDate '{}' is not a date written YYYY-MM-DD", text));
    for (const pugi::xml_node regulation : parts_.regulation)
      for (const char* field : {"publicationDate", "entryIntoForceDate"})
        if (const auto text = attr(regulation, field); !text.empty() && !Date::parse(text))
          return bad(fmt::format("regulation {} {} '{}' is not a date written YYYY-MM-DD",
                                 attr(regulation, "numberTitle"), field, text));
    for (const pugi::xml_node birth : parts_.birth)
      if (const auto text = attr(birth, "birthdate"); !text.empty() && !Date::parse(text))
        return bad(fmt::format("birthdate '{}' is not a date written YYYY-MM-DD", text));

    const bool person = subject_code == "person";
    const std::string id = "eu-fsf:" + (reference.empty() ? "logicalId:" + std::string(logical) : reference);
    const Source where{path_, record, line(entry)};
    Batch& batch = context_.batch;
    auto attribute = [&](std::string_view key, std::string_view value) {
      if (!value.empty()) batch.add_attribute(id, key, value, where);
    };

    // The file marks no alias as the primary name: the display name is the alias the database
    // recorded first (lowest logicalId), so it does not change with the order of the export.
    // Every alias is kept as a name of the party.
    const auto first = std::min_element(aliases.begin(), aliases.end(),
                                        [](const Alias& a, const Alias& b) { return a.order < b.order; });
    batch.add_entity({.id = id, .kind = person ? NodeKind::Person : NodeKind::LegalEntity,
                      .name = first->name, .source = where});
    context_.report.add("entities");
    context_.report.add(person ? "persons" : "enterprises");
    if (subject_code != "person" && subject_code != "enterprise")
      context_.report.warnings.push_back({path_, where.line, record,
                                          fmt::format("subjectType '{}' is neither person nor enterprise: kept "
                                                      "as a legal entity", subject_code)});

    attribute("euReference", reference);
    attribute("unReference", attr(entry, "unitedNationId"));
    attribute("euLogicalId", logical);
    attribute("designationDetails", detail::collapse_spaces(attr(entry, "designationDetails")));
    for (const pugi::xml_node remark : parts_.remark)
      attribute("notes", detail::collapse_spaces(remark.child_value()));

    for (const Alias& alias : aliases) {
      const pugi::xml_node& node = alias.node;
      NameStrength strength = NameStrength::Unknown;
      if (const auto strong = attr(node, "strong"); !strong.empty())
        strength = is_true(strong) ? NameStrength::Strong : NameStrength::Weak;
      for (const pugi::xml_node remark : node.children("remark")) {
        const std::string text = detail::collapse_spaces(remark.child_value());
        if (const auto graded = graded_by_remark(text)) strength = *graded;
        else attribute("nameNote", fmt::format("{}: {}", alias.name, text));
      }
      batch.add_name(id, alias.name, &alias == &*first ? NameType::Primary : NameType::Aka, strength, where);
      context_.report.add("aliases");
      if (const auto language = attr(node, "nameLanguage"); !language.empty())
        attribute("nameLanguage", fmt::format("{}: {}", language, alias.name));
      attribute("gender", attr(node, "gender"));
      attribute("title", detail::collapse_spaces(attr(node, "title")));
      attribute(person ? "position" : "description", detail::collapse_spaces(attr(node, "function")));
    }
    for (const pugi::xml_node citizenship : parts_.citizenship) {
      std::string text(country_of(citizenship));
      if (const auto region = attr(citizenship, "region"); !region.empty()) detail::append_part(text, region);
      attribute("nationality", text);
    }
    for (const pugi::xml_node birth : parts_.birth) {
      attribute("birthDate", birth_date(birth));
      attribute("birthPlace", place_of(birth));
    }
    for (const pugi::xml_node address : parts_.address) {
      std::string text = place_of(address);
      std::string notes;
      for (const pugi::xml_node remark : address.children("remark"))
        detail::append_collapsed(notes, remark.child_value(), "; ");
      if (text.empty()) text = notes;
      else if (!notes.empty()) text += fmt::format(" ({})", notes);
      if (!text.empty()) {
        attribute("address", text);
        context_.report.add("addresses");
      }
      for (const pugi::xml_node contact : address.children("contactInfo")) {
        const std::string_view key = attr(contact, "key");
        const std::string value = detail::collapse_spaces(attr(contact, "value"));
        const auto known = std::find_if(std::begin(kContactKeys), std::end(kContactKeys),
                                        [&](const auto& row) { return row.first == key; });
        if (known != std::end(kContactKeys)) attribute(known->second, value);
        else if (!value.empty()) attribute("contact", fmt::format("{}: {}", key, value));
      }
    }
    for (const pugi::xml_node identification : parts_.identification) map_identification(id, identification, where);

    // The listings: one Action per regulation.
    std::uint32_t count = 0;
    for (const pugi::xml_node regulation : parts_.regulation) {
      map_regulation(id, regulation, ++count, designated, where, entry);
    }
    if (count == 0) {
      context_.report.warnings.push_back({path_, where.line, record,
                                          "no regulation: listed on the EU Financial Sanctions Files, "
                                          "programme and measure unknown"});
      map_regulation(id, pugi::xml_node(), 0, designated, where, entry);
    }
  }

  void map_identification(const std::string& id, const pugi::xml_node& node, const Source& where) {
    Batch& batch = context_.batch;
    const std::string_view code = attr(node, "identificationTypeCode");
    const std::string number = detail::collapse_spaces(attr(node, "number"));
    const std::string latin = detail::collapse_spaces(attr(node, "latinNumber"));
    if (number.empty() && latin.empty()) return;
    // "<type>, <number>, <country> (<details>)", the form the CSL and UN loaders write.
    std::string_view description = attr(node, "identificationTypeDescription");
    if (description.empty()) description = code.empty() ? std::string_view("Identification") : code;
    std::string text(description);
    detail::append_part(text, number.empty() ? latin : number);
    detail::append_part(text, country_of(node));
    std::string details;
    if (!latin.empty() && latin != number) detail::append_part(details, fmt::format("latin {}", latin), "; ");
    if (const auto date = attr(node, "issueDate"); !date.empty())
      detail::append_part(details, fmt::format("issued {}", date), "; ");
    if (const auto date = attr(node, "validFrom"); !date.empty())
      detail::append_part(details, fmt::format("valid from {}", date), "; ");
    if (const auto date = attr(node, "validTo"); !date.empty())
      detail::append_part(details, fmt::format("valid to {}", date), "; ");
    if (const auto by = attr(node, "issuedBy"); !by.empty()) detail::append_part(details, fmt::format("issued by {}", by), "; ");
    if (const auto region = attr(node, "region"); !region.empty()) detail::append_part(details, region, "; ");
    if (const auto name = attr(node, "nameOnDocument"); !name.empty())
      detail::append_part(details, fmt::format("name on document {}", name), "; ");
    for (auto [flag, words] : {std::pair{"diplomatic", "diplomatic"}, std::pair{"knownExpired", "known expired"},
                               std::pair{"knownFalse", "known false"}, std::pair{"reportedLost", "reported lost"},
                               std::pair{"revokedByIssuer", "revoked by issuer"}})
      if (is_true(attr(node, flag))) detail::append_part(details, words, "; ");
    for (const pugi::xml_node remark : node.children("remark"))
      detail::append_collapsed(details, remark.child_value(), "; ");
    if (!details.empty()) text += fmt::format(" ({})", details);

    const auto typed = std::find_if(std::begin(kIdentificationKeys), std::end(kIdentificationKeys),
                                    [&](const auto& row) { return row.first == code; });
    if (typed != std::end(kIdentificationKeys)) {
      for (const std::string& value : {number, latin})
        if (!value.empty()) batch.add_attribute(id, typed->second, value, where);
      batch.add_attribute(id, "document", text, where);  // the details, beside the number
    } else {
      batch.add_attribute(id, "identification", text, where);
    }
    context_.report.add("identifications");
  }

  void map_regulation(const std::string& id, const pugi::xml_node& regulation, std::uint32_t index,
                      std::optional<Date> designated, const Source& where, const pugi::xml_node& entry) {
    const std::string_view programme = attr(regulation, "programme");
    const std::string_view type = attr(regulation, "regulationType");
    const std::string_view organisation = attr(regulation, "organisationType");
    const std::optional<Date> published = Date::parse(attr(regulation, "publicationDate"));
    const std::optional<Date> in_force = Date::parse(attr(regulation, "entryIntoForceDate"));
    const std::string_view logical = attr(regulation, "logicalId");
    // The regulation's logicalId names the action; without one, its place among the entry's.
    const std::string action = !regulation        ? id + "#FSF"
                               : logical.empty() ? fmt::format("{}#regulation-{}", id, index)
                                                 : fmt::format("{}#{}", id, logical);
    // When the listing began. The entry's designationDate when the file gives it: a regulation of
    // type "amendment" changes an existing entry, so its own dates say when the change applied,
    // not when the party was listed. Without a designationDate, the regulation's dates date the
    // listing only when it is the listing act itself (type "regulation"); an amendment alone
    // leaves the date unknown (RULES.md §8.10, §8.8), its dates kept on the action.
    std::optional<Date> listed;
    DateRange period;
    if (designated) {
      listed = designated;
      period.start = designated;
    } else if (type == "regulation") {
      listed = published;
      period.start = in_force ? in_force : published;
    }
    std::string_view authority = "EU";
    if (organisation == "council") authority = "Council of the European Union";
    else if (organisation == "commission") authority = "European Commission";
    const detail::MeasureMapping mapping = detail::eu_fsf_mapping(programme);
    context_.batch.add_action({.id = action, .target = id, .authority = authority, .list = kList,
                               .program = programme, .legal_basis = attr(regulation, "numberTitle"),
                               .citation = trim(regulation.child("publicationUrl").child_value()),
                               .listed = listed, .in_force = period, .source = where,
                               .measure_set = mapping.measures, .issuer = mapping.issuer,
                               .list_id = mapping.list});
    auto fact = [&](std::string_view key, std::string_view value) {
      if (!value.empty()) context_.batch.add_attribute(action, key, value, where);
    };
    fact("regulationType", type);
    fact("organisationType", organisation);
    fact("publicationDate", attr(regulation, "publicationDate"));
    fact("entryIntoForceDate", attr(regulation, "entryIntoForceDate"));
    fact("designationDate", attr(entry, "designationDate"));
    fact("euReference", attr(entry, "euReferenceNumber"));
    fact("measureBasis", mapping.basis);
    context_.report.add("actions");
  }

  // A birthdate as the file gives it: the day when it gives one ("1965-04-14"), else the year and
  // month or the year ("1965-04", "1965"), a range of years ("between 1953 and 1958"), "circa"
  // in front when the file says circa="true"; a date in another calendar keeps its own parts
  // beside the Gregorian day the file gives ("1982-04-19 (ISLAMIC calendar: year 1402, month 6,
  // day 24)"); a remark follows in parentheses. Never a day the file does not give.
  std::string birth_date(const pugi::xml_node& birth) {
    const std::string_view calendar = attr(birth, "calendarType");
    const bool gregorian = calendar.empty() || calendar == "GREGORIAN";
    const std::string_view day = attr(birth, "dayOfMonth"), month = attr(birth, "monthOfYear"),
                           year = attr(birth, "year");
    std::string out(attr(birth, "birthdate"));
    if (out.empty() && gregorian && !year.empty()) {
      out = std::string(year);
      if (!month.empty()) {
        out += fmt::format("-{:0>2}", month);
        if (!day.empty()) out += fmt::format("-{:0>2}", day);
      }
    }
    if (out.empty()) {
      const std::string_view from = attr(birth, "yearRangeFrom"), to = attr(birth, "yearRangeTo");
      if (!from.empty() && !to.empty()) out = fmt::format("between {} and {}", from, to);
      else if (!from.empty()) out = fmt::format("{} or later", from);
      else if (!to.empty()) out = fmt::format("{} or earlier", to);
    }
    std::string details;
    if (!gregorian && (!year.empty() || !month.empty() || !day.empty())) {
      std::string parts;
      if (!year.empty()) detail::append_part(parts, fmt::format("year {}", year));
      if (!month.empty()) detail::append_part(parts, fmt::format("month {}", month));
      if (!day.empty()) detail::append_part(parts, fmt::format("day {}", day));
      details = fmt::format("{} calendar: {}", calendar, parts);
      if (out.empty()) out = "date in another calendar";
    }
    if (out.empty()) return {};
    for (const pugi::xml_node remark : birth.children("remark")) {
      const std::string text = detail::collapse_spaces(remark.child_value());
      if (text != out) detail::append_part(details, text, "; ");  // not the range said again
    }
    if (is_true(attr(birth, "circa"))) out = "circa " + out;
    if (!details.empty()) out += fmt::format(" ({})", details);
    return out;
  }

  // A place or address: street, PO box, city, zip code, region, place, country. City "-" is the
  // file's placeholder for none.
  std::string place_of(const pugi::xml_node& node) {
    std::string text;
    detail::append_collapsed(text, attr(node, "street"));
    if (const auto box = detail::collapse_spaces(attr(node, "poBox")); !box.empty())
      detail::append_part(text, "P.O. Box " + box);
    if (const auto city = detail::collapse_spaces(attr(node, "city")); city != "-") detail::append_part(text, city);
    detail::append_collapsed(text, attr(node, "zipCode"));
    detail::append_collapsed(text, attr(node, "region"));
    detail::append_collapsed(text, attr(node, "place"));
    detail::append_part(text, country_of(node));
    return text;
  }

  const std::string& path_;
  LoadContext& context_;
  SourceFile file_;
  std::string_view text_;
  detail::LineIndex lines_;  // taken before the in-place parse writes into the text
  AttributeCache attributes_;
  Parts parts_;
};

}  // namespace

void load_eu_fsf(const std::string& path, LoadContext& context) { EuFsfLoader(path, context).run(); }

LoadReport load_eu_fsf(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_eu_fsf), path, builder, options);
}

bool looks_like_eu_fsf(std::string_view head, std::string_view /*file_name*/) noexcept {
  return detail::contains(head, kNamespace) || detail::contains(head, "<sanctionEntity");  // find_bytes: see xml_common.h
}

}  // namespace skg
