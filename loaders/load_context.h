// loaders/load_context.h: what a format loader writes into during one load() (internal: not
// installed, not API; docs/ABI.md). The public entry points are in skg/loaders/load.h.
#pragma once
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "skg/graph/builder.h"
#include "skg/loaders/load.h"

namespace skg::inline v1 {

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
  /// skg-csv: the StringId of each node row id of this load that is a plain number ("0", "17"),
  /// by number (kNoString: none), so that an edges file finds its ends without hashing them.
  /// Trusted only while the batch holds `entities` entity records: another loader in between
  /// (which might retract one) makes the edges take the general way.
  struct NumericIds {
    std::vector<StringId> by_number;
    std::size_t entities = 0;
  } numeric_ids;

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

}  // namespace skg
