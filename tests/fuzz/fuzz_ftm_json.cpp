// tests/fuzz/fuzz_ftm_json.cpp: FollowTheMoney JSON lines, entities and deltas. An input whose
// first byte is odd is loaded on top of the real sample t1.ftm.json, so delta lines (ADD, MOD,
// DEL) meet records that exist; an even one into an empty builder.
#include "fuzz_common.h"
#include "graph_fingerprint.h"
#include "skg/loaders/ftm_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string path =
      skg::fuzz::write_file("input.ftm.json", {reinterpret_cast<const char*>(data) + 1, size - 1});
  if ((data[0] & 1) == 0) {
    skg::fuzz::load_strict_and_skip(&skg::load_ftm_json, path);
    // The line scanner (the default) against each line parsed alone by simdjson's DOM: the same
    // graph, the same records skipped for the same reasons.
    const auto load = [&](skg::detail::FtmLineParse how) {
      skg::detail::ftm_line_parse = how;
      skg::Builder builder;
      std::string out;
      try {
        const skg::LoadReport report =
            skg::load_with(&skg::load_ftm_json, path, builder, {.on_bad_record = skg::OnBadRecord::Skip});
        for (const skg::LoadIssue& issue : report.skipped)
          out += std::to_string(issue.line) + " " + issue.record + ": " + issue.reason + "\n";
        for (const skg::LoadIssue& issue : report.warnings)
          out += std::to_string(issue.line) + " " + issue.record + ": " + issue.reason + "\n";
      } catch (const skg::Error& error) {
        out += std::string("error: ") + error.what() + "\n";
      }
      skg::detail::ftm_line_parse = skg::detail::FtmLineParse::Scan;
      return out + skg::testing::fingerprint(std::move(builder).freeze());
    };
    if (load(skg::detail::FtmLineParse::Scan) != load(skg::detail::FtmLineParse::Alone)) {
      std::fprintf(stderr, "fuzz: the line scanner and simdjson read the file differently\n");
      std::abort();
    }
    return 0;
  }
  static const std::string base = skg::fuzz::datasets("samples/opensanctions/t1.ftm.json");
  for (const skg::OnBadRecord mode : {skg::OnBadRecord::Fail, skg::OnBadRecord::Skip}) {
    skg::Builder builder;
    skg::load_with(&skg::load_ftm_json, base, builder);
    const std::size_t entities = builder.entity_count(), edges = builder.edge_count();
    try {
      skg::load_with(&skg::load_ftm_json, path, builder, {.on_bad_record = mode});
    } catch (const skg::Error&) {
      if (builder.entity_count() != entities || builder.edge_count() != edges) std::abort();
    }
    const skg::Graph graph = std::move(builder).freeze();
    (void)skg::testing::fingerprint(graph);
  }
  return 0;
}
