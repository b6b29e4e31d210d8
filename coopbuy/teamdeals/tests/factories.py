"""A retailer with a veg box deal (solo £24, 2 -> £22, 4 -> £18, 48 hours), for tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from coopbuy.accounts.models import User
from coopbuy.groups.models import Membership
from coopbuy.ledger.selectors import balance_of, held_of
from coopbuy.organisations.models import Organisation
from coopbuy.organisations.services import organisation_create
from coopbuy.teamdeals.models import Deal, DealSetup
from coopbuy.teamdeals.services import DealInput, TeamTier, deal_create
from coopbuy.testing.factories import make_user

D = Decimal


def veg_box(**changes: object) -> DealInput:
    fields: dict[str, object] = {
        "title": "Organic veg box (large)",
        "solo_price": D("24.00"),
        "tiers": [TeamTier(2, D("22.00")), TeamTier(4, D("18.00"))],
        "window_hours": 48,
        "description": "Seasonal vegetables from the Pennines.",
    }
    fields.update(changes)
    return DealInput(**fields)  # type: ignore[arg-type]


@dataclass
class Shop:
    organisation: Organisation
    admin: User
    deal: Deal

    @property
    def setup(self) -> DealSetup:
        return DealSetup.objects.get(organisation=self.organisation)

    def membership(self, user: User) -> Membership:
        return Membership.objects.get(group=self.setup.group, user=user)

    def held(self, user: User) -> Decimal:
        return held_of(membership=self.membership(user))

    def balance(self, user: User) -> Decimal:
        return balance_of(membership=self.membership(user))


def make_shop(**changes: object) -> Shop:
    admin = make_user("Rita Admin")
    organisation = organisation_create(creator=admin, name="Pennine Organics", kind="retailer")
    deal = deal_create(organisation=organisation, actor=admin, data=veg_box(**changes))
    return Shop(organisation, admin, deal)
