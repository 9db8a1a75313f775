"""Tests of the user-user co-action projection against a brute-force dense computation."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from graphbot import InteractionGraph
from graphbot.errors import InputTypeError, InvalidInputError, InvalidParameterError
from graphbot.projection import coaction_graph


def _random_graph(seed: int, n_users: int = 30, n_targets: int = 12, n_events: int = 150):
    gen = np.random.default_rng(seed)
    users = gen.integers(0, n_users, n_events)
    targets = gen.integers(0, n_targets, n_events)
    times = gen.integers(0, 10_000, n_events)
    return InteractionGraph.from_events(users, targets, times=times, extra_users=range(n_users))


def _brute(graph: InteractionGraph, window=None, max_target_degree=None) -> np.ndarray:
    n = graph.n_users
    out = np.zeros((n, n), dtype=np.int64)
    deg = graph.target_degrees()
    for t in range(graph.n_targets):
        if max_target_degree is not None and deg[t] > max_target_degree:
            continue
        on_t = np.flatnonzero(graph.targets == t)
        pairs = set()
        for i in on_t:
            for j in on_t:
                u, v = graph.users[i], graph.users[j]
                if u == v:
                    continue
                if window is not None and abs(int(graph.times[i]) - int(graph.times[j])) > window:
                    continue
                pairs.add((u, v))
        for u, v in pairs:
            out[u, v] += 1
    return out


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("window", [None, 0, 300, 2_000])
def test_matches_brute_force(seed, window):
    g = _random_graph(seed)
    got = coaction_graph(g, window=window)
    assert isinstance(got, sp.csr_matrix)
    assert got.shape == (g.n_users, g.n_users)
    np.testing.assert_array_equal(got.toarray(), _brute(g, window))
    assert got.has_sorted_indices
    assert (got != got.T).nnz == 0  # symmetric
    assert got.diagonal().sum() == 0


@pytest.mark.parametrize("min_shared", [1, 2, 3])
def test_min_shared_filters_pairs(min_shared):
    g = _random_graph(7, n_events=250)
    dense = _brute(g)
    dense[dense < min_shared] = 0
    got = coaction_graph(g, min_shared=min_shared)
    np.testing.assert_array_equal(got.toarray(), dense)
    assert got.data.min() >= min_shared


def test_max_target_degree_skips_popular_targets():
    g = _random_graph(3)
    cap = int(np.median(g.target_degrees()))
    got = coaction_graph(g, max_target_degree=cap)
    np.testing.assert_array_equal(got.toarray(), _brute(g, max_target_degree=cap))


def test_window_semantics_inclusive_and_any_pair_of_events():
    # b's second event on x is exactly 60 s from a's; c is 61 s away from everyone on y.
    g = InteractionGraph.from_events(
        ["a", "b", "b", "a", "c"], ["x", "x", "x", "y", "y"], times=[0, 500, 60, 1000, 1061]
    )
    m = coaction_graph(g, window=60).toarray()
    a, b, c = (int(g.user_index([k])[0]) for k in "abc")
    assert m[a, b] == 1  # one shared target, counted once despite two events of b
    assert m[a, c] == 0
    assert coaction_graph(g, window=61).toarray()[a, c] == 1


def test_repeated_events_count_one_target_once():
    g = InteractionGraph.from_events(["a", "a", "b", "b"], ["x", "x", "x", "x"], times=[0, 1, 2, 3])
    assert coaction_graph(g).toarray().tolist() == [[0, 1], [1, 0]]
    assert coaction_graph(g, window=10).toarray().tolist() == [[0, 1], [1, 0]]


def test_input_not_mutated_and_progress_runs():
    g = _random_graph(1)
    before = (g.users.copy(), g.targets.copy(), g.times.copy())
    coaction_graph(g, window=100, progress=True)
    for old, new in zip(before, (g.users, g.targets, g.times)):
        np.testing.assert_array_equal(old, new)


def test_errors_name_the_parameter():
    g = _random_graph(0)
    with pytest.raises(InvalidParameterError, match="`min_shared` must be an integer >= 1; got 0"):
        coaction_graph(g, min_shared=0)
    with pytest.raises(InvalidParameterError, match="`window` must be a non-negative number"):
        coaction_graph(g, window=-5)
    with pytest.raises(InvalidParameterError, match="`max_target_degree`"):
        coaction_graph(g, max_target_degree=0)
    with pytest.raises(InputTypeError, match="coaction_graph expects an InteractionGraph"):
        coaction_graph("not a graph")
    untimed = InteractionGraph.from_events(["a", "b"], ["x", "x"])
    with pytest.raises(InvalidInputError, match="coaction_graph needs event timestamps"):
        coaction_graph(untimed, window=10)
    assert coaction_graph(untimed).toarray().tolist() == [[0, 1], [1, 0]]
