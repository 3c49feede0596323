// loaders/gleif.h: GLEIF Legal Entity Identifier data: LEI-CDF, RR-CDF, reporting exceptions.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Reads one GLEIF file into the load, whichever of GLEIF's golden-copy files it is: Level 1 LEI
/// records (LEI-CDF 3.1 XML, or the JSON golden copy {"records": [...]}) become parties
/// `lei:<LEI>` with attribute leiCode, names, addresses, jurisdiction, legal form, statuses and
/// registration authority (gbCompanyNumber when the authority is Companies House, RA000585);
/// Level 2 relationship records (RR-CDF 2.1) become edges child -> parent with their periods,
/// status and any percentage; reporting exceptions become facts "reportingException" on the
/// party. Of several versions of one record in a load (a full file and its update files), the
/// latest LastUpdateDate wins. The mapping tables are at the top of gleif.cpp.
///   skg::load("gleif/", builder);  // lei-data.xml, lei-updates-*.xml, rr-data.xml, repex-data.xml
void load_gleif(const std::string& path, LoadContext& context);

/// Loads one GLEIF file as one all-or-nothing batch.
LoadReport load_gleif(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the first bytes are GLEIF XML (its leidata, rr or repex namespace) or the JSON golden
/// copy (a "records" array of LEI, relationship or exception records).
bool looks_like_gleif(std::string_view head, std::string_view file_name) noexcept;

namespace detail {
/// The two halves of looks_like_gleif, for load()'s table of formats: GLEIF XML (one of its
/// namespaces; load() asks only a head that holds a '<') and the JSON golden copy.
bool looks_like_gleif_xml(std::string_view head) noexcept;
bool looks_like_gleif_json(std::string_view head) noexcept;
}  // namespace detail

/// An ISO 8601 date-time as GLEIF writes it ("2023-05-18T15:41:20.212Z", "2024-05-04T00:00:00+02:00",
/// or a date alone) -> milliseconds since 1970-01-01T00:00Z; nullopt when it is not one.
std::optional<std::int64_t> parse_gleif_instant(std::string_view text) noexcept;

}  // namespace skg
