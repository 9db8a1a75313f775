"""Benchmark of the spectral / feature-space detectors: SpokEn, fBox, CatchSync, HoloScope.

Two parts (``python benchmarks/bench_spectral.py``; ``--part scale|accuracy`` runs one):

``scale``
    ``instagram_world`` sized to ~1M and ~5M events (one biased-camouflage like
    farm planted) is written once to a temporary ``.npz``. Each detector then
    runs with its default parameters in a fresh subprocess that loads the
    arrays, builds the graph and the CSR/CSC views, and runs; the table shows
    wall time of the detector alone, the subprocess's peak RSS (``ru_maxrss``,
    dominated by loading) and the peak RSS while the detector ran
    (``VmHWM`` after resetting it through ``/proc/self/clear_refs`` once the
    graph is built), next to the RSS before it started. The degree baseline
    is the yardstick. Two shared cores.
``accuracy``
    F1 / ROC-AUC of each detector's own flagged set on planted farms, per farm
    density: a like farm (200 bots x 100 posts, popularity-biased camouflage,
    6-hour windows) on the full world and on its like-only view, and a follow
    farm (100 fake followers x 10 customers, biased camouflage). Several seeds;
    mean shown.

No reference implementations run here: the authors' code (EigenSpokes in
Matlab, fBox unreleased, CatchSync in Java/Matlab, HoloScope in Python 2) does
not run in this environment, so the comparison is between our four and the
degree baseline on the same graphs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

DETECTORS = ("degree", "spoken", "fbox", "catchsync", "holoscope")
EVENTS_PER_USER = 12.0  # instagram_world(n) makes at least this many events per user


# --------------------------------------------------------------------------- scale
def _world_file(n_events: int, seed: int = 0) -> str:
    path = os.path.join(tempfile.gettempdir(), f"graphbot_bench_spectral_{n_events}_{seed}.npz")
    if os.path.exists(path):
        return path
    from graphbot.synth import inject_like_farm, instagram_world

    world = instagram_world(int(n_events / EVENTS_PER_USER), rng=seed)
    if world.n_events > n_events:  # keep the first n_events events in time
        cutoff = np.partition(world.times, n_events - 1)[n_events - 1]
        world = world.select_events(world.times <= cutoff)
    g, truth = inject_like_farm(
        world, n_bots=500, n_targets=300, density=0.1, camouflage="biased", rng=seed + 1
    )
    np.savez(
        path,
        users=g.users,
        targets=g.targets,
        times=g.times,
        kinds=g.kinds,
        n_users=g.n_users,
        n_targets=g.n_targets,
        bots=truth.bot_mask(g),
    )
    return path


def _child(path: str, name: str) -> None:
    """Fresh process: load, build the graph and its CSR, run one detector, print JSON."""
    import resource

    from graphbot import InteractionGraph
    from graphbot.detect import run_detector

    data = np.load(path)
    g = InteractionGraph(data["users"], data["targets"], user_ids=np.arange(int(data["n_users"])),
                         target_ids=np.arange(int(data["n_targets"])), times=data["times"],
                         kinds=data["kinds"])  # fmt: skip
    _ = g.csr, g.csc
    out = {"n_events": g.n_events, "n_users": g.n_users, "n_targets": g.n_targets}
    out["rss_before_mb"] = _reset_peak_rss()
    if name != "load":
        started = time.perf_counter()
        result = run_detector(name, g, rng=0)
        out["seconds"] = time.perf_counter() - started
        flagged = result.flagged()
        bots = data["bots"]
        out["n_flagged"] = len(flagged)
        out["recall"] = float(bots[flagged].sum() / max(bots.sum(), 1))
        out["precision"] = float(bots[flagged].mean()) if len(flagged) else 0.0
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["detector_peak_rss_mb"] = _status_mb("VmHWM")  # peak since the reset, i.e. while detecting
    print(json.dumps(out))


def _status_mb(field: str) -> float:
    """A memory field of /proc/self/status in MB (Linux), NaN elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _reset_peak_rss() -> float:
    """Reset the process's peak-RSS mark (Linux clear_refs) and return the current RSS in MB."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass
    return _status_mb("VmRSS")


def part_scale(sizes: list[int], detectors: tuple[str, ...] = DETECTORS) -> pd.DataFrame:
    rows = []
    for n_events in sizes:
        started = time.perf_counter()
        path = _world_file(n_events)
        print(
            f"world ~{n_events:,} events ready in {time.perf_counter() - started:.0f} s", flush=True
        )
        for name in ("load", *detectors):
            proc = subprocess.run(
                [sys.executable, __file__, "--child", path, name],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode:
                rows.append(
                    {
                        "target_events": n_events,
                        "detector": name,
                        "error": proc.stderr.strip().splitlines()[-1],
                    }
                )
                continue
            row = {
                "target_events": n_events,
                "detector": name,
                **json.loads(proc.stdout.strip().splitlines()[-1]),
            }
            rows.append(row)
            print(row, flush=True)
    frame = pd.DataFrame(rows)
    load = frame[frame.detector == "load"].set_index("target_events")["peak_rss_mb"]
    frame["rss_over_load_mb"] = frame["peak_rss_mb"] - frame["target_events"].map(load)
    return frame


# --------------------------------------------------------------------------- accuracy
def part_accuracy(
    densities: list[float], seeds: list[int], n_users: int, detectors: tuple[str, ...] = DETECTORS
) -> pd.DataFrame:
    from graphbot.detect import run_detector
    from graphbot.evaluate.metrics import detection_scores
    from graphbot.synth import inject_follow_farm, inject_like_farm, instagram_world

    rows = []
    for seed in seeds:
        world = instagram_world(n_users, rng=seed)
        for density in densities:
            like, like_truth = inject_like_farm(
                world,
                n_bots=200,
                n_targets=100,
                density=density,
                camouflage="biased",
                rng=seed + 10,
            )
            follow, follow_truth = inject_follow_farm(
                world, n_bots=100, n_targets=10, density=density, camouflage="biased", rng=seed + 20
            )
            cases = {
                "like": (like, like_truth),
                "like-only view": (like.filter_kind("like"), like_truth),
                "follow": (follow, follow_truth),
            }
            for case, (graph, truth) in cases.items():
                for name in detectors:
                    started = time.perf_counter()
                    result = run_detector(name, graph, rng=0)
                    scores = detection_scores(result, truth, graph)
                    rows.append(
                        {
                            "case": case,
                            "density": density,
                            "seed": seed,
                            "detector": name,
                            "f1": scores["f1"],
                            "roc_auc": scores["roc_auc"],
                            "n_flagged": len(result.flagged()),
                            "seconds": time.perf_counter() - started,
                        }
                    )
            print(f"seed {seed} density {density} done", flush=True)
    frame = pd.DataFrame(rows)
    return frame.groupby(["case", "density", "detector"])[["f1", "roc_auc"]].mean().unstack()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("scale", "accuracy", "all"), default="all")
    parser.add_argument("--sizes", default="1000000,5000000")
    parser.add_argument("--densities", default="0.02,0.05,0.1,0.2,0.5")
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--detectors", default=",".join(DETECTORS))
    parser.add_argument("--child", nargs=2, metavar=("NPZ", "DETECTOR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 30)
    if args.part in ("accuracy", "all"):
        table = part_accuracy(
            [float(d) for d in args.densities.split(",")],
            [int(s) for s in args.seeds.split(",")],
            args.users,
            tuple(args.detectors.split(",")),
        )
        print("\nF1 / ROC-AUC of each detector's flagged set, mean over seeds\n")
        print(table.round(3).to_string())
    if args.part in ("scale", "all"):
        table = part_scale(
            [int(s) for s in args.sizes.split(",")], tuple(args.detectors.split(","))
        )
        print("\nRuntime (detector only) and peak RSS per subprocess, 2 shared cores\n")
        print(table.round(2).to_string(index=False))


if __name__ == "__main__":
    main()
