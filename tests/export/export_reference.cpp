// tests/export/export_reference.cpp: writes an skg export and skg's own OFAC blocked set beside
// it, for the scale-out checks (the Dask job and DuckDB recompute the set from the export alone).
//   export_reference --data PATH [--data PATH...] --out OUT [--partitions 3] [--as-of 2024-07-01]
//   export_reference --generate 20000 --seed 11 --out OUT [--partitions 3] [--as-of 2019-06-01]
// OUT/export/ holds the CSV layout; OUT/skg_blocked_yes.txt the ids skg finds blocked for sure
// (designated, or Verdict::Yes), OUT/skg_blocked_possibly.txt those only possibly blocked.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "generator.h"
#include "skg/graph/builder.h"
#include "skg/loaders/load.h"
#include "skg/queries/exposure.h"
#include "skg/queries/export.h"

using namespace skg;

namespace {

Date day(int year, int month, int date) { return *Date::from_ymd(year, month, date); }

/// What the generated graph lacks and the rule must get right, added to it from a seed: stakes
/// with dates (ended, starting later), ranges, several records of one stake (agreeing and not),
/// nominees, ended and undated-beside-dated listings. Each structure uses parties of its own
/// ("px:K...") over assets of the generated graph (companies: the top 70% of its ids).
void add_awkward_cases(Builder& builder, std::uint32_t entities, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  auto pick_company = [&] {
    return fmt::format("gen:{}", entities - 1 - static_cast<std::uint32_t>(random() % (entities * 6 / 10)));
  };
  const std::string file = "awkward-cases";
  const std::uint32_t count = std::max<std::uint32_t>(40, entities / 250);
  for (std::uint32_t k = 0; k < count; ++k) {
    Batch batch(builder);
    const std::string owner = fmt::format("px:{}", k), second = fmt::format("px:{}b", k);
    const std::string asset = fmt::format("px:{}c", k), target = pick_company();
    batch.add_entity({.id = owner, .kind = NodeKind::Person, .name = fmt::format("Awkward Owner {}", k), .source = {file, {}, k + 1}});
    batch.add_entity({.id = second, .kind = NodeKind::Company, .name = fmt::format("Awkward Holder {}", k), .source = {file, {}, k + 1}});
    batch.add_entity({.id = asset, .kind = NodeKind::Company, .name = fmt::format("Awkward Asset {}", k), .source = {file, {}, k + 1}});
    const Date listed = day(2010 + static_cast<int>(k % 12), 1 + static_cast<int>(k % 12), 1 + static_cast<int>(k % 28));
    auto sdn = [&](std::string_view id, std::string_view who, DateRange in_force, std::optional<Date> date) {
      batch.add_action({.id = id, .target = who, .authority = "OFAC", .list = "SDN", .program = "RUSSIA-EO14024",
                        .listed = date, .in_force = in_force, .source = {file, {}, k + 1},
                        .measure_set = Measures{Measure::AssetFreeze}, .issuer = Issuer::UsOfac,
                        .list_id = SanctionList::OfacSdn});
    };
    const std::string action_id = fmt::format("px-sdn:{}", k);
    switch (k % 8) {
      case 0:  // listed, with an undated record of the same designation beside the dated one
        sdn(action_id, owner, {.start = listed}, listed);
        sdn(action_id + "u", owner, {}, std::nullopt);
        break;
      case 1:  // listed, then delisted in 2019: blocks before, not after
        sdn(action_id, owner, {.start = listed, .end = day(2019, 3, 1)}, listed);
        break;
      case 2:  // an undated listing alone: in force on every date
        sdn(action_id, owner, {}, std::nullopt);
        break;
      default:
        sdn(action_id, owner, {.start = listed}, listed);
        break;
    }
    const auto share = [](double percent) { return Percent::exact(percent); };
    switch (k % 6) {
      case 0:  // a stake that ended in 2020, and one from 2030
        batch.add_edge({.kind = EdgeKind::Owns, .from = owner, .to = asset, .share = share(60),
                        .valid = {.start = day(2015, 1, 1), .end = day(2020, 1, 1)}, .source = {file, {}, k + 1}});
        batch.add_edge({.kind = EdgeKind::Owns, .from = owner, .to = second, .share = share(75),
                        .valid = {.start = day(2030, 1, 1)}, .source = {file, {}, k + 1}});
        break;
      case 1:  // a range: 40-60% is not "50% or more" for sure; 50-70% is
        batch.add_edge({.kind = EdgeKind::Owns, .from = owner, .to = asset, .share = Percent::range(40, 60), .source = {file, {}, k + 1}});
        batch.add_edge({.kind = EdgeKind::Owns, .from = owner, .to = second, .share = Percent::range(50, 70), .source = {file, {}, k + 1}});
        break;
      case 2:  // two records of one stake that agree (the tighter one counts) and two that do not
        batch.add_edge({.kind = EdgeKind::Owns, .from = owner, .to = asset, .share = Percent::range(30, 70), .source = {file, {}, k + 1}});
        batch.add_edge({.kind = EdgeKind::Owns, .from = owner, .to = asset, .share = share(55), .source = {file, {}, k + 2}});
        batch.add_edge({.kind = EdgeKind::Owns, .from = owner, .to = second, .share = share(60), .source = {file, {}, k + 1}});
        batch.add_edge({.kind = EdgeKind::Owns, .from = owner, .to = second, .share = share(20), .source = {file, {}, k + 2}});
        break;
      case 3:  // a nominee holds for the listed owner: its stake is the owner's
        batch.add_edge({.kind = EdgeKind::Controls, .from = second, .to = owner, .interest = Interest::NomineeFor, .source = {file, {}, k + 1}});
        batch.add_edge({.kind = EdgeKind::Owns, .from = second, .to = asset, .share = share(51), .source = {file, {}, k + 1}});
        break;
      case 4:  // 25% + 25% from two blocked holders: exactly 50%, blocked (inclusive)
        batch.add_edge({.kind = EdgeKind::Owns, .from = owner, .to = second, .share = share(100), .source = {file, {}, k + 1}});
        batch.add_edge({.kind = EdgeKind::Owns, .from = owner, .to = asset, .share = share(25), .source = {file, {}, k + 1}});
        batch.add_edge({.kind = EdgeKind::Owns, .from = second, .to = asset, .share = share(25), .source = {file, {}, k + 1}});
        break;
      case 5:  // 49.999999%: not 50%; a nominator's interest counts as its own stake
        batch.add_edge({.kind = EdgeKind::Owns, .from = owner, .to = asset, .share = *Percent::parse("49.999999"), .source = {file, {}, k + 1}});
        batch.add_edge({.kind = EdgeKind::Controls, .from = owner, .to = second, .share = share(50), .interest = Interest::Nominator, .source = {file, {}, k + 1}});
        break;
    }
    // The awkward asset owns a generated company, so its verdict travels into the big graph.
    batch.add_edge({.kind = EdgeKind::Owns, .from = asset, .to = target, .share = share(50 + static_cast<double>(k % 3)), .source = {file, {}, k + 1}});
    builder.commit(std::move(batch));
  }
}

[[noreturn]] void usage() {
  std::fputs("usage: export_reference (--data PATH... | --generate N [--seed S]) --out OUT "
             "[--partitions P] [--as-of YYYY-MM-DD]\n", stderr);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> data;
  std::string out;
  std::uint32_t entities = 0;
  std::uint64_t seed = 7;
  unsigned partitions = 3;
  std::optional<Date> as_of;
  for (int at = 1; at < argc; ++at) {
    const std::string_view arg = argv[at];
    if (at + 1 >= argc) usage();
    const std::string value = argv[++at];
    if (arg == "--data") data.push_back(value);
    else if (arg == "--generate") entities = static_cast<std::uint32_t>(std::stoul(value));
    else if (arg == "--seed") seed = std::stoull(value);
    else if (arg == "--out") out = value;
    else if (arg == "--partitions") partitions = static_cast<unsigned>(std::stoul(value));
    else if (arg == "--as-of") {
      as_of = Date::parse(value);
      if (!as_of) usage();
    } else usage();
  }
  if (out.empty() || (data.empty() == (entities == 0))) usage();
  try {
    Builder builder;
    if (!data.empty()) {
      for (const std::string& path : data) load(path, builder);
    } else {
      generate(builder, {.entities = entities, .seed = seed});
      add_awkward_cases(builder, entities, seed);
    }
    const Graph graph = std::move(builder).freeze();
    const ExportReport report = export_graph(graph, out + "/export", {.format = ExportFormat::Csv, .partitions = partitions});
    const BlockedSet blocked = blocked_set(graph, {.rule = Rule::Ofac, .as_of = as_of});
    std::ofstream yes(out + "/skg_blocked_yes.txt"), possibly(out + "/skg_blocked_possibly.txt");
    std::size_t yes_count = 0, possibly_count = 0, listed_count = 0;
    for (std::uint32_t at = 0; at < graph.node_count(); ++at) {
      const NodeId node{at};
      const Verdict verdict = blocked.verdict(node);
      if (verdict == Verdict::Yes) yes << export_id(graph, node) << '\n', ++yes_count;
      if (blocked.listed(node)) ++listed_count;
      if (verdict == Verdict::Possibly) possibly << export_id(graph, node) << '\n', ++possibly_count;
    }
    std::printf("export_reference: %zu nodes, %zu edges, %llu bytes in %zu files; skg OFAC as of %s: "
                "%zu blocked for sure (%zu listed), %zu possibly\n",
                report.nodes, report.edges, static_cast<unsigned long long>(report.bytes), report.files.size(),
                as_of ? as_of->to_string().c_str() : "the latest data", yes_count,
                listed_count, possibly_count);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "export_reference: %s\n", error.what());
    return 1;
  }
}
