// The FCC Covered List (https://www.fcc.gov/supplychain/coveredlist), published under section 2
// of the Secure and Trusted Communications Networks Act of 2019 (47 U.S.C. 1601) and 47 CFR
// 1.50002, as the two-column table that OpenSanctions transcribes from that page.
#include "skg/loaders/fcc_covered.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <functional>
#include <vector>

#include "skg/loaders/list_common.h"
#include "skg/loaders/source.h"
#include "skg/loaders/measures.h"
#include "skg/loaders/utf8.h"

namespace skg::inline v1 {

namespace {

constexpr std::string_view kLegalBasis = "Secure and Trusted Communications Networks Act of 2019, 47 U.S.C. 1601; 47 CFR 1.50002";
constexpr std::string_view kCitation = "https://www.fcc.gov/supplychain/coveredlist";

// The Covered List words each entry "<equipment or services> produced by | provided by |
// supplied, directly or indirectly, by <company><rest>"; the company ends where the rest starts.
constexpr std::array<std::string_view, 4> kMarkers = {
    "produced or provided by ", "produced by ", "provided by ", "supplied, directly or indirectly, by "};
constexpr std::array<std::string_view, 6> kNameEnds = {
    ", including", ", to the extent", " or any of its", ", subject to", " subject to",
    " and its wholly-owned subsidiary "};
constexpr std::string_view kSubsidiary = " and its wholly-owned subsidiary ";
// What first_marker() and first_name_end() below rely on.
static_assert(std::ranges::all_of(kMarkers, [](std::string_view marker) {
  return marker.find("by ") == marker.size() - 3;  // "by " at the end, and only there
}));
static_assert(std::ranges::all_of(kNameEnds, [](std::string_view end) {
  return end.size() >= 3 && (end[0] == ' ' || end[0] == ',');
}));

/// A fixed text searched for by Boyer-Moore-Horspool, which skips up to the text's length at a
/// step (string_view::find stops at every byte equal to the needle's first).
class Needle {
 public:
  explicit Needle(std::string_view text) : searcher_(text.begin(), text.end()) {}
  /// Where the needle first starts in `haystack`, or npos: the same answer as haystack.find().
  std::size_t find_in(std::string_view haystack) const {
    const auto found = searcher_(haystack.begin(), haystack.end()).first;
    return found == haystack.end() ? std::string_view::npos : static_cast<std::size_t>(found - haystack.begin());
  }

 private:
  std::boyer_moore_horspool_searcher<std::string_view::const_iterator> searcher_;
};

// Built once (the literal it searches for lives as long as the program).
const Needle& subsidiary_needle() {
  static const Needle needle(kSubsidiary);
  return needle;
}

/// Where the first of kMarkers starts in `text` (the earliest start), and its size; npos when
/// none occurs. Each marker ends with "by " and holds it nowhere else, so no marker can start
/// before another and end after it: the first "by " that ends a marker ends the first marker (the
/// longest of those that end there). One search for two bytes that are rare in these rows,
/// where each marker searched for apart read the row four times (a tenth of an FCC load).
std::pair<std::size_t, std::size_t> first_marker(std::string_view text) {
  for (std::size_t by = text.find("by "); by != std::string_view::npos; by = text.find("by ", by + 1)) {
    const std::size_t end = by + 3;
    std::size_t at = std::string_view::npos, size = 0;
    for (const std::string_view marker : kMarkers)
      if (marker.size() <= end && end - marker.size() < at && text.substr(end - marker.size(), marker.size()) == marker)
        at = end - marker.size(), size = marker.size();
    if (at != std::string_view::npos) return {at, size};
  }
  return {std::string_view::npos, 0};
}

/// Where the first of kNameEnds starts in `text`, or npos. Each starts with a space or a comma:
/// only those places are tried (three bytes, then the whole phrase), in one pass over the
/// company's name, instead of one search of the rest of the row per phrase.
std::size_t first_name_end(std::string_view text) {
  for (std::size_t at = 0; at + 2 < text.size(); ++at) {
    const char c = text[at];
    if (c != ' ' && c != ',') continue;
    for (const std::string_view end : kNameEnds)
      if (end[0] == c && end[1] == text[at + 1] && end[2] == text[at + 2] && text.substr(at, end.size()) == end)
        return at;
  }
  return std::string_view::npos;
}

// The text from `text` up to the first of kNameEnds (or its end, without a final '.').
std::string_view name_until_end(std::string_view text) {
  const std::size_t end = std::min(text.size(), first_name_end(text));
  std::string_view name = trim(text.substr(0, end));
  if (end == text.size() && name.ends_with('.')) name.remove_suffix(1);
  return name;
}

struct Named {
  std::string_view company, subsidiary;
};

Named named_parties(std::string_view text) {
  const auto [at, length] = first_marker(text);
  if (at == std::string_view::npos) return {};
  const std::string_view rest = text.substr(at + length);
  Named named{name_until_end(rest), {}};
  if (const auto sub = subsidiary_needle().find_in(rest); sub != std::string_view::npos)
    named.subsidiary = name_until_end(rest.substr(sub + kSubsidiary.size()));
  return named;
}

}  // namespace

void load_fcc_covered(const std::string& path, LoadContext& context) {
  const SourceFile file(path);
  const std::string_view text = file.content();
  context.report.files.push_back(path);
  if (trim(text).empty()) throw LoadError(path, 0, "empty file: expected the Covered List header");
  CsvReader reader(text, path);
  std::vector<std::string_view> fields;
  try {
    reader.next(fields);
  } catch (const LoadError& error) {
    throw LoadError(path, error.line(), "not an FCC Covered List CSV: " + error.reason());
  }
  int text_at = -1, date_at = -1;
  for (std::size_t field = 0; field < fields.size(); ++field) {
    if (trim(fields[field]) == "covered_equipment_or_services") text_at = static_cast<int>(field);
    if (trim(fields[field]) == "date_of_inclusion_on_covered_list") date_at = static_cast<int>(field);
  }
  if (text_at < 0 || date_at < 0)
    throw LoadError(path, 1, "not an FCC Covered List CSV: the header has no covered_equipment_or_services "
                             "and date_of_inclusion_on_covered_list columns");
  const std::size_t width = fields.size();

  std::vector<Date> updates;
  // A row holds invalid UTF-8 only if the file does: one check of the whole text (sixteen bytes a
  // step) answers for every row of the usual, valid file; rows split at ASCII bytes.
  const bool all_utf8 = detail::valid_utf8(text);
  // The rows of one listing share their dates ("March 12, 2021" five times): parsed again only
  // when the text differs from the last row that parsed (the dates depend on the text alone).
  std::string parsed_dates;
  std::optional<Date> parsed_included;
  // Counted here and added to the report once, after the rows of earlier files of the load.
  const std::uint64_t rows_before = context.report.count("rows");
  std::uint64_t rows = 0, entities = 0, links = 0;
  const detail::MeasureMapping fcc = detail::fcc_covered_mapping();
  std::string row_record, company_id, subsidiary_id, action;
  while (true) {
    const std::size_t begin = reader.offset();
    if (!detail::next_record_or_stop(reader, fields, context)) break;
    const std::uint64_t line = reader.line_number();
    if (fields.size() == 1 && trim(fields[0]).empty()) continue;
    if (fields.size() != width) {
      context.bad_record(LoadError(path, line, fmt::format("expected {} fields as in the header, found {}",
                                                           width, fields.size())));
      continue;
    }
    if (const auto invalid = all_utf8 ? std::string_view::npos : find_invalid_utf8(text.substr(begin, reader.offset() - begin));
        invalid != std::string_view::npos) {
      context.bad_record(LoadError(path, line_of(text, begin + invalid), "invalid UTF-8"));
      continue;
    }
    const std::string_view covered = trim(fields[text_at]);
    const std::string_view date_text = trim(fields[date_at]);
    if (covered.empty()) {
      context.bad_record(LoadError(path, line, "the row names no equipment or service"));
      continue;
    }
    // "December 22, 2025Updated:January 7, 2026Updated:...": the date of inclusion, then the
    // dates the entry was updated (the FCC page shows them on separate lines).
    std::optional<Date> included;
    std::string_view rest = date_text, bad_part;
    const bool same_dates = !parsed_dates.empty() && date_text == parsed_dates;
    if (same_dates) {
      included = parsed_included;  // and `updates` as they were
    } else {
      updates.clear();
      parsed_dates.clear();
    }
    for (bool first = true; !same_dates && bad_part.empty(); first = false) {
      const auto next = rest.find("Updated:");
      const std::string_view part = trim(rest.substr(0, next));
      const auto date = detail::parse_month_name_date(part);
      if (!date) bad_part = part.empty() ? std::string_view("(nothing)") : part;
      else if (first) included = date;
      else updates.push_back(*date);
      if (next == std::string_view::npos) break;
      rest.remove_prefix(next + 8);
    }
    if (!same_dates && bad_part.empty()) parsed_dates.assign(date_text), parsed_included = included;
    if (!bad_part.empty()) {
      context.bad_record(LoadError(
          path, line,
          fmt::format("date_of_inclusion_on_covered_list '{}': '{}' is not a date written like 'March 25, 2022'",
                      date_text, bad_part)));
      continue;
    }

    const Named named = named_parties(covered);
    // A row that names no company is known by its number among the load's rows.
    if (named.company.empty())
      row_record = fmt::format("row {}", rows_before + rows + context.report.skipped.size() + 1);
    const Source where{path, named.company.empty() ? std::string_view(row_record) : named.company,
                       static_cast<std::uint32_t>(line)};
    Batch& batch = context.batch;
    company_id.clear(), subsidiary_id.clear();
    if (!named.company.empty()) {
      company_id.assign("fcc:"), detail::append_slug(company_id, named.company);
      batch.add_entity({.id = company_id, .kind = NodeKind::Company, .name = named.company, .source = where});
      ++entities;
    }
    if (!named.subsidiary.empty()) {
      subsidiary_id.assign("fcc:"), detail::append_slug(subsidiary_id, named.subsidiary);
      batch.add_entity({.id = subsidiary_id, .kind = NodeKind::Company, .name = named.subsidiary, .source = where});
      ++entities;
      // "X and its wholly-owned subsidiary Y": the entry states that X owns all of Y.
      batch.add_edge({.kind = EdgeKind::Owns, .from = company_id, .to = subsidiary_id,
                      .share = Percent::exact(100), .role = "wholly-owned subsidiary", .source = where});
      ++links;
    }
    if (company_id.empty()) {
      action.assign("fcc:covered-list:").append(included->to_string()).append(1, ':');
      detail::append_slug(action, covered.substr(0, 40));
    } else
      action.assign("fcc:covered-list:").append(std::string_view(company_id).substr(4));
    for (const std::string* target : {&company_id, &subsidiary_id}) {
      if (!target->empty() || target == &company_id)
        batch.add_action({.id = action, .target = *target, .authority = "FCC", .list = "Covered List",
                          .legal_basis = kLegalBasis, .measures = covered, .citation = kCitation,
                          .listed = included, .in_force = {included, std::nullopt}, .source = where,
                          .measure_set = fcc.measures, .issuer = fcc.issuer, .list_id = fcc.list});
    }
    for (const Date update : updates) batch.add_attribute(action, "modifiedAt", update.to_string(), where);
    ++rows;
  }
  for (const auto& [kind, count] : {std::pair{"rows", rows}, std::pair{"actions", rows}, std::pair{"entities", entities},
                                    std::pair{"ownership links", links}})
    if (count != 0) context.report.add(kind, count);
  context.progress(path, file.size());
}

LoadReport load_fcc_covered(const std::string& path, Builder& builder, const LoadOptions& options) {
  return load_with(static_cast<LoaderFn>(&load_fcc_covered), path, builder, options);
}

bool looks_like_fcc_covered(std::string_view head, std::string_view /*file_name*/) noexcept {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  return head.starts_with("covered_equipment_or_services,") ||
         head.starts_with("\"covered_equipment_or_services\",");
}

}  // namespace skg
