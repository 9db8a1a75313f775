"""The optional targets and users tables, validated and joined to the events' ids.

Beside the events come two optional tables, one row per id: a *targets table*
(owner account, creation time, other columns such as the target's kind) and a
*users table* (account creation time, profile columns). This module validates
them (key column, one row per non-null id, creation times, owners), joins their
ids to the events' ids exactly (ids found only in a table become isolated
users/targets; ids a table lacks get unknown values, with a warning) and turns
them into the graph's per-user and per-target attributes, merging the owners
the events name with those of the targets table. It uses the primitives of
:mod:`graphbot._parsing` and is used by the builders of :mod:`graphbot._columns`,
which call it once the events' ids are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._parsing import (
    BadColumn,
    ColumnChoice,
    non_null_ids,
    none_where_missing,
    parse_seconds,
    pick_columns,
    plain_value,
    tighten_ids,
    warn_input,
)
from .errors import InputTypeError, InvalidParameterError


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
        raise BadColumn(
            None, None, f"no key column {key!r} (name it with `{noun}_key=`); the columns are "
            f"{list(table.columns)}", source,
        )  # fmt: skip
    if table.empty:
        raise BadColumn(None, None, "the table has no rows", source)
    ids = non_null_ids(table[key], key, source)
    repeated = ids.duplicated().to_numpy()
    if repeated.any():
        row = int(np.flatnonzero(repeated)[0])
        raise BadColumn(key, row, f"{noun} {plain_value(ids.iloc[row])!r} has more than one row",
                         source)  # fmt: skip
    values = [c for c in (created, owner) if c is not None]
    extras = {str(c): table[c].to_numpy(copy=True) for c in table.columns
              if c not in (key, *values)}  # fmt: skip
    return _Table(
        noun=noun,
        key=key,
        ids=ids,
        created=None if created is None else parse_seconds(table[created], created, source,
                                                       allow_missing=True),
        owners=None if owner is None else none_where_missing(table[owner].to_numpy()),
        owner_column=owner,
        extras=extras,
        value_columns=(*values, *extras),
    )  # fmt: skip


def parse_tables(
    target_table: Any, user_table: Any, *, target_key: str, user_key: str,
    owner: ColumnChoice, created: ColumnChoice,
) -> tuple[_Table | None, _Table | None]:  # fmt: skip
    targets, users = _as_table(target_table, "target"), _as_table(user_table, "user")
    with_targets = {} if targets is None else {"targets table": targets.columns}
    with_users = {} if users is None else {"users table": users.columns}
    created_in = pick_columns(created, "created", {**with_targets, **with_users})
    owner_in = pick_columns(owner, "owner", with_targets)
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
        raise BadColumn(
            table.key, None,
            f"no id matches a {table.noun} of the events; the table's ids are "
            f"{_id_type(table.ids)} and the events' are {_id_type(ids[with_events])} "
            "(ids must be equal values of the same type)", table.source,
        )  # fmt: skip
    uncovered = np.ones(len(ids), dtype=bool)
    uncovered[rows] = False
    if uncovered.any() and table.value_columns:
        examples = ", ".join(repr(v) for v in ids[uncovered][:3].tolist())
        warn_input(
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


def user_attributes(
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


def target_attributes(
    table: _Table | None, ids: np.ndarray, codes: np.ndarray, event_owners: np.ndarray | None
) -> dict[str, Any]:
    owners, created, columns = event_owners, None, {}
    if table is not None:
        rows, created, columns = _table_values(table, ids, codes)
        if table.owners is not None:
            from_table = none_where_missing(_spread(table.owners, rows, len(ids)))
            owners = _merged_owners(event_owners, from_table, ids, rows, table)
    return {
        "target_owners": None if owners is None else tighten_ids(owners),
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
        raise BadColumn(
            table.owner_column, int(np.flatnonzero(rows == t)[0]),
            f"target {plain_value(ids[t])!r} is owned by {plain_value(from_table[t])!r} here "
            f"but by {plain_value(from_events[t])!r} in the events", table.source,
        )  # fmt: skip
    return np.where(pd.isna(from_table), from_events, from_table)


def owners_per_target(
    target_codes: np.ndarray, owners: Any, target_ids: np.ndarray
) -> np.ndarray:
    """The owner the events name for each target (None where none does); one per target."""
    frame = pd.DataFrame({"t": target_codes, "o": pd.Series(owners, copy=False).to_numpy()})
    per_target = frame.dropna().drop_duplicates()  # an empty owner cell: unknown
    clash = per_target["t"].duplicated()
    if clash.any():
        t = target_ids[int(per_target.loc[clash.to_numpy(), "t"].iloc[0])]
        raise BadColumn("owner", None, f"target {plain_value(t)!r} has more than one owner")
    result = np.full(len(target_ids), None, dtype=object)
    result[per_target["t"].to_numpy()] = per_target["o"].to_numpy()
    return result
