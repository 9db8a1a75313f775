"""Per-target temporal bursts and drops, as HoloScope reads them.

For every target, the events it received form a time series (a histogram of
at most ``max_bins`` bins of at least ``time_bin`` seconds). Bought activity
arrives as a sudden *burst* (the series wakes up and climbs to a peak within a
few bins) and often stops with a sudden *drop*. Following Liu et al. (HoloScope):

- the *awakening point* of a burst is the bin before the peak lying farthest
  below the straight line from the start of the series to the peak; the burst
  spans awakening .. peak. Later peaks at least ``multi_burst`` times the
  highest are bursts too.
- the *drop* after the highest peak is the steepest fall from it (events per
  hour lost per hour); a target whose activity stops long before the data
  ends drops to zero. ``drop_slope * drop_fall`` weighs the target.

Everything runs in numba over events sorted by (target, time).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..._segments import segment_order

__all__ = ["target_bursts"]

HOUR = 3600.0


def target_bursts(
    targets: np.ndarray,
    times: np.ndarray,
    n_targets: int,
    *,
    time_bin: float,
    max_bins: int,
    multi_burst: float,
    min_events: int = 2,
) -> dict[str, np.ndarray]:
    """Burst windows, drop strength and per-event in-burst flags for every target.

    Returns a dict with ``in_burst`` (bool per event, original order),
    ``burst_start`` / ``burst_peak`` (time of the main burst's awakening and
    peak per target, -1 without), ``drop_slope``, ``drop_fall`` (per target,
    events/hour per hour and events/hour), ``bin_width`` (seconds per target).

    Examples
    --------
    >>> tg = np.zeros(13, dtype=np.int32)
    >>> day = 86400
    >>> ts = np.r_[np.arange(0, 10 * day, day), 5 * day + np.array([60, 120, 180])]
    >>> out = target_bursts(tg, ts, 1, time_bin=3600, max_bins=500, multi_burst=0.5)
    >>> int(out["in_burst"].sum()) >= 3
    True
    """
    order, bounds = segment_order((times, targets), n_targets)
    ts = times[order].astype(np.int64)
    end_time = int(times.max()) if len(times) else 0
    flags = np.zeros(len(ts), dtype=np.bool_)
    start, peak = np.full(n_targets, -1, np.int64), np.full(n_targets, -1, np.int64)
    slope, fall = np.zeros(n_targets), np.zeros(n_targets)
    width = np.zeros(n_targets)
    _all_targets(
        bounds,
        ts,
        end_time,
        float(time_bin),
        int(max_bins),
        float(multi_burst),
        int(min_events),
        flags,
        start,
        peak,
        slope,
        fall,
        width,
    )
    in_burst = np.zeros(len(ts), dtype=bool)
    in_burst[order] = flags
    return {
        "in_burst": in_burst,
        "burst_start": start,
        "burst_peak": peak,
        "drop_slope": slope,
        "drop_fall": fall,
        "bin_width": width,
    }


@njit(cache=True)
def _all_targets(
    bounds,
    ts,
    end_time,
    time_bin,
    max_bins,
    multi_burst,
    min_events,
    flags,
    start,
    peak,
    slope,
    fall,
    width,
):  # pragma: no cover - numba
    n_targets = len(bounds) - 1
    for v in range(n_targets):
        lo, hi = bounds[v], bounds[v + 1]
        if hi - lo < min_events:
            continue
        t0, t1 = ts[lo], ts[hi - 1]
        w = max(time_bin, (t1 - t0 + 1) / max_bins)
        nb = int((t1 - t0) // w) + 1
        y = np.zeros(nb)
        for e in range(lo, hi):
            y[int((ts[e] - t0) // w)] += 1.0
        y *= HOUR / w  # events per hour, comparable across bin widths
        width[v] = w
        lows, highs = _bursts(y, multi_burst)
        for b in range(len(lows)):
            left, right = t0 + lows[b] * w, t0 + (highs[b] + 1) * w
            for e in range(lo, hi):
                if left <= ts[e] < right:
                    flags[e] = True
        if len(lows):
            start[v] = int(t0 + lows[0] * w)
            peak[v] = int(t0 + highs[0] * w)
        # the series drops to zero after its last bin only if it stopped well before the end
        stopped = end_time - t1 > max(w, 12 * HOUR)
        slope[v], fall[v] = _drop(y, int(np.argmax(y)), w / HOUR, stopped)


@njit(cache=True)
def _awakening(y, first, m):  # pragma: no cover - numba
    """Bin in [first, m] farthest below the line from (first - 1, 0) to (m, y[m])."""
    best, best_gap = m, 0.0
    span = m - first + 1
    for j in range(first, m):
        line = y[m] * (j - first + 1) / span
        gap = line - y[j]
        if gap > best_gap:
            best, best_gap = j, gap
    # the burst starts just after the quietest point below the line
    return best + 1 if best < m else m


@njit(cache=True)
def _bursts(y, multi_burst):  # pragma: no cover - numba
    """Awakening..peak bin ranges of the main burst (first) and of later high peaks."""
    n = len(y)
    ymax = y.max()
    lows, highs = [], []
    m = int(np.argmax(y))
    lows.append(_awakening(y, 0, m))
    highs.append(m)
    cursor = m
    while cursor < n - 1:
        turn = -1
        for j in range(cursor, n - 1):  # first rise after the current peak
            if y[j + 1] > y[j]:
                turn = j
                break
        if turn < 0:
            break
        nxt = turn + int(np.argmax(y[turn:]))
        first = turn + int(np.argmin(y[turn : nxt + 1]))
        if y[nxt] < multi_burst * ymax:
            break  # every later peak is lower still
        if nxt != m:
            lows.append(_awakening(y, first, nxt))
            highs.append(nxt)
        cursor = nxt if nxt > cursor else cursor + 1
    return np.array(lows, dtype=np.int64), np.array(highs, dtype=np.int64)


@njit(cache=True)
def _drop(y, m, hours_per_bin, stopped):  # pragma: no cover - numba
    """Steepest fall after the peak ``m``: (slope in events/hour per hour, fall in events/hour)."""
    best_slope, best_fall = 0.0, 0.0
    n = len(y)
    last = n + 1 if stopped else n
    for j in range(m + 1, last):
        value = y[j] if j < n else 0.0
        fall = y[m] - value
        slope = fall / ((j - m) * hours_per_bin)
        if slope > best_slope:
            best_slope, best_fall = slope, fall
    return best_slope, best_fall
