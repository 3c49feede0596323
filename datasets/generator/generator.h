// datasets/generator/generator.h: seeded synthetic ownership graphs for tests and benchmarks.
#pragma once
#include <cstdint>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"

namespace skg::inline v1 {

struct GeneratorOptions {
  std::uint32_t entities = 1000;   // parties (companies and persons)
  double edges_per_entity = 3.0;   // ownership and control edges per party, on average
  double listed_fraction = 0.02;   // parties with an OFAC SDN listing
  std::uint64_t seed = 7;
  std::uint32_t batch_size = 100000;  // records per committed batch
};

/// Adds a synthetic graph to `builder`: companies owned by persons and by other companies
/// (shares that sum to at most 100 per asset, some unknown), directors, and SDN listings.
/// The same options give the same graph on every machine.
void generate(Builder& builder, const GeneratorOptions& options);

/// The same, frozen: `auto graph = skg::generate({.entities = 1'000'000, .seed = 7});`
Graph generate(const GeneratorOptions& options);

}  // namespace skg
