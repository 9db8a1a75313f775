"""The facts of a case file: who is in a group, what they hit and whose it is, when, how young.

Everything here is plain numbers and strings (JSON-ready), computed from the
graph and the detector's result; figures are made separately in
:mod:`graphbot.report.figures`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..graph import KINDS, InteractionGraph
from ..result import DetectionResult, SuspiciousGroup

__all__ = ["group_case_file", "result_summary", "graph_summary", "jsonable"]

#: Half-width (seconds) of the window around a target's median group time counted as "in sync".
SYNC_WINDOW = 3600.0
#: Width (days) of the sliding window used to find a creation-date burst.
BURST_DAYS = 7.0
#: Owners listed per group (the owners whose targets the group hit most).
TOP_OWNERS = 5


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars/arrays and mappings turned into JSON types."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def iso(seconds: float | None) -> str | None:
    """ISO-8601 UTC text for Unix seconds (None when unknown)."""
    if seconds is None or not np.isfinite(seconds):
        return None
    return dt.datetime.fromtimestamp(float(seconds), tz=dt.timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S"
    )


def graph_summary(graph: InteractionGraph) -> dict[str, Any]:
    """Size, kinds and time range of the graph."""
    present = np.unique(graph.kinds).tolist() if graph.n_events else []
    out: dict[str, Any] = {
        "n_users": graph.n_users,
        "n_targets": graph.n_targets,
        "n_events": graph.n_events,
        "kinds": [KINDS[c] for c in present],
        "has_times": graph.has_times,
    }
    if graph.times is not None and graph.n_events:
        out["first_event"] = iso(graph.times.min())
        out["last_event"] = iso(graph.times.max())
    return out


def result_summary(result: DetectionResult, truth: Any = None, graph: Any = None) -> dict:
    """Method, parameters, counts and (with truth) detection scores of one result."""
    out = {
        "method": result.method,
        "params": jsonable(dict(result.params)),
        "meta": jsonable(dict(result.meta)),
        "n_users": result.n_users,
        "n_groups": len(result.groups),
        "n_flagged": len(result.flagged()),
        "evidence_keys": sorted(result.evidence),
    }
    if truth is not None and graph is not None:
        from ..evaluate.metrics import detection_scores

        out["metrics"] = jsonable(detection_scores(result, truth, graph))
    return out


def group_case_file(
    graph: InteractionGraph,
    result: DetectionResult,
    index: int,
    *,
    truth: Any = None,
    max_members: int | None = None,
    max_targets: int = 25,
) -> dict[str, Any]:
    """Everything an analyst needs to judge one suspicious group, as a JSON-ready dict.

    Parameters
    ----------
    graph : InteractionGraph
    result : DetectionResult
    index : int
        Position of the group in ``result.groups``.
    truth : GroundTruth or bool mask over users, optional
    max_members : int, optional
        Cap on the members listed (all by default).
    max_targets : int
        Cap on the shared targets listed.

    Returns
    -------
    dict
        ``detector``, ``rank``, ``score``, ``stats``, ``members``, ``shared_targets``,
        ``owners`` (with target owners), ``timing`` (with times), ``creation`` (with
        account creation dates), ``target_creation`` (with target creation dates),
        ``truth`` (with truth).

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> from graphbot.detect import degree_baseline
    >>> g = InteractionGraph.from_events(["a", "b", "b"], ["x", "x", "y"], times=[0, 30, 60])
    >>> case = group_case_file(g, degree_baseline(g, contamination=0.5, rng=0), 0)
    >>> [m["id"] for m in case["members"]], case["shared_targets"][0]["id"]
    (['b'], 'x')
    """
    grp = result.groups[index]
    block = graph.csr[grp.users][:, grp.targets]
    bots = _bot_mask(graph, truth) if truth is not None else None
    case: dict[str, Any] = {
        "detector": result.method,
        "rank": index + 1,
        "score": float(grp.score),
        "n_users": grp.n_users,
        "n_targets": grp.n_targets,
        "stats": jsonable(dict(grp.stats)),
        "members": _members(graph, result, grp, block, bots)[:max_members],
        "shared_targets": _shared_targets(graph, grp, block, max_targets),
    }
    if graph.target_owners is not None and len(grp.targets):
        case["owners"] = _owners(graph, grp, block)
    if graph.times is not None:
        case["timing"] = _timing(graph, grp)
    if _any_known(graph.user_created):
        case["creation"] = _creation(graph, grp)
    if _any_known(graph.target_created) and len(grp.targets):
        case["target_creation"] = _date_summary(graph.target_created[grp.targets])
    if bots is not None:
        case["truth"] = _truth(graph, grp, truth, bots)
    return case


def _members(
    graph: InteractionGraph,
    result: DetectionResult,
    grp: SuspiciousGroup,
    block: Any,
    bots: np.ndarray | None,
) -> list[dict[str, Any]]:
    in_group = np.diff(block.indptr)
    degree = graph.user_degrees()[grp.users]
    created = graph.user_created[grp.users] if graph.user_created is not None else None
    bots = bots[grp.users] if bots is not None else None
    order = np.lexsort((-result.user_scores[grp.users], -in_group))
    rows = []
    for i in order:
        row = {
            "id": jsonable(graph.user_ids[grp.users[i]]),
            "score": float(result.user_scores[grp.users[i]]),
            "group_targets_hit": int(in_group[i]),
            "degree": int(degree[i]),
        }
        if created is not None:
            row["created"] = iso(created[i])
        if bots is not None:
            row["true_bot"] = bool(bots[i])
        rows.append(row)
    return rows


def _shared_targets(
    graph: InteractionGraph, grp: SuspiciousGroup, block: Any, k: int
) -> list[dict]:
    if not len(grp.targets):
        return []
    hits = np.asarray((block > 0).sum(axis=0)).ravel()
    audience = graph.target_degrees()[grp.targets]
    order = np.argsort(-hits, kind="stable")[:k]
    rows = []
    for i in order:
        t = grp.targets[i]
        row = {
            "id": jsonable(graph.target_ids[t]),
            "owner": None if graph.target_owners is None else jsonable(graph.target_owners[t]),
            "members_hitting": int(hits[i]),
            "share_of_group": float(hits[i] / max(grp.n_users, 1)),
            "audience": int(audience[i]),
            "group_share_of_audience": float(hits[i] / max(audience[i], 1)),
        }
        if graph.target_created is not None:
            row["created"] = iso(graph.target_created[t])
        rows.append(row)
    return rows


def _owners(graph: InteractionGraph, grp: SuspiciousGroup, block: Any) -> dict[str, Any]:
    """Whose targets the group hit: how many owners, and the owners holding most of them."""
    codes, owners = pd.factorize(pd.Series(graph.target_owners[grp.targets], dtype=object))
    known = np.flatnonzero(codes >= 0)  # -1: owner unknown
    owned = np.bincount(codes[known], minlength=len(owners))
    # members x owners: how many of an owner's group targets each member hit
    by_owner = sp.csr_matrix(
        (np.ones(len(known)), (known, codes[known])), shape=(grp.n_targets, len(owners))
    )
    members = np.asarray(((block > 0) @ by_owner > 0).sum(axis=0)).ravel()
    order = np.lexsort((-members, -owned))[:TOP_OWNERS]
    return {
        "n_owners": int(len(owners)),
        "n_targets_owner_unknown": int(grp.n_targets - len(known)),
        "top": [
            {
                "owner": jsonable(owners[i]),
                "group_targets": int(owned[i]),
                "share_of_group_targets": float(owned[i] / grp.n_targets),
                "members_hitting": int(members[i]),
            }
            for i in order
        ],
    }


def _group_events(graph: InteractionGraph, grp: SuspiciousGroup) -> np.ndarray:
    in_u = np.zeros(graph.n_users, dtype=bool)
    in_u[grp.users] = True
    in_t = np.zeros(graph.n_targets, dtype=bool)
    in_t[grp.targets] = True
    return in_u[graph.users] & in_t[graph.targets]


def _timing(graph: InteractionGraph, grp: SuspiciousGroup) -> dict[str, Any]:
    """When the group acted, and how tightly its actions cluster per target."""
    mask = _group_events(graph, grp)
    times = graph.times[mask]
    if len(times) == 0:
        return {"n_events": 0}
    targets = graph.targets[mask]
    order = np.lexsort((times, targets))
    targets, times_sorted = targets[order], times[order]
    bounds = np.flatnonzero(np.diff(targets)) + 1
    chunks = np.split(times_sorted, bounds)
    spreads = np.array([c.max() - c.min() for c in chunks], dtype=float)
    in_sync = sum(int((np.abs(c - np.median(c)) <= SYNC_WINDOW).sum()) for c in chunks)
    hours = ((times % 86400) // 3600).astype(np.int64)
    return {
        "n_events": int(len(times)),
        "first_event": iso(times.min()),
        "last_event": iso(times.max()),
        "time_span_hours": float((times.max() - times.min()) / 3600.0),
        "median_target_spread_hours": float(np.median(spreads) / 3600.0),
        "synchrony": float(in_sync / len(times)),
        "synchrony_window_hours": SYNC_WINDOW / 3600.0,
        "events_by_hour_utc": np.bincount(hours, minlength=24).tolist(),
    }


def _any_known(times: np.ndarray | None) -> bool:
    return times is not None and bool(np.isfinite(times).any())


def _date_summary(times: np.ndarray) -> dict[str, Any]:
    """How many creation times are known, and their oldest, median, newest and span."""
    known = times[np.isfinite(times)]
    out: dict[str, Any] = {"n_known": int(len(known))}
    if len(known):
        out.update(
            {
                "oldest": iso(known.min()),
                "median": iso(np.median(known)),
                "newest": iso(known.max()),
                "span_days": float((known.max() - known.min()) / 86400.0),
            }
        )
    return out


def _creation(graph: InteractionGraph, grp: SuspiciousGroup) -> dict[str, Any]:
    """Member creation dates, and their densest ``BURST_DAYS`` window against everyone."""
    created = graph.user_created[grp.users]
    out = {**_date_summary(created), "window_days": BURST_DAYS}
    created = np.sort(created[np.isfinite(created)])
    if len(created) == 0:
        return out
    width = BURST_DAYS * 86400.0
    ends = np.searchsorted(created, created + width, side="right")
    best = int(np.argmax(ends - np.arange(len(created))))
    count = int(ends[best] - best)
    start = float(created[best])
    everyone = graph.user_created[~np.isnan(graph.user_created)]
    background = float(((everyone >= start) & (everyone <= start + width)).mean())
    share = count / len(created)
    out.update(
        {
            "burst_start": iso(start),
            "burst_count": count,
            "burst_share_of_group": float(share),
            "burst_share_of_everyone": background,
            "burst_lift": float(share / background) if background > 0 else None,
        }
    )
    return out


def _bot_mask(graph: InteractionGraph, truth: Any) -> np.ndarray:
    from ..plot._style import truth_mask

    return truth_mask(truth, graph.user_ids)


def _truth(
    graph: InteractionGraph, grp: SuspiciousGroup, truth: Any, bots: np.ndarray
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "true_bots": int(bots[grp.users].sum()),
        "precision": float(bots[grp.users].mean()) if grp.n_users else 0.0,
    }
    if hasattr(truth, "farms"):
        out["farms"] = {
            f.farm_id: int(m[grp.users].sum())
            for f, m in zip(truth.farms, truth.farm_masks(graph), strict=True)
        }
    return out
