"""Feature-space scatters: spectral subspace (rays and pearls), CatchSync, EagleMine heatmaps."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ..graph import InteractionGraph
from ..result import DetectionResult
from ._data import evidence_array
from ._style import (
    ROLE_COLORS,
    add_note,
    as_mask,
    get_ax,
    ring_truth,
    scatter_flagged,
    style,
    truth_mask,
)

__all__ = ["plot_spectral_scatter", "plot_catchsync", "plot_degree_heatmap"]

#: Evidence keys detectors use for per-user spectral coordinates.
SPECTRAL_KEYS = ("user_coords", "user_vectors", "u", "U")


def plot_spectral_scatter(
    coords: Any,
    *,
    dims: tuple[int, int] = (0, 1),
    highlight: Any = None,
    truth: Any = None,
    user_ids: Any = None,
    max_points: int = 20000,
    rng: Any = 0,
    ax: Any = None,
) -> Any:
    """Users in a plane of the spectral subspace: the "rays and pearls" picture.

    In the plane of two left singular vectors of the biadjacency matrix, normal
    users sit near the origin or along axis-aligned rays, while lockstep groups
    form tight clusters ("pearls") or tilted rays away from the axes.

    Parameters
    ----------
    coords : DetectionResult or array of shape (n_users, k)
        A result whose ``evidence`` holds user coordinates (key ``user_coords``,
        ``user_vectors`` or ``u``), or the coordinates themselves.
    dims : pair of int
        The two singular vectors (0-based) to plot.
    highlight : bool mask or indices, optional
        Users drawn in the flagged colour; defaults to ``coords.flagged()`` for a result.
    truth : GroundTruth or bool mask, optional
        True bots get a black ring.
    user_ids : array, optional
        External ids (needed with a GroundTruth ``truth`` and raw coordinates).
    max_points : int
        Background users beyond this are subsampled (flagged and true bots always drawn).
    rng : int or Generator
        Seed of that subsample.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Collections with gids ``"background"``, ``"flagged"`` and ``"truth"``.

    Examples
    --------
    >>> u = np.random.default_rng(0).normal(size=(50, 2))
    >>> ax = plot_spectral_scatter(u, highlight=[0, 1, 2])
    >>> [len(c.get_offsets()) for c in ax.collections if c.get_gid() == "flagged"]
    [3]

    References
    ----------
    Prakash, B. A., Sridharan, A., Seshadri, M., Machiraju, S. and Faloutsos, C.
    (2010). EigenSpokes: Surprising patterns and scalable community chipping in
    large graphs. PAKDD.
    """
    u = evidence_array(coords, SPECTRAL_KEYS, "spectral coordinate")
    if u.ndim != 2 or u.shape[1] <= max(dims):
        raise InvalidParameterError(
            f"spectral coordinates must be (n_users, k) with k > {max(dims)}; got shape {u.shape}"
        )
    x, y = u[:, dims[0]], u[:, dims[1]]
    with style():
        ax = get_ax(ax, (5.5, 5.0))
        _scatter_roles(ax, x, y, coords, highlight, truth, user_ids, max_points, rng)
        ax.axhline(0, color="#BBBBBB", lw=0.6, zorder=0)
        ax.axvline(0, color="#BBBBBB", lw=0.6, zorder=0)
        ax.set_xlabel(f"$u_{{{dims[0] + 1}}}$ (singular vector {dims[0] + 1})")
        ax.set_ylabel(f"$u_{{{dims[1] + 1}}}$ (singular vector {dims[1] + 1})")
        ax.set_title("Spectral subspace of users", loc="left")
    return ax


def plot_catchsync(
    synchronicity: Any,
    normality: Any = None,
    *,
    highlight: Any = None,
    truth: Any = None,
    user_ids: Any = None,
    max_points: int = 20000,
    rng: Any = 0,
    ax: Any = None,
) -> Any:
    """CatchSync's synchronicity-normality scatter.

    Synchronicity is how alike a user's targets are to each other in feature
    space; normality is how alike they are to everyone's targets. Bots that
    follow the same kind of targets in lockstep sit top left: highly
    synchronised yet abnormal.

    Parameters
    ----------
    synchronicity : DetectionResult or array of shape (n_users,)
        A result whose evidence holds ``synchronicity`` and ``normality``, or the
        synchronicity values (then pass ``normality``).
    normality : array of shape (n_users,), optional
    highlight, truth, user_ids, max_points, rng, ax
        As in :func:`plot_spectral_scatter`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ax = plot_catchsync(rng.random(40), rng.random(40), highlight=np.arange(40) < 5)
    >>> ax.get_xlabel()
    'normality'

    References
    ----------
    Jiang, M., Cui, P., Beutel, A., Faloutsos, C. and Yang, S. (2014). CatchSync:
    Catching synchronized behavior in large directed graphs. KDD.
    """
    sync = evidence_array(synchronicity, ("synchronicity", "sync"), "synchronicity")
    if normality is None:
        if not isinstance(synchronicity, DetectionResult):
            raise InvalidParameterError("pass `normality` with raw synchronicity values")
        normality = synchronicity.evidence.get("normality", synchronicity.evidence.get("norm"))
        if normality is None:
            raise InvalidParameterError(
                f"result of {synchronicity.method!r} holds no `normality` evidence"
            )
    norm = np.asarray(normality, dtype=float).ravel()
    sync = np.asarray(sync, dtype=float).ravel()
    if norm.shape != sync.shape:
        raise InvalidParameterError(
            f"`synchronicity` and `normality` must have the same length; got "
            f"{len(sync)} and {len(norm)}"
        )
    with style():
        ax = get_ax(ax, (5.5, 5.0))
        _scatter_roles(ax, norm, sync, synchronicity, highlight, truth, user_ids, max_points, rng)
        ax.set_xlabel("normality")
        ax.set_ylabel("synchronicity")
        ax.set_title("CatchSync: synchronicity vs normality", loc="left")
    return ax


def _scatter_roles(
    ax: Any,
    x: np.ndarray,
    y: np.ndarray,
    source: Any,
    highlight: Any,
    truth: Any,
    user_ids: Any,
    max_points: int,
    rng: Any,
) -> None:
    """Background grey, flagged vermillion, true bots ringed; subsample the background."""
    n = len(x)
    if highlight is None and isinstance(source, DetectionResult):
        highlight = source.flagged()
    flagged = as_mask(highlight, n, "highlight")
    ids = user_ids if user_ids is not None else getattr(source, "user_ids", None)
    if truth is not None and ids is None and hasattr(truth, "farms"):
        raise InvalidParameterError("pass `user_ids` to match a GroundTruth to raw coordinates")
    bots = truth_mask(truth, ids if ids is not None else np.arange(n))
    rest = np.flatnonzero(~flagged & ~bots)
    if len(rest) > max_points:
        rest = np.sort(np.random.default_rng(rng).choice(rest, max_points, replace=False))
        add_note(ax, f"{max_points:,} of {int((~flagged & ~bots).sum()):,} other users shown")
    bg = np.zeros(n, dtype=bool)
    bg[rest] = True
    ax.scatter(
        x[bg | (bots & ~flagged)],
        y[bg | (bots & ~flagged)],
        s=6,
        alpha=0.5,
        color=ROLE_COLORS["normal"],
        linewidths=0,
        rasterized=True,
        gid="background",
        label=f"other users ({int((~flagged).sum()):,})",
    )
    if flagged.any():
        scatter_flagged(ax, x[flagged], y[flagged], s=16, label=f"flagged ({int(flagged.sum()):,})")
    if bots.any():
        ring_truth(
            ax, x[bots], y[bots], s=40, linewidths=0.7, label=f"true bots ({int(bots.sum()):,})"
        )
    ax.legend(loc="best", frameon=True, framealpha=0.85)


def _user_feature(graph: InteractionGraph, name: str) -> np.ndarray:
    if name == "degree":
        return graph.user_degrees().astype(float)
    if name == "events":
        return graph.user_degrees(unique=False).astype(float)
    if name == "mean_target_degree":
        deg = graph.user_degrees().astype(float)
        tot = graph.biadjacency() @ graph.target_degrees().astype(float)
        return np.divide(tot, deg, out=np.zeros_like(tot), where=deg > 0)
    if name == "hubness":
        from scipy.sparse.linalg import svds

        a = graph.biadjacency()
        if min(a.shape) < 2 or a.nnz == 0:
            return np.zeros(graph.n_users)
        u, _, _ = svds(a, k=1, random_state=0)
        return np.abs(u[:, 0])
    raise InvalidParameterError(
        f"features must be among 'degree', 'events', 'mean_target_degree', 'hubness'; got {name!r}"
    )


_FEATURE_LABELS = {
    "degree": "distinct targets (degree)",
    "events": "actions",
    "mean_target_degree": "mean popularity of targets hit",
    "hubness": "hubness |u1|",
}


def plot_degree_heatmap(
    graph: InteractionGraph | Any,
    y: Any = None,
    *,
    features: tuple[str, str] = ("degree", "mean_target_degree"),
    highlight: Any = None,
    bins: int = 50,
    labels: tuple[str, str] | None = None,
    ax: Any = None,
) -> Any:
    """EagleMine-style 2-D histogram of two per-user features on log-binned axes.

    Millions of users become one heatmap (counts on a log colour scale), so the
    dense normal mass and the small isolated "islands" of suspicious users are
    both visible. Highlighted users are drawn on top as points.

    Parameters
    ----------
    graph : InteractionGraph or array of shape (n_users,)
        A graph (features computed from it) or the x values.
    y : array of shape (n_users,), optional
        The y values when ``graph`` is an array.
    features : pair of {"degree", "events", "mean_target_degree", "hubness"}
        Features computed from a graph for x and y.
    highlight : DetectionResult, bool mask or indices, optional
        Users drawn on top (a result's ``flagged()`` set).
    bins : int
        Log-spaced bins per axis.
    labels : pair of str, optional
        Axis labels (default: the feature names, or "x" and "y" for raw values).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        The histogram is the QuadMesh with gid ``"heatmap"``.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> g = InteractionGraph.from_events([0, 0, 1, 2, 2, 2], [0, 1, 0, 0, 1, 2])
    >>> ax = plot_degree_heatmap(g, bins=5)
    >>> ax.get_xscale()
    'log'

    References
    ----------
    Feng, W., Liu, S., Faloutsos, C., Hooi, B., Shen, H. and Cheng, X. (2018).
    EagleMine: Vision-guided mining in large graphs. KDD.
    """
    if isinstance(graph, InteractionGraph):
        xs = _user_feature(graph, features[0])
        ys = _user_feature(graph, features[1])
        labels = labels or (_FEATURE_LABELS[features[0]], _FEATURE_LABELS[features[1]])
    else:
        if y is None:
            raise InvalidParameterError("pass `y` with raw x values")
        xs, ys = np.asarray(graph, float).ravel(), np.asarray(y, float).ravel()
        labels = labels or ("x", "y")
    if isinstance(highlight, DetectionResult):
        highlight = highlight.flagged()
    chosen = as_mask(highlight, len(xs), "highlight")
    keep = (xs > 0) & (ys > 0)  # log axes: zero-valued users cannot be placed
    with style():
        ax = get_ax(ax, (6.0, 4.8))
        _log_hist(ax, xs[keep], ys[keep], bins)
        if chosen.any():
            sel = chosen & keep
            ax.scatter(
                xs[sel],
                ys[sel],
                s=14,
                color=ROLE_COLORS["flagged"],
                edgecolors="white",
                linewidths=0.4,
                gid="highlight",
                label=f"flagged ({int(sel.sum()):,})",
                zorder=3,
            )
            ax.legend(loc="lower right", frameon=True, framealpha=0.85)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])
        ax.set_title("Users by two features (log-binned counts)", loc="left")
        if (~keep).any():
            add_note(ax, f"{int((~keep).sum()):,} users with a zero feature not shown")
    return ax


def _log_edges(values: np.ndarray, bins: int) -> np.ndarray:
    """Log-spaced bin edges; for counts, edges at half-integers so no bin falls between two."""
    lo, hi = float(values.min()), float(values.max())
    if np.all(values == np.round(values)):
        edges = np.unique(np.round(np.geomspace(lo, hi + 1, bins + 1))) - 0.5
        return edges if len(edges) > 1 else np.array([lo - 0.5, lo + 0.5])
    if hi <= lo:
        return np.array([lo * 0.9, lo * 1.1])
    return np.geomspace(lo * 0.95, hi * 1.05, bins + 1)


def _log_hist(ax: Any, xs: np.ndarray, ys: np.ndarray, bins: int) -> None:
    from matplotlib.colors import LogNorm

    if len(xs) == 0:
        return
    ex, ey = _log_edges(xs, bins), _log_edges(ys, bins)
    counts, _, _ = np.histogram2d(xs, ys, bins=(ex, ey))
    mesh = ax.pcolormesh(
        ex,
        ey,
        np.ma.masked_equal(counts.T, 0),
        cmap="viridis",
        norm=LogNorm(vmin=1, vmax=max(counts.max(), 2)),
        gid="heatmap",
        rasterized=True,
    )
    ax.figure.colorbar(mesh, ax=ax, label="users per cell")
