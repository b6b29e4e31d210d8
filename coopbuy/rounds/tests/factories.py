"""Suppliers, products and rounds for the rounds tests (straight through the ORM and services)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.catalog.models import PriceTier, Product, Supplier
from coopbuy.groups.models import BuyingGroup
from coopbuy.rounds.models import Round
from coopbuy.rounds.services import round_create, round_open


def make_supplier(group: BuyingGroup, **fields: Any) -> Supplier:
    fields.setdefault("name", f"Supplier {Supplier.objects.count() + 1}")
    fields.setdefault("order_email", "orders@supplier.example")
    return Supplier.objects.create(group=group, **fields)


def make_product(supplier: Supplier, **fields: Any) -> Product:
    tiers = fields.pop("tiers", ())
    n = Product.objects.count() + 1
    fields.setdefault("sku", f"SKU{n}")
    fields.setdefault("name", f"Product {n}")
    fields.setdefault("case_size", 6)
    fields.setdefault("unit_price", Decimal("3.10"))
    product = Product.objects.create(supplier=supplier, **fields)
    for min_cases, price in tiers:
        PriceTier.objects.create(product=product, min_cases=min_cases, unit_price=Decimal(price))
    return product


def open_round(
    group: BuyingGroup, coordinator: User, suppliers: list[Supplier], **fields: Any
) -> Round:
    now = timezone.now()
    fields.setdefault("name", "Weekly order")
    fields.setdefault("opens_at", now - timedelta(hours=1))
    fields.setdefault("closes_at", now + timedelta(days=2))
    round = round_create(group=group, actor=coordinator, suppliers=suppliers, **fields)
    return round_open(round=round, actor=coordinator)
