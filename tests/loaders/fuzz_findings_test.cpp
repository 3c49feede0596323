// What the libFuzzer targets of tests/fuzz found, each kept as a regression test; the inputs are
// in datasets/broken/ (listed in datasets/broken/FUZZ.md).
#include <doctest/doctest.h>

#include "loader_test_util.h"
#include "skg/loaders/ftm_json.h"
#include "skg/loaders/gleif.h"
#include "skg/loaders/json_common.h"

using skg::testing::broken;

// fuzz_parsers, input "9999": a year parsed as a start but not as an end (its end, 10000-01-01,
// was made with Date::from_ymd, which stops at 9999), so an FtM or BODS end date "9999" or
// "9999-12" (common "open end" placeholders) was rejected as not a date; "0000" was the reverse.
TEST_CASE("ftm_json: an ownership ending in the year 9999 loads, ending after 9999-12-31") {
  const auto last_day = skg::Date::from_ymd(9999, 12, 31);
  REQUIRE(last_day.has_value());
  const skg::Date after{last_day->days + 1};
  CHECK(skg::detail::parse_partial_date("9999", true, true) == after);
  CHECK(skg::detail::parse_partial_date("9999-12", true, true) == after);
  CHECK(skg::detail::parse_partial_date("9999-11", true, true) == skg::Date::from_ymd(9999, 12, 1));
  CHECK_FALSE(skg::detail::parse_partial_date("0000", false, true).has_value());
  CHECK_FALSE(skg::detail::parse_partial_date("0000", true, true).has_value());
  CHECK_FALSE(skg::detail::parse_partial_date("0000-12", true, true).has_value());

  skg::Builder builder;
  skg::load_with(skg::load_ftm_json, broken("ftm_dates_at_the_range_ends.json"), builder);
  const skg::Graph graph = std::move(builder).freeze();
  for (const char* id : {"range-own-9999", "range-own-9999-12"}) {
    INFO(id);
    const auto edge = skg::testing::edge_with_id(graph, id);
    REQUIRE(edge.has_value());
    CHECK(graph.edge_valid(*edge).end == after);
  }
}

// fuzz_gleif_json under ASan: a truncated JSON file ended by 0x1A. SourceFile::content() drops
// the 0x1A, so the loader parsed a copy of the rest, and that copy lacked the padding RapidJSON's
// SSE2 whitespace skip reads (up to 15 bytes past the NUL). The answer is a clean LoadError.
TEST_CASE("gleif: a truncated JSON file ended by a DOS end-of-file byte is refused with its line") {
  skg::Builder builder;
  CHECK_THROWS_WITH_AS(skg::load_with(skg::load_gleif, broken("gleif_truncated_before_eof_marker.json"), builder),
                       doctest::Contains("gleif_truncated_before_eof_marker.json:2: invalid JSON"), skg::LoadError);
}
