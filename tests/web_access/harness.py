"""Every web page x method x role, for `tests/test_web_authorization.py`.

The URL patterns are read from the resolver (admin, allauth and the API are left out: the admin
has Django's own checks and its login throttle test, the API its own matrix). Each pattern's
parameters are filled with group A's objects from the API matrix's world
(`coopbuy.api.tests.conftest`), so "someone else's ids" are A's ids for every role outside A.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

SKIPPED_PREFIXES = ("admin/", "accounts/", "api/")


@dataclass(frozen=True)
class Page:
    name: str  # "namespace:name"
    route: str  # the pattern as written, e.g. "g/<slug:slug>/rounds/<int:round_id>/"


def pages() -> list[Page]:
    found: list[Page] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                route = prefix + str(entry.pattern)
                if route.startswith(SKIPPED_PREFIXES):
                    continue
                walk(entry, route, entry.namespace or namespace)
            elif isinstance(entry, URLPattern):
                found.append(Page(f"{namespace}:{entry.name}", prefix + str(entry.pattern)))

    walk(get_resolver(), "", None)
    return found


PARAMETER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>(?P<rx>[^)]*)\)")


def fill(page: Page, values: dict[str, object]) -> str:
    """The page's address with its parameters filled; a regex route loses ^ and $."""
    route = page.route.replace("^", "").replace("$", "").replace("\\.", ".")

    def value(match: re.Match[str]) -> str:
        name = match.group("name") or match.group("rname")
        if match.group("rx") and "|" in match.group("rx"):
            alternatives = match.group("rx").split("|")
            chosen = values.get(f"{page.name}.{name}", alternatives[0])
            return str(chosen)
        key = f"{page.name}.{name}"
        if key in values:
            return str(values[key])
        if name not in values:
            raise KeyError(f"{page.name}: no value for <{name}>")
        return str(values[name])

    return "/" + PARAMETER.sub(value, route)


def methods() -> Iterator[str]:
    yield from ("GET", "POST")
