"""Event columns: external data parsed into the graph's flat arrays, and back.

This is the layer below :class:`~graphbot.InteractionGraph`: it validates
events from sequences, DataFrames, CSV/Parquet files, networkx and igraph into
the keyword arguments of the graph's constructor, and exports a graph's arrays
to those formats. It never imports the graph class (the graph imports it), so
the builders ``InteractionGraph.from_*`` and the functions of
:mod:`graphbot.io` share one implementation without an import circle.

Every source is validated once, here, at the boundary: missing columns, empty
input, null ids, unparsable or negative timestamps, unknown kinds and negative
weights raise a clear error naming the column and the first bad row (and the
file and line for files). The caller's data is never modified.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._checks import check_choice
from .errors import InputFileError, InputTypeError, InvalidInputError, InvalidParameterError

if TYPE_CHECKING:  # annotations only: the graph imports this module
    from .graph import InteractionGraph

__all__ = [
    "KINDS",
    "kind_code",
    "event_columns",
    "frame_columns",
    "file_columns",
    "networkx_columns",
    "igraph_columns",
    "to_frame",
    "to_networkx",
    "to_igraph",
]

#: Event kinds and their int8 codes (the position in this tuple).
KINDS: tuple[str, ...] = ("interaction", "follow", "like", "comment", "review", "rate", "edit")
_KIND_CODES = {name: code for code, name in enumerate(KINDS)}


def kind_code(kind: str) -> int:
    """Return the int8 code of an event kind name.

    Examples
    --------
    >>> kind_code("like")
    2
    """
    try:
        return _KIND_CODES[kind]
    except (KeyError, TypeError):
        raise InvalidParameterError(
            f"unknown event kind {kind!r}; expected one of {KINDS}"
        ) from None


_DUPLICATE_POLICIES = ("keep", "drop", "error")


class _BadColumn(InvalidInputError):
    """A column problem at a row; re-raised with file context by readers."""

    def __init__(self, column: str, row: int | None, problem: str) -> None:
        at = f" at row {row}" if row is not None else ""
        super().__init__(f"column {column!r}{at}: {problem}")
        self.column, self.row, self.problem = column, row, problem


def _factorize(values: Any, column: str) -> tuple[np.ndarray, np.ndarray]:
    series = pd.Series(values, copy=False)
    null = series.isna().to_numpy()
    if null.any():
        raise _BadColumn(column, int(np.flatnonzero(null)[0]), "missing (null/NaN) id")
    try:
        codes, uniques = pd.factorize(series, sort=True)
    except TypeError:  # mixed types cannot be sorted; keep first-seen order
        codes, uniques = pd.factorize(series, sort=False)
    return codes.astype(np.int32), np.asarray(uniques)


def _parse_times(values: Any, column: str) -> np.ndarray:
    series = pd.Series(values, copy=False)
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series):
        parsed = pd.to_datetime(series, utc=True)
        bad = parsed.isna().to_numpy()
        seconds = None
    elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        seconds = series.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isfinite(seconds)
    else:
        parsed = pd.to_datetime(series, utc=True, errors="coerce", format="mixed")
        bad = parsed.isna().to_numpy()
        seconds = None
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise _BadColumn(column, row, f"unparsable or missing timestamp {series.iloc[row]!r}")
    if seconds is None:
        seconds = (parsed - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
        seconds = seconds.to_numpy(dtype=np.float64)
    negative = seconds < 0
    if negative.any():
        row = int(np.flatnonzero(negative)[0])
        raise _BadColumn(column, row, f"negative timestamp {series.iloc[row]!r}")
    return np.floor(seconds).astype(np.int64)


def _parse_kinds(values: Any, n: int, column: str) -> np.ndarray:
    if isinstance(values, str):
        return np.full(n, kind_code(values), dtype=np.int8)
    series = pd.Series(values, copy=False).astype("object")
    lookup = {name: code for code, name in enumerate(KINDS)}
    codes = series.map(lookup)
    bad = codes.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise _BadColumn(column, row, f"unknown kind {series.iloc[row]!r}; expected one of {KINDS}")
    return codes.to_numpy(dtype=np.int8)


def _parse_weights(values: Any, column: str) -> np.ndarray:
    series = pd.Series(values, copy=False)
    try:
        w = series.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        w = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise _BadColumn(column, row, f"weights must be finite and >= 0; got {series.iloc[row]!r}")
    return w.astype(np.float32)


def _owners_per_target(
    target_codes: np.ndarray, owners: Any, n_targets: int, column: str
) -> np.ndarray:
    series = pd.Series(owners, copy=False)
    null = series.isna().to_numpy()
    if null.any():
        raise _BadColumn(column, int(np.flatnonzero(null)[0]), "missing owner id")
    frame = pd.DataFrame({"t": target_codes, "o": series.to_numpy()})
    per_target = frame.drop_duplicates()
    clash = per_target["t"].duplicated()
    if clash.any():
        t = int(per_target.loc[clash.to_numpy(), "t"].iloc[0])
        raise _BadColumn(column, None, f"target #{t} has more than one owner")
    result = np.empty(n_targets, dtype=object)
    result[per_target["t"].to_numpy()] = per_target["o"].to_numpy()
    return _tighten(result)


def _tighten(values: np.ndarray) -> np.ndarray:
    """Give an object array of ids a compact dtype when all are ints or all str."""
    if values.dtype != object or len(values) == 0:
        return values
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        return values.astype(np.int64)
    if all(isinstance(v, str) for v in values):
        return values.astype(str)
    return values


def event_columns(
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
) -> dict[str, Any]:
    """Validated InteractionGraph constructor arguments; see :func:`graphbot.io.from_events`."""
    check_choice("duplicates", duplicates, _DUPLICATE_POLICIES)
    n = len(users)
    if n == 0:
        raise InvalidInputError("no events: the input is empty")
    for name, col in (("targets", targets), ("times", times), ("weights", weights)):
        if col is not None and len(col) != n:
            raise InvalidInputError(f"`{name}` has {len(col)} entries but `users` has {n}")
    if extra_users is not None and len(extra_users):
        all_users = np.concatenate(
            [np.asarray(users, dtype=object), np.asarray(extra_users, dtype=object)]
        )
        u_codes, user_ids = _factorize(all_users, "user")
        u_codes, user_ids = u_codes[:n], _tighten(user_ids)
    else:
        u_codes, user_ids = _factorize(users, "user")
    t_codes, target_ids = _factorize(targets, "target")
    t = None if times is None else _parse_times(times, "time")
    k = None if kinds is None else _parse_kinds(kinds, n, "kind")
    w = None if weights is None else _parse_weights(weights, "weight")
    keep = _duplicate_mask(u_codes, t_codes, t, k, duplicates)
    if keep is not None:
        u_codes, t_codes = u_codes[keep], t_codes[keep]
        t = None if t is None else t[keep]
        k = None if k is None else k[keep]
        w = None if w is None else w[keep]
    own = None
    if owners is not None:
        own = _owners_per_target(
            t_codes,
            np.asarray(owners)[keep] if keep is not None else owners,
            len(target_ids),
            "owner",
        )
    created = None
    if user_created is not None:
        created = np.array([float(user_created.get(uid, np.nan)) for uid in user_ids.tolist()])
    return dict(
        users=u_codes,
        targets=t_codes,
        user_ids=user_ids,
        target_ids=target_ids,
        times=t,
        kinds=k,
        weights=w,
        target_owners=own,
        user_created=created,
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
    time: str | None = "time",
    kind: str | None = "kind",
    weight: str | None = "weight",
    owner: str | None = "owner",
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

    def optional(name: str | None) -> Any:
        return frame[name].to_numpy() if name is not None and name in frame.columns else None

    try:
        return event_columns(
            frame[user].to_numpy(),
            frame[target].to_numpy(),
            times=optional(time),
            kinds=optional(kind),
            weights=optional(weight),
            owners=optional(owner),
            duplicates=duplicates,
        )
    except _BadColumn as err:
        names = {
            "user": user,
            "target": target,
            "time": time,
            "kind": kind,
            "weight": weight,
            "owner": owner,
        }
        raise _BadColumn(names.get(err.column) or err.column, err.row, err.problem) from None




def file_columns(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    **columns: Any,
) -> dict[str, Any]:
    """Constructor arguments from a CSV or Parquet file; see :func:`graphbot.io.read_events`."""
    path = Path(path)
    fmt = format or ("parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv")
    check_choice("format", fmt, ("csv", "parquet"))
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such events file")
    try:
        frame = pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise InputFileError(str(path), "the file is empty") from None
    except (pd.errors.ParserError, ValueError, OSError) as err:
        raise InputFileError(str(path), f"cannot parse {fmt}: {err}") from None
    if frame.empty:
        raise InputFileError(str(path), "no events (only a header)")
    try:
        return frame_columns(frame, **columns)
    except _BadColumn as err:
        line = None if err.row is None else err.row + 2 if fmt == "csv" else err.row
        label = "line" if fmt == "csv" else "row"
        where = f"{label} {line}, " if line is not None else ""
        raise InputFileError(str(path), f"{where}column {err.column!r}: {err.problem}") from None
    except InvalidInputError as err:
        raise InputFileError(str(path), str(err)) from None




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
    return frame_columns(frame)




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
    return frame_columns(frame)




def to_frame(graph: InteractionGraph) -> pd.DataFrame:
    """Events as a DataFrame (``user``, ``target``, ``time``, ``kind``, ``weight``, ``owner``)."""
    data: dict[str, Any] = {
        "user": graph.user_ids[graph.users],
        "target": graph.target_ids[graph.targets],
    }
    if graph.times is not None:
        data["time"] = graph.times
    data["kind"] = np.asarray(KINDS, dtype=object)[graph.kinds]
    if graph.weights is not None:
        data["weight"] = graph.weights
    if graph.target_owners is not None:
        data["owner"] = graph.target_owners[graph.targets]
    return pd.DataFrame(data)


def to_networkx(graph: InteractionGraph, *, multigraph: bool = False) -> Any:
    """Bipartite networkx graph; users have ``bipartite=0``, targets ``bipartite=1``.

    Nodes are ``("u", id)`` and ``("t", id)`` tuples so a user and a target with
    the same external id stay distinct. Edges carry ``count`` (and the events'
    ``time``/``kind`` when ``multigraph=True``).
    """
    import networkx as nx

    g = nx.MultiGraph() if multigraph else nx.Graph()
    g.add_nodes_from((("u", uid) for uid in graph.user_ids.tolist()), bipartite=0)
    g.add_nodes_from((("t", tid) for tid in graph.target_ids.tolist()), bipartite=1)
    uids, tids = graph.user_ids.tolist(), graph.target_ids.tolist()
    if multigraph:
        times = graph.times.tolist() if graph.times is not None else [None] * graph.n_events
        for u, t, tm, k in zip(
            graph.users.tolist(), graph.targets.tolist(), times, graph.kinds.tolist()
        ):
            g.add_edge(("u", uids[u]), ("t", tids[t]), time=tm, kind=KINDS[k])
    else:
        coo = graph.csr.tocoo()
        g.add_edges_from(
            (("u", uids[u]), ("t", tids[t]), {"count": int(c)})
            for u, t, c in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist())
        )
    return g


def to_igraph(graph: InteractionGraph) -> Any:
    """Bipartite igraph Graph: users first (``type`` False), then targets (``type`` True).

    One edge per event, with ``time`` and ``kind`` attributes.
    """
    import igraph as ig

    n_u = graph.n_users
    edges = np.column_stack([graph.users, graph.targets.astype(np.int64) + n_u])
    g = ig.Graph(n=n_u + graph.n_targets, edges=edges.tolist(), directed=False)
    g.vs["type"] = [False] * n_u + [True] * graph.n_targets
    g.vs["name"] = graph.user_ids.tolist() + graph.target_ids.tolist()
    if graph.times is not None:
        g.es["time"] = graph.times.tolist()
    g.es["kind"] = [KINDS[k] for k in graph.kinds.tolist()]
    return g
