// All or nothing, proven point by point: a load made to fail at every point where it stages a
// record part (a test hook in graph::Batch), or at every record of a corrupted copy of a sample,
// leaves the builder exactly as it was: the frozen graph reads the same, field for field
// (tests/graph/graph_fingerprint.h), and a later good load gives what it gives on a fresh builder.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "graph/graph_fingerprint.h"
#include "loader_test_util.h"
#include "skg/loaders/load.h"
#include "skg/loaders/source.h"
#include "skg/graph/batch_faults.h"

namespace {

namespace fs = std::filesystem;
using skg::testing::datasets;
using skg::testing::fingerprint;

using Paths = std::vector<std::string>;

/// A builder holding every file or folder of `base`, loaded one after another.
skg::Builder builder_with(const Paths& base) {
  skg::Builder builder;
  for (const auto& path : base) skg::load(path, builder);
  return builder;
}

std::string fingerprint_of(skg::Builder builder) { return fingerprint(std::move(builder).freeze()); }

/// How many record parts loading `path` on top of `base` stages.
std::uint64_t staged_parts(const Paths& base, const std::string& path) {
  skg::Builder builder = builder_with(base);
  skg::detail::batch_faults = {.armed = true};
  skg::load(path, builder);
  const std::uint64_t staged = skg::detail::batch_faults.staged;
  skg::detail::batch_faults = {};
  return staged;
}

/// Fails the load of `path` at every staged part in turn, all on one builder that holds `base`:
/// each failure must leave the counts as they were; at the end the graph must read as `base`
/// alone, and a good load of `path` must then give what it gives on a fresh builder.
void fail_at_every_part(const Paths& base, const std::string& path) {
  INFO("loading ", path, " on top of ", base.empty() ? "nothing" : base.back());
  const std::uint64_t parts = staged_parts(base, path);
  REQUIRE(parts > 0);
  const std::string before = fingerprint_of(builder_with(base));
  skg::Builder with_path = builder_with(base);
  skg::load(path, with_path);
  const std::string after = fingerprint_of(std::move(with_path));

  skg::Builder builder = builder_with(base);
  const std::size_t entities = builder.entity_count(), edges = builder.edge_count();
  std::uint64_t failed = 0;
  for (std::uint64_t at = 1; at <= parts; ++at) {
    skg::detail::batch_faults = {.armed = true, .fail_at = at};
    bool threw = false;
    try {
      skg::load(path, builder);
    } catch (const skg::detail::InjectedFault&) {
      threw = true;
    }
    skg::detail::batch_faults = {};
    failed += threw ? 1 : 0;
    if (!threw || builder.entity_count() != entities || builder.edge_count() != edges) {
      INFO("failing at part ", at, " of ", parts);
      REQUIRE(threw);
      REQUIRE(builder.entity_count() == entities);
      REQUIRE(builder.edge_count() == edges);
    }
    // Every 64th point, the whole graph too (freezing uses the builder up: take a fresh one).
    if (at % 64 == 1) {
      INFO("failing at part ", at, " of ", parts);
      skg::Builder probe = builder_with(base);
      skg::detail::batch_faults = {.armed = true, .fail_at = at};
      CHECK_THROWS_AS(skg::load(path, probe), skg::detail::InjectedFault);
      skg::detail::batch_faults = {};
      REQUIRE(fingerprint_of(std::move(probe)) == before);
    }
  }
  CHECK(failed == parts);
  // Every failed attempt was on this one builder: none may have left a trace.
  CHECK(fingerprint_of(std::move(builder)) == before);
  skg::Builder again = builder_with(base);
  for (std::uint64_t at = 1; at <= parts; at += 97) {
    skg::detail::batch_faults = {.armed = true, .fail_at = at};
    CHECK_THROWS_AS(skg::load(path, again), skg::detail::InjectedFault);
    skg::detail::batch_faults = {};
  }
  skg::load(path, again);
  CHECK(fingerprint_of(std::move(again)) == after);
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

/// The byte offsets of every record of `text`: each line that is not blank, or each place where
/// `marker` starts.
std::vector<std::size_t> record_starts(const std::string& text, std::string_view marker) {
  std::vector<std::size_t> starts;
  if (marker.empty()) {
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t end = std::min(text.find('\n', at), text.size());
      if (text.find_first_not_of(" \t\r", at) < end) starts.push_back(at);
      at = end + 1;
    }
  } else {
    for (std::size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1))
      starts.push_back(at + marker.size());
  }
  return starts;
}

/// For every record of `file` (lines, or places `marker` starts), a copy with a byte that is not
/// UTF-8 put into that record, loaded strictly on top of `base` on one builder: each must throw
/// LoadError and change nothing; at the end the graph must read as `base` alone.
void corrupt_every_record(const Paths& base, const std::string& file, std::string_view marker = {}) {
  INFO("corrupting each record of ", file);
  const fs::path work = fs::path(SKG_TEST_OUTPUT_DIR) / "all_or_nothing" / fs::path(file).parent_path().filename();
  fs::remove_all(work);
  fs::create_directories(work);
  for (const auto& sibling : fs::directory_iterator(fs::path(file).parent_path()))
    if (sibling.is_regular_file() && sibling.path().filename() != "README.md")
      fs::copy_file(sibling.path(), work / sibling.path().filename());
  const std::string copy = (work / fs::path(file).filename()).string();
  const std::string text = read(file);
  const auto starts = record_starts(text, marker);
  REQUIRE(starts.size() > 1);
  const std::string before = fingerprint_of(builder_with(base));
  skg::Builder builder = builder_with(base);
  for (const std::size_t at : starts) {
    std::string bad = text;
    bad.insert(at + 1, "\xff");
    write(copy, bad);
    INFO("record at byte ", at, " (line ", skg::line_of(text, at), ")");
    CHECK_THROWS_AS(skg::load(copy, builder), skg::LoadError);
  }
  CHECK(fingerprint_of(std::move(builder)) == before);
}

const Paths kKaspersky = {datasets("kaspersky")};

}  // namespace

TEST_CASE("load: a load failing at any record part leaves the builder as it was, in every format") {
  SUBCASE("OFAC legacy CSV set") { fail_at_every_part(kKaspersky, datasets("samples/ofac/sdn.csv")); }
  SUBCASE("Consolidated Screening List") { fail_at_every_part(kKaspersky, datasets("samples/csl/csl_2023-11_excerpt.csv")); }
  SUBCASE("BIS Denied Persons List") { fail_at_every_part(kKaspersky, datasets("samples/bis/dpl_2022-09_excerpt.txt")); }
  SUBCASE("UN consolidated XML") { fail_at_every_part(kKaspersky, datasets("samples/un/consolidated_2026-02_excerpt.xml")); }
  SUBCASE("EU Financial Sanctions Files XML") { fail_at_every_part(kKaspersky, datasets("samples/eu/fsf_sample_2026-08.xml")); }
  SUBCASE("FCC Covered List") { fail_at_every_part(kKaspersky, datasets("samples/fcc/covered_list.csv")); }
  SUBCASE("FtM entities") { fail_at_every_part(kKaspersky, datasets("samples/opensanctions/t1.ftm.json")); }
  SUBCASE("BODS") { fail_at_every_part(kKaspersky, datasets("samples/bods/fermcat.json")); }
  SUBCASE("skg-csv tables") {
    // Plain numbered rows, as skg-gen writes them: the edges after the first go into the batch a
    // run at a time (Batch::add_plain_edges), node rows by the last row's source handle; a quoted
    // row and a row with a date go the row-by-row way.
    const fs::path folder = fs::path(SKG_TEST_OUTPUT_DIR) / "all_or_nothing" / "skg_csv";
    fs::remove_all(folder);
    fs::create_directories(folder);
    std::string nodes = "id,kind,name,listed\n", edges = "src,dst,kind,share,start\n";
    for (int at = 0; at < 12; ++at) nodes += fmt::format("{},{},Party {},{}\n", at, at % 3 == 0 ? "Person" : "Company", at % 5, at % 2);
    nodes += "12,Company,\"Acme, Trading LLC\",1\n";
    for (int at = 0; at < 30; ++at)
      edges += fmt::format("{},{},{},{},{}\n", at % 13, (at * 7 + 1) % 13, at % 4 == 0 ? "CONTROLS" : "OWNS",
                           at % 3 == 0 ? "" : std::to_string(10 + at), at == 17 ? "2020-05" : "");
    write((folder / "nodes.csv").string(), nodes);
    write((folder / "edges.csv").string(), edges);
    write((folder / "listings.csv").string(), "id,entity,list,listed_on\ngen-sdn:3,3,us_ofac_sdn,2016-12-27\n");
    fail_at_every_part(kKaspersky, folder.string());
  }
}

TEST_CASE("load: a folder of several files and formats failing at any point loads none of them") {
  // The Kaspersky folder (FtM + an OFAC set) on top of the FCC list; then a folder of one file of
  // each format on top of the Kaspersky case.
  fail_at_every_part({datasets("samples/fcc/covered_list.csv")}, kKaspersky[0]);
  const fs::path mixed = fs::path(SKG_TEST_OUTPUT_DIR) / "all_or_nothing" / "mixed";
  fs::remove_all(mixed);
  fs::create_directories(mixed);
  for (const char* sample : {"samples/csl/csl_2025_layout_sample.csv", "samples/bis/dpl_2022-09_excerpt.txt",
                             "samples/fcc/covered_list.csv", "samples/opensanctions/t1.ftm.json",
                             "samples/bods/joint-ownership.json"})
    fs::copy_file(datasets(sample), mixed / fs::path(sample).filename());
  fail_at_every_part(kKaspersky, mixed.string());
}

namespace {
/// The three t2 deltas, in the order of their folders.
std::vector<std::string> t2_deltas() {
  std::vector<std::string> deltas;
  for (const auto& entry : fs::recursive_directory_iterator(datasets("samples/opensanctions/t2_deltas")))
    if (entry.is_regular_file()) deltas.push_back(entry.path().string());
  std::sort(deltas.begin(), deltas.end());
  return deltas;
}
}  // namespace

TEST_CASE("load: an FtM delta failing at any point leaves the version it applies to as it was") {
  const auto deltas = t2_deltas();
  REQUIRE(deltas.size() == 3);
  fail_at_every_part({datasets("samples/opensanctions/t1.ftm.json")}, deltas[0]);
}

// Skipped: the second delta, loaded on its own on top of t1 and the first delta, is refused
// ("'eu-fsf-eu-2078-17' already names another entity than 'NK-2T3S8Hu29ktYnKSTgQp2wL'"), so the
// chain cannot be tested yet. FtM delta MOD handling is issue 18's delta work (helper hdata).
TEST_CASE("load: each FtM delta of a chain, failing at any point, leaves the version before it" *
          doctest::skip(true)) {
  const auto deltas = t2_deltas();
  Paths base = {datasets("samples/opensanctions/t1.ftm.json")};
  for (const auto& delta : deltas) {
    fail_at_every_part(base, delta);
    base.push_back(delta);
  }
}

TEST_CASE("load: a bad byte in any record of a sample fails the load and changes nothing") {
  SUBCASE("OFAC sdn.csv, each line") { corrupt_every_record(kKaspersky, datasets("samples/ofac/sdn.csv")); }
  SUBCASE("OFAC alt.csv, each line") { corrupt_every_record(kKaspersky, datasets("samples/ofac/alt.csv")); }
  SUBCASE("CSL, each line") { corrupt_every_record(kKaspersky, datasets("samples/csl/csl_2023-11_excerpt.csv")); }
  SUBCASE("BIS DPL, each line") { corrupt_every_record(kKaspersky, datasets("samples/bis/dpl_2022-09_excerpt.txt")); }
  SUBCASE("FCC, each line") { corrupt_every_record(kKaspersky, datasets("samples/fcc/covered_list.csv")); }
  SUBCASE("FtM, each line") { corrupt_every_record(kKaspersky, datasets("samples/opensanctions/t1.ftm.json")); }
  SUBCASE("UN XML, each individual and entity") {
    const std::string un = datasets("samples/un/consolidated_2026-02_excerpt.xml");
    corrupt_every_record(kKaspersky, un, "<INDIVIDUAL>");
    corrupt_every_record(kKaspersky, un, "<ENTITY>");
  }
  SUBCASE("EU FSF XML, each sanctionEntity") {
    corrupt_every_record(kKaspersky, datasets("samples/eu/fsf_sample_2026-08.xml"), "<sanctionEntity ");
  }
  SUBCASE("BODS, each statement") {
    corrupt_every_record(kKaspersky, datasets("samples/bods/fermcat.json"), "\"statementId\"");
  }
}
