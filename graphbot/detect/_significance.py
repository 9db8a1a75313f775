"""Which groups a tested detector flags: significant against the graph's own timing, no audience.

Every tested detector (and the ensemble across all of them) decides the same
way, so that a flag means the same thing whichever detector raised it:

1. **Timing.** The group's synchrony is compared with a null built from the
   graph itself -- members re-dealt among each target's events, or re-timed
   from their own activity on targets only they touched
   (:mod:`graphbot.detect._timing_null`). A detector's own test, when it has
   one, must reject too (the larger p-value counts).
2. **No audience.** A group can be significant and still organic: fans with
   notifications on like each new post of their account faster than
   strangers. An audience follows its targets' cascade: most of its events
   are on targets that cascade (their other users mostly act in the target's
   *opening*, within a day of the first event by anyone else), and there it
   acts in the opening too (at least half of its events, and about as often
   as the other users). Fans also follow their account, at any time; those
   follows are not on a cascading target and do not count either way.
   Owners do not enter: fans of several creators, who also join giveaways
   and like viral posts, follow many accounts' cascades at once (in the world
   family such crowds span 9 to 20 owners). Targets without a cascade (films
   rated over months, accounts followed over years) have no audience. The
   opening is judged on the targets the detector reported (what the group is
   about), or on all it shares when those do not cascade. A farm acts
   when its order is delivered and serves many customers. Audiences get
   p-value 1. (A farm that likes its customers' new posts within hours of
   posting acts like an audience and is not flagged: that blind spot is the
   price of not flagging fans.)
3. **False discovery rate.** Benjamini-Hochberg over all groups at ``fdr``:
   among the groups flagged, the expected share that are chance is at most
   ``fdr`` -- the promise the flag makes, whatever the number of groups. It
   runs twice: organic users who share their targets with a farm look more
   synchronised than a re-deal that mixes them with the farm's events, so the
   second pass times every group without the events of the *other* groups the
   first pass flagged.

Graphs without times have nothing to time: the detector's own p-values decide
(Benjamini-Hochberg), and without them its own decision stands.

References
----------
.. [1] Y. Benjamini, Y. Hochberg. "Controlling the false discovery rate: a
   practical and powerful approach to multiple testing", JRSS B 57 (1995).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..graph import InteractionGraph
from ..result import SuspiciousGroup
from ._timing_null import DAY, group_opening_shares, group_timing_pvalues

__all__ = [
    "GroupDecision", "decide_groups", "significant_groups", "evidence_targets",
    "benjamini_hochberg",
]  # fmt: skip

#: a target is evidence about a group when its members are at least this share of its actors
EVIDENCE_SHARE = 0.05
#: an audience acts in its targets' opening at least this often, as their other users do ...
AUDIENCE_OPENING = 0.5
#: ... and at least this share as often as the targets' other users do ...
AUDIENCE_RELATIVE = 0.8
#: ... on targets that cascade, which hold at least this share of its events
AUDIENCE_HELD = 0.5


@dataclass(frozen=True)
class GroupDecision:
    """Per-group outcome of :func:`decide_groups` (arrays aligned with the groups)."""

    p_value: np.ndarray
    opening_share: np.ndarray
    audience: np.ndarray
    flagged: np.ndarray

    def stats(self, k: int) -> dict[str, float | bool]:
        """The entries group ``k`` records in its ``stats``."""
        return {
            "p_value": float(self.p_value[k]),
            "opening_share": float(self.opening_share[k]),
            "audience": bool(self.audience[k]),
            "significant": bool(self.flagged[k]),
        }


def decide_groups(
    graph: InteractionGraph,
    groups: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    fdr: float = 0.05,
    own_pvalues: Sequence[float] | np.ndarray | None = None,
    opening: float = DAY,
    n_null: int = 200,
    rng: np.random.Generator | None = None,
    ignore_mutual: bool = True,
) -> GroupDecision:
    """Which ``(users, targets)`` groups to flag at false discovery rate ``fdr``.

    ``targets`` are the targets the detector reported; the timing is judged on
    every target at least two members acted on (:func:`evidence_targets`).

    Examples
    --------
    >>> import numpy as np
    >>> from graphbot import InteractionGraph
    >>> g = InteractionGraph.from_events(["a", "b"], ["x", "x"])
    >>> decide_groups(g, [(np.array([0, 1]), np.array([0]))], own_pvalues=[0.001]).flagged
    array([ True])
    """
    n = len(groups)
    own = None if own_pvalues is None else np.asarray(own_pvalues, dtype=np.float64)
    if not graph.has_times or n == 0:
        flagged = np.ones(n, dtype=bool) if own is None else benjamini_hochberg(own, fdr)
        p = np.full(n, np.nan) if own is None else own
        return GroupDecision(p, np.full(n, np.nan), np.zeros(n, dtype=bool), flagged)
    timed = [(users, evidence_targets(graph, users)) for users, _ in groups]
    shares = dict(opening=opening, cascade=AUDIENCE_OPENING, ignore_mutual=ignore_mutual)
    members, others, held = group_opening_shares(graph, groups, **shares)
    # a group whose reported targets say nothing (a community reporting only
    # targets most members share) is judged on everything its members share
    blind = np.isnan(held)
    if blind.any():
        wide = group_opening_shares(graph, [timed[k] for k in np.flatnonzero(blind)], **shares)
        members[blind], others[blind], held[blind] = wide
    audience = (
        (held >= AUDIENCE_HELD)  # most of its events are on targets that cascade ...
        & (members >= AUDIENCE_OPENING)  # ... and there it follows the cascade
        & (members >= AUDIENCE_RELATIVE * others)
    )
    generator = rng if rng is not None else np.random.default_rng()

    def pvalues(exclude: np.ndarray | None, which: np.ndarray) -> np.ndarray:
        out = np.ones(n)
        for k in np.flatnonzero(which):
            others = None
            if exclude is not None:
                others = exclude.copy()
                others[groups[k][0]] = False
            out[k] = group_timing_pvalues(
                graph, [timed[k]], n_null=n_null, rng=generator, exclude=others,
                ignore_mutual=ignore_mutual,
            )[0]
        if own is not None:
            out = np.maximum(out, own)
        return np.where(audience, 1.0, out)

    p = pvalues(None, ~audience)
    first = benjamini_hochberg(p, fdr)
    if first.any():
        flagged_users = np.zeros(graph.n_users, dtype=bool)
        for k in np.flatnonzero(first):
            flagged_users[groups[k][0]] = True
        p = pvalues(flagged_users, ~audience)
    # p = 1 passes a step-up bar of fdr = 1: audiences are never flagged all the same
    return GroupDecision(p, members, audience, benjamini_hochberg(p, fdr) & ~audience)


def significant_groups(
    graph: InteractionGraph,
    groups: Sequence[SuspiciousGroup],
    *,
    fdr: float,
    rng: np.random.Generator,
    own_pvalues: Sequence[float] | None = None,
    ignore_mutual: bool = True,
) -> tuple[np.ndarray, list[SuspiciousGroup], tuple[SuspiciousGroup, ...]]:
    """A tested detector's decision: its groups that :func:`decide_groups` flags.

    Returns which groups are flagged, the flagged groups, and every group
    tested; all of them carry the test's outcome in ``stats`` (``p_value``,
    ``opening_share``, ``audience``, ``significant``). Detectors keep the
    tested groups in ``evidence["tested_groups"]``: the ensemble decides
    across all of them at once.
    """
    decision = decide_groups(
        graph, [(g.users, g.targets) for g in groups], fdr=fdr, own_pvalues=own_pvalues,
        rng=rng, ignore_mutual=ignore_mutual,
    )  # fmt: skip
    own = {} if own_pvalues is None else {"own_p_value": own_pvalues}
    tested = tuple(
        SuspiciousGroup(g.users, g.targets, g.score,
                        {**g.stats, **decision.stats(k), **{k_: v[k] for k_, v in own.items()}})
        for k, g in enumerate(groups)
    )  # fmt: skip
    kept = [g for g, flag in zip(tested, decision.flagged) if flag]
    return decision.flagged, kept, tested


def evidence_targets(graph: InteractionGraph, users: np.ndarray) -> np.ndarray:
    """Targets where the timing of ``users`` can say something: two of them, and not a drop.

    At least two of the users acted on the target, and they are at least
    ``EVIDENCE_SHARE`` of its actors: a viral post that two members of a group
    of fifty liked among thousands is no evidence either way, and costs most of
    the test. Member counts per target are what the null keeps fixed, so the
    choice does not bias it.
    """
    counts = np.bincount(graph.csr[np.asarray(users)].indices, minlength=graph.n_targets)
    return np.flatnonzero((counts >= 2) & (counts >= EVIDENCE_SHARE * graph.target_degrees()))


def benjamini_hochberg(pvalues: Sequence[float] | np.ndarray, fdr: float) -> np.ndarray:
    """Which hypotheses Benjamini-Hochberg rejects at false discovery rate ``fdr``.

    Examples
    --------
    >>> benjamini_hochberg([0.001, 0.02, 0.03, 0.5], 0.05).tolist()
    [True, True, True, False]
    >>> benjamini_hochberg([0.04, 0.5], 0.05).tolist()
    [False, False]
    """
    p = np.asarray(pvalues, dtype=np.float64)
    if len(p) == 0:
        return np.zeros(0, dtype=bool)
    order = np.argsort(p, kind="stable")
    passing = p[order] <= fdr * np.arange(1, len(p) + 1) / len(p)
    reject = np.zeros(len(p), dtype=bool)
    if passing.any():
        reject[order[: np.flatnonzero(passing)[-1] + 1]] = True
    return reject
