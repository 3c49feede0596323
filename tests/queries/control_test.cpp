// Control interests, Schedule 1's joint holdings and nominees, exact shares, reconciled stakes
// and the cautions of queries/RULES.md §5.4-5.6, each case from the text it cites.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "skg/graph/builder.h"
#include "skg/loaders/ftm_json.h"
#include "skg/queries/exposure.h"
#include "typed_listing.h"

using namespace skg;

namespace {

Date day(std::string_view iso) { return *Date::parse(iso); }

/// A small graph with typed interests; the records can be added in a shuffled order.
class Net {
 public:
  Net& party(std::string id, NodeKind kind = NodeKind::Company) {
    entities_.push_back({std::move(id), kind});
    return *this;
  }
  Net& list(std::string id, std::string authority = "OFAC", std::string list = "SDN",
            DateRange in_force = {}) {
    actions_.push_back({std::move(id), std::move(authority), std::move(list), in_force});
    return *this;
  }
  Net& edge(EdgeKind kind, std::string from, std::string to, Percent share = {},
            Interest interest = Interest::Unspecified, DateRange valid = {}) {
    edges_.push_back({kind, std::move(from), std::move(to), share, interest, valid});
    return *this;
  }
  Net& owns(std::string from, std::string to, double percent, Interest interest = Interest::Shares,
            DateRange valid = {}) {
    return edge(EdgeKind::Owns, std::move(from), std::move(to), Percent::exact(percent), interest, valid);
  }
  Net& controls(std::string from, std::string to, Interest interest, Percent share = {}) {
    return edge(EdgeKind::Controls, std::move(from), std::move(to), share, interest);
  }
  Graph build(std::uint32_t shuffle_seed = 0) const {
    auto entities = entities_;
    auto actions = actions_;
    auto edges = edges_;
    if (shuffle_seed != 0) {
      std::mt19937 random(shuffle_seed);
      std::shuffle(entities.begin(), entities.end(), random);
      std::shuffle(actions.begin(), actions.end(), random);
      std::shuffle(edges.begin(), edges.end(), random);
    }
    Builder builder;
    Batch batch;
    std::uint32_t line = 0;
    for (const auto& [id, kind] : entities)
      batch.add_entity({.id = id, .kind = kind, .name = id, .source = {"net.txt", {}, ++line}});
    for (const auto& a : actions) {
      const test::Typed t = test::typed(a.authority, a.list);
      batch.add_action({.id = a.id + "#" + a.authority + "#" + a.list, .target = a.id,
                        .authority = a.authority, .list = a.list, .in_force = a.in_force,
                        .source = {"net.txt", {}, ++line}, .measure_set = t.measures,
                        .issuer = t.issuer, .list_id = t.list});
    }
    for (const auto& e : edges)
      batch.add_edge({.kind = e.kind, .from = e.from, .to = e.to, .share = e.share,
                      .interest = e.interest, .valid = e.valid, .source = {"net.txt", {}, ++line}});
    builder.commit(std::move(batch));
    return std::move(builder).freeze();
  }

 private:
  struct ActionRec {
    std::string id, authority, list;
    DateRange in_force;
  };
  struct EdgeRec {
    EdgeKind kind;
    std::string from, to;
    Percent share;
    Interest interest;
    DateRange valid;
  };
  std::vector<std::pair<std::string, NodeKind>> entities_;
  std::vector<ActionRec> actions_;
  std::vector<EdgeRec> edges_;
};

NodeId node(const Graph& graph, std::string_view id) {
  const auto found = graph.find(id);
  REQUIRE(found.has_value());
  return *found;
}
Exposure ask(const Graph& graph, std::string_view id, Rule rule, std::optional<Date> as_of = std::nullopt) {
  return exposure(graph, node(graph, id), {.rule = rule, .as_of = as_of});
}
bool has(const std::vector<Reason>& reasons, ReasonKind kind) {
  return std::any_of(reasons.begin(), reasons.end(), [&](const Reason& r) { return r.kind == kind; });
}
const Reason& find(const std::vector<Reason>& reasons, ReasonKind kind) {
  const auto found = std::find_if(reasons.begin(), reasons.end(), [&](const Reason& r) { return r.kind == kind; });
  REQUIRE(found != reasons.end());
  return *found;
}
void check_cited(const Exposure& answer) {
  const auto id = rule_info(answer.rule).id;
  for (const auto* list : {&answer.reasons, &answer.cautions})
    for (const Reason& r : *list) CHECK_MESSAGE(r.text.find(id) != std::string::npos, r.text);
}

/// One designated person X (designated by OFAC, the EU Council, OFSI and on the Entity List)
/// and the company C it holds `share` of.
Graph one_holder(Percent share) {
  return Net()
      .party("X", NodeKind::Person).party("C")
      .list("X", "OFAC", "SDN").list("X", "Council of the European Union", "")
      .list("X", "OFSI", "").list("X", "Bureau of Industry and Security", "Entity List")
      .edge(EdgeKind::Owns, "X", "C", share, Interest::Shares)
      .build();
}

const Date kBisInForce = *Date::parse("2025-10-01");  // 90 FR 47201 in force, before the suspension

}  // namespace

// ---------------------------------------------------------------------------------------------
// Exact shares (RULES.md §5: no threshold is decided by rounding).

TEST_CASE("exact shares: a decimal share is read to the millionth, and finer digits stay open") {
  CHECK(Percent::parse("49.996")->low().units == 49'996'000u);
  CHECK(Percent::parse("50,004")->is_exact());
  CHECK(Percent::parse("100")->value() == doctest::Approx(100));
  CHECK_FALSE(Percent::parse("100.5").has_value());
  CHECK_FALSE(Percent::parse("5O").has_value());
  const Percent fine = *Percent::parse("49.99999999");
  CHECK_FALSE(fine.is_exact());
  CHECK(fine.low() == Percent::Bound{49'999'999u, true});
  CHECK(fine.high() == Percent::Bound{50'000'000u, true});
  CHECK(Percent::from_double(50.004)->low().units == 50'004'000u);
  CHECK(Percent::from_double(50.004)->is_exact());
  // ">50%" is (50, 100]; "<25%" is [0, 25); ">=25" is [25, 100].
  const Percent more = *detail::parse_ftm_percentage(">50%");
  CHECK(more.low() == Percent::Bound{50'000'000u, true});
  CHECK(more.high() == Percent::Bound{100'000'000u, false});
  CHECK(more.to_string() == ">50%");
  CHECK(detail::parse_ftm_percentage("<25%")->high() == Percent::Bound{25'000'000u, true});
  CHECK(detail::parse_ftm_percentage(">=25")->low() == Percent::Bound{25'000'000u, false});
  CHECK(Percent::exact(50.004).to_string() == "50.004%");
}

TEST_CASE("exact shares: 50% exactly and one hundredth either side, under every rule") {
  // OFAC "50 percent or more" (2014 guidance); EU "50% or more" since the 2024 Best Practices
  // and "more than 50%" before; UK reg. 7(2)(a) "more than 50%"; BIS "at least 50 percent".
  struct Expect {
    Rule rule;
    std::optional<Date> as_of;
    bool at_49_99, at_50, at_50_01;
  };
  const Expect cases[] = {
      {Rule::Ofac, std::nullopt, false, true, true},
      {Rule::Eu, day("2024-08-01"), false, true, true},
      {Rule::Eu, day("2023-08-01"), false, false, true},
      {Rule::Uk, day("2024-08-01"), false, false, true},
      {Rule::BisAffiliates, kBisInForce, false, true, true},
  };
  for (const Expect& e : cases) {
    CAPTURE(to_string(e.rule));
    for (auto share_case : {std::pair{"49.99", e.at_49_99}, {"50", e.at_50}, {"50.01", e.at_50_01},
                            {"49.996", e.at_49_99}, {"50.004", e.at_50_01}}) {
      const char* text = share_case.first;
      const bool yes = share_case.second;
      CAPTURE(text);
      const Graph graph = one_holder(*Percent::parse(text));
      const auto answer = ask(graph, "C", e.rule, e.as_of);
      CHECK(answer.blocked == (yes ? Verdict::Yes : Verdict::No));
      check_cited(answer);
    }
  }
  // 25% + 25% is exactly 50% (OFAC FAQ 399), and ">50%" meets the UK's "more than 50%".
  const Graph split = Net()
                          .party("X", NodeKind::Person).party("Y", NodeKind::Person).party("C")
                          .list("X").list("Y").owns("X", "C", 25.0).owns("Y", "C", 25.0)
                          .build();
  CHECK(ask(split, "C", Rule::Ofac).blocked == Verdict::Yes);
  const Graph more = one_holder(*detail::parse_ftm_percentage(">50%"));
  CHECK(ask(more, "C", Rule::Uk).blocked == Verdict::Yes);
  CHECK(ask(more, "C", Rule::Ofac).blocked == Verdict::Yes);
  // A share known only to 8 decimals just under 50% never reaches "50% or more".
  CHECK(ask(one_holder(*Percent::parse("49.99999999")), "C", Rule::Ofac).blocked == Verdict::No);
}

// ---------------------------------------------------------------------------------------------
// One owner's overlapping records are one holding; over 100% is a data-quality caution.

TEST_CASE("stakes: one owner's overlapping records count once, and disagreement is shown") {
  const Graph graph = Net()
                          .party("X", NodeKind::Person).party("Y", NodeKind::Person)
                          .party("Agree").party("Disagree").party("Over")
                          .list("X")
                          .owns("X", "Agree", 30).owns("X", "Agree", 30)
                          .owns("X", "Disagree", 50).owns("X", "Disagree", 48).owns("X", "Disagree", 51)
                          .owns("X", "Over", 60).owns("Y", "Over", 60)
                          .build();
  // Two records of one 30% stake: 30%, not 60%.
  const auto agree = ask(graph, "Agree", Rule::Ofac);
  CHECK(agree.blocked == Verdict::No);
  CHECK(agree.aggregate_percent == doctest::Approx(30));
  CHECK(find(agree.reasons, ReasonKind::Owned).records.size() == 2);
  // 50%, 48% and 51%: one holding of 48% to 51%, "possibly" under OFAC, and the records shown.
  const auto disagree = ask(graph, "Disagree", Rule::Ofac);
  CHECK(disagree.blocked == Verdict::Possibly);
  CHECK(disagree.aggregate_min == doctest::Approx(48));
  CHECK(disagree.aggregate_max == doctest::Approx(51));
  const Reason& quality = find(disagree.cautions, ReasonKind::DataQuality);
  CHECK(quality.records.size() == 3);
  CHECK(quality.text.find("disagree") != std::string::npos);
  // Two owners with 60% each: more than 100% on record.
  const auto over = ask(graph, "Over", Rule::Ofac);
  CHECK(over.blocked == Verdict::Yes);
  CHECK(find(over.cautions, ReasonKind::DataQuality).text.find("120%") != std::string::npos);
  check_cited(over);
}

// ---------------------------------------------------------------------------------------------
// Control, one case per interest type (RULES.md §5.5).

TEST_CASE("control: voting rights, board rights and other interests under the UK and EU tests") {
  const Percent ten = Percent::exact(10), twenty = Percent::exact(20), thirty = Percent::exact(30),
                sixty = Percent::exact(60), all = Percent::exact(100);
  const Graph graph =
      Net()
          .party("X", NodeKind::Person).party("Y", NodeKind::Person)
          .party("Votes60").party("Votes10").party("Profit20").party("TwoVotes30").party("Board")
          .party("BoardUnstated").party("Influence").party("Trust").party("Untyped").party("Directed")
          .party("VotesExactly50")
          .list("X", "OFSI", "").list("Y", "OFSI", "")
          .list("X", "Council of the European Union", "").list("Y", "Council of the European Union", "")
          .list("X", "OFAC", "SDN")
          .controls("X", "Votes60", Interest::VotingRights, sixty)
          .controls("X", "Votes10", Interest::VotingRights, ten)
          .controls("X", "Profit20", Interest::ProfitRights, twenty)
          .controls("X", "TwoVotes30", Interest::VotingRights, thirty)
          .controls("Y", "TwoVotes30", Interest::VotingRights, thirty)
          .controls("X", "Board", Interest::AppointBoard, all)
          .controls("X", "BoardUnstated", Interest::AppointBoard)
          .controls("X", "Influence", Interest::SignificantInfluence)
          .controls("X", "Trust", Interest::TrustBeneficiary)
          .controls("X", "Untyped", Interest::Unspecified)
          .controls("X", "VotesExactly50", Interest::VotingRights, Percent::exact(50))
          .edge(EdgeKind::DirectorOf, "X", "Directed", {}, Interest::Director)
          .build();
  const Date on = day("2024-08-01");
  for (Rule rule : {Rule::Uk, Rule::Eu}) {
    CAPTURE(to_string(rule));
    // UK reg. 7(2)(b): "more than 50% of the voting rights".
    const auto votes = ask(graph, "Votes60", rule, on);
    CHECK(votes.blocked == Verdict::Yes);
    CHECK(find(votes.reasons, ReasonKind::Controlled).text.find("60%") != std::string::npos);
    CHECK(ask(graph, "VotesExactly50", rule, on).blocked == Verdict::No);
    // 10% of the votes, a 20% right to profits, two designated persons with 30% each: no.
    const auto few = ask(graph, "Votes10", rule, on);
    CHECK(few.blocked == Verdict::No);
    CHECK(has(few.cautions, ReasonKind::ControlReview));
    const auto profit = ask(graph, "Profit20", rule, on);
    CHECK(profit.blocked == Verdict::No);
    CHECK(has(profit.cautions, ReasonKind::ControlReview));
    CHECK(ask(graph, "TwoVotes30", rule, on).blocked == Verdict::No);
    // UK reg. 7(2)(c): the right to appoint or remove a majority of the board.
    CHECK(ask(graph, "Board", rule, on).blocked == Verdict::Yes);
    // BODS appointmentOfBoard is "the absolute right to appoint members": a majority unstated.
    CHECK(ask(graph, "BoardUnstated", rule, on).blocked == Verdict::Possibly);
    // Influence, a trust, a directorship: cautions to review, not blocks.
    CHECK(ask(graph, "Influence", rule, on).blocked == Verdict::No);
    CHECK(has(ask(graph, "Trust", rule, on).cautions, ReasonKind::ControlReview));
    CHECK(ask(graph, "Trust", rule, on).blocked == Verdict::No);
    CHECK(ask(graph, "Directed", rule, on).blocked == Verdict::No);
    // Control whose type the source does not give: unknown stays unknown.
    CHECK(ask(graph, "Untyped", rule, on).blocked == Verdict::Possibly);
    check_cited(votes);
  }
  // The EU wording is a rebuttable presumption; the UK's is "owned or controlled".
  CHECK(ask(graph, "Votes60", Rule::Eu, on).consequence.find("rebuttable presumption") != std::string::npos);
  CHECK(ask(graph, "Votes60", Rule::Uk, on).consequence == "owned or controlled by a designated person");
  // OFAC FAQ 398: control is a caution, never a block.
  const auto ofac = ask(graph, "Votes60", Rule::Ofac);
  CHECK(ofac.blocked == Verdict::No);
  CHECK(has(ofac.cautions, ReasonKind::ControlLink));
  CHECK(ask(graph, "Board", Rule::Ofac).blocked == Verdict::No);
}

// ---------------------------------------------------------------------------------------------
// Schedule 1 of the SAMLA regulations (SI 2019/855 Sch. 1, RULES.md §3.1) and nominees.

TEST_CASE("control: Schedule 1 para 2, jointly held shares count in full for each holder") {
  // "If two or more persons each hold a share or right jointly, each of them is treated as
  // holding that share or right."
  const Graph graph = Net()
                          .party("P", NodeKind::Person).party("Q", NodeKind::Person).party("C")
                          .party("D")
                          .list("P", "OFSI", "").list("P").list("Q")
                          .owns("P", "C", 60, Interest::JointlyHeld).owns("Q", "C", 60, Interest::JointlyHeld)
                          .owns("P", "D", 30, Interest::JointlyHeld).owns("Q", "D", 30, Interest::JointlyHeld)
                          .build();
  CHECK(ask(graph, "C", Rule::Uk, day("2024-08-01")).blocked == Verdict::Yes);
  // OFAC aggregates P's and Q's stakes, but jointly held shares are one block of shares: 30%
  // jointly held by two blocked persons is 30%, not 60%.
  const auto d = ask(graph, "D", Rule::Ofac);
  CHECK(d.blocked == Verdict::No);
  CHECK(d.aggregate_min == doctest::Approx(30));
  CHECK(ask(graph, "C", Rule::Ofac).aggregate_min == doctest::Approx(60));
}

TEST_CASE("control: Schedule 1 para 3, a joint arrangement gives each party the combined holding") {
  // "If shares or rights held by a person and shares or rights held by another person are the
  // subject of a joint arrangement between those persons, each of them is treated as holding the
  // combined shares or rights of both of them." OFSI para 4.14: holdings are not aggregated
  // "unless ... subject to a joint arrangement".
  const Graph graph = Net()
                          .party("P", NodeKind::Person).party("Q", NodeKind::Person)
                          .party("R", NodeKind::Person).party("Arranged").party("Apart")
                          .list("P", "OFSI", "").list("R", "OFSI", "")
                          .owns("P", "Arranged", 30, Interest::JointArrangement)
                          .owns("Q", "Arranged", 25, Interest::JointArrangement)
                          .owns("P", "Apart", 30).owns("R", "Apart", 30)
                          .build();
  const auto arranged = ask(graph, "Arranged", Rule::Uk, day("2024-08-01"));
  CHECK(arranged.blocked == Verdict::Yes);  // P holds 30% + Q's 25% = 55%
  check_cited(arranged);
  // OFSI para 4.14: two designated persons with 30% each and no arrangement: not owned.
  const auto apart = ask(graph, "Apart", Rule::Uk, day("2024-08-01"));
  CHECK(apart.blocked == Verdict::No);
  CHECK(has(apart.cautions, ReasonKind::NotAggregated));
}

TEST_CASE("control: shares a nominee holds for a designated person count as that person's") {
  const Graph graph =
      Net()
          .party("P", NodeKind::Person).party("N").party("C").party("Clean", NodeKind::Person)
          .party("M").party("D").party("E")
          .list("P").list("P", "OFSI", "")
          .edge(EdgeKind::Represents, "N", "P", {}, Interest::NomineeFor)
          .owns("N", "C", 60)
          .edge(EdgeKind::Represents, "M", "Clean", {}, Interest::NomineeFor)
          .owns("M", "D", 60)
          .controls("P", "E", Interest::Nominator, Percent::exact(60))
          .build();
  for (Rule rule : {Rule::Ofac, Rule::Uk}) {
    CAPTURE(to_string(rule));
    const auto c = ask(graph, "C", rule, day("2024-08-01"));
    CHECK(c.blocked == Verdict::Yes);
    const Reason& owned = find(c.reasons, ReasonKind::Owned);
    CHECK(owned.text.find("nominee") != std::string::npos);
    CHECK(ask(graph, "D", rule, day("2024-08-01")).blocked == Verdict::No);  // principal not designated
    CHECK(ask(graph, "E", rule, day("2024-08-01")).blocked == Verdict::Yes);  // BODS nominator
    CHECK_FALSE(ask(graph, "N", rule, day("2024-08-01")).listed);
  }
}

// ---------------------------------------------------------------------------------------------
// Cautions a compliance officer expects (RULES.md §5.6).

TEST_CASE("cautions: a blocked minority stake is blocked property, divestment, Red Flag 29") {
  const Graph graph =
      Net()
          .party("X", NodeKind::Person).party("L").party("Minor").party("Sold").party("Unknown")
          .list("X", "OFAC", "SDN", {.start = day("2020-01-01")})
          .list("L", "Bureau of Industry and Security", "Entity List")
          .owns("X", "Minor", 30)
          .owns("X", "Sold", 60, Interest::Shares, {.start = day("2015-01-01"), .end = day("2022-01-01")})
          .edge(EdgeKind::Owns, "L", "Unknown", Percent::unknown(), Interest::Shares)
          .build();
  // OFAC FAQ 573: "must block all property and interests in property in which the blocked
  // person has an interest".
  const auto minor = ask(graph, "Minor", Rule::Ofac);
  CHECK(minor.blocked == Verdict::No);
  CHECK(find(minor.cautions, ReasonKind::BlockedProperty).text.find("FAQ 573") != std::string::npos);
  // OFAC FAQ 402: a divestment after designation unblocks only outside U.S. jurisdiction.
  const auto sold = ask(graph, "Sold", Rule::Ofac, day("2023-01-01"));
  CHECK(sold.blocked == Verdict::No);
  CHECK(find(sold.cautions, ReasonKind::Divestment).text.find("FAQ 402") != std::string::npos);
  CHECK(ask(graph, "Sold", Rule::Ofac, day("2021-01-01")).blocked == Verdict::Yes);
  // A stake that ended before the designation is no divestment after it.
  CHECK_FALSE(has(ask(graph, "Sold", Rule::Ofac, day("2019-06-01")).cautions, ReasonKind::Divestment));
  // BIS Red Flag 29: an Entity List owner's share is unknown.
  const auto unknown = ask(graph, "Unknown", Rule::BisAffiliates, kBisInForce);
  CHECK(unknown.blocked == Verdict::Possibly);
  CHECK(has(unknown.cautions, ReasonKind::RedFlag));
  CHECK(unknown.consequence == "possibly licence required");
  check_cited(unknown);
}

TEST_CASE("cautions: each regime's consequence in its own words") {
  const Graph graph = one_holder(Percent::exact(60));
  const Date on = day("2025-10-01");
  CHECK(ask(graph, "C", Rule::Ofac, on).consequence == "blocked");
  CHECK(ask(graph, "C", Rule::Eu, on).consequence.starts_with("presumed owned or controlled"));
  CHECK(ask(graph, "C", Rule::Uk, on).consequence == "owned or controlled by a designated person");
  CHECK(ask(graph, "C", Rule::BisAffiliates, on).consequence == "licence required");
  CHECK(ask(graph, "X", Rule::Ofac, on).consequence == "designated: blocked");
  CHECK(ask(graph, "X", Rule::Uk, on).consequence == "designated person: asset freeze (reg. 11)");
  CHECK(ask(one_holder(Percent::exact(10)), "C", Rule::Ofac, on).consequence.empty());
}

TEST_CASE("rules: an answer resting on a scheduled end of the BIS suspension says so") {
  // RULES.md §4.2: the suspension "will end on November 9, 2026, unless it is extended".
  const Graph graph = one_holder(Percent::exact(60));
  const auto suspended = ask(graph, "C", Rule::BisAffiliates, day("2026-01-15"));
  CHECK(suspended.blocked == Verdict::No);
  CHECK(find(suspended.cautions, ReasonKind::ScheduledPeriod).text.find("2026-11-09") != std::string::npos);
  const auto resumed = ask(graph, "C", Rule::BisAffiliates, day("2026-12-01"));
  CHECK(resumed.blocked == Verdict::Yes);
  CHECK(has(resumed.cautions, ReasonKind::ScheduledPeriod));
  CHECK_FALSE(has(ask(graph, "C", Rule::BisAffiliates, kBisInForce).cautions, ReasonKind::ScheduledPeriod));
  // A listed party's own listing does not depend on the suspension.
  CHECK_FALSE(has(ask(graph, "X", Rule::BisAffiliates, day("2026-01-15")).cautions, ReasonKind::ScheduledPeriod));
}

// ---------------------------------------------------------------------------------------------
// Properties on random graphs: load order does not matter; a new designation never unblocks.

namespace {
Net random_net(std::uint32_t seed, int parties, const std::vector<int>& designated) {
  Net net;
  std::mt19937 random(seed);
  for (int at = 0; at < parties; ++at) net.party("p" + std::to_string(at));
  for (int at : designated) {
    const auto id = "p" + std::to_string(at);
    net.list(id, "OFAC", "SDN").list(id, "Council of the European Union", "").list(id, "OFSI", "");
  }
  const Interest controls[] = {Interest::VotingRights, Interest::AppointBoard, Interest::Unspecified,
                               Interest::ProfitRights, Interest::SignificantInfluence};
  for (int at = 0; at < parties * 3; ++at) {
    const auto from = "p" + std::to_string(random() % parties);
    const auto to = "p" + std::to_string(random() % parties);
    const auto roll = random() % 12;
    const Percent share = Percent::exact(static_cast<double>(random() % 6000) / 100.0);
    if (roll == 0) net.controls(from, to, controls[random() % 5], random() % 2 ? share : Percent());
    else if (roll == 1) net.edge(EdgeKind::Owns, from, to, Percent(), Interest::Shares);
    else if (roll == 2) net.edge(EdgeKind::Owns, from, to, Percent::range(10, 30), Interest::Shares);
    else if (roll == 3) net.owns(from, to, share.value().value_or(0), Interest::JointArrangement);
    else if (roll == 4) net.owns(from, to, share.value().value_or(0), Interest::JointlyHeld);
    else if (roll == 5) net.edge(EdgeKind::Represents, from, to, {}, Interest::NomineeFor);
    else net.owns(from, to, share.value().value_or(0));
  }
  return net;
}
int rank(Verdict verdict) { return verdict == Verdict::Yes ? 2 : verdict == Verdict::Possibly ? 1 : 0; }
}  // namespace

TEST_CASE("properties: shuffled load order gives identical verdicts with typed interests") {
  const int parties = 300;
  std::vector<int> designated;
  for (int at = 0; at < parties; at += 13) designated.push_back(at);
  const Net net = random_net(7, parties, designated);
  const Graph first = net.build();
  for (std::uint32_t seed : {2u, 9u}) {
    const Graph other = net.build(seed);
    for (Rule rule : {Rule::Ofac, Rule::Eu, Rule::Uk}) {
      const auto a = blocked_set(first, {.rule = rule, .as_of = day("2024-08-01")});
      const auto b = blocked_set(other, {.rule = rule, .as_of = day("2024-08-01")});
      int differ = 0;
      for (int at = 0; at < parties; ++at) {
        const auto id = "p" + std::to_string(at);
        const NodeId x = node(first, id), y = node(other, id);
        if (a.verdict(x) != b.verdict(y) || !(a.lower(x) == b.lower(y)) || !(a.upper(x) == b.upper(y)))
          ++differ;
      }
      CHECK_MESSAGE(differ == 0, to_string(rule));
    }
  }
}

TEST_CASE("properties: adding a designated owner never unblocks anything") {
  const int parties = 200;
  for (std::uint32_t seed : {3u, 4u, 5u}) {
    std::vector<int> designated;
    for (int at = 0; at < parties; at += 17) designated.push_back(at);
    const Graph before = random_net(seed, parties, designated).build();
    std::vector<int> more = designated;
    for (int at = 5; at < parties; at += 23) more.push_back(at);
    const Graph after = random_net(seed, parties, more).build();
    for (Rule rule : {Rule::Ofac, Rule::Eu, Rule::Uk}) {
      for (std::optional<Date> as_of : {std::optional<Date>(day("2024-08-01")), std::optional<Date>(day("2013-01-01"))}) {
        const auto a = blocked_set(before, {.rule = rule, .as_of = as_of});
        const auto b = blocked_set(after, {.rule = rule, .as_of = as_of});
        int dropped = 0;
        for (int at = 0; at < parties; ++at) {
          const auto id = "p" + std::to_string(at);
          if (rank(b.verdict(node(after, id))) < rank(a.verdict(node(before, id)))) ++dropped;
        }
        CHECK_MESSAGE(dropped == 0, to_string(rule));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rule periods as data (queries/rules.tsv).

TEST_CASE("rules: the periods come from queries/rules.tsv, and a user's table replaces them") {
  CHECK(rule_table_origin().find("rules.tsv") != std::string_view::npos);
  const RuleInfo& bis = rule_info(Rule::BisAffiliates);
  REQUIRE(bis.periods.size() == 4);
  CHECK(bis.periods[2].valid.end == day("2026-11-10"));
  CHECK_FALSE(bis.periods[2].scheduled.empty());
  CHECK(rule_info(Rule::Uk).periods.back().threshold == 50 * Percent::kUnitsPerPercent);
  CHECK_FALSE(rule_info(Rule::Uk).periods.back().inclusive);

  // Bad tables are refused with the line and the reason, and change nothing.
  const std::string good_uk =
      "uk\t-\t-\tyes\t50\t>\tno\t-\tSAMLA reg. 7(2) (RULES.md §3)\n";
  const std::string others =
      "ofac\t-\t-\tyes\t50\t>=\tyes\t-\tOFAC (RULES.md §1)\n"
      "eu\t-\t-\tyes\t50\t>=\tyes\t-\tEU (RULES.md §2)\n";
  const std::string bis_extended =
      "bis\t-\t2025-09-29\tno\t50\t>=\tyes\t-\tbefore (RULES.md §4.1)\n"
      "bis\t2025-09-29\t2025-11-10\tyes\t50\t>=\tyes\t-\tin force (RULES.md §4.1)\n"
      "bis\t2025-11-10\t2027-11-10\tno\t50\t>=\tyes\t-\tsuspension extended (a user's update)\n"
      "bis\t2027-11-10\t-\tyes\t50\t>=\tyes\t-\treimposed\n";
  CHECK_THROWS_WITH_AS(load_rule_table("# comment\nuk\t-\t-\tyes\t50\t=>\tno\t-\tx\n", "my.tsv"),
                       doctest::Contains("my.tsv:2: test '=>' is not >= or >"), Error);
  CHECK_THROWS_WITH_AS(load_rule_table(others + good_uk +
                                           "bis\t-\t2025-09-29\tno\t50\t>=\tyes\t-\tb\n"
                                           "bis\t2025-10-01\t-\tyes\t50\t>=\tyes\t-\tb\n",
                                       "gap.tsv"),
                       doctest::Contains("gap.tsv:5: the bis period starting 2025-10-01 does not begin"), Error);
  CHECK_THROWS_WITH_AS(load_rule_table(others + good_uk, "short.tsv"),
                       doctest::Contains("no period for rule bis"), Error);
  CHECK(rule_info(Rule::BisAffiliates).periods.size() == 4);

  // A user extends the BIS suspension: the same question gives the new answer, no code changed.
  const Graph graph = one_holder(Percent::exact(60));
  CHECK(ask(graph, "C", Rule::BisAffiliates, day("2026-12-01")).blocked == Verdict::Yes);
  const auto saved = std::string(rule_table_origin());
  load_rule_table(others + good_uk + bis_extended, "extended.tsv");
  CHECK(rule_table_origin() == "extended.tsv");
  CHECK(ask(graph, "C", Rule::BisAffiliates, day("2026-12-01")).blocked == Verdict::No);
  // Back to the embedded table for the other tests.
  extern const char* skg_test_default_rules();
  load_rule_table(skg_test_default_rules(), saved);
  CHECK(ask(graph, "C", Rule::BisAffiliates, day("2026-12-01")).blocked == Verdict::Yes);
}

namespace skg::inline v1::detail {
extern const char kDefaultRuleTable[];
}
const char* skg_test_default_rules() { return skg::detail::kDefaultRuleTable; }
