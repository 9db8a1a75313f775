import numpy as np
import pandas as pd
import pytest

from graphbot import InteractionGraph, InvalidInputError, InvalidParameterError
from graphbot.graph import KINDS, kind_code


@pytest.fixture
def small():
    return InteractionGraph.from_events(
        ["a", "a", "b", "c", "c", "c"],
        ["x", "x", "x", "y", "z", "x"],
        times=[10, 20, 30, 40, 50, 60],
        kinds=["like", "like", "follow", "like", "comment", "like"],
    )


def test_sizes_and_ids(small):
    assert (small.n_users, small.n_targets, small.n_events) == (3, 3, 6)
    assert small.user_ids.tolist() == ["a", "b", "c"]
    assert small.target_ids.tolist() == ["x", "y", "z"]
    assert small.users.dtype == np.int32 and small.targets.dtype == np.int32
    assert small.times.dtype == np.int64 and small.kinds.dtype == np.int8


def test_csr_counts_and_degrees(small):
    assert small.csr.toarray().tolist() == [[2, 0, 0], [1, 0, 0], [1, 1, 1]]
    assert small.csc.toarray().tolist() == small.csr.toarray().tolist()
    assert small.user_degrees().tolist() == [1, 1, 3]
    assert small.user_degrees(unique=False).tolist() == [2, 1, 3]
    assert small.target_degrees().tolist() == [3, 1, 1]
    assert small.biadjacency().toarray().max() == 1


def test_arrays_are_read_only(small):
    with pytest.raises(ValueError):
        small.users[0] = 2


def test_time_slice_keeps_index_space(small):
    sliced = small.time_slice(25, 55)
    assert sliced.n_events == 3 and sliced.n_users == 3
    assert sorted(sliced.times.tolist()) == [30, 40, 50]


def test_filter_kind(small):
    likes = small.filter_kind("like")
    assert likes.n_events == 4
    assert set(likes.kinds.tolist()) == {kind_code("like")}
    with pytest.raises(InvalidParameterError, match="unknown event kind 'poke'"):
        small.filter_kind("poke")


def test_subgraph_compacts_and_keeps_ids(small):
    sub = small.subgraph(users=[0, 2], targets=[0])
    assert sub.user_ids.tolist() == ["a", "c"]
    assert sub.target_ids.tolist() == ["x"]
    assert sub.n_events == 3
    mask_sub = small.subgraph(users=np.array([True, False, True]))
    assert mask_sub.n_users == 2
    with pytest.raises(InvalidParameterError, match="outside"):
        small.subgraph(users=[7])


def test_user_index_lookup(small):
    assert small.user_index(["c", "a"]).tolist() == [2, 0]
    with pytest.raises(InvalidParameterError, match="unknown user id"):
        small.user_index(["zz"])


def test_require_times_message():
    g = InteractionGraph.from_events([1, 2], [3, 3])
    with pytest.raises(InvalidInputError, match="copycatch needs event timestamps"):
        g.require_times("copycatch")
    with pytest.raises(InvalidInputError, match="timestamps"):
        g.time_slice(0, 1)


def test_bytes_per_event_budget():
    rng = np.random.default_rng(0)
    n = 200_000
    g = InteractionGraph.from_events(
        rng.integers(0, 5000, n), rng.integers(0, 2000, n), times=rng.integers(0, 10**6, n),
        kinds="like")
    assert g.csr.nnz == g.csc.nnz  # builds both sparse views
    assert g.nbytes() / n <= 40


def test_kinds_vocabulary():
    assert KINDS[kind_code("follow")] == "follow"


def test_with_event_columns_replaces_times_or_weights_and_shares_sparse_views():
    g = InteractionGraph.from_events([0, 1, 1], [5, 5, 6], times=[10, 20, 30], weights=[1, 2, 3])
    csr = g.csr
    h = g.with_event_columns(times=np.array([1, 2, 3]), weights=None)
    assert h.times.tolist() == [1, 2, 3] and h.weights is None
    assert h.csr is csr and g.times.tolist() == [10, 20, 30]
    with pytest.raises(InvalidParameterError, match="only `times` and `weights`"):
        g.with_event_columns(kinds=None)


@pytest.fixture
def with_tables():
    users = pd.DataFrame({"user": ["a", "b", "c"], "created": [1.0, 2.0, np.nan],
                          "followers": [10, 20, 30]})
    targets = pd.DataFrame({"target": ["x", "y", "z"], "owner": ["o1", "o2", "o1"],
                            "created": [5.0, np.nan, 7.0], "kind": ["post", "post", "account"]})
    return InteractionGraph.from_events(
        ["a", "a", "b", "c", "c"], ["x", "y", "x", "y", "z"], times=[10, 20, 30, 40, 50],
        user_table=users, target_table=targets,
    )


def _node_view(g):
    """Every per-user and per-target attribute, keyed by external id."""
    users = {uid: (g.user_created[i], g.user_columns["followers"][i])
             for i, uid in enumerate(g.user_ids.tolist())}
    targets = {tid: (g.target_owners[i], g.target_created[i], g.target_columns["kind"][i])
               for i, tid in enumerate(g.target_ids.tolist())}
    return users, targets


@pytest.mark.parametrize("derive", [
    lambda g: g.subgraph(users=[0, 2], targets=[1, 2]),
    lambda g: g.reordered(user_order=[2, 0, 1], target_order=[1, 2, 0]),
    lambda g: g.select_events(np.array([True, False, True, False, True])),
    lambda g: g.time_slice(15, 45),
    lambda g: g.filter_kind("interaction"),
    lambda g: g.with_event_columns(times=np.arange(5)),
], ids=["subgraph", "reordered", "select_events", "time_slice", "filter_kind",
        "with_event_columns"])
def test_derived_graphs_keep_table_columns(with_tables, derive):
    users, targets = _node_view(with_tables)
    h = derive(with_tables)
    h_users, h_targets = _node_view(h)
    for uid, values in h_users.items():
        np.testing.assert_array_equal(values, users[uid])
    for tid, values in h_targets.items():
        assert values[0] == targets[tid][0] and values[2] == targets[tid][2]
        np.testing.assert_array_equal(values[1], targets[tid][1])


def test_table_columns_are_read_only_and_checked(with_tables):
    with pytest.raises(ValueError):
        with_tables.target_created[0] = 1.0
    with pytest.raises(ValueError):
        with_tables.target_columns["kind"][0] = "x"
    with pytest.raises(InvalidInputError, match=r"`user_columns\['f'\]` must have one entry "
                       r"per user \(1\)"):
        InteractionGraph([0], [0], user_ids=["a"], target_ids=["x"],
                         user_columns={"f": [1, 2]})
    assert InteractionGraph([0], [0], user_ids=["a"], target_ids=["x"]).user_columns == {}
