// loaders/uk_common.h: what the two UK list loaders share (internal to loaders/): UK day/month/year
// dates, partial birth dates, Windows-1252, and the identifiers the lists write inside free text.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "skg/graph/model.h"
#include "skg/graph/strings.h"

namespace skg::inline v1::detail {

/// "29/06/2012" (UK day/month/year, four-digit year) -> the date; nullopt otherwise.
std::optional<Date> parse_uk_date(std::string_view text) noexcept;

/// A date of birth as the UK lists write it, made ISO and kept exactly as partial as given:
/// "12/05/1958" -> "1958-05-12"; "00/09/1977" -> "1977-09"; "00/00/1980", "dd/mm/1945" and
/// "1946" -> the year alone. nullopt when the text is none of these or names no real day
/// ("29/02/1969"): the caller keeps it as written and says so.
std::optional<std::string> uk_birth_date(std::string_view text);

/// Windows-1252 text made UTF-8 (every byte of 0x80-0x9F as the code page maps it). Returns the
/// offset of the first byte the code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), or
/// npos when the whole text decoded. `out` is a whole file's text: on huge pages (LargeAllocator),
/// its first writes take a few page faults instead of one per 4 KiB.
using BigString = std::basic_string<char, std::char_traits<char>, LargeAllocator<char>>;
std::size_t windows1252_to_utf8(std::string_view text, BigString& out);

/// Identifiers the UK lists write inside free text ("Other Information", business registration
/// numbers), found by the lists' own labels (loaders/uk_common.cpp holds the label table):
/// "UN Ref QDi.196." -> "QDi.196"; "IMO Number: 5342883" -> "5342883"; "UK Company Number
/// 02772297" -> "02772297". Empty when the text holds none; the first one when several.
std::string find_un_reference(std::string_view text);
std::string find_imo_number(std::string_view text);
std::string find_gb_company_number(std::string_view text);

}  // namespace skg::detail
