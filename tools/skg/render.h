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

namespace skg {

/// How text output looks: colour only when stdout is a terminal, width of that terminal.
struct Style {
  bool color = false;
  int width = 100;  // columns available; tables wrap their widest columns to fit
};

/// ANSI colours, applied only when the style asks for colour.
enum class Tone : std::uint8_t { Plain, Bold, Dim, Red, Green, Yellow, Cyan };
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

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
  std::string indent_;
};

/// Writes one JSON document (compact, one line, then a newline) to a stream, through RapidJSON.
/// Field names are the shell's contract: snake_case and stable.
///   JsonOut json(out);
///   json.begin_object();
///   json.key("entity").string(id);
///   json.key("aggregate_percent").null();
///   json.end_object();  // the destructor writes the newline
class JsonOut {
 public:
  explicit JsonOut(std::ostream& out);
  ~JsonOut();
  JsonOut(const JsonOut&) = delete;
  JsonOut& operator=(const JsonOut&) = delete;

  JsonOut& key(std::string_view name);
  JsonOut& string(std::string_view text);
  JsonOut& number(double value);
  JsonOut& integer(std::int64_t value);
  JsonOut& boolean(bool value);
  JsonOut& null();
  JsonOut& begin_object();
  JsonOut& end_object();
  JsonOut& begin_array();
  JsonOut& end_array();

  // Model values, as the contract writes them.
  JsonOut& date(std::optional<Date> day);  // "2024-06-21" or null (unknown)
  JsonOut& percent(Percent share);         // number, {"min","max"} for a range, null if unknown
  JsonOut& optional_string(std::string_view text);  // null for ""

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Splits `text` into lines of at most `width` columns, at spaces where it can.
std::vector<std::string> wrap_text(std::string_view text, std::size_t width);

/// Prints `text` wrapped to the style's width: the first line after `first`, the others after
/// `next` (a hanging indent).
void print_wrapped(std::ostream& out, const Style& style, std::string_view text,
                   std::string_view first, std::string_view next, Tone tone = Tone::Plain);

/// "2024-06-21", or `unknown` when the source gives no date.
std::string date_text(std::optional<Date> day, std::string_view unknown = "");

}  // namespace skg
