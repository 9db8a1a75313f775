"""Plant bot farms into a graph (synthetic or real) and return the ground truth.

A farm is a set of bot accounts that act on a set of customer targets: each bot
hits each target with probability ``density``, and all of a target's farm
events land inside ``window`` seconds of that target's own start time (the
lockstep signature CopyCatch and SynchroTrap look for). Camouflage adds
innocent-looking events of the bots on other targets, chosen uniformly
(``random``) or by popularity (``biased``); ``hijacked`` farms use existing
background users as bots, whose real history is their camouflage.

Variants that hide the lockstep signature: ``jitter`` blurs every farm event by up to
± that many seconds and ``drip_feed`` spreads each target's events over the whole
``span``; ``variants.py`` adds a farm packed into one short session and a staircase of
overlapping sub-farms. Farm events come after their target's first event in the
background (a post cannot be liked before it appears).
"""

from __future__ import annotations

from typing import Any

from .._rng import RNGLike, resolve_rng
from ..graph import InteractionGraph
from ._farm_core import CAMOUFLAGES, farm_spec, inject_one, truth_and_id
from ._time import HOUR
from .truth import GroundTruth

__all__ = [
    "CAMOUFLAGES",
    "inject_farm",
    "inject_like_farm",
    "inject_follow_farm",
    "inject_comment_farm",
]


def inject_farm(
    graph: InteractionGraph,
    *,
    kind: str = "like",
    n_bots: int = 200,
    n_targets: int = 100,
    density: float = 0.1,
    window: float = 6 * HOUR,
    start: float | None = None,
    span: float | None = None,
    camouflage: str = "none",
    camouflage_amount: float = 1.0,
    targets: Any = None,
    n_batches: int = 4,
    farm_id: str | None = None,
    truth: GroundTruth | None = None,
    rng: RNGLike = None,
    jitter: float = 0.0,
    drip_feed: bool = False,
    exclude_users: Any = None,
) -> tuple[InteractionGraph, GroundTruth]:
    """Plant one farm of bots acting on customer targets in lockstep.

    Parameters
    ----------
    graph : InteractionGraph
        Background graph (synthetic or real). Not modified.
    kind : str
        Kind of the farm's events (``"like"``, ``"follow"``, ``"comment"``, or
        ``"rate"`` to blend into MovieLens).
    n_bots, n_targets : int
        Farm size. Targets are drawn from the less popular half of the existing
        targets of this kind unless ``targets`` names them.
    density : float in (0, 1]
        Probability that a bot hits a given farm target; every bot hits >= 1.
    window : float
        Seconds within which all farm events on one target land.
    start, span : float, optional
        Target windows start uniformly in ``[start, start + span - window]``;
        default: the background's whole time range. A window never opens
        before the target's first event in ``graph`` (a post cannot be liked
        before it appears), and camouflage events come after their target's
        first event too. ``span`` spreads the *windows*; each target's events
        still land within ``window`` of each other (see ``drip_feed``).
    camouflage : {"none", "random", "biased", "hijacked"}
    camouflage_amount : float
        Camouflage events per farm event (``random`` / ``biased``).
    targets : array-like, optional
        External ids of the customer targets (may be new ids).
    n_batches : int
        New bot accounts are created in this many one-hour batches.
    farm_id : str, optional
        Name of the farm (default ``farm<k>``); bots are ``bot:<farm_id>:<i>``.
    truth : GroundTruth, optional
        Truth of farms planted earlier; the new farm is appended to it.
    rng : None, int or Generator
    jitter : float
        Seconds: every farm event moves by a uniform offset in ``[-jitter, jitter]``,
        drawn inside what keeps it after its target's first event and inside the
        background's time range. ``0`` (default) leaves the lockstep exact.
    drip_feed : bool
        Spread each target's events uniformly over ``[start, start + span]`` (from the
        target's first event on) instead of one ``window``: a slow drip, no burst.
        ``window`` is then unused.
    exclude_users : array-like, optional
        External ids a ``hijacked`` farm must not take over (e.g. the members of a
        world's look-alikes, so they stay organic). Bots of earlier farms in ``truth``
        are never hijacked again.

    Returns
    -------
    (InteractionGraph, GroundTruth)
        ``truth.farms[-1].params`` records every parameter and the seed.

    Examples
    --------
    >>> from graphbot.synth import instagram_world
    >>> world = instagram_world(400, rng=0)
    >>> g, truth = inject_farm(world, n_bots=30, n_targets=10, density=0.5, rng=1)
    >>> g.n_users - world.n_users, int(truth.bot_mask(g).sum())
    (30, 30)
    >>> _, blurred = inject_farm(world, n_bots=30, n_targets=10, jitter=86_400, rng=1)
    >>> blurred.farms[0].params["jitter"]
    86400.0
    """
    spec = farm_spec(
        kind=kind,
        n_bots=n_bots,
        n_targets=n_targets,
        density=density,
        window=window,
        start=start,
        span=span,
        camouflage=camouflage,
        camouflage_amount=camouflage_amount,
        jitter=jitter,
        drip_feed=drip_feed,
        n_batches=n_batches,
    )
    truth, farm_id = truth_and_id(truth, farm_id)
    generator, seed = resolve_rng(rng)
    return inject_one(
        generator, graph, spec, targets, exclude_users, farm_id, truth, spec.params(seed)
    )


def inject_like_farm(
    graph: InteractionGraph, **kwargs: Any
) -> tuple[InteractionGraph, GroundTruth]:
    """Like farm: bots like a customer's posts in lockstep (see :func:`inject_farm`)."""
    return inject_farm(graph, kind="like", **kwargs)


def inject_comment_farm(
    graph: InteractionGraph, **kwargs: Any
) -> tuple[InteractionGraph, GroundTruth]:
    """Comment farm: bots comment on a customer's posts in lockstep (see :func:`inject_farm`)."""
    return inject_farm(graph, kind="comment", **kwargs)


def inject_follow_farm(
    graph: InteractionGraph, *, n_targets: int = 10, density: float = 0.5, **kwargs: Any
) -> tuple[InteractionGraph, GroundTruth]:
    """Fake-follower farm: bots follow customer accounts (see :func:`inject_farm`).

    Defaults: 10 customer accounts, each bot follows half of them.
    """
    return inject_farm(graph, kind="follow", n_targets=n_targets, density=density, **kwargs)
