// loaders/bods.h: Beneficial Ownership Data Standard 0.4: JSON arrays of statements.
#pragma once
#include <string>
#include <string_view>

#include "skg/graph/builder.h"
#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// Reads one BODS 0.4 file (a JSON array of entity, person and relationship statements) into
/// the load: entities and persons become nodes `bods:<recordId>`, each interest of a
/// relationship becomes an edge (interestedParty -> subject) with its share, dates and kind.
/// Of several statements about one record, the latest statementDate wins. The mapping of the
/// interest codelist to edge kinds is documented at the top of bods.cpp.
void load_bods(const std::string& path, LoadContext& context);

/// Loads one BODS file as one all-or-nothing batch.
///   auto report = skg::load_bods("datasets/samples/bods/joint-ownership.json", builder);
LoadReport load_bods(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the first bytes look like a JSON array of BODS statements.
bool looks_like_bods(std::string_view head, std::string_view file_name) noexcept;

}  // namespace skg
