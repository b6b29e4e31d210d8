"""Suppliers, products and their price tiers, price-list imports and the CSV export."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from coopbuy.api.tests.access import Upload
from coopbuy.catalog import services
from coopbuy.catalog.image_services import product_image_upload
from coopbuy.catalog.models import CatalogImport, PriceTier, Product, Supplier
from coopbuy.catalog.tests import pictures
from coopbuy.groups.models import BuyingGroup

if TYPE_CHECKING:
    from coopbuy.api.tests.conftest import World

SUPPLIER = "/groups/{slug}/suppliers/{supplier_id}"
IMPORT = f"{SUPPLIER}/imports/{{import_id}}"
PRICE_LIST = b"sku,name,case_size,unit_price\r\nOATS,Oats,6,2.20\r\nRICE,Rice,10,1.40\r\n"

ACCESS = {
    "GET /groups/{slug}/suppliers": "member",
    "POST /groups/{slug}/suppliers": "coordinator",
    "GET /groups/{slug}/suppliers/{supplier_id}": "member",
    "PATCH /groups/{slug}/suppliers/{supplier_id}": "coordinator",
    "GET /groups/{slug}/suppliers/{supplier_id}/products": "member",
    "POST /groups/{slug}/suppliers/{supplier_id}/products": "coordinator",
    "GET /groups/{slug}/suppliers/{supplier_id}/products/{product_id}": "member",
    f"POST {SUPPLIER}/archive": "coordinator",
    f"POST {SUPPLIER}/unarchive": "coordinator",
    f"PATCH {SUPPLIER}/products/{{product_id}}": "coordinator",
    f"PUT {SUPPLIER}/products/{{product_id}}/image": "coordinator",
    f"DELETE {SUPPLIER}/products/{{product_id}}/image": "coordinator",
    f"GET {SUPPLIER}/imports": "coordinator",
    f"POST {SUPPLIER}/imports": "coordinator",
    f"GET {IMPORT}": "coordinator",
    f"POST {IMPORT}/apply": "coordinator",
    f"POST {IMPORT}/refresh": "coordinator",
    f"POST {IMPORT}/discard": "coordinator",
    f"GET {SUPPLIER}/export.csv": "member",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "POST /groups/{slug}/suppliers": {"name": "Mill B", "delivery_fee": "4.50"},
    "PATCH /groups/{slug}/suppliers/{supplier_id}": {"name": "Renamed", "notes": "x"},
    "POST /groups/{slug}/suppliers/{supplier_id}/products": {
        "sku": "OATS",
        "name": "Oats, rolled",
        "case_size": 12,
        "unit_price": "1.50",
        "tiers": [{"min_cases": 5, "unit_price": "1.20"}],
    },
    f"PATCH {SUPPLIER}/products/{{product_id}}": {"unit_price": "2.10", "is_available": False},
    f"POST {SUPPLIER}/imports": Upload(files={"file": ("prices.csv", PRICE_LIST)}),
    f"PUT {SUPPLIER}/products/{{product_id}}/image": Upload(
        files={"image": ("oats.png", pictures.png((30, 20)))}
    ),
}


def seed(world: World) -> None:
    coordinator = world.people["coordinator"]
    supplier = services.supplier_create(group=world.a, actor=coordinator, name="Farm A")
    product = services.product_save(
        supplier=supplier,
        actor=coordinator,
        sku="OATS",
        name="Oats",
        case_size=6,
        unit_price=Decimal("2.00"),
        tiers=[(3, Decimal("1.80"))],
    )
    # A picture, so that removing it would change something a refused caller must not change.
    product_image_upload(product=product, actor=coordinator, content=pictures.png((30, 20)))
    catalog_import = services.catalog_import_preview(
        supplier=supplier, actor=coordinator, filename="prices.csv", content=PRICE_LIST
    )
    world.ids.update(supplier_id=supplier.pk, product_id=product.pk, import_id=catalog_import.pk)


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(Supplier.objects.filter(group=group).order_by("pk").values_list()),
        list(Product.objects.filter(supplier__group=group).order_by("pk").values_list()),
        list(
            PriceTier.objects.filter(product__supplier__group=group)
            .order_by("pk")
            .values_list("product", "min_cases", "unit_price")
        ),
        list(
            CatalogImport.objects.filter(supplier__group=group)
            .order_by("pk")
            .values_list("pk", "status", "fingerprint", "changes", "errors", "applied_at")
        ),
    )
