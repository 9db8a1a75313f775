"""The shared decision of tested detectors: timing null, audiences, false discovery rate."""

import time

import numpy as np
import pytest

from graphbot import InteractionGraph, SuspiciousGroup
from graphbot.detect import copycatch, ensemble, run_detector
from graphbot.detect._registry import make_result
from graphbot.detect._significance import (
    benjamini_hochberg,
    decide_groups,
    evidence_targets,
)
from graphbot.detect._timing_null import group_opening_shares, group_timing_pvalues
from graphbot.detect.ensemble import _decide_clusters, _pooled_clusters
from graphbot.evaluate import detection_scores
from graphbot.synth import family_world, inject_session_farm

DAY = 86_400
TESTED = ["copycatch", "synchrotrap", "burstlink", "coaction_community"]


def _posts_world(gen, n_users=400, n_posts=60, likes=3000):
    """Posts that open with a cascade: likes a log-normal delay (median 3 h) after posting."""
    posted = gen.integers(0, 25 * DAY, n_posts)
    post = gen.integers(0, n_posts, likes)
    delay = gen.lognormal(np.log(3 * 3600), 1.2, likes).astype(np.int64)
    return gen.integers(1000, 1000 + n_users, likes), post, posted[post] + delay, posted


def _graph(users, posts, times, owners=None):
    return InteractionGraph.from_events(users, posts, times=times, owners=owners)


# ------------------------------------------------------------------ Benjamini-Hochberg
def test_benjamini_hochberg_matches_the_step_up_rule():
    gen = np.random.default_rng(0)
    for _ in range(50):
        p = gen.uniform(0, 0.2, gen.integers(1, 30))
        q = 0.1
        ranked = np.sort(p)
        passing = np.flatnonzero(ranked <= q * np.arange(1, len(p) + 1) / len(p))
        cut = ranked[passing[-1]] if len(passing) else -1.0
        assert (benjamini_hochberg(p, q) == (p <= cut)).all()
    assert benjamini_hochberg([], 0.05).tolist() == []


# ------------------------------------------------------------------ timing null
def test_a_farm_at_its_own_moment_is_significant_and_random_users_are_not():
    gen = np.random.default_rng(1)
    u, p, t, posted = _posts_world(gen)
    bots = np.repeat(np.arange(30), 10)  # 30 bots, each on 10 of 20 posts ...
    farm_posts = np.concatenate([gen.choice(20, 10, replace=False) for _ in range(30)])
    slot = posted[farm_posts] + 5 * DAY + gen.integers(0, 3600, 300)  # ... days after posting
    g = _graph(np.r_[u, bots], np.r_[p, farm_posts], np.r_[t, slot])
    bot_idx = np.flatnonzero(g.user_ids < 30)
    strangers = [gen.choice(np.flatnonzero(g.user_ids >= 1000), 30, replace=False)
                 for _ in range(40)]  # fmt: skip
    groups = [(bot_idx, evidence_targets(g, bot_idx))]
    groups += [(s, evidence_targets(g, s)) for s in strangers]
    decision = decide_groups(g, groups, rng=np.random.default_rng(0))
    assert decision.p_value[0] < 2e-3 and decision.flagged[0]
    # random groups of organic users: calibrated once the farm's events are set
    # aside (beside them, organic users look more synchronised than a re-deal)
    assert (decision.p_value[1:] < 0.01).mean() <= 0.05
    assert not decision.flagged[1:].any()
    mixed = group_timing_pvalues(g, groups[1:], rng=np.random.default_rng(0))
    assert (mixed < 0.01).mean() > 0.5  # why the second pass exists


def test_timing_pvalues_are_reproducible_for_the_same_rng():
    gen = np.random.default_rng(2)
    u, p, t, _ = _posts_world(gen)
    g = _graph(u, p, t)
    group = [(np.arange(20), evidence_targets(g, np.arange(20)))]
    a = group_timing_pvalues(g, group, rng=np.random.default_rng(5))
    b = group_timing_pvalues(g, group, rng=np.random.default_rng(5))
    assert a.tolist() == b.tolist()


def test_a_target_only_the_group_touched_is_judged_by_the_members_own_activity():
    gen = np.random.default_rng(3)
    # 12 users who are active all month meet on 8 fresh targets within minutes, on 8 days
    users = np.repeat(np.arange(12), 8)
    items = np.tile(np.arange(8), 12)
    meet = items * 3 * DAY + gen.integers(0, 300, 96)
    other_u, other_t = gen.integers(0, 12, 600), gen.integers(100, 400, 600)
    other_s = gen.integers(0, 30 * DAY, 600)
    g = _graph(np.r_[users, other_u], np.r_[items, other_t], np.r_[meet, other_s])
    crowd = np.arange(12)
    p_active = group_timing_pvalues(g, [(crowd, np.arange(8))], rng=np.random.default_rng(0))
    # newcomers who meet once, in one on-boarding session, and do nothing else:
    # their own activity is that moment, so the moment is no evidence
    g_new = _graph(users, items, 10 * DAY + gen.integers(0, 300, 96))
    p_new = group_timing_pvalues(g_new, [(crowd, np.arange(8))], rng=np.random.default_rng(0))
    assert p_active[0] < 2e-3 and p_new[0] == 1.0


# ------------------------------------------------------------------ audiences
def _fan_club(gen, owners_known):
    u, p, t, posted = _posts_world(gen)
    fans = np.repeat(np.arange(40), 8)  # 40 fans like the 8 posts of one account,
    club_posts = np.tile(np.arange(8), 40)  # faster than strangers do
    liked = posted[club_posts] + gen.lognormal(np.log(900), 1.0, 320).astype(np.int64)
    owners = None
    if owners_known:
        owners = np.r_[[f"acct{x % 25}" for x in p], ["acct0"] * 320]
        owners = np.where(np.r_[p, club_posts] < 8, "acct0", owners)
    return _graph(np.r_[u, fans], np.r_[p, club_posts], np.r_[t, liked], owners)


@pytest.mark.parametrize("owners_known", [False, True])
def test_a_fan_club_is_an_audience_not_a_farm(owners_known):
    g = _fan_club(np.random.default_rng(4), owners_known)
    fans = np.flatnonzero(g.user_ids < 40)
    groups = [(fans, evidence_targets(g, fans))]
    timing = group_timing_pvalues(g, groups, rng=np.random.default_rng(0))
    assert timing[0] < 2e-3  # fans really are faster than strangers (p at its floor) ...
    decision = decide_groups(g, groups, rng=np.random.default_rng(0))
    assert decision.audience.tolist() == [True]  # ... but they follow the cascade
    assert decision.flagged.tolist() == [False]
    members, others, held = group_opening_shares(g, groups)
    assert members[0] > 0.9 and others[0] > 0.5 and held[0] == 1.0


def test_an_opening_crowd_is_an_audience_whatever_the_owners():
    # fans of several creators follow each creator's cascade: organic, and in the
    # world family such crowds span many owners
    gen = np.random.default_rng(5)
    u, p, t, posted = _posts_world(gen)
    crowd = np.repeat(np.arange(40), 8)
    posts = np.tile(np.arange(8), 40)
    liked = posted[posts] + gen.integers(0, 900, 320)
    owners = np.r_[[f"acct{x}" for x in p], [f"acct{x}" for x in posts]]  # 8 different owners
    g = _graph(np.r_[u, crowd], np.r_[p, posts], np.r_[t, liked], owners)
    members = np.flatnonzero(g.user_ids < 40)
    decision = decide_groups(g, [(members, evidence_targets(g, members))],
                             rng=np.random.default_rng(0))  # fmt: skip
    assert decision.audience.tolist() == [True] and decision.flagged.tolist() == [False]
    # the same crowd days after the posts appeared is a farm
    late = _graph(np.r_[u, crowd], np.r_[p, posts], np.r_[t, liked + 4 * DAY], owners)
    members = np.flatnonzero(late.user_ids < 40)
    decision = decide_groups(late, [(members, evidence_targets(late, members))],
                             rng=np.random.default_rng(0))  # fmt: skip
    assert decision.audience.tolist() == [False] and decision.flagged.tolist() == [True]


def test_targets_without_a_cascade_have_no_audience():
    gen = np.random.default_rng(6)
    # films rated evenly over months; a farm rates 10 of them at their start
    u, films = gen.integers(100, 600, 3000), gen.integers(0, 30, 3000)
    s = gen.integers(0, 90 * DAY, 3000)
    first = np.array([s[films == f].min() for f in range(30)])
    bots, farm_films = np.repeat(np.arange(20), 10), np.tile(np.arange(10), 20)
    at = first[farm_films] + gen.integers(0, 3600, 200)
    g = _graph(np.r_[u, bots], np.r_[films, farm_films], np.r_[s, at])
    farm = np.flatnonzero(g.user_ids < 20)
    decision = decide_groups(g, [(farm, evidence_targets(g, farm))], rng=np.random.default_rng(0))
    assert decision.audience.tolist() == [False] and decision.flagged.tolist() == [True]


def test_without_times_the_detectors_own_decision_stands():
    g = InteractionGraph.from_events(["a", "b", "c"], ["x", "x", "y"])
    group = [(np.array([0, 1]), np.array([0]))]
    assert decide_groups(g, group).flagged.tolist() == [True]
    assert decide_groups(g, group, own_pvalues=[0.5]).flagged.tolist() == [False]


# ------------------------------------------------------------------ detectors and ensemble
@pytest.fixture(scope="module")
def family_draw():
    """A farm-free world of the family (a report draw, never used for tuning)."""
    return family_world(100, n_users=4000)


@pytest.mark.parametrize("name", TESTED + ["ensemble"])
def test_a_farm_free_world_of_the_family_flags_nobody(family_draw, name):
    result = run_detector(name, family_draw, rng=0)
    assert len(result.flagged()) <= 0.0025 * family_draw.n_users


@pytest.fixture(scope="module")
def session_farm(family_draw):
    """40 accounts liking the same 20 posts within one hour."""
    return inject_session_farm(family_draw, n_bots=40, n_targets=20, window=3600, rng=1)


@pytest.mark.parametrize("name", ["copycatch", "burstlink", "ensemble"])
def test_a_one_session_farm_is_lockstep(session_farm, name):
    g, truth = session_farm
    result = run_detector(name, g, rng=0)
    assert detection_scores(result, truth, g)["f1"] >= 0.95


def test_tested_detectors_keep_every_tested_group_with_its_outcome(session_farm):
    g, _ = session_farm
    result = copycatch(g, rng=0)
    tested = result.evidence["tested_groups"]
    assert len(tested) >= len(result.groups)
    for group in tested:
        assert {"p_value", "audience", "significant", "opening_share"} <= set(group.stats)
    assert sum(grp.stats["significant"] for grp in tested) == len(result.groups)


def _tested_result(graph, groups, name):
    tested = tuple(SuspiciousGroup(users, targets, 1.0, {"significant": True})
                   for users, targets in groups)  # fmt: skip
    return make_result(name, graph, np.zeros(graph.n_users), [], params={},
                       started=time.perf_counter(), evidence={"tested_groups": tested})


def test_the_ensemble_decides_once_across_all_tested_groups():
    gen = np.random.default_rng(8)
    u, p, t, posted = _posts_world(gen)
    bots = np.repeat(np.arange(30), 10)
    farm_posts = np.concatenate([gen.choice(20, 10, replace=False) for _ in range(30)])
    slot = posted[farm_posts] + 5 * DAY + gen.integers(0, 3600, 300)
    g = _graph(np.r_[u, bots], np.r_[p, farm_posts], np.r_[t, slot])
    farm = np.flatnonzero(g.user_ids < 30)
    organic = [gen.choice(np.flatnonzero(g.user_ids >= 1000), 20, replace=False)
               for _ in range(8)]  # fmt: skip
    # detector a found the farm twice (two borders), detector b organic users on its targets
    a = _tested_result(g, [(farm, np.arange(20)), (farm[:25], np.arange(20))], "a")
    b = _tested_result(g, [(users, np.arange(20)) for users in organic], "b")
    clusters = _pooled_clusters(g, [a, b], np.array([True, True]), 0.5)
    assert len(clusters) == 1 + len(organic)  # the farm's two borders are one hypothesis
    decided = _decide_clusters(g, clusters, 0.05, np.random.default_rng(0))
    # the organic groups are timed without the farm's events, found by another detector
    assert [c["users"].tolist() for c in decided] == [farm.tolist()]
    assert decided[0]["components"] == [0]
    # without times, a cluster stands when a component decided it
    static = InteractionGraph.from_events(np.arange(10), np.zeros(10, int))
    c = _tested_result(static, [(np.array([0, 1]), np.array([0]))], "c")
    pooled = _pooled_clusters(static, [c], np.array([True]), 0.5)
    assert len(_decide_clusters(static, pooled, 0.05, np.random.default_rng(0))) == 1


def test_the_ensemble_flags_the_session_farm_at_its_rate(session_farm):
    g, _ = session_farm
    result = ensemble(g, rng=0, fdr=0.05)
    assert result.params["fdr"] == 0.05 and len(result.flagged()) > 0


def test_fdr_must_be_a_fraction(session_farm):
    g, _ = session_farm
    with pytest.raises(ValueError, match="`fdr` must be a fraction"):
        copycatch(g, fdr=0)
    with pytest.raises(ValueError, match="`fdr` must be a fraction"):
        ensemble(g, fdr=2)
