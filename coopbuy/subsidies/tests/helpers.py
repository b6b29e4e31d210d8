"""An employer programme around a buying group with one supplier, for the subsidies tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger.checks import check_books
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.organisations.services import organisation_create
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user


@dataclass
class Setup:
    admin: User
    coordinator: User
    organisation: Organisation
    programme: Programme
    group: BuyingGroup
    members: list[Membership]


def make_programme(members: int = 3) -> Setup:
    admin = make_user("Hana HR")
    organisation = organisation_create(creator=admin, name="Calder Mills", kind="employer")
    coordinator = make_user("Cora")
    group = make_group(coordinator, name="Calder Mills staff")
    programme = Programme.objects.create(organisation=organisation, group=group, name="Staff food")
    people = [add_member(group, make_user(f"Employee {i}")) for i in range(members)]
    return Setup(admin, coordinator, organisation, programme, group, people)


def closed_round(s: Setup, units: list[int], delivery_fee: str = "3.00") -> Round:
    """A round in which member i ordered units[i] oats at 2.00 (cases of 1), closed now."""
    supplier = make_supplier(s.group, delivery_fee=Decimal(delivery_fee))
    make_product(supplier, name="Oats", case_size=1, unit_price=Decimal("2.00"))
    round = open_round(s.group, s.coordinator, [supplier], policy="fcfs")
    oats = RoundProduct.objects.get(round=round)
    now = timezone.now()
    for i, (membership, n) in enumerate(zip(s.members, units, strict=False)):
        if n:
            basket_set(round=round, user=membership.user, product_id=oats.pk, quantity=n,
                       tolerance=0, now=now + timedelta(seconds=i))  # fmt: skip
    round_close(round=round, actor=s.coordinator)
    round.refresh_from_db()
    return round


def assert_books_clean() -> None:
    problems = [(r.label, p) for r in check_books() for p in r.problems]
    assert problems == []
