#!/usr/bin/env bash
# bench/run_peers.sh: skg against the tools a user would pick instead, on the same generated
# data in the same run. Builds nothing: give it a Release build folder configured with
# -DSKG_BUILD_BENCH=ON, with the targets skg_gen and skg_bench_peers built, and run
# `npm ci` in bench/peers once (package.json's allowScripts lets Kuzu's and lbug's install
# scripts run: npm 11 runs none it was not told to).
#   bench/run_peers.sh BUILD_DIR [--entities 1000000] [--seed 7] [--runs 5] [--per-source 100]
#                      [--skip kuzu,lbug,igraph] [--out FILE.tsv]
# Prints one combined TSV (harness rows and "value TOOL NAME NUMBER" lines), then a markdown
# table; exits 1 when the tools' answers (listed, reach hits, blocked count) disagree.
set -euo pipefail

usage() { sed -n 2,10p "$0" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
build=$(cd "$1" && pwd)
shift
entities=1000000 seed=7 runs=5 per_source=100 skip="" out=""
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || usage
  case "$1" in
    --entities) entities=$2 ;;
    --seed) seed=$2 ;;
    --runs) runs=$2 ;;
    --per-source) per_source=$2 ;;
    --skip) skip=$2 ;;
    --out) out=$2 ;;
    *) usage ;;
  esac
  shift 2
done
here=$(cd "$(dirname "$0")" && pwd)
gen="$build/datasets/generator/skg-gen"
skg="$build/bench/skg_bench_peers"
for binary in "$gen" "$skg"; do
  [[ -x $binary ]] || { echo "run_peers: $binary is not built" >&2; exit 2; }
done
[[ -d $here/peers/node_modules ]] || { echo "run_peers: run 'npm ci' in $here/peers first" >&2; exit 2; }
python=/usr/bin/python3  # Debian's, where python3-igraph is installed
data=/tmp/skg-peers-$entities
dataset=generated-$entities
out=${out:-/tmp/skg-peers-$entities.tsv}
skipped() { [[ ",$skip," == *",$1,"* ]]; }

echo "# run_peers: $(date -u +%FT%TZ), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM," \
     "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$gen" --entities "$entities" --seed "$seed" --out "$data" --format csv,ftm,snapshot >&2
# skg reads the same CSV tables the peers read (plus listings.csv), as one folder load.
mkdir -p "$data/skg-csv"
ln -sf ../nodes.csv ../edges.csv ../listings.csv "$data/skg-csv/"
export SKG_BENCH_NO_HEADER=1
{
  printf 'bench\tdataset\tnodes\tedges\trun\tseconds\n'
  # Each tool in its own process, one after the other, so peak RSS is each tool's own.
  "$skg" --path "$data/entities.ftm.json" --dataset "$dataset" --runs "$runs"
  "$skg" --path "$data/graph.skg" --dataset "$dataset" --runs "$runs"
  "$skg" --path "$data/skg-csv" --dataset "$dataset" --runs "$runs"
  (cd "$here/peers" && node duckdb.mjs --dir "$data" --dataset "$dataset" --runs "$runs" \
                            --per-source "$per_source")
  skipped kuzu || (cd "$here/peers" && node kuzu.mjs --dir "$data" --dataset "$dataset" \
                                          --per-source "$per_source")
  skipped lbug || (cd "$here/peers" && node kuzu.mjs --engine lbug --dir "$data" \
                                          --dataset "$dataset" --per-source "$per_source")
  skipped igraph || "$python" "$here/peers/igraph_reach.py" --dir "$data" --dataset "$dataset"
} | tee "$out"
echo "# run_peers: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$python" - "$out" <<'PY'
import sys
from collections import defaultdict

values = defaultdict(dict)
for line in open(sys.argv[1]):
    parts = line.rstrip("\n").split("\t")
    if parts[0] == "value":
        values[parts[1]][parts[2]] = float(parts[3])

def get(tool, name):
    return values.get(tool, {}).get(name)

# The answers must agree: a fast wrong answer is a failure.
failed = False
for name in ("listed", "reach_3_hops_hits", "ofac_blocked_yes"):
    answers = {tool: v[name] for tool, v in values.items() if name in v}
    ok = len(set(answers.values())) == 1
    failed |= not ok
    print(f"answer {name}: " + ", ".join(f"{t}={int(a)}" for t, a in answers.items())
          + ("" if ok else "  <-- DISAGREE"))

def secs(x):
    if x is None: return "-"
    return f"{x * 1e3:.3f} ms" if x < 1 else f"{x:.2f} s"

def mib(x):
    return "-" if x is None else f"{x:.0f} MiB"

def both(tool, wall, cpu):
    w, c = get(tool, wall), get(tool, cpu)
    return "-" if w is None else f"{secs(w)} ({secs(c)} CPU)"

def ratio(peer, ours):
    return "-" if peer is None or ours is None or ours == 0 else f"{peer / ours:.1f}x"

rows = [
    ("load: FtM JSON lines + freeze (skg) / CSV (peers), wall (CPU)",
     both("skg-ftm", "load_seconds_wall", "load_seconds_cpu"),
     both("duckdb", "load_seconds_wall", "load_seconds_cpu"),
     both("kuzu", "load_seconds_wall", "load_seconds_cpu"),
     both("lbug", "load_seconds_wall", "load_seconds_cpu"),
     both("igraph", "load_seconds_wall", "load_seconds_cpu"),
     ratio(get("duckdb", "load_seconds_wall"), get("skg-ftm", "load_seconds_wall")) + " vs DuckDB"),
    ("load: CSV tables + freeze (skg-csv, same files as the peers), wall (CPU)",
     both("skg-csv", "load_seconds_wall", "load_seconds_cpu"),
     both("duckdb", "load_seconds_wall", "load_seconds_cpu"),
     both("kuzu", "load_seconds_wall", "load_seconds_cpu"),
     both("lbug", "load_seconds_wall", "load_seconds_cpu"),
     both("igraph", "load_seconds_wall", "load_seconds_cpu"),
     ratio(get("duckdb", "load_seconds_wall"), get("skg-csv", "load_seconds_wall")) + " vs DuckDB"),
    ("load: snapshot open (skg), wall (CPU)",
     both("skg-snapshot", "load_seconds_wall", "load_seconds_cpu"), "-", "-", "-", "-",
     ratio(get("duckdb", "load_seconds_wall"), get("skg-snapshot", "load_seconds_wall")) + " vs DuckDB"),
    ("3-hop reach, p50 per source (count of listed parties)",
     secs(get("skg-snapshot", "reach_3_hops_count_p50_seconds")),
     secs(get("duckdb", "reach_3_hops_count_p50_seconds")),
     secs(get("kuzu", "reach_3_hops_count_p50_seconds")),
     secs(get("lbug", "reach_3_hops_count_p50_seconds")),
     secs(get("igraph", "reach_3_hops_count_p50_seconds")),
     ratio(get("igraph", "reach_3_hops_count_p50_seconds"),
           get("skg-snapshot", "reach_3_hops_count_p50_seconds")) + " vs igraph"),
    ("same, skg on the graph loaded from FtM (not the snapshot)",
     secs(get("skg-ftm", "reach_3_hops_count_p50_seconds")), "-", "-", "-", "-",
     ratio(get("igraph", "reach_3_hops_count_p50_seconds"),
           get("skg-ftm", "reach_3_hops_count_p50_seconds")) + " vs igraph"),
    ("3-hop reach with paths (skg::reach), p50 per source",
     secs(get("skg-snapshot", "reach_3_hops_paths_p50_seconds")), "-", "-", "-", "-",
     ratio(get("igraph", "reach_3_hops_count_p50_seconds"),
           get("skg-snapshot", "reach_3_hops_paths_p50_seconds")) + " vs igraph"),
    ("3-hop reach, all sources in one query (skg: reach_count_batch on 2 threads, median), wall (CPU)",
     both("skg-snapshot", "reach_3_hops_batch_median_seconds",
          "reach_3_hops_batch_cpu_per_run"),
     both("duckdb", "reach_3_hops_batch_all_sources_seconds_wall",
          "reach_3_hops_batch_all_sources_seconds_cpu"), "-", "-", "-",
     ratio(get("duckdb", "reach_3_hops_batch_all_sources_seconds_wall"),
           get("skg-snapshot", "reach_3_hops_batch_median_seconds")) + " vs DuckDB"),
    ("3-hop reach, the 1,000 sources one after the other on one thread, wall (CPU)",
     both("skg-snapshot", "reach_3_hops_count_all_sources_seconds_wall",
          "reach_3_hops_count_all_sources_seconds_cpu"), "-", "-", "-", "-", ""),
    ("OFAC 50% blocked set, median of runs (CPU per run)",
     f'{secs(get("skg-snapshot", "ofac_blocked_set_median_seconds"))} ({secs(get("skg-snapshot", "ofac_blocked_set_cpu_per_run"))} CPU)',
     f'{secs(get("duckdb", "ofac_blocked_set_median_seconds"))} ({secs(get("duckdb", "ofac_blocked_set_cpu_per_run"))} CPU)'
     if get("duckdb", "ofac_blocked_set_median_seconds") is not None else "-", "-", "-", "-",
     ratio(get("duckdb", "ofac_blocked_set_median_seconds"),
           get("skg-snapshot", "ofac_blocked_set_median_seconds")) + " vs DuckDB"),
    ("same, skg on the graph loaded from FtM (not the snapshot)",
     f'{secs(get("skg-ftm", "ofac_blocked_set_median_seconds"))} ({secs(get("skg-ftm", "ofac_blocked_set_cpu_per_run"))} CPU)',
     "-", "-", "-", "-",
     ratio(get("duckdb", "ofac_blocked_set_median_seconds"),
           get("skg-ftm", "ofac_blocked_set_median_seconds")) + " vs DuckDB"),
    ("peak RSS, snapshot (skg) / in-memory db (peers)",
     mib(get("skg-snapshot", "peak_rss_mib")), mib(get("duckdb", "peak_rss_mib")),
     mib(get("kuzu", "peak_rss_mib")), mib(get("lbug", "peak_rss_mib")),
     mib(get("igraph", "peak_rss_mib")),
     ratio(get("duckdb", "peak_rss_mib"), get("skg-snapshot", "peak_rss_mib")) + " vs DuckDB"),
    ("peak RSS, FtM load (skg)",
     mib(get("skg-ftm", "peak_rss_mib")), "-", "-", "-", "-",
     ratio(get("duckdb", "peak_rss_mib"), get("skg-ftm", "peak_rss_mib")) + " vs DuckDB"),
    ("peak RSS, CSV load (skg-csv)",
     mib(get("skg-csv", "peak_rss_mib")), "-", "-", "-", "-",
     ratio(get("duckdb", "peak_rss_mib"), get("skg-csv", "peak_rss_mib")) + " vs DuckDB"),
]
print()
print("| metric | skg | DuckDB | Kuzu | lbug | igraph | peer / skg (> 1: skg better) |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    assert len(r) == 7, r[0]
    print("| " + " | ".join(r) + " |")
sys.exit(1 if failed else 0)
PY
