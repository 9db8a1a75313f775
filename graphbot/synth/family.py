"""A family of synthetic worlds whose organic look-alikes of coordination vary widely.

A detector tuned on one world is not a detector: it learns that world's fan clubs and
viral posts. Each *draw* of the family is a world with its own parameters, drawn
deterministically from the draw index: activity shapes, daily rhythm or none, mean
activity, and how many fan clubs, friend groups, viral posts, giveaways, binge likers and
follow-back rings it holds, each instance drawing its size, rates and delays from the
ranges below. Choose defaults on :data:`TUNING_DRAWS`; report on :data:`REPORT_DRAWS`,
which were not looked at while tuning.

Ranges (inclusive; counts scale with ``n_users``, written here for ``n`` users):

================  =========================================================================
organic           creators 4-7% of users with 3-6 posts each; 3-5 follows and 8-12 likes per
                  user on average, 2-8% of likes commented; daily rhythm on or off (even odds)
activity          log-normal (sigma 0.8-1.5), Pareto (alpha 1.2-2.5) or a mixture (10-50%
                  Pareto); creator popularity Pareto with alpha 1.0-2.0
fan clubs         n/2000 to n/500 clubs of 20-200 members; each member likes 50-95% of one
                  account's posts; club median delay 10 min - 12 h; up to half the clubs
                  comment on 10-50% of their likes; members follow the account
friends           n/2000 to n/500 groups of 5-30 friends of one creator, liking 90-100% of its
                  posts (median delay 15 min - 6 h), following it, and each other (30-90%)
viral posts       1-5, each liked by 3-10% of users (at most 5,000), median delay 30 min - 3 h
giveaways         1-4; 1-10% of users like, comment and follow the owner within 1-3 days
binge likers      0.2-1% of users; 1-5 sessions of 10-80 likes within 1-5 minutes
follow-back       n/4000 to n/1000 rings of 5-50 users all following each other within
                  1-5 days
================  =========================================================================

Every look-alike member is an ordinary user (accounts created 0.1-8 years before the
world starts) and is never a bot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, is_dataclass
from typing import Any

import numpy as np

from .._checks import check_int, check_number
from .._rng import RNGLike, resolve_rng
from ..errors import InputTypeError
from ..graph import InteractionGraph
from ._organic import (
    ACTIVITY_SHAPES,
    ActivityShape,
    Events,
    add_organic_activity,
    assemble_graph,
    draw_population,
)
from ._time import DAY, DEFAULT_START, HOUR, MINUTE
from .lookalikes import (
    BingeLikers,
    FanClubs,
    FollowBackRings,
    FriendGroups,
    Giveaways,
    Lookalike,
    ViralPosts,
    add_lookalikes,
    member_ids,
)

__all__ = [
    "REPORT_DRAWS",
    "TUNING_DRAWS",
    "WorldDraw",
    "draw_world_params",
    "family_world",
    "world_from_draw",
]

#: Draws on which defaults and thresholds may be tuned.
TUNING_DRAWS: tuple[int, ...] = (0, 1, 2, 3)
#: Draws on which results are reported; never used for tuning.
REPORT_DRAWS: tuple[int, ...] = tuple(range(100, 108))

# Fixed for good: changing it would redraw every world of the family.
_SALT = 0x67_72_61_70_68_62_6F_74  # "graphbot"

_SPECS = {
    "viral": ViralPosts,
    "fan_clubs": FanClubs,
    "friends": FriendGroups,
    "giveaways": Giveaways,
    "binge": BingeLikers,
    "follow_back": FollowBackRings,
}


@dataclass(frozen=True)
class WorldDraw:
    """Every parameter of one world of the family (see :func:`draw_world_params`).

    Build a world from it with :func:`world_from_draw`; change a field with
    :func:`dataclasses.replace` to vary one thing at a time.

    Parameters
    ----------
    draw, seed : int
        The draw index and the seed of the world's events derived from it.
    n_users, days, n_accounts : int
        Size of the world, length of the observed period, number of creators.
    posts_per_account, follows_per_user, likes_per_user : float
        Mean organic activity.
    comment_rate : float
        Share of organic likes followed by a comment.
    rhythm : bool
        Times of day follow a daily rhythm in each user's time zone (else uniform).
    activity : ActivityShape
        Heavy tail of per-user activity.
    popularity_alpha : float
        Pareto index of creator popularity.
    viral, fan_clubs, friends, giveaways, binge, follow_back
        The look-alikes: :class:`ViralPosts`, :class:`FanClubs`, :class:`FriendGroups`,
        :class:`Giveaways`, :class:`BingeLikers`, :class:`FollowBackRings`.

    Examples
    --------
    >>> params = draw_world_params(0, n_users=2000)
    >>> params.to_dict()["fan_clubs.size"]
    (20, 200)
    """

    draw: int
    seed: int
    n_users: int
    days: int
    n_accounts: int
    posts_per_account: float
    follows_per_user: float
    likes_per_user: float
    comment_rate: float
    rhythm: bool
    activity: ActivityShape
    popularity_alpha: float
    viral: ViralPosts
    fan_clubs: FanClubs
    friends: FriendGroups
    giveaways: Giveaways
    binge: BingeLikers
    follow_back: FollowBackRings

    def __post_init__(self) -> None:
        check_int("draw", self.draw, low=0)
        check_int("seed", self.seed, low=0)
        check_int("n_users", self.n_users, low=20)
        check_int("days", self.days, low=1)
        check_int("n_accounts", self.n_accounts, low=2, high=self.n_users)
        for name in ("posts_per_account", "follows_per_user", "likes_per_user"):
            check_number(name, getattr(self, name), low=0.0, what="a non-negative number")
        check_number(
            "comment_rate", self.comment_rate, low=0.0, high=1.0, what="a fraction in [0, 1]"
        )
        check_number(
            "popularity_alpha",
            self.popularity_alpha,
            low=0.0,
            low_inclusive=False,
            what="a positive number",
        )
        for name, cls in {"activity": ActivityShape, **_SPECS}.items():
            if not isinstance(getattr(self, name), cls):
                raise InputTypeError(
                    f"`{name}` must be a {cls.__name__}; got {type(getattr(self, name)).__name__}"
                )

    def lookalikes(self) -> dict[str, Lookalike]:
        """The look-alikes in planting order, keyed by the kinds ``return_lookalikes`` uses."""
        return {
            "viral": self.viral,
            "fan_club": self.fan_clubs,
            "binge": self.binge,
            "follow_back": self.follow_back,
            "friends": self.friends,
            "giveaway": self.giveaways,
        }

    def to_dict(self) -> dict[str, Any]:
        """Flat dict of every parameter; nested ones as ``"fan_clubs.size"`` etc."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if is_dataclass(value):
                out.update({f"{f.name}.{k}": v for k, v in asdict(value).items()})
            else:
                out[f.name] = value
        return out


class _Draws:
    """Values from ranges, one uniform number each, always in the same order.

    One number per value, whatever the range, keeps a draw's unit-free values the same
    at every ``n_users``: a 2,000-user draw 3 is a scaled-down 20,000-user draw 3.
    """

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self._gen = np.random.default_rng(seed)

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * float(self._gen.random())

    def integer(self, low: int, high: int) -> int:
        return low + min(int(self._gen.random() * (high - low + 1)), high - low)

    def choice(self, options: Sequence[str]) -> str:
        return options[self.integer(0, len(options) - 1)]


def draw_world_params(draw: int, *, n_users: int = 20_000, days: int = 30) -> WorldDraw:
    """The parameters of world ``draw`` of the family, drawn from the ranges in this module.

    Deterministic: a :class:`numpy.random.SeedSequence` over ``(draw, salt)`` gives the
    parameters and the world's own seed. Nothing is built, so this is cheap.

    Parameters
    ----------
    draw : int
        Index of the world (>= 0). See :data:`TUNING_DRAWS` and :data:`REPORT_DRAWS`.
    n_users : int
        Size of the world; counts of creators and look-alikes scale with it.
    days : int
        Length of the observed period.

    Returns
    -------
    WorldDraw

    Examples
    --------
    >>> a, b = draw_world_params(0), draw_world_params(1)
    >>> a == draw_world_params(0), a == b
    (True, False)
    >>> 10 <= a.fan_clubs.count <= 40
    True
    """
    draw = check_int("draw", draw, low=0)
    n_users = check_int("n_users", n_users, low=20)
    days = check_int("days", days, low=1)
    params_seed, world_seed = np.random.SeedSequence((draw, _SALT)).spawn(2)
    d = _Draws(params_seed)
    organic = {
        "n_accounts": min(max(2, round(d.uniform(0.04, 0.07) * n_users)), n_users),
        "posts_per_account": d.uniform(3.0, 6.0),
        "follows_per_user": d.uniform(3.0, 5.0),
        "likes_per_user": d.uniform(8.0, 12.0),
        "comment_rate": d.uniform(0.02, 0.08),
        "rhythm": d.uniform(0.0, 1.0) < 0.5,
        "activity": _activity(d),
        "popularity_alpha": d.uniform(1.0, 2.0),
    }
    return WorldDraw(
        draw=draw,
        seed=int(world_seed.generate_state(1, np.uint64)[0] >> np.uint64(1)),
        n_users=n_users,
        days=days,
        **organic,
        **_lookalike_specs(d, n_users),
    )


def _activity(d: _Draws) -> ActivityShape:
    shape = d.choice(ACTIVITY_SHAPES)
    sigma, alpha, share = d.uniform(0.8, 1.5), d.uniform(1.2, 2.5), d.uniform(0.1, 0.5)
    pareto_share = {"lognormal": 0.0, "pareto": 1.0, "mixture": share}[shape]
    return ActivityShape(shape, sigma=sigma, alpha=alpha, pareto_share=pareto_share)


def _scaled(d: _Draws, n_users: int, per_low: int, per_high: int) -> int:
    """A count between ``n_users / per_low`` and ``n_users / per_high`` (at least 1)."""
    return d.integer(max(1, n_users // per_low), max(1, n_users // per_high))


def _lookalike_specs(d: _Draws, n_users: int) -> dict[str, Lookalike]:
    n_clubs = _scaled(d, n_users, 2000, 500)
    n_commenting = d.integer(0, max(1, n_clubs // 2))
    return {
        "viral": ViralPosts(
            count=d.integer(1, 5), share=(0.03, 0.10), median_delay=(30 * MINUTE, 3 * HOUR)
        ),
        "fan_clubs": FanClubs(
            count=n_clubs,
            size=(20, 200),
            like_rate=(0.5, 0.95),
            median_delay=(10 * MINUTE, 12 * HOUR),
            n_commenting=min(n_commenting, n_clubs),
            comment_rate=(0.1, 0.5),
        ),
        "friends": FriendGroups(count=_scaled(d, n_users, 2000, 500)),
        "giveaways": Giveaways(count=d.integer(1, 4)),
        "binge": BingeLikers(
            count=max(1, round(d.uniform(0.002, 0.01) * n_users)),
            sessions=(1, 5),
            likes=(10, 80),
            seconds=(60, 300),
        ),
        "follow_back": FollowBackRings(
            count=_scaled(d, n_users, 4000, 1000), size=(5, 50), duration=(DAY, 5 * DAY)
        ),
    }


def family_world(
    draw: int,
    *,
    n_users: int = 20_000,
    rng: RNGLike = None,
    return_lookalikes: bool = False,
) -> InteractionGraph | tuple[InteractionGraph, dict[str, np.ndarray]]:
    """World ``draw`` of the family: ``world_from_draw(draw_world_params(draw, n_users=...))``.

    Parameters
    ----------
    draw : int
        Index of the world (>= 0). Tune on :data:`TUNING_DRAWS`, report on
        :data:`REPORT_DRAWS`.
    n_users : int
        Number of users.
    rng : None, int or Generator
        ``None`` (default) uses the draw's own seed, so ``family_world(d)`` is the same
        world everywhere; pass a seed for another realisation of the same parameters.
    return_lookalikes : bool
        Also return a dict kind -> external ids of that look-alike's members (kinds:
        :data:`~graphbot.synth.LOOKALIKE_KINDS`).

    Returns
    -------
    InteractionGraph or (InteractionGraph, dict)
        Same ids and layout as :func:`~graphbot.synth.instagram_world`.

    Examples
    --------
    >>> g, found = family_world(0, n_users=1000, return_lookalikes=True)
    >>> g.n_users, sorted(found)
    (1000, ['binge', 'fan_club', 'follow_back', 'friends', 'giveaway', 'viral'])
    """
    params = draw_world_params(draw, n_users=n_users)
    return world_from_draw(params, rng=rng, return_lookalikes=return_lookalikes)


def world_from_draw(
    params: WorldDraw, *, rng: RNGLike = None, return_lookalikes: bool = False
) -> InteractionGraph | tuple[InteractionGraph, dict[str, np.ndarray]]:
    """Build the world a :class:`WorldDraw` describes (``rng=None``: its own seed).

    Examples
    --------
    >>> from dataclasses import replace
    >>> flat = replace(draw_world_params(5, n_users=500), rhythm=False)
    >>> world_from_draw(flat).n_users
    500
    """
    if not isinstance(params, WorldDraw):
        raise InputTypeError(f"`params` must be a WorldDraw; got {type(params).__name__}")
    generator, _ = resolve_rng(params.seed if rng is None else rng)
    pop = draw_population(
        generator,
        params.n_users,
        params.n_accounts,
        params.posts_per_account,
        DEFAULT_START,
        params.days,
        activity=params.activity,
        popularity_alpha=params.popularity_alpha,
        rhythm=params.rhythm,
    )
    events = Events()
    add_organic_activity(
        generator,
        pop,
        events,
        follows_per_user=params.follows_per_user,
        likes_per_user=params.likes_per_user,
        comment_rate=params.comment_rate,
    )
    found = add_lookalikes(generator, pop, events, params.lookalikes())
    graph = assemble_graph(generator, pop, events)
    return (graph, member_ids(found, params.n_users)) if return_lookalikes else graph
