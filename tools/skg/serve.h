// tools/skg/serve.h: `skg serve` from main(): it reads its own data (for reloads).
#pragma once
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "skg/skg.h"

namespace skg::shell {

/// What the flags before `serve` said.
struct ServeInputs {
  std::vector<std::string> data;
  std::string snapshot;
  std::optional<Date> as_of;
  OnBadRecord on_bad_record = OnBadRecord::Fail;
};

/// Runs `skg serve WORDS...` until Ctrl-C or SIGTERM; returns the exit code.
int serve_main(const ServeInputs& inputs, std::span<const std::string> words);

}  // namespace skg::shell
