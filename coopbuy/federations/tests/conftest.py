"""The federation world the page and API tests share: who is who around Pennine Food."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from coopbuy.accounts.models import User
from coopbuy.federations.models import Federation
from coopbuy.federations.services import federation_role_add
from coopbuy.federations.sharing import federation_supplier_share
from coopbuy.groups.models import BuyingGroup
from coopbuy.rounds.tests.factories import make_product, make_supplier
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.testing.federations import make_federation


@dataclass
class Fed:
    federation: Federation
    hebden: BuyingGroup
    leith: BuyingGroup
    people: dict[str, User]

    def client(self, role: str) -> Client:
        client = Client()
        if role != "visitor":
            client.force_login(self.people[role])
        return client


@pytest.fixture
def fed() -> Fed:
    fay = make_user("Fay Federation")
    hebden = make_group(fay, name="Hebden Bulk", place="Hebden Bridge", visibility="public")
    gina = make_user("Gina Group")
    leith = make_group(gina, name="Leith Larder", place="Leith", visibility="private",
                       join_policy="invitation")  # fmt: skip
    federation = make_federation(hebden, leith, coordinator=fay, name="Pennine Food")
    tess = make_user("Tess Treasurer")
    federation_role_add(federation=federation, actor=fay, email=tess.email, role="treasurer")
    suma = make_supplier(hebden, name="Suma")
    make_product(suma, name="Porridge oats", case_size=6, unit_price=Decimal("2.10"),
                 tiers=[(3, "1.95")])  # fmt: skip
    federation_supplier_share(federation=federation, supplier=suma, actor=fay)
    people = {"fay": fay, "gina": gina, "tess": tess, "lee": add_member(leith).user,
              "mo": add_member(hebden).user, "outsider": make_user("Olly Outsider")}  # fmt: skip
    return Fed(federation, hebden, leith, people)
