"""M-Zoom / D-Cube tensor dense blocks: densities, guarantee, planted blocks, recovery."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from graphbot import InteractionGraph
from graphbot.detect import DCube, dcube, get_detector
from graphbot.detect.dense.dcube import block_density, event_tensor
from graphbot.errors import InvalidInputError, InvalidParameterError

HOUR = 3600


def planted_tensor_graph(seed: int, n_blocks: int = 1) -> InteractionGraph:
    """Sparse background over 2 days plus dense lockstep blocks (users x targets x 2 hours).

    Block ``k`` has users ``12k..12k+11``, targets ``6k..6k+5`` and ``4 - 2k`` events per cell.
    """
    rng = np.random.default_rng(seed)
    n_users, n_targets, n_back = 120, 80, 600
    users = list(rng.integers(0, n_users, n_back))
    targets = list(rng.integers(0, n_targets, n_back))
    times = list(rng.integers(0, 48 * HOUR, n_back))
    for k in range(n_blocks):
        start = (10 + 20 * k) * HOUR
        for u in range(12 * k, 12 * k + 12):
            for t in range(6 * k, 6 * k + 6):
                for _ in range(4 - 2 * k):  # block 0 denser than block 1
                    users.append(u)
                    targets.append(t)
                    times.append(start + int(rng.integers(0, 2 * HOUR)))
    ids = {"user_ids": np.arange(n_users), "target_ids": np.arange(n_targets)}
    return InteractionGraph(np.array(users), np.array(targets), times=np.array(times), **ids)


def test_density_measures_by_hand():
    sizes, sizes_r = np.array([2.0, 3.0, 4.0]), np.array([10.0, 10.0, 10.0])
    assert block_density("arithmetic", 18.0, sizes, 100.0, sizes_r) == pytest.approx(6.0)
    assert block_density("geometric", 18.0, sizes, 100.0, sizes_r) == pytest.approx(
        18 / 24 ** (1 / 3)
    )
    p = 24 / 1000
    expected = 18 * (np.log(18 / 100) - 1) + 100 * p - 18 * np.log(p)
    assert block_density("suspiciousness", 18.0, sizes, 100.0, sizes_r) == pytest.approx(expected)


def test_event_tensor_counts_repeats_as_mass():
    g = InteractionGraph.from_events(["a", "a", "a", "b"], ["x", "x", "y", "x"],
                                     times=[0, 100, 4000, 7300])  # fmt: skip
    coords, mass, dims = event_tensor(g, HOUR)
    assert coords.T.tolist() == [[0, 0, 0], [0, 1, 1], [1, 0, 2]]
    assert mass.tolist() == [2.0, 1.0, 1.0] and dims.tolist() == [2, 2, 3]


@pytest.mark.parametrize("method", ["dcube", "mzoom"])
@pytest.mark.parametrize("density", ["arithmetic", "geometric", "suspiciousness"])
def test_finds_planted_lockstep_block(method, density):
    graph = planted_tensor_graph(0)
    result = dcube(graph, method=method, density=density, bin_seconds=HOUR)
    block = result.groups[0]
    assert set(range(12)) <= set(block.users.tolist())
    assert len(block.users) <= 14
    assert set(range(6)) <= set(block.targets.tolist())
    assert block.stats["n_time_bins"] <= 4


def test_two_blocks_found_in_turn():
    graph = planted_tensor_graph(1, n_blocks=2)
    result = dcube(graph, n_blocks=2, method="mzoom")
    found = sorted(result.groups, key=lambda g: g.stats["block"])
    assert {frozenset(g.users[g.users < 24].tolist()) for g in found} == {
        frozenset(range(12)),
        frozenset(range(12, 24)),
    }
    # block 0 members score above block 1 members, both above everyone else
    s = result.user_scores
    assert (
        s[found[0].users].min() > s[found[1].users].max() > 1 > np.delete(s, result.flagged()).max()
    )


@pytest.mark.parametrize("seed", range(5))
def test_mzoom_arithmetic_within_factor_of_modes_of_optimum(seed):
    rng = np.random.default_rng(seed)
    n_events = 14
    users, targets = rng.integers(0, 3, n_events), rng.integers(0, 3, n_events)
    times = rng.integers(0, 2, n_events) * HOUR
    graph = InteractionGraph(users, targets, times=times, user_ids=np.arange(3),
                             target_ids=np.arange(3))  # fmt: skip
    coords, mass, dims = event_tensor(graph, HOUR)
    dense = np.zeros(tuple(dims))
    np.add.at(dense, tuple(coords), mass)
    subsets = [
        [list(s) for r in range(1, d + 1) for s in itertools.combinations(range(d), r)]
        for d in dims
    ]
    best = max(
        dense[np.ix_(a, b, c)].sum() / ((len(a) + len(b) + len(c)) / 3)
        for a in subsets[0] for b in subsets[1] for c in subsets[2]
    )  # fmt: skip
    score = dcube(graph, method="mzoom", bin_seconds=HOUR).groups[0].score
    assert best / 3 - 1e-12 <= score <= best + 1e-12


def test_invariants():
    graph = planted_tensor_graph(2)
    a, b = dcube(graph, n_blocks=2), dcube(graph, n_blocks=2)
    np.testing.assert_array_equal(a.user_scores, b.user_scores)
    assert a.user_scores.shape == (graph.n_users,) and np.all(a.user_scores > 0)
    assert a.params["method"] == "dcube" and a.meta["n_blocks_found"] == 2
    assert DCube(method="mzoom").fit(graph).result_.params["method"] == "mzoom"
    assert get_detector("dcube").needs_times


def test_errors():
    no_times = InteractionGraph.from_events(["a"], ["x"])
    with pytest.raises(InvalidInputError, match="dcube needs event timestamps"):
        dcube(no_times)
    graph = planted_tensor_graph(0)
    with pytest.raises(InvalidParameterError, match="`density` must be one of"):
        dcube(graph, density="harmonic")
    with pytest.raises(InvalidParameterError, match="`bin_seconds` must be a positive number"):
        dcube(graph, bin_seconds=0)
    with pytest.raises(InvalidParameterError, match="`method` must be one of"):
        dcube(graph, method="greedy")


@pytest.mark.parametrize("camouflage", ["random", "biased", "hijacked"])
def test_recovers_lockstep_like_farm(camouflage):
    synth = pytest.importorskip("graphbot.synth")
    from graphbot.evaluate.metrics import detection_scores

    world = synth.instagram_world(n_users=2000, n_accounts=200, days=30, rng=0)
    day = 86400.0
    graph, truth = synth.inject_like_farm(
        world, n_bots=200, n_targets=100, density=0.3, camouflage=camouflage, rng=1,
        start=float(world.times.min()) + 10 * day, span=day,
    )  # fmt: skip
    assert detection_scores(dcube(graph, method="mzoom"), truth, graph)["f1"] >= 0.98
    assert detection_scores(dcube(graph, method="dcube"), truth, graph)["f1"] >= 0.75
