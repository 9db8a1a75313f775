"""The events the lockstep detectors look at, in the flat layouts their kernels need.

Two choices made here are shared by CopyCatch and SynchroTrap:

* ``ignore_mutual``: an event of ``u`` on a target owned by ``v`` is dropped when
  ``v`` also acted on something owned by ``u``. Friends who follow each other
  back within a few days (follow-back circles) are a social tie, not a farm;
  bots act on customers who never act back.
* ``owners``: hits are counted per target *owner* where owners are known, so a
  fan club liking five posts of one account counts as one hit, not five.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._segments import segment_order
from ...graph import InteractionGraph, kind_code

__all__ = ["LockstepEvents", "lockstep_events", "kinds_tuple"]


@dataclass(frozen=True)
class LockstepEvents:
    """Eligible events, first per (user, target), sorted by user; also laid out by target."""

    users: np.ndarray
    targets: np.ndarray
    times: np.ndarray
    owners: np.ndarray  # owner code per event (the target itself when owners are unknown)
    target_owner: np.ndarray  # owner code per target (same codes)
    n_users: int
    n_targets: int
    n_owners: int
    user_degree: np.ndarray  # distinct eligible targets per user
    target_degree: np.ndarray  # distinct eligible users per target
    t_ptr: np.ndarray  # events sorted by (target, time): segment starts per target
    t_user: np.ndarray
    t_time: np.ndarray
    u_ptr: np.ndarray  # events sorted by (user, target): segment starts per user
    u_tgt: np.ndarray
    u_time: np.ndarray
    n_dropped_mutual: int

    @property
    def n_events(self) -> int:
        """Number of eligible events."""
        return len(self.users)


def kinds_tuple(kinds: str | tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The ``kinds`` parameter as a tuple (one kind may be given as a string)."""
    return None if kinds is None else (kinds,) if isinstance(kinds, str) else tuple(kinds)


def lockstep_events(
    graph: InteractionGraph, *, kinds: tuple[str, ...] | None, ignore_mutual: bool
) -> LockstepEvents:
    """Select and lay out the events of ``graph`` the lockstep detectors use."""
    keep = np.ones(graph.n_events, dtype=bool)
    if kinds:
        keep &= np.isin(graph.kinds, [kind_code(k) for k in kinds])
    owner_codes, n_owners = graph.owner_codes()
    n_dropped = 0
    if ignore_mutual and graph.target_owners is not None:
        mutual = graph.mutual_events() & keep
        n_dropped = int(mutual.sum())
        keep &= ~mutual
    users = graph.users[keep].astype(np.int64)
    targets = graph.targets[keep].astype(np.int64)
    times = graph.times[keep].astype(np.int64)  # type: ignore[index]
    # One event per (user, target), the first: a like and the comment after it
    # are one action on the target, and windows then count distinct users.
    # Sorting by (user, target) stably over time-ordered events finds the first
    # of each pair and gives the by-user layout at the same time.
    if len(times) > 1 and not bool(np.all(times[1:] >= times[:-1])):
        by_time = np.argsort(times, kind="stable")
        users, targets, times = users[by_time], targets[by_time], times[by_time]
    pair = users * graph.n_targets + targets
    by_pair = np.argsort(pair, kind="stable")
    pair = pair[by_pair]
    first = np.ones(len(pair), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    by_user = by_pair[first]
    users, targets, times = users[by_user], targets[by_user], times[by_user]
    owners = owner_codes[targets]
    user_degree = np.bincount(users, minlength=graph.n_users)
    target_degree = np.bincount(targets, minlength=graph.n_targets)
    u_ptr = np.zeros(graph.n_users + 1, dtype=np.int64)
    np.cumsum(user_degree, out=u_ptr[1:])
    order, t_ptr = segment_order((times, targets), graph.n_targets)
    return LockstepEvents(
        users,
        targets,
        times,
        owners,
        owner_codes,
        graph.n_users,
        graph.n_targets,
        n_owners,
        user_degree.astype(np.int64),
        target_degree.astype(np.int64),
        t_ptr,
        users[order],
        times[order],
        u_ptr,
        targets,
        times,
        n_dropped,
    )
