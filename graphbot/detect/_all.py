"""Import every detector module so each registers itself."""

from . import (
    degree,  # noqa: F401
    spoken,  # noqa: F401
)
