// loaders/fcc_covered.h: the FCC Covered List (equipment and services deemed a national-security risk).
#pragma once
#include <string>
#include <string_view>

#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Reads the Covered List CSV (columns covered_equipment_or_services,
/// date_of_inclusion_on_covered_list) into `context.batch`: one listing Action per row
/// (authority FCC, list "Covered List", listed = date of inclusion, measures = the row's text),
/// targeting the company the text names as producer or provider (`fcc:<slug of its name>`,
/// independent of other datasets' ids) and a wholly-owned subsidiary it names with it. Rows
/// that cover a class of equipment ("Routers produced in a foreign country") name no party and
/// give an Action without a target. A date cell "December 22, 2025Updated:January 7, 2026" is
/// read as the inclusion date plus update dates; any part that is not a whole
/// "Month D, YYYY" date makes the row a bad record: never a guessed date.
void load_fcc_covered(const std::string& path, LoadContext& context);

/// Loads the Covered List CSV into `builder`, all or nothing.
LoadReport load_fcc_covered(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the file's first bytes are the Covered List header.
bool looks_like_fcc_covered(std::string_view head, std::string_view file_name) noexcept;

}  // namespace skg
