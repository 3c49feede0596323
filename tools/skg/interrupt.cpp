#include "interrupt.h"

#include <csignal>

namespace skg::shell {

namespace {
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_scopes{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the flags are written from a signal handler");

void on_sigint(int signal_number) {
  if (g_scopes.load() > 0) {
    g_interrupted.store(true);
    return;
  }
  // Nothing to cancel: end the process as SIGINT does by default (exit status 130 in a shell).
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}
}  // namespace

std::atomic<bool>& interrupt_flag() noexcept { return g_interrupted; }

InterruptScope::InterruptScope() noexcept {
  if (g_scopes.fetch_add(1) == 0) g_interrupted.store(false);
}
InterruptScope::~InterruptScope() { g_scopes.fetch_sub(1); }

bool interruptible() noexcept { return g_scopes.load() > 0; }

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
}

}  // namespace skg::shell
