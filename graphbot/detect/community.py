"""Co-action communities: clusters of the who-acts-together graph, scored against chance.

Users are linked by the number of targets they both acted on (within ``window``
seconds of each other when the graph has times), pairs sharing fewer than
``min_shared`` targets are dropped while projecting, and the resulting graph is
partitioned with Leiden (or Louvain / label propagation). Every community of at
least ``min_size`` users is scored by :func:`graphbot.community.suspiciousness`
from its exclusivity, density, target overlap, time synchrony, account-creation
burst and excess over a shuffled-timestamp null graph; communities scoring at
least ``threshold`` are the detector's groups. A user's score is its
community's score scaled by how much of its own co-action stays inside the
community, so members loosely attached to a farm rank below its core.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._checks import check_choice, check_fraction, check_int, check_number
from .._rng import RNGLike, resolve_rng
from ..community.cluster import BACKENDS, METHODS, cluster_users
from ..community.evidence import (
    community_evidence,
    events_by_user,
    shuffle_times_within_users,
    suspiciousness,
)
from ..community.projection import coaction_graph
from ..graph import InteractionGraph
from ..result import DetectionResult, SuspiciousGroup
from ._groups import block_stats
from ._registry import check_graph, make_result, register_detector
from ._significance import significant_groups

__all__ = ["coaction_community"]


@register_detector(
    "coaction_community",
    family="community",
    class_name="CoactionCommunity",
    needs_times=False,
    demo_params={"min_size": 5},
    tested=True,
)
def coaction_community(
    graph: InteractionGraph,
    *,
    method: str = "leiden",
    window: float | None = 6 * 3600.0,
    min_shared: int = 2,
    max_target_degree: int | None = None,
    by_owner: bool = False,
    resolution: float = 1.0,
    min_size: int = 5,
    threshold: float = 0.35,
    creation_window: float = 86_400.0,
    null_model: bool = True,
    backend: str = "auto",
    fdr: float = 0.05,
    progress: bool = False,
    rng: RNGLike = None,
) -> DetectionResult:
    """Find communities of the co-action graph and flag those that look coordinated.

    Parameters
    ----------
    graph : InteractionGraph
    method : {"leiden", "louvain", "label_propagation"}
        Community algorithm (see :func:`graphbot.community.cluster_users`).
    window : float or None
        Seconds: co-actions count only within this window, when the graph has
        timestamps (ignored otherwise). ``None`` ignores time.
    min_shared : int
        Minimum number of shared targets for two users to be linked.
    max_target_degree : int, optional
        Skip targets with more distinct users than this while projecting
        (bounds the cost of viral targets; see
        :func:`graphbot.community.coaction_graph`).
    by_owner : bool
        Link users by the distinct *owners* of the targets they share (when the
        graph knows them): fans liking every post of one account share one
        owner, which ``min_shared`` then asks for more of; a farm serves many.
        Off by default: fan clubs are already left out by the decision
        (audiences), and on the three-farm test world owner links let six
        organic users into the farms' communities (precision 0.969; 1.000 off).
    resolution : float
        Modularity resolution of Leiden / Louvain.
    min_size : int
        Communities smaller than this are not scored (their users score 0).
    threshold : float in (0, 1]
        Communities whose suspiciousness reaches it become groups.
    creation_window : float
        Seconds; width of the account-creation burst window.
    null_model : bool
        Build the shuffled-timestamp null graph (doubles the projection cost)
        for the ``synchrony`` and ``chance_excess`` evidence; needs times.
    backend : {"auto", "igraph", "networkx"}
    fdr : float
        False discovery rate of the decision when the graph has times:
        communities above ``threshold`` are flagged when their synchrony beats
        their targets' own timing and they are no audience
        (:mod:`graphbot.detect._significance`), Benjamini-Hochberg over them.
        Without times the threshold decides alone.
    progress : bool
        Show the projection's progress bar.
    rng : None, int or Generator
        Seeds the clustering and the null model.

    Returns
    -------
    DetectionResult
        ``groups`` are the suspicious communities, their ``stats`` hold the
        evidence; ``evidence["labels"]`` is the community of every user (-1 for
        none) and ``evidence["communities"]`` the evidence of every scored one.

    References
    ----------
    .. [1] Traag, Waltman, van Eck, "From Louvain to Leiden: guaranteeing
       well-connected communities", Scientific Reports 9 (2019).
    .. [2] Pacheco et al., "Uncovering Coordinated Networks on Social Media:
       Methods and Case Studies", ICWSM 2021.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> users = [f"bot{i}" for i in range(6) for _ in range(4)] + ["ann", "bob", "cat"]
    >>> targets = [f"t{j}" for _ in range(6) for j in range(4)] + ["t0", "x", "y"]
    >>> g = InteractionGraph.from_events(users, targets)
    >>> r = coaction_community(g, min_size=3, backend="networkx", method="louvain", rng=0)
    >>> sorted(r.user_ids[r.flagged()].tolist())
    ['bot0', 'bot1', 'bot2', 'bot3', 'bot4', 'bot5']
    """
    started = time.perf_counter()
    check_graph(graph, "coaction_community")
    check_choice("method", method, METHODS)
    check_choice("backend", backend, BACKENDS)
    if window is not None:
        window = check_number(
            "window", window, low=0.0, low_inclusive=False, what="a positive number of seconds"
        )
    min_shared = check_int("min_shared", min_shared, low=1)
    min_size = check_int("min_size", min_size, low=2)
    threshold = check_fraction("threshold", threshold)
    fdr = check_fraction("fdr", fdr)
    creation_window = check_number(
        "creation_window", creation_window, low=0.0, low_inclusive=False,
        what="a positive number of seconds",
    )  # fmt: skip
    generator, seed = resolve_rng(rng)
    used_window = window if graph.has_times else None

    project = dict(window=used_window, min_shared=min_shared, max_target_degree=max_target_degree,
                   by_owner=bool(by_owner))  # fmt: skip
    adjacency = coaction_graph(graph, progress=progress, **project).astype(np.float64)
    labels = cluster_users(
        adjacency, method=method, resolution=resolution, backend=backend, rng=generator
    )
    null_adj, null_times = None, None
    if null_model and used_window is not None:
        null_graph = shuffle_times_within_users(graph, generator)
        null_adj = coaction_graph(null_graph, progress=progress, **project)
        null_times = null_graph.times
    table = _score_communities(
        graph, adjacency, labels, min_size, used_window, null_adj, null_times,
        creation_window, generator,
    )  # fmt: skip
    scores, candidates = _scores_and_groups(graph, adjacency, labels, table, threshold)
    _, groups, tested = significant_groups(graph, candidates, fdr=fdr, rng=generator)
    params = {
        "method": method, "window": window, "min_shared": min_shared,
        "max_target_degree": max_target_degree, "by_owner": bool(by_owner),
        "resolution": resolution,
        "min_size": min_size, "threshold": threshold, "creation_window": creation_window,
        "null_model": null_model, "backend": backend, "fdr": fdr, "rng": seed,
    }  # fmt: skip
    meta = {"window_used": used_window, "n_communities": int(labels.max() + 1),
            "n_scored": len(table), "projection_nnz": int(adjacency.nnz)}  # fmt: skip
    evidence = {"labels": labels, "communities": table, "tested_groups": tested}
    return make_result(
        "coaction_community", graph, scores, groups,
        params=params, started=started, meta=meta, evidence=evidence,
    )  # fmt: skip


def _score_communities(
    graph: InteractionGraph,
    adjacency: sp.csr_matrix,
    labels: np.ndarray,
    min_size: int,
    window: float | None,
    null_adj: sp.csr_matrix | None,
    null_times: np.ndarray | None,
    creation_window: float,
    generator: np.random.Generator,
) -> list[dict[str, Any]]:
    """Evidence and suspiciousness of every community of at least ``min_size`` users."""
    sizes = np.bincount(labels[labels >= 0]) if (labels >= 0).any() else np.array([], np.int64)
    index = events_by_user(graph) if window is not None else None
    order = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[order], np.arange(len(sizes) + 1))
    table = []
    for label in np.flatnonzero(sizes >= min_size):
        members = order[starts[label] : starts[label + 1]]
        ev = community_evidence(
            graph, adjacency, members, window=window, null_adjacency=null_adj,
            null_times=null_times, creation_window=creation_window, generator=generator,
            event_index=index,
        )  # fmt: skip
        ev["label"] = int(label)
        ev["score"] = suspiciousness(ev)
        table.append(ev)
    return table


def _scores_and_groups(
    graph: InteractionGraph,
    adjacency: sp.csr_matrix,
    labels: np.ndarray,
    table: list[dict[str, Any]],
    threshold: float,
) -> tuple[np.ndarray, list[SuspiciousGroup]]:
    community_score = np.zeros(int(labels.max()) + 2)  # last slot: label -1
    for ev in table:
        community_score[ev["label"]] = ev["score"]
    user_community = community_score[labels]
    # Share of each user's co-action weight inside its own community.
    coo = adjacency.tocoo()
    same = labels[coo.row] == labels[coo.col]
    inside = np.bincount(coo.row[same], weights=coo.data[same], minlength=graph.n_users)
    total = np.asarray(adjacency.sum(axis=1)).ravel()
    attached = np.divide(inside, total, out=np.zeros(graph.n_users), where=total > 0)
    scores = user_community * (0.5 + 0.5 * attached)
    groups = []
    csr = graph.csr
    for ev in table:
        if ev["score"] < threshold:
            continue
        members = np.flatnonzero(labels == ev["label"])
        counts = np.bincount(csr[members].indices, minlength=graph.n_targets)
        # The group's targets: those a real share of the members acted on.
        targets = np.flatnonzero(counts >= max(2, int(np.ceil(0.1 * len(members)))))
        stats = {**block_stats(graph, members, targets), **_plain(ev)}
        groups.append(SuspiciousGroup(members, targets, ev["score"], stats))
    return scores, groups


def _plain(ev: dict[str, Any]) -> dict[str, Any]:
    skip = {"n_users", "label", "score"}
    return {k: v for k, v in ev.items() if k not in skip}


CoactionCommunity = coaction_community.estimator  # type: ignore[attr-defined]
