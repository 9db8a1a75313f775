"""Farm variants: jitter, drip feed, one-session farms, staircases, hijacked accounts."""

import numpy as np
import pandas as pd
import pytest

from graphbot import InvalidParameterError
from graphbot.synth import (
    inject_farm,
    inject_follow_farm,
    inject_session_farm,
    inject_staircase_farm,
    instagram_world,
)

DAY, HOUR = 86_400, 3_600


@pytest.fixture(scope="module")
def world():
    return instagram_world(2000, rng=7)


def appearance(world):
    return pd.Series(world.times, index=world.target_ids[world.targets]).groupby(level=0).min()


def assert_after_appearance_and_inside(world, events):
    since = appearance(world).reindex(events["target"]).to_numpy()
    assert (events["time"].to_numpy() >= since).all()
    assert events["time"].max() <= world.times.max()


def farm_events(truth, k=0):
    events = truth.farms[k].events
    return events[~events["camouflage"]]


def test_jitter_moves_each_event_by_at_most_its_bound(world):
    _, exact = inject_farm(world, n_bots=80, n_targets=30, density=0.2, window=HOUR, rng=3)
    _, blurred = inject_farm(
        world, n_bots=80, n_targets=30, density=0.2, window=HOUR, jitter=DAY, rng=3
    )
    a, b = farm_events(exact), farm_events(blurred)
    assert a[["user", "target"]].equals(b[["user", "target"]])  # same farm, times moved
    moved = (b["time"] - a["time"]).abs()
    assert moved.max() <= DAY and moved.median() > DAY / 4
    spread = b.groupby("target")["time"].agg(lambda t: t.max() - t.min())
    assert spread.median() > 6 * HOUR  # the one-hour lockstep is gone
    assert_after_appearance_and_inside(world, b)
    assert blurred.farms[0].params["jitter"] == DAY


def test_drip_feed_spreads_each_target_over_the_span(world):
    start, span = float(world.times.min()) + 2 * DAY, 20.0 * DAY
    _, truth = inject_farm(
        world, n_bots=100, n_targets=20, density=0.3, start=start, span=span, drip_feed=True, rng=5
    )
    events = farm_events(truth)
    spread = events.groupby("target")["time"].agg(lambda t: t.max() - t.min())
    assert spread.median() > 5 * DAY
    since = np.maximum(start, appearance(world).reindex(events["target"]).to_numpy())
    assert (events["time"].to_numpy() >= since).all()
    assert (events["time"] <= max(start + span, events["time"].max())).all()
    assert_after_appearance_and_inside(world, events)
    assert truth.farms[0].params["drip_feed"] is True


def test_lockstep_windows_keep_within_window_when_spread_by_span(world):
    # ``span`` spreads the windows, not the events of one target: still lockstep per target
    _, truth = inject_farm(
        world, n_bots=80, n_targets=20, density=0.3, window=HOUR, span=20.0 * DAY, rng=2
    )
    spread = farm_events(truth).groupby("target")["time"].agg(lambda t: t.max() - t.min())
    assert spread.max() <= HOUR


def test_one_session_farm_lands_in_one_window_after_its_targets_appear(world):
    g, truth = inject_session_farm(world, n_bots=40, n_targets=20, window=HOUR, rng=8)
    farm = truth.farms[0]
    events = farm_events(truth)
    assert len(events) == 40 * 20 and farm.density == 1.0  # density 1: every bot x target
    session = farm.params["start"]
    assert farm.params["variant"] == "session"
    assert events["time"].min() >= session and events["time"].max() <= session + HOUR
    assert (appearance(world).loc[farm.targets] <= session).all()
    assert truth.bot_mask(g).sum() == 40


def test_session_farm_errors(world):
    with pytest.raises(InvalidParameterError, match="`start` must come after"):
        inject_session_farm(world, start=float(world.times.min()), rng=0)
    with pytest.raises(InvalidParameterError, match="`n_targets` must be at most"):
        inject_session_farm(world, n_targets=10**6, rng=0)


def test_staircase_sub_farms_overlap_like_steps(world):
    g, truth = inject_staircase_farm(
        world,
        n_subfarms=4,
        bots_per_subfarm=40,
        targets_per_subfarm=20,
        overlap=0.5,
        density=0.5,
        window=2 * HOUR,
        rng=6,
    )
    farms = truth.farms
    assert [f.farm_id for f in farms] == ["farm0.0", "farm0.1", "farm0.2", "farm0.3"]
    assert truth.n_bots == 40 + 3 * 20 and truth.bot_mask(g).sum() == 100
    for a, b in zip(farms, farms[1:]):
        assert len(np.intersect1d(a.bots, b.bots)) == 20
        assert len(np.intersect1d(a.targets, b.targets)) == 10
    assert len(np.intersect1d(farms[0].bots, farms[2].bots)) == 0
    assert all(
        f.params["variant"] == "staircase" and f.params["step"] == i for i, f in enumerate(farms)
    )
    events = truth.events()
    assert not events.duplicated(["user", "target"]).any()  # a shared pair is acted on once
    for k, f in enumerate(farms):
        assert set(farm_events(truth, k)["user"]) <= set(f.bots)
    assert_after_appearance_and_inside(world, events)


def test_staircase_errors(world):
    with pytest.raises(InvalidParameterError, match="`overlap` must be a fraction in \\[0, 1\\)"):
        inject_staircase_farm(world, overlap=1.0)
    with pytest.raises(TypeError):
        inject_staircase_farm(world, colour="red")


def test_hijacked_and_follower_farms_record_their_bots(world):
    g, truth = inject_farm(
        world, n_bots=30, n_targets=10, density=0.5, camouflage="hijacked", rng=1
    )
    assert np.isin(truth.bots, world.user_ids).all() and g.n_users == world.n_users
    g2, truth2 = inject_follow_farm(g, n_bots=50, truth=truth, rng=2)
    assert truth2.n_bots == 80 and truth2.farms[1].kind == "follow"
    assert farm_events(truth2, 1)["target"].str.startswith("a:").all()


def test_new_farm_parameter_errors(world):
    with pytest.raises(InvalidParameterError, match="`jitter` must be a non-negative number"):
        inject_farm(world, jitter=-1)
    with pytest.raises(InvalidParameterError, match="`span` must be a positive number"):
        inject_farm(world, span=0)
    with pytest.raises(TypeError, match="`drip_feed` must be True or False"):
        inject_farm(world, drip_feed="yes")
