"""Figures for the evidence behind a detection: matplotlib is imported only here.

Every function draws into ``ax`` (a new figure when None) and returns the Axes;
none shows or saves a figure, and styling never leaks into global ``rcParams``.
Colours follow the colour-blind-safe Okabe–Ito palette with fixed roles
(flagged = vermillion, true bots = black rings, others = blue / grey).
"""

from ._style import CATEGORICAL, OKABE_ITO, ROLE_COLORS
from .benchmark import plot_benchmark_curves, plot_benchmark_grid
from .lockstep import plot_lockstep_raster
from .matrix import plot_biadjacency
from .scores import plot_pr, plot_roc, plot_score_distributions
from .spectral import plot_catchsync, plot_degree_heatmap, plot_spectral_scatter
from .streak import follower_order, plot_creation_dates, plot_follower_streak
from .subgraph import plot_suspicious_subgraph

__all__ = [
    "OKABE_ITO",
    "ROLE_COLORS",
    "CATEGORICAL",
    "plot_biadjacency",
    "plot_suspicious_subgraph",
    "plot_lockstep_raster",
    "plot_spectral_scatter",
    "plot_catchsync",
    "plot_degree_heatmap",
    "plot_follower_streak",
    "follower_order",
    "plot_creation_dates",
    "plot_score_distributions",
    "plot_roc",
    "plot_pr",
    "plot_benchmark_curves",
    "plot_benchmark_grid",
]
