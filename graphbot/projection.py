"""The co-action projection's former address, kept so existing imports keep working.

The projection lives in :mod:`graphbot.community.projection` with its kernels,
the clustering and the evidence; import it from :mod:`graphbot.community`.
"""

from .community.projection import coaction_graph

__all__ = ["coaction_graph"]
