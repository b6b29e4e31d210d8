"""The fast path shared by the matching and tender readers of the contracts' JSON.

msgspec decodes the text straight into the reader's typed structs and the reader's `build` runs
the exact path's checks on them; any failure gives None, and the caller then takes the exact path
(`json.loads` and the reader's `*_from_json`), which names the error in the contract's words. The
cyclic collector is paused meanwhile (`coopbuy.core.gcpause`).
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from coopbuy.core.errors import ProblemError
from coopbuy.core.gcpause import gc_paused


def fast_parse[R, T](
    text: str | bytes, decoder: msgspec.json.Decoder[R], build: Callable[[R], T]
) -> T | None:
    """What `build` makes of the decoded text, or None when decoding or a check fails."""
    with gc_paused():
        try:
            raw = decoder.decode(text)
        except (msgspec.MsgspecError, ValueError, RecursionError):  # ValueError: lone surrogate
            return None
        try:
            return build(raw)
        except ProblemError:
            return None
