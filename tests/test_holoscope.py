"""HoloScope: a low-density, camouflaged, timestamped farm is recovered by contrast + bursts.

With ratings (``graph.weights``) the rating-deviation signal joins them.
"""

from __future__ import annotations

import numpy as np
import pytest

from graphbot import InteractionGraph
from graphbot.detect import HoloScope, get_detector, holoscope
from graphbot.detect.spectral._bursts import target_bursts
from graphbot.detect.spectral._ratings import rating_counts, rating_totals
from graphbot.detect.spectral._shaving import shave
from graphbot.detect.spectral.holoscope import _target_weight
from graphbot.errors import InvalidInputError, InvalidParameterError
from graphbot.evaluate.metrics import detection_scores
from graphbot.synth import inject_like_farm, instagram_world


@pytest.fixture(scope="module")
def planted():
    # likes only (HoloScope scores one relation); 200 bots at density 0.1 on 100 obscure
    # posts, as many popularity-biased camouflage likes as farm likes, 6-hour windows
    world = instagram_world(5000, rng=0).filter_kind("like")
    return inject_like_farm(
        world, n_bots=200, n_targets=100, density=0.1, camouflage="biased", rng=1
    )


@pytest.fixture(scope="module")
def result(planted):
    return holoscope(planted[0], rng=0)


def test_recovers_low_density_camouflaged_farm_with_times(planted, result):
    graph, truth = planted
    assert result.meta["used_times"]
    scores = detection_scores(result, truth, graph)
    assert scores["f1"] >= 0.9
    assert scores["roc_auc"] >= 0.95
    block = result.groups[0]
    farm_targets = set(graph.target_index(truth.farms[0].targets).tolist())
    assert len(farm_targets & set(block.targets.tolist())) >= 0.8 * len(farm_targets)


def test_bursts_mark_farm_events_and_target_weights_favour_farm(planted, result):
    graph, truth = planted
    ev = result.evidence
    farm = graph.target_index(truth.farms[0].targets)
    others = np.setdiff1d(np.flatnonzero(graph.target_degrees() > 0), farm)
    assert np.median(ev["target_weight"][farm]) > 10 * np.median(ev["target_weight"][others])
    # the farm's 6-hour window is found as the main burst of most farm targets
    farm_events = truth.farms[0].events
    opened = farm_events[~farm_events["camouflage"]].groupby("target")["time"].min()
    starts = ev["burst_start"][graph.target_index(opened.index.to_numpy())]
    assert np.mean(np.abs(starts - opened.to_numpy()) <= 86400) >= 0.7
    assert len(ev["objective_curve"]) > 0 and ev["drop_weight"].min() >= 1.0


def test_members_score_above_non_members(planted, result):
    graph, _ = planted
    flagged = result.flagged()
    others = np.setdiff1d(np.arange(graph.n_users), flagged)
    assert result.user_scores[flagged].min() > result.user_scores[others].max()
    assert result.params["rng"] == 0


def test_runs_without_times_and_records_it():
    rng = np.random.default_rng(0)
    u, t = rng.integers(0, 300, 1500), rng.integers(0, 200, 1500)
    bu, bt = np.repeat(np.arange(300, 320), 10), np.tile(np.arange(200, 210), 20)
    timeless = InteractionGraph.from_events(np.r_[u, bu], np.r_[t, bt])
    result = holoscope(timeless, k=3, rng=0)
    assert not result.meta["used_times"]
    assert "burst_start" not in result.evidence
    assert sorted(result.user_ids[result.flagged()].tolist()) == list(range(300, 320))
    with pytest.raises(InvalidInputError, match="needs event timestamps"):
        holoscope(timeless, use_times="yes")


def test_times_ignored_on_request_deterministic_and_second_block_disjoint():
    rng = np.random.default_rng(1)
    u, t = rng.integers(0, 300, 1500), rng.integers(0, 200, 1500)
    bu, bt = np.repeat(np.arange(300, 320), 10), np.tile(np.arange(200, 210), 20)
    times = rng.integers(0, 30 * 86400, len(u) + len(bu))
    g = InteractionGraph.from_events(np.r_[u, bu], np.r_[t, bt], times=times)
    assert holoscope(g, use_times="no", k=3, rng=0).meta["used_times"] is False
    a = holoscope(g, k=3, n_blocks=2, rng=5)
    b = HoloScope(k=3, n_blocks=2, rng=5).fit(g).result_
    np.testing.assert_array_equal(a.user_scores, b.user_scores)
    assert len(a.groups) == 2
    assert not set(a.groups[0].users.tolist()) & set(a.groups[1].users.tolist())
    spec = get_detector("holoscope")
    assert spec.family == "spectral" and spec.needs_times is False


def _hs(matrix, burst, users, base, timed, rating=None):
    f_u = np.asarray(matrix.sum(axis=0)).ravel()
    b_u = np.asarray(burst.sum(axis=0)).ravel()
    weight = _target_weight(matrix, burst, users, f_u, b_u, base, timed, rating)
    f_a = np.asarray(matrix[users].sum(axis=0)).ravel()
    return (f_a * weight).sum() / (len(users) + weight.sum())


def _rated_toy(rng, dense):
    """Ratings 1..5 on the toy matrix's events, as ``rating_counts`` reads them."""
    users, targets = np.nonzero(dense)
    reps = dense[users, targets]
    graph = InteractionGraph.from_events(
        np.repeat(users, reps),
        np.repeat(targets, reps),
        weights=rng.integers(1, 6, reps.sum()),
    )
    assert graph.n_users == dense.shape[0] and graph.n_targets == dense.shape[1]
    return rating_counts(graph)


@pytest.mark.parametrize(("timed", "rated"), [(False, False), (True, False), (True, True)])
def test_incremental_shaving_matches_brute_force_objective(timed, rated):
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    dense = (rng.random((12, 9)) < 0.4) * rng.integers(1, 3, (12, 9))
    dense[:, 0] = np.maximum(dense[:, 0], 1)  # every user and target has events
    matrix = sp.csr_matrix(dense.astype(float))
    burst = matrix.copy()
    burst.data = np.floor(burst.data * rng.random(len(burst.data)) * 2)
    total_f = np.asarray(matrix.sum(axis=0)).ravel()
    total_b = np.asarray(burst.sum(axis=0)).ravel()
    rdata, r_u, r_scale, rating = np.zeros((3, 0)), np.zeros((3, 0)), 1.0, None
    if rated:
        ratings = _rated_toy(rng, dense)
        r_u = rating_totals(ratings, 9)
        rdata = np.vstack([ratings[key].data for key in ("low", "high", "n")])
        r_scale = 0.3  # some deviations exceed it: the cap at 1 is exercised too
        rating = (ratings, r_u, r_scale)
    csc = matrix.tocsc()
    order, curve = shave(
        matrix.indptr,
        matrix.indices,
        matrix.data,
        burst.data,
        csc.indptr,
        csc.indices,
        csc.data,
        total_f,
        total_b,
        32.0,
        timed,
        rdata,
        r_u,
        r_scale,
        rated,
    )
    assert sorted(order.tolist()) == list(range(12))
    for i in range(12):
        left = np.sort(order[i:])
        expected = _hs(matrix, burst, left, 32.0, timed, rating)
        assert curve[i] == pytest.approx(expected, rel=1e-9)


@pytest.fixture(scope="module")
def rated(planted):
    # the same world and farm, now with 1..5-star ratings: honest users spread theirs,
    # bots give every event (camouflage too) 5 stars, as inject_farm does on rated data
    graph, truth = planted
    stars = np.random.default_rng(2).choice(
        np.arange(1, 6), size=graph.n_events, p=[0.1, 0.15, 0.3, 0.3, 0.15]
    )
    stars[truth.bot_mask(graph)[graph.users]] = 5
    weighted = InteractionGraph(
        graph.users,
        graph.targets,
        user_ids=graph.user_ids,
        target_ids=graph.target_ids,
        times=graph.times,
        kinds=graph.kinds,
        weights=stars,
    )
    return weighted, truth


def test_rating_deviation_recovers_farm_and_is_exposed(planted, result, rated):
    graph, truth = rated
    with_ratings = holoscope(graph, rng=0)
    assert with_ratings.meta["used_ratings"] and not result.meta["used_ratings"]
    assert with_ratings.params["use_ratings"] == "auto"
    scores = detection_scores(with_ratings, truth, graph)
    without = detection_scores(result, truth, planted[0])
    assert scores["f1"] >= 0.95 and scores["f1"] >= without["f1"] - 0.01
    # the farm's targets deviate (5 stars against spread honest ratings), the rest do not
    deviation = with_ratings.evidence["rating_deviation"]
    assert deviation.shape == (graph.n_targets,) and 0.0 <= deviation.min() <= deviation.max() <= 1
    farm = graph.target_index(truth.farms[0].targets)
    others = np.setdiff1d(np.flatnonzero(graph.target_degrees() > 0), farm)
    assert np.median(deviation[farm]) > 20 * np.median(deviation[others])
    assert np.isin(np.argsort(-deviation)[:10], farm).sum() >= 7
    assert with_ratings.evidence["rating_scale"] > 0


def test_ratings_switched_off_match_the_unweighted_graph_exactly(result, rated):
    graph, _ = rated
    off = holoscope(graph, use_ratings="no", rng=0)
    assert not off.meta["used_ratings"] and "rating_deviation" not in off.evidence
    assert off.user_scores.tobytes() == result.user_scores.tobytes()
    np.testing.assert_array_equal(off.evidence["target_weight"], result.evidence["target_weight"])


def test_use_ratings_yes_needs_weights_and_auto_skips_constant_weights():
    g = InteractionGraph.from_events(["a", "b", "c"], ["x", "y", "x"])
    with pytest.raises(InvalidInputError, match="use_ratings='yes'.*`graph.weights`"):
        holoscope(g, use_ratings="yes")
    flat = InteractionGraph.from_events(["a", "b", "c"], ["x", "y", "x"], weights=[1, 1, 1])
    assert not holoscope(flat, k=1, rng=0).meta["used_ratings"]
    assert holoscope(flat, k=1, use_ratings="yes", rng=0).meta["used_ratings"]


def test_movielens_planted_farm_targets_show_rating_deviation(data_root):
    from graphbot.datasets import load_movielens
    from graphbot.synth import inject_farm

    movielens = load_movielens(data_root)
    graph, truth = inject_farm(
        movielens, kind="rate", n_bots=200, n_targets=100, density=0.05, rng=0
    )
    result = holoscope(graph, rng=0)
    assert result.meta["used_ratings"] and result.meta["used_times"]
    # the farm's 5-star ratings split its movies' ratings sharply; honest movies do not.
    # (The block itself is MovieLens's dense core of heavy raters, with or without
    # ratings: HoloScope's objective rates that core above a 5-movies-per-bot farm.)
    deviation = result.evidence["rating_deviation"]
    farm = graph.target_index(truth.farms[0].targets)
    others = np.setdiff1d(np.flatnonzero(graph.target_degrees() > 0), farm)
    assert np.median(deviation[farm]) > 5 * np.median(deviation[others])


def test_target_bursts_find_the_burst_and_the_drop():
    day = 86400
    quiet = np.arange(0, 20 * day, day)  # one event a day for 20 days
    spike = 10 * day + np.arange(0, 3600, 120)  # 30 events within an hour on day 10
    times = np.r_[quiet, spike]
    out = target_bursts(
        np.zeros(len(times), dtype=np.int32),
        times,
        1,
        time_bin=3600,
        max_bins=1000,
        multi_burst=0.5,
    )
    assert out["in_burst"][len(quiet) :].all()
    assert out["in_burst"][: len(quiet)].sum() <= 2
    assert abs(out["burst_peak"][0] - 10 * day) <= 3600
    assert out["drop_slope"][0] > 0 and out["drop_fall"][0] >= 29


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"base": 1}, "`base` must be a number > 1; got 1"),
        ({"use_times": "maybe"}, "`use_times` must be one of"),
        ({"use_ratings": "maybe"}, "`use_ratings` must be one of"),
        ({"n_blocks": 0}, "`n_blocks` must be an integer >= 1; got 0"),
        ({"seed_scaling": "log"}, "`seed_scaling` must be one of"),
    ],
)
def test_parameter_errors(params, message):
    g = InteractionGraph.from_events(["a", "b"], ["x", "y"])
    with pytest.raises(InvalidParameterError) as info:
        holoscope(g, **params)
    assert message in str(info.value)
