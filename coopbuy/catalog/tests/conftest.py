"""Fixtures for the catalogue tests: a group with a coordinator, a member and a supplier."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from coopbuy.accounts.models import User
from coopbuy.catalog import services
from coopbuy.catalog.models import Product, Supplier
from coopbuy.groups.models import BuyingGroup
from coopbuy.testing.factories import add_member, coordinator_of, make_group


@dataclass
class Shop:
    group: BuyingGroup
    coordinator: User
    member: User
    supplier: Supplier

    def product(self, sku: str, **fields: object) -> Product:
        values: dict = {"name": f"Product {sku}", "case_size": 6, "unit_price": Decimal("2.50")}
        values.update(fields)
        return services.product_save(
            supplier=self.supplier, actor=self.coordinator, sku=sku, **values
        )


@pytest.fixture
def shop(db: None) -> Shop:
    group = make_group(name="Calder Valley Buyers", visibility="private")
    coordinator = coordinator_of(group)
    supplier = services.supplier_create(
        group=group, actor=coordinator, name="Suma", min_order_value=Decimal("250.00")
    )
    return Shop(group, coordinator, add_member(group).user, supplier)
