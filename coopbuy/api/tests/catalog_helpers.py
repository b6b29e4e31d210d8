"""Shared by the catalogue API tests: addresses, requests, sample files and a catalogue's rows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coopbuy.api.tests.conftest import World
from coopbuy.catalog.models import PriceTier, Product, Supplier

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

FOODSOFT = Path(__file__).parents[2] / "catalog" / "tests" / "data" / "foodsoft_articles.csv"
HEADER = ["sku", "name", "case_size", "unit_price", "vat_rate", "tiers"]
PRODUCT_COLUMNS = (
    "sku",
    "name",
    "category",
    "unit_description",
    "case_size",
    "unit_price",
    "vat_rate",
    "deposit",
    "retail_unit_price",
    "min_cases",
    "max_cases",
    "is_available",
)


def supplier_url(world: World, supplier_id: int | None = None) -> str:
    return f"/api/v1/groups/{world.a.slug}/suppliers/{supplier_id or world.ids['supplier_id']}"


def product_url(world: World) -> str:
    return f"{supplier_url(world)}/products/{world.ids['product_id']}"


def patch(client: Client, url: str, body: dict[str, Any]) -> Response:
    return client.patch(url, body, content_type="application/json")


def upload(
    client: Client, url: str, content: bytes, name: str = "prices.csv", **headers: Any
) -> Response:
    return client.post(f"{url}/imports", {"file": SimpleUploadedFile(name, content)}, **headers)


def catalogue(supplier: Supplier) -> list[tuple[Any, ...]]:
    """A supplier's products and volume prices, without ids, to compare two catalogues."""
    products = Product.objects.filter(supplier=supplier).order_by("sku")
    return [
        (
            *product,
            list(
                PriceTier.objects.filter(product__supplier=supplier, product__sku=product[0])
                .order_by("min_cases")
                .values_list("min_cases", "unit_price")
            ),
        )
        for product in products.values_list(*PRODUCT_COLUMNS)
    ]


# Suppliers ---------------------------------------------------------------------------------------
