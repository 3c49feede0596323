#!/usr/bin/env bash
# bench/run_peers.sh: skg against the tools a user would pick instead, on the same generated
# data in the same run. Builds nothing: give it a Release build folder configured with
# -DSKG_BUILD_BENCH=ON, with the targets skg_gen and skg_bench_peers built, and run
# `npm ci` in bench/peers once (package.json's allowScripts lets Kuzu's and lbug's install
# scripts run: npm 11 runs none it was not told to).
#   bench/run_peers.sh BUILD_DIR [--entities 1000000] [--seed 7] [--runs 5] [--repeat 5]
#       [--per-source 100] [--skip skg-ftm,skg-csv,duckdb,kuzu,lbug,igraph] [--reuse-data 1]
#       [--out FILE.tsv]
# --repeat R runs every tool R times, round by round (each tool in its own process each round),
# and the table gives each figure's median over the rounds; --runs is the timed repetitions of
# the batch and blocked-set queries inside each process. --reuse-data 1 keeps a data folder an
# earlier run made with the same --entities and --seed (the 10M one takes minutes to write).
# Prints one combined TSV (harness rows and "value TOOL NAME NUMBER ROUND" lines), then the
# spread of every figure over the rounds and a markdown table; exits 1 when the tools' answers
# (listed, reach hits, blocked count) disagree, between tools or between rounds.
set -euo pipefail

usage() { sed -n 2,16p "$0" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
build=$(cd "$1" && pwd)
shift
entities=1000000 seed=7 runs=5 repeat=5 per_source=100 skip="" reuse=0 out=""
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || usage
  case "$1" in
    --entities) entities=$2 ;;
    --seed) seed=$2 ;;
    --runs) runs=$2 ;;
    --repeat) repeat=$2 ;;
    --per-source) per_source=$2 ;;
    --skip) skip=$2 ;;
    --reuse-data) reuse=$2 ;;
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
stamp="entities $entities seed $seed"
if [[ $reuse == 1 && -f $data/generated.txt && $(cat "$data/generated.txt") == "$stamp" ]]; then
  echo "# run_peers: reusing $data ($stamp)" >&2
else
  rm -f "$data/generated.txt"
  start=$(date +%s)
  "$gen" --entities "$entities" --seed "$seed" --out "$data" --format csv,ftm,snapshot >&2
  echo "$stamp" > "$data/generated.txt"
  echo "# run_peers: skg-gen wrote $data in $(( $(date +%s) - start )) s" >&2
fi
# skg reads the same CSV tables the peers read (plus listings.csv), as one folder load.
mkdir -p "$data/skg-csv"
ln -sf ../nodes.csv ../edges.csv ../listings.csv "$data/skg-csv/"
export SKG_BENCH_NO_HEADER=1
# Tags each "value" line with the round, so the summary can take medians over rounds.
tag() { awk -v round="$1" 'BEGIN { FS = OFS = "\t" } $1 == "value" { $0 = $0 OFS round } { print; fflush() }'; }
{
  printf 'bench\tdataset\tnodes\tedges\trun\tseconds\n'
  for (( round = 1; round <= repeat; ++round )); do
    echo "# run_peers: round $round of $repeat, $(date -u +%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    # Each tool in its own process, one after the other, so peak RSS is each tool's own.
    skipped skg-ftm || "$skg" --path "$data/entities.ftm.json" --dataset "$dataset" --runs "$runs" | tag "$round"
    "$skg" --path "$data/graph.skg" --dataset "$dataset" --runs "$runs" | tag "$round"
    skipped skg-csv || "$skg" --path "$data/skg-csv" --dataset "$dataset" --runs "$runs" | tag "$round"
    skipped duckdb || (cd "$here/peers" && node duckdb.mjs --dir "$data" --dataset "$dataset" \
                          --runs "$runs" --per-source "$per_source") | tag "$round"
    skipped kuzu || (cd "$here/peers" && node kuzu.mjs --dir "$data" --dataset "$dataset" \
                        --per-source "$per_source") | tag "$round"
    skipped lbug || (cd "$here/peers" && node kuzu.mjs --engine lbug --dir "$data" \
                        --dataset "$dataset" --per-source "$per_source") | tag "$round"
    skipped igraph || "$python" "$here/peers/igraph_reach.py" --dir "$data" --dataset "$dataset" \
                        | tag "$round"
  done
} | tee "$out"
echo "# run_peers: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$python" - "$out" <<'PY'
import statistics
import sys
from collections import defaultdict

# values[tool][name] = the figure of each round, in round order.
values = defaultdict(lambda: defaultdict(list))
for line in open(sys.argv[1]):
    parts = line.rstrip("\n").split("\t")
    if parts[0] == "value":
        values[parts[1]][parts[2]].append(float(parts[3]))

def get(tool, name):
    """The median over the rounds (None when the tool did not report it)."""
    rounds = values.get(tool, {}).get(name)
    return statistics.median(rounds) if rounds else None

# The answers must agree, between tools and between rounds: a fast wrong answer is a failure.
failed = False
for name in ("listed", "reach_3_hops_hits", "ofac_blocked_yes"):
    answers = {tool: v[name] for tool, v in values.items() if name in v}
    ok = len({a for rounds in answers.values() for a in rounds}) == 1
    failed |= not ok
    print(f"answer {name}: " + ", ".join(f"{t}={'/'.join(str(int(a)) for a in sorted(set(r)))}"
                                          for t, r in answers.items())
          + ("" if ok else "  <-- DISAGREE" if answers else "no tool gave it"))

def secs(x):
    if x is None: return "-"
    return f"{x * 1e3:.3f} ms" if x < 1 else f"{x:.2f} s"

def mib(x):
    return "-" if x is None else f"{x:.0f} MiB"

# Every figure of every tool, its median and range over the rounds (for bench/RESULTS.md).
print()
print("| tool | figure | rounds | median | min | max |")
print("|---|---|---|---|---|---|")
for tool, names in values.items():
    for name, rounds in names.items():
        show = mib if name.endswith("_mib") else \
            secs if "second" in name or name.endswith("_cpu_per_run") else lambda x: f"{x:.0f}"
        print(f"| {tool} | {name} | {len(rounds)} | {show(statistics.median(rounds))}"
              f" | {show(min(rounds))} | {show(max(rounds))} |")

peers = ("duckdb", "kuzu", "lbug", "igraph")
names = {"duckdb": "DuckDB", "kuzu": "Kuzu", "lbug": "lbug", "igraph": "igraph"}

def timed(tool, wall, cpu):
    w, c = get(tool, wall), get(tool, cpu)
    return None if w is None else (w, c)

def both(figure):
    if figure is None: return "-"
    return secs(figure[0]) + ("" if figure[1] is None else f" ({secs(figure[1])} CPU)")

def times(ratio):
    return f"{ratio:.2f}x" if ratio < 1 else f"{ratio:.1f}x"

def row(label, ours, theirs, show=both, key=lambda f: f[0], cells=True):
    """ours: skg's figure; theirs: {peer: figure}. The best peer is the lowest; the ratio is
    best peer / skg, so > 1 means skg is better. cells=False: the peers' figures are in the
    row above (the ratio is still given)."""
    cells = [show(theirs.get(peer)) if cells else "-" for peer in peers]
    best = min(((key(f), peer) for peer, f in theirs.items() if f is not None), default=None)
    ratio = "-" if best is None or ours is None or key(ours) == 0 else \
        f"{times(best[0] / key(ours))} vs {names[best[1]]}"
    # On a loaded machine wall time is mostly waiting for a core: the CPU ratio beside it.
    if best is not None and show is both and ours is not None and ours[1] and theirs[best[1]][1]:
        ratio += f" ({times(theirs[best[1]][1] / ours[1])} CPU)"
    return [label, show(ours)] + cells + [ratio]

load = {peer: timed(peer, "load_seconds_wall", "load_seconds_cpu") for peer in peers}

def summed(tool, parts):
    """The median over the rounds of each round's sum of `parts` (wall, CPU) pairs; a part the
    tool does not report counts as nothing (a tool with no such step)."""
    rounds = values.get(tool, {}).get(parts[0][0])
    if not rounds: return None
    wall = [sum(values[tool].get(w, [0.0] * len(rounds))[r] for w, _ in parts) for r in range(len(rounds))]
    cpu = [sum(values[tool].get(c, [0.0] * len(rounds))[r] for _, c in parts) for r in range(len(rounds))]
    return statistics.median(wall), statistics.median(cpu)

# Ready to query: the load and what a tool builds before its queries can run. DuckDB's reach and
# blocked-set queries read tables it derives once from the loaded ones (both directions of every
# link, the listed parties, the stakes in basis points: "prepare" in duckdb.mjs); skg's load
# includes freeze(), which builds its adjacency; Kuzu's and igraph's loads build theirs.
ready = {peer: summed(peer, [("load_seconds_wall", "load_seconds_cpu"),
                             ("prepare_seconds_wall", "prepare_seconds_cpu")]) for peer in peers}
p50 = {peer: timed(peer, "reach_3_hops_count_p50_seconds", "no CPU figure") for peer in peers}
batch = {"duckdb": timed("duckdb", "reach_3_hops_batch_all_sources_seconds_wall",
                         "reach_3_hops_batch_all_sources_seconds_cpu")}
blocked = {"duckdb": timed("duckdb", "ofac_blocked_set_median_seconds", "ofac_blocked_set_cpu_per_run")}
rss = {peer: get(peer, "peak_rss_mib") for peer in peers}
rows = [
    row("load: FtM JSON lines + freeze (skg) / CSV (peers), wall (CPU)",
        timed("skg-ftm", "load_seconds_wall", "load_seconds_cpu"), load),
    row("load: CSV tables + freeze (skg-csv, same files as the peers), wall (CPU)",
        timed("skg-csv", "load_seconds_wall", "load_seconds_cpu"), load, cells=False),
    row("ready to query: skg-csv load + freeze / peers' CSV load + derived tables, wall (CPU)",
        timed("skg-csv", "load_seconds_wall", "load_seconds_cpu"), ready),
    row("ready to query: FtM load + freeze (skg) / the same peers' figures, wall (CPU)",
        timed("skg-ftm", "load_seconds_wall", "load_seconds_cpu"), ready, cells=False),
    row("load: snapshot open (skg) / CSV (peers), wall (CPU)",
        timed("skg-snapshot", "load_seconds_wall", "load_seconds_cpu"), load, cells=False),
    row("snapshot open + the first query after it (listed set, one 3-hop reach: derives the edge sources), wall (CPU)",
        summed("skg-snapshot", [("load_seconds_wall", "load_seconds_cpu"),
                                ("first_query_seconds_wall", "first_query_seconds_cpu")]), load, cells=False),
    row("3-hop reach, p50 per source (count of listed parties)",
        timed("skg-snapshot", "reach_3_hops_count_p50_seconds", "no CPU figure"), p50),
    row("same, skg on the graph loaded from FtM (not the snapshot)",
        timed("skg-ftm", "reach_3_hops_count_p50_seconds", "no CPU figure"), p50, cells=False),
    row("3-hop reach with paths (skg::reach), p50 per source",
        timed("skg-snapshot", "reach_3_hops_paths_p50_seconds", "no CPU figure"), p50, cells=False),
    row("3-hop reach, all sources in one query (skg: reach_count_batch on 2 threads), wall (CPU)",
        timed("skg-snapshot", "reach_3_hops_batch_median_seconds", "reach_3_hops_batch_cpu_per_run"),
        batch),
    row("3-hop reach, the 1,000 sources one after the other on one thread, wall (CPU)",
        timed("skg-snapshot", "reach_3_hops_count_all_sources_seconds_wall",
              "reach_3_hops_count_all_sources_seconds_cpu"), {}),
    row("OFAC 50% blocked set, median of runs, wall (CPU per run)",
        timed("skg-snapshot", "ofac_blocked_set_median_seconds", "ofac_blocked_set_cpu_per_run"), blocked),
    row("same, skg on the graph loaded from FtM (not the snapshot)",
        timed("skg-ftm", "ofac_blocked_set_median_seconds", "ofac_blocked_set_cpu_per_run"), blocked, cells=False),
    row("peak RSS, snapshot (skg) / in-memory db (peers)", get("skg-snapshot", "peak_rss_mib"), rss,
        mib, lambda f: f),
    row("peak RSS, FtM load (skg)", get("skg-ftm", "peak_rss_mib"), rss, mib, lambda f: f, cells=False),
    row("peak RSS, CSV load (skg-csv)", get("skg-csv", "peak_rss_mib"), rss, mib, lambda f: f, cells=False),
]
rounds = max((len(r) for names in values.values() for r in names.values()), default=0)
print()
print(f"Medians over {rounds} round(s).")
print()
print("| metric | skg | DuckDB | Kuzu | lbug | igraph | best peer / skg (> 1: skg better) |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
sys.exit(1 if failed else 0)
PY
