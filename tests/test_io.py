import numpy as np
import pandas as pd
import pytest

from graphbot import InputFileError, InputTypeError, InteractionGraph, InvalidInputError
from graphbot.io import from_frame, read_events, to_frame, union


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
