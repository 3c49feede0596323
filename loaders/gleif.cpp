// GLEIF golden-copy files -> skg model (data CC0; formats: LEI-CDF 3.1, RR-CDF 2.1 and the Level 2
// reporting-exceptions format, https://www.gleif.org/en/about-lei/common-data-file-format). The XML
// files use the namespaces http://www.gleif.org/data/schema/{leidata,rr,repex}/2016 (any prefix:
// elements are matched by their local name); the JSON golden copy is the same records in
// BadgerFish style ({"$": text}, "@attr", repeated elements as arrays) under {"records": [...]}.
// One record mapper serves both, written over a small node interface (XmlNode, JsonNode).
//
// Mapping:
// - LEIRecord -> party `lei:<LEI upper-case>` (cross-source identity contract), attribute leiCode.
//   Kind: EntityCategory RESIDENT_GOVERNMENT_ENTITY, INTERNATIONAL_ORGANIZATION -> Organization;
//   any other (GENERAL, FUND, BRANCH, SOLE_PROPRIETOR) -> Company. Names: LegalName primary;
//   OtherEntityName of type PREVIOUS_LEGAL_NAME -> previous name, other types (TRADING_OR_
//   OPERATING_NAME, ALTERNATIVE_LANGUAGE_LEGAL_NAME, ...) -> aliases; TransliteratedOtherEntityName
//   -> aliases. Attributes: jurisdiction (LegalJurisdiction), country (LegalAddress Country),
//   address (legal address), headquartersAddress (when it differs), entityCategory,
//   legalFormCode (EntityLegalFormCode, ISO 20275 ELF), legalForm (OtherLegalForm), entityStatus,
//   foundingDate (EntityCreationDate), registrationAuthorityId, registrationAuthorityEntityId,
//   registrationStatus, leiInitialRegistrationDate, leiLastUpdateDate, leiNextRenewalDate,
//   managingLou, validationSources. When RegistrationAuthorityID is RA000585 (GLEIF's
//   Registration Authorities List: UK Companies House) the entity id is also gbCompanyNumber.
// - RelationshipRecord -> one edge StartNode -> EndNode (RR-CDF: the start node is the child, the
//   end node the parent), id `lei:<start>#<type>#lei:<end>`, kind by kRelationships below.
//   Accounting consolidation gives a parent, not a stake: the share stays unknown unless a
//   RelationshipQuantifier gives QuantifierUnits PERCENTAGE, whose QuantifierAmount is then the
//   share, as written (exact to a millionth). Dates: the RELATIONSHIP_PERIOD's StartDate and
//   EndDate ([start, end): an end at midnight leaves nothing of its day). An INACTIVE
//   relationship without an end date ended no later than the record's LastUpdateDate: that is
//   its end, and attribute "endFrom" says so. Other periods (ACCOUNTING_PERIOD,
//   DOCUMENT_FILING_PERIOD), qualifiers, quantifiers, status, registration status and validation
//   documents are edge attributes. ANNULLED relationship records (issued in error) are left out.
// - Exception (reporting exceptions) -> attribute "reportingException" =
//   "<ExceptionCategory>: <ExceptionReason>" on `lei:<LEI>` ("DIRECT_ACCOUNTING_CONSOLIDATION_PARENT:
//   NATURAL_PERSONS": no parent is reported because natural persons hold it), with
//   ExceptionReference appended when given. An exception for an LEI that no loaded record defines
//   is reported unresolved.
// - Versions: a record id seen twice in one load (a full file and an update file) keeps the version
//   with the latest LastUpdateDate (compared as instants); the other is taken back or left out and
//   counted as "records superseded". Loading the same files again changes nothing.
// - Errors name the file, the line of the record and the LEI.
#include "skg/loaders/gleif.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <fmt/format.h>
#include <pugixml.hpp>
#include <vector>

#include "skg/loaders/json_common.h"  // first: it sets RapidJSON's SSE2 switch before any include
#include <rapidjson/error/en.h>
#include "skg/loaders/list_common.h"
#include "skg/loaders/xml_common.h"
#include "skg/loaders/source.h"

namespace skg::inline v1 {

namespace {

using Json = rapidjson::Value;

// ---- one interface over XML elements and BadgerFish JSON objects ------------------------------

using detail::local_name;

/// The element children of the last few nodes read, by local name. A record's mapper asks one
/// node (Entity, an address, Registration) for a dozen children by name; asked of pugixml, each
/// question walks every sibling and measures its name. Here a node's children are listed once.
class ChildIndex {
 public:
  struct Child {
    const char* local;  // the name after its namespace prefix, NUL-terminated
    pugi::xml_node node;
  };
  /// The namespace prefix of the file's elements ("lei:"), taken from the root: names that start
  /// with it have their local name right after it, without a search for the ':'.
  explicit ChildIndex(std::string_view root_name) {
    if (const auto colon = root_name.find(':'); colon != std::string_view::npos) prefix_ = root_name.substr(0, colon + 1);
  }
  const std::vector<Child>& of(pugi::xml_node parent) {
    const pugi::xml_node_struct* key = parent.internal_object();
    if (entries_[last_].key == key) return entries_[last_].children;
    for (std::size_t at = 0; at < entries_.size(); ++at)
      if (entries_[at].key == key) return entries_[last_ = at].children;
    Entry& entry = entries_[last_ = next_];
    next_ = (next_ + 1) % entries_.size();
    entry.key = key;
    entry.children.clear();
    for (pugi::xml_node item = parent.first_child(); item; item = item.next_sibling()) {
      if (item.type() != pugi::node_element) continue;
      const char* name = item.name();
      const bool prefixed = !prefix_.empty() && std::strncmp(name, prefix_.data(), prefix_.size()) == 0;
      entry.children.push_back({prefixed ? name + prefix_.size() : local_name(name).data(), item});
    }
    return entry.children;
  }
  /// True when a NUL-terminated local name is `want`; most names differ in their first letter.
  static bool is(const char* local, std::string_view want) noexcept {
    for (const char c : want)
      if (*local++ != c) return false;
    return *local == '\0';
  }

 private:
  struct Entry {
    const pugi::xml_node_struct* key = nullptr;
    std::vector<Child> children;
  };
  std::string_view prefix_;
  std::array<Entry, 16> entries_;  // more than the nodes one record asks about
  std::size_t next_ = 0, last_ = 0;
};

class XmlNode {
 public:
  XmlNode() = default;
  XmlNode(pugi::xml_node node, ChildIndex& index) : node_(node), index_(&index) {}
  explicit operator bool() const { return static_cast<bool>(node_); }
  XmlNode child(std::string_view name) const {
    if (!node_) return {};
    for (const ChildIndex::Child& item : index_->of(node_))
      if (ChildIndex::is(item.local, name)) return XmlNode(item.node, *index_);
    return {};
  }
  template <class Fn>
  void each(std::string_view name, Fn&& fn) const {
    if (!node_) return;
    // Copied out: `fn` may read other nodes, and the index may then reuse this node's entry.
    std::vector<pugi::xml_node> found;
    for (const ChildIndex::Child& item : index_->of(node_))
      if (ChildIndex::is(item.local, name)) found.push_back(item.node);
    for (const pugi::xml_node item : found) fn(XmlNode(item, *index_));
  }
  std::string_view text() const { return trim(node_.child_value()); }
  std::string_view text(std::string_view name) const { return child(name).text(); }
  std::string_view attribute(std::string_view name) const {
    for (pugi::xml_attribute item = node_.first_attribute(); item; item = item.next_attribute())
      if (name == item.name() || local_name(item.name()) == name) return item.value();
    return {};
  }
  std::ptrdiff_t offset() const { return node_.offset_debug(); }

 private:
  pugi::xml_node node_;
  ChildIndex* index_ = nullptr;
};

class JsonNode {
 public:
  JsonNode() = default;
  explicit JsonNode(const Json* value) : value_(value) {}
  explicit operator bool() const { return value_ != nullptr; }
  JsonNode child(std::string_view name) const {
    if (value_ == nullptr) return {};
    const Json* found = detail::member(*value_, name);
    if (found != nullptr && found->IsArray()) found = found->Empty() ? nullptr : &(*found)[0];
    return JsonNode(found);
  }
  template <class Fn>
  void each(std::string_view name, Fn&& fn) const {
    if (value_ == nullptr) return;
    const Json* found = detail::member(*value_, name);
    if (found == nullptr) return;
    if (!found->IsArray()) return fn(JsonNode(found));
    for (const Json& item : found->GetArray()) fn(JsonNode(&item));
  }
  std::string_view text() const {
    if (value_ == nullptr) return {};
    if (value_->IsString()) return trim(detail::view(*value_));
    return trim(detail::string_member(*value_, "$"));
  }
  std::string_view text(std::string_view name) const { return child(name).text(); }
  std::string_view attribute(std::string_view name) const {
    if (value_ == nullptr) return {};
    const std::string key = fmt::format("@{}", name);
    if (const auto found = detail::string_member(*value_, key); !found.empty()) return found;
    return detail::string_member(*value_, fmt::format("@xml:{}", name));
  }
  const Json* value() const { return value_; }

 private:
  const Json* value_ = nullptr;
};

// ---- tables --------------------------------------------------------------------------------------

// RR-CDF 2.1 RelationshipType -> edge. Direction as the record: StartNode (child, fund, branch)
// -> EndNode (parent, manager, head office, umbrella, master fund), except the fund manager,
// which CONTROLS the fund (holder -> subject, as every CONTROLS edge).
//   IS_DIRECTLY_CONSOLIDATED_BY: the end node is the start node's direct accounting consolidation
//     parent -> SUBSIDIARY_OF, role "direct parent (accounting consolidation)";
//   IS_ULTIMATELY_CONSOLIDATED_BY: the ultimate accounting consolidation parent -> SUBSIDIARY_OF,
//     role "ultimate parent (accounting consolidation)": both are kept, each its own edge;
//   IS_FUND-MANAGED_BY: the end node manages the fund -> CONTROLS manager -> fund, significant
//     influence (a manager directs a fund's affairs without owning it);
//   IS_SUBFUND_OF, IS_FEEDER_TO, IS_INTERNATIONAL_BRANCH_OF: a sub-fund of an umbrella, a feeder of
//     a master fund, a branch of its head office: not a parent by consolidation nor a stated stake
//     -> UNKNOWN_LINK with the type as role (kept, never counted by an ownership rule).
struct RelationshipKind {
  std::string_view type;
  EdgeKind kind;
  Interest interest;
  bool reversed;  // the edge runs EndNode -> StartNode
  std::string_view role;
};
constexpr RelationshipKind kRelationships[] = {
    {"IS_DIRECTLY_CONSOLIDATED_BY", EdgeKind::SubsidiaryOf, Interest::Unspecified, false,
     "direct parent (accounting consolidation)"},
    {"IS_ULTIMATELY_CONSOLIDATED_BY", EdgeKind::SubsidiaryOf, Interest::Unspecified, false,
     "ultimate parent (accounting consolidation)"},
    {"IS_FUND-MANAGED_BY", EdgeKind::Controls, Interest::SignificantInfluence, true, "fund manager"},
    {"IS_SUBFUND_OF", EdgeKind::UnknownLink, Interest::Unspecified, false, "sub-fund of (umbrella fund)"},
    {"IS_FEEDER_TO", EdgeKind::UnknownLink, Interest::Unspecified, false, "feeder fund of (master fund)"},
    {"IS_INTERNATIONAL_BRANCH_OF", EdgeKind::UnknownLink, Interest::Unspecified, false,
     "international branch of (head office)"},
};

const RelationshipKind* relationship_kind(std::string_view type) {
  for (const RelationshipKind& known : kRelationships)
    if (known.type == type) return &known;
  return nullptr;
}

// GLEIF Registration Authorities List: RA000585 is Companies House (United Kingdom).
constexpr std::string_view kCompaniesHouse = "RA000585";

bool valid_lei(std::string_view lei) {
  return lei.size() == 20 && std::all_of(lei.begin(), lei.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) != 0 || std::isalpha(static_cast<unsigned char>(c)) != 0;
         });
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

/// The day of a GLEIF date-time as a start, or as an exclusive end: an end at midnight (or a date
/// alone) is itself; an end later in a day leaves that day in, so the end is the next day.
std::optional<Date> gleif_day(std::string_view text, bool end) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  const auto instant = parse_gleif_instant(text);
  if (!instant) return std::nullopt;
  const auto day = Date::parse(text.substr(0, 10));
  if (!day || !end) return day;
  const bool midnight = text.size() == 10 || text.substr(10, 9) == "T00:00:00";
  return midnight ? day : Date{day->days + 1};
}

struct Bad {
  std::string reason;
};

class GleifReader {
 public:
  GleifReader(const std::string& path, LoadContext& context) : path_(path), context_(context) {}

  void run() {
    SourceFile file(path_);
    context_.report.files.push_back(path_);
    text_ = file.content();
    const std::string_view body = trim(text_);
    if (body.empty()) throw LoadError(path_, 0, "empty file: expected GLEIF LEI, relationship or exception records");
    if (body.front() == '{' || body.front() == '[') read_json(file);
    else read_xml();
    context_.progress(path_, file.size());
    for (const auto& [kind, count] : counts_)
      if (count != 0) context_.report.add(kind, count);
  }

 private:
  // ---- XML -------------------------------------------------------------------------------------
  void read_xml() {
    pugi::xml_document document;
    const pugi::xml_node root_element = detail::parse_xml(
        document, path_, text_, lines_,
        {.what = "a GLEIF file", .roots = {"LEIData", "RelationshipData", "ReportingExceptionData"},
         .any_prefix = true, .in_place = true});
    ChildIndex index(root_element.name());
    const XmlNode root(root_element, index);
    const std::string_view root_name = detail::local_name(root_element.name());
    if (root_name == "LEIData") {
      root.child("LEIRecords").each("LEIRecord", [&](XmlNode record) { guarded(record, xml_line(record), 0); });
    } else if (root_name == "RelationshipData") {
      root.child("RelationshipRecords").each("RelationshipRecord", [&](XmlNode record) {
        guarded(record, xml_line(record), 1);
      });
    } else {
      root.child("ReportingExceptions").each("Exception", [&](XmlNode record) { guarded(record, xml_line(record), 2); });
    }
  }

  // The line of a node, from the line ends counted before the in-place parse rewrote the text.
  std::uint64_t xml_line(const XmlNode& node) const {
    return lines_.line_at(static_cast<std::size_t>(std::max<std::ptrdiff_t>(node.offset(), 0)));
  }

  // ---- JSON ------------------------------------------------------------------------------------
  void read_json(const SourceFile& file) {
    if (const auto invalid = find_invalid_utf8(text_); invalid != std::string_view::npos)
      throw LoadError(path_, line_of(text_, invalid), "invalid UTF-8 (GLEIF files are UTF-8)");
    lines_ = detail::LineIndex(text_);  // before the in-place parse writes into the text
    std::string copy;
    char* const text = file.parse_buffer(copy);
    base_ = text;
    rapidjson::Document document;
    constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseValidateEncodingFlag |
                                rapidjson::kParseIterativeFlag;
    document.ParseInsitu<kFlags>(text);
    if (document.HasParseError())
      throw LoadError(path_, json_line_at(document.GetErrorOffset()),
                      fmt::format("invalid JSON: {}", rapidjson::GetParseError_En(document.GetParseError())));
    const Json* records = document.IsArray() ? &document : detail::member(document, "records");
    if (records == nullptr || !records->IsArray())
      throw LoadError(path_, 1, "not a GLEIF JSON golden copy: no \"records\" array");
    for (const Json& record : records->GetArray()) {
      const JsonNode node(&record);
      const std::uint64_t line = json_line(record);
      if (!record.IsObject()) {
        context_.bad_record(LoadError(path_, line, "the record is not a JSON object"));
        continue;
      }
      const int type = node.child("LEI") && node.child("Entity") ? 0
                       : node.child("Relationship")             ? 1
                       : node.child("ExceptionCategory")        ? 2
                                                                : -1;
      if (type < 0) {
        context_.bad_record(LoadError(path_, line, "the record is neither an LEI record, a relationship record "
                                                   "nor a reporting exception"));
        continue;
      }
      guarded(node, line, type);
    }
  }

  std::uint64_t json_line_at(std::size_t offset) const { return lines_.line_at(offset); }
  std::uint64_t json_line(const Json& record) const {
    if (record.IsObject())
      for (const auto& field : record.GetObject())
        return json_line_at(static_cast<std::size_t>(field.name.GetString() - base_));
    return 0;
  }

  // ---- records ---------------------------------------------------------------------------------
  template <class Node>
  void guarded(const Node& record, std::uint64_t line, int type) {
    line_ = line;
    record_.clear();
    try {
      if (type == 0) lei_record(record);
      else if (type == 1) relationship_record(record);
      else exception_record(record);
    } catch (const Bad& bad) {
      context_.bad_record(LoadError(path_, line_, bad.reason, record_));
    }
  }

  /// True when this version of `id` is the one to keep; takes back an older one of this load.
  bool keep_version(const std::string& id, std::string_view last_update, bool edge) {
    const auto instant = parse_gleif_instant(last_update);
    if (!last_update.empty() && !instant)
      throw Bad{fmt::format("LastUpdateDate '{}' is not an ISO 8601 date-time", last_update)};
    const std::string version = instant ? fmt::format("{:020}", *instant + (std::int64_t{1} << 62)) : std::string();
    auto [found, inserted] = context_.versions.try_emplace(id, version);
    if (inserted) return keep_over_loaded(id, edge, found->second);
    ++counts_[3].second;
    if (version <= found->second) return false;  // the load holds a later (or the same) version
    found->second = version;
    context_.batch.retract(id, false);
    if (edge) std::erase_if(context_.pending, [&](const PendingEdge& pending) { return pending.id == id; });
    return true;
  }

  /// Across loads (RULES.md §9.4): the builder may hold a version of `id` from an earlier load.
  /// A later version replaces it (Batch::replace: its facts, or the edge, give way); the same
  /// version (the file loaded again) or an older one (an old update file loaded late) is left
  /// out, counted, and the load remembers the version it holds.
  bool keep_over_loaded(const std::string& id, bool edge, std::string& version) {
    const auto held = context_.builder.record_fact(id, edge ? "lastUpdateDate" : "leiLastUpdateDate");
    if (!held) return true;
    const auto instant = parse_gleif_instant(*held);
    const std::string loaded = instant ? fmt::format("{:020}", *instant + (std::int64_t{1} << 62)) : std::string();
    if (version <= loaded) {
      ++counts_[version == loaded ? 6 : 7].second;
      version = loaded;
      return false;
    }
    context_.batch.replace(id, {path_, record_, static_cast<std::uint32_t>(line_)});
    ++counts_[8].second;
    return true;
  }

  template <class Node>
  static std::string address(const Node& node) {
    std::string out;
    if (!node) return out;
    for (std::string_view part : {"AddressNumber", "AddressNumberWithinBuilding", "MailRouting", "FirstAddressLine"})
      detail::append_collapsed(out, node.text(part));
    node.each("AdditionalAddressLine", [&](const Node& line) { detail::append_collapsed(out, line.text()); });
    for (std::string_view part : {"City", "Region", "PostalCode", "Country"})
      detail::append_collapsed(out, node.text(part));
    return out;
  }

  template <class Node>
  void lei_record(const Node& record) {
    const std::string lei = upper(record.text("LEI"));
    record_ = lei;
    if (!valid_lei(lei)) throw Bad{fmt::format("LEI '{}' is not 20 letters and digits (ISO 17442)", record.text("LEI"))};
    const Node entity = record.child("Entity");
    const Node registration = record.child("Registration");
    const std::string name = detail::collapse_spaces(entity.text("LegalName"));
    if (name.empty()) throw Bad{"the LEI record has no LegalName"};
    for (std::string_view date : {"EntityCreationDate"})
      if (const auto text = entity.text(date); !text.empty() && !gleif_day(text, false))
        throw Bad{fmt::format("{} '{}' is not an ISO 8601 date", date, text)};
    const std::string id = "lei:" + lei;
    if (!keep_version(id, registration.text("LastUpdateDate"), false)) return;

    const Source where{path_, lei, static_cast<std::uint32_t>(line_)};
    Batch& batch = context_.batch;
    const std::string_view category = entity.text("EntityCategory");
    const NodeKind kind = category == "RESIDENT_GOVERNMENT_ENTITY" || category == "INTERNATIONAL_ORGANIZATION"
                              ? NodeKind::Organization
                              : NodeKind::Company;
    batch.add_entity({.id = id, .kind = kind, .name = name, .source = where});
    ++counts_[0].second;
    auto attribute = [&](std::string_view key, std::string_view value) {
      if (!value.empty()) batch.add_attribute(id, key, value, where);
    };
    attribute("leiCode", lei);
    entity.child("OtherEntityNames").each("OtherEntityName", [&](const Node& other) {
      const std::string text = detail::collapse_spaces(other.text());
      if (text.empty()) return;
      const NameType type = other.attribute("type") == "PREVIOUS_LEGAL_NAME" ? NameType::Previous : NameType::Aka;
      batch.add_name(id, text, type, NameStrength::Unknown, where);
      ++counts_[1].second;
    });
    entity.child("TransliteratedOtherEntityNames").each("TransliteratedOtherEntityName", [&](const Node& other) {
      const std::string text = detail::collapse_spaces(other.text());
      if (text.empty() || text == name) return;
      batch.add_name(id, text, NameType::Aka, NameStrength::Unknown, where);
      ++counts_[1].second;
    });
    const Node legal_address = entity.child("LegalAddress");
    const std::string legal = address(legal_address);
    attribute("address", legal);
    if (const std::string head = address(entity.child("HeadquartersAddress")); head != legal)
      attribute("headquartersAddress", head);
    attribute("country", legal_address.text("Country"));
    attribute("jurisdiction", entity.text("LegalJurisdiction"));
    attribute("entityCategory", category);
    attribute("entitySubCategory", entity.text("EntitySubCategory"));
    const Node form = entity.child("LegalForm");
    attribute("legalFormCode", form.text("EntityLegalFormCode"));
    attribute("legalForm", form.text("OtherLegalForm"));
    attribute("entityStatus", entity.text("EntityStatus"));
    if (const auto created = gleif_day(entity.text("EntityCreationDate"), false)) attribute("foundingDate", created->to_string());
    const Node authority = entity.child("RegistrationAuthority");
    const std::string_view authority_id = authority.text("RegistrationAuthorityID");
    const std::string_view entity_id = authority.text("RegistrationAuthorityEntityID");
    attribute("registrationAuthorityId", authority_id);
    attribute("registrationAuthorityEntityId", entity_id);
    attribute("otherRegistrationAuthorityId", authority.text("OtherRegistrationAuthorityID"));
    if (authority_id == kCompaniesHouse) attribute("gbCompanyNumber", entity_id);
    attribute("registrationStatus", registration.text("RegistrationStatus"));
    attribute("leiInitialRegistrationDate", registration.text("InitialRegistrationDate"));
    attribute("leiLastUpdateDate", registration.text("LastUpdateDate"));
    attribute("leiNextRenewalDate", registration.text("NextRenewalDate"));
    attribute("managingLou", registration.text("ManagingLOU"));
    attribute("validationSources", registration.text("ValidationSources"));
    entity.child("SuccessorEntity").each("SuccessorLEI", [&](const Node& successor) {
      attribute("successorLei", successor.text());
    });
  }

  template <class Node>
  void relationship_record(const Node& record) {
    const Node relationship = record.child("Relationship");
    const Node registration = record.child("Registration");
    const Node start_node = relationship.child("StartNode");
    const Node end_node = relationship.child("EndNode");
    const std::string start = upper(start_node.text("NodeID")), end = upper(end_node.text("NodeID"));
    record_ = start;
    for (const auto& [node, id] : {std::pair{&start_node, &start}, std::pair{&end_node, &end}}) {
      const std::string_view type = node->text("NodeIDType");
      if (!type.empty() && type != "LEI") throw Bad{fmt::format("NodeIDType '{}' is not LEI", type)};
      if (!valid_lei(*id)) throw Bad{fmt::format("NodeID '{}' is not an LEI (20 letters and digits)", *id)};
    }
    const std::string_view type = relationship.text("RelationshipType");
    const RelationshipKind* kind = relationship_kind(type);
    if (kind == nullptr) throw Bad{fmt::format("RelationshipType '{}' is not an RR-CDF relationship type", type)};
    const std::string_view status = relationship.text("RelationshipStatus");
    if (status != "ACTIVE" && status != "INACTIVE" && !status.empty())
      throw Bad{fmt::format("RelationshipStatus '{}' is not ACTIVE or INACTIVE", status)};
    const std::string_view registration_status = registration.text("RegistrationStatus");
    record_ = fmt::format("{}#{}#{}", start, type, end);

    // Periods and quantifiers, all checked before anything is staged.
    DateRange valid;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::string problem;
    relationship.child("RelationshipPeriods").each("RelationshipPeriod", [&](const Node& period) {
      const std::string_view from = period.text("StartDate"), to = period.text("EndDate");
      const auto first = gleif_day(from, false), last = gleif_day(to, true);
      if ((!from.empty() && !first) || (!to.empty() && !last)) {
        problem = fmt::format("period '{}' to '{}' is not made of ISO 8601 dates", from, to);
        return;
      }
      const std::string_view period_type = period.text("PeriodType");
      if (period_type == "RELATIONSHIP_PERIOD") {
        valid = {first, last};
      } else {
        std::string text = fmt::format("{} to {}", from.empty() ? "?" : from.substr(0, 10), to.empty() ? "?" : to.substr(0, 10));
        std::string key = period_type == "ACCOUNTING_PERIOD" ? "accountingPeriod"
                          : period_type == "DOCUMENT_FILING_PERIOD" ? "documentFilingPeriod"
                                                                    : "period";
        attributes.emplace_back(std::move(key), std::move(text));
      }
    });
    if (!problem.empty()) throw Bad{problem};
    if (valid.start && valid.end && *valid.end < *valid.start)
      throw Bad{fmt::format("the relationship period ends ({}) before it starts ({})", valid.end->to_string(),
                            valid.start->to_string())};
    Percent share;
    relationship.child("RelationshipQuantifiers").each("RelationshipQuantifier", [&](const Node& quantifier) {
      const std::string_view amount = quantifier.text("QuantifierAmount");
      const std::string_view units = quantifier.text("QuantifierUnits");
      const std::string_view method = quantifier.text("MeasurementMethod");
      attributes.emplace_back("quantifier", fmt::format("{} {} {}", method, amount, units));
      if (units == "PERCENTAGE" && !share.known()) {
        const auto parsed = Percent::parse(amount);
        if (!parsed) problem = fmt::format("QuantifierAmount '{}' is not a percentage from 0 to 100", amount);
        else share = *parsed;
      }
    });
    if (!problem.empty()) throw Bad{problem};
    relationship.child("RelationshipQualifiers").each("RelationshipQualifier", [&](const Node& qualifier) {
      attributes.emplace_back("qualifier", fmt::format("{}: {}", qualifier.text("QualifierDimension"),
                                                       qualifier.text("QualifierCategory")));
    });
    const std::string_view last_update = registration.text("LastUpdateDate");
    if (status == "INACTIVE" && !valid.end) {
      const auto until = gleif_day(last_update, true);
      if (until && (!valid.start || *valid.start <= *until)) {
        valid.end = until;
        attributes.emplace_back("endFrom", fmt::format("LastUpdateDate {}: the relationship is INACTIVE and gives no "
                                                       "end date, so it ended no later than that",
                                                       last_update));
      }
    }
    if (registration_status == "ANNULLED") {
      ++counts_[5].second;
      return;
    }
    const std::string from = "lei:" + (kind->reversed ? end : start);
    const std::string to = "lei:" + (kind->reversed ? start : end);
    const std::string id = fmt::format("lei:{}#{}#lei:{}", start, type, end);
    if (!keep_version(id, last_update, true)) return;
    attributes.emplace_back("relationshipType", type);
    for (const auto& [key, value] : {std::pair{"relationshipStatus", status},
                                     std::pair{"registrationStatus", registration_status},
                                     std::pair{"validationSources", registration.text("ValidationSources")},
                                     std::pair{"validationDocuments", registration.text("ValidationDocuments")},
                                     std::pair{"validationReference", registration.text("ValidationReference")},
                                     std::pair{"lastUpdateDate", last_update}})
      if (!value.empty()) attributes.emplace_back(key, value);
    context_.add_edge_or_defer({.kind = kind->kind, .from = from, .to = to, .role = std::string(kind->role), .id = id,
                                .file = path_, .record = record_, .line = line_, .share = share, .valid = valid,
                                .attributes = std::move(attributes), .interest = kind->interest});
    ++counts_[2].second;
  }

  template <class Node>
  void exception_record(const Node& record) {
    const std::string lei = upper(record.text("LEI"));
    record_ = lei;
    if (!valid_lei(lei)) throw Bad{fmt::format("LEI '{}' is not 20 letters and digits (ISO 17442)", record.text("LEI"))};
    const std::string_view category = record.text("ExceptionCategory");
    if (category.empty()) throw Bad{"the reporting exception has no ExceptionCategory"};
    std::string reasons;
    record.each("ExceptionReason", [&](const Node& reason) { detail::append_part(reasons, reason.text()); });
    if (reasons.empty()) throw Bad{"the reporting exception has no ExceptionReason"};
    std::string text = fmt::format("{}: {}", category, reasons);
    std::string references;
    record.each("ExceptionReference", [&](const Node& reference) { detail::append_part(references, reference.text()); });
    if (!references.empty()) text += fmt::format(" ({})", references);
    const std::string id = "lei:" + lei;
    if (!context_.resolves(id)) {
      context_.report.unresolved.push_back(
          {path_, line_, lei, fmt::format("reporting exception '{}' for an LEI that no loaded record defines", text)});
      return;
    }
    // The exception is a record of its own (LEI and category): an update of the LEI record
    // (Batch::replace) leaves it in place.
    const std::string exception_record = fmt::format("{}#{}", lei, category);
    context_.batch.add_attribute(id, "reportingException", text, {path_, exception_record, static_cast<std::uint32_t>(line_)});
    ++counts_[4].second;
  }

  const std::string& path_;
  LoadContext& context_;
  std::string_view text_;
  const char* base_ = nullptr;
  detail::LineIndex lines_;  // taken before an in-place parse writes into the text
  std::uint64_t line_ = 0;
  std::string record_;
  std::pair<std::string_view, std::uint64_t> counts_[9] = {
      {"entities", 0},           {"aliases", 0},          {"relationships", 0},
      {"records superseded", 0}, {"reporting exceptions", 0}, {"annulled relationships", 0},
      {"records already loaded", 0}, {"records older than the loaded version", 0},
      {"records replacing a loaded version", 0}};
};

}  // namespace

std::optional<std::int64_t> parse_gleif_instant(std::string_view text) noexcept {
  text = trim(text);
  if (text.size() < 10) return std::nullopt;
  const auto day = Date::parse(text.substr(0, 10));
  if (!day) return std::nullopt;
  std::int64_t millis = std::int64_t{day->days} * 86'400'000;
  if (text.size() == 10) return millis;
  auto digits = [&](std::size_t at, std::size_t count, int& out) {
    if (at + count > text.size()) return false;
    out = 0;
    for (std::size_t index = at; index < at + count; ++index) {
      if (text[index] < '0' || text[index] > '9') return false;
      out = out * 10 + (text[index] - '0');
    }
    return true;
  };
  int hour = 0, minute = 0, second = 0;
  if (text[10] != 'T' || !digits(11, 2, hour) || text.size() < 16 || text[13] != ':' || !digits(14, 2, minute))
    return std::nullopt;
  std::size_t at = 16;
  if (at < text.size() && text[at] == ':') {
    if (!digits(at + 1, 2, second)) return std::nullopt;
    at += 3;
  }
  if (hour > 24 || minute > 59 || second > 60) return std::nullopt;
  millis += (std::int64_t{hour} * 3600 + minute * 60 + second) * 1000;
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::int64_t fraction = 0;
    int places = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (places < 3) fraction = fraction * 10 + (text[at] - '0'), ++places;
      ++at;
    }
    if (places == 0) return std::nullopt;
    while (places < 3) fraction *= 10, ++places;
    millis += fraction;
  }
  if (at == text.size()) return millis;  // no zone: read as UTC
  if (text[at] == 'Z' && at + 1 == text.size()) return millis;
  if ((text[at] == '+' || text[at] == '-') && at + 6 == text.size() && text[at + 3] == ':') {
    int zone_hour = 0, zone_minute = 0;
    if (!digits(at + 1, 2, zone_hour) || !digits(at + 4, 2, zone_minute) || zone_hour > 14 || zone_minute > 59)
      return std::nullopt;
    const std::int64_t offset = (std::int64_t{zone_hour} * 60 + zone_minute) * 60'000;
    return text[at] == '+' ? millis - offset : millis + offset;
  }
  return std::nullopt;
}

void load_gleif(const std::string& path, LoadContext& context) { GleifReader(path, context).run(); }

LoadReport load_gleif(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_gleif), path, builder, options);
}

namespace detail {

bool looks_like_gleif_xml(std::string_view head) noexcept {
  for (std::string_view ns : {"http://www.gleif.org/data/schema/leidata/2016", "http://www.gleif.org/data/schema/rr/2016",
                              "http://www.gleif.org/data/schema/repex/2016"})
    if (contains(head, ns)) return true;  // find_bytes: see xml_common.h
  return false;
}

bool looks_like_gleif_json(std::string_view head) noexcept {
  head = trim(head);
  if (head.starts_with("\xEF\xBB\xBF")) head = trim(head.substr(3));
  if (!head.starts_with("{")) return false;
  const auto records = head.find("\"records\"");
  if (records == std::string_view::npos || records > 64) return false;
  return head.find("\"LEI\"") != std::string_view::npos || head.find("\"Relationship\"") != std::string_view::npos ||
         head.find("\"ExceptionCategory\"") != std::string_view::npos;
}

}  // namespace detail

bool looks_like_gleif(std::string_view head, std::string_view /*file_name*/) noexcept {
  // The namespaces only in XML, a head with a '<' (as load() asks: dispatch.cpp).
  return (head.find('<') != std::string_view::npos && detail::looks_like_gleif_xml(head)) ||
         detail::looks_like_gleif_json(head);
}

}  // namespace skg
