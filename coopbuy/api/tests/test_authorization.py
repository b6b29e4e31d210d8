"""Every API operation x every role x group A's ids: denied where the web denies, nothing changed.

The operations are read from the NinjaAPI itself, so a new endpoint fails this test until it is
classified in ACCESS (and given a valid body in BODIES if it takes one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from coopbuy.api.tests.access import Upload, areas, path_parameters
from coopbuy.api.tests.conftest import World, one_world_for_the_module
from coopbuy.config.api import api
from coopbuy.groups.models import BuyingGroup

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

# Who may call each operation on group A (private, join by approval):
#   anyone      - also without credentials
#   code_holder - anyone holding the invitation's code, which is the secret: it may show group A
#   signed_in   - any valid credentials (a read-only or a group-limited token too)
#   own_write   - a write about the caller only, outside any group path: not a read-only token,
#                 not a token limited to a group
#   viewer      - those who may see group A (its members); writes also need a write token
#   member      - members of A (any role)
#   money       - treasurers and coordinators of A
#   coordinator - coordinators of A
#   supplier_user      - only the people who act for the supplier in the path (group A's)
#   organisation_admin - only the admins of the organisation in the path
#   member_or_supplier - members of A and the people who act for the supplier in the world (a
#                        tender's published award: its owner's members and its invited suppliers)
# Beside A's roles, three callers who are not members of A must be refused on every group-A
# operation: a supplier user of A's supplier, an organisation admin, and a former member of A.
# Each area lists its operations in coopbuy/api/tests/access/<area>.py.
ACCESS: dict[str, str] = {k: v for area in areas() for k, v in area.ACCESS.items()}
BODIES: dict[str, dict[str, Any] | Upload] = {
    k: v for area in areas() for k, v in area.BODIES.items()
}
ROLES = [
    "anonymous",
    "outsider",
    "member",
    "treasurer",
    "coordinator",
    "coordinator_b",
    "coordinator_b_own_slug",  # B's coordinator, B's address, A's ids
    "read_only",  # A's coordinator with a read-only token
    "limited_to_b",  # A's coordinator with a token limited to group B
    "supplier_user",  # acts for group A's supplier; not a member of A
    "organisation_admin",  # runs an organisation; not a member of A
    "former_member",  # left group A
]
A_MEMBERS = {"member", "treasurer", "coordinator", "read_only"}
FILES = ("text/csv", "application/pdf")  # what an allowed caller may get instead of JSON
DENIED = {401, 403, 404}


pytestmark = pytest.mark.django_db  # each case in its own savepoint inside the module's world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """One world for the whole matrix (about 2,200 cases), each case in a savepoint."""
    with one_world_for_the_module(django_db_blocker) as built:
        yield built


def operations() -> list[tuple[str, str]]:
    """(method, path template) of every operation the API serves, converters removed."""
    found: list[tuple[str, str]] = []
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            template = re.sub(r"{[^}:]+:", "{", f"{bound.prefix}{path}") or "/"
            for operation in path_view.operations:
                found.extend((method, template) for method in operation.methods)
    return found


def test_every_operation_is_classified() -> None:
    served = {f"{method} {path}" for method, path in operations()}
    assert served == set(ACCESS)


def test_every_post_honours_idempotency_keys() -> None:
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                if "POST" in operation.methods:
                    assert getattr(operation.view_func, "coopbuy_idempotent", False), path_view


def allowed(role: str, level: str, method: str) -> bool:
    write = method != "GET"
    if role == "anonymous":
        return level in {"anyone", "code_holder"}
    if role == "coordinator_b_own_slug":
        return False  # only ever used with A's ids on paths that have them
    if level in {"supplier_user", "organisation_admin"}:
        return role == level
    if level == "member_or_supplier":
        return role == "supplier_user" or allowed(role, "member", method)
    if level in {"anyone", "code_holder", "signed_in"}:
        return True
    if role == "read_only" and write:
        return False
    if role == "limited_to_b":
        return False  # A's address, or a write outside any group
    if level == "own_write":
        return True
    if level in {"viewer", "member"}:
        return role in A_MEMBERS
    if level == "money":
        return role in {"coordinator", "treasurer", "read_only"}
    return role in {"coordinator", "read_only"}


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return tuple(area.snapshot(group) for area in areas())


def url_for(template: str, world: World, role: str) -> str:
    slug = world.b.slug if role == "coordinator_b_own_slug" else world.a.slug
    return "/api/v1" + template.format(**path_parameters(template, world, slug))


def cases() -> list[tuple[str, str, str]]:
    """Every operation x role; B's coordinator on B's own address only where A's ids go in."""
    return [
        (method, template, role)
        for method, template in operations()
        for role in ROLES
        if role != "coordinator_b_own_slug" or re.search(r"{slug}.*_id}", template)
    ]


def send(
    client: Client, method: str, url: str, body: dict[str, Any] | Upload | None, world: World
) -> Response:
    """The request, as JSON or as multipart form data; a body's membership_id is A's member."""
    if isinstance(body, Upload):
        files = {name: SimpleUploadedFile(n, content) for name, (n, content) in body.files.items()}
        return client.generic(
            method,
            url,
            encode_multipart(BOUNDARY, {**body.data, **files}),
            content_type=MULTIPART_CONTENT,
        )
    if body is not None and "membership_id" in body:
        body = {**body, "membership_id": world.member_a.pk}
    return client.generic(
        method, url, json.dumps(body) if body is not None else "", content_type="application/json"
    )


@pytest.mark.parametrize(("method", "template", "role"), cases())
def test_denied_where_the_web_denies_and_nothing_changes(
    world: World, method: str, template: str, role: str
) -> None:
    key = f"{method} {template}"
    client = world.client("coordinator_b" if role == "coordinator_b_own_slug" else role)
    before = snapshot(world.a)
    response = send(client, method, url_for(template, world, role), BODIES.get(key), world)
    assert response["Content-Type"].startswith(
        ("application/json", "application/problem+json", *FILES)
    )
    content = response.getvalue()  # a streamed CSV too
    if allowed(role, ACCESS[key], method):
        assert response.status_code not in {401, 403}, (key, role, content)
        assert b"There is no group at this address" not in content, (key, role)
    else:
        assert response.status_code in DENIED, (key, role, response.status_code, content)
        assert response["Content-Type"] == "application/problem+json"
        assert snapshot(world.a) == before, (key, role)
    # A stays invisible, except to the admins of the organisation whose programme group A is (the
    # subsidies area's world): they see the address of the group their programme runs.
    runs_a = role == "organisation_admin" and ACCESS[key] == "organisation_admin"
    if method == "GET" and role not in A_MEMBERS and ACCESS[key] != "code_holder" and not runs_a:
        assert world.a.slug.encode() not in content, (key, role)


def test_a_private_group_is_not_found_rather_than_forbidden(world: World) -> None:
    response = world.client("outsider").get(f"/api/v1/groups/{world.a.slug}/members")
    assert response.status_code == 404
    response = world.client("outsider").get(f"/api/v1/groups/{world.b.slug}/members")
    assert response.status_code == 403  # B is public: seen, but its members are not
