"""Benchmark curves: per-detector means over seeds, filters, one panel per camouflage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graphbot.errors import InvalidParameterError
from graphbot.plot import plot_benchmark_curves, plot_benchmark_grid


@pytest.fixture(scope="module")
def frame():
    rows = []
    for det, slope in (("fraudar", 3.0), ("degree", 1.0)):
        for camo in ("none", "biased"):
            for dens in (0.02, 0.05, 0.1, 0.3):
                for seed in range(3):
                    rows.append(
                        {
                            "detector": det,
                            "camouflage": camo,
                            "density": dens,
                            "seed": seed,
                            "status": "ok",
                            "f1": min(1.0, slope * dens + 0.01 * seed),
                        }
                    )
    rows.append(
        {
            "detector": "broken",
            "camouflage": "none",
            "density": 0.1,
            "seed": 0,
            "status": "error",
            "f1": np.nan,
        }
    )
    return pd.DataFrame(rows)


def test_curves_are_means_over_seeds(frame, tmp_path):
    ax = plot_benchmark_curves(frame, camouflage="none")
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert set(lines) == {"degree", "fraudar"}  # the errored detector is dropped
    np.testing.assert_allclose(lines["degree"].get_xdata(), [0.02, 0.05, 0.1, 0.3])
    np.testing.assert_allclose(lines["degree"].get_ydata(), [0.03, 0.06, 0.11, 0.31])
    assert ax.get_xscale() == "log" and ax.get_ylabel() == "F1"
    assert "camouflage: none" in ax.get_title(loc="left")
    ax.figure.savefig(tmp_path / "bench.png")
    assert (tmp_path / "bench.png").stat().st_size > 5000


def test_grid_has_one_panel_per_camouflage(frame):
    axes = plot_benchmark_grid(frame)
    assert [ax.get_title(loc="left") for ax in axes] == ["camouflage: none", "camouflage: biased"]
    assert axes[0].get_legend() is not None and axes[1].get_legend() is None


def test_missing_column_is_named(frame):
    with pytest.raises(InvalidParameterError, match=r"lacks column\(s\) \['recall'\]"):
        plot_benchmark_curves(frame, y="recall")


def test_more_lines_than_colours_stay_distinguishable():
    import pandas as pd

    from graphbot.plot import plot_benchmark_grid

    rows = [{"detector": f"d{i:02d}", "density": d, "camouflage": "none", "f1": i / 20}
            for i in range(14) for d in (0.1, 0.3)]  # fmt: skip
    ax = plot_benchmark_grid(pd.DataFrame(rows))[0]
    looks = {(ln.get_color(), ln.get_marker(), ln.get_linestyle()) for ln in ax.get_lines()
             if ln.get_label().startswith("d")}  # fmt: skip
    assert len(looks) == 14
