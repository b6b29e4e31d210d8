"""Reads of suppliers and catalogues. Every query is scoped to one group or one supplier."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, When

from coopbuy.catalog.import_apply import case_limit_errors
from coopbuy.catalog.imports import changes as diff
from coopbuy.catalog.models import CatalogImport, Product, ProductImageFetch, Supplier
from coopbuy.groups.models import BuyingGroup


def suppliers_for_group(
    *, group: BuyingGroup, include_archived: bool = False
) -> QuerySet[Supplier]:
    """A group's suppliers by name, with how many products each has available."""
    suppliers = Supplier.objects.filter(group=group)
    if not include_archived:
        suppliers = suppliers.filter(is_active=True)
    return suppliers.annotate(
        available_count=Count("products", filter=Q(products__is_available=True))
    ).order_by("-is_active", "name")


def products_for_supplier(
    *, supplier: Supplier, query: str = "", category: str = "", available_only: bool = False
) -> QuerySet[Product]:
    """A supplier's catalogue with its price tiers prefetched (two queries per page)."""
    products = Product.objects.filter(supplier=supplier)
    query = query.strip()
    if query:
        products = products.filter(
            Q(name__icontains=query) | Q(sku__iexact=query) | Q(sku__istartswith=query)
        )
    if category:
        products = products.filter(category=category)
    if available_only:
        products = products.filter(is_available=True)
    return products.prefetch_related("price_tiers").order_by("category", "name", "pk")


def categories_for_supplier(*, supplier: Supplier) -> list[str]:
    return list(
        Product.objects.filter(supplier=supplier)
        .exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


def recent_imports(*, supplier: Supplier, limit: int = 5) -> QuerySet[CatalogImport]:
    return (
        CatalogImport.objects.filter(supplier=supplier)
        .select_related("uploaded_by")
        .defer("rows", "changes", "errors", "warnings")[:limit]
    )


@dataclass(frozen=True)
class ImportAsNow:
    """An import as applying it would see it now; `stale` if that differs from what is stored."""

    catalog_import: CatalogImport
    stale: bool


def catalog_import_as_now(*, catalog_import: CatalogImport) -> ImportAsNow:
    """A pending preview made before the catalogue changed, worked out again without storing it.

    Reads never write: the page and `GET .../imports/{id}` show this, marked stale; the refresh
    action (`services.catalog_import_refresh`) or applying stores it.
    """
    if catalog_import.status != CatalogImport.Status.PENDING:
        return ImportAsNow(catalog_import, stale=False)
    state = diff.catalog_state(catalog_import.supplier)
    if diff.fingerprint(state) == catalog_import.fingerprint:
        return ImportAsNow(catalog_import, stale=False)
    shown = copy.copy(catalog_import)
    errors = case_limit_errors(catalog_import.rows, state)
    if errors:
        shown.status = CatalogImport.Status.INVALID
        shown.errors, shown.changes = [error.as_dict() for error in errors], {}
    else:
        shown.changes = diff.compute_changes(catalog_import.rows, state)
    return ImportAsNow(shown, stale=True)


def image_fetches(*, catalog_import: CatalogImport, limit: int = 200) -> dict[str, Any]:
    """The pictures an applied import named: how many are waiting, fetched and failed, and the
    first `limit` of them (failures first) with their product and what went wrong."""
    fetches = ProductImageFetch.objects.filter(catalog_import=catalog_import)
    counts = dict(fetches.values_list("status").annotate(n=Count("pk")).order_by())
    failed_first = Case(When(status=ProductImageFetch.Status.FAILED, then=0), default=1)
    rows = list(fetches.select_related("product").order_by(failed_first, "pk")[:limit])
    return {
        "pending": counts.get(ProductImageFetch.Status.PENDING, 0),
        "done": counts.get(ProductImageFetch.Status.DONE, 0),
        "failed": counts.get(ProductImageFetch.Status.FAILED, 0),
        "total": sum(counts.values()),
        "rows": rows,
    }
