#include "skg/queries/diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
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

/// "OFAC SDN (SDGT)": what a listing is, from its Action.
std::string action_text(const Graph& graph, NodeId action_node) {
  const Action* action = graph.action(action_node);
  if (action == nullptr) return node_key(graph, action_node);
  std::string text(graph.string(action->authority));
  if (action->list != kNoString) text += fmt::format(" {}", graph.string(action->list));
  if (action->program != kNoString && action->program != action->list)
    text += fmt::format(" ({})", graph.string(action->program));
  return text;
}

/// A party's listings, "OFAC SDN (SDGT) | EU ...", each kind once.
std::string party_listings(const Graph& graph, NodeId node) {
  std::set<std::string> seen;
  std::string out;
  for (EdgeId edge : graph.out_edges(node))
    if (graph.edge_kind(edge) == EdgeKind::TargetOf)
      if (std::string text = action_text(graph, graph.target(edge)); seen.insert(text).second)
        out += (out.empty() ? "" : " | ") + text;
  return out;
}

void fill_action_fields(const Graph& graph, NodeId action_node, ListingDiff& listing) {
  const Action* action = graph.action(action_node);
  if (action == nullptr) return;
  listing.authority = graph.string(action->authority);
  listing.list = graph.string(action->list);
  listing.program = graph.string(action->program);
}

// Listing groups: one authority's list ("OFAC\nSDN"), and a program of it ("OFAC\nSDN\nSDGT").
std::string list_group(const Graph& graph, NodeId action_node) {
  const Action* action = graph.action(action_node);
  if (action == nullptr) return "\n";
  return std::string(graph.string(action->authority)) + '\n' + std::string(graph.string(action->list));
}
std::string program_group(const Graph& graph, NodeId action_node) {
  const Action* action = graph.action(action_node);
  if (action == nullptr) return "\n\n";
  return list_group(graph, action_node) + '\n' + std::string(graph.string(action->program));
}
std::string group_text(const std::string& group) {
  const auto parts = split_key(group);
  std::string text = parts[0];
  if (!parts[1].empty()) text += (text.empty() ? "" : " ") + parts[1];
  if (parts.size() > 2 && !parts[2].empty() && parts[2] != parts[1]) text += " (" + parts[2] + ")";
  return text.empty() ? std::string("(no authority or list)") : text;
}

bool is_mass(std::size_t changed, std::size_t total, const DiffOptions& options) {
  return changed >= options.mass_min && total > 0 &&
         static_cast<double>(changed) >= options.mass_share * static_cast<double>(total);
}

/// Flags listing groups that lost most of their listings, holds their rows back.
void flag_listing_removals(const Graph& before, GraphDiff& out, const DiffOptions& options) {
  std::map<std::string, std::size_t> old_lists, old_programs, gone_lists, gone_programs;
  for (NodeId action : before.action_nodes()) {
    std::size_t targets = 0;
    for (EdgeId edge : before.in_edges(action))
      if (before.edge_kind(edge) == EdgeKind::TargetOf) ++targets;
    old_lists[list_group(before, action)] += targets;
    old_programs[program_group(before, action)] += targets;
  }
  for (const ListingDiff& listing : out.listings_removed) {
    ++gone_lists[list_group(before, listing.old_action)];
    ++gone_programs[program_group(before, listing.old_action)];
  }
  // A whole list first; then the programs of the lists that are not flagged as a whole.
  std::map<std::string, std::size_t> flagged;  // group -> index in out.mass
  auto flag = [&](const std::string& group, std::size_t removed, std::size_t total) {
    MassChange mass;
    mass.what = "listings " + group_text(group);
    mass.before = total;
    mass.after = total - removed;
    mass.changed = removed;
    mass.reason = fmt::format(
        "{} of the {} listings of {} in OLD ({:.0f}%) are missing from NEW (a mass removal: {:.0f}% "
        "or more, at least {}): a file or part of one missing from NEW, or the program ended? "
        "Check the source before reading them as delistings",
        removed, total, group_text(group), 100.0 * removed / total, 100.0 * options.mass_share,
        options.mass_min);
    flagged[group] = out.mass.size();
    out.mass.push_back(std::move(mass));
  };
  for (const auto& [group, removed] : gone_lists)
    if (is_mass(removed, old_lists[group], options)) flag(group, removed, old_lists[group]);
  for (const auto& [group, removed] : gone_programs)
    if (!flagged.contains(group.substr(0, group.rfind('\n'))) && is_mass(removed, old_programs[group], options))
      flag(group, removed, old_programs[group]);
  if (flagged.empty()) return;
  auto mass_of = [&](NodeId action) -> MassChange* {
    if (auto found = flagged.find(list_group(before, action)); found != flagged.end()) return &out.mass[found->second];
    if (auto found = flagged.find(program_group(before, action)); found != flagged.end()) return &out.mass[found->second];
    return nullptr;
  };
  std::vector<ListingDiff> kept;
  for (ListingDiff& listing : out.listings_removed) {
    MassChange* mass = mass_of(listing.old_action);
    if (mass == nullptr) {
      kept.push_back(std::move(listing));
    } else {
      if (options.keep_mass_rows) kept.push_back(listing);
      mass->listings.push_back(std::move(listing));
    }
  }
  out.listings_removed = std::move(kept);
  // A removed party all of whose OLD listings are in flagged groups went with them.
  std::vector<EntityDiff> parties;
  for (EntityDiff& party : out.removed) {
    MassChange* first = nullptr;
    bool all = false;
    for (EdgeId edge : before.out_edges(party.old_node)) {
      if (before.edge_kind(edge) != EdgeKind::TargetOf) continue;
      MassChange* mass = mass_of(before.target(edge));
      all = mass != nullptr && (first == nullptr || all);
      if (first == nullptr) first = mass;
      if (mass == nullptr) break;
    }
    if (!all || first == nullptr) {
      parties.push_back(std::move(party));
    } else {
      if (options.keep_mass_rows) parties.push_back(party);
      first->parties.push_back(std::move(party));
    }
  }
  out.removed = std::move(parties);
}

bool weak_alias(const FieldChange& change) {
  return change.field == "alias" && (change.before.ends_with(" (weak)") || change.after.ends_with(" (weak)"));
}

/// Flags party fields (aliases, attributes) whose values mostly vanished (or appeared from
/// almost nothing) on the parties in both versions; drops those field changes from the rows.
void flag_field_changes(GraphDiff& out, const std::map<std::string, std::pair<std::size_t, std::size_t>>& totals,
                        const DiffOptions& options) {
  std::map<std::string, std::pair<std::size_t, std::size_t>> moved;  // field -> removed, added
  std::map<std::string, std::pair<std::size_t, std::size_t>> parties;  // field -> parties losing, gaining
  for (const EntityDiff& entity : out.changed) {
    std::set<std::pair<std::string, bool>> seen;
    for (const FieldChange& change : entity.changes) {
      if (change.field != "alias" && !change.field.starts_with("attribute:")) continue;
      if (weak_alias(change)) continue;
      if (change.after.empty()) {
        ++moved[change.field].first;
        if (seen.insert({change.field, true}).second) ++parties[change.field].first;
      }
      if (change.before.empty()) {
        ++moved[change.field].second;
        if (seen.insert({change.field, false}).second) ++parties[change.field].second;
      }
    }
  }
  std::set<std::pair<std::string, bool>> flagged;  // field, removal
  for (const auto& [field, counts] : moved) {
    const auto total = totals.find(field);
    const std::size_t old_total = total == totals.end() ? 0 : total->second.first;
    const std::size_t new_total = total == totals.end() ? 0 : total->second.second;
    for (const bool removal : {true, false}) {
      const std::size_t count = removal ? counts.first : counts.second;
      const std::size_t spread = removal ? parties[field].first : parties[field].second;
      // A file missing takes values from many parties; one party's record rewritten (an FtM MOD
      // dropping 170 aliases) is that party's change, itemised.
      if (!is_mass(count, removal ? old_total : new_total, options) || spread < options.mass_min_parties) continue;
      MassChange mass;
      mass.what = field;
      mass.removal = removal;
      mass.before = old_total;
      mass.after = new_total;
      mass.changed = count;
      const std::string kind = field == "alias" ? "strong aliases" : field.substr(10) + " values";
      mass.reason =
          removal ? fmt::format("{} of the {} {} of parties in both versions ({:.0f}%) are missing from NEW "
                                "(a mass removal: {:.0f}% or more, at least {}): a file loaded for OLD only "
                                "(an alias or address file such as OFAC's alt.csv, add.csv)? Not listed one by one",
                                count, old_total, kind, 100.0 * count / old_total,
                                100.0 * options.mass_share, options.mass_min)
                  : fmt::format("{} of the {} {} of parties in both versions ({:.0f}%) are new in NEW "
                                "({:.0f}% or more, at least {}): a file loaded for NEW only (an alias or "
                                "address file such as OFAC's alt.csv, add.csv)? Not listed one by one",
                                count, new_total, kind, 100.0 * count / new_total,
                                100.0 * options.mass_share, options.mass_min);
      flagged.insert({field, removal});
      out.mass.push_back(std::move(mass));
    }
  }
  if (flagged.empty() || options.keep_mass_rows) return;
  std::vector<EntityDiff> kept;
  for (EntityDiff& entity : out.changed) {
    std::erase_if(entity.changes, [&](const FieldChange& change) {
      if (weak_alias(change)) return false;
      return (change.after.empty() && flagged.contains({change.field, true})) ||
             (change.before.empty() && flagged.contains({change.field, false}));
    });
    if (!entity.changes.empty() || !entity.op.empty()) kept.push_back(std::move(entity));
  }
  out.changed = std::move(kept);
}

void count_fields(const Graph& graph, NodeId node, bool after,
                  std::map<std::string, std::pair<std::size_t, std::size_t>>& totals) {
  // Weak aliases (OFAC's remarks, UN "Low" quality) come with the main record, not from a file of
  // aliases: only the others are counted, so a missing alias file shows as all of them gone.
  const auto names = graph.names(node);
  auto& alias = totals["alias"];
  for (std::size_t at = 1; at < names.size(); ++at)
    if (names[at].strength != NameStrength::Weak) ++(after ? alias.second : alias.first);
  for (const Attribute& attribute : graph.attributes(node)) {
    auto& count = totals["attribute:" + std::string(graph.string(attribute.key))];
    ++(after ? count.second : count.first);
  }
}

}  // namespace

GraphDiff diff(const Graph& before, const Graph& after, const DiffOptions& options) {
  GraphDiff out;
  std::map<std::string, std::pair<std::size_t, std::size_t>> totals;  // field -> values in OLD, NEW
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
    count_fields(before, node, false, totals);
    count_fields(after, *other, true, totals);
    auto changes = entity_changes(before, node, after, *other);
    if (!changes.empty()) out.changed.push_back({node_key(before, node), node, *other, std::move(changes)});
  }
  for (std::uint32_t at = 0; at < after.node_count(); ++at) {
    const NodeId node{at};
    // Unmatched: new, or split off an OLD party another NEW node continues (an FtM entity whose
    // referents an OLD record held): either way a party OLD did not have.
    if (is_party(after, node) && !matched[at]) out.added.push_back({node_key(after, node), kNoNode, node, {}});
  }

  match(listing_keys(before), listing_keys(after),
        [&](const std::string& key, EdgeId edge, bool in_after) {
          const auto parts = split_key(key);
          const Graph& graph = in_after ? after : before;
          ListingDiff listing{parts[0], parts[1], kNoNode, kNoNode, kNoEdge, kNoEdge, {}};
          (in_after ? listing.new_action : listing.old_action) = graph.target(edge);
          fill_action_fields(graph, graph.target(edge), listing);
          (in_after ? listing.new_edge : listing.old_edge) = edge;
          (in_after ? out.listings_added : out.listings_removed).push_back(std::move(listing));
        },
        [&](const std::string& key, EdgeId x, EdgeId y) {
          auto changes = listing_changes(before, x, after, y);
          if (changes.empty()) return;
          const auto parts = split_key(key);
          ListingDiff listing{parts[0], parts[1], before.target(x), after.target(y), x, y, std::move(changes)};
          fill_action_fields(after, after.target(y), listing);
          out.listings_changed.push_back(std::move(listing));
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

  // A delta diff: each party the delta names is tagged with its op; a MOD (or a repeated ADD) of
  // a party OLD holds is a change even when the model's fields came out the same.
  if (!options.delta.empty()) {
    std::unordered_map<std::uint32_t, const std::string*> old_op, new_op;
    for (const auto& [id, op] : options.delta) {
      if (const auto node = before.find(id)) old_op.emplace(index(*node), &op);
      if (const auto node = after.find(id)) new_op.emplace(index(*node), &op);
    }
    auto tag = [&](EntityDiff& entity) {
      if (entity.new_node != kNoNode)
        if (auto found = new_op.find(index(entity.new_node)); found != new_op.end()) entity.op = *found->second;
      if (entity.op.empty() && entity.old_node != kNoNode)
        if (auto found = old_op.find(index(entity.old_node)); found != old_op.end()) entity.op = *found->second;
    };
    std::set<std::uint32_t> changed_new;
    for (auto& entity : out.changed) {
      tag(entity);
      changed_new.insert(index(entity.new_node));
    }
    for (auto& entity : out.added) {
      tag(entity);
      changed_new.insert(index(entity.new_node));
    }
    for (auto& entity : out.removed) tag(entity);
    for (const auto& [at, op] : new_op) {
      const NodeId node{at};
      if (*op == "DEL" || changed_new.contains(at) || !is_party(after, node)) continue;
      const auto other = counterpart(after, node, before);
      if (!other || !is_party(before, *other)) continue;  // added: already listed
      out.changed.push_back({node_key(before, *other), *other, node, {}, {}, *op});
    }
  }
  for (auto& entity : out.added) entity.listings = party_listings(after, entity.new_node);
  for (auto& entity : out.removed) entity.listings = party_listings(before, entity.old_node);
  for (auto& entity : out.changed) entity.listings = party_listings(after, entity.new_node);
  if (options.mass_share <= 1.0) {
    flag_listing_removals(before, out, options);
    flag_field_changes(out, totals, options);
  }

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
