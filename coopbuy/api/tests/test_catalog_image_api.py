"""A product's picture through the API: PUT (multipart) and DELETE, as on the edit page."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image

from coopbuy.api.tests.catalog_helpers import product_url
from coopbuy.api.tests.conftest import World
from coopbuy.audit.models import AuditEvent
from coopbuy.catalog.models import Product
from coopbuy.catalog.tests import pictures


def _put(client: Client, url: str, name: str, content: bytes) -> object:
    body = encode_multipart(BOUNDARY, {"image": SimpleUploadedFile(name, content)})
    return client.put(url, body, content_type=MULTIPART_CONTENT)


def test_a_coordinator_puts_a_picture_and_gets_its_renditions(world: World) -> None:
    client = world.client("coordinator")
    before = Product.objects.get(pk=world.ids["product_id"]).image_small.name
    response = _put(client, f"{product_url(world)}/image", "p.jpg", pictures.photo((900, 600)))
    assert response.status_code == 200, response.content  # type: ignore[attr-defined]
    image = response.json()["image"]  # type: ignore[attr-defined]
    assert image["small"].startswith("/media/products/") and image["small"].endswith("-160.webp")
    assert image["source_url"] == ""
    product = Product.objects.get(pk=world.ids["product_id"])
    assert product.image_small.name != before
    with default_storage.open(str(product.image_large.name)) as large:
        assert Image.open(large).size == (480, 320)
    assert client.get(image["small"]).status_code == 200
    assert AuditEvent.objects.filter(action="product.image_set").count() == 2  # seed + this


def test_a_refused_picture_is_a_422_naming_image_and_changes_nothing(world: World) -> None:
    client = world.client("coordinator")
    before = Product.objects.get(pk=world.ids["product_id"]).image_small.name
    for name, content, reason in (
        ("photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a JPEG, PNG"),
        ("bomb.png", pictures.bomb(12_000), "at most 8000 a side"),
        ("half.jpg", pictures.photo((800, 600))[:3000], "damaged or incomplete"),
    ):
        response = _put(client, f"{product_url(world)}/image", name, content)
        assert response.status_code == 422, (name, response.content)  # type: ignore[attr-defined]
        problem = response.json()  # type: ignore[attr-defined]
        assert problem["errors"][0]["field"] == "image", problem
        assert reason in problem["errors"][0]["message"], problem
    assert Product.objects.get(pk=world.ids["product_id"]).image_small.name == before
    assert AuditEvent.objects.filter(action="product.image_set").count() == 1  # the seed's


def test_a_put_without_a_file_names_the_field(world: World) -> None:
    response = world.client("coordinator").put(
        f"{product_url(world)}/image",
        encode_multipart(BOUNDARY, {"other": "x"}),
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code == 422
    assert "image" in response.content.decode()


def test_deleting_the_picture_removes_its_files_and_is_audited(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    product = Product.objects.get(pk=world.ids["product_id"])
    files = (str(product.image_small.name), str(product.image_large.name))
    assert all(default_storage.exists(name) for name in files)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = world.client("coordinator").delete(f"{product_url(world)}/image")
    assert response.status_code == 200 and response.json()["image"] is None
    assert not any(default_storage.exists(name) for name in files)
    assert AuditEvent.objects.filter(action="product.image_removed").count() == 1
    again = world.client("coordinator").delete(f"{product_url(world)}/image")
    assert again.status_code == 200  # a product without a picture stays so
    assert AuditEvent.objects.filter(action="product.image_removed").count() == 1


def test_members_read_the_picture_with_the_product_but_may_not_change_it(world: World) -> None:
    member = world.client("member")
    shown = member.get(product_url(world)).json()
    assert shown["image"]["small"].endswith("-160.webp")
    refused = _put(member, f"{product_url(world)}/image", "p.png", pictures.png())
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert member.delete(f"{product_url(world)}/image").status_code == 403
