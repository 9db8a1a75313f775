"""Scores against real labels once activity is accounted for.

On real spam sets (YelpChi, VEWS, Bitcoin-OTC) the bad actors are mostly the
*least* active accounts, so a detector's plain ROC-AUC largely measures how it
correlates with activity. :func:`degree_matched_auc` compares positives with
negatives only inside the same activity bin: 0.5 means the detector adds
nothing beyond activity. :func:`budget_precision` judges the detector's own
groups the way an analyst uses them: review the top groups until a fixed number
of accounts is spent and count the bad ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import rankdata

from .._checks import check_int
from ..errors import InvalidInputError, InvalidParameterError
from ..graph import InteractionGraph
from ..result import DetectionResult

__all__ = [
    "activity",
    "activity_bins",
    "degree_matched_auc",
    "budget_precision",
    "expected_precision_at_k",
]

_DAY = 86_400


def activity(graph: InteractionGraph, measure: str = "targets") -> np.ndarray:
    """Per-user activity: distinct ``"targets"``, ``"events"`` or active ``"days"``.

    Examples
    --------
    >>> g = InteractionGraph.from_events(["a", "b", "b"], ["x", "x", "y"], times=[0, 5, 90_000])
    >>> activity(g, "days").tolist()
    [1, 2]
    """
    if measure == "targets":
        return graph.user_degrees(unique=True).astype(np.int64)
    if measure == "events":
        return graph.user_degrees(unique=False)
    if measure == "days":
        days = graph.require_times("activity(measure='days')") // _DAY
        pairs = np.unique(graph.users.astype(np.int64) * (1 << 32) + (days - days.min()))
        return np.bincount((pairs >> 32).astype(np.int64), minlength=graph.n_users)
    raise InvalidParameterError(
        f"`measure` must be one of ('targets', 'events', 'days'); got {measure!r}"
    )


def activity_bins(degree: Any) -> np.ndarray:
    """Bin activity counts: exact for 0..4, then powers of two (5-8, 9-16, ...).

    Low degrees, where most real bad actors sit, keep their own bin; the tail
    is coarser so each bin keeps both classes.

    Examples
    --------
    >>> activity_bins([0, 1, 4, 5, 8, 9, 100]).tolist()
    [0, 1, 4, 5, 5, 6, 9]
    """
    d = np.asarray(degree, dtype=np.int64)
    if (d < 0).any():
        raise InvalidInputError("activity counts must be >= 0")
    tail = 5 + np.ceil(np.log2(np.maximum(d, 5) / 4.0) - 1e-9).astype(np.int64) - 1
    return np.where(d <= 4, d, np.maximum(tail, 5))


def degree_matched_auc(scores: Any, labels: Any, degree: Any) -> float:
    """ROC-AUC counting only positive/negative pairs in the same activity bin.

    Equivalent to the probability that a random bad actor outscores a random
    good one *of similar activity* (ties count one half). Bins come from
    :func:`activity_bins`; bins missing one class contribute no pairs.
    NaN when no bin holds both classes.

    Parameters
    ----------
    scores : array-like of float
        Higher = more suspicious.
    labels : array-like of bool
        True = bad actor.
    degree : array-like of int
        Activity of each user (see :func:`activity`).

    Examples
    --------
    >>> s = [0.9, 0.1, 0.8, 0.2]
    >>> y = [True, False, True, False]
    >>> degree_matched_auc(s, y, degree=[1, 1, 7, 7])
    1.0

    References
    ----------
    .. [1] P. R. Rosenbaum and D. B. Rubin. The central role of the propensity
       score in observational studies for causal effects. Biometrika 70(1), 1983
       (matching on a confounder before comparing groups).
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    bins = activity_bins(degree)
    if not len(s) == len(y) == len(bins):
        raise InvalidInputError("`scores`, `labels` and `degree` must have the same length")
    wins = pairs = 0.0
    order = np.argsort(bins, kind="stable")
    cuts = np.flatnonzero(np.diff(bins[order])) + 1
    for members in np.split(order, cuts):
        yb = y[members]
        n_pos, n_neg = int(yb.sum()), int((~yb).sum())
        if n_pos == 0 or n_neg == 0:
            continue
        ranks = rankdata(s[members])
        wins += ranks[yb].sum() - n_pos * (n_pos + 1) / 2
        pairs += n_pos * n_neg
    return float(wins / pairs) if pairs else float("nan")


def expected_precision_at_k(scores: Any, labels: Any, k: int) -> float:
    """Precision among the ``k`` highest scores, ties at the cut-off shared out evenly.

    A score with many ties (an activity count, a 0/1 block membership) would
    otherwise get a precision decided by the order of the users in the file;
    this gives its expectation under a random tie-break.

    Examples
    --------
    >>> expected_precision_at_k([1, 1, 1, 1, 0], [True, False, True, False, True], k=2)
    0.5
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    k = min(check_int("k", k, low=1, what="a positive int"), len(s))
    if k == 0:
        return float("nan")
    cut = np.sort(s)[::-1][k - 1]
    above, tied = s > cut, s == cut
    n_above = int(above.sum())
    share = (k - n_above) * y[tied].mean()
    return float((y[above].sum() + share) / k)


def budget_precision(result: DetectionResult, labels: Any, budget: int = 100) -> dict[str, float]:
    """Precision of the detector's top groups when an analyst reviews ``budget`` accounts.

    Groups are taken in the detector's order (highest score first) and their
    members added until ``budget`` accounts are reached (the last group is cut,
    members in score order). ``labels`` may hold NaN / None for unlabelled
    users: precision counts labelled accounts only, ``coverage`` says how many
    of the reviewed accounts carry a label.

    Returns
    -------
    dict
        ``precision``, ``n_reviewed``, ``n_labelled``, ``n_groups`` (groups opened).

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> from graphbot.detect import degree_baseline
    >>> g = InteractionGraph.from_events(["a", "b", "b", "c"], ["x", "x", "y", "x"])
    >>> r = degree_baseline(g, contamination=0.3, rng=0)
    >>> budget_precision(r, [False, True, False], budget=10)["precision"]
    1.0
    """
    budget = check_int("budget", budget, low=1, what="a positive int")
    lab = np.asarray(labels, dtype=np.float64)  # NaN = unlabelled
    if len(lab) != result.n_users:
        raise InvalidInputError(
            f"`labels` must have one entry per scored user ({result.n_users}); got {len(lab)}"
        )
    seen = np.zeros(result.n_users, dtype=bool)
    chosen: list[np.ndarray] = []
    n_groups = taken = 0
    for group in result.groups:
        if taken >= budget:
            break
        fresh = np.asarray(group.users, dtype=np.int64)
        fresh = fresh[~seen[fresh]]
        if not len(fresh):
            continue
        fresh = fresh[np.argsort(-result.user_scores[fresh], kind="stable")][: budget - taken]
        seen[fresh] = True
        chosen.append(fresh)
        taken += len(fresh)
        n_groups += 1
    reviewed = np.concatenate(chosen) if chosen else np.array([], dtype=np.int64)
    known = lab[reviewed][~np.isnan(lab[reviewed])]
    return {
        "precision": float(known.mean()) if len(known) else float("nan"),
        "n_reviewed": float(len(reviewed)),
        "n_labelled": float(len(known)),
        "n_groups": float(n_groups),
    }
