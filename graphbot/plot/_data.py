"""Getting figure data out of results, groups and evidence, whatever the caller passed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InputTypeError, InvalidParameterError
from ..result import DetectionResult, SuspiciousGroup

__all__ = ["select_groups", "pick_group", "evidence_array", "as_time_axis", "top_k"]

#: Seconds after which integer times are taken as Unix time (1973-03-03) and shown as dates.
_UNIX_FROM = 1e8


def select_groups(result: Any, groups: Any = None, max_groups: int | None = None) -> list:
    """Groups to draw: ``groups`` (indices, SuspiciousGroups) or the result's own."""
    if groups is None:
        if result is None:
            return []
        if not isinstance(result, DetectionResult):
            raise InputTypeError(f"`result` must be a DetectionResult; got {type(result).__name__}")
        chosen = list(result.groups)
    elif isinstance(groups, SuspiciousGroup):
        chosen = [groups]
    else:
        chosen = []
        for g in groups:
            if isinstance(g, SuspiciousGroup):
                chosen.append(g)
            elif isinstance(g, (int, np.integer)) and result is not None:
                chosen.append(result.groups[int(g)])
            else:
                raise InputTypeError(
                    "`groups` must hold SuspiciousGroup objects or indices into result.groups"
                )
    return chosen if max_groups is None else chosen[:max_groups]


def pick_group(result: Any, group: Any = 0) -> SuspiciousGroup:
    """One group: a SuspiciousGroup itself, or ``result.groups[group]``."""
    if isinstance(result, SuspiciousGroup):
        return result
    if isinstance(group, SuspiciousGroup):
        return group
    if not isinstance(result, DetectionResult):
        raise InputTypeError(
            f"`result` must be a DetectionResult or SuspiciousGroup; got {type(result).__name__}"
        )
    if not result.groups:
        raise InvalidParameterError(f"result of {result.method!r} has no suspicious group to draw")
    if not isinstance(group, (int, np.integer)) or not 0 <= group < len(result.groups):
        raise InvalidParameterError(
            f"`group` must be an index in [0, {len(result.groups)}); got {group!r}"
        )
    return result.groups[int(group)]


def evidence_array(source: Any, keys: Sequence[str], what: str) -> np.ndarray:
    """An array from ``source`` (an array, or a result whose evidence holds one of ``keys``)."""
    if isinstance(source, DetectionResult):
        for key in keys:
            if key in source.evidence:
                return np.asarray(source.evidence[key])
        raise InvalidParameterError(
            f"result of {source.method!r} holds no {what} evidence (looked for keys "
            f"{list(keys)}; it has {sorted(source.evidence)})"
        )
    return np.asarray(source)


def as_time_axis(seconds: np.ndarray) -> tuple[np.ndarray, str]:
    """Values to plot for times, and the axis label: dates for Unix time, else hours."""
    seconds = np.asarray(seconds)
    if seconds.size and np.nanmin(seconds) > _UNIX_FROM:
        return seconds.astype("int64").astype("datetime64[s]"), "time (UTC)"
    return seconds / 3600.0, "time (hours)"


def top_k(indices: np.ndarray, priority: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` entries of ``indices`` with the largest ``priority`` (stable order)."""
    indices = np.asarray(indices)
    if len(indices) <= k:
        return indices
    order = np.argsort(-np.asarray(priority), kind="stable")[:k]
    return indices[np.sort(order)]
