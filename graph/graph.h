// graph/graph.h: the frozen graph: CSR adjacency both ways, node and edge columns, indexes.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/column.h"
#include "skg/graph/ids.h"
#include "skg/graph/model.h"
#include "skg/graph/strings.h"

namespace skg::inline v1 {

class Builder;
namespace detail {
/// Provenance records (file, record, line) as a builder and a batch hold them: the records' ids
/// a column of their own, the files as runs (a file's records come one after another), and the
/// lines as runs of consecutive lines while that takes less room (a bulk table's rows, an FtM
/// file's lines: one run a file), else a column. Four bytes a record where it was twelve: a
/// 10M-entity skg-csv load holds 40M of them from its first row to the end of freeze().
///   ProvenanceColumn column;  column.push_back({file, record, 7});  column[0].line == 7
class ProvenanceColumn {
 public:
  std::size_t size() const noexcept { return records_.size(); }
  bool empty() const noexcept { return records_.empty(); }
  Provenance operator[](std::size_t at) const noexcept { return {source(at), records_[at], line(at)}; }
  Provenance back() const noexcept { return last_; }
  StringId source(std::size_t at) const noexcept {
    return files_.size() == 1 ? files_.front().second : run_of(files_, at)->second;
  }
  StringId record(std::size_t at) const noexcept { return records_[at]; }
  std::uint32_t line(std::size_t at) const noexcept {
    if (dense_) return lines_[at];
    const auto run = run_of(line_runs_, at);
    return run->second + static_cast<std::uint32_t>(at - run->first);
  }
  void push_back(const Provenance& record) {
    const auto at = static_cast<std::uint32_t>(records_.size());
    if (files_.empty() || files_.back().second != record.source) files_.emplace_back(at, record.source);
    if (dense_) {
      lines_.push_back(record.line);
    } else if (at == 0 || last_.line == 0xFFFFFFFFu || record.line != last_.line + 1) {
      line_runs_.emplace_back(at, record.line);
      // Runs take two numbers: past one run in two records, a column is smaller.
      if (line_runs_.size() > kDenseAfterRuns && line_runs_.size() * 2 > at + 1) densify(at + 1);
    }
    records_.push_back(record.record);
    last_ = record;
  }
  /// Room for `count` records in all (their ids; their lines too once they are a column).
  void reserve(std::size_t count) {
    records_.reserve(count);
    if (dense_) lines_.reserve(count);
  }
  std::size_t capacity() const noexcept { return records_.capacity(); }
  /// Rewrites every file and record id with `map` (a batch's own ids to a builder's).
  template <class Map>
  void map_ids(Map&& map) {
    for (auto& run : files_) run.second = map(run.second);
    // Two staged texts of one file are one id once mapped: one run.
    files_.erase(std::unique(files_.begin(), files_.end(), [](const auto& a, const auto& b) { return a.second == b.second; }),
                 files_.end());
    for (StringId& record : records_) record = map(record);
    last_.source = map(last_.source);
    last_.record = map(last_.record);
  }
  void swap(ProvenanceColumn& other) noexcept {
    files_.swap(other.files_);
    records_.swap(other.records_);
    line_runs_.swap(other.line_runs_);
    lines_.swap(other.lines_);
    std::swap(dense_, other.dense_);
    std::swap(last_, other.last_);
  }
  /// Where the next records are written (Batch::fault_in_ahead).
  ColumnRoom room() const noexcept { return {records_.data() + records_.size(), records_.data() + records_.capacity()}; }

  /// The file runs (first record, file), the records' ids, and the lines: runs (first record,
  /// first line) or, when `dense()`, one a record. Graph::set_provenance reads them.
  const std::vector<std::pair<std::uint32_t, StringId>>& file_runs() const noexcept { return files_; }
  const BigVector<StringId>& records() const noexcept { return records_; }
  BigVector<StringId>&& take_records() noexcept { return std::move(records_); }
  BigVector<std::uint32_t>&& take_lines() noexcept { return std::move(lines_); }
  bool dense() const noexcept { return dense_; }
  const std::vector<std::pair<std::uint32_t, std::uint32_t>>& line_runs() const noexcept { return line_runs_; }
  const BigVector<std::uint32_t>& lines() const noexcept { return lines_; }

 private:
  static constexpr std::size_t kDenseAfterRuns = 64;
  /// The run (first record, value) that record `at` is in: the last run starting at or before it.
  template <class Runs>
  static typename Runs::const_iterator run_of(const Runs& runs, std::size_t at) noexcept {
    return std::prev(std::upper_bound(runs.begin(), runs.end(), at, [](std::size_t x, const auto& run) { return x < run.first; }));
  }
  void densify(std::size_t count);
  std::vector<std::pair<std::uint32_t, StringId>> files_;  // (first record, file)
  BigVector<StringId> records_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> line_runs_;  // (first record, its line)
  BigVector<std::uint32_t> lines_;  // one a record, once dense_
  bool dense_ = false;
  Provenance last_{};
};

struct GraphParts;

/// The edge sources of an opened snapshot, which the file does not store (its forward offsets
/// say them): room taken at the open (address space only), filled at the first read of a source
/// (Graph::source), once, whichever thread asks first. A query that reads no source (screening,
/// an entity's names and listings) never pays for them: 12 MiB of fresh pages at 1M edges, a
/// third of a fresh process's open.
struct LazySources {
  /// Room for the edges and kSpill more items: the fill writes that many past a node's first edge.
  static constexpr std::size_t kSpill = 8;
  NoFillVector<NodeId> items;
  std::once_flag once;
};

/// A flag a Graph reads on every source(): true but for an opened graph whose sources are still
/// to be derived. Moves as a plain value (a graph is not moved while queried).
class ReadyFlag {
 public:
  ReadyFlag() noexcept = default;
  ReadyFlag(ReadyFlag&& other) noexcept : ready_(other.get()) { other.set(true); }
  ReadyFlag& operator=(ReadyFlag&& other) noexcept {
    set(other.get());
    other.set(true);
    return *this;
  }
  bool get() const noexcept { return ready_.load(std::memory_order_acquire); }
  void set(bool ready) noexcept { ready_.store(ready, std::memory_order_release); }

 private:
  std::atomic<bool> ready_{true};
};

/// A number no other Graph object of the process holds: indexes and blocked sets keep the one of
/// the graph they were built from, so that using them with another graph is refused instead of
/// reading out of bounds. A move hands it on and gives the moved-from graph a new one.
class GraphToken {
 public:
  GraphToken() noexcept : value_(next()) {}
  GraphToken(GraphToken&& other) noexcept : value_(other.value_) { other.value_ = next(); }
  GraphToken& operator=(GraphToken&& other) noexcept {
    value_ = other.value_;
    other.value_ = next();
    return *this;
  }
  std::uint64_t value() const noexcept { return value_; }

 private:
  static std::uint64_t next() noexcept;
  std::uint64_t value_;
};
/// The slot a hash index probes first for `hash`, in a table of `size` slots (then the next ones,
/// wrapping). A power-of-two table (as freeze() makes) takes the hash's low bits; another size
/// (a snapshot's tables, sized for a higher load) maps the hash onto the table by a multiply
/// (Lemire, "Fast random integer generation in an interval", ACM TOMACS 2019).
inline std::size_t slot_home(std::uint64_t hash, std::size_t size) noexcept {
  if ((size & (size - 1)) == 0) return hash & (size - 1);
  return static_cast<std::size_t>((static_cast<unsigned __int128>(hash) * size) >> 64);
}
}  // namespace detail

/// Open ends of a stored DateRange (the API hands them out as unset optionals).
inline constexpr std::int32_t kOpenStart = std::numeric_limits<std::int32_t>::min();
inline constexpr std::int32_t kOpenEnd = std::numeric_limits<std::int32_t>::max();

/// A contiguous range of edge ids: the out-edges of one node.
class EdgeRange {
 public:
  class iterator {
   public:
    using value_type = EdgeId;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(std::uint32_t at) : at_(at) {}
    EdgeId operator*() const { return EdgeId{at_}; }
    iterator& operator++() { ++at_; return *this; }
    iterator operator++(int) { auto old = *this; ++at_; return old; }
    friend bool operator==(iterator, iterator) = default;
   private:
    std::uint32_t at_ = 0;
  };
  EdgeRange(std::uint32_t first, std::uint32_t last) : first_(first), last_(last) {}
  iterator begin() const { return iterator(first_); }
  iterator end() const { return iterator(last_); }
  std::size_t size() const { return last_ - first_; }
  bool empty() const { return first_ == last_; }
 private:
  std::uint32_t first_, last_;
};

/// Counts and sizes, for `stats` and the benchmarks.
struct GraphStats {
  std::size_t nodes = 0, edges = 0, strings = 0, names = 0, attributes = 0, provenance = 0;
  std::size_t actions = 0;
  std::size_t nodes_by_kind[kNodeKindCount] = {};
  std::size_t edges_by_kind[kEdgeKindCount] = {};
  std::size_t bytes = 0;  // the columns' size in memory
};

/// A frozen knowledge graph: move-only, never changes, safe to read from many threads.
/// Made by `std::move(builder).freeze()` or `open_snapshot(path)`.
///   skg::Graph graph = std::move(builder).freeze();
///   for (skg::EdgeId e : graph.out_edges(node)) use(graph.target(e), graph.share(e));
class Graph {
 public:
  Graph();
  ~Graph();
  Graph(Graph&&) noexcept;
  Graph& operator=(Graph&&) noexcept;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  std::size_t node_count() const noexcept { return kind_.size(); }
  std::size_t edge_count() const noexcept { return target_.size(); }
  /// Unique to this graph object among all graphs of the process (see detail::GraphToken).
  std::uint64_t token() const noexcept { return token_.value(); }

  // Nodes.
  NodeKind kind(NodeId node) const noexcept { return kind_[index(node)]; }
  /// The primary name ("" only if no source gave one).
  std::string_view name(NodeId node) const noexcept { return string(name_id(node)); }
  StringId name_id(NodeId node) const noexcept {
    if (!name_.empty()) return name_[index(node)];
    // A snapshot leaves the column out when every primary name is the node's first name.
    const auto all = names(node);
    return all.empty() ? kNoString : all[0].text;
  }
  /// Every name: the primary first, then aliases, each with its type and strength.
  std::span<const Name> names(NodeId node) const noexcept { return slice(name_list_, names_at_, node); }
  std::span<const Attribute> attributes(NodeId node) const noexcept {
    if (attribute_.empty()) return {};  // no node has attributes (the offsets are then not stored)
    return slice(attribute_, attributes_at_, node);
  }
  /// The values of one attribute key, in load order ("birthDate", "country", ...).
  std::vector<std::string_view> attribute(NodeId node, std::string_view key) const;
  std::span<const ProvId> provenance(NodeId node) const noexcept {
    if (!node_prov_x_.empty()) return provenance_by_exceptions(node);
    return slice(node_prov_, node_prov_at_, node);
  }
  /// External ids ("ofac-sdn:45815", FtM ids): every id that was merged into this node.
  std::span<const StringId> external_ids(NodeId node) const noexcept {
    return slice(external_id_, external_ids_at_, node);
  }
  /// The records that state names(node)[which]: every record that gives the name (a name two
  /// records state has both), as provenance ids (queries/RULES.md §9.4). A delta that deletes or
  /// replaces one record of a merged party takes the names only that record gave.
  std::span<const ProvId> name_provenance(NodeId node, std::size_t which) const noexcept {
    const std::uint32_t first = names_at_.empty() ? index(node) : names_at_[index(node)];
    return item_provenance(name_prov_, name_prov_at_, name_prov_own_, node, first + static_cast<std::uint32_t>(which));
  }
  /// The records that state external_ids(node)[which] (the record whose own id it is, or whose
  /// other ids list it: an FtM record's referents), as name_provenance() does for names.
  std::span<const ProvId> external_id_provenance(NodeId node, std::size_t which) const noexcept {
    const std::uint32_t first = external_ids_at_.empty() ? index(node) : external_ids_at_[index(node)];
    return item_provenance(external_id_prov_, external_id_prov_at_, external_id_prov_own_, node,
                           first + static_cast<std::uint32_t>(which));
  }
  DateRange valid(NodeId node) const noexcept;
  /// The details of an Action node; nullptr for any other node.
  const Action* action(NodeId node) const noexcept;

  // Edges: forward (out) edges are contiguous, reverse (in) edges are listed.
  EdgeRange out_edges(NodeId node) const noexcept {
    return {out_at_[index(node)], out_at_[index(node) + 1]};
  }
  std::span<const EdgeId> in_edges(NodeId node) const noexcept {
    return in_edge_.slice(in_at_[index(node)], in_at_[index(node) + 1]);
  }
  /// Targets of the out-edges, in edge order (the hot path of traversals).
  std::span<const NodeId> out_targets(NodeId node) const noexcept {
    return target_.slice(out_at_[index(node)], out_at_[index(node) + 1]);
  }
  std::size_t out_degree(NodeId node) const noexcept { return out_edges(node).size(); }
  std::size_t in_degree(NodeId node) const noexcept { return in_edges(node).size(); }
  NodeId source(EdgeId edge) const noexcept {
    if (!sources_ready_.get()) [[unlikely]] fill_sources();
    return source_[index(edge)];
  }
  /// Asks the cache for source(edge) ahead of its use: a loop over a node's in-edges reads the
  /// sources at random, so a walk that knows its next nodes can start those reads early.
  void prefetch_source(EdgeId edge) const noexcept { __builtin_prefetch(source_.data() + index(edge)); }
  /// Prefetch hints for a walk that knows which nodes it expands next (reach): asking for a
  /// node's data a few nodes ahead overlaps cache misses that otherwise come one at a time.
  /// Three stages, each reading what the one before asked for: the node's edge offsets; its
  /// out-edges' targets and kinds and its in-edge list; its in-edges' sources and kinds.
  /// Always inlined: GCC takes a function that only prefetches for one without effects, and
  /// drops the call before it would inline it.
  [[gnu::always_inline]] void prefetch_offsets(NodeId node) const noexcept {
    __builtin_prefetch(out_at_.data() + index(node));
    __builtin_prefetch(in_at_.data() + index(node));
  }
  [[gnu::always_inline]] void prefetch_edge_lists(NodeId node) const noexcept {
    const std::uint32_t out = out_at_[index(node)];
    __builtin_prefetch(target_.data() + out);
    __builtin_prefetch(edge_kind_.data() + out);
    __builtin_prefetch(in_edge_.data() + in_at_[index(node)]);
  }
  [[gnu::always_inline]] void prefetch_in_edges(NodeId node) const noexcept {
    for (EdgeId edge : in_edges(node)) {
      __builtin_prefetch(source_.data() + index(edge));
      __builtin_prefetch(edge_kind_.data() + index(edge));
    }
  }
  /// The same for an ownership walk (the blocked set, queries/exposure.cpp), which reads stakes:
  /// a node's out-edges' targets, kinds, shares and end dates (after prefetch_offsets); an
  /// asset's in-edge list (after prefetch_offsets); its in-edges' sources, kinds and shares
  /// (after prefetch_in_list): what summing the stakes held in it reads.
  [[gnu::always_inline]] void prefetch_out_stakes(NodeId node) const noexcept {
    const std::uint32_t out = out_at_[index(node)];
    __builtin_prefetch(target_.data() + out);
    __builtin_prefetch(edge_kind_.data() + out);
    prefetch_share(out);
    prefetch_ranked(edge_to_, out);
  }
  [[gnu::always_inline]] void prefetch_in_list(NodeId node) const noexcept {
    __builtin_prefetch(in_edge_.data() + in_at_[index(node)]);
  }
  [[gnu::always_inline]] void prefetch_in_stakes(NodeId node) const noexcept {
    for (EdgeId edge : in_edges(node)) {
      __builtin_prefetch(source_.data() + index(edge));
      __builtin_prefetch(edge_kind_.data() + index(edge));
      prefetch_share(index(edge));
    }
  }
  NodeId target(EdgeId edge) const noexcept { return target_[index(edge)]; }
  EdgeKind edge_kind(EdgeId edge) const noexcept { return edge_kind_[index(edge)]; }
  Percent share(EdgeId edge) const noexcept {
    const std::uint32_t stored = stored_share(index(edge));
    if (stored <= Percent::kHundred) return Percent::exact_units(stored);
    if (stored == kShareUnknown) return Percent::unknown();
    return share_range_[stored - kShareRange];
  }
  /// What the edge gives its holder, as the source types it; Unspecified when it does not say.
  Interest interest(EdgeId edge) const noexcept {
    return interest_.empty() ? Interest::Unspecified : interest_[index(edge)];
  }
  /// True when some edge carries a typed interest (the rules skip their look-ups otherwise).
  bool has_interests() const noexcept { return !interest_.empty(); }
  DateRange edge_valid(EdgeId edge) const noexcept;
  /// True when the edge holds on `as_of` (unset: it has no end date), read from the columns
  /// without building a DateRange: what holds(edge_valid(edge), as_of) gives, for hot loops.
  bool edge_holds(EdgeId edge, std::optional<Date> as_of) const noexcept {
    const std::int32_t to = edge_to_.get(index(edge), kOpenEnd);
    if (!as_of) return to == kOpenEnd;
    const std::int32_t from = edge_from_.get(index(edge), kOpenStart);
    return (from == kOpenStart || from <= as_of->days) && (to == kOpenEnd || as_of->days < to);
  }
  /// A role or relationship text ("Chief Legal Officer", "parent"); "" when none.
  std::string_view role(EdgeId edge) const noexcept { return string(role_.get(index(edge), kNoString)); }
  /// The edge's own external id (an FtM Ownership id); "" when the source gives none.
  std::string_view edge_external_id(EdgeId edge) const noexcept {
    return string(edge_id_.get(index(edge), kNoString));
  }
  StringId role_id(EdgeId edge) const noexcept { return role_.get(index(edge), kNoString); }
  StringId edge_external_id_id(EdgeId edge) const noexcept { return edge_id_.get(index(edge), kNoString); }
  std::span<const ProvId> edge_provenance(EdgeId edge) const noexcept {
    return slice_at(edge_prov_, edge_prov_at_, index(edge));
  }
  std::span<const Attribute> edge_attributes(EdgeId edge) const noexcept {
    if (edge_attributes_at_.empty()) return {};  // no edge of the graph has attributes
    return edge_attribute_.slice(edge_attributes_at_[index(edge)], edge_attributes_at_[index(edge) + 1]);
  }

  // Strings and provenance.
  std::string_view string(StringId id) const noexcept {
    if (id == kNoString) return {};
    const auto at = index(id);
    if (!string_at32_.empty())
      return {chars_.data() + string_at32_[at], static_cast<std::size_t>(string_at32_[at + 1] - string_at32_[at])};
    return {chars_.data() + string_at_[at], static_cast<std::size_t>(string_at_[at + 1] - string_at_[at])};
  }
  std::size_t string_count() const noexcept {
    const std::size_t offsets = string_at32_.empty() ? string_at_.size() : string_at32_.size();
    return offsets == 0 ? 0 : offsets - 1;
  }
  /// The record behind a ProvId (stored as columns: source by runs, record id, line).
  Provenance provenance_record(ProvId id) const noexcept;
  std::size_t provenance_count() const noexcept {
    return prov_line_at_.empty() ? prov_line_.size() : prov_line_at_[prov_line_at_.size() - 1];
  }
  /// "sdn.csv:17 (record 45815)"
  std::string describe(ProvId id) const;

  // Lookups.
  /// The node an external id was merged into: find("ofac-sdn:45815").
  std::optional<NodeId> find(std::string_view external_id) const noexcept;
  /// Nodes with this name or alias, after normalise_name(): find_by_name("Kaspersky Lab").
  std::span<const NodeId> find_by_name(std::string_view name) const;
  /// Every normalised name with its nodes, for screening and completion.
  StringIndexView name_index() const noexcept;
  /// Action nodes, in node order.
  std::span<const NodeId> action_nodes() const noexcept { return action_node_.span(); }

  GraphStats stats() const;

 private:
  friend class Builder;
  friend struct detail::GraphParts;
  template <class T, class A>
  static std::span<const T> slice(const Column<T>& items, const Column<A>& at, NodeId node) noexcept {
    return slice_at(items, at, index(node));
  }
  /// Items [at[i], at[i + 1]); an empty `at` stands for one item per owner (at[i] == i), which
  /// is stored as nothing: most parties have one name, one id and one source record.
  template <class T, class A>
  static std::span<const T> slice_at(const Column<T>& items, const Column<A>& at, std::uint32_t i) noexcept {
    if (at.empty()) return items.slice(i, i + 1);
    return items.slice(at[i], at[i + 1]);
  }
  /// Asks for what get(i) reads first: a dense column's value, or a sparse one's bit word (its
  /// value's place is known only once the word is read).
  template <class T>
  [[gnu::always_inline]] static void prefetch_ranked(const RankedColumn<T>& column, std::uint32_t i) noexcept {
    if (!column.bits.empty()) __builtin_prefetch(column.bits.data() + i / 64);
    else if (!column.value.empty()) __builtin_prefetch(column.value.data() + i);
  }
  /// The records of a name or an external id at `position`: its node's own when `own` marks it
  /// (a snapshot stores nothing for those), else its entry among the unmarked positions.
  std::span<const ProvId> item_provenance(const Column<ProvId>& provs, const Column<std::uint32_t>& at,
                                          const RankedBits& own, NodeId node, std::uint32_t position) const noexcept {
    if (!own.empty()) {
      if (own.test(position)) return provenance(node);
      position -= own.before(position);
    }
    if (provs.empty()) return {};
    return slice_at(provs, at, position);
  }
  /// provenance(node) when the offsets are stored as exceptions to one record each.
  std::span<const ProvId> provenance_by_exceptions(NodeId node) const noexcept;
  std::uint32_t stored_share(std::uint32_t edge) const noexcept {
    return share_dict_.empty() ? share_.get(edge, kShareUnknown) : share_dict_[share_code_[edge]];
  }
  [[gnu::always_inline]] void prefetch_share(std::uint32_t edge) const noexcept {
    if (!share_code_.empty()) __builtin_prefetch(share_code_.data() + edge);
    else prefetch_ranked(share_, edge);
  }
  static std::span<const NodeId> lookup(const StringIndexView& index_view, const Graph& graph,
                                        std::string_view key) noexcept;

  // Nodes (node_count()).
  Column<NodeKind> kind_;
  Column<StringId> name_;  // empty in a snapshot when each is the node's first name (name_id())
  Column<std::int32_t> valid_from_, valid_to_;  // kOpenStart / kOpenEnd when unset; empty: all so
  // The same in a snapshot (format 7): mostly open, so sparse; used when valid_from_ / valid_to_
  // are empty (empty too: every node open).
  RankedColumn<std::int32_t> valid_from_sparse_, valid_to_sparse_;
  Column<std::uint32_t> names_at_, attributes_at_, node_prov_at_, external_ids_at_;  // n + 1
  Column<Name> name_list_;
  Column<Attribute> attribute_;
  Column<ProvId> node_prov_;
  // Node record offsets as exceptions to "one record each" (a snapshot, when smaller than
  // node_prov_at_, which is then empty): the nodes whose record count is not one, ascending, and
  // the end of each one's records; a node's records start where the last exception before it
  // ended plus one for each node in between.
  Column<std::uint32_t> node_prov_x_, node_prov_x_end_;
  Column<StringId> external_id_;
  // The records of each name and each external id (RULES.md §9.4): CSR over name_list_ and
  // external_id_ positions; the offsets are empty when every item has exactly one record.
  Column<std::uint32_t> name_prov_at_, external_id_prov_at_;
  Column<ProvId> name_prov_, external_id_prov_;
  // In a snapshot (format 7): the positions whose records are exactly their node's own
  // (provenance(node)), which name_prov_at_ / name_prov_ then skip. Empty: none skipped.
  RankedBits name_prov_own_, external_id_prov_own_;
  Column<NodeId> action_node_;  // sorted
  Column<Action> action_;       // parallel to action_node_

  // Edges (edge_count()), in forward CSR order.
  Column<std::uint32_t> out_at_;  // n + 1
  // source_: not in a snapshot; an opened one's views lazy_sources_, filled from out_at_ when
  // first read (source() and fill_sources()).
  Column<NodeId> source_, target_;
  std::unique_ptr<detail::LazySources> lazy_sources_;
  mutable detail::ReadyFlag sources_ready_;  // false while lazy_sources_ is to be filled
  /// Fills lazy_sources_ from out_at_ unless done (a file changed since its open gives wrong
  /// sources, never one past the node count or a write past the column).
  void fill_sources() const noexcept;
  Column<EdgeKind> edge_kind_;
  // An edge's share in 32 bits: an exact share in millionths of a percent (up to kHundred),
  // kShareUnknown, or kShareRange + the index of an interval in share_range_.
  static constexpr std::uint32_t kShareRange = 0x80000000u, kShareUnknown = 0xFFFFFFFFu;
  RankedColumn<std::uint32_t> share_;  // mostly kShareUnknown: sparse
  // Or, in a snapshot where that is smaller (share_ then empty), one byte an edge coding one of at
  // most 256 distinct stored values (share_dict_): the generated graphs use a few dozen shares.
  Column<std::uint8_t> share_code_;
  Column<std::uint32_t> share_dict_;
  Column<Percent> share_range_;
  void set_shares(std::span<const Percent> shares);
  Column<Interest> interest_;  // empty: every edge Unspecified
  RankedColumn<std::int32_t> edge_from_, edge_to_;  // kOpenStart / kOpenEnd for most edges
  RankedColumn<StringId> role_, edge_id_;  // most edges have neither
  Column<std::uint32_t> edge_prov_at_, edge_attributes_at_;  // m + 1 (attributes: empty if none)
  Column<ProvId> edge_prov_;
  Column<Attribute> edge_attribute_;
  Column<std::uint32_t> in_at_;  // n + 1
  Column<EdgeId> in_edge_;       // edges grouped by target

  // Strings, provenance, indexes.
  Column<char> chars_;
  Column<std::uint32_t> string_at32_;  // string_count() + 1 offsets while chars_ < 4 GiB
  Column<std::uint64_t> string_at_;    // else these (one of the two is empty)
  void set_string_offsets(StringPool::Offsets offsets);
  // Provenance records, as columns: the source by runs of consecutive ids (records are made
  // in load order, so one file's records follow each other), the record id (empty: no record
  // has one), and the line.
  Column<std::uint32_t> prov_source_at_;  // first ProvId of each run, ascending from 0
  Column<StringId> prov_source_;          // each run's source
  Column<StringId> prov_record_;          // empty: kNoString for all
  // The line of each record: one each (prov_line_at_ empty), or by runs of consecutive lines
  // (a CSV's rows): prov_line_at_ holds the first ProvId of each run and then the record count,
  // prov_line_ each run's first line.
  Column<std::uint32_t> prov_line_at_, prov_line_;
  /// Takes the builder's provenance (its record ids moved in when any record has one).
  void set_provenance(detail::ProvenanceColumn&& records);
  Column<std::uint32_t> ext_slots_, ext_at_, name_slots_, name_at_;
  Column<StringId> ext_keys_, name_keys_;
  Column<NodeId> ext_nodes_, name_nodes_;

  detail::Mapping mapping_;  // set when the columns view a snapshot
  Column<std::uint32_t> ranks_;  // an opened snapshot's: the sparse columns' rank, each a view into it
  detail::GraphToken token_;
};

/// The key of the exact-name index: Unicode case folding (ICU's full folding, every script),
/// punctuation dropped, runs of spaces folded: "KASPERSKY, Lab  Inc." -> "kaspersky lab inc",
/// "ŁÓDŹ TRADING" -> "łódź trading".
std::string normalise_name(std::string_view name);

}  // namespace skg
