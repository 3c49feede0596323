// graph/identity.h: the strong identifiers that make records of several sources one party.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/ids.h"

namespace skg::inline v1 {

/// A scheme of strong identifiers (the cross-source identity contract; queries/RULES.md §9).
/// Records that share an identifier of one scheme, once normalised, are one party.
enum class IdScheme : unsigned char {
  OfacUid,            // `ofacUid`: OFAC's entity number, one per party across SDN, non-SDN and formats
  Lei,                // `leiCode`: ISO 17442 Legal Entity Identifier
  GbCompanyNumber,    // `gbCompanyNumber`: UK Companies House company number
  ImoNumber,          // `imoNumber`: IMO ship identification number
  UnReference,        // `unReference`: UN Security Council reference ("QDi.001")
  EuReference,        // `euReference`: EU Financial Sanctions Files reference ("EU.27.28")
  OfsiGroupId,        // `ofsiGroupId`: OFSI Consolidated List Group ID
  UkSanctionsListId,  // `ukSanctionsListId`: FCDO UK Sanctions List unique id ("RUS0001")
};
inline constexpr int kIdSchemeCount = 8;

/// The attribute key of a scheme: "ofacUid", "leiCode", ...
std::string_view attribute_key(IdScheme scheme) noexcept;
/// The scheme whose attribute key is `key`; nullopt for any other attribute.
std::optional<IdScheme> id_scheme_of_key(std::string_view key) noexcept;

/// The identifier in its one written form ("IMO 9074729" -> "9074729", "sc 12345" ->
/// "SC012345"... per the cited table in RULES.md §9.2), or nullopt when `value` is not an
/// identifier of the scheme (a failed check digit, a wrong length): such a value merges nothing.
///   normalise_identifier(IdScheme::Lei, "5493001kjtiigc8y1r12") == "5493001KJTIIGC8Y1R12"
std::optional<std::string> normalise_identifier(IdScheme scheme, std::string_view value);

/// The identifier a primary id implies (the contract's ids: "ofac-sdn:18715" and
/// "ofac-cons:18715" carry OFAC uid 18715, "un:QDi.001" the UN reference, "lei:X" the LEI,
/// "gb-coh:N" the company number); nullopt for other ids.
std::optional<std::pair<IdScheme, std::string_view>> identifier_of_id(std::string_view id) noexcept;

/// A strong identifier that did not identify one party (queries/RULES.md §9.5).
struct IdentifierConflict {
  enum class Kind : unsigned char {
    Disagrees,    // records joined by one identifier carry different values of another scheme
    TooCommon,    // one value on more than 256 records: a placeholder, it merges nothing
    KindsDiffer,  // one value on parties of kinds that never merge (a person and a vessel)
    Ambiguous,    // one value on records whose other identifiers disagree: it merged nothing
  };
  Kind kind = Kind::Disagrees;
  IdScheme scheme = IdScheme::OfacUid;
  std::vector<std::string> values;  // normalised: the disagreeing values, or the one shared value
  std::vector<NodeId> parties;      // the party (Disagrees) or the parties that carry the value
  std::size_t records = 0;          // TooCommon: how many records carry the value
};
std::string_view to_string(IdentifierConflict::Kind kind) noexcept;

class Graph;
/// Every identifier conflict of a frozen graph, in a stable order (kind, scheme, values).
///   for (const auto& conflict : skg::identifier_conflicts(graph)) ...
std::vector<IdentifierConflict> identifier_conflicts(const Graph& graph);
/// One line on a conflict: "same party, ofacUid 12345 and 67890 (records ...)".
std::string describe(const Graph& graph, const IdentifierConflict& conflict);

}  // namespace skg
