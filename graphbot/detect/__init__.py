"""Detectors: one module per algorithm, all returning :class:`~graphbot.DetectionResult`.

Use a detector by function (``degree_baseline(graph)``), by class
(``DegreeBaseline().fit(graph).result_``) or by registered name
(``run_detector("degree", graph)``).

The detectors are grouped by family, each folder holding its detectors and the
private kernels only they use:

- :mod:`.dense` -- dense blocks of the biadjacency (Fraudar, Charikar, D-Cube);
- :mod:`.lockstep` -- users acting on the same targets at the same moments
  (CopyCatch, SynchroTrap, BurstLink);
- :mod:`.spectral` -- singular subspaces and feature-space outliers (SpokEn,
  fBox, CatchSync, HoloScope).

Beside them: :mod:`.degree` (the activity baseline), :mod:`.community`
(communities of the co-action graph built by :mod:`graphbot.community`),
:mod:`.ensemble` (the combined, tested decision), :mod:`._registry` (the table
every detector registers in) and :mod:`._groups` (block statistics every family
reports).
"""

from ._registry import (
    Detector,
    DetectorSpec,
    available_detectors,
    get_detector,
    register_detector,
    run_detector,
)
from .community import CoactionCommunity, coaction_community
from .degree import DegreeBaseline, degree_baseline
from .dense import Charikar, DCube, Fraudar, charikar, dcube, fraudar
from .ensemble import Ensemble, ensemble
from .lockstep import BurstLink, CopyCatch, SynchroTrap, burstlink, copycatch, synchrotrap
from .spectral import CatchSync, FBox, HoloScope, SpokEn, catchsync, fbox, holoscope, spoken

__all__ = [
    "Detector",
    "DetectorSpec",
    "available_detectors",
    "get_detector",
    "register_detector",
    "run_detector",
    "degree_baseline",
    "coaction_community",
    "CoactionCommunity",
    "ensemble",
    "Ensemble",
    "DegreeBaseline",
    "fraudar",
    "Fraudar",
    "charikar",
    "Charikar",
    "dcube",
    "DCube",
    "spoken",
    "SpokEn",
    "fbox",
    "FBox",
    "catchsync",
    "CatchSync",
    "holoscope",
    "HoloScope",
    "copycatch",
    "CopyCatch",
    "synchrotrap",
    "SynchroTrap",
    "burstlink",
    "BurstLink",
]
