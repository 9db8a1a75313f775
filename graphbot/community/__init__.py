"""Communities of users who act together, and how suspicious each one is.

The user-user co-action graph (:func:`coaction_graph`)
links users who acted on the same targets (within a time window when times are
known). :func:`cluster_users` partitions it with Leiden, Louvain or label
propagation (igraph when installed, networkx otherwise), and
:func:`community_evidence` / :func:`suspiciousness` score each community
against chance. The detector ``coaction_community``
(:func:`graphbot.detect.coaction_community`) ties these together and
returns the suspicious communities as a :class:`~graphbot.DetectionResult`.
"""

from .cluster import BACKENDS, METHODS, cluster_users, has_igraph
from .evidence import (
    EVIDENCE,
    community_evidence,
    events_by_user,
    shuffle_times_within_users,
    suspiciousness,
)
from .projection import coaction_graph

__all__ = [
    "BACKENDS",
    "METHODS",
    "EVIDENCE",
    "coaction_graph",
    "cluster_users",
    "has_igraph",
    "community_evidence",
    "events_by_user",
    "shuffle_times_within_users",
    "suspiciousness",
]
