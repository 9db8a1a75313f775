"""Speed and memory of the ensemble on world-family draws of ~325k events.

Each draw runs in a fresh subprocess (so its peak RSS is its own): the world
is built, then the ensemble with its defaults, and the table gives the
ensemble's wall and CPU time, each component's share, the time spent in the
shared decision (timing tests of every tested group) and the peak RSS.
Compare the ensemble with the sum of its components: the ratio says what the
decision and the combination cost on top of running the detectors.

Run ``python benchmarks/bench_ensemble_speed.py [--draws 0 104] [--users 20000]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pandas as pd

_CHILD = r"""
import json, resource, sys, time
from graphbot.synth import family_world
from graphbot.detect import ensemble
draw, n_users = int(sys.argv[1]), int(sys.argv[2])
graph = family_world(draw, n_users=n_users)
wall, cpu = time.perf_counter(), time.process_time()
result = ensemble(graph, rng=0)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
parts = {c["name"]: c["runtime_s"] for c in result.meta["components"]}
print(json.dumps({
    "draw": draw, "events": graph.n_events, "wall_s": wall, "cpu_s": cpu,
    "components_s": sum(parts.values()), **{f"{k}_s": v for k, v in parts.items()},
    "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    "flagged": len(result.flagged()),
}))
"""


def run(draws: list[int], n_users: int) -> pd.DataFrame:
    rows = []
    for draw in draws:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(draw), str(n_users)],
                              capture_output=True, text=True, check=True)  # fmt: skip
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    frame = pd.DataFrame(rows)
    frame["overhead_ratio"] = frame["wall_s"] / frame["components_s"]
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, nargs="+", default=[0, 104])
    parser.add_argument("--users", type=int, default=20_000)
    args = parser.parse_args()
    frame = run(args.draws, args.users)
    print(frame.round(2).T.to_string())


if __name__ == "__main__":
    main()
