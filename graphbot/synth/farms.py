"""Plant bot farms into a graph (synthetic or real) and return the ground truth.

A farm is a set of bot accounts that act on a set of customer targets: each bot
hits each target with probability ``density``, and all of a target's farm
events land inside ``window`` seconds of that target's own start time (the
lockstep signature CopyCatch and SynchroTrap look for). Camouflage adds
innocent-looking events of the bots on other targets, chosen uniformly
(``random``) or by popularity (``biased``); ``hijacked`` farms use existing
background users as bots, whose real history is their camouflage.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_choice, check_fraction, check_int, check_number
from .._rng import RNGLike, resolve_rng
from ..errors import InvalidParameterError
from ..graph import InteractionGraph, kind_code
from ..io import from_events, union
from ._time import DAY, HOUR
from .truth import FarmTruth, GroundTruth

__all__ = [
    "CAMOUFLAGES",
    "inject_farm",
    "inject_like_farm",
    "inject_follow_farm",
    "inject_comment_farm",
]

CAMOUFLAGES = ("none", "random", "biased", "hijacked")


def inject_farm(
    graph: InteractionGraph,
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
    targets: Any = None,
    n_batches: int = 4,
    farm_id: str | None = None,
    truth: GroundTruth | None = None,
    rng: RNGLike = None,
) -> tuple[InteractionGraph, GroundTruth]:
    """Plant one farm of bots acting on customer targets in lockstep.

    Parameters
    ----------
    graph : InteractionGraph
        Background graph (synthetic or real). Not modified.
    kind : str
        Kind of the farm's events (``"like"``, ``"follow"``, ``"comment"``, or
        ``"rate"`` to blend into MovieLens).
    n_bots, n_targets : int
        Farm size. Targets are drawn from the less popular half of the existing
        targets of this kind unless ``targets`` names them.
    density : float in (0, 1]
        Probability that a bot hits a given farm target; every bot hits >= 1.
    window : float
        Seconds within which all farm events on one target land.
    start, span : float, optional
        Target windows start uniformly in ``[start, start + span - window]``;
        default: the background's whole time range. A window never opens
        before the target's first event in ``graph`` (a post cannot be liked
        before it appears), and camouflage events come after their target's
        first event too.
    camouflage : {"none", "random", "biased", "hijacked"}
    camouflage_amount : float
        Camouflage events per farm event (``random`` / ``biased``).
    targets : array-like, optional
        External ids of the customer targets (may be new ids).
    n_batches : int
        New bot accounts are created in this many one-hour batches.
    farm_id : str, optional
        Name of the farm (default ``farm<k>``); bots are ``bot:<farm_id>:<i>``.
    truth : GroundTruth, optional
        Truth of farms planted earlier; the new farm is appended to it.
    rng : None, int or Generator

    Returns
    -------
    (InteractionGraph, GroundTruth)

    Examples
    --------
    >>> from graphbot.synth import instagram_world
    >>> world = instagram_world(400, rng=0)
    >>> g, truth = inject_farm(world, n_bots=30, n_targets=10, density=0.5, rng=1)
    >>> g.n_users - world.n_users, int(truth.bot_mask(g).sum())
    (30, 30)
    """
    kind_code(kind)
    n_bots = check_int("n_bots", n_bots, low=1)
    n_targets = check_int("n_targets", n_targets, low=1)
    density = check_fraction("density", density)
    window = check_number(
        "window", window, low=0.0, low_inclusive=False, what="a positive number of seconds"
    )
    check_choice("camouflage", camouflage, CAMOUFLAGES)
    camouflage_amount = check_number(
        "camouflage_amount", camouflage_amount, low=0.0, what="a non-negative number"
    )
    n_batches = check_int("n_batches", n_batches, low=1)
    truth = truth if truth is not None else GroundTruth()
    farm_id = farm_id or f"farm{len(truth.farms)}"
    generator, seed = resolve_rng(rng)

    bots, created = _pick_bots(
        generator, graph, n_bots, camouflage, farm_id, n_batches, start, truth.bots
    )
    farm_targets = _pick_targets(generator, graph, kind, n_targets, targets)
    users, tgts = _farm_edges(generator, n_bots, len(farm_targets), density)
    appears = _appearance_times(graph)
    times = _farm_times(generator, graph, appears, farm_targets, tgts, window, start, span)
    frame = pd.DataFrame({"user": bots[users], "target": farm_targets[tgts], "camouflage": False})
    if times is not None:
        frame["time"] = times
    if camouflage in ("random", "biased") and camouflage_amount > 0:
        n_camo = int(round(camouflage_amount * len(frame)))
        frame = pd.concat(
            [
                frame,
                _camouflage(
                    generator, graph, appears, bots, farm_targets, n_camo,
                    camouflage == "biased", kind,
                ),  # fmt: skip
            ],
            ignore_index=True,
        )
    frame["kind"] = kind
    planted = _events_graph(graph, frame, created)
    params = {
        "kind": kind,
        "n_bots": n_bots,
        "n_targets": n_targets,
        "density": density,
        "window": window,
        "camouflage": camouflage,
        "camouflage_amount": camouflage_amount,
        "rng": seed,
    }
    farm = FarmTruth(farm_id, kind, bots, farm_targets, frame, params)
    merged = union(graph, planted)
    # Random internal user order: planted ``bot:`` ids would otherwise sort first and
    # win every tie a detector breaks by index.
    return merged.reordered(generator.permutation(merged.n_users)), truth.add(farm)


def inject_like_farm(
    graph: InteractionGraph, **kwargs: Any
) -> tuple[InteractionGraph, GroundTruth]:
    """Like farm: bots like a customer's posts in lockstep (see :func:`inject_farm`)."""
    return inject_farm(graph, kind="like", **kwargs)


def inject_comment_farm(
    graph: InteractionGraph, **kwargs: Any
) -> tuple[InteractionGraph, GroundTruth]:
    """Comment farm: bots comment on a customer's posts in lockstep (see :func:`inject_farm`)."""
    return inject_farm(graph, kind="comment", **kwargs)


def inject_follow_farm(
    graph: InteractionGraph, *, n_targets: int = 10, density: float = 0.5, **kwargs: Any
) -> tuple[InteractionGraph, GroundTruth]:
    """Fake-follower farm: bots follow customer accounts (see :func:`inject_farm`).

    Defaults: 10 customer accounts, each bot follows half of them.
    """
    return inject_farm(graph, kind="follow", n_targets=n_targets, density=density, **kwargs)


def _pick_bots(
    gen: np.random.Generator,
    graph: InteractionGraph,
    n_bots: int,
    camouflage: str,
    farm_id: str,
    n_batches: int,
    start: float | None,
    taken: np.ndarray,
) -> tuple[np.ndarray, dict[Any, float]]:
    if camouflage == "hijacked":  # honest active users, not bots of earlier farms
        active = np.flatnonzero((graph.user_degrees() > 0) & ~pd.Index(graph.user_ids).isin(taken))
        if n_bots > len(active):
            raise InvalidParameterError(
                f"`n_bots` must be at most the {len(active)} active users to hijack; got {n_bots}"
            )
        return graph.user_ids[np.sort(gen.choice(active, n_bots, replace=False))].astype(object), {}
    bots = np.array([f"bot:{farm_id}:{i:04d}" for i in range(n_bots)], dtype=object)
    clash = pd.Index(graph.user_ids).isin(bots)
    if clash.any():
        raise InvalidParameterError(f"farm {farm_id!r} is already planted; pass another `farm_id`")
    first = float(
        start if start is not None else (graph.times.min() if graph.times is not None else 0)
    )
    batch_at = first - gen.uniform(1, 60, n_batches) * DAY
    batch = gen.integers(0, n_batches, n_bots)
    created = batch_at[batch] + gen.uniform(0, HOUR, n_bots)
    return bots, dict(zip(bots.tolist(), created.tolist()))


def _pick_targets(
    gen: np.random.Generator, graph: InteractionGraph, kind: str, n_targets: int, targets: Any
) -> np.ndarray:
    if targets is not None:
        chosen = np.asarray(targets, dtype=object).ravel()
        if len(chosen) != n_targets:
            raise InvalidParameterError(
                f"`targets` must name `n_targets`={n_targets} targets; got {len(chosen)}"
            )
        return chosen
    of_kind = graph.kinds == kind_code(kind)
    pool_events = graph.targets[of_kind] if of_kind.any() else graph.targets
    degree = np.bincount(pool_events, minlength=graph.n_targets)
    pool = np.flatnonzero(degree > 0)
    low = pool[degree[pool] <= np.median(degree[pool])]
    if n_targets > len(low):
        raise InvalidParameterError(
            f"`n_targets` must be at most {len(low)} (the low-popularity {kind} targets of this "
            f"graph); got {n_targets}"
        )
    return graph.target_ids[np.sort(gen.choice(low, n_targets, replace=False))].astype(object)


def _farm_edges(
    gen: np.random.Generator, n_bots: int, n_targets: int, density: float
) -> tuple[np.ndarray, np.ndarray]:
    hit = gen.random((n_bots, n_targets)) < density
    idle = ~hit.any(axis=1)
    hit[np.flatnonzero(idle), gen.integers(0, n_targets, idle.sum())] = True
    users, targets = np.nonzero(hit)
    return users, targets


def _farm_times(
    gen: np.random.Generator,
    graph: InteractionGraph,
    appears: pd.Series | None,
    farm_targets: np.ndarray,
    targets: np.ndarray,
    window: float,
    start: float | None,
    span: float | None,
) -> np.ndarray | None:
    if appears is None:
        return None
    first = float(start if start is not None else graph.times.min())
    length = float(span if span is not None else graph.times.max() - first)
    last_open = first + max(length - window, 0.0)
    earliest = np.clip(np.maximum(first, _appeared(appears, farm_targets)), None, last_open)
    opens = earliest + gen.uniform(0.0, 1.0, len(farm_targets)) * (last_open - earliest)
    return (opens[targets] + gen.uniform(0, window, len(targets))).astype(np.int64)


def _appearance_times(graph: InteractionGraph) -> pd.Series | None:
    """Time of each target's first event, by external id (None without timestamps)."""
    if graph.times is None:
        return None
    first = pd.Series(graph.times).groupby(graph.targets).min()
    return pd.Series(first.to_numpy(dtype=np.float64), index=graph.target_ids[first.index])


def _appeared(appears: pd.Series, target_ids: np.ndarray) -> np.ndarray:
    """First-event times of ``target_ids`` (-inf for targets new to the graph)."""
    return appears.reindex(target_ids).fillna(-np.inf).to_numpy()


def _camouflage(
    gen: np.random.Generator,
    graph: InteractionGraph,
    appears: pd.Series | None,
    bots: np.ndarray,
    farm_targets: np.ndarray,
    n_events: int,
    biased: bool,
    kind: str,
) -> pd.DataFrame:
    """Events of the bots on other targets: uniform or popularity-weighted."""
    others = ~pd.Index(graph.target_ids).isin(farm_targets)
    same_kind = np.zeros(graph.n_targets, dtype=bool)
    same_kind[graph.targets[graph.kinds == kind_code(kind)]] = True
    if (others & same_kind).any():  # likes go to posts, follows to accounts
        others &= same_kind
    others = np.flatnonzero(others)
    weight = graph.target_degrees()[others].astype(np.float64) if biased else None
    if weight is not None:
        weight = weight / weight.sum()
    # Draw in rounds so repeated (bot, target) pairs do not shrink the amount asked for.
    pairs = pd.DataFrame({"user": [], "target": []}, dtype=np.int64)
    for _ in range(8):
        missing = n_events - len(pairs)
        if missing <= 0:
            break
        draw = pd.DataFrame(
            {
                "user": gen.integers(0, len(bots), 2 * missing),
                "target": gen.choice(others, 2 * missing, p=weight),
            }
        )
        pairs = pd.concat([pairs, draw]).drop_duplicates().iloc[:n_events]
    frame = pd.DataFrame(
        {
            "user": bots[pairs["user"].to_numpy()],
            "target": graph.target_ids[pairs["target"].to_numpy()],
            "camouflage": True,
        }
    )
    if appears is not None:
        since = _appeared(appears, frame["target"].to_numpy())
        end = float(graph.times.max())
        frame["time"] = (since + gen.uniform(0.0, 1.0, len(frame)) * (end - since)).astype(np.int64)
    return frame


def _events_graph(
    graph: InteractionGraph, frame: pd.DataFrame, created: dict[Any, float]
) -> InteractionGraph:
    owners = None
    if graph.target_owners is not None:
        known = pd.Series(graph.target_owners, index=graph.target_ids)
        owners = frame["target"].map(known).fillna(frame["target"]).to_numpy()
    weights = None
    if graph.weights is not None:  # ratings: bots give the top rating seen in the data
        weights = np.full(len(frame), float(graph.weights.max()))
    return from_events(
        frame["user"].to_numpy(),
        frame["target"].to_numpy(),
        times=frame["time"].to_numpy() if "time" in frame else None,
        kinds=frame["kind"].to_numpy(),
        weights=weights,
        owners=owners,
        user_created=created or None,
    )
