import subprocess
import sys

import numpy as np
import pytest

from graphbot import DetectionResult, InvalidParameterError, SuspiciousGroup
from graphbot.detect import DegreeBaseline, available_detectors, get_detector
from graphbot.errors import UnknownDetectorError


def make(scores=(0.1, 0.9, 0.5, 0.7)):
    groups = (SuspiciousGroup([3], [0], 1.0, {"density": 1.0}),
              SuspiciousGroup([1, 3], [0, 1], 5.0, {"density": 0.5}))
    return DetectionResult("x", np.array(scores), groups, user_ids=np.array(list("abcd")),
                           target_ids=np.array(["t0", "t1"]), params={"rng": 3})


def test_groups_sorted_and_flagged():
    r = make()
    assert [g.score for g in r.groups] == [5.0, 1.0]
    assert r.flagged().tolist() == [1, 3]
    assert r.flagged(top_k=3).tolist() == [1, 3, 2]
    assert r.flagged(threshold=0.6).tolist() == [1, 3]
    with pytest.raises(InvalidParameterError, match="at most one"):
        r.flagged(top_k=1, threshold=0.5)


def test_to_frame_by_external_id():
    frame = make().to_frame()
    assert frame.loc["b", "rank"] == 1 and bool(frame.loc["d", "flagged"])
    assert frame.loc["d", "group"] == 0 and frame.loc["a", "group"] == -1
    assert make().groups_frame().loc[0, "density"] == 0.5


def test_result_is_immutable_and_validated():
    r = make()
    with pytest.raises(ValueError):
        r.user_scores[0] = 1.0
    with pytest.raises(TypeError):
        r.params["rng"] = 4
    with pytest.raises(InvalidParameterError, match="must score every user"):
        make(scores=(0.1, 0.2))
    with pytest.raises(InvalidParameterError, match="finite"):
        make(scores=(0.1, np.nan, 0.1, 0.1))


def test_html_cards():
    assert "2 groups" in make()._repr_html_()
    assert "2 users" in make().groups[0]._repr_html_()


def test_registry_lookup_errors():
    assert get_detector("degree").estimator is DegreeBaseline
    assert "degree" in available_detectors(family="baseline")
    with pytest.raises(UnknownDetectorError, match="no detector named 'zzz'"):
        get_detector("zzz")
    with pytest.raises(TypeError, match="unexpected parameter"):
        DegreeBaseline(bogus=1)


def test_import_is_light():
    code = ("import sys, graphbot, graphbot.synth, graphbot.evaluate, graphbot.detect;"
            "bad=[m for m in sys.modules if m.split('.')[0] in ('matplotlib','igraph','pyspark')];"
            "assert not bad, bad")
    subprocess.run([sys.executable, "-W", "error", "-c", code], check=True)
