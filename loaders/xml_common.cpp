#include "skg/loaders/xml_common.h"

#include <algorithm>
#include <fmt/format.h>

#include "skg/loaders/source.h"
#include "skg/loaders/utf8.h"

namespace skg::inline v1::detail {

std::string_view local_name(const char* name) noexcept {
  // One pass for the first ':' and the end: names are short, and strlen then memchr cost more.
  const char* local = name;
  const char* at = name;
  for (; *at != '\0'; ++at)
    if (*at == ':' && local == name) local = at + 1;
  return {local, static_cast<std::size_t>(at - local)};
}

std::string_view collapsed(std::string_view text, std::string& scratch) {
  text = trim(text);
  // The test of collapse_spaces: a text with no tab, line break or two spaces in a row is itself.
  // Sixteen bytes a step with SSE2: the texts asked are often paragraphs (a designation's
  // statement of reasons), and a byte at a time this test was most of a UK list's collapsing.
  bool plain = true;
  std::size_t at = 0;
#if defined(__SSE2__)
  for (; at + 17 <= text.size() && plain; at += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at + 1));
    const __m128i space = _mm_set1_epi8(' ');
    const __m128i breaks = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\t')),
                                                     _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n'))),
                                        _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\r')));
    const __m128i two_spaces = _mm_and_si128(_mm_cmpeq_epi8(bytes, space), _mm_cmpeq_epi8(next, space));
    plain = _mm_movemask_epi8(_mm_or_si128(breaks, two_spaces)) == 0;
  }
#endif
  for (; at < text.size() && plain; ++at) {
    const char c = text[at];
    plain = c == ' ' ? text[at + 1] != ' ' : (c != '\t' && c != '\n' && c != '\r');  // trimmed: no ' ' last
  }
  if (plain) return text;
  scratch.clear();
  append_collapsed(scratch, text, {});
  return scratch;
}

pugi::xml_node parse_xml(pugi::xml_document& document, const std::string& path, std::string_view text,
                         LineIndex& lines, const XmlFormat& format) {
  const std::string_view body = trim(text);
  if (body.empty()) throw LoadError(path, 0, fmt::format("empty file: expected {}", format.what));
  lines = LineIndex(text);  // before an in-place parse writes NULs into the text
  if (body.front() != '<')
    throw LoadError(path, lines.line_at(static_cast<std::size_t>(body.data() - text.data())),
                    fmt::format("not {}: the file is not XML (it does not begin with '<')", format.what));
  if (const auto invalid = first_invalid_utf8(text); invalid != std::string_view::npos)
    throw LoadError(path, lines.line_at(invalid), fmt::format("invalid UTF-8 ({} is UTF-8 text)", format.what));
  // An element's text, when it comes first, is kept as the element's value instead of a node of
  // its own (child_value() reads either): list files are mostly elements holding one short
  // text, so this halves the nodes pugixml allocates and links (half the memory first touched).
  const unsigned options = format.options | pugi::parse_embed_pcdata;
  const pugi::xml_parse_result parsed =
      format.in_place ? document.load_buffer_inplace(const_cast<char*>(text.data()), text.size(), options,
                                                     pugi::encoding_utf8)
                      : document.load_buffer(text.data(), text.size(), options, pugi::encoding_utf8);
  if (!parsed)
    throw LoadError(path, lines.line_at(static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0))),
                    fmt::format("malformed XML: {}", parsed.description()));
  const pugi::xml_node root = document.document_element();
  const std::string_view name = format.any_prefix ? local_name(root.name()) : std::string_view(root.name());
  for (const std::string_view accepted : format.roots)
    if (name == accepted) return root;
  std::string expected;
  std::size_t index = 0;
  for (const std::string_view accepted : format.roots) {
    if (index > 0) expected += index + 1 == format.roots.size() ? " or " : ", ";
    expected += accepted;
    ++index;
  }
  throw LoadError(path, line_of_node(lines, root),
                  fmt::format("not {}: root element '{}' (expected {})", format.what,
                              std::string_view(root.name()).substr(0, 60), expected));
}

}  // namespace skg::detail
