"""An Instagram-like background world, innocent look-alikes of coordination included.

Users follow accounts and like and comment on their posts. Activity and
popularity are heavy-tailed, events follow a daily rhythm in each user's time
zone, and likes arrive soon after a post appears. On top of that the world
holds what makes real data hard: viral posts liked by thousands within hours,
fan clubs that like every post of one account soon after it appears,
binge-likers who like dozens of posts in a minute, and follow-back circles.
A detector that flags those is of no use to an analyst.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import check_int, check_number
from .._rng import RNGLike, resolve_rng
from ..graph import InteractionGraph, kind_code
from ._time import DAY, DEFAULT_START, HOUR, diurnal_times, postpone_night

__all__ = ["instagram_world"]

_TIMEZONES = np.array([-8, -5, -3, 0, 1, 2, 3, 5, 8, 9])


@dataclass
class _Events:
    """Events under construction: internal user index, target label, time, kind."""

    users: list[np.ndarray]
    targets: list[np.ndarray]  # account of user u = u; post p = n_users + p
    times: list[np.ndarray]
    kinds: list[str]

    def add(self, users: np.ndarray, targets: np.ndarray, times: np.ndarray, kind: str) -> None:
        self.users.append(np.asarray(users, np.int64))
        self.targets.append(np.asarray(targets, np.int64))
        self.times.append(np.asarray(times, np.int64))
        self.kinds.append(kind)


@dataclass
class _Population:
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

    @property
    def end(self) -> int:
        return self.start + self.days * DAY

    def post_code(self, posts: np.ndarray) -> np.ndarray:
        """Target codes of posts (accounts use the owner's user index)."""
        return self.n_users + np.asarray(posts, np.int64)


def instagram_world(
    n_users: int = 20_000,
    *,
    n_accounts: int | None = None,
    days: int = 30,
    follows_per_user: float = 3.0,
    likes_per_user: float = 8.0,
    posts_per_account: float = 4.0,
    comment_rate: float = 0.05,
    lookalikes: bool = True,
    start: int = DEFAULT_START,
    rng: RNGLike = None,
    return_lookalikes: bool = False,
) -> InteractionGraph | tuple[InteractionGraph, dict[str, np.ndarray]]:
    """Generate a background world of follows, likes and comments with timestamps.

    Parameters
    ----------
    n_users : int
        Number of users (every user is also an account others may follow).
    n_accounts : int, optional
        Number of creator accounts that post (default ``n_users // 20``).
    days : int
        Length of the observed period.
    follows_per_user, likes_per_user, posts_per_account : float
        Mean activity; per-user activity is log-normal around it.
    comment_rate : float
        Fraction of likes followed by a comment.
    lookalikes : bool
        Add the innocent look-alikes of coordination (viral posts, fan clubs,
        binge-likers, follow-back circles).
    start : int
        Unix time of the first day.
    rng : None, int or Generator
    return_lookalikes : bool
        Also return a dict naming the users of each look-alike kind.

    Returns
    -------
    InteractionGraph or (InteractionGraph, dict)
        Users ``u00000``...; targets are accounts ``a:<user>`` (followed) and
        posts ``p:<user>:<k>`` (liked, commented); owners and account creation
        times are set.

    Examples
    --------
    >>> g = instagram_world(500, rng=0)
    >>> g.n_users, g.has_times, sorted({str(t)[:2] for t in g.target_ids})
    (500, True, ['a:', 'p:'])
    """
    n_users = check_int("n_users", n_users, low=20)
    n_accounts = check_int(
        "n_accounts",
        n_accounts if n_accounts is not None else max(n_users // 20, 2),
        low=2,
        high=n_users,
    )
    days = check_int("days", days, low=1)
    for name, value in (
        ("follows_per_user", follows_per_user),
        ("likes_per_user", likes_per_user),
        ("posts_per_account", posts_per_account),
    ):
        check_number(name, value, low=0.0, what="a non-negative number")
    check_number("comment_rate", comment_rate, low=0.0, high=1.0, what="a fraction in [0, 1]")
    generator, _ = resolve_rng(rng)

    pop = _population(generator, n_users, n_accounts, posts_per_account, start, days)
    events = _Events([], [], [], [])
    _organic_follows(generator, pop, follows_per_user, events)
    _organic_likes(generator, pop, likes_per_user, comment_rate, events)
    found: dict[str, np.ndarray] = {}
    if lookalikes:
        found["viral"] = _viral_posts(generator, pop, events)
        found["fan_club"] = _fan_clubs(generator, pop, events)
        found["binge"] = _binge_likers(generator, pop, events)
        found["follow_back"] = _follow_back_circles(generator, pop, events)
    graph = _assemble(generator, pop, events)
    if return_lookalikes:
        names = _user_names(n_users)
        return graph, {k: np.unique(names[v]) for k, v in found.items()}
    return graph


def _user_names(n: int) -> np.ndarray:
    width = max(5, len(str(n - 1)))  # zero-padded so ids sort like indices
    return np.array([f"u{i:0{width}d}" for i in range(n)], dtype=object)


def _population(
    gen: np.random.Generator,
    n_users: int,
    n_accounts: int,
    posts_per_account: float,
    start: int,
    days: int,
) -> _Population:
    tz = gen.choice(_TIMEZONES, size=n_users)
    activity = gen.lognormal(0.0, 1.0, n_users)
    activity /= activity.mean()
    creators = np.sort(gen.choice(n_users, n_accounts, replace=False))
    popularity = gen.pareto(1.2, n_accounts) + 1.0
    popularity /= popularity.sum()
    n_posts = 1 + gen.poisson(max(posts_per_account - 1.0, 0.0), n_accounts)
    post_owner = np.repeat(np.arange(n_accounts), n_posts)
    post_time = diurnal_times(gen, len(post_owner), start, days, tz[creators[post_owner]])
    weight = popularity[post_owner] * gen.lognormal(0.0, 0.7, len(post_owner))
    serial = np.arange(len(post_owner)) - np.repeat(np.cumsum(n_posts) - n_posts, n_posts)
    return _Population(
        n_users,
        tz,
        activity,
        creators,
        popularity,
        post_owner,
        post_time,
        weight / weight.sum(),
        serial,
        start,
        days,
    )


def _organic_follows(
    gen: np.random.Generator, pop: _Population, per_user: float, events: _Events
) -> None:
    counts = gen.poisson(per_user * pop.activity)
    followers = np.repeat(np.arange(pop.n_users), counts)
    followed = pop.creators[gen.choice(len(pop.creators), len(followers), p=pop.popularity)]
    keep = followers != followed
    followers, followed = followers[keep], followed[keep]
    _, first = np.unique(followers * pop.n_users + followed, return_index=True)
    followers, followed = followers[first], followed[first]
    times = diurnal_times(gen, len(followers), pop.start, pop.days, pop.tz[followers])
    events.add(followers, followed, times, "follow")


def _likes_after_posts(
    gen: np.random.Generator,
    pop: _Population,
    likers: np.ndarray,
    posts: np.ndarray,
    median_delay: float,
    sigma: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Likes of ``posts`` by ``likers`` some log-normal delay after posting, inside the world."""
    delay = gen.lognormal(np.log(median_delay), sigma, len(posts))
    times = postpone_night(pop.post_time[posts] + delay.astype(np.int64), pop.tz[likers])
    keep = times < pop.end
    likers, posts, times = likers[keep], posts[keep], times[keep]
    _, first = np.unique(likers * len(pop.post_time) + posts, return_index=True)
    return likers[first], posts[first], times[first]


def _organic_likes(
    gen: np.random.Generator,
    pop: _Population,
    per_user: float,
    comment_rate: float,
    events: _Events,
) -> None:
    counts = gen.poisson(per_user * pop.activity)
    likers = np.repeat(np.arange(pop.n_users), counts)
    posts = gen.choice(len(pop.post_time), len(likers), p=pop.post_weight)
    likers, posts, times = _likes_after_posts(gen, pop, likers, posts, 3 * HOUR, 1.5)
    events.add(likers, pop.post_code(posts), times, "like")
    talk = gen.random(len(likers)) < comment_rate
    delay = gen.exponential(600, talk.sum()).astype(np.int64)
    times_c = np.minimum(times[talk] + delay, pop.end - 1)
    events.add(likers[talk], pop.post_code(posts[talk]), times_c, "comment")


def _viral_posts(gen: np.random.Generator, pop: _Population, events: _Events) -> np.ndarray:
    """A few posts liked by ~8% of all users (at most 5,000 each), most within a few hours."""
    n_viral = max(1, len(pop.post_time) // 1000)
    posts = gen.choice(len(pop.post_time), n_viral, replace=False)
    fans = []
    for post in posts:
        likers = gen.choice(
            pop.n_users,
            int(min(0.08 * pop.n_users, 5000)),
            replace=False,
            p=pop.activity / pop.activity.sum(),
        )
        likers, p, times = _likes_after_posts(
            gen, pop, likers, np.full(len(likers), post), 1.5 * HOUR, 0.8
        )
        events.add(likers, pop.post_code(p), times, "like")
        fans.append(likers)
    return np.concatenate(fans)


def _fan_clubs(gen: np.random.Generator, pop: _Population, events: _Events) -> np.ndarray:
    """Groups of fans who follow one account and like most of its posts within hours."""
    members = []
    owners_with_posts = np.flatnonzero(np.bincount(pop.post_owner) >= 3)
    if len(owners_with_posts) == 0:
        return np.array([], np.int64)
    for _ in range(max(1, pop.n_users // 2000)):
        owner = gen.choice(owners_with_posts)
        fans = gen.choice(pop.n_users, gen.integers(15, 41), replace=False)
        posts = np.flatnonzero(pop.post_owner == owner)
        fan_idx, post_idx = np.meshgrid(fans, posts, indexing="ij")
        hit = gen.random(fan_idx.shape) < 0.85
        likers, p, times = _likes_after_posts(gen, pop, fan_idx[hit], post_idx[hit], HOUR, 1.0)
        events.add(likers, pop.post_code(p), times, "like")
        follow_t = diurnal_times(gen, len(fans), pop.start, pop.days, pop.tz[fans])
        events.add(fans, np.full(len(fans), pop.creators[owner]), follow_t, "follow")
        members.append(fans)
    return np.concatenate(members)


def _binge_likers(gen: np.random.Generator, pop: _Population, events: _Events) -> np.ndarray:
    """Users who like 15-50 posts within one minute, a few times."""
    bingers = gen.choice(pop.n_users, max(1, pop.n_users // 200), replace=False)
    for user in bingers:
        for session in diurnal_times(gen, gen.integers(1, 4), pop.start, pop.days, pop.tz[[user]]):
            visible = np.flatnonzero(pop.post_time < session)
            if len(visible) == 0:
                continue
            weight = pop.post_weight[visible] / pop.post_weight[visible].sum()
            k = min(int(gen.integers(15, 51)), len(visible))
            posts = gen.choice(visible, k, replace=False, p=weight)
            times = session + np.sort(gen.integers(0, 60, k))
            events.add(np.full(k, user), pop.post_code(posts), times, "like")
    return bingers


def _follow_back_circles(gen: np.random.Generator, pop: _Population, events: _Events) -> np.ndarray:
    """Small circles of friends who all follow each other within a few days."""
    members = []
    for _ in range(max(1, pop.n_users // 1000)):
        circle = gen.choice(pop.n_users, gen.integers(5, 26), replace=False)
        a, b = np.meshgrid(circle, circle, indexing="ij")
        off = a != b
        start = pop.start + int(gen.integers(0, max(pop.days - 3, 1))) * DAY
        times = start + gen.integers(0, 3 * DAY, off.sum())
        events.add(a[off], b[off], np.minimum(times, pop.end - 1), "follow")
        members.append(circle)
    return np.concatenate(members)


def _assemble(gen: np.random.Generator, pop: _Population, events: _Events) -> InteractionGraph:
    names = _user_names(pop.n_users)
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
