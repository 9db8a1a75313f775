"""Reading and writing interaction graphs: the function forms of the graph's builders.

``from_frame(df, ...)`` is ``InteractionGraph.from_frame(df, ...)``, and so on;
both validate through :mod:`graphbot._columns`, which sees every input once
at the boundary and raises errors naming the column, the row and the file.
The exporters (:func:`to_frame`, :func:`to_networkx`, :func:`to_igraph`) and
:func:`union` (all events of several graphs, matched by external id) live
here too. The caller's data is never modified.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from ._columns import (
    event_columns,
    file_columns,
    frame_columns,
    igraph_columns,
    networkx_columns,
    to_frame,
    to_igraph,
    to_networkx,
)
from .errors import InvalidInputError
from .graph import InteractionGraph

__all__ = [
    "from_events",
    "from_frame",
    "read_events",
    "from_networkx",
    "from_igraph",
    "to_networkx",
    "to_igraph",
    "to_frame",
    "union",
]


def from_events(
    users: Any,
    targets: Any,
    *,
    times: Any = None,
    kinds: Any = None,
    weights: Any = None,
    owners: Any = None,
    user_created: dict[Any, float] | None = None,
    extra_users: Any = None,
    duplicates: str = "keep",
) -> InteractionGraph:
    """Build an :class:`InteractionGraph` from parallel sequences of events.

    Parameters
    ----------
    users, targets : array-like
        External ids (ints or strings) of the actor and the target of each event.
    times : array-like, optional
        Seconds (numbers) or datetimes / date strings, one per event.
    kinds : str or array-like of str, optional
        Kind of each event (one of :data:`graphbot.graph.KINDS`), or one kind for all.
    weights : array-like, optional
        Non-negative weight of each event (a rating, say).
    owners : array-like, optional
        External id of the account that owns each event's target.
    user_created : dict, optional
        Account creation time in seconds per external user id.
    extra_users : array-like, optional
        Ids of users to include even if they have no event (isolated users
        are scored like every other user).
    duplicates : {"keep", "drop", "error"}
        What to do with events repeated exactly (same user, target, time, kind):
        keep them (a user may like twice), drop the repeats, or raise.

    Examples
    --------
    >>> g = from_events([1, 2, 2], ["x", "x", "y"], times=[5, 6, 7])
    >>> g.n_users, g.n_targets, g.times.tolist()
    (2, 2, [5, 6, 7])
    """
    return InteractionGraph(
        **event_columns(
            users, targets, times=times, kinds=kinds, weights=weights, owners=owners,
            user_created=user_created, extra_users=extra_users, duplicates=duplicates,
        )
    )


def from_frame(
    frame: pd.DataFrame,
    *,
    user: str = "user",
    target: str = "target",
    time: str | None = "time",
    kind: str | None = "kind",
    weight: str | None = "weight",
    owner: str | None = "owner",
    duplicates: str = "keep",
) -> InteractionGraph:
    """Build from a DataFrame with one row per event; column names are configurable.

    ``user`` and ``target`` columns are required; ``time``, ``kind``, ``weight``
    and ``owner`` are used when present (pass None to ignore a column).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"src": ["a", "b"], "dst": ["x", "x"], "time": [0, 30]})
    >>> from_frame(df, user="src", target="dst").n_users
    2
    """
    return InteractionGraph(
        **frame_columns(
            frame, user=user, target=target, time=time, kind=kind, weight=weight, owner=owner,
            duplicates=duplicates,
        )
    )


def read_events(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    **columns: Any,
) -> InteractionGraph:
    """Read events from a CSV or Parquet file (format from the suffix by default).

    Keyword arguments are those of :func:`from_frame` (column names, duplicates).
    Errors name the file, the line (header = line 1) and the column.
    """
    return InteractionGraph(**file_columns(path, format=format, **columns))


def from_networkx(
    graph: Any,
    *,
    user_attr: str = "bipartite",
    user_value: Any = 0,
    time: str = "time",
    kind: str = "kind",
    weight: str | None = "weight",
) -> InteractionGraph:
    """Convert a bipartite networkx graph (users marked by a node attribute).

    Users are the nodes whose ``user_attr`` equals ``user_value`` (networkx's
    ``bipartite`` convention). In a directed graph each edge u -> v is an
    event of user u on target v, and no marking is needed. Multigraph edges
    become separate events.
    """
    return InteractionGraph(
        **networkx_columns(
            graph, user_attr=user_attr, user_value=user_value, time=time, kind=kind, weight=weight
        )
    )


def from_igraph(
    graph: Any, *, type_attr: str = "type", name_attr: str = "name"
) -> InteractionGraph:
    """Convert a bipartite igraph Graph: vertices with ``type`` False are users.

    Edge attributes ``time``, ``kind`` and ``weight`` are used when present.
    """
    return InteractionGraph(**igraph_columns(graph, type_attr=type_attr, name_attr=name_attr))


def union(*graphs: InteractionGraph) -> InteractionGraph:
    """All events of several graphs, matched by external id (used to plant farms).

    Examples
    --------
    >>> a = from_events(["u1"], ["x"], times=[0])
    >>> b = from_events(["bot"], ["x"], times=[9])
    >>> union(a, b).user_ids.tolist()
    ['bot', 'u1']
    """
    if not graphs:
        raise InvalidInputError("`union` needs at least one graph")
    timed = [g.has_times for g in graphs]
    if any(timed) and not all(timed):
        raise InvalidInputError("cannot combine graphs with and without timestamps")
    frames = [to_frame(g) for g in graphs]
    frame = pd.concat(frames, ignore_index=True)
    if "weight" in frame and frame["weight"].isna().any():
        raise InvalidInputError("cannot combine weighted and unweighted graphs")
    extra = np.concatenate([g.user_ids for g in graphs]).astype(object)
    owners = frame["owner"] if "owner" in frame else None
    if owners is not None and owners.isna().any():  # untyped targets own themselves
        owners = owners.fillna(frame["target"])
    created: dict[Any, float] = {}
    for g in graphs:
        if g.user_created is not None:
            created.update(zip(g.user_ids.tolist(), g.user_created.tolist()))
    graph = from_events(
        frame["user"].to_numpy(),
        frame["target"].to_numpy(),
        times=frame["time"].to_numpy() if "time" in frame else None,
        kinds=frame["kind"].to_numpy(),
        weights=frame["weight"].to_numpy() if "weight" in frame else None,
        owners=None if owners is None else owners.to_numpy(),
        user_created=created or None,
        extra_users=extra,
    )
    return graph


