"""Lockstep raster: ticks per action, members above the context accounts, farm stripes."""

from __future__ import annotations

import numpy as np
import pytest

from graphbot import DetectionResult, InteractionGraph, SuspiciousGroup
from graphbot.errors import InvalidInputError
from graphbot.plot import plot_lockstep_raster
from graphbot.synth import inject_like_farm, instagram_world


@pytest.fixture(scope="module")
def planted():
    world = instagram_world(n_users=600, rng=0)
    graph, truth = inject_like_farm(
        world, n_bots=40, n_targets=20, density=0.3, window=3600, camouflage="random", rng=1
    )
    bots = np.flatnonzero(truth.bot_mask(graph))
    targets = np.flatnonzero(truth.target_masks(graph)[0])
    result = DetectionResult(
        "planted",
        truth.bot_mask(graph).astype(float),
        (SuspiciousGroup(bots, targets, 1.0),),
        graph.user_ids,
        graph.target_ids,
    )
    return graph, truth, result


def test_one_tick_per_group_action(planted, tmp_path):
    graph, _, result = planted
    group = result.groups[0]
    ax = plot_lockstep_raster(graph, result, n_context=0)
    ticks = [c for c in ax.collections if c.get_gid() == "group-events"][0].get_offsets()
    on_block = np.isin(graph.users, group.users) & np.isin(graph.targets, group.targets)
    assert len(ticks) == int(on_block.sum())
    rows = np.asarray(ticks)[:, 1]
    assert rows.min() == 0 and rows.max() == group.n_users - 1
    assert "group\nmembers\n(40)" in [t.get_text() for t in ax.get_yticklabels()]
    ax.figure.savefig(tmp_path / "raster.png")
    assert (tmp_path / "raster.png").stat().st_size > 5000


def test_farm_actions_on_a_target_form_a_stripe(planted):
    graph, truth, result = planted
    ax = plot_lockstep_raster(graph, result, max_colors=3)
    # The legend names the three busiest targets, each a farm target.
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    named = [lab.removeprefix("target ") for lab in labels if lab.startswith("target ")]
    assert len(named) == 3 and set(named) <= set(truth.farms[0].targets.tolist())
    # Every farm action on one target lands inside its one-hour window: a vertical stripe.
    t = graph.target_index(named[:1])[0]
    sel = np.isin(graph.users, result.groups[0].users) & (graph.targets == t)
    assert np.ptp(graph.times[sel]) <= 3600


def test_context_accounts_below_a_separator(planted):
    graph, _, result = planted
    ax = plot_lockstep_raster(graph, result, n_context=5, max_users=10)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["group\nmembers\n(10)", "other\naccounts\n(5)"]
    assert any(line.get_ydata()[0] == 9.5 for line in ax.get_lines())
    assert (
        "10 of 40 members" in [t.get_text() for t in ax.texts if t.get_gid() == "graphbot-note"][0]
    )


def test_needs_times():
    g = InteractionGraph.from_events(["a", "b"], ["x", "x"])
    with pytest.raises(InvalidInputError, match="plot_lockstep_raster needs event timestamps"):
        plot_lockstep_raster(g, SuspiciousGroup([0, 1], [0], 1.0))


def test_truth_marks_bots_among_context_rows(planted):
    graph, truth, result = planted
    group = result.groups[0]
    # Only half the farm is in the "detected" group: the rest shows among the context rows.
    half = SuspiciousGroup(group.users[:20], group.targets, 1.0)
    ax = plot_lockstep_raster(graph, half, n_context=30, truth=truth)
    marks = [c for c in ax.collections if c.get_gid() == "truth"][0].get_offsets()
    rows = np.asarray(marks)[:, 1]
    assert np.all(np.isin(np.arange(20), rows))  # every member is a true bot
    assert (rows >= 20).any()  # and missed bots appear below the separator
    assert "true bot (left margin)" in [t.get_text() for t in ax.get_legend().get_texts()]
