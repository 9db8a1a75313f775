"""Sort-based grouping of flat event arrays, shared by every family of kernels.

Events are grouped by sorting (``segment_order``) rather than hashing: one
stable argsort and an ``indptr`` of segment starts, so hot loops index
contiguous slices and never allocate per event.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["segment_order", "sorted_unique", "lower_bound"]


def segment_order(keys: tuple[np.ndarray, ...], n_segments: int) -> tuple[np.ndarray, np.ndarray]:
    """Stable order sorting events by ``keys`` (last key primary) and its segment ``indptr``.

    The primary key (last of ``keys``) must be an index in ``[0, n_segments)``.
    Two keys are packed into one int64 when they fit (one argsort instead of a
    slower lexsort).
    """
    if len(keys) == 2 and len(keys[0]):
        low = keys[0].astype(np.int64) - keys[0].min()
        bits = int(low.max()).bit_length()
        if bits + max(int(n_segments).bit_length(), 1) <= 62:
            packed = (keys[1].astype(np.int64) << bits) | low
            order = np.argsort(packed, kind="stable")
        else:
            order = np.lexsort(keys)
    else:
        order = np.lexsort(keys) if len(keys) > 1 else np.argsort(keys[0], kind="stable")
    counts = np.bincount(keys[-1], minlength=n_segments)
    indptr = np.zeros(n_segments + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return order, indptr


def sorted_unique(values: np.ndarray, *, return_first: bool = False):
    """Sort-based ``np.unique`` (faster than numpy's hash path on large int64 arrays).

    With ``return_first`` also returns, per unique value, the position of its
    first occurrence in ``values``.
    """
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    start = np.ones(len(ordered), dtype=bool)
    start[1:] = ordered[1:] != ordered[:-1]
    if return_first:
        return ordered[start], order[start]
    return ordered[start]


@njit(cache=True)
def lower_bound(values: np.ndarray, lo: int, hi: int, x: int) -> int:
    # First position in values[lo:hi] (sorted) with values[pos] >= x.
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo
