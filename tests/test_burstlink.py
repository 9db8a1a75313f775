"""BurstLink: very sparse lockstep farms are recovered; innocent look-alikes are not."""

from __future__ import annotations

import numpy as np
import pytest

from graphbot import InteractionGraph
from graphbot.detect import BurstLink, burstlink, get_detector
from graphbot.errors import InvalidParameterError
from graphbot.evaluate.metrics import detection_scores
from graphbot.synth import inject_like_farm, instagram_world


@pytest.fixture(scope="module")
def world():
    return instagram_world(6000, rng=0)


def test_registry_entry():
    spec = get_detector("burstlink")
    assert spec.family == "lockstep" and spec.needs_times
    assert spec.estimator is BurstLink


def test_recovers_very_sparse_farm(world):
    # each bot hits ~3 of 100 targets: almost no bot pair shares two targets
    graph, truth = inject_like_farm(
        world, n_bots=150, n_targets=100, density=0.03, camouflage="biased", rng=1
    )
    result = burstlink(graph, min_users=5)
    scores = detection_scores(result, truth, graph)
    assert scores["f1"] >= 0.7
    assert scores["precision"] >= 0.95
    bots = truth.bot_mask(graph)
    assert bots[result.groups[0].users].mean() >= 0.95


def test_no_farm_flags_nobody(world):
    result = burstlink(world, min_users=5)
    assert len(result.flagged()) <= 2


def test_posts_liked_in_their_first_hours_are_not_bursts():
    gen = np.random.default_rng(0)
    n_t, day = 60, 86_400
    born = gen.integers(0, 25 * day, n_t)
    tgt = np.repeat(np.arange(n_t), 10)  # every post: 10 likes within 5 hours of appearing
    users = gen.integers(0, 150, len(tgt))  # few users, so they meet on many posts
    times = born[tgt] + gen.integers(0, 5 * 3600, len(tgt))
    g = InteractionGraph.from_events(users, tgt, times=times)
    result = burstlink(g, min_users=3)
    assert result.meta["n_candidate_bursts"] == 0
    assert len(result.flagged()) == 0


def films_with_farm_openings(n_films=300, n_farm=60, seed=0):
    """Films rated steadily over 200 days; a farm's 5-bot burst opens the activity of 60."""
    gen, day = np.random.default_rng(seed), 86_400
    tgt = np.repeat(np.arange(n_films), 8)
    users = gen.integers(1000, 3000, len(tgt))
    times = gen.integers(20 * day, 200 * day, len(tgt))
    burst_at = gen.integers(0, 15 * day, n_farm)
    bot_t = np.repeat(np.arange(n_farm), 5)
    bot_u = gen.integers(0, 100, len(bot_t))  # 100 bots, ~3 films each
    bot_s = burst_at[bot_t] + gen.integers(0, 6 * 3600, len(bot_t))
    graph = InteractionGraph.from_events(
        np.r_[users, bot_u],
        np.r_[tgt, bot_t],
        times=np.r_[times, bot_s],
        kinds="rate",
        duplicates="drop",
    )
    return graph, graph.user_ids < 100


def test_opening_bursts_count_on_cascade_free_targets():
    # films are rated over months, so a burst that opens a film's activity is
    # as suspicious as a later one; on posts it would be the organic cascade
    graph, bots = films_with_farm_openings()
    result = burstlink(graph, min_users=5)
    flagged = np.zeros(graph.n_users, dtype=bool)
    flagged[result.flagged()] = True
    assert result.meta["n_candidate_bursts"] >= 50
    assert flagged[bots].mean() >= 0.8 and not flagged[~bots].any()


def test_kinds_opening_with_cascades_are_told_from_cascade_free_ones():
    from graphbot.detect.lockstep._events import lockstep_events
    from graphbot.detect.lockstep.burstlink import _cascade_free_targets, _target_kinds

    films, _ = films_with_farm_openings()
    gen, day = np.random.default_rng(1), 86_400
    tgt = np.repeat(np.arange(100), 10)
    times = gen.integers(0, 25 * day, 100)[tgt] + gen.integers(0, 5 * 3600, len(tgt))
    posts = InteractionGraph.from_events(gen.integers(0, 500, len(tgt)), tgt, times=times,
                                         duplicates="drop")  # fmt: skip
    for graph, expected in ((films, True), (posts, False)):
        ev = lockstep_events(graph, kinds=None, ignore_mutual=False)
        free = _cascade_free_targets(ev, _target_kinds(graph), 6 * 3600)
        assert free.all() == expected and free.any() == expected


def test_bad_parameters_name_themselves(world):
    with pytest.raises(InvalidParameterError, match="p_burst"):
        burstlink(world, p_burst=0)
    with pytest.raises(InvalidParameterError, match="gap"):
        burstlink(world, gap=-5)


def _steady_targets(gen, n_targets=40, n_events=1200, days=200):
    """Targets acted on steadily over months (no cascades), by many light users."""
    return (
        gen.integers(1000, 5000, n_events),
        gen.integers(0, n_targets, n_events),
        gen.integers(0, days * 86_400, n_events),
    )


def _night(gen, n_users, n_targets, per_user, nights):
    """``n_users`` users each acting on ``per_user`` targets, at one of ``nights``."""
    users = np.repeat(np.arange(n_users), per_user)
    targets = np.concatenate(
        [gen.choice(n_targets, per_user, replace=False) for _ in range(n_users)]
    )
    night = np.asarray(nights)[targets % len(nights)]
    return users, targets, night * 86_400 + gen.integers(0, 3 * 3600, len(users))


def test_one_session_is_not_lockstep_but_repeated_meetings_are():
    gen = np.random.default_rng(3)
    u, t, s = _steady_targets(gen)
    # a release night: 25 users rate 6 films each within the same 3 hours
    nu, nt, ns = _night(gen, 25, 40, 6, [150])
    g = InteractionGraph.from_events(np.r_[u, nu], np.r_[t, nt], times=np.r_[s, ns])
    assert len(burstlink(g, min_users=5).flagged()) == 0
    # the same users meeting on those films on eight different nights do lockstep
    nu, nt, ns = _night(gen, 25, 40, 6, [120, 130, 140, 150, 160, 170, 180, 190])
    g = InteractionGraph.from_events(np.r_[u, nu], np.r_[t, nt], times=np.r_[s, ns])
    flagged = g.user_ids[burstlink(g, min_users=5).flagged()]
    assert len(flagged) >= 12 and np.all(flagged < 25)


def test_targets_without_events_are_fine():
    graph, bots = films_with_farm_openings()
    padded = InteractionGraph(
        graph.users, graph.targets, times=graph.times, kinds=graph.kinds,
        user_ids=graph.user_ids, target_ids=np.r_[graph.target_ids, [-1, -2, -3]],
    )  # fmt: skip
    assert np.array_equal(
        burstlink(padded, min_users=5).flagged(), burstlink(graph, min_users=5).flagged()
    )
