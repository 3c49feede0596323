// loaders/ofsi_csv.h: the OFSI (HM Treasury) Consolidated List of financial sanctions targets, CSV.
#pragma once
#include <string>
#include <string_view>

#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Reads one OFSI Consolidated List CSV into `context.batch`. The file has one row per name
/// (a target's primary name and each alias), a `Group ID` per target, and is read by its
/// header's column names, so the 2014 and 2018 layouts (29 columns, row 1 "Last Updated,<date>")
/// and any order of columns load alike.
///
/// - Text: UTF-8 when the file is valid UTF-8 (with or without a byte-order mark), else read as
///   Windows-1252 (the list's encoding in 2014 and 2018) and made UTF-8.
/// - One party per Group ID, id `ofsi:<Group ID>`, with `ofsiGroupId` and, found by the list's
///   own labels in "Other Information", `unReference` ("UN Ref QDi.196."), `imoNumber` ("IMO
///   Number: 5342883") and `gbCompanyNumber` ("UK Company Number 02772297"). The "Prime Alias"
///   (or "Primary name") row names it; AKA / Alias / Primary name variation rows are aliases,
///   FKA rows former names.
/// - Dates of birth kept as partial as written ("00/00/1980" -> "1980", "00/09/1977" ->
///   "1977-09"); one that names no real day is kept as written, with a warning.
/// - One Action per Group ID and regime, `ofsi:<Group ID>#<regime slug>`: issuer UK, list UK
///   asset freeze, measure asset freeze (loaders/measures.cpp, RULES.md §8.9), listed and in force
///   from the earliest "Listed On" of the regime's rows.
///   skg::load_with(skg::load_ofsi_csv, "ConList.csv", builder);
void load_ofsi_csv(const std::string& path, LoadContext& context);

/// Loads one OFSI Consolidated List CSV into `builder`, all or nothing.
LoadReport load_ofsi_csv(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the file's first lines hold the OFSI header (Name 6 ... Group ID).
bool looks_like_ofsi_csv(std::string_view head, std::string_view file_name) noexcept;

}  // namespace skg
