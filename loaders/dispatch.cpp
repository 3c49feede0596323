// loaders/dispatch.cpp: load(): files or folders, each file's format detected from its content.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>

#include "skg/loaders/bis_dpl.h"
#include "skg/loaders/bods.h"
#include "skg/loaders/csl.h"
#include "skg/loaders/fcc_covered.h"
#include "skg/loaders/ftm_json.h"
#include "skg/loaders/load.h"
#include "skg/loaders/load_internal.h"
#include "skg/loaders/ofac_csv.h"
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
    {Format::UnXml, load_un_xml, looks_like_un_xml},
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

std::string head_of(const std::string& path) {
  std::string head(64 * 1024, '\0');
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return {};
  head.resize(std::fread(head.data(), 1, head.size(), file));
  std::fclose(file);
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

LoadReport load(const std::string& path, Builder& builder, const LoadOptions& options) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) throw LoadError(path, 0, "no such file or folder");
  std::vector<fs::path> files;
  const bool folder = fs::is_directory(status);
  if (folder) {
    for (const auto& item : fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, error))
      if (item.is_regular_file() && !is_documentation(item.path()) && !read_with_main_file(item.path()))
        files.push_back(item.path());
    if (error) throw LoadError(path, 0, fmt::format("cannot list the folder: {}", error.message()));
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
    if (!format) format = detect_format(head_of(name), file.filename().string());
    if (!format) {
      if (!folder) {
        throw LoadError(name, 0, "cannot tell the format from the content (name it, e.g. --data ofac-sdn:PATH; "
                                 "formats: ofac-sdn, csl, bis-dpl, un, fcc, ftm, bods)");
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
  for (const std::string& name : undetected) {
    report.skipped.push_back({name, 0, {}, "not a known list format; left out of the folder's load"});
    report.add("files skipped");
  }
  return report;
}

}  // namespace skg
