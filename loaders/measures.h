// loaders/measures.h: what each source's list, program or provision imposes, as cited tables
// (issue 10; queries/RULES.md §8 prints the same tables). Internal to the loaders.
#pragma once
#include <optional>
#include <span>
#include <string_view>

#include "skg/graph/model.h"

namespace skg::inline v1::detail {

/// One row of a mapping table: the issuer, the list and the measures a source value means.
struct MeasureMapping {
  Issuer issuer = Issuer::Unknown;
  SanctionList list = SanctionList::Unknown;
  Measures measures{};  // empty: measure unknown
  std::string_view basis;  // the published text the row comes from
};

/// OFAC legacy CSV, SDN files (sdn.csv): every entry is a blocked person.
MeasureMapping ofac_sdn_mapping() noexcept;
/// OFAC legacy CSV, non-SDN consolidated files (cons_prim.csv): by program tag, since the file
/// has no list column; `programs` is "UKRAINE-EO13662; RUSSIA-EO14024". Unknown tags: unknown.
MeasureMapping ofac_non_sdn_mapping(std::string_view programs) noexcept;
/// OFAC XML (advanced, enhanced): by the list's name as OFAC's reference values write it ("SDN
/// List", "Sectoral Sanctions Identifications List", "CAPTA List", ...), with the rows of the
/// CSL table (the same lists); nullopt for a name no row maps ("Consolidated List").
std::optional<MeasureMapping> ofac_list_mapping(std::string_view list_name) noexcept;
/// trade.gov CSL: by the short name in the `source` column ("SDN", "EL", "MEU", "DPL", ...).
MeasureMapping csl_source_mapping(std::string_view abbrev) noexcept;
/// UN Security Council Consolidated List: by UN_LIST_TYPE.
MeasureMapping un_mapping(std::string_view list_type) noexcept;
/// EU Financial Sanctions Files: by the regulation's `programme` code ("TERR", "LBY", ...).
/// Every programme is on the list of EU financial sanctions (SanctionList::EuFinancial); a
/// programme the table does not name keeps its measure unknown.
MeasureMapping eu_fsf_mapping(std::string_view programme) noexcept;
/// BIS Denied Persons List (the tab-separated file).
MeasureMapping bis_dpl_mapping() noexcept;
/// FCC Covered List.
MeasureMapping fcc_covered_mapping() noexcept;

/// FCDO UK Sanctions List XML: the measures one value of a designation's `SanctionsImposed`
/// ("Asset freeze|Travel Ban", split on '|') or one `SanctionsImposedIndicators` element set to
/// true ("AssetFreeze") stands for; empty when the table has no row for it (measure unknown).
Measures uk_sanctions_imposed(std::string_view value) noexcept;
/// FCDO UK Sanctions List XML: issuer UK, list UK Sanctions List, the given measures.
MeasureMapping uk_sanctions_list_mapping(Measures measures) noexcept;
/// OFSI (HM Treasury) Consolidated List of financial sanctions targets, CSV: asset freeze.
MeasureMapping ofsi_conlist_mapping() noexcept;

/// An FtM Sanction: `listingType` first, then the Sanction's own datasets, then programId, then
/// the authority; measures from `provisions` (each value, or its "tag:" prefix). Values no table
/// knows leave the list or the measures unknown.
MeasureMapping ftm_sanction_mapping(std::span<const std::string_view> authorities,
                                    std::span<const std::string_view> program_ids,
                                    std::span<const std::string_view> provisions,
                                    std::span<const std::string_view> listing_types,
                                    std::span<const std::string_view> datasets) noexcept;

/// An OpenSanctions dataset name -> the authority and list its entities are on; nullopt for a
/// dataset that is not a list of official measures (ext_ru_egrul, permid, ...) or not mapped.
std::optional<MeasureMapping> ftm_dataset_mapping(std::string_view dataset) noexcept;
/// The authority's name as an Action records it, for a dataset mapping ("OFAC", "EU", ...).
std::string_view issuer_authority(Issuer issuer) noexcept;

}  // namespace skg::detail
