"""Synthetic worlds with planted bot farms, and planting into real backgrounds.

Everything here is a pure function of its inputs and ``rng``: the same seed
gives the same world and the same farms. :func:`family_world` draws worlds from a
family whose organic look-alikes of coordination vary over wide ranges; tune defaults
on :data:`TUNING_DRAWS` and report on :data:`REPORT_DRAWS`.
"""

from ._organic import ACTIVITY_SHAPES, ActivityShape
from .family import (
    REPORT_DRAWS,
    TUNING_DRAWS,
    WorldDraw,
    draw_world_params,
    family_world,
    world_from_draw,
)
from .farms import (
    CAMOUFLAGES,
    inject_comment_farm,
    inject_farm,
    inject_follow_farm,
    inject_like_farm,
)
from .lookalikes import (
    LOOKALIKE_KINDS,
    BingeLikers,
    FanClubs,
    FollowBackRings,
    FriendGroups,
    Giveaways,
    ViralPosts,
)
from .truth import FarmTruth, GroundTruth
from .variants import inject_session_farm, inject_staircase_farm
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
    "inject_session_farm",
    "inject_staircase_farm",
    "family_world",
    "world_from_draw",
    "draw_world_params",
    "WorldDraw",
    "TUNING_DRAWS",
    "REPORT_DRAWS",
    "ActivityShape",
    "ACTIVITY_SHAPES",
    "LOOKALIKE_KINDS",
    "ViralPosts",
    "FanClubs",
    "FriendGroups",
    "Giveaways",
    "BingeLikers",
    "FollowBackRings",
]
