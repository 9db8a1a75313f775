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

It stops when neither move applies, so the result is a local optimum under
single-node moves with ``g`` at least that of the peeled block; it runs in
``O(edges)`` per round and rounds are few. This is not part of Fraudar's
reference semantics, so the detectors apply it only when asked (``refine=True``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["refine_block"]

_MAX_ROUNDS = 1000
_RELATIVE_TOLERANCE = 1e-9  # a move must beat g by more than rounding


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
        moved = False
        for add in (True, False):
            row_gain = matrix @ in_cols + row_prior
            col_gain = matrix_t @ in_rows + col_prior
            score = _average(row_gain, in_rows, col_prior, in_cols)
            margin = abs(score) * _RELATIVE_TOLERANCE
            if add:
                new_rows = ~in_rows & (row_gain > score + margin)
                new_cols = ~in_cols & (col_gain > score + margin)
                in_rows |= new_rows
                in_cols |= new_cols
                moved |= bool(new_rows.any() or new_cols.any())
            else:
                old_rows = in_rows & (row_gain < score - margin)
                old_cols = in_cols & (col_gain < score - margin)
                in_rows &= ~old_rows
                in_cols &= ~old_cols
                moved |= bool(old_rows.any() or old_cols.any())
        if not moved:
            break
    row_gain = matrix @ in_cols + row_prior
    score = _average(row_gain, in_rows, col_prior, in_cols)
    return np.flatnonzero(in_rows), np.flatnonzero(in_cols), score


def _average(row_gain, in_rows, col_prior, in_cols) -> float:
    """``g(S)``: edges inside S (each counted once, from the user side) plus priors, per node."""
    size = int(in_rows.sum() + in_cols.sum())
    if size == 0:
        return 0.0
    return float((row_gain[in_rows].sum() + col_prior[in_cols].sum()) / size)
