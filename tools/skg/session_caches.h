// tools/skg/session_caches.h: what the commands compute once per graph and reuse (internal).
#pragma once
#include <map>
#include <optional>
#include <utility>

#include "session.h"
#include "skg/queries/as_of.h"
#include "skg/queries/exposure.h"
#include "skg/queries/identifiers.h"
#include "skg/queries/screen.h"

namespace skg {

/// Built on first use, dropped with the graph (Session::replace_graph).
struct Session::Caches {
  std::optional<ScreenIndex> screen_index;
  std::optional<IdentifierIndex> identifier_index;
  /// One fixpoint per rule and day (DESIGN.md "What fast means": a blocked set per rule and date).
  std::map<std::pair<Rule, std::int32_t>, BlockedSet> blocked;

  std::map<std::int32_t, ListedSet> listed_sets;

  const ListedSet& listed(const Graph& graph, Date day) {
    auto found = listed_sets.find(day.days);
    if (found == listed_sets.end())
      found = listed_sets.emplace(day.days, ListedSet(graph, day)).first;
    return found->second;
  }
  const ScreenIndex& screen(const Graph& graph) {
    if (!screen_index) screen_index = build_screen_index(graph);
    return *screen_index;
  }
  const IdentifierIndex& identifiers(const Graph& graph) {
    if (!identifier_index) identifier_index = build_identifier_index(graph);
    return *identifier_index;
  }
  const BlockedSet& blocked_set(const Graph& graph, Rule rule, Date day) {
    const auto key = std::make_pair(rule, day.days);
    auto found = blocked.find(key);
    if (found == blocked.end())
      found = blocked.emplace(key, skg::blocked_set(graph, {.rule = rule, .as_of = day})).first;
    return found->second;
  }
};

}  // namespace skg
