"""HoloScope's rating-deviation signal (Liu, Hooi and Faloutsos, TKDE 2019).

Ratings are split into low / neutral / high thirds of the rating range; a
target deviates when the (low, high) histogram it gets from the suspicious
block differs from the one it gets from everyone else (see
:func:`graphbot.detect.spectral._shaving.rating_divergences`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ...errors import InvalidInputError
from ...graph import InteractionGraph
from ._shaving import rating_divergences

__all__ = [
    "RATING_LOW", "RATING_HIGH", "ratings_enabled", "event_slots", "rating_counts", "rating_totals",
    "rating_deviation", "seed_ratings", "seed_scale",
]  # fmt: skip

#: Fractions of the rating range below which a rating is low / from which it is high.
RATING_LOW, RATING_HIGH = 0.375, 0.75


def ratings_enabled(graph: InteractionGraph, use_ratings: str) -> bool:
    """Whether the rating-deviation signal runs; "yes" on a graph without weights is an error."""
    if use_ratings == "yes" and graph.weights is None:
        raise InvalidInputError(
            "holoscope(use_ratings='yes') needs ratings in `graph.weights`, but this graph "
            "has none; pass use_ratings='auto' or 'no'"
        )
    if use_ratings == "no" or graph.weights is None or graph.n_events == 0:
        return False
    # constant weights (e.g. all 1.0) carry no rating information
    return use_ratings == "yes" or bool(graph.weights.max() > graph.weights.min())


def event_slots(graph: InteractionGraph) -> np.ndarray:
    """Position in ``graph.csr.data`` of each event's (user, target) entry.

    ``np.bincount(event_slots(graph), weights=per_event, minlength=graph.csr.nnz)``
    sums a per-event value onto the CSR pattern (row-major keys are sorted).
    """
    counts = graph.csr
    keys = np.repeat(np.arange(graph.n_users, dtype=np.int64), np.diff(counts.indptr))
    keys = keys * graph.n_targets + counts.indices
    return np.searchsorted(keys, graph.users.astype(np.int64) * graph.n_targets + graph.targets)


def rating_counts(
    graph: InteractionGraph, slot: np.ndarray | None = None
) -> dict[str, sp.csr_matrix]:
    """Low, high and all ratings per user-target entry, on ``graph.csr``'s sparsity pattern.

    ``slot``: :func:`event_slots` of the graph, when the caller has it already.
    """
    slot = event_slots(graph) if slot is None else slot
    counts = graph.csr
    rating = graph.weights.astype(np.float64)
    low, high = rating.min(), rating.max()
    frac = (rating - low) / (high - low) if high > low else np.full(len(rating), 0.5)
    out = {}
    for name, flag in (
        ("low", frac < RATING_LOW),
        ("high", frac >= RATING_HIGH),
        ("n", np.ones(len(frac), dtype=bool)),
    ):
        matrix = counts.astype(np.float64)
        matrix.data = np.bincount(slot, weights=flag.astype(np.float64), minlength=counts.nnz)
        out[name] = matrix
    return out


def rating_totals(ratings: dict | None, n_targets: int) -> np.ndarray:
    """3 x n_targets: low, high and all ratings each target received (empty without ratings)."""
    if ratings is None:
        return np.zeros((3, 0))
    return np.vstack([np.asarray(ratings[k].sum(axis=0)).ravel() for k in ("low", "high", "n")])


def rating_deviation(ratings, users, r_u, r_scale) -> np.ndarray:
    """Rating-deviation ratio min(kappa(v) / kappa_max, 1) of every target for block ``users``."""
    r_a = [np.asarray(ratings[k][users].sum(axis=0)).ravel() for k in ("low", "high", "n")]
    kappa = rating_divergences(r_a[0], r_a[1], r_a[2], r_u[0], r_u[1], r_u[2])
    return np.minimum(kappa / r_scale, 1.0)


def seed_ratings(ratings, rows) -> np.ndarray:
    """Low, high and all ratings per entry of the seed rows (3 x nnz; (3, 0) without)."""
    if ratings is None:
        return np.zeros((3, 0))
    return np.vstack([ratings[key][rows].data for key in ("low", "high", "n")])


def seed_scale(ratings, rows, r_u) -> float:
    """Largest rating divergence kappa(v) given the whole seed set (1.0 without ratings).

    The reference code scales by the largest divergence of the starting set;
    we take the largest over every seed of the round, so that one scale holds
    for all their shavings and a tiny seed cannot blow its own deviations up.
    """
    if ratings is None:
        return 1.0
    r_a = [np.asarray(ratings[key][rows].sum(axis=0)).ravel() for key in ("low", "high", "n")]
    kappa = rating_divergences(r_a[0], r_a[1], r_a[2], r_u[0], r_u[1], r_u[2])
    top = float(kappa.max()) if len(kappa) else 0.0
    return top if top > 0 else 1.0
