#include "skg/loaders/list_common.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "skg/loaders/source.h"

namespace skg::inline v1::detail {

// Pretty-printed JSON and XML have a line every 20-40 bytes, where one memchr call per line cost
// more than the scan itself (5% of a BODS load): the newlines are found 64 bytes a step, a bit
// per byte, and each set bit is one line's end.
LineIndex::LineIndex(std::string_view text) {
  const char* const begin = text.data();
  const std::size_t size = text.size();
#if defined(__SSE2__)
  const std::size_t blocks = size / 64 * 64;
  const __m128i newline = _mm_set1_epi8('\n');
  auto mask16 = [&](std::size_t at) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(begin + at));
    return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline))));
  };
  ends_.reserve(size / 32);  // a guess, lines of 32 bytes: it grows past it as a vector does
  for (std::size_t at = 0; at < blocks; at += 64)
    for (std::uint64_t mask = mask16(at) | mask16(at + 16) << 16 | mask16(at + 32) << 32 | mask16(at + 48) << 48;
         mask != 0; mask &= mask - 1)
      ends_.push_back(at + static_cast<std::size_t>(std::countr_zero(mask)));
  for (std::size_t at = blocks; at < size; ++at)
    if (begin[at] == '\n') ends_.push_back(at);
#else
  for (const char *at = begin, *end = begin + size;
       (at = static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)))) != nullptr; ++at)
    ends_.push_back(static_cast<std::size_t>(at - begin));
#endif
}

std::uint32_t LineIndex::line_at(std::size_t offset) const noexcept {
  return static_cast<std::uint32_t>(std::lower_bound(ends_.begin(), ends_.end(), offset) - ends_.begin()) + 1;
}

namespace {
// What each byte becomes in a slug: ASCII letters lowered, digits and UTF-8 bytes (0x80 and up)
// kept, 0 for the rest (separators, which become one '-' between kept runs).
constexpr std::array<char, 256> kSlugBytes = [] {
  std::array<char, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    if ((byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') || byte >= 0x80)
      table[static_cast<std::size_t>(byte)] = static_cast<char>(byte);
    else if (byte >= 'A' && byte <= 'Z')
      table[static_cast<std::size_t>(byte)] = static_cast<char>(byte - 'A' + 'a');
  }
  return table;
}();
}  // namespace

void append_slug(std::string& out, std::string_view text) {
  const std::size_t start = out.size();
  // A slug is never longer than its text: each '-' stands for at least one byte that is dropped.
  out.resize(start + text.size());
  char* const first = out.data() + start;
  char* into = first;
  bool dash = false;
  for (const char c : text) {
    const char kept = kSlugBytes[static_cast<unsigned char>(c)];
    if (kept == 0) {
      dash = true;
      continue;
    }
    if (dash && into != first) *into++ = '-';
    dash = false;
    *into++ = kept;
  }
  out.resize(static_cast<std::size_t>(into - out.data()));
}

std::string slug(std::string_view text) {
  std::string out;
  append_slug(out, text);
  return out;
}

namespace {
// Reads 1 to `max_digits` digits at `at`, advancing it; false if there is none.
bool read_number(std::string_view text, std::size_t& at, int max_digits, int& out) {
  out = 0;
  int digits = 0;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9' && digits < max_digits) {
    out = out * 10 + (text[at] - '0');
    ++at;
    ++digits;
  }
  return digits > 0 && !(at < text.size() && text[at] >= '0' && text[at] <= '9');
}
}  // namespace

std::optional<Date> parse_us_date(std::string_view text) noexcept {
  text = trim(text);
  std::size_t at = 0;
  int month, day, year;
  if (!read_number(text, at, 2, month) || at >= text.size() || text[at++] != '/') return std::nullopt;
  if (!read_number(text, at, 2, day) || at >= text.size() || text[at++] != '/') return std::nullopt;
  const std::size_t year_at = at;
  if (!read_number(text, at, 4, year) || at - year_at != 4 || at != text.size()) return std::nullopt;
  return Date::from_ymd(year, month, day);
}

std::optional<Date> parse_month_name_date(std::string_view text) noexcept {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  text = trim(text);
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  int month = 0;
  for (std::size_t at = 0; at < kMonths.size(); ++at)
    if (kMonths[at] == text.substr(0, space)) month = static_cast<int>(at) + 1;
  if (month == 0) return std::nullopt;
  std::size_t at = space + 1;
  int day, year;
  if (!read_number(text, at, 2, day) || at + 1 >= text.size() || text[at] != ',' || text[at + 1] != ' ')
    return std::nullopt;
  at += 2;
  const std::size_t year_at = at;
  if (!read_number(text, at, 4, year) || at - year_at != 4 || at != text.size()) return std::nullopt;
  return Date::from_ymd(year, month, day);
}

std::string collapse_spaces(std::string_view text) {
  text = trim(text);
  // Most texts have nothing to collapse (no tab, line break or two spaces in a row): one copy.
  bool plain = true;
  for (std::size_t at = 0; at < text.size() && plain; ++at) {
    const char c = text[at];
    plain = c == ' ' ? text[at + 1] != ' ' : (c != '\t' && c != '\n' && c != '\r');
  }
  if (plain) return std::string(text);
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

void append_part(std::string& out, std::string_view part, std::string_view separator) {
  part = trim(part);
  if (part.empty()) return;
  if (!out.empty()) out += separator;
  out += part;
}

bool next_record_or_stop(CsvReader& reader, std::vector<std::string_view>& fields, LoadContext& context) {
  try {
    return reader.next(fields);
  } catch (const LoadError& error) {
    context.bad_record(LoadError(error.file(), error.line(),
                                 error.reason() + "; the rest of the file was not read"));
    return false;
  }
}

}  // namespace skg::detail
