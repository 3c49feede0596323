#include "skg/loaders/utf8.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

#include "skg/loaders/source.h"

namespace {

/// The reference: find_invalid_utf8, one character at a time (loaders/source.cpp).
bool reference(const std::string& text) { return skg::find_invalid_utf8(text) == std::string_view::npos; }

}  // namespace

TEST_CASE("utf8: valid_utf8 accepts exactly the texts find_invalid_utf8 accepts, at every offset of a step") {
  // Every sequence of one and two bytes, at each of the 16 places of a step and across the
  // boundary of two steps, after ASCII and after a two-byte character.
  int checked = 0, refused = 0;
  for (int first = 0; first < 256; ++first) {
    for (int second = -1; second < 256; ++second) {
      std::string bytes(1, static_cast<char>(first));
      if (second >= 0) bytes += static_cast<char>(second);
      for (std::size_t before = 0; before < 34; ++before) {
        for (const std::string& lead : {std::string(before, 'a'), std::string(before & ~std::size_t{1}, 'a') + "\xD0\x96"}) {
          for (const std::size_t after : {std::size_t{0}, std::size_t{1}, std::size_t{40}}) {
            const std::string text = lead + bytes + std::string(after, 'z');
            const bool accepted = reference(text);
            if (skg::detail::valid_utf8(text) != accepted) {
              CAPTURE(text);
              FAIL("valid_utf8 and find_invalid_utf8 disagree");
            }
            ++checked;
            refused += accepted ? 0 : 1;
          }
        }
      }
    }
  }
  CHECK(checked > 1000000);
  CHECK(refused > 500000);
}

TEST_CASE("utf8: every three-byte sequence from a lead byte, and the edges of four, agree with the reference") {
  const int edges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xF0, 0xFF};
  std::size_t checked = 0;
  for (int first = 0x80; first < 256; ++first)
    for (int second = 0; second < 256; ++second)
      for (int third = 0; third < 256; ++third) {
        const char bytes[3] = {static_cast<char>(first), static_cast<char>(second), static_cast<char>(third)};
        // Ending the text, and at the end of a 16-byte step with more text after it.
        const std::string alone(bytes, 3), inside = std::string(13, 'a') + alone + "bc";
        if (skg::detail::valid_utf8(alone) != reference(alone) || skg::detail::valid_utf8(inside) != reference(inside)) {
          CAPTURE(inside);
          FAIL("valid_utf8 and find_invalid_utf8 disagree");
        }
        if (first >= 0xF0)
          for (const int fourth : edges) {
            const std::string four = std::string(14, 'a') + alone + static_cast<char>(fourth) + "xyz";
            if (skg::detail::valid_utf8(four) != reference(four)) {
              CAPTURE(four);
              FAIL("valid_utf8 and find_invalid_utf8 disagree");
            }
          }
        ++checked;
      }
  CHECK(checked == 128u * 256u * 256u);
}

TEST_CASE("utf8: random mixtures of scripts and broken bytes agree with the reference, offsets included") {
  // Runs of ASCII, Cyrillic, CJK and emoji (so the ASCII steps and the lookup steps alternate),
  // with now and then a byte taken out, a random byte put in, or the text cut short.
  std::mt19937 random(12);
  const std::string pieces[] = {"abcdefghijklmnopqrstuvwxyz0123456789 ", "\xD0\x97\xD0\xB0\xD0\xBA\xD1\x80\xD1\x8B\xD1\x82",
                                "\xE4\xB8\xAD\xE6\x96\x87", "\xF0\x9F\x98\x80", "\xC3\xA9", " "};
  int refused = 0;
  for (int round = 0; round < 200000; ++round) {
    std::string text;
    const int parts = static_cast<int>(random() % 24);
    for (int part = 0; part < parts; ++part) text += pieces[random() % std::size(pieces)];
    switch (random() % 4) {
      case 0:
        if (!text.empty()) text.erase(random() % text.size(), 1);
        break;
      case 1:
        text.insert(text.begin() + static_cast<std::ptrdiff_t>(text.empty() ? 0 : random() % text.size()),
                    static_cast<char>(random() % 256));
        break;
      case 2:
        if (!text.empty()) text.resize(random() % text.size());
        break;
      default:
        break;
    }
    const std::size_t expected = skg::find_invalid_utf8(text);
    if (skg::detail::valid_utf8(text) != (expected == std::string_view::npos) ||
        skg::detail::first_invalid_utf8(text) != expected) {
      CAPTURE(text);
      FAIL("valid_utf8 and find_invalid_utf8 disagree");
    }
    refused += expected == std::string_view::npos ? 0 : 1;
  }
  CHECK(refused > 50000);
}
