// Beneficial Ownership Data Standard (BODS) 0.4 -> skg model. The format: one JSON array of
// statements, each {statementId, statementDate, recordId, recordType: entity|person|relationship,
// recordStatus: new|updated|closed, recordDetails, ...} (standard.openownership.org, 0.4 schema
// and the examples of openownership/data-standard).
//
// Mapping, and the choices made where BODS leaves room:
// - Records: several statements may describe one recordId over time; the one with the latest
//   statementDate wins (equal dates: the later in the file). A statement named in another's
//   `replacesStatements` (the 0.2/0.3 mechanism, still met in data) is dropped.
// - entity -> a node `bods:<recordId>`: entityType.type registeredEntity -> Company; state and
//   stateBody -> Organization; legalEntity, arrangement, anonymousEntity, unknownEntity ->
//   LegalEntity (the type is kept as attribute "entityType"). person -> a Person node. Names:
//   an entity's `name` (then `alternateNames` as Aka); a person's first `names` entry of type
//   legal (else the first) is primary, the others are Aka. Attributes: identifiers ("identifier"
//   = "SCHEME:id"), jurisdiction, foundingDate, dissolutionDate, addresses, nationalities,
//   birthDate, deathDate, personType, politicalExposure status, recordStatus, statementDate.
// - relationship -> one edge per interest, interestedParty -> subject (owner -> asset), id
//   `bods:<recordId>#<n>` (n from 1, in interest order), role = the interest type code. Kind, from
//   the interestType codelist (bods/codelist_interestType.csv):
//     shareholding -> Owns (an economic interest gained by holding shares);
//     votingRights -> Controls ("a controlling interest ... the right of shareholders to vote"):
//       not Owns, so no ownership rule counts votes as shares; its share is still the edge's
//       share (the voting percentage), since the UK rule reads "shares or voting rights";
//     appointmentOfBoard, otherInfluenceOrControl, controlViaCompanyRulesOrArticles,
//       controlByLegalFramework, rightsGrantedByContract, conditionalRightsGrantedByContract,
//       settlor, trustee, protector, beneficiaryOfLegalArrangement, nominee, nominator,
//       rightsToSurplusAssetsOnDissolution, rightsToProfitOrIncome, enjoymentAndUseOfAssets,
//       rightToProfitOrIncomeFromAssets -> Controls (influence or benefit without shares);
//     boardMember, boardChair -> DirectorOf; seniorManagingOfficial -> OfficerOf;
//     unknownInterest, unpublishedInterest, or no type -> UnknownLink (unknown stays unknown).
//   An indirect interest (directOrIndirect "indirect") whose `componentRecords` give the chain
//   is kept as an UnknownLink carrying its share: the component relationships are edges of their
//   own, and an Owns edge on top of them would count the same stake twice. An indirect
//   shareholding without componentRecords is the only statement of that stake: it is an Owns edge.
//   Share: `exact` -> exact; minimum/exclusiveMinimum and maximum/exclusiveMaximum -> a range
//   (a missing bound is 0 or 100), each bound open when exclusive: exclusiveMinimum 50 with
//   maximum 75 is (50, 75]. Numbers are exact to a millionth of a percent (Percent::from_double);
//   the exclusive bounds are also kept as "share.exclusiveMinimum"/"share.exclusiveMaximum".
//   Each interest type also gives the edge a typed Interest (kInterestKinds), which is what the
//   ownership and control rules read (RULES.md §5.5).
//   Dates: startDate is the first day; endDate is when the interest ended, read as exclusive
//   (in the fermcat example one holder's interest ends on the day the next one's starts).
//   Partial dates ("2019", "2019-05") cover their whole period. A relationship whose latest
//   statement is `closed` and whose interest has no endDate ends at that statement's date.
//   Attributes: directOrIndirect, beneficialOwnershipOrControl, details, componentRecords
//   ("componentRecord" = "bods:<recordId>", one per record), statementId.
// - An interestedParty given as an object (unspecified: {reason, description}) gives no edge; the
//   reason is kept on the subject as attribute "unspecifiedInterestedParty". A party that no
//   loaded record defines waits for the end of the load, then is reported unresolved.
// - Errors name the file, the line the statement starts on, and "statement N" (0-based).
#include "skg/loaders/bods.h"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "skg/loaders/json_common.h"  // first: it sets RapidJSON's SSE2 switch before any include
#include <rapidjson/error/en.h>
#include "skg/loaders/list_common.h"
#include "skg/loaders/source.h"

namespace skg::inline v1 {

namespace {

using Json = rapidjson::Value;

using detail::member;
using detail::string_member;
using detail::view;

struct InterestKind {
  std::string_view code;
  EdgeKind kind;
  Interest interest;  // what the ownership and control rules read (RULES.md §5.5)
};

// BODS 0.4 interestType codelist (datasets/samples/bods/codelist_interestType.csv, quoted in
// RULES.md §5.5) -> edge kind and typed interest. appointmentOfBoard is "the absolute right to
// appoint members of the board": a majority only when its share says so.
constexpr InterestKind kInterestKinds[] = {
    {"shareholding", EdgeKind::Owns, Interest::Shares},
    {"votingRights", EdgeKind::Controls, Interest::VotingRights},
    {"appointmentOfBoard", EdgeKind::Controls, Interest::AppointBoard},
    {"otherInfluenceOrControl", EdgeKind::Controls, Interest::SignificantInfluence},
    {"controlViaCompanyRulesOrArticles", EdgeKind::Controls, Interest::SignificantInfluence},
    {"controlByLegalFramework", EdgeKind::Controls, Interest::SignificantInfluence},
    {"rightsGrantedByContract", EdgeKind::Controls, Interest::SignificantInfluence},
    {"conditionalRightsGrantedByContract", EdgeKind::Controls, Interest::SignificantInfluence},
    {"settlor", EdgeKind::Controls, Interest::TrustSettlor},
    {"trustee", EdgeKind::Controls, Interest::TrustSettlor},
    {"protector", EdgeKind::Controls, Interest::TrustSettlor},
    {"beneficiaryOfLegalArrangement", EdgeKind::Controls, Interest::TrustBeneficiary},
    {"nominee", EdgeKind::Controls, Interest::Nominee},
    {"nominator", EdgeKind::Controls, Interest::Nominator},
    {"rightsToSurplusAssetsOnDissolution", EdgeKind::Controls, Interest::ProfitRights},
    {"rightsToProfitOrIncome", EdgeKind::Controls, Interest::ProfitRights},
    {"enjoymentAndUseOfAssets", EdgeKind::Controls, Interest::ProfitRights},
    {"rightToProfitOrIncomeFromAssets", EdgeKind::Controls, Interest::ProfitRights},
    {"boardMember", EdgeKind::DirectorOf, Interest::Director},
    {"boardChair", EdgeKind::DirectorOf, Interest::Director},
    {"seniorManagingOfficial", EdgeKind::OfficerOf, Interest::Officer},
    {"unknownInterest", EdgeKind::UnknownLink, Interest::Unspecified},
    {"unpublishedInterest", EdgeKind::UnknownLink, Interest::Unspecified},
};

const InterestKind* interest_kind(std::string_view code) noexcept {
  static constexpr InterestKind kNone{"", EdgeKind::UnknownLink, Interest::Unspecified};
  if (code.empty()) return &kNone;
  for (const InterestKind& known : kInterestKinds)
    if (known.code == code) return &known;
  return nullptr;
}

/// A BODS date (YYYY, YYYY-MM, YYYY-MM-DD, or a date-time): as a start, the first day it
/// covers; as an end (exclusive), a full date is itself and a partial one ends after its period.
std::optional<Date> bods_date(std::string_view text, bool end) noexcept {
  return detail::parse_partial_date(text, end, /*inclusive_end=*/false);
}

/// Bad input in one statement: carries the reason; the reader adds file, line and index.
struct Bad {
  std::string reason;
};

class BodsReader {
 public:
  BodsReader(const std::string& path, LoadContext& context) : path_(path), context_(context) {}

  void run() {
    SourceFile file(path_);
    context_.report.files.push_back(path_);
    const std::string_view content = file.content();
    if (trim(content).empty()) return;  // an empty file: no statements
    lines_ = detail::LineIndex(content);  // before the in-place parse writes into the text
    // RapidJSON parses in place (see ftm_json.cpp): `file` is ours and its text is mutable,
    // NUL-terminated and padded storage.
    std::string copy;  // a dropped trailing 0x1A: a terminated, padded copy (SourceFile::parse_buffer)
    char* const text = file.parse_buffer(copy);
    base_ = text;
    rapidjson::Document document;
    // UTF-8 only, checked first by detail::valid_utf8 (it accepts what RapidJSON's own check
    // does, which turns off RapidJSON's SSE2 string scan): a file it refuses is parsed with that
    // check, so the error and its place are RapidJSON's (as in ftm_json.cpp).
    constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseIterativeFlag;
    if (detail::valid_utf8({text, std::strlen(text)})) document.ParseInsitu<kFlags>(text);
    else document.ParseInsitu<kFlags | rapidjson::kParseValidateEncodingFlag>(text);
    if (document.HasParseError()) {
      // Not JSON: nothing in the file can be trusted, whatever the mode.
      throw LoadError(path_, line_at(document.GetErrorOffset()),
                      fmt::format("invalid JSON: {}", rapidjson::GetParseError_En(document.GetParseError())));
    }
    if (!document.IsArray()) throw LoadError(path_, 1, "a BODS file is a JSON array of statements");
    const auto statements = document.GetArray();

    // The statement that wins for each record: the latest statementDate, then the later one.
    std::unordered_set<std::string_view> replaced;
    for (const Json& statement : statements)
      if (const Json* replaces = member(statement, "replacesStatements"); replaces && replaces->IsArray())
        for (const Json& id : replaces->GetArray())
          if (id.IsString()) replaced.insert(view(id));
    std::unordered_map<std::string_view, std::size_t> latest;
    std::unordered_map<std::string_view, std::vector<std::size_t>> history;  // relationships
    std::vector<std::uint8_t> usable(statements.Size(), 0);
    for (rapidjson::SizeType index = 0; index < statements.Size(); ++index) {
      const Json& statement = statements[index];
      line_ = statement_line(statement, index);
      index_ = index;
      if (std::string error = check_statement(statement); !error.empty()) {
        bad(std::move(error), statement);
        continue;
      }
      if (replaced.contains(string_member(statement, "statementId"))) {
        context_.report.add("statements replaced");
        continue;
      }
      usable[index] = 1;
      const std::string_view record = string_member(statement, "recordId");
      if (string_member(statement, "recordType") == "relationship") history[record].push_back(index);
      auto [found, inserted] = latest.try_emplace(record, index);
      if (!inserted) {
        // Dates as dates, not as text ("2020-06-01" and "2020-06-01T09:00:00+02:00" are one day).
        const Json& kept = statements[static_cast<rapidjson::SizeType>(found->second)];
        if (!(statement_day(statement) < statement_day(kept))) found->second = index;
        context_.report.add("statements superseded");
      }
    }
    std::vector<std::size_t> winners;
    winners.reserve(latest.size());
    for (const auto& [record, index] : latest) winners.push_back(index);
    std::sort(winners.begin(), winners.end());

    // Parties first, so that relationships in the same file resolve whatever the order.
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t index : winners) {
        const Json& statement = statements[static_cast<rapidjson::SizeType>(index)];
        const bool relationship = string_member(statement, "recordType") == "relationship";
        if (relationship != (pass == 1)) continue;
        line_ = statement_line(statement, index);
        index_ = index;
        try {
          if (relationship) read_relationship_history(history[string_member(statement, "recordId")], statements);
          else read_party(statement);
        } catch (const Bad& error) {
          bad(error.reason, statement);
        }
      }
    }
    flush();
  }

 private:
  std::uint64_t line_at(std::size_t offset) const { return lines_.line_at(offset); }

  /// The line a statement starts on, near enough: the line of its first string value (in-situ
  /// strings stay where they were in the text). A statement without one: the previous line.
  std::uint64_t statement_line(const Json& statement, std::size_t) const {
    if (statement.IsObject())
      for (const auto& field : statement.GetObject())
        return line_at(static_cast<std::size_t>(field.name.GetString() - base_));
    return line_;
  }

  void bad(std::string reason, const Json& statement) {
    std::string record(string_member(statement, "recordId"));
    if (record.empty()) record = string_member(statement, "statementId");
    // Strict: the first error stops the load; Skip: the statement is left out and listed.
    context_.bad_record(LoadError(path_, line_, fmt::format("statement {}: {}", index_, reason), record));
  }

  /// The shape every statement needs; "" when it has it.
  static std::string check_statement(const Json& statement) {
    if (!statement.IsObject()) return "the statement is not a JSON object";
    if (string_member(statement, "recordId").empty()) return "the statement has no \"recordId\" string";
    const std::string_view type = string_member(statement, "recordType");
    if (type != "entity" && type != "person" && type != "relationship")
      return fmt::format("recordType '{}' is not entity, person or relationship", type);
    const Json* details = member(statement, "recordDetails");
    if (details == nullptr || !details->IsObject()) return "the statement has no \"recordDetails\" object";
    return {};
  }

  // Ids put together by appending (fmt::format parsed its format string each time: a record's
  // id is made several times).
  static std::string node_id(std::string_view record) {
    std::string id;
    id.reserve(5 + record.size());
    id.append("bods:").append(record);
    return id;
  }

  Source source(std::string_view record) const { return {path_, record, static_cast<std::uint32_t>(line_)}; }

  void read_party(const Json& statement) {
    const std::string_view record = string_member(statement, "recordId");
    const Json& details = *member(statement, "recordDetails");
    const bool person = string_member(statement, "recordType") == "person";
    const std::string id = node_id(record);
    const Source at = source(record);
    std::vector<std::pair<std::string_view, NameType>> names;
    NodeKind kind = NodeKind::Person;
    std::string_view entity_type;
    if (person) {
      if (const Json* list = member(details, "names"); list && list->IsArray()) {
        for (const Json& name : list->GetArray()) {
          std::string_view full = string_member(name, "fullName");
          if (full.empty()) continue;
          const bool legal = string_member(name, "type") == "legal";
          if (legal && (names.empty() || names.front().second != NameType::Primary))
            names.insert(names.begin(), {full, NameType::Primary});
          else
            names.emplace_back(full, NameType::Aka);
        }
      }
    } else {
      entity_type = string_member(*or_empty(member(details, "entityType")), "type");
      if (entity_type == "registeredEntity") kind = NodeKind::Company;
      else if (entity_type == "state" || entity_type == "stateBody") kind = NodeKind::Organization;
      else kind = NodeKind::LegalEntity;
      if (const std::string_view name = string_member(details, "name"); !name.empty()) names.emplace_back(name, NameType::Primary);
      if (const Json* list = member(details, "alternateNames"); list && list->IsArray())
        for (const Json& name : list->GetArray())
          if (name.IsString()) names.emplace_back(view(name), NameType::Aka);
    }
    const std::string_view primary = names.empty() ? std::string_view{} : names.front().first;
    Batch& batch = context_.batch;
    batch.add_entity({.id = id, .kind = kind, .name = primary, .source = at});
    ++(person ? persons_ : entities_);
    for (std::size_t at_name = 1; at_name < names.size(); ++at_name)
      batch.add_name(id, names[at_name].first, NameType::Aka, NameStrength::Unknown, at);
    auto attribute = [&](std::string_view key, std::string_view value) {
      if (!value.empty()) batch.add_attribute(id, key, value, at);
    };
    attribute("entityType", entity_type);
    attribute("entitySubtype", string_member(*or_empty(member(details, "entityType")), "subtype"));
    attribute("personType", string_member(details, "personType"));
    for (std::string_view key : {"foundingDate", "dissolutionDate", "birthDate", "deathDate"})
      attribute(key, string_member(details, key));
    if (const Json* jurisdiction = member(details, "jurisdiction")) {
      const std::string_view code = string_member(*jurisdiction, "code");
      attribute("jurisdiction", code.empty() ? string_member(*jurisdiction, "name") : code);
    }
    if (const Json* list = member(details, "identifiers"); list && list->IsArray()) {
      for (const Json& identifier : list->GetArray()) {
        const std::string_view value = string_member(identifier, "id");
        std::string_view scheme = string_member(identifier, "scheme");
        if (scheme.empty()) scheme = string_member(identifier, "schemeName");
        if (!value.empty()) attribute("identifier", scheme.empty() ? std::string(value) : std::string(scheme).append(":").append(value));
        // The identity contract's keys (RULES.md §9.2). BODS identifier schemes are org-id.guide
        // list codes: GB-COH is the UK Companies House register, XI-LEI the Global LEI Index.
        if (scheme == "GB-COH") attribute("gbCompanyNumber", value);
        else if (scheme == "XI-LEI") attribute("leiCode", value);
      }
    }
    if (const Json* list = member(details, "nationalities"); list && list->IsArray()) {
      for (const Json& nationality : list->GetArray()) {
        const std::string_view code = string_member(nationality, "code");
        attribute("nationality", code.empty() ? string_member(nationality, "name") : code);
      }
    }
    if (const Json* list = member(details, "addresses"); list && list->IsArray())
      for (const Json& address : list->GetArray()) attribute("address", string_member(address, "address"));
    if (const Json* exposure = member(details, "politicalExposure"))
      attribute("politicalExposure", string_member(*exposure, "status"));
    if (const Json* listing = member(details, "publicListing"); listing && listing->IsObject())
      if (const Json* has = member(*listing, "hasPublicListing"); has && has->IsBool())
        attribute("hasPublicListing", has->GetBool() ? "true" : "false");
    attribute("recordStatus", string_member(statement, "recordStatus"));
    attribute("statementDate", string_member(statement, "statementDate"));
  }

  static const Json* or_empty(const Json* value) {
    static const Json kEmpty(rapidjson::kObjectType);
    return value != nullptr ? value : &kEmpty;
  }

  static std::optional<Percent> share_bound(const Json& share, std::string_view key, int index) {
    const Json* value = member(share, key);
    if (value == nullptr) return std::nullopt;
    const auto parsed = value->IsNumber() ? Percent::from_double(value->GetDouble()) : std::nullopt;
    if (!parsed) throw Bad{fmt::format("interest {}: share '{}' is not a number from 0 to 100", index, key)};
    return parsed;
  }

  /// A statement's date as a day; nullopt (ordered first) when it has none that parses.
  static std::optional<Date> statement_day(const Json& statement) {
    return bods_date(string_member(statement, "statementDate"), false);
  }

  /// Every statement of one relationship record, oldest first: each one's interests hold from its
  /// own date (or their startDate, when later) until the next statement's date, so a 50% stake
  /// stated in 2019 and 100% stated on 2022-01-21 are 50% before that day and 100% from it, never
  /// both. Consecutive statements that state an interest alike extend one edge. The latest
  /// statement's edges keep the ids `bods:<recordId>#<n>`; an earlier one's are
  /// `bods:<recordId>#<n>@<statementId>`.
  template <class Statements>
  void read_relationship_history(std::vector<std::size_t> indexes, const Statements& statements) {
    auto at = [&](std::size_t index) -> const Json& { return statements[static_cast<rapidjson::SizeType>(index)]; };
    std::stable_sort(indexes.begin(), indexes.end(), [&](std::size_t a, std::size_t b) {
      return statement_day(at(a)) < statement_day(at(b));
    });
    // The interests of each statement, read (and validated) as the latest statement's would be.
    std::vector<std::vector<PendingEdge>> versions;
    std::vector<std::optional<Date>> days;
    std::vector<std::string> statement_ids;
    for (std::size_t index : indexes) {
      line_ = statement_line(at(index), index);
      index_ = index;
      versions.push_back(relationship_edges(at(index)));
      days.push_back(statement_day(at(index)));
      statement_ids.emplace_back(string_member(at(index), "statementId"));
    }
    if (versions.empty()) return;
    if (versions.back().empty()) context_.report.add("relationships without interests");
    // Alike: the same interest from the same start; a later statement may add its end (a closing
    // statement that repeats the interest with its endDate), and the run then ends there.
    auto same_interest = [](const PendingEdge& a, const PendingEdge& b) {
      return a.kind == b.kind && a.from == b.from && a.to == b.to && a.role == b.role && a.share == b.share &&
             a.valid.start == b.valid.start && (a.valid.end == b.valid.end || !a.valid.end);
    };
    // Per interest number: the start of a run of statements that state it alike (set while the
    // run goes on; the inner optional is the start, open when unset).
    std::vector<std::optional<std::optional<Date>>> carried;
    for (std::size_t version = 0; version < versions.size(); ++version) {
      const bool last = version + 1 == versions.size();
      auto& edges = versions[version];
      carried.resize(std::max(carried.size(), edges.size()));
      for (std::size_t number = 0; number < edges.size(); ++number) {
        PendingEdge& edge = edges[number];
        // From this statement on (the first one: from the interest's own start), or from where
        // the run of equal statements began.
        std::optional<Date> start = edge.valid.start;
        if (version > 0 && days[version] && (!start || *start < *days[version])) start = days[version];
        if (carried[number]) start = *carried[number];
        carried[number].reset();
        if (!last) {
          const auto& next = versions[version + 1];
          if (number < next.size() && same_interest(edge, next[number])) {
            carried[number] = start;  // the next statement says the same: one edge for both
            continue;
          }
        }
        edge.valid.start = start;
        if (!last && days[version + 1] && (!edge.valid.end || *days[version + 1] < *edge.valid.end))
          edge.valid.end = days[version + 1];  // until the next statement
        if (edge.valid.start && edge.valid.end && !(*edge.valid.start < *edge.valid.end)) {
          context_.report.add("interests superseded the day they were stated");
          continue;
        }
        // The latest statement of this interest keeps the plain id (a closing statement often
        // repeats no interest: the one before it is then the latest).
        bool stated_later = false;
        for (std::size_t later = version + 1; later < versions.size() && !stated_later; ++later)
          stated_later = number < versions[later].size();
        if (stated_later) edge.id += "@" + statement_ids[version];
        ++edges_;
        context_.add_edge_or_defer(std::move(edge));
      }
    }
  }

  /// The edges one relationship statement states (its side effects: an unspecified party's
  /// reason on the subject). Throws Bad.
  std::vector<PendingEdge> relationship_edges(const Json& statement) {
    const std::string_view record = string_member(statement, "recordId");
    const Json& details = *member(statement, "recordDetails");
    const Json* subject = member(details, "subject");
    if (subject == nullptr || !subject->IsString() || subject->GetStringLength() == 0)
      throw Bad{"the relationship has no \"subject\" record id"};
    const std::string to = node_id(view(*subject));
    const Json* party = member(details, "interestedParty");
    if (party != nullptr && party->IsObject()) {
      // Unspecified: {reason, description} instead of a record id (BODS 0.4).
      context_.report.add("unspecified interested parties");
      if (resolves(to))
        context_.batch.add_attribute(to, "unspecifiedInterestedParty", string_member(*party, "reason"), source(record));
      return {};
    }
    if (party == nullptr || !party->IsString() || party->GetStringLength() == 0)
      throw Bad{"the relationship has no \"interestedParty\" record id or reason"};
    const std::string from = node_id(view(*party));
    const Json* interests = member(details, "interests");
    if (interests != nullptr && !interests->IsArray()) throw Bad{"\"interests\" is not an array"};
    std::vector<std::string> components;
    if (const Json* list = member(details, "componentRecords")) {
      if (!list->IsArray()) throw Bad{"\"componentRecords\" is not an array"};
      for (const Json& component : list->GetArray())
        if (component.IsString()) components.push_back(node_id(view(component)));
    }
    const bool closed = string_member(statement, "recordStatus") == "closed";
    const auto closed_on = closed ? bods_date(string_member(statement, "statementDate"), false) : std::nullopt;

    // Validate every interest before adding any: a statement goes in whole or not at all.
    std::vector<PendingEdge> edges;
    const rapidjson::SizeType count = interests == nullptr ? 0 : interests->Size();
    for (rapidjson::SizeType at = 0; at < count; ++at) {
      const Json& interest = (*interests)[at];
      const int number = static_cast<int>(at) + 1;
      if (!interest.IsObject()) throw Bad{fmt::format("interest {} is not an object", number)};
      const std::string_view type = string_member(interest, "type");
      const auto kind = interest_kind(type);
      if (!kind) throw Bad{fmt::format("interest {}: type '{}' is not in the interestType codelist", number, type)};
      PendingEdge edge{.kind = kind->kind, .from = from, .to = to, .role = std::string(type),
                       .id = node_id(record).append("#").append(std::to_string(number)), .file = path_, .record = std::string(record),
                       .line = line_, .share = {}, .valid = {}, .attributes = {},
                       .interest = kind->interest};
      const std::string_view direct = string_member(interest, "directOrIndirect");
      if (direct == "indirect" && !components.empty()) edge.kind = EdgeKind::UnknownLink;  // see the top
      if (const Json* share = member(interest, "share")) {
        if (!share->IsObject()) throw Bad{fmt::format("interest {}: share is not an object", number)};
        if (const auto exact = share_bound(*share, "exact", number)) {
          edge.share = *exact;
        } else {
          const auto min = share_bound(*share, "minimum", number), ex_min = share_bound(*share, "exclusiveMinimum", number);
          const auto max = share_bound(*share, "maximum", number), ex_max = share_bound(*share, "exclusiveMaximum", number);
          if (min || ex_min || max || ex_max) {
            // exclusiveMinimum 50 is (50, ...: the bound keeps its strictness (RULES.md §5).
            Percent::Bound low = min ? min->low() : ex_min ? ex_min->low() : Percent::Bound{0, false};
            Percent::Bound high = max ? max->high() : ex_max ? ex_max->high() : Percent::Bound{Percent::kHundred, false};
            if (!min && ex_min && ex_min->is_exact()) low.open = true;
            if (!max && ex_max && ex_max->is_exact()) high.open = true;
            edge.share = Percent::between(low, high);
            if (!edge.share.known())
              throw Bad{fmt::format("interest {}: share minimum {} is {} maximum {}", number,
                                    Percent::percent(low.units),
                                    low.units > high.units ? "above" : "not below",
                                    Percent::percent(high.units))};
            auto number_text = [](const Percent& bound) {
              std::string text = bound.to_string();
              if (text.ends_with('%')) text.pop_back();
              return text;
            };
            if (ex_min) edge.attributes.emplace_back("share.exclusiveMinimum", number_text(*ex_min));
            if (ex_max) edge.attributes.emplace_back("share.exclusiveMaximum", number_text(*ex_max));
          }
        }
      }
      const std::string_view start = string_member(interest, "startDate"), end = string_member(interest, "endDate");
      if (!start.empty()) {
        edge.valid.start = bods_date(start, false);
        if (!edge.valid.start) throw Bad{fmt::format("interest {}: startDate '{}' is not a date", number, start)};
      }
      if (!end.empty()) {
        edge.valid.end = bods_date(end, true);
        if (!edge.valid.end) throw Bad{fmt::format("interest {}: endDate '{}' is not a date", number, end)};
      } else if (closed_on) {
        edge.valid.end = closed_on;  // closed with no end date: it ended by the closing statement
      }
      if (!direct.empty()) edge.attributes.emplace_back("directOrIndirect", direct);
      if (const Json* beneficial = member(interest, "beneficialOwnershipOrControl"); beneficial && beneficial->IsBool())
        edge.attributes.emplace_back("beneficialOwnershipOrControl", beneficial->GetBool() ? "true" : "false");
      if (const std::string_view text = string_member(interest, "details"); !text.empty())
        edge.attributes.emplace_back("details", text);
      for (const std::string& component : components) edge.attributes.emplace_back("componentRecord", component);
      edge.attributes.emplace_back("statementId", string_member(statement, "statementId"));
      if (closed) edge.attributes.emplace_back("recordStatus", "closed");
      edges.push_back(std::move(edge));
    }
    return edges;
  }

  bool resolves(const std::string& id) const { return context_.resolves(id); }

  void flush() {
    for (auto [key, count] : {std::pair{"entities", entities_}, {"persons", persons_}, {"edges", edges_}})
      if (count != 0) context_.report.add(key, count);
  }

  const std::string& path_;
  LoadContext& context_;
  const char* base_ = nullptr;
  detail::LineIndex lines_;  // taken before the in-place parse writes into the text
  std::uint64_t line_ = 1;
  std::size_t index_ = 0;
  std::uint64_t entities_ = 0, persons_ = 0, edges_ = 0;
};

}  // namespace

void load_bods(const std::string& path, LoadContext& context) {
  BodsReader reader(path, context);
  reader.run();
}

LoadReport load_bods(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_bods), path, builder, options);
}

bool looks_like_bods(std::string_view head, std::string_view file_name) noexcept {
  head = trim(head);
  if (head.starts_with("\xEF\xBB\xBF")) head = trim(head.substr(3));
  if (!head.starts_with("[")) return false;
  for (std::string_view key : {"\"statementId\"", "\"recordType\"", "\"statementType\"", "\"recordDetails\""})
    if (head.find(key) != std::string_view::npos) return true;
  return file_name.find("bods") != std::string_view::npos;
}

}  // namespace skg
