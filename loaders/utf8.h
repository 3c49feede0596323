// loaders/utf8.h: the whole-text UTF-8 check of the JSON and XML loaders, sixteen bytes a step
// whatever the script (internal to loaders/).
#pragma once
#include <cstddef>
#include <string_view>

namespace skg::inline v1::detail {

/// True when `text` is well-formed UTF-8 (Unicode Table 3-7: no overlong form, surrogate or code
/// point past U+10FFFF): exactly the texts find_invalid_utf8 (loaders/source.h) accepts, which are
/// the bytes RapidJSON's kParseValidateEncodingFlag accepts in a string. With SSSE3 (checked at
/// run time) a text past ASCII (Cyrillic, Arabic, CJK) is checked sixteen bytes a step too, by
/// table lookups on the nibbles of each byte and the one before it (Keiser and Lemire,
/// "Validating UTF-8 in less than one instruction per byte", Software: Practice and Experience
/// 51(5), 2021), where find_invalid_utf8 decodes it a character at a time.
///   if (!detail::valid_utf8(line)) parse_with_rapidjsons_check(line);
bool valid_utf8(std::string_view text) noexcept;

/// find_invalid_utf8(text) (the offset of the first invalid sequence, or npos), with the valid
/// case, the usual one, answered by valid_utf8.
std::size_t first_invalid_utf8(std::string_view text) noexcept;

}  // namespace skg::detail
