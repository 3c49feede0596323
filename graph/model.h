// graph/model.h: the value types of the model: kinds, dates, percentages, names, provenance.
#pragma once
#include <compare>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "skg/graph/ids.h"

namespace skg::inline v1 {

/// What a node stands for (close to FollowTheMoney's schemata).
enum class NodeKind : std::uint8_t {
  LegalEntity,  // a party whose kind the source does not say
  Person,
  Company,
  Organization,
  Vessel,
  Aircraft,
  Authority,  // OFAC, BIS, FCC, DHS, OFSI, EU Council, ...
  Action,     // a listing, designation, ban or warning
};
inline constexpr int kNodeKindCount = 8;

/// What an edge says. Direction: OWNS owner -> asset, DIRECTOR_OF person -> organisation,
/// TARGET_OF entity -> action, ISSUED_BY action -> authority, SUBSIDIARY_OF child -> parent.
enum class EdgeKind : std::uint8_t {
  Owns,
  Controls,
  SubsidiaryOf,
  DirectorOf,
  OfficerOf,
  Family,
  Associate,
  LinkedTo,  // OFAC "Linked To:", designated in connection with
  MemberOf,
  EmployeeOf,
  Represents,
  SuccessorOf,
  UnknownLink,
  TargetOf,
  IssuedBy,
  SameAs,
};
inline constexpr int kEdgeKindCount = 16;

std::string_view to_string(NodeKind kind) noexcept;
std::string_view to_string(EdgeKind kind) noexcept;
/// "company" or "Company" -> NodeKind::Company; nullopt for an unknown word.
std::optional<NodeKind> parse_node_kind(std::string_view text) noexcept;
/// "owns", "OWNS", "director_of" -> the kind; nullopt for an unknown word.
std::optional<EdgeKind> parse_edge_kind(std::string_view text) noexcept;

/// A set of node kinds, for filters: `NodeKinds{NodeKind::Person, NodeKind::Company}`.
class NodeKinds {
 public:
  constexpr NodeKinds() = default;
  constexpr NodeKinds(std::initializer_list<NodeKind> kinds) {
    for (NodeKind kind : kinds) bits_ |= bit(kind);
  }
  static constexpr NodeKinds all() { return NodeKinds(0xFF); }
  /// Every kind of party: all but Authority and Action.
  static constexpr NodeKinds parties() {
    return NodeKinds(0xFF & ~(bit(NodeKind::Authority) | bit(NodeKind::Action)));
  }
  constexpr bool contains(NodeKind kind) const { return (bits_ & bit(kind)) != 0; }
  constexpr NodeKinds with(NodeKind kind) const { return NodeKinds(bits_ | bit(kind)); }

 private:
  constexpr explicit NodeKinds(std::uint32_t bits) : bits_(bits) {}
  static constexpr std::uint32_t bit(NodeKind kind) { return 1u << static_cast<unsigned>(kind); }
  std::uint32_t bits_ = 0;
};

/// A set of edge kinds, for traversals: `EdgeKinds{EdgeKind::Owns, EdgeKind::Controls}`.
class EdgeKinds {
 public:
  constexpr EdgeKinds() = default;
  constexpr EdgeKinds(std::initializer_list<EdgeKind> kinds) {
    for (EdgeKind kind : kinds) bits_ |= bit(kind);
  }
  static constexpr EdgeKinds all() { return EdgeKinds(0xFFFF); }
  static constexpr EdgeKinds ownership() { return {EdgeKind::Owns}; }
  static constexpr EdgeKinds ownership_and_control() {
    return {EdgeKind::Owns, EdgeKind::Controls, EdgeKind::SubsidiaryOf, EdgeKind::DirectorOf,
            EdgeKind::OfficerOf};
  }
  /// Every link between parties: everything but TARGET_OF, ISSUED_BY.
  static constexpr EdgeKinds party_links() {
    return EdgeKinds(0xFFFF & ~(bit(EdgeKind::TargetOf) | bit(EdgeKind::IssuedBy)));
  }
  constexpr bool contains(EdgeKind kind) const { return (bits_ & bit(kind)) != 0; }
  constexpr std::uint32_t bits() const { return bits_; }
  constexpr EdgeKinds with(EdgeKind kind) const { return EdgeKinds(bits_ | bit(kind)); }

 private:
  constexpr explicit EdgeKinds(std::uint32_t bits) : bits_(bits) {}
  static constexpr std::uint32_t bit(EdgeKind kind) { return 1u << static_cast<unsigned>(kind); }
  std::uint32_t bits_ = 0;
};

/// A calendar day (proleptic Gregorian), stored as days since 1970-01-01.
struct Date {
  std::int32_t days = 0;
  friend constexpr auto operator<=>(Date, Date) = default;

  /// Date::from_ymd(2024, 6, 21); nullopt for a day that does not exist.
  static std::optional<Date> from_ymd(int year, int month, int day) noexcept;
  /// "2024-06-21" (also "2024-06-21T10:00:00..."): nullopt if it is not a valid ISO date.
  static std::optional<Date> parse(std::string_view iso) noexcept;
  void to_ymd(int& year, int& month, int& day) const noexcept;
  std::string to_string() const;  // "2024-06-21"
};

/// A validity period [start, end): either end may be open (unknown or unbounded).
struct DateRange {
  std::optional<Date> start;  // unset: since always, as far as the source says
  std::optional<Date> end;    // unset: still in force, as far as the source says

  /// True when `day` lies in [start, end); open ends accept every day.
  constexpr bool contains(Date day) const noexcept {
    return (!start || *start <= day) && (!end || day < *end);
  }
  /// True when no date is given: `as_of` on it is always true.
  constexpr bool is_open() const noexcept { return !start && !end; }
  friend constexpr bool operator==(const DateRange&, const DateRange&) = default;
};

/// A share of 0-100%, exact to a millionth of a percent, as an interval whose bounds are each
/// open or closed: "50%" is [50, 50], "25-50%" is [25, 50], ">50%" is (50, 100], "<25%" is
/// [0, 25). Unknown stays unknown: it is never read as 0 or 100. No threshold is decided by
/// rounding: decimal text is read digit by digit (parse), and a value finer than a millionth
/// of a percent is kept as the open interval between its two neighbours (RULES.md §5).
class Percent {
 public:
  using Units = std::uint32_t;                              // millionths of a percent
  static constexpr Units kUnitsPerPercent = 1'000'000;
  static constexpr Units kHundred = 100 * kUnitsPerPercent;  // 100%
  enum class State : std::uint8_t { Unknown, Exact, Range };
  /// One end of the interval.
  struct Bound {
    Units units = 0;
    bool open = false;  // the value is strictly beyond `units`
    friend constexpr bool operator==(Bound, Bound) = default;
  };

  constexpr Percent() = default;  // unknown
  static constexpr Percent unknown() { return Percent(); }
  static constexpr Percent exact_units(Units units) { return Percent({units, false}, {units, false}); }
  /// [low, high] with each end open or closed; a reversed or empty interval is unknown.
  static constexpr Percent between(Bound low, Bound high) {
    if (low.units > high.units || low.units > kHundred || high.units > kHundred ||
        (low.units == high.units && (low.open || high.open)))
      return Percent();
    return Percent(low, high);
  }
  /// From a number of percent, to the nearest millionth (tests, generators; loaders parse text).
  static Percent exact(double percent) { return exact_units(to_units(percent)); }
  /// A closed range [min, max]; min == max makes it exact.
  static Percent range(double min, double max) {
    return between({to_units(min), false}, {to_units(max), false});
  }
  /// "49.996", "50,5", "100": a decimal number of percent, read without rounding; digits past
  /// the sixth decimal give the open interval between the two neighbouring millionths.
  /// nullopt for anything else or a value over 100.
  static std::optional<Percent> parse(std::string_view decimal) noexcept;
  /// A JSON number already read as a double: exact when the double is within its own precision
  /// of a millionth (any decimal of up to six places), else the open interval around it.
  static std::optional<Percent> from_double(double percent) noexcept;

  constexpr State state() const noexcept {
    if (!known()) return State::Unknown;
    return lo_ == hi_ ? State::Exact : State::Range;
  }
  constexpr bool known() const noexcept { return lo_ != kUnknownBits; }
  constexpr bool is_exact() const noexcept { return state() == State::Exact; }
  /// The bounds in millionths of a percent; an unknown share is [0, 100].
  constexpr Bound low() const noexcept { return known() ? unpack(lo_) : Bound{0, false}; }
  constexpr Bound high() const noexcept { return known() ? unpack(hi_) : Bound{kHundred, false}; }
  /// Lower and upper bounds in percent, for display and look-through products (never for a
  /// threshold: compare low() and high()); nullopt for an unknown share.
  constexpr std::optional<double> min() const noexcept {
    return known() ? std::optional<double>(percent(unpack(lo_).units)) : std::nullopt;
  }
  constexpr std::optional<double> max() const noexcept {
    return known() ? std::optional<double>(percent(unpack(hi_).units)) : std::nullopt;
  }
  /// The exact value; nullopt for a range or an unknown share.
  constexpr std::optional<double> value() const noexcept {
    return is_exact() ? min() : std::nullopt;
  }
  friend constexpr bool operator==(const Percent& a, const Percent& b) noexcept {
    return a.lo_ == b.lo_ && a.hi_ == b.hi_;
  }
  /// "50%", "50.004%", "25-50%", ">50%" for (50, 100], "<25%" for [0, 25), "(25-50]%", "unknown".
  std::string to_string() const;
  static constexpr double percent(Units units) noexcept {
    return static_cast<double>(units) / kUnitsPerPercent;
  }
  static Units to_units(double percent) noexcept;

 private:
  static constexpr std::uint32_t kOpenBit = 0x80000000u, kUnknownBits = 0xFFFFFFFFu;
  constexpr Percent(Bound low, Bound high) : lo_(pack(low)), hi_(pack(high)) {}
  static constexpr std::uint32_t pack(Bound bound) { return bound.units | (bound.open ? kOpenBit : 0); }
  static constexpr Bound unpack(std::uint32_t bits) { return {bits & ~kOpenBit, (bits & kOpenBit) != 0}; }
  std::uint32_t lo_ = kUnknownBits;  // all ones: unknown
  std::uint32_t hi_ = kUnknownBits;
};

/// What a CONTROLS or ownership edge gives its holder, as the source types it (BODS interest
/// types, FtM schemata; loaders/bods.cpp and loaders/ftm_json.cpp hold the cited tables). The
/// ownership and control rules read only these, never the edge's role text (RULES.md §5.5).
enum class Interest : std::uint8_t {
  Unspecified,           // the source does not type it (an OWNS edge: shares)
  Shares,                // shareholding: a share of the capital
  VotingRights,          // voting rights, with the voting share in the edge's share
  AppointBoard,          // the right to appoint or remove (a majority of) the board
  SignificantInfluence,  // other influence or control, by rules, law or contract
  ProfitRights,          // rights to profits, income or surplus assets, without shares or votes
  TrustSettlor,          // settlor, trustee or protector of a trust that holds the subject
  TrustBeneficiary,      // beneficiary of a legal arrangement that holds the subject
  NomineeFor,            // from a nominee to the person it holds for: its holdings are theirs
  Nominee,               // BODS nominee: held as nominee for a principal the record does not name
  Nominator,             // BODS nominator: the holder's interest, held for it by a nominee
  JointlyHeld,           // shares or rights held jointly with the other JointlyHeld holders (Sch. 1 para 2)
  JointArrangement,      // shares or rights under a joint arrangement with the other such holders (Sch. 1 para 3)
  Director,              // board member or chair
  Officer,               // senior managing official
};
inline constexpr int kInterestCount = 15;
std::string_view to_string(Interest interest) noexcept;  // "voting_rights", ...
/// "voting_rights" or "votingRights" -> the interest; nullopt for an unknown word.
std::optional<Interest> parse_interest(std::string_view text) noexcept;

/// How a name relates to its party.
enum class NameType : std::uint8_t { Primary, Aka, Fka, Nka, Previous };
/// How strong an alias is, as the source grades it (OFAC strong/weak, UN good/low quality).
enum class NameStrength : std::uint8_t { Unknown, Strong, Weak };
std::string_view to_string(NameType type) noexcept;
std::string_view to_string(NameStrength strength) noexcept;

struct Name {
  StringId text = kNoString;
  NameType type = NameType::Primary;
  NameStrength strength = NameStrength::Unknown;
  /// The two bytes that would be padding, always zero: a snapshot writes names as bytes, and
  /// padding is indeterminate (the same graph saved twice gave different files).
  std::uint8_t reserved[2] = {};
  friend bool operator==(const Name&, const Name&) = default;
};
static_assert(sizeof(Name) == 8);

/// A key/value fact about a node or an edge ("birthDate" = "1966-11-09"), with its record.
struct Attribute {
  StringId key = kNoString;
  StringId value = kNoString;
  ProvId source{};
};

/// Where a node, an edge or a fact comes from: the file or dataset, the record's id in it,
/// and the line (0 when the format has no lines).
struct Provenance {
  StringId source = kNoString;
  StringId record = kNoString;
  std::uint32_t line = 0;
};

/// What a listing imposes, typed (issue 10). Each loader maps its source's list, program or
/// provision to these with a cited table (loaders/measures.cpp, queries/RULES.md §8); what no
/// table maps stays an empty set, shown as "measure unknown" and never read as a freeze.
enum class Measure : std::uint8_t {
  AssetFreeze,        // blocking / asset freeze (OFAC SDN, EU financial sanctions, UK asset freeze)
  Sectoral,           // sectoral restrictions (OFAC SSI and EO 14024 directives, EU sectoral articles)
  InvestmentBan,      // securities purchase ban (OFAC NS-CMIC list, E.O. 13959 as amended)
  ExportLicence,      // export licence requirement (BIS Entity List, MEU List)
  ExportDenial,       // export privileges denied (BIS Denied Persons List, ITAR debarment)
  ExportRestriction,  // narrower export conditions (BIS Unverified List: no licence exceptions)
  ProcurementBan,     // procurement or equipment bans (NDAA, FCC Covered List, DHS directive, SAM)
  IctsBan,            // ICT transaction prohibitions (15 CFR part 7 final determinations)
  TravelBan,
  ArmsEmbargo,
  TrustServices,      // UK trust services sanctions (SAMLA regulations)
  TransactionBan,     // dealings prohibited without blocking (OFAC FSE list)
  CorrespondentAccount,  // correspondent / payable-through account restrictions (OFAC CAPTA list)
  DirectorDisqualification,  // UK director disqualification sanction
  Advisory,           // guidance or a warning that binds nobody
};
inline constexpr int kMeasureCount = 15;
std::string_view to_string(Measure measure) noexcept;  // "asset_freeze", "export_licence", ...
std::optional<Measure> parse_measure(std::string_view text) noexcept;

/// A set of measures; empty means the source's measure is not known (not "none").
class Measures {
 public:
  constexpr Measures() = default;
  constexpr Measures(std::initializer_list<Measure> measures) {
    for (Measure measure : measures) bits_ |= bit(measure);
  }
  constexpr bool contains(Measure measure) const { return (bits_ & bit(measure)) != 0; }
  constexpr bool unknown() const { return bits_ == 0; }
  constexpr Measures with(Measure measure) const { return from_bits(bits_ | bit(measure)); }
  constexpr Measures operator|(Measures other) const { return from_bits(bits_ | other.bits_); }
  constexpr std::uint16_t bits() const { return bits_; }
  static constexpr Measures from_bits(std::uint16_t bits) {
    Measures out;
    out.bits_ = static_cast<std::uint16_t>(bits & ((1u << kMeasureCount) - 1));
    return out;
  }
  friend constexpr bool operator==(Measures, Measures) = default;
  /// "asset_freeze, travel_ban"; "measure unknown" for the empty set.
  std::string to_string() const;

 private:
  static constexpr std::uint16_t bit(Measure measure) {
    return static_cast<std::uint16_t>(1u << static_cast<unsigned>(measure));
  }
  std::uint16_t bits_ = 0;
};

/// Who imposes a listing, as far as the rules need to know.
enum class Issuer : std::uint8_t {
  Unknown,
  UsOfac,        // US Treasury, Office of Foreign Assets Control
  UsBis,         // US Commerce, Bureau of Industry and Security (export controls)
  UsState,       // US State Department
  UsCommerceIcts,  // US Commerce, Office of ICT and Services (15 CFR part 7)
  UsFcc,
  UsDhs,
  UsCongress,    // a statute (NDAA)
  UsOther,       // another US agency (GSA SAM exclusions)
  EuCouncil,     // EU restrictive measures (Council decisions and regulations)
  Uk,            // UK government: FCDO / OFSI designations, but also NCSC guidance
  Un,            // UN Security Council
  Other,         // another country's authority (national lists, EU member-state registers)
};
inline constexpr int kIssuerCount = 13;
std::string_view to_string(Issuer issuer) noexcept;  // "us_ofac", "eu_council", ...

/// The list a listing comes from.
enum class SanctionList : std::uint8_t {
  Unknown,
  OfacSdn,            // Specially Designated Nationals and Blocked Persons List
  OfacSsi,            // Sectoral Sanctions Identifications List (non-SDN)
  OfacNonSdnDirective,  // non-SDN entries subject to E.O. 14024 / 14014 directives
  OfacNsMbs,          // Non-SDN Menu-Based Sanctions List
  OfacCmic,           // Non-SDN Chinese Military-Industrial Complex Companies List
  OfacFse,            // Foreign Sanctions Evaders List
  OfacPlc,            // Non-SDN Palestinian Legislative Council List
  OfacCapta,          // Correspondent Account or Payable-Through Account Sanctions List
  BisEntityList,      // 15 CFR part 744 supp. 4
  BisMeu,             // Military End-User List, 15 CFR part 744 supp. 7
  BisDpl,             // Denied Persons List
  BisUvl,             // Unverified List
  StateIsn,           // State Department nonproliferation sanctions
  StateDtc,           // State Department ITAR statutory debarment
  FccCovered,         // FCC Covered List
  UsDirective,        // a DHS binding operational directive, a statute's ban (NDAA)
  UsIcts,             // an ICTS final determination
  UsSamExclusions,    // SAM.gov exclusions
  EuFinancial,        // EU financial sanctions (asset-freeze annexes, e.g. Annex I of Reg. 269/2014)
  EuTravelBan,        // EU travel bans (Council decisions' admission annexes)
  EuOther,            // another EU list (sectoral annexes of Reg. 833/2014, the Official Journal)
  UkAssetFreeze,      // OFSI consolidated list of asset freeze targets
  UkSanctionsList,    // FCDO UK Sanctions List (the measures are per designation)
  UkGuidance,         // UK guidance (NCSC): not a designation
  UnConsolidated,     // UN Security Council Consolidated List
  National,           // another country's list
};
inline constexpr int kSanctionListCount = 27;
std::string_view to_string(SanctionList list) noexcept;  // "SDN", "Entity List", ...

/// How an Action came to be: from a record of it, or (FtM) from a party's dataset membership.
enum class ActionOrigin : std::uint8_t { Record, DatasetMembership };

/// The details of an Action node: a listing, designation, ban or warning.
struct Action {
  StringId authority = kNoString;    // "OFAC", "BIS", "FCC"
  StringId list = kNoString;         // "SDN", "Entity List", "Covered List"
  StringId program = kNoString;      // "RUSSIA-EO14024"
  StringId legal_basis = kNoString;  // "E.O. 14024", "89 FR 52362"
  StringId measures = kNoString;     // what it imposes, as the source words it
  StringId citation = kNoString;     // source URL or document
  std::optional<Date> listed;        // the date the listing was announced
  DateRange in_force;                // when it applies
  Measures measure_set;              // typed measures; empty: unknown
  Issuer issuer = Issuer::Unknown;   // from the loader's mapping table
  SanctionList list_id = SanctionList::Unknown;
  ActionOrigin origin = ActionOrigin::Record;

  /// True when the source gives no date for it (no listed, start or end date).
  constexpr bool undated() const noexcept { return !listed && in_force.is_open(); }
};

}  // namespace skg
