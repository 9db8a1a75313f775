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

Per time scale ``w`` and target, the synchrony is the largest number of
member events inside one window of width ``w``. A group's statistic adds, over
its targets, only the *excess* of that count over its null mean: a farm's
camouflage likes on popular posts land outside those posts' cascades, less
synchronised than chance, and must not cancel the farm's own targets. The
first half of ``n_null`` re-deals estimates each target's null mean, the
second half the null distribution of the statistic; the group's p-value is
the normal tail of its z-score, at its best scale with a Bonferroni factor for
the scales tried.

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
from scipy.stats import norm

from .._segments import segment_order
from ..graph import InteractionGraph

__all__ = ["TIME_SCALES", "group_timing_pvalues", "group_opening_shares"]

HOUR = 3600
DAY = 24 * HOUR
#: Window widths (seconds) at which a group's synchrony is measured: one
#: session, a farm's delivery slot, a day.
TIME_SCALES = (HOUR, 6 * HOUR, 24 * HOUR)
_MIN_SD = 1e-9


def group_timing_pvalues(
    graph: InteractionGraph,
    groups: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    scales: Sequence[float] = TIME_SCALES,
    n_null: int = 200,
    rng: np.random.Generator | None = None,
    exclude: np.ndarray | None = None,
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
        Re-deals per group used to estimate the null mean and spread.
    rng : Generator, optional
    exclude : bool array over users, optional
        Events of these users (other than the group's own members) are left
        out of the targets: another group's synchronised events would make
        members exchangeable with them look more synchronised than chance.

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
    >>> bool(p[0] < 1e-6), bool(p[1] > 0.01)
    (True, True)
    """
    graph.require_times("group_timing_pvalues")
    generator = rng if rng is not None else np.random.default_rng()
    widths = np.asarray(scales, dtype=np.int64)
    layout = _Layout(graph)
    out = np.ones(len(groups))
    for k, (users, targets) in enumerate(groups):
        shared, own = layout.segments(users, targets, exclude)
        if len(shared[0]) < 2 and len(own[0]) < 2:
            continue
        observed = np.vstack([
            _segment_stats(*shared, widths),
            _segment_stats(own[0], own[1], np.ones(len(own[1]), np.int8), widths),
        ])  # fmt: skip
        null = _null_stats(
            *shared, *own, layout.user_ptr, layout.times_by_user, widths, max(n_null, 4),
            int(generator.integers(2**62)),
        )  # fmt: skip
        out[k] = _excess_pvalue(observed, null)
    return out


def group_opening_shares(
    graph: InteractionGraph,
    groups: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    opening: float = DAY,
) -> tuple[np.ndarray, np.ndarray]:
    """Share of members' and of other users' events in their targets' opening.

    A target opens at its first event by a non-member (so a farm cannot open a
    target for itself), or at its first event when only members acted on it;
    the opening lasts ``opening`` seconds. Returns the share of the group's
    member events, and of the other events on the same targets, in the opening
    (NaN when there are none).

    Examples
    --------
    >>> import numpy as np
    >>> from graphbot import InteractionGraph
    >>> g = InteractionGraph.from_events(["owner", "fan", "bot"], ["post", "post", "post"],
    ...                                  times=[0, 60, 900_000])   # the bot comes days later
    >>> fan, bot = np.array([1]), np.array([0])
    >>> [s.tolist() for s in group_opening_shares(g, [(fan, np.array([0])), (bot, np.array([0]))])]
    [[1.0, 0.0], [0.5, 1.0]]
    """
    layout = _Layout(graph)
    members_out, others_out = np.full(len(groups), np.nan), np.full(len(groups), np.nan)
    for k, (users, targets) in enumerate(groups):
        is_member = np.zeros(graph.n_users, dtype=bool)
        is_member[users] = True
        counts = np.zeros(4)  # members in / all members / others in / all others
        for t in np.asarray(targets).tolist():
            a, b = layout.target_ptr[t], layout.target_ptr[t + 1]
            times, member = layout.times_by_target[a:b], is_member[layout.users_by_target[a:b]]
            if not member.any():
                continue
            opens = times[~member][0] if not member.all() else times[0]  # sorted per target
            early = times <= opens + opening
            counts += (early[member].sum(), member.sum(), early[~member].sum(), (~member).sum())
        if counts[1]:
            members_out[k] = counts[0] / counts[1]
        if counts[3]:
            others_out[k] = counts[2] / counts[3]
    return members_out, others_out


class _Layout:
    """The graph's events grouped by target (sorted by time) and by user, cached on the graph."""

    def __init__(self, graph: InteractionGraph) -> None:
        cached = graph._cache.get("timing_null_layout")
        if cached is None:
            by_target, target_ptr = segment_order((graph.times, graph.targets), graph.n_targets)
            by_user, user_ptr = segment_order((graph.times, graph.users), graph.n_users)
            cached = (
                target_ptr, graph.users[by_target], graph.times[by_target],
                user_ptr, graph.times[by_user],
            )  # fmt: skip
            graph._cache["timing_null_layout"] = cached
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


def _excess_pvalue(observed: np.ndarray, null: np.ndarray) -> float:
    """P-value of the summed per-target excess, best scale, Bonferroni over the scales.

    ``observed`` is (targets, scales); ``null`` is (re-deals, targets, scales).
    """
    half = len(null) // 2
    expected = null[:half].mean(axis=0)
    excess = np.maximum(observed - expected, 0.0).sum(axis=0)
    null_excess = np.maximum(null[half:] - expected, 0.0).sum(axis=1)
    mean, sd = null_excess.mean(axis=0), null_excess.std(axis=0)
    z = np.where(sd > _MIN_SD, (excess - mean) / np.maximum(sd, _MIN_SD), 0.0)
    return float(min(1.0, norm.sf(z.max()) * observed.shape[1]))


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
def _null_stats(
    s_ptr, s_times, s_member, o_ptr, o_times, o_user, user_ptr, times_by_user, widths, n_null,
    seed,
):  # pragma: no cover - numba
    state = np.uint64(seed)
    dealt = s_member.copy()
    drawn = o_times.copy()
    ones = np.ones(len(o_times), np.int8)
    n_shared = len(s_ptr) - 1
    out = np.zeros((n_null, n_shared + len(o_ptr) - 1, len(widths)))
    for r in range(n_null):
        for s in range(len(s_ptr) - 1):  # re-deal members among the target's events
            lo = s_ptr[s]
            for i in range(s_ptr[s + 1] - 1, lo, -1):  # Fisher-Yates
                state, draw = _splitmix64(state)
                j = lo + np.int64(draw % np.uint64(i - lo + 1))
                dealt[i], dealt[j] = dealt[j], dealt[i]
        for i in range(len(o_times)):  # members only: a time of the member's own
            u = o_user[i]
            state, draw = _splitmix64(state)
            n_u = user_ptr[u + 1] - user_ptr[u]
            drawn[i] = times_by_user[user_ptr[u] + np.int64(draw % np.uint64(n_u))]
        for s in range(len(o_ptr) - 1):
            drawn[o_ptr[s] : o_ptr[s + 1]] = np.sort(drawn[o_ptr[s] : o_ptr[s + 1]])
        out[r, :n_shared] = _segment_stats(s_ptr, s_times, dealt, widths)
        out[r, n_shared:] = _segment_stats(o_ptr, drawn, ones, widths)
    return out
