"""CopyCatch: planted lockstep farms are recovered; innocent look-alikes are not."""

from __future__ import annotations

import numpy as np
import pytest
from _events import noise_events

from graphbot import InteractionGraph
from graphbot.detect import CopyCatch, copycatch, get_detector
from graphbot.errors import InvalidInputError, InvalidParameterError
from graphbot.evaluate.metrics import detection_scores
from graphbot.synth import inject_like_farm

DAY = 86_400


def test_registry_entry():
    spec = get_detector("copycatch")
    assert spec.family == "lockstep" and spec.needs_times
    assert spec.estimator is CopyCatch


def test_recovers_dense_farm_with_camouflage(world_3k, dense_farm):
    graph, truth = dense_farm
    result = copycatch(graph, rng=0)
    scores = detection_scores(result, truth, graph)
    assert scores["f1"] >= 0.95
    bots = truth.bot_mask(graph)
    top = result.groups[0]
    assert bots[top.users].mean() == 1.0
    assert top.stats["rho"] >= 0.2  # each bot hits ~30% of the farm's targets
    assert top.stats["median_target_spread"] <= 6 * 3600
    assert scores["roc_auc"] > 0.99


def test_recovers_sparse_farm(world_3k):
    graph, truth = inject_like_farm(
        world_3k, n_bots=80, n_targets=60, density=0.1, camouflage="none", rng=2
    )
    scores = detection_scores(copycatch(graph, rng=0), truth, graph)
    assert scores["f1"] >= 0.8
    assert scores["precision"] >= 0.95


def test_no_farm_flags_nobody(world_3k):
    result = copycatch(world_3k, rng=0)
    assert len(result.flagged()) == 0
    assert result.groups == ()


def test_single_user_burst_is_not_a_campaign():
    gen = np.random.default_rng(0)
    u, t, s = noise_events(gen)
    binge_t = np.arange(40)  # one user acts on 40 targets within one minute, three times
    binge_s = np.concatenate([d * DAY + gen.integers(0, 60, 40) for d in (3, 9, 20)])
    g = InteractionGraph.from_events(
        np.r_[u, np.full(120, 7)], np.r_[t, np.tile(binge_t, 3)], times=np.r_[s, binge_s]
    )
    assert len(copycatch(g, min_users=3, min_targets=3, rng=0).flagged()) == 0


def test_fan_club_of_one_account_is_not_flagged():
    gen = np.random.default_rng(1)
    u, t, s = noise_events(gen)
    fans = np.repeat(np.arange(25), 8)  # 25 fans like the 8 posts of one account within an hour
    posts = np.tile(np.arange(8), 25)
    times = posts * 3 * DAY + gen.integers(0, 3600, 200)
    users = np.r_[u, fans]
    targets = np.r_[[f"p{x}" for x in t], [f"star:{p}" for p in posts]]
    owners = np.r_[[f"acct{x}" for x in t], ["star"] * 200]
    g = InteractionGraph.from_events(users, targets, times=np.r_[s, times], owners=owners)
    assert len(copycatch(g, min_users=5, min_targets=3, rng=0).flagged()) == 0
    # the same likes spread over 8 different accounts would be lockstep
    g2 = InteractionGraph.from_events(
        users, targets, times=np.r_[s, times], owners=[str(x) for x in targets]
    )
    flagged = g2.user_ids[copycatch(g2, min_users=5, min_targets=3, rng=0).flagged()]
    assert set(range(25)) <= set(flagged.tolist())


def test_follow_back_circle_is_not_flagged():
    gen = np.random.default_rng(2)
    u, t, s = noise_events(gen)
    circle = np.arange(20)
    a, b = np.meshgrid(circle, circle, indexing="ij")
    off = a != b
    follow_t = [f"a:{x}" for x in b[off]]
    times = (2 + b[off] % 5 * 3) * DAY + gen.integers(0, 2 * 3600, off.sum())  # 5 days
    users = np.r_[u, a[off]]
    targets = np.r_[[f"p{x}" for x in t], follow_t]
    owners = np.r_[[f"acct{x}" for x in t], [x[2:] for x in follow_t]]
    # owners of the followed accounts are the circle's own users
    g = InteractionGraph.from_events(
        [str(x) for x in users], targets, times=np.r_[s, times], owners=owners
    )
    result = copycatch(g, min_users=5, min_targets=5, rng=0)
    assert len(result.flagged()) == 0
    assert result.meta["n_mutual_dropped"] == off.sum()
    kept = copycatch(g, min_users=5, min_targets=5, ignore_mutual=False, rng=0)
    assert len(kept.flagged()) >= 15


def test_rho_is_the_papers_fraction(dense_farm):
    graph, truth = dense_farm
    assert detection_scores(copycatch(graph, rho=0.15, rng=0), truth, graph)["f1"] >= 0.9
    assert len(copycatch(graph, rho=0.6, rng=0).flagged()) == 0


def test_deterministic_and_input_untouched(dense_farm):
    graph, _ = dense_farm
    before = (graph.users.copy(), graph.targets.copy(), graph.times.copy())
    a = copycatch(graph, rng=4)
    b = CopyCatch(rng=4).fit(graph).result_
    assert np.array_equal(a.user_scores, b.user_scores)
    assert [g.users.tolist() for g in a.groups] == [g.users.tolist() for g in b.groups]
    assert a.params["rng"] == 4 and a.params["dt"] == 3 * 3600
    for old, new in zip(before, (graph.users, graph.targets, graph.times)):
        assert np.array_equal(old, new)


def test_errors_name_the_parameter(dense_farm):
    graph, _ = dense_farm
    with pytest.raises(InvalidParameterError, match="`dt` must be a positive number of seconds"):
        copycatch(graph, dt=-5)
    with pytest.raises(InvalidParameterError, match="`rho` must be a fraction in \\(0, 1\\]"):
        copycatch(graph, rho=1.5)
    with pytest.raises(InvalidParameterError, match="`min_users` must be an integer >= 2"):
        copycatch(graph, min_users=1)
    with pytest.raises(InvalidParameterError, match="`alpha` must be a probability"):
        copycatch(graph, alpha=0)
    untimed = InteractionGraph.from_events(["a", "b"], ["x", "x"])
    with pytest.raises(InvalidInputError, match="copycatch needs event timestamps"):
        copycatch(untimed)


def test_one_shared_session_is_not_lockstep():
    # 15 newcomers rate the same 30 on-boarding items within the same hour, once.
    gen = np.random.default_rng(3)
    u, t, s = noise_events(gen)
    users = np.repeat(np.arange(15), 30)
    items = np.tile(np.arange(100, 130), 15)
    times = 10 * DAY + gen.integers(0, 3600, 450)
    g = InteractionGraph.from_events(np.r_[u, users], np.r_[t, items], times=np.r_[s, times])
    assert len(copycatch(g, min_users=5, min_targets=5, rng=0).flagged()) == 0
    # the same users in lockstep on ten different days is a cluster
    day = np.tile(np.arange(30), 15) % 10
    times10 = (2 + 2 * day) * DAY + gen.integers(0, 3600, 450)
    g10 = InteractionGraph.from_events(np.r_[u, users], np.r_[t, items], times=np.r_[s, times10])
    flagged = g10.user_ids[copycatch(g10, min_users=5, min_targets=5, rng=0).flagged()]
    assert set(flagged.tolist()) == set(range(15))
