// tools/skg/main.cpp: the `skg` command line: flags, what to load, then one command or the REPL.
//
//   skg [--data PATH]... [--snapshot FILE] [--as-of YYYY-MM-DD] [--json] [COMMAND ARGS...]
//
// Exit codes (DESIGN.md "The shell's contract"): 0 ok, 1 no such entity or bad arguments,
// 2 bad input file.
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "interrupt.h"
#include "skg/graph/error.h"
#include "skg/queries/exposure.h"
#include "repl.h"
#include "serve.h"
#include "session.h"

namespace {

constexpr std::string_view kUsage =
    "usage: skg [--data [FORMAT:]PATH]... [--on-bad-record skip|fail] [--snapshot FILE]\n"
    "           [--as-of YYYY-MM-DD] [--json] [--rules FILE]\n"
    "           [COMMAND ARGS...]\n"
    "\n"
    "With no --data and no --snapshot, the bundled Kaspersky case is loaded.\n"
    "With a COMMAND, runs it once and exits: 0 ok, 1 no such entity or bad arguments,\n"
    "2 bad input file. Without one: the interactive shell on a terminal, else one command\n"
    "per line from stdin.\n"
    "\n"
    "  --data [FORMAT:]PATH  a file or folder to load (several merge into one graph); FORMAT is\n"
    "                        one of ofac-sdn, csl, bis-dpl, un, fcc, ftm, bods, uk-sl,\n"
    "                        ofsi, gleif, uk-psc, ofac-xml, eu-fsf, skg-csv (default: detected)\n"
    "  --on-bad-record skip  load what is good and list each bad record left out (default:\n"
    "                        fail, nothing loads); the load's summary is always on stderr\n"
    "  --snapshot FILE       open a snapshot written by `save` (mapped, not parsed; its\n"
    "                        structure checked, checksums by `skg verify FILE`)\n"
    "  --as-of YYYY-MM-DD    ask every question as of this date (default: today)\n"
    "  --json                one JSON document per command on stdout\n"
    "  --rules FILE          the ownership rules' periods (default: the embedded\n"
    "                        queries/rules.tsv; give an updated copy, same columns)\n"
    "  --no-color            no colour even on a terminal (also: NO_COLOR=1)\n"
    "  --help, --version\n";

/// Quotes a word for split_words() so a one-shot command's arguments arrive unchanged.
std::string quote(std::string_view word) {
  if (!word.empty() && word.find_first_of(" \t\"'\\") == std::string_view::npos)
    return std::string(word);
  std::string out = "\"";
  for (char c : word) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

bool wants_color() {
  if (std::getenv("NO_COLOR") != nullptr) return false;
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && (term == nullptr || std::strcmp(term, "dumb") != 0);
}

}  // namespace

int main(int argc, char** argv) {
  skg::shell::Session session;
  std::vector<std::string> data;
  std::string snapshot;
  std::optional<skg::Date> as_of;
  bool json = false, color = wants_color();
  std::vector<std::string> command;

  // Flags come before the command; everything from the command on belongs to it.
  for (int at = 1; at < argc; ++at) {
    std::string_view arg = argv[at];
    auto value = [&](std::string_view flag) -> std::string {
      if (arg.size() > flag.size() && arg[flag.size()] == '=')
        return std::string(arg.substr(flag.size() + 1));
      if (at + 1 >= argc) {
        std::cerr << "skg: " << flag << " needs a value\n" << kUsage;
        std::exit(skg::shell::kExitUsage);
      }
      return argv[++at];
    };
    auto is = [&](std::string_view flag) {
      return arg == flag ||
             (arg.starts_with(flag) && arg.size() > flag.size() && arg[flag.size()] == '=');
    };
    if (!command.empty()) {
      command.emplace_back(arg);
    } else if (is("--data")) {
      data.push_back(value("--data"));
    } else if (is("--rules")) {
      const std::string path = value("--rules");
      try {
        skg::load_rule_table_file(path);
      } catch (const skg::Error& error) {
        std::cerr << "error: " << error.what() << '\n';
        return skg::shell::kExitInput;
      }
    } else if (is("--on-bad-record")) {
      const std::string mode = value("--on-bad-record");
      if (mode != "skip" && mode != "fail") {
        std::cerr << "skg: --on-bad-record takes skip or fail, not '" << mode << "'\n";
        return skg::shell::kExitUsage;
      }
      session.options.on_bad_record = mode == "skip" ? skg::OnBadRecord::Skip : skg::OnBadRecord::Fail;
    } else if (is("--snapshot")) {
      snapshot = value("--snapshot");
    } else if (is("--as-of")) {
      const std::string text = value("--as-of");
      as_of = skg::Date::parse(text);
      if (!as_of || text.size() != 10) {
        std::cerr << "skg: --as-of '" << text << "' is not a date: write YYYY-MM-DD\n";
        return skg::shell::kExitUsage;
      }
    } else if (arg == "--json") {
      json = true;
    } else if (arg == "--no-color" || arg == "--no-colour") {
      color = false;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return skg::shell::kExitOk;
    } else if (arg == "--version") {
      std::cout << "skg " << SKG_VERSION << '\n';
      return skg::shell::kExitOk;
    } else if (arg.starts_with("-")) {
      std::cerr << "skg: unknown option " << arg << "\n" << kUsage;
      return skg::shell::kExitUsage;
    } else {
      command.emplace_back(arg);
    }
  }

  // `serve` reads its data itself (a reload reads it again): nothing is loaded here.
  if (!command.empty() && command.front() == "serve") {
    skg::shell::ServeInputs inputs{.data = data, .snapshot = snapshot, .as_of = as_of,
                                   .on_bad_record = session.options.on_bad_record};
    return skg::shell::serve_main(inputs, std::span<const std::string>(command).subspan(1));
  }

  const bool interactive = command.empty() && isatty(STDIN_FILENO);
  session.options.json = json;
  session.options.as_of = as_of;
  session.options.style.color = color;
  session.options.style.width = skg::shell::terminal_width(STDOUT_FILENO, 100);
  session.options.progress = isatty(STDERR_FILENO);

  // Ctrl-C while loading or answering stops that cleanly (interrupt.h); the REPL installs its
  // own handler once it starts.
  skg::shell::install_interrupt_handler();
  // Load what was asked; a bad input file stops here with exit code 2.
  try {
    if (!snapshot.empty()) session.open_snapshot(snapshot);
    if (!data.empty()) {
      // What the load did, on stderr (stdout stays the command's answer): one summary line,
      // then each record or file left out.
      const skg::LoadReport report = session.load(data);
      std::cerr << skg::shell::load_summary(report) << "; graph: " << session.graph().node_count() << " nodes, "
                << session.graph().edge_count() << " edges\n";
      for (const std::string& line : skg::shell::load_issues(report)) std::cerr << "  " << line << '\n';
    }
    // `verify FILE` reads only its file: no bundled case to load first.
    const bool needs_graph = command.empty() || command.front() != "verify";
    if (snapshot.empty() && data.empty() && needs_graph) session.load_bundled();
  } catch (const skg::LoadCancelled&) {
    std::cerr << "load cancelled\n";
    return skg::shell::kExitInterrupted;
  } catch (const skg::Error& error) {
    std::cerr << "error: " << error.what() << '\n';
    return skg::shell::kExitInput;
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << '\n';
    return skg::shell::kExitInput;
  }

  if (!command.empty()) {
    std::string line;
    for (const auto& word : command) line += (line.empty() ? "" : " ") + quote(word);
    return skg::shell::execute(session, line, std::cout, std::cerr);
  }
  if (!interactive) return skg::shell::run_lines(session, std::cin, std::cout, std::cerr);

  std::setlocale(LC_CTYPE, "");  // libedit reads UTF-8 input by the locale
  const auto& graph = session.graph();
  std::cout << "skg " << SKG_VERSION << ": ";
  if (!session.sources().empty()) {
    const auto& first = session.sources().front();
    std::cout << (first.kind == "bundled" ? "the bundled Kaspersky case" : first.spec);
    if (session.sources().size() > 1)
      std::cout << " and " << session.sources().size() - 1 << " more";
  }
  std::cout << " (" << graph.node_count() << " nodes, " << graph.edge_count() << " edges)\n"
            << "Type help for the commands; Tab completes commands and names; Ctrl-D leaves.\n";
  return skg::shell::run_repl(session);
}
