"""Event columns: external data parsed into the graph constructor's arguments.

This is the layer below :class:`~graphbot.InteractionGraph`: it validates
events from sequences, DataFrames, CSV/Parquet files, networkx and igraph into
the keyword arguments of the graph's constructor. It never imports the graph
class (the graph imports it), so the builders ``InteractionGraph.from_*`` and
the functions of :mod:`graphbot.io` share one implementation without an import
circle. It is the top of the input layer (``_parsing`` <- ``_tables`` <-
``_columns``): the formats, the files and the duplicate policy are known here,
the column parsers come from :mod:`graphbot._parsing` and the optional targets
and users tables are joined in by :mod:`graphbot._tables`. The way back, a
graph's arrays to those formats, is :mod:`graphbot._export`.

Every source is validated once, at this boundary: missing columns, empty
input, null or duplicate ids, unparsable or negative timestamps, unknown kinds
and negative weights raise a clear error naming the column and the first bad
row (and the file and line for files). Input that is usable but incomplete (no
time column, ids missing from a table) is reported with a
:class:`~graphbot.errors.GraphbotWarning`. The caller's data is never modified.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_choice
from ._parsing import (
    CREATED_COLUMNS,
    TIME_COLUMNS,
    BadColumn,
    ColumnChoice,
    id_codes,
    parse_kinds,
    parse_seconds,
    parse_weights,
    pick_columns,
    warn_input,
)
from ._tables import owners_per_target, parse_tables, target_attributes, user_attributes
from .errors import InputFileError, InputTypeError, InvalidInputError

__all__ = [
    "event_columns",
    "frame_columns",
    "file_columns",
    "file_header",
    "read_frame",
    "networkx_columns",
    "igraph_columns",
]


_DUPLICATE_POLICIES = ("keep", "drop", "error")


def event_columns(
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
) -> dict[str, Any]:
    """Validated InteractionGraph constructor arguments; see :func:`graphbot.io.from_events`."""
    check_choice("duplicates", duplicates, _DUPLICATE_POLICIES)
    n = len(users)
    if n == 0:
        raise InvalidInputError("no events: the input is empty")
    for name, col in (("targets", targets), ("times", times), ("weights", weights)):
        if col is not None and len(col) != n:
            raise InvalidInputError(f"`{name}` has {len(col)} entries but `users` has {n}")
    t_table, u_table = parse_tables(
        target_table, user_table, target_key=target_key, user_key=user_key, owner=owner,
        created=created,
    )  # fmt: skip
    u_known = None if u_table is None else u_table.ids
    t_known = None if t_table is None else t_table.ids
    u_codes, user_ids = id_codes(users, "user", extra_users, u_known)
    t_codes, target_ids = id_codes(targets, "target", t_known)
    t = None if times is None else np.floor(parse_seconds(times, "time")).astype(np.int64)
    k = None if kinds is None else parse_kinds(kinds, n, "kind")
    w = None if weights is None else parse_weights(weights, "weight")
    keep = _duplicate_mask(u_codes, t_codes, t, k, duplicates)
    if keep is not None:
        u_codes, t_codes = u_codes[keep], t_codes[keep]
        t = None if t is None else t[keep]
        k = None if k is None else k[keep]
        w = None if w is None else w[keep]
        owners = None if owners is None else np.asarray(owners)[keep]
    event_owners = None if owners is None else owners_per_target(t_codes, owners, target_ids)
    return dict(
        users=u_codes,
        targets=t_codes,
        user_ids=user_ids,
        target_ids=target_ids,
        times=t,
        kinds=k,
        weights=w,
        **user_attributes(u_table, user_ids, u_codes, user_created),
        **target_attributes(t_table, target_ids, t_codes, event_owners),
    )


def _duplicate_mask(u, t, times, kinds, policy: str) -> np.ndarray | None:
    if policy == "keep":
        return None
    cols = {"u": u, "t": t}
    if times is not None:
        cols["time"] = times
    if kinds is not None:
        cols["kind"] = kinds
    dup = pd.DataFrame(cols).duplicated().to_numpy()
    if not dup.any():
        return None
    if policy == "error":
        row = int(np.flatnonzero(dup)[0])
        raise InvalidInputError(
            f"row {row} repeats an earlier event exactly; pass duplicates='keep' or 'drop'"
        )
    return ~dup


def frame_columns(
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
) -> dict[str, Any]:
    """Constructor arguments from a DataFrame of events; see :func:`graphbot.io.from_frame`."""
    if not isinstance(frame, pd.DataFrame):
        raise InputTypeError(f"`frame` must be a pandas DataFrame; got {type(frame).__name__}")
    missing = [c for c in (user, target) if c not in frame.columns]
    if missing:
        raise InvalidInputError(
            f"missing required column(s) {missing}; the columns are {list(frame.columns)}"
        )
    owner_sources = {"events": frame.columns}
    if isinstance(targets, pd.DataFrame):  # the owner may come from either
        owner_sources["targets table"] = targets.columns
    owner_in = pick_columns(owner, "owner", owner_sources)
    names = {"user": user, "target": target, "owner": owner_in["events"]}
    for parameter, choice in (("time", time), ("kind", kind), ("weight", weight)):
        names[parameter] = pick_columns(choice, parameter, {"events": frame.columns})["events"]
    if names["time"] is None and time is not None and not isinstance(time, str):
        warn_input(
            f"the events have no time column (looked for {', '.join(map(repr, time))}), so "
            "time-based detectors will refuse this graph; name the column with `time=`, or "
            "pass `time=None` to load without times"
        )

    def column(name: str) -> Any:
        return None if names[name] is None else frame[names[name]].to_numpy()

    try:
        return event_columns(
            column("user"), column("target"), times=column("time"), kinds=column("kind"),
            weights=column("weight"), owners=column("owner"), target_table=targets,
            user_table=users, target_key=target_key, user_key=user_key,
            owner=owner_in.get("targets table"), created=created, duplicates=duplicates,
        )  # fmt: skip
    except BadColumn as err:
        if err.source != "events":
            raise
        raise BadColumn(names.get(err.column) or err.column, err.row, err.problem) from None


def _file_format(path: Path, format: str | None) -> str:
    fmt = format or ("parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv")
    return check_choice("format", fmt, ("csv", "parquet"))


def read_frame(
    path: str | os.PathLike[str], format: str | None = None, what: str = "events"
) -> pd.DataFrame:
    """A CSV or Parquet file as a DataFrame; errors name the file (``what`` it should hold)."""
    path = Path(path)
    fmt = _file_format(path, format)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such {what} file")
    try:
        frame = pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise InputFileError(str(path), "the file is empty") from None
    except (pd.errors.ParserError, ValueError, OSError) as err:
        raise InputFileError(str(path), f"cannot parse {fmt}: {err}") from None
    if frame.empty:
        raise InputFileError(str(path), f"no {what} (only a header)")
    return frame


def file_header(path: str | os.PathLike[str], format: str | None = None) -> list[str]:
    """The column names of a CSV or Parquet file, read without its rows."""
    path = Path(path)
    if _file_format(path, format) == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    return [str(c) for c in pd.read_csv(path, nrows=0).columns]


def file_columns(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    targets: str | os.PathLike[str] | pd.DataFrame | None = None,
    users: str | os.PathLike[str] | pd.DataFrame | None = None,
    **columns: Any,
) -> dict[str, Any]:
    """Constructor arguments from a CSV or Parquet file; see :func:`graphbot.io.read_events`."""
    frame = read_frame(path, format)
    files = {"events": (Path(path), _file_format(Path(path), format))}
    tables: dict[str, pd.DataFrame | None] = {}
    for noun, table in (("target", targets), ("user", users)):
        if table is not None and not isinstance(table, pd.DataFrame):
            files[f"{noun}s table"] = (Path(table), _file_format(Path(table), None))
            table = read_frame(table, what=f"{noun}s")
        tables[noun] = table
    try:
        return frame_columns(frame, targets=tables["target"], users=tables["user"], **columns)
    except BadColumn as err:
        if err.source not in files:  # a DataFrame table: no file to name
            raise
        raise _in_file(err, *files[err.source]) from None
    except InvalidInputError as err:
        raise InputFileError(str(path), str(err)) from None


def _in_file(err: BadColumn, path: Path, fmt: str) -> InputFileError:
    """``err`` located in ``path``: the line (header = line 1) for CSV, the row for Parquet."""
    where = []
    if err.row is not None:
        where.append(f"line {err.row + 2}" if fmt == "csv" else f"row {err.row}")
    if err.column is not None:
        where.append(f"column {err.column!r}")
    return InputFileError(str(path), f"{', '.join(where)}: {err.problem}" if where else err.problem)


def networkx_columns(
    graph: Any,
    *,
    user_attr: str = "bipartite",
    user_value: Any = 0,
    time: str = "time",
    kind: str = "kind",
    weight: str | None = "weight",
) -> dict[str, Any]:
    """Constructor arguments from a networkx graph; see :func:`graphbot.io.from_networkx`."""
    import networkx as nx

    if not isinstance(graph, nx.Graph):
        raise InputTypeError(f"`graph` must be a networkx graph; got {type(graph).__name__}")
    edges = list(graph.edges(data=True))
    if not edges:
        raise InvalidInputError("the networkx graph has no edges")
    rows = []
    for a, b, data in edges:
        if not graph.is_directed():
            a_user = graph.nodes[a].get(user_attr) == user_value
            b_user = graph.nodes[b].get(user_attr) == user_value
            if a_user == b_user:
                raise InvalidInputError(
                    f"edge ({a!r}, {b!r}) does not join a user and a target; mark users with "
                    f"node attribute {user_attr!r} = {user_value!r}"
                )
            if b_user:
                a, b = b, a
        rows.append((a, b, data.get(time), data.get(kind), data.get(weight) if weight else None))
    frame = pd.DataFrame(rows, columns=["user", "target", "time", "kind", "weight"])
    for col in ("time", "kind", "weight"):
        if frame[col].isna().all():
            frame = frame.drop(columns=col)
    return frame_columns(frame, time="time" if "time" in frame else None)


def igraph_columns(
    graph: Any, *, type_attr: str = "type", name_attr: str = "name"
) -> dict[str, Any]:
    """Constructor arguments from a bipartite igraph Graph; see :func:`graphbot.io.from_igraph`."""
    import igraph as ig

    if not isinstance(graph, ig.Graph):
        raise InputTypeError(f"`graph` must be an igraph.Graph; got {type(graph).__name__}")
    if graph.ecount() == 0:
        raise InvalidInputError("the igraph graph has no edges")
    if type_attr not in graph.vs.attributes():
        raise InvalidInputError(f"vertices need a boolean {type_attr!r} attribute (False = user)")
    types = np.asarray(graph.vs[type_attr], dtype=bool)
    names = (
        graph.vs[name_attr] if name_attr in graph.vs.attributes() else list(range(graph.vcount()))
    )
    ends = np.asarray(graph.get_edgelist(), dtype=np.int64)
    if (types[ends[:, 0]] == types[ends[:, 1]]).any():
        raise InvalidInputError(
            "an edge joins two vertices of the same type; graph is not bipartite"
        )
    user_end = np.where(types[ends[:, 0]], ends[:, 1], ends[:, 0])
    target_end = np.where(types[ends[:, 0]], ends[:, 0], ends[:, 1])
    names = np.asarray(names, dtype=object)
    frame = pd.DataFrame({"user": names[user_end], "target": names[target_end]})
    for attr in ("time", "kind", "weight"):
        if attr in graph.es.attributes():
            frame[attr] = graph.es[attr]
    return frame_columns(frame, time="time" if "time" in frame else None)
