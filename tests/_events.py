"""Plain helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import numpy as np

DAY = 86_400


def noise_events(gen: np.random.Generator, n_users: int = 300, n_targets: int = 80,
                 n: int = 1500) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Background events: users ``1000..``, random targets and times over 30 days."""
    return (
        gen.integers(1000, 1000 + n_users, n),
        gen.integers(0, n_targets, n),
        gen.integers(0, 30 * DAY, n),
    )
