// loaders/screen_input.h: the rows of a counterparty file to screen: CSV with named columns, or
// FollowTheMoney JSON lines (one entity per line, as OpenSanctions and yente's /match take them).
//
// CSV: the first record is the header; column names are matched without regard to case, spaces
// or underscores: name (required: "name", "full name"), dob ("dob", "birth date",
// "date of birth", "birthdate"), country ("country", "nationality", "countries"), schema
// ("schema", "kind", "type"), id ("id", "identifier", "passport", "registration number"),
// gender, and the caller's reference ("ref", "reference", "customer id"). Other columns are read
// and ignored. Separator ',' (';' or a tab when the header holds no comma).
// FtM: {"id": ref, "schema": S, "properties": {"name": [..], "birthDate": [..], "country" /
// "nationality" / "citizenship" / "jurisdiction": [..], "gender": [..], and the first of
// passportNumber, idNumber, imoNumber, mmsi, swiftBic, leiCode, taxNumber, innCode,
// registrationNumber, ogrnCode: [..]}}.
//
// A row that cannot be read (a broken quote, wrong JSON, no name and no id) is still a row: it
// comes back with `error` set and the reader goes on at the next line, so a caller can answer
// every input row.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "skg/loaders/source.h"
#include "skg/queries/screen_query.h"

namespace skg::inline v1 {

struct ScreenInputRow {
  std::uint64_t line = 0;  // the line the row starts on
  std::string ref;         // the caller's reference ("" when the file has none)
  std::string name;
  std::string birth_date;  // as written
  std::string country;     // one or several, separated by ',' or ';'
  std::string schema;
  std::string id;
  std::string gender;
  std::string error;  // why the row cannot be screened; "" when it can
};

/// The screening question a row asks: `base` (date, defaults) with the row's name, id and
/// evidence (birth date, gender, countries, kind). Throws Error when the row's schema is no kind
/// of party or its evidence cannot be read (the batch screen, watch and POST /batch share it).
ScreenQuery screen_query_of(const ScreenInputRow& row, ScreenQuery base = {});

class ScreenInputReader {
 public:
  /// Opens `path`. Throws LoadError when it cannot be read, is empty, or a CSV header has no
  /// name or id column.
  explicit ScreenInputReader(const std::string& path);
  /// The same from bytes in memory (an upload to `skg serve`), named `name` in the messages.
  ScreenInputReader(std::string name, std::string_view bytes);
  ~ScreenInputReader();
  ScreenInputReader(const ScreenInputReader&) = delete;
  ScreenInputReader& operator=(const ScreenInputReader&) = delete;

  /// The next row (blank lines are skipped); false at the end of the file.
  bool next(ScreenInputRow& row);
  std::string_view format() const noexcept;  // "csv" or "ftm"
  std::size_t offset() const noexcept;       // bytes read, for a progress bar
  std::size_t size() const noexcept;         // bytes in the file

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skg
