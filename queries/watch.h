// queries/watch.h: portfolio monitoring: for each party of a portfolio, what changed between two
// versions of the lists (screening matches, listings, ownership verdicts), with the records.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/graph.h"
#include "skg/loaders/screen_input.h"
#include "skg/queries/exposure.h"
#include "skg/queries/identifiers.h"
#include "skg/queries/screen.h"

namespace skg::inline v1 {

struct WatchOptions {
  /// Screening of each portfolio party in each version: min_score is the match threshold
  /// (default: the calibrated screening threshold), limit the records kept per party.
  ScreenOptions screen = [] {
    ScreenOptions options;
    options.limit = 5;
    return options;
  }();
  /// The ownership rules whose verdicts are compared.
  std::vector<Rule> rules = {Rule::Ofac, Rule::Eu, Rule::Uk, Rule::BisAffiliates};
  /// The day listings and verdicts are read on in both versions; unset: the latest state of each
  /// version (ended facts ended), as `exposure` reads it.
  std::optional<Date> as_of;
  unsigned threads = 2;  // parties screened at once (DESIGN.md: a 2-core target)
};

/// One version of the lists with what watching needs, built once: the screening and identifier
/// indexes and a blocked set per rule. Refers to `graph`, which must outlive it.
class WatchVersion {
 public:
  WatchVersion(const Graph& graph, const WatchOptions& options);
  const Graph& graph() const noexcept { return *graph_; }
  const ScreenIndex& names() const noexcept { return names_; }
  const IdentifierIndex& ids() const noexcept { return ids_; }
  /// The blocked set of `rule` (one of the options' rules).
  const BlockedSet& blocked(Rule rule) const;

 private:
  const Graph* graph_;
  ScreenIndex names_;
  IdentifierIndex ids_;
  std::vector<BlockedSet> blocked_;
};

enum class WatchChangeKind : std::uint8_t {
  NewMatch,         // a record matches the party in NEW and did not in OLD
  NoLongerMatched,  // a record matched the party in OLD and does not in NEW
  ListingAdded,     // a matched record has a listing in force in NEW that OLD did not have
  ListingEnded,     // a matched record's listing in force in OLD is not in force (or gone) in NEW
  VerdictChanged,   // a matched record's ownership verdict under a rule differs
  ListingChanged,   // a listing in force in both whose program, list, authority or dates differ
};
std::string_view to_string(WatchChangeKind kind) noexcept;  // "new match", "listing added", ...

/// One change for one portfolio party, with the record and the evidence behind it.
struct WatchChange {
  WatchChangeKind kind = WatchChangeKind::NewMatch;
  std::string record;                           // the record's external id ("ofac-sdn:36161")
  std::string record_name;                      // its primary name (NEW's when it has one)
  NodeId old_node = kNoNode, new_node = kNoNode;  // the record in each version (kNoNode: absent)
  double old_score = 0, new_score = 0;  // screening scores (0: not matched in that version)
  std::string matched_name;             // the name or alias that matched (matches)
  std::string why;                      // one line in words: what changed and on what evidence
  // Listing changes: the listing (the Action's external id) and what it says.
  std::string action, authority, list, program;
  DateRange dates;                 // when it is in force (the version it is in force in)
  EdgeId edge = kNoEdge;           // the TARGET_OF edge (NEW's for added and changed, OLD's for ended)
  std::string before_text;         // a changed listing: what OLD said ("program: SDGT")
  // Verdict changes: the rule, both verdicts, and what decides the verdict that is not "no"
  // (NEW's reasons when NEW blocks, else OLD's: why it was blocked), with chains and records.
  Rule rule = Rule::Ofac;
  Verdict before = Verdict::No, after = Verdict::No;
  std::vector<Reason> reasons;
  bool reasons_from_new = true;  // which version `reasons` refer to
};

/// What changed for one portfolio party; empty `changes` when nothing did.
struct WatchPartyResult {
  ScreenInputRow input;  // the portfolio row (line, ref, name, id, ...)
  std::vector<WatchChange> changes;
  std::size_t old_matches = 0, new_matches = 0;  // records matched in each version
  std::string error;  // why the row could not be screened ("" when it could)
};

struct WatchReport {
  std::vector<WatchPartyResult> changed;  // parties with a change or an error, in input order
  std::size_t parties = 0, unchanged = 0, errors = 0;
};

/// What changed for one party between `before` and `after`. Records are matched by screening
/// (name and identifiers, as `screen_query`) and, when the row's id is a record's external id
/// ("ofac-sdn:36161"), by that id with score 1.
///   auto result = skg::watch_party(old_version, new_version, row, options);
WatchPartyResult watch_party(const WatchVersion& before, const WatchVersion& after,
                             const ScreenInputRow& party, const WatchOptions& options = {});

/// Every party of a portfolio, on `options.threads` threads; unchanged parties are counted, not
/// kept. `before` and `after` must have been built with the same rules.
///   skg::WatchVersion old_version(old_graph, options), new_version(new_graph, options);
///   auto report = skg::watch(old_version, new_version, rows, options);
WatchReport watch(const WatchVersion& before, const WatchVersion& after,
                  std::span<const ScreenInputRow> portfolio, const WatchOptions& options = {});

/// `watch --format csv`: one row per change, under this header (RFC 4180 quoting): line, ref,
/// name, id (the portfolio row), change, record, record_name, old_score, new_score,
/// matched_name, authority, list, program, start, end (listings; end is the last day), rule,
/// before, after (verdicts), chain (the first reason's chain, "owner -[share]-> asset", external
/// ids), records (the sources behind the listing or the chain's links, "; "-separated), why, error.
std::string_view watch_csv_header() noexcept;
/// The rows of one party (one row, with `error`, when it could not be screened); each ends "\n".
std::string watch_csv_rows(const Graph& before, const Graph& after, const WatchPartyResult& party);

}  // namespace skg
