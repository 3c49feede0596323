#include "skg/loaders/source.h"

#include "skg/graph/file_type.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace skg::inline v1 {

LoadError::LoadError(std::string file, std::uint64_t line, std::string reason, std::string record)
    : Error(line != 0 ? (record.empty() ? fmt::format("{}:{}: {}", file, line, reason)
                                        : fmt::format("{}:{}: {} (record '{}')", file, line, reason, record))
                      : (record.empty() ? fmt::format("{}: {}", file, reason)
                                        : fmt::format("{}: {} (record '{}')", file, reason, record))),
      file_(std::move(file)),
      line_(line),
      reason_(std::move(reason)),
      record_(std::move(record)) {}

namespace {

std::string why_not(int error) {
  if (error == ENOENT || error == ENOTDIR) return "no such file or folder";
  if (error == EACCES || error == EPERM) return "permission denied";
  return std::strerror(error);
}

}  // namespace

InputKind checked_input_path(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw LoadError(path, 0, why_not(errno));
  if (S_ISDIR(info.st_mode)) {
    // A folder must be listed (read) and entered (execute).
    if (::access(path.c_str(), R_OK | X_OK) != 0) throw LoadError(path, 0, "cannot read the folder: " + why_not(errno));
    return InputKind::Folder;
  }
  if (!S_ISREG(info.st_mode))
    throw LoadError(path, 0, fmt::format("{}, not a file or folder: skg reads list files and folders only",
                                         detail::file_type(info.st_mode)));
  // Opened without blocking (should it have become a FIFO since), to learn whether it can be read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw LoadError(path, 0, "cannot read: " + why_not(errno));
  ::close(fd);
  return InputKind::File;
}

namespace {

/// Opens `path` for reading as checked_input_path() would allow it, with one open and one fstat
/// on the way every readable regular file takes (checked_input_path() stats, opens and closes
/// it, and the read used to stat it once more before opening it again: ~7 us of system calls,
/// a quarter of a 4 KB file's whole load). Whatever else the path is (missing, unreadable, a
/// folder, a FIFO or a device), checked_input_path() says why, with its own words. Returns the
/// descriptor, and the size in `size`.
int open_checked_file(const std::string& path, std::uint64_t& size) {
  // O_NONBLOCK: a FIFO that took the file's place does not block the open (it is refused below).
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd >= 0) {
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
      size = static_cast<std::uint64_t>(info.st_size);
      return fd;
    }
    ::close(fd);
  }
  const int error = errno;
  if (checked_input_path(path) != InputKind::File) throw LoadError(path, 0, "cannot read: it is a folder, not a file");
  // The path changed between the two looks: say what the first one met.
  throw LoadError(path, 0, "cannot read: " + why_not(fd >= 0 ? EIO : error));
}

}  // namespace

namespace detail {

namespace {
thread_local ReadAhead* current_read_ahead = nullptr;
}  // namespace

ReadAhead::ReadAhead() : outer_(current_read_ahead) { current_read_ahead = this; }
ReadAhead::~ReadAhead() { current_read_ahead = outer_; }
ReadAhead* ReadAhead::current() noexcept { return current_read_ahead; }

char* ReadAhead::buffer_for(const std::string& path, std::size_t size) {
  if (size > kLimit || held_ + size > kBudget || files_.contains(path)) return nullptr;
  filling_.path_ = path;
  filling_.size_ = size;
  filling_.text_.reset(static_cast<char*>(allocate_large(size + SourceFile::kPadding)));
  std::memset(filling_.text_.get() + size, 0, SourceFile::kPadding);
  return filling_.text_.get();
}

void ReadAhead::keep() {
  held_ += filling_.size_;
  std::string path = filling_.path_;
  files_.insert_or_assign(std::move(path), std::move(filling_));
  filling_ = SourceFile();
}

void ReadAhead::drop() noexcept { filling_ = SourceFile(); }

const SourceFile* ReadAhead::find(const std::string& path) const noexcept {
  const auto found = files_.find(path);
  return found == files_.end() ? nullptr : &found->second;
}

bool ReadAhead::take(const std::string& path, SourceFile& into) noexcept {
  const auto found = files_.find(path);
  if (found == files_.end()) return false;
  into.text_ = std::move(found->second.text_);
  into.size_ = found->second.size_;
  held_ -= into.size_;
  files_.erase(found);
  return true;
}

}  // namespace detail

SourceFile::SourceFile(std::string path) : path_(std::move(path)) {
  // load() may have read the whole file already, to tell its format.
  if (detail::ReadAhead* held = detail::ReadAhead::current(); held != nullptr && held->take(path_, *this)) return;
  std::uint64_t size = 0;
  const int fd = open_checked_file(path_, size);
  size_ = static_cast<std::size_t>(size);
  try {
    text_.reset(static_cast<char*>(detail::allocate_large(size_ + kPadding)));
  } catch (...) {
    ::close(fd);
    throw;
  }
  std::memset(text_.get() + size_, 0, kPadding);
  std::size_t got = 0;
  while (got < size_) {
    const ssize_t read = ::read(fd, text_.get() + got, size_ - got);
    if (read > 0) got += static_cast<std::size_t>(read);
    else if (read == 0 || errno != EINTR) break;
  }
  ::close(fd);
  if (got != size_) throw LoadError(path_, 0, "cannot read: short read");
}

SourceFile::SourceFile(std::string name, std::string_view bytes) : path_(std::move(name)) {
  size_ = bytes.size();
  text_.reset(static_cast<char*>(detail::allocate_large(size_ + kPadding)));
  if (size_ != 0) std::memcpy(text_.get(), bytes.data(), size_);
  std::memset(text_.get() + size_, 0, kPadding);
}

FileReader::FileReader(std::string path) : path_(std::move(path)) {
  const int fd = open_checked_file(path_, size_);
  std::FILE* file = ::fdopen(fd, "rb");
  if (file == nullptr) {
    const int error = errno;
    ::close(fd);
    throw LoadError(path_, 0, "cannot read: " + why_not(error));
  }
  file_ = file;
}

FileReader::~FileReader() {
  if (file_ != nullptr) std::fclose(static_cast<std::FILE*>(file_));
}

std::size_t FileReader::read(char* into, std::size_t size) {
  auto* file = static_cast<std::FILE*>(file_);
  const std::size_t got = std::fread(into, 1, size, file);
  if (got < size && std::ferror(file) != 0) throw LoadError(path_, 0, "cannot read: read error");
  return got;
}

std::string_view file_content(std::string_view text) noexcept {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  while (!text.empty() && text.back() == '\x1A') text.remove_suffix(1);
  return text;
}

std::string_view SourceFile::content() const noexcept { return file_content(text()); }

bool LineReader::next(std::string_view& line) {
  if (at_ >= text_.size()) return false;
  const std::size_t end = text_.find('\n', at_);
  const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
  line = text_.substr(at_, stop - at_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  at_ = end == std::string_view::npos ? text_.size() : end + 1;
  ++line_;
  return true;
}

CsvReader::CsvReader(std::string_view text, std::string file, char separator)
    : text_(text), file_(std::move(file)), separator_(separator) {}

namespace {
/// The line breaks in [begin, end), by memchr from one to the next: a vectorised scan, where a
/// test per byte (std::count at -O2) was 15% of the instructions of an OFAC sdn.csv load.
std::uint64_t count_breaks(const char* begin, const char* end) noexcept {
  std::uint64_t count = 0;
  while (begin < end) {
    const void* found = std::memchr(begin, '\n', static_cast<std::size_t>(end - begin));
    if (found == nullptr) break;
    ++count;
    begin = static_cast<const char*>(found) + 1;
  }
  return count;
}

/// The first byte at or after `at` in `text` equal to `a` or `b`, or text.size(). Most CSV cells
/// are a few bytes (sdn.csv's "-0- ", a number), so a memchr call per quoted field, and a second
/// for the line breaks before its quote, cost more in call and set-up than in scanning; a test
/// per byte was slow on the long ones. 16 bytes a step here, inline, both bytes at once (the
/// reader went from 20.4M to 16.4M instructions per OFAC 2024 load).
inline std::size_t find_either(std::string_view text, std::size_t at, char a, char b) noexcept {
  const char* data = text.data();
  const std::size_t size = text.size();
#if defined(__SSE2__)
  const __m128i want_a = _mm_set1_epi8(a), want_b = _mm_set1_epi8(b);
  // Only whole 16-byte blocks inside the text: the reader may be given any string_view, with no
  // padding after it.
  for (; at + 16 <= size; at += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at));
    const int hits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(block, want_a), _mm_cmpeq_epi8(block, want_b)));
    if (hits != 0) return at + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(hits)));
  }
#endif
  while (at < size && data[at] != a && data[at] != b) ++at;
  return at;
}
}  // namespace

bool CsvReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  unescaped_.clear();
  if (at_ >= text_.size()) return false;
  record_line_ = line_;
  std::vector<std::pair<std::size_t, std::size_t>> unescaped_at;  // (field, index into unescaped_)
  while (true) {
    if (at_ < text_.size() && text_[at_] == '"') {
      // Quoted field: runs to the closing quote; "" is a quote; separators and breaks are text.
      const std::uint64_t opened = line_;
      std::size_t at = at_ + 1;
      std::string value;
      bool closed = false, copied = false;
      std::size_t start = at;
      while (at < text_.size()) {
        if (!copied) {
          // Up to the next quote at once: the field's text is a view, only its line breaks counted.
          at = find_either(text_, at, '"', '\n');
          if (at == text_.size()) break;
          if (text_[at] == '\n') {
            ++line_;
            ++at;
            continue;
          }
        }
        const char c = text_[at];
        if (c == '"') {
          if (at + 1 < text_.size() && text_[at + 1] == '"') {
            if (!copied) value.assign(text_.substr(start, at - start)), copied = true;
            value += '"';
            at += 2;
            continue;
          }
          closed = true;
          break;
        }
        if (c == '\n') ++line_;
        if (copied) value += c;
        ++at;
      }
      if (!closed) throw LoadError(file_, opened, "unterminated quoted field");
      if (copied) {
        unescaped_at.emplace_back(fields.size(), unescaped_.size());
        unescaped_.push_back(std::move(value));
        fields.emplace_back();
      } else {
        fields.push_back(text_.substr(start, at - start));
      }
      at_ = at + 1;
      // After the closing quote: separator, end of record, or (leniently) spaces before them.
      while (at_ < text_.size() && text_[at_] == ' ') ++at_;
      if (at_ < text_.size() && text_[at_] != separator_ && text_[at_] != '\n' && text_[at_] != '\r')
        throw LoadError(file_, line_, fmt::format("text after the closing quote of field {}", fields.size()));
    } else {
      const std::size_t end = find_either(text_, at_, separator_, '\n');
      std::string_view field = text_.substr(at_, end - at_);
      if (end < text_.size() && text_[end] == '\n' && !field.empty() && field.back() == '\r') field.remove_suffix(1);
      else if (end == text_.size() && !field.empty() && field.back() == '\r') field.remove_suffix(1);
      fields.push_back(field);
      at_ = end;
    }
    if (at_ >= text_.size()) break;
    if (text_[at_] == separator_) {
      ++at_;
      continue;
    }
    if (text_[at_] == '\r') ++at_;
    if (at_ < text_.size() && text_[at_] == '\n') {
      ++at_;
      ++line_;
    }
    break;
  }
  for (const auto& [field, at] : unescaped_at) fields[field] = unescaped_[at];
  return true;
}

std::size_t find_invalid_utf8(std::string_view text) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t at = 0;
  while (at < size) {
    // Fast paths: 32, then eight ASCII bytes at a time.
    if (at + 32 <= size) {
      std::uint64_t words[4];
      std::memcpy(words, bytes + at, 32);
      if (((words[0] | words[1] | words[2] | words[3]) & 0x8080808080808080ull) == 0) {
        at += 32;
        continue;
      }
    }
    if (at + 8 <= size) {
      std::uint64_t word;
      std::memcpy(&word, bytes + at, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        at += 8;
        continue;
      }
    }
    const unsigned char c = bytes[at];
    if (c < 0x80) {
      ++at;
      continue;
    }
    std::size_t length;
    std::uint32_t code;
    if ((c & 0xE0) == 0xC0) length = 2, code = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) length = 3, code = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) length = 4, code = c & 0x07;
    else return at;
    if (at + length > size) return at;
    for (std::size_t more = 1; more < length; ++more) {
      if ((bytes[at + more] & 0xC0) != 0x80) return at;
      code = (code << 6) | (bytes[at + more] & 0x3F);
    }
    const bool overlong = (length == 2 && code < 0x80) || (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
    if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return at;
    at += length;
  }
  return std::string_view::npos;
}

std::uint64_t line_of(std::string_view text, std::size_t offset) noexcept {
  return 1 + count_breaks(text.data(), text.data() + std::min(offset, text.size()));
}

}  // namespace skg
