// tests/queries/picture_test.cpp: pictures of chains: the DOT text (colours, bold chains, labels,
// the cap), and SVG / PNG files that are valid images of a sensible size.
#include <doctest/doctest.h>

#include <pugixml.hpp>

#include <cstdint>
#include <regex>
#include <string>

#include "skg/graph/builder.h"
#include "skg/graph/error.h"
#include "skg/loaders/load.h"
#include "skg/queries/exposure.h"
#include "skg/queries/picture.h"
#include "skg/queries/reach.h"

using namespace skg;

namespace {

const Graph& kaspersky() {
  static const Graph graph = [] {
    Builder builder;
    load(std::string(SKG_DATASETS_DIR) + "/kaspersky", builder);
    return std::move(builder).freeze();
  }();
  return graph;
}

Date day(std::string_view iso) { return *Date::parse(iso); }

/// The DOT statement of one node: `  n12 [label=..., fillcolor=...];`.
std::string node_line(const std::string& dot, const Graph& graph, NodeId node) {
  const std::string key = "  n" + std::to_string(index(node)) + " [";
  const auto at = dot.find(key);
  if (at == std::string::npos) return {};
  return dot.substr(at, dot.find('\n', at) - at);
}

/// The DOT statement of one edge `  n1 -> n2 [...]`.
std::string edge_line(const std::string& dot, NodeId from, NodeId to) {
  const std::string key = "  n" + std::to_string(index(from)) + " -> n" + std::to_string(index(to)) + " [";
  const auto at = dot.find(key);
  if (at == std::string::npos) return {};
  return dot.substr(at, dot.find('\n', at) - at);
}

/// A listed owner holds 60% of a holding company, which holds 50% of an operating company that
/// a clear party holds the rest of: two links of a deciding chain.
Graph chain_graph() {
  Builder builder;
  Batch batch(builder);
  batch.add_entity({.id = "ofac-sdn:9", .kind = NodeKind::Person, .name = "DERIPASKA, Test", .source = {"t", {}, 1}});
  batch.add_entity({.id = "co:hold", .kind = NodeKind::Company, .name = "Holding AO", .source = {"t", {}, 2}});
  batch.add_entity({.id = "co:op", .kind = NodeKind::Company, .name = "Operating LLC", .source = {"t", {}, 3}});
  batch.add_entity({.id = "co:other", .kind = NodeKind::Company, .name = "Clear Investor", .source = {"t", {}, 4}});
  batch.add_edge({.kind = EdgeKind::Owns, .from = "ofac-sdn:9", .to = "co:hold", .share = Percent::exact(60),
                  .valid = {.start = day("2015-03-01")}, .source = {"t", {}, 5}});
  batch.add_edge({.kind = EdgeKind::Owns, .from = "co:hold", .to = "co:op", .share = Percent::exact(50), .source = {"t", {}, 6}});
  batch.add_edge({.kind = EdgeKind::Owns, .from = "co:other", .to = "co:op", .share = Percent::exact(50), .source = {"t", {}, 7}});
  batch.add_action({.id = "ofac-sdn:9#SDN", .target = "ofac-sdn:9", .authority = "OFAC", .list = "SDN",
                    .listed = day("2018-04-06"), .source = {"t", {}, 1}, .measure_set = Measures{Measure::AssetFreeze},
                    .issuer = Issuer::UsOfac, .list_id = SanctionList::OfacSdn});
  builder.commit(std::move(batch));
  return std::move(builder).freeze();
}

}  // namespace

TEST_CASE("picture: exposure draws the deciding ownership chain bold, parties coloured by verdict") {
  const Graph graph = chain_graph();
  const BlockedSet blocked = blocked_set(graph, {.rule = Rule::Ofac, .as_of = day("2024-01-01")});
  const NodeId op = *graph.find("co:op"), hold = *graph.find("co:hold"), owner = *graph.find("ofac-sdn:9");
  const NodeId other = *graph.find("co:other");
  const Exposure answer = exposure(graph, blocked, op);
  REQUIRE(answer.blocked == Verdict::Yes);
  const Picture picture = picture_of_exposure(graph, answer, {.blocked = &blocked, .as_of = day("2024-01-01"), .title = "t"});
  const std::string& dot = picture.dot;
  // Both links of the chain bold, the clear investor's stake plain.
  CHECK(edge_line(dot, owner, hold).find("penwidth=3") != std::string::npos);
  CHECK(edge_line(dot, hold, op).find("penwidth=3") != std::string::npos);
  CHECK(edge_line(dot, other, op).find("penwidth") == std::string::npos);
  CHECK(picture.bold_edges == 2);
  // Edge labels: kind, share, dates ([start, end) shown from the start).
  CHECK(edge_line(dot, owner, hold).find("label=\"OWNS 60%\\n2015-03-01..\"") != std::string::npos);
  // Colours by status: listed red, blocked orange, clear white; the entity itself doubly framed.
  CHECK(node_line(dot, graph, owner).find("fillcolor=\"#f4a6a6\"") != std::string::npos);
  CHECK(node_line(dot, graph, hold).find("fillcolor=\"#f9c98b\"") != std::string::npos);
  CHECK(node_line(dot, graph, op).find("peripheries=2") != std::string::npos);
  CHECK(node_line(dot, graph, other).find("fillcolor=\"#ffffff\"") != std::string::npos);
  // Labels: name, id, kind and status.
  CHECK(node_line(dot, graph, owner).find("label=\"DERIPASKA, Test\\nofac-sdn:9\\nPerson · listed\"") != std::string::npos);
  CHECK(dot.find("legend_possibly") != std::string::npos);
  CHECK(dot.find("verdicts under the OFAC 50 Percent Rule") != std::string::npos);
}

TEST_CASE("picture: the Kaspersky case: designated executives red, AO Kaspersky Lab listed, control links dashed") {
  const Graph& graph = kaspersky();
  const Date on = day("2024-07-01");
  const BlockedSet blocked = blocked_set(graph, {.rule = Rule::Ofac, .as_of = on});
  const NodeId lab = *graph.find("kaspersky-ao-kaspersky-lab");
  const Exposure answer = exposure(graph, blocked, lab);
  CHECK(answer.blocked == Verdict::No);
  const Picture picture = picture_of_exposure(graph, answer, {.blocked = &blocked, .as_of = on});
  const std::string& dot = picture.dot;
  // AO Kaspersky Lab: on the Entity List and FCC list on the date, so "listed" (red), framed twice.
  CHECK(node_line(dot, graph, lab).find("label=\"AO Kaspersky Lab\\nkaspersky-ao-kaspersky-lab\\nCompany · listed\"") !=
        std::string::npos);
  CHECK(node_line(dot, graph, lab).find("peripheries=2") != std::string::npos);
  // The designated executives' control links: cautions, dashed, never bold (OFAC: ownership only).
  const NodeId coo = *graph.find("ofac-sdn:45815");
  const std::string link = edge_line(dot, coo, lab);
  REQUIRE(!link.empty());
  CHECK(link.find("style=dashed") != std::string::npos);
  CHECK(picture.bold_edges == 0);
  CHECK(node_line(dot, graph, coo).find("Person · listed") != std::string::npos);
  CHECK(node_line(dot, graph, coo).find("#f4a6a6") != std::string::npos);
}

TEST_CASE("picture: owners of Kaspersky Lab, Inc. under BIS: the unknown stake of a listed owner is the deciding chain") {
  const Graph& graph = kaspersky();
  const Date on = day("2025-10-01");  // the BIS Affiliates Rule in force (90 FR 47201)
  const BlockedSet blocked = blocked_set(graph, {.rule = Rule::BisAffiliates, .as_of = on});
  const NodeId inc = *graph.find("kaspersky-kaspersky-lab-inc"), limited = *graph.find("kaspersky-kaspersky-labs-limited");
  const auto steps = owners(graph, inc, {.depth = 3, .as_of = on});
  const Picture picture = picture_of_ownership(graph, inc, steps, {.blocked = &blocked, .as_of = on});
  // Kaspersky Labs Limited is on the Entity List: its stake (share unknown) leads to a listed party.
  CHECK(edge_line(picture.dot, limited, inc).find("penwidth=3") != std::string::npos);
  CHECK(edge_line(picture.dot, limited, inc).find("label=\"OWNS\"") != std::string::npos);  // no share: none shown
  // Inc. itself: on the FCC Covered List (red), and possibly an affiliate (the share is unknown).
  CHECK(blocked.verdict(inc) == Verdict::Possibly);
  CHECK(node_line(picture.dot, graph, inc).find("Company · listed, possibly blocked\"") != std::string::npos);
  CHECK(node_line(picture.dot, graph, inc).find("#f4a6a6") != std::string::npos);
  CHECK(node_line(picture.dot, graph, limited).find("Company · listed\"") != std::string::npos);
}

TEST_CASE("picture: the cap keeps the picture small and says how many parties were left out") {
  const Graph& graph = kaspersky();
  const NodeId lab = *graph.find("kaspersky-ao-kaspersky-lab");
  const auto hits = reach(graph, lab, {.max_hops = 1, .as_of = day("2024-07-01")});
  REQUIRE(hits.size() >= 12);
  const Picture all = picture_of_reach(graph, lab, hits, {.as_of = day("2024-07-01")});
  CHECK(all.left_out == 0);
  CHECK(all.bold_edges == hits.size() - (hits.front().path.hops() == 0 ? 1 : 0));
  const Picture capped = picture_of_reach(graph, lab, hits, {.as_of = day("2024-07-01"), .max_nodes = 5});
  CHECK(capped.nodes == 5);
  CHECK(capped.left_out == all.nodes - 5);
  CHECK(capped.dot.find(std::to_string(capped.left_out) + " more parties not drawn (at most 5 are)") != std::string::npos);
}

TEST_CASE("picture: names with quotes and backslashes stay inside their DOT string") {
  Builder builder;
  Batch batch(builder);
  batch.add_entity({.id = "x:1", .kind = NodeKind::Company, .name = "Evil \"Co\" \\ \n]; digraph {", .source = {"t", {}, 1}});
  builder.commit(std::move(batch));
  const Graph graph = std::move(builder).freeze();
  const Picture picture = picture_of_path(graph, Path{{NodeId{0}}, {}});
  CHECK(picture.dot.find("label=\"Evil \\\"Co\\\" \\\\ \\n]; digraph {\\nx:1") != std::string::npos);
  if (graphviz_available()) CHECK_NOTHROW(render_picture(picture.dot, ImageFormat::Svg));
}

TEST_CASE("picture: SVG and PNG are valid images of the expected size, or say Graphviz is missing") {
  const Graph graph = chain_graph();
  const BlockedSet blocked = blocked_set(graph, {.rule = Rule::Ofac});
  const Exposure answer = exposure(graph, blocked, *graph.find("co:op"));
  const Picture picture = picture_of_exposure(graph, answer, {.blocked = &blocked, .title = "exposure"});
  if (!graphviz_available()) {
    CHECK_THROWS_WITH_AS(render_picture(picture.dot, ImageFormat::Png), doctest::Contains("without Graphviz"), Error);
    return;
  }
  SUBCASE("svg") {
    const std::string svg = render_picture(picture.dot, ImageFormat::Svg);
    pugi::xml_document document;
    REQUIRE(document.load_buffer(svg.data(), svg.size()));
    const pugi::xml_node root = document.child("svg");
    REQUIRE(root);
    // "NNNpt": four parties and a legend, laid out left to right: a few hundred points each way.
    const double width = std::stod(root.attribute("width").value());
    const double height = std::stod(root.attribute("height").value());
    CHECK(width > 200);
    CHECK(width < 3000);
    CHECK(height > 100);
    CHECK(height < 2000);
    CHECK(svg.find("Holding AO") != std::string::npos);
  }
  SUBCASE("png") {
    const std::string png = render_picture(picture.dot, ImageFormat::Png);
    REQUIRE(png.size() > 33);
    CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(png.substr(12, 4) == "IHDR");
    auto be32 = [&](std::size_t at) {
      return (std::uint32_t(std::uint8_t(png[at])) << 24) | (std::uint32_t(std::uint8_t(png[at + 1])) << 16) |
             (std::uint32_t(std::uint8_t(png[at + 2])) << 8) | std::uint32_t(std::uint8_t(png[at + 3]));
    };
    const std::uint32_t width = be32(16), height = be32(20);
    CHECK(width > 200);
    CHECK(width < 4000);
    CHECK(height > 100);
    CHECK(height < 3000);
  }
  SUBCASE("bad DOT is a clear error") {
    CHECK_THROWS_WITH_AS(render_picture("digraph { a -> ", ImageFormat::Svg), doctest::Contains("Graphviz refused"), Error);
  }
}
