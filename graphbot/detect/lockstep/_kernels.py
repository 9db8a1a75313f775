"""Numba kernels of the lockstep detectors (CopyCatch's windows, SynchroTrap's pairs).

Everything works on the flat event layout of :mod:`._events`: grouped by user
(sorted by user, target, time) and by target (sorted by target, time), each
with an ``indptr`` of segment starts, so the hot loops never allocate per event.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ..._segments import lower_bound

__all__ = [
    "best_windows",
    "subset_best_windows",
    "subset_window_hits",
    "count_close_pairs",
    "pair_weighted_overlap",
]


@njit(cache=True, parallel=True)
def best_windows(t_ptr, t_user, t_time, user_mask, half_width):
    """Per target, the ``[c - w, c + w]`` window holding the most selected events.

    Only events whose user has ``user_mask`` true count; with one event per
    (user, target) -- the layout the lockstep detectors use -- that is the
    number of distinct users. Returns (count, centre) per target; the centre
    is the midpoint of the first and last event of the best window (count 0,
    centre 0 when the target has no selected event).
    """
    n_t = len(t_ptr) - 1
    best = np.zeros(n_t, dtype=np.int64)
    centre = np.zeros(n_t, dtype=np.int64)
    for t in prange(n_t):
        a = t_ptr[t]
        b = t_ptr[t + 1]
        left = a
        inside = 0
        for right in range(a, b):
            if not user_mask[t_user[right]]:
                continue
            inside += 1
            while t_time[right] - t_time[left] > 2 * half_width or not user_mask[t_user[left]]:
                if user_mask[t_user[left]]:
                    inside -= 1
                left += 1
            if inside > best[t]:
                best[t] = inside
                centre[t] = (t_time[left] + t_time[right]) // 2
    return best, centre


@njit(cache=True)
def subset_best_windows(u_ptr, u_tgt, u_time, user_list, half_width):
    """Best ``±half_width`` window per target over the events of ``user_list`` only.

    Costs O(events of those users), so local searches from small seeds are cheap.
    Returns (targets, counts, centres) for every target those users acted on.
    """
    n = 0
    for u in user_list:
        n += u_ptr[u + 1] - u_ptr[u]
    tgt = np.empty(n, dtype=np.int64)
    tms = np.empty(n, dtype=np.int64)
    k = 0
    for u in user_list:
        for j in range(u_ptr[u], u_ptr[u + 1]):
            tgt[k] = u_tgt[j]
            tms[k] = u_time[j]
            k += 1
    t0 = tms.min() if n else 0
    order = np.argsort(tgt * (1 << 32) + (tms - t0))
    tgt = tgt[order]
    tms = tms[order]
    out_t = np.empty(n, dtype=np.int64)
    out_c = np.empty(n, dtype=np.int64)
    out_m = np.empty(n, dtype=np.int64)
    n_out = 0
    a = 0
    while a < n:
        b = a
        while b < n and tgt[b] == tgt[a]:
            b += 1
        best = 0
        cen = 0
        left = a
        for right in range(a, b):
            while tms[right] - tms[left] > 2 * half_width:
                left += 1
            if right - left + 1 > best:
                best = right - left + 1
                cen = (tms[left] + tms[right]) // 2
        out_t[n_out] = tgt[a]
        out_c[n_out] = best
        out_m[n_out] = cen
        n_out += 1
        a = b
    return out_t[:n_out], out_c[:n_out], out_m[:n_out]


@njit(cache=True)
def subset_window_hits(t_ptr, t_user, t_time, target_list, centres, owners, half_width):
    """Users acting on ``target_list`` within ``half_width`` of the centres, with hit counts.

    A user's hits are the distinct ``owners`` (aligned with ``target_list``) of
    the targets hit in-window. Returns (users sorted, hits, number of in-window
    events); costs O(events in those windows), independent of the graph size.
    """
    n = 0
    for i in range(len(target_list)):
        t = target_list[i]
        n += t_ptr[t + 1] - t_ptr[t]
    keys = np.empty(n, dtype=np.int64)
    n_own = owners.max() + 1 if len(owners) else 1
    m = 0
    for i in range(len(target_list)):
        t = target_list[i]
        start = lower_bound(t_time, t_ptr[t], t_ptr[t + 1], centres[i] - half_width)
        for j in range(start, t_ptr[t + 1]):
            if t_time[j] > centres[i] + half_width:
                break
            keys[m] = t_user[j] * n_own + owners[i]
            m += 1
    uniq = np.sort(keys[:m])
    users = np.empty(m, dtype=np.int64)
    hits = np.zeros(m, dtype=np.int64)
    k = -1
    for i in range(m):
        if i > 0 and uniq[i] == uniq[i - 1]:
            continue
        u = uniq[i] // n_own
        if k < 0 or users[k] != u:
            k += 1
            users[k] = u
        hits[k] += 1
    return users[: k + 1], hits[: k + 1], m


@njit(cache=True)
def count_close_pairs(ptr, times, window):
    """Number of event pairs on the same segment (sorted by time) at most ``window`` apart."""
    total = 0
    for s in range(len(ptr) - 1):
        left = ptr[s]
        for right in range(ptr[s], ptr[s + 1]):
            while times[right] - times[left] > window:
                left += 1
            total += right - left
    return total


@njit(cache=True)
def pair_weighted_overlap(ptr, members, weight, first, second):
    """For each pair of segments, the summed ``weight`` of members found in both.

    ``members`` must be sorted within each segment; ``weight`` is per member id.
    """
    out = np.zeros(len(first), dtype=np.float64)
    for k in range(len(first)):
        i, i_end = ptr[first[k]], ptr[first[k] + 1]
        j, j_end = ptr[second[k]], ptr[second[k] + 1]
        total = 0.0
        while i < i_end and j < j_end:
            a = members[i]
            b = members[j]
            if a == b:
                total += weight[a]
                i += 1
                j += 1
            elif a < b:
                i += 1
            else:
                j += 1
        out[k] = total
    return out
