"""Fraudar: equality with the reference implementation, guarantee, invariants, recovery."""

from __future__ import annotations

import contextlib
import io
import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from graphbot import InteractionGraph
from graphbot.detect import Fraudar, fraudar, get_detector
from graphbot.detect.dense.fraudar import column_weights
from graphbot.errors import InvalidParameterError


def planted_graph(seed: int, n_users: int = 300, n_targets: int = 150, n_edges: int = 3000):
    """Random sparse background plus a denser planted block on the first rows/columns."""
    rng = np.random.default_rng(seed)
    u = rng.integers(0, n_users, n_edges)
    t = (rng.pareto(1.2, n_edges) * 10).astype(np.int64) % n_targets  # skewed popularity
    bu, bt = rng.integers(10, 30), rng.integers(5, 15)
    mask = rng.random((bu, bt)) < 0.6
    pu, pt = np.nonzero(mask)
    users = np.concatenate((u, pu + n_users - bu)).astype(np.int32)
    targets = np.concatenate((t, pt)).astype(np.int32)
    return InteractionGraph(users, targets, user_ids=np.arange(n_users),
                            target_ids=np.arange(n_targets))  # fmt: skip


def as_reference_matrix(graph: InteractionGraph) -> sp.lil_matrix:
    return graph.biadjacency(binary=True, dtype=np.int64).tolil()


def quiet(function, *args):
    with contextlib.redirect_stdout(io.StringIO()):  # the reference prints progress
        return function(*args)


def ordered_blocks(result):
    return sorted(result.groups, key=lambda g: g.stats["block"])


@pytest.fixture(scope="module")
def greedy():
    return pytest.importorskip("fraudar.export.greedy")


@pytest.mark.parametrize("seed", range(6))
def test_same_block_and_score_as_reference(greedy, seed):
    graph = planted_graph(seed)
    (rows, cols), score = quiet(greedy.logWeightedAveDegree, as_reference_matrix(graph))
    block = fraudar(graph).groups[0]
    assert block.users.tolist() == sorted(rows)
    assert block.targets.tolist() == sorted(cols)
    assert block.score == score  # bit-identical, not approximately


@pytest.mark.parametrize("seed", range(2))
def test_several_blocks_match_reference_detect_multiple(greedy, seed):
    graph = planted_graph(seed + 10, n_edges=2000)
    expected = quiet(greedy.detectMultiple, as_reference_matrix(graph),
                     greedy.logWeightedAveDegree, 3)  # fmt: skip
    got = ordered_blocks(fraudar(graph, n_blocks=3))
    assert len(got) == 3
    for block, ((rows, cols), score) in zip(got, expected, strict=True):
        assert block.users.tolist() == sorted(rows)
        assert block.targets.tolist() == sorted(cols)
        assert block.score == score


def test_priors_match_reference(greedy):
    graph = planted_graph(3)
    rng = np.random.default_rng(0)
    pu = rng.random(graph.n_users) * (rng.random(graph.n_users) < 0.2) * 3
    pt = rng.random(graph.n_targets) * (rng.random(graph.n_targets) < 0.2)
    (rows, cols), score = quiet(greedy.logWeightedAveDegree, as_reference_matrix(graph), (pu, pt))
    block = fraudar(graph, user_prior=pu, target_prior=pt).groups[0]
    assert block.users.tolist() == sorted(rows)
    assert block.targets.tolist() == sorted(cols)
    assert block.score == score


def test_sqrt_weighting_matches_reference_kernel(greedy):
    # The reference's sqrtWeightedAveDegree wrapper crashes (it passes a 1 x n
    # matrix as weights), so build its input the way its log wrapper does.
    graph = planted_graph(4)
    m = as_reference_matrix(graph)
    weights = 1.0 / np.sqrt(np.asarray(m.sum(axis=0)).ravel() + 5)
    diag = sp.lil_matrix((graph.n_targets, graph.n_targets))
    diag.setdiag(weights)
    (rows, cols), score = quiet(greedy.fastGreedyDecreasing, m * diag, weights)
    block = fraudar(graph, weighting="sqrt").groups[0]
    assert block.users.tolist() == sorted(rows)
    assert block.targets.tolist() == sorted(cols)
    assert block.score == score


def brute_force_best(graph: InteractionGraph, weights: np.ndarray) -> float:
    dense = graph.biadjacency().toarray() * weights
    best = 0.0
    for nu in range(1, graph.n_users + 1):
        for us in itertools.combinations(range(graph.n_users), nu):
            rowsum = dense[list(us)].sum(axis=0)
            for nt in range(1, graph.n_targets + 1):
                for ts in itertools.combinations(range(graph.n_targets), nt):
                    best = max(best, rowsum[list(ts)].sum() / (nu + nt))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_within_factor_two_of_brute_force_optimum(seed):
    rng = np.random.default_rng(seed)
    n_users, n_targets = 5, 4
    mask = rng.random((n_users, n_targets)) < 0.5
    mask[0, 0] = True
    u, t = np.nonzero(mask)
    graph = InteractionGraph(u, t, user_ids=np.arange(n_users), target_ids=np.arange(n_targets))
    weights = column_weights(graph.target_degrees(), "log")
    optimum = brute_force_best(graph, weights)
    block = fraudar(graph).groups[0]
    value = (graph.biadjacency().toarray() * weights)[np.ix_(block.users, block.targets)].sum()
    assert block.score == pytest.approx(value / (block.n_users + block.n_targets))
    assert optimum / 2 - 1e-12 <= block.score <= optimum + 1e-12


def test_every_user_scored_block_members_highest_deterministic():
    graph = planted_graph(1)
    isolated = InteractionGraph(graph.users, graph.targets,
                                user_ids=np.arange(graph.n_users + 1),
                                target_ids=np.arange(graph.n_targets))  # fmt: skip
    users_before = isolated.users.copy()
    first, second = fraudar(isolated, n_blocks=2), fraudar(isolated, n_blocks=2)
    assert first.user_scores.shape == (isolated.n_users,)
    np.testing.assert_array_equal(first.user_scores, second.user_scores)
    np.testing.assert_array_equal(isolated.users, users_before)
    members = first.flagged()
    outside = np.setdiff1d(np.arange(isolated.n_users), members)
    assert first.user_scores[members].min() > 1 > first.user_scores[outside].max() > 0
    block0 = ordered_blocks(first)[0]
    assert np.all(first.user_scores[block0.users] == first.user_scores.max())
    assert first.user_scores[-1] < 0.01  # the isolated user is peeled first


def test_prior_arrays_not_mutated_and_raise_scores():
    graph = planted_graph(2)
    prior = np.zeros(graph.n_users)
    prior[:5] = 50.0
    saved = prior.copy()
    result = fraudar(graph, user_prior=prior)
    np.testing.assert_array_equal(prior, saved)
    assert set(range(5)) <= set(result.flagged().tolist())


def test_errors_name_the_parameter():
    graph = planted_graph(0)
    with pytest.raises(InvalidParameterError, match="`n_blocks` must be an integer >= 1; got 0"):
        fraudar(graph, n_blocks=0)
    with pytest.raises(InvalidParameterError, match="`weighting` must be one of"):
        fraudar(graph, weighting="exp")
    with pytest.raises(InvalidParameterError, match="`c` must be a number greater than 1; got 1"):
        fraudar(graph, c=1)
    with pytest.raises(InvalidParameterError, match="`user_prior` must have one value per node"):
        fraudar(graph, user_prior=[1.0, 2.0])
    with pytest.raises(InvalidParameterError, match="finite and non-negative"):
        fraudar(graph, target_prior=-np.ones(graph.n_targets))


def test_graph_without_edges_gives_no_group():
    graph = InteractionGraph(np.zeros(0, np.int32), np.zeros(0, np.int32),
                             user_ids=np.arange(3), target_ids=np.arange(2))  # fmt: skip
    result = fraudar(graph)
    assert result.groups == () and result.user_scores.shape == (3,)


def test_estimator_and_registry():
    graph = planted_graph(0)
    est = Fraudar(n_blocks=2).fit(graph)
    assert est.result_.method == "fraudar" and len(est.result_.groups) == 2
    spec = get_detector("fraudar")
    assert spec.family == "dense-block" and not spec.needs_times


@pytest.mark.parametrize("camouflage", ["random", "biased", "hijacked"])
def test_recovers_planted_like_farm_under_camouflage(camouflage):
    synth = pytest.importorskip("graphbot.synth")
    from graphbot.evaluate.metrics import detection_scores

    world = synth.instagram_world(n_users=2000, n_accounts=200, days=30, rng=0)
    graph, truth = synth.inject_like_farm(world, n_bots=200, n_targets=100, density=0.4,
                                          camouflage=camouflage, rng=1)  # fmt: skip
    scores = detection_scores(fraudar(graph), truth, graph)
    assert scores["f1"] >= 0.98
    assert scores["roc_auc"] >= 0.99


def block_average(dense: np.ndarray, users, targets) -> float:
    return dense[np.ix_(users, targets)].sum() / (len(users) + len(targets))


@pytest.mark.parametrize("seed", range(6))
def test_refine_never_lowers_g_and_ends_at_a_local_optimum(seed):
    graph = planted_graph(seed, n_users=60, n_targets=30, n_edges=400)
    dense = graph.biadjacency().toarray() * column_weights(graph.target_degrees(), "log")
    exact, refined = fraudar(graph).groups[0], fraudar(graph, refine=True).groups[0]
    assert refined.score >= exact.score - 1e-12
    assert refined.score == pytest.approx(block_average(dense, refined.users, refined.targets))
    users, targets = set(refined.users.tolist()), set(refined.targets.tolist())
    for side, members, size in ((0, users, graph.n_users), (1, targets, graph.n_targets)):
        for node in range(size):
            moved = members ^ {node}  # add an outsider or remove a member
            if not moved:
                continue
            u, t = (sorted(moved), sorted(targets)) if side == 0 else (sorted(users), sorted(moved))
            if u and t:
                assert block_average(dense, u, t) <= refined.score + 1e-9


@pytest.fixture(scope="module")
def world_20k():
    synth = pytest.importorskip("graphbot.synth")
    return synth.instagram_world(n_users=20_000, rng=0)


@pytest.mark.parametrize("camouflage", ["random", "biased", "hijacked"])
def test_refine_recovers_farm_at_density_03_that_exact_peeling_cuts(world_20k, camouflage):
    # exact greedy peels ~30% of the bots while the background's dense core is
    # still there, or ends on the farm plus a follow-back circle
    from graphbot.evaluate.metrics import detection_scores
    from graphbot.synth import inject_like_farm

    graph, truth = inject_like_farm(world_20k, n_bots=200, n_targets=100, density=0.3,
                                    camouflage=camouflage, rng=1)  # fmt: skip
    exact = detection_scores(fraudar(graph), truth, graph)
    refined_result = fraudar(graph, refine=True)
    refined = detection_scores(refined_result, truth, graph)
    assert exact["f1"] < 0.9
    assert refined["f1"] >= 0.98
    assert refined_result.groups[0].score >= fraudar(graph).groups[0].score
    assert refined_result.params["refine"] is True
