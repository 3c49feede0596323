#include "skg/queries/reach.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "skg/graph/parallel.h"

namespace skg::inline v1 {

/// The workspace's internals, for the traversals of this file.
struct ReachAccess {
  /// Starts a query: arrays sized to the graph (once), a fresh generation (no clearing).
  static std::uint32_t begin(ReachWorkspace& ws, std::size_t nodes, bool both_sides) {
    if (ws.stamp_.size() < nodes) {
      ws.stamp_.resize(nodes, 0);
      parents(ws, nodes);
      ws.depth_.resize(nodes, 0);
    }
    if (both_sides && ws.back_stamp_.size() < nodes) {
      ws.back_stamp_.assign(nodes, 0);
      ws.back_parent_.resize(nodes, kNoEdge);
      ws.back_depth_.resize(nodes, 0);
    }
    if (++ws.generation_ == 0) {  // wrapped after 4 billion queries: clear once
      std::fill(ws.stamp_.begin(), ws.stamp_.end(), 0);
      std::fill(ws.back_stamp_.begin(), ws.back_stamp_.end(), 0);
      ws.generation_ = 1;
    }
    return ws.generation_;
  }
  static auto& stamp(ReachWorkspace& ws, bool back) { return back ? ws.back_stamp_ : ws.stamp_; }
  static auto& parent(ReachWorkspace& ws, bool back) { return back ? ws.back_parent_ : ws.parent_; }
  static auto& depth(ReachWorkspace& ws, bool back) { return back ? ws.back_depth_ : ws.depth_; }
  /// The parent array alone, sized to the graph (once): reach() needs no stamps or depths.
  static detail::BigVector<EdgeId>& parents(ReachWorkspace& ws, std::size_t nodes) {
    if (ws.parent_.size() < nodes) ws.parent_.resize(nodes, kNoEdge);
    return ws.parent_;
  }
  static std::vector<NodeId>& frontier(ReachWorkspace& ws, bool back) { return back ? ws.back_frontier_ : ws.frontier_; }
  static std::vector<NodeId>& next(ReachWorkspace& ws, bool back) { return back ? ws.back_next_ : ws.next_; }
  /// The mark bitmap sized to the graph, all clear, and the list of nodes to clear after.
  static auto& seen(ReachWorkspace& ws, std::size_t nodes) {
    if (ws.seen_.size() * 64 < nodes) ws.seen_.resize((nodes + 63) / 64, 0);
    return ws.seen_;
  }
  static std::vector<NodeId>& touched(ReachWorkspace& ws) { return ws.touched_; }
  static ReachWorkspace& thread_workspace() {
    thread_local ReachWorkspace workspace;
    return workspace;
  }
};

namespace {

// Inlined in the walks: as a call it was one per edge of a reach.
[[gnu::always_inline]] inline bool edge_usable(const Graph& graph, EdgeId edge, EdgeKinds kinds,
                                               const std::optional<Date>& as_of) {
  return kinds.contains(graph.edge_kind(edge)) && (!as_of || graph.edge_valid(edge).contains(*as_of));
}

bool node_usable(const Graph& graph, NodeId node, const std::optional<Date>& as_of) {
  return !as_of || graph.valid(node).contains(*as_of);
}

Direction reversed(Direction direction) {
  return direction == Direction::Out ? Direction::In
         : direction == Direction::In ? Direction::Out
                                      : Direction::Both;
}

/// Calls `step(edge, other)` for each usable edge at `node` in `direction`.
template <class Step>
void for_each_step(const Graph& graph, NodeId node, EdgeKinds kinds, Direction direction,
                   const std::optional<Date>& as_of, Step&& step) {
  if (direction != Direction::In) {
    const auto targets = graph.out_targets(node);
    std::uint32_t edge = index(*graph.out_edges(node).begin());
    for (std::size_t at = 0; at < targets.size(); ++at, ++edge)
      if (edge_usable(graph, EdgeId{edge}, kinds, as_of)) step(EdgeId{edge}, targets[at]);
  }
  if (direction != Direction::Out) {
    for (EdgeId edge : graph.in_edges(node))
      if (edge_usable(graph, edge, kinds, as_of)) step(edge, graph.source(edge));
  }
}

NodeId other_end(const Graph& graph, EdgeId edge, NodeId from) {
  return graph.source(edge) == from ? graph.target(edge) : graph.source(edge);
}

/// Walks parent edges from `node` back to the start of the search: the path start -> node.
/// On a consistent graph each step is one hop nearer the start. A snapshot opened with
/// SnapshotCheck::Structure may hold reverse lists that do not mirror the forward edges (only Full
/// reads every listed edge's target): an in-edge step then records an edge whose other end is not
/// the node it was taken from, and the parents can form a cycle. No path is longer than
/// node_count() edges, so the walk stops there: such a graph gets a wrong path, never a hang
/// (found by fuzz_snapshot: a path growing until the memory ran out).
Path trace(const Graph& graph, std::span<const EdgeId> parent, NodeId node) {
  Path path;
  path.nodes.push_back(node);
  for (EdgeId edge = parent[index(node)]; edge != kNoEdge && path.edges.size() < graph.node_count();
       edge = parent[index(node)]) {
    node = other_end(graph, edge, node);
    path.edges.push_back(edge);
    path.nodes.push_back(node);
  }
  std::reverse(path.nodes.begin(), path.nodes.end());
  std::reverse(path.edges.begin(), path.edges.end());
  return path;
}

/// Breadth-first search from `from` up to max_hops; calls `found(node, hops)` for listed nodes.
/// `kParents`: record each node's parent edge, for the paths (a count needs none: the parent
/// array is a random write per node met).
template <bool kParents = true, class Found>
void reach_search(const Graph& graph, NodeId from, const ReachOptions& options, ReachWorkspace& ws,
                  Found&& found) {
  // The parents only where paths are traced: a count sizes no array a node but the bitmap (at a
  // thread's first query, 9 bytes a node of fresh memory were most of its time at 10M).
  EdgeId* const parent = kParents ? ReachAccess::parents(ws, graph.node_count()).data() : nullptr;
  auto& frontier = ReachAccess::frontier(ws, false);
  auto& next = ReachAccess::next(ws, false);
  std::uint64_t* const seen = ReachAccess::seen(ws, graph.node_count()).data();
  auto& touched = ReachAccess::touched(ws);
  // The bitmap is left clear however the search ends (`found` may throw).
  struct Clear {
    std::uint64_t* seen;
    std::vector<NodeId>& touched;
    ~Clear() {
      for (NodeId node : touched) seen[index(node) >> 6] = 0;
      touched.clear();
    }
  } clear{seen, touched};
  auto mark = [&](NodeId node) {  // false: met before
    std::uint64_t& word = seen[index(node) >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (index(node) & 63);
    if ((word & bit) != 0) return false;
    word |= bit;
    touched.push_back(node);
    return true;
  };
  auto listed = [&](NodeId node) {
    return options.listed != nullptr ? options.listed->contains(node)
                                     : is_listed(graph, node, options.as_of, options.authority);
  };
  frontier.clear();
  if (index(from) >= graph.node_count()) return;
  mark(from);
  if constexpr (kParents) parent[index(from)] = kNoEdge;
  frontier.push_back(from);
  const int max_hops = std::max(0, options.max_hops);
  for (int hops = 0; !frontier.empty(); ++hops) {
    next.clear();
    // The level before the last: its new nodes are looked at as they are reached, not queued
    // (nothing goes further), so the last and widest level is never stored.
    const bool last = hops + 1 == max_hops;
    // Each level's nodes are known before it is expanded: their data is asked for ahead, in
    // the three stages of Graph::prefetch_offsets (8 nodes ahead), prefetch_edge_lists (5) and
    // prefetch_in_edges (2). At 1M nodes this took the 3-hop count p50 from 22 to 12 us: the
    // walk is bound by cache misses, not instructions.
    const bool expand = hops != max_hops, in = options.direction != Direction::Out;
    if (expand && in)
      for (std::size_t at = 0; at < std::min<std::size_t>(2, frontier.size()); ++at) graph.prefetch_in_edges(frontier[at]);
    for (std::size_t position = 0; position < frontier.size(); ++position) {
      const NodeId node = frontier[position];
      if (expand) {
        if (position + 8 < frontier.size()) graph.prefetch_offsets(frontier[position + 8]);
        if (position + 5 < frontier.size()) graph.prefetch_edge_lists(frontier[position + 5]);
        if (in && position + 2 < frontier.size()) graph.prefetch_in_edges(frontier[position + 2]);
      }
      if ((hops > 0 || options.include_self) && listed(node)) found(node, hops);
      if (hops == max_hops) continue;
      for_each_step(graph, node, options.edges, options.direction, options.as_of,
                    [&](EdgeId edge, NodeId other) {
                      if (!node_usable(graph, other, options.as_of) || !mark(other)) return;
                      if constexpr (kParents) parent[index(other)] = edge;
                      if (!last) return next.push_back(other);
                      if (listed(other)) found(other, hops + 1);
                    });
    }
    if (hops == max_hops || last) break;
    std::swap(frontier, next);
  }
}

}  // namespace

std::vector<ReachHit> reach(const Graph& graph, NodeId from, const ReachOptions& options,
                            ReachWorkspace& ws) {
  std::vector<std::pair<int, NodeId>> found;
  reach_search(graph, from, options, ws, [&](NodeId node, int hops) { found.emplace_back(hops, node); });
  std::sort(found.begin(), found.end());
  // Paths are traced after the search: a node's parent is fixed once it is stamped.
  const auto& parent = ReachAccess::parent(ws, false);
  std::vector<ReachHit> hits;
  hits.reserve(found.size());
  for (const auto& [hops, node] : found) {
    ReachHit hit;
    hit.party = node;
    hit.path = trace(graph, parent, node);
    for (const Listing& listing : listings(graph, node, options.as_of, options.authority).in_force)
      hit.actions.push_back(listing.action);
    hits.push_back(std::move(hit));
  }
  return hits;
}

std::vector<ReachHit> reach(const Graph& graph, NodeId from, const ReachOptions& options) {
  return reach(graph, from, options, ReachAccess::thread_workspace());
}

std::size_t reach_count(const Graph& graph, NodeId from, const ReachOptions& options,
                        ReachWorkspace& ws) {
  std::size_t count = 0;
  reach_search<false>(graph, from, options, ws, [&](NodeId, int) { ++count; });
  return count;
}

namespace {

/// Workspaces for the batch queries' helper threads, kept between calls: a workspace is sized
/// to the graph once, and a batch should not pay for that each time.
class WorkspacePool {
 public:
  std::vector<std::unique_ptr<ReachWorkspace>> take(unsigned count) {
    std::vector<std::unique_ptr<ReachWorkspace>> out;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      while (out.size() < count && !free_.empty()) {
        out.push_back(std::move(free_.back()));
        free_.pop_back();
      }
    }
    while (out.size() < count) out.push_back(std::make_unique<ReachWorkspace>());
    return out;
  }
  void give_back(std::vector<std::unique_ptr<ReachWorkspace>>& workspaces) {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (auto& workspace : workspaces) free_.push_back(std::move(workspace));
    workspaces.clear();
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<ReachWorkspace>> free_;
};

WorkspacePool& workspace_pool() {
  static WorkspacePool pool;
  return pool;
}

/// Runs fn(at, workspace) for every index of `sources` on parallel_for's workers: worker 0 (the
/// calling thread) uses its thread workspace, the others pooled ones.
template <class Fn>
void for_each_source(std::size_t count, Fn&& fn) {
  constexpr std::size_t kGrain = 8;  // sources per block: small blocks even out uneven searches
  const unsigned workers = parallel_workers(count, kGrain);
  auto helpers = workspace_pool().take(workers - 1);
  struct GiveBack {
    std::vector<std::unique_ptr<ReachWorkspace>>& workspaces;
    ~GiveBack() { workspace_pool().give_back(workspaces); }
  } give_back{helpers};
  parallel_for(count, kGrain, [&](std::size_t begin, std::size_t end, unsigned worker) {
    ReachWorkspace& ws = worker == 0 ? ReachAccess::thread_workspace() : *helpers[worker - 1];
    for (std::size_t at = begin; at < end; ++at) fn(at, ws);
  });
}

}  // namespace

std::vector<std::size_t> reach_count_batch(const Graph& graph, std::span<const NodeId> sources,
                                           const ReachOptions& options) {
  std::vector<std::size_t> counts(sources.size());
  for_each_source(sources.size(), [&](std::size_t at, ReachWorkspace& ws) {
    counts[at] = reach_count(graph, sources[at], options, ws);
  });
  return counts;
}

std::vector<std::vector<ReachHit>> reach_batch(const Graph& graph, std::span<const NodeId> sources,
                                               const ReachOptions& options) {
  std::vector<std::vector<ReachHit>> hits(sources.size());
  for_each_source(sources.size(), [&](std::size_t at, ReachWorkspace& ws) {
    hits[at] = reach(graph, sources[at], options, ws);
  });
  return hits;
}

// Bidirectional breadth-first search: each round expands one whole level of the smaller
// frontier; a level that meets the other side yields the shortest path through it.
std::optional<Path> path(const Graph& graph, NodeId a, NodeId b, const PathOptions& options,
                         ReachWorkspace& ws) {
  if (index(a) >= graph.node_count() || index(b) >= graph.node_count()) return std::nullopt;
  if (!node_usable(graph, a, options.as_of) || !node_usable(graph, b, options.as_of)) return std::nullopt;
  if (a == b) return Path{{a}, {}};
  const std::uint32_t generation = ReachAccess::begin(ws, graph.node_count(), true);
  const int max_hops = std::clamp(options.max_hops, 0, 250);
  int depth[2] = {0, 0};
  const NodeId start[2] = {a, b};
  const Direction direction[2] = {options.direction, reversed(options.direction)};
  for (int side = 0; side < 2; ++side) {
    ReachAccess::stamp(ws, side)[index(start[side])] = generation;
    ReachAccess::parent(ws, side)[index(start[side])] = kNoEdge;
    ReachAccess::depth(ws, side)[index(start[side])] = 0;
    ReachAccess::frontier(ws, side).assign(1, start[side]);
  }
  struct Meeting {
    NodeId near = kNoNode, far = kNoNode;  // near on the expanding side, far on the other
    EdgeId edge = kNoEdge;
    int side = 0, total = 1 << 30;
  } best;
  while (depth[0] + depth[1] < max_hops) {
    auto& front0 = ReachAccess::frontier(ws, false);
    auto& front1 = ReachAccess::frontier(ws, true);
    if (front0.empty() || front1.empty()) break;
    const int side = front0.size() <= front1.size() ? 0 : 1;
    auto& stamp = ReachAccess::stamp(ws, side);
    auto& parent = ReachAccess::parent(ws, side);
    auto& depths = ReachAccess::depth(ws, side);
    const auto& other_stamp = ReachAccess::stamp(ws, !side);
    const auto& other_depth = ReachAccess::depth(ws, !side);
    auto& frontier = ReachAccess::frontier(ws, side);
    auto& next = ReachAccess::next(ws, side);
    next.clear();
    for (NodeId node : frontier) {
      for_each_step(graph, node, options.edges, direction[side], options.as_of,
                    [&](EdgeId edge, NodeId other) {
                      if (other_stamp[index(other)] == generation) {
                        const int total = depth[side] + 1 + other_depth[index(other)];
                        if (total < best.total) best = {node, other, edge, side, total};
                      }
                      if (stamp[index(other)] == generation) return;
                      if (!node_usable(graph, other, options.as_of)) return;
                      stamp[index(other)] = generation;
                      parent[index(other)] = edge;
                      depths[index(other)] = static_cast<std::uint8_t>(depth[side] + 1);
                      next.push_back(other);
                    });
    }
    ++depth[side];
    std::swap(frontier, next);
    if (best.total <= max_hops) break;
  }
  if (best.edge == kNoEdge || best.total > max_hops) return std::nullopt;
  // a ... near -edge- far ... b, or the same seen from b's side.
  Path near_half = trace(graph, ReachAccess::parent(ws, best.side), best.near);
  Path far_half = trace(graph, ReachAccess::parent(ws, !best.side), best.far);
  Path& from_a = best.side == 0 ? near_half : far_half;
  Path& from_b = best.side == 0 ? far_half : near_half;
  Path out = std::move(from_a);
  out.edges.push_back(best.edge);
  for (std::size_t at = from_b.nodes.size(); at-- > 0;) out.nodes.push_back(from_b.nodes[at]);
  for (std::size_t at = from_b.edges.size(); at-- > 0;) out.edges.push_back(from_b.edges[at]);
  return out;
}

std::optional<Path> path(const Graph& graph, NodeId a, NodeId b, const PathOptions& options) {
  return path(graph, a, b, options, ReachAccess::thread_workspace());
}

std::vector<Neighbour> neighbours(const Graph& graph, NodeId node, const PathOptions& options) {
  std::vector<Neighbour> out;
  if (index(node) >= graph.node_count()) return out;
  for_each_step(graph, node, options.edges, options.direction, options.as_of,
                [&](EdgeId edge, NodeId other) {
                  if (node_usable(graph, other, options.as_of))
                    out.push_back({other, edge, graph.source(edge) == node && graph.target(edge) == other});
                });
  return out;
}

namespace {

/// Stakes multiplied along a chain: unknown when either is (unknown stays unknown).
Percent multiply(Percent chain, Percent link) {
  if (!chain.known() || !link.known()) return Percent::unknown();
  return Percent::range(*chain.min() * *link.min() / 100.0f, *chain.max() * *link.max() / 100.0f);
}

std::vector<OwnershipStep> ownership_walk(const Graph& graph, NodeId node,
                                          const OwnershipOptions& options, bool up) {
  std::vector<OwnershipStep> steps;
  if (index(node) >= graph.node_count()) return steps;
  std::unordered_set<NodeId> seen{node};  // a small set: the walk touches few nodes
  std::vector<std::pair<NodeId, std::int32_t>> frontier{{node, -1}}, next;
  const EdgeKinds owning = options.include_control ? EdgeKinds{EdgeKind::Owns, EdgeKind::Controls}
                                                   : EdgeKinds{EdgeKind::Owns};
  auto add = [&](NodeId of, std::int32_t parent, EdgeId edge, NodeId party, int depth) {
    if (steps.size() >= options.limit) return;
    if (options.as_of && !graph.edge_valid(edge).contains(*options.as_of)) return;
    OwnershipStep step;
    step.party = party;
    step.of = of;
    step.edge = edge;
    step.depth = depth;
    step.share = graph.share(edge);
    step.through = parent < 0 ? step.share : multiply(steps[parent].through, step.share);
    step.valid = graph.edge_valid(edge);
    step.parent = parent;
    step.repeated = !seen.insert(party).second;
    steps.push_back(step);
    if (!step.repeated) next.emplace_back(party, static_cast<std::int32_t>(steps.size() - 1));
  };
  for (int depth = 1; depth <= options.depth && !frontier.empty(); ++depth) {
    next.clear();
    for (const auto& [of, parent] : frontier) {
      // OWNS runs owner -> asset, SUBSIDIARY_OF child -> parent.
      if (up) {
        for (EdgeId edge : graph.in_edges(of))
          if (owning.contains(graph.edge_kind(edge))) add(of, parent, edge, graph.source(edge), depth);
        for (EdgeId edge : graph.out_edges(of))
          if (graph.edge_kind(edge) == EdgeKind::SubsidiaryOf) add(of, parent, edge, graph.target(edge), depth);
      } else {
        for (EdgeId edge : graph.out_edges(of))
          if (owning.contains(graph.edge_kind(edge))) add(of, parent, edge, graph.target(edge), depth);
        for (EdgeId edge : graph.in_edges(of))
          if (graph.edge_kind(edge) == EdgeKind::SubsidiaryOf) add(of, parent, edge, graph.source(edge), depth);
      }
    }
    std::swap(frontier, next);
  }
  return steps;
}

}  // namespace

std::vector<OwnershipStep> owners(const Graph& graph, NodeId node, const OwnershipOptions& options) {
  return ownership_walk(graph, node, options, true);
}

std::vector<OwnershipStep> subsidiaries(const Graph& graph, NodeId node, const OwnershipOptions& options) {
  return ownership_walk(graph, node, options, false);
}

std::optional<Path> DistanceToListed::path(const Graph& graph, NodeId node) const {
  if (index(node) >= hops_.size() || hops_[index(node)] == kFar) return std::nullopt;
  Path out;
  out.nodes.push_back(node);
  while (hops_[index(node)] != 0) {
    const EdgeId edge = next_[index(node)];
    node = other_end(graph, edge, node);
    out.edges.push_back(edge);
    out.nodes.push_back(node);
  }
  return out;
}

std::size_t DistanceToListed::within(int hops) const noexcept {
  return static_cast<std::size_t>(std::count_if(hops_.begin(), hops_.end(), [&](std::uint8_t value) {
    return value != kFar && value <= hops;
  }));
}

DistanceToListed distance_to_listed(const Graph& graph, const ReachOptions& options) {
  DistanceToListed out;
  out.hops_.assign(graph.node_count(), DistanceToListed::kFar);
  out.next_.assign(graph.node_count(), kNoEdge);
  const ListedSet own = options.listed != nullptr ? ListedSet() : ListedSet(graph, options.as_of, options.authority);
  const ListedSet& listed = options.listed != nullptr ? *options.listed : own;
  std::vector<NodeId> frontier = listed.nodes(), next;
  for (NodeId node : frontier) out.hops_[index(node)] = 0;
  const int max_hops = std::clamp(options.max_hops, 0, 254);
  // From the listed parties backwards: a node that reaches x by walking `direction` is found
  // from x by walking the reverse direction.
  const Direction back = reversed(options.direction);
  for (int hops = 1; hops <= max_hops && !frontier.empty(); ++hops) {
    next.clear();
    for (NodeId node : frontier)
      for_each_step(graph, node, options.edges, back, options.as_of, [&](EdgeId edge, NodeId other) {
        if (out.hops_[index(other)] != DistanceToListed::kFar) return;
        if (!node_usable(graph, other, options.as_of)) return;
        out.hops_[index(other)] = static_cast<std::uint8_t>(hops);
        out.next_[index(other)] = edge;
        next.push_back(other);
      });
    std::swap(frontier, next);
  }
  return out;
}

}  // namespace skg
