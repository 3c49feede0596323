#include "skg/loaders/screen_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "json_common.h"
#include "skg/loaders/load_error.h"
#include "skg/queries/screen_evidence.h"

namespace skg::inline v1 {

namespace {

enum class InputColumn : std::uint8_t { Ignored, Ref, Name, BirthDate, Country, Schema, Id, Gender };

/// A header cell folded for matching: lower case, spaces, underscores, dashes and dots dropped.
std::string fold_header(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

InputColumn column_of(std::string_view header) {
  const std::string key = fold_header(header);
  static constexpr std::pair<std::string_view, InputColumn> kNames[] = {
      {"ref", InputColumn::Ref},           {"reference", InputColumn::Ref},
      {"customerid", InputColumn::Ref},    {"clientid", InputColumn::Ref},
      {"name", InputColumn::Name},         {"fullname", InputColumn::Name},
      {"dob", InputColumn::BirthDate},     {"birthdate", InputColumn::BirthDate},
      {"dateofbirth", InputColumn::BirthDate},
      {"country", InputColumn::Country},   {"countries", InputColumn::Country},
      {"nationality", InputColumn::Country},
      {"schema", InputColumn::Schema},     {"kind", InputColumn::Schema},
      {"type", InputColumn::Schema},       {"id", InputColumn::Id},
      {"identifier", InputColumn::Id},     {"passport", InputColumn::Id},
      {"registrationnumber", InputColumn::Id},
      {"gender", InputColumn::Gender},     {"sex", InputColumn::Gender},
  };
  for (auto [name, column] : kNames)
    if (name == key) return column;
  return InputColumn::Ignored;
}

// FtM properties read from a JSON line (followthemoney schema names).
constexpr std::string_view kFtmCountries[] = {"country", "nationality", "citizenship", "jurisdiction"};
constexpr std::string_view kFtmIds[] = {"passportNumber", "idNumber",  "imoNumber", "mmsi",
                                        "swiftBic",       "leiCode",   "taxNumber", "innCode",
                                        "registrationNumber", "ogrnCode"};

}  // namespace

struct ScreenInputReader::Impl {
  SourceFile file;
  std::string_view text;
  bool ftm = false;
  // CSV.
  char separator = ',';
  std::vector<InputColumn> columns;
  std::size_t width = 0;
  std::optional<CsvReader> csv;
  std::size_t base_offset = 0;   // where `csv` starts in `text`
  std::uint64_t base_line = 0;   // lines before it
  std::vector<std::string_view> fields;
  // FtM.
  std::optional<LineReader> lines;

  explicit Impl(const std::string& path) : file(path), text(file.content()) {}
  Impl(std::string name, std::string_view bytes) : file(std::move(name), bytes), text(file.content()) {}

  /// Reads the header (CSV) or sees JSON lines; throws LoadError when nothing can be screened.
  void open();

  void start_csv_at(std::size_t offset, std::uint64_t lines_before) {
    base_offset = offset;
    base_line = lines_before;
    csv.emplace(text.substr(offset), file.path(), separator);
  }

  /// After a broken record that started on `line` at byte `offset`: go on at the next line.
  void resume_after(std::size_t offset, std::uint64_t line) {
    const auto newline = text.find('\n', offset);
    start_csv_at(newline == std::string_view::npos ? text.size() : newline + 1, line);
  }

  bool next_csv(ScreenInputRow& row) {
    while (true) {
      const std::size_t before = base_offset + csv->offset();
      if (before >= text.size()) return false;
      row = ScreenInputRow{};
      try {
        if (!csv->next(fields)) return false;
      } catch (const LoadError& error) {
        row.line = base_line + error.line();
        row.error = fmt::format("{}:{}: {}", file.path(), row.line, error.reason());
        resume_after(before, row.line);
        return true;
      }
      row.line = base_line + csv->line_number();
      if (fields.size() == 1 && trim(fields[0]).empty()) continue;  // a blank line
      if (fields.size() != width) {
        row.error = fmt::format("{}:{}: {} fields where the header has {}", file.path(), row.line,
                                fields.size(), width);
        return true;
      }
      for (std::size_t at = 0; at < width; ++at) {
        const std::string value(trim(fields[at]));
        switch (columns[at]) {
          case InputColumn::Ref: row.ref = value; break;
          case InputColumn::Name: row.name = value; break;
          case InputColumn::BirthDate: row.birth_date = value; break;
          case InputColumn::Country: row.country = value; break;
          case InputColumn::Schema: row.schema = value; break;
          case InputColumn::Id: row.id = value; break;
          case InputColumn::Gender: row.gender = value; break;
          case InputColumn::Ignored: break;
        }
      }
      if (row.name.empty() && row.id.empty())
        row.error = fmt::format("{}:{}: no name and no id to screen", file.path(), row.line);
      return true;
    }
  }

  bool next_ftm(ScreenInputRow& row) {
    std::string_view line;
    while (lines->next(line)) {
      if (trim(line).empty()) continue;
      row = ScreenInputRow{};
      row.line = lines->line_number();
      rapidjson::Document doc;
      doc.Parse(line.data(), line.size());
      if (doc.HasParseError() || !doc.IsObject()) {
        row.error = fmt::format("{}:{}: not a JSON object", file.path(), row.line);
        return true;
      }
      row.ref = std::string(detail::string_member(doc, "id"));
      row.schema = std::string(detail::string_member(doc, "schema"));
      const rapidjson::Value* properties = detail::member(doc, "properties");
      if (properties == nullptr || !properties->IsObject()) {
        row.error = fmt::format("{}:{}: no 'properties' object", file.path(), row.line);
        return true;
      }
      auto first = [&](std::string_view key) -> std::string {
        const rapidjson::Value* values = detail::member(*properties, key);
        if (values == nullptr || !values->IsArray()) return {};
        for (const auto& value : values->GetArray())
          if (value.IsString() && value.GetStringLength() > 0) return std::string(detail::view(value));
        return {};
      };
      row.name = first("name");
      row.birth_date = first("birthDate");
      row.gender = first("gender");
      for (std::string_view key : kFtmCountries) {
        const rapidjson::Value* values = detail::member(*properties, key);
        if (values == nullptr || !values->IsArray()) continue;
        for (const auto& value : values->GetArray())
          if (value.IsString() && value.GetStringLength() > 0) {
            if (!row.country.empty()) row.country += ',';
            row.country += detail::view(value);
          }
      }
      for (std::string_view key : kFtmIds) {
        row.id = first(key);
        if (!row.id.empty()) break;
      }
      if (row.name.empty() && row.id.empty())
        row.error = fmt::format("{}:{}: no name and no identifier to screen", file.path(), row.line);
      return true;
    }
    return false;
  }
};

ScreenInputReader::ScreenInputReader(const std::string& path) : impl_(std::make_unique<Impl>(path)) {
  impl_->open();
}

ScreenInputReader::ScreenInputReader(std::string name, std::string_view bytes)
    : impl_(std::make_unique<Impl>(std::move(name), bytes)) {
  impl_->open();
}

void ScreenInputReader::Impl::open() {
  Impl& d = *this;
  const std::string& path = file.path();
  if (const auto bad = find_invalid_utf8(d.text); bad != std::string_view::npos)
    throw LoadError(path, line_of(d.text, bad), "invalid UTF-8: the file must be UTF-8 text");
  const auto first = d.text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) throw LoadError(path, 0, "the file is empty");
  if (d.text[first] == '{') {
    d.ftm = true;
    d.lines.emplace(d.text);
    return;
  }
  // The header: its separator, then its columns.
  const std::string_view header_line = d.text.substr(0, d.text.find('\n'));
  if (header_line.find(',') == std::string_view::npos) {
    if (header_line.find(';') != std::string_view::npos) d.separator = ';';
    else if (header_line.find('\t') != std::string_view::npos) d.separator = '\t';
  }
  d.start_csv_at(0, 0);
  std::vector<std::string_view> header;
  if (!d.csv->next(header)) throw LoadError(path, 1, "the file has no header");
  d.width = header.size();
  bool has_name = false, has_id = false;
  for (std::string_view cell : header) {
    d.columns.push_back(column_of(trim(cell)));
    has_name = has_name || d.columns.back() == InputColumn::Name;
    has_id = has_id || d.columns.back() == InputColumn::Id;
  }
  if (!has_name && !has_id)
    throw LoadError(path, 1,
                    "the header names no 'name' (or 'id') column: write e.g. ref,name,dob,country");
}

ScreenInputReader::~ScreenInputReader() = default;

bool ScreenInputReader::next(ScreenInputRow& row) {
  return impl_->ftm ? impl_->next_ftm(row) : impl_->next_csv(row);
}

std::string_view ScreenInputReader::format() const noexcept { return impl_->ftm ? "ftm" : "csv"; }

std::size_t ScreenInputReader::offset() const noexcept {
  const Impl& d = *impl_;
  return d.ftm ? d.lines->offset() : d.base_offset + d.csv->offset();
}

std::size_t ScreenInputReader::size() const noexcept { return impl_->text.size(); }

ScreenQuery screen_query_of(const ScreenInputRow& row, ScreenQuery base) {
  base.name = row.name;
  base.id = row.id;
  base.evidence.birth_date = row.birth_date;
  base.evidence.gender = row.gender;
  base.evidence.countries = split_countries(row.country);
  if (!row.schema.empty()) {
    const auto kind = parse_node_kind(row.schema);
    if (!kind || *kind == NodeKind::Action || *kind == NodeKind::Authority)
      throw Error(fmt::format("schema '{}' is not a kind of party", row.schema));
    base.evidence.kind = kind;
  }
  if (const auto problem = evidence_error(base.evidence)) throw Error(*problem);
  return base;
}

}  // namespace skg
