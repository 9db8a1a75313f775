"""Reordered biadjacency ("spy") view with the detected groups outlined."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..graph import InteractionGraph
from ._data import select_groups
from ._style import ROLE_COLORS, add_note, categorical_color, get_ax, style, truth_mask

__all__ = ["plot_biadjacency", "block_order"]


def block_order(
    n: int, members: list[np.ndarray], degree: np.ndarray
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Position of each of ``n`` items: group members first, in group order, then by degree.

    Returns the position array and, per group, the ``(start, stop)`` span of the
    items it was the first group to claim.

    Examples
    --------
    >>> pos, spans = block_order(5, [np.array([3, 4])], np.array([1, 5, 2, 0, 0]))
    >>> pos.tolist(), spans
    ([4, 2, 3, 0, 1], [(0, 2)])
    """
    placed = np.zeros(n, dtype=bool)
    order: list[np.ndarray] = []
    spans = []
    start = 0
    for m in members:
        m = np.unique(np.asarray(m, dtype=np.int64))
        new = m[~placed[m]]
        # Heaviest members first inside the block, so its dense corner is visible.
        new = new[np.argsort(-degree[new], kind="stable")]
        placed[new] = True
        order.append(new)
        spans.append((start, start + len(new)))
        start += len(new)
    rest = np.flatnonzero(~placed)
    order.append(rest[np.argsort(-degree[rest], kind="stable")])
    pos = np.empty(n, dtype=np.int64)
    pos[np.concatenate(order)] = np.arange(n)
    return pos, spans


def plot_biadjacency(
    graph: InteractionGraph,
    result: Any = None,
    *,
    groups: Any = None,
    max_groups: int = 5,
    truth: Any = None,
    max_pixels: int = 600,
    ax: Any = None,
) -> Any:
    """Spy view of the users x targets matrix, reordered so detected groups form blocks.

    Rows (users) and columns (targets) of each group come first, in group order,
    and the rest follow by decreasing degree. Each group is outlined in its own
    colour. Matrices larger than ``max_pixels`` on a side are binned into a
    rasterised density image (log colour scale) and a note says so, so large
    graphs still draw quickly and never as a hairball.

    Parameters
    ----------
    graph : InteractionGraph
    result : DetectionResult, optional
        Its groups are outlined (unless ``groups`` is given).
    groups : sequence of SuspiciousGroup or int, optional
        Groups to outline instead of ``result.groups``.
    max_groups : int
        At most this many groups are outlined.
    truth : GroundTruth or bool mask over users, optional
        True bots are marked in a strip left of the matrix.
    max_pixels : int
        Largest number of image rows or columns before binning.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> g = InteractionGraph.from_events([0, 0, 1, 1, 2], [0, 1, 0, 1, 2])
    >>> from graphbot.result import SuspiciousGroup
    >>> ax = plot_biadjacency(g, groups=[SuspiciousGroup([0, 1], [0, 1], 1.0)])
    >>> len([p for p in ax.patches if str(p.get_gid()).startswith("group-")])
    1

    References
    ----------
    Hooi, B. et al. (2016). FRAUDAR: Bounding graph fraud in the face of
    camouflage. KDD. (Figures of planted blocks in a reordered adjacency matrix.)
    """
    chosen = select_groups(result, groups, max_groups)
    row_pos, row_spans = block_order(graph.n_users, [g.users for g in chosen], graph.user_degrees())
    col_pos, col_spans = block_order(
        graph.n_targets, [g.targets for g in chosen], graph.target_degrees()
    )
    coo = graph.csr.tocoo()
    r, c = row_pos[coo.row], col_pos[coo.col]
    bin_r = max(1, -(-graph.n_users // max_pixels))
    bin_c = max(1, -(-graph.n_targets // max_pixels))
    image = np.zeros((-(-graph.n_users // bin_r) or 1, -(-graph.n_targets // bin_c) or 1))
    np.add.at(image, (r // bin_r, c // bin_c), 1)
    bots = truth_mask(truth, graph.user_ids)
    with style():
        ax = get_ax(ax, (6.0, 6.0))
        _draw_image(ax, image, graph, bin_r, bin_c)
        if bots.any():
            _draw_truth_strip(ax, bots, row_pos, graph, bin_r)
        for i, (grp, rs, cs) in enumerate(zip(chosen, row_spans, col_spans, strict=True)):
            _outline(ax, i, grp, rs, cs, row_pos, col_pos)
        ax.set_xlabel(f"targets, reordered ({graph.n_targets:,})")
        ax.set_ylabel(f"users, reordered ({graph.n_users:,})")
        method = getattr(result, "method", None)
        ax.set_title(
            "Biadjacency matrix" + (f" reordered by {method} groups" if method else ""), loc="left"
        )
        if chosen or bots.any():
            ax.legend(loc="lower right", fontsize=8, frameon=True, framealpha=0.9)
        if bin_r > 1 or bin_c > 1:
            add_note(ax, f"rasterised: one pixel = {bin_r} users x {bin_c} targets")
    return ax


def _draw_image(
    ax: Any, image: np.ndarray, graph: InteractionGraph, bin_r: int, bin_c: int
) -> None:
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap, LogNorm, Normalize

    extent = (0, graph.n_targets, graph.n_users, 0)
    binned = bin_r > 1 or bin_c > 1
    # Greys from mid-grey up: a pixel holding a single edge must stay visible on white.
    cmap = ListedColormap(colormaps["Greys"](np.linspace(0.45, 1.0, 256)))
    top = max(float(image.max()), 2.0)
    norm = LogNorm(vmin=1, vmax=top) if top > 20 else Normalize(vmin=1, vmax=top)
    im = ax.imshow(
        np.ma.masked_equal(image, 0),
        cmap=cmap,
        norm=norm,
        aspect="auto",
        interpolation="nearest",
        extent=extent,
        rasterized=True,
    )
    if binned:
        ax.figure.colorbar(im, ax=ax, label="edges per pixel", shrink=0.6)


def _draw_truth_strip(
    ax: Any, bots: np.ndarray, row_pos: np.ndarray, graph: InteractionGraph, bin_r: int
) -> None:
    from matplotlib.colors import ListedColormap

    strip = np.zeros(-(-graph.n_users // bin_r))
    np.add.at(strip, row_pos[bots] // bin_r, 1)
    width = max(graph.n_targets * 0.025, 0.6)
    ax.imshow(
        (strip > 0).astype(float)[:, None],
        cmap=ListedColormap(["white", ROLE_COLORS["truth"]]),
        vmin=0,
        vmax=1,
        aspect="auto",
        interpolation="nearest",
        extent=(-1.5 * width, -0.5 * width, graph.n_users, 0),
        gid="truth-strip",
    )
    ax.set_xlim(-1.6 * width, graph.n_targets)
    # An invisible proxy so the legend explains the strip.
    ax.bar([0], [0], width=0, color=ROLE_COLORS["truth"], label="true bots (left strip)")


def _outline(
    ax: Any,
    i: int,
    grp: Any,
    rows: tuple[int, int],
    cols: tuple[int, int],
    row_pos: np.ndarray,
    col_pos: np.ndarray,
) -> None:
    from matplotlib.patches import Rectangle

    # A group that shares members with an earlier one claims no rows of its own;
    # outline the bounding box of its members then.
    if rows[1] > rows[0] and cols[1] > cols[0]:
        (r0, r1), (c0, c1) = rows, cols
    elif len(grp.users) and len(grp.targets):
        r0, r1 = row_pos[grp.users].min(), row_pos[grp.users].max() + 1
        c0, c1 = col_pos[grp.targets].min(), col_pos[grp.targets].max() + 1
    else:
        return
    density = grp.stats.get("density")
    label = f"group {i + 1}: {grp.n_users}x{grp.n_targets}"
    if isinstance(density, float):
        label += f", density {density:.2f}"
    ax.add_patch(
        Rectangle(
            (c0, r0),
            c1 - c0,
            r1 - r0,
            fill=False,
            lw=1.8,
            edgecolor=categorical_color(i + 1),
            label=label,
            gid=f"group-{i}",
        )
    )
