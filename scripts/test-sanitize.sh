#!/usr/bin/env bash
# The second test command (README): builds the whole test suite with clang under
# AddressSanitizer + UndefinedBehaviorSanitizer (any finding fails the test) in build-asan/ and
# runs it with CTest; runs every libFuzzer target of tests/fuzz for a short fixed time
# (scripts/fuzz.sh, SKG_FUZZ_SECONDS each, 15 by default); builds the concurrency test under
# ThreadSanitizer in build-tsan/ and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# -O1: the sanitizers' usual level (fast enough to run, quicker to build than -O2).
common=(-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"
        -DSKG_INSTALL=OFF "${launcher[@]}")

asan=${SKG_ASAN_BUILD_DIR:-build-asan}
cmake -S . -B "$asan" "${common[@]}" -DSKG_SANITIZE=address,undefined -DSKG_BUILD_FUZZ=ON \
      -DSKG_BUILD_TESTS=ON -DSKG_BUILD_SHELL=ON
cmake --build "$asan" -j"$jobs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Graphviz and fontconfig keep caches for the life of the process (scripts/lsan.supp says which).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan.supp:print_suppressions=0}
(cd "$asan" && ctest --output-on-failure -j"$jobs")

SKG_FUZZ_BUILD_DIR="$asan" bash scripts/fuzz.sh

tsan=${SKG_TSAN_BUILD_DIR:-build-tsan}
cmake -S . -B "$tsan" "${common[@]}" -DSKG_SANITIZE=thread -DSKG_BUILD_TESTS=ON -DSKG_BUILD_SHELL=OFF
cmake --build "$tsan" -j"$jobs" --target skg_concurrency_tests
TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp} \
  "$tsan/tests/skg_concurrency_tests"
# skg serve (server/): its worker threads and a reload under load, when cpp-httplib is there.
# The target list is captured whole first: `grep -q` closing the pipe early would make cmake
# fail with "Broken pipe", and under pipefail the test would be skipped without a word.
tsan_targets=$(cmake --build "$tsan" --target help)
if grep -q skg_server_tests <<<"$tsan_targets"; then
  cmake --build "$tsan" -j"$jobs" --target skg_server_tests
  TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp} \
    "$tsan/tests/skg_server_tests"
else
  echo "test-sanitize: no skg_server_tests target (cpp-httplib not found): TSan server test skipped"
fi
echo "test-sanitize: ASan+UBSan suite, fuzz targets and TSan concurrency test passed"
