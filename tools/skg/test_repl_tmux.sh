#!/bin/sh
# CTest: drives the `skg` REPL in a detached tmux session: types commands, presses Tab, reads
# the screen. Usage: test_repl_tmux.sh SKG_BINARY SCRATCH_DIR. Exits 77 (skipped) without tmux.
set -u
skg=$1
work=$2
if ! command -v tmux >/dev/null 2>&1; then
  echo "skipped: tmux is not installed (scripts/install-deps.sh installs it)"
  exit 77
fi
mkdir -p "$work"
rm -f "$work/.skg_history"
socket="skg-test-$$"
fail() {
  echo "FAIL: $1"
  echo "--- screen ---"
  tmux -L "$socket" capture-pane -p -t skg 2>/dev/null
  tmux -L "$socket" kill-server 2>/dev/null
  exit 1
}
screen() { tmux -L "$socket" capture-pane -p -J -S -200 -t skg; }
# Waits until the screen shows a fixed string (up to 15 s).
wait_for() {
  tries=0
  while ! screen | grep -qF -- "$1"; do
    tries=$((tries + 1))
    [ "$tries" -gt 150 ] && fail "the screen never showed: $1"
    sleep 0.1
  done
}

tmux -L "$socket" new-session -d -s skg -x 120 -y 50 \
  "cd '$work' && env HOME='$work' XDG_STATE_HOME= TERM=xterm '$skg'; sleep 30" ||
  fail "tmux could not start"
wait_for "Type help"
wait_for "skg> "

# Tab completes a command name.
tmux -L "$socket" send-keys -t skg "expos" Tab  # "expo" is also export
wait_for "skg> exposure "
tmux -L "$socket" send-keys -t skg "kaspersky-ao-kaspersky-lab --as-of 2024-08-01" Enter
wait_for "OFAC 50 Percent Rule"
wait_for "control_link (12)"

# Tab completes an entity name with spaces.
tmux -L "$socket" send-keys -t skg "clear-screen-marker" Enter
wait_for "unknown command 'clear-screen-marker'"
tmux -L "$socket" send-keys -t skg "listings AO Kas" Tab
wait_for "skg> listings AO Kaspersky Lab "
tmux -L "$socket" send-keys -t skg -- "--as-of 2024-08-01" Enter
wait_for "start later: 1"
wait_for "updates: prohibited"

# as-of changes the prompt; an error leaves the session going.
tmux -L "$socket" send-keys -t skg "as-of 2024-10-01" Enter
wait_for "skg 2024-10-01> "
tmux -L "$socket" send-keys -t skg "show nobody-at-all" Enter
wait_for "error: no entity has the id or name 'nobody-at-all'"
tmux -L "$socket" send-keys -t skg "quit" Enter
# libedit writes a space in its history file as \040.
history() { sed 's/\\040/ /g' "$work/.skg_history" 2>/dev/null; }
# The shell rewrites the file as commands run: check one reading of it for both lines (two
# readings could fall either side of a rewrite and see it half written).
tries=0
while :; do
  saved=$(history)
  if printf '%s\n' "$saved" | grep -q "as-of 2024-10-01"; then
    printf '%s\n' "$saved" | grep -q "exposure kaspersky-ao-kaspersky-lab" && break
  fi
  tries=$((tries + 1))
  [ "$tries" -gt 50 ] && fail "the history saved to $work/.skg_history does not hold the as-of and exposure commands"
  sleep 0.1
done
tmux -L "$socket" kill-server 2>/dev/null
echo "skg REPL checks passed"
