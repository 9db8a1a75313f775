"""The interaction graph every graphbot algorithm runs on.

Rows are *actors* (users who follow, like, comment); columns are *targets*
(accounts followed, posts liked). The orientation is always explicit, never
guessed from the shape of a matrix.

Every event is kept as flat columnar arrays (int32 user and target indices,
int64 seconds, int8 kind codes), so temporal algorithms see each action; static
algorithms use the aggregated biadjacency (:attr:`InteractionGraph.csr`), built
lazily and cached. Memory is about 17 bytes per event plus 8 bytes per distinct
user-target pair for each of the CSR and CSC views.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import scipy.sparse as sp

from ._kinds import KINDS, kind_code
from .errors import InputTypeError, InvalidInputError, InvalidParameterError

__all__ = ["KINDS", "InteractionGraph", "check_graph", "kind_code"]


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array


def _per_node(values: Any, size: int, name: str, dtype: Any = None) -> np.ndarray | None:
    """``values`` as a read-only array with one entry per user or per target (None stays None)."""
    if values is None:
        return None
    array = _frozen(np.asarray(values, dtype=dtype))
    if array.shape != (size,):
        raise InvalidInputError(f"`{name}` must have one entry per {name.split('_')[0]} ({size})")
    return array


def _column_mapping(columns: Mapping[str, Any] | None, size: int, name: str) -> Mapping:
    """A read-only mapping of read-only per-node columns."""
    frozen = {}
    for key, values in (columns or {}).items():
        if not isinstance(key, str):
            raise InputTypeError(f"`{name}` keys must be column names (str); got {key!r}")
        frozen[key] = _per_node(values, size, f"{name}[{key!r}]")
    return MappingProxyType(frozen)


class InteractionGraph:
    """Timestamped bipartite interactions: users (rows) acting on targets (columns).

    Build one with :meth:`from_events`, :meth:`from_frame`, :meth:`from_csv`,
    :meth:`from_parquet`, :meth:`from_networkx` or :meth:`from_igraph`. The
    arrays are read-only: operations return new graphs and never change the
    caller's data.

    Attributes
    ----------
    users, targets : ndarray of int32, shape (n_events,)
        Internal user and target index of every event.
    times : ndarray of int64 or None
        Event time in seconds (Unix time for real data), or None if unknown.
    kinds : ndarray of int8
        Event kind codes, see :data:`KINDS`.
    weights : ndarray of float32 or None
        Optional non-negative event weight (a rating, say).
    user_ids, target_ids : ndarray
        External ids; ``user_ids[i]`` is the id of internal user ``i``.
    target_owners : ndarray or None
        External id of the account owning each target (posts belong to accounts),
        None where unknown.
    target_created : ndarray of float64 or None
        Creation time (seconds) per target, NaN when unknown.
    user_created : ndarray of float64 or None
        Account creation time (seconds) per user, NaN when unknown.
    user_columns, target_columns : Mapping of str to ndarray
        Other columns of the users / targets tables (profile columns such as
        ``followers``, a target's ``kind``), one entry per user / target in
        internal order; empty when no table was given.

    Examples
    --------
    >>> g = InteractionGraph.from_events(["ann", "bob", "bob"], ["p1", "p1", "p2"],
    ...                                  times=[0, 60, 120], kinds="like")
    >>> g
    InteractionGraph(n_users=2, n_targets=2, n_events=3, times=True, kinds=['like'])
    >>> g.user_degrees().tolist()
    [1, 2]
    """

    __slots__ = (
        "users", "targets", "times", "kinds", "weights", "user_ids", "target_ids",
        "target_owners", "target_created", "user_created", "user_columns", "target_columns",
        "_cache",
    )  # fmt: skip

    def __init__(
        self,
        users: np.ndarray,
        targets: np.ndarray,
        *,
        user_ids: np.ndarray,
        target_ids: np.ndarray,
        times: np.ndarray | None = None,
        kinds: np.ndarray | None = None,
        weights: np.ndarray | None = None,
        target_owners: np.ndarray | None = None,
        target_created: np.ndarray | None = None,
        user_created: np.ndarray | None = None,
        user_columns: Mapping[str, np.ndarray] | None = None,
        target_columns: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        n = len(users)
        if len(targets) != n:
            raise InvalidInputError("`users` and `targets` must have the same length")
        self.users = _frozen(np.asarray(users, dtype=np.int32))
        self.targets = _frozen(np.asarray(targets, dtype=np.int32))
        self.user_ids = _frozen(np.asarray(user_ids))
        self.target_ids = _frozen(np.asarray(target_ids))
        if n and (self.users.min() < 0 or self.users.max() >= len(self.user_ids)):
            raise InvalidInputError("user index out of range of `user_ids`")
        if n and (self.targets.min() < 0 or self.targets.max() >= len(self.target_ids)):
            raise InvalidInputError("target index out of range of `target_ids`")
        self.times = None if times is None else _frozen(np.asarray(times, dtype=np.int64))
        if kinds is None:
            kinds = np.zeros(n, dtype=np.int8)
        self.kinds = _frozen(np.asarray(kinds, dtype=np.int8))
        self.weights = None if weights is None else _frozen(np.asarray(weights, np.float32))
        for name, col in (("times", self.times), ("kinds", self.kinds), ("weights", self.weights)):
            if col is not None and len(col) != n:
                raise InvalidInputError(f"`{name}` must have one entry per event ({n})")
        n_users, n_targets = len(self.user_ids), len(self.target_ids)
        self.target_owners = _per_node(target_owners, n_targets, "target_owners")
        self.target_created = _per_node(target_created, n_targets, "target_created", np.float64)
        self.user_created = _per_node(user_created, n_users, "user_created", np.float64)
        self.user_columns = _column_mapping(user_columns, n_users, "user_columns")
        self.target_columns = _column_mapping(target_columns, n_targets, "target_columns")
        self._cache: dict[str, Any] = {}

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_events(cls, users: Any, targets: Any, **kwargs: Any) -> InteractionGraph:
        """Build from parallel sequences of external ids; see :func:`graphbot.io.from_events`."""
        from . import _columns  # pandas loads when data is read

        return cls(**_columns.event_columns(users, targets, **kwargs))

    @classmethod
    def from_frame(cls, frame: Any, **kwargs: Any) -> InteractionGraph:
        """Build from a pandas DataFrame; see :func:`graphbot.io.from_frame`."""
        from . import _columns  # pandas loads when data is read

        return cls(**_columns.frame_columns(frame, **kwargs))

    @classmethod
    def from_csv(cls, path: Any, **kwargs: Any) -> InteractionGraph:
        """Read a CSV file of events; see :func:`graphbot.io.read_events`."""
        from . import _columns  # pandas loads when data is read

        return cls(**_columns.file_columns(path, format="csv", **kwargs))

    @classmethod
    def from_parquet(cls, path: Any, **kwargs: Any) -> InteractionGraph:
        """Read a Parquet file of events; see :func:`graphbot.io.read_events`."""
        from . import _columns  # pandas loads when data is read

        return cls(**_columns.file_columns(path, format="parquet", **kwargs))

    @classmethod
    def from_networkx(cls, graph: Any, **kwargs: Any) -> InteractionGraph:
        """Convert a networkx graph; see :func:`graphbot.io.from_networkx`."""
        from . import _columns  # pandas loads when data is read

        return cls(**_columns.networkx_columns(graph, **kwargs))

    @classmethod
    def from_igraph(cls, graph: Any, **kwargs: Any) -> InteractionGraph:
        """Convert an igraph graph; see :func:`graphbot.io.from_igraph`."""
        from . import _columns  # pandas loads when data is read

        return cls(**_columns.igraph_columns(graph, **kwargs))

    def to_networkx(self, **kwargs: Any) -> Any:
        """Export to networkx; see :func:`graphbot.io.to_networkx`."""
        from . import _export

        return _export.to_networkx(self, **kwargs)

    def to_igraph(self, **kwargs: Any) -> Any:
        """Export to igraph; see :func:`graphbot.io.to_igraph`."""
        from . import _export

        return _export.to_igraph(self, **kwargs)

    def to_frame(self) -> Any:
        """All events as a pandas DataFrame with external ids; see :func:`graphbot.io.to_frame`."""
        from . import _export

        return _export.to_frame(self)

    # ------------------------------------------------------------------ sizes
    @property
    def n_users(self) -> int:
        """Number of users (rows), isolated ones included."""
        return len(self.user_ids)

    @property
    def n_targets(self) -> int:
        """Number of targets (columns)."""
        return len(self.target_ids)

    @property
    def n_events(self) -> int:
        """Number of events (every action, repeats included)."""
        return len(self.users)

    @property
    def has_times(self) -> bool:
        """Whether events carry timestamps."""
        return self.times is not None

    def __len__(self) -> int:
        return self.n_events

    def __repr__(self) -> str:
        present = sorted(set(np.unique(self.kinds).tolist())) if self.n_events else []
        names = [KINDS[c] for c in present]
        return (
            f"InteractionGraph(n_users={self.n_users}, n_targets={self.n_targets}, "
            f"n_events={self.n_events}, times={self.has_times}, kinds={names})"
        )

    def nbytes(self, *, include_views: bool = True) -> int:
        """Bytes held by the event arrays (and the cached sparse views)."""
        arrays = [self.users, self.targets, self.times, self.kinds, self.weights]
        total = sum(a.nbytes for a in arrays if a is not None)
        if include_views:
            for key in ("csr", "csc"):
                m = self._cache.get(key)
                if m is not None:
                    total += m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
        return total

    def require_times(self, who: str) -> np.ndarray:
        """Return ``times`` or raise a clear error naming the algorithm ``who``."""
        if self.times is None:
            raise InvalidInputError(f"{who} needs event timestamps, but this graph has none")
        return self.times

    # ------------------------------------------------------------------ views
    @property
    def csr(self) -> sp.csr_matrix:
        """Aggregated users x targets biadjacency in CSR: entry = number of events."""
        if "csr" not in self._cache:
            counts = sp.csr_matrix(
                (np.ones(self.n_events, dtype=np.int32), (self.users, self.targets)),
                shape=(self.n_users, self.n_targets),
                dtype=np.int32,
            )
            counts.sum_duplicates()
            counts.sort_indices()
            self._cache["csr"] = counts
        return self._cache["csr"]

    @property
    def csc(self) -> sp.csc_matrix:
        """The same aggregated biadjacency in CSC (fast per-target access)."""
        if "csc" not in self._cache:
            self._cache["csc"] = self.csr.tocsc()
        return self._cache["csc"]

    def biadjacency(self, *, binary: bool = True, dtype: Any = np.float64) -> sp.csr_matrix:
        """Users x targets matrix: 0/1 (``binary``) or event counts.

        Examples
        --------
        >>> g = InteractionGraph.from_events([0, 0, 1], [5, 5, 6])
        >>> g.biadjacency(binary=False).toarray().tolist()
        [[2.0, 0.0], [0.0, 1.0]]
        """
        m = self.csr.astype(dtype)
        if binary:
            m.data[:] = 1
        return m

    def user_degrees(self, *, unique: bool = True) -> np.ndarray:
        """Per-user number of distinct targets (``unique``) or of events."""
        if unique:
            return np.diff(self.csr.indptr).astype(np.int64)
        return np.bincount(self.users, minlength=self.n_users).astype(np.int64)

    def owner_codes(self) -> tuple[np.ndarray, int]:
        """Integer owner of every target, and the number of owners (cached).

        Targets of the same owner account share a code; a target of unknown
        owner is its own owner (a code of its own).

        Examples
        --------
        >>> g = InteractionGraph.from_events(["u", "u", "v"], ["p1", "p2", "p3"],
        ...                                  owners=["ann", "ann", "bob"])
        >>> codes, n = g.owner_codes()
        >>> codes.tolist(), n
        ([0, 0, 1], 2)
        """
        cached = self._cache.get("owner_codes")
        if cached is None:
            cached = _owner_codes(self.target_owners, self.n_targets)
            self._cache["owner_codes"] = cached
        return cached

    def mutual_events(self) -> np.ndarray:
        """Events of a user on a target owned by another user who acts on the first one's targets.

        Follow-back circles and friends liking each other's posts: what lockstep
        detectors set aside (``ignore_mutual``), because friends are not farms.
        Needs the targets' owners (all False without them).

        Examples
        --------
        >>> g = InteractionGraph.from_events(["a", "b", "c"], ["acct:b", "acct:a", "acct:a"],
        ...                                  owners=["b", "a", "a"], kinds="follow")
        >>> g.mutual_events().tolist()
        [True, True, False]
        """
        mutual = np.zeros(self.n_events, dtype=bool)
        if self.target_owners is None:
            return mutual
        import pandas as pd

        owner_user = pd.Index(self.user_ids).get_indexer(pd.Index(self.target_owners))
        ev_owner = owner_user[self.targets].astype(np.int64)
        has = ev_owner >= 0
        n = np.int64(self.n_users)
        u = self.users.astype(np.int64)
        forward = np.unique(u[has] * n + ev_owner[has])
        backward = ev_owner[has] * n + u[has]
        pos = np.minimum(np.searchsorted(forward, backward), max(len(forward) - 1, 0))
        if len(forward):
            mutual[has] = (forward[pos] == backward) & (ev_owner[has] != u[has])
        return mutual

    def target_degrees(self, *, unique: bool = True) -> np.ndarray:
        """Per-target number of distinct users (``unique``) or of events."""
        if unique:
            return np.diff(self.csc.indptr).astype(np.int64)
        return np.bincount(self.targets, minlength=self.n_targets).astype(np.int64)

    # ------------------------------------------------------------------ lookups
    def user_index(self, ids: Any) -> np.ndarray:
        """Internal indices of external user ids (error naming any unknown id)."""
        return _lookup(self.user_ids, ids, "user")

    def target_index(self, ids: Any) -> np.ndarray:
        """Internal indices of external target ids."""
        return _lookup(self.target_ids, ids, "target")

    # ------------------------------------------------------------------ operations
    def select_events(self, mask: np.ndarray) -> InteractionGraph:
        """Keep the events where ``mask`` is true; users and targets stay as they are."""
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (self.n_events,):
            raise InvalidParameterError(
                f"`mask` must be a boolean array of length n_events={self.n_events}"
            )
        return self._replace_events(mask)

    def time_slice(self, start: float | None = None, end: float | None = None) -> InteractionGraph:
        """Events with ``start <= time < end``; users and targets keep their indices.

        Examples
        --------
        >>> g = InteractionGraph.from_events([0, 1, 1], [0, 0, 1], times=[10, 20, 30])
        >>> g.time_slice(15, 30).n_events
        1
        """
        times = self.require_times("time_slice")
        mask = np.ones(self.n_events, dtype=bool)
        if start is not None:
            mask &= times >= start
        if end is not None:
            mask &= times < end
        return self._replace_events(mask)

    def filter_kind(self, *kinds: str) -> InteractionGraph:
        """Events of the given kinds only (e.g. ``"follow"``, ``"like"``)."""
        if not kinds:
            raise InvalidParameterError("`filter_kind` needs at least one kind")
        codes = [kind_code(k) for k in kinds]
        return self._replace_events(np.isin(self.kinds, codes))

    def subgraph(
        self,
        users: Iterable[int] | np.ndarray | None = None,
        targets: Iterable[int] | np.ndarray | None = None,
    ) -> InteractionGraph:
        """Induced subgraph on internal user/target indices (or boolean masks).

        Users and targets are renumbered compactly; external ids come along.

        Examples
        --------
        >>> g = InteractionGraph.from_events(["a", "b", "c"], ["x", "y", "y"])
        >>> sub = g.subgraph(users=[1, 2])
        >>> sub.user_ids.tolist(), sub.target_ids.tolist()
        (['b', 'c'], ['x', 'y'])
        """
        keep_u = _as_mask(users, self.n_users, "users")
        keep_t = _as_mask(targets, self.n_targets, "targets")
        event_mask = keep_u[self.users] & keep_t[self.targets]
        new_u = np.cumsum(keep_u, dtype=np.int64) - 1
        new_t = np.cumsum(keep_t, dtype=np.int64) - 1
        users, targets = new_u[self.users[event_mask]], new_t[self.targets[event_mask]]
        return self._derive(users, targets, event_mask, keep_u, keep_t)

    def reordered(
        self, user_order: np.ndarray | None = None, target_order: np.ndarray | None = None
    ) -> InteractionGraph:
        """The same graph with users / targets renumbered: new user ``i`` is old ``user_order[i]``.

        Detectors break ties by internal index; shuffling the order keeps an id
        scheme (e.g. planted ``bot:...`` ids sorting first) from leaking answers.

        Examples
        --------
        >>> g = InteractionGraph.from_events(["a", "b"], ["x", "x"])
        >>> g.reordered(user_order=[1, 0]).user_ids.tolist()
        ['b', 'a']
        """
        u_order = np.arange(self.n_users) if user_order is None else np.asarray(user_order)
        t_order = np.arange(self.n_targets) if target_order is None else np.asarray(target_order)
        for name, order, size in (
            ("user_order", u_order, self.n_users),
            ("target_order", t_order, self.n_targets),
        ):
            if order.shape != (size,) or not np.array_equal(np.sort(order), np.arange(size)):
                raise InvalidParameterError(f"`{name}` must be a permutation of range({size})")
        u_pos = np.empty(self.n_users, dtype=np.int64)
        u_pos[u_order] = np.arange(self.n_users)
        t_pos = np.empty(self.n_targets, dtype=np.int64)
        t_pos[t_order] = np.arange(self.n_targets)
        return self._derive(u_pos[self.users], t_pos[self.targets], None, u_order, t_order)

    def _replace_events(self, mask: np.ndarray) -> InteractionGraph:
        return self._derive(self.users[mask], self.targets[mask], mask, None, None)

    def with_event_columns(self, **columns: np.ndarray | None) -> InteractionGraph:
        """The same events with ``times`` and/or ``weights`` replaced (None drops the column).

        Users and targets are unchanged, so the cached sparse views are shared.

        Examples
        --------
        >>> g = InteractionGraph.from_events([0, 1], [5, 5], times=[10, 20], weights=[1.0, 2.0])
        >>> h = g.with_event_columns(weights=None)
        >>> h.weights is None, h.times.tolist()
        (True, [10, 20])
        """
        unknown = sorted(set(columns) - {"times", "weights"})
        if unknown:
            raise InvalidParameterError(
                f"only `times` and `weights` can be replaced; got {', '.join(unknown)}"
            )
        columns = {"times": self.times, "weights": self.weights, **columns}
        out = InteractionGraph(
            self.users, self.targets, kinds=self.kinds, **columns, **self._node_columns(None, None)
        )
        for key in ("csr", "csc"):
            if key in self._cache:
                out._cache[key] = self._cache[key]
        return out

    def with_target_owners(self, owners: np.ndarray | None) -> InteractionGraph:
        """The same events with the targets' owners replaced (None entries: unknown).

        Examples
        --------
        >>> g = InteractionGraph.from_events(["a", "b"], ["p1", "p2"], owners=["x", "y"])
        >>> g.with_target_owners([None, "y"]).target_owners.tolist()
        [None, 'y']
        """
        if owners is not None and len(owners) != self.n_targets:
            raise InvalidInputError(
                f"`owners` must have one entry per target ({self.n_targets}); got {len(owners)}"
            )
        nodes = {**self._node_columns(None, None), "target_owners": owners}
        out = InteractionGraph(self.users, self.targets, times=self.times, kinds=self.kinds,
                               weights=self.weights, **nodes)  # fmt: skip
        for key in ("csr", "csc"):
            if key in self._cache:
                out._cache[key] = self._cache[key]
        return out

    def _derive(
        self,
        users: np.ndarray,
        targets: np.ndarray,
        events: np.ndarray | None,
        user_sel: np.ndarray | None,
        target_sel: np.ndarray | None,
    ) -> InteractionGraph:
        """A graph with new event endpoints; other columns follow the selections.

        ``events`` selects the per-event columns, ``user_sel`` / ``target_sel``
        the per-user / per-target ones (None keeps a column as it is).
        """

        return InteractionGraph(
            users,
            targets,
            times=_pick(self.times, events),
            kinds=_pick(self.kinds, events),
            weights=_pick(self.weights, events),
            **self._node_columns(user_sel, target_sel),
        )

    def _node_columns(
        self, user_sel: np.ndarray | None, target_sel: np.ndarray | None
    ) -> dict[str, Any]:
        """Every per-user and per-target constructor argument, selected (None keeps all)."""
        return {
            "user_ids": _pick(self.user_ids, user_sel),
            "user_created": _pick(self.user_created, user_sel),
            "user_columns": {k: _pick(v, user_sel) for k, v in self.user_columns.items()},
            "target_ids": _pick(self.target_ids, target_sel),
            "target_owners": _pick(self.target_owners, target_sel),
            "target_created": _pick(self.target_created, target_sel),
            "target_columns": {k: _pick(v, target_sel) for k, v in self.target_columns.items()},
        }


def _pick(column: np.ndarray | None, sel: np.ndarray | None) -> np.ndarray | None:
    return column if column is None or sel is None else column[sel]


def _as_mask(selection: Any, size: int, name: str) -> np.ndarray:
    if selection is None:
        return np.ones(size, dtype=bool)
    arr = np.asarray(selection)
    if arr.dtype == bool:
        if arr.shape != (size,):
            raise InvalidParameterError(f"boolean `{name}` mask must have length {size}")
        return arr
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise InputTypeError(f"`{name}` must be internal integer indices or a boolean mask")
    arr = arr.astype(np.int64).ravel()
    if arr.size and (arr.min() < 0 or arr.max() >= size):
        raise InvalidParameterError(f"`{name}` has indices outside [0, {size})")
    mask = np.zeros(size, dtype=bool)
    mask[arr] = True
    return mask


def _lookup(known: np.ndarray, ids: Any, what: str) -> np.ndarray:
    import pandas as pd

    ids_arr = np.asarray(ids if isinstance(ids, (Sequence, np.ndarray)) else [ids])
    index = pd.Index(known)
    pos = index.get_indexer(ids_arr)
    if (pos < 0).any():
        missing = ids_arr[pos < 0][:5].tolist()
        raise InvalidParameterError(f"unknown {what} id(s): {missing}")
    return pos.astype(np.int64)


def check_graph(graph: object, who: str, *, needs_times: bool = False) -> InteractionGraph:
    """Validate the graph argument of detector ``who``."""
    if not isinstance(graph, InteractionGraph):
        raise InputTypeError(
            f"{who} expects an InteractionGraph; got {type(graph).__name__} "
            "(build one with InteractionGraph.from_frame / from_events)"
        )
    if needs_times:
        graph.require_times(who)
    return graph


def _owner_codes(owners: np.ndarray | None, n_targets: int) -> tuple[np.ndarray, int]:
    import pandas as pd

    if owners is None:
        return np.arange(n_targets, dtype=np.int64), n_targets
    codes, uniques = pd.factorize(pd.Series(owners, dtype=object))
    codes = codes.astype(np.int64)
    missing = codes < 0  # unknown owner: the target is its own owner
    codes[missing] = len(uniques) + np.flatnonzero(missing)
    return codes, int(codes.max()) + 1 if len(codes) else 0
