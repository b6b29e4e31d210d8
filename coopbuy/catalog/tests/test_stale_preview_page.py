"""A stale import's preview page: shown as applying would see it now, stored on refresh only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.catalog import services
from coopbuy.catalog.models import CatalogImport
from coopbuy.catalog.tests.conftest import Shop
from coopbuy.catalog.tests.sheets import csv_bytes

pytestmark = pytest.mark.django_db


def test_a_stale_preview_page_changes_nothing_until_refreshed(shop: Shop) -> None:
    shop.product("OAT", name="Oats", unit_price=Decimal("2.00"))
    content = csv_bytes([["sku", "name", "case_size", "unit_price"], ["OAT", "Oats", 6, "2.20"]])
    stored = services.catalog_import_preview(
        supplier=shop.supplier, actor=shop.coordinator, filename="list.csv", content=content
    )
    client = Client()
    client.force_login(shop.coordinator)
    url = reverse("catalog:import_preview", args=[shop.group.slug, shop.supplier.pk, stored.pk])
    assert "The catalogue changed" not in client.get(url).text
    shop.product("OAT", name="Oats", unit_price=Decimal("2.20"))  # now the file changes nothing

    page = client.get(url)
    assert "The catalogue changed after this file was uploaded" in page.text
    assert "<strong>0</strong> changed" in page.text
    again = CatalogImport.objects.get(pk=stored.pk)
    assert (again.fingerprint, again.changes) == (stored.fingerprint, stored.changes)

    confirm = reverse("catalog:import_confirm", args=[shop.group.slug, shop.supplier.pk, stored.pk])
    client.post(confirm, {"refresh": "1"})
    assert CatalogImport.objects.get(pk=stored.pk).fingerprint != stored.fingerprint
    assert "The catalogue changed" not in client.get(url).text
