// loaders/dispatch.cpp: load(): files or folders, each file's format detected from its content.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>

#include "skg/loaders/bis_dpl.h"
#include "skg/loaders/bods.h"
#include "skg/loaders/csl.h"
#include "skg/loaders/eu_fsf.h"
#include "skg/loaders/fcc_covered.h"
#include "skg/loaders/ftm_json.h"
#include "skg/loaders/gleif.h"
#include "skg/loaders/load.h"
#include "skg/loaders/load_internal.h"
#include "skg/loaders/ofac_csv.h"
#include "skg/loaders/ofsi_csv.h"
#include "skg/loaders/source.h"
#include "skg/loaders/uk_sanctions_list.h"
#include "skg/loaders/uk_psc.h"
#include "skg/loaders/un_xml.h"

namespace skg {

namespace {

struct FormatEntry {
  Format format;
  LoaderFn load;
  bool (*looks_like)(std::string_view head, std::string_view file_name) noexcept;
};

// Most specific first: the OFAC legacy CSV (no header, any row of digits and quotes) comes last.
constexpr FormatEntry kFormats[] = {
    {Format::FtmJson, load_ftm_json, looks_like_ftm_json},
    {Format::Bods, load_bods, looks_like_bods},
    {Format::UkPsc, load_uk_psc, looks_like_uk_psc},
    {Format::Gleif, load_gleif, looks_like_gleif},
    {Format::UnXml, load_un_xml, looks_like_un_xml},
    {Format::EuFsf, load_eu_fsf, looks_like_eu_fsf},
    {Format::UkSanctionsList, load_uk_sanctions_list, looks_like_uk_sanctions_list},
    {Format::OfsiCsv, load_ofsi_csv, looks_like_ofsi_csv},
    {Format::Csl, load_csl, looks_like_csl},
    {Format::BisDpl, load_bis_dpl, looks_like_bis_dpl},
    {Format::FccCovered, load_fcc_covered, looks_like_fcc_covered},
    {Format::OfacCsv, load_ofac_csv, looks_like_ofac_csv},
};

const FormatEntry& entry(Format format) {
  for (const FormatEntry& known : kFormats)
    if (known.format == format) return known;
  return kFormats[0];  // unreachable: every Format has an entry
}

/// The first 64 KiB of a file, to tell its format; throws LoadError when it cannot be read.
std::string head_of(const std::string& path) {
  checked_input_path(path);  // a FIFO or device is refused before fopen() could block on it
  std::string head(64 * 1024, '\0');
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr)
    throw LoadError(path, 0, errno == EACCES ? std::string("cannot read: permission denied")
                                             : fmt::format("cannot read: {}", std::strerror(errno)));
  head.resize(std::fread(head.data(), 1, head.size(), file));
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw LoadError(path, 0, "cannot read: read error");
  return head;
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

}  // namespace

std::optional<Format> detect_format(std::string_view head, std::string_view file_name) noexcept {
  for (const FormatEntry& known : kFormats)
    if (known.looks_like(head, file_name)) return known.format;
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
    const fs::file_status own = item.symlink_status(error);
    if (!error && fs::is_directory(own)) {
      walk_folder(path, options, files, left_out);
      continue;
    }
    if (is_documentation(path) || (fs::is_symlink(own) && fs::is_directory(item.status(error)))) continue;
    try {
      if (checked_input_path(path.string()) == InputKind::File && !read_with_main_file(path)) files.push_back(path);
    } catch (const LoadError& refused) {
      trouble(path, refused.reason());
    }
  }
}

}  // namespace

LoadReport load(const std::string& path, Builder& builder, const LoadOptions& options) {
  namespace fs = std::filesystem;
  // Looked at before anything opens it: a FIFO, socket or device is refused, not waited on.
  const bool folder = checked_input_path(path) == InputKind::Folder;
  std::vector<fs::path> files;
  std::vector<LoadIssue> left_out;
  if (folder) {
    walk_folder(path, options, files, left_out);
    std::sort(files.begin(), files.end());
  } else {
    files.emplace_back(path);
  }

  std::vector<std::pair<LoaderFn, std::string>> steps;
  std::vector<std::string> undetected;
  std::uint64_t bytes_total = 0;
  for (const fs::path& file : files) {
    const std::string name = file.string();
    std::optional<Format> format = options.format;
    if (!format) {
      std::string head;
      try {
        head = head_of(name);
      } catch (const LoadError& refused) {
        if (!folder || options.on_bad_record == OnBadRecord::Fail) throw;
        left_out.push_back({name, 0, {}, refused.reason() + "; left out of the folder's load"});
        continue;
      }
      format = detect_format(head, file.filename().string());
    }
    if (!format) {
      if (!folder) {
        throw LoadError(name, 0, fmt::format("cannot tell the format from the content (name it, e.g. --data "
                                             "ofac-sdn:PATH; formats: {})", format_names()));
      }
      undetected.push_back(name);
      continue;
    }
    steps.emplace_back(entry(*format).load, name);
    bytes_total += detail::file_size(name);
    for (const auto& [sibling, main] : kOfacSiblings)  // read by the main file's loader
      if (*format == Format::OfacCsv && file.filename() == main && fs::exists(file.parent_path() / sibling))
        bytes_total += detail::file_size((file.parent_path() / sibling).string());
  }
  if (folder && steps.empty()) throw LoadError(path, 0, "the folder holds no file of a known format");
  // OFAC's address, alias and comments files refer to entries of its main files: in a folder
  // that holds them apart from their sdn.csv (add_excerpt_2025-02.csv beside sdn_excerpt.csv),
  // they are read after the main files, so their rows find their entries whatever the names sort
  // to, and a second load of the folder adds nothing the first one left out.
  std::stable_partition(steps.begin(), steps.end(), [](const auto& step) {
    if (step.first != entry(Format::OfacCsv).load) return true;
    const std::string name = std::filesystem::path(step.second).filename().string();
    for (std::string_view sibling : {"add", "alt", "sdn_comments", "cons_add", "cons_alt", "cons_comments"})
      if (name.starts_with(sibling)) return false;
    return true;
  });
  LoadReport report = detail::run_load(steps, builder, options, bytes_total);
  for (LoadIssue& issue : left_out) {
    report.skipped.push_back(std::move(issue));
    report.add("files unreadable");
  }
  for (const std::string& name : undetected) {
    report.skipped.push_back({name, 0, {}, "not a known list format; left out of the folder's load"});
    report.add("files skipped");
  }
  return report;
}

}  // namespace skg
