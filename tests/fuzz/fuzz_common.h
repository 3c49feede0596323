// tests/fuzz/fuzz_common.h: what the libFuzzer targets share: a scratch folder for the files a
// loader must read by path, and a load that must end in a graph or an skg::Error, never a crash.
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "graph_fingerprint.h"
#include "skg/graph/builder.h"
#include "skg/graph/error.h"
#include "skg/loaders/load_context.h"

namespace skg::inline v1::fuzz {

/// A folder of this process's own under $TMPDIR (or /tmp), made on first use.
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::filesystem::path path = std::filesystem::path(tmp != nullptr ? tmp : "/tmp") /
                                 ("skg-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  return dir;
}

/// Writes `bytes` to scratch()/name and returns the path.
inline std::string write_file(const std::string& name, std::string_view bytes) {
  const std::string path = (scratch() / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

/// The whole of a file (a seed or sample the target builds on); aborts when it is missing.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz: cannot read %s\n", path.c_str());
    std::abort();
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string datasets(std::string_view relative) {
  return std::string(SKG_DATASETS_DIR) + "/" + std::string(relative);
}

/// Loads `path` with `loader` into a fresh builder, strict and then in skip mode; what loads
/// is frozen (the graph's own invariants are asserted there). skg::Error is the only way out.
inline void load_strict_and_skip(LoaderFn loader, const std::string& path) {
  for (const OnBadRecord mode : {OnBadRecord::Fail, OnBadRecord::Skip}) {
    Builder builder;
    try {
      load_with(loader, path, builder, {.on_bad_record = mode});
    } catch (const Error&) {
      if (builder.entity_count() != 0 || builder.edge_count() != 0) {
        std::fprintf(stderr, "fuzz: a failed load left %zu entities and %zu edges behind\n",
                     builder.entity_count(), builder.edge_count());
        std::abort();
      }
    }
    const Graph graph = std::move(builder).freeze();
    (void)testing::fingerprint(graph);  // reads every column of what was loaded
  }
}

}  // namespace skg::fuzz
