"""Parsing primitives: ids, times, kinds, weights and column choices, each validated.

The bottom of the input layer (``_parsing`` <- ``_tables`` <- ``_columns``): the
event kinds and their int8 codes, the usual names of time and creation-time
columns, the choice of a column by name or by candidate names, and the parsers
of one column each (ids factorized to int32 codes, timestamps to float seconds,
kinds to codes, weights to float32). A problem raises a :class:`BadColumn`
naming the column and the first bad row, to which the builders of
:mod:`graphbot._columns` add the file and line; usable but incomplete input is
reported with :func:`warn_input` at the caller's line. The tables and the builders
both parse columns this way, so the primitives sit below both; they import
nothing of graphbot but its errors.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._kinds import KIND_CODES, KINDS, kind_code
from .errors import GraphbotWarning, InputTypeError, InvalidInputError

__all__ = ["KINDS", "TIME_COLUMNS", "CREATED_COLUMNS", "kind_code", "time_column"]



#: The usual names of an events' time column, recognised when ``time=`` names none.
TIME_COLUMNS: tuple[str, ...] = ("time", "timestamp", "ts", "created_at")
#: The usual names of a table's creation-time column.
CREATED_COLUMNS: tuple[str, ...] = ("created", "created_at")

#: A column choice: a name (must exist), candidate names (at most one present) or None (ignore).
ColumnChoice = str | Sequence[str] | None


class BadColumn(InvalidInputError):
    """A problem at a column (and row) of the events or a table; readers add the file."""

    def __init__(
        self, column: str | None, row: int | None, problem: str, source: str = "events"
    ) -> None:
        where = [] if source == "events" else [f"the {source}"]
        if column is not None:
            where.append(f"column {column!r}" + (f" at row {row}" if row is not None else ""))
        super().__init__(f"{', '.join(where)}: {problem}" if where else problem)
        self.column, self.row, self.problem, self.source = column, row, problem, source


def warn_input(message: str) -> None:
    """Warn at the caller's line outside graphbot: the warning is about their data."""
    frame, level = sys._getframe(1), 2
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith("graphbot"):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, GraphbotWarning, stacklevel=level)


def plain_value(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, for messages (``1``, not ``np.int64(1)``)."""
    return value.item() if isinstance(value, np.generic) else value


def non_null_ids(values: Any, column: str, source: str = "events") -> pd.Series:
    series = pd.Series(values, copy=False).reset_index(drop=True)
    null = series.isna().to_numpy()
    if null.any():
        raise BadColumn(column, int(np.flatnonzero(null)[0]), "missing (null/NaN) id", source)
    return series


def id_codes(values: Any, column: str, *extra: Any) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the events' ids over them and the ``extra`` ids (sorted when sortable)."""
    parts = [non_null_ids(values, column)]
    parts += [non_null_ids(e, f"extra {column}s") for e in extra if e is not None and len(e)]
    if len({p.dtype for p in parts}) > 1:  # no upcasting: int ids must not turn float
        parts = [p.astype(object) for p in parts]
    series = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    try:
        codes, uniques = pd.factorize(series, sort=True)
    except TypeError:  # mixed types cannot be sorted; keep first-seen order
        codes, uniques = pd.factorize(series, sort=False)
    ids = np.asarray(uniques)
    if len(parts) > 1:  # concatenated pieces come back as objects
        ids = tighten_ids(ids)
    return codes[: len(parts[0])].astype(np.int32), ids


def parse_seconds(
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
        raise BadColumn(column, row, f"{what} timestamp {series.iloc[row]!r}", source)
    negative = seconds < 0
    if negative.any():
        row = int(np.flatnonzero(negative)[0])
        raise BadColumn(column, row, f"negative timestamp {series.iloc[row]!r}", source)
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
            raise BadColumn(
                column, row, f"{series.iloc[row]!r} is {kinds[0]} but earlier times are "
                f"{kinds[1]}; give every time in one unit", source,
            )  # fmt: skip
        if is_number.any():
            return numbers
    since_epoch = (parsed - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
    return since_epoch.to_numpy(dtype=np.float64, na_value=np.nan)


def parse_kinds(values: Any, n: int, column: str) -> np.ndarray:
    if isinstance(values, str):
        return np.full(n, kind_code(values), dtype=np.int8)
    series = pd.Series(values, copy=False).astype("object")
    codes = series.map(KIND_CODES)
    bad = codes.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise BadColumn(column, row, f"unknown kind {series.iloc[row]!r}; expected one of {KINDS}")
    return codes.to_numpy(dtype=np.int8)


def parse_weights(values: Any, column: str) -> np.ndarray:
    series = pd.Series(values, copy=False)
    try:
        w = series.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        w = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise BadColumn(column, row, f"weights must be finite and >= 0; got {series.iloc[row]!r}")
    return w.astype(np.float32)


def tighten_ids(values: np.ndarray) -> np.ndarray:
    """Give an object array of ids a compact dtype when all are ints or all str."""
    if values.dtype != object or len(values) == 0:
        return values
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        return values.astype(np.int64)
    if all(isinstance(v, str) for v in values):
        return values.astype(str)
    return values


def none_where_missing(values: np.ndarray) -> np.ndarray:
    """Ids as objects, None where missing (NaN would pass for an id)."""
    out = np.asarray(values, dtype=object).copy()
    out[pd.isna(out)] = None
    return out


# ---------------------------------------------------------------------- column choice
def pick_columns(
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
    return pick_columns(time, "time", {"events": list(columns)})["events"]
