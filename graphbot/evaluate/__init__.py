"""Evaluation: metrics against ground truth (and, later, benchmark sweeps)."""

from .metrics import (
    average_precision,
    detection_scores,
    group_jaccard,
    precision_at_k,
    precision_recall_f1,
    roc_auc,
)

__all__ = [
    "average_precision",
    "detection_scores",
    "group_jaccard",
    "precision_at_k",
    "precision_recall_f1",
    "roc_auc",
]
