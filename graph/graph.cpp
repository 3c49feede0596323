#include "skg/graph/graph.h"

#include <atomic>

#include <fmt/format.h>
#include <algorithm>
#include <sys/mman.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "skg/graph/error.h"
#include "skg/graph/parallel.h"
#include "skg/graph/prefault.h"

namespace skg::inline v1 {

void detail::Mapping::reset() noexcept {
  if (address_ != nullptr) ::munmap(const_cast<void*>(address_), size_);
  address_ = nullptr;
  size_ = 0;
}

std::uint64_t detail::GraphToken::next() noexcept {
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

Graph::Graph() = default;
Graph::~Graph() = default;
Graph::Graph(Graph&&) noexcept = default;
Graph& Graph::operator=(Graph&&) noexcept = default;

namespace {

/// Writes each node of [first, last) into the items of its forward edges, those in [lo, hi) of
/// `out` (an opened graph's edge sources, derived from its offsets). A tight loop that writes
/// kSpill items at each node's first edge and then the rest of a longer run: the next node's
/// items overwrite what passes its own run. A loop over each run branched on its length (3 edges
/// a node, on average, at random) and mispredicted: 10-15 ms at 1M, 4-5 ms this way. No write
/// reaches `room` (a node whose spill would gets an exact loop). The open checked the offsets
/// (ascending, from 0 to the edge count); they are bounded again, as the file may have changed
/// since: then items may be wrong, each still a node of the graph, and none outside [lo, hi).
void derive_sources(NodeId* out, const Column<std::uint32_t>& out_at, std::size_t first, std::size_t last,
                    std::uint32_t lo, std::uint32_t hi, std::size_t room) {
  // Fresh pages: faulted in first (at the cold rate of a virtual machine's fresh memory, 12 MiB
  // at 1M edges was ~15 ms of one core), then written at memory speed.
  detail::populate_pages(reinterpret_cast<std::uintptr_t>(out + lo), reinterpret_cast<std::uintptr_t>(out + room));
  constexpr std::size_t kSpill = detail::LazySources::kSpill;
  std::uint32_t from = lo;
  for (std::size_t node = first; node < last; ++node) {
    std::uint32_t to = out_at[node + 1];
    if (to < from || to > hi) to = from;
    const NodeId id{static_cast<std::uint32_t>(node)};
    if (from + kSpill <= room) [[likely]] {
      for (std::size_t at = 0; at < kSpill; ++at) out[from + at] = id;
      for (std::uint32_t at = from + kSpill; at < to; ++at) out[at] = id;
    } else {
      for (std::uint32_t at = from; at < to; ++at) out[at] = id;
    }
    from = to;
  }
  for (std::uint32_t at = from; at < hi; ++at) out[at] = NodeId{static_cast<std::uint32_t>(last - 1)};
}

}  // namespace

void Graph::fill_sources() const noexcept {
  std::call_once(lazy_sources_->once, [this] {
    const std::size_t edges = source_.size(), nodes = node_count();
    NodeId* const out = lazy_sources_->items.data();
    // Two halves of the nodes, each on a core (the first half's items end where the second's
    // begin, so no item is written twice), from 64K edges; one below.
    constexpr std::size_t kTwoThreads = std::size_t{1} << 16;
    const std::size_t middle = edges >= kTwoThreads ? nodes / 2 : 0;
    // On one thread the whole fill starts at item 0, whatever the file's first offset now says.
    const auto split = middle == 0 ? 0u : static_cast<std::uint32_t>(std::min<std::size_t>(out_at_[middle], edges));
    const auto half = [&](std::size_t which) {
      if (which == 0) derive_sources(out, out_at_, 0, middle, 0, split, split);
      else derive_sources(out, out_at_, middle, nodes, split, static_cast<std::uint32_t>(edges),
                          edges + detail::LazySources::kSpill);
    };
    if (middle == 0) {
      half(1);  // all of it (split is 0)
    } else {
      parallel_for(2, 1, [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t which = begin; which < end; ++which) half(which);
      });
    }
    sources_ready_.set(true);
  });
}

namespace {
DateRange stored_range(std::int32_t from, std::int32_t to) {
  DateRange range;
  if (from != kOpenStart) range.start = Date{from};
  if (to != kOpenEnd) range.end = Date{to};
  return range;
}
}  // namespace

DateRange Graph::valid(NodeId node) const noexcept {
  return stored_range(valid_from_.empty() ? valid_from_sparse_.get(index(node), kOpenStart) : valid_from_[index(node)],
                      valid_to_.empty() ? valid_to_sparse_.get(index(node), kOpenEnd) : valid_to_[index(node)]);
}

std::span<const ProvId> Graph::provenance_by_exceptions(NodeId node) const noexcept {
  // The first exception at or after the node; every node before it and after the previous one
  // has one record, so its records start that many places after the previous exception's end.
  const std::uint32_t at = index(node);
  const auto found = std::lower_bound(node_prov_x_.begin(), node_prov_x_.end(), at);
  const auto next = static_cast<std::size_t>(found - node_prov_x_.begin());
  const std::uint32_t start =
      next == 0 ? at : node_prov_x_end_[next - 1] + (at - node_prov_x_[next - 1] - 1);
  const std::uint32_t end = (found != node_prov_x_.end() && *found == at) ? node_prov_x_end_[next] : start + 1;
  return node_prov_.slice(start, end);
}

DateRange Graph::edge_valid(EdgeId edge) const noexcept {
  return stored_range(edge_from_.get(index(edge), kOpenStart), edge_to_.get(index(edge), kOpenEnd));
}

const Action* Graph::action(NodeId node) const noexcept {
  const auto found = std::lower_bound(action_node_.begin(), action_node_.end(), node);
  if (found == action_node_.end() || *found != node) return nullptr;
  return &action_[static_cast<std::size_t>(found - action_node_.begin())];
}

std::vector<std::string_view> Graph::attribute(NodeId node, std::string_view key) const {
  std::vector<std::string_view> values;
  for (const Attribute& attribute : attributes(node))
    if (string(attribute.key) == key) values.push_back(string(attribute.value));
  return values;
}

void Graph::set_shares(std::span<const Percent> shares) {
  detail::BigVector<std::uint32_t> stored(shares.size());
  std::vector<Percent> ranges;
  for (std::size_t at = 0; at < shares.size(); ++at) {
    const Percent share = shares[at];
    if (!share.known()) stored[at] = kShareUnknown;
    else if (share.is_exact() && !share.low().open) stored[at] = share.low().units;
    else {
      SKG_ASSERT(ranges.size() < kShareUnknown - kShareRange && "share ranges fit their 31 bits");
      stored[at] = kShareRange + static_cast<std::uint32_t>(ranges.size());
      ranges.push_back(share);
    }
  }
  share_ = RankedColumn<std::uint32_t>::from(std::move(stored), kShareUnknown);
  share_range_ = Column(std::move(ranges));
}

void Graph::set_string_offsets(StringPool::Offsets offsets) {
  // The pool's 32-bit offsets are taken as they are; 64-bit ones only while they need to be.
  if (offsets.wide.empty()) {
    string_at32_ = Column(std::move(offsets.narrow));
    string_at_ = {};
  } else if (offsets.wide.back() <= 0xFFFFFFFFu) {
    string_at32_ = Column(detail::BigVector<std::uint32_t>(offsets.wide.begin(), offsets.wide.end()));
    string_at_ = {};
  } else {
    string_at32_ = {};
    string_at_ = Column(std::move(offsets.wide));
  }
}

Provenance Graph::provenance_record(ProvId id) const noexcept {
  const std::uint32_t at = index(id);
  const auto run = std::upper_bound(prov_source_at_.begin(), prov_source_at_.end(), at);
  Provenance record;
  record.source = prov_source_[static_cast<std::size_t>(run - prov_source_at_.begin()) - 1];
  record.record = prov_record_.empty() ? kNoString : prov_record_[at];
  if (prov_line_at_.empty()) {
    record.line = prov_line_[at];
  } else {  // the run holding `at`: its first line, plus how far into the run `at` is
    const auto found = std::upper_bound(prov_line_at_.begin(), prov_line_at_.end(), at);
    const auto run = static_cast<std::size_t>(found - prov_line_at_.begin()) - 1;
    record.line = prov_line_[run] + (at - prov_line_at_[run]);
  }
  return record;
}

void detail::ProvenanceColumn::densify(std::size_t count) {
  lines_.reserve(std::max(count, records_.capacity()));
  for (std::size_t at = 0; at < count; ++at) lines_.push_back(line(at));
  dense_ = true;
  std::vector<std::pair<std::uint32_t, std::uint32_t>>().swap(line_runs_);
}

void Graph::set_provenance(detail::ProvenanceColumn&& records) {
  // The builder's column has the files as runs already, and the lines as runs while they were
  // the smaller; the record ids are moved in (on reused blocks: detail::BigVector).
  const std::size_t count = records.size();
  std::vector<std::uint32_t> run_at;
  std::vector<StringId> sources;
  for (const auto& [first, source] : records.file_runs()) {
    if (!sources.empty() && sources.back() == source) continue;
    run_at.push_back(first);
    sources.push_back(source);
  }
  const bool any_record = std::any_of(records.records().begin(), records.records().end(),
                                      [](StringId id) { return id != kNoString; });
  // Lines by runs when that takes less room (two numbers a run against one a record).
  std::vector<std::uint32_t> line_at, line_first;
  if (records.dense()) {
    const auto& lines = records.lines();
    for (std::size_t at = 0; at < lines.size(); ++at)
      if (at == 0 || lines[at] != lines[at - 1] + 1 || lines[at - 1] == 0xFFFFFFFFu) {
        line_at.push_back(static_cast<std::uint32_t>(at));
        line_first.push_back(lines[at]);
      }
  } else {
    for (const auto& [first, line] : records.line_runs()) {
      line_at.push_back(first);
      line_first.push_back(line);
    }
  }
  if (count != 0 && line_first.size() * 2 + 1 < count) {
    line_at.push_back(static_cast<std::uint32_t>(count));
    prov_line_at_ = Column(std::move(line_at));
    prov_line_ = Column(std::move(line_first));
  } else {
    prov_line_at_ = {};
    if (records.dense()) {
      prov_line_ = Column(records.take_lines());
    } else {
      detail::BigVector<std::uint32_t> lines;
      lines.reserve(count);
      for (std::size_t at = 0; at < count; ++at) lines.push_back(records.line(at));
      prov_line_ = Column(std::move(lines));
    }
  }
  prov_source_at_ = Column(std::move(run_at));
  prov_source_ = Column(std::move(sources));
  prov_record_ = any_record ? Column(records.take_records()) : Column<StringId>();
}

std::string Graph::describe(ProvId id) const {
  const Provenance prov = provenance_record(id);
  std::string out(prov.source == kNoString ? std::string_view("(unknown source)") : string(prov.source));
  if (prov.line != 0) out += fmt::format(":{}", prov.line);
  if (prov.record != kNoString) out += fmt::format(" (record {})", string(prov.record));
  return out;
}

std::span<const NodeId> Graph::lookup(const StringIndexView& view, const Graph& graph,
                                      std::string_view key) noexcept {
  if (view.slots.empty()) return {};
  const std::size_t size = view.slots.size();
  for (std::size_t slot = detail::slot_home(detail::hash_string(key), size);; slot = slot + 1 == size ? 0 : slot + 1) {
    const std::uint32_t entry = view.slots[slot];
    if (entry == 0) return {};
    if (graph.string(view.keys[entry - 1]) == key)
      return view.values.subspan(view.offsets[entry - 1], view.offsets[entry] - view.offsets[entry - 1]);
  }
}

std::optional<NodeId> Graph::find(std::string_view external_id) const noexcept {
  if (ext_keys_.empty()) {  // slots hold positions in external_id_ (+ 1), the layout freeze writes
    if (ext_slots_.empty()) return std::nullopt;
    const std::size_t size = ext_slots_.size();
    for (std::size_t slot = detail::slot_home(detail::hash_string(external_id), size);;
         slot = slot + 1 == size ? 0 : slot + 1) {
      const std::uint32_t entry = ext_slots_[slot];
      if (entry == 0) return std::nullopt;
      if (string(external_id_[entry - 1]) != external_id) continue;
      if (external_ids_at_.empty()) return NodeId{entry - 1};  // one id each: position = node
      const auto owner = std::upper_bound(external_ids_at_.begin(), external_ids_at_.end(), entry - 1);
      return NodeId{static_cast<std::uint32_t>(owner - external_ids_at_.begin() - 1)};
    }
  }
  const StringIndexView view{ext_slots_.span(), ext_keys_.span(), ext_at_.span(), ext_nodes_.span()};
  const auto nodes = lookup(view, *this, external_id);
  if (nodes.empty()) return std::nullopt;
  return nodes.front();
}

std::span<const NodeId> Graph::find_by_name(std::string_view name) const {
  return lookup(name_index(), *this, normalise_name(name));
}

StringIndexView Graph::name_index() const noexcept {
  return {name_slots_.span(), name_keys_.span(), name_at_.span(), name_nodes_.span()};
}

GraphStats Graph::stats() const {
  GraphStats stats;
  stats.nodes = node_count();
  stats.edges = edge_count();
  stats.strings = string_count();
  stats.names = name_list_.size();
  stats.attributes = attribute_.size() + edge_attribute_.size();
  stats.provenance = provenance_count();
  stats.actions = action_node_.size();
  for (NodeKind kind : kind_) ++stats.nodes_by_kind[static_cast<int>(kind)];
  for (EdgeKind kind : edge_kind_) ++stats.edges_by_kind[static_cast<int>(kind)];
  auto add = [&](const auto&... columns) { stats.bytes += (columns.bytes() + ...); };
  add(kind_, name_, valid_from_, valid_to_, valid_from_sparse_, valid_to_sparse_, names_at_, attributes_at_,
      node_prov_at_, node_prov_x_, node_prov_x_end_, external_ids_at_, name_prov_own_, external_id_prov_own_,
      share_code_, share_dict_,
      name_list_, attribute_, node_prov_, external_id_, name_prov_at_, name_prov_, external_id_prov_at_, external_id_prov_, action_node_, action_, out_at_, source_, target_,
      edge_kind_, share_, share_range_, interest_, edge_from_, edge_to_, role_, edge_id_, edge_prov_at_, edge_attributes_at_,
      edge_prov_, edge_attribute_, in_at_, in_edge_, chars_, string_at_, string_at32_, prov_source_at_, prov_source_,
      prov_record_, prov_line_, ext_slots_, ext_at_,
      name_slots_, name_at_, ext_keys_, name_keys_, ext_nodes_, name_nodes_);
  return stats;
}

namespace {

/// Appends the UTF-8 encoding of `code`.
void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

/// Decodes one UTF-8 sequence at `at`; an invalid byte is returned as U+FFFD, one byte long.
char32_t next_code(std::string_view text, std::size_t& at) {
  const auto byte = static_cast<unsigned char>(text[at]);
  int length = byte < 0x80 ? 1 : (byte >> 5) == 6 ? 2 : (byte >> 4) == 14 ? 3 : (byte >> 3) == 30 ? 4 : 0;
  if (length == 0 || at + length > text.size()) {
    ++at;
    return 0xFFFD;
  }
  char32_t code = length == 1 ? byte : byte & (0x7F >> length);
  for (int more = 1; more < length; ++more) {
    const auto next = static_cast<unsigned char>(text[at + more]);
    if ((next & 0xC0) != 0x80) {
      ++at;
      return 0xFFFD;
    }
    code = (code << 6) | (next & 0x3F);
  }
  at += length;
  return code;
}

/// Appends the Unicode case folding of `code` (ICU, full folding as CaseFolding.txt gives it:
/// "Ł" -> "ł", "ẞ" -> "ss"). ASCII takes the fast path.
void append_folded(std::string& out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code >= 'A' && code <= 'Z' ? code + 32 : code);
    return;
  }
  if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {  // not a character: kept as it is
    append_utf8(out, code);
    return;
  }
  UChar in[2];
  std::int32_t in_length = 0;
  [[maybe_unused]] UBool unused = false;
  U16_APPEND(in, in_length, 2, static_cast<UChar32>(code), unused);
  UChar folded[8];
  UErrorCode status = U_ZERO_ERROR;
  const std::int32_t length = u_strFoldCase(folded, 8, in, in_length, U_FOLD_CASE_DEFAULT, &status);
  if (U_FAILURE(status) || length > 8) {
    append_utf8(out, code);
    return;
  }
  for (std::int32_t at = 0; at < length;) {
    UChar32 part;
    U16_NEXT(folded, at, length, part);
    append_utf8(out, static_cast<char32_t>(part));
  }
}

bool is_separator(char32_t code) {
  if (code < 0x80) return !((code >= '0' && code <= '9') || (code >= 'a' && code <= 'z') || (code >= 'A' && code <= 'Z'));
  return code == 0xA0 || (code >= 0x2000 && code <= 0x206F) || code == 0x3000 || code == 0xFFFD ||
         code == 0xAB || code == 0xBB;  // spaces, general punctuation, « »
}

}  // namespace

std::string normalise_name(std::string_view name) {
  // ASCII first, byte by byte into room sized up front (each byte written stands for a byte
  // read, so the input's size is enough): nearly every name is ASCII, and the general loop below
  // cost a decode and an append per character (a fifth of a freeze of every list). It stops at the
  // first byte beyond ASCII and the general loop goes on from there in the same state.
  std::string out(name.size(), '\0');
  std::size_t written = 0, at = 0;
  bool pending_space = false;
  for (; at < name.size(); ++at) {
    const auto byte = static_cast<unsigned char>(name[at]);
    if (byte >= 0x80) break;
    if (byte == '\'') continue;  // O'Brien = OBrien
    const bool upper = byte >= 'A' && byte <= 'Z';
    if (!upper && !(byte >= 'a' && byte <= 'z') && !(byte >= '0' && byte <= '9')) {
      pending_space = written != 0;
      continue;
    }
    if (pending_space) out[written++] = ' ';
    pending_space = false;
    out[written++] = static_cast<char>(upper ? byte + 32 : byte);
  }
  out.resize(written);
  while (at < name.size()) {
    const char32_t code = next_code(name, at);
    if (code == '\'' || code == 0x2019) continue;  // O'Brien = OBrien
    if (is_separator(code)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    append_folded(out, code);
  }
  return out;
}

}  // namespace skg
