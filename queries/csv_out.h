// queries/csv_out.h: one CSV field as every CSV the library and the shell write quotes it
// (RFC 4180): `export`, `watch --format csv`, `screen-file --format csv`.
#pragma once

#include <string>
#include <string_view>

namespace skg::inline v1 {

/// Appends `text` to `out` (a std::string or a fmt::memory_buffer) as one CSV field: quoted
/// when it holds a comma, a quote or a line break, its quotes doubled (RFC 4180, section 2).
template <class Out>
void append_csv_field(Out& out, std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

/// `text` as one CSV field (see append_csv_field).
inline std::string csv_field(std::string_view text) {
  std::string out;
  append_csv_field(out, text);
  return out;
}

}  // namespace skg::inline v1
