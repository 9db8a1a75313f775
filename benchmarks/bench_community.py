"""Benchmark of co-action communities, the ensemble and prevalence estimation.

Three parts, each printing a table (run ``python benchmarks/bench_community.py``;
``--part scale|ensemble|prevalence`` runs one):

``scale``
    A 10M-event like world (:func:`scale_world`, four farms planted) is built
    in a fresh subprocess that times the windowed co-action projection
    (``max_target_degree=1000``), Leiden, Louvain and label propagation, and
    the whole ``coaction_community`` detector, reporting the peak RSS
    (``ru_maxrss``) of that subprocess, graph included, on the 2 shared cores.
``ensemble``
    Detectors vs the ensemble (SML, rank mean, Cauchy; gated and not) on
    worlds with a mix of farm types (like/biased camouflage, follow,
    comment/random camouflage, hijacked), several seeds: mean ROC-AUC, average
    precision and F1 of the flagged set; plus per-farm best-match Jaccard of
    ``coaction_community`` and the scores of organic communities.
``prevalence``
    Coverage of the 95% interval of :func:`estimate_prevalence` over seeded
    repetitions (worlds x audited samples).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

SCALE_EVENTS = 10_000_000


def _planted_world(n_users: int, seed: int):
    from graphbot.synth import (
        inject_comment_farm,
        inject_follow_farm,
        inject_like_farm,
        instagram_world,
    )

    world = instagram_world(n_users, rng=seed)
    g, truth = inject_like_farm(
        world, n_bots=150, n_targets=60, density=0.3, camouflage="biased", rng=seed + 1
    )
    g, truth = inject_follow_farm(
        g, n_bots=100, n_targets=10, density=0.5, truth=truth, rng=seed + 2
    )
    g, truth = inject_comment_farm(
        g, n_bots=80, n_targets=40, density=0.2, camouflage="random", truth=truth, rng=seed + 3
    )
    g, truth = inject_like_farm(
        g, n_bots=60, n_targets=50, density=0.1, camouflage="hijacked", truth=truth, rng=seed + 4
    )
    return g, truth


# --------------------------------------------------------------------------- scale
def scale_world(n_events: int = 10_000_000, seed: int = 0, n_farms: int = 4):
    """A numpy-built like world of ``n_events`` events plus ``n_farms`` planted farms.

    (``instagram_world`` builds Python-string ids and needs ~10 GiB and long CPU
    time at this size, so the scale test uses this vectorised stand-in.)
    1 user per 10 events with log-normal activity, 1 post per 50 events with
    Pareto popularity, likes a log-normal delay (median 3 h) after the post;
    each farm: 200 bots created within one hour, 50 posts, density 0.3, all
    likes of a post within 6 hours. Returns the graph and the bot indices.
    """
    from graphbot import InteractionGraph

    gen = np.random.default_rng(seed)
    days, n_users, n_posts = 30 * 86_400, n_events // 10, n_events // 50
    activity = gen.lognormal(0, 1, n_users)
    popularity = gen.pareto(1.2, n_posts) + 1
    post_time = gen.integers(0, days, n_posts)
    users = _sample(gen, activity, n_events)
    targets = _sample(gen, popularity, n_events)
    times = post_time[targets] + gen.lognormal(np.log(3 * 3600), 1.5, n_events).astype(np.int64)
    created = gen.uniform(-8 * 365 * 86_400, -30 * 86_400, n_users)
    bots = []
    extra_u, extra_t, extra_time = [], [], []
    for k in range(n_farms):
        ids = n_users + k * 200 + np.arange(200)
        posts = gen.choice(n_posts, 50, replace=False)
        hit = gen.random((200, 50)) < 0.3
        bu, bp = np.nonzero(hit)
        opens = gen.integers(0, days - 6 * 3600, 50)
        extra_u.append(ids[bu])
        extra_t.append(posts[bp])
        extra_time.append(opens[bp] + gen.integers(0, 6 * 3600, len(bu)))
        bots.append(ids)
    n_bots = 200 * n_farms
    bot_created = np.concatenate(
        [np.full(200, -gen.uniform(1, 60) * 86_400) for _ in range(n_farms)]
    )
    bot_created += gen.uniform(0, 3600, n_bots)
    users = np.concatenate([users, *extra_u]).astype(np.int32)
    graph = InteractionGraph(
        users, np.concatenate([targets, *extra_t]).astype(np.int32),
        user_ids=np.arange(n_users + n_bots), target_ids=np.arange(n_posts),
        times=np.concatenate([times, *extra_time]), kinds=np.full(len(users), 2, np.int8),
        user_created=np.concatenate([created, bot_created]),
    )  # fmt: skip
    return graph, np.concatenate(bots)


def _sample(gen: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    cdf = np.cumsum(weights / weights.sum())
    return np.minimum(np.searchsorted(cdf, gen.random(size)), len(weights) - 1)


def _scale_child(n_events: int, max_target_degree: int) -> None:
    """Runs in a fresh process: build, project, cluster; print JSON timings and RSS."""
    from graphbot.community import cluster_users
    from graphbot.detect.community import coaction_community
    from graphbot.projection import coaction_graph

    t = time.perf_counter()
    g, bots = scale_world(n_events)
    out: dict[str, float] = {"n_events": g.n_events, "n_users": g.n_users,
                             "world_build_s": time.perf_counter() - t,
                             "rss_after_world_gib": _rss_gib()}  # fmt: skip
    t = time.perf_counter()
    adj = coaction_graph(g, window=6 * 3600, min_shared=2, max_target_degree=max_target_degree)
    out["projection_s"] = time.perf_counter() - t
    out["projection_nnz"] = adj.nnz
    out["rss_after_projection_gib"] = _rss_gib()
    adj = adj.astype(np.float64)
    for method in ("leiden", "louvain", "label_propagation"):
        t = time.perf_counter()
        labels = cluster_users(adj, method=method, rng=0)
        out[f"{method}_s"] = time.perf_counter() - t
        out[f"{method}_communities"] = int(labels.max() + 1)
        out[f"rss_after_{method}_gib"] = _rss_gib()
    del adj, labels
    t = time.perf_counter()
    r = coaction_community(g, max_target_degree=max_target_degree, rng=0)
    out["detector_s (2 projections + leiden + evidence)"] = time.perf_counter() - t
    out["detector_groups"] = len(r.groups)
    flagged = np.zeros(g.n_users, bool)
    flagged[r.flagged()] = True
    is_bot = np.zeros(g.n_users, bool)
    is_bot[bots] = True
    out["detector_recall"] = float((flagged & is_bot).sum() / is_bot.sum())
    out["detector_precision"] = float((flagged & is_bot).sum() / max(flagged.sum(), 1))
    farms = [np.flatnonzero(is_bot)[i * 200 : (i + 1) * 200] for i in range(4)]
    from graphbot.evaluate.metrics import group_jaccard

    jac = group_jaccard([grp.users for grp in r.groups], farms)
    out["detector_min_farm_jaccard"] = float(min(jac))
    out["peak_rss_gib"] = _rss_gib()
    print(json.dumps(out))


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def run_scale(n_events: int = SCALE_EVENTS, max_target_degree: int = 1000) -> pd.DataFrame:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(n_events), "--max-target-degree",
         str(max_target_degree)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["peak_rss_gib (ru_maxrss of children)"] = (
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    )
    return pd.Series(out).to_frame("value")


# --------------------------------------------------------------------------- ensemble
def run_ensemble(seeds=(0, 1, 2), n_users: int = 4000) -> tuple[pd.DataFrame, pd.DataFrame]:
    from graphbot.detect.ensemble import _gated_pvalues, combine_pvalues, ensemble, sml_weights
    from graphbot.evaluate.metrics import (
        average_precision,
        detection_scores,
        group_jaccard,
        roc_auc,
    )

    rows, jac_rows = [], []
    for seed in seeds:
        g, truth = _planted_world(n_users, seed)
        y = truth.bot_mask(g)
        r = ensemble(g, rng=seed)  # runs every default detector once, keeps their scores
        names = list(r.params["detectors"])
        rows.append({"seed": seed, "detector": "ensemble [default]",
                     **_metrics(detection_scores(r, truth, g))})  # fmt: skip
        from graphbot.detect import run_detector

        comps = {}
        for name, comp in zip(names, r.meta["components"]):
            # Re-run with the seed the ensemble used, to get the full result (groups).
            comps[name] = run_detector(
                name, g, **({"rng": comp["rng"]} if comp["rng"] is not None else {})
            )
            rows.append({"seed": seed, "detector": name,
                         **_metrics(detection_scores(comps[name], truth, g))})  # fmt: skip
        for combine in ("sml", "rank_mean", "cauchy", "max_rank"):
            for gate in (True, False):
                p = np.vstack([_gated_pvalues(comps[n], gate) for n in names])
                w = sml_weights(1 - p) if combine == "sml" else None
                s = combine_pvalues(p, combine=combine, weights=w)
                label = f"ens {combine} gate={gate} (scores)"
                ap = average_precision(s, y)
                rows.append({"seed": seed, "detector": label, "roc_auc": roc_auc(s, y),
                             "average_precision": ap})  # fmt: skip
        cc = comps.get("coaction_community")
        if cc is not None:
            jac = group_jaccard([grp.users for grp in cc.groups],
                                [np.flatnonzero(m) for m in truth.farm_masks(g)])  # fmt: skip
            organic = [ev["score"] for ev in cc.evidence["communities"]
                       if y[cc.evidence["labels"] == ev["label"]].mean() < 0.5]  # fmt: skip
            per_farm = {
                f"{f.farm_id}:{f.kind}:{f.params['camouflage']}": j
                for f, j in zip(truth.farms, jac)
            }
            jac_rows.append({"seed": seed, **per_farm,
                             "max_organic_score": max(organic, default=0.0),
                             "n_organic_communities": len(organic),
                             "threshold": cc.params["threshold"]})  # fmt: skip
    table = (
        pd.DataFrame(rows)
        .groupby("detector", sort=False)
        .mean(numeric_only=True)
        .drop(columns="seed")
    )
    return table, pd.DataFrame(jac_rows).set_index("seed")


def _metrics(d: dict) -> dict:
    return {k: d[k] for k in ("roc_auc", "average_precision", "precision", "recall", "f1")}


# --------------------------------------------------------------------------- prevalence
def run_prevalence(seeds=(0, 1, 2), reps: int = 100, n_users: int = 3000) -> pd.DataFrame:
    from graphbot.detect import run_detector
    from graphbot.evaluate.prevalence import estimate_prevalence

    rows = []
    for seed in seeds:
        g, truth = _planted_world(n_users, seed)
        y = truth.bot_mask(g)
        bots, humans = np.flatnonzero(y), np.flatnonzero(~y)
        for det in ("coaction_community", "fraudar"):
            r = run_detector(det, g, rng=seed) if det != "fraudar" else run_detector(det, g)
            for rep in range(reps):
                gen = np.random.default_rng(10_000 * seed + rep)
                n_a = 500
                n_b = int(round(gen.uniform(0.02, 0.3) * n_a))
                b, h = gen.permutation(bots), gen.permutation(humans)
                audited = np.concatenate([b[:n_b], h[: n_a - n_b]])
                cal = np.concatenate([b[n_b : n_b + 100], h[n_a - n_b : n_a - n_b + 400]])
                true = n_b / n_a
                for method in ("adjusted_count", "reference"):
                    ref = h[n_a - n_b : n_a - n_b + 400]
                    kw = ({"calibration": (cal, y[cal])} if method == "adjusted_count"
                          else {"reference": ref, "n_boot": 300})  # fmt: skip
                    e = estimate_prevalence(r, audited, method=method, rng=rep, **kw)
                    covered = e.low <= true <= e.high
                    rows.append({"detector": det, "method": method, "covered": covered,
                                 "width": e.high - e.low, "error": e.estimate - true})  # fmt: skip
    df = pd.DataFrame(rows)
    return df.groupby(["detector", "method"]).agg(
        coverage=("covered", "mean"), mean_width=("width", "mean"), bias=("error", "mean"),
        rmse=("error", lambda e: float(np.sqrt(np.mean(np.square(e))))),
        reps=("covered", "size"),
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=["all", "scale", "ensemble", "prevalence"], default="all")
    parser.add_argument("--child")
    parser.add_argument("--max-target-degree", type=int, default=1000)
    parser.add_argument("--scale-events", type=int, default=SCALE_EVENTS)
    args = parser.parse_args()
    if args.child:
        _scale_child(int(args.child), args.max_target_degree)
        return
    pd.set_option("display.width", 200)
    if args.part in ("all", "ensemble"):
        table, jac = run_ensemble()
        print("\n== Ensemble vs single detectors (mean over seeds) ==")
        print(table.round(3).to_string())
        print("\n== coaction_community: best-match Jaccard per farm, organic scores ==")
        print(jac.round(3).to_string())
    if args.part in ("all", "prevalence"):
        print("\n== Prevalence: 95% interval coverage over seeded repetitions ==")
        print(run_prevalence().round(3).to_string())
    if args.part in ("all", "scale"):
        print(f"\n== Scale: {args.scale_events} events, 2 shared cores ==")
        print(run_scale(args.scale_events, args.max_target_degree).round(3).to_string())


if __name__ == "__main__":
    main()
