"""A price list's image_url column: fetched by the worker after applying, against a real loopback
HTTP server (allow-listed); failures are recorded per product and never fail the import."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from PIL import Image

from coopbuy.audit.models import AuditEvent
from coopbuy.catalog import services
from coopbuy.catalog.models import CatalogImport, Product, ProductImageFetch
from coopbuy.catalog.tests import pictures
from coopbuy.catalog.tests.conftest import Shop
from coopbuy.catalog.tests.image_server import ImageServer, image_server
from coopbuy.catalog.tests.sheets import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db
HEADER: list[object] = ["sku", "name", "case_size", "unit_price", "image_url"]
Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def server(settings: Any) -> Iterator[ImageServer]:
    settings.COOPBUY_IMAGE_FETCH_ALLOW = ["127.0.0.1/32"]
    settings.COOPBUY_IMAGE_FETCH_TIMEOUT = 5
    with image_server() as running:
        running.routes["/oats.jpg"] = (200, {"Content-Type": "image/jpeg"}, pictures.photo())
        running.routes["/rice.png"] = (200, {"Content-Type": "image/png"}, pictures.png())
        running.routes["/page.html"] = (200, {"Content-Type": "image/jpeg"}, b"<html></html>")
        running.routes["/private"] = (302, {"Location": "http://10.0.0.1/x.png"}, b"")
        yield running


def _apply(shop: Shop, content: bytes, capture: Capture, name: str = "list.csv") -> CatalogImport:
    preview = services.catalog_import_preview(
        supplier=shop.supplier, actor=shop.coordinator, filename=name, content=content
    )
    assert preview.status == CatalogImport.Status.PENDING, preview.errors
    with capture(execute=True):
        services.catalog_import_apply(catalog_import=preview, actor=shop.coordinator)
    return preview


def _rows(server: ImageServer) -> list[list[object]]:
    return [
        HEADER,
        ["OATS", "Oats", 6, "2.00", server.url("/oats.jpg")],
        ["RICE", "Rice", 6, "1.50", server.url("/rice.png")],
        ["FAKE", "Not a picture", 6, "1.00", server.url("/page.html")],
        ["GONE", "Missing picture", 6, "1.00", server.url("/missing.png")],
        ["SNEAK", "Redirected inside", 6, "1.00", server.url("/private")],
        ["PLAIN", "No picture", 6, "1.00", ""],
    ]


def test_applying_fetches_each_picture_and_records_each_failure(
    shop: Shop, server: ImageServer, django_capture_on_commit_callbacks: Capture
) -> None:
    applied = _apply(shop, csv_bytes(_rows(server)), django_capture_on_commit_callbacks)
    products = {p.sku: p for p in Product.objects.filter(supplier=shop.supplier)}
    assert len(products) == 6  # every row imported, whatever became of its picture
    oats = products["OATS"]
    assert oats.image_source_url == server.url("/oats.jpg")
    with default_storage.open(str(oats.image_small.name)) as small:
        assert Image.open(small).format == "WEBP"
    assert products["RICE"].image_small
    for sku in ("FAKE", "GONE", "SNEAK", "PLAIN"):
        assert not products[sku].image_small, sku
    outcome = {
        f.product.sku: (f.status, f.error)
        for f in ProductImageFetch.objects.filter(catalog_import=applied).select_related("product")
    }
    assert set(outcome) == {"OATS", "RICE", "FAKE", "GONE", "SNEAK"}
    assert outcome["OATS"] == ("done", "") and outcome["RICE"] == ("done", "")
    assert outcome["FAKE"][0] == "failed" and "not a JPEG" in outcome["FAKE"][1]
    assert outcome["GONE"][0] == "failed" and "answered 404" in outcome["GONE"][1]
    assert outcome["SNEAK"][0] == "failed" and "10.0.0.1 is a private" in outcome["SNEAK"][1]
    assert server.hits["/private"] == 1
    applied.refresh_from_db()
    assert applied.status == CatalogImport.Status.APPLIED
    assert AuditEvent.objects.filter(action="product.image_imported").count() == 2


def test_the_import_page_shows_how_each_picture_went(
    shop: Shop, server: ImageServer, django_capture_on_commit_callbacks: Capture
) -> None:
    applied = _apply(shop, csv_bytes(_rows(server)), django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(shop.coordinator)
    page = client.get(
        reverse("catalog:import_preview", args=[shop.group.slug, shop.supplier.pk, applied.pk])
    ).content.decode()
    assert "Pictures from the file" in page
    assert "2 fetched, 3 failed, 0 waiting." in page
    assert "The server answered 404 instead of the image." in page
    assert page.index("Missing picture") < page.index('<th scope="row">Oats')  # failures first


def test_the_preview_says_how_many_pictures_will_be_fetched(shop: Shop) -> None:
    rows: list[list[object]] = [
        HEADER,
        ["OATS", "Oats", 6, "2.00", "https://example.org/oats.jpg"],
        ["RICE", "Rice", 6, "1.50", ""],
    ]
    preview = services.catalog_import_preview(
        supplier=shop.supplier, actor=shop.coordinator, filename="l.csv", content=csv_bytes(rows)
    )
    client = Client()
    client.force_login(shop.coordinator)
    page = client.get(
        reverse("catalog:import_preview", args=[shop.group.slug, shop.supplier.pk, preview.pk])
    ).content.decode()
    assert "The file names 1 picture: it is fetched after you confirm" in page


def test_a_picture_already_fetched_from_the_same_address_is_not_fetched_again(
    shop: Shop, server: ImageServer, django_capture_on_commit_callbacks: Capture
) -> None:
    rows: list[list[object]] = [HEADER, ["OATS", "Oats", 6, "2.00", server.url("/oats.jpg")]]
    _apply(shop, csv_bytes(rows), django_capture_on_commit_callbacks)
    first = Product.objects.get(sku="OATS").image_small.name
    rows[1][3] = "2.20"
    again = _apply(shop, csv_bytes(rows), django_capture_on_commit_callbacks)
    assert server.hits["/oats.jpg"] == 1
    assert not ProductImageFetch.objects.filter(catalog_import=again).exists()
    rows[1][4] = server.url("/rice.png")  # a new address replaces the picture
    _apply(shop, csv_bytes(rows), django_capture_on_commit_callbacks)
    replaced = Product.objects.get(sku="OATS")
    assert replaced.image_small.name != first
    assert not default_storage.exists(str(first))  # the old files are deleted once it commits


def test_the_image_column_may_be_called_image_and_come_in_xlsx(
    shop: Shop, server: ImageServer, django_capture_on_commit_callbacks: Capture
) -> None:
    rows: list[list[object]] = [
        ["sku", "name", "case_size", "unit_price", "Image"],
        ["OATS", "Oats", 6, "2.00", server.url("/oats.jpg")],
    ]
    _apply(shop, xlsx_bytes(rows), django_capture_on_commit_callbacks, "list.xlsx")
    assert Product.objects.get(sku="OATS").image_small


def test_an_address_that_cannot_be_fetched_is_a_row_error_in_the_preview(shop: Shop) -> None:
    content = csv_bytes(
        [
            HEADER,
            ["OATS", "Oats", 6, "2.00", "file:///etc/passwd"],
            ["RICE", "Rice", 6, "1.50", "http://user:pw@example.org/r.png"],
        ]
    )
    preview = services.catalog_import_preview(
        supplier=shop.supplier, actor=shop.coordinator, filename="l.csv", content=content
    )
    assert preview.status == CatalogImport.Status.INVALID
    assert [(e["row"], e["column"]) for e in preview.errors] == [(2, "image_url"), (3, "image_url")]
    assert "Only http:// and https://" in preview.errors[0]["message"]


def test_the_export_gives_the_address_a_picture_came_from(
    shop: Shop, server: ImageServer, django_capture_on_commit_callbacks: Capture
) -> None:
    rows = [HEADER, ["OATS", "Oats", 6, "2.00", server.url("/oats.jpg")]]
    _apply(shop, csv_bytes(rows), django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(shop.member)
    exported = client.get(reverse("catalog:export", args=[shop.group.slug, shop.supplier.pk]))
    assert server.url("/oats.jpg") in exported.content.decode("utf-8-sig")


def test_the_api_gives_each_picture_s_outcome_with_the_import(
    shop: Shop, server: ImageServer, django_capture_on_commit_callbacks: Capture
) -> None:
    applied = _apply(shop, csv_bytes(_rows(server)), django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(shop.coordinator)
    url = f"/api/v1/groups/{shop.group.slug}/suppliers/{shop.supplier.pk}/imports/{applied.pk}"
    response = client.get(url)
    assert response.status_code == 200, response.content
    pictures_ = response.json()["pictures"]
    assert (pictures_["pending"], pictures_["done"], pictures_["failed"]) == (0, 2, 3)
    assert pictures_["items"][0]["status"] == "failed" and pictures_["items"][0]["error"]
    assert {item["sku"] for item in pictures_["items"]} == {"OATS", "RICE", "FAKE", "GONE", "SNEAK"}


def test_the_sweep_fetches_what_a_stopped_worker_left_pending(
    shop: Shop, server: ImageServer
) -> None:
    from io import StringIO

    from django.core.management import call_command

    rows: list[list[object]] = [HEADER, ["OATS", "Oats", 6, "2.00", server.url("/oats.jpg")]]
    preview = services.catalog_import_preview(
        supplier=shop.supplier, actor=shop.coordinator, filename="l.csv", content=csv_bytes(rows)
    )
    services.catalog_import_apply(catalog_import=preview, actor=shop.coordinator)  # no commit
    fetch = ProductImageFetch.objects.get(catalog_import=preview)
    assert fetch.status == "pending" and server.hits["/oats.jpg"] == 0
    out = StringIO()
    call_command("fetch_pending_images", stdout=out)
    assert out.getvalue().strip() == "1 pictures fetched, 0 failed."
    fetch.refresh_from_db()
    assert fetch.status == "done" and Product.objects.get(sku="OATS").image_small
    call_command("fetch_pending_images", stdout=out)  # nothing left: nothing fetched again
    assert server.hits["/oats.jpg"] == 1
