"""A price-list row ending in a comma (an empty last cell, as spreadsheets write) reads as usual."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coopbuy.catalog import services
from coopbuy.catalog.models import CatalogImport, Product
from coopbuy.catalog.tests.conftest import Shop

pytestmark = pytest.mark.django_db
TRAILING = b"sku,name,case_size,unit_price\r\nOAT,Oats,6,2.15,\r\nRICE,Rice,10,1.40,,\r\n"


def test_a_trailing_comma_is_no_extra_column(shop: Shop) -> None:
    catalog_import = services.catalog_import_preview(
        supplier=shop.supplier, actor=shop.coordinator, filename="list.csv", content=TRAILING
    )
    assert catalog_import.errors == []
    assert [row["sku"] for row in catalog_import.changes["new"]] == ["OAT", "RICE"]


def test_a_real_extra_cell_is_still_reported_by_row(shop: Shop) -> None:
    content = b"sku,name,case_size,unit_price\r\nOAT,Oats,6,2.15,surprise\r\n"
    catalog_import = services.catalog_import_preview(
        supplier=shop.supplier, actor=shop.coordinator, filename="list.csv", content=content
    )
    assert catalog_import.errors[0]["row"] == 2
    assert "more cells than the header" in catalog_import.errors[0]["message"]


def test_the_upload_page_previews_it(shop: Shop) -> None:
    client = Client()
    client.force_login(shop.coordinator)
    url = reverse("catalog:import_upload", args=[shop.group.slug, shop.supplier.pk])
    page = client.post(url, {"file": SimpleUploadedFile("list.csv", TRAILING)}, follow=True)
    assert page.status_code == 200 and "<strong>2</strong> new" in page.text
    assert CatalogImport.objects.get().errors == []


def test_the_command_imports_it(shop: Shop, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(TRAILING)
    out = StringIO()
    call_command(
        "import_catalog", "--group", shop.group.slug, "--supplier", "Suma", str(path), stdout=out
    )
    assert "Imported: 2 new" in out.getvalue()
    assert set(Product.objects.values_list("sku", flat=True)) == {"OAT", "RICE"}
