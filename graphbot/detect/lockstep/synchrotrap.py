"""SynchroTrap: campaigns of users whose actions match in time, pair by pair.

Cao et al. represent each user by the set of their actions ``(constraint, time)``;
two actions match when they share the constraint (here: the target's owner
account, or the target itself when owners are unknown) and lie within a
tolerance window. The similarity of two users is the Jaccard index of their
matched actions, ``|A_u ∩ A_v| / |A_u ∪ A_v|``; pairs above a threshold are
joined by single-linkage clustering (connected components), and large
components are reported as campaigns.

Pairs are only ever counted among users who share a constraint inside the
window: events are partitioned by constraint and sorted by time, and each
user's events are matched only against the window around them (the numba
kernel of :mod:`graphbot.community.projection`), so the work never goes O(users^2).

Three guards keep innocent look-alikes out, each a parameter:

* ``popular_quantile``: the most popular targets (top 5% by distinct users) are
  not constraints -- sharing a viral post within hours says nothing about two
  users (the paper likewise partitions away heavy-hitter constraints).
  Popularity is judged without the target's densest burst unless that burst
  opens its activity, so a farm cannot hide its customers by making them popular.
* ``min_matched``: a pair needs at least two matched actions; one shared post
  within hours happens to everybody.
* ``alpha``: a pair's matched actions must be improbable given how active both
  users are and how often any two actions match in this data, so small,
  crowded worlds do not chain everyone into one component.
* ``min_span``: the matched actions of a pair must span at least this many
  seconds, i.e. the pair was in sync more than once. Two MovieLens newcomers
  rating the same on-boarding list in the same hour are one session, not a
  campaign; a farm acts in lockstep again and again.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.stats import poisson

from ..._checks import check_fraction, check_int, check_number
from ..._rng import RNGLike, resolve_rng
from ..._segments import segment_order, sorted_unique
from ...community._kernels import coaction_upper
from ...graph import InteractionGraph
from ...result import DetectionResult, SuspiciousGroup
from .._groups import block_stats
from .._registry import check_graph, make_result, register_detector
from .._significance import significant_groups
from ._events import LockstepEvents, kinds_tuple, lockstep_events
from ._kernels import best_windows, count_close_pairs

__all__ = ["synchrotrap"]

HOUR = 3600


@register_detector(
    "synchrotrap",
    family="lockstep",
    class_name="SynchroTrap",
    needs_times=True,
    demo_params={"min_cluster_size": 5},
    tested=True,
)
def synchrotrap(
    graph: InteractionGraph,
    *,
    window: float = 3 * HOUR,
    sim_threshold: float = 0.05,
    min_matched: int = 2,
    min_span: float | None = None,
    min_cluster_size: int = 10,
    alpha: float = 1e-4,
    popular_quantile: float = 0.95,
    kinds: tuple[str, ...] | None = None,
    ignore_mutual: bool = True,
    fdr: float = 0.05,
    progress: bool = False,
    rng: RNGLike = None,
) -> DetectionResult:
    """SynchroTrap campaigns: single-linkage clusters of users with matching actions.

    Parameters
    ----------
    graph : InteractionGraph
        Needs timestamps.
    window : float
        Tolerance in seconds: two actions on the same constraint match when
        at most this far apart.
    sim_threshold : float
        Minimum Jaccard similarity of matched actions for a pair to link.
    min_matched : int
        Minimum number of matched actions (distinct constraints) for a pair.
    min_span : float, optional
        Minimum seconds between a pair's first and last matched action
        (default ``2 * window``: in sync at two different moments).
    min_cluster_size : int
        Smallest campaign reported.
    alpha : float
        A pair links only if its number of matched actions is improbable by
        chance (Poisson tail below ``alpha``) given both users' numbers of
        actions and the data's overall rate of matching action pairs; this
        adapts the Jaccard threshold to how crowded the data is.
    popular_quantile : float
        Targets whose number of distinct users exceeds this quantile (over
        targets with any event) are not used as constraints; 1 keeps all. A
        target's densest ``window`` burst does not count towards its
        popularity unless it opens the target's activity.
    kinds : tuple of str, optional
        Event kinds used (default all).
    ignore_mutual : bool
        Drop events between users who act on each other's targets.
    fdr : float
        False discovery rate of the decision: groups are flagged when their
        synchrony beats their targets' own timing and they are no audience
        (:mod:`graphbot.detect._significance`), Benjamini-Hochberg over the
        groups found.
    progress : bool
        Show a tqdm bar over the pair counting.
    rng : None, int or Generator
        Unused by the (deterministic) algorithm; recorded for the contract.

    Returns
    -------
    DetectionResult
        ``user_scores``: each user's highest pair similarity, plus 1 for
        campaign members. Groups carry ``mean_similarity``, ``n_links``,
        ``shared_targets``, ``time_span`` and ``synchrony`` (share of the
        members' actions matched by another member) in ``stats``.

    Examples
    --------
    >>> import numpy as np
    >>> from graphbot import InteractionGraph
    >>> gen = np.random.default_rng(0)
    >>> users = np.repeat(np.arange(12), 6)                 # 12 bots ...
    >>> targets = np.tile(np.arange(6), 12)                 # ... on 6 targets
    >>> times = targets * 86_400 + gen.integers(0, 600, 72)  # within minutes per target
    >>> noise_u = gen.integers(100, 400, 600)
    >>> noise_t = gen.integers(0, 60, 600)
    >>> noise_s = gen.integers(0, 30 * 86_400, 600)
    >>> g = InteractionGraph.from_events(np.r_[users, noise_u], np.r_[targets, noise_t],
    ...                                  times=np.r_[times, noise_s])
    >>> r = synchrotrap(g, min_cluster_size=5, rng=0)
    >>> sorted(int(u) for u in g.user_ids[r.flagged()])
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]

    References
    ----------
    .. [1] Cao, Yang, Yu, Palow. "Uncovering Large Groups of Active Malicious
       Accounts in Online Social Networks", ACM CCS 2014.
    """
    started = time.perf_counter()
    check_graph(graph, "synchrotrap", needs_times=True)
    window = check_number(
        "window", window, low=0.0, low_inclusive=False, what="a positive number of seconds"
    )
    sim_threshold = check_fraction("sim_threshold", sim_threshold)
    min_matched = check_int("min_matched", min_matched, low=1)
    min_span = (
        2 * window
        if min_span is None
        else check_number("min_span", min_span, low=0.0, what="a non-negative number of seconds")
    )
    min_cluster_size = check_int("min_cluster_size", min_cluster_size, low=2)
    alpha = check_number(
        "alpha", alpha, low=0.0, high=1.0, low_inclusive=False, what="a probability in (0, 1]"
    )
    popular_quantile = check_fraction("popular_quantile", popular_quantile)
    kinds = kinds_tuple(kinds)
    fdr = check_fraction("fdr", fdr)
    generator, seed = resolve_rng(rng)

    ev = lockstep_events(graph, kinds=kinds, ignore_mutual=ignore_mutual)
    keep, cap = _constraint_events(ev, popular_quantile, window)
    users, owners, times = ev.users[keep], ev.owners[keep], ev.times[keep]
    by_owner = segment_order((times, owners), ev.n_owners)
    matched = coaction_upper(
        users, owners, times, ev.n_users, ev.n_owners, int(np.ceil(window)), min_matched,
        int(np.ceil(min_span)), progress, by_target=by_owner,
    ).tocoo()  # fmt: skip
    n_actions = _distinct_per_user(users, owners, ev.n_users, ev.n_owners)
    u, v, m = matched.row, matched.col, matched.data.astype(np.float64)
    jaccard = m / np.maximum(n_actions[u] + n_actions[v] - m, 1)
    rate = _match_rate(by_owner, times, window, n_actions)
    p_chance = poisson.sf(m - 1, rate * n_actions[u] * n_actions[v])
    scores = np.zeros(graph.n_users)
    np.maximum.at(scores, u, jaccard)
    np.maximum.at(scores, v, jaccard)
    link = (jaccard >= sim_threshold) & (p_chance <= alpha)
    campaigns = _campaigns(graph, ev, keep, u[link], v[link], jaccard[link], window,
                           min_cluster_size)  # fmt: skip
    _, groups, tested = significant_groups(
        graph, campaigns, fdr=fdr, rng=generator, ignore_mutual=ignore_mutual
    )
    for group in groups:
        scores[group.users] += 1.0
    params = {
        "window": window,
        "sim_threshold": sim_threshold,
        "min_matched": min_matched,
        "min_span": min_span,
        "min_cluster_size": min_cluster_size,
        "alpha": alpha,
        "popular_quantile": popular_quantile,
        "kinds": kinds,
        "ignore_mutual": bool(ignore_mutual),
        "fdr": fdr,
        "rng": seed,
    }
    meta = {
        "n_pairs_matched": int(len(m)),
        "n_links": int(link.sum()),
        "max_target_users": cap,
        "n_events_used": int(keep.sum()),
        "n_mutual_dropped": ev.n_dropped_mutual,
    }
    return make_result(
        "synchrotrap",
        graph,
        scores,
        groups,
        params=params,
        started=started,
        meta=meta,
        evidence={"pair_users": np.column_stack([u, v]), "pair_similarity": jaccard,
                  "tested_groups": tested},
    )


def _constraint_events(
    ev: LockstepEvents, quantile: float, window: float
) -> tuple[np.ndarray, int]:
    """Events whose target is not among the most popular; returns the mask and the cap.

    Popularity is judged without the suspected events: a target's densest
    ``window`` burst does not count unless it opens the target's activity (a
    post's cascade). A follower farm makes its customers popular in one burst;
    their organic following is what decides whether they are popular.
    """
    degree = _organic_degree(ev, window)
    used = degree[ev.target_degree > 0]
    if quantile >= 1.0 or len(used) == 0:
        return np.ones(ev.n_events, dtype=bool), int(used.max()) if len(used) else 0
    cap = int(np.floor(np.quantile(used, quantile)))
    return degree[ev.targets] <= cap, cap


def _organic_degree(ev: LockstepEvents, window: float) -> np.ndarray:
    """Events per target, less its densest burst unless the burst is its opening."""
    if len(ev.t_time) == 0:
        return ev.target_degree
    half = int(np.ceil(window / 2))
    everyone = np.ones(ev.n_users, dtype=np.bool_)
    size, centre = best_windows(ev.t_ptr, ev.t_user, ev.t_time, everyone, half)
    has = ev.t_ptr[1:] > ev.t_ptr[:-1]
    first = np.where(has, ev.t_time[np.minimum(ev.t_ptr[:-1], max(len(ev.t_time) - 1, 0))], 0)
    opening = centre - first <= 2 * half
    return np.where(opening | ~has, ev.target_degree, ev.target_degree - size)


def _match_rate(by_owner, times, window, n_actions) -> float:
    """Chance that two random actions match: matching event pairs over all action pairs."""
    order, ptr = by_owner
    close = count_close_pairs(ptr, times[order], int(np.ceil(window)))
    total = float(n_actions.sum())
    return 2.0 * close / max(total * total, 1.0)


def _distinct_per_user(users: np.ndarray, owners: np.ndarray, n_users: int, n_owners: int):
    keys = sorted_unique(users * np.int64(n_owners) + owners)
    return np.bincount(keys // n_owners, minlength=n_users).astype(np.float64)


def _campaigns(graph, ev, keep, u, v, sim, window, min_size) -> list[SuspiciousGroup]:
    """Connected components of the similarity links (single linkage), large ones kept."""
    n = graph.n_users
    links = sp.csr_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    _, label = connected_components(links, directed=False)
    sizes = np.bincount(label, minlength=1)
    big = np.flatnonzero(sizes >= min_size)
    groups = []
    for c in big:
        members = np.flatnonzero(label == c)
        inside = label[u] == c
        targets, synchrony = _shared_targets(ev, keep, members, window)
        stats = block_stats(graph, members, targets)
        stats.update(
            {
                "mean_similarity": float(sim[inside].mean()),
                "n_links": int(inside.sum()),
                "shared_targets": int(len(targets)),
                "synchrony": synchrony,
            }
        )
        groups.append(SuspiciousGroup(members, targets, float(sim[inside].sum()), stats))
    groups.sort(key=lambda g: -g.score)
    return groups


def _shared_targets(ev, keep, members, window) -> tuple[np.ndarray, float]:
    """Targets acted on by >= 2 members within ``window``; share of member actions on them."""
    in_group = np.zeros(ev.n_users, dtype=bool)
    in_group[members] = True
    sel = keep & in_group[ev.users]
    tgt, tms = ev.targets[sel], ev.times[sel]
    order = np.lexsort((tms, tgt))
    tgt, tms = tgt[order], tms[order]
    close = (tgt[1:] == tgt[:-1]) & (np.diff(tms) <= window)
    synced = np.zeros(len(tgt), dtype=bool)
    synced[1:] |= close
    synced[:-1] |= close
    targets = np.unique(tgt[synced])
    return targets, float(synced.mean()) if len(synced) else 0.0


SynchroTrap = synchrotrap.estimator  # type: ignore[attr-defined]
