"""A group with a treasurer, members and a supplier: the smallest world that moves money."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.testing.factories import add_member, coordinator_of, make_group

_keys = itertools.count(1)


def key() -> str:
    return f"test-key-{next(_keys)}"


@dataclass
class World:
    group: BuyingGroup
    coordinator: User
    treasurer: User
    alice: Membership
    bob: Membership
    supplier: Supplier


def make_world(name: str = "Hebden Bridge") -> World:
    group = make_group(name=name)
    return World(
        group=group,
        coordinator=coordinator_of(group),
        treasurer=add_member(group, role="treasurer").user,
        alice=add_member(group),
        bob=add_member(group),
        supplier=Supplier.objects.create(group=group, name=f"Suma for {name}"),
    )


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def other(db: None) -> World:
    return make_world("Totnes")


def a_round(group: BuyingGroup, name: str = "Round") -> int:
    """A round row for postings to name as their source (the ledger finds a round by its id)."""
    from datetime import timedelta

    from django.apps import apps
    from django.utils import timezone

    model = apps.get_model("rounds", "Round")
    known = model.objects.filter(group=group, name=name).first()
    if known is not None:
        return int(known.pk)
    now = timezone.now()
    round = model.objects.create(
        group=group, name=name, opens_at=now, closes_at=now + timedelta(days=1)
    )
    return int(round.pk)
