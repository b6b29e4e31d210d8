"""Read a command's input file (or `-`, standard input) without ever reading more than a limit.

Shared by `coopbuy match` and `coopbuy tender award` (beside `native_stdout`): at most `limit + 1`
units are read, so a runaway file cannot exhaust memory, and one past the limit means too big.
The unit is the command's own, as its messages have always said: `match` counts characters read
as UTF-8 text, `tender award` counts bytes and decodes them afterwards. Each command words its
own errors from the exceptions here. Standard library only, so the commands stay fast.
"""

from __future__ import annotations

import sys
from typing import Literal

Unit = Literal["characters", "bytes"]


class InputTooBig(Exception):
    """More than `limit` units: nothing was parsed."""

    def __init__(self, source: str, limit: int) -> None:
        super().__init__(source, limit)
        self.source = source
        self.limit = limit


class InputNotText(Exception):
    """Bytes (unit "bytes") that are not UTF-8."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.source = source


def source_name(path: str) -> str:
    """The name a message gives the input: `<stdin>` for `-`, else the path."""
    return "<stdin>" if path == "-" else path


def read_bounded(path: str, limit: int, unit: Unit) -> str:
    """The input's text. Raises `InputTooBig` past `limit` units, `InputNotText` (bytes) for
    text that is not UTF-8; `OSError` and (characters) `UnicodeDecodeError` as `open` does."""
    source = source_name(path)
    if unit == "characters":
        if path == "-":
            text = sys.stdin.read(limit + 1)
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read(limit + 1)
        if len(text) > limit:
            raise InputTooBig(source, limit)
        return text
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputTooBig(source, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputNotText(source) from None
