"""Shared pytest fixtures (additive: other test modules may add their own here)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Figures render off-screen in tests; set before anything imports matplotlib.
os.environ.setdefault("MPLBACKEND", "Agg")

_SIBLING_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.fixture(scope="session")
def data_root() -> Path:
    """Folder of the real datasets: ``$GRAPHBOT_DATA``, else ``../shared/datasets``.

    Tests using it are skipped cleanly when neither exists.
    """
    env = os.environ.get("GRAPHBOT_DATA")
    root = Path(env) if env else _SIBLING_DATA
    if not root.is_dir():
        pytest.skip(f"real datasets not available (set GRAPHBOT_DATA; looked in {root})")
    return root


@pytest.fixture(autouse=True)
def _close_figures():
    """Close figures a test left open (only if it used pyplot at all)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
