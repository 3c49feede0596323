// The "skg-csv" bulk tables (see csv_bulk.h for the layout). Built for speed on large files:
// two worker threads cut the text into blocks of rows in turn (RFC 4180 fields as views into
// the file, line numbers, field counts, UTF-8 checked) and each prepares its own blocks at once
// (hashes of the fields the pool looks up; an edges file's plain rows checked and their ends
// resolved), while the calling thread, which alone touches the batch, turns each finished block
// into records in file order. Errors are found in the worker and
// raised in order by the caller, so the first bad line of the file is the one reported, and the
// batch (all or nothing) is the only thing written.
#include "skg/loaders/csv_bulk.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <cerrno>
#include <deque>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "skg/loaders/json_common.h"  // parse_partial_date
#include "skg/loaders/measures.h"
#include "skg/loaders/pipeline.h"
#include "skg/loaders/source.h"

namespace skg::inline v1 {

namespace {

using detail::SkgCsvTable;

// The roles a column can play; kAttribute: any other name, kept as an attribute.
enum class Column : std::uint8_t {
  kId, kKind, kName, kSource, kTarget, kShare, kStart, kEnd, kRole, kEntity, kList, kAuthority,
  kProgram, kListedOn, kAttribute
};
constexpr std::size_t kColumnRoles = static_cast<std::size_t>(Column::kAttribute);

struct ColumnName {
  std::string_view name;
  Column role;
};
constexpr ColumnName kColumnNames[] = {
    {"id", Column::kId},           {"kind", Column::kKind},         {"schema", Column::kKind},
    {"type", Column::kKind},       {"name", Column::kName},         {"source", Column::kSource},
    {"src", Column::kSource},      {"from", Column::kSource},       {"target", Column::kTarget},
    {"dst", Column::kTarget},      {"to", Column::kTarget},         {"share", Column::kShare},
    {"percentage", Column::kShare}, {"start", Column::kStart},      {"start_date", Column::kStart},
    {"end", Column::kEnd},         {"end_date", Column::kEnd},      {"role", Column::kRole},
    {"entity", Column::kEntity},   {"list", Column::kList},         {"authority", Column::kAuthority},
    {"program", Column::kProgram}, {"listed_on", Column::kListedOn}, {"listed_date", Column::kListedOn},
};

bool equal_folded(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t at = 0; at < a.size(); ++at) {
    char c = a[at];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[at]) return false;
  }
  return true;
}

Column role_of(std::string_view name) noexcept {
  for (const ColumnName& known : kColumnNames)
    if (equal_folded(name, known.name)) return known.role;
  return Column::kAttribute;
}

/// A header: each column's name and role, where each role sits, and the table it makes.
struct Header {
  std::vector<std::string> names;
  std::vector<Column> roles;
  std::array<int, kColumnRoles> at{};  // -1: absent
  SkgCsvTable table = SkgCsvTable::Nodes;
  std::string problem;  // why it is no header of the format ("" when it is one)

  int column(Column role) const noexcept { return at[static_cast<std::size_t>(role)]; }
  std::size_t attribute_columns() const noexcept {
    return static_cast<std::size_t>(std::count(roles.begin(), roles.end(), Column::kAttribute));
  }
  bool has(Column role) const noexcept { return column(role) >= 0; }
};

/// Splits one header line (plain names; a quoted name is read without its quotes).
Header read_header(std::string_view line) {
  Header header;
  header.at.fill(-1);
  if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  for (std::size_t start = 0;;) {
    const std::size_t comma = line.find(',', start);
    std::string_view name = trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    const Column role = role_of(name);
    if (name.empty()) {
      header.problem = fmt::format("column {} of the header has no name", header.names.size() + 1);
      return header;
    }
    if (role != Column::kAttribute) {
      int& slot = header.at[static_cast<std::size_t>(role)];
      if (slot >= 0) {
        header.problem = fmt::format("columns '{}' and '{}' of the header say the same thing",
                                     header.names[static_cast<std::size_t>(slot)], name);
        return header;
      }
      slot = static_cast<int>(header.names.size());
    }
    header.names.emplace_back(name);
    header.roles.push_back(role);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (header.has(Column::kSource) && header.has(Column::kTarget) && header.has(Column::kKind)) {
    header.table = SkgCsvTable::Edges;
  } else if (header.has(Column::kEntity) && header.has(Column::kList)) {
    header.table = SkgCsvTable::Listings;
  } else if (header.has(Column::kId) && header.has(Column::kKind) && header.has(Column::kName) &&
             !header.has(Column::kSource) && !header.has(Column::kTarget)) {
    header.table = SkgCsvTable::Nodes;
  } else {
    header.problem =
        "the header names no skg-csv table (nodes: id,kind,name; edges: source,target,kind; "
        "listings: entity,list)";
  }
  return header;
}

// ---- the worker: rows out of text ------------------------------------------------------------

/// The value of an id that is a plain number as skg-gen writes them ("0", "17"; no sign, no
/// leading zero, at most 9 digits), else nullopt: only such ids go through the number table, so
/// that one number stands for exactly one id text.
[[gnu::always_inline]] inline std::optional<std::uint32_t> plain_number(std::string_view id) noexcept {
  if (id.empty() || id.size() > 9 || (id[0] == '0' && id.size() > 1)) return std::nullopt;
  std::uint32_t value = 0;
  for (const char c : id) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return value;
}

/// plain_number() of a field that is no plain number (plain numbers have at most 9 digits).
constexpr std::uint32_t kNotNumber = 0xFFFFFFFFu;

/// plain_number(id) (kNotNumber: none) for an id with at least 8 bytes of text from its start to
/// `end`: up to 8 digits are read as one word (the digits moved to its top, zeros below them as
/// leading zeros, each byte checked to be a digit, then combined by three multiplies), instead of
/// a digit at a time with a branch for each (an edges table's ends, 6M of them at 1M nodes).
[[gnu::always_inline]] inline std::uint32_t plain_number_before(std::string_view id, const char* end) noexcept {
  const std::size_t size = id.size();
  if (size == 0 || size > 8 || end - id.data() < 8) return plain_number(id).value_or(kNotNumber);
  if (id[0] == '0' && size > 1) return kNotNumber;
  if constexpr (std::endian::native != std::endian::little) return plain_number(id).value_or(kNotNumber);
  std::uint64_t word;
  std::memcpy(&word, id.data(), 8);
  // Bytes past the id may borrow from the bytes above them only: those are shifted out.
  word -= 0x3030303030303030ull;
  word <<= 8 * (8 - size);
  if (((word + 0x7676767676767676ull) | word) & 0x8080808080808080ull) return kNotNumber;  // a byte no digit
  word = word * 10 + (word >> 8);
  word = (((word & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
          (((word >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >> 32;
  return static_cast<std::uint32_t>(word);
}

/// The value of a text of one to three ASCII digits ("7", "059", "100"), else a number over 100.
[[gnu::always_inline]] inline std::uint32_t small_whole(std::string_view text) noexcept {
  if (text.empty() || text.size() > 3) return 1000;
  std::uint32_t value = 0;
  for (const char c : text) {
    const auto digit = static_cast<std::uint32_t>(static_cast<unsigned char>(c)) - '0';
    if (digit > 9) return 1000;
    value = value * 10 + digit;
  }
  return value;
}

/// A row the worker could not split, at its line.
struct RowProblem {
  std::uint32_t row;  // the rows before it in its block
  std::uint64_t line;
  std::string reason;
};

/// An edge row a parsing worker found plain: both ends in the number table, a link kind, a share
/// and dates that read, no role, id or attribute. The reading thread only adds it; every other
/// row it reads itself, as before (and reports what is wrong with it in line order). `from` is
/// kNoString where the row is not staged.
using StagedEdge = Batch::PlainEdge;

/// A block of rows: `columns` fields per row, each row's first line.
struct Block {
  std::vector<std::string_view> fields;
  std::vector<std::uint64_t> lines;
  std::vector<RowProblem> problems;  // in line order
  /// Per row (as `lines`), detail::hash_string of the two fields the reading thread prefetches
  /// (TableReader::hot_columns; 0 for an empty one), hashed on a parsing worker so that the
  /// reading thread hashes neither for its prefetch stages nor for a node's intern. Empty when
  /// the table prefetches nothing.
  std::vector<std::array<std::uint64_t, 2>> hashes;
  /// Per row (as `lines`), where the reading thread resolves an edges file's ends by the number
  /// table (TableReader::stages_edges): the row as a parsing worker read it. Empty otherwise.
  std::vector<StagedEdge> staged;
  /// Per row (as `lines`) of a nodes file, plain_number() of its id (kNotNumber: none), read on a
  /// parsing worker for the number table. Empty otherwise.
  std::vector<std::uint32_t> numbers;
  /// Per row (as `lines`) of a nodes file, its kind read on a parsing worker (kNoNodeKind: none
  /// that a node may have). Empty otherwise.
  std::vector<std::uint8_t> node_kinds;
  /// Per row (as `lines`) of an edges file the workers stage, plain_number() of its two ends:
  /// prepare()'s, kept with the block so that its memory is reused block after block.
  std::vector<std::array<std::uint32_t, 2>> end_numbers;
  std::deque<std::string> unescaped;  // fields that held "" (views point here)
  /// The block's bytes where they were read from the file (RowSplitter::next_block), `text` and
  /// the fields being views into them; kept (not freed) when the block is emptied and refilled.
  std::unique_ptr<char[]> buffer;
  std::size_t buffer_size = 0;
  std::size_t end_offset = 0;         // bytes of the file done when this block ends
  /// The block's rows, where no quote is among them: a parsing worker splits it (RowSplitter::
  /// split); empty once split (a block with a quote is split as it is read, in file order).
  std::string_view text;
  /// The line breaks in the block. `lines` and each problem's line count from the block's first
  /// line (0): the reading thread adds the breaks of the blocks before.
  std::uint64_t breaks = 0;

  /// Empties it for the splitter to refill (its buffers keep their memory).
  void clear() noexcept {
    fields.clear();
    lines.clear();
    problems.clear();
    hashes.clear();
    staged.clear();
    numbers.clear();
    node_kinds.clear();
    end_numbers.clear();
    unescaped.clear();
    end_offset = 0;
    text = {};
    breaks = 0;
  }
};


/// Cuts `text` (the rows after the header) into blocks of about kBlockBytes. A block that holds
/// no quote ends at a line break and every line break in it ends a row: next_block() only finds
/// its end, and split() (on a parsing worker, several blocks at once) cuts its rows. A block with
/// a quote, where a row may run over several lines, is cut as it is read, in file order.
class RowSplitter {
 public:
  static constexpr std::size_t kBlockBytes = 1 << 19;
  /// `file`: a descriptor of the file that holds `text` at offset `base_offset` (-1: none), from
  /// which next_block() reads a block's bytes into the block instead of reading `text` itself.
  /// `block_rows`: about how many rows a block holds (0: not known), which its columns get room
  /// for up front.
  RowSplitter(std::string_view text, std::size_t base_offset, std::size_t columns, int file = -1, std::size_t block_rows = 0)
      : text_(text), base_(base_offset), columns_(columns), file_(file),
        block_rows_(block_rows == 0 ? kBlockBytes / 48 : block_rows) {}

  /// Fills `block` (emptied first) with the next rows, or with their text for split(); false
  /// once they were the last.
  bool next_block(Block& block) {
    block.clear();
    if (file_ >= 0 && read_block(block)) return at_ < text_.size();
    const std::size_t n = text_.size();
    std::size_t stop = std::min(n, at_ + kBlockBytes);
    if (stop < n) {
      const void* newline = std::memchr(text_.data() + stop, '\n', n - stop);
      stop = newline == nullptr ? n : static_cast<std::size_t>(static_cast<const char*>(newline) - text_.data()) + 1;
    }
    if (std::memchr(text_.data() + at_, '"', stop - at_) == nullptr) {
      block.text = text_.substr(at_, stop - at_);
      at_ = stop;
      block.end_offset = base_ + at_;
      return at_ < n;
    }
    read_rows(block, std::min(n, at_ + kBlockBytes));
    return at_ < n;
  }

  /// next_block() for a block that holds no quote, its bytes read from `file_` into the block's
  /// buffer (the same bytes as text_'s, cut at the same place): false, with nothing done, for a
  /// block with a quote (or a failed read), which next_block() reads from text_ as before.
  /// Reading a mapped table's bytes cost its first touch of each page: 1.5K page faults for
  /// the 98 MB of the 1M-entity tables, 12 us each on this VM, and with the mapping populated
  /// up front still 40-90 ms to scan the 66 MB edges table, against 17-24 ms to read it a block
  /// at a time into one reused buffer (the kernel copies from the page cache through its own
  /// mapping). The blocks are recycled, so their buffers are faulted in once per pipeline.
  bool read_block(Block& block) {
    const std::size_t n = text_.size();
    // The first line break at or after kBlockBytes ends the block: a little past it is read
    // with it, and more (twice as much each time) while no break is found.
    std::size_t want = std::min(n - at_, kBlockBytes + kReadPast);
    std::size_t got = 0;
    for (;;) {
      if (block.buffer_size < want) {
        block.buffer = std::make_unique_for_overwrite<char[]>(want);
        block.buffer_size = want;
        got = 0;
      }
      while (got < want) {
        const ssize_t read = ::pread(file_, block.buffer.get() + got, want - got, static_cast<off_t>(base_ + at_ + got));
        if (read < 0 && errno == EINTR) continue;
        if (read <= 0) return false;  // text_ is read instead (and says what is wrong)
        got += static_cast<std::size_t>(read);
      }
      const char* data = block.buffer.get();
      std::size_t stop = std::min(n - at_, kBlockBytes);  // from at_
      if (at_ + stop < n) {
        const void* newline = std::memchr(data + stop, '\n', got - stop);
        if (newline == nullptr && at_ + got < n) {
          want = std::min(n - at_, 2 * want);
          continue;
        }
        stop = newline == nullptr ? got : static_cast<std::size_t>(static_cast<const char*>(newline) - data) + 1;
      }
      if (std::memchr(data, '"', stop) != nullptr) return false;
      block.text = std::string_view(data, stop);
      at_ += stop;
      block.end_offset = base_ + at_;
      return true;
    }
  }

  /// Cuts the rows of a block next_block() left whole (Block::text), on any thread.
  void split(Block& block) const {
    if (block.text.empty()) return;
    const std::string_view text = block.text;
    block.text = {};
    reserve(block);
    if (find_invalid_utf8(text) == std::string_view::npos) return split_plain(text, block);
    RowSplitter rows(text, block.end_offset - text.size(), columns_, -1, block_rows_);  // rows checked one by one
    rows.read_rows(block, text.size());
  }

 private:
  /// Room for a block's rows. A column that fills past its room regrows, each time into fresh
  /// pages: a nodes table's block (21K rows of 4 fields) outgrew the 32K fields it had room for
  /// twice, 3.5 MB of fresh memory for 1.3 MB of fields, in each block the pipeline keeps.
  /// At most a field for every two bytes of a block: a header of many columns over a few rows
  /// must not reserve more than the text could fill.
  void reserve(Block& block) const {
    constexpr std::size_t kMostFields = kBlockBytes / 2;
    block.fields.reserve(std::min(kMostFields, block_rows_ * std::min(columns_, kMostFields)));
    block.lines.reserve(std::min(kMostFields, block_rows_));
  }

  /// Reads rows into `block` until one ends at or after `stop` (line numbers from 0).
  void read_rows(Block& block, std::size_t stop) {
    reserve(block);
    line_ = 0;
    // UTF-8: checked over the block's bytes first; rows are checked one by one only when the
    // block holds an invalid sequence (a row may run past `stop`: its rest is checked with it).
    const std::size_t check_end = std::min(text_.size(), stop + 4096);
    const bool block_valid = find_invalid_utf8(text_.substr(at_, check_end - at_)) == std::string_view::npos;
    while (at_ < text_.size() && at_ < stop) read_row(block, block_valid);
    block.end_offset = base_ + at_;
    block.breaks = line_;
  }

  /// What read_rows() makes of valid UTF-8 text that holds no quote, where each ',' ends a field
  /// and each line break a row: the bytes that end fields are found 16 at a time.
  void split_plain(std::string_view text, Block& block) const {
    const char* data = text.data();
    const std::size_t n = text.size();
    std::size_t start = 0;  // of the field being read
    std::size_t count = 0;  // fields of the row so far
    std::uint64_t line = 0;
    const auto end_row = [&](std::size_t end, bool newline) {
      // An empty line (nothing, or a carriage return, before its break) is no row.
      const bool empty_line = count == 0 && newline && (end == start || (end == start + 1 && data[start] == '\r'));
      if (!empty_line) {
        std::size_t field_end = end;
        if (field_end > start && data[field_end - 1] == '\r') --field_end;
        block.fields.emplace_back(data + start, field_end - start);
        ++count;
        if (count == columns_) {
          block.lines.push_back(line);
        } else {
          block.fields.resize(block.fields.size() - count);
          block.problems.push_back({static_cast<std::uint32_t>(block.lines.size()), line,
                                    fmt::format("{} field{}, the header has {}", count, count == 1 ? "" : "s", columns_)});
        }
      }
      count = 0;
      start = end + 1;
      if (newline) ++line;
    };
    const auto at_stop = [&](std::size_t at) {
      if (data[at] == ',') {
        block.fields.emplace_back(data + start, at - start);
        ++count;
        start = at + 1;
      } else {
        end_row(at, true);
      }
    };
    std::size_t at = 0;
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), newline = _mm_set1_epi8('\n');
    for (; at + 16 <= n; at += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at));
      auto stops = static_cast<unsigned>(
          _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, comma), _mm_cmpeq_epi8(bytes, newline))));
      for (; stops != 0; stops &= stops - 1) at_stop(at + static_cast<std::size_t>(__builtin_ctz(stops)));
    }
#endif
    for (; at < n; ++at)
      if (data[at] == ',' || data[at] == '\n') at_stop(at);
    if (start < n || count > 0) end_row(n, false);  // a last row with no line break after it
    block.breaks = line;
  }

 private:
  void read_row(Block& block, bool block_valid) {
    const std::size_t row_start = at_;
    const std::uint64_t row_line = line_;
    const std::size_t fields_before = block.fields.size();
    std::string problem;
    const std::size_t n = text_.size();
    // An empty line is no row.
    if (text_[at_] == '\n' || (text_[at_] == '\r' && at_ + 1 < n && text_[at_ + 1] == '\n')) {
      at_ += text_[at_] == '\n' ? 1 : 2;
      ++line_;
      return;
    }
    std::size_t count = 0;
    for (bool row_done = false; !row_done;) {
      std::string_view field;
      if (at_ < n && text_[at_] == '"') {
        const std::size_t open = at_++;
        bool doubled = false;
        for (;;) {
          const void* found = std::memchr(text_.data() + at_, '"', n - at_);
          if (found == nullptr) {
            // Unterminated: the rest of the file is this field. Count its lines for the record.
            problem = "unterminated quoted field";
            line_ += static_cast<std::uint64_t>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(at_), text_.end(), '\n'));
            at_ = n;
            row_done = true;
            break;
          }
          const std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(found) - text_.data());
          line_ += static_cast<std::uint64_t>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(at_),
                                                         text_.begin() + static_cast<std::ptrdiff_t>(quote), '\n'));
          if (quote + 1 < n && text_[quote + 1] == '"') {
            doubled = true;
            at_ = quote + 2;
            continue;
          }
          at_ = quote + 1;
          break;
        }
        if (row_done) break;
        field = text_.substr(open + 1, at_ - open - 2);
        if (doubled) {
          std::string& out = block.unescaped.emplace_back();
          out.reserve(field.size());
          for (std::size_t at = 0; at < field.size(); ++at) {
            out += field[at];
            if (field[at] == '"') ++at;  // "" -> "
          }
          field = out;
        }
        if (at_ < n && text_[at_] != ',' && text_[at_] != '\n' &&
            !(text_[at_] == '\r' && (at_ + 1 == n || text_[at_ + 1] == '\n'))) {
          problem = "text after a closing quote";
        }
      } else {
        const std::size_t start = at_;
        while (at_ < n) {
          const char c = text_[at_];
          if (c == ',' || c == '\n') break;
          if (c == '"' && problem.empty()) problem = "a quote inside a field that does not start with one";
          ++at_;
        }
        std::size_t end = at_;
        if (end > start && (at_ == n || text_[at_] == '\n') && text_[end - 1] == '\r') --end;
        field = text_.substr(start, end - start);
      }
      if (!problem.empty()) {
        // Skip to the end of the line; the row is bad.
        while (at_ < n && text_[at_] != '\n') ++at_;
      }
      ++count;
      if (problem.empty()) block.fields.push_back(field);
      if (at_ >= n) {
        row_done = true;
      } else if (text_[at_] == '\r' && at_ + 1 < n && text_[at_ + 1] == '\n') {
        at_ += 2, ++line_, row_done = true;
      } else if (text_[at_] == '\n') {
        ++at_, ++line_, row_done = true;
      } else if (text_[at_] == ',') {
        ++at_;
      } else {
        ++at_, row_done = true;  // '\r' after a closing quote at the end of the file
      }
    }
    if (problem.empty() && count != columns_)
      problem = fmt::format("{} field{}, the header has {}", count, count == 1 ? "" : "s", columns_);
    if (problem.empty() && !block_valid) {
      const std::string_view raw = text_.substr(row_start, at_ - row_start);
      if (const std::size_t bad = find_invalid_utf8(raw); bad != std::string_view::npos)
        problem = fmt::format("invalid UTF-8 at byte {} of the row", bad + 1);
    }
    if (!problem.empty()) {
      block.fields.resize(fields_before);
      block.problems.push_back({static_cast<std::uint32_t>(block.lines.size()), row_line, std::move(problem)});
      return;
    }
    block.lines.push_back(row_line);
  }

  std::string_view text_;
  std::size_t base_;
  std::size_t columns_;
  int file_;
  std::size_t block_rows_;
  static constexpr std::size_t kReadPast = 4096;
  std::uint64_t line_ = 0;  // line breaks read in this block
  std::size_t at_ = 0;
};

// ---- the caller: rows into the batch ---------------------------------------------------------

/// Threads that split and prepare blocks: one splits at a time, both prepare.
constexpr std::size_t kParseWorkers = 2;

constexpr std::string_view kNodeKinds = "Person, Company, Organization, LegalEntity, Vessel, Aircraft";

/// The kinds a table's kind texts read as, for the last few texts: a table repeats a handful of
/// kind texts, and finding one among them is cheaper than parsing it again.
template <class Kind>
class RecentKinds {
 public:
  /// What `text` reads as: `parse(text)`, called only when `text` is none of the recent texts.
  template <class Parse>
  std::optional<Kind> read(std::string_view text, Parse parse) {
    for (std::size_t at = 0; at < used_; ++at)  // inline: memcmp calls were 2.6% of a nodes table's reading thread
      if (detail::same_text(texts_[at], text)) return kinds_[at];
    const std::size_t slot = used_ < kSlots ? used_++ : next_++ % kSlots;
    texts_[slot].assign(text);
    kinds_[slot] = parse(text);
    return kinds_[slot];
  }

 private:
  static constexpr std::size_t kSlots = 8;
  std::array<std::string, kSlots> texts_;
  std::array<std::optional<Kind>, kSlots> kinds_;
  std::size_t used_ = 0, next_ = 0;
};

/// Block::node_kinds of a row whose kind the reading thread reads itself.
constexpr std::uint8_t kNoNodeKind = 0xFF;

/// A node row's kind text (trimmed) as a kind a nodes table may give, or nullopt.
std::optional<NodeKind> read_node_kind(std::string_view text, RecentKinds<NodeKind>& kinds) {
  const std::optional<NodeKind> kind = kinds.read(text, [](std::string_view text) {
    std::optional<NodeKind> parsed = parse_node_kind(text);
    if (!parsed && equal_folded(text, "publicbody")) parsed = NodeKind::Organization;  // FtM schema names
    if (!parsed && equal_folded(text, "airplane")) parsed = NodeKind::Aircraft;
    return parsed;
  });
  if (!kind || *kind == NodeKind::Authority || *kind == NodeKind::Action) return std::nullopt;
  return kind;
}

class TableReader {
 public:
  /// `rows`: about how many rows the file holds (the number table is kept within a few times it).
  TableReader(const std::string& path, LoadContext& context, const Header& header, std::size_t rows)
      : path_(path), context_(context), header_(header),
        has_dates_(header.has(Column::kStart) || header.has(Column::kEnd)),
        key_ids_(header.names.size(), kNoString) {
    for (std::size_t column = 0; column < header_.roles.size(); ++column)
      if (header_.roles[column] == Column::kAttribute) attribute_columns_.push_back(column);
    LoadContext::NumericIds& numbers = context_.numeric_ids;
    // The number table says what the batch defines only while no other loader ran since the last
    // nodes file (one could have taken an entity back out): otherwise it starts again.
    const bool current = numbers.entities == context_.batch.entity_count();
    if (header_.table == SkgCsvTable::Nodes) {
      if (!current) numbers.by_number.clear();
      number_limit_ = numbers.by_number.size() + 4 * rows + 4096;
      // Room for about this file's ids (skg-gen's count up from 0): the table does not regrow
      // and copy itself as it fills.
      numbers.by_number.reserve(numbers.by_number.size() + rows);
    }
    numbered_ends_ = header_.table == SkgCsvTable::Edges && current && !numbers.by_number.empty();
  }

  /// The two columns whose fields add() prefetches from the string pool, for the splitter to
  /// hash: an edge's ends, a node's id and name; -1 where there is none (a listings file, or an
  /// edges file whose ends the number table resolves, prefetches nothing).
  std::array<int, 2> hot_columns() const noexcept {
    if (header_.table == SkgCsvTable::Listings || numbered_ends_) return {-1, -1};
    if (header_.table == SkgCsvTable::Edges) return {header_.column(Column::kSource), header_.column(Column::kTarget)};
    return {header_.column(Column::kId), header_.column(Column::kName)};
  }

  /// Whether the parsing workers stage this file's rows (Block::staged): an edges file whose
  /// ends the number table resolves.
  bool stages_edges() const noexcept { return numbered_ends_; }

  /// A parsing worker's part of a block, on any thread and on several blocks at once: it reads
  /// only the header, the number table (which no thread writes while an edges file is read) and
  /// the block. The hot fields' hashes; an edges file's plain rows staged.
  void prepare(Block& block) const {
    const std::size_t columns = header_.names.size();
    const std::size_t rows = block.lines.size();
    const std::array<int, 2> hot = hot_columns();
    if (hot[0] >= 0 || hot[1] >= 0) {
      block.hashes.resize(rows);
      for (std::size_t row = 0; row < rows; ++row)
        for (std::size_t at = 0; at < hot.size(); ++at) {
          if (hot[at] < 0) continue;
          const std::string_view text = block.fields[row * columns + static_cast<std::size_t>(hot[at])];
          block.hashes[row][at] = text.empty() ? 0 : detail::hash_string(text);
        }
    }
    if (header_.table == SkgCsvTable::Nodes) {
      const std::size_t id_column = static_cast<std::size_t>(header_.column(Column::kId));
      block.numbers.resize(rows);
      for (std::size_t row = 0; row < rows; ++row)
        block.numbers[row] = plain_number(block.fields[row * columns + id_column]).value_or(kNotNumber);
      // Each row's kind, read here instead of on the reading thread (which reads a row whose
      // text is no node kind again, to say so in line order).
      const std::size_t kind_column = static_cast<std::size_t>(header_.column(Column::kKind));
      RecentKinds<NodeKind> kinds;
      block.node_kinds.resize(rows);
      for (std::size_t row = 0; row < rows; ++row) {
        const std::optional<NodeKind> kind = read_node_kind(trim(block.fields[row * columns + kind_column]), kinds);
        block.node_kinds[row] = kind ? static_cast<std::uint8_t>(*kind) : kNoNodeKind;
      }
    }
    if (!stages_edges()) return;
    // The ends' entries of the number table (4 MB at 1M nodes) are read at random places: all
    // the block's ends are read as numbers first, and each row's entries fetched rows ahead.
    const std::vector<StringId>& by_number = context_.numeric_ids.by_number;
    const std::size_t from_column = static_cast<std::size_t>(header_.column(Column::kSource));
    const std::size_t to_column = static_cast<std::size_t>(header_.column(Column::kTarget));
    std::vector<std::array<std::uint32_t, 2>>& numbers = block.end_numbers;  // the block's: its memory is reused
    numbers.clear();
    numbers.reserve(rows);
    for (std::size_t row = 0; row < rows; ++row) {
      const std::string_view* fields = block.fields.data() + row * columns;
      numbers.push_back({plain_number(fields[from_column]).value_or(kNotNumber), plain_number(fields[to_column]).value_or(kNotNumber)});
    }
    constexpr std::size_t kNumberAhead = 16;
    const auto prefetch = [&](std::size_t row) {
      for (const std::uint32_t number : numbers[row])
        if (number < by_number.size()) detail::prefetch_line(by_number.data() + number);
    };
    for (std::size_t row = 0; row < std::min(rows, kNumberAhead); ++row) prefetch(row);
    block.staged.reserve(rows);  // appended, not resized: each row is written once
    RecentKinds<EdgeKind> kinds;
    for (std::size_t row = 0; row < rows; ++row) {
      if (row + kNumberAhead < rows) prefetch(row + kNumberAhead);
      block.staged.push_back(stage_edge(block.fields.data() + row * columns, numbers[row], kinds));
    }
  }

  /// split() and prepare() in one pass, for an edges block that holds no quote (Block::text) in
  /// a file whose rows the workers stage: each row is cut into fields on the stack and staged at
  /// once, without writing the block's field and number columns and reading them back (half of
  /// a parsing worker's time). Only a block whose every row stages is taken (each row one line,
  /// no carriage return, no empty line, valid UTF-8, ends in the number table, a kind, share and
  /// dates that read): it is then staged whole (Block::staged and Block::lines, no fields), and
  /// true. Any other block is left as it was, for split() and prepare() to read it as before.
  bool stage_whole(Block& block) const {
    constexpr std::size_t kMaxColumns = 8;
    const std::size_t columns = header_.names.size();
    const std::string_view text = block.text;
    if (!stages_edges() || columns > kMaxColumns || text.empty() || text.back() != '\n') return false;
    const std::vector<StringId>& by_number = context_.numeric_ids.by_number;
    const std::size_t from_column = static_cast<std::size_t>(header_.column(Column::kSource));
    const std::size_t to_column = static_cast<std::size_t>(header_.column(Column::kTarget));
    // A row's ends' entries of the number table are read at random places: each row is staged
    // kAhead rows after it was cut, its entries fetched in between (a ring of cut rows).
    constexpr std::size_t kAhead = 16;
    struct CutRow {
      std::array<std::string_view, kMaxColumns> fields;
      std::array<std::uint32_t, 2> numbers;
    };
    std::array<CutRow, kAhead> ring;
    block.staged.reserve(RowSplitter::kBlockBytes / 16);
    block.lines.reserve(RowSplitter::kBlockBytes / 16);
    RecentKinds<EdgeKind> kinds;
    std::size_t cut = 0;  // rows cut so far
    // A table of ends, kind and share only (skg-gen's): a row whose kind text is the last staged
    // row's and whose share is empty or a small whole number is staged here, as stage_edge()
    // would (no id, role, attribute or date to check); any other row by stage_edge().
    const int kind_column = header_.column(Column::kKind), share_column = header_.column(Column::kShare);
    const bool lean = std::all_of(header_.roles.begin(), header_.roles.end(), [](Column role) {
      return role == Column::kSource || role == Column::kTarget || role == Column::kKind || role == Column::kShare;
    });
    std::string_view last_kind_text;  // "": none yet
    EdgeKind last_kind{};
    const auto stage = [&](std::size_t row) {
      const CutRow& of = ring[row % kAhead];
      block.lines.push_back(row);
      const std::string_view kind_text = of.fields[static_cast<std::size_t>(kind_column)];
      if (lean && !last_kind_text.empty() && detail::same_text(kind_text, last_kind_text)) {
        const std::string_view share = share_column < 0 ? std::string_view() : of.fields[static_cast<std::size_t>(share_column)];
        const std::uint32_t whole = share.empty() ? 0 : small_whole(share);
        if (whole <= 100) {
          StagedEdge& out = block.staged.emplace_back();
          out.kind = last_kind;
          if (!share.empty()) out.share = Percent::exact_units(whole * Percent::kUnitsPerPercent);
          const auto [from, to] = of.numbers;
          out.from = from < by_number.size() ? by_number[from] : kNoString;
          out.to = to < by_number.size() ? by_number[to] : kNoString;
          if (out.from == kNoString || out.to == kNoString) return false;  // stage_edge would not stage it either
          return true;
        }
      }
      const StagedEdge& out = block.staged.emplace_back(stage_edge(of.fields.data(), of.numbers, kinds));
      if (out.from == kNoString) return false;
      last_kind_text = kind_text;
      last_kind = out.kind;
      return true;
    };
    const char* data = text.data();
    // A row cut whole (`rows` cut so far, this one included): its ends read as numbers and their
    // entries fetched, and the row kAhead before it staged (its slot is the next row's).
    const auto end_row = [&](CutRow& row, std::size_t rows) {
      row.numbers = {plain_number_before(row.fields[from_column], data + text.size()),
                     plain_number_before(row.fields[to_column], data + text.size())};
      for (const std::uint32_t number : row.numbers)
        if (number < by_number.size()) detail::prefetch_line(by_number.data() + number);
      return rows < kAhead || stage(rows - kAhead);
    };
    // The bytes are read once, 16 at a time (the last few from a copy padded with zeros): each
    // ',' and line break ends a field, a carriage return turns the block away, and a byte past
    // ASCII has the block's UTF-8 checked after the rows (as split() checks it before them).
#if defined(__SSE2__)
    const std::size_t n = text.size();
    std::size_t start = 0, count = 0;  // the field being read, the fields of the row so far
    std::string_view* fields = ring[0].fields.data();  // the row being cut
    bool plain = true, ascii = true;
    const __m128i comma = _mm_set1_epi8(','), newline = _mm_set1_epi8('\n'), carriage = _mm_set1_epi8('\r');
    for (std::size_t at = 0; plain && at < n; at += 16) {
      __m128i bytes;
      if (at + 16 <= n) {
        bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at));
      } else {
        alignas(16) char tail[16] = {};
        std::memcpy(tail, data + at, n - at);
        bytes = _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
      }
      auto stops = static_cast<unsigned>(
          _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, comma), _mm_cmpeq_epi8(bytes, newline))));
      if (_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, carriage)) != 0) plain = false;
      if (_mm_movemask_epi8(bytes) != 0) ascii = false;
      for (; plain && stops != 0; stops &= stops - 1) {
        const std::size_t stop = at + static_cast<std::size_t>(__builtin_ctz(stops));
        if (count == columns) plain = false;  // more fields than the header's
        if (!plain) break;
        fields[count++] = std::string_view(data + start, stop - start);
        start = stop + 1;
        if (data[stop] == ',') continue;
        plain = count == columns;  // not fewer, and no empty line
        if (!plain) break;
        count = 0;
        CutRow& row = ring[cut % kAhead];
        ++cut;
        fields = ring[cut % kAhead].fields.data();
        plain = end_row(row, cut);
      }
    }
#else
    bool plain = false, ascii = true;  // split() and prepare() read it
    (void)data, (void)end_row;
#endif
    if (plain && !ascii && find_invalid_utf8(text) != std::string_view::npos) plain = false;
    for (std::size_t row = cut >= kAhead ? cut - kAhead + 1 : 0; plain && row < cut; ++row) plain = stage(row);
    if (!plain) {
      block.staged.clear();
      block.lines.clear();
      return false;
    }
    block.text = {};
    block.breaks = cut;
    return true;
  }

  /// Adds the rows of one block; bad rows go to context.bad_record (strict mode: it throws).
  void add(const Block& block) {
    const std::size_t columns = header_.names.size();
    const std::size_t rows = block.lines.size();
    std::size_t problem = 0;
    // An edge's ends are ids met at random places of the string pool, three dependent cache
    // misses each (table slot, offset, bytes): they are fetched in three stages, rows ahead.
    // A node row's id is mostly a new string: only its table slot is prefetched. Its name takes
    // all three stages: names repeat (405K distinct among the 1M of the generated graph), and a
    // repeated one is found at a random place like an edge's end (a new one stops at stage 1).
    // An edges file whose ends the number table resolves has nothing to fetch from the pool.
    const bool prefetch_ends = header_.table != SkgCsvTable::Listings && block.problems.empty() && !numbered_ends_;
    const bool edges = header_.table == SkgCsvTable::Edges;
    const bool hashed = block.hashes.size() == rows;  // by hot_columns(): the source's (or id's), the target's (or name's)
    const auto prefetch = [&](std::size_t row, int stage) {
      const std::string_view* fields = block.fields.data() + row * columns;
      const std::string_view first = field(fields, edges ? Column::kSource : Column::kId);
      const std::string_view second = field(fields, edges ? Column::kTarget : Column::kName);
      if (hashed) {
        if (edges || stage == 0) context_.batch.prefetch(first, stage, block.hashes[row][0]);
        context_.batch.prefetch(second, stage, block.hashes[row][1]);
        return;
      }
      if (edges || stage == 0) context_.batch.prefetch(first, stage);
      context_.batch.prefetch(second, stage);
    };
    constexpr std::size_t kSlotAhead = 24, kOffsetAhead = 12, kBytesAhead = 4;
    if (prefetch_ends)
      for (std::size_t row = 0; row < std::min(rows, kSlotAhead); ++row) prefetch(row, 0);
    // An edges file whose ends the number table resolves: the workers staged its plain rows,
    // which go into the batch a run at a time (Batch::add_plain_edges), after the file's first
    // edge (which takes the file's source handle).
    const bool staged = block.staged.size() == rows;
    for (std::size_t row = 0; row < rows; ++row) {
      for (; problem < block.problems.size() && block.problems[problem].row <= row; ++problem)
        bad(first_line_ + block.problems[problem].line, block.problems[problem].reason, {});
      if (staged && edge_source_ && block.staged[row].from != kNoString) {
        std::size_t end = row + 1;
        const std::size_t stop = problem < block.problems.size() ? block.problems[problem].row : rows;
        while (end < rows && end < stop && block.staged[end].from != kNoString) ++end;
        context_.batch.add_plain_edges(*edge_source_, std::span(block.staged).subspan(row, end - row),
                                       std::span(block.lines).subspan(row, end - row), first_line_);
        edges_ += end - row;
        row = end - 1;
        continue;
      }
      if (prefetch_ends) {
        if (row + kSlotAhead < rows) prefetch(row + kSlotAhead, 0);
        if (row + kOffsetAhead < rows) prefetch(row + kOffsetAhead, 1);
        if (row + kBytesAhead < rows) prefetch(row + kBytesAhead, 2);
      }
      line_ = first_line_ + block.lines[row];
      if (staged && block.staged[row].from != kNoString) {  // the file's first edge (no fields when staged whole)
        add_staged_edge(block.staged[row]);
        continue;
      }
      const std::string_view* fields = block.fields.data() + row * columns;
      switch (header_.table) {
        case SkgCsvTable::Nodes:
          add_node(fields, hashed ? &block.hashes[row] : nullptr, block.numbers.size() == rows ? block.numbers[row] : kNotNumber,
                   block.node_kinds.size() == rows ? block.node_kinds[row] : kNoNodeKind);
          break;
        case SkgCsvTable::Edges: add_edge(fields); break;
        case SkgCsvTable::Listings: add_listing(fields); break;
      }
    }
    for (; problem < block.problems.size(); ++problem)
      bad(first_line_ + block.problems[problem].line, block.problems[problem].reason, {});
    first_line_ += block.breaks;
  }

  /// Called after the last block: the number table is current as of now.
  void finish() {
    if (header_.table == SkgCsvTable::Nodes) context_.numeric_ids.entities = context_.batch.entity_count();
    flush_counts();
  }

 private:
  void flush_counts() {
    LoadReport& report = context_.report;
    for (auto [key, count] : {std::pair{"entities", entities_}, {"edges", edges_}, {"actions", actions_},
                              {"attributes", attributes_}, {"listings with an unmapped list", unmapped_}})
      if (count != 0) report.add(key, count);
  }

  /// The StringId of a node id this load's nodes files defined, by the number table; kNoString
  /// when the table does not know it (the general look-up then decides).
  StringId numbered(std::string_view id) const noexcept {
    if (!numbered_ends_) return kNoString;
    const auto number = plain_number(id);
    const std::vector<StringId>& by_number = context_.numeric_ids.by_number;
    return number && *number < by_number.size() ? by_number[*number] : kNoString;
  }
  /// `number`: plain_number(id), kNotNumber when it is none.
  void remember_number(std::string_view id, std::uint32_t number, StringId string) {
    // Only the ids of a batch bound to a builder are pool ids that add_edge may take as found
    // ends (defined_id() says so for the first row; an unbound batch answers kNoString).
    if (!numbers_checked_) {
      numbers_checked_ = true;
      number_limit_ = context_.batch.defined_id(id) == string ? number_limit_ : 0;
    }
    if (number == kNotNumber || number >= number_limit_) return;
    std::vector<StringId>& by_number = context_.numeric_ids.by_number;
    if (number >= by_number.size())
      by_number.resize(std::min(number_limit_, std::max<std::size_t>(std::size_t{number} + 1, 2 * by_number.size())), kNoString);
    by_number[number] = string;
  }

  /// The key of attribute column `column`, interned at its first use (where add_attribute with
  /// texts would intern it, so the pool's order is the same).
  StringId key_id(std::size_t column) {
    StringId& key = key_ids_[column];
    if (key == kNoString) key = context_.batch.string_id(header_.names[column]);
    return key;
  }

  /// string_id() of a value of attribute column `column`: a value equal to the column's last one
  /// (skg-gen's "listed" holds "0" or "1") takes its id without hashing and looking it up again.
  /// Only in a bound batch, where equal texts are equal ids.
  StringId value_id(std::size_t column, std::string_view value) {
    Batch& batch = context_.batch;
    if (!batch.bound()) return batch.string_id(value);
    if (last_values_.empty()) last_values_.resize(header_.names.size());
    auto& [text, id] = last_values_[column];
    if (id == kNoString || !detail::same_text(value, text)) {  // inline: memcmp calls were 4% of the nodes phase
      text.assign(value);  // a copy: the view may be into a recycled block's unescaped fields
      id = batch.string_id(value);
    }
    return id;
  }

  std::string_view field(const std::string_view* fields, Column role) const {
    const int at = header_.column(role);
    return at < 0 ? std::string_view{} : fields[at];
  }

  void bad(std::uint64_t line, std::string reason, std::string_view record) {
    context_.bad_record(LoadError(path_, line, std::move(reason), std::string(record)));
  }

  /// A date column: empty is unknown; `end` gives the exclusive end of the last day in force.
  bool date(const std::string_view* fields, Column role, bool end, std::optional<Date>& into,
            std::string_view record) {
    std::string problem = date_problem(fields, role, end, into);
    if (problem.empty()) return true;
    bad(line_, std::move(problem), record);
    return false;
  }
  /// date() on any thread: what is wrong with the date, or "".
  std::string date_problem(const std::string_view* fields, Column role, bool end, std::optional<Date>& into) const {
    const std::string_view text = trim(field(fields, role));
    if (text.empty()) return {};
    into = detail::parse_partial_date(text, end, /*inclusive_end=*/true);
    if (into) return {};
    return fmt::format("{} '{}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                       header_.names[static_cast<std::size_t>(header_.column(role))], text);
  }

  /// An edge row's kind, share and dates into `values` (its ends left as they are), checked in
  /// add_edge's order: why the row is bad, or "". On any thread: the parsing workers stage rows
  /// with it and add_edge reports with it, so both read a row alike.
  std::string read_edge_values(const std::string_view* fields, RecentKinds<EdgeKind>& kinds, StagedEdge& values) const {
    const std::string_view kind_text = trim(field(fields, Column::kKind));
    const std::optional<EdgeKind> kind = kinds.read(kind_text, [](std::string_view text) { return parse_edge_kind(text); });
    if (!kind || *kind == EdgeKind::TargetOf || *kind == EdgeKind::IssuedBy || *kind == EdgeKind::SameAs)
      return fmt::format("kind '{}' is not a link between parties (OWNS, CONTROLS, SUBSIDIARY_OF, "
                         "DIRECTOR_OF, OFFICER_OF, FAMILY, ASSOCIATE, LINKED_TO, MEMBER_OF, "
                         "EMPLOYEE_OF, REPRESENTS, SUCCESSOR_OF, UNKNOWN_LINK)",
                         kind_text);
    values.kind = *kind;
    // A whole number of percent of up to three digits (skg-gen's shares) is what Percent::parse
    // reads it as, found without the trims and the general parse (a sixth of a worker's time).
    const std::string_view share = field(fields, Column::kShare);
    if (const std::uint32_t whole = small_whole(share); whole <= 100) {
      values.share = Percent::exact_units(whole * Percent::kUnitsPerPercent);
    } else if (std::string_view text = trim(share); !text.empty()) {
      std::string_view number = text;
      if (number.ends_with('%')) number = trim(number.substr(0, number.size() - 1));
      const auto parsed = Percent::parse(number);
      if (!parsed) return fmt::format("share '{}' is not a number from 0 to 100", text);
      values.share = *parsed;
    }
    if (!has_dates_) return {};  // no date to read (3M rows of skg-gen's edges table)
    if (std::string problem = date_problem(fields, Column::kStart, false, values.valid.start); !problem.empty())
      return problem;
    if (std::string problem = date_problem(fields, Column::kEnd, true, values.valid.end); !problem.empty())
      return problem;
    if (values.valid.start && values.valid.end && *values.valid.end <= *values.valid.start)
      return "the edge ends before it starts";
    return {};
  }

  /// `hashes`: the row's id's and name's hashes (Block::hashes), where a parsing worker made them.
  /// `number`: plain_number() of the row's id (Block::numbers), kNotNumber when it is none.
  /// `kind_code`: the row's kind (Block::node_kinds), kNoNodeKind where it is read here.
  void add_node(const std::string_view* fields, const std::array<std::uint64_t, 2>* hashes, std::uint32_t number,
                std::uint8_t kind_code) {
    const std::string_view id = field(fields, Column::kId);
    if (id.empty()) return bad(line_, "the node has no id", {});
    std::optional<NodeKind> kind;
    if (kind_code != kNoNodeKind) {
      kind = static_cast<NodeKind>(kind_code);
    } else {
      const std::string_view kind_text = trim(field(fields, Column::kKind));
      kind = read_node_kind(kind_text, node_kind_);
      if (!kind) return bad(line_, fmt::format("kind '{}' is not a node kind ({})", kind_text, kNodeKinds), id);
    }
    const Source at{path_, id, static_cast<std::uint32_t>(line_)};
    Batch& batch = context_.batch;
    const std::string_view name = field(fields, Column::kName);
    StringId id_string = kNoString;
    std::optional<Batch::SourceRef> ref;
    if (hashes != nullptr) {
      // The same strings interned in add_entity's order (the source's file and record, the id,
      // the name), each with the splitter's hash instead of hashing it here. After the first
      // row, the file is taken from the last row's source (not compared again), and the id is
      // the record the source has just interned (not looked up again).
      ref = node_source_ ? batch.source_ref_at(*node_source_, id, (*hashes)[0], at.line) : batch.source_ref(at, (*hashes)[0]);
      node_source_ = ref;
      id_string = batch.record_id(*ref, id);
      batch.add_entity(id_string, *kind, batch.string_id(name, (*hashes)[1]), *ref);
    } else {
      id_string = batch.add_entity({.id = id, .kind = *kind, .name = name, .source = at});
    }
    ++entities_;
    remember_number(id, number, id_string);
    for (const std::size_t column : attribute_columns_) {
      if (fields[column].empty()) continue;
      if (ref) {
        // By the row's source handle: its file and record texts are not compared again for
        // each attribute (1M rows of skg-gen's nodes table carry one). Key, then value: the
        // order the text overload interns them in.
        const StringId key = key_id(column);
        batch.add_attribute(id_string, key, value_id(column, fields[column]), *ref);
      } else {
        batch.add_attribute(id_string, key_id(column), fields[column], at);
      }
      ++attributes_;
    }
  }

  /// What prepare() made of an edge row: `from` kNoString where the row is not plain (add_edge
  /// reads it). Each check is add_edge's, in its order; a row one of them turns away is left to
  /// add_edge, which says why in line order.
  StagedEdge stage_edge(const std::string_view* fields, std::array<std::uint32_t, 2> numbers,
                        RecentKinds<EdgeKind>& kinds) const {
    StagedEdge out;
    const std::string_view from = field(fields, Column::kSource), to = field(fields, Column::kTarget);
    if (from.empty() || to.empty() || !field(fields, Column::kId).empty() || !field(fields, Column::kRole).empty())
      return out;
    for (const std::size_t column : attribute_columns_)
      if (!fields[column].empty()) return out;
    if (!read_edge_values(fields, kinds, out).empty()) return out;
    const std::vector<StringId>& by_number = context_.numeric_ids.by_number;
    const StringId from_id = numbers[0] < by_number.size() ? by_number[numbers[0]] : kNoString;
    const StringId to_id = numbers[1] < by_number.size() ? by_number[numbers[1]] : kNoString;
    if (from_id == kNoString || to_id == kNoString) return out;
    out.from = from_id;
    out.to = to_id;
    return out;
  }

  /// An edge row prepare() staged: what add_edge does for it once its checks and look-ups passed.
  /// Its ends' texts are not needed: add_edge with found ends does not read them.
  void add_staged_edge(const StagedEdge& staged) {
    ++edges_;
    const EdgeRecord record{.kind = staged.kind, .from = {}, .to = {},
                            .share = staged.share, .valid = staged.valid, .role = {},
                            .source = {path_, {}, static_cast<std::uint32_t>(line_)}, .id = {}};
    Batch& batch = context_.batch;
    const Batch::SourceRef at = edge_source_ ? batch.source_ref_at(*edge_source_, record.source.line)
                                             : batch.source_ref(record.source);
    edge_source_ = at;
    batch.add_edge(record, staged.from, staged.to, at);
  }

  void add_edge(const std::string_view* fields) {
    const std::string_view from = field(fields, Column::kSource), to = field(fields, Column::kTarget);
    const std::string_view id = field(fields, Column::kId);
    if (from.empty() || to.empty())
      return bad(line_, fmt::format("the edge has no {}", from.empty() ? "source" : "target"), id);
    StagedEdge values;
    if (std::string problem = read_edge_values(fields, edge_kind_, values); !problem.empty())
      return bad(line_, std::move(problem), id);
    const std::string_view role = field(fields, Column::kRole);
    ++edges_;
    // Both ends defined by this load's node rows (the common case: nodes files are read first)
    // are looked up once; an end defined elsewhere goes the general way below.
    // Plain-number ids come from the number table the nodes files filled, without hashing.
    StringId from_id = numbered(from), to_id = kNoString;
    if (from_id == kNoString) from_id = context_.batch.defined_id(from);
    if (from_id != kNoString) {
      to_id = numbered(to);
      if (to_id == kNoString) to_id = context_.batch.defined_id(to);
    }
    if (to_id != kNoString || (context_.resolves(from) && context_.resolves(to))) {
      const EdgeRecord record{.kind = values.kind, .from = from, .to = to, .share = values.share, .valid = values.valid, .role = role,
                              .source = {path_, {}, static_cast<std::uint32_t>(line_)}, .id = id};
      std::uint32_t edge = 0;
      if (to_id != kNoString) {
        // Every row's source is this file at the row's line: after the first, it is found by
        // the first one's handle, not by comparing the file's path with the last source's.
        Batch& batch = context_.batch;
        const Batch::SourceRef at = edge_source_ ? batch.source_ref_at(*edge_source_, record.source.line)
                                                 : batch.source_ref(record.source);
        edge_source_ = at;
        edge = batch.add_edge(record, from_id, to_id, at);
      } else {
        edge = context_.batch.add_edge(record);
      }
      for (const std::size_t column : attribute_columns_) {
        if (fields[column].empty()) continue;
        context_.batch.add_edge_attribute(edge, header_.names[column], fields[column]);
        ++attributes_;
      }
      return;
    }
    // An end an earlier load or a later file defines: checked (and deferred) the slow way.
    PendingEdge pending{.kind = values.kind, .from = std::string(from), .to = std::string(to), .role = std::string(role),
                        .id = std::string(id), .file = path_, .record = {}, .line = line_, .share = values.share,
                        .valid = values.valid, .attributes = {}};
    for (std::size_t column = 0; column < header_.roles.size(); ++column)
      if (header_.roles[column] == Column::kAttribute && !fields[column].empty())
        pending.attributes.emplace_back(header_.names[column], fields[column]);
    attributes_ += pending.attributes.size();
    context_.add_edge_or_defer(std::move(pending));
  }

  void add_listing(const std::string_view* fields) {
    const std::string_view entity = field(fields, Column::kEntity);
    const std::string_view list = trim(field(fields, Column::kList));
    std::string id(field(fields, Column::kId));
    if (entity.empty()) return bad(line_, "the listing has no entity", id);
    if (list.empty()) return bad(line_, "the listing has no list", id);
    if (id.empty()) id = fmt::format("{}#{}", entity, list);
    std::optional<Date> listed;
    DateRange in_force;
    if (!date(fields, Column::kListedOn, false, listed, id) || !date(fields, Column::kStart, false, in_force.start, id) ||
        !date(fields, Column::kEnd, true, in_force.end, id))
      return;
    if (in_force.start && in_force.end && *in_force.end <= *in_force.start)
      return bad(line_, "the listing ends before it starts", id);
    // What the list means comes from the cited OpenSanctions dataset table, never from its words.
    const auto mapping = detail::ftm_dataset_mapping(list);
    if (!mapping) ++unmapped_;
    std::string authority(trim(field(fields, Column::kAuthority)));
    if (authority.empty() && mapping) authority = std::string(detail::issuer_authority(mapping->issuer));
    PendingAction action{.id = id, .target = std::string(entity), .authority = std::move(authority),
                         .list = std::string(list), .program = std::string(trim(field(fields, Column::kProgram))),
                         .legal_basis = {}, .measures = mapping ? std::string(mapping->basis) : std::string(),
                         .citation = {}, .file = path_, .record = id, .line = line_, .listed = listed,
                         .in_force = in_force, .attributes = {},
                         .measure_set = mapping ? mapping->measures : Measures{},
                         .issuer = mapping ? mapping->issuer : Issuer::Unknown,
                         .list_id = mapping ? mapping->list : SanctionList::Unknown};
    for (std::size_t column = 0; column < header_.roles.size(); ++column)
      if (header_.roles[column] == Column::kAttribute && !fields[column].empty())
        action.attributes.emplace_back(header_.names[column], fields[column]);
    attributes_ += action.attributes.size();
    ++actions_;
    context_.add_action_or_defer(std::move(action));
  }

  const std::string& path_;
  LoadContext& context_;
  const Header& header_;
  const bool has_dates_;  // a start or end column: an edge row's dates are read
  std::vector<std::size_t> attribute_columns_;  // the columns kept as attributes, in order
  std::vector<StringId> key_ids_;  // by column: the attribute keys, once interned
  RecentKinds<NodeKind> node_kind_;
  RecentKinds<EdgeKind> edge_kind_;
  std::optional<Batch::SourceRef> edge_source_;  // an edge row's source (this file, no record)
  std::optional<Batch::SourceRef> node_source_;  // the last node row's source (this file, its id)
  std::vector<std::pair<std::string, StringId>> last_values_;  // by column: value_id()'s last
  bool numbered_ends_ = false;     // an edges file that looks its ends up in the number table
  std::size_t number_limit_ = 0;   // numbers past it stay out of the table (it stays small)
  bool numbers_checked_ = false;   // whether the batch's ids may go into the table was checked
  std::uint64_t line_ = 0;
  std::uint64_t first_line_ = 2;  // the file's line of the next block's first line (after the header)
  std::uint64_t entities_ = 0, edges_ = 0, actions_ = 0, attributes_ = 0, unmapped_ = 0;
};

/// A table file's bytes. A large one is mapped from the page cache instead of read whole into
/// a buffer: the read's copy and the kernel zeroing the buffer's fresh pages came to 12% of a
/// 1M-entity load (98 MB), on the reading thread before the first row. Its file stays open:
/// RowSplitter reads the blocks that hold no quote from it into their own reused buffers, and
/// only the header, the first MiB and the blocks with a quote through the mapping. A small
/// file, or one that cannot be mapped, is read by SourceFile as before, which also makes every
/// error message the same. (A file truncated by another process while it is loaded would end
/// the process with SIGBUS: the price of a mapping, as for any reader that maps its input.)
class TableText {
 public:
  explicit TableText(const std::string& path) {
    constexpr std::size_t kMapFrom = std::size_t{1} << 20;
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd >= 0) {
      struct stat info {};
      if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && static_cast<std::uint64_t>(info.st_size) >= kMapFrom) {
        const auto size = static_cast<std::size_t>(info.st_size);
        void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (mapped != MAP_FAILED) {
          ::madvise(mapped, size, MADV_SEQUENTIAL);  // read ahead if it is not cached
          map_ = static_cast<const char*>(mapped);
          size_ = size;
        }
      }
      if (map_ != nullptr) {
        fd_ = fd;
      } else {
        ::close(fd);
      }
    }
    if (map_ == nullptr) read_.emplace(path);
  }
  ~TableText() {
    if (map_ != nullptr) ::munmap(const_cast<char*>(map_), size_);
    if (fd_ >= 0) ::close(fd_);
  }
  TableText(const TableText&) = delete;
  TableText& operator=(const TableText&) = delete;
  std::string_view text() const noexcept { return read_ ? read_->text() : std::string_view(map_, size_); }
  /// As SourceFile::content(): after a UTF-8 byte-order mark, a trailing 0x1A dropped.
  std::string_view content() const noexcept { return file_content(text()); }
  /// The open file of a mapped text, whose offsets are text()'s (RowSplitter reads its blocks
  /// from it); -1 for a text read whole.
  int file() const noexcept { return fd_; }

 private:
  std::optional<SourceFile> read_;
  const char* map_ = nullptr;
  std::size_t size_ = 0;
  int fd_ = -1;
};

}  // namespace

namespace detail {
std::optional<SkgCsvTable> skg_csv_table(std::string_view header_line) noexcept {
  try {
    const Header header = read_header(header_line.substr(0, header_line.find('\n')));
    if (!header.problem.empty()) return std::nullopt;
    return header.table;
  } catch (...) {
    return std::nullopt;
  }
}
}  // namespace detail

void load_skg_csv(const std::string& path, LoadContext& context) {
  const TableText file(path);
  context.report.files.push_back(path);
  const std::string_view text = file.content();
  const std::size_t header_end = std::min(text.find('\n'), text.size());
  if (trim(text).empty()) throw LoadError(path, 1, "the file is empty (a header line is needed)");
  const Header header = read_header(text.substr(0, header_end));
  if (!header.problem.empty()) throw LoadError(path, 1, header.problem);
  if (const std::size_t bad = find_invalid_utf8(text.substr(0, header_end)); bad != std::string_view::npos)
    throw LoadError(path, 1, "invalid UTF-8 in the header");
  const std::size_t body = std::min(text.size(), header_end + 1);
  const std::size_t base = static_cast<std::size_t>(text.data() - file.text().data()) + body;
  // About how many rows follow, from the line breaks of the first MiB: the batch gets room for
  // them up front (its columns would otherwise regrow and copy, a tenth of a 1M-row load).
  const std::string_view rows_text = text.substr(body);
  const std::size_t sample = std::min<std::size_t>(rows_text.size(), 1 << 20);
  const std::uint64_t sample_rows = line_of(rows_text.substr(0, sample), sample);
  const std::size_t rows = sample == 0 ? 0
                                       : static_cast<std::size_t>(static_cast<double>(sample_rows) * 1.1 *
                                                                  static_cast<double>(rows_text.size()) /
                                                                  static_cast<double>(sample));
  if (header.table == SkgCsvTable::Nodes) {
    context.batch.reserve(rows, 0);
    // Each row's attribute columns (skg-gen's "listed"): room for them too, or the column
    // regrows and copies into fresh pages as it fills (5% of a 1M-row load's reading thread).
    context.batch.reserve_attributes(rows * header.attribute_columns());
  }
  if (header.table == SkgCsvTable::Edges) context.batch.reserve(0, rows);
  TableReader reader(path, context, header, rows);
  // One worker at a time splits the next block (rows may span lines inside quotes: the split
  // goes in file order); the two workers then hash and stage their blocks at once.
  // Rows a block holds, from the estimate above (no more than the file's), with room for the
  // row past kBlockBytes.
  const std::size_t block_rows =
      rows_text.empty() ? 0
                        : std::min(rows, static_cast<std::size_t>(static_cast<double>(rows) * static_cast<double>(RowSplitter::kBlockBytes) /
                                                                  static_cast<double>(rows_text.size()))) + 64;
  RowSplitter splitter(rows_text, base, header.names.size(), file.file(), block_rows);
  detail::OrderedBlockPipeline<Block> blocks([&](Block& block) { return splitter.next_block(block); },
                                             [&](Block& block) {
                                               if (reader.stage_whole(block)) return;
                                               splitter.split(block);
                                               reader.prepare(block);
                                             },
                                             kParseWorkers);
  for (bool more = body < text.size(); more;) {
    auto next = blocks.next();
    reader.add(next.first);
    more = !next.second;
    // The batch's columns and the pool grow by some 100 KB a block into fresh memory: a helper
    // thread faults in the next pages while this one adds the next block's records.
    if (more) context.batch.fault_in_ahead();
    context.progress(path, next.first.end_offset);
    blocks.recycle(std::move(next.first));
  }
  reader.finish();
}

LoadReport load_skg_csv(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_skg_csv), path, builder, options);
}

bool looks_like_skg_csv(std::string_view head, std::string_view /*file_name*/) noexcept {
  const std::size_t end = head.find('\n');
  if (end == std::string_view::npos && head.size() >= 4096) return false;  // no header line in sight
  return detail::skg_csv_table(head.substr(0, end)).has_value();
}

}  // namespace skg
