"""ROC / PR curves agree with the metrics module; score distributions split by truth."""

from __future__ import annotations

import numpy as np
import pytest

from graphbot import DetectionResult, SuspiciousGroup
from graphbot.errors import InputTypeError, InvalidParameterError
from graphbot.evaluate.metrics import average_precision, roc_auc
from graphbot.plot import plot_pr, plot_roc, plot_score_distributions
from graphbot.plot.scores import pr_curve, roc_curve


@pytest.fixture(scope="module")
def two_results():
    rng = np.random.default_rng(0)
    labels = np.zeros(300, dtype=bool)
    labels[:30] = True
    good = np.round(rng.normal(size=300) + 2.5 * labels, 1)  # rounding makes ties
    bad = rng.normal(size=300)
    ids = np.array([f"u{i}" for i in range(300)])
    top = np.argsort(-good)[:25]
    return labels, {
        "good": DetectionResult("good", good, (SuspiciousGroup(top, [0], 1.0),), ids, ids[:1]),
        "noise": DetectionResult("noise", bad, (), ids, ids[:1]),
    }


def test_curves_match_metric_values(two_results):
    labels, results = two_results
    for r in results.values():
        fpr, tpr = roc_curve(r.user_scores, labels)
        assert np.trapezoid(tpr, fpr) == pytest.approx(roc_auc(r.user_scores, labels))
        recall, precision = pr_curve(r.user_scores, labels)
        ap = np.sum(np.diff(np.r_[0.0, recall]) * precision)
        if r.method == "noise":  # no ties: both conventions agree exactly
            assert ap == pytest.approx(average_precision(r.user_scores, labels))
        else:  # ties: the curve gives them average credit, the metric none
            assert ap >= average_precision(r.user_scores, labels)


def test_plot_roc_one_line_per_detector(two_results, tmp_path):
    labels, results = two_results
    ax = plot_roc(results, labels)
    lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    assert len(lines) == 2
    auc = roc_auc(results["good"].user_scores, labels)
    assert lines[0].get_label() == f"good (AUC {auc:.2f})"
    ax.figure.savefig(tmp_path / "roc.png")
    assert (tmp_path / "roc.png").stat().st_size > 5000


def test_plot_pr_labels_average_precision_and_base_rate(two_results):
    labels, results = two_results
    ax = plot_pr(list(results.values()), np.flatnonzero(labels))
    ap = average_precision(results["noise"].user_scores, labels)
    assert [ln.get_label() for ln in ax.get_lines()][1] == f"noise (AP {ap:.2f})"
    assert "base rate 10.0%" in ax.get_title(loc="left")


def test_score_distributions_split_by_truth(two_results, tmp_path):
    labels, results = two_results
    ax = plot_score_distributions(results, truth=labels)
    gids = {c.get_gid() for c in ax.collections if c.get_gid()}
    assert {"good:bots", "good:others", "noise:bots", "noise:others"} <= gids
    assert [t.get_text() for t in ax.get_yticklabels()] == ["good", "noise"]
    # The flag threshold tick of "good" sits at the percentile of its lowest flagged score.
    ticks = [ln for ln in ax.get_lines() if ln.get_label() == "flag threshold"]
    assert len(ticks) == 1 and 0.85 < ticks[0].get_xdata()[0] <= 1.0
    ax.figure.savefig(tmp_path / "scores.png")


def test_score_distributions_without_truth(two_results):
    _, results = two_results
    ax = plot_score_distributions(results["noise"])
    assert {c.get_gid() for c in ax.collections if c.get_gid()} == {"noise:all"}


def test_bad_inputs():
    with pytest.raises(InvalidParameterError, match="`results` is empty"):
        plot_roc([], np.zeros(3, bool))
    with pytest.raises(InputTypeError, match="must hold DetectionResult objects; got int"):
        plot_pr({"x": 3}, np.zeros(3, bool))
