"""One contract every registered detector must honour (scikit-learn's check idea)."""

import numpy as np
import pytest

from graphbot import DetectionResult, InputTypeError, InteractionGraph, InvalidInputError
from graphbot.detect import available_detectors, get_detector
from graphbot.synth import inject_like_farm, instagram_world

DETECTORS = available_detectors()


@pytest.fixture(scope="module")
def planted():
    world = instagram_world(800, rng=11)
    return inject_like_farm(world, n_bots=40, n_targets=20, density=0.5, window=3600,
                            camouflage="random", rng=12)


def run(name, graph, rng=0):
    spec = get_detector(name)
    return spec.function(graph, **{**spec.demo_params, "rng": rng})


def test_registry_lists_the_baseline():
    assert "degree" in DETECTORS


@pytest.mark.parametrize("name", DETECTORS)
def test_scores_every_user(name, planted):
    graph, _ = planted
    result = run(name, graph)
    assert isinstance(result, DetectionResult)
    assert result.method == name
    assert result.user_scores.shape == (graph.n_users,)
    assert np.isfinite(result.user_scores).all()
    assert list(result.user_ids) == list(graph.user_ids)
    scores = [g.score for g in result.groups]
    assert scores == sorted(scores, reverse=True)
    for group in result.groups:
        assert group.users.size and group.users.max() < graph.n_users
        assert group.targets.size == 0 or group.targets.max() < graph.n_targets
    assert "rng" in result.params and "runtime_s" in result.meta


@pytest.mark.parametrize("name", DETECTORS)
def test_same_rng_same_answer(name, planted):
    graph, _ = planted
    a, b = run(name, graph, rng=3), run(name, graph, rng=3)
    assert np.array_equal(a.user_scores, b.user_scores)
    assert [g.users.tolist() for g in a.groups] == [g.users.tolist() for g in b.groups]


@pytest.mark.parametrize("name", DETECTORS)
def test_does_not_touch_input(name, planted):
    graph, _ = planted
    before = (graph.users.copy(), graph.targets.copy(), graph.times.copy())
    run(name, graph)
    assert all(np.array_equal(x, y) for x, y in
               zip(before, (graph.users, graph.targets, graph.times)))


@pytest.mark.parametrize("name", DETECTORS)
def test_estimator_matches_function(name, planted):
    graph, _ = planted
    spec = get_detector(name)
    params = {**spec.demo_params, "rng": 5}
    est = spec.estimator(**params)
    assert est.get_params() == {**{k: v for k, v in est.get_params().items()}, **params}
    fitted = est.fit(graph)
    assert fitted is est
    assert np.array_equal(est.result_.user_scores, spec.function(graph, **params).user_scores)


@pytest.mark.parametrize("name", DETECTORS)
def test_rejects_non_graph(name):
    with pytest.raises(InputTypeError, match="InteractionGraph"):
        get_detector(name).function([(1, 2)])


@pytest.mark.parametrize("name", [n for n in DETECTORS if get_detector(n).needs_times])
def test_temporal_detectors_need_times(name):
    g = InteractionGraph.from_events(np.arange(50) % 10, np.arange(50) % 7)
    with pytest.raises(InvalidInputError, match="timestamps"):
        get_detector(name).function(g)
