#!/usr/bin/env bash
# Installs the dependencies (Debian 12, as root), builds skg and starts the shell on the bundled
# Kaspersky case. Arguments go to skg: scripts/shell.sh exposure kaspersky-ao-kaspersky-lab
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >&2
build=${SKG_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
cmake --build "$build" -j"$(nproc)" --target skg_shell >&2
exec "$build/tools/skg/skg" "$@"
