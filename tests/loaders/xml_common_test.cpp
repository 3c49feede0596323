#include "skg/loaders/xml_common.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

#include "skg/loaders/list_common.h"

namespace {

/// A random text of the bytes that matter to these helpers: blanks of each kind, '<', '"', letters.
std::string random_text(std::mt19937& random, std::size_t max_size) {
  static constexpr char kBytes[] = {' ', ' ', ' ', '\t', '\n', '\r', '<', '"', 'a', 'b', 's', 'S', 'x'};
  std::string text(random() % (max_size + 1), ' ');
  for (char& c : text) c = kBytes[random() % sizeof kBytes];
  return text;
}

}  // namespace

TEST_CASE("xml_common: find_bytes finds what string_view::find finds, at every offset and size") {
  std::mt19937 random(5);
  for (int round = 0; round < 100000; ++round) {
    const std::string text = random_text(random, 80);
    std::string needle = random_text(random, 6);
    // Half the needles taken from the text, so that most are found, some more than once.
    if (round % 2 == 0 && !text.empty()) {
      const std::size_t from = random() % text.size();
      needle = text.substr(from, random() % 8);
    }
    const std::string_view haystack(text);
    if (skg::detail::find_bytes(haystack, needle) != haystack.find(needle)) {
      CAPTURE(text);
      CAPTURE(needle);
      FAIL("find_bytes and string_view::find disagree");
    }
    CHECK(skg::detail::contains(haystack, needle) == (haystack.find(needle) != std::string_view::npos));
  }
}

TEST_CASE("xml_common: find_bytes reads nothing past the view it is given") {
  // The view ends one byte before the needle would be complete in the memory after it.
  for (const std::string_view needle : {std::string_view("ab"), std::string_view("<sdnList"), std::string_view("\"self\":\"")}) {
    for (std::size_t before = 0; before < 64; ++before) {
      const std::string memory = std::string(before, 'x') + std::string(needle);
      const std::string_view view(memory.data(), memory.size() - 1);
      CHECK(skg::detail::find_bytes(view, needle) == std::string_view::npos);
      CHECK(skg::detail::find_bytes(memory, needle) == before);
    }
  }
}

TEST_CASE("xml_common: append_collapsed and collapsed put a text together as collapse_spaces and append_part do") {
  std::mt19937 random(9);
  std::string scratch;
  for (int round = 0; round < 100000; ++round) {
    const std::string before = round % 3 == 0 ? std::string() : random_text(random, 5) + "b";
    // Short texts, mostly with something to collapse; long ones (past the 16-byte steps) mostly plain.
    std::string part = random_text(random, 40);
    if (round % 2 == 1) {
      part.assign(random() % 90, 'w');
      for (int blank = static_cast<int>(random() % 3); blank > 0 && !part.empty(); --blank)
        part[random() % part.size()] = " \t \n\r"[random() % 5];
      if (!part.empty() && random() % 4 == 0) part[random() % part.size()] = ' ';
    }
    std::string expected = before, got = before;
    skg::detail::append_part(expected, skg::detail::collapse_spaces(part), " / ");
    skg::detail::append_collapsed(got, part, " / ");
    if (got != expected || skg::detail::collapsed(part, scratch) != skg::detail::collapse_spaces(part)) {
      CAPTURE(part);
      FAIL("append_collapsed or collapsed differ from collapse_spaces");
    }
  }
}
