// tests/fuzz/fuzz_load_detect.cpp: format detection and the loader it picks, as `skg --data
// FILE` runs them: detect_format() on the head and the name, then load() with no format given.
// The first byte picks the file name (names are part of the detection).
#include "fuzz_common.h"
#include "graph_fingerprint.h"

namespace {
constexpr const char* kNames[] = {"input.csv", "input.txt", "input.xml", "input.json",
                                  "input.ftm.json", "sdn.csv", "covered_list.csv", "input"};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const char* name = kNames[data[0] % std::size(kNames)];
  (void)skg::detect_format(bytes.substr(0, 4096), name);
  const std::string path = skg::fuzz::write_file(name, bytes);
  skg::Builder builder;
  try {
    skg::load(path, builder);
  } catch (const skg::Error&) {
    if (builder.entity_count() != 0) std::abort();
  }
  const skg::Graph graph = std::move(builder).freeze();
  (void)skg::testing::fingerprint(graph);
  return 0;
}
