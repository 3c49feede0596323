// queries/exposure.h: who is blocked by ownership under the OFAC, EU, UK and BIS rules, as of
// a date, and why. Every rule is coded from queries/RULES.md and cites its source.
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/graph.h"
#include "skg/graph/strings.h"
#include "skg/queries/as_of.h"

namespace skg::inline v1 {

/// An ownership rule: whose stakes count, how they add up, from when to when.
enum class Rule : std::uint8_t {
  Ofac,           // OFAC 50 Percent Rule (2014 guidance, FAQs 398-401)
  Eu,             // EU Council Best Practices: owned (>50%, since 2024-07-03 >=50%) or controlled
  Uk,             // UK SAMLA regulations reg. 7 and OFSI guidance: >50% per designated person
  BisAffiliates,  // BIS Affiliates Rule, 90 FR 47201: Entity List / MEU affiliates >=50%
};
inline constexpr int kRuleCount = 4;

/// One period of a rule's history: whether it applies and with which numbers.
/// Shares are exact millionths of a percent (Percent::Units), so 25% + 25% is exactly 50% and
/// 49.996% never reaches "50% or more" (RULES.md §5).
struct RulePeriod {
  DateRange valid;                 // [start, end)
  bool in_force = true;            // false: the rule does not apply (BIS suspension)
  Percent::Units threshold = 50 * Percent::kUnitsPerPercent;
  bool inclusive = true;           // true: blocked at >= threshold; false: only above it
  bool aggregate = true;           // stakes of different designated persons are added up
  std::string_view basis;          // the source of this period's numbers
  /// Set when a date bounding this period was only scheduled when the source was written (the
  /// BIS suspension "will end on November 9, 2026, unless it is extended"): answers say so.
  std::string_view scheduled;
};

/// A rule as skg codes it: name, citation, whether control establishes it, its periods.
struct RuleInfo {
  Rule rule;
  std::string_view id;        // "OFAC_50", "EU_OWN_CTRL", "UK_REG7", "BIS_AFFILIATES"
  std::string_view name;      // "OFAC 50 Percent Rule"
  std::string_view citation;  // the published texts, short
  /// True when an explicit CONTROLS edge from a designated person blocks (EU, UK); false when
  /// control only calls for caution (OFAC FAQ 398, BIS "based on ownership, not control").
  bool control_counts = false;
  /// The consequence for a party the rule catches, worded as the regime words it: OFAC
  /// "blocked", EU "presumed owned or controlled", UK "owned or controlled by a designated
  /// person", BIS "licence required" (RULES.md §5.6).
  std::string_view consequence;
  std::span<const RulePeriod> periods;  // in date order, together covering every date

  /// The period that applies on `as_of`; with no date, the last one (the latest state).
  const RulePeriod& period_at(std::optional<Date> as_of) const noexcept;
};

const RuleInfo& rule_info(Rule rule) noexcept;

/// The rules' periods of force and numbers are data: queries/rules.tsv (each row citing
/// queries/RULES.md), embedded at build time. A user can give an updated table (a suspension
/// extended, a threshold changed) without changing code:
///   skg::load_rule_table_file("my-rules.tsv");  // throws Error "file:line: reason"
/// Call it at start, before computing blocked sets: it replaces the periods every later
/// question uses (tables loaded before stay alive, so earlier blocked sets keep theirs).
void load_rule_table(std::string_view tsv, std::string_view origin);
void load_rule_table_file(const std::string& path);
/// Where the table in use comes from: "queries/rules.tsv (embedded)" or the file loaded.
std::string_view rule_table_origin() noexcept;
/// "ofac", "eu", "uk", "bis" (also "bis-affiliates"), any case; nullopt for anything else.
std::optional<Rule> parse_rule(std::string_view text) noexcept;
std::string_view to_string(Rule rule) noexcept;  // "ofac", "eu", "uk", "bis"

/// True when this Action designates its targets for `rule`, read from its typed measures only
/// (RULES.md §5.5, §6): OFAC: an OFAC asset freeze (the SDN List, or an OFAC blocking from another
/// source); EU: an EU asset freeze; UK: a UK asset freeze; BIS: an Entity List or MEU List entry, or
/// an OFAC blocking under a program 15 CFR 744.8(a)(1) names. Its dates are not checked here.
bool designates(const Graph& graph, const Action& action, Rule rule);
/// The same for an Action node, also reading its "program" attributes (FtM keeps the program
/// there when a programId is given).
bool designates(const Graph& graph, NodeId action_node, Rule rule);

// listing_period, dated_record_of and listing_undated: skg/queries/as_of.h.

struct ExposureOptions {
  Rule rule = Rule::Ofac;
  /// Unset: the latest state of the data: facts with an end date (delistings, sold stakes)
  /// are treated as ended, facts with only a start date as begun, and the rule's last period.
  std::optional<Date> as_of;
};

enum class Verdict : std::uint8_t { No, Possibly, Yes };
std::string_view to_string(Verdict verdict) noexcept;  // "no", "possibly", "yes"

/// One ownership (or control) link of a chain, with the stake it carries.
struct ChainStep {
  EdgeId edge = kNoEdge;  // provenance: graph.edge_provenance(edge)
  NodeId owner = kNoNode, asset = kNoNode;
  EdgeKind kind = EdgeKind::Owns;
  Percent share;  // as the source gives it
  DateRange valid;
};

enum class ReasonKind : std::uint8_t {
  Listed,                // the entity itself is designated (the listing actions are named)
  Owned,                 // a designated or blocked owner's stake counts
  Controlled,            // EU / UK: a CONTROLS link from a designated person
  UnknownShare,          // a blocked owner's stake is unknown: it would decide the verdict
  PossiblyBlockedOwner,  // the owner is itself only possibly blocked
  RuleNotInForce,        // the rule does not apply on the date (BIS suspension, before 2008)
  NearMiss,              // aggregate blocked ownership >= 25% but under the threshold
  ControlLink,           // a director/officer/control link to a blocked person (caution)
  NotAggregated,         // UK: designated holdings that would cross the line if added up
  ListingNotInForce,     // a listing of the entity that ended or starts after the date
  StakeNotInForce,       // a blocked owner's stake that ended or starts after the date
  Assumption,            // the verdict rests on a skg design choice flagged in RULES.md
  NotBlocked,            // neither designated nor owned past the threshold: what was found
  OtherMeasure,          // a measure that is not a designation under this rule (SSI directives)
  DataQuality,           // records of one stake disagree, or stakes add up past 100%
  BlockedProperty,       // a blocked owner's stake under the threshold: blocked property itself
  Divestment,            // a blocked owner's stake that ended after its designation (FAQ 402)
  RedFlag,               // BIS Red Flag 29: a listed owner's share is unknown
  ControlReview,         // a control interest that does not decide by itself: review it
  ScheduledPeriod,       // the rule's period on the date ends or starts on a scheduled date
};
std::string_view to_string(ReasonKind kind) noexcept;  // "listed", "owned", ...

/// Why: one contributing chain, listing, or caution, in words and as data.
struct Reason {
  ReasonKind kind = ReasonKind::Owned;
  std::string text;              // one sentence, ending with the rule's citation
  std::vector<NodeId> actions;   // listing Action nodes of the designated party the chain starts at
  std::vector<ChainStep> chain;  // from the designated party down to the entity
  /// Every record of the last link when one owner's records were reconciled into one holding.
  std::vector<EdgeId> records;
  double min_percent = 0, max_percent = 0;  // this link's contribution to the aggregate
  NodeId group = kNoNode;  // non-aggregating rules: the designated person the stake counts for
};

/// The answer for one entity under one rule on one date.
struct Exposure {
  NodeId entity = kNoNode;
  Rule rule = Rule::Ofac;
  std::optional<Date> as_of;
  bool listed = false;
  Verdict blocked = Verdict::No;
  /// What the verdict means under the rule, as the regime words it ("blocked", "presumed owned
  /// or controlled", ...); empty when the verdict is "no".
  std::string consequence;
  /// The blocked ownership that counts (aggregate, or the largest single-person holding for
  /// rules that do not aggregate); nullopt when unknown shares or ranges leave it open.
  std::optional<double> aggregate_percent;
  double aggregate_min = 0, aggregate_max = 0;  // unknown shares as 0 / as the most they can be
  std::vector<Reason> reasons;   // what decides the verdict
  std::vector<Reason> cautions;  // what does not block but should be looked at
};

namespace detail {
struct BlockedSetEditor;  // queries/whatif.cpp's incremental update (defined in exposure.cpp)
}  // namespace detail

/// The result of one fixpoint: every node's verdict under one rule on one date; lookups O(1).
class BlockedSet {
 public:
  BlockedSet() = default;
  Rule rule() const noexcept { return rule_; }
  std::optional<Date> as_of() const noexcept { return as_of_; }
  const RulePeriod& period() const noexcept { return *period_; }
  /// True when this set was computed from `graph` (the same object, not an equal copy): a set
  /// used with another graph would read out of bounds, so exposure() refuses it.
  bool built_for(const Graph& graph) const noexcept {
    return period_ != nullptr && graph_token_ == graph.token() && state_.size() == graph.node_count();
  }
  bool rule_in_force() const noexcept { return period_->in_force; }

  bool listed(NodeId node) const noexcept { return (state_[index(node)] & kListed) != 0; }
  /// Yes for designated parties, Yes / Possibly for those blocked by ownership or control;
  /// while the rule is not in force, only the designated parties.
  Verdict verdict(NodeId node) const noexcept {
    const auto state = state_[index(node)];
    if ((state & kListed) != 0) return Verdict::Yes;
    if (!period_->in_force) return Verdict::No;
    return (state & kYes) ? Verdict::Yes : (state & kMaybe) ? Verdict::Possibly : Verdict::No;
  }
  /// The verdict the rule would give if it were in force (for "suspended" explanations).
  Verdict would_be(NodeId node) const noexcept {
    const auto state = state_[index(node)];
    return (state & kYes) ? Verdict::Yes : (state & kMaybe) ? Verdict::Possibly : Verdict::No;
  }
  /// True for Action nodes that designate under this rule (whatever their dates).
  bool designating_action(NodeId node) const noexcept { return (state_[index(node)] & kAction); }
  /// True for Action nodes that designate under this rule and are in force on the date.
  bool designating_action_in_force(NodeId node) const noexcept {
    return (state_[index(node)] & kActionInForce);
  }
  /// True for Action nodes that designate under this rule and give no date at all (no start,
  /// end or listed date: Action::undated()); a dated one needs no look-up of its dated record.
  bool undated_designating_action(NodeId node) const noexcept {
    return (state_[index(node)] & kUndatedAction);
  }
  /// Blocked ownership, exact: unknown shares as 0 (lower) or as the most they can be (upper),
  /// capped at 100%; `open` when the bound itself is excluded (">50%").
  Percent::Bound lower(NodeId node) const noexcept { return capped(static_cast<std::uint32_t>(sums_.get(node))); }
  Percent::Bound upper(NodeId node) const noexcept { return capped(static_cast<std::uint32_t>(sums_.get(node) >> 32)); }
  /// The same in basis points, rounded down (lower) and up (upper): for display only.
  std::int32_t min_bp(NodeId node) const noexcept { return static_cast<std::int32_t>(lower(node).units / kUnitsPerBp); }
  std::int32_t max_bp(NodeId node) const noexcept {
    return static_cast<std::int32_t>((upper(node).units + kUnitsPerBp - 1) / kUnitsPerBp);
  }
  static constexpr std::uint32_t kUnitsPerBp = Percent::kUnitsPerPercent / 100;  // 0.01%
  /// Rules that do not aggregate: the designated person a blocked node's holdings count for.
  NodeId group(NodeId node) const noexcept;
  std::size_t node_count() const noexcept { return state_.size(); }
  /// True when the graph has an OFAC sectoral (SSI / directive) listing: FAQ 373 cautions apply.
  bool any_sectoral() const noexcept { return any_sectoral_; }
  std::size_t count(Verdict verdict) const noexcept;
  /// Nodes with this verdict, in node order.
  std::vector<NodeId> nodes(Verdict verdict) const;

 private:
  friend BlockedSet blocked_set(const Graph&, const ExposureOptions&);
  friend struct BlockedSetBuilder;
  friend struct detail::BlockedSetEditor;
  static constexpr std::uint8_t kListed = 1, kYes = 2, kMaybe = 4, kAction = 8, kByControl = 16,
                                  kActionInForce = 32, kUndatedAction = 64;

  static Percent::Bound capped(std::uint32_t packed) noexcept {
    const std::uint32_t units = packed & 0x7FFFFFFFu;
    if (units >= Percent::kHundred) return {Percent::kHundred, false};
    return {units, (packed & 0x80000000u) != 0};
  }

  /// Open addressing from a node to a 64-bit value; only the nodes the fixpoint touched are in
  /// it, so a blocked set costs the blocked part of the graph, not n words per array.
  class NodeTable {
   public:
    std::uint64_t get(NodeId node, std::uint64_t absent = 0) const noexcept {
      if (keys_.empty()) return absent;
      const std::size_t mask = keys_.size() - 1;
      for (std::size_t at = mix(index(node)) & mask;; at = (at + 1) & mask) {
        if (keys_[at] == index(node)) return values_[at];
        if (keys_[at] == kEmptyKey) return absent;
      }
    }
    /// The value slot for `node`, inserted as `absent` when missing.
    std::uint64_t& at(NodeId node, std::uint64_t absent = 0);
    /// Room for `count` nodes, so that inserting them does not grow the table step by step.
    void reserve(std::size_t count);
    /// Asks the cache for `node`'s first slot ahead of at(node): the slots are random.
    void prefetch(NodeId node) const noexcept {
      if (keys_.empty()) return;
      const std::size_t slot = mix(index(node)) & (keys_.size() - 1);
      __builtin_prefetch(keys_.data() + slot);
      __builtin_prefetch(values_.data() + slot);
    }
    std::size_t size() const noexcept { return size_; }
    template <class Fn>
    void for_each(Fn&& fn) {
      for (std::size_t at = 0; at < keys_.size(); ++at)
        if (keys_[at] != kEmptyKey) fn(NodeId{keys_[at]}, values_[at]);
    }

   private:
    static constexpr std::uint32_t kEmptyKey = 0xFFFFFFFFu;
    static std::size_t mix(std::uint32_t key) noexcept {
      return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 24);
    }
    void grow(std::size_t slots);
    detail::ReusedVector<std::uint32_t> keys_;
    detail::ReusedVector<std::uint64_t> values_;
    std::size_t size_ = 0;
  };

  Rule rule_ = Rule::Ofac;
  bool any_sectoral_ = false;
  std::uint64_t graph_token_ = 0;  // Graph::token() of the graph it was computed from
  std::optional<Date> as_of_;
  const RulePeriod* period_ = nullptr;
  detail::ReusedVector<std::uint8_t> state_;  // one byte per node: the flags above
  NodeTable sums_;  // lower sum in the low 32 bits, upper in the high 32 (bit 31: open bound)
  NodeTable group_lo_, group_hi_;    // union-find parents (non-aggregating rules only)
};

/// Every node's verdict under `options.rule` on `options.as_of`, as one worklist fixpoint over
/// the ownership edges (a lower one: known stakes of surely blocked owners; an upper one:
/// unknown stakes at their most, possibly blocked owners). Independent of load order.
///   auto blocked = skg::blocked_set(graph, {.rule = skg::Rule::Eu, .as_of = day});
BlockedSet blocked_set(const Graph& graph, const ExposureOptions& options);

/// Listed? Blocked? Why? Computes the blocked set first; prefer the overload below for many.
///   auto answer = skg::exposure(graph, *graph.find("NK-abc"), {.rule = skg::Rule::Uk});
Exposure exposure(const Graph& graph, NodeId entity, const ExposureOptions& options = {});
/// The same from a blocked set: costs the entity's in-edges (and its chains' links). Throws
/// skg::Error when `blocked` was computed from another graph or `entity` is not a node of it.
Exposure exposure(const Graph& graph, const BlockedSet& blocked, NodeId entity);

/// True when a fact with these dates holds on `as_of` (unset: the latest state, see above).
constexpr bool holds(const DateRange& valid, std::optional<Date> as_of) noexcept {
  return as_of ? valid.contains(*as_of) : !valid.end.has_value();
}

}  // namespace skg
