"""Lockstep detectors (CopyCatch, SynchroTrap, BurstLink) on planted farms, Fraudar alongside.

Quality: a farm of 200 bots on 100 low-popularity targets, each target's farm
events inside a 6-hour window, planted in two backgrounds -- the synthetic
Instagram-like world (20k users, ~230k events over 30 days, with viral posts,
fan clubs, binge-likers and follow-back circles) and MovieLens-100k (real
timestamps, natural rating bursts) -- for every density x camouflage. Prints
precision / recall / F1 and the share of normal users flagged, plus the
false positives on both backgrounds with no farm (and which look-alikes they are).

Speed (``--speed``): a 10M-event synthetic world with one planted farm; each
detector runs in its own subprocess (progress bar on) and reports wall time and
peak RSS.

Run::

    python benchmarks/bench_lockstep.py                 # quality table, a few minutes
    python benchmarks/bench_lockstep.py --speed         # + 10M-event run
    python benchmarks/bench_lockstep.py --quick         # densities 0.05, 0.3 only
    python benchmarks/bench_lockstep.py --methods burstlink --densities 0.02 0.05 \
        --camouflages biased hijacked --seed 1          # a narrower run, another seed
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from graphbot import InteractionGraph
from graphbot.datasets import load_movielens
from graphbot.detect import available_detectors, burstlink, copycatch, synchrotrap
from graphbot.evaluate.metrics import detection_scores
from graphbot.synth import inject_farm, instagram_world

DENSITIES = (0.02, 0.05, 0.1, 0.3)
CAMOUFLAGES = ("none", "random", "biased", "hijacked")
DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def movielens(data_dir: Path = DATA) -> InteractionGraph:
    """MovieLens-100k (ratings as ``rate`` events) from the shared datasets folder."""
    return load_movielens(data_dir)


def detectors(with_fraudar: bool) -> dict:
    out = {"copycatch": copycatch, "synchrotrap": synchrotrap, "burstlink": burstlink}
    if with_fraudar and "fraudar" in available_detectors():
        from graphbot.detect import fraudar

        out["fraudar"] = fraudar
    return out


def quality(
    backgrounds: dict, densities, methods: dict, camouflages=CAMOUFLAGES, farm_seed: int = 1
) -> pd.DataFrame:
    rows = []
    for bg_name, (bg, kind) in backgrounds.items():
        for density in densities:
            for camo in camouflages:
                graph, truth = inject_farm(
                    bg,
                    kind=kind,
                    n_bots=200,
                    n_targets=100,
                    density=density,
                    window=6 * 3600,
                    camouflage=camo,
                    camouflage_amount=1.0,
                    rng=farm_seed,
                )
                bots = truth.bot_mask(graph)
                for name, fn in methods.items():
                    t0 = time.perf_counter()
                    result = fn(graph, rng=0)
                    seconds = time.perf_counter() - t0
                    s = detection_scores(result, truth, graph)
                    flagged = np.zeros(graph.n_users, bool)
                    flagged[result.flagged()] = True
                    rows.append(
                        {
                            "background": bg_name,
                            "density": density,
                            "camouflage": camo,
                            "method": name,
                            "precision": s["precision"],
                            "recall": s["recall"],
                            "f1": s["f1"],
                            "normal_flagged_pct": 100 * flagged[~bots].mean(),
                            "seconds": seconds,
                        }
                    )
                    print(
                        f"{bg_name:3s} d={density:<4} {camo:8s} {name:11s} "
                        f"F1={s['f1']:.3f} P={s['precision']:.3f} R={s['recall']:.3f} "
                        f"normal%={100 * flagged[~bots].mean():.3f} {seconds:.1f}s",
                        flush=True,
                    )
    return pd.DataFrame(rows)


def no_farm(backgrounds: dict, lookalikes: dict, methods: dict) -> None:
    print("\nNo farm planted: users flagged")
    for bg_name, (bg, _) in backgrounds.items():
        for name, fn in methods.items():
            result = fn(bg, rng=0)
            ids = bg.user_ids[result.flagged()]
            kinds = {k: int(np.isin(ids, v).sum()) for k, v in lookalikes.get(bg_name, {}).items()}
            groups = [(g.n_users, g.n_targets) for g in result.groups]
            print(
                f"  {bg_name:3s} {name:11s} flagged={len(ids):5d} groups={groups[:5]} "
                f"look-alikes={kinds}"
            )


# ---------------------------------------------------------------------------- speed
def big_world(n_events: int, seed: int = 0) -> tuple[InteractionGraph, np.ndarray]:
    """A fast vectorised world of ``n_events`` likes with one planted 200x100 farm."""
    gen = np.random.default_rng(seed)
    n_users, n_posts = n_events // 10, n_events // 50
    n_accounts = n_posts // 4
    span = 30 * 86_400
    activity = gen.lognormal(0, 1, n_users)
    users = gen.choice(n_users, n_events, p=activity / activity.sum())
    weight = (gen.pareto(1.2, n_accounts) + 1)[gen.integers(0, n_accounts, n_posts)]
    weight *= gen.lognormal(0, 0.7, n_posts)
    posts = gen.choice(n_posts, n_events, p=weight / weight.sum())
    post_time = gen.integers(0, span, n_posts)
    times = post_time[posts] + gen.lognormal(np.log(3 * 3600), 1.5, n_events).astype(np.int64)
    owners = np.arange(n_posts) % n_accounts
    low = np.flatnonzero(np.bincount(posts, minlength=n_posts) <= 20)
    farm_posts = gen.choice(low, 100, replace=False)
    hit = gen.random((200, 100)) < 0.05
    bu, bt = np.nonzero(hit)
    opens = gen.integers(0, span, 100)
    users = np.r_[users, n_users + bu]
    posts = np.r_[posts, farm_posts[bt]]
    times = np.r_[times, opens[bt] + gen.integers(0, 6 * 3600, len(bt))]
    graph = InteractionGraph(
        users,
        posts,
        user_ids=np.arange(n_users + 200),
        target_ids=np.arange(n_posts),
        times=times,
        kinds=np.full(len(users), 2, np.int8),
        target_owners=owners,
    )
    bots = np.zeros(n_users + 200, bool)
    bots[n_users:] = True
    return graph, bots


def speed_child(method: str, n_events: int) -> None:
    graph, bots = big_world(n_events)
    fn = {"copycatch": copycatch, "synchrotrap": synchrotrap, "burstlink": burstlink}[method]
    fn(graph.subgraph(users=np.arange(50), targets=None), rng=0)  # compile numba kernels
    t0 = time.perf_counter()
    result = fn(graph, progress=True, rng=0)
    seconds = time.perf_counter() - t0
    flagged = np.zeros(graph.n_users, bool)
    flagged[result.flagged()] = True
    tp = int((flagged & bots).sum())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "method": method,
                "n_events": graph.n_events,
                "seconds": seconds,
                "bots_found": tp,
                "normal_flagged": int((flagged & ~bots).sum()),
                "peak_rss_mib": rss / 1024,
                "graph_mib": graph.nbytes() / 2**20,
            }
        )
    )


def speed(n_events: int) -> None:
    print(f"\nSpeed: {n_events:,} events, each detector in a subprocess")
    for method in ("copycatch", "synchrotrap", "burstlink"):
        out = subprocess.run(
            [sys.executable, __file__, "--speed-child", method, "--events", str(n_events)],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = [x for x in out.stdout.splitlines() if x.startswith("{")]
        if out.returncode or not line:
            print(f"  {method}: failed (exit {out.returncode})")
            continue
        info = json.loads(line[-1])
        print(
            f"  {method:11s} {info['seconds']:.1f}s  peak RSS {info['peak_rss_mib']:.0f} MiB "
            f"(event arrays {info['graph_mib']:.0f} MiB)  bots found {info['bots_found']}/200"
            f"  normal flagged {info['normal_flagged']}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--speed", action="store_true", help="also run the 10M-event timing")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="densities 0.05 and 0.3 only")
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--with-fraudar", action="store_true", help="add Fraudar for contrast")
    parser.add_argument("--densities", type=float, nargs="+", help="override the densities")
    parser.add_argument("--camouflages", nargs="+", choices=CAMOUFLAGES, default=CAMOUFLAGES)
    parser.add_argument("--methods", nargs="+", help="subset of copycatch synchrotrap burstlink")
    parser.add_argument("--seed", type=int, default=0, help="world seed; the farm uses seed + 1")
    parser.add_argument("--speed-child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_child:
        speed_child(args.speed_child, args.events)
        return
    if not args.no_quality:
        world, lookalikes = instagram_world(20_000, rng=args.seed, return_lookalikes=True)
        backgrounds = {"ig": (world, "like")}
        if (DATA / "movielens-100k").is_dir():
            backgrounds["ml"] = (movielens(), "rate")
        methods = detectors(args.with_fraudar)
        if args.methods:
            methods = {k: v for k, v in methods.items() if k in args.methods}
        densities = args.densities or ((0.05, 0.3) if args.quick else DENSITIES)
        table = quality(
            backgrounds, densities, methods, tuple(args.camouflages), farm_seed=args.seed + 1
        )
        print("\nF1 (normal users flagged, %)")
        table["cell"] = [
            f"{f:.2f} ({p:.2f}%)" for f, p in zip(table["f1"], table["normal_flagged_pct"])
        ]
        print(
            table.pivot_table(
                index=["background", "method", "density"],
                columns="camouflage",
                values="cell",
                aggfunc="first",
            ).to_string()
        )
        no_farm(backgrounds, {"ig": lookalikes}, methods)
    if args.speed:
        speed(args.events)


if __name__ == "__main__":
    main()
