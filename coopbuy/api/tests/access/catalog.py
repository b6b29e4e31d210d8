"""Suppliers, products and their price tiers."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from coopbuy.catalog import services
from coopbuy.catalog.models import PriceTier, Product, Supplier
from coopbuy.groups.models import BuyingGroup

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ACCESS = {
    "GET /groups/{slug}/suppliers": "member",
    "POST /groups/{slug}/suppliers": "coordinator",
    "GET /groups/{slug}/suppliers/{supplier_id}": "member",
    "PATCH /groups/{slug}/suppliers/{supplier_id}": "coordinator",
    "GET /groups/{slug}/suppliers/{supplier_id}/products": "member",
    "POST /groups/{slug}/suppliers/{supplier_id}/products": "coordinator",
    "GET /groups/{slug}/suppliers/{supplier_id}/products/{product_id}": "member",
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
    world.ids.update(supplier_id=supplier.pk, product_id=product.pk)


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(Supplier.objects.filter(group=group).order_by("pk").values_list()),
        list(Product.objects.filter(supplier__group=group).order_by("pk").values_list()),
        list(
            PriceTier.objects.filter(product__supplier__group=group)
            .order_by("pk")
            .values_list("product", "min_cases", "unit_price")
        ),
    )
