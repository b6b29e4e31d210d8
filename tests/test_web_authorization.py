"""Every web page x method x role against an allow-list: everything else refused, nothing changed.

The pages are read from the URL resolver (`tests/web_access/harness.py`), so a new page fails
`test_every_page_is_classified` until it is given a level (`tests/web_access/`: the base pages in
`levels.py`, an area's pages in its own module). Each
role's requests run against group A's objects (the API matrix's world); a request that is refused
must answer 403, 404, 405 or a redirect to the login page, and change nothing (the areas'
snapshots of group A, and the audit log). Each request runs in a savepoint that is rolled back, so
one world serves a whole role.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from coopbuy.api.tests.conftest import World
from coopbuy.api.tests.test_authorization import snapshot
from coopbuy.audit.models import AuditEvent
from coopbuy.testing.factories import make_user
from tests.web_access.harness import Page, fill, methods, pages
from tests.web_access.levels import allowed, levels, parameters

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROLES = [
    "anonymous", "outsider", "member", "treasurer", "coordinator", "coordinator_b",
    "supplier_user", "organisation_admin", "former_member", "platform_admin",
]  # fmt: skip
DENIED = {403, 404, 405}


def test_every_page_is_classified() -> None:
    assert {page.name for page in pages()} == set(levels())


def _client(world: World, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role == "platform_admin":  # a superuser, who belongs to no group
        admin = make_user("Platform admin")
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
        client.force_login(admin)
    elif role != "anonymous":
        client.force_login(world.people[role])
    return client


def _refused(response: Any) -> bool:
    if response.status_code in DENIED:
        return True
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return "/accounts/login/" in location


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("role", ROLES)
def test_each_page_answers_each_role_as_the_allow_list_says(world: World, role: str) -> None:
    client = _client(world, role)
    values = parameters(world)
    level_of = levels()
    before = _state(world)  # each request is rolled back: the state before each is this one
    failures: list[str] = []
    for page in pages():
        for method in methods():
            url = fill(page, values)
            failure = _check(client, world, before, level_of[page.name], page, method, url, role)
            if failure:
                failures.append(failure)
    assert not failures, "\n".join(failures)


def _state(world: World) -> tuple[object, ...]:
    return (snapshot(world.a), AuditEvent.objects.count())


def _check(
    client: Client,
    world: World,
    before: tuple[object, ...],
    level: str | dict[str, str],
    page: Page,
    method: str,
    url: str,
    role: str,
) -> str | None:
    outcome: dict[str, Any] = {}
    may = allowed(role, level, method)
    try:
        with transaction.atomic():
            response = client.generic(method, url)
            outcome["status"] = response.status_code
            outcome["refused"] = _refused(response)
            # A login redirect or a 405 comes from a decorator before the view runs.
            untouched = response.status_code in (301, 302, 405) or may
            outcome["changed"] = not untouched and _state(world) != before
            raise _Rollback
    except _Rollback:
        pass
    if outcome["status"] >= 500:
        return f"{method} {url} as {role}: {outcome['status']}"
    if may:
        if outcome["refused"] and outcome["status"] != 405:
            return f"{method} {url} as {role}: refused ({outcome['status']}) but allowed"
        return None
    if not outcome["refused"]:
        return f"{method} {url} as {role}: answered {outcome['status']}, must be refused"
    if outcome["changed"]:
        return f"{method} {url} as {role}: refused but changed group A"
    return None
