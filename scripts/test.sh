#!/usr/bin/env bash
# Installs the dependencies (Debian 12, as root), builds skg with its tests, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=${SKG_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSKG_BUILD_TESTS=ON -DSKG_BUILD_SHELL=ON
cmake --build "$build" -j"$(nproc)"
# The export tests also check DuckDB's answer (npm's @duckdb/node-api, the version bench/peers
# pins), fetched into the build folder when npm is there; without it those tests skip, saying so.
if command -v npm >/dev/null 2>&1; then
  npm_dir=$(cd "$build" && pwd)/npm
  if timeout 600 npm install --silent --no-audit --no-fund --prefix "$npm_dir" @duckdb/node-api@1.5.6-r.1 >&2; then
    export SKG_NODE_MODULES="$npm_dir/node_modules"
  else
    echo "test.sh: npm could not fetch @duckdb/node-api: the DuckDB export tests will skip" >&2
  fi
fi
cd "$build"
ctest --output-on-failure -j"$(nproc)"
