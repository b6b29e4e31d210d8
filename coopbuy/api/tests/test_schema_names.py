"""Two schemas with one name overwrite each other in the OpenAPI document: names must be unique."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from coopbuy.config.api import api


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    sub: type
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_schema_of_the_api_has_a_name_of_its_own() -> None:
    assert api.get_openapi_schema()  # every router's schemas are imported and registered
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("coopbuy.") and ".tests" not in cls.__module__:
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert clashes == {}
