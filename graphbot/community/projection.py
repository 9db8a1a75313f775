"""User-user co-action projection of an interaction graph.

Two users co-act on a target when both acted on it; with a time ``window`` only
when some event of one is within ``window`` seconds of some event of the other.
The projection is the sparse matrix of how many distinct targets each pair
co-acted on. It is the input of the community detectors and the pair-counting
step of SynchroTrap.

The computation is a row-by-row sparse product done in two passes (count, then
fill) with numba: each row is accumulated in a per-thread scratch array of
length ``n_users`` and only pairs reaching ``min_shared`` are written, so peak
memory is the output plus ``O(threads * n_users)`` scratch, never ``O(users^2)``
and never the unfiltered pair list.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .._checks import check_int, check_number
from ..graph import InteractionGraph, check_graph
from ._kernels import coaction_upper

__all__ = ["coaction_graph"]


def coaction_graph(
    graph: InteractionGraph,
    *,
    window: float | None = None,
    min_shared: int = 1,
    max_target_degree: int | None = None,
    by_owner: bool = False,
    progress: bool = False,
) -> sp.csr_matrix:
    """Project users onto users: entry = number of distinct targets both acted on.

    Parameters
    ----------
    graph : InteractionGraph
    window : float, optional
        Seconds. When given, a shared target counts only if some event of one
        user on it lies within ``window`` seconds (inclusive) of some event of
        the other user on it. Needs timestamps. ``None`` ignores time.
    min_shared : int
        Keep only pairs sharing at least this many targets; applied while
        projecting, so filtered pairs never take memory.
    max_target_degree : int, optional
        Skip targets acted on by more than this many distinct users. A target
        with ``d`` users contributes ``d * (d - 1) / 2`` pairs, so a few viral
        targets can dominate both the run time and the output; skipping them
        bounds the cost but drops the co-actions they carry, so pairs whose
        only common targets are very popular are lost (usually the least
        informative pairs, since everyone shares viral targets).
    by_owner : bool
        Count distinct target *owners* instead of targets: fans who like five
        posts of one account share one owner, a farm's bots share many
        customers (:meth:`~graphbot.InteractionGraph.owner_codes`; targets of
        unknown owner count as their own).
    progress : bool
        Show a tqdm progress bar over user blocks.

    Returns
    -------
    scipy.sparse.csr_matrix
        Symmetric ``n_users x n_users`` matrix of int32 counts with an empty
        diagonal and sorted indices; users are the graph's internal indices.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> g = InteractionGraph.from_events(["a", "b", "b", "c"], ["x", "x", "y", "y"],
    ...                                  times=[0, 100, 0, 5000])
    >>> coaction_graph(g).toarray().tolist()
    [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    >>> coaction_graph(g, window=600).toarray().tolist()
    [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    >>> g2 = InteractionGraph.from_events(["a", "a", "b", "b"], ["x", "y", "x", "y"],
    ...                                   owners=["star", "star", "star", "star"])
    >>> coaction_graph(g2).toarray().tolist(), coaction_graph(g2, by_owner=True).toarray().tolist()
    ([[0, 2], [2, 0]], [[0, 1], [1, 0]])

    References
    ----------
    .. [1] Cao, Yang, Yu, Palow. "Uncovering Large Groups of Active Malicious
       Accounts in Online Social Networks" (SynchroTrap), CCS 2014 -- pairwise
       matching of actions on the same target within a time window.
    """
    check_graph(graph, "coaction_graph", needs_times=window is not None)
    if window is not None:
        window = check_number("window", window, low=0.0, what="a non-negative number of seconds")
    min_shared = check_int("min_shared", min_shared, low=1)
    if max_target_degree is not None:
        max_target_degree = check_int("max_target_degree", max_target_degree, low=1)
    users, targets, times = _projection_events(graph, window, max_target_degree)
    n_columns = graph.n_targets
    if by_owner:
        codes, n_columns = graph.owner_codes()
        targets = codes[targets]
    upper = coaction_upper(
        users,
        targets,
        times,
        graph.n_users,
        n_columns,
        int(np.ceil(window)) if window is not None else 0,
        min_shared,
        -1,
        progress,
    )
    full = (upper + upper.T).tocsr()
    full.sort_indices()
    return full


def _projection_events(
    graph: InteractionGraph, window: float | None, max_target_degree: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flat (user, target, time) arrays to project; one row per pair when time is ignored."""
    if window is None:
        csr = graph.csr
        users = np.repeat(np.arange(graph.n_users, dtype=np.int64), np.diff(csr.indptr))
        targets = csr.indices.astype(np.int64)
        times = np.zeros(len(users), dtype=np.int64)  # all "simultaneous": window 0 matches
    else:
        users = graph.users.astype(np.int64)
        targets = graph.targets.astype(np.int64)
        times = graph.times.astype(np.int64)  # type: ignore[union-attr]
    if max_target_degree is not None:
        keep = graph.target_degrees()[targets] <= max_target_degree
        users, targets, times = users[keep], targets[keep], times[keep]
    return users, targets, times
