#include "skg/loaders/json_common.h"

#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "skg/loaders/source.h"

namespace skg::inline v1::detail {

bool valid_utf8(std::string_view text) noexcept {
  const auto* at = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = at + text.size();
  while (at < end) {
    // Runs of ASCII, sixteen bytes a step (then eight): most of a line. A step that finds a
    // byte past ASCII moves to it.
#if defined(__SSE2__)
    while (end - at >= 16) {
      const int high = _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)));
      if (high != 0) {
        at += __builtin_ctz(static_cast<unsigned>(high));
        break;
      }
      at += 16;
    }
#endif
    for (std::uint64_t word = 0; end - at >= 8; at += 8) {
      std::memcpy(&word, at, 8);
      if ((word & 0x8080808080808080ULL) != 0) break;
    }
    // Text past ASCII (Cyrillic, Greek, ...) mixes letters of two or three bytes with single
    // ASCII bytes (spaces, punctuation): read a byte at a time until 16 ASCII bytes in a row.
    for (int ascii = 0; at < end && ascii < 16;) {
      const unsigned char lead = *at;
      if (lead < 0x80) {
        ++at;
        ++ascii;
        continue;
      }
      ascii = 0;
      // The lead byte gives the number of continuation bytes and the range of the first one.
      std::ptrdiff_t tail = 0;
      unsigned char low = 0x80, high = 0xBF;
      if (lead >= 0xC2 && lead <= 0xDF) tail = 1;
      else if (lead == 0xE0) tail = 2, low = 0xA0;
      else if (lead == 0xED) tail = 2, high = 0x9F;  // no surrogates
      else if (lead >= 0xE1 && lead <= 0xEF) tail = 2;
      else if (lead == 0xF0) tail = 3, low = 0x90;
      else if (lead == 0xF4) tail = 3, high = 0x8F;  // nothing past U+10FFFF
      else if (lead >= 0xF1 && lead <= 0xF3) tail = 3;
      else return false;
      if (end - at <= tail || at[1] < low || at[1] > high) return false;
      for (std::ptrdiff_t next = 2; next <= tail; ++next)
        if (at[next] < 0x80 || at[next] > 0xBF) return false;
      at += tail + 1;
    }
  }
  return true;
}

std::optional<Date> parse_partial_date(std::string_view text, bool end, bool inclusive_end) noexcept {
  text = trim(text);
  auto digits = [&](std::size_t from, std::size_t count, int& out) {
    out = 0;
    for (std::size_t at = from; at < from + count; ++at) {
      if (text[at] < '0' || text[at] > '9') return false;
      out = out * 10 + (text[at] - '0');
    }
    return true;
  };
  int year = 0, month = 0;
  // A partial date's end is the day after its last day, counted in days: the year 9999 has an
  // end too (the first day of year 10000 is past what Date::from_ymd makes), and a text that is
  // no start ("0000") is no end either (both found by tests/fuzz/fuzz_parsers).
  if (text.size() == 4) {
    if (!digits(0, 4, year)) return std::nullopt;
    const auto first = Date::from_ymd(year, 1, 1);
    if (!first || !end) return first;
    return Date{Date::from_ymd(year, 12, 31)->days + 1};
  }
  if (text.size() == 7) {
    if (!digits(0, 4, year) || text[4] != '-' || !digits(5, 2, month) || month < 1 || month > 12)
      return std::nullopt;
    const auto first = Date::from_ymd(year, month, 1);
    if (!first || !end) return first;
    return month == 12 ? Date{Date::from_ymd(year, 12, 31)->days + 1} : Date::from_ymd(year, month + 1, 1);
  }
  if (text.size() < 10) return std::nullopt;
  const auto day = Date::parse(text);
  if (!day) return std::nullopt;
  return end && inclusive_end ? Date{day->days + 1} : *day;
}

}  // namespace skg::detail
