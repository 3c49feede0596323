// loaders/xml_common.h: the opening every XML list loader shares (UN, UK list, EU FSF, OFAC XML,
// GLEIF): an empty file, a file that is not XML, invalid UTF-8, malformed XML and a root element
// of another format are refused with the file and line, before any record is read.
#pragma once
#include <array>
#include <initializer_list>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "skg/loaders/list_common.h"

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
/// unless it is empty (addresses and names put together from many short elements).
void append_collapsed(std::string& out, std::string_view part, std::string_view separator = ", ");

/// The first child of `parent` named by each of `names`, found in one pass over the children
/// (pugixml's child(name) walks and compares every sibling for each name asked): out[k] is the
/// first child named names[k], or an empty node.
///   const auto [uid, type] = detail::first_children<2>(entry, {"uid", "sdnType"});
template <std::size_t N>
std::array<pugi::xml_node, N> first_children(const pugi::xml_node& parent, const std::array<std::string_view, N>& names) {
  std::array<pugi::xml_node, N> out;
  std::size_t found = 0;
  for (pugi::xml_node item = parent.first_child(); item && found < N; item = item.next_sibling()) {
    const char* name = item.name();
    for (std::size_t at = 0; at < N; ++at) {
      const std::string_view want = names[at];
      if (out[at] || name[0] != want[0]) continue;
      std::size_t length = 1;
      while (length < want.size() && name[length] == want[length]) ++length;
      if (length == want.size() && name[length] == '\0') {
        out[at] = item;
        ++found;
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
