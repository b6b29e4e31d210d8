"""Every API operation x every role x group A's ids: denied where the web denies, nothing changed.

The operations are read from the NinjaAPI itself, so a new endpoint fails this test until it is
classified in ACCESS (and given a valid body in BODIES if it takes one).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from coopbuy.api.tests.conftest import World
from coopbuy.api.v1 import api
from coopbuy.audit.models import AuditEvent
from coopbuy.catalog.models import PriceTier, Product, Supplier
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership
from coopbuy.ledger.models import Account, Transaction
from coopbuy.rounds.models import Allocation, DemandLine, Round

# Who may call each operation on group A (private, join by approval):
#   anyone      - also without credentials
#   signed_in   - any valid credentials (a read-only or a group-limited token too)
#   own_write   - a write about the caller only, outside any group path: not a read-only token,
#                 not a token limited to a group
#   viewer      - those who may see group A (its members); writes also need a write token
#   member      - members of A (any role)
#   money       - treasurers and coordinators of A
#   coordinator - coordinators of A
ACCESS = {
    "GET /me": "signed_in",
    "GET /groups/mine": "signed_in",
    "GET /groups": "anyone",
    "POST /groups": "own_write",
    "GET /groups/{slug}": "viewer",
    "PATCH /groups/{slug}": "coordinator",
    "POST /groups/{slug}/join": "viewer",
    "POST /groups/{slug}/leave": "member",
    "GET /groups/{slug}/members": "member",
    "PATCH /groups/{slug}/members/{membership_id}": "coordinator",
    "DELETE /groups/{slug}/members/{membership_id}": "coordinator",
    "GET /groups/{slug}/invitations": "coordinator",
    "POST /groups/{slug}/invitations": "coordinator",
    "POST /groups/{slug}/invitations/{invitation_id}/revoke": "coordinator",
    "GET /groups/{slug}/join-requests": "coordinator",
    "POST /groups/{slug}/join-requests": "viewer",
    "POST /groups/{slug}/join-requests/mine/withdraw": "viewer",
    "POST /groups/{slug}/join-requests/{request_id}/approve": "coordinator",
    "POST /groups/{slug}/join-requests/{request_id}/decline": "coordinator",
    "POST /invitations/{code}/accept": "own_write",
    "GET /groups/{slug}/suppliers": "member",
    "POST /groups/{slug}/suppliers": "coordinator",
    "GET /groups/{slug}/suppliers/{supplier_id}": "member",
    "PATCH /groups/{slug}/suppliers/{supplier_id}": "coordinator",
    "GET /groups/{slug}/suppliers/{supplier_id}/products": "member",
    "POST /groups/{slug}/suppliers/{supplier_id}/products": "coordinator",
    "GET /groups/{slug}/suppliers/{supplier_id}/products/{product_id}": "member",
    "GET /groups/{slug}/rounds": "member",
    "GET /groups/{slug}/rounds/{round_id}": "member",
    "GET /groups/{slug}/rounds/{round_id}/products": "member",
    "GET /groups/{slug}/rounds/{round_id}/basket": "member",
    "GET /groups/{slug}/rounds/{round_id}/allocations": "member",
    "GET /groups/{slug}/rounds/{round_id}/pick-list": "coordinator",
    "PUT /groups/{slug}/rounds/{round_id}/basket/{product_id}": "member",
    "POST /groups/{slug}/rounds/{round_id}/close": "coordinator",
    "GET /groups/{slug}/account": "member",
    "GET /groups/{slug}/account/transactions": "member",
    "POST /groups/{slug}/top-ups": "money",
}
BODIES: dict[str, dict[str, Any]] = {
    "POST /groups": {"name": "A new group"},
    "PATCH /groups/{slug}": {"name": "Renamed", "join_policy": "open"},
    "PATCH /groups/{slug}/members/{membership_id}": {"role": "coordinator"},
    "POST /groups/{slug}/invitations": {"role": "coordinator"},
    "POST /groups/{slug}/join-requests": {"message": "Let me in"},
    "POST /groups/{slug}/suppliers": {"name": "Mill B", "delivery_fee": "4.50"},
    "PATCH /groups/{slug}/suppliers/{supplier_id}": {"name": "Renamed", "notes": "x"},
    "POST /groups/{slug}/suppliers/{supplier_id}/products": {
        "sku": "OATS",
        "name": "Oats, rolled",
        "case_size": 12,
        "unit_price": "1.50",
        "tiers": [{"min_cases": 5, "unit_price": "1.20"}],
    },
    "PUT /groups/{slug}/rounds/{round_id}/basket/{product_id}": {"quantity": 2, "tolerance": 1},
    "POST /groups/{slug}/top-ups": {"membership_id": 0, "amount": "20.00", "method": "bank"},
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
]
A_MEMBERS = {"member", "treasurer", "coordinator", "read_only"}
DENIED = {401, 403, 404}


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
        return level == "anyone"
    if role == "coordinator_b_own_slug":
        return False  # only ever used with A's ids on paths that have them
    if level in {"anyone", "signed_in"}:
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
    return (
        list(Membership.objects.filter(group=group).order_by("pk").values_list("user", "role")),
        list(
            Invitation.objects.filter(group=group)
            .order_by("pk")
            .values_list("pk", "revoked_at", "use_count")
        ),
        list(JoinRequest.objects.filter(group=group).order_by("pk").values_list("pk", "status")),
        BuyingGroup.objects.filter(pk=group.pk)
        .values_list("name", "visibility", "join_policy", "description")
        .get(),
        AuditEvent.objects.filter(group=group).count(),
        list(Supplier.objects.filter(group=group).order_by("pk").values_list()),
        list(Product.objects.filter(supplier__group=group).order_by("pk").values_list()),
        list(
            PriceTier.objects.filter(product__supplier__group=group)
            .order_by("pk")
            .values_list("product", "min_cases", "unit_price")
        ),
        list(Round.objects.filter(group=group).order_by("pk").values_list("pk", "status")),
        list(
            DemandLine.objects.filter(round__group=group)
            .order_by("pk")
            .values_list("membership", "product", "quantity", "tolerance")
        ),
        Allocation.objects.filter(round__group=group).count(),
        list(Transaction.objects.filter(group=group).order_by("pk").values_list("pk", "kind")),
        list(Account.objects.filter(group=group).order_by("pk").values_list("pk", "balance")),
        BuyingGroup.objects.count(),
    )


def url_for(template: str, world: World, role: str) -> str:
    slug = world.b.slug if role == "coordinator_b_own_slug" else world.a.slug
    values = {
        "slug": slug,
        "membership_id": world.member_a.pk,
        "invitation_id": world.invitation_a.pk,
        "request_id": world.request_a.pk,
        "code": world.invitation_a.code,
        **world.ids,
    }
    if "/rounds/" in template:  # a round's products are the round's copies
        values["product_id"] = world.ids["round_product_id"]
    return "/api/v1" + template.format(**values)


def cases() -> list[tuple[str, str, str]]:
    """Every operation x role; B's coordinator on B's own address only where A's ids go in."""
    return [
        (method, template, role)
        for method, template in operations()
        for role in ROLES
        if role != "coordinator_b_own_slug" or re.search(r"{slug}.*_id}", template)
    ]


@pytest.mark.parametrize(("method", "template", "role"), cases())
def test_denied_where_the_web_denies_and_nothing_changes(
    world: World, method: str, template: str, role: str
) -> None:
    key = f"{method} {template}"
    client = world.client("coordinator_b" if role == "coordinator_b_own_slug" else role)
    before = snapshot(world.a)
    body = BODIES.get(key)
    if body is not None and "membership_id" in body:
        body = {**body, "membership_id": world.member_a.pk}
    response = client.generic(
        method,
        url_for(template, world, role),
        json.dumps(body) if body is not None else "",
        content_type="application/json",
    )
    assert response["Content-Type"].startswith(("application/json", "application/problem+json"))
    if allowed(role, ACCESS[key], method):
        assert response.status_code not in {401, 403}, (key, role, response.content)
        assert b"There is no group at this address" not in response.content, (key, role)
    else:
        assert response.status_code in DENIED, (key, role, response.status_code, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert snapshot(world.a) == before, (key, role)
    if method == "GET" and role not in A_MEMBERS:
        assert world.a.slug.encode() not in response.content, (key, role)  # A stays invisible


def test_a_private_group_is_not_found_rather_than_forbidden(world: World) -> None:
    response = world.client("outsider").get(f"/api/v1/groups/{world.a.slug}/members")
    assert response.status_code == 404
    response = world.client("outsider").get(f"/api/v1/groups/{world.b.slug}/members")
    assert response.status_code == 403  # B is public: seen, but its members are not
