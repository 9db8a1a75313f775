"""Scoring a detection against ground truth.

Set metrics (precision, recall, F1) judge the detector's own decision, the
union of its groups (``result.flagged()``); ranking metrics (ROC-AUC, average
precision, precision@k) judge its per-user scores; group Jaccard judges how
well each planted farm is recovered as one group.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import rankdata

from ..errors import InvalidInputError, InvalidParameterError
from ..graph import InteractionGraph
from ..result import DetectionResult

__all__ = [
    "precision_recall_f1",
    "roc_auc",
    "average_precision",
    "precision_at_k",
    "roc_curve",
    "pr_curve",
    "group_jaccard",
    "detection_scores",
]


def _as_labels(labels: Any, n: int | None = None) -> np.ndarray:
    y = np.asarray(labels)
    if y.dtype != bool:
        if not np.isin(y, (0, 1)).all():
            raise InvalidInputError("labels must be boolean or 0/1")
        y = y.astype(bool)
    if n is not None and len(y) != n:
        raise InvalidInputError(f"labels must have one entry per user ({n}); got {len(y)}")
    return y


def precision_recall_f1(flagged: np.ndarray, labels: Any) -> dict[str, float]:
    """Precision, recall and F1 of a flagged set (internal indices) against boolean labels.

    Examples
    --------
    >>> precision_recall_f1(np.array([0, 1]), [True, False, True])
    {'precision': 0.5, 'recall': 0.5, 'f1': 0.5}
    """
    y = _as_labels(labels)
    hit = np.zeros(len(y), dtype=bool)
    hit[np.asarray(flagged, dtype=np.int64)] = True
    tp = float((hit & y).sum())
    precision = tp / float(hit.sum()) if hit.any() else 0.0
    recall = tp / float(y.sum()) if y.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def roc_auc(scores: Any, labels: Any) -> float:
    """Area under the ROC curve (ties count one half); NaN when one class is absent.

    Examples
    --------
    >>> roc_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    0.75
    """
    s = np.asarray(scores, dtype=np.float64)
    y = _as_labels(labels, len(s))
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(s)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(scores: Any, labels: Any) -> float:
    """Average precision of a ranking (ties broken pessimistically); NaN without positives.

    Examples
    --------
    >>> average_precision([0.9, 0.8, 0.1], [1, 0, 1])
    0.8333333333333333
    """
    s = np.asarray(scores, dtype=np.float64)
    y = _as_labels(labels, len(s))
    if not y.any():
        return float("nan")
    order = np.lexsort((y, -s))  # among equal scores, negatives first: no credit for ties
    hits = y[order]
    precision_at = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision_at[hits].mean())


def precision_at_k(scores: Any, labels: Any, k: int) -> float:
    """Fraction of positives among the ``k`` highest scores.

    Examples
    --------
    >>> precision_at_k([0.9, 0.8, 0.1], [1, 0, 1], k=2)
    0.5
    """
    s = np.asarray(scores, dtype=np.float64)
    y = _as_labels(labels, len(s))
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InvalidParameterError(f"`k` must be a positive int; got {k!r}")
    top = np.argsort(-s, kind="stable")[:k]
    return float(y[top].mean())


def roc_curve(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """False- and true-positive rates at every distinct score threshold.

    Examples
    --------
    >>> fpr, tpr = roc_curve(np.array([0.9, 0.8, 0.1]), np.array([True, False, False]))
    >>> fpr.tolist(), tpr.tolist()
    ([0.0, 0.0, 0.5, 1.0], [0.0, 1.0, 1.0, 1.0])
    """
    tp, fp = _cumulative(scores, labels)
    pos, neg = max(tp[-1], 1), max(fp[-1], 1)
    return np.concatenate([[0.0], fp / neg]), np.concatenate([[0.0], tp / pos])


def pr_curve(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Recall and precision at every distinct score threshold.

    Examples
    --------
    >>> recall, precision = pr_curve(np.array([0.9, 0.8, 0.1]), np.array([True, False, True]))
    >>> recall.tolist(), precision.round(2).tolist()
    ([0.5, 0.5, 1.0], [1.0, 0.5, 0.67])
    """
    tp, fp = _cumulative(scores, labels)
    return tp / max(tp[-1], 1), tp / np.maximum(tp + fp, 1)


def _cumulative(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=bool)
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order]
    # One point per distinct score: tied users are all in or all out.
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]
    return np.cumsum(y)[last].astype(float), np.cumsum(~y)[last].astype(float)


def group_jaccard(groups: list[np.ndarray], truth_sets: list[np.ndarray]) -> list[float]:
    """For each true set (user indices), the best Jaccard similarity with any found group.

    Examples
    --------
    >>> group_jaccard([np.array([1, 2, 3])], [np.array([2, 3]), np.array([7])])
    [0.6666666666666666, 0.0]
    """
    found = [set(np.asarray(g).tolist()) for g in groups]
    best = []
    for truth in truth_sets:
        t = set(np.asarray(truth).tolist())
        scores = [len(t & g) / len(t | g) for g in found if t | g]
        best.append(max(scores, default=0.0))
    return best


def detection_scores(
    result: DetectionResult, truth: Any, graph: InteractionGraph | None = None, *, k: int = 100
) -> dict[str, float]:
    """All metrics of one detection against a GroundTruth (or a boolean bot mask).

    Returns precision, recall, f1 (flagged set), roc_auc, average_precision,
    precision_at_k (scores), group_jaccard (mean best-match Jaccard over farms),
    fp_rate (fraction of normal users flagged) and n_flagged.
    """
    if hasattr(truth, "bot_mask"):
        if graph is None:
            raise InvalidParameterError("pass the `graph` the detector ran on with a GroundTruth")
        labels = truth.bot_mask(graph)
        farm_sets = [np.flatnonzero(m) for m in truth.farm_masks(graph)]
    else:
        labels = _as_labels(truth, result.n_users)
        farm_sets = [np.flatnonzero(labels)]
    if len(labels) != result.n_users:
        raise InvalidInputError("the truth does not match the users the detector scored")
    flagged = result.flagged()
    out = precision_recall_f1(flagged, labels)
    out["roc_auc"] = roc_auc(result.user_scores, labels)
    out["average_precision"] = average_precision(result.user_scores, labels)
    out["precision_at_k"] = precision_at_k(result.user_scores, labels, min(k, result.n_users))
    jac = group_jaccard([g.users for g in result.groups], farm_sets) if farm_sets else []
    out["group_jaccard"] = float(np.mean(jac)) if jac else float("nan")
    normal = ~labels
    hit = np.zeros(result.n_users, dtype=bool)
    hit[flagged] = True
    out["fp_rate"] = float((hit & normal).sum() / max(normal.sum(), 1))
    out["n_flagged"] = float(len(flagged))
    return out
