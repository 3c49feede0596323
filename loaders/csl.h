// loaders/csl.h: the US Consolidated Screening List CSV (trade.gov), every layout since 2019.
#pragma once
#include <string>
#include <string_view>

#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Reads one CSL CSV into `context.batch`: per row one party (names, addresses, identifiers,
/// dates) and one listing Action tagged with the row's source list (SDN, Entity List, DPL, ...).
/// Rows from the SDN list take the id `ofac-sdn:<entity_number>` (the OFAC uid) and keep their
/// CSL id as another id, so they merge with the OFAC loader's record of the same uid.
///   skg::load_with(skg::load_csl, "csl.csv", builder);
void load_csl(const std::string& path, LoadContext& context);

/// Loads one CSL CSV into `builder`, all or nothing.
///   auto report = skg::load_csl("csl.csv", builder, {.on_bad_record = skg::OnBadRecord::Skip});
LoadReport load_csl(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the file's first bytes are a CSL header (with or without `_id`, quoted or not).
bool looks_like_csl(std::string_view head, std::string_view file_name) noexcept;

}  // namespace skg
