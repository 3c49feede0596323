// Loading in the shell: the load's one-line summary, skip mode, files of a known format that skg
// does not read, and a folder holding several releases of OFAC's list.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "commands.h"
#include "session.h"
#include "tools/skg/shell_test_util.h"
#include "skg/loaders/load.h"

namespace fs = std::filesystem;

namespace {

using skg::testing::Run;
using skg::testing::run;

std::string datasets(std::string_view path) { return std::string(SKG_DATASETS_DIR) + "/" + std::string(path); }

/// A fresh folder under the build's test output.
fs::path scratch(std::string_view name) {
  const fs::path dir = fs::path(SKG_TEST_OUTPUT_DIR) / std::string(name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("shell: a load's summary line counts records, skipped, unresolved references and warnings") {
  skg::shell::Session session;
  const skg::LoadReport report = session.load(datasets("samples/identity/sdn_45937.csv"));
  const std::string line = skg::shell::load_summary(report);
  CHECK(line.starts_with("loaded 1 file ("));
  CHECK(line.find("1 entity, 1 listing") != std::string::npos);
  CHECK(line.find("0 bad records or files skipped") != std::string::npos);
  CHECK(line.find("1 unresolved reference") != std::string::npos);  // Linked To: ZALA AERO, not in the file
  CHECK(line.find("0 warnings") != std::string::npos);
  CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("shell: load --on-bad-record skip loads a file with a bad record and names it") {
  skg::shell::Session session;
  const std::string path = datasets("broken/csl_truncated.csv");
  const Run strict = run(session, "load " + path);
  CHECK(strict.code == skg::shell::kExitInput);
  CHECK(session.graph().node_count() == 0);
  const Run skipped = run(session, "load --on-bad-record skip " + path);
  INFO(skipped.err);
  REQUIRE(skipped.code == skg::shell::kExitOk);
  CHECK(session.graph().node_count() > 0);
  CHECK(skipped.out.find("1 bad record or file skipped") != std::string::npos);
  CHECK(skipped.out.find("left out " + path + ":") != std::string::npos);
  CHECK(skipped.out.find("unterminated quoted field") != std::string::npos);
  // The session's own mode is unchanged: the next plain load is strict again.
  CHECK(session.options.on_bad_record == skg::OnBadRecord::Fail);
  CHECK(run(session, "load --on-bad-record maybe " + path).code == skg::shell::kExitUsage);
}

TEST_CASE("shell: the real CSL file, whose last record is truncated, loads with skip and names that record") {
  const std::string path = std::string(SKG_SHARED_DATASETS_DIR) + "/csl/csl_2023-11_subset.csv";
  if (!fs::exists(path)) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  skg::shell::Session session;
  session.options.on_bad_record = skg::OnBadRecord::Skip;
  const skg::LoadReport report = session.load(path);
  const auto issues = skg::shell::load_issues(report);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].find("csl_2023-11_subset.csv:4233") != std::string::npos);
  CHECK(skg::shell::load_summary(report).find("1 bad record or file skipped") != std::string::npos);
  CHECK(session.graph().find("csl:18715"));
}

TEST_CASE("shell: a file of a known format skg does not read is named as such, not 'name the format'") {
  const fs::path dir = scratch("unsupported");
  const std::pair<const char*, std::string> files[] = {
      {"notice.pdf", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n"},
      {"sdn.xlsx", std::string("PK\x03\x04\x14\x00\x06\x00", 8) + "[Content_Types].xml xl/workbook.xml"},
      {"lists.zip", std::string("PK\x03\x04\x14\x00\x00\x00", 8) + "sdn.csv"},
      {"sdn.pip", "36|\"AEROCARIBBEAN AIRLINES\"|-0- |\"CUBA\"|-0- \n"},
      {"sdn.del", "36@\"AEROCARIBBEAN AIRLINES\"@-0- @\"CUBA\"@-0- \n"},
      {"sdn.ff", "36         AEROCARIBBEAN AIRLINES                 \n"},
      {"page.html", "<!DOCTYPE html>\n<html><body>SDN list</body></html>"},
  };
  const std::pair<const char*, const char*> expected[] = {
      {"notice.pdf", "a PDF document"},          {"sdn.xlsx", "an Excel workbook (XLSX)"},
      {"lists.zip", "a zip archive"},            {"sdn.pip", "OFAC's pipe-delimited list format"},
      {"sdn.del", "OFAC's @-delimited list format"}, {"sdn.ff", "OFAC's fixed-field list format"},
      {"page.html", "an HTML page"},
  };
  for (const auto& [name, bytes] : files) write(dir / name, bytes);
  for (const auto& entry : expected) {
    const char* const name = entry.first;  // not a structured binding: clang 14 cannot capture one
    const char* const what = entry.second;
    CAPTURE(name);
    skg::Builder builder;
    try {
      skg::load((dir / name).string(), builder);
      FAIL("loaded");
    } catch (const skg::LoadError& error) {
      const std::string message = error.what();
      CHECK(message.find(what) != std::string::npos);
      CHECK(message.find("not a format skg loads") != std::string::npos);
      CHECK(message.find("name it") == std::string::npos);
    }
  }
  // In a folder they are left out with the same words, and the rest loads.
  fs::copy_file(datasets("samples/identity/sdn_45937.csv"), dir / "sdn_45937.csv");
  skg::Builder builder;
  const skg::LoadReport report = skg::load(dir.string(), builder);
  bool named = false;
  for (const auto& issue : report.skipped) named = named || issue.reason.starts_with("a PDF document");
  CHECK(named);
  CHECK(std::move(builder).freeze().find("ofac-sdn:45937"));
}

TEST_CASE("shell: a folder with several OFAC releases loads the latest and says which it left out") {
  const fs::path dir = scratch("ofac_releases");
  fs::create_directories(dir / "sdn_2021-07");
  fs::create_directories(dir / "sdn_2024-05-03");
  fs::create_directories(dir / "add_alt_2025-02");
  for (const char* name : {"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"})
    fs::copy_file(datasets(std::string("samples/ofac/") + name), dir / "sdn_2021-07" / name);
  fs::copy_file(datasets("samples/identity/sdn_18715.csv"), dir / "sdn_2024-05-03" / "sdn.csv");
  fs::copy_file(datasets("samples/ofac/add.csv"), dir / "add_alt_2025-02" / "add.csv");
  // Two copies of a release would define each uid twice: without a choice the load fails.
  skg::shell::Session session;
  const skg::LoadReport report = session.load(dir.string());
  const skg::Graph& graph = session.graph();
  CHECK(graph.find("ofac-sdn:18715"));
  CHECK_FALSE(graph.find("ofac-sdn:36"));  // an entry of the 2021 release only
  CHECK(report.count("older releases left out") == 2);
  const std::string summary = skg::shell::load_summary(report);
  CHECK(summary.find("2 older list releases left out") != std::string::npos);
  bool older = false, orphan = false;
  for (const auto& line : skg::shell::load_issues(report)) {
    older = older || (line.find("sdn_2021-07/sdn.csv") != std::string::npos &&
                      line.find("an older OFAC release (2021-07)") != std::string::npos &&
                      line.find("sdn_2024-05-03/sdn.csv (2024-05-03), which was loaded") != std::string::npos);
    orphan = orphan || (line.find("add_alt_2025-02/add.csv") != std::string::npos &&
                        line.find("main file is not in this folder") != std::string::npos);
  }
  CHECK(older);
  CHECK(orphan);
  // One release folder alone loads as before.
  skg::shell::Session one;
  one.load((dir / "sdn_2021-07").string());
  CHECK(one.graph().find("ofac-sdn:36"));
}

TEST_CASE("shell: show lists each record once, with its path under the load root and its line, and the records behind each id") {
  skg::shell::Session session;
  session.load(datasets("samples/identity"));
  session.options.style.width = 0;
  const Run shown = run(session, "show csl:18715");
  INFO(shown.out << shown.err);
  REQUIRE(shown.code == skg::shell::kExitOk);
  CHECK(shown.out.find("records (2)") != std::string::npos);
  CHECK(shown.out.find("[1] csl_sberbank_18715.csv:2  record 18715") != std::string::npos);
  CHECK(shown.out.find("[2] sdn_18715.csv:1  record 18715") != std::string::npos);
  // Each record is named once: the facts refer to it by number.
  std::size_t times = 0;
  for (std::size_t at = 0; (at = shown.out.find("csl_sberbank_18715.csv", at)) != std::string::npos; ++at) ++times;
  CHECK(times == 1);
  // The same OFAC party from the SDN file (ofac-sdn:18715) and a CSL row (csl:18715): each id is
  // stated by its own record (RULES.md §9.4).
  CHECK(shown.out.find("\n  ofac-sdn:18715  [2]\n") != std::string::npos);
  CHECK(shown.out.find("\n  csl:18715       [1]\n") != std::string::npos);
  const Run by_sdn = run(session, "show ofac-sdn:18715");
  CHECK(by_sdn.out == shown.out);
  session.options.json = true;
  const Run json = run(session, "show csl:18715");
  INFO(json.out);
  CHECK(json.out.find(R"("id_records":[{"id":"ofac-sdn:18715","records":[)") != std::string::npos);
  CHECK(json.out.find("sdn_18715.csv:1 (record 18715)\"]},{\"id\":\"csl:18715\"") != std::string::npos);
}

TEST_CASE("shell: show lists same-as candidates with their evidence") {
  const fs::path dir = scratch("same_as");
  write(dir / "un.ftm.json",
        "{\"id\": \"p-un\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Ivan PETROV\"], \"birthDate\": [\"1965-09-21\"]}}\n");
  write(dir / "other.ftm.json",
        "{\"id\": \"p-other\", \"schema\": \"Person\", \"properties\": {\"name\": [\"PETROV, Ivan\"], \"birthDate\": [\"1965-09-21\"]}}\n");
  skg::shell::Session session;
  session.load(dir.string());
  session.options.style.width = 0;
  const Run shown = run(session, "show p-un");
  INFO(shown.out << shown.err);
  CHECK(session.graph().node_count() == 2);
  CHECK(shown.out.find("same-as candidates (not merged: no strong identifier in common): 1") != std::string::npos);
  CHECK(shown.out.find("PETROV, Ivan [p-other]: name words 'ivan petrov' and birth date 1965-09-21") != std::string::npos);
}
