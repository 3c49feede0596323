// loaders/uk_sanctions_list.h: the FCDO UK Sanctions List in XML (Designations).
#pragma once
#include <string>
#include <string_view>

#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Reads one FCDO UK Sanctions List XML (root `Designations`, one `Designation` per person,
/// entity or ship) into `context.batch`.
///
/// - The party's id is `uksl:<UniqueID>` ("uksl:AFG0006"). Its identifiers are attributes with
///   the cross-source keys: `ukSanctionsListId` (UniqueID), `ofsiGroupId` (OFSIGroupID),
///   `unReference` (UNReferenceNumber: a UN-sourced designation keeps its UN reference),
///   `imoNumber` (a ship's IMO number as written), `gbCompanyNumber` (a business registration
///   number the list labels as a UK company number, "UK Company no. 06527449" -> "06527449").
/// - Names: every `Name` (Name1..Name5 then Name6, the family or entity name) with its
///   NameType (Primary Name, Primary Name Variation, Alias) and AliasStrength (Good / Low
///   quality a.k.a -> strong / weak), and every non-Latin-script name as an alias.
/// - One Action per designation, `uksl:<UniqueID>#UKSL`: issuer UK, list UK Sanctions List,
///   program and legal basis the RegimeName, listed and in force from DateDesignated, the
///   SanctionsImposed text as written and its typed measures (loaders/measures.cpp, RULES.md
///   §8.9); DesignationSource ("UK", "UN", "UK|UN") and LastUpdated as facts of the action.
/// - Dates of birth kept as partial as written ("dd/mm/1945" -> "1945"); a date that is none of
///   the list's forms is kept as written, with a warning in the report.
/// - ParentCompanies and Subsidiaries name the other company by text only. A name that is the
///   primary name or an alias of exactly one designation of the same file becomes a
///   SUBSIDIARY_OF edge between the two designations (child -> parent), with the name as written
///   in its "name" attribute. Any other name (no designation, or several) makes no party: it is
///   kept as the attribute `parentCompany` / `subsidiary` and listed in LoadReport::unresolved,
///   as the OFAC loader does with "Linked To:" names.
///   skg::load_with(skg::load_uk_sanctions_list, "UK_Sanctions_List.xml", builder);
void load_uk_sanctions_list(const std::string& path, LoadContext& context);

/// Loads one UK Sanctions List XML into `builder`, all or nothing.
LoadReport load_uk_sanctions_list(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the file's first bytes hold a <Designations root with a <Designation or <DateGenerated.
bool looks_like_uk_sanctions_list(std::string_view head, std::string_view file_name) noexcept;

}  // namespace skg
