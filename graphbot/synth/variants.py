"""Farm variants that hide the lockstep signature: one short session, a staircase.

Both are recorded in the ground truth like any farm, with their parameters and seed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_int, check_number
from .._rng import RNGLike, resolve_rng
from ..errors import InvalidParameterError
from ..graph import InteractionGraph
from ._farm_core import (
    FarmSpec,
    build_farm,
    farm_spec,
    inject_one,
    plant,
    taken_users,
    truth_and_id,
)
from ._planting import appearance_times, appeared, low_popularity_targets, pick_bots, pick_targets
from ._time import HOUR
from .truth import FarmTruth, GroundTruth

__all__ = ["inject_session_farm", "inject_staircase_farm"]


def inject_session_farm(
    graph: InteractionGraph,
    *,
    kind: str = "like",
    n_bots: int = 40,
    n_targets: int = 20,
    window: float = HOUR,
    density: float = 1.0,
    start: float | None = None,
    camouflage: str = "none",
    camouflage_amount: float = 1.0,
    n_batches: int = 4,
    exclude_users: Any = None,
    farm_id: str | None = None,
    truth: GroundTruth | None = None,
    rng: RNGLike = None,
) -> tuple[InteractionGraph, GroundTruth]:
    """One session: every bot acts on the same targets, all within one short ``window``.

    :func:`inject_farm` alone cannot say this: its ``window`` holds one target's events,
    and ``start`` with ``span=window`` would place events before targets that appear
    later. Here the session starts (uniformly, unless ``start`` is given) at a time
    when at least ``n_targets`` low-popularity targets already exist, and the targets
    are drawn among those, so every event lands in ``[session, session + window]`` and
    after its target appears.

    Parameters
    ----------
    graph : InteractionGraph
        Background with timestamps. Not modified.
    kind, n_bots, n_targets, density, camouflage, camouflage_amount, n_batches
        As in :func:`inject_farm` (here 40 bots x 20 targets at density 1 by default).
    window : float
        Seconds the whole session lasts.
    start : float, optional
        Start of the session; default: drawn.
    exclude_users, farm_id, truth, rng
        As in :func:`inject_farm`.

    Returns
    -------
    (InteractionGraph, GroundTruth)
        The farm's ``params`` hold ``variant="session"`` and ``start``.

    Examples
    --------
    >>> from graphbot.synth import instagram_world
    >>> world = instagram_world(600, rng=0)
    >>> g, truth = inject_session_farm(world, n_bots=20, n_targets=10, rng=2)
    >>> times = truth.farms[0].events["time"]
    >>> int(times.max() - times.min()) <= 3600, len(truth.farms[0].events)
    (True, 200)
    """
    graph.require_times("inject_session_farm")
    if start is not None:
        start = check_number("start", start, what="a time in seconds")
    spec = farm_spec(
        kind=kind,
        n_bots=n_bots,
        n_targets=n_targets,
        density=density,
        window=window,
        camouflage=camouflage,
        camouflage_amount=camouflage_amount,
        n_batches=n_batches,
    )
    truth, farm_id = truth_and_id(truth, farm_id)
    generator, seed = resolve_rng(rng)
    session, targets = _session_targets(generator, graph, spec, start)
    spec = replace(spec, start=session, span=spec.window)
    return inject_one(
        generator,
        graph,
        spec,
        targets,
        exclude_users,
        farm_id,
        truth,
        spec.params(seed, variant="session"),
    )


def inject_staircase_farm(
    graph: InteractionGraph,
    *,
    n_subfarms: int = 5,
    bots_per_subfarm: int = 40,
    targets_per_subfarm: int = 20,
    overlap: float = 0.5,
    exclude_users: Any = None,
    farm_id: str | None = None,
    truth: GroundTruth | None = None,
    rng: RNGLike = None,
    **farm_kwargs: Any,
) -> tuple[InteractionGraph, GroundTruth]:
    """Overlapping sub-farms: bot sets and target sets shifted like the steps of a staircase.

    Sub-farm ``i`` holds bots ``[i*s, i*s + bots_per_subfarm)`` and targets
    ``[i*t, i*t + targets_per_subfarm)`` of one pool, with steps ``s`` and ``t`` such
    that consecutive sub-farms share an ``overlap`` share of their bots and targets. No
    single block is dense, but the union is one operation. Each sub-farm is a farm of its
    own in the ground truth (``<farm_id>.<i>``); a (bot, target) pair that two sub-farms
    share carries one event, recorded in the earlier one.

    Parameters
    ----------
    graph : InteractionGraph
        Background (synthetic or real). Not modified.
    n_subfarms : int
        Number of steps.
    bots_per_subfarm, targets_per_subfarm : int
        Size of each step.
    overlap : float in [0, 1)
        Share of a step's bots (and targets) that the next step shares.
    exclude_users, farm_id, truth, rng
        As in :func:`inject_farm`; bots are ``bot:<farm_id>:<i>``.
    **farm_kwargs
        :func:`inject_farm`'s ``kind``, ``density``, ``window``, ``start``, ``span``,
        ``camouflage``, ``camouflage_amount``, ``jitter``, ``drip_feed``, ``n_batches``
        (same defaults), applied to every sub-farm.

    Returns
    -------
    (InteractionGraph, GroundTruth)
        One farm per step; each ``params`` holds ``variant="staircase"``, ``step``,
        ``overlap`` and the staircase's ``farm_id``.

    Examples
    --------
    >>> from graphbot.synth import instagram_world
    >>> world = instagram_world(1000, rng=0)
    >>> g, truth = inject_staircase_farm(world, n_subfarms=3, bots_per_subfarm=20,
    ...                                  targets_per_subfarm=10, density=0.5, rng=1)
    >>> [f.farm_id for f in truth.farms], truth.n_bots
    (['farm0.0', 'farm0.1', 'farm0.2'], 40)
    """
    n_subfarms = check_int("n_subfarms", n_subfarms, low=1)
    bots_per = check_int("bots_per_subfarm", bots_per_subfarm, low=1)
    targets_per = check_int("targets_per_subfarm", targets_per_subfarm, low=1)
    overlap = check_number(
        "overlap", overlap, low=0.0, high=1.0, high_inclusive=False, what="a fraction in [0, 1)"
    )
    bot_step, target_step = (max(1, round(n * (1 - overlap))) for n in (bots_per, targets_per))
    spec = farm_spec(
        n_bots=bots_per + (n_subfarms - 1) * bot_step,
        n_targets=targets_per + (n_subfarms - 1) * target_step,
        **farm_kwargs,
    )
    truth, farm_id = truth_and_id(truth, farm_id)
    generator, seed = resolve_rng(rng)
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
    # shuffled, so that steps are not runs of neighbouring ids (posts of one owner)
    pool = generator.permutation(pick_targets(generator, graph, spec.kind, spec.n_targets, None))
    appears = appearance_times(graph)
    step_spec = replace(spec, n_bots=bots_per, n_targets=targets_per)
    farms: list[FarmTruth] = []
    for step in range(n_subfarms):
        params = step_spec.params(
            seed,
            variant="staircase",
            staircase=farm_id,
            step=step,
            n_subfarms=n_subfarms,
            overlap=overlap,
        )
        farm = build_farm(
            generator,
            graph,
            appears,
            step_spec,
            f"{farm_id}.{step}",
            bots[step * bot_step :][:bots_per],
            pool[step * target_step :][:targets_per],
            params,
            avoid=pool,
        )
        farms.append(_without_pairs_of(farm, farms))
    return plant(generator, graph, farms, created, truth)


def _session_targets(
    gen: np.random.Generator, graph: InteractionGraph, spec: FarmSpec, start: float | None
) -> tuple[float, np.ndarray]:
    """A session start after ``n_targets`` low-popularity targets exist, and targets among them."""
    pool = low_popularity_targets(graph, spec.kind)
    if spec.n_targets > len(pool):
        raise InvalidParameterError(
            f"`n_targets` must be at most {len(pool)} (the low-popularity {spec.kind} targets "
            f"of this graph); got {spec.n_targets}"
        )
    since = appeared(appearance_times(graph), graph.target_ids[pool])
    earliest = float(np.sort(since)[spec.n_targets - 1])
    latest = float(graph.times.max()) - spec.window
    if start is None:
        if earliest > latest:
            raise InvalidParameterError(
                f"`window` must leave room for a session after {spec.n_targets} targets have "
                f"appeared (before {latest + spec.window:.0f}); got {spec.window}"
            )
        start = float(np.floor(earliest + gen.uniform() * (latest - earliest)))  # whole seconds
    elif start < earliest:
        raise InvalidParameterError(
            f"`start` must come after {spec.n_targets} low-popularity targets have appeared "
            f"(at {earliest:.0f}); got {start}"
        )
    visible = pool[since <= start]
    chosen = np.sort(gen.choice(visible, spec.n_targets, replace=False))
    return float(start), graph.target_ids[chosen].astype(object)


def _without_pairs_of(farm: FarmTruth, earlier: list[FarmTruth]) -> FarmTruth:
    """``farm`` without the (bot, target) pairs an earlier sub-farm already acted on."""
    if not earlier:
        return farm
    done = pd.concat([f.events[["user", "target"]] for f in earlier])
    pairs = pd.MultiIndex.from_frame(farm.events[["user", "target"]])
    fresh = ~pairs.isin(pd.MultiIndex.from_frame(done))
    return replace(farm, events=farm.events[fresh].reset_index(drop=True))
