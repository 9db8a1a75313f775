"""HoloScope's greedy shaving with dynamic target weights, in numba.

Users of a seed set are removed one at a time, the one with the least weighted
activity ``credit(u) = sum_v A[u, v] P(v)`` first. Removing a user lowers
``f_A(v)`` (and the in-burst count) of its targets, which changes their weight
``P(v) = b ** (ratios - n_ratios)`` and so the credit of every remaining user
on those targets; an indexed binary heap keeps the minimum current. The cost is
``sum_v deg_A(v)^2`` over the seed's targets, fine for seed sets of thousands.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["shave"]


@njit(cache=True)
def _weight(f_a, b_a, f_u, b_u, base, timed):  # pragma: no cover - numba
    if f_a <= 1e-12:
        return 0.0
    ratio = f_a / f_u
    if timed:
        ratio += (b_a / b_u if b_u > 0 else 0.0) - 1.0
    return base ** (ratio - 1.0)


@njit(cache=True)
def shave(
    indptr, indices, data, bdata, cptr, crows, cdata, f_u, b_u, base, timed
):  # pragma: no cover - numba
    """Remove users one by one (least weighted activity first); HS after each removal.

    Returns the removal order and ``curve`` with ``curve[i]`` = HS of the set
    left after ``i`` removals (``curve[0]`` = the whole seed set).
    """
    n, m = len(indptr) - 1, len(f_u)
    f_a, b_a, p = np.zeros(m), np.zeros(m), np.zeros(m)
    for r in range(n):
        for e in range(indptr[r], indptr[r + 1]):
            f_a[indices[e]] += data[e]
            b_a[indices[e]] += bdata[e]
    numer, sum_p = 0.0, 0.0
    for v in range(m):
        p[v] = _weight(f_a[v], b_a[v], f_u[v], b_u[v], base, timed)
        numer += f_a[v] * p[v]
        sum_p += p[v]
    credit = np.zeros(n)
    for r in range(n):
        for e in range(indptr[r], indptr[r + 1]):
            credit[r] += data[e] * p[indices[e]]
    heap, pos = _heap_build(credit)
    size = n
    alive = np.ones(n, dtype=np.bool_)
    order = np.empty(n, dtype=np.int64)
    curve = np.zeros(n)
    curve[0] = numer / (size + sum_p)
    for step in range(n):
        z = _heap_pop(heap, pos, credit, n - step)
        alive[z] = False
        order[step] = z
        size -= 1
        for e in range(indptr[z], indptr[z + 1]):
            v = indices[e]
            old = p[v]
            numer -= f_a[v] * old
            f_a[v] = max(f_a[v] - data[e], 0.0)
            b_a[v] = max(b_a[v] - bdata[e], 0.0)
            p[v] = _weight(f_a[v], b_a[v], f_u[v], b_u[v], base, timed)
            numer += f_a[v] * p[v]
            sum_p += p[v] - old
            delta = p[v] - old
            if delta != 0.0:
                for c in range(cptr[v], cptr[v + 1]):
                    u = crows[c]
                    if alive[u]:
                        credit[u] += cdata[c] * delta
                        _heap_fix(heap, pos, credit, pos[u], n - step - 1)
        if step + 1 < n:
            curve[step + 1] = numer / (size + sum_p) if size > 0 else 0.0
    return order, curve


@njit(cache=True)
def _heap_build(key):  # pragma: no cover - numba
    n = len(key)
    heap = np.argsort(key).astype(np.int64)  # a sorted array is a valid min-heap
    pos = np.empty(n, dtype=np.int64)
    for i in range(n):
        pos[heap[i]] = i
    return heap, pos


@njit(cache=True)
def _heap_swap(heap, pos, i, j):  # pragma: no cover - numba
    heap[i], heap[j] = heap[j], heap[i]
    pos[heap[i]] = i
    pos[heap[j]] = j


@njit(cache=True)
def _heap_fix(heap, pos, key, i, size):  # pragma: no cover - numba
    while i > 0 and key[heap[i]] < key[heap[(i - 1) // 2]]:
        _heap_swap(heap, pos, i, (i - 1) // 2)
        i = (i - 1) // 2
    while True:
        left, smallest = 2 * i + 1, i
        if left < size and key[heap[left]] < key[heap[smallest]]:
            smallest = left
        if left + 1 < size and key[heap[left + 1]] < key[heap[smallest]]:
            smallest = left + 1
        if smallest == i:
            return
        _heap_swap(heap, pos, i, smallest)
        i = smallest


@njit(cache=True)
def _heap_pop(heap, pos, key, size):  # pragma: no cover - numba
    top = heap[0]
    _heap_swap(heap, pos, 0, size - 1)
    pos[top] = -1
    if size > 1:
        _heap_fix(heap, pos, key, 0, size - 1)
    return top
