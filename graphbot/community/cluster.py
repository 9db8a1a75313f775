"""Community detection on a user-user co-action graph: Leiden, Louvain, label propagation.

igraph's C implementations are used when igraph is installed (the ``igraph``
extra); networkx provides Louvain and label propagation otherwise. igraph is
imported inside the functions so ``import graphbot`` never pulls it in, and its
global random number generator is scoped by ``rng``
(:func:`graphbot._rng.igraph_rng_scope`), so the same seed gives the same
partition and the caller's igraph RNG is left as it was.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._checks import check_choice, check_int, check_number
from .._rng import RNGLike, igraph_rng_scope, resolve_rng
from ..errors import InputTypeError, InvalidParameterError

__all__ = ["METHODS", "BACKENDS", "cluster_users", "has_igraph"]

METHODS = ("leiden", "louvain", "label_propagation")
BACKENDS = ("auto", "igraph", "networkx")


def has_igraph() -> bool:
    """Whether python-igraph can be imported (without importing it)."""
    return importlib.util.find_spec("igraph") is not None


def cluster_users(
    adjacency: sp.spmatrix,
    *,
    method: str = "leiden",
    resolution: float = 1.0,
    backend: str = "auto",
    n_iterations: int = 2,
    rng: RNGLike = None,
) -> np.ndarray:
    """Partition the nodes of a weighted undirected graph into communities.

    Parameters
    ----------
    adjacency : scipy.sparse matrix, shape (n, n)
        Symmetric non-negative weights (e.g. shared-target counts from
        :func:`graphbot.community.coaction_graph`); the diagonal is ignored.
    method : {"leiden", "louvain", "label_propagation"}
        Leiden and Louvain maximise weighted modularity at ``resolution``;
        label propagation has no objective and ignores ``resolution``.
    resolution : float
        Modularity resolution; larger values give smaller communities.
    backend : {"auto", "igraph", "networkx"}
        ``"auto"`` uses igraph when installed, else networkx (which has no
        Leiden of its own: Leiden then needs igraph).
    n_iterations : int
        Leiden iterations (igraph default 2); negative runs until the partition is stable.
    rng : None, int or Generator
        Seeds igraph's (scoped) or networkx's random choices.

    Returns
    -------
    ndarray of int64, shape (n,)
        Community label per node, ``0 .. k-1`` by decreasing size; nodes with
        no edge get ``-1``.

    References
    ----------
    V. A. Traag, L. Waltman, N. J. van Eck, "From Louvain to Leiden: guaranteeing
    well-connected communities", Scientific Reports 9, 5233 (2019).
    V. D. Blondel et al., "Fast unfolding of communities in large networks",
    J. Stat. Mech. P10008 (2008).
    U. N. Raghavan, R. Albert, S. Kumara, "Near linear time algorithm to detect
    community structures in large-scale networks", Phys. Rev. E 76, 036106 (2007).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> two_triangles = sp.csr_matrix(np.array(
    ...     [[0, 1, 1, 0, 0, 0], [1, 0, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0],
    ...      [0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 0, 1], [0, 0, 0, 1, 1, 0]]))
    >>> labels = cluster_users(two_triangles, method="louvain", rng=0)
    >>> sorted(np.bincount(labels).tolist())
    [3, 3]
    """
    check_choice("method", method, METHODS)
    check_choice("backend", backend, BACKENDS)
    resolution = check_number(
        "resolution", resolution, low=0.0, low_inclusive=False, what="a positive number"
    )
    n_iterations = check_int("n_iterations", n_iterations)
    if n_iterations == 0:
        raise InvalidParameterError("`n_iterations` must be a positive int or negative; got 0")
    generator, _ = resolve_rng(rng)
    upper, n = _upper_triangle(adjacency)
    active = np.zeros(n, dtype=bool)
    active[upper.row] = True
    active[upper.col] = True
    nodes = np.flatnonzero(active)
    labels = np.full(n, -1, dtype=np.int64)
    if len(nodes) == 0:
        return labels
    # Cluster only the nodes that have an edge: big projections are mostly isolated users.
    local = np.full(n, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    rows, cols, weights = local[upper.row], local[upper.col], upper.data.astype(np.float64)
    use_igraph = _pick_backend(backend, method)
    if use_igraph:
        found = _igraph_membership(
            len(nodes), rows, cols, weights, method, resolution, n_iterations, generator
        )
    else:
        found = _networkx_membership(len(nodes), rows, cols, weights, method, resolution, generator)
    labels[nodes] = _relabel_by_size(found)
    return labels


def _upper_triangle(adjacency: Any) -> tuple[sp.coo_matrix, int]:
    if not sp.issparse(adjacency):
        raise InputTypeError(
            f"`adjacency` must be a scipy.sparse matrix; got {type(adjacency).__name__}"
        )
    if adjacency.shape[0] != adjacency.shape[1]:
        raise InvalidParameterError(f"`adjacency` must be square; got shape {adjacency.shape}")
    upper = sp.triu(adjacency, k=1, format="coo")
    if upper.nnz and upper.data.min() < 0:
        raise InvalidParameterError("`adjacency` must have non-negative weights")
    keep = upper.data > 0
    upper = sp.coo_matrix(
        (upper.data[keep], (upper.row[keep], upper.col[keep])), shape=adjacency.shape
    )
    return upper, adjacency.shape[0]


def _pick_backend(backend: str, method: str) -> bool:
    if backend == "igraph" or (backend == "auto" and has_igraph()):
        if not has_igraph():
            raise InvalidParameterError(
                "`backend` 'igraph' needs python-igraph: pip install 'graphbot[igraph]'"
            )
        return True
    if method == "leiden":
        raise InvalidParameterError(
            "`method` 'leiden' needs python-igraph (pip install 'graphbot[igraph]'); "
            "without it use method='louvain' or 'label_propagation'"
        )
    return False


def _igraph_membership(
    n: int,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    method: str,
    resolution: float,
    n_iterations: int,
    generator: np.random.Generator,
) -> np.ndarray:
    import igraph

    g = igraph.Graph(n=n, edges=np.column_stack([rows, cols]), directed=False)
    g.es["weight"] = weights
    with igraph_rng_scope(generator):
        if method == "leiden":
            part = g.community_leiden(
                objective_function="modularity",
                weights="weight",
                resolution=resolution,
                n_iterations=n_iterations,
            )
        elif method == "louvain":
            part = g.community_multilevel(weights="weight", resolution=resolution)
        else:
            part = g.community_label_propagation(weights="weight")
    return np.asarray(part.membership, dtype=np.int64)


def _networkx_membership(
    n: int,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    method: str,
    resolution: float,
    generator: np.random.Generator,
) -> np.ndarray:
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(zip(rows.tolist(), cols.tolist(), weights.tolist()))
    seed = int(generator.integers(0, 2**31 - 1))
    if method == "louvain":
        parts = nx.community.louvain_communities(
            g, weight="weight", resolution=resolution, seed=seed
        )
    else:
        parts = nx.community.asyn_lpa_communities(g, weight="weight", seed=seed)
    membership = np.empty(n, dtype=np.int64)
    for label, part in enumerate(parts):
        membership[list(part)] = label
    return membership


def _relabel_by_size(membership: np.ndarray) -> np.ndarray:
    """Labels 0..k-1 by decreasing community size (ties by first member) for stable output."""
    _, inverse, counts = np.unique(membership, return_inverse=True, return_counts=True)
    first = np.full(len(counts), len(membership), dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(len(membership)))
    order = np.lexsort((first, -counts))
    rank = np.empty(len(counts), dtype=np.int64)
    rank[order] = np.arange(len(counts))
    return rank[inverse]
