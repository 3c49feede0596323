// A program outside the skg tree: through the installed package only, it loads a real list file,
// screens a name and asks an exposure question (skg/skg.h), and builds a graph by hand.
#include <cstdio>
#include <string>

#include "skg/graph/builder.h"
#include "skg/json.h"
#include "skg/skg.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer DATASETS_DIR\n");
    return 2;
  }
  const std::string datasets = argv[1];
  try {
    // A real file: the bundled Kaspersky case (cited in datasets/kaspersky/SOURCES.md).
    const auto db = skg::Database::open({datasets + "/kaspersky"});
    const skg::View view = db.as_of("2024-08-01");
    const auto hits = view.screen("Kasperski Labs", {.limit = 3});
    if (hits.empty()) {
      std::fprintf(stderr, "consumer: screening 'Kasperski Labs' found nothing\n");
      return 1;
    }
    const skg::Exposure answer = view.exposure(hits.front().node, skg::Rule::Ofac);
    const std::string json =
        skg::to_json([&](skg::JsonOut& out) { skg::write_exposure_json(out, view.graph(), answer); });
    if (json.find("\"rule\":\"ofac\"") == std::string::npos) {
      std::fprintf(stderr, "consumer: unexpected exposure JSON %s\n", json.c_str());
      return 1;
    }
    std::printf("consumer: screened '%s' (%.2f); OFAC exposure listed=%d verdict=%s\n",
                std::string(view.graph().name(hits.front().node)).c_str(), hits.front().score,
                answer.listed, std::string(skg::to_string(answer.blocked)).c_str());
  } catch (const skg::Error& error) {
    std::fprintf(stderr, "consumer: %s\n", error.what());
    return 1;
  }

  skg::Builder builder;
  builder.add_entity({.id = "ofac-sdn:1", .kind = skg::NodeKind::Person, .name = "DOE, John"});
  builder.add_entity({.id = "co:1", .kind = skg::NodeKind::Company, .name = "Acme Ltd"});
  builder.add_edge({.kind = skg::EdgeKind::Owns, .from = "ofac-sdn:1", .to = "co:1",
                    .share = skg::Percent::exact(60)});
  const skg::Graph graph = std::move(builder).freeze();
  if (graph.node_count() != 2 || graph.edge_count() != 1 || !graph.find("co:1")) {
    std::fprintf(stderr, "consumer: expected 2 nodes and 1 edge, got %zu and %zu\n",
                 graph.node_count(), graph.edge_count());
    return 1;
  }
  std::printf("consumer: 2 nodes, 1 edge, share %s\n", graph.share(skg::EdgeId{0}).to_string().c_str());
  return 0;
}
