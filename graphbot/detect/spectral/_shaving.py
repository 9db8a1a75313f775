"""HoloScope's greedy shaving with dynamic target weights, in numba.

Users of a seed set are removed one at a time, the one with the least weighted
activity ``credit(u) = sum_v A[u, v] P(v)`` first. Removing a user lowers
``f_A(v)`` (and the in-burst count) of its targets, which changes their weight
``P(v) = b ** (ratios - n_ratios)`` and so the credit of every remaining user
on those targets; an indexed binary heap keeps the minimum current. The cost is
``sum_v deg_A(v)^2`` over the seed's targets, fine for seed sets of thousands.

With ratings, each removal also updates the target's low / high rating counts
from A, and the rating-deviation ratio (:func:`rating_divergence`, divided by
the seed's fixed ``r_scale`` and capped at 1) joins the sum of ratios.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["shave", "rating_divergence", "rating_divergences"]


@njit(cache=True)
def rating_divergence(low_a, high_a, n_a, low_u, high_u, n_u):  # pragma: no cover - numba
    """Balanced KL divergence of a target's polar ratings from A against those from U \\ A.

    ``low_*`` / ``high_*`` count the low and high ratings (neutral ones are
    dropped), ``n_*`` all ratings, from A and from every user U. Both
    two-bin histograms get one pseudo-count per bin (a multinomial prior), and
    the KL divergence is multiplied by ``min(a / o, o / a)`` with ``a = n_A + 1``,
    ``o = n_{U \\ A} + 1``, so a target A barely touches (or owns outright)
    deviates little.
    """
    if n_a <= 0.0:
        return 0.0
    s_low, s_high = low_a + 1.0, high_a + 1.0
    o_low, o_high = max(low_u - low_a, 0.0) + 1.0, max(high_u - high_a, 0.0) + 1.0
    s_tot, o_tot = s_low + s_high, o_low + o_high
    p_low, p_high = s_low / s_tot, s_high / s_tot
    kl = p_low * np.log(p_low / (o_low / o_tot)) + p_high * np.log(p_high / (o_high / o_tot))
    a, o = n_a + 1.0, max(n_u - n_a, 0.0) + 1.0
    return kl * min(a / o, o / a)


@njit(cache=True)
def rating_divergences(low_a, high_a, n_a, low_u, high_u, n_u):  # pragma: no cover - numba
    """:func:`rating_divergence` of every target (arrays over targets)."""
    out = np.zeros(len(n_a))
    for v in range(len(n_a)):
        out[v] = rating_divergence(low_a[v], high_a[v], n_a[v], low_u[v], high_u[v], n_u[v])
    return out


@njit(cache=True)
def _weight(f_a, b_a, f_u, b_u, base, timed, rated, deviation):  # pragma: no cover - numba
    if f_a <= 1e-12:
        return 0.0
    ratio = f_a / f_u
    if timed:
        ratio += (b_a / b_u if b_u > 0 else 0.0) - 1.0
    if rated:
        ratio += deviation - 1.0
    return base ** (ratio - 1.0)


@njit(cache=True)
def _deviation(v, rated, r_a, r_u, r_scale):  # pragma: no cover - numba
    """Rating-deviation ratio of target v in [0, 1] (0 when unrated)."""
    if not rated:
        return 0.0
    d = rating_divergence(r_a[0, v], r_a[1, v], r_a[2, v], r_u[0, v], r_u[1, v], r_u[2, v])
    return min(d / r_scale, 1.0)


@njit(cache=True)
def shave(
    indptr,
    indices,
    data,
    bdata,
    cptr,
    crows,
    cdata,
    f_u,
    b_u,
    base,
    timed,
    rdata,
    r_u,
    r_scale,
    rated,
):  # pragma: no cover - numba
    """Remove users one by one (least weighted activity first); HS after each removal.

    ``rdata`` (3 x nnz: low, high and all ratings per entry, aligned with
    ``data``) and ``r_u`` (3 x n_targets, the same counts over all users) feed
    the rating-deviation ratio when ``rated``; pass empty (3, 0) arrays otherwise.
    Returns the removal order and ``curve`` with ``curve[i]`` = HS of the set
    left after ``i`` removals (``curve[0]`` = the whole seed set).
    """
    n, m = len(indptr) - 1, len(f_u)
    f_a, b_a, p = np.zeros(m), np.zeros(m), np.zeros(m)
    r_a = np.zeros((3, m if rated else 0))
    for r in range(n):
        for e in range(indptr[r], indptr[r + 1]):
            f_a[indices[e]] += data[e]
            b_a[indices[e]] += bdata[e]
            if rated:
                for j in range(3):
                    r_a[j, indices[e]] += rdata[j, e]
    numer, sum_p = 0.0, 0.0
    for v in range(m):
        dev = _deviation(v, rated, r_a, r_u, r_scale)
        p[v] = _weight(f_a[v], b_a[v], f_u[v], b_u[v], base, timed, rated, dev)
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
            if rated:
                for j in range(3):
                    r_a[j, v] = max(r_a[j, v] - rdata[j, e], 0.0)
            dev = _deviation(v, rated, r_a, r_u, r_scale)
            p[v] = _weight(f_a[v], b_a[v], f_u[v], b_u[v], base, timed, rated, dev)
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
