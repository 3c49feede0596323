#include "session.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "interrupt.h"
#include "skg/graph/builder.h"
#include "skg/graph/identity.h"
#include "skg/graph/snapshot.h"

namespace skg::shell {

namespace {

namespace fs = std::filesystem;

/// The folder holding this executable (Linux: /proc/self/exe), empty if unknown.
fs::path exe_dir() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path() : exe.parent_path();
}

bool is_dataset_dir(const fs::path& dir) {
  std::error_code error;
  return fs::is_regular_file(dir / "kaspersky.ftm.json", error);
}

/// True when the file starts with the snapshot magic (so `--data x.skg` works too).
bool looks_like_snapshot(const std::string& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return false;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  char head[7] = {};
  const std::size_t got = std::fread(head, 1, sizeof head, file);
  std::fclose(file);
  return got == sizeof head &&
         std::string_view(head, sizeof head) == "SKGSNAP";  // graph/snapshot.cpp
}

}  // namespace

/// A progress bar on stderr, drawn only after the load has run for a second, at most 10 times
/// a second, and erased when the load ends.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled)
      : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  ~ProgressBar() {
    if (drawn_) std::cerr << "\r\x1b[2K" << std::flush;
  }
  /// Says what comes after the reading ("building the graph"), once a bar is on screen.
  void phase(std::string_view text) {
    if (drawn_) std::cerr << "\r\x1b[2K" << text << std::flush;
  }
  void update(const LoadProgress& progress) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(100))
      return;
    last_ = now;
    drawn_ = true;
    constexpr int kBar = 30;
    const double part =
        progress.bytes_total == 0
            ? 0.0
            : std::min(1.0, double(progress.bytes_done) / double(progress.bytes_total));
    const int filled = static_cast<int>(part * kBar);
    std::string file(fs::path(progress.file).filename().string());
    if (file.size() > 30) file = file.substr(0, 29) + "~";
    std::cerr << fmt::format("\r\x1b[2Kloading {} [{}{}] {:3.0f}% {:.1f}/{:.1f} MB", file,
                             std::string(filled, '#'), std::string(kBar - filled, ' '), part * 100,
                             progress.bytes_done / 1e6, progress.bytes_total / 1e6)
              << std::flush;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_{};
};

namespace {}  // namespace

std::optional<std::string> bundled_dataset_dir() {
  if (const char* env = std::getenv("SKG_DATA_DIR"); env != nullptr && *env != '\0') {
    // $SKG_DATA_DIR is the folder of the case itself, or a share/skg folder that holds it.
    if (is_dataset_dir(env)) return std::string(env);
    if (is_dataset_dir(fs::path(env) / "kaspersky")) return (fs::path(env) / "kaspersky").string();
  }
  if (const fs::path dir = exe_dir(); !dir.empty()) {
    const fs::path installed = dir / ".." / "share" / "skg" / "kaspersky";
    if (is_dataset_dir(installed)) return fs::weakly_canonical(installed).string();
  }
#ifdef SKG_SOURCE_DATASET_DIR
  if (is_dataset_dir(SKG_SOURCE_DATASET_DIR)) return std::string(SKG_SOURCE_DATASET_DIR);
#endif
  return std::nullopt;
}


namespace {
std::string thousands(std::uint64_t value) {
  std::string digits = std::to_string(value), out;
  for (std::size_t at = 0; at < digits.size(); ++at) {
    if (at > 0 && (digits.size() - at) % 3 == 0) out += ',';
    out += digits[at];
  }
  return out;
}
std::string plural(std::uint64_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", thousands(count), count == 1 ? one : many);
}
}  // namespace

std::string load_summary(const LoadReport& report) {
  const std::uint64_t releases = report.count("older releases left out");
  const std::uint64_t skipped = report.skipped.size() - std::min<std::uint64_t>(report.skipped.size(), releases);
  std::string out = fmt::format(
      "loaded {} ({:.2f} MB) in {:.2f} s: {}, {}; {} skipped, {}, {}",
      plural(report.files.size(), "file", "files"), report.bytes / 1e6, report.seconds,
      plural(report.count("entities"), "entity", "entities"), plural(report.count("actions"), "listing", "listings"),
      plural(skipped, "bad record or file", "bad records or files"),
      plural(report.unresolved.size(), "unresolved reference", "unresolved references"),
      plural(report.warnings.size(), "warning", "warnings"));
  if (releases > 0) out += fmt::format("; {} left out", plural(releases, "older list release", "older list releases"));
  if (const std::uint64_t conflicts = report.count("identifier conflicts"); conflicts > 0)
    out += fmt::format("; {} (`conflicts` lists them)", plural(conflicts, "identifier conflict", "identifier conflicts"));
  return out;
}

std::vector<std::string> load_issues(const LoadReport& report, std::size_t limit) {
  std::vector<std::string> out;
  for (const LoadIssue& issue : report.skipped) {
    if (out.size() == limit) {
      out.push_back(fmt::format("... and {} more", report.skipped.size() - limit));
      break;
    }
    std::string where = issue.file;
    if (issue.line != 0) where += fmt::format(":{}", issue.line);
    if (!issue.record.empty()) where += fmt::format(" (record '{}')", issue.record);
    out.push_back(fmt::format("left out {}: {}", where, issue.reason));
  }
  return out;
}

Session::Session() : database_(Graph()) {}
Session::Session(Graph graph) : database_(std::move(graph)) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

Date Session::date() const {
  if (options.as_of) return *options.as_of;
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return Date{static_cast<std::int32_t>(today.time_since_epoch().count())};
}

void Session::replace_graph(Graph graph) {
  database_ = Database(std::move(graph));
  completion_words_.clear();
}

LoadReport Session::load_into(Builder& builder, const std::string& spec, ProgressBar* bar) const {
  LoadOptions load_options;
  load_options.on_bad_record = options.on_bad_record;
  if (bar != nullptr)
    load_options.progress = [bar](const LoadProgress& progress) { bar->update(progress); };
  load_options.cancel = &interrupt_flag();
  return load_spec(spec, builder, load_options);  // the façade's reading of "FORMAT:PATH"
}

LoadReport Session::load(std::span<const std::string> specs) {
  // Everything happens on copies: the session's graph and list of sources change only once every
  // file and snapshot of the command has been read, so `load A B` with a bad B leaves no trace
  // of A (and Ctrl-C, which sets interrupt_flag(), leaves the graph as it was too).
  InterruptScope interruptible;
  std::optional<Graph> base;  // a snapshot given among the specs (--data x.skg)
  std::vector<std::string> data;
  for (const auto& spec : specs) {
    if (looks_like_snapshot(spec)) {
      // A Builder starts from one graph but cannot add a second one: a snapshot comes first.
      if (base || graph().node_count() != 0 || !data.empty())
        throw Error(fmt::format("{}: a snapshot opens first, before any other data (start a new "
                                "session with --snapshot {})",
                                spec, spec));
      base = skg::open_snapshot(spec);
    } else {
      data.push_back(spec);
    }
  }
  std::vector<LoadedSource> added;
  for (const auto& spec : specs)
    if (looks_like_snapshot(spec)) added.push_back({spec, "snapshot", {}});
  LoadReport total;
  if (data.empty()) {
    if (base) replace_graph(std::move(*base));
    for (auto& source : added) sources_.push_back(std::move(source));
    return total;
  }
  const Graph& start = base ? *base : graph();
  Builder builder = start.node_count() == 0 ? Builder() : Builder(start);
  ProgressBar bar(options.progress && isatty(STDERR_FILENO));
  for (const auto& spec : data) {
    LoadReport report = load_into(builder, spec, &bar);
    total.merge(report);
    added.push_back({spec, "data", std::move(report)});
  }
  bar.phase("building the graph ...");
  Graph built = std::move(builder).freeze();
  if (interrupt_flag().load()) throw LoadCancelled("load cancelled");  // during the freeze
  replace_graph(std::move(built));
  // Found on the merged graph (RULES.md §9.5); `conflicts` lists them.
  if (const std::size_t conflicts = identifier_conflicts(graph()).size(); conflicts != 0)
    total.add("identifier conflicts", conflicts);
  for (auto& source : added) sources_.push_back(std::move(source));
  return total;
}

void Session::open_snapshot(const std::string& path) {
  // A Builder starts from one graph (Builder(const Graph&)) but cannot add a second one, so a
  // snapshot comes first and other data merges on top of it.
  if (graph().node_count() != 0)
    throw Error(
        fmt::format("{}: a snapshot opens first, before any other data (start a new "
                    "session with --snapshot {})",
                    path, path));
  replace_graph(skg::open_snapshot(path));
  sources_.push_back({path, "snapshot", {}});
}

LoadReport Session::load_bundled() {
  const auto dir = bundled_dataset_dir();
  if (!dir)
    throw Error(
        "the bundled Kaspersky dataset was not found: set SKG_DATA_DIR to its folder "
        "(datasets/kaspersky in the source tree, share/skg/kaspersky when installed)");
  LoadReport report = load(*dir);
  if (!sources_.empty()) sources_.back().kind = "bundled";
  return report;
}

Graph Session::read_graph(const std::string& spec) const {
  if (looks_like_snapshot(spec)) return skg::open_snapshot(spec);
  InterruptScope interruptible;
  Builder builder;
  ProgressBar bar(options.progress && isatty(STDERR_FILENO));
  load_into(builder, spec, &bar);
  bar.phase("building the graph ...");
  return std::move(builder).freeze();
}

Graph Session::read_graph(std::span<const std::string> specs) const {
  if (specs.size() == 1) return read_graph(specs.front());
  std::optional<Graph> base;
  for (const auto& spec : specs) {
    if (!looks_like_snapshot(spec)) continue;
    if (base) throw Error(fmt::format("{}: only one snapshot can be the base of a version", spec));
    base = skg::open_snapshot(spec);
  }
  InterruptScope interruptible;
  Builder builder = base ? Builder(*base) : Builder();
  ProgressBar bar(options.progress && isatty(STDERR_FILENO));
  for (const auto& spec : specs)
    if (!looks_like_snapshot(spec)) load_into(builder, spec, &bar);
  bar.phase("building the graph ...");
  return std::move(builder).freeze();
}

const std::vector<std::pair<std::string, std::string_view>>& Session::completion_words() const {
  if (!completion_words_.empty() || graph().node_count() == 0) return completion_words_;
  auto lower = [](std::string_view text) {
    std::string out(text);
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
  };
  for (std::uint32_t at = 0; at < graph().node_count(); ++at) {
    const NodeId node{at};
    if (graph().kind(node) == NodeKind::Action || graph().kind(node) == NodeKind::Authority) continue;
    for (StringId id : graph().external_ids(node))
      completion_words_.emplace_back(lower(graph().string(id)), graph().string(id));
    for (const Name& name : graph().names(node))
      completion_words_.emplace_back(lower(graph().string(name.text)), graph().string(name.text));
  }
  std::sort(completion_words_.begin(), completion_words_.end());
  completion_words_.erase(std::unique(completion_words_.begin(), completion_words_.end()),
                          completion_words_.end());
  return completion_words_;
}

}  // namespace skg::shell
