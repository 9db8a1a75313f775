"""Local search that lifts a peeled block to a local optimum of ``g(S) = f(S) / |S|``.

Greedy peeling removes the node of smallest contribution *at that moment*. A bot
with few farm edges is cheap while a dense core of the background is still in
the graph, so it is peeled before that core, although removing it lowers the
farm block's ``g``: the best prefix then holds only part of the farm (measured:
142 of 200 bots at density 0.3 under random camouflage). The 1/2-approximation
guarantee is kept, but the block is not even a local optimum.

The refinement alternates two moves that each strictly increase ``g``:

* add every outside node whose contribution to ``S`` (weighted edges into ``S``
  plus prior) exceeds ``g(S)``: ``f`` grows by at least the sum of the added
  contributions, each above the old average;
* remove every inside node whose contribution is below ``g(S)``: ``f`` shrinks
  by at most the sum of their contributions, each below the old average.

* keep the best connected component of the block: ``g`` of a disjoint union is
  a weighted mean of its parts' ``g``, so the best part is at least as good.
  Peeling can end on a farm together with an unrelated dense structure (a
  follow-back circle) that no single-node move would shed;
* when the two touch through a few edges: order the block's nodes along its
  Fiedler vector (the spectral cut) and keep the best prefix or suffix of that
  order if it beats ``g(S)``.

It stops when no move applies, so the result is a connected local optimum
under single-node moves with ``g`` at least that of the peeled block; it runs
in ``O(edges)`` per round and rounds are few. This is not part of Fraudar's
reference semantics, so the detectors apply it only when asked (``refine=True``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import eigsh

__all__ = ["refine_block"]

_MAX_ROUNDS = 1000
_RELATIVE_TOLERANCE = 1e-9  # a move must beat g by more than rounding
_DENSE_EIGEN_LIMIT = 2000


def refine_block(
    indptr: np.ndarray,
    indices: np.ndarray,
    col_weight: np.ndarray,
    users: np.ndarray,
    targets: np.ndarray,
    *,
    row_prior: np.ndarray | None = None,
    col_prior: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Lift the block ``(users, targets)`` to a local optimum of ``g`` by node moves.

    Parameters
    ----------
    indptr, indices : ndarray
        Binary users x targets CSR pattern (as peeled).
    col_weight : ndarray
        Weight of an edge into each target.
    users, targets : ndarray of int
        The starting block.
    row_prior, col_prior : ndarray, optional
        Node priors counted in ``f``.

    Returns
    -------
    (users, targets, score)
        Sorted indices of the refined block and its ``g``.

    Examples
    --------
    Peeling kept users 0-1 on targets 0-1; user 2 also hits both targets:

    >>> indptr, indices = np.array([0, 2, 4, 6, 7]), np.array([0, 1, 0, 1, 0, 1, 2])
    >>> u, t, g = refine_block(indptr, indices, np.ones(3), np.array([0, 1]), np.array([0, 1]))
    >>> u.tolist(), t.tolist(), round(g, 3)
    ([0, 1, 2], [0, 1], 1.2)
    """
    n_rows, n_cols = len(indptr) - 1, len(col_weight)
    weights = np.asarray(col_weight, dtype=np.float64)[indices]
    matrix = sp.csr_matrix((weights, indices, indptr), shape=(n_rows, n_cols))
    matrix_t = matrix.T.tocsr()
    row_prior = np.zeros(n_rows) if row_prior is None else np.asarray(row_prior, np.float64)
    col_prior = np.zeros(n_cols) if col_prior is None else np.asarray(col_prior, np.float64)
    in_rows = np.zeros(n_rows, dtype=bool)
    in_cols = np.zeros(n_cols, dtype=bool)
    in_rows[users] = True
    in_cols[targets] = True
    for _ in range(_MAX_ROUNDS):
        moved = _node_moves(matrix, matrix_t, row_prior, col_prior, in_rows, in_cols)
        moved |= _keep_best_component(matrix, row_prior, col_prior, in_rows, in_cols)
        moved |= _keep_best_spectral_side(matrix, row_prior, col_prior, in_rows, in_cols)
        if not moved:
            break
    row_gain = matrix @ in_cols + row_prior
    score = _average(row_gain, in_rows, col_prior, in_cols)
    return np.flatnonzero(in_rows), np.flatnonzero(in_cols), score


def _node_moves(matrix, matrix_t, row_prior, col_prior, in_rows, in_cols) -> bool:
    """Add all nodes above ``g``, then remove all below it (in place); whether any moved."""
    moved = False
    for add in (True, False):
        row_gain = matrix @ in_cols + row_prior
        col_gain = matrix_t @ in_rows + col_prior
        score = _average(row_gain, in_rows, col_prior, in_cols)
        margin = abs(score) * _RELATIVE_TOLERANCE
        if add:
            rows, cols = (
                ~in_rows & (row_gain > score + margin),
                ~in_cols & (col_gain > score + margin),
            )
        else:
            rows, cols = (
                in_rows & (row_gain < score - margin),
                in_cols & (col_gain < score - margin),
            )
        in_rows ^= rows
        in_cols ^= cols
        moved |= bool(rows.any() or cols.any())
    return moved


def _keep_best_component(matrix, row_prior, col_prior, in_rows, in_cols) -> bool:
    """Shrink the block (in place) to its connected component of highest ``g``."""
    rows, cols = np.flatnonzero(in_rows), np.flatnonzero(in_cols)
    inner = matrix[rows][:, cols]
    _, label = connected_components(sp.bmat([[None, inner], [inner.T, None]]), directed=False)
    row_label, col_label = label[: len(rows)], label[len(rows) :]
    if len(label) == 0 or label.max() == 0:
        return False
    n = label.max() + 1
    mass = np.bincount(row_label, weights=np.asarray(inner.sum(axis=1)).ravel() + row_prior[rows],
                       minlength=n)  # fmt: skip
    mass += np.bincount(col_label, weights=col_prior[cols], minlength=n)
    best = int(np.argmax(mass / np.bincount(label, minlength=n)))
    in_rows[rows[row_label != best]] = False
    in_cols[cols[col_label != best]] = False
    return True


def _keep_best_spectral_side(matrix, row_prior, col_prior, in_rows, in_cols) -> bool:
    """Shrink the block (in place) to the best prefix or suffix of its Fiedler order, if better."""
    rows, cols = np.flatnonzero(in_rows), np.flatnonzero(in_cols)
    n_rows = len(rows)
    inner = matrix[rows][:, cols].tocoo()
    n = n_rows + len(cols)
    if n < 4 or inner.nnz == 0:
        return False
    order = np.argsort(_fiedler(inner, n_rows, n), kind="stable")
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    u_pos, t_pos = position[inner.row], position[n_rows + inner.col]
    node_prior = np.r_[row_prior[rows], col_prior[cols]][order]
    # an edge is inside the first k nodes of the order when both ends are
    prefix_score = _prefix_averages(np.maximum(u_pos, t_pos), inner.data, node_prior)
    suffix_score = _prefix_averages(n - 1 - np.minimum(u_pos, t_pos), inner.data, node_prior[::-1])
    best_score = _average(matrix @ in_cols + row_prior, in_rows, col_prior, in_cols)
    best = None
    for scores, from_start in ((prefix_score, True), (suffix_score, False)):
        k = int(np.argmax(scores))
        if scores[k] > best_score * (1 + _RELATIVE_TOLERANCE) + 1e-300:
            best_score = scores[k]
            best = order[: k + 1] if from_start else order[n - 1 - k :]
    if best is None:
        return False
    members = np.zeros(n, dtype=bool)
    members[best] = True
    in_rows[rows[~members[:n_rows]]] = False
    in_cols[cols[~members[n_rows:]]] = False
    return True


def _prefix_averages(edge_key: np.ndarray, edge_weight: np.ndarray, node_prior: np.ndarray):
    """``g`` of every proper prefix of a node order (edge ``e`` enters at node ``edge_key[e]``)."""
    n = len(node_prior)
    mass = np.cumsum(np.bincount(edge_key, weights=edge_weight, minlength=n) + node_prior)
    return mass[:-1] / np.arange(1, n)


def _fiedler(inner: sp.coo_matrix, n_rows: int, n: int) -> np.ndarray:
    """Fiedler vector (second eigenvector of the normalised adjacency) of the block's graph."""
    adjacency = sp.coo_matrix(
        (np.r_[inner.data, inner.data], (np.r_[inner.row, n_rows + inner.col],
                                          np.r_[n_rows + inner.col, inner.row])),
        shape=(n, n),
    ).tocsr()  # fmt: skip
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    scale = 1.0 / np.sqrt(np.maximum(degree, 1e-300))
    normalised = sp.diags(scale) @ adjacency @ sp.diags(scale)
    if n <= _DENSE_EIGEN_LIMIT:
        _, vectors = np.linalg.eigh(normalised.toarray())
        second = vectors[:, -2]
    else:  # deterministic start vector: same block, same order
        _, vectors = eigsh(normalised, k=2, which="LA", v0=np.linspace(1.0, 2.0, n), tol=1e-8)
        second = vectors[:, 0]
    return second * scale


def _average(row_gain, in_rows, col_prior, in_cols) -> float:
    """``g(S)``: edges inside S (each counted once, from the user side) plus priors, per node."""
    size = int(in_rows.sum() + in_cols.sum())
    if size == 0:
        return 0.0
    return float((row_gain[in_rows].sum() + col_prior[in_cols].sum()) / size)
