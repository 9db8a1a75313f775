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


@pytest.fixture(scope="session")
def world_3k():
    """The 3,000-user synthetic world shared by the detector tests (read-only)."""
    from graphbot.synth import instagram_world

    return instagram_world(3000, rng=0)


@pytest.fixture(scope="session")
def dense_farm(world_3k):
    """A dense like farm (60 bots x 40 posts, density 0.3, biased camouflage) in ``world_3k``."""
    from graphbot.synth import inject_like_farm

    return inject_like_farm(world_3k, n_bots=60, n_targets=40, density=0.3, camouflage="biased",
                            rng=1)  # fmt: skip
