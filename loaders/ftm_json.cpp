// FollowTheMoney (FtM) JSON lines -> skg model. The format: one JSON object per line,
// {"id", "schema", "caption", "properties": {prop: [string, ...]}, "referents", "datasets",
// "first_seen", "last_seen", "last_change", "target"} (followthemoney.tech, "Entity" and the
// schema reference; OpenSanctions "bulk data" docs). Deltas are lines {"op", "entity"}.
//
// Mapping, and the choices made where FtM leaves room:
// - Thing schemata -> entity nodes: Person, Company, Organization (and PublicBody -> Organization),
//   LegalEntity, Vessel, Airplane (and "Aircraft") -> Aircraft. Assets that can be owned (Asset,
//   RealEstate, Security, BankAccount, CryptoWallet, Vehicle, License) -> LegalEntity nodes, with
//   their FtM schema kept as attribute "schema", so an Ownership of them is not lost.
//   Names: the first `name` is the primary name (the caption when there is no `name`), the other
//   `name` values and `alias` are Aka, `weakAlias` is Aka + Weak, `previousName` is Previous.
//   Every other property is an attribute with the property's name as key, one per value; plus
//   "datasets", "first_seen", "last_seen", "last_change", "target" ("true" only). Each referent
//   becomes another external id of the node, so records OpenSanctions merged resolve to one node.
//   A node's validity stays open: FtM dates of a thing (incorporationDate, dissolutionDate,
//   birthDate) are facts about the party, kept as attributes, not the record's validity.
// - Interval schemata -> edges, by the FtM property that holds each end: Ownership owner->asset
//   (Owns), Directorship director->organization (DirectorOf), Family person->relative, Associate
//   person->associate, Membership member->organization (MemberOf), Employment employee->employer
//   (EmployeeOf), Representation agent->client (Represents), Succession predecessor->successor
//   (SuccessorOf), UnknownLink subject->object. The edge id is the FtM id (so a delta can replace
//   or remove it); several values on an end give one edge per pair, ids "<id>#2", "<id>#3"...
//   The role is `role` (Family and Associate: `relationship`). startDate/endDate give the validity
//   (see parse_ftm_date for partial dates; several values: the earliest start, the latest end).
//   Ownership `percentage` gives the share (parse_ftm_percentage). Every property that is not an
//   end and not captured whole by share, role or validity is kept as an edge attribute.
// - Sanction -> a listing Action, id = the Sanction's id, one TARGET_OF per `entity` value:
//   authority; program = `programId` (the short code, "RUSSIA-EO14024"), else `program`;
//   measures = `provisions` (joined by "; "); citation = the first `sourceUrl`; listed = the
//   earliest `listingDate`; in force from the earliest `startDate` to the latest `endDate`.
//   Every other property (program text, status, reason, country, summary, ...), and every value
//   of a mapped one that had several, is an attribute of the action node. A Sanction whose entity
//   no loaded record defines waits for the end of the whole load (a later file of the folder may
//   define it, as OFAC's sdn.csv does for the Kaspersky case), else it is reported unresolved.
// - Address is not a party: its text is attached as attribute "address" to each entity of the
//   same file whose `addressEntity` names it (by its id or a referent) (unless that entity's own `address` already has the
//   same text); the reference itself stays as attribute "addressEntity". Passport and
//   Identification are not parties either: they become attributes of their `holder`
//   ("passport.id" = the document's id, "passport.<property>" = each value), added at the end of
//   the file; a holder no loaded record defines is reported unresolved.
// - Other FtM schemata (Note, Document, Event, Position, Occupancy, Payment, ...) are valid
//   input that the model has no place for: counted as "ignored <schema>", not an error. A schema
//   name FtM does not define is a bad record.
// - A `percentage` that is not a number (parse_ftm_percentage) keeps its edge: the share is
//   unknown, the text is kept as edge attribute "percentage", and the record is listed in
//   LoadReport::warnings (and counted as "percentages unparsed"): kept, never guessed.
// - Deltas: the net effect of a file's ops on each id is applied (the ops of one file are in
//   order, but a Batch applies removals before additions, so ADD then DEL of one id in one file
//   must come out as nothing): an id the builder holds whose last op is ADD or MOD is replaced by
//   the last op's entity (see below); whose last op is DEL is removed; an id the
//   builder does not hold is added from its last ADD/MOD (a MOD of an unknown id is counted as
//   "delta upserts"), unless its last op is DEL. A DEL of an id that is not loaded at that point
//   is a bad record. Several delta files in one load (a folder of versions) apply in order:
//   an id an earlier file of the load added is taken back from the batch (Batch::retract) when
//   a later file changes or deletes it, so MOD replaces the record there too. Address, Passport and Identification ops are applied as above when they add; their
//   DEL cannot take back attributes and is counted as "delta ops not applied".
//   A MOD of a party (a thing) or a Sanction the builder holds is Batch::replace (RULES.md §9.4):
//   what that record gave goes (its names, facts, other ids, its schema's kind and its dates; a
//   Sanction's details, targets and authority) and the new version's come, on the same node.
//   The dataset-membership listings a full export gave the party stay (a delta makes none,
//   RULES.md §8: it does not say which Sanction records a party has). In FtM an Ownership,
//   Directorship, Family, Sanction... is an entity of its own with its own id, so the links
//   other records give the party stay: a MOD of a company keeps the Ownership records that point
//   at it. A MOD of such an edge record replaces that edge whole (remove + add). A DEL of a
//   party removes it with every link at it: no edge may point at a party that is not there (a
//   delta that deletes a party's Ownership records deletes them by their own ids too). The real
//   t2 delta files (yente's fixture) hold ADDs and one MOD of an Organization, no DEL. Ops on
//   one id within a file come out as their net effect, so DEL then ADD of a held party is a
//   replace too.
#include "skg/loaders/ftm_json.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <new>
#include <sys/mman.h>
#include <fmt/format.h>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "skg/loaders/json_common.h"  // first: it sets RapidJSON's SSE2 switch before any include
#include <rapidjson/error/en.h>
#include <simdjson.h>
#include "skg/loaders/source.h"
#include "skg/loaders/measures.h"
#include "skg/loaders/pipeline.h"
#include "skg/graph/column.h"  // detail::Mapping
#include "skg/graph/prefault.h"  // detail::populate_pages

namespace skg::inline v1 {

namespace {

using Json = rapidjson::Value;

enum class Shape : std::uint8_t { Thing, Edge, Sanction, Address, Document, Ignored };

struct SchemaInfo {
  std::string_view name;
  Shape shape;
  NodeKind kind = NodeKind::LegalEntity;
  EdgeKind edge = EdgeKind::UnknownLink;
  std::string_view from, to, role;  // edges: the properties holding each end, and the role
  bool keep_schema = false;         // things: the node kind does not say the FtM schema
};

// FtM schemata (followthemoney/schema/*.yaml). Those the model has no place for are Ignored.
constexpr SchemaInfo kSchemata[] = {
    {"Person", Shape::Thing, NodeKind::Person},
    {"Company", Shape::Thing, NodeKind::Company},
    {"Organization", Shape::Thing, NodeKind::Organization},
    {"PublicBody", Shape::Thing, NodeKind::Organization, {}, {}, {}, {}, true},
    {"LegalEntity", Shape::Thing, NodeKind::LegalEntity},
    {"Vessel", Shape::Thing, NodeKind::Vessel},
    {"Airplane", Shape::Thing, NodeKind::Aircraft, {}, {}, {}, {}, true},
    {"Aircraft", Shape::Thing, NodeKind::Aircraft},
    {"Asset", Shape::Thing, NodeKind::LegalEntity, {}, {}, {}, {}, true},
    {"RealEstate", Shape::Thing, NodeKind::LegalEntity, {}, {}, {}, {}, true},
    {"Security", Shape::Thing, NodeKind::LegalEntity, {}, {}, {}, {}, true},
    {"BankAccount", Shape::Thing, NodeKind::LegalEntity, {}, {}, {}, {}, true},
    {"CryptoWallet", Shape::Thing, NodeKind::LegalEntity, {}, {}, {}, {}, true},
    {"Vehicle", Shape::Thing, NodeKind::LegalEntity, {}, {}, {}, {}, true},
    {"License", Shape::Thing, NodeKind::LegalEntity, {}, {}, {}, {}, true},
    {"Ownership", Shape::Edge, {}, EdgeKind::Owns, "owner", "asset", "role"},
    {"Directorship", Shape::Edge, {}, EdgeKind::DirectorOf, "director", "organization", "role"},
    {"Family", Shape::Edge, {}, EdgeKind::Family, "person", "relative", "relationship"},
    {"Associate", Shape::Edge, {}, EdgeKind::Associate, "person", "associate", "relationship"},
    {"Membership", Shape::Edge, {}, EdgeKind::MemberOf, "member", "organization", "role"},
    {"Employment", Shape::Edge, {}, EdgeKind::EmployeeOf, "employee", "employer", "role"},
    {"Representation", Shape::Edge, {}, EdgeKind::Represents, "agent", "client", "role"},
    {"Succession", Shape::Edge, {}, EdgeKind::SuccessorOf, "predecessor", "successor", "role"},
    {"UnknownLink", Shape::Edge, {}, EdgeKind::UnknownLink, "subject", "object", "role"},
    {"Sanction", Shape::Sanction},
    {"Address", Shape::Address},
    {"Passport", Shape::Document},
    {"Identification", Shape::Document},
    {"Thing", Shape::Ignored},          {"Analyzable", Shape::Ignored},
    {"Article", Shape::Ignored},        {"Assessment", Shape::Ignored},
    {"Audio", Shape::Ignored},          {"Call", Shape::Ignored},
    {"CallForTenders", Shape::Ignored}, {"Contract", Shape::Ignored},
    {"ContractAward", Shape::Ignored},  {"CourtCase", Shape::Ignored},
    {"CourtCaseParty", Shape::Ignored}, {"Debt", Shape::Ignored},
    {"Document", Shape::Ignored},       {"Documentation", Shape::Ignored},
    {"EconomicActivity", Shape::Ignored}, {"Email", Shape::Ignored},
    {"Event", Shape::Ignored},          {"Folder", Shape::Ignored},
    {"HyperText", Shape::Ignored},      {"Image", Shape::Ignored},
    {"Interest", Shape::Ignored},       {"Interval", Shape::Ignored},
    {"Mention", Shape::Ignored},        {"Message", Shape::Ignored},
    {"Note", Shape::Ignored},           {"Occupancy", Shape::Ignored},
    {"Package", Shape::Ignored},        {"Page", Shape::Ignored},
    {"Pages", Shape::Ignored},          {"Payment", Shape::Ignored},
    {"PlainText", Shape::Ignored},      {"Position", Shape::Ignored},
    {"Project", Shape::Ignored},        {"ProjectParticipant", Shape::Ignored},
    {"Similar", Shape::Ignored},        {"Table", Shape::Ignored},
    {"TaxRoll", Shape::Ignored},        {"Trip", Shape::Ignored},
    {"UserAccount", Shape::Ignored},    {"Value", Shape::Ignored},
    {"Video", Shape::Ignored},          {"Workbook", Shape::Ignored},
};

const SchemaInfo* find_schema(std::string_view name) noexcept {
  // Every record looks its schema up: a hash table, not a walk over the ~70 names.
  static const std::unordered_map<std::string_view, const SchemaInfo*> kByName = [] {
    std::unordered_map<std::string_view, const SchemaInfo*> out;
    for (const SchemaInfo& info : kSchemata) out.emplace(info.name, &info);
    return out;
  }();
  const auto found = kByName.find(name);
  return found == kByName.end() ? nullptr : found->second;
}

using detail::member;
using detail::string_member;
using detail::view;

/// A property's values (validated to be strings).
using Values = std::span<const std::string_view>;

/// One property of an entity: its key and its values, a range of RecordStore::values.
struct Property {
  std::string_view key;
  std::uint32_t begin = 0, end = 0;
};

/// A range of RecordStore::values or RecordStore::properties.
struct Range {
  std::uint32_t begin = 0, end = 0;
};

/// The parts of entities that are lists, flat: each entity's properties, and each property's,
/// referents' and datasets' values, are ranges of these. The strings are views into the parsed
/// text (RapidJSON's DOM, the line's own text for a string with no escape that simdjson read on
/// demand, or the block's copies of the other strings simdjson read), so that a record reads the
/// same whichever parser read its line.
/// A list the parsers append to one item at a time, a few million times a load: the append is
/// a compare and a store, inline (std::vector's emplace_back was an out-of-line call of some 23
/// instructions, 2.5% of a generated load's); growing, rare once the block's lists have their
/// room, is the call. Items are trivial (views and ranges).
template <class T>
class AppendList {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  [[gnu::always_inline]] T& emplace_back() {
    if (size_ == items_.size()) [[unlikely]] grow();
    return *::new (static_cast<void*>(items_.data() + size_++)) T();
  }
  void push_back(const T& item) { emplace_back() = item; }
  std::size_t size() const noexcept { return size_; }
  const T* data() const noexcept { return items_.data(); }
  /// Drops the items past the first `size` (the parsers' undo of a line they leave).
  void resize(std::size_t size) noexcept {
    SKG_ASSERT(size <= size_ && "AppendList::resize only shrinks");
    size_ = size;
  }
  void clear() noexcept { size_ = 0; }

 private:
  [[gnu::noinline]] void grow() { items_.resize(std::max<std::size_t>(1024, items_.size() * 2)); }
  std::vector<T> items_;  // its size is the room; the first size_ are the list
  std::size_t size_ = 0;
};

struct RecordStore {
  AppendList<std::string_view> values;
  AppendList<Property> properties;
  void clear() noexcept {
    values.clear();
    properties.clear();
  }
};

/// The validated parts of one FtM entity object.
struct Entity {
  std::string_view id, schema, caption, first_seen, last_seen, last_change;
  const SchemaInfo* info = nullptr;
  const RecordStore* store = nullptr;  // holds the ranges below
  Range property_range, referent_range, dataset_range;  // properties; values; values
  /// A party's `name` values (the first such property), where a parsing worker found them
  /// (`names_found`), so that the reading thread does not look for them again.
  Range name_range;
  bool names_found = false;
  bool target = false;

  std::span<const Property> properties() const noexcept {
    if (property_range.begin == property_range.end) return {};
    return {store->properties.data() + property_range.begin, property_range.end - property_range.begin};
  }
  Values values(Range range) const noexcept {
    if (range.begin == range.end) return {};
    return {store->values.data() + range.begin, range.end - range.begin};
  }
  Values values(const Property& property) const noexcept { return values(Range{property.begin, property.end}); }
  Values referents() const noexcept { return values(referent_range); }
  Values datasets() const noexcept { return values(dataset_range); }
};

/// The values of the entity's first property named `key` (none when it has no such property).
/// Inline compares (detail::same_text): the call into the C library's memcmp for each key of the
/// same size was 3% of a 1M FtM load (perf; the parse workers ask it of every party's "name").
Range property_range(const Entity& entity, std::string_view key) noexcept {
  for (const Property& item : entity.properties())
    if (detail::same_text(item.key, key)) return {item.begin, item.end};
  return {};
}
Values property(const Entity& entity, std::string_view key) noexcept {
  return entity.values(property_range(entity, key));
}

/// Appends the strings of `value` to `store`'s values; false (nothing kept) when it is not an
/// array of strings.
bool add_string_array(const Json& value, RecordStore& store, Range& range) {
  if (!value.IsArray()) return false;
  range.begin = static_cast<std::uint32_t>(store.values.size());
  for (const Json& item : value.GetArray()) {
    if (!item.IsString()) {
      store.values.resize(range.begin);
      return false;
    }
    store.values.push_back(view(item));
  }
  range.end = static_cast<std::uint32_t>(store.values.size());
  return true;
}

/// The keys of an FtM entity object that check_entity reads (the others are ignored there).
enum EntityKey : int { kId, kSchema, kCaption, kProperties, kReferents, kDatasets, kFirstSeen, kLastSeen, kLastChange,
                       kTarget, kEntityKeys };

/// The EntityKey that `key` is, or -1. Each compare is at the key's size, known by then, so it
/// is a few loads, not a call (every reader of a line asks it of every key).
inline int entity_key(std::string_view key) noexcept {
  const auto is = [&key]<std::size_t N>(const char (&word)[N]) { return std::memcmp(key.data(), word, N - 1) == 0; };
  switch (key.size()) {
    case 2: return is("id") ? kId : -1;
    case 6: return is("schema") ? kSchema : is("target") ? kTarget : -1;
    case 7: return is("caption") ? kCaption : -1;
    case 8: return is("datasets") ? kDatasets : -1;
    case 9: return is("referents") ? kReferents : is("last_seen") ? kLastSeen : -1;
    case 10: return is("properties") ? kProperties : is("first_seen") ? kFirstSeen : -1;
    case 11: return is("last_change") ? kLastChange : -1;
    default: return -1;
  }
}

/// Checks the shape of an entity object (parsed by RapidJSON), with its lists appended to
/// `store`; returns the reason it cannot be used, or "".
/// One pass over the object's members, the first of each key counting (as FindMember finds it):
/// ten lookups by name walked the members ten times.
std::string check_entity(const Json& object, Entity& entity, RecordStore& store) {
  if (!object.IsObject()) return "the record is not a JSON object";
  const Json* found[kEntityKeys] = {};
  for (const auto& item : object.GetObject())
    if (const int key = entity_key(view(item.name)); key >= 0 && found[key] == nullptr) found[key] = &item.value;
  const Json *id = found[kId], *schema = found[kSchema], *caption = found[kCaption], *properties = found[kProperties],
             *referents = found[kReferents], *datasets = found[kDatasets], *first_seen = found[kFirstSeen],
             *last_seen = found[kLastSeen], *last_change = found[kLastChange], *target = found[kTarget];
  const auto text = [](const Json* value) {
    return value != nullptr && value->IsString() ? view(*value) : std::string_view();
  };
  if (id == nullptr || !id->IsString() || id->GetStringLength() == 0) return "the entity has no \"id\" string";
  entity.id = view(*id);
  if (schema == nullptr || !schema->IsString()) return "the entity has no \"schema\" string";
  entity.schema = view(*schema);
  entity.info = find_schema(entity.schema);
  if (entity.info == nullptr) return fmt::format("unknown schema '{}'", entity.schema);
  entity.caption = text(caption);
  entity.store = &store;
  const std::size_t values_before = store.values.size(), properties_before = store.properties.size();
  const auto fail = [&](std::string reason) {
    store.values.resize(values_before);
    store.properties.resize(properties_before);
    entity.property_range = entity.referent_range = entity.dataset_range = {};
    return reason;
  };
  if (properties != nullptr) {
    if (!properties->IsObject()) return "\"properties\" is not an object";
    entity.property_range.begin = static_cast<std::uint32_t>(store.properties.size());
    for (const auto& prop : properties->GetObject()) {
      Range values;
      if (!add_string_array(prop.value, store, values))
        return fail(fmt::format("property '{}' is not an array of strings", view(prop.name)));
      store.properties.push_back({view(prop.name), values.begin, values.end});
    }
    entity.property_range.end = static_cast<std::uint32_t>(store.properties.size());
  }
  for (auto [key, list, into] : {std::tuple{"referents", referents, &entity.referent_range},
                                 {"datasets", datasets, &entity.dataset_range}}) {
    if (list == nullptr) continue;
    if (!add_string_array(*list, store, *into)) return fail(fmt::format("\"{}\" is not an array of strings", key));
  }
  entity.first_seen = text(first_seen);
  entity.last_seen = text(last_seen);
  entity.last_change = text(last_change);
  entity.target = target != nullptr && target->IsBool() && target->GetBool();
  return {};
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// One number of a percentage: digits with at most one '.' or ',' as the decimal mark, read
/// exactly (Percent::parse: no rounding; digits past the sixth decimal give an open interval).
std::optional<Percent> parse_number(std::string_view text) noexcept { return Percent::parse(trim(text)); }

/// What plain_share() makes of a percentage text.
enum class PlainShare : std::uint8_t { kPlain, kOver, kOther };

/// The commonest percentage texts, a whole number or a short decimal ("7", "50", "12.5",
/// "33,25": up to three digits, then at most a mark and one to six digits), read without a call:
/// kPlain with their units, or kOver past 100 (no share); kOther for any other text, which
/// parse_ftm_percentage_rest reads. The same result as Percent::parse, which reads such a text
/// digit by digit to the same units, nullopt past 100, and never an open bound (no digit past the
/// sixth decimal). Inline, with the units apart from any Percent: returning a std::optional<Percent>
/// through memory cost more than the parse it spared (perf: 2.6% of a 1M load, at its return).
inline PlainShare plain_share(std::string_view text, Percent::Units& units) noexcept {
  if (text.empty() || text.size() > 10) return PlainShare::kOther;
  const auto digit = [](char c) { return static_cast<unsigned>(c - '0') <= 9; };
  std::size_t at = 0;
  Percent::Units whole = 0;
  while (at < text.size() && at < 3 && digit(text[at])) whole = whole * 10 + static_cast<Percent::Units>(text[at++] - '0');
  if (at == 0) return PlainShare::kOther;
  if (at == text.size()) {
    units = whole * Percent::kUnitsPerPercent;
    return whole > 100 ? PlainShare::kOver : PlainShare::kPlain;
  }
  const std::size_t places_given = text.size() - at - 1;
  if ((text[at] != '.' && text[at] != ',') || places_given < 1 || places_given > 6) return PlainShare::kOther;
  Percent::Units fraction = 0;
  for (++at; at < text.size(); ++at) {
    if (!digit(text[at])) return PlainShare::kOther;
    fraction = fraction * 10 + static_cast<Percent::Units>(text[at] - '0');
  }
  if (whole > 100) return PlainShare::kOver;
  for (std::size_t places = places_given; places < 6; ++places) fraction *= 10;
  units = whole * Percent::kUnitsPerPercent + fraction;
  return units > Percent::kHundred ? PlainShare::kOver : PlainShare::kPlain;
}

/// parse_ftm_percentage of a text plain_share() does not read (kOther): the one copy of the
/// general path, which plan_edge also takes after its inline plain_share().
std::optional<Percent> parse_ftm_percentage_rest(std::string_view text) noexcept {
  // A plain number in another form ("0050", "1.1234567"): nothing to trim, no sign, bound or
  // range to look for. The same result as below, where such a text reaches the last line with
  // low = high = its number.
  if (!text.empty() &&
      std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == ','; })) {
    const std::optional<Percent> number = Percent::parse(text);
    if (!number || number->low().units > number->high().units) return std::nullopt;
    return Percent::between(number->low(), number->high());
  }
  text = trim(text);
  if (text.ends_with("%")) text = trim(text.substr(0, text.size() - 1));
  // ">50%" is (50, 100], ">=50%" [50, 100], "<25%" [0, 25), "<=25%" [0, 25]: each bound keeps
  // whether it is strict, so ">50%" meets the UK's "more than 50%" (RULES.md §5).
  int bound = 0;  // +1: at least / more than; -1: at most / less than
  bool strict = false;
  for (auto [prefix, sign, is_strict] :
       {std::tuple{std::string_view(">="), 1, false}, {"\xE2\x89\xA5", 1, false}, {">", 1, true},
        {"<=", -1, false}, {"\xE2\x89\xA4", -1, false}, {"<", -1, true}}) {
    if (text.starts_with(prefix)) {
      bound = sign;
      strict = is_strict;
      text = trim(text.substr(prefix.size()));
      break;
    }
  }
  std::optional<Percent> low, high;
  std::size_t dash = text.find('-');
  std::size_t dash_size = 1;
  if (dash == std::string_view::npos) {
    dash = text.find("\xE2\x80\x93");  // an en dash: "25–50%"
    dash_size = 3;
  }
  if (dash != std::string_view::npos && dash > 0 && bound == 0) {
    std::string_view first = trim(text.substr(0, dash));
    if (first.ends_with("%")) first = trim(first.substr(0, first.size() - 1));
    low = parse_number(first);
    high = parse_number(text.substr(dash + dash_size));
  } else {
    low = high = parse_number(text);
  }
  if (!low || !high) return std::nullopt;
  if (bound > 0) {
    Percent::Bound from = low->low();
    if (strict && low->is_exact()) from.open = true;
    const Percent share = Percent::between(from, {Percent::kHundred, false});
    return share.known() ? std::optional<Percent>(share) : std::nullopt;
  }
  if (bound < 0) {
    Percent::Bound to = high->high();
    if (strict && high->is_exact()) to.open = true;
    const Percent share = Percent::between({0, false}, to);
    return share.known() ? std::optional<Percent>(share) : std::nullopt;
  }
  if (low->low().units > high->high().units) return std::nullopt;
  return Percent::between(low->low(), high->high());
}

}  // namespace

namespace detail {

std::optional<Percent> parse_ftm_percentage(std::string_view text) noexcept {
  Percent::Units units = 0;
  switch (plain_share(text, units)) {
    case PlainShare::kPlain: return Percent::exact_units(units);
    case PlainShare::kOver: return std::nullopt;
    case PlainShare::kOther: break;
  }
  return parse_ftm_percentage_rest(text);
}

std::optional<Date> parse_ftm_date(std::string_view text, bool end) noexcept {
  // FtM dates may be partial (followthemoney "date" type: YYYY, YYYY-MM, YYYY-MM-DD, with an
  // optional time). A period that starts "2019" starts on 2019-01-01; one that ends "2019" ends
  // after 2019-12-31, so its exclusive end is 2020-01-01. A full end date is the last day of
  // the period (inclusive in FtM), so its exclusive end is the day after.
  return parse_partial_date(text, end, /*inclusive_end=*/true);
}

FtmLineParse ftm_line_parse = FtmLineParse::Scan;

}  // namespace detail

namespace {

using detail::parse_ftm_date;

/// A (key, value) fact of a record, as views into its parsed line.
using Fact = std::pair<std::string_view, std::string_view>;

template <class Add>
void add_metadata(const Entity& entity, Add&& add) {
  for (const std::string_view dataset : entity.datasets()) add("datasets", dataset);
  if (!entity.first_seen.empty()) add("first_seen", entity.first_seen);
  if (!entity.last_seen.empty()) add("last_seen", entity.last_seen);
  if (!entity.last_change.empty()) add("last_change", entity.last_change);
  if (entity.target) add("target", "true");
}

/// The validity of an interval from its `startDate` and `endDate` values: the earliest start,
/// the latest end. Values that are not dates are kept in `unparsed`.
DateRange validity(Values starts, Values ends, std::vector<Fact>& unparsed) {
  DateRange range;
  for (auto [key, values, end] : {std::tuple{std::string_view("startDate"), starts, false}, {"endDate", ends, true}}) {
    for (std::size_t at = 0; at < values.size(); ++at) {
      const auto day = parse_ftm_date(values[at], end);
      if (!day) {
        unparsed.emplace_back(key, values[at]);
        continue;
      }
      std::optional<Date>& into = end ? range.end : range.start;
      if (!into || (end ? *day > *into : *day < *into)) into = *day;
    }
  }
  return range;
}

/// The validity of an interval (edge or sanction): the earliest start, the latest end.
/// Values that are not dates are kept in `unparsed`.
DateRange validity(const Entity& entity, std::vector<Fact>& unparsed) {
  return validity(property(entity, "startDate"), property(entity, "endDate"), unparsed);
}

/// True when the property's values are all captured by a structured field: one value, and for
/// dates a full ISO date (a partial date keeps its text, so "2019" is not read as 2019-01-01).
bool captured(Values values, bool is_date) {
  if (values.size() != 1) return false;
  return !is_date || trim(values[0]).size() >= 10;
}

/// What a link record (Ownership, Directorship, ...) says, from its entity alone.
struct EdgePlan {
  /// The ends' values (ranges of the entity's store, which grows while its block is read: no
  /// views into it); one of them empty: a bad record, and nothing else is filled.
  Range from, to;
  DateRange valid;
  Percent share;
  std::string_view role;
  std::size_t dates_unparsed = 0;
  bool percentage_unparsed = false;
  std::uint32_t facts_begin = 0, facts_end = 0;  // its edge attributes, in the list plan_edge filled
};

/// Works out an edge record's ends, validity, share, role and attributes (appended to `facts`).
/// Pure: a streamed file's worker thread does it, so the reading thread only adds the edge.
void plan_edge(const Entity& entity, EdgePlan& plan, std::vector<Fact>& facts) {
  const SchemaInfo& info = *entity.info;
  // What each property is, found in one pass (a link has a few properties, and each compare of
  // a key with one of these names was a call): the first of each name counts, as property()
  // finds it.
  enum Kind : std::uint8_t { kOther, kFrom, kTo, kRole, kStart, kEnd, kPercentage };
  const std::span<const Property> properties = entity.properties();
  constexpr std::size_t kKnown = 16;  // kinds kept for this many properties; past them, found again
  Kind kinds[kKnown];
  const auto kind_of = [&](std::string_view key) {
    if (detail::same_text(key, info.from)) return kFrom;
    if (detail::same_text(key, info.to)) return kTo;
    if (detail::same_text(key, info.role)) return kRole;
    if (detail::same_text(key, "startDate")) return kStart;
    if (detail::same_text(key, "endDate")) return kEnd;
    if (detail::same_text(key, "percentage")) return kPercentage;
    return kOther;
  };
  const Property* first[kPercentage + 1] = {};
  for (std::size_t at = 0; at < properties.size(); ++at) {
    const Kind kind = kind_of(properties[at].key);
    if (at < kKnown) kinds[at] = kind;
    if (first[kind] == nullptr) first[kind] = &properties[at];
  }
  const auto range = [](const Property* prop) { return prop == nullptr ? Range{} : Range{prop->begin, prop->end}; };
  plan.from = range(first[kFrom]);
  plan.to = range(first[kTo]);
  if (plan.from.begin == plan.from.end || plan.to.begin == plan.to.end) return;
  plan.facts_begin = static_cast<std::uint32_t>(facts.size());
  std::vector<Fact> unparsed_dates;
  // Most links have no dates (every link of the generated files): no call for two empty lists.
  if (first[kStart] != nullptr || first[kEnd] != nullptr)
    plan.valid = validity(entity.values(range(first[kStart])), entity.values(range(first[kEnd])), unparsed_dates);
  plan.dates_unparsed = unparsed_dates.size();
  for (std::size_t at = 0; at < properties.size(); ++at) {
    const Property& prop = properties[at];
    const Kind kind = at < kKnown ? kinds[at] : kind_of(prop.key);
    const Values values = entity.values(prop);
    if (kind == kFrom || kind == kTo) continue;
    bool keep = true;
    if (kind == kRole) {
      if (!values.empty()) plan.role = values[0];
      keep = values.size() > 1;
    } else if (kind == kStart || kind == kEnd) {
      keep = !captured(values, true) || !unparsed_dates.empty();
    } else if (kind == kPercentage && info.edge == EdgeKind::Owns && !values.empty()) {
      // The first value that is a number is the share; a text that is not one is kept.
      Percent::Units units = 0;
      const PlainShare plain = plain_share(values[0], units);
      const std::optional<Percent> parsed = plain == PlainShare::kPlain  ? std::optional<Percent>(Percent::exact_units(units))
                                            : plain == PlainShare::kOver ? std::nullopt
                                                                         : parse_ftm_percentage_rest(values[0]);
      if (parsed) plan.share = *parsed;
      else plan.percentage_unparsed = true;
      keep = !parsed || !parsed->is_exact() || values.size() > 1;
    }
    if (keep)
      for (const std::string_view value : values) facts.emplace_back(prop.key, value);
  }
  add_metadata(entity, [&](std::string_view key, std::string_view value) { facts.emplace_back(key, value); });
  for (const std::string_view referent : entity.referents()) facts.emplace_back("referents", referent);
  plan.facts_end = static_cast<std::uint32_t>(facts.size());
}

/// The allocator of RapidJSON's parse stacks. Each parse frees the document's stack when it
/// ends (GenericDocument::ClearStack) and makes a reader whose own stack it frees too, so every
/// line of a file paid two mallocs, two reallocs and two frees: 6% of the parsing worker's
/// instructions (callgrind, 50k generated entities). This one keeps the last buffers freed on
/// its thread for the next parse, which then allocates nothing.
class ParseStackAllocator {
 public:
  static const bool kNeedFree = true;
  void* Malloc(std::size_t size) { return Realloc(nullptr, 0, size); }
  void* Realloc(void* original, std::size_t /*old_size*/, std::size_t size) {
    if (size == 0) {
      Free(original);
      return nullptr;
    }
    if (original == nullptr) {
      for (Block*& kept : cache().blocks)
        if (kept != nullptr && kept->capacity >= size) return std::exchange(kept, nullptr) + 1;
      return make(nullptr, size);
    }
    Block* const block = static_cast<Block*>(original) - 1;
    return block->capacity >= size ? original : make(block, size);
  }
  static void Free(void* pointer) noexcept {
    if (pointer == nullptr) return;
    Block* const block = static_cast<Block*>(pointer) - 1;
    for (Block*& kept : cache().blocks)
      if (kept == nullptr) {
        kept = block;
        return;
      }
    std::free(block);
  }

 private:
  struct alignas(16) Block {
    std::size_t capacity;  // bytes after the header
  };
  struct Cache {
    Block* blocks[2] = {nullptr, nullptr};  // a parse holds two stacks: the document's and the reader's
    Cache() = default;
    Cache(const Cache&) = delete;
    Cache& operator=(const Cache&) = delete;
    ~Cache() {
      for (Block* block : blocks) std::free(block);
    }
  };
  static Cache& cache() noexcept {
    thread_local Cache kept;
    return kept;
  }
  /// A block of at least `size` bytes, grown from `block` (null: a new one); its data. Never
  /// smaller than kMinBytes, so that a kept block fits either stack's first request (the
  /// document asks for 1 KiB, the reader for 256 bytes, in either order).
  static constexpr std::size_t kMinBytes = 4096;
  static void* make(Block* block, std::size_t size) {
    size = std::max(size, kMinBytes);
    void* const grown = std::realloc(block, sizeof(Block) + size);
    if (grown == nullptr) throw std::bad_alloc();
    Block* const out = static_cast<Block*>(grown);
    out->capacity = size;
    return out + 1;
  }
};

/// A line's document: RapidJSON's, with its parse stacks kept from line to line.
using LineDocument = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>, ParseStackAllocator>;

// How a line is parsed. Iterative past kRecursiveBytes: no recursion however deep the nesting.
// UTF-8 only, checked by detail::valid_utf8 first: a line it accepts is parsed without RapidJSON's
// own check (which turns off its SSE2 string scan), one it does not with that check (iterative),
// so the error and its column are RapidJSON's, as they were.
constexpr unsigned kLineFlags = rapidjson::kParseIterativeFlag;
constexpr unsigned kCheckedFlags = kLineFlags | rapidjson::kParseValidateEncodingFlag;
constexpr unsigned kInsitu = rapidjson::kParseInsituFlag;

/// Lines this short are parsed by RapidJSON's recursive parser first: it nests no deeper than
/// the line has bytes, so its stack stays small (a few hundred bytes a level), and it takes fewer
/// instructions than the iterative one (which is kept for longer lines, and for errors).
constexpr std::size_t kRecursiveBytes = 256;

/// Parses the NUL-terminated `line` (of `size` bytes) in place into `document`.
void parse_line_in_place(LineDocument& document, char* line, std::size_t size) {
  if (!detail::valid_utf8({line, size})) {
    document.ParseInsitu<kInsitu | kCheckedFlags>(line);
    return;
  }
  if (size <= kRecursiveBytes) {
    // A line that is not JSON is parsed again by the iterative parser from a copy of its text
    // (an in-place parse rewrites it), so that its error and column are the ones it always gave.
    char copy[kRecursiveBytes];
    std::memcpy(copy, line, size);
    if (!document.ParseInsitu<kInsitu>(line).HasParseError()) return;
    std::memcpy(line, copy, size);
  }
  document.ParseInsitu<kInsitu | kLineFlags>(line);
}

/// Reads one entity line of the shape FtM exports write, by hand, ahead of simdjson: the object
/// of check_entity's keys, each once ("id", "schema", "caption", "first_seen", "last_seen" and
/// "last_change" strings; "referents" and "datasets" arrays of strings; "target" true or false;
/// "properties" an object of arrays of strings), with JSON whitespace anywhere between tokens. A
/// line it takes is valid JSON (every string's UTF-8 checked, no control byte in one, every
/// escape JSON's), and its entity is what SimdEntityReader's on-demand read gives: strings with no
/// escape are views into the line, the others unescaped into the block's `strings`. Anything
/// else (another key, a key given twice or escaped, a number, null, a nested value, a lone
/// surrogate or \u0000, text after the object, a syntax error) it leaves, untouched but for
/// `store` and `used`, which the caller rolls back, to simdjson and RapidJSON, which read or
/// report it as they did. The generated 1M file's lines (100 bytes, ten strings) are most of a
/// load's parse: simdjson's on-demand stream spent about twice as long on each (perf; bench/HISTORY.md,
/// "Twenty-eighth session").
class LineScanner {
 public:
  /// `line` has `size` bytes followed by at least 16 readable ones (the block's padding).
  LineScanner(const char* line, std::size_t size, std::span<char> strings, std::size_t& used) noexcept
      : at_(line), end_(line + size), strings_(strings), used_(used) {}

  /// The entity, its schema not looked up yet (`info` is the caller's); false when it is not
  /// one the scanner takes.
  bool entity(Entity& entity, RecordStore& store) {
    skip_space();
    if (!take('{')) return false;
    skip_space();
    entity.store = &store;
    std::uint32_t seen = 0;
    for (;;) {
      int slot = compact_entity_key();
      if (slot < 0) {
        std::string_view key;
        if (!take('"') || !string(key, false) || !colon()) return false;
        slot = entity_key(key);
      }
      if (slot < 0 || (seen >> slot & 1U) != 0) return false;
      seen |= 1U << slot;
      bool read = false;
      switch (slot) {
        case kId: read = string_value(entity.id) && !entity.id.empty(); break;
        case kSchema: read = string_value(entity.schema); break;
        case kCaption: read = string_value(entity.caption); break;
        case kFirstSeen: read = string_value(entity.first_seen); break;
        case kLastSeen: read = string_value(entity.last_seen); break;
        case kLastChange: read = string_value(entity.last_change); break;
        case kReferents: read = string_array(store, entity.referent_range); break;
        case kDatasets: read = string_array(store, entity.dataset_range); break;
        case kTarget: read = boolean(entity.target); break;
        case kProperties: read = properties(entity, store); break;
        default: break;
      }
      if (!read) return false;
      const After next = after('}');
      if (next == After::Bad) return false;
      if (next == After::End) break;
    }
    skip_space();
    return at_ == end_ && (seen & 1U << kId) != 0 && (seen & 1U << kSchema) != 0;
  }

 private:
  static bool space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
  /// Exports write no whitespace between tokens, so the byte here is nearly always one above a
  /// space: one compare, then the bounds and the four spaces only below it (the byte at end_ is
  /// the block's, readable). The scanner's whitespace tests were a sixth of its instructions.
  [[gnu::always_inline]] void skip_space() noexcept {
    while (static_cast<unsigned char>(*at_) <= ' ' && at_ < end_ && space(*at_)) ++at_;
  }
  [[gnu::always_inline]] bool take(char c) noexcept {
    if (at_ >= end_ || *at_ != c) return false;
    ++at_;
    return true;
  }

  /// The colon after a key, with the whitespace around it: compact (the colon and then a byte
  /// that is not whitespace, as exports write it), one test.
  [[gnu::always_inline]] bool colon() noexcept {
    if (*at_ == ':' && at_ < end_ && static_cast<unsigned char>(at_[1]) > ' ') {
      ++at_;
      return true;
    }
    skip_space();
    if (!take(':')) return false;
    skip_space();
    return true;
  }

  /// The entity key at at_ when it is `"id":`, `"schema":` or `"properties":` as exports write
  /// them (no escape, no whitespace before the colon), taken with the colon and the whitespace
  /// after it: a compare of the bytes, where the general path scans the key as a string, looks
  /// it up and tests four tokens (a fifth of the scanner's instructions on the generated file).
  /// -1, nothing taken, for any other key or spacing: the general path reads it.
  [[gnu::always_inline]] int compact_entity_key() noexcept {
    const auto is = [&]<std::size_t N>(const char (&word)[N]) {
      return static_cast<std::size_t>(end_ - at_) >= N - 1 && std::memcmp(at_, word, N - 1) == 0;
    };
    int slot = -1;
    std::size_t size = 0;
    if (is("\"id\":")) slot = kId, size = 5;
    else if (is("\"schema\":")) slot = kSchema, size = 9;
    else if (is("\"properties\":")) slot = kProperties, size = 13;
    else return -1;
    at_ += size;
    skip_space();
    return slot;
  }

  enum class After { More, End, Bad };
  /// What follows a member or an element: a comma (More, taken with the whitespace after it),
  /// the `close` that ends its list (End, taken), or anything else (Bad). Compact (the close, or
  /// a comma and then a byte that is not whitespace, as exports write them): one or two tests.
  [[gnu::always_inline]] After after(char close) noexcept {
    if (at_ < end_) {
      if (*at_ == close) {
        ++at_;
        return After::End;
      }
      if (*at_ == ',' && static_cast<unsigned char>(at_[1]) > ' ') {
        ++at_;
        return After::More;
      }
    }
    skip_space();
    if (take(',')) {
      skip_space();
      return After::More;
    }
    return take(close) ? After::End : After::Bad;
  }

  [[gnu::always_inline]] bool string_value(std::string_view& out) { return take('"') && string(out, true); }

  bool boolean(bool& out) noexcept {
    const auto word = [&](std::string_view text) {
      if (static_cast<std::size_t>(end_ - at_) < text.size() || std::memcmp(at_, text.data(), text.size()) != 0)
        return false;
      at_ += text.size();
      return true;
    };
    if (word("true")) out = true;
    else if (word("false")) out = false;
    else return false;
    return true;  // what follows must be a comma or the object's end: the caller checks it
  }

  [[gnu::always_inline]] bool string_array(RecordStore& store, Range& range) {
    if (!take('[')) return false;
    range.begin = static_cast<std::uint32_t>(store.values.size());
    skip_space();
    if (!take(']')) {
      for (;;) {
        if (!take('"') || !string(store.values.emplace_back(), true)) return false;
        const After next = after(']');
        if (next == After::Bad) return false;
        if (next == After::End) break;
      }
    }
    range.end = static_cast<std::uint32_t>(store.values.size());
    return true;
  }

  bool properties(Entity& entity, RecordStore& store) {
    if (!take('{')) return false;
    entity.property_range.begin = static_cast<std::uint32_t>(store.properties.size());
    skip_space();
    if (!take('}')) {
      for (;;) {
        std::string_view key;
        if (!take('"') || !string(key, false) || !colon()) return false;
        // Made in place (a pushed temporary's copy stalled the worker: perf, 1M FtM).
        Property& property = store.properties.emplace_back();
        property.key = key;
        Range values;
        if (!string_array(store, values)) return false;
        property.begin = values.begin;
        property.end = values.end;
        const After next = after('}');
        if (next == After::Bad) return false;
        if (next == After::End) break;
      }
    }
    entity.property_range.end = static_cast<std::uint32_t>(store.properties.size());
    return true;
  }

  /// The string whose opening quote was just taken, up to its closing quote, which it takes:
  /// a view into the line when it has no escape, else (`escapes`) its unescaped text kept in
  /// `strings`. Sixteen bytes a step (SSE2), for a quote, a backslash or a control byte; up to
  /// 15 bytes past the line's end are read (the padding), never taken.
  [[gnu::always_inline]] bool string(std::string_view& out, bool escapes) {
    const char* const begin = at_;
    const char* at = at_;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1f);
    unsigned high = 0;  // bytes past ASCII before the stop: the string's UTF-8 is checked
    for (;;) {
      if (at >= end_) return false;
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
      const __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(bytes, control), bytes);  // bytes <= 0x1f
      const auto stops = static_cast<unsigned>(_mm_movemask_epi8(
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)), low)));
      const auto highs = static_cast<unsigned>(_mm_movemask_epi8(bytes));
      if (stops == 0) {
        high |= highs;
        at += 16;
        continue;
      }
      const auto offset = static_cast<unsigned>(__builtin_ctz(stops));
      high |= highs & ((1U << offset) - 1U);
      at += offset;
      break;
    }
#else
    bool high = false;
    for (; at < end_ && *at != '"' && *at != '\\' && static_cast<unsigned char>(*at) > 0x1f; ++at)
      high = high || static_cast<unsigned char>(*at) >= 0x80;
#endif
    if (at >= end_) return false;
    if (*at == '"') {
      out = {begin, static_cast<std::size_t>(at - begin)};
      if (high != 0 && !detail::valid_utf8(out)) return false;
      at_ = at + 1;
      return true;
    }
    if (*at != '\\' || !escapes) return false;  // a control byte, or an escaped key
    return escaped(out);
  }

  /// string() of a string with an escape, a byte at a time (they are rare in exports).
  bool escaped(std::string_view& out) {
    const char* const begin = at_;
    char* const first = strings_.data() + used_;
    char* const last = strings_.data() + strings_.size();
    char* to = first;
    const auto put = [&](char c) {
      if (to == last) return false;
      *to++ = c;
      return true;
    };
    const auto hex4 = [&](const char* at, std::uint32_t& unit) {
      if (end_ - at < 4) return false;
      unit = 0;
      for (int digit = 0; digit < 4; ++digit) {
        const char c = at[digit];
        const int value = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (value < 0) return false;
        unit = unit << 4 | static_cast<std::uint32_t>(value);
      }
      return true;
    };
    const char* at = begin;
    for (;;) {
      if (at >= end_) return false;
      const auto c = static_cast<unsigned char>(*at);
      if (c == '"') break;
      if (c <= 0x1f) return false;
      if (c != '\\') {
        if (!put(static_cast<char>(c))) return false;
        ++at;
        continue;
      }
      if (end_ - at < 2) return false;
      char plain = 0;
      switch (at[1]) {
        case '"': plain = '"'; break;
        case '\\': plain = '\\'; break;
        case '/': plain = '/'; break;
        case 'b': plain = '\b'; break;
        case 'f': plain = '\f'; break;
        case 'n': plain = '\n'; break;
        case 'r': plain = '\r'; break;
        case 't': plain = '\t'; break;
        case 'u': break;
        default: return false;
      }
      if (plain != 0) {
        if (!put(plain)) return false;
        at += 2;
        continue;
      }
      std::uint32_t code = 0;
      if (!hex4(at + 2, code)) return false;
      at += 6;
      if (code == 0 || (code >= 0xdc00 && code <= 0xdfff)) return false;  // NUL, a lone low surrogate
      if (code >= 0xd800 && code <= 0xdbff) {
        std::uint32_t low = 0;
        if (end_ - at < 2 || at[0] != '\\' || at[1] != 'u' || !hex4(at + 2, low) || low < 0xdc00 || low > 0xdfff)
          return false;
        at += 6;
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
      }
      bool room = true;
      if (code < 0x80) {
        room = put(static_cast<char>(code));
      } else if (code < 0x800) {
        room = put(static_cast<char>(0xc0 | code >> 6)) && put(static_cast<char>(0x80 | (code & 0x3f)));
      } else if (code < 0x10000) {
        room = put(static_cast<char>(0xe0 | code >> 12)) && put(static_cast<char>(0x80 | (code >> 6 & 0x3f))) &&
               put(static_cast<char>(0x80 | (code & 0x3f)));
      } else {
        room = put(static_cast<char>(0xf0 | code >> 18)) && put(static_cast<char>(0x80 | (code >> 12 & 0x3f))) &&
               put(static_cast<char>(0x80 | (code >> 6 & 0x3f))) && put(static_cast<char>(0x80 | (code & 0x3f)));
      }
      if (!room) return false;
    }
    // The raw text's UTF-8 (escapes are ASCII, and what they gave is well-formed by making).
    if (!detail::valid_utf8({begin, static_cast<std::size_t>(at - begin)})) return false;
    out = {first, static_cast<std::size_t>(to - first)};
    used_ += static_cast<std::size_t>(to - first);
    at_ = at + 1;
    return true;
  }

  const char* at_;
  const char* const end_;
  std::span<char> strings_;
  std::size_t& used_;
};

/// Reads a line's entity with simdjson, whose DOM parser runs the widest SIMD kernel the machine
/// has (chosen at run time by the library): four to five times fewer instructions a line than
/// RapidJSON's parse and DOM (callgrind, 50k generated entities). It reads only what it can read
/// exactly as the RapidJSON path would: a well-formed JSON object (simdjson checks the whole
/// line, its UTF-8 too) that check_entity accepts, with no "op" and no repeated entity key. Every
/// other line (not JSON for simdjson, a delta op, a bad record, anything unusual) is left to the
/// RapidJSON path, which parses it again and gives the same record or the same error as before.
/// With FtmLineParse::Scan (the default), LineScanner reads each line first; simdjson takes over
/// from the first line of a block that the scanner leaves.
class SimdEntityReader {
 public:
  /// Bytes a line's text must have readable after its end (the block's padding).
  static constexpr std::size_t kPadding = simdjson::SIMDJSON_PADDING;

  /// Reads the `size` bytes at `line` (followed by at least kPadding readable bytes) into
  /// `entity`, with its lists appended to `store` and its strings either views into the line or
  /// copied to `strings` from `used` on (which it advances). False, with `store` and `used` as
  /// they were, when the RapidJSON path must read the line.
  bool read(const char* line, std::size_t size, Entity& entity, RecordStore& store, std::span<char> strings,
            std::size_t& used) {
    const std::size_t values_before = store.values.size(), properties_before = store.properties.size();
    const std::size_t used_before = used;
    const auto undo = [&] {
      store.values.resize(values_before);
      store.properties.resize(properties_before);
      used = used_before;
      entity = {};
    };
    if (scan_live_) {
      if (scan_entity(line, size, entity, store, strings, used)) return true;
      // Not taken: this line and the rest of the block are read by simdjson's on-demand stream
      // (the scanner is not tried again on this block: a file whose lines it does not take,
      // pretty-printed objects or numbers, pays for it once a block).
      undo();
      scan_live_ = false;
      start_on_demand(line, static_cast<std::size_t>(block_end_ - line));
    }
    if (on_demand_live_) {
      if (on_demand_entity(line, size, entity, store, strings, used)) return true;
      // Not taken: this line and the rest of the block are read as before, from a DOM stream of
      // their own (the on-demand stream is not asked to go on past a document it left).
      undo();
      on_demand_live_ = false;
      start_dom_stream(line, static_cast<std::size_t>(block_end_ - line));
    }
    // The line's document from the block's stream when it has one, else the line parsed alone.
    simdjson::dom::element root;
    const bool parsed =
        stream_document(line, size, root) ||
        parser_.parse(reinterpret_cast<const std::uint8_t*>(line), size, false).get(root) == simdjson::SUCCESS;
    const bool read = parsed && read_entity(root, entity, store, strings, used);
    // A long line grows the parser's buffers to some 14 bytes a byte of it (tape, string buffer,
    // structural indexes: simdjson's dom::parser::allocate); they are let go after it, so that
    // each block's parser stays small. The entity's strings were copied out.
    if (size > kKeptCapacity) parser_ = simdjson::dom::parser{};
    if (read) return true;
    undo();
    return false;
  }

  /// Starts reading the block's `size` bytes at `text` (followed by kPadding readable bytes, and
  /// not changed until their lines are read, except that a line's end may be overwritten once the
  /// line is read) as one stream of documents read on demand (simdjson's iterate_many): one
  /// stage 1 a kStreamBatch of the block instead of one a line, whose fixed cost was most of a
  /// short line's, and no DOM: read() walks each line's document once, keeping its strings as
  /// views into the block's text where they have no escape. A block longer than kStreamBytes (a
  /// long line) is parsed line by line, as every block was before.
  /// With FtmLineParse::Scan (the default), each line is first read by LineScanner; the stream
  /// starts at the first line it does not take.
  void start_stream(const char* text, std::size_t size) {
    on_demand_live_ = false;
    stream_live_ = false;
    scan_live_ = false;
    block_end_ = text + size;
    stream_text_ = text;
    if (size == 0 || detail::ftm_line_parse == detail::FtmLineParse::Alone) return;
    if (detail::ftm_line_parse == detail::FtmLineParse::Scan) {
      scan_live_ = true;
      return;
    }
    if (detail::ftm_line_parse == detail::FtmLineParse::DomStream) {
      start_dom_stream(text, size);
      return;
    }
    start_on_demand(text, size);
  }

 private:
  static bool json_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

  /// The `size` bytes at `text` (the rest of the block from a line's start) as one stream of
  /// documents read on demand; a block longer than kStreamBytes is parsed line by line.
  void start_on_demand(const char* text, std::size_t size) {
    if (size == 0 || size > kStreamBytes) return;
    on_demand_parser_.threaded = false;  // the block is parsed on its worker, no stage 1 thread
    if (on_demand_parser_.iterate_many(text, size, kStreamBatch).get(documents_) != simdjson::SUCCESS) {
      start_dom_stream(text, size);
      return;
    }
    document_ = documents_.begin();
    on_demand_live_ = document_ != documents_.end();
  }

  /// Parses the `size` bytes at `text` (the rest of the block from a line's start) as one stream
  /// of DOM documents (simdjson's parse_many), for stream_document().
  void start_dom_stream(const char* text, std::size_t size) {
    stream_live_ = false;
    stream_text_ = text;
    if (size == 0 || size > kStreamBytes) return;
    stream_parser_.threaded = false;  // the block is parsed on its worker, no stage 1 thread
    if (stream_parser_.parse_many(reinterpret_cast<const std::uint8_t*>(text), size, kStreamBatch).get(stream_) !=
        simdjson::SUCCESS)
      return;
    at_ = stream_.begin();
    stream_live_ = at_ != stream_.end();
  }

  /// The text of a JSON string from `raw` (just past its opening quote) to its closing quote,
  /// when it has no escape; false when it has one. Stage 1 found the string closed, by a quote
  /// that is not escaped: with no backslash before it, the first quote is that one.
  /// The string is read 16 bytes at a time (SSE2): up to 15 bytes past its closing quote, which
  /// the block's padding (kPadding) keeps readable however near its end the string is.
  static bool unescaped_text(const char* raw, std::string_view& out) noexcept {
    const char* end = raw;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    for (;; end += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(end));
      const auto hits = static_cast<unsigned>(
          _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash))));
      if (hits == 0) continue;
      end += __builtin_ctz(hits);
      break;
    }
    if (*end != '"') return false;
#else
    for (; *end != '"'; ++end)
      if (*end == '\\') return false;
#endif
    out = {raw, static_cast<std::size_t>(end - raw)};
    return true;
  }

  /// Copies `text` to the line's part of `strings` as `out` (a string simdjson unescaped into
  /// its own buffer, which the next document reuses); false when there is no room.
  static bool keep(std::string_view text, std::string_view& out, std::span<char> strings, std::size_t& used) {
    // A string's unescaped text is never longer than its JSON text, so the line's strings fit
    // in as many bytes as the line has; checked all the same.
    if (text.size() > strings.size() - used) return false;
    if (!text.empty()) std::memcpy(strings.data() + used, text.data(), text.size());
    out = {strings.data() + used, text.size()};
    used += text.size();
    return true;
  }

  /// Reads the on-demand stream's next document as the entity of `line` (of `size` bytes,
  /// within the block's text; lines asked in order): true when it is the whole line (its `{` the
  /// line's first byte that is not JSON whitespace, its `}` the last, as stream_document() asks of
  /// a DOM document) and an entity read_entity() would take whole, with every value
  /// read by a getter that checks it (no value is skipped unread: an unknown key, a value of
  /// another type, a repeated key, an escaped key, or any error leave the line to the DOM path).
  /// What stage 1 checks (UTF-8, unescaped control characters, the strings' ends) it checked for
  /// the whole batch; what it does not (commas, colons, brackets, the literals) the getters do.
  /// So a line taken here is valid JSON, and its entity is the one the DOM path gives.
  bool on_demand_entity(const char* line, std::size_t size, Entity& entity, RecordStore& store,
                        std::span<char> strings, std::size_t& used) {
    namespace ondemand = simdjson::ondemand;
    if (!(document_ != documents_.end())) return false;
    ondemand::document_reference document;
    if ((*document_).get(document) != simdjson::SUCCESS) return false;
    std::size_t first = 0;
    while (first < size && json_space(line[first])) ++first;
    if (first >= size || line[first] != '{') return false;
    ondemand::object object;
    if (document.get_object().get(object) != simdjson::SUCCESS) return false;
    // A string value: a view into the line when it has no escape, else unescaped and kept.
    const auto string_value = [&](ondemand::value value, std::string_view& out) {
      const char* const token = value.raw_json_token().data();
      if (*token != '"') return false;
      if (unescaped_text(token + 1, out)) return value.get_raw_json_string().error() == simdjson::SUCCESS;
      std::string_view text;
      return value.get_string().get(text) == simdjson::SUCCESS && keep(text, out, strings, used);
    };
    const auto string_array = [&](ondemand::value value, Range& range) {
      ondemand::array array;
      if (value.get_array().get(array) != simdjson::SUCCESS) return false;
      range.begin = static_cast<std::uint32_t>(store.values.size());
      for (auto item : array) {
        ondemand::value element;
        if (std::move(item).get(element) != simdjson::SUCCESS || !string_value(element, store.values.emplace_back()))
          return false;
      }
      range.end = static_cast<std::uint32_t>(store.values.size());
      return true;
    };
    bool seen[kEntityKeys] = {};
    entity.store = &store;
    for (auto member : object) {
      ondemand::field field;
      std::string_view key;
      if (std::move(member).get(field) != simdjson::SUCCESS || !unescaped_text(field.key().raw(), key)) return false;
      const int slot = entity_key(key);
      if (slot < 0 || seen[slot]) return false;  // another key ("op" too): its value would go unread
      seen[slot] = true;
      ondemand::value value = field.value();
      bool read = false;
      switch (slot) {
        case kId: read = string_value(value, entity.id) && !entity.id.empty(); break;
        case kSchema: read = string_value(value, entity.schema); break;
        case kCaption: read = string_value(value, entity.caption); break;
        case kFirstSeen: read = string_value(value, entity.first_seen); break;
        case kLastSeen: read = string_value(value, entity.last_seen); break;
        case kLastChange: read = string_value(value, entity.last_change); break;
        case kReferents: read = string_array(value, entity.referent_range); break;
        case kDatasets: read = string_array(value, entity.dataset_range); break;
        case kTarget: read = value.get_bool().get(entity.target) == simdjson::SUCCESS; break;
        case kProperties: {
          ondemand::object properties;
          if (value.get_object().get(properties) != simdjson::SUCCESS) return false;
          entity.property_range.begin = static_cast<std::uint32_t>(store.properties.size());
          for (auto item : properties) {
            ondemand::field prop;
            Range values;
            if (std::move(item).get(prop) != simdjson::SUCCESS) return false;
            Property& into = store.properties.emplace_back();
            if (!unescaped_text(prop.key().raw(), into.key) || !string_array(prop.value(), values)) return false;
            into.begin = values.begin;
            into.end = values.end;
          }
          entity.property_range.end = static_cast<std::uint32_t>(store.properties.size());
          read = true;
          break;
        }
        default: break;
      }
      if (!read) return false;
    }
    if (!seen[kId] || !seen[kSchema]) return false;
    // The document is the whole line: it starts at the line's `{`, and the structural character
    // stage 1 found next after its `}` (or the end of the text) is past the line's end with only
    // whitespace before it. A byte after the `}` that is not whitespace would be structural
    // itself (a quote, an operator, or the start of a scalar after an operator or whitespace),
    // and so would a `}` past the line's end that ends a document begun on it.
    std::string_view whole;
    if (document.raw_json().get(whole) != simdjson::SUCCESS || whole.data() != line + first) return false;
    const char* const next = whole.data() + whole.size();
    if (next < line + size) return false;
    for (const char* at = line + size; at < next; ++at)
      if (!json_space(*at)) return false;
    entity.info = schema_of(entity.schema);
    if (entity.info == nullptr) return false;
    // On to the next document now, before the caller ends this line with a NUL: a step that
    // runs stage 1 on the next batch must see this line's end as it is in the file (a batch that
    // starts at it would otherwise start with a NUL, a value that is no line's object).
    ++document_;
    return true;
  }

  /// LineScanner's read of `line`, with its schema looked up as on_demand_entity() does.
  bool scan_entity(const char* line, std::size_t size, Entity& entity, RecordStore& store, std::span<char> strings,
                   std::size_t& used) {
    if (!LineScanner(line, size, strings, used).entity(entity, store)) return false;
    entity.info = schema_of(entity.schema);
    return entity.info != nullptr;
  }

  /// The schema named `name` (nullptr: FtM defines none). Lines of one schema come in runs (an
  /// export is sorted by schema or by entity, its links after it), or alternate between two (a
  /// party, then its links): the last two lines' schemas are tried before the table (a lookup
  /// in it was 160 instructions, and the generated file changes schema every 7 lines).
  [[gnu::always_inline]] const SchemaInfo* schema_of(std::string_view name) {
    if (last_schema_ != nullptr && detail::same_text(last_schema_->name, name)) return last_schema_;
    std::swap(last_schema_, other_schema_);
    if (last_schema_ == nullptr || !detail::same_text(last_schema_->name, name)) last_schema_ = find_schema(name);
    return last_schema_;
  }

  /// The stream's document that is the whole `line` (of `size` bytes, within the block's text,
  /// lines asked in order): an object whose `{` is the line's first byte that is not JSON
  /// whitespace, and whose `}` its last. Its `{` is a structural character of stage 1 only if it
  /// is outside every string of the stream (a stray quote on an earlier line makes it a string's
  /// byte), so the line's structure, and the element stage 2 makes of it, is what parsing the
  /// line alone gives. Any other line (not JSON, two documents, one across lines, an error that
  /// ended the stream) is parsed alone, as before: its error and record stay as they were.
  bool stream_document(const char* line, std::size_t size, simdjson::dom::element& root) {
    if (!stream_live_) return false;
    const auto start = static_cast<std::size_t>(line - stream_text_);
    // Documents before this line belong to lines parsed alone: skipped (stage 2 runs on each).
    while (at_.current_index() < start) {
      ++at_;
      if (!(at_ != stream_.end())) {
        stream_live_ = false;
        return false;
      }
    }
    simdjson::dom::element element;
    if ((*at_).get(element) != simdjson::SUCCESS) {
      stream_live_ = false;  // stage 2 failed: the stream ends here, the lines left are parsed alone
      return false;
    }
    const std::size_t first = at_.current_index() - start;
    if (first >= size || line[first] != '{') return false;
    for (std::size_t at = 0; at < first; ++at)
      if (!json_space(line[at])) return false;
    const std::string_view source = at_.source();
    const std::size_t last = first + source.size();  // one past the document's last byte
    if (source.empty() || last > size || line[last - 1] != '}') return false;
    for (std::size_t at = last; at < size; ++at)
      if (!json_space(line[at])) return false;
    root = element;
    return true;
  }

  bool read_entity(simdjson::dom::element root, Entity& entity, RecordStore& store, std::span<char> strings,
                   std::size_t& used) {
    namespace dom = simdjson::dom;
    dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) return false;
    dom::element slots[kEntityKeys];
    bool seen[kEntityKeys] = {};
    for (const dom::key_value_pair field : object) {
      const std::string_view key = field.key;
      if (key == "op") return false;  // a delta op
      const int slot = entity_key(key);
      if (slot < 0) continue;
      if (seen[slot]) return false;  // a key given twice
      seen[slot] = true;
      slots[slot] = field.value;
    }
    // Every string is kept: the stream's next batch rewrites the parser's string buffer.
    const auto keep = [&](std::string_view text, std::string_view& out) {
      return SimdEntityReader::keep(text, out, strings, used);
    };
    // A string member, kept; "" when absent or not a string (check_entity's text()).
    const auto text = [&](EntityKey slot, std::string_view& out) {
      std::string_view value;
      if (!seen[slot] || slots[slot].get_string().get(value) != simdjson::SUCCESS) return true;
      return keep(value, out);
    };
    const auto string_array = [&](dom::element value, Range& range) {
      dom::array array;
      if (value.get_array().get(array) != simdjson::SUCCESS) return false;
      range.begin = static_cast<std::uint32_t>(store.values.size());
      for (const dom::element item : array) {
        std::string_view text;
        if (item.get_string().get(text) != simdjson::SUCCESS || !keep(text, store.values.emplace_back())) return false;
      }
      range.end = static_cast<std::uint32_t>(store.values.size());
      return true;
    };
    std::string_view id, schema;
    if (!seen[kId] || slots[kId].get_string().get(id) != simdjson::SUCCESS || id.empty()) return false;
    if (!seen[kSchema] || slots[kSchema].get_string().get(schema) != simdjson::SUCCESS) return false;
    entity.info = schema_of(schema);
    if (entity.info == nullptr) return false;
    if (!keep(id, entity.id) || !keep(schema, entity.schema) || !text(kCaption, entity.caption)) return false;
    entity.store = &store;
    if (seen[kProperties]) {
      dom::object properties;
      if (slots[kProperties].get_object().get(properties) != simdjson::SUCCESS) return false;
      entity.property_range.begin = static_cast<std::uint32_t>(store.properties.size());
      for (const dom::key_value_pair prop : properties) {
        Property& into = store.properties.emplace_back();
        Range values;
        if (!keep(prop.key, into.key) || !string_array(prop.value, values)) return false;
        into.begin = values.begin;
        into.end = values.end;
      }
      entity.property_range.end = static_cast<std::uint32_t>(store.properties.size());
    }
    if (seen[kReferents] && !string_array(slots[kReferents], entity.referent_range)) return false;
    if (seen[kDatasets] && !string_array(slots[kDatasets], entity.dataset_range)) return false;
    if (!text(kFirstSeen, entity.first_seen) || !text(kLastSeen, entity.last_seen) ||
        !text(kLastChange, entity.last_change))
      return false;
    bool target = false;
    entity.target = seen[kTarget] && slots[kTarget].get_bool().get(target) == simdjson::SUCCESS && target;
    return true;
  }

  static constexpr std::size_t kKeptCapacity = std::size_t{1} << 16;  // bytes of line
  /// The longest block parsed as a stream: a read's 256 KiB and more (a block is the line the
  /// last one carried over plus a read); one with a longer line is parsed line by line.
  static constexpr std::size_t kStreamBytes = std::size_t{1} << 20;
  /// Stage 1 runs on this many bytes of the block at a time, so that the structural indexes it
  /// writes are still in cache when stage 2 reads them (a document longer ends the stream).
  static constexpr std::size_t kStreamBatch = std::size_t{1} << 16;
  simdjson::dom::parser parser_;
  simdjson::ondemand::parser on_demand_parser_;
  simdjson::ondemand::document_stream documents_;
  simdjson::ondemand::document_stream::iterator document_;
  const char* block_end_ = nullptr;
  bool scan_live_ = false;       // read() asks LineScanner first
  bool on_demand_live_ = false;  // read() asks documents_ first (after the scanner)
  simdjson::dom::parser stream_parser_;
  simdjson::dom::document_stream stream_;
  simdjson::dom::document_stream::iterator at_;
  const char* stream_text_ = nullptr;
  bool stream_live_ = false;
  const SchemaInfo* last_schema_ = nullptr;
  const SchemaInfo* other_schema_ = nullptr;  // the one before it
};

/// A parse buffer reused line after line: RapidJSON's pool allocator over a fixed block, cleared
/// after each line, so a typical line allocates nothing.
class LineParser {
 public:
  LineParser() : block_(1 << 18), pool_(block_.data(), block_.size()), document_(&pool_) {}
  /// Parses a NUL-terminated line in place. Returns the reason it is not JSON, or "".
  std::string parse_in_place(char* line) {
    reset();
    parse_line_in_place(document_, line, std::strlen(line));
    return error();
  }
  /// Parses a copy (the delta pre-pass, which must leave the text as it is).
  std::string parse_copy(std::string_view line) {
    reset();
    if (detail::valid_utf8(line)) document_.Parse<kLineFlags>(line.data(), line.size());
    else document_.Parse<kCheckedFlags>(line.data(), line.size());
    return error();
  }
  const Json& root() const noexcept { return document_; }

 private:
  void reset() {
    document_.SetNull();
    pool_.Clear();
  }
  std::string error() const {
    if (!document_.HasParseError()) return {};
    return fmt::format("invalid JSON at column {}: {}", document_.GetErrorOffset() + 1,
                       rapidjson::GetParseError_En(document_.GetParseError()));
  }
  std::vector<char> block_;
  rapidjson::MemoryPoolAllocator<> pool_;
  LineDocument document_;
};

/// Zeroed memory of its own mapping, on 2 MiB boundaries with huge pages asked for (a hint), and
/// unmapped when it goes: DefinedIds' table and records, read at random places (a TLB miss each
/// on 4 KiB pages). From malloc, they went back to its heap when the stream ended, still marked
/// for huge pages, and freeze's allocations that reused them raised the load's peak RSS.
class MappedRegion {
 public:
  MappedRegion() = default;
  explicit MappedRegion(std::size_t bytes) {
    constexpr std::size_t kHuge = std::size_t{2} << 20;
    const std::size_t size = (bytes + kHuge - 1) / kHuge * kHuge;
    void* const mapped = ::mmap(nullptr, size + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    // The part on a 2 MiB boundary is kept; the rest of the mapping goes back at once.
    const auto start = reinterpret_cast<std::uintptr_t>(mapped);
    const std::uintptr_t aligned = (start + kHuge - 1) & ~(kHuge - 1);
    if (aligned > start) ::munmap(mapped, aligned - start);
    if (const std::size_t tail = start + size + kHuge - (aligned + size); tail > 0)
      ::munmap(reinterpret_cast<void*>(aligned + size), tail);
    mapping_ = detail::Mapping(reinterpret_cast<void*>(aligned), size);  // unmapped when it goes
#ifdef MADV_HUGEPAGE
    ::madvise(data(), size, MADV_HUGEPAGE);
#endif
  }
  char* data() const noexcept { return static_cast<char*>(const_cast<void*>(mapping_.data())); }
  explicit operator bool() const noexcept { return mapping_.data() != nullptr; }

 private:
  detail::Mapping mapping_;
};

/// The ids of the parties a streamed file's earlier blocks defined, each with the pool id it
/// got, for the parsing workers to find a link's ends in while the reading thread adds the
/// blocks before theirs (issue 13: the ends' lookups in the pool, each a few dependent cache
/// misses at random places, were the largest part of the one reading thread's work).
/// One writer, the reading thread, publishes each party once it is in the batch; any number of
/// readers find ids, seeing some prefix of what was published: an id found here is defined by a
/// line before any block a worker parses (blocks are added in file order, after their parse),
/// and so is exactly what Batch::defined_id() gives for it; one not found is looked up by the
/// reading thread as before. A hint: what it does not hold (a record longer than a chunk, room
/// run out) is only not found.
/// Lock-free: the table's slots are read and written atomically, a record's bytes are written
/// before the release of its slot and read after its acquire; a grown table is published whole
/// through `table_`, and the tables it replaced stay (readers may still be probing them) until
/// the index goes, after the workers are joined.
class DefinedIds {
 public:
  DefinedIds() : chunks_(kMaxChunks) { grow(std::size_t{1} << 16); }
  DefinedIds(const DefinedIds&) = delete;
  DefinedIds& operator=(const DefinedIds&) = delete;

  /// Reading thread: the text `id` (`hash`: detail::hash_string(id)) is defined, as pool id `pool_id`.
  void publish(std::string_view id, std::uint64_t hash, StringId pool_id) {
    // A record: the pool id (4 bytes), the id's size (2), its text; on 4-byte boundaries. Packed
    // so, the generated file's ids ("gen:123456") take 16 bytes, four to a cache line; with an
    // 8-byte size field and 8-byte boundaries they took 24, two to a line (32 MiB at 1M parties,
    // fresh pages a worker faulted in, for 16 now).
    const std::size_t bytes = (kHeaderBytes + id.size() + kUnitBytes - 1) / kUnitBytes * kUnitBytes;
    if (id.empty() || id.size() > 0xFFFF || bytes > kChunkBytes) return;
    // A record that fits in a cache line starts where it does not cross into the next one: a
    // reader fetches one line for it (prefetch_record), and a record across two missed on the
    // second in find's compare (the largest part of find_ends' time, perf on 1M).
    if (bytes <= kLineBytes && used_ % kLineBytes + bytes > kLineBytes) used_ = (used_ / kLineBytes + 1) * kLineBytes;
    if (used_ % kChunkBytes + bytes > kChunkBytes) used_ = (used_ / kChunkBytes + 1) * kChunkBytes;  // next one
    const std::size_t chunk = used_ / kChunkBytes;
    if (chunk >= kMaxChunks) return;
    if (!chunks_[chunk]) chunks_[chunk] = take_spare(spare_chunk_, kChunkBytes);
    char* const record = chunks_[chunk].data() + used_ % kChunkBytes;
    const auto size = static_cast<std::uint16_t>(id.size());
    std::memcpy(record, &pool_id, 4);
    std::memcpy(record + 4, &size, 2);
    std::memcpy(record + kHeaderBytes, id.data(), id.size());
    const std::uint64_t unit = used_ / kUnitBytes + 1;  // 0 is an empty slot
    used_ += bytes;
    // Grown at three quarters full, not half: each table is fresh memory to fault in (zero). At
    // half, the 1M parties of the generated file ended in a table of 4M slots, 64 MiB of tables
    // in all; now in one of 2M, 16 MiB (grow() hands the ones before back). The tag in each slot
    // keeps a longer probe to a cache line or two.
    if ((count_ + 1) * 4 > (current_->mask + 1) * 3) grow((current_->mask + 1) * 2);
    ++count_;
    count_seen_.store(count_, std::memory_order_relaxed);
    const std::uint64_t tag = hash >> 32;
    std::size_t at = tag & current_->mask;
    while (current_->slot(at).load(std::memory_order_relaxed) != 0) at = (at + 1) & current_->mask;
    current_->slot(at).store(tag << 32 | unit, std::memory_order_release);
  }

  /// A parsing worker, between blocks: maps and faults in (zeroes) the memory that publish()
  /// asks for next, a chunk, and the grown table once the table is 11/16 full, for the reading
  /// thread to take ready. While a file's parties are read the reading thread is the bound and
  /// the workers wait for it; faulting these in itself was a sixth of its time there (perf, 1M
  /// generated: clear_page under grow and publish). At most one of each waits unused at the end.
  void prepare() {
    std::size_t slots = 0;
    bool want_chunk = false, want_table = false;
    {
      const std::lock_guard lock(spare_mutex_);
      if (preparing_) return;  // the other worker is at it
      slots = table().mask + 1;
      want_chunk = !spare_chunk_.region;
      // From 11/16 full (the table grows at 12/16): a load that ends before it grows leaves the
      // spare unused, and at 1/2 that was up to a table twice the size, faulted in for nothing.
      want_table = count_seen_.load(std::memory_order_relaxed) * 16 > slots * 11 && spare_table_.bytes != slots * 2 * 8;
      if (!want_chunk && !want_table) return;
      preparing_ = true;
    }
    Spare chunk, grown;
    if (want_chunk) chunk = Spare::faulted(kChunkBytes);
    if (want_table) grown = Spare::faulted(slots * 2 * 8);
    const std::lock_guard lock(spare_mutex_);
    if (want_chunk) spare_chunk_ = std::move(chunk);
    if (want_table) spare_table_ = std::move(grown);
    preparing_ = false;
  }

  /// Reading thread: starts fetching the slot that publish(id, hash, ...) probes first.
  void prefetch(std::uint64_t hash) const noexcept {
    detail::prefetch_line(current_->memory.data() + ((hash >> 32) & current_->mask) * 8);
  }

  /// The table readers probe now (a reader takes it once for a block of lookups).
  struct Table {
    MappedRegion memory;  // mask + 1 slots, zeroed (0: empty)
    std::size_t mask = 0;
    std::atomic_ref<std::uint64_t> slot(std::size_t at) const noexcept {
      return std::atomic_ref<std::uint64_t>(reinterpret_cast<std::uint64_t*>(memory.data())[at]);
    }
  };
  const Table& table() const noexcept { return *table_.load(std::memory_order_acquire); }

  /// Any thread: starts fetching the first slot `hash` probes in `table`.
  static void prefetch_slot(const Table& table, std::uint64_t hash) noexcept {
    detail::prefetch_line(table.memory.data() + ((hash >> 32) & table.mask) * 8);
  }
  /// Any thread: starts fetching the record of the first slot along `hash`'s probe with its tag
  /// (a hint, as StringPool::prefetch_stage: looks a few slots along at most).
  void prefetch_record(const Table& table, std::uint64_t hash) const noexcept {
    const std::uint64_t tag = hash >> 32;
    std::size_t at = tag & table.mask;
    for (int step = 0; step < 8; ++step, at = (at + 1) & table.mask) {
      const std::uint64_t slot = table.slot(at).load(std::memory_order_acquire);
      if (slot == 0) return;
      if ((slot >> 32) == tag) {
        detail::prefetch_line(record(slot));
        return;
      }
    }
  }
  /// Any thread: the pool id published for `id` (`hash`: detail::hash_string(id)), or kNoString.
  StringId find(const Table& table, std::string_view id, std::uint64_t hash) const noexcept {
    const std::uint64_t tag = hash >> 32;
    for (std::size_t at = tag & table.mask;; at = (at + 1) & table.mask) {
      const std::uint64_t slot = table.slot(at).load(std::memory_order_acquire);
      if (slot == 0) return kNoString;
      if ((slot >> 32) != tag) continue;
      const char* const found = record(slot);
      std::uint16_t size = 0;
      std::memcpy(&size, found + 4, 2);
      if (detail::same_text({found + kHeaderBytes, size}, id)) {
        StringId pool_id;
        std::memcpy(&pool_id, found, 4);
        return pool_id;
      }
    }
  }

 private:
  // Chunks of one huge page each (MappedRegion): a worker's lookups land at random places.
  static constexpr std::size_t kChunkBytes = std::size_t{2} << 20;
  static constexpr std::size_t kLineBytes = 64;  // a cache line (chunks start on one)
  static constexpr std::size_t kHeaderBytes = 6;  // a record's pool id and size, before its text
  static constexpr std::size_t kUnitBytes = 4;    // records start on these boundaries
  // A slot holds a record's unit (its offset / kUnitBytes) + 1 in 32 bits.
  static constexpr std::size_t kMaxChunks = (std::size_t{1} << 32) * kUnitBytes / kChunkBytes - 1;

  /// A region prepare() faulted in, of `bytes` bytes (zeroed, as a fresh mapping is).
  struct Spare {
    MappedRegion region;
    std::size_t bytes = 0;
    static Spare faulted(std::size_t bytes) {
      Spare spare{MappedRegion(bytes), bytes};
      // Writable, as a first write would fault it in (a read would map the shared zero page, and
      // fault again at the first write); one call where a write a page was a fault each.
      const auto begin = reinterpret_cast<std::uintptr_t>(spare.region.data());
      detail::populate_pages(begin, begin + bytes);
      return spare;
    }
  };
  /// Reading thread: `spare`'s region when prepare() made it of `bytes` bytes, else a new one.
  MappedRegion take_spare(Spare& spare, std::size_t bytes) {
    {
      const std::lock_guard lock(spare_mutex_);
      if (spare.region && spare.bytes == bytes) {
        spare.bytes = 0;
        return std::move(spare.region);
      }
    }
    return MappedRegion(bytes);
  }

  const char* record(std::uint64_t slot) const noexcept {
    const std::size_t offset = ((slot & 0xFFFFFFFFu) - 1) * kUnitBytes;
    return chunks_[offset / kChunkBytes].data() + offset % kChunkBytes;
  }

  /// Reading thread: a table of `slots` slots with every published id, then published itself.
  void grow(std::size_t slots) {
    auto table = std::make_unique<Table>();
    table->memory = take_spare(spare_table_, slots * 8);
    table->mask = slots - 1;
    if (current_ != nullptr) {
      for (std::size_t at = 0; at <= current_->mask; ++at) {
        const std::uint64_t slot = current_->slot(at).load(std::memory_order_relaxed);
        if (slot == 0) continue;
        std::size_t to = (slot >> 32) & table->mask;
        while (table->slot(to).load(std::memory_order_relaxed) != 0) to = (to + 1) & table->mask;
        table->slot(to).store(slot, std::memory_order_relaxed);
      }
    }
    const Table* const before = current_;
    current_ = table.get();
    tables_.push_back(std::move(table));
    table_.store(current_, std::memory_order_release);
    // The table it replaced gives its pages back now, not at the end of the load (tables of 1/2,
    // 1/4... the size of the last one: 16 MiB of a 1M FtM load's 64 MiB here). It stays mapped,
    // for a worker may still be probing it: its slots read 0 from here on, so such a probe ends
    // at once finding nothing, and the reading thread looks that end up itself, as it does any
    // end a worker did not find. A slot reads either what it held or 0, never another id.
    if (before != nullptr) ::madvise(before->memory.data(), (before->mask + 1) * 8, MADV_DONTNEED);
  }

  std::vector<MappedRegion> chunks_;  // kMaxChunks, each mapped when first written (never moved)
  std::vector<std::unique_ptr<Table>> tables_;  // the current one last; the reading thread's
  Table* current_ = nullptr;                    // the reading thread's: tables_.back()
  std::atomic<const Table*> table_{nullptr};
  std::size_t count_ = 0, used_ = 0;  // the reading thread's: ids published, bytes of the chunks used
  std::atomic<std::size_t> count_seen_{0};  // count_, for prepare()
  std::mutex spare_mutex_;                  // guards the spares and preparing_
  Spare spare_chunk_, spare_table_;
  bool preparing_ = false;
};

/// Whole lines of an FtM file, parsed in place by the pipeline's worker thread (RapidJSON, as
/// LineParser does): each line's DOM lives in the block's own pool, so a block is one
/// allocation to free once its records are in the batch, and the file is never held whole.
struct JsonBlock {
  struct Line {
    std::uint64_t number = 0;  // within the block, from 1 (the reader adds the lines before it)
    std::uint32_t error = 0;  // 0: parsed (root in `roots`); else 1 + its index in `errors`
    std::uint32_t invalid = 0;  // parsed, not a usable entity: 1 + the reason's index in `errors`
    bool op = false;            // parsed, an object with "op" (a delta op)
    std::uint32_t plan = 0;     // a link record: 1 + its index in `edge_plans`
  };
  detail::NoFillVector<char> text;  // the block's lines, NUL-terminated in place, then padding
  std::unique_ptr<char[]> pool_buffer;  // the pool's first chunk: kept when the block is recycled
  std::unique_ptr<rapidjson::MemoryPoolAllocator<>> pool;
  std::vector<Line> lines;          // non-blank lines, in order
  std::vector<Json> roots;          // one per line (null for a line that is not JSON)
  std::vector<EdgePlan> edge_plans;  // one per link record, in line order
  std::vector<Fact> facts;           // the edge plans' attributes
  /// One per line: its entity, checked (check_entity) here on the worker, so that the reading
  /// thread, which alone may write to the batch and is the bound of a large load, only adds it.
  std::vector<Entity> entities;
  /// Per line, the strings its record will look up in the string pool at random places: the
  /// record's id, then an edge's two ends or a party's first name (empty where there is none).
  /// Found here, on the worker, so that the reading thread can prefetch them lines ahead.
  std::vector<std::array<std::string_view, 3>> hot;
  /// detail::hash_string of each `hot` string (0 for an empty one), hashed here on the worker:
  /// the reading thread's three prefetch stages and the intern of a party's id and name take it
  /// instead of hashing the string four times over.
  std::vector<std::array<std::uint64_t, 3>> hot_hashes;
  /// Per line: a link's `hot` ends (its first value of each) as find_ends() found them among the
  /// ids earlier blocks defined (DefinedIds), kNoString where it did not (not a link, an end
  /// defined by this block or a later one, or not at all): the reading thread looks those up.
  std::vector<std::array<StringId, 2>> ends;
  std::vector<std::string> errors;  // why a line is not JSON
  /// The entities' lists (Entity::store points here: its own allocation, so that it stays put
  /// when the block is moved from thread to thread).
  std::unique_ptr<RecordStore> store = std::make_unique<RecordStore>();
  /// The text of the strings SimdEntityReader read that are not views into `text` (as many bytes
  /// as the block's text): every string of a DOM document, the escaped ones of an on-demand one.
  detail::NoFillVector<char> strings;
  std::uint64_t end_offset = 0;     // bytes of the file read when this block ends
  std::size_t size = 0;             // bytes of `text` before its padding
  std::uint64_t line_count = 0;     // its lines, blank ones too
  SimdEntityReader simd;            // its parser, for whichever worker parses it
};

/// Cuts a file into blocks of whole lines and parses them (runs on the worker thread).
class JsonLineBlocks {
 public:
  static constexpr std::size_t kBlockBytes = std::size_t{1} << 18;  // small: the DOMs in flight stay in cache
  /// Room for the DOMs of a block's lines in the block's first pool chunk: 1.85 bytes of DOM a
  /// byte of text on the generated 1M file (short lines, short values), with a margin.
  static constexpr std::size_t kPoolBytes = kBlockBytes * 5 / 2;
  explicit JsonLineBlocks(FileReader& file) : file_(file) {}

  /// Fills `block` with the next lines; false once they were the last.
  bool next_block(JsonBlock& block) {
    const bool more = read_block(block);
    parse_block(block);
    return more;
  }

  /// Fills `block` with the next lines' text, not parsed yet; false once they were the last.
  /// Blocks are read in file order, one at a time; parse_block may then run on any thread.
  bool read_block(JsonBlock& block) {
    auto& text = block.text;
    text.assign(carry_.begin(), carry_.end());  // a recycled block keeps its buffers' memory
    carry_.clear();
    // Read until the block holds a line end (or the file ends): a line longer than a block grows it.
    std::size_t last_newline = std::string::npos;
    std::size_t scanned = 0;
    while (!eof_) {
      // No more than the file holds (and a byte, to see its end): a small file's block does not
      // clear a whole block's bytes.
      const std::uint64_t left = file_.size() > read_ ? file_.size() - read_ : 0;
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kBlockBytes, left + 1));
      const std::size_t before = text.size();
      text.resize(before + want);
      const std::size_t got = file_.read(text.data() + before, want);
      text.resize(before + got);
      eof_ = got < want;
      offset_ += got;
      read_ += got;
      if (first_) {
        first_ = false;
        if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) text.erase(text.begin(), text.begin() + 3);
      }
      for (std::size_t at = text.size(); at > scanned; --at)
        if (text[at - 1] == '\n') {
          last_newline = at - 1;
          break;
        }
      scanned = text.size();
      if (last_newline != std::string::npos) break;
    }
    std::size_t size = text.size();
    if (!eof_) {
      // The partial last line waits for the next block (the carried bytes are counted there).
      carry_.assign(text.begin() + static_cast<std::ptrdiff_t>(last_newline + 1), text.end());
      offset_ -= carry_.size();
      size = last_newline + 1;
    } else {
      while (size > 0 && text[size - 1] == '\x1A') --size;  // a DOS end-of-file mark (SourceFile does the same)
    }
    text.resize(size);
    // RapidJSON's SSE2 skip reads past the NUL; simdjson reads up to SIMDJSON_PADDING bytes past a line.
    text.insert(text.end(), std::max(SourceFile::kPadding, SimdEntityReader::kPadding), '\0');
    block.end_offset = offset_;
    block.size = size;
    return !eof_;
  }

  /// Parses the lines read_block put in `block`.
  static void parse_block(JsonBlock& block) {
    const std::size_t size = block.size;
    std::uint64_t line = 0;
    block.lines.clear();
    block.roots.clear();
    block.entities.clear();
    block.edge_plans.clear();
    block.facts.clear();
    block.hot.clear();
    block.hot_hashes.clear();
    block.errors.clear();
    block.store->clear();
    block.strings.resize(size);  // not filled: each line's strings are written before they are read
    std::size_t strings_used = 0;
    if (block.pool == nullptr) {
      // Not zero-filled: a small file's block touches (and faults in) only the pages it uses.
      block.pool_buffer.reset(new char[kPoolBytes]);
      block.pool = std::make_unique<rapidjson::MemoryPoolAllocator<>>(block.pool_buffer.get(), kPoolBytes,
                                                                      std::size_t{1} << 18);
    } else {
      block.pool->Clear();  // frees the chunks past the first, which stays (a long line's block)
    }
    LineDocument document(block.pool.get());
    char* const base = block.text.data();
    block.simd.start_stream(base, size);
    for (std::size_t at = 0; at < size;) {
      const void* found = std::memchr(base + at, '\n', size - at);
      const std::size_t stop = found == nullptr ? size : static_cast<std::size_t>(static_cast<const char*>(found) - base);
      std::size_t end = stop;
      if (end > at && base[end - 1] == '\r') --end;
      const std::string_view text(base + at, end - at);
      ++line;
      const std::size_t start = at;
      at = found == nullptr ? size : stop + 1;
      if (trim(text).empty()) continue;
      block.roots.emplace_back();
      Entity& entity = block.entities.emplace_back();
      std::array<std::string_view, 3>& hot = block.hot.emplace_back();
      block.hot_hashes.emplace_back();
      const bool simd = block.simd.read(base + start, end - start, entity, *block.store, block.strings, strings_used);
      // Ended only now: the stream's next batch, cut from the text this line starts, must see its
      // line end as it is in the file (a NUL there would be a value after the document).
      base[end] = '\0';
      if (simd) {
        block.lines.emplace_back().number = line;  // made in place: see LineScanner::properties
      } else if (!read_with_rapidjson(block, document, line, base + start, end - start)) {
        continue;
      }
      const EdgePlan* plan = nullptr;
      if (entity.info->shape == Shape::Edge) {
        plan = &block.edge_plans.emplace_back();
        plan_edge(entity, block.edge_plans.back(), block.facts);
        block.lines.back().plan = static_cast<std::uint32_t>(block.edge_plans.size());
      }
      if (entity.info->shape == Shape::Thing) {
        entity.name_range = property_range(entity, "name");
        entity.names_found = true;
      }
      hot = hot_strings(entity, plan);
      for (std::size_t at = 0; at < hot.size(); ++at)
        if (!hot[at].empty()) block.hot_hashes.back()[at] = detail::hash_string(hot[at]);
    }
    block.line_count = line;
  }

 private:
  /// Reads the line SimdEntityReader left (the block's last `roots`, `entities` and `hot` are its
  /// own) with RapidJSON, as every line was read before: an error, a delta op or a bad record is
  /// found and reported as it was. True when the line is an entity to add.
  static bool read_with_rapidjson(JsonBlock& block, LineDocument& document, std::uint64_t number, char* line,
                                  std::size_t size) {
    Json& root = block.roots.back();
    Entity& entity = block.entities.back();
    std::array<std::string_view, 3>& hot = block.hot.back();
    parse_line_in_place(document, line, size);
    if (document.HasParseError()) {
      block.errors.push_back(fmt::format("invalid JSON at column {}: {}", document.GetErrorOffset() + 1,
                                         rapidjson::GetParseError_En(document.GetParseError())));
      block.lines.push_back({number, static_cast<std::uint32_t>(block.errors.size())});
      return false;
    }
    root.Swap(document);
    JsonBlock::Line& parsed = block.lines.emplace_back(JsonBlock::Line{.number = number});
    parsed.op = root.IsObject() && member(root, "op") != nullptr;
    if (parsed.op) return false;  // reported by the reading thread, or the file is a delta
    if (std::string reason = check_entity(root, entity, *block.store); !reason.empty()) {
      block.errors.push_back(std::move(reason));
      parsed.invalid = static_cast<std::uint32_t>(block.errors.size());
      hot[0] = string_member(root, "id");
      return false;
    }
    return true;
  }

  /// `plan`: a link record's, whose ends plan_edge found (not looked up again).
  static std::array<std::string_view, 3> hot_strings(const Entity& entity, const EdgePlan* plan) {
    std::array<std::string_view, 3> hot{};
    hot[0] = entity.id;
    if (plan != nullptr) {
      // The first value of each end, found by plan_edge (which fills them even for a bad record).
      const Values from = entity.values(plan->from), to = entity.values(plan->to);
      hot[1] = from.empty() ? std::string_view() : from[0];
      hot[2] = to.empty() ? std::string_view() : to[0];
    } else if (entity.info->shape == Shape::Thing) {
      const Values names = entity.values(entity.name_range);  // parse_block found them
      hot[1] = names.empty() ? std::string_view() : names[0];
    }
    return hot;
  }

  FileReader& file_;
  std::vector<char> carry_;
  std::uint64_t offset_ = 0;
  std::uint64_t read_ = 0;  // bytes read from the file (offset_ leaves out the carried ones)
  bool first_ = true, eof_ = false;
};

/// Finds the ends of the block's links among the ids that earlier blocks defined (runs on the
/// worker that parsed the block, after parse_block). Each end is a lookup at a random place of
/// `ids` (its slot, then its record): both are fetched lines ahead, as add_block fetches the pool's.
void find_ends(JsonBlock& block, const DefinedIds& ids) {
  const std::size_t count = block.lines.size();
  block.ends.assign(count, {kNoString, kNoString});
  const DefinedIds::Table& table = ids.table();
  const auto is_link = [&](std::size_t line) { return block.lines[line].plan != 0; };
  const auto prefetch = [&](std::size_t line, int stage) {
    if (!is_link(line)) return;
    for (std::size_t end = 1; end <= 2; ++end) {
      if (block.hot[line][end].empty()) continue;
      if (stage == 0) DefinedIds::prefetch_slot(table, block.hot_hashes[line][end]);
      else ids.prefetch_record(table, block.hot_hashes[line][end]);
    }
  };
  // A run of kRunLines lines at a time, as add_block does: every slot of the run, then every
  // record (whose prefetch reads its slot), then the finds. With the stages a few lines ahead of
  // each find instead, the record's prefetch stalled on its slot's miss (perf: most of find_ends).
  constexpr std::size_t kRunLines = 128;
  for (std::size_t line = 0; line < count; ++line) {
    if (line % kRunLines == 0) {
      const std::size_t end = std::min(count, line + kRunLines);
      for (int stage = 0; stage < 2; ++stage)
        for (std::size_t ahead = line; ahead < end; ++ahead) prefetch(ahead, stage);
    }
    if (!is_link(line)) continue;
    for (std::size_t end = 1; end <= 2; ++end)
      if (!block.hot[line][end].empty())
        block.ends[line][end - 1] = ids.find(table, block.hot[line][end], block.hot_hashes[line][end]);
  }
}

enum class Op : std::uint8_t { Add, Mod, Del };

/// What a delta file does to one id: the net effect of its ops, in order.
struct NetEffect {
  bool existed = false;         // the builder held it before this file
  bool in_load = false;         // an earlier file of this load added it (it is in the batch)
  bool present = false;         // after the ops read so far
  std::uint64_t content_line = 0;  // the line whose entity it ends as (0: removed)
  std::uint64_t last_line = 0;
  bool content_ok = false;      // that line's entity was added
  Shape shape = Shape::Thing;
};

class FtmReader {
 public:
  FtmReader(const std::string& path, LoadContext& context) : path_(path), context_(context) {}

  void run() {
    FileReader reader(path_);  // throws LoadError for a file it cannot read
    context_.report.files.push_back(path_);
    if (!stream(reader)) whole_file();
  }

 private:
  static constexpr std::size_t kParseWorkers = 2;
  /// The parse workers yield to this thread: it alone writes the batch and bounds the load, and
  /// on two cores it shared them on equal terms with the two workers and the fault-in thread, so
  /// that in turns it waited for blocks and the workers waited for it to make room (timed in a
  /// 1.9 s 1M load with eight blocks in flight: 0.4-0.7 s and 0.6-1.0 s). Ten levels lower, 1M
  /// FtM load + freeze in three sets of 7 interleaved rounds after a 3 s pause: median wall 1.726
  /// -> 1.600 s, 2.024 -> 1.985 s, 2.011 -> 1.799 s. (The skg-csv load, whose workers do more of
  /// its work, showed no gain: 1M 1.057 -> 1.050 s, 10M 9.83 -> 10.11 s in 7 rounds, noise.)
  static constexpr int kParseWorkerNiceSteps = 10;

  /// Entities (not a delta): blocks of lines read and parsed by the worker threads while this
  /// thread adds their records, in file order. Returns false, having added nothing, when the
  /// first record is a delta op: deltas are read whole (their net effect needs a pre-pass).
  bool stream(FileReader& reader) {
    // Room for as many records as the file can hold, each a party or a link (the shortest
    // record that is either takes some 80 bytes): address space, not memory, where it is not
    // filled. Skipped when the batch holds records already (a folder's later files).
    if (context_.batch.empty()) {
      const std::size_t records = reader.size() / 80;
      context_.batch.reserve(records, records);
    }
    JsonLineBlocks source(reader);
    bool decided = false;
    if (reader.size() < JsonLineBlocks::kBlockBytes) {
      // A file of one block is read on this thread: a worker would cost more to start and to
      // hand the block over than it could save.
      JsonBlock block;
      for (bool more = true; more;) {
        more = source.next_block(block);
        if (!add_block(block, decided)) return false;
      }
    } else {
      // Blocks read in turn and parsed by two workers: the parse is the larger part of a line's
      // cost, and one worker left the reading thread waiting for it (perf, 1M generated entities).
      // The workers also find each link's ends among the parties earlier blocks defined, which
      // this thread publishes as it adds them (DefinedIds): only the rest are looked up here.
      // Declared before the pipeline, so that it goes after the workers are joined.
      DefinedIds defined;
      const bool find_ahead = context_.batch.bound();  // else defined_id() finds nothing
      published_ = find_ahead ? &defined : nullptr;
      detail::OrderedBlockPipeline<JsonBlock> blocks(
          [&](JsonBlock& block) { return source.read_block(block); },
          [&defined, find_ahead](JsonBlock& block) {
            JsonLineBlocks::parse_block(block);
            if (find_ahead) {
              find_ends(block, defined);
              defined.prepare();
            } else {
              block.ends.assign(block.lines.size(), {kNoString, kNoString});
            }
          },
          kParseWorkers, kParseWorkerNiceSteps);
      for (bool more = true; more;) {
        auto next = blocks.next();
        more = !next.second;
        if (!add_block(next.first, decided)) {
          published_ = nullptr;
          return false;
        }
        // The batch's columns and its pool grow into fresh memory (room reserved above): a
        // helper thread faults in their next pages while this one adds the next block.
        if (more) context_.batch.fault_in_ahead();
        blocks.recycle(std::move(next.first));
      }
      published_ = nullptr;
    }
    finish_file();
    flush_counts();
    return true;
  }

  /// Adds the records of one block, in order. Returns false, having added nothing, when the
  /// file's first record is a delta op (`decided`: the first record was seen).
  bool add_block(const JsonBlock& block, bool& decided) {
    // The strings each record looks up at a random place of a large pool (three dependent
    // cache misses: table slot, offset, bytes) are fetched in stages, before their lines. An edge's
    // ends are found strings: all three stages. Ids are mostly new: the slot only. A party's
    // first name takes all three: names repeat (405K distinct among the 1M of the generated
    // graph), and a repeated one is found like an edge's end (a new one stops at stage 1).
    // A link's end that the worker found (JsonBlock::ends) is not looked up: not prefetched. A
    // party's id is published to `published_` too: its slot there is fetched with the pool's.
    const std::size_t count = block.lines.size();
    const bool found_ends = block.ends.size() == count;
    const auto prefetch = [&](std::size_t line, int stage) {
      const auto& hot = block.hot[line];
      const auto& hashes = block.hot_hashes[line];
      const bool link = block.lines[line].plan != 0;
      if (stage == 0) {
        context_.batch.prefetch(hot[0], 0, hashes[0]);
        if (published_ != nullptr && !link && !hot[0].empty()) published_->prefetch(hashes[0]);
      }
      if (!(link && found_ends && block.ends[line][0] != kNoString)) context_.batch.prefetch(hot[1], stage, hashes[1]);
      if (!hot[2].empty() && !(link && found_ends && block.ends[line][1] != kNoString))
        context_.batch.prefetch(hot[2], stage, hashes[2]);
    };
    // A run of kPrefetchLines lines at a time: each stage for all of them, then the next stage,
    // then their records. The misses of a run overlap (independent loads, as many as the core
    // keeps in flight), where a few lines ahead of each record (24, 12 and 4 lines for the three
    // stages) left the reading thread stalled at the prefetches between records (perf: 40% of
    // its samples at the slot's prefetch). A run's lines (some 400: slots, offsets, bytes, the
    // published slots) stay in L2 until their records read them. 1M FtM load, reading thread's
    // CPU in the stream, median of 3 interleaved: 1.38 s (lines ahead) -> 0.96 s (runs of 256).
    constexpr std::size_t kPrefetchLines = 256;
    for (std::size_t at = 0; at < count; ++at) {
      if (at % kPrefetchLines == 0) {
        const std::size_t end = std::min(count, at + kPrefetchLines);
        for (int stage = 0; stage < 3; ++stage)
          for (std::size_t line = at; line < end; ++line) prefetch(line, stage);
      }
      const JsonBlock::Line& line = block.lines[at];
      const Json& root = block.roots[at];
      line_ = block_line_base_ + line.number;
      const bool op = line.error == 0 && line.op;
      if (!decided) {
        decided = true;
        if (op) return false;
      }
      if (line.error != 0) {
        bad(block.errors[line.error - 1], {});
        continue;
      }
      if (op) {
        bad("a delta op in a file of entities (the first record is not a delta op)", string_member(root, "id"));
        continue;
      }
      if (line.invalid != 0) {
        bad(block.errors[line.invalid - 1], block.hot[at][0]);
        continue;
      }
      if (line.plan != 0) {
        const EdgePlan& plan = block.edge_plans[line.plan - 1];
        add_planned_edge(block.entities[at], plan,
                         std::span(block.facts).subspan(plan.facts_begin, plan.facts_end - plan.facts_begin),
                         &block.hot_hashes[at], found_ends ? &block.ends[at] : nullptr);
      } else {
        add_record(block.entities[at], &block.hot_hashes[at]);
      }
    }
    block_line_base_ += block.line_count;
    // stream() asks for the batch's next pages to be faulted in after each block (a fault-in
    // thread beside the two parse workers): without it, 1M FtM load + freeze, 7 interleaved
    // rounds after a pause, median wall 2.011 -> 2.139 s (this reading thread zeroes the pages).
    context_.progress(path_, block.end_offset);
    return true;
  }

  /// The whole file in memory: deltas.
  void whole_file() {
    SourceFile file(path_);
    const std::string_view content = file.content();
    // RapidJSON parses in place, rewriting escapes inside the buffer. `file` is ours and its
    // text is a std::string (mutable storage); each line's end is overwritten with NUL, which
    // for the last line is the string's own terminator.
    char* const base = const_cast<char*>(content.data());
    delta_ = is_delta(content);
    if (delta_) prepare_delta(content);
    LineReader lines(content);
    std::uint64_t next_progress = 1 << 22;
    for (std::string_view line; lines.next(line);) {
      line_ = lines.line_number();
      if (lines.offset() >= next_progress) {
        context_.progress(path_, lines.offset());
        next_progress = lines.offset() + (1 << 22);
      }
      if (trim(line).empty()) continue;
      char* start = base + (line.data() - content.data());
      start[line.size()] = '\0';
      if (delta_) {
        read_delta_line(start);
      } else {
        if (const std::string error = parser().parse_in_place(start); !error.empty()) {
          bad(error, {});
          continue;
        }
        const Json& root = parser().root();
        if (root.IsObject() && member(root, "op") != nullptr) {
          bad("a delta op in a file of entities (the first record is not a delta op)",
              string_member(root, "id"));
          continue;
        }
        read_entity(root);
      }
    }
    if (delta_) apply_removals();
    finish_file();
    flush_counts();
  }

  /// The batch's id of an attribute key: a few dozen keys, found here in a small table that stays
  /// in cache instead of in the string pool, where each lookup may miss.
  StringId key_id(std::string_view key) {
    const auto found = key_ids_.find(key);
    if (found != key_ids_.end()) return found->second;
    const StringId id = context_.batch.string_id(key);
    key_ids_.emplace(std::string(key), id);
    return id;
  }

  LineParser& parser() {
    if (!parser_) parser_.emplace();
    return *parser_;
  }

  // ---- records -------------------------------------------------------------------------------

  void bad(std::string reason, std::string_view record) {
    context_.bad_record(LoadError(path_, line_, std::move(reason), std::string(record)));
  }

  Source source(std::string_view record) const {
    return {path_, record, static_cast<std::uint32_t>(line_)};
  }

  /// True when `id` names a party this load defines or the builder holds (and this delta does
  /// not remove).
  bool resolves(std::string_view id) const {
    if (!deleted_.empty() && deleted_.contains(std::string(id))) return false;
    return context_.resolves(id);
  }

  /// Reads one entity object; returns false when it was a bad record.
  bool read_entity(const Json& root) {
    Entity entity;
    line_store_.clear();
    if (std::string error = check_entity(root, entity, line_store_); !error.empty()) {
      bad(std::move(error), root.IsObject() ? string_member(root, "id") : std::string_view{});
      return false;
    }
    return add_record(entity);
  }

  /// Adds one checked entity; returns false when it was a bad record.
  /// `hashes`: the record's hot strings' hashes (JsonBlock::hot_hashes), where the worker has them.
  bool add_record(const Entity& entity, const std::array<std::uint64_t, 3>* hashes = nullptr) {
    switch (entity.info->shape) {
      case Shape::Thing: return read_thing(entity, hashes);
      case Shape::Edge: return read_edge(entity);
      case Shape::Sanction: return read_sanction(entity);
      case Shape::Address: return read_address(entity);
      case Shape::Document: return read_document(entity);
      case Shape::Ignored:
        context_.report.add(fmt::format("ignored {}", entity.schema));
        return true;
    }
    return true;
  }

  bool read_thing(const Entity& entity, const std::array<std::uint64_t, 3>* hashes) {
    const Values names = entity.names_found ? entity.values(entity.name_range) : property(entity, "name");
    const std::string_view primary = names.empty() ? entity.caption : names[0];
    const Source at = source(entity.id);
    Batch& batch = context_.batch;
    // The entity's id, and each key, is looked up once, not once per fact (the same records, in
    // the same order: the id is interned by add_entity, a key where its first fact would).
    StringId id = kNoString;
    if (hashes != nullptr) {
      // With the worker's hashes (hot_strings: the id, then the first name): the same strings
      // interned in add_entity's order (the source's file and record, the id, the name). The
      // record is the entity's id, which the source has just interned: taken from there.
      const Batch::SourceRef ref = batch.source_ref(at, (*hashes)[0]);
      id = batch.record_id(ref, entity.id);
      const StringId name = names.empty() ? batch.string_id(primary) : batch.string_id(primary, (*hashes)[1]);
      batch.add_entity(id, entity.info->kind, name, ref);
      // Defined now: the workers may find it as a later link's end (DefinedIds).
      if (published_ != nullptr) published_->publish(entity.id, (*hashes)[0], id);
    } else {
      id = batch.add_entity({.id = entity.id, .kind = entity.info->kind, .name = primary, .source = at});
    }
    ++entities_;
    note_membership(entity);
    if (entity.info->keep_schema) batch.add_attribute(id, key_id("schema"), entity.schema, at);
    address_texts_.clear();
    std::optional<Values> address_entities;
    for (const Property& prop : entity.properties()) {
      const std::string_view key = prop.key;
      const Values values = entity.values(prop);
      if (key == "name") {
        for (std::size_t at_value = 1; at_value < values.size(); ++at_value)
          add_name(id, values[at_value], NameType::Aka, NameStrength::Unknown, at);
      } else if (key == "alias") {
        for (const std::string_view value : values) add_name(id, value, NameType::Aka, NameStrength::Unknown, at);
      } else if (key == "weakAlias") {
        for (const std::string_view value : values) add_name(id, value, NameType::Aka, NameStrength::Weak, at);
      } else if (key == "previousName") {
        for (const std::string_view value : values) add_name(id, value, NameType::Previous, NameStrength::Unknown, at);
      } else {
        if (key == "addressEntity") address_entities = values;
        if (key == "address")
          for (const std::string_view value : values) address_texts_.push_back(value);
        if (values.empty()) continue;
        const StringId key_at = key_id(key);
        for (const std::string_view value : values) {
          batch.add_attribute(id, key_at, value, at);
          ++attributes_;
        }
      }
    }
    add_metadata(entity, [&](std::string_view key, std::string_view value) {
      batch.add_attribute(id, key_id(key), value, at);
    });
    add_identity_keys(entity, id, at);
    for (const std::string_view referent : entity.referents())
      referents_.push_back({std::string(entity.id), std::string(referent), line_});
    if (address_entities) {
      for (const std::string_view value : *address_entities) {
        AddressRef ref{std::string(entity.id), std::string(value), line_, {}};
        for (std::string_view text : address_texts_) ref.own_texts.emplace_back(text);
        address_refs_.push_back(std::move(ref));
      }
    }
    return true;
  }

  void add_name(StringId entity, std::string_view name, NameType type, NameStrength strength,
                const Source& at) {
    context_.batch.add_name(entity, name, type, strength, at);
    ++names_;
  }

  /// A link record (Ownership, Directorship, ...) as read from its entity alone, without the
  /// batch: for a streamed file the worker thread works it out, and the reading thread adds it.
  bool read_edge(const Entity& entity) {
    EdgePlan plan;
    edge_attributes_.clear();
    plan_edge(entity, plan, edge_attributes_);
    return add_planned_edge(entity, plan, edge_attributes_);  // from 0: the list was cleared
  }

  /// `hashes`: the record's hot strings' hashes (JsonBlock::hot_hashes: the id, then the first
  /// value of each end), where the worker has them.
  /// `found`: the first value of each end as the worker found it (JsonBlock::ends), where it did.
  bool add_planned_edge(const Entity& entity, const EdgePlan& plan, std::span<const Fact> attributes,
                        const std::array<std::uint64_t, 3>* hashes = nullptr,
                        const std::array<StringId, 2>* found = nullptr) {
    const SchemaInfo& info = *entity.info;
    const Values from = entity.values(plan.from), to = entity.values(plan.to);
    if (from.empty() || to.empty()) {
      bad(fmt::format("{} has no '{}'", entity.schema, from.empty() ? info.from : info.to), entity.id);
      return false;
    }
    dates_unparsed_ += plan.dates_unparsed;
    if (plan.percentage_unparsed) {
      context_.report.warnings.push_back(
          {path_, line_, std::string(entity.id),
           fmt::format("percentage '{}' is not a number from 0 to 100: kept as text, share unknown",
                       property(entity, "percentage")[0])});
      ++percentages_unparsed_;
    }
    std::size_t pair_count = 0;
    for (std::size_t from_at = 0; from_at < from.size(); ++from_at) {
      for (std::size_t to_at = 0; to_at < to.size(); ++to_at) {
        const std::string numbered = pair_count == 0 ? std::string() : fmt::format("{}#{}", entity.id, pair_count + 1);
        const std::string_view id = pair_count == 0 ? entity.id : std::string_view(numbered);
        ++pair_count;
        // The worker hashed the record's id and each end's first value (hot_strings).
        EdgeHashes known;
        if (hashes != nullptr)
          known = {.record = (*hashes)[0], .from = from_at == 0 ? &(*hashes)[1] : nullptr,
                   .to = to_at == 0 ? &(*hashes)[2] : nullptr};
        if (found != nullptr) {
          if (from_at == 0) known.from_id = (*found)[0];
          if (to_at == 0) known.to_id = (*found)[1];
        }
        add_edge(info.edge, from[from_at], to[to_at], plan.share, plan.valid, plan.role, id, entity.id, attributes,
                 hashes != nullptr ? &known : nullptr);
      }
    }
    return true;
  }

  /// Hashes of an edge's strings that the worker made (detail::hash_string): its record's id, and
  /// each end where it is that end's first value (null where it is not hashed).
  /// Also each end's pool id where the worker found it (DefinedIds; kNoString: look it up).
  struct EdgeHashes {
    std::uint64_t record = 0;
    const std::uint64_t *from = nullptr, *to = nullptr;
    StringId from_id = kNoString, to_id = kNoString;
  };

  void add_edge(EdgeKind kind, std::string_view from, std::string_view to, Percent share, const DateRange& valid,
                std::string_view role, std::string_view id, std::string_view record, std::span<const Fact> attributes,
                const EdgeHashes* hashes = nullptr) {
    ++edges_;
    if (!deleted_.empty() && (deleted_.contains(std::string(from)) || deleted_.contains(std::string(to)))) {
      unresolved(record, fmt::format("{} edge refers to '{}', which this delta removes", to_string(kind),
                                     deleted_.contains(std::string(from)) ? from : to));
      return;
    }
    // Typed interest, by schema: Ownership (owner, asset, percentage) -> Shares; Directorship ->
    // Director. FtM has no typed voting or control property: other links stay Unspecified
    // (followthemoney schema Ownership/Directorship; RULES.md §5.5).
    const Interest interest = kind == EdgeKind::Owns         ? Interest::Shares
                              : kind == EdgeKind::DirectorOf ? Interest::Director
                                                             : Interest::Unspecified;
    const EdgeRecord edge{.kind = kind, .from = from, .to = to, .share = share, .interest = interest,
                          .valid = valid, .role = role, .source = source(record), .id = id};
    // Both ends are records of this load (the usual case): each is looked up in the pool once,
    // and with the worker's hashes, each string is hashed once (on the worker) too.
    Batch& batch = context_.batch;
    // An end the worker found among the ids earlier lines defined is what defined_id() gives.
    const auto defined = [&](std::string_view end, const std::uint64_t* hash, StringId found) {
      if (found != kNoString) return found;
      return hash != nullptr ? batch.defined_id(end, *hash) : batch.defined_id(end);
    };
    const StringId from_id = defined(from, hashes != nullptr ? hashes->from : nullptr,
                                     hashes != nullptr ? hashes->from_id : kNoString);
    const StringId to_id = from_id == kNoString ? kNoString
                                                : defined(to, hashes != nullptr ? hashes->to : nullptr,
                                                          hashes != nullptr ? hashes->to_id : kNoString);
    if (from_id != kNoString && to_id != kNoString) {
      // The same strings in the same order as add_edge(edge, from, to): the source's file and
      // record, then the role and the id.
      const auto at = hashes != nullptr
                          ? batch.add_edge(edge, from_id, to_id, batch.source_ref(edge.source, hashes->record))
                          : batch.add_edge(edge, from_id, to_id);
      for (const auto& [key, value] : attributes) context_.batch.add_edge_attribute(at, key, value);
      return;
    }
    if (resolves(from) && resolves(to)) {
      const auto at = context_.batch.add_edge(edge);
      for (const auto& [key, value] : attributes) context_.batch.add_edge_attribute(at, key, value);
      return;
    }
    PendingEdge pending{.kind = kind, .from = std::string(from), .to = std::string(to), .role = std::string(role),
                        .id = std::string(id), .file = path_, .record = std::string(record), .line = line_,
                        .share = share, .valid = valid, .attributes = {}, .interest = interest};
    for (const auto& [key, value] : attributes) pending.attributes.emplace_back(key, value);
    context_.add_edge_or_defer(std::move(pending));
  }

  /// A target (`target: true` or topic "sanction") is on the lists of its datasets even when the
  /// export has no Sanction record for it; finish_file() makes those listings (issue 10).
  void note_membership(const Entity& entity) {
    // Only a full export says which Sanction records a party has: a delta changes some records
    // of a version loaded before, so its datasets make no listing (a known limit, RULES.md §8.5).
    if (entity.datasets().empty() || delta_) return;
    bool sanctioned = entity.target;
    const Values topics = property(entity, "topics");
    for (std::size_t at = 0; at < topics.size() && !sanctioned; ++at) sanctioned = topics[at] == "sanction";
    if (!sanctioned) return;
    for (const std::string_view dataset : entity.datasets())
      if (detail::ftm_dataset_mapping(dataset))
        memberships_.push_back({std::string(entity.id), std::string(dataset), line_});
  }

  /// The identity contract's keys (RULES.md §9.2) from FtM properties. `leiCode` (LegalEntity,
  /// "Legal Entity Identifier") and `imoNumber` (Vessel, format imo) already carry the contract's
  /// names and are kept as they are; a `registrationNumber` ("Company registration number") is a
  /// Companies House number only where the entity's `jurisdiction` is the UK (FtM country codes
  /// "gb", "gb-eng", "gb-sct", "gb-wls", "gb-nir"), and then it is also `gbCompanyNumber`.
  void add_identity_keys(const Entity& entity, StringId id, const Source& at) {
    const Values jurisdiction = property(entity, "jurisdiction");
    bool uk = false;
    for (std::size_t item = 0; item < jurisdiction.size() && !uk; ++item)
      uk = jurisdiction[item] == "gb" || jurisdiction[item].starts_with("gb-");
    if (!uk) return;
    const Values numbers = property(entity, "registrationNumber");
    for (std::size_t item = 0; item < numbers.size(); ++item)
      context_.batch.add_attribute(id, key_id("gbCompanyNumber"), numbers[item], at);
  }

  bool read_sanction(const Entity& entity) {
    const Values targets = property(entity, "entity");
    if (targets.empty()) {
      bad("Sanction has no 'entity'", entity.id);
      return false;
    }
    std::vector<std::pair<std::string_view, std::string_view>> unparsed_dates;
    const DateRange in_force = validity(entity, unparsed_dates);
    dates_unparsed_ += unparsed_dates.size();
    std::optional<Date> listed;
    const Values listing = property(entity, "listingDate");
    for (std::size_t at = 0; at < listing.size(); ++at) {
      const auto day = parse_ftm_date(listing[at], false);
      if (day && (!listed || *day < *listed)) listed = day;
    }
    const Values authority = property(entity, "authority");
    const Values program_id = property(entity, "programId");
    const Values program = property(entity, "program");
    const Values provisions = property(entity, "provisions");
    const Values urls = property(entity, "sourceUrl");
    std::string measures;
    for (std::size_t at = 0; at < provisions.size(); ++at) {
      if (at > 0) measures += "; ";
      measures += provisions[at];
    }
    // Typed measures from the cited tables of loaders/measures.cpp (RULES.md §8.6).
    auto strings = [](Values values) {
      std::vector<std::string_view> out;
      for (std::size_t at = 0; at < values.size(); ++at) out.push_back(values[at]);
      return out;
    };
    std::vector<std::string_view> sanction_datasets;
    for (const std::string_view dataset : entity.datasets()) sanction_datasets.push_back(dataset);
    const auto authority_values = strings(authority), program_id_values = strings(program_id),
               provision_values = strings(provisions),
               listing_types = strings(property(entity, "listingType"));
    const detail::MeasureMapping mapping = detail::ftm_sanction_mapping(
        authority_values, program_id_values, provision_values, listing_types, sanction_datasets);
    PendingAction action{.id = std::string(entity.id), .target = {},
                         .authority = std::string(authority.empty() ? "" : authority[0]),
                         .list = {},
                         .program = std::string(!program_id.empty() ? program_id[0] : program.empty() ? "" : program[0]),
                         .legal_basis = {}, .measures = std::move(measures),
                         .citation = std::string(urls.empty() ? "" : urls[0]), .file = path_,
                         .record = std::string(entity.id), .line = line_, .listed = listed,
                         .in_force = in_force, .attributes = {},
                         .measure_set = mapping.measures, .issuer = mapping.issuer,
                         .list_id = mapping.list};
    if (action.list.empty() && !listing_types.empty()) action.list = std::string(listing_types[0]);
    // Strong identifiers a listing states about its party (the identity contract, RULES.md §9.2):
    // FtM Sanction `unscId` is the UN Security Council's reference; `authorityId` is "eg. OFAC
    // IDs" (FtM Sanction.yaml), OFAC's uid when the cited issuer table says the listing is OFAC's.
    for (const std::string_view value : strings(property(entity, "unscId")))
      action.target_attributes.emplace_back("unReference", value);
    if (mapping.issuer == Issuer::UsOfac)
      for (const std::string_view value : strings(property(entity, "authorityId")))
        action.target_attributes.emplace_back("ofacUid", value);
    for (const Property& prop : entity.properties()) {
      const std::string_view key = prop.key;
      const Values values = entity.values(prop);
      if (key == "entity") continue;
      bool keep = true;
      if (key == "authority" || key == "programId" || key == "provisions" || key == "sourceUrl") {
        keep = values.size() > 1;
      } else if (key == "program") {
        keep = !program_id.empty() || values.size() > 1;
      } else if (key == "listingDate" || key == "startDate" || key == "endDate") {
        keep = !captured(values, true) || (key != "listingDate" && !unparsed_dates.empty()) ||
               (key == "listingDate" && !listed);
      }
      if (keep)
        for (const std::string_view value : values) action.attributes.emplace_back(key, value);
    }
    add_metadata(entity, [&](std::string_view key, std::string_view value) { action.attributes.emplace_back(key, value); });
    for (const std::string_view referent : entity.referents()) action.attributes.emplace_back("referents", referent);
    ++actions_;
    // One record per target; the facts go with the first (records with one id are one node).
    for (std::size_t at = 0; at < targets.size(); ++at) {
      PendingAction one = at + 1 == targets.size() ? std::move(action) : action;
      one.target = std::string(targets[at]);
      for (std::string_view dataset : sanction_datasets) sanctioned_.insert(one.target + '\x1f' + std::string(dataset));
      if (at > 0) one.attributes.clear();
      if (!deleted_.empty() && deleted_.contains(one.target)) {
        unresolved(entity.id, fmt::format("action '{}' targets '{}', which this delta removes", one.id, one.target));
        continue;
      }
      context_.add_action_or_defer(std::move(one));
    }
    return true;
  }

  bool read_address(const Entity& entity) {
    const Values full = property(entity, "full");
    std::string text;
    if (!full.empty()) {
      text = full[0];
    } else {
      // No `full`: the parts in the order an address is written.
      for (std::string_view key : {"street", "street2", "postOfficeBox", "postalCode", "city", "region", "state",
                                   "country"}) {
        const Values part = property(entity, key);
        for (std::size_t at = 0; at < part.size(); ++at) text += fmt::format("{}{}", text.empty() ? "" : ", ", part[at]);
      }
      if (text.empty()) text = entity.caption;
    }
    // Entities name an address by its id or by one of its referents (OpenSanctions merges
    // addresses: a Person's addressEntity is often an "addr-..." referent of the Address).
    if (!text.empty()) {
      for (const std::string_view referent : entity.referents()) addresses_[std::string(referent)] = text;
      addresses_[std::string(entity.id)] = std::move(text);
    }
    ++addresses_read_;
    return true;
  }

  bool read_document(const Entity& entity) {
    const Values holders = property(entity, "holder");
    if (holders.empty()) {
      bad(fmt::format("{} has no 'holder'", entity.schema), entity.id);
      return false;
    }
    const std::string prefix = lower(entity.schema);
    for (std::size_t at = 0; at < holders.size(); ++at) {
      DocumentFact id_fact{std::string(holders[at]), prefix + ".id", std::string(entity.id), std::string(entity.id),
                           line_};
      document_facts_.push_back(std::move(id_fact));
      for (const Property& prop : entity.properties()) {
        const std::string_view key = prop.key;
        if (key == "holder") continue;
        for (const std::string_view value : entity.values(prop))
          document_facts_.push_back({std::string(holders[at]), fmt::format("{}.{}", prefix, key),
                                     std::string(value), std::string(entity.id), line_});
      }
    }
    ++documents_;
    return true;
  }

  void unresolved(std::string_view record, std::string reason) {
    context_.report.unresolved.push_back({path_, line_, std::string(record), std::move(reason)});
    context_.report.add("unresolved references");
  }

  // ---- deltas --------------------------------------------------------------------------------

  /// A delta file is one whose first record is an object with "op".
  bool is_delta(std::string_view content) {
    LineReader lines(content);
    for (std::string_view line; lines.next(line);) {
      if (trim(line).empty()) continue;
      if (!parser().parse_copy(line).empty()) return false;
      return parser().root().IsObject() && member(parser().root(), "op") != nullptr;
    }
    return false;
  }

  /// Checks one delta line's op and entity id; returns the reason it is bad, or "".
  static std::string check_op(const Json& root, Op& op, const Json*& entity, std::string_view& id) {
    if (!root.IsObject()) return "the record is not a JSON object";
    const std::string_view op_text = string_member(root, "op");
    if (op_text == "ADD") op = Op::Add;
    else if (op_text == "MOD") op = Op::Mod;
    else if (op_text == "DEL") op = Op::Del;
    else return fmt::format("delta op '{}' is not ADD, MOD or DEL", op_text);
    entity = member(root, "entity");
    if (entity == nullptr || !entity->IsObject()) return "the delta op has no \"entity\" object";
    id = string_member(*entity, "id");
    if (id.empty()) return "the delta's entity has no \"id\" string";
    return {};
  }

  /// Pre-pass over a delta: the net effect of its ops on each id (see the top of this file).
  void prepare_delta(std::string_view content) {
    LineReader lines(content);
    for (std::string_view line; lines.next(line);) {
      line_ = lines.line_number();
      if (trim(line).empty()) continue;
      if (!parser().parse_copy(line).empty()) continue;  // reported by the main pass
      Op op{};
      const Json* entity = nullptr;
      std::string_view id;
      if (!check_op(parser().root(), op, entity, id).empty()) continue;  // reported by the main pass
      const SchemaInfo* info = find_schema(string_member(*entity, "schema"));
      const Shape shape = info != nullptr ? info->shape : Shape::Thing;
      auto [found, inserted] = effects_.try_emplace(std::string(id));
      NetEffect& effect = found->second;
      if (inserted) {
        effect.shape = shape;
        effect.existed = held(id, shape);
        effect.in_load = defined_earlier(id, shape);
        effect.present = effect.existed || effect.in_load;
      }
      effect.last_line = line_;
      if (op == Op::Del) {
        if (shape == Shape::Address || shape == Shape::Document || shape == Shape::Ignored) {
          context_.report.add("delta ops not applied");
          continue;
        }
        if (!effect.present) {
          bad_lines_.insert(line_);
          bad(fmt::format("DEL of '{}', which is not loaded", id), id);
          continue;
        }
        effect.present = false;
        effect.content_line = 0;
      } else {
        if (op == Op::Mod && !effect.present) context_.report.add("delta upserts");
        effect.present = true;
        effect.content_line = line_;
        effect.shape = shape;
      }
    }
    for (const auto& [id, effect] : effects_) {
      if ((effect.existed || effect.in_load) && !effect.present) deleted_.insert(id);
      // An earlier file of this load added it: that version is taken back here, before this
      // file's version (if any) is read, so a MOD replaces it (names, facts, other ids and the
      // edges it defines) instead of merging into it, and a DEL leaves nothing of it.
      if (effect.in_load) {
        context_.batch.retract(id, /*with_links=*/!effect.present);
        if (!effect.existed) context_.report.add(effect.present ? "delta replaced" : "delta removed");
      }
    }
  }

  /// True when this delta replaces or removes the entity that `other_id` names in the builder
  /// (its ids are then free for another record, see Builder::commit).
  bool replaced_or_removed(std::string_view other_id) const {
    for (const auto& [id, effect] : effects_)
      if (effect.existed && context_.builder.same_entity(id, other_id)) return true;
    return false;
  }

  /// True when an earlier file of this load added `id` (the batch holds it).
  bool defined_earlier(std::string_view id, Shape shape) {
    switch (shape) {
      case Shape::Thing:
      case Shape::Sanction: return context_.batch.defines(id);
      case Shape::Edge:
        if (!batch_edge_ids_) {
          batch_edge_ids_.emplace();
          for (std::string_view edge_id : context_.batch.edge_ids()) batch_edge_ids_->emplace(edge_id);
        }
        return batch_edge_ids_->contains(std::string(id));
      default: return false;
    }
  }

  bool held(std::string_view id, Shape shape) const {
    switch (shape) {
      case Shape::Thing:
      case Shape::Sanction: return context_.builder.contains(id);
      case Shape::Edge: return context_.builder.contains_edge(id);
      default: return false;
    }
  }

  void read_delta_line(char* start) {
    if (bad_lines_.contains(line_)) return;
    if (const std::string error = parser().parse_in_place(start); !error.empty()) {
      bad(error, {});
      return;
    }
    Op op{};
    const Json* entity = nullptr;
    std::string_view id;
    if (std::string error = check_op(parser().root(), op, entity, id); !error.empty()) {
      bad(std::move(error), id);
      return;
    }
    const auto found = effects_.find(std::string(id));
    if (found == effects_.end() || found->second.content_line != line_) {
      if (op != Op::Del) context_.report.add("delta ops superseded");
      return;
    }
    found->second.content_ok = read_entity(*entity);
  }

  void apply_removals() {
    for (const auto& [id, effect] : effects_) {
      if (!effect.existed) continue;
      const bool replace = effect.present && effect.content_ok;
      if (!replace && effect.present) continue;  // the new version was bad: the old one stays
      line_ = effect.present ? effect.content_line : effect.last_line;
      // A changed party or Sanction is replaced in place (RULES.md §9.4): its node, and the
      // links that are FtM records of their own (Ownership, Directorship, Family, the Sanctions
      // on it), stay. A changed Ownership etc. is an edge, replaced whole; a DEL removes.
      if (replace && effect.shape != Shape::Edge) context_.batch.replace(id, source(id));
      else context_.batch.remove(id, source(id));
      context_.report.add(replace ? "delta replaced" : "delta removed");
    }
  }

  // ---- end of file ---------------------------------------------------------------------------

  void finish_file() {
    Batch& batch = context_.batch;
    // Listings by dataset membership: a target on a mapped dataset that no Sanction record of
    // that dataset names. The source gives no date: the listing is undated and says so.
    for (const Membership& member : memberships_) {
      if (sanctioned_.contains(member.entity + '\x1f' + member.dataset)) continue;
      const auto mapping = detail::ftm_dataset_mapping(member.dataset);
      line_ = member.line;
      PendingAction action{.id = fmt::format("{}#dataset:{}", member.entity, member.dataset),
                           .target = member.entity,
                           .authority = std::string(detail::issuer_authority(mapping->issuer)),
                           .list = fmt::format("OpenSanctions dataset {}", member.dataset),
                           .program = {}, .legal_basis = {},
                           .measures = std::string(mapping->basis),
                           .citation = fmt::format("https://www.opensanctions.org/datasets/{}/", member.dataset),
                           .file = path_, .record = member.entity, .line = line_, .listed = std::nullopt,
                           .in_force = {}, .attributes = {},
                           .measure_set = mapping->measures, .issuer = mapping->issuer,
                           .list_id = mapping->list, .origin = ActionOrigin::DatasetMembership};
      // The typed origin (ActionOrigin::DatasetMembership) says what this listing rests on; `show`
      // and every answer print it, so no free-text note is attached.
      context_.report.add("listings from dataset membership");
      context_.add_action_or_defer(std::move(action));
    }
    for (const AddressRef& ref : address_refs_) {
      const auto found = addresses_.find(ref.address);
      if (found == addresses_.end()) {
        context_.report.add("address references outside the file");
        continue;
      }
      if (std::find(ref.own_texts.begin(), ref.own_texts.end(), found->second) != ref.own_texts.end()) continue;
      line_ = ref.line;
      batch.add_attribute(ref.entity, "address", found->second, source(ref.entity));
    }
    for (const DocumentFact& fact : document_facts_) {
      line_ = fact.line;
      if (!resolves(fact.holder)) {
        if (fact.key.ends_with(".id"))
          unresolved(fact.record, fmt::format("document '{}' names holder '{}', which no loaded record has as its id",
                                              fact.record, fact.holder));
        continue;
      }
      batch.add_attribute(fact.holder, fact.key, fact.value, source(fact.record));
    }
    std::unordered_set<std::string_view> claimed;
    claimed.reserve(referents_.size());
    for (const Referent& referent : referents_) {
      // A referent that is itself a record's id, or that two records claim, cannot merge them:
      // the builder would refuse the whole batch. Left out and counted.
      if (context_.batch.defines(referent.other) || !claimed.insert(referent.other).second) {
        context_.report.add("referents left out");
        continue;
      }
      // A referent the loaded graph gives to another entity (t2's MOD turns AL-QAIDA IN IRAQ
      // into an IRGC record carrying the referents of t1's IRGC): the two records stay apart,
      // and the report says so. Unless that entity is one this delta replaces or removes.
      if (context_.builder.contains(referent.other) && !context_.builder.same_entity(referent.other, referent.entity) &&
          !replaced_or_removed(referent.other)) {
        context_.report.warnings.push_back(
            {path_, referent.line, referent.entity,
             fmt::format("referent '{}' already names another loaded entity: left out, the records stay apart",
                         referent.other)});
        context_.report.add("referents left out");
        continue;
      }
      line_ = referent.line;
      batch.add_external_id(referent.entity, referent.other, source(referent.entity));
    }
  }

  void flush_counts() {
    LoadReport& report = context_.report;
    for (auto [key, count] : {std::pair{"entities", entities_}, {"edges", edges_}, {"actions", actions_},
                              {"names", names_}, {"attributes", attributes_}, {"addresses", addresses_read_},
                              {"identity documents", documents_}, {"dates unparsed", dates_unparsed_},
                              {"percentages unparsed", percentages_unparsed_}})
      if (count != 0) report.add(key, count);
  }

  struct Referent {
    std::string entity, other;
    std::uint64_t line;
  };
  struct AddressRef {
    std::string entity, address;
    std::uint64_t line;
    std::vector<std::string> own_texts;
  };
  struct DocumentFact {
    std::string holder, key, value, record;
    std::uint64_t line;
  };

  const std::string& path_;
  LoadContext& context_;
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>()(key); }
  };
  std::unordered_map<std::string, StringId, KeyHash, std::equal_to<>> key_ids_;  // see key_id()
  std::optional<LineParser> parser_;  // made when first used: a file of entities streams without it
  RecordStore line_store_;            // the lists of the entity read_entity reads
  std::uint64_t line_ = 0;
  std::uint64_t block_line_base_ = 0;  // lines of the blocks add_block added before this one
  bool delta_ = false;
  DefinedIds* published_ = nullptr;  // while streaming a bound batch: the parties the workers may find
  std::vector<std::pair<std::string_view, std::string_view>> edge_attributes_;
  std::vector<std::string_view> address_texts_;
  std::vector<Referent> referents_;
  struct Membership {
    std::string entity, dataset;
    std::uint64_t line;
  };
  std::vector<Membership> memberships_;          // targets on mapped datasets
  std::unordered_set<std::string> sanctioned_;  // "target\x1fdataset" of the Sanction records
  std::vector<AddressRef> address_refs_;
  std::vector<DocumentFact> document_facts_;
  std::unordered_map<std::string, std::string> addresses_;
  std::unordered_map<std::string, NetEffect> effects_;
  std::unordered_set<std::string> deleted_;
  std::unordered_set<std::uint64_t> bad_lines_;
  std::optional<std::unordered_set<std::string>> batch_edge_ids_;  // the batch's, before this file
  std::uint64_t entities_ = 0, edges_ = 0, actions_ = 0, names_ = 0, attributes_ = 0, addresses_read_ = 0,
                documents_ = 0, dates_unparsed_ = 0, percentages_unparsed_ = 0;
};

}  // namespace

void load_ftm_json(const std::string& path, LoadContext& context) {
  FtmReader reader(path, context);
  reader.run();
}

LoadReport load_ftm_json(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_ftm_json), path, builder, options);
}

std::vector<FtmDeltaOp> ftm_delta_ops(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw LoadError(path, 0, "cannot read the file");
  std::vector<FtmDeltaOp> ops;
  std::string line;
  for (std::uint64_t number = 1; std::getline(file, line); ++number) {
    if (trim(line).empty()) continue;
    rapidjson::Document root;
    root.Parse(line.data(), line.size());
    if (root.HasParseError())
      throw LoadError(path, number, fmt::format("invalid JSON: {}", rapidjson::GetParseError_En(root.GetParseError())));
    if (!root.IsObject()) throw LoadError(path, number, "the record is not a JSON object");
    const auto op = root.FindMember("op");
    if (op == root.MemberEnd()) {
      if (ops.empty()) return {};  // entities, not a delta
      throw LoadError(path, number, "a record without \"op\" in a delta file");
    }
    const auto entity = root.FindMember("entity");
    if (!op->value.IsString() || entity == root.MemberEnd() || !entity->value.IsObject())
      throw LoadError(path, number, "a delta op needs \"op\" (a string) and \"entity\" (an object)");
    const auto id = entity->value.FindMember("id");
    if (id == entity->value.MemberEnd() || !id->value.IsString() || id->value.GetStringLength() == 0)
      throw LoadError(path, number, "a delta op's entity has no id");
    FtmDeltaOp one{number, op->value.GetString(), id->value.GetString(), {}};
    if (one.op != "ADD" && one.op != "MOD" && one.op != "DEL")
      throw LoadError(path, number, fmt::format("unknown delta op '{}' (ADD, MOD or DEL)", one.op), one.id);
    if (const auto schema = entity->value.FindMember("schema");
        schema != entity->value.MemberEnd() && schema->value.IsString())
      one.schema = schema->value.GetString();
    ops.push_back(std::move(one));
  }
  return ops;
}

bool looks_like_ftm_json(std::string_view head, std::string_view file_name) noexcept {
  head = trim(head);
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  if (!head.starts_with("{")) return false;
  const std::string_view first = head.substr(0, head.find('\n'));
  if (first.find("\"schema\"") != std::string_view::npos) return true;
  if (first.find("\"op\"") != std::string_view::npos && first.find("\"entity\"") != std::string_view::npos)
    return true;
  // A first line longer than the head: the name decides.
  return first.size() == head.size() &&
         (file_name.ends_with(".ftm.json") || file_name.ends_with(".delta.json") || file_name.ends_with(".jsonl"));
}

}  // namespace skg
