// The CSL CSV as trade.gov publishes it (https://www.trade.gov/consolidated-screening-list,
// "CSL download: CSV"): one row per party per source list, 29 columns since the `_id` column
// was added (28 before, as in the 2019 files). The layout is read from the header, so columns
// may come in any order and every field may be quoted.
#include "skg/loaders/csl.h"

#include <array>
#include <deque>
#include <fmt/format.h>
#include <unordered_map>
#include <unordered_set>

#include "skg/loaders/list_common.h"
#include "skg/loaders/source.h"
#include "skg/loaders/measures.h"

namespace skg::inline v1 {

namespace {

enum CslColumn : std::uint8_t {
  kId, kSource, kEntityNumber, kType, kPrograms, kName, kTitle, kAddresses, kFrNotice,
  kStartDate, kEndDate, kStandardOrder, kLicenseRequirement, kLicensePolicy, kCallSign,
  kVesselType, kGrossTonnage, kGrossRegisteredTonnage, kVesselFlag, kVesselOwner, kRemarks,
  kSourceListUrl, kAltNames, kCitizenships, kDatesOfBirth, kNationalities, kPlacesOfBirth,
  kSourceInformationUrl, kIds, kColumnCount
};
constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
    "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
    "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
    "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids"};

// Columns whose values become plain attributes of the party: (column, attribute key, split on ';').
struct AttributeColumn {
  CslColumn column;
  std::string_view key;
  bool list;
};
constexpr AttributeColumn kAttributeColumns[] = {
    {kTitle, "title", false},           {kCallSign, "callSign", false},
    {kVesselType, "vesselType", false}, {kGrossTonnage, "tonnage", false},
    {kGrossRegisteredTonnage, "grossRegisteredTonnage", false},
    {kVesselFlag, "flag", false},       {kVesselOwner, "vesselOwner", false},
    {kRemarks, "notes", false},         {kCitizenships, "citizenship", true},
    {kDatesOfBirth, "birthDate", true}, {kNationalities, "nationality", true},
    {kPlacesOfBirth, "birthPlace", true},
};

struct Layout {
  std::array<int, kColumnCount> at;  // column -> field index, -1 when the header lacks it
  std::size_t width = 0;             // fields per row
  std::vector<std::string> header;   // to recognise the header repeated as a row
  bool ids_type_first = true;  // "type, number, country" (with _id) or "[country, ]number, type" (2019)
};

// What the `source` column says: "Entity List (EL) - Bureau of Industry and Security".
struct SourceList {
  std::string abbrev;     // "EL", "SDN", "NS-MBS List": the short name in parentheses
  std::string list;       // "Entity List", "SDN", "DPL": the Action's list
  std::string authority;  // "BIS", "OFAC", "State Department"
  std::string rows_key;   // "rows:EL": the report's count of this list's rows
};

SourceList parse_source(std::string_view source) {
  SourceList out;
  std::string_view name = source, agency;
  if (const auto dash = source.rfind(" - "); dash != std::string_view::npos) {
    name = trim(source.substr(0, dash));
    agency = trim(source.substr(dash + 3));
  }
  const auto open = name.find('('), close = name.find(')', open == std::string_view::npos ? 0 : open);
  out.abbrev = open != std::string_view::npos && close != std::string_view::npos
                   ? std::string(trim(name.substr(open + 1, close - open - 1)))
                   : std::string(name);
  // The list as analysts name it: the Entity List is "the Entity List", not "EL".
  out.list = out.abbrev == "EL" ? std::string("Entity List") : out.abbrev;
  // trade.gov names the agency; the Treasury lists of the CSL (SDN, SSI, FSE, PLC, CAPTA,
  // NS-MBS, CMIC) are OFAC's, and the BIS ones share the authority node of the BIS DPL loader.
  if (agency == "Treasury Department") out.authority = "OFAC";
  else if (agency == "Bureau of Industry and Security") out.authority = "BIS";
  else out.authority = std::string(agency.empty() ? std::string_view("trade.gov CSL") : agency);
  out.rows_key = fmt::format("rows:{}", out.abbrev);
  return out;
}

NodeKind kind_of(std::string_view type) {
  if (type == "Individual") return NodeKind::Person;
  if (type == "Vessel") return NodeKind::Vessel;
  if (type == "Aircraft") return NodeKind::Aircraft;
  return NodeKind::LegalEntity;  // "Entity" or blank: the CSL does not say company or organisation
}

bool is_country_code(std::string_view text) {
  return text.size() == 2 && text[0] >= 'A' && text[0] <= 'Z' && text[1] >= 'A' && text[1] <= 'Z';
}

// One identifier group of the `ids` column, reordered to "type, number, country".
// With `_id` (2020s): "Passport, 836238033, KP"; the 2019 layout: "KP, 836238033, Passport".
std::string format_identifier(std::string_view group, bool type_first) {
  std::vector<std::string_view> parts;
  detail::for_each_part(group, ',', [&](std::string_view part) { parts.push_back(part); });
  if (parts.empty()) return {};
  std::string_view type, country;
  std::size_t first = 0, last = parts.size();  // the number is parts [first, last)
  if (type_first) {
    type = parts[0], first = 1;
    if (last - first >= 2 && is_country_code(parts.back())) country = parts.back(), --last;
  } else {
    type = parts.back(), --last;
    if (last - first >= 2 && is_country_code(parts.front())) country = parts.front(), ++first;
  }
  std::string number;
  for (std::size_t at = first; at < last; ++at) detail::append_part(number, parts[at]);
  std::string out(type);
  detail::append_part(out, number);
  detail::append_part(out, country);
  return out;
}

struct Row {
  std::uint64_t line = 0;
  std::size_t first = 0, width = 0;  // fields in CslLoader::cells_
  std::size_t raw_begin = 0, raw_end = 0;
};

class CslLoader {
 public:
  CslLoader(const std::string& path, LoadContext& context) : path_(path), context_(context), file_(path) {}

  void run() {
    context_.report.files.push_back(path_);
    const std::string_view text = file_.content();
    if (trim(text).empty()) throw LoadError(path_, 0, "empty file: expected a CSL CSV header");
    read_rows(text);
    find_sdn_rows();
    for (const Row& row : rows_) map_row(row, text);
    context_.report.add("entities", entities_.size());
    context_.progress(path_, file_.size());
  }

 private:
  std::string_view cell(const Row& row, CslColumn column) const {
    const int at = layout_.at[column];
    return at < 0 || static_cast<std::size_t>(at) >= row.width ? std::string_view()
                                                                : trim(cells_[row.first + at]);
  }

  void read_header(const std::vector<std::string_view>& fields) {
    layout_.at.fill(-1);
    layout_.width = fields.size();
    for (std::size_t at = 0; at < fields.size(); ++at) {
      const std::string_view name = trim(fields[at]);
      layout_.header.emplace_back(name);
      for (std::size_t column = 0; column < kColumnCount; ++column)
        if (kColumnNames[column] == name) layout_.at[column] = static_cast<int>(at);
    }
    if (layout_.at[kSource] < 0 || layout_.at[kName] < 0)
      throw LoadError(path_, 1, "not a CSL CSV: the header has no 'source' and 'name' columns");
    layout_.ids_type_first = layout_.at[kId] >= 0;
  }

  bool is_header(const std::vector<std::string_view>& fields) const {
    if (fields.size() != layout_.header.size()) return false;
    for (std::size_t at = 0; at < fields.size(); ++at)
      if (trim(fields[at]) != layout_.header[at]) return false;
    return true;
  }

  // Pass 1: every record's fields (views into the file, or copies of unescaped fields).
  void read_rows(std::string_view text) {
    CsvReader reader(text, path_);
    std::vector<std::string_view> fields;
    bool header = true;
    std::size_t next_progress = 1 << 20;
    while (true) {
      const std::size_t begin = reader.offset();
      try {
        if (!reader.next(fields)) break;
      } catch (const LoadError& error) {
        if (header) throw LoadError(path_, error.line(), "not a CSL CSV: " + error.reason());
        // The reader cannot find the next record after a broken quote: the rest is lost.
        context_.bad_record(LoadError(error.file(), error.line(),
                                      error.reason() + "; the rest of the file was not read",
                                      error.record()));
        break;
      }
      if (header) {
        read_header(fields);
        header = false;
        continue;
      }
      if (is_header(fields)) {  // the 2023-11 export repeats its header line once
        context_.report.add("repeated header lines");
        continue;
      }
      Row row{reader.line_number(), cells_.size(), fields.size(), begin, reader.offset()};
      for (std::string_view field : fields) {
        const bool inside = field.data() >= text.data() && field.data() <= text.data() + text.size();
        cells_.push_back(inside || field.empty() ? field : std::string_view(owned_.emplace_back(field)));
      }
      rows_.push_back(row);
      if (reader.offset() >= next_progress) {
        context_.progress(path_, reader.offset() / 2);  // parsing is about half the work
        next_progress += 1 << 20;
      }
    }
    if (header) throw LoadError(path_, 0, "empty file: expected a CSL CSV header");
  }

  const SourceList& source_of(std::string_view source) {
    // Rows of one source list come together: the last one answers most rows without a lookup
    // (values of an unordered_map stay where they are).
    if (last_source_ != nullptr && source == last_source_->first) return last_source_->second;
    auto found = sources_.find(std::string(source));
    if (found == sources_.end()) found = sources_.emplace(std::string(source), parse_source(source)).first;
    last_source_ = &*found;
    return found->second;
  }

  std::string csl_id(const Row& row, const SourceList& source) const {
    if (const auto id = cell(row, kId); !id.empty()) return fmt::format("csl:{}", id);
    const auto number = cell(row, kEntityNumber);
    if (!number.empty()) return fmt::format("csl:{}:{}", source.abbrev, number);
    return fmt::format("csl:{}:row{}", source.abbrev, row.line);
  }

  // Pass 2: the CSL ids of SDN rows. trade.gov keys OFAC rows by the OFAC uid, so a party on
  // the SDN list and on another OFAC list (PLC, NS-MBS, ...) has one `_id` on both rows: all
  // of them become the one `ofac-sdn:<uid>` party.
  void find_sdn_rows() {
    for (const Row& row : rows_) {
      if (row.width != layout_.width) continue;
      const SourceList& source = source_of(cell(row, kSource));
      const auto uid = cell(row, kEntityNumber);
      if (source.abbrev != "SDN" || uid.empty()) continue;
      sdn_party_.emplace(csl_id(row, source), fmt::format("ofac-sdn:{}", uid));
    }
  }

  void map_row(const Row& row, std::string_view text) {
    const std::string_view record = row.width > 0 ? trim(cells_[row.first]) : std::string_view();
    const auto bad = [&](std::string reason) {
      context_.bad_record(LoadError(path_, row.line, std::move(reason), std::string(record)));
    };
    // Check everything before staging anything, so a skipped row leaves nothing behind.
    if (row.width != layout_.width)
      return bad(fmt::format("expected {} fields as in the header, found {}", layout_.width, row.width));
    if (const auto invalid = find_invalid_utf8(text.substr(row.raw_begin, row.raw_end - row.raw_begin));
        invalid != std::string_view::npos)
      return context_.bad_record(LoadError(path_, line_of(text, row.raw_begin + invalid),
                                           "invalid UTF-8", std::string(record)));
    const std::string_view name = cell(row, kName);
    if (name.empty()) return bad("the row has no name");
    const std::string_view source_text = cell(row, kSource);
    if (source_text.empty()) return bad("the row has no source list");
    std::optional<Date> start, end;
    for (auto [column, date] : {std::pair{kStartDate, &start}, std::pair{kEndDate, &end}}) {
      const std::string_view value = cell(row, column);
      if (value.empty()) continue;
      *date = value.size() == 10 ? Date::parse(value) : std::nullopt;
      if (!*date)
        return bad(fmt::format("{} '{}' is not a date written YYYY-MM-DD", kColumnNames[column], value));
    }

    const SourceList& source = source_of(source_text);
    const std::string own_id = csl_id(row, source);
    const auto sdn = sdn_party_.find(own_id);
    // A DPL row is keyed as the BIS DPL file keys its row (loaders/bis_dpl.cpp: the name's slug
    // and the order's effective date), so the CSL's copy and BIS's own file name one party.
    const std::string dpl_id = source.abbrev == "DPL" && start
                                   ? fmt::format("bis-dpl:{}:{}", detail::slug(name), start->to_string())
                                   : std::string();
    const std::string& entity = sdn != sdn_party_.end() ? sdn->second : !dpl_id.empty() ? dpl_id : own_id;
    const std::string line_record(record);
    const Source where{path_, line_record, static_cast<std::uint32_t>(row.line)};
    Batch& batch = context_.batch;

    batch.add_entity({.id = entity, .kind = kind_of(cell(row, kType)), .name = name, .source = where});
    if (entity != own_id && !own_ids_.find(own_id)) {
      own_ids_.intern(own_id);
      batch.add_external_id(entity, own_id, where);  // the CSL id finds the OFAC or BIS party too
    }
    entities_.intern(entity);
    // trade.gov's entity_number of a Treasury row is OFAC's uid, on the SDN and every non-SDN
    // list alike: the identity contract's `ofacUid` (queries/RULES.md §9).
    if (source.authority == "OFAC")
      if (const auto uid = cell(row, kEntityNumber); !uid.empty()) batch.add_attribute(entity, "ofacUid", uid, where);
    context_.report.add(source.rows_key);
    context_.report.add("rows");

    detail::for_each_part(cell(row, kAltNames), ';', [&](std::string_view alias) {
      batch.add_name(entity, alias, NameType::Aka, NameStrength::Unknown, where);
      context_.report.add("aliases");
    });
    detail::for_each_part(cell(row, kAddresses), ';', [&](std::string_view address) {
      batch.add_attribute(entity, "address", address, where);
      context_.report.add("addresses");
    });
    detail::for_each_part(cell(row, kIds), ';', [&](std::string_view group) {
      const std::string identifier = format_identifier(group, layout_.ids_type_first);
      if (identifier.empty()) return;
      batch.add_attribute(entity, "identification", identifier, where);
      context_.report.add("documents");
    });
    for (const auto& [column, key, list] : kAttributeColumns) {
      if (list) {
        detail::for_each_part(cell(row, column), ';', [&, key = key](std::string_view value) {
          batch.add_attribute(entity, key, value, where);
        });
      } else if (const auto value = cell(row, column); !value.empty()) {
        batch.add_attribute(entity, key, value, where);
      }
    }

    // The listing: one Action per row, as the row's source list states it.
    const std::string action = fmt::format("{}#{}", own_id, source.abbrev);
    const std::string_view citation = !cell(row, kSourceInformationUrl).empty()
                                          ? cell(row, kSourceInformationUrl)
                                          : cell(row, kSourceListUrl);
    const detail::MeasureMapping mapping = detail::csl_source_mapping(source.abbrev);
    batch.add_action({.id = action, .target = entity, .authority = source.authority,
                      .list = source.list, .program = cell(row, kPrograms),
                      .legal_basis = cell(row, kFrNotice),
                      .measures = cell(row, kLicenseRequirement), .citation = citation,
                      .listed = start, .in_force = {start, end}, .source = where,
                      .measure_set = mapping.measures, .issuer = mapping.issuer,
                      .list_id = mapping.list});
    if (const auto order = cell(row, kStandardOrder); !order.empty())
      batch.add_attribute(action, "standardOrder", order, where);
    if (const auto policy = cell(row, kLicensePolicy); !policy.empty())
      batch.add_attribute(action, "licensePolicy", policy, where);
    context_.report.add("actions");
  }

  const std::string& path_;
  LoadContext& context_;
  SourceFile file_;
  Layout layout_;
  std::vector<Row> rows_;
  std::vector<std::string_view> cells_;
  std::deque<std::string> owned_;
  std::unordered_map<std::string, SourceList> sources_;
  std::unordered_map<std::string, std::string> sdn_party_;  // CSL id of an SDN row -> ofac-sdn:<uid>
  const std::pair<const std::string, SourceList>* last_source_ = nullptr;  // see source_of
  StringPool entities_;  // distinct parties (a set: only their count is read)
  StringPool own_ids_;   // CSL ids already given to another party as other ids
};

}  // namespace

void load_csl(const std::string& path, LoadContext& context) { CslLoader(path, context).run(); }

LoadReport load_csl(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_csl), path, builder, options);
}

bool looks_like_csl(std::string_view head, std::string_view /*file_name*/) noexcept {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  return head.starts_with("_id,source,entity_number,") ||
         head.starts_with("\"_id\",\"source\",\"entity_number\",") ||
         head.starts_with("source,entity_number,type,programs,name,") ||
         head.starts_with("\"source\",\"entity_number\",\"type\",\"programs\",\"name\",");
}

}  // namespace skg
