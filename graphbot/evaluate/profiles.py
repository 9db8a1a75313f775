"""The benchmark's profiles: which grid of planted scenarios and which real-label slices run.

Shared by the planted grid (:mod:`.bench`) and the real-label runs
(:mod:`.real_labels`), which both read a profile by name.
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidParameterError

__all__ = ["PROFILES", "TIMINGS", "FARM_SHAPES", "NATIVE_KIND", "profile_spec"]

HOUR, DAY = 3600, 86_400
TIMINGS = {"tight": HOUR, "spread": 7 * DAY}
#: farm shape per kind: (bots, targets). Fake followers buy a few accounts many follows.
FARM_SHAPES = {"follow": (200, 10), "like": (200, 100), "comment": (100, 50)}
#: native event kind of the real backgrounds (farms blend in with the same kind)
NATIVE_KIND = {"movielens": "rate", "vews": "edit"}
_ALL_CAMO = ("none", "random", "biased", "hijacked")
_DENSITIES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)

#: Each profile is a list of blocks; a block crosses its factor lists.
PROFILES: dict[str, dict[str, Any]] = {
    "quick": {
        "synthetic_users": 2000,
        "vews_months": [(2013, 1)],
        "blocks": [
            {"background": "synthetic", "farm_kind": ("like",), "density": (0.05, 0.3),
             "camouflage": ("none", "biased"), "timing": ("tight",)},
            {"background": "synthetic", "farm_kind": ("follow",), "density": (0.3,),
             "camouflage": ("biased",), "timing": ("spread",)},
            {"background": "movielens", "farm_kind": ("like",), "density": (0.05, 0.3),
             "camouflage": ("biased",), "timing": ("tight",)},
        ],
        "seeds": (0,),
    },
    "full": {
        "synthetic_users": 3000,
        "vews_months": [(2013, 1), (2013, 2)],
        "blocks": [
            {"background": "synthetic", "farm_kind": ("follow", "like", "comment"),
             "density": _DENSITIES, "camouflage": _ALL_CAMO, "timing": ("tight", "spread")},
            {"background": "movielens", "farm_kind": ("like",), "density": _DENSITIES,
             "camouflage": _ALL_CAMO, "timing": ("tight", "spread")},
            {"background": "vews", "farm_kind": ("like",), "density": (0.02, 0.05, 0.1, 0.3),
             "camouflage": ("none", "biased", "hijacked"), "timing": ("tight",)},
        ],
        "seeds": (0, 1),
    },
}  # fmt: skip


def profile_spec(profile: str) -> dict[str, Any]:
    """The settings of benchmark profile ``profile`` (``"quick"`` or ``"full"``)."""
    if profile not in PROFILES:
        raise InvalidParameterError(f"`profile` must be one of {tuple(PROFILES)}; got {profile!r}")
    return PROFILES[profile]
