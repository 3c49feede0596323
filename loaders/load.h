// loaders/load.h: load files or folders into a Builder, all or nothing, with a report.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "skg/graph/builder.h"
#include "skg/loaders/load_error.h"

namespace skg::inline v1 {

/// What to do with a record that cannot be used.
enum class OnBadRecord : std::uint8_t {
  Fail,  // throw LoadError at the first one; nothing is loaded (the default)
  Skip,  // leave it out, list it in LoadReport::skipped, and go on
};

/// Every format skg reads.
enum class Format : std::uint8_t {
  OfacCsv,    // OFAC legacy CSV: sdn.csv/add.csv/alt.csv/sdn_comments.csv (and cons_*.csv)
  Csl,        // US Consolidated Screening List CSV (trade.gov)
  BisDpl,     // BIS Denied Persons List (tab-separated)
  UnXml,      // UN Security Council Consolidated List XML
  FccCovered, // FCC Covered List CSV
  FtmJson,    // FollowTheMoney JSON lines (entities or deltas)
  Bods,       // Beneficial Ownership Data Standard 0.4 JSON
  UkSanctionsList,  // FCDO UK Sanctions List XML (Designations)
  OfsiCsv,          // OFSI (HM Treasury) Consolidated List of financial sanctions targets CSV
  Gleif,      // GLEIF LEI-CDF, RR-CDF and reporting-exception XML, and the JSON golden copy
  UkPsc,      // UK Companies House persons with significant control snapshot (JSON lines)
  OfacXml,    // OFAC XML: classic sdnList, advanced Sanctions, 2024 enhanced sanctionsData
  EuFsf,      // EU Financial Sanctions Files XML (xmlFullSanctionsList_1_1)
  SkgCsv,     // plain node, edge and listing tables (loaders/csv_bulk.h; what skg-gen writes)
};
std::string_view to_string(Format format) noexcept;
/// "ofac-sdn", "csl", "bis-dpl", "un", "fcc", "ftm", "bods", "uk-sl", "ofsi", "gleif", "uk-psc",
/// "ofac-xml", "eu-fsf", "skg-csv" (the shell's --data FORMAT:PATH).
std::optional<Format> parse_format(std::string_view name) noexcept;
/// Every format's name, in one line for messages: "ofac-sdn, csl, bis-dpl, ...".
std::string format_names();

struct LoadProgress {
  std::string_view file;
  std::uint64_t bytes_done = 0, bytes_total = 0;  // over the whole load
};

struct LoadOptions {
  OnBadRecord on_bad_record = OnBadRecord::Fail;
  std::optional<Format> format;  // unset: detected from each file's content
  std::function<void(const LoadProgress&)> progress;  // called now and then on long loads
  /// Set (from another thread or a signal handler) to stop the load: it throws LoadCancelled at
  /// the next record batch it checks, and the builder is left exactly as it was.
  const std::atomic<bool>* cancel = nullptr;
};

/// A load stopped through LoadOptions::cancel; nothing of it was committed.
class LoadCancelled : public Error {
 public:
  using Error::Error;
};

/// A record left out (Skip mode), or a reference that resolved to nothing.
struct LoadIssue {
  std::string file;
  std::uint64_t line = 0;  // 0 when the format has no lines
  std::string record;      // the record's id, when it has one
  std::string reason;
};

/// What a load did: counts per kind of record, and every record it could not use.
struct LoadReport {
  std::vector<std::string> files;                     // files read, in order
  std::map<std::string, std::uint64_t, std::less<>> counts;  // "entities", "aliases", "addresses", ...
  std::vector<LoadIssue> skipped;     // bad records left out (Skip mode)
  std::vector<LoadIssue> unresolved;  // references kept out because they name no record
  std::vector<LoadIssue> warnings;    // records kept with a value left unknown (an FtM percentage
                                      // that is not a number: kept as text, share unknown)
  std::uint64_t bytes = 0;
  double seconds = 0;

  std::uint64_t count(std::string_view kind) const {
    const auto found = counts.find(kind);
    return found == counts.end() ? 0 : found->second;
  }
  void add(std::string_view kind, std::uint64_t by = 1) {
    auto found = counts.find(kind);
    if (found == counts.end()) counts.emplace(std::string(kind), by);
    else found->second += by;
  }
  void merge(const LoadReport& other);
};

// LoadContext (what format loaders write into), PendingEdge, PendingAction, LoaderFn and
// load_with(): loaders/load_context.h, internal to the source tree (docs/ABI.md).

/// Loads a file, or every file in a folder (sorted by name), as one all-or-nothing batch:
/// the format of each file is detected from its content unless options.format names it.
///   skg::LoadReport report = skg::load("datasets/kaspersky", builder);
LoadReport load(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// The format a file's first bytes and name suggest; nullopt when none fits.
std::optional<Format> detect_format(std::string_view head, std::string_view file_name) noexcept;

}  // namespace skg
