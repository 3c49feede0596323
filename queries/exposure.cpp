#include "skg/queries/exposure.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <unordered_map>

namespace skg {

namespace {

constexpr Date ymd(int year, unsigned month, unsigned day) {
  return Date{static_cast<std::int32_t>(
      std::chrono::sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}}
          .time_since_epoch()
          .count())};
}
constexpr DateRange until(Date end) { return {.start = std::nullopt, .end = end}; }
constexpr DateRange from_to(Date start, Date end) { return {.start = start, .end = end}; }
constexpr DateRange since(Date start) { return {.start = start, .end = std::nullopt}; }

// ---------------------------------------------------------------------------------------------
// The rules, period by period. Every number and date below is from queries/RULES.md, which
// quotes the published texts; the section is named in each basis.

// OFAC: RULES.md §1 and §5.1.
constexpr RulePeriod kOfacPeriods[] = {
    {.valid = until(ymd(2008, 2, 14)), .in_force = false, .threshold_bp = 5000, .inclusive = true,
     .aggregate = false,
     .basis = "before the OFAC guidance of 2008-02-14 'establishing the so-called 50 Percent Rule' "
              "(Lexology on the 2014 revision, RULES.md §1.1)"},
    {.valid = from_to(ymd(2008, 2, 14), ymd(2014, 8, 13)), .in_force = true, .threshold_bp = 5000,
     .inclusive = true, .aggregate = false,
     .basis = "OFAC guidance of 2008-02-14: 50% or more, stakes of different blocked persons not "
              "aggregated (Cleary Gottlieb 2014-08-14, RULES.md §1.1, §5.1)"},
    {.valid = since(ymd(2014, 8, 13)), .in_force = true, .threshold_bp = 5000, .inclusive = true,
     .aggregate = true,
     .basis = "OFAC Revised Guidance of 2014-08-13 and FAQs 398, 399, 401: owned 50 percent or "
              "more in the aggregate, directly or indirectly, by blocked persons (RULES.md §1)"},
};

// EU: RULES.md §2 and §5.2.
constexpr RulePeriod kEuPeriods[] = {
    {.valid = until(ymd(2022, 4, 8)), .in_force = true, .threshold_bp = 5000, .inclusive = false,
     .aggregate = false,
     .basis = "EU Best Practices para 62: 'more than 50%' of the proprietary rights; aggregation of "
              "different listed persons only stated from the Commission FAQ of 2022-04-08 (skg "
              "reads earlier dates as not aggregated: RULES.md §2.2-2.3, an assumption)"},
    {.valid = from_to(ymd(2022, 4, 8), ymd(2024, 7, 3)), .in_force = true, .threshold_bp = 5000,
     .inclusive = false, .aggregate = true,
     .basis = "EU Best Practices para 62 'more than 50%'; Commission FAQ on Reg. 269/2014 of "
              "2022-04-08, Q8: aggregated ownership of listed persons (RULES.md §2.2-2.3, §5.2)"},
    {.valid = since(ymd(2024, 7, 3)), .in_force = true, .threshold_bp = 5000, .inclusive = true,
     .aggregate = true,
     .basis = "EU Best Practices update published 2024-07-03: '50% or more' of the proprietary "
              "rights, summed across all designated persons (Reg. 2024/1745 recital 28; RULES.md "
              "§2.2-2.3, §5.2)"},
};

// UK: RULES.md §3 and §5.3.
constexpr RulePeriod kUkPeriods[] = {
    {.valid = until(ymd(2021, 1, 1)), .in_force = true, .threshold_bp = 5000, .inclusive = false,
     .aggregate = false,
     .basis = "before 2021-01-01 skg applies the EU test, whose numbers then were the same: more "
              "than 50%, not aggregated (UK_PRE2021_ASSUMED, no source; RULES.md §5.3)"},
    {.valid = since(ymd(2021, 1, 1)), .in_force = true, .threshold_bp = 5000, .inclusive = false,
     .aggregate = false,
     .basis = "SAMLA regulations reg. 7(2): more than 50% of the shares or voting rights, or the "
              "right to appoint or remove a majority of the board; OFSI guidance para 4.14: "
              "holdings of different designated persons not aggregated unless held jointly or "
              "under an arrangement (RULES.md §3, §5.3)"},
};

// BIS Affiliates Rule: RULES.md §4 and §5.4.
constexpr RulePeriod kBisPeriods[] = {
    {.valid = until(ymd(2025, 9, 29)), .in_force = false, .threshold_bp = 5000, .inclusive = true,
     .aggregate = true,
     .basis = "before the BIS Affiliates Rule took effect on 2025-09-29 (90 FR 47201, FR Doc. "
              "2025-19001; RULES.md §4.1)"},
    {.valid = from_to(ymd(2025, 9, 29), ymd(2025, 11, 10)), .in_force = true, .threshold_bp = 5000,
     .inclusive = true, .aggregate = true,
     .basis = "BIS Affiliates Rule, 90 FR 47201 (effective 2025-09-29): 'at least 50 percent "
              "owned by one or more entities on the Entity List', individually or in the "
              "aggregate (RULES.md §4.1, §5.4)"},
    {.valid = from_to(ymd(2025, 11, 10), ymd(2026, 11, 10)), .in_force = false,
     .threshold_bp = 5000, .inclusive = true, .aggregate = true,
     .basis = "BIS Affiliates Rule suspended for one year from 2025-11-10 through 2026-11-09 "
              "('One Year Suspension of Expansion of End-User Controls for Affiliates of Certain "
              "Listed Entities'; FR citation not found; RULES.md §4.2)"},
    {.valid = since(ymd(2026, 11, 10)), .in_force = true, .threshold_bp = 5000, .inclusive = true,
     .aggregate = true,
     .basis = "BIS Affiliates Rule (90 FR 47201) scheduled to be reimposed on 2026-11-10 absent a "
              "future extension of the suspension (RULES.md §4.2)"},
};

const RuleInfo kRules[kRuleCount] = {
    {.rule = Rule::Ofac, .id = "OFAC_50", .name = "OFAC 50 Percent Rule",
     .citation = "OFAC Revised Guidance 2014-08-13; OFAC FAQs 398, 399, 401",
     .control_counts = false, .periods = kOfacPeriods},
    {.rule = Rule::Eu, .id = "EU_OWN_CTRL", .name = "EU ownership and control test",
     .citation = "Council Best Practices for the effective implementation of restrictive measures "
                 "(2024 update); Commission FAQ 2022-04-08",
     .control_counts = true, .periods = kEuPeriods},
    {.rule = Rule::Uk, .id = "UK_REG7", .name = "UK owned or controlled test",
     .citation = "SAMLA regulations reg. 7 and Sch. 1; OFSI financial sanctions guidance para 4.14",
     .control_counts = true, .periods = kUkPeriods},
    {.rule = Rule::BisAffiliates, .id = "BIS_AFFILIATES", .name = "BIS Affiliates Rule",
     .citation = "90 FR 47201 (2025-09-30), 15 CFR 744.11(a)(1); suspended 2025-11-10 for one year",
     .control_counts = false, .periods = kBisPeriods},
};

// ---------------------------------------------------------------------------------------------
// Which actions designate under which rule (RULES.md §5: seeds come only from the relevant list).

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// 15 CFR 744.8(a)(1) as revised by 89 FR 20107 (2024-03-21, FR Doc. 2024-06067): BIS end-user
// controls on SDNs designated under these OFAC programs (RULES.md §8.7). The Affiliates Rule (90
// FR 47201) extends to entities 50% owned by them.
constexpr std::string_view kBis7448Programs[] = {
    "BELARUS",         "BELARUS-EO14038", "UKRAINE-EO13660", "UKRAINE-EO13661", "UKRAINE-EO13662",
    "UKRAINE-EO13685", "RUSSIA-EO14024",  "FTO",             "SDGT",            "NPWMD",
    "TCO",             "ILLICIT-DRUGS-EO14059", "SDNT",      "SDNTK"};

/// True when one of the program tags in `programs` ("RUSSIA-EO14024; SDGT", "[SDGT] [IRGC]")
/// is one that 744.8(a)(1) names.
bool bis_7448_program(std::string_view programs) {
  std::size_t at = 0;
  while (at < programs.size()) {
    while (at < programs.size() && (programs[at] == ' ' || programs[at] == ';' || programs[at] == '[' ||
                                    programs[at] == ']' || programs[at] == ','))
      ++at;
    std::size_t end = at;
    while (end < programs.size() && programs[end] != ';' && programs[end] != ']' && programs[end] != ',' &&
           programs[end] != '[')
      ++end;
    std::string_view tag = programs.substr(at, end - at);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    for (std::string_view known : kBis7448Programs)
      if (tag == known) return true;
    at = end + 1;
  }
  return false;
}

/// The designation test of each rule, on typed measures only (RULES.md §8.7). Unknown measures
/// never designate: they are shown as "measure unknown" instead.
bool designates_measures(const Action& action, Rule rule) {
  const bool freeze = action.measure_set.contains(Measure::AssetFreeze);
  switch (rule) {
    case Rule::Ofac:
      // OFAC 50 Percent Rule: property of persons *blocked* (Revised Guidance 2014): an OFAC
      // blocking; SSI, CMIC, FSE and the other non-SDN lists are not blocking.
      return action.issuer == Issuer::UsOfac && freeze;
    case Rule::Eu:
      // Asset-freeze designations of the EU (Annex I of Reg. 269/2014 and the freeze annexes of
      // other regimes); sectoral annexes of Reg. 833/2014 and travel bans are not (RULES.md §2).
      return action.issuer == Issuer::EuCouncil && freeze;
    case Rule::Uk:
      // SAMLA reg. 7: a person "designated" for asset-freeze purposes; NCSC guidance, export
      // control records and trust-services-only designations are not.
      return action.issuer == Issuer::Uk && freeze;
    case Rule::BisAffiliates:
      // 90 FR 47201: entities on the Entity List or the MEU List (and SDNs under 744.8, below).
      return action.issuer == Issuer::UsBis &&
             (action.list_id == SanctionList::BisEntityList || action.list_id == SanctionList::BisMeu);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Stakes in basis points.

std::int32_t to_bp(float percent) {
  const auto bp = std::lround(static_cast<double>(percent) * 100.0);
  return static_cast<std::int32_t>(std::clamp<long>(bp, 0, 10000));
}

/// The most an unknown stake in `asset` can be: 100% less the known stakes of the others.
std::int32_t unknown_cap(const Graph& graph, NodeId asset, std::optional<Date> as_of) {
  std::int32_t known = 0;
  for (EdgeId edge : graph.in_edges(asset)) {
    if (graph.edge_kind(edge) != EdgeKind::Owns || graph.source(edge) == asset) continue;
    const Percent share = graph.share(edge);
    if (share.known() && holds(graph.edge_valid(edge), as_of)) known += to_bp(*share.min());
  }
  return std::max(0, 10000 - known);
}

struct Stake {
  std::int32_t min = 0, max = 0;
  bool unknown = false;
};
Stake stake(const Graph& graph, EdgeId edge, std::optional<Date> as_of) {
  const Percent share = graph.share(edge);
  if (!share.known()) return {0, unknown_cap(graph, graph.target(edge), as_of), true};
  return {to_bp(*share.min()), to_bp(*share.max()), false};
}

bool meets(const RulePeriod& period, std::int64_t bp) {
  return period.inclusive ? bp >= period.threshold_bp : bp > period.threshold_bp;
}

std::string pct(std::int64_t bp) {
  if (bp % 100 == 0) return fmt::format("{}%", bp / 100);
  return fmt::format("{:.2f}%", static_cast<double>(bp) / 100.0);
}

std::string dates(const DateRange& valid) {
  if (valid.is_open()) return {};
  if (!valid.end) return fmt::format(" (from {})", valid.start->to_string());
  if (!valid.start) return fmt::format(" (until {})", valid.end->to_string());
  return fmt::format(" ({} to {})", valid.start->to_string(), valid.end->to_string());
}

template <class Table>
NodeId find_root(const Table& parent, NodeId node) {
  for (std::uint32_t up = parent.get(node, index(kNoNode)); up != index(kNoNode);
       up = parent.get(node, index(kNoNode)))
    node = NodeId{up};
  return node;
}

/// Adds `bp` to the lower (low 16 bits) or upper (high 16 bits) sum, saturating; the new sum.
template <class Table>
std::int32_t add_sum(Table& sums, NodeId node, bool upper, std::int32_t bp) {
  std::uint32_t& packed = sums.at(node);
  const std::uint32_t old = upper ? packed >> 16 : packed & 0xFFFF;
  const std::uint32_t now = std::min<std::uint32_t>(0xFFFF, old + static_cast<std::uint32_t>(bp));
  packed = upper ? (packed & 0xFFFF) | (now << 16) : (packed & 0xFFFF0000u) | now;
  return static_cast<std::int32_t>(now);
}
template <class Table>
void set_sum(Table& sums, NodeId node, bool upper, std::int64_t bp) {
  std::uint32_t& packed = sums.at(node);
  const auto now = static_cast<std::uint32_t>(std::clamp<std::int64_t>(bp, 0, 0xFFFF));
  packed = upper ? (packed & 0xFFFF) | (now << 16) : (packed & 0xFFFF0000u) | now;
}

}  // namespace

// -----------------------------------------------------------------------------------------------

const RulePeriod& RuleInfo::period_at(std::optional<Date> as_of) const noexcept {
  if (!as_of) return periods.back();
  for (const RulePeriod& period : periods)
    if (period.valid.contains(*as_of)) return period;
  return periods.back();
}

const RuleInfo& rule_info(Rule rule) noexcept { return kRules[static_cast<int>(rule)]; }

std::optional<Rule> parse_rule(std::string_view text) noexcept {
  std::string word;
  for (char c : text) word += lower(c);
  if (word == "ofac") return Rule::Ofac;
  if (word == "eu") return Rule::Eu;
  if (word == "uk") return Rule::Uk;
  if (word == "bis" || word == "bis-affiliates" || word == "bis_affiliates") return Rule::BisAffiliates;
  return std::nullopt;
}

std::string_view to_string(Rule rule) noexcept {
  constexpr std::string_view kNames[] = {"ofac", "eu", "uk", "bis"};
  return kNames[static_cast<int>(rule)];
}

std::string_view to_string(Verdict verdict) noexcept {
  constexpr std::string_view kNames[] = {"no", "possibly", "yes"};
  return kNames[static_cast<int>(verdict)];
}

std::string_view to_string(ReasonKind kind) noexcept {
  constexpr std::string_view kNames[] = {
      "listed",          "owned",       "controlled",   "unknown_share",  "possibly_blocked_owner",
      "rule_not_in_force", "near_miss", "control_link", "not_aggregated", "listing_not_in_force",
      "stake_not_in_force", "assumption", "not_blocked", "other_measure"};
  return kNames[static_cast<int>(kind)];
}

bool designates(const Graph& graph, const Action& action, Rule rule) {
  if (designates_measures(action, rule)) return true;
  // BIS: the SDNs 15 CFR 744.8(a)(1) covers count as listed parties (90 FR 47201).
  return rule == Rule::BisAffiliates && designates_measures(action, Rule::Ofac) &&
         action.list_id == SanctionList::OfacSdn && bis_7448_program(graph.string(action.program));
}

bool designates(const Graph& graph, NodeId action_node, Rule rule) {
  const Action* action = graph.action(action_node);
  if (action == nullptr) return false;
  if (designates(graph, *action, rule)) return true;
  if (rule != Rule::BisAffiliates || action->list_id != SanctionList::OfacSdn ||
      !designates_measures(*action, Rule::Ofac))
    return false;
  for (std::string_view program : graph.attribute(action_node, "program"))
    if (bis_7448_program(program)) return true;
  return false;
}


std::uint32_t& BlockedSet::NodeTable::at(NodeId node, std::uint32_t absent) {
  if ((size_ + 1) * 2 > keys_.size()) grow();
  const std::size_t mask = keys_.size() - 1;
  std::size_t at = mix(index(node)) & mask;
  while (keys_[at] != kEmptyKey && keys_[at] != index(node)) at = (at + 1) & mask;
  if (keys_[at] == kEmptyKey) {
    keys_[at] = index(node);
    values_[at] = absent;
    ++size_;
  }
  return values_[at];
}

void BlockedSet::NodeTable::grow() {
  const std::size_t slots = keys_.empty() ? 1024 : keys_.size() * 2;
  std::vector<std::uint32_t> keys(slots, kEmptyKey), values(slots);
  const std::size_t mask = slots - 1;
  for (std::size_t old = 0; old < keys_.size(); ++old) {
    if (keys_[old] == kEmptyKey) continue;
    std::size_t at = mix(keys_[old]) & mask;
    while (keys[at] != kEmptyKey) at = (at + 1) & mask;
    keys[at] = keys_[old];
    values[at] = values_[old];
  }
  keys_ = std::move(keys);
  values_ = std::move(values);
}

NodeId BlockedSet::group(NodeId node) const noexcept {
  if (period_->aggregate) return kNoNode;
  const auto state = state_[index(node)];
  if ((state & (kYes | kMaybe)) == 0) return kNoNode;
  return find_root((state & kYes) ? group_lo_ : group_hi_, node);
}

std::size_t BlockedSet::count(Verdict verdict) const noexcept {
  std::size_t total = 0;
  for (std::uint32_t at = 0; at < state_.size(); ++at)
    if (this->verdict(NodeId{at}) == verdict) ++total;
  return total;
}

std::vector<NodeId> BlockedSet::nodes(Verdict verdict) const {
  std::vector<NodeId> out;
  for (std::uint32_t at = 0; at < state_.size(); ++at)
    if (this->verdict(NodeId{at}) == verdict) out.push_back(NodeId{at});
  return out;
}

// -----------------------------------------------------------------------------------------------
// The fixpoint.

struct BlockedSetBuilder {
  const Graph& graph;
  BlockedSet& set;
  const RuleInfo& info;
  const RulePeriod& period;
  std::optional<Date> as_of;

  // The aggregating fixpoint (OFAC since 2014, EU since 2022, BIS), both bounds in one walk: a
  // frontier holds the nodes that just became blocked (yes: known stakes of surely blocked
  // owners reach the threshold) or possibly blocked (unknown stakes at their most, possibly
  // blocked owners); each adds its stakes to its assets once per bound, and an asset that crosses
  // the threshold joins the next frontier. Sums of integers do not depend on order, so neither
  // does the result (OFAC FAQ 401: a blocked entity's stake counts in full; an unblocked holder
  // passes nothing on).
  void aggregating(const std::vector<NodeId>& seeds) {
    constexpr std::uint8_t kYes = BlockedSet::kYes, kMaybe = BlockedSet::kMaybe;
    std::vector<std::pair<NodeId, std::uint8_t>> frontier, next;
    for (NodeId seed : seeds) frontier.emplace_back(seed, kYes | kMaybe);
    while (!frontier.empty()) {
      for (const auto [node, fresh] : frontier) {
        for (EdgeId edge : graph.out_edges(node)) {
          const EdgeKind kind = graph.edge_kind(edge);
          if (kind != EdgeKind::Owns && kind != EdgeKind::Controls) continue;
          const NodeId asset = graph.target(edge);
          if (asset == node || !holds(graph.edge_valid(edge), as_of)) continue;
          auto& state = set.state_[index(asset)];
          std::uint8_t gained = 0;
          if (kind == EdgeKind::Owns) {
            const Percent share = graph.share(edge);
            if ((fresh & kYes) != 0 && share.known()) {
              const std::int32_t total = add_sum(set.sums_, asset, false, to_bp(*share.min()));
              if ((state & kYes) == 0 && meets(period, total)) gained |= kYes;
            }
            if ((fresh & kMaybe) != 0) {
              const std::int32_t bp =
                  share.known() ? to_bp(*share.max()) : unknown_cap(graph, asset, as_of);
              const std::int32_t total = add_sum(set.sums_, asset, true, bp);
              if ((state & kMaybe) == 0 && meets(period, total)) gained |= kMaybe;
            }
          } else if (info.control_counts) {
            // EU / UK: owned *or controlled* (RULES.md §5.2, §5.3).
            gained = fresh & static_cast<std::uint8_t>(~state) & (kYes | kMaybe);
            if (gained != 0) state |= BlockedSet::kByControl;
          }
          if ((gained & kYes) != 0 && (state & kMaybe) == 0) gained |= kMaybe;  // yes is maybe
          if (gained == 0) continue;
          state |= gained;
          next.emplace_back(asset, gained);
        }
      }
      frontier.swap(next);
      next.clear();
    }
  }

  // One non-aggregating pass (UK; OFAC before 2014; EU before 2022): each blocked node's holdings
  // count for one designated person, its group (union-find). An asset is blocked when one group
  // holds past the threshold (OFSI para 4.14: holdings of different designated persons are not
  // added up). A designated person majority-owned by another group joins that group (UK_INDIRECT_
  // ASSUMED: P holds indirectly what an entity it holds > 50% of holds; RULES.md §5.3).
  void grouped(std::vector<NodeId> frontier, bool upper) {
    const std::uint8_t flag = upper ? BlockedSet::kMaybe : BlockedSet::kYes;
    auto& parent = upper ? set.group_hi_ : set.group_lo_;
    std::vector<NodeId> candidates, next;
    std::vector<std::pair<NodeId, std::int64_t>> groups;
    for (;;) {
      bool merged = false;
      while (!frontier.empty()) {
        candidates.clear();
        for (NodeId node : frontier)
          for (EdgeId edge : graph.out_edges(node)) {
            const EdgeKind kind = graph.edge_kind(edge);
            if (kind == EdgeKind::Owns || (kind == EdgeKind::Controls && info.control_counts))
              candidates.push_back(graph.target(edge));
          }
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
        for (NodeId asset : candidates) {
          auto& state = set.state_[index(asset)];
          const bool listed = (state & BlockedSet::kListed) != 0;
          if ((state & flag) != 0 && !listed) continue;
          groups.clear();
          NodeId controller = kNoNode;
          for (EdgeId edge : graph.in_edges(asset)) {
            const EdgeKind kind = graph.edge_kind(edge);
            const NodeId owner = graph.source(edge);
            if (owner == asset || (set.state_[index(owner)] & flag) == 0) continue;
            if (kind != EdgeKind::Owns && (kind != EdgeKind::Controls || !info.control_counts))
              continue;
            if (!holds(graph.edge_valid(edge), as_of)) continue;
            const NodeId root = find_root(parent, owner);
            if (kind == EdgeKind::Controls) {
              if (controller == kNoNode || root < controller) controller = root;
              continue;
            }
            const Percent share = graph.share(edge);
            const std::int64_t add = !share.known()
                                         ? (upper ? unknown_cap(graph, asset, as_of) : 0)
                                         : to_bp(upper ? *share.max() : *share.min());
            auto it = std::find_if(groups.begin(), groups.end(),
                                   [&](const auto& group) { return group.first == root; });
            if (it == groups.end()) groups.emplace_back(root, add);
            else it->second += add;
          }
          NodeId best = kNoNode;
          std::int64_t best_sum = 0;
          for (const auto& [root, total] : groups)
            if (total > best_sum || (total == best_sum && total > 0 && root < best)) {
              best = root;
              best_sum = total;
            }
          set_sum(set.sums_, asset, upper, best_sum);
          NodeId winner = kNoNode;
          if (best != kNoNode && meets(period, best_sum)) winner = best;
          else if (controller != kNoNode) winner = controller;
          if (winner == kNoNode) continue;
          if (!listed) {
            state |= flag;
            if (winner == controller && best == kNoNode) state |= BlockedSet::kByControl;
            parent.at(asset) = index(winner);
            next.push_back(asset);
          } else if (const NodeId own = find_root(parent, asset); own != winner) {
            parent.at(own) = index(winner);  // two designated groups become one
            merged = true;
          }
        }
        frontier.swap(next);
        next.clear();
      }
      if (!merged) break;
      // A merge changes the groups that holdings count for: look again at every asset of a
      // blocked node (rare: a designated person majority-owned by another designated group).
      for (std::uint32_t at = 0; at < set.state_.size(); ++at)
        if ((set.state_[at] & flag) != 0) frontier.push_back(NodeId{at});
    }
  }

  void run() {
    const std::size_t n = graph.node_count();
    set.state_.assign(n, 0);
    // Seeds: parties that are TARGET_OF an in-force Action designating under this rule, read
    // from its typed measures (RULES.md §8.7). An undated record of a designation that also has a
    // dated record is that designation: the dated record decides its dates (RULES.md §8.8).
    std::unordered_map<std::uint64_t, bool> decided;  // program string -> 744.8 program (BIS)
    std::vector<NodeId> seeds;
    for (NodeId action_node : graph.action_nodes()) {
      const Action* action = graph.action(action_node);
      if (action == nullptr) continue;
      if (action->issuer == Issuer::UsOfac && action->measure_set.contains(Measure::Sectoral)) set.any_sectoral_ = true;
      bool designating = designates_measures(*action, info.rule);
      if (!designating && info.rule == Rule::BisAffiliates && action->list_id == SanctionList::OfacSdn &&
          designates_measures(*action, Rule::Ofac)) {
        auto found = decided.find(index(action->program));
        if (found == decided.end())
          found = decided.emplace(index(action->program), designates(graph, action_node, info.rule)).first;
        designating = found->second || designates(graph, action_node, info.rule);
      }
      if (!designating) continue;
      set.state_[index(action_node)] |= BlockedSet::kAction;  // matches the rule (any dates)
      if (!holds(listing_period(*action), as_of)) continue;
      set.state_[index(action_node)] |= BlockedSet::kActionInForce;
      const bool undated = action->undated();
      for (EdgeId edge : graph.in_edges(action_node)) {
        if (graph.edge_kind(edge) != EdgeKind::TargetOf || !holds(graph.edge_valid(edge), as_of))
          continue;
        if (undated && dated_record_of(graph, edge) != kNoNode) continue;  // the dated record decides
        const NodeId party = graph.source(edge);
        auto& state = set.state_[index(party)];
        if ((state & BlockedSet::kListed) != 0) continue;
        state |= BlockedSet::kListed | BlockedSet::kYes | BlockedSet::kMaybe;
        seeds.push_back(party);
      }
    }
    std::sort(seeds.begin(), seeds.end());
    if (period.aggregate) {
      aggregating(seeds);
    } else {
      grouped(seeds, false);
      grouped(std::move(seeds), true);
      // Flatten the groups so lookups are one step.
      for (auto* parent : {&set.group_lo_, &set.group_hi_})
        parent->for_each([&](NodeId, std::uint32_t& up) { up = index(find_root(*parent, NodeId{up})); });
    }
  }
};

BlockedSet blocked_set(const Graph& graph, const ExposureOptions& options) {
  BlockedSet set;
  const RuleInfo& info = rule_info(options.rule);
  set.rule_ = options.rule;
  set.as_of_ = options.as_of;
  set.period_ = &info.period_at(options.as_of);
  BlockedSetBuilder{graph, set, info, *set.period_, options.as_of}.run();
  return set;
}

// -----------------------------------------------------------------------------------------------
// Explaining one entity.

namespace {

Reason with_kind(ReasonKind kind) {
  Reason reason;
  reason.kind = kind;
  return reason;
}

struct Explainer {
  const Graph& graph;
  const BlockedSet& blocked;
  const RuleInfo& info;
  const RulePeriod& period;
  std::optional<Date> as_of;

  /// True when every listing that designates `party` on the date is undated (RULES.md §8.8).
  bool designated_date_unknown(NodeId party) const {
    bool any = false;
    for (EdgeId edge : graph.out_edges(party)) {
      if (graph.edge_kind(edge) != EdgeKind::TargetOf ||
          !blocked.designating_action_in_force(graph.target(edge)) || !holds(graph.edge_valid(edge), as_of) ||
          dated_record_of(graph, edge) != kNoNode)
        continue;
      if (!listing_undated(graph, edge)) return false;
      any = true;
    }
    return any;
  }

  std::string_view status(NodeId node, bool upper) const {
    if (blocked.listed(node)) return designated_date_unknown(node) ? "designated, date unknown" : "designated";
    if (upper && blocked.would_be(node) != Verdict::Yes) return "possibly blocked";
    return "blocked";
  }
  std::string cite() const { return fmt::format("[{}: {}]", info.id, period.basis); }

  /// The listing actions in force of a designated party, under this rule.
  std::vector<NodeId> listing_actions(NodeId party) const {
    std::vector<NodeId> out;
    for (EdgeId edge : graph.out_edges(party))
      if (graph.edge_kind(edge) == EdgeKind::TargetOf &&
          blocked.designating_action_in_force(graph.target(edge)) &&
          holds(graph.edge_valid(edge), as_of) && dated_record_of(graph, edge) == kNoNode)
        out.push_back(graph.target(edge));
    return out;
  }

  ChainStep step(EdgeId edge) const {
    return {.edge = edge, .owner = graph.source(edge), .asset = graph.target(edge),
            .kind = graph.edge_kind(edge), .share = graph.share(edge),
            .valid = graph.edge_valid(edge)};
  }

  /// The chain from a designated party down to `owner`: at each blocked node, its heaviest
  /// in-force stake (or control link) from a blocked owner, until a designated party.
  void chain_above(NodeId owner, bool upper, std::vector<ChainStep>& out) const {
    const std::uint8_t need = upper ? 1 : 2;  // 1: possibly or yes, 2: yes
    auto level = [&](NodeId node) {
      const Verdict v = blocked.would_be(node);
      return v == Verdict::Yes ? 2 : v == Verdict::Possibly ? 1 : 0;
    };
    NodeId node = owner;
    for (int depth = 0; depth < 32 && !blocked.listed(node); ++depth) {
      EdgeId best = kNoEdge;
      std::int32_t best_bp = -1;
      for (EdgeId edge : graph.in_edges(node)) {
        const EdgeKind kind = graph.edge_kind(edge);
        if (kind != EdgeKind::Owns && (kind != EdgeKind::Controls || !info.control_counts)) continue;
        const NodeId from = graph.source(edge);
        if (from == node || level(from) < need || !holds(graph.edge_valid(edge), as_of)) continue;
        const Percent share = graph.share(edge);
        const std::int32_t bp =
            kind == EdgeKind::Controls ? 10001 : share.known() ? to_bp(*share.min()) : 0;
        if (bp > best_bp) {
          best = edge;
          best_bp = bp;
        }
      }
      if (best == kNoEdge) break;
      const NodeId from = graph.source(best);
      const bool seen = std::any_of(out.begin(), out.end(),
                                    [&](const ChainStep& s) { return s.asset == from; });
      if (seen || from == owner) break;  // a cycle: the chain so far is the explanation
      out.push_back(step(best));
      node = from;
    }
    std::reverse(out.begin(), out.end());
  }

  std::string chain_text(const std::vector<ChainStep>& chain) const {
    std::string text;
    for (const ChainStep& s : chain) {
      if (!text.empty()) text += "; ";
      const bool top = blocked.listed(s.owner);
      if (s.kind == EdgeKind::Controls)
        text += fmt::format("{} ({}) controls {}{}", graph.name(s.owner),
                            top ? status(s.owner, false) : "blocked", graph.name(s.asset), dates(s.valid));
      else
        text += fmt::format("{} ({}) owns {} of {}{}", graph.name(s.owner),
                            top ? status(s.owner, false) : status(s.owner, true),
                            s.share.known() ? s.share.to_string() : "an unknown share",
                            graph.name(s.asset), dates(s.valid));
    }
    return text;
  }

  std::string action_text(NodeId action_node) const {
    const Action* action = graph.action(action_node);
    if (action == nullptr) return std::string(graph.name(action_node));
    std::string text(graph.string(action->authority));
    for (StringId part : {action->list, action->program})
      if (part != kNoString) text += fmt::format(" {}", graph.string(part));
    text += fmt::format(" [list: {}; measures: {}]", to_string(action->list_id), action->measure_set.to_string());
    if (action->listed) text += fmt::format(", listed {}", action->listed->to_string());
    text += dates(action->in_force);
    if (action->origin == ActionOrigin::DatasetMembership) text += " (from dataset membership)";
    return text;
  }
};

}  // namespace

Exposure exposure(const Graph& graph, const BlockedSet& blocked, NodeId entity) {
  const RuleInfo& info = rule_info(blocked.rule());
  const RulePeriod& period = blocked.period();
  const std::optional<Date> as_of = blocked.as_of();
  Explainer ex{graph, blocked, info, period, as_of};
  Exposure out;
  out.entity = entity;
  out.rule = blocked.rule();
  out.as_of = as_of;
  out.listed = blocked.listed(entity);
  out.blocked = blocked.verdict(entity);
  const std::string cite = ex.cite();
  const std::string threshold =
      fmt::format("{} {}", period.inclusive ? "50% or more" : "more than 50%",
                  period.aggregate ? "in the aggregate" : "held by one designated person");

  // Its own listings, in force or not. The undated records of a designation that has a dated
  // record are shown with it, as one listing (RULES.md §8.8).
  for (EdgeId edge : graph.out_edges(entity)) {
    if (graph.edge_kind(edge) != EdgeKind::TargetOf) continue;
    const NodeId action = graph.target(edge);
    if (!blocked.designating_action(action)) continue;
    if (dated_record_of(graph, edge) != kNoNode) continue;  // told with its dated record below
    const bool now = blocked.designating_action_in_force(action) && holds(graph.edge_valid(edge), as_of);
    Reason reason = with_kind(now ? ReasonKind::Listed : ReasonKind::ListingNotInForce);
    reason.actions.push_back(action);
    std::string same;
    const bool dated = !listing_undated(graph, edge);  // only a dated record stands for others
    for (EdgeId other : graph.out_edges(entity))
      if (dated && other != edge && graph.edge_kind(other) == EdgeKind::TargetOf &&
          dated_record_of(graph, other) == action) {
        reason.actions.push_back(graph.target(other));
        same += fmt::format("{}{}", same.empty() ? "" : ", ", graph.external_ids(graph.target(other)).empty()
                                                                  ? graph.name(graph.target(other))
                                                                  : graph.string(graph.external_ids(graph.target(other))[0]));
      }
    const bool undated = listing_undated(graph, edge);
    reason.text = fmt::format(
        "{} {}: {}{}{} {}", now ? "designated" : "listing not in force on the date", now ? "by" : "-",
        ex.action_text(action),
        undated ? " (date unknown: the source gives no date, so it is taken as in force on every date)" : "",
        same.empty() ? "" : fmt::format(" (the same designation's undated record{} {} take{} this record's dates)",
                                        same.find(',') == std::string::npos ? "" : "s", same,
                                        same.find(',') == std::string::npos ? "s" : ""),
        cite);
    (now ? out.reasons : out.cautions).push_back(std::move(reason));
  }

  // OFAC FAQ 373: the prohibitions of the SSI / E.O. 14024 directives extend to entities owned
  // 50% or more by persons subject to them. That is not blocking: a caution, never a verdict.
  if (info.rule == Rule::Ofac && !out.listed && blocked.any_sectoral()) {
    std::int64_t sectoral_bp = 0;
    std::vector<ChainStep> steps;
    std::vector<NodeId> sectoral_actions;
    for (EdgeId edge : graph.in_edges(entity)) {
      if (graph.edge_kind(edge) != EdgeKind::Owns || graph.source(edge) == entity ||
          !holds(graph.edge_valid(edge), as_of))
        continue;
      bool sectoral = false;
      for (EdgeId listing : graph.out_edges(graph.source(edge))) {
        if (graph.edge_kind(listing) != EdgeKind::TargetOf || !holds(graph.edge_valid(listing), as_of)) continue;
        const Action* details = graph.action(graph.target(listing));
        if (details == nullptr || details->issuer != Issuer::UsOfac ||
            !details->measure_set.contains(Measure::Sectoral) || !holds(listing_period(*details), as_of) ||
            dated_record_of(graph, listing) != kNoNode)
          continue;
        sectoral = true;
        sectoral_actions.push_back(graph.target(listing));
      }
      if (!sectoral) continue;
      const Percent share = graph.share(edge);
      if (share.known()) sectoral_bp += to_bp(*share.min());
      steps.push_back(ex.step(edge));
    }
    if (!steps.empty() && sectoral_bp >= 5000) {
      Reason reason = with_kind(ReasonKind::OtherMeasure);
      reason.chain = std::move(steps);
      reason.actions = std::move(sectoral_actions);
      reason.min_percent = reason.max_percent = static_cast<double>(std::min<std::int64_t>(sectoral_bp, 10000)) / 100.0;
      reason.text = fmt::format(
          "not blocked, but subject to sectoral directives: {} is owned {} by parties on an OFAC "
          "sectoral list ({}); 'these prohibitions apply to ... entities owned 50 percent or more by "
          "one or more persons identified as subject to the Directives' (OFAC FAQ 373); a sectoral "
          "listing is not a blocking (direct stakes only are summed here) {}",
          graph.name(entity), pct(sectoral_bp), ex.action_text(reason.actions.front()), cite);
      out.cautions.push_back(std::move(reason));
    }
  }

  // Stakes and control links from blocked (or possibly blocked) parties.
  struct GroupSum {
    NodeId group;
    std::int64_t bp;
  };
  std::vector<GroupSum> lo_groups, hi_groups;
  std::int64_t agg_min = 0, agg_max = 0, all_min = 0;
  bool uses_derived = false;
  auto add_group = [](std::vector<GroupSum>& groups, NodeId group, std::int64_t bp) {
    for (auto& g : groups)
      if (g.group == group) return void(g.bp += bp);
    groups.push_back({group, bp});
  };
  for (EdgeId edge : graph.in_edges(entity)) {
    const EdgeKind kind = graph.edge_kind(edge);
    const NodeId owner = graph.source(edge);
    if (owner == entity) continue;
    const Verdict owner_verdict = blocked.would_be(owner);  // includes designated parties
    if (owner_verdict == Verdict::No) continue;
    const bool sure = owner_verdict == Verdict::Yes;
    const bool in_force = holds(graph.edge_valid(edge), as_of);
    if (kind == EdgeKind::Owns) {
      if (!in_force) {
        Reason reason = with_kind(ReasonKind::StakeNotInForce);
        reason.chain.push_back(ex.step(edge));
        reason.text = fmt::format("not counted: the stake of {} ({}) in {}, {}{}, does not hold on "
                                  "the date {}",
                                  graph.name(owner), ex.status(owner, true), graph.name(entity),
                                  graph.share(edge).to_string(), dates(graph.edge_valid(edge)), cite);
        out.cautions.push_back(std::move(reason));
        continue;
      }
      const Stake s = stake(graph, edge, as_of);
      Reason reason = with_kind(s.unknown && sure ? ReasonKind::UnknownShare
                            : sure            ? ReasonKind::Owned
                                              : ReasonKind::PossiblyBlockedOwner);
      ex.chain_above(owner, !sure, reason.chain);
      reason.chain.push_back(ex.step(edge));
      if (!reason.chain.empty()) reason.actions = ex.listing_actions(reason.chain.front().owner);
      if (reason.chain.size() > 1) uses_derived = true;
      const std::int64_t lo = sure ? s.min : 0;
      reason.min_percent = static_cast<double>(lo) / 100.0;
      reason.max_percent = static_cast<double>(s.max) / 100.0;
      agg_min += lo;
      agg_max += s.max;
      if (!period.aggregate) {
        reason.group = blocked.group(owner);
        if (sure) add_group(lo_groups, reason.group, lo);
        add_group(hi_groups, reason.group, s.max);
      }
      const std::string counted =
          s.unknown ? fmt::format("its share is unknown: it counts 0% at least and up to {} "
                                  "(100% less the known stakes of others); this link decides",
                                  pct(s.max))
          : !sure   ? fmt::format("counts only if {} is blocked (up to {})", graph.name(owner),
                                  pct(s.max))
          : s.min != s.max
              ? fmt::format("counts {} to {} (a range)", pct(s.min), pct(s.max))
              : fmt::format("counts in full: {}", pct(s.min));
      const std::string attributed =
          period.aggregate || reason.group == kNoNode
              ? std::string()
              : fmt::format(", for {}", graph.name(reason.group));
      reason.text = fmt::format("{}: {}{}; the test is {} {}", ex.chain_text(reason.chain),
                                counted, attributed, threshold, cite);
      out.reasons.push_back(std::move(reason));
      continue;
    }
    if (!in_force) continue;
    if (kind == EdgeKind::Controls && info.control_counts) {
      Reason reason = with_kind(sure ? ReasonKind::Controlled : ReasonKind::PossiblyBlockedOwner);
      ex.chain_above(owner, !sure, reason.chain);
      reason.chain.push_back(ex.step(edge));
      reason.actions = ex.listing_actions(reason.chain.front().owner);
      reason.group = blocked.group(owner);
      reason.text = fmt::format("{}: control by a designated person blocks under this rule (owned "
                                "*or controlled*, e.g. the right to appoint a majority of the "
                                "board) {}",
                                ex.chain_text(reason.chain), cite);
      out.reasons.push_back(std::move(reason));
    } else if (kind == EdgeKind::Controls || kind == EdgeKind::DirectorOf ||
               kind == EdgeKind::OfficerOf) {
      Reason reason = with_kind(ReasonKind::ControlLink);
      reason.chain.push_back(ex.step(edge));
      reason.actions = ex.listing_actions(owner);
      const std::string_view why =
          info.rule == Rule::Ofac
              ? "does not block: OFAC's 50 Percent Rule 'speaks only to ownership and not to "
                "control', but OFAC urges caution (FAQ 398) and a blocked signatory taints the "
                "deal (FAQ 400)"
          : info.rule == Rule::BisAffiliates
              ? "does not block: the Affiliates Rule is 'based on ownership, not control'; board "
                "overlap is a red flag (90 FR 47201 as summarised, RULES.md §4.1)"
              : "a director or officer link is not control by itself; review the control "
                "criteria (REVIEW_CONTROL, RULES.md §5.2-5.3)";
      const std::string_view role = kind == EdgeKind::DirectorOf  ? "a director"
                                    : kind == EdgeKind::OfficerOf ? "an officer"
                                                                  : "in control";
      reason.text = fmt::format("{} ({}) is {} of {}{}: {} {}", graph.name(owner),
                                ex.status(owner, true), role, graph.name(entity),
                                dates(graph.edge_valid(edge)), why, cite);
      out.cautions.push_back(std::move(reason));
    }
  }
  // A subsidiary of a blocked parent: the share is not stated, so it cannot be counted.
  for (EdgeId edge : graph.out_edges(entity)) {
    if (graph.edge_kind(edge) != EdgeKind::SubsidiaryOf) continue;
    const NodeId parent = graph.target(edge);
    if (blocked.would_be(parent) == Verdict::No || !holds(graph.edge_valid(edge), as_of)) continue;
    Reason reason = with_kind(ReasonKind::ControlLink);
    reason.chain.push_back(ex.step(edge));
    reason.text = fmt::format("{} is a subsidiary of {} ({}), with no share stated: give the "
                              "ownership to decide {}",
                              graph.name(entity), graph.name(parent), ex.status(parent, true), cite);
    out.cautions.push_back(std::move(reason));
  }

  // The aggregate that counts.
  all_min = agg_min;
  if (!period.aggregate) {
    agg_min = 0;
    agg_max = 0;
    for (const auto& g : lo_groups) agg_min = std::max(agg_min, g.bp);
    for (const auto& g : hi_groups) agg_max = std::max(agg_max, g.bp);
  }
  agg_min = std::min<std::int64_t>(agg_min, 10000);
  agg_max = std::min<std::int64_t>(std::max(agg_max, agg_min), 10000);
  out.aggregate_min = static_cast<double>(agg_min) / 100.0;
  out.aggregate_max = static_cast<double>(agg_max) / 100.0;
  if (agg_min == agg_max) out.aggregate_percent = out.aggregate_min;
  bool any_owner = false;  // is any stake in the entity on record (in force on the date)?
  for (EdgeId edge : graph.in_edges(entity))
    any_owner |= graph.edge_kind(edge) == EdgeKind::Owns && holds(graph.edge_valid(edge), as_of);
  if (!any_owner && !out.listed) {
    // Unknown stays unknown: with no stake on record, the blocked share is not 0 but unknown.
    out.aggregate_percent.reset();  // the not-blocked reason below says why
  }

  const Verdict would_be = blocked.would_be(entity);
  if (!period.in_force && !out.listed) {
    Reason reason = with_kind(ReasonKind::RuleNotInForce);
    reason.text = fmt::format("{} is not in force on {}: {}; under it the verdict would be '{}' "
                              "(blocked ownership {}{}) [{}: {}]",
                              info.name, as_of ? as_of->to_string() : std::string("the date"),
                              period.basis, to_string(would_be), pct(agg_min),
                              agg_min == agg_max ? "" : fmt::format(" to {}", pct(agg_max)), info.id,
                              info.citation);
    out.reasons.insert(out.reasons.begin(), std::move(reason));
  }
  if (!as_of && info.rule == Rule::BisAffiliates) {
    Reason reason = with_kind(ReasonKind::Assumption);
    reason.text = fmt::format("no date given: the rule's last known period applies, {} {}",
                              period.basis, cite);
    out.cautions.push_back(std::move(reason));
  }

  // Cautions that do not block.
  if (out.blocked == Verdict::No && agg_min >= 2500 && !meets(period, agg_min)) {
    Reason reason = with_kind(ReasonKind::NearMiss);
    reason.min_percent = out.aggregate_min;
    reason.max_percent = out.aggregate_max;
    const std::string_view why =
        info.rule == Rule::Ofac
            ? "OFAC urges caution where blocked persons have 'a significant ownership interest "
              "that is less than 50 percent' (FAQ 398); the blocked stake itself is blocked "
              "property (FAQ 573)"
        : info.rule == Rule::Eu
            ? "the 2024 Best Practices name a large designated shareholding as an indication of "
              "control to analyse (RULES.md §2.4)"
        : info.rule == Rule::Uk
            ? "check the control limb of reg. 7(4) and any joint arrangement (RULES.md §3)"
            : "significant minority ownership by a listed party is a red flag (RULES.md §4.1)";
    reason.text = fmt::format("near miss: blocked ownership of {} is {} ({} at least 25%, under "
                              "the threshold): {} {}",
                              graph.name(entity), pct(agg_min), period.aggregate ? "aggregate" : "largest single",
                              why, cite);
    out.cautions.push_back(std::move(reason));
  }
  if (!period.aggregate && out.blocked != Verdict::Yes && meets(period, all_min) &&
      !meets(period, agg_min)) {
    Reason reason = with_kind(ReasonKind::NotAggregated);
    reason.min_percent = static_cast<double>(std::min<std::int64_t>(all_min, 10000)) / 100.0;
    reason.text = fmt::format("not aggregated: designated persons hold {} of {} together, but no "
                              "one of them more than {}; OFSI 'would not simply aggregate "
                              "different designated persons' holdings ... unless ... subject to a "
                              "joint arrangement ... or one party controls the rights of another' "
                              "(para 4.14): the graph records no joint holding, check for one {}",
                              pct(all_min), graph.name(entity), pct(agg_min), cite);
    out.cautions.push_back(std::move(reason));
  }
  if (uses_derived && out.blocked != Verdict::No &&
      (info.rule == Rule::Eu || info.rule == Rule::Uk || info.rule == Rule::BisAffiliates)) {
    Reason reason = with_kind(ReasonKind::Assumption);
    reason.text = fmt::format(
        "{}: a chain runs through an entity that is blocked, not designated; skg counts its "
        "holdings in full as OFAC does, because the {} sources found do not state the method "
        "for indirect ownership {}",
        info.rule == Rule::Eu   ? "EU_INDIRECT_ASSUMED"
        : info.rule == Rule::Uk ? "UK_INDIRECT_ASSUMED"
                                : "BIS_INDIRECT_ASSUMED",
        info.rule == Rule::Eu ? "EU" : info.rule == Rule::Uk ? "UK" : "BIS", cite);
    out.cautions.push_back(std::move(reason));
  }
  if (info.rule == Rule::Uk && as_of && *as_of < ymd(2021, 1, 1) && out.blocked != Verdict::No) {
    Reason reason = with_kind(ReasonKind::Assumption);
    reason.text = fmt::format("UK_PRE2021_ASSUMED: {} {}", period.basis, cite);
    out.cautions.push_back(std::move(reason));
  }
  if (out.blocked == Verdict::No && out.reasons.empty()) {
    Reason reason = with_kind(ReasonKind::NotBlocked);
    reason.text =
        any_owner
            ? fmt::format("not blocked: {} is not designated and blocked persons hold {} of "
                          "it{}; the test is {} {}",
                          graph.name(entity), pct(agg_min),
                          agg_min == agg_max ? "" : fmt::format(" (at most {})", pct(agg_max)),
                          threshold, cite)
            : fmt::format("not blocked on the data loaded: {} is not designated and no owner of it "
                          "is on record; the test is {} {}",
                          graph.name(entity), threshold, cite);
    out.reasons.push_back(std::move(reason));
  }
  return out;
}

Exposure exposure(const Graph& graph, NodeId entity, const ExposureOptions& options) {
  return exposure(graph, blocked_set(graph, options), entity);
}

}  // namespace skg
