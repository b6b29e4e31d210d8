"""A group with a supplier and a campaign, for the campaigns' tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.campaigns.models import Campaign
from coopbuy.campaigns.services import TierInput, campaign_create
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger.treasury import ledger_top_up
from coopbuy.rounds.tests.factories import make_supplier
from coopbuy.testing.factories import add_member, make_group, make_user


@dataclass
class World:
    coordinator: User
    group: BuyingGroup
    supplier: Supplier

    def member(self, name: str, balance: str = "0.00") -> tuple[User, Membership]:
        user = make_user(name)
        membership = add_member(self.group, user)
        if Decimal(balance):
            ledger_top_up(
                membership=membership,
                amount=Decimal(balance),
                method="bank",
                actor=self.coordinator,
                idempotency_key=f"test-top-up-{membership.pk}",
            )
        return user, membership

    def campaign(self, **fields: Any) -> Campaign:
        fields.setdefault("title", "Organic oats, 25 kg")
        fields.setdefault("tiers", [TierInput(3, Decimal("45.00")), TierInput(5, Decimal("41.00"))])
        fields.setdefault("deadline", timezone.now() + timedelta(days=7))
        return campaign_create(
            group=self.group, actor=self.coordinator, supplier=self.supplier, **fields
        )


def make_world() -> World:
    coordinator = make_user("Cora")
    group = make_group(coordinator)
    return World(coordinator, group, make_supplier(group, name="Suma"))
