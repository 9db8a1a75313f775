"""Numba kernels of BurstLink: per-target main and second bursts, distinct moments.

Events are laid out by target and sorted by time (``t_ptr`` segment starts,
``t_time``), as :mod:`graphbot.detect.lockstep._events` builds them.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["second_bursts", "distinct_moments"]


@njit(cache=True)
def second_bursts(t_ptr, t_time, width, gap, global_times, k_min):  # pragma: no cover - numba
    """Per target: main window (and its log tail), and the least probable window ``gap`` away."""
    n_t = len(t_ptr) - 1
    s_lo = np.full(n_t, -1, np.int64)
    s_hi = np.full(n_t, -1, np.int64)
    m_lo = np.full(n_t, -1, np.int64)
    m_hi = np.full(n_t, -1, np.int64)
    best_logp = np.zeros(n_t)
    main_logp = np.zeros(n_t)
    main_raw = np.zeros(n_t)
    # prefix sums of event times (relative to the first) price a kernel sum in
    # O(log n), so a post liked a million times costs no more than a quiet one
    t0 = t_time.min() if len(t_time) else 0
    csum = np.zeros(len(t_time) + 1, dtype=np.int64)
    for x in range(len(t_time)):
        csum[x + 1] = csum[x] + (t_time[x] - t0)
    for t in range(n_t):
        a, b = t_ptr[t], t_ptr[t + 1]
        if b - a < k_min + 1:
            continue
        most, left = 0, a
        for r in range(a, b):
            while t_time[r] - t_time[left] > width:
                left += 1
            if r - left + 1 > most:
                most, m_lo[t], m_hi[t] = r - left + 1, left, r
        m0, m1 = t_time[m_lo[t]], t_time[m_hi[t]]
        # A main window is tested only when the target was already active (two
        # events, an eighth of the others) a gap earlier: an organic cascade
        # opens a post's activity, and a few stray early events (a binge on an
        # old post, a bot's camouflage) do not make it a late burst.
        main_raw[t] = _window_logp(
            t_time, csum, t0, a, b, m_lo[t], m_hi[t], width, gap, global_times
        )
        early = max(2, (b - a - most + 7) // 8)
        if t_time[min(a + early - 1, b - 1)] < m0 - gap:
            main_logp[t] = main_raw[t]
        j = a
        for i in range(a, b):
            j = max(j, i)
            while j + 1 < b and t_time[j + 1] - t_time[i] <= width:
                j += 1
            if j - i + 1 < k_min or not (t_time[j] < m0 - gap or t_time[i] > m1 + gap):
                continue
            logp = _window_logp(t_time, csum, t0, a, b, i, j, width, gap, global_times)
            if logp < best_logp[t]:
                best_logp[t], s_lo[t], s_hi[t] = logp, i, j
    return s_lo, s_hi, best_logp, m_lo, m_hi, main_logp, main_raw


@njit(cache=True)
def _window_logp(t_time, csum, t0, a, b, i, j, width, gap, global_times):  # pragma: no cover
    """Log Poisson tail (order of magnitude) of events i..j given the target's other events."""
    s, k = t_time[i], j - i + 1
    # box kernel (half-width gap) of the target's events outside [i, j]
    rest = _kernel_mass(t_time, csum, t0, a, b, s, width, gap)
    rest -= _kernel_mass(t_time, csum, t0, i, j + 1, s, width, gap)
    lam = rest / (2.0 * gap)
    g0 = np.searchsorted(global_times, s)
    g1 = np.searchsorted(global_times, s + width, side="right")
    lam += (b - a - k) * (g1 - g0) / len(global_times)
    lam = max(lam, 1e-12)
    if k < 3 * lam:
        return 0.0
    # log pmf at k: the tail's order of magnitude when k >= 3 lam
    return -lam + k * np.log(lam) - math.lgamma(k + 1.0)


@njit(cache=True)
def _kernel_mass(t_time, csum, t0, p, q, s, width, gap):  # pragma: no cover - numba
    """Sum over events p..q-1 (sorted) of the overlap of [t - gap, t + gap] and [s, s + width].

    The overlap is piecewise linear in t: rising on [s - gap, b1), flat at
    min(width, 2 gap) on [b1, b2), falling on [b2, s + width + gap).
    """
    b1 = min(s + width - gap, s + gap)
    b2 = max(s + width - gap, s + gap)
    seg = t_time[p:q]
    x0 = p + np.searchsorted(seg, s - gap)
    x1 = p + np.searchsorted(seg, b1)
    x2 = p + np.searchsorted(seg, b2)
    x3 = p + np.searchsorted(seg, s + width + gap)
    rising = float(csum[x1] - csum[x0]) + (x1 - x0) * float(t0 + gap - s)
    flat = (x2 - x1) * float(min(width, 2 * gap))
    falling = (x3 - x2) * float(s + width + gap - t0) - float(csum[x3] - csum[x2])
    return rising + flat + falling


@njit(cache=True)
def distinct_moments(users, times, n_users, width):  # pragma: no cover - numba
    """Per user (events sorted by user, time): greedy count of times > width apart."""
    hits = np.zeros(n_users, dtype=np.int64)
    last = 0
    for e in range(len(users)):
        u = users[e]
        if e == 0 or users[e - 1] != u or times[e] - last > width:
            hits[u] += 1
            last = times[e]
    return hits


@njit(cache=True)
def session_hits(ptr, times, width):  # pragma: no cover - numba
    """Per user (``ptr`` segments of times sorted per user): most times within one ``width``."""
    n = len(ptr) - 1
    best = np.zeros(n, dtype=np.int64)
    for u in range(n):
        left = ptr[u]
        for right in range(ptr[u], ptr[u + 1]):
            while times[right] - times[left] > width:
                left += 1
            best[u] = max(best[u], right - left + 1)
    return best
