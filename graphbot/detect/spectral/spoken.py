"""SpokEn / EigenSpokes: dense blocks show up as spokes of the singular vectors.

A near-clique of users acting on the same targets makes a singular vector of
the biadjacency concentrate on exactly those users (and targets). Plotted
against each other, singular vectors then show "spokes" along the axes: the
users of a block have large loadings on one vector and near zero on the others
(Prakash et al., 2010). LockInfer (Jiang et al., 2014) reads the same plots as
rays and pearls and uses the spoke members as seeds, then grows them by
lockstep propagation: a user joins if it acts on at least ``rho`` of the
group's targets, a target joins if at least ``rho`` of the group's users act
on it.

Decision rule used here: a singular vector's spoke (see
:func:`graphbot.detect.spectral._svd.spoke_members`) is kept as a group when its
user x target block has at least ``min_users`` users, ``min_targets`` targets,
density at least ``min_density`` and at least ``min_lift`` times the edges a
degree-preserving random graph would put there given the members' activity
outside the block (popular posts liked by active users make dense-looking
spokes with small lift; near-cliques and farms have lift >> 1).
Lockstep propagation then grows each kept spoke. Several vectors pointing at
one block give one group.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from ..._checks import check_fraction, check_int, check_number
from ..._rng import RNGLike, resolve_rng
from ...graph import InteractionGraph
from ...result import DetectionResult, SuspiciousGroup
from .._groups import block_stats
from .._registry import check_graph, make_result, register_detector
from ._svd import members_first, spoke_members, truncated_svd

__all__ = ["spoken"]


@register_detector(
    "spoken", family="spectral", class_name="SpokEn", demo_params={"k": 10, "rng": 0}
)
def spoken(
    graph: InteractionGraph,
    *,
    k: int = 10,
    mass: float = 0.9,
    min_users: int = 5,
    min_targets: int = 3,
    min_density: float = 0.1,
    min_lift: float = 10.0,
    rho: float | None = 0.3,
    rng: RNGLike = None,
) -> DetectionResult:
    """SpokEn / EigenSpokes with LockInfer's lockstep propagation.

    Parameters
    ----------
    graph : InteractionGraph
    k : int
        Number of singular vectors computed (sparse ARPACK SVD, never dense).
    mass : float
        Share of a singular vector's squared positive mass that defines its spoke.
    min_users, min_targets : int
        Smallest spoke block kept as a group.
    min_density : float
        Smallest density (share of user-target pairs with an event) of a kept
        spoke block: EigenSpokes' spokes are near-cliques.
    min_lift : float
        Smallest ratio of the block's edges to the number a degree-preserving
        random graph would put there given the members' activity *outside*
        the block (``(D_U - e) (D_T - e) / n_edges``, at least 1). Popular
        targets liked by active users make "dense" spokes too; their lift
        stays small (< ~6 in our worlds), a farm's or a clique's is far larger.
    rho : float or None
        LockInfer's lockstep propagation threshold (share of the group's
        targets a user must hit to join, and vice versa); spoke members are
        always kept. None disables it.
    rng : None, int or Generator
        Seeds ARPACK's start vector.

    Returns
    -------
    DetectionResult
        ``user_scores``: the largest spoke loading of the user (scaled by
        ``sqrt(n_users)``, so 1 = an even share) times the density of that
        spoke's block. ``evidence``: ``user_vectors`` (n_users x k spectral
        coordinates for the EE-plots), ``target_vectors``, ``singular_values``,
        ``spokes`` (per vector: size, density, kept).

    References
    ----------
    .. [1] B. A. Prakash, A. Sridharan, M. Seshadri, S. Machiraju, C. Faloutsos.
       "EigenSpokes: Surprising Patterns and Scalable Community Chipping in
       Large Graphs." PAKDD 2010.
    .. [2] M. Jiang, P. Cui, A. Beutel, C. Faloutsos, S. Yang. "Inferring
       Strange Behavior from Connectivity Pattern in Social Networks." PAKDD 2014.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> u, t = rng.integers(0, 300, 1200), rng.integers(0, 300, 1200)
    >>> bu, bt = np.repeat(np.arange(300, 315), 8), np.tile(np.arange(300, 308), 15)
    >>> g = InteractionGraph.from_events(np.r_[u, bu], np.r_[t, bt])
    >>> r = spoken(g, k=1, rng=0)
    >>> sorted(r.user_ids[r.flagged()].tolist()) == list(range(300, 315))
    True
    """
    started = time.perf_counter()
    check_graph(graph, "spoken")
    k = check_int("k", k, low=1)
    mass = check_fraction("mass", mass)
    min_users = check_int("min_users", min_users, low=1)
    min_targets = check_int("min_targets", min_targets, low=1)
    min_density = check_fraction("min_density", min_density, allow_zero=True)
    min_lift = check_number("min_lift", min_lift, low=0.0, what="a non-negative number")
    if rho is not None:
        rho = check_fraction("rho", rho)
    generator, seed = resolve_rng(rng)

    matrix = graph.biadjacency(binary=True)
    user_deg = graph.user_degrees().astype(np.float64)
    target_deg = graph.target_degrees().astype(np.float64)
    u, s, vt = truncated_svd(matrix, k, generator)
    scale = np.sqrt(max(graph.n_users, 1))
    scores = np.zeros(graph.n_users)
    spokes, groups = [], []
    for i in range(len(s)):
        users = np.sort(spoke_members(u[:, i], mass=mass))
        targets = np.sort(spoke_members(vt[i], mass=mass))
        density, lift = _density_lift(matrix, users, targets, user_deg, target_deg)
        kept = (
            len(users) >= min_users
            and len(targets) >= min_targets
            and density >= min_density
            and lift >= min_lift
        )
        spokes.append(
            {
                "component": i,
                "n_users": len(users),
                "n_targets": len(targets),
                "density": density,
                "lift": lift,
                "kept": bool(kept),
            }
        )
        scores = np.maximum(scores, np.clip(u[:, i], 0, None) * scale * density)
        if not kept:
            continue
        seeds = len(users)
        if rho is not None:
            users, targets = _lockstep_propagate(matrix, users, targets, rho)
        stats = block_stats(graph, users, targets)
        stats.update(
            {"component": i, "singular_value": float(s[i]), "n_seed_users": seeds, "lift": lift}
        )
        groups.append(SuspiciousGroup(users, targets, float(s[i] * stats["density"]), stats))
    groups = _drop_duplicates(groups)
    scores = members_first(scores, [g.users for g in groups])
    params = {
        "k": k,
        "mass": mass,
        "min_users": min_users,
        "min_targets": min_targets,
        "min_density": min_density,
        "min_lift": min_lift,
        "rho": rho,
        "rng": seed,
    }
    evidence = {
        "user_vectors": u.astype(np.float32),
        "target_vectors": vt.T.astype(np.float32),
        "singular_values": s,
        "spokes": spokes,
    }
    return make_result(
        "spoken",
        graph,
        scores,
        groups,
        params=params,
        started=started,
        meta={"n_components": len(s)},
        evidence=evidence,
    )


def _density_lift(
    matrix: sp.csr_matrix,
    users: np.ndarray,
    targets: np.ndarray,
    user_deg: np.ndarray,
    target_deg: np.ndarray,
) -> tuple[float, float]:
    """Block density and its lift over a degree-preserving null model."""
    if len(users) == 0 or len(targets) == 0:
        return 0.0, 0.0
    edges = matrix[users][:, targets].nnz
    # degrees outside the block, so a farm that is a large part of a small graph
    # does not inflate its own null expectation
    outside_u = user_deg[users].sum() - edges
    outside_t = target_deg[targets].sum() - edges
    expected = max(outside_u * outside_t / max(matrix.nnz, 1), 1.0)
    return float(edges / (len(users) * len(targets))), float(edges / expected)


def _lockstep_propagate(
    matrix: sp.csr_matrix, users: np.ndarray, targets: np.ndarray, rho: float, max_rounds: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """LockInfer's propagation: alternately add users and targets in lockstep with the group."""
    seed_users = users
    for _ in range(max_rounds):
        in_t = np.zeros(matrix.shape[1])
        in_t[targets] = 1.0
        hits = matrix @ in_t  # per user: how many of the group's targets it acts on
        hits[seed_users] = np.inf  # spoke members stay in
        new_users = np.flatnonzero(hits >= rho * len(targets))
        in_u = np.zeros(matrix.shape[0])
        in_u[new_users] = 1.0
        hits_t = matrix.T @ in_u  # per target: how many group users act on it
        new_targets = np.flatnonzero(hits_t >= rho * len(new_users))
        if np.array_equal(new_users, users) and np.array_equal(new_targets, targets):
            break
        if len(new_users) == 0 or len(new_targets) == 0:
            break
        users, targets = new_users, new_targets
    return users, targets


def _drop_duplicates(groups: list[SuspiciousGroup]) -> list[SuspiciousGroup]:
    """Several singular vectors can point at one block: keep the best-scoring copy."""
    kept: list[SuspiciousGroup] = []
    for group in sorted(groups, key=lambda g: -g.score):
        members = set(group.users.tolist())
        if any(len(members & set(k.users.tolist())) > 0.5 * len(members) for k in kept):
            continue
        kept.append(group)
    return kept


SpokEn = spoken.estimator  # type: ignore[attr-defined]
