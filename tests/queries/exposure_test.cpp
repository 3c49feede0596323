#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "skg/graph/builder.h"
#include "skg/queries/exposure.h"
#include "skg/queries/ownership.h"
#include "typed_listing.h"

using namespace skg;
using skg::test::typed;
using skg::test::Typed;

namespace {

Date day(std::string_view iso) { return *Date::parse(iso); }

/// A small graph written the way the rules' texts state their examples.
class Case {
 public:
  Case& party(std::string_view id, NodeKind kind = NodeKind::Company) {
    records_.push_back({Record::Entity, std::string(id), {}, {}, kind});
    return *this;
  }
  Case& list(std::string_view id, std::string_view authority = "OFAC", std::string_view list = "SDN",
             DateRange in_force = {}) {
    Record record{Record::Action, std::string(id), std::string(authority), std::string(list)};
    record.valid = in_force;
    records_.push_back(record);
    return *this;
  }
  /// A listing with a program and a listed date (no start date unless `in_force` gives one).
  Case& listing(std::string_view id, std::string_view authority, std::string_view list, std::string_view program,
                std::optional<Date> listed, DateRange in_force = {}) {
    Record record{Record::Action, std::string(id), std::string(authority), std::string(list)};
    record.program = std::string(program);
    record.listed = listed;
    record.valid = in_force;
    records_.push_back(record);
    return *this;
  }
  Case& owns(std::string_view from, std::string_view to, Percent share, DateRange valid = {}) {
    Record record{Record::Edge, std::string(from), std::string(to), {}};
    record.edge = EdgeKind::Owns;
    record.share = share;
    record.valid = valid;
    records_.push_back(record);
    return *this;
  }
  Case& owns(std::string_view from, std::string_view to, float percent, DateRange valid = {}) {
    return owns(from, to, Percent::exact(percent), valid);
  }
  Case& link(EdgeKind kind, std::string_view from, std::string_view to) {
    Record record{Record::Edge, std::string(from), std::string(to), {}};
    record.edge = kind;
    records_.push_back(record);
    return *this;
  }
  /// Adds the records in the order given, or shuffled (entities first, so references resolve).
  Graph build(std::uint32_t shuffle_seed = 0) const {
    auto records = records_;
    if (shuffle_seed != 0) std::shuffle(records.begin(), records.end(), std::mt19937(shuffle_seed));
    std::stable_partition(records.begin(), records.end(),
                          [](const Record& r) { return r.type == Record::Entity; });
    Builder builder;
    Batch batch;
    std::uint32_t line = 0;
    for (const Record& r : records) {
      ++line;
      const Source source{"case.txt", {}, line};
      if (r.type == Record::Entity) {
        batch.add_entity({.id = r.a, .kind = r.kind, .name = r.a, .source = source});
      } else if (r.type == Record::Action) {
        const Typed t = typed(r.b, r.c);
        const std::string suffix = r.program.empty() && !r.listed
                                       ? std::string()
                                       : "#" + r.program + "#" + (r.listed ? r.listed->to_string() : "undated");
        batch.add_action({.id = r.a + "#" + r.b + "#" + r.c + suffix, .target = r.a, .authority = r.b,
                          .list = r.c, .program = r.program, .listed = r.listed, .in_force = r.valid,
                          .source = source, .measure_set = t.measures, .issuer = t.issuer, .list_id = t.list});
      } else {
        batch.add_edge({.kind = r.edge, .from = r.a, .to = r.b, .share = r.share,
                        .valid = r.valid, .source = source});
      }
    }
    builder.commit(std::move(batch));
    return std::move(builder).freeze();
  }

 private:
  struct Record {
    enum Type { Entity, Action, Edge } type;
    std::string a, b, c;
    NodeKind kind = NodeKind::Company;
    std::string program;
    std::optional<Date> listed;
    EdgeKind edge = EdgeKind::Owns;
    Percent share{};
    DateRange valid{};
  };
  std::vector<Record> records_;
};

NodeId node(const Graph& graph, std::string_view id) {
  const auto found = graph.find(id);
  REQUIRE(found.has_value());
  return *found;
}

Exposure ask(const Graph& graph, std::string_view id, Rule rule = Rule::Ofac,
             std::optional<Date> as_of = std::nullopt) {
  return exposure(graph, node(graph, id), {.rule = rule, .as_of = as_of});
}

bool has_reason(const std::vector<Reason>& reasons, ReasonKind kind) {
  return std::any_of(reasons.begin(), reasons.end(), [&](const Reason& r) { return r.kind == kind; });
}
const Reason& reason(const std::vector<Reason>& reasons, ReasonKind kind) {
  const auto found =
      std::find_if(reasons.begin(), reasons.end(), [&](const Reason& r) { return r.kind == kind; });
  REQUIRE(found != reasons.end());
  return *found;
}

/// Every reason names the rule it applies, so a reviewer can trace it to RULES.md.
void check_cited(const Exposure& answer) {
  const auto id = rule_info(answer.rule).id;
  for (const auto* list : {&answer.reasons, &answer.cautions})
    for (const Reason& r : *list) CHECK_MESSAGE(r.text.find(id) != std::string::npos, r.text);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// OFAC: FAQ 401's worked examples and FAQ 399's aggregation, as RULES.md §1.5.1 tabulates them.

TEST_CASE("exposure: OFAC FAQ 401 example 1, a blocked entity's 50% counts in full") {
  // RULES.md §1.5 Example 1 (ofac.treasury.gov/faqs/401): "Blocked Person X owns 50 percent of
  // Entity A, and Entity A owns 50 percent of Entity B. Entity B is considered to be blocked."
  const Graph graph = Case()
                          .party("X", NodeKind::Person).party("A").party("B")
                          .list("X")
                          .owns("X", "A", 50).owns("A", "B", 50)
                          .build();
  const auto a = ask(graph, "A");
  CHECK(a.blocked == Verdict::Yes);
  CHECK_FALSE(a.listed);
  const auto b = ask(graph, "B");
  CHECK(b.blocked == Verdict::Yes);
  CHECK(b.aggregate_percent == doctest::Approx(50));
  // The chain: X (designated) -> A (blocked) -> B, each step with its share and record.
  const Reason& owned = reason(b.reasons, ReasonKind::Owned);
  REQUIRE(owned.chain.size() == 2);
  CHECK(graph.name(owned.chain[0].owner) == "X");
  CHECK(graph.name(owned.chain[1].owner) == "A");
  CHECK(owned.chain[1].share == Percent::exact(50));
  REQUIRE(owned.actions.size() == 1);
  CHECK(graph.action(owned.actions[0]) != nullptr);
  CHECK(graph.describe(graph.edge_provenance(owned.chain[1].edge)[0]).find("case.txt") == 0);
  check_cited(b);
  CHECK(ask(graph, "X").listed);
}

TEST_CASE("exposure: OFAC FAQ 401 example 2, two blocked entities' 25% each make 50%") {
  // RULES.md §1.5 Example 2: "Blocked Person X owns 50 percent of Entity A and 50 percent of
  // Entity B. Entities A and B each own 25 percent of Entity C. Entity C is considered to be
  // blocked."
  const Graph graph = Case()
                          .party("X", NodeKind::Person).party("A").party("B").party("C")
                          .list("X")
                          .owns("X", "A", 50).owns("X", "B", 50)
                          .owns("A", "C", 25).owns("B", "C", 25)
                          .build();
  const auto c = ask(graph, "C");
  CHECK(c.blocked == Verdict::Yes);
  CHECK(c.aggregate_percent == doctest::Approx(50));
  CHECK(std::count_if(c.reasons.begin(), c.reasons.end(),
                      [](const Reason& r) { return r.kind == ReasonKind::Owned; }) == 2);
  // Anti-multiplication guard (RULES.md §1.5.1): look-through would give only 25%.
  CHECK(effective_ownership(graph, node(graph, "X"), node(graph, "C")).min == doctest::Approx(25));
  check_cited(c);
}

TEST_CASE("exposure: OFAC FAQ 401 example 3, direct 10% plus a blocked entity's 40%") {
  // RULES.md §1.5 Example 3 (Lexology reproduction): "Blocked Person X owns 50% of Entity A and
  // 10% of Entity B. Entity A also owns 40% of Entity B. Entity B is considered to be blocked."
  const Graph graph = Case()
                          .party("X", NodeKind::Person).party("A").party("B")
                          .list("X")
                          .owns("X", "A", 50).owns("X", "B", 10).owns("A", "B", 40)
                          .build();
  const auto b = ask(graph, "B");
  CHECK(b.blocked == Verdict::Yes);
  CHECK(b.aggregate_percent == doctest::Approx(50));
  // Multiplying would give 10 + 0.5 * 40 = 30%: not what OFAC concludes.
  CHECK(effective_ownership(graph, node(graph, "X"), node(graph, "B")).min == doctest::Approx(30));
}

TEST_CASE("exposure: OFAC FAQ 399, 25% and 25% of two blocked persons aggregate to 50%") {
  // RULES.md §1.3 (Crowell quoting FAQ 399): "if Blocked Person X owns 25 percent of Entity A,
  // and Blocked Person Y owns another 25 percent of Entity A, Entity A is considered to be
  // blocked."
  const Graph graph = Case()
                          .party("X", NodeKind::Person).party("Y", NodeKind::Person).party("A")
                          .list("X").list("Y")
                          .owns("X", "A", 25).owns("Y", "A", 25)
                          .build();
  CHECK(ask(graph, "A").blocked == Verdict::Yes);
  // Before the 2014 guidance OFAC did not aggregate (Cleary 2014, RULES.md §5.1).
  const auto before = ask(graph, "A", Rule::Ofac, day("2010-01-01"));
  CHECK(before.blocked == Verdict::No);
  CHECK(has_reason(before.cautions, ReasonKind::NearMiss));
  // Before the 2008 guidance the rule did not exist (RULES.md §1.1).
  CHECK(has_reason(ask(graph, "A", Rule::Ofac, day("2005-01-01")).reasons,
                   ReasonKind::RuleNotInForce));
}

TEST_CASE("exposure: OFAC derived cases N1-N4 (skg's reading, not OFAC examples)") {
  // RULES.md §1.5.1, "Derived negative cases (skg's reading of the quoted text)".
  const Graph graph = Case()
                          .party("X", NodeKind::Person).party("A1").party("A2").party("B2")
                          .party("A3").party("A4")
                          .list("X")
                          .owns("X", "A1", 49.99f)                          // N1
                          .owns("X", "A2", 40).owns("A2", "B2", 100)       // N2
                          .link(EdgeKind::Controls, "X", "A3")             // N3
                          .link(EdgeKind::DirectorOf, "X", "A3")
                          .owns("X", "A4", 30)                              // N4
                          .build();
  SUBCASE("N1: 49.99% is under 50 percent or more") {
    const auto a1 = ask(graph, "A1");
    CHECK(a1.blocked == Verdict::No);
    CHECK(a1.aggregate_percent == doctest::Approx(49.99));
  }
  SUBCASE("N2: an unblocked holder passes nothing on") {
    CHECK(ask(graph, "A2").blocked == Verdict::No);
    const auto b2 = ask(graph, "B2");
    CHECK(b2.blocked == Verdict::No);
    CHECK(b2.aggregate_percent == doctest::Approx(0));
    CHECK(has_reason(b2.reasons, ReasonKind::NotBlocked));
  }
  SUBCASE("N3: control without ownership does not block (FAQ 398) but is flagged") {
    const auto a3 = ask(graph, "A3");
    CHECK(a3.blocked == Verdict::No);
    CHECK(std::count_if(a3.cautions.begin(), a3.cautions.end(), [](const Reason& r) {
            return r.kind == ReasonKind::ControlLink;
          }) == 2);
    CHECK(reason(a3.cautions, ReasonKind::ControlLink).text.find("FAQ 398") != std::string::npos);
    check_cited(a3);
  }
  SUBCASE("N4: a 30% blocked stake is a near miss, flagged") {
    const auto a4 = ask(graph, "A4");
    CHECK(a4.blocked == Verdict::No);
    CHECK(reason(a4.cautions, ReasonKind::NearMiss).min_percent == doctest::Approx(30));
  }
}

// ---------------------------------------------------------------------------------------------
// EU and UK: one graph, different answers.

TEST_CASE("exposure: EU aggregates designated holders, UK does not - thresholds differ by date") {
  const Graph graph =
      Case()
          .party("P1", NodeKind::Person).party("P2", NodeKind::Person)
          .party("Agg").party("Half").party("Ctl")
          .list("P1", "Council of the European Union", "").list("P2", "Council of the European Union", "")
          .list("P1", "HM Treasury", "").list("P2", "OFSI", "")
          .owns("P1", "Agg", 30).owns("P2", "Agg", 25)  // EU Commission FAQ 8 (RULES.md §2.3)
          .owns("P1", "Half", 50)                        // exactly 50%
          .link(EdgeKind::Controls, "P2", "Ctl")          // control of a type the source does not give
          .build();
  SUBCASE("30% + 25% of two designated persons: EU blocked, UK not (OFSI para 4.14)") {
    const auto eu = ask(graph, "Agg", Rule::Eu, day("2025-01-01"));
    CHECK(eu.blocked == Verdict::Yes);
    CHECK(eu.aggregate_percent == doctest::Approx(55));
    check_cited(eu);
    const auto uk = ask(graph, "Agg", Rule::Uk, day("2025-01-01"));
    CHECK(uk.blocked == Verdict::No);
    CHECK(uk.aggregate_percent == doctest::Approx(30));  // the largest single holding
    const Reason& not_added = reason(uk.cautions, ReasonKind::NotAggregated);
    CHECK(not_added.text.find("4.14") != std::string::npos);
    CHECK(has_reason(uk.cautions, ReasonKind::NearMiss));
    check_cited(uk);
    // EU before the Commission FAQ of 2022-04-08: not aggregated (skg's reading, RULES.md §5.2).
    CHECK(ask(graph, "Agg", Rule::Eu, day("2021-06-01")).blocked == Verdict::No);
  }
  SUBCASE("exactly 50%: EU since 2024-07-03 (50% or more) yes, before it no, UK (> 50%) no") {
    CHECK(ask(graph, "Half", Rule::Eu, day("2024-07-03")).blocked == Verdict::Yes);
    CHECK(ask(graph, "Half", Rule::Eu, day("2024-07-02")).blocked == Verdict::No);
    CHECK(ask(graph, "Half", Rule::Eu).blocked == Verdict::Yes);
    CHECK(ask(graph, "Half", Rule::Uk, day("2025-01-01")).blocked == Verdict::No);
    // OFAC would block (50 percent or more) but P1 is not on the SDN list here.
    CHECK(ask(graph, "Half", Rule::Ofac).blocked == Verdict::No);
  }
  SUBCASE("control of an unstated type: UK and EU say 'possibly', never 'yes' (RULES.md §5.5)") {
    const auto uk = ask(graph, "Ctl", Rule::Uk);
    CHECK(uk.blocked == Verdict::Possibly);
    CHECK(has_reason(uk.reasons, ReasonKind::PossiblyBlockedOwner));
    check_cited(uk);
    CHECK(ask(graph, "Ctl", Rule::Eu).blocked == Verdict::Possibly);
  }
}

TEST_CASE("exposure: UK counts what a designated person's majority-held party holds") {
  // UK_INDIRECT_ASSUMED (RULES.md §5.3): P indirectly holds whatever is held by an entity in which
  // P holds > 50%. P2 (designated itself) is 60% held by P1, so P2's 30% counts for P1.
  const Graph graph = Case()
                          .party("P1", NodeKind::Person).party("P2").party("E").party("F")
                          .list("P1", "UK", "").list("P2", "UK", "")
                          .owns("P1", "P2", 60).owns("P1", "E", 30).owns("P2", "E", 30)
                          .owns("P2", "F", 30)
                          .build();
  const auto e = ask(graph, "E", Rule::Uk);
  CHECK(e.blocked == Verdict::Yes);
  CHECK(e.aggregate_percent == doctest::Approx(60));
  CHECK(std::all_of(e.reasons.begin(), e.reasons.end(), [&](const Reason& r) {
    return r.group == node(graph, "P1");
  }));
  CHECK(ask(graph, "F", Rule::Uk).blocked == Verdict::No);
  // The answer does not depend on the order the records came in.
  for (std::uint32_t seed : {1u, 2u, 3u, 4u, 5u}) {
    const Graph again = Case()
                            .party("P1", NodeKind::Person).party("P2").party("E").party("F")
                            .list("P1", "UK", "").list("P2", "UK", "")
                            .owns("P1", "P2", 60).owns("P1", "E", 30).owns("P2", "E", 30)
                            .owns("P2", "F", 30)
                            .build(seed);
    CHECK(ask(again, "E", Rule::Uk).blocked == Verdict::Yes);
    CHECK(ask(again, "F", Rule::Uk).blocked == Verdict::No);
  }
}

// ---------------------------------------------------------------------------------------------
// Cycles, unknown shares, ranges, dates.

TEST_CASE("exposure: ownership cycles reach a fixpoint") {
  const Graph graph = Case()
                          .party("X", NodeKind::Person).party("A").party("B")
                          .party("C").party("D").party("Z", NodeKind::Person)
                          .list("X")
                          .owns("X", "A", 50).owns("A", "B", 60).owns("B", "A", 40)
                          .owns("C", "D", 60).owns("D", "C", 60).owns("X", "C", 10)
                          .owns("Z", "C", 30)
                          .build();
  CHECK(ask(graph, "A").blocked == Verdict::Yes);
  CHECK(ask(graph, "A").aggregate_percent == doctest::Approx(90));  // X 50 + blocked B's 40
  CHECK(ask(graph, "B").blocked == Verdict::Yes);
  // A cycle among unblocked parties adds nothing: C and D hold each other, X only 10%.
  CHECK(ask(graph, "C").blocked == Verdict::No);
  CHECK(ask(graph, "D").blocked == Verdict::No);
  for (Rule rule : {Rule::Ofac, Rule::Eu, Rule::Uk, Rule::BisAffiliates}) {
    const auto set = blocked_set(graph, {.rule = rule});
    CHECK(set.node_count() == graph.node_count());
  }
}

TEST_CASE("exposure: an unknown share makes it 'possibly', naming the deciding link") {
  const Graph graph = Case()
                          .party("X", NodeKind::Person).party("Y", NodeKind::Person)
                          .party("A").party("B").party("C").party("D")
                          .list("X")
                          .owns("X", "A", Percent::unknown())
                          .owns("A", "B", 100)
                          .owns("Y", "C", 60).owns("X", "C", Percent::unknown())
                          .owns("X", "D", 50).owns("X", "D", Percent::unknown())
                          .build();
  const auto a = ask(graph, "A");
  CHECK(a.blocked == Verdict::Possibly);
  CHECK_FALSE(a.aggregate_percent.has_value());
  CHECK(a.aggregate_min == doctest::Approx(0));
  CHECK(a.aggregate_max == doctest::Approx(100));
  const Reason& link = reason(a.reasons, ReasonKind::UnknownShare);
  REQUIRE(link.chain.size() == 1);
  CHECK(graph.name(link.chain[0].owner) == "X");
  CHECK(link.text.find("decides") != std::string::npos);
  check_cited(a);
  // Possibly blocked passes on "possibly", never "yes".
  const auto b = ask(graph, "B");
  CHECK(b.blocked == Verdict::Possibly);
  CHECK(has_reason(b.reasons, ReasonKind::PossiblyBlockedOwner));
  // Y's known 60% leaves at most 40% for X's unknown stake: C is not blocked.
  const auto c = ask(graph, "C");
  CHECK(c.blocked == Verdict::No);
  CHECK(c.aggregate_max == doctest::Approx(40));
  // A known 50% already decides: the unknown stake cannot undo it.
  CHECK(ask(graph, "D").blocked == Verdict::Yes);
}

TEST_CASE("exposure: share ranges decide only when the whole range is on one side") {
  const Graph graph = Case()
                          .party("X", NodeKind::Person).party("Hi").party("Lo").party("Mid")
                          .list("X")
                          .owns("X", "Hi", Percent::range(50, 75))
                          .owns("X", "Lo", Percent::range(25, 49))
                          .owns("X", "Mid", Percent::range(40, 60))
                          .build();
  CHECK(ask(graph, "Hi").blocked == Verdict::Yes);
  const auto lo = ask(graph, "Lo");
  CHECK(lo.blocked == Verdict::No);
  CHECK(has_reason(lo.cautions, ReasonKind::NearMiss));
  const auto mid = ask(graph, "Mid");
  CHECK(mid.blocked == Verdict::Possibly);
  CHECK(mid.aggregate_min == doctest::Approx(40));
  CHECK(mid.aggregate_max == doctest::Approx(60));
}

TEST_CASE("exposure: dates before and after a delisting and a stake's end") {
  const Graph graph =
      Case()
          .party("X", NodeKind::Person).party("Y", NodeKind::Person).party("A").party("B")
          .list("X", "OFAC", "SDN", {.start = day("2015-03-01"), .end = day("2020-01-01")})
          .list("Y", "OFAC", "SDN", {.start = day("2016-01-01")})
          .owns("X", "A", 60)
          .owns("Y", "B", 60, {.start = day("2017-01-01"), .end = day("2022-06-01")})
          .build();
  CHECK(ask(graph, "A", Rule::Ofac, day("2014-12-31")).blocked == Verdict::No);  // not yet listed
  CHECK(ask(graph, "A", Rule::Ofac, day("2019-12-31")).blocked == Verdict::Yes);
  CHECK(ask(graph, "A", Rule::Ofac, day("2020-01-01")).blocked == Verdict::No);  // delisted
  CHECK(ask(graph, "A").blocked == Verdict::No);  // latest state: the delisting holds
  const auto x = ask(graph, "X", Rule::Ofac, day("2021-01-01"));
  CHECK_FALSE(x.listed);
  CHECK(has_reason(x.cautions, ReasonKind::ListingNotInForce));
  CHECK(ask(graph, "B", Rule::Ofac, day("2022-05-31")).blocked == Verdict::Yes);
  const auto after = ask(graph, "B", Rule::Ofac, day("2022-06-01"));
  CHECK(after.blocked == Verdict::No);
  CHECK(has_reason(after.cautions, ReasonKind::StakeNotInForce));
  CHECK(ask(graph, "B", Rule::Ofac, day("2016-06-01")).blocked == Verdict::No);  // not yet held
}

TEST_CASE("exposure: the BIS Affiliates Rule applies only in its period of force") {
  // RULES.md §4: effective 2025-09-29 (90 FR 47201), suspended 2025-11-10 through 2026-11-09.
  const Graph graph = Case()
                          .party("L").party("Aff").party("Other")
                          .list("L", "Bureau of Industry and Security", "Entity List")
                          .list("Other", "BIS", "Denied Persons List")
                          .owns("L", "Aff", 50)
                          .build();
  CHECK(ask(graph, "Aff", Rule::BisAffiliates, day("2025-10-15")).blocked == Verdict::Yes);
  for (const char* date : {"2025-09-28", "2025-11-10", "2026-11-09"}) {
    const auto off = ask(graph, "Aff", Rule::BisAffiliates, day(date));
    CHECK(off.blocked == Verdict::No);
    const Reason& why = reason(off.reasons, ReasonKind::RuleNotInForce);
    CHECK(why.text.find("would be 'yes'") != std::string::npos);
    check_cited(off);
  }
  CHECK(ask(graph, "L", Rule::BisAffiliates, day("2025-12-01")).blocked == Verdict::Yes);  // listed
  CHECK(ask(graph, "Aff", Rule::BisAffiliates, day("2026-11-10")).blocked == Verdict::Yes);
  CHECK_FALSE(ask(graph, "Other", Rule::BisAffiliates, day("2025-10-15")).listed);
}

TEST_CASE("exposure: each measure type designates under its rule only, read from the measure") {
  // One party per measure type (RULES.md §8.7): only an asset freeze of the rule's own
  // jurisdiction designates (OFAC, EU, UK); the BIS Affiliates Rule reads Entity List and MEU.
  const Graph graph = Case()
                          .party("sdn").party("ssi").party("cmic").party("menu").party("eu_freeze")
                          .party("eu_833").party("eu_travel").party("fr_freeze").party("uk_freeze")
                          .party("uk_ncsc").party("uk_trust").party("el").party("meu").party("dpl")
                          .party("fcc").party("icts")
                          .list("sdn", "OFAC", "SDN")
                          .list("ssi", "OFAC", "SSI")
                          .list("cmic", "OFAC", "CMIC")
                          .list("menu", "OFAC", "Non-SDN Menu-Based Sanctions List")
                          .list("eu_freeze", "Council of the European Union", "")
                          .list("eu_833", "Council of the European Union", "833/2014 Annex IV")
                          .list("eu_travel", "Council of the European Union", "travel ban")
                          .list("fr_freeze", "Direction Generale du Tresor", "")
                          .list("uk_freeze", "Foreign, Commonwealth & Development Office", "")
                          .list("uk_ncsc", "UK NCSC", "")
                          .list("uk_trust", "UK trust services", "")
                          .list("el", "BIS", "Entity List")
                          .list("meu", "BIS", "MEU")
                          .list("dpl", "BIS", "Denied Persons List")
                          .list("fcc", "FCC", "")
                          .list("icts", "Commerce (OICTS)", "")
                          .build();
  const std::map<std::string, std::vector<Rule>> designated = {
      {"sdn", {Rule::Ofac}},      {"ssi", {}},         {"cmic", {}},      {"menu", {}},
      {"eu_freeze", {Rule::Eu}},  {"eu_833", {}},      {"eu_travel", {}}, {"fr_freeze", {}},
      {"uk_freeze", {Rule::Uk}},  {"uk_ncsc", {}},     {"uk_trust", {}},  {"el", {Rule::BisAffiliates}},
      {"meu", {Rule::BisAffiliates}}, {"dpl", {}},     {"fcc", {}},       {"icts", {}}};
  for (const auto& designated_party : designated)
    for (Rule rule : {Rule::Ofac, Rule::Eu, Rule::Uk, Rule::BisAffiliates}) {
      const std::string& party = designated_party.first;
      const std::vector<Rule>& rules = designated_party.second;
      INFO(party, " under ", to_string(rule));
      const bool expected = std::find(rules.begin(), rules.end(), rule) != rules.end();
      CHECK(ask(graph, party, rule, day("2025-10-01")).listed == expected);
    }
  CHECK(parse_rule("OFAC") == Rule::Ofac);
  CHECK(parse_rule("bis") == Rule::BisAffiliates);
  CHECK_FALSE(parse_rule("us").has_value());
}

TEST_CASE("exposure: the blocked set does not depend on load order") {
  // A random layered graph with cycles, unknown shares, ranges and control links, built in
  // several orders: every party gets the same verdict and aggregate under every rule.
  Case c;
  std::mt19937 random(11);
  const int parties = 400;
  for (int at = 0; at < parties; ++at) c.party("p" + std::to_string(at));
  for (int at = 0; at < parties; at += 17) {
    c.list("p" + std::to_string(at), "OFAC", "SDN");
    c.list("p" + std::to_string(at), "Council of the European Union", "");
    if (at % 2 == 0) c.list("p" + std::to_string(at), "OFSI", "");
  }
  for (int at = 0; at < parties * 3; ++at) {
    const auto from = "p" + std::to_string(random() % parties);
    const auto to = "p" + std::to_string(random() % parties);
    const auto roll = random() % 10;
    if (roll == 0) c.link(EdgeKind::Controls, from, to);
    else if (roll == 1) c.owns(from, to, Percent::unknown());
    else if (roll == 2) c.owns(from, to, Percent::range(10, 30));
    else c.owns(from, to, static_cast<float>(random() % 40 + 5));
  }
  const Graph first = c.build();
  for (std::uint32_t seed : {3u, 5u, 8u}) {
    const Graph other = c.build(seed);
    for (Rule rule : {Rule::Ofac, Rule::Eu, Rule::Uk}) {
      const auto a = blocked_set(first, {.rule = rule});
      const auto b = blocked_set(other, {.rule = rule});
      CHECK(a.count(Verdict::Yes) == b.count(Verdict::Yes));
      CHECK(a.count(Verdict::Possibly) == b.count(Verdict::Possibly));
      int differ = 0;
      for (int at = 0; at < parties; ++at) {
        const auto id = "p" + std::to_string(at);
        const NodeId x = node(first, id), y = node(other, id);
        if (a.verdict(x) != b.verdict(y) || a.min_bp(x) != b.min_bp(y) || a.max_bp(x) != b.max_bp(y))
          ++differ;
      }
      CHECK(differ == 0);
    }
  }
  // The fast path gives the same answer as the one-off call.
  const auto set = blocked_set(first, {.rule = Rule::Ofac});
  CHECK(set.count(Verdict::Yes) > 24);
  for (int at = 0; at < parties; at += 7) {
    const NodeId x = node(first, "p" + std::to_string(at));
    const auto fast = exposure(first, set, x);
    const auto slow = exposure(first, x, {.rule = Rule::Ofac});
    CHECK(fast.blocked == slow.blocked);
    CHECK(fast.blocked == set.verdict(x));
    CHECK(fast.aggregate_min == slow.aggregate_min);
    CHECK(fast.reasons.size() == slow.reasons.size());
    check_cited(fast);
  }
}

// ---------------------------------------------------------------------------------------------
// Effective ownership: the look-through question, not the 50% rule.

TEST_CASE("ownership: effective ownership multiplies along chains and sums a diamond") {
  const Graph graph = Case()
                          .party("O").party("A").party("B").party("C")
                          .owns("O", "A", 50).owns("O", "B", 50)
                          .owns("A", "C", 40).owns("B", "C", 60)
                          .build();
  const auto stake = effective_ownership(graph, node(graph, "O"), node(graph, "C"));
  CHECK(stake.min == doctest::Approx(50));  // 0.5 * 40 + 0.5 * 60
  CHECK(stake.max == doctest::Approx(50));
  CHECK(stake.exact);
  CHECK(stake.converged);
}

TEST_CASE("ownership: effective ownership sums the series around a cycle") {
  const Graph graph = Case()
                          .party("O").party("A").party("B").party("C")
                          .owns("O", "A", 50).owns("A", "B", 50).owns("B", "A", 50)
                          .owns("B", "C", 50)
                          .owns("C", "O", 10)  // flows back to O: dropped
                          .build();
  const auto stake = effective_ownership(graph, node(graph, "O"), node(graph, "C"));
  // 0.5 * 0.5 * 0.5 * (1 + 0.25 + 0.25^2 + ...) = 0.125 / 0.75
  CHECK(stake.min == doctest::Approx(100.0 / 6.0));
  CHECK(stake.converged);
  const auto unknown = Case()
                           .party("O").party("A")
                           .owns("O", "A", Percent::unknown()).owns("O", "A", 20)
                           .build();
  const auto open = effective_ownership(unknown, node(unknown, "O"), node(unknown, "A"));
  CHECK(open.min == doctest::Approx(20));
  CHECK(open.max == doctest::Approx(100));
  CHECK_FALSE(open.exact);
}

// ---------------------------------------------------------------------------------------------
// The ZALA AERO cluster from OpenSanctions (FtM).

#if __has_include("skg/loaders/ftm_json.h")
#include "skg/loaders/ftm_json.h"

TEST_CASE("exposure: ZALA AERO cluster (OpenSanctions FtM): stakes of a designated founder, by date") {
  // The byte-for-byte copy in datasets/samples/opensanctions (CC BY-NC 4.0, see its README).
  const std::filesystem::path path =
      std::filesystem::path(SKG_DATASETS_DIR) / "samples/opensanctions/zala/entities.ftm.json";
  if (!std::filesystem::exists(path)) {
    MESSAGE("skipped: datasets/samples/opensanctions/zala absent");
    return;
  }
  Builder builder;
  load_ftm_json(path.string(), builder);
  const Graph graph = std::move(builder).freeze();
  // Aleksandr Zakharov: Sanctions by the "Office of Foreign Assets Control" (RUSSIA-EO14024) and
  // by the FCDO (UK Sanctions List, startDate 2023-12-06).
  const NodeId zakharov = node(graph, "NK-aU5ybkbRFJucf8YMwsJvDw");
  // LLC CST (ZALA AERO GROUP): its own OFAC Sanction.
  const auto cst = ask(graph, "NK-abdzbEBkqyT29GyREbiURZ", Rule::Ofac, day("2024-03-10"));
  CHECK(cst.listed);
  CHECK(cst.blocked == Verdict::Yes);
  // AEROSCAN: Ownership by Zakharov, percentage 100, 2024-03-01 to 2024-03-24 (FtM endDate; skg
  // keeps the exclusive end 2024-03-25).
  // Under the UK rule (Zakharov's asset freeze from 2023-12-06) the stake decides, by its dates;
  // AEROSCAN's own UK Sanctions List membership names no measure, so it is not a designation.
  const auto held = ask(graph, "NK-iE6m5ryPeTAMZozfECVSL7", Rule::Uk, day("2024-03-10"));
  CHECK_FALSE(held.listed);
  CHECK(held.blocked == Verdict::Yes);
  CHECK(held.aggregate_percent == doctest::Approx(100));
  const Reason& owned = reason(held.reasons, ReasonKind::Owned);
  REQUIRE(owned.chain.size() == 1);
  CHECK(owned.chain[0].owner == zakharov);
  CHECK_FALSE(owned.actions.empty());
  check_cited(held);
  const auto sold = ask(graph, "NK-iE6m5ryPeTAMZozfECVSL7", Rule::Uk, day("2024-04-01"));
  CHECK(sold.blocked == Verdict::No);
  CHECK(has_reason(sold.cautions, ReasonKind::StakeNotInForce));
  // Under OFAC, AEROSCAN is itself listed: the export puts it in us_ofac_sdn without a Sanction
  // record, so the listing comes from dataset membership and says its date is unknown.
  const auto ofac = ask(graph, "NK-iE6m5ryPeTAMZozfECVSL7", Rule::Ofac, day("2024-04-01"));
  CHECK(ofac.listed);
  const Reason& member = reason(ofac.reasons, ReasonKind::Listed);
  CHECK(member.text.find("date unknown") != std::string::npos);
  CHECK(member.text.find("from dataset membership") != std::string::npos);
  // ZALA AERO JSC: Ownership by Zakharov with no percentage, 2024-03-22 to 2024-06-24: the
  // unknown share decides, so "possibly", naming Zakharov's link.
  const auto jsc = ask(graph, "NK-cPks3aTbes8k4aCerfBAzN", Rule::Ofac, day("2024-05-01"));
  CHECK(jsc.blocked == Verdict::Possibly);
  const Reason& link = reason(jsc.reasons, ReasonKind::UnknownShare);
  REQUIRE_FALSE(link.chain.empty());
  CHECK(link.chain.back().owner == zakharov);
  CHECK(ask(graph, "NK-cPks3aTbes8k4aCerfBAzN", Rule::Ofac, day("2024-07-01")).blocked ==
        Verdict::No);
}

TEST_CASE("exposure: ZALA: JSC Kalashnikov Concern counts as listed through its datasets") {
  // Issue 10: the export has no Sanction record for JSC NPO IZHMASH (Kalashnikov Concern), but
  // lists it in us_ofac_sdn, eu_fsf and gb_fcdo_sanctions. Its 49% of LLC CST now counts.
  const std::filesystem::path path =
      std::filesystem::path(SKG_DATASETS_DIR) / "samples/opensanctions/zala/entities.ftm.json";
  if (!std::filesystem::exists(path)) {
    MESSAGE("skipped: datasets/samples/opensanctions/zala absent");
    return;
  }
  Builder builder;
  load_ftm_json(path.string(), builder);
  const Graph graph = std::move(builder).freeze();
  const auto izhmash = ask(graph, "NK-nR5AXM9AVPq4pQaSPSaVam", Rule::Ofac, day("2022-06-01"));
  CHECK(izhmash.listed);
  CHECK(ask(graph, "NK-nR5AXM9AVPq4pQaSPSaVam", Rule::Eu, day("2022-06-01")).listed);
  // gb_fcdo_sanctions alone does not say asset freeze: not a UK designation on this data.
  CHECK_FALSE(ask(graph, "NK-nR5AXM9AVPq4pQaSPSaVam", Rule::Uk, day("2022-06-01")).listed);
  // LLC CST, excluding its own listing, is owned by Zakharov (51%) and Kalashnikov (49%).
  const auto cst = ask(graph, "NK-abdzbEBkqyT29GyREbiURZ", Rule::Ofac, day("2024-06-01"));
  bool from_izhmash = false;
  for (const Reason& r : cst.reasons)
    from_izhmash |= r.kind == ReasonKind::Owned && !r.chain.empty() &&
                    r.chain.front().owner == node(graph, "NK-nR5AXM9AVPq4pQaSPSaVam") &&
                    r.min_percent == doctest::Approx(49);
  CHECK(from_izhmash);
}
#endif

// ---------------------------------------------------------------------------------------------
// Issue 10: what counts as a designation, and when.

TEST_CASE("exposure: an SSI entity and its 100% subsidiary are not blocked under OFAC") {
  // OFAC FAQ 373: the directives' prohibitions extend to entities owned 50% or more by persons
  // subject to them, but a sectoral listing is not a blocking (RULES.md §8.7).
  const Graph graph = Case()
                          .party("Rosneft").party("Sub").party("Minor")
                          .list("Rosneft", "OFAC", "SSI")
                          .owns("Rosneft", "Sub", 100)
                          .owns("Rosneft", "Minor", 30)
                          .build();
  const auto ssi = ask(graph, "Rosneft", Rule::Ofac, day("2024-01-01"));
  CHECK_FALSE(ssi.listed);
  CHECK(ssi.blocked == Verdict::No);
  const auto sub = ask(graph, "Sub", Rule::Ofac, day("2024-01-01"));
  CHECK(sub.blocked == Verdict::No);
  const Reason& directive = reason(sub.cautions, ReasonKind::OtherMeasure);
  CHECK(directive.text.find("FAQ 373") != std::string::npos);
  CHECK(directive.text.find("not a blocking") != std::string::npos);
  CHECK(directive.min_percent == doctest::Approx(100));
  check_cited(sub);
  // Under 50%: no directive caution.
  CHECK_FALSE(has_reason(ask(graph, "Minor", Rule::Ofac, day("2024-01-01")).cautions, ReasonKind::OtherMeasure));
  CHECK(blocked_set(graph, {.rule = Rule::Ofac, .as_of = day("2024-01-01")}).count(Verdict::Yes) == 0);
}

TEST_CASE("exposure: a dated record of a designation wins over its undated record") {
  // The Kaspersky executives: the SDN row has no date, the Treasury press release gives
  // 2024-06-21. One designation, two records: it starts on 2024-06-21.
  const Graph graph = Case()
                          .party("Exec", NodeKind::Person).party("Co").party("Undated", NodeKind::Person)
                          .list("Exec", "OFAC", "SDN")  // the SDN row: no date
                          .listing("Exec", "OFAC", "", "RUSSIA-EO14024", day("2024-06-21"),
                                   {.start = day("2024-06-21")})
                          .list("Undated", "OFAC", "SDN")  // only an undated record
                          .owns("Exec", "Co", 60)
                          .build();
  SUBCASE("the day before, nothing is listed or blocked") {
    const auto before = ask(graph, "Exec", Rule::Ofac, day("2024-06-20"));
    CHECK_FALSE(before.listed);
    CHECK(before.blocked == Verdict::No);
    CHECK(ask(graph, "Co", Rule::Ofac, day("2024-06-20")).blocked == Verdict::No);
    const Reason& later = reason(before.cautions, ReasonKind::ListingNotInForce);
    CHECK(later.actions.size() == 2);  // the dated record and the undated one it stands for
  }
  SUBCASE("from the day of designation, listed and the 60% subsidiary blocked") {
    const auto on = ask(graph, "Exec", Rule::Ofac, day("2024-06-21"));
    CHECK(on.listed);
    const Reason& listed = reason(on.reasons, ReasonKind::Listed);
    CHECK(listed.actions.size() == 2);
    CHECK(listed.text.find("undated record") != std::string::npos);
    CHECK(ask(graph, "Co", Rule::Ofac, day("2024-06-21")).blocked == Verdict::Yes);
  }
  SUBCASE("a look-back to 1900 shows no listing with a known later start") {
    CHECK_FALSE(ask(graph, "Exec", Rule::Ofac, day("1900-01-01")).listed);
    CHECK_FALSE(is_listed(graph, node(graph, "Exec"), day("1900-01-01")));
    CHECK(listings(graph, node(graph, "Exec"), day("1900-01-01")).later.size() == 1);
  }
  SUBCASE("an undated listing with no dated record is listed on every date, and says so") {
    const auto old = ask(graph, "Undated", Rule::Ofac, day("1900-01-01"));
    CHECK(old.listed);
    CHECK(reason(old.reasons, ReasonKind::Listed).text.find("date unknown") != std::string::npos);
    const auto now = listings(graph, node(graph, "Undated"), day("2024-01-01")).in_force;
    REQUIRE(now.size() == 1);
    CHECK(now[0].date_unknown);
  }
}

TEST_CASE("exposure: a listing's own listed date is its start when it gives no start date") {
  // An EU action dated 2025-02-24 with no start date: not in force in a 2024 look-back.
  const Graph graph = Case()
                          .party("P", NodeKind::Person)
                          .listing("P", "Council of the European Union", "", "UKR", day("2025-02-24"))
                          .build();
  CHECK_FALSE(ask(graph, "P", Rule::Eu, day("2024-06-01")).listed);
  CHECK(ask(graph, "P", Rule::Eu, day("2025-02-24")).listed);
}

TEST_CASE("exposure: BIS counts the SDNs 15 CFR 744.8 covers, not every SDN") {
  // 89 FR 20107 (2024-03-21): E.O. 14024 SDNs are under 744.8(a)(1); a CUBA SDN is not.
  const Graph graph = Case()
                          .party("Ru").party("Cu").party("RuAff").party("CuAff")
                          .listing("Ru", "OFAC", "SDN", "RUSSIA-EO14024", std::nullopt)
                          .listing("Cu", "OFAC", "SDN", "CUBA", std::nullopt)
                          .owns("Ru", "RuAff", 50)
                          .owns("Cu", "CuAff", 50)
                          .build();
  CHECK(ask(graph, "Ru", Rule::BisAffiliates, day("2025-10-01")).listed);
  CHECK(ask(graph, "RuAff", Rule::BisAffiliates, day("2025-10-01")).blocked == Verdict::Yes);
  CHECK_FALSE(ask(graph, "Cu", Rule::BisAffiliates, day("2025-10-01")).listed);
  CHECK(ask(graph, "CuAff", Rule::BisAffiliates, day("2025-10-01")).blocked == Verdict::No);
  CHECK(ask(graph, "CuAff", Rule::Ofac, day("2025-10-01")).blocked == Verdict::Yes);
}

#include "generator.h"

// BlockedSet::count reads eight states a word and pads the last word: every verdict's count must
// be the number of nodes with that verdict, whatever the node count modulo 8, dated or not.
TEST_CASE("exposure: a blocked set's counts are its nodes' verdicts, for any number of nodes") {
  for (const std::uint32_t entities : {1u, 9u, 1001u, 20011u}) {
    const Graph graph = generate({.entities = entities, .seed = 7});
    for (const bool dated : {false, true})
      for (const Rule rule : {Rule::Ofac, Rule::BisAffiliates}) {
        const BlockedSet set = blocked_set(graph, {.rule = rule, .as_of = dated ? std::optional(day("2014-08-12")) : std::nullopt});
        std::size_t total = 0;
        for (const Verdict verdict : {Verdict::No, Verdict::Possibly, Verdict::Yes}) {
          CHECK(set.count(verdict) == set.nodes(verdict).size());
          total += set.count(verdict);
        }
        CHECK(total == graph.node_count());
      }
  }
}
