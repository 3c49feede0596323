#include "skg/queries/screen_query.h"

#include <algorithm>

#include "skg/graph/error.h"

namespace skg::inline v1 {

namespace {

bool node_admitted(const Graph& graph, NodeId node, const ScreenOptions& options) {
  if (!options.kinds.contains(graph.kind(node))) return false;
  if (options.as_of && !graph.valid(node).contains(*options.as_of)) return false;
  if (options.listed_only && !is_listed(graph, node, options.as_of)) return false;
  return passes_filter(graph, node, options.filter, options.as_of);
}

/// The query without the byte ranges `used` (the identifiers found in it).
std::string without(std::string_view text, const std::vector<std::pair<std::size_t, std::size_t>>& used) {
  std::string out;
  std::size_t at = 0;
  for (const auto& [first, last] : used) {
    out.append(text.substr(at, first - at));
    out += ' ';
    at = last;
  }
  out.append(text.substr(at));
  return out;
}

void add_details(const Graph& graph, ScreenHit& hit, std::optional<Date> as_of) {
  Listings split = listings(graph, hit.node, as_of);
  hit.listings = std::move(split.in_force);
  hit.listings.insert(hit.listings.end(), split.later.begin(), split.later.end());
  hit.listings.insert(hit.listings.end(), split.ended.begin(), split.ended.end());
  hit.birth_dates = record_birth_dates(graph, hit.node);
  hit.countries = record_countries(graph, hit.node);
}

}  // namespace

NodeKinds kinds_admitted_by(NodeKind kind) noexcept {
  NodeKinds out{kind, NodeKind::LegalEntity};
  if (kind == NodeKind::Company) out = out.with(NodeKind::Organization);
  if (kind == NodeKind::Organization) out = out.with(NodeKind::Company);
  return out;
}

std::vector<ScreenHit> screen_query(const Graph& graph, const ScreenIndex& names,
                                    const IdentifierIndex& ids, const ScreenQuery& query,
                                    const ScreenOptions& options) {
  if (const auto error = evidence_error(query.evidence)) throw Error(*error);
  ScreenOptions effective = options;
  if (query.evidence.kind) {
    const NodeKinds admitted = kinds_admitted_by(*query.evidence.kind);
    NodeKinds both;
    for (int kind = 0; kind < kNodeKindCount; ++kind)
      if (options.kinds.contains(static_cast<NodeKind>(kind)) && admitted.contains(static_cast<NodeKind>(kind)))
        both = both.with(static_cast<NodeKind>(kind));
    effective.kinds = both;
  }

  // Identifiers: the one given, and any the name carries ("Sovcomflot IMO 9187629").
  std::vector<IdentifierMatch> id_matches;
  if (!query.id.empty()) id_matches = find_identifier(graph, ids, query.id);
  std::vector<std::pair<std::size_t, std::size_t>> used;
  for (auto& match : find_identifiers_in_text(graph, ids, query.name, &used))
    id_matches.push_back(std::move(match));
  const std::string name = used.empty() ? query.name : without(query.name, used);

  // Names: evidence may raise a score by up to kMaxRaise, so candidates that close below the
  // threshold are scored too, and more of them than the limit, since evidence reorders them.
  std::vector<ScreenHit> hits;
  if (name.find_first_not_of(" \t") != std::string::npos) {
    ScreenOptions by_name = effective;
    if (!query.evidence.empty()) {
      by_name.min_score = std::max(0.0, options.min_score - evidence_weights::kMaxRaise);
      if (options.limit != 0) by_name.limit = options.limit * 4 + 16;
    }
    hits = screen(graph, names, name, by_name);
  }
  for (ScreenHit& hit : hits) hit.name_score = hit.score;

  for (IdentifierMatch& match : id_matches) {
    if (!node_admitted(graph, match.node, effective)) continue;
    auto found = std::find_if(hits.begin(), hits.end(), [&](const ScreenHit& hit) { return hit.node == match.node; });
    if (found == hits.end()) {
      ScreenHit hit;
      hit.node = match.node;
      const auto all_names = graph.names(match.node);
      if (!all_names.empty()) {
        hit.name = all_names.front();
        hit.name_text = graph.string(hit.name.text);
      }
      hits.push_back(std::move(hit));
      found = hits.end() - 1;
    }
    const bool seen = std::any_of(found->identifiers.begin(), found->identifiers.end(), [&](const IdentifierMatch& other) {
      return other.attribute == match.attribute && other.value == match.value;
    });
    if (!seen) found->identifiers.push_back(std::move(match));
  }

  for (ScreenHit& hit : hits) {
    if (!query.evidence.empty()) hit.secondary = weigh_evidence(graph, hit.node, query.evidence);
    if (!hit.identifiers.empty()) {
      hit.score = 1.0;  // an identifier the record holds: certain, whatever the other facts say
      continue;
    }
    double score = hit.name_score;
    for (const EvidenceNote& note : hit.secondary) score += note.delta;
    hit.score = std::clamp(score, 0.0, 1.0);
  }
  std::erase_if(hits, [&](const ScreenHit& hit) {
    return hit.identifiers.empty() && hit.score + 1e-9 < options.min_score;
  });
  std::stable_sort(hits.begin(), hits.end(), [](const ScreenHit& a, const ScreenHit& b) {
    if (a.identifiers.empty() != b.identifiers.empty()) return !a.identifiers.empty();
    if (a.score != b.score) return a.score > b.score;
    return a.exact && !b.exact;
  });
  if (options.limit != 0 && hits.size() > options.limit) hits.resize(options.limit);
  for (ScreenHit& hit : hits) add_details(graph, hit, options.as_of);
  return hits;
}

}  // namespace skg
