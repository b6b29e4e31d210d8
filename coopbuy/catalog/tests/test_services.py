"""Suppliers and products through the services: validation, permissions, audit, no deletion."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from coopbuy.audit.models import AuditEvent
from coopbuy.catalog import selectors, services
from coopbuy.catalog.models import PriceTier, Product
from coopbuy.catalog.tests.conftest import Shop
from coopbuy.groups.permissions import AccessDenied
from coopbuy.testing.factories import add_member, make_group

pytestmark = pytest.mark.django_db


def test_a_coordinator_adds_a_supplier_with_terms_and_it_is_audited(shop: Shop) -> None:
    supplier = services.supplier_create(
        group=shop.group,
        actor=shop.coordinator,
        name="  Infinity Foods ",
        order_email="orders@infinity.example",
        delivery_fee=Decimal("15.00"),
        free_delivery_over=Decimal("400.00"),
        lead_time_days=3,
    )
    assert supplier.name == "Infinity Foods"
    assert (supplier.delivery_fee, supplier.lead_time_days) == (Decimal("15.00"), 3)
    assert AuditEvent.objects.filter(group=shop.group, action="supplier.created").count() == 2


def test_supplier_names_are_unique_in_a_group_whatever_the_case(shop: Shop) -> None:
    with pytest.raises(services.CatalogError) as caught:
        services.supplier_create(group=shop.group, actor=shop.coordinator, name="SUMA")
    assert caught.value.field == "name"
    other = make_group()
    from coopbuy.testing.factories import coordinator_of

    services.supplier_create(group=other, actor=coordinator_of(other), name="Suma")


def test_negative_terms_and_unknown_fields_are_refused(shop: Shop) -> None:
    with pytest.raises(services.CatalogError) as caught:
        services.supplier_update(
            supplier=shop.supplier, actor=shop.coordinator, delivery_fee=Decimal("-1")
        )
    assert caught.value.field == "delivery_fee"
    with pytest.raises(services.CatalogError):
        services.supplier_update(supplier=shop.supplier, actor=shop.coordinator, group=None)
    shop.supplier.refresh_from_db()
    assert shop.supplier.delivery_fee == 0


def test_members_and_other_groups_coordinators_cannot_manage_suppliers(shop: Shop) -> None:
    other = make_group()
    from coopbuy.testing.factories import coordinator_of

    for actor in (
        shop.member,
        coordinator_of(other),
        add_member(shop.group, role="treasurer").user,
    ):
        with pytest.raises(AccessDenied):
            services.supplier_create(group=shop.group, actor=actor, name="Sneaky")
        with pytest.raises(AccessDenied):
            services.supplier_archive(supplier=shop.supplier, actor=actor)
        with pytest.raises(AccessDenied):
            services.product_save(
                supplier=shop.supplier, actor=actor, sku="X", name="X", case_size=1,
                unit_price=Decimal("1"),
            )  # fmt: skip
    assert shop.supplier.products.count() == 0


def test_archived_suppliers_are_hidden_from_the_list_but_kept(shop: Shop) -> None:
    shop.product("OAT1")
    services.supplier_archive(supplier=shop.supplier, actor=shop.coordinator)
    assert list(selectors.suppliers_for_group(group=shop.group)) == []
    kept = list(selectors.suppliers_for_group(group=shop.group, include_archived=True))
    assert kept == [shop.supplier] and Product.objects.filter(sku="OAT1").exists()
    services.supplier_restore(supplier=shop.supplier, actor=shop.coordinator)
    assert list(selectors.suppliers_for_group(group=shop.group)) == [shop.supplier]


def test_product_save_creates_then_updates_by_sku_with_tiers(shop: Shop) -> None:
    first = shop.product(
        "RICE5",
        name="Brown rice",
        vat_rate=Decimal("0"),
        tiers=[(10, Decimal("2.20")), (4, Decimal("2.40"))],
    )
    assert list(first.price_tiers.values_list("min_cases", "unit_price")) == [
        (4, Decimal("2.40")),
        (10, Decimal("2.20")),
    ]
    stamp = first.updated_at
    second = shop.product("RICE5", name="Brown rice, long grain", unit_price=Decimal("2.60"))
    assert second.pk == first.pk and second.updated_at > stamp
    assert second.name == "Brown rice, long grain" and second.price_tiers.count() == 0
    assert Product.objects.filter(supplier=shop.supplier).count() == 1


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        ([(1, Decimal("2.00"))], "2 cases"),
        ([(3, Decimal("-0.01"))], "negative"),
        ([(3, Decimal("2.00")), (3, Decimal("1.90"))], "Two volume prices"),
    ],
)
def test_bad_tiers_are_refused_and_change_nothing(
    shop: Shop, tiers: list[tuple[int, Decimal]], message: str
) -> None:
    shop.product("LENT", tiers=[(5, Decimal("2.00"))])
    with pytest.raises(services.CatalogError, match=message):
        shop.product("LENT", unit_price=Decimal("9.99"), tiers=tiers)
    product = Product.objects.get(sku="LENT")
    assert product.unit_price == Decimal("2.50")
    assert list(PriceTier.objects.values_list("min_cases", flat=True)) == [5]


def test_tier_prices_need_not_decrease(shop: Shop) -> None:
    product = shop.product("ODD", tiers=[(2, Decimal("2.40")), (5, Decimal("2.45"))])
    assert product.price_tiers.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"case_size": 0}, "case_size"),
        ({"unit_price": Decimal("-1")}, "unit_price"),
        ({"vat_rate": Decimal("1")}, "vat_rate"),
        ({"min_cases": 3, "max_cases": 2}, "max_cases"),
        ({"name": " "}, "name"),
    ],
)
def test_invalid_products_name_the_field(shop: Shop, fields: dict, field: str) -> None:
    with pytest.raises(services.CatalogError) as caught:
        shop.product("BAD", **fields)
    assert caught.value.field == field
    assert not Product.objects.filter(sku="BAD").exists()


def test_marking_unavailable_keeps_the_product(shop: Shop) -> None:
    product = shop.product("TOM400")
    services.product_set_available(product=product, actor=shop.coordinator, available=False)
    product.refresh_from_db()
    assert product.is_available is False
    found = selectors.products_for_supplier(supplier=shop.supplier, available_only=True)
    assert list(found) == []
    assert AuditEvent.objects.filter(action="product.availability").count() == 1


def test_products_search_by_name_or_sku_and_filter_by_category(shop: Shop) -> None:
    shop.product("OAT-1KG", name="Jumbo oats", category="Cereals")
    shop.product("RICE-2", name="Basmati rice", category="Grains")
    shop.product("OATMILK", name="Oat drink", category="Drinks")

    def names(**kw: Any) -> list[str]:
        found = selectors.products_for_supplier(supplier=shop.supplier, **kw)
        return sorted(p.name for p in found)

    assert names(query="oat") == ["Jumbo oats", "Oat drink"]
    assert names(query="rice-2") == ["Basmati rice"]
    assert names(category="Cereals") == ["Jumbo oats"]
    assert selectors.categories_for_supplier(supplier=shop.supplier) == [
        "Cereals",
        "Drinks",
        "Grains",
    ]
