"""The demo's catalogues: realistic, deterministic, made through the services, seeded once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopbuy.audit.models import AuditEvent
from coopbuy.catalog.models import PriceTier, Product, Supplier
from coopbuy.demo.catalog_seed import _demo_suppliers, price_list, seed_catalogs
from coopbuy.demo.people import GROUPS
from coopbuy.demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def test_every_demo_group_gets_suppliers_with_a_few_hundred_products_in_all() -> None:
    seed_demo()
    for spec in GROUPS:  # the workplace and team-deal groups get their suppliers elsewhere
        assert Supplier.objects.filter(group__slug=spec.slug).count() >= 2
    assert 300 <= Product.objects.count() <= 600
    assert PriceTier.objects.exists()
    cleaning = Product.objects.filter(category="Eco cleaning")
    assert cleaning.exists() and not cleaning.exclude(vat_rate=Decimal("0.2")).exists()
    food = Product.objects.filter(category__in=["Cereals", "Pulses", "Grains"])
    assert not food.exclude(vat_rate=0).exists()
    assert set(Product.objects.values_list("case_size", flat=True)) <= set(range(1, 26))
    assert Product.objects.exclude(retail_unit_price=None).count() > 100
    assert AuditEvent.objects.filter(action="catalog.imported").count() == 6


def test_seeding_again_adds_nothing_and_the_lists_are_deterministic() -> None:
    seed_demo()
    before = (Supplier.objects.count(), Product.objects.count(), PriceTier.objects.count())
    assert seed_catalogs() == 0
    assert (Supplier.objects.count(), Product.objects.count(), PriceTier.objects.count()) == before
    spec = _demo_suppliers()[0]
    assert price_list(spec) == price_list(spec)
