import json

import pandas as pd
import pytest

from graphbot.cli import main


def test_help_explains_options(capsys):
    with pytest.raises(SystemExit):
        main(["detect", "--help"])
    out = capsys.readouterr().out
    for option in ("--method", "--out", "--param", "--user-col", "--report", "--duplicates",
                   "--targets", "--users", "--target-key", "--user-key", "--time-col"):
        assert option in out


def test_demo_recovers_farms(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--users", "1500",
                 "--detectors", "degree"]) == 0
    out = capsys.readouterr().out
    assert "planted 350 bots in 3 farms" in out
    table = pd.read_csv(tmp_path / "results.csv")
    assert table["detector"].tolist() == ["degree"]
    assert json.loads((tmp_path / "results.json").read_text())["degree"]["flagged_users"]
    assert (tmp_path / "scores.png").stat().st_size > 1000


def test_detect_on_csv(tmp_path, capsys):
    events = pd.DataFrame({"who": ["a", "b", "b", "c"], "what": ["x", "x", "y", "y"]})
    path = tmp_path / "e.csv"
    events.to_csv(path, index=False)
    code = main(["detect", str(path), "--method", "degree", "--user-col", "who",
                 "--target-col", "what", "--param", "contamination=0.34", "--out",
                 str(tmp_path / "out"), "--seed", "1"])
    assert code == 0
    scores = pd.read_csv(tmp_path / "out" / "scores.csv", index_col="user")
    assert scores.loc["b", "flagged"]


def test_detect_reports_bad_file(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("user,target,time\na,x,oops\n")
    assert main(["detect", str(path), "--method", "degree"]) == 2
    assert "bad.csv: line 2, column 'time'" in capsys.readouterr().err


def test_unknown_method(tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_text("user,target\na,x\n")
    assert main(["detect", str(path), "--method", "nope"]) == 2
    assert "no detector named 'nope'" in capsys.readouterr().err


def _tiny_files(tmp_path):
    pd.DataFrame({"user": [1, 2, 2, 3], "target": ["p1", "p1", "p2", "p2"],
                  "timestamp": [0, 60, 120, 180]}).to_csv(tmp_path / "e.csv", index=False)
    pd.DataFrame({"post_id": ["p1", "p2", "p3"], "owner": ["ann", "ann", "bob"],
                  "created": ["2024-01-01", "2024-01-02", None]}).to_csv(tmp_path / "posts.csv",
                                                                        index=False)
    pd.DataFrame({"user": [1, 2, 4], "created": [0, 86400, 172800],
                  "followers": [5, 6, 7]}).to_parquet(tmp_path / "users.parquet")


def test_detect_with_targets_and_users_tables(tmp_path, capsys):
    _tiny_files(tmp_path)
    code = main(["detect", str(tmp_path / "e.csv"), "--targets", str(tmp_path / "posts.csv"),
                 "--target-key", "post_id", "--users", str(tmp_path / "users.parquet"),
                 "--method", "degree", "--param", "contamination=0.25", "--report",
                 "--out", str(tmp_path / "out")])
    assert code == 0
    captured = capsys.readouterr()
    assert "event times from column 'timestamp'" in captured.err
    assert ("warning: 1 of 4 users are not in the users table (e.g. 3); their columns "
            "'created', 'followers' from the table are unknown") in captured.err
    scores = pd.read_csv(tmp_path / "out" / "scores.csv", index_col="user")
    assert sorted(scores.index) == [1, 2, 3, 4]  # user 4: only in the users table
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["graph"]["n_targets"] == 3


def test_detect_without_times_says_so(tmp_path, capsys):
    pd.DataFrame({"user": ["a", "b"], "target": ["x", "x"]}).to_csv(tmp_path / "e.csv",
                                                                    index=False)
    assert main(["detect", str(tmp_path / "e.csv"), "--method", "degree",
                 "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "warning: the events have no time column (looked for 'time', 'timestamp'" in err
    assert "event times from column" not in err


def test_detect_named_columns_must_exist(tmp_path, capsys):
    _tiny_files(tmp_path)
    assert main(["detect", str(tmp_path / "e.csv"), "--method", "degree",
                 "--time-col", "when"]) == 2
    assert "`time='when'` names no column" in capsys.readouterr().err
    assert main(["detect", str(tmp_path / "e.csv"), "--method", "degree",
                 "--targets", str(tmp_path / "posts.csv")]) == 2
    assert ("posts.csv: no key column 'target' (name it with `target_key=`)"
            in capsys.readouterr().err)
