"""Detectors: one module per algorithm, all returning :class:`~graphbot.DetectionResult`.

Use a detector by function (``degree_baseline(graph)``), by class
(``DegreeBaseline().fit(graph).result_``) or by registered name
(``run_detector("degree", graph)``).
"""

from ._registry import (
    Detector,
    DetectorSpec,
    available_detectors,
    get_detector,
    register_detector,
    run_detector,
)
from .burstlink import BurstLink, burstlink
from .catchsync import CatchSync, catchsync
from .charikar import Charikar, charikar
from .community import CoactionCommunity, coaction_community
from .copycatch import CopyCatch, copycatch
from .dcube import DCube, dcube
from .degree import DegreeBaseline, degree_baseline
from .ensemble import Ensemble, ensemble
from .fbox import FBox, fbox
from .fraudar import Fraudar, fraudar
from .holoscope import HoloScope, holoscope
from .spoken import SpokEn, spoken
from .synchrotrap import SynchroTrap, synchrotrap

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
