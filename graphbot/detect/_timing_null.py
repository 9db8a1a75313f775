"""The timing null of a group: how synchronised are its members beyond chance?

A lockstep group claims that its users acted on its targets *together*, closer
in time than chance. The null keeps everything about each target -- who acted
on it, and when its events happened -- and only breaks the link between the
two: the group's members are re-dealt among the target's events at random
(equivalently, the times of a target's events are permuted among its actors).
A post whose fans like it in its first hours, a viral post, a giveaway: under
the null the members still land in those hours, because that is when the
target's events are. A farm acting at a moment of its own does not.

A target only the group acted on has no other actors to re-deal with; there
each member's event time is re-drawn from that member's own event times
(permutation within users), so a crowd that met on a target once, at one
moment, is compared with when its members are active at all.

Each user counts once per target (its first action there): a like followed
by a comment is one actor, not two synchronised ones. Per time scale ``w`` and
target, the synchrony is the largest number of members inside one window of
width ``w``. A group's statistic adds, over its targets, only the *excess* of
that count over its null mean: a farm's camouflage likes on popular posts land
outside those posts' cascades, less synchronised than chance, and must not
cancel the farm's own targets. ``n_mean`` re-deals estimate each target's null
mean; further re-deals give the null distribution of the statistic, and the
p-value is empirical, ``(1 + exceedances) / (1 + re-deals)``, at the group's
best scale with a Bonferroni factor for the scales. While no re-deal reaches
the observed statistic, the number of re-deals grows tenfold, up to
``n_max``; beyond that the p-value is the smaller of ``1 / (1 + re-deals)``
and Cantelli's distribution-free bound ``1 / (1 + z^2)`` on the z-score of
the excess (no normal tail: the excess is skewed and discrete).

References
----------
.. [1] A. Beutel et al. "CopyCatch: stopping group attacks by spotting lockstep
   behavior in social networks", WWW 2013 (lockstep as synchrony per target).
.. [2] Q. Cao et al. "Uncovering large groups of active malicious accounts in
   online social networks", CCS 2014 (SynchroTrap: matched actions in time).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numba import njit

from .._checks import check_int
from .._segments import segment_order
from ..graph import InteractionGraph

__all__ = ["TIME_SCALES", "group_timing_pvalues", "group_opening_shares"]

HOUR = 3600
DAY = 24 * HOUR
#: other users (besides the opener) a target needs before its opening says anything
_MIN_OTHERS = 5
#: Window widths (seconds) at which a group's synchrony is measured: one
#: session, a farm's delivery slot, a day.
TIME_SCALES = (HOUR, 6 * HOUR, 24 * HOUR)


def group_timing_pvalues(
    graph: InteractionGraph,
    groups: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    scales: Sequence[float] = TIME_SCALES,
    n_null: int = 200,
    n_max: int = 2_000,
    rng: np.random.Generator | None = None,
    exclude: np.ndarray | None = None,
    ignore_mutual: bool = True,
) -> np.ndarray:
    """P-value of each ``(users, targets)`` group's synchrony under within-target re-dealing.

    Parameters
    ----------
    graph : InteractionGraph
        Needs timestamps.
    groups : sequence of (users, targets)
        Internal user and target indices of each group.
    scales : sequence of float
        Window widths in seconds.
    n_null : int
        Re-deals per group for the null means, and first batch of re-deals
        for the null distribution (at least 50).
    n_max : int
        Most re-deals for the null distribution of one group.
    rng : Generator, optional
    exclude : bool array over users, optional
        Events of these users (other than the group's own members) are left
        out of the targets: another group's synchronised events would make
        members exchangeable with them look more synchronised than chance.
    ignore_mutual : bool
        Leave out events between users who act on each other's targets, as
        the detectors do by default.

    Returns
    -------
    ndarray of float
        One p-value per group (1.0 when no target carries evidence).

    Examples
    --------
    >>> import numpy as np
    >>> from graphbot import InteractionGraph
    >>> gen = np.random.default_rng(0)
    >>> organic_t = gen.integers(0, 30 * 86_400, 2000)   # 2,000 likes over a month ...
    >>> organic_u = gen.integers(10, 500, 2000)
    >>> organic_p = gen.integers(0, 20, 2000)            # ... on 20 posts
    >>> farm_u = np.repeat(np.arange(10), 20)            # 10 bots on every post,
    >>> farm_p = np.tile(np.arange(20), 10)              # each post within ten minutes
    >>> farm_t = farm_p * 86_400 + gen.integers(0, 600, 200)
    >>> g = InteractionGraph.from_events(np.r_[organic_u, farm_u], np.r_[organic_p, farm_p],
    ...                                  times=np.r_[organic_t, farm_t])
    >>> bots = np.flatnonzero(g.user_ids < 10)
    >>> someone = np.flatnonzero((g.user_ids >= 10) & (g.user_ids < 20))
    >>> p = group_timing_pvalues(g, [(bots, np.arange(20)), (someone, np.arange(20))],
    ...                          rng=np.random.default_rng(0))
    >>> bool(p[0] < 1e-3), bool(p[1] > 0.01)
    (True, True)
    """
    graph.require_times("group_timing_pvalues")
    n_null = check_int("n_null", n_null, low=50)
    n_max = check_int("n_max", n_max, low=n_null)
    generator = rng if rng is not None else np.random.default_rng()
    widths = np.asarray(scales, dtype=np.int64)
    layout = _Layout(graph, ignore_mutual)
    out = np.ones(len(groups))
    for k, (users, targets) in enumerate(groups):
        shared, own = layout.segments(users, targets, exclude)
        if len(shared[0]) < 2 and len(own[0]) < 2:
            continue
        segments = (*shared, *own, layout.user_ptr, layout.times_by_user, widths)
        observed = np.vstack([
            _segment_stats(*shared, widths),
            _segment_stats(own[0], own[1], np.ones(len(own[1]), np.int8), widths),
        ])  # fmt: skip
        seed = int(generator.integers(2**62))
        expected = _null_means(*segments, n_null, seed)
        excess = np.maximum(observed - expected, 0.0).sum(axis=0)
        out[k] = _empirical_pvalue(segments, expected, excess, n_null, n_max, seed + 1)
    return out


def _empirical_pvalue(segments, expected, excess, n_first, n_max, seed) -> float:
    """``(1 + exceedances) / (1 + re-deals)`` at the best scale, x scales; adaptive re-deals."""
    hits, moments = np.zeros(len(excess)), np.zeros((2, len(excess)))
    done, batch = 0, n_first
    while True:
        found, sums = _null_exceedances(*segments, expected, excess, batch, seed + done)
        hits, moments = hits + found, moments + sums
        done += batch
        if hits.min() > 0 or done >= n_max:
            break
        batch = min(9 * done, n_max - done)  # ten times as many re-deals in all
    p = (1.0 + hits) / (1.0 + done)
    mean = moments[0] / done
    sd = np.sqrt(np.maximum(moments[1] / done - mean**2, 0.0))
    beyond = (hits == 0) & (sd > 0)  # past every re-deal: Cantelli's one-sided bound
    z = np.where(beyond, (excess - mean) / np.where(sd > 0, sd, 1.0), 0.0)
    p = np.where(beyond, np.minimum(p, 1.0 / (1.0 + z**2)), p)
    return float(min(1.0, p.min() * len(excess)))


def group_opening_shares(
    graph: InteractionGraph,
    groups: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    opening: float = DAY,
    cascade: float = 0.5,
    ignore_mutual: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How much of each group follows its targets' cascades.

    A target opens at its first event by a non-member (so a farm cannot open a
    target for itself); its opening is the ``opening`` seconds around that
    event. A target *cascades* when it has at least ``_MIN_OTHERS`` other
    users besides the opener and at least ``cascade`` of them act in its
    opening (posts do; accounts followed over years and films rated over
    months do not). Returns, per group: the share of its member events on
    cascading targets that fall in the opening, the same share for the other
    users there, and the share of its member events that are on cascading
    targets at all (NaN where nothing counts).

    Examples
    --------
    >>> import numpy as np
    >>> from graphbot import InteractionGraph
    >>> crowd = ["a", "b", "c", "d", "e", "f"]             # a post's cascade ...
    >>> g = InteractionGraph.from_events(crowd + ["fan", "bot"], ["post"] * 8,
    ...                                  times=[0, 60, 300, 900, 2000, 4000, 120, 900_000])
    >>> fan, bot = np.flatnonzero(g.user_ids == "fan"), np.flatnonzero(g.user_ids == "bot")
    >>> [s.round(2).tolist() for s in group_opening_shares(g, [(fan, [0]), (bot, [0])])]
    [[1.0, 0.0], [0.83, 1.0], [1.0, 1.0]]
    """
    layout = _Layout(graph, ignore_mutual)
    out = np.full((3, len(groups)), np.nan)
    for k, (users, targets) in enumerate(groups):
        is_member = np.zeros(graph.n_users, dtype=bool)
        is_member[users] = True
        counts = np.zeros(5)  # members in / members on cascades / others in / others / members
        for t in np.asarray(targets).tolist():
            a, b = layout.target_ptr[t], layout.target_ptr[t + 1]
            times, member = layout.times_by_target[a:b], is_member[layout.users_by_target[a:b]]
            n_members = member.sum()
            counts[4] += n_members
            if not n_members or (~member).sum() < _MIN_OTHERS + 1:
                continue
            opens = times[~member][0]  # sorted per target
            early = (times >= opens - opening) & (times <= opens + opening)
            early[np.flatnonzero(~member)[0]] = False  # the opening itself proves nothing
            others_in, n_others = early[~member].sum(), (~member).sum() - 1
            if others_in >= cascade * n_others:
                counts[:4] += (early[member].sum(), n_members, others_in, n_others)
        if counts[1]:
            out[:, k] = counts[0] / counts[1], counts[2] / counts[3], counts[1] / counts[4]
    return out[0], out[1], out[2]


def _first_actions(graph: InteractionGraph, ignore_mutual: bool):
    """Each user's first event per target, grouped by target and by user (ties by user id).

    With ``ignore_mutual``, events between friends acting on each other's
    targets are left out, as the lockstep detectors leave them out.
    """
    order, _ = segment_order((graph.users, graph.times, graph.targets), graph.n_targets)
    if ignore_mutual:
        order = order[~graph.mutual_events()[order]]
    users, targets, times = graph.users[order], graph.targets[order], graph.times[order]
    # sorted by target, time, user: the first row of each (target, user) is the first action
    _, first = np.unique(targets.astype(np.int64) * graph.n_users + users, return_index=True)
    first.sort()
    users, targets, times = users[first], targets[first], times[first]
    target_ptr = np.zeros(graph.n_targets + 1, dtype=np.int64)
    np.cumsum(np.bincount(targets, minlength=graph.n_targets), out=target_ptr[1:])
    by_user, user_ptr = segment_order((times, users), graph.n_users)
    return target_ptr, users, times, user_ptr, times[by_user]


class _Layout:
    """The graph's events grouped by target (sorted by time) and by user, cached on the graph."""

    def __init__(self, graph: InteractionGraph, ignore_mutual: bool = True) -> None:
        key = f"timing_null_layout:{bool(ignore_mutual)}"
        cached = graph._cache.get(key)
        if cached is None:
            cached = _first_actions(graph, ignore_mutual)
            graph._cache[key] = cached
        (self.target_ptr, self.users_by_target, self.times_by_target,
         self.user_ptr, self.times_by_user) = cached  # fmt: skip
        self.n_users = graph.n_users

    def segments(self, users: np.ndarray, targets: np.ndarray, exclude: np.ndarray | None = None):
        """The group's targets as re-dealable segments, and those only its members acted on.

        Returns ``(ptr, times, member)`` for targets with other actors and
        ``(ptr, times, user)`` for targets of members only. Events of
        ``exclude`` users who are not members are left out.
        """
        is_member = np.zeros(self.n_users, dtype=np.int8)
        is_member[users] = 1
        dropped = None if exclude is None else exclude & (is_member == 0)
        shared: list[tuple[np.ndarray, np.ndarray]] = []
        own: list[tuple[np.ndarray, np.ndarray]] = []
        for t in np.asarray(targets).tolist():
            a, b = self.target_ptr[t], self.target_ptr[t + 1]
            who, times = self.users_by_target[a:b], self.times_by_target[a:b]
            if dropped is not None:
                kept = ~dropped[who]
                who, times = who[kept], times[kept]
            member = is_member[who]
            n_in = int(member.sum())
            if n_in == 0:
                continue
            if n_in < len(who):
                shared.append((times, member))
            else:
                own.append((times, who.astype(np.int64)))
        return _packed(shared, np.int8), _packed(own, np.int64)


def _packed(pieces, second_dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ptr = np.zeros(len(pieces) + 1, dtype=np.int64)
    np.cumsum([len(t) for t, _ in pieces], out=ptr[1:])
    if not pieces:
        return ptr, np.zeros(0, np.int64), np.zeros(0, second_dtype)
    times = np.concatenate([t for t, _ in pieces]).astype(np.int64)
    return ptr, times, np.concatenate([x for _, x in pieces]).astype(second_dtype)


@njit(cache=True)
def _best_window(times, member, lo, hi, width):  # pragma: no cover - numba
    # Most member events inside one window [t, t + width] of the sorted times[lo:hi].
    best = 0
    count = 0
    left = lo
    for right in range(lo, hi):
        count += member[right]
        while times[right] - times[left] > width:
            count -= member[left]
            left += 1
        if count > best:
            best = count
    return best


@njit(cache=True)
def _segment_stats(seg_ptr, times, member, widths):  # pragma: no cover - numba
    out = np.zeros((len(seg_ptr) - 1, len(widths)))
    for s in range(len(seg_ptr) - 1):
        for w in range(len(widths)):
            out[s, w] = _best_window(times, member, seg_ptr[s], seg_ptr[s + 1], widths[w])
    return out


@njit(cache=True)
def _splitmix64(state):  # pragma: no cover - numba
    # One step of SplitMix64: a private stream seeded from the caller's Generator,
    # so the kernel touches no global random state.
    mask = np.uint64(0xFFFFFFFFFFFFFFFF)
    state = (state + np.uint64(0x9E3779B97F4A7C15)) & mask
    z = ((state ^ (state >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & mask
    z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & mask
    return state, z ^ (z >> np.uint64(31))


@njit(cache=True)
def _redeal(s_ptr, dealt, o_ptr, o_times, o_user, user_ptr, times_by_user, drawn, state):
    # One draw of the null: members re-dealt within shared targets, members of
    # members-only targets re-timed from their own activity.
    for s in range(len(s_ptr) - 1):
        lo = s_ptr[s]
        for i in range(s_ptr[s + 1] - 1, lo, -1):  # Fisher-Yates
            state, draw = _splitmix64(state)
            j = lo + np.int64(draw % np.uint64(i - lo + 1))
            dealt[i], dealt[j] = dealt[j], dealt[i]
    for i in range(len(o_times)):
        u = o_user[i]
        state, draw = _splitmix64(state)
        n_u = user_ptr[u + 1] - user_ptr[u]
        drawn[i] = times_by_user[user_ptr[u] + np.int64(draw % np.uint64(n_u))]
    for s in range(len(o_ptr) - 1):
        drawn[o_ptr[s] : o_ptr[s + 1]] = np.sort(drawn[o_ptr[s] : o_ptr[s + 1]])
    return state


@njit(cache=True)
def _null_draw_stats(s_ptr, s_times, dealt, o_ptr, drawn, ones, widths):  # pragma: no cover
    n_shared = len(s_ptr) - 1
    out = np.zeros((n_shared + len(o_ptr) - 1, len(widths)))
    out[:n_shared] = _segment_stats(s_ptr, s_times, dealt, widths)
    out[n_shared:] = _segment_stats(o_ptr, drawn, ones, widths)
    return out


@njit(cache=True)
def _null_means(
    s_ptr, s_times, s_member, o_ptr, o_times, o_user, user_ptr, times_by_user, widths, n_draws,
    seed,
):  # pragma: no cover - numba
    state = np.uint64(seed)
    dealt, drawn = s_member.copy(), o_times.copy()
    ones = np.ones(len(o_times), np.int8)
    total = np.zeros((len(s_ptr) - 1 + len(o_ptr) - 1, len(widths)))
    for _ in range(n_draws):
        state = _redeal(s_ptr, dealt, o_ptr, o_times, o_user, user_ptr, times_by_user, drawn,
                        state)  # fmt: skip
        total += _null_draw_stats(s_ptr, s_times, dealt, o_ptr, drawn, ones, widths)
    return total / n_draws


@njit(cache=True)
def _null_exceedances(
    s_ptr, s_times, s_member, o_ptr, o_times, o_user, user_ptr, times_by_user, widths, expected,
    excess, n_draws, seed,
):  # pragma: no cover - numba
    # Per scale: how many null draws have a summed excess at least the observed one,
    # and the moments of the null excess.
    state = np.uint64(seed)
    dealt, drawn = s_member.copy(), o_times.copy()
    ones = np.ones(len(o_times), np.int8)
    hits = np.zeros(len(widths))
    sums = np.zeros((2, len(widths)))  # first and second moments of the null excess
    for _ in range(n_draws):
        state = _redeal(s_ptr, dealt, o_ptr, o_times, o_user, user_ptr, times_by_user, drawn,
                        state)  # fmt: skip
        stats = _null_draw_stats(s_ptr, s_times, dealt, o_ptr, drawn, ones, widths)
        for w in range(len(widths)):
            null_excess = 0.0
            for t in range(stats.shape[0]):
                null_excess += max(stats[t, w] - expected[t, w], 0.0)
            if null_excess >= excess[w] - 1e-9:
                hits[w] += 1
            sums[0, w] += null_excess
            sums[1, w] += null_excess * null_excess
    return hits, sums
