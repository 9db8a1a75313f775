"""CatchSync: fake followers of customers are synchronized and abnormal, and get caught."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from graphbot import InteractionGraph
from graphbot.detect import CatchSync, catchsync, get_detector
from graphbot.detect.spectral.catchsync import _sync_normality
from graphbot.errors import InvalidParameterError
from graphbot.evaluate.metrics import detection_scores
from graphbot.synth import inject_follow_farm


@pytest.fixture(scope="module")
def planted(world_3k):
    # 100 fake followers of 10 customer accounts, with popularity-biased camouflage follows
    return inject_follow_farm(
        world_3k, n_bots=100, n_targets=10, density=0.8, camouflage="biased", rng=1
    )


def test_catches_fake_followers_of_customers(planted):
    graph, truth = planted
    result = catchsync(graph, rng=0)
    scores = detection_scores(result, truth, graph)
    assert scores["recall"] >= 0.85
    assert scores["precision"] >= 0.5
    assert scores["roc_auc"] >= 0.95
    # the largest group is the farm, and its targets are the customers
    biggest = max(result.groups, key=lambda g: g.n_users)
    bots = truth.bot_mask(graph)
    assert bots[biggest.users].mean() >= 0.9
    customers = set(graph.target_index(truth.farms[0].targets).tolist())
    assert len(customers & set(biggest.targets.tolist())) >= 0.5 * len(customers)


def test_bots_are_synchronized_and_abnormal(planted):
    graph, truth = planted
    ev = catchsync(graph, rng=0).evidence
    bots = truth.bot_mask(graph)
    honest = ~bots & (graph.user_degrees() >= 5)
    assert np.median(ev["synchronicity"][bots]) > 3 * np.median(ev["synchronicity"][honest])
    assert np.median(ev["normality"][bots]) < np.median(ev["normality"][honest])
    assert ev["target_features"].shape == (graph.n_targets, 2)
    assert ((ev["synchronicity"] >= 0) & (ev["synchronicity"] <= 1)).all()


def test_false_positives_on_a_world_without_farm_are_few(world_3k):
    result = catchsync(world_3k, rng=0)
    assert len(result.flagged()) <= 0.03 * world_3k.n_users


def test_synchronicity_and_normality_by_hand():
    # user 0 hits targets in cells (0, 0, 1, 1); user 1 hits (0, 1, 2, 3) ; user 2 one target
    m = sp.csr_matrix(
        np.array(
            [
                [1, 1, 1, 1, 0, 0, 0, 0],
                [1, 0, 1, 0, 1, 1, 0, 0],
                [0, 0, 0, 0, 0, 0, 1, 0],
            ],
            dtype=float,
        )
    )
    cell = np.array([0, 0, 1, 1, 2, 3, 3, 3])
    active = np.ones(8, dtype=bool)
    sync, norm, modal = _sync_normality(m, cell, active, min_degree=2)
    # same-cell ordered pairs / (d (d-1)): user 0 -> (2 + 2) / 12, user 1 -> 0
    np.testing.assert_allclose(sync, [4 / 12, 0.0, 0.0])
    # population shares: cells 0, 1, 2, 3 hold 2, 2, 1, 3 of 8 targets
    np.testing.assert_allclose(norm, [2 / 8, (2 + 2 + 1 + 3) / 32, 3 / 8])
    assert modal[2] == 3


def test_features_choice_and_determinism(planted):
    graph, _ = planted
    a = catchsync(graph, features=("in_degree", "follower_degree"), rng=2)
    b = CatchSync(features=("in_degree", "follower_degree"), rng=2).fit(graph).result_
    np.testing.assert_array_equal(a.user_scores, b.user_scores)
    assert a.params["features"] == ("in_degree", "follower_degree") and a.params["rng"] == 2
    spec = get_detector("catchsync")
    assert spec.family == "spectral" and not spec.needs_times


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"features": ("in_degree",)}, "`features` must be a pair of names"),
        ({"features": ("in_degree", "pagerank")}, "`features` must be one of"),
        ({"min_degree": 1}, "`min_degree` must be an integer >= 2; got 1"),
        ({"threshold": -1}, "`threshold` must be a non-negative number; got -1"),
    ],
)
def test_parameter_errors(params, message):
    g = InteractionGraph.from_events(["a", "b"], ["x", "y"])
    with pytest.raises(InvalidParameterError) as info:
        catchsync(g, **params)
    assert message in str(info.value)
