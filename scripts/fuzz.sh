#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz for SKG_FUZZ_SECONDS (15) each, one at a time,
# seeded from datasets/ and datasets/broken/. A crash, leak, timeout or sanitizer finding stops
# the run with the target's name and the input that did it (saved as
# $SKG_FUZZ_BUILD_DIR/fuzz/<target>/crash-*): copy it into datasets/broken/ with a regression test.
#   SKG_FUZZ_SECONDS=300 SKG_FUZZ_TARGETS="fuzz_csl" bash scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${SKG_FUZZ_BUILD_DIR:-build-asan}
seconds=${SKG_FUZZ_SECONDS:-15}
targets=${SKG_FUZZ_TARGETS:-"fuzz_ofac_csv fuzz_csl fuzz_un_xml fuzz_ofac_xml fuzz_eu_fsf fuzz_bis_dpl fuzz_fcc_covered fuzz_ftm_json fuzz_bods fuzz_uk_sanctions_list fuzz_ofsi_csv fuzz_gleif_xml fuzz_gleif_json fuzz_uk_psc fuzz_skg_csv fuzz_load_detect fuzz_snapshot fuzz_parsers fuzz_screen fuzz_shell"}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# The seeds of a target: the real files of its format and the broken ones.
seeds() {
  case "$1" in
    fuzz_csl) ls datasets/samples/csl/*.csv datasets/broken/csl_* ;;
    fuzz_un_xml) ls datasets/samples/un/*.xml datasets/broken/un_* ;;
    fuzz_ofac_xml) ls datasets/samples/ofac_xml/*.xml datasets/broken/ofacxml_* ;;
    fuzz_eu_fsf) ls datasets/samples/eu/*.xml datasets/broken/eu_fsf_* ;;
    fuzz_bis_dpl) ls datasets/samples/bis/*.txt datasets/broken/bis_* ;;
    fuzz_fcc_covered) ls datasets/samples/fcc/*.csv datasets/broken/fcc_* ;;
    fuzz_ftm_json) ls datasets/samples/opensanctions/*.json datasets/samples/opensanctions/*/*.json \
                      datasets/kaspersky/*.json datasets/broken/ftm_* ;;
    fuzz_bods) ls datasets/samples/bods/*.json datasets/broken/bods_* ;;
    fuzz_uk_sanctions_list) ls datasets/samples/uk/*.xml datasets/broken/uksl_* ;;
    fuzz_ofsi_csv) ls datasets/samples/uk/*.csv datasets/broken/ofsi_* ;;
    fuzz_gleif_xml) ls datasets/samples/gleif/*.xml datasets/broken/gleif_*.xml ;;
    fuzz_gleif_json) ls datasets/samples/gleif/*.json datasets/broken/gleif_*.json ;;
    fuzz_uk_psc) ls datasets/samples/psc/*.json datasets/samples/psc/*.txt datasets/broken/psc_* ;;
    fuzz_skg_csv) ls datasets/samples/skg_csv/*.csv datasets/broken/skgcsv_* ;;
    fuzz_load_detect) ls datasets/samples/*/*.csv datasets/samples/*/*.txt datasets/samples/*/*.xml \
                         datasets/samples/*/*.json datasets/broken/* ;;
    # tests/fuzz/regressions/: inputs that once failed a target, replayed as its seeds.
    fuzz_snapshot) ls datasets/broken/*.skg tests/fuzz/regressions/snapshot_*.skg ;;
    fuzz_parsers) printf '%s\n' 2024-06-21 2019 2019-12 06/09/2003 "March 25, 2022" 50% "25-50%" ">50%" "50,5 %" ;;
    fuzz_screen) printf '%s\n' "Kasperski Labs Ltd" "АО «Лаборатория Касперского»" "ŁÓDŹ TRADING" "O'Brien" ;;
    fuzz_shell) printf '%s\n' "screen Kaspersky" "exposure kaspersky-ao-kaspersky-lab --rule ofac" "blocked --json" \
                   "reach 'AO Kaspersky Lab' --hops 2" "path a b" "owners x --depth 3" "show \"O'Brien\"" ;;
  esac
}

for target in $targets; do
  work="$build/fuzz/$target"
  rm -rf "$work/seeds"
  mkdir -p "$work/corpus" "$work/seeds"
  case "$target" in
    fuzz_ofac_csv)
      n=0
      for f in datasets/samples/ofac/*.csv datasets/kaspersky/ofac/*.csv datasets/broken/ofac_*; do
        for pick in 0 1 2 3; do
          { printf "\\$(printf '%03o' "$pick")"; cat "$f"; } > "$work/seeds/$n-$pick"
        done
        n=$((n + 1))
      done ;;
    fuzz_parsers|fuzz_screen|fuzz_shell)
      n=0
      while IFS= read -r line; do printf '%s' "$line" > "$work/seeds/$n"; n=$((n + 1)); done < <(seeds "$target") ;;
    fuzz_ftm_json|fuzz_load_detect)
      n=0
      for f in $(seeds "$target"); do
        [ -f "$f" ] || continue
        for pick in 0 1; do { printf "\\$(printf '%03o' "$pick")"; cat "$f"; } > "$work/seeds/$n-$pick"; done
        n=$((n + 1))
      done ;;
    *)
      for f in $(seeds "$target"); do [ -f "$f" ] && cp "$f" "$work/seeds/"; done ;;
  esac
  echo "fuzz: $target for ${seconds}s ($(ls "$work/seeds" | wc -l) seeds)"
  # -timeout: an input that takes 10 s is a hang; -rss_limit_mb: one that takes 2 GB is a leak;
  # -max_len: 16 KiB holds many records of every format and keeps each run fast.
  if ! "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len="${SKG_FUZZ_MAX_LEN:-16384}" -print_final_stats=1 -artifact_prefix="$work/" \
        "$work/corpus" "$work/seeds" > "$work/log.txt" 2>&1; then
    tail -60 "$work/log.txt"
    echo "fuzz: $target FAILED; the input is in $work/ (crash-*, leak-*, timeout-*, oom-*)" >&2
    exit 1
  fi
  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$work/log.txt" | tr '\n' ' '
  echo
done
echo "fuzz: every target ran ${seconds}s without a finding"
