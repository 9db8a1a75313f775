"""Event kinds and their int8 codes: the one piece of parsing the graph needs at import.

Kept apart from :mod:`graphbot._parsing` (which needs pandas) so that
``import graphbot`` stays light; the parsers load when data is read.
"""

from __future__ import annotations

from .errors import InvalidParameterError

__all__ = ["KINDS", "KIND_CODES", "kind_code"]

#: Event kinds and their int8 codes (the position in this tuple).
KINDS: tuple[str, ...] = ("interaction", "follow", "like", "comment", "review", "rate", "edit")
KIND_CODES = {name: code for code, name in enumerate(KINDS)}


def kind_code(kind: str) -> int:
    """Return the int8 code of an event kind name.

    Examples
    --------
    >>> kind_code("like")
    2
    """
    try:
        return KIND_CODES[kind]
    except (KeyError, TypeError):
        raise InvalidParameterError(
            f"unknown event kind {kind!r}; expected one of {KINDS}"
        ) from None
