#include "render.h"


#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>

namespace skg::shell {

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

std::string printable(std::string_view text) {
  auto is_control = [&](std::size_t at) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte < 0x20 || byte == 0x7F) return 1;
    // C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F): some terminals act on them too (CSI).
    if (byte == 0xC2 && at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[at + 1]) <= 0x9F)
      return 2;
    return 0;
  };
  std::size_t at = 0;
  while (at < text.size() && is_control(at) == 0) ++at;
  if (at == text.size()) return std::string(text);
  std::string out(text.substr(0, at));
  while (at < text.size()) {
    const int length = is_control(at);
    if (length == 0) {
      out += text[at++];
      continue;
    }
    const auto byte = static_cast<unsigned char>(text[at]);
    switch (byte) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        out += length == 2 ? fmt::format("\\u{:04x}", static_cast<unsigned char>(text[at + 1]))
                           : fmt::format("\\x{:02x}", byte);
    }
    at += static_cast<std::size_t>(length);
  }
  return out;
}

std::string paint(const Style& style, Tone tone, std::string_view text) {
  if (!style.color || tone == Tone::Plain || text.empty()) return printable(text);
  std::string out(ansi(tone));
  out += printable(text);
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
  for (auto& cell : cells) {  // a cell is one logical line: newlines and tabs would break the grid
    std::replace_if(
        cell.text.begin(), cell.text.end(),
        [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' ');
    cell.text = printable(cell.text);  // list data never drives the terminal
  }
  if (stream_ == nullptr) {
    rows_.push_back(std::move(cells));
    return;
  }
  if (layout_) {
    print_row(*stream_, *stream_style_, *layout_, cells);
    return;
  }
  rows_.push_back(std::move(cells));
  if (rows_.size() >= sample_rows_) flush();
}

void Table::stream_to(std::ostream& out, const Style& style, std::size_t sample_rows) {
  stream_ = &out;
  stream_style_ = &style;
  sample_rows_ = std::max<std::size_t>(sample_rows, 1);
}

void Table::flush() {
  if (stream_ == nullptr || layout_) return;
  layout_ = layout(*stream_style_);
  print_header(*stream_, *stream_style_, *layout_);
  for (const auto& row : rows_) print_row(*stream_, *stream_style_, *layout_, row);
  rows_.clear();
  rows_.shrink_to_fit();
}

Table::Layout Table::layout(const Style& style) const {
  Layout layout;
  // Columns with no text in any row say nothing: leave them out.
  for (std::size_t col = 0; col < columns_.size(); ++col)
    if (rows_.empty() || std::any_of(rows_.begin(), rows_.end(),
                                     [&](const auto& row) { return !row[col].text.empty(); }))
      layout.shown.push_back(col);
  const std::size_t count = layout.shown.size();
  std::vector<std::size_t>& widths = layout.widths;
  widths.resize(count);
  for (std::size_t at = 0; at < count; ++at) {
    const std::size_t col = layout.shown[at];
    widths[at] = display_width(columns_[col].header);
    for (const auto& row : rows_) widths[at] = std::max(widths[at], display_width(row[col].text));
  }
  auto total = [&] {
    std::size_t sum = display_width(indent_) + (count == 0 ? 0 : kGap * (count - 1));
    for (auto width : widths) sum += width;
    return sum;
  };
  // Narrow the widest wrapping column, one column at a time, until the table fits.
  const std::size_t limit = style.width > 0 ? static_cast<std::size_t>(style.width) : SIZE_MAX;
  while (total() > limit) {
    std::size_t widest = count;
    for (std::size_t at = 0; at < count; ++at) {
      const Column& column = columns_[layout.shown[at]];
      const auto floor = std::max(column.min_width, display_width(column.header));
      if (column.wrap && widths[at] > floor &&
          (widest == count ||
           widths[at] / column.share > widths[widest] / columns_[layout.shown[widest]].share))
        widest = at;
    }
    if (widest == count) break;  // nothing left to narrow: let the terminal wrap
    --widths[widest];
  }
  return layout;
}

void Table::print_line(std::ostream& out, const Style& style, const Layout& layout,
                       const std::vector<std::string>& cells, const std::vector<Tone>& tones) const {
  const std::size_t count = layout.shown.size();
  std::string line = indent_;
  for (std::size_t at = 0; at < count; ++at) {
    line += paint(style, tones[at], cells[at]);
    const std::size_t used = display_width(cells[at]);
    if (at + 1 < count) line.append((layout.widths[at] > used ? layout.widths[at] - used : 0) + kGap, ' ');
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out << line << '\n';
}

void Table::print_header(std::ostream& out, const Style& style, const Layout& layout) const {
  const std::size_t count = layout.shown.size();
  if (count == 0) return;
  std::vector<std::string> header(count);
  std::vector<Tone> header_tones(count, style.color ? Tone::Bold : Tone::Plain);
  for (std::size_t at = 0; at < count; ++at)
    header[at] = wrap(columns_[layout.shown[at]].header, layout.widths[at])[0];
  print_line(out, style, layout, header, header_tones);
}

void Table::print_row(std::ostream& out, const Style& style, const Layout& layout,
                      const std::vector<Cell>& row) const {
  const std::size_t count = layout.shown.size();
  if (count == 0) return;
  std::vector<std::vector<std::string>> wrapped(count);
  std::vector<Tone> tones(count);
  std::size_t height = 1;
  for (std::size_t at = 0; at < count; ++at) {
    wrapped[at] = wrap(row[layout.shown[at]].text, layout.widths[at]);
    tones[at] = row[layout.shown[at]].tone;
    height = std::max(height, wrapped[at].size());
  }
  for (std::size_t line = 0; line < height; ++line) {
    std::vector<std::string> cells(count);
    for (std::size_t at = 0; at < count; ++at)
      if (line < wrapped[at].size()) cells[at] = wrapped[at][line];
    print_line(out, style, layout, cells, tones);
  }
}

void Table::print(std::ostream& out, const Style& style) const {
  const Layout shape = layout(style);
  print_header(out, style, shape);
  for (const auto& row : rows_) print_row(out, style, shape, row);
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

}  // namespace skg::shell

namespace skg::shell {

CommandOutput::CommandOutput(std::ostream& out, bool text, bool color, std::size_t hold)
    : out_(out), text_(text), color_(color), hold_(hold) {
  setp(area_, area_ + sizeof area_);
}

void CommandOutput::drain() {
  if (pptr() == pbase()) return;
  put(std::string_view(pbase(), static_cast<std::size_t>(pptr() - pbase())));
  setp(area_, area_ + sizeof area_);
}

void CommandOutput::emit(std::string_view bytes) {
  if (bytes.empty()) return;
  if (passing_) {
    out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return;
  }
  held_.append(bytes);
  if (held_.size() > hold_) {
    out_.write(held_.data(), static_cast<std::streamsize>(held_.size()));
    std::string().swap(held_);
    passing_ = true;
  }
}

void CommandOutput::put(std::string_view bytes) {
  if (!text_) {
    emit(bytes);
    return;
  }
  std::size_t run = 0;  // start of the plain bytes not emitted yet
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    const auto byte = static_cast<unsigned char>(bytes[at]);
    if (!pending_.empty()) {
      if (pending_[0] == '\x1b') {
        // paint()'s sequences are ESC [ digits m; anything else is shown, not obeyed.
        if (pending_.size() == 1 ? byte == '[' : (std::isdigit(byte) || byte == ';') && pending_.size() < 16) {
          pending_ += static_cast<char>(byte);
          run = at + 1;
          continue;
        }
        if (byte == 'm' && pending_.size() >= 2 && color_) {
          pending_ += 'm';
          emit(pending_);
          pending_.clear();
          run = at + 1;
          continue;
        }
        emit("\\x1b");
        emit(std::string_view(pending_).substr(1));
        pending_.clear();
        run = at;
        --at;  // this byte again, on its own
        continue;
      }
      // A C2 lead byte: C1 control (C2 80..9F) or an ordinary character.
      if (byte >= 0x80 && byte <= 0x9F) {
        emit(fmt::format("\\u{:04x}", byte));
        pending_.clear();
        run = at + 1;
        continue;
      }
      emit(pending_);
      pending_.clear();
      run = at;
      --at;
      continue;
    }
    if ((byte < 0x20 && byte != '\n') || byte == 0x7F || byte == 0xC2) {
      emit(bytes.substr(run, at - run));
      run = at + 1;
      if (byte == 0x1B || byte == 0xC2) {
        pending_ = static_cast<char>(byte);
      } else {
        emit(byte == '\t' ? "\\t" : byte == '\r' ? "\\r" : fmt::format("\\x{:02x}", byte));
      }
    }
  }
  emit(bytes.substr(std::min(run, bytes.size())));
}

CommandOutput::int_type CommandOutput::overflow(int_type c) {
  drain();
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  return c;
}

std::streamsize CommandOutput::xsputn(const char* data, std::streamsize count) {
  if (count <= epptr() - pptr()) {
    std::copy(data, data + count, pptr());
    pbump(static_cast<int>(count));
    return count;
  }
  drain();
  put(std::string_view(data, static_cast<std::size_t>(count)));
  return count;
}

int CommandOutput::sync() {
  drain();
  if (passing_) out_.flush();
  return 0;
}

void CommandOutput::finish() {
  drain();
  if (!pending_.empty()) {
    emit(pending_[0] == '\x1b' ? "\\x1b" + pending_.substr(1) : pending_);
    pending_.clear();
  }
  if (!held_.empty()) out_.write(held_.data(), static_cast<std::streamsize>(held_.size()));
  std::string().swap(held_);
  passing_ = true;
  out_.flush();
}

bool CommandOutput::discard() {
  setp(area_, area_ + sizeof area_);
  std::string().swap(held_);
  pending_.clear();
  const bool clean = !passing_;
  passing_ = true;
  if (!clean) out_ << '\n';  // the error goes on a line of its own
  out_.flush();
  return clean;
}

}  // namespace skg::shell
