// The OFSI (formerly HM Treasury Asset Freezing Unit) Consolidated List of financial sanctions
// targets in the UK, CSV (https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets):
// row 1 "Last Updated,dd/mm/yyyy", then a header of 29 columns (Name 6, Name 1..5, Title, DOB,
// ..., Group Type, Alias Type, Regime, Listed On, Last Updated, Group ID), then one row per name
// of a target. Layouts and quirks: ../shared/datasets/SOURCES.md (uk/).
#include "skg/loaders/ofsi_csv.h"

#include <algorithm>
#include <array>
#include <deque>
#include <fmt/format.h>
#include <unordered_map>
#include <unordered_set>

#include "skg/loaders/list_common.h"
#include "skg/loaders/measures.h"
#include "skg/loaders/source.h"
#include "skg/loaders/uk_common.h"
#include "skg/loaders/xml_common.h"  // detail::append_collapsed

namespace skg::inline v1 {

namespace {

/// detail::collapse_spaces(text) as a view: the trimmed cell itself when it has no run of blanks
/// to collapse (nearly every cell: no string built), else the collapsed text, in `scratch`.
std::string_view collapsed(std::string_view text, std::string& scratch) {
  text = trim(text);
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if (c == ' ' ? text[at + 1] == ' ' : (c == '\t' || c == '\n' || c == '\r')) {  // trimmed: no blank ends it
      scratch.clear();
      detail::append_collapsed(scratch, text, {});
      return scratch;
    }
  }
  return text;
}

constexpr std::string_view kAuthority = "HM Treasury (OFSI)";
constexpr std::string_view kList = "UK Consolidated List of financial sanctions targets";
constexpr std::string_view kCitation =
    "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets";

enum Column : std::uint8_t {
  kName6, kName1, kName2, kName3, kName4, kName5, kTitle, kDob, kTownOfBirth, kCountryOfBirth,
  kNationality, kPassport, kNiNumber, kPosition, kAddress1, kAddress2, kAddress3, kAddress4,
  kAddress5, kAddress6, kPostCode, kCountry, kOtherInformation, kGroupType, kAliasType, kRegime,
  kListedOn, kLastUpdated, kGroupId, kColumnCount
};
constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Title", "DOB", "Town of Birth",
    "Country of Birth", "Nationality", "Passport Details", "NI Number", "Position", "Address 1",
    "Address 2", "Address 3", "Address 4", "Address 5", "Address 6", "Post/Zip Code", "Country",
    "Other Information", "Group Type", "Alias Type", "Regime", "Listed On", "Last Updated", "Group ID"};
constexpr Column kRequired[] = {kName6, kGroupType, kAliasType, kRegime, kGroupId};

// Group Type, in the list's words.
std::optional<NodeKind> kind_of(std::string_view type) {
  if (type == "Individual") return NodeKind::Person;
  if (type == "Entity") return NodeKind::LegalEntity;  // not said to be a company or an organisation
  if (type == "Ship") return NodeKind::Vessel;
  return std::nullopt;
}

// Alias Type, in the list's words: "Prime Alias", "AKA", "FKA" (2014, 2018); "Primary name",
// "Alias", "Primary name variation" (the later layouts).
std::optional<NameType> name_type_of(std::string_view type) {
  if (type == "Prime Alias" || type == "Primary name" || type == "Primary Name") return NameType::Primary;
  if (type == "AKA" || type == "Alias" || type == "Primary name variation" || type == "Primary Name Variation")
    return NameType::Aka;
  if (type == "FKA") return NameType::Fka;
  return std::nullopt;
}

// The attribute keys this loader writes.
enum Key : std::uint8_t {
  kGroupIdKey, kTitleKey, kBirthDateKey, kBirthPlaceKey, kBirthCountryKey, kNationalityKey, kPositionKey,
  kIdentificationKey, kAddressKey, kCountryKey, kNotesKey, kUnReferenceKey, kImoNumberKey, kGbCompanyNumberKey,
  kModifiedAtKey, kLastUpdatedKey, kKeyCount
};
constexpr std::array<std::string_view, kKeyCount> kKeys = {
    "ofsiGroupId", "title", "birthDate", "birthPlace", "birthCountry", "nationality", "position",
    "identification", "address", "country", "notes", "unReference", "imoNumber", "gbCompanyNumber", "modifiedAt", "lastUpdated"};

struct Row {
  std::uint64_t line = 0;
  std::size_t first = 0;  // fields in OfsiLoader::cells_
  std::string name;
  NodeKind kind = NodeKind::LegalEntity;
  NameType name_type = NameType::Aka;
  std::optional<Date> listed, updated;
};

struct Group {
  std::string group_id;
  std::vector<std::uint32_t> rows;  // into OfsiLoader::rows_, in file order
};

class OfsiLoader {
 public:
  OfsiLoader(const std::string& path, LoadContext& context) : path_(path), context_(context), file_(path) {
    key_ids_.fill(kNoString);
  }

  void run() {
    context_.report.files.push_back(path_);
    std::string_view text = file_.content();
    if (trim(text).empty()) throw LoadError(path_, 0, "empty file: expected an OFSI consolidated list CSV");
    if (find_invalid_utf8(text) != std::string_view::npos) {
      // Not UTF-8: the list's own encoding, Windows-1252.
      if (const auto bad = detail::windows1252_to_utf8(text, decoded_); bad != std::string_view::npos)
        throw LoadError(path_, line_of(text, bad),
                        fmt::format("byte 0x{:02X} is neither UTF-8 nor a Windows-1252 character",
                                    static_cast<unsigned char>(text[bad])));
      text = decoded_;
      context_.report.add("files read as Windows-1252");
    }
    read_rows(text);
    std::size_t done = 0;
    for (const Group& group : groups_) {
      stage(group);
      if (++done % 4096 == 0) context_.check_cancel();
    }
    add_counts();
    context_.progress(path_, file_.size());
  }

 private:
  std::string_view cell(const Row& row, Column column) const {
    const int at = at_[column];
    return at < 0 ? std::string_view() : cells_[row.first + static_cast<std::size_t>(at)];  // trimmed when stored
  }

  void read_header(const std::vector<std::string_view>& fields, std::uint64_t line) {
    at_.fill(-1);
    width_ = fields.size();
    for (std::size_t at = 0; at < fields.size(); ++at)
      for (std::size_t column = 0; column < kColumnCount; ++column)
        if (kColumnNames[column] == trim(fields[at])) at_[column] = static_cast<int>(at);
    for (Column column : kRequired)
      if (at_[column] < 0)
        throw LoadError(path_, line, fmt::format("not an OFSI consolidated list CSV: the header has no '{}' column",
                                                 kColumnNames[column]));
  }

  // Pass 1: every row, checked; good rows join their group.
  void read_rows(std::string_view text) {
    // Room for every row's fields up front (one row per line, at most the header's width).
    // line_of counts by memchr: std::count went byte by byte (a third of this function's time).
    const auto lines = static_cast<std::size_t>(line_of(text, text.size()));
    rows_.reserve(lines);
    cells_.reserve(lines * kColumnCount);
    CsvReader reader(text, path_);
    std::vector<std::string_view> fields;
    enum class State { First, Header, Rows } state = State::First;
    std::size_t next_progress = 1 << 20;
    while (detail::next_record_or_stop(reader, fields, context_)) {
      const std::uint64_t line = reader.line_number();
      if (state == State::First) {
        state = State::Header;
        // Row 1: "Last Updated,02/04/2014" (padded with commas when re-saved by a spreadsheet).
        if (!fields.empty() && trim(fields[0]) == "Last Updated") {
          if (fields.size() > 1 && !trim(fields[1]).empty()) {
            const auto date = detail::parse_uk_date(fields[1]);
            if (!date)
              throw LoadError(path_, line, fmt::format("Last Updated '{}' is not a date written dd/mm/yyyy", trim(fields[1])));
            context_.report.add(fmt::format("list of {}", date->to_string()));
          }
          continue;
        }
      }
      if (state == State::Header) {
        read_header(fields, line);
        state = State::Rows;
        continue;
      }
      // An empty line, or a spreadsheet's row of commas (stops at the first cell with text).
      if (std::all_of(fields.begin(), fields.end(), [](std::string_view field) { return trim(field).empty(); })) continue;
      read_row(fields, line, text);
      if (reader.offset() >= next_progress) {
        context_.progress(path_, reader.offset() / 2);
        next_progress += 1 << 20;
      }
    }
    if (state != State::Rows) throw LoadError(path_, 0, "not an OFSI consolidated list CSV: no header row");
  }

  void read_row(const std::vector<std::string_view>& fields, std::uint64_t line, std::string_view text) {
    Row row;
    row.line = line;
    row.first = cells_.size();
    const std::size_t group_at = at_[kGroupId] >= 0 && static_cast<std::size_t>(at_[kGroupId]) < fields.size()
                                     ? static_cast<std::size_t>(at_[kGroupId]) : fields.size();
    const std::string group_id(group_at < fields.size() ? trim(fields[group_at]) : std::string_view());
    const auto bad = [&](std::string reason) {
      context_.bad_record(LoadError(path_, line, std::move(reason), group_id));
    };
    if (fields.size() != width_)
      return bad(fmt::format("expected {} fields as in the header, found {}", width_, fields.size()));
    // Each cell trimmed once here: every reader of a cell wants it trimmed (cell()).
    for (std::string_view field : fields) {
      field = trim(field);
      const bool inside = field.data() >= text.data() && field.data() <= text.data() + text.size();
      cells_.push_back(inside || field.empty() ? field : std::string_view(owned_.emplace_back(field)));
    }
    const auto drop = [&](std::string reason) {
      cells_.resize(row.first);
      bad(std::move(reason));
    };
    if (group_id.empty()) return drop("the row has no Group ID");
    if (group_id.find_first_not_of("0123456789") != std::string::npos)
      return drop(fmt::format("Group ID '{}' is not a number", group_id));
    // Room for the whole name first: appended part by part, a long name was reallocated twice.
    std::size_t name_size = 0;
    for (Column part : {kName1, kName2, kName3, kName4, kName5, kName6}) name_size += cell(row, part).size() + 1;
    row.name.reserve(name_size);
    for (Column part : {kName1, kName2, kName3, kName4, kName5, kName6})
      if (!cell(row, part).empty()) detail::append_collapsed(row.name, cell(row, part), " ");
    if (row.name.empty()) return drop("the row has no name (Name 1 to Name 6 are empty)");
    const auto kind = kind_of(cell(row, kGroupType));
    if (!kind) return drop(fmt::format("Group Type '{}' is not Individual, Entity or Ship", cell(row, kGroupType)));
    row.kind = *kind;
    const auto type = name_type_of(cell(row, kAliasType));
    if (!type) return drop(fmt::format("Alias Type '{}' is not one the list uses (Prime Alias, AKA, FKA, ...)",
                                       cell(row, kAliasType)));
    row.name_type = *type;
    std::size_t date_at = 0;
    for (auto [column, date] : {std::pair{kListedOn, &row.listed}, std::pair{kLastUpdated, &row.updated}}) {
      const std::string_view value = cell(row, column);
      LastDate& last = last_dates_[date_at++];
      if (value.empty()) continue;
      // A group's rows repeat their dates, one after another: the last row's date is taken again
      // when the text is the same (parse_uk_date is a pure function of the text).
      if (last.text.data() == nullptr || value != last.text) last = {value, detail::parse_uk_date(value)};
      if (!(*date = last.date))
        return drop(fmt::format("{} '{}' is not a date written dd/mm/yyyy", kColumnNames[column], value));
    }
    const auto [found, added] = group_of_.try_emplace(group_id, static_cast<std::uint32_t>(groups_.size()));
    if (added) groups_.push_back({group_id, {}});
    groups_[found->second].rows.push_back(static_cast<std::uint32_t>(rows_.size()));
    rows_.push_back(std::move(row));
    ++counts_[kRowsCount];
  }

  // Pass 2: one party per group, its names and facts, and one listing per regime.
  void stage(const Group& group) {
    Batch& batch = context_.batch;
    LoadReport& report = context_.report;
    std::string scratch;  // collapsed()'s text for a cell with blanks to collapse
    const std::string id = "ofsi:" + group.group_id;
    const Row* primary = nullptr;
    for (std::uint32_t at : group.rows)
      if (rows_[at].name_type == NameType::Primary) {
        primary = &rows_[at];
        break;
      }
    const Row& first = rows_[group.rows.front()];
    if (primary == nullptr) {
      primary = &first;
      report.warnings.push_back({path_, first.line, group.group_id, "no Prime Alias row: the first row's name is used"});
    }
    const Source head{path_, group.group_id, static_cast<std::uint32_t>(primary->line)};
    // The entity's id in the batch, for all the group's names and facts (not hashed again each).
    const StringId entity = batch.add_entity({.id = id, .kind = primary->kind, .name = primary->name, .source = head});
    ++counts_[kEntitiesCount];
    ++counts_[primary->kind == NodeKind::Person ? kIndividualsCount : primary->kind == NodeKind::Vessel ? kShipsCount : kLegalEntitiesCount];

    // The rows of a group repeat most columns (one row per name, and per regime): each column's
    // value is read once per group, and each fact added once.
    for (auto& values : seen_cells_) values.clear();
    seen_facts_.clear();
    seen_names_.clear();
    seen_names_.push_back(primary->name);
    bool kind_warned = false;
    std::optional<Date> updated;
    for (std::uint32_t at : group.rows) {
      const Row& row = rows_[at];
      const Source where{path_, group.group_id, static_cast<std::uint32_t>(row.line)};
      if (row.kind != primary->kind && !kind_warned) {
        kind_warned = true;
        report.warnings.push_back({path_, row.line, group.group_id,
                                   fmt::format("Group Type differs from the group's other rows: kept {}", to_string(primary->kind))});
      }
      // A second Prime Alias (the group under another regime) with another spelling is an alias.
      const NameType type = row.name_type == NameType::Primary ? NameType::Aka : row.name_type;
      if (std::find(seen_names_.begin(), seen_names_.end(), row.name) == seen_names_.end()) {
        seen_names_.push_back(row.name);
        batch.add_name(entity, row.name, type, NameStrength::Unknown, where);
        ++counts_[kAliasesCount];
      }
      if (row.updated && (!updated || *updated < *row.updated)) updated = row.updated;
      if (at == group.rows.front()) batch.add_attribute(entity, key(kGroupIdKey), group.group_id, where);
      auto attribute = [&](Key name, std::string_view value) {
        if (value.empty()) return;
        for (const auto& [seen_key, seen_value] : seen_facts_)
          if (seen_key == name && seen_value == value) return;
        seen_facts_.emplace_back(name, std::string(value));
        batch.add_attribute(entity, key(name), value, where);
      };
      // True the first time a group's rows give this value in `column`.
      auto fresh = [&](Column column) {
        const std::string_view value = cell(row, column);
        auto& values = seen_cells_[column];
        if (value.empty() || std::find(values.begin(), values.end(), value) != values.end()) return false;
        values.push_back(value);
        return true;
      };
      if (fresh(kTitle)) attribute(kTitleKey, collapsed(cell(row, kTitle), scratch));
      if (fresh(kDob)) {
        const std::string_view dob = cell(row, kDob);
        if (const auto date = detail::uk_birth_date(dob)) {
          attribute(kBirthDateKey, *date);
        } else {
          attribute(kBirthDateKey, dob);  // unknown stays as written
          report.warnings.push_back({path_, row.line, group.group_id,
                                     fmt::format("DOB '{}' names no day of the calendar: kept as written", dob)});
        }
      }
      const bool new_town = fresh(kTownOfBirth), new_birth_country = fresh(kCountryOfBirth);
      if (new_town || new_birth_country) {
        std::string place;
        detail::append_collapsed(place, cell(row, kTownOfBirth));
        detail::append_collapsed(place, cell(row, kCountryOfBirth));
        attribute(kBirthPlaceKey, place);
        attribute(kBirthCountryKey, collapsed(cell(row, kCountryOfBirth), scratch));
      }
      if (fresh(kNationality)) attribute(kNationalityKey, collapsed(cell(row, kNationality), scratch));
      if (fresh(kPosition)) attribute(kPositionKey, collapsed(cell(row, kPosition), scratch));
      if (fresh(kPassport)) attribute(kIdentificationKey, fmt::format("Passport, {}", detail::collapse_spaces(cell(row, kPassport))));
      if (fresh(kNiNumber))
        attribute(kIdentificationKey,
                  fmt::format("National identification number, {}", detail::collapse_spaces(cell(row, kNiNumber))));
      bool new_address = false;
      for (Column part : {kAddress1, kAddress2, kAddress3, kAddress4, kAddress5, kAddress6, kPostCode, kCountry})
        new_address |= fresh(part);
      if (new_address) {
        std::string address;
        for (Column part : {kAddress1, kAddress2, kAddress3, kAddress4, kAddress5, kAddress6, kPostCode, kCountry})
          if (!cell(row, part).empty()) detail::append_collapsed(address, cell(row, part));
        const std::size_t before = seen_facts_.size();
        attribute(kAddressKey, address);
        if (seen_facts_.size() > before) ++counts_[kAddressesCount];
        attribute(kCountryKey, collapsed(cell(row, kCountry), scratch));
      }
      if (fresh(kOtherInformation)) {
        const std::string_view notes = collapsed(cell(row, kOtherInformation), scratch);
        attribute(kNotesKey, notes);
        // Identifiers the list writes inside "Other Information", by its own labels.
        attribute(kUnReferenceKey, detail::find_un_reference(notes));
        attribute(kImoNumberKey, detail::find_imo_number(notes));
        attribute(kGbCompanyNumberKey, detail::find_gb_company_number(notes));
      }
    }
    if (updated) batch.add_attribute(entity, key(kModifiedAtKey), updated->to_string(), head);

    // One listing per regime: its earliest Listed On, its latest Last Updated.
    const detail::MeasureMapping mapping = detail::ofsi_conlist_mapping();
    regimes_.clear();
    for (std::uint32_t at : group.rows) {
      const std::string_view regime = collapsed(cell(rows_[at], kRegime), scratch);
      bool known = false;
      for (auto& [name, rows] : regimes_)
        if (name == regime) rows.push_back(at), known = true;
      if (!known) regimes_.push_back({std::string(regime), {at}});
    }
    for (const auto& [regime, rows] : regimes_) {
      std::optional<Date> listed, last;
      for (std::uint32_t at : rows) {
        const Row& row = rows_[at];
        if (row.listed && (!listed || *row.listed < *listed)) listed = row.listed;
        if (row.updated && (!last || *last < *row.updated)) last = row.updated;
      }
      const Row& row = rows_[rows.front()];
      const Source where{path_, group.group_id, static_cast<std::uint32_t>(row.line)};
      action_.assign(id).append(1, '#');
      if (regime.empty()) action_.append("no-regime");
      else action_.append(detail::slug(regime));
      batch.add_action({.id = action_, .target = id, .authority = kAuthority, .list = kList, .program = regime,
                        .legal_basis = regime, .measures = "asset freeze", .citation = kCitation, .listed = listed,
                        .in_force = {listed, std::nullopt}, .source = where, .measure_set = mapping.measures,
                        .issuer = mapping.issuer, .list_id = mapping.list});
      if (last) {
        // By ids: the action's (taken by add_action just now) and the key's (new to the pool only
        // at its first use, as when the key was named by its text).
        const StringId action_id = batch.string_id(action_);
        const StringId key_id = key(kLastUpdatedKey);
        batch.add_attribute(action_id, key_id, last->to_string(), where);
      }
      ++counts_[kActionsCount];
    }
  }

  const std::string& path_;
  LoadContext& context_;
  SourceFile file_;
  detail::BigString decoded_;  // the file made UTF-8, when it is Windows-1252
  std::array<int, kColumnCount> at_{};
  std::size_t width_ = 0;
  // Every cell of the file (a few MB): on huge pages, as the file's text is (one page fault per
  // 2 MiB instead of per 4 KiB, which was a tenth of this loader's time).
  std::vector<std::string_view, detail::LargeAllocator<std::string_view>> cells_;
  std::deque<std::string> owned_;  // unescaped fields ("" inside quotes)
  std::vector<Row> rows_;
  std::vector<Group> groups_;
  std::unordered_map<std::string, std::uint32_t> group_of_;
  // What the group being staged has given so far: each column's raw values, its facts, its names.
  std::array<std::vector<std::string_view>, kColumnCount> seen_cells_;
  std::vector<std::pair<Key, std::string>> seen_facts_;
  // Each attribute key's id in the batch, looked up at its first use (not up front: the pool
  // then holds its strings in the order it did when every fact looked its key up).
  std::array<StringId, kKeyCount> key_ids_;
  StringId key(Key name) {
    if (key_ids_[name] == kNoString) key_ids_[name] = context_.batch.string_id(kKeys[name]);
    return key_ids_[name];
  }
  std::vector<std::string> seen_names_;
  std::vector<std::pair<std::string, std::vector<std::uint32_t>>> regimes_;
  std::string action_;  // stage()'s action id (reused: one per regime of each group)
  // read_row()'s last Listed On and Last Updated texts (views of cells_, which stay valid) and
  // what they parsed to.
  struct LastDate {
    std::string_view text;
    std::optional<Date> date;
  };
  LastDate last_dates_[2];
  // The report's counts, added to it once at the end of the file: a map look-up by string per
  // row and per group was 3% of a load.
  enum Count : std::uint8_t {
    kRowsCount, kEntitiesCount, kIndividualsCount, kShipsCount, kLegalEntitiesCount, kAliasesCount,
    kAddressesCount, kActionsCount, kCountCount
  };
  static constexpr std::array<std::string_view, kCountCount> kCountNames = {
      "rows", "entities", "individuals", "ships", "legal entities", "aliases", "addresses", "actions"};
  std::array<std::uint64_t, kCountCount> counts_{};
  void add_counts() {
    for (std::size_t count = 0; count < kCountCount; ++count)
      if (counts_[count] != 0) context_.report.add(kCountNames[count], counts_[count]);
  }
};

}  // namespace

void load_ofsi_csv(const std::string& path, LoadContext& context) { OfsiLoader(path, context).run(); }

LoadReport load_ofsi_csv(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_ofsi_csv), path, builder, options);
}

bool looks_like_ofsi_csv(std::string_view head, std::string_view /*file_name*/) noexcept {
  // The header: "Name 6,Name 1,...,Group ID" on line 1 or 2 (after "Last Updated,<date>").
  const auto start = head.find("Name 6,");
  if (start == std::string_view::npos || start > 256) return false;
  const auto end = head.find('\n', start);
  const std::string_view header = head.substr(start, end == std::string_view::npos ? head.size() - start : end - start);
  return header.find("Group ID") != std::string_view::npos && header.find("Alias Type") != std::string_view::npos;
}

}  // namespace skg
