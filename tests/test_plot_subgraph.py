"""Bipartite drawing of a group: members, targets, camouflage, caps and truth rings."""

from __future__ import annotations

import numpy as np
import pytest

from graphbot import DetectionResult, SuspiciousGroup
from graphbot.detect._groups import block_stats
from graphbot.errors import InvalidParameterError
from graphbot.plot import plot_suspicious_subgraph
from graphbot.synth import inject_like_farm, instagram_world


@pytest.fixture(scope="module")
def planted():
    world = instagram_world(n_users=600, rng=0)
    graph, truth = inject_like_farm(
        world, n_bots=40, n_targets=20, density=0.3, camouflage="biased", rng=1
    )
    bots = np.flatnonzero(truth.bot_mask(graph))
    targets = np.flatnonzero(truth.target_masks(graph)[0])
    group = SuspiciousGroup(bots, targets, 9.0, block_stats(graph, bots, targets))
    scores = truth.bot_mask(graph).astype(float)
    result = DetectionResult("planted", scores, (group,), graph.user_ids, graph.target_ids)
    return graph, truth, result


def _by_gid(ax, gid):
    return [c for c in ax.collections if c.get_gid() == gid]


def test_draws_every_member_target_and_group_edge(planted, tmp_path):
    graph, truth, result = planted
    ax = plot_suspicious_subgraph(graph, result, truth=truth, max_users=100, max_targets=100)
    group = result.groups[0]
    assert len(_by_gid(ax, "members")[0].get_offsets()) == group.n_users
    assert len(_by_gid(ax, "targets")[0].get_offsets()) == group.n_targets
    n_block_edges = int((graph.csr[group.users][:, group.targets] > 0).sum())
    assert len(_by_gid(ax, "group-edges")[0].get_segments()) == n_block_edges
    # Biased camouflage: the bots hit other targets too, drawn in the third column.
    camo = _by_gid(ax, "camouflage")[0].get_offsets()
    assert 0 < len(camo) <= 15 and np.all(np.asarray(camo)[:, 0] == -1.0)
    assert len(_by_gid(ax, "camouflage-edges")[0].get_segments()) > 0
    assert len(_by_gid(ax, "truth")[0].get_offsets()) == group.n_users  # all are true bots
    assert not [t for t in ax.texts if t.get_gid() == "graphbot-note"]
    ax.figure.savefig(tmp_path / "subgraph.png")
    assert (tmp_path / "subgraph.png").stat().st_size > 5000


def test_caps_keep_most_connected_and_say_so(planted):
    graph, _, result = planted
    group = result.groups[0]
    ax = plot_suspicious_subgraph(graph, result, max_users=10, max_targets=5)
    assert len(_by_gid(ax, "members")[0].get_offsets()) == 10
    assert len(_by_gid(ax, "targets")[0].get_offsets()) == 5
    note = [t.get_text() for t in ax.texts if t.get_gid() == "graphbot-note"][0]
    assert f"10 of {group.n_users} members" in note and f"5 of {group.n_targets} targets" in note
    # The 10 drawn members are those with the most edges into the group's targets.
    block_deg = np.diff(graph.csr[group.users][:, group.targets].indptr)
    assert len(_by_gid(ax, "group-edges")[0].get_segments()) <= 10 * 5
    assert np.sort(block_deg)[-10:].sum() >= len(_by_gid(ax, "group-edges")[0].get_segments())


def test_accepts_a_group_directly_and_bad_index_errors(planted):
    graph, _, result = planted
    ax = plot_suspicious_subgraph(graph, result.groups[0])
    assert ax.get_title(loc="left").startswith("Suspicious group: 40 users x 20 targets")
    with pytest.raises(InvalidParameterError, match=r"`group` must be an index in \[0, 1\); got 3"):
        plot_suspicious_subgraph(graph, result, group=3)
    empty = DetectionResult("none", np.zeros(graph.n_users), (), graph.user_ids, graph.target_ids)
    with pytest.raises(InvalidParameterError, match="has no suspicious group"):
        plot_suspicious_subgraph(graph, empty)
