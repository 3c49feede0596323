#include "repl.h"

#include <fmt/format.h>
#include <histedit.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "render.h"
#include "interrupt.h"

namespace skg::shell {

namespace {

volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_interrupt(int) {
  // During a load or a long answer Ctrl-C stops that (interrupt.h); at the prompt it abandons
  // the line being typed.
  if (interruptible())
    interrupt_flag().store(true);
  else
    interrupted = 1;
}

struct ReplState {
  Session* session = nullptr;
  std::string prompt;
};

ReplState* state_of(EditLine* editor) {
  void* data = nullptr;
  el_get(editor, EL_CLIENTDATA, &data);
  return static_cast<ReplState*>(data);
}

char* prompt_of(EditLine* editor) { return state_of(editor)->prompt.data(); }

/// What every candidate starts with, ignoring ASCII case (names and ids complete case-blind),
/// written as the first candidate writes it.
std::string common_prefix(const std::vector<std::string>& words) {
  if (words.empty()) return {};
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  std::string prefix = words.front();
  for (const auto& word : words) {
    std::size_t same = 0;
    while (same < prefix.size() && same < word.size() && lower(prefix[same]) == lower(word[same]))
      ++same;
    prefix.resize(same);
  }
  while (!prefix.empty() && (static_cast<unsigned char>(prefix.back()) & 0xC0) == 0x80)
    prefix.pop_back();  // never cut a UTF-8 character in half
  if (!prefix.empty() && static_cast<unsigned char>(prefix.back()) >= 0xC0) prefix.pop_back();
  return prefix;
}

/// Tab: complete a command name, an option, a file name, or an entity's name or id.
unsigned char complete_key(EditLine* editor, int) {
  ReplState* state = state_of(editor);
  const LineInfo* info = el_line(editor);
  const std::string_view before(info->buffer,
                                static_cast<std::size_t>(info->cursor - info->buffer));
  Completion completion = complete(*state->session, before);
  if (completion.candidates.empty()) return CC_REFRESH_BEEP;
  const std::string_view typed = before.substr(completion.from);
  auto replace = [&](const std::string& text) {
    el_deletestr(editor, static_cast<int>(display_width(typed)));  // characters, not bytes
    el_insertstr(editor, text.c_str());
  };
  if (completion.candidates.size() == 1) {
    std::string text = completion.candidates.front();
    if (!text.ends_with('/')) text += ' ';
    replace(text);
    return CC_REFRESH;
  }
  // Several: extend to what they share (case as the candidates write it), else list them.
  const std::string prefix = common_prefix(completion.candidates);
  if (display_width(prefix) > display_width(typed)) {
    replace(prefix);
    return CC_REFRESH;
  }
  const std::size_t shown = std::min<std::size_t>(completion.candidates.size(), 40);
  std::size_t widest = 0;
  for (std::size_t at = 0; at < shown; ++at)
    widest = std::max(widest, display_width(completion.candidates[at]));
  const int width = terminal_width(STDOUT_FILENO, 80);
  const std::size_t per_line = std::max<std::size_t>(1, width / (widest + 2));
  std::string list = "\n";
  for (std::size_t at = 0; at < shown; ++at) {
    const auto& word = completion.candidates[at];
    list += word;
    if ((at + 1) % per_line == 0 || at + 1 == shown)
      list += '\n';
    else
      list.append(widest + 2 - display_width(word), ' ');
  }
  if (shown < completion.candidates.size())
    list += fmt::format("... and {} more\n", completion.candidates.size() - shown);
  std::fputs(list.c_str(), stdout);
  std::fflush(stdout);
  return CC_REDISPLAY;
}

void update_prompt(ReplState& state) {
  const auto& as_of = state.session->options.as_of;
  state.prompt = as_of ? fmt::format("skg {}> ", as_of->to_string()) : std::string("skg> ");
}

}  // namespace

std::string history_path() {
  namespace fs = std::filesystem;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state == '/') {
    std::error_code error;
    fs::create_directories(fs::path(state) / "skg", error);
    return (fs::path(state) / "skg" / "history").string();
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    return (fs::path(home) / ".skg_history").string();
  return {};
}

int terminal_width(int fd, int fallback) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    const int value = std::atoi(columns);
    if (value > 0) return value;
  }
  return fallback;
}

int run_lines(Session& session, std::istream& in, std::ostream& out, std::ostream& err) {
  int worst = kExitOk;
  std::uint64_t number = 0;
  for (std::string line; !session.quit_requested && std::getline(in, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::ostringstream errors;
    const int code = execute(session, line, out, errors);
    err << errors.str();
    if (code == kExitInterrupted) return code;  // Ctrl-C: the lines after it are not run
    worst = std::max(worst, code);
    if (code == kExitOk) continue;
    // A failed line still answers on stdout, so that answers can be matched to inputs line by
    // line: one JSON document with --json, else one "error:" line.
    std::string message = errors.str();
    if (message.starts_with("error: ")) message.erase(0, 7);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    if (session.options.json) {
      JsonOut json(out);
      json.begin_object();
      json.key("line").integer(static_cast<std::int64_t>(number));
      json.key("input").string(line);
      json.key("error").string(message);
      json.end_object();
    } else {
      out << "error: line " << number << ": " << message << '\n';
    }
    out.flush();
  }
  return worst;
}

int run_repl(Session& session) {
  ReplState state{&session, {}};
  update_prompt(state);

  // Ctrl-C abandons the line being typed instead of ending the shell: el_gets returns with
  // EINTR (no SA_RESTART), and the loop starts a fresh line.
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  struct sigaction previous {};
  sigaction(SIGINT, &action, &previous);

  EditLine* editor = el_init("skg", stdin, stdout, stderr);
  History* history = ::history_init();
  HistEvent event;
  ::history(history, &event, H_SETSIZE, 2000);
  ::history(history, &event, H_SETUNIQUE, 1);
  const std::string history_file = history_path();
  if (!history_file.empty()) ::history(history, &event, H_LOAD, history_file.c_str());

  el_set(editor, EL_CLIENTDATA, &state);
  el_set(editor, EL_PROMPT, &prompt_of);
  el_set(editor, EL_EDITOR, "emacs");
  el_set(editor, EL_HIST, ::history, history);
  el_set(editor, EL_ADDFN, "skg-complete", "Complete a command, option, path or entity",
         &complete_key);
  el_set(editor, EL_BIND, "^I", "skg-complete", nullptr);
  el_source(editor, nullptr);  // the user's ~/.editrc, if any

  while (!session.quit_requested) {
    int count = 0;
    interrupted = 0;
    errno = 0;
    const char* line = el_gets(editor, &count);
    if (line == nullptr) {
      if (interrupted != 0 || errno == EINTR) {
        std::fputs("^C\n", stdout);
        el_reset(editor);
        continue;
      }
      std::fputs("\n", stdout);  // Ctrl-D: leave on a fresh line
      break;
    }
    std::string text(line, static_cast<std::size_t>(count));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    ::history(history, &event, H_ENTER, text.c_str());
    if (!history_file.empty()) ::history(history, &event, H_SAVE, history_file.c_str());
    session.options.style.width = terminal_width(STDOUT_FILENO, 100);
    execute(session, text, std::cout, std::cerr);
    std::cout.flush();
    update_prompt(state);
  }
  el_end(editor);
  ::history_end(history);
  sigaction(SIGINT, &previous, nullptr);
  return kExitOk;
}

}  // namespace skg::shell
