"""Assembling one farm: validated parameters, its events and truth, planting into a graph.

Shared by ``farms.py`` and ``variants.py``; the pieces (bots, targets, times, camouflage)
are in ``_planting.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_choice, check_fraction, check_int, check_number
from ..errors import InputTypeError
from ..graph import InteractionGraph, kind_code
from ..io import union
from ._planting import (
    appearance_times,
    camouflage_events,
    drip_times,
    events_graph,
    farm_edges,
    jittered_times,
    lockstep_times,
    pick_bots,
    pick_targets,
)
from ._time import HOUR
from .truth import FarmTruth, GroundTruth

CAMOUFLAGES = ("none", "random", "biased", "hijacked")


@dataclass(frozen=True)
class FarmSpec:
    """The validated parameters of one farm, as ``FarmTruth.params`` records them."""

    kind: str
    n_bots: int
    n_targets: int
    density: float
    window: float
    start: float | None
    span: float | None
    camouflage: str
    camouflage_amount: float
    jitter: float
    drip_feed: bool
    n_batches: int

    def params(self, seed: int, **extra: Any) -> dict[str, Any]:
        return {**asdict(self), "rng": seed, **extra}


def build_farm(
    gen: np.random.Generator,
    graph: InteractionGraph,
    appears: pd.Series | None,
    spec: FarmSpec,
    farm_id: str,
    bots: np.ndarray,
    farm_targets: np.ndarray,
    params: dict[str, Any],
    *,
    avoid: np.ndarray | None = None,
) -> FarmTruth:
    """One farm's events (lockstep, then camouflage) and its truth; camouflage avoids ``avoid``."""
    users, tgts = farm_edges(gen, len(bots), len(farm_targets), spec.density)
    frame = pd.DataFrame({"user": bots[users], "target": farm_targets[tgts], "camouflage": False})
    if appears is not None:
        frame["time"] = farm_times(gen, graph, appears, spec, farm_targets, tgts)
    if spec.camouflage in ("random", "biased") and spec.camouflage_amount > 0:
        n_camo = int(round(spec.camouflage_amount * len(frame)))
        camo = camouflage_events(
            gen,
            graph,
            appears,
            bots,
            farm_targets if avoid is None else avoid,
            n_camo,
            spec.camouflage == "biased",
            spec.kind,
        )
        frame = pd.concat([frame, camo], ignore_index=True)
    frame["kind"] = spec.kind
    return FarmTruth(farm_id, spec.kind, bots, farm_targets, frame, params)


def plant(
    gen: np.random.Generator,
    graph: InteractionGraph,
    farms: Sequence[FarmTruth],
    created: dict[Any, float],
    truth: GroundTruth,
) -> tuple[InteractionGraph, GroundTruth]:
    """The background with the farms' events added, and the truth with the farms appended."""
    frame = farms[0].events if len(farms) == 1 else pd.concat([f.events for f in farms])
    merged = union(graph, events_graph(graph, frame, created))
    for farm in farms:
        truth = truth.add(farm)
    # Random internal user order: planted ``bot:`` ids would otherwise sort first and
    # win every tie a detector breaks by index.
    return merged.reordered(gen.permutation(merged.n_users)), truth


def farm_times(
    gen: np.random.Generator,
    graph: InteractionGraph,
    appears: pd.Series,
    spec: FarmSpec,
    farm_targets: np.ndarray,
    targets: np.ndarray,
) -> np.ndarray:
    """Times of the farm events: lockstep windows or a drip feed, then the jitter."""
    if spec.drip_feed:
        times = drip_times(gen, graph, appears, farm_targets[targets], spec.start, spec.span)
    else:
        times = lockstep_times(
            gen, graph, appears, farm_targets, targets, spec.window, spec.start, spec.span
        )
    if spec.jitter > 0:
        times = jittered_times(gen, graph, appears, farm_targets[targets], times, spec.jitter)
    return times


def farm_spec(
    *,
    kind: str = "like",
    n_bots: int = 200,
    n_targets: int = 100,
    density: float = 0.1,
    window: float = 6 * HOUR,
    start: float | None = None,
    span: float | None = None,
    camouflage: str = "none",
    camouflage_amount: float = 1.0,
    jitter: float = 0.0,
    drip_feed: bool = False,
    n_batches: int = 4,
) -> FarmSpec:
    """Validate a farm's parameters once, naming the parameter that is wrong."""
    kind_code(kind)
    positive = "a positive number of seconds"
    if not isinstance(drip_feed, (bool, np.bool_)):
        raise InputTypeError(f"`drip_feed` must be True or False; got {drip_feed!r}")
    return FarmSpec(
        kind=kind,
        n_bots=check_int("n_bots", n_bots, low=1),
        n_targets=check_int("n_targets", n_targets, low=1),
        density=check_fraction("density", density),
        window=check_number("window", window, low=0.0, low_inclusive=False, what=positive),
        start=None if start is None else check_number("start", start, what="a time in seconds"),
        span=None
        if span is None
        else check_number("span", span, low=0.0, low_inclusive=False, what=positive),
        camouflage=check_choice("camouflage", camouflage, CAMOUFLAGES),
        camouflage_amount=check_number(
            "camouflage_amount", camouflage_amount, low=0.0, what="a non-negative number"
        ),
        jitter=check_number("jitter", jitter, low=0.0, what="a non-negative number of seconds"),
        drip_feed=bool(drip_feed),
        n_batches=check_int("n_batches", n_batches, low=1),
    )


def truth_and_id(truth: GroundTruth | None, farm_id: str | None) -> tuple[GroundTruth, str]:
    truth = truth if truth is not None else GroundTruth()
    return truth, farm_id or f"farm{len(truth.farms)}"


def taken_users(truth: GroundTruth, exclude_users: Any) -> np.ndarray:
    """Users a hijacked farm may not take: earlier bots and the excluded ids."""
    if exclude_users is None:
        return truth.bots
    return np.concatenate([truth.bots, np.asarray(exclude_users, dtype=object).ravel()])


def inject_one(
    generator: np.random.Generator,
    graph: InteractionGraph,
    spec: FarmSpec,
    targets: Any,
    exclude_users: Any,
    farm_id: str,
    truth: GroundTruth,
    params: dict[str, Any],
) -> tuple[InteractionGraph, GroundTruth]:
    bots, created = pick_bots(
        generator,
        graph,
        spec.n_bots,
        spec.camouflage,
        farm_id,
        spec.n_batches,
        spec.start,
        taken_users(truth, exclude_users),
    )
    farm_targets = pick_targets(generator, graph, spec.kind, spec.n_targets, targets)
    farm = build_farm(
        generator, graph, appearance_times(graph), spec, farm_id, bots, farm_targets, params
    )
    return plant(generator, graph, [farm], created, truth)
