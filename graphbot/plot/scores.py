"""Score distributions by detector, and ROC / precision-recall curves against the truth."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import InputTypeError, InvalidParameterError
from ..evaluate.metrics import average_precision, pr_curve, roc_auc, roc_curve
from ..result import DetectionResult
from ._style import ROLE_COLORS, categorical_color, categorical_dash, get_ax, style, truth_mask

__all__ = ["plot_score_distributions", "plot_roc", "plot_pr", "roc_curve", "pr_curve"]


def _named_results(results: Any) -> list[tuple[str, DetectionResult]]:
    if isinstance(results, DetectionResult):
        return [(results.method, results)]
    items = results.items() if isinstance(results, Mapping) else [(r.method, r) for r in results]
    out = []
    for name, r in items:
        if not isinstance(r, DetectionResult):
            raise InputTypeError(
                f"`results` must hold DetectionResult objects; got {type(r).__name__}"
            )
        out.append((str(name), r))
    if not out:
        raise InvalidParameterError("`results` is empty")
    return out


def _curve_legend(ax: Any, n: int, loc: str) -> None:
    """Inside the axes for a few curves; beside it for many, where it hides no curve."""
    if n <= 4:
        ax.legend(loc=loc)
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)


def _labels(truth: Any, result: DetectionResult) -> np.ndarray:
    return truth_mask(truth, result.user_ids)


def plot_roc(results: Any, truth: Any, *, ax: Any = None) -> Any:
    """ROC curves of one or several detectors against the true bots.

    Parameters
    ----------
    results : DetectionResult, sequence of them, or mapping name -> result
    truth : GroundTruth, or bool mask / indices over the results' users
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One line per detector, labelled with its ROC-AUC.

    Examples
    --------
    >>> from graphbot.result import DetectionResult
    >>> r = DetectionResult("demo", np.array([0.9, 0.2, 0.7, 0.1]), (), np.arange(4), np.arange(1))
    >>> ax = plot_roc(r, np.array([True, False, True, False]))
    >>> ax.get_lines()[0].get_label()
    'demo (AUC 1.00)'

    References
    ----------
    Fawcett, T. (2006). An introduction to ROC analysis. Pattern Recognition Letters 27(8).
    """
    named = _named_results(results)
    with style():
        ax = get_ax(ax, (4.8, 4.5))
        for i, (name, r) in enumerate(named):
            labels = _labels(truth, r)
            fpr, tpr = roc_curve(r.user_scores, labels)
            auc = roc_auc(r.user_scores, labels)
            ax.plot(
                fpr,
                tpr,
                color=categorical_color(i),
                ls=categorical_dash(i),
                lw=1.8,
                label=f"{name} (AUC {auc:.2f})",
            )
        ax.plot([0, 1], [0, 1], color=ROLE_COLORS["background"], ls=":", lw=1, label="_chance")
        ax.set_xlabel("false positive rate")
        ax.set_ylabel("true positive rate")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.01)
        ax.set_title("ROC", loc="left")
        _curve_legend(ax, len(named), "lower right")
    return ax


def plot_pr(results: Any, truth: Any, *, ax: Any = None) -> Any:
    """Precision-recall curves of one or several detectors against the true bots.

    Parameters
    ----------
    results : DetectionResult, sequence of them, or mapping name -> result
    truth : GroundTruth, or bool mask / indices over the results' users
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One step line per detector, labelled with its average precision; a dotted
        line at the bot base rate.

    Examples
    --------
    >>> from graphbot.result import DetectionResult
    >>> r = DetectionResult("demo", np.array([0.9, 0.2, 0.7, 0.1]), (), np.arange(4), np.arange(1))
    >>> ax = plot_pr(r, np.array([True, False, True, False]))
    >>> ax.get_lines()[0].get_label()
    'demo (AP 1.00)'

    References
    ----------
    Davis, J. and Goadrich, M. (2006). The relationship between precision-recall
    and ROC curves. ICML.
    """
    named = _named_results(results)
    with style():
        ax = get_ax(ax, (4.8, 4.5))
        for i, (name, r) in enumerate(named):
            labels = _labels(truth, r)
            recall, precision = pr_curve(r.user_scores, labels)
            # The label quotes the metrics module (ties pessimistic) so it matches reports.
            ap = average_precision(r.user_scores, labels)
            ax.step(
                np.r_[0.0, recall],
                np.r_[precision[0], precision],
                where="pre",
                color=categorical_color(i),
                ls=categorical_dash(i),
                lw=1.8,
                label=f"{name} (AP {ap:.2f})",
            )
        base = float(_labels(truth, named[0][1]).mean())
        ax.axhline(base, color=ROLE_COLORS["background"], ls=":", lw=1, label="_base rate")
        ax.set_xlabel("recall")
        ax.set_ylabel("precision")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_title(f"Precision-recall (bot base rate {base:.1%})", loc="left")
        _curve_legend(ax, len(named), "best")
    return ax


def plot_score_distributions(results: Any, *, truth: Any = None, ax: Any = None) -> Any:
    """Distribution of each detector's user scores, split by truth when known.

    Scores of different detectors live on different scales, so each detector's
    scores are shown as percentile ranks within its own run (0 = least, 1 = most
    suspicious; tied users share the lowest rank of their tie) in one row per
    detector. Each row is a violin of all users, or, with ``truth``, a grey violin
    for other users and a vermillion one for true bots: the further apart, the
    better the detector separates them. A tick marks the detector's own decision
    threshold (lowest score it flagged).

    Parameters
    ----------
    results : DetectionResult, sequence of them, or mapping name -> result
    truth : GroundTruth, or bool mask / indices over users, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Violin bodies carry gids ``"<name>:all"``, ``"<name>:others"`` or ``"<name>:bots"``.

    Examples
    --------
    >>> from graphbot.result import DetectionResult
    >>> r = DetectionResult("demo", np.arange(10.0), (), np.arange(10), np.arange(1))
    >>> ax = plot_score_distributions(r)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['demo']

    References
    ----------
    Hintze, J. L. and Nelson, R. D. (1998). Violin plots: a box plot-density
    trace synergism. The American Statistician 52(2).
    """
    from scipy.stats import rankdata

    named = _named_results(results)
    with style():
        ax = get_ax(ax, (6.4, 1.0 + 0.8 * len(named)))
        for row, (name, r) in enumerate(named):
            # Tied users share the lowest rank of their tie: when most users score 0,
            # they sit at 0 (unsuspicious), not at the top of their tie block.
            pct = (rankdata(r.user_scores, method="min") - 1) / max(r.n_users - 1, 1)
            bots = _labels(truth, r) if truth is not None else np.zeros(r.n_users, bool)
            if bots.any() and (~bots).any():
                _violin(ax, pct[~bots], row + 0.17, ROLE_COLORS["background"], f"{name}:others")
                _violin(ax, pct[bots], row - 0.17, ROLE_COLORS["flagged"], f"{name}:bots")
            else:
                _violin(ax, pct, row, ROLE_COLORS["normal"], f"{name}:all")
            flagged = r.flagged()
            if len(flagged):
                cut = float(pct[flagged].min())
                ax.plot(
                    [cut, cut],
                    [row - 0.42, row + 0.42],
                    color="black",
                    lw=1.2,
                    label="flag threshold" if row == 0 else "_",
                )
        ax.set_yticks(range(len(named)))
        ax.set_yticklabels([n for n, _ in named])
        ax.set_ylim(len(named) - 0.5, -0.5)
        ax.set_xlim(0, 1.0)
        ax.set_xlabel("score percentile within the detector's run (1 = most suspicious)")
        ax.set_title("Score distributions", loc="left")
        _violin_legend(ax, truth is not None)
    return ax


def _violin(ax: Any, values: np.ndarray, pos: float, color: str, gid: str) -> None:
    if len(values) < 2 or np.ptp(values) == 0:
        ax.scatter(values, np.full(len(values), pos), s=8, color=color, gid=gid)
        return
    kwargs = {"positions": [pos], "widths": 0.32, "showextrema": False, "showmedians": True}
    try:  # matplotlib >= 3.10 names the direction `orientation`; `vert` is deprecated there
        parts = ax.violinplot([values], orientation="horizontal", **kwargs)
    except TypeError:
        parts = ax.violinplot([values], vert=False, **kwargs)
    for body in parts["bodies"]:
        body.set_facecolor(color)
        body.set_edgecolor(color)
        body.set_alpha(0.7)
        body.set_gid(gid)
    parts["cmedians"].set_color("black")
    parts["cmedians"].set_linewidth(0.8)


def _violin_legend(ax: Any, with_truth: bool) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if with_truth:
        handles = [
            Patch(color=ROLE_COLORS["flagged"], alpha=0.7, label="true bots"),
            Patch(color=ROLE_COLORS["background"], alpha=0.7, label="other users"),
        ]
    else:
        handles = [Patch(color=ROLE_COLORS["normal"], alpha=0.7, label="all users")]
    handles.append(Line2D([], [], color="black", lw=1.2, label="flag threshold"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0))
