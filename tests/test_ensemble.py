"""Ensemble: combination rules, label-free weights, and the registered detector."""

from __future__ import annotations

import numpy as np
import pytest

from graphbot import InputTypeError, InteractionGraph, InvalidInputError, InvalidParameterError
from graphbot.detect import Ensemble, ensemble, get_detector, run_detector
from graphbot.detect.ensemble import (
    DEFAULT_DETECTORS,
    combine_pvalues,
    sml_weights,
    upper_tail_pvalues,
)
from graphbot.evaluate.metrics import average_precision
from graphbot.synth import inject_comment_farm, inject_like_farm, instagram_world

DETECTORS = ["degree", "fraudar", "holoscope", "coaction_community"]


@pytest.fixture(scope="module")
def farmed():
    world = instagram_world(1500, rng=4)
    g, truth = inject_like_farm(
        world, n_bots=60, n_targets=30, density=0.3, camouflage="biased", rng=5
    )
    g, truth = inject_comment_farm(
        g, n_bots=40, n_targets=25, density=0.3, camouflage="random", truth=truth, rng=6
    )
    return g, truth


@pytest.fixture(scope="module")
def farmed_result(farmed):
    g, _ = farmed
    return ensemble(g, detectors=DETECTORS, combine="sml", rng=0)


def test_label_free_weights_rank_better_than_plain_averaging(farmed, farmed_result):
    g, truth = farmed
    y = truth.bot_mask(g)
    ens_ap = average_precision(farmed_result.user_scores, y)
    singles = sorted(average_precision(s, y) for s in farmed_result.evidence["scores"].values())
    pvalues = np.vstack(list(farmed_result.evidence["pvalues"].values()))
    plain = average_precision(combine_pvalues(pvalues, combine="rank_mean"), y)
    assert ens_ap >= plain
    assert ens_ap > singles[len(singles) // 2] + 0.2  # well above the typical component
    # Honest limit: it does not reach the best component here (see the benchmark table).


def test_label_free_weights_discount_the_noise_detector(farmed_result):
    weights = farmed_result.meta["weights"]
    assert set(weights) == set(DETECTORS)
    assert abs(sum(weights.values()) - 1) < 1e-9
    assert weights["degree"] < 0.1


def test_only_tested_detectors_decide_and_flagged_users_score_highest(farmed_result):
    assert farmed_result.meta["deciders"] == ["coaction_community"]
    flagged = farmed_result.flagged()
    community = farmed_result.evidence["pvalues"]["coaction_community"]
    assert len(flagged) and np.all(community[flagged] < 0.5)  # in a community group
    others = np.setdiff1d(np.arange(farmed_result.n_users), flagged)
    assert farmed_result.user_scores[flagged].min() > farmed_result.user_scores[others].max()


def test_min_vote_asks_for_backing_weight(farmed, farmed_result):
    g, _ = farmed
    strict = ensemble(g, detectors=DETECTORS, combine="sml", min_vote=0.99, rng=0)
    weights = strict.meta["weights"]
    assert weights["coaction_community"] < 0.99 and len(strict.flagged()) == 0
    assert len(farmed_result.flagged()) > 0


def test_ranking_detectors_flag_nobody_on_a_farm_free_world():
    world = instagram_world(1500, rng=4)
    result = ensemble(world, rng=0)
    assert "fraudar" in result.params["detectors"]
    assert len(run_detector("fraudar", world).flagged()) > 50  # always returns a block
    assert len(result.flagged()) == 0


def test_a_farm_only_one_tested_detector_sees_is_flagged():
    # at density 0.02 only BurstLink sees the farm; the SML weights, which
    # measure agreement, give it almost no weight
    world = instagram_world(6000, rng=0)
    g, truth = inject_like_farm(world, n_bots=150, n_targets=100, density=0.03,
                                camouflage="biased", rng=1)  # fmt: skip
    result = ensemble(g, detectors=["burstlink", "fraudar", "degree", "holoscope"], rng=0)
    bots = truth.bot_mask(g)
    flagged = result.flagged()
    assert bots[flagged].mean() >= 0.95 and bots[flagged].sum() >= 0.6 * bots.sum()
    # BurstLink's own per-user test enters ungated, so its unflagged bots still rank high
    own = run_detector("burstlink", g).evidence["user_pvalues"]
    np.testing.assert_array_equal(result.evidence["pvalues"]["burstlink"], own)
    assert average_precision(result.user_scores, bots) >= average_precision(-own, bots) - 0.01


def test_rank_mean_is_plain_rank_averaging(farmed, farmed_result):
    g, _ = farmed
    r = ensemble(g, detectors=["degree", "fraudar"], combine="rank_mean", gate=False, rng=0)
    ranks = [1 - upper_tail_pvalues(s) for s in r.evidence["scores"].values()]
    np.testing.assert_allclose(r.evidence["combined"], np.mean(ranks, axis=0))
    lifted = np.zeros(r.n_users, dtype=bool)
    lifted[r.flagged()] = True  # neither detector is tested, so both decide
    np.testing.assert_allclose(r.user_scores[~lifted], r.evidence["combined"][~lifted])


def test_gate_gives_no_evidence_outside_own_groups(farmed_result):
    for name, p in farmed_result.evidence["pvalues"].items():
        assert p.max() <= 0.5
        assert (p == 0.5).mean() > 0.5, name


def test_same_seed_same_answer_and_estimator(farmed):
    g, _ = farmed
    a = ensemble(g, detectors=["degree", "fraudar"], rng=3)
    b = Ensemble(detectors=["degree", "fraudar"], rng=3).fit(g).result_
    np.testing.assert_array_equal(a.user_scores, b.user_scores)
    assert a.params["rng"] == 3
    assert get_detector("ensemble").family == "ensemble"


def test_default_detectors_are_the_registered_ones():
    g = InteractionGraph.from_events(["a", "b", "b", "c"], ["x", "x", "y", "y"])
    assert "degree" in DEFAULT_DETECTORS
    r = run_detector("ensemble", g, detectors=("degree", "fraudar"), rng=0)
    assert r.params["detectors"] == ("degree", "fraudar")
    r = ensemble(g, rng=0)  # no times: only detectors that do not need them
    assert all(not get_detector(n).needs_times for n in r.params["detectors"])


def test_cauchy_is_dominated_by_the_smallest_pvalue():
    p = np.array([[1e-6, 0.2, 0.5], [0.9, 0.2, 0.5]])
    s = combine_pvalues(p, combine="cauchy")
    assert s[0] > s[1] > s[2]
    assert s[2] == pytest.approx(-np.log10(0.5))


def test_sml_weights_follow_accuracy():
    rng = np.random.default_rng(1)
    truth = rng.random(3000) < 0.1
    scores = [truth + s * rng.random(3000) for s in (0.4, 0.8, 2.0, 5.0)]
    w = sml_weights(np.vstack([1 - upper_tail_pvalues(s) for s in scores]))
    assert np.all(np.diff(w) < 0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [({"detectors": []}, InvalidParameterError, "must name at least one detector; got"),
     ({"detectors": "degree"}, InputTypeError, "must be a list of detector names; got str"),
     ({"detectors": ["ensemble"]}, InvalidParameterError, "must not contain 'ensemble'"),
     ({"detectors": ["nope"]}, KeyError, "no detector named 'nope'"),
     ({"detectors": ["degree"], "params": {"fraudar": {}}}, InvalidParameterError,
      r"`params` names detectors that are not run: \['fraudar'\]"),
     ({"combine": "vote"}, InvalidParameterError, "`combine` must be one of"),
     ({"min_vote": 2}, InvalidParameterError, r"`min_vote` must be a fraction in \[0, 1\]")],
)  # fmt: skip
def test_bad_parameters_are_named(kwargs, error, message):
    g = InteractionGraph.from_events(["a", "b"], ["x", "x"])
    with pytest.raises(error, match=message):
        ensemble(g, **kwargs)


def test_temporal_component_without_times_says_so():
    from graphbot.detect import available_detectors

    temporal = available_detectors(needs_times=True)
    if not temporal:
        pytest.skip("no temporal detector registered")
    g = InteractionGraph.from_events(["a", "b"], ["x", "x"])
    with pytest.raises(InvalidInputError, match="needs event timestamps"):
        ensemble(g, detectors=[temporal[0]])
