"""Lockstep detectors: users who act on the same targets at the same moments.

What the family catches: cheap farms that density misses -- a bot liking 5 of a
customer's 100 posts -- because bots acting for one order move together in
time. Needs timestamps. Organic look-alikes (fan clubs, viral posts, binge
likers) are told apart by significance tests against the graph's own timing.

Members
-------
- :mod:`.copycatch` -- CopyCatch (Beutel et al., WWW 2013): users whose actions
  fall in the same time window on the same set of targets.
- :mod:`.synchrotrap` -- SynchroTrap (Cao et al., CCS 2014): pairwise synchrony
  of users' actions, clustered into groups.
- :mod:`.burstlink` -- BurstLink: users who recur together in significant
  per-target bursts (sparse farms, about two actions per bot).

Kernels (private to this family)
--------------------------------
- :mod:`._events` -- the shared event layout: events grouped by user and by
  target, sorted by time, owners attached.
- :mod:`._kernels` -- numba kernels for windows (CopyCatch) and close pairs
  (SynchroTrap).
- :mod:`._burst_windows` -- BurstLink's scan for improbable bursts per target.

The co-action product SynchroTrap uses lives with the projection in
:mod:`graphbot.community`; sort-based grouping in :mod:`graphbot._segments`.
"""

from .burstlink import BurstLink, burstlink
from .copycatch import CopyCatch, copycatch
from .synchrotrap import SynchroTrap, synchrotrap

__all__ = ["copycatch", "CopyCatch", "synchrotrap", "SynchroTrap", "burstlink", "BurstLink"]
