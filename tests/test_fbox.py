"""fBox: a small stealthy farm, invisible to the top singular vectors, is caught per degree."""

from __future__ import annotations

import numpy as np
import pytest

from graphbot import InteractionGraph
from graphbot.detect import FBox, fbox, get_detector, spoken
from graphbot.detect.spectral.fbox import _degree_buckets
from graphbot.errors import InvalidParameterError
from graphbot.evaluate.metrics import detection_scores
from graphbot.synth import inject_like_farm, instagram_world


@pytest.fixture(scope="module")
def planted():
    world = instagram_world(5000, rng=0)
    # stealthy: 20 bots, ~6 likes each on 20 obscure posts -- far below the k-th singular value
    return inject_like_farm(world, n_bots=20, n_targets=20, density=0.3, camouflage="none", rng=1)


def test_catches_small_stealthy_farm_that_spoken_misses(planted):
    graph, truth = planted
    result = fbox(graph, rng=0)
    bots = truth.bot_mask(graph)
    flagged = result.flagged()
    assert bots[flagged].sum() >= 0.85 * bots.sum()
    assert len(flagged) <= 0.012 * graph.n_users  # ~percentile % of each degree bucket
    assert detection_scores(result, truth, graph)["roc_auc"] > 0.99
    # the spectral view does not see it
    assert bots[spoken(graph, rng=0).flagged()].sum() == 0


def test_bots_are_badly_reconstructed_for_their_degree(planted):
    graph, truth = planted
    result = fbox(graph, rng=0)
    bots = truth.bot_mask(graph)
    ev = result.evidence
    srr = ev["srr"]
    assert ((srr >= 0) & (srr <= 1)).all()
    assert (ev["reconstructed_degree"] <= np.sqrt(ev["degree"]) + 1e-9).all()
    same_degree = np.isin(ev["degree"], ev["degree"][bots]) & ~bots
    assert np.median(srr[bots]) < 0.2 * np.median(srr[same_degree])
    # each flagged user is at or below its bucket's threshold
    flagged = result.flagged()
    assert (srr[flagged] <= ev["bucket_threshold"][flagged] + 1e-12).all()


def test_flagged_users_score_above_everyone_else(planted):
    graph, _ = planted
    result = fbox(graph, rng=0)
    flagged = result.flagged()
    others = np.setdiff1d(np.arange(graph.n_users), flagged)
    assert result.user_scores[flagged].min() > result.user_scores[others].max()


def test_low_degree_users_are_never_flagged(planted):
    graph, _ = planted
    result = fbox(graph, min_degree=4, rng=0)
    assert (result.evidence["degree"][result.flagged()] >= 4).all()


def test_degree_buckets_are_exact_then_merged_to_min_size():
    degree = np.r_[np.full(300, 1), np.full(250, 2), np.arange(3, 400)]
    bucket = _degree_buckets(degree, 200)
    assert len(set(bucket[:300])) == 1 and len(set(bucket[300:550])) == 1
    assert bucket[0] != bucket[300]
    _, sizes = np.unique(bucket, return_counts=True)
    assert sizes.min() >= 200


def test_deterministic_registered_and_class_form(planted):
    graph, _ = planted
    a = fbox(graph, rng=3)
    np.testing.assert_array_equal(a.user_scores, FBox(rng=3).fit(graph).result_.user_scores)
    assert a.params["rng"] == 3
    spec = get_detector("fbox")
    assert spec.family == "spectral" and not spec.needs_times


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"percentile": 0}, "`percentile` must be a percentile in (0, 100]; got 0"),
        ({"k": 0}, "`k` must be an integer >= 1; got 0"),
        ({"min_bucket": 0}, "`min_bucket` must be an integer >= 1; got 0"),
    ],
)
def test_parameter_errors(params, message):
    g = InteractionGraph.from_events(["a", "b"], ["x", "y"])
    with pytest.raises(InvalidParameterError) as info:
        fbox(g, **params)
    assert message in str(info.value)
