"""HoloScope: contrast suspiciousness with dynamic target weights, bursts and drops.

Density alone (Fraudar, average degree) drags in honest users around a
low-density farm. HoloScope (Liu, Hooi, Faloutsos, 2017/2019) weighs each
target *given the suspicious user set A*: the share of the target's activity
that comes from A (its contrast ``q(v) = f_A(v) / f_U(v)``), plus, with
timestamps, the share of its *burst* activity that comes from A. The target's
weight is ``P(v) = b ** (sum of ratios - number of ratios)``: near 1 for a
target that A alone inflated, ``b ** -1`` or less for a popular one that A
merely also visits. The block objective is

    HS(A) = sum_v f_A(v) P(v) / (|A| + sum_v P(v)),

maximized by greedy shaving (remove the user contributing least, update the
weights it changes, keep the best prefix) started from the users on each of
the top-k singular vectors. With times, targets are also weighted by their
sudden drop (``1 + log1p(slope * fall)`` scaled to [1, 2]), and the seeding
SVD runs on the matricized users x (target, day) tensor.

With ratings (``graph.weights``, e.g. 1..5 stars) a third ratio joins the sum:
the *rating deviation* of the target, how far the ratings it gets from A are
from those it gets from everyone else (the TKDE version of the paper). As in
the authors' reference code, ratings fall into low / neutral / high thirds of
the rating range (1..5 stars: [1, 2.5), [2.5, 4), [4, 5]), neutral ones are
dropped, and for each target

    kappa(v) = KL(s_A(v) || s_{U \\ A}(v)) * min(a / o, o / a)

with ``s`` the two-bin (low, high) histograms plus one pseudo-count per bin
and ``a = n_A(v) + 1``, ``o = n_{U \\ A}(v) + 1`` the rating counts (the
balance factor keeps a target A barely touches, or owns outright, from
counting as deviating). The ratio is ``min(kappa(v) / kappa_max, 1)`` with
``kappa_max`` the largest kappa given any whole seed set of the round, and it
is updated with every removal like the other ratios. The formula follows the
authors' reference code (``suspratedivergence``).

Departures from the paper, each for a measured reason: seeds also come from
column-scaled SVDs (``seed_scaling``), since with plain SVDs a low-density
farm owned no top singular vector in our worlds; the drop weight uses log1p
scaling (the reference code's option) so one viral post does not squash
every other drop; seed sets are capped from 50k users (the paper: 500k);
ratings do not enter the seeding SVD (the reference code can add rating bins
to the matricized tensor); ``kappa_max`` is shared by all seeds of a round (the
reference code rescales per start set, which let a 15-user seed on one target
outrank the whole farm in our worlds); ``use_ratings="auto"`` ignores constant
weights.

``needs_times=False``: without timestamps HoloScope runs on topology alone;
with them it uses bursts and drops automatically (``use_times="auto"``), and
rating deviation when the graph has varying weights (``use_ratings="auto"``).
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from ..._checks import check_choice, check_fraction, check_int, check_number
from ..._rng import RNGLike, resolve_rng
from ...graph import InteractionGraph
from ...result import DetectionResult, SuspiciousGroup
from .._groups import block_stats
from .._registry import check_graph, make_result, register_detector
from ._bursts import target_bursts
from ._ratings import (
    event_slots,
    rating_counts,
    rating_deviation,
    rating_totals,
    ratings_enabled,
    seed_ratings,
    seed_scale,
)
from ._shaving import shave
from ._svd import members_first, truncated_svd

__all__ = ["holoscope"]

#: Graphs with more users cap each seed set at ``(n_users + n_columns) ** (1 / 1.6)``
#: users, the strongest loadings first. The paper does so from 500k users; shaving costs
#: ``sum_v deg_A(v)^2`` per seed, so on two cores we start at 50k (a 1M-event world).
SEED_CAP_FROM = 50_000

#: Rating bins as fractions of the rating range: below LOW is a low rating, from HIGH on
#: a high one, neutral between (1..5 stars: [1, 2.5), [2.5, 4), [4, 5], the reference code's).


@register_detector(
    "holoscope",
    family="spectral",
    class_name="HoloScope",
    needs_times=False,
    demo_params={"k": 10, "rng": 0},
)
def holoscope(
    graph: InteractionGraph,
    *,
    k: int = 25,
    base: float = 32.0,
    use_times: str = "auto",
    use_ratings: str = "auto",
    time_bin: float = 3600.0,
    max_bins: int = 500,
    multi_burst: float = 0.5,
    seed_bin: float = 86400.0,
    seed_scaling: str = "both",
    n_blocks: int = 1,
    rng: RNGLike = None,
) -> DetectionResult:
    """HoloScope: the block of users maximizing contrast suspiciousness.

    Parameters
    ----------
    graph : InteractionGraph
    k : int
        Singular vectors whose spokes seed the greedy shaving.
    base : float
        Base ``b`` of the exponential target weight; larger punishes targets
        that A shares with honest users harder (the paper uses 32).
    use_times : {"auto", "yes", "no"}
        Use burst and drop signals: when the graph has times ("auto"),
        always ("yes", error without times) or never.
    use_ratings : {"auto", "yes", "no"}
        Use the rating-deviation signal on ``graph.weights`` (ratings): when
        the graph has weights that are not all equal ("auto"), always ("yes",
        error without weights) or never. Graphs without weights are unaffected.
    time_bin : float
        Smallest bin (seconds) of the per-target time series.
    max_bins : int
        Most bins of one target's series (long-lived targets get wider bins).
    multi_burst : float
        Later peaks at least this share of the highest count as bursts too.
    seed_bin : float
        With times, the SVD seeding the search runs on users x (target,
        ``seed_bin``-second bin), as the paper matricizes its tensor.
    seed_scaling : {"both", "none"}
        ``"both"`` also seeds from the SVD of the seeding matrices with each
        column divided by the square root of its number of users: on plain
        SVDs popular targets own the top singular vectors and a low-density
        farm seeds nothing. The greedy objective is unchanged. ``"none"`` is
        the paper's plain SVD only.
    n_blocks : int
        Blocks to find; each next one is searched with earlier members removed.
    rng : None, int or Generator
        Seeds ARPACK's start vector.

    Returns
    -------
    DetectionResult
        ``user_scores``: the HS value of the best block found from any seed
        (each singular vector's best shaving prefix, the paper's local bests)
        that holds the user; users in none score below, by their activity
        ``sum_v A[u, v] P(v)`` on the winning block's targets. Flagged members
        come first. Groups: the best block of each round with its HS value. ``evidence``:
        ``target_weight`` (P(v) of the first block), ``target_contrast`` (its
        f_A(v)/f_U(v)), ``target_burst_ratio`` (its share of v's in-burst
        events), with ratings ``rating_deviation`` (its rating-deviation
        ratio in [0, 1]) and ``rating_scale`` (the first round's
        ``kappa_max``), and with times ``drop_weight``, ``burst_start``,
        ``burst_peak``, ``drop_slope``, ``drop_fall``, ``bin_width`` per target
        (the per-target series is the histogram of ``graph.times`` of the
        target's events at ``bin_width``); ``objective_curve`` (HS along the
        shaving of the winning seed), ``seed_sizes``, ``local_blocks`` ((HS,
        size) per seed). ``meta``: ``used_times``, ``used_ratings``.

    References
    ----------
    .. [1] S. Liu, B. Hooi, C. Faloutsos. "HoloScope: Topology-and-Spike Aware
       Fraud Detection." CIKM 2017.
    .. [2] S. Liu, B. Hooi, C. Faloutsos. "A Contrast Metric for Fraud
       Detection in Rich Graphs." IEEE TKDE 31(12), 2019 (rating deviation).

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> u, t = rng.integers(0, 300, 1500), rng.integers(0, 200, 1500)
    >>> bu, bt = np.repeat(np.arange(300, 320), 10), np.tile(np.arange(200, 210), 20)
    >>> g = InteractionGraph.from_events(np.r_[u, bu], np.r_[t, bt])
    >>> r = holoscope(g, k=3, rng=0)
    >>> sorted(r.user_ids[r.flagged()].tolist()) == list(range(300, 320))
    True
    >>> stars = np.r_[rng.integers(1, 6, 1500), np.full(200, 5)]  # the farm rates 5 stars
    >>> rated = InteractionGraph.from_events(np.r_[u, bu], np.r_[t, bt], weights=stars)
    >>> r = holoscope(rated, k=3, rng=0)
    >>> deviation = r.evidence["rating_deviation"]
    >>> farm = rated.target_index(np.arange(200, 210))
    >>> r.meta["used_ratings"], bool(deviation[farm].min() > np.median(deviation))
    (True, True)
    """
    started = time.perf_counter()
    check_graph(graph, "holoscope")
    k = check_int("k", k, low=1)
    base = check_number("base", base, low=1.0, low_inclusive=False, what="a number > 1")
    check_choice("use_times", use_times, ("auto", "yes", "no"))
    check_choice("use_ratings", use_ratings, ("auto", "yes", "no"))
    time_bin = check_number(
        "time_bin", time_bin, low=0.0, low_inclusive=False, what="a positive number of seconds"
    )
    max_bins = check_int("max_bins", max_bins, low=2)
    multi_burst = check_fraction("multi_burst", multi_burst)
    check_choice("seed_scaling", seed_scaling, ("both", "none"))
    seed_bin = check_number(
        "seed_bin", seed_bin, low=0.0, low_inclusive=False, what="a positive number of seconds"
    )
    n_blocks = check_int("n_blocks", n_blocks, low=1)
    generator, seed = resolve_rng(rng)
    if use_times == "yes":
        graph.require_times("holoscope(use_times='yes')")
    timed = graph.has_times and use_times != "no" and graph.n_events > 0
    rated = ratings_enabled(graph, use_ratings)

    slot = event_slots(graph) if timed or rated else None  # each event's entry in graph.csr
    weights, burst, evidence = _prepare(graph, slot, timed, time_bin, max_bins, multi_burst)
    ratings = rating_counts(graph, slot) if rated else None
    seed_matrices = _seed_matrices(graph, weights, evidence, timed, seed_bin, seed_scaling)
    groups, first, removed = [], None, np.zeros(graph.n_users, dtype=bool)
    for _ in range(n_blocks):
        found = _best_block(
            weights, burst, ratings, seed_matrices, removed, k, base, timed, generator
        )
        if found is None:
            break
        first = first or found
        users, value = found["users"], found["hs"]
        targets = np.flatnonzero(found["target_weight"] >= 1.0 / base)  # one ratio short of 1
        stats = block_stats(graph, users, targets)
        stats["hs"] = value
        groups.append(SuspiciousGroup(users, targets, value, stats))
        removed[users] = True
    if first is None:
        first = {
            "target_weight": np.zeros(graph.n_targets),
            "curve": np.zeros(0),
            "sizes": [],
            "local": [],
            "rating_deviation": np.zeros(graph.n_targets),
            "rating_scale": 1.0,
        }
    scores = _user_scores(weights @ first["target_weight"], first["local"], graph.n_users)
    scores = members_first(scores, [g.users for g in groups])
    evidence.update(
        {
            "target_weight": first["target_weight"],
            "objective_curve": first["curve"],
            "seed_sizes": np.asarray(first["sizes"]),
            "local_blocks": [(b, len(u)) for u, b in first["local"]],
        }
    )
    if rated:
        evidence["rating_deviation"] = first["rating_deviation"]
        evidence["rating_scale"] = first["rating_scale"]
    params = {
        "k": k,
        "base": base,
        "use_times": use_times,
        "use_ratings": use_ratings,
        "time_bin": time_bin,
        "max_bins": max_bins,
        "multi_burst": multi_burst,
        "seed_bin": seed_bin,
        "seed_scaling": seed_scaling,
        "n_blocks": n_blocks,
        "rng": seed,
    }
    return make_result(
        "holoscope",
        graph,
        scores,
        groups,
        params=params,
        started=started,
        meta={"used_times": bool(timed), "used_ratings": bool(rated)},
        evidence=evidence,
    )


def _prepare(
    graph: InteractionGraph,
    slot: np.ndarray | None,
    timed: bool,
    time_bin: float,
    max_bins: int,
    multi_burst: float,
) -> tuple[sp.csr_matrix, sp.csr_matrix, dict]:
    """Drop-weighted counts matrix and the aligned in-burst counts (same sparsity pattern)."""
    counts = graph.csr.astype(np.float64)
    evidence: dict = {}
    burst = counts.copy()
    burst.data[:] = 0.0
    if not timed:
        return counts, burst, evidence
    out = target_bursts(
        graph.targets,
        graph.times,
        graph.n_targets,
        time_bin=time_bin,
        max_bins=max_bins,
        multi_burst=multi_burst,
    )
    # align per-event burst flags with the CSR entries
    burst.data = np.bincount(slot, weights=out["in_burst"], minlength=counts.nnz)
    strength = np.log1p(out["drop_slope"] * out["drop_fall"])
    drop_weight = 1.0 + strength / strength.max() if strength.max() > 0 else np.ones(len(strength))
    weighted = counts.copy()  # same pattern and entry order as `burst`
    weighted.data = weighted.data * drop_weight[weighted.indices]
    evidence.update(
        {
            key: out[key]
            for key in ("burst_start", "burst_peak", "drop_slope", "drop_fall", "bin_width")
        }
    )
    evidence["drop_weight"] = drop_weight
    return weighted, burst, evidence


def _matricize(graph: InteractionGraph, drop_weight: np.ndarray, seed_bin: float) -> sp.csr_matrix:
    """Users x (target, time bin) counts, drop-weighted: the matricized tensor seeding the SVD.

    A farm packs each target's events into a short window, so per (target,
    day) column it is far denser than the honest activity spread over weeks.
    """
    day = (graph.times - graph.times.min()) // int(seed_bin)
    column = graph.targets.astype(np.int64) * (int(day.max()) + 1) + day
    keys, column = np.unique(column, return_inverse=True)
    target_of = keys // (int(day.max()) + 1)
    matrix = sp.csr_matrix(
        (drop_weight[target_of[column]], (graph.users, column)),
        shape=(graph.n_users, len(keys)),
    )
    matrix.sum_duplicates()
    return matrix


def _scale_columns(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """``A D^-1/2`` with D the number of users per column."""
    users_per_column = np.bincount(matrix.indices, minlength=matrix.shape[1])
    scaled = matrix.copy()
    scaled.data = scaled.data / np.sqrt(users_per_column[scaled.indices] + 1.0)
    return scaled


def _seed_matrices(graph, weights, evidence, timed, seed_bin, seed_scaling) -> list:
    """Matrices whose top singular vectors seed the search.

    Without times: the weighted biadjacency (and, with ``seed_scaling="both"``,
    its column-scaled copy). With times the paper's matricized tensor takes
    the place of the plain biadjacency: users x (target, day), plus its
    column-scaled copy and the column-scaled biadjacency.
    """
    if not timed:
        plain = [weights]
    else:
        plain = [_matricize(graph, evidence["drop_weight"], seed_bin)]
    if seed_scaling == "none":
        return plain
    scaled = [_scale_columns(m) for m in plain]
    if timed:
        scaled.append(_scale_columns(weights))
    return plain + scaled


def _seed_sets(
    seed_matrix: sp.csr_matrix, k: int, generator: np.random.Generator
) -> list[np.ndarray]:
    """Users loading above 1/sqrt(n) on each top singular vector (HoloScope's 'avg' bound)."""
    n_users = seed_matrix.shape[0]
    u, _, _ = truncated_svd(seed_matrix, k, generator)
    limit = n_users
    if n_users > SEED_CAP_FROM:  # the paper caps seeds on big graphs: (n+m)^(1/1.6)
        limit = int(np.ceil((n_users + seed_matrix.shape[1]) ** (1 / 1.6)))
    seeds = []
    for i in range(u.shape[1]):
        loading = u[:, i]
        rows = np.flatnonzero(loading > 1.0 / np.sqrt(n_users))
        rows = rows[np.argsort(-loading[rows], kind="stable")][:limit]
        if len(rows):
            seeds.append(np.sort(rows))
    return seeds


def _best_block(weights, burst, ratings, seed_matrices, removed, k, base, timed, generator):
    """Greedy shaving from each distinct seed set; every seed's best prefix is a local block."""
    if removed.any():  # zero earlier members' entries, keeping the shared sparsity pattern
        gone = np.repeat(removed, np.diff(weights.indptr))
        weights, burst = weights.copy(), burst.copy()
        weights.data[gone] = 0.0
        burst.data[gone] = 0.0
        if ratings is not None:
            ratings = {key: m.copy() for key, m in ratings.items()}
            for m in ratings.values():
                m.data[gone] = 0.0
        keep = sp.diags((~removed).astype(np.float64))
        seed_matrices = [sp.csr_matrix(keep @ m) for m in seed_matrices]
    total_f = np.asarray(weights.sum(axis=0)).ravel()
    total_b = np.asarray(burst.sum(axis=0)).ravel()
    r_u = rating_totals(ratings, weights.shape[1])
    local, curves, sizes = [], [], []
    seeds, seen = [], set()
    for rows in (r for m in seed_matrices for r in _seed_sets(m, k, generator)):
        rows = rows[~removed[rows]]
        if len(rows) and rows.tobytes() not in seen:
            seen.add(rows.tobytes())
            seeds.append(rows)
    # one kappa_max for every seed of the round, so their HS values stay comparable
    r_scale = max((seed_scale(ratings, rows, r_u) for rows in seeds), default=1.0)
    for rows in seeds:
        sub, sub_b = weights[rows], burst[rows]
        csc = sub.tocsc()
        rdata = seed_ratings(ratings, rows)
        order, curve = shave(
            sub.indptr,
            sub.indices,
            sub.data,
            sub_b.data,
            csc.indptr,
            csc.indices,
            csc.data,
            total_f,
            total_b,
            float(base),
            timed,
            rdata,
            r_u,
            r_scale,
            ratings is not None,
        )
        cut = int(np.argmax(curve))  # curve[i] = HS after removing i users
        local.append((np.sort(rows[order[cut:]]), float(curve[cut])))
        curves.append(curve)
        sizes.append(len(rows))
    if not local:
        return None
    win = int(np.argmax([value for _, value in local]))
    users, value = local[win]
    rating = None if ratings is None else (ratings, r_u, r_scale)
    target_weight = _target_weight(weights, burst, users, total_f, total_b, base, timed, rating)
    found = {
        "users": users,
        "hs": value,
        "target_weight": target_weight,
        "curve": curves[win],
        "sizes": sizes,
        "local": local,
    }
    if rating is not None:
        found["rating_deviation"] = rating_deviation(ratings, users, r_u, r_scale)
        found["rating_scale"] = r_scale
    return found


def _user_scores(credit: np.ndarray, local: list, n_users: int) -> np.ndarray:
    """HS of the best local block holding the user; others by their weighted activity, below."""
    scores = np.zeros(n_users)
    for users, value in local:
        scores[users] = np.maximum(scores[users], value)
    member = scores > 0
    floor = scores[member].min() if member.any() else 1.0
    # non-members: monotone in credit, strictly below every local block member
    scores[~member] = 0.5 * floor * credit[~member] / (1.0 + credit[~member])
    return scores


def _target_weight(weights, burst, users, total_f, total_b, base, timed, rating=None) -> np.ndarray:
    """P(v) for block ``users``, recomputed from scratch (no drift from the incremental run).

    ``rating``: None, or ``(ratings, r_u, r_scale)`` to add the rating-deviation ratio.
    """
    contrast, burst_ratio = _ratios(weights, burst, users, total_f, total_b)
    f_a = contrast * total_f
    ratio, n_ratios = (contrast + burst_ratio, 2) if timed else (contrast, 1)
    if rating is not None:
        ratings, r_u, r_scale = rating
        ratio = ratio + rating_deviation(ratings, users, r_u, r_scale)
        n_ratios += 1
    return np.where(f_a > 0, base ** (ratio - n_ratios), 0.0)


def _ratios(weights, burst, users, total_f, total_b) -> tuple[np.ndarray, np.ndarray]:
    """Per target: share of its (weighted) activity and of its in-burst events from ``users``."""
    f_a = np.asarray(weights[users].sum(axis=0)).ravel()
    b_a = np.asarray(burst[users].sum(axis=0)).ravel()
    contrast = np.divide(f_a, total_f, out=np.zeros_like(f_a), where=total_f > 0)
    burst_ratio = np.divide(b_a, total_b, out=np.zeros_like(b_a), where=total_b > 0)
    return contrast, burst_ratio


HoloScope = holoscope.estimator  # type: ignore[attr-defined]
