"""Lockstep raster: when each account acted on which target (SynchroTrap's figure)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..graph import InteractionGraph
from ._data import as_time_axis, pick_group, top_k
from ._style import CATEGORICAL, ROLE_COLORS, add_note, get_ax, style, truth_mask

__all__ = ["plot_lockstep_raster"]


def plot_lockstep_raster(
    graph: InteractionGraph,
    result: Any,
    *,
    group: Any = 0,
    max_users: int = 60,
    n_context: int = 15,
    max_colors: int = 7,
    show_camouflage: bool = True,
    truth: Any = None,
    ax: Any = None,
) -> Any:
    """Raster of actions, time x account, coloured by target.

    Each row is an account, each tick one of its actions. Members of the group
    come first (ordered by their first action on the group's targets); below a
    line, ``n_context`` other accounts that also acted on those targets, for
    contrast. Actions on the group's busiest targets get their own colours, the
    remaining group targets share one, and actions elsewhere (camouflage) are
    faint grey dots. Coordinated accounts show as vertical stripes: many
    accounts hitting the same target within minutes of each other.

    Parameters
    ----------
    graph : InteractionGraph
        Must carry event times.
    result : DetectionResult or SuspiciousGroup
    group : int
        Which of ``result.groups`` to draw.
    max_users : int
        At most this many members are drawn (the most active on the group's targets).
    n_context : int
        Non-members acting on the group's targets drawn below for comparison.
    max_colors : int
        Targets with their own colour (at most 7).
    show_camouflage : bool
        Also draw the accounts' actions on other targets.
    truth : GroundTruth or bool mask over users, optional
        Rows of true bots get a black square left of the plot: bots the detector
        missed then show among the context accounts.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        The group-target ticks form the collection with gid ``"group-events"``.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> from graphbot.result import SuspiciousGroup
    >>> g = InteractionGraph.from_events([0, 1, 2, 0], [0, 0, 0, 1], times=[0, 5, 9, 99])
    >>> ax = plot_lockstep_raster(g, SuspiciousGroup([0, 1, 2], [0], 1.0))
    >>> [len(c.get_offsets()) for c in ax.collections if c.get_gid() == "group-events"]
    [3]

    References
    ----------
    Cao, Q., Yang, X., Yu, J. and Palow, C. (2014). Uncovering large groups of
    active malicious accounts in online social networks (SynchroTrap). CCS.
    """
    times = graph.require_times("plot_lockstep_raster")
    grp = pick_group(result, group)
    in_t = np.zeros(graph.n_targets, dtype=bool)
    in_t[grp.targets] = True
    on_group = in_t[graph.targets]
    per_user = np.bincount(graph.users[on_group], minlength=graph.n_users)
    members = top_k(grp.users, per_user[grp.users], max_users)
    others = np.setdiff1d(np.flatnonzero(per_user), grp.users)
    context = top_k(others, per_user[others], n_context)
    first = _first_times(graph, on_group)
    rows = np.concatenate([_order_by_first(members, first), _order_by_first(context, first)])
    row_of = np.full(graph.n_users, -1, dtype=np.int64)
    row_of[rows] = np.arange(len(rows))
    event_row = row_of[graph.users]
    shown = event_row >= 0
    busiest = _busiest_targets(graph, members, grp.targets, on_group, max_colors)
    with style():
        ax = get_ax(ax, (7.5, 5.0))
        x_all, xlabel = as_time_axis(times)
        size = float(np.clip(2200.0 / max(len(rows), 1), 8, 60))
        if show_camouflage:
            sel = shown & ~on_group
            ax.scatter(
                x_all[sel],
                event_row[sel],
                s=4,
                color=ROLE_COLORS["camouflage"],
                alpha=0.6,
                linewidths=0,
                label="action elsewhere",
                gid="other-events",
                rasterized=True,
            )
        sel = shown & on_group
        colors = np.full(graph.n_targets, "#555555", dtype=object)
        for i, t in enumerate(busiest):
            colors[t] = CATEGORICAL[i % len(CATEGORICAL)]
        ax.scatter(
            x_all[sel],
            event_row[sel],
            s=size,
            marker="|",
            c=list(colors[graph.targets[sel]]),
            linewidths=1.2,
            gid="group-events",
            rasterized=True,
        )
        bots = truth_mask(truth, graph.user_ids)[rows]
        if bots.any():
            ax.scatter(
                np.full(int(bots.sum()), -0.012),
                np.flatnonzero(bots),
                marker="s",
                s=12,
                color=ROLE_COLORS["truth"],
                transform=ax.get_yaxis_transform(),
                clip_on=False,
                gid="truth",
            )
            ax.tick_params(axis="y", pad=9)  # keep the row labels clear of the marks
        _legend(ax, graph, busiest, show_camouflage, len(grp.targets) > len(busiest), bots.any())
        if len(context):
            ax.axhline(len(members) - 0.5, color="black", lw=0.8, ls=":")
        _label_rows(ax, len(members), len(context))
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel(xlabel)
        _time_limits(ax, x_all[on_group & shown & (event_row < len(members))])
        ax.set_title(
            f"Lockstep raster: {grp.n_users} accounts x {grp.n_targets} targets", loc="left"
        )
        if len(members) < grp.n_users:
            add_note(ax, f"{len(members)} of {grp.n_users} members shown (most active)")
    return ax


def _first_times(graph: InteractionGraph, on_group: np.ndarray) -> np.ndarray:
    """Each user's first action time on the group's targets (int64 max when none)."""
    first = np.full(graph.n_users, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, graph.users[on_group], graph.times[on_group])
    return first


def _order_by_first(users: np.ndarray, first: np.ndarray) -> np.ndarray:
    return users[np.argsort(first[users], kind="stable")]


def _busiest_targets(
    graph: InteractionGraph, members: np.ndarray, targets: np.ndarray, on_group: np.ndarray, k: int
) -> np.ndarray:
    is_member = np.zeros(graph.n_users, dtype=bool)
    is_member[members] = True
    sel = on_group & is_member[graph.users]
    counts = np.bincount(graph.targets[sel], minlength=graph.n_targets)
    best = targets[np.argsort(-counts[targets], kind="stable")][: min(k, 7)]
    return best[counts[best] > 0]


def _legend(
    ax: Any, graph: InteractionGraph, busiest: np.ndarray, camo: bool, rest: bool, truth: bool
) -> None:
    handles = [
        _marker_handle("|", 9, CATEGORICAL[i], f"target {_short(graph.target_ids[t])}", mew=1.5)
        for i, t in enumerate(busiest)
    ]
    if rest:
        handles.append(_marker_handle("|", 9, "#555555", "other group targets", mew=1.5))
    if camo:
        handles.append(_marker_handle("o", 3, ROLE_COLORS["camouflage"], "action elsewhere"))
    if truth:
        handles.append(_marker_handle("s", 4, ROLE_COLORS["truth"], "true bot (left margin)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)


def _marker_handle(marker: str, size: float, color: str, label: str, **kwargs: Any) -> Any:
    """A marker-only legend entry (no line), for artists the legend cannot derive itself."""
    from matplotlib.lines import Line2D

    return Line2D([], [], marker=marker, ls="", ms=size, color=color, label=label, **kwargs)


def _short(label: Any, width: int = 18) -> str:
    text = str(label)
    return text if len(text) <= width else text[: width - 1] + "…"


def _label_rows(ax: Any, n_members: int, n_context: int) -> None:
    ticks, labels = [], []
    if n_members:
        ticks.append((n_members - 1) / 2)
        labels.append(f"group\nmembers\n({n_members})")
    if n_context:
        ticks.append(n_members + (n_context - 1) / 2)
        labels.append(f"other\naccounts\n({n_context})")
    ax.set_yticks(ticks)
    ax.set_yticklabels(labels, fontsize=8)
    ax.tick_params(axis="y", length=0)
    ax.set_ylabel("accounts")


def _time_limits(ax: Any, x: np.ndarray) -> None:
    if len(x) == 0:
        return
    lo, hi = x.min(), x.max()
    pad = (hi - lo) * 0.03 if hi > lo else np.timedelta64(3600, "s") if x.dtype.kind == "M" else 1
    ax.set_xlim(lo - pad, hi + pad)
    if x.dtype.kind == "M":
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(maxticks=7)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
