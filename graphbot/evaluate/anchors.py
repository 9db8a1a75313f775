"""Reference implementations run beside graphbot's detectors in the benchmark.

An *anchor* is a published implementation installed from PyPI (the optional
``bench`` extra: ``pip install graphbot[bench]``) and run on the very same
graph in the same benchmark run, so graphbot's numbers can be read against it.
Anchors are optional: when the package is missing, :func:`available_anchors`
simply leaves it out.

Currently: ``fraudar[rgmining]``, the greedy peeling of Hooi et al. as
packaged by rgmining-fraudar (log-weighted column suspiciousness, the paper's
default). It returns blocks only, so its per-user score is 1 inside a detected
block and 0 outside.

References
----------
.. [1] B. Hooi, H. A. Song, A. Beutel, N. Shah, K. Shin and C. Faloutsos.
   FRAUDAR: bounding graph fraud in the face of camouflage. KDD 2016.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import time
from collections.abc import Callable

import numpy as np

from ..detect._groups import block_stats
from ..detect._registry import make_result
from ..graph import InteractionGraph, check_graph
from ..result import DetectionResult, SuspiciousGroup

__all__ = ["available_anchors", "anchor_params", "run_anchor", "fraudar_rgmining"]


def fraudar_rgmining(graph: InteractionGraph, *, n_blocks: int = 1) -> DetectionResult:
    """Run rgmining-fraudar's reference greedy peeling on ``graph``'s 0/1 biadjacency.

    Parameters
    ----------
    graph : InteractionGraph
    n_blocks : int
        Number of dense blocks to peel (edges of found blocks are removed in between).

    Returns
    -------
    DetectionResult
        Method ``"fraudar[rgmining]"``; user score 1 for members of a detected
        block, 0 otherwise; one group per block.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> users = ["b1", "b2", "b3"] * 3 + ["u1", "u2"]
    >>> targets = ["x"] * 3 + ["y"] * 3 + ["z"] * 3 + ["p", "q"]
    >>> g = InteractionGraph.from_events(users, targets)
    >>> r = fraudar_rgmining(g)  # doctest: +SKIP
    >>> sorted(r.user_ids[r.flagged()].tolist())  # doctest: +SKIP
    ['b1', 'b2', 'b3']

    References
    ----------
    .. [1] B. Hooi et al. FRAUDAR: bounding graph fraud in the face of
       camouflage. KDD 2016.
    """
    from fraudar.export import greedy  # optional dependency: the `bench` extra

    started = time.perf_counter()
    check_graph(graph, "fraudar_rgmining")
    matrix = graph.biadjacency(binary=True).tocsc().astype(np.int64)
    with contextlib.redirect_stdout(io.StringIO()):  # the reference prints progress
        blocks = greedy.detectMultiple(matrix, greedy.logWeightedAveDegree, n_blocks)
    scores = np.zeros(graph.n_users, dtype=np.float64)
    groups = []
    for (rows, cols), density in blocks:
        users = np.array(sorted(rows), dtype=np.int64)
        targets = np.array(sorted(cols), dtype=np.int64)
        scores[users] = 1.0
        groups.append(SuspiciousGroup(users, targets, float(density),
                                      block_stats(graph, users, targets)))  # fmt: skip
    groups.sort(key=lambda grp: -grp.score)
    return make_result("fraudar[rgmining]", graph, scores, groups,
                       params={"n_blocks": n_blocks, "rng": None}, started=started)  # fmt: skip


_ANCHORS: dict[str, tuple[str, Callable[..., DetectionResult]]] = {
    "fraudar[rgmining]": ("fraudar", fraudar_rgmining),
}


def available_anchors() -> list[str]:
    """Names of the anchors whose reference package is installed.

    Examples
    --------
    >>> isinstance(available_anchors(), list)
    True
    """
    return [name for name, (module, _) in _ANCHORS.items() if importlib.util.find_spec(module)]


#: anchor -> (graphbot detector it anchors, parameters shared with it)
_COUNTERPART = {"fraudar[rgmining]": ("fraudar", ("n_blocks",))}


def anchor_params(name: str) -> dict[str, object]:
    """Parameters of anchor ``name`` in the benchmark: those its graphbot counterpart runs with.

    The benchmark runs graphbot's ``fraudar`` with its registry ``demo_params``;
    the reference gets the same ``n_blocks`` so the two are compared like for like.
    """
    from ..detect import available_detectors, get_detector

    counterpart, shared = _COUNTERPART.get(name, ("", ()))
    if counterpart not in available_detectors():
        return {}
    demo = get_detector(counterpart).demo_params
    return {key: demo[key] for key in shared if key in demo}


def run_anchor(name: str, graph: InteractionGraph, **params: object) -> DetectionResult:
    """Run anchor ``name`` on ``graph`` (default: :func:`anchor_params`)."""
    if name not in _ANCHORS:
        raise KeyError(f"no anchor named {name!r}; available: {sorted(_ANCHORS)}")
    return _ANCHORS[name][1](graph, **(params or anchor_params(name)))
