#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "skg/graph/builder.h"
#include "skg/graph/error.h"
#include "skg/queries/exposure.h"
#include "skg/queries/whatif.h"
#include "skg/skg.h"
#include "typed_listing.h"

using namespace skg;

namespace {

Date day(std::string_view iso) { return *Date::parse(iso); }

/// The authority whose asset freeze (BIS: Entity List entry) designates under each rule.
std::string_view authority_of(Rule rule) {
  switch (rule) {
    case Rule::Ofac: return "OFAC";
    case Rule::Eu: return "Council of the European Union";
    case Rule::Uk: return "UK";
    case Rule::BisAffiliates: return "BIS";
  }
  return "";
}
std::string_view list_of(Rule rule) { return rule == Rule::BisAffiliates ? "Entity List" : "SDN"; }

/// A small ownership graph as data, so the same graph can be built with a list change made for
/// real (a listing added, or a party's listings under one authority dropped).
struct Spec {
  struct Party {
    std::string id;
    NodeKind kind;
  };
  struct Listing {
    std::string party;
    Rule rule;
    DateRange in_force;
  };
  struct Link {
    std::string from, to;
    EdgeKind kind;
    Percent share;
    Interest interest;
    DateRange valid;
  };
  std::vector<Party> parties;
  std::vector<Listing> listings;
  std::vector<Link> links;

  Spec& party(std::string id, NodeKind kind = NodeKind::Company) {
    parties.push_back({std::move(id), kind});
    return *this;
  }
  Spec& list(std::string id, Rule rule = Rule::Ofac, DateRange in_force = {}) {
    listings.push_back({std::move(id), rule, in_force});
    return *this;
  }
  Spec& owns(std::string from, std::string to, double percent) {
    links.push_back({std::move(from), std::move(to), EdgeKind::Owns, Percent::exact(percent), Interest::Unspecified, {}});
    return *this;
  }
  Spec& controls(std::string from, std::string to, Interest interest, Percent share = {}) {
    links.push_back({std::move(from), std::move(to), EdgeKind::Controls, share, interest, {}});
    return *this;
  }

  /// The graph; `designate` adds a listing under `rule` for those parties, `delist` drops their
  /// listings that designate under it.
  Graph build(Rule rule = Rule::Ofac, const std::set<std::string>& designate = {},
              const std::set<std::string>& delist = {}) const {
    Builder builder;
    Batch batch;
    std::uint32_t line = 0;
    auto source = [&] { return Source{"spec.txt", {}, ++line}; };
    for (const Party& p : parties) batch.add_entity({.id = p.id, .kind = p.kind, .name = p.id, .source = source()});
    std::vector<std::string> ids;  // the batch keeps views: the strings must outlive it
    ids.reserve(listings.size() + designate.size());
    auto add_listing = [&](const std::string& party, Rule listing_rule, DateRange in_force, std::string_view tag) {
      const auto t = test::typed(authority_of(listing_rule), list_of(listing_rule));
      ids.push_back(party + "#" + std::string(to_string(listing_rule)) + "#" + std::string(tag));
      batch.add_action({.id = ids.back(), .target = party, .authority = authority_of(listing_rule),
                        .list = list_of(listing_rule), .in_force = in_force, .source = source(),
                        .measure_set = t.measures, .issuer = t.issuer, .list_id = t.list});
    };
    for (std::size_t at = 0; at < listings.size(); ++at) {
      const Listing& l = listings[at];
      if (l.rule == rule && delist.count(l.party) != 0) continue;
      add_listing(l.party, l.rule, l.in_force, std::to_string(at));
    }
    // Dated, as a new designation is: an undated one would stand for a dated listing of the same
    // authority the party already has (RULES.md §8.8) and take its dates.
    for (const std::string& party : designate)
      add_listing(party, rule, {.start = *Date::parse("2000-01-01"), .end = std::nullopt}, "what-if");
    for (const Link& l : links)
      batch.add_edge({.kind = l.kind, .from = l.from, .to = l.to, .share = l.share, .interest = l.interest,
                      .valid = l.valid, .source = source()});
    builder.commit(std::move(batch));
    return std::move(builder).freeze();
  }
};

NodeId node(const Graph& graph, std::string_view id) {
  const auto found = graph.find(id);
  REQUIRE(found.has_value());
  return *found;
}

/// A random graph: persons and companies, stakes (some unknown, some ranges), control links of
/// each type, nominees and joint holdings in some, listings under each rule, some dated.
Spec random_spec(std::mt19937& rng, bool interests) {
  Spec spec;
  std::uniform_int_distribution<int> parties_dist(4, 24);
  const int n = parties_dist(rng);
  auto pick = [&](int below) { return std::uniform_int_distribution<int>(0, below - 1)(rng); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  for (int at = 0; at < n; ++at) spec.party("P" + std::to_string(at), at < n / 3 ? NodeKind::Person : NodeKind::Company);
  auto id = [](int at) { return "P" + std::to_string(at); };
  const Date d1 = day("2021-06-01"), d2 = day("2023-01-01");
  auto dates = [&]() -> DateRange {
    switch (pick(6)) {
      case 0: return {.start = d1, .end = std::nullopt};
      case 1: return {.start = std::nullopt, .end = d2};
      case 2: return {.start = d2, .end = std::nullopt};
      default: return {};
    }
  };
  const int listings = pick(n / 2 + 1);
  for (int at = 0; at < listings; ++at)
    spec.listings.push_back({id(pick(n)), static_cast<Rule>(pick(kRuleCount)), dates()});
  const int links = n + pick(2 * n);
  for (int at = 0; at < links; ++at) {
    const int from = pick(n), to = pick(n);
    if (from == to) continue;
    Spec::Link link{id(from), id(to), EdgeKind::Owns, Percent::exact(5 * (1 + pick(15))), Interest::Unspecified, dates()};
    if (chance(0.15)) link.share = Percent::unknown();
    else if (chance(0.1)) link.share = Percent::range(20, 60);
    else if (chance(0.15)) link.share = Percent::exact(25);
    if (chance(0.15)) {
      link.kind = EdgeKind::Controls;
      constexpr Interest kControl[] = {Interest::VotingRights, Interest::AppointBoard, Interest::Unspecified,
                                       Interest::SignificantInfluence};
      link.interest = kControl[pick(4)];
      if (link.interest == Interest::Unspecified || link.interest == Interest::SignificantInfluence)
        link.share = Percent::unknown();
    } else if (interests && chance(0.25)) {
      constexpr Interest kShares[] = {Interest::JointlyHeld, Interest::JointArrangement, Interest::Nominator};
      link.interest = kShares[pick(3)];
      if (link.interest == Interest::Nominator) link.kind = EdgeKind::Controls;
    }
    spec.links.push_back(link);
  }
  if (interests && chance(0.5)) {
    const int nominee = pick(n), principal = pick(n);
    if (nominee != principal)
      spec.links.push_back({id(nominee), id(principal), EdgeKind::Controls, Percent::unknown(), Interest::NomineeFor, {}});
  }
  return spec;
}

struct Outcome {
  bool listed;
  Verdict verdict;
  bool operator==(const Outcome&) const = default;
};

/// Every party whose outcome differs between the two graphs, by id.
std::map<std::string, std::pair<Outcome, Outcome>> full_difference(const Spec& spec, const Graph& before,
                                                                   const Graph& after, Rule rule,
                                                                   std::optional<Date> as_of) {
  const BlockedSet a = blocked_set(before, {.rule = rule, .as_of = as_of});
  const BlockedSet b = blocked_set(after, {.rule = rule, .as_of = as_of});
  std::map<std::string, std::pair<Outcome, Outcome>> out;
  for (const Spec::Party& p : spec.parties) {
    const NodeId x = node(before, p.id), y = node(after, p.id);
    const Outcome was{a.listed(x), a.verdict(x)}, now{b.listed(y), b.verdict(y)};
    if (!(was == now)) out[p.id] = {was, now};
  }
  return out;
}

std::map<std::string, std::pair<Outcome, Outcome>> what_if_difference(const Graph& graph, const WhatIfResult& result) {
  std::map<std::string, std::pair<Outcome, Outcome>> out;
  for (const VerdictChange& c : result.changed)
    out[std::string(graph.name(c.party))] = {{c.listed_before, c.before}, {c.listed_after, c.after}};
  return out;
}

std::string describe(const std::map<std::string, std::pair<Outcome, Outcome>>& diff) {
  std::string text;
  for (const auto& item : diff)
    text += item.first + ": " + std::string(to_string(item.second.first.verdict)) +
            (item.second.first.listed ? "(listed)" : "") + " -> " + std::string(to_string(item.second.second.verdict)) +
            (item.second.second.listed ? "(listed)" : "") + "; ";
  return text;
}

}  // namespace

TEST_CASE("whatif: on random graphs the incremental answer equals a full recompute with the change made for real") {
  const std::optional<Date> dates[] = {std::nullopt, day("2020-01-01"), day("2022-03-01"), day("2024-08-01"),
                                       day("2026-01-15")};
  int questions = 0, changed = 0, full = 0, limited = 0;
  // SKG_WHATIF_SEEDS=N runs N graphs instead of 300 (a longer soak).
  const char* seeds_text = std::getenv("SKG_WHATIF_SEEDS");
  const std::uint32_t seeds = seeds_text != nullptr ? static_cast<std::uint32_t>(std::strtoul(seeds_text, nullptr, 10)) : 300;
  for (std::uint32_t seed = 1; seed <= seeds; ++seed) {
    std::mt19937 rng(seed);
    const bool interests = seed % 3 == 0;
    const Spec spec = random_spec(rng, interests);
    const Graph graph = spec.build();
    const int n = static_cast<int>(spec.parties.size());
    for (int rule_at = 0; rule_at < kRuleCount; ++rule_at) {
      const Rule rule = static_cast<Rule>(rule_at);
      const Graph base_graph = spec.build(rule);  // same as `graph`: the change is per rule below
      for (const auto& as_of : dates) {
        const BlockedSet baseline = blocked_set(graph, {.rule = rule, .as_of = as_of});
        WhatIf engine(graph, baseline);
        for (int round = 0; round < 3; ++round) {
          std::set<std::string> designate, delist;
          const int changes = 1 + static_cast<int>(rng() % 3);
          for (int at = 0; at < changes; ++at) {
            const std::string id = "P" + std::to_string(rng() % static_cast<unsigned>(n));
            if (designate.count(id) || delist.count(id)) continue;
            // Round 0: designations only; 1: delistings of listed parties mostly; 2: both.
            const bool listed = std::any_of(spec.listings.begin(), spec.listings.end(),
                                            [&](const Spec::Listing& l) { return l.party == id && l.rule == rule; });
            if (round == 0 || (round == 2 && !listed)) designate.insert(id);
            else delist.insert(id);
          }
          WhatIfChanges asked;
          for (const auto& id : designate) asked.designate.push_back(node(graph, id));
          for (const auto& id : delist) asked.delist.push_back(node(graph, id));
          const WhatIfResult result = engine.run(asked, {.explain = (seed % 10 == 0)});
          const Graph changed_graph = spec.build(rule, designate, delist);
          const auto expected = full_difference(spec, base_graph, changed_graph, rule, as_of);
          const auto got = what_if_difference(graph, result);
          CHECK_MESSAGE(got == expected, "seed ", seed, " rule ", to_string(rule), " as of ",
                        as_of ? as_of->to_string() : std::string("latest"), " round ", round,
                        "\n  expected: ", describe(expected), "\n  what-if:  ", describe(got));
          // The same question with a region limit of one node: answered by the full fixpoint
          // with the change assumed, which must give the same answer.
          const WhatIfResult in_full = engine.run(asked, {.explain = false, .region_limit = 1});
          const auto got_in_full = what_if_difference(graph, in_full);
          CHECK_MESSAGE(got_in_full == expected, "seed ", seed, " rule ", to_string(rule), " round ", round,
                        " (region limit 1)\n  expected: ", describe(expected), "\n  what-if:  ", describe(got_in_full));
          if (asked.delist.size() + asked.designate.size() > 0 && in_full.changed.size() > 0 &&
              !in_full.continued)
            limited += in_full.full_recompute;
          ++questions;
          changed += static_cast<int>(expected.size());
          full += result.full_recompute;
        }
        // The engine put its working copy back: the same question twice gives the same answer.
        const BlockedSet again = blocked_set(graph, {.rule = rule, .as_of = as_of});
        CHECK(again.count(Verdict::Yes) == baseline.count(Verdict::Yes));
      }
    }
  }
  MESSAGE(questions, " what-if questions, ", changed, " verdict changes checked, ", full, " recomputed in full, ",
          limited, " answered in full past the region limit");
  CHECK(changed > static_cast<int>(seeds) * 3);  // the check compared real changes, not empty answers
  CHECK(limited > static_cast<int>(seeds));      // the region limit sent real questions to the full walk
}

TEST_CASE("whatif: OFAC FAQ 401 style: designating the second 25% owner blocks the company, with both chains") {
  // OFAC FAQ 401 / 399: stakes of blocked persons aggregate; two designated owners with 25% each
  // make 50%, which is "50 percent or more". X is designated; designating Y blocks C.
  const Spec spec = Spec()
                        .party("X", NodeKind::Person).party("Y", NodeKind::Person).party("C").party("D")
                        .list("X")
                        .owns("X", "C", 25).owns("Y", "C", 25).owns("C", "D", 60);
  const Graph graph = spec.build();
  const BlockedSet baseline = blocked_set(graph, {.rule = Rule::Ofac});
  REQUIRE(baseline.verdict(node(graph, "C")) == Verdict::No);
  const WhatIfResult result = what_if(graph, baseline, {.designate = {node(graph, "Y")}});
  REQUIRE(result.changed.size() == 3);  // Y designated, C and D blocked
  const VerdictChange& c = result.changed[1];
  CHECK(graph.name(c.party) == "C");
  CHECK(c.before == Verdict::No);
  CHECK(c.after == Verdict::Yes);
  CHECK(c.now.aggregate_percent == doctest::Approx(50));
  int owned = 0;
  for (const Reason& r : c.now.reasons)
    if (r.kind == ReasonKind::Owned) {
      ++owned;
      CHECK(r.text.find("OFAC_50") != std::string::npos);
    }
  CHECK(owned == 2);
  const VerdictChange& d = result.changed[2];
  CHECK(graph.name(d.party) == "D");
  CHECK(d.after == Verdict::Yes);
  // D's chain runs from a designated owner through C.
  bool through_c = false;
  for (const Reason& r : d.now.reasons)
    for (const ChainStep& step : r.chain) through_c |= graph.name(step.owner) == "C";
  CHECK(through_c);
  // The designated party's answer says the listing is hypothetical.
  CHECK(result.changed[0].now.reasons.front().text.find("what-if") != std::string::npos);
  // Delisting X instead: nothing was blocked through X alone.
  const WhatIfResult delisted = what_if(graph, baseline, {.delist = {node(graph, "X")}});
  REQUIRE(delisted.changed.size() == 1);
  CHECK(delisted.changed[0].listed_after == false);
}

TEST_CASE("whatif: delisting the designated owner unblocks its chain, and the answer shows the chain it had") {
  const Spec spec = Spec().party("X", NodeKind::Person).party("A").party("B").list("X").owns("X", "A", 50).owns("A", "B", 50);
  const Graph graph = spec.build();
  const BlockedSet baseline = blocked_set(graph, {.rule = Rule::Ofac});
  const WhatIfResult result = what_if(graph, baseline, {.delist = {node(graph, "X")}});
  REQUIRE(result.changed.size() == 3);
  const VerdictChange& b = result.changed[2];
  CHECK(graph.name(b.party) == "B");
  CHECK(b.before == Verdict::Yes);
  CHECK(b.after == Verdict::No);
  bool chain = false;
  for (const Reason& r : b.was.reasons) chain |= r.kind == ReasonKind::Owned && r.chain.size() == 2;
  CHECK(chain);
}

TEST_CASE("whatif: UK does not add up two designated persons' stakes, and a control link decides under UK and EU") {
  // UK: OFSI para 4.14, holdings of different designated persons are not aggregated; reg. 7(2)(c):
  // the right to appoint a board majority is control. EU Best Practices: control counts too.
  const Spec spec = Spec()
                        .party("X", NodeKind::Person).party("Y", NodeKind::Person).party("Z", NodeKind::Person)
                        .party("C").party("E")
                        .list("X", Rule::Uk).list("X", Rule::Eu)
                        .owns("X", "C", 30).owns("Y", "C", 30)
                        .controls("Z", "E", Interest::AppointBoard, Percent::exact(100));
  const Graph graph = spec.build();
  for (const Rule rule : {Rule::Uk, Rule::Eu}) {
    const BlockedSet baseline = blocked_set(graph, {.rule = rule});
    const WhatIfResult both = what_if(graph, baseline, {.designate = {node(graph, "Y"), node(graph, "Z")}});
    std::map<std::string, Verdict> after;
    for (const VerdictChange& c : both.changed) after[std::string(graph.name(c.party))] = c.after;
    CHECK(after.count("E") == 1);  // control of the board decides under both
    if (rule == Rule::Uk) CHECK(after.count("C") == 0);   // 30% + 30% of two persons: not aggregated
    else CHECK(after["C"] == Verdict::Yes);                // EU aggregates since 2022
  }
}

TEST_CASE("whatif: a party given by a name no party has is an error naming it, ids and exact names resolve") {
  const Spec spec = Spec().party("X", NodeKind::Person).party("A").owns("X", "A", 60);
  const Graph graph = spec.build();
  CHECK(find_party(graph, "X") == node(graph, "X"));
  CHECK_THROWS_WITH_AS(find_party(graph, "Nobody Such"), doctest::Contains("Nobody Such"), Error);
  const BlockedSet baseline = blocked_set(graph, {.rule = Rule::Ofac});
  CHECK_THROWS_WITH_AS(what_if(graph, baseline, {.designate = {node(graph, "X")}, .delist = {node(graph, "X")}}),
                       doctest::Contains("both designated and delisted"), Error);
}

TEST_CASE("whatif: Kaspersky case: designating Eugene Kaspersky under OFAC blocks nothing else, designating the UK holding does") {
  const Database db = Database::open({SKG_DATASETS_DIR "/kaspersky"});
  const View view = db.as_of("2024-08-01");
  const Graph& graph = view.graph();
  const NodeId eugene = find_party(graph, "kaspersky-eugene-kaspersky");
  CHECK(find_party(graph, "Eugene Kaspersky") == eugene);  // by exact name too
  // OFAC FAQ 398: the 50 Percent Rule reads ownership, not control: his directorships (sole
  // executive body of AO Kaspersky Lab) block nothing. Only his own designation changes.
  const WhatIfResult ofac = view.whatif(Rule::Ofac, {.designate = {eugene}});
  REQUIRE(ofac.changed.size() == 1);
  CHECK(ofac.changed[0].party == eugene);
  CHECK(ofac.changed[0].after == Verdict::Yes);
  CHECK_FALSE(ofac.changed[0].listed_before);
  // The UK holding, Kaspersky Labs Limited, owns Kaspersky Lab, Inc. and Kaspersky Lab
  // Switzerland GmbH, no source stating a share: designating it makes both "possibly" (an
  // unknown stake of a blocked owner could be 50% or more), each chain starting at the holding.
  const NodeId lab = find_party(graph, "kaspersky-kaspersky-labs-limited");
  const WhatIfResult parent = view.whatif(Rule::Ofac, {.designate = {lab}});
  REQUIRE(parent.changed.size() == 3);
  CHECK(parent.count(Verdict::No, Verdict::Possibly) == 2);
  for (const VerdictChange& change : parent.changed) {
    if (change.party == lab) continue;
    CHECK(change.before == Verdict::No);
    CHECK(change.after != Verdict::No);
    bool from_lab = false;
    for (const Reason& reason : change.now.reasons)
      from_lab |= !reason.chain.empty() && reason.chain.front().owner == lab;
    CHECK_MESSAGE(from_lab, graph.name(change.party));
  }
}
