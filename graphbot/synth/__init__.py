"""Synthetic worlds with planted bot farms, and planting into real backgrounds.

Everything here is a pure function of its inputs and ``rng``: the same seed
gives the same world and the same farms.
"""

from .farms import (
    CAMOUFLAGES,
    inject_comment_farm,
    inject_farm,
    inject_follow_farm,
    inject_like_farm,
)
from .truth import FarmTruth, GroundTruth
from .world import instagram_world

__all__ = [
    "CAMOUFLAGES",
    "FarmTruth",
    "GroundTruth",
    "instagram_world",
    "inject_farm",
    "inject_like_farm",
    "inject_follow_farm",
    "inject_comment_farm",
]
