"""Benchmark curves: a detection metric against farm density, one line per detector."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ._style import CATEGORICAL, categorical_color, categorical_dash, get_ax, style

__all__ = ["plot_benchmark_curves", "plot_benchmark_grid"]

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _check_columns(frame: Any, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidParameterError(
            f"benchmark frame lacks column(s) {missing}; it has {list(frame.columns)}"
        )


def plot_benchmark_curves(
    frame: Any,
    *,
    x: str = "density",
    y: str = "f1",
    hue: str = "detector",
    camouflage: str | None = None,
    where: dict[str, Any] | None = None,
    ax: Any = None,
) -> Any:
    """Mean ``y`` against ``x`` for each detector, with a band of ±1 standard deviation.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per run, as written by :func:`graphbot.evaluate.bench.run_benchmark`
        (columns ``detector``, ``density``, ``camouflage``, ``f1``, ``status``...).
        Rows whose ``status`` is not ``"ok"`` are dropped.
    x, y, hue : str
        Columns for the x axis, the metric and the line grouping.
    camouflage : str, optional
        Keep only rows of this camouflage (the panel's title says which).
    where : dict, optional
        Further column == value filters (e.g. ``{"timing": "tight"}``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One line per ``hue`` value, labelled with it.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"detector": ["a", "a", "b", "b"], "density": [0.1, 0.3] * 2,
    ...                       "f1": [0.2, 0.8, 0.1, 0.4]})
    >>> ax = plot_benchmark_curves(frame)
    >>> [line.get_label() for line in ax.get_lines()]
    ['a', 'b']

    References
    ----------
    Hooi, B. et al. (2016). FRAUDAR: Bounding graph fraud in the face of
    camouflage. KDD. (Detection accuracy against block density, per camouflage.)
    """
    _check_columns(frame, [x, y, hue])
    data = frame
    if "status" in data.columns:
        data = data[data["status"] == "ok"]
    filters = dict(where or {})
    if camouflage is not None:
        filters["camouflage"] = camouflage
    for col, val in filters.items():
        _check_columns(data, [col])
        data = data[data[col] == val]
    with style():
        ax = get_ax(ax, (5.5, 4.0))
        for i, (name, sub) in enumerate(data.groupby(hue, sort=True)):
            stats = sub.groupby(x)[y].agg(["mean", "std", "count"]).sort_index()
            xs = stats.index.to_numpy(dtype=float)
            mean, std = stats["mean"].to_numpy(), np.nan_to_num(stats["std"].to_numpy())
            color = categorical_color(i)
            lap = i // len(CATEGORICAL)  # past eight lines colours repeat: shift the marker too
            ax.plot(
                xs,
                mean,
                marker=_MARKERS[(i + lap) % len(_MARKERS)],
                ls=categorical_dash(i),
                ms=5,
                lw=1.6,
                color=color,
                label=str(name),
            )
            if (stats["count"] > 1).any():
                ax.fill_between(
                    xs,
                    np.clip(mean - std, 0, None),
                    mean + std,
                    color=color,
                    alpha=0.15,
                    linewidth=0,
                )
        if x == "density" and len(data) and (data[x] > 0).all():
            ax.set_xscale("log")
            ticks = np.sort(data[x].unique())
            ax.set_xticks(ticks)
            ax.set_xticklabels([f"{t:g}" for t in ticks])
            ax.minorticks_off()
        ax.set_xlabel("farm density" if x == "density" else x)
        ax.set_ylabel(y.upper() if y in ("f1",) else y.replace("_", " "))
        if y in ("f1", "precision", "recall", "roc_auc", "average_precision"):
            ax.set_ylim(-0.02, 1.02)
        title = f"{y.replace('_', ' ')} vs {x}"
        ax.set_title(title + (f" — camouflage: {camouflage}" if camouflage else ""), loc="left")
        if len(data):
            ax.legend(loc="best", fontsize=8)
    return ax


def plot_benchmark_grid(
    frame: Any,
    *,
    x: str = "density",
    y: str = "f1",
    hue: str = "detector",
    facet: str = "camouflage",
    where: dict[str, Any] | None = None,
    axes: Any = None,
) -> Any:
    """One :func:`plot_benchmark_curves` panel per value of ``facet`` (camouflage by default).

    Parameters
    ----------
    frame : pandas.DataFrame
    x, y, hue, where
        As in :func:`plot_benchmark_curves`.
    facet : str
        Column whose values get one panel each, side by side, sharing the y axis.
    axes : sequence of matplotlib Axes, optional
        One per facet value; created when None.

    Returns
    -------
    ndarray of matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"detector": ["a"] * 4, "density": [0.1, 0.3] * 2,
    ...                       "camouflage": ["none", "none", "biased", "biased"],
    ...                       "f1": [0.2, 0.8, 0.1, 0.4]})
    >>> len(plot_benchmark_grid(frame))
    2
    """
    _check_columns(frame, [facet])
    values = [v for v in ("none", "random", "biased", "hijacked") if v in set(frame[facet])]
    values += sorted(set(frame[facet]) - set(values), key=str)
    if axes is None:
        import matplotlib.pyplot as plt

        with style():
            _, axes = plt.subplots(
                1,
                len(values),
                figsize=(3.4 * len(values) + 1.0, 3.6),
                sharey=True,
                squeeze=False,
                layout="constrained",
            )
        axes = axes[0]
    axes = np.asarray(axes, dtype=object).ravel()
    if len(axes) != len(values):
        raise InvalidParameterError(f"`axes` must hold {len(values)} Axes (one per {facet})")
    for i, (val, ax) in enumerate(zip(values, axes, strict=True)):
        filters = dict(where or {}, **{facet: val})
        plot_benchmark_curves(frame, x=x, y=y, hue=hue, where=filters, ax=ax)
        ax.set_title(f"{facet}: {val}", loc="left")
        if i:
            ax.set_ylabel("")
            if ax.get_legend() is not None:
                ax.get_legend().remove()
    return axes
