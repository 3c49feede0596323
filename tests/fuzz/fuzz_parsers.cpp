// tests/fuzz/fuzz_parsers.cpp: the date and percent parsers every loader uses, with the
// properties a user relies on: a parsed ISO date prints back as a date that parses to itself; a
// partial date's start is never after its end; a share lies within 0..100 with min <= max.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "skg/graph/graph.h"
#include "skg/loaders/ftm_json.h"
#include "skg/loaders/json_common.h"
#include "skg/loaders/list_common.h"

namespace {
void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_parsers: %s\n", what);
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto date = skg::Date::parse(text)) {
    const auto again = skg::Date::parse(date->to_string());
    require(again && *again == *date, "Date::parse(to_string()) differs");
  }
  for (const bool inclusive : {false, true}) {
    const auto start = skg::detail::parse_partial_date(text, false, inclusive);
    const auto end = skg::detail::parse_partial_date(text, true, inclusive);
    require(start.has_value() == end.has_value(), "a partial date parses as a start but not an end");
    if (start) require(*start <= *end, "a partial date ends before it starts");
  }
  (void)skg::detail::parse_ftm_date(text, false);
  (void)skg::detail::parse_us_date(text);
  (void)skg::detail::parse_month_name_date(text);
  if (const auto share = skg::detail::parse_ftm_percentage(text); share && share->known()) {
    require(*share->min() >= 0 && *share->max() <= 100, "a share outside 0..100");
    require(*share->min() <= *share->max(), "a share range with min > max");
  }
  (void)skg::detail::slug(text);
  (void)skg::detail::collapse_spaces(text);
  (void)skg::normalise_name(text);
  return 0;
}
