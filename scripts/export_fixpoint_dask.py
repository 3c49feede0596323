#!/usr/bin/python3
"""scripts/export_fixpoint_dask.py: the OFAC 50 Percent Rule's blocked set computed by Dask
(Debian python3-distributed) over the partitions of an skg export, without skg.

    /usr/bin/python3 scripts/export_fixpoint_dask.py EXPORT_DIR [--as-of YYYY-MM-DD]
        [--rules queries/rules.tsv] [--workers 3] [--expect skg_blocked_yes.txt]

EXPORT_DIR is `skg export --format csv` (or graphframes) output (docs/EXPORT.md). The rule is
skg's (queries/RULES.md §1, §5; queries/exposure.cpp, BlockedSetBuilder), the definite part of it
(skg's Verdict::Yes), which is what a blocking decision rests on:
  - seeds: parties that are TARGET_OF an Action issued by OFAC (issuer us_ofac) whose typed measures
    include asset_freeze, the listing in force on the date (its start/end, in the export already
    read as skg reads them) and the TARGET_OF edge too; an undated record of a designation that
    also has a dated record of the same issuer and list for the same party stands for nothing
    (RULES.md §8.8);
  - stakes: OWNS edges, and CONTROLS edges whose interest is `nominator`, holding on the date, not
    from a party to itself; the records of one owner's stake in one asset are reconciled (their
    ranges intersected; if they cannot all be true, their hull), and the lower bound counts;
    unknown shares count as 0 (they only make a party "possibly" blocked, which skg reports apart);
  - a nominee's holdings (a `nominee_for` edge to one principal) are its principal's, not its own;
  - fixpoint: an asset whose lower sum of stakes held by blocked parties reaches the threshold of
    the rule's period on the date (50%, inclusive, aggregated since 2014-08-13) is blocked, and
    its stakes count in turn, until nothing changes (OFAC FAQ 398, 399, 401).
Jointly held shares (RULES.md §5.5) and periods that do not aggregate (OFAC before 2014-08-13) are
not implemented here: the job says so and exits with 3 instead of giving a different answer.

Edges are partitioned by owner (all records of one stake are in one part), so each round is a map
over the parts, held in the workers' memory, and a sum by asset on the client: a Pregel superstep.
"""
import argparse
import csv
import glob
import os
import sys
from decimal import Decimal

UNITS_PER_PERCENT = 1_000_000


def parse_day(text):
    return text if text else None  # ISO days compare as text


def holds(start, end, as_of):
    """skg's holds(): with no date, a fact holds when it has no end; else start <= day < end."""
    if as_of is None:
        return not end
    return (not start or start <= as_of) and (not end or as_of < end)


def units(text):
    # The export writes at most six decimals: exact in millionths of a percent.
    return int(Decimal(text) * UNITS_PER_PERCENT)


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def part_files(export_dir):
    nodes = sorted(glob.glob(os.path.join(export_dir, "nodes-*.csv")))
    edges = sorted(glob.glob(os.path.join(export_dir, "edges-*.csv")))
    if not nodes:  # the GraphFrames layout
        nodes = sorted(glob.glob(os.path.join(export_dir, "vertices", "part-*.csv")))
        edges = sorted(glob.glob(os.path.join(export_dir, "edges", "part-*.csv")))
    if not nodes or not edges:
        sys.exit(f"{export_dir}: no nodes-*.csv / edges-*.csv (or vertices/, edges/) parts")
    return nodes, edges


def rule_period(rules_path, as_of):
    """The OFAC row of queries/rules.tsv in force on the date (the last one with no date)."""
    rows = []
    with open(rules_path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            if cells[0] != "ofac":
                continue
            start = None if cells[1] == "-" else cells[1]
            end = None if cells[2] == "-" else cells[2]
            rows.append({"start": start, "end": end, "in_force": cells[3] == "yes",
                         "threshold": units(cells[4]), "inclusive": cells[5] == ">=",
                         "aggregate": cells[6] == "yes"})
    if as_of is None:
        return rows[-1]
    for row in rows:
        if holds(row["start"], row["end"], as_of):
            return row
    sys.exit(f"{rules_path}: no OFAC period on {as_of}")


# --- tasks run on the workers --------------------------------------------------------------

def read_actions(path):
    """Action nodes of one part: id -> (designates under OFAC, in force fields, issuer, list, undated)."""
    out = {}
    for row in read_rows(path):
        if row["kind"] != "Action":
            continue
        out[row["id"]] = {
            "ofac_freeze": row["issuer"] == "us_ofac" and "asset_freeze" in row["measures"].split(";"),
            "start": row["start"], "end": row["end"], "issuer": row["issuer"], "list": row["list"],
            "undated": row["undated"] == "true",
        }
    return out


def load_part(path, actions, as_of):
    """One edge part: the seeds it holds, its nominee links, and its stakes (owner -> [(asset,
    low units, low open)]) reconciled per (owner, asset)."""
    target_of = {}   # party -> [(action id, edge start, edge end)]
    records = {}     # (owner, asset) -> [(lo, lo_open, hi, hi_open) or None]
    nominees = {}    # nominee -> set of principals
    joint = 0
    for row in read_rows(path):
        kind, src, dst = row["kind"], row["src"], row["dst"]
        if kind == "TARGET_OF":
            target_of.setdefault(src, []).append((dst, row["start"], row["end"]))
            continue
        if not holds(row["start"], row["end"], as_of):
            continue
        interest = row["interest"]
        if interest == "nominee_for":
            nominees.setdefault(src, set()).add(dst)
        if interest == "jointly_held":
            joint += 1
        stake = kind == "OWNS" or (kind == "CONTROLS" and interest == "nominator")
        if not stake or src == dst:
            continue
        share = None
        if row["share_low"]:
            share = (units(row["share_low"]), row["share_low_open"] == "true",
                     units(row["share_high"]), row["share_high_open"] == "true")
        records.setdefault((src, dst), []).append(share)

    # Seeds: in-force OFAC blocking listings; an undated record beside a dated one of the same
    # designation (same issuer and list) stands for nothing (as_of.cpp dated_record_of).
    seeds = set()
    for party, links in target_of.items():
        for action_id, start, end in links:
            action = actions.get(action_id)
            if action is None or not action["ofac_freeze"]:
                continue
            undated_link = action["undated"] and not start and not end
            if undated_link and action["list"] != "unknown list" and action["issuer"] != "unknown":
                dated_twin = any(
                    other != action_id and other in actions
                    and actions[other]["list"] == action["list"] and actions[other]["issuer"] == action["issuer"]
                    and not (actions[other]["undated"] and not other_start and not other_end)
                    for other, other_start, other_end in links)
                if dated_twin:
                    continue
            if holds(action["start"], action["end"], as_of) and holds(start, end, as_of):
                seeds.add(party)

    stakes = {}
    for (owner, asset), shares in records.items():
        known = [share for share in shares if share is not None]
        if not known:
            continue  # unknown: 0 for the definite set
        lo = max(known, key=lambda s: (s[0], s[1]))[:2]
        hi = min(known, key=lambda s: (s[2], not s[3]))[2:]
        if lo[0] > hi[0] or (lo[0] == hi[0] and (lo[1] or hi[1])):
            lo = min(known, key=lambda s: (s[0], s[1]))[:2]  # records disagree: their hull
        stakes.setdefault(owner, []).append((asset, lo[0], lo[1]))
    return {"seeds": seeds, "nominees": nominees, "stakes": stakes, "joint": joint}


def part_summary(part):
    return part["seeds"], part["nominees"], part["joint"]


def contributions(part, frontier, principal_of):
    """One superstep on one part: the stakes held by the frontier's parties (a nominee's stakes
    for its principal), summed by asset."""
    out = {}
    stakes = part["stakes"]
    for holder, held in stakes.items():
        owner = principal_of.get(holder, holder)
        if owner not in frontier:
            continue
        for asset, low, is_open in held:
            if asset == owner:
                continue
            total, any_open = out.get(asset, (0, False))
            out[asset] = (total + low, any_open or is_open)
    return out


# --- the driver ----------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export_dir")
    parser.add_argument("--as-of")
    parser.add_argument("--rules", default=os.path.join(os.path.dirname(__file__), "..", "queries", "rules.tsv"))
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--memory", default="400MiB", help="memory limit per worker")
    parser.add_argument("--expect", help="ids skg finds blocked for sure, one a line: compare")
    parser.add_argument("--out", help="write the blocked ids here, one a line")
    args = parser.parse_args()
    as_of = args.as_of
    period = rule_period(args.rules, as_of)
    # A period not in force blocks only the designated parties (BlockedSet::verdict).
    if period["in_force"] and not period["aggregate"]:
        print(f"the OFAC period on {as_of} does not aggregate: not implemented by this job", file=sys.stderr)
        return 3
    node_parts, edge_parts = part_files(args.export_dir)

    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as error:
        print(f"skipped: Dask is not installed (Debian: python3-distributed): {error}")
        return 77
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                           memory_limit=args.memory, dashboard_address=None)
    client = Client(cluster)
    try:
        actions = {}
        for part in client.gather(client.map(read_actions, node_parts)):
            actions.update(part)
        actions_future = client.scatter([actions], broadcast=True)[0]  # one object, not its items
        parts = client.map(load_part, edge_parts, actions=actions_future, as_of=as_of)
        seeds, nominee_sets, joint = set(), {}, 0
        for part_seeds, part_nominees, part_joint in client.gather(client.map(part_summary, parts)):
            seeds |= part_seeds
            for nominee, principals in part_nominees.items():
                nominee_sets.setdefault(nominee, set()).update(principals)
            joint += part_joint
        if joint:
            print(f"{joint} jointly held stakes in the export: RULES.md §5.5 joint blocks are not "
                  "implemented by this job", file=sys.stderr)
            return 3
        # A nominee for several principals is attributed to none (exposure.cpp collect_nominees).
        principal_of = {n: next(iter(p)) for n, p in nominee_sets.items() if len(p) == 1}
        principal_future = client.scatter([principal_of], broadcast=True)[0]

        blocked = set(seeds)
        sums = {}
        frontier = set(seeds) if period["in_force"] else set()
        rounds = 0
        threshold, inclusive = period["threshold"], period["inclusive"]
        while frontier:
            rounds += 1
            frontier_future = client.scatter([frontier], broadcast=True)[0]
            results = client.gather(client.map(contributions, parts, frontier=frontier_future,
                                               principal_of=principal_future, pure=False))
            fresh = set()
            for result in results:
                for asset, (low, is_open) in result.items():
                    total, any_open = sums.get(asset, (0, False))
                    total, any_open = total + low, any_open or is_open
                    sums[asset] = (total, any_open)
                    if asset in blocked:
                        continue
                    meets = total >= threshold if inclusive else (total > threshold or (total == threshold and any_open))
                    if meets:
                        fresh.add(asset)
            blocked |= fresh
            frontier = fresh
    finally:
        client.close()
        cluster.close()

    print(f"dask: {len(node_parts)} node parts, {len(edge_parts)} edge parts on {args.workers} workers; "
          f"OFAC as of {as_of or 'the latest data'}: {len(seeds)} designated, {len(blocked)} blocked for "
          f"sure, {rounds} rounds")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.writelines(f"{node}\n" for node in sorted(blocked))
    if args.expect:
        with open(args.expect, encoding="utf-8") as handle:
            expected = {line.strip() for line in handle if line.strip()}
        missing, extra = sorted(expected - blocked), sorted(blocked - expected)
        if missing or extra:
            print(f"MISMATCH with skg: {len(missing)} blocked by skg only (e.g. {missing[:5]}), "
                  f"{len(extra)} by Dask only (e.g. {extra[:5]})", file=sys.stderr)
            return 1
        print(f"same blocked set as skg: {len(expected)} ids")
    return 0


if __name__ == "__main__":
    sys.exit(main())
