// tools/skg/session.h: the shell's state: the graph, the options, query caches, what was loaded.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "render.h"
#include "skg/graph/graph.h"
#include "skg/loaders/load.h"
#include "skg/skg.h"

namespace skg::shell {

class ProgressBar;

/// Options that hold for every command of a session (the shell's flags, `as-of` in the REPL).
struct SessionOptions {
  bool json = false;          // --json: one JSON document per command on stdout
  std::optional<Date> as_of;  // --as-of / `as-of DATE`; unset: today
  Style style;                // colour and width of text output
  bool progress = false;      // a progress bar on stderr for loads over a second (a terminal)
  /// --on-bad-record skip: loads leave bad records out and list them (LoadReport::skipped).
  OnBadRecord on_bad_record = OnBadRecord::Fail;
};

/// One line that sums a load up: "loaded 3 files (1.20 MB) in 0.41 s: 4,228 entities, 4,228
/// listings; 1 bad record skipped, 0 unresolved references, 0 warnings".
std::string load_summary(const LoadReport& report);
/// The records a load left out and the files it did not read, one line each, at most `limit`
/// (then "... and N more").
std::vector<std::string> load_issues(const LoadReport& report, std::size_t limit = 10);

// LoadedSource (one thing loaded: spec, kind, report): skg/skg.h.

/// The folder of the bundled Kaspersky case: $SKG_DATA_DIR, then <exe dir>/../share/skg/kaspersky,
/// then the source tree this binary was built from. nullopt when none of them has it.
std::optional<std::string> bundled_dataset_dir();

/// The graph and everything the commands share. The graph is replaced (never edited) by `load`,
/// and every cache built on it is dropped with it.
class Session {
 public:
  Session();
  explicit Session(Graph graph);
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  const Graph& graph() const noexcept { return database_.graph(); }
  /// The graph with its caches (indexes, listed and blocked sets): the shell is a client of the
  /// embedding façade (skg/skg.h), like any other program.
  const Database& database() const noexcept { return database_; }
  /// The graph as of `day`: every query of a command asks through it.
  View view(Date day) const noexcept { return database_.as_of(day); }
  SessionOptions options;
  bool quit_requested = false;  // set by `quit`; the REPL and the line reader stop

  /// The day questions are asked about: options.as_of, or today.
  Date date() const;

  /// Loads files or folders ("PATH" or "FORMAT:PATH") and merges them with the current graph,
  /// all or nothing: on LoadError (or Error) the session keeps the graph it had.
  LoadReport load(std::span<const std::string> specs);
  LoadReport load(const std::string& spec) { return load(std::span<const std::string>(&spec, 1)); }
  /// Replaces the graph with a snapshot (skg::open_snapshot), or merges it when one is loaded.
  void open_snapshot(const std::string& path);
  /// Loads the bundled Kaspersky case; throws Error when it cannot be found.
  LoadReport load_bundled();
  /// Everything loaded so far, in order.
  const std::vector<LoadedSource>& sources() const noexcept { return sources_; }

  /// Reads a file or folder into a graph of its own (for `diff OLD NEW`): a snapshot if the file
  /// is one, else through the loaders.
  Graph read_graph(const std::string& spec) const;
  /// Several files, folders or snapshots read into one graph (a snapshot first, the rest on top),
  /// as `load A B` would make it (for `watch PORTFOLIO OLD NEW` with OLD = "a.csv,b.csv").
  Graph read_graph(std::span<const std::string> specs) const;

  /// Sorted (lowercase key, text) pairs of every id and primary name, for tab completion.
  const std::vector<std::pair<std::string, std::string_view>>& completion_words() const;


 private:
  void replace_graph(Graph graph);
  LoadReport load_into(Builder& builder, const std::string& spec, ProgressBar* bar) const;

  Database database_;  // the graph and the caches bound to it, replaced together
  std::vector<LoadedSource> sources_;
  mutable std::vector<std::pair<std::string, std::string_view>> completion_words_;
};

// parse_data_spec ("FORMAT:PATH"): skg/skg.h.

}  // namespace skg::shell
