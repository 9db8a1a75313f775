"""Case-file reports: self-contained HTML with embedded figures, and complete JSON."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from graphbot import DetectionResult, InteractionGraph, SuspiciousGroup
from graphbot.detect import degree_baseline
from graphbot.detect._groups import block_stats
from graphbot.errors import InputTypeError, InvalidParameterError
from graphbot.report import build_report, group_case_file, write_report
from graphbot.synth import inject_like_farm, instagram_world


@pytest.fixture(scope="module")
def planted():
    world = instagram_world(n_users=500, rng=0)
    graph, truth = inject_like_farm(
        world, n_bots=30, n_targets=15, density=0.4, window=1800, camouflage="random", rng=1
    )
    bots = np.flatnonzero(truth.bot_mask(graph))
    targets = np.flatnonzero(truth.target_masks(graph)[0])
    farm = SuspiciousGroup(bots, targets, 9.0, block_stats(graph, bots, targets))
    spectral = np.random.default_rng(0).normal(size=(graph.n_users, 3))
    planted = DetectionResult(
        "planted",
        truth.bot_mask(graph) * 1.0,
        (farm,),
        graph.user_ids,
        graph.target_ids,
        params={"rng": 7},
        evidence={"user_vectors": spectral},
    )
    return graph, truth, [planted, degree_baseline(graph, rng=0)]


def test_writes_self_contained_html_and_full_json(planted, tmp_path):
    graph, truth, results = planted
    path = write_report(graph, results, tmp_path / "out", truth=truth, top_groups=3)
    assert path == tmp_path / "out" / "report.html"
    html = path.read_text(encoding="utf-8")
    # Self-contained: every image is inline, nothing is fetched from elsewhere.
    images = re.findall(r"<img [^>]*src='([^']+)'", html)
    assert images and all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r"(src|href)=['\"]https?:", html)
    payload = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert payload["figure_errors"] == []
    assert [c["detector"] for c in payload["groups"]] == ["planted", "degree"]
    # Overview (scores, ROC, PR, heatmap) + per detector (matrix; spectral for "planted")
    # + per group (subgraph, raster, creation dates).
    assert len(images) == 4 + (2 + 1) + 2 * 3
    assert "fig-planted:spectral" in html and "fig-degree:spectral" not in html


def test_case_file_of_the_farm(planted, tmp_path):
    graph, truth, results = planted
    case = build_report(graph, results, truth=truth)["groups"][0]
    farm = results[0].groups[0]
    assert sorted(m["id"] for m in case["members"]) == sorted(graph.user_ids[farm.users].tolist())
    assert all(m["true_bot"] for m in case["members"])
    assert case["truth"] == {"true_bots": 30, "precision": 1.0, "farms": {"farm0": 30}}
    assert case["stats"]["density"] == pytest.approx(farm.stats["density"])
    # Shared targets: the farm's targets, busiest first.
    hits = [t["members_hitting"] for t in case["shared_targets"]]
    assert hits == sorted(hits, reverse=True) and len(hits) == 15
    assert {t["id"] for t in case["shared_targets"]} == set(truth.farms[0].targets.tolist())
    # Planted within 30-minute windows: every action is within an hour of its target's median.
    timing = case["timing"]
    assert timing["synchrony"] == 1.0 and timing["median_target_spread_hours"] <= 0.5
    assert sum(timing["events_by_hour_utc"]) == timing["n_events"]
    # Bots are registered in bursts: their densest week holds far more of them than of everyone.
    assert case["creation"]["burst_lift"] > 5


def test_html_lists_members_and_parameters(planted, tmp_path):
    graph, truth, results = planted
    html = write_report(graph, results[:1], tmp_path, truth=truth).read_text(encoding="utf-8")
    first = graph.user_ids[results[0].groups[0].users[0]]
    assert str(first) in html
    assert "planted — group 1: 30 users x 15 targets" in html
    assert "parameters: rng=7" in html  # parameters and seed
    assert "<h2>Ground truth</h2>" in html and "<td>farm0</td>" in html


def test_graph_without_times_or_creation_dates(tmp_path):
    g = InteractionGraph.from_events(["a", "b", "b", "c"], ["x", "x", "y", "y"])
    path = write_report(g, degree_baseline(g, contamination=0.4, rng=0), tmp_path)
    payload = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    case = payload["groups"][0]
    assert "timing" not in case and "creation" not in case
    assert payload["figure_errors"] == []
    assert "fig-degree:group1:raster" not in path.read_text(encoding="utf-8")


def test_top_groups_and_bad_inputs(planted, tmp_path):
    graph, _, results = planted
    assert build_report(graph, results, top_groups=0)["groups"] == []
    other = InteractionGraph.from_events(["a"], ["x"])
    with pytest.raises(InvalidParameterError, match="scores 1 users but the graph has"):
        build_report(graph, degree_baseline(other, rng=0))
    with pytest.raises(InputTypeError, match="must be DetectionResult objects; got str"):
        write_report(graph, ["degree"], tmp_path)
    with pytest.raises(InvalidParameterError, match="`results` is empty"):
        write_report(graph, [], tmp_path)


def test_group_case_file_member_order():
    g = InteractionGraph.from_events(["a", "b", "b", "c"], ["x", "x", "y", "y"], times=[0, 1, 2, 3])
    r = DetectionResult(
        "demo",
        np.array([0.5, 0.9, 0.1]),
        (SuspiciousGroup([0, 1], [0, 1], 1.0),),
        g.user_ids,
        g.target_ids,
    )
    case = group_case_file(g, r, 0)
    assert [m["id"] for m in case["members"]] == ["b", "a"]  # most group targets hit first
    assert case["members"][0]["group_targets_hit"] == 2


def test_compare_results_only_in_summary_and_overview(planted, tmp_path):
    graph, truth, results = planted
    path = write_report(graph, results[0], tmp_path, truth=truth, compare=results)
    payload = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [(r["method"], r["case_files"]) for r in payload["results"]] == [
        ("planted", True),
        ("degree", False),
    ]
    assert {c["detector"] for c in payload["groups"]} == {"planted"}
    html = path.read_text(encoding="utf-8")
    assert "fig-degree:matrix" not in html and "fig-planted:matrix" in html
    assert "degree (AUC" not in html  # curves are images: check the summary row instead
    assert "<td>degree</td>" in html


def test_fbox_evidence_gets_its_scatter(tmp_path):
    g = InteractionGraph.from_events(np.repeat(np.arange(20), 3), np.arange(60) % 7)
    degree = g.user_degrees().astype(float)
    r = DetectionResult(
        "fbox",
        degree,
        (SuspiciousGroup([0, 1], [0, 1], 1.0),),
        g.user_ids,
        g.target_ids,
        evidence={"degree": degree, "reconstructed_degree": degree * 0.5},
    )
    html = write_report(g, r, tmp_path).read_text(encoding="utf-8")
    assert "fig-fbox:fbox" in html
    payload = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert payload["figure_errors"] == []


def test_case_file_shows_owners_and_creation_dates(tmp_path):
    import pandas as pd

    events = pd.DataFrame({"user": ["a", "b", "c", "a", "b"],
                           "target": ["p1", "p1", "p2", "p2", "q"], "time": [0, 10, 20, 30, 40]})
    posts = pd.DataFrame({"target": ["p1", "p2", "q", "r"], "owner": ["acme", "acme", "zed", "zed"],
                          "created": [0, 86400, None, 5]})
    users = pd.DataFrame({"user": ["a", "b", "c"],
                          "created": ["2024-01-01", "2024-01-03", "2024-01-02"]})
    g = InteractionGraph.from_frame(events, targets=posts, users=users)
    r = DetectionResult("demo", np.array([1.0, 0.9, 0.1]),
                        (SuspiciousGroup([0, 1, 2], [0, 1, 2], 1.0),), g.user_ids, g.target_ids)
    case = group_case_file(g, r, 0)
    assert case["owners"] == {
        "n_owners": 2,
        "n_targets_owner_unknown": 0,
        "top": [
            {"owner": "acme", "group_targets": 2, "share_of_group_targets": 2 / 3,
             "members_hitting": 3},
            {"owner": "zed", "group_targets": 1, "share_of_group_targets": 1 / 3,
             "members_hitting": 1},
        ],
    }
    creation = case["creation"]
    assert (creation["oldest"], creation["median"], creation["newest"]) == (
        "2024-01-01 00:00:00", "2024-01-02 00:00:00", "2024-01-03 00:00:00")
    assert creation["span_days"] == 2.0
    assert case["target_creation"] == {"n_known": 2, "oldest": "1970-01-01 00:00:00",
                                       "median": "1970-01-01 12:00:00",
                                       "newest": "1970-01-02 00:00:00", "span_days": 1.0}
    assert [t["created"] for t in case["shared_targets"]] == [
        "1970-01-01 00:00:00", "1970-01-02 00:00:00", None]
    html = write_report(g, r, tmp_path).read_text(encoding="utf-8")
    assert "<b>Target owners</b>" in html and "<b>Target creation dates</b>" in html
    assert "<td>acme</td>" in html
