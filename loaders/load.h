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

/// An edge whose ends are not known yet: added if a later file of the same load defines them.
struct PendingEdge {
  EdgeKind kind = EdgeKind::UnknownLink;
  std::string from, to, role, id, file, record;
  std::uint64_t line = 0;
  Percent share;
  DateRange valid;
  std::vector<std::pair<std::string, std::string>> attributes;
  Interest interest = Interest::Unspecified;
};

/// A listing whose target is not known yet: added if a later file of the same load defines it
/// (an FtM Sanction naming an OFAC record that a later file of the folder loads).
struct PendingAction {
  std::string id, target, authority, list, program, legal_basis, measures, citation, file, record;
  std::uint64_t line = 0;
  std::optional<Date> listed;
  DateRange in_force;
  std::vector<std::pair<std::string, std::string>> attributes;  // facts of the action node
  Measures measure_set{};
  Issuer issuer = Issuer::Unknown;
  SanctionList list_id = SanctionList::Unknown;
  ActionOrigin origin = ActionOrigin::Record;
  /// Facts the listing states about its target (FtM Sanction `authorityId` of an OFAC listing:
  /// the party's `ofacUid`), added to the target when the action lands.
  std::vector<std::pair<std::string, std::string>> target_attributes;
};

/// What a format loader writes into during one load(): the batch of the whole load, the
/// builder it will be committed to (to resolve references against what is loaded already),
/// the options and the report.
class LoadContext {
 public:
  LoadContext(Batch& batch, const Builder& builder, const LoadOptions& options, LoadReport& report)
      : batch(batch), builder(builder), options(options), report(report) {}
  Batch& batch;
  const Builder& builder;
  const LoadOptions& options;
  LoadReport& report;
  std::vector<PendingEdge> pending;
  std::vector<PendingAction> pending_actions;
  /// The version of a record that this load holds, by record id, for formats whose later files
  /// replace earlier versions of a record (GLEIF: LastUpdateDate; the latest wins).
  std::unordered_map<std::string, std::string> versions;

  /// True when `id` names an entity of this load or of the builder.
  bool resolves(std::string_view id) const { return batch.defines(id) || builder.contains(id); }
  /// Strict mode: throws `error`. Skip mode: records it in report.skipped and returns.
  void bad_record(const LoadError& error);
  /// Adds the edge now if both ends resolve, else keeps it for the end of the load.
  void add_edge_or_defer(PendingEdge edge);
  /// Adds the action now if its target resolves, else keeps it for the end of the load.
  void add_action_or_defer(PendingAction action);
  /// Called by load() when every file is read: adds the pending edges and actions that now
  /// resolve and reports the others as unresolved.
  void resolve_pending();
  /// Reports progress within the current file, and stops the load (throws LoadCancelled) when
  /// options.cancel is set.
  void progress(std::string_view file, std::uint64_t file_bytes_done);
  /// Throws LoadCancelled when options.cancel is set; loaders call it now and then.
  void check_cancel() const {
    if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed))
      throw LoadCancelled("load cancelled");
  }

  std::uint64_t bytes_before = 0, bytes_total = 0;  // set by load()
};

/// A format loader: reads one file (and, for OFAC, its sibling files) into the context.
using LoaderFn = void (*)(const std::string& path, LoadContext& context);

/// Loads `path` with one given loader as one all-or-nothing batch, as load() does per format.
///   auto report = skg::load_with(skg::load_bis_dpl, "dpl.txt", builder);
LoadReport load_with(LoaderFn loader, const std::string& path, Builder& builder,
                     const LoadOptions& options = {});

/// Loads a file, or every file in a folder (sorted by name), as one all-or-nothing batch:
/// the format of each file is detected from its content unless options.format names it.
///   skg::LoadReport report = skg::load("datasets/kaspersky", builder);
LoadReport load(const std::string& path, Builder& builder, const LoadOptions& options = {});

/// The format a file's first bytes and name suggest; nullopt when none fits.
std::optional<Format> detect_format(std::string_view head, std::string_view file_name) noexcept;

}  // namespace skg
