#!/usr/bin/env bash
# Installs what skg needs to build and test on Debian 12, from Debian's own packages.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libboost-graph-dev rapidjson-dev libfmt-dev doctest-dev
      libpugixml-dev libedit-dev libicu-dev tmux
      libsimdjson-dev  # the FtM JSON lines loader's parse (loaders/ftm_json.cpp)
      libcpp-httplib-dev  # skg serve (server/)
      libgraphviz-dev  # pictures: --svg / --png (queries/picture_render.cpp)
      python3-distributed  # the Dask job over an export (scripts/export_fixpoint_dask.py)
      chromium python3-websocket  # the page's browser test (tests/server/web_page_test.py)
      python3-dev pybind11-dev python3-pybind11 python3-pytest  # the Python module (python/)
      python3-igraph  # the peers bench, igraph beside skg (bench/peers/igraph_reach.py)
      clang libclang-rt-14-dev llvm)  # clang, libFuzzer and the sanitizers: scripts/test-sanitize.sh
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
fi
