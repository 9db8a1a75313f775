"""Parameter validation shared by every public function.

Messages name the parameter, what was expected and what was received, e.g.
"`time_window` must be a positive number of seconds; got -5".
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

from .errors import InputTypeError, InvalidParameterError

__all__ = [
    "check_choice",
    "check_fraction",
    "check_int",
    "check_number",
]


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_number(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    what: str = "a number",
) -> float:
    """Return ``value`` as float after checking it is finite and in range."""
    if not _is_real(value) or not np.isfinite(float(value)):  # type: ignore[arg-type]
        raise InvalidParameterError(f"`{name}` must be {what}; got {value!r}")
    x = float(value)  # type: ignore[arg-type]
    too_low = low is not None and (x < low if low_inclusive else x <= low)
    too_high = high is not None and (x > high if high_inclusive else x >= high)
    if too_low or too_high:
        raise InvalidParameterError(f"`{name}` must be {what}; got {value!r}")
    return x


def check_int(
    name: str, value: object, *, low: int | None = None, high: int | None = None, what: str = ""
) -> int:
    """Return ``value`` as int after checking it is an integer within ``[low, high]``."""
    if not what:
        if low is not None and high is not None:
            what = f"an integer between {low} and {high}"
        elif low is not None:
            what = f"an integer >= {low}"
        else:
            what = "an integer"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidParameterError(f"`{name}` must be {what}; got {value!r}")
    x = int(value)
    if (low is not None and x < low) or (high is not None and x > high):
        raise InvalidParameterError(f"`{name}` must be {what}; got {value!r}")
    return x


def check_fraction(name: str, value: object, *, allow_zero: bool = False) -> float:
    """A number in (0, 1] (or [0, 1] with ``allow_zero``)."""
    what = "a fraction in [0, 1]" if allow_zero else "a fraction in (0, 1]"
    return check_number(name, value, low=0.0, high=1.0, low_inclusive=allow_zero, what=what)


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """A string among ``choices``."""
    choices = tuple(choices)
    if not isinstance(value, str):
        raise InputTypeError(f"`{name}` must be one of {choices}; got {value!r}")
    if value not in choices:
        raise InvalidParameterError(f"`{name}` must be one of {choices}; got {value!r}")
    return value
