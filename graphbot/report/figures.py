"""Evidence figures of a report, rendered off-screen to base64 PNG.

Figures are built on :class:`matplotlib.figure.Figure` objects directly, never
through pyplot, so writing a report opens no window and leaks no figure.
A figure that fails to draw is replaced by its error message: the rest of
the case file still gets written, and the reader sees what is missing and why.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..graph import InteractionGraph
from ..result import DetectionResult

__all__ = ["RenderedFigure", "render", "overview_figures", "result_figures", "group_figures"]


@dataclass(frozen=True)
class RenderedFigure:
    """A figure as an embeddable PNG (``data`` is base64) or the error that stopped it."""

    key: str
    caption: str
    data: str | None = None
    error: str | None = None


def render(
    key: str,
    caption: str,
    draw: Callable[[Any], Any],
    figsize: tuple[float, float] = (6.4, 4.4),
    dpi: int = 100,
) -> RenderedFigure:
    """Call ``draw(ax)`` on a fresh off-screen figure and return it as base64 PNG."""
    from matplotlib.figure import Figure

    from ..plot._style import style

    try:
        with style():  # the Axes is created here, so it must get the house style too
            fig = Figure(figsize=figsize, layout="constrained")
            ax = fig.add_subplot()
        draw(ax)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    except Exception as exc:  # noqa: BLE001 - reported in the case file, see module docstring
        return RenderedFigure(key, caption, error=f"{type(exc).__name__}: {exc}")
    return RenderedFigure(key, caption, base64.b64encode(buf.getvalue()).decode("ascii"))


_SPECTRAL_KEYS = ("user_coords", "user_vectors", "u", "U")


def overview_figures(
    graph: InteractionGraph, results: list[DetectionResult], truth: Any
) -> list[RenderedFigure]:
    """Score distributions of every detector, and ROC / PR curves when the truth is known."""
    from .. import plot

    named = {r.method: r for r in results}
    figs = [
        render(
            "scores",
            "Score distribution of each detector (percentile ranks); "
            "with truth, true bots in vermillion.",
            lambda ax: plot.plot_score_distributions(named, truth=truth, ax=ax),
            figsize=(7.0, 1.4 + 0.8 * len(named)),
        )
    ]
    curve_size = (5.0, 4.6) if len(named) <= 4 else (8.4, 4.8)  # room for a side legend
    if truth is not None:
        figs.append(
            render(
                "roc",
                "ROC curves against the true bots.",
                lambda ax: plot.plot_roc(named, truth, ax=ax),
                curve_size,
            )
        )
        figs.append(
            render(
                "pr",
                "Precision-recall curves against the true bots.",
                lambda ax: plot.plot_pr(named, truth, ax=ax),
                curve_size,
            )
        )
    first = results[0] if results else None
    figs.append(
        render(
            "heatmap",
            "Users by degree and mean popularity of the targets they hit "
            f"(log-binned); {first.method if first else 'no'} flagged users on top.",
            lambda ax: plot.plot_degree_heatmap(graph, highlight=first, ax=ax),
        )
    )
    return figs


def result_figures(
    graph: InteractionGraph, result: DetectionResult, truth: Any
) -> list[RenderedFigure]:
    """Per detector: the reordered biadjacency, and its own evidence scatter if it left one."""
    from .. import plot

    m = result.method
    figs = [
        render(
            f"{m}:matrix",
            f"Biadjacency matrix reordered by the groups of {m}; outlined blocks are its groups.",
            lambda ax: plot.plot_biadjacency(graph, result, truth=truth, ax=ax),
            (6.0, 6.0),
        )
    ]
    if any(k in result.evidence for k in _SPECTRAL_KEYS):
        figs.append(
            render(
                f"{m}:spectral",
                f"Users in the first two singular vectors ({m}).",
                lambda ax: plot.plot_spectral_scatter(result, truth=truth, ax=ax),
                (5.5, 5.0),
            )
        )
    if "degree" in result.evidence and "reconstructed_degree" in result.evidence:
        ev = result.evidence
        figs.append(
            render(
                f"{m}:fbox",
                "fBox: actual against reconstructed degree; flagged users "
                "are those the top singular vectors fail to explain.",
                lambda ax: plot.plot_degree_heatmap(
                    ev["degree"],
                    ev["reconstructed_degree"],
                    highlight=result,
                    labels=("degree", "reconstructed degree"),
                    ax=ax,
                ),
            )
        )
    if "synchronicity" in result.evidence and "normality" in result.evidence:
        figs.append(
            render(
                f"{m}:catchsync",
                "CatchSync: synchronicity against normality.",
                lambda ax: plot.plot_catchsync(result, truth=truth, ax=ax),
                (5.5, 5.0),
            )
        )
    return figs


def group_figures(
    graph: InteractionGraph, result: DetectionResult, index: int, truth: Any
) -> list[RenderedFigure]:
    """Per group: bipartite drawing, lockstep raster, creation dates (when the data allow)."""
    from .. import plot

    key = f"{result.method}:group{index + 1}"
    grp = result.groups[index]
    figs = [
        render(
            f"{key}:subgraph",
            "Members (middle), their shared targets (right) and the other targets they hit "
            "(left: camouflage).",
            lambda ax: plot.plot_suspicious_subgraph(
                graph, result, group=index, truth=truth, ax=ax
            ),
            (7.0, 5.2),
        )
    ]
    if graph.has_times:
        figs.append(
            render(
                f"{key}:raster",
                "When each account acted on which target; vertical "
                "stripes are accounts acting together.",
                lambda ax: plot.plot_lockstep_raster(
                    graph, result, group=index, truth=truth, ax=ax
                ),
                (8.0, 5.0),
            )
        )
    created = graph.user_created
    if created is not None and (created[grp.users] == created[grp.users]).any():
        figs.append(
            render(
                f"{key}:creation",
                "Account creation dates of the members against all other accounts.",
                lambda ax: plot.plot_creation_dates(graph, grp, ax=ax),
                (6.4, 3.6),
            )
        )
    return figs
