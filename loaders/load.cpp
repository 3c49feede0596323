#include "skg/loaders/load_context.h"

#include <chrono>
#include <fmt/format.h>

#include "skg/graph/error.h"
#include "skg/loaders/bis_dpl.h"
#include "skg/loaders/bods.h"
#include "skg/loaders/csl.h"
#include "skg/loaders/eu_fsf.h"
#include "skg/loaders/fcc_covered.h"
#include "skg/loaders/ftm_json.h"
#include "skg/loaders/gleif.h"
#include "skg/loaders/load_internal.h"
#include "skg/loaders/ofac_csv.h"
#include "skg/loaders/ofac_xml.h"
#include "skg/loaders/ofsi_csv.h"
#include "skg/loaders/uk_psc.h"
#include "skg/loaders/uk_sanctions_list.h"
#include "skg/loaders/un_xml.h"

namespace skg::inline v1 {

namespace {
constexpr std::pair<Format, std::string_view> kFormatNames[] = {
    {Format::OfacCsv, "ofac-sdn"}, {Format::Csl, "csl"},      {Format::BisDpl, "bis-dpl"},
    {Format::UnXml, "un"},         {Format::FccCovered, "fcc"}, {Format::FtmJson, "ftm"},
    {Format::Bods, "bods"},        {Format::UkSanctionsList, "uk-sl"}, {Format::OfsiCsv, "ofsi"},
    {Format::Gleif, "gleif"},      {Format::UkPsc, "uk-psc"},    {Format::OfacXml, "ofac-xml"},
    {Format::EuFsf, "eu-fsf"},     {Format::SkgCsv, "skg-csv"},
};
}  // namespace

std::string_view to_string(Format format) noexcept {
  for (const auto& [value, name] : kFormatNames)
    if (value == format) return name;
  return "unknown";
}

std::string format_names() {
  std::string out;
  for (const auto& [value, name] : kFormatNames) out += fmt::format("{}{}", out.empty() ? "" : ", ", name);
  return out;
}

std::optional<Format> parse_format(std::string_view name) noexcept {
  for (const auto& [value, known] : kFormatNames)
    if (known == name) return value;
  return std::nullopt;
}

void LoadReport::merge(const LoadReport& other) {
  files.insert(files.end(), other.files.begin(), other.files.end());
  for (const auto& [kind, count] : other.counts) add(kind, count);
  skipped.insert(skipped.end(), other.skipped.begin(), other.skipped.end());
  unresolved.insert(unresolved.end(), other.unresolved.begin(), other.unresolved.end());
  warnings.insert(warnings.end(), other.warnings.begin(), other.warnings.end());
  bytes += other.bytes;
  seconds += other.seconds;
}

void LoadContext::bad_record(const LoadError& error) {
  if (options.on_bad_record == OnBadRecord::Fail) throw error;
  report.skipped.push_back({error.file(), error.line(), error.record(), error.reason()});
  report.add("skipped");
}

void LoadContext::add_edge_or_defer(PendingEdge edge) {
  if (!resolves(edge.from) || !resolves(edge.to)) {
    pending.push_back(std::move(edge));
    return;
  }
  const auto at = batch.add_edge({.kind = edge.kind, .from = edge.from, .to = edge.to, .share = edge.share,
                                  .interest = edge.interest, .valid = edge.valid, .role = edge.role,
                                  .source = {edge.file, edge.record, static_cast<std::uint32_t>(edge.line)},
                                  .id = edge.id});
  for (const auto& [key, value] : edge.attributes) batch.add_edge_attribute(at, key, value);
}

void LoadContext::add_action_or_defer(PendingAction action) {
  if (!resolves(action.target)) {
    pending_actions.push_back(std::move(action));
    return;
  }
  const Source source{action.file, action.record, static_cast<std::uint32_t>(action.line)};
  batch.add_action({.id = action.id, .target = action.target, .authority = action.authority,
                    .list = action.list, .program = action.program,
                    .legal_basis = action.legal_basis, .measures = action.measures,
                    .citation = action.citation, .listed = action.listed,
                    .in_force = action.in_force, .source = source,
                    .measure_set = action.measure_set, .issuer = action.issuer,
                    .list_id = action.list_id, .origin = action.origin});
  // The action and its target are looked up once, not once per fact; each key is interned where
  // the text overload would intern it (before the value), so the pool's ids are the same.
  if (!action.attributes.empty()) {
    const StringId id = batch.string_id(action.id);
    for (const auto& [key, value] : action.attributes) batch.add_attribute(id, batch.string_id(key), value, source);
  }
  if (!action.target_attributes.empty()) {
    const StringId target = batch.string_id(action.target);
    for (const auto& [key, value] : action.target_attributes)
      batch.add_attribute(target, batch.string_id(key), value, source);
  }
}

void LoadContext::resolve_pending() {
  std::vector<PendingAction> waiting_actions = std::move(pending_actions);
  pending_actions.clear();
  for (auto& action : waiting_actions) {
    if (resolves(action.target)) {
      add_action_or_defer(std::move(action));
      continue;
    }
    report.unresolved.push_back({action.file, action.line, action.record.empty() ? action.id : action.record,
                                 fmt::format("action '{}' targets '{}', which no loaded record has as its id",
                                             action.id, action.target)});
    report.add("unresolved references");
  }
  std::vector<PendingEdge> waiting = std::move(pending);
  pending.clear();
  for (auto& edge : waiting) {
    if (resolves(edge.from) && resolves(edge.to)) {
      add_edge_or_defer(std::move(edge));
      continue;
    }
    const std::string_view missing = resolves(edge.from) ? edge.to : edge.from;
    report.unresolved.push_back({edge.file, edge.line, edge.record.empty() ? edge.id : edge.record,
                                 fmt::format("{} edge refers to '{}', which no loaded record has as its id",
                                             to_string(edge.kind), missing)});
    report.add("unresolved references");
  }
}

void LoadContext::progress(std::string_view file, std::uint64_t file_bytes_done) {
  check_cancel();
  if (options.progress) options.progress({file, bytes_before + file_bytes_done, bytes_total});
}

namespace detail {

namespace {
constexpr std::uint64_t kOfacCsvBytesPerString = 30;

/// Bytes of input per distinct string a loader adds to the pool, measured on the real files of
/// ../shared/datasets (the pool's size after loading one file, 2026-11-30): OFAC sdn.csv 31, CSL
/// 55, BIS DPL 46, OFSI 141, UK PSC lines 135, UN XML 124, OFAC XML 136 (classic) to 453
/// (advanced), GLEIF JSON 270, BODS 215, FtM 80. A dense format (short fields, each its own
/// string) needs a large table; a verbose one a small table. Unknown loaders get a middling
/// guess; the pool grows past any estimate by doubling.
std::uint64_t bytes_per_string(LoaderFn loader) {
  const std::pair<LoaderFn, std::uint64_t> kDensity[] = {
      {&load_ofac_csv, kOfacCsvBytesPerString}, {&load_csl, 55}, {&load_bis_dpl, 46},
      {&load_fcc_covered, 70}, {&load_ofsi_csv, 140}, {&load_uk_psc, 135},
      {&load_un_xml, 124}, {&load_eu_fsf, 150}, {&load_uk_sanctions_list, 75},
      {&load_ofac_xml, 136}, {&load_gleif, 270}, {&load_bods, 215}, {&load_ftm_json, 80},
  };
  for (const auto& [known, bytes] : kDensity)
    if (known == loader) return bytes;
  return 64;
}
}  // namespace

LoadReport run_load(const std::vector<std::pair<LoaderFn, std::string>>& steps, Builder& builder,
                    const LoadOptions& options, std::uint64_t bytes_total,
                    const std::vector<std::uint64_t>* sizes) {
  const auto started = std::chrono::steady_clock::now();
  LoadReport report;
  // Room up front for the strings the files will add spares the pool its regrowths (each one
  // rehashes every string); room for more than they add costs a table written with zeros for
  // nothing (a GLEIF XML load spent 40% of its time there). Each format's density was measured.
  // Each file's size once (a stat of each file here and another after its load cost a small
  // file's load ~3 us, a tenth of its budget at 150 MB/s): the caller's, or looked up here.
  SKG_ASSERT((sizes == nullptr || sizes->size() == steps.size()) && "one size per step");
  std::vector<std::uint64_t> own_sizes;
  if (sizes == nullptr) {
    own_sizes.reserve(steps.size());
    for (const auto& step : steps) own_sizes.push_back(file_size(step.second));
    sizes = &own_sizes;
  }
  std::uint64_t strings = 0, counted = 0;
  for (std::size_t at = 0; at < steps.size(); ++at) {
    const std::uint64_t size = (*sizes)[at];
    strings += size / bytes_per_string(steps[at].first);
    counted += size;
  }
  strings += (bytes_total > counted ? bytes_total - counted : 0) / kOfacCsvBytesPerString;  // OFAC's siblings
  builder.reserve(strings, bytes_total / 2);
  Batch batch(builder);  // interns straight into the builder; dropped uncommitted on a throw
  LoadContext context(batch, builder, options, report);
  context.bytes_total = bytes_total;
  for (std::size_t at = 0; at < steps.size(); ++at) {
    const auto& [loader, path] = steps[at];
    const std::uint64_t before = report.bytes;
    context.bytes_before = before;
    context.check_cancel();
    loader(path, context);
    if (report.bytes == before) report.bytes += (*sizes)[at];
    context.bytes_before = report.bytes;
  }
  context.resolve_pending();
  context.check_cancel();
  builder.commit(std::move(batch));  // all of it, or (on Error) nothing
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

std::uint64_t file_size(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return error ? 0 : size;
}

}  // namespace detail

LoadReport load_with(LoaderFn loader, const std::string& path, Builder& builder, const LoadOptions& options) {
  const std::uint64_t size = detail::file_size(path);
  const std::vector<std::uint64_t> sizes{size};
  return detail::run_load({{loader, path}}, builder, options, size, &sizes);
}

}  // namespace skg
