#include "commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <sstream>

#include "command_parts.h"
#include "interrupt.h"
#include "screen_file.h"
#include "skg/graph/snapshot.h"
#include "skg/queries/as_of.h"
#include "skg/queries/diff.h"
#include "skg/queries/exposure.h"
#include "skg/queries/reach.h"
#include "skg/queries/screen.h"

namespace skg::shell {

int parse_count(const Args& args, std::string_view name, int fallback, int min, int max) {
  const auto text = args.option(name);
  if (!text) return fallback;
  int value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < min || value > max)
    throw UsageError(
        fmt::format("--{} takes a whole number from {} to {}, not '{}'", name, min, max, *text));
  return value;
}

double parse_threshold(const Args& args, double fallback) {
  const auto text = args.option("threshold");
  if (!text) return fallback;
  double value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || !(value >= 0 && value <= 1))
    throw UsageError(fmt::format("--threshold takes a score from 0 to 1 (default {:.2f}), not '{}'",
                                 kDefaultScreenThreshold, *text));
  return value;
}

Date parse_date_arg(std::string_view text) {
  const auto date = Date::parse(text);
  if (!date || text.size() != 10)
    throw UsageError(fmt::format("'{}' is not a date: write YYYY-MM-DD, e.g. 2024-08-01", text));
  return *date;
}

void require_graph(const Session& session) {
  if (session.graph().node_count() == 0)
    throw UsageError("the graph is empty: load data first (load PATH)");
}

Page parse_page(const Args& args) {
  Page page;
  page.offset = static_cast<std::size_t>(parse_count(args, "offset", 0, 0, 2'000'000'000));
  if (args.option("limit"))
    page.limit = static_cast<std::size_t>(parse_count(args, "limit", 0, 0, 2'000'000'000));
  return page;
}

void check_interrupt() {
  if (interrupt_flag().load(std::memory_order_relaxed)) throw Interrupted();
}

std::vector<Listing> all_listings(const Graph& graph, NodeId party, Date day) {
  Listings split = listings(graph, party, day);
  std::vector<Listing> all = std::move(split.in_force);
  all.insert(all.end(), split.later.begin(), split.later.end());
  all.insert(all.end(), split.ended.begin(), split.ended.end());
  return all;
}

std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return printable(out);
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

namespace {

int run_help(Context& context, const Args& args);

int run_quit(Context& context, const Args&) {
  context.session.quit_requested = true;
  return kExitOk;
}

// The one command table: dispatch, `help` and tab completion all read it.
constexpr Command kCommands[] = {
    {"help", "[COMMAND]", "This list, or one command's usage", "", Completes::Command, run_help},
    {"stats", "", "Counts of nodes and edges by kind, memory, what was loaded", "",
     Completes::Nothing, run_stats},
    {"show", "ENTITY", "Names, ids, attributes, records, listings and links of one party", "",
     Completes::Entity, run_show},
    {"conflicts", "", "Strong identifiers that did not make one party: disagreeing, too common, kinds apart", "",
     Completes::Nothing, run_conflicts},
    {"listings", "ENTITY", "Restrictions in force on the session date, and which start later", "",
     Completes::Entity, run_listings},
    {"screen",
     "NAME [--id VALUE] [--dob YYYY[-MM[-DD]]] [--country C] [--gender G] [--schema KIND] "
     "[--authority A] [--list L] [--program P] [--listed] [--limit N] [--offset N] [--threshold P]",
     "Parties whose names or identifiers match (score: probability of the same party), with "
     "listings, evidence and why",
     "limit offset threshold id dob country gender schema authority list program", Completes::Nothing,
     run_screen},
    {"screen-file",
     "FILE [--out FILE] [--schema KIND] [--authority A] [--list L] [--program P] [--listed] "
     "[--limit N] [--threshold P]",
     "Screen every row of a CSV (name, dob, country, schema, id, ref) or FtM JSON lines file",
     "out limit threshold schema authority list program", Completes::Path, run_screen_file},
    {"reach", "ENTITY [--hops N] [--authority NAME] [--limit N] [--offset N] [--rule R] [--dot | --svg FILE | --png FILE]",
     "Listed parties within N hops (default 3), each with a shortest path",
     "hops authority limit offset rule svg png",
     Completes::Entity, run_reach},
    {"exposure", "ENTITY [--rule ofac|eu|uk|bis] [--dot | --svg FILE | --png FILE]",
     "Listed? Blocked by ownership under a rule? With the chains and records", "rule svg png",
     Completes::Entity, run_exposure},
    {"blocked", "[--rule ofac|eu|uk|bis] [--limit N] [--offset N]",
     "Every party blocked by ownership, with reasons (rows stream as they are made)",
     "rule limit offset", Completes::Nothing, run_blocked},
    {"whatif", "designate|delist ENTITY [ENTITY...] [--rule ofac|eu|uk|bis]",
     "What if these parties were designated (or delisted): every verdict that changes, with the chains",
     "rule", Completes::Entity, run_whatif},
    {"owners", "ENTITY [--depth D] [--limit N] [--offset N] [--rule R] [--dot | --svg FILE | --png FILE]",
     "Who owns ENTITY, up the chains (UBO), with shares", "depth limit offset rule svg png",
     Completes::Entity, run_owners},
    {"subsidiaries", "ENTITY [--depth D] [--limit N] [--offset N] [--rule R] [--dot | --svg FILE | --png FILE]",
     "What ENTITY owns, down the chains, with shares", "depth limit offset rule svg png", Completes::Entity, run_subsidiaries},
    {"path", "A B [--hops N] [--rule R] [--dot | --svg FILE | --png FILE]",
     "A shortest chain of links between two parties (quote names with spaces)", "hops rule svg png",
     Completes::Entity, run_path},
    {"diff", "OLD NEW [--mass-share S] [--mass-min N] [--keep-mass]",
     "What changed between two versions of a list (files, folders, snapshots; NEW may be FtM "
     "deltas); mass removals flagged",
     "mass-share mass-min", Completes::Path, run_diff},
    {"watch",
     "PORTFOLIO OLD NEW [--rule ofac|eu|uk|bis] [--threshold P] [--format text|csv|jsonl] [--out FILE]",
     "For each party of a portfolio (CSV or FtM lines), what changed between two list versions: "
     "matches, listings, ownership verdicts, with the records",
     "rule threshold format out", Completes::Path, run_watch},
    {"load", "[--on-bad-record skip|fail] PATH|FORMAT:PATH ...",
     "Load files or folders into the graph (all or nothing; skip: leave bad records out and list them)",
     "on-bad-record",
     Completes::Path, run_load},
    {"export", "--format csv|neo4j|graphframes DIR [--partitions N]",
     "Write nodes and edges (stable ids, shares, dates, listings) for Neo4j, Spark GraphFrames or any CSV reader",
     "format partitions", Completes::Path, run_export},
    {"save", "FILE", "Save the graph as a snapshot (open it with --snapshot FILE)", "",
     Completes::Path, run_save},
    {"verify", "FILE", "Check a snapshot from elsewhere in full, without opening it as the graph", "",
     Completes::Path, run_verify},
    {"serve", "[--host H] [--port N] [--threads N] (from the command line)",
     "Serve the data over HTTP: yente-shaped /match, /search, /entities; /exposure, ...", "",
     Completes::Nothing, run_serve},
    {"as-of", "[YYYY-MM-DD]", "Ask every question as of a date; alone: back to today", "",
     Completes::Nothing, run_as_of},
    {"quit", "", "Leave the shell (also: exit, Ctrl-D)", "", Completes::Nothing, run_quit},
};

/// Flags (no value) each command accepts besides --json.
std::string_view flags_of(std::string_view command) {
  if (command == "owners" || command == "subsidiaries" || command == "path" || command == "reach" ||
      command == "exposure")
    return "dot";
  if (command == "diff") return "keep-mass";
  return command == "screen" || command == "screen-file" ? "listed" : "";
}

bool in_list(std::string_view list, std::string_view word) {
  while (!list.empty()) {
    const auto space = list.find(' ');
    if (list.substr(0, space) == word) return true;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return false;
}

int run_help(Context& context, const Args& args) {
  if (args.words.size() > 1) throw UsageError("usage: help [COMMAND]");
  const Style& style = context.style();
  if (!args.words.empty()) {
    const Command* command = find_command(args.words[0]);
    if (command == nullptr)
      throw UsageError(fmt::format("no command '{}' (type 'help' for the list)", args.words[0]));
    if (context.json) {
      JsonOut json(context.out);
      json.begin_object();
      json.key("name").string(command->name);
      json.key("usage").string(command->usage);
      json.key("summary").string(command->summary);
      json.end_object();
    } else {
      context.out << paint(style, Tone::Bold, command->name) << ' ' << command->usage << '\n'
                  << "  " << command->summary << '\n';
      if (command->completes == Completes::Entity)
        context.out << "  ENTITY: an id (ofac-sdn:45815, an FtM id) or a name that resolves to "
                       "one party\n";
      context.out << "  every command also takes --as-of YYYY-MM-DD and --json\n";
    }
    return kExitOk;
  }
  if (context.json) {
    JsonOut json(context.out);
    json.begin_object();
    json.key("commands").begin_array();
    for (const Command& command : kCommands) {
      json.begin_object();
      json.key("name").string(command.name);
      json.key("usage").string(command.usage);
      json.key("summary").string(command.summary);
      json.end_object();
    }
    json.end_array();
    json.end_object();
    return kExitOk;
  }
  Table table({{"command"}, {"arguments", true, 12}, {"what it answers", true, 20}}, "  ");
  for (const Command& command : kCommands)
    table.add_row({{std::string(command.name), Tone::Bold}, command.usage, command.summary});
  table.print(context.out, style);
  context.out
      << "ENTITY is an id (ofac-sdn:45815, an FtM id) or a name that resolves to one party.\n"
         "Every command also takes --as-of YYYY-MM-DD and --json.\n";
  return kExitOk;
}

Args parse_args(const Command& command, std::span<const std::string> words) {
  Args args;
  bool options_done = false;
  for (std::size_t at = 0; at < words.size(); ++at) {
    const std::string& word = words[at];
    if (options_done || word.size() < 3 || !word.starts_with("--")) {
      if (word == "--") {
        options_done = true;
        continue;
      }
      args.words.push_back(word);
      continue;
    }
    std::string name = word.substr(2), value;
    bool has_value = false;
    if (const auto equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
      has_value = true;
    }
    if (name == "json" || in_list(flags_of(command.name), name)) {
      if (has_value) throw UsageError(fmt::format("--{} takes no value", name));
      args.options[name] = "";
    } else if (name == "as-of" || in_list(command.options, name)) {
      if (!has_value) {
        if (at + 1 >= words.size())
          throw UsageError(
              fmt::format("--{} needs a value (usage: {} {})", name, command.name, command.usage));
        value = words[++at];
      }
      args.options[name] = value;
    } else {
      throw UsageError(fmt::format("'{}' takes no option --{} (usage: {} {})", command.name, name,
                                   command.name, command.usage));
    }
  }
  return args;
}

}  // namespace

std::string Args::joined() const {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

std::optional<std::string_view> Args::option(std::string_view name) const {
  const auto found = options.find(name);
  if (found == options.end()) return std::nullopt;
  return std::string_view(found->second);
}

std::span<const Command> commands() { return kCommands; }

const Command* find_command(std::string_view name) {
  if (name == "exit") name = "quit";
  for (const Command& command : kCommands)
    if (command.name == name) return &command;
  return nullptr;
}

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t at = 0; at < line.size(); ++at) {
    const char c = line[at];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && at + 1 < line.size()) {
        word += line[++at];
      } else {
        word += c;
      }
    } else if ((c == '\'' || c == '"') && !in_word) {
      // A quote opens only at the start of a word: inside one it is a letter, as in O'Brien
      // and AL QA'IDA.
      quote = c;
      in_word = true;
    } else if (c == '\\' && at + 1 < line.size()) {
      word += line[++at];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0)
    throw UsageError(fmt::format(
        "unterminated {} quote: a quote at the start of a word runs to the next one; a quote "
        "inside a word (O'Brien) is a letter, and \\{} is a quote anywhere",
        quote == '"' ? "double" : "single", quote));
  if (in_word) words.push_back(std::move(word));
  return words;
}

NodeId resolve_entity(Session& session, std::string_view text) {
  // The façade resolves (View::resolve); for the shell, a name it cannot pin down is a mistake in
  // what the user typed (exit code 1), printed as text (list data may hold control characters).
  try {
    return session.view(session.date()).resolve(text);
  } catch (const ResolveError& error) {
    throw UsageError(printable(error.what()));
  }
}

int execute(Session& session, std::string_view line, std::ostream& out, std::ostream& err) {
  // The one place errors are caught: a message on one line, an exit code, and the session goes on.
  try {
    const std::vector<std::string> words = split_words(line);
    if (words.empty() || words.front().starts_with('#')) return kExitOk;
    const Command* command = find_command(words.front());
    if (command == nullptr)
      throw UsageError(
          fmt::format("unknown command '{}' (type 'help' for the list)", words.front()));
    const Args args = parse_args(*command, std::span(words).subspan(1));
    Context context{session, out, err, false, Date{}, false};
    context.json = session.options.json || args.option("json").has_value();
    context.dated = session.options.as_of.has_value();
    context.date = session.date();
    if (const auto as_of = args.option("as-of")) {
      context.date = parse_date_arg(*as_of);
      context.dated = true;
    }
    // The first megabyte is held, so that a command that fails early prints nothing but its
    // error; a longer answer streams (CommandOutput), and Ctrl-C stops it (interrupt.h).
    CommandOutput sink(out, !context.json, session.options.style.color);
    std::ostream stream(&sink);
    Context streamed{session, stream, err, context.json, context.date, context.dated};
    InterruptScope interruptible;
    int code = kExitOk;
    try {
      code = command->run(streamed, args);
    } catch (...) {
      stream.flush();
      sink.discard();
      throw;
    }
    stream.flush();
    sink.finish();
    return code;
  } catch (const UsageError& error) {
    err << "error: " << one_line(error.what()) << '\n';
    return kExitUsage;
  } catch (const LoadCancelled&) {
    err << fmt::format("load cancelled: the graph is as it was ({} nodes, {} edges)\n",
                       session.graph().node_count(), session.graph().edge_count());
    return kExitInterrupted;
  } catch (const Interrupted&) {
    err << "interrupted\n";
    return kExitInterrupted;
  } catch (const LoadError& error) {
    err << "error: " << one_line(error.what()) << '\n';
    return kExitInput;
  } catch (const Error& error) {
    err << "error: " << one_line(error.what()) << '\n';
    return kExitInput;
  } catch (const std::bad_alloc&) {
    err << "error: out of memory\n";
    return kExitInput;
  } catch (const std::exception& error) {
    err << "error: " << one_line(error.what()) << '\n';
    return kExitInput;
  }
}

Completion complete(const Session& session, std::string_view line) {
  Completion completion;
  // The command name: the first word, while no space follows it.
  const auto first_end = line.find(' ');
  const std::size_t lead = line.find_first_not_of(' ');
  if (lead == std::string_view::npos || first_end == std::string_view::npos || first_end < lead) {
    completion.from = lead == std::string_view::npos ? line.size() : lead;
    const std::string_view typed = line.substr(completion.from);
    for (const Command& command : kCommands)
      if (command.name.starts_with(typed)) completion.candidates.emplace_back(command.name);
    return completion;
  }
  const Command* command = find_command(line.substr(lead, first_end - lead));
  if (command == nullptr) return completion;
  // The word being typed: from the last space (an option or a path), or for an entity the whole
  // rest of the line, so that "show AO Kas<Tab>" completes a name with spaces.
  const std::size_t last_space = line.rfind(' ');
  const std::string_view word = line.substr(last_space + 1);
  completion.from = last_space + 1;
  const std::string_view before = line.substr(0, last_space);
  if (before.ends_with(" --rule")) {
    for (std::string_view rule : {"ofac", "eu", "uk", "bis"})
      if (rule.starts_with(word)) completion.candidates.emplace_back(rule);
    return completion;
  }
  if (word.starts_with("--")) {
    std::vector<std::string> names = {"--json", "--as-of"};
    std::string_view list = command->options;
    while (!list.empty()) {
      const auto space = list.find(' ');
      names.push_back(fmt::format("--{}", list.substr(0, space)));
      if (space == std::string_view::npos) break;
      list.remove_prefix(space + 1);
    }
    for (const auto& name : names)
      if (name.starts_with(word)) completion.candidates.push_back(name);
    return completion;
  }
  switch (command->completes) {
    case Completes::Command:
      for (const Command& other : kCommands)
        if (other.name.starts_with(word)) completion.candidates.emplace_back(other.name);
      return completion;
    case Completes::Path: {
      namespace fs = std::filesystem;
      const std::string typed(word);
      const auto slash = typed.rfind('/');
      const std::string dir = slash == std::string::npos ? "." : typed.substr(0, slash + 1);
      const std::string stem = slash == std::string::npos ? typed : typed.substr(slash + 1);
      std::error_code error;
      for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (!name.starts_with(stem) || (stem.empty() && name.starts_with('.'))) continue;
        std::string candidate = (slash == std::string::npos ? "" : dir) + name;
        if (it->is_directory(error)) candidate += '/';
        completion.candidates.push_back(std::move(candidate));
      }
      std::sort(completion.candidates.begin(), completion.candidates.end());
      return completion;
    }
    case Completes::Entity: {
      // After the command name, skipping options already typed.
      std::size_t from = first_end + 1;
      while (from < line.size() && line[from] == ' ') ++from;
      if (line.substr(from).find("--") != std::string_view::npos || command->name == "path") {
        from = last_space + 1;  // `path A B`: one word at a time
      }
      completion.from = from;
      const std::string typed = lower_ascii(line.substr(from));
      const auto& words = session.completion_words();
      auto it = std::lower_bound(
          words.begin(), words.end(), typed,
          [](const auto& entry, const std::string& key) { return entry.first < key; });
      for (; it != words.end() && it->first.starts_with(typed); ++it) {
        completion.candidates.emplace_back(it->second);
        if (completion.candidates.size() >= 200) break;  // a list nobody reads stops here
      }
      std::sort(completion.candidates.begin(), completion.candidates.end());
      completion.candidates.erase(
          std::unique(completion.candidates.begin(), completion.candidates.end()),
          completion.candidates.end());
      return completion;
    }
    case Completes::Nothing:
      return completion;
  }
  return completion;
}

}  // namespace skg::shell
