"""Sparse truncated SVD shared by the spectral detectors (SpokEn, fBox, CatchSync, HoloScope).

The biadjacency is never densified: :func:`scipy.sparse.linalg.svds` (ARPACK)
works on the sparse matrix through matrix-vector products. ARPACK starts from a
random vector; we draw it from the caller's seeded generator so results are
reproducible from ``params["rng"]``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds

__all__ = ["truncated_svd", "spoke_members", "members_first"]


def truncated_svd(
    matrix: sp.spmatrix, k: int, generator: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top-``k`` singular triplets of a sparse matrix, largest first, signs fixed.

    Returns ``(u, s, vt)`` with ``u`` of shape (n_rows, k'), ``s`` (k',),
    ``vt`` (k', n_cols), where ``k' = min(k, min(shape) - 1)`` (ARPACK needs
    ``k < min(shape)``). Each singular pair is flipped so that the entry of
    largest magnitude of ``u[:, i]`` is positive, which makes "spokes" point
    along the positive axis and the output independent of ARPACK's sign choice.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> m = sp.random(30, 20, density=0.2, random_state=0, format="csr")
    >>> u, s, vt = truncated_svd(m, 3, np.random.default_rng(0))
    >>> u.shape, s.shape, vt.shape, bool(s[0] >= s[1] >= s[2])
    ((30, 3), (3,), (3, 20), True)
    """
    matrix = sp.csr_matrix(matrix, dtype=np.float64)
    n_rows, n_cols = matrix.shape
    k_eff = min(int(k), min(n_rows, n_cols) - 1)
    if k_eff < 1:
        return (
            np.zeros((n_rows, 0)),
            np.zeros(0),
            np.zeros((0, n_cols)),
        )
    v0 = generator.uniform(-1.0, 1.0, size=min(n_rows, n_cols))
    u, s, vt = svds(matrix, k=k_eff, v0=v0, which="LM", random_state=generator)
    order = np.argsort(-s, kind="stable")
    u, s, vt = u[:, order], s[order], vt[order]
    # Sign convention: the largest-magnitude entry of each left vector is positive.
    peak = np.abs(u).argmax(axis=0)
    signs = np.sign(u[peak, np.arange(u.shape[1])])
    signs[signs == 0] = 1.0
    return u * signs, s, vt * signs[:, None]


def spoke_members(vector: np.ndarray, *, mass: float = 0.9) -> np.ndarray:
    """Indices on the positive spoke of a singular vector, largest loading first.

    A node is on the spoke when its loading exceeds ``1/sqrt(n)`` (the loading
    every node would have if the vector were spread evenly) and it belongs to
    the smallest prefix of nodes, by decreasing loading, that holds ``mass`` of
    the vector's squared norm on the positive side.

    Examples
    --------
    >>> v = np.array([0.7, 0.7, 0.1, 0.05, -0.1])
    >>> spoke_members(v).tolist()
    [0, 1]
    """
    n = len(vector)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(-vector, kind="stable")
    values = vector[order]
    positive = values > 1.0 / np.sqrt(n)
    squares = np.where(values > 0, values, 0.0) ** 2
    total = squares.sum()
    if total <= 0:
        return np.zeros(0, dtype=np.int64)
    cumulative = np.cumsum(squares) / total
    # smallest prefix reaching `mass`: include the element that crosses it
    n_mass = int(np.searchsorted(cumulative, mass - 1e-12) + 1)
    keep = positive.copy()
    keep[n_mass:] = False
    return order[keep].astype(np.int64)


def members_first(scores: np.ndarray, member_sets: list[np.ndarray]) -> np.ndarray:
    """Shift flagged users above every unflagged one, keeping the order within each side.

    Detectors whose decision rule is not a plain score threshold (propagation,
    per-bucket percentiles, per-bin outlier rules) use this so that
    ``flagged()`` and ``flagged(top_k=len(flagged()))`` agree.

    Examples
    --------
    >>> s = members_first(np.array([0.9, 0.2, 0.5]), [np.array([1])])
    >>> int(s.argmax()), float(s[0]), float(s[2])
    (1, 0.9, 0.5)
    """
    member = np.zeros(len(scores), dtype=bool)
    for users in member_sets:
        member[users] = True
    if not member.any() or member.all():
        return scores
    scores = np.asarray(scores, dtype=np.float64).copy()
    shift = scores[~member].max() - scores[member].min()
    if shift >= 0:
        scores[member] += shift + 1e-6 * max(1.0, abs(shift))
    return scores
