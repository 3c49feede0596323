// loaders/eu_fsf.h: the EU Financial Sanctions Files XML (xmlFullSanctionsList_1_1).
#pragma once
#include <string>
#include <string_view>

#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Reads one EU Financial Sanctions Files export (root `export`, namespace
/// http://eu.europa.ec/fpi/fsd/export) into `context.batch`: every `sanctionEntity` (person or
/// enterprise) with every nameAlias (strength, language, title and function kept), birth dates as
/// given (exact, year only, ranges, circa, other calendars), citizenships, identifications,
/// addresses and remarks, and one EU listing Action per `regulation` (its programme mapped to a
/// measure by a cited table, loaders/measures.cpp). A party's id is `eu-fsf:<euReferenceNumber>`
/// ("eu-fsf:EU.3886.3"); the reference itself is the attribute `euReference`, the UN reference
/// (`unitedNationId`) is `unReference` and an IMO number is `imoNumber` (the cross-source
/// identity keys).
///   skg::load_with(skg::load_eu_fsf, "xmlFullSanctionsList_1_1.xml", builder);
void load_eu_fsf(const std::string& path, LoadContext& context);

/// Loads one EU Financial Sanctions Files XML into `builder`, all or nothing.
LoadReport load_eu_fsf(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the file's first bytes hold the FSF export namespace or a <sanctionEntity element.
bool looks_like_eu_fsf(std::string_view head, std::string_view file_name) noexcept;

}  // namespace skg
