// tests/queries/typed_listing.h: the typed issuer, list and measures that the loaders' tables
// (loaders/measures.cpp) give the authority and list words the rule tests use.
#pragma once
#include <string_view>

#include "skg/graph/model.h"

namespace skg::inline v1::test {

/// What the loaders' tables (loaders/measures.cpp) make of the authority and list words these
/// cases use: the typed issuer, list and measures the rules read.
struct Typed {
  Issuer issuer = Issuer::Unknown;
  SanctionList list = SanctionList::Unknown;
  Measures measures{};
};
inline Typed typed(std::string_view authority, std::string_view list) {
  if (authority == "OFAC" || authority == "Office of Foreign Assets Control") {
    if (list.empty() || list == "SDN") return {Issuer::UsOfac, SanctionList::OfacSdn, {Measure::AssetFreeze}};
    if (list == "SSI") return {Issuer::UsOfac, SanctionList::OfacSsi, {Measure::Sectoral}};
    if (list == "CMIC") return {Issuer::UsOfac, SanctionList::OfacCmic, {Measure::InvestmentBan}};
    return {Issuer::UsOfac, SanctionList::OfacNsMbs, {}};
  }
  if (authority == "Council of the European Union") {
    if (list == "833/2014 Annex IV") return {Issuer::EuCouncil, SanctionList::EuOther, {Measure::ExportLicence}};
    if (list == "travel ban") return {Issuer::EuCouncil, SanctionList::EuTravelBan, {Measure::TravelBan}};
    return {Issuer::EuCouncil, SanctionList::EuFinancial, {Measure::AssetFreeze}};
  }
  if (authority == "Direction Generale du Tresor") return {Issuer::Other, SanctionList::National, {Measure::AssetFreeze}};
  if (authority == "UK NCSC") return {Issuer::Uk, SanctionList::UkGuidance, {Measure::Advisory}};
  if (authority == "UK trust services") return {Issuer::Uk, SanctionList::UkSanctionsList, {Measure::TrustServices}};
  if (authority == "Foreign, Commonwealth & Development Office" || authority == "HM Treasury" ||
      authority == "OFSI" || authority == "UK")
    return {Issuer::Uk, SanctionList::UkAssetFreeze, {Measure::AssetFreeze}};
  if (authority == "BIS" || authority == "Bureau of Industry and Security") {
    if (list == "Entity List") return {Issuer::UsBis, SanctionList::BisEntityList, {Measure::ExportLicence}};
    if (list == "MEU") return {Issuer::UsBis, SanctionList::BisMeu, {Measure::ExportLicence}};
    if (list == "Denied Persons List") return {Issuer::UsBis, SanctionList::BisDpl, {Measure::ExportDenial}};
  }
  if (authority == "FCC") return {Issuer::UsFcc, SanctionList::FccCovered, {Measure::ProcurementBan}};
  if (authority == "Commerce (OICTS)") return {Issuer::UsCommerceIcts, SanctionList::UsIcts, {Measure::IctsBan}};
  return {};
}

}  // namespace skg::test
