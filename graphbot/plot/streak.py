"""Account-age evidence: the follow-order x creation "streak" plot and creation-date bursts."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import check_choice
from ..errors import InvalidInputError
from ..graph import InteractionGraph, kind_code
from ..result import DetectionResult
from ._data import as_time_axis
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

__all__ = ["plot_follower_streak", "follower_order", "plot_creation_dates"]


def _target_index(graph: InteractionGraph, account: Any) -> int:
    ids = graph.target_ids
    if isinstance(account, (int, np.integer)) and not np.issubdtype(ids.dtype, np.integer):
        if not 0 <= account < graph.n_targets:
            raise InvalidInputError(
                f"`account` index must be in [0, {graph.n_targets}); got {account}"
            )
        return int(account)
    return int(graph.target_index([account])[0])


def follower_order(
    graph: InteractionGraph, account: Any, *, kind: str | None = "follow"
) -> tuple[np.ndarray, np.ndarray]:
    """Followers of ``account`` in the order they first followed it, with those times.

    Parameters
    ----------
    graph : InteractionGraph
        Must carry event times.
    account : target external id or internal index
    kind : str or None
        Only events of this kind count; None counts every kind.

    Returns
    -------
    users : ndarray of int64
        Internal user indices, earliest follower first.
    times : ndarray of int64
        Time of each user's first such event on ``account``.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> g = InteractionGraph.from_events(["a", "b", "a"], ["x", "x", "x"], times=[9, 5, 1],
    ...                                  kinds="follow")
    >>> users, times = follower_order(g, "x")
    >>> g.user_ids[users].tolist(), times.tolist()
    (['a', 'b'], [1, 5])
    """
    times = graph.require_times("follower_order")
    t = _target_index(graph, account)
    sel = graph.targets == t
    if kind is not None:
        sel &= graph.kinds == kind_code(kind)
    users, when = graph.users[sel].astype(np.int64), times[sel]
    order = np.lexsort((when, users))
    users, when = users[order], when[order]
    first = np.ones(len(users), dtype=bool)
    first[1:] = users[1:] != users[:-1]
    users, when = users[first], when[first]
    by_time = np.argsort(when, kind="stable")
    return users[by_time], when[by_time]


def plot_follower_streak(
    graph: InteractionGraph,
    account: Any,
    *,
    kind: str | None = "follow",
    highlight: Any = None,
    truth: Any = None,
    ax: Any = None,
) -> Any:
    """Each follower of one account: follow order (x) against account creation date (y).

    Organic followers arrive in no particular order of age, so the cloud is
    spread out. Bought followers arrive together and were often registered
    together, so they draw a "streak": a run of consecutive followers whose
    creation dates sit on a short, steep or flat line.

    Parameters
    ----------
    graph : InteractionGraph
        Needs event times and ``user_created``.
    account : target external id or internal index
        The followed account.
    kind : str or None
        Event kind that counts as following (None: any).
    highlight : DetectionResult, bool mask or indices, optional
        Followers drawn in the flagged colour (a result's ``flagged()`` set).
    truth : GroundTruth or bool mask, optional
        True bots get a black ring.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Collections with gids ``"followers"``, ``"flagged"``, ``"truth"``.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> g = InteractionGraph.from_events(["a", "b", "c"], ["x", "x", "x"], times=[1, 2, 3],
    ...     kinds="follow", user_created={"a": 0.0, "b": 50.0, "c": 51.0})
    >>> ax = plot_follower_streak(g, "x", highlight=[1, 2])
    >>> [len(c.get_offsets()) for c in ax.collections if c.get_gid() == "flagged"]
    [2]

    References
    ----------
    Viswanath, B. et al. (2014). Towards detecting anomalous user behavior in
    online social networks. USENIX Security. The follower-order x creation-date
    plot is the one used by analysts of bought followers (e.g. the New York
    Times' "The Follower Factory", 2018).
    """
    if graph.user_created is None or np.isnan(graph.user_created).all():
        raise InvalidInputError(
            "plot_follower_streak needs account creation times (`user_created`); "
            "this graph has none"
        )
    users, _ = follower_order(graph, account, kind=kind)
    created = graph.user_created[users]
    known = ~np.isnan(created)
    if isinstance(highlight, DetectionResult):
        highlight = highlight.flagged()
    flagged = as_mask(highlight, graph.n_users, "highlight")[users]
    bots = truth_mask(truth, graph.user_ids)[users]
    rank = np.arange(1, len(users) + 1)
    with style():
        ax = get_ax(ax, (7.0, 4.5))
        y, _ = as_time_axis(created[known])
        x, f, b = rank[known], flagged[known], bots[known]
        ax.scatter(
            x[~f],
            y[~f],
            s=7,
            color=ROLE_COLORS["normal"],
            alpha=0.6,
            linewidths=0,
            gid="followers",
            label=f"follower ({int((~f).sum()):,})",
            rasterized=True,
        )
        if f.any():
            scatter_flagged(ax, x[f], y[f], s=12, label=f"flagged ({int(f.sum()):,})")
        if b.any():
            ring_truth(ax, x[b], y[b], s=30, linewidths=0.6, label=f"true bot ({int(b.sum()):,})")
        ax.set_xlabel("follower number (order of following)")
        ax.set_ylabel("account created")
        ax.set_title(f"Followers of {graph.target_ids[_target_index(graph, account)]}", loc="left")
        ax.legend(loc="best", frameon=True, framealpha=0.85)
        if (~known).any():
            add_note(ax, f"{int((~known).sum()):,} followers with unknown creation date not shown")
    return ax


def plot_creation_dates(
    graph: InteractionGraph,
    users: Any,
    *,
    bins: int = 60,
    span: str = "all",
    label: str = "group",
    ax: Any = None,
) -> Any:
    """Account-creation dates of some users against everyone's, as share-per-bin histograms.

    Bought accounts are typically registered in bursts; a burst shows as a tall
    narrow bar of the group far above the background.

    Parameters
    ----------
    graph : InteractionGraph
        Needs ``user_created``.
    users : DetectionResult, SuspiciousGroup, bool mask or indices
        The users to compare (a result's ``flagged()`` set, a group's members).
    bins : int
        Number of bins.
    span : {"all", "chosen"}
        Bin over everyone's creation dates (the group's burst against the whole
        history), or zoom into the chosen users' own range.
    label : str
        Legend name of the chosen users.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Bars with gids ``"background"`` and ``"chosen"``.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> g = InteractionGraph.from_events(["a", "b", "c"], ["x", "x", "x"],
    ...     user_created={"a": 0.0, "b": 3600.0, "c": 86400.0})
    >>> ax = plot_creation_dates(g, [1, 2], bins=4)
    >>> ax.get_ylabel()
    'share of accounts'

    References
    ----------
    Cresci, S. et al. (2015). Fame for sale: Efficient detection of fake Twitter
    followers. Decision Support Systems 80.
    """
    if graph.user_created is None or np.isnan(graph.user_created).all():
        raise InvalidInputError(
            "plot_creation_dates needs account creation times (`user_created`); this graph has none"
        )
    if isinstance(users, DetectionResult):
        users = users.flagged()
    elif hasattr(users, "users") and hasattr(users, "targets"):
        users = users.users
    chosen = as_mask(users, graph.n_users, "users")
    created = graph.user_created
    known = ~np.isnan(created)
    sel = created[chosen & known]
    with style():
        ax = get_ax(ax, (6.0, 3.6))
        if len(sel) == 0:
            ax.set_title("No creation date known for these users", loc="left")
            return ax
        check_choice("span", span, ("all", "chosen"))
        everyone = created[known & ~chosen]
        pool = sel if span == "chosen" or len(everyone) == 0 else created[known]
        lo, hi = float(pool.min()), float(pool.max())
        pad = max((hi - lo) * 0.02, 86400.0)
        edges = np.linspace(lo - pad, hi + pad, bins + 1)
        x_edges, xlabel = as_time_axis(edges)
        widths = np.diff(x_edges)
        for values, color, gid, name, alpha in (
            (everyone, ROLE_COLORS["normal"], "background", "all other accounts", 0.45),
            (sel, ROLE_COLORS["flagged"], "chosen", f"{label} ({len(sel):,})", 0.85),
        ):
            counts, _ = np.histogram(values, bins=edges)
            share = counts / max(len(values), 1)
            ax.bar(
                x_edges[:-1],
                share,
                width=widths,
                align="edge",
                color=color,
                alpha=alpha,
                label=name,
                gid=gid,
            )
        ax.set_xlabel(f"account created, {xlabel}")
        ax.set_ylabel("share of accounts")
        ax.set_title("Account creation dates", loc="left")
        ax.legend(loc="best")
    return ax
