"""Bipartite drawing of one suspicious group: its users, its targets, its camouflage."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..graph import InteractionGraph
from ._data import pick_group, top_k
from ._style import ROLE_COLORS, add_note, get_ax, ring_truth, style, truth_mask

__all__ = ["plot_suspicious_subgraph"]


def plot_suspicious_subgraph(
    graph: InteractionGraph,
    result: Any,
    *,
    group: Any = 0,
    truth: Any = None,
    max_users: int = 40,
    max_targets: int = 25,
    max_camouflage: int = 15,
    ax: Any = None,
) -> Any:
    """Draw a group as a three-column bipartite graph.

    Group members sit in the middle column, the group's targets on the right and
    the other targets the members also hit (their camouflage, or their real
    history for hijacked accounts) on the left. Group edges are drawn in the
    flagged colour, camouflage edges in light grey. Members and targets are
    ordered by the barycentre of their neighbours to limit crossings; large
    groups are cut to their most connected members and a note says so.

    Parameters
    ----------
    graph : InteractionGraph
    result : DetectionResult or SuspiciousGroup
    group : int
        Which of ``result.groups`` to draw.
    truth : GroundTruth or bool mask over users, optional
        True bots get a black ring.
    max_users, max_targets, max_camouflage : int
        Caps on the members, group targets and camouflage targets drawn.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Node scatter collections carry gids ``"members"``, ``"targets"`` and
        ``"camouflage"``; edge collections ``"group-edges"`` and ``"camouflage-edges"``.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> from graphbot.result import SuspiciousGroup
    >>> g = InteractionGraph.from_events([0, 0, 1, 1, 1], [0, 1, 0, 1, 2])
    >>> ax = plot_suspicious_subgraph(g, SuspiciousGroup([0, 1], [0, 1], 1.0))
    >>> [len(c.get_offsets()) for c in ax.collections if c.get_gid() == "members"]
    [2]

    References
    ----------
    Hooi, B. et al. (2016). FRAUDAR: Bounding graph fraud in the face of
    camouflage. KDD.
    """
    grp = pick_group(result, group)
    csr = graph.csr
    member_rows = csr[grp.users]
    block = member_rows[:, grp.targets]
    users = top_k(grp.users, np.diff(block.indptr), max_users)
    targets = top_k(grp.targets, np.asarray(block.sum(axis=0)).ravel(), max_targets)
    camo = _camouflage_targets(csr, users, grp.targets, max_camouflage)
    sub_t = np.concatenate([targets, camo])
    adj = (csr[users][:, sub_t] > 0).tocoo()
    y_user, y_target = _barycentric_layout(adj, len(users), len(targets), len(camo))
    bots = truth_mask(truth, graph.user_ids)[users]
    with style():
        ax = get_ax(ax, (7.0, 5.5))
        _draw_edges(ax, adj, y_user, y_target, len(targets))
        _draw_nodes(ax, y_user, y_target, len(targets), bots)
        ax.set_xlim(-1.35, 1.35)
        ax.set_ylim(-0.06, 1.06)
        ax.set_xticks([-1, 0, 1])
        ax.set_xticklabels(
            [
                f"other targets hit\n(camouflage, {_n_camouflage(member_rows, grp.targets)})",
                f"members\n({grp.n_users})",
                f"group targets\n({grp.n_targets})",
            ],
        )
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.tick_params(axis="x", length=0)
        density = grp.stats.get("density")
        extra = f", density {density:.2f}" if isinstance(density, float) else ""
        ax.set_title(
            f"Suspicious group: {grp.n_users} users x {grp.n_targets} targets{extra}", loc="left"
        )
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, fontsize=8)
        cut = []
        if len(users) < grp.n_users:
            cut.append(f"{len(users)} of {grp.n_users} members")
        if len(targets) < grp.n_targets:
            cut.append(f"{len(targets)} of {grp.n_targets} targets")
        if cut:
            add_note(ax, "most connected shown: " + ", ".join(cut))
    return ax


def _n_camouflage(member_rows: Any, group_targets: np.ndarray) -> int:
    return int(len(np.setdiff1d(member_rows.indices, group_targets)))


def _camouflage_targets(
    csr: Any, users: np.ndarray, group_targets: np.ndarray, k: int
) -> np.ndarray:
    rows = csr[users]
    counts = np.bincount(rows.indices, minlength=csr.shape[1]).astype(np.int64)
    counts[group_targets] = 0
    others = np.flatnonzero(counts)
    return top_k(others, counts[others], k)


def _spread(n: int) -> np.ndarray:
    return np.linspace(1.0, 0.0, n) if n > 1 else np.full(n, 0.5)


def _barycentric_layout(adj: Any, n_u: int, n_t: int, n_c: int) -> tuple[np.ndarray, np.ndarray]:
    """Vertical positions: targets evenly spaced, members and targets by neighbour barycentre."""
    y_t = np.concatenate([_spread(n_t), _spread(n_c)]) if n_t + n_c else np.zeros(0)
    spread_u = _spread(n_u)
    rows, cols = adj.row, adj.col
    cnt = np.maximum(np.bincount(rows, minlength=n_u), 1)
    for _ in range(3):
        # Three sweeps of the barycentre heuristic (Sugiyama et al. 1981) are enough here.
        sums = np.bincount(rows, weights=y_t[cols], minlength=n_u)
        y_u = spread_u[np.argsort(np.argsort(-sums / cnt, kind="stable"), kind="stable")]
        for lo, hi in ((0, n_t), (n_t, n_t + n_c)):
            sel = (cols >= lo) & (cols < hi)
            s = np.bincount(cols[sel] - lo, weights=y_u[rows[sel]], minlength=hi - lo)
            c = np.maximum(np.bincount(cols[sel] - lo, minlength=hi - lo), 1)
            rank = np.argsort(np.argsort(-s / c, kind="stable"), kind="stable")
            y_t[lo:hi] = _spread(hi - lo)[rank]
    return y_u, y_t


def _draw_edges(ax: Any, adj: Any, y_u: np.ndarray, y_t: np.ndarray, n_t: int) -> None:
    from matplotlib.collections import LineCollection

    # Camouflage targets sit left of the members, so their edges never cross the group's.
    x_t = np.where(adj.col < n_t, 1.0, -1.0)
    segs = np.stack(
        [np.column_stack([np.zeros(adj.nnz), y_u[adj.row]]), np.column_stack([x_t, y_t[adj.col]])],
        axis=1,
    )
    is_group = adj.col < n_t
    n_edges = max(int(is_group.sum()), 1)
    # Fainter lines as they multiply, so a dense block reads as a band, not a hairball.
    alpha = float(np.clip(6.0 / np.sqrt(n_edges), 0.06, 0.6))
    ax.add_collection(
        LineCollection(
            segs[~is_group],
            colors=ROLE_COLORS["camouflage"],
            linewidths=0.5,
            alpha=0.45,
            linestyles="--",
            gid="camouflage-edges",
            label="camouflage edge",
            zorder=1,
        )
    )
    ax.add_collection(
        LineCollection(
            segs[is_group],
            colors=ROLE_COLORS["flagged"],
            linewidths=0.7,
            alpha=alpha,
            gid="group-edges",
            label="group edge",
            zorder=2,
        )
    )


def _draw_nodes(ax: Any, y_u: np.ndarray, y_t: np.ndarray, n_t: int, bots: np.ndarray) -> None:
    # Marker diameter ~ 3/4 of the vertical spacing (the axes are ~300 points tall).
    size = float(np.clip((220.0 / max(len(y_u), len(y_t) - n_t, n_t, 1)) ** 2, 9, 80))
    ax.scatter(
        np.zeros(len(y_u)),
        y_u,
        s=size,
        color=ROLE_COLORS["flagged"],
        zorder=3,
        edgecolors="white",
        linewidths=0.4,
        gid="members",
        label="member",
    )
    ax.scatter(
        np.ones(n_t),
        y_t[:n_t],
        s=size,
        marker="s",
        color=ROLE_COLORS["target"],
        zorder=3,
        gid="targets",
        label="group target",
    )
    ax.scatter(
        np.full(len(y_t) - n_t, -1.0),
        y_t[n_t:],
        s=size,
        marker="s",
        zorder=3,
        color=ROLE_COLORS["camouflage"],
        gid="camouflage",
        label="other target",
    )
    if bots.any():
        ring_truth(
            ax, np.zeros(int(bots.sum())), y_u[bots], s=size * 2.2, linewidths=0.9, label="true bot"
        )
