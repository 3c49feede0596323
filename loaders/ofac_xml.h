// loaders/ofac_xml.h: OFAC's XML publications (classic sdnList, advanced Sanctions, 2024 enhanced) into the graph.
//
// Three layouts, told apart by their root element (namespaces are not read: OFAC changed them):
// - classic `sdnList` (sdn.xml, consolidated.xml; sdn.xsd): sdnEntry with uid, lastName,
//   firstName, sdnType, programList, akaList (a.k.a./f.k.a./n.k.a., strong/weak), idList,
//   addressList, nationalityList, citizenshipList, dateOfBirthList, placeOfBirthList, vesselInfo,
//   remarks; publshInformation/Publish_Date. The layout names no list: a file whose name holds
//   "cons" is the non-SDN Consolidated list, any other the SDN list (as the CSV loader's cons_*).
// - advanced `Sanctions` (sdn_advanced.xml, cons_advanced.xml; sdn_advanced.xsd): every code is a
//   reference into ReferenceValueSets, resolved from the file itself; DistinctParty > Profile >
//   Identity > Alias > DocumentedName (one per script, parts typed by NamePartGroups), Feature
//   (birth dates as DatePeriods, places, nationality, citizenship, locations...), IDRegDocuments,
//   SanctionsEntries (list, dates, legal basis, programs and sanctions types) and
//   ProfileRelationships (typed links between profiles).
// - enhanced `sanctionsData` (OFAC Sanctions List Service ENHANCED_XML, 2024): entity with
//   generalInfo, sanctionsLists (with datePublished), sanctionsPrograms, sanctionsTypes,
//   legalAuthorities, names > translations (one per script, with name parts), addresses,
//   features, identityDocuments and relationships.
//
// What each party becomes (the identity contract of issue 12: the OFAC CSV loader's ids):
// - an entity `ofac-sdn:<uid>` when the party is on the SDN List (classic: an SDN file), else
//   `ofac-cons:<uid>`; attribute "ofacUid" = uid. Kind Person, Vessel, Aircraft or LegalEntity.
// - its primary name "LAST, First Middle" (as sdn.csv writes it), every other name and every
//   script of every name as aliases (A.K.A./F.K.A./N.K.A.; LowQuality/weak -> Weak, else Strong);
//   the primary name's parts as "firstName", "lastName", "middleName", "fatherName" (patronymic),
//   "motherName" (matronymic), "maidenName", in each script.
// - facts with the OFAC CSV loader's keys (loaders/ofac_csv.h): "birthDate" (ISO when exact, a
//   range "1960 to 1962" or "circa 1951" as OFAC gives it), "birthPlace", "nationality",
//   "citizenship", "address", "country", "gender", "title", "website", "email", "phone",
//   vessel facts ("callSign", "vesselType", "flag", "vesselOwner", "tonnage",
//   "grossRegisteredTonnage"), "directive", "listingDate (X)", "effectiveDate (X)", ...;
//   identity documents as "id:<type as OFAC names it>" = "<number> (<country>)", and the strong
//   identifiers also under the contract's keys: "imoNumber", "leiCode", "gbCompanyNumber".
// - one listing Action per list: `<id>#SDN` (the CSV loader's id: a CSV and an XML of one uid
//   give one action) with the SDN mapping, and `<id>#NON-SDN` for the first non-SDN list
//   (`<id>#NON-SDN/<list>` for any further one) mapped by the list's name, else by program
//   (loaders/measures.cpp, RULES.md §8.1, §8.9). Listed date: the sanctions entry's date
//   (advanced: its EntryEvent; enhanced: the list's datePublished); classic files carry none, only
//   the list's Publish_Date, kept as the action's "publishDate".
// - relationships (advanced, enhanced) as typed edges, by OFAC's relation type (RULES.md §8.9):
//   "Owned or Controlled By" -> OWNS from the owner, share unknown (OFAC states none);
//   "Acting for or on behalf of" -> REPRESENTS; "Leader or official of", "Principal Executive
//   Officer" -> OFFICER_OF; "Associate Of" -> ASSOCIATE; "Family member of" -> FAMILY; "Providing
//   support to", "playing a significant role in", "Property in the interest of" -> LINKED_TO;
//   others -> UNKNOWN_LINK. Edge id `ofac-rel:<relationship id>`, role = OFAC's words. A
//   relationship to a party not in the file resolves against the rest of the load, else it is
//   listed in LoadReport::unresolved. Classic "Linked To: NAME" remarks become LINKED_TO edges to
//   the party of this file with that name, as in the CSV loader.
//
// Bad input (strict mode throws LoadError; OnBadRecord::Skip lists the record and goes on): an
// empty file, invalid UTF-8, malformed XML, an unknown root element (whole file); a party with no
// or a non-numeric uid, no name, a duplicate uid, a date that is not a date, a reference to a
// value its ReferenceValueSets do not define (one record).
// Counts: "entities", "aliases", "addresses", "documents", "actions", "relationships".
#pragma once
#include <string>
#include <string_view>

#include "skg/graph/builder.h"
#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Loads one OFAC XML file of any of the three layouts into the context's batch.
void load_ofac_xml(const std::string& path, LoadContext& context);

/// The same as one all-or-nothing load.
///   auto report = skg::load_ofac_xml("sdn_advanced.xml", builder);
LoadReport load_ofac_xml(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the first bytes are an OFAC XML file of one of the three layouts.
bool looks_like_ofac_xml(std::string_view head, std::string_view file_name) noexcept;

}  // namespace skg
