"""Event columns: external data parsed into the graph's flat arrays, and back.

This is the layer below :class:`~graphbot.InteractionGraph`: it validates
events from sequences, DataFrames, CSV/Parquet files, networkx and igraph into
the keyword arguments of the graph's constructor, and exports a graph's arrays
to those formats. It never imports the graph class (the graph imports it), so
the builders ``InteractionGraph.from_*`` and the functions of
:mod:`graphbot.io` share one implementation without an import circle.

Beside the events come two optional tables, one row per id: a *targets table*
(owner account, creation time, other columns such as the target's kind) and a
*users table* (account creation time, profile columns). Their ids join the
events' ids exactly; ids found only in a table become isolated users/targets.

Every source is validated once, here, at the boundary: missing columns, empty
input, null or duplicate ids, unparsable or negative timestamps, unknown kinds
and negative weights raise a clear error naming the column and the first bad
row (and the file and line for files). Input that is usable but incomplete (no
time column, ids missing from a table) is reported with a
:class:`~graphbot.errors.GraphbotWarning`. The caller's data is never modified.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._checks import check_choice
from .errors import (
    GraphbotWarning,
    InputFileError,
    InputTypeError,
    InvalidInputError,
    InvalidParameterError,
)

if TYPE_CHECKING:  # annotations only: the graph imports this module
    from .graph import InteractionGraph

__all__ = [
    "KINDS",
    "TIME_COLUMNS",
    "CREATED_COLUMNS",
    "kind_code",
    "time_column",
    "event_columns",
    "frame_columns",
    "file_columns",
    "file_header",
    "read_frame",
    "networkx_columns",
    "igraph_columns",
    "to_frame",
    "user_table",
    "target_table",
    "to_networkx",
    "to_igraph",
]

#: Event kinds and their int8 codes (the position in this tuple).
KINDS: tuple[str, ...] = ("interaction", "follow", "like", "comment", "review", "rate", "edit")
_KIND_CODES = {name: code for code, name in enumerate(KINDS)}

#: The usual names of an events' time column, recognised when ``time=`` names none.
TIME_COLUMNS: tuple[str, ...] = ("time", "timestamp", "ts", "created_at")
#: The usual names of a table's creation-time column.
CREATED_COLUMNS: tuple[str, ...] = ("created", "created_at")

#: A column choice: a name (must exist), candidate names (at most one present) or None (ignore).
ColumnChoice = str | Sequence[str] | None


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
    """A problem at a column (and row) of the events or a table; readers add the file."""

    def __init__(
        self, column: str | None, row: int | None, problem: str, source: str = "events"
    ) -> None:
        where = [] if source == "events" else [f"the {source}"]
        if column is not None:
            where.append(f"column {column!r}" + (f" at row {row}" if row is not None else ""))
        super().__init__(f"{', '.join(where)}: {problem}" if where else problem)
        self.column, self.row, self.problem, self.source = column, row, problem, source


def _warn(message: str) -> None:
    """Warn at the caller's line outside graphbot: the warning is about their data."""
    frame, level = sys._getframe(1), 2
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith("graphbot"):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, GraphbotWarning, stacklevel=level)


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, for messages (``1``, not ``np.int64(1)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _non_null_ids(values: Any, column: str, source: str = "events") -> pd.Series:
    series = pd.Series(values, copy=False).reset_index(drop=True)
    null = series.isna().to_numpy()
    if null.any():
        raise _BadColumn(column, int(np.flatnonzero(null)[0]), "missing (null/NaN) id", source)
    return series


def _codes(values: Any, column: str, *extra: Any) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the events' ids over them and the ``extra`` ids (sorted when sortable)."""
    parts = [_non_null_ids(values, column)]
    parts += [_non_null_ids(e, f"extra {column}s") for e in extra if e is not None and len(e)]
    if len({p.dtype for p in parts}) > 1:  # no upcasting: int ids must not turn float
        parts = [p.astype(object) for p in parts]
    series = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    try:
        codes, uniques = pd.factorize(series, sort=True)
    except TypeError:  # mixed types cannot be sorted; keep first-seen order
        codes, uniques = pd.factorize(series, sort=False)
    ids = np.asarray(uniques)
    if len(parts) > 1:  # concatenated pieces come back as objects
        ids = _tighten(ids)
    return codes[: len(parts[0])].astype(np.int32), ids


def _seconds(
    values: Any, column: str, source: str = "events", *, allow_missing: bool = False
) -> np.ndarray:
    """Timestamps as float seconds: numbers are seconds; datetimes and ISO strings are parsed.

    Missing values are NaN when ``allow_missing``, else an error like unparsable ones.
    """
    series = pd.Series(values, copy=False).reset_index(drop=True)
    missing = series.isna().to_numpy()
    seconds = _as_seconds(series, column, source)
    bad = ~np.isfinite(seconds) & (~missing if allow_missing else True)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        what = "unparsable" if allow_missing else "unparsable or missing"
        raise _BadColumn(column, row, f"{what} timestamp {series.iloc[row]!r}", source)
    negative = seconds < 0
    if negative.any():
        row = int(np.flatnonzero(negative)[0])
        raise _BadColumn(column, row, f"negative timestamp {series.iloc[row]!r}", source)
    return seconds


def _as_seconds(series: pd.Series, column: str, source: str) -> np.ndarray:
    """Float seconds of each value, NaN where missing or unparsable."""
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series):
        parsed = pd.to_datetime(series, utc=True)
    elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:  # text or objects: numbers (seconds) or dates, never a mix of the two units
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
        is_number = ~np.isnan(numbers)
        parsed = pd.to_datetime(series.where(~is_number), utc=True, errors="coerce",
                                format="mixed")  # fmt: skip
        is_date = parsed.notna().to_numpy()
        if is_number.any() and is_date.any():
            row = int(max(np.flatnonzero(is_number)[0], np.flatnonzero(is_date)[0]))
            kinds = ("a date", "numbers (seconds)") if is_date[row] else ("a number", "dates")
            raise _BadColumn(
                column, row, f"{series.iloc[row]!r} is {kinds[0]} but earlier times are "
                f"{kinds[1]}; give every time in one unit", source,
            )  # fmt: skip
        if is_number.any():
            return numbers
    since_epoch = (parsed - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
    return since_epoch.to_numpy(dtype=np.float64, na_value=np.nan)


def _parse_kinds(values: Any, n: int, column: str) -> np.ndarray:
    if isinstance(values, str):
        return np.full(n, kind_code(values), dtype=np.int8)
    series = pd.Series(values, copy=False).astype("object")
    codes = series.map(_KIND_CODES)
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
    target_codes: np.ndarray, owners: Any, target_ids: np.ndarray
) -> np.ndarray:
    """The owner the events name for each target (None where none does); one per target."""
    frame = pd.DataFrame({"t": target_codes, "o": pd.Series(owners, copy=False).to_numpy()})
    per_target = frame.dropna().drop_duplicates()  # an empty owner cell: unknown
    clash = per_target["t"].duplicated()
    if clash.any():
        t = target_ids[int(per_target.loc[clash.to_numpy(), "t"].iloc[0])]
        raise _BadColumn("owner", None, f"target {_plain(t)!r} has more than one owner")
    result = np.full(len(target_ids), None, dtype=object)
    result[per_target["t"].to_numpy()] = per_target["o"].to_numpy()
    return result


def _tighten(values: np.ndarray) -> np.ndarray:
    """Give an object array of ids a compact dtype when all are ints or all str."""
    if values.dtype != object or len(values) == 0:
        return values
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        return values.astype(np.int64)
    if all(isinstance(v, str) for v in values):
        return values.astype(str)
    return values


def _none_where_missing(values: np.ndarray) -> np.ndarray:
    """Ids as objects, None where missing (NaN would pass for an id)."""
    out = np.asarray(values, dtype=object).copy()
    out[pd.isna(out)] = None
    return out


# ---------------------------------------------------------------------- column choice
def _pick_columns(
    choice: ColumnChoice, parameter: str, sources: Mapping[str, Sequence[str]]
) -> dict[str, str | None]:
    """The column ``choice`` selects in each source (events or table), None where absent.

    A name must exist in at least one source; of candidate names at most one may
    be present in a source; None selects nothing.
    """
    if choice is None:
        return dict.fromkeys(sources)
    names = (choice,) if isinstance(choice, str) else tuple(choice)
    if not all(isinstance(n, str) for n in names):
        raise InputTypeError(
            f"`{parameter}` must be a column name, a sequence of candidate names or None; "
            f"got {choice!r}"
        )
    picked: dict[str, str | None] = {}
    for source, columns in sources.items():
        present = [n for n in names if n in columns]
        if len(present) > 1:
            raise InvalidInputError(
                f"found several {parameter} columns {present} in the {source}; name the one "
                f"to use with `{parameter}=`"
            )
        picked[source] = present[0] if present else None
    if isinstance(choice, str) and not any(picked.values()):
        where = "; ".join(f"{list(cols)} in the {src}" for src, cols in sources.items())
        raise InvalidInputError(
            f"`{parameter}={choice!r}` names no column; the columns are {where or 'none'}"
        )
    return picked


def time_column(columns: Sequence[str], time: ColumnChoice = TIME_COLUMNS) -> str | None:
    """The events' time column: ``time`` itself, the one of its candidates present, or None.

    Examples
    --------
    >>> time_column(["user", "target", "timestamp"])
    'timestamp'
    >>> time_column(["user", "target"]) is None
    True
    """
    return _pick_columns(time, "time", {"events": list(columns)})["events"]


# ---------------------------------------------------------------------- tables
@dataclass(frozen=True)
class _Table:
    """A validated users or targets table: unique ids and their value columns, in row order."""

    noun: str  # "user" or "target"
    key: str
    ids: pd.Series
    created: np.ndarray | None  # float seconds, NaN unknown
    owners: np.ndarray | None  # objects, None unknown (targets only)
    owner_column: str | None
    extras: dict[str, np.ndarray]
    value_columns: tuple[str, ...]

    @property
    def source(self) -> str:
        return f"{self.noun}s table"


def _as_table(table: Any, noun: str) -> pd.DataFrame | None:
    if table is not None and not isinstance(table, pd.DataFrame):
        raise InputTypeError(
            f"the {noun}s table must be a pandas DataFrame; got {type(table).__name__} "
            "(files are read by read_events / from_csv / from_parquet)"
        )
    return table


def _parse_table(
    table: pd.DataFrame, noun: str, key: str, created: str | None, owner: str | None
) -> _Table:
    source = f"{noun}s table"
    if key not in table.columns:
        raise _BadColumn(
            None, None, f"no key column {key!r} (name it with `{noun}_key=`); the columns are "
            f"{list(table.columns)}", source,
        )  # fmt: skip
    if table.empty:
        raise _BadColumn(None, None, "the table has no rows", source)
    ids = _non_null_ids(table[key], key, source)
    repeated = ids.duplicated().to_numpy()
    if repeated.any():
        row = int(np.flatnonzero(repeated)[0])
        raise _BadColumn(key, row, f"{noun} {_plain(ids.iloc[row])!r} has more than one row",
                         source)  # fmt: skip
    values = [c for c in (created, owner) if c is not None]
    extras = {str(c): table[c].to_numpy(copy=True) for c in table.columns
              if c not in (key, *values)}  # fmt: skip
    return _Table(
        noun=noun,
        key=key,
        ids=ids,
        created=None if created is None else _seconds(table[created], created, source,
                                                       allow_missing=True),
        owners=None if owner is None else _none_where_missing(table[owner].to_numpy()),
        owner_column=owner,
        extras=extras,
        value_columns=(*values, *extras),
    )  # fmt: skip


def _parse_tables(
    target_table: Any, user_table: Any, *, target_key: str, user_key: str,
    owner: ColumnChoice, created: ColumnChoice,
) -> tuple[_Table | None, _Table | None]:  # fmt: skip
    targets, users = _as_table(target_table, "target"), _as_table(user_table, "user")
    with_targets = {} if targets is None else {"targets table": targets.columns}
    with_users = {} if users is None else {"users table": users.columns}
    created_in = _pick_columns(created, "created", {**with_targets, **with_users})
    owner_in = _pick_columns(owner, "owner", with_targets)
    return (
        None if targets is None else _parse_table(
            targets, "target", target_key, created_in["targets table"], owner_in["targets table"]
        ),
        None if users is None else _parse_table(
            users, "user", user_key, created_in["users table"], None
        ),
    )  # fmt: skip


def _id_type(values: Any) -> str:
    return pd.api.types.infer_dtype(values, skipna=True)


def _table_rows(table: _Table, ids: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Internal index of every table row; warns about ids the table does not cover."""
    rows = pd.Index(ids).get_indexer(table.ids)  # every table id is among ids
    with_events = np.bincount(codes, minlength=len(ids)) > 0
    if not with_events[rows].any():
        raise _BadColumn(
            table.key, None,
            f"no id matches a {table.noun} of the events; the table's ids are "
            f"{_id_type(table.ids)} and the events' are {_id_type(ids[with_events])} "
            "(ids must be equal values of the same type)", table.source,
        )  # fmt: skip
    uncovered = np.ones(len(ids), dtype=bool)
    uncovered[rows] = False
    if uncovered.any() and table.value_columns:
        examples = ", ".join(repr(v) for v in ids[uncovered][:3].tolist())
        _warn(
            f"{int(uncovered.sum()):,} of {len(ids):,} {table.noun}s are not in the "
            f"{table.source} (e.g. {examples}); their columns "
            f"{', '.join(map(repr, table.value_columns))} from the table are unknown"
        )
    return rows


def _spread(values: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """Table values in internal id order; ids the table lacks get NaN (numbers become float)."""
    return pd.Series(values, index=rows, copy=False).reindex(pd.RangeIndex(n)).to_numpy()


def _table_values(table: _Table, ids: np.ndarray, codes: np.ndarray) -> tuple[Any, ...]:
    """A table's rows (internal indices), created times and other columns, in id order."""
    rows = _table_rows(table, ids, codes)
    created = None if table.created is None else _spread(table.created, rows, len(ids))
    return rows, created, {k: _spread(v, rows, len(ids)) for k, v in table.extras.items()}


def _user_attributes(
    table: _Table | None, ids: np.ndarray, codes: np.ndarray, created_by_id: Mapping | None
) -> dict[str, Any]:
    if created_by_id is not None and table is not None and table.created is not None:
        raise InvalidParameterError(
            "give account creation times once: as `user_created` or as the users table's "
            "created column, not both"
        )
    created = None
    if created_by_id is not None:
        created = np.array([float(created_by_id.get(uid, np.nan)) for uid in ids.tolist()])
    columns: dict[str, np.ndarray] = {}
    if table is not None:
        _, from_table, columns = _table_values(table, ids, codes)
        created = created if from_table is None else from_table
    return {"user_created": created, "user_columns": columns}


def _target_attributes(
    table: _Table | None, ids: np.ndarray, codes: np.ndarray, event_owners: np.ndarray | None
) -> dict[str, Any]:
    owners, created, columns = event_owners, None, {}
    if table is not None:
        rows, created, columns = _table_values(table, ids, codes)
        if table.owners is not None:
            from_table = _none_where_missing(_spread(table.owners, rows, len(ids)))
            owners = _merged_owners(event_owners, from_table, ids, rows, table)
    return {
        "target_owners": None if owners is None else _tighten(owners),
        "target_created": created,
        "target_columns": columns,
    }


def _merged_owners(
    from_events: np.ndarray | None, from_table: np.ndarray, ids: np.ndarray, rows: np.ndarray,
    table: _Table,
) -> np.ndarray:  # fmt: skip
    """Owners known from the events or the targets table; the two must agree."""
    if from_events is None:
        return from_table
    both = ~pd.isna(from_events) & ~pd.isna(from_table)
    clash = np.flatnonzero(both & (from_events != from_table))
    if len(clash):
        t = clash[0]
        raise _BadColumn(
            table.owner_column, int(np.flatnonzero(rows == t)[0]),
            f"target {_plain(ids[t])!r} is owned by {_plain(from_table[t])!r} here but by "
            f"{_plain(from_events[t])!r} in the events", table.source,
        )  # fmt: skip
    return np.where(pd.isna(from_table), from_events, from_table)


# ---------------------------------------------------------------------- builders
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
    t_table, u_table = _parse_tables(
        target_table, user_table, target_key=target_key, user_key=user_key, owner=owner,
        created=created,
    )  # fmt: skip
    u_codes, user_ids = _codes(users, "user", extra_users, None if u_table is None else u_table.ids)
    t_codes, target_ids = _codes(targets, "target", None if t_table is None else t_table.ids)
    t = None if times is None else np.floor(_seconds(times, "time")).astype(np.int64)
    k = None if kinds is None else _parse_kinds(kinds, n, "kind")
    w = None if weights is None else _parse_weights(weights, "weight")
    keep = _duplicate_mask(u_codes, t_codes, t, k, duplicates)
    if keep is not None:
        u_codes, t_codes = u_codes[keep], t_codes[keep]
        t = None if t is None else t[keep]
        k = None if k is None else k[keep]
        w = None if w is None else w[keep]
        owners = None if owners is None else np.asarray(owners)[keep]
    event_owners = None if owners is None else _owners_per_target(t_codes, owners, target_ids)
    return dict(
        users=u_codes,
        targets=t_codes,
        user_ids=user_ids,
        target_ids=target_ids,
        times=t,
        kinds=k,
        weights=w,
        **_user_attributes(u_table, user_ids, u_codes, user_created),
        **_target_attributes(t_table, target_ids, t_codes, event_owners),
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
    owner_in = _pick_columns(owner, "owner", owner_sources)
    names = {"user": user, "target": target, "owner": owner_in["events"]}
    for parameter, choice in (("time", time), ("kind", kind), ("weight", weight)):
        names[parameter] = _pick_columns(choice, parameter, {"events": frame.columns})["events"]
    if names["time"] is None and time is not None and not isinstance(time, str):
        _warn(
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
    except _BadColumn as err:
        if err.source != "events":
            raise
        raise _BadColumn(names.get(err.column) or err.column, err.row, err.problem) from None


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
    except _BadColumn as err:
        if err.source not in files:  # a DataFrame table: no file to name
            raise
        raise _in_file(err, *files[err.source]) from None
    except InvalidInputError as err:
        raise InputFileError(str(path), str(err)) from None


def _in_file(err: _BadColumn, path: Path, fmt: str) -> InputFileError:
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


def user_table(graph: InteractionGraph) -> pd.DataFrame:
    """One row per user: ``user``, ``created`` (when known) and the users table's other columns."""
    data: dict[str, Any] = {"user": graph.user_ids}
    if graph.user_created is not None:
        data["created"] = graph.user_created
    return pd.DataFrame({**data, **graph.user_columns})


def target_table(graph: InteractionGraph) -> pd.DataFrame:
    """One row per target: ``target``, ``owner`` and ``created`` (when known), other columns."""
    data: dict[str, Any] = {"target": graph.target_ids}
    if graph.target_owners is not None:
        data["owner"] = graph.target_owners
    if graph.target_created is not None:
        data["created"] = graph.target_created
    return pd.DataFrame({**data, **graph.target_columns})


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
