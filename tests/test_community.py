"""Co-action communities: clustering wrappers, evidence, and the coaction_community detector."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from graphbot import InteractionGraph, InvalidParameterError
from graphbot.community import cluster as cluster_module
from graphbot.community import (
    cluster_users,
    community_evidence,
    shuffle_times_within_users,
    suspiciousness,
)
from graphbot.detect import CoactionCommunity, coaction_community, get_detector
from graphbot.evaluate.metrics import detection_scores, group_jaccard
from graphbot.synth import (
    inject_comment_farm,
    inject_follow_farm,
    inject_like_farm,
    instagram_world,
)

needs_igraph = pytest.mark.skipif(not cluster_module.has_igraph(), reason="igraph not installed")


@pytest.fixture(scope="module")
def farmed():
    """A 2000-user world with three dense farms of different kinds."""
    world = instagram_world(2000, rng=0)
    g, truth = inject_like_farm(
        world, n_bots=80, n_targets=40, density=0.3, camouflage="biased", rng=1
    )
    g, truth = inject_follow_farm(g, n_bots=60, n_targets=10, density=0.5, truth=truth, rng=2)
    g, truth = inject_comment_farm(
        g, n_bots=50, n_targets=30, density=0.25, camouflage="random", truth=truth, rng=3
    )
    return g, truth


@pytest.fixture(scope="module")
def farmed_result(farmed):
    g, _ = farmed
    return coaction_community(g, rng=0)


def _two_cliques(k: int = 8) -> sp.csr_matrix:
    block = np.ones((k, k)) - np.eye(k)
    dense = np.zeros((2 * k, 2 * k))
    dense[:k, :k] = block
    dense[k:, k:] = block
    dense[0, k] = dense[k, 0] = 1  # one bridge
    return sp.csr_matrix(dense)


# ------------------------------------------------------------------ recovery
def test_each_dense_farm_is_its_own_group(farmed, farmed_result):
    g, truth = farmed
    farms = [np.flatnonzero(m) for m in truth.farm_masks(g)]
    jaccard = group_jaccard([grp.users for grp in farmed_result.groups], farms)
    assert min(jaccard) >= 0.9, jaccard
    assert len(farmed_result.groups) == 3


def test_organic_communities_score_low(farmed, farmed_result):
    g, truth = farmed
    bots = truth.bot_mask(g)
    labels = farmed_result.evidence["labels"]
    organic = [
        ev
        for ev in farmed_result.evidence["communities"]
        if bots[labels == ev["label"]].mean() < 0.5
    ]
    assert organic, "the organic world must form communities too"
    assert max(ev["score"] for ev in organic) < 0.5 * farmed_result.params["threshold"] + 0.1
    farm_scores = [grp.score for grp in farmed_result.groups]
    assert min(farm_scores) > max(ev["score"] for ev in organic) + 0.2
    scores = detection_scores(farmed_result, truth, g)
    assert scores["precision"] >= 0.97 and scores["fp_rate"] < 0.002


def test_world_without_farm_flags_nobody():
    world = instagram_world(1500, rng=21)
    result = coaction_community(world, rng=0)
    assert result.evidence["communities"], "organic communities exist"
    assert len(result.groups) == 0
    assert len(result.flagged()) == 0


def test_groups_carry_evidence_and_targets(farmed, farmed_result):
    g, truth = farmed
    best = farmed_result.groups[0]
    for key in ("exclusivity", "density", "target_overlap", "synchrony", "creation_burst",
                "chance_excess", "time_span"):  # fmt: skip
        assert key in best.stats
    assert best.stats["creation_burst"] > 0.2  # bots are created in hourly batches
    farm_targets = set(np.flatnonzero(np.logical_or.reduce(truth.target_masks(g))).tolist())
    assert len(set(best.targets.tolist()) & farm_targets) >= 0.8 * min(len(best.targets), 10)


def test_scores_every_user_and_is_reproducible(farmed, farmed_result):
    g, _ = farmed
    assert farmed_result.user_scores.shape == (g.n_users,)
    again = CoactionCommunity(rng=0).fit(g).result_
    np.testing.assert_array_equal(again.user_scores, farmed_result.user_scores)
    assert farmed_result.params["rng"] == 0
    assert get_detector("coaction_community").family == "community"
    assert get_detector("coaction_community").needs_times is False


def test_runs_without_timestamps():
    users = [f"bot{i}" for i in range(8) for _ in range(6)] + [f"h{i}" for i in range(30)]
    targets = [f"t{j}" for _ in range(8) for j in range(6)] + [f"x{i % 7}" for i in range(30)]
    g = InteractionGraph.from_events(users, targets)
    result = coaction_community(g, min_size=4, rng=0)
    assert result.meta["window_used"] is None
    flagged = set(result.user_ids[result.flagged()].tolist())
    assert flagged == {f"bot{i}" for i in range(8)}


# ------------------------------------------------------------------ clustering
@pytest.mark.parametrize(
    ("method", "backend"),
    [("louvain", "networkx"), ("label_propagation", "networkx"),
     pytest.param("leiden", "igraph", marks=needs_igraph),
     pytest.param("louvain", "igraph", marks=needs_igraph),
     pytest.param("label_propagation", "igraph", marks=needs_igraph)],
)  # fmt: skip
def test_every_backend_splits_two_cliques(method, backend):
    labels = cluster_users(_two_cliques(), method=method, backend=backend, rng=1)
    assert len(set(labels[:8].tolist())) == 1 and len(set(labels[8:].tolist())) == 1
    assert labels[0] != labels[8]


def test_isolated_nodes_get_minus_one():
    adj = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]))
    assert cluster_users(adj, method="louvain", backend="networkx", rng=0).tolist() == [0, 0, -1]


@needs_igraph
def test_igraph_rng_is_scoped():
    state = random.getstate()
    a = cluster_users(_two_cliques(20), method="leiden", rng=5)
    b = cluster_users(_two_cliques(20), method="leiden", rng=5)
    assert random.getstate() == state  # the global RNG igraph uses by default is untouched
    np.testing.assert_array_equal(a, b)


def test_leiden_without_igraph_names_the_fix(monkeypatch):
    monkeypatch.setattr(cluster_module, "has_igraph", lambda: False)
    with pytest.raises(InvalidParameterError, match="'leiden' needs python-igraph"):
        cluster_users(_two_cliques(), method="leiden")
    labels = cluster_users(_two_cliques(), method="louvain", rng=0)  # auto -> networkx
    assert labels[0] != labels[8]


def test_import_graphbot_does_not_import_igraph():
    code = (
        "import sys, graphbot, graphbot.community, graphbot.detect; "
        "assert 'igraph' not in sys.modules, 'igraph imported'"
    )
    subprocess.run([sys.executable, "-W", "error", "-c", code], check=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"window": -5}, "`window` must be a positive number of seconds; got -5"),
     ({"threshold": 0}, r"`threshold` must be a fraction in \(0, 1\]; got 0"),
     ({"method": "spectral"}, "`method` must be one of"),
     ({"min_size": 1}, "`min_size` must be an integer >= 2; got 1")],
)  # fmt: skip
def test_bad_parameters_are_named(kwargs, message):
    g = InteractionGraph.from_events(["a", "b"], ["x", "x"])
    with pytest.raises(InvalidParameterError, match=message):
        coaction_community(g, **kwargs)


def test_cluster_rejects_non_square():
    with pytest.raises(InvalidParameterError, match="`adjacency` must be square; got shape"):
        cluster_users(sp.csr_matrix(np.ones((2, 3))))


# ------------------------------------------------------------------ evidence
def test_shuffle_keeps_each_users_times():
    g = InteractionGraph.from_events(
        [0, 0, 0, 1, 1, 2], [0, 1, 2, 0, 1, 2], times=[1, 2, 3, 10, 20, 7]
    )
    s = shuffle_times_within_users(g, np.random.default_rng(3))
    for u in range(3):
        assert sorted(s.times[s.users == u]) == sorted(g.times[g.users == u])
    np.testing.assert_array_equal(s.targets, g.targets)


def test_evidence_separates_lockstep_from_spread_out_coaction():
    # Six users on the same four targets: once within minutes, once spread over weeks.
    users = np.repeat(np.arange(6), 4)
    targets = np.tile(np.arange(4), 6)
    base = np.repeat(np.arange(4) * 86_400 * 5, 1)
    tight = np.tile(base, 6) + np.repeat(np.arange(6) * 60, 4)
    spread = np.tile(base, 6) + np.repeat(np.arange(6) * 86_400 * 3, 4)
    adj = sp.csr_matrix(np.ones((6, 6)) - np.eye(6)) * 4
    results = {}
    for name, times in (("tight", tight), ("spread", spread)):
        g = InteractionGraph.from_events(users, targets, times=times)
        null = shuffle_times_within_users(g, np.random.default_rng(0))
        results[name] = community_evidence(g, adj, np.arange(6), window=3600, null_times=null.times)
    assert results["tight"]["synchrony_observed"] == 1.0
    assert results["spread"]["synchrony_observed"] < 0.5
    assert suspiciousness(results["tight"]) > suspiciousness(results["spread"])
    assert results["tight"]["target_overlap"] == 1.0 and results["tight"]["exclusivity"] == 1.0
