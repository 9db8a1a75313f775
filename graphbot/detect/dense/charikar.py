"""Charikar's greedy peeling for the densest subgraph (average degree), bipartite form.

The unweighted baseline of the dense-block family: find users x targets ``S``
maximising ``|E(S)| / |S|`` by repeatedly removing the node of least remaining
degree and keeping the best prefix. The greedy answer is within a factor 2 of the
optimum. It is the reference's ``aveDegree`` (Fraudar without column weights),
so bots hiding behind camouflage on popular targets drag it toward the popular
targets; that is what :func:`~graphbot.detect.dense.fraudar.fraudar` fixes.
"""

from __future__ import annotations

import time

from ..._checks import check_int
from ..._rng import RNGLike, resolve_rng
from ...graph import InteractionGraph
from ...result import DetectionResult
from .._registry import check_graph, make_result, register_detector
from ._peeling import peel_result_parts, remove_blocks
from .fraudar import column_weights

__all__ = ["charikar"]


@register_detector(
    "charikar", family="dense-block", class_name="Charikar", demo_params={"n_blocks": 1}
)
def charikar(
    graph: InteractionGraph,
    *,
    n_blocks: int = 1,
    progress: bool = False,
    rng: RNGLike = None,
) -> DetectionResult:
    """Charikar peeling: the densest (average-degree) users x targets blocks.

    Parameters
    ----------
    graph : InteractionGraph
        Peeled as a binary users x targets graph.
    n_blocks : int
        Number of blocks; each block's edges are removed before the next peel.
    progress : bool
        Show a progress bar over blocks.
    rng : None, int or Generator
        Unused (deterministic); recorded for the common interface.

    Returns
    -------
    DetectionResult
        ``groups``: blocks with ``score = |E(S)| / |S|``. ``user_scores``: block
        members score in (1, 2] (block 0 highest), others in (0, 1) by their
        position in the peeling order (peeled later = more suspicious).

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> g = InteractionGraph.from_events([0, 0, 1, 1, 2], ["p", "q", "p", "q", "r"])
    >>> r = charikar(g)
    >>> r.flagged().tolist(), r.groups[0].score
    ([0, 1], 1.0)

    References
    ----------
    .. [1] M. Charikar. "Greedy approximation algorithms for finding dense
       components in a graph." APPROX 2000.
    """
    started = time.perf_counter()
    check_graph(graph, "charikar")
    n_blocks = check_int("n_blocks", n_blocks, low=1)
    _, seed = resolve_rng(rng)
    csr = graph.csr
    blocks = remove_blocks(
        csr.indptr, csr.indices, graph.n_targets, n_blocks,
        lambda degrees: column_weights(degrees, "none"), progress=progress,
    )  # fmt: skip
    scores, groups, evidence = peel_result_parts(graph, blocks)
    params = {"n_blocks": n_blocks, "rng": seed}
    return make_result("charikar", graph, scores, groups, params=params, started=started,
                       meta={"n_blocks_found": len(groups)}, evidence=evidence)  # fmt: skip


Charikar = charikar.estimator  # type: ignore[attr-defined]
