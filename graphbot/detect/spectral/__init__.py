"""Spectral and feature-space detectors: farms in the graph's singular subspaces.

What the family catches: blocks of users whose rows of the biadjacency point
the same way (rays and pearls in the singular vectors, SpokEn), users that a
low-rank reconstruction misses (fBox, small farms), users far from the normal
synchronicity--normality curve (CatchSync), and dense blocks weighted by time
bursts and rating deviation (HoloScope).

Members
-------
- :mod:`.spoken` -- SpokEn / EigenSpokes (Prakash et al., PAKDD 2010).
- :mod:`.fbox` -- fBox (Shah et al., ICDM 2014).
- :mod:`.catchsync` -- CatchSync (Jiang et al., KDD 2014).
- :mod:`.holoscope` -- HoloScope (Liu et al., CIKM 2017 / TKDE 2018).

Kernels (private to this family)
--------------------------------
- :mod:`._svd` -- truncated SVD with a seeded start, member selection.
- :mod:`._shaving` -- HoloScope's greedy shaving and rating divergences.
- :mod:`._ratings` -- HoloScope's rating-deviation signal.
- :mod:`._bursts` -- HoloScope's per-target awakening and drop bursts.
"""

from .catchsync import CatchSync, catchsync
from .fbox import FBox, fbox
from .holoscope import HoloScope, holoscope
from .spoken import SpokEn, spoken

__all__ = ["spoken", "SpokEn", "fbox", "FBox", "catchsync", "CatchSync", "holoscope", "HoloScope"]
