#include "skg/queries/exposure.h"
#include "skg/queries/blocked_region.h"

#include "skg/graph/error.h"
#include "skg/graph/parallel.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <atomic>
#include <chrono>
#include <cstring>
#include <cmath>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <span>
#include <unordered_map>

namespace skg::inline v1 {

namespace detail {
extern const char kDefaultRuleTable[];  // queries/rules.tsv, embedded by CMakeLists.txt
}  // namespace detail

namespace {
/// "[OFAC_50: basis]", the citation every sentence of an answer ends with, and "50% or more in
/// the aggregate", the test: formatted where they are used, not held as strings per answer.
struct Cite {
  std::string_view id, basis;
};
struct ThresholdText {
  bool inclusive, aggregate;
};
}  // namespace

}  // namespace skg

template <>
struct fmt::formatter<skg::Cite> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  template <class Context>
  auto format(const skg::Cite& cite, Context& ctx) const {
    return fmt::format_to(ctx.out(), "[{}: {}]", cite.id, cite.basis);
  }
};
template <>
struct fmt::formatter<skg::ThresholdText> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  template <class Context>
  auto format(const skg::ThresholdText& test, Context& ctx) const {
    return fmt::format_to(ctx.out(), "{} {}", test.inclusive ? "50% or more" : "more than 50%",
                          test.aggregate ? "in the aggregate" : "held by one designated person");
  }
};

namespace skg::inline v1 {

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
// The rules, period by period, are data: queries/rules.tsv (each row citing queries/RULES.md),
// embedded at build time (detail::kDefaultRuleTable) and replaceable at start
// (load_rule_table). The rules' names, citations and consequences stay here.

/// A parsed rule table: owns the text its periods' strings view.
struct RuleTable {
  std::string text, origin;
  std::vector<RulePeriod> periods[kRuleCount];
};

std::unique_ptr<RuleTable> parse_rule_table(std::string_view tsv, std::string_view origin);

RuleInfo kRules[kRuleCount] = {
    {.rule = Rule::Ofac, .id = "OFAC_50", .name = "OFAC 50 Percent Rule",
     .citation = "OFAC Revised Guidance 2014-08-13; OFAC FAQs 398, 399, 401",
     .control_counts = false, .consequence = "blocked"},
    {.rule = Rule::Eu, .id = "EU_OWN_CTRL", .name = "EU ownership and control test",
     .citation = "Council Best Practices for the effective implementation of restrictive measures "
                 "(2024 update); Commission FAQ 2022-04-08",
     .control_counts = true, .consequence = "presumed owned or controlled by a designated person",
    },
    {.rule = Rule::Uk, .id = "UK_REG7", .name = "UK owned or controlled test",
     .citation = "SAMLA regulations reg. 7 and Sch. 1; OFSI financial sanctions guidance para 4.14",
     .control_counts = true, .consequence = "owned or controlled by a designated person",
    },
    {.rule = Rule::BisAffiliates, .id = "BIS_AFFILIATES", .name = "BIS Affiliates Rule",
     .citation = "90 FR 47201 (2025-09-30), 15 CFR 744.11(a)(1); suspended 2025-11-10 for one year",
     .control_counts = false, .consequence = "licence required"},
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
// Exact shares: sums of bounds in millionths of a percent (Percent::Units), each sum keeping
// whether one of its terms was an open bound, so no threshold is decided by rounding (RULES.md
// §5: 49.996% is not "50% or more", 50.004% is "more than 50%", 50% is the one and not the other).

using Units = Percent::Units;
using Bound = Percent::Bound;
constexpr Units kHundred = Percent::kHundred;
constexpr Units kMajority = 50 * Percent::kUnitsPerPercent;

/// A sum of bounds, saturating at 2^31 - 1, open when one of its terms was open.
struct Sum {
  std::uint32_t units = 0;
  bool open = false;
  void add(Bound bound) {
    units = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(0x7FFFFFFFu, std::uint64_t{units} + bound.units));
    open |= bound.open;
  }
  std::uint32_t pack() const { return units | (open ? 0x80000000u : 0u); }
  static Sum unpack(std::uint32_t bits) { return {bits & 0x7FFFFFFFu, (bits & 0x80000000u) != 0}; }
  Bound bound() const { return units >= kHundred ? Bound{kHundred, false} : Bound{units, open}; }
};

/// Every value above the lower bound `low` meets the period's threshold: a sure "yes".
bool surely_meets(const RulePeriod& period, Bound low) {
  const Units t = period.threshold;
  return period.inclusive ? low.units >= t : (low.units > t || (low.units == t && low.open));
}
/// Some value up to the upper bound `high` meets the threshold: at least "possibly".
bool possibly_meets(const RulePeriod& period, Bound high) {
  const Units t = period.threshold;
  return period.inclusive ? (high.units > t || (high.units == t && !high.open)) : high.units > t;
}
/// More than 50% (of voting rights, of the board): UK reg. 7(2)(b) and (c); the EU's "majority".
bool surely_majority(Bound low) { return low.units > kMajority || (low.units == kMajority && low.open); }
bool possibly_majority(Bound high) { return high.units > kMajority; }

bool is_stake(const Graph& graph, EdgeId edge) {
  const EdgeKind kind = graph.edge_kind(edge);
  // A nominator's interest is its own holding, held for it by a nominee (RULES.md §5.5).
  return kind == EdgeKind::Owns ||
         (kind == EdgeKind::Controls && graph.interest(edge) == Interest::Nominator);
}

/// One owner's stake in one asset on the date: the records that hold on the date reconciled
/// into one holding. Records that agree keep what they all say (the intersection of their
/// ranges; a record with no share adds nothing); records that cannot all be true keep their
/// hull and are flagged. Independent of record order.
struct Holding {
  Bound low{0, false}, high{kHundred, false};
  bool unknown = true;    // no record states a share
  bool disagree = false;  // the records' shares cannot all be true
  int records = 0;
};
Holding reconcile(std::span<const Percent> shares) {
  Holding h;
  h.records = static_cast<int>(shares.size());
  Bound lo{0, false}, hi{kHundred, false}, hull_lo{kHundred, false}, hull_hi{0, false};
  for (const Percent& share : shares) {
    if (!share.known()) continue;
    h.unknown = false;
    const Bound a = share.low(), b = share.high();
    if (a.units > lo.units || (a.units == lo.units && a.open)) lo = a;
    if (b.units < hi.units || (b.units == hi.units && b.open)) hi = b;
    if (a.units < hull_lo.units || (a.units == hull_lo.units && !a.open)) hull_lo = a;
    if (b.units > hull_hi.units || (b.units == hull_hi.units && !b.open)) hull_hi = b;
  }
  if (h.unknown) return h;
  if (lo.units > hi.units || (lo.units == hi.units && (lo.open || hi.open))) {
    h.disagree = true;
    lo = hull_lo;
    hi = hull_hi;
  }
  h.low = lo;
  h.high = hi;
  return h;
}

/// True when two of `items` (pairs keyed by owner) have the same owner. Short lists are
/// compared pair by pair, which beats sorting them; a long one (a hub) answers true, so the
/// caller sorts it and groups the repeats.
template <class Pairs>
bool owners_may_repeat(const Pairs& items) {
  if (items.size() > 32) return true;
  for (std::size_t at = 1; at < items.size(); ++at)
    for (std::size_t before = 0; before < at; ++before)
      if (items[before].first == items[at].first) return true;
  return false;
}

/// Buffers unknown_cap reuses, so that a loop calling it allocates nothing.
struct CapScratch {
  std::vector<std::pair<NodeId, Percent>> known;
  std::vector<Percent> shares;
};

/// The most an unknown stake in `asset` can be: 100% less the known holdings of the others
/// (each owner's records reconciled first); open when one of those is an open bound.
Bound unknown_cap(const Graph& graph, NodeId asset, std::optional<Date> as_of, CapScratch& scratch) {
  auto& known = scratch.known;
  known.clear();
  for (EdgeId edge : graph.in_edges(asset)) {
    // The kind and share first: the source (a read at random) only for a known stake.
    if (!is_stake(graph, edge)) continue;
    const Percent share = graph.share(edge);
    if (!share.known() || !graph.edge_holds(edge, as_of)) continue;
    if (const NodeId owner = graph.source(edge); owner != asset) known.emplace_back(owner, share);
  }
  Sum total;
  if (!owners_may_repeat(known)) {
    // One record per owner (the common case): its holding is its share (reconcile of one).
    for (const auto& item : known) total.add(item.second.low());
  } else {
    std::sort(known.begin(), known.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    auto& shares = scratch.shares;
    for (std::size_t at = 0; at < known.size();) {
      shares.clear();
      std::size_t end = at;
      for (; end < known.size() && known[end].first == known[at].first; ++end) shares.push_back(known[end].second);
      total.add(reconcile(shares).low);
      at = end;
    }
  }
  if (total.units >= kHundred) return {0, false};
  return {kHundred - total.units, total.open};
}
Bound unknown_cap(const Graph& graph, NodeId asset, std::optional<Date> as_of) {
  CapScratch scratch;
  return unknown_cap(graph, asset, as_of, scratch);
}

std::string pct(Bound bound) {
  return (bound.open ? "more than " : "") + Percent::exact_units(bound.units).to_string();
}
std::string pct_upper(Bound bound) {
  return (bound.open ? "less than " : "") + Percent::exact_units(bound.units).to_string();
}

std::string dates(const DateRange& valid) {
  if (valid.is_open()) return {};
  if (!valid.end) return fmt::format(" (from {})", valid.start->to_string());
  if (!valid.start) return fmt::format(" (until {})", valid.end->to_string());
  return fmt::format(" ({} to {})", valid.start->to_string(), valid.end->to_string());
}

template <class Table>
NodeId find_root(const Table& parent, NodeId node) {
  for (auto up = static_cast<std::uint32_t>(parent.get(node, index(kNoNode))); up != index(kNoNode);
       up = static_cast<std::uint32_t>(parent.get(node, index(kNoNode))))
    node = NodeId{up};
  return node;
}

/// Adds `bound` to the lower (low 32 bits) or upper (high 32 bits) sum; the new sum.
template <class Table>
Bound add_sum(Table& sums, NodeId node, bool upper, Bound bound) {
  std::uint64_t& packed = sums.at(node);
  Sum sum = Sum::unpack(static_cast<std::uint32_t>(upper ? packed >> 32 : packed));
  sum.add(bound);
  packed = upper ? (packed & 0xFFFFFFFFull) | (std::uint64_t{sum.pack()} << 32)
                 : (packed & ~0xFFFFFFFFull) | sum.pack();
  return sum.bound();
}
template <class Table>
void set_sum(Table& sums, NodeId node, bool upper, Sum sum) {
  std::uint64_t& packed = sums.at(node);
  packed = upper ? (packed & 0xFFFFFFFFull) | (std::uint64_t{sum.pack()} << 32)
                 : (packed & ~0xFFFFFFFFull) | sum.pack();
}

}  // namespace

// -----------------------------------------------------------------------------------------------

const RulePeriod& RuleInfo::period_at(std::optional<Date> as_of) const noexcept {
  if (!as_of) return periods.back();
  for (const RulePeriod& period : periods)
    if (period.valid.contains(*as_of)) return period;
  return periods.back();
}

namespace {

std::vector<std::unique_ptr<RuleTable>>& rule_tables() {
  static std::vector<std::unique_ptr<RuleTable>> all;  // every table loaded stays alive
  return all;
}
void install(std::unique_ptr<RuleTable> table) {
  for (int at = 0; at < kRuleCount; ++at) kRules[at].periods = table->periods[at];
  rule_tables().push_back(std::move(table));
}
void ensure_default_table() {
  static const bool loaded = [] {
    install(parse_rule_table(detail::kDefaultRuleTable, "queries/rules.tsv (embedded)"));
    return true;
  }();
  (void)loaded;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t from = 0;;) {
    const std::size_t tab = line.find('\t', from);
    fields.push_back(line.substr(from, tab == std::string_view::npos ? std::string_view::npos : tab - from));
    if (tab == std::string_view::npos) return fields;
    from = tab + 1;
  }
}

std::unique_ptr<RuleTable> parse_rule_table(std::string_view tsv, std::string_view origin) {
  auto table = std::make_unique<RuleTable>();
  table->text = std::string(tsv);
  table->origin = std::string(origin);
  const std::string_view text = table->text;
  std::size_t line_no = 0;
  auto fail = [&](const std::string& reason) {
    return Error(fmt::format("{}:{}: {}", origin, line_no, reason));
  };
  for (std::size_t from = 0; from < text.size();) {
    std::size_t end = text.find('\n', from);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(from, end - from);
    from = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const auto fields = split_tabs(line);
    if (fields.size() != 9)
      throw fail(fmt::format("{} tab-separated fields, expected 9 (rule, start, end, in_force, "
                             "threshold, test, aggregate, scheduled, basis)", fields.size()));
    const auto rule = parse_rule(fields[0]);
    if (!rule) throw fail(fmt::format("rule '{}' is not ofac, eu, uk or bis", fields[0]));
    RulePeriod period;
    for (int side = 0; side < 2; ++side) {
      const std::string_view value = fields[1 + side];
      if (value == "-") continue;
      const auto date = Date::parse(value);
      if (!date || value.size() != 10) throw fail(fmt::format("'{}' is not a date (YYYY-MM-DD) or -", value));
      (side == 0 ? period.valid.start : period.valid.end) = date;
    }
    auto yes_no = [&](std::string_view value, std::string_view column) {
      if (value == "yes") return true;
      if (value == "no") return false;
      throw fail(fmt::format("{} '{}' is not yes or no", column, value));
    };
    period.in_force = yes_no(fields[3], "in_force");
    const auto threshold = Percent::parse(fields[4]);
    if (!threshold || !threshold->is_exact())
      throw fail(fmt::format("threshold '{}' is not a percentage from 0 to 100", fields[4]));
    period.threshold = threshold->low().units;
    if (fields[5] != ">=" && fields[5] != ">") throw fail(fmt::format("test '{}' is not >= or >", fields[5]));
    period.inclusive = fields[5] == ">=";
    period.aggregate = yes_no(fields[6], "aggregate");
    if (fields[7] != "-") period.scheduled = fields[7];
    if (fields[8].empty()) throw fail("no basis: every period cites its source");
    period.basis = fields[8];
    auto& periods = table->periods[static_cast<int>(*rule)];
    const std::optional<Date> previous_end =
        periods.empty() ? std::nullopt : periods.back().valid.end;
    if (periods.empty() ? period.valid.start.has_value() : period.valid.start != previous_end)
      throw fail(fmt::format("the {} period starting {} does not begin where the one before ends ({})",
                             fields[0], fields[1], periods.empty() ? std::string("-: the first starts with -")
                                                                   : previous_end ? previous_end->to_string()
                                                                                  : std::string("-")));
    if (period.valid.start && period.valid.end && !(*period.valid.start < *period.valid.end))
      throw fail(fmt::format("the period {} to {} is empty", fields[1], fields[2]));
    periods.push_back(period);
  }
  for (int at = 0; at < kRuleCount; ++at) {
    if (table->periods[at].empty())
      throw Error(fmt::format("{}: no period for rule {}", origin, to_string(static_cast<Rule>(at))));
    if (table->periods[at].back().valid.end)
      throw Error(fmt::format("{}: the last {} period ends on {}: the last one must end with -", origin,
                              to_string(static_cast<Rule>(at)), table->periods[at].back().valid.end->to_string()));
  }
  return table;
}

}  // namespace

const RuleInfo& rule_info(Rule rule) noexcept {
  ensure_default_table();
  return kRules[static_cast<int>(rule)];
}

void load_rule_table(std::string_view tsv, std::string_view origin) {
  ensure_default_table();
  install(parse_rule_table(tsv, origin));
}

void load_rule_table_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot read the rule table", path));
  std::ostringstream text;
  text << in.rdbuf();
  load_rule_table(text.str(), path);
}

std::string_view rule_table_origin() noexcept {
  ensure_default_table();
  return rule_tables().back()->origin;
}

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
      "stake_not_in_force", "assumption", "not_blocked", "other_measure", "data_quality",
      "blocked_property", "divestment", "red_flag", "control_review", "scheduled_period"};
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


std::uint64_t& BlockedSet::NodeTable::at(NodeId node, std::uint64_t absent) {
  if ((size_ + 1) * 2 > keys_.size()) grow(keys_.empty() ? 1024 : keys_.size() * 2);
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

void BlockedSet::NodeTable::reserve(std::size_t count) {
  // The size at() would grow to for `count` nodes: at least half the slots stay empty.
  std::size_t slots = keys_.empty() ? 1024 : keys_.size();
  while ((count + 1) * 2 > slots) slots *= 2;
  if (slots != keys_.size()) grow(slots);
}

void BlockedSet::NodeTable::grow(std::size_t slots) {
  detail::ReusedVector<std::uint32_t> keys(slots, kEmptyKey);
  detail::ReusedVector<std::uint64_t> values(slots);
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
  // verdict() for every node, eight states a word: the yes and maybe flags shifted down to bit 0
  // of each byte, and the bytes of a word added by one multiplication (each is 0 or 1). The
  // byte-per-node loop this replaces was not vectorised and took 1.7 ms of a 1M set.
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  const std::uint64_t in_force = period_->in_force ? ~std::uint64_t{0} : 0;
  auto yes_maybe = [&](std::uint64_t word, std::uint64_t& yes, std::uint64_t& maybe) {
    yes = (word | ((word & in_force) >> 1)) & kOnes;                  // kListed = 1, kYes = 2
    maybe = ((word & in_force) >> 2) & kOnes & ~yes;                  // kMaybe = 4
  };
  static_assert(kListed == 1 && kYes == 2 && kMaybe == 4, "count() reads the flags' bit positions");
  auto add = [&](std::uint64_t word) {
    std::uint64_t yes = 0, maybe = 0;
    yes_maybe(word, yes, maybe);
    const std::uint64_t hit = verdict == Verdict::Yes ? yes : verdict == Verdict::Possibly ? maybe : (~(yes | maybe) & kOnes);
    return static_cast<std::size_t>((hit * kOnes) >> 56);  // the sum of the eight bytes
  };
  std::size_t total = 0, at = 0;
  for (; at + 8 <= state_.size(); at += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, state_.data() + at, 8);
    total += add(word);
  }
  if (at < state_.size()) {
    // The last states, padded with a "no" that is not counted.
    std::uint64_t word = 0;
    std::memcpy(&word, state_.data() + at, state_.size() - at);
    const std::size_t padding = 8 - (state_.size() - at);
    total += add(word) - (verdict == Verdict::No ? padding : 0);
  }
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

/// The aggregating walk's sums, one a node, in 2 MiB pages where the kernel gives them
/// (detail::LargeAllocator): the walk reads them at random, and at 10M parties (80 MB) each read
/// on 4 KiB pages was a TLB miss.
using DenseBuffer = std::vector<std::atomic<std::uint64_t>, detail::LargeAllocator<std::atomic<std::uint64_t>>>;

/// One word a node (lower sum | upper sum << 32) for the fixpoint's workers, lent from a pool the
/// process keeps and given back all zero: a blocked set then costs the nodes it touches, not a
/// clear of n words each time (8 MB at 1M nodes). Several blocked sets at once take several.
class DenseSums {
 public:
  explicit DenseSums(std::size_t nodes) {
    {
      const std::lock_guard<std::mutex> lock(pool_mutex());
      auto& free = pool();
      if (!free.empty()) {
        sums_ = std::move(free.back());
        free.pop_back();
      }
    }
    if (!sums_ || sums_->size() < nodes) sums_ = std::make_unique<DenseBuffer>(nodes);
  }
  ~DenseSums() {
    // The walk zeroes what it touched; an exception on the way leaves the buffer unknown: drop it.
    if (std::uncaught_exceptions() != 0) return;
    const std::lock_guard<std::mutex> lock(pool_mutex());
    pool().push_back(std::move(sums_));
  }
  DenseSums(const DenseSums&) = delete;
  DenseSums& operator=(const DenseSums&) = delete;
  DenseBuffer& sums() { return *sums_; }

 private:
  static std::mutex& pool_mutex() {
    static std::mutex mutex;
    return mutex;
  }
  static std::vector<std::unique_ptr<DenseBuffer>>& pool() {
    static std::vector<std::unique_ptr<DenseBuffer>> free;
    return free;
  }
  std::unique_ptr<DenseBuffer> sums_;
};

struct BlockedSetBuilder {
  const Graph& graph;
  BlockedSet& set;
  const RuleInfo& info;
  const RulePeriod& period;
  std::optional<Date> as_of;
  std::vector<Percent> shares{};
  std::vector<std::pair<NodeId, NodeId>> nominee_of{};  // (nominee, principal), sorted
  CapScratch cap_scratch{};
  // A what-if run (queries/whatif.cpp, detail::BlockedSetEditor): only the nodes of a region
  // (region_stamp[n] == region_gen) are recomputed, every other node keeps its verdict; or, for
  // designations under an aggregating rule, the walk goes on from the baseline's sums
  // (base_sums). Full runs leave these unset.
  const std::uint32_t* region_stamp = nullptr;
  std::uint32_t region_gen = 0;
  const BlockedSet::NodeTable* base_sums = nullptr;
  bool partial = false;            // no step that costs O(n); every node touched goes to visited
  std::vector<NodeId> rescan{};    // partial grouped runs: the nodes a merge makes look again at
  std::vector<NodeId> visited{};   // partial runs: nodes whose state, sums or group may change
  bool escaped = false;            // a group merge reached a node outside the region
  // A what-if answered by a full run (BlockedSetEditor::recompute): these parties are taken as
  // designated, or as not designated, whatever their listings say (sorted).
  std::span<const NodeId> assume_designated{}, assume_delisted{};

  bool in_region(NodeId node) const noexcept {
    return region_stamp == nullptr || region_stamp[index(node)] == region_gen;
  }

  /// unknown_cap on the reused buffers.
  Bound cap(NodeId asset) { return unknown_cap(graph, asset, as_of, cap_scratch); }

  /// Buffers one thread's walk reuses (the fixpoint's workers have one each).
  struct Scratch {
    std::vector<std::pair<NodeId, EdgeId>> holdings;
    std::vector<Percent> shares;
    CapScratch cap;
  };

  /// Calls fn(asset, holding, first_edge) for each asset `owner` holds a stake in on the date,
  /// one call per asset: the owner's records of that stake reconciled (Holding).
  template <class Fn>
  void for_each_holding(NodeId owner, Scratch& work, Fn&& fn) const {
    auto& items = work.holdings;
    items.clear();
    for (EdgeId edge : graph.out_edges(owner)) {
      if (!is_stake(graph, edge)) continue;
      const NodeId asset = graph.target(edge);
      if (asset == owner || !graph.edge_holds(edge, as_of)) continue;
      items.emplace_back(asset, edge);
    }
    // Fast path: no asset twice (the common case): one record per holding, no sort.
    if (!owners_may_repeat(items)) {
      for (const auto& [asset, edge] : items) {
        const Percent share = graph.share(edge);
        Holding h;
        h.records = 1;
        if (share.known()) h.unknown = false, h.low = share.low(), h.high = share.high();
        fn(asset, h, edge);
      }
      return;
    }
    std::sort(items.begin(), items.end());
    for (std::size_t at = 0; at < items.size();) {
      std::size_t end = at + 1;
      while (end < items.size() && items[end].first == items[at].first) ++end;
      work.shares.clear();
      for (std::size_t k = at; k < end; ++k) work.shares.push_back(graph.share(items[k].second));
      const Holding holding = reconcile(work.shares);
      const auto [asset, first] = items[at];
      at = end;
      fn(asset, holding, first);
    }
  }

  /// The principal a nominee holds for (Interest::NomineeFor edges), or kNoNode.
  NodeId principal_of(NodeId nominee) const {
    if (nominee_of.empty()) return kNoNode;
    auto it = std::lower_bound(nominee_of.begin(), nominee_of.end(), std::pair{nominee, NodeId{0}});
    return it != nominee_of.end() && it->first == nominee ? it->second : kNoNode;
  }

  void collect_nominees() {
    if (!graph.has_interests()) return;
    for (std::uint32_t at = 0; at < graph.edge_count(); ++at) {
      const EdgeId edge{at};
      if (graph.interest(edge) != Interest::NomineeFor || !graph.edge_holds(edge, as_of)) continue;
      nominee_of.emplace_back(graph.source(edge), graph.target(edge));
    }
    std::sort(nominee_of.begin(), nominee_of.end());
    // A nominee for several principals: its holdings are not attributed (which is whose is not
    // on record); the explanation says so.
    std::vector<std::pair<NodeId, NodeId>> single;
    for (std::size_t at = 0; at < nominee_of.size();) {
      std::size_t end = at + 1;
      while (end < nominee_of.size() && nominee_of[end].first == nominee_of[at].first) ++end;
      if (end - at == 1 || std::all_of(nominee_of.begin() + at, nominee_of.begin() + end,
                                       [&](const auto& p) { return p.second == nominee_of[at].second; }))
        single.push_back(nominee_of[at]);
      at = end;
    }
    nominee_of = std::move(single);
  }

  // The aggregating fixpoint (OFAC since 2014, EU since 2022, BIS), both bounds in one walk: a
  // frontier holds the nodes that just became blocked (yes: known stakes of surely blocked
  // owners reach the threshold) or possibly blocked (unknown stakes at their most, possibly
  // blocked owners); each adds its holdings (its records of one stake reconciled) to its assets
  // once per bound, and an asset that crosses the threshold joins the next frontier. Sums of
  // integers do not depend on order, so neither does the result (OFAC FAQ 401: a blocked
  // entity's stake counts in full; an unblocked holder passes nothing on). A nominee's holdings
  // count as its principal's. Control (EU): more than 50% of the voting rights or of the board
  // blocks; control of a type the source does not give makes it "possibly" (RULES.md §5.5).
  //
  // Both cores: each frontier is split into blocks over parallel_for's workers (graph/parallel.h).
  // Sums are one atomic word a node (lower | upper << 32), added by compare-and-swap; a flag is
  // gained by exactly one worker (fetch_or), which puts the node in its next frontier once. The
  // sums are saturating additions of integers and the flags a least fixpoint, so the set is the
  // same on any number of threads in any order (tests/queries/parallel_test.cpp checks it).
  struct Worker {
    Scratch scratch;
    detail::ReusedVector<std::pair<NodeId, std::uint8_t>> next;
    detail::ReusedVector<NodeId> dirty, touched, visited;
  };

  static std::uint8_t gain_flags(std::uint8_t& cell, std::uint8_t gained) {
    constexpr std::uint8_t kYes = BlockedSet::kYes, kMaybe = BlockedSet::kMaybe;
    if ((gained & kYes) != 0) gained |= kMaybe;  // yes is maybe
    std::atomic_ref<std::uint8_t> state(cell);
    if ((gained & ~state.load(std::memory_order_relaxed)) == 0) return 0;
    return static_cast<std::uint8_t>(gained & ~state.fetch_or(gained, std::memory_order_relaxed));
  }
  static std::uint8_t load_flags(const std::uint8_t& cell) {
    return std::atomic_ref<std::uint8_t>(const_cast<std::uint8_t&>(cell)).load(std::memory_order_relaxed);
  }
  /// Adds `bound` to the lower (low 32 bits) or upper (high 32 bits) sum of `asset`; the new sum.
  /// A what-if continuation (base_sums set) starts an untouched node's sums from the baseline's.
  Bound add_dense(DenseBuffer& sums, NodeId asset, bool upper, Bound bound,
                  detail::ReusedVector<NodeId>& touched) const {
    std::atomic<std::uint64_t>& slot = sums[index(asset)];
    std::uint64_t old = slot.load(std::memory_order_relaxed), now = 0;
    Sum sum;
    do {
      const std::uint64_t from = old == 0 && base_sums != nullptr ? base_sums->get(asset) : old;
      sum = Sum::unpack(static_cast<std::uint32_t>(upper ? from >> 32 : from));
      sum.add(bound);
      now = upper ? (from & 0xFFFFFFFFull) | (std::uint64_t{sum.pack()} << 32) : (from & ~0xFFFFFFFFull) | sum.pack();
    } while (now != old && !slot.compare_exchange_weak(old, now, std::memory_order_relaxed));
    if (old == 0 && now != 0) touched.push_back(asset);
    return sum.bound();
  }

  /// add_dense for both sums of `asset` in one update (one compare-and-swap, not two): `low` to
  /// the lower sum when `add_low`, `high` to the upper when `add_high`; the new sums in `totals`.
  void add_dense_both(DenseBuffer& sums, NodeId asset, bool add_low, Bound low, bool add_high, Bound high,
                      detail::ReusedVector<NodeId>& touched, Bound (&totals)[2]) const {
    std::atomic<std::uint64_t>& slot = sums[index(asset)];
    std::uint64_t old = slot.load(std::memory_order_relaxed), now = 0;
    do {
      const std::uint64_t from = old == 0 && base_sums != nullptr ? base_sums->get(asset) : old;
      Sum lower = Sum::unpack(static_cast<std::uint32_t>(from)), upper = Sum::unpack(static_cast<std::uint32_t>(from >> 32));
      if (add_low) lower.add(low);
      if (add_high) upper.add(high);
      now = std::uint64_t{lower.pack()} | (std::uint64_t{upper.pack()} << 32);
      totals[0] = lower.bound();
      totals[1] = upper.bound();
    } while (now != old && !slot.compare_exchange_weak(old, now, std::memory_order_relaxed));
    if (old == 0 && now != 0) touched.push_back(asset);
  }

  /// One frontier node's turn: its holdings (or its nominees') and, where control counts, its
  /// control links, added to its assets; assets that gain a flag go to the worker's next frontier.
  void expand(NodeId node, std::uint8_t fresh, DenseBuffer& sums, Worker& work) const {
    constexpr std::uint8_t kYes = BlockedSet::kYes, kMaybe = BlockedSet::kMaybe;
    auto gain = [&](NodeId asset, std::uint8_t gained) {
      if (gained == 0) return;
      if (const std::uint8_t got = gain_flags(set.state_[index(asset)], gained); got != 0) work.next.emplace_back(asset, got);
    };
    auto add_holdings = [&](NodeId holder) {
      for_each_holding(holder, work.scratch, [&](NodeId asset, const Holding& h, EdgeId first) {
        if (asset == node || !in_region(asset)) return;
        if (partial) work.visited.push_back(asset);
        if (graph.interest(first) == Interest::JointlyHeld) return work.dirty.push_back(asset);
        std::uint8_t gained = 0;
        const std::uint8_t state = load_flags(set.state_[index(asset)]);
        const bool add_low = (fresh & kYes) != 0 && !h.unknown, add_high = (fresh & kMaybe) != 0;
        if (!add_low && !add_high) return;
        Bound totals[2];
        add_dense_both(sums, asset, add_low, h.low, add_high,
                       add_high && h.unknown ? unknown_cap(graph, asset, as_of, work.scratch.cap) : h.high,
                       work.touched, totals);
        if (add_low && (state & kYes) == 0 && surely_meets(period, totals[0])) gained |= kYes;
        if (add_high && (state & kMaybe) == 0 && possibly_meets(period, totals[1])) gained |= kMaybe;
        gain(asset, gained);
      });
    };
    // A nominee's holdings are its principal's, not its own (RULES.md §5.5).
    if (principal_of(node) == kNoNode) add_holdings(node);
    if (!nominee_of.empty())
      for (EdgeId edge : graph.in_edges(node))
        if (graph.interest(edge) == Interest::NomineeFor && principal_of(graph.source(edge)) == node)
          add_holdings(graph.source(edge));
    if (!info.control_counts) return;
    for (EdgeId edge : graph.out_edges(node)) {
      if (graph.edge_kind(edge) != EdgeKind::Controls) continue;
      const NodeId asset = graph.target(edge);
      if (asset == node || !in_region(asset) || !graph.edge_holds(edge, as_of)) continue;
      const std::uint8_t gained = control_gain(edge, fresh);
      if (partial) work.visited.push_back(asset);
      if (gained == 0) continue;
      // Marks a node a control link (not only shares) gives a flag to, whatever the order.
      std::atomic_ref<std::uint8_t>(set.state_[index(asset)]).fetch_or(BlockedSet::kByControl, std::memory_order_relaxed);
      gain(asset, gained);
    }
  }

  /// The walk is bound by memory latency: each frontier node's offsets, its out-edges, its
  /// assets' flags and sums, and (for a stake of unknown size) the other stakes in the asset are
  /// each a cache miss at 1M nodes, and each read needs the one before. So the reads of the nodes
  /// a few turns ahead are asked for in stages, each reading what the stage before asked for, and
  /// the misses of several nodes overlap instead of following one another (as reach does).
  [[gnu::always_inline]] void prefetch_ahead(const detail::ReusedVector<std::pair<NodeId, std::uint8_t>>& frontier,
                                             std::size_t at, const DenseBuffer& sums) const {
    constexpr std::size_t kOffsets = 20, kStakes = 15, kAssets = 10, kInList = 6, kInStakes = 3;
    const std::size_t size = frontier.size();
    if (at + kOffsets < size) graph.prefetch_offsets(frontier[at + kOffsets].first);
    if (at + kStakes < size) graph.prefetch_out_stakes(frontier[at + kStakes].first);
    // An asset's cap (unknown_cap) is needed only for a stake of unknown size.
    auto unknown_stakes = [&](std::size_t ahead, auto&& fn) {
      if (at + ahead >= size || (frontier[at + ahead].second & BlockedSet::kMaybe) == 0) return;
      for (EdgeId edge : graph.out_edges(frontier[at + ahead].first))
        if (!graph.share(edge).known()) fn(graph.target(edge));
    };
    if (at + kAssets < size)
      for (EdgeId edge : graph.out_edges(frontier[at + kAssets].first)) {
        const NodeId asset = graph.target(edge);
        __builtin_prefetch(set.state_.data() + index(asset));
        __builtin_prefetch(sums.data() + index(asset));
        if ((frontier[at + kAssets].second & BlockedSet::kMaybe) != 0 && !graph.share(edge).known())
          graph.prefetch_offsets(asset);
      }
    unknown_stakes(kInList, [&](NodeId asset) { graph.prefetch_in_list(asset); });
    unknown_stakes(kInStakes, [&](NodeId asset) { graph.prefetch_in_stakes(asset); });
  }

  /// `more`: what-if runs: nodes to expand besides the seeds, with the flags they pass on.
  void aggregating(const std::vector<NodeId>& seeds,
                   const std::vector<std::pair<NodeId, std::uint8_t>>& more = {}) {
    constexpr std::uint8_t kYes = BlockedSet::kYes, kMaybe = BlockedSet::kMaybe;
    constexpr std::size_t kGrain = 256;  // frontier nodes a block
    DenseSums lease(graph.node_count());
    DenseBuffer& sums = lease.sums();
    std::vector<Worker> workers(thread_count());
    detail::ReusedVector<std::pair<NodeId, std::uint8_t>> frontier;
    for (NodeId seed : seeds) frontier.emplace_back(seed, kYes | kMaybe);
    frontier.insert(frontier.end(), more.begin(), more.end());
    BlockedSet::NodeTable joint_added;  // asset -> the jointly held block already added
    detail::ReusedVector<NodeId> dirty;  // assets whose jointly held block may have grown
    auto gather_next = [&] {
      frontier.clear();
      for (Worker& work : workers) {
        frontier.insert(frontier.end(), work.next.begin(), work.next.end());
        work.next.clear();
        dirty.insert(dirty.end(), work.dirty.begin(), work.dirty.end());
        work.dirty.clear();
        if (partial) visited.insert(visited.end(), work.visited.begin(), work.visited.end());
        work.visited.clear();
      }
    };
    for (;;) {
      while (!frontier.empty()) {
        parallel_for(frontier.size(), kGrain, [&](std::size_t begin, std::size_t end, unsigned worker) {
          for (std::size_t at = begin; at < end; ++at) {
            prefetch_ahead(frontier, at, sums);
            expand(frontier[at].first, frontier[at].second, sums, workers[worker]);
          }
        });
        gather_next();
      }
      if (dirty.empty()) break;
      // Jointly held shares are one block, whoever of its holders is blocked: the block counts
      // once, at the largest share a (surely / possibly) blocked joint holder holds (RULES.md §5.5,
      // JOINT_AGGREGATE_ASSUMED). Only the growth since the last look is added, so sums stay exact.
      std::sort(dirty.begin(), dirty.end());
      dirty.erase(std::unique(dirty.begin(), dirty.end()), dirty.end());
      Worker& work = workers[0];
      for (NodeId asset : dirty) {
        Bound lo{}, hi{};
        for (EdgeId edge : graph.in_edges(asset)) {
          if (graph.interest(edge) != Interest::JointlyHeld || graph.source(edge) == asset ||
              !graph.edge_holds(edge, as_of))
            continue;
          const NodeId principal = principal_of(graph.source(edge));
          const auto holder_state = set.state_[index(principal != kNoNode ? principal : graph.source(edge))];
          const Percent share = graph.share(edge);
          const Bound a = share.low(), b = share.known() ? share.high() : cap(asset);
          if ((holder_state & kYes) != 0 && share.known() && (a.units > lo.units || (a.units == lo.units && a.open)))
            lo = a;
          if ((holder_state & kMaybe) != 0 && (b.units > hi.units || (b.units == hi.units && !b.open))) hi = b;
        }
        std::uint64_t& added = joint_added.at(asset);
        const Sum before_lo = Sum::unpack(static_cast<std::uint32_t>(added));
        const Sum before_hi = Sum::unpack(static_cast<std::uint32_t>(added >> 32));
        std::uint8_t gained = 0;
        const auto state = set.state_[index(asset)];
        if (lo.units > before_lo.units || (lo.units == before_lo.units && lo.open && !before_lo.open)) {
          const Bound total = add_dense(sums, asset, false, {lo.units - before_lo.units, lo.open}, work.touched);
          if ((state & kYes) == 0 && surely_meets(period, total)) gained |= kYes;
        }
        if (hi.units > before_hi.units) {
          const Bound total = add_dense(sums, asset, true, {hi.units - before_hi.units, hi.open}, work.touched);
          if ((state & kMaybe) == 0 && possibly_meets(period, total)) gained |= kMaybe;
        }
        added = std::uint64_t{Sum{lo.units, lo.open}.pack()} | (std::uint64_t{Sum{hi.units, hi.open}.pack()} << 32);
        if (gained != 0)
          if (const std::uint8_t got = gain_flags(set.state_[index(asset)], gained); got != 0) work.next.emplace_back(asset, got);
      }
      dirty.clear();
      gather_next();
    }
    // The sums the walk touched go to the set's table, in node order (the table's layout then
    // does not depend on the threads either).
    // Node order without sorting the touched list (a sort was ~13% of the walk at 1M): one bit a
    // node, read word by word.
    if (partial) {
      // A what-if run touched a neighbourhood: no word a node for its marks.
      for (Worker& work : workers)
        for (NodeId node : work.touched) {
          set.sums_.at(node) = sums[index(node)].load(std::memory_order_relaxed);
          sums[index(node)].store(0, std::memory_order_relaxed);
          visited.push_back(node);
        }
      return;
    }
    detail::ReusedVector<std::uint64_t> marks((graph.node_count() + 63) / 64, 0);
    std::size_t touched = 0;
    for (Worker& work : workers) {
      touched += work.touched.size();
      for (NodeId node : work.touched) marks[index(node) >> 6] |= std::uint64_t{1} << (index(node) & 63);
    }
    // The table gets its final size at once (growing it step by step rehashed every sum), and
    // each node's slot is asked for a few nodes ahead of its insert: the slots are random.
    set.sums_.reserve(touched);
    detail::ReusedVector<NodeId>& order = workers[0].touched;
    order.clear();
    for (std::size_t word = 0; word < marks.size(); ++word)
      for (std::uint64_t bits = marks[word]; bits != 0; bits &= bits - 1)
        order.push_back(NodeId{static_cast<std::uint32_t>(word * 64 + static_cast<std::size_t>(std::countr_zero(bits)))});
    constexpr std::size_t kAhead = 16;
    for (std::size_t at = 0; at < order.size(); ++at) {
      if (at + kAhead < order.size()) set.sums_.prefetch(order[at + kAhead]);
      const NodeId node = order[at];
      set.sums_.at(node) = sums[index(node)].load(std::memory_order_relaxed);
      sums[index(node)].store(0, std::memory_order_relaxed);  // the buffer goes back clean
    }
  }

  /// What one control edge from a (surely or possibly) blocked holder gives its target: voting
  /// rights or the right to appoint the board, more than 50% -> yes; a share that may be more
  /// than 50%, or control of a type the source does not give -> possibly; any other interest
  /// (influence, profits, trusts, nominees, offices) -> nothing here: a caution (RULES.md §5.5).
  std::uint8_t control_gain(EdgeId edge, std::uint8_t fresh) const {
    constexpr std::uint8_t kYes = BlockedSet::kYes, kMaybe = BlockedSet::kMaybe;
    const Interest interest = graph.interest(edge);
    const Percent share = graph.share(edge);
    std::uint8_t gained = 0;
    if (interest == Interest::VotingRights || interest == Interest::AppointBoard) {
      if ((fresh & kYes) != 0 && share.known() && surely_majority(share.low())) gained |= kYes;
      if ((fresh & kMaybe) != 0 && possibly_majority(share.high())) gained |= kMaybe;
    } else if (interest == Interest::Unspecified) {
      if ((fresh & kMaybe) != 0) gained |= kMaybe;
    }
    return gained;
  }

  // One non-aggregating pass (UK; OFAC before 2014; EU before 2022): each blocked node's holdings
  // count for one designated person, its group (union-find). An asset is blocked when one group
  // holds past the threshold in shares, or (UK reg. 7(2)(b), (c); EU control) more than 50% of
  // the voting rights or of the board (OFSI para 4.14: holdings of different designated persons
  // are not added up). Schedule 1 para 2: jointly held shares count in full for each holder;
  // para 3: each party to a joint arrangement holds the combined shares or rights of all of
  // them, whether or not the others are designated. A nominee's holdings are its principal's.
  // A designated person majority-owned by another group joins that group (UK_INDIRECT_ASSUMED).
  struct Entry {
    NodeId root, owner;
    int measure;  // 0 shares, 1 voting rights, 2 board, 3 control of unknown type
    Percent share;
    Interest interest;
  };
  void grouped(std::vector<NodeId> frontier, bool upper) {
    const std::uint8_t flag = upper ? BlockedSet::kMaybe : BlockedSet::kYes;
    auto& parent = upper ? set.group_hi_ : set.group_lo_;
    std::vector<NodeId> candidates, next;
    std::vector<Entry> entries;
    auto measure_of = [&](EdgeId edge) {
      if (is_stake(graph, edge)) return 0;
      if (graph.edge_kind(edge) != EdgeKind::Controls || !info.control_counts) return -1;
      switch (graph.interest(edge)) {
        case Interest::VotingRights: return 1;
        case Interest::AppointBoard: return 2;
        case Interest::Unspecified: return 3;
        default: return -1;
      }
    };
    auto flagged = [&](NodeId node) { return (set.state_[index(node)] & flag) != 0; };
    for (;;) {
      bool merged = false;
      while (!frontier.empty()) {
        candidates.clear();
        for (NodeId node : frontier) {
          for (EdgeId edge : graph.out_edges(node))
            if (measure_of(edge) >= 0) candidates.push_back(graph.target(edge));
          if (!nominee_of.empty())
            for (EdgeId edge : graph.in_edges(node))
              if (graph.interest(edge) == Interest::NomineeFor && principal_of(graph.source(edge)) == node)
                for (EdgeId held : graph.out_edges(graph.source(edge)))
                  if (measure_of(held) >= 0) candidates.push_back(graph.target(held));
        }
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
        // The in-edges' sources are read at random: ask for the next candidates' sources a few
        // assets ahead, so the misses overlap instead of following one another.
        constexpr std::size_t kAhead = 4;
        for (std::size_t ahead = 0; ahead < std::min(kAhead, candidates.size()); ++ahead)
          for (EdgeId edge : graph.in_edges(candidates[ahead])) graph.prefetch_source(edge);
        for (std::size_t position = 0; position < candidates.size(); ++position) {
          const NodeId asset = candidates[position];
          if (position + kAhead < candidates.size())
            for (EdgeId edge : graph.in_edges(candidates[position + kAhead])) graph.prefetch_source(edge);
          if (!in_region(asset)) continue;  // what-if: outside the region nothing changes
          if (partial) visited.push_back(asset);
          auto& state = set.state_[index(asset)];
          const bool listed = (state & BlockedSet::kListed) != 0;
          if ((state & flag) != 0 && !listed) continue;
          entries.clear();
          Sum arrangement[4]{}, arrangement_hi[4]{};
          bool cap_known = false;
          Bound cap_value{};
          auto cap_of = [&] {
            if (!cap_known) cap_value = cap(asset), cap_known = true;
            return cap_value;
          };
          for (EdgeId edge : graph.in_edges(asset)) {
            const NodeId owner = graph.source(edge);
            if (owner == asset) continue;
            const Interest interest = graph.interest(edge);
            // Most owners are not flagged: their edges count for nothing unless they are part of
            // a joint arrangement (every party counts) or held by a nominee (for its principal),
            // so they are passed over before the rest of the edge is read.
            if (nominee_of.empty() && interest != Interest::JointArrangement && !flagged(owner)) continue;
            const int measure = measure_of(edge);
            if (measure < 0 || !graph.edge_holds(edge, as_of)) continue;
            const Percent share = graph.share(edge);
            if (interest == Interest::JointArrangement) {
              // Every party's shares or rights under the arrangement, designated or not.
              arrangement[measure].add(share.known() ? share.low() : Bound{});
              arrangement_hi[measure].add(share.known() ? share.high() : measure == 0 ? cap_of() : Bound{kHundred, false});
            }
            // A nominee's holdings are its principal's, not its own (RULES.md §5.5).
            const NodeId principal = principal_of(owner);
            const NodeId holder = principal != kNoNode ? (flagged(principal) ? principal : kNoNode)
                                  : flagged(owner)     ? owner
                                                       : kNoNode;
            if (holder == kNoNode) continue;
            entries.push_back({find_root(parent, holder), owner, measure, share, interest});
          }
          std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
            return std::tie(a.root, a.measure, a.owner) < std::tie(b.root, b.measure, b.owner);
          });
          NodeId best = kNoNode, winner = kNoNode;
          Sum best_sum;
          for (std::size_t at = 0; at < entries.size();) {
            std::size_t end = at;
            while (end < entries.size() && entries[end].root == entries[at].root &&
                   entries[end].measure == entries[at].measure)
              ++end;
            const NodeId root = entries[at].root;
            const int measure = entries[at].measure;
            Sum total;
            Bound joint{};
            bool in_arrangement = false;
            for (std::size_t from = at; from < end;) {
              std::size_t to = from;
              shares.clear();
              while (to < end && entries[to].owner == entries[from].owner) shares.push_back(entries[to++].share);
              const Holding h = reconcile(shares);
              const Interest interest = entries[from].interest;
              from = to;
              const Bound part = upper ? (h.unknown ? (measure == 0 ? cap_of() : Bound{kHundred, false}) : h.high)
                                       : (h.unknown ? Bound{} : h.low);
              if (interest == Interest::JointArrangement) {
                in_arrangement = true;  // counted below, with the other parties' shares
              } else if (interest == Interest::JointlyHeld) {
                // Sch. 1 para 2: each joint holder holds the whole; within one designated
                // person's group the same jointly held shares count once.
                if (part.units > joint.units || (part.units == joint.units && part.open)) joint = part;
              } else {
                total.add(part);
              }
            }
            total.add(joint);
            if (in_arrangement) total.add((upper ? arrangement_hi[measure] : arrangement[measure]).bound());
            const Bound sum = total.bound();
            bool meets = false;
            if (measure == 0) meets = upper ? possibly_meets(period, sum) : surely_meets(period, sum);
            else if (measure == 3) meets = upper;
            else meets = upper ? possibly_majority(sum) : surely_majority(sum);
            if (measure == 0 && (best == kNoNode || sum.units > best_sum.units ||
                                 (sum.units == best_sum.units && root < best))) {
              best = root;
              best_sum = total;
            }
            if (meets && (winner == kNoNode || (measure == 0 && root == best) || root < winner)) winner = root;
            at = end;
          }
          if (best != kNoNode) set_sum(set.sums_, asset, upper, best_sum);
          if (winner == kNoNode) continue;
          if (!listed) {
            state |= flag;
            if (best != winner || !(upper ? possibly_meets(period, best_sum.bound())
                                          : surely_meets(period, best_sum.bound())))
              state |= BlockedSet::kByControl;
            parent.at(asset) = index(winner);
            next.push_back(asset);
          } else if (const NodeId own = find_root(parent, asset); own != winner) {
            // A what-if run recomputes its region only: a merge of a group rooted outside it
            // changes holdings counted outside it, so the caller recomputes everything instead.
            if (!in_region(own)) escaped = true;
            if (partial) visited.push_back(own);
            parent.at(own) = index(winner);  // two designated groups become one
            merged = true;
          }
        }
        frontier.swap(next);
        next.clear();
      }
      if (!merged || escaped) break;
      // A merge changes the groups that holdings count for: look again at every asset of a
      // blocked node (rare: a designated person majority-owned by another designated group).
      // A what-if run looks at its region and the blocked owners at its edge: no other node
      // holds anything in the region.
      if (partial) {
        for (NodeId node : rescan)
          if ((set.state_[index(node)] & flag) != 0) frontier.push_back(node);
        continue;
      }
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
    // Each action's in-edges, their sources and the sources' flags are misses one after another:
    // asked for in stages a few actions ahead (as the walk's frontier is, see prefetch_ahead).
    const std::span<const NodeId> actions = graph.action_nodes();
    for (std::size_t position = 0; position < actions.size(); ++position) {
      const NodeId action_node = actions[position];
      if (position + 16 < actions.size()) graph.prefetch_offsets(actions[position + 16]);
      if (position + 11 < actions.size()) graph.prefetch_in_list(actions[position + 11]);
      if (position + 6 < actions.size()) graph.prefetch_in_edges(actions[position + 6]);
      if (position + 3 < actions.size())
        for (EdgeId edge : graph.in_edges(actions[position + 3]))
          __builtin_prefetch(set.state_.data() + index(graph.source(edge)));
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
      if (action->undated()) set.state_[index(action_node)] |= BlockedSet::kUndatedAction;
      if (!holds(listing_period(*action), as_of)) continue;
      set.state_[index(action_node)] |= BlockedSet::kActionInForce;
      const bool undated = action->undated();
      for (EdgeId edge : graph.in_edges(action_node)) {
        if (graph.edge_kind(edge) != EdgeKind::TargetOf || !graph.edge_holds(edge, as_of))
          continue;
        if (undated && dated_record_of(graph, edge) != kNoNode) continue;  // the dated record decides
        const NodeId party = graph.source(edge);
        auto& state = set.state_[index(party)];
        if ((state & BlockedSet::kListed) != 0) continue;
        state |= BlockedSet::kListed | BlockedSet::kYes | BlockedSet::kMaybe;
        seeds.push_back(party);
      }
    }
    if (!assume_delisted.empty())
      std::erase_if(seeds, [&](NodeId party) {
        if (!std::binary_search(assume_delisted.begin(), assume_delisted.end(), party)) return false;
        set.state_[index(party)] &= static_cast<std::uint8_t>(~(BlockedSet::kListed | BlockedSet::kYes | BlockedSet::kMaybe));
        return true;
      });
    for (NodeId party : assume_designated) {
      auto& state = set.state_[index(party)];
      if ((state & BlockedSet::kListed) != 0) continue;
      state |= BlockedSet::kListed | BlockedSet::kYes | BlockedSet::kMaybe;
      seeds.push_back(party);
    }
    std::sort(seeds.begin(), seeds.end());
    collect_nominees();
    if (period.aggregate) {
      aggregating(seeds);
    } else {
      grouped(seeds, false);
      grouped(std::move(seeds), true);
      // Flatten the groups so lookups are one step.
      for (auto* parent : {&set.group_lo_, &set.group_hi_})
        parent->for_each([&](NodeId, std::uint64_t& up) {
          up = index(find_root(*parent, NodeId{static_cast<std::uint32_t>(up)}));
        });
    }
  }
};

BlockedSet blocked_set(const Graph& graph, const ExposureOptions& options) {
  BlockedSet set;
  const RuleInfo& info = rule_info(options.rule);
  set.rule_ = options.rule;
  set.as_of_ = options.as_of;
  set.period_ = &info.period_at(options.as_of);
  set.graph_token_ = graph.token();
  BlockedSetBuilder{graph, set, info, *set.period_, options.as_of}.run();
  return set;
}

// -----------------------------------------------------------------------------------------------
// What-if: the same fixpoint on a region of a blocked set (queries/whatif.h says why the result
// equals a full recompute).

namespace detail {

std::vector<std::pair<NodeId, NodeId>> BlockedSetEditor::nominees(const Graph& graph, const BlockedSet& set) {
  BlockedSet scratch;
  BlockedSetBuilder builder{graph, scratch, rule_info(set.rule_), *set.period_, set.as_of_};
  builder.collect_nominees();
  return std::move(builder.nominee_of);
}

BlockedSet BlockedSetEditor::recompute(const Graph& graph, const BlockedSet& base, std::span<const NodeId> designate,
                                       std::span<const NodeId> delist) {
  BlockedSet set;
  set.rule_ = base.rule_;
  set.as_of_ = base.as_of_;
  set.period_ = base.period_;
  set.graph_token_ = base.graph_token_;
  BlockedSetBuilder builder{graph, set, rule_info(set.rule_), *set.period_, set.as_of_};
  builder.assume_designated = designate;
  builder.assume_delisted = delist;
  builder.run();
  return set;
}

void BlockedSetEditor::run(const Graph& graph, BlockedSet& set, RegionRun& run) {
  constexpr std::uint8_t kListed = BlockedSet::kListed, kYes = BlockedSet::kYes, kMaybe = BlockedSet::kMaybe;
  constexpr std::uint8_t kKeep = BlockedSet::kAction | BlockedSet::kActionInForce | BlockedSet::kUndatedAction;
  BlockedSetBuilder builder{graph, set, rule_info(set.rule_), *set.period_, set.as_of_};
  builder.partial = true;
  builder.nominee_of.assign(run.nominees.begin(), run.nominees.end());
  auto is = [](std::span<const NodeId> sorted, NodeId node) {
    return std::binary_search(sorted.begin(), sorted.end(), node);
  };
  if (run.continuation) {
    // Designations only, aggregating: the least fixpoint grows from the baseline's. Each new
    // designated party passes on the flags it did not have; sums start from the baseline's.
    builder.base_sums = &set.sums_;
    std::vector<std::pair<NodeId, std::uint8_t>> more;
    for (NodeId node : run.designate) {
      std::uint8_t& state = set.state_[index(node)];
      builder.visited.push_back(node);
      if ((state & kListed) != 0) continue;
      const auto gained = static_cast<std::uint8_t>((kYes | kMaybe) & ~state);
      state |= kListed | kYes | kMaybe;
      if (gained != 0) more.emplace_back(node, gained);
    }
    builder.aggregating({}, more);
    run.visited = std::move(builder.visited);
    return;
  }
  builder.region_stamp = run.stamp;
  builder.region_gen = run.generation;
  // The region starts from nothing but its listings (after the changes); sums and groups go.
  std::vector<NodeId> seeds;
  for (NodeId node : run.region) {
    std::uint8_t& state = set.state_[index(node)];
    bool listed = (state & kListed) != 0;
    if (is(run.designate, node)) listed = true;
    else if (is(run.delist, node)) listed = false;
    state = static_cast<std::uint8_t>((state & kKeep) | (listed ? kListed | kYes | kMaybe : 0));
    if (listed) seeds.push_back(node);
    if (set.sums_.get(node) != 0) set.sums_.at(node) = 0;
    for (auto* parent : {&set.group_lo_, &set.group_hi_})
      if (parent->get(node, index(kNoNode)) != index(kNoNode)) parent->at(node) = index(kNoNode);
  }
  // The blocked owners at its edge keep their verdicts and pass their holdings in once more.
  std::vector<NodeId> boundary;
  for (NodeId node : run.region)
    for (EdgeId edge : graph.in_edges(node)) {
      const EdgeKind kind = graph.edge_kind(edge);
      if (kind != EdgeKind::Owns && kind != EdgeKind::Controls) continue;
      const NodeId owner = graph.source(edge);
      for (NodeId holder : {owner, builder.principal_of(owner)})
        if (holder != kNoNode && !builder.in_region(holder) && (set.state_[index(holder)] & (kYes | kMaybe)) != 0)
          boundary.push_back(holder);
    }
  std::sort(boundary.begin(), boundary.end());
  boundary.erase(std::unique(boundary.begin(), boundary.end()), boundary.end());
  if (builder.period.aggregate) {
    std::vector<std::pair<NodeId, std::uint8_t>> more;
    for (NodeId node : boundary) more.emplace_back(node, static_cast<std::uint8_t>(set.state_[index(node)] & (kYes | kMaybe)));
    builder.aggregating(seeds, more);
  } else {
    builder.rescan.assign(run.region.begin(), run.region.end());
    builder.rescan.insert(builder.rescan.end(), boundary.begin(), boundary.end());
    for (const bool upper : {false, true}) {
      std::vector<NodeId> frontier = seeds;
      for (NodeId node : boundary)
        if ((set.state_[index(node)] & (upper ? kMaybe : kYes)) != 0) frontier.push_back(node);
      builder.grouped(std::move(frontier), upper);
      if (builder.escaped) break;
    }
  }
  run.visited = std::move(builder.visited);
  run.visited.insert(run.visited.end(), run.region.begin(), run.region.end());
  run.escaped = builder.escaped;
}

void BlockedSetEditor::restore(BlockedSet& set, const BlockedSet& base, std::span<const NodeId> nodes) {
  for (NodeId node : nodes) {
    set.state_[index(node)] = base.state_[index(node)];
    const std::uint64_t sums = base.sums_.get(node);
    if (set.sums_.get(node) != sums) set.sums_.at(node) = sums;
    for (int side = 0; side < 2; ++side) {
      auto& parent = side == 0 ? set.group_lo_ : set.group_hi_;
      const auto& from = side == 0 ? base.group_lo_ : base.group_hi_;
      const std::uint64_t up = from.get(node, index(kNoNode));
      if (parent.get(node, index(kNoNode)) != up) parent.at(node) = up;
    }
  }
}

}  // namespace detail

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

  /// listing_undated for a TARGET_OF link to a designating action: the blocked set already
  /// knows whether the action gives a date, so a dated one costs no look-up of the action.
  bool undated_listing(EdgeId target_of) const {
    return blocked.undated_designating_action(graph.target(target_of)) && graph.edge_valid(target_of).is_open();
  }
  /// dated_record_of for a TARGET_OF link to a designating action: only an undated listing can
  /// have a dated record standing for it (RULES.md §8.8).
  NodeId dated_record(EdgeId target_of) const {
    return undated_listing(target_of) ? dated_record_of(graph, target_of) : kNoNode;
  }

  /// True when every listing that designates `party` on the date is undated (RULES.md §8.8).
  bool designated_date_unknown(NodeId party) const {
    bool any = false;
    for (EdgeId edge : graph.out_edges(party)) {
      if (graph.edge_kind(edge) != EdgeKind::TargetOf ||
          !blocked.designating_action_in_force(graph.target(edge)) || !graph.edge_holds(edge, as_of) ||
          dated_record(edge) != kNoNode)
        continue;
      if (!undated_listing(edge)) return false;
      any = true;
    }
    return any;
  }

  std::string_view status(NodeId node, bool upper) const {
    if (blocked.listed(node)) return designated_date_unknown(node) ? "designated, date unknown" : "designated";
    if (upper && blocked.would_be(node) != Verdict::Yes) return "possibly blocked";
    return "blocked";
  }
  Cite cite() const { return {info.id, period.basis}; }

  /// The listing actions in force of a designated party, under this rule.
  std::vector<NodeId> listing_actions(NodeId party) const {
    std::vector<NodeId> out;
    for (EdgeId edge : graph.out_edges(party))
      if (graph.edge_kind(edge) == EdgeKind::TargetOf &&
          blocked.designating_action_in_force(graph.target(edge)) &&
          graph.edge_holds(edge, as_of) && dated_record(edge) == kNoNode)
        out.push_back(graph.target(edge));
    return out;
  }

  ChainStep step(EdgeId edge, bool = false) const {
    return {.edge = edge, .owner = graph.source(edge), .asset = graph.target(edge),
            .kind = graph.edge_kind(edge), .share = graph.share(edge),
            .valid = graph.edge_valid(edge)};
  }

  /// "file.json:12 (record X)" for an edge's first record.
  std::string record_text(EdgeId edge) const {
    const auto provs = graph.edge_provenance(edge);
    return provs.empty() ? std::string("no record") : graph.describe(provs.front());
  }

  /// The first day a party's designation under this rule, in force on the date, began (the
  /// later of the action's start or listed date and the TARGET_OF link's start); nullopt when
  /// no date is given.
  std::optional<Date> designated_since(NodeId party) const {
    std::optional<Date> out;
    for (EdgeId edge : graph.out_edges(party)) {
      if (graph.edge_kind(edge) != EdgeKind::TargetOf || !blocked.designating_action(graph.target(edge)))
        continue;
      const Action* action = graph.action(graph.target(edge));
      std::optional<Date> start = graph.edge_valid(edge).start;
      if (action != nullptr) {
        for (const auto& other : {action->in_force.start, action->listed})
          if (other && (!start || *other > *start)) start = other;
      }
      if (start && (!out || *start < *out)) out = start;
    }
    return out;
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
      std::int64_t best_bp = -1;
      for (EdgeId edge : graph.in_edges(node)) {
        const EdgeKind kind = graph.edge_kind(edge);
        if (kind != EdgeKind::Owns && (kind != EdgeKind::Controls || !info.control_counts)) continue;
        const NodeId from = graph.source(edge);
        if (from == node || level(from) < need || !graph.edge_holds(edge, as_of)) continue;
        const Percent share = graph.share(edge);
        const std::int64_t bp = is_stake(graph, edge) ? std::int64_t{share.low().units}
                                                      : std::int64_t{kHundred} + 1;
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
    // Written straight into one string: an answer's text is most of what it costs.
    std::string text;
    auto out = std::back_inserter(text);
    for (const ChainStep& s : chain) {
      if (!text.empty()) text += "; ";
      const bool top = blocked.listed(s.owner);
      const Interest interest = s.edge == kNoEdge ? Interest::Unspecified : graph.interest(s.edge);
      if (interest == Interest::NomineeFor)
        fmt::format_to(out, "{} holds as nominee for {}{}", graph.name(s.owner), graph.name(s.asset),
                       dates(s.valid));
      else if (s.kind == EdgeKind::Controls && !is_stake(graph, s.edge))
        fmt::format_to(out, "{} ({}) {} {}{}", graph.name(s.owner), status(s.owner, !top),
                       control_words(interest, s.share), graph.name(s.asset), dates(s.valid));
      else
        fmt::format_to(out, "{} ({}) owns {} of {}{}{}", graph.name(s.owner), status(s.owner, !top),
                            s.share.known() ? s.share.to_string() : "an unknown share",
                            graph.name(s.asset),
                            interest == Interest::Nominator ? " (held for it by a nominee)"
                            : interest == Interest::JointlyHeld ? " (held jointly)"
                            : interest == Interest::JointArrangement ? " (under a joint arrangement)"
                                                                     : "",
                            dates(s.valid));
    }
    return text;
  }

  static std::string control_words(Interest interest, const Percent& share) {
    const std::string amount = share.known() ? share.to_string() : "an unstated share";
    switch (interest) {
      case Interest::VotingRights: return fmt::format("holds {} of the voting rights in", amount);
      case Interest::AppointBoard:
        return fmt::format("has the right to appoint or remove {} of the board of", amount);
      case Interest::SignificantInfluence: return "has significant influence or control over";
      case Interest::ProfitRights: return fmt::format("has rights to {} of the profits or assets of", amount);
      case Interest::TrustSettlor: return "is settlor, trustee or protector of a trust holding";
      case Interest::TrustBeneficiary: return "is beneficiary of a legal arrangement holding";
      case Interest::Nominee: return "holds as nominee (for a principal not named) in";
      case Interest::Director: return "is a director of";
      case Interest::Officer: return "is an officer of";
      default: return "controls (the source does not say how)";
    }
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
  if (!blocked.built_for(graph))
    throw Error(fmt::format("a blocked set ({}) computed from another graph was used with this one "
                            "({} nodes): compute it from this graph",
                            to_string(blocked.rule()), graph.node_count()));
  if (index(entity) >= graph.node_count())
    throw Error(fmt::format("node {} is not in this graph ({} nodes)", index(entity), graph.node_count()));
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
  const Cite cite = ex.cite();
  const ThresholdText threshold{period.inclusive, period.aggregate};

  // Its own listings, in force or not. The undated records of a designation that has a dated
  // record are shown with it, as one listing (RULES.md §8.8).
  for (EdgeId edge : graph.out_edges(entity)) {
    if (graph.edge_kind(edge) != EdgeKind::TargetOf) continue;
    const NodeId action = graph.target(edge);
    if (!blocked.designating_action(action)) continue;
    if (ex.dated_record(edge) != kNoNode) continue;  // told with its dated record below
    const bool now = blocked.designating_action_in_force(action) && graph.edge_holds(edge, as_of);
    Reason reason = with_kind(now ? ReasonKind::Listed : ReasonKind::ListingNotInForce);
    reason.actions.push_back(action);
    std::string same;
    const bool dated = !ex.undated_listing(edge);  // only a dated record stands for others
    for (EdgeId other : graph.out_edges(entity))
      if (dated && other != edge && graph.edge_kind(other) == EdgeKind::TargetOf &&
          dated_record_of(graph, other) == action) {
        reason.actions.push_back(graph.target(other));
        same += fmt::format("{}{}", same.empty() ? "" : ", ", graph.external_ids(graph.target(other)).empty()
                                                                  ? graph.name(graph.target(other))
                                                                  : graph.string(graph.external_ids(graph.target(other))[0]));
      }
    const bool undated = !dated;
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
    std::int64_t sectoral_units = 0;
    std::vector<ChainStep> steps;
    std::vector<NodeId> sectoral_actions;
    for (EdgeId edge : graph.in_edges(entity)) {
      if (graph.edge_kind(edge) != EdgeKind::Owns || graph.source(edge) == entity ||
          !graph.edge_holds(edge, as_of))
        continue;
      bool sectoral = false;
      for (EdgeId listing : graph.out_edges(graph.source(edge))) {
        if (graph.edge_kind(listing) != EdgeKind::TargetOf || !graph.edge_holds(listing, as_of)) continue;
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
      if (share.known()) sectoral_units += share.low().units;
      steps.push_back(ex.step(edge));
    }
    if (!steps.empty() && sectoral_units >= std::int64_t{kMajority}) {
      Reason reason = with_kind(ReasonKind::OtherMeasure);
      reason.chain = std::move(steps);
      reason.actions = std::move(sectoral_actions);
      reason.min_percent = reason.max_percent = Percent::percent(static_cast<Units>(std::min<std::int64_t>(sectoral_units, kHundred)));
      reason.text = fmt::format(
          "not blocked, but subject to sectoral directives: {} is owned {} by parties on an OFAC "
          "sectoral list ({}); 'these prohibitions apply to ... entities owned 50 percent or more by "
          "one or more persons identified as subject to the Directives' (OFAC FAQ 373); a sectoral "
          "listing is not a blocking (direct stakes only are summed here) {}",
          graph.name(entity), pct(Bound{static_cast<Units>(std::min<std::int64_t>(sectoral_units, kHundred)), false}), ex.action_text(reason.actions.front()), cite);
      out.cautions.push_back(std::move(reason));
    }
  }

  // Stakes: each owner's records of its stake in the entity that hold on the date, reconciled
  // into one holding (RULES.md §5.4); from blocked (or possibly blocked) owners, or from
  // nominees holding for them (RULES.md §5.5).
  struct GroupSum {
    NodeId group;
    Sum sum;
  };
  std::vector<GroupSum> lo_groups, hi_groups;
  Sum agg_lo, agg_hi, all_lo, everyone;  // everyone: all owners' holdings, for the 100% check
  Bound joint_lo{}, joint_hi{}, everyone_joint{};  // the jointly held block
  bool uses_derived = false, any_owner = false;
  auto add_group = [](std::vector<GroupSum>& groups, NodeId group, Bound bound) {
    for (auto& g : groups)
      if (g.group == group) return g.sum.add(bound);
    groups.push_back({group, {}});
    groups.back().sum.add(bound);
  };
  auto principal_of = [&](NodeId owner) -> std::pair<NodeId, EdgeId> {
    if (!graph.has_interests()) return {kNoNode, kNoEdge};
    std::pair<NodeId, EdgeId> found{kNoNode, kNoEdge};
    for (EdgeId edge : graph.out_edges(owner)) {
      if (graph.interest(edge) != Interest::NomineeFor || !graph.edge_holds(edge, as_of)) continue;
      if (found.first != kNoNode && found.first != graph.target(edge)) return {kNoNode, kNoEdge};
      found = {graph.target(edge), edge};
    }
    return found;
  };
  // Buffers reused from call to call on this thread: an entity's stakes are a handful of
  // records, and allocating for them would cost more than reading them.
  // The share is read with the owner, so the reads of one record's columns overlap.
  struct StakeRecord {
    NodeId owner;
    EdgeId edge;
    Percent share;
  };
  thread_local std::vector<StakeRecord> stakes;  // in force on the date
  thread_local std::vector<Percent> shares;
  stakes.clear();
  // The records of one owner's holding: stakes[from, to) once sorted.
  auto records_of = [&](std::size_t from, std::size_t to) {
    std::vector<EdgeId> records;
    records.reserve(to - from);
    for (std::size_t at = from; at < to; ++at) records.push_back(stakes[at].edge);
    return records;
  };
  struct Kept {
    NodeId owner;
    Bound low;
    std::size_t from, to;  // its records in `stakes`
  };
  std::vector<Kept> sure_holdings;  // surely blocked holders' known stakes: blocked property
  for (EdgeId edge : graph.in_edges(entity)) {
    if (!is_stake(graph, edge) || graph.source(edge) == entity) continue;
    const NodeId owner = graph.source(edge);
    if (graph.edge_holds(edge, as_of)) {
      stakes.push_back({owner, edge, graph.share(edge)});
      continue;
    }
    if (blocked.would_be(owner) == Verdict::No) continue;
    Reason reason = with_kind(ReasonKind::StakeNotInForce);
    reason.chain.push_back(ex.step(edge));
    reason.text = fmt::format("not counted: the stake of {} ({}) in {}, {}{}, does not hold on "
                              "the date {}",
                              graph.name(owner), ex.status(owner, true), graph.name(entity),
                              graph.share(edge).to_string(), dates(graph.edge_valid(edge)), cite);
    out.cautions.push_back(std::move(reason));
    // Divestment after designation (OFAC FAQ 402): the stake ended while its owner was listed.
    const auto ended = graph.edge_valid(edge).end;
    const auto since = ex.designated_since(owner);
    if (ended && since && *since < *ended && (!as_of || *ended <= *as_of)) {
      Reason divest = with_kind(ReasonKind::Divestment);
      divest.chain.push_back(ex.step(edge));
      divest.actions = ex.listing_actions(owner);
      divest.text = fmt::format(
          "divestment after designation: {} was designated from {} and its stake in {} ended "
          "on {}. {} {}",
          graph.name(owner), since->to_string(), graph.name(entity), ended->to_string(),
          info.rule == Rule::Ofac || info.rule == Rule::BisAffiliates
              ? "OFAC FAQ 402: the entity is no longer automatically blocked only if the "
                "divestment occurred 'entirely outside of U.S. jurisdiction' and did 'not involve "
                "U.S. persons'; property blocked before it stays blocked, and OFAC 'does not "
                "recognize any subsequent unlicensed transfers'. Check the transfer and the buyer "
                "(a relative or associate of the designated person is a red flag)."
              : "The 2024 EU Best Practices name 'transfers of shares close to the time of "
                "designation' as an indication of control to analyse (RULES.md §2.4); check the "
                "buyer and whether the seller kept control.",
          cite);
      out.cautions.push_back(std::move(divest));
    }
  }
  std::sort(stakes.begin(), stakes.end(), [](const StakeRecord& a, const StakeRecord& b) {
    return std::pair{a.owner, a.edge} < std::pair{b.owner, b.edge};
  });
  for (std::size_t at = 0; at < stakes.size();) {
    std::size_t end = at + 1;
    while (end < stakes.size() && stakes[end].owner == stakes[at].owner) ++end;
    const NodeId owner = stakes[at].owner;
    const EdgeId first = stakes[at].edge;
    const std::size_t from = at, record_count = end - at;
    Holding h;
    if (record_count == 1) {
      // One record (the common case): the holding is its share, as reconcile of one gives it.
      h.records = 1;
      if (stakes[at].share.known()) h.unknown = false, h.low = stakes[at].share.low(), h.high = stakes[at].share.high();
    } else {
      shares.clear();
      for (std::size_t k = at; k < end; ++k) shares.push_back(stakes[k].share);
      h = reconcile(shares);
    }
    at = end;
    any_owner = true;
    if (!h.unknown && graph.interest(first) == Interest::JointlyHeld) {
      if (h.low.units > everyone_joint.units) everyone_joint = h.low;  // one block, many holders
    } else if (!h.unknown) {
      everyone.add(h.low);
    }
    if (h.disagree) {
      Reason reason = with_kind(ReasonKind::DataQuality);
      reason.chain.push_back(ex.step(first));
      reason.records = records_of(from, end);
      std::string listed;
      for (EdgeId edge : reason.records) listed += fmt::format("{}{} [{}]", listed.empty() ? "" : ", ",
                                                       graph.share(edge).to_string(), ex.record_text(edge));
      reason.text = fmt::format("data quality: the records of {}'s stake in {} on the date disagree "
                                "({}): kept as one holding of {} to {}, the range they span {}",
                                graph.name(owner), graph.name(entity), listed, pct(h.low),
                                pct_upper(h.high), cite);
      out.cautions.push_back(std::move(reason));
    }
    NodeId holder = owner;
    Verdict verdict = blocked.would_be(owner);
    EdgeId nominee_edge = kNoEdge;
    if (const auto [principal, edge] = principal_of(owner); principal != kNoNode) {
      // A nominee's holdings are its principal's, not its own (RULES.md §5.5).
      holder = principal;
      nominee_edge = edge;
      verdict = blocked.would_be(principal);
    }
    if (verdict == Verdict::No) continue;
    const bool sure = verdict == Verdict::Yes;
    const bool joint = period.aggregate && graph.interest(first) == Interest::JointlyHeld;
    const Bound cap = h.unknown ? unknown_cap(graph, entity, as_of) : Bound{};
    const Bound lo = sure && !h.unknown ? h.low : Bound{};
    const Bound hi = h.unknown ? cap : h.high;
    Reason reason = with_kind(h.unknown && sure ? ReasonKind::UnknownShare
                              : sure            ? ReasonKind::Owned
                                                : ReasonKind::PossiblyBlockedOwner);
    ex.chain_above(holder, !sure, reason.chain);
    if (nominee_edge != kNoEdge) reason.chain.push_back(ex.step(nominee_edge, true));
    reason.chain.push_back(ex.step(first));
    reason.records = records_of(from, end);
    if (!reason.chain.empty()) reason.actions = ex.listing_actions(reason.chain.front().owner);
    if (reason.chain.size() > 1 + (nominee_edge != kNoEdge)) uses_derived = true;
    reason.min_percent = Percent::percent(lo.units);
    reason.max_percent = Percent::percent(hi.units);
    if (joint) {
      // One block of jointly held shares, whoever holds it: counted once (below).
      if (lo.units > joint_lo.units || (lo.units == joint_lo.units && lo.open)) joint_lo = lo;
      if (hi.units > joint_hi.units) joint_hi = hi;
    } else {
      agg_lo.add(lo);
      agg_hi.add(hi);
    }
    all_lo.add(lo);
    if (!period.aggregate) {
      reason.group = blocked.group(holder);
      if (sure) add_group(lo_groups, reason.group, lo);
      add_group(hi_groups, reason.group, hi);
    }
    if (sure && !h.unknown) sure_holdings.push_back({holder, h.low, from, end});
    const std::string counted =
        h.unknown ? fmt::format("its share is unknown: it counts 0% at least and up to {} "
                                "(100% less the known stakes of others); this link decides",
                                pct_upper(cap))
        : !sure   ? fmt::format("counts only if {} is blocked (up to {})", graph.name(holder),
                                pct_upper(h.high))
        : joint   ? fmt::format("held jointly: {} counts once for all its joint holders "
                                "(JOINT_AGGREGATE_ASSUMED, RULES.md §5.5)", pct(h.low))
        : !(h.low == h.high)
            ? fmt::format("counts {} to {} (a range)", pct(h.low), pct_upper(h.high))
            : fmt::format("counts in full: {}", pct(h.low));
    const std::string attributed = period.aggregate || reason.group == kNoNode
                                       ? std::string()
                                       : fmt::format(", for {}", graph.name(reason.group));
    const std::string several =
        record_count > 1 ? fmt::format(" ({} records of one holding)", record_count) : std::string();
    const std::string nominee =
        nominee_edge != kNoEdge
            ? fmt::format("; shares a nominee holds for {} count as its own (RULES.md §5.5)",
                          graph.name(holder))
            : std::string();
    reason.text = fmt::format("{}{}: {}{}{}; the test is {} {}", ex.chain_text(reason.chain), several,
                              counted, attributed, nominee, threshold, cite);
    out.reasons.push_back(std::move(reason));
    // BIS Red Flag 29: the share of a listed owner is not known.
    if (info.rule == Rule::BisAffiliates && h.unknown) {
      Reason flag = with_kind(ReasonKind::RedFlag);
      flag.chain.push_back(ex.step(first));
      flag.actions = ex.listing_actions(holder);
      flag.text = fmt::format("BIS Red Flag 29: {} ({}) holds an unknown share of {}; the "
                              "Affiliates Rule's red flag calls for determining the ownership "
                              "before the transaction (90 FR 47201, Supplement No. 3 to part 732; "
                              "RULES.md §4.1) {}",
                              graph.name(holder), ex.status(holder, true), graph.name(entity), cite);
      out.cautions.push_back(std::move(flag));
    }
  }

  // Control links from blocked (or possibly blocked) parties.
  for (EdgeId edge : graph.in_edges(entity)) {
    const EdgeKind kind = graph.edge_kind(edge);
    const NodeId owner = graph.source(edge);
    if (owner == entity || is_stake(graph, edge) || !graph.edge_holds(edge, as_of)) continue;
    if (kind != EdgeKind::Controls && kind != EdgeKind::DirectorOf && kind != EdgeKind::OfficerOf) continue;
    const Verdict owner_verdict = blocked.would_be(owner);
    if (owner_verdict == Verdict::No) continue;
    const bool sure = owner_verdict == Verdict::Yes;
    const Interest interest = graph.interest(edge);
    const Percent share = graph.share(edge);
    const bool majority_kind = interest == Interest::VotingRights || interest == Interest::AppointBoard;
    if (kind == EdgeKind::Controls && info.control_counts &&
        (majority_kind || interest == Interest::Unspecified)) {
      const bool yes = sure && majority_kind && share.known() && surely_majority(share.low());
      const bool maybe = interest == Interest::Unspecified || possibly_majority(share.high());
      Reason reason = with_kind(yes ? ReasonKind::Controlled
                                : maybe ? ReasonKind::PossiblyBlockedOwner
                                        : ReasonKind::ControlReview);
      ex.chain_above(owner, !sure, reason.chain);
      reason.chain.push_back(ex.step(edge));
      reason.actions = ex.listing_actions(reason.chain.front().owner);
      reason.group = blocked.group(owner);
      const std::string_view test =
          info.rule == Rule::Uk
              ? "UK reg. 7(2): more than 50% of the voting rights, or the right to appoint or "
                "remove a majority of the board, held by one designated person"
              : "EU Best Practices control criteria: the right to appoint or remove a majority "
                "of the board, or sole disposal over a majority of the voting rights; a "
                "rebuttable presumption of control, case by case";
      const std::string why =
          yes ? fmt::format("more than 50%: {}", info.rule == Rule::Eu
                                                     ? "control is presumed (rebuttable)"
                                                     : "control by a designated person")
          : interest == Interest::Unspecified
              ? std::string("the source does not say what kind of control this is: it may meet "
                            "the test, so 'possibly'")
          : maybe ? std::string("the share may be more than 50%: 'possibly'")
                  : fmt::format("{} is not more than 50%: it does not establish control by itself; "
                                "look for other indications (RULES.md §5.5)",
                                share.known() ? share.to_string() : std::string("the share"));
      reason.text = fmt::format("{}: {}; the test is {} {}", ex.chain_text(reason.chain), why, test, cite);
      ((yes || maybe) ? out.reasons : out.cautions).push_back(std::move(reason));
      continue;
    }
    Reason reason = with_kind(kind == EdgeKind::Controls && info.control_counts ? ReasonKind::ControlReview
                                                                                : ReasonKind::ControlLink);
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
        : interest == Interest::TrustSettlor || interest == Interest::TrustBeneficiary ||
                interest == Interest::Nominee
            ? "not control by itself; the 2024 EU Best Practices name front persons, trusts and "
              "shell companies as indications to analyse, and UK reg. 7(4) asks whether the "
              "designated person could ensure the affairs are conducted as it wishes (RULES.md §5.5)"
        : interest == Interest::SignificantInfluence || interest == Interest::ProfitRights
            ? "not one of reg. 7(2)'s or the Best Practices' tests by itself; review the "
              "'reasonable to expect' limb (UK reg. 7(4)) and the EU's dominant-influence "
              "criterion (RULES.md §5.5)"
            : "a director or officer link is not control by itself; review the control "
              "criteria (REVIEW_CONTROL, RULES.md §5.2-5.3)";
    reason.text = fmt::format("{} ({}) {} {}{}: {} {}", graph.name(owner), ex.status(owner, true),
                              Explainer::control_words(kind == EdgeKind::DirectorOf ? Interest::Director
                                                       : kind == EdgeKind::OfficerOf ? Interest::Officer
                                                                                     : interest,
                                                       share),
                              graph.name(entity), dates(graph.edge_valid(edge)), why, cite);
    out.cautions.push_back(std::move(reason));
  }
  // A subsidiary of a blocked parent: the share is not stated, so it cannot be counted.
  for (EdgeId edge : graph.out_edges(entity)) {
    if (graph.edge_kind(edge) != EdgeKind::SubsidiaryOf) continue;
    const NodeId parent = graph.target(edge);
    if (blocked.would_be(parent) == Verdict::No || !graph.edge_holds(edge, as_of)) continue;
    Reason reason = with_kind(ReasonKind::ControlLink);
    reason.chain.push_back(ex.step(edge));
    reason.text = fmt::format("{} is a subsidiary of {} ({}), with no share stated: give the "
                              "ownership to decide {}",
                              graph.name(entity), graph.name(parent), ex.status(parent, true), cite);
    out.cautions.push_back(std::move(reason));
  }

  // The aggregate that counts.
  agg_lo.add(joint_lo);
  agg_hi.add(joint_hi);
  Sum count_lo = agg_lo, count_hi = agg_hi;
  if (!period.aggregate) {
    count_lo = {};
    count_hi = {};
    for (const auto& g : lo_groups)
      if (g.sum.units > count_lo.units || (g.sum.units == count_lo.units && g.sum.open)) count_lo = g.sum;
    for (const auto& g : hi_groups)
      if (g.sum.units > count_hi.units) count_hi = g.sum;
  }
  const Bound agg_min = count_lo.bound();
  Bound agg_max = count_hi.bound();
  if (agg_max.units < agg_min.units) agg_max = agg_min;
  out.aggregate_min = Percent::percent(agg_min.units);
  out.aggregate_max = Percent::percent(agg_max.units);
  if (agg_min == agg_max) out.aggregate_percent = out.aggregate_min;
  if (!any_owner && !out.listed) {
    // Unknown stays unknown: with no stake on record, the blocked share is not 0 but unknown.
    out.aggregate_percent.reset();  // the not-blocked reason below says why
  }
  everyone.add(everyone_joint);
  if (everyone.units > kHundred) {
    Reason reason = with_kind(ReasonKind::DataQuality);
    reason.min_percent = Percent::percent(everyone.units);
    reason.text = fmt::format("data quality: the stakes on record in {} on the date add up to at "
                              "least {}, more than 100% (each owner's records already reconciled): "
                              "some record is stale or wrong; check the register {}",
                              graph.name(entity), Percent::exact_units(everyone.units).to_string(), cite);
    out.cautions.push_back(std::move(reason));
  }

  const Verdict would_be = blocked.would_be(entity);
  if (!period.in_force && !out.listed) {
    Reason reason = with_kind(ReasonKind::RuleNotInForce);
    reason.text = fmt::format("{} is not in force on {}: {}; under it the verdict would be '{}' "
                              "(blocked ownership {}{}) [{}: {}]",
                              info.name, as_of ? as_of->to_string() : std::string("the date"),
                              period.basis, to_string(would_be), pct(agg_min),
                              agg_min == agg_max ? "" : fmt::format(" to {}", pct_upper(agg_max)), info.id,
                              info.citation);
    out.reasons.insert(out.reasons.begin(), std::move(reason));
  }
  if (!period.scheduled.empty() && !out.listed) {
    Reason reason = with_kind(ReasonKind::ScheduledPeriod);
    reason.text = fmt::format("this answer depends on a date that was only scheduled: {} {}",
                              period.scheduled, cite);
    out.cautions.push_back(std::move(reason));
  }
  if (!as_of && info.rule == Rule::BisAffiliates) {
    Reason reason = with_kind(ReasonKind::Assumption);
    reason.text = fmt::format("no date given: the rule's last known period applies, {} {}",
                              period.basis, cite);
    out.cautions.push_back(std::move(reason));
  }

  // Cautions that do not block.
  if (out.blocked == Verdict::No && agg_min.units >= 25 * Percent::kUnitsPerPercent &&
      !surely_meets(period, agg_min)) {
    Reason reason = with_kind(ReasonKind::NearMiss);
    reason.min_percent = out.aggregate_min;
    reason.max_percent = out.aggregate_max;
    const std::string_view why =
        info.rule == Rule::Ofac
            ? "OFAC urges caution where blocked persons have 'a significant ownership interest "
              "that is less than 50 percent' (FAQ 398)"
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
  if (out.blocked != Verdict::Yes) {
    // A blocked owner's stake below the threshold is blocked property in itself.
    for (const Kept& kept : sure_holdings) {
      Reason reason = with_kind(ReasonKind::BlockedProperty);
      reason.records = records_of(kept.from, kept.to);
      reason.chain.push_back(ex.step(reason.records.front()));
      reason.actions = ex.listing_actions(kept.owner);
      reason.min_percent = Percent::percent(kept.low.units);
      reason.text = fmt::format(
          "{}'s stake of {} in {} is itself {}: {} {}", graph.name(kept.owner), pct(kept.low),
          graph.name(entity),
          info.rule == Rule::Ofac ? "blocked property" : info.rule == Rule::BisAffiliates
                                                             ? "held by a listed party"
                                                             : "frozen",
          info.rule == Rule::Ofac
              ? "where blocked persons hold less than 50 percent the company 'is not itself "
                "blocked, but ... must block all property and interests in property in which "
                "the blocked person has an interest' (OFAC FAQ 573)"
          : info.rule == Rule::Uk
              ? "the designated person's shares are its funds or economic resources under the "
                "asset freeze (reg. 11 of each SAMLA regime; RULES.md §5.6)"
          : info.rule == Rule::Eu
              ? "the designated person's shares are its funds or economic resources, frozen "
                "(asset-freeze article of each regime; text not retrieved, RULES.md §6)"
              : "dealings in it are with the listed party (RULES.md §5.6)",
          cite);
      out.cautions.push_back(std::move(reason));
    }
  }
  if (!period.aggregate && out.blocked != Verdict::Yes && surely_meets(period, all_lo.bound()) &&
      !surely_meets(period, agg_min)) {
    Reason reason = with_kind(ReasonKind::NotAggregated);
    reason.min_percent = Percent::percent(all_lo.bound().units);
    reason.text = fmt::format("not aggregated: designated persons hold {} of {} together, but no "
                              "one of them more than {}; OFSI 'would not simply aggregate "
                              "different designated persons' holdings ... unless ... subject to a "
                              "joint arrangement ... or one party controls the rights of another' "
                              "(para 4.14): the graph records no joint holding, check for one {}",
                              pct(all_lo.bound()), graph.name(entity), pct(agg_min), cite);
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
                          agg_min == agg_max ? "" : fmt::format(" (at most {})", pct_upper(agg_max)),
                          threshold, cite)
            : fmt::format("not blocked on the data loaded: {} is not designated and no owner of it "
                          "is on record; the test is {} {}",
                          graph.name(entity), threshold, cite);
    out.reasons.push_back(std::move(reason));
  }
  if (out.blocked != Verdict::No) {
    // A designated party itself: the measure of its own listing, as each regime names it
    // (OFAC: blocked; UK reg. 11 and the EU: asset freeze; BIS: the licence requirement).
    const std::string meaning =
        !out.listed ? std::string(info.consequence)
        : info.rule == Rule::Ofac ? std::string("designated: blocked")
        : info.rule == Rule::Uk   ? std::string("designated person: asset freeze (reg. 11)")
        : info.rule == Rule::Eu   ? std::string("designated: asset freeze")
                                  : std::string("listed: licence required");
    out.consequence = out.blocked == Verdict::Possibly ? "possibly " + meaning : meaning;
    if (info.rule == Rule::Eu && !out.listed)
      out.consequence += " (a rebuttable presumption: Council Best Practices; Commission FAQ 2022-04-08)";
  }
  return out;
}

Exposure exposure(const Graph& graph, NodeId entity, const ExposureOptions& options) {
  return exposure(graph, blocked_set(graph, options), entity);
}

}  // namespace skg
