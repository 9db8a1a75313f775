"""Ground truth of planted farms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ..graph import InteractionGraph

__all__ = ["FarmTruth", "GroundTruth"]


@dataclass(frozen=True, eq=False)
class FarmTruth:
    """One planted farm: its bots, its targets and the events it injected.

    ``bots`` and ``targets`` are external ids. ``events`` has one row per
    injected event (``user``, ``target``, ``time``, ``kind``, ``camouflage``).
    """

    farm_id: str
    kind: str
    bots: np.ndarray
    targets: np.ndarray
    events: pd.DataFrame
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @property
    def n_bots(self) -> int:
        """Number of bot accounts."""
        return len(self.bots)

    @property
    def density(self) -> float:
        """Fraction of bot x target pairs of the farm that carry a farm event."""
        farm = self.events[~self.events["camouflage"]]
        pairs = farm[["user", "target"]].drop_duplicates()
        return len(pairs) / max(self.n_bots * len(self.targets), 1)


@dataclass(frozen=True, eq=False)
class GroundTruth:
    """All farms planted in a graph (empty for a world with no farm).

    Examples
    --------
    >>> GroundTruth().n_bots
    0
    """

    farms: tuple[FarmTruth, ...] = ()

    @property
    def bots(self) -> np.ndarray:
        """External ids of every bot, all farms together."""
        if not self.farms:
            return np.array([], dtype=object)
        return np.unique(np.concatenate([np.asarray(f.bots, dtype=object) for f in self.farms]))

    @property
    def n_bots(self) -> int:
        """Number of distinct bots."""
        return len(self.bots)

    def bot_mask(self, graph: InteractionGraph) -> np.ndarray:
        """Boolean mask over ``graph``'s users: True for bots."""
        return _id_mask(graph.user_ids, self.bots)

    def farm_masks(self, graph: InteractionGraph) -> list[np.ndarray]:
        """One boolean user mask per farm, in planting order."""
        return [_id_mask(graph.user_ids, f.bots) for f in self.farms]

    def target_masks(self, graph: InteractionGraph) -> list[np.ndarray]:
        """One boolean target mask per farm."""
        return [_id_mask(graph.target_ids, f.targets) for f in self.farms]

    def events(self) -> pd.DataFrame:
        """Every injected event with its ``farm`` id."""
        if not self.farms:
            return pd.DataFrame(columns=["user", "target", "time", "kind", "camouflage", "farm"])
        return pd.concat([f.events.assign(farm=f.farm_id) for f in self.farms], ignore_index=True)

    def add(self, farm: FarmTruth) -> GroundTruth:
        """A new GroundTruth with ``farm`` appended."""
        return GroundTruth((*self.farms, farm))

    def __repr__(self) -> str:
        inner = ", ".join(f"{f.farm_id}:{f.kind}x{f.n_bots}" for f in self.farms)
        return f"GroundTruth([{inner}])"


def _id_mask(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    if len(wanted) == 0:
        return np.zeros(len(ids), dtype=bool)
    return np.asarray(pd.Index(ids).isin(wanted), dtype=bool)
