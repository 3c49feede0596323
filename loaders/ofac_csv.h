// loaders/ofac_csv.h: OFAC's legacy CSV files (SDN and non-SDN Consolidated lists) into the graph.
//
// Format (OFAC dat_spec.txt; OFAC notice of 2012-06-13): no header, CRLF (LF accepted), "-0-"
// for an empty field, an optional trailing 0x1A, fields quoted with '"'. Four files per list:
//   sdn.csv / cons_prim.csv          ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign,
//                                    Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks
//   add.csv / cons_add.csv           ent_num, add_num, Address, City/State/Postal, Country,
//                                    Add_remarks
//   alt.csv / cons_alt.csv           ent_num, alt_num, alt_type (aka, fka, nka), alt_name,
//                                    alt_remarks
//   sdn_comments.csv / cons_comments.csv   ent_num, the Remarks text past its 1000th character
//
// What each record becomes:
// - an entity `ofac-sdn:<uid>` (`ofac-cons:<uid>` for cons_*.csv) of kind Person (individual),
//   Vessel, Aircraft or LegalEntity (SDN_Type -0-: the file does not say company or org);
// - one listing Action `ofac-sdn:<uid>#SDN` (`ofac-cons:<uid>#NON-SDN`): authority "OFAC", list
//   "SDN" or "Non-SDN Consolidated", program = the "] ["-separated programs joined by "; ",
//   legal_basis and measures from "<Executive Order N | CAATSA Section N | ...> information: ..."
//   remarks. The legacy CSV carries no listing date: `listed` and `in_force` stay unknown;
// - alt.csv names: aliases of their type, strength Strong; OFAC puts the weak ("low quality")
//   a.k.a.s in the Remarks field instead (notice of 2012-06-13, item 2), where
//   "a.k.a. 'NAME'" (also f.k.a., n.k.a.) becomes an alias of strength Weak;
// - add.csv rows: attribute "address" (the non-empty parts joined by ", ") and "country";
//   "addressRemarks" when Add_remarks is set;
// - Title -> "title"; vessel columns -> "callSign", "vesselType", "tonnage",
//   "grossRegisteredTonnage", "flag", "vesselOwner"; an SDN_Type not in the spec -> "sdnType".
//
// Remarks (after the sdn_comments.csv continuation is appended, and its final period, OFAC's
// end-of-data marker, dropped) are split at "; ". A leading "alt. " is dropped. Recognised parts
// become attributes, each with the entry's record as provenance:
//   DOB -> "birthDate" (ISO "1966-11-09", "1966-11" or "1966" when exact, else as written),
//   POB -> "birthPlace", nationality -> "nationality", citizen -> "citizenship",
//   Gender -> "gender", Email Address / Email: -> "email", Website -> "website",
//   Phone Number / Telephone -> "phone", Fax -> "fax",
//   Secondary sanctions risk: -> "secondarySanctionsRisk",
//   Additional Sanctions Information - -> "additionalSanctionsInformation",
//   Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:
//     -> "transactionsProhibited", Organization Established Date -> "incorporationDate",
//   Organization Type: -> "organizationType", Target Type -> "targetType",
//   "... Directive Determination - ..." -> "directive",
//   "Listing Date (X): d" / "Effective Date (X): d" -> "listingDate (X)" / "effectiveDate (X)",
//   identity documents -> key "id:<label as OFAC writes it>", value "<number> (<country>) ..."
//     as written: "id:Passport" = "530193947 (Russia)", "id:Tax ID No." = "774334095919
//     (Russia)", "id:Vessel Registration Identification" = "IMO 7406784",
//     "id:Digital Currency Address - XBT" = "1Kuf...". A label is a known OFAC label or words
//     ending in "No.", "Number", "ID", "Code", "#" followed by a value holding a digit.
//   Linked To: NAME -> a LinkedTo edge to the entry of this load whose primary name is NAME
//     (else whose alt.csv alias is NAME; NAME with a final period restored is tried too). A NAME
//     that matches no entry or several is kept as attribute "linkedTo" and listed in
//     LoadReport::unresolved. Entries loaded by an earlier load() are not searched by name.
//     A resolved edge has role "Linked To" and edge attribute "name" = NAME as stated.
// When any part is not recognised, the whole remarks text is kept as attribute "remarks".
//
// Bad input (strict mode throws LoadError, OnBadRecord::Skip lists it in LoadReport::skipped):
// a wrong column count, a non-numeric or duplicate ent_num, an unknown alt_type, an empty
// name, invalid UTF-8 (OFAC publishes ASCII, so no transcoding is attempted), a field over
// 64 KiB (the spec's widest is 1000), a broken quote (the load resumes at the next line), an
// empty file. Blank lines are skipped. Rows of add/alt/comments files whose ent_num has no entry
// (OFAC publishes such files) are never fatal: they are listed in LoadReport::skipped with
// reason "unknown uid ..." in both modes.
// Counts: "entities", "aliases", "addresses", "actions", "documents", "links resolved",
// "links unresolved", "unknown uid rows".
#pragma once
#include <string>
#include <string_view>

#include "skg/graph/builder.h"
#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Loads an OFAC legacy CSV set. `path` is sdn.csv or cons_prim.csv (its siblings add.csv,
/// alt.csv, sdn_comments.csv or cons_add.csv, cons_alt.csv, cons_comments.csv in the same folder
/// are read too when present), or one of the sibling files alone (then its rows attach to the
/// entries this load or the builder already has, and every other row is reported as an unknown
/// uid). Any other file name is read as the kind its column count shows.
///   skg::load_ofac_csv("sdn.csv", context);
void load_ofac_csv(const std::string& path, LoadContext& context);

/// The same as one all-or-nothing load: `load_with(load_ofac_csv, path, builder, options)`.
///   auto report = skg::load_ofac_csv("datasets/kaspersky/ofac/sdn.csv", builder);
LoadReport load_ofac_csv(const std::string& path, Builder& builder,
                         const LoadOptions& options = {});

/// True when the first bytes look like an OFAC legacy CSV file of any of the four kinds.
///   if (skg::looks_like_ofac_csv(head, "sdn.csv")) ...
bool looks_like_ofac_csv(std::string_view head, std::string_view file_name) noexcept;

}  // namespace skg
