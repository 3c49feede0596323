// A program outside the skg tree: builds a graph through the installed headers and library.
#include <cstdio>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"

int main() {
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
