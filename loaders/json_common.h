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

namespace skg::inline v1::detail {

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
