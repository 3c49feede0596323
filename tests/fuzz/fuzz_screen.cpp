// tests/fuzz/fuzz_screen.cpp: name folding and screening: screen_tokens() (ICU folding and
// transliteration), normalise_name() (the exact-name index) and screen() against the bundled
// Kaspersky graph; every hit must name a node of the graph with a score in [0, 1].
#include <cstdio>
#include <cstdlib>

#include "fuzz_common.h"
#include "skg/queries/screen.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const skg::Graph graph = [] {
    skg::Builder builder;
    skg::load(skg::fuzz::datasets("kaspersky"), builder);
    return std::move(builder).freeze();
  }();
  static const skg::ScreenIndex index = skg::build_screen_index(graph);
  const std::string_view name(reinterpret_cast<const char*>(data), size);
  (void)skg::screen_tokens(name);
  (void)graph.find_by_name(name);
  for (const auto& hit : skg::screen(graph, index, name, {.min_score = 0.3})) {
    if (skg::index(hit.node) >= graph.node_count() || hit.score < 0 || hit.score > 1) {
      std::fprintf(stderr, "fuzz_screen: hit outside the graph or score %f\n", hit.score);
      std::abort();
    }
  }
  const std::size_t half = size / 2;
  (void)skg::detail::bounded_edits(name.substr(0, half), name.substr(half), 3);
  return 0;
}
