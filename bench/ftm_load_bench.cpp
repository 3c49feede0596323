// bench/ftm_load_bench.cpp: MB/s of the FtM JSON-lines loader, against RapidJSON's in-situ
// parse of the same lines alone, checked as the loader checks them (the floor the loader cannot
// beat on one core: the loader's worker thread does this part).
//   skg_bench_ftm_load --entities 1400 --runs 3   (1400 copies of the ZALA cluster, ~205 MB)
//   skg_bench_ftm_load --path big.ftm.json         (any FtM file)
// Setup (writing the file) is not timed. The answer checked is the number of live entities.
#include "skg/loaders/json_common.h"  // first: it sets RapidJSON's SSE2 switch, as the loader has it

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_set>

#include <fmt/format.h>

#include "harness.h"
#include "skg/graph/builder.h"
#include "skg/loaders/ftm_json.h"
#include "skg/loaders/source.h"

namespace {

/// Writes `copies` copies of the ZALA sample, each with its ids (and every reference to them)
/// suffixed "-<copy>" and its OFAC uids made distinct, so that no two copies merge.
std::string make_file(int copies) {
  const std::string sample = (std::filesystem::path(__FILE__).parent_path().parent_path() /
                              "datasets/samples/opensanctions/zala/entities.ftm.json").string();
  std::ifstream in(sample, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  auto is_id = [](std::string_view token) {
    // FtM ids in this file: "NK-...", "ru-<sha1>", "usgsa-<sha1>", "addr-<sha1>"...: no spaces,
    // no URL or date punctuation, a dash, and long.
    return token.size() >= 16 && token.find_first_of(" /.:,") == std::string_view::npos &&
           token.find('-') != std::string_view::npos;
  };
  const std::string path = "/tmp/skg_bench_ftm_v3_" + std::to_string(copies) + ".json";
  if (std::filesystem::exists(path)) return path;
  std::ofstream out(path, std::ios::binary);
  std::string line_out;
  for (int copy = 0; copy < copies; ++copy) {
    const std::string suffix = "-" + std::to_string(copy);
    line_out.clear();
    for (std::size_t at = 0; at < text.size();) {
      if (text[at] != '"') {
        line_out += text[at++];
        continue;
      }
      std::size_t end = at + 1;
      while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
      const std::string_view token(text.data() + at + 1, end - at - 1);
      line_out += '"';
      line_out += token;
      if (is_id(token)) line_out += suffix;
      // OFAC uids (a Sanction's authorityId, five digits) stay digits but differ per copy: a uid
      // is a strong identifier (RULES.md §9), so copies sharing one would merge into one party.
      if (token.size() == 5 && token.find_first_not_of("0123456789") == std::string_view::npos)
        line_out += fmt::format("{:05}", copy);
      line_out += '"';
      at = end + 1;
    }
    out << line_out;
  }
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  auto bench = skg::bench::Harness("ftm_load", argc, argv);
  const std::string path = bench.path().empty() ? make_file(static_cast<int>(bench.entities())) : bench.path();
  const double megabytes = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  std::fprintf(stderr, "ftm_load: %s, %.1f MB\n", path.c_str(), megabytes);
  std::uint64_t expect = 0;
  for (int run = 0; run <= bench.runs(); ++run) {  // run 0: warm-up
    // RapidJSON alone: read the file, parse each line in place, nothing kept. UTF-8 as the
    // loader checks it: valid_utf8 first, RapidJSON's own check only for a line that fails it.
    double start = skg::bench::now();
    skg::SourceFile file(path);
    std::string text(file.content());
    std::uint64_t objects = 0;
    {
      rapidjson::Document document;
      char* data = text.data();
      std::size_t at = 0;
      while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        data[end] = '\0';
        if (skg::detail::valid_utf8({data + at, end - at}))
          document.ParseInsitu<rapidjson::kParseInsituFlag>(data + at);
        else
          document.ParseInsitu<rapidjson::kParseInsituFlag | rapidjson::kParseValidateEncodingFlag>(data + at);
        objects += document.IsObject();
        at = end + 1;
      }
    }
    const double parse_only = skg::bench::now() - start;
    start = skg::bench::now();
    skg::Builder builder;
    skg::load_ftm_json(path, builder);
    const double loaded = skg::bench::now() - start;
    start = skg::bench::now();
    const skg::Graph graph = std::move(builder).freeze();
    const double frozen = skg::bench::now() - start;
    bench.set_size(graph.node_count(), graph.edge_count());
    if (run == 0) {
      expect = graph.node_count();
      continue;
    }
    if (graph.node_count() != expect || objects == 0) return 1;
    bench.row("ftm_load/rapidjson_parse_only", run, parse_only);
    bench.row("ftm_load/load", run, loaded);
    bench.row("ftm_load/freeze", run, frozen);
    std::fprintf(stderr, "ftm_load run %d: parse only %.0f MB/s, load %.0f MB/s, load+freeze %.0f MB/s\n", run,
                 megabytes / parse_only, megabytes / loaded, megabytes / (loaded + frozen));
  }
  std::fprintf(stderr, "ftm_load: peak RSS %.0f MB\n", skg::bench::peak_rss_bytes() / 1e6);
  return 0;
}
