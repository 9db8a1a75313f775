"""The one result type every detector returns."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from .errors import InvalidParameterError

__all__ = ["SuspiciousGroup", "DetectionResult"]


def _readonly(values: Any, dtype: Any) -> np.ndarray:
    arr = np.array(values, dtype=dtype, copy=True).ravel()
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False)
class SuspiciousGroup:
    """A group of users (and the targets they hit together) that looks coordinated.

    Parameters
    ----------
    users, targets : array of int
        Internal user and target indices of the graph the detector ran on.
    score : float
        The detector's group score; higher is more suspicious.
    stats : mapping
        Evidence such as ``density``, ``time_span``, ``synchrony``.
    """

    users: np.ndarray
    targets: np.ndarray
    score: float
    stats: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "users", _readonly(self.users, np.int64))
        object.__setattr__(self, "targets", _readonly(self.targets, np.int64))
        object.__setattr__(self, "score", float(self.score))
        object.__setattr__(self, "stats", MappingProxyType(dict(self.stats)))

    @property
    def n_users(self) -> int:
        """Number of users in the group."""
        return len(self.users)

    @property
    def n_targets(self) -> int:
        """Number of targets in the group."""
        return len(self.targets)

    def _repr_html_(self) -> str:
        stats = "".join(
            f"<tr><td>{html.escape(str(k))}</td><td>{_fmt(v)}</td></tr>"
            for k, v in self.stats.items()
        )
        return (
            f"<div><b>Suspicious group</b>: {self.n_users} users &times; {self.n_targets} "
            f"targets, score {self.score:.4g}<table>{stats}</table></div>"
        )


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


@dataclass(frozen=True, eq=False)
class DetectionResult:
    """What a detector found on one graph.

    Parameters
    ----------
    method : str
        Registered name of the detector.
    user_scores : ndarray of float, shape (n_users,)
        Suspiciousness of every user in the graph, isolated ones included;
        higher = more suspicious.
    groups : tuple of SuspiciousGroup
        Suspicious groups, sorted by decreasing score.
    user_ids, target_ids : ndarray
        External ids of the graph's users and targets (to label results).
    params : mapping
        Parameters used, including the seed actually used under ``"rng"``.
    meta : mapping
        Runtime, iterations, versions.
    evidence : mapping
        Data behind the detector's classic figures (spectral coordinates, ...).

    Examples
    --------
    >>> import numpy as np
    >>> r = DetectionResult("demo", np.array([0.1, 0.9, 0.5]),
    ...     (SuspiciousGroup([1], [0], score=2.0),),
    ...     user_ids=np.array(["a", "b", "c"]), target_ids=np.array(["x"]))
    >>> r.flagged().tolist(), r.flagged(top_k=2).tolist(), r.flagged(threshold=0.4).tolist()
    ([1], [1, 2], [1, 2])
    >>> r.to_frame().loc["b", "score"]
    np.float64(0.9)
    """

    method: str
    user_scores: np.ndarray
    groups: tuple[SuspiciousGroup, ...]
    user_ids: np.ndarray
    target_ids: np.ndarray
    params: Mapping[str, Any] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        scores = _readonly(self.user_scores, np.float64)
        if len(scores) != len(self.user_ids):
            raise InvalidParameterError(
                f"`user_scores` must score every user ({len(self.user_ids)}); got {len(scores)}"
            )
        if not np.isfinite(scores).all():
            raise InvalidParameterError("`user_scores` must be finite")
        groups = tuple(sorted(self.groups, key=lambda g: -g.score))
        object.__setattr__(self, "user_scores", scores)
        object.__setattr__(self, "groups", groups)
        for name in ("params", "meta", "evidence"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    @property
    def n_users(self) -> int:
        """Number of users scored."""
        return len(self.user_scores)

    def flagged(self, *, top_k: int | None = None, threshold: float | None = None) -> np.ndarray:
        """Internal indices of flagged users, most suspicious first.

        With no argument: every member of a suspicious group (the detector's
        own decision). ``top_k``: the k highest scores. ``threshold``: every
        user scoring at least ``threshold``.
        """
        if top_k is not None and threshold is not None:
            raise InvalidParameterError("pass at most one of `top_k` and `threshold`")
        order = np.argsort(-self.user_scores, kind="stable")
        if top_k is not None:
            if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 0:
                raise InvalidParameterError(f"`top_k` must be a non-negative int; got {top_k!r}")
            return order[:top_k]
        if threshold is not None:
            return order[self.user_scores[order] >= threshold]
        members = np.zeros(self.n_users, dtype=bool)
        for group in self.groups:
            members[group.users] = True
        return order[members[order]]

    def group_of_user(self) -> np.ndarray:
        """For each user, the index of the first (best) group containing it, or -1."""
        which = np.full(self.n_users, -1, dtype=np.int64)
        for i, group in reversed(list(enumerate(self.groups))):
            which[group.users] = i
        return which

    def to_frame(self) -> Any:
        """Per-user table indexed by external user id: score, rank, flagged, group."""
        import pandas as pd

        order = np.argsort(-self.user_scores, kind="stable")
        rank = np.empty(self.n_users, dtype=np.int64)
        rank[order] = np.arange(1, self.n_users + 1)
        flagged = np.zeros(self.n_users, dtype=bool)
        flagged[self.flagged()] = True
        frame = pd.DataFrame(
            {
                "score": self.user_scores,
                "rank": rank,
                "flagged": flagged,
                "group": self.group_of_user(),
            },
            index=pd.Index(self.user_ids, name="user"),
        )
        return frame

    def groups_frame(self) -> Any:
        """One row per group: size, score and stats."""
        import pandas as pd

        rows = [
            {
                "group": i,
                "n_users": g.n_users,
                "n_targets": g.n_targets,
                "score": g.score,
                **dict(g.stats),
            }
            for i, g in enumerate(self.groups)
        ]
        return (
            pd.DataFrame(rows).set_index("group")
            if rows
            else pd.DataFrame(columns=["n_users", "n_targets", "score"])
        )

    def __repr__(self) -> str:
        return (
            f"DetectionResult(method={self.method!r}, n_users={self.n_users}, "
            f"n_groups={len(self.groups)}, n_flagged={len(self.flagged())})"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{i}</td><td>{g.n_users}</td><td>{g.n_targets}</td><td>{g.score:.4g}</td>"
            f"<td>{html.escape(', '.join(map(str, self.user_ids[g.users[:5]].tolist())))}"
            f"{'…' if g.n_users > 5 else ''}</td></tr>"
            for i, g in enumerate(self.groups[:10])
        )
        seed = self.params.get("rng", "—")
        runtime = self.meta.get("runtime_s")
        took = f", {runtime:.2f} s" if isinstance(runtime, float) else ""
        return (
            f"<div><b>{html.escape(self.method)}</b>: {self.n_users} users scored, "
            f"{len(self.groups)} groups, {len(self.flagged())} flagged (seed {seed}{took})"
            "<table><tr><th>#</th><th>users</th><th>targets</th><th>score</th>"
            f"<th>members</th></tr>{rows}</table>"
            f"{'<i>first 10 groups shown</i>' if len(self.groups) > 10 else ''}</div>"
        )
