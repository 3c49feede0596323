#include "skg/loaders/source.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>  // getpid: a file name of this process's own

using namespace skg;

namespace {

struct Record {
  std::vector<std::string> fields;
  std::uint64_t line = 0;
};

/// A byte-at-a-time reading of the same CSV rules as CsvReader (RFC 4180 quotes, "" for a quote,
/// spaces allowed after a closing quote, CRLF or LF ends, a CR before the end dropped from an
/// unquoted field): the reference the reader's block-at-a-time scan is checked against.
std::vector<Record> reference_read(const std::string& text, char separator) {
  std::vector<Record> records;
  std::size_t at = 0;
  std::uint64_t line = 1;
  while (at < text.size()) {
    Record record;
    record.line = line;
    while (true) {
      std::string field;
      if (at < text.size() && text[at] == '"') {
        ++at;
        while (true) {
          REQUIRE(at < text.size());  // the generator closes every quote
          if (text[at] == '"' && at + 1 < text.size() && text[at + 1] == '"') {
            field += '"', at += 2;
          } else if (text[at] == '"') {
            ++at;
            break;
          } else {
            if (text[at] == '\n') ++line;
            field += text[at++];
          }
        }
        while (at < text.size() && text[at] == ' ') ++at;
      } else {
        while (at < text.size() && text[at] != separator && text[at] != '\n') field += text[at++];
        if (!field.empty() && field.back() == '\r') field.pop_back();
      }
      record.fields.push_back(field);
      if (at >= text.size()) break;
      if (text[at] == separator) {
        ++at;
        continue;
      }
      if (text[at] == '\r') ++at;
      if (at < text.size() && text[at] == '\n') ++at, ++line;
      break;
    }
    records.push_back(record);
  }
  return records;
}

/// Random CSV text: fields of 0 to 40 bytes (so that separators, quotes and line breaks fall at
/// every place of a 16-byte block), some quoted with separators, "" and line breaks inside.
std::string random_csv(std::mt19937& random, char separator, int records) {
  const std::string letters = std::string("abcXYZ0129 -.;") + separator;
  std::string text;
  for (int record = 0; record < records; ++record) {
    const int fields = 1 + static_cast<int>(random() % 8);
    for (int field = 0; field < fields; ++field) {
      if (field != 0) text += separator;
      const auto size = random() % 41;
      if (random() % 3 == 0) {
        text += '"';
        for (std::size_t at = 0; at < size; ++at) {
          const auto pick = random() % 40;
          text += pick == 0 ? std::string("\"\"") : pick == 1 ? std::string("\n") : std::string(1, letters[random() % letters.size()]);
        }
        text += '"';
        if (random() % 5 == 0) text += "  ";
      } else {
        for (std::size_t at = 0; at < size; ++at) {
          char c = letters[random() % letters.size()];
          if (c == separator) c = 'q';
          text += c;
        }
      }
    }
    text += random() % 4 == 0 ? "\r\n" : "\n";
  }
  if (random() % 2 == 0 && !text.empty()) text.pop_back();  // sometimes no final line break
  return text;
}

}  // namespace

TEST_CASE("csv: the reader gives the same fields and lines as a byte-by-byte reading") {
  std::mt19937 random(20261201);
  for (const char separator : {',', '|', '\t'}) {
    for (int round = 0; round < 40; ++round) {
      CAPTURE(separator);
      CAPTURE(round);
      // Its own copy, exactly as long as the text: the scan must not read past the end.
      const std::string text = random_csv(random, separator, 1 + round);
      const std::vector<Record> expected = reference_read(text, separator);
      CsvReader reader(text, "random.csv", separator);
      std::vector<std::string_view> fields;
      std::size_t index = 0;
      while (reader.next(fields)) {
        REQUIRE(index < expected.size());
        CHECK(reader.line_number() == expected[index].line);
        REQUIRE(fields.size() == expected[index].fields.size());
        for (std::size_t field = 0; field < fields.size(); ++field) CHECK(fields[field] == expected[index].fields[field]);
        ++index;
      }
      CHECK(index == expected.size());
      CHECK(reader.offset() == text.size());
    }
  }
}

TEST_CASE("csv: a quote left open or text after a closing quote is an error naming its line") {
  SUBCASE("unterminated, past a 16-byte block") {
    const std::string text = "a,b\n1,\"an open quote that runs\nover two lines and past the end";
    CsvReader reader(text, "open.csv");
    std::vector<std::string_view> fields;
    REQUIRE(reader.next(fields));
    CHECK_THROWS_WITH_AS(reader.next(fields), "open.csv:2: unterminated quoted field", LoadError);
  }
  SUBCASE("text after the closing quote") {
    const std::string text = "1,\"closed\"x,2\n";
    CsvReader reader(text, "after.csv");
    std::vector<std::string_view> fields;
    CHECK_THROWS_WITH_AS(reader.next(fields), "after.csv:1: text after the closing quote of field 2", LoadError);
  }
}

TEST_CASE("csv: a field longer than a block, unquoted and quoted, is one view of the text") {
  const std::string long_field(100, 'x');
  const std::string text = long_field + ",\"" + long_field + "\"\r\n" + long_field;
  CsvReader reader(text, "long.csv");
  std::vector<std::string_view> fields;
  REQUIRE(reader.next(fields));
  REQUIRE(fields.size() == 2);
  CHECK(fields[0] == long_field);
  CHECK(fields[1] == long_field);
  CHECK(fields[1].data() == text.data() + 102);  // not copied
  REQUIRE(reader.next(fields));
  CHECK(reader.line_number() == 2);
  REQUIRE(fields.size() == 1);
  CHECK(fields[0] == long_field);
  CHECK_FALSE(reader.next(fields));
}

TEST_CASE("read-ahead: a held file is the loader's text once, then the file is read again") {
  const auto path = (std::filesystem::temp_directory_path() / ("skg_read_ahead_test-" + std::to_string(::getpid()) + ".csv")).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "on disk";
  {
    detail::ReadAhead ahead;
    CHECK(detail::ReadAhead::current() == &ahead);
    const std::string held = "held text";
    char* buffer = ahead.buffer_for(path, held.size());
    REQUIRE(buffer != nullptr);
    std::memcpy(buffer, held.data(), held.size());
    ahead.keep();
    CHECK(ahead.buffer_for(path, held.size()) == nullptr);  // one text a path
    REQUIRE(ahead.find(path) != nullptr);
    CHECK(ahead.find(path)->text() == held);
    const SourceFile first(path);
    CHECK(first.text() == held);
    CHECK(first.text().data()[first.size()] == '\0');  // padded like a file's
    CHECK(first.path() == path);
    CHECK(ahead.find(path) == nullptr);  // taken
    CHECK(SourceFile(path).text() == "on disk");
    // Over the size limit: not held.
    CHECK(ahead.buffer_for(path + "x", detail::ReadAhead::kLimit + 1) == nullptr);
    // A dropped buffer is not held.
    REQUIRE(ahead.buffer_for(path, 3) != nullptr);
    ahead.drop();
    CHECK(ahead.find(path) == nullptr);
    REQUIRE(ahead.buffer_for(path, 4) != nullptr);
    ahead.keep();
  }
  // Gone with its scope: what no loader took is dropped.
  CHECK(detail::ReadAhead::current() == nullptr);
  CHECK(SourceFile(path).text() == "on disk");
  std::filesystem::remove(path);
}
