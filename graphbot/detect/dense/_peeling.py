"""Exact greedy peeling of a weighted bipartite graph, shared by Fraudar and Charikar.

The graph is a binary users x targets biadjacency given as flat CSR arrays; the
weight of edge ``(i, j)`` is ``col_weight[j]`` (Fraudar's column weighting; all
ones for Charikar). Peeling repeatedly removes the node (user or target) whose
removal costs the least weight, i.e. whose current weighted degree (plus prior
suspiciousness) is smallest, and keeps the prefix of removals after which the
average ``g(S) = f(S) / |S|`` is highest.

Exact semantics (those of Hooi et al.'s reference code, ``rgmining-fraudar``):

* ties on the priority go to the *smallest index*, users before targets (the
  reference's ``rowDelt <= colDelt`` and leftmost-minimum tree);
* the best prefix is the *first* one reaching the maximum (strict ``>``), so the
  whole graph wins when nothing beats it;
* peeling stops as soon as all users or all targets are gone;
* the initial weighted degrees and total are summed in the same floating-point
  order as the reference (NumPy's pairwise summation over SciPy's storage order),
  so every comparison, and therefore the whole peeling order, is bit-identical.

The priority queue is a flat array min-tree over users then targets (leftmost
minimum = smallest index, users first). A degree only ever decreases during the
peel, so a decrease walks up only while it lowers an ancestor; a removal (value
set to infinity) recomputes its path. Everything runs in numba over flat arrays:
memory is ``4`` bytes per edge for the transposed adjacency plus ``O(n)``.

References
----------
.. [1] B. Hooi, H. A. Song, A. Beutel, N. Shah, K. Shin, C. Faloutsos. "FRAUDAR:
   Bounding Graph Fraud in the Face of Camouflage." KDD 2016.
.. [2] M. Charikar. "Greedy approximation algorithms for finding dense
   components in a graph." APPROX 2000.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numba import njit

from ...graph import InteractionGraph
from ...result import SuspiciousGroup
from .._groups import block_stats
from ._refine import refine_block

__all__ = [
    "PeelResult", "peel_bipartite", "transpose_csr", "drop_block_edges", "remove_blocks",
    "removal_order_scores", "lift_block_members", "peel_result_parts",
]  # fmt: skip

# NumPy's pairwise summation: below this many items it unrolls 8 partial sums.
_PW_BLOCKSIZE = 128


@njit(cache=True)
def _block_sum(w, idx, start, step, n):  # pragma: no cover - numba
    """NumPy's pairwise-sum leaf (``n <= 128``): 8 unrolled partial sums."""
    if n < 8:
        res = 0.0
        for t in range(n):
            res += w[idx[start + t * step]]
        return res
    r0 = w[idx[start]]
    r1 = w[idx[start + step]]
    r2 = w[idx[start + 2 * step]]
    r3 = w[idx[start + 3 * step]]
    r4 = w[idx[start + 4 * step]]
    r5 = w[idx[start + 5 * step]]
    r6 = w[idx[start + 6 * step]]
    r7 = w[idx[start + 7 * step]]
    t = 8
    stop = n - (n % 8)
    while t < stop:
        p = start + t * step
        r0 += w[idx[p]]
        r1 += w[idx[p + step]]
        r2 += w[idx[p + 2 * step]]
        r3 += w[idx[p + 3 * step]]
        r4 += w[idx[p + 4 * step]]
        r5 += w[idx[p + 5 * step]]
        r6 += w[idx[p + 6 * step]]
        r7 += w[idx[p + 7 * step]]
        t += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while t < n:
        res += w[idx[start + t * step]]
        t += 1
    return res


@njit(cache=True)
def _pairwise_gather(w, idx, start, step, n):  # pragma: no cover - numba
    """NumPy's ``pairwise_sum`` of ``w[idx[start + t * step]]`` for ``t < n``.

    Reproduces NumPy's float64 summation order exactly (blocks of at most 128
    with 8 partial sums, recursive halving at multiples of 8 above), so our sums
    equal the reference's bit for bit. The recursion runs on an explicit stack.
    """
    if n <= _PW_BLOCKSIZE:
        return _block_sum(w, idx, start, step, n)
    s_start = np.empty(128, dtype=np.int64)
    s_n = np.empty(128, dtype=np.int64)
    s_state = np.empty(128, dtype=np.int8)
    values = np.empty(128)
    top, n_values = 1, 0
    s_start[0], s_n[0], s_state[0] = start, n, 0
    while top > 0:
        top -= 1
        a, k, state = s_start[top], s_n[top], s_state[top]
        if k <= _PW_BLOCKSIZE:
            values[n_values] = _block_sum(w, idx, a, step, k)
            n_values += 1
        elif state == 0:
            half = k // 2
            half -= half % 8
            s_start[top], s_n[top], s_state[top] = a, k, 1
            s_start[top + 1], s_n[top + 1], s_state[top + 1] = a + half * step, k - half, 0
            s_start[top + 2], s_n[top + 2], s_state[top + 2] = a, half, 0
            top += 3
        else:
            n_values -= 1
            values[n_values - 1] = values[n_values - 1] + values[n_values]
    return values[0]


@njit(cache=True)
def _initial_sums(indptr, indices, n_cols, col_weight):  # pragma: no cover - numba
    """Weighted degrees of rows and columns and the total, in the reference's order.

    Row sums: SciPy's ``reduceat`` over the row in ascending column order (the
    reference sorts its weighted matrix before summing): first item plus the
    pairwise sum of the rest. Column sums: sequential over rows (all items of a
    column are equal). Total: pairwise over the CSR data in ascending order.
    """
    n_rows = len(indptr) - 1
    rows = np.zeros(n_rows)
    for i in range(n_rows):
        lo, hi = indptr[i], indptr[i + 1]
        if hi > lo:
            rows[i] = col_weight[indices[lo]] + _pairwise_gather(
                col_weight, indices, lo + 1, 1, hi - lo - 1
            )
    cols = np.zeros(n_cols)
    for e in range(len(indices)):
        cols[indices[e]] += col_weight[indices[e]]
    total = _pairwise_gather(col_weight, indices, 0, 1, len(indices))
    return rows, cols, total


@njit(cache=True)
def _tree_fix_up(tree, pos):  # pragma: no cover - numba
    """Recompute the minima on the path from leaf ``pos`` to the root."""
    while pos > 1:
        pos >>= 1
        left, right = tree[2 * pos], tree[2 * pos + 1]
        new = left if left <= right else right
        if tree[pos] == new:
            break
        tree[pos] = new


@njit(cache=True)
def _tree_decrease(tree, pos, value):  # pragma: no cover - numba
    """Lower leaf ``pos`` to ``value``: ancestors change only while they exceed it."""
    tree[pos] = value
    while pos > 1:
        pos >>= 1
        if tree[pos] <= value:
            break
        tree[pos] = value


@njit(cache=True)
def _tree_argmin(tree, size):  # pragma: no cover - numba
    """Leftmost leaf holding the minimum (ties -> smallest index)."""
    pos = 1
    while pos < size:
        pos = 2 * pos if tree[2 * pos] <= tree[2 * pos + 1] else 2 * pos + 1
    return pos - size


@njit(cache=True)
def _tree_build(values):  # pragma: no cover - numba
    size = 1
    while size < len(values):
        size *= 2
    tree = np.full(2 * size, np.inf)
    tree[size : size + len(values)] = values
    for pos in range(size - 1, 0, -1):
        left, right = tree[2 * pos], tree[2 * pos + 1]
        tree[pos] = left if left <= right else right
    return tree, size


@njit(cache=True)
def _peel_kernel(r_indptr, r_idx, c_indptr, c_idx, col_weight, values, total):  # pragma: no cover
    """Greedy peel; returns removal order, average after each removal, best prefix."""
    n_rows = len(r_indptr) - 1
    n_cols = len(c_indptr) - 1
    tree, size = _tree_build(values)
    n_nodes = n_rows + n_cols
    order = np.empty(n_nodes, dtype=np.int64)
    curve = np.empty(n_nodes)
    rows_left, cols_left = n_rows, n_cols
    current = total
    best = current / n_nodes if n_nodes > 0 else 0.0
    best_k = 0
    k = 0
    while rows_left > 0 and cols_left > 0:
        node = _tree_argmin(tree, size)
        current -= tree[size + node]
        if node < n_rows:
            for e in range(r_indptr[node], r_indptr[node + 1]):
                leaf = size + n_rows + r_idx[e]
                if tree[leaf] != np.inf:
                    _tree_decrease(tree, leaf, tree[leaf] - col_weight[r_idx[e]])
            rows_left -= 1
        else:
            j = node - n_rows
            w = col_weight[j]
            for e in range(c_indptr[j], c_indptr[j + 1]):
                leaf = size + c_idx[e]
                if tree[leaf] != np.inf:
                    _tree_decrease(tree, leaf, tree[leaf] - w)
            cols_left -= 1
        tree[size + node] = np.inf
        _tree_fix_up(tree, size + node)
        order[k] = node
        average = current / (rows_left + cols_left)
        curve[k] = average
        k += 1
        if average > best:
            best = average
            best_k = k
    return order[:k], curve[:k], best_k, best


@njit(cache=True)
def transpose_csr(indptr, indices, n_cols):  # pragma: no cover - numba
    """CSC of a CSR pattern: ``(col_indptr, row_indices)``, rows ascending per column."""
    counts = np.zeros(n_cols + 1, dtype=np.int64)
    for e in range(len(indices)):
        counts[indices[e] + 1] += 1
    for j in range(n_cols):
        counts[j + 1] += counts[j]
    fill = counts[:-1].copy()
    rows = np.empty(len(indices), dtype=np.int32)
    for i in range(len(indptr) - 1):
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            rows[fill[j]] = i
            fill[j] += 1
    return counts, rows


@njit(cache=True)
def drop_block_edges(indptr, indices, in_rows, in_cols):  # pragma: no cover - numba
    """CSR without the edges joining a row of ``in_rows`` to a column of ``in_cols``."""
    n_rows = len(indptr) - 1
    new_ptr = np.zeros(n_rows + 1, dtype=np.int64)
    keep = 0
    for i in range(n_rows):
        for e in range(indptr[i], indptr[i + 1]):
            if not (in_rows[i] and in_cols[indices[e]]):
                keep += 1
        new_ptr[i + 1] = keep
    new_idx = np.empty(keep, dtype=np.int32)
    keep = 0
    for i in range(n_rows):
        for e in range(indptr[i], indptr[i + 1]):
            if not (in_rows[i] and in_cols[indices[e]]):
                new_idx[keep] = indices[e]
                keep += 1
    return new_ptr, new_idx


@dataclass(frozen=True)
class PeelResult:
    """Outcome of one greedy peel.

    Attributes
    ----------
    users, targets : ndarray of int64
        The best block (sorted indices).
    score : float
        Its average ``g(S) = f(S) / |S|`` (the reference's ``bestAveScore``).
    order : ndarray of int64
        Removed nodes in removal order; ``< n_users`` are users, the rest
        targets offset by ``n_users``.
    curve : ndarray of float64
        ``g`` after each removal (the classic peeling curve).
    best_k : int
        Number of removals before the best block.
    """

    users: np.ndarray
    targets: np.ndarray
    score: float
    order: np.ndarray
    curve: np.ndarray
    best_k: int


def peel_bipartite(
    indptr: np.ndarray,
    indices: np.ndarray,
    n_cols: int,
    col_weight: np.ndarray,
    *,
    row_prior: np.ndarray | None = None,
    col_prior: np.ndarray | None = None,
) -> PeelResult:
    """Greedy peel of a binary CSR pattern with column weights and node priors.

    ``indices`` must be sorted within each row and free of duplicates (as in
    :attr:`InteractionGraph.csr`). Maximises ``g(S) = (sum of weights of edges
    inside S + priors of nodes in S) / |S|`` greedily with the reference's exact
    semantics (see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> indptr, indices = np.array([0, 2, 4, 5]), np.array([0, 1, 0, 1, 2], dtype=np.int32)
    >>> r = peel_bipartite(indptr, indices, 3, np.ones(3))
    >>> r.users.tolist(), r.targets.tolist(), r.score
    ([0, 1], [0, 1], 1.0)
    """
    indptr = np.ascontiguousarray(indptr, dtype=np.int64)
    indices = np.ascontiguousarray(indices, dtype=np.int32)
    col_weight = np.ascontiguousarray(col_weight, dtype=np.float64)
    n_rows = len(indptr) - 1
    rows, cols, total = _initial_sums(indptr, indices, n_cols, col_weight)
    if row_prior is not None or col_prior is not None:
        row_prior = np.zeros(n_rows) if row_prior is None else np.asarray(row_prior, np.float64)
        col_prior = np.zeros(n_cols) if col_prior is None else np.asarray(col_prior, np.float64)
        rows += row_prior
        cols += col_prior
        total = total + (row_prior.sum() + col_prior.sum())  # the reference's grouping
    c_indptr, c_idx = transpose_csr(indptr, indices, n_cols)
    values = np.concatenate((rows, cols))
    del rows, cols
    order, curve, best_k, best = _peel_kernel(
        indptr, indices, c_indptr, c_idx, col_weight, values, total
    )
    removed = order[:best_k]
    keep_u = np.ones(n_rows, dtype=bool)
    keep_t = np.ones(n_cols, dtype=bool)
    keep_u[removed[removed < n_rows]] = False
    keep_t[removed[removed >= n_rows] - n_rows] = False
    return PeelResult(
        np.flatnonzero(keep_u), np.flatnonzero(keep_t), float(best), order, curve, int(best_k)
    )


def remove_blocks(
    indptr: np.ndarray,
    indices: np.ndarray,
    n_cols: int,
    n_blocks: int,
    weight_of_degree,
    *,
    row_prior: np.ndarray | None = None,
    col_prior: np.ndarray | None = None,
    refine: bool = False,
    progress: bool = False,
) -> list[PeelResult]:
    """Find up to ``n_blocks`` blocks: peel, drop the block's edges, repeat.

    Column weights are recomputed from the remaining graph before each peel
    (``weight_of_degree(column_degrees) -> weights``), as the reference's
    ``detectMultiple`` does. Stops early once no edge is left. With ``refine``
    each peeled block is lifted to a local optimum of ``g`` by
    :func:`~graphbot.detect.dense._refine.refine_block` before its edges are dropped.
    """
    from tqdm.auto import tqdm

    indptr = np.asarray(indptr, dtype=np.int64)
    indices = np.asarray(indices, dtype=np.int32)
    n_rows = len(indptr) - 1
    found: list[PeelResult] = []
    for _ in tqdm(range(n_blocks), desc="peeling blocks", disable=not progress):
        if len(indices) == 0:
            break
        degrees = np.bincount(indices, minlength=n_cols).astype(np.int64)
        weights = weight_of_degree(degrees)
        block = peel_bipartite(
            indptr, indices, n_cols, weights, row_prior=row_prior, col_prior=col_prior
        )
        if refine:
            users, targets, score = refine_block(
                indptr, indices, weights, block.users, block.targets,
                row_prior=row_prior, col_prior=col_prior,
            )  # fmt: skip
            block = replace(block, users=users, targets=targets, score=score)
        found.append(block)
        if len(found) == n_blocks:
            break
        in_rows = np.zeros(n_rows, dtype=np.bool_)
        in_cols = np.zeros(n_cols, dtype=np.bool_)
        in_rows[block.users] = True
        in_cols[block.targets] = True
        indptr, indices = drop_block_edges(indptr, indices, in_rows, in_cols)
    return found


def removal_order_scores(user_order: np.ndarray, n_users: int) -> np.ndarray:
    """Score ``(p + 1) / (n_users + 1)`` in (0, 1) by position ``p`` in a peel's removal order.

    Users never removed (left when the peel stopped) count as removed last, so
    peeled later = more suspicious.

    Examples
    --------
    >>> removal_order_scores(np.array([2, 0]), 3).tolist()
    [0.5, 0.75, 0.25]
    """
    survivors = np.setdiff1d(np.arange(n_users), user_order, assume_unique=True)
    position = np.empty(n_users, dtype=np.int64)
    position[np.concatenate((user_order, survivors))] = np.arange(n_users)
    return (position + 1.0) / (n_users + 1.0)


def lift_block_members(scores: np.ndarray, block_users: list[np.ndarray]) -> np.ndarray:
    """In place: members of block ``k`` of ``K`` score at least ``1 + (K - k) / K``.

    Scores below 1 (a peeling order) stay below every block member; earlier
    blocks rank higher.

    Examples
    --------
    >>> lift_block_members(np.array([0.2, 0.4, 0.6]), [np.array([2]), np.array([0, 2])]).tolist()
    [1.5, 0.4, 2.0]
    """
    for k, users in enumerate(block_users):
        scores[users] = np.maximum(scores[users], 1.0 + (len(block_users) - k) / len(block_users))
    return scores


def peel_result_parts(
    graph: InteractionGraph, blocks: list[PeelResult]
) -> tuple[np.ndarray, list, dict[str, np.ndarray]]:
    """User scores, groups and evidence shared by the peeling detectors.

    Scores: a member of block ``k`` (of ``K`` found) scores ``1 + (K - k) / K``
    (block 0 highest, all in (1, 2]); every other user scores
    ``(p + 1) / (n_users + 1)`` in (0, 1), ``p`` its position among users in the
    first peel's removal order (peeled later = more suspicious; users left when
    the targets ran out count as peeled last). Blocks of score 0 (no edge, no
    prior) or without users are dropped.
    """
    n_users = graph.n_users
    evidence: dict[str, np.ndarray] = {}
    if blocks:
        first = blocks[0]
        scores = removal_order_scores(first.order[first.order < n_users], n_users)
        evidence = {"peeling_order": first.order, "peeling_curve": first.curve}
    else:
        scores = np.full(n_users, 0.5)
    groups = []
    kept = [b for b in blocks if b.score > 0 and len(b.users)]
    lift_block_members(scores, [b.users for b in kept])
    for k, block in enumerate(kept):
        stats = block_stats(graph, block.users, block.targets)
        stats.update({"block": k, "average_weight": block.score, "n_peeled_before": block.best_k})
        groups.append(SuspiciousGroup(block.users, block.targets, block.score, stats))
    evidence["block_scores"] = np.array([b.score for b in kept])
    return scores, groups, evidence
