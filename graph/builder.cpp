#include "skg/graph/builder.h"
#include "skg/graph/batch_faults.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <fmt/format.h>
#include <cstdint>
#include <cstring>
#include <exception>
#include <numeric>
#include <unordered_map>
#include <set>
#include <system_error>
#include <thread>
#include <unordered_set>

#include <sys/mman.h>

#include "skg/graph/error.h"
#include "skg/graph/flat_map.h"
#include "skg/graph/identity.h"
#include "skg/graph/parallel.h"
#include "skg/graph/prefault.h"

namespace skg::inline v1 {

std::uint64_t detail::item_limit = 0xFFFFFFFEu;


namespace {

std::int32_t stored_start(const DateRange& range) { return range.start ? range.start->days : kOpenStart; }
std::int32_t stored_end(const DateRange& range) { return range.end ? range.end->days : kOpenEnd; }

std::string where(std::string_view file, std::string_view record, std::uint32_t line) {
  std::string out(file.empty() ? std::string_view("(batch)") : file);
  if (line != 0) out += fmt::format(":{}", line);
  if (!record.empty()) out += fmt::format(" (record '{}')", record);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cross-source identity (queries/RULES.md §9): live parties that share a strong identifier are
// merged at freeze, transitively (union-find). Merging at freeze rather than at commit keeps a
// commit's checks and a delta's removals per record (each record keeps its own node until the
// graph is made), costs one pass over the attributes, and gives the same graph whatever the
// order of the loads: the canonical id of a merged party is chosen by rank, not by arrival.

/// How an id ranks as the canonical id of a merged party: the lists' own ids first, then other
/// namespaced ids, then the CSL's, then ids without a namespace (FtM / OpenSanctions).
int id_rank(std::string_view id) {
  constexpr std::string_view kOrder[] = {"ofac-sdn:", "ofac-cons:", "un:", "lei:", "gb-coh:"};
  for (std::size_t at = 0; at < std::size(kOrder); ++at)
    if (id.starts_with(kOrder[at])) return static_cast<int>(at);
  if (id.starts_with("csl:")) return 7;
  return id.find(':') != std::string_view::npos ? 6 : 8;
}

bool kinds_compatible(NodeKind a, NodeKind b) {
  if (a == NodeKind::LegalEntity || b == NodeKind::LegalEntity || a == b) return true;
  const auto organisation = [](NodeKind kind) { return kind == NodeKind::Company || kind == NodeKind::Organization; };
  return organisation(a) && organisation(b);
}

/// The provenance of a name or id whose record is not known (a graph that did not say): no
/// record's deletion takes it.
constexpr ProvId kUnknownProv{0xFFFFFFFFu};

/// The most records one merged party may gather (RULES.md §9.1): real parties have a record per
/// source and release, a few dozen at most; it also bounds the per-node work of freeze().
constexpr std::uint32_t kMostRecordsPerParty = 256;

bool is_party(NodeKind kind) { return kind != NodeKind::Action && kind != NodeKind::Authority; }

/// A birth date as one text for comparison: ISO "1966-11-09", or OFAC's "09 Nov 1966"; partial
/// or circa dates give nullopt (too weak to point at one person).
std::optional<Date> full_birth_date(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() == 10) return Date::parse(text);
  if (text.size() == 11 && text[2] == ' ' && text[6] == ' ') {
    constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int month = 0; month < 12; ++month) {
      if (text.substr(3, 3) != kMonths[month]) continue;
      int day = 0, year = 0;
      for (char c : text.substr(0, 2)) {
        if (c < '0' || c > '9') return std::nullopt;
        day = day * 10 + (c - '0');
      }
      for (char c : text.substr(7, 4)) {
        if (c < '0' || c > '9') return std::nullopt;
        year = year * 10 + (c - '0');
      }
      return Date::from_ymd(year, month + 1, day);
    }
  }
  return std::nullopt;
}

/// Hands the whole pages inside [begin, begin + bytes) back to the kernel (madvise DONTNEED): for
/// a large array read once, front to back, while something else grows (a batch being committed).
/// What those pages held reads as zeros afterwards; the array stays allocated.
void release_pages(const void* begin, std::size_t bytes) noexcept {
  constexpr std::uintptr_t kPage = 4096;
  const auto start = reinterpret_cast<std::uintptr_t>(begin);
  const std::uintptr_t first = (start + kPage - 1) & ~(kPage - 1), last = (start + bytes) & ~(kPage - 1);
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

/// `size` items equal to `value` on huge pages, in a block the build freed when one holds them
/// (detail::BigVector): freeze()'s columns were written once into fresh memory, where each
/// 4 KiB page cost a fault (106,000 of them in a 1M-entity skg-csv load).
template <class T>
detail::BigVector<T> fresh_vector(std::size_t size, const T& value = T()) {
  return detail::BigVector<T>(size, value);
}

/// Makes room for `size` items, keeping the growth geometric (a builder fed one-record batches
/// must not reallocate on every commit).
template <class Vector>
void grow_for(Vector& items, std::size_t size) {
  if (size <= items.capacity()) return;
  items.reserve(std::max(size, items.capacity() * 2));
}

/// An edge column that most edges leave at `Fill` (an edge's dates and role: 90% of a generated
/// FtM load's 3M edges and every edge of a skg-csv one have none), kept as the (edge, value) pairs
/// of the edges that have another value, in edge order, instead of a value an edge: a dense
/// column of 3M was 12 MB of fresh pages written with the fill, then read again by freeze().
/// Appended and taken back at the end as the dense columns beside it are; read at random by
/// binary search (edge_key, when a reload merges its repeated edges).
template <class T, T Fill>
class SparseEdgeColumn {
 public:
  void push_back(T value) {
    if (!(value == Fill)) set_.emplace_back(static_cast<std::uint32_t>(size_), value);
    ++size_;
  }
  void pop_back() noexcept {
    --size_;
    if (!set_.empty() && set_.back().first == size_) set_.pop_back();
  }
  T operator[](std::uint32_t edge) const noexcept {
    const auto found = std::lower_bound(set_.begin(), set_.end(), edge,
                                        [](const auto& item, std::uint32_t at) { return item.first < at; });
    return found != set_.end() && found->first == edge ? found->second : Fill;
  }
  /// Room for `set` more edges with a value other than the fill.
  void grow_for_set(std::size_t set) { grow_for(set_, set_.size() + set); }
  /// The edges with another value, in edge order (freeze()).
  detail::BigVector<std::pair<std::uint32_t, T>>& set_items() noexcept { return set_; }
  void clear() noexcept {
    detail::BigVector<std::pair<std::uint32_t, T>>().swap(set_);
    size_ = 0;
  }

 private:
  detail::BigVector<std::pair<std::uint32_t, T>> set_;
  std::size_t size_ = 0;
};

/// A counting sort's placement with its offsets `at` (group starts, one entry past the last
/// group) as the cursors: `place(cursor)` advances at[g] once for each item of group g; after it,
/// at[g] holds where group g + 1 starts, so each entry is moved one place up and at[0] is 0
/// again. A copy of the offsets as cursors was an array of fresh pages to fault in and zero
/// each time (20 MB for the name index of a 1M load: one entry per pool string).
template <class Place>
void place_by_offsets(detail::BigVector<std::uint32_t>& at, Place&& place) {
  place(at.data());
  if (at.empty()) return;
  std::move_backward(at.begin(), at.end() - 1, at.end());
  at[0] = 0;
}

}  // namespace


// ---------------------------------------------------------------------------------------------
// Batch: records staged with their own string pool, translated on commit.

Batch::Batch() = default;
Batch::Batch(Batch&&) noexcept = default;
Batch& Batch::operator=(Batch&&) noexcept = default;
Batch::~Batch() = default;

void Batch::fault_in_ahead() {
  if (!faulter_) {
    try {
      faulter_ = std::make_unique<detail::PageFaulter>();
    } catch (const std::system_error&) {
      return;  // no thread to be had: a hint, so the writer faults its pages in as before
    }
  }
  std::size_t column = 0;
  for (const detail::ColumnRoom room : {detail::room_of(entities_), detail::room_of(edges_), sources_.room(),
                                        detail::room_of(names_), detail::room_of(attributes_)})
    faulter_->keep_ahead(room, faulted_[column++]);
  if (binding_.pool != nullptr)
    for (const detail::ColumnRoom room : binding_.pool->room()) faulter_->keep_ahead(room, faulted_[column++]);
}


std::uint32_t Batch::local_source(const Source& source, const std::uint64_t* record_hash) {
  if (detail::batch_faults.armed) [[unlikely]] detail::batch_faults.step();  // tests only
  const auto record_id = [&] { return record_hash != nullptr ? string_id(source.record, *record_hash) : this->local(source.record); };
  // Loaders state every fact of a record with that record's source: the same one as last time
  // is found by comparing its texts, without hashing and looking up the file and record again.
  // (Bound batches only: there equal texts are equal ids, so the result is the same.)
  // A new line of the same file (a bulk table's next row) reuses the file's id the same way.
  if (binding_.pool != nullptr && !sources_.empty()) {
    const LocalSource last = sources_.back();
    const bool same_file = detail::same_text(text_or_empty(last.source), source.file);
    const bool same_record = detail::same_text(text_or_empty(last.record), source.record);
    if (same_file && same_record && last.line == source.line)
      return static_cast<std::uint32_t>(sources_.size() - 1);
    sources_.push_back({same_file ? last.source : this->local(source.file),
                        same_record ? last.record : record_id(), source.line});
    return static_cast<std::uint32_t>(sources_.size() - 1);
  }
  const StringId file = this->local(source.file);
  const LocalSource local{file, record_id(), source.line};
  if (!sources_.empty()) {
    const LocalSource& last = sources_.back();
    if (last.source == local.source && last.record == local.record && last.line == local.line)
      return static_cast<std::uint32_t>(sources_.size() - 1);
  }
  sources_.push_back(local);
  return static_cast<std::uint32_t>(sources_.size() - 1);
}

Batch::SourceRef Batch::source_ref_at(SourceRef same, std::uint32_t line) {
  const LocalSource of = file_and_record(same);
  if (binding_.pool == nullptr) {
    // Staged strings: local_source() on copies of the texts (the staging may move its bytes).
    const std::string file(text_or_empty(of.source)), record(text_or_empty(of.record));
    return source_ref({file, record, line});
  }
  if (detail::batch_faults.armed) [[unlikely]] detail::batch_faults.step();  // tests only, as local_source
  // Bound: equal texts are equal ids, so this is what local_source() gives for those texts.
  const LocalSource& last = sources_.back();
  if (last.source == of.source && last.record == of.record && last.line == line)
    return SourceRef{static_cast<std::uint32_t>(sources_.size() - 1)};
  sources_.push_back({of.source, of.record, line});
  return SourceRef{static_cast<std::uint32_t>(sources_.size() - 1)};
}

Batch::SourceRef Batch::source_ref_at(SourceRef same, std::string_view record, std::uint64_t record_hash,
                                      std::uint32_t line) {
  const LocalSource of = file_and_record(same);
  if (binding_.pool == nullptr) {
    const std::string file(text_or_empty(of.source));  // the staging may move its bytes
    return source_ref({file, record, line}, record_hash);
  }
  if (detail::batch_faults.armed) [[unlikely]] detail::batch_faults.step();  // tests only, as local_source
  // Bound: equal texts are equal ids, so interning the record gives what local_source() gives
  // (it takes the last source's record id when the texts are equal: the same id).
  const StringId record_id = string_id(record, record_hash);
  const LocalSource& last = sources_.back();
  if (last.source == of.source && last.record == record_id && last.line == line)
    return SourceRef{static_cast<std::uint32_t>(sources_.size() - 1)};
  sources_.push_back({of.source, record_id, line});
  return SourceRef{static_cast<std::uint32_t>(sources_.size() - 1)};
}

void Batch::reserve(std::size_t entities, std::size_t edges) {
  entities_.reserve(entities_.size() + entities);
  edges_.reserve(edges_.size() + edges);
  sources_.reserve(sources_.size() + entities + edges);
}

StringId Batch::add_entity(const EntityRecord& record) {
  if (record.id.empty()) throw Error("an entity record needs an id");
  const std::uint32_t source = local_source(record.source);
  // FtM and skg-csv name each record by its entity's id, which local_source() has just interned
  // as the source's record: bound, equal texts have one pool id, so it is taken from there
  // instead of hashing and probing the same text again (a second lookup for each of the 4M
  // records of a 1M-entity FtM load). add_edge does the same with an edge's id.
  const StringId id = binding_.pool != nullptr && detail::same_text(record.id, record.source.record) ? sources_.record(source)
                                                                                     : local(record.id);
  entities_.push_back({id, record.kind, local(record.name), source, stored_start(record.valid), stored_end(record.valid)});
  define(id, record.id);
  return id;
}

void Batch::add_name(std::string_view entity, std::string_view name, NameType type,
                     NameStrength strength, const Source& source) {
  if (name.empty()) return;
  const std::uint32_t at = local_source(source);
  names_.push_back({local(entity), local(name), type, strength, at});
}

void Batch::add_attribute(std::string_view entity, std::string_view key, std::string_view value,
                          const Source& source) {
  const std::uint32_t at = local_source(source);
  attributes_.push_back({local(entity), local(key), local(value), at});
}

void Batch::add_name(StringId entity, std::string_view name, NameType type, NameStrength strength,
                     const Source& source) {
  if (name.empty()) return;
  const std::uint32_t at = local_source(source);
  names_.push_back({entity, local(name), type, strength, at});
}

void Batch::add_attribute(StringId entity, StringId key, std::string_view value, const Source& source) {
  const std::uint32_t at = local_source(source);
  attributes_.push_back({entity, key, local(value), at});
}

void Batch::add_attribute(StringId entity, StringId key, StringId value, const Source& source) {
  const std::uint32_t at = local_source(source);
  attributes_.push_back({entity, key, value, at});
}

// The SourceRef overloads: the records of the Source overloads, with the source found once by
// the caller (source_ref). Each still counts as a staged part for the test hook.
StringId Batch::add_entity(StringId id, NodeKind kind, StringId name, SourceRef source, DateRange valid) {
  if (id == kNoString) throw Error("an entity record needs an id");
  if (detail::batch_faults.armed) [[unlikely]] detail::batch_faults.step();  // tests only
  entities_.push_back({id, kind, name, static_cast<std::uint32_t>(source), stored_start(valid), stored_end(valid)});
  define(id, binding_.pool != nullptr ? std::string_view() : text(id));  // bound: by id alone
  return id;
}

void Batch::add_name(StringId entity, StringId name, NameType type, NameStrength strength, SourceRef source) {
  if (name == kNoString) return;
  if (detail::batch_faults.armed) [[unlikely]] detail::batch_faults.step();  // tests only
  names_.push_back({entity, name, type, strength, static_cast<std::uint32_t>(source)});
}

void Batch::add_attribute(StringId entity, StringId key, StringId value, SourceRef source) {
  if (detail::batch_faults.armed) [[unlikely]] detail::batch_faults.step();  // tests only
  attributes_.push_back({entity, key, value, static_cast<std::uint32_t>(source)});
}

void Batch::add_external_id(std::string_view entity, std::string_view other_id,
                            const Source& source) {
  if (other_id.empty() || other_id == entity) return;
  external_id_sources_.push_back(local_source(source));
  external_ids_.emplace_back(local(entity), local(other_id));
}

std::uint32_t Batch::add_edge(const EdgeRecord& record) {
  const std::uint32_t source = local_source(record.source);
  // Interned in the order of the fields (the pool's order, and so the snapshot's, is kept).
  const StringId from = local(record.from), to = local(record.to), role = local(record.role);
  const StringId id = binding_.pool != nullptr && detail::same_text(record.id, record.source.record) ? sources_.record(source)
                                                                                     : local(record.id);
  return push_edge(from, to, role, id, record, source);
}

std::uint32_t Batch::add_edge(const EdgeRecord& record, StringId from, StringId to) {
  SKG_ASSERT(binding_.pool != nullptr && from != kNoString && to != kNoString);
  const std::uint32_t source = local_source(record.source);
  const StringId role = local(record.role);
  const StringId id = binding_.pool != nullptr && detail::same_text(record.id, record.source.record) ? sources_.record(source)
                                                                                     : local(record.id);
  return push_edge(from, to, role, id, record, source);
}

std::uint32_t Batch::add_edge(const EdgeRecord& record, StringId from, StringId to, SourceRef source) {
  SKG_ASSERT(binding_.pool != nullptr && from != kNoString && to != kNoString);
  if (detail::batch_faults.armed) [[unlikely]] detail::batch_faults.step();  // tests only
  const auto at = static_cast<std::uint32_t>(source);
  const StringId role = local(record.role);
  // As the Source overload: an edge named by its record (FtM) takes the id source_ref() interned.
  // The record's text was just interned, so this compare reads cached bytes.
  const StringId record_id = sources_.record(at);
  const StringId id = detail::same_text(record.id, text_or_empty(record_id)) ? record_id : local(record.id);
  return push_edge(from, to, role, id, record, at);
}

std::uint32_t Batch::push_edge(StringId from, StringId to, StringId role, StringId id, const EdgeRecord& record,
                               std::uint32_t source) {
  const auto edge = static_cast<std::uint32_t>(edges_.size());
  const std::int32_t valid_from = stored_start(record.valid), valid_to = stored_end(record.valid);
  const bool extra = role != kNoString || valid_from != kOpenStart || valid_to != kOpenEnd;
  edges_.push_back({from, to, id, record.share, source, record.kind, record.interest, extra});
  if (extra) edge_extras_.push_back({edge, role, valid_from, valid_to});
  return edge;
}

void Batch::add_plain_edges(SourceRef same, std::span<const PlainEdge> edges, std::span<const std::uint64_t> lines,
                            std::uint64_t first_line) {
  SKG_ASSERT(binding_.pool != nullptr && edges.size() == lines.size());
  const LocalSource of = file_and_record(same);
  // No id: add_edge takes the record's id only for an edge id equal to the record's text, which
  // for an edge with no id ("") is the id of an empty record, none.
  for (std::size_t at = 0; at < edges.size(); ++at) {
    if (detail::batch_faults.armed) [[unlikely]] detail::batch_faults.step();  // tests only, as source_ref_at
    const auto line = static_cast<std::uint32_t>(first_line + lines[at]);
    const LocalSource& last = sources_.back();
    if (!(last.source == of.source && last.record == of.record && last.line == line)) sources_.push_back({of.source, of.record, line});
    if (detail::batch_faults.armed) [[unlikely]] detail::batch_faults.step();  // tests only, as add_edge
    const PlainEdge& edge = edges[at];
    const auto index = static_cast<std::uint32_t>(edges_.size());
    const std::int32_t valid_from = stored_start(edge.valid), valid_to = stored_end(edge.valid);
    const bool extra = valid_from != kOpenStart || valid_to != kOpenEnd;
    edges_.push_back({edge.from, edge.to, kNoString, edge.share, static_cast<std::uint32_t>(sources_.size() - 1), edge.kind,
                      Interest::Unspecified, extra});
    if (extra) edge_extras_.push_back({index, kNoString, valid_from, valid_to});
  }
}

void Batch::add_edge_attribute(std::uint32_t edge, std::string_view key, std::string_view value) {
  edge_attributes_.push_back({edge, local(key), local(value)});
}

void Batch::add_action(const ActionRecord& record) {
  if (record.id.empty()) throw Error("an action record needs an id");
  add_action_at(record, local_source(record.source), nullptr);
}

void Batch::add_action(const ActionRecord& record, std::uint64_t id_hash, SourceRef source) {
  if (record.id.empty()) throw Error("an action record needs an id");
  if (detail::batch_faults.armed) [[unlikely]] detail::batch_faults.step();  // tests only
  add_action_at(record, static_cast<std::uint32_t>(source), &id_hash);
}

void Batch::add_action_at(const ActionRecord& record, std::uint32_t source, const std::uint64_t* id_hash) {
  // A load's actions repeat their authority, list, program and the like ("OFAC", "SDN"), and
  // target the entity just added: a text equal to the previous action's (or that entity's id)
  // takes its id, compared without hashing and probing the pool (8 interns an action were 14M
  // instructions of an OFAC sdn.csv load). Equal texts have one id, so the ids are the same.
  const ActionRec* last = actions_.empty() ? nullptr : &actions_.back();
  const auto same_as = [&](std::string_view text, StringId previous) {
    return previous != kNoString && !text.empty() && text == this->text(previous) ? previous : local(text);
  };
  Action action;
  action.authority = last != nullptr ? same_as(record.authority, last->action.authority) : local(record.authority);
  action.list = last != nullptr ? same_as(record.list, last->action.list) : local(record.list);
  action.program = last != nullptr ? same_as(record.program, last->action.program) : local(record.program);
  action.legal_basis = last != nullptr ? same_as(record.legal_basis, last->action.legal_basis) : local(record.legal_basis);
  action.measures = last != nullptr ? same_as(record.measures, last->action.measures) : local(record.measures);
  action.citation = last != nullptr ? same_as(record.citation, last->action.citation) : local(record.citation);
  action.listed = record.listed;
  action.in_force = record.in_force;
  action.measure_set = record.measure_set;
  action.issuer = record.issuer;
  action.list_id = record.list_id;
  action.origin = record.origin;
  const StringId id = id_hash != nullptr ? string_id(record.id, *id_hash) : local(record.id);
  const StringId target = entities_.empty() ? local(record.target) : same_as(record.target, entities_.back().id);
  actions_.push_back({id, target, action, source});
  define(id, record.id);
}

void Batch::remove(std::string_view id, const Source& source) {
  // An empty id names nothing (and must not reach the id maps, where "no string" is a key).
  if (id.empty()) throw Error(fmt::format("{}: a removal needs an id", where(source.file, source.record, source.line)));
  const std::uint32_t at = local_source(source);
  removals_.push_back({local(id), at});
}

void Batch::replace(std::string_view id, const Source& source) {
  if (id.empty()) throw Error(fmt::format("{}: a replacement needs an id", where(source.file, source.record, source.line)));
  const std::uint32_t at = local_source(source);
  replacements_.push_back({local(id), at});
}

void Batch::define(StringId id, std::string_view text) {
  if (binding_.pool == nullptr) {
    defined_ids_.intern(text);
    return;
  }
  const std::size_t at = index(id);
  // Grown by at least half again each time: grown to the pool's size, it took a few more bits for
  // each entity, through vector<bool>'s slow fill (1% of an OFAC CSV load). Bits past the pool's
  // size are false, as are those of strings no record defines.
  if (at >= defined_.size())
    defined_.resize(std::max({at + 1, binding_.pool->size(), defined_.size() + defined_.size() / 2}));
  defined_[at] = true;
}

bool Batch::defines(std::string_view id) const {
  if (binding_.pool == nullptr) return defined_ids_.find(id).has_value();
  return defined_id(id) != kNoString;
}

StringId Batch::defined_id(std::string_view id) const {
  if (binding_.pool == nullptr || id.empty()) return kNoString;
  const auto found = binding_.pool->find(id);
  return found && index(*found) < defined_.size() && defined_[index(*found)] ? *found : kNoString;
}

StringId Batch::defined_id(std::string_view id, std::uint64_t hash) const {
  if (binding_.pool == nullptr || id.empty()) return kNoString;
  const auto found = binding_.pool->find(id, hash);
  return found && index(*found) < defined_.size() && defined_[index(*found)] ? *found : kNoString;
}

std::vector<std::string_view> Batch::edge_ids() const {
  std::vector<std::string_view> out;
  for (const Edge& edge : edges_)
    if (edge.id != kNoString) out.push_back(text(edge.id));
  return out;
}

void Batch::retract(std::string_view id, bool with_links) {
  if (id.empty()) return;
  auto is = [&](StringId local_id) { return local_id != kNoString && text(local_id) == id; };
  auto is_or_numbered = [&](StringId local_id) {
    if (local_id == kNoString) return false;
    const std::string_view other = text(local_id);
    return other == id || (other.size() > id.size() && other.starts_with(id) && other[id.size()] == '#');
  };
  std::erase_if(entities_, [&](const Entity& entity) { return is(entity.id); });
  std::erase_if(names_, [&](const NameRec& name) { return is(name.entity); });
  std::erase_if(attributes_, [&](const AttrRec& attribute) { return is(attribute.entity); });
  {
    std::size_t write = 0;
    for (std::size_t at = 0; at < external_ids_.size(); ++at) {
      if (is(external_ids_[at].first)) continue;
      external_ids_[write] = external_ids_[at];
      external_id_sources_[write++] = external_id_sources_[at];
    }
    external_ids_.resize(write);
    external_id_sources_.resize(write);
  }
  std::erase_if(actions_, [&](const ActionRec& action) {
    return is_or_numbered(action.id) || (with_links && is(action.target));
  });
  {  // Edges, and their extras and attributes renumbered.
    detail::BigVector<std::uint32_t> moved(edges_.size(), 0xFFFFFFFFu);
    std::size_t write = 0;
    for (std::size_t at = 0; at < edges_.size(); ++at) {
      const Edge& edge = edges_[at];
      if (is_or_numbered(edge.id) || (with_links && (is(edge.from) || is(edge.to)))) continue;
      moved[at] = static_cast<std::uint32_t>(write);
      edges_[write++] = edge;
    }
    edges_.resize(write);
    std::size_t extras = 0;
    for (const EdgeExtra& extra : edge_extras_) {
      if (moved[extra.edge] == 0xFFFFFFFFu) continue;
      edge_extras_[extras] = extra;
      edge_extras_[extras++].edge = moved[extra.edge];
    }
    edge_extras_.resize(extras);
    std::size_t kept = 0;
    for (const EdgeAttr& attribute : edge_attributes_) {
      if (attribute.edge >= moved.size() || moved[attribute.edge] == 0xFFFFFFFFu) continue;
      edge_attributes_[kept] = attribute;
      edge_attributes_[kept++].edge = moved[attribute.edge];
    }
    edge_attributes_.resize(kept);
  }
  defined_ids_ = StringPool();
  std::fill(defined_.begin(), defined_.end(), false);
  for (const Entity& entity : entities_) define(entity.id, text(entity.id));
  for (const ActionRec& action : actions_) define(action.id, text(action.id));
}

bool Batch::empty() const noexcept {
  return entities_.empty() && names_.empty() && attributes_.empty() && external_ids_.empty() &&
         edges_.empty() && actions_.empty() && removals_.empty() &&
         replacements_.empty();
}

// ---------------------------------------------------------------------------------------------
// Builder state.

/// A commit of this many entities or more faults its node columns in on a helper thread
/// (State::fault_in_nodes); below, the thread would cost more than the faults it saves.
constexpr std::size_t kFaultAheadEntities = 65536;

struct Builder::State {
  // First, so destroyed last: the columns freed while the builder lives (a batch's after its
  // commit, a column outgrown, the lists freeze() turns into the graph's) serve later requests;
  // when the last builder goes, what is kept goes back to the system.
  detail::LargeBlockReuse reuse;
  StringPool strings;
  bool batch_open = false;  // a Batch(builder) is interning into `strings`
  detail::ProvenanceColumn provenance;  // a batch's LocalSource column, taken as it is when it can be

  // Nodes. Every column and list is on huge pages (detail::BigVector): on malloc each 4 KiB
  // page was a fault (State::new_node was a fifth of a 1M skg-csv load's faults). The lists
  // freeze() frees are kept (`reuse`) for the columns it writes next: on huge pages alone they
  // went back to the kernel first, and those columns faulted afresh (more kernel time, not less).
  detail::BigVector<NodeKind> kind;
  detail::BigVector<StringId> name;
  detail::BigVector<std::int32_t> valid_from, valid_to;
  detail::BigVector<std::uint8_t> alive;
  // A name or an external id as one record states it (RULES.md §9.4): a name two records state
  // is two items here, one per record, and one name with both records in the frozen graph.
  struct StatedName {
    Name name;
    ProvId prov;
  };
  struct StatedId {
    StringId id;
    ProvId prov;
  };
  detail::BigVector<std::pair<NodeId, StatedName>> names;
  detail::BigVector<std::pair<NodeId, Attribute>> attributes;
  detail::BigVector<std::pair<NodeId, ProvId>> node_prov;
  detail::BigVector<std::pair<NodeId, StatedId>> external_ids;
  // External id -> node (possibly a removed one), indexed by the id's StringId: one array read
  // where a hash map would probe (every edge endpoint is looked up this way).
  detail::BigVector<std::uint32_t> node_of;
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  // Inlined: commit looks up every name's, fact's and edge end's node (a call each was 3% of an
  // OFAC CSV load).
  [[gnu::always_inline]] std::optional<std::uint32_t> node_of_id(StringId id) const {
    if (index(id) >= node_of.size() || node_of[index(id)] == kNone) return std::nullopt;
    return node_of[index(id)];
  }
  /// Asks `faulter` for slice `slice` of `slices` of the pages that `count` more items of
  /// `column` fill (within the room it has).
  template <class Column>
  static void fault_in_room(detail::PageFaulter& faulter, const Column& column, std::size_t count,
                            std::size_t slice = 0, std::size_t slices = 1) {
    const std::size_t room = std::min(count, column.capacity() - column.size());
    if (room == 0) return;
    const auto* from = column.data() + column.size();
    faulter.request(from + room * slice / slices, from + room * (slice + 1) / slices);
  }
  /// Asks `faulter` for the pages that `entities` new nodes fill (merge_node: the node columns past
  /// their ends, and node_of up to the pool's size), in slices of every column in turn, so that
  /// its thread stays ahead of a loop that writes them all side by side.
  void fault_in_nodes(detail::PageFaulter& faulter, std::size_t entities) {
    constexpr std::size_t kSlices = 64;
    const auto ask = [&](const auto& column, std::size_t count, std::size_t slice) {
      fault_in_room(faulter, column, count, slice, kSlices);
    };
    // node_of is filled whole (kNone) at the first new id, so it goes first, whole.
    if (node_of.size() < strings.size()) {
      node_of.reserve(strings.size());
      for (std::size_t slice = 0; slice < kSlices; ++slice) ask(node_of, strings.size() - node_of.size(), slice);
    }
    for (std::size_t slice = 0; slice < kSlices; ++slice) {
      ask(kind, entities, slice);
      ask(name, entities, slice);
      ask(valid_from, entities, slice);
      ask(valid_to, entities, slice);
      ask(alive, entities, slice);
      ask(names, entities, slice);
      ask(external_ids, entities, slice);
      ask(node_prov, entities, slice);
    }
  }
  void set_node_of(StringId id, NodeId node) {
    if (index(id) >= node_of.size()) node_of.resize(std::max<std::size_t>(index(id) + 1, strings.size()), kNone);
    node_of[index(id)] = index(node);
  }
  std::size_t live_nodes = 0;

  // Edges, in insertion order.
  detail::BigVector<NodeId> source, target;
  detail::BigVector<EdgeKind> edge_kind;
  detail::BigVector<Percent> share;
  detail::BigVector<Interest> interest;
  SparseEdgeColumn<std::int32_t, kOpenStart> edge_from;
  SparseEdgeColumn<std::int32_t, kOpenEnd> edge_to;
  SparseEdgeColumn<StringId, kNoString> role;
  detail::BigVector<StringId> edge_id;
  detail::BigVector<std::uint8_t> edge_alive;
  // An edge's source records: the one that made it, by edge, and (edge, record) for each further
  // one, in the order they were stated. A pair an edge for all of them was 8 bytes where 4 do
  // for the one most edges have (24 MB at 3M edges), and twice what freeze() groups.
  // kNoEdgeProv: an edge with none (one a graph reopened here holds without a source record).
  detail::BigVector<ProvId> edge_first_prov;
  static constexpr ProvId kNoEdgeProv{0xFFFFFFFFu};
  detail::BigVector<std::pair<std::uint32_t, ProvId>> edge_more_prov;
  /// Calls visit(edge, record) for each source record of each edge: every edge's first, then the
  /// further ones in the order they were stated.
  template <class Visit>
  void for_each_edge_prov(Visit&& visit) const {
    for (std::uint32_t edge = 0; edge < edge_first_prov.size(); ++edge)
      if (edge_first_prov[edge] != kNoEdgeProv) visit(edge, edge_first_prov[edge]);
    for (const auto& [edge, prov] : edge_more_prov) visit(edge, prov);
  }
  detail::BigVector<std::pair<std::uint32_t, Attribute>> edge_attributes;
  // Edge external id -> edge (possibly a removed one), indexed by the id's StringId as node_of
  // is: a load of millions of edges with ids (FtM) fills it nearly in order, where a hash map
  // wrote at random places and rehashed into fresh, zeroed tables as it grew (a fifth of the
  // page faults of a 1M-entity FtM load, 64 MiB for 3M ids against 4 bytes a pool string here).
  detail::BigVector<std::uint32_t> edge_of;
  std::optional<std::uint32_t> edge_of_id(StringId id) const {
    if (index(id) >= edge_of.size() || edge_of[index(id)] == kNone) return std::nullopt;
    return edge_of[index(id)];
  }
  void set_edge_of(StringId id, std::uint32_t edge) {
    if (index(id) >= edge_of.size()) edge_of.resize(std::max<std::size_t>(index(id) + 1, strings.size()), kNone);
    edge_of[index(id)] = edge;
  }
  std::size_t live_edges = 0;

  // Action details, by node.
  detail::BigVector<std::pair<NodeId, Action>> actions;
  detail::FlatMap action_of;  // node -> index into actions

  // Reloads. Loading a file twice must change nothing, but merging by external id alone keeps a
  // second copy of every provenance record, attribute and edge without an id. From the first
  // batch that comes from a file the builder has already read (a reload, or a source split over
  // several loads), equal provenance records and equal id-less edges of that file are merged;
  // freeze() drops repeated attributes and sources of a node or edge in any case. A builder that
  // never sees a file twice pays nothing but one set of file names.
  std::unordered_set<std::uint32_t> files;  // source files of the provenance records
  bool merging_repeats = false;
  struct ProvKey {
    std::uint32_t source, record, line;
    bool operator==(const ProvKey&) const = default;
  };
  struct EdgeKey {
    std::uint32_t from, to, role;
    std::int32_t valid_from, valid_to;
    std::uint32_t share_low, share_high;  // millionths of a percent
    std::uint8_t kind, share_flags, interest;
    bool operator==(const EdgeKey&) const = default;
  };
  struct KeyHash {
    static std::uint64_t mix(std::uint64_t hash, std::uint64_t value) noexcept {
      hash ^= value + 0x9e3779b97f4a7c15ull + (hash << 6) + (hash >> 2);
      return hash;
    }
    std::size_t operator()(const ProvKey& key) const noexcept {
      return mix(mix(mix(0, key.source), key.record), key.line);
    }
    std::size_t operator()(const EdgeKey& key) const noexcept {
      std::uint64_t hash = 0;
      for (std::uint64_t value : {std::uint64_t{key.from}, std::uint64_t{key.to}, std::uint64_t{key.role},
                                  std::uint64_t(std::uint32_t(key.valid_from)), std::uint64_t(std::uint32_t(key.valid_to)),
                                  std::uint64_t{key.share_low}, std::uint64_t{key.share_high},
                                  std::uint64_t{key.kind}, std::uint64_t{key.share_flags},
                                  std::uint64_t{key.interest}})
        hash = mix(hash, value);
      return hash;
    }
  };
  std::unordered_set<std::uint32_t> indexed_files;  // files whose repeats are merged
  std::unordered_map<ProvKey, std::uint32_t, KeyHash> prov_index;
  std::unordered_map<EdgeKey, std::uint32_t, KeyHash> edge_index;  // live edges without an id

  static ProvKey prov_key(const Provenance& record) {
    return {index(record.source), index(record.record), record.line};
  }
  EdgeKey edge_key(std::uint32_t edge) const {
    EdgeKey key{};
    key.from = index(source[edge]);
    key.to = index(target[edge]);
    key.role = index(role[edge]);
    key.valid_from = edge_from[edge];
    key.valid_to = edge_to[edge];
    const Percent& stake = share[edge];
    if (stake.known()) {
      key.share_low = stake.low().units;
      key.share_high = stake.high().units;
      key.share_flags = static_cast<std::uint8_t>(1 | (stake.low().open ? 2 : 0) | (stake.high().open ? 4 : 0));
    }
    key.interest = static_cast<std::uint8_t>(interest[edge]);
    key.kind = static_cast<std::uint8_t>(edge_kind[edge]);
    return key;
  }
  /// Merges repeats of `file` from now on: indexes its provenance records and the id-less live
  /// edges it states (only the files that come again are indexed, not the whole graph).
  void index_file(std::uint32_t file) {
    merging_repeats = true;
    if (!indexed_files.insert(file).second) return;
    for (std::uint32_t at = 0; at < provenance.size(); ++at)
      if (index(provenance.source(at)) == file) prov_index.try_emplace(prov_key(provenance[at]), at);
    for_each_edge_prov([&](std::uint32_t edge, ProvId prov) {
      if (edge_alive[edge] && edge_id[edge] == kNoString && index(provenance.source(index(prov))) == file)
        edge_index.try_emplace(edge_key(edge), edge);
    });
  }

  [[gnu::always_inline]] std::optional<NodeId> live_node(StringId id) const {
    const auto node = node_of_id(id);
    if (node && alive[*node]) return NodeId{*node};
    return std::nullopt;
  }
  std::optional<std::uint32_t> live_edge(StringId id) const {
    const auto edge = edge_of_id(id);
    if (edge && edge_alive[*edge]) return *edge;
    return std::nullopt;
  }

  NodeId new_node(StringId id, NodeKind node_kind, StringId node_name, const DateRange& valid, ProvId prov) {
    return new_node(id, node_kind, node_name, stored_start(valid), stored_end(valid), prov);
  }
  /// new_node() with its dates as stored (kOpenStart / kOpenEnd for an open end).
  NodeId new_node(StringId id, NodeKind node_kind, StringId node_name, std::int32_t from, std::int32_t to,
                  ProvId prov) {
    const NodeId node{static_cast<std::uint32_t>(kind.size())};
    kind.push_back(node_kind);
    name.push_back(node_name);
    valid_from.push_back(from);
    valid_to.push_back(to);
    alive.push_back(1);
    set_node_of(id, node);
    external_ids.emplace_back(node, StatedId{id, prov});
    if (node_name != kNoString)
      names.emplace_back(node, StatedName{Name{node_name, NameType::Primary, NameStrength::Unknown}, prov});
    ++live_nodes;
    return node;
  }

  /// Finds or creates the node of `id`, merging what the record says into it.
  NodeId merge_node(StringId id, NodeKind node_kind, StringId node_name, const DateRange& valid,
                    ProvId prov) {
    return merge_node(id, node_kind, node_name, stored_start(valid), stored_end(valid), prov);
  }
  /// merge_node() with its dates as stored (kOpenStart / kOpenEnd for an open end).
  NodeId merge_node(StringId id, NodeKind node_kind, StringId node_name, std::int32_t from, std::int32_t to,
                    ProvId prov) {
    NodeId node;
    if (auto found = live_node(id)) {
      node = *found;
      const auto at = index(node);
      if (kind[at] == NodeKind::LegalEntity) kind[at] = node_kind;  // a later source is more precise
      // Every record that states the name or the id is kept with it (freeze() makes one name
      // of repeats, with all their records), so that deleting one record leaves what another
      // still states (RULES.md §9.4).
      if (node_name != kNoString) {
        if (name[at] == kNoString) name[at] = node_name;
        const NameType type = name[at] == node_name ? NameType::Primary : NameType::Aka;
        names.emplace_back(node, StatedName{Name{node_name, type, NameStrength::Unknown}, prov});
      }
      external_ids.emplace_back(node, StatedId{id, prov});
      if (valid_from[at] == kOpenStart && valid_to[at] == kOpenEnd) {
        valid_from[at] = from;
        valid_to[at] = to;
      }
    } else {
      node = new_node(id, node_kind, node_name, from, to, prov);
    }
    node_prov.emplace_back(node, prov);
    return node;
  }

  std::uint32_t new_edge(EdgeKind kind_of_edge, NodeId from, NodeId to, Percent edge_share,
                         Interest edge_interest, const DateRange& valid, StringId edge_role,
                         StringId id, ProvId prov) {
    return new_edge(kind_of_edge, from, to, edge_share, edge_interest, stored_start(valid), stored_end(valid),
                    edge_role, id, prov);
  }
  /// As above, with the dates as stored (kOpenStart / kOpenEnd for an open end).
  std::uint32_t new_edge(EdgeKind kind_of_edge, NodeId from, NodeId to, Percent edge_share,
                         Interest edge_interest, std::int32_t valid_from, std::int32_t valid_to,
                         StringId edge_role, StringId id, ProvId prov) {
    const auto edge = static_cast<std::uint32_t>(source.size());
    source.push_back(from);
    target.push_back(to);
    push_edge_columns(edge, kind_of_edge, edge_share, edge_interest, valid_from, valid_to, edge_role, id, prov);
    if (id != kNoString) set_edge_of(id, edge);
    ++live_edges;
    return edge;
  }
  /// Every column of edge `edge` but its ends (source, target): new_edge's, and commit's other
  /// thread's while one fills the ends of a batch placed in order.
  void push_edge_columns(std::uint32_t edge, EdgeKind kind_of_edge, Percent edge_share, Interest edge_interest,
                         std::int32_t valid_from, std::int32_t valid_to, StringId edge_role, StringId id, ProvId prov) {
    edge_kind.push_back(kind_of_edge);
    share.push_back(edge_share);
    interest.push_back(edge_interest);
    edge_from.push_back(valid_from);
    edge_to.push_back(valid_to);
    role.push_back(edge_role);
    edge_id.push_back(id);
    edge_alive.push_back(1);
    SKG_ASSERT(edge == edge_first_prov.size() && "edges are made in order");
    edge_first_prov.push_back(prov);
  }
  /// Takes back the edge new_edge() just made (it repeated one we have).
  void pop_edge() {
    for (auto* column : {&source, &target}) column->pop_back();
    edge_kind.pop_back();
    share.pop_back();
    interest.pop_back();
    edge_from.pop_back();
    edge_to.pop_back();
    role.pop_back();
    edge_id.pop_back();
    edge_alive.pop_back();
    edge_first_prov.pop_back();
    --live_edges;
  }

  // ---- Records of a party (queries/RULES.md §9.4) ----------------------------------------------
  // A node merged from several records (or reopened from a graph where freeze() merged them)
  // keeps which record gave each attribute, source and edge through its provenance record: a
  // provenance record belongs to the record of id `id` when its record key is that id, or the id
  // is the key namespaced ("ofac-sdn:18715" and the OFAC CSV's record "18715", "lei:X" and
  // GLEIF's "X"). Names and external ids carry the records that state them too, so a record's
  // aliases and other ids go with it while those another record states stay.
  bool belongs(ProvId prov, std::string_view id) const {
    if (index(prov) >= provenance.size()) return false;
    const StringId record = provenance.record(index(prov));
    if (record == kNoString) return false;
    const std::string_view key = strings.view(record);
    if (key == id) return true;
    return id.size() > key.size() + 1 && id.ends_with(key) && id[id.size() - key.size() - 1] == ':';
  }

  using RecordTargets = std::unordered_map<std::uint32_t, detail::BigVector<StringId>>;  // node -> record ids

  /// The live ids of each node of `targets` that are not among its targets: the node's other
  /// records.
  RecordTargets other_records(const RecordTargets& targets) const {
    RecordTargets others;
    for (const auto& [node, stated] : external_ids) {
      const auto found = targets.find(index(node));
      if (found == targets.end() || node_of_id(stated.id) != index(node)) continue;
      if (std::find(found->second.begin(), found->second.end(), stated.id) != found->second.end()) continue;
      auto& ids = others[index(node)];
      if (std::find(ids.begin(), ids.end(), stated.id) == ids.end()) ids.push_back(stated.id);
    }
    return others;
  }

  /// The nodes of `targets` that another record keeps: a live id of the node, not among its
  /// targets, whose record gave the node a source. One pass over the ids and the sources.
  std::unordered_set<std::uint32_t> kept_by_other_records(const RecordTargets& targets) const {
    const RecordTargets others = other_records(targets);
    std::unordered_set<std::uint32_t> out;
    if (others.empty()) return out;
    for (const auto& [node, prov] : node_prov) {
      const auto found = others.find(index(node));
      if (found == others.end() || out.contains(index(node))) continue;
      for (const StringId id : found->second)
        if (belongs(prov, strings.view(id))) {
          out.insert(index(node));
          break;
        }
    }
    return out;
  }

  /// Drops what the records `targets` gave their nodes: the attributes, sources, names and other
  /// ids whose provenance is theirs (a name or id another record also states keeps that
  /// record's item; the targets' own ids stay, a delete clears them itself). With `links` (the
  /// records are deleted, not replaced), also what came with them from their own files and no
  /// other record of the node states: the attributes and sources of those files (an FtM
  /// Sanction's `authorityId` on its entity), and the live edges at those nodes that only such
  /// sources state (the FtM file's Ownership, Family and Sanction links of the deleted record;
  /// the other source's listing stays). A node whose primary name went is noted in
  /// `lost_primary` (its name is cleared; commit() chooses another once the batch is in).
  void drop_record_contributions(const RecordTargets& targets, bool links, detail::BigVector<std::uint32_t>& lost_primary) {
    using Files = std::unordered_set<std::uint32_t>;
    std::unordered_map<std::uint32_t, std::pair<Files, Files>> files;  // node -> (theirs, others')
    auto owned = [&](std::uint32_t node, ProvId prov) {
      const auto found = targets.find(node);
      if (found == targets.end()) return false;
      for (const StringId id : found->second)
        if (belongs(prov, strings.view(id))) return true;
      return false;
    };
    if (links) {
      RecordTargets others = other_records(targets);
      for (const auto& [node, prov] : node_prov) {
        if (!targets.contains(index(node))) continue;
        const std::uint32_t file = index(provenance.source(index(prov)));
        if (owned(index(node), prov)) files[index(node)].first.insert(file);
        for (const StringId id : others[index(node)])
          if (belongs(prov, strings.view(id))) files[index(node)].second.insert(file);
      }
    }
    auto theirs = [&](std::uint32_t node, ProvId prov) {
      if (owned(node, prov)) return true;
      if (!links) return false;
      const auto found = files.find(node);
      if (found == files.end() || index(prov) >= provenance.size()) return false;
      const std::uint32_t file = index(provenance.source(index(prov)));
      return found->second.first.contains(file) && !found->second.second.contains(file);
    };
    std::erase_if(attributes, [&](const auto& item) { return theirs(index(item.first), item.second.source); });
    std::erase_if(node_prov, [&](const auto& item) { return theirs(index(item.first), item.second); });
    drop_stated(targets, theirs, lost_primary);
    if (!links) return;
    std::unordered_map<std::uint32_t, std::pair<bool, bool>> stated;  // edge -> (by them, by another)
    for_each_edge_prov([&](std::uint32_t edge, ProvId prov) {
      if (!edge_alive[edge]) return;
      const auto from = index(source[edge]), to = index(target[edge]);
      if (!targets.contains(from) && !targets.contains(to)) return;
      auto& [by_them, by_other] = stated[edge];
      (theirs(from, prov) || theirs(to, prov) ? by_them : by_other) = true;
    });
    for (const auto& [edge, flags] : stated)
      if (flags.first && !flags.second) {
        edge_alive[edge] = 0;
        --live_edges;
      }
  }

  /// Drops the names and other ids of the nodes of `targets` that `theirs(node, prov)` says their
  /// records gave (the targets' own ids excepted); an id no record of its node states any more
  /// stops finding it, and a node whose primary name no record states any more is noted in
  /// `lost_primary` with its name cleared.
  template <class Theirs>
  void drop_stated(const RecordTargets& targets, Theirs&& theirs, detail::BigVector<std::uint32_t>& lost_primary) {
    std::erase_if(names, [&](const auto& item) { return theirs(index(item.first), item.second.prov); });
    detail::BigVector<std::pair<std::uint32_t, StringId>> dropped;
    std::erase_if(external_ids, [&](const auto& item) {
      const auto found = targets.find(index(item.first));
      if (found == targets.end() || !theirs(index(item.first), item.second.prov)) return false;
      if (std::find(found->second.begin(), found->second.end(), item.second.id) != found->second.end()) return false;
      dropped.emplace_back(index(item.first), item.second.id);
      return true;
    });
    if (!dropped.empty()) {
      std::set<std::pair<std::uint32_t, StringId>> still;  // (node, id) another record states
      for (const auto& [node, stated] : external_ids)
        if (targets.contains(index(node))) still.emplace(index(node), stated.id);
      for (const auto& [node, id] : dropped)
        if (!still.contains({node, id}) && node_of_id(id) == node) node_of[index(id)] = kNone;
    }
    std::unordered_set<std::uint32_t> named;  // target nodes whose primary name some record still states
    for (const auto& [node, stated] : names)
      if (targets.contains(index(node)) && stated.name.text == name[index(node)]) named.insert(index(node));
    for (const auto& [node, ids] : targets)
      if (name[node] != kNoString && !named.contains(node)) {
        name[node] = kNoString;
        lost_primary.push_back(node);
      }
  }

  /// A primary name for each node of `nodes` that has none (its record giving it was deleted or
  /// replaced and the new version gave none), by the rule freeze() merges with (RULES.md §9.1):
  /// the first name stated by the node's best-ranked live id whose record states one, then any
  /// other name (a record this build cannot tell).
  void rechoose_primary(const detail::BigVector<std::uint32_t>& nodes) {
    std::unordered_map<std::uint32_t, detail::BigVector<StringId>> ids_of;
    for (const std::uint32_t node : nodes)
      if (alive[node] && name[node] == kNoString) ids_of.try_emplace(node);
    if (ids_of.empty()) return;
    for (const auto& [node, stated] : external_ids) {
      const auto found = ids_of.find(index(node));
      if (found != ids_of.end() && node_of_id(stated.id) == index(node) &&
          std::find(found->second.begin(), found->second.end(), stated.id) == found->second.end())
        found->second.push_back(stated.id);
    }
    // Best first: the rank of the id (as freeze() ranks a merged party's records), then its text.
    for (auto& [node, ids] : ids_of)
      std::sort(ids.begin(), ids.end(), [&](StringId a, StringId b) {
        const std::string_view x = strings.view(a), y = strings.view(b);
        return id_rank(x) != id_rank(y) ? id_rank(x) < id_rank(y) : x < y;
      });
    std::unordered_map<std::uint32_t, std::size_t> best_rank;  // node -> position of the best id with a name
    for (const auto& [node, stated] : names) {
      const auto found = ids_of.find(index(node));
      if (found == ids_of.end()) continue;
      std::size_t rank = found->second.size();  // no id's record: after every id
      for (std::size_t at = 0; at < found->second.size() && rank == found->second.size(); ++at)
        if (belongs(stated.prov, strings.view(found->second[at]))) rank = at;
      const auto [best, added] = best_rank.try_emplace(index(node), rank);
      if (added || rank < best->second) {
        best->second = rank;
        name[index(node)] = stated.name.text;  // the first name of the best record so far
      }
    }
  }

  // record_fact(): per attribute key, record id -> its greatest value; built on first use after
  // a commit (a load asks for one or two keys, record after record).
  struct Facts {
    std::unordered_map<std::uint32_t, StringId> node_fact, edge_fact;  // id string -> value
  };
  std::unordered_map<std::uint32_t, Facts> facts;  // attribute key -> its facts
  bool facts_built = false;

  /// The first own id of every node (its canonical id as a single record), kNoString if none.
  detail::BigVector<StringId> own_ids() const {
    detail::BigVector<StringId> out(kind.size(), kNoString);
    for (const auto& [node, stated] : external_ids)
      if (out[index(node)] == kNoString && node_of_id(stated.id) == index(node)) out[index(node)] = stated.id;
    return out;
  }

  /// Cross-source identity: for each node, the node its merged party is kept as (itself when it
  /// shares no strong identifier with another live party). Empty when nothing merges. Folds the
  /// members' kind, name and dates into the kept node. `conflicts` counts identifiers that would
  /// have joined parties of incompatible kinds (a person and a vessel): those stay apart.
  detail::BigVector<std::uint32_t> resolve_identities(const detail::BigVector<StringId>& own, std::size_t& conflicts) {
    conflicts = 0;
    const auto nodes = static_cast<std::uint32_t>(kind.size());
    std::optional<StringId> key_ids[kIdSchemeCount];
    bool any_key = false;
    for (int scheme = 0; scheme < kIdSchemeCount; ++scheme) {
      key_ids[scheme] = strings.find(attribute_key(static_cast<IdScheme>(scheme)));
      any_key = any_key || key_ids[scheme].has_value();
    }
    detail::BigVector<std::uint32_t> parent;
    detail::BigVector<NodeKind> set_kind;
    detail::BigVector<std::uint32_t> set_size;
    std::size_t unions = 0;
    auto find = [&](std::uint32_t node) {
      while (parent[node] != node) node = parent[node] = parent[parent[node]];
      return node;
    };
    // (scheme + value, node) pairs: the texts go into one arena and are sorted as views, since
    // sorting the pairs with their own strings moved every string again and again (a tenth of
    // the instructions of a load of every real list).
    std::string arena;
    struct Collected {
      std::size_t offset;
      std::uint32_t size, node;
    };
    detail::BigVector<Collected> collected;
    auto collect = [&](std::uint32_t node, IdScheme scheme, std::string_view value) {
      if (!alive[node] || !is_party(kind[node])) return;
      const auto normal = normalise_identifier(scheme, value);
      if (!normal) return;
      collected.push_back({arena.size(), static_cast<std::uint32_t>(normal->size() + 1), node});
      arena += static_cast<char>('0' + static_cast<int>(scheme));
      arena += *normal;
    };
    // Each value's group (equal texts stand together once sorted) is merged into its first node.
    auto note = [&](std::uint32_t first, std::uint32_t node) {
      if (parent.empty()) {
        parent.resize(nodes);
        std::iota(parent.begin(), parent.end(), 0u);
        set_kind.assign(kind.begin(), kind.end());
        set_size.assign(nodes, 1);
      }
      const std::uint32_t a = find(first), b = find(node);
      if (a == b) return;
      // An identifier that would put a person with a vessel, or join more records than one
      // party has (a placeholder value repeated by a source), identifies nobody: unused.
      if (!kinds_compatible(set_kind[a], set_kind[b]) || set_size[a] + set_size[b] > kMostRecordsPerParty) {
        ++conflicts;
        return;
      }
      const std::uint32_t low = std::min(a, b), high = std::max(a, b);
      parent[high] = low;
      set_size[low] += set_size[high];
      if (set_kind[low] == NodeKind::LegalEntity) set_kind[low] = set_kind[high];
      ++unions;
    };
    if (any_key) {
      for (const auto& [node, attribute] : attributes) {
        for (int scheme = 0; scheme < kIdSchemeCount; ++scheme) {
          if (key_ids[scheme] != attribute.key) continue;
          collect(index(node), static_cast<IdScheme>(scheme), strings.view(attribute.value));
          break;
        }
      }
    }
    for (const auto& [node, stated] : external_ids) {
      if (node_of_id(stated.id) != index(node)) continue;
      if (const auto implied = identifier_of_id(strings.view(stated.id)))
        collect(index(node), implied->first, implied->second);
    }
    {
      detail::BigVector<std::pair<std::string_view, std::uint32_t>> stated;  // (scheme + value, node)
      stated.reserve(collected.size());
      for (const Collected& item : collected) stated.emplace_back(std::string_view(arena).substr(item.offset, item.size), item.node);
      detail::BigVector<Collected>().swap(collected);
      std::sort(stated.begin(), stated.end());
      stated.erase(std::unique(stated.begin(), stated.end()), stated.end());
      // A value whose records disagree on another scheme (two of them carry OFSI group ids, OFAC
      // uids... with nothing in common) does not say which of them it identifies: it merges
      // nothing (RULES.md §9.1; the OFSI list of 2018 writes "UN Ref KPe.023" on six different
      // groups). Decided per value, so the result does not depend on the order of the records.
      // Each node's values, in CSR form (node -> positions in `stated`).
      detail::BigVector<std::uint32_t> values_at(nodes + 1, 0), values(stated.size());
      for (const auto& item : stated) ++values_at[item.second + 1];
      std::partial_sum(values_at.begin(), values_at.end(), values_at.begin());
      place_by_offsets(values_at, [&](std::uint32_t* cursor) {
        for (std::uint32_t at = 0; at < stated.size(); ++at) values[cursor[stated[at].second]++] = at;
      });
      auto disjoint = [&](std::uint32_t a, std::uint32_t b, char scheme) {
        bool any_a = false, any_b = false;
        for (std::uint32_t x = values_at[a]; x < values_at[a + 1]; ++x) {
          const std::string_view text_a = stated[values[x]].first;
          if (text_a[0] != scheme) continue;
          any_a = true;
          for (std::uint32_t y = values_at[b]; y < values_at[b + 1]; ++y)
            if (stated[values[y]].first == text_a) return false;
        }
        for (std::uint32_t y = values_at[b]; y < values_at[b + 1]; ++y) any_b = any_b || stated[values[y]].first[0] == scheme;
        return any_a && any_b;
      };
      for (std::size_t at = 0; at < stated.size();) {
        std::size_t end = at;
        while (end < stated.size() && stated[end].first == stated[at].first) ++end;
        // A value on more than kMostRecordsPerParty records is a placeholder (RULES.md §9.1): it
        // merges nothing at all (the pairs are distinct, so the group's size counts its records).
        if (end - at > 1 && end - at <= kMostRecordsPerParty) {
          bool ambiguous = false;
          for (std::size_t x = at; x < end && !ambiguous; ++x)
            for (std::size_t y = x + 1; y < end && !ambiguous; ++y)
              for (int scheme = 0; scheme < kIdSchemeCount && !ambiguous; ++scheme) {
                const char code = static_cast<char>('0' + scheme);
                ambiguous = code != stated[at].first[0] && disjoint(stated[x].second, stated[y].second, code);
              }
          if (ambiguous) ++conflicts;
          else
            for (std::size_t item = at + 1; item < end; ++item) note(stated[at].second, stated[item].second);
        }
        at = end;
      }
    }
    if (unions == 0) return {};

    // The kept node of each set: the member with the best-ranked own id (order-independent).
    detail::BigVector<std::uint32_t> kept(nodes);
    for (std::uint32_t node = 0; node < nodes; ++node) kept[node] = node;
    auto better = [&](std::uint32_t a, std::uint32_t b) {
      const std::string_view x = own[a] == kNoString ? std::string_view() : strings.view(own[a]);
      const std::string_view y = own[b] == kNoString ? std::string_view() : strings.view(own[b]);
      const int rank_x = id_rank(x), rank_y = id_rank(y);
      if (rank_x != rank_y) return rank_x < rank_y;
      return x != y ? x < y : a < b;
    };
    detail::BigVector<std::uint32_t> best(nodes, State::kNone);
    for (std::uint32_t node = 0; node < nodes; ++node) {
      const std::uint32_t root = find(node);
      if (best[root] == State::kNone || better(node, best[root])) best[root] = node;
    }
    detail::BigVector<std::uint32_t> members;
    for (std::uint32_t node = 0; node < nodes; ++node) {
      kept[node] = best[find(node)];
      if (kept[node] != node) members.push_back(node);
    }
    // Fold the members into the kept node, best-ranked first, so the result does not depend on
    // which record arrived first.
    std::sort(members.begin(), members.end(), better);
    for (const std::uint32_t member : members) {
      const std::uint32_t into = kept[member];
      if (kind[into] == NodeKind::LegalEntity) kind[into] = kind[member];
      if (name[into] == kNoString) name[into] = name[member];
      if (valid_from[into] == kOpenStart && valid_to[into] == kOpenEnd) {
        valid_from[into] = valid_from[member];
        valid_to[into] = valid_to[member];
      }
    }
    return kept;
  }
};

Builder::Builder() : state_(std::make_unique<State>()) {}

Batch::Batch(Builder& builder) {
  Builder::State& state = *builder.state_;
  if (state.batch_open) throw Error("this builder already has an open batch: commit or drop it first");
  state.batch_open = true;
  binding_.pool = &state.strings;
  binding_.open = &state.batch_open;
  binding_.start = state.strings.size();
}

Builder::Builder(Builder&&) noexcept = default;
Builder& Builder::operator=(Builder&&) noexcept = default;
Builder::~Builder() = default;

std::size_t Builder::entity_count() const noexcept { return state_->live_nodes; }

void Builder::reserve_records(std::size_t nodes, std::size_t edges) {
  State& s = *state_;
  const std::size_t all_nodes = s.kind.size() + nodes, all_edges = s.source.size() + edges;
  for (auto* column : {&s.valid_from, &s.valid_to}) column->reserve(all_nodes);
  s.kind.reserve(all_nodes);
  s.name.reserve(all_nodes);
  s.alive.reserve(all_nodes);
  s.names.reserve(s.names.size() + nodes);
  s.node_prov.reserve(s.node_prov.size() + nodes);
  s.external_ids.reserve(s.external_ids.size() + nodes);
  s.provenance.reserve(s.provenance.size() + nodes + edges);
  s.source.reserve(all_edges);
  s.target.reserve(all_edges);
  s.edge_kind.reserve(all_edges);
  s.share.reserve(all_edges);
  s.interest.reserve(all_edges);
  s.edge_id.reserve(all_edges);
  s.edge_alive.reserve(all_edges);
  s.edge_first_prov.reserve(all_edges);
}

void Builder::reserve(std::size_t strings, std::size_t chars) {
  state_->strings.reserve(strings, chars);
  state_->node_of.reserve(state_->strings.size() + strings);
  // Edge ids (an FtM Ownership's) are pool strings too: without room, edge_of doubled as they
  // came, each time a copy into fresh pages. Room never filled costs address space only.
  state_->edge_of.reserve(state_->strings.size() + strings);
}
std::size_t Builder::edge_count() const noexcept { return state_->live_edges; }

bool Builder::contains(std::string_view id) const noexcept {
  const auto global = state_->strings.find(id);
  return global && state_->live_node(*global);
}

bool Builder::same_entity(std::string_view a, std::string_view b) const noexcept {
  const auto first = state_->strings.find(a), second = state_->strings.find(b);
  if (!first || !second) return false;
  const auto node = state_->live_node(*first);
  return node && node == state_->live_node(*second);
}

bool Builder::contains_edge(std::string_view id) const noexcept {
  const auto global = state_->strings.find(id);
  return global && state_->live_edge(*global);
}

void Builder::add_entity(const EntityRecord& record) {
  Batch batch;
  batch.add_entity(record);
  commit(std::move(batch));
}

void Builder::add_edge(const EdgeRecord& record) {
  Batch batch;
  batch.add_edge(record);
  commit(std::move(batch));
}

void Builder::add_action(const ActionRecord& record) {
  Batch batch;
  batch.add_action(record);
  commit(std::move(batch));
}

// ---------------------------------------------------------------------------------------------
// Commit: validate everything first (nothing changes), then apply (nothing can fail but memory).

void Builder::commit(Batch&& batch) {
  State& s = *state_;
  batch.faulter_.reset();  // its requests done: commit frees the batch's columns as it goes
  const bool bound = batch.binding_.pool == &s.strings;
  if (!bound && (batch.binding_.pool != nullptr || s.batch_open))
    throw Error(batch.binding_.pool != nullptr ? "this batch was made for another builder"
                                               : "this builder has an open batch: commit it first");
  const std::size_t strings_before = bound ? batch.binding_.start : s.strings.size();

  // Intern every string once (a bound batch did so as it went); a failed check below truncates
  // the pool back, so a failed commit leaves the builder exactly as it was.
  std::vector<StringId> global;
  if (!bound) {
    const detail::StringArena& staged = batch.strings_;
    global = s.strings.intern_all(staged);
  }
  auto G = [&](StringId id) __attribute__((always_inline)) { return bound || id == kNoString ? id : global[index(id)]; };
  auto text = [&](StringId id) { return id == kNoString ? std::string_view() : batch.text(id); };
  auto fail = [&](std::uint32_t source, std::string reason) {
    const Batch::LocalSource& at = batch.sources_[source];
    std::string message = fmt::format("{}: {}", where(text(at.source), text(at.record), at.line), reason);
    batch.binding_.release(false);
    s.strings.truncate(strings_before);
    throw Error(std::move(message));
  };

  // What each id names: a live node of the builder (and not removed by this batch), or a record
  // of this batch.
  detail::FlatMap removed, defined, removed_nodes;
  for (const auto& removal : batch.removals_) {
    const StringId id = G(removal.id);
    if (!s.live_node(id) && !s.live_edge(id))
      fail(removal.source, fmt::format("cannot remove '{}': no entity or edge has that id", text(removal.id)));
    removed.set(index(id), 1);
    if (const auto node = s.live_node(id)) removed_nodes.set(index(*node), 1);
  }
  // A record replaced by a later version (an FtM delta's MOD) frees its other ids as a removal
  // does: the new version, or another record of the batch, may state them.
  for (const auto& replacement : batch.replacements_)
    if (const auto node = s.live_node(G(replacement.id))) removed_nodes.set(index(*node), 1);
  // A bound batch already keeps this set as a bit per pool id (Batch::defined_), a table small
  // enough to stay cached while a bulk load's millions of edge ends are checked against it.
  if (!bound) {
    for (const auto& entity : batch.entities_) defined.set(index(G(entity.id)), 1);
    for (const auto& action : batch.actions_) defined.set(index(G(action.id)), 1);
  }
  auto is_defined = [&](StringId id) {
    if (!bound) return defined.find(index(id)).has_value();
    return index(id) < batch.defined_.size() && batch.defined_[index(id)];
  };
  auto resolves = [&](StringId local_id) {
    const StringId id = G(local_id);
    return is_defined(id) || (s.live_node(id) && !removed.find(index(id)));
  };
  auto require = [&](StringId id, std::uint32_t source, std::string_view what) {
    if (id == kNoString) fail(source, fmt::format("{} has no id", what));
    if (!resolves(id))
      fail(source, fmt::format("{} refers to '{}', which no entity has as its id", what, text(id)));
  };
  for (std::size_t at = 0; at < batch.external_ids_.size(); ++at) {
    const auto [entity, other] = batch.external_ids_[at];
    const std::uint32_t source = batch.external_id_sources_[at];
    require(entity, source, "an external id");
    const StringId other_id = G(other);
    if (is_defined(other_id))
      fail(source, fmt::format("'{}' is both an entity of this batch and another id of '{}'",
                               text(other), text(entity)));
    const auto other_node = s.live_node(other_id);
    // An id of a node this batch removes is free to name another entity (an FtM delta that
    // replaces a record and adds another carrying its old referents).
    if (other_node && !removed.find(index(other_id)) && !removed_nodes.find(index(*other_node))) {
      const auto entity_node = s.live_node(G(entity));
      if (!entity_node || *entity_node != *other_node)
        fail(source, fmt::format("'{}' already names another entity than '{}'", text(other),
                                 text(entity)));
    }
  }
  // A record's names and facts come one after another: an entity that resolved for the item
  // before is not looked up again (the same id resolves the same way within the checks).
  StringId resolved = kNoString;
  for (const auto& name : batch.names_) {
    if (name.entity == resolved) continue;
    require(name.entity, name.source, "a name");
    resolved = name.entity;
  }
  for (const auto& attribute : batch.attributes_) {
    if (attribute.entity == resolved) continue;
    require(attribute.entity, attribute.source, "an attribute");
    resolved = attribute.entity;
  }
  for (const auto& edge : batch.edges_) {
    if (edge.from == kNoString || edge.to == kNoString || !resolves(edge.from) || !resolves(edge.to)) {
      const std::string what = fmt::format("a {} edge", to_string(edge.kind));
      require(edge.from, edge.source, what);
      require(edge.to, edge.source, what);
    }
  }
  {
    // An action's id must name an action, or nothing yet: the details of a listing are kept
    // for Action nodes only.
    // `entity_ids` holds the entities' ids that are also actions' ids (those are all the
    // lookups below ask about), found through a table of the actions' ids: a table of every
    // entity's id (1M at 1M entities, against 20,000 actions) was written at random places of
    // 16 MiB of fresh memory, 7% of the page faults of a 1M-entity skg-csv load. The table is
    // sized once: grown from 16 slots by doubling, it was 3% of an OFAC CSV load.
    detail::FlatMap entity_ids;
    if (!batch.actions_.empty()) {
      detail::FlatMap action_ids;
      action_ids.reserve(batch.actions_.size());
      for (const auto& action : batch.actions_) action_ids.set(index(G(action.id)), 1);
      for (const auto& entity : batch.entities_)
        if (const std::uint32_t id = index(G(entity.id)); action_ids.find(id)) entity_ids.set(id, 1);
    }
    for (const auto& action : batch.actions_) {
      if (action.target != kNoString) require(action.target, action.source, "an action");
      const auto node = s.live_node(G(action.id));
      if ((node && !s.action_of.find(index(*node))) || entity_ids.find(index(G(action.id))))
        fail(action.source, fmt::format("action '{}' has the id of an entity that is not an action", text(action.id)));
    }
  }
  for (const auto& attribute : batch.edge_attributes_)
    if (attribute.edge >= batch.edges_.size()) {
      batch.binding_.release(false);
      s.strings.truncate(strings_before);
      throw Error("an edge attribute refers to no edge of its batch");
    }
  if (s.kind.size() + batch.entities_.size() + 2 * batch.actions_.size() >= index(kNoNode) ||
      s.source.size() + batch.edges_.size() + 2 * batch.actions_.size() >= index(kNoEdge)) {
    batch.binding_.release(false);
    s.strings.truncate(strings_before);
    throw Error("the graph would exceed 4 billion nodes or edges");
  }
  {
    // Names, attributes, sources and external ids are found through 32-bit offsets and ids:
    // past 2^32 - 1 items they would wrap silently, so the batch is refused before it lands.
    const std::size_t actions = batch.actions_.size(), entities = batch.entities_.size();
    const std::pair<std::string_view, std::uint64_t> columns[] = {
        {"provenance records", s.provenance.size() + batch.sources_.size()},
        {"names", s.names.size() + batch.names_.size() + entities + actions},
        {"attributes", s.attributes.size() + batch.attributes_.size()},
        {"node sources", s.node_prov.size() + entities + batch.external_ids_.size() + actions},
        {"external ids", s.external_ids.size() + entities + batch.external_ids_.size() + 2 * actions},
        {"edge sources", s.edge_first_prov.size() + s.edge_more_prov.size() + batch.edges_.size() + 2 * actions},
        {"edge attributes", s.edge_attributes.size() + batch.edge_attributes_.size()},
    };
    for (const auto& [what, count] : columns) {
      if (count <= detail::item_limit) continue;
      batch.binding_.release(false);
      s.strings.truncate(strings_before);
      throw Error(fmt::format("the graph would hold {} {}, more than the {} that 32-bit offsets can address; "
                              "nothing of this batch was added",
                              count, what, detail::item_limit));
    }
  }

  // Apply: from here on nothing fails but memory.
  batch.binding_.release(false);  // the batch's strings now belong to the builder for good
  auto g = G;
  {
    // Room for the whole batch at once: one copy of each column instead of a regrowth (a copy
    // and fresh pages to fault in) every time it doubles.
    const std::size_t entities = batch.entities_.size(), actions = batch.actions_.size();
    const std::size_t nodes = s.kind.size() + entities + 2 * actions, edges = s.source.size() + batch.edges_.size() + 2 * actions;
    for (auto* column : {&s.valid_from, &s.valid_to}) grow_for(*column, nodes);
    grow_for(s.kind, nodes);
    grow_for(s.name, nodes);
    grow_for(s.alive, nodes);
    grow_for(s.names, s.names.size() + batch.names_.size() + entities + actions);
    grow_for(s.attributes, s.attributes.size() + batch.attributes_.size());
    grow_for(s.node_prov, s.node_prov.size() + entities + batch.external_ids_.size() + actions);
    grow_for(s.external_ids, s.external_ids.size() + entities + batch.external_ids_.size() + 2 * actions);
    for (auto* column : {&s.source, &s.target}) grow_for(*column, edges);
    grow_for(s.edge_kind, edges);
    grow_for(s.share, edges);
    grow_for(s.interest, edges);
    // The dates and roles: the batch's edges that have any are its edge extras.
    s.edge_from.grow_for_set(batch.edge_extras_.size() + 2 * actions);
    s.edge_to.grow_for_set(batch.edge_extras_.size() + 2 * actions);
    s.role.grow_for_set(batch.edge_extras_.size());
    grow_for(s.edge_id, edges);
    grow_for(s.edge_alive, edges);
    grow_for(s.edge_first_prov, edges);
    grow_for(s.edge_attributes, s.edge_attributes.size() + batch.edge_attributes_.size());
  }
  // A large batch's entities fill the node columns from their ends into fresh pages, which this
  // thread used to wait on, one kernel zeroing a page, while the other core idled (half of the
  // node loop below at 10M skg-csv entities: 0.76 of 1.5 s). A helper thread faults them in
  // ahead, from here on (the batch's files and sources come first), a slice of every column at a
  // time in the order the loop reaches them; then what the actions, names and facts write after
  // the nodes: edge_of (filled whole at the first edge id, a TARGET_OF's), the first pages of each
  // edge column (the actions' edges come first), the names and the attributes. That part runs
  // on one core too: at 1M FtM the actions' 40K edges waited some 75 ms on those pages (perf).
  // The batch's own edges are left to the two edge tasks below, which hand the batch's pages back
  // as they go: faulted in ahead, the builder's edge columns and the batch's were held at once
  // (1M FtM, 10 interleaved rounds: 1.577 s median without the actions' pages, 1.505 s with
  // them, 1.486 s with every edge's, its peak RSS 463 -> 500 MiB).
  std::unique_ptr<detail::PageFaulter> faulter;
  if (batch.entities_.size() >= kFaultAheadEntities) {
    try {
      faulter = std::make_unique<detail::PageFaulter>();
    } catch (const std::system_error&) {
      // no thread to be had: the loops fault their pages in themselves
    }
  }
  if (faulter) {
    s.fault_in_nodes(*faulter, batch.entities_.size());
    const auto ask = [&](const auto& column, std::size_t count) { State::fault_in_room(*faulter, column, count); };
    if (s.edge_of.size() < s.strings.size()) ask(s.edge_of, s.strings.size() - s.edge_of.size());
    const std::size_t action_edges = 2 * batch.actions_.size();  // each one's TARGET_OF and ISSUED_BY
    for (auto* column : {&s.source, &s.target}) ask(*column, action_edges);
    ask(s.edge_kind, action_edges);
    ask(s.share, action_edges);
    ask(s.interest, action_edges);
    ask(s.edge_id, action_edges);
    ask(s.edge_alive, action_edges);
    ask(s.edge_first_prov, action_edges);
    ask(s.names, batch.names_.size());
    ask(s.attributes, batch.attributes_.size());
  }
  // A batch from a file the builder has read before: merge what repeats (see State). The
  // batch's files, each time the file changes, are checked before any of them is noted as read.
  detail::BigVector<std::uint32_t> batch_files;
  {
    std::uint32_t last_file = index(kNoString);
    for (const auto& run : batch.sources_.file_runs()) {
      const std::uint32_t file = index(g(run.second));
      if (file == last_file) continue;
      last_file = file;
      batch_files.push_back(file);
    }
    for (const std::uint32_t file : batch_files)
      if (!batch.continues_read_ && s.files.contains(file)) s.index_file(file);
    s.files.insert(batch_files.begin(), batch_files.end());
  }
  // Each batch source is one provenance record, at its position after the builder's, unless a
  // file of the batch merges its repeats: then `prov_at` says where each one landed. A builder
  // with no provenance yet (a one-shot load) takes the batch's column itself, which was a copy
  // into 48 MB of fresh pages and a 16 MB `prov_at` at 1M entities and 3M edges.
  const bool merge_sources =
      s.merging_repeats && std::any_of(batch_files.begin(), batch_files.end(),
                                       [&](std::uint32_t file) { return s.indexed_files.contains(file); });
  const auto prov_base = static_cast<std::uint32_t>(s.provenance.size());
  detail::BigVector<std::uint32_t> prov_at;
  if (merge_sources) {
    grow_for(s.provenance, s.provenance.size() + batch.sources_.size());
    prov_at = fresh_vector<std::uint32_t>(batch.sources_.size());
    for (std::size_t at = 0; at < batch.sources_.size(); ++at) {
      const Batch::LocalSource& source = batch.sources_[at];
      const Provenance record{g(source.source), g(source.record), source.line};
      const auto next = static_cast<std::uint32_t>(s.provenance.size());
      if (s.indexed_files.contains(index(record.source))) {
        const auto [found, added] = s.prov_index.try_emplace(State::prov_key(record), next);
        prov_at[at] = found->second;
        if (!added) continue;
      } else {
        prov_at[at] = next;
      }
      s.provenance.push_back(record);
    }
  } else {
    if (!bound)
      batch.sources_.map_ids(g);
    if (s.provenance.empty()) {
      s.provenance = std::move(batch.sources_);
      // The batch's room past its last source is kept as address space only: pages a loader's
      // fault_in_ahead() touched there are handed back (they were ~8 MiB of a 1M FtM load's peak).
      const detail::ColumnRoom room = s.provenance.room();
      release_pages(room.used_end, static_cast<std::size_t>(static_cast<const char*>(room.room_end) -
                                                            static_cast<const char*>(room.used_end)));
    } else {
      grow_for(s.provenance, s.provenance.size() + batch.sources_.size());
      for (std::size_t at = 0; at < batch.sources_.size(); ++at) s.provenance.push_back(batch.sources_[at]);
    }
  }
  auto prov = [&](std::uint32_t source) { return ProvId{merge_sources ? prov_at[source] : prov_base + source}; };
  // The batch is used up: each of its columns is freed once applied, so that the builder's
  // columns grow into that memory (a large load's peak is the batch and the builder together).
  const auto release = [](auto& column) { std::remove_reference_t<decltype(column)>().swap(column); };
  release(batch.sources_);

  // An entity removed and defined again by the same batch is replaced in place (an FtM delta's
  // MOD): it keeps its node and its links, which are records of their own in FtM, and loses
  // every name, fact and source of its earlier version.
  // Records of a shared party (RULES.md §9.4): removing or replacing one record of a party that
  // other records keep (a node freeze() merged, reopened with Builder(const Graph&)) drops that
  // record's contribution only; the party goes with its last record.
  s.facts_built = false;
  State::RecordTargets record_targets;
  for (const auto* list : {&batch.removals_, &batch.replacements_})
    for (const auto& item : *list)
      if (const auto node = s.live_node(g(item.id))) record_targets[index(*node)].push_back(g(item.id));
  std::unordered_set<std::uint32_t> shared;
  if (!record_targets.empty()) shared = s.kept_by_other_records(record_targets);
  State::RecordTargets drop_with_links, drop_facts;

  detail::BigVector<std::uint8_t> replaced;
  for (const auto& removal : batch.removals_) {
    const StringId id = g(removal.id);
    if (auto node = s.live_node(id)) {
      const auto at = index(*node);
      if (shared.contains(at)) {
        // is_defined, not `defined`: a batch made for the builder (every load) keeps the ids it
        // defines as bits, and `defined` is empty; a MOD of one record of a merged party must
        // not be taken for a DEL, which would split that record off the party.
        if (is_defined(id)) {
          drop_facts[at].push_back(id);  // a MOD: the record comes again below
        } else {
          drop_with_links[at].push_back(id);  // a DEL: its id goes with it
          s.node_of[index(id)] = State::kNone;
        }
        continue;
      }
      if (is_defined(id)) {  // `defined` is empty for a bound batch (every load)
        if (replaced.empty()) replaced.assign(s.kind.size(), 0);
        replaced[at] = 1;
        drop_facts[at].push_back(id);  // its other ids (its names go below)
        s.kind[at] = NodeKind::LegalEntity;
        s.name[at] = kNoString;
        s.valid_from[at] = kOpenStart;
        s.valid_to[at] = kOpenEnd;
        if (auto action = s.action_of.find(at)) s.actions[*action].second = Action{};
        continue;
      }
      s.alive[at] = 0;
      --s.live_nodes;
    } else if (auto edge = s.live_edge(id)) {
      s.edge_alive[*edge] = 0;
      --s.live_edges;
    }
  }
  if (!replaced.empty()) {
    auto keep = [&](const auto& item) { return replaced[index(item.first)] == 0; };
    std::erase_if(s.names, [&](const auto& item) { return !keep(item); });
    std::erase_if(s.attributes, [&](const auto& item) { return !keep(item); });
    std::erase_if(s.node_prov, [&](const auto& item) { return !keep(item); });
  }
  // Replacements (Batch::replace; RULES.md §9.4): an edge is replaced whole; an entity loses what
  // its record gave (facts, sources, names, other ids), and, when no other record keeps it, its
  // kind and dates, which the new version states again. Its node stays, and so do the links that
  // are records of their own (an FtM Ownership, Directorship or Sanction) and what other records
  // gave a merged party. A replaced listing (an FtM Sanction) also loses its details, TARGET_OF
  // and ISSUED_BY links, which the new version states again.
  detail::BigVector<std::uint8_t> fresh_actions;  // by node: a replaced action, taken as new below
  {
    detail::BigVector<std::uint8_t> renamed;
    for (const auto& replacement : batch.replacements_) {
      const StringId id = g(replacement.id);
      if (auto node = s.live_node(id)) {
        const auto at = index(*node);
        drop_facts[at].push_back(id);
        if (shared.contains(at) || !is_defined(id)) continue;  // `defined` is empty for a bound batch
        if (renamed.empty()) renamed.assign(s.kind.size(), 0);
        renamed[at] = 1;
        s.kind[at] = NodeKind::LegalEntity;
        s.name[at] = kNoString;
        s.valid_from[at] = kOpenStart;
        s.valid_to[at] = kOpenEnd;
        if (auto action = s.action_of.find(at)) {
          s.actions[*action].second = Action{};
          if (fresh_actions.empty()) fresh_actions.assign(s.kind.size(), 0);
          fresh_actions[at] = 1;
        }
      } else if (auto edge = s.live_edge(id)) {
        s.edge_alive[*edge] = 0;
        --s.live_edges;
      }
    }
    if (!renamed.empty()) std::erase_if(s.names, [&](const auto& item) { return renamed[index(item.first)] != 0; });
    if (!renamed.empty() && !fresh_actions.empty()) {
      // A replaced listing's targets and authority: the new version states them again.
      for (std::uint32_t edge = 0; edge < s.source.size(); ++edge) {
        if (!s.edge_alive[edge]) continue;
        const auto from = index(s.source[edge]), to = index(s.target[edge]);
        if ((s.edge_kind[edge] == EdgeKind::TargetOf && to < fresh_actions.size() && fresh_actions[to] != 0) ||
            (s.edge_kind[edge] == EdgeKind::IssuedBy && from < fresh_actions.size() && fresh_actions[from] != 0)) {
          s.edge_alive[edge] = 0;
          --s.live_edges;
        }
      }
    }
  }
  detail::BigVector<std::uint32_t> lost_primary;  // nodes whose primary name went with a record
  if (!drop_facts.empty()) s.drop_record_contributions(drop_facts, false, lost_primary);
  if (!drop_with_links.empty()) s.drop_record_contributions(drop_with_links, true, lost_primary);
  for (const auto& entity : batch.entities_)
    s.merge_node(g(entity.id), entity.kind, g(entity.name), entity.valid_from, entity.valid_to, prov(entity.source));
  release(batch.entities_);
  for (std::size_t at = 0; at < batch.external_ids_.size(); ++at) {
    const NodeId node = *s.live_node(g(batch.external_ids_[at].first));
    const StringId other = g(batch.external_ids_[at].second);
    const ProvId source = prov(batch.external_id_sources_[at]);
    if (s.live_node(other) != node) s.set_node_of(other, node);
    s.external_ids.emplace_back(node, State::StatedId{other, source});  // each record that states it
    s.node_prov.emplace_back(node, source);
  }

  std::string caption, scratch;  // reused for every action: texts built here are interned at once
  // A load's actions share a few authorities, lists and programs: each caption and authority id
  // is built and interned once per distinct value (the first time, so the pool's order is the
  // same), not once per action. Captions by (authority, list, program).
  struct CaptionKey {
    std::uint32_t authority, list, program;
    bool operator==(const CaptionKey&) const = default;
  };
  struct CaptionHash {
    std::size_t operator()(const CaptionKey& key) const noexcept {
      return std::hash<std::uint64_t>()((std::uint64_t{key.authority} << 32 | key.list) * 0x9E3779B97F4A7C15ull ^ key.program);
    }
  };
  std::unordered_map<CaptionKey, StringId, CaptionHash> caption_of;
  StringId last_authority = kNoString, last_authority_id = kNoString;
  // Each TARGET_OF edge id is new: its text is built one action ahead and its table slot
  // prefetched, so that its first probe does not wait on a cache miss.
  std::string target_of_ids[2];
  std::uint64_t target_of_hashes[2] = {0, 0};  // each id hashed once, for its prefetch and intern
  const auto build_target_of = [&](std::size_t at) {
    const auto& record = batch.actions_[at];
    if (record.target == kNoString) return;
    std::string& out = target_of_ids[at % 2];
    out.assign("target_of:");
    out += s.strings.view(g(record.target));
    out += '>';
    out += s.strings.view(g(record.id));
    target_of_hashes[at % 2] = s.strings.prefetch_hashed(out);
  };
  if (!batch.actions_.empty()) build_target_of(0);
  for (std::size_t action_at = 0; action_at < batch.actions_.size(); ++action_at) {
    const auto& record = batch.actions_[action_at];
    if (action_at + 1 < batch.actions_.size()) build_target_of(action_at + 1);
    Action action = record.action;
    for (StringId* field : {&action.authority, &action.list, &action.program, &action.legal_basis,
                            &action.measures, &action.citation})
      *field = g(*field);
    const StringId id = g(record.id);
    const auto live = s.live_node(id);
    // A listing replaced by this batch (fresh_actions) takes its details and authority anew.
    const bool is_new = !live || (index(*live) < fresh_actions.size() && fresh_actions[index(*live)] != 0);
    const auto cached_caption =
        caption_of.try_emplace(CaptionKey{index(action.authority), index(action.list), index(action.program)}, kNoString);
    if (cached_caption.second) {
      caption.assign(action.authority == kNoString ? std::string_view() : s.strings.view(action.authority));
      for (StringId part : {action.list, action.program}) {
        if (part == kNoString) continue;
        if (!caption.empty()) caption += ' ';
        caption += s.strings.view(part);
      }
      cached_caption.first->second = s.strings.intern(caption);
    }
    const NodeId node = s.merge_node(id, NodeKind::Action, cached_caption.first->second, action.in_force,
                                     prov(record.source));
    if (is_new) {
      if (const auto held = s.action_of.find(index(node)); held && live) {
        s.actions[*held].second = action;
        fresh_actions[index(node)] = 0;  // its further records merge as usual
      } else {
        s.action_of.set(index(node), static_cast<std::uint32_t>(s.actions.size()));
        s.actions.emplace_back(node, action);
      }
      if (action.authority != kNoString) {
        if (action.authority != last_authority) {
          scratch.assign("authority:");
          scratch += s.strings.view(action.authority);
          last_authority = action.authority;
          last_authority_id = s.strings.intern(scratch);
        }
        const StringId authority_id = last_authority_id;
        const auto existing = s.live_node(authority_id);
        const NodeId authority =
            existing ? *existing
                     : s.new_node(authority_id, NodeKind::Authority, action.authority, {}, prov(record.source));
        s.new_edge(EdgeKind::IssuedBy, node, authority, {}, Interest::Unspecified, {}, kNoString, kNoString, prov(record.source));
      }
    } else {
      Action& kept = s.actions[*s.action_of.find(index(node))].second;
      for (auto [into, from] : {std::pair{&kept.authority, action.authority}, {&kept.list, action.list},
                                {&kept.program, action.program}, {&kept.legal_basis, action.legal_basis},
                                {&kept.measures, action.measures}, {&kept.citation, action.citation}})
        if (*into == kNoString) *into = from;
      if (!kept.listed) kept.listed = action.listed;
      // Records of one action add up their measures; the first typed list and issuer stay.
      kept.measure_set = kept.measure_set | action.measure_set;
      if (kept.issuer == Issuer::Unknown) kept.issuer = action.issuer;
      if (kept.list_id == SanctionList::Unknown) kept.list_id = action.list_id;
      if (action.origin == ActionOrigin::Record) kept.origin = ActionOrigin::Record;
    }
    if (record.target != kNoString) {
      const NodeId target = *s.live_node(g(record.target));
      const StringId edge_id = s.strings.intern(target_of_ids[action_at % 2], target_of_hashes[action_at % 2]);
      if (auto edge = s.live_edge(edge_id)) {
        s.edge_more_prov.emplace_back(*edge, prov(record.source));
      } else {
        s.new_edge(EdgeKind::TargetOf, target, node, {}, Interest::Unspecified, action.in_force, kNoString, edge_id,
                   prov(record.source));
      }
    }
  }

  // Names and attributes after the actions: they may belong to an Action node of this batch.
  for (const auto& name : batch.names_)
    s.names.emplace_back(*s.live_node(g(name.entity)),
                         State::StatedName{Name{g(name.text), name.type, name.strength}, prov(name.source)});
  for (const auto& attribute : batch.attributes_)
    s.attributes.emplace_back(*s.live_node(g(attribute.entity)),
                              Attribute{g(attribute.key), g(attribute.value), prov(attribute.source)});
  release(batch.names_);
  release(batch.attributes_);
  // A party whose primary name went with a deleted or replaced record, and that the batch gave
  // no new one, takes one its other records state (RULES.md §9.4).
  if (!lost_primary.empty()) s.rechoose_primary(lost_primary);

  // The batch's edges are read once, front to back, while the builder's edge columns grow: the
  // pages read are handed back every few thousand edges, so that a large load does not hold both
  // whole (they were the peak of a 1M-entity FtM load). The edge attributes' sources are taken
  // first, as they are read after.
  detail::BigVector<std::uint32_t> attribute_source(batch.edge_attributes_.size());
  for (std::size_t at = 0; at < attribute_source.size(); ++at)
    attribute_source[at] = batch.edges_[batch.edge_attributes_[at].edge].source;
  constexpr std::size_t kReleaseEvery = std::size_t{1} << 16;
  const auto edge_base = static_cast<std::uint32_t>(s.source.size());
  // Each end is two dependent reads at random places (node_of by id, then alive by node):
  // fetched in two stages, edges ahead, as a bulk load's edges come in no useful order.
  constexpr std::size_t kIdAhead = 16, kNodeAhead = 8;
  const auto prefetch_ends = [&](std::size_t at, bool node_stage) {
    const Batch::Edge& edge = batch.edges_[at];
    for (const StringId end : {g(edge.from), g(edge.to)}) {
      if (index(end) >= s.node_of.size()) continue;
      if (!node_stage) {
        detail::prefetch_line(s.node_of.data() + index(end));
      } else if (const std::uint32_t node = s.node_of[index(end)]; node != State::kNone) {
        detail::prefetch_line(s.alive.data() + node);
      }
    }
  };
  // When no edge of the batch merges into another (none repeats a live edge's id or an earlier
  // one of the batch, and no file merges its repeats), the batch's edge `at` lands at edge_base +
  // at, and its columns are filled on two threads: the ends (two random reads an end) on one,
  // everything else on the other. Each task appends to columns of its own, so the builder is the
  // same as one edge after another makes it. The ids are placed first, one pass; an id that
  // would merge takes back those placed and the batch goes edge by edge.
  constexpr std::size_t kTwoThreadEdges = 16384;  // below it a thread costs more than it saves
  bool in_order = !s.merging_repeats && batch.edges_.size() >= kTwoThreadEdges;
  if (in_order) {
    std::size_t placed = 0;
    for (; placed < batch.edges_.size(); ++placed) {
      const StringId id = g(batch.edges_[placed].id);
      if (id == kNoString) continue;
      const auto held = s.edge_of_id(id);
      if (held && (*held >= edge_base || s.edge_alive[*held])) break;  // a repeat: it merges
      s.set_edge_of(id, edge_base + static_cast<std::uint32_t>(placed));
    }
    if (placed < batch.edges_.size()) {
      // A dead edge's id and no id find the same (no live edge), which is all live_edge() asks.
      for (std::size_t at = 0; at < placed; ++at)
        if (const StringId id = g(batch.edges_[at].id); id != kNoString) s.edge_of[index(id)] = State::kNone;
      in_order = false;
    }
  }
  detail::BigVector<std::uint32_t> edge_at;  // where each batch edge landed, for its attributes (edge by edge)
  if (in_order) {
    const std::size_t count = batch.edges_.size();
    // A batch page is handed back once both tasks have read past it.
    std::atomic<std::size_t> progress[2] = {0, 0}, released = 0;
    const auto passed = [&](unsigned task, std::size_t at) {
      progress[task].store(at, std::memory_order_release);
      const std::size_t both = std::min(at, progress[1 - task].load(std::memory_order_acquire));
      std::size_t from = released.load(std::memory_order_relaxed);
      while (both >= from + kReleaseEvery)
        if (released.compare_exchange_weak(from, both, std::memory_order_acq_rel)) {
          release_pages(batch.edges_.data() + from, (both - from) * sizeof(Batch::Edge));
          break;
        }
    };
    // With no node removed (every node alive: a load into a fresh builder), an end's node is its
    // node_of entry alone, one read at a random place, not two, and its `alive` is not fetched
    // (the check above found each end a node of the builder or of this batch).
    const bool all_alive = s.live_nodes == s.kind.size();
    const auto end_node = [&](StringId id) {
      const std::uint32_t node = s.node_of[index(id)];
      SKG_ASSERT(node != State::kNone && (all_alive || s.alive[node]) && "a checked end names a live node");
      return NodeId{node};
    };
    const auto ends = [&] {
      for (std::size_t at = 0; at < count; ++at) {
        if (at % kReleaseEvery == 0) passed(0, at);
        if (at + kIdAhead < count) prefetch_ends(at + kIdAhead, false);
        if (!all_alive && at + kNodeAhead < count) prefetch_ends(at + kNodeAhead, true);
        const Batch::Edge& edge = batch.edges_[at];
        s.source.push_back(end_node(g(edge.from)));
        s.target.push_back(end_node(g(edge.to)));
      }
      passed(0, count);
    };
    const auto rest = [&] {
      std::size_t next_extra = 0;  // the next edge with an EdgeExtra has the next one
      for (std::size_t at = 0; at < count; ++at) {
        if (at % kReleaseEvery == 0) passed(1, at);
        const Batch::Edge& edge = batch.edges_[at];
        Batch::EdgeExtra extra{static_cast<std::uint32_t>(at), kNoString, kOpenStart, kOpenEnd};
        if (edge.extra) extra = batch.edge_extras_[next_extra++];
        SKG_ASSERT(extra.edge == at && "a batch's edge extras are in edge order");
        s.push_edge_columns(edge_base + static_cast<std::uint32_t>(at), edge.kind, edge.share, edge.interest,
                            extra.valid_from, extra.valid_to, g(extra.role), g(edge.id), prov(edge.source));
      }
      passed(1, count);
    };
    parallel_for(2, 1, [&](std::size_t begin, std::size_t end, unsigned) {
      for (std::size_t task = begin; task < end; ++task) task == 0 ? ends() : rest();
    });
    s.live_edges += count;
  } else {
    std::size_t released = 0;
    // Only a batch with edge attributes (not a skg-csv load) fills this column.
    if (!batch.edge_attributes_.empty()) edge_at.resize(batch.edges_.size());
    const auto landed = [&](std::size_t at, std::uint32_t edge) {
      if (!edge_at.empty()) edge_at[at] = edge;
    };
    std::size_t next_extra = 0;  // the next edge with an EdgeExtra has the next one
    for (std::size_t at = 0; at < batch.edges_.size(); ++at) {
      if (at - released >= kReleaseEvery) {
        release_pages(batch.edges_.data() + released, (at - released) * sizeof(Batch::Edge));
        released = at;
      }
      if (at + kIdAhead < batch.edges_.size()) prefetch_ends(at + kIdAhead, false);
      if (at + kNodeAhead < batch.edges_.size()) prefetch_ends(at + kNodeAhead, true);
      const Batch::Edge& edge = batch.edges_[at];
      Batch::EdgeExtra extra{static_cast<std::uint32_t>(at), kNoString, kOpenStart, kOpenEnd};
      if (edge.extra) extra = batch.edge_extras_[next_extra++];
      SKG_ASSERT(extra.edge == at && "a batch's edge extras are in edge order");
      const StringId id = g(edge.id);
      if (auto existing = id == kNoString ? std::nullopt : s.live_edge(id)) {
        landed(at, *existing);
        s.edge_more_prov.emplace_back(*existing, prov(edge.source));
        continue;
      }
      const std::uint32_t placed = s.new_edge(edge.kind, *s.live_node(g(edge.from)), *s.live_node(g(edge.to)),
                                              edge.share, edge.interest, extra.valid_from, extra.valid_to,
                                              g(extra.role), id, prov(edge.source));
      landed(at, placed);
      if (s.merging_repeats && id == kNoString) {
        // The same link stated again (a reload): one edge, and the new one is taken back.
        const auto [found, added] = s.edge_index.try_emplace(s.edge_key(placed), placed);
        if (!added && s.edge_alive[found->second]) {
          s.pop_edge();
          landed(at, found->second);
          s.edge_more_prov.emplace_back(found->second, prov(edge.source));
        } else if (!added) {
          found->second = placed;
        }
      }
    }
  }
  release(batch.edges_);
  release(batch.edge_extras_);
  for (std::size_t at = 0; at < batch.edge_attributes_.size(); ++at) {
    const Batch::EdgeAttr& attribute = batch.edge_attributes_[at];
    s.edge_attributes.emplace_back(in_order ? edge_base + attribute.edge : edge_at[attribute.edge],
                                   Attribute{g(attribute.key), g(attribute.value), prov(attribute_source[at])});
  }
}

std::optional<std::string> Builder::record_fact(std::string_view id, std::string_view key) const {
  State& s = *state_;
  const auto key_id = s.strings.find(key), record = s.strings.find(id);
  if (!key_id || !record) return std::nullopt;
  if (!s.facts_built) s.facts.clear();
  s.facts_built = true;
  const auto cached = s.facts.try_emplace(index(*key_id));
  auto& node_fact = cached.first->second.node_fact;
  auto& edge_fact = cached.first->second.edge_fact;
  if (cached.second) {
    // One pass: the greatest value of `key` per (record id, edge id), by the provenance rule.
    auto keep = [&](std::unordered_map<std::uint32_t, StringId>& into, std::uint32_t at, StringId value) {
      const auto inserted = into.try_emplace(at, value);
      if (!inserted.second && s.strings.view(inserted.first->second) < s.strings.view(value))
        inserted.first->second = value;
    };
    std::unordered_map<std::uint32_t, detail::BigVector<StringId>> ids_of;  // node -> live ids, for nodes with the key
    detail::BigVector<std::pair<std::uint32_t, const Attribute*>> facts;
    for (const auto& [node, attribute] : s.attributes)
      if (attribute.key == *key_id && s.alive[index(node)]) {
        facts.emplace_back(index(node), &attribute);
        ids_of.try_emplace(index(node));
      }
    for (const auto& [node, stated] : s.external_ids) {
      const auto found = ids_of.find(index(node));
      if (found != ids_of.end() && s.node_of_id(stated.id) == index(node) &&
          std::find(found->second.begin(), found->second.end(), stated.id) == found->second.end())
        found->second.push_back(stated.id);
    }
    for (const auto& [node, attribute] : facts)
      for (const StringId ext : ids_of[node])
        if (s.belongs(attribute->source, s.strings.view(ext))) keep(node_fact, index(ext), attribute->value);
    for (const auto& [edge, attribute] : s.edge_attributes)
      if (attribute.key == *key_id && s.edge_alive[edge] && s.edge_id[edge] != kNoString)
        keep(edge_fact, index(s.edge_id[edge]), attribute.value);
  }
  const auto found_node = s.live_node(*record) ? node_fact.find(index(*record)) : node_fact.end();
  if (found_node != node_fact.end()) return std::string(s.strings.view(found_node->second));
  if (s.live_edge(*record)) {
    const auto found_edge = edge_fact.find(index(*record));
    if (found_edge != edge_fact.end()) return std::string(s.strings.view(found_edge->second));
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Freeze: group every list by its (renumbered) node or edge, CSR both ways, build the indexes.

namespace {

constexpr std::uint32_t kDropped = 0xFFFFFFFFu;
/// Below this many edges (or names) freeze() stays on one thread: starting one costs more than
/// it saves.
constexpr std::size_t kParallelFreeze = 16384;
constexpr std::string_view kSameAsPrefix = "same_as:";

/// Stable counting sort into CSR form of the (owner, item) pairs that `each(visit)` gives, in
/// order, as visit(owner, item) (it is called twice: to count, then to place); owners mapped
/// through `remap`, items whose owner maps to kDropped are left out. The edges' source records,
/// kept as each edge's first and pairs for the further ones, come through State::for_each_edge_prov.
template <class Item, class Each>
void group_each(Each&& each, const detail::BigVector<std::uint32_t>& remap, std::size_t groups,
                detail::BigVector<std::uint32_t>& at, detail::BigVector<Item>& out) {
  at = fresh_vector<std::uint32_t>(groups + 1, 0);
  each([&](std::uint32_t owner, const Item&) {
    if (const std::uint32_t to = remap[owner]; to != kDropped) ++at[to + 1];
  });
  std::partial_sum(at.begin(), at.end(), at.begin());
  out = fresh_vector<Item>(at[groups]);
  place_by_offsets(at, [&](std::uint32_t* cursor) {
    each([&](std::uint32_t owner, const Item& item) {
      if (const std::uint32_t to = remap[owner]; to != kDropped) out[cursor[to]++] = item;
    });
  });
}

/// group_each() of a list of (owner, item) pairs. Frees `items`.
template <class Owner, class Item, class Allocator>
void group(std::vector<std::pair<Owner, Item>, Allocator>& items, const detail::BigVector<std::uint32_t>& remap,
           std::size_t groups, detail::BigVector<std::uint32_t>& at, detail::BigVector<Item>& out) {
  group_each<Item>(
      [&](auto&& visit) {
        for (const auto& [owner, item] : items) visit(static_cast<std::uint32_t>(owner), item);
      },
      remap, groups, at, out);
  std::vector<std::pair<Owner, Item>, Allocator>().swap(items);
}

/// Drops repeated items within each group of a CSR (the first one stays, order kept); `at` is
/// rewritten to match. Groups are short (a node's sources, an edge's attributes).
template <class Item, class Equal>
void drop_repeats(detail::BigVector<std::uint32_t>& at, detail::BigVector<Item>& items, Equal equal) {
  std::size_t write = 0;
  for (std::size_t group = 0; group + 1 < at.size(); ++group) {
    const std::size_t begin = write, from = at[group], to = at[group + 1];
    for (std::size_t item = from; item < to; ++item) {
      bool seen = false;
      for (std::size_t kept = begin; kept < write && !seen; ++kept) seen = equal(items[kept], items[item]);
      if (!seen) items[write++] = items[item];
    }
    at[group] = static_cast<std::uint32_t>(begin);
  }
  if (!at.empty()) at.back() = static_cast<std::uint32_t>(write);
  items.resize(write);
}

/// drop_repeats for groups that may be long: a group of up to kShortGroup items is scanned as
/// drop_repeats does, a longer one through a hash set of keys, where `key(a) == key(b)` exactly
/// when `equal(a, b)`. The same items stay, in the same order. A party a source states thousands
/// of times (a bulk file's company on every line) made the scan quadratic: a sixth of the
/// instructions of the psc_lines_x5000 load went to one node's sources.
template <class Item, class Equal, class Key, class KeyHash>
void drop_repeats_keyed(detail::BigVector<std::uint32_t>& at, detail::BigVector<Item>& items, Equal equal, Key key, KeyHash hash) {
  constexpr std::size_t kShortGroup = 32;
  using KeyType = decltype(key(items.front()));
  std::unordered_set<KeyType, KeyHash> seen(0, hash);
  std::size_t write = 0;
  for (std::size_t group = 0; group + 1 < at.size(); ++group) {
    const std::size_t begin = write, from = at[group], to = at[group + 1];
    if (to - from <= kShortGroup) {
      for (std::size_t item = from; item < to; ++item) {
        bool repeat = false;
        for (std::size_t kept = begin; kept < write && !repeat; ++kept) repeat = equal(items[kept], items[item]);
        if (!repeat) items[write++] = items[item];
      }
    } else {
      seen.clear();
      for (std::size_t item = from; item < to; ++item)
        if (seen.insert(key(items[item])).second) items[write++] = items[item];
    }
    at[group] = static_cast<std::uint32_t>(begin);
  }
  if (!at.empty()) at.back() = static_cast<std::uint32_t>(write);
  items.resize(write);
}

bool same_attribute(const Attribute& a, const Attribute& b) {
  return a.key == b.key && a.value == b.value && a.source == b.source;
}

/// CSR offsets that give every owner exactly one item (at[i] == i) are stored empty; the graph
/// reads an empty offsets column that way.
template <class Allocator>
Column<std::uint32_t> unless_one_each(std::vector<std::uint32_t, Allocator> at) {
  for (std::uint32_t i = 0; i < at.size(); ++i)
    if (at[i] != i) return Column<std::uint32_t>(std::move(at));
  return {};
}

/// A column whose every value is `fill` (no dates anywhere, say) is stored empty; the graph's
/// accessors read an empty column as all `fill`.
template <class T, class Allocator>
Column<T> unless_all(std::vector<T, Allocator> values, T fill) {
  if (std::all_of(values.begin(), values.end(), [fill](T value) { return value == fill; })) return {};
  return Column<T>(std::move(values));
}

template <class T, class Allocator>
detail::BigVector<T> permuted(std::vector<T, Allocator>& in, const detail::BigVector<std::uint32_t>& position, std::size_t size) {
  detail::BigVector<T> out = fresh_vector<T>(size);
  for (std::size_t from = 0; from < in.size(); ++from)
    if (position[from] != kDropped) out[position[from]] = in[from];
  std::vector<T, Allocator>().swap(in);
  return out;
}

/// How many items that `position` keeps differ from `fill`.
template <class T, class Allocator>
std::size_t kept_unless(const std::vector<T, Allocator>& in, const detail::BigVector<std::uint32_t>& position, T fill) {
  std::size_t count = 0;
  for (std::size_t from = 0; from < in.size(); ++from) count += position[from] != kDropped && !(in[from] == fill);
  return count;
}

// The two below give what their names say for a `position` that places the kept items on every
// place of [0, size) (freeze's edge order does), without the permuted copy where it would be
// thrown away or mostly `fill`: most edge columns of a bulk load (roles, ids, dates, interests)
// are, and each permuted copy was a fresh column zeroed, scattered into and scanned (3M edges:
// 12 MB and 3M random writes each).

/// unless_all(permuted(in, position, size), fill). Frees `in`.
template <class T, class Allocator>
Column<T> permuted_unless_all(std::vector<T, Allocator>& in, const detail::BigVector<std::uint32_t>& position, std::size_t size,
                              T fill) {
  if (kept_unless(in, position, fill) != 0) return Column<T>(permuted(in, position, size));
  std::vector<T, Allocator>().swap(in);
  return {};
}

/// The sparse RankedColumn of `size` places holding `kept`: (place, value) pairs, fewer than half
/// the places, in any order.
template <class T>
RankedColumn<T> ranked_from_placed(detail::BigVector<std::pair<std::uint32_t, T>>& kept, std::size_t size) {
  RankedColumn<T> out;
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  detail::BigVector<std::uint64_t> words((size + 63) / 64, 0);
  detail::BigVector<T> values;
  values.reserve(kept.size());
  for (const auto& [at, value] : kept) {
    words[at / 64] |= std::uint64_t{1} << (at % 64);
    values.push_back(value);
  }
  out.bits = Column<std::uint64_t>(std::move(words));
  out.value = Column<T>(std::move(values));
  out.finish();
  return out;
}

/// RankedColumn<T>::from(permuted(in, position, size), fill): the items other than `fill` are
/// placed alone when they are fewer than half (the sparse form from() would make of them). Frees `in`.
template <class T, class Allocator>
RankedColumn<T> permuted_ranked(std::vector<T, Allocator>& in, const detail::BigVector<std::uint32_t>& position, std::size_t size,
                                T fill) {
  const std::size_t set = kept_unless(in, position, fill);
  if (set * 2 >= size && set != 0) return RankedColumn<T>::from(permuted(in, position, size), fill);
  RankedColumn<T> out;
  if (set == 0) {
    std::vector<T, Allocator>().swap(in);
    return out;
  }
  detail::BigVector<std::pair<std::uint32_t, T>> kept;
  kept.reserve(set);
  for (std::size_t from = 0; from < in.size(); ++from)
    if (position[from] != kDropped && !(in[from] == fill)) kept.emplace_back(position[from], in[from]);
  std::vector<T, Allocator>().swap(in);
  return ranked_from_placed(kept, size);
}

/// permuted_ranked() of a sparse builder column: its set items placed through `position`. Frees `in`.
template <class T, T Fill>
RankedColumn<T> permuted_ranked(SparseEdgeColumn<T, Fill>& in, const detail::BigVector<std::uint32_t>& position,
                                std::size_t size) {
  auto& items = in.set_items();
  std::size_t set = 0;
  for (const auto& [edge, value] : items) set += position[edge] != kDropped;
  RankedColumn<T> out;
  if (set * 2 >= size && set != 0) {
    detail::BigVector<T> dense = fresh_vector<T>(size, Fill);
    for (const auto& [edge, value] : items)
      if (position[edge] != kDropped) dense[position[edge]] = value;
    in.clear();
    out.value = Column<T>(std::move(dense));
    return out;
  }
  if (set == 0) {
    in.clear();
    return out;
  }
  detail::BigVector<std::pair<std::uint32_t, T>> kept;
  kept.reserve(set);
  for (const auto& [edge, value] : items)
    if (position[edge] != kDropped) kept.emplace_back(position[edge], value);
  in.clear();
  return ranked_from_placed(kept, size);
}

/// Weaker evidence (RULES.md §9.3): parties with one normalised name and one full birth date,
/// whose records come from different files and who carry no strong identifier of a common
/// scheme (equal ones would have merged them; different ones tell them apart), get a SAME_AS
/// candidate edge with its evidence, never a merge. `name_pairs` are (normalised name, node).
/// The full birth dates of the parties that may be same-as candidates (persons and legal
/// entities), as (node, day) pairs in order, each once: none, and no candidate can come.
template <class State>
detail::BigVector<std::pair<std::uint32_t, std::int32_t>> birth_dates(const State& s, const Graph& graph) {
  detail::BigVector<std::pair<std::uint32_t, std::int32_t>> births;  // (node, day)
  const auto birth_key = s.strings.find("birthDate");
  if (!birth_key) return births;
  const auto nodes = static_cast<std::uint32_t>(graph.node_count());
  for (std::uint32_t node = 0; node < nodes; ++node) {
    const NodeKind kind = graph.kind(NodeId{node});
    if (kind != NodeKind::Person && kind != NodeKind::LegalEntity) continue;
    for (const Attribute& attribute : graph.attributes(NodeId{node}))
      if (attribute.key == *birth_key)
        if (const auto day = full_birth_date(s.strings.view(attribute.value))) births.emplace_back(node, day->days);
  }
  std::sort(births.begin(), births.end());
  births.erase(std::unique(births.begin(), births.end()), births.end());
  return births;
}

/// `births` as birth_dates() gives them.
template <class State>
void add_same_as_candidates_impl(State& s, const Graph& graph, const detail::BigVector<std::pair<std::uint32_t, std::int32_t>>& births,
                                 const detail::BigVector<std::pair<StringId, NodeId>>& name_pairs,
                                 const detail::BigVector<std::uint32_t>& old_of, const detail::BigVector<StringId>& own_ids) {
  if (births.empty()) return;
  std::unordered_map<std::uint32_t, std::pair<std::uint32_t, std::uint32_t>> births_of;  // node -> [begin, end)
  for (std::uint32_t at = 0; at < births.size();) {
    std::uint32_t end = at;
    while (end < births.size() && births[end].first == births[at].first) ++end;
    births_of.emplace(births[at].first, std::pair{at, end});
    at = end;
  }
  // The name's words in order, so "PETROV, Ivan" (OFAC's order) meets "Ivan PETROV".
  // The sorted names go into one arena and the keys hold views of them, so that sorting the
  // keys does not move strings.
  struct Key {
    std::string_view name;
    std::int32_t day;
    std::uint32_t node;
    auto operator<=>(const Key&) const = default;
  };
  struct Stored {
    std::size_t offset, size;
    std::int32_t day;
    std::uint32_t node;
  };
  std::string arena;
  detail::BigVector<Stored> stored;
  detail::BigVector<std::string_view> words;
  for (const auto& [name, node] : name_pairs) {
    const auto found = births_of.find(index(node));
    if (found == births_of.end()) continue;
    const std::string_view text = s.strings.view(name);
    words.clear();
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t end = std::min(text.find(' ', at), text.size());
      if (end > at) words.push_back(text.substr(at, end - at));
      at = end + 1;
    }
    std::sort(words.begin(), words.end());
    const std::size_t offset = arena.size();
    for (std::string_view word : words) arena.append(arena.size() == offset ? "" : " ").append(word);
    for (std::uint32_t at = found->second.first; at < found->second.second; ++at)
      stored.push_back({offset, arena.size() - offset, births[at].second, index(node)});
  }
  detail::BigVector<Key> keys;
  keys.reserve(stored.size());
  for (const Stored& key : stored) keys.push_back({std::string_view(arena).substr(key.offset, key.size), key.day, key.node});
  detail::BigVector<Stored>().swap(stored);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());

  std::optional<StringId> scheme_keys[kIdSchemeCount];
  for (int scheme = 0; scheme < kIdSchemeCount; ++scheme)
    scheme_keys[scheme] = s.strings.find(attribute_key(static_cast<IdScheme>(scheme)));
  auto schemes_of = [&](std::uint32_t node) {
    unsigned bits = 0;
    for (const Attribute& attribute : graph.attributes(NodeId{node}))
      for (int scheme = 0; scheme < kIdSchemeCount; ++scheme)
        if (scheme_keys[scheme] == attribute.key) bits |= 1u << scheme;
    return bits;
  };
  auto share_a_file = [&](std::uint32_t a, std::uint32_t b) {
    for (ProvId x : graph.provenance(NodeId{a}))
      for (ProvId y : graph.provenance(NodeId{b}))
        if (s.provenance.source(index(x)) == s.provenance.source(index(y))) return true;
    return false;
  };
  auto own = [&](std::uint32_t node) {
    const StringId id = own_ids[old_of[node]];
    return id == kNoString ? std::string_view() : s.strings.view(id);
  };
  std::set<std::pair<std::uint32_t, std::uint32_t>> done;
  std::optional<ProvId> prov;
  constexpr std::size_t kMostPerKey = 16;  // a common name on a common day says little more
  for (std::size_t at = 0; at < keys.size();) {
    std::size_t end = at;
    while (end < keys.size() && keys[end].name == keys[at].name && keys[end].day == keys[at].day) ++end;
    if (end - at > 1 && end - at <= kMostPerKey) {
      for (std::size_t first = at; first < end; ++first) {
        for (std::size_t second = first + 1; second < end; ++second) {
          std::uint32_t a = keys[first].node, b = keys[second].node;
          if (own(b) < own(a)) std::swap(a, b);
          if (!done.emplace(a, b).second) continue;
          if ((schemes_of(a) & schemes_of(b)) != 0 || share_a_file(a, b)) continue;
          if (!prov) {
            prov = ProvId{static_cast<std::uint32_t>(s.provenance.size())};
            s.provenance.push_back({s.strings.intern("skg identity rules (RULES.md §9.3)"),
                                    s.strings.intern("same name and birth date"), 0});
          }
          const StringId edge_id = s.strings.intern(fmt::format("{}{}|{}", kSameAsPrefix, own(a), own(b)));
          const std::uint32_t edge =
              s.new_edge(EdgeKind::SameAs, NodeId{old_of[a]}, NodeId{old_of[b]}, {}, Interest::Unspecified, {},
                         s.strings.intern("candidate: same name and birth date"), edge_id, *prov);
          const std::string evidence = fmt::format(
              "name words '{}' and birth date {} on both records; no strong identifier in common; not merged",
              keys[at].name, Date{keys[at].day}.to_string());
          s.edge_attributes.emplace_back(edge, Attribute{s.strings.intern("evidence"), s.strings.intern(evidence), *prov});
        }
      }
    }
    at = end;
  }
}

/// Places item k (1..count, stored as k + 1) in the open-addressing table `slots` (a power of two
/// in size, all 0) at its text's hash, by linear probing. Each item's home slot is a random place
/// of a table far larger than the caches: it is fetched kAhead items before its probe (hashed
/// once, kept in a ring), where each probe waited on a cache miss (half of the index tasks of a
/// 1M-entity skg-csv freeze). The same table as probing one item after another.
template <class Text>
void place_in_slots(detail::BigVector<std::uint32_t>& slots, std::size_t count, Text&& text) {
  constexpr std::size_t kAhead = 16;
  const std::size_t mask = slots.size() - 1;
  std::size_t homes[kAhead];
  const auto fetch = [&](std::size_t at) {
    homes[at % kAhead] = detail::hash_string(text(static_cast<std::uint32_t>(at))) & mask;
    detail::prefetch_line(slots.data() + homes[at % kAhead]);
  };
  for (std::size_t at = 0; at < std::min(count, kAhead); ++at) fetch(at);
  for (std::size_t at = 0; at < count; ++at) {
    std::size_t slot = homes[at % kAhead];
    if (at + kAhead < count) fetch(at + kAhead);  // after reading this item's home: same ring place
    while (slots[slot] != 0) slot = (slot + 1) & mask;
    slots[slot] = static_cast<std::uint32_t>(at) + 1;
  }
}

/// Name -> the place of its key among the keys one thread of freeze() made: the key of a name
/// is a function of its text, so a name met again (60% of skg-gen's 1M names) takes the key
/// made the first time instead of reading its bytes, normalising them and having the pool find
/// the same key again. Open addressing over 64-bit slots, (pool id + 1) << 32 | place; room for
/// `count` names at most half full. The slot of a name a few names ahead is fetched by prefetch().
class KeyMemo {
 public:
  static constexpr std::uint32_t kNoKey = 0xFFFFFFFFu;  // the name's key is empty
  explicit KeyMemo(std::size_t count) {
    std::size_t size = 16;
    while (size < count * 2) size *= 2;
    slots_ = fresh_vector<std::uint64_t>(size, 0);
    mask_ = size - 1;
  }
  void prefetch(StringId name) const noexcept { detail::prefetch_line(slots_.data() + home(name)); }
  /// True when a place is noted for `name` (it is put in `place`); else room is made for it,
  /// and the caller notes its place with note() before the next find().
  bool find(StringId name, std::uint32_t& place) noexcept {
    const std::uint64_t tag = std::uint64_t{index(name) + 1u} << 32;
    for (at_ = home(name);; at_ = (at_ + 1) & mask_) {
      const std::uint64_t slot = slots_[at_];
      if (slot == 0) {
        tag_ = tag;
        return false;
      }
      if ((slot >> 32) == (tag >> 32)) {
        place = static_cast<std::uint32_t>(slot);
        return true;
      }
    }
  }
  void note(std::uint32_t place) noexcept { slots_[at_] = tag_ | place; }

 private:
  std::size_t home(StringId name) const noexcept {
    return static_cast<std::size_t>((std::uint64_t{index(name)} * 0x9E3779B97F4A7C15ull) >> 24) & mask_;
  }
  detail::BigVector<std::uint64_t> slots_;
  std::size_t mask_ = 0, at_ = 0;
  std::uint64_t tag_ = 0;
};

/// Builds the open-addressing index from (key, node) pairs; pairs of one key keep their order
/// and repeated (key, node) pairs that stand together are kept once.
void build_index(detail::BigVector<std::pair<StringId, NodeId>>& pairs, const StringPool& strings,
                 detail::BigVector<std::uint32_t>& slots, detail::BigVector<StringId>& keys,
                 detail::BigVector<std::uint32_t>& at, detail::BigVector<NodeId>& values) {
  detail::BigVector<std::uint32_t> first = fresh_vector<std::uint32_t>(strings.size() + 1, 0);
  for (const auto& [key, node] : pairs) ++first[index(key) + 1];
  std::partial_sum(first.begin(), first.end(), first.begin());
  detail::BigVector<NodeId> sorted = fresh_vector<NodeId>(pairs.size());
  place_by_offsets(first, [&](std::uint32_t* cursor) {
    for (const auto& [key, node] : pairs) sorted[cursor[index(key)]++] = node;
  });
  detail::BigVector<std::pair<StringId, NodeId>>().swap(pairs);
  keys.clear();
  at.assign(1, 0);
  values.clear();
  values.reserve(sorted.size());
  for (std::uint32_t key = 0; key + 1 < first.size(); ++key) {
    if (first[key] == first[key + 1]) continue;
    keys.push_back(StringId{key});
    for (std::uint32_t item = first[key]; item < first[key + 1]; ++item)
      if (item == first[key] || sorted[item] != sorted[item - 1]) values.push_back(sorted[item]);
    at.push_back(static_cast<std::uint32_t>(values.size()));
  }
  std::size_t size = 16;
  while (size < keys.size() * 2) size *= 2;
  slots = fresh_vector<std::uint32_t>(size, 0);
  place_in_slots(slots, keys.size(), [&](std::uint32_t key_at) { return strings.view(keys[key_at]); });
}

/// An open-addressing table of positions in `ids` (+ 1; 0 is empty), placed by each id's text:
/// the external id index (every id names one node).
detail::BigVector<std::uint32_t> position_index(const Column<StringId>& ids, const StringPool& strings) {
  std::size_t size = 16;
  while (size < ids.size() * 2) size *= 2;
  detail::BigVector<std::uint32_t> slots = fresh_vector<std::uint32_t>(size, 0);
  place_in_slots(slots, ids.size(), [&](std::uint32_t at) { return strings.view(ids[at]); });
  return slots;
}

constexpr std::size_t kNoTask = ~std::size_t{0};

/// Runs tasks [0, count) once each: on two threads when `two_threads` (parallel_for hands them
/// out in order as a thread frees up), else in order on this one. Task k first waits until the
/// tasks `after(k)` names (an array of positions, kNoTask for none) have ended; those come
/// earlier in the order, so one thread never waits and two never wait on each other. A task that
/// throws ends the tasks that wait for it unrun, and parallel_for rethrows its exception here.
template <class Run, class After>
void run_tasks(std::size_t count, bool two_threads, Run&& run, After&& after) {
  enum : std::uint8_t { kPending, kDone, kFailed };
  detail::BigVector<std::uint8_t> state(count, kPending);  // under `mutex`
  std::mutex mutex;
  std::condition_variable ended;
  const auto finish = [&](std::size_t task, std::uint8_t outcome) {
    {
      const std::lock_guard lock(mutex);
      state[task] = outcome;
    }
    ended.notify_all();
  };
  const auto one = [&](std::size_t task) {
    std::uint8_t outcome = kDone;
    for (const std::size_t before : after(task)) {
      if (before == kNoTask) continue;
      SKG_ASSERT(before < task && "a task waits for earlier tasks only");
      std::unique_lock lock(mutex);
      ended.wait(lock, [&] { return state[before] != kPending; });
      if (state[before] == kFailed) outcome = kFailed;
    }
    if (outcome == kDone) {
      try {
        run(task);
      } catch (...) {
        finish(task, kFailed);
        throw;
      }
    }
    finish(task, outcome);
  };
  if (!two_threads) {
    for (std::size_t task = 0; task < count; ++task) one(task);
    return;
  }
  parallel_for(count, 1, [&](std::size_t begin, std::size_t end, unsigned) {
    for (std::size_t task = begin; task < end; ++task) one(task);
  });
}

}  // namespace

Graph Builder::freeze() && {
  State& s = *state_;
  if (s.batch_open) throw Error("this builder has an open batch: commit or drop it before freezing");
  Graph graph;

  // Same-as candidates of an earlier freeze are found again below (the evidence may have changed).
  for (std::size_t edge = 0; edge < s.edge_kind.size(); ++edge)
    if (s.edge_alive[edge] && s.edge_kind[edge] == EdgeKind::SameAs && s.edge_id[edge] != kNoString &&
        s.strings.view(s.edge_id[edge]).starts_with(kSameAsPrefix)) {
      s.edge_alive[edge] = 0;
      --s.live_edges;
    }
  // Cross-source identity: parties sharing a strong identifier become one node (RULES.md §9).
  const detail::BigVector<StringId> own_ids = s.own_ids();
  std::size_t identity_conflicts = 0;
  const detail::BigVector<std::uint32_t> kept = s.resolve_identities(own_ids, identity_conflicts);

  // Nodes: removed ones are dropped and the rest renumbered densely, in creation order; a merged
  // party's other records map to its kept node.
  const std::size_t old_nodes = s.kind.size();
  detail::BigVector<std::uint32_t> remap = fresh_vector<std::uint32_t>(old_nodes, kDropped);
  detail::BigVector<std::uint32_t> old_of;  // new node -> its old (kept) node
  old_of.reserve(s.live_nodes);
  std::uint32_t nodes = 0;
  for (std::size_t at = 0; at < old_nodes; ++at)
    if (s.alive[at] && (kept.empty() || kept[at] == at)) {
      old_of.push_back(static_cast<std::uint32_t>(at));
      remap[at] = nodes++;
    }
  detail::BigVector<std::uint32_t> member_remap;  // with merges: members map to their kept node
  if (!kept.empty()) {
    member_remap = remap;
    for (std::size_t at = 0; at < old_nodes; ++at)
      if (s.alive[at] && kept[at] != at) member_remap[at] = remap[kept[at]];
  }
  graph.kind_ = Column(permuted(s.kind, remap, nodes));
  graph.name_ = Column(permuted(s.name, remap, nodes));
  graph.valid_from_ = unless_all(permuted(s.valid_from, remap, nodes), kOpenStart);
  graph.valid_to_ = unless_all(permuted(s.valid_to, remap, nodes), kOpenEnd);
  if (!kept.empty()) remap = std::move(member_remap);

  // The same record twice (an entity and its other ids from one line): one source.
  auto same_record = [&](ProvId a, ProvId b) {
    if (a == b) return true;
    if (index(a) >= s.provenance.size() || index(b) >= s.provenance.size()) return false;
    const Provenance &x = s.provenance[index(a)], &y = s.provenance[index(b)];
    return x.source == y.source && x.record == y.record && x.line == y.line;
  };
  // same_record as a key: the record's (source, record, line), or the id itself for a record
  // this build cannot tell (equal to no other).
  struct RecordKey {
    std::uint32_t source, record, line, own;
    bool known;
    bool operator==(const RecordKey&) const = default;
  };
  auto record_key = [&](ProvId prov) {
    if (index(prov) >= s.provenance.size()) return RecordKey{0, 0, 0, index(prov), false};
    const Provenance& x = s.provenance[index(prov)];
    return RecordKey{index(x.source), index(x.record), x.line, 0, true};
  };
  struct RecordKeyHash {
    std::size_t operator()(const RecordKey& key) const noexcept {
      std::uint64_t hash = 0;
      for (std::uint64_t value : {std::uint64_t{key.source}, std::uint64_t{key.record}, std::uint64_t{key.line},
                                  std::uint64_t{key.own}, std::uint64_t{key.known}})
        hash = State::KeyHash::mix(hash, value);
      return hash;
    }
  };
  // The records of each kept item (a name, an id): those of every stated copy of it, once each.
  // `same_item(k, copy)`: the stated copy is a copy of the group's k-th kept item.
  // Many copies (a name stated on thousands of lines of a bulk file) go through a hash set of
  // record keys instead of a scan of the records kept so far, which was quadratic.
  // Each caller passes its own `seen_records`: the names and the ids are gathered on different
  // threads.
  using SeenRecords = std::unordered_set<RecordKey, RecordKeyHash>;
  auto gather_records = [&](SeenRecords& seen_records, std::size_t count, std::uint32_t from, std::uint32_t to,
                            auto&& same_item, auto&& prov_of, detail::BigVector<std::uint32_t>& prov_at,
                            detail::BigVector<ProvId>& provs) {
    constexpr std::uint32_t kShortGroup = 32;
    for (std::size_t item = 0; item < count; ++item) {
      const std::size_t begin = provs.size();
      if (to - from > kShortGroup) seen_records.clear();
      for (std::uint32_t copy = from; copy < to; ++copy) {
        if (!same_item(item, copy)) continue;
        const ProvId prov = prov_of(copy);
        if (index(prov) >= s.provenance.size()) continue;  // a record this build cannot tell
        bool seen = false;
        if (to - from > kShortGroup) {
          seen = !seen_records.insert(record_key(prov)).second;
        } else {
          for (std::size_t other = begin; other < provs.size() && !seen; ++other) seen = same_record(provs[other], prov);
        }
        if (!seen) provs.push_back(prov);
      }
      prov_at.push_back(static_cast<std::uint32_t>(provs.size()));
    }
  };
  // The names (with their records) are one task; the attributes, the node sources, the external
  // ids and the actions the other: they read the State's lists and `remap` and write graph
  // columns of their own, so they run on two threads (graph/parallel.h) with the same result.
  const auto node_names = [&] {  // One entry per distinct text, the primary name first, with every record that states it.
    detail::BigVector<std::uint32_t> at;
    SeenRecords seen_records;
    detail::BigVector<State::StatedName> stated;
    group(s.names, remap, nodes, at, stated);
    detail::BigVector<Name> names;
    names.reserve(stated.size());
    detail::BigVector<std::uint32_t> kept_at(nodes + 1, 0), prov_at{0};
    detail::BigVector<ProvId> provs;
    provs.reserve(stated.size());
    prov_at.reserve(stated.size() + 1);
    for (std::uint32_t node = 0; node < nodes; ++node) {
      const std::size_t begin = names.size();
      const StringId primary = graph.name_[node];
      for (std::uint32_t item = at[node]; item < at[node + 1]; ++item) {
        Name name = stated[item].name;
        if (name.text == primary) name.type = NameType::Primary;
        else if (name.type == NameType::Primary) name.type = NameType::Aka;
        bool seen = false;
        for (std::size_t other = begin; other < names.size() && !seen; ++other) seen = names[other].text == name.text;
        if (seen) continue;
        names.push_back(name);
        if (name.type == NameType::Primary && names.size() - 1 > begin) std::swap(names[begin], names.back());
      }
      gather_records(
          seen_records, names.size() - begin, at[node], at[node + 1],
          [&](std::size_t kept_name, std::uint32_t copy) { return names[begin + kept_name].text == stated[copy].name.text; },
          [&](std::uint32_t copy) { return stated[copy].prov; }, prov_at, provs);
      kept_at[node + 1] = static_cast<std::uint32_t>(names.size());
    }
    detail::BigVector<State::StatedName>().swap(stated);
    graph.names_at_ = unless_one_each(std::move(kept_at));
    graph.name_list_ = Column(std::move(names));
    graph.name_prov_at_ = unless_one_each(std::move(prov_at));
    graph.name_prov_ = Column(std::move(provs));
  };
  const auto node_facts = [&] {
    detail::BigVector<std::uint32_t> at;
    detail::BigVector<Attribute> attributes;
    group(s.attributes, remap, nodes, at, attributes);
    drop_repeats(at, attributes, same_attribute);
    if (!attributes.empty()) graph.attributes_at_ = Column(std::move(at));  // else: no node has any
    graph.attribute_ = Column(std::move(attributes));
    detail::BigVector<ProvId> node_prov;
    group(s.node_prov, remap, nodes, at, node_prov);
    drop_repeats_keyed(at, node_prov, same_record, record_key, RecordKeyHash{});
    graph.node_prov_at_ = unless_one_each(std::move(at));
    graph.node_prov_ = Column(std::move(node_prov));

    {
      detail::BigVector<std::pair<NodeId, State::StatedId>> live_ids;
      live_ids.reserve(s.external_ids.size());
      for (const auto& [node, stated] : s.external_ids)
        if (s.node_of_id(stated.id) == index(node)) live_ids.emplace_back(node, stated);
      decltype(s.external_ids)().swap(s.external_ids);
      SeenRecords seen_records;
      detail::BigVector<State::StatedId> stated;
      group(live_ids, remap, nodes, at, stated);
      // One entry per id (each record that states it kept as its provenance), in the order met; a
      // merged party's canonical id first: the kept record's own id.
      detail::BigVector<StringId> ids;
      ids.reserve(stated.size());
      detail::BigVector<std::uint32_t> ids_at(nodes + 1, 0), prov_at{0};
      detail::BigVector<ProvId> provs;
      provs.reserve(stated.size());
      prov_at.reserve(stated.size() + 1);
      for (std::uint32_t node = 0; node < nodes; ++node) {
        const std::size_t begin = ids.size();
        for (std::uint32_t item = at[node]; item < at[node + 1]; ++item)
          if (item == at[node] || std::find(ids.begin() + begin, ids.end(), stated[item].id) == ids.end())
            ids.push_back(stated[item].id);
        if (!kept.empty()) {
          const StringId canonical = own_ids[old_of[node]];
          const auto first = ids.begin() + begin;
          if (const auto found = std::find(first, ids.end(), canonical); found != ids.end()) std::rotate(first, found, found + 1);
        }
        gather_records(
            seen_records, ids.size() - begin, at[node], at[node + 1],
            [&](std::size_t kept_id, std::uint32_t copy) { return ids[begin + kept_id] == stated[copy].id; },
            [&](std::uint32_t copy) { return stated[copy].prov; }, prov_at, provs);
        ids_at[node + 1] = static_cast<std::uint32_t>(ids.size());
      }
      detail::BigVector<State::StatedId>().swap(stated);
      at = std::move(ids_at);
      graph.external_id_prov_at_ = unless_one_each(std::move(prov_at));
      graph.external_id_prov_ = Column(std::move(provs));
      graph.external_ids_at_ = unless_one_each(std::move(at));
      graph.external_id_ = Column(std::move(ids));
    }

    {  // Actions, in node order (actions were created in node order).
      detail::BigVector<NodeId> action_nodes;
      detail::BigVector<Action> actions;
      for (const auto& [node, action] : s.actions) {
        if (remap[index(node)] == kDropped) continue;
        action_nodes.push_back(NodeId{remap[index(node)]});
        actions.push_back(action);
      }
      SKG_ASSERT(std::is_sorted(action_nodes.begin(), action_nodes.end()) && "actions follow node order");
      graph.action_node_ = Column(std::move(action_nodes));
      graph.action_ = Column(std::move(actions));
    }
  };
  if (nodes >= kParallelFreeze) {
    parallel_for(2, 1, [&](std::size_t begin, std::size_t end, unsigned) {
      for (std::size_t task = begin; task < end; ++task) task == 0 ? node_names() : node_facts();
    });
  } else {
    node_names();
    node_facts();
  }

  // What is left runs as tasks (run_tasks) that each write graph columns of their own: the name
  // keys, for two halves of the nodes; their intern into the pool; the name index and the
  // external id index, which read the pool after it; the edges' order, then each edge column
  // permuted by a task of its own, and the provenance. The intern is one thread's work (one
  // pool). No edge is added after it unless same-as candidates can be (a party has a full birth
  // date): without them the edges are built beside it, on the other core, where before they
  // waited for it with that core idle.
  const auto births = birth_dates(s, graph);

  // The keys of the name index (normalise_name() of every name) are the last strings interned:
  // after them the pool's lookup table is freed, before the edges are built. Staged first and
  // interned together, in the same order: intern_all fetches each key's slot, offset and bytes a
  // few keys ahead, where one intern after another waited on each (the keys are random places
  // of a pool far larger than the caches; a tenth of a 1M-entity skg-csv load). The keys are
  // made by two tasks, each for one half of the nodes (normalise_name only reads the pool, and
  // the halves' keys are interned after, first half first: the same order).
  struct Keys {
    detail::StringArena texts;          // each distinct key of the names once, as first met
    detail::BigVector<std::uint32_t> key_of;  // by (name, node) pair: its key's place in `texts`
    detail::BigVector<NodeId> owners;         // the node of each pair
  };
  // A node's names are read from random places of the pool (a repeated name's string is where
  // it was first interned): each name's offsets and then its bytes are fetched a few names
  // ahead, in two stages (they were two cache misses a name, 8% of a 1M-entity skg-csv load),
  // and its memo slot too. The names of nodes [first, last) stand together in name_list_. A
  // name met before takes its key from the memo: the same keys in the same order, each made and
  // interned once (half of skg-gen's 1M names repeat one met before).
  constexpr std::size_t kOffsetsAhead = 16, kBytesAhead = 8, kMemoAhead = 8;
  const auto make_keys = [&](std::uint32_t first, std::uint32_t last, Keys& keys) {
    if (first == last) return;
    const Name* const list = graph.name_list_.data();
    const std::size_t list_begin = graph.names(NodeId{first}).data() - list;
    const std::size_t list_end = graph.names(NodeId{last - 1}).data() + graph.names(NodeId{last - 1}).size() - list;
    KeyMemo memo(list_end - list_begin);
    keys.key_of.reserve(list_end - list_begin);
    keys.owners.reserve(list_end - list_begin);
    for (std::uint32_t node = first; node < last; ++node) {
      for (const Name& name : graph.names(NodeId{node})) {
        const std::size_t at = &name - list;
        if (at + kOffsetsAhead < list_end) s.strings.prefetch_view(list[at + kOffsetsAhead].text, 0);
        if (at + kBytesAhead < list_end) s.strings.prefetch_view(list[at + kBytesAhead].text, 1);
        if (at + kMemoAhead < list_end) memo.prefetch(list[at + kMemoAhead].text);
        std::uint32_t place = KeyMemo::kNoKey;
        if (!memo.find(name.text, place)) {
          const std::string key = normalise_name(s.strings.view(name.text));
          if (!key.empty()) place = index(keys.texts.append(key));
          memo.note(place);
        }
        if (place == KeyMemo::kNoKey) continue;
        keys.key_of.push_back(place);
        keys.owners.push_back(NodeId{node});
      }
    }
  };
  const std::uint32_t half = nodes / 2;
  Keys low, high;
  detail::BigVector<std::pair<StringId, NodeId>> name_pairs;
  // With no same-as candidate to come, the keys are the last strings the pool takes: they are
  // interned in one go (the high half's after the low half's), without growing its table.
  const auto intern_keys = [&] {
    name_pairs.reserve(low.owners.size() + high.owners.size());
    if (births.empty()) {
      const auto high_at = static_cast<std::uint32_t>(low.texts.size());
      for (std::uint32_t at = 0; at < high.texts.size(); ++at) low.texts.append(high.texts.view(StringId{at}));
      const std::vector<StringId> key_ids = s.strings.intern_all_last(low.texts);
      for (std::size_t at = 0; at < low.owners.size(); ++at) name_pairs.emplace_back(key_ids[low.key_of[at]], low.owners[at]);
      for (std::size_t at = 0; at < high.owners.size(); ++at)
        name_pairs.emplace_back(key_ids[high_at + high.key_of[at]], high.owners[at]);
      low = Keys{};
      high = Keys{};
      return;
    }
    for (Keys* keys : {&low, &high}) {
      const std::vector<StringId> key_ids = s.strings.intern_all(keys->texts);
      for (std::size_t at = 0; at < keys->owners.size(); ++at)
        name_pairs.emplace_back(key_ids[keys->key_of[at]], keys->owners[at]);
      *keys = Keys{};
    }
    add_same_as_candidates_impl(s, graph, births, name_pairs, old_of, own_ids);
    s.strings.drop_index();
  };
  // Both indexes, each a task (they read the pool, into which nothing is interned after the
  // keys, and write graph columns of their own).
  const auto index_task = [&](std::size_t task) {
    switch (task) {
      case 0: {  // the name index
        detail::BigVector<std::uint32_t> slots, offsets;
        detail::BigVector<StringId> keys;
        detail::BigVector<NodeId> values;
        build_index(name_pairs, s.strings, slots, keys, offsets, values);
        graph.name_slots_ = Column(std::move(slots));
        graph.name_keys_ = Column(std::move(keys));
        graph.name_at_ = Column(std::move(offsets));
        graph.name_nodes_ = Column(std::move(values));
        break;
      }
      case 1:
        // The external id index holds positions in external_id_ (+ 1): a lookup reads the id's
        // text and its node from there, so it needs no key, offset or node columns (Graph::find).
        graph.ext_slots_ = Column(position_index(graph.external_id_, s.strings));
        break;
      default:
        SKG_ASSERT(false && "freeze has two index tasks");
    }
  };

  // Edges: forward CSR order is (source, insertion order); EdgeId is the position in it. The
  // id maps are freed first (same-as candidates, if any, are in by then).
  std::size_t old_edges = 0;
  std::uint32_t edges = 0;
  detail::BigVector<std::uint32_t> out_at, position;
  const auto edge_order = [&] {
    decltype(s.node_of)().swap(s.node_of);
    decltype(s.edge_of)().swap(s.edge_of);
    s.prov_index = {};
    s.edge_index = {};
    s.indexed_files = {};
    s.action_of = {};
    old_edges = s.source.size();
    out_at = fresh_vector<std::uint32_t>(nodes + 1, 0);
    for (std::size_t edge = 0; edge < old_edges; ++edge) {
      const auto from = remap[index(s.source[edge])], to = remap[index(s.target[edge])];
      if (s.edge_alive[edge] && from != kDropped && to != kDropped) ++out_at[from + 1];
    }
    std::partial_sum(out_at.begin(), out_at.end(), out_at.begin());
    edges = out_at[nodes];
    position = fresh_vector<std::uint32_t>(old_edges, kDropped);
    place_by_offsets(out_at, [&](std::uint32_t* cursor) {
      for (std::size_t edge = 0; edge < old_edges; ++edge) {
        const auto from = remap[index(s.source[edge])], to = remap[index(s.target[edge])];
        if (s.edge_alive[edge] && from != kDropped && to != kDropped) position[edge] = cursor[from]++;
      }
    });
  };
  // Each edge column is permuted into EdgeId order by a task of its own: a task reads its State
  // columns and `position` and writes its own graph columns, so the tasks are shared out over
  // two threads (graph/parallel.h) and the graph is the same on any number of threads. They were
  // a third of freeze() on one core of a 1M-entity skg-csv load, with the other core idle.
  // The ends are renumbered as they are placed (the State columns are freed after).
  const auto placed_ends = [&](auto& ends) {
    detail::BigVector<NodeId> out = fresh_vector<NodeId>(edges);
    for (std::size_t edge = 0; edge < old_edges; ++edge)
      if (position[edge] != kDropped) out[position[edge]] = NodeId{remap[index(ends[edge])]};
    std::remove_reference_t<decltype(ends)>().swap(ends);
    return out;
  };
  const auto edge_task = [&](std::size_t task) {
    switch (task) {
      case 0: {  // targets, then the reverse CSR: edges grouped by target, in EdgeId order within a target
        graph.target_ = Column(placed_ends(s.target));
        detail::BigVector<std::uint32_t> in_at = fresh_vector<std::uint32_t>(nodes + 1, 0);
        for (NodeId node : graph.target_) ++in_at[index(node) + 1];
        std::partial_sum(in_at.begin(), in_at.end(), in_at.begin());
        detail::BigVector<EdgeId> in_edges = fresh_vector<EdgeId>(edges);
        place_by_offsets(in_at, [&](std::uint32_t* cursor) {
          for (std::uint32_t edge = 0; edge < edges; ++edge) in_edges[cursor[index(graph.target_[edge])]++] = EdgeId{edge};
        });
        graph.in_at_ = Column(std::move(in_at));
        graph.in_edge_ = Column(std::move(in_edges));
        break;
      }
      case 1:
        graph.source_ = Column(placed_ends(s.source));
        break;
      case 2:
        graph.edge_kind_ = Column(permuted(s.edge_kind, position, edges));
        graph.set_shares(permuted(s.share, position, edges));
        graph.interest_ = permuted_unless_all(s.interest, position, edges, Interest::Unspecified);
        break;
      case 3:
        graph.edge_from_ = permuted_ranked(s.edge_from, position, edges);
        graph.edge_to_ = permuted_ranked(s.edge_to, position, edges);
        break;
      case 4:
        graph.role_ = permuted_ranked(s.role, position, edges);
        graph.edge_id_ = permuted_ranked(s.edge_id, position, edges, kNoString);
        break;
      case 5: {
        detail::BigVector<std::uint32_t> prov_at;
        detail::BigVector<ProvId> edge_prov;
        group_each<ProvId>([&](auto&& visit) { s.for_each_edge_prov(visit); }, position, edges, prov_at, edge_prov);
        detail::BigVector<ProvId>().swap(s.edge_first_prov);
        detail::BigVector<std::pair<std::uint32_t, ProvId>>().swap(s.edge_more_prov);
        drop_repeats_keyed(prov_at, edge_prov, same_record, record_key, RecordKeyHash{});
        graph.edge_prov_at_ = unless_one_each(std::move(prov_at));
        graph.edge_prov_ = Column(std::move(edge_prov));
        break;
      }
      case 6: {
        detail::BigVector<std::uint32_t> attributes_at;
        detail::BigVector<Attribute> edge_attributes;
        group(s.edge_attributes, position, edges, attributes_at, edge_attributes);
        drop_repeats(attributes_at, edge_attributes, same_attribute);
        if (!edge_attributes.empty()) graph.edge_attributes_at_ = Column(std::move(attributes_at));  // else: none
        graph.edge_attribute_ = Column(std::move(edge_attributes));
        break;
      }
      case 7:
        // The provenance records: read by task 5 too, and freed once every task has ended.
        graph.set_provenance(std::move(s.provenance));
        break;
      default:
        SKG_ASSERT(false && "freeze has eight edge tasks");
    }
  };
  constexpr std::size_t kEdgeTasks = 8;

  // The tasks in the order they are handed out, each with the earlier ones it waits for.
  struct Task {
    enum Kind : std::uint8_t { kKeys, kIntern, kIndex, kEdgeOrder, kEdgeColumns } kind;
    std::uint8_t part;  // the half of the keys, the index, the edge task
    std::array<std::size_t, 2> after;
  };
  detail::BigVector<Task> tasks;
  const auto add = [&](Task::Kind kind, std::size_t part, std::array<std::size_t, 2> after = {kNoTask, kNoTask}) {
    tasks.push_back({kind, static_cast<std::uint8_t>(part), after});
    return tasks.size() - 1;
  };
  const std::size_t low_keys = add(Task::kKeys, 0), high_keys = add(Task::kKeys, 1);
  std::size_t intern = kNoTask, order = kNoTask;
  if (births.empty()) {
    order = add(Task::kEdgeOrder, 0);
    intern = add(Task::kIntern, 0, {low_keys, high_keys});
  } else {  // same-as candidates may add edges: the edges wait for them
    intern = add(Task::kIntern, 0, {low_keys, high_keys});
    order = add(Task::kEdgeOrder, 0, {intern, kNoTask});
  }
  for (std::size_t task = 0; task < kEdgeTasks; ++task) add(Task::kEdgeColumns, task, {order, kNoTask});
  for (std::size_t task = 0; task < 2; ++task) add(Task::kIndex, task, {intern, kNoTask});
  const bool two_threads = s.source.size() >= kParallelFreeze || graph.name_list_.size() >= kParallelFreeze;
  run_tasks(
      tasks.size(), two_threads,
      [&](std::size_t at) {
        const Task& task = tasks[at];
        switch (task.kind) {
          case Task::kKeys:
            task.part == 0 ? make_keys(0, half, low) : make_keys(half, nodes, high);
            break;
          case Task::kIntern:
            intern_keys();
            break;
          case Task::kIndex:
            index_task(task.part);
            break;
          case Task::kEdgeOrder:
            edge_order();
            break;
          case Task::kEdgeColumns:
            edge_task(task.part);
            break;
        }
      },
      [&](std::size_t at) { return tasks[at].after; });
  graph.out_at_ = Column(std::move(out_at));
  detail::ProvenanceColumn().swap(s.provenance);
  graph.chars_ = Column(std::move(s.strings).release_chars());
  graph.set_string_offsets(std::move(s.strings).release_offsets());
  state_.reset();
  return graph;
}

// ---------------------------------------------------------------------------------------------
// A builder that starts from a frozen graph (to apply deltas).

Builder::Builder(const Graph& graph) : state_(std::make_unique<State>()) {
  State& s = *state_;
  // Every string keeps its id, so the graph's columns can be taken as they are. A graph that
  // holds one text twice (a snapshot skg did not write) cannot be taken: refused, not trusted.
  s.strings.reserve(graph.string_count(), graph.chars_.size());
  for (std::uint32_t at = 0; at < graph.string_count(); ++at) {
    const StringId id = s.strings.intern(graph.string(StringId{at}));
    if (index(id) != at)
      throw Error(fmt::format("the graph holds the string '{}' twice (as strings {} and {}); a builder "
                              "cannot start from it",
                              graph.string(StringId{at}), index(id), at));
  }
  s.provenance.reserve(graph.provenance_count());
  for (std::uint32_t at = 0; at < graph.provenance_count(); ++at) s.provenance.push_back(graph.provenance_record(ProvId{at}));
  for (const auto& run : s.provenance.file_runs()) s.files.insert(index(run.second));
  const auto nodes = static_cast<std::uint32_t>(graph.node_count());
  s.kind.assign(graph.kind_.begin(), graph.kind_.end());
  s.name.resize(nodes);  // name_id(): a snapshot may leave the column out (snapshot format 7)
  for (std::uint32_t node = 0; node < nodes; ++node) s.name[node] = graph.name_id(NodeId{node});
  // Dates in stored form (the graph may keep an all-open column empty).
  auto unpack_ranges = [](std::uint32_t count, auto range_of, auto& from, auto& to) {
    from.resize(count);
    to.resize(count);
    for (std::uint32_t at = 0; at < count; ++at) {
      const DateRange range = range_of(at);
      from[at] = stored_start(range);
      to[at] = stored_end(range);
    }
  };
  unpack_ranges(nodes, [&](std::uint32_t at) { return graph.valid(NodeId{at}); }, s.valid_from, s.valid_to);
  s.alive.assign(nodes, 1);
  s.live_nodes = nodes;
  s.node_of.assign(s.strings.size(), State::kNone);
  for (std::uint32_t node = 0; node < nodes; ++node) {
    const NodeId id{node};
    // Each name and id once per record that states it, as the builder keeps them (§9.4).
    const auto node_names = graph.names(id);
    for (std::size_t which = 0; which < node_names.size(); ++which) {
      const auto records = graph.name_provenance(id, which);
      if (records.empty()) s.names.emplace_back(id, State::StatedName{node_names[which], kUnknownProv});
      for (const ProvId prov : records) s.names.emplace_back(id, State::StatedName{node_names[which], prov});
    }
    for (const Attribute& attribute : graph.attributes(id)) s.attributes.emplace_back(id, attribute);
    for (ProvId prov : graph.provenance(id)) s.node_prov.emplace_back(id, prov);
    const auto ids = graph.external_ids(id);
    for (std::size_t which = 0; which < ids.size(); ++which) {
      const auto records = graph.external_id_provenance(id, which);
      if (records.empty()) s.external_ids.emplace_back(id, State::StatedId{ids[which], kUnknownProv});
      for (const ProvId prov : records) s.external_ids.emplace_back(id, State::StatedId{ids[which], prov});
      s.set_node_of(ids[which], id);
    }
  }
  for (std::size_t at = 0; at < graph.action_node_.size(); ++at) {
    s.action_of.set(index(graph.action_node_[at]), static_cast<std::uint32_t>(at));
    s.actions.emplace_back(graph.action_node_[at], graph.action_[at]);
  }
  const auto edges = static_cast<std::uint32_t>(graph.edge_count());
  if (!graph.sources_ready_.get()) graph.fill_sources();  // an opened graph's: derived at first use
  s.source.assign(graph.source_.begin(), graph.source_.end());
  s.target.assign(graph.target_.begin(), graph.target_.end());
  s.edge_kind.assign(graph.edge_kind_.begin(), graph.edge_kind_.end());
  s.share.resize(edges);
  for (std::uint32_t edge = 0; edge < edges; ++edge) s.share[edge] = graph.share(EdgeId{edge});
  s.interest.resize(edges);
  for (std::uint32_t edge = 0; edge < edges; ++edge) s.interest[edge] = graph.interest(EdgeId{edge});
  s.edge_id.resize(edges);
  for (std::uint32_t edge = 0; edge < edges; ++edge) {
    const DateRange range = graph.edge_valid(EdgeId{edge});
    s.edge_from.push_back(stored_start(range));
    s.edge_to.push_back(stored_end(range));
    s.role.push_back(graph.role_id(EdgeId{edge}));
    s.edge_id[edge] = graph.edge_external_id_id(EdgeId{edge});
  }
  s.edge_alive.assign(edges, 1);
  s.live_edges = edges;
  for (std::uint32_t edge = 0; edge < edges; ++edge) {
    if (s.edge_id[edge] != kNoString) s.set_edge_of(s.edge_id[edge], edge);
    const std::span<const ProvId> provs = graph.edge_provenance(EdgeId{edge});
    s.edge_first_prov.push_back(provs.empty() ? State::kNoEdgeProv : provs.front());
    for (const ProvId prov : provs.subspan(std::min<std::size_t>(1, provs.size()))) s.edge_more_prov.emplace_back(edge, prov);
    for (const Attribute& attribute : graph.edge_attributes(EdgeId{edge}))
      s.edge_attributes.emplace_back(edge, attribute);
  }
}

}  // namespace skg
