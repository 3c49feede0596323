#include "skg/loaders/list_common.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

/// The line of each offset, counted the plain way: one plus the newlines before it.
std::vector<std::uint32_t> lines_by_counting(std::string_view text) {
  std::vector<std::uint32_t> lines;
  std::uint32_t line = 1;
  for (const char c : text) {
    lines.push_back(line);
    if (c == '\n') ++line;
  }
  lines.push_back(line);  // the offset one past the end
  return lines;
}

void check_against_counting(std::string_view text) {
  const skg::detail::LineIndex index(text);
  const auto expected = lines_by_counting(text);
  for (std::size_t offset = 0; offset <= text.size(); ++offset)
    REQUIRE_MESSAGE(index.line_at(offset) == expected[offset], "offset ", offset, " of a text of ", text.size());
  // line_end: each line's '\n', and npos past the last one.
  std::uint64_t line = 1;
  for (std::size_t offset = 0; offset < text.size(); ++offset)
    if (text[offset] == '\n') CHECK(index.line_end(line++) == offset);
  CHECK(index.line_end(line) == std::string_view::npos);
  CHECK(index.line_end(0) == std::string_view::npos);
}

}  // namespace

TEST_CASE("list_common: LineIndex gives each offset's line as counting newlines does") {
  SUBCASE("no text, no newline, only newlines") {
    check_against_counting("");
    check_against_counting("no newline at all, longer than sixteen bytes");
    check_against_counting(std::string(40, '\n'));
  }
  SUBCASE("a newline at every place of a 64-byte step and in the tail") {
    for (std::size_t size = 1; size <= 140; ++size)
      for (std::size_t at = 0; at < size; ++at) {
        std::string text(size, 'x');
        text[at] = '\n';
        check_against_counting(text);
      }
  }
  SUBCASE("random texts, and views that start off a 64-byte boundary") {
    std::mt19937 random(12);
    for (int round = 0; round < 2000; ++round) {
      std::string text(random() % 200, 'a');
      for (char& c : text) c = random() % 4 == 0 ? '\n' : static_cast<char>('a' + random() % 3);
      const std::size_t skip = text.empty() ? 0 : random() % std::min<std::size_t>(text.size(), 65);
      check_against_counting(std::string_view(text).substr(skip));
    }
  }
}
