"""fBox: users whose activity the top singular vectors fail to explain.

Spectral methods see attacks big enough to own a top singular vector; fBox
(Shah et al., 2014) catches the small, stealthy ones they miss. With the
rank-k SVD ``A ~ U S V^T`` of the biadjacency, the *reconstructed degree* of
user i is ``||U_i S||_2`` (the length of its row projected on the top-k right
singular space) and its actual degree is ``||A_i||_2 = sqrt(d_i)``. Honest
users act on targets that other users also act on, so the projection keeps
much of their row; a small farm acting on its own few targets projects to
almost nothing. fBox flags, per degree, users whose reconstructed degree is
below the ``percentile``-th percentile of users with the same degree.

Here the spectral reconstruction ratio ``srr = ||U_i S|| / sqrt(d_i)`` (in
[0, 1]) is compared within degree buckets: exact degrees while a degree has at
least ``min_bucket`` users, logarithmic bins merging the sparse tail beyond.
The same test on the columns flags the targets (customers) the attack boosts.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from ..._checks import check_int, check_number
from ..._rng import RNGLike, resolve_rng
from ...graph import InteractionGraph
from ...result import DetectionResult, SuspiciousGroup
from .._groups import block_stats
from .._registry import check_graph, make_result, register_detector
from ._svd import members_first, truncated_svd

__all__ = ["fbox"]

_EPS = 1e-3  # floor of the reconstruction ratio in the score, so zeros stay finite


@register_detector("fbox", family="spectral", class_name="FBox", demo_params={"k": 25, "rng": 0})
def fbox(
    graph: InteractionGraph,
    *,
    k: int = 25,
    percentile: float = 1.0,
    min_degree: int = 2,
    min_bucket: int = 200,
    rng: RNGLike = None,
) -> DetectionResult:
    """fBox: flag users badly explained by the rank-``k`` reconstruction, per degree.

    Parameters
    ----------
    graph : InteractionGraph
    k : int
        Rank of the sparse SVD (ARPACK, never dense).
    percentile : float
        fBox's tau, in (0, 100]: a user is flagged when its reconstruction
        ratio is at or below this percentile of its degree bucket and strictly
        below the bucket median.
    min_degree : int
        Users acting on fewer distinct targets are scored but never flagged
        (a single action carries no lockstep evidence).
    min_bucket : int
        Smallest number of users a degree bucket must hold before its
        percentile is trusted; sparser degrees are merged into log bins.
    rng : None, int or Generator
        Seeds ARPACK's start vector.

    Returns
    -------
    DetectionResult
        ``user_scores``: ``log((median_bucket_srr + 1e-3) / (srr + 1e-3))``, how
        much worse than its degree bucket's typical user the row is explained,
        shifted so flagged users come first.
        ``evidence``: ``degree``, ``reconstructed_degree`` (the fBox scatter),
        ``srr``, ``bucket``, ``bucket_threshold`` per user, and the same for
        targets (``target_degree``, ``target_reconstructed_degree``,
        ``target_flagged``).

    Notes
    -----
    By design at most about ``percentile`` % of each bucket is flagged, so a
    farm larger than that share of its degree bucket saturates it; such farms
    are big enough for SpokEn or the dense-block detectors.

    References
    ----------
    .. [1] N. Shah, A. Beutel, B. Gallagher, C. Faloutsos. "Spotting Suspicious
       Link Behavior with fBox: An Adversarial Perspective." ICDM 2014.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> u = np.repeat(np.arange(400), 5)
    >>> t = rng.choice(30, size=2000)
    >>> u = np.r_[u, np.repeat([400, 401, 402], 5)]
    >>> t = np.r_[t, np.tile(np.arange(30, 35), 3)]
    >>> g = InteractionGraph.from_events(u, t)
    >>> r = fbox(g, k=5, percentile=1.0, rng=0)
    >>> sorted(set(r.user_ids[r.flagged()].tolist()) & {400, 401, 402})
    [400, 401, 402]
    """
    started = time.perf_counter()
    check_graph(graph, "fbox")
    k = check_int("k", k, low=1)
    percentile = check_number(
        "percentile",
        percentile,
        low=0.0,
        high=100.0,
        low_inclusive=False,
        what="a percentile in (0, 100]",
    )
    min_degree = check_int("min_degree", min_degree, low=1)
    min_bucket = check_int("min_bucket", min_bucket, low=1)
    generator, seed = resolve_rng(rng)

    matrix = graph.biadjacency(binary=True)
    u, s, vt = truncated_svd(matrix, k, generator)
    user_side = _side(graph.user_degrees(), u * s, percentile, min_degree, min_bucket)
    target_side = _side(graph.target_degrees(), vt.T * s, percentile, min_degree, min_bucket)

    flagged = np.flatnonzero(user_side["flagged"])
    scores = members_first(user_side["badness"], [flagged])
    groups = []
    if len(flagged):
        targets = _group_targets(matrix, flagged, target_side["flagged"])
        stats = block_stats(graph, flagged, targets)
        stats["mean_srr"] = float(user_side["srr"][flagged].mean())
        groups.append(SuspiciousGroup(flagged, targets, 1.0 - stats["mean_srr"], stats))
    params = {
        "k": k,
        "percentile": percentile,
        "min_degree": min_degree,
        "min_bucket": min_bucket,
        "rng": seed,
    }
    evidence = {
        "degree": user_side["degree"],
        "reconstructed_degree": user_side["recon"],
        "srr": user_side["srr"],
        "bucket": user_side["bucket"],
        "bucket_threshold": user_side["threshold"],
        "singular_values": s,
        "target_degree": target_side["degree"],
        "target_reconstructed_degree": target_side["recon"],
        "target_flagged": np.flatnonzero(target_side["flagged"]),
    }
    return make_result(
        "fbox",
        graph,
        scores,
        groups,
        params=params,
        started=started,
        meta={"n_components": len(s)},
        evidence=evidence,
    )


def _side(
    degree: np.ndarray, embedding: np.ndarray, percentile: float, min_degree: int, min_bucket: int
) -> dict[str, np.ndarray]:
    """Reconstruction ratio and the per-bucket percentile rule for one side of the graph."""
    degree = np.asarray(degree, dtype=np.int64)
    recon = np.sqrt((embedding**2).sum(axis=1)) if embedding.size else np.zeros(len(degree))
    actual = np.sqrt(np.maximum(degree, 1))
    srr = np.clip(recon / actual, 0.0, 1.0)
    srr[degree == 0] = 1.0  # nothing to explain
    bucket = _degree_buckets(degree, min_bucket)
    threshold = np.full(len(degree), -1.0)
    median_of = np.ones(len(degree))
    flagged = np.zeros(len(degree), dtype=bool)
    eligible = degree >= min_degree
    order = np.lexsort((srr, bucket))
    bounds = np.flatnonzero(np.diff(bucket[order])) + 1
    for members in np.split(order, bounds):
        members = members[eligible[members]]
        if len(members) == 0:
            continue
        values = srr[members]
        cut = np.percentile(values, percentile)
        median = np.median(values)
        threshold[members] = cut
        median_of[members] = median
        flagged[members] = (values <= cut) & (values < median)
    # how many times worse than its bucket's typical user the row is explained
    badness = np.log((median_of + _EPS) / (srr + _EPS))
    return {
        "degree": degree,
        "recon": recon,
        "srr": srr,
        "bucket": bucket,
        "threshold": threshold,
        "flagged": flagged,
        "badness": badness,
    }


def _degree_buckets(degree: np.ndarray, min_bucket: int) -> np.ndarray:
    """Exact degrees while populous enough, then log2 bins, merged until each holds min_bucket."""
    counts = np.bincount(degree)
    exact_limit = (
        int(np.argmax(counts < min_bucket)) if (counts < min_bucket).any() else len(counts)
    )
    exact_limit = max(exact_limit, 1)
    # fine log bins above the last populous exact degree
    log_bin = np.floor(4 * np.log2(np.maximum(degree, 1) / exact_limit)).astype(np.int64)
    bucket = np.where(degree < exact_limit, degree, exact_limit + np.maximum(log_bin, 0))
    # merge sparse buckets upward into their successor (the tail merges downward)
    keys, sizes = np.unique(bucket, return_counts=True)
    merged = np.empty(len(keys), dtype=np.int64)
    current, held = keys[0], 0
    for i in range(len(keys)):
        if held >= min_bucket:
            current, held = keys[i], 0
        merged[i] = current
        held += sizes[i]
    if held < min_bucket and len(keys) > 1:  # last bucket too small: join the previous one
        last = merged[-1]
        previous = merged[merged < last]
        if len(previous):
            merged[merged == last] = previous[-1]
    return merged[np.searchsorted(keys, bucket)]


def _group_targets(
    matrix: sp.csr_matrix, users: np.ndarray, flagged_targets: np.ndarray
) -> np.ndarray:
    """Targets of the flagged users that are themselves badly reconstructed (else all of theirs)."""
    touched = np.unique(matrix[users].indices)
    suspicious = touched[flagged_targets[touched]]
    return suspicious if len(suspicious) else touched


FBox = fbox.estimator  # type: ignore[attr-defined]
