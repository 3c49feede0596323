// loaders/dispatch.cpp: load(): files or folders, each file's format detected from its content.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#include <utility>

#include "skg/loaders/bis_dpl.h"
#include "skg/loaders/bods.h"
#include "skg/loaders/csl.h"
#include "skg/loaders/csv_bulk.h"
#include "skg/loaders/eu_fsf.h"
#include "skg/loaders/fcc_covered.h"
#include "skg/loaders/ftm_json.h"
#include "skg/loaders/gleif.h"
#include "skg/loaders/load_context.h"
#include "skg/loaders/load_internal.h"
#include "skg/loaders/ofac_csv.h"
#include "skg/loaders/ofac_xml.h"
#include "skg/loaders/ofsi_csv.h"
#include "skg/loaders/source.h"
#include "skg/loaders/uk_sanctions_list.h"
#include "skg/loaders/uk_psc.h"
#include "skg/loaders/un_xml.h"

namespace skg::inline v1 {

namespace {

struct FormatEntry {
  Format format;
  LoaderFn load;
  bool (*looks_like)(std::string_view head, std::string_view file_name) noexcept;
  /// XML whose every answer needs a '<' in the head: a head without one (every CSV and JSON
  /// file) is not asked. One memchr for the whole table, where each detector's whole-head
  /// searches (or its own memchr) cost a small CSV file's load a tenth of its instructions.
  bool needs_lt = false;
};

bool looks_like_gleif_xml(std::string_view head, std::string_view /*file_name*/) noexcept {
  return detail::looks_like_gleif_xml(head);
}
bool looks_like_gleif_json(std::string_view head, std::string_view /*file_name*/) noexcept {
  return detail::looks_like_gleif_json(head);
}

// Most specific first: the OFAC legacy CSV (no header, any row of digits and quotes) comes last.
// GLEIF is XML or JSON: its halves are asked in turn (looks_like_gleif's answer).
constexpr FormatEntry kFormats[] = {
    {Format::FtmJson, load_ftm_json, looks_like_ftm_json},
    {Format::Bods, load_bods, looks_like_bods},
    {Format::OfacXml, load_ofac_xml, looks_like_ofac_xml, true},
    {Format::UkPsc, load_uk_psc, looks_like_uk_psc},
    {Format::Gleif, load_gleif, looks_like_gleif_xml, true},
    {Format::Gleif, load_gleif, looks_like_gleif_json},
    {Format::UnXml, load_un_xml, looks_like_un_xml, true},
    {Format::EuFsf, load_eu_fsf, looks_like_eu_fsf},  // not needs_lt: its namespace needle has no '<'
    {Format::UkSanctionsList, load_uk_sanctions_list, looks_like_uk_sanctions_list, true},
    {Format::OfsiCsv, load_ofsi_csv, looks_like_ofsi_csv},
    {Format::Csl, load_csl, looks_like_csl},
    {Format::BisDpl, load_bis_dpl, looks_like_bis_dpl},
    {Format::FccCovered, load_fcc_covered, looks_like_fcc_covered},
    {Format::SkgCsv, load_skg_csv, looks_like_skg_csv},
    {Format::OfacCsv, load_ofac_csv, looks_like_ofac_csv},
};

const FormatEntry& entry(Format format) {
  for (const FormatEntry& known : kFormats)
    if (known.format == format) return known;
  return kFormats[0];  // unreachable: every Format has an entry
}

/// A file's first bytes, to tell its format: a view of the whole small file the thread's
/// detail::ReadAhead holds (valid until its loader's SourceFile takes it, or load() ends), or a
/// copy of the first 64 KiB of a larger one.
class Head {
 public:
  Head() = default;
  explicit Head(std::string copy) : copy_(std::move(copy)) {}
  explicit Head(std::string_view held) : held_(held), is_held_(true) {}
  std::string_view text() const noexcept { return is_held_ ? held_ : std::string_view(copy_); }

 private:
  std::string copy_;
  std::string_view held_;
  bool is_held_ = false;
};

/// Reads up to `want` bytes from `fd` into `into` (fewer at the end of the file); false on a read
/// error. `got` is what was read.
bool read_up_to(int fd, char* into, std::size_t want, std::size_t& got) {
  got = 0;
  while (got < want) {
    const ssize_t read = ::read(fd, into + got, want - got);
    if (read > 0) got += static_cast<std::size_t>(read);
    else if (read == 0) return true;
    else if (errno != EINTR) return false;
  }
  return true;
}

/// head_of() from `fd` (open, and fstat'ed into `info` when `stated`), which it closes.
Head head_from(int fd, const struct stat& info, bool stated, const std::string& path, std::uint64_t* size) {
  constexpr std::size_t kHead = detail::ReadAhead::kLimit;
  detail::ReadAhead* ahead = detail::ReadAhead::current();
  // A size of 0 may be a file the kernel makes up as it is read (/proc): read up to the limit.
  const auto file_size = stated ? static_cast<std::uint64_t>(info.st_size) : 0;
  const std::size_t want = file_size == 0 ? kHead : static_cast<std::size_t>(std::min<std::uint64_t>(file_size, kHead));
  char* whole = nullptr;
  if (ahead != nullptr && stated && S_ISREG(info.st_mode) && file_size != 0 && file_size <= kHead) {
    try {
      whole = ahead->buffer_for(path, want);
    } catch (...) {
      ::close(fd);
      throw;
    }
  }
  std::string head;
  // Into the read-ahead buffer (the head is then a view of it), or straight into the head.
  if (whole == nullptr) head.resize(want);
  char* into = whole != nullptr ? whole : head.data();
  std::size_t got = 0;
  const bool failed = !stated || !read_up_to(fd, into, want, got);
  ::close(fd);
  if (whole != nullptr) {
    if (!failed && got == want) {
      ahead->keep();  // the buffer now belongs to the ReadAhead: `whole` stays where it is
      if (size != nullptr) *size = file_size;
      return Head(std::string_view(whole, got));
    }
    head.assign(whole, got);
    ahead->drop();  // short: the loader reads the file itself, as it would have
  }
  if (failed) throw LoadError(path, 0, "cannot read: read error");
  head.resize(got);
  if (size != nullptr) *size = file_size;
  return Head(std::move(head));
}

/// The first 64 KiB of a file (the whole of a smaller one), to tell its format; throws LoadError
/// when it cannot be read. Every caller's path was checked by load() or walk_folder (a FIFO or
/// device refused before anything opens it); O_NONBLOCK keeps one that took its place since from
/// blocking. Sized by fstat: a 4 KB list is not read into 64 KiB written with zeros first (that
/// memset was a sixth of a small file's load). `size`, when given, gets the file's size. A
/// regular file of at most 64 KiB is read whole into the thread's detail::ReadAhead, when there
/// is one, so that its loader's SourceFile does not open and read it again.
Head head_of(const std::string& path, std::uint64_t* size = nullptr) {
  detail::ReadAhead* ahead = detail::ReadAhead::current();
  if (ahead != nullptr) {
    if (const SourceFile* held = ahead->find(path); held != nullptr) {
      if (size != nullptr) *size = held->size();
      return Head(held->text());
    }
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    throw LoadError(path, 0, errno == EACCES ? std::string("cannot read: permission denied")
                                             : fmt::format("cannot read: {}", std::strerror(errno)));
  struct stat info {};
  const bool stated = ::fstat(fd, &info) == 0;
  return head_from(fd, info, stated, path, size);
}

/// An open file descriptor, closed when it goes out of scope unless released.
struct Descriptor {
  int fd = -1;
  Descriptor() = default;
  explicit Descriptor(int open) : fd(open) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(Descriptor&& other) noexcept {
    std::swap(fd, other.fd);
    return *this;
  }
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
  int release() noexcept { return std::exchange(fd, -1); }
};

/// A regular file of `info.st_size` bytes open as `fd` (which it closes), read whole into the
/// thread's ReadAhead when it is small and there is room, for head_of() and then its loader to
/// find. Nothing else: whatever goes wrong, head_of() opens the file again and says what.
void hold_small_file(int fd, const struct stat& info, const std::string& path) {
  detail::ReadAhead* ahead = detail::ReadAhead::current();
  const auto size = static_cast<std::uint64_t>(info.st_size);
  char* whole = nullptr;
  if (ahead != nullptr && size != 0 && size <= detail::ReadAhead::kLimit) {
    try {
      whole = ahead->buffer_for(path, static_cast<std::size_t>(size));
    } catch (...) {
      ::close(fd);
      throw;
    }
  }
  std::size_t got = 0;
  const bool read = whole != nullptr && read_up_to(fd, whole, static_cast<std::size_t>(size), got);
  ::close(fd);
  if (whole == nullptr) return;
  if (read && got == size) ahead->keep();
  else ahead->drop();
}

// OFAC publishes a list as four files; the loader of the main file reads its siblings.
constexpr std::pair<std::string_view, std::string_view> kOfacSiblings[] = {
    {"add.csv", "sdn.csv"},      {"alt.csv", "sdn.csv"},           {"sdn_comments.csv", "sdn.csv"},
    {"cons_add.csv", "cons_prim.csv"}, {"cons_alt.csv", "cons_prim.csv"}, {"cons_comments.csv", "cons_prim.csv"},
};

bool read_with_main_file(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  for (const auto& [sibling, main] : kOfacSiblings)
    if (name == sibling && std::filesystem::exists(file.parent_path() / main)) return true;
  return false;
}

bool is_documentation(const std::filesystem::path& file) {
  const std::string extension = file.extension().string();
  const std::string name = file.filename().string();
  return extension == ".md" || extension == ".py" || extension == ".sh" || name.starts_with('.') ||
         name == "LICENSE" || name == "README";
}

/// What a file of a known kind that skg does not load is, from its first bytes and name: "a PDF
/// document", "OFAC's pipe-delimited list format (.pip)"... nullopt when it is nothing we know.
std::optional<std::string> describe_unsupported(std::string_view head, std::string_view file_name) {
  auto ends_with = [&](std::string_view suffix) {
    if (file_name.size() < suffix.size()) return false;
    for (std::size_t at = 0; at < suffix.size(); ++at) {
      char c = file_name[file_name.size() - suffix.size() + at];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != suffix[at]) return false;
    }
    return true;
  };
  if (head.starts_with("%PDF-")) return std::string("a PDF document");
  if (head.starts_with(std::string_view("PK\x03\x04", 4))) {
    if (ends_with(".xlsx") || head.find("xl/") != std::string_view::npos) return std::string("an Excel workbook (XLSX)");
    if (ends_with(".docx") || head.find("word/") != std::string_view::npos) return std::string("a Word document (DOCX)");
    if (ends_with(".ods")) return std::string("an OpenDocument spreadsheet");
    return std::string("a zip archive (unpack it and load the files inside)");
  }
  if (head.starts_with(std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)))
    return std::string("a legacy Microsoft Office file (XLS or DOC)");
  if (head.starts_with("\x1F\x8B")) return std::string("a gzip-compressed file (decompress it first)");
  if (head.starts_with("\x42\x5A\x68")) return std::string("a bzip2-compressed file (decompress it first)");
  // OFAC's other encodings of the SDN and consolidated lists (dat_spec.txt): fixed-field (.ff),
  // pipe-delimited (.pip) and "@"-delimited (.del); skg reads their CSV (and XML) editions.
  std::size_t digits = 0;
  while (digits < head.size() && head[digits] >= '0' && head[digits] <= '9') ++digits;
  if (ends_with(".ff")) return std::string("OFAC's fixed-field list format (.ff; load the CSV or XML edition)");
  if (ends_with(".pip") || (digits > 0 && head.substr(digits).starts_with("|\"")))
    return std::string("OFAC's pipe-delimited list format (.pip; load the CSV or XML edition)");
  if (ends_with(".del") || (digits > 0 && head.substr(digits).starts_with("@\"")))
    return std::string("OFAC's @-delimited list format (.del; load the CSV or XML edition)");
  std::string_view text = head;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\r' || text.front() == '\t'))
    text.remove_prefix(1);
  if (text.starts_with("<")) {
    // The root element: skip the declaration, comments and doctype.
    std::size_t at = 0;
    while ((at = text.find('<', at)) != std::string_view::npos) {
      if (text.substr(at).starts_with("<?") || text.substr(at).starts_with("<!")) {
        ++at;
        continue;
      }
      std::size_t end = at + 1;
      while (end < text.size() && text[end] != ' ' && text[end] != '>' && text[end] != '/' && text[end] != '\n' &&
             text[end] != '\r' && text[end] != '\t')
        ++end;
      const std::string_view root = text.substr(at + 1, end - at - 1);
      if (root == "html" || root == "HTML") return std::string("an HTML page (download the list file itself)");
      return fmt::format("an XML document with root element <{}>", root);
    }
  }
  if (text.starts_with("{") || text.starts_with("["))
    return std::string("a JSON document that is neither FtM entities nor BODS statements");
  return std::nullopt;
}

/// A release date written in a file or folder name ("sdn_2024-05-03", "add_alt_2025-12"), as
/// "YYYY-MM-DD" or "YYYY-MM" (compared as text); empty when the name has none.
std::string release_date_in(std::string_view name) {
  std::string best;
  for (std::size_t at = 0; at + 7 <= name.size(); ++at) {
    auto digit = [&](std::size_t offset) { return at + offset < name.size() && name[at + offset] >= '0' && name[at + offset] <= '9'; };
    if (!(digit(0) && digit(1) && digit(2) && digit(3) && name[at + 4] == '-' && digit(5) && digit(6))) continue;
    if (at > 0 && name[at - 1] >= '0' && name[at - 1] <= '9') continue;
    std::string date(name.substr(at, 7));
    if (at + 10 <= name.size() && name[at + 7] == '-' && digit(8) && digit(9)) date = std::string(name.substr(at, 10));
    if (date > best) best = date;
  }
  return best;
}

bool is_ofac_sibling_name(std::string_view name) {
  for (std::string_view sibling : {"add", "alt", "sdn_comments", "cons_add", "cons_alt", "cons_comments"})
    if (name.starts_with(sibling)) return true;
  return false;
}

}  // namespace

std::optional<Format> detect_format(std::string_view head, std::string_view file_name) noexcept {
  enum class Lt : std::uint8_t { Unknown, Absent, Present } lt = Lt::Unknown;  // looked for once, when first needed
  for (const FormatEntry& known : kFormats) {
    if (known.needs_lt) {
      if (lt == Lt::Unknown) lt = head.find('<') == std::string_view::npos ? Lt::Absent : Lt::Present;
      if (lt == Lt::Absent) continue;
    }
    if (known.looks_like(head, file_name)) return known.format;
  }
  return std::nullopt;
}

namespace {

/// Every file under `folder`, sorted, skipping documentation and OFAC sibling files. What cannot
/// be read (a file or a sub-folder without permission) or is not a file (a FIFO, a socket)
/// fails the load in strict mode; in skip mode it is listed in `left_out` with its reason.
void walk_folder(const std::filesystem::path& folder, const LoadOptions& options, std::vector<std::filesystem::path>& files,
                 std::vector<LoadIssue>& left_out) {
  namespace fs = std::filesystem;
  auto trouble = [&](const fs::path& path, std::string reason) {
    if (options.on_bad_record == OnBadRecord::Fail) throw LoadError(path.string(), 0, std::move(reason));
    left_out.push_back({path.string(), 0, {}, std::move(reason) + "; left out of the folder's load"});
  };
  std::error_code error;
  fs::directory_iterator items(folder, error);
  if (error) {
    trouble(folder, error == std::errc::permission_denied ? std::string("cannot read the folder: permission denied")
                                                          : "cannot read the folder: " + error.message());
    return;
  }
  std::vector<fs::directory_entry> entries;
  for (const fs::directory_iterator end; items != end; items.increment(error)) {
    if (error) break;
    entries.push_back(*items);
  }
  if (error) {
    trouble(folder, "cannot list the folder: " + error.message());
    return;
  }
  std::sort(entries.begin(), entries.end());
  for (const fs::directory_entry& item : entries) {
    const fs::path& path = item.path();
    // Sub-folders are entered unless they are links (a link may lead back up: a cycle).
    // The entry's own type as the listing gave it (readdir's d_type, kept by directory_entry): no
    // lstat a file, where symlink_status() made one. A file system that leaves d_type unknown
    // gets the lstat (and a stat) from these calls instead.
    const bool link = item.is_symlink(error);
    if (!error && !link && item.is_directory(error)) {
      walk_folder(path, options, files, left_out);
      continue;
    }
    if (is_documentation(path) || (link && fs::is_directory(item.status(error)))) continue;
    std::error_code type_error;
    const bool regular = !link && item.is_regular_file(type_error) && !type_error;
    const std::string name = path.string();
    try {
      // A file listed as regular is opened once, here, as load() opens a lone file: open (without
      // blocking), fstat, and a small one read whole for head_of() and its loader. Was an lstat,
      // checked_input_path()'s stat, open and close, then head_of()'s open, fstat, read and
      // close: 8 system calls a small file, now 4. Anything else, or a file that will not open,
      // gets checked_input_path()'s verdict and words, as before; a device is not opened.
      Descriptor file{regular ? ::open(name.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) : -1};
      struct stat info {};
      if (file.fd >= 0 && (::fstat(file.fd, &info) != 0 || !S_ISREG(info.st_mode))) file = Descriptor{};
      if (file.fd < 0 && checked_input_path(name) != InputKind::File) continue;
      if (read_with_main_file(path)) continue;
      files.push_back(path);
      if (file.fd >= 0) hold_small_file(file.release(), info, name);
    } catch (const LoadError& refused) {
      trouble(path, refused.reason());
    }
  }
}

}  // namespace

namespace {

/// A folder that holds several releases of OFAC's CSV list (one per sub-folder, as
/// ../shared/datasets/ofac does) cannot be loaded whole: each release defines the same uids.
/// The analyst gets the latest release, by the date its main file's name or folder carries
/// ("sdn_2024-05-03/sdn.csv"), and every older dated release is left out with a line saying
/// which was loaded and how to load another (its folder alone). Address and alias files whose
/// release has no main file here are left out too. A main file with no date in its name or
/// folder (an excerpt) is not ordered against the releases: it loads, and a uid it shares with
/// the chosen release is one party. With several releases and no date at all, the load asks for one.
void choose_ofac_release(std::vector<std::pair<LoaderFn, std::string>>& steps, std::vector<LoadIssue>& left_out) {
  namespace fs = std::filesystem;
  struct Release {
    std::string folder, date, main;
  };
  std::vector<Release> releases;
  for (const auto& [loader, name] : steps) {
    if (loader != entry(Format::OfacCsv).load) continue;
    const fs::path file(name);
    const std::string folder = file.parent_path().string();
    auto found = std::find_if(releases.begin(), releases.end(), [&](const Release& release) { return release.folder == folder; });
    if (found == releases.end()) found = releases.insert(releases.end(), Release{folder, {}, {}});
    if (!is_ofac_sibling_name(file.filename().string()) && found->main.empty()) {
      found->main = name;
      found->date = release_date_in(file.filename().string());
      if (found->date.empty()) found->date = release_date_in(file.parent_path().filename().string());
    }
  }
  std::size_t with_main = 0;
  for (const Release& release : releases) with_main += release.main.empty() ? 0 : 1;
  if (with_main < 2) return;
  const Release* latest = nullptr;
  for (const Release& release : releases)
    if (!release.main.empty() && !release.date.empty() && (latest == nullptr || release.date > latest->date)) latest = &release;
  if (latest == nullptr) {
    std::string names;
    for (const Release& release : releases)
      if (!release.main.empty()) names += (names.empty() ? "" : ", ") + release.folder;
    throw LoadError(releases.front().folder, 0,
                    fmt::format("this folder holds {} releases of OFAC's list ({}) and no name says which is the "
                                "latest: load one release folder",
                                with_main, names));
  }
  const std::string kept = latest->folder, kept_main = latest->main, kept_date = latest->date;
  std::erase_if(steps, [&](const auto& step) {
    if (step.first != entry(Format::OfacCsv).load) return false;
    const std::string folder = fs::path(step.second).parent_path().string();
    if (folder == kept) return false;
    const auto release = std::find_if(releases.begin(), releases.end(), [&](const Release& one) { return one.folder == folder; });
    // A main file whose name carries no date is not recognisably another release (an excerpt,
    // a hand-made file): it loads, and its uids merge with the chosen release's parties.
    if (!release->main.empty() && release->date.empty()) return false;
    std::string reason;
    if (release->main.empty())
      reason = fmt::format("OFAC address/alias file of a release whose main file is not in this folder; loaded "
                           "the OFAC release {} ({})", kept_main, kept_date);
    else
      reason = fmt::format("an older OFAC release ({}) than {} ({}), which was loaded; load its folder alone to use it",
                           release->date, kept_main, kept_date);
    left_out.push_back({step.second, 0, {}, std::move(reason)});
    return true;
  });
}

/// The release date an OFSI Consolidated List CSV states on its first row ("Last Updated,02/04/2014",
/// as YYYY-MM-DD), else one its file name carries; empty when neither says.
std::string ofsi_release_date(const std::string& name) {
  Head head;
  try {
    head = head_of(name);
  } catch (const LoadError&) {
    return {};
  }
  std::string_view line = head.text();
  line = line.substr(0, line.find('\n'));
  if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  if (line.starts_with("Last Updated,")) {
    line.remove_prefix(13);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    auto digits = [&](std::size_t at, std::size_t count) {
      for (std::size_t index = at; index < at + count; ++index)
        if (index >= line.size() || line[index] < '0' || line[index] > '9') return false;
      return true;
    };
    if (digits(0, 2) && line.size() >= 10 && line[2] == '/' && digits(3, 2) && line[5] == '/' && digits(6, 4))
      return fmt::format("{}-{}-{}", line.substr(6, 4), line.substr(3, 2), line.substr(0, 2));
  }
  return release_date_in(std::filesystem::path(name).filename().string());
}

/// Several releases of the OFSI Consolidated List in one folder (ofsi_conlist_2014-04.csv and
/// ofsi_conlist_2018-04.csv): each is the whole list as of its date, so only the latest loads
/// (as for OFAC's releases above); the others are named in the report. Undated files: a
/// LoadError asking for one.
void choose_ofsi_release(std::vector<std::pair<LoaderFn, std::string>>& steps, std::vector<LoadIssue>& left_out) {
  std::vector<std::pair<std::string, std::string>> releases;  // (file, date)
  for (const auto& [loader, name] : steps)
    if (loader == entry(Format::OfsiCsv).load) releases.emplace_back(name, ofsi_release_date(name));
  if (releases.size() < 2) return;
  const std::pair<std::string, std::string>* latest = nullptr;
  for (const auto& release : releases) {
    if (release.second.empty())
      throw LoadError(release.first, 0,
                      fmt::format("this folder holds {} releases of the OFSI Consolidated List and this one states no "
                                  "date (no 'Last Updated' row, no date in its name): load one release file",
                                  releases.size()));
    if (latest == nullptr || release.second > latest->second) latest = &release;
  }
  const std::string kept = latest->first, kept_date = latest->second;
  for (const auto& [name, date] : releases) {
    if (name == kept) continue;
    left_out.push_back({name, 0, {},
                        fmt::format("an older OFSI Consolidated List release ({}) than {} ({}), which was loaded; "
                                    "load the file alone to use it",
                                    date, kept, kept_date)});
  }
  std::erase_if(steps, [&](const auto& step) { return step.first == entry(Format::OfsiCsv).load && step.second != kept; });
}

}  // namespace

LoadReport load(const std::string& path, Builder& builder, const LoadOptions& options) {
  namespace fs = std::filesystem;
  detail::ReadAhead read_ahead;  // small files read whole for their format, kept for their loaders
  // Looked at before anything reads it: a FIFO, socket or device is refused, not waited on. A
  // readable regular file whose format is to be told is opened (without blocking, as
  // head_of() does) and its head read from that one descriptor: checked_input_path()'s stat,
  // open and close, then head_of()'s own open, were 3 of a 4 KB list's ~11 system calls. Any
  // other path gets checked_input_path()'s verdict and words, as before.
  std::optional<std::pair<Head, std::uint64_t>> first_head;  // (head, size) of a lone file
  bool folder = false;
  {
    const int fd = options.format ? -1 : ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat info {};
    if (fd >= 0 && ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
      std::uint64_t size = 0;
      Head head = head_from(fd, info, true, path, &size);
      first_head.emplace(std::move(head), size);
    } else {
      if (fd >= 0) ::close(fd);
      folder = checked_input_path(path) == InputKind::Folder;
    }
  }
  std::vector<fs::path> files;
  std::vector<LoadIssue> left_out;
  if (folder) {
    walk_folder(path, options, files, left_out);
    std::sort(files.begin(), files.end());
  } else {
    files.emplace_back(path);
  }

  std::vector<std::pair<LoaderFn, std::string>> steps;
  std::vector<std::pair<std::string, std::string>> undetected;  // (file, what it is)
  std::uint64_t bytes_total = 0;
  std::unordered_map<std::string, std::uint64_t> size_of;  // each step's file, as first found
  for (const fs::path& file : files) {
    const std::string name = file.string();
    std::optional<Format> format = options.format;
    std::optional<std::uint64_t> size;  // known once the head is read: no second stat for it
    Head head;
    if (!format) {
      try {
        if (first_head) {
          head = std::move(first_head->first);
          size = first_head->second;
          first_head.reset();
        } else {
          head = head_of(name, &size.emplace());
        }
      } catch (const LoadError& refused) {
        if (!folder || options.on_bad_record == OnBadRecord::Fail) throw;
        left_out.push_back({name, 0, {}, refused.reason() + "; left out of the folder's load"});
        continue;
      }
      format = detect_format(head.text(), file.filename().string());
    }
    if (!format) {  // not told and not detected: `head` was read above
      const auto known = describe_unsupported(head.text(), file.filename().string());
      if (!folder) {
        if (known)
          throw LoadError(name, 0, fmt::format("{}: not a format skg loads (it reads the list files: {})", *known,
                                               format_names()));
        throw LoadError(name, 0, fmt::format("cannot tell the format from the content (name it, e.g. --data "
                                             "ofac-sdn:PATH; formats: {})", format_names()));
      }
      undetected.push_back({name, known ? *known + ": not a format skg loads" : "not a known list format"});
      continue;
    }
    steps.emplace_back(entry(*format).load, name);
    const std::uint64_t step_size = size ? *size : detail::file_size(name);
    size_of.emplace(name, step_size);
    bytes_total += step_size;
    for (const auto& [sibling, main] : kOfacSiblings)  // read by the main file's loader
      if (*format == Format::OfacCsv && file.filename() == main && fs::exists(file.parent_path() / sibling))
        bytes_total += detail::file_size((file.parent_path() / sibling).string());
  }
  if (folder && steps.empty()) throw LoadError(path, 0, "the folder holds no file of a known format");
  std::vector<LoadIssue> releases_left_out;
  if (folder) choose_ofac_release(steps, releases_left_out);
  if (folder) choose_ofsi_release(steps, releases_left_out);
  // OFAC's address, alias and comments files refer to entries of its main files: in a folder
  // that holds them apart from their sdn.csv (add_excerpt_2025-02.csv beside sdn_excerpt.csv),
  // they are read after the main files, so their rows find their entries whatever the names sort
  // to, and a second load of the folder adds nothing the first one left out. OFAC XML files are
  // read after the CSV main files: an XML party merges into the CSV entry of its uid, while the
  // CSV loader refuses an ent_num that an earlier file of the load defined.
  // skg-csv edge and listing tables name their nodes by id: read after every file that may
  // define them (nodes.csv sorts after edges.csv), so no edge waits in the pending list.
  const auto rank = [](const std::pair<LoaderFn, std::string>& step) {
    if (step.first == entry(Format::OfacXml).load) return 1;
    if (step.first == entry(Format::SkgCsv).load) {
      Head head;
      try {
        head = head_of(step.second);
      } catch (const LoadError&) {
        return 0;  // the load itself reports it
      }
      const std::string_view text = head.text();
      const auto table = detail::skg_csv_table(text.substr(0, text.find('\n')));
      return table && *table != detail::SkgCsvTable::Nodes ? 3 : 0;
    }
    if (step.first != entry(Format::OfacCsv).load) return 0;
    const std::string name = std::filesystem::path(step.second).filename().string();
    for (std::string_view sibling : {"add", "alt", "sdn_comments", "cons_add", "cons_alt", "cons_comments"})
      if (name.starts_with(sibling)) return 2;
    return 0;
  };
  {
    std::vector<std::pair<int, std::pair<LoaderFn, std::string>>> ranked;  // each rank read once
    for (auto& step : steps) ranked.emplace_back(rank(step), std::move(step));
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t at = 0; at < steps.size(); ++at) steps[at] = std::move(ranked[at].second);
  }
  std::vector<std::uint64_t> sizes;
  sizes.reserve(steps.size());
  for (const auto& step : steps) sizes.push_back(size_of.at(step.second));
  LoadReport report = detail::run_load(steps, builder, options, bytes_total, &sizes);
  for (LoadIssue& issue : left_out) {
    report.skipped.push_back(std::move(issue));
    report.add("files unreadable");
  }
  for (const auto& [name, what] : undetected) {
    report.skipped.push_back({name, 0, {}, what + "; left out of the folder's load"});
    report.add("files skipped");
  }
  for (LoadIssue& issue : releases_left_out) {
    report.skipped.push_back(std::move(issue));
    report.add("older releases left out");
  }
  return report;
}

}  // namespace skg
