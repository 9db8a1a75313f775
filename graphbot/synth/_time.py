"""Time helpers for synthetic worlds: a daily rhythm and waking hours."""

from __future__ import annotations

import numpy as np

DAY = 86_400
HOUR = 3_600
MINUTE = 60
#: 2026-01-05 00:00 UTC, a Monday: the default start of synthetic worlds.
DEFAULT_START = 1_767_571_200

# Relative activity per local hour: quiet at night, peaks in the evening.
_HOURLY = np.array(
    [0.35, 0.2, 0.1, 0.06, 0.05, 0.07, 0.2, 0.5, 0.8, 0.85, 0.85, 0.9,
     1.0, 0.95, 0.9, 0.9, 0.95, 1.0, 1.15, 1.35, 1.5, 1.45, 1.1, 0.7]
)  # fmt: skip
_HOURLY_P = _HOURLY / _HOURLY.sum()


def diurnal_times(
    generator: np.random.Generator, n: int, start: int, days: int, tz_hours: np.ndarray
) -> np.ndarray:
    """``n`` event times over ``days`` days with the daily rhythm in local time ``tz_hours``."""
    day = generator.integers(0, days, size=n)
    hour = generator.choice(24, size=n, p=_HOURLY_P)
    second = generator.integers(0, HOUR, size=n)
    local = day * DAY + hour * HOUR + second
    return start + np.clip(local - tz_hours * HOUR, 0, days * DAY - 1).astype(np.int64)


def postpone_night(times: np.ndarray, tz_hours: np.ndarray) -> np.ndarray:
    """Move events that fall between 02:00 and 07:00 local time to a morning hour.

    People reply to a post when they wake up, which gives real like-streams
    their morning bump.
    """
    local = (times + tz_hours * HOUR) % DAY
    night = (local >= 2 * HOUR) & (local < 7 * HOUR)
    shift = 7 * HOUR - local[night] + (times[night] % 1_800)
    out = times.copy()
    out[night] += shift
    return out
