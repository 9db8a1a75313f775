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
