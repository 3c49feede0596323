// loaders/load_internal.h: what load() and load_with() share (internal to loaders/).
#pragma once
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "skg/loaders/load_context.h"

namespace skg::inline v1::detail {

/// Runs each (loader, path) step into one batch, resolves deferred edges, commits once.
/// `sizes`, when given, holds each step's file size as the caller found it (steps.size() items),
/// so that the files are not looked at again for it.
LoadReport run_load(const std::vector<std::pair<LoaderFn, std::string>>& steps, Builder& builder,
                    const LoadOptions& options, std::uint64_t bytes_total,
                    const std::vector<std::uint64_t>* sizes = nullptr);
std::uint64_t file_size(const std::string& path);

}  // namespace skg::detail
