"""BurstLink: very sparse lockstep farms, found by linking out-of-rhythm bursts.

A farm whose bots each hit only ~2% of its targets leaves almost no pair of
bots sharing two targets, so pairwise (SynchroTrap) and seed-pair (CopyCatch)
searches see nothing. The group still leaves a trace: every farm target
receives a small burst of bots at a moment unrelated to the target's own
rhythm, and the bipartite graph of bots x such bursts is connected. BurstLink
works in three steps:

1. **Candidate bursts.** For every target, its *main* window (the ``2 dt``
   window holding most users: for a post, the cascade right after it appears)
   and the most improbable other window at least ``gap`` away from it. That
   window's count is compared with a leave-window-out expectation: a box
   kernel (half-width ``gap``) over the target's other events -- so a post's
   long tail and next-morning wave are expected -- plus the target's other
   events spread like global activity (so busy days are expected too). When
   the Poisson tail is below ``p_burst``, the target has two separate bursts
   (one of them may be the farm's, before or after the organic cascade) and
   both become candidates (the main one only if at most 3 times as big). A
   post liked only in its first hours is normal and never a candidate. A main
   window is also a candidate by itself (``p_main``) when the target was
   already active well before it (two events and an eighth of the others a
   ``gap`` earlier) -- how a farm's burst looks on an old post. On targets of
   a kind that does not open with a cascade (median share of a target's
   events in its first window below a quarter: films rated over months, not
   posts) the main window is tested even when it opens the target's activity:
   a farm hitting an obscure film is often most of its ratings.
2. **Linkers.** A user's hits are the candidate bursts they are in, counted
   once per owner and once per moment (bursts less than ``2 dt`` apart are one
   session). A user links bursts when their hits are improbable for their
   activity (Poisson tail below ``p_user``, at least two hits), so heavy users
   need more. Components of the linker x burst graph are groups.
3. **Group test.** Under the null every event falls into a candidate burst
   with the probability ``q`` seen outside the group, so each user is a linker
   with a known probability; a group is kept when its number of linkers is
   improbable (Poisson tail below ``alpha``) given the expected number of
   linkers in the whole graph, and it has at least ``min_users`` of them.
   Users with one hit join when their burst is mostly (``share``) made of the
   group's linkers.

The method is this package's own: it borrows CopyCatch's windows around
per-target centres, SynchroTrap's one-session-is-not-lockstep rule and
CatchSync's group-level view of synchrony.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.stats import poisson

from ..._checks import check_fraction, check_int, check_number
from ..._rng import RNGLike, resolve_rng
from ...graph import InteractionGraph
from ...result import DetectionResult, SuspiciousGroup
from .._groups import block_stats
from .._registry import check_graph, make_result, register_detector
from .._significance import significant_groups
from ._burst_windows import distinct_moments, second_bursts, session_hits
from ._events import LockstepEvents, kinds_tuple, lockstep_events

__all__ = ["burstlink"]

HOUR = 3600
DAY = 86_400
_MAIN_RATIO = 3
_DENSE_RATIO = 10
_OPENING_SHARE = 0.25
_MIN_OPENING_EVENTS = 5
#: bursts of this many owners in one window make a user part of a one-session crowd
_SESSION_OWNERS = 3


@register_detector(
    "burstlink",
    family="lockstep",
    class_name="BurstLink",
    needs_times=True,
    demo_params={"min_users": 5},
    tested=True,
)
def burstlink(
    graph: InteractionGraph,
    *,
    dt: float = 3 * HOUR,
    gap: float = DAY,
    p_burst: float = 3e-3,
    p_main: float = 1e-5,
    min_users: int = 10,
    alpha: float = 0.05,
    share: float = 0.5,
    p_user: float = 1e-2,
    kinds: tuple[str, ...] | None = None,
    ignore_mutual: bool = True,
    fdr: float = 0.05,
    progress: bool = False,
    rng: RNGLike = None,
) -> DetectionResult:
    """Sparse lockstep groups: users linking several out-of-rhythm target bursts.

    Parameters
    ----------
    graph : InteractionGraph
        Needs timestamps.
    dt : float
        Half-width in seconds of a burst window (default 3 h: 6-hour windows).
    gap : float
        A second burst must lie this many seconds away from the target's main
        window; also the half-width of the kernel giving its expectation
        (default one day, which covers the daily rhythm).
    p_burst : float
        Poisson tail below which a target's second burst is improbable.
    p_main : float
        Poisson tail below which a target's main window is a candidate on its
        own (no second burst): only tested when the target was active (two
        events, an eighth of the others) a ``gap`` before it.
    min_users : int
        Smallest group reported (users linking at least two bursts).
    alpha : float
        Significance level of the group test.
    share : float
        A user with one hit joins a group when at least this share (and at
        least two) of the users of that burst are the group's linkers.
    p_user : float
        A user links bursts when their hit count (at least 2) has a Poisson
        tail below this, given their activity and the share of all events
        inside candidate bursts: heavy users need more hits.
    kinds : tuple of str, optional
        Event kinds used (default all).
    ignore_mutual : bool
        Drop events between users who act on each other's targets.
    fdr : float
        False discovery rate of the decision: groups are flagged when their
        synchrony beats their targets' own timing and they are no audience
        (:mod:`graphbot.detect._significance`), Benjamini-Hochberg over the
        groups found; the group's own Poisson test must reject too.
    progress : bool
        Show a tqdm bar over the three steps.
    rng : None, int or Generator
        Unused (the method is deterministic); recorded for reproducibility.

    Returns
    -------
    DetectionResult
        ``user_scores``: number of candidate bursts (distinct owners) a user is
        in, plus a constant lifting group members above everybody else.
        ``evidence["user_pvalues"]``: each user's own test, the Poisson upper
        tail of their hits given their activity and the share of events inside
        candidate bursts (1 for users with no hit); the ensemble uses it as is.

    Examples
    --------
    >>> import numpy as np
    >>> from graphbot import InteractionGraph
    >>> gen = np.random.default_rng(0)
    >>> n_t, day = 200, 86_400
    >>> born = gen.integers(0, 25 * day, n_t)               # posts appear ...
    >>> org_t = np.repeat(np.arange(n_t), 8)                # ... and get 8 likes within hours
    >>> org_s = born[org_t] + gen.integers(0, 4 * 3600, len(org_t))
    >>> org_u = gen.integers(100, 5000, len(org_t))
    >>> bot_u = np.repeat(np.arange(30), 3)                 # 30 bots, 3 posts each,
    >>> bot_t = gen.integers(0, 40, 90)                     # in one 6 h window per post
    >>> bot_s = (born + 3 * day)[bot_t] + gen.integers(0, 6 * 3600, 90)
    >>> g = InteractionGraph.from_events(np.r_[org_u, bot_u], np.r_[org_t, bot_t],
    ...                                  times=np.r_[org_s, bot_s])
    >>> r = burstlink(g, min_users=5)
    >>> bool(np.all(g.user_ids[r.flagged()] < 30)), len(r.flagged()) >= 20
    (True, True)

    References
    ----------
    .. [1] Beutel, Xu, Guruswami, Palow, Faloutsos. "CopyCatch: Stopping Group
       Attacks by Spotting Lockstep Behavior in Social Networks", WWW 2013.
    .. [2] Cao, Yang, Yu, Palow. "Uncovering Large Groups of Active Malicious
       Accounts in Online Social Networks" (SynchroTrap), CCS 2014.
    .. [3] Jiang, Cui, Beutel, Faloutsos, Yang. "CatchSync: Catching Synchronized
       Behavior in Large Directed Graphs", KDD 2014 (group-level synchrony).
    """
    started = time.perf_counter()
    check_graph(graph, "burstlink", needs_times=True)
    params = _check_params(
        dt, gap, p_burst, p_main, min_users, alpha, share, p_user, kinds, ignore_mutual, fdr
    )
    generator, seed = resolve_rng(rng)
    from tqdm.auto import tqdm

    bar = tqdm(total=3, disable=not progress, desc="burstlink", unit="step")
    ev = lockstep_events(graph, kinds=params["kinds"], ignore_mutual=ignore_mutual)
    width = int(2 * params["dt"])
    cascade_free = _cascade_free_targets(ev, _target_kinds(graph), width)
    b_target, b_lo, b_hi = _candidate_bursts(
        ev, cascade_free, width, float(params["gap"]), params["p_burst"], params["p_main"]
    )
    bar.update(1)
    b_id, members = _burst_members(b_lo, b_hi, ev)
    hits = _owner_hits(ev, b_target, b_lo, b_id, members, int(2 * params["dt"]))
    share = len(members) / max(ev.n_events, 1)  # of all events, inside candidate bursts
    bar.update(1)
    groups_found = _linked_groups(ev, b_id, members, hits, share, len(b_target), params)
    groups_found += _new_crowds(
        _session_groups(ev, b_target, b_lo, b_id, members, width, params["min_users"]),
        groups_found,
    )
    bar.update(1)
    bar.close()
    scores = hits.astype(np.float64)
    lift = float(hits.max()) + 1.0 if len(hits) else 1.0
    candidates = []
    for users, bursts, linkers, pvalue in groups_found:
        targets = np.unique(b_target[bursts])
        stats = block_stats(graph, users, targets)
        stats.update({"n_linkers": int(linkers), "n_bursts": len(bursts), "p_linkers": pvalue})
        score = float(-np.log10(max(pvalue, 1e-300)))
        candidates.append(SuspiciousGroup(users, targets, score, stats))
    _, groups, tested = significant_groups(
        graph, candidates, fdr=params["fdr"], rng=generator,
        ignore_mutual=params["ignore_mutual"],
        own_pvalues=[g.stats["p_linkers"] for g in candidates],
    )  # fmt: skip
    for group in groups:
        scores[group.users] += lift
    groups.sort(key=lambda g: -g.score)
    params["rng"] = seed
    meta = {
        "n_candidate_bursts": len(b_target),
        "n_hit_twice": int((hits >= 2).sum()),
        "n_events_used": ev.n_events,
        "n_mutual_dropped": ev.n_dropped_mutual,
    }
    # each user's own test: hits against the Poisson null of the linker rule
    user_pvalues = poisson.sf(hits - 1, ev.user_degree * share)
    return make_result(
        "burstlink", graph, scores, groups, params=params, started=started, meta=meta,
        evidence={"user_pvalues": user_pvalues, "tested_groups": tested},
    )  # fmt: skip


def _check_params(
    dt, gap, p_burst, p_main, min_users, alpha, share, p_user, kinds, ignore_mutual, fdr
) -> dict[str, Any]:
    seconds = "a positive number of seconds"
    return {
        "dt": check_number("dt", dt, low=0.0, low_inclusive=False, what=seconds),
        "gap": check_number("gap", gap, low=0.0, low_inclusive=False, what=seconds),
        "p_burst": check_number(
            "p_burst",
            p_burst,
            low=0.0,
            high=1.0,
            low_inclusive=False,
            what="a probability in (0, 1]",
        ),
        "p_main": check_number(
            "p_main", p_main, low=0.0, high=1.0, low_inclusive=False, what="a probability in (0, 1]"
        ),
        "min_users": check_int("min_users", min_users, low=2),
        "alpha": check_number(
            "alpha", alpha, low=0.0, high=1.0, low_inclusive=False, what="a probability in (0, 1]"
        ),
        "p_user": check_number(
            "p_user", p_user, low=0.0, high=1.0, low_inclusive=False, what="a probability in (0, 1]"
        ),
        "share": check_number("share", share, low=0.0, high=1.0, what="a fraction in [0, 1]"),
        "kinds": kinds_tuple(kinds),
        "ignore_mutual": bool(ignore_mutual),
        "fdr": check_fraction("fdr", fdr),
    }


def _candidate_bursts(
    ev: LockstepEvents,
    cascade_free: np.ndarray,
    width: int,
    gap: float,
    p_burst: float,
    p_main: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate bursts as (target, first, last event) in the by-target layout."""
    global_times = np.sort(ev.times)
    s_lo, s_hi, logp, m_lo, m_hi, main_logp, main_raw = second_bursts(
        ev.t_ptr, ev.t_time, width, gap, global_times, 2
    )
    t = np.flatnonzero((s_lo >= 0) & (logp <= np.log(p_burst)))
    ratio = (m_hi[t] - m_lo[t] + 1) / (s_hi[t] - s_lo[t] + 1)
    # A main window ten times bigger and improbable itself is the anomaly (a
    # dense farm's burst on an obscure post); the second one is then the post's
    # own cascade and is dropped.
    keep = (ratio <= _DENSE_RATIO) | (main_raw[t] > np.log(p_burst))
    t, ratio = t[keep], ratio[keep]
    # The main window joins when it is about as small as the second one: a
    # farm's burst and an obscure post's cascade are both a handful of users,
    # while a popular post's cascade (hundreds) is plainly its organic start ...
    two = t[ratio <= _MAIN_RATIO]
    # ... or when it is improbable by itself (a target with no cascade, e.g. a
    # film rated over months, that got a farm's burst). On targets of a kind
    # that opens with cascades (posts) only a main window after earlier
    # activity is tested; on cascade-free kinds (films) also the opening one.
    tested = np.where(cascade_free, main_raw, main_logp)
    alone = np.flatnonzero((m_lo >= 0) & (tested <= np.log(p_main)))
    m = np.union1d(two, alone)
    return np.r_[t, m], np.r_[s_lo[t], m_lo[m]], np.r_[s_hi[t], m_hi[m]]


def _target_kinds(graph: InteractionGraph) -> np.ndarray:
    """Kind code of each target (of one of its events: a target has one kind in practice)."""
    kinds = np.zeros(graph.n_targets, dtype=np.int64)
    kinds[graph.targets] = graph.kinds
    return kinds


def _cascade_free_targets(ev: LockstepEvents, target_kind: np.ndarray, width: int) -> np.ndarray:
    """Targets of a kind whose activity does not open with a cascade.

    A post gets most of its likes in its first hours (median opening share
    0.62-0.67 in the synthetic world at every popularity); a film in MovieLens
    is rated over months (median 0.02-0.29). Per kind, the median share of a
    target's events in its first window (targets with at least
    ``_MIN_OPENING_EVENTS``) below ``_OPENING_SHARE`` marks the kind
    cascade-free. A median is not moved by a farm's minority of targets.
    """
    counts = np.diff(ev.t_ptr)
    seen = counts > 0
    target_of_event = np.repeat(np.arange(len(counts)), counts)
    first_time = np.repeat(ev.t_time[ev.t_ptr[:-1][seen]], counts[seen])
    opening = ev.t_time - first_time <= width
    ends = np.bincount(target_of_event, weights=opening, minlength=len(counts))
    active = np.flatnonzero(counts >= _MIN_OPENING_EVENTS)
    share = ends[active] / counts[active]
    kind = target_kind[active]
    free = np.zeros(int(target_kind.max(initial=0)) + 1, dtype=bool)
    for k in np.unique(kind):
        free[k] = np.median(share[kind == k]) < _OPENING_SHARE
    return free[target_kind]


def _burst_members(b_lo, b_hi, ev) -> tuple[np.ndarray, np.ndarray]:
    """Burst id and user of every event inside a candidate burst."""
    lengths = b_hi - b_lo + 1
    b_id = np.repeat(np.arange(len(b_lo)), lengths)
    starts = np.repeat(b_lo - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    positions = starts + np.arange(int(lengths.sum()))
    return b_id, ev.t_user[positions].astype(np.int64)


def _owner_hits(ev, b_target, b_lo, b_id, members, width) -> np.ndarray:
    """Candidate bursts per user, of distinct owners and at distinct moments.

    A fan liking five posts of one account is one hit, and so is a session in
    which a user acts on many targets that all burst that evening (a release
    night, an on-boarding list): lockstep is the same users together again and
    again, at different moments.
    """
    owner = ev.target_owner
    when = ev.t_time[b_lo][b_id]
    # earliest burst per (user, owner), then ordered by user and time
    order = np.lexsort((when, owner[b_target[b_id]], members))
    u, o, w = members[order], owner[b_target[b_id]][order], when[order]
    first = np.ones(len(u), dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (o[1:] != o[:-1])
    u, w = u[first], w[first]
    by_time = np.lexsort((w, u))
    return distinct_moments(u[by_time], w[by_time], ev.n_users, width)


def _linked_groups(ev, b_id, members, hits, share, n_bursts, params):
    """Components of the linker x burst graph that hold improbably many linkers."""
    need = _hits_needed(ev.user_degree, share, params["p_user"])
    linker = hits >= need
    on = linker[members]
    link = sp.csr_matrix(
        (np.ones(int(on.sum())), (members[on], b_id[on])), shape=(ev.n_users, n_bursts)
    )
    _, label = connected_components(sp.bmat([[None, link], [link.T, None]]), directed=False)
    u_label, b_label = label[: ev.n_users], label[ev.n_users :]
    sizes = np.bincount(u_label[linker], minlength=label.max() + 1 if len(label) else 1)
    found = []
    for comp in np.flatnonzero(sizes >= params["min_users"]):
        core = linker & (u_label == comp)
        inside = b_label[b_id] == comp  # events in the group's bursts
        pvalue = _group_pvalue(ev, members, core, inside, need, int(sizes[comp]))
        if pvalue > params["alpha"]:
            continue
        users = _with_single_hitters(b_id, members, core, inside, n_bursts, params["share"])
        bursts = np.flatnonzero(b_label == comp)
        found.append((users, bursts, int(sizes[comp]), pvalue))
    return found


def _session_groups(ev, b_target, b_lo, b_id, members, width, min_users):
    """Crowds sharing many bursts of distinct owners at one moment: a farm acting in one session.

    The linker rule counts a session once, so a farm that delivers all its
    orders in one hour leaves every bot with one hit. A *crowd* in the same
    bursts at the same moment is what no single binge explains: users with
    bursts of at least ``_SESSION_OWNERS`` owners inside one ``width`` window,
    joined through the bursts they share, make a candidate group when at
    least ``min_users`` of them meet. It has no Poisson test of its own
    (p-value 0 here); the timing test decides.
    """
    owner = ev.target_owner[b_target[b_id]]
    when = ev.t_time[b_lo][b_id]
    order = np.lexsort((when, owner, members))  # first burst per (user, owner), by time
    u, o, w, b = members[order], owner[order], when[order], b_id[order]
    first = np.ones(len(u), dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (o[1:] != o[:-1])
    u, w, b = u[first], w[first], b[first]
    by_time = np.lexsort((w, u))
    u, w, b = u[by_time], w[by_time], b[by_time]
    ptr = np.searchsorted(u, np.arange(ev.n_users + 1))
    hits = session_hits(ptr, w, width)
    crowd = hits[u] >= _SESSION_OWNERS
    if int((hits >= _SESSION_OWNERS).sum()) < min_users:
        return []
    link = sp.csr_matrix((np.ones(int(crowd.sum())), (u[crowd], b[crowd])),
                         shape=(ev.n_users, len(b_target)))  # fmt: skip
    _, label = connected_components(sp.bmat([[None, link], [link.T, None]]), directed=False)
    u_label, b_label = label[: ev.n_users], label[ev.n_users :]
    in_crowd = hits >= _SESSION_OWNERS
    sizes = np.bincount(u_label[in_crowd], minlength=label.max() + 1 if len(label) else 1)
    found = []
    for comp in np.flatnonzero(sizes >= min_users):
        users = np.flatnonzero(in_crowd & (u_label == comp))
        found.append((users, np.flatnonzero(b_label == comp), len(users), 0.0))
    return found


def _new_crowds(crowds, linked):
    """Session crowds not already mostly inside a linked group (one farm, one hypothesis)."""
    if not linked:
        return crowds
    taken = np.unique(np.concatenate([users for users, *_ in linked]))
    return [c for c in crowds if np.isin(c[0], taken).mean() < 0.5]


def _hits_needed(degree: np.ndarray, q: float, p_user: float) -> np.ndarray:
    """Fewest hits (at least 2) improbable at level ``p_user`` for each user's activity.

    A user with hundreds of events falls into two candidate bursts by chance;
    a bot with four events does not.
    """
    mu = degree * q
    need = np.full(len(degree), 2, dtype=np.int64)
    todo = poisson.sf(need - 1, mu) > p_user
    while todo.any():
        need[todo] += 1
        todo &= poisson.sf(need - 1, mu) > p_user
    return need


def _group_pvalue(ev, members, core, inside, need, n_linkers) -> float:
    """Poisson tail of the group's linkers given the linkers expected graph-wide.

    The chance of an event landing in a candidate burst is taken outside the
    group (its bursts and its users), so a big farm does not hide behind itself.
    """
    outside = ~inside & ~core[members]
    events_out = max(float(ev.n_events - ev.user_degree[core].sum()), 1.0)
    q = float(outside.sum()) / events_out
    expected = float(poisson.sf(need - 1, ev.user_degree * q).sum())
    return float(poisson.sf(n_linkers - 1, max(expected, 1e-12)))


def _with_single_hitters(b_id, members, core, inside, n_bursts, share) -> np.ndarray:
    """The group's linkers plus users of bursts made mostly of those linkers."""
    n_core = np.bincount(b_id[inside], weights=core[members[inside]], minlength=n_bursts)
    n_all = np.bincount(b_id[inside], minlength=n_bursts)
    good = (n_core >= 2) & (n_core >= share * n_all)
    users = np.zeros(len(core), dtype=bool)
    users[members[inside & good[b_id]]] = True
    return np.flatnonzero(users | core)


BurstLink = burstlink.estimator  # type: ignore[attr-defined]
