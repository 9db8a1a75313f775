"""Write benchmark results as data only: tidy CSV and markdown tables.

No figures here: ``evaluate`` never imports ``plot`` or matplotlib (see the
design guide). :func:`graphbot.report.benchmark.write_benchmark_figures` draws
the figures from the files written here (``planted_runs.csv`` and
``roc_pr_curves.csv``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "markdown_table",
    "write_planted",
    "write_real",
    "planted_tables",
    "real_tables",
    "curve_points",
]

_ORDER = ("none", "random", "biased", "hijacked")
#: at most this many points per curve in ``roc_pr_curves.csv`` (keeps the file small)
MAX_CURVE_POINTS = 400
CURVE_COLUMNS = ["dataset", "detector", "curve", "x", "y"]


def markdown_table(frame: pd.DataFrame, *, digits: int = 3) -> str:
    """A pandas frame as a GitHub markdown table (index included), without extra packages.

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"a": [0.12345]}, index=["x"])))
    |  | a |
    |---|---|
    | x | 0.123 |
    """

    def cell(v: Any) -> str:
        if isinstance(v, (float, np.floating)):
            return "–" if np.isnan(v) else f"{v:.{digits}f}"
        return str(v)

    head = "| " + " | ".join([str(frame.index.name or "")] + [str(c) for c in frame.columns])
    lines = [head + " |", "|" + "---|" * (len(frame.columns) + 1)]
    for idx, row in frame.iterrows():
        lines.append("| " + " | ".join([cell(idx)] + [cell(v) for v in row]) + " |")
    return "\n".join(lines)


def _ok(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"] == "ok"]


def _farm_runs(frame: pd.DataFrame) -> pd.DataFrame:
    """Successful runs on graphs with a planted farm (the farm-free controls left out)."""
    ok = _ok(frame)
    return ok[ok["farm_kind"] != "none"]


def planted_tables(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The summary tables of a planted-grid frame, by title."""
    ok = _ok(frame)
    farms = _farm_runs(frame)
    tables: dict[str, pd.DataFrame] = {}
    for camo in [c for c in _ORDER if c in set(farms["camouflage"])]:
        sub = farms[farms["camouflage"] == camo]
        tables[
            f"F1 by farm density, camouflage = {camo} (mean over backgrounds, kinds, "
            "timings, seeds)"
        ] = sub.pivot_table("f1", "detector", "density", "mean")
    for bg in sorted(set(farms["background"])):
        sub = farms[farms["background"] == bg]
        tables[
            f"F1 by camouflage on background {bg} (mean over densities, kinds, timings, seeds)"
        ] = sub.pivot_table("f1", "detector", "camouflage", "mean")
        tables[f"ROC-AUC of scores by density on background {bg}"] = sub.pivot_table(
            "roc_auc", "detector", "density", "mean"
        )
    if "timing" in farms and farms["timing"].nunique() > 1:
        tables["F1 by timing (mean over everything else)"] = farms.pivot_table(
            "f1", "detector", "timing", "mean"
        )
    control = ok[ok["farm_kind"] == "none"]
    if len(control):
        tables["False positives on the farm-free background: users flagged"] = control.pivot_table(
            "n_flagged", "detector", "background", "mean"
        )
    tables["Runtime (median s) and peak heap memory (max MB) per run"] = (
        ok.groupby(["detector", "background"])
        .agg(runtime_s=("runtime_s", "median"), peak_mem_mb=("peak_mem_mb", "max"))
        .unstack()
    )
    return tables  # fmt: skip


def _errors_table(frame: pd.DataFrame) -> pd.DataFrame | None:
    bad = frame[frame["status"] != "ok"]
    if not len(bad):
        return None
    return (bad.groupby(["detector", "status", "error"]).size().rename("runs").reset_index()
            .set_index("detector"))  # fmt: skip


def write_planted(frame: pd.DataFrame, out: Path) -> None:
    """``planted_runs.csv`` and ``planted_summary.md`` under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out / "planted_runs.csv", index=False)
    parts = []
    for title, table in planted_tables(frame).items():
        table = table.copy()
        if isinstance(table.columns, pd.MultiIndex):
            table.columns = [" ".join(map(str, c)) for c in table.columns]
        parts.append(f"### {title}\n\n{markdown_table(table)}\n")
    errors = _errors_table(frame)
    if errors is not None:
        parts.append(f"### Errors and skipped runs\n\n{markdown_table(errors)}\n")
    (out / "planted_summary.md").write_text("\n".join(parts))


def real_tables(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One table per real-label set: rows = contenders (baselines first)."""
    cols = ["role", "roc_auc", "average_precision", "precision_at_100", "degree_matched_auc",
            "budget_precision", "budget_reviewed", "runtime_s", "peak_mem_mb"]  # fmt: skip
    out = {}
    for name, sub in _ok(frame).groupby("dataset", sort=False):
        extra = ["leaky"] if "leaky" in sub and sub["leaky"].notna().any() else []
        table = sub.set_index("detector")[[c for c in cols if c in sub] + extra]
        n = sub.iloc[0]
        title = (
            f"{name}: {int(n['n_users'])} users, {int(n['n_events'])} events, "
            f"{int(n['n_positive'])} of {int(n['n_labelled'])} labelled users positive"
        )
        out[title] = table
    return out


def write_real(
    frame: pd.DataFrame, curves: Mapping[tuple[str, str], tuple[np.ndarray, np.ndarray]], out: Path
) -> None:
    """``real_labels.csv``, ``real_labels.md`` and ``roc_pr_curves.csv`` under ``out``.

    ``curves`` maps ``(dataset, detector)`` to ``(scores, labels)`` (labels NaN
    where unknown).
    """
    out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out / "real_labels.csv", index=False)
    parts = [f"### {t}\n\n{markdown_table(tab)}\n" for t, tab in real_tables(frame).items()]
    bad = frame[frame["status"] != "ok"]
    if len(bad):
        parts.append(
            "### Errors and skipped\n\n"
            + markdown_table(bad.set_index("dataset")[["detector", "status", "error"]])
        )
    (out / "real_labels.md").write_text("\n".join(parts) + "\n")
    curve_points(curves).to_csv(out / "roc_pr_curves.csv", index=False, float_format="%.5g")


def curve_points(
    curves: Mapping[tuple[str, str], tuple[np.ndarray, np.ndarray]],
    max_points: int = MAX_CURVE_POINTS,
) -> pd.DataFrame:
    """ROC and PR points of every ``(dataset, detector)``, long format, downsampled.

    Columns ``dataset, detector, curve, x, y``: ``curve == "roc"`` rows are
    (false-positive rate, true-positive rate), ``"pr"`` rows (recall, precision).
    Unlabelled users (NaN labels) are left out. Each curve keeps at most
    ``max_points`` evenly spaced points, its first and last among them.

    Examples
    --------
    >>> pts = curve_points({("d", "m"): (np.array([0.9, 0.5, 0.1]), np.array([1, np.nan, 0]))})
    >>> pts[pts["curve"] == "roc"][["x", "y"]].values.tolist()
    [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    """
    parts = []
    for (dataset, detector), (scores, y) in curves.items():
        fpr, tpr, recall, precision = _roc_pr_points(np.asarray(scores, float),
                                                     np.asarray(y, float))  # fmt: skip
        for kind, x_, y_ in (("roc", fpr, tpr), ("pr", recall, precision)):
            keep = _thin(len(x_), max_points)
            parts.append(pd.DataFrame({"dataset": dataset, "detector": detector, "curve": kind,
                                       "x": x_[keep], "y": y_[keep]}))  # fmt: skip
    if not parts:
        return pd.DataFrame(columns=CURVE_COLUMNS)
    return pd.concat(parts, ignore_index=True)[CURVE_COLUMNS]


def _thin(n: int, max_points: int) -> np.ndarray:
    """At most ``max_points`` evenly spaced indices into ``n`` points, first and last kept."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(np.int64))


def _roc_pr_points(scores: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    from .metrics import pr_curve, roc_curve

    known = ~np.isnan(y)  # unlabelled users have no place on either curve
    s, lab = scores[known], y[known].astype(bool)
    return (*roc_curve(s, lab), *pr_curve(s, lab))
