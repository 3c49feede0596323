// bench/same_as_review.cpp: every SAME_AS candidate of a snapshot with the evidence a reviewer
// needs (names, kinds, countries, birth dates, identifiers, files of both parties), as TSV, or a
// seeded sample of them: the input of the hand review in bench/SAME_AS_REVIEW.md.
//   skg_same_as_review all.skg [--sample 60 --seed 7]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <set>
#include <string>
#include <vector>

#include "skg/graph/graph.h"
#include "skg/graph/snapshot.h"

namespace {

std::string facts(const skg::Graph& graph, skg::NodeId node, std::initializer_list<std::string_view> keys) {
  std::set<std::string> values;
  for (const skg::Attribute& attribute : graph.attributes(node))
    for (std::string_view key : keys)
      if (graph.string(attribute.key) == key) values.emplace(graph.string(attribute.value));
  std::string out;
  for (const std::string& value : values) out += (out.empty() ? "" : "|") + value;
  return out;
}

std::string files(const skg::Graph& graph, skg::NodeId node) {
  std::set<std::string> names;
  for (skg::ProvId prov : graph.provenance(node))
    names.insert(std::filesystem::path(std::string(graph.string(graph.provenance_record(prov).source))).filename().string());
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : "|") + name;
  return out;
}

/// The programs (or lists) of the party's listings: the regime a reviewer checks first.
std::string programs(const skg::Graph& graph, skg::NodeId node) {
  std::set<std::string> names;
  for (skg::EdgeId edge : graph.out_edges(node)) {
    if (graph.edge_kind(edge) != skg::EdgeKind::TargetOf) continue;
    if (const skg::Action* action = graph.action(graph.target(edge)))
      names.emplace(graph.string(action->program != skg::kNoString ? action->program : action->list));
  }
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : "|") + name;
  return out;
}

std::string party(const skg::Graph& graph, skg::NodeId node) {
  const auto ids = graph.external_ids(node);
  return fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}", ids.empty() ? "" : graph.string(ids.front()), graph.name(node),
                     skg::to_string(graph.kind(node)),
                     facts(graph, node, {"country", "nationality", "citizenship", "birthCountry"}),
                     facts(graph, node, {"birthPlace", "placeOfBirth"}),
                     facts(graph, node, {"passportNumber", "idNumber", "taxNumber", "nationalId", "passport.number"}),
                     files(graph, node), programs(graph, node));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: skg_same_as_review SNAPSHOT [--sample N --seed S]\n");
    return 1;
  }
  std::size_t sample = 0;
  std::uint64_t seed = 7;
  for (int at = 2; at + 1 < argc; at += 2) {
    if (std::string_view(argv[at]) == "--sample") sample = std::stoul(argv[at + 1]);
    if (std::string_view(argv[at]) == "--seed") seed = std::stoull(argv[at + 1]);
  }
  const skg::Graph graph = skg::open_snapshot(argv[1]);
  std::vector<skg::EdgeId> candidates;
  for (std::uint32_t at = 0; at < graph.edge_count(); ++at)
    if (graph.edge_kind(skg::EdgeId{at}) == skg::EdgeKind::SameAs) candidates.push_back(skg::EdgeId{at});
  std::fprintf(stderr, "%zu SAME_AS candidates\n", candidates.size());
  if (sample != 0 && sample < candidates.size()) {
    // A seeded Fisher-Yates shuffle (splitmix64), then the first N in graph order.
    std::uint64_t state = seed;
    auto next = [&] {
      std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return z ^ (z >> 31);
    };
    for (std::size_t at = candidates.size() - 1; at > 0; --at) std::swap(candidates[at], candidates[next() % (at + 1)]);
    candidates.resize(sample);
    std::sort(candidates.begin(), candidates.end());
  }
  std::printf("n\ta_id\ta_name\ta_kind\ta_country\ta_birthplace\ta_ids\ta_files\ta_programs\tb_id\tb_name\tb_kind\tb_country\tb_"
              "birthplace\tb_ids\tb_files\tb_programs\tevidence\n");
  std::size_t row = 0;
  for (const skg::EdgeId edge : candidates) {
    std::string evidence;
    for (const skg::Attribute& attribute : graph.edge_attributes(edge))
      if (graph.string(attribute.key) == "evidence") evidence = graph.string(attribute.value);
    std::printf("%zu\t%s\t%s\t%s\n", ++row, party(graph, graph.source(edge)).c_str(),
                party(graph, graph.target(edge)).c_str(), evidence.c_str());
  }
  return 0;
}
