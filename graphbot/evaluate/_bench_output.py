"""Write benchmark results: tidy CSV, markdown tables, figures (matplotlib, Agg, lazily).

The F1-vs-density figure is :func:`graphbot.plot.plot_benchmark_grid`; the
ROC/PR figure (labels with unlabelled users) is drawn here. matplotlib and
graphbot.plot are imported inside the functions only, so importing graphbot
never pulls them in.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["markdown_table", "write_planted", "write_real", "planted_tables", "real_tables"]

_ORDER = ("none", "random", "biased", "hijacked")


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


def planted_tables(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The summary tables of a planted-grid frame, by title."""
    ok = _ok(frame)
    farms = ok[ok["farm_kind"] != "none"]
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
    """``planted_runs.csv``, ``planted_summary.md`` and ``f1_vs_density.png`` under ``out``."""
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
    _figure_curves(frame, out / "f1_vs_density.png")


def _figure_curves(frame: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    ok = _ok(frame)
    farms = ok[ok["farm_kind"] != "none"]
    if not len(farms):
        return
    from ..plot import plot_benchmark_grid

    fig = plot_benchmark_grid(farms)[0].figure
    fig.savefig(path, dpi=120)
    plt.close(fig)


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
    """``real_labels.csv``, ``real_labels.md`` and ``roc_pr_<dataset>.png`` under ``out``."""
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
    for dataset in sorted({d for d, _ in curves}):
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in dataset)
        _figure_roc_pr({k[1]: v for k, v in curves.items() if k[0] == dataset}, dataset,
                       out / f"roc_pr_{safe}.png")  # fmt: skip


def _roc_pr_points(scores: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    from .metrics import pr_curve, roc_curve

    known = ~np.isnan(y)  # unlabelled users have no place on either curve
    s, lab = scores[known], y[known].astype(bool)
    return (*roc_curve(s, lab), *pr_curve(s, lab))


def _figure_roc_pr(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], title: str,
                   path: Path) -> None:  # fmt: skip
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, (roc, pr) = plt.subplots(1, 2, figsize=(10, 4))
    for name, (scores, y) in curves.items():
        fpr, tpr, recall, precision = _roc_pr_points(scores, y)
        style = "--" if name.startswith(("low-activity", "few ")) else "-"
        roc.plot(fpr, tpr, style, lw=1.2, label=name)
        pr.plot(recall, precision, style, lw=1.2, label=name)
    roc.plot([0, 1], [0, 1], ":", color="grey", lw=0.8)
    roc.set(xlabel="false positive rate", ylabel="true positive rate", title=f"ROC — {title}")
    pr.set(xlabel="recall", ylabel="precision", title=f"PR — {title}", ylim=(0, 1.02))
    pr.legend(fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
