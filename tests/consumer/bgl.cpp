// The skg::bgl component: graph/bgl.h with Boost found through the package.
#include <cstdio>

#include "skg/graph/bgl.h"
#include "skg/graph/builder.h"

int main() {
  skg::Builder builder;
  builder.add_entity({.id = "a", .kind = skg::NodeKind::Company, .name = "A"});
  builder.add_entity({.id = "b", .kind = skg::NodeKind::Company, .name = "B"});
  builder.add_edge({.kind = skg::EdgeKind::Owns, .from = "a", .to = "b"});
  const skg::Graph graph = std::move(builder).freeze();
  const auto n = num_vertices(graph);
  std::printf("consumer_bgl: %zu vertices\n", static_cast<std::size_t>(n));
  return n == 2 ? 0 : 1;
}
