#!/usr/bin/python3
# bench/peers/igraph_reach.py: python-igraph (Debian python3-igraph) on the files skg-gen wrote:
# load edges.csv, then 3-hop reach to listed parties per source (Graph.neighborhood, order 3,
# both directions: the source itself is included, each vertex once, as skg's reach counts).
#   /usr/bin/python3 igraph_reach.py --dir /tmp/skg-peers-1000000
# Prints TSV rows as bench/harness.h does, and "value igraph NAME NUMBER" lines.
import argparse
import csv
import os
import resource
import sys
import time

import igraph


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--dataset", default="")
    parser.add_argument("--sources", type=int, default=1000)
    args = parser.parse_args()
    dataset = args.dataset or os.path.basename(args.dir.rstrip("/"))
    if not os.environ.get("SKG_BENCH_NO_HEADER"):
        print("bench\tdataset\tnodes\tedges\trun\tseconds")

    wall, cpu0 = time.perf_counter(), cpu()
    listed = []
    with open(os.path.join(args.dir, "nodes.csv"), newline="") as file:
        rows = csv.reader(file)
        next(rows)
        for row in rows:
            node = int(row[0])
            if node != len(listed):
                sys.exit("igraph: nodes.csv ids must be 0..N-1 in order")
            listed.append(row[3] == "1")
    edges = []
    with open(os.path.join(args.dir, "edges.csv"), newline="") as file:
        rows = csv.reader(file)
        next(rows)
        edges = [(int(row[0]), int(row[1])) for row in rows]
    graph = igraph.Graph(n=len(listed), edges=edges, directed=True)
    del edges
    load_wall, load_cpu = time.perf_counter() - wall, cpu() - cpu0
    nodes, links = graph.vcount(), graph.ecount()

    def row(bench, run, seconds):
        print(f"{bench}\t{dataset}\t{nodes}\t{links}\t{run}\t{seconds:.6f}")

    def value(name, number):
        print(f"value\tigraph\t{name}\t{float(number):.6f}")

    row("load/igraph", 1, load_wall)
    value("load_seconds_wall", load_wall)
    value("load_seconds_cpu", load_cpu)
    value("rss_after_load_mib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    value("listed", sum(listed))

    with open(os.path.join(args.dir, "sources.txt")) as file:
        sources = [int(line.split("\t")[0]) for line in file if line.strip()][: args.sources]
    seconds, hits = [], 0
    wall, cpu0 = time.perf_counter(), cpu()
    for source in sources:
        start = time.perf_counter()
        hits += sum(1 for node in graph.neighborhood(source, order=3, mode="all") if listed[node])
        seconds.append(time.perf_counter() - start)
    row("reach_3_hops_count/per_source_p50", 1, percentile(seconds, 0.5))
    row("reach_3_hops_count/per_source_p95", 1, percentile(seconds, 0.95))
    value("reach_3_hops_hits", hits)
    value("reach_3_hops_count_p50_seconds", percentile(seconds, 0.5))
    value("reach_3_hops_count_mean_seconds_wall", (time.perf_counter() - wall) / len(sources))
    value("reach_3_hops_count_mean_seconds_cpu", (cpu() - cpu0) / len(sources))
    value("peak_rss_mib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    main()
