"""Case files: what each suspicious group is, with its evidence, as HTML and JSON.

:func:`write_report` turns a graph and the results of one or more detectors into
``report.html`` (self-contained: inline CSS, figures embedded as PNG, readable
offline) and ``report.json`` (the same facts, every member listed, for tools).
For each of the top groups of each detector, the case file gives its members,
shared targets, timing and synchrony, creation-date bursts, density, and the
evidence figures. :func:`write_benchmark_figures` draws the benchmark figures
from the CSV files the benchmark wrote.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._checks import check_int
from ..errors import InputTypeError, InvalidParameterError
from ..graph import InteractionGraph
from ..result import DetectionResult
from .benchmark import write_benchmark_figures
from .casefile import graph_summary, group_case_file, jsonable, result_summary

__all__ = ["write_report", "build_report", "group_case_file", "write_benchmark_figures"]


def _as_results(results: Any) -> list[DetectionResult]:
    if isinstance(results, DetectionResult):
        return [results]
    items = list(results.values()) if isinstance(results, Mapping) else list(results)
    for r in items:
        if not isinstance(r, DetectionResult):
            raise InputTypeError(
                f"`results` must be DetectionResult objects; got {type(r).__name__}"
            )
    if not items:
        raise InvalidParameterError("`results` is empty: pass at least one DetectionResult")
    return items


def _extra_results(items: list[DetectionResult], compare: Any) -> list[DetectionResult]:
    """``compare`` results not already among ``items`` (by identity)."""
    if compare is None:
        return []
    return [r for r in _as_results(compare) if not any(r is i for i in items)]


def _truth_summary(truth: Any) -> Any:
    if truth is None:
        return None
    if hasattr(truth, "farms"):
        return [
            {
                "farm": f.farm_id,
                "kind": f.kind,
                "bots": f.n_bots,
                "targets": len(f.targets),
                "params": jsonable(dict(f.params)),
            }
            for f in truth.farms
        ]
    return {"true_bots": int(sum(bool(x) for x in truth))}


def build_report(
    graph: InteractionGraph,
    results: Any,
    *,
    truth: Any = None,
    top_groups: int = 5,
    compare: Any = None,
) -> dict[str, Any]:
    """The JSON payload of a report (no figures): graph, results and case files.

    Parameters
    ----------
    graph : InteractionGraph
        The graph the detectors ran on.
    results : DetectionResult, sequence of them, or mapping name -> result
    truth : GroundTruth or bool mask over users, optional
        Adds detection scores and per-group precision.
    top_groups : int
        Case files for at most this many groups per detector.
    compare : DetectionResult, sequence or mapping, optional
        More results shown only in the summary (and the overview figures), without
        case files: e.g. every detector run, with case files for the best one.

    Returns
    -------
    dict
        ``graph``, ``results`` (case-file results first, then ``compare``), ``groups``
        (case files), ``truth``, ``created``, ``graphbot_version``.

    Examples
    --------
    >>> from graphbot import InteractionGraph
    >>> from graphbot.detect import degree_baseline
    >>> g = InteractionGraph.from_events(["a", "b", "b"], ["x", "x", "y"])
    >>> payload = build_report(g, degree_baseline(g, contamination=0.5, rng=0))
    >>> payload["groups"][0]["members"][0]["id"]
    'b'
    """
    from .. import __version__

    items = _as_results(results)
    extra = _extra_results(items, compare)
    top_groups = check_int("top_groups", top_groups, low=0)
    for r in [*items, *extra]:
        if r.n_users != graph.n_users:
            raise InvalidParameterError(
                f"result of {r.method!r} scores {r.n_users} users but the graph has "
                f"{graph.n_users}: pass the graph the detector ran on"
            )
    return {
        "graphbot_version": __version__,
        "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "graph": graph_summary(graph),
        "truth": _truth_summary(truth),
        "results": [
            {**result_summary(r, truth, graph), "case_files": r in items} for r in [*items, *extra]
        ],
        "groups": [
            group_case_file(graph, r, i, truth=truth)
            for r in items
            for i in range(min(top_groups, len(r.groups)))
        ],
    }


def write_report(
    graph: InteractionGraph,
    results: Any,
    out_dir: str | Path,
    *,
    truth: Any = None,
    top_groups: int = 5,
    compare: Any = None,
) -> Path:
    """Write ``report.html`` and ``report.json`` for the results into ``out_dir``.

    Parameters
    ----------
    graph : InteractionGraph
        The graph the detectors ran on.
    results : DetectionResult, sequence of them, or mapping name -> result
    out_dir : str or Path
        Created if missing; existing report files in it are overwritten.
    truth : GroundTruth or bool mask over users, optional
        Adds ROC / PR curves, detection scores and per-group precision.
    top_groups : int
        Case files for at most this many groups per detector.
    compare : DetectionResult, sequence or mapping, optional
        More results shown only in the summary table and the overview figures
        (score distributions, ROC, PR), without case files or per-detector figures.

    Returns
    -------
    Path
        The path of ``report.html`` (``report.json`` sits beside it).

    Examples
    --------
    >>> import tempfile
    >>> from graphbot import InteractionGraph
    >>> from graphbot.detect import degree_baseline
    >>> g = InteractionGraph.from_events(["a", "b", "b"], ["x", "x", "y"], times=[0, 5, 9])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_report(g, degree_baseline(g, contamination=0.5, rng=0), d)
    ...     print(path.name, (path.parent / "report.json").exists())
    report.html True

    References
    ----------
    Mitchell, M. et al. (2019). Model cards for model reporting. FAT*. (Reports
    that state what was run, with which parameters, and how well it did.)
    """
    from .figures import group_figures, overview_figures, result_figures
    from .html import render_html

    items = _as_results(results)
    payload = build_report(graph, items, truth=truth, top_groups=top_groups, compare=compare)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    overview = overview_figures(graph, [*items, *_extra_results(items, compare)], truth)
    per_result = {r.method: result_figures(graph, r, truth) for r in items}
    per_group = [
        group_figures(graph, r, i, truth)
        for r in items
        for i in range(min(top_groups, len(r.groups)))
    ]
    errors = [
        f"{f.key}: {f.error}"
        for figs in [overview, *per_result.values(), *per_group]
        for f in figs
        if f.error
    ]
    payload["figure_errors"] = errors
    (out / "report.json").write_text(json.dumps(payload, indent=1), encoding="utf-8")
    html_path = out / "report.html"
    html_path.write_text(render_html(payload, overview, per_result, per_group), encoding="utf-8")
    return html_path
