"""The public benchmark: every registered detector on planted farms, and on real labels.

Planted grid: background (synthetic world, MovieLens-100k, VEWS) x farm kind
(fake followers, like farm, comment farm; on the real backgrounds the farm acts
with the background's own event kind) x density x camouflage (none, random,
biased, hijacked) x timing (tight lockstep within one hour, or spread over a
week) x seeds. A farm-free control per background measures false positives.
Every detector of the registry runs with its ``demo_params`` (nothing tuned on
the outcome), beside the installed reference implementations (anchors).

Outputs, written to ``out_dir``: ``planted_runs.csv`` (one row per detector
run: metrics, runtime, peak memory, status / error) and ``planted_summary.md``;
:func:`graphbot.evaluate.real_labels.run_real_labels` adds the real-label
tables and ROC/PR points. Data only: the figures are drawn from these files by
:func:`graphbot.report.write_benchmark_figures` (``graphbot bench`` does both).
Results are deterministic for the same seeds.

References
----------
.. [1] B. Hooi et al. FRAUDAR: bounding graph fraud in the face of camouflage.
   KDD 2016 (the injection protocol: blocks planted into a real background).
.. [2] A. Beutel et al. CopyCatch: stopping group attacks by spotting lockstep
   behavior in social networks. WWW 2013.
"""

from __future__ import annotations

import itertools
import os
import zlib
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DatasetNotFoundError, InvalidParameterError
from ..graph import InteractionGraph
from ._runner import contenders, shuffle_order, timed_run
from .profiles import FARM_SHAPES, NATIVE_KIND, PROFILES, TIMINGS, profile_spec
from .real_labels import run_real_labels

__all__ = ["PROFILES", "Scenario", "scenarios", "run_benchmark", "run_scenario"]

@dataclass(frozen=True)
class Scenario:
    """One planted graph of the grid (``farm_kind="none"``: the farm-free control)."""

    background: str
    farm_kind: str
    density: float
    camouflage: str
    timing: str
    seed: int

    def plant_seed(self) -> int:
        """A seed for planting derived from every field: stable across runs and machines."""
        key = f"{self.background}|{self.farm_kind}|{self.density}|{self.camouflage}|{self.timing}"
        return int(
            np.random.SeedSequence([self.seed, zlib.crc32(key.encode())]).generate_state(1)[0]
        )


def scenarios(profile: str = "quick", seeds: Sequence[int] | int | None = None) -> list[Scenario]:
    """Expand a profile into its scenarios (plus one farm-free control per background x seed).

    Examples
    --------
    >>> len(scenarios("quick")), len(scenarios("full"))
    (10, 478)
    """
    spec = profile_spec(profile)
    if seeds is None:
        seeds = spec["seeds"]
    elif isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        seeds = range(int(seeds))  # a count: seeds 0 .. n-1
    out = []
    for seed in seeds:
        for block in spec["blocks"]:
            bg = block["background"]
            out.append(Scenario(bg, "none", 0.0, "none", "tight", int(seed)))
            factors = (block[f] for f in ("farm_kind", "density", "camouflage", "timing"))
            for kind, density, camo, timing in itertools.product(*factors):
                out.append(Scenario(bg, kind, float(density), camo, timing, int(seed)))
    return out


@lru_cache(maxsize=8)
def _background(name: str, seed: int, profile: str, data_dir: str | None) -> InteractionGraph:
    from .. import datasets

    if name == "synthetic":
        from ..synth import instagram_world

        return instagram_world(n_users=profile_spec(profile)["synthetic_users"], rng=seed)
    if data_dir is None:  # resolved (or found missing) once by the caller; never re-read the env
        raise DatasetNotFoundError(f"no data directory: the {name} background is skipped")
    if name == "movielens":
        return datasets.load_movielens(data_dir)
    if name == "vews":
        return datasets.load_vews(data_dir, months=profile_spec(profile)["vews_months"])[0]
    raise InvalidParameterError(f"unknown background {name!r}")


def _plant(scn: Scenario, profile: str, data_dir: str | None) -> tuple[InteractionGraph, Any]:
    from ..synth import GroundTruth, inject_farm

    background = _background(scn.background, scn.seed, profile, data_dir)
    if scn.farm_kind == "none":
        return background, GroundTruth()
    n_bots, n_targets = FARM_SHAPES[scn.farm_kind]
    kind = NATIVE_KIND.get(scn.background, scn.farm_kind)
    return inject_farm(
        background, kind=kind, n_bots=n_bots, n_targets=n_targets, density=scn.density,
        window=TIMINGS[scn.timing], camouflage=scn.camouflage, rng=scn.plant_seed(),
    )  # fmt: skip


def run_scenario(
    scn: Scenario,
    *,
    profile: str = "quick",
    data_dir: str | None = None,
    detectors: Iterable[str] | None = None,
    anchors: bool = True,
    memory: bool = True,
) -> list[dict[str, Any]]:
    """Plant one scenario and run every contender on it; one record per contender."""
    from .metrics import detection_scores

    graph, truth = _plant(scn, profile, data_dir)
    graph, _ = shuffle_order(graph, scn.plant_seed())  # no detector may profit from id order
    base = asdict(scn) | {"profile": profile, "n_users": graph.n_users,
                          "n_events": graph.n_events, "n_bots": truth.n_bots}  # fmt: skip
    rows = []
    for contender in contenders(detectors, anchors=anchors):
        result, record = timed_run(contender, graph, scn.seed, memory=memory)
        row = base | {"detector": contender.name, "family": contender.family,
                      "role": contender.role} | record  # fmt: skip
        if result is not None:
            try:
                row |= detection_scores(result, truth, graph)
            except Exception as exc:  # noqa: BLE001 - a malformed result is that detector's error
                row |= {"status": "error", "error": f"metrics: {type(exc).__name__}: {exc}"}
        rows.append(row)
    return rows


def _run_one(args: tuple[Scenario, str, str | None, tuple[str, ...] | None, bool, bool]) -> Any:
    scn, profile, data_dir, detectors, anchors, memory = args
    try:
        return run_scenario(scn, profile=profile, data_dir=data_dir, detectors=detectors,
                            anchors=anchors, memory=memory)  # fmt: skip
    except DatasetNotFoundError as exc:
        return [asdict(scn) | {"profile": profile, "detector": "", "status": "skipped",
                               "error": str(exc)}]  # fmt: skip


def run_benchmark(
    profile: str = "quick",
    out_dir: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    detectors: Iterable[str] | None = None,
    seeds: Sequence[int] | int | None = None,
    progress: bool = True,
    *,
    anchors: bool = True,
    n_jobs: int = 1,
    memory: bool = True,
    real_labels: bool = True,
) -> pd.DataFrame:
    """Run the planted-farm grid of ``profile`` (and the real-label evaluation).

    Parameters
    ----------
    profile : {"quick", "full"}
        ``quick`` is small enough for CI; ``full`` is the whole grid (2 cores, < 1 h).
    out_dir : path, optional
        Where to write CSVs and markdown tables (created if needed).
    data_dir : path, optional
        Real datasets folder (default ``$GRAPHBOT_DATA``). Real backgrounds and
        the real-label evaluation are skipped, with a note, when it is missing.
    detectors : iterable of str, optional
        Registered detector names; default all of them.
    seeds : sequence of int, or int, optional
        The seeds, or how many (``3`` = seeds 0, 1, 2). Default: the profile's.
    progress : bool
        Show a tqdm progress bar.
    anchors : bool
        Also run the installed reference implementations (``bench`` extra).
    n_jobs : int
        Worker processes over scenarios (results do not depend on it).
    memory : bool
        Sample the peak resident memory of each run (see ``_runner.timed_run``).
    real_labels : bool
        Also run :func:`graphbot.evaluate.real_labels.run_real_labels`.

    Returns
    -------
    pandas.DataFrame
        One row per scenario x contender. The real-label results are written
        to ``out_dir``; call :func:`~graphbot.evaluate.real_labels.run_real_labels`
        for them as a frame.

    Examples
    --------
    >>> frame = run_benchmark("quick", detectors=["degree"], seeds=[0], progress=False,
    ...                       anchors=False, real_labels=False, data_dir="/nonexistent")
    >>> sorted(frame.loc[frame["status"] == "ok", "background"].unique().tolist())
    ['synthetic']
    """
    from tqdm.auto import tqdm

    data = _data_dir_or_none(data_dir)
    names = None if detectors is None else tuple(detectors)
    contenders(names, anchors=False)  # fail fast on unknown detector names
    todo = [(s, profile, data, names, anchors, memory) for s in scenarios(profile, seeds)]
    rows: list[dict[str, Any]] = []
    partial = None
    if out_dir is not None:  # rows land here as they come, so a long run can be inspected
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        partial = Path(out_dir) / "planted_runs.partial.csv"
        partial.unlink(missing_ok=True)
    bar = tqdm(total=len(todo), desc=f"bench[{profile}]", disable=not progress)
    with ProcessPoolExecutor(n_jobs) if n_jobs > 1 else _Serial() as pool:
        for part in pool.map(_run_one, todo):
            rows.extend(part)
            if partial is not None:
                pd.DataFrame(part).reindex(columns=_COLUMNS).to_csv(
                    partial, mode="a", header=not partial.exists(), index=False
                )
            bar.update()
    bar.close()
    frame = _tidy(pd.DataFrame(rows))
    if real_labels:
        # a folder given but missing stays missing (skipped rows), never the environment's
        run_real_labels(profile=profile, data_dir=data if data is not None else data_dir,
                        detectors=names, out_dir=out_dir,
                        anchors=anchors, progress=progress, memory=memory)  # fmt: skip
    if out_dir is not None:
        from ._bench_output import write_planted

        write_planted(frame, Path(out_dir))
    return frame


class _Serial:
    """Stand-in for a process pool when ``n_jobs == 1``."""

    def __enter__(self) -> _Serial:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, fn: Any, items: Iterable[Any]) -> Iterable[Any]:
        return map(fn, items)


def _data_dir_or_none(data_dir: Any) -> str | None:
    from ..datasets import data_dir as resolve

    try:
        return str(resolve(data_dir))
    except DatasetNotFoundError:
        return None


_FIRST = ["profile", "background", "farm_kind", "density", "camouflage", "timing", "seed",
          "detector", "family", "role", "status"]  # fmt: skip
_COLUMNS = [*_FIRST, "error", "n_users", "n_events", "n_bots", "runtime_s", "peak_mem_mb",
            "precision", "recall", "f1", "roc_auc", "average_precision", "precision_at_k",
            "group_jaccard", "fp_rate", "n_flagged"]  # fmt: skip


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in _FIRST if c in frame] + [c for c in frame if c not in _FIRST]
    keys = [c for c in _FIRST[:8] if c in frame]
    return frame[cols].sort_values(keys, kind="stable").reset_index(drop=True)
