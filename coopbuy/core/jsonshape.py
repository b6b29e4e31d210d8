"""The shape checks every contract's JSON reader shares (allocation, matching, tender).

Each raises `ProblemError(path, message)` naming the field by its JSON path; at the top level
(`path` "problem") a key is named alone, as the contracts' error messages show.
"""

from __future__ import annotations

from typing import Any

from coopbuy.core.errors import ProblemError


def json_object(
    value: object, path: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> dict[str, Any]:
    """An object with every required key and no key outside `required` and `optional`."""

    def at(key: str) -> str:
        return key if path == "problem" else f"{path}.{key}"

    if not isinstance(value, dict):
        raise ProblemError(path, "must be an object")
    for key in value:
        if key not in required and key not in optional:
            raise ProblemError(at(str(key)), "unknown field")
    for key in required:
        if key not in value:
            raise ProblemError(at(key), "required")
    return value


def json_list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProblemError(path, "must be a list")
    return value


def json_id(value: object, path: str) -> str:
    """A non-empty string that is not only white space."""
    if not isinstance(value, str) or not value.strip():
        raise ProblemError(path, "must be a non-empty string")
    return value
