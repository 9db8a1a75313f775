"""SynchroTrap: planted campaigns are recovered; innocent look-alikes are not."""

from __future__ import annotations

import numpy as np
import pytest
from _events import noise_events

from graphbot import InteractionGraph
from graphbot.detect import SynchroTrap, get_detector, synchrotrap
from graphbot.errors import InvalidInputError, InvalidParameterError
from graphbot.evaluate.metrics import detection_scores

DAY = 86_400


def test_registry_entry():
    spec = get_detector("synchrotrap")
    assert spec.family == "lockstep" and spec.needs_times
    assert spec.estimator is SynchroTrap


def test_recovers_dense_campaign_with_camouflage(dense_farm):
    graph, truth = dense_farm
    result = synchrotrap(graph, rng=0)
    scores = detection_scores(result, truth, graph)
    assert scores["f1"] >= 0.95
    top = result.groups[0]
    assert truth.bot_mask(graph)[top.users].all()
    stats = top.stats
    assert stats["shared_targets"] >= 30 and 0 < stats["synchrony"] <= 1
    assert stats["mean_similarity"] >= result.params["sim_threshold"]
    assert stats["n_users"] == top.n_users and "time_span" in stats


def test_no_farm_flags_nobody(world_3k):
    assert len(synchrotrap(world_3k, rng=0).flagged()) == 0


def test_single_user_burst_is_not_a_campaign():
    gen = np.random.default_rng(0)
    u, t, s = noise_events(gen)
    binge_s = np.concatenate([d * DAY + gen.integers(0, 60, 40) for d in (3, 9, 20)])
    g = InteractionGraph.from_events(
        np.r_[u, np.full(120, 7)], np.r_[t, np.tile(np.arange(40), 3)], times=np.r_[s, binge_s]
    )
    assert len(synchrotrap(g, min_cluster_size=3, rng=0).flagged()) == 0


def test_one_shared_session_is_not_a_campaign():
    # 15 newcomers rate the same 30 on-boarding items within the same hour, once.
    gen = np.random.default_rng(3)
    u, t, s = noise_events(gen)
    users = np.repeat(np.arange(15), 30)
    items = np.tile(np.arange(100, 130), 15)
    times = 10 * DAY + gen.integers(0, 3600, 450)
    g = InteractionGraph.from_events(np.r_[u, users], np.r_[t, items], times=np.r_[s, times])
    assert len(synchrotrap(g, min_cluster_size=5, rng=0).flagged()) == 0
    # the same users in sync on three different days is a campaign
    times3 = (10 + 7 * (np.tile(np.arange(30), 15) % 3)) * DAY + gen.integers(0, 3600, 450)
    g3 = InteractionGraph.from_events(np.r_[u, users], np.r_[t, items], times=np.r_[s, times3])
    flagged = g3.user_ids[synchrotrap(g3, min_cluster_size=5, rng=0).flagged()]
    assert set(range(15)) <= set(flagged.tolist())


def test_window_controls_matching():
    gen = np.random.default_rng(4)
    u, t, s = noise_events(gen)
    users = np.repeat(np.arange(12), 10)
    items = np.tile(np.arange(200, 210), 12)
    times = np.tile(np.arange(10), 12) * 2 * DAY + np.repeat(np.arange(12), 10) * 1200
    g = InteractionGraph.from_events(np.r_[u, users], np.r_[t, items], times=np.r_[s, times])
    # consecutive users act 20 min apart: a 25-minute tolerance links only neighbours
    # in the chain and single linkage joins them all; a 10-minute tolerance links nobody
    flagged = g.user_ids[synchrotrap(g, window=1500, min_cluster_size=5, rng=0).flagged()]
    assert set(flagged.tolist()) == set(range(12))
    assert len(synchrotrap(g, window=600, min_cluster_size=5, rng=0).flagged()) == 0


def test_deterministic_and_input_untouched(dense_farm):
    graph, _ = dense_farm
    before = (graph.users.copy(), graph.targets.copy(), graph.times.copy())
    a = synchrotrap(graph, rng=1)
    b = SynchroTrap(rng=1).fit(graph).result_
    assert np.array_equal(a.user_scores, b.user_scores)
    assert [g.users.tolist() for g in a.groups] == [g.users.tolist() for g in b.groups]
    for old, new in zip(before, (graph.users, graph.targets, graph.times)):
        assert np.array_equal(old, new)


def test_errors_name_the_parameter(dense_farm):
    graph, _ = dense_farm
    with pytest.raises(InvalidParameterError, match="`window` must be a positive number"):
        synchrotrap(graph, window=0)
    with pytest.raises(InvalidParameterError, match="`sim_threshold` must be a fraction"):
        synchrotrap(graph, sim_threshold=2)
    with pytest.raises(InvalidParameterError, match="`min_cluster_size` must be an integer >= 2"):
        synchrotrap(graph, min_cluster_size=1)
    with pytest.raises(InvalidParameterError, match="`popular_quantile` must be a fraction"):
        synchrotrap(graph, popular_quantile=0)
    untimed = InteractionGraph.from_events(["a", "b"], ["x", "x"])
    with pytest.raises(InvalidInputError, match="synchrotrap needs event timestamps"):
        synchrotrap(untimed)
