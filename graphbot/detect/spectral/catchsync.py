"""CatchSync: synchronized and abnormal users in a target feature space.

Bots scripted to follow (or like) the same customers act on targets that look
alike: the customers share an unusual in-degree and authority, because the
same bots inflated them. CatchSync (Jiang et al., 2014) places every target in
a feature space (here: log in-degree x log HITS authority, cut into a grid)
and, for each user, measures

- *synchronicity*: the share of pairs of its targets that fall in the same
  grid cell (``sum_c n_c (n_c - 1) / (d (d - 1))`` for ``n_c`` of the user's
  ``d`` targets in cell c), and
- *normality*: the mean, over its targets, of the share of all targets that
  sit in the same cell (how ordinary the places it goes to are).

Honest users go to many, mostly populous cells; fake followers go to one rare
cell. In the synchronicity-normality plane they are outliers far above the
bulk. Decision rule (no tuning): synchronicity is compared with what a user of
the same degree would get by picking targets the way the crowd does (each
target in cell c with the cell's share of all edges); users more than three
null standard deviations above it are flagged. Standardizing by degree matters:
three targets in one cell is common, thirty is not. (The paper bins users by
normality and takes outliers per bin; on small graphs a farm fills its own
normality bin and masks itself, which the null model avoids.)
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from ..._checks import check_choice, check_int, check_number
from ..._rng import RNGLike, resolve_rng
from ...errors import InvalidParameterError
from ...graph import InteractionGraph
from ...result import DetectionResult, SuspiciousGroup
from .._groups import block_stats
from .._registry import check_graph, make_result, register_detector
from ._svd import members_first, truncated_svd

__all__ = ["catchsync"]

FEATURES = ("in_degree", "authority", "follower_degree")


@register_detector("catchsync", family="spectral", class_name="CatchSync", demo_params={"rng": 0})
def catchsync(
    graph: InteractionGraph,
    *,
    features: tuple[str, str] = ("in_degree", "authority"),
    n_cells: int = 16,
    min_degree: int = 5,
    threshold: float = 3.0,
    rng: RNGLike = None,
) -> DetectionResult:
    """CatchSync: flag users whose targets are synchronized and abnormal.

    Parameters
    ----------
    graph : InteractionGraph
    features : pair of {"in_degree", "authority", "follower_degree"}
        Target features spanning the grid: distinct users acting on the
        target, its HITS authority (top right singular vector of the
        biadjacency), the mean degree of the users acting on it.
    n_cells : int
        Grid cells per feature axis (log-spaced).
    min_degree : int
        Users with fewer distinct targets get synchronicity 0 and are never
        flagged (two targets in one cell say little).
    threshold : float
        Flag users whose synchronicity is more than ``threshold`` null
        standard deviations above the crowd's (the 3-sigma rule by default).
    rng : None, int or Generator
        Seeds ARPACK's start vector for the authority.

    Returns
    -------
    DetectionResult
        ``user_scores``: the synchronicity z-score against the null of a user
        who picks targets like the crowd (flagged users shifted first). Groups: flagged users
        split by the grid cell most of their targets fall in. ``evidence``:
        ``synchronicity``, ``normality``, ``target_features`` (n_targets x 2),
        ``target_cell``, ``cell_edges`` (per axis, in log10 units), ``features``,
        ``sync_zscore``, ``expected_synchronicity``.

    References
    ----------
    .. [1] M. Jiang, P. Cui, A. Beutel, C. Faloutsos, S. Yang. "CatchSync:
       Catching Synchronized Behavior in Large Directed Graphs." KDD 2014.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> u = np.repeat(np.arange(300), 6)
    >>> t = rng.zipf(1.5, size=1800) % 200
    >>> bots = np.repeat(np.arange(300, 330), 5)
    >>> g = InteractionGraph.from_events(np.r_[u, bots], np.r_[t, np.tile(np.arange(500, 505), 30)])
    >>> r = catchsync(g, rng=0)
    >>> bool(np.isin(np.arange(300, 330), r.user_ids[r.flagged()]).all())
    True
    """
    started = time.perf_counter()
    check_graph(graph, "catchsync")
    if not isinstance(features, (tuple, list)) or len(features) != 2:
        raise InvalidParameterError(
            f"`features` must be a pair of names from {FEATURES}; got {features!r}"
        )
    for name in features:
        check_choice("features", name, FEATURES)
    n_cells = check_int("n_cells", n_cells, low=2)
    min_degree = check_int("min_degree", min_degree, low=2)
    threshold = check_number("threshold", threshold, low=0.0, what="a non-negative number")
    generator, seed = resolve_rng(rng)

    matrix = graph.biadjacency(binary=True)
    degree, in_degree = graph.user_degrees(), graph.target_degrees()
    values = np.column_stack(
        [_feature(matrix, name, degree, in_degree, generator) for name in features]
    )
    active = in_degree > 0
    cell, edges = _grid_cells(values, active, n_cells)
    sync, norm, modal = _sync_normality(matrix, cell, active, min_degree)
    zscore, expected = _null_zscore(sync, degree, cell, in_degree, degree >= min_degree)
    flagged = zscore > threshold

    groups = _groups(graph, matrix, flagged, modal, cell, zscore, sync, norm)
    scores = members_first(zscore, [g.users for g in groups])
    params = {
        "features": tuple(features),
        "n_cells": n_cells,
        "min_degree": min_degree,
        "threshold": threshold,
        "rng": seed,
    }
    evidence = {
        "synchronicity": sync,
        "normality": norm,
        "target_features": values,
        "target_cell": cell,
        "cell_edges": edges,
        "features": tuple(features),
        "sync_zscore": zscore,
        "expected_synchronicity": expected,
    }
    return make_result(
        "catchsync",
        graph,
        scores,
        groups,
        params=params,
        started=started,
        meta={"n_flagged": int(flagged.sum())},
        evidence=evidence,
    )


def _feature(
    matrix: sp.csr_matrix,
    name: str,
    user_deg: np.ndarray,
    target_deg: np.ndarray,
    generator: np.random.Generator,
) -> np.ndarray:
    target_deg = target_deg.astype(np.float64)
    if name == "in_degree":
        return target_deg
    if name == "authority":
        _, _, vt = truncated_svd(matrix, 1, generator)
        return np.abs(vt[0]) if len(vt) else np.zeros(matrix.shape[1])
    # follower_degree: mean activity of the target's users
    total = matrix.T @ user_deg.astype(np.float64)
    return np.divide(total, target_deg, out=np.zeros_like(total), where=target_deg > 0)


def _grid_cells(
    values: np.ndarray, active: np.ndarray, n_cells: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Log-spaced grid over the active targets; inactive targets get cell -1."""
    cell = np.zeros(len(values), dtype=np.int64)
    edges = []
    for axis in range(values.shape[1]):
        x = values[:, axis]
        positive = x[active & (x > 0)]
        floor = positive.min() / 2 if len(positive) else 1.0
        logx = np.log10(np.maximum(x, floor))
        lo, hi = logx[active].min(initial=0.0), logx[active].max(initial=1.0)
        axis_edges = np.linspace(lo, hi + 1e-9, n_cells + 1)
        index = np.clip(np.searchsorted(axis_edges, logx, side="right") - 1, 0, n_cells - 1)
        cell = cell * n_cells + index
        edges.append(axis_edges)
    cell[~active] = -1
    return cell, edges


def _sync_normality(
    matrix: sp.csr_matrix, cell: np.ndarray, active: np.ndarray, min_degree: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-user synchronicity, normality and modal cell, via a sparse users x cells count matrix."""
    n_cells_total = int(cell.max()) + 1 if active.any() else 1
    population = np.bincount(cell[active], minlength=n_cells_total) / max(active.sum(), 1)
    edge_cell = cell[matrix.indices]
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    counts = sp.csr_matrix(
        (np.ones(len(rows)), (rows, edge_cell)), shape=(matrix.shape[0], n_cells_total)
    )
    counts.sum_duplicates()
    degree = np.diff(matrix.indptr).astype(np.float64)
    same_pairs = np.asarray(counts.multiply(counts).sum(axis=1)).ravel() - degree
    sync = np.divide(
        same_pairs, degree * (degree - 1), out=np.zeros_like(degree), where=degree >= min_degree
    )
    norm = np.divide(
        np.bincount(rows, population[edge_cell], minlength=matrix.shape[0]),
        degree,
        out=np.zeros_like(degree),
        where=degree > 0,
    )
    modal = np.full(matrix.shape[0], -1, dtype=np.int64)
    has = np.diff(counts.indptr) > 0
    modal[has] = counts.indices[counts.indptr[:-1][has] + _row_argmax(counts)[has]]
    return sync, norm, modal


def _row_argmax(counts: sp.csr_matrix) -> np.ndarray:
    """Position (within the row's stored entries) of each row's largest entry."""
    out = np.zeros(counts.shape[0], dtype=np.int64)
    lengths = np.diff(counts.indptr)
    if counts.nnz == 0:
        return out
    rows = np.repeat(np.arange(counts.shape[0]), lengths)
    order = np.lexsort((-counts.data, rows))  # per row, largest first
    first = counts.indptr[:-1][lengths > 0]
    out[lengths > 0] = order[first] - first
    return out


def _null_zscore(
    sync: np.ndarray,
    degree: np.ndarray,
    cell: np.ndarray,
    in_degree: np.ndarray,
    eligible: np.ndarray,
) -> tuple[np.ndarray, float]:
    """Synchronicity standardized against a user who picks targets the way the crowd does.

    Under the null, each of the user's ``d`` targets lands in cell c with the
    cell's share ``q_c`` of all edges, independently. Synchronicity is then a
    U-statistic with mean ``S2 = sum q_c^2`` and variance
    ``4 (d-2) / (d (d-1)) (S3 - S2^2) + 2 / (d (d-1)) (S2 - S2^2)``.
    """
    active = cell >= 0
    q = np.bincount(cell[active], weights=in_degree[active].astype(np.float64))
    q = q / q.sum() if q.sum() > 0 else q
    s2, s3 = float((q**2).sum()), float((q**3).sum())
    d = degree.astype(np.float64)
    pairs = np.where(eligible, d * (d - 1), 1.0)
    var = 4 * (d - 2) / pairs * max(s3 - s2**2, 0.0) + 2 / pairs * max(s2 - s2**2, 0.0)
    z = np.zeros(len(sync))
    ok = eligible & (var > 0)
    z[ok] = (sync[ok] - s2) / np.sqrt(var[ok])
    return z, s2


def _groups(
    graph: InteractionGraph,
    matrix: sp.csr_matrix,
    flagged: np.ndarray,
    modal: np.ndarray,
    cell: np.ndarray,
    zscore: np.ndarray,
    sync: np.ndarray,
    norm: np.ndarray,
) -> list[SuspiciousGroup]:
    """One group per grid cell the flagged users mostly act on; targets = their hits there."""
    groups = []
    users_all = np.flatnonzero(flagged)
    for c in np.unique(modal[users_all]):
        users = users_all[modal[users_all] == c]
        hits = np.asarray(matrix[users].sum(axis=0)).ravel()
        targets = np.flatnonzero((hits > 0) & (cell == c))
        stats = block_stats(graph, users, targets)
        stats.update(
            {
                "cell": int(c),
                "mean_synchronicity": float(sync[users].mean()),
                "mean_normality": float(norm[users].mean()),
            }
        )
        groups.append(SuspiciousGroup(users, targets, float(zscore[users].mean()), stats))
    return groups


CatchSync = catchsync.estimator  # type: ignore[attr-defined]
