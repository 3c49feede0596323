#include "skg/skg.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <shared_mutex>

#include "skg/graph/builder.h"
#include "skg/graph/snapshot.h"
#include "skg/queries/identifiers.h"

namespace skg::inline v1 {

// ---------------------------------------------------------------------------------------------
// The caches: each entry is made once (std::call_once), by the first thread that needs it, while
// other threads asking for other entries go on; a reader takes the shared lock only to find the
// entry. The per-day caches keep CacheOptions::days entries (per rule for blocked sets), the least
// recently used going first; an entry is held by shared_ptr, so a caller (or a thread still
// making it) keeps a dropped entry alive until it lets go.

namespace {
template <class T>
struct Lazy {
  std::once_flag once;
  std::optional<T> value;
  template <class Make>
  const T& get(Make&& make) {
    std::call_once(once, [&] { value.emplace(make()); });
    return *value;
  }
};

/// A map of lazily made values, bounded to `capacity` entries, least recently used first out.
template <class Key, class T>
class BoundedCache {
 public:
  explicit BoundedCache(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  template <class Make>
  std::shared_ptr<const T> get(const Key& key, Make&& make) {
    std::shared_ptr<Lazy<T>> slot = find_or_add(key);
    const T& value = slot->get(make);
    return std::shared_ptr<const T>(std::move(slot), &value);  // shares the slot's ownership
  }
  std::size_t size() const {
    std::shared_lock lock(mutex_);
    return entries_.size();
  }

 private:
  struct Entry {
    std::shared_ptr<Lazy<T>> slot;
    mutable std::atomic<std::uint64_t> used{0};
  };
  std::shared_ptr<Lazy<T>> find_or_add(const Key& key) {
    const std::uint64_t now = clock_.fetch_add(1, std::memory_order_relaxed);
    {
      std::shared_lock lock(mutex_);
      const auto found = entries_.find(key);
      if (found != entries_.end()) {
        found->second.used.store(now, std::memory_order_relaxed);
        return found->second.slot;
      }
    }
    std::unique_lock lock(mutex_);
    auto [at, added] = entries_.try_emplace(key);
    at->second.used.store(now, std::memory_order_relaxed);
    if (!added) return at->second.slot;
    at->second.slot = std::make_shared<Lazy<T>>();
    std::shared_ptr<Lazy<T>> slot = at->second.slot;
    while (entries_.size() > capacity_) {
      auto oldest = entries_.end();
      for (auto it = entries_.begin(); it != entries_.end(); ++it)
        if (it->first != key && (oldest == entries_.end() ||
                                 it->second.used.load(std::memory_order_relaxed) <
                                     oldest->second.used.load(std::memory_order_relaxed)))
          oldest = it;
      entries_.erase(oldest);
    }
    return slot;
  }

  std::size_t capacity_;
  mutable std::shared_mutex mutex_;  // guards the map, not the values
  std::map<Key, Entry> entries_;
  std::atomic<std::uint64_t> clock_{1};
};
}  // namespace

struct Database::State {
  Graph graph;
  std::vector<LoadReport> reports;
  std::vector<LoadedSource> sources;
  Lazy<ScreenIndex> screen;
  Lazy<IdentifierIndex> identifiers;
  std::vector<std::unique_ptr<BoundedCache<std::int32_t, BlockedSet>>> blocked;  // one per rule
  BoundedCache<std::int32_t, ListedSet> listed;

  State(Graph graph, CacheOptions cache) : graph(std::move(graph)), listed(cache.days) {
    for (int rule = 0; rule < kRuleCount; ++rule)
      blocked.push_back(std::make_unique<BoundedCache<std::int32_t, BlockedSet>>(cache.days));
  }

  std::shared_ptr<const BlockedSet> blocked_set(Rule rule, Date day) {
    const auto at = static_cast<std::size_t>(rule);
    if (at >= blocked.size()) throw Error(fmt::format("no rule number {}", at));
    return blocked[at]->get(day.days, [&] {
      return skg::blocked_set(graph, {.rule = rule, .as_of = day});
    });
  }
  std::shared_ptr<const ListedSet> listed_set(Date day) {
    return listed.get(day.days, [&] { return ListedSet(graph, day); });
  }
};

// ---------------------------------------------------------------------------------------------
// Database

std::pair<std::optional<Format>, std::string> parse_data_spec(std::string_view spec) {
  namespace fs = std::filesystem;
  const auto colon = spec.find(':');
  if (colon == std::string_view::npos || colon == 0) return {std::nullopt, std::string(spec)};
  const std::string_view prefix = spec.substr(0, colon);
  if (const auto format = parse_format(prefix))
    return {format, std::string(spec.substr(colon + 1))};
  // "C:..." or a file whose name has a colon: a path, when it exists.
  std::error_code error;
  if (fs::exists(std::string(spec), error)) return {std::nullopt, std::string(spec)};
  // Only a word made of format-name letters is read as a format name gone wrong.
  if (std::all_of(prefix.begin(), prefix.end(),
                  [](char c) { return std::isalnum((unsigned char)c) || c == '-'; }))
    throw Error(
        fmt::format("unknown format '{}' in '{}' (formats: {})", prefix, spec, format_names()));
  return {std::nullopt, std::string(spec)};
}

Database::Database(Graph graph, CacheOptions cache)
    : state_(std::make_unique<State>(std::move(graph), cache)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

LoadReport load_spec(std::string_view spec, Builder& builder, LoadOptions options) {
  namespace fs = std::filesystem;
  auto [format, path] = parse_data_spec(spec);
  std::error_code error;
  if (!fs::exists(path, error)) throw LoadError(path, 0, "no such file or folder");
  if (format) options.format = format;
  return skg::load(path, builder, options);
}

Database Database::open(std::span<const std::string> paths, const OpenOptions& options) {
  Builder builder;
  std::vector<LoadedSource> sources;
  for (const std::string& spec : paths) {
    LoadOptions load_options;
    load_options.on_bad_record = options.on_bad_record;
    load_options.cancel = options.cancel;
    sources.push_back({spec, "data", load_spec(spec, builder, load_options)});
  }
  Database database(std::move(builder).freeze(), options.cache);
  for (const LoadedSource& source : sources) database.state_->reports.push_back(source.report);
  database.state_->sources = std::move(sources);
  return database;
}

Database Database::open_snapshot(const std::string& path, CacheOptions cache) {
  Database database(skg::open_snapshot(path), cache);
  database.state_->sources.push_back({path, "snapshot", {}});
  return database;
}

const Graph& Database::graph() const noexcept { return state_->graph; }
const std::vector<LoadReport>& Database::reports() const noexcept { return state_->reports; }
const std::vector<LoadedSource>& Database::sources() const noexcept { return state_->sources; }

Database::CacheCounts Database::cached() const {
  CacheCounts counts;
  counts.listed_sets = state_->listed.size();
  for (const auto& cache : state_->blocked) counts.blocked_sets += cache->size();
  return counts;
}

const ScreenIndex& Database::screen_index() const {
  return state_->screen.get([&] { return build_screen_index(state_->graph); });
}
const IdentifierIndex& Database::identifier_index() const {
  return state_->identifiers.get([&] { return build_identifier_index(state_->graph); });
}

View Database::as_of(std::string_view yyyy_mm_dd) const {
  const auto day = Date::parse(yyyy_mm_dd);
  if (!day || yyyy_mm_dd.size() != 10)
    throw Error(fmt::format("'{}' is not a date: write YYYY-MM-DD, e.g. 2024-08-01", yyyy_mm_dd));
  return View(this, *day);
}

View Database::today() const noexcept {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return View(this, Date{static_cast<std::int32_t>(today.time_since_epoch().count())});
}

void Database::save(const std::string& path) const { skg::save(state_->graph, path); }

// ---------------------------------------------------------------------------------------------
// View

namespace {

/// "AO Kaspersky Lab [kaspersky-ao-kaspersky-lab]", as the shell names a party.
std::string label(const Graph& graph, NodeId node) {
  const auto ids = graph.external_ids(node);
  const std::string_view id = ids.empty() ? std::string_view() : graph.string(ids.front());
  const std::string_view name = graph.name(node);
  if (name.empty()) return std::string(id);
  if (id.empty() || id == name) return std::string(name);
  return fmt::format("{} [{}]", name, id);
}

void check_node(const Graph& graph, NodeId node) {
  if (index(node) >= graph.node_count())
    throw Error(fmt::format("node {} is not in this graph ({} nodes)", index(node), graph.node_count()));
}

}  // namespace

const Graph& View::graph() const noexcept { return database_->graph(); }

NodeId View::resolve(std::string_view text) const {
  const Graph& graph = this->graph();
  if (text.empty()) throw ResolveError(ResolveError::Kind::NotFound, "no entity given: type an id or a name");
  if (const auto node = graph.find(text)) return *node;
  // A name exactly as some party has it (after case and punctuation folding).
  std::vector<NodeId> exact;
  for (NodeId node : graph.find_by_name(text))
    if (graph.kind(node) != NodeKind::Action && graph.kind(node) != NodeKind::Authority &&
        std::find(exact.begin(), exact.end(), node) == exact.end())
      exact.push_back(node);
  if (exact.size() == 1) return exact.front();
  if (exact.size() > 1) {
    std::string list;
    for (std::size_t at = 0; at < exact.size() && at < 8; ++at)
      list += fmt::format("{}{}", at == 0 ? "" : "; ", label(graph, exact[at]));
    throw ResolveError(ResolveError::Kind::Ambiguous,
                       fmt::format("'{}' names {} parties: {}{} (use an id)", text, exact.size(),
                                   list, exact.size() > 8 ? "; ..." : ""),
                       exact);
  }
  // Screening: one clear best party, else the candidates. Names only, every date: a typed name
  // should find the party whatever the view's day (its listings are the question, not the key).
  ScreenOptions options;
  options.limit = 6;
  options.min_score = 0.05;  // resolving a typed name: weaker candidates help name the party
  const auto hits = skg::screen(graph, database_->screen_index(), text, options);
  if (hits.empty())
    throw ResolveError(
        ResolveError::Kind::NotFound,
        fmt::format("no entity has the id or name '{}', and screening finds none like it", text));
  // Clear: exact, or above the default threshold and well ahead of the next candidate.
  const bool clear = (hits[0].exact && (hits.size() == 1 || !hits[1].exact)) ||
                     (hits[0].score >= kDefaultScreenThreshold &&
                      (hits.size() == 1 || hits[0].score - hits[1].score >= 0.15));
  if (clear) return hits[0].node;
  std::string list;
  std::vector<NodeId> candidates;
  for (std::size_t at = 0; at < hits.size(); ++at) {
    list += fmt::format("{}{} ({:.2f})", at == 0 ? "" : "; ", label(graph, hits[at].node),
                        hits[at].score);
    candidates.push_back(hits[at].node);
  }
  throw ResolveError(ResolveError::Kind::Ambiguous,
                     fmt::format("'{}' is ambiguous: {} (use an id)", text, list), candidates);
}

namespace {
template <class Options>
void take_day(Options& options, Date day, std::string_view query) {
  if (options.as_of && *options.as_of != day)
    throw Error(fmt::format("{}: options.as_of ({}) differs from the view's day ({}): take the view "
                            "of that day instead",
                            query, options.as_of->to_string(), day.to_string()));
  options.as_of = day;
}
}  // namespace

std::vector<ScreenHit> View::screen(std::string_view name, ScreenOptions options) const {
  take_day(options, day_, "screen");
  return skg::screen(graph(), database_->screen_index(), name, options);
}

std::vector<ScreenHit> View::screen(const ScreenQuery& query, ScreenOptions options) const {
  take_day(options, day_, "screen");
  return skg::screen_query(graph(), database_->screen_index(), database_->identifier_index(), query,
                           options);
}

PartyFacts View::show(NodeId party) const {
  const Graph& graph = this->graph();
  check_node(graph, party);
  PartyFacts facts;
  facts.node = party;
  const auto ids = graph.external_ids(party);
  facts.id = ids.empty() ? std::string_view() : graph.string(ids.front());
  facts.name = graph.name(party);
  facts.kind = graph.kind(party);
  facts.listings = listings(party);
  facts.listed = !facts.listings.in_force.empty();
  return facts;
}

Listings View::listings(NodeId party, std::string_view authority) const {
  check_node(graph(), party);
  return skg::listings(graph(), party, day_, authority);
}

bool View::is_listed(NodeId party, std::string_view authority) const {
  check_node(graph(), party);
  return skg::is_listed(graph(), party, day_, authority);
}

Exposure View::exposure(NodeId entity, Rule rule) const {
  return skg::exposure(graph(), *blocked(rule), entity);  // checks the node and the set's graph
}

std::shared_ptr<const ListedSet> View::listed() const { return database_->state().listed_set(day_); }

std::shared_ptr<const BlockedSet> View::blocked(Rule rule) const {
  return database_->state().blocked_set(rule, day_);
}

WhatIfResult View::whatif(Rule rule, WhatIfChanges changes, WhatIfOptions options) const {
  const auto baseline = blocked(rule);  // held while the engine reads it
  return skg::what_if(graph(), *baseline, std::move(changes), options);
}

std::vector<NodeId> View::blocked_parties(Rule rule) const {
  return skg::blocked_parties(graph(), *blocked(rule));
}

std::vector<ReachHit> View::reach(NodeId from, ReachOptions options) const {
  check_node(graph(), from);
  take_day(options, day_, "reach");
  if (options.listed != nullptr)
    throw Error("reach: options.listed is supplied by the view (its cached listed set)");
  std::shared_ptr<const ListedSet> listed;  // held while reach reads it
  if (options.authority.empty()) {
    listed = database_->state().listed_set(day_);
    options.listed = listed.get();
  }
  return skg::reach(graph(), from, options);
}

std::optional<Path> View::path(NodeId a, NodeId b, PathOptions options) const {
  check_node(graph(), a);
  check_node(graph(), b);
  take_day(options, day_, "path");
  return skg::path(graph(), a, b, options);
}

std::vector<OwnershipStep> View::owners(NodeId node, OwnershipOptions options) const {
  check_node(graph(), node);
  take_day(options, day_, "owners");
  return skg::owners(graph(), node, options);
}

std::vector<OwnershipStep> View::subsidiaries(NodeId node, OwnershipOptions options) const {
  check_node(graph(), node);
  take_day(options, day_, "subsidiaries");
  return skg::subsidiaries(graph(), node, options);
}

GraphDiff View::diff(const View& newer) const { return skg::diff(graph(), newer.graph()); }

std::vector<NodeId> blocked_parties(const Graph& graph, const BlockedSet& blocked) {
  if (!blocked.built_for(graph)) throw Error("blocked_parties: the blocked set was built for another graph");
  std::vector<NodeId> parties;
  for (Verdict verdict : {Verdict::Yes, Verdict::Possibly})
    for (NodeId node : blocked.nodes(verdict))
      if (!blocked.listed(node) && graph.kind(node) != NodeKind::Action) parties.push_back(node);
  return parties;
}


}  // namespace skg
