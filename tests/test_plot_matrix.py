"""Reordered biadjacency view: groups outlined where they are, truth strip, binning note."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from graphbot import DetectionResult, SuspiciousGroup
from graphbot.detect import degree_baseline
from graphbot.detect._groups import block_stats
from graphbot.errors import InputTypeError
from graphbot.plot import plot_biadjacency
from graphbot.plot.matrix import block_order
from graphbot.synth import inject_like_farm, instagram_world


@pytest.fixture(scope="module")
def planted():
    world = instagram_world(n_users=600, rng=0)
    graph, truth = inject_like_farm(world, n_bots=40, n_targets=20, density=0.3,
                                    camouflage="biased", rng=1)  # fmt: skip
    bots = np.flatnonzero(truth.bot_mask(graph))
    targets = np.flatnonzero(truth.target_masks(graph)[0])
    base = degree_baseline(graph, rng=0)
    farm = SuspiciousGroup(bots, targets, 9.0, block_stats(graph, bots, targets))
    result = DetectionResult("planted", base.user_scores, (farm, *base.groups), graph.user_ids,
                             graph.target_ids, params={"rng": 0})  # fmt: skip
    return graph, truth, result


def _outlines(ax):
    return [p for p in ax.patches if str(p.get_gid()).startswith("group-")]


def test_groups_outlined_over_their_block(planted, tmp_path):
    graph, truth, result = planted
    ax = plot_biadjacency(graph, result, max_pixels=5000)
    rects = _outlines(ax)
    assert len(rects) == len(result.groups) == 2
    farm = result.groups[0]
    # The first group is placed first: its rectangle starts at the origin, one row per member.
    assert rects[0].get_xy() == (0, 0)
    assert rects[0].get_height() == farm.n_users
    assert rects[0].get_width() == farm.n_targets
    assert "40x20" in rects[0].get_label()
    # Not binned: the image has one cell per user and target, and no note is written.
    image = ax.get_images()[0].get_array()
    assert image.shape == (graph.n_users, graph.n_targets)
    assert int(image.count()) == graph.csr.nnz
    assert not [t for t in ax.texts if t.get_gid() == "graphbot-note"]
    path = tmp_path / "matrix.png"
    ax.figure.savefig(path)
    assert path.stat().st_size > 5000


def test_top_left_block_is_dense(planted):
    graph, _, result = planted
    ax = plot_biadjacency(graph, result, max_pixels=5000)
    image = ax.get_images()[0].get_array().filled(0) > 0
    farm = result.groups[0]
    inside = image[: farm.n_users, : farm.n_targets].mean()
    assert inside == pytest.approx(farm.stats["density"])
    assert inside > 5 * image[farm.n_users :, farm.n_targets :].mean()


def test_large_matrix_is_binned_with_note(planted):
    graph, _, result = planted
    ax = plot_biadjacency(graph, result, max_pixels=100)
    image = ax.get_images()[0].get_array()
    assert image.shape[0] <= 100 and image.shape[1] <= 100
    assert float(image.sum()) == graph.csr.nnz  # every edge lands in some pixel
    notes = [t.get_text() for t in ax.texts if t.get_gid() == "graphbot-note"]
    assert notes and "rasterised" in notes[0]


def test_truth_strip_marks_every_bot(planted):
    graph, truth, result = planted
    ax = plot_biadjacency(graph, result, truth=truth, max_pixels=5000)
    strip = [im for im in ax.get_images() if im.get_gid() == "truth-strip"]
    assert len(strip) == 1
    assert int(np.asarray(strip[0].get_array()).sum()) == truth.n_bots
    assert "true bots" in [t.get_text() for t in ax.get_legend().get_texts()][-1]


def test_explicit_groups_and_no_global_style_change(planted):
    graph, _, result = planted
    before = dict(matplotlib.rcParams)
    ax = plot_biadjacency(graph, groups=[result.groups[1]])
    assert len(_outlines(ax)) == 1
    assert dict(matplotlib.rcParams) == before


def test_block_order_puts_group_first_then_degree():
    pos, spans = block_order(6, [np.array([4, 5]), np.array([5, 2])], np.array([0, 9, 1, 3, 2, 2]))
    assert spans == [(0, 2), (2, 3)]  # the second group claims only user 2
    assert sorted(pos[[4, 5]]) == [0, 1] and pos[2] == 2
    assert pos[1] == 3  # then by degree: 9, 3, 0
    assert pos[3] == 4 and pos[0] == 5


def test_rejects_non_result(planted):
    graph, _, _ = planted
    with pytest.raises(InputTypeError, match="`result` must be a DetectionResult; got dict"):
        plot_biadjacency(graph, {"groups": []})
