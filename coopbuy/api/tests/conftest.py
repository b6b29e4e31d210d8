"""A small world for API tests: a private group A with every role, a public group B next door."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.api.services import token_create
from coopbuy.catalog import services as catalog_services
from coopbuy.groups import services
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership
from coopbuy.rounds.models import RoundProduct
from coopbuy.rounds.services import round_create, round_open
from coopbuy.testing.factories import add_member, coordinator_of, make_group, make_user


@dataclass
class World:
    a: BuyingGroup
    b: BuyingGroup
    people: dict[str, User]
    member_a: Membership
    invitation_a: Invitation
    request_a: JoinRequest
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)  # group A's objects of other areas, by name

    def client(self, role: str) -> Client:
        """A client for a role; roles with a token send it, 'anonymous' sends nothing."""
        if role == "anonymous":
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.tokens[role]}")


def bearer(secret: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def world(db: None) -> World:
    a = make_group(name="Group A", visibility="private", join_policy="approval")
    b = make_group(name="Group B", visibility="public", join_policy="open")
    coordinator = coordinator_of(a)
    people = {
        "coordinator": coordinator,
        "treasurer": add_member(a, role="treasurer").user,
        "member": add_member(a).user,
        "outsider": make_user("Outsider"),
        "coordinator_b": coordinator_of(b),
    }
    add_member(b, coordinator)  # A's coordinator also belongs to B (for the B-limited token)
    member_a = add_member(a, make_user("Plain member"))
    invitation_a = services.invitation_create(group=a, actor=coordinator)
    request_a = services.join_request_create(group=a, user=make_user("Asker"))
    world = World(a, b, people, member_a, invitation_a, request_a)
    supplier = catalog_services.supplier_create(group=a, actor=coordinator, name="Farm A")
    product = catalog_services.product_save(
        supplier=supplier,
        actor=coordinator,
        sku="OATS",
        name="Oats",
        case_size=6,
        unit_price=Decimal("2.00"),
        tiers=[(3, Decimal("1.80"))],
    )
    now = timezone.now()
    round = round_open(
        round=round_create(
            group=a,
            actor=coordinator,
            name="Weekly order",
            suppliers=[supplier],
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=2),
        ),
        actor=coordinator,
    )
    world.ids.update(
        supplier_id=supplier.pk,
        product_id=product.pk,
        round_id=round.pk,
        round_product_id=RoundProduct.objects.get(round=round, product=product).pk,
    )
    for role, user in people.items():
        world.tokens[role] = token_create(user=user, name=role, scope="read-write")[1]
    world.tokens["read_only"] = token_create(user=coordinator, name="ro", scope="read")[1]
    world.tokens["limited_to_b"] = token_create(
        user=coordinator, name="b only", scope="read-write", group=b
    )[1]
    return world
