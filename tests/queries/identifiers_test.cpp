// tests/queries/identifiers_test.cpp: identifiers as each loader keeps them, and their index.
#include <doctest/doctest.h>

#include <filesystem>

#include "skg/graph/builder.h"
#include "skg/loaders/load.h"
#include "skg/queries/identifiers.h"

namespace {

using skg::IdentifierType;

skg::Graph load_graph(const std::vector<std::string>& paths) {
  skg::Builder builder;
  for (const auto& path : paths) skg::load(path, builder);
  return std::move(builder).freeze();
}

std::string kaspersky() { return std::string(SKG_DATASETS_DIR) + "/kaspersky"; }

}  // namespace

TEST_CASE("identifiers: each source's way of writing a document gives its type and number") {
  SUBCASE("OFAC remarks: number, then country and issue details") {
    const auto id = skg::parse_identifier("id:Passport", "530193947 (Russia)");
    REQUIRE(id);
    CHECK(id->type == IdentifierType::Passport);
    CHECK(id->number == "530193947");
    CHECK(id->key == "530193947");
    const auto tax = skg::parse_identifier("id:Tax ID No.", "774334095919 (Russia)");
    REQUIRE(tax);
    CHECK(tax->type == IdentifierType::Tax);
    const auto expiring = skg::parse_identifier("id:Passport", "A 123-456 (Iran) expires 12 Jun 2025");
    REQUIRE(expiring);
    CHECK(expiring->number == "A 123-456");
    CHECK(expiring->key == "A123456");
  }
  SUBCASE("an IMO number is found with and without its scheme") {
    std::string also;
    const auto imo = skg::parse_identifier("id:Vessel Registration Identification", "IMO 9187629", &also);
    REQUIRE(imo);
    CHECK(imo->type == IdentifierType::Imo);
    CHECK(imo->key == "IMO9187629");
    CHECK(also == "9187629");
    // A registration label whose value is an IMO company number is an IMO number.
    const auto company = skg::parse_identifier("id:Company Number", "IMO 5918412");
    REQUIRE(company);
    CHECK(company->type == IdentifierType::Imo);
  }
  SUBCASE("CSL and UN: 'type, number, country'") {
    const auto csl = skg::parse_identifier("identification", "Passport, A12345678, IR");
    REQUIRE(csl);
    CHECK(csl->type == IdentifierType::Passport);
    CHECK(csl->label == "Passport");
    CHECK(csl->number == "A12345678");
    const auto un = skg::parse_identifier("identification", "National Identification Number, 2900019802, Iraq");
    REQUIRE(un);
    CHECK(un->type == IdentifierType::NationalId);
    CHECK(un->number == "2900019802");
    const auto bic = skg::parse_identifier("identification", "SWIFT/BIC, SABRRUMM");
    REQUIRE(bic);
    CHECK(bic->type == IdentifierType::SwiftBic);
    CHECK(bic->key == "SABRRUMM");
  }
  SUBCASE("FtM properties and BODS schemes") {
    CHECK(skg::parse_identifier("innCode", "7713140469")->type == IdentifierType::Tax);
    CHECK(skg::parse_identifier("imoNumber", "9187629")->type == IdentifierType::Imo);
    CHECK(skg::parse_identifier("passport.number", "530193947")->type == IdentifierType::Passport);
    const auto lei = skg::parse_identifier("identifier", "XI-LEI:529900T8BM49AURSDO55");
    REQUIRE(lei);
    CHECK(lei->type == IdentifierType::Lei);
    CHECK(lei->number == "529900T8BM49AURSDO55");
  }
  SUBCASE("facts that are not identifiers are not indexed") {
    CHECK_FALSE(skg::parse_identifier("identification", "Website, www.example.com"));
    CHECK_FALSE(skg::parse_identifier("identification", "Secondary sanctions risk:, See Section 11"));
    CHECK_FALSE(skg::parse_identifier("identification", "Listing Date (CMIC), 03 Jun 2021"));
    CHECK_FALSE(skg::parse_identifier("birthDate", "1966-11-09"));
    CHECK_FALSE(skg::parse_identifier("kppCode", "771301001"));  // shared by many companies
    CHECK_FALSE(skg::parse_identifier("id:Passport", "-"));     // no number at all
  }
  CHECK(skg::normalise_identifier(" ab-12 34.x ") == "AB1234X");
}

TEST_CASE("identifiers: a passport of the bundled case is found however it is typed") {
  const skg::Graph graph = load_graph({kaspersky()});
  const auto index = skg::build_identifier_index(graph);
  CHECK(index.key_count() > 10);
  for (std::string_view typed : {"530193947", "530 193 947", "530-193-947", " 530193947 "}) {
    CAPTURE(typed);
    const auto matches = skg::find_identifier(graph, index, typed);
    REQUIRE(matches.size() == 1);
    CHECK(graph.external_ids(matches[0].node).size() >= 1);
    CHECK(graph.find("ofac-sdn:45815") == matches[0].node);
    CHECK(matches[0].identifier.type == IdentifierType::Passport);
    CHECK(matches[0].attribute == "id:Passport");
    CHECK(matches[0].value == "530193947 (Russia)");
  }
  CHECK(skg::find_identifier(graph, index, "530193948").empty());  // one digit off: no match
  CHECK(skg::find_identifier(graph, index, "").empty());
}

TEST_CASE("identifiers: a name query that carries a number finds the number, not the words") {
  const skg::Graph graph = load_graph({kaspersky()});
  const auto index = skg::build_identifier_index(graph);
  std::vector<std::pair<std::size_t, std::size_t>> used;
  const std::string text = "Andrei Tikhonov, tax 7743-3409-5919";
  const auto matches = skg::find_identifiers_in_text(graph, index, text, &used);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].identifier.type == IdentifierType::Tax);
  REQUIRE(used.size() == 1);
  CHECK(text.substr(used[0].first, used[0].second - used[0].first) == "7743-3409-5919");
  CHECK(skg::find_identifiers_in_text(graph, index, "Kaspersky Lab 1997").empty());
}

TEST_CASE("identifiers: real vessels, banks and passports of the OFAC and UN lists are indexed") {
  const std::string shared = SKG_SHARED_DATASETS_DIR;
  if (!std::filesystem::exists(shared + "/ofac/sdn_2024-05-03/sdn.csv")) {
    MESSAGE("skipped: ../shared absent");
    return;
  }
  const skg::Graph graph = load_graph({shared + "/ofac/sdn_2024-05-03/sdn.csv",
                                       shared + "/un/consolidated_2026-02.xml"});
  const auto index = skg::build_identifier_index(graph);
  MESSAGE("identifier keys: " << index.key_count() << ", entries " << index.entry_count()
                              << ", " << index.bytes() / 1024 << " KiB");
  CHECK(index.key_count() > 5000);
  // Each type is found from a real record: the first one of that type in the graph, looked up
  // by its number in lower case with dashes.
  for (IdentifierType type : {IdentifierType::Passport, IdentifierType::Imo, IdentifierType::Mmsi,
                              IdentifierType::SwiftBic, IdentifierType::Tax,
                              IdentifierType::Registration, IdentifierType::NationalId}) {
    CAPTURE(skg::to_string(type));
    bool found = false;
    for (std::uint32_t at = 0; at < graph.node_count() && !found; ++at) {
      for (const skg::Attribute& attribute : graph.attributes(skg::NodeId{at})) {
        const auto id = skg::parse_identifier(graph.string(attribute.key), graph.string(attribute.value));
        if (!id || id->type != type) continue;
        std::string typed;
        for (char c : id->number) {
          typed += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
          if (typed.size() % 3 == 0) typed += '-';
        }
        const auto matches = skg::find_identifier(graph, index, typed);
        const bool holds = std::any_of(matches.begin(), matches.end(),
                                       [&](const auto& match) { return match.node == skg::NodeId{at}; });
        CHECK(holds);
        found = true;
        break;
      }
    }
    CHECK(found);
  }
}
