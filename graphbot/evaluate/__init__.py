"""Evaluation: metrics against ground truth (and, later, benchmark sweeps)."""

from .bench import run_benchmark
from .degree_matched import budget_precision, degree_matched_auc
from .metrics import (
    average_precision,
    detection_scores,
    group_jaccard,
    precision_at_k,
    precision_recall_f1,
    roc_auc,
)
from .prevalence import PrevalenceEstimate, estimate_prevalence
from .real_labels import run_real_labels

__all__ = [
    "average_precision",
    "detection_scores",
    "group_jaccard",
    "precision_at_k",
    "precision_recall_f1",
    "roc_auc",
    "run_benchmark",
    "run_real_labels",
    "degree_matched_auc",
    "budget_precision",
    "estimate_prevalence",
    "PrevalenceEstimate",
]
