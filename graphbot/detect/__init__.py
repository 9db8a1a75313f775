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
from .degree import DegreeBaseline, degree_baseline

__all__ = [
    "Detector",
    "DetectorSpec",
    "available_detectors",
    "get_detector",
    "register_detector",
    "run_detector",
    "degree_baseline",
    "DegreeBaseline",
]
