#include "skg/loaders/json_common.h"

#include "skg/loaders/source.h"

namespace skg::inline v1::detail {

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
