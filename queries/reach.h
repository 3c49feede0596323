// queries/reach.h: listed parties within a few hops of an entity and how they connect; shortest
// paths, neighbours, owner and subsidiary chains, distance to the nearest listed party.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "skg/graph/graph.h"
#include "skg/queries/as_of.h"

namespace skg::inline v1 {

/// Which way edges are walked: along their direction, against it, or both.
enum class Direction : std::uint8_t { Out, In, Both };

/// A walk through the graph: nodes[0] ... nodes.back(), edges[i] links nodes[i] and nodes[i+1]
/// (either way round: graph.source(edges[i]) says which); graph.edge_provenance(edges[i]) is the
/// evidence for each step.
struct Path {
  std::vector<NodeId> nodes;
  std::vector<EdgeId> edges;
  std::size_t hops() const noexcept { return edges.size(); }
};

/// Reusable scratch space for traversals: arrays stamped with a query generation, sized to the
/// graph once, so each query costs what it touches and never clears O(n) memory. One per
/// thread; it may serve several graphs (it grows to the largest).
class ReachWorkspace {
 public:
  ReachWorkspace() = default;

 private:
  friend struct ReachAccess;
  // A node's arrays: sized to the graph at a workspace's first query that needs them (reach():
  // the parents; a count, none; path(): all), on huge pages where they are large (BigVector),
  // whose fresh pages a virtual machine faults in far faster than 4 KiB ones.
  detail::BigVector<std::uint32_t> stamp_, back_stamp_;  // generation that reached the node
  detail::BigVector<EdgeId> parent_, back_parent_;       // edge it was reached by
  detail::BigVector<std::uint8_t> depth_, back_depth_;
  std::vector<NodeId> frontier_, next_, back_frontier_, back_next_;
  // reach()'s marks: a bit a node (128 KiB at 1M nodes: it stays in the core's cache, where a
  // 4-byte stamp a node does not), all clear between queries; `touched_` lists what to clear.
  detail::BigVector<std::uint64_t> seen_;
  std::vector<NodeId> touched_;
  std::uint32_t generation_ = 0;
};

struct ReachOptions {
  int max_hops = 3;
  EdgeKinds edges = EdgeKinds::party_links();
  Direction direction = Direction::Both;
  std::optional<Date> as_of;  // unset: every fact, whatever its dates
  std::string authority;      // "OFAC": only its listings count; empty: any authority
  bool include_self = true;   // `from` itself, at 0 hops, when it is listed
  /// Precomputed listed parties for (as_of, authority): faster when many queries share them.
  /// Must have been built for the same graph, date and authority.
  const ListedSet* listed = nullptr;
};

struct ReachHit {
  NodeId party = kNoNode;  // a listed party in reach
  Path path;               // one shortest path from the query's entity to it
  std::vector<NodeId> actions;  // the listings in force that make it listed
};

/// Listed parties within `options.max_hops` of `from`, nearest first (then by node id).
///   skg::ReachWorkspace workspace;  // keep it, and pass it to every query of a thread
///   auto hits = skg::reach(graph, id, {.max_hops = 2}, workspace);
std::vector<ReachHit> reach(const Graph& graph, NodeId from, const ReachOptions& options,
                            ReachWorkspace& workspace);
/// The same with a workspace kept per thread.
std::vector<ReachHit> reach(const Graph& graph, NodeId from, const ReachOptions& options = {});

/// How many listed parties lie within reach, without paths (for benchmarks and counts).
std::size_t reach_count(const Graph& graph, NodeId from, const ReachOptions& options,
                        ReachWorkspace& workspace);

/// Many sources at once, on every core (graph/parallel.h; SKG_THREADS=1 for one): element i is
/// what reach_count / reach give for sources[i], whatever the number of threads. Workspaces come
/// from a pool the process keeps, one per thread in use.
///   auto counts = skg::reach_count_batch(graph, sources, {.listed = &listed});
std::vector<std::size_t> reach_count_batch(const Graph& graph, std::span<const NodeId> sources,
                                           const ReachOptions& options = {});
std::vector<std::vector<ReachHit>> reach_batch(const Graph& graph, std::span<const NodeId> sources,
                                               const ReachOptions& options = {});

struct PathOptions {
  int max_hops = 6;
  EdgeKinds edges = EdgeKinds::party_links();
  Direction direction = Direction::Both;  // Out: a path along the edges from a to b
  std::optional<Date> as_of;
};

/// One shortest path from `a` to `b` (bidirectional search), or nullopt when there is none
/// within `options.max_hops`.
///   if (auto path = skg::path(graph, a, b)) for (EdgeId e : path->edges) ...
std::optional<Path> path(const Graph& graph, NodeId a, NodeId b, const PathOptions& options,
                         ReachWorkspace& workspace);
std::optional<Path> path(const Graph& graph, NodeId a, NodeId b, const PathOptions& options = {});

struct Neighbour {
  NodeId node = kNoNode;
  EdgeId edge = kNoEdge;
  bool outgoing = true;  // the edge goes from the queried node to this one
};

/// The nodes one edge away, with the edge; filtered by kind, direction and date.
std::vector<Neighbour> neighbours(const Graph& graph, NodeId node, const PathOptions& options = {});

/// One link of an ownership chain: `party` owns (or is the parent of) `of`, or is owned by it.
struct OwnershipStep {
  NodeId party = kNoNode;  // the owner (owners) or the owned company (subsidiaries)
  NodeId of = kNoNode;     // the node it is linked to, one step nearer the queried node
  EdgeId edge = kNoEdge;   // OWNS or SUBSIDIARY_OF, with its provenance
  int depth = 1;           // 1: linked to the queried node itself
  Percent share;           // the edge's stake (unknown for SUBSIDIARY_OF without one)
  Percent through;         // stakes multiplied along the chain; unknown if any link's is
  DateRange valid;         // the edge's dates
  std::int32_t parent = -1;  // index of the step nearer the queried node; -1 at depth 1
  bool repeated = false;   // `party` was reached before by another chain: not walked again
};

struct OwnershipOptions {
  int depth = 3;
  std::optional<Date> as_of;
  bool include_control = false;  // also CONTROLS edges (no share)
  std::size_t limit = 10000;      // steps at most (dense registers can fan out)
};

/// Who owns `node`, up to `options.depth` links: OWNS edges into it and SUBSIDIARY_OF edges out
/// of it, then the same for each owner (ultimate beneficial ownership chains), breadth first.
///   for (const auto& step : skg::owners(graph, company, {.depth = 4})) ...
std::vector<OwnershipStep> owners(const Graph& graph, NodeId node, const OwnershipOptions& options = {});
/// What `node` owns, up to `options.depth` links: the same walk the other way.
std::vector<OwnershipStep> subsidiaries(const Graph& graph, NodeId node,
                                        const OwnershipOptions& options = {});

/// For every node, the hops to its nearest listed party and the first edge towards it, from one
/// multi-source breadth-first search out of the listed parties over the reverse edges.
/// `reach`-style questions ("is X within 3 hops of a listed party, and through whom?") are then
/// answered in O(path length).
class DistanceToListed {
 public:
  static constexpr std::uint8_t kFar = 0xFF;  // not within max_hops
  DistanceToListed() = default;
  /// Hops to the nearest listed party (0 when listed itself); kFar when none within max_hops.
  std::uint8_t hops(NodeId node) const noexcept { return hops_[index(node)]; }
  /// The path to one nearest listed party; nullopt when none within max_hops.
  std::optional<Path> path(const Graph& graph, NodeId node) const;
  std::size_t within(int hops) const noexcept;  // nodes with hops(node) <= hops

 private:
  friend DistanceToListed distance_to_listed(const Graph&, const ReachOptions&);
  std::vector<std::uint8_t> hops_;
  std::vector<EdgeId> next_;  // the first edge on the way to the nearest listed party
};

/// Builds DistanceToListed with the options' edge kinds, direction (as walked from a node to
/// the listed party), date, authority and max_hops (at most 254).
DistanceToListed distance_to_listed(const Graph& graph, const ReachOptions& options = {});

}  // namespace skg
