"""Prevalence estimation: coverage of the interval, bias direction, inputs and errors."""

from __future__ import annotations

import numpy as np
import pytest

from graphbot import InputTypeError, InvalidInputError, InvalidParameterError
from graphbot.detect import coaction_community
from graphbot.evaluate.prevalence import estimate_prevalence
from graphbot.synth import inject_follow_farm, inject_like_farm, instagram_world


def _coverage(scores, y, reps, *, n_audited=500, method="adjusted_count", seed=0):
    """Share of repetitions whose interval covers the audited set's true bot share."""
    bots, humans = np.flatnonzero(y), np.flatnonzero(~y)
    hits, errors = [], []
    for rep in range(reps):
        gen = np.random.default_rng(seed * 10_000 + rep)
        n_bots = int(round(gen.uniform(0.02, 0.3) * n_audited))
        b, h = gen.permutation(bots), gen.permutation(humans)
        audited = np.concatenate([b[:n_bots], h[: n_audited - n_bots]])
        rest_b, rest_h = b[n_bots : n_bots + 80], h[n_audited - n_bots : n_audited - n_bots + 320]
        if method == "adjusted_count":
            cal = np.concatenate([rest_b, rest_h])
            est = estimate_prevalence(scores, audited, calibration=(cal, y[cal]), rng=rep)
        else:
            est = estimate_prevalence(
                scores, audited, method="reference", reference=rest_h, n_boot=200, rng=rep
            )
        truth = n_bots / n_audited
        hits.append(est.low <= truth <= est.high)
        errors.append(est.estimate - truth)
    return float(np.mean(hits)), float(np.mean(errors))


def test_adjusted_count_covers_on_overlapping_scores():
    # Weakly separating scores: bots N(1, 1), humans N(0, 1); a hard case for counting.
    rng = np.random.default_rng(7)
    y = rng.random(6000) < 0.25
    scores = np.where(y, rng.normal(1.0, 1.0, 6000), rng.normal(0.0, 1.0, 6000))
    coverage, bias = _coverage(scores, y, reps=200)
    assert coverage >= 0.9
    assert abs(bias) < 0.02


@pytest.fixture(scope="module")
def planted_scores():
    world = instagram_world(1500, rng=30)
    g, truth = inject_like_farm(world, n_bots=120, n_targets=40, density=0.3,
                                camouflage="biased", rng=31)  # fmt: skip
    g, truth = inject_follow_farm(g, n_bots=80, n_targets=10, truth=truth, rng=32)
    g, truth = inject_like_farm(g, n_bots=60, n_targets=40, density=0.1, camouflage="hijacked",
                                truth=truth, rng=33)  # fmt: skip
    return coaction_community(g, rng=0), truth.bot_mask(g)


def test_adjusted_count_covers_on_a_planted_world(planted_scores):
    result, y = planted_scores
    # Hijacked bots are not flagged: the adjusted count corrects for these misses.
    assert np.isin(np.flatnonzero(y), result.flagged()).mean() < 0.9
    coverage, bias = _coverage(result, y, reps=100, n_audited=300, seed=1)
    assert coverage >= 0.9
    assert abs(bias) < 0.03


def test_reference_method_is_conservative(planted_scores):
    result, y = planted_scores
    coverage, bias = _coverage(result, y, reps=30, n_audited=300, method="reference", seed=2)
    assert bias < 0  # missed (hijacked) bots are counted as genuine


def test_estimate_carries_assumptions_and_details():
    rng = np.random.default_rng(0)
    y = rng.random(2000) < 0.3
    scores = np.where(y, 2.0, 0.0) + rng.random(2000)
    est = estimate_prevalence(scores, calibration=(np.arange(500), y[:500]), rng=0)
    assert 0.25 < est.estimate < 0.35 and est.low <= est.estimate <= est.high
    assert "Prior-probability shift" in est.assumptions
    assert {"threshold", "tpr", "fpr", "flagged_fraction", "rng"} <= set(est.details)
    assert "95% CI" in repr(est)


def test_users_by_external_id(planted_scores):
    result, y = planted_scores
    cal = np.flatnonzero(y)[:40].tolist() + np.flatnonzero(~y)[:200].tolist()
    by_ids = estimate_prevalence(result, result.user_ids[:300], calibration=(cal, y[cal]), rng=1)
    by_index = estimate_prevalence(result, np.arange(300), calibration=(cal, y[cal]), rng=1)
    assert by_ids.estimate == by_index.estimate and by_ids.n_users == 300


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [({}, InvalidParameterError, r"needs `calibration=\(users, labels\)`"),
     ({"method": "reference"}, InvalidParameterError, "needs `reference`, users known genuine"),
     ({"method": "mixture"}, InvalidParameterError, "`method` must be one of"),
     ({"confidence": 1.0, "calibration": ([0], [True])}, InvalidParameterError,
      r"`confidence` must be a number in \(0, 1\); got 1.0"),
     ({"calibration": ([0, 1], [True, False])}, InvalidInputError, "at least 5 bots"),
     ({"calibration": (["a"], [True])}, InputTypeError, "must be internal indices")],
)  # fmt: skip
def test_errors_name_the_problem(kwargs, error, message):
    scores = np.linspace(0, 1, 50)
    with pytest.raises(error, match=message):
        estimate_prevalence(scores, **kwargs)


def test_non_separating_scores_are_refused():
    rng = np.random.default_rng(0)
    scores = rng.random(400)
    labels = rng.random(400) < 0.5
    with pytest.raises(InvalidInputError, match="do not separate labelled bots"):
        estimate_prevalence(scores, calibration=(np.arange(400), labels), threshold=0.5)
