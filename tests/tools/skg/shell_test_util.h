// tests/tools/skg/shell_test_util.h: one shell command through execute(), its exit code and output.
#pragma once
#include <sstream>
#include <string>
#include <string_view>

#include "commands.h"
#include "session.h"

namespace skg::inline v1::testing {

struct Run {
  int code = -1;
  std::string out, err;
};

inline Run run(skg::shell::Session& session, std::string_view line) {
  std::ostringstream out, err;
  Run result;
  result.code = skg::shell::execute(session, line, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

}  // namespace skg::testing
