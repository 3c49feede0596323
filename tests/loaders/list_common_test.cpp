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

TEST_CASE("list_common: slug lowers ASCII letters, keeps digits and UTF-8, and joins the rest into one '-'") {
  CHECK(skg::detail::slug("AO Kaspersky Lab") == "ao-kaspersky-lab");
  CHECK(skg::detail::slug("  ComNet (USA) LLC.  ") == "comnet-usa-llc");
  CHECK(skg::detail::slug("Kaspersky Lab, Inc.") == "kaspersky-lab-inc");
  CHECK(skg::detail::slug("Zürich 2 AG") == "z\xC3\xBCrich-2-ag");
  CHECK(skg::detail::slug("--- ,;") == "");
  CHECK(skg::detail::slug("") == "");
  CHECK(skg::detail::slug(std::string_view("a\0b", 3)) == "a-b");
}

namespace {
/// The slug rule spelled out a byte at a time: ASCII letters lowered, digits and bytes from 0x80
/// kept, every other run between kept bytes one '-', none at either end.
std::string slug_by_rule(std::string_view text) {
  std::string out;
  bool dash = false;
  for (const char c : text) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter && !(c >= '0' && c <= '9') && static_cast<unsigned char>(c) < 0x80) {
      dash = true;
      continue;
    }
    if (dash && !out.empty()) out += '-';
    dash = false;
    out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}
}  // namespace

TEST_CASE("list_common: slug and append_slug follow the rule on random texts") {
  std::mt19937 random(12);
  const std::string_view alphabet = "aZ09 -,.()\xC3\xA9\t";
  for (int round = 0; round < 500; ++round) {
    std::string text;
    for (int at = static_cast<int>(random() % 24); at > 0; --at) text += alphabet[random() % alphabet.size()];
    std::string id = "fcc:";
    skg::detail::append_slug(id, text);
    CHECK_MESSAGE(id == "fcc:" + slug_by_rule(text), "text '", text, "'");
    CHECK_MESSAGE(skg::detail::slug(text) == slug_by_rule(text), "text '", text, "'");
  }
  std::string empty;
  skg::detail::append_slug(empty, " (x) ");
  CHECK(empty == "x");  // no '-' first, even with nothing before it
}
