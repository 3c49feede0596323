// skg/skg.h: the one header an embedder includes: open a Database, take a View of one day, ask.
#pragma once
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "skg/graph/graph.h"
#include "skg/loaders/load.h"
#include "skg/queries/as_of.h"
#include "skg/queries/diff.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"
#include "skg/queries/screen.h"
#include "skg/queries/screen_query.h"
#include "skg/queries/whatif.h"
#include "skg/version.h"

namespace skg::inline v1 {

/// ENTITY text that names no party, or more than one: the candidates are named in what() and
/// listed in candidates() (best first), so a caller can ask the user which one.
class ResolveError : public Error {
 public:
  enum class Kind : std::uint8_t { NotFound, Ambiguous };
  ResolveError(Kind kind, std::string message, std::vector<NodeId> candidates = {})
      : Error(std::move(message)), kind_(kind), candidates_(std::move(candidates)) {}
  Kind kind() const noexcept { return kind_; }
  const std::vector<NodeId>& candidates() const noexcept { return candidates_; }

 private:
  Kind kind_;
  std::vector<NodeId> candidates_;
};

/// Everything `show` says about one party on the view's day.
struct PartyFacts {
  NodeId node = kNoNode;
  std::string_view id;    // its first external id ("ofac-sdn:45815"); lives with the graph
  std::string_view name;  // primary name
  NodeKind kind = NodeKind::LegalEntity;
  bool listed = false;    // a listing in force on the day (the same test as View::is_listed)
  Listings listings;      // split by the day
};

class Database;

/// The graph as of one calendar day: every question asked of a View uses that day, and only it.
///
/// As-of policy (one for every query): a fact holds on the day when its dates contain it; open
/// ends are open (a listing with no end is in force until its source says otherwise; a fact with
/// no dates at all holds every day). A listing, a stake or a rule period that ended before the
/// day does not count, one that starts after it does not count yet. There is no undated view:
/// the query layer's `std::nullopt` means "every fact, whatever its dates" for `is_listed`,
/// `listings`, `reach` and `screen`, but "the latest state" (ended facts ended) for `exposure`
/// and `blocked_set`, so a delisted party is listed by one and not by the other. A View never
/// passes nullopt; `Database::today()` is the view of the current UTC day.
///
/// A View is a small value (a pointer and a day), cheap to copy; it must not outlive its
/// Database. All of its methods are const and safe to call from many threads at once: the
/// indexes they need are built once, on first use, and shared; the listed and blocked sets of a
/// day are built on first use and shared while the Database's bounded cache keeps them.
///   auto view = db.as_of("2024-08-01");
///   skg::Exposure answer = view.exposure(view.resolve("Kaspersky Lab"), skg::Rule::Ofac);
class View {
 public:
  Date day() const noexcept { return day_; }
  const Graph& graph() const noexcept;
  const Database& database() const noexcept { return *database_; }

  /// ENTITY as a user types it: an external id ("ofac-sdn:45815"), else a name exactly one party
  /// has, else the one party screening finds clearly first. Throws ResolveError naming the
  /// candidates when the text is ambiguous or matches nothing.
  NodeId resolve(std::string_view text) const;

  /// Screening by name (see skg::screen). `options.as_of` must be unset or the view's day.
  std::vector<ScreenHit> screen(std::string_view name, ScreenOptions options = {}) const;
  /// Screening with identifiers and the caller's facts (see skg::screen_query).
  std::vector<ScreenHit> screen(const ScreenQuery& query, ScreenOptions options = {}) const;

  PartyFacts show(NodeId party) const;
  /// The party's listings split by the day; `authority` ("OFAC") filters.
  Listings listings(NodeId party, std::string_view authority = {}) const;
  /// True when the party has a listing in force on the day.
  bool is_listed(NodeId party, std::string_view authority = {}) const;
  /// Every party listed on the day (any authority), as a bit per node: computed once per day and
  /// kept in the Database's cache (CacheOptions); the pointer keeps the set alive after the cache
  /// has dropped it.
  std::shared_ptr<const ListedSet> listed() const;

  /// Listed? Blocked by ownership under `rule`? Why? From the cached blocked set of (rule, day).
  Exposure exposure(NodeId entity, Rule rule = Rule::Ofac) const;
  Exposure exposure(std::string_view entity, Rule rule = Rule::Ofac) const {
    return exposure(resolve(entity), rule);
  }
  /// Every node's verdict under `rule` on the day: computed once per (rule, day), then shared
  /// while the Database's cache keeps it (CacheOptions); the pointer keeps the set alive after
  /// the cache has dropped it.
  std::shared_ptr<const BlockedSet> blocked(Rule rule = Rule::Ofac) const;
  /// The parties `rule` blocks on the day by ownership or control, not designated themselves
  /// (the rows of the shell's `blocked`): every Verdict::Yes, then every Verdict::Possibly.
  std::vector<NodeId> blocked_parties(Rule rule = Rule::Ofac) const;
  /// What if `changes` were made under `rule` on the day: every party whose verdict changes,
  /// with exposure()'s answers before and after, from the cached blocked set (no rebuild).
  ///   auto answer = view.whatif(skg::Rule::Ofac, {.designate = {view.resolve("Eugene Kaspersky")}});
  WhatIfResult whatif(Rule rule, WhatIfChanges changes, WhatIfOptions options = {}) const;

  /// Listed parties within `options.max_hops` (see skg::reach). `options.as_of` and
  /// `options.listed` must be unset: the view supplies the day and its cached listed set.
  std::vector<ReachHit> reach(NodeId from, ReachOptions options = {}) const;
  /// One shortest path from `a` to `b` on the day, or nullopt.
  std::optional<Path> path(NodeId a, NodeId b, PathOptions options = {}) const;
  /// Owner and subsidiary chains on the day (see skg::owners).
  std::vector<OwnershipStep> owners(NodeId node, OwnershipOptions options = {}) const;
  std::vector<OwnershipStep> subsidiaries(NodeId node, OwnershipOptions options = {}) const;

  /// What changed from this view's database to `newer`'s (matched by external ids; diff is
  /// about versions, not days, so the day plays no part).
  GraphDiff diff(const View& newer) const;

 private:
  friend class Database;
  View(const Database* database, Date day) noexcept : database_(database), day_(day) {}
  const Database* database_;
  Date day_;
};

/// What a Database keeps of the answers it computes per day. Listed sets (a bit per node) and
/// blocked sets (a few bytes per node) are made on first use for a day; a service asked about
/// many days would keep them all, so each cache is bounded, least recently used first out.
struct CacheOptions {
  /// Listed sets kept (one per day), and blocked sets kept for each rule (one per day); at least 1.
  std::size_t days = 16;
};

/// Where a Database comes from: files and folders ("PATH" or "FORMAT:PATH", as the shell's
/// --data takes them), merged into one graph, all or nothing.
struct OpenOptions {
  OnBadRecord on_bad_record = OnBadRecord::Fail;
  /// Set (from another thread or a signal handler) to stop a long load: LoadCancelled is thrown.
  const std::atomic<bool>* cancel = nullptr;
  CacheOptions cache;
};

/// One thing loaded into a Database (or the shell's session): "FORMAT:PATH" or "PATH" as given.
struct LoadedSource {
  std::string spec;
  std::string kind;  // "data", "snapshot", "bundled"
  LoadReport report;
};

/// The parties `blocked` blocks by ownership or control and not by designation of their own:
/// every Verdict::Yes, then every Verdict::Possibly, in node order; actions left out.
std::vector<NodeId> blocked_parties(const Graph& graph, const BlockedSet& blocked);

/// Splits "ofac-sdn:path/to/sdn.csv" into its format and path; a plain path has no format.
/// Throws Error for an unknown format name.
std::pair<std::optional<Format>, std::string> parse_data_spec(std::string_view spec);

/// Loads one data spec ("PATH" or "FORMAT:PATH") into `builder`, as Database::open does for each
/// of its paths and the shell's `load` for each of its arguments: the spec's format, if it names
/// one, replaces options.format; a path that does not exist is a LoadError naming it.
LoadReport load_spec(std::string_view spec, Builder& builder, LoadOptions options = {});

/// A frozen graph and the caches that make repeated questions cheap (name and identifier
/// indexes, listed sets and blocked sets per rule and day), bound to that graph. Move-only;
/// Views taken from it stay valid across a move.
///   auto db = skg::Database::open({"datasets/kaspersky"});
///   for (const auto& report : db.reports()) ...
///   auto answer = db.as_of("2024-08-01").exposure("AO Kaspersky Lab", skg::Rule::Ofac);
class Database {
 public:
  /// Loads files or folders into one graph. Bad input throws LoadError (a skg::Error) with
  /// file(), line(), record() and reason(); nothing is half-loaded.
  static Database open(std::span<const std::string> paths, const OpenOptions& options = {});
  static Database open(std::initializer_list<std::string> paths, const OpenOptions& options = {}) {
    const std::vector<std::string> list(paths);
    return open(std::span<const std::string>(list), options);
  }
  /// Maps a snapshot written by save() (or `skg save`); throws Error naming what is wrong.
  static Database open_snapshot(const std::string& path, CacheOptions cache = {});
  /// Takes a graph built by the caller.
  explicit Database(Graph graph, CacheOptions cache = {});

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  const Graph& graph() const noexcept;
  /// One report per path given to open(), in order (empty for a snapshot or a given graph).
  const std::vector<LoadReport>& reports() const noexcept;
  /// What was opened, in order: each path given to open() ("data", with its report), or the
  /// snapshot ("snapshot"); empty for a given graph.
  const std::vector<LoadedSource>& sources() const noexcept;

  /// How many listed and blocked sets the caches hold now (CacheOptions bounds them).
  struct CacheCounts {
    std::size_t listed_sets = 0, blocked_sets = 0;
  };
  CacheCounts cached() const;

  /// The name and identifier indexes screening uses: built on first use, then shared.
  const ScreenIndex& screen_index() const;
  const IdentifierIndex& identifier_index() const;

  /// The view of `day`; of "YYYY-MM-DD" (throws Error for anything else); of today (UTC).
  View as_of(Date day) const noexcept { return View(this, day); }
  View as_of(std::string_view yyyy_mm_dd) const;
  View today() const noexcept;

  /// Writes the graph as a snapshot (skg::save).
  void save(const std::string& path) const;

  /// The caches, for the View (internal).
  struct State;
  State& state() const noexcept { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

}  // namespace skg
