// tests/tools/skg/picture_commands_test.cpp: --dot, --svg, --png and export as a shell user types them.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "shell_test_util.h"
#include "skg/queries/picture.h"

using skg::testing::run;
namespace fs = std::filesystem;

namespace {

skg::shell::Session kaspersky() {
  skg::shell::Session session;
  session.load_bundled();
  return session;
}

std::string slurp(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

fs::path out_dir(const std::string& name) {
  const fs::path dir = fs::path(SKG_TEST_OUTPUT_DIR) / "shell-pictures" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("shell pictures: --dot on each chain command prints Graphviz text with the queried party framed") {
  skg::shell::Session session = kaspersky();
  for (const char* line : {"exposure kaspersky-ao-kaspersky-lab --dot --as-of 2024-07-01",
                           "owners kaspersky-kaspersky-lab-inc --dot", "subsidiaries kaspersky-kaspersky-labs-limited --dot",
                           "reach kaspersky-ao-kaspersky-lab --hops 1 --dot",
                           "path kaspersky-kaspersky-lab-inc kaspersky-kaspersky-lab-switzerland-gmbh --dot"}) {
    CAPTURE(line);
    const auto result = run(session, line);
    CHECK(result.code == 0);
    CHECK(result.out.starts_with("digraph skg {"));
    CHECK(result.out.find("peripheries=2") != std::string::npos);
    CHECK(result.out.ends_with("}\n"));
  }
}

TEST_CASE("shell pictures: --svg and --png write the files and say what they hold") {
  skg::shell::Session session = kaspersky();
  const fs::path dir = out_dir("files");
  const std::string svg = (dir / "lab.svg").string(), png = (dir / "lab.png").string();
  const auto result = run(session, "exposure kaspersky-ao-kaspersky-lab --as-of 2024-07-01 --svg " + svg + " --png " + png);
  if (!skg::graphviz_available()) {
    CHECK(result.code == 1);
    CHECK(result.err.find("not available") != std::string::npos);
    return;
  }
  REQUIRE(result.code == 0);
  CHECK(result.out.find("wrote " + svg + " (svg") != std::string::npos);
  CHECK(result.out.find("13 parties, 12 links (0 bold)") != std::string::npos);
  CHECK(slurp(svg).find("<svg") != std::string::npos);
  CHECK(slurp(png).starts_with("\x89PNG"));
}

TEST_CASE("shell pictures: mistakes are usage errors: --dot with --json, nothing to draw, an unwritable file") {
  skg::shell::Session session = kaspersky();
  CHECK(run(session, "owners kaspersky-kaspersky-lab-inc --dot --json").code == 1);
  const auto none = run(session, "path kaspersky-kaspersky-lab-inc ofac-sdn:45815 --hops 1 --dot");
  CHECK(none.code == 1);
  CHECK(none.err.find("nothing to draw") != std::string::npos);
  if (skg::graphviz_available()) {
    const auto bad = run(session, "owners kaspersky-kaspersky-lab-inc --svg /nonexistent-folder/x.svg");
    CHECK(bad.code == 1);
    CHECK(bad.err.find("/nonexistent-folder/x.svg") != std::string::npos);
  }
  CHECK(run(session, "owners kaspersky-kaspersky-lab-inc --rule nope --dot").code == 1);
}

TEST_CASE("shell export: writes the layout asked for, and refuses an unknown format or no format") {
  skg::shell::Session session = kaspersky();
  const fs::path dir = out_dir("export");
  const auto result = run(session, "export --format graphframes " + (dir / "gf").string() + " --partitions 2");
  REQUIRE(result.code == 0);
  CHECK(result.out.find("exported ") != std::string::npos);
  CHECK(fs::exists(dir / "gf" / "vertices" / "part-00001.csv"));
  CHECK(fs::exists(dir / "gf" / "edges" / "part-00001.csv"));
  const auto unknown = run(session, "export --format parquet " + (dir / "x").string());
  CHECK(unknown.code == 1);
  CHECK(unknown.err.find("no export format 'parquet'") != std::string::npos);
  CHECK(run(session, "export " + (dir / "y").string()).code == 1);
  CHECK(run(session, "export --format csv " + (dir / "z").string() + " --partitions 0").code == 1);
}
