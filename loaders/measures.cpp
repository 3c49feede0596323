#include "skg/loaders/measures.h"

#include <array>
#include <utility>

namespace skg::inline v1::detail {

namespace {

using M = Measure;

bool same(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t at = 0; at < a.size(); ++at) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[at]) != lower(b[at])) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '[')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == ']')) text.remove_suffix(1);
  return text;
}

struct Row {
  std::string_view key;
  MeasureMapping mapping;
};

template <std::size_t N>
const MeasureMapping* find(const std::array<Row, N>& table, std::string_view key) noexcept {
  for (const Row& row : table)
    if (same(row.key, trim(key))) return &row.mapping;
  return nullptr;
}

// Sources cited below (queries/RULES.md §8 quotes them):
//  [OFAC-SDN]  Treasury, "Specially Designated Nationals and Blocked Persons List": "Their assets
//              are blocked and U.S. persons are generally prohibited from dealing with them."
//  [OFAC-CONS] Treasury, "Consolidated Sanctions List (Non-SDN Lists)": lists "where blocking is
//              not required but other prohibitions and investment restrictions apply" (OFAC
//              announcement 2014-10-10: "the action required of a U.S. person does not
//              necessarily entail blocking").
//  [OFAC-PLC]  Treasury, "Non-SDN Palestinian Legislative Council (NS-PLC) list" (ofac.treasury.gov,
//              last updated 2023-11-14): "Section (b) of General License 4 ... authorizes U.S.
//              financial institutions to reject transactions with members of the Palestinian
//              Legislative Council (PLC) who were elected to the PLC on the party slate of Hamas,
//              ... provided that any such individuals are not named on OFAC's list of Specially
//              Designated Nationals": transactions rejected, property not blocked.
//  [OFAC-MBS]  Treasury, "Non-SDN Menu-Based Sanctions List (NS-MBS List)" (ofac.treasury.gov, last
//              updated 2023-10-31): "The specific sanctions will be enumerated on a record-by-record
//              basis ... The sanctions are less than full blocking sanctions"; "When full blocking
//              sanctions ... are imposed on a person, that person is identified solely on OFAC's
//              [SDN List]". Which menu items apply is the entry's own text: not mapped here.
//  [BIS-EL]    15 CFR 744.11 and part 744 supp. 4; [BIS-MEU] 744.21 and supp. 7; [BIS-DPL] 15 CFR
//              part 764 (denial orders); [BIS-UVL] 744.15 (no licence exceptions, UVL statement).

constexpr MeasureMapping kSdn{Issuer::UsOfac, SanctionList::OfacSdn, {M::AssetFreeze},
                              "OFAC SDN List: assets blocked [OFAC-SDN]"};

// OFAC non-SDN program tags (the consolidated files carry the list only as a program tag).
constexpr std::array<Row, 9> kOfacNonSdnPrograms = {{
    {"UKRAINE-EO13662", {Issuer::UsOfac, SanctionList::OfacSsi, {M::Sectoral},
                         "SSI List, E.O. 13662 Directives 1-4: prohibitions set by directive, not "
                         "blocking [OFAC-CONS]"}},
    {"RUSSIA-EO14024", {Issuer::UsOfac, SanctionList::OfacNonSdnDirective, {M::Sectoral},
                        "non-SDN E.O. 14024 entries ('Executive Order 14024 Directive "
                        "Information'): directive prohibitions, not blocking [OFAC-CONS]"}},
    {"BURMA-EO14014", {Issuer::UsOfac, SanctionList::OfacNonSdnDirective, {M::Sectoral},
                       "non-SDN E.O. 14014 entries ('Executive Order 14014 Directive "
                       "Information'): directive prohibitions, not blocking [OFAC-CONS]"}},
    {"CMIC-EO13959", {Issuer::UsOfac, SanctionList::OfacCmic, {M::InvestmentBan},
                      "NS-CMIC List, E.O. 13959 as amended by E.O. 14032: purchase or sale of "
                      "publicly traded securities prohibited [OFAC-CONS]"}},
    {"NS-PLC", {Issuer::UsOfac, SanctionList::OfacPlc, {M::TransactionBan},
                "NS-PLC List, General License 4(b): U.S. financial institutions reject transactions "
                "with the member; not blocked [OFAC-PLC]"}},
    {"FSE-IR", {Issuer::UsOfac, SanctionList::OfacFse, {M::TransactionBan},
                "FSE List, E.O. 13608: transactions by U.S. persons prohibited, not blocking "
                "[OFAC-CONS]"}},
    {"FSE-SY", {Issuer::UsOfac, SanctionList::OfacFse, {M::TransactionBan},
                "FSE List, E.O. 13608: transactions by U.S. persons prohibited, not blocking "
                "[OFAC-CONS]"}},
    {"561-Related", {Issuer::UsOfac, SanctionList::OfacCapta, {M::CorrespondentAccount},
                     "CAPTA List (31 CFR part 561): correspondent or payable-through account "
                     "restrictions [OFAC-CONS]"}},
    {"CAATSA - RUSSIA", {Issuer::UsOfac, SanctionList::OfacNsMbs, {},
                         "NS-MBS List, CAATSA section 235: less than full blocking, the sanctions "
                         "chosen per entry (the entry's 'CAATSA Section 235 Information'); which "
                         "ones is not mapped: measure unknown, not a blocking [OFAC-MBS]"}},
}};

// trade.gov CSL `source` column, by its short name.
constexpr std::array<Row, 15> kCslSources = {{
    {"SDN", kSdn},
    {"SSI", {Issuer::UsOfac, SanctionList::OfacSsi, {M::Sectoral}, "SSI List [OFAC-CONS]"}},
    {"FSE", {Issuer::UsOfac, SanctionList::OfacFse, {M::TransactionBan}, "FSE List, E.O. 13608 [OFAC-CONS]"}},
    {"PLC", {Issuer::UsOfac, SanctionList::OfacPlc, {M::TransactionBan},
             "NS-PLC List, General License 4(b): transactions rejected, not blocked [OFAC-PLC]"}},
    {"CAP", {Issuer::UsOfac, SanctionList::OfacCapta, {M::CorrespondentAccount}, "CAPTA List [OFAC-CONS]"}},
    {"CAPTA", {Issuer::UsOfac, SanctionList::OfacCapta, {M::CorrespondentAccount}, "CAPTA List [OFAC-CONS]"}},
    {"NS-MBS List", {Issuer::UsOfac, SanctionList::OfacNsMbs, {},
                     "NS-MBS List: less than full blocking, the sanctions chosen per entry; measure unknown [OFAC-MBS]"}},
    {"CMIC", {Issuer::UsOfac, SanctionList::OfacCmic, {M::InvestmentBan}, "NS-CMIC List, E.O. 13959 [OFAC-CONS]"}},
    {"EL", {Issuer::UsBis, SanctionList::BisEntityList, {M::ExportLicence},
            "Entity List: licence required for the items the entry names, 15 CFR 744.11 and part 744 supp. 4 [BIS-EL]"}},
    {"MEU", {Issuer::UsBis, SanctionList::BisMeu, {M::ExportLicence},
             "Military End-User List: licence required, 15 CFR 744.21 and part 744 supp. 7 [BIS-MEU]"}},
    {"DPL", {Issuer::UsBis, SanctionList::BisDpl, {M::ExportDenial},
             "Denied Persons List: export privileges denied by order, 15 CFR part 764 [BIS-DPL]"}},
    {"UVL", {Issuer::UsBis, SanctionList::BisUvl, {M::ExportRestriction},
             "Unverified List: no licence exceptions, UVL statement required, 15 CFR 744.15 [BIS-UVL]"}},
    {"ISN", {Issuer::UsState, SanctionList::StateIsn, {},
             "State nonproliferation sanctions: the measures differ by statute and entry; measure unknown"}},
    {"DTC", {Issuer::UsState, SanctionList::StateDtc, {M::ExportDenial},
             "ITAR statutory debarment, 22 CFR 127.7: barred from exports of defense articles"}},
    {"Entity List", {Issuer::UsBis, SanctionList::BisEntityList, {M::ExportLicence},
                     "Entity List, 15 CFR 744.11 [BIS-EL]"}},
}};

// FtM `listingType` values and the Kaspersky case's explicit list names.
constexpr std::array<Row, 6> kFtmListingTypes = {{
    {"SDN", kSdn},
    {"SDN List", kSdn},
    {"Entity List", {Issuer::UsBis, SanctionList::BisEntityList, {M::ExportLicence},
                     "Entity List, 15 CFR 744.11 and part 744 supp. 4 [BIS-EL]"}},
    {"MEU List", {Issuer::UsBis, SanctionList::BisMeu, {M::ExportLicence}, "MEU List, 15 CFR 744.21 [BIS-MEU]"}},
    {"Covered List", {Issuer::UsFcc, SanctionList::FccCovered, {M::ProcurementBan},
                      "FCC Covered List, 47 CFR 1.50002 (Secure and Trusted Communications Networks Act)"}},
    {"SSI", {Issuer::UsOfac, SanctionList::OfacSsi, {M::Sectoral}, "SSI List [OFAC-CONS]"}},
}};

// OpenSanctions programId values (opensanctions.org/programs/<id>).
constexpr std::array<Row, 3> kFtmProgramIds = {{
    {"US-BIS-EL", {Issuer::UsBis, SanctionList::BisEntityList, {M::ExportLicence},
                   "OpenSanctions program US-BIS-EL, the Entity List [BIS-EL]"}},
    {"US-BIS-MEU", {Issuer::UsBis, SanctionList::BisMeu, {M::ExportLicence},
                    "OpenSanctions program US-BIS-MEU, the MEU List [BIS-MEU]"}},
    {"US-BIS-DPL", {Issuer::UsBis, SanctionList::BisDpl, {M::ExportDenial},
                    "OpenSanctions program US-BIS-DPL, the Denied Persons List [BIS-DPL]"}},
}};

// EU Financial Sanctions Files, by the `programme` of a regulation (RULES.md §8.10). The FSF is
// the "EU consolidated list of persons, groups and entities subject to CFSP related financial
// sanctions" (the FSF web site, quoted in opensanctions/opensanctions datasets/eu/fsf/eu_fsf.yml),
// financial sanctions being "more precisely the freezing of assets" (data.europa.eu, "Consolidated
// list of persons, groups and entities subject to EU financial sanctions"; the Commission's FSF
// help page, ec.europa.eu/external_relations/cfsp/sanctions/list/version4/global/help_online/
// historic.html: "sanctions (regulations), which require banks to freeze the assets") [EU-FSF].
// Each row names the regime whose freezing regulation the code stands for, as checked; a code not
// in the table keeps its measure unknown.
constexpr std::array<Row, 6> kEuFsfProgrammes = {{
    {"TERR", {Issuer::EuCouncil, SanctionList::EuFinancial, {M::AssetFreeze},
              "EU FSF programme TERR: Council Regulation (EC) No 2580/2001, the list of Article 2(3) "
              "(Common Position 2001/931/CFSP): freezing of funds [EU-FSF]; CJEU C-44/23 P"}},
    {"TAQA", {Issuer::EuCouncil, SanctionList::EuFinancial, {M::AssetFreeze},
              "EU FSF programme TAQA: Council Regulation (EC) No 881/2002 (ISIL (Da'esh) and "
              "Al-Qaida), amended by Commission implementing regulations: freezing of funds [EU-FSF]"}},
    {"AFG", {Issuer::EuCouncil, SanctionList::EuFinancial, {M::AssetFreeze},
             "EU FSF programme AFG: Council Regulation (EU) No 753/2011 (Taliban): 'All assets of the "
             "listed persons and entities should be frozen' (EU Sanctions Map, programme AFG) [EU-FSF]"}},
    {"LBY", {Issuer::EuCouncil, SanctionList::EuFinancial, {M::AssetFreeze},
             "EU FSF programme LBY: Council Regulation (EU) 2016/44 (Libya): freezing of funds and "
             "economic resources (General Court T-627/20) [EU-FSF]"}},
    {"IRN", {Issuer::EuCouncil, SanctionList::EuFinancial, {M::AssetFreeze},
             "EU FSF programme IRN: Council Regulation (EU) No 267/2012 (Iran): freezing of funds "
             "[EU-FSF]"}},
    {"UKR", {Issuer::EuCouncil, SanctionList::EuFinancial, {M::AssetFreeze},
             "EU FSF programme UKR: Council Regulation (EU) No 269/2014, Annex I: 'directly subject to "
             "an asset freeze' (Commission consolidated FAQ on Reg. 833/2014 and 269/2014) [EU-FSF]"}},
}};

// OpenSanctions datasets (opensanctions.org/datasets/<name>): the authority and list their
// entities are on. A dataset that mixes lists or measures maps to its issuer with the measure
// unknown (the UK Sanctions List holds asset freezes, travel bans and trust-services sanctions).
constexpr std::array<Row, 16> kDatasets = {{
    {"us_ofac_sdn", kSdn},
    {"us_ofac_cons", {Issuer::UsOfac, SanctionList::Unknown, {},
                      "OFAC non-SDN Consolidated List: which list needs the program [OFAC-CONS]"}},
    {"us_bis_denied", {Issuer::UsBis, SanctionList::BisDpl, {M::ExportDenial}, "BIS Denied Persons List [BIS-DPL]"}},
    {"us_sam_exclusions", {Issuer::UsOther, SanctionList::UsSamExclusions, {M::ProcurementBan},
                           "SAM.gov exclusions: excluded from federal procurement (FAR 9.404)"}},
    {"us_trade_csl", {Issuer::Unknown, SanctionList::Unknown, {},
                      "trade.gov CSL: eleven lists of three agencies; the list needs the source column"}},
    {"eu_fsf", {Issuer::EuCouncil, SanctionList::EuFinancial, {M::AssetFreeze},
                "EU Financial Sanctions File: persons subject to EU financial sanctions (asset "
                "freeze annexes such as Annex I of Reg. 269/2014)"}},
    {"eu_travel_bans", {Issuer::EuCouncil, SanctionList::EuTravelBan, {M::TravelBan},
                        "EU travel bans (admission restrictions of Council decisions)"}},
    {"eu_journal_sanctions", {Issuer::EuCouncil, SanctionList::EuOther, {},
                              "EU Official Journal sanctions: every annex, freeze or not: measure unknown"}},
    {"eu_sanctions_map", {Issuer::EuCouncil, SanctionList::EuOther, {},
                          "EU Sanctions Map: every measure, freeze or not: measure unknown"}},
    {"gb_hmt_sanctions", {Issuer::Uk, SanctionList::UkAssetFreeze, {M::AssetFreeze},
                          "OFSI Consolidated List of Asset Freeze Targets"}},
    {"gb_fcdo_sanctions", {Issuer::Uk, SanctionList::UkSanctionsList, {},
                           "FCDO UK Sanctions List: the sanctions imposed differ per designation "
                           "(asset freeze, travel ban, trust services ...): measure unknown"}},
    {"un_sc_sanctions", {Issuer::Un, SanctionList::UnConsolidated, {},
                         "UN Security Council Consolidated List: measures differ by regime"}},
    {"fr_tresor_gels_avoir", {Issuer::Other, SanctionList::National, {M::AssetFreeze},
                              "France, Direction Générale du Trésor, registre national des gels (asset freezes)"}},
    {"mc_fund_freezes", {Issuer::Other, SanctionList::National, {M::AssetFreeze},
                         "Monaco, national fund freezes"}},
    {"ch_seco_sanctions", {Issuer::Other, SanctionList::National, {},
                           "Switzerland, SECO sanctions: measures differ by annex: measure unknown"}},
    {"ca_dfatd_sema_sanctions", {Issuer::Other, SanctionList::National, {},
                                 "Canada, Special Economic Measures Act list: measure unknown"}},
}};

// FtM `authority` values: the issuer only; the list and the measures come from elsewhere.
struct AuthorityRow {
  std::string_view name;
  Issuer issuer;
};
constexpr std::array<AuthorityRow, 17> kAuthorities = {{
    {"OFAC", Issuer::UsOfac},
    {"Office of Foreign Assets Control", Issuer::UsOfac},
    {"BIS", Issuer::UsBis},
    {"Bureau of Industry and Security", Issuer::UsBis},
    {"FCC", Issuer::UsFcc},
    {"DHS", Issuer::UsDhs},
    {"US Congress", Issuer::UsCongress},
    {"Commerce (OICTS)", Issuer::UsCommerceIcts},
    {"Council of the European Union", Issuer::EuCouncil},
    {"Directorate\u2011General for Financial Stability, Financial Services and Capital Markets Union",
     Issuer::EuCouncil},
    {"Directorate-General for Financial Stability, Financial Services and Capital Markets Union",
     Issuer::EuCouncil},
    {"Foreign, Commonwealth & Development Office", Issuer::Uk},
    {"Office of Financial Sanctions Implementation", Issuer::Uk},
    {"HM Treasury", Issuer::Uk},
    {"UK NCSC", Issuer::Uk},
    {"United Nations Security Council", Issuer::Un},
    {"UN Security Council", Issuer::Un},
}};

// FtM `provisions` values (or their "tag:" prefix, as the Kaspersky case writes them).
struct ProvisionRow {
  std::string_view text;
  Measures measures;
};
constexpr std::array<ProvisionRow, 19> kProvisions = {{
    {"Block", {M::AssetFreeze}},              // OpenSanctions us_ofac_sdn
    {"Asset freeze", {M::AssetFreeze}},       // UK Sanctions List sanction type
    {"Asset Freeze", {M::AssetFreeze}},
    {"Travel Ban", {M::TravelBan}},
    {"Trust Services Sanctions", {M::TrustServices}},
    {"Director Disqualification Sanction", {M::DirectorDisqualification}},
    {"Arms Embargo", {M::ArmsEmbargo}},
    {"Targeted financial sanction", {M::AssetFreeze}},  // Australia, Autonomous Sanctions Regulations 2011
    {"Prohibition/Restriction", {M::ProcurementBan}},   // SAM.gov exclusion type
    {"federal-use-ban", {M::ProcurementBan}},           // Kaspersky case tags
    {"government-use-ban", {M::ProcurementBan}},
    {"government-use-advice", {M::Advisory}},
    {"warning", {M::Advisory}},
    {"new-sales", {M::IctsBan}},
    {"updates", {M::IctsBan}},
    {"export-licence", {M::ExportLicence}},
    {"equipment-ban", {M::ProcurementBan}},
    {"license requirement for all items subject to the EAR", {M::ExportLicence}},
    {"Export licence requirement", {M::ExportLicence}},
}};

Measures provision_measures(std::string_view provision) {
  for (const auto& row : kProvisions) {
    if (same(row.text, provision)) return row.measures;
    // "tag: details" as the Kaspersky case writes its provisions.
    if (provision.size() > row.text.size() && provision[row.text.size()] == ':' &&
        same(row.text, provision.substr(0, row.text.size())))
      return row.measures;
    if (provision.size() > row.text.size() && provision[row.text.size()] == ';' &&
        same(row.text, provision.substr(0, row.text.size())))
      return row.measures;
  }
  return {};
}

// FCDO UK Sanctions List (https://www.gov.uk/government/publications/the-uk-sanctions-list): "The
// list also details which sanctions measures apply to these persons or ships" [UKSL]. The list's
// own words, as `SanctionsImposed` values and `SanctionsImposedIndicators` element names, in
// ../shared/datasets/uk/uk_sanctions_list_sample_2026-09.xml; "Trust Services Sanctions" and
// "Arms Embargo" as OpenSanctions' gb_fcdo_sanctions provisions write the list's sanction types
// (the provisions table above). "Prohibition of port entry" (a ship specification) has no typed
// measure in graph/model.h: it stays unknown, its text kept in the Action's `measures`.
struct UkMeasureRow {
  std::string_view value;
  Measures measures;
};
constexpr std::array<UkMeasureRow, 10> kUkSanctionsImposed = {{
    {"Asset freeze", {M::AssetFreeze}},
    {"Travel Ban", {M::TravelBan}},
    {"Director Disqualification Sanction", {M::DirectorDisqualification}},
    {"Trust Services Sanctions", {M::TrustServices}},
    {"Arms Embargo", {M::ArmsEmbargo}},
    // SanctionsImposedIndicators elements (value "true").
    {"AssetFreeze", {M::AssetFreeze}},
    {"TravelBan", {M::TravelBan}},
    {"DirectorDisqualificationSanction", {M::DirectorDisqualification}},
    {"TrustServicesSanctions", {M::TrustServices}},
    {"ArmsEmbargo", {M::ArmsEmbargo}},
}};

}  // namespace

Measures uk_sanctions_imposed(std::string_view value) noexcept {
  for (const UkMeasureRow& row : kUkSanctionsImposed)
    if (same(row.value, trim(value))) return row.measures;
  return {};
}

MeasureMapping uk_sanctions_list_mapping(Measures measures) noexcept {
  return {Issuer::Uk, SanctionList::UkSanctionsList, measures,
          measures.unknown() ? "FCDO UK Sanctions List: no table row for the designation's sanctions "
                               "imposed (measure unknown) [UKSL]"
                             : "FCDO UK Sanctions List: the designation's sanctions imposed [UKSL]"};
}

MeasureMapping ofsi_conlist_mapping() noexcept {
  // [OFSI-CL] HM Treasury / OFSI, "Consolidated List of Financial Sanctions Targets in the UK"
  // (https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets):
  // the targets of UK asset freezes. The FCDO, as quoted by SQA Consulting ("UK Sanctions Lists:
  // HMT vs FCDO"): the OFSI lists "reflect all financial sanctions designations made under UK
  // legislation ... do not include those subject to other forms of sanctions, such as
  // immigration, trade, or transport"; Willkie Compliance Concourse ("UK Sanctions Lists"): the
  // investment-ban entities "do not appear in OFSI's consolidated list because they are subject
  // to an investment ban rather than an asset freeze". [OFSI-CLOSE] (secondary: Osborne Clarke,
  // "UK Regulatory Outlook October 2025", 2025-10-29) reports the FCDO/OFSI/OTSI announcement that
  // closed "the OFSI Consolidated List of Asset Freeze Targets" on 28 January 2026. OFSI's own page
  // defining the list, and the FCDO's XML guide to "sanctions imposed", were not found by the search
  // tool (three passes; queries/RULES.md §8.9 lists them).
  return {Issuer::Uk, SanctionList::UkAssetFreeze, {M::AssetFreeze},
          "OFSI Consolidated List of financial sanctions targets: asset freeze targets [OFSI-CL]"};
}


MeasureMapping ofac_sdn_mapping() noexcept { return kSdn; }

MeasureMapping ofac_non_sdn_mapping(std::string_view programs) noexcept {
  MeasureMapping out{Issuer::UsOfac, SanctionList::Unknown, {},
                     "OFAC non-SDN Consolidated List: no table row for its program: measure unknown [OFAC-CONS]"};
  bool first = true;
  while (!programs.empty()) {
    const auto end = std::min(programs.find(';'), programs.size());
    if (const MeasureMapping* row = find(kOfacNonSdnPrograms, programs.substr(0, end))) {
      if (first) {
        out.list = row->list;
        out.basis = row->basis;
        first = false;
      }
      out.measures = out.measures | row->measures;
    }
    programs = end == programs.size() ? std::string_view{} : programs.substr(end + 1);
  }
  return out;
}

std::optional<MeasureMapping> ofac_list_mapping(std::string_view list_name) noexcept {
  // OFAC's list names (sdn_advanced.xml ListValues; ENHANCED_XML sanctionsList values) and the
  // CSL's short name for the same list (trade.gov CSL `source` column): the rows above.
  static constexpr std::pair<std::string_view, std::string_view> kOfacListNames[] = {
      {"SDN List", "SDN"},
      {"Sectoral Sanctions Identifications List", "SSI"},
      {"FSE List", "FSE"},
      {"Non-SDN Palestinian Legislative Council List", "PLC"},
      {"CAPTA List", "CAPTA"},
      {"Non-SDN Menu-Based Sanctions List", "NS-MBS List"},
      {"Non-SDN CMIC List", "CMIC"},
  };
  for (const auto& [name, abbrev] : kOfacListNames)
    if (same(name, trim(list_name)))
      if (const MeasureMapping* row = find(kCslSources, abbrev)) return *row;
  return std::nullopt;
}

MeasureMapping csl_source_mapping(std::string_view abbrev) noexcept {
  if (const MeasureMapping* row = find(kCslSources, abbrev)) return *row;
  return {Issuer::Unknown, SanctionList::Unknown, {}, "trade.gov CSL source not in the table: measure unknown"};
}

// UN_LIST_TYPE (the regime) -> the measures its committee's page lists for designated parties.
// Only the regimes whose page was read are rows; every other regime keeps its measure unknown
// (several apply some measures per designation, which the XML does not say).
//  [UN-1267] main.un.org/securitycouncil/en/sanctions/1267, "Sanctions measures": Assets Freeze
//            (res. 2610 (2021) paras 84(a), (b), 85, 86(a)), Travel Ban (paras 1(b), 86(b)) and Arms
//            Embargo, each "with respect to ... [those] designated on the ISIL (Da'esh) & Al-Qaida
//            Sanctions List" (the travel ban binds designated individuals).
//  [UN-2048] un.org/securitycouncil/sanctions/2048, "Sanctions measures": Travel ban only, for
//            individuals the Committee designates (res. 2048 (2012) para 4).
constexpr std::array<Row, 2> kUnListTypes = {{
    {"Al-Qaida", {Issuer::Un, SanctionList::UnConsolidated, {M::AssetFreeze, M::TravelBan, M::ArmsEmbargo},
                  "UN ISIL (Da'esh) and Al-Qaida Sanctions List (1267 Committee): assets freeze, travel ban, "
                  "arms embargo [UN-1267]"}},
    {"GB", {Issuer::Un, SanctionList::UnConsolidated, {M::TravelBan},
            "UN 2048 Committee (Guinea-Bissau): travel ban only [UN-2048]"}},
}};

MeasureMapping un_mapping(std::string_view list_type) noexcept {
  if (const MeasureMapping* row = find(kUnListTypes, list_type)) return *row;
  return {Issuer::Un, SanctionList::UnConsolidated, {},
          "UN Security Council Consolidated List: this regime's measures are not mapped (measure unknown)"};
}

MeasureMapping eu_fsf_mapping(std::string_view programme) noexcept {
  if (const MeasureMapping* row = find(kEuFsfProgrammes, programme)) return *row;
  return {Issuer::EuCouncil, SanctionList::EuFinancial, {},
          "EU FSF: the regulation's programme is not in the table (loaders/measures.cpp): measure unknown"};
}

MeasureMapping bis_dpl_mapping() noexcept {
  return {Issuer::UsBis, SanctionList::BisDpl, {M::ExportDenial},
          "Denied Persons List: export privileges denied by order, 15 CFR part 764 [BIS-DPL]"};
}

MeasureMapping fcc_covered_mapping() noexcept {
  return {Issuer::UsFcc, SanctionList::FccCovered, {M::ProcurementBan},
          "FCC Covered List (47 CFR 1.50002; Secure and Trusted Communications Networks Act of 2019): "
          "no federal USF support for, and no equipment authorisation of, covered equipment and services"};
}

MeasureMapping ftm_sanction_mapping(std::span<const std::string_view> authorities,
                                    std::span<const std::string_view> program_ids,
                                    std::span<const std::string_view> provisions,
                                    std::span<const std::string_view> listing_types,
                                    std::span<const std::string_view> datasets) noexcept {
  MeasureMapping out;
  auto take = [&](const MeasureMapping& row) {
    if (out.list == SanctionList::Unknown) out.list = row.list;
    if (out.issuer == Issuer::Unknown) out.issuer = row.issuer;
    if (out.basis.empty()) out.basis = row.basis;
    out.measures = out.measures | row.measures;
  };
  for (std::string_view type : listing_types)
    if (const MeasureMapping* row = find(kFtmListingTypes, type)) take(*row);
  if (out.list == SanctionList::Unknown)
    for (std::string_view dataset : datasets)
      if (const MeasureMapping* row = find(kDatasets, dataset); row != nullptr && row->list != SanctionList::Unknown) {
        // A dataset's list tells which list; its measures only when the Sanction names none.
        const Measures measures = out.measures;
        take(*row);
        out.measures = measures;
        if (row->list == SanctionList::OfacSdn || row->list == SanctionList::EuFinancial ||
            row->list == SanctionList::UkAssetFreeze || row->list == SanctionList::BisDpl)
          out.measures = out.measures | row->measures;  // every entry of these lists has the measure
        break;
      }
  for (std::string_view id : program_ids)
    if (const MeasureMapping* row = find(kFtmProgramIds, id)) take(*row);
  for (std::string_view provision : provisions) out.measures = out.measures | provision_measures(provision);
  if (out.issuer == Issuer::Unknown)
    for (std::string_view authority : authorities)
      for (const auto& row : kAuthorities)
        if (same(row.name, authority) && out.issuer == Issuer::Unknown) out.issuer = row.issuer;
  // The UK NCSC gives guidance, not designations (datasets/kaspersky/EXPECTED.md).
  if (out.issuer == Issuer::Uk && out.list == SanctionList::Unknown && out.measures == Measures{M::Advisory})
    out.list = SanctionList::UkGuidance;
  if (out.list == SanctionList::Unknown) {
    if (out.issuer == Issuer::UsCommerceIcts) out.list = SanctionList::UsIcts;
    else if (out.issuer == Issuer::UsDhs || out.issuer == Issuer::UsCongress) out.list = SanctionList::UsDirective;
    else if (out.issuer == Issuer::UsFcc) out.list = SanctionList::FccCovered;
  }
  if (out.basis.empty())
    out.basis = out.measures.unknown() ? "FtM Sanction: no table maps its list or provisions (measure unknown)"
                                       : "FtM Sanction provisions (loaders/measures.cpp provisions table)";
  return out;
}

std::optional<MeasureMapping> ftm_dataset_mapping(std::string_view dataset) noexcept {
  if (const MeasureMapping* row = find(kDatasets, dataset)) return *row;
  return std::nullopt;
}

std::string_view issuer_authority(Issuer issuer) noexcept {
  switch (issuer) {
    case Issuer::UsOfac: return "OFAC";
    case Issuer::UsBis: return "BIS";
    case Issuer::UsState: return "State Department";
    case Issuer::UsCommerceIcts: return "Commerce (OICTS)";
    case Issuer::UsFcc: return "FCC";
    case Issuer::UsDhs: return "DHS";
    case Issuer::UsCongress: return "US Congress";
    case Issuer::UsOther: return "US government";
    case Issuer::EuCouncil: return "EU Council";
    case Issuer::Uk: return "UK";
    case Issuer::Un: return "UN Security Council";
    case Issuer::Other: return "national authority";
    case Issuer::Unknown: return "unknown authority";
  }
  return "unknown authority";
}

}  // namespace skg::detail
