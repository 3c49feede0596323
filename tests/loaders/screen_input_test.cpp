// tests/loaders/screen_input_test.cpp: reading a counterparty file to screen, row by row.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "skg/loaders/load_error.h"
#include "skg/loaders/screen_input.h"

namespace {

std::string write(std::string_view name, std::string_view text) {
  const std::string path = std::string(SKG_TEST_OUTPUT_DIR) + "/" + std::string(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::vector<skg::ScreenInputRow> rows_of(const std::string& path) {
  skg::ScreenInputReader reader(path);
  std::vector<skg::ScreenInputRow> rows;
  for (skg::ScreenInputRow row; reader.next(row);) rows.push_back(row);
  return rows;
}

}  // namespace

TEST_CASE("screen_input: CSV columns are found by name, in any order and case") {
  const auto rows = rows_of(write("in_columns.csv",
                                  "Customer ID,Country,Full Name,Date of Birth,extra,ID\r\n"
                                  "c-1,RU,\"TIKHONOV, Andrei\",1966-11-09,x,\r\n"
                                  "\r\n"
                                  "c-2,,,,,530193947\r\n"));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].ref == "c-1");
  CHECK(rows[0].name == "TIKHONOV, Andrei");
  CHECK(rows[0].country == "RU");
  CHECK(rows[0].birth_date == "1966-11-09");
  CHECK(rows[0].line == 2);
  CHECK(rows[0].error.empty());
  CHECK(rows[1].id == "530193947");
  CHECK(rows[1].line == 4);
}

TEST_CASE("screen_input: a bad row is a row with an error naming its line, and reading goes on") {
  const auto rows = rows_of(write("in_bad.csv",
                                  "ref,name\n"
                                  "1,Alpha\n"
                                  "2\n"
                                  "3,\"Broken \"quote\n"
                                  "4,\n"
                                  "5,Omega\n"));
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].error.empty());
  CHECK(rows[1].error.find(":3: 1 fields where the header has 2") != std::string::npos);
  CHECK(rows[2].error.find(":4:") != std::string::npos);
  CHECK(rows[3].error.find("no name and no id") != std::string::npos);
  CHECK(rows[4].name == "Omega");
  CHECK(rows[4].line == 6);
}

TEST_CASE("screen_input: FtM JSON lines give name, date of birth, countries and an identifier") {
  const auto rows = rows_of(write(
      "in_ftm.json",
      "{\"id\": \"p1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Marina Alekseeva\"], "
      "\"birthDate\": [\"1978\"], \"nationality\": [\"ru\"], \"country\": [\"by\"]}}\n"
      "not json\n"
      "{\"id\": \"v1\", \"schema\": \"Vessel\", \"properties\": {\"imoNumber\": [\"9187629\"]}}\n"));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].ref == "p1");
  CHECK(rows[0].schema == "Person");
  CHECK(rows[0].birth_date == "1978");
  CHECK(rows[0].country == "by,ru");
  CHECK(rows[1].error.find(":2: not a JSON object") != std::string::npos);
  CHECK(rows[2].id == "9187629");
  CHECK(rows[2].name.empty());
}

TEST_CASE("screen_input: a file with no name column or nothing in it is refused") {
  CHECK_THROWS_WITH_AS(skg::ScreenInputReader(write("in_noname.csv", "ref,dob\n1,1966\n")),
                       doctest::Contains("no 'name'"), skg::LoadError);
  CHECK_THROWS_AS(skg::ScreenInputReader(write("in_empty.csv", "\n\n")), skg::LoadError);
  CHECK_THROWS_AS(skg::ScreenInputReader(std::string(SKG_TEST_OUTPUT_DIR) + "/no-such-file.csv"),
                  skg::LoadError);
}
