"""SpokEn / EigenSpokes: a dense, non-camouflaged farm is a spoke and is recovered."""

from __future__ import annotations

import numpy as np
import pytest

from graphbot import InteractionGraph
from graphbot.detect import SpokEn, get_detector, spoken
from graphbot.detect.spectral._svd import spoke_members, truncated_svd
from graphbot.errors import InvalidParameterError
from graphbot.synth import inject_like_farm


@pytest.fixture(scope="module")
def planted(world_3k):
    return inject_like_farm(world_3k, n_bots=60, n_targets=30, density=0.6, camouflage="none",
                            rng=1)  # fmt: skip


def test_recovers_dense_block_as_one_spoke_group(planted):
    graph, truth = planted
    result = spoken(graph, rng=0)
    bots = truth.bot_mask(graph)
    farm_groups = [g for g in result.groups if bots[g.users].mean() > 0.5]
    assert len(farm_groups) == 1
    group = farm_groups[0]
    assert bots[group.users].mean() >= 0.95  # the farm's spoke holds (almost) only bots
    assert bots[group.users].sum() >= 0.95 * bots.sum()
    farm_targets = set(graph.target_index(truth.farms[0].targets).tolist())
    assert len(farm_targets & set(group.targets.tolist())) >= 0.9 * len(farm_targets)
    assert group.stats["density"] > 0.5 and group.stats["lift"] > 10


def test_bots_sit_on_a_spoke_of_the_spectral_plot(planted):
    graph, truth = planted
    result = spoken(graph, k=10, rng=0)
    bots = truth.bot_mask(graph)
    u = result.evidence["user_vectors"]
    assert u.shape == (graph.n_users, 10)
    component = next(
        s["component"] for s in result.evidence["spokes"] if s["kept"] and s["n_users"] >= 50
    )
    # ray: bots load far above 1/sqrt(n) on their vector, everyone else near zero
    assert np.median(u[bots, component]) > 5 / np.sqrt(graph.n_users)
    assert np.quantile(np.abs(u[~bots, component]), 0.99) < 1 / np.sqrt(graph.n_users)


def test_scores_rank_bots_first_and_flagged_is_top(planted):
    graph, truth = planted
    result = spoken(graph, rng=0)
    bots = truth.bot_mask(graph)
    flagged = result.flagged()
    assert set(result.flagged(top_k=len(flagged)).tolist()) == set(flagged.tolist())
    top = result.flagged(top_k=int(bots.sum()))
    assert bots[top].mean() >= 0.6  # the follow-back circle of the world is a spoke too


def test_popularity_spokes_are_not_flagged_on_a_world_without_farm(world_3k):
    result = spoken(world_3k, rng=0)
    kept = [s for s in result.evidence["spokes"] if s["kept"]]
    assert all(s["lift"] >= 10 for s in kept)
    assert len(result.flagged()) <= 0.02 * world_3k.n_users
    # popular content makes big spokes that look dense; their lift stays small
    popular = [s for s in result.evidence["spokes"] if s["density"] >= 0.1 and s["n_users"] > 100]
    assert popular and not any(s["kept"] for s in popular)
    assert max(s["lift"] for s in popular) < 10


def test_lockstep_propagation_only_adds_members(planted):
    graph, _ = planted
    plain = spoken(graph, rho=None, rng=0)
    grown = spoken(graph, rho=0.3, rng=0)
    assert set(plain.flagged().tolist()) <= set(grown.flagged().tolist())


def test_deterministic_with_seed_and_records_it(planted):
    graph, _ = planted
    a, b = spoken(graph, rng=7), spoken(graph, rng=7)
    np.testing.assert_array_equal(a.user_scores, b.user_scores)
    assert a.params["rng"] == 7
    assert SpokEn(rng=7).fit(graph).result_.flagged().tolist() == a.flagged().tolist()


def test_registered_as_spectral():
    spec = get_detector("spoken")
    assert spec.family == "spectral" and not spec.needs_times and spec.function is spoken


def test_tiny_graph_does_not_crash_and_scores_everyone():
    g = InteractionGraph.from_events(["a", "b"], ["x", "x"])
    result = spoken(g, k=5, rng=0)
    assert result.user_scores.shape == (2,) and len(result.groups) == 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"k": 0}, "`k` must be an integer >= 1; got 0"),
        ({"rho": 2.0}, "`rho` must be a fraction in (0, 1]; got 2.0"),
        ({"min_lift": -1}, "`min_lift` must be a non-negative number; got -1"),
    ],
)
def test_parameter_errors_name_parameter_and_value(params, message):
    g = InteractionGraph.from_events(["a", "b"], ["x", "y"])
    with pytest.raises(InvalidParameterError) as info:
        spoken(g, **params)
    assert message in str(info.value)


def test_truncated_svd_matches_dense_and_fixes_signs():
    rng = np.random.default_rng(0)
    import scipy.sparse as sp

    m = sp.random(40, 25, density=0.3, random_state=1, format="csr")
    u, s, vt = truncated_svd(m, 4, rng)
    dense = np.linalg.svd(m.toarray(), compute_uv=False)
    np.testing.assert_allclose(s, dense[:4], rtol=1e-6)
    peaks = u[np.abs(u).argmax(axis=0), np.arange(4)]
    assert (peaks > 0).all()


def test_spoke_members_keeps_heavy_positive_entries():
    v = np.r_[np.full(10, 0.3), np.full(90, 0.01), -0.2]
    assert sorted(spoke_members(v).tolist()) == list(range(10))
