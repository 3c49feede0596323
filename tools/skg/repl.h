// tools/skg/repl.h: the interactive shell (libedit) and the line-by-line reader for scripts.
#pragma once
#include <istream>
#include <ostream>
#include <string>

#include "session.h"

namespace skg::shell {

/// Runs commands typed at a terminal: line editing, persistent history, tab completion from the
/// command table and the graph's names and ids. Returns 0 at Ctrl-D or `quit`.
int run_repl(Session& session);

/// Runs one command per line of `in` (stdin that is not a terminal). Returns the highest exit
/// code any line gave (0 when all went well), so scripts see a failure.
int run_lines(Session& session, std::istream& in, std::ostream& out, std::ostream& err);

/// Where the REPL keeps its history: $XDG_STATE_HOME/skg/history when XDG_STATE_HOME is set,
/// else ~/.skg_history; empty when neither can be found.
std::string history_path();

/// The width of the terminal on `fd`, else $COLUMNS, else `fallback`.
int terminal_width(int fd, int fallback);

}  // namespace skg::shell
