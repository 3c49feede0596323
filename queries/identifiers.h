// queries/identifiers.h: every identifier the loaders keep (passport, national id, IMO, MMSI,
// SWIFT/BIC, LEI, tax and registration numbers...), indexed for exact, normalised look-up.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/graph.h"

namespace skg::inline v1 {

/// What an identifier is, from an explicit table of the labels each source uses (OFAC remark
/// labels, CSL and UN document types, FtM property names, BODS schemes); a label the table does
/// not hold is `Other`, and the hit shows the label as the source wrote it.
enum class IdentifierType : std::uint8_t {
  Other,
  Passport,
  NationalId,
  Imo,           // IMO ship or company number
  Mmsi,          // Maritime Mobile Service Identity
  SwiftBic,      // ISO 9362 business identifier code
  Lei,           // ISO 17442 legal entity identifier
  Tax,           // tax or VAT number (INN, RFC, NIT, RUC, Tax ID No.)
  Registration,  // company or business registration number (OGRN, USCC, Registration ID)
  CallSign,      // a vessel's radio call sign
  CryptoAddress, // a digital currency address
};
std::string_view to_string(IdentifierType type) noexcept;

/// One identifier of a record, read from one attribute.
struct Identifier {
  IdentifierType type = IdentifierType::Other;
  std::string label;   // the source's own label: "Passport", "id:Tax ID No." -> "Tax ID No."
  std::string number;  // the number as written, without country and issue details
  std::string key;     // normalised: letters and digits only, upper case ("AB-12 34" -> "AB1234")
};

/// The identifier an attribute holds, or nothing when the attribute is not an identifier
/// (a name, a date, a website...) or its number has no digit. One attribute may give two keys
/// ("IMO 9187629" is found as "IMO9187629" and as "9187629"): `also` receives the second.
///   parse_identifier("id:Passport", "530193947 (Russia)") -> {Passport, "Passport", "530193947"}
std::optional<Identifier> parse_identifier(std::string_view key, std::string_view value,
                                           std::string* also = nullptr);

/// Letters and digits of `text`, upper-cased; everything else (spaces, dashes, dots) dropped.
std::string normalise_identifier(std::string_view text);

/// Normalised identifier -> the records holding it. Built once per graph (linear in the
/// attributes), read-only afterwards, so many threads may look up at once.
class IdentifierIndex {
 public:
  IdentifierIndex();
  ~IdentifierIndex();
  IdentifierIndex(IdentifierIndex&&) noexcept;
  IdentifierIndex& operator=(IdentifierIndex&&) noexcept;

  std::size_t key_count() const noexcept;    // distinct normalised identifiers
  std::size_t entry_count() const noexcept;  // (record, attribute) pairs
  std::size_t bytes() const noexcept;

  /// True when this index was built from `graph` (the same object): look-ups refuse another.
  bool built_for(const Graph& graph) const noexcept { return data_ != nullptr && graph_token_ == graph.token(); }

  struct Data;
  const Data& data() const noexcept { return *data_; }

 private:
  friend IdentifierIndex build_identifier_index(const Graph& graph);
  std::unique_ptr<Data> data_;
  std::uint64_t graph_token_ = 0;  // Graph::token() of the graph it indexes
};

///   const auto ids = skg::build_identifier_index(graph);
IdentifierIndex build_identifier_index(const Graph& graph);

/// A record holding an identifier equal (after normalisation) to the one looked up.
struct IdentifierMatch {
  NodeId node = kNoNode;
  Identifier identifier;         // as the record holds it: type, label, number
  std::string_view attribute;    // the attribute key ("id:Passport", "identification", "imoNumber")
  std::string_view value;        // the attribute value as stored (lives with the graph)
  ProvId source{};               // the record the attribute comes from
};

/// Records whose identifiers equal `value` after normalisation, in node order. An exact match:
/// no edit distance, no prefix.
///   for (auto& match : skg::find_identifier(graph, ids, "IMO 9187629")) use(match.node);
std::vector<IdentifierMatch> find_identifier(const Graph& graph, const IdentifierIndex& index,
                                             std::string_view value);

/// The spans of a free-text query that are identifiers some record holds: each word, and each
/// pair of neighbouring words ("IMO 9187629"), with at least 5 letters or digits, 3 of them
/// digits. `used` receives the byte ranges [first, last) of the words consumed.
std::vector<IdentifierMatch> find_identifiers_in_text(
    const Graph& graph, const IdentifierIndex& index, std::string_view text,
    std::vector<std::pair<std::size_t, std::size_t>>* used = nullptr);

}  // namespace skg
