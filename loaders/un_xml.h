// loaders/un_xml.h: the UN Security Council Consolidated List XML (CONSOLIDATED_LIST).
#pragma once
#include <string>
#include <string_view>

#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Reads one UN consolidated list XML into `context.batch`: every INDIVIDUAL and ENTITY with
/// its aliases (quality Good/Low -> strong/weak), dates and places of birth, nationalities,
/// documents and addresses, plus one listing Action (authority "UN Security Council", list the
/// UN_LIST_TYPE, listed LISTED_ON). A party's id is `un:<REFERENCE_NUMBER>` ("un:CDi.001"): the
/// reference number is the one the UN publishes and other lists cite (EU "UN ID", OFAC remarks);
/// the internal DATAID is kept as the attribute "unDataId".
///   skg::load_with(skg::load_un_xml, "consolidated.xml", builder);
void load_un_xml(const std::string& path, LoadContext& context);

/// Loads one UN consolidated list XML into `builder`, all or nothing.
LoadReport load_un_xml(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the file's first bytes hold a <CONSOLIDATED_LIST root element.
bool looks_like_un_xml(std::string_view head, std::string_view file_name) noexcept;

}  // namespace skg
