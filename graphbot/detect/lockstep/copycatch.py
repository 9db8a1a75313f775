"""CopyCatch: groups of users acting on the same targets around the same times.

Beutel et al. define a lockstep cluster as ``n`` users and ``m`` targets with a
centre time ``c_j`` per target such that every user acted on at least a ``rho``
fraction of the ``m`` targets within ``dt`` of their centres, and find clusters
by an iterative local search from seeds that alternates between choosing the
users given targets and centres, and moving the centres given the users.

This implementation keeps that alternation and makes it usable without knowing
``n``, ``m`` or ``rho``:

* **Seeds from the data.** Every target gets its densest ``±dt`` burst; pairs of
  targets (of different owners) whose bursts share more users than chance
  (Poisson tail on ``|B1 ∩ B2|`` against ``|B1| |B2| / n_active``, lift >= 3) at
  different moments (centres more than ``2 dt`` apart: one session is not
  lockstep) seed the search. Two rankings are interleaved -- raw surprise, and overlap weighted
  by ``1/(h-1)`` for a user in ``h`` bursts per burst size (a binge session links
  many bursts by one user) -- and the seed's users are the two bursts' members.
* **Targets given users.** For each target the centre is moved to the ``±dt``
  window holding most cluster users; the target joins when that count is at
  least 2 and improbable for a target of its popularity (Poisson, Bonferroni over
  the targets tested) -- so viral posts, which everybody likes, never anchor a
  cluster, and chance coincidences in a big graph do not grow into one.
* **Users given targets.** A user's hits are the distinct target *owners* among
  cluster targets acted on within ``dt`` of the centre (a fan liking five posts
  of one account is one hit). The paper's ``hits >= rho * m`` becomes: at least
  ``min_hits`` hits, ``rho * m`` if ``rho`` is given, and a Poisson tail below
  ``alpha / n_users_hit`` given the user's activity and the share of the other
  users' events falling in the cluster's windows -- so an active user who likes
  many popular posts is not a bot, and a large farm does not raise its own bar.
* Several clusters: each accepted cluster's users and targets are removed from
  later searches. A cluster is kept with at least ``min_users`` users and
  ``min_targets`` distinct target owners.

All of a local search's steps cost what the cluster's own events cost (the
kernels index events by user and by target), so trying hundreds of seeds stays
cheap on graphs with millions of users.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.stats import poisson

from ..._checks import check_fraction, check_int, check_number
from ..._rng import RNGLike, resolve_rng
from ..._segments import segment_order
from ...graph import InteractionGraph
from ...result import DetectionResult, SuspiciousGroup
from .._groups import block_stats
from .._registry import check_graph, make_result, register_detector
from .._significance import significant_groups
from ._events import LockstepEvents, kinds_tuple, lockstep_events
from ._kernels import (
    best_windows,
    pair_weighted_overlap,
    subset_best_windows,
    subset_window_hits,
)

__all__ = ["copycatch"]

HOUR = 3600
_MAX_SEED_BURSTS = 50
_OPENING = 24 * HOUR  # a post's opening: its first day


@register_detector(
    "copycatch",
    family="lockstep",
    class_name="CopyCatch",
    needs_times=True,
    demo_params={"min_users": 5, "min_targets": 5},
    tested=True,
)
def copycatch(
    graph: InteractionGraph,
    *,
    dt: float = 3 * HOUR,
    min_users: int = 10,
    min_targets: int = 10,
    rho: float | None = None,
    min_hits: int = 2,
    alpha: float = 0.05,
    n_clusters: int = 10,
    max_seeds: int = 200,
    max_iter: int = 30,
    kinds: tuple[str, ...] | None = None,
    ignore_mutual: bool = True,
    fdr: float = 0.05,
    progress: bool = False,
    rng: RNGLike = None,
) -> DetectionResult:
    """CopyCatch lockstep clusters: users hitting the same targets near the same times.

    Parameters
    ----------
    graph : InteractionGraph
        Needs timestamps.
    dt : float
        Half-width in seconds of the window around each target's centre time
        (default 3 h, i.e. a 6-hour window).
    min_users, min_targets : int
        Smallest cluster reported: users, and distinct owners of its targets.
    rho : float, optional
        The paper's minimum fraction of the cluster's targets each user must
        hit; ``None`` relies on ``min_hits`` and the significance test only,
        which also catches sparse farms (each bot hitting 5% of targets).
    min_hits : int
        Minimum distinct target owners a user must hit in-window.
    alpha : float
        Family-wise significance level of the Poisson tests for users and
        targets (Bonferroni over the users / targets tested in each step).
    n_clusters : int
        Maximum number of clusters returned.
    max_seeds : int
        Maximum number of seeds tried (bounds the run time).
    max_iter : int
        Maximum alternations per seed.
    kinds : tuple of str, optional
        Event kinds used (default all).
    ignore_mutual : bool
        Drop events between users who act on each other's targets (follow-back
        circles are friends, not farms).
    fdr : float
        False discovery rate of the decision: clusters are flagged when their
        synchrony beats their targets' own timing and they are no audience
        (:mod:`graphbot.detect._significance`), Benjamini-Hochberg over the
        clusters found.
    progress : bool
        Show a tqdm bar over seeds.
    rng : None, int or Generator
        Breaks ties between equally surprising seeds.

    Returns
    -------
    DetectionResult
        ``user_scores``: best in-window hit fraction over clusters, plus 1 for
        cluster members (members always rank above non-members). Groups carry
        ``rho`` (median member hit fraction), ``median_target_spread`` and
        centre times in ``stats``.

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
    >>> r = copycatch(g, min_users=5, min_targets=5, rng=0)
    >>> sorted(int(u) for u in g.user_ids[r.flagged()])
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]

    References
    ----------
    .. [1] Beutel, Xu, Guruswami, Palow, Faloutsos. "CopyCatch: Stopping Group
       Attacks by Spotting Lockstep Behavior in Social Networks", WWW 2013.
    """
    started = time.perf_counter()
    check_graph(graph, "copycatch", needs_times=True)
    params = _check_params(
        dt,
        min_users,
        min_targets,
        rho,
        min_hits,
        alpha,
        n_clusters,
        max_seeds,
        max_iter,
        kinds,
        ignore_mutual,
        fdr,
    )
    generator, seed = resolve_rng(rng)
    ev = lockstep_events(graph, kinds=params["kinds"], ignore_mutual=ignore_mutual)
    half = int(params["dt"])
    seeds, centre = _seed_pairs(ev, half, params["max_seeds"], params["min_users"], generator)
    clusters, n_tried, iters = _search(ev, seeds, centre, half, params, progress)
    scores = np.zeros(graph.n_users)
    candidates = []
    for users, targets, centres, hits, m in clusters:
        scores = np.maximum(scores, hits / m)
        stats = block_stats(graph, users, targets)
        frac = hits[users] / m
        stats.update(
            {
                "rho": float(np.median(frac)),
                "n_owners": int(m),
                "centres": centres.tolist(),
                "dt": half,
            }
        )
        surprise = float(len(users) * np.median(frac) * m)
        candidates.append((SuspiciousGroup(users, targets, surprise, stats), hits / m))
    flagged, groups, tested = significant_groups(
        graph, [g for g, _ in candidates], fdr=params["fdr"], rng=generator,
        ignore_mutual=params["ignore_mutual"],
    )
    for (group, fraction), flag in zip(candidates, flagged):
        if flag:  # members rank above everybody else
            scores[group.users] = np.maximum(scores[group.users], 1.0 + fraction[group.users])
    groups.sort(key=lambda g: -g.score)
    params["rng"] = seed
    meta = {
        "n_seeds": len(seeds),
        "n_seeds_tried": n_tried,
        "iterations": iters,
        "n_events_used": ev.n_events,
        "n_mutual_dropped": ev.n_dropped_mutual,
    }
    return make_result(
        "copycatch", graph, scores, groups, params=params, started=started, meta=meta,
        evidence={"tested_groups": tested},
    )  # fmt: skip


def _check_params(
    dt,
    min_users,
    min_targets,
    rho,
    min_hits,
    alpha,
    n_clusters,
    max_seeds,
    max_iter,
    kinds,
    ignore_mutual,
    fdr,
) -> dict[str, Any]:
    return {
        "dt": check_number(
            "dt", dt, low=0.0, low_inclusive=False, what="a positive number of seconds"
        ),
        "min_users": check_int("min_users", min_users, low=2),
        "min_targets": check_int("min_targets", min_targets, low=1),
        "rho": None if rho is None else check_fraction("rho", rho),
        "min_hits": check_int("min_hits", min_hits, low=1),
        "alpha": check_number(
            "alpha", alpha, low=0.0, high=1.0, low_inclusive=False, what="a probability in (0, 1]"
        ),
        "n_clusters": check_int("n_clusters", n_clusters, low=1),
        "max_seeds": check_int("max_seeds", max_seeds, low=1),
        "max_iter": check_int("max_iter", max_iter, low=1),
        "kinds": kinds_tuple(kinds),
        "ignore_mutual": bool(ignore_mutual),
        "fdr": check_fraction("fdr", fdr),
    }


def _seed_pairs(
    ev: LockstepEvents, half: int, max_seeds: int, min_users: int, generator: np.random.Generator
) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Target pairs (different owners) whose densest bursts overlap far beyond chance."""
    everyone = np.ones(ev.n_users, dtype=np.bool_)
    size, centre = best_windows(ev.t_ptr, ev.t_user, ev.t_time, everyone, half)
    inside = (size[ev.targets] >= 3) & (np.abs(ev.times - centre[ev.targets]) <= half)
    # events are already one per (user, target), sorted by user then target
    rows, cols = ev.users[inside].astype(np.int64), ev.targets[inside].astype(np.int64)
    n_bursts = np.bincount(rows, minlength=ev.n_users)
    # Users in very many bursts link quadratically many pairs and are no evidence
    # of anything: leave them out of seeding (not of the search).
    light = n_bursts[rows] <= _MAX_SEED_BURSTS
    rows, cols = rows[light], cols[light]
    member = sp.csr_matrix(
        (np.ones(len(rows), np.float32), (rows, cols)), shape=(ev.n_users, ev.n_targets)
    )
    overlap = sp.triu(member.T.tocsr() @ member, k=1).tocoo()
    t1, t2, shared = overlap.row, overlap.col, overlap.data.astype(np.float64)
    owner = ev.target_owner
    keep = (shared >= 2) & (owner[t1] != owner[t2])
    t1, t2, shared = t1[keep], t2[keep], shared[keep]
    n_active = max(int((ev.user_degree > 0).sum()), 1)
    expected = size[t1].astype(np.float64) * size[t2] / n_active
    # Overlaps beyond chance only (viral posts overlap "significantly" by sheer
    # size but with a lift near 1). Two rankings are interleaved: raw surprise
    # (finds dense farms first) and weighted overlap per burst size (finds
    # sparse farms among binge sessions). The bar is low on purpose: a bad seed
    # only costs one short local search.
    surprise = -poisson.logsf(shared - 1, expected)
    useful = (surprise >= -np.log(1e-2)) & (shared >= 3 * expected)
    # Two bursts at the same moment sharing a few users are one session (a
    # binge, an on-boarding list); sharing a crowd of users they are a farm
    # acting in one session, which no single user's binge explains.
    useful &= (np.abs(centre[t1] - centre[t2]) > 2 * half) | (shared >= min_users)
    # Two bursts that both open posts liked by many others are the posts'
    # audiences (fans who like each new post first), not a seed: they would
    # spend the seed budget. A burst that is nearly all of its target's activity
    # is no audience of anything and stays.
    opens = _opening_bursts(ev, centre) & (size < 0.9 * ev.target_degree)
    useful &= ~(opens[t1] & opens[t2])
    t1, t2, surprise = t1[useful], t2[useful], surprise[useful]
    # A user in h bursts links h(h-1)/2 burst pairs by himself (a binge session
    # does); weighting each shared user by 1/(h-1) keeps such users from
    # making seeds, while bots, in a few bursts each, weigh in fully.
    weight = 1.0 / np.maximum(n_bursts - 1, 1)
    by_target, t_ptr = segment_order((rows, cols), ev.n_targets)
    evidence = pair_weighted_overlap(t_ptr, rows[by_target], weight, t1, t2)
    rank = evidence / np.sqrt(size[t1] * size[t2])
    tie = generator.random(len(t1))
    by_surprise = np.lexsort((tie, -surprise))
    by_weight = np.lexsort((tie, -rank))
    both = np.column_stack([by_surprise, by_weight])
    _, first = np.unique(both.ravel(), return_index=True)
    good = both.ravel()[np.sort(first)][: 4 * max_seeds]
    return [(int(t1[i]), int(t2[i])) for i in good], centre


def _opening_bursts(ev: LockstepEvents, centre: np.ndarray) -> np.ndarray:
    """Targets whose densest burst is centred within a day of their first event."""
    has = ev.t_ptr[1:] > ev.t_ptr[:-1]
    if not len(ev.t_time):
        return has
    first = ev.t_time[np.minimum(ev.t_ptr[:-1], len(ev.t_time) - 1)]
    return has & (centre - first <= _OPENING)


def _search(ev, seeds, centre, half, params, progress):
    """Run the local search from seeds until enough clusters or seeds run out."""
    from tqdm.auto import tqdm

    owner = ev.target_owner
    available = np.ones(ev.n_users, dtype=bool)
    covered = np.zeros(ev.n_targets, dtype=bool)
    clusters, n_tried, iterations = [], 0, []
    bar = tqdm(total=params["max_seeds"], disable=not progress, desc="copycatch", unit="seed")
    for t1, t2 in seeds:
        if len(clusters) >= params["n_clusters"] or n_tried >= params["max_seeds"]:
            break
        if covered[t1] or covered[t2]:
            continue
        n_tried += 1
        bar.update(1)
        seed = np.array([t1, t2])
        hit_users, _, _ = subset_window_hits(
            ev.t_ptr, ev.t_user, ev.t_time, seed, centre[seed], owner[seed], half
        )
        members = hit_users[available[hit_users]]
        found, n_iter = _local_search(ev, members, owner, available, half, params)
        iterations.append(n_iter)
        if found is None:
            continue
        users, targets, centres, hits, m = found
        if len(users) >= params["min_users"] and m >= params["min_targets"]:
            clusters.append(found)
            available[users] = False
            covered[targets] = True
    bar.close()
    return clusters, n_tried, iterations


def _local_search(ev, members, owner, available, half, params):
    """Alternate targets-given-users and users-given-targets from a seed's users.

    Users are kept as sorted index arrays so an iteration costs what the
    cluster's events cost, not the size of the graph.
    """
    for n_iter in range(1, params["max_iter"] + 1):
        targets, centres = _targets_given_users(ev, members, half, params["alpha"])
        if len(targets) == 0:
            return None, n_iter
        hit_users, hits, mass = subset_window_hits(
            ev.t_ptr, ev.t_user, ev.t_time, targets, centres, owner[targets], half
        )
        m = len(np.unique(owner[targets]))
        new_members = _users_given_targets(ev, hit_users, hits, mass, members, m, available, params)
        if np.array_equal(new_members, members):
            break
        members = new_members
        if len(members) == 0:
            return None, n_iter
    dense = np.zeros(ev.n_users)
    dense[hit_users] = hits
    return (members, targets, centres, dense, m), n_iter


def _targets_given_users(ev, members, half, alpha):
    """Move each centre to the window with most cluster users; keep improbable targets."""
    targets, count, centre = subset_best_windows(ev.u_ptr, ev.u_tgt, ev.u_time, members, half)
    load = float(ev.user_degree[members].sum())
    expected = load * ev.target_degree[targets] / max(float(ev.n_events), 1.0)
    # Bonferroni over the targets tested: with many users and targets, some
    # target is always hit twice by chance, and a search that keeps it would
    # grow clusters out of noise.
    keep = (count >= 2) & (poisson.sf(count - 1, expected) <= alpha / max(len(targets), 1))
    return targets[keep], centre[keep]


def _users_given_targets(ev, hit_users, hits, mass, members, m, available, params):
    """Users hitting enough cluster targets in-window, more than their activity explains.

    The chance of an action landing in the cluster's windows is estimated from
    everybody but the current cluster (leave-cluster-out), so a big farm does
    not raise the bar for its own members.
    """
    is_member = np.isin(hit_users, members, assume_unique=True)
    own_mass = float(hits[is_member].sum())
    own_events = float(ev.user_degree[members].sum())
    share = max(float(mass) - own_mass, 1.0) / max(ev.n_events - own_events, 1.0)
    need = params["min_hits"]
    if params["rho"] is not None:
        need = max(need, int(np.ceil(params["rho"] * m)))
    ok = (hits >= need) & available[hit_users]
    expected = ev.user_degree[hit_users[ok]] * share
    at_risk = max(len(hit_users), 1)  # Bonferroni over users with any hit
    p = poisson.sf(hits[ok] - 1, expected)
    return hit_users[ok][p <= params["alpha"] / at_risk]


CopyCatch = copycatch.estimator  # type: ignore[attr-defined]
