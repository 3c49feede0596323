// tools/skg/interrupt.h: Ctrl-C in the shell stops a long load or a long answer cleanly.
#pragma once
#include <atomic>

namespace skg::shell {

/// Set by Ctrl-C (SIGINT) while an InterruptScope is alive: loads pass it to the loaders as
/// LoadOptions::cancel, long answers check it between rows.
std::atomic<bool>& interrupt_flag() noexcept;

/// While one is alive, Ctrl-C sets interrupt_flag() instead of ending the process (one-shot and
/// piped use) or being lost (the REPL). Scopes nest; the outermost clears the flag when it opens.
class InterruptScope {
 public:
  InterruptScope() noexcept;
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

/// True while an InterruptScope is alive (the REPL's own SIGINT handler asks).
bool interruptible() noexcept;

/// For one-shot and piped use: Ctrl-C inside an InterruptScope sets the flag; outside one it ends
/// the process as it would have without the handler.
void install_interrupt_handler();

}  // namespace skg::shell
