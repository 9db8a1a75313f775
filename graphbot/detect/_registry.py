"""Detector registry and the thin estimator classes built from detector functions.

Importing :mod:`graphbot.detect` (which any import of this module does first)
imports every detector module, and each registers itself here.

A detector is a function ``name(graph, *, ..., rng=None) -> DetectionResult``.
:func:`register_detector` records it with its family and whether it needs
timestamps, and builds the matching scikit-learn style class (parameters stored
in ``__init__``, work done in ``fit``). The CLI, the benchmark and the contract
tests all iterate over this one registry.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np

from ..errors import UnknownDetectorError
from ..graph import InteractionGraph, check_graph
from ..result import DetectionResult, SuspiciousGroup

__all__ = [
    "DetectorSpec",
    "Detector",
    "register_detector",
    "get_detector",
    "available_detectors",
    "run_detector",
    "check_graph",
    "make_result",
]

FAMILIES = ("baseline", "dense-block", "lockstep", "spectral", "community", "ensemble")


@dataclass(frozen=True)
class DetectorSpec:
    """What the registry knows about one detector."""

    name: str
    function: Callable[..., DetectionResult]
    estimator: type
    family: str
    needs_times: bool
    summary: str
    demo_params: Mapping[str, Any] = field(default_factory=dict)
    tested: bool = False


_REGISTRY: dict[str, DetectorSpec] = {}


class Detector:
    """Base of the estimator classes: ``Fraudar(n_blocks=2).fit(graph).result_``."""

    _function: Callable[..., DetectionResult]
    _param_names: tuple[str, ...] = ()

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters, as passed."""
        return {name: getattr(self, name) for name in self._param_names}

    def fit(self, graph: InteractionGraph) -> Detector:
        """Run the detector on ``graph``; the result is stored in ``result_``."""
        self.result_ = type(self)._function(graph, **self.get_params())
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


def _estimator_class(function: Callable[..., DetectionResult], class_name: str) -> type:
    signature = inspect.signature(function)
    keywords = [p for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY]
    names = tuple(p.name for p in keywords)
    defaults = {p.name: p.default for p in keywords}

    def __init__(self: Detector, **params: Any) -> None:  # noqa: N807
        unknown = set(params) - set(names)
        if unknown:
            raise TypeError(f"{class_name}() got unexpected parameter(s) {sorted(unknown)}")
        for name in names:
            setattr(self, name, params.get(name, defaults[name]))

    __init__.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY), *keywords]
    )
    doc = (
        f"Estimator form of :func:`{function.__module__}.{function.__name__}`.\n\n"
        f"``{class_name}(**params).fit(graph)`` stores the :class:`DetectionResult` "
        "in ``result_``; the parameters are those of the function."
    )
    return type(
        class_name,
        (Detector,),
        {
            "__init__": __init__,
            "_function": staticmethod(function),
            "_param_names": names,
            "__doc__": doc,
            "__module__": function.__module__,
        },
    )


def register_detector(
    name: str,
    *,
    family: str,
    class_name: str,
    needs_times: bool = False,
    demo_params: Mapping[str, Any] | None = None,
    tested: bool = False,
) -> Callable[[Callable[..., DetectionResult]], Callable[..., DetectionResult]]:
    """Decorator: register a detector function and attach its estimator class.

    The class is reachable as ``function.estimator`` and via :func:`get_detector`.
    ``tested``: the detector's groups pass a significance test against chance,
    so a graph without a farm gives (almost) no group; ranking detectors that
    always return their top block (Fraudar) are not tested.
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown detector family {family!r}; expected one of {FAMILIES}")

    def decorate(function: Callable[..., DetectionResult]) -> Callable[..., DetectionResult]:
        estimator = _estimator_class(function, class_name)
        summary = (inspect.getdoc(function) or "").split("\n\n")[0].replace("\n", " ")
        _REGISTRY[name] = DetectorSpec(
            name, function, estimator, family, needs_times, summary, dict(demo_params or {}),
            tested,
        )
        function.estimator = estimator  # type: ignore[attr-defined]
        return function

    return decorate


def available_detectors(*, family: str | None = None, needs_times: bool | None = None) -> list[str]:
    """Names of the registered detectors, optionally filtered.

    Examples
    --------
    >>> "degree" in available_detectors()
    True
    """
    return [
        name
        for name, spec in _REGISTRY.items()
        if (family is None or spec.family == family)
        and (needs_times is None or spec.needs_times == needs_times)
    ]


def get_detector(name: str) -> DetectorSpec:
    """The registry entry of detector ``name``."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownDetectorError(
            f"no detector named {name!r}; available: {', '.join(sorted(_REGISTRY))}"
        ) from None


def run_detector(name: str, graph: InteractionGraph, **params: Any) -> DetectionResult:
    """Run registered detector ``name`` on ``graph`` with ``params``."""
    return get_detector(name).function(graph, **params)


def _versions() -> dict[str, str]:
    out = {"numpy": np.__version__}
    for pkg in ("graphbot", "numba", "scipy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "unknown"
    return out


def make_result(
    method: str,
    graph: InteractionGraph,
    user_scores: np.ndarray,
    groups: list[SuspiciousGroup] | tuple[SuspiciousGroup, ...],
    *,
    params: Mapping[str, Any],
    started: float,
    meta: Mapping[str, Any] | None = None,
    evidence: Mapping[str, Any] | None = None,
) -> DetectionResult:
    """Assemble a :class:`DetectionResult` with runtime and versions filled in.

    ``started`` is a ``time.perf_counter()`` reading taken when the detector began.
    """
    info = {"runtime_s": time.perf_counter() - started, "versions": _versions()}
    info.update(meta or {})
    return DetectionResult(
        method=method,
        user_scores=user_scores,
        groups=tuple(groups),
        user_ids=graph.user_ids,
        target_ids=graph.target_ids,
        params=params,
        meta=info,
        evidence=evidence or {},
    )
