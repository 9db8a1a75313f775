"""Benchmark figures, drawn from the files the benchmark wrote.

:func:`graphbot.evaluate.run_benchmark` and
:func:`graphbot.evaluate.run_real_labels` write data only (CSV and markdown),
because ``evaluate`` never imports ``plot`` or matplotlib. This module turns
those files into the figures: the F1-vs-density grid from ``planted_runs.csv``
and one ROC/PR figure per real-label set from ``roc_pr_curves.csv``. Figures
can be redrawn at any time without re-running the benchmark.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..evaluate._bench_output import _farm_runs

__all__ = ["write_benchmark_figures"]

#: baselines drawn dashed on the ROC/PR figures (activity heuristics, not detectors)
_BASELINE_PREFIXES = ("low-activity", "few ")


def write_benchmark_figures(out_dir: str | os.PathLike[str]) -> list[Path]:
    """Draw the benchmark figures from the CSV files in ``out_dir``, into ``out_dir``.

    ``f1_vs_density.png`` (F1 against farm density, one panel per camouflage,
    via :func:`graphbot.plot.plot_benchmark_grid`) needs ``planted_runs.csv``
    with at least one successful run on a planted farm; ``roc_pr_<dataset>.png``
    (ROC and precision-recall curves of every contender, activity baselines
    dashed) needs ``roc_pr_curves.csv``. A missing file means no such figure.

    Parameters
    ----------
    out_dir : str or path
        The ``out_dir`` given to :func:`graphbot.evaluate.run_benchmark` or
        :func:`graphbot.evaluate.run_real_labels`.

    Returns
    -------
    list of Path
        The figures written (existing ones are overwritten).

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     empty = write_benchmark_figures(tmp)
    ...     pd.DataFrame({"dataset": "toy", "detector": "degree", "curve": ["roc", "roc", "pr"],
    ...                   "x": [0.0, 1.0, 1.0], "y": [0.0, 1.0, 0.5]}).to_csv(
    ...         f"{tmp}/roc_pr_curves.csv", index=False)
    ...     written = write_benchmark_figures(tmp)
    >>> empty, [p.name for p in written]
    ([], ['roc_pr_toy.png'])

    References
    ----------
    Hooi, B. et al. (2016). FRAUDAR: Bounding graph fraud in the face of
    camouflage. KDD. (Detection accuracy against planted-block density, per camouflage.)
    """
    out = Path(out_dir)
    written = []
    runs = out / "planted_runs.csv"
    if runs.is_file() and _figure_curves(pd.read_csv(runs), out / "f1_vs_density.png"):
        written.append(out / "f1_vs_density.png")
    points = out / "roc_pr_curves.csv"
    if points.is_file():
        # strings stay strings: a dataset or detector called "NA" is not a missing value
        curves = pd.read_csv(points, keep_default_na=False,
                             dtype={"dataset": str, "detector": str, "curve": str})  # fmt: skip
        for dataset, sub in curves.groupby("dataset", sort=True):
            safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in dataset)
            path = out / f"roc_pr_{safe}.png"
            _figure_roc_pr(sub, dataset, path)
            written.append(path)
    return written


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)  # off-screen unless the caller chose a backend
    import matplotlib.pyplot as plt

    return plt


def _figure_curves(frame: pd.DataFrame, path: Path) -> bool:
    """F1 vs density per camouflage; False (nothing written) without planted-farm runs."""
    farms = _farm_runs(frame)
    if not len(farms):
        return False
    plt = _pyplot()
    from ..plot import plot_benchmark_grid

    fig = plot_benchmark_grid(farms)[0].figure
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def _figure_roc_pr(points: pd.DataFrame, title: str, path: Path) -> None:
    """ROC and PR side by side, one line per detector, in the order they were written."""
    plt = _pyplot()
    fig, (roc, pr) = plt.subplots(1, 2, figsize=(10, 4))
    for name, sub in points.groupby("detector", sort=False):
        style = "--" if str(name).startswith(_BASELINE_PREFIXES) else "-"
        for kind, ax in (("roc", roc), ("pr", pr)):
            curve = sub[sub["curve"] == kind]
            if len(curve):
                ax.plot(curve["x"], curve["y"], style, lw=1.2, label=name)
    roc.plot([0, 1], [0, 1], ":", color="grey", lw=0.8)
    roc.set(xlabel="false positive rate", ylabel="true positive rate", title=f"ROC — {title}")
    pr.set(xlabel="recall", ylabel="precision", title=f"PR — {title}", ylim=(0, 1.02))
    if pr.get_legend_handles_labels()[0]:
        pr.legend(fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
