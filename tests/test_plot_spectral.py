"""Spectral scatter, CatchSync scatter and log-binned heatmaps: who is drawn where."""

from __future__ import annotations

import numpy as np
import pytest

from graphbot import DetectionResult, InteractionGraph
from graphbot.errors import InvalidParameterError
from graphbot.plot import plot_catchsync, plot_degree_heatmap, plot_spectral_scatter
from graphbot.synth import inject_like_farm, instagram_world


def _offsets(ax, gid):
    found = [c for c in ax.collections if c.get_gid() == gid]
    return np.asarray(found[0].get_offsets()) if found else np.zeros((0, 2))


def _result(n, evidence, flagged=()):
    from graphbot import SuspiciousGroup

    groups = (SuspiciousGroup(list(flagged), [0], 1.0),) if len(flagged) else ()
    return DetectionResult(
        "demo", np.zeros(n), groups, np.arange(n), np.arange(1), evidence=evidence
    )


def test_spectral_scatter_from_raw_coordinates(tmp_path):
    u = np.random.default_rng(0).normal(size=(200, 3))
    ax = plot_spectral_scatter(
        u, dims=(1, 2), highlight=np.arange(200) < 12, truth=np.arange(200) >= 190
    )
    np.testing.assert_array_equal(_offsets(ax, "flagged"), u[:12][:, [1, 2]])
    assert len(_offsets(ax, "truth")) == 10
    assert len(_offsets(ax, "background")) == 200 - 12
    assert ax.get_xlabel().startswith("$u_{2}$")
    ax.figure.savefig(tmp_path / "spectral.png")
    assert (tmp_path / "spectral.png").stat().st_size > 5000


def test_spectral_scatter_reads_result_evidence_and_flags():
    u = np.random.default_rng(1).normal(size=(50, 2))
    ax = plot_spectral_scatter(_result(50, {"user_vectors": u}, flagged=[3, 4, 5]))
    np.testing.assert_array_equal(_offsets(ax, "flagged"), u[[3, 4, 5]])
    with pytest.raises(InvalidParameterError, match="holds no spectral coordinate evidence"):
        plot_spectral_scatter(_result(50, {"degree": np.ones(50)}))
    with pytest.raises(InvalidParameterError, match=r"k > 4; got shape \(50, 2\)"):
        plot_spectral_scatter(u, dims=(0, 4))


def test_spectral_scatter_subsamples_background_with_note():
    u = np.random.default_rng(2).normal(size=(3000, 2))
    ax = plot_spectral_scatter(u, highlight=[0, 1], max_points=500)
    assert len(_offsets(ax, "background")) == 500
    assert len(_offsets(ax, "flagged")) == 2  # flagged users are never subsampled away
    note = [t.get_text() for t in ax.texts if t.get_gid() == "graphbot-note"][0]
    assert note == "500 of 2,998 other users shown"


def test_spectral_scatter_on_a_planted_farm_separates_bots():
    world = instagram_world(n_users=500, rng=0)
    graph, truth = inject_like_farm(world, n_bots=40, n_targets=15, density=0.8, rng=1)
    from scipy.sparse.linalg import svds

    u, _, _ = svds(graph.biadjacency(), k=4, random_state=0)
    ax = plot_spectral_scatter(u[:, ::-1], truth=truth, user_ids=graph.user_ids)
    ring = _offsets(ax, "truth")
    assert len(ring) == 40
    # The dense farm sits away from the origin, where innocent users do not.
    others = np.abs(u[~truth.bot_mask(graph)][:, ::-1][:, :2]).max(axis=1)
    assert np.median(np.abs(ring).max(axis=1)) > np.quantile(others, 0.9)


def test_catchsync_from_evidence_and_arrays():
    rng = np.random.default_rng(0)
    sync, norm = rng.random(80), rng.random(80)
    ax = plot_catchsync(_result(80, {"synchronicity": sync, "normality": norm}, flagged=[1, 2]))
    np.testing.assert_allclose(_offsets(ax, "flagged"), np.c_[norm[[1, 2]], sync[[1, 2]]])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("normality", "synchronicity")
    with pytest.raises(InvalidParameterError, match="same length; got 80 and 3"):
        plot_catchsync(sync, norm[:3])
    with pytest.raises(InvalidParameterError, match="pass `normality`"):
        plot_catchsync(sync)


def test_degree_heatmap_counts_every_user_once(tmp_path):
    g = InteractionGraph.from_events(
        np.repeat(np.arange(30), np.arange(1, 31) % 7 + 1),
        np.arange(sum(np.arange(1, 31) % 7 + 1)) % 11,
    )
    ax = plot_degree_heatmap(g, features=("degree", "events"), highlight=[0, 1, 2], bins=10)
    mesh = [c for c in ax.collections if c.get_gid() == "heatmap"][0]
    assert int(mesh.get_array().sum()) == g.n_users
    assert len(_offsets(ax, "highlight")) == 3
    assert ax.get_xscale() == ax.get_yscale() == "log"
    ax.figure.savefig(tmp_path / "heat.png")
    with pytest.raises(InvalidParameterError, match="features must be among"):
        plot_degree_heatmap(g, features=("degree", "pagerank"))
