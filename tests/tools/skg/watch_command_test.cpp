// tests/tools/skg/watch_command_test.cpp: `watch` and `diff` as a user runs them in the shell,
// on the samples (datasets/samples/ofac: SDN 2021-07 excerpt; ofac_2024: the 2024-05-03 rows).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "session.h"
#include "tools/skg/shell_test_util.h"

namespace {

using skg::testing::Run;
using skg::testing::run;

std::string sample(std::string_view path) { return std::string(SKG_DATASETS_DIR) + "/samples/" + std::string(path); }

std::string watch_line(std::string_view extra = {}) {
  return "watch " + sample("watch/portfolio.csv") + " " + sample("ofac") + " " + sample("ofac_2024") +
         (extra.empty() ? "" : " ") + std::string(extra);
}

}  // namespace

TEST_CASE("shell: watch lists the changed counterparties and counts the unchanged ones") {
  skg::shell::Session session;
  session.options.style.width = 0;
  const Run text = run(session, watch_line());
  INFO(text.err);
  REQUIRE(text.code == skg::shell::kExitOk);
  CHECK(text.out.find("C-002") != std::string::npos);
  CHECK(text.out.find("no longer matched") != std::string::npos);
  CHECK(text.out.find("C-006") == std::string::npos);  // matches nothing in either version
  CHECK(text.out.find("8 parties: 5 changed, 3 unchanged (not shown), 0 errors") != std::string::npos);

  SUBCASE("--format csv: the header, then one row per change") {
    const Run csv = run(session, watch_line("--format csv"));
    REQUIRE(csv.code == skg::shell::kExitOk);
    CHECK(csv.out.starts_with("line,ref,name,id,change,record,"));
    CHECK(csv.out.find("C-003,Kirill Aleksandrovich Dmitriev,,new match,ofac-sdn:34336") != std::string::npos);
  }
  SUBCASE("--format jsonl: one line per changed party, then the summary") {
    const Run jsonl = run(session, watch_line("--format jsonl"));
    REQUIRE(jsonl.code == skg::shell::kExitOk);
    CHECK(std::count(jsonl.out.begin(), jsonl.out.end(), '\n') == 6);
    CHECK(jsonl.out.find("{\"summary\":{\"parties\":8,\"changed\":5,\"unchanged\":3,\"errors\":0}}") != std::string::npos);
  }
  SUBCASE("a portfolio that does not exist is a clear error, before any list is read") {
    const Run missing = run(session, "watch /nonexistent/portfolio.csv " + sample("ofac") + " " + sample("ofac_2024"));
    CHECK(missing.code != skg::shell::kExitOk);
    CHECK(missing.err.find("/nonexistent/portfolio.csv") != std::string::npos);
  }
  SUBCASE("an unknown rule or format is a usage error") {
    CHECK(run(session, watch_line("--rule fatf")).code == skg::shell::kExitUsage);
    CHECK(run(session, watch_line("--format xml")).code == skg::shell::kExitUsage);
  }
}

TEST_CASE("shell: diff with the alias file missing on one side says so instead of listing alias removals") {
  skg::shell::Session session;
  session.options.style.width = 0;
  const Run result = run(session, "diff " + sample("ofac") + " " + sample("ofac_2024"));
  REQUIRE(result.code == skg::shell::kExitOk);
  CHECK(result.out.find("suspicious: alias: 571 of the 571 strong aliases") != std::string::npos);
  CHECK(result.out.find("OFAC SDN (RUSSIA-EO14024)") != std::string::npos);  // an added party's listing
  const Run kept = run(session, "diff " + sample("ofac") + " " + sample("ofac_2024") + " --keep-mass");
  CHECK(kept.out.size() > result.out.size());
}

TEST_CASE("shell: diff of an FtM delta folder reports the MOD as a change") {
  skg::shell::Session session;
  session.options.style.width = 0;
  const std::string base = sample("opensanctions/t2_deltas/20240527194702-wnk");
  const Run result = run(session, "diff " + base + " " + sample("opensanctions/t2_deltas/20240528014702-pfh"));
  REQUIRE(result.code == skg::shell::kExitOk);
  CHECK(result.out.find("NEW is OLD with the FtM delta applied (2 ids: 1 ADD, 1 MOD, 0 DEL)") != std::string::npos);
  CHECK(result.out.find("changed (MOD)") != std::string::npos);
  CHECK(result.out.find("added (ADD)") != std::string::npos);
  CHECK(result.out.find("removed") == std::string::npos);
}
