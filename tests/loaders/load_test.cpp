#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <iterator>
#include <optional>
#include <string>
#include <vector>
#include <fstream>
#include <functional>
#include <future>

#include "skg/graph/builder.h"
#include "skg/loaders/bis_dpl.h"
#include "skg/loaders/bods.h"
#include "skg/loaders/csl.h"
#include "skg/loaders/csv_bulk.h"
#include "skg/loaders/eu_fsf.h"
#include "skg/loaders/fcc_covered.h"
#include "skg/loaders/ftm_json.h"
#include "skg/loaders/gleif.h"
#include "skg/loaders/load.h"
#include "skg/loaders/ofac_csv.h"
#include "skg/loaders/ofac_xml.h"
#include "skg/loaders/ofsi_csv.h"
#include "skg/loaders/source.h"
#include "skg/loaders/uk_psc.h"
#include "skg/loaders/uk_sanctions_list.h"
#include "skg/loaders/un_xml.h"

#include "loaders/loader_test_util.h"

using namespace skg;

namespace {
using testing::datasets;
using testing::shared;
std::string head(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text(64 * 1024, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}
}  // namespace

TEST_CASE("load: the bundled Kaspersky folder loads in one batch, every reference resolved") {
  Builder builder;
  const LoadReport report = load(datasets("kaspersky"), builder);
  CHECK(report.files.size() >= 2);  // kaspersky.ftm.json and ofac/sdn.csv (add.csv, alt.csv read with it)
  CHECK(report.unresolved.empty());
  CHECK(report.skipped.empty());
  const Graph graph = std::move(builder).freeze();
  const auto tikhonov = graph.find("ofac-sdn:45815");
  REQUIRE(tikhonov);
  CHECK(graph.name(*tikhonov) == "TIKHONOV, Andrei Gennadyevich");
  const auto lab = graph.find("kaspersky-ao-kaspersky-lab");
  REQUIRE(lab);
  // The executive's directorship (from the FtM file) reaches the node the OFAC file made.
  bool director = false;
  for (EdgeId edge : graph.out_edges(*tikhonov))
    director |= graph.edge_kind(edge) == EdgeKind::DirectorOf && graph.target(edge) == *lab;
  CHECK(director);
}

TEST_CASE("load: sibling OFAC files are read once, with their main file") {
  Builder by_folder, by_file;
  const LoadReport folder = load(datasets("samples/ofac"), by_folder);
  const LoadReport file = load_ofac_csv(datasets("samples/ofac/sdn.csv"), by_file);
  CHECK(folder.files == file.files);
  CHECK(folder.count("aliases") == file.count("aliases"));
  CHECK(folder.count("addresses") == file.count("addresses"));
  CHECK(folder.skipped.size() == file.skipped.size());
}

TEST_CASE("load: each sample's format is detected from its content") {
  const std::pair<std::string_view, Format> cases[] = {
      {"samples/ofac/sdn.csv", Format::OfacCsv},
      {"samples/ofac/alt.csv", Format::OfacCsv},
      {"samples/csl/csl_2023-11_excerpt.csv", Format::Csl},
      {"samples/csl/csl_2019_sample.csv", Format::Csl},
      {"samples/csl/csl_2025_layout_sample.csv", Format::Csl},
      {"samples/bis/dpl_2022-09_excerpt.txt", Format::BisDpl},
      {"samples/fcc/covered_list.csv", Format::FccCovered},
      {"samples/opensanctions/t1.ftm.json", Format::FtmJson},
      {"samples/bods/fermcat.json", Format::Bods},
      {"samples/eu/fsf_sample_2026-08.xml", Format::EuFsf},
      {"kaspersky/kaspersky.ftm.json", Format::FtmJson},
  };
  for (const auto& sample : cases) {
    // Named copies, not a structured binding: INFO captures by reference in a lambda, which
    // clang 14 refuses for a binding (C++20 allows it only from clang 16).
    const std::string_view path = sample.first;
    const Format format = sample.second;
    INFO(path);
    const auto found = detect_format(head(datasets(path)), std::filesystem::path(path).filename().string());
    REQUIRE(found.has_value());
    CHECK(*found == format);
  }
  for (const auto& entry : std::filesystem::directory_iterator(datasets("samples/un"))) {
    if (entry.path().extension() != ".xml") continue;
    CHECK(detect_format(head(entry.path().string()), entry.path().filename().string()) == Format::UnXml);
  }
}

namespace {
/// detect_format() spelled out: every format's own detector asked in turn, in the table's order,
/// each on the whole head (no '<' test before the XML ones).
std::optional<Format> detect_by_asking_each(std::string_view head, std::string_view name) {
  const std::pair<Format, bool (*)(std::string_view, std::string_view) noexcept> detectors[] = {
      {Format::FtmJson, looks_like_ftm_json}, {Format::Bods, looks_like_bods},
      {Format::OfacXml, looks_like_ofac_xml}, {Format::UkPsc, looks_like_uk_psc},
      {Format::Gleif, looks_like_gleif},      {Format::UnXml, looks_like_un_xml},
      {Format::EuFsf, looks_like_eu_fsf},     {Format::UkSanctionsList, looks_like_uk_sanctions_list},
      {Format::OfsiCsv, looks_like_ofsi_csv}, {Format::Csl, looks_like_csl},
      {Format::BisDpl, looks_like_bis_dpl},   {Format::FccCovered, looks_like_fcc_covered},
      {Format::SkgCsv, looks_like_skg_csv},   {Format::OfacCsv, looks_like_ofac_csv},
  };
  for (const auto& [format, looks_like] : detectors)
    if (looks_like(head, name)) return format;
  return std::nullopt;
}
}  // namespace

TEST_CASE("load: detect_format answers as each detector asked in turn, for every file and its head without '<'") {
  std::vector<std::filesystem::path> files;
  for (const char* folder : {"samples", "broken", "kaspersky"})
    for (const auto& entry : std::filesystem::recursive_directory_iterator(datasets(folder)))
      if (entry.is_regular_file()) files.push_back(entry.path());
  REQUIRE(files.size() > 100);
  std::size_t xml = 0;
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    INFO(file.string());
    std::string text = head(file.string());
    CHECK(detect_format(text, name) == detect_by_asking_each(text, name));
    // Every '<' made a '[': the XML detectors are then not asked, and must not have said yes.
    std::replace(text.begin(), text.end(), '<', '[');
    CHECK(detect_format(text, name) == detect_by_asking_each(text, name));
    xml += detect_format(head(file.string()), name) == Format::UnXml ? 1 : 0;
  }
  CHECK(xml > 0);
  // GLEIF's namespace in a CSV row (no element) is not GLEIF XML; in an element it is; the JSON
  // golden copy (no '<') is found by its JSON half.
  const std::string csv = "name,url\nx,http://www.gleif.org/data/schema/leidata/2016\n";
  CHECK(detect_format(csv, "x.csv") != Format::Gleif);
  CHECK_FALSE(looks_like_gleif(csv, "x.csv"));
  const std::string element = "<?xml version=\"1.0\"?>\n<lei:LEIData xmlns:lei=\"http://www.gleif.org/data/schema/leidata/2016\">";
  CHECK(detect_format(element, "x.xml") == Format::Gleif);
  const std::string json = R"({"records": [{"LEI": "5493001KJTIIGC8Y1R12"}]})";
  CHECK(detect_format(json, "x.json") == Format::Gleif);
  CHECK(looks_like_gleif(json, "x.json"));
}

TEST_CASE("load: a file of no known format is refused with its name - nothing is loaded") {
  const std::string path = std::string(SKG_TEST_OUTPUT_DIR) + "/notes.txt";
  std::ofstream(path) << "Dear analyst,\nthese are my notes, not a list.\n";
  Builder builder;
  CHECK_THROWS_WITH_AS(load(path, builder), doctest::Contains("notes.txt: cannot tell the format"), LoadError);
  CHECK(builder.entity_count() == 0);
  SUBCASE("named explicitly, the format's own loader says what is wrong") {
    CHECK_THROWS_AS(load(path, builder, {.format = Format::OfacCsv}), LoadError);
    CHECK(builder.entity_count() == 0);
  }
  CHECK_THROWS_WITH_AS(load(path + ".missing", builder), doctest::Contains("no such file or folder"), LoadError);
}

TEST_CASE("load: one bad file in a folder fails the whole strict load, and skip mode lists it") {
  const std::string folder = std::string(SKG_TEST_OUTPUT_DIR) + "/mixed";
  std::filesystem::create_directories(folder);
  std::filesystem::copy_file(datasets("samples/fcc/covered_list.csv"), folder + "/covered_list.csv",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(datasets("broken/ofac_wrong_column_count.csv"), folder + "/sdn.csv",
                             std::filesystem::copy_options::overwrite_existing);
  Builder builder;
  CHECK_THROWS_AS(load(folder, builder), LoadError);
  CHECK(builder.entity_count() == 0);  // the FCC file, read first, did not land either
  const LoadReport report = load(folder, builder, {.on_bad_record = OnBadRecord::Skip});
  CHECK_FALSE(report.skipped.empty());
  CHECK(builder.entity_count() > 0);
}

TEST_CASE("load: every real list file in ../shared/datasets loads into one graph (skip mode)") {
  if (!std::filesystem::exists(shared("SOURCES.md"))) {
    MESSAGE("skipped: ../shared/datasets is not beside this clone");
    return;
  }
  std::uint64_t progress_calls = 0, last_done = 0;
  bool ascending = true;
  Builder builder;
  const LoadReport report = load(shared(""), builder,
                                 {.on_bad_record = OnBadRecord::Skip, .progress = [&](const LoadProgress& p) {
                                    ascending &= p.bytes_done >= last_done && p.bytes_done <= p.bytes_total;
                                    last_done = p.bytes_done;
                                    ++progress_calls;
                                  }});
  CHECK(ascending);
  CHECK(progress_calls > 0);
  // The three OFAC sets, CSL, BIS, UN, FCC, FtM and BODS files all landed.
  const Graph graph = std::move(builder).freeze();
  CHECK(graph.find("ofac-sdn:45815").has_value());   // kaspersky_excerpt
  CHECK(graph.find("NK-2Tbri3s6GgNtAwsSXh4qpL").has_value());  // ZALA cluster (FtM)
  CHECK(graph.node_count() > 14965 + 1003);  // the 2024 SDN entries and the UN records, at least
  CHECK(graph.find("eu-fsf:EU.3886.3").has_value());  // the EU Financial Sanctions Files sample
  for (const LoadIssue& issue : report.skipped) CHECK_FALSE(issue.file.ends_with("fsf_sample_2026-08.xml"));
  MESSAGE("loaded " << report.files.size() << " files, " << report.bytes << " bytes in " << report.seconds << " s");
}

namespace {

/// Everything a user can see of a graph, as sorted lines keyed by external ids (node and edge
/// numbers may differ between two graphs that say the same).
std::vector<std::string> content(const Graph& graph) {
  std::vector<std::string> lines;
  auto node_key = [&](NodeId node) {
    const auto ids = graph.external_ids(node);
    return ids.empty() ? std::string("?") : std::string(graph.string(ids.front()));
  };
  auto date = [](std::optional<Date> day) { return day ? day->to_string() : std::string("-"); };
  for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
    const NodeId node{at};
    const std::string key = node_key(node);
    lines.push_back(fmt::format("node {} {} {} {}..{}", key, to_string(graph.kind(node)), graph.name(node),
                                date(graph.valid(node).start), date(graph.valid(node).end)));
    for (StringId id : graph.external_ids(node)) lines.push_back(fmt::format("id {} {}", key, graph.string(id)));
    for (const Name& name : graph.names(node))
      lines.push_back(fmt::format("name {} {} {}", key, graph.string(name.text), to_string(name.type)));
    for (const Attribute& attribute : graph.attributes(node))
      lines.push_back(fmt::format("attribute {} {}={} ({})", key, graph.string(attribute.key),
                                  graph.string(attribute.value), graph.describe(attribute.source)));
    for (ProvId prov : graph.provenance(node)) lines.push_back(fmt::format("source {} {}", key, graph.describe(prov)));
  }
  for (std::uint32_t at = 0; at < graph.edge_count(); ++at) {
    const EdgeId edge{at};
    const std::string key =
        fmt::format("{} {} -{}-> {} {} {}..{} {}", graph.edge_external_id(edge), node_key(graph.source(edge)),
                    to_string(graph.edge_kind(edge)), node_key(graph.target(edge)), graph.share(edge).to_string(),
                    date(graph.edge_valid(edge).start), date(graph.edge_valid(edge).end), graph.role(edge));
    lines.push_back("edge " + key);
    for (ProvId prov : graph.edge_provenance(edge)) lines.push_back(fmt::format("edge source {} {}", key, graph.describe(prov)));
    for (const Attribute& attribute : graph.edge_attributes(edge))
      lines.push_back(fmt::format("edge attribute {} {}={}", key, graph.string(attribute.key), graph.string(attribute.value)));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

/// Loads `path` once, and twice into one builder (and again onto the frozen graph, as the shell's
/// `load` does), and checks that the three graphs say the same.
void check_reload_changes_nothing(const std::string& path) {
  CAPTURE(path);
  Builder once_builder;
  load(path, once_builder);
  const Graph once = std::move(once_builder).freeze();
  Builder twice_builder;
  load(path, twice_builder);
  load(path, twice_builder);
  const Graph twice = std::move(twice_builder).freeze();
  Builder again_builder(once);
  load(path, again_builder);
  const Graph again = std::move(again_builder).freeze();
  const GraphStats one = once.stats();
  for (const Graph* other : {&twice, &again}) {
    const GraphStats stats = other->stats();
    CHECK(stats.nodes == one.nodes);
    CHECK(stats.edges == one.edges);
    CHECK(stats.actions == one.actions);
    CHECK(stats.names == one.names);
    CHECK(stats.attributes == one.attributes);
    CHECK(stats.provenance == one.provenance);
    const auto expected = content(once), got = content(*other);
    CHECK(got.size() == expected.size());
    std::vector<std::string> differences;
    std::set_symmetric_difference(expected.begin(), expected.end(), got.begin(), got.end(),
                                  std::back_inserter(differences));
    if (!differences.empty()) MESSAGE("first difference: " << differences.front());
    CHECK(differences.empty());
  }
}

/// Runs `attempt` with every read a permission check can stop: as root (the test runner here),
/// in a child process that has dropped to the unprivileged user `nobody` first, since root reads
/// any file whatever its mode. Returns what `attempt` says, or "skipped: ..." when no such user
/// can be taken on.
std::string as_unprivileged(const std::function<std::string()>& attempt) {
  if (::geteuid() != 0) return attempt();
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "skipped: no pipe";
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_fds[0]);
    std::string said = (::setgid(65534) == 0 && ::setuid(65534) == 0) ? attempt() : "skipped: cannot become nobody";
    [[maybe_unused]] const auto written = ::write(pipe_fds[1], said.data(), said.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string said;
  char buffer[4096];
  for (ssize_t got; (got = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) said.append(buffer, static_cast<std::size_t>(got));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return said;
}

/// A fresh folder under the build's test output that `nobody` may enter.
std::string fresh_folder(std::string_view name) {
  const std::string folder = std::string(SKG_TEST_OUTPUT_DIR) + "/" + std::string(name);
  std::error_code ignored;
  std::filesystem::remove_all(folder, ignored);
  std::filesystem::create_directories(folder);
  std::filesystem::permissions(folder, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                           std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                           std::filesystem::perms::others_exec);
  return folder;
}

std::string outcome(const std::function<LoadReport()>& load_it) {
  try {
    const LoadReport report = load_it();
    std::string said = "loaded";
    for (const LoadIssue& issue : report.skipped) said += "\nskipped " + issue.file + ": " + issue.reason;
    said += "\nunreadable " + std::to_string(report.count("files unreadable"));
    return said;
  } catch (const LoadError& error) {
    return std::string("error: ") + error.what();
  }
}

}  // namespace

TEST_CASE("load: loading any sample twice changes nothing (nodes, edges, names, facts, sources)") {
  for (const char* sample : {"fcc/covered_list.csv", "ofac", "csl/csl_2023-11_excerpt.csv",
                             "csl/csl_2019_sample.csv", "csl/csl_2025_layout_sample.csv",
                             "bis/dpl_2022-09_excerpt.txt", "un/consolidated_2026-02_excerpt.xml",
                             "opensanctions/zala", "opensanctions/t1.ftm.json", "bods/fermcat.json",
                             "bods/tecido.json", "bods/joint-ownership.json", "bods/indirect-ownership.json"})
    check_reload_changes_nothing(datasets(std::string("samples/") + sample));
  check_reload_changes_nothing(datasets("kaspersky"));
}

TEST_CASE("load: loading any real list in ../shared/datasets twice changes nothing") {
  if (!std::filesystem::exists(shared("SOURCES.md"))) {
    MESSAGE("skipped: ../shared/datasets is not beside this clone");
    return;
  }
  for (const char* file : {"fcc/covered_list.csv", "ofac/sdn_2021-07", "ofac/kaspersky_excerpt",
                           "bis/dpl_2022-09.txt", "un/consolidated_2026-02.xml", "opensanctions/zala",
                           "opensanctions/t1", "bods/fermcat.json", "bods/tecido.json", "bods/levent.json"})
    check_reload_changes_nothing(shared(file));
}

TEST_CASE("load: a cancelled load throws LoadCancelled and leaves the builder as it was") {
  Builder builder;
  load(datasets("samples/fcc/covered_list.csv"), builder);
  const std::size_t entities = builder.entity_count(), edges = builder.edge_count();
  std::atomic<bool> cancel{false};
  LoadOptions options;
  options.cancel = &cancel;
  options.progress = [&](const LoadProgress&) { cancel.store(true); };  // Ctrl-C at the first report
  CHECK_THROWS_AS(load(datasets("samples/ofac"), builder, options), LoadCancelled);
  CHECK(builder.entity_count() == entities);
  CHECK(builder.edge_count() == edges);
  cancel.store(false);
  options.progress = nullptr;
  load(datasets("samples/ofac"), builder, options);
  CHECK(builder.entity_count() > entities);
}

TEST_CASE("load: a FIFO given as a file, or found in a folder, is refused at once, not waited on") {
  const std::string folder = fresh_folder("fifo");
  const std::string fifo = folder + "/sdn.csv";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::filesystem::copy_file(datasets("samples/fcc/covered_list.csv"), folder + "/covered_list.csv");
  auto attempt = [&](const std::string& path, const LoadOptions& options) {
    return std::async(std::launch::async, [path, options] {
      Builder builder;
      return outcome([&] { return load(path, builder, options); });
    });
  };
  auto wait = [&](std::future<std::string>& pending) {
    if (pending.wait_for(std::chrono::seconds(10)) == std::future_status::ready) return pending.get();
    const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);  // release it, then fail
    pending.wait();
    if (writer >= 0) ::close(writer);
    return std::string("waited on the FIFO");
  };
  for (const LoadOptions& options : {LoadOptions{}, LoadOptions{.format = Format::OfacCsv}}) {
    auto direct = attempt(fifo, options);
    const std::string said = wait(direct);
    CHECK(said.find("sdn.csv: a FIFO (named pipe), not a file or folder") != std::string::npos);
  }
  auto strict = attempt(folder, {});
  const std::string strict_said = wait(strict);
  CHECK(strict_said.find("error: ") == 0);
  CHECK(strict_said.find("sdn.csv: a FIFO (named pipe)") != std::string::npos);
  auto skipping = attempt(folder, {.on_bad_record = OnBadRecord::Skip});
  const std::string skip_said = wait(skipping);
  CHECK(skip_said.find("loaded") == 0);
  CHECK(skip_said.find("sdn.csv: a FIFO (named pipe), not a file or folder") != std::string::npos);
  CHECK(skip_said.find("unreadable 1") != std::string::npos);
}

TEST_CASE("load: a file without read permission says 'permission denied' with its path") {
  const std::string folder = fresh_folder("unreadable-file");
  const std::string file = folder + "/covered_list.csv";
  std::filesystem::copy_file(datasets("samples/fcc/covered_list.csv"), file);
  std::filesystem::permissions(file, std::filesystem::perms::none);
  const std::string said = as_unprivileged([&] {
    Builder builder;
    return outcome([&] { return load(file, builder); });
  });
  if (said.starts_with("skipped")) {
    MESSAGE(said);
    return;
  }
  CHECK(said == "error: " + file + ": cannot read: permission denied");
}

TEST_CASE("load: an unreadable file or sub-folder fails a folder's load, and skip mode names it and why") {
  const std::string folder = fresh_folder("unreadable-parts");
  std::filesystem::copy_file(datasets("samples/fcc/covered_list.csv"), folder + "/covered_list.csv");
  std::filesystem::copy_file(datasets("samples/bis/dpl_2022-09_excerpt.txt"), folder + "/dpl.txt");
  std::filesystem::create_directories(folder + "/more");
  std::filesystem::copy_file(datasets("samples/csl/csl_2019_sample.csv"), folder + "/more/csl.csv");
  std::filesystem::permissions(folder + "/dpl.txt", std::filesystem::perms::none);
  std::filesystem::permissions(folder + "/more", std::filesystem::perms::none);
  const std::string said = as_unprivileged([&] {
    std::string out;
    Builder builder;
    out += outcome([&] { return load(folder, builder); }) + "\n--\n";
    out += "entities " + std::to_string(builder.entity_count()) + "\n--\n";
    out += outcome([&] { return load(folder, builder, {.on_bad_record = OnBadRecord::Skip}); });
    out += "\nentities after skip " + std::string(builder.entity_count() > 0 ? "some" : "none");
    return out;
  });
  std::filesystem::permissions(folder + "/more", std::filesystem::perms::owner_all);
  if (said.starts_with("skipped")) {
    MESSAGE(said);
    return;
  }
  INFO(said);
  // Strict: the first unreadable part (in name order) fails the load, and nothing lands.
  CHECK(said.starts_with("error: " + folder + "/dpl.txt: cannot read: permission denied\n--\nentities 0\n"));
  // Skip mode: both parts listed with their reasons, the readable file loaded.
  CHECK(said.find("skipped " + folder + "/dpl.txt: cannot read: permission denied; left out of the folder's load") !=
        std::string::npos);
  CHECK(said.find("skipped " + folder + "/more: cannot read the folder: permission denied; left out") !=
        std::string::npos);
  CHECK(said.find("unreadable 2") != std::string::npos);
  CHECK(said.find("entities after skip some") != std::string::npos);
}
