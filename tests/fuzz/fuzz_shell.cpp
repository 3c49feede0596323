// tests/fuzz/fuzz_shell.cpp: the shell's command parser and the read-only commands, as a user
// types them: split_words(), complete() and execute() on the bundled Kaspersky session. Commands
// that touch files (load, save, diff) are only split, never run.
#include <array>
#include <sstream>

#include "commands.h"
#include "fuzz_common.h"
#include "session.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static skg::shell::Session session = [] {
    skg::shell::Session loaded;
    loaded.load_bundled();
    return loaded;
  }();
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> words;
  try {
    words = skg::shell::split_words(line);
  } catch (const skg::shell::UsageError&) {
  }
  (void)skg::shell::complete(session, line);
  static constexpr std::array<std::string_view, 3> kTouchFiles = {"load", "save", "diff"};
  for (const auto& word : words)
    for (const auto touches : kTouchFiles)
      if (word.find(touches) != std::string::npos) return 0;
  std::ostringstream out, err;
  (void)skg::shell::execute(session, line, out, err);
  session.options.as_of.reset();
  session.quit_requested = false;
  return 0;
}
