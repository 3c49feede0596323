#include "skg/queries/diff.h"

#include <algorithm>
#include <unordered_map>

#include "skg/queries/as_of.h"

namespace skg::inline v1 {

namespace {

bool is_party(const Graph& graph, NodeId node) {
  const NodeKind kind = graph.kind(node);
  return kind != NodeKind::Action && kind != NodeKind::Authority;
}

/// The id a node is matched by: the first external id it was created with.
std::string node_key(const Graph& graph, NodeId node) {
  const auto ids = graph.external_ids(node);
  return ids.empty() ? std::string() : std::string(graph.string(ids.front()));
}

/// The node of `after` that `node` of `before` became: any of its external ids may have been
/// merged into another node in the new version.
std::optional<NodeId> counterpart(const Graph& before, NodeId node, const Graph& after) {
  for (StringId id : before.external_ids(node))
    if (auto found = after.find(before.string(id))) return found;
  return std::nullopt;
}

std::string range_text(const DateRange& range) {
  return "[" + (range.start ? range.start->to_string() : std::string("open")) + ", " +
         (range.end ? range.end->to_string() : std::string("open")) + ")";
}

std::string optional_date(const std::optional<Date>& date) { return date ? date->to_string() : std::string(); }

void compare(std::vector<FieldChange>& changes, std::string_view field, std::string before, std::string after) {
  if (before != after) changes.push_back({std::string(field), std::move(before), std::move(after)});
}

/// Reports the values only one side has ("alias" "KASPERSKY LAB" -> ""): multisets compared.
void compare_sets(std::vector<FieldChange>& changes, std::string_view field, std::vector<std::string> before,
                  std::vector<std::string> after) {
  std::sort(before.begin(), before.end());
  std::sort(after.begin(), after.end());
  std::vector<std::string> gone, came;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(gone));
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(came));
  for (auto& value : gone) changes.push_back({std::string(field), std::move(value), {}});
  for (auto& value : came) changes.push_back({std::string(field), {}, std::move(value)});
}

std::vector<std::string> aliases(const Graph& graph, NodeId node) {
  std::vector<std::string> out;
  const auto names = graph.names(node);
  for (std::size_t at = 1; at < names.size(); ++at) {
    std::string text(graph.string(names[at].text));
    if (names[at].type != NameType::Aka) text += " (" + std::string(to_string(names[at].type)) + ")";
    if (names[at].strength == NameStrength::Weak) text += " (weak)";
    out.push_back(std::move(text));
  }
  return out;
}

std::vector<FieldChange> entity_changes(const Graph& a, NodeId x, const Graph& b, NodeId y) {
  std::vector<FieldChange> changes;
  compare(changes, "kind", std::string(to_string(a.kind(x))), std::string(to_string(b.kind(y))));
  compare(changes, "name", std::string(a.name(x)), std::string(b.name(y)));
  compare_sets(changes, "alias", aliases(a, x), aliases(b, y));
  compare(changes, "dates", range_text(a.valid(x)), range_text(b.valid(y)));
  std::unordered_map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> by_key;
  for (const Attribute& attribute : a.attributes(x))
    by_key[std::string(a.string(attribute.key))].first.emplace_back(a.string(attribute.value));
  for (const Attribute& attribute : b.attributes(y))
    by_key[std::string(b.string(attribute.key))].second.emplace_back(b.string(attribute.value));
  std::vector<std::string> keys;
  for (const auto& [key, values] : by_key) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  for (const auto& key : keys)
    compare_sets(changes, "attribute:" + key, by_key[key].first, by_key[key].second);
  std::vector<std::string> ids_a, ids_b;
  for (StringId id : a.external_ids(x)) ids_a.emplace_back(a.string(id));
  for (StringId id : b.external_ids(y)) ids_b.emplace_back(b.string(id));
  compare_sets(changes, "external_id", ids_a, ids_b);
  return changes;
}

// Listings, keyed "party\naction"; links keyed "kind\nfrom\nto\nedge id". Several links with one
// key (two stakes with different dates) are paired in edge order.
using Keyed = std::unordered_map<std::string, std::vector<EdgeId>>;

Keyed listing_keys(const Graph& graph) {
  Keyed out;
  for (NodeId action : graph.action_nodes())
    for (EdgeId edge : graph.in_edges(action))
      if (graph.edge_kind(edge) == EdgeKind::TargetOf)
        out[node_key(graph, graph.source(edge)) + '\n' + node_key(graph, action)].push_back(edge);
  return out;
}

Keyed link_keys(const Graph& graph) {
  Keyed out;
  for (std::uint32_t at = 0; at < graph.edge_count(); ++at) {
    const EdgeId edge{at};
    const EdgeKind kind = graph.edge_kind(edge);
    if (kind == EdgeKind::TargetOf || kind == EdgeKind::IssuedBy) continue;
    std::string key(to_string(kind));
    key += '\n' + node_key(graph, graph.source(edge)) + '\n' + node_key(graph, graph.target(edge)) + '\n';
    key += graph.edge_external_id(edge);
    out[key].push_back(edge);
  }
  return out;
}

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t at = key.find('\n'); at != std::string::npos; at = key.find('\n', start)) {
    parts.push_back(key.substr(start, at - start));
    start = at + 1;
  }
  parts.push_back(key.substr(start));
  return parts;
}

std::vector<FieldChange> listing_changes(const Graph& a, EdgeId x, const Graph& b, EdgeId y) {
  std::vector<FieldChange> changes;
  const Action* before = a.action(a.target(x));
  const Action* after = b.action(b.target(y));
  compare(changes, "dates", range_text(listing_range(a, x)), range_text(listing_range(b, y)));
  if (before == nullptr || after == nullptr) return changes;
  compare(changes, "listed", optional_date(before->listed), optional_date(after->listed));
  const std::pair<std::string_view, StringId Action::*> fields[] = {
      {"authority", &Action::authority}, {"list", &Action::list},         {"program", &Action::program},
      {"legal_basis", &Action::legal_basis}, {"measures", &Action::measures}, {"citation", &Action::citation}};
  for (const auto& [field, member] : fields)
    compare(changes, field, std::string(a.string(before->*member)), std::string(b.string(after->*member)));
  return changes;
}

std::vector<FieldChange> link_changes(const Graph& a, EdgeId x, const Graph& b, EdgeId y) {
  std::vector<FieldChange> changes;
  compare(changes, "share", a.share(x).to_string(), b.share(y).to_string());
  compare(changes, "dates", range_text(a.edge_valid(x)), range_text(b.edge_valid(y)));
  compare(changes, "role", std::string(a.role(x)), std::string(b.role(y)));
  return changes;
}

/// Pairs the keys of both versions; calls only(key, edge, in_after) and both(key, x, y).
template <class Only, class Both>
void match(const Keyed& before, const Keyed& after, Only&& only, Both&& both) {
  for (const auto& [key, edges] : before) {
    const auto found = after.find(key);
    const std::size_t common = found == after.end() ? 0 : std::min(edges.size(), found->second.size());
    for (std::size_t at = 0; at < edges.size(); ++at)
      at < common ? both(key, edges[at], found->second[at]) : only(key, edges[at], false);
  }
  for (const auto& [key, edges] : after) {
    const auto found = before.find(key);
    const std::size_t common = found == before.end() ? 0 : std::min(edges.size(), found->second.size());
    for (std::size_t at = common; at < edges.size(); ++at) only(key, edges[at], true);
  }
}

template <class T>
void sort_by(std::vector<T>& items, auto key) {
  std::sort(items.begin(), items.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
}

}  // namespace

GraphDiff diff(const Graph& before, const Graph& after) {
  GraphDiff out;
  std::vector<std::uint8_t> matched(after.node_count(), 0);
  for (std::uint32_t at = 0; at < before.node_count(); ++at) {
    const NodeId node{at};
    if (!is_party(before, node)) continue;
    const auto other = counterpart(before, node, after);
    if (!other || !is_party(after, *other)) {
      out.removed.push_back({node_key(before, node), node, kNoNode, {}});
      continue;
    }
    matched[index(*other)] = 1;
    auto changes = entity_changes(before, node, after, *other);
    if (!changes.empty()) out.changed.push_back({node_key(before, node), node, *other, std::move(changes)});
  }
  for (std::uint32_t at = 0; at < after.node_count(); ++at) {
    const NodeId node{at};
    if (is_party(after, node) && !matched[at] && !counterpart(after, node, before))
      out.added.push_back({node_key(after, node), kNoNode, node, {}});
  }

  match(listing_keys(before), listing_keys(after),
        [&](const std::string& key, EdgeId edge, bool in_after) {
          const auto parts = split_key(key);
          const Graph& graph = in_after ? after : before;
          ListingDiff listing{parts[0], parts[1], kNoNode, kNoNode, kNoEdge, kNoEdge, {}};
          (in_after ? listing.new_action : listing.old_action) = graph.target(edge);
          (in_after ? listing.new_edge : listing.old_edge) = edge;
          (in_after ? out.listings_added : out.listings_removed).push_back(std::move(listing));
        },
        [&](const std::string& key, EdgeId x, EdgeId y) {
          auto changes = listing_changes(before, x, after, y);
          if (changes.empty()) return;
          const auto parts = split_key(key);
          out.listings_changed.push_back(
              {parts[0], parts[1], before.target(x), after.target(y), x, y, std::move(changes)});
        });

  match(link_keys(before), link_keys(after),
        [&](const std::string& key, EdgeId edge, bool in_after) {
          const auto parts = split_key(key);
          const Graph& graph = in_after ? after : before;
          EdgeDiff link{graph.edge_kind(edge), parts[1], parts[2], parts[3], kNoEdge, kNoEdge, {}};
          (in_after ? link.new_edge : link.old_edge) = edge;
          (in_after ? out.edges_added : out.edges_removed).push_back(std::move(link));
        },
        [&](const std::string& key, EdgeId x, EdgeId y) {
          auto changes = link_changes(before, x, after, y);
          if (changes.empty()) return;
          const auto parts = split_key(key);
          out.edges_changed.push_back({before.edge_kind(x), parts[1], parts[2], parts[3], x, y, std::move(changes)});
        });

  auto entity_key = [](const EntityDiff& item) { return item.id; };
  auto listing_key = [](const ListingDiff& item) { return std::tie(item.party, item.action); };
  auto link_key = [](const EdgeDiff& item) { return std::tie(item.from, item.to, item.kind, item.id); };
  sort_by(out.added, entity_key);
  sort_by(out.removed, entity_key);
  sort_by(out.changed, entity_key);
  sort_by(out.listings_added, listing_key);
  sort_by(out.listings_removed, listing_key);
  sort_by(out.listings_changed, listing_key);
  sort_by(out.edges_added, link_key);
  sort_by(out.edges_removed, link_key);
  sort_by(out.edges_changed, link_key);
  return out;
}

}  // namespace skg
