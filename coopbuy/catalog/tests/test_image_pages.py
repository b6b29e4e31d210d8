"""Pictures on the web: uploading and removing on the product's edit page, the thumbnail on the
catalogue and on the ordering page, the files served from /media/products/ under the CSP."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from coopbuy.audit.models import AuditEvent
from coopbuy.catalog.image_services import product_image_upload
from coopbuy.catalog.models import Product
from coopbuy.catalog.tests import pictures
from coopbuy.catalog.tests.conftest import Shop
from coopbuy.rounds.models import RoundProduct
from coopbuy.rounds.tests.factories import open_round

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def oats(shop: Shop) -> Product:
    return shop.product("OATS", name="Porridge oats")


def _image_url(shop: Shop, product: Product) -> str:
    return reverse("catalog:product_image", args=[shop.group.slug, shop.supplier.pk, product.pk])


def _edit_url(shop: Shop, product: Product) -> str:
    return reverse("catalog:product_edit", args=[shop.group.slug, shop.supplier.pk, product.pk])


def test_a_coordinator_uploads_a_picture_on_the_edit_page(shop: Shop, oats: Product) -> None:
    client = client_for(shop.coordinator)
    page = client.get(_edit_url(shop, oats)).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'for="id_image"' in page
    assert "No picture yet" in page
    response = client.post(
        _image_url(shop, oats), {"image": SimpleUploadedFile("oats.png", pictures.png())}
    )
    assert response.status_code == 302 and response["Location"] == _edit_url(shop, oats)
    oats.refresh_from_db()
    assert str(oats.image_small.name).endswith("-160.webp")
    page = client.get(_edit_url(shop, oats)).content.decode()
    assert f'src="{oats.image_large.url}" alt="Porridge oats"' in page
    assert "Remove the picture" in page
    event = AuditEvent.objects.get(action="product.image_set")
    assert event.data["product"] == oats.pk and event.data["format"] == "PNG"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("oats.jpg", b"GIF87a but not really", "not a JPEG, PNG, WebP or GIF"),
        ("oats.png", pictures.bomb(9_000), "at most 8000 a side"),
        ("oats.jpg", pictures.photo((600, 400))[:2000], "damaged or incomplete"),
        ("oats.jpg", b"", "empty"),
    ],
)
def test_a_refused_picture_is_explained_beside_the_field_and_nothing_is_saved(
    shop: Shop, oats: Product, name: str, content: bytes, reason: str
) -> None:
    response = client_for(shop.coordinator).post(
        _image_url(shop, oats), {"image": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_image_error" role="alert"' in page and reason in page
    assert 'value="Porridge oats"' in page  # the product's own form is shown unbound, as saved
    oats.refresh_from_db()
    assert not oats.image_small and not AuditEvent.objects.filter(action="product.image_set")


def test_no_file_at_all_asks_for_one(shop: Shop, oats: Product) -> None:
    response = client_for(shop.coordinator).post(_image_url(shop, oats), {})
    assert response.status_code == 422
    assert "Choose a picture to upload." in response.content.decode()


def test_removing_the_picture(shop: Shop, oats: Product) -> None:
    product_image_upload(product=oats, actor=shop.coordinator, content=pictures.png())
    response = client_for(shop.coordinator).post(_image_url(shop, oats), {"remove": "1"})
    assert response.status_code == 302
    oats.refresh_from_db()
    assert not oats.image_small and not oats.image_large and not oats.image_source_url
    assert AuditEvent.objects.filter(action="product.image_removed").count() == 1


def test_a_member_may_not_upload(shop: Shop, oats: Product) -> None:
    response = client_for(shop.member).post(
        _image_url(shop, oats), {"image": SimpleUploadedFile("oats.png", pictures.png())}
    )
    assert response.status_code in (403, 404)
    oats.refresh_from_db()
    assert not oats.image_small


def test_the_catalogue_shows_the_thumbnail(shop: Shop, oats: Product) -> None:
    shop.product("RICE", name="Rice")
    product_image_upload(product=oats, actor=shop.coordinator, content=pictures.png())
    oats.refresh_from_db()
    page = client_for(shop.member).get(
        reverse("catalog:supplier", args=[shop.group.slug, shop.supplier.pk])
    )
    text = page.content.decode()
    assert (
        f'<img class="catalog-thumb" src="{oats.image_small.url}" alt="Porridge oats" '
        'width="40" height="40" loading="lazy"'
    ) in text
    assert text.count("<img") == 1  # Rice has none


def test_the_ordering_page_shows_the_thumbnail_in_a_fixed_box(shop: Shop, oats: Product) -> None:
    shop.product("RICE", name="Rice")
    product_image_upload(product=oats, actor=shop.coordinator, content=pictures.png())
    oats.refresh_from_db()
    round = open_round(shop.group, shop.coordinator, [shop.supplier])
    client = client_for(shop.member)
    page = client.get(reverse("rounds:order", args=[shop.group.slug, round.pk])).content.decode()
    assert (
        f'<img class="product-thumb" src="{oats.image_small.url}" alt="Porridge oats" '
        'width="48" height="48" loading="lazy" decoding="async">'
    ) in page
    assert page.count('class="product-thumb"') == 1
    assert page.count("with-image") == 1  # the row without a picture keeps its shape
    # The row answered after a basket change (htmx) keeps the picture.
    row = RoundProduct.objects.get(round=round, product=oats)
    swapped = client.post(
        reverse("rounds:basket", args=[shop.group.slug, round.pk, row.pk]),
        {"quantity": "1", "tolerance": "0"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert f'src="{oats.image_small.url}"' in swapped


def test_the_ordering_page_costs_no_query_per_picture(
    shop: Shop, django_assert_max_num_queries: Any
) -> None:
    products = [shop.product(f"P{i}", name=f"Product {i}") for i in range(6)]
    for product in products:
        product_image_upload(product=product, actor=shop.coordinator, content=pictures.png())
    round = open_round(shop.group, shop.coordinator, [shop.supplier])
    client = client_for(shop.member)
    url = reverse("rounds:order", args=[shop.group.slug, round.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as captured:
        page = client.get(url).content.decode()
    assert page.count('class="product-thumb"') == 6
    assert not [q for q in captured.captured_queries if 'FROM "catalog_product"' in q["sql"]]


def test_the_media_view_serves_our_webp_for_good_and_nothing_else(
    shop: Shop, oats: Product, settings: Any
) -> None:
    product_image_upload(product=oats, actor=shop.coordinator, content=pictures.png())
    oats.refresh_from_db()
    client = Client()  # signed out: the random name is the address
    response = client.get(oats.image_small.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get("/media/products/../../coopbuy.sqlite3").status_code == 404
    assert client.get("/media/products/1/nothing-160.webp").status_code == 404
    (settings.MEDIA_ROOT / "products" / "x.html").write_text("<script>alert(1)</script>")
    assert client.get("/media/products/x.html").status_code == 404
    settings.COOPBUY_SERVE_MEDIA = False
    assert client.get(oats.image_small.url).status_code == 404


def test_images_may_come_from_this_site_only(shop: Shop) -> None:
    policy = Client().get("/").headers["Content-Security-Policy"]
    images = next(d for d in policy.split(";") if d.strip().startswith("img-src")).split()
    assert "'self'" in images
    assert not [source for source in images if source in ("*", "http:", "https:", "blob:")]
    others = [s for s in images[1:] if s not in ("'self'", "data:")]
    assert others == ["https://tile.openstreetmap.org"]  # the map's tiles, nothing else


def test_the_demo_draws_pictures_for_the_first_products_of_its_rounds_once(shop: Shop) -> None:
    from coopbuy.demo.pictures_seed import seed_pictures

    products = [shop.product(f"D{i}", name=f"Dried fruit {i}") for i in range(10)]
    open_round(shop.group, shop.coordinator, [shop.supplier])
    assert seed_pictures(shop.group.slug) == 8
    pictured = Product.objects.filter(pk__in=[p.pk for p in products]).exclude(image_small="")
    assert sorted(p.name for p in pictured) == sorted(p.name for p in products[:8])
    assert seed_pictures(shop.group.slug) == 0  # a second demo run adds none
