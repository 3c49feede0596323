// tools/skg/cmd_picture.cpp: --dot / --svg FILE / --png FILE on the commands that answer with
// chains, and `export`: the graph written for engines past one machine.
#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>

#include "command_parts.h"
#include "skg/queries/export.h"
#include "skg/queries/picture.h"

namespace skg::shell {

bool wants_picture(const Args& args) {
  return args.option("dot") || args.option("svg") || args.option("png");
}

PictureOptions picture_options(Context& context, const BlockedSet* blocked, std::string title) {
  PictureOptions options;
  options.blocked = blocked;
  options.as_of = context.date;
  options.title = std::move(title);
  return options;
}

Rule picture_rule(const Args& args) {
  const auto text = args.option("rule");
  if (!text) return Rule::Ofac;
  const auto rule = parse_rule(*text);
  if (!rule) throw UsageError(fmt::format("no rule '{}': use ofac, eu, uk or bis", *text));
  return *rule;
}

namespace {

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw UsageError(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) throw UsageError(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
}

}  // namespace

int emit_picture(Context& context, const Args& args, const Picture& picture) {
  if (context.json && args.option("dot"))
    throw UsageError("--dot writes Graphviz text: leave out --json");
  if (args.option("dot")) {
    context.out << picture.dot;
    return kExitOk;
  }
  for (const auto& [flag, format] : {std::pair{"svg", ImageFormat::Svg}, std::pair{"png", ImageFormat::Png}}) {
    const auto path = args.option(flag);
    if (!path) continue;
    if (path->empty()) throw UsageError(fmt::format("--{} needs a file name", flag));
    if (!graphviz_available())
      throw UsageError(fmt::format(
          "--{} is not available: this skg was built without Graphviz's libraries (Debian: "
          "libgraphviz-dev); --dot writes the picture as Graphviz text",
          flag));
    const std::string image = render_picture(picture.dot, format);
    write_file(std::string(*path), image);
    context.out << fmt::format("wrote {} ({}, {} bytes): {} part{}, {} link{} ({} bold){}\n", *path,
                               flag, image.size(), picture.nodes, picture.nodes == 1 ? "y" : "ies",
                               picture.edges, picture.edges == 1 ? "" : "s", picture.bold_edges,
                               picture.left_out == 0
                                   ? std::string()
                                   : fmt::format("; {} more not drawn", picture.left_out));
  }
  return kExitOk;
}

int run_export(Context& context, const Args& args) {
  require_graph(context.session);
  if (args.words.size() != 1)
    throw UsageError("usage: export --format csv|neo4j|graphframes DIR [--partitions N]");
  const auto format_text = args.option("format");
  if (!format_text) throw UsageError("export needs --format csv, neo4j or graphframes");
  const auto format = parse_export_format(*format_text);
  if (!format)
    throw UsageError(fmt::format("no export format '{}': use csv, neo4j or graphframes", *format_text));
  ExportOptions options;
  options.format = *format;
  options.partitions = static_cast<unsigned>(parse_count(args, "partitions", 1, 1, 4096));
  const auto start = std::chrono::steady_clock::now();
  const ExportReport report = export_graph(context.session.graph(), args.words[0], options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("format").string(to_string(*format));
    json.key("dir").string(args.words[0]);
    json.key("partitions").integer(options.partitions);
    json.key("nodes").integer(static_cast<std::int64_t>(report.nodes));
    json.key("edges").integer(static_cast<std::int64_t>(report.edges));
    json.key("bytes").integer(static_cast<std::int64_t>(report.bytes));
    json.key("files").begin_array();
    for (const auto& file : report.files) json.string(file);
    json.end_array();
    json.end_object();
    return kExitOk;
  }
  context.out << fmt::format(
      "exported {} nodes and {} edges as {} into {}: {} files, {:.1f} MB in {:.2f} s ({:.0f} MB/s)\n",
      report.nodes, report.edges, to_string(*format), args.words[0], report.files.size(),
      report.bytes / 1e6, seconds, seconds > 0 ? report.bytes / 1e6 / seconds : 0.0);
  if (*format == ExportFormat::Neo4j)
    context.out << fmt::format(
        "  neo4j-admin database import full --nodes={0}/nodes-header.csv,{0}/nodes-[0-9]+\\.csv "
        "--relationships={0}/relationships-header.csv,{0}/relationships-[0-9]+\\.csv neo4j\n",
        args.words[0]);
  if (*format == ExportFormat::GraphFrames)
    context.out << fmt::format(
        "  GraphFrame(spark.read.csv('{0}/vertices', header=True), spark.read.csv('{0}/edges', "
        "header=True))\n",
        args.words[0]);
  context.out << "  layout: docs/EXPORT.md\n";
  return kExitOk;
}

}  // namespace skg::shell
