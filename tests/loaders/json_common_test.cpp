#include "skg/loaders/json_common.h"

#include <doctest/doctest.h>

#include <random>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string>

namespace {

/// A random text of JSON pieces: values, escapes, control bytes and runs of whitespace, so that
/// both valid documents and errors at every place of a sixteen-byte step come out.
std::string random_json(std::mt19937& random) {
  static constexpr const char* kPieces[] = {
      "[", "]", "{", "}", ",", ":", "\"key\"", "\"a long string value, longer than sixteen bytes\"",
      "\"esc\\\"aped\\\\ and \\n \\u00e9 \\ud83d\\ude00 text after the escapes\"", "\"bad \\x escape\"",
      "\"raw\ttab\"", "12", "-0.5e3", "true", "null", " ", "\n", "\r\n", "\t", "                  ", "\"",
      "\"\xC3\xA9t\xC3\xA9\"", "x"};
  std::string text;
  const int count = static_cast<int>(random() % 40);
  for (int piece = 0; piece < count; ++piece) text += kPieces[random() % std::size(kPieces)];
  return text;
}

/// Parses `text` in place the given way; the document written back, or the error and its offset.
template <class Parse>
std::string parse_result(std::string text, Parse parse) {
  text.append(16, '\0');  // SourceFile's padding: the padded stream reads up to 15 past the NUL
  rapidjson::Document document;
  parse(document, text.data());
  if (document.HasParseError())
    return "error " + std::to_string(document.GetParseError()) + " at " + std::to_string(document.GetErrorOffset());
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  document.Accept(writer);
  return out.GetString();
}

}  // namespace

namespace {

constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseIterativeFlag;

std::string plain(const std::string& text) {
  return parse_result(text, [](rapidjson::Document& document, char* buffer) { document.ParseInsitu<kFlags>(buffer); });
}

std::string padded(const std::string& text) {
  return parse_result(text, [](rapidjson::Document& document, char* buffer) {
    skg::detail::PaddedInsituStream stream(buffer);
    document.ParseStream<kFlags>(stream);
  });
}

}  // namespace

TEST_CASE("json_common: the padded in-place stream parses as RapidJSON's own, errors and offsets too") {
  SUBCASE("a pretty-printed document with escapes, at every offset of a sixteen-byte step") {
    const std::string document =
        "[\n  {\n    \"statementId\": \"a-1\",\n    \"name\" : \"Quoted \\\"name\\\" with a \\\\ and "
        "\\u00e9 and a long tail after it\",\n\t\"n\": [1, 2.5, -3e2, true, false, null],\r\n"
        "    \"empty\": \"\", \"o\": {}\n  }\n]\n";
    REQUIRE(plain(document).starts_with("[{"));
    for (std::size_t shift = 0; shift < 32; ++shift) {
      const std::string text = std::string(shift, ' ') + document;
      CHECK(padded(text) == plain(text));
      // Cut short at every place: the errors (missing quote, bracket...) and offsets agree.
      for (std::size_t size = 0; size < text.size(); ++size) {
        const std::string cut = text.substr(0, size);
        REQUIRE_MESSAGE(padded(cut) == plain(cut), "cut at ", size, " of shift ", shift);
      }
    }
  }
  SUBCASE("random texts of JSON pieces") {
    std::mt19937 random(21);
    int valid = 0;
    for (int round = 0; round < 20000; ++round) {
      const std::string text = random_json(random);
      const std::string expected = plain(text);
      valid += expected.starts_with("error") ? 0 : 1;
      REQUIRE_MESSAGE(padded(text) == expected, "text: ", text);
    }
    CHECK(valid > 0);
  }
}
