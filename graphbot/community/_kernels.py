"""Upper triangle of the user-user co-action counts, shared by the projection and SynchroTrap.

Row-by-row sparse product in two numba passes (count, then fill); see
:mod:`graphbot.community.projection`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numba import njit, prange

from .._segments import lower_bound, segment_order

__all__ = ["coaction_upper", "coaction_rows"]

_BLOCKS = 64  # user ranges processed per pass (granularity of the progress bar)


def coaction_upper(
    users: np.ndarray,
    targets: np.ndarray,
    times: np.ndarray,
    n_users: int,
    n_targets: int,
    window: int,
    min_shared: int,
    min_span: int,
    progress: bool,
    by_target: tuple[np.ndarray, np.ndarray] | None = None,
) -> sp.csr_matrix:
    """Upper triangle of the co-action counts of events given as flat arrays.

    Also used by SynchroTrap, which needs ``min_span``: keep a pair only if the
    row user's matched events span at least that many seconds (-1 keeps all).
    ``by_target``: ``segment_order((times, targets), n_targets)`` when the
    caller has it already.
    """
    from tqdm.auto import tqdm

    u_order, u_ptr = segment_order((times, targets, users), n_users)
    t_order, t_ptr = by_target or segment_order((times, targets), n_targets)
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


@njit(cache=True)
def _row(
    u,
    u_ptr,
    u_tgt,
    u_time,
    t_ptr,
    t_user,
    t_time,
    window,
    marker,
    acc,
    touched,
    n_targets,
    first,
    last,
):
    """Accumulate co-action counts of user ``u`` with every user ``v > u`` into ``acc``.

    Returns how many distinct ``v`` were touched (listed in ``touched``).
    ``marker[v]`` holds ``u * n_targets + t`` once the pair was counted on
    target ``t``, so each shared target counts once however many events match.
    ``first[v]`` / ``last[v]`` record the earliest and latest time of ``u``'s
    matched events with ``v`` (the span of their synchrony).
    """
    n_touched = 0
    for k in range(u_ptr[u], u_ptr[u + 1]):
        t = u_tgt[k]
        tau = u_time[k]
        key = u * n_targets + t
        a = t_ptr[t]
        b = t_ptr[t + 1]
        start = lower_bound(t_time, a, b, tau - window)
        for j in range(start, b):
            if t_time[j] > tau + window:
                break
            v = t_user[j]
            if v <= u or marker[v] == key:
                continue
            marker[v] = key
            if acc[v] == 0:
                touched[n_touched] = v
                n_touched += 1
                first[v] = tau
                last[v] = tau
            else:
                first[v] = min(first[v], tau)
                last[v] = max(last[v], tau)
            acc[v] += 1
    return n_touched


@njit(cache=True)
def _row_scratch(n_users):
    """Per-chunk scratch arrays of :func:`_row`: marker, acc, touched, first, last."""
    return (
        np.full(n_users, -1, dtype=np.int64),
        np.zeros(n_users, dtype=np.int32),
        np.empty(n_users, dtype=np.int64),
        np.zeros(n_users, dtype=np.int64),
        np.zeros(n_users, dtype=np.int64),
    )


@njit(cache=True)
def _kept_row(
    u, u_ptr, u_tgt, u_time, t_ptr, t_user, t_time, window, min_shared, min_span, n_targets, scratch
):
    """Run :func:`_row` for ``u`` and keep the entries passing both thresholds.

    The kept columns are moved to the front of ``touched`` (unsorted) and their
    counts stay in ``acc``; the caller must reset ``acc`` of those columns.
    Returns how many were kept.
    """
    marker, acc, touched, first, last = scratch
    m = _row(
        u, u_ptr, u_tgt, u_time, t_ptr, t_user, t_time, window, marker, acc, touched, n_targets,
        first, last,
    )  # fmt: skip
    k = 0
    for i in range(m):
        v = touched[i]
        if acc[v] >= min_shared and last[v] - first[v] >= min_span:
            touched[k] = v
            k += 1
        else:
            acc[v] = 0
    return k


@njit(cache=True, parallel=True)
def coaction_rows(
    lo,
    hi,
    n_chunks,
    u_ptr,
    u_tgt,
    u_time,
    t_ptr,
    t_user,
    t_time,
    window,
    min_shared,
    min_span,
    n_users,
    n_targets,
    row_nnz,
    indptr,
    out_idx,
    out_val,
    fill,
):
    """Upper-triangle co-action entries of rows ``lo..hi``, in two passes.

    ``fill=False`` counts each row's kept entries into ``row_nnz``; ``fill=True``
    writes them (sorted columns) at ``indptr``. An entry is kept with at least
    ``min_shared`` shared targets whose matched events of the row user span at
    least ``min_span`` seconds (-1 keeps all).
    """
    span = hi - lo
    for c in prange(n_chunks):
        scratch = _row_scratch(n_users)
        acc, touched = scratch[1], scratch[2]
        for u in range(lo + span * c // n_chunks, lo + span * (c + 1) // n_chunks):
            k = _kept_row(
                u, u_ptr, u_tgt, u_time, t_ptr, t_user, t_time, window, min_shared, min_span,
                n_targets, scratch,
            )  # fmt: skip
            if not fill:
                row_nnz[u] = k
                for i in range(k):
                    acc[touched[i]] = 0
                continue
            pos = indptr[u]
            cols = np.sort(touched[:k])
            for i in range(k):
                v = cols[i]
                out_idx[pos + i] = v
                out_val[pos + i] = acc[v]
                acc[v] = 0
