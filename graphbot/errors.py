"""Exceptions raised by graphbot.

Every error graphbot raises on bad input subclasses the matching built-in
(``ValueError``, ``TypeError``, ``FileNotFoundError``) so callers can catch
either the specific class or the built-in one. Input that graphbot can use but
not completely (no time column, rows missing from a users table) is reported
with a :class:`GraphbotWarning`.
"""

from __future__ import annotations

__all__ = [
    "GraphbotError",
    "InvalidInputError",
    "InvalidParameterError",
    "InputTypeError",
    "InputFileError",
    "DatasetNotFoundError",
    "UnknownDetectorError",
    "GraphbotWarning",
]


class GraphbotError(Exception):
    """Base class of every exception graphbot raises on purpose."""


class InvalidInputError(GraphbotError, ValueError):
    """Input data (events, graphs, labels) is malformed."""


class InvalidParameterError(GraphbotError, ValueError):
    """A parameter has a value outside its allowed range or set."""


class InputTypeError(GraphbotError, TypeError):
    """An argument has the wrong type."""


class InputFileError(InvalidInputError):
    """A file could not be parsed; the message names file, line and column."""

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        where = [str(path)]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {problem}")
        self.path = str(path)
        self.line = line
        self.column = column


class DatasetNotFoundError(GraphbotError, FileNotFoundError):
    """A real dataset file is not where graphbot was told to look."""


class UnknownDetectorError(GraphbotError, KeyError):
    """No detector is registered under the requested name."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class GraphbotWarning(UserWarning):
    """Input graphbot used, but not all of it: unknown times, rows missing from a table."""
