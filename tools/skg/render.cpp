#include "render.h"

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>

namespace skg {

namespace {

std::string_view ansi(Tone tone) {
  switch (tone) {
    case Tone::Plain:
      return "";
    case Tone::Bold:
      return "\x1b[1m";
    case Tone::Dim:
      return "\x1b[2m";
    case Tone::Red:
      return "\x1b[31m";
    case Tone::Green:
      return "\x1b[32m";
    case Tone::Yellow:
      return "\x1b[33m";
    case Tone::Cyan:
      return "\x1b[36m";
  }
  return "";
}

bool is_continuation(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) == 0x80; }

/// The longest prefix of `text` that takes at most `columns` columns (whole code points).
std::size_t prefix_bytes(std::string_view text, std::size_t columns) {
  std::size_t used = 0, at = 0;
  while (at < text.size()) {
    if (used == columns) break;
    ++at;
    while (at < text.size() && is_continuation(text[at])) ++at;
    ++used;
  }
  return at;
}

/// Splits `text` into lines of at most `width` columns, at spaces where it can.
std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  if (width == 0) width = 1;
  while (display_width(text) > width) {
    const std::size_t fit = prefix_bytes(text, width);
    std::size_t cut = text.rfind(' ', fit);  // the space after the last word that fits
    if (cut == std::string_view::npos || cut == 0) {
      // One long word (an id, a URL): break after a '-' or '/' that fits, else anywhere.
      const std::size_t mark = text.substr(0, fit).find_last_of("-/");
      if (mark != std::string_view::npos && mark > 0) {
        lines.emplace_back(text.substr(0, mark + 1));
        text.remove_prefix(mark + 1);
        continue;
      }
      lines.emplace_back(text.substr(0, fit));  // one word longer than the column: cut it
      text.remove_prefix(fit);
    } else {
      std::string_view line = text.substr(0, cut);
      while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
      lines.emplace_back(line);
      text.remove_prefix(cut + 1);
    }
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  }
  if (!text.empty() || lines.empty()) lines.emplace_back(text);
  return lines;
}

}  // namespace

std::string paint(const Style& style, Tone tone, std::string_view text) {
  if (!style.color || tone == Tone::Plain || text.empty()) return std::string(text);
  std::string out(ansi(tone));
  out += text;
  out += "\x1b[0m";
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (char byte : text)
    if (!is_continuation(byte)) ++width;
  return width;
}

Table::Table(std::vector<Column> columns, std::string indent)
    : columns_(std::move(columns)), indent_(std::move(indent)) {}

void Table::add_row(std::vector<Cell> cells) {
  cells.resize(columns_.size());
  for (auto& cell : cells)  // a cell is one logical line: newlines and tabs would break the grid
    std::replace_if(
        cell.text.begin(), cell.text.end(),
        [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' ');
  rows_.push_back(std::move(cells));
}

void Table::print(std::ostream& out, const Style& style) const {
  // Columns with no text in any row say nothing: leave them out.
  std::vector<std::size_t> shown;
  for (std::size_t col = 0; col < columns_.size(); ++col)
    if (rows_.empty() || std::any_of(rows_.begin(), rows_.end(),
                                     [&](const auto& row) { return !row[col].text.empty(); }))
      shown.push_back(col);
  if (shown.size() != columns_.size()) {
    std::vector<Column> columns;
    for (auto col : shown) columns.push_back(columns_[col]);
    Table narrower(std::move(columns), indent_);
    for (const auto& row : rows_) {
      std::vector<Cell> cells;
      for (auto col : shown) cells.push_back(row[col]);
      narrower.rows_.push_back(std::move(cells));
    }
    narrower.print(out, style);
    return;
  }
  const std::size_t count = columns_.size();
  if (count == 0) return;
  std::vector<std::size_t> widths(count);
  for (std::size_t col = 0; col < count; ++col) {
    widths[col] = display_width(columns_[col].header);
    for (const auto& row : rows_) widths[col] = std::max(widths[col], display_width(row[col].text));
  }
  constexpr std::size_t kGap = 2;
  auto total = [&] {
    std::size_t sum = display_width(indent_) + kGap * (count - 1);
    for (auto width : widths) sum += width;
    return sum;
  };
  // Narrow the widest wrapping column, one column at a time, until the table fits.
  const std::size_t limit = style.width > 0 ? static_cast<std::size_t>(style.width) : SIZE_MAX;
  while (total() > limit) {
    std::size_t widest = count;
    for (std::size_t col = 0; col < count; ++col) {
      const auto floor = std::max(columns_[col].min_width, display_width(columns_[col].header));
      if (columns_[col].wrap && widths[col] > floor &&
          (widest == count ||
           widths[col] / columns_[col].share > widths[widest] / columns_[widest].share))
        widest = col;
    }
    if (widest == count) break;  // nothing left to narrow: let the terminal wrap
    --widths[widest];
  }

  auto print_line = [&](const std::vector<std::string>& cells, const std::vector<Tone>& tones) {
    std::string line = indent_;
    for (std::size_t col = 0; col < count; ++col) {
      line += paint(style, tones[col], cells[col]);
      if (col + 1 < count) line.append(widths[col] - display_width(cells[col]) + kGap, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  std::vector<std::string> header(count);
  std::vector<Tone> header_tones(count, style.color ? Tone::Bold : Tone::Plain);
  for (std::size_t col = 0; col < count; ++col)
    header[col] = wrap(columns_[col].header, widths[col])[0];
  print_line(header, header_tones);
  for (const auto& row : rows_) {
    std::vector<std::vector<std::string>> wrapped(count);
    std::vector<Tone> tones(count);
    std::size_t height = 1;
    for (std::size_t col = 0; col < count; ++col) {
      wrapped[col] = wrap(row[col].text, widths[col]);
      tones[col] = row[col].tone;
      height = std::max(height, wrapped[col].size());
    }
    for (std::size_t line = 0; line < height; ++line) {
      std::vector<std::string> cells(count);
      for (std::size_t col = 0; col < count; ++col)
        if (line < wrapped[col].size()) cells[col] = wrapped[col][line];
      print_line(cells, tones);
    }
  }
}

struct JsonOut::Impl {
  explicit Impl(std::ostream& out) : stream(out), writer(stream) {}
  std::ostream* out = nullptr;
  rapidjson::OStreamWrapper stream;
  rapidjson::Writer<rapidjson::OStreamWrapper> writer;
};

JsonOut::JsonOut(std::ostream& out) : impl_(std::make_unique<Impl>(out)) { impl_->out = &out; }
JsonOut::~JsonOut() {
  impl_->stream.Flush();
  *impl_->out << '\n';
}

JsonOut& JsonOut::key(std::string_view name) {
  impl_->writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  return *this;
}
JsonOut& JsonOut::string(std::string_view text) {
  impl_->writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return *this;
}
JsonOut& JsonOut::number(double value) {
  if (!std::isfinite(value)) return null();
  // Shares and scores are read by people: round to 4 decimals so 33.333333 prints short.
  const double rounded = std::round(value * 10000.0) / 10000.0;
  if (rounded == std::floor(rounded) && std::fabs(rounded) < 1e15)
    impl_->writer.Int64(static_cast<std::int64_t>(rounded));
  else
    impl_->writer.Double(rounded);
  return *this;
}
JsonOut& JsonOut::integer(std::int64_t value) {
  impl_->writer.Int64(value);
  return *this;
}
JsonOut& JsonOut::boolean(bool value) {
  impl_->writer.Bool(value);
  return *this;
}
JsonOut& JsonOut::null() {
  impl_->writer.Null();
  return *this;
}
JsonOut& JsonOut::begin_object() {
  impl_->writer.StartObject();
  return *this;
}
JsonOut& JsonOut::end_object() {
  impl_->writer.EndObject();
  return *this;
}
JsonOut& JsonOut::begin_array() {
  impl_->writer.StartArray();
  return *this;
}
JsonOut& JsonOut::end_array() {
  impl_->writer.EndArray();
  return *this;
}
JsonOut& JsonOut::date(std::optional<Date> day) { return day ? string(day->to_string()) : null(); }
JsonOut& JsonOut::percent(Percent share) {
  if (!share.known()) return null();
  if (share.is_exact()) return number(*share.value());
  begin_object();
  key("min").number(*share.min());
  key("max").number(*share.max());
  // Which bounds are excluded: ">50%" is {"min": 50, "max": 100, "min_open": true}.
  if (share.low().open) key("min_open").boolean(true);
  if (share.high().open) key("max_open").boolean(true);
  key("text").string(share.to_string());
  return end_object();
}
JsonOut& JsonOut::optional_string(std::string_view text) {
  return text.empty() ? null() : string(text);
}

std::vector<std::string> wrap_text(std::string_view text, std::size_t width) {
  return wrap(text, width);
}

void print_wrapped(std::ostream& out, const Style& style, std::string_view text,
                   std::string_view first, std::string_view next, Tone tone) {
  const std::size_t indent = std::max(display_width(first), display_width(next));
  const std::size_t limit = style.width > 0 ? static_cast<std::size_t>(style.width) : 100000;
  const std::size_t width = limit > indent + 20 ? limit - indent : 20;
  bool first_line = true;
  for (const auto& line : wrap(text, width)) {
    out << (first_line ? first : next) << paint(style, tone, line) << '\n';
    first_line = false;
  }
}

std::string date_text(std::optional<Date> day, std::string_view unknown) {
  return day ? day->to_string() : std::string(unknown);
}

}  // namespace skg
