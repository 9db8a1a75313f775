"""The pieces farms are planted from: bots, customer targets, edges, times, camouflage.

Private to the farm modules. Every function draws from the generator it is given, in the
order the public functions call them, so a seed regenerates the same farm.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InvalidParameterError
from ..graph import InteractionGraph, kind_code
from ..io import from_events
from ._time import DAY, HOUR


def pick_bots(
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
    if graph.times is None and start is None:
        # No clock to date the accounts by. The draws above still happen, so the rest of
        # the farm is the same as it always was.
        return bots, {}
    return bots, dict(zip(bots.tolist(), created.tolist()))


def pick_targets(
    gen: np.random.Generator, graph: InteractionGraph, kind: str, n_targets: int, targets: Any
) -> np.ndarray:
    if targets is not None:
        chosen = np.asarray(targets, dtype=object).ravel()
        if len(chosen) != n_targets:
            raise InvalidParameterError(
                f"`targets` must name `n_targets`={n_targets} targets; got {len(chosen)}"
            )
        return chosen
    low = low_popularity_targets(graph, kind)
    if n_targets > len(low):
        raise InvalidParameterError(
            f"`n_targets` must be at most {len(low)} (the low-popularity {kind} targets of this "
            f"graph); got {n_targets}"
        )
    return graph.target_ids[np.sort(gen.choice(low, n_targets, replace=False))].astype(object)


def low_popularity_targets(graph: InteractionGraph, kind: str) -> np.ndarray:
    """Indices of the targets of ``kind`` at or below the median popularity of that kind."""
    of_kind = graph.kinds == kind_code(kind)
    pool_events = graph.targets[of_kind] if of_kind.any() else graph.targets
    degree = np.bincount(pool_events, minlength=graph.n_targets)
    pool = np.flatnonzero(degree > 0)
    return pool[degree[pool] <= np.median(degree[pool])]


def farm_edges(
    gen: np.random.Generator, n_bots: int, n_targets: int, density: float
) -> tuple[np.ndarray, np.ndarray]:
    hit = gen.random((n_bots, n_targets)) < density
    idle = ~hit.any(axis=1)
    hit[np.flatnonzero(idle), gen.integers(0, n_targets, idle.sum())] = True
    users, targets = np.nonzero(hit)
    return users, targets


def lockstep_times(
    gen: np.random.Generator,
    graph: InteractionGraph,
    appears: pd.Series,
    farm_targets: np.ndarray,
    targets: np.ndarray,
    window: float,
    start: float | None,
    span: float | None,
) -> np.ndarray:
    """Each target's events inside ``window`` seconds of its own opening time."""
    first = float(start if start is not None else graph.times.min())
    length = float(span if span is not None else graph.times.max() - first)
    last_open = first + max(length - window, 0.0)
    earliest = np.clip(np.maximum(first, appeared(appears, farm_targets)), None, last_open)
    opens = earliest + gen.uniform(0.0, 1.0, len(farm_targets)) * (last_open - earliest)
    return (opens[targets] + gen.uniform(0, window, len(targets))).astype(np.int64)


def drip_times(
    gen: np.random.Generator,
    graph: InteractionGraph,
    appears: pd.Series,
    target_ids: np.ndarray,
    start: float | None,
    span: float | None,
) -> np.ndarray:
    """Each event uniform over the span, from the later of its start and its target's appearance.

    A target that appears after the span ends gets its events at its appearance: never earlier.
    """
    first = float(start if start is not None else graph.times.min())
    last = first + float(span if span is not None else graph.times.max() - first)
    since = np.maximum(first, appeared(appears, target_ids))
    until = np.maximum(last, since)
    return (since + gen.uniform(0.0, 1.0, len(target_ids)) * (until - since)).astype(np.int64)


def jittered_times(
    gen: np.random.Generator,
    graph: InteractionGraph,
    appears: pd.Series,
    target_ids: np.ndarray,
    times: np.ndarray,
    jitter: float,
) -> np.ndarray:
    """``times`` moved by up to ``jitter`` seconds either way, uniformly over the allowed part.

    The offset is drawn inside what keeps an event after its target's appearance and inside
    the background's time range, so nothing piles up at a boundary.
    """
    floor = np.maximum(float(graph.times.min()), appeared(appears, target_ids))
    end = float(graph.times.max())
    low = np.maximum(-jitter, floor - times)
    high = np.minimum(jitter, end - times)
    low = np.minimum(low, high)
    moved = times + low + gen.uniform(0.0, 1.0, len(times)) * (high - low)
    return np.clip(moved, floor, end).astype(np.int64)


def appearance_times(graph: InteractionGraph) -> pd.Series | None:
    """Time of each target's first event, by external id (None without timestamps)."""
    if graph.times is None:
        return None
    first = pd.Series(graph.times).groupby(graph.targets).min()
    return pd.Series(first.to_numpy(dtype=np.float64), index=graph.target_ids[first.index])


def appeared(appears: pd.Series, target_ids: np.ndarray) -> np.ndarray:
    """First-event times of ``target_ids`` (-inf for targets new to the graph)."""
    return appears.reindex(target_ids).fillna(-np.inf).to_numpy()


def camouflage_events(
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
        since = appeared(appears, frame["target"].to_numpy())
        end = float(graph.times.max())
        frame["time"] = (since + gen.uniform(0.0, 1.0, len(frame)) * (end - since)).astype(np.int64)
    return frame


def events_graph(
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
