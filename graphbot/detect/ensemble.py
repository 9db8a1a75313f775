"""Ensemble: run several registered detectors and combine their per-user scores.

Scores of different detectors live on different scales (a density, a spectral
loading, a community score), so each detector's scores are first turned into
upper-tail empirical p-values within the population (mid-ranks,
``p_i = (#{j: s_j > s_i} + #{j: s_j = s_i} / 2) / n``). With ``gate`` (the
default) a detector only gives evidence about the users of its own groups, its
own decision: every other user gets ``p = 1/2``, "no evidence". Without the
gate the ordering of the bulk of ordinary users, which is mostly activity,
drowns the signal (measured in ``benchmarks/bench_community.py``). A detector
that tests every user itself (``evidence["user_pvalues"]``: BurstLink's Poisson
test of a user's burst hits given their activity) gives those p-values as
they are, for every user: they are calibrated, so they need no gate.

Combinations (``combine``):

``"cauchy"`` (default)
    Cauchy combination (ACAT, Liu and Xie, 2020), valid under arbitrary
    dependence: ``T = mean_d tan((1/2 - p_d) pi)``, score ``-log10 p`` with
    ``p = 1/2 - arctan(T) / pi``; p-values above 0.99 are truncated. It is
    dominated by the single smallest p-value, so a user one detector is sure
    of comes first. Chosen on 79 graphs of the benchmark grid (ROC-AUC 0.813,
    AP 0.575 against BurstLink's 0.807 / 0.556; SML 0.788 / 0.589, rank
    averaging 0.814 / 0.596); on the whole grid (472 graphs) it ranks farms
    better than every member: 0.814 / 0.572 against BurstLink's 0.803 / 0.542.
``"sml"``
    Spectral meta-learner (Parisi et al., 2014): a weighted mean of ``1 - p``
    whose weights are estimated *without labels* from the covariance of the
    detectors. If detectors err independently given the true class, the
    off-diagonal covariance is rank one and its leading vector grows with each
    detector's balanced accuracy, so detectors that agree with the consensus
    weigh more and a detector that only adds noise (the degree baseline on a
    farm it cannot see) gets weight near zero. The detectors here are not
    conditionally independent (they read the same edges); the weights are a
    heuristic then, reported in ``meta["weights"]``. A farm only one detector
    sees gets that detector weight near zero.
``"rank_mean"``
    Equal-weight mean of ``1 - p``: classic rank averaging.
``"max_rank"``
    Maximum of ``1 - p`` over detectors.

The ensemble's own decision (its groups) comes from its *tested* components
(``get_detector(name).tested``: CopyCatch, SynchroTrap, BurstLink and the
co-action communities), and it is one decision, not a union of theirs: every
group each of them tested (``evidence["tested_groups"]``, significant or not)
is pooled, groups whose users overlap (Jaccard >= ``merge_jaccard``) are
merged -- a farm four detectors found is one hypothesis -- and the merged
groups go through one decision at false discovery rate ``fdr``: timing
against the graph's own null (both passes, across all detectors: organic
users on a farm's targets are timed without the farm's events, whichever
detector found it), audiences left out, Benjamini-Hochberg (see
:mod:`graphbot.detect._significance`). The flag promises: among the groups
flagged, the expected share that are chance is at most ``fdr`` -- however many
detectors run. Ranking components (Fraudar, fBox, HoloScope,
degree) always return their top users, farm or not -- Fraudar's block holds
378 of MovieLens's 943 users with no farm planted -- so they add weight to the
scores but never flag anybody. ``min_vote`` (default 0: off) further asks the
detectors backing a user to carry that share of the combination weight. It
used to be the only rule (0.2, every detector deciding); that lost every farm
that a single detector sees: the SML weights measure agreement, so BurstLink
alone on a farm at density 0.02 got weight 0 while the correlated rankers got
almost all of it. When no component is tested (a user's own choice), all of
them decide, with ``min_vote``.

Scores: members of the decision score above everybody else (so the decision
is a threshold on the scores), and inside both parts users are ordered by the
combination.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.stats import rankdata

from .._checks import check_choice, check_fraction
from .._rng import RNGLike, resolve_rng
from ..errors import InputTypeError, InvalidParameterError
from ..graph import InteractionGraph
from ..result import DetectionResult, SuspiciousGroup
from ._groups import block_stats
from ._registry import (
    available_detectors,
    check_graph,
    get_detector,
    make_result,
    register_detector,
)
from ._significance import decide_groups

__all__ = [
    "ensemble", "DEFAULT_DETECTORS", "COMBINATIONS", "combine_scores", "combine_pvalues",
    "sml_weights", "upper_tail_pvalues",
]  # fmt: skip

#: Detectors the ensemble runs by default, those registered at run time.
DEFAULT_DETECTORS = (
    "copycatch", "synchrotrap", "burstlink", "fraudar", "fbox", "holoscope",
    "coaction_community", "degree",
)  # fmt: skip
COMBINATIONS = ("sml", "cauchy", "rank_mean", "max_rank")

_P_MAX = 0.99


def upper_tail_pvalues(scores: np.ndarray) -> np.ndarray:
    """Mid-rank upper-tail empirical p-values of ``scores`` within their own population.

    Examples
    --------
    >>> upper_tail_pvalues(np.array([0.0, 0.0, 5.0, 1.0])).tolist()
    [0.75, 0.75, 0.125, 0.375]
    """
    n = len(scores)
    below_or_tied = rankdata(scores, method="average")  # 1-based mid-rank from the bottom
    return (n - below_or_tied + 0.5) / n


def sml_weights(evidence: np.ndarray, *, n_iter: int = 100) -> np.ndarray:
    """Spectral meta-learner weights of (n_detectors, n_users) evidence, without labels.

    If detectors err independently given the true class, the off-diagonal
    covariance of their scores is rank one, ``Q_ij = v_i v_j``, with ``v_i``
    growing with detector ``i``'s balanced accuracy (Parisi et al., 2014). The
    diagonal is filled in iteratively with the rank-one fit; negative weights
    (a detector disagreeing with the consensus) are set to zero.

    Examples
    --------
    Three detectors of decreasing accuracy and one that is pure noise:

    >>> rng = np.random.default_rng(0)
    >>> truth = rng.random(2000) < 0.1
    >>> scores = [truth + s * rng.random(2000) for s in (0.5, 1.0, 3.0)] + [rng.random(2000)]
    >>> ranks = np.vstack([1 - upper_tail_pvalues(s) for s in scores])
    >>> sml_weights(ranks).round(2).tolist()
    [0.37, 0.36, 0.26, 0.01]
    """
    x = np.atleast_2d(np.asarray(evidence, dtype=np.float64))
    if len(x) == 1:
        return np.ones(1)
    cov = np.cov(x)
    fitted = cov.copy()
    v = np.zeros(len(x))
    for _ in range(n_iter):
        values, vectors = np.linalg.eigh(fitted)
        v = vectors[:, -1] * np.sqrt(max(values[-1], 0.0))
        np.fill_diagonal(fitted, v**2)
    v = v * np.sign(v.sum()) if v.sum() != 0 else v
    v = np.clip(v, 0.0, None)
    return v / v.sum() if v.sum() > 0 else np.full(len(x), 1.0 / len(x))


def combine_pvalues(
    pvalues: np.ndarray, *, combine: str = "cauchy", weights: np.ndarray | None = None
) -> np.ndarray:
    """Combine a (n_detectors, n_users) matrix of upper-tail p-values into one score per user.

    ``"sml"`` and ``"rank_mean"`` are weighted means of ``1 - p`` (pass the SML
    weights for ``"sml"``), ``"max_rank"`` the maximum, ``"cauchy"`` the
    weighted Cauchy combination reported as ``-log10`` of the combined p-value.

    Examples
    --------
    >>> p = np.array([[0.001, 0.5], [0.9, 0.5]])
    >>> combine_pvalues(p, combine="rank_mean").round(3).tolist()
    [0.55, 0.5]
    """
    check_choice("combine", combine, COMBINATIONS)
    p = np.atleast_2d(pvalues)
    w = np.ones(len(p)) if weights is None else np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    if combine in ("sml", "rank_mean"):
        return w @ (1.0 - p)
    if combine == "max_rank":
        return (1.0 - p).max(axis=0)
    stat = w @ np.tan((0.5 - np.minimum(p, _P_MAX)) * np.pi)
    # 1/2 - arctan(T)/pi, written without cancellation for large positive T.
    combined = np.where(
        stat > 0, np.arctan(1.0 / np.maximum(stat, 1e-300)) / np.pi, 0.5 - np.arctan(stat) / np.pi
    )
    return -np.log10(np.maximum(combined, 1e-300))


def combine_scores(score_matrix: np.ndarray, *, combine: str = "rank_mean") -> np.ndarray:
    """Combine a (n_detectors, n_users) matrix of scores via their population rank p-values.

    Examples
    --------
    >>> s = np.array([[0.0, 0.0, 9.0, 1.0], [3.0, 2.0, 0.0, 1.0]])
    >>> combine_scores(s).round(3).tolist()
    [0.562, 0.438, 0.5, 0.5]
    >>> int(np.argmax(combine_scores(s, combine="cauchy")))
    0
    """
    p = np.vstack([upper_tail_pvalues(row) for row in np.atleast_2d(score_matrix)])
    weights = sml_weights(1.0 - p) if combine == "sml" else None
    return combine_pvalues(p, combine=combine, weights=weights)


@register_detector(
    "ensemble",
    family="ensemble",
    class_name="Ensemble",
    needs_times=False,
    demo_params={},
)
def ensemble(
    graph: InteractionGraph,
    *,
    detectors: Sequence[str] | None = None,
    combine: str = "cauchy",
    gate: bool = True,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    min_vote: float = 0.0,
    merge_jaccard: float = 0.5,
    fdr: float = 0.05,
    rng: RNGLike = None,
) -> DetectionResult:
    """Run several detectors and combine their scores (label-free spectral weights by default).

    Parameters
    ----------
    graph : InteractionGraph
    detectors : sequence of str, optional
        Registered detector names. Default: those of :data:`DEFAULT_DETECTORS`
        that are registered (and, without timestamps, that do not need them).
    combine : {"sml", "cauchy", "rank_mean", "max_rank"}
        How per-detector scores are combined (see the module docstring).
    gate : bool
        Use a detector's rank only for the users of its own groups.
    params : mapping, optional
        Keyword arguments per detector name, e.g. ``{"fraudar": {"n_blocks": 2}}``.
    min_vote : float in [0, 1]
        A flagged user also needs the detectors putting it in one of the
        merged groups to carry at least this share of the combination weight
        (default 0: the tested components' groups decide alone).
    merge_jaccard : float in (0, 1]
        Groups of different detectors whose users overlap at least this much
        (Jaccard) are merged.
    fdr : float in (0, 1]
        False discovery rate of the decision, across every group tested by
        every deciding component.
    rng : None, int or Generator
        Each detector gets its own seed drawn from it.

    Returns
    -------
    DetectionResult
        ``evidence["scores"]`` holds every component's user scores,
        ``evidence["combined"]`` the combination before flagged users are
        lifted, ``meta["components"]`` the components' names, seeds and
        runtimes, ``meta["deciders"]`` the components whose groups decide.

    References
    ----------
    .. [1] F. Parisi, F. Strino, B. Nadler, Y. Kluger, "Ranking and combining
       multiple predictors without labeled data", PNAS 111 (2014).
    .. [2] Y. Liu, J. Xie, "Cauchy combination test: a powerful test with
       analytic p-value calculation under arbitrary dependency structures",
       JASA 115 (2020).
    .. [3] C. C. Aggarwal, S. Sathe, "Theoretical foundations and algorithms
       for outlier ensembles", SIGKDD Explorations 17 (2015).

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> users = [f"bot{i}" for i in range(5) for _ in range(5)] + ["ann", "bob", "bob"]
    >>> targets = [f"t{j}" for _ in range(5) for j in range(5)] + ["t0", "x", "y"]
    >>> g = InteractionGraph.from_events(users, targets)
    >>> r = ensemble(g, detectors=["degree", "fraudar"], rng=0)
    >>> sorted(r.user_ids[r.flagged()].tolist())
    ['bot0', 'bot1', 'bot2', 'bot3', 'bot4']
    """
    started = time.perf_counter()
    check_graph(graph, "ensemble")
    check_choice("combine", combine, COMBINATIONS)
    min_vote = check_fraction("min_vote", min_vote, allow_zero=True)
    merge_jaccard = check_fraction("merge_jaccard", merge_jaccard)
    fdr = check_fraction("fdr", fdr)
    names = _resolve_detectors(detectors, graph)
    params = _check_params(params, names)
    generator, seed = resolve_rng(rng)

    results, components, pvalues = [], [], []
    for name in names:
        result = _run_component(name, graph, params, generator)
        results.append(result)
        pvalues.append(_gated_pvalues(result, gate))
        components.append(
            {
                "name": name,
                "rng": result.params.get("rng"),
                "runtime_s": result.meta.get("runtime_s"),
            }
        )
    matrix = np.vstack(pvalues)
    weights = sml_weights(1.0 - matrix) if combine == "sml" else np.ones(len(names))
    combined = combine_pvalues(matrix, combine=combine, weights=weights)
    deciders = np.array([get_detector(n).tested for n in names])
    if not deciders.any():
        deciders[:] = True
    clusters = _pooled_clusters(graph, results, deciders, merge_jaccard)
    decided = _voted(
        graph, results, weights / weights.sum(), min_vote,
        _decide_clusters(graph, clusters, fdr, generator),
    )  # fmt: skip
    flagged = np.zeros(graph.n_users, dtype=bool)
    for users, _, _ in decided:
        flagged[users] = True
    scores = combined + flagged * (float(combined.max(initial=0.0)) + 1.0)
    groups = [
        SuspiciousGroup(users, targets, float(scores[users].mean()),
                        {**block_stats(graph, users, targets), "detectors": names_})
        for users, targets, names_ in decided
    ]  # fmt: skip
    out_params = {
        "detectors": tuple(names), "combine": combine, "gate": gate,
        "params": {k: dict(v) for k, v in params.items()},
        "min_vote": min_vote, "merge_jaccard": merge_jaccard, "fdr": fdr, "rng": seed,
    }  # fmt: skip
    evidence = {
        "scores": {r.method: r.user_scores for r in results},
        "pvalues": {r.method: p for r, p in zip(results, pvalues)},
        "combined": combined,
    }
    return make_result(
        "ensemble", graph, scores, groups, params=out_params, started=started,
        meta={"components": components, "weights": dict(zip(names, weights.tolist())),
              "deciders": [n for n, d in zip(names, deciders) if d]},
        evidence=evidence,
    )  # fmt: skip


def _run_component(
    name: str,
    graph: InteractionGraph,
    params: Mapping[str, Mapping[str, Any]],
    generator: np.random.Generator,
) -> DetectionResult:
    spec = get_detector(name)
    kwargs = dict(params.get(name, {}))
    if "rng" in inspect.signature(spec.function).parameters and "rng" not in kwargs:
        kwargs["rng"] = int(generator.integers(0, 2**63 - 1))
    return spec.function(graph, **kwargs)


def _gated_pvalues(result: DetectionResult, gate: bool) -> np.ndarray:
    """Rank p-values; with ``gate``, users outside the detector's groups get 1/2 (no evidence)."""
    calibrated = result.evidence.get("user_pvalues") if result.evidence else None
    if calibrated is not None:  # the detector tested each user itself: use as is
        return np.asarray(calibrated, dtype=np.float64)
    p = upper_tail_pvalues(result.user_scores)
    if not gate:
        return p
    flagged = result.flagged()
    out = np.full(len(p), 0.5)
    out[flagged] = np.minimum(p[flagged], 0.5)
    return out


def _resolve_detectors(detectors: Sequence[str] | None, graph: InteractionGraph) -> list[str]:
    if detectors is None:
        registered = set(available_detectors())
        names = [
            n for n in DEFAULT_DETECTORS
            if n in registered and (graph.has_times or not get_detector(n).needs_times)
        ]  # fmt: skip
        if not names:
            raise InvalidParameterError("no default detector is registered; pass `detectors`")
        return names
    if isinstance(detectors, str) or not isinstance(detectors, Sequence):
        raise InputTypeError(
            f"`detectors` must be a list of detector names; got {type(detectors).__name__}"
        )
    if not detectors:
        raise InvalidParameterError("`detectors` must name at least one detector; got []")
    names = list(dict.fromkeys(detectors))
    for name in names:
        if name == "ensemble":
            raise InvalidParameterError("`detectors` must not contain 'ensemble' itself")
        if get_detector(name).needs_times:
            graph.require_times(f"detector {name!r} of the ensemble")
    return names


def _check_params(
    params: Mapping[str, Mapping[str, Any]] | None, names: list[str]
) -> dict[str, Mapping[str, Any]]:
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise InputTypeError(f"`params` must map detector names to kwargs; got {params!r}")
    unknown = sorted(set(params) - set(names))
    if unknown:
        raise InvalidParameterError(
            f"`params` names detectors that are not run: {unknown}; running {names}"
        )
    return dict(params)


def _pooled_clusters(
    graph: InteractionGraph,
    results: list[DetectionResult],
    deciders: np.ndarray,
    merge_jaccard: float,
) -> list[dict[str, Any]]:
    """Every group the deciding components tested, merged when their users overlap.

    A farm four detectors found is one hypothesis, not four (four would loosen
    the step-up bar for everything else). A component without tested groups
    (one that does not test, when no tested component runs) contributes its
    own groups, as decided.
    """
    pool = []
    for k, result in enumerate(results):
        if not deciders[k]:
            continue
        tested = result.evidence.get("tested_groups") if result.evidence else None
        for group in tested if tested is not None else result.groups:
            if group.n_users:
                decided = tested is None or bool(group.stats.get("significant", False))
                pool.append((k, group, decided))
    sets = [set(g.users.tolist()) for _, g, _ in pool]
    parent = list(range(len(pool)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(pool)):
        for j in range(i + 1, len(pool)):
            union = len(sets[i] | sets[j])
            if union and len(sets[i] & sets[j]) / union >= merge_jaccard:
                parent[root(i)] = root(j)
    clusters: dict[int, list[int]] = {}
    for i in range(len(pool)):
        clusters.setdefault(root(i), []).append(i)
    return [_cluster(graph, [pool[i] for i in members]) for members in clusters.values()]


def _cluster(graph: InteractionGraph, parts: list[tuple[int, SuspiciousGroup, bool]]):
    users = np.unique(np.concatenate([g.users for _, g, _ in parts]))
    targets = np.unique(np.concatenate([g.targets for _, g, _ in parts]))
    own = [float(g.stats.get("own_p_value", 0.0)) for _, g, _ in parts]
    return {
        "users": users, "targets": targets, "components": sorted({k for k, _, _ in parts}),
        "own_p_value": min(own), "decided_alone": any(d for _, _, d in parts),
    }  # fmt: skip


def _decide_clusters(
    graph: InteractionGraph, clusters: list[dict[str, Any]], fdr: float, generator
) -> list[dict[str, Any]]:
    """The clusters one decision flags: both passes of :func:`decide_groups` over all of them.

    Without times there is nothing to time: a cluster stands when one of its
    components decided it.
    """
    if not graph.has_times:
        return [c for c in clusters if c["decided_alone"]]
    decision = decide_groups(
        graph, [(c["users"], c["targets"]) for c in clusters], fdr=fdr,
        own_pvalues=[c["own_p_value"] for c in clusters], rng=generator,
    )  # fmt: skip
    return [c for c, flag in zip(clusters, decision.flagged) if flag]


def _voted(
    graph: InteractionGraph,
    results: list[DetectionResult],
    weights: np.ndarray,
    min_vote: float,
    decided: list[dict[str, Any]],
) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """Users of the decided clusters backed by at least ``min_vote`` of the weight.

    A user's backing counts every detector (deciding or not) that flags it,
    and the cluster's own components. Returns ``(users, targets, detectors)``.
    """
    flagged = np.zeros((len(results), graph.n_users), dtype=bool)
    for k, r in enumerate(results):
        flagged[k, r.flagged()] = True
    out = []
    for cluster in decided:
        in_u = np.zeros(graph.n_users, dtype=bool)
        in_u[cluster["users"]] = True
        backing = flagged.copy()
        backing[cluster["components"]] |= in_u
        backers = np.flatnonzero((backing & in_u).any(axis=1))
        votes = weights[backers] @ backing[backers]
        users = np.flatnonzero(in_u & (votes >= min_vote - 1e-12))
        if len(users):
            names = ",".join(sorted({results[k].method for k in backers}))
            out.append((users, cluster["targets"], names))
    return out


Ensemble = ensemble.estimator  # type: ignore[attr-defined]
