"""Reading JSON request bodies: text that cannot be stored is refused naming its field.

JSON may spell a lone surrogate (`"\\ud800"`): Python reads it into a `str` that cannot be encoded
as UTF-8, so the database (or the JSON written back) fails on it later. `StrictParser` refuses such
a body at once; `problems.py` turns the refusal into a 400 problem naming the field. Bodies nested
too deeply to read are refused as unreadable, like any other malformed JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any, cast

from django.http import HttpRequest
from ninja.parser import Parser
from ninja.types import DictStrAny

SURROGATE = re.compile("[\ud800-\udfff]")
MAX_DEPTH = 64


class TextNotStorable(ValueError):
    """A string of the body holds a lone surrogate (`field` is where, like "lines.0.name")."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class BodyTooDeep(ValueError):
    pass


def check_text(value: Any, path: tuple[str, ...] = (), depth: int = 0) -> None:
    """Raise `TextNotStorable` for the first string (or key) with a lone surrogate."""
    if depth > MAX_DEPTH:
        raise BodyTooDeep(".".join(path))
    if isinstance(value, str):
        if SURROGATE.search(value):
            raise TextNotStorable(".".join(path) or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            if SURROGATE.search(key):
                raise TextNotStorable(".".join((*path, "?")))
            check_text(item, (*path, key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_text(item, (*path, str(index)), depth + 1)


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = json.loads(request.body)  # RecursionError, ValueError: ninja's 400
        check_text(data)
        return cast(DictStrAny, data)
