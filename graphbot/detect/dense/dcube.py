"""Dense blocks in the user x target x time tensor: M-Zoom and D-Cube (Shin et al.).

Events become a 3-way tensor whose entry ``(u, t, b)`` is the number of events of
user ``u`` on target ``t`` in time bin ``b``. A block is a subset of users, of
targets and of bins; its *mass* ``M_B`` is the sum of its entries. Lockstep
farms (many bots, few targets, a short window) are blocks of unusual density:

* arithmetic: ``M_B / mean(|B_n|)``,
* geometric: ``M_B / (prod |B_n|) ** (1/3)``,
* suspiciousness: the log-likelihood of ``B``'s mass under a uniform Poisson
  model of the whole tensor ``R``: ``M_B (log(M_B / M_R) - 1) + M_R p - M_B log p``,
  ``p = prod |B_n| / |R_n|`` (Jiang et al.'s CrossSpot measure).

``method="mzoom"`` peels one attribute value at a time: in every mode the value
of least mass is the best candidate there, and the one whose removal leaves the
densest block goes (min-trees over flat arrays). ``method="dcube"`` peels in
bulk: it picks a mode (largest, or the one whose bulk removal leaves the densest
block), then drops every value of that mode with mass at most the mode's average,
lightest first. Both keep the densest block seen; for several blocks the found
block's entries are removed from the tensor and the search repeats.

References
----------
.. [1] K. Shin, B. Hooi, C. Faloutsos. "M-Zoom: Fast Dense-Block Detection in
   Tensors with Quality Guarantees." ECML PKDD 2016.
.. [2] K. Shin, B. Hooi, J. Kim, C. Faloutsos. "D-Cube: Dense-Block Detection
   in Terabyte-Scale Tensors." WSDM 2017.
.. [3] M. Jiang, A. Beutel, P. Cui, B. Hooi, S. Yang, C. Faloutsos. "A General
   Suspiciousness Metric for Dense Blocks in Multimodal Data." ICDM 2015.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit

from ..._checks import check_choice, check_int, check_number
from ..._rng import RNGLike, resolve_rng
from ...graph import InteractionGraph
from ...result import DetectionResult, SuspiciousGroup
from .._groups import block_stats
from .._registry import check_graph, make_result, register_detector
from ._peeling import (
    _tree_argmin,
    _tree_build,
    _tree_decrease,
    _tree_fix_up,
    lift_block_members,
    removal_order_scores,
)

__all__ = ["dcube", "event_tensor", "block_density"]

DENSITIES = ("arithmetic", "geometric", "suspiciousness")
METHODS = ("dcube", "mzoom")
POLICIES = ("cardinality", "density")


@njit(cache=True)
def _density(kind, mass, sizes, mass_r, sizes_r):  # pragma: no cover - numba
    n = len(sizes)
    if kind == 0:
        return mass * n / sizes.sum()
    if kind == 1:
        return mass / np.prod(sizes) ** (1.0 / n)
    p = 1.0
    for k in range(n):
        p *= sizes[k] / sizes_r[k]
    if mass <= 0.0:
        return mass_r * p
    return mass * (np.log(mass / mass_r) - 1.0) + mass_r * p - mass * np.log(p)


def block_density(
    density: str, mass: float, sizes: np.ndarray, mass_r: float, sizes_r: np.ndarray
) -> float:
    """Density of a block of ``mass`` and mode ``sizes`` inside a tensor (``mass_r``, ``sizes_r``).

    Examples
    --------
    >>> block_density("arithmetic", 12.0, np.array([2.0, 2.0, 2.0]), 20.0, np.array([5.0] * 3))
    6.0
    """
    kind = DENSITIES.index(density)
    return float(
        _density(kind, float(mass), np.asarray(sizes, np.float64), float(mass_r),
                 np.asarray(sizes_r, np.float64))
    )  # fmt: skip


@njit(cache=True)
def _value_index(coords, mass, dims):  # pragma: no cover - numba
    """Per mode: value -> entry ids (CSR), and the mass of every value."""
    n_modes, n_entries = coords.shape
    ptrs = np.zeros((n_modes, dims.max() + 1), dtype=np.int64)
    ents = np.empty((n_modes, n_entries), dtype=np.int32)
    vmass = np.zeros((n_modes, dims.max()))
    for m in range(n_modes):
        for e in range(n_entries):
            ptrs[m, coords[m, e] + 1] += 1
            vmass[m, coords[m, e]] += mass[e]
        for v in range(dims[m]):
            ptrs[m, v + 1] += ptrs[m, v]
        fill = ptrs[m, : dims[m]].copy()
        for e in range(n_entries):
            v = coords[m, e]
            ents[m, fill[v]] = e
            fill[v] += 1
    return ptrs, ents, vmass


@njit(cache=True)
def _remove_value(m, v, coords, mass, ptrs, ents, vmass, alive, trees, sizes_tree, use_trees):
    """Drop value ``v`` of mode ``m``: kill its live entries, update other values' mass."""
    removed = 0.0
    n_modes = coords.shape[0]
    for k in range(ptrs[m, v], ptrs[m, v + 1]):
        e = ents[m, k]
        if not alive[e]:
            continue
        alive[e] = False
        removed += mass[e]
        for o in range(n_modes):
            if o == m:
                continue
            w = coords[o, e]
            vmass[o, w] -= mass[e]
            if use_trees:
                size = sizes_tree[o]
                _tree_decrease(trees[o], size + w, vmass[o, w])
    vmass[m, v] = 0.0
    if use_trees:
        size = sizes_tree[m]
        trees[m][size + v] = np.inf
        _tree_fix_up(trees[m], size + v)
    return removed


@njit(cache=True)
def _peel_start(mass, dims, kind):  # pragma: no cover - numba
    """State both peels start from: live and full mode sizes, total mass, room for the
    removal order and density curve (one step per value), and the full tensor's density."""
    sizes = dims.astype(np.float64)
    sizes_r = sizes.copy()
    total = mass.sum()
    n_steps = dims.sum()
    order = np.empty((n_steps, 2), dtype=np.int64)
    curve = np.empty(n_steps)
    return sizes, sizes_r, total, order, curve, _density(kind, total, sizes, total, sizes_r)


@njit(cache=True)
def _record_step(order, curve, k, mode, value, density, best, best_k):  # pragma: no cover
    """Log removal ``k`` (value ``value`` of ``mode``, leaving ``density``); keep the best
    prefix (strictly denser wins, so ties keep the shorter removal prefix)."""
    order[k, 0], order[k, 1] = mode, value
    curve[k] = density
    if density > best:
        return k + 1, density, k + 1
    return k + 1, best, best_k


@njit(cache=True)
def _mzoom(coords, mass, dims, kind):  # pragma: no cover - numba
    """M-Zoom greedy: returns removal (mode, value) order, density curve, best prefix."""
    n_modes = coords.shape[0]
    ptrs, ents, vmass = _value_index(coords, mass, dims)
    alive = np.ones(len(mass), dtype=np.bool_)
    trees = []
    sizes_tree = np.empty(n_modes, dtype=np.int64)
    for m in range(n_modes):
        tree, size = _tree_build(vmass[m, : dims[m]].copy())
        trees.append(tree)
        sizes_tree[m] = size
    sizes, sizes_r, total, order, curve, best = _peel_start(mass, dims, kind)
    current, best_k, k = total, 0, 0
    while True:
        pick, pick_v, pick_d = -1, -1, -np.inf
        for m in range(n_modes):
            if sizes[m] <= 1:
                continue
            v = _tree_argmin(trees[m], sizes_tree[m])
            sizes[m] -= 1
            d = _density(kind, current - vmass[m, v], sizes, total, sizes_r)
            sizes[m] += 1
            if d > pick_d:
                pick, pick_v, pick_d = m, v, d
        if pick < 0:
            break
        current -= _remove_value(pick, pick_v, coords, mass, ptrs, ents, vmass, alive,
                                 trees, sizes_tree, True)  # fmt: skip
        sizes[pick] -= 1
        density = _density(kind, current, sizes, total, sizes_r)
        k, best, best_k = _record_step(order, curve, k, pick, pick_v, density, best, best_k)
    return order[:k], curve[:k], best_k, best


@njit(cache=True)
def _candidates(m, dims, vmass, removed, current, sizes):  # pragma: no cover - numba
    """Live values of mode ``m`` with mass at most the mode's average, lightest first."""
    threshold = current / sizes[m]
    picked = np.empty(dims[m], dtype=np.int64)
    n = 0
    for v in range(dims[m]):
        if not removed[m, v] and vmass[m, v] <= threshold:
            picked[n] = v
            n += 1
    picked = picked[:n]
    return picked[np.argsort(vmass[m, picked], kind="mergesort")]


@njit(cache=True)
def _dcube(coords, mass, dims, kind, by_density):  # pragma: no cover - numba
    """D-Cube bulk peeling; same outputs as :func:`_mzoom`."""
    n_modes = coords.shape[0]
    ptrs, ents, vmass = _value_index(coords, mass, dims)
    alive = np.ones(len(mass), dtype=np.bool_)
    removed = np.zeros((n_modes, dims.max()), dtype=np.bool_)
    trees = [np.empty(0) for _ in range(n_modes)]
    no_sizes = np.zeros(n_modes, dtype=np.int64)
    sizes, sizes_r, total, order, curve, best = _peel_start(mass, dims, kind)
    current, best_k, k = total, 0, 0
    while True:
        pick, pick_score = -1, -np.inf
        for m in range(n_modes):
            if sizes[m] <= 1:
                continue
            if by_density:
                cand = _candidates(m, dims, vmass, removed, current, sizes)
                n_drop = min(len(cand), int(sizes[m]) - 1)
                left = current - vmass[m, cand[:n_drop]].sum()
                sizes[m] -= n_drop
                score = _density(kind, left, sizes, total, sizes_r)
                sizes[m] += n_drop
            else:
                score = sizes[m]
            if score > pick_score:
                pick, pick_score = m, score
        if pick < 0:
            break
        for v in _candidates(pick, dims, vmass, removed, current, sizes):
            if sizes[pick] <= 1:
                break
            current -= _remove_value(pick, v, coords, mass, ptrs, ents, vmass, alive,
                                     trees, no_sizes, False)  # fmt: skip
            removed[pick, v] = True
            sizes[pick] -= 1
            density = _density(kind, current, sizes, total, sizes_r)
            k, best, best_k = _record_step(order, curve, k, pick, v, density, best, best_k)
    return order[:k], curve[:k], best_k, best


def event_tensor(
    graph: InteractionGraph, bin_seconds: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The user x target x time-bin count tensor as ``(coords (3, n), mass, dims)``.

    Examples
    --------
    >>> g = InteractionGraph.from_events([0, 0, 1], [0, 0, 0], times=[0, 10, 7200])
    >>> coords, mass, dims = event_tensor(g, 3600)
    >>> coords.tolist(), mass.tolist(), dims.tolist()
    ([[0, 1], [0, 0], [0, 2]], [2.0, 1.0], [2, 1, 3])
    """
    times = graph.require_times("dcube")
    if graph.n_events == 0:
        return (
            np.zeros((3, 0), np.int64),
            np.zeros(0),
            np.array([graph.n_users, graph.n_targets, 1]),
        )
    bins = np.floor_divide(times - times.min(), bin_seconds).astype(np.int64)
    n_bins = int(bins.max()) + 1
    order = np.lexsort((bins, graph.targets, graph.users))  # sort-based grouping of triples
    u, t, b = graph.users[order], graph.targets[order], bins[order]
    new = np.ones(len(u), dtype=bool)
    new[1:] = (u[1:] != u[:-1]) | (t[1:] != t[:-1]) | (b[1:] != b[:-1])
    starts = np.flatnonzero(new)
    mass = np.diff(np.append(starts, len(u))).astype(np.float64)
    coords = np.vstack((u[starts], t[starts], b[starts])).astype(np.int64)
    return coords, mass, np.array([graph.n_users, graph.n_targets, n_bins], dtype=np.int64)


def _find_blocks(coords, mass, dims, kind, method, by_density, n_blocks, progress):
    from tqdm.auto import tqdm

    found = []
    for _ in tqdm(range(n_blocks), desc="dense blocks", disable=not progress):
        if len(mass) == 0:
            break
        if method == "mzoom":
            order, curve, best_k, best = _mzoom(coords, mass, dims, kind)
        else:
            order, curve, best_k, best = _dcube(coords, mass, dims, kind, by_density)
        keep = [np.ones(d, dtype=bool) for d in dims]
        for m, v in order[:best_k]:
            keep[m][v] = False
        inside = keep[0][coords[0]] & keep[1][coords[1]] & keep[2][coords[2]]
        found.append((keep, float(best), float(mass[inside].sum()), order, curve))
        coords, mass = coords[:, ~inside], mass[~inside]
    return found


@register_detector(
    "dcube",
    family="dense-block",
    class_name="DCube",
    needs_times=True,
    demo_params={"n_blocks": 2, "bin_seconds": 3600, "density": "arithmetic"},
)
def dcube(
    graph: InteractionGraph,
    *,
    n_blocks: int = 1,
    density: str = "arithmetic",
    method: str = "dcube",
    policy: str = "cardinality",
    bin_seconds: float = 3600,
    progress: bool = False,
    rng: RNGLike = None,
) -> DetectionResult:
    """M-Zoom / D-Cube: dense blocks of the user x target x time-bin tensor.

    Parameters
    ----------
    graph : InteractionGraph
        Must have timestamps.
    n_blocks : int
        Number of blocks; each block's entries are removed before the next search.
    density : {"arithmetic", "geometric", "suspiciousness"}
        Density measure maximised.
    method : {"dcube", "mzoom"}
        Bulk peeling (D-Cube, fewer passes) or one value at a time (M-Zoom).
    policy : {"cardinality", "density"}
        D-Cube's choice of mode to peel: the largest, or the one whose bulk
        removal leaves the densest block.
    bin_seconds : float
        Width of the time bins in seconds.
    progress : bool
        Show a progress bar over blocks.
    rng : None, int or Generator
        Unused (deterministic); recorded for the common interface.

    Returns
    -------
    DetectionResult
        ``groups``: blocks (users, targets) with ``score`` = the density measure
        and stats ``mass``, ``time_bins`` (first, last bin start in seconds).
        ``user_scores``: members of block ``k`` (of ``K``) score
        ``1 + (K - k) / K``; other users ``(p + 1) / (n_users + 1)``, ``p`` their
        position among users in the first peel's removal order (later = more
        suspicious). ``evidence``: ``peeling_curve`` of the first search.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> users = ["b1", "b2", "b3"] * 3 + ["x", "y", "z"]
    >>> targets = ["p"] * 3 + ["q"] * 3 + ["r"] * 3 + ["p", "s", "t"]
    >>> times = [0, 5, 9, 20, 22, 30, 40, 41, 50, 90000, 180000, 250000]
    >>> r = dcube(InteractionGraph.from_events(users, targets, times=times))
    >>> sorted(r.user_ids[r.flagged()].tolist())
    ['b1', 'b2', 'b3']

    References
    ----------
    .. [1] K. Shin, B. Hooi, C. Faloutsos. "M-Zoom: Fast Dense-Block Detection in
       Tensors with Quality Guarantees." ECML PKDD 2016.
    .. [2] K. Shin, B. Hooi, J. Kim, C. Faloutsos. "D-Cube: Dense-Block Detection
       in Terabyte-Scale Tensors." WSDM 2017.
    """
    started = time.perf_counter()
    check_graph(graph, "dcube", needs_times=True)
    n_blocks = check_int("n_blocks", n_blocks, low=1)
    check_choice("density", density, DENSITIES)
    check_choice("method", method, METHODS)
    check_choice("policy", policy, POLICIES)
    bin_seconds = check_number("bin_seconds", bin_seconds, low=0.0, low_inclusive=False,
                               what="a positive number of seconds")  # fmt: skip
    _, seed = resolve_rng(rng)
    coords, mass, dims = event_tensor(graph, bin_seconds)
    found = _find_blocks(coords, mass, dims, DENSITIES.index(density), method,
                         policy == "density", n_blocks, progress)  # fmt: skip
    scores, groups, evidence = _result_parts(graph, found, bin_seconds)
    params = {"n_blocks": n_blocks, "density": density, "method": method, "policy": policy,
              "bin_seconds": bin_seconds, "rng": seed}  # fmt: skip
    return make_result("dcube", graph, scores, groups, params=params, started=started,
                       meta={"n_blocks_found": len(groups)}, evidence=evidence)  # fmt: skip


def _result_parts(graph, found, bin_seconds):
    n_users = graph.n_users
    scores = np.full(n_users, 0.5)
    evidence = {}
    if found:
        order, curve = found[0][3], found[0][4]
        scores = removal_order_scores(order[order[:, 0] == 0, 1], n_users)
        evidence = {"peeling_curve": curve}
    kept = [f for f in found if f[2] > 0]
    t0 = float(graph.times.min()) if graph.n_events else 0.0
    groups = []
    members = [[np.flatnonzero(x) for x in keep] for keep, *_ in kept]
    lift_block_members(scores, [users for users, _, _ in members])
    for k, ((users, targets, bins), (_, best, block_mass, _, _)) in enumerate(zip(members, kept)):
        stats = block_stats(graph, users, targets)
        stats.update(
            {
                "block": k,
                "mass": block_mass,
                "n_time_bins": len(bins),
                "time_bins": (t0 + bins[0] * bin_seconds, t0 + bins[-1] * bin_seconds),
            }
        )
        groups.append(SuspiciousGroup(users, targets, best, stats))
    return scores, groups, evidence


DCube = dcube.estimator  # type: ignore[attr-defined]
