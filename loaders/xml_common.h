// loaders/xml_common.h: the opening every XML list loader shares (UN, UK list, EU FSF, OFAC XML,
// GLEIF): an empty file, a file that is not XML, invalid UTF-8, malformed XML and a root element
// of another format are refused with the file and line, before any record is read.
#pragma once
#include <array>
#include <cstring>
#include <initializer_list>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "skg/loaders/list_common.h"
#include "skg/loaders/source.h"  // trim

namespace skg::inline v1::detail {

/// How one format's files are parsed and what they must look like.
struct XmlFormat {
  /// What the file should be, as the errors name it: "a UN consolidated list".
  std::string_view what;
  /// The root element names accepted (the first is the one the errors name when there is one).
  std::initializer_list<std::string_view> roots;
  /// Compare the root's name without its namespace prefix ("lei:LEIData" is LEIData).
  bool any_prefix = false;
  /// pugixml parse options (pugi::parse_default unless the format needs less).
  unsigned options = pugi::parse_default;
  /// Parse where the text is (pugixml ends names and values with NULs written into it): the text
  /// must be the loader's own mutable buffer (a SourceFile's content()). Otherwise pugixml copies it.
  bool in_place = false;
};

/// Parses the whole file `text` into `document` and returns its root element, after filling
/// `lines` from the text as it was (so that offsets still find their line once an in-place parse
/// has written into it). Throws LoadError with `path` and a line: "empty file: expected <what>",
/// "not <what>: the file is not XML", "invalid UTF-8", "malformed XML: <why>", "not <what>: root
/// element 'x' (expected <roots>)".
///   const pugi::xml_node root = detail::parse_xml(document, path, text, lines, {.what = ..., .roots = {"export"}});
pugi::xml_node parse_xml(pugi::xml_document& document, const std::string& path, std::string_view text,
                         LineIndex& lines, const XmlFormat& format);

/// An element's name without its namespace prefix: "lei:LegalName" -> "LegalName".
std::string_view local_name(const char* name) noexcept;

/// append_part(out, collapse_spaces(part), separator) without the temporary string: `part`
/// trimmed, each run of spaces, tabs and line breaks made one space, appended after `separator`
/// unless it is empty (addresses and names put together from many short elements). Inline, and
/// the part up to its first run to collapse (most parts: all of it) appended in one piece: called
/// once per address part, out of line and a run at a time it was 6% of a PSC load.
inline void append_collapsed(std::string& out, std::string_view part, std::string_view separator = ", ") {
  part = trim(part);
  if (part.empty()) return;
  if (!out.empty()) out += separator;
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::size_t plain = 0;  // part[0, plain) has nothing to collapse
  while (plain < part.size() && (part[plain] == ' ' ? part[plain + 1] != ' ' : !blank(part[plain]))) ++plain;
  if (plain == part.size()) {
    out += part;
    return;
  }
  while (blank(part[plain - 1])) --plain;  // the run that needs collapsing starts there (part[0] is no blank)
  out.append(part.data(), plain);
  bool space = false;
  for (const char c : part.substr(plain)) {
    if (blank(c)) {
      space = true;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
}

/// collapse_spaces(text) (list_common.h) without a string made when there is nothing to collapse
/// (most texts): a view of `text` trimmed, or of `scratch` holding the collapsed copy. Valid until
/// `scratch` changes.
std::string_view collapsed(std::string_view text, std::string& scratch);

/// text.find(needle), with SSE2 sixteen places a step where the needle's second and
/// last-but-one bytes both match, then memcmp. string_view::find stops at every occurrence of the
/// needle's first byte, the commonest of the text for the needles the loaders look for ('<' in
/// XML, '"' in JSON): format detection asked the head of a file for eight '<' needles, a seventh
/// of the UK list sample's load, and glibc's memmem was 8% of a PSC load.
inline std::size_t find_bytes(std::string_view text, std::string_view needle) noexcept {
  const std::size_t n = needle.size();
  if (n == 0) return 0;
  if (n > text.size()) return std::string_view::npos;
  std::size_t at = 0;
#if defined(__SSE2__)
  if (n < 2) return text.find(needle[0]);
  const __m128i second = _mm_set1_epi8(needle[1]), before_last = _mm_set1_epi8(needle[n - 2]);
  // Both loads, and the memcmp of a candidate in the last lane, inside the text.
  for (; at + n + 15 <= text.size(); at += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at + 1));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at + n - 2));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, second), _mm_cmpeq_epi8(b, before_last))));
    for (; mask != 0; mask &= mask - 1) {
      const std::size_t candidate = at + static_cast<std::size_t>(__builtin_ctz(mask));
      if (std::memcmp(text.data() + candidate, needle.data(), n) == 0) return candidate;
    }
  }
#endif
  for (; at + n <= text.size(); ++at)
    if (text[at] == needle[0] && std::memcmp(text.data() + at, needle.data(), n) == 0) return at;
  return std::string_view::npos;
}

/// find_bytes(text, needle) != npos.
inline bool contains(std::string_view text, std::string_view needle) noexcept {
  return find_bytes(text, needle) != std::string_view::npos;
}

/// The first child of `parent` named by each of `names` (distinct names), found in one pass over
/// the children (pugixml's child(name) walks and compares every sibling for each name asked):
/// out[k] is the first child named names[k], or an empty node. Each child's name is compared
/// first with the name after the last one found: given in the file's order, a child mostly
/// matches at the first try.
///   const auto [uid, type] = detail::first_children<2>(entry, {"uid", "sdnType"});
template <std::size_t N>
std::array<pugi::xml_node, N> first_children(const pugi::xml_node& parent, const std::array<std::string_view, N>& names) {
  std::array<pugi::xml_node, N> out;
  std::size_t found = 0, next = 0;
  for (pugi::xml_node item = parent.first_child(); item && found < N; item = item.next_sibling()) {
    const char* name = item.name();
    for (std::size_t tried = 0; tried < N; ++tried) {
      const std::size_t at = next + tried < N ? next + tried : next + tried - N;
      const std::string_view want = names[at];
      if (out[at] || name[0] != want[0]) continue;
      std::size_t length = 1;
      while (length < want.size() && name[length] == want[length]) ++length;
      if (length == want.size() && name[length] == '\0') {
        out[at] = item;
        ++found;
        next = at + 1 < N ? at + 1 : 0;
        break;
      }
    }
  }
  return out;
}

/// The line of a node, from a LineIndex taken before the parse.
inline std::uint32_t line_of_node(const LineIndex& lines, const pugi::xml_node& node) noexcept {
  const std::ptrdiff_t offset = node.offset_debug();
  return lines.line_at(offset < 0 ? 0 : static_cast<std::size_t>(offset));
}

}  // namespace skg::detail
