"""Upper triangle of the user-user co-action counts, shared by the projection and SynchroTrap.

Row-by-row sparse product in two numba passes (count, then fill); see
:mod:`graphbot.projection`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._lockstep_kernels import coaction_rows, segment_order

__all__ = ["coaction_upper"]

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
