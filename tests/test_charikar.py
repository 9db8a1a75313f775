"""Charikar peeling: reference equality, 1/2-approximation, invariants, recovery."""

from __future__ import annotations

import contextlib
import io
import itertools

import numpy as np
import pytest

from graphbot import InteractionGraph
from graphbot.detect import Charikar, charikar, fraudar, get_detector
from graphbot.errors import InvalidParameterError


def random_graph(seed: int, n_users: int = 200, n_targets: int = 100, n_edges: int = 1500):
    rng = np.random.default_rng(seed)
    u = rng.integers(0, n_users, n_edges)
    t = rng.integers(0, n_targets, n_edges)
    bu, bt = 15, 8
    pu, pt = np.nonzero(rng.random((bu, bt)) < 0.7)
    ids = {"user_ids": np.arange(n_users), "target_ids": np.arange(n_targets)}
    return InteractionGraph(np.concatenate((u, pu)), np.concatenate((t, pt + 20)), **ids)


@pytest.mark.parametrize("seed", range(4))
def test_same_block_and_score_as_reference_ave_degree(seed):
    greedy = pytest.importorskip("fraudar.export.greedy")
    graph = random_graph(seed)
    matrix = graph.biadjacency(binary=True, dtype=np.int64).tolil()
    with contextlib.redirect_stdout(io.StringIO()):
        (rows, cols), score = greedy.aveDegree(matrix)
    block = charikar(graph).groups[0]
    assert block.users.tolist() == sorted(rows)
    assert block.targets.tolist() == sorted(cols)
    assert block.score == score


def test_score_is_edges_per_node_of_the_block():
    graph = random_graph(7)
    block = charikar(graph).groups[0]
    assert block.score == pytest.approx(block.stats["n_edges"] / (block.n_users + block.n_targets))


@pytest.mark.parametrize("seed", range(10))
def test_half_approximation_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    n_users, n_targets = 5, 5
    mask = rng.random((n_users, n_targets)) < 0.45
    mask[0, 0] = True
    dense = mask.astype(float)
    u, t = np.nonzero(mask)
    graph = InteractionGraph(u, t, user_ids=np.arange(n_users), target_ids=np.arange(n_targets))
    best = 0.0
    for nu in range(1, n_users + 1):
        for us in itertools.combinations(range(n_users), nu):
            col = dense[list(us)].sum(axis=0)
            for nt in range(1, n_targets + 1):
                for ts in itertools.combinations(range(n_targets), nt):
                    best = max(best, col[list(ts)].sum() / (nu + nt))
    score = charikar(graph).groups[0].score
    assert best / 2 <= score <= best + 1e-12


def test_equals_fraudar_without_weighting():
    graph = random_graph(3)
    a, b = charikar(graph, n_blocks=2), fraudar(graph, n_blocks=2, weighting="none")
    np.testing.assert_array_equal(a.user_scores, b.user_scores)
    assert [g.score for g in a.groups] == [g.score for g in b.groups]


def test_invariants_and_errors():
    graph = random_graph(0)
    first, second = charikar(graph, n_blocks=2), charikar(graph, n_blocks=2)
    assert first.user_scores.shape == (graph.n_users,)
    np.testing.assert_array_equal(first.user_scores, second.user_scores)
    assert len(first.groups) == 2
    assert first.user_scores[first.flagged()].min() > 1
    with pytest.raises(InvalidParameterError, match="`n_blocks` must be an integer >= 1; got -1"):
        charikar(graph, n_blocks=-1)
    assert Charikar().fit(graph).result_.method == "charikar"
    assert get_detector("charikar").family == "dense-block"


def test_finds_planted_block_without_camouflage():
    graph = random_graph(5)
    block = charikar(graph).groups[0]
    planted = set(range(15))
    assert len(planted & set(block.users.tolist())) >= 13
    assert len(set(block.targets.tolist()) & set(range(20, 28))) >= 7
