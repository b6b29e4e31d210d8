"""The catalogue pages for each role, other groups' ids, forms, htmx and query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopbuy.accounts.models import User
from coopbuy.catalog import services
from coopbuy.catalog.models import CatalogImport, PriceTier, Product, Supplier
from coopbuy.catalog.tests.conftest import Shop
from coopbuy.catalog.tests.sheets import csv_bytes
from coopbuy.testing.factories import add_member, coordinator_of, make_group, make_user

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def product(shop: Shop) -> Product:
    return shop.product("OAT-25", name="Porridge oats", tiers=[(4, Decimal("2.40"))])


@pytest.fixture
def pending(shop: Shop) -> CatalogImport:
    content = csv_bytes([["sku", "name", "case_size", "unit_price"], ["NEW1", "Dates", 10, "3.10"]])
    return services.catalog_import_preview(
        supplier=shop.supplier, actor=shop.coordinator, filename="dates.csv", content=content
    )


def member_urls(shop: Shop) -> list[str]:
    slug, sid = shop.group.slug, shop.supplier.pk
    return [
        reverse("catalog:suppliers", args=[slug]),
        reverse("catalog:supplier", args=[slug, sid]),
        reverse("catalog:export", args=[slug, sid]),
    ]


def coordinator_urls(shop: Shop, product: Product, pending: CatalogImport) -> list[str]:
    slug, sid = shop.group.slug, shop.supplier.pk
    return [
        reverse("catalog:supplier_create", args=[slug]),
        reverse("catalog:supplier_edit", args=[slug, sid]),
        reverse("catalog:product_create", args=[slug, sid]),
        reverse("catalog:product_edit", args=[slug, sid, product.pk]),
        reverse("catalog:import_upload", args=[slug, sid]),
        reverse("catalog:import_preview", args=[slug, sid, pending.pk]),
    ]


def post_urls(shop: Shop, product: Product, pending: CatalogImport) -> list[str]:
    slug, sid = shop.group.slug, shop.supplier.pk
    return [
        reverse("catalog:supplier_archive", args=[slug, sid]),
        reverse("catalog:product_availability", args=[slug, sid, product.pk]),
        reverse("catalog:import_confirm", args=[slug, sid, pending.pk]),
    ]


def test_members_browse_and_only_coordinators_manage(
    shop: Shop, product: Product, pending: CatalogImport
) -> None:
    treasurer = add_member(shop.group, role="treasurer").user
    for who in (shop.member, treasurer):
        client = client_for(who)
        for url in member_urls(shop):
            assert client.get(url).status_code == 200, url
        for url in coordinator_urls(shop, product, pending):
            assert client.get(url).status_code == 403, url
        for url in post_urls(shop, product, pending):
            assert client.post(url, {"available": "0"}).status_code == 403, url
    coordinator = client_for(shop.coordinator)
    for url in member_urls(shop) + coordinator_urls(shop, product, pending):
        assert coordinator.get(url).status_code == 200, url
    product.refresh_from_db()
    shop.supplier.refresh_from_db()
    assert product.is_available and shop.supplier.is_active
    assert not Product.objects.filter(sku="NEW1").exists()


def test_outsiders_get_404_for_a_private_group_and_403_for_a_public_one(
    shop: Shop, product: Product, pending: CatalogImport
) -> None:
    urls = member_urls(shop) + coordinator_urls(shop, product, pending)
    for who in (make_user("Outsider"),):
        client = client_for(who)
        for url in urls:
            assert client.get(url).status_code == 404, url
        for url in post_urls(shop, product, pending):
            assert client.post(url).status_code == 404, url
    shop.group.visibility = "public"
    shop.group.save()
    client = client_for(make_user("Passer-by"))
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client_for(None).get(urls[0]).status_code == 302  # log in first


def test_another_groups_coordinator_cannot_reach_these_objects_through_their_own_group(
    shop: Shop, product: Product, pending: CatalogImport
) -> None:
    other = make_group(name="Totnes")
    intruder = coordinator_of(other)
    services.supplier_create(group=other, actor=intruder, name="Essential")
    client = client_for(intruder)
    slug, sid = other.slug, shop.supplier.pk
    for url in [
        reverse("catalog:supplier", args=[slug, sid]),
        reverse("catalog:supplier_edit", args=[slug, sid]),
        reverse("catalog:export", args=[slug, sid]),
        reverse("catalog:product_edit", args=[slug, sid, product.pk]),
        reverse("catalog:import_preview", args=[slug, sid, pending.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("catalog:supplier_archive", args=[slug, sid]),
        reverse("catalog:product_availability", args=[slug, sid, product.pk]),
        reverse("catalog:import_confirm", args=[slug, sid, pending.pk]),
    ]:
        assert client.post(url, {"available": "0"}).status_code == 404, url
    # Their own supplier's id with our product's id is not found either.
    theirs = Supplier.objects.get(group=other)
    url = reverse("catalog:product_edit", args=[slug, theirs.pk, product.pk])
    assert client.get(url).status_code == 404
    product.refresh_from_db()
    assert product.is_available and Supplier.objects.get(pk=sid).is_active
    assert CatalogImport.objects.get(pk=pending.pk).status == "pending"


def test_the_supplier_list_shows_an_empty_state_with_a_hint(shop: Shop) -> None:
    Supplier.objects.all().delete()
    page = client_for(shop.coordinator).get(reverse("catalog:suppliers", args=[shop.group.slug]))
    assert b"No suppliers yet" in page.content and b"Add your first supplier" in page.content
    page = client_for(shop.member).get(reverse("catalog:suppliers", args=[shop.group.slug]))
    assert b"No suppliers yet" in page.content and b"Add your first supplier" not in page.content


def test_a_coordinator_creates_edits_and_archives_a_supplier(shop: Shop) -> None:
    client = client_for(shop.coordinator)
    form = {
        "name": "Infinity Foods",
        "order_email": "orders@infinity.example",
        "min_order_value": "300",
        "delivery_fee": "12.50",
        "free_delivery_over": "",
        "lead_time_days": "2",
    }
    response = client.post(reverse("catalog:supplier_create", args=[shop.group.slug]), form)
    supplier = Supplier.objects.get(name="Infinity Foods")
    assert response.status_code == 302 and supplier.delivery_fee == Decimal("12.50")
    response = client.post(
        reverse("catalog:supplier_create", args=[shop.group.slug]), {**form, "name": "suma"}
    )
    assert response.status_code == 200 and "already has a supplier" in response.text
    edit = reverse("catalog:supplier_edit", args=[shop.group.slug, supplier.pk])
    client.post(edit, {**form, "lead_time_days": "5"})
    supplier.refresh_from_db()
    assert supplier.lead_time_days == 5
    client.post(reverse("catalog:supplier_archive", args=[shop.group.slug, supplier.pk]))
    supplier.refresh_from_db()
    assert supplier.is_active is False
    listing = client.get(reverse("catalog:suppliers", args=[shop.group.slug]))
    assert b">Infinity Foods</a>" not in listing.content
    assert b"Show 1 archived supplier" in listing.content


def test_a_coordinator_adds_and_edits_a_product_with_tiers(shop: Shop) -> None:
    client = client_for(shop.coordinator)
    url = reverse("catalog:product_create", args=[shop.group.slug, shop.supplier.pk])
    form = {
        "sku": "PB-1",
        "name": "Peanut butter, smooth",
        "unit_description": "1 kg jar",
        "case_size": "6",
        "unit_price": "4.20",
        "vat_percent": "0",
        "deposit": "0",
        "min_cases": "0",
        "is_available": "on",
        "tiers-TOTAL_FORMS": "3",
        "tiers-INITIAL_FORMS": "0",
        "tiers-0-min_cases": "5",
        "tiers-0-unit_price": "3.95",
        "tiers-1-min_cases": "",
        "tiers-1-unit_price": "",
        "tiers-2-min_cases": "",
        "tiers-2-unit_price": "",
    }
    assert client.post(url, form).status_code == 302
    product = Product.objects.get(sku="PB-1")
    assert list(product.price_tiers.values_list("min_cases", "unit_price")) == [
        (5, Decimal("3.95"))
    ]
    again = client.post(url, form)
    assert again.status_code == 200 and "exists" in again.text
    edit = reverse("catalog:product_edit", args=[shop.group.slug, shop.supplier.pk, product.pk])
    assert client.get(edit).status_code == 200
    duplicate_tier = {**form, "tiers-1-min_cases": "5", "tiers-1-unit_price": "3.90"}
    assert "Two volume prices" in client.post(edit, duplicate_tier).text
    one_case_tier = {**form, "tiers-0-min_cases": "1"}
    assert client.post(edit, one_case_tier).status_code == 200
    changed = {**form, "sku": "IGNORED", "vat_percent": "20", "tiers-0-min_cases": ""}
    changed["tiers-0-unit_price"] = ""
    assert client.post(edit, changed).status_code == 302
    product.refresh_from_db()
    assert product.sku == "PB-1" and product.vat_rate == Decimal("0.2000")
    assert product.price_tiers.count() == 0


def test_marking_a_product_unavailable_with_htmx_returns_its_row(
    shop: Shop, product: Product
) -> None:
    url = reverse(
        "catalog:product_availability", args=[shop.group.slug, shop.supplier.pk, product.pk]
    )
    response = client_for(shop.coordinator).post(url, {"available": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="product-{product.pk}"' in response.text
    assert "Mark available" in response.text
    product.refresh_from_db()
    assert product.is_available is False


def test_the_supplier_page_searches_filters_and_paginates(shop: Shop) -> None:
    for n in range(60):
        shop.product(f"SKU{n:03}", name=f"Oats {n:03}" if n % 2 else f"Rice {n:03}",
                     category="Cereals" if n % 2 else "Grains")  # fmt: skip
    client = client_for(shop.member)
    url = reverse("catalog:supplier", args=[shop.group.slug, shop.supplier.pk])
    first = client.get(url)
    assert "60 products" in first.text and "Page 1 of 2" in first.text
    assert client.get(url, {"q": "oats"}).text.count("<tr id=") == 30
    assert client.get(url, {"q": "sku007"}).text.count("<tr id=") == 1
    assert client.get(url, {"category": "Grains"}).text.count("<tr id=") == 30
    assert "No product matches" in client.get(url, {"q": "caviar"}).text
    partial = client.get(url, {"q": "rice"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text and partial.text.count("<tr id=") == 30


def _fill(shop: Shop, count: int) -> None:
    Product.objects.bulk_create(
        Product(
            supplier=shop.supplier,
            sku=f"P{n}",
            name=f"Product {n}",
            case_size=6,
            unit_price=Decimal("1.00"),
        )
        for n in range(count)
    )
    PriceTier.objects.bulk_create(
        PriceTier(product=p, min_cases=m, unit_price=Decimal("0.90"))
        for p in Product.objects.filter(supplier=shop.supplier)
        for m in (2, 5)
    )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_supplier_page_makes_as_many_queries_for_200_products_as_for_10(shop: Shop) -> None:
    client = client_for(shop.coordinator)
    url = reverse("catalog:supplier", args=[shop.group.slug, shop.supplier.pk])
    _fill(shop, 10)
    few = _queries(client, url)
    Product.objects.all().delete()
    _fill(shop, 200)
    many = _queries(client, url)
    assert many == few
    assert few <= 14


def test_upload_preview_and_confirm_through_the_pages(shop: Shop, product: Product) -> None:
    client = client_for(shop.coordinator)
    upload = reverse("catalog:import_upload", args=[shop.group.slug, shop.supplier.pk])
    content = csv_bytes(
        [
            ["sku", "name", "case_size", "unit_price", "tiers"],
            ["OAT-25", "Porridge oats", 6, "2.65", "4:2.40"],
            ["DATE", "Medjool dates", 10, "3.10", ""],
        ]
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(upload, {"file": SimpleUploadedFile("suma.csv", content)})
    catalog_import = CatalogImport.objects.get()
    preview = reverse(
        "catalog:import_preview", args=[shop.group.slug, shop.supplier.pk, catalog_import.pk]
    )
    assert response.status_code == 302 and response["Location"] == preview
    page = client.get(preview)
    assert "unit price: <del>2.50</del> → <ins>2.65</ins>" in page.text
    assert "Medjool dates" in client.get(preview, {"section": "new"}).text
    assert Product.objects.get(sku="OAT-25").unit_price == Decimal("2.50")
    confirm = reverse(
        "catalog:import_confirm", args=[shop.group.slug, shop.supplier.pk, catalog_import.pk]
    )
    assert client.post(confirm).status_code == 302
    assert Product.objects.get(sku="OAT-25").unit_price == Decimal("2.65")
    assert Product.objects.filter(sku="DATE").exists()


def test_a_stale_preview_is_shown_again_instead_of_applied(shop: Shop, product: Product) -> None:
    client = client_for(shop.coordinator)
    content = csv_bytes([["sku", "name", "case_size", "unit_price"], ["OAT-25", "Oats", 6, "3.00"]])
    catalog_import = services.catalog_import_preview(
        supplier=shop.supplier, actor=shop.coordinator, filename="a.csv", content=content
    )
    shop.product("OAT-25", name="Porridge oats", unit_price=Decimal("2.75"))
    confirm = reverse(
        "catalog:import_confirm", args=[shop.group.slug, shop.supplier.pk, catalog_import.pk]
    )
    response = client.post(confirm, follow=True)
    assert "The catalogue changed" in response.text
    assert "<del>2.75</del> → <ins>3.00</ins>" in response.text
    assert Product.objects.get(sku="OAT-25").unit_price == Decimal("2.75")


def test_a_file_with_errors_shows_them_all_and_offers_no_apply_button(shop: Shop) -> None:
    client = client_for(shop.coordinator)
    content = csv_bytes(
        [["sku", "name", "case_size", "unit_price"], ["A", "B", "x", "1"], ["C", "D", "1", "-2"]]
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = reverse("catalog:import_upload", args=[shop.group.slug, shop.supplier.pk])
    page = client.post(upload, {"file": SimpleUploadedFile("bad.csv", content)}, follow=True)
    assert "The file has 2 problems" in page.text
    assert "Apply these changes" not in page.text
    assert "must not be negative" in page.text
    unreadable = client.post(upload, {"file": SimpleUploadedFile("x.csv", b"\x00\x01")})
    assert unreadable.status_code == 200 and "NUL bytes" in unreadable.text


def test_an_oversized_upload_is_refused_before_it_is_read(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coopbuy.catalog import import_views

    monkeypatch.setattr(import_views, "MAX_BYTES", 2 * 1024 * 1024)
    upload = reverse("catalog:import_upload", args=[shop.group.slug, shop.supplier.pk])
    big = SimpleUploadedFile("huge.csv", b"x" * (3 * 1024 * 1024))
    response = client_for(shop.coordinator).post(upload, {"file": big})
    assert response.status_code == 200 and "larger than 2 MB" in response.text
    assert CatalogImport.objects.count() == 0


def test_catalogue_amounts_are_written_as_money(shop: Shop, product: Product) -> None:
    """The catalogue uses the one money format of every page: £2.40, never a bare 2.40."""
    page = client_for(shop.member).get(
        reverse("catalog:supplier", args=[shop.group.slug, shop.supplier.pk])
    )
    html = page.content.decode()
    assert f"£{product.unit_price}" in html  # the unit price
    assert "4+ cases: £2.40" in html  # a price tier
