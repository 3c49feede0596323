// loaders/csv_bulk.h: plain node, edge and listing tables as CSV (format "skg-csv"), the fast way
// in for a user's own tables and the layout skg-gen writes for the peer tools (bench/peers).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "skg/loaders/load_context.h"

namespace skg::inline v1 {

/// The three tables the format knows, told apart by their header (column names, any order,
/// case ignored; a column the table does not name becomes an attribute, empty fields left out):
///   nodes:    id, kind (or schema), name
///             kind: Person, Company, Organization, LegalEntity, Vessel, Aircraft (FtM schema
///             names read the same; Authority and Action nodes come from listings only).
///   edges:    source (or src, from), target (or dst, to), kind (or type)
///             optional: share (or percentage: a number of percent 0-100, "%" allowed; empty:
///             unknown), start, end (or start_date, end_date: YYYY, YYYY-MM or YYYY-MM-DD, the end
///             being the last day in force), role, id (edges with one id merge)
///             kind: OWNS, CONTROLS, SUBSIDIARY_OF, DIRECTOR_OF, OFFICER_OF, FAMILY, ASSOCIATE,
///             LINKED_TO, MEMBER_OF, EMPLOYEE_OF, REPRESENTS, SUCCESSOR_OF, UNKNOWN_LINK.
///   listings: entity, list
///             optional: id (default "<entity>#<list>"), authority, program, listed_on (or
///             listed), start, end. `list` is an OpenSanctions dataset name ("us_ofac_sdn",
///             "eu_fsf", "gb_fcdo_sanctions", ...), mapped to its issuer, list and measures by the
///             cited table of loaders/measures.cpp (ftm_dataset_mapping); a name the table does
///             not know keeps the listing with issuer, list and measures unknown.
/// RFC 4180 quoting (a quoted field may hold commas, "" and line breaks), UTF-8 only, "\n" or
/// "\r\n". skg-gen writes nodes.csv (id,kind,name,listed), edges.csv (src,dst,kind,share) and
/// listings.csv (id,entity,list,authority,program,listed_on,start); `listed` is the 0/1 flag the
/// peer tools read, kept here as an attribute (listings.csv says who listed the party).
/// Edges and listings refer to nodes by id: in a folder they are read after every other file, and
/// an end no loaded record defines is reported unresolved (LoadReport::unresolved).
/// Two worker threads cut the file into blocks of rows and check them (a block with no quote is
/// cut by either worker, several at once; a block with a quote in file order, as a quoted field
/// may hold a line break; an edges file's plain rows are checked and their ends resolved there)
/// while the calling thread adds them to the batch, in file order.
///   skg::load("/tmp/skg-1m", builder);  // nodes.csv, edges.csv, listings.csv: detected by header
void load_skg_csv(const std::string& path, LoadContext& context);

/// Loads one table as one all-or-nothing batch.
LoadReport load_skg_csv(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// True when the first line is a header that names one of the three tables.
bool looks_like_skg_csv(std::string_view head, std::string_view file_name) noexcept;

namespace detail {
enum class SkgCsvTable : std::uint8_t { Nodes, Edges, Listings };
/// The table a header line names; nullopt when it names none.
std::optional<SkgCsvTable> skg_csv_table(std::string_view header_line) noexcept;
}  // namespace detail

}  // namespace skg
