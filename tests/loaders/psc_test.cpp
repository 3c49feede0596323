#include "skg/loaders/uk_psc.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/queries/exposure.h"

#include "loaders/loader_test_util.h"

namespace {

using skg::testing::broken;
using skg::testing::datasets;
using skg::testing::edge_with_id;
using skg::testing::head_of;
using V = std::vector<std::string_view>;
using skg::Percent;

std::string sample(std::string_view name) { return datasets("samples/psc/" + std::string(name)); }
constexpr Percent::Units kPct = Percent::kUnitsPerPercent;

}  // namespace

TEST_CASE("uk_psc: the natures of control become the statute's bands, with open and closed bounds") {
  // SI 2016/339 Sch. 2 Part 1: "more than 25% but not more than 50%", "more than 50% but less
  // than 75%", "75% or more".
  const auto quarter = skg::psc_nature("ownership-of-shares-25-to-50-percent");
  REQUIRE(quarter);
  CHECK(quarter->kind == skg::EdgeKind::Owns);
  CHECK(quarter->interest == skg::Interest::Shares);
  CHECK(quarter->share == Percent::between({25 * kPct, true}, {50 * kPct, false}));
  CHECK(skg::psc_nature("ownership-of-shares-50-to-75-percent")->share ==
        Percent::between({50 * kPct, true}, {75 * kPct, true}));
  CHECK(skg::psc_nature("ownership-of-shares-75-to-100-percent")->share ==
        Percent::between({75 * kPct, false}, {100 * kPct, false}));
  const auto votes = skg::psc_nature("voting-rights-50-to-75-percent-limited-liability-partnership");
  REQUIRE(votes);
  CHECK(votes->kind == skg::EdgeKind::Controls);
  CHECK(votes->interest == skg::Interest::VotingRights);
  const auto board = skg::psc_nature("right-to-appoint-and-remove-directors");
  REQUIRE(board);
  CHECK(board->interest == skg::Interest::AppointBoard);
  CHECK(board->share == Percent::between({50 * kPct, true}, {100 * kPct, false}));  // a majority of the board
  CHECK(skg::psc_nature("significant-influence-or-control")->interest == skg::Interest::SignificantInfluence);
  CHECK(!skg::psc_nature("significant-influence-or-control")->share.known());
  // Held through a trust or a firm: an indication, not the person's own shares.
  const auto trust = skg::psc_nature("ownership-of-shares-50-to-75-percent-as-trust");
  REQUIRE(trust);
  CHECK(trust->kind == skg::EdgeKind::Controls);
  CHECK(trust->interest == skg::Interest::TrustSettlor);
  const auto overseas = skg::psc_nature("ownership-of-shares-more-than-25-percent-registered-overseas-entity");
  REQUIRE(overseas);
  CHECK(overseas->share == Percent::between({25 * kPct, true}, {100 * kPct, false}));
  CHECK(skg::psc_nature("ownership-of-shares-more-than-25-percent-as-firm-registered-overseas-entity")->interest ==
        skg::Interest::SignificantInfluence);
  CHECK(!skg::psc_nature("ownership-of-shares-90-percent"));
  CHECK(!skg::psc_nature("voting-rights-25-to-50-percent-as-friend"));
}

TEST_CASE("uk_psc: company numbers are upper-case and padded to 8, others refused") {
  CHECK(skg::gb_company_number("8209948") == "08209948");
  CHECK(skg::gb_company_number("sc123456") == "SC123456");
  CHECK(skg::gb_company_number("OE029880") == "OE029880");
  CHECK(skg::gb_company_number("0820994812345").empty());
  CHECK(skg::gb_company_number("12-34").empty());
  CHECK(skg::gb_company_number("SC12").empty());
}

TEST_CASE("uk_psc: an individual PSC reads back exactly: name, birth month, range, dates") {
  skg::Builder builder;
  const skg::LoadReport report = skg::load_uk_psc(sample("psc-data-8.json"), builder);
  CHECK(report.count("individuals") == 2);
  CHECK(report.count("corporate entities") == 1);
  CHECK(report.count("snapshot totals") == 1);
  const skg::Graph graph = std::move(builder).freeze();
  const auto bunyan = graph.find("gb-psc:03136191/individual/55y0_U-Q2wwTXDXh6mmo0BJPpM8");
  REQUIRE(bunyan);
  CHECK(graph.kind(*bunyan) == skg::NodeKind::Person);
  CHECK(graph.name(*bunyan) == "Mr. Michael Stanley Bunyan");
  CHECK(graph.attribute(*bunyan, "birthDate") == V{"1957-10"});
  CHECK(graph.attribute(*bunyan, "nationality") == V{"British"});
  CHECK(graph.attribute(*bunyan, "countryOfResidence") == V{"England"});
  CHECK(graph.attribute(*bunyan, "address") == V{"Unit 3, Alexandra Road, Enfield, EN3 7EH, England"});
  const auto company = graph.find("gb-coh:03136191");
  REQUIRE(company);
  CHECK(graph.attribute(*company, "gbCompanyNumber") == V{"03136191"});
  const auto stake = edge_with_id(graph, "gb-psc:03136191/individual/55y0_U-Q2wwTXDXh6mmo0BJPpM8#ownership-of-shares-25-to-50-percent");
  REQUIRE(stake);
  CHECK(graph.edge_kind(*stake) == skg::EdgeKind::Owns);
  CHECK(graph.source(*stake) == *bunyan);
  CHECK(graph.target(*stake) == *company);
  CHECK(graph.share(*stake) == Percent::between({25 * kPct, true}, {50 * kPct, false}));
  CHECK(graph.share(*stake).to_string() == "(25-50]%");
  CHECK(graph.edge_valid(*stake).start == skg::Date::from_ymd(2016, 11, 1));
  CHECK(!graph.edge_valid(*stake).end);
}

TEST_CASE("uk_psc: a corporate PSC registered at Companies House is its gb-coh company, so chains link") {
  skg::Builder builder;
  skg::load_uk_psc(sample("psc-data-8.json"), builder);
  const skg::Graph graph = std::move(builder).freeze();
  const auto holding = graph.find("gb-coh:03530981");  // Clientlogic Holding Limited, reg. no. 03530981
  REQUIRE(holding);
  CHECK(graph.name(*holding) == "Clientlogic Holding Limited");
  CHECK(graph.kind(*holding) == skg::NodeKind::Company);
  CHECK(graph.attribute(*holding, "gbCompanyNumber") == V{"03530981"});
  const std::string base = "gb-psc:04120481/corporate-entity/m5XNR_-nKtmMDh9BkcfpD7Pzkic#";
  const auto votes = edge_with_id(graph, base + "voting-rights-75-to-100-percent");
  REQUIRE(votes);
  CHECK(graph.edge_kind(*votes) == skg::EdgeKind::Controls);
  CHECK(graph.interest(*votes) == skg::Interest::VotingRights);
  CHECK(graph.share(*votes) == Percent::between({75 * kPct, false}, {100 * kPct, false}));
  const auto board = edge_with_id(graph, base + "right-to-appoint-and-remove-directors");
  REQUIRE(board);
  CHECK(graph.interest(*board) == skg::Interest::AppointBoard);
  CHECK(graph.source(*board) == *holding);
}

TEST_CASE("uk_psc: statements, legal persons, overseas beneficial owners and super-secure PSCs") {
  skg::Builder builder;
  for (int index = 1; index <= 8; ++index) skg::load_uk_psc(sample("psc-data-" + std::to_string(index) + ".json"), builder);
  const skg::Graph graph = std::move(builder).freeze();
  const auto harrogate = graph.find("gb-coh:08209948");
  REQUIRE(harrogate);
  CHECK(graph.attribute(*harrogate, "pscStatement") ==
        V{"no-individual-or-entity-with-signficant-control (notified 2016-09-11, ceased 2021-12-13)"});
  const auto safe = graph.find("gb-psc:07102351/legal-person/I9Y9flc5ndlcZRtXPL03fjn2hDo");
  REQUIRE(safe);
  CHECK(graph.kind(*safe) == skg::NodeKind::Organization);
  CHECK(graph.attribute(*safe, "legalForm") == V{"Government Department"});
  const auto czech = graph.find("gb-psc:OE031044/legal-person-beneficial-owner/28NaTOioatSpvI7hNY3qz_fKYoI");
  REQUIRE(czech);
  CHECK(graph.attribute(*czech, "isSanctioned") == V{"false"});
  const auto secure = graph.find("gb-psc:02443921/super-secure/NcZQQA0LMrXYV1u0fGRHLrGIL_I");
  REQUIRE(secure);
  CHECK(graph.name(*secure).empty() == (graph.names(*secure).empty()));
  const auto hidden = edge_with_id(graph, "gb-psc:02443921/super-secure/NcZQQA0LMrXYV1u0fGRHLrGIL_I#super-secure");
  REQUIRE(hidden);
  CHECK(graph.edge_kind(*hidden) == skg::EdgeKind::UnknownLink);
  CHECK(!graph.share(*hidden).known());
}

TEST_CASE("uk_psc: the raw one-object-per-line snapshot reads like the array-wrapped samples") {
  skg::Builder lines, arrays;
  skg::load_uk_psc(sample("psc-snapshot-lines.txt"), lines);
  for (int index = 1; index <= 8; ++index) skg::load_uk_psc(sample("psc-data-" + std::to_string(index) + ".json"), arrays);
  CHECK(lines.entity_count() == arrays.entity_count());
  CHECK(lines.edge_count() == arrays.edge_count());
  CHECK(lines.entity_count() == 20);
}

TEST_CASE("uk_psc: loading the samples twice changes nothing") {
  skg::Builder builder;
  skg::load(datasets("samples/psc"), builder);
  const std::size_t entities = builder.entity_count(), edges = builder.edge_count();
  skg::load(datasets("samples/psc"), builder);
  CHECK(builder.entity_count() == entities);
  CHECK(builder.edge_count() == edges);
}

TEST_CASE("uk_psc: bad records name file, line and record, and skip mode keeps the good ones") {
  struct Case {
    const char* file;
    const char* message;
  };
  for (const Case& bad : {Case{"psc_bad_date.txt", "psc_bad_date.txt:2: record 1: notified_on '06/04/2016' is not a date"},
                          Case{"psc_ceased_before_notified.txt", ":2: record 1: ceased_on 2019-01-01 is before notified_on 2020-04-06"},
                          Case{"psc_no_company_number.txt", ":2: record 1: the record has no \"company_number\""},
                          Case{"psc_bad_company_number.txt", "company_number '0820994812345' is not a Companies House number"},
                          Case{"psc_unknown_kind.txt", "kind 'alien-with-significant-control' is not a kind of PSC record"},
                          Case{"psc_natures_not_array.txt", "natures_of_control is not an array"},
                          Case{"psc_bad_json_line.txt", "psc_bad_json_line.txt:2: invalid JSON at column"}}) {
    CAPTURE(bad.file);
    skg::Builder builder;
    CHECK_THROWS_WITH_AS(skg::load_uk_psc(broken(bad.file), builder), doctest::Contains(bad.message), skg::LoadError);
    CHECK(builder.entity_count() == 0);
    const auto report = skg::load_uk_psc(broken(bad.file), builder, {.on_bad_record = skg::OnBadRecord::Skip});
    CHECK(report.skipped.size() == 1);
    CHECK(builder.contains("gb-psc:08209948/individual/AAA"));
  }
}

TEST_CASE("uk_psc: every broken psc_ file loads or throws LoadError, in both modes") {
  skg::testing::check_broken_files_load_or_throw("psc_", skg::load_uk_psc);
}

TEST_CASE("uk_psc: snapshot files are told by content") {
  for (const char* name : {"psc-data-1.json", "psc-data-7.json", "psc-snapshot-lines.txt"}) {
    CAPTURE(name);
    CHECK(skg::detect_format(head_of(sample(name)), "input") == skg::Format::UkPsc);
  }
  CHECK(skg::parse_format("uk-psc") == skg::Format::UkPsc);
}

TEST_CASE("uk_psc: a PSC range decides the UK rule: 50-to-75% by a designated person owns, 25-to-50% does not") {
  // Three companies of a snapshot; their PSCs are designated below (an OFSI asset freeze).
  const std::string path = skg::testing::write_output("psc_uk_rule.txt", R"({"company_number":"01000001","data":{"kind":"individual-person-with-significant-control","name":"Ivan Majority","links":{"self":"/company/01000001/persons-with-significant-control/individual/MAJ"},"natures_of_control":["ownership-of-shares-50-to-75-percent"],"notified_on":"2016-04-06"}}
{"company_number":"03136191","data":{"kind":"individual-person-with-significant-control","name":"Mr. Michael Stanley Bunyan","links":{"self":"/company/03136191/persons-with-significant-control/individual/55y0_U-Q2wwTXDXh6mmo0BJPpM8"},"natures_of_control":["ownership-of-shares-25-to-50-percent"],"notified_on":"2016-11-01"}}
{"company_number":"1000002","data":{"kind":"corporate-entity-person-with-significant-control","name":"Board Holder Limited","identification":{"country_registered":"England And Wales","place_registered":"Companies House","registration_number":"1000003"},"links":{"self":"/company/01000002/persons-with-significant-control/corporate-entity/BRD"},"natures_of_control":["right-to-appoint-and-remove-directors"],"notified_on":"2016-04-06","ceased_on":"2022-03-01"}}
)");
  skg::Builder builder;
  skg::load_uk_psc(path, builder);
  skg::Batch batch;
  for (const char* party : {"gb-psc:01000001/individual/MAJ", "gb-psc:03136191/individual/55y0_U-Q2wwTXDXh6mmo0BJPpM8",
                            "gb-coh:01000003"}) {
    batch.add_action({.id = std::string(party) + "#OFSI", .target = party, .authority = "HM Treasury",
                      .list = "Consolidated List", .listed = skg::Date::from_ymd(2022, 2, 24),
                      .in_force = {skg::Date::from_ymd(2022, 2, 24), std::nullopt},
                      .source = {"test", party, 0}, .measure_set = {skg::Measure::AssetFreeze},
                      .issuer = skg::Issuer::Uk, .list_id = skg::SanctionList::UkAssetFreeze});
  }
  builder.commit(std::move(batch));
  const skg::Graph graph = std::move(builder).freeze();
  const auto day = skg::Date::from_ymd(2023, 1, 1);

  const auto owned = skg::exposure(graph, *graph.find("gb-coh:01000001"), {.rule = skg::Rule::Uk, .as_of = day});
  CHECK(owned.blocked == skg::Verdict::Yes);  // (50, 75): more than 50% whatever the exact stake

  const auto minority = skg::exposure(graph, *graph.find("gb-coh:03136191"), {.rule = skg::Rule::Uk, .as_of = day});
  CHECK(minority.blocked == skg::Verdict::No);  // (25, 50]: never more than 50%
  CHECK(!(minority.cautions.empty() && minority.reasons.empty()));  // but the designated holder is shown

  // The right to appoint a majority of the board is control (reg. 7(2)) while it lasts: it ceased
  // on 2022-03-01.
  const auto board = *graph.find("gb-coh:01000002");
  CHECK(skg::exposure(graph, board, {.rule = skg::Rule::Uk, .as_of = skg::Date::from_ymd(2022, 2, 28)}).blocked ==
        skg::Verdict::Yes);
  CHECK(skg::exposure(graph, board, {.rule = skg::Rule::Uk, .as_of = day}).blocked == skg::Verdict::No);
}
