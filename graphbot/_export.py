"""Exporters: a graph's arrays back to DataFrames, networkx and igraph.

The way back from :mod:`graphbot._columns`: the events, the users table and
the targets table as DataFrames (what :func:`graphbot.io.union` reads back in),
and bipartite networkx and igraph graphs. Exporting needs only the graph's
public attributes and :data:`~graphbot._parsing.KINDS`, so it sits beside the
builders rather than on top of them, and imports the graph class for
annotations only: the graph delegates its ``to_*`` methods here without an
import circle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._parsing import KINDS

if TYPE_CHECKING:  # annotations only: the graph imports this module
    from .graph import InteractionGraph

__all__ = ["to_frame", "user_table", "target_table", "to_networkx", "to_igraph"]


def to_frame(graph: InteractionGraph) -> pd.DataFrame:
    """Events as a DataFrame (``user``, ``target``, ``time``, ``kind``, ``weight``, ``owner``)."""
    data: dict[str, Any] = {
        "user": graph.user_ids[graph.users],
        "target": graph.target_ids[graph.targets],
    }
    if graph.times is not None:
        data["time"] = graph.times
    data["kind"] = np.asarray(KINDS, dtype=object)[graph.kinds]
    if graph.weights is not None:
        data["weight"] = graph.weights
    if graph.target_owners is not None:
        data["owner"] = graph.target_owners[graph.targets]
    return pd.DataFrame(data)


def user_table(graph: InteractionGraph) -> pd.DataFrame:
    """One row per user: ``user``, ``created`` (when known) and the users table's other columns."""
    data: dict[str, Any] = {"user": graph.user_ids}
    if graph.user_created is not None:
        data["created"] = graph.user_created
    return pd.DataFrame({**data, **graph.user_columns})


def target_table(graph: InteractionGraph) -> pd.DataFrame:
    """One row per target: ``target``, ``owner`` and ``created`` (when known), other columns."""
    data: dict[str, Any] = {"target": graph.target_ids}
    if graph.target_owners is not None:
        data["owner"] = graph.target_owners
    if graph.target_created is not None:
        data["created"] = graph.target_created
    return pd.DataFrame({**data, **graph.target_columns})


def to_networkx(graph: InteractionGraph, *, multigraph: bool = False) -> Any:
    """Bipartite networkx graph; users have ``bipartite=0``, targets ``bipartite=1``.

    Nodes are ``("u", id)`` and ``("t", id)`` tuples so a user and a target with
    the same external id stay distinct. Edges carry ``count`` (and the events'
    ``time``/``kind`` when ``multigraph=True``).
    """
    import networkx as nx

    g = nx.MultiGraph() if multigraph else nx.Graph()
    g.add_nodes_from((("u", uid) for uid in graph.user_ids.tolist()), bipartite=0)
    g.add_nodes_from((("t", tid) for tid in graph.target_ids.tolist()), bipartite=1)
    uids, tids = graph.user_ids.tolist(), graph.target_ids.tolist()
    if multigraph:
        times = graph.times.tolist() if graph.times is not None else [None] * graph.n_events
        for u, t, tm, k in zip(
            graph.users.tolist(), graph.targets.tolist(), times, graph.kinds.tolist()
        ):
            g.add_edge(("u", uids[u]), ("t", tids[t]), time=tm, kind=KINDS[k])
    else:
        coo = graph.csr.tocoo()
        g.add_edges_from(
            (("u", uids[u]), ("t", tids[t]), {"count": int(c)})
            for u, t, c in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist())
        )
    return g


def to_igraph(graph: InteractionGraph) -> Any:
    """Bipartite igraph Graph: users first (``type`` False), then targets (``type`` True).

    One edge per event, with ``time`` and ``kind`` attributes.
    """
    import igraph as ig

    n_u = graph.n_users
    edges = np.column_stack([graph.users, graph.targets.astype(np.int64) + n_u])
    g = ig.Graph(n=n_u + graph.n_targets, edges=edges.tolist(), directed=False)
    g.vs["type"] = [False] * n_u + [True] * graph.n_targets
    g.vs["name"] = graph.user_ids.tolist() + graph.target_ids.tolist()
    if graph.times is not None:
        g.es["time"] = graph.times.tolist()
    g.es["kind"] = [KINDS[k] for k in graph.kinds.tolist()]
    return g
