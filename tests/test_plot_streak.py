"""Follower streak plot and creation-date histograms on a planted follow farm."""

from __future__ import annotations

import numpy as np
import pytest

from graphbot import InteractionGraph
from graphbot.errors import InvalidInputError
from graphbot.plot import follower_order, plot_creation_dates, plot_follower_streak
from graphbot.synth import inject_follow_farm, instagram_world


@pytest.fixture(scope="module")
def follow_farm():
    world = instagram_world(n_users=600, rng=0)
    graph, truth = inject_follow_farm(world, n_bots=60, n_targets=2, density=0.9, rng=2)
    return graph, truth, str(truth.farms[0].targets[0])


def _offsets(ax, gid):
    found = [c for c in ax.collections if c.get_gid() == gid]
    return np.asarray(found[0].get_offsets()) if found else np.zeros((0, 2))


def test_follower_order_first_follow_only():
    g = InteractionGraph.from_events(
        ["a", "b", "a", "c"], ["x", "x", "x", "y"], times=[9, 5, 1, 0], kinds="follow"
    )
    users, times = follower_order(g, "x")
    assert g.user_ids[users].tolist() == ["a", "b"] and times.tolist() == [1, 5]
    users, _ = follower_order(g, 0)  # internal index of "x"
    assert len(users) == 2


def test_streak_plot_shows_every_follower(follow_farm, tmp_path):
    graph, truth, account = follow_farm
    users, _ = follower_order(graph, account)
    bots = truth.bot_mask(graph)
    ax = plot_follower_streak(graph, account, highlight=bots, truth=truth)
    n_known = int((~np.isnan(graph.user_created[users])).sum())
    assert len(_offsets(ax, "followers")) + len(_offsets(ax, "flagged")) == n_known
    assert len(_offsets(ax, "flagged")) == len(_offsets(ax, "truth")) == int(bots[users].sum())
    # x is the follow order: follower number 1..n.
    xs = np.sort(np.r_[_offsets(ax, "followers")[:, 0], _offsets(ax, "flagged")[:, 0]])
    assert xs[0] >= 1 and xs[-1] <= len(users)
    assert ax.get_title(loc="left") == f"Followers of {account}"
    ax.figure.savefig(tmp_path / "streak.png")
    assert (tmp_path / "streak.png").stat().st_size > 5000


def test_bought_followers_form_a_streak(follow_farm):
    graph, truth, account = follow_farm
    users, _ = follower_order(graph, account)
    bots = truth.bot_mask(graph)[users]
    created = graph.user_created[users]
    # The farm's accounts were registered within weeks of each other; organic ones over years.
    assert np.ptp(created[bots]) < 0.2 * np.ptp(created[~bots])


def test_creation_dates_shares_sum_to_one(follow_farm):
    graph, truth, _ = follow_farm
    bots = truth.bot_mask(graph)
    ax = plot_creation_dates(graph, bots, label="farm")
    heights = {
        gid: sum(p.get_height() for p in ax.patches if p.get_gid() == gid)
        for gid in ("background", "chosen")
    }
    assert heights["background"] == pytest.approx(1.0)
    assert heights["chosen"] == pytest.approx(1.0)
    tallest = max(p.get_height() for p in ax.patches if p.get_gid() == "chosen")
    assert tallest > 0.5  # the whole farm falls into one or two bins out of sixty
    assert "farm (60)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_needs_creation_dates():
    g = InteractionGraph.from_events(["a"], ["x"], times=[0], kinds="follow")
    with pytest.raises(InvalidInputError, match="needs account creation times"):
        plot_follower_streak(g, "x")
    with pytest.raises(InvalidInputError, match="needs account creation times"):
        plot_creation_dates(g, [0])
