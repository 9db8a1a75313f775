"""The organic part of a synthetic world: users, creators, posts, follows, likes and comments.

Shared by :func:`~graphbot.synth.instagram_world` and the world family. Events are
collected as flat arrays (internal user index, target code, time, kind) and assembled
into one graph at the end; look-alikes of coordination live in ``lookalikes.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._checks import check_choice, check_number
from ..graph import InteractionGraph, kind_code
from ._time import DAY, HOUR, diurnal_times, postpone_night

__all__ = ["ACTIVITY_SHAPES", "ActivityShape"]

#: The shapes of per-user activity a world can have.
ACTIVITY_SHAPES = ("lognormal", "pareto", "mixture")

_TIMEZONES = np.array([-8, -5, -3, 0, 1, 2, 3, 5, 8, 9])


@dataclass(frozen=True)
class ActivityShape:
    """The heavy tail of per-user activity (mean 1; scaled by the per-user means).

    Parameters
    ----------
    shape : {"lognormal", "pareto", "mixture"}
        ``lognormal`` with ``sigma``, ``pareto`` (Pareto II with index ``alpha``, shifted
        to start at 1), or a ``mixture`` where a ``pareto_share`` of the users is Pareto.
    sigma : float
        Log-normal sigma (``lognormal`` and ``mixture``).
    alpha : float
        Pareto index (``pareto`` and ``mixture``); smaller is heavier.
    pareto_share : float
        Share of Pareto users in a ``mixture``.

    Examples
    --------
    >>> ActivityShape("pareto", alpha=1.5).shape
    'pareto'
    """

    shape: str = "lognormal"
    sigma: float = 1.0
    alpha: float = 1.5
    pareto_share: float = 0.0

    def __post_init__(self) -> None:
        check_choice("shape", self.shape, ACTIVITY_SHAPES)
        check_number("sigma", self.sigma, low=0.0, what="a non-negative number")
        check_number("alpha", self.alpha, low=0.0, low_inclusive=False, what="a positive number")
        check_number(
            "pareto_share", self.pareto_share, low=0.0, high=1.0, what="a fraction in [0, 1]"
        )

    def draw(self, gen: np.random.Generator, n: int) -> np.ndarray:
        """``n`` activity levels with mean 1."""
        if self.shape == "lognormal":
            return _mean_one(gen.lognormal(0.0, self.sigma, n))
        if self.shape == "pareto":
            return _mean_one(gen.pareto(self.alpha, n) + 1.0)
        lognormal = _mean_one(gen.lognormal(0.0, self.sigma, n))
        pareto = _mean_one(gen.pareto(self.alpha, n) + 1.0)
        return _mean_one(np.where(gen.random(n) < self.pareto_share, pareto, lognormal))


def _mean_one(x: np.ndarray) -> np.ndarray:
    x /= x.mean()
    return x


@dataclass
class Events:
    """Events under construction: internal user index, target code, time, kind."""

    users: list[np.ndarray] = field(default_factory=list)
    targets: list[np.ndarray] = field(default_factory=list)  # account u = u; post p = n_users + p
    times: list[np.ndarray] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def add(self, users: np.ndarray, targets: np.ndarray, times: np.ndarray, kind: str) -> None:
        self.users.append(np.asarray(users, np.int64))
        self.targets.append(np.asarray(targets, np.int64))
        self.times.append(np.asarray(times, np.int64))
        self.kinds.append(kind)


@dataclass
class Population:
    """Who is in the world, what they posted and when; how times of day are drawn."""

    n_users: int
    tz: np.ndarray
    activity: np.ndarray
    creators: np.ndarray
    popularity: np.ndarray  # per creator, sums to 1
    post_owner: np.ndarray  # creator position per post
    post_time: np.ndarray
    post_weight: np.ndarray  # sums to 1
    post_serial: np.ndarray  # k-th post of its owner
    start: int
    days: int
    rhythm: bool = True

    @property
    def end(self) -> int:
        return self.start + self.days * DAY

    def post_code(self, posts: np.ndarray | int) -> np.ndarray:
        """Target codes of posts (accounts use the owner's user index)."""
        return self.n_users + np.asarray(posts, np.int64)

    def event_times(self, gen: np.random.Generator, n: int, tz_hours: np.ndarray) -> np.ndarray:
        """``n`` times over the world: the daily rhythm in local time, or uniform without one."""
        return _world_times(gen, n, self.start, self.days, tz_hours, self.rhythm)

    def wake(self, times: np.ndarray, tz_hours: np.ndarray) -> np.ndarray:
        """Replies that would fall in the local night wait for the morning (with a rhythm)."""
        return postpone_night(times, tz_hours) if self.rhythm else times


def draw_population(
    gen: np.random.Generator,
    n_users: int,
    n_accounts: int,
    posts_per_account: float,
    start: int,
    days: int,
    *,
    activity: ActivityShape = ActivityShape(),
    popularity_alpha: float = 1.2,
    rhythm: bool = True,
) -> Population:
    """Users (time zone, activity), creators (popularity) and their posts."""
    tz = gen.choice(_TIMEZONES, size=n_users)
    user_activity = activity.draw(gen, n_users)
    creators = np.sort(gen.choice(n_users, n_accounts, replace=False))
    popularity = gen.pareto(popularity_alpha, n_accounts) + 1.0
    popularity /= popularity.sum()
    n_posts = 1 + gen.poisson(max(posts_per_account - 1.0, 0.0), n_accounts)
    post_owner = np.repeat(np.arange(n_accounts), n_posts)
    post_time = _world_times(gen, len(post_owner), start, days, tz[creators[post_owner]], rhythm)
    weight = popularity[post_owner] * gen.lognormal(0.0, 0.7, len(post_owner))
    serial = np.arange(len(post_owner)) - np.repeat(np.cumsum(n_posts) - n_posts, n_posts)
    return Population(
        n_users,
        tz,
        user_activity,
        creators,
        popularity,
        post_owner,
        post_time,
        weight / weight.sum(),
        serial,
        start,
        days,
        rhythm,
    )


def _world_times(
    gen: np.random.Generator, n: int, start: int, days: int, tz_hours: np.ndarray, rhythm: bool
) -> np.ndarray:
    if rhythm:
        return diurnal_times(gen, n, start, days, tz_hours)
    return start + gen.integers(0, days * DAY, n)


def add_organic_activity(
    gen: np.random.Generator,
    pop: Population,
    events: Events,
    *,
    follows_per_user: float,
    likes_per_user: float,
    comment_rate: float,
) -> None:
    """Follows of creators by popularity; likes (and some comments) soon after posts appear."""
    counts = gen.poisson(follows_per_user * pop.activity)
    followers = np.repeat(np.arange(pop.n_users), counts)
    followed = pop.creators[gen.choice(len(pop.creators), len(followers), p=pop.popularity)]
    keep = followers != followed
    followers, followed = followers[keep], followed[keep]
    _, first = np.unique(followers * pop.n_users + followed, return_index=True)
    followers, followed = followers[first], followed[first]
    events.add(
        followers, followed, pop.event_times(gen, len(followers), pop.tz[followers]), "follow"
    )

    counts = gen.poisson(likes_per_user * pop.activity)
    likers = np.repeat(np.arange(pop.n_users), counts)
    posts = gen.choice(len(pop.post_time), len(likers), p=pop.post_weight)
    likers, posts, times = likes_after_posts(gen, pop, likers, posts, 3 * HOUR, 1.5)
    events.add(likers, pop.post_code(posts), times, "like")
    add_comments(gen, pop, events, likers, posts, times, comment_rate)


def likes_after_posts(
    gen: np.random.Generator,
    pop: Population,
    likers: np.ndarray,
    posts: np.ndarray,
    median_delay: float,
    sigma: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Likes of ``posts`` by ``likers`` some log-normal delay after posting, inside the world."""
    delay = gen.lognormal(np.log(median_delay), sigma, len(posts))
    times = pop.wake(pop.post_time[posts] + delay.astype(np.int64), pop.tz[likers])
    keep = times < pop.end
    likers, posts, times = likers[keep], posts[keep], times[keep]
    _, first = np.unique(likers * len(pop.post_time) + posts, return_index=True)
    return likers[first], posts[first], times[first]


def add_comments(
    gen: np.random.Generator,
    pop: Population,
    events: Events,
    likers: np.ndarray,
    posts: np.ndarray,
    like_times: np.ndarray,
    rate: float,
) -> None:
    """A ``rate`` share of the likes is followed by a comment a few minutes later."""
    talk = gen.random(len(likers)) < rate
    delay = gen.exponential(600, talk.sum()).astype(np.int64)
    times = np.minimum(like_times[talk] + delay, pop.end - 1)
    events.add(likers[talk], pop.post_code(posts[talk]), times, "comment")


def user_names(n: int) -> np.ndarray:
    """External user ids ``u00000``..., zero-padded so they sort like indices."""
    width = max(5, len(str(n - 1)))
    return np.array([f"u{i:0{width}d}" for i in range(n)], dtype=object)


def assemble_graph(gen: np.random.Generator, pop: Population, events: Events) -> InteractionGraph:
    """One graph of every event, time-ordered; accounts created 0.1-8 years before the start."""
    names = user_names(pop.n_users)
    users = np.concatenate(events.users)
    codes, targets = np.unique(np.concatenate(events.targets), return_inverse=True)
    times = np.concatenate(events.times)
    kinds = np.repeat(
        np.array([kind_code(k) for k in events.kinds], np.int8), [len(u) for u in events.users]
    )
    owner = np.where(codes < pop.n_users, codes, 0)
    is_post = codes >= pop.n_users
    post = codes[is_post] - pop.n_users
    owner[is_post] = pop.creators[pop.post_owner[post]]
    labels = np.array([f"a:{names[o]}" for o in owner], dtype=object)
    labels[is_post] = [
        f"p:{names[o]}:{k:03d}" for o, k in zip(owner[is_post], pop.post_serial[post])
    ]
    years = gen.uniform(0.1, 8.0, pop.n_users)
    order = np.argsort(times, kind="stable")
    # Codes sort like the labels (accounts "a:" before posts "p:", zero-padded ids), so
    # building the graph directly gives the same indices as parsing the labels would.
    return InteractionGraph(
        users[order],
        targets[order],
        user_ids=names.astype(str),
        target_ids=labels.astype(str),
        times=times[order],
        kinds=kinds[order],
        target_owners=names[owner].astype(str),
        user_created=pop.start - years * 365 * DAY,
    )
