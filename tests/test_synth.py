import numpy as np
import pandas as pd
import pytest

from graphbot import InvalidParameterError
from graphbot.graph import kind_code
from graphbot.synth import (
    inject_farm,
    inject_follow_farm,
    inject_like_farm,
    instagram_world,
)


@pytest.fixture(scope="module")
def world():
    return instagram_world(2000, rng=7)


def test_world_is_deterministic():
    a = instagram_world(600, rng=3)
    b = instagram_world(600, rng=3)
    c = instagram_world(600, rng=4)
    assert np.array_equal(a.times, b.times) and np.array_equal(a.users, b.users)
    assert not (a.n_events == c.n_events and np.array_equal(a.times, c.times))


def test_world_is_heavy_tailed_and_rhythmic(world):
    deg = world.target_degrees()
    assert deg.max() > 20 * np.median(deg[deg > 0])
    hours = (world.times % 86400) // 3600
    counts = np.bincount(hours, minlength=24)
    assert counts.max() > 2 * counts.min()
    assert world.user_created is not None and np.isfinite(world.user_created).all()
    assert set(np.unique(world.kinds).tolist()) == {kind_code(k) for k in
                                                    ("follow", "like", "comment")}


def test_world_contains_lookalikes():
    g, found = instagram_world(2000, rng=1, return_lookalikes=True)
    assert set(found) == {"viral", "fan_club", "binge", "follow_back"}
    binger = g.user_index(found["binge"][:1])[0]
    t = np.sort(g.times[g.users == binger])
    assert np.any(t[15:] - t[:-15] <= 60)  # >= 15 likes within one minute


@pytest.mark.parametrize("camouflage", ["none", "random", "biased", "hijacked"])
def test_like_farm_semantics(world, camouflage):
    g, truth = inject_like_farm(world, n_bots=80, n_targets=30, density=0.2, window=3600,
                                camouflage=camouflage, rng=5)
    farm = truth.farms[0]
    assert farm.n_bots == 80 and len(farm.targets) == 30
    assert truth.bot_mask(g).sum() == 80
    events = farm.events[~farm.events["camouflage"]]
    spread = events.groupby("target")["time"].agg(lambda t: t.max() - t.min())
    assert spread.max() <= 3600
    assert abs(farm.density - 0.2) < 0.05
    camo = farm.events["camouflage"].sum()
    if camouflage in ("random", "biased"):
        assert camo > 0.8 * len(events)
    else:
        assert camo == 0
    if camouflage == "hijacked":
        assert g.n_users == world.n_users
    else:
        created = g.user_created[truth.bot_mask(g)]
        assert np.isfinite(created).all() and (created < world.times.min()).all()


@pytest.mark.parametrize("camouflage", ["random", "biased"])
def test_farm_and_camouflage_events_come_after_the_target_appears(world, camouflage):
    _, truth = inject_like_farm(world, n_bots=100, n_targets=60, density=0.1,
                                camouflage=camouflage, rng=2)  # fmt: skip
    events = truth.farms[0].events
    appears = pd.Series(world.times, index=world.target_ids[world.targets]).groupby(level=0).min()
    assert (events["time"].to_numpy() >= appears.loc[events["target"]].to_numpy()).all()
    # ... and still spread over the time range, not piled at its end
    assert events["time"].min() < np.quantile(world.times, 0.5)


def test_farm_targets_are_low_popularity(world):
    _, truth = inject_like_farm(world, n_bots=20, n_targets=20, density=0.5, rng=0)
    deg = world.target_degrees()
    chosen = deg[world.target_index(truth.farms[0].targets)]
    assert np.median(chosen) <= np.median(deg[deg > 0])


def test_several_farms_and_determinism(world):
    g1, t1 = inject_like_farm(world, n_bots=30, n_targets=10, rng=1)
    g2, t2 = inject_follow_farm(g1, n_bots=40, truth=t1, rng=2)
    assert [f.kind for f in t2.farms] == ["like", "follow"]
    assert t2.n_bots == 70
    again, _ = inject_like_farm(world, n_bots=30, n_targets=10, rng=1)
    assert np.array_equal(again.times, g1.times)
    assert world.n_events < g1.n_events < g2.n_events  # inputs untouched


def test_farm_parameter_errors(world):
    with pytest.raises(InvalidParameterError, match="`density` must be a fraction in \\(0, 1\\]"):
        inject_like_farm(world, density=1.5)
    with pytest.raises(InvalidParameterError, match="`camouflage` must be one of"):
        inject_like_farm(world, camouflage="sneaky")
    with pytest.raises(InvalidParameterError, match="`window` must be a positive number"):
        inject_like_farm(world, window=-5)
    with pytest.raises(InvalidParameterError, match="`n_targets` must be at most"):
        inject_like_farm(world, n_targets=10**6)


def test_plant_into_static_graph():
    from graphbot import InteractionGraph

    rng = np.random.default_rng(0)
    g = InteractionGraph.from_events(rng.integers(0, 300, 3000), rng.integers(0, 200, 3000))
    planted, truth = inject_farm(g, kind="interaction", n_bots=20, n_targets=10, density=0.5,
                                 rng=0)
    assert planted.times is None and truth.bot_mask(planted).sum() == 20
