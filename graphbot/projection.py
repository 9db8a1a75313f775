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

from ._checks import check_int, check_number
from .detect._lockstep_kernels import coaction_rows, segment_order
from .detect._registry import check_graph
from .graph import InteractionGraph

__all__ = ["coaction_graph"]

_BLOCKS = 64  # user ranges processed per pass (granularity of the progress bar)


def coaction_graph(
    graph: InteractionGraph,
    *,
    window: float | None = None,
    min_shared: int = 1,
    max_target_degree: int | None = None,
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
    upper = _project_upper(
        users,
        targets,
        times,
        graph.n_users,
        graph.n_targets,
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


def _project_upper(
    users: np.ndarray,
    targets: np.ndarray,
    times: np.ndarray,
    n_users: int,
    n_targets: int,
    window: int,
    min_shared: int,
    min_span: int,
    progress: bool,
) -> sp.csr_matrix:
    """Upper triangle of the co-action counts of events given as flat arrays.

    Also used by SynchroTrap, which needs ``min_span``: keep a pair only if the
    row user's matched events span at least that many seconds (-1 keeps all).
    """
    from tqdm.auto import tqdm

    u_order, u_ptr = segment_order((times, targets, users), n_users)
    t_order, t_ptr = segment_order((times, targets), n_targets)
    u_tgt, u_time = targets[u_order], times[u_order]
    t_user, t_time = users[t_order], times[t_order]
    row_nnz = np.zeros(n_users, dtype=np.int64)
    indptr = np.zeros(n_users + 1, dtype=np.int64)
    out_idx = np.empty(0, dtype=np.int32)
    out_val = np.empty(0, dtype=np.int32)
    blocks = np.linspace(0, n_users, min(_BLOCKS, max(n_users, 1)) + 1).astype(np.int64)
    args = (u_ptr, u_tgt, u_time, t_ptr, t_user, t_time, window, min_shared, min_span,
            n_users, n_targets)  # fmt: skip
    chunks = 8  # a few chunks per block keeps both cores busy on skewed rows
    with tqdm(total=2 * n_users, disable=not progress, desc="co-action", unit="user") as bar:
        for fill in (False, True):  # count the rows, then write them
            if fill:
                np.cumsum(row_nnz, out=indptr[1:])
                out_idx = np.empty(indptr[-1], dtype=np.int32)
                out_val = np.empty(indptr[-1], dtype=np.int32)
            for lo, hi in zip(blocks[:-1], blocks[1:]):
                coaction_rows(lo, hi, chunks, *args, row_nnz, indptr, out_idx, out_val, fill)
                bar.update(int(hi - lo))
    return sp.csr_matrix((out_val, out_idx, indptr), shape=(n_users, n_users))
