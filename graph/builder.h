// graph/builder.h: stage records in batches, merge them by external id, freeze into a Graph.
#pragma once
#include <cstdint>
#include <memory>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "skg/graph/graph.h"
#include "skg/graph/ids.h"
#include "skg/graph/model.h"
#include "skg/graph/strings.h"

namespace skg::inline v1 {

namespace detail {
class PageFaulter;
}

/// Where a record comes from, as a loader sees it: file (or dataset), record id, line.
struct Source {
  std::string_view file;
  std::string_view record;
  std::uint32_t line = 0;
};

/// A party: records with the same `id` merge into one node that keeps every provenance.
struct EntityRecord {
  std::string_view id;  // namespaced external id: "ofac-sdn:45815", an FtM id as it is
  NodeKind kind = NodeKind::LegalEntity;
  std::string_view name;  // primary name; a merged record's other name becomes an alias
  Source source;
  DateRange valid{};
};

/// A link between two parties, by their external ids.
struct EdgeRecord {
  EdgeKind kind = EdgeKind::UnknownLink;
  std::string_view from;  // OWNS: owner; DIRECTOR_OF: the director; SUBSIDIARY_OF: the child
  std::string_view to;
  Percent share{};  // OWNS: the stake, unknown unless the source states it
  /// What the edge gives its holder, as the source types it (voting rights, board appointment,
  /// nominee for, ...); Unspecified when the source does not say.
  Interest interest = Interest::Unspecified;
  DateRange valid{};
  std::string_view role;  // "Chief Legal Officer", "parent"
  Source source;
  std::string_view id;  // optional: edges with the same id merge (an FtM Ownership id)
};

/// A listing, designation, ban or warning on one party. Records with the same `id` are one
/// Action node; each record adds its target (TARGET_OF) and the authority (ISSUED_BY).
struct ActionRecord {
  std::string_view id;      // "ofac-sdn:45815#SDN", an FtM Sanction id
  std::string_view target;  // the party's external id
  std::string_view authority, list, program, legal_basis, measures, citation;
  std::optional<Date> listed;
  DateRange in_force{};
  Source source;
  Measures measure_set{};  // from the loader's cited mapping table; empty: unknown
  Issuer issuer = Issuer::Unknown;
  SanctionList list_id = SanctionList::Unknown;
  ActionOrigin origin = ActionOrigin::Record;
};

class Builder;

namespace detail {
/// The most items (names, attributes, sources, ...) one column of a graph may hold: its offsets
/// are 32-bit. A commit that would pass it throws Error. Tests lower it to reach the limit.
extern std::uint64_t item_limit;
}  // namespace detail

/// A set of records that land in a Builder together or not at all.
///   skg::Batch batch(builder);
///   for (auto& row : rows) batch.add_entity(parse(row));  // may throw LoadError
///   builder.commit(std::move(batch));                      // all of it, or nothing
/// A batch made for a builder interns its strings into the builder's pool as it goes (one hash
/// per string, no staging copy); a builder has at most one such batch open at a time, and a
/// batch dropped without commit takes its strings back out. A batch made with no builder stages
/// its strings and may be committed to any builder.
// A batch's record columns are detail::BigVector: a large load stages millions of rows, and on
// huge pages their growth costs a few page faults instead of one per 4 KiB (a third of a bulk
// CSV load's time went to faults and copies before).

class Batch {
 public:
  Batch();
  explicit Batch(Builder& builder);
  Batch(Batch&&) noexcept;
  Batch& operator=(Batch&&) noexcept;
  ~Batch();
  /// Returns the id under which this batch holds the entity's id (see string_id()).
  StringId add_entity(const EntityRecord& record);
  void add_name(std::string_view entity, std::string_view name, NameType type,
                NameStrength strength, const Source& source);
  void add_attribute(std::string_view entity, std::string_view key, std::string_view value,
                     const Source& source);

  /// The id under which this batch holds `text` (kNoString for ""), interning or staging it as
  /// the add_* calls do. Valid for this batch only, until it is committed or dropped. A loader
  /// that states many facts of one entity, or one key again and again, keeps these ids and
  /// passes them to the overloads below instead of having each text hashed and looked up again.
  StringId string_id(std::string_view text) { return local(text); }
  /// string_id() of a text whose hash prefetch_hashed() gave: the string is hashed once from the
  /// loader to the pool's table, not once for the prefetch and again for the intern.
  ///   const auto hash = batch.prefetch_hashed(value);  // a record ahead
  ///   batch.add_attribute(entity, key, batch.string_id(value, hash), source);
  StringId string_id(std::string_view text, std::uint64_t hash) {
    if (binding_.pool == nullptr || text.empty()) return local(text);
    return binding_.pool->intern(text, hash);
  }
  /// add_name / add_attribute with the entity (and the key) as ids from string_id() or
  /// add_entity() of this batch: the same records as the overloads that take texts.
  void add_name(StringId entity, std::string_view name, NameType type, NameStrength strength,
                const Source& source);
  void add_attribute(StringId entity, StringId key, std::string_view value, const Source& source);
  /// add_attribute with the value as an id from string_id() too (kNoString: an empty value). The
  /// same record as the text overloads; for the same string ids too, take the value's id after
  /// the record's source is in the batch (the text overload interns the value after the source).
  void add_attribute(StringId entity, StringId key, StringId value, const Source& source);

  /// A record's source, added to this batch once, for the overloads below that take it instead
  /// of a Source. Each Source overload finds its source again by comparing the file and record
  /// texts with the last one's; a loader that states a dozen facts of one record (an OFAC entry)
  /// takes this handle once and the facts cost no compare. Valid in this batch only, until it
  /// is committed or dropped. The records are the same as with the Source overloads, and so are
  /// the strings, in the same order, when the ids are taken in the order those overloads intern:
  /// the source (file, then record) first, then the entity, then the rest of the record.
  ///   const Batch::SourceRef at = batch.source_ref({path, uid, line});
  ///   const StringId entity = batch.add_entity(batch.string_id(id), kind, batch.string_id(name), at);
  ///   batch.add_attribute(entity, key, batch.string_id(value), at);
  enum class SourceRef : std::uint32_t {};
  SourceRef source_ref(const Source& source) { return SourceRef{local_source(source, nullptr)}; }
  /// source_ref() with the hash of `source.record` that prefetch_hashed() gave.
  SourceRef source_ref(const Source& source, std::uint64_t record_hash) {
    return SourceRef{local_source(source, &record_hash)};
  }
  /// source_ref() of the source `same` stands for, at another line (a bulk table's next row):
  /// the same records and strings as source_ref({file, record, line}) with `same`'s file and
  /// record texts, without comparing those texts with the last source's again (3M compares of a
  /// path in a 1M-entity skg-csv load).
  ///   const auto first = batch.source_ref({path, {}, 2});
  ///   const auto next = batch.source_ref_at(first, 3);
  SourceRef source_ref_at(SourceRef same, std::uint32_t line);
  /// source_ref() of `same`'s file with another record, at another line (a nodes table's next
  /// row, whose record is its id), `record_hash` being that record's hash: the same records and
  /// strings as source_ref({file, record, line}, record_hash), without comparing the file's path
  /// and the last record's text again (2M compares of a 1M-row table).
  SourceRef source_ref_at(SourceRef same, std::string_view record, std::uint64_t record_hash, std::uint32_t line);
  /// string_id(record) where `record` is the record text of `source`: a bound batch has just
  /// interned it for the source, so its id is taken from there instead of looked up again.
  ///   const auto at = batch.source_ref({path, id, line}, hash);
  ///   const StringId entity = batch.add_entity(batch.record_id(at, id), kind, name, at);
  StringId record_id(SourceRef source, std::string_view record) {
    return binding_.pool != nullptr ? sources_[static_cast<std::uint32_t>(source)].record : local(record);
  }
  /// add_entity() with its id and name as ids from string_id() (the id not kNoString).
  StringId add_entity(StringId id, NodeKind kind, StringId name, SourceRef source, DateRange valid = {});
  /// add_name() with the name as an id (kNoString: an empty name, which adds nothing).
  void add_name(StringId entity, StringId name, NameType type, NameStrength strength, SourceRef source);
  void add_attribute(StringId entity, StringId key, StringId value, SourceRef source);
  /// add_action() with its source as a handle (`record.source` is not read) and the hash of
  /// `record.id` that prefetch_hashed() gave: the id is interned where add_action() interns it.
  void add_action(const ActionRecord& record, std::uint64_t id_hash, SourceRef source);

  /// `other_id` names the same party as `entity` (a CSL row's id for an SDN entry).
  void add_external_id(std::string_view entity, std::string_view other_id, const Source& source);
  /// Returns the edge's position in this batch, for add_edge_attribute.
  std::uint32_t add_edge(const EdgeRecord& record);
  /// add_edge with both ends already found by defined_id() (not kNoString), so that a bulk
  /// loader looks each end up once; `record.from` and `record.to` are not read.
  std::uint32_t add_edge(const EdgeRecord& record, StringId from, StringId to);
  /// add_edge(record, from, to) with the record's source as a handle from source_ref()
  /// (`record.source` is not read): a loader that hashed the record's text for source_ref()
  /// has it hashed and compared once. The same records and strings, in the same order.
  ///   const auto at = batch.add_edge(edge, batch.defined_id(from, from_hash),
  ///                                  batch.defined_id(to, to_hash), batch.source_ref(src, hash));
  std::uint32_t add_edge(const EdgeRecord& record, StringId from, StringId to, SourceRef source);
  void add_edge_attribute(std::uint32_t edge, std::string_view key, std::string_view value);
  /// An edge with no role, id or attribute whose ends a bulk loader found (defined_id(), not
  /// kNoString), for add_plain_edges.
  struct PlainEdge {
    StringId from = kNoString, to = kNoString;
    EdgeKind kind{};
    Percent share;
    DateRange valid;
  };
  /// For each edge i: add_edge({kind, share, valid, no role, no id}, from, to,
  /// source_ref_at(same, first_line + lines[i])), the same records in a tight loop (a bound batch
  /// only). A bulk table's rows that its parsing threads have read and resolved: adding them one
  /// by one through EdgeRecords and handles was a third of the CPU of a 1M-row edges table.
  void add_plain_edges(SourceRef same, std::span<const PlainEdge> edges, std::span<const std::uint64_t> lines,
                       std::uint64_t first_line);
  void add_action(const ActionRecord& record);
  /// Removes the entity (with its edges) or the edge that has this id (an FtM delta's DEL).
  /// Removals are applied before the batch's additions: an entity removed and defined again by
  /// the same batch keeps its node and links and loses every fact of its earlier version; for a
  /// later version of one record, replace() is the finer tool (an FtM delta's MOD uses it).
  void remove(std::string_view id, const Source& source);
  /// A later version of the record `id` (an entity, or an edge with this id) that this batch
  /// adds again: what the builder's earlier version of that record gave is dropped first (its
  /// attributes and sources, its names and other ids; when no other record shares its node, its
  /// kind and dates too, and for an action its details, targets and authority; an edge is
  /// replaced whole), while the node, the links other records give it and what other records
  /// gave a merged party stay (queries/RULES.md §9.4). An id the builder does not hold is simply
  /// added. GLEIF update files and FtM delta MODs use it.
  void replace(std::string_view id, const Source& source);

  /// Takes back what this batch holds for `id`: its entity or action records, their names,
  /// attributes and other ids, and the edges whose id is `id` or `id#n`; with `with_links`, also
  /// the edges to or from `id` and the actions on it. An FtM delta that changes (MOD) or deletes
  /// (DEL) a record an earlier file of the same load added uses it, so the later version replaces
  /// the earlier one instead of merging into it. Costs a pass over the batch.
  void retract(std::string_view id, bool with_links);
  /// The ids of this batch's edges (those that have one).
  std::vector<std::string_view> edge_ids() const;

  /// A hint before a large load: room for about `entities` entity records and `edges` edge
  /// records, each with its own source, so that these columns do not regrow as they fill (each
  /// regrowth copies the column into fresh pages while the old ones are still held). Room that
  /// is never filled costs address space only: its pages are never touched.
  void reserve(std::size_t entities, std::size_t edges);
  /// As reserve(), for about `count` more attributes (a table whose rows each carry some).
  void reserve_attributes(std::size_t count) { attributes_.reserve(attributes_.size() + count); }

  /// Says that this batch goes on with the same read of its files as the batch committed just
  /// before it (one source split over several batches, as the generator writes a large graph):
  /// its files are then not taken for a reload, whose repeated records and id-less edges the
  /// builder merges. Without it, the second batch of a file indexed every record and edge of that
  /// file (twice the memory) and merged its equal id-less edges as if they were read twice.
  void continue_read() { continues_read_ = true; }

  /// A hint that `text` is about to be added (a record id, a name, a value): a batch made for a
  /// builder starts fetching the pool's table slot for it, so that a loader which prefetches the
  /// strings of its next record while it adds the current one does not wait on a cache miss for
  /// each distinct string. Changes nothing else.
  void prefetch(std::string_view text) const noexcept {
    if (binding_.pool != nullptr) binding_.pool->prefetch(text);
  }

  /// prefetch(text), giving back the text's hash for string_id(text, hash) (0 for a batch made
  /// with no builder, which ignores it).
  std::uint64_t prefetch_hashed(std::string_view text) const noexcept {
    return binding_.pool != nullptr ? binding_.pool->prefetch_hashed(text) : 0;
  }

  /// Staged prefetch of `text` (StringPool::prefetch_deep): stage 0 is prefetch(text).
  void prefetch(std::string_view text, int stage) const noexcept {
    if (binding_.pool == nullptr) return;
    if (stage == 0) binding_.pool->prefetch(text);
    else binding_.pool->prefetch_deep(text, stage);
  }
  /// prefetch(text, stage) with the text's hash (detail::hash_string(text)) given.
  void prefetch(std::string_view text, int stage, std::uint64_t hash) const noexcept {
    if (binding_.pool != nullptr) binding_.pool->prefetch_stage(text, hash, stage);
  }

  /// A hint from a loader that streams a large input into this batch, given now and then (the
  /// skg-csv loader: once a block of rows): a helper thread faults in the next few MiB past the end
  /// of each large column of the batch and of its builder's string pool, so that the caller's
  /// writes land on pages that are there instead of waiting for the kernel to zero fresh ones.
  /// Changes nothing else; the thread ends when the batch is committed or dropped.
  void fault_in_ahead();

  /// True when an entity or action record of this batch has this id.
  bool defines(std::string_view id) const;
  /// The id under which an entity or action record of this batch defines `id` (for add_edge with
  /// found ends), or kNoString: not defined here, or a batch not made for a builder.
  StringId defined_id(std::string_view id) const;
  /// defined_id() of a text whose hash (detail::hash_string(id)) the caller has already.
  StringId defined_id(std::string_view id, std::uint64_t hash) const;
  std::size_t entity_count() const noexcept { return entities_.size(); }
  std::size_t edge_count() const noexcept { return edges_.size(); }
  std::size_t action_count() const noexcept { return actions_.size(); }
  bool empty() const noexcept;
  /// True for a batch made for a builder: its string ids are the builder's pool ids, the same
  /// for equal texts (defined_id() finds nothing in a batch that is not).
  bool bound() const noexcept { return binding_.pool != nullptr; }

 private:
  friend class Builder;
  /// A record's source with the batch's string ids (the builder's own for a bound batch): the
  /// builder's provenance record, so that a commit into a builder that has none yet takes the
  /// batch's column (a detail::ProvenanceColumn: 16 MB at 1M entities and 3M edges) as its own
  /// instead of copying it.
  using LocalSource = Provenance;
  /// 24 bytes (it was 32): its dates as the builder keeps them (kOpenStart / kOpenEnd for an open
  /// end), not as a DateRange of two optionals; a 10M-entity skg-csv load stages 10M of these.
  struct Entity {
    StringId id;
    NodeKind kind;
    StringId name;
    std::uint32_t source;
    std::int32_t valid_from, valid_to;
  };
  static_assert(sizeof(Entity) == 24);
  struct NameRec {
    StringId entity, text;
    NameType type;
    NameStrength strength;
    std::uint32_t source;
  };
  struct AttrRec {
    StringId entity, key, value;
    std::uint32_t source;
  };
  /// 28 bytes, what every edge has (it was 64, then 40): a 1M-entity load stages 3M edges, and
  /// the reading thread zeroes each fresh page of this column (at 40 bytes still 16% of a skg-csv
  /// load's samples). An edge's role and dates, which most edges of a bulk load lack (every edge
  /// skg-gen writes, as skg-csv or FtM), are an EdgeExtra of its own when it has any (`extra`).
  struct Edge {
    StringId from, to, id;
    Percent share;
    std::uint32_t source;
    EdgeKind kind;
    Interest interest;
    bool extra;  // its role or dates are in edge_extras_
  };
  static_assert(sizeof(Edge) == 28);
  /// The rest of an edge that has any of it, in edge order. The dates are kept as the builder
  /// keeps them (kOpenStart / kOpenEnd for an open end), so every edge lands exactly as its
  /// DateRange would.
  struct EdgeExtra {
    std::uint32_t edge;  // its index in edges_
    StringId role;
    std::int32_t valid_from, valid_to;
  };
  /// Appends an edge, with an EdgeExtra when it has a role or dates.
  std::uint32_t push_edge(StringId from, StringId to, StringId role, StringId id, const EdgeRecord& record,
                          std::uint32_t source);
  struct EdgeAttr {
    std::uint32_t edge;
    StringId key, value;
  };
  struct ActionRec {
    StringId id, target;
    Action action;  // with local string ids
    std::uint32_t source;
  };
  struct Removal {
    StringId id;
    std::uint32_t source;
  };
  /// Stages a string; the last few are remembered, since loaders repeat the entity id, the
  /// record id and the file name for every fact of a record.
  StringId local(std::string_view text) {
    if (text.empty()) return kNoString;
    if (binding_.pool != nullptr) return binding_.pool->intern(text);
    for (StringId id : recent_)
      if (id != kNoString && strings_.view(id) == text) return id;
    const StringId id = strings_.append(text);
    recent_[next_recent_++ % std::size(recent_)] = id;
    return id;
  }
  /// The index of `source` in sources_ (the last one again when equal); `record_hash`, when
  /// given, is the hash of source.record.
  std::uint32_t local_source(const Source& source, const std::uint64_t* record_hash = nullptr);
  /// The file and record of the source `same` (its line left 0: not looked up in the column's runs).
  LocalSource file_and_record(SourceRef same) const {
    const auto at = static_cast<std::uint32_t>(same);
    return {sources_.source(at), sources_.record(at), 0};
  }
  /// An action record with its source index (add_action's body; `id_hash` as local_source's).
  void add_action_at(const ActionRecord& record, std::uint32_t source, const std::uint64_t* id_hash);

  /// The builder's pool this batch interns into, and its size when the batch opened; moving
  /// hands the binding over, and dropping it uncommitted truncates the pool back.
  struct Binding {
    StringPool* pool = nullptr;
    bool* open = nullptr;
    std::size_t start = 0;
    Binding() = default;
    Binding(Binding&& other) noexcept { *this = std::move(other); }
    Binding& operator=(Binding&& other) noexcept {
      if (this != &other) {
        release(true);
        pool = std::exchange(other.pool, nullptr);
        open = std::exchange(other.open, nullptr);
        start = other.start;
      }
      return *this;
    }
    ~Binding() { release(true); }
    void release(bool roll_back) noexcept {
      if (pool == nullptr) return;
      if (roll_back) pool->truncate(start);
      *open = false;
      pool = nullptr;
      open = nullptr;
    }
  };
  std::string_view text(StringId id) const {
    return binding_.pool != nullptr ? binding_.pool->view(id) : strings_.view(id);
  }
  std::string_view text_or_empty(StringId id) const { return id == kNoString ? std::string_view() : text(id); }
  Binding binding_;
  detail::StringArena strings_;  // unbound: every string of the batch, as given (interned on commit)
  /// Notes that the batch's entity or action records define `id` (local id and text).
  void define(StringId id, std::string_view text);
  StringPool defined_ids_;        // unbound: ids of the batch's entity and action records
  std::vector<bool> defined_;     // bound: by pool id, whether a record of the batch defines it
  StringId recent_[4] = {kNoString, kNoString, kNoString, kNoString};
  std::uint32_t next_recent_ = 0;
  bool continues_read_ = false;  // continue_read()
  detail::ProvenanceColumn sources_;  // becomes the builder's provenance (ProvenanceColumn)

  detail::BigVector<Entity> entities_;
  detail::BigVector<NameRec> names_;
  detail::BigVector<AttrRec> attributes_;
  detail::BigVector<std::pair<StringId, StringId>> external_ids_;  // (entity, other id)
  detail::BigVector<std::uint32_t> external_id_sources_;
  detail::BigVector<Edge> edges_;
  detail::BigVector<EdgeExtra> edge_extras_;  // by edge, in edge order
  detail::BigVector<EdgeAttr> edge_attributes_;
  detail::BigVector<ActionRec> actions_;
  std::vector<Removal> removals_;
  std::vector<Removal> replacements_;  // replace(): applied with the removals
  std::unique_ptr<detail::PageFaulter> faulter_;  // fault_in_ahead()'s thread, made by its first call
  std::uintptr_t faulted_[7] = {};                // where its requests end, by column
};

/// Accumulates committed batches; single-use: `std::move(builder).freeze()` makes the Graph.
class Builder {
 public:
  Builder();
  /// Starts from everything in `graph` (to apply deltas to a loaded version).
  explicit Builder(const Graph& graph);
  Builder(Builder&&) noexcept;
  Builder& operator=(Builder&&) noexcept;
  ~Builder();

  /// Adds every record of `batch`, or none: a reference to an id that neither the builder nor
  /// the batch defines throws Error, and the builder is left exactly as it was.
  void commit(Batch&& batch);

  // One-record conveniences (each is a batch of one).
  void add_entity(const EntityRecord& record);
  void add_edge(const EdgeRecord& record);
  void add_action(const ActionRecord& record);

  /// A hint before a large load: room for about `strings` more distinct strings of `chars`
  /// bytes in all (skg::load() passes an estimate from the input's size).
  void reserve(std::size_t strings, std::size_t chars);
  /// A hint: room for about `nodes` more entities and `edges` more edges (one record each).
  void reserve_records(std::size_t nodes, std::size_t edges);

  std::size_t entity_count() const noexcept;  // live entities, authorities and actions
  std::size_t edge_count() const noexcept;    // live edges
  bool contains(std::string_view id) const noexcept;
  /// True when both ids name one live entity (an id and one of its other ids).
  bool same_entity(std::string_view a, std::string_view b) const noexcept;
  /// True when a live edge has this id (an FtM Ownership id), for deltas that remove it.
  bool contains_edge(std::string_view id) const noexcept;
  /// The value of attribute `key` that the record `id` gave its entity (or, for an edge id, its
  /// edge), as the builder holds it now; nullopt when it holds no such record or fact. With
  /// several values, the greatest. A loader reads a record's version with it (GLEIF
  /// LastUpdateDate), so a later load replaces an older version and leaves a newer one alone.
  /// The first call after a commit costs a pass over the attributes with that key.
  std::optional<std::string> record_fact(std::string_view id, std::string_view key) const;

  /// Freezes into a read-only graph; the builder is used up.
  Graph freeze() &&;

 private:
  friend class Batch;
  struct State;
  std::unique_ptr<State> state_;  // pimpl: keeps the header light and moves cheap
};

}  // namespace skg
