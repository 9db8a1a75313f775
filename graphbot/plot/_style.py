"""Shared styling for graphbot figures: an Okabe–Ito palette and small helpers.

Colours come from the Okabe–Ito palette, which stays distinguishable under the
common forms of colour blindness; roles (flagged, truth, background) always use
the same colour across every figure so that a reader learns them once. Styling
is applied through :func:`matplotlib.rc_context` inside each plot function,
never by changing the caller's global ``rcParams``.

References
----------
Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): how to make figures
and presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ..errors import InputTypeError, InvalidParameterError

__all__ = [
    "OKABE_ITO",
    "ROLE_COLORS",
    "CATEGORICAL",
    "style",
    "get_ax",
    "add_note",
    "as_mask",
    "truth_mask",
    "categorical_color",
    "categorical_dash",
    "scatter_flagged",
    "ring_truth",
]

#: The eight Okabe–Ito colours by name.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Colours by role, the same in every figure.
ROLE_COLORS: dict[str, str] = {
    "flagged": OKABE_ITO["vermillion"],
    "truth": OKABE_ITO["black"],
    "background": "#8C8C8C",
    "normal": OKABE_ITO["blue"],
    "target": OKABE_ITO["bluish_green"],
    "camouflage": "#A0A0A0",
    "outline": OKABE_ITO["orange"],
}

#: Colour cycle for categories (detectors, targets); yellow last: it is faint on white.
CATEGORICAL: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["orange"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
    OKABE_ITO["yellow"],
)

_RC: dict[str, Any] = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": None,  # filled lazily with CATEGORICAL (needs matplotlib's cycler)
    "image.cmap": "cividis",
    "savefig.bbox": "tight",
}


def categorical_color(i: int) -> str:
    """The ``i``-th categorical colour, cycling after eight."""
    return CATEGORICAL[i % len(CATEGORICAL)]


def categorical_dash(i: int) -> str:
    """Line style of the ``i``-th curve: solid for the first eight, then dashed, dotted...

    Colours repeat after eight, so the style tells those curves apart.
    """
    return ("-", "--", ":", "-.")[(i // len(CATEGORICAL)) % 4]


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context manager applying graphbot's figure style locally (never globally)."""
    import matplotlib
    from cycler import cycler

    rc = dict(_RC, **{"axes.prop_cycle": cycler(color=list(CATEGORICAL))})
    with matplotlib.rc_context(rc):
        yield


def get_ax(ax: Any, figsize: tuple[float, float] = (6.4, 4.4)) -> Any:
    """Return ``ax`` or, when None, the Axes of a new figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new_ax = plt.subplots(figsize=figsize, layout="constrained")
    return new_ax


def add_note(ax: Any, text: str) -> None:
    """Write a small italic note (subsampling, rasterising) in the plot's top-right corner."""
    # Inside the top-right corner on a light box: outside the axes it collides with
    # titles and labels at small figure sizes.
    ax.text(
        0.99,
        0.99,
        text,
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=7.5,
        style="italic",
        color="#333333",
        gid="graphbot-note",
        zorder=10,
        bbox={
            "boxstyle": "round,pad=0.2",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.85,
        },
    )


def scatter_flagged(ax: Any, x: Any, y: Any, *, s: float, label: str) -> None:
    """Flagged users as filled points in the flagged colour, above the background."""
    ax.scatter(
        x, y, s=s, color=ROLE_COLORS["flagged"], linewidths=0, zorder=3, gid="flagged", label=label
    )


def ring_truth(ax: Any, x: Any, y: Any, *, s: float, linewidths: float, label: str) -> None:
    """True bots as hollow rings in the truth colour, on top of whatever marks them."""
    ax.scatter(
        x,
        y,
        s=s,
        facecolors="none",
        edgecolors=ROLE_COLORS["truth"],
        linewidths=linewidths,
        zorder=4,
        gid="truth",
        label=label,
    )


def as_mask(selection: Any, size: int, name: str) -> np.ndarray:
    """Boolean mask of length ``size`` from a mask, indices or None (all False)."""
    if selection is None:
        return np.zeros(size, dtype=bool)
    arr = np.asarray(selection)
    if arr.dtype == bool:
        if arr.shape != (size,):
            raise InvalidParameterError(
                f"`{name}` as a boolean mask must have length {size}; got shape {arr.shape}"
            )
        return arr
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise InputTypeError(f"`{name}` must be a boolean mask or integer indices; got {arr.dtype}")
    arr = arr.astype(np.int64).ravel()
    if arr.size and (arr.min() < 0 or arr.max() >= size):
        raise InvalidParameterError(f"`{name}` has indices outside [0, {size})")
    mask = np.zeros(size, dtype=bool)
    mask[arr] = True
    return mask


def truth_mask(truth: Any, user_ids: Sequence[Any] | np.ndarray, name: str = "truth") -> np.ndarray:
    """Boolean bot mask over ``user_ids`` from a GroundTruth, a mask, indices or None."""
    n = len(user_ids)
    if truth is None:
        return np.zeros(n, dtype=bool)
    if hasattr(truth, "bots") and hasattr(truth, "farms"):
        import pandas as pd

        return np.asarray(pd.Index(user_ids).isin(np.asarray(truth.bots)), dtype=bool)
    return as_mask(truth, n, name)
