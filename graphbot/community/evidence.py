"""Evidence that a community of the co-action graph is coordinated, not organic.

Communities of the user-user co-action graph include innocent ones (a fan club
liking every post of its idol, followers of one celebrity). Each community is
therefore scored from evidence, each piece measured against chance:

``exclusivity``
    Share of the members' co-action weight that stays inside the community
    (one minus conductance). Modularity also cuts the organic giant component
    into large communities; those keep about half their weight outside, a
    farm keeps nearly all of it inside.
``density``
    Fraction of member pairs linked in the co-action graph.
``target_overlap``
    For an action of a member, the expected fraction of the other members who
    acted on the same target: ``sum_t c_t (c_t - 1) / ((n - 1) sum_t c_t)``
    with ``c_t`` the members acting on target ``t``. Camouflage dilutes it.
``synchrony``
    Fraction of member actions on shared targets that fall within ``window``
    seconds of the members' median time on that target, minus the same
    fraction after shuffling each user's timestamps among its own events (the
    null keeps each user's rhythm and volume, destroys alignment between users).
``creation_burst``
    Largest fraction of members whose accounts were created within
    ``creation_window`` seconds of each other, minus the fraction expected for a
    random set of users of the same size (farms create accounts in batches).
``chance_excess``
    ``1 - W_null / W_obs``: the share of the community's internal co-action
    weight ``W_obs`` that the shuffled-timestamp null graph does not reproduce
    (``W_null``, same members). A community that is as tight by chance scores 0.

Each piece lies in [0, 1]. The suspiciousness score is ``exclusivity`` times
the weighted mean of the other pieces that are available (synchrony and chance
need times; burst needs creation times): exclusivity says whether the group is
a group at all, the rest how coordinated it is. Organic look-alikes are tight
and synchronous too (fan clubs like each post within the hour), so no single
piece decides; the synthetic benchmark in ``tests/test_community.py`` checks
that farms score high and organic communities low.

References
----------
.. [1] Cao, Yang, Yu, Palow, "Uncovering Large Groups of Active Malicious
   Accounts in Online Social Networks" (SynchroTrap), CCS 2014.
.. [2] Pacheco, Hui, Torres-Lugo, Truong, Flammini, Menczer, "Uncovering
   Coordinated Networks on Social Media: Methods and Case Studies", ICWSM 2021.
.. [3] Cresci, Di Pietro, Petrocchi, Spognardi, Tesconi, "Fame for sale:
   efficient detection of fake Twitter followers", Decision Support Systems
   80 (2015) -- account-creation bursts of bought followers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ..graph import InteractionGraph

__all__ = [
    "EVIDENCE",
    "shuffle_times_within_users",
    "community_evidence",
    "events_by_user",
    "suspiciousness",
]

EVIDENCE = (
    "exclusivity",
    "density",
    "target_overlap",
    "synchrony",
    "creation_burst",
    "chance_excess",
)


def shuffle_times_within_users(
    graph: InteractionGraph, generator: np.random.Generator
) -> InteractionGraph:
    """The same events with each user's timestamps permuted among its own events.

    Each user keeps its number of actions, targets and activity times; only
    which action happened when is randomised, so any alignment *between*
    users on a target is destroyed.

    Examples
    --------
    >>> g = InteractionGraph.from_events([0, 0, 1], [0, 1, 0], times=[5, 9, 7])
    >>> s = shuffle_times_within_users(g, np.random.default_rng(0))
    >>> sorted(s.times[s.users == 0].tolist()), s.times[s.users == 1].tolist()
    ([5, 9], [7])
    """
    times = graph.require_times("the shuffled-timestamp null model")
    by_user = np.argsort(graph.users, kind="stable")
    shuffled = np.lexsort((generator.random(graph.n_events), graph.users))
    new = np.empty_like(times)
    new[by_user] = times[shuffled]
    return graph.with_event_columns(times=new)


def events_by_user(graph: InteractionGraph) -> tuple[np.ndarray, np.ndarray]:
    """Event indices grouped by user and the start of each user's run (CSR-style)."""
    order = np.argsort(graph.users, kind="stable")
    starts = np.searchsorted(graph.users[order], np.arange(graph.n_users + 1))
    return order, starts


def _member_events(index: tuple[np.ndarray, np.ndarray], members: np.ndarray) -> np.ndarray:
    order, starts = index
    spans = [order[starts[u] : starts[u + 1]] for u in members]
    return np.concatenate(spans) if spans else np.array([], np.int64)


def _target_overlap(graph: InteractionGraph, members: np.ndarray) -> tuple[float, np.ndarray]:
    sub = graph.csr[members]
    counts = np.bincount(sub.indices, minlength=graph.n_targets)
    hit = counts[counts > 0].astype(np.float64)
    shared = np.flatnonzero(counts > 1)
    n = len(members)
    if n < 2 or hit.sum() == 0:
        return 0.0, shared
    return float((hit * (hit - 1)).sum() / ((n - 1) * hit.sum())), shared


def _synchrony(times: np.ndarray, targets: np.ndarray, window: float) -> float:
    """Fraction of events within ``window`` of their target's median time (targets with >= 2)."""
    if len(times) < 2:
        return 0.0
    order = np.lexsort((times, targets))
    tg, tm = targets[order], times[order].astype(np.float64)
    bounds = np.flatnonzero(np.diff(tg)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(tg)]])
    sizes = ends - starts
    keep = sizes >= 2
    if not keep.any():
        return 0.0
    mid = starts + (sizes - 1) // 2  # median by position (times sorted within target)
    median = np.repeat(tm[mid], sizes)
    close = np.abs(tm - median) <= window
    in_shared = np.repeat(keep, sizes)
    return float(close[in_shared].mean())


def _creation_burst(created: np.ndarray, width: float) -> float:
    """Largest fraction of ``created`` values inside any interval of length ``width``."""
    known = np.sort(created[np.isfinite(created)])
    if len(known) < 2:
        return 0.0
    ends = np.searchsorted(known, known + width, side="right")
    return float((ends - np.arange(len(known))).max() / len(known))


def _expected_burst(
    all_created: np.ndarray, size: int, width: float, generator: np.random.Generator, n: int = 20
) -> float:
    known = all_created[np.isfinite(all_created)]
    if len(known) < size or size < 2:
        return 0.0
    draws = [_creation_burst(generator.choice(known, size, replace=False), width) for _ in range(n)]
    return float(np.mean(draws))


def _internal_weight(adjacency: sp.csr_matrix, members: np.ndarray) -> tuple[float, int, float]:
    rows = adjacency[members]
    block = rows[:, members]
    return float(block.sum()) / 2.0, int(block.nnz) // 2, float(rows.sum())


def community_evidence(
    graph: InteractionGraph,
    adjacency: sp.csr_matrix,
    members: np.ndarray,
    *,
    window: float | None,
    null_adjacency: sp.csr_matrix | None = None,
    null_times: np.ndarray | None = None,
    creation_window: float = 86_400.0,
    generator: np.random.Generator | None = None,
    event_index: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, Any]:
    """All evidence for one community (see the module docstring).

    Examples
    --------
    >>> g = InteractionGraph.from_events([0, 0, 1, 1, 2], [0, 1, 0, 1, 2])
    >>> a = sp.csr_matrix(np.array([[0, 2, 0], [2, 0, 0], [0, 0, 0]]))
    >>> ev = community_evidence(g, a, np.array([0, 1]), window=None)
    >>> ev["exclusivity"], ev["density"], ev["target_overlap"]
    (1.0, 1.0, 1.0)
    """
    members = np.asarray(members, dtype=np.int64)
    generator = generator if generator is not None else np.random.default_rng(0)
    n = len(members)
    weight, links, total = _internal_weight(adjacency, members)
    overlap, shared_targets = _target_overlap(graph, members)
    ev: dict[str, Any] = {
        "n_users": n,
        "n_shared_targets": len(shared_targets),
        "internal_weight": weight,
        "exclusivity": 2.0 * weight / total if total > 0 else 0.0,
        "density": 2.0 * links / (n * (n - 1)) if n > 1 else 0.0,
        "target_overlap": overlap,
    }
    if graph.times is not None and window is not None:
        events = _member_events(event_index or events_by_user(graph), members)
        on_shared = np.isin(graph.targets[events], shared_targets)
        events = events[on_shared]
        observed = _synchrony(graph.times[events], graph.targets[events], window)
        ev["synchrony_observed"] = observed
        if null_times is not None:
            null = _synchrony(null_times[events], graph.targets[events], window)
            ev["synchrony_null"] = null
            ev["synchrony"] = max(0.0, observed - null) / max(1.0 - null, 1e-9)
    if null_adjacency is not None:
        null_weight, _, _ = _internal_weight(null_adjacency, members)
        ev["null_weight"] = null_weight
        ev["chance_excess"] = max(0.0, 1.0 - null_weight / weight) if weight > 0 else 0.0
    if graph.user_created is not None and np.isfinite(graph.user_created[members]).sum() >= 2:
        burst = _creation_burst(graph.user_created[members], creation_window)
        expected = _expected_burst(graph.user_created, n, creation_window, generator)
        ev["creation_burst_observed"] = burst
        ev["creation_burst"] = max(0.0, burst - expected) / max(1.0 - expected, 1e-9)
    return ev


def suspiciousness(evidence: dict[str, Any], weights: dict[str, float] | None = None) -> float:
    """``exclusivity`` times the weighted mean of the other evidence pieces present.

    Parameters
    ----------
    evidence : dict
        Output of :func:`community_evidence`.
    weights : dict, optional
        Weight per piece (default 1 each) in the mean.

    Examples
    --------
    >>> suspiciousness({"exclusivity": 0.5, "density": 1.0, "target_overlap": 0.5})
    0.375
    """
    weights = weights or {}
    present = [k for k in EVIDENCE[1:] if k in evidence]
    gate = float(evidence.get("exclusivity", 1.0))
    if not present:
        return gate
    w = np.array([weights.get(k, 1.0) for k in present], dtype=np.float64)
    v = np.array([float(evidence[k]) for k in present])
    return gate * float((w * v).sum() / w.sum()) if w.sum() > 0 else gate
