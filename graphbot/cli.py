"""The ``graphbot`` command line: thin glue from files to detectors to reports.

Subcommands: ``demo`` (built-in world with planted farms, every detector),
``detect`` (one detector on an events file), ``bench`` (the benchmark grid)
and ``list`` (registered detectors).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._columns import file_header
from ._parsing import CREATED_COLUMNS, TIME_COLUMNS, time_column
from .errors import GraphbotError, GraphbotWarning

__all__ = ["main", "build_parser"]

_DEMO_EPILOG = """\
The demo world: an Instagram-like background of 4,000 users with viral posts,
fan clubs, binge-likers and follow-back circles, plus three planted farms:
a cheap like farm (150 bots, density 0.05, 6-hour windows, biased camouflage),
a dense like farm (100 bots x 40 posts, density 0.4, random camouflage) and a
fake-follower farm (100 bots on 10 accounts, hijacked camouflage).
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``graphbot`` command."""
    parser = argparse.ArgumentParser(
        prog="graphbot",
        description="Find coordinated inauthentic activity (bot farms, bought likes, fake "
        "followers) in user-target interaction graphs.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo", help="run every detector on a built-in world with planted farms",
        description="Build a synthetic Instagram-like world with planted bot farms, run every "
        "registered detector, print a table of how well each recovers the bots and write the "
        "results, a figure and an HTML report.", epilog=_DEMO_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--out", type=Path, default=Path("graphbot-out"),
                      help="directory for results.csv, results.json, figures and report "
                      "(default: ./graphbot-out)")
    demo.add_argument("--seed", type=int, default=0, help="random seed of world and detectors")
    demo.add_argument("--users", type=int, default=4000,
                      help="number of background users (default 4000)")
    demo.add_argument("--detectors", default=None,
                      help="comma-separated detector names (default: all registered)")

    detect = sub.add_parser(
        "detect", help="run one detector on an events file (CSV or Parquet)",
        description="Read events (one row per action: user, target and optionally time, kind, "
        "weight, owner) and optional targets and users tables (one row per target / user), "
        "run a detector and write per-user scores and groups.",
    )
    detect.add_argument("events", type=Path, help="events file, .csv or .parquet")
    detect.add_argument("--targets", type=Path, default=None, metavar="FILE",
                        help="targets table (.csv or .parquet), one row per target: its id, "
                        "owner account, created time and any other columns")
    detect.add_argument("--users", type=Path, default=None, metavar="FILE",
                        help="users table (.csv or .parquet), one row per user: its id, "
                        "account created time and any profile columns")
    detect.add_argument("--method", required=True,
                        help="registered detector name (see `graphbot list`)")
    detect.add_argument("--out", type=Path, default=Path("graphbot-out"),
                        help="output directory (default: ./graphbot-out)")
    detect.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="detector parameter, repeatable; VALUE is parsed as JSON when "
                        "possible (e.g. --param n_blocks=3 --param weighting='\"sqrt\"')")
    detect.add_argument("--seed", type=int, default=None, help="random seed (rng)")
    for col in ("user", "target"):
        detect.add_argument(f"--{col}-col", default=col,
                            help=f"events column holding the {col} id (default {col!r})")
    detect.add_argument("--time-col", default=None,
                        help="events column holding the time (default: the one of "
                        f"{', '.join(TIME_COLUMNS)} present)")
    for col in ("kind", "weight", "owner"):
        detect.add_argument(f"--{col}-col", default=None,
                            help=f"events column holding the {col} (default {col!r} if present)")
    for table in ("target", "user"):
        detect.add_argument(f"--{table}-key", default=table,
                            help=f"id column of the {table}s table (default {table!r})")
    detect.add_argument("--created-col", default=None,
                        help="created-time column of the tables (default: the one of "
                        f"{', '.join(CREATED_COLUMNS)} present)")
    detect.add_argument("--duplicates", choices=("keep", "drop", "error"), default="keep",
                        help="policy for exactly repeated events (default keep)")
    detect.add_argument("--report", action="store_true",
                        help="also write an HTML + JSON case file of the top groups")

    bench = sub.add_parser(
        "bench", help="run the benchmark grid (planted farms, real labels)",
        description="Run every registered detector over planted farms in synthetic and real "
        "backgrounds and on real labelled datasets; write CSV, markdown tables and figures.",
    )
    bench.add_argument("--quick", action="store_true", help="small grid (minutes; used in CI)")
    bench.add_argument("--out", type=Path, default=Path("bench-out"), help="output directory")
    bench.add_argument("--data-dir", type=Path, default=None,
                       help="real datasets folder (default: $GRAPHBOT_DATA)")
    bench.add_argument("--detectors", default=None, help="comma-separated detector names")
    bench.add_argument("--seeds", type=int, default=None,
                       help="number of seeds per grid cell (seeds 0..N-1; default per profile)")
    bench.add_argument("--jobs", type=int, default=1,
                       help="worker processes for the planted grid (results do not depend on it)")
    bench.add_argument("--no-anchors", action="store_true",
                       help="skip the reference implementations (rgmining-fraudar)")
    bench.add_argument("--no-progress", action="store_true", help="no progress bars")
    bench.add_argument("--robustness", action="store_true",
                       help="run the robustness profile instead: tested detectors and the "
                       "ensemble on draws of the world family, owners known and hidden")
    bench.add_argument("--draws", default=None,
                       help="comma-separated world-family draws for --robustness "
                       "(default: the tuning draws, then the report draws)")
    bench.add_argument("--users", type=int, default=20_000,
                       help="users per world for --robustness (default 20000)")

    sub.add_parser("list", help="list registered detectors")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``graphbot`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    handlers = {"demo": _demo, "detect": _detect, "bench": _bench, "list": _list}
    try:
        return handlers[args.command](args)
    except (GraphbotError, FileNotFoundError) as err:
        print(f"graphbot {args.command}: error: {err}", file=sys.stderr)
        return 2


def _list(args: argparse.Namespace) -> int:
    from .detect import available_detectors, get_detector

    for name in available_detectors():
        spec = get_detector(name)
        times = " (needs times)" if spec.needs_times else ""
        print(f"{name:<20} {spec.family:<12} {spec.summary}{times}")
    return 0


def _split_names(text: str | None) -> list[str] | None:
    return None if text is None else [n.strip() for n in text.split(",") if n.strip()]


def demo_world(n_users: int = 4000, seed: int = 0) -> tuple[Any, Any]:
    """The demo's world: background plus three planted farms (see ``graphbot demo --help``)."""
    from .synth import inject_farm, instagram_world

    world = instagram_world(n_users, rng=seed)
    graph, truth = inject_farm(world, kind="like", n_bots=150, n_targets=100, density=0.05,
                               camouflage="biased", farm_id="cheap_likes", rng=seed + 1)
    graph, truth = inject_farm(graph, kind="like", n_bots=100, n_targets=40, density=0.4,
                               camouflage="random", farm_id="dense_likes", truth=truth,
                               rng=seed + 2)
    graph, truth = inject_farm(graph, kind="follow", n_bots=100, n_targets=10, density=0.5,
                               camouflage="hijacked", farm_id="fake_followers", truth=truth,
                               rng=seed + 3)
    return graph, truth


def _demo(args: argparse.Namespace) -> int:
    from .detect import available_detectors, get_detector
    from .evaluate import detection_scores

    started = time.perf_counter()
    graph, truth = demo_world(args.users, args.seed)
    print(f"world: {graph!r}; planted {truth.n_bots} bots in {len(truth.farms)} farms "
          f"({', '.join(f.farm_id for f in truth.farms)})", flush=True)
    names = _split_names(args.detectors) or available_detectors()
    farm_masks = {f"recall_{f.farm_id}": m for f, m in zip(truth.farms, truth.farm_masks(graph))}
    rows, results = [], {}
    for name in names:
        spec = get_detector(name)
        result = spec.function(graph, **{**spec.demo_params, "rng": args.seed})
        results[name] = result
        s = detection_scores(result, truth, graph)
        flagged = result.flagged()
        rows.append({"detector": name, "family": spec.family, "flagged": int(s["n_flagged"]),
                     "precision": s["precision"], "recall": s["recall"], "f1": s["f1"],
                     "roc_auc": s["roc_auc"], "fp_rate": s["fp_rate"],
                     **{col: float(m[flagged].sum() / m.sum()) for col, m in farm_masks.items()},
                     "seconds": result.meta["runtime_s"]})
        print(f"  {name:<20} done in {result.meta['runtime_s']:.1f} s", flush=True)
    table = pd.DataFrame(rows)
    shown = table[["detector", "flagged", "precision", "recall", "f1", *farm_masks, "seconds"]]
    print("\nprecision / recall / F1 over all planted bots; recall_<farm> per farm:")
    print(shown.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    _write_demo_outputs(args.out, graph, truth, table, results)
    print(f"\nwrote results to {args.out}/ in {time.perf_counter() - started:.1f} s total")
    return 0


def _write_demo_outputs(out: Path, graph: Any, truth: Any, table: pd.DataFrame,
                        results: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "results.csv", index=False)
    payload = {name: _result_json(r) for name, r in results.items()}
    (out / "results.json").write_text(json.dumps(payload, indent=1, default=_json_default))
    best = table.sort_values("f1", ascending=False)["detector"].iloc[0]
    _write_figure(out / "scores.png", graph, truth, results)
    _write_report(out, graph, results, truth, best)


def _result_json(result: Any, top_groups: int = 20) -> dict[str, Any]:
    return {
        "method": result.method,
        "params": dict(result.params),
        "runtime_s": result.meta.get("runtime_s"),
        "flagged_users": result.user_ids[result.flagged()].tolist(),
        "groups": [
            {"users": result.user_ids[g.users].tolist(),
             "targets": result.target_ids[g.targets].tolist(),
             "score": g.score, "stats": dict(g.stats)}
            for g in result.groups[:top_groups]
        ],
    }


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def _write_figure(path: Path, graph: Any, truth: Any, results: dict[str, Any]) -> None:
    """Score distributions per detector, planted bots against everyone else."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from .plot import plot_score_distributions

    fig, ax = plt.subplots(figsize=(8, 0.5 * len(results) + 2))
    plot_score_distributions(results, truth=truth.bot_mask(graph), ax=ax)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _write_report(out: Path, graph: Any, results: dict[str, Any], truth: Any, best: str) -> None:
    from .report import write_report

    path = write_report(graph, results[best], out, truth=truth, compare=results)
    print(f"case file of the best detector ({best}): {path}")


def _parse_params(items: list[str]) -> dict[str, Any]:
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise GraphbotError(f"--param must look like KEY=VALUE; got {item!r}")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def _read_detect_input(args: argparse.Namespace) -> Any:
    """The graph of ``graphbot detect``; stderr says where its times come from, what is missing."""
    from .io import read_events

    named = {"time": args.time_col, "kind": args.kind_col, "weight": args.weight_col,
             "owner": args.owner_col, "created": args.created_col}  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GraphbotWarning)
        graph = read_events(
            args.events, targets=args.targets, users=args.users, user=args.user_col,
            target=args.target_col, target_key=args.target_key, user_key=args.user_key,
            duplicates=args.duplicates, **{k: v for k, v in named.items() if v is not None},
        )  # fmt: skip
    if graph.has_times:
        used = args.time_col or time_column(file_header(args.events))
        print(f"graphbot detect: event times from column {used!r}", file=sys.stderr)
    for warning in caught:
        print(f"graphbot detect: warning: {warning.message}", file=sys.stderr)
    return graph


def _detect(args: argparse.Namespace) -> int:
    from .detect import get_detector

    spec = get_detector(args.method)
    graph = _read_detect_input(args)
    params = _parse_params(args.param)
    if args.seed is not None:
        params["rng"] = args.seed
    try:
        result = spec.function(graph, **params)
    except TypeError as err:
        raise GraphbotError(f"bad --param for {args.method}: {err}") from None
    args.out.mkdir(parents=True, exist_ok=True)
    result.to_frame().to_csv(args.out / "scores.csv")
    result.groups_frame().to_csv(args.out / "groups.csv")
    (args.out / "result.json").write_text(
        json.dumps(_result_json(result), indent=1, default=_json_default))
    print(f"{graph!r}\n{result!r}")
    print(f"wrote scores.csv, groups.csv, result.json to {args.out}/")
    if args.report:
        from .report import write_report

        print(f"report: {write_report(graph, result, args.out)}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    """``graphbot bench``: run the grid, then draw its figures from the files it wrote.

    Reads ``quick`` (bool), ``out`` (path), ``data_dir``, ``detectors``
    (comma-separated str or list), ``seeds`` (a count, comma-separated str or
    list of int), ``jobs`` (int), ``no_anchors`` and ``no_progress`` (bool);
    missing attributes take their defaults, so any namespace-like object works.
    """
    from .evaluate import run_benchmark
    from .report import write_benchmark_figures

    if getattr(args, "robustness", False):
        return _robustness(args)
    detectors = getattr(args, "detectors", None)
    if isinstance(detectors, str):
        detectors = _split_names(detectors)
    seeds = getattr(args, "seeds", None)
    if isinstance(seeds, str):
        seeds = [int(s) for s in seeds.split(",") if s.strip()]
    profile = "quick" if getattr(args, "quick", False) else getattr(args, "profile", None) or "full"
    out = Path(getattr(args, "out", None) or f"graphbot-bench-{profile}")
    frame = run_benchmark(
        profile, out, getattr(args, "data_dir", None), detectors, seeds,
        progress=not getattr(args, "no_progress", False),
        anchors=not getattr(args, "no_anchors", False), n_jobs=int(getattr(args, "jobs", 1) or 1),
    )  # fmt: skip
    figures = write_benchmark_figures(out)
    errors = frame[frame["status"] == "error"]
    print(f"{len(frame)} runs, {len(errors)} errors, {len(figures)} figures; "
          f"results in {out.resolve()}")  # fmt: skip
    return 0


def _robustness(args: argparse.Namespace) -> int:
    """``graphbot bench --robustness``: the profile over world-family draws."""
    from .evaluate.robustness import ROBUST_DETECTORS, robustness_profile

    draws = getattr(args, "draws", None)
    detectors = getattr(args, "detectors", None)
    out = Path(getattr(args, "out", None) or "graphbot-robustness")
    frame = robustness_profile(
        None if draws is None else [int(d) for d in draws.split(",") if d.strip()],
        n_users=int(getattr(args, "users", 20_000)),
        detectors=ROBUST_DETECTORS if detectors is None else _split_names(detectors),
        progress=not getattr(args, "no_progress", False), out_dir=out,
    )  # fmt: skip
    print(f"{len(frame)} runs; results in {out.resolve()}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
