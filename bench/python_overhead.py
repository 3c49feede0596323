#!/usr/bin/env python3
"""bench/python_overhead.py: the cost of one call through the skg Python module, in CPU time.

    PYTHONPATH=build/python python3 bench/python_overhead.py [DATA ...] [--entity ID] [--day YYYY-MM-DD]

Times view.resolve, view.is_listed, view.exposure (cached blocked set) and view.screen with timeit
on time.process_time (CPU, this process), 7 repeats; prints the median and the spread per call in
microseconds. The C++ side of the same questions: bench/facade_bench.cpp (skg_bench_facade).
"""
import argparse
import os
import statistics
import sys
import time
import timeit

import skg

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="*", default=[os.path.join(HERE, "..", "datasets", "kaspersky")])
    parser.add_argument("--entity", default="kaspersky-ao-kaspersky-lab")
    parser.add_argument("--name", default="Kasperski Labs")
    parser.add_argument("--day", default="2024-08-01")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    db = skg.Database.open(args.data)
    view = db.as_of(args.day)
    view.exposure(args.entity)  # builds the blocked set and the indexes outside the timing
    view.screen(args.name, limit=5)
    calls = {
        "resolve": lambda: view.resolve(args.entity),
        "is_listed": lambda: view.is_listed(args.entity),
        "exposure": lambda: view.exposure(args.entity, rule="ofac"),
        "screen(limit=5)": lambda: view.screen(args.name, limit=5),
    }
    print(f"# {sys.executable} {skg.__file__}; {db.node_count} nodes; CPU time per call (process_time)")
    print("call\tmedian_us\tmin_us\tmax_us\tnumber")
    for name, call in calls.items():
        timer = timeit.Timer(call, timer=time.process_time)
        number, _ = timer.autorange()
        number = max(number, 200)
        runs = [t / number * 1e6 for t in timer.repeat(repeat=args.repeats, number=number)]
        print(f"{name}\t{statistics.median(runs):.2f}\t{min(runs):.2f}\t{max(runs):.2f}\t{number}")


if __name__ == "__main__":
    main()
