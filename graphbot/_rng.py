"""The one way graphbot turns an ``rng`` argument into a random generator (SPEC 7)."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator

import numpy as np

from .errors import InputTypeError

__all__ = ["RNGLike", "resolve_rng", "igraph_rng_scope"]

RNGLike = None | int | np.integer | np.random.Generator


def resolve_rng(rng: RNGLike) -> tuple[np.random.Generator, int]:
    """Return ``(generator, seed)`` where ``seed`` regenerates the same stream.

    ``None`` draws fresh entropy, an int is used as the seed, and a Generator
    is asked for a seed so the run stays reproducible from ``params['rng']``.
    """
    if rng is None:
        seed = int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0] >> 1)
    elif isinstance(rng, np.random.Generator):
        seed = int(rng.integers(0, 2**63 - 1))
    elif isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if rng < 0:
            raise InputTypeError(
                f"`rng` must be None, a non-negative int or a Generator; got {rng}"
            )
        seed = int(rng)
    else:
        raise InputTypeError(
            f"`rng` must be None, an int or a numpy.random.Generator; got {type(rng).__name__}"
        )
    return np.random.default_rng(seed), seed


@contextlib.contextmanager
def igraph_rng_scope(generator: np.random.Generator) -> Iterator[None]:
    """Run igraph with a private, seeded ``random.Random`` and restore its RNG afterwards."""
    import igraph

    private = random.Random(int(generator.integers(0, 2**63 - 1)))
    igraph.set_random_number_generator(private)
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)
