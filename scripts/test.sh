#!/usr/bin/env bash
# Installs the dependencies (Debian 12, as root), builds skg with its tests, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=${SKG_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSKG_BUILD_TESTS=ON -DSKG_BUILD_SHELL=ON
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j"$(nproc)"
