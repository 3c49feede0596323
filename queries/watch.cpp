#include "skg/queries/watch.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "skg/queries/as_of.h"
#include "skg/queries/csv_out.h"
#include "skg/queries/screen_evidence.h"
#include "skg/queries/screen_query.h"

namespace skg::inline v1 {

namespace {

std::string key_of(const Graph& graph, NodeId node) {
  const auto ids = graph.external_ids(node);
  return ids.empty() ? std::string() : std::string(graph.string(ids.front()));
}

/// The node a record (an external id) is in `graph`, or kNoNode.
NodeId find_record(const Graph& graph, const std::string& key) {
  if (key.empty()) return kNoNode;
  const auto found = graph.find(key);
  return found ? *found : kNoNode;
}

struct Match {
  NodeId node = kNoNode;
  double score = 0;
  std::string name;  // the name or alias that matched
};

/// The records matching `party` in one version, by external id (one entry per record).
std::map<std::string, Match> matches(const WatchVersion& version, const ScreenInputRow& party,
                                     const ScreenOptions& options) {
  const Graph& graph = version.graph();
  std::map<std::string, Match> out;
  // An id that is a record's own external id ("ofac-sdn:36161") names that record for certain.
  if (!party.id.empty())
    if (const auto node = graph.find(party.id); node && graph.kind(*node) != NodeKind::Action &&
                                                graph.kind(*node) != NodeKind::Authority)
      out[key_of(graph, *node)] = {*node, 1.0, std::string(graph.name(*node))};
  const ScreenQuery query = screen_query_of(party);
  if (query.name.empty() && query.id.empty()) return out;
  for (const ScreenHit& hit : screen_query(graph, version.names(), version.ids(), query, options)) {
    Match& match = out[key_of(graph, hit.node)];
    if (match.node == kNoNode || hit.score > match.score)
      match = {hit.node, hit.score, std::string(hit.name_text)};
  }
  return out;
}

std::string range_text(const DateRange& range) {
  return fmt::format("[{}, {})", range.start ? range.start->to_string() : "open",
                     range.end ? range.end->to_string() : "open");
}

/// "in force from 2024-06-21", "in force [2019-01-01, 2024-05-01)", "no dates given".
std::string dates_text(const DateRange& range) {
  if (!range.start && !range.end) return "no dates given";
  if (!range.end) return "in force from " + range.start->to_string();
  return "in force " + range_text(range);
}

/// One reason in short: "listed" or "owned: owner -[60%]-> holding" (external ids).
std::string reason_short(const Graph& graph, const Reason& reason) {
  std::string text(to_string(reason.kind));
  if (reason.chain.empty()) return text;
  text += ": " + key_of(graph, reason.chain.front().owner);
  for (const ChainStep& step : reason.chain)
    text += fmt::format(" -[{}]-> {}", step.share.to_string(), key_of(graph, step.asset));
  return text;
}

struct ListingFacts {
  EdgeId edge = kNoEdge;
  const Action* action = nullptr;
  DateRange dates;
};

/// A record's listings in force (on `as_of`, or not ended when unset), by the Action's id.
std::map<std::string, ListingFacts> listings_in_force(const Graph& graph, NodeId node,
                                                      std::optional<Date> as_of) {
  std::map<std::string, ListingFacts> out;
  if (node == kNoNode) return out;
  const Listings split = listings(graph, node, as_of);
  for (const Listing& listing : split.in_force)
    if (holds(listing.in_force, as_of))
      out.emplace(key_of(graph, listing.action), ListingFacts{listing.edge, listing.details, listing.in_force});
  return out;
}

std::string listing_text(const Graph& graph, const ListingFacts& facts) {
  if (facts.action == nullptr) return "a listing";
  std::string text(graph.string(facts.action->authority));
  if (facts.action->list != kNoString) text += fmt::format(" {}", graph.string(facts.action->list));
  if (facts.action->program != kNoString && facts.action->program != facts.action->list)
    text += fmt::format(" ({})", graph.string(facts.action->program));
  return text;
}

WatchChange listing_change(const Graph& graph, WatchChangeKind kind, const std::string& record,
                           const std::string& action, const ListingFacts& facts) {
  WatchChange change;
  change.kind = kind;
  change.record = record;
  change.action = action;
  change.edge = facts.edge;
  change.dates = facts.dates;
  if (facts.action != nullptr) {
    change.authority = graph.string(facts.action->authority);
    change.list = graph.string(facts.action->list);
    change.program = graph.string(facts.action->program);
  }
  return change;
}

std::string date_text(std::optional<Date> day) { return day ? day->to_string() : std::string(); }

}  // namespace

std::string_view watch_csv_header() noexcept {
  return "line,ref,name,id,change,record,record_name,old_score,new_score,matched_name,authority,"
         "list,program,start,end,rule,before,after,chain,records,why,error\n";
}

std::string watch_csv_rows(const Graph& before, const Graph& after, const WatchPartyResult& party) {
  const std::string head = fmt::format("{},{},{},{}", party.input.line, csv_field(party.input.ref),
                                       csv_field(party.input.name), csv_field(party.input.id));
  if (!party.error.empty()) return head + ",error" + std::string(17, ',') + csv_field(party.error) + "\n";
  std::string out;
  for (const WatchChange& change : party.changes) {
    std::string start, end, rule, was, is, chain, records;
    auto add_records = [&](const Graph& graph, std::span<const ProvId> provs) {
      for (ProvId prov : provs) records += (records.empty() ? "" : "; ") + graph.describe(prov);
    };
    if (change.kind == WatchChangeKind::ListingAdded || change.kind == WatchChangeKind::ListingEnded ||
        change.kind == WatchChangeKind::ListingChanged) {
      const Graph& graph = change.kind == WatchChangeKind::ListingEnded ? before : after;
      start = date_text(change.dates.start);
      if (change.dates.end) end = Date{change.dates.end->days - 1}.to_string();
      if (change.edge != kNoEdge) add_records(graph, graph.edge_provenance(change.edge));
    } else if (change.kind == WatchChangeKind::VerdictChanged) {
      const Graph& graph = change.reasons_from_new ? after : before;
      rule = rule_info(change.rule).id;
      was = to_string(change.before);
      is = to_string(change.after);
      if (!change.reasons.empty()) {
        for (const ChainStep& step : change.reasons.front().chain) {
          if (chain.empty()) chain = key_of(graph, step.owner);
          chain += fmt::format(" -[{}]-> {}", step.share.to_string(), key_of(graph, step.asset));
          if (step.edge != kNoEdge) add_records(graph, graph.edge_provenance(step.edge));
        }
      }
    }
    out += fmt::format("{},{},{},{},{:.4f},{:.4f},{},{},{},{},{},{},{},{},{},{},{},{},\n", head,
                       to_string(change.kind), csv_field(change.record),
                       csv_field(change.record_name), change.old_score, change.new_score,
                       csv_field(change.matched_name), csv_field(change.authority),
                       csv_field(change.list), csv_field(change.program), start, end, rule, was, is,
                       csv_field(chain), csv_field(records), csv_field(change.why));
  }
  return out;
}

std::string_view to_string(WatchChangeKind kind) noexcept {
  switch (kind) {
    case WatchChangeKind::NewMatch: return "new match";
    case WatchChangeKind::NoLongerMatched: return "no longer matched";
    case WatchChangeKind::ListingAdded: return "listing added";
    case WatchChangeKind::ListingEnded: return "listing ended";
    case WatchChangeKind::VerdictChanged: return "verdict changed";
    case WatchChangeKind::ListingChanged: return "listing changed";
  }
  return "?";
}

WatchVersion::WatchVersion(const Graph& graph, const WatchOptions& options)
    : graph_(&graph), names_(build_screen_index(graph)), ids_(build_identifier_index(graph)) {
  for (Rule rule : options.rules) blocked_.push_back(blocked_set(graph, {.rule = rule, .as_of = options.as_of}));
}

const BlockedSet& WatchVersion::blocked(Rule rule) const {
  for (const BlockedSet& set : blocked_)
    if (set.rule() == rule) return set;
  throw Error(fmt::format("watch: no blocked set for rule {} (build both versions with the same rules)",
                          to_string(rule)));
}

WatchPartyResult watch_party(const WatchVersion& before, const WatchVersion& after,
                             const ScreenInputRow& party, const WatchOptions& options) {
  WatchPartyResult result;
  result.input = party;
  if (!party.error.empty()) {
    result.error = party.error;
    return result;
  }
  ScreenOptions screen = options.screen;
  screen.as_of = options.as_of;
  std::map<std::string, Match> old_matches, new_matches;
  try {
    old_matches = matches(before, party, screen);
    new_matches = matches(after, party, screen);
  } catch (const std::exception& failure) {
    result.error = fmt::format("line {}: {}", party.line, failure.what());
    return result;
  }
  result.old_matches = old_matches.size();
  result.new_matches = new_matches.size();
  const Graph& a = before.graph();
  const Graph& b = after.graph();

  std::vector<std::string> records;  // matched in either version, in id order
  for (const auto& entry : old_matches) records.push_back(entry.first);
  for (const auto& entry : new_matches)
    if (!old_matches.contains(entry.first)) records.push_back(entry.first);
  std::sort(records.begin(), records.end());

  for (const std::string& record : records) {
    const auto old_match = old_matches.find(record);
    const auto new_match = new_matches.find(record);
    const bool in_old = old_match != old_matches.end(), in_new = new_match != new_matches.end();
    // The record in each version, matched or not: a record can stop matching and still be there.
    const NodeId old_node = in_old ? old_match->second.node : find_record(a, record);
    const NodeId new_node = in_new ? new_match->second.node : find_record(b, record);
    const std::string name(new_node != kNoNode ? b.name(new_node) : a.name(old_node));
    auto base = [&](WatchChangeKind kind) {
      WatchChange change;
      change.kind = kind;
      change.record = record;
      change.record_name = name;
      change.old_node = old_node;
      change.new_node = new_node;
      change.old_score = in_old ? old_match->second.score : 0;
      change.new_score = in_new ? new_match->second.score : 0;
      return change;
    };
    if (in_new && !in_old) {
      WatchChange change = base(WatchChangeKind::NewMatch);
      change.matched_name = new_match->second.name;
      change.why = old_node == kNoNode
                       ? fmt::format("record {} is new in NEW; matched '{}' (score {:.2f})", record,
                                     change.matched_name, change.new_score)
                       : fmt::format("record {} was in OLD below the threshold; NEW matches '{}' "
                                     "(score {:.2f})",
                                     record, change.matched_name, change.new_score);
      result.changes.push_back(std::move(change));
    } else if (in_old && !in_new) {
      WatchChange change = base(WatchChangeKind::NoLongerMatched);
      change.matched_name = old_match->second.name;
      change.why = new_node == kNoNode
                       ? fmt::format("record {} is not in NEW (OLD matched '{}', score {:.2f})",
                                     record, change.matched_name, change.old_score)
                       : fmt::format("record {} is still in NEW but no longer matches (OLD matched "
                                     "'{}', score {:.2f})",
                                     record, change.matched_name, change.old_score);
      result.changes.push_back(std::move(change));
    }

    // Listings of the record in force in each version, by the Action's external id.
    const auto old_listings = listings_in_force(a, old_node, options.as_of);
    const auto new_listings = listings_in_force(b, new_node, options.as_of);
    for (const auto& [action, facts] : new_listings) {
      if (old_listings.contains(action)) continue;
      WatchChange change = listing_change(b, WatchChangeKind::ListingAdded, record, action, facts);
      change.record_name = name;
      change.old_node = old_node;
      change.new_node = new_node;
      change.why = fmt::format("{} listing {} ({}) in NEW, not in OLD", listing_text(b, facts),
                               action, dates_text(facts.dates));
      result.changes.push_back(std::move(change));
    }
    for (const auto& [action, facts] : new_listings) {
      const auto old_facts = old_listings.find(action);
      if (old_facts == old_listings.end() || facts.action == nullptr || old_facts->second.action == nullptr) continue;
      std::string was, now;
      auto field = [&](std::string_view name, std::string_view x, std::string_view y) {
        if (x == y) return;
        was += fmt::format("{}{}: {}", was.empty() ? "" : "; ", name, x.empty() ? "(none)" : x);
        now += fmt::format("{}{}: {}", now.empty() ? "" : "; ", name, y.empty() ? "(none)" : y);
      };
      const Action& x = *old_facts->second.action;
      const Action& y = *facts.action;
      field("authority", a.string(x.authority), b.string(y.authority));
      field("list", a.string(x.list), b.string(y.list));
      field("program", a.string(x.program), b.string(y.program));
      field("dates", dates_text(old_facts->second.dates), dates_text(facts.dates));
      if (was.empty()) continue;
      WatchChange change = listing_change(b, WatchChangeKind::ListingChanged, record, action, facts);
      change.record_name = name;
      change.old_node = old_node;
      change.new_node = new_node;
      change.before_text = was;
      change.why = fmt::format("{} listing {}: {} -> {}", listing_text(b, facts), action, was, now);
      result.changes.push_back(std::move(change));
    }
    for (const auto& [action, facts] : old_listings) {
      if (new_listings.contains(action)) continue;
      WatchChange change = listing_change(a, WatchChangeKind::ListingEnded, record, action, facts);
      change.record_name = name;
      change.old_node = old_node;
      change.new_node = new_node;
      const NodeId new_action = find_record(b, action);
      change.why = new_node == kNoNode ? fmt::format("{} listing {}: the record is not in NEW",
                                                     listing_text(a, facts), action)
                   : new_action == kNoNode
                       ? fmt::format("{} listing {}: not in NEW", listing_text(a, facts), action)
                       : fmt::format("{} listing {}: in NEW but not in force ({})",
                                     listing_text(a, facts), action,
                                     b.action(new_action) != nullptr
                                         ? dates_text(listing_period(*b.action(new_action)))
                                         : std::string("no dates"));
      result.changes.push_back(std::move(change));
    }

    // Ownership verdicts under each rule, from each version's blocked set.
    for (Rule rule : options.rules) {
      const BlockedSet& old_set = before.blocked(rule);
      const BlockedSet& new_set = after.blocked(rule);
      const Verdict was = old_node == kNoNode ? Verdict::No : old_set.verdict(old_node);
      const Verdict is = new_node == kNoNode ? Verdict::No : new_set.verdict(new_node);
      if (was == is) continue;
      WatchChange change = base(WatchChangeKind::VerdictChanged);
      change.rule = rule;
      change.before = was;
      change.after = is;
      change.reasons_from_new = is != Verdict::No;
      const Exposure answer = change.reasons_from_new ? exposure(b, new_set, new_node)
                                                      : exposure(a, old_set, old_node);
      change.reasons = answer.reasons;
      change.why = fmt::format("{}: {} -> {}{}", rule_info(rule).name, to_string(was), to_string(is),
                               change.reasons.empty()
                                   ? std::string()
                                   : fmt::format(" ({}: {})", change.reasons_from_new ? "NEW" : "OLD",
                                                 reason_short(change.reasons_from_new ? b : a,
                                                              change.reasons.front())));
      result.changes.push_back(std::move(change));
    }
  }
  return result;
}

WatchReport watch(const WatchVersion& before, const WatchVersion& after,
                  std::span<const ScreenInputRow> portfolio, const WatchOptions& options) {
  std::vector<WatchPartyResult> results(portfolio.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t at; (at = next.fetch_add(1, std::memory_order_relaxed)) < portfolio.size();) {
      WatchPartyResult one;
      try {
        one = watch_party(before, after, portfolio[at], options);
      } catch (const std::exception& failure) {  // a thread must not throw: the row says why
        one.input = portfolio[at];
        one.changes.clear();
        one.error = fmt::format("line {}: {}", portfolio[at].line, failure.what());
      }
      if (one.changes.empty() && one.error.empty()) one.input = {};  // counted only
      results[at] = std::move(one);
    }
  };
  std::vector<std::thread> helpers;
  const unsigned threads = std::max(1u, options.threads);
  for (unsigned thread = 1; thread < threads && portfolio.size() > 64; ++thread) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();
  WatchReport report;
  report.parties = portfolio.size();
  for (WatchPartyResult& one : results) {
    if (!one.error.empty()) ++report.errors;
    if (one.changes.empty() && one.error.empty()) {
      ++report.unchanged;
      continue;
    }
    report.changed.push_back(std::move(one));
  }
  return report;
}

}  // namespace skg
