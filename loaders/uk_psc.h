// loaders/uk_psc.h: the UK Companies House "persons with significant control" snapshot (JSON).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "skg/graph/model.h"
#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Reads one PSC snapshot file: one JSON object per line (the raw snapshot) or a JSON array of
/// such objects. Each person with significant control becomes an interest (edges holder ->
/// company) in the company `gb-coh:<company_number>` (attribute gbCompanyNumber), one edge per
/// nature of control, with its share range, typed Interest and dates (notified_on to ceased_on).
/// Holders get `gb-psc:<company>/<kind>/<psc id>`, except corporate PSCs registered at Companies
/// House, which get `gb-coh:<registration_number>` so that chains link up. Statements and
/// exemptions are kept as facts on the company. The mapping table is in uk_psc.cpp.
void load_uk_psc(const std::string& path, LoadContext& context);

/// Loads one PSC snapshot file as one all-or-nothing batch.
///   auto report = skg::load_uk_psc("psc-snapshot-2024-12-19_1of32.txt", builder);
LoadReport load_uk_psc(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the first bytes look like PSC snapshot records (company_number and a PSC kind).
bool looks_like_uk_psc(std::string_view head, std::string_view file_name) noexcept;

/// What a nature of control gives its holder: edge kind, typed interest and share (a range with
/// the statute's open and closed bounds); nullopt for a code the table does not know.
struct PscNature {
  EdgeKind kind = EdgeKind::UnknownLink;
  Interest interest = Interest::Unspecified;
  Percent share;
};
std::optional<PscNature> psc_nature(std::string_view code) noexcept;

/// "8209948" -> "08209948", "sc123456" -> "SC123456"; "" when it is not a Companies House number
/// (up to 8 letters and digits, letters only as a two-letter prefix).
std::string gb_company_number(std::string_view text);

}  // namespace skg
