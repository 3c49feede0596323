// Findings of the AddressSanitizer / UndefinedBehaviorSanitizer runs (scripts/test-sanitize.sh),
// each kept as a test that fails under that sanitizer if the fault comes back.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "loader_test_util.h"
#include "skg/graph/strings.h"
#include "skg/loaders/bods.h"
#include "skg/loaders/ftm_json.h"
#include "skg/loaders/source.h"

namespace {
std::string write(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::path(SKG_TEST_OUTPUT_DIR) / "sanitizer";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return path;
}
}  // namespace

// RapidJSON's SSE2 whitespace skip reads the whole 16-byte block that holds a buffer's final NUL;
// the FtM and BODS loaders parse their file's own buffer in place, so it must have room for that.
TEST_CASE("ftm_json: a file whose last record is followed by spaces and no line break loads, at every length") {
  const std::string record = R"({"id": "a", "schema": "Company", "properties": {"name": ["A"]}})";
  for (std::size_t spaces = 0; spaces <= 40; ++spaces) {
    INFO(spaces, " spaces");
    const std::string path = write("tail.ftm.json", record + " \t" + std::string(spaces, ' '));
    skg::Builder builder;
    skg::load_with(skg::load_ftm_json, path, builder);
    CHECK(builder.entity_count() == 1);
  }
}

TEST_CASE("bods: a file whose array is followed by spaces loads, at every length") {
  for (std::size_t spaces = 0; spaces <= 40; ++spaces) {
    INFO(spaces, " spaces");
    const std::string path = write("tail.json", "[ " + std::string(spaces, ' ') + "]" + std::string(spaces, ' '));
    skg::Builder builder;
    skg::load_with(skg::load_bods, path, builder);
    CHECK(builder.entity_count() == 0);
  }
}

TEST_CASE("loaders: a file's text is followed by 16 NUL bytes that the in-place JSON parsers may read") {
  for (const std::size_t size : {0, 1, 15, 16, 17, 4095, 4096}) {
    const skg::SourceFile file(write("padded.txt", std::string(size, 'x')));
    REQUIRE(file.size() == size);
    for (std::size_t at = 0; at < skg::SourceFile::kPadding; ++at) CHECK(file.text().data()[size + at] == '\0');
  }
}

TEST_CASE("strings: an empty string hashes without touching memory (no memcpy from a null pointer)") {
  CHECK(skg::detail::hash_bytes(nullptr, 0) == skg::detail::hash_string(std::string_view{}));
  skg::StringPool pool;
  const auto empty = pool.intern(std::string_view{});
  CHECK(pool.view(empty).empty());
  CHECK(pool.find(std::string_view{}) == empty);
}
