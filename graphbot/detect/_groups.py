"""Statistics describing a suspicious group, shared by all detectors."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..graph import InteractionGraph

__all__ = ["block_stats"]


def block_stats(graph: InteractionGraph, users: np.ndarray, targets: np.ndarray) -> dict[str, Any]:
    """Size, edge count, density and (with times) time span of a user x target block.

    ``density`` is the fraction of user-target pairs of the block with at least
    one event; ``time_span`` is the seconds between the first and last event
    inside the block; ``median_target_spread`` is the median, over targets, of
    the seconds spanned by the block's events on that target (small = lockstep).

    Examples
    --------
    >>> g = InteractionGraph.from_events([0, 0, 1, 1], [0, 1, 0, 1], times=[0, 10, 5, 600])
    >>> s = block_stats(g, np.array([0, 1]), np.array([0, 1]))
    >>> s["density"], s["time_span"], s["median_target_spread"]
    (1.0, 600.0, 297.5)
    """
    users = np.asarray(users, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    sub = graph.csr[users][:, targets]
    n_pairs = len(users) * len(targets)
    stats: dict[str, Any] = {
        "n_users": len(users),
        "n_targets": len(targets),
        "n_edges": int(sub.nnz),
        "density": float(sub.nnz / n_pairs) if n_pairs else 0.0,
    }
    if graph.times is not None and n_pairs:
        in_u = np.zeros(graph.n_users, dtype=bool)
        in_u[users] = True
        in_t = np.zeros(graph.n_targets, dtype=bool)
        in_t[targets] = True
        mask = in_u[graph.users] & in_t[graph.targets]
        times = graph.times[mask]
        if len(times):
            stats["time_span"] = float(times.max() - times.min())
            order = np.argsort(graph.targets[mask], kind="stable")
            tgt, tms = graph.targets[mask][order], times[order]
            bounds = np.flatnonzero(np.diff(tgt)) + 1
            spreads = [float(c.max() - c.min()) for c in np.split(tms, bounds)]
            stats["median_target_spread"] = float(np.median(spreads))
    return stats
