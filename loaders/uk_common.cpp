#include "skg/loaders/uk_common.h"

#include <array>
#include <cstring>
#include <fmt/format.h>

#include "skg/loaders/source.h"

namespace skg::inline v1::detail {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }
bool letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// "dd/mm/yyyy" split into its three parts; false when the text is not three '/'-separated parts.
bool split_dmy(std::string_view text, std::string_view& day, std::string_view& month, std::string_view& year) {
  const auto first = text.find('/');
  if (first == std::string_view::npos) return false;
  const auto second = text.find('/', first + 1);
  if (second == std::string_view::npos || text.find('/', second + 1) != std::string_view::npos) return false;
  day = text.substr(0, first);
  month = text.substr(first + 1, second - first - 1);
  year = text.substr(second + 1);
  return true;
}

// Two (or one) digits -> their value; -1 for anything else.
int small_number(std::string_view text) {
  if (text.empty() || text.size() > 2) return -1;
  int out = 0;
  for (char c : text) {
    if (!digit(c)) return -1;
    out = out * 10 + (c - '0');
  }
  return out;
}

bool four_digits(std::string_view text) {
  return text.size() == 4 && digit(text[0]) && digit(text[1]) && digit(text[2]) && digit(text[3]);
}

// The position of `needle` (lower case) in `text`, ignoring ASCII case, from `from`; npos if none.
std::size_t find_folded(std::string_view text, std::string_view needle, std::size_t from = 0) {
  if (needle.size() > text.size()) return std::string_view::npos;
  if (needle.empty()) return from <= text.size() ? from : std::string_view::npos;
  const char first = needle.front();
  for (std::size_t at = from; at + needle.size() <= text.size(); ++at) {
    if (lower(text[at]) != first) continue;  // most positions: one test
    std::size_t matched = 1;
    while (matched < needle.size() && lower(text[at + matched]) == needle[matched]) ++matched;
    if (matched == needle.size()) return at;
  }
  return std::string_view::npos;
}

// After a label: the separators the lists put between a label and its value (" ", ".", ":", "#").
std::size_t skip_separators(std::string_view text, std::size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '.' || text[at] == ':' || text[at] == '#')) ++at;
  return at;
}

// Labels of identifiers inside the lists' free text, as the lists write them (matched ignoring
// case). Sources: ../shared/datasets/uk/ofsi_conlist_2014-04.csv and _2018-04.csv ("Other
// Information": "UN Ref QDi.196.", "UN REF:QE.A.146.14.", "Un Ref: QDi.395.", "UN Ref.KPI.067.";
// "IMO Number: 5342883", "IMO: 8937675", "IMO No9270658"; "UK Company Number 02772297", "UK
// registered company no 02142819") and uk_sanctions_list_sample_2026-09.xml
// (BusinessRegistrationNumber "UK Company no. 06527449").
constexpr std::array<std::string_view, 1> kUnReferenceLabels = {"un ref"};
// Each starts "uk " (find_gb_company_number skips a text without it).
constexpr std::array<std::string_view, 4> kGbCompanyLabels = {
    "uk company number", "uk company no", "uk registered company number", "uk registered company no"};

}  // namespace

std::optional<Date> parse_uk_date(std::string_view text) noexcept {
  std::string_view day, month, year;
  text = trim(text);
  if (!split_dmy(text, day, month, year) || !four_digits(year) || day.size() != 2 || month.size() != 2) return std::nullopt;
  const int d = small_number(day), m = small_number(month);
  if (d < 1 || m < 1) return std::nullopt;
  return Date::from_ymd((year[0] - '0') * 1000 + (year[1] - '0') * 100 + (year[2] - '0') * 10 + (year[3] - '0'), m, d);
}

std::optional<std::string> uk_birth_date(std::string_view text) {
  text = trim(text);
  if (four_digits(text)) return std::string(text);
  std::string_view day, month, year;
  if (!split_dmy(text, day, month, year) || !four_digits(year)) return std::nullopt;
  // The lists write an unknown day or month as "00" (OFSI CSV) or "dd"/"mm" (FCDO XML).
  const bool no_day = day == "00" || day == "dd" || day == "DD";
  const bool no_month = month == "00" || month == "mm" || month == "MM";
  const int d = small_number(day), m = small_number(month);
  if (no_month) {
    if (!no_day) return std::nullopt;  // a day without its month: not a partial date we can write
    return std::string(year);
  }
  if (m < 1 || m > 12 || month.size() != 2) return std::nullopt;
  if (no_day) return fmt::format("{}-{}", year, month);
  if (d < 1 || day.size() != 2) return std::nullopt;
  const int y = (year[0] - '0') * 1000 + (year[1] - '0') * 100 + (year[2] - '0') * 10 + (year[3] - '0');
  const auto date = Date::from_ymd(y, m, d);
  if (!date) return std::nullopt;
  return date->to_string();
}

std::size_t windows1252_to_utf8(std::string_view text, BigString& out) {
  // The code page's 0x80-0x9F row (Unicode's table of Windows code page 1252, the WHATWG
  // "windows-1252" index); 0 marks the five bytes it leaves undefined. 0xA0-0xFF are U+00A0-U+00FF.
  static constexpr std::array<char16_t, 32> kHigh = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  out.clear();
  out.reserve(text.size() + text.size() / 16);
  std::size_t plain = 0;  // start of the run of ASCII bytes not yet copied
  for (std::size_t at = 0; at < text.size(); ++at) {
    // Eight ASCII bytes at a time (nearly all of a list's text): they are copied as they are.
    while (at + 8 <= text.size()) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + at, 8);
      if ((word & 0x8080808080808080ull) != 0) break;
      at += 8;
    }
    if (at >= text.size()) break;
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte < 0x80) continue;
    out.append(text.data() + plain, at - plain);
    plain = at + 1;
    const char16_t code = byte < 0xA0 ? kHigh[byte - 0x80] : static_cast<char16_t>(byte);
    if (code == 0) return at;
    if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  return std::string_view::npos;
}

std::string find_un_reference(std::string_view text) {
  for (std::string_view label : kUnReferenceLabels) {
    for (std::size_t at = find_folded(text, label); at != std::string_view::npos;
         at = find_folded(text, label, at + 1)) {
      if (at > 0 && letter(text[at - 1])) continue;  // "...un ref" inside a word
      std::size_t begin = skip_separators(text, at + label.size()), end = begin;
      while (end < text.size() && (letter(text[end]) || digit(text[end]) || text[end] == '.')) ++end;
      std::string_view reference = text.substr(begin, end - begin);
      while (reference.ends_with('.')) reference.remove_suffix(1);  // the sentence's full stop
      bool has_digit = false, has_letter = false;
      for (char c : reference) has_digit |= digit(c), has_letter |= letter(c);
      // A reference is letters, a dot and digits: "QDi.196", "KPe.066", "QI.A.86.03".
      if (has_digit && has_letter && reference.find('.') != std::string_view::npos) return std::string(reference);
    }
  }
  return {};
}

std::string find_imo_number(std::string_view text) {
  // "IMO" in capitals as a word, then "Number" or "No" if written, separators, then the seven
  // digits of an IMO number (IMO resolution A.1078(28)): "IMO Number: 5342883", "IMO No9270658".
  for (std::size_t at = text.find("IMO"); at != std::string_view::npos; at = text.find("IMO", at + 1)) {
    if (at > 0 && letter(text[at - 1])) continue;
    std::size_t next = at + 3;
    if (next < text.size() && letter(text[next])) {
      const std::string_view rest = text.substr(next);
      if (find_folded(rest, "number") == 0) next += 6;
      else if (find_folded(rest, "no") == 0) next += 2;
      else continue;
    }
    next = skip_separators(text, next);
    std::size_t end = next;
    while (end < text.size() && digit(text[end])) ++end;
    if (end - next == 7) return std::string(text.substr(next, 7));
  }
  return {};
}

std::string find_gb_company_number(std::string_view text) {
  // Every label starts "uk ": a text without it (most notes) is scanned once, not once per label.
  if (find_folded(text, "uk ") == std::string_view::npos) return {};
  for (std::string_view label : kGbCompanyLabels) {
    const auto at = find_folded(text, label);
    if (at == std::string_view::npos || (at > 0 && letter(text[at - 1]))) continue;
    std::size_t next = at + label.size();
    if (next < text.size() && letter(text[next])) continue;  // "uk company no" of "uk company notes"
    next = skip_separators(text, next);
    std::size_t end = next;
    while (end < text.size() && (letter(text[end]) || digit(text[end]))) ++end;
    const std::string_view number = text.substr(next, end - next);
    bool has_digit = false;
    for (char c : number) has_digit |= digit(c);
    // A Companies House number: eight characters, digits or two letters and six digits
    // ("02772297", "SC123456"); shorter numbers are written without their leading zeros.
    if (has_digit && !number.empty() && number.size() <= 8) return std::string(number);
  }
  return {};
}

}  // namespace skg::detail
