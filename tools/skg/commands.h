// tools/skg/commands.h: the shell's one command table, and execute(), which runs one line.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "session.h"

namespace skg::shell {

/// Exit codes of the shell's contract (DESIGN.md "The shell's contract").
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;  // no such entity, bad arguments, a command not available
inline constexpr int kExitInput = 2;  // a bad input file
inline constexpr int kExitInterrupted = 130;  // Ctrl-C stopped a load or an answer (128 + SIGINT)

/// A mistake in what the user typed (unknown entity, bad argument): exit code 1.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Ctrl-C stopped a command's answer half-way (exit code 130).
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

/// What Tab completes after a command's name.
enum class Completes : std::uint8_t { Nothing, Entity, Path, Command };

/// A command line split into words: positional words, and `--name value` options.
struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string, std::less<>> options;  // "hops" -> "2"; a flag -> ""
  /// The positional words joined by spaces: `show AO Kaspersky Lab` needs no quotes.
  std::string joined() const;
  std::optional<std::string_view> option(std::string_view name) const;
};

/// What a handler runs with: the session, the effective options of this one command, streams.
struct Context {
  Session& session;
  std::ostream& out;
  std::ostream& err;
  bool json = false;
  Date date;  // the day this command asks about (--as-of on the line, the session's, or today)
  bool dated = false;  // the date was given (not just today)
  const Style& style() const { return session.options.style; }
};

/// One entry of the command table: dispatch, `help` and tab completion all read it.
struct Command {
  std::string_view name;
  std::string_view usage;    // "ENTITY [--hops N]"
  std::string_view summary;  // one line for `help`
  std::string_view options;  // options that take a value, space-separated: "hops depth"
  Completes completes;
  int (*run)(Context& context, const Args& args);
};

/// The command table.
std::span<const Command> commands();
const Command* find_command(std::string_view name);

/// Runs one command line; returns the exit code class (kExitOk, kExitUsage, kExitInput).
/// Never throws: an error prints one line to `err` and the session goes on.
///   skg::shell::Session session;  session.load_bundled();
///   int code = skg::shell::execute(session, "exposure kaspersky-ao-kaspersky-lab --rule ofac", out, err);
int execute(Session& session, std::string_view line, std::ostream& out, std::ostream& err);

/// Splits a line into words, honouring '...' and "..." quotes that start a word and backslash
/// escapes; a quote inside a word is a letter (`screen O'Brien`). Throws UsageError, with a hint,
/// on an unterminated quote.
std::vector<std::string> split_words(std::string_view line);

/// Tab completion of `line` (the text left of the cursor): the candidates for the word being
/// typed, and the byte offset where that word starts. For entity arguments the word is the
/// whole rest of the line, so names with spaces complete.
struct Completion {
  std::size_t from = 0;
  std::vector<std::string> candidates;
};
Completion complete(const Session& session, std::string_view line);

/// Resolves ENTITY: an external id ("ofac-sdn:45815", an FtM id), else a name that exactly one
/// party has, else the one party screening finds clearly first. Throws UsageError naming the
/// candidates when the text is ambiguous, or saying nothing matched.
NodeId resolve_entity(Session& session, std::string_view text);

}  // namespace skg::shell
