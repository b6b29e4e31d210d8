"""Keep native libraries' prints out of a command's JSON on stdout (`allocate`, `match`).

`native_stdout_silenced()` points file descriptor 1 at the null device while an engine runs:
HiGHS writes a banner from C++ when its public class is built, which Python's `sys.stdout`
cannot catch. Standard library only, so the fast commands stay fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def native_stdout_silenced() -> Iterator[None]:
    """Point file descriptor 1 at the null device for the duration ."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no stdout at all: nothing to protect
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        _flush_c_stdio()
        os.dup2(saved, 1)
        os.close(saved)


def _flush_c_stdio() -> None:
    """Flush C's stdio buffers, so text a library buffered goes to the null device, not the JSON."""
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError, TypeError):  # no C library to ask (e.g. Windows): skip
        pass
