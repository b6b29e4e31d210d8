"""The pictures an applied price list names by URL: queued in the import's transaction, fetched
by the worker after it commits (`tasks.fetch_import_images`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from coopbuy.catalog.models import CatalogImport, Product, ProductImageFetch
from coopbuy.catalog.tasks import fetch_import_images

__all__ = ["image_fetches_create"]


def image_fetches_create(*, catalog_import: CatalogImport, rows: list[dict[str, Any]]) -> int:
    """Inside `catalog_import_apply`'s transaction: one pending fetch per product whose row names
    an image URL it does not have yet; the worker fetches them after the commit. An empty cell
    leaves a product's image as it is. Returns how many fetches were queued."""
    wanted = {row["sku"]: row["image_url"] for row in rows if row.get("image_url")}
    if not wanted:
        return 0
    products = Product.objects.filter(
        supplier_id=catalog_import.supplier_id, sku__in=list(wanted)
    ).values_list("pk", "sku", "image_source_url", "image_small")
    fetches = [
        ProductImageFetch(catalog_import=catalog_import, product_id=pk, url=wanted[sku])
        for pk, sku, source, small in products
        if not (small and source == wanted[sku])  # already fetched from this address
    ]
    ProductImageFetch.objects.bulk_create(fetches)
    if fetches:
        import_id = catalog_import.pk
        transaction.on_commit(lambda: fetch_import_images.enqueue(import_id))
    return len(fetches)
