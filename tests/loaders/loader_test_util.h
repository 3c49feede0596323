// tests/loaders/loader_test_util.h: paths, graph look-ups and the broken-file sweep shared by the
// loader tests.
#pragma once
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skg/graph/builder.h"
#include "skg/graph/graph.h"
#include "skg/loaders/load.h"

namespace skg::inline v1::testing {

/// A path under the repo's datasets/ folder.
inline std::string datasets(std::string_view path) {
  return std::string(SKG_DATASETS_DIR) + "/" + std::string(path);
}

/// A path under ../shared/datasets (absent in a user's clone: a test that needs it skips).
inline std::string shared(std::string_view path) {
  return std::string(SKG_SHARED_DATASETS_DIR) + "/" + std::string(path);
}

/// A file of datasets/broken/.
inline std::string broken(std::string_view name) {
  return std::string(SKG_DATASETS_DIR) + "/broken/" + std::string(name);
}

/// The first `bytes` of a file (what format detection reads), or less when the file is shorter.
inline std::string head_of(const std::string& path, std::size_t bytes = 4096) {
  std::string head(bytes, '\0');
  std::FILE* file = std::fopen(path.c_str(), "rb");
  REQUIRE(file != nullptr);
  head.resize(std::fread(head.data(), 1, head.size(), file));
  std::fclose(file);
  return head;
}

/// Writes `text` to a file `name` of the test output folder; returns its path.
inline std::string write_output(std::string_view name, std::string_view text) {
  const std::string path = std::string(SKG_TEST_OUTPUT_DIR) + "/" + std::string(name);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  std::fwrite(text.data(), 1, text.size(), file);
  std::fclose(file);
  return path;
}

/// The action `node` is the target of (its first TARGET_OF edge), or null.
inline const Action* listing(const Graph& graph, NodeId node) {
  for (EdgeId edge : graph.out_edges(node))
    if (graph.edge_kind(edge) == EdgeKind::TargetOf) return graph.action(graph.target(edge));
  return nullptr;
}

/// The edge whose external id is `id`.
inline std::optional<EdgeId> edge_with_id(const Graph& graph, std::string_view id) {
  for (std::uint32_t edge = 0; edge < graph.edge_count(); ++edge)
    if (graph.edge_external_id(EdgeId{edge}) == id) return EdgeId{edge};
  return std::nullopt;
}

/// The values of an edge's attribute `key`, in order.
inline std::vector<std::string_view> edge_attribute(const Graph& graph, EdgeId edge, std::string_view key) {
  std::vector<std::string_view> out;
  for (const Attribute& attribute : graph.edge_attributes(edge))
    if (graph.string(attribute.key) == key) out.push_back(graph.string(attribute.value));
  return out;
}

/// Calls `each(path, mode)` for every datasets/broken file whose name starts with `prefix`, in
/// both modes (Fail, then Skip); returns the number of files.
template <class Fn>
std::size_t for_each_broken_file(std::string_view prefix, Fn&& each) {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SKG_DATASETS_DIR) + "/broken")) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    ++files;
    CAPTURE(name);
    for (OnBadRecord mode : {OnBadRecord::Fail, OnBadRecord::Skip}) each(entry.path().string(), mode);
  }
  return files;
}

/// The LoadError `load()` throws, or nothing when it returns.
template <class Fn>
std::optional<LoadError> load_error(Fn&& load) {
  try {
    load();
  } catch (const LoadError& error) {
    return error;
  }
  return std::nullopt;
}

using LoadFile = LoadReport (*)(const std::string&, Builder&, const LoadOptions&);

/// Every datasets/broken file named `prefix`*: `load` either returns or throws LoadError, in both
/// modes, and a LoadError leaves nothing in the builder (all-or-nothing).
inline void check_broken_files_load_or_throw(std::string_view prefix, LoadFile load) {
  for_each_broken_file(prefix, [&](const std::string& path, OnBadRecord mode) {
    Builder builder;
    try {
      load(path, builder, {.on_bad_record = mode});
    } catch (const LoadError&) {
      CHECK(builder.entity_count() == 0);
    }
  });
}

}  // namespace skg::testing
