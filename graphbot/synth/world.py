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

import numpy as np

from .._checks import check_int, check_number
from .._rng import RNGLike, resolve_rng
from ..graph import InteractionGraph
from ._organic import (
    Events,
    Population,
    add_organic_activity,
    assemble_graph,
    draw_population,
)
from ._time import DEFAULT_START
from .lookalikes import (
    BingeLikers,
    FanClubs,
    FollowBackRings,
    Lookalike,
    ViralPosts,
    add_lookalikes,
    member_ids,
)

__all__ = ["instagram_world"]


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

    pop = draw_population(generator, n_users, n_accounts, posts_per_account, start, days)
    events = Events()
    add_organic_activity(
        generator,
        pop,
        events,
        follows_per_user=follows_per_user,
        likes_per_user=likes_per_user,
        comment_rate=comment_rate,
    )
    found = add_lookalikes(generator, pop, events, _classic_lookalikes(pop) if lookalikes else {})
    graph = assemble_graph(generator, pop, events)
    return (graph, member_ids(found, n_users)) if return_lookalikes else graph


def _classic_lookalikes(pop: Population) -> dict[str, Lookalike]:
    """instagram_world's look-alikes: fixed counts per world size, the specs' default ranges."""
    return {
        "viral": ViralPosts(count=max(1, len(pop.post_time) // 1000)),
        "fan_club": FanClubs(count=max(1, pop.n_users // 2000)),
        "binge": BingeLikers(count=max(1, pop.n_users // 200)),
        "follow_back": FollowBackRings(count=max(1, pop.n_users // 1000)),
    }
