import numpy as np
import pandas as pd
import pytest

from graphbot import (
    GraphbotWarning,
    InputFileError,
    InputTypeError,
    InteractionGraph,
    InvalidInputError,
    InvalidParameterError,
)
from graphbot.io import from_frame, read_events, target_table, to_frame, union, user_table


def frame():
    return pd.DataFrame({
        "user": ["u1", "u2", "u2", "u3"],
        "target": ["p1", "p1", "p2", "p2"],
        "time": [100, 200, 300, 400],
        "kind": ["like", "like", "comment", "like"],
    })


def test_from_frame_keeps_caller_data():
    df = frame()
    before = df.copy()
    g = from_frame(df)
    pd.testing.assert_frame_equal(df, before)
    assert g.n_users == 3 and g.n_events == 4


def test_configurable_columns():
    df = frame().rename(columns={"user": "actor", "target": "post"})
    g = from_frame(df, user="actor", target="post")
    assert g.user_ids.tolist() == ["u1", "u2", "u3"]


def test_missing_column_message():
    with pytest.raises(InvalidInputError, match=r"missing required column\(s\) \['target'\]"):
        from_frame(frame().drop(columns="target"))


def test_empty_input():
    with pytest.raises(InvalidInputError, match="empty"):
        InteractionGraph.from_events([], [])


def test_null_id_names_row():
    df = frame()
    df.loc[2, "user"] = None
    with pytest.raises(InvalidInputError, match=r"column 'user' at row 2: missing"):
        from_frame(df)


@pytest.mark.parametrize(
    ("value", "problem"),
    [(np.nan, "unparsable or missing"), (-5, "negative timestamp"), ("soon", "unparsable")],
)
def test_bad_timestamps(value, problem):
    df = frame().astype({"time": object})
    df.loc[1, "time"] = value
    with pytest.raises(InvalidInputError, match=f"column 'time' at row 1: {problem}"):
        from_frame(df)


def test_datetime_strings_are_seconds():
    df = frame().astype({"time": object})
    df["time"] = ["2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", "2024-01-02", "2024-01-03"]
    g = from_frame(df)
    assert g.times[1] - g.times[0] == 60


def test_unknown_kind():
    df = frame()
    df.loc[3, "kind"] = "poke"
    with pytest.raises(InvalidInputError, match="row 3: unknown kind 'poke'"):
        from_frame(df)


def test_negative_weight():
    df = frame().assign(weight=[1.0, 2.0, -1.0, 3.0])
    with pytest.raises(InvalidInputError, match="column 'weight' at row 2"):
        from_frame(df)


def test_duplicate_policies():
    df = pd.concat([frame(), frame().iloc[[0]]], ignore_index=True)
    assert from_frame(df).n_events == 5
    assert from_frame(df, duplicates="drop").n_events == 4
    with pytest.raises(InvalidInputError, match="row 4 repeats an earlier event"):
        from_frame(df, duplicates="error")


def test_not_a_frame():
    with pytest.raises(InputTypeError, match="must be a pandas DataFrame"):
        from_frame([1, 2, 3])


def test_csv_error_names_file_line_column(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("user,target,time\na,x,1\nb,x,-3\n")
    with pytest.raises(InputFileError) as info:
        read_events(path)
    message = str(info.value)
    assert "events.csv" in message and "line 3" in message and "'time'" in message


def test_csv_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(InputFileError, match="empty"):
        read_events(path)


def test_csv_and_parquet_roundtrip(tmp_path):
    df = frame()
    df.to_csv(tmp_path / "e.csv", index=False)
    df.to_parquet(tmp_path / "e.parquet")
    a = InteractionGraph.from_csv(tmp_path / "e.csv")
    b = InteractionGraph.from_parquet(tmp_path / "e.parquet")
    assert a.csr.toarray().tolist() == b.csr.toarray().tolist()
    out = to_frame(a)
    assert out["kind"].tolist() == df["kind"].tolist()


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        read_events("nope.csv")


def test_networkx_roundtrip():
    g = from_frame(frame())
    nxg = g.to_networkx()
    assert nxg.number_of_edges() == g.csr.nnz
    back = InteractionGraph.from_networkx(nxg)
    assert back.n_users == g.n_users and back.n_targets == g.n_targets


def test_networkx_unmarked_edge():
    import networkx as nx

    g = nx.Graph()
    g.add_edge("a", "b")
    with pytest.raises(InvalidInputError, match="does not join a user and a target"):
        InteractionGraph.from_networkx(g)


def test_igraph_roundtrip():
    pytest.importorskip("igraph")
    g = from_frame(frame())
    ig = g.to_igraph()
    assert ig.ecount() == g.n_events
    back = InteractionGraph.from_igraph(ig)
    assert back.n_events == g.n_events
    assert sorted(back.times.tolist()) == sorted(g.times.tolist())


def test_union_matches_external_ids():
    a = from_frame(frame())
    b = InteractionGraph.from_events(["bot"], ["p1"], times=[500], kinds="like")
    u = union(a, b)
    assert u.n_users == 4 and u.n_targets == 2 and u.n_events == 5


# ---------------------------------------------------------------- targets and users tables
def events():
    return pd.DataFrame({
        "user": [3, 1, 1, 2],
        "target": ["p2", "p1", "p2", "p1"],
        "time": [50, 60, 70, 80],
    })


def posts():
    return pd.DataFrame({
        "target": ["p1", "p2", "p3"],
        "owner": ["ann", "ann", "bob"],
        "created": [1704067200, None, 10],
        "kind": ["post", "post", "account"],
    })


def accounts():
    return pd.DataFrame({
        "user": [1, 2, 3, 4],
        "created": [100.0, None, 5.0, 7.0],
        "followers": [10, 20, 30, 40],
        "is_verified": [True, False, True, False],
    })


def test_tables_give_per_target_and_per_user_columns():
    g = from_frame(events(), targets=posts(), users=accounts())
    assert g.target_ids.tolist() == ["p1", "p2", "p3"] and g.user_ids.tolist() == [1, 2, 3, 4]
    assert g.target_owners.tolist() == ["ann", "ann", "bob"]
    np.testing.assert_array_equal(g.target_created, [1704067200.0, np.nan, 10.0])
    assert g.target_columns["kind"].tolist() == ["post", "post", "account"]
    np.testing.assert_array_equal(g.user_created, [100.0, np.nan, 5.0, 7.0])
    assert g.user_columns["followers"].tolist() == [10, 20, 30, 40]
    assert g.user_columns["is_verified"].tolist() == [True, False, True, False]
    assert not g.user_columns["followers"].flags.writeable
    with pytest.raises(TypeError):
        g.user_columns["followers"] = np.zeros(4)


def test_ids_only_in_a_table_become_isolated():
    g = from_frame(events(), targets=posts(), users=accounts())
    assert g.target_degrees().tolist() == [2, 2, 0]  # p3: nobody acted on it, bob owns it
    assert g.user_degrees().tolist() == [2, 1, 1, 0]  # user 4 is isolated but scored
    assert g.n_events == 4


@pytest.mark.parametrize("ids", [[1, 2, 3], ["u1", "u2", "u3"]])
def test_ids_round_trip_through_tables(ids):
    ev = pd.DataFrame({"user": [ids[2], ids[0]], "target": [5, 6], "time": [0, 1]})
    users = pd.DataFrame({"user": ids, "followers": [7, 8, 9]})
    targets = pd.DataFrame({"target": [6, 5, 4], "owner": [ids[0], ids[1], ids[1]]})
    g = from_frame(ev, users=users, targets=targets)
    assert g.user_ids.tolist() == ids and g.target_ids.tolist() == [4, 5, 6]
    assert [type(v) for v in g.user_ids.tolist()] == [type(v) for v in ids]
    assert g.target_owners.tolist() == [ids[1], ids[1], ids[0]]
    back = from_frame(to_frame(g), users=user_table(g), targets=target_table(g))
    assert back.user_ids.tolist() == ids and back.target_owners.tolist() == g.target_owners.tolist()
    assert back.user_columns["followers"].tolist() == [7, 8, 9]


def test_row_order_does_not_change_the_graph():
    a = from_frame(events(), targets=posts(), users=accounts())
    b = from_frame(events().iloc[::-1], targets=posts().iloc[[2, 0, 1]],
                   users=accounts().sample(frac=1, random_state=3))
    assert a.user_ids.tolist() == b.user_ids.tolist()
    assert a.target_ids.tolist() == b.target_ids.tolist()
    assert sorted(zip(a.users.tolist(), a.targets.tolist(), a.times.tolist())) == sorted(
        zip(b.users.tolist(), b.targets.tolist(), b.times.tolist()))
    for x, y in [(a.target_owners, b.target_owners), (a.target_created, b.target_created),
                 (a.user_created, b.user_created)]:
        np.testing.assert_array_equal(x, y)
    for name in a.user_columns:
        np.testing.assert_array_equal(a.user_columns[name], b.user_columns[name])
    np.testing.assert_array_equal(a.target_columns["kind"], b.target_columns["kind"])


def test_tables_are_not_mutated():
    ev, targets, users = events(), posts(), accounts()
    copies = [ev.copy(), targets.copy(), users.copy()]
    g = from_frame(ev, targets=targets, users=users)
    for frame, before in zip((ev, targets, users), copies):
        pd.testing.assert_frame_equal(frame, before)
    users.loc[0, "followers"] = 999  # the graph holds its own copy
    assert g.user_columns["followers"][0] == 10


def test_from_events_takes_tables():
    g = InteractionGraph.from_events([1, 2], ["x", "x"], target_table=posts().assign(
        target=["x", "y", "z"]), user_table=accounts())
    assert g.target_owners.tolist() == ["ann", "ann", "bob"] and g.n_users == 4


def test_missing_rows_are_warned_with_examples():
    with pytest.warns(GraphbotWarning, match=r"1 of 4 users are not in the users table \(e\.g\. "
                      r"3\); their columns 'created', 'followers' from the table are unknown"):
        g = from_frame(events(), users=accounts().iloc[[0, 1]].assign(user=[1, 2]).drop(
            columns="is_verified").pipe(lambda t: pd.concat([t, t.iloc[[0]].assign(user=4)])))
    assert np.isnan(g.user_created[2]) and np.isnan(g.user_columns["followers"][2])
    with pytest.warns(GraphbotWarning, match=r"1 of 2 targets are not in the targets table "
                      r"\(e\.g\. 'p2'\)"):
        g = from_frame(events(), targets=posts().iloc[[0]])
    assert g.target_owners.tolist() == ["ann", None]


def test_key_only_table_adds_isolated_ids_without_warning(recwarn):
    g = from_frame(events(), users=pd.DataFrame({"user": [1, 9]}))
    assert g.user_ids.tolist() == [1, 2, 3, 9] and g.user_columns == {}
    assert not [w for w in recwarn if issubclass(w.category, GraphbotWarning)]


def test_table_ids_of_another_type_are_an_error():
    users = accounts().assign(user=lambda t: t["user"].astype(str))
    with pytest.raises(InvalidInputError, match=r"users table, column 'user': no id matches a "
                       r"user of the events; the table's ids are string and the events' are "
                       r"integer"):
        from_frame(events(), users=users)


def test_duplicate_table_key_names_key_and_row():
    users = pd.concat([accounts(), accounts().iloc[[1]]], ignore_index=True)
    with pytest.raises(InvalidInputError, match=r"the users table, column 'user' at row 4: "
                       r"user 2 has more than one row"):
        from_frame(events(), users=users)


def test_null_table_key_names_row():
    targets = posts().astype({"target": object})
    targets.loc[1, "target"] = None
    with pytest.raises(InvalidInputError, match=r"targets table, column 'target' at row 1: "
                       r"missing"):
        from_frame(events(), targets=targets)


def test_table_key_and_named_columns_must_exist():
    with pytest.raises(InvalidInputError, match=r"the targets table: no key column 'post_id' "
                       r"\(name it with `target_key=`\); the columns are \['target', 'owner'"):
        from_frame(events(), targets=posts(), target_key="post_id")
    with pytest.raises(InvalidInputError, match=r"`created='signup'` names no column; the "
                       r"columns are \['user', 'created', 'followers', 'is_verified'\] in the "
                       r"users table"):
        from_frame(events(), users=accounts(), created="signup")
    with pytest.raises(InputTypeError, match="the users table must be a pandas DataFrame"):
        from_frame(events(), users="users.csv")


def test_configurable_table_columns():
    targets = posts().rename(columns={"target": "post_id", "owner": "account",
                                      "created": "posted"})
    g = from_frame(events(), targets=targets, target_key="post_id", owner="account",
                   created="posted")
    assert g.target_owners.tolist() == ["ann", "ann", "bob"]
    assert g.target_created[2] == 10.0 and "posted" not in g.target_columns


def test_owner_from_events_and_table_must_agree():
    agree = events().assign(owner=["ann", "ann", "ann", "ann"])
    assert from_frame(agree, targets=posts()).target_owners.tolist() == ["ann", "ann", "bob"]
    clash = events().assign(owner=["ann", "carl", "ann", "carl"])
    with pytest.raises(InvalidInputError, match=r"targets table, column 'owner' at row 0: "
                       r"target 'p1' is owned by 'ann' here but by 'carl' in the events"):
        from_frame(clash, targets=posts())


def test_bad_created_time_names_table_row():
    users = accounts().astype({"created": object})
    users.loc[2, "created"] = "soon"
    with pytest.raises(InvalidInputError, match=r"users table, column 'created' at row 2: "
                       r"unparsable timestamp 'soon'"):
        from_frame(events(), users=users)


def test_creation_times_parse_like_event_times():
    users = pd.DataFrame({"user": [1, 2, 3], "created": ["2024-01-01", None, "2024-01-02"]})
    g = from_frame(events(), users=users)
    np.testing.assert_array_equal(g.user_created, [1704067200.0, np.nan, 1704153600.0])
    with pytest.raises(InvalidInputError, match=r"users table, column 'created' at row 2: 5 is "
                       r"a number but earlier times are dates; give every time in one unit"):
        from_frame(events(), users=users.assign(created=["2024-01-01", None, 5]))


def test_creation_times_both_ways_is_an_error():
    with pytest.raises(InvalidParameterError, match="give account creation times once"):
        InteractionGraph.from_events([1], ["x"], user_created={1: 0.0}, user_table=accounts())


# ---------------------------------------------------------------- time column recognition
def test_timestamp_column_is_recognised():
    g = from_frame(frame().rename(columns={"time": "timestamp"}))
    assert g.times.tolist() == [100, 200, 300, 400]


def test_two_time_candidates_are_an_error():
    with pytest.raises(InvalidInputError, match=r"found several time columns \['time', 'ts'\] "
                       r"in the events; name the one to use with `time=`"):
        from_frame(frame().assign(ts=1))
    assert from_frame(frame().assign(ts=1), time="ts").times.tolist() == [1, 1, 1, 1]


def test_no_time_column_warns(recwarn):
    with pytest.warns(GraphbotWarning, match="the events have no time column .*time-based "
                      "detectors will refuse this graph"):
        g = from_frame(frame().drop(columns="time"))
    assert g.times is None
    recwarn.clear()
    assert from_frame(frame(), time=None).times is None  # asked for no times: quiet
    assert not [w for w in recwarn if issubclass(w.category, GraphbotWarning)]


@pytest.mark.parametrize("parameter", ["time", "kind", "weight", "owner"])
def test_named_columns_must_exist(parameter):
    with pytest.raises(InvalidInputError, match=rf"`{parameter}='nope'` names no column; the "
                       r"columns are \['user', 'target', 'time', 'kind'\] in the events"):
        from_frame(frame(), **{parameter: "nope"})


def test_absent_default_columns_are_quiet(recwarn):
    g = from_frame(frame()[["user", "target", "time"]])
    assert g.weights is None and g.target_owners is None
    assert not [w for w in recwarn if issubclass(w.category, GraphbotWarning)]


# ---------------------------------------------------------------- tables from files
def test_read_events_with_table_files(tmp_path):
    events().rename(columns={"time": "timestamp"}).to_csv(tmp_path / "e.csv", index=False)
    posts().to_parquet(tmp_path / "posts.parquet")
    accounts().to_csv(tmp_path / "users.csv", index=False)
    g = read_events(tmp_path / "e.csv", targets=tmp_path / "posts.parquet",
                    users=tmp_path / "users.csv")
    h = InteractionGraph.from_csv(tmp_path / "e.csv", targets=posts(), users=accounts())
    for graph in (g, h):
        assert graph.times.tolist() == [50, 60, 70, 80]
        assert graph.target_owners.tolist() == ["ann", "ann", "bob"]
        assert graph.user_columns["followers"].tolist() == [10, 20, 30, 40]


def test_table_file_errors_name_the_file_and_line(tmp_path):
    events().to_csv(tmp_path / "e.csv", index=False)
    pd.concat([accounts(), accounts().iloc[[0]]]).to_csv(tmp_path / "users.csv", index=False)
    with pytest.raises(InputFileError, match=r"users\.csv: line 6, column 'user': user 1 has "
                       r"more than one row"):
        read_events(tmp_path / "e.csv", users=tmp_path / "users.csv")
    with pytest.raises(FileNotFoundError, match=r"posts\.csv: no such targets file"):
        read_events(tmp_path / "e.csv", targets=tmp_path / "posts.csv")


# ---------------------------------------------------------------- union keeps the tables
def test_union_keeps_table_columns():
    a = from_frame(events(), targets=posts(), users=accounts())
    b = InteractionGraph.from_events(["bot"], ["p3"], times=[90])
    u = union(a, b)
    assert u.n_users == 5 and u.target_owners.tolist() == ["ann", "ann", "bob"]
    assert u.target_columns["kind"].tolist() == ["post", "post", "account"]
    followers = dict(zip(u.user_ids.tolist(), u.user_columns["followers"].tolist()))
    assert followers[4] == 40 and np.isnan(followers["bot"])
    clash = InteractionGraph.from_events(["bot"], ["p3"], times=[90], owners=["carl"])
    with pytest.raises(InvalidInputError, match="the graphs disagree on 'owner' of target 'p3'"):
        union(a, clash)


def test_event_times_never_mix_units():
    df = frame().astype({"time": object})
    df["time"] = ["2024-01-01", "2024-01-02", 1704067200, "2024-01-03"]
    with pytest.raises(InvalidInputError, match=r"column 'time' at row 2: 1704067200 is a "
                       r"number but earlier times are dates"):
        from_frame(df)
    df["time"] = ["100", "200", 300, "400"]  # numbers, some as text: seconds
    assert from_frame(df).times.tolist() == [100, 200, 300, 400]


def test_networkx_without_times_is_quiet(recwarn):
    nxg = from_frame(frame()).to_networkx()  # the simple graph keeps counts, not times
    assert InteractionGraph.from_networkx(nxg).times is None
    assert not [w for w in recwarn if issubclass(w.category, GraphbotWarning)]


def test_unknown_owners_round_trip_through_frames():
    with pytest.warns(GraphbotWarning, match="not in the targets table"):
        g = from_frame(events(), targets=posts().iloc[[0]])
    assert to_frame(g)["owner"].isna().tolist() == [True, False, True, False]
    back = from_frame(to_frame(g))
    assert back.target_owners.tolist() == ["ann", None]
    with pytest.raises(InvalidInputError, match="target 'p1' has more than one owner"):
        from_frame(events().assign(owner=["x", "y", "x", "z"]))
