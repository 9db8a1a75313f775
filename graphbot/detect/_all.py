"""Import every detector module so each registers itself."""

from . import (
    burstlink,  # noqa: F401
    catchsync,  # noqa: F401
    charikar,  # noqa: F401
    community,  # noqa: F401
    copycatch,  # noqa: F401
    dcube,  # noqa: F401
    degree,  # noqa: F401
    ensemble,  # noqa: F401
    fbox,  # noqa: F401
    fraudar,  # noqa: F401
    holoscope,  # noqa: F401
    spoken,  # noqa: F401
    synchrotrap,  # noqa: F401
)
