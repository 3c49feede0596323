// loaders/bis_dpl.h: the BIS Denied Persons List (tab-separated, quoted, with a header row).
#pragma once
#include <string>
#include <string_view>

#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Reads one DPL file into `context.batch`. The DPL has one row per (party, address) and no
/// id column, so a party's id is `bis-dpl:<slug of name>:<effective date>`: the rows of one
/// denial order that differ only by address become one party with several addresses, and one
/// listing Action (`<id>#DPL`: effective and expiration dates, FR citation, standard order).
///   skg::load_with(skg::load_bis_dpl, "dpl.txt", builder);
void load_bis_dpl(const std::string& path, LoadContext& context);

/// Loads one DPL file into `builder`, all or nothing.
///   auto report = skg::load_bis_dpl("dpl.txt", builder);
LoadReport load_bis_dpl(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the file's first bytes are the DPL header ("Name", "Street_Address", ... tab-separated).
bool looks_like_bis_dpl(std::string_view head, std::string_view file_name) noexcept;

}  // namespace skg
