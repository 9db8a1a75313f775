"""Bytes per event of InteractionGraph, at rest and at peak while building.

Run: ``python benchmarks/bench_graph_memory.py [--events 10000000]``

Each size runs in a fresh subprocess so peak RSS is that of one build. "at rest"
counts the event arrays plus both cached sparse views (CSR and CSC); "peak" is the
subprocess's maximum resident set minus the interpreter's baseline with numpy,
scipy and pandas imported, divided by the number of events; it includes the
caller's own int64 input arrays (24 B/event), which a loader reading from a file
in chunks would not hold. Users and targets are drawn uniformly so nearly every
event is a distinct user-target pair: the worst case for the sparse views.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
import numpy as np
import graphbot
from graphbot.graph import InteractionGraph
n = int(sys.argv[1]); path = sys.argv[2]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
rng = np.random.default_rng(0)
n_users, n_targets = max(n // 20, 10), max(n // 50, 10)
users = rng.integers(0, n_users, n)  # uniform: nearly every pair distinct, the worst case
targets = rng.integers(0, n_targets, n)
times = rng.integers(1_600_000_000, 1_700_000_000, n)
del rng
t0 = time.perf_counter()
if path == "ids":
    g = InteractionGraph.from_events(users, targets, times=times, kinds="like")
else:
    g = InteractionGraph(users, targets, user_ids=np.arange(n_users),
                         target_ids=np.arange(n_targets), times=times, kinds=np.full(n, 2, np.int8))
del users, targets, times
g.csr; g.csc
build = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"events": n, "path": path, "build_s": build,
                  "at_rest_B_per_event": g.nbytes() / n,
                  "peak_B_per_event": (peak - base) / n, "peak_rss_MiB": peak / 2**20}))
"""


def measure(n: int, path: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), path], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1_000_000, 10_000_000])
    args = parser.parse_args()
    print(f"{'events':>12} {'path':>6} {'build s':>8} {'at rest B/ev':>13} "
          f"{'peak B/ev':>10} {'peak RSS MiB':>13}")
    for n in args.events:
        for path in ("arrays", "ids"):
            r = measure(n, path)
            print(f"{n:>12,} {path:>6} {r['build_s']:>8.2f} {r['at_rest_B_per_event']:>13.1f} "
                  f"{r['peak_B_per_event']:>10.1f} {r['peak_rss_MiB']:>13.0f}")


if __name__ == "__main__":
    main()
