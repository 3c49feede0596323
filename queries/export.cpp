#include "skg/queries/export.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "skg/graph/error.h"
#include "skg/graph/parallel.h"
#include "skg/queries/as_of.h"
#include "skg/queries/csv_out.h"

namespace skg::inline v1 {

std::optional<ExportFormat> parse_export_format(std::string_view text) noexcept {
  if (text == "csv") return ExportFormat::Csv;
  if (text == "neo4j") return ExportFormat::Neo4j;
  if (text == "graphframes") return ExportFormat::GraphFrames;
  return std::nullopt;
}

std::string_view to_string(ExportFormat format) noexcept {
  switch (format) {
    case ExportFormat::Csv: return "csv";
    case ExportFormat::Neo4j: return "neo4j";
    case ExportFormat::GraphFrames: return "graphframes";
  }
  return "csv";
}

std::string export_id(const Graph& graph, NodeId node) {
  const auto ids = graph.external_ids(node);
  if (!ids.empty()) return std::string(graph.string(ids.front()));
  return fmt::format("skg-node:{}", index(node));
}

namespace {

// The columns, one list for every layout (docs/EXPORT.md); the layouts differ in the header
// names and types only. Dates are ISO days; `end` is exclusive ([start, end), as skg keeps them).
struct ExportColumn {
  std::string_view csv, neo4j, graphframes;
};
constexpr ExportColumn kNodeColumns[] = {
    {"id", "id:ID", "id"},
    {"kind", ":LABEL", "kind"},
    {"name", "name", "name"},
    {"other_ids", "other_ids:string[]", "other_ids"},
    {"start", "start:date", "start"},
    {"end", "end:date", "end"},
    {"issuer", "issuer", "issuer"},
    {"list", "list", "list"},
    {"program", "program", "program"},
    {"measures", "measures:string[]", "measures"},
    {"listed_date", "listed_date:date", "listed_date"},
    {"undated", "undated:boolean", "undated"},
    {"record", "record", "record"},
};
constexpr ExportColumn kEdgeColumns[] = {
    {"src", ":START_ID", "src"},
    {"dst", ":END_ID", "dst"},
    {"kind", ":TYPE", "relationship"},
    {"share_low", "share_low:double", "share_low"},
    {"share_high", "share_high:double", "share_high"},
    {"share_low_open", "share_low_open:boolean", "share_low_open"},
    {"share_high_open", "share_high_open:boolean", "share_high_open"},
    {"interest", "interest", "interest"},
    {"start", "start:date", "start"},
    {"end", "end:date", "end"},
    {"role", "role", "role"},
    {"id", "id", "id"},
    {"record", "record", "record"},
};

template <std::size_t N>
std::string header(const ExportColumn (&columns)[N], ExportFormat format) {
  std::string out;
  for (const ExportColumn& column : columns) {
    if (!out.empty()) out += ',';
    out += format == ExportFormat::Neo4j         ? column.neo4j
           : format == ExportFormat::GraphFrames ? column.graphframes
                                                 : column.csv;
  }
  return out + '\n';
}

using Buffer = fmt::memory_buffer;

void field(Buffer& out, std::string_view text) { append_csv_field(out, text); }
void comma(Buffer& out) { out.push_back(','); }

void date_field(Buffer& out, std::optional<Date> date) {
  if (!date) return;
  int year = 0, month = 0, day = 0;
  date->to_ymd(year, month, day);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}", year, month, day);
}

/// A share bound in percent, exact: the millionths written as a decimal ("50", "33.333333").
void percent_field(Buffer& out, Percent::Units units) {
  const auto whole = units / Percent::kUnitsPerPercent, fraction = units % Percent::kUnitsPerPercent;
  if (fraction == 0) {
    fmt::format_to(std::back_inserter(out), "{}", whole);
    return;
  }
  char digits[8];
  std::snprintf(digits, sizeof digits, "%06u", static_cast<unsigned>(fraction));
  std::size_t length = 6;
  while (length > 0 && digits[length - 1] == '0') --length;
  fmt::format_to(std::back_inserter(out), "{}.{}", whole, std::string_view(digits, length));
}

void bool_field(Buffer& out, bool value) { out.append(std::string_view(value ? "true" : "false")); }

void write_node(Buffer& out, const Graph& graph, NodeId node) {
  const auto ids = graph.external_ids(node);
  if (ids.empty())
    fmt::format_to(std::back_inserter(out), "skg-node:{}", index(node));
  else
    field(out, graph.string(ids.front()));
  comma(out);
  out.append(to_string(graph.kind(node)));
  comma(out);
  field(out, graph.name(node));
  comma(out);
  if (ids.size() > 1) {
    std::string others;
    for (std::size_t at = 1; at < ids.size(); ++at) {
      if (at > 1) others += ';';
      others += graph.string(ids[at]);
    }
    field(out, others);
  }
  const Action* action = graph.action(node);
  // An Action's dates are those of its listing as skg reads it (listing_period: the in-force
  // range, from the listed date when the source gives no start), so a consumer applies the same
  // dates as skg's rules; a party's are its own.
  const DateRange valid = action != nullptr ? listing_period(*action) : graph.valid(node);
  comma(out);
  date_field(out, valid.start);
  comma(out);
  date_field(out, valid.end);
  comma(out);
  if (action != nullptr) {
    out.append(to_string(action->issuer));
    comma(out);
    field(out, to_string(action->list_id));
    comma(out);
    field(out, graph.string(action->program));
    comma(out);
    // Typed measures (RULES.md §8), ';'-separated; empty: the measure is not known.
    bool first = true;
    for (int measure = 0; measure < kMeasureCount; ++measure)
      if (action->measure_set.contains(static_cast<Measure>(measure))) {
        if (!first) out.push_back(';');
        out.append(to_string(static_cast<Measure>(measure)));
        first = false;
      }
    comma(out);
    date_field(out, action->listed);
    comma(out);
    bool_field(out, action->undated());
  } else {
    out.append(std::string_view(",,,,,"));
  }
  comma(out);
  if (const auto provs = graph.provenance(node); !provs.empty()) field(out, graph.describe(provs.front()));
  out.push_back('\n');
}

void write_edge(Buffer& out, const Graph& graph, EdgeId edge, const std::vector<std::string>& ids) {
  field(out, ids[index(graph.source(edge))]);
  comma(out);
  field(out, ids[index(graph.target(edge))]);
  comma(out);
  out.append(to_string(graph.edge_kind(edge)));
  comma(out);
  const Percent share = graph.share(edge);
  if (share.known()) {
    percent_field(out, share.low().units);
    comma(out);
    percent_field(out, share.high().units);
    comma(out);
    bool_field(out, share.low().open);
    comma(out);
    bool_field(out, share.high().open);
  } else {
    out.append(std::string_view(",,,"));
  }
  comma(out);
  if (const Interest interest = graph.interest(edge); interest != Interest::Unspecified)
    out.append(to_string(interest));
  const DateRange valid = graph.edge_valid(edge);
  comma(out);
  date_field(out, valid.start);
  comma(out);
  date_field(out, valid.end);
  comma(out);
  field(out, graph.role(edge));
  comma(out);
  field(out, graph.edge_external_id(edge));
  comma(out);
  if (const auto provs = graph.edge_provenance(edge); !provs.empty()) field(out, graph.describe(provs.front()));
  out.push_back('\n');
}

/// A file written through a buffer, flushed every few MB; throws Error naming the file.
class OutFile {
 public:
  OutFile(std::filesystem::path path) : path_(std::move(path)), file_(std::fopen(path_.c_str(), "wb")) {
    if (file_ == nullptr) fail();
  }
  ~OutFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  Buffer& buffer() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= (4u << 20)) flush();
  }
  std::uint64_t close() {
    flush();
    const int result = std::fclose(file_);
    file_ = nullptr;
    if (result != 0) fail();
    return written_;
  }

 private:
  void flush() {
    if (buffer_.size() != 0 && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) fail();
    written_ += buffer_.size();
    buffer_.clear();
  }
  [[noreturn]] void fail() const {
    throw Error(fmt::format("{}: cannot write: {}", path_.string(), std::strerror(errno)));
  }
  std::filesystem::path path_;
  std::FILE* file_;
  Buffer buffer_;
  std::uint64_t written_ = 0;
};

struct Layout {
  std::string node_dir, edge_dir;     // relative folders ("" or "vertices/")
  std::string node_stem, edge_stem;   // "nodes-", "part-"
  bool header_in_parts = true;        // false: one header file per table (Neo4j)
  std::string node_header_file, edge_header_file;
};

Layout layout_of(ExportFormat format) {
  switch (format) {
    case ExportFormat::Csv: return {"", "", "nodes-", "edges-", true, "", ""};
    case ExportFormat::Neo4j:
      return {"", "", "nodes-", "relationships-", false, "nodes-header.csv", "relationships-header.csv"};
    case ExportFormat::GraphFrames: return {"vertices/", "edges/", "part-", "part-", true, "", ""};
  }
  return {};
}

}  // namespace

ExportReport export_graph(const Graph& graph, const std::string& dir, const ExportOptions& options) {
  namespace fs = std::filesystem;
  if (options.partitions == 0 || options.partitions > 4096)
    throw Error(fmt::format("export: partitions must be 1 to 4096, not {}", options.partitions));
  const Layout layout = layout_of(options.format);
  const fs::path root(dir);
  std::error_code error;
  for (const std::string& sub : {layout.node_dir, layout.edge_dir}) {
    const fs::path folder = sub.empty() ? root : root / sub;
    fs::create_directories(folder, error);
    if (error) throw Error(fmt::format("{}: cannot make the folder: {}", folder.string(), error.message()));
  }
  // Parts of an earlier export of this layout would be read with the new ones: remove them.
  for (const auto& [sub, stem] : {std::pair{layout.node_dir, layout.node_stem}, std::pair{layout.edge_dir, layout.edge_stem}})
    for (const auto& entry : fs::directory_iterator(root / sub, error)) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with(stem) && name.ends_with(".csv") && name.find("header") == std::string::npos)
        fs::remove(entry.path(), error);
    }

  const std::size_t n = graph.node_count();
  // Each node's id, once: an edge's ends are written many times.
  std::vector<std::string> ids(n);
  parallel_for(n, 1 << 14, [&](std::size_t begin, std::size_t end, unsigned) {
    for (std::size_t at = begin; at < end; ++at) ids[at] = export_id(graph, NodeId{static_cast<std::uint32_t>(at)});
  });

  ExportReport report;
  report.nodes = n;
  report.edges = graph.edge_count();
  const unsigned parts = options.partitions;
  const std::string node_header = header(kNodeColumns, options.format);
  const std::string edge_header = header(kEdgeColumns, options.format);
  if (!layout.header_in_parts) {
    for (const auto& [name, text] : {std::pair{layout.node_header_file, node_header}, std::pair{layout.edge_header_file, edge_header}}) {
      OutFile file(root / name);
      file.buffer().append(std::string_view(text));
      report.bytes += file.close();
      report.files.push_back(name);
    }
  }
  auto part_name = [](const std::string& sub, const std::string& stem, unsigned part) {
    return fmt::format("{}{}{:05}.csv", sub, stem, part);
  };
  std::vector<std::uint64_t> bytes(2 * parts, 0);
  // One task per file: a part's nodes are every parts-th node, its edges those of its nodes.
  parallel_for(2 * static_cast<std::size_t>(parts), 1, [&](std::size_t begin, std::size_t end, unsigned) {
    for (std::size_t task = begin; task < end; ++task) {
      const unsigned part = static_cast<unsigned>(task / 2);
      const bool edges = task % 2 == 1;
      OutFile file(root / part_name(edges ? layout.edge_dir : layout.node_dir,
                                    edges ? layout.edge_stem : layout.node_stem, part));
      if (layout.header_in_parts) file.buffer().append(std::string_view(edges ? edge_header : node_header));
      for (std::size_t at = part; at < n; at += parts) {
        const NodeId node{static_cast<std::uint32_t>(at)};
        if (edges) {
          for (const EdgeId edge : graph.out_edges(node)) write_edge(file.buffer(), graph, edge, ids);
        } else {
          write_node(file.buffer(), graph, node);
        }
        file.maybe_flush();
      }
      bytes[task] = file.close();
    }
  });
  for (unsigned part = 0; part < parts; ++part) {
    report.files.push_back(part_name(layout.node_dir, layout.node_stem, part));
    report.files.push_back(part_name(layout.edge_dir, layout.edge_stem, part));
  }
  for (const std::uint64_t size : bytes) report.bytes += size;
  return report;
}

}  // namespace skg
