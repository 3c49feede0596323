// UK Companies House "persons with significant control" (PSC) snapshot -> skg model. The snapshot
// (download.companieshouse.gov.uk, persons-with-significant-control-snapshot-*.zip) holds one JSON
// object per line: {"company_number": "08209948", "data": {"kind": ..., "name": ...,
// "natures_of_control": [...], "notified_on": "2021-12-13", "ceased_on": ..., "links": {"self":
// "/company/08209948/persons-with-significant-control/individual/<id>"}, ...}}, closed by a
// "totals#persons-of-significant-control-snapshot" line. Samples also come wrapped in a JSON
// array. The fields are those of the Companies House public data API's PSC resources.
//
// Mapping:
// - The company: node `gb-coh:<company_number>` (upper-case, left-padded with 0 to 8: the
//   cross-source identity contract), kind Company, attribute gbCompanyNumber. The snapshot does
//   not give the company's name.
// - A PSC: node `gb-psc:<company>/<kind>/<psc id>` (from links.self; a PSC record is one person's
//   entry in one company's register). individual-* -> Person; corporate-entity-* -> Company;
//   legal-person-* -> Organization (governments, corporations sole); super-secure-* -> Person
//   whose details are withheld (no name; description kept). A corporate PSC whose
//   identification names a UK register (place_registered "Companies House", or country_registered
//   England, Wales, Scotland, Northern Ireland or the United Kingdom) and gives a registration
//   number that is a Companies House number is `gb-coh:<registration_number>` instead, so that its
//   own PSCs (a record of the snapshot keyed by that number) chain on from it.
//   Attributes: nationality, countryOfResidence, birthDate ("1961-12": the register gives month
//   and year only), address, legalForm, legalAuthority, countryRegistered, placeRegistered,
//   registrationNumber, isSanctioned (beneficial owners of overseas entities), pscKind.
// - Each nature of control -> one edge holder -> company, id `<psc node>#<nature>`, role the
//   nature code, dates [notified_on, ceased_on): ceased_on is the day the person ceased to be a
//   PSC, so it is the first day without the interest. Kind, interest and share: psc_nature()
//   below, from Companies House's natures-of-control list (companieshouse/api-enumerations,
//   psc_descriptions.yml) and the statute's bands (The Register of People with Significant
//   Control Regulations 2016, SI 2016/339, Schedule 2 Part 1: "more than 25% but not more than
//   50%", "more than 50% but less than 75%", "75% or more"). Where the list's long description
//   says otherwise (it words the 50-75 band "not more than 75%" and the 75-100 band "more than
//   75%"), the statute and the list's own short_description ("More than 50% but less than 75%",
//   "75% or more") win: the register states what the regulations require.
//   A code the table does not know becomes an UnknownLink edge (unknown stays unknown) and a
//   warning. A super-secure PSC has no natures: an UnknownLink edge says that someone whose
//   details are withheld has significant control.
// - Statements (persons-with-significant-control-statement) and exemptions are facts on the
//   company: "pscStatement" = "<code> (notified <date>[, ceased <date>])".
// - Errors name the file, the line (the record's first line) and the record (links.self).
#include "skg/loaders/uk_psc.h"

#include <algorithm>
#include <cstring>
#include <cctype>
#include <fmt/format.h>
#include <iterator>
#include <unordered_set>
#include <vector>

#include "skg/loaders/json_common.h"  // first: it sets RapidJSON's SSE2 switch before any include
#include <rapidjson/error/en.h>
#include "skg/loaders/list_common.h"
#include "skg/loaders/source.h"
#include "skg/loaders/xml_common.h"  // detail::append_collapsed, detail::find_bytes

namespace skg::inline v1 {

namespace {

using Json = rapidjson::Value;
using detail::member;
using detail::string_member;
using detail::view;

constexpr Percent::Units kPct = Percent::kUnitsPerPercent;

// The share bands of the codes, SI 2016/339 Schedule 2 Part 1 paras 1-3 (shares), 4-6 (voting
// rights); the LLP and partnership surplus-asset bands are worded alike (SI 2016/340 Sch. 2;
// psc_descriptions.yml). "more-than-25-percent" is the overseas-entities register's band
// ("holds, directly or indirectly, more than 25% of the shares in the entity").
struct Band {
  std::string_view code;
  Percent share;
};
constexpr Band kBands[] = {
    {"25-to-50-percent", Percent::between({25 * kPct, true}, {50 * kPct, false})},   // (25, 50]
    {"50-to-75-percent", Percent::between({50 * kPct, true}, {75 * kPct, true})},    // (50, 75)
    {"75-to-100-percent", Percent::between({75 * kPct, false}, {100 * kPct, false})},  // [75, 100]
    {"more-than-25-percent", Percent::between({25 * kPct, true}, {100 * kPct, false})},  // (25, 100]
};

// What the holder has, by the code's first words (psc_descriptions.yml):
//   ownership-of-shares-*: "holds ... of the shares" -> OWNS, shares;
//   voting-rights-*: "holds ... of the voting rights" -> CONTROLS, voting rights (the UK rule
//     reads "shares or voting rights");
//   right-to-appoint-and-remove-{directors,members,person}*: "the right ... to appoint or remove a
//     majority of the board of directors" (members entitled to manage an LLP, persons managing a
//     partnership) -> CONTROLS, board appointment, share (50, 100]: a majority of the board;
//   significant-influence-or-control*: "has the right to exercise, or actually exercises,
//     significant influence or control" -> CONTROLS, significant influence, share unknown;
//   right-to-share-surplus-assets-* and part-right-to-share-surplus-assets-*: "the right to share
//     in ... of any surplus assets ... on a winding up" -> CONTROLS, profit rights;
//   registered-owner-as-nominee-*: the overseas entity holds UK land as nominee for the person:
//     not an interest in the entity -> UNKNOWN_LINK, kept with its code.
struct NatureMeasure {
  std::string_view prefix;
  EdgeKind kind;
  Interest interest;
  bool banded;  // the code carries a band
};
constexpr NatureMeasure kMeasures[] = {
    {"ownership-of-shares-", EdgeKind::Owns, Interest::Shares, true},
    {"voting-rights-", EdgeKind::Controls, Interest::VotingRights, true},
    {"right-to-appoint-and-remove-directors", EdgeKind::Controls, Interest::AppointBoard, false},
    {"right-to-appoint-and-remove-members", EdgeKind::Controls, Interest::AppointBoard, false},
    {"right-to-appoint-and-remove-person", EdgeKind::Controls, Interest::AppointBoard, false},
    {"significant-influence-or-control", EdgeKind::Controls, Interest::SignificantInfluence, false},
    {"right-to-share-surplus-assets-", EdgeKind::Controls, Interest::ProfitRights, true},
    {"part-right-to-share-surplus-assets-", EdgeKind::Controls, Interest::ProfitRights, true},
    {"registered-owner-as-nominee-", EdgeKind::UnknownLink, Interest::Unspecified, false},
};

// Held through a trust or a firm (psc_descriptions.yml): "-as-trust" and "-as-control-over-trust"
// (the person controls a trust whose trustees hold it) and the overseas register's
// "-as-trust-registered-overseas-entity" (the beneficial owner is a trustee of a trust that holds
// it) -> CONTROLS, trust settlor/trustee/protector, the trust's band kept as the share;
// "-as-firm" and "-as-control-over-firm" (the members of a firm that is not a legal person hold
// it) -> CONTROLS, significant influence, the firm's band kept. Neither is the person's own
// holding: the rules read them as indications, never as shares (RULES.md §5.5).
struct Through {
  std::string_view marker;
  Interest interest;
};
constexpr Through kThrough[] = {
    {"-as-control-over-trust", Interest::TrustSettlor},
    {"-as-control-over-firm", Interest::SignificantInfluence},
    {"-as-trust", Interest::TrustSettlor},
    {"-as-firm", Interest::SignificantInfluence},
};

// What a kind of record is.
enum class Role : std::uint8_t { Individual, Corporate, LegalPerson, SuperSecure, Statement, Exemptions, Totals };
struct KindRow {
  std::string_view kind;
  Role role;
};
constexpr KindRow kKinds[] = {
    {"individual-person-with-significant-control", Role::Individual},
    {"corporate-entity-person-with-significant-control", Role::Corporate},
    {"legal-person-person-with-significant-control", Role::LegalPerson},
    {"super-secure-person-with-significant-control", Role::SuperSecure},
    {"individual-beneficial-owner", Role::Individual},
    {"corporate-entity-beneficial-owner", Role::Corporate},
    {"legal-person-beneficial-owner", Role::LegalPerson},
    {"super-secure-beneficial-owner", Role::SuperSecure},
    {"persons-with-significant-control-statement", Role::Statement},
    {"exemptions", Role::Exemptions},
    {"totals#persons-of-significant-control-snapshot", Role::Totals},
};

std::optional<Role> role_of(std::string_view kind) {
  for (const KindRow& row : kKinds)
    if (row.kind == kind) return row.role;
  return std::nullopt;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A UK register: Companies House registers companies of England and Wales, Scotland and Northern
// Ireland (Companies Act 2006 s. 1060, s. 9).
bool uk_register(std::string_view country, std::string_view place) {
  const std::string where = lower(place);
  if (where.find("companies house") != std::string::npos) return true;
  const std::string c = lower(trim(country));
  for (std::string_view uk : {"england", "wales", "scotland", "northern ireland", "england & wales",
                              "england and wales", "united kingdom", "uk", "great britain",
                              "england & wales, uk", "united kingdom (england and wales)"})
    if (c == uk) return true;
  return false;
}

struct Bad {
  std::string reason;
};

class PscReader {
 public:
  PscReader(const std::string& path, LoadContext& context) : path_(path), context_(context) {}

  void run() {
    SourceFile file(path_);
    context_.report.files.push_back(path_);
    const std::string_view content = file.content();
    if (trim(content).empty()) return;  // an empty file: no records
    if (const auto invalid = detail::first_invalid_utf8(content); invalid != std::string_view::npos)
      throw LoadError(path_, line_of(content, invalid), "invalid UTF-8 (the snapshot is UTF-8 JSON)");
    lines_ = detail::LineIndex(content);  // before the in-place parse writes into the text
    // RapidJSON parses in place (as ftm_json.cpp): `file` is ours, its text mutable storage.
    std::string copy;  // a dropped trailing 0x1A: a terminated, padded copy (SourceFile::parse_buffer)
    char* const start = file.parse_buffer(copy);
    base_ = start;
    const std::string_view body = trim(content);
    // No kParseValidateEncodingFlag: the whole file was checked as strict UTF-8 just above (it
    // rejects what RapidJSON's check does: overlong forms, surrogates, past U+10FFFF), and that
    // flag turns off RapidJSON's SSE2 string scan: checking every string again byte by byte was
    // a tenth of the load.
    constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseIterativeFlag;
    if (body.front() == '[') {
      // Array-wrapped: the whole file is one JSON value.
      rapidjson::Document document;
      document.ParseInsitu<kFlags>(start);
      if (document.HasParseError())
        throw LoadError(path_, line_at(document.GetErrorOffset()),
                        fmt::format("invalid JSON: {}", rapidjson::GetParseError_En(document.GetParseError())));
      std::uint64_t index = 0;
      for (const Json& record : document.GetArray()) {
        line_ = record_line(record);
        read(record, index++);
      }
    } else {
      // One object per line, each parsed into one pool cleared line after line.
      std::vector<char> block(1 << 16);
      rapidjson::MemoryPoolAllocator<> pool(block.data(), block.size());
      rapidjson::Document document(&pool);
      std::size_t from = 0;
      std::uint64_t index = 0;
      const std::size_t size = copy.empty() ? content.size() : copy.size();
      std::uint64_t next_progress = 1 << 22;
      for (std::size_t line = 0; from < size; ++line) {
        const std::size_t newline = lines_.line_end(line + 1);
        const std::size_t end = newline == std::string_view::npos ? size : newline;
        line_ = line + 1;
        if (from >= next_progress) {
          context_.progress(path_, from);
          next_progress = from + (1 << 22);
        }
        char* const at = start + from;
        const std::string_view text_line(at, end - from);
        from = end + 1;
        if (from < size) {
          const std::size_t next_newline = lines_.line_end(line + 2);
          prefetch_record(std::string_view(start + from, (next_newline == std::string_view::npos ? size : next_newline) - from));
        }
        if (trim(text_line).empty()) continue;
        at[text_line.size()] = '\0';
        document.SetNull();
        pool.Clear();
        document.ParseInsitu<kFlags>(at);
        if (document.HasParseError()) {
          context_.bad_record(LoadError(path_, line_,
                                        fmt::format("invalid JSON at column {}: {}", document.GetErrorOffset() + 1,
                                                    rapidjson::GetParseError_En(document.GetParseError()))));
          continue;
        }
        read(document, index++);
      }
    }
    context_.progress(path_, content.size());
    for (const auto& [kind, count] : counts_)
      if (count != 0) context_.report.add(kind, count);
  }

 private:
  std::uint64_t line_at(std::size_t offset) const { return lines_.line_at(offset); }
  // The line a record starts on, near enough: that of its first string (in-situ strings stay put).
  std::uint64_t record_line(const Json& record) const {
    if (record.IsObject())
      for (const auto& field : record.GetObject()) return line_at(static_cast<std::size_t>(field.name.GetString() - base_));
    return line_;
  }

  void read(const Json& record, std::uint64_t index) {
    try {
      read_record(record);
    } catch (const Bad& bad) {
      std::string id(string_member(*or_empty(member(*or_empty(member(record, "data")), "links")), "self"));
      context_.bad_record(LoadError(path_, line_, fmt::format("record {}: {}", index, bad.reason), id));
    }
  }

  static const Json* or_empty(const Json* value) {
    static const Json kEmpty(rapidjson::kObjectType);
    return value != nullptr && value->IsObject() ? value : &kEmpty;
  }

  static std::optional<Date> date_field(const Json& data, std::string_view key) {
    const Json* value = member(data, key);
    if (value == nullptr || value->IsNull()) return std::nullopt;
    const std::string_view text = value->IsString() ? view(*value) : std::string_view{};
    const auto day = text.size() == 10 ? Date::parse(text) : std::nullopt;
    if (!day) throw Bad{fmt::format("{} '{}' is not a date written YYYY-MM-DD", key, text)};
    return day;
  }

  // The address's parts "a, b, c" in this order, each with its runs of blanks made one space.
  static std::string address_text(const Json* address) {
    std::string out;
    if (address == nullptr || !address->IsObject()) return out;
    static constexpr std::string_view kParts[] = {"care_of",        "po_box",   "premises", "address_line_1",
                                                  "address_line_2", "locality", "region",   "postal_code", "country"};
    // One pass over the object (a lookup per part compared the names again for each), the first
    // of a repeated key kept as FindMember does.
    const Json* parts[std::size(kParts)] = {};
    for (const auto& field : address->GetObject()) {
      const std::string_view name = view(field.name);
      for (std::size_t at = 0; at < std::size(kParts); ++at)
        if (kParts[at] == name) {
          if (parts[at] == nullptr) parts[at] = &field.value;
          break;
        }
    }
    // Room for every part and its separator at once: appended part by part, the text regrew
    // (and copied) two or three times an address.
    std::size_t room = 0;
    for (const Json* part : parts)
      if (part != nullptr && part->IsString()) room += part->GetStringLength() + 2;
    out.reserve(room);
    for (const Json* part : parts)
      if (part != nullptr && part->IsString()) detail::append_collapsed(out, view(*part));
    return out;
  }

  void read_record(const Json& record) {
    if (!record.IsObject()) throw Bad{"the record is not a JSON object"};
    const Json* data = member(record, "data");
    if (data == nullptr || !data->IsObject()) throw Bad{"the record has no \"data\" object"};
    const std::string_view kind = string_member(*data, "kind");
    const auto role = role_of(kind);
    if (!role) throw Bad{fmt::format("kind '{}' is not a kind of PSC record", kind)};
    if (*role == Role::Totals) {
      ++counts_[0].second;
      return;
    }
    const std::string_view number_text = string_member(record, "company_number");
    const std::string number = gb_company_number(number_text);
    if (number.empty())
      throw Bad{number_text.empty() ? std::string("the record has no \"company_number\"")
                                    : fmt::format("company_number '{}' is not a Companies House number", number_text)};
    const std::string_view self = string_member(*or_empty(member(*data, "links")), "self");
    const auto notified = date_field(*data, "notified_on");
    const auto ceased = date_field(*data, "ceased_on");
    if (notified && ceased && *ceased < *notified)
      throw Bad{fmt::format("ceased_on {} is before notified_on {}", ceased->to_string(), notified->to_string())};

    const std::string company = "gb-coh:" + number;
    const Source where{path_, self.empty() ? std::string_view(company) : self, static_cast<std::uint32_t>(line_)};
    Batch& batch = context_.batch;
    batch.add_entity({.id = company, .kind = NodeKind::Company, .source = where});
    if (stage(company)) batch.add_attribute(company, "gbCompanyNumber", number, where);

    if (*role == Role::Statement || *role == Role::Exemptions) {
      std::string_view code = string_member(*data, "statement");
      if (code.empty()) code = kind;
      std::string text(code);
      std::string dates;
      if (notified) detail::append_part(dates, "notified " + notified->to_string());
      if (ceased) detail::append_part(dates, "ceased " + ceased->to_string());
      if (!dates.empty()) text += fmt::format(" ({})", dates);
      batch.add_attribute(company, "pscStatement", text, where);
      ++counts_[1].second;
      return;
    }

    // The holder.
    if (self.empty()) throw Bad{"the person with significant control has no links.self to identify it"};
    std::string_view psc_path = self;
    if (psc_path.starts_with("/company/")) psc_path.remove_prefix(9);
    holder_.assign("gb-psc:");  // appended: fmt::format parsed its format string on every record
    if (const auto at = psc_path.find("/persons-with-significant-control/"); at != std::string_view::npos)
      holder_.append(psc_path.substr(0, at)).append("/").append(psc_path.substr(at + 34));
    else
      holder_.append(psc_path);
    const std::string psc_id = holder_;
    const Json* identification = or_empty(member(*data, "identification"));
    std::string registered_number;
    if (*role == Role::Corporate) {
      const std::string_view registration = string_member(*identification, "registration_number");
      if (uk_register(string_member(*identification, "country_registered"),
                      string_member(*identification, "place_registered")))
        registered_number = gb_company_number(registration);
      if (!registered_number.empty()) holder_ = "gb-coh:" + registered_number;
    }
    const NodeKind node_kind = *role == Role::Individual || *role == Role::SuperSecure ? NodeKind::Person
                               : *role == Role::Corporate                                ? NodeKind::Company
                                                                                         : NodeKind::Organization;
    const std::string name = detail::collapse_spaces(string_member(*data, "name"));
    batch.add_entity({.id = holder_, .kind = node_kind, .name = name, .source = where});
    ++counts_[*role == Role::Individual ? 2 : *role == Role::SuperSecure ? 5 : *role == Role::Corporate ? 3 : 4].second;
    // A holding company is a PSC of many companies: its facts are staged from its first record of
    // the file only (the builder compares every pair of a node's facts when it freezes: thousands
    // of copies of the same ones cost it quadratic time); each record still adds its provenance.
    const bool first_time = stage(holder_);
    const StringId holder = first_time ? batch.string_id(holder_) : kNoString;  // once for its facts
    auto attribute = [&](std::string_view key, std::string_view value) {
      if (first_time && !value.empty()) batch.add_attribute(holder, key_id(key), value, where);
    };
    attribute("pscKind", kind);
    if (!registered_number.empty()) attribute("gbCompanyNumber", registered_number);
    attribute("nationality", string_member(*data, "nationality"));
    attribute("countryOfResidence", string_member(*data, "country_of_residence"));
    if (const Json* birth = member(*data, "date_of_birth"); birth && birth->IsObject()) {
      const Json* year = member(*birth, "year");
      const Json* month = member(*birth, "month");
      if (year && year->IsInt() && month && month->IsInt() && month->GetInt() >= 1 && month->GetInt() <= 12) {
        const int y = year->GetInt(), m = month->GetInt();
        if (const auto first = Date::from_ymd(y, m, 1))  // "1961-12": Date's own "1961-12-01", less the day
          attribute("birthDate", std::string_view(first->to_string()).substr(0, 7));
        else
          attribute("birthDate", fmt::format("{:04}-{:02}", y, m));
      } else if (year && year->IsInt()) {
        attribute("birthDate", fmt::format("{:04}", year->GetInt()));
      }
    }
    const std::string address = address_text(member(*data, "address"));
    attribute("address", address);
    if (const std::string office = address_text(member(*data, "principal_office_address"));
        !office.empty() && office != address)
      attribute("address", office);
    attribute("legalForm", string_member(*identification, "legal_form"));
    attribute("legalAuthority", string_member(*identification, "legal_authority"));
    attribute("countryRegistered", string_member(*identification, "country_registered"));
    attribute("placeRegistered", string_member(*identification, "place_registered"));
    attribute("registrationNumber", string_member(*identification, "registration_number"));
    if (const Json* sanctioned = member(*data, "is_sanctioned"); sanctioned && sanctioned->IsBool())
      attribute("isSanctioned", sanctioned->GetBool() ? "true" : "false");
    attribute("description", string_member(*data, "description"));

    // The interests: one edge per nature of control.
    const DateRange valid{notified, ceased};
    // Both ends were added just above, so the edge resolves: added at once with the ends' ids
    // (LoadContext::add_edge_or_defer would look each end up twice and copy every string).
    const StringId holder_id = batch.defined_id(holder_), company_id = batch.defined_id(company);
    std::string id;
    auto edge = [&](EdgeKind edge_kind, Interest interest, Percent share, std::string_view code) {
      id.assign(psc_id);
      id += '#';
      id += code;
      const EdgeRecord record{.kind = edge_kind, .from = holder_, .to = company, .share = share, .interest = interest,
                              .valid = valid, .role = code, .source = where, .id = id};
      if (holder_id != kNoString && company_id != kNoString)
        batch.add_edge(record, holder_id, company_id);
      else
        batch.add_edge(record);  // a batch not made for a builder: both ends are in it all the same
      ++counts_[6].second;
    };
    const Json* natures = member(*data, "natures_of_control");
    if (natures != nullptr && !natures->IsArray()) throw Bad{"natures_of_control is not an array"};
    if (*role == Role::SuperSecure || natures == nullptr || natures->Empty()) {
      edge(EdgeKind::UnknownLink, Interest::Unspecified, Percent::unknown(),
           *role == Role::SuperSecure ? std::string_view("super-secure") : std::string_view("nature-not-given"));
      return;
    }
    for (const Json& nature : natures->GetArray()) {
      if (!nature.IsString()) throw Bad{"a nature of control is not a string"};
      const std::string_view code = view(nature);
      if (const auto mapped = psc_nature(code)) {
        edge(mapped->kind, mapped->interest, mapped->share, code);
      } else {
        context_.report.warnings.push_back({path_, line_, std::string(where.record),
                                            fmt::format("nature of control '{}' is not in the table: kept as an "
                                                        "unknown link", code)});
        edge(EdgeKind::UnknownLink, Interest::Unspecified, Percent::unknown(), code);
      }
    }
  }

  /// The value of `"key":"` in a record's raw line (before its in-place parse), or "".
  static std::string_view raw_value(std::string_view line, std::string_view quoted_key) {
    const std::size_t found = detail::find_bytes(line, quoted_key);
    if (found == std::string_view::npos) return {};
    const std::size_t begin = found + quoted_key.size();
    const auto end = line.find('"', begin);
    return end == std::string_view::npos ? std::string_view() : line.substr(begin, end - begin);
  }

  /// Starts fetching the string pools' table slots of the ids and texts the next record (its raw
  /// line, not parsed yet) will most likely add, while this record is read: those strings are new
  /// to the pool, and each new string's probe of a table larger than the caches was a miss, the
  /// largest single cost of this loader. Only a hint: a guess that is wrong (a corporate holder
  /// keyed by its UK number, an escaped name) changes nothing but the cache.
  void prefetch_record(std::string_view line) {
    Batch& batch = context_.batch;
    hint_.assign("gb-coh:");
    hint_ += gb_company_number(raw_value(line, "\"company_number\":\""));
    batch.prefetch(hint_);
    staged_.prefetch(hint_);
    const std::string_view self = raw_value(line, "\"self\":\"");
    batch.prefetch(self);
    batch.prefetch(raw_value(line, "\"name\":\""));
    std::string_view psc_path = self;
    if (psc_path.starts_with("/company/")) psc_path.remove_prefix(9);
    const auto at = psc_path.find("/persons-with-significant-control/");
    if (at == std::string_view::npos) return;
    hint_.assign("gb-psc:");
    hint_ += psc_path.substr(0, at);
    hint_ += '/';
    hint_ += psc_path.substr(at + 34);
    batch.prefetch(hint_);
    staged_.prefetch(hint_);
    // The interests' ids: "<holder>#<nature of control>".
    const std::size_t holder_size = hint_.size();
    std::string_view natures = raw_value(line, "\"natures_of_control\":[\"");
    if (natures.empty()) return;
    natures = line.substr(static_cast<std::size_t>(natures.data() - line.data()));
    natures = natures.substr(0, natures.find(']'));
    for (std::size_t begin = 0; begin < natures.size();) {
      const auto end = std::min(natures.find('"', begin), natures.size());
      hint_.resize(holder_size);
      hint_ += '#';
      hint_ += natures.substr(begin, end - begin);
      batch.prefetch(hint_);
      const auto next = natures.find('"', end + 1);
      if (next == std::string_view::npos) break;
      begin = next + 1;
    }
  }

  const std::string& path_;
  LoadContext& context_;
  std::string hint_;  // prefetch_record's scratch
  const char* base_ = nullptr;
  detail::LineIndex lines_;  // taken before the in-place parse writes into the text
  std::uint64_t line_ = 1;
  std::string holder_;
  // Attribute keys (string literals) and their ids in the batch, found by the literal's address
  // and looked up at first use: each fact then interns its value only.
  std::vector<std::pair<const char*, StringId>> key_ids_;
  StringId key_id(std::string_view key) {
    for (const auto& [text, id] : key_ids_)
      if (text == key.data()) return id;
    const StringId id = context_.batch.string_id(key);
    key_ids_.emplace_back(key.data(), id);
    return id;
  }
  StringPool staged_;  // parties whose facts this file staged (see read_record); a set
  /// True the first time `party` is staged (a StringPool as a set: no allocation per party).
  bool stage(std::string_view party) {
    const std::size_t before = staged_.size();
    staged_.intern(party);
    return staged_.size() != before;
  }
  std::pair<std::string_view, std::uint64_t> counts_[7] = {
      {"snapshot totals", 0}, {"statements", 0}, {"individuals", 0}, {"corporate entities", 0},
      {"legal persons", 0},   {"super-secure persons", 0}, {"interests", 0}};
};

}  // namespace

std::optional<PscNature> psc_nature(std::string_view code) noexcept {
  for (const NatureMeasure& measure : kMeasures) {
    if (!code.starts_with(measure.prefix)) continue;
    std::string_view rest = code.substr(measure.prefix.size());
    PscNature out{.kind = measure.kind, .interest = measure.interest};
    if (measure.kind == EdgeKind::UnknownLink) return out;  // registered-owner-as-nominee-*
    if (measure.interest == Interest::AppointBoard)  // "a majority of the board"
      out.share = Percent::between({50 * kPct, true}, {100 * kPct, false});
    if (measure.banded) {
      bool found = false;
      for (const Band& band : kBands) {
        if (!rest.starts_with(band.code)) continue;
        out.share = band.share;
        rest.remove_prefix(band.code.size());
        found = true;
        break;
      }
      if (!found) return std::nullopt;
    } else if (!rest.empty() && rest.front() != '-') {
      return std::nullopt;
    }
    for (const Through& through : kThrough) {
      if (rest.find(through.marker) == std::string_view::npos) continue;
      out.kind = EdgeKind::Controls;
      out.interest = through.interest;
      break;
    }
    // What may follow: the register it belongs to.
    for (std::string_view marker : {"-as-control-over-trust", "-as-control-over-firm", "-as-trust", "-as-firm"})
      if (rest.starts_with(marker)) rest.remove_prefix(marker.size());
    if (!rest.empty() && rest != "-limited-liability-partnership" && rest != "-registered-overseas-entity")
      return std::nullopt;
    return out;
  }
  return std::nullopt;
}

std::string gb_company_number(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.size() > 8) return {};
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) return {};
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  // Letters only as a prefix of two (SC, NI, OC, OE, ...); the rest digits.
  std::size_t letters = 0;
  while (letters < out.size() && std::isalpha(static_cast<unsigned char>(out[letters])) != 0) ++letters;
  if (letters != 0 && letters != 2) return {};
  for (std::size_t at = letters; at < out.size(); ++at)
    if (std::isdigit(static_cast<unsigned char>(out[at])) == 0) return {};
  if (letters == out.size()) return {};
  if (letters == 0) out.insert(0, 8 - out.size(), '0');
  else if (out.size() != 8) return {};
  return out;
}

void load_uk_psc(const std::string& path, LoadContext& context) { PscReader(path, context).run(); }

LoadReport load_uk_psc(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_uk_psc), path, builder, options);
}

bool looks_like_uk_psc(std::string_view head, std::string_view /*file_name*/) noexcept {
  head = trim(head);
  if (head.starts_with("\xEF\xBB\xBF")) head = trim(head.substr(3));
  if (!head.starts_with("{") && !head.starts_with("[")) return false;
  if (head.find("\"company_number\"") == std::string_view::npos) return false;
  return head.find("person-with-significant-control") != std::string_view::npos ||
         head.find("persons-with-significant-control") != std::string_view::npos ||
         head.find("-beneficial-owner\"") != std::string_view::npos ||
         head.find("persons-of-significant-control") != std::string_view::npos;
}

}  // namespace skg
