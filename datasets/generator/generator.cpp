#include "generator.h"
#include "split_mix.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace skg::inline v1 {

namespace {

/// The generator's draws: SplitMix64 with the multiply-shift bound it has always used, so a seed
/// still gives the same graph.
class Random {
 public:
  explicit Random(std::uint64_t seed) : mix_(seed) {}
  std::uint64_t next() { return mix_.next(); }
  std::uint32_t below(std::uint32_t bound) { return mix_.scaled_below(bound); }
  double unit() { return mix_.unit(); }

 private:
  SplitMix64 mix_;
};

constexpr std::array<std::string_view, 24> kSyllables = {
    "al", "ber", "cor", "dan", "el", "fer", "gor", "han", "iv", "kor", "lan", "mir",
    "nov", "or", "pet", "rus", "sar", "tek", "ul", "vol", "zan", "ko", "sta", "gra"};
constexpr std::array<std::string_view, 8> kForms = {"LLC", "Ltd", "OOO", "AO", "GmbH", "Inc", "SA", "PLC"};
constexpr std::array<std::string_view, 6> kPrograms = {"RUSSIA-EO14024", "SDGT", "IRAN", "CYBER2", "UKRAINE-EO13662", "DPRK3"};

std::string word(Random& random, int syllables) {
  std::string out;
  for (int at = 0; at < syllables; ++at) out += kSyllables[random.below(kSyllables.size())];
  out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

}  // namespace

void generate(Builder& builder, const GeneratorOptions& options) {
  Random random(options.seed);
  const std::uint32_t count = options.entities;
  // Parties 0 .. persons-1 are persons, the rest companies; ownership goes from any party to a
  // company, mostly to companies created after the owner (a layered, mostly acyclic structure).
  const std::uint32_t persons = count * 3 / 10;
  const std::string file = fmt::format("generator(seed={})", options.seed);
  std::string id, name, owner, role;
  // Sizes known up front: the builder's columns are allocated once, without regrowth slack.
  const auto expected_edges = static_cast<std::size_t>(options.edges_per_entity * count);
  const auto expected_actions = static_cast<std::size_t>(options.listed_fraction * count * 1.1) + 16;
  builder.reserve_records(count + 2 * expected_actions, expected_edges + 2 * expected_actions);
  builder.reserve(2 * std::size_t{count} + expected_actions, 28 * std::size_t{count});
  std::optional<Batch> batch(std::in_place, builder);
  auto flush = [&](bool force) {
    if (force || batch->entity_count() + batch->edge_count() >= options.batch_size) {
      builder.commit(std::move(*batch));
      batch.reset();  // a builder has one open batch at a time
      batch.emplace(builder);
      batch->continue_read();  // the same read of one file, not a reload (Batch::continue_read)
    }
  };
  for (std::uint32_t party = 0; party < count; ++party) {
    id = fmt::format("gen:{}", party);
    if (party < persons) {
      name = fmt::format("{} {}", word(random, 2), word(random, 3));
      batch->add_entity({.id = id, .kind = NodeKind::Person, .name = name, .source = {file, {}, party + 1}});
    } else {
      name = fmt::format("{} {}", word(random, 3), kForms[random.below(kForms.size())]);
      batch->add_entity({.id = id, .kind = NodeKind::Company, .name = name, .source = {file, {}, party + 1}});
    }
    if (random.unit() < options.listed_fraction) {
      const auto program = kPrograms[random.below(kPrograms.size())];
      const auto listed = Date{16000 + static_cast<std::int32_t>(random.below(4000))};
      batch->add_action({.id = fmt::format("gen-sdn:{}", party), .target = id, .authority = "OFAC",
                        .list = "SDN", .program = program, .listed = listed,
                        .in_force = {.start = listed}, .source = {file, {}, party + 1},
                        .measure_set = {Measure::AssetFreeze}, .issuer = Issuer::UsOfac,
                        .list_id = SanctionList::OfacSdn});
    }
    flush(false);
  }
  flush(true);

  // Edges: each company gets owners until its shares run out or its quota of edges is used.
  // One owner, one holding: an owner drawn twice for one company adds the second stake to its
  // first, so each holding is stated once (the exposure rules read an owner's records of one
  // stake as one holding, RULES.md §5.4; two edges would be read as two records of one stake).
  // The draws are the same as before; only the repeated edge is folded into the first.
  struct Stake {
    std::uint32_t from;
    bool director;
    Percent share;
    std::uint32_t record;
  };
  std::vector<Stake> stakes;
  const auto companies = count - persons;
  const auto total_edges = static_cast<std::uint64_t>(options.edges_per_entity * count);
  std::uint64_t made = 0;
  for (std::uint32_t asset = persons; asset < count && companies > 0; ++asset) {
    const std::uint64_t want = total_edges * (asset - persons + 1) / companies;
    double left = 100.0;
    stakes.clear();
    while (made < want) {
      const bool person_owner = random.unit() < 0.35 || asset == 0;
      const std::uint32_t from = person_owner ? random.below(std::max(persons, 1u))
                                              : persons + random.below(std::max(asset - persons, 1u));
      const auto record = static_cast<std::uint32_t>(made + 1);
      const double roll = random.unit();
      ++made;
      if (roll < 0.1) {  // a director, not an owner: control without shares
        stakes.push_back({from, true, Percent::unknown(), record});
        continue;
      }
      Percent share = Percent::unknown();
      if (roll > 0.15 && left > 0) {
        const double stake = std::min(left, 1.0 + std::floor(random.unit() * 60.0));
        left -= stake;
        share = Percent::exact(static_cast<float>(stake));
      }
      auto same = std::find_if(stakes.begin(), stakes.end(),
                               [&](const Stake& s) { return s.from == from && !s.director; });
      if (same == stakes.end()) {
        stakes.push_back({from, false, share, record});
      } else if (same->share.known() && share.known()) {
        same->share = Percent::exact_units(same->share.low().units + share.low().units);
      } else if (same->share.known() || share.known()) {  // a known stake and one of unknown size
        const Percent known = same->share.known() ? same->share : share;
        same->share = Percent::between(known.low(), {Percent::kHundred, false});
      }
    }
    id = fmt::format("gen:{}", asset);
    for (const Stake& stake : stakes) {
      owner = fmt::format("gen:{}", stake.from);
      if (stake.director)
        batch->add_edge({.kind = EdgeKind::DirectorOf, .from = owner, .to = id, .role = "director",
                         .source = {file, {}, stake.record}});
      else
        batch->add_edge({.kind = EdgeKind::Owns, .from = owner, .to = id, .share = stake.share,
                         .source = {file, {}, stake.record}});
    }
    flush(false);
  }
  builder.commit(std::move(*batch));
  batch.reset();
}

Graph generate(const GeneratorOptions& options) {
  Builder builder;
  generate(builder, options);
  return std::move(builder).freeze();
}

}  // namespace skg
