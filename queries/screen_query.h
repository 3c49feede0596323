// queries/screen_query.h: one screening question as an analyst asks it: a name and/or an
// identifier, the facts the caller knows, filters; hits with their listings and explanation.
#pragma once
#include <string>
#include <vector>

#include "skg/queries/identifiers.h"
#include "skg/queries/screen.h"
#include "skg/queries/screen_evidence.h"

namespace skg::inline v1 {

struct ScreenQuery {
  std::string name;         // may be empty when `id` is given; identifiers inside it are found too
  std::string id;           // an identifier to match exactly (normalised: case, spaces, dashes)
  ScreenEvidence evidence;  // date of birth, countries, gender, kind
};

/// Screens one party: records holding one of the query's identifiers are certain hits (score 1,
/// whatever their name); then names by `screen()`, each score moved by the evidence (see
/// screen_evidence.h) and kept when it reaches `options.min_score`. Every hit carries its
/// listings (split by `options.as_of`), dates of birth and countries. Throws skg::Error when
/// the evidence is malformed (evidence_error()).
///   auto hits = skg::screen_query(graph, names, ids, {.name = "Marina Alekseeva",
///                                                     .evidence = {.birth_date = "1961"}});
std::vector<ScreenHit> screen_query(const Graph& graph, const ScreenIndex& names,
                                    const IdentifierIndex& ids, const ScreenQuery& query,
                                    const ScreenOptions& options = {});

/// The kinds a caller's kind admits: itself, LegalEntity (a record that does not say), and
/// Company for Organization and back (FtM: a Company is an Organization).
NodeKinds kinds_admitted_by(NodeKind kind) noexcept;

}  // namespace skg
