"""Innocent look-alikes of coordination, each kind with its parameters.

Real activity is full of organic behaviour that looks like a farm to a lockstep or
density detector: viral posts, fan clubs, a creator's friends, giveaways, binge likers,
follow-back rings. Each kind is described by a frozen dataclass: how many instances a
world holds (``count``) and inclusive ``(low, high)`` ranges from which each instance
(or member, or session) draws its own size, rate and delay. A range whose ends are equal
is a constant and draws nothing, so the defaults (``instagram_world``'s constants) keep
its random stream, and its output, exactly as they were. Members are ordinary users of
the world; none of them is ever a bot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from .._checks import check_int, check_number
from ..errors import InvalidParameterError
from ._organic import Events, Population, add_comments, likes_after_posts, user_names
from ._time import DAY, HOUR, MINUTE

__all__ = [
    "LOOKALIKE_KINDS",
    "BingeLikers",
    "FanClubs",
    "FollowBackRings",
    "FriendGroups",
    "Giveaways",
    "ViralPosts",
]

#: Names of the look-alike kinds, as keys of ``return_lookalikes`` dicts.
LOOKALIKE_KINDS = ("viral", "fan_club", "binge", "follow_back", "friends", "giveaway")


class _Spec:
    """Validation shared by the look-alike dataclasses: a count and (low, high) ranges."""

    _RANGES: dict[str, tuple[float, float | None, bool]] = {}  # name -> (low, high, integer)

    def __post_init__(self) -> None:
        owner = type(self).__name__
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name in self._RANGES:
                low, high, integer = self._RANGES[f.name]
                value = _check_range(f"{owner}.{f.name}", value, low, high, integer)
            elif f.name in ("count", "n_commenting", "max_likers"):
                value = check_int(f"{owner}.{f.name}", value, low=0)
            else:
                value = check_number(
                    f"{owner}.{f.name}", value, low=0.0, what="a non-negative number"
                )
            object.__setattr__(self, f.name, value)


def _check_range(
    name: str, value: Any, low: float, high: float | None, integer: bool
) -> tuple[Any, Any]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise InvalidParameterError(f"`{name}` must be a (low, high) pair; got {value!r}")
    if integer:
        ends = tuple(check_int(name, v, low=int(low)) for v in value)
    else:
        ends = tuple(
            check_number(name, v, low=low, high=high, what=f"a number in [{low}, {high}]")
            if high is not None
            else check_number(name, v, low=low, what=f"a number >= {low}")
            for v in value
        )
    if ends[0] > ends[1]:
        raise InvalidParameterError(
            f"`{name}` must be a (low, high) pair with low <= high; got {value!r}"
        )
    return ends  # type: ignore[return-value]


@dataclass(frozen=True)
class ViralPosts(_Spec):
    """Posts liked by a large share of all users, most within hours.

    ``share`` of the users (at most ``max_likers``) like each of ``count`` posts, chosen
    by activity; delays are log-normal around the post's ``median_delay`` (seconds).
    """

    count: int
    share: tuple[float, float] = (0.08, 0.08)
    max_likers: int = 5000
    median_delay: tuple[float, float] = (1.5 * HOUR, 1.5 * HOUR)
    delay_sigma: float = 0.8
    _RANGES = {"share": (0.0, 1.0, False), "median_delay": (1.0, None, False)}


@dataclass(frozen=True)
class FanClubs(_Spec):
    """Fans who follow one account and like most of its posts soon after each appears.

    Each of ``count`` clubs has ``size`` members; each member likes each of the account's
    posts with its own ``like_rate``; delays are log-normal (sigma 1) around the club's
    ``median_delay`` (seconds). The first ``n_commenting`` clubs also comment on a
    ``comment_rate`` share of what they like.
    """

    count: int
    size: tuple[int, int] = (15, 40)
    like_rate: tuple[float, float] = (0.85, 0.85)
    median_delay: tuple[float, float] = (HOUR, HOUR)
    n_commenting: int = 0
    comment_rate: tuple[float, float] = (0.2, 0.6)
    _RANGES = {
        "size": (1, None, True),
        "like_rate": (0.0, 1.0, False),
        "median_delay": (1.0, None, False),
        "comment_rate": (0.0, 1.0, False),
    }


@dataclass(frozen=True)
class FriendGroups(_Spec):
    """A creator's friends: they follow the account, like almost every post, follow each other.

    Each of ``count`` groups has ``size`` friends of one creator; each friend likes each
    post with its own ``like_rate`` after a log-normal delay around the group's
    ``median_delay``; each pair of friends follows each other with the group's
    ``mutual`` probability.
    """

    count: int
    size: tuple[int, int] = (5, 30)
    like_rate: tuple[float, float] = (0.9, 1.0)
    median_delay: tuple[float, float] = (15 * MINUTE, 6 * HOUR)
    mutual: tuple[float, float] = (0.3, 0.9)
    _RANGES = {
        "size": (1, None, True),
        "like_rate": (0.0, 1.0, False),
        "median_delay": (1.0, None, False),
        "mutual": (0.0, 1.0, False),
    }


@dataclass(frozen=True)
class Giveaways(_Spec):
    """A post whose owner asks to like, comment and follow: a crowd does all three.

    For each of ``count`` giveaways a ``share`` of the users (chosen by activity) like the
    post, comment on it and follow its owner, all within the giveaway's ``window``
    (seconds) after it is posted, most of them early.
    """

    count: int
    share: tuple[float, float] = (0.01, 0.10)
    window: tuple[int, int] = (DAY, 3 * DAY)
    _RANGES = {"share": (0.0, 1.0, False), "window": (1, None, True)}


@dataclass(frozen=True)
class BingeLikers(_Spec):
    """Users who like dozens of visible posts within a few minutes, a few times.

    ``count`` users each have ``sessions`` sessions of ``likes`` likes within ``seconds``.
    """

    count: int
    sessions: tuple[int, int] = (1, 3)
    likes: tuple[int, int] = (15, 50)
    seconds: tuple[int, int] = (60, 60)
    _RANGES = {"sessions": (1, None, True), "likes": (1, None, True), "seconds": (1, None, True)}


@dataclass(frozen=True)
class FollowBackRings(_Spec):
    """Rings of users who all follow each other within a few days.

    ``count`` rings of ``size`` users; every ordered pair follows within ``duration``
    seconds of the ring's start.
    """

    count: int
    size: tuple[int, int] = (5, 25)
    duration: tuple[int, int] = (3 * DAY, 3 * DAY)
    _RANGES = {"size": (2, None, True), "duration": (1, None, True)}


Lookalike = ViralPosts | FanClubs | FriendGroups | Giveaways | BingeLikers | FollowBackRings


def add_lookalikes(
    gen: np.random.Generator, pop: Population, events: Events, specs: Mapping[str, Lookalike]
) -> dict[str, np.ndarray]:
    """Add every look-alike in ``specs`` (in order); kind -> internal indices of its members."""
    return {kind: _BUILDERS[type(spec)](gen, pop, events, spec) for kind, spec in specs.items()}


def member_ids(found: Mapping[str, np.ndarray], n_users: int) -> dict[str, np.ndarray]:
    """Internal member indices per kind -> sorted external user ids."""
    names = user_names(n_users)
    return {kind: np.unique(names[members]) for kind, members in found.items()}


def _draw_int(gen: np.random.Generator, span: tuple[int, int]) -> int:
    low, high = span
    return int(low) if low == high else int(gen.integers(low, high + 1))


def _draw_uniform(
    gen: np.random.Generator, span: tuple[float, float], size: int | None = None
) -> Any:
    low, high = span
    if low == high:
        return float(low) if size is None else np.full(size, float(low))
    return gen.uniform(low, high, size)


def _draw_log_uniform(gen: np.random.Generator, span: tuple[float, float]) -> float:
    low, high = span
    return float(low) if low == high else float(np.exp(gen.uniform(np.log(low), np.log(high))))


def _members(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.array([], np.int64)


def _by_activity(gen: np.random.Generator, pop: Population, k: int) -> np.ndarray:
    """``k`` distinct users, the more active more likely."""
    return gen.choice(
        pop.n_users, min(k, pop.n_users), replace=False, p=pop.activity / pop.activity.sum()
    )


def _add_viral(
    gen: np.random.Generator, pop: Population, events: Events, spec: ViralPosts
) -> np.ndarray:
    posts = gen.choice(len(pop.post_time), min(spec.count, len(pop.post_time)), replace=False)
    fans = []
    for post in posts:
        share = _draw_uniform(gen, spec.share)
        median = _draw_log_uniform(gen, spec.median_delay)
        likers = _by_activity(gen, pop, int(min(share * pop.n_users, spec.max_likers)))
        likers, p, times = likes_after_posts(
            gen, pop, likers, np.full(len(likers), post), median, spec.delay_sigma
        )
        events.add(likers, pop.post_code(p), times, "like")
        fans.append(likers)
    return _members(fans)


def _devoted_audience(
    gen: np.random.Generator,
    pop: Population,
    events: Events,
    members: np.ndarray,
    owner: int,
    like_rates: np.ndarray,
    median_delay: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``members`` follow creator ``owner`` and like its posts at their own rates."""
    posts = np.flatnonzero(pop.post_owner == owner)
    member, post = np.meshgrid(members, posts, indexing="ij")
    hit = gen.random(member.shape) < like_rates[:, None]
    likers, p, times = likes_after_posts(gen, pop, member[hit], post[hit], median_delay, 1.0)
    events.add(likers, pop.post_code(p), times, "like")
    follow_t = pop.event_times(gen, len(members), pop.tz[members])
    events.add(members, np.full(len(members), pop.creators[owner]), follow_t, "follow")
    return likers, p, times


def _add_fan_clubs(
    gen: np.random.Generator, pop: Population, events: Events, spec: FanClubs
) -> np.ndarray:
    owners = np.flatnonzero(np.bincount(pop.post_owner) >= 3)
    if len(owners) == 0:
        return _members([])
    members = []
    for club in range(spec.count):
        owner = gen.choice(owners)
        fans = gen.choice(pop.n_users, min(_draw_int(gen, spec.size), pop.n_users), replace=False)
        rates = _draw_uniform(gen, spec.like_rate, size=len(fans))
        median = _draw_log_uniform(gen, spec.median_delay)
        likers, posts, times = _devoted_audience(gen, pop, events, fans, owner, rates, median)
        if club < spec.n_commenting:
            add_comments(
                gen, pop, events, likers, posts, times, _draw_uniform(gen, spec.comment_rate)
            )
        members.append(fans)
    return _members(members)


def _add_friend_groups(
    gen: np.random.Generator, pop: Population, events: Events, spec: FriendGroups
) -> np.ndarray:
    members = []
    for _ in range(spec.count):
        owner = int(gen.integers(len(pop.creators)))
        size = min(_draw_int(gen, spec.size), pop.n_users - 1)
        drawn = gen.choice(pop.n_users - 1, size, replace=False)
        friends = drawn + (drawn >= pop.creators[owner])  # anyone but the creator
        rates = _draw_uniform(gen, spec.like_rate, size=size)
        median = _draw_log_uniform(gen, spec.median_delay)
        _devoted_audience(gen, pop, events, friends, owner, rates, median)
        a, b = np.triu_indices(size, 1)
        both = gen.random(len(a)) < _draw_uniform(gen, spec.mutual)
        src = np.concatenate([friends[a[both]], friends[b[both]]])
        dst = np.concatenate([friends[b[both]], friends[a[both]]])
        events.add(src, dst, pop.event_times(gen, len(src), pop.tz[src]), "follow")
        members.append(friends)
    return _members(members)


def _add_giveaways(
    gen: np.random.Generator, pop: Population, events: Events, spec: Giveaways
) -> np.ndarray:
    members = []
    for _ in range(spec.count):
        window = _draw_int(gen, spec.window)
        eligible = np.flatnonzero(pop.post_time < pop.end - window)  # whole window in the world
        if len(eligible) == 0:
            continue
        weight = pop.post_weight[eligible] / pop.post_weight[eligible].sum()
        post = int(gen.choice(eligible, p=weight))
        owner = pop.creators[pop.post_owner[post]]
        entrants = _by_activity(gen, pop, round(_draw_uniform(gen, spec.share) * pop.n_users))
        entrants = entrants[entrants != owner]
        posted = int(pop.post_time[post])
        entry = _entry_times(gen, pop, entrants, posted, window)
        last = posted + window - 1
        target = np.full(len(entrants), pop.post_code(post))
        events.add(entrants, target, entry, "like")
        for kind, targets in (("comment", target), ("follow", np.full(len(entrants), owner))):
            follow_up = entry + gen.exponential(60, len(entrants)).astype(np.int64)
            events.add(entrants, targets, np.minimum(follow_up, last), kind)
        members.append(entrants)
    return _members(members)


def _entry_times(
    gen: np.random.Generator, pop: Population, entrants: np.ndarray, posted: int, window: int
) -> np.ndarray:
    """Entries front-loaded after posting; a night entry postponed past the window is redrawn."""
    times = pop.wake(
        posted + (window * gen.random(len(entrants)) ** 2).astype(np.int64), pop.tz[entrants]
    )
    late = times >= posted + window
    times[late] = posted + (window * gen.random(late.sum())).astype(np.int64)
    return times


def _add_binge_likers(
    gen: np.random.Generator, pop: Population, events: Events, spec: BingeLikers
) -> np.ndarray:
    bingers = gen.choice(pop.n_users, min(spec.count, pop.n_users), replace=False)
    for user in bingers:
        n_sessions = _draw_int(gen, spec.sessions)
        for session in pop.event_times(gen, n_sessions, pop.tz[[user]]):
            visible = np.flatnonzero(pop.post_time < session)
            if len(visible) == 0:
                continue
            weight = pop.post_weight[visible] / pop.post_weight[visible].sum()
            k = min(_draw_int(gen, spec.likes), len(visible))
            posts = gen.choice(visible, k, replace=False, p=weight)
            seconds = _draw_int(gen, spec.seconds)
            times = session + np.sort(gen.integers(0, seconds, k))
            events.add(np.full(k, user), pop.post_code(posts), times, "like")
    return bingers


def _add_follow_back_rings(
    gen: np.random.Generator, pop: Population, events: Events, spec: FollowBackRings
) -> np.ndarray:
    members = []
    for _ in range(spec.count):
        ring = gen.choice(pop.n_users, min(_draw_int(gen, spec.size), pop.n_users), replace=False)
        a, b = np.meshgrid(ring, ring, indexing="ij")
        off = a != b
        duration = _draw_int(gen, spec.duration)
        whole_days = -(-duration // DAY)
        start = pop.start + int(gen.integers(0, max(pop.days - whole_days, 1))) * DAY
        times = start + gen.integers(0, duration, off.sum())
        events.add(a[off], b[off], np.minimum(times, pop.end - 1), "follow")
        members.append(ring)
    return _members(members)


_BUILDERS: dict[type, Callable[..., np.ndarray]] = {
    ViralPosts: _add_viral,
    FanClubs: _add_fan_clubs,
    FriendGroups: _add_friend_groups,
    Giveaways: _add_giveaways,
    BingeLikers: _add_binge_likers,
    FollowBackRings: _add_follow_back_rings,
}
