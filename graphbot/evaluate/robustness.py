"""Robustness profile: the tested detectors and the ensemble on draws of the world family.

A detector tuned on one world is not a detector. The profile runs every tested
detector and the ensemble, with their defaults, on worlds drawn from
:func:`graphbot.synth.family_world` -- farm-free and with each kind of planted
farm -- and labels every row with whether its draw was used for tuning
(:data:`graphbot.synth.TUNING_DRAWS`) or only for reporting
(:data:`graphbot.synth.REPORT_DRAWS`). Each world is run twice: with the
posts' owners known (as a targets table gives them), and hidden (as an events
file without an owner column leaves them: accounts are still their users,
posts own nothing).

The farm-free rows measure false positives (every flag is one); the planted
rows F1 against the planted bots. Look-alike members are never hijacked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_int
from ..errors import InvalidParameterError
from ..graph import InteractionGraph, kind_code
from ._bench_output import markdown_table
from .metrics import detection_scores

__all__ = [
    "SCENARIOS", "ROBUST_DETECTORS", "robustness_profile", "robustness_summary", "hide_post_owners",
]  # fmt: skip

HOUR, DAY = 3600, 86_400
ROBUST_DETECTORS = ("copycatch", "synchrotrap", "burstlink", "coaction_community", "ensemble")


def _like(**kw: Any) -> Callable[..., Any]:
    def plant(graph: InteractionGraph, exclude: np.ndarray, rng: int) -> Any:
        from ..synth import inject_like_farm

        base = dict(n_bots=200, n_targets=100, window=6 * HOUR, camouflage="biased")
        return inject_like_farm(graph, **{**base, **kw}, exclude_users=exclude, rng=rng)

    return plant


def _staircase(graph: InteractionGraph, exclude: np.ndarray, rng: int) -> Any:
    from ..synth import inject_staircase_farm

    return inject_staircase_farm(graph, camouflage="biased", exclude_users=exclude, rng=rng)


def _followers(graph: InteractionGraph, exclude: np.ndarray, rng: int) -> Any:
    from ..synth import inject_follow_farm

    return inject_follow_farm(graph, n_bots=500, n_targets=25, camouflage="biased",
                              exclude_users=exclude, rng=rng)  # fmt: skip


def _session(graph: InteractionGraph, exclude: np.ndarray, rng: int) -> Any:
    from ..synth import inject_session_farm

    return inject_session_farm(graph, n_bots=40, n_targets=20, window=HOUR,
                               exclude_users=exclude, rng=rng)  # fmt: skip


#: Planted scenarios of the profile (``"none"``: the farm-free control).
SCENARIOS: dict[str, Callable[..., Any] | None] = {
    "none": None,
    "cheap_like_0.05": _like(density=0.05),
    "sparse_like_0.02": _like(density=0.02),
    "jitter_24h_0.1": _like(density=0.1, jitter=24 * HOUR),
    "dense_like_0.3": _like(density=0.3),
    "hijacked_0.05": _like(density=0.05, camouflage="hijacked"),
    "staircase": _staircase,
    "follower_farm": _followers,
    "session_40x20": _session,
}


def hide_post_owners(graph: InteractionGraph) -> InteractionGraph:
    """The graph as an events file without owners shows it: followed accounts are their users.

    Targets that received a follow keep their owner (a follow is user to user);
    every other target's owner becomes unknown.
    """
    if graph.target_owners is None:
        return graph
    followed = np.zeros(graph.n_targets, dtype=bool)
    followed[graph.targets[graph.kinds == kind_code("follow")]] = True
    owners = np.where(followed, graph.target_owners.astype(object), None)
    return graph.with_target_owners(owners)


def robustness_profile(
    draws: Iterable[int] | None = None,
    *,
    n_users: int = 20_000,
    scenarios: Sequence[str] | None = None,
    detectors: Sequence[str] = ROBUST_DETECTORS,
    owners: Sequence[str] = ("known", "hidden"),
    progress: bool = True,
    out_dir: str | Path | None = None,
) -> pd.DataFrame:
    """One row per draw x owners x scenario x detector: flags, false positives, F1, runtime.

    Parameters
    ----------
    draws : iterable of int, optional
        World-family draws (default: the tuning draws, then the report draws).
    n_users : int
        Users per world.
    scenarios : sequence of str, optional
        Names from :data:`SCENARIOS` (default all).
    detectors : sequence of str
        Registered detector names, run with their defaults and ``rng=0``.
    owners : sequence of {"known", "hidden"}
        Run each world with the posts' owners, without them, or both.
    progress : bool
        Show a tqdm bar over runs.
    out_dir : path, optional
        Write ``robustness_runs.csv`` and ``robustness_summary.md`` there.

    Examples
    --------
    >>> frame = robustness_profile([100], n_users=2000, scenarios=["none"],
    ...                            detectors=["burstlink"], owners=["known"], progress=False)
    >>> frame[["draw", "tuning", "scenario", "detector", "n_flagged"]].to_dict("records")
    [{'draw': 100, 'tuning': False, 'scenario': 'none', 'detector': 'burstlink', 'n_flagged': 0}]
    """
    from tqdm.auto import tqdm

    from ..detect import run_detector
    from ..synth import REPORT_DRAWS, TUNING_DRAWS, family_world

    draws = list(TUNING_DRAWS + REPORT_DRAWS if draws is None else draws)
    n_users = check_int("n_users", n_users, low=100)
    names = list(SCENARIOS if scenarios is None else scenarios)
    unknown = sorted(set(names) - set(SCENARIOS)) + sorted(set(owners) - {"known", "hidden"})
    if unknown:
        raise InvalidParameterError(
            f"unknown scenario or owners setting {unknown}; scenarios are {list(SCENARIOS)}, "
            "owners 'known' / 'hidden'"
        )
    bar = tqdm(total=len(draws) * len(names) * len(owners) * len(detectors),
               disable=not progress, desc="robustness", unit="run")  # fmt: skip
    rows = []
    for draw in draws:
        world, lookalikes = family_world(draw, n_users=n_users, return_lookalikes=True)
        organic = np.unique(np.concatenate([np.asarray(v) for v in lookalikes.values()]))
        for scenario in names:
            graph, truth = _planted(world, scenario, organic, draw)
            for setting in owners:
                used = graph if setting == "known" else hide_post_owners(graph)
                for detector in detectors:
                    rows.append(_run(run_detector, detector, used, truth, draw, scenario, setting,
                                     draw in TUNING_DRAWS))  # fmt: skip
                    bar.update()
    bar.close()
    frame = pd.DataFrame(rows)
    if out_dir is not None:
        _write(frame, Path(out_dir))
    return frame


def _planted(world: InteractionGraph, scenario: str, organic: np.ndarray, draw: int):
    plant = SCENARIOS[scenario]
    if plant is None:
        return world, None
    key = np.random.SeedSequence([draw, *scenario.encode()])  # stable across runs and machines
    return plant(world, organic, int(key.generate_state(1)[0]))


def _run(run_detector, detector, graph, truth, draw, scenario, owners, tuning) -> dict[str, Any]:
    started = time.perf_counter()
    result = run_detector(detector, graph, rng=0)
    row: dict[str, Any] = {
        "draw": draw, "tuning": tuning, "owners": owners, "scenario": scenario,
        "detector": detector, "n_users": graph.n_users, "n_events": graph.n_events,
        "n_flagged": len(result.flagged()), "seconds": round(time.perf_counter() - started, 2),
    }  # fmt: skip
    if truth is None:
        row.update(false_positives=row["n_flagged"], f1=np.nan, precision=np.nan, recall=np.nan)
        return row
    bots = truth.bot_mask(graph)
    scores = detection_scores(result, truth, graph)
    row.update(false_positives=int((~bots[result.flagged()]).sum()), f1=scores["f1"],
               precision=scores["precision"], recall=scores["recall"])  # fmt: skip
    return row


def _write(frame: pd.DataFrame, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out / "robustness_runs.csv", index=False)
    (out / "robustness_summary.md").write_text(robustness_summary(frame))


def robustness_summary(frame: pd.DataFrame) -> str:
    """Markdown tables: farm-free flags per draw, and F1 per scenario (tuning vs report draws)."""
    parts = ["# Robustness profile", ""]
    free = frame[frame["scenario"] == "none"]
    if len(free):
        table = free.pivot_table(index=["owners", "tuning", "draw"], columns="detector",
                                 values="n_flagged", aggfunc="max")  # fmt: skip
        parts += ["## Farm-free worlds: users flagged", "", markdown_table(table, digits=0), ""]
    planted = frame[frame["scenario"] != "none"]
    if len(planted):
        f1 = planted.pivot_table(index=["owners", "tuning", "scenario"], columns="detector",
                                 values="f1", aggfunc="min")  # fmt: skip
        parts += ["## Planted farms: worst F1 over the draws", "", markdown_table(f1, digits=2), ""]
    return "\n".join(parts)
