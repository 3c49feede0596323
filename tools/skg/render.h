// tools/skg/render.h: what the shell prints: tables that fit the terminal, colour, JSON.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/model.h"
#include "skg/json.h"

namespace skg::shell {

/// How text output looks: colour only when stdout is a terminal, width of that terminal.
struct Style {
  bool color = false;
  int width = 100;  // columns available; tables wrap their widest columns to fit
};

/// ANSI colours, applied only when the style asks for colour.
enum class Tone : std::uint8_t { Plain, Bold, Dim, Red, Green, Yellow, Cyan };
/// `text` with its control characters escaped (C0, DEL, C1 as \x1b, \n, \u009b): list data
/// reaches the terminal as text, never as a command to it. Paint and Table apply it to their text.
std::string printable(std::string_view text);
std::string paint(const Style& style, Tone tone, std::string_view text);

/// The number of terminal columns a UTF-8 string takes (one per code point, escapes excluded).
std::size_t display_width(std::string_view text);

/// A table of text cells; a column empty in every row is left out. Columns marked `wrap` give up
/// width, widest first, when the table would not fit: their cells wrap at spaces onto more lines
/// instead of being cut.
///   Table table({{"name"}, {"measures", .wrap = true}});
///   table.add_row({"AO Kaspersky Lab", "license required ..."});
///   table.print(out, style);
class Table {
 public:
  struct Column {
    std::string header;
    bool wrap = false;
    std::size_t min_width = 8;  // a wrapping column is never narrowed below this
    double share = 1.0;         // wrapping columns end up about this wide relative to the others
  };
  struct Cell {
    std::string text;
    Tone tone = Tone::Plain;
    Cell(std::string text = {}, Tone tone = Tone::Plain) : text(std::move(text)), tone(tone) {}
    Cell(std::string_view text, Tone tone = Tone::Plain) : text(text), tone(tone) {}
    Cell(const char* text, Tone tone = Tone::Plain) : text(text), tone(tone) {}
  };

  explicit Table(std::vector<Column> columns, std::string indent = "  ");
  void add_row(std::vector<Cell> cells);
  bool empty() const noexcept { return rows_.empty(); }
  std::size_t size() const noexcept { return rows_.size(); }
  void print(std::ostream& out, const Style& style) const;

  /// Streams from now on: the first `sample_rows` rows set the column widths and are printed
  /// with the header, every later row is printed as it is added (and not kept), so a table of a
  /// million rows takes the memory of one. Call flush() after the last row.
  void stream_to(std::ostream& out, const Style& style, std::size_t sample_rows = 200);
  void flush();

 private:
  static constexpr std::size_t kGap = 2;
  struct Layout {
    std::vector<std::size_t> shown;   // columns with text in some row
    std::vector<std::size_t> widths;  // per shown column
  };
  Layout layout(const Style& style) const;
  void print_line(std::ostream& out, const Style& style, const Layout& layout,
                  const std::vector<std::string>& cells, const std::vector<Tone>& tones) const;
  void print_header(std::ostream& out, const Style& style, const Layout& layout) const;
  void print_row(std::ostream& out, const Style& style, const Layout& layout,
                 const std::vector<Cell>& row) const;

  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
  std::string indent_;
  std::ostream* stream_ = nullptr;
  const Style* stream_style_ = nullptr;
  std::size_t sample_rows_ = 200;
  std::optional<Layout> layout_;
};

/// The stream a shell command writes to. It holds the first `hold` bytes, so that a command that
/// fails early prints nothing but its error; past that it passes everything on as it comes, so
/// memory follows the rows being made, not the size of the answer. Text output (not JSON) is
/// filtered too: a control character that slipped past printable() is escaped; only the colour
/// sequences of paint() go through, and only when the style asks for colour.
class CommandOutput : public std::streambuf {
 public:
  CommandOutput(std::ostream& out, bool text, bool color, std::size_t hold = std::size_t(1) << 20);
  /// Writes what is held (the command succeeded).
  void finish();
  /// Drops what is held (the command failed); false when some of it was already written.
  bool discard();

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* data, std::streamsize count) override;
  int sync() override;

 private:
  void drain();                      // the put area, through the filter
  void put(std::string_view bytes);  // through the filter
  void emit(std::string_view bytes);  // past the filter: held or written
  std::ostream& out_;
  bool text_, color_;
  std::size_t hold_;
  bool passing_ = false;
  std::string held_;
  std::string pending_;  // an escape sequence or a UTF-8 lead byte not finished yet
  char area_[1 << 14];   // single characters (JSON is written one at a time) gather here
};

/// Splits `text` into lines of at most `width` columns, at spaces where it can.
std::vector<std::string> wrap_text(std::string_view text, std::size_t width);

/// Prints `text` wrapped to the style's width: the first line after `first`, the others after
/// `next` (a hanging indent).
void print_wrapped(std::ostream& out, const Style& style, std::string_view text,
                   std::string_view first, std::string_view next, Tone tone = Tone::Plain);

/// "2024-06-21", or `unknown` when the source gives no date.
std::string date_text(std::optional<Date> day, std::string_view unknown = "");

}  // namespace skg::shell
