"""Managing catalogues through the API as on the web: archiving suppliers and changing products.
Price-list imports and the CSV export: test_catalog_import_api.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from coopbuy.api.tests.catalog_helpers import (
    catalogue,
    patch,
    product_url,
    supplier_url,
)
from coopbuy.api.tests.conftest import World
from coopbuy.audit.models import AuditEvent
from coopbuy.catalog import services
from coopbuy.catalog.models import Product, Supplier


def test_a_coordinator_archives_and_unarchives_a_supplier_as_the_web_does(world: World) -> None:
    client = world.client("coordinator")
    archived = client.post(f"{supplier_url(world)}/archive")
    assert archived.status_code == 200, archived.content
    assert archived.json()["is_active"] is False
    supplier = Supplier.objects.get(pk=world.ids["supplier_id"])
    assert supplier.is_active is False
    listed = client.get(f"/api/v1/groups/{world.a.slug}/suppliers").json()
    assert listed["count"] == 0
    listed = client.get(f"/api/v1/groups/{world.a.slug}/suppliers?archived=true").json()
    assert [s["id"] for s in listed["items"]] == [supplier.pk]
    assert client.post(f"{supplier_url(world)}/archive").status_code == 200  # stays archived
    assert AuditEvent.objects.filter(action="supplier.archived").count() == 1

    restored = client.post(f"{supplier_url(world)}/unarchive")
    assert restored.status_code == 200 and restored.json()["is_active"] is True
    supplier.refresh_from_db()
    assert supplier.is_active is True
    assert AuditEvent.objects.filter(action="supplier.restored").count() == 1


def test_a_member_may_not_archive_a_supplier(world: World) -> None:
    response = world.client("member").post(f"{supplier_url(world)}/archive")
    assert response.status_code == 403
    assert Supplier.objects.get(pk=world.ids["supplier_id"]).is_active is True


# Products ----------------------------------------------------------------------------------------


def test_patching_a_product_changes_only_the_fields_sent(world: World) -> None:
    before = Product.objects.get(pk=world.ids["product_id"])
    response = patch(
        world.client("coordinator"),
        product_url(world),
        {
            "unit_price": "2.10",
            "vat_rate": "0.2000",
            "category": "Grains",
            "retail_unit_price": "3.00",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["unit_price"], body["vat_rate"], body["category"]) == ("2.10", "0.2000", "Grains")
    assert body["tiers"] == [{"min_cases": 3, "unit_price": "1.80"}]  # not sent: kept
    product = Product.objects.get(pk=before.pk)
    assert (product.unit_price, product.vat_rate, product.retail_unit_price) == (
        Decimal("2.10"),
        Decimal("0.2000"),
        Decimal("3.00"),
    )
    assert (product.name, product.case_size, product.sku) == (
        before.name,
        before.case_size,
        before.sku,
    )
    assert AuditEvent.objects.filter(action="product.updated").exists()

    response = patch(
        world.client("coordinator"),
        product_url(world),
        {
            "retail_unit_price": None,
            "name": None,
            "tiers": [{"min_cases": 4, "unit_price": "1.90"}],
        },
    )
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.retail_unit_price is None  # null removes it
    assert product.name == before.name  # null leaves a field that cannot be empty as it is
    assert list(product.price_tiers.values_list("min_cases", "unit_price")) == [
        (4, Decimal("1.90"))
    ]
    assert patch(world.client("coordinator"), product_url(world), {"tiers": []}).status_code == 200
    assert not product.price_tiers.exists()


def test_availability_alone_goes_through_the_toggles_service(world: World) -> None:
    response = patch(world.client("coordinator"), product_url(world), {"is_available": False})
    assert response.status_code == 200 and response.json()["is_available"] is False
    assert Product.objects.get(pk=world.ids["product_id"]).is_available is False
    event = AuditEvent.objects.get(action="product.availability")
    assert event.data == {"product": world.ids["product_id"], "available": False}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"vat_rate": "1.5"}, "vat_rate"),
        ({"unit_price": "-1.00"}, "unit_price"),
        ({"unit_price": 2.1}, "unit_price"),
        ({"case_size": 0}, "case_size"),
        ({"name": ""}, "name"),
        ({"is_available": "no"}, "is_available"),
        ({"tiers": [{"min_cases": 1, "unit_price": "1.00"}]}, "tiers.0.min_cases"),
        (
            {"tiers": [{"min_cases": 2, "unit_price": "1"}, {"min_cases": 2, "unit_price": "1"}]},
            "tiers",
        ),
        ({"min_cases": 5, "max_cases": 2}, "max_cases"),
    ],
)
def test_an_invalid_product_change_is_422_naming_the_field_and_changes_nothing(
    world: World, body: dict[str, Any], field: str
) -> None:
    before = catalogue(Supplier.objects.get(pk=world.ids["supplier_id"]))
    response = patch(world.client("coordinator"), product_url(world), body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field
    assert catalogue(Supplier.objects.get(pk=world.ids["supplier_id"])) == before


def test_a_product_of_another_groups_supplier_is_not_found(world: World) -> None:
    b_coordinator = world.people["coordinator_b"]
    b_supplier = services.supplier_create(group=world.b, actor=b_coordinator, name="Farm B")
    b_product = services.product_save(
        supplier=b_supplier, actor=b_coordinator, sku="B1", name="B", case_size=1,
        unit_price=Decimal("1.00"),
    )  # fmt: skip
    client = world.client("coordinator")  # coordinates A, and is a plain member of B
    for url in (
        f"{supplier_url(world)}/products/{b_product.pk}",
        f"{supplier_url(world, b_supplier.pk)}/products/{b_product.pk}",
    ):
        assert patch(client, url, {"unit_price": "9.00"}).status_code == 404
    url = f"/api/v1/groups/{world.b.slug}/suppliers/{b_supplier.pk}/products/{b_product.pk}"
    assert patch(client, url, {"unit_price": "9.00"}).status_code == 403  # a member of B
    assert Product.objects.get(pk=b_product.pk).unit_price == Decimal("1.00")


def test_product_update_merges_with_the_product_as_it_is_now(world: World) -> None:
    coordinator = world.people["coordinator"]
    product = Product.objects.get(pk=world.ids["product_id"])
    stale = Product.objects.get(pk=product.pk)
    services.product_update(product=product, actor=coordinator, name="Oats, jumbo")
    services.product_update(product=stale, actor=coordinator, unit_price=Decimal("2.30"))
    product.refresh_from_db()
    assert (product.name, product.unit_price) == ("Oats, jumbo", Decimal("2.30"))
    with pytest.raises(services.CatalogError) as caught:
        services.product_update(product=product, actor=coordinator, sku="OTHER")
    assert caught.value.field == "sku"


# Imports -----------------------------------------------------------------------------------------
