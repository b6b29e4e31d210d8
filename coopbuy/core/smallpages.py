"""`small_pages()`: numpy's big arrays on ordinary 4 KiB pages while a bulk step runs.

numpy asks Linux for transparent huge pages (`madvise(MADV_HUGEPAGE)`) for every array of 4 MiB
or more. `allocate()` on a million rows makes a few dozen such arrays, short-lived, each touched
once or twice: the first touch of a huge page made the kernel find and clear 2 MiB (compacting
memory when it is fragmented), and that kernel time was most of the first `allocate()`'s extra
cost in a process (measured on a million rows, the first fcfs call after the parse, on the
shared 2-core machine: 0.18-0.23 s of system time with huge pages against 0.07 s without; user
time unchanged, 0.36 s). Used by `allocate()` and the fast parse. The previous setting is
restored however the step ends. A no-op if numpy has no such switch (it is numpy's own
`_set_madvise_hugepage`, also set by the NUMPY_MADVISE_HUGEPAGE environment variable).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import numpy as np

_switch: Callable[[bool], bool] | None = getattr(
    getattr(getattr(np, "_core", None), "multiarray", None), "_set_madvise_hugepage", None
)


@contextlib.contextmanager
def small_pages() -> Iterator[None]:
    """Turn numpy's huge-page advice off for the duration, then restore it as it was."""
    if _switch is None:
        yield
        return
    was = _switch(False)
    try:
        yield
    finally:
        _switch(was)
