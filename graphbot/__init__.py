"""graphbot: find coordinated inauthentic activity in interaction graphs.

Build an :class:`InteractionGraph` from events, run detectors from
:mod:`graphbot.detect` (each returns a :class:`DetectionResult`), plant farms
with :mod:`graphbot.synth`, score with :mod:`graphbot.evaluate`, draw with
:mod:`graphbot.plot`.
"""

from importlib.metadata import PackageNotFoundError, version

from .errors import (
    DatasetNotFoundError,
    GraphbotError,
    GraphbotWarning,
    InputFileError,
    InputTypeError,
    InvalidInputError,
    InvalidParameterError,
    UnknownDetectorError,
)
from .graph import KINDS, InteractionGraph
from .result import DetectionResult, SuspiciousGroup

try:
    __version__ = version("graphbot")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = [
    "KINDS",
    "InteractionGraph",
    "DetectionResult",
    "SuspiciousGroup",
    "GraphbotError",
    "InvalidInputError",
    "InvalidParameterError",
    "InputTypeError",
    "InputFileError",
    "DatasetNotFoundError",
    "UnknownDetectorError",
    "GraphbotWarning",
    "__version__",
]
