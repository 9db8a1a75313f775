"""The benchmark harness: grid expansion, metrics plumbing, error capture, outputs, real labels."""

from __future__ import annotations

import gzip
import subprocess
import sys
from argparse import Namespace

import numpy as np
import pandas as pd
import pytest

from graphbot import InteractionGraph
from graphbot.cli import _bench
from graphbot.detect import degree_baseline
from graphbot.detect._registry import make_result
from graphbot.evaluate import bench
from graphbot.evaluate._runner import Contender, timed_run
from graphbot.evaluate.bench import Scenario, run_benchmark, run_scenario, scenarios
from graphbot.evaluate.degree_matched import (
    activity,
    activity_bins,
    budget_precision,
    degree_matched_auc,
)
from graphbot.evaluate.metrics import roc_auc
from graphbot.evaluate.real_labels import run_real_labels
from graphbot.report import write_benchmark_figures
from graphbot.result import SuspiciousGroup

METRICS = ["precision", "recall", "f1", "roc_auc", "average_precision", "n_flagged"]


# ------------------------------------------------------------ degree matching


def test_degree_matched_auc_ignores_cross_bin_pairs():
    # within each bin the positive wins; across bins a negative outscores a positive
    scores = np.array([0.1, 0.0, 0.9, 0.8])
    labels = np.array([True, False, True, False])
    degree = np.array([1, 1, 20, 20])
    assert roc_auc(scores, labels) == 0.75
    assert degree_matched_auc(scores, labels, degree) == 1.0


def test_degree_matched_auc_of_degree_itself_is_one_half():
    rng = np.random.default_rng(0)
    degree = rng.integers(1, 5, 500)
    labels = rng.random(500) < 1 / degree  # low degree = bad, the real-data pattern
    assert roc_auc(-degree, labels) > 0.6
    assert degree_matched_auc(-degree, labels, degree) == pytest.approx(0.5)


def test_degree_matched_auc_nan_without_mixed_bins():
    assert np.isnan(degree_matched_auc([1, 2], [True, False], [1, 2]))


def test_activity_bins_exact_then_log():
    assert activity_bins([0, 3, 4, 5, 8, 9, 16, 17]).tolist() == [0, 3, 4, 5, 5, 6, 6, 7]


def test_activity_measures():
    g = InteractionGraph.from_events(
        ["a", "a", "a", "b"], ["x", "x", "y", "x"], times=[0, 10, 2 * 86_400, 5]
    )
    assert activity(g, "targets").tolist() == [2, 1]
    assert activity(g, "events").tolist() == [3, 1]
    assert activity(g, "days").tolist() == [2, 1]
    with pytest.raises(ValueError, match="`measure`"):
        activity(g, "hours")


def _result_with_groups(n: int, groups: list[list[int]], scores=None):
    g = InteractionGraph.from_events(list(range(n)), [0] * n)
    s = np.arange(n, dtype=float) if scores is None else np.asarray(scores, float)
    grps = [SuspiciousGroup(np.array(m), np.array([0]), float(10 - i), {})
            for i, m in enumerate(groups)]  # fmt: skip
    return make_result("t", g, s, grps, params={}, started=0.0)


def test_budget_precision_walks_groups_in_order_and_cuts_the_last():
    r = _result_with_groups(6, [[0, 1], [2, 3, 4]], scores=[0, 0, 1, 5, 3, 0])
    labels = [1, 1, 0, 1, 0, 0]
    out = budget_precision(r, labels, budget=3)
    # group 1 fully (0, 1), then the best-scored member of group 2 (user 3)
    assert out == {"precision": 1.0, "n_reviewed": 3.0, "n_labelled": 3.0, "n_groups": 2.0}


def test_budget_precision_counts_labelled_only():
    r = _result_with_groups(4, [[0, 1, 2]])
    out = budget_precision(r, [1.0, np.nan, 0.0, np.nan], budget=10)
    assert out["precision"] == 0.5 and out["n_labelled"] == 2.0 and out["n_reviewed"] == 3.0
    with pytest.raises(ValueError, match="`budget`"):
        budget_precision(r, [1, 0, 0, 0], budget=0)


# ------------------------------------------------------------ grid


def test_scenarios_expand_profile_with_controls():
    quick = scenarios("quick")
    assert all(isinstance(s, Scenario) for s in quick)
    controls = [s for s in quick if s.farm_kind == "none"]
    assert {s.background for s in controls} == {"synthetic", "movielens"}
    assert len(scenarios("quick", seeds=[0, 1])) == 2 * len(quick)
    full = scenarios("full")
    assert {s.camouflage for s in full} == {"none", "random", "biased", "hijacked"}
    assert {s.timing for s in full} == {"tight", "spread"}
    assert {s.farm_kind for s in full} >= {"follow", "like", "comment"}
    with pytest.raises(ValueError, match="`profile`"):
        scenarios("huge")


def test_plant_seed_is_stable_and_distinct():
    a = Scenario("synthetic", "like", 0.05, "biased", "tight", 0)
    b = Scenario("synthetic", "like", 0.05, "biased", "tight", 1)
    assert a.plant_seed() == Scenario(*vars(a).values()).plant_seed()
    assert a.plant_seed() != b.plant_seed()


def _oracle(graph, seed):
    """Flags exactly the planted (new) bot accounts: F1 must come out as 1."""
    bots = np.flatnonzero(pd.Index(graph.user_ids.astype(str)).str.startswith("bot:"))
    scores = np.zeros(graph.n_users)
    scores[bots] = 1.0
    groups = [SuspiciousGroup(bots, np.array([0]), 1.0, {})] if len(bots) else []
    return make_result("oracle", graph, scores, groups, params={"rng": seed}, started=0.0)


def _broken(graph, seed):
    raise RuntimeError("kaboom")


def test_run_scenario_scores_planted_bots_and_records_errors(monkeypatch):
    fake = [Contender("oracle", "baseline", "detector", False, _oracle),
            Contender("broken", "baseline", "detector", False, _broken)]  # fmt: skip
    monkeypatch.setattr(bench, "contenders", lambda *a, **k: fake)
    scn = Scenario("synthetic", "like", 0.3, "biased", "tight", 0)
    rows = {r["detector"]: r for r in run_scenario(scn, profile="quick")}
    assert rows["oracle"]["status"] == "ok"
    assert rows["oracle"]["f1"] == 1.0 and rows["oracle"]["roc_auc"] == 1.0
    assert rows["oracle"]["n_bots"] == 200 and rows["oracle"]["n_flagged"] == 200
    assert rows["broken"]["status"] == "error"
    assert "RuntimeError: kaboom" in rows["broken"]["error"]
    assert rows["broken"]["runtime_s"] >= 0


def test_timed_run_skips_timeless_graph_for_temporal_detector():
    g = InteractionGraph.from_events(["a"], ["x"])
    c = Contender("needs", "lockstep", "detector", True, _oracle)
    result, record = timed_run(c, g, 0)
    assert result is None and record["status"] == "skipped" and "timestamps" in record["error"]


def test_run_benchmark_without_data_is_deterministic_and_writes_outputs(tmp_path):
    kwargs = dict(detectors=["degree"], progress=False, anchors=False, real_labels=False,
                  data_dir=tmp_path / "no-data")  # fmt: skip
    first = run_benchmark("quick", tmp_path / "out", **kwargs)
    again = run_benchmark("quick", None, **kwargs)
    ok = first[first["status"] == "ok"]
    assert set(ok["background"]) == {"synthetic"}
    skipped = first[first["background"] == "movielens"]
    assert (skipped["status"] == "skipped").all()
    assert skipped["error"].str.contains("data directory").all()
    pd.testing.assert_frame_equal(first[METRICS], again[METRICS])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "planted_runs.csv",
        "planted_runs.partial.csv",
        "planted_summary.md",
    ]  # data only: evaluate draws no figures
    runs = pd.read_csv(tmp_path / "out" / "planted_runs.csv")
    assert len(runs) == len(first) and set(runs["detector"].dropna()) == {"degree"}
    summary = (tmp_path / "out" / "planted_summary.md").read_text()
    assert "camouflage = biased" in summary and "| degree |" in summary
    # the figures come from the written files alone
    written = write_benchmark_figures(tmp_path / "out")
    assert [p.name for p in written] == ["f1_vs_density.png"]
    assert written[0].stat().st_size > 5000


def test_write_benchmark_figures_without_farm_runs_writes_nothing(tmp_path):
    pd.DataFrame({"status": ["ok", "error"], "farm_kind": ["none", "like"], "detector": "d",
                  "density": 0.1, "camouflage": "none", "f1": 0.5}).to_csv(
        tmp_path / "planted_runs.csv", index=False)  # fmt: skip
    assert write_benchmark_figures(tmp_path) == []
    assert not (tmp_path / "f1_vs_density.png").exists()


def test_evaluate_never_imports_matplotlib_or_plot(tmp_path):
    code = (
        "import sys; from pathlib import Path; import graphbot.evaluate as ev\n"
        f"tmp = Path({str(tmp_path)!r})\n"
        'ev.run_benchmark("quick", tmp, detectors=["degree"], anchors=False, '
        'real_labels=False, progress=False, data_dir=tmp / "none")\n'
        "assert (tmp / 'planted_runs.csv').is_file()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'"
        " or m.startswith(('graphbot.plot', 'graphbot.report', 'graphbot.cli')))\n"
        "print('loaded:', bad)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "loaded: []" in done.stdout


def test_cli_bench_reads_namespace_and_draws_figures(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GRAPHBOT_DATA", raising=False)  # real labels skipped too: one figure
    args = Namespace(
        quick=True,
        out=str(tmp_path / "o"),
        data_dir=str(tmp_path / "none"),
        detectors="degree",
        seeds="0",
        no_anchors=True,
        no_progress=True,
    )
    assert _bench(args) == 0
    assert "1 figures" in capsys.readouterr().out
    frame = pd.read_csv(tmp_path / "o" / "planted_runs.csv")
    assert set(frame["detector"].dropna()) == {"degree"}
    assert (tmp_path / "o" / "planted_summary.md").is_file()
    assert (tmp_path / "o" / "f1_vs_density.png").stat().st_size > 5000


# ------------------------------------------------------------ real labels on tiny files


def _tiny_yelp(root):
    (root / "yelpchi").mkdir(parents=True)
    rows = []
    for u in range(201, 221):  # users 201..210 write one review each and are spam
        spam = u <= 210
        for p in range(1 if spam else 4):
            rows.append(f"{u} {p} 5.0 {-1 if spam else 1} 2011-06-{p + 1:02d}")
    with gzip.open(root / "yelpchi" / "metadata.gz", "wt") as fh:
        fh.write("\n".join(rows) + "\n")


def test_real_labels_baselines_and_outputs(tmp_path):
    _tiny_yelp(tmp_path)
    frame = run_real_labels(["yelpchi", "vews"], data_dir=tmp_path, detectors=["degree"],
                            out_dir=tmp_path / "o", anchors=False, progress=False)  # fmt: skip
    rows = frame.set_index("detector")
    low = rows.loc["low-activity (targets)"]
    assert low["roc_auc"] == 1.0 and low["degree_matched_auc"] != low["degree_matched_auc"]
    assert rows.loc["degree", "roc_auc"] == 0.0  # fixed direction: high activity = suspicious
    vews = frame[frame["dataset"] == "vews"]
    assert vews["status"].tolist() == ["skipped"] and "vews" in vews["error"].iloc[0]
    md = (tmp_path / "o" / "real_labels.md").read_text()
    assert "yelpchi: 20 users" in md and "low-activity" in md
    assert not list((tmp_path / "o").glob("*.png"))  # data only
    _check_curve_points(pd.read_csv(tmp_path / "o" / "roc_pr_curves.csv"), "yelpchi")
    written = write_benchmark_figures(tmp_path / "o")
    assert [p.name for p in written] == ["roc_pr_yelpchi.png"]
    assert written[0].stat().st_size > 5000


def _check_curve_points(points, dataset):
    assert list(points.columns) == ["dataset", "detector", "curve", "x", "y"]
    assert set(points["dataset"]) == {dataset}
    assert {"degree", "low-activity (targets)"} <= set(points["detector"])
    for (_, kind), curve in points.groupby(["detector", "curve"]):
        assert 2 <= len(curve) <= 400
        assert curve[["x", "y"]].stack().between(0, 1).all()
        if kind == "roc":
            assert curve[["x", "y"]].iloc[-1].tolist() == [1.0, 1.0]
            assert curve["x"].is_monotonic_increasing and curve["y"].is_monotonic_increasing
    assert set(points["curve"]) == {"roc", "pr"}


def test_curve_points_match_metrics_and_are_thinned():
    from graphbot.evaluate._bench_output import curve_points
    from graphbot.evaluate.metrics import pr_curve, roc_curve

    rng = np.random.default_rng(0)
    scores = rng.random(5000)
    y = (rng.random(5000) < scores).astype(float)
    y[::7] = np.nan  # unlabelled users are left out of both curves
    points = curve_points({("big", "m"): (scores, y)}).groupby("curve")
    known = ~np.isnan(y)
    fpr, tpr = roc_curve(scores[known], y[known].astype(bool))
    recall, precision = pr_curve(scores[known], y[known].astype(bool))
    for kind, (x_full, y_full) in {"roc": (fpr, tpr), "pr": (recall, precision)}.items():
        curve = points.get_group(kind)
        assert len(x_full) > 400 and len(curve) == 400
        assert [curve["x"].iloc[0], curve["y"].iloc[0]] == [x_full[0], y_full[0]]
        assert [curve["x"].iloc[-1], curve["y"].iloc[-1]] == [x_full[-1], y_full[-1]]
        # every kept point is a point of the full curve
        full = set(zip(x_full.tolist(), y_full.tolist()))
        assert set(zip(curve["x"], curve["y"])) <= full


def _weighted(graph, seed):
    r = degree_baseline(graph, rng=seed)
    scores = np.bincount(graph.users, weights=graph.weights if graph.weights is not None else None,
                         minlength=graph.n_users)  # fmt: skip
    return make_result("w", graph, scores, r.groups, params={}, started=0.0)


def test_otc_flags_rating_based_scores_as_leaky(tmp_path, monkeypatch):
    folder = tmp_path / "bitcoin-otc"
    folder.mkdir()
    (folder / "otc_network.csv").write_text("1,2,-10,1\n1,3,10,2\n2,3,5,3\n4,1,1,4\n")
    (folder / "otc_gt.csv").write_text("3,-1\n1,+1\n2,+1\n")
    fake = [Contender("rating-sum", "baseline", "detector", False, _weighted),
            Contender("plain", "baseline", "detector", False,
                      lambda g, s: degree_baseline(g, rng=s))]  # fmt: skip
    from graphbot.evaluate import real_labels

    monkeypatch.setattr(real_labels, "contenders", lambda *a, **k: fake)
    frame = run_real_labels(["bitcoin-otc"], data_dir=tmp_path, progress=False)
    leaky = frame.set_index("detector")["leaky"]
    assert bool(leaky["rating-sum"]) is True and bool(leaky["plain"]) is False
    assert frame["n_labelled"].iloc[0] == 3


# ------------------------------------------------------------ real data


@pytest.mark.data
def test_activity_baselines_match_published_numbers(data_root):
    if not (data_root / "bitcoin-otc").is_dir() or not (data_root / "yelpchi").is_dir():
        pytest.skip("bitcoin-otc / yelpchi not available")
    frame = run_real_labels(["bitcoin-otc", "yelpchi"], data_dir=data_root, detectors=["degree"],
                            anchors=False, progress=False)  # fmt: skip
    auc = frame.set_index(["dataset", "detector"])["roc_auc"]
    assert auc["bitcoin-otc", "low-activity (targets)"] == pytest.approx(0.796, abs=0.005)
    assert auc["yelpchi", "low-activity (events)"] == pytest.approx(0.613, abs=0.005)


def test_expected_precision_at_k_shares_ties():
    from graphbot.evaluate.degree_matched import expected_precision_at_k

    scores = np.r_[np.ones(10), np.zeros(90)]
    labels = np.r_[np.zeros(10, bool), np.arange(90) % 3 == 0]  # 30 positives among the zeros
    # top 10 are all negatives; top 40 adds 30 of the tied zeros, a third of them positive
    assert expected_precision_at_k(scores, labels, 10) == 0.0
    assert expected_precision_at_k(scores, labels, 40) == pytest.approx(10 / 40)


@pytest.mark.data
def test_quick_profile_runs_every_detector_without_error(data_root, tmp_path):
    from graphbot.detect import available_detectors

    frame = run_benchmark("quick", tmp_path, data_dir=data_root, progress=False)
    assert set(available_detectors()) <= set(frame["detector"])
    errors = frame[frame["status"] == "error"]
    assert errors.empty, errors[["detector", "error"]].to_string()
    real = pd.read_csv(tmp_path / "real_labels.csv")
    assert {"yelpchi", "bitcoin-otc"} <= set(real["dataset"])
    points = pd.read_csv(tmp_path / "roc_pr_curves.csv")
    assert {"yelpchi", "bitcoin-otc"} <= set(points["dataset"])
    assert points.groupby(["dataset", "detector", "curve"]).size().max() <= 400
    names = {p.name for p in write_benchmark_figures(tmp_path)}
    assert {"f1_vs_density.png", "roc_pr_yelpchi.png", "roc_pr_bitcoin-otc.png"} <= names


def test_detectors_see_a_shuffled_id_order(monkeypatch):
    seen = {}

    def spy(graph, seed):
        seen["first"] = graph.user_ids[:200].astype(str)
        return _oracle(graph, seed)

    fake = [Contender("spy", "baseline", "detector", False, spy)]
    monkeypatch.setattr(bench, "contenders", lambda *a, **k: fake)
    scn = Scenario("synthetic", "like", 0.3, "none", "tight", 0)
    rows = run_scenario(scn, profile="quick")
    # sorted ids would put all 200 "bot:..." accounts first; a shuffle leaves ~200/2200 there
    assert pd.Series(seen["first"]).str.startswith("bot:").mean() < 0.3
    assert rows[0]["f1"] == 1.0  # metrics still match bots by id


def test_a_missing_data_folder_is_not_replaced_by_the_environment(tmp_path, monkeypatch):
    _tiny_yelp(tmp_path / "env-data")
    monkeypatch.setenv("GRAPHBOT_DATA", str(tmp_path / "env-data"))
    run_benchmark("quick", tmp_path / "o", detectors=["degree"], anchors=False, progress=False,
                  data_dir=tmp_path / "missing")  # fmt: skip
    real = pd.read_csv(tmp_path / "o" / "real_labels.csv")
    assert (real["status"] == "skipped").all()


# ------------------------------------------------------------------ robustness profile
def test_robustness_profile_labels_tuning_draws_and_counts_false_positives(tmp_path):
    from graphbot.evaluate.robustness import robustness_profile
    from graphbot.synth import TUNING_DRAWS

    frame = robustness_profile(
        [TUNING_DRAWS[0], 100], n_users=2000, scenarios=["none", "session_40x20"],
        detectors=["copycatch"], owners=["known", "hidden"], progress=False, out_dir=tmp_path,
    )  # fmt: skip
    assert len(frame) == 2 * 2 * 2
    assert frame.groupby("draw")["tuning"].first().to_dict() == {TUNING_DRAWS[0]: True, 100: False}
    free = frame[frame["scenario"] == "none"]
    assert (free["false_positives"] == free["n_flagged"]).all()
    planted = frame[frame["scenario"] == "session_40x20"]
    assert (planted["f1"] >= 0.95).all()
    summary = (tmp_path / "robustness_summary.md").read_text()
    assert "Farm-free worlds" in summary and "worst F1" in summary
    assert (tmp_path / "robustness_runs.csv").exists()


def test_robustness_profile_names_an_unknown_scenario():
    from graphbot.evaluate.robustness import robustness_profile

    with pytest.raises(ValueError, match="unknown scenario or owners setting"):
        robustness_profile([0], n_users=2000, scenarios=["nope"], progress=False)


def test_hidden_owners_keep_followed_accounts_only():
    from graphbot import InteractionGraph
    from graphbot.evaluate.robustness import hide_post_owners

    g = InteractionGraph.from_events(["a", "b"], ["acct:b", "post:1"], kinds=["follow", "like"],
                                     owners=["b", "b"])  # fmt: skip
    hidden = hide_post_owners(g)
    assert hidden.target_owners.tolist() == ["b", None]
    assert g.target_owners.tolist() == ["b", "b"]  # the input is untouched
