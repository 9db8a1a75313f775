import json

import pandas as pd
import pytest

from graphbot.cli import main


def test_help_explains_options(capsys):
    with pytest.raises(SystemExit):
        main(["detect", "--help"])
    out = capsys.readouterr().out
    for option in ("--method", "--out", "--param", "--user-col", "--report", "--duplicates"):
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
