// loaders/list_common.h: small text helpers shared by the official-list loaders (CSL, BIS, UN, FCC).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/model.h"
#include "skg/loaders/load_context.h"
#include "skg/loaders/source.h"

namespace skg::inline v1::detail {

/// "AO Kaspersky Lab" -> "ao-kaspersky-lab": ASCII letters lowered, digits kept, other ASCII
/// runs become one '-', UTF-8 bytes kept as they are (ids stay readable and stable).
std::string slug(std::string_view text);
/// slug(text) appended to `out` (no string of its own: a loader building "fcc:" + slug per row
/// paid a malloc and a byte-at-a-time append for each).
///   id.assign("fcc:"); append_slug(id, name);
void append_slug(std::string& out, std::string_view text);

/// "08/24/2022" or "6/9/2003" (US month/day/year, four-digit year) -> the date; nullopt otherwise.
std::optional<Date> parse_us_date(std::string_view text) noexcept;

/// "March 25, 2022" (English month name, day, four-digit year) -> the date; nullopt otherwise.
std::optional<Date> parse_month_name_date(std::string_view text) noexcept;

/// `text` trimmed, with every run of spaces, tabs and line breaks made one space.
std::string collapse_spaces(std::string_view text);

/// Calls `each(part)` for every trimmed, non-empty part of `text` split on `separator`.
template <class Fn>
void for_each_part(std::string_view text, char separator, Fn&& each) {
  while (!text.empty()) {
    const auto at = text.find(separator);
    const std::string_view part = at == std::string_view::npos ? text : text.substr(0, at);
    const auto first = part.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos) {
      const auto last = part.find_last_not_of(" \t\r\n");
      each(part.substr(first, last - first + 1));
    }
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
}

/// Reads the next record into `fields`; false at the end of the text. A record the reader cannot
/// read (a broken quote) is reported to `context` as a bad record, and reading stops there: after
/// it the reader cannot find where the next record begins, so the rest of the file is lost.
bool next_record_or_stop(CsvReader& reader, std::vector<std::string_view>& fields, LoadContext& context);

/// The 1-based line of any byte offset of a text, in any order: where each line ends, found once.
/// Build it before an in-place parse writes into the text (pugixml ends names with a NUL there).
class LineIndex {
 public:
  LineIndex() = default;
  explicit LineIndex(std::string_view text);
  std::uint32_t line_at(std::size_t offset) const noexcept;
  /// Where 1-based line `line` ends: the offset of its '\n', or npos for the last line when no
  /// '\n' ends it (the text's size is then its end).
  std::size_t line_end(std::uint64_t line) const noexcept {
    return line >= 1 && line <= ends_.size() ? ends_[line - 1] : std::string_view::npos;
  }

 private:
  std::vector<std::size_t> ends_;  // the offset of each '\n'
};

/// Appends `part` to `out` with ", " between non-empty parts (addresses, places).
void append_part(std::string& out, std::string_view part, std::string_view separator = ", ");

}  // namespace skg::detail
