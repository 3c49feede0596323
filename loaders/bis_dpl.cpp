// The Denied Persons List as BIS publishes it for download (https://www.bis.doc.gov, "Denied
// Persons List", tab-delimited text): a header row, then one row per denied party and address,
// every field quoted. Columns: Name, Street_Address, City, State, Country, Postal_Code,
// Effective_Date, Expiration_Date (MM/DD/YYYY), Standard_Order (Y/N), Last_Update (YYYY-MM-DD),
// Action, FR_Citation. The layout is read from the header.
#include "skg/loaders/bis_dpl.h"

#include <array>
#include <fmt/format.h>
#include <unordered_set>

#include "skg/loaders/list_common.h"
#include "skg/loaders/source.h"
#include "skg/loaders/measures.h"

namespace skg::inline v1 {

namespace {

enum DplColumn : std::uint8_t {
  kName, kStreet, kCity, kState, kCountry, kPostalCode, kEffective, kExpiration, kStandardOrder,
  kLastUpdate, kAction, kFrCitation, kColumnCount
};
constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date",
    "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation"};

// What a denial order imposes (15 CFR 764.3(a)(2) and the standard order of Supplement 1 to
// part 764): the denial of export privileges under the EAR.
constexpr std::string_view kMeasures = "Denial of export privileges under the EAR";
constexpr std::string_view kCitation =
    "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/denied-persons-list";

}  // namespace

void load_bis_dpl(const std::string& path, LoadContext& context) {
  const SourceFile file(path);
  const std::string_view text = file.content();
  context.report.files.push_back(path);
  if (trim(text).empty()) throw LoadError(path, 0, "empty file: expected the DPL header");

  CsvReader reader(text, path, '\t');
  std::vector<std::string_view> fields;
  std::array<int, kColumnCount> at;
  at.fill(-1);
  std::size_t width = 0;
  try {
    reader.next(fields);
  } catch (const LoadError& error) {
    throw LoadError(path, error.line(), "not a BIS DPL file: " + error.reason());
  }
  width = fields.size();
  for (std::size_t field = 0; field < fields.size(); ++field)
    for (std::size_t column = 0; column < kColumnCount; ++column)
      if (kColumnNames[column] == trim(fields[field])) at[column] = static_cast<int>(field);
  for (DplColumn required : {kName, kEffective})
    if (at[required] < 0)
      throw LoadError(path, 1, fmt::format("not a BIS DPL file: the header has no '{}' column",
                                           kColumnNames[required]));

  std::unordered_set<std::string> parties;
  std::string id, action, address;
  const detail::MeasureMapping dpl = detail::bis_dpl_mapping();
  // The batch ids of the attribute keys, each taken when first added (so the pool holds the same
  // strings in the same order as when every fact named its key): a key is hashed once per load,
  // not once per row.
  StringId address_key = kNoString;
  std::array<StringId, 3> action_keys;
  action_keys.fill(kNoString);
  // Counted here and added to the report once: a map lookup per count and row was 3% of a load.
  std::uint64_t rows = 0, entities = 0, addresses = 0;
  std::size_t next_progress = 1 << 20;
  while (true) {
    const std::size_t begin = reader.offset();
    if (!detail::next_record_or_stop(reader, fields, context)) break;
    const std::uint64_t line = reader.line_number();
    auto cell = [&](DplColumn column) {
      return at[column] < 0 || static_cast<std::size_t>(at[column]) >= fields.size()
                 ? std::string_view()
                 : trim(fields[at[column]]);
    };
    if (fields.size() == 1 && trim(fields[0]).empty()) continue;  // a blank line
    // A view of the row (valid until the next record is read): the batch interns what it keeps.
    const std::string_view record = cell(kName);
    // Check the whole row before staging anything of it.
    if (fields.size() != width) {
      context.bad_record(LoadError(path, line, fmt::format("expected {} fields as in the header, found {}",
                                                           width, fields.size()), std::string(record)));
      continue;
    }
    if (const auto invalid = find_invalid_utf8(text.substr(begin, reader.offset() - begin));
        invalid != std::string_view::npos) {
      context.bad_record(LoadError(path, line_of(text, begin + invalid), "invalid UTF-8", std::string(record)));
      continue;
    }
    if (record.empty()) {
      context.bad_record(LoadError(path, line, "the row has no name"));
      continue;
    }
    const auto effective = detail::parse_us_date(cell(kEffective));
    if (!effective) {
      context.bad_record(LoadError(path, line, fmt::format("Effective_Date '{}' is not a date written MM/DD/YYYY",
                                                           cell(kEffective)), std::string(record)));
      continue;
    }
    std::optional<Date> expiration;
    if (!cell(kExpiration).empty()) {
      expiration = detail::parse_us_date(cell(kExpiration));
      if (!expiration) {
        context.bad_record(LoadError(path, line, fmt::format("Expiration_Date '{}' is not a date written MM/DD/YYYY",
                                                             cell(kExpiration)), std::string(record)));
        continue;
      }
    }

    id.assign("bis-dpl:").append(detail::slug(record)).append(1, ':').append(effective->to_string());
    action.assign(id).append("#DPL");
    const Source where{path, record, static_cast<std::uint32_t>(line)};
    Batch& batch = context.batch;
    // The entity's id as the batch holds it: its facts name it by id, not by a text hashed again.
    const StringId entity = batch.add_entity({.id = id, .kind = NodeKind::LegalEntity, .name = record, .source = where});
    address.clear();
    for (DplColumn part : {kStreet, kCity, kState, kPostalCode, kCountry}) detail::append_part(address, cell(part));
    if (!address.empty()) {
      if (address_key == kNoString) address_key = batch.string_id("address");
      batch.add_attribute(entity, address_key, address, where);
      ++addresses;
    }
    // [effective, expiration): the order's expiration date is taken as its first day out of force.
    batch.add_action({.id = action, .target = id, .authority = "BIS", .list = "DPL",
                      .legal_basis = cell(kFrCitation), .measures = kMeasures, .citation = kCitation,
                      .listed = effective, .in_force = {effective, expiration}, .source = where,
                      .measure_set = dpl.measures, .issuer = dpl.issuer, .list_id = dpl.list});
    // The action's id looked up once for its (up to three) facts.
    StringId action_id = kNoString;
    std::size_t key_at = 0;
    for (auto [column, key] : {std::pair{kStandardOrder, "standardOrder"}, std::pair{kLastUpdate, "modifiedAt"},
                               std::pair{kAction, "dplAction"}}) {
      StringId& key_id = action_keys[key_at++];
      if (cell(column).empty()) continue;
      if (action_id == kNoString) action_id = batch.string_id(action);
      if (key_id == kNoString) key_id = batch.string_id(key);
      batch.add_attribute(action_id, key_id, cell(column), where);
    }
    ++rows;
    if (parties.insert(id).second) ++entities;
    if (reader.offset() >= next_progress) {
      context.progress(path, reader.offset());
      next_progress += 1 << 20;
    }
  }
  for (const auto& [kind, count] : {std::pair{"rows", rows}, std::pair{"entities", entities},
                                    std::pair{"actions", entities}, std::pair{"addresses", addresses}})
    if (count != 0) context.report.add(kind, count);
  context.progress(path, file.size());
}

LoadReport load_bis_dpl(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_bis_dpl), path, builder, options);
}

bool looks_like_bis_dpl(std::string_view head, std::string_view /*file_name*/) noexcept {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  return head.starts_with("\"Name\"\t\"Street_Address\"\t") || head.starts_with("Name\tStreet_Address\t");
}

}  // namespace skg
