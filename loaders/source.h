// loaders/source.h: reading input files: whole-file buffers, lines with numbers, CSV fields.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "skg/graph/strings.h"
#include "skg/loaders/load_error.h"

namespace skg::inline v1 {

/// What an input path is, once checked_input_path() has looked at it.
enum class InputKind : std::uint8_t { File, Folder };

/// Looks at `path` before anything opens it (opening a FIFO blocks until a writer comes): a
/// regular file it can read, or a folder it can list. Anything else throws LoadError naming the
/// path and why: "no such file or folder", "permission denied", "a FIFO (named pipe), not a
/// file or folder".
InputKind checked_input_path(const std::string& path);

namespace detail {
class ReadAhead;
}

/// A file's text without what is not its content: a UTF-8 byte-order mark before it, a trailing
/// DOS end-of-file mark (0x1A) after it (SourceFile::content, and a mapped table's text).
std::string_view file_content(std::string_view text) noexcept;

/// A whole input file in memory (read once; loaders parse it in place).
class SourceFile {
 public:
  /// Reads `path`; throws LoadError if it cannot be read.
  explicit SourceFile(std::string path);
  /// Bytes already in memory (an upload), named `name` in error messages; copied and padded
  /// like a file's.
  SourceFile(std::string name, std::string_view bytes);
  const std::string& path() const noexcept { return path_; }
  /// The file's bytes. They are followed by kPadding NUL bytes that belong to this object: the
  /// JSON loaders parse in place with RapidJSON's SSE2 whitespace skip, which reads the whole
  /// 16-byte aligned block that holds the terminating NUL (up to 15 bytes past it).
  std::string_view text() const noexcept { return {text_.get(), size_}; }
  static constexpr std::size_t kPadding = 16;
  /// The text after a UTF-8 byte-order mark, and with a trailing DOS end-of-file (0x1A) dropped.
  std::string_view content() const noexcept;
  std::size_t size() const noexcept { return size_; }
  /// Mutable, NUL-terminated storage of content() to parse in place, padded like text(): the
  /// file's own buffer when content() ends where the file does, else (a dropped trailing 0x1A) a
  /// copy kept in `copy`, with kPadding NUL bytes after it (the SSE2 skip reads up to 15 past).
  char* parse_buffer(std::string& copy) const {
    const std::string_view body = content();
    if (body.data() + body.size() == text().data() + text().size()) return const_cast<char*>(body.data());
    copy.reserve(body.size() + kPadding);
    copy.assign(body);
    copy.append(kPadding, '\0');
    return copy.data();
  }

 private:
  friend class detail::ReadAhead;
  struct FreeLarge {
    void operator()(char* text) const noexcept { detail::free_large(text); }
  };
  SourceFile() = default;
  std::string path_;
  // size_ bytes of the file, then kPadding NUL bytes. Not a std::string: that would write zeros
  // over the whole buffer before the read fills it (a tenth of a CSV load's time, measured).
  std::unique_ptr<char[], FreeLarge> text_;
  std::size_t size_ = 0;
};

namespace detail {

/// Small files (up to kLimit bytes) read whole by load() to tell their format, handed to the
/// loader's SourceFile of the same path instead of a second open, fstat, read and close (a 4 KB
/// FCC list's load made 11 system calls for its file, about half its time). One a thread at a
/// time, for as long as the object lives; what no loader takes is dropped with it. A loader on
/// another thread, or a second SourceFile of the path, reads the file as before.
class ReadAhead {
 public:
  static constexpr std::size_t kLimit = 64 * 1024;
  /// The most bytes held at once: a folder of many small files keeps the rest on disk.
  static constexpr std::size_t kBudget = 32u << 20;
  ReadAhead();
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;
  /// The thread's current ReadAhead, or nullptr.
  static ReadAhead* current() noexcept;
  /// A padded buffer for `size` bytes of `path` (size <= kLimit, size + kPadding allocated, the
  /// padding zeroed), or nullptr when over the budget or already held. Fill it, then keep() it.
  char* buffer_for(const std::string& path, std::size_t size);
  /// Takes the buffer from buffer_for() as `path`'s text, once it holds all `size` bytes.
  void keep();
  /// Drops the buffer from buffer_for() (a short read).
  void drop() noexcept;
  /// The text held for `path`, or nullptr.
  const SourceFile* find(const std::string& path) const noexcept;
  /// Moves the text held for `path` into `into`; false when none is held.
  bool take(const std::string& path, SourceFile& into) noexcept;

 private:
  ReadAhead* outer_;
  std::unordered_map<std::string, SourceFile> files_;
  SourceFile filling_;
  std::size_t held_ = 0;
};

}  // namespace detail

/// A file read piece by piece, for loaders that stream: the same checks and messages as
/// SourceFile, without holding the whole file.
///   FileReader file(path);  char buffer[4096];
///   for (std::size_t got; (got = file.read(buffer, sizeof buffer)) != 0;) use(buffer, got);
class FileReader {
 public:
  /// Opens `path`; throws LoadError if it cannot be read.
  explicit FileReader(std::string path);
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;
  /// Reads up to `size` bytes into `into`: fewer only at the end, 0 there. Throws LoadError on a
  /// read error.
  std::size_t read(char* into, std::size_t size);
  std::uint64_t size() const noexcept { return size_; }  // as it was when opened
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  void* file_ = nullptr;  // std::FILE*
  std::uint64_t size_ = 0;
};

/// Splits text into lines ("\n" or "\r\n"), counting from 1.
///   LineReader lines(file.content());
///   for (std::string_view line; lines.next(line);) use(lines.line_number(), line);
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  bool next(std::string_view& line);
  std::uint64_t line_number() const noexcept { return line_; }
  std::size_t offset() const noexcept { return at_; }  // bytes consumed, for progress

 private:
  std::string_view text_;
  std::size_t at_ = 0;
  std::uint64_t line_ = 0;
};

/// Reads RFC 4180 CSV records (quoted fields may hold separators, "" and line breaks), with a
/// configurable separator. Fields are views into the text, or into the reader's buffer when a
/// field had to be unescaped; they are valid until the next call to next().
class CsvReader {
 public:
  CsvReader(std::string_view text, std::string file, char separator = ',');
  /// The next record's fields; false at the end. Throws LoadError for an unterminated quote or
  /// text after a closing quote.
  bool next(std::vector<std::string_view>& fields);
  /// The line the last record started on (1-based).
  std::uint64_t line_number() const noexcept { return record_line_; }
  std::size_t offset() const noexcept { return at_; }
  const std::string& file() const noexcept { return file_; }

 private:
  std::string_view text_;
  std::string file_;
  char separator_;
  std::size_t at_ = 0;
  std::uint64_t line_ = 1, record_line_ = 0;
  std::vector<std::string> unescaped_;
};

/// Where the first invalid UTF-8 sequence starts, or npos when `text` is valid UTF-8.
std::size_t find_invalid_utf8(std::string_view text) noexcept;
/// `text` without leading and trailing spaces, tabs and line breaks.
inline std::string_view trim(std::string_view text) noexcept {
  // A loop, not find_first_not_of: that calls memchr over the four blanks once per character,
  // and a CSV loader trims every cell (a tenth of an OFSI load). Inline: most cells have no
  // blank at either end, and the call cost more than the test.
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t first = 0, last = text.size();
  while (first < last && blank(text[first])) ++first;
  if (first == last) return {};
  while (blank(text[last - 1])) --last;
  return text.substr(first, last - first);
}
/// The 1-based line of byte `offset` in `text`.
std::uint64_t line_of(std::string_view text, std::size_t offset) noexcept;

}  // namespace skg
