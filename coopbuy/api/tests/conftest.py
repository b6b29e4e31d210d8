"""A small world for API tests: a private group A with every role, a public group B next door."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from coopbuy.accounts.models import User
from coopbuy.api.tests.access import areas
from coopbuy.groups import invitations, join_requests
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership
from coopbuy.testing.factories import add_member, coordinator_of, make_group, make_user
from coopbuy.tokens.services import token_create


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
    scopes: dict[str, str] = field(default_factory=dict)  # other scopes' addresses (org_slug)

    def client(self, role: str) -> Client:
        """A client for a role; roles with a token send it, 'anonymous' sends nothing."""
        if role == "anonymous":
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.tokens[role]}")


def bearer(secret: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@contextmanager
def one_world_for_the_module(django_db_blocker: Any) -> Iterator[World]:
    """For a module of many cases (the matrices): one world, built once in a transaction that is
    never committed. Each case runs in its own savepoint inside it (pytest-django's `django_db`)
    that is rolled back after the case, so every case still starts from the same world. Use as a
    module-scoped `world` fixture that depends on `django_db_setup`."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def build_world() -> World:
    """Groups A and B with every role, and each area's objects (`access/<area>.py` `seed`)."""
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
    invitation_a = invitations.invitation_create(group=a, actor=coordinator)
    request_a = join_requests.join_request_create(group=a, user=make_user("Asker"))
    world = World(a, b, people, member_a, invitation_a, request_a)
    for area in areas():
        area.seed(world)
    for role, user in people.items():
        world.tokens[role] = token_create(user=user, name=role, scope="read-write")[1]
    world.tokens["read_only"] = token_create(user=coordinator, name="ro", scope="read")[1]
    world.tokens["limited_to_b"] = token_create(
        user=coordinator, name="b only", scope="read-write", group=b
    )[1]
    return world
