"""Run one detector (or anchor) safely: time it, trace its peak memory, keep its error.

Shared by the planted-farm grid (:mod:`graphbot.evaluate.bench`) and the
real-label evaluation (:mod:`graphbot.evaluate.real_labels`). A detector that
raises is recorded as a row with ``status="error"`` and the message, so one
broken detector never kills a whole benchmark.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..graph import InteractionGraph
from ..result import DetectionResult

__all__ = ["Contender", "contenders", "timed_run", "shuffle_order"]


@dataclass(frozen=True)
class Contender:
    """A detector or anchor to run: its name, family, kind and how to call it."""

    name: str
    family: str
    role: str  # "detector" or "anchor"
    needs_times: bool
    call: Callable[[InteractionGraph, int], DetectionResult]


def contenders(detectors: Iterable[str] | None = None, *, anchors: bool = True) -> list[Contender]:
    """The registered detectors (all, or those named) plus the installed anchors.

    Each detector runs with its registry ``demo_params`` and ``rng`` set to the
    run's seed; nothing is tuned per dataset.
    """
    from ..detect import available_detectors, get_detector
    from .anchors import available_anchors, run_anchor

    names = list(available_detectors()) if detectors is None else list(detectors)
    out = []
    for name in names:
        spec = get_detector(name)  # unknown names raise UnknownDetectorError here, up front
        params = {k: v for k, v in spec.demo_params.items() if k != "rng"}

        def call(graph: InteractionGraph, seed: int, _f=spec.function, _p=params) -> Any:
            return _f(graph, **_p, rng=seed)

        out.append(Contender(name, spec.family, "detector", spec.needs_times, call))
    if anchors:
        for name in available_anchors():

            def run(graph: InteractionGraph, seed: int, _n=name) -> Any:
                return run_anchor(_n, graph)

            out.append(Contender(name, "anchor", "anchor", False, run))
    return out


def shuffle_order(graph: InteractionGraph, seed: int) -> tuple[InteractionGraph, np.ndarray]:
    """The same graph with users and targets in a random internal order.

    Detectors break ties by internal index, and the index follows the sorted
    external ids, which can carry the answer: planted bots (``bot:...``) sort
    before ``u...`` users, and on YelpChi and Bitcoin-OTC the user id order
    alone has ROC-AUC 0.91 against the labels. Every benchmark run therefore
    sees a shuffled order (deterministic in ``seed``). Returns the graph and
    ``perm``: new user ``i`` is old user ``perm[i]``.

    Examples
    --------
    >>> g = InteractionGraph.from_events(["a", "b", "c"], ["x", "y", "y"])
    >>> h, perm = shuffle_order(g, 0)
    >>> sorted(h.user_ids.tolist()), h.n_events
    (['a', 'b', 'c'], 3)
    """
    gen = np.random.default_rng(seed)
    users, targets = gen.permutation(graph.n_users), gen.permutation(graph.n_targets)
    return graph.reordered(users, targets), users


def timed_run(
    contender: Contender, graph: InteractionGraph, seed: int, *, memory: bool = True
) -> tuple[DetectionResult | None, dict[str, Any]]:
    """Run ``contender`` on ``graph``; return its result (None on error) and a record.

    The first call of each contender in a process is preceded by an untimed
    run on a tiny graph, so ``runtime_s`` excludes numba compilation.
    The record has ``status`` ("ok", "error", "skipped"), ``error``,
    ``runtime_s`` and ``peak_mem_mb``: the peak of the C heap in use
    (glibc ``mallinfo2``: malloc'd plus mmapped bytes, where numpy, scipy and
    numba keep their arrays) above its level at the start, sampled every
    millisecond by a background thread. Unlike :mod:`tracemalloc` this costs
    the measured code almost nothing (tracemalloc slows pure-Python code
    tenfold); it misses peaks shorter than a millisecond and small Python
    objects (pymalloc arenas). Without glibc the resident set size is sampled
    instead (which undercounts memory freed and reused), NaN off Linux.
    """
    record: dict[str, Any] = {"status": "ok", "error": "", "runtime_s": float("nan"),
                              "peak_mem_mb": float("nan")}  # fmt: skip
    if contender.needs_times and not graph.has_times:
        record.update(status="skipped", error="needs timestamps")
        return None, record
    _warm_up(contender)
    sampler = _PeakRSS() if memory else None
    started = time.perf_counter()
    result = None
    try:
        result = contender.call(graph, seed)
    except Exception as exc:  # noqa: BLE001 - one broken detector must not stop the grid
        last = traceback.extract_tb(exc.__traceback__)[-1]
        where = f" ({last.filename.rsplit('/', 1)[-1]}:{last.lineno})"
        record.update(status="error", error=f"{type(exc).__name__}: {exc}{where}"[:500])
    record["runtime_s"] = time.perf_counter() - started
    if sampler is not None:
        record["peak_mem_mb"] = sampler.stop()
    return result, record


_WARM: set[str] = set()


def _warm_up(contender: Contender) -> None:
    """Run a contender once per process on a tiny graph, so timings exclude numba compilation."""
    if contender.name in _WARM:
        return
    _WARM.add(contender.name)
    try:
        contender.call(_tiny_graph(), 0)
    except Exception:  # noqa: BLE001, S110 - a real error will show in the timed run
        pass


@lru_cache(maxsize=1)
def _tiny_graph() -> InteractionGraph:
    """The warm-up graph, planted once per process (graphs are immutable, so it is shared)."""
    from ..synth import inject_farm, instagram_world

    tiny, _ = inject_farm(instagram_world(300, rng=0), n_bots=20, n_targets=10, density=0.5, rng=0)
    return tiny


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]  # fmt: skip


def _heap_reader() -> Any:
    try:
        libc = ctypes.CDLL("libc.so.6")
        fn = libc.mallinfo2
    except (OSError, AttributeError):
        return None
    fn.restype = _MallInfo2

    def heap() -> int:
        info = fn()
        return int(info.uordblks + info.hblkhd)

    return heap


_HEAP = _heap_reader()


def _rss() -> int | None:
    if _HEAP is not None:
        return _HEAP()
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


class _PeakRSS:
    """Background thread sampling heap use; ``stop()`` gives the peak rise in MB."""

    def __init__(self, interval: float = 0.001) -> None:
        self.base = _rss()
        self.peak = self.base or 0
        self._done = threading.Event()
        self._interval = interval
        self._thread = None
        if self.base is not None:
            self._thread = threading.Thread(target=self._watch, daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(self._interval):
            self.peak = max(self.peak, _rss() or 0)

    def stop(self) -> float:
        if self._thread is None or self.base is None:
            return float("nan")
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, _rss() or 0)
        return (self.peak - self.base) / 2**20
