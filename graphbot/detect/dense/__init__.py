"""Dense-block detectors: farms as unusually dense blocks of the user x target matrix.

What the family catches: many bots acting on the same targets, dense enough
that the block's edge density stands out whatever the timing (a bought-follower
or bought-like package delivered in full). It misses cheap, sparse farms hidden
among heavy users, and needs no timestamps except D-Cube's time mode.

Members
-------
- :mod:`.fraudar` -- Fraudar (Hooi et al., KDD 2016): greedy peeling of a
  camouflage-resistant density, optional local-search refinement.
- :mod:`.charikar` -- Charikar's 2-approximate densest subgraph (unweighted peeling).
- :mod:`.dcube` -- M-Zoom / D-Cube (Shin et al.): dense blocks of the
  user x target x time tensor.

Kernels (private to this family)
--------------------------------
- :mod:`._peeling` -- the numba heap-based peeling kernel, block lifting and
  removal shared by the three members.
- :mod:`._refine` -- local search that lifts a peeled block to a local optimum
  of the same objective (``fraudar(refine=True)``).
"""

from .charikar import Charikar, charikar
from .dcube import DCube, dcube
from .fraudar import Fraudar, fraudar

__all__ = ["fraudar", "Fraudar", "charikar", "Charikar", "dcube", "DCube"]
