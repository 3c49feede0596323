#!/usr/bin/env bash
# Screening quality and speed in one command: builds the benchmarks in Release, runs the labelled
# evaluation on the real lists (../shared/datasets, else the project's samples) and the scale
# benchmark (real lists, 1M generated multi-script names). Prints the Markdown of bench/SCREENING.md.
#   bash scripts/screen_eval.sh              # measure with the compiled calibration
#   bash scripts/screen_eval.sh --refit      # refit queries/screen_calibration.h, rebuild, measure
set -euo pipefail
cd "$(dirname "$0")/.."
build=${SKG_BUILD_DIR:-build-rel}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSKG_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target skg_bench_screen_eval skg_bench_screen >/dev/null
if [[ "${1:-}" == "--refit" ]]; then
  "$build/bench/skg_bench_screen_eval" --write-calibration queries/screen_calibration.h >/dev/null
  cmake --build "$build" -j2 --target skg_bench_screen_eval skg_bench_screen >/dev/null
fi
"$build/bench/skg_bench_screen_eval"
echo
echo '## Speed'
echo '```'
"$build/bench/skg_bench_screen" --entities 1000000 2>&1
echo '```'
