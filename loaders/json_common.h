// loaders/json_common.h: helpers shared by the JSON loaders (FtM JSON lines, BODS) (internal).
#pragma once
#include <cstring>
#include <optional>
#include <string_view>

#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif
#include <rapidjson/document.h>

#include "skg/graph/model.h"
#include "skg/loaders/utf8.h"  // detail::valid_utf8: a line it accepts is parsed without RapidJSON's own check

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace skg::inline v1::detail {

/// RapidJSON's in-place stream, for texts followed by at least 15 readable bytes after their
/// terminating NUL (SourceFile::parse_buffer's padding). RapidJSON's own SSE2 whitespace and
/// string scans go byte by byte up to a 16-byte boundary before loading whole blocks (they must
/// not read past an unpadded text), which in pretty-printed JSON covers most of each indent and
/// most short strings: RapidJSON's parse was 40% of a BODS load. With the padding, these scans
/// load 16 unaligned bytes from the first one. They stop where RapidJSON's do (the NUL stops
/// both), so the parse, its errors and their offsets are the same; only the scans differ.
struct PaddedInsituStream : rapidjson::InsituStringStream {
  explicit PaddedInsituStream(char* text) : rapidjson::InsituStringStream(text) {}
};

#if defined(__SSE2__)
/// The bytes of the 16 at `at` that are a '"', a '\\' or below 0x20 (a string's stops), a bit each.
inline unsigned string_stops(const char* at) noexcept {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  const __m128i quote = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'));
  // Unsigned: byte < 0x20 exactly when max(byte, 0x1F) is 0x1F.
  const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(bytes, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)));
}

/// Found by argument-dependent lookup from RapidJSON's reader (a better match than its template):
/// skips JSON whitespace (space, tab, CR, LF) sixteen bytes a step.
inline void SkipWhitespace(PaddedInsituStream& stream) noexcept {
  char* at = stream.src_;
  if (static_cast<unsigned char>(*at) > ' ') return;  // most calls: a token follows at once
  for (;; at += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    const __m128i blank = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n'))),
        _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\r')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\t'))));
    const unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(blank)) & 0xFFFFu;
    if (other != 0) {
      stream.src_ = at + __builtin_ctz(other);
      return;
    }
  }
}
#endif

/// A JSON string's text (a view into the parsed document).
inline std::string_view view(const rapidjson::Value& value) noexcept {
  return {value.GetString(), value.GetStringLength()};
}

/// The value of `key` in `object` (its first member of that name, as FindMember gives), or null
/// when absent or when `object` is not an object. The lengths compared first, then the bytes:
/// FindMember's StringEqual reads both names' pointers and lengths through their flags for each
/// member, and the loaders ask an object for ten keys or more (a tenth of a BODS load).
inline const rapidjson::Value* member(const rapidjson::Value& object, std::string_view key) noexcept {
  if (!object.IsObject()) return nullptr;
  const auto size = static_cast<rapidjson::SizeType>(key.size());
  if (size != key.size()) return nullptr;  // no name is that long
  for (auto item = object.MemberBegin(), end = object.MemberEnd(); item != end; ++item)
    if (item->name.GetStringLength() == size && std::memcmp(item->name.GetString(), key.data(), size) == 0)
      return &item->value;
  return nullptr;
}

/// The string value of `key` in `object`; "" when absent or not a string.
inline std::string_view string_member(const rapidjson::Value& object, std::string_view key) noexcept {
  const rapidjson::Value* value = member(object, key);
  return value != nullptr && value->IsString() ? view(*value) : std::string_view{};
}

/// A date that may be partial: YYYY, YYYY-MM, YYYY-MM-DD, or a date-time (the FtM "date" type;
/// BODS dates). As a start (`end` false): the first day it covers. As an exclusive end: a partial
/// date ends after its period ("2019" -> 2020-01-01, "2019-12" -> 2020-01-01); a full date ends
/// the day after it when `inclusive_end` (the source's end date is the period's last day, as in
/// FtM), else on itself (BODS). nullopt when the text is none of these.
std::optional<Date> parse_partial_date(std::string_view text, bool end, bool inclusive_end) noexcept;

}  // namespace skg::detail

#if defined(__SSE2__)
namespace rapidjson {
template <>
struct StreamTraits<skg::detail::PaddedInsituStream> {
  enum { copyOptimization = 1 };  // as for InsituStringStream: two pointers, copied to registers
};

/// The string scan of the reader the Document uses (RapidJSON calls it unqualified from inside the
/// reader, so it is specialised rather than overloaded): copies a string's bytes up to its first
/// '"', '\\' or control byte, sixteen bytes a step; the reader handles that byte.
template <>
template <>
inline void GenericReader<UTF8<>, UTF8<>, CrtAllocator>::ScanCopyUnescapedString(
    skg::detail::PaddedInsituStream& is, skg::detail::PaddedInsituStream& os) {
  (void)os;  // the same stream: in place, it reads at src_ and writes at dst_
  char* from = is.src_;
  char* to = is.dst_;
  if (from == to) {  // nothing unescaped yet: the text stays where it is
    unsigned stops;
    while ((stops = skg::detail::string_stops(from)) == 0) from += 16;
    from += __builtin_ctz(stops);
    is.src_ = is.dst_ = from;
    return;
  }
  for (;; from += 16, to += 16) {
    const unsigned stops = skg::detail::string_stops(from);
    if (stops != 0) {
      const int length = __builtin_ctz(stops);
      std::memmove(to, from, static_cast<std::size_t>(length));
      is.src_ = from + length;
      is.dst_ = to + length;
      return;
    }
    // to is behind from: the 16 bytes are read before they are written over.
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to), _mm_loadu_si128(reinterpret_cast<const __m128i*>(from)));
  }
}
}  // namespace rapidjson
#endif
