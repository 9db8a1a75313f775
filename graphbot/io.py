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
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ._columns import event_columns, file_columns, frame_columns, igraph_columns, networkx_columns
from ._export import target_table, to_frame, to_igraph, to_networkx, user_table
from ._parsing import CREATED_COLUMNS, TIME_COLUMNS, ColumnChoice
from .errors import InvalidInputError
from .graph import InteractionGraph

__all__ = [
    "TIME_COLUMNS",
    "CREATED_COLUMNS",
    "from_events",
    "from_frame",
    "read_events",
    "from_networkx",
    "from_igraph",
    "to_networkx",
    "to_igraph",
    "to_frame",
    "user_table",
    "target_table",
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
    user_created: Mapping[Any, float] | None = None,
    extra_users: Any = None,
    target_table: pd.DataFrame | None = None,
    user_table: pd.DataFrame | None = None,
    target_key: str = "target",
    user_key: str = "user",
    owner: ColumnChoice = ("owner",),
    created: ColumnChoice = CREATED_COLUMNS,
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
        Account creation time in seconds per external user id (or give a
        ``created`` column in ``user_table``, not both).
    extra_users : array-like, optional
        Ids of users to include even if they have no event (isolated users
        are scored like every other user).
    target_table, user_table : DataFrame, optional
        One row per target / per user, keyed by ``target_key`` / ``user_key``;
        see :func:`from_frame` (where they are called ``targets`` and ``users``,
        names this function uses for the events' ids).
    target_key, user_key : str
        The tables' id columns.
    owner, created : str, sequence of str or None
        The targets table's owner column and the tables' creation-time column;
        see :func:`from_frame`.
    duplicates : {"keep", "drop", "error"}
        What to do with events repeated exactly (same user, target, time, kind):
        keep them (a user may like twice), drop the repeats, or raise.

    Examples
    --------
    >>> g = from_events([1, 2, 2], ["x", "x", "y"], times=[5, 6, 7])
    >>> g.n_users, g.n_targets, g.times.tolist()
    (2, 2, [5, 6, 7])
    >>> posts = pd.DataFrame({"target": ["x", "y", "z"], "owner": [9, 9, 3]})
    >>> g = from_events([1, 2, 2], ["x", "x", "y"], target_table=posts)
    >>> g.target_ids.tolist(), g.target_owners.tolist()  # "z" has no event: isolated
    (['x', 'y', 'z'], [9, 9, 3])
    """
    return InteractionGraph(
        **event_columns(
            users, targets, times=times, kinds=kinds, weights=weights, owners=owners,
            user_created=user_created, extra_users=extra_users, target_table=target_table,
            user_table=user_table, target_key=target_key, user_key=user_key, owner=owner,
            created=created, duplicates=duplicates,
        )
    )  # fmt: skip


def from_frame(
    frame: pd.DataFrame,
    *,
    user: str = "user",
    target: str = "target",
    time: ColumnChoice = TIME_COLUMNS,
    kind: ColumnChoice = ("kind",),
    weight: ColumnChoice = ("weight",),
    owner: ColumnChoice = ("owner",),
    targets: pd.DataFrame | None = None,
    users: pd.DataFrame | None = None,
    target_key: str = "target",
    user_key: str = "user",
    created: ColumnChoice = CREATED_COLUMNS,
    duplicates: str = "keep",
) -> InteractionGraph:
    """Build from a DataFrame with one row per event, and optional targets and users tables.

    Parameters
    ----------
    frame : DataFrame
        The events, one row per action.
    user, target : str
        The events' required columns of user and target ids.
    time, kind, weight, owner : str, sequence of str or None
        The events' optional columns. A name must exist (else an error lists
        the columns); a sequence gives candidate names, of which the one
        present is used (two present is an error); None ignores the column.
        By default ``time`` is recognised among :data:`TIME_COLUMNS` (``time``,
        ``timestamp``, ``ts``, ``created_at``) and a :class:`~graphbot.GraphbotWarning`
        says when none is present: the graph then has no times and time-based
        detectors refuse it. ``owner`` (the account owning the target) may
        instead be a column of ``targets``; where both give it they must agree.
    targets : DataFrame, optional
        One row per target, keyed by ``target_key``: the ``owner`` account id,
        the ``created`` time and any other columns (a target's ``kind``, say,
        "post" or "account"), kept in ``graph.target_columns``. Targets only in
        this table become isolated targets (a post nobody liked still belongs
        to its owner).
    users : DataFrame, optional
        One row per user, keyed by ``user_key``: the account's ``created`` time
        and any profile columns (``followers``, ``is_verified``, ...), kept in
        ``graph.user_created`` and ``graph.user_columns``. Users only in this
        table become isolated users, scored like everyone.
    target_key, user_key : str
        The tables' id columns. Their ids must equal the events' ids exactly,
        type included (``1`` is not ``"1"``): a table none of whose ids appear
        in the events is an error naming both id types. Events' ids missing
        from a table keep unknown values (NaN, or None for an owner), with a
        warning giving how many and a few of them.
    created : str, sequence of str or None
        The tables' creation-time column (by default ``created`` or
        ``created_at``), parsed like event times; empty cells are unknown.
    duplicates : {"keep", "drop", "error"}
        Policy for events repeated exactly; see :func:`from_events`.

    Examples
    --------
    >>> df = pd.DataFrame({"src": ["a", "b"], "dst": ["x", "x"], "timestamp": [0, 30]})
    >>> g = from_frame(df, user="src", target="dst")  # times from "timestamp"
    >>> g.n_users, g.times.tolist()
    (2, [0, 30])
    >>> users = pd.DataFrame({"user": ["a", "b", "c"], "created": ["2020-01-01", None, None],
    ...                       "followers": [10, 0, 5]})
    >>> g = from_frame(df, user="src", target="dst", users=users)
    >>> g.user_ids.tolist(), g.user_columns["followers"].tolist()  # "c" is isolated
    (['a', 'b', 'c'], [10, 0, 5])
    >>> g.user_created[:2].tolist()
    [1577836800.0, nan]
    """
    return InteractionGraph(
        **frame_columns(
            frame, user=user, target=target, time=time, kind=kind, weight=weight, owner=owner,
            targets=targets, users=users, target_key=target_key, user_key=user_key,
            created=created, duplicates=duplicates,
        )
    )  # fmt: skip


def read_events(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    targets: str | os.PathLike[str] | pd.DataFrame | None = None,
    users: str | os.PathLike[str] | pd.DataFrame | None = None,
    **columns: Any,
) -> InteractionGraph:
    """Read events from a CSV or Parquet file (format from the suffix by default).

    ``targets`` and ``users`` are the tables of :func:`from_frame`, as files
    (CSV or Parquet by their suffix) or DataFrames. Other keyword arguments are
    those of :func:`from_frame` (column names, keys, duplicates). Errors name
    the file, the line (header = line 1) and the column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     events = pathlib.Path(d, "events.csv")
    ...     _ = events.write_text("user,target,ts\\n1,p1,0\\n2,p1,60\\n")
    ...     posts = pathlib.Path(d, "posts.csv")
    ...     _ = posts.write_text("target,owner\\np1,7\\np2,7\\n")
    ...     g = read_events(events, targets=posts)
    >>> g.target_ids.tolist(), g.target_owners.tolist(), g.times.tolist()
    (['p1', 'p2'], [7, 7], [0, 60])
    """
    return InteractionGraph(
        **file_columns(path, format=format, targets=targets, users=users, **columns)
    )


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

    Users and targets keep their table columns (creation times, owners, profile
    columns): for an id in several graphs, the first known value of each column,
    and known values must agree.

    Examples
    --------
    >>> a = from_events(["u1"], ["x"], times=[0], user_created={"u1": 5.0})
    >>> b = from_events(["bot"], ["x"], times=[9])
    >>> u = union(a, b)
    >>> u.user_ids.tolist(), u.user_created.tolist()
    (['bot', 'u1'], [nan, 5.0])
    """
    if not graphs:
        raise InvalidInputError("`union` needs at least one graph")
    timed = [g.has_times for g in graphs]
    if any(timed) and not all(timed):
        raise InvalidInputError("cannot combine graphs with and without timestamps")
    frame = pd.concat([to_frame(g) for g in graphs], ignore_index=True)
    if "weight" in frame and frame["weight"].isna().any():
        raise InvalidInputError("cannot combine weighted and unweighted graphs")
    return from_events(
        frame["user"].to_numpy(),
        frame["target"].to_numpy(),
        times=frame["time"].to_numpy() if "time" in frame else None,
        kinds=frame["kind"].to_numpy(),
        weights=frame["weight"].to_numpy() if "weight" in frame else None,
        user_table=_merged_table([user_table(g) for g in graphs], "user"),
        target_table=_merged_table([target_table(g) for g in graphs], "target"),
    )


def _merged_table(tables: list[pd.DataFrame], key: str) -> pd.DataFrame:
    """One row per id over the graphs' tables: each column's first known value."""
    # As objects, a column one graph lacks does not turn another's int ids into floats.
    stacked = pd.concat([t.astype(object) for t in tables], ignore_index=True)
    by_id = stacked.groupby(key, sort=False)
    disagree = by_id.nunique() > 1
    if disagree.to_numpy().any():
        column = disagree.columns[disagree.any().to_numpy()][0]
        example = disagree.index[disagree[column].to_numpy()][0]
        raise InvalidInputError(f"the graphs disagree on {column!r} of {key} {example!r}")
    return by_id.first().infer_objects().reset_index()
