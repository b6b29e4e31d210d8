"""The catalogue area of the API: suppliers and their products with volume prices.

Members read; coordinators write. Suppliers and products are found through
`coopbuy.catalog.permissions` (inside the group of the address), writes go through
`coopbuy.catalog.services`, as the web pages do. Imports and the CSV export are in
`coopbuy.catalog.import_api`, on the same router.
"""

from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, UploadedFile
from ninja.responses import Status
from pydantic import WithJsonSchema

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.catalog import image_services, selectors, services
from coopbuy.catalog.api_schemas import (
    SUPPLIER,
    Id,
    ProductIn,
    ProductOut,
    ProductSearch,
    ProductUpdateIn,
    SupplierCreateIn,
    SupplierOut,
    SupplierSearch,
    SupplierUpdateIn,
)
from coopbuy.catalog.images.decoding import MAX_BYTES as MAX_IMAGE_BYTES
from coopbuy.catalog.models import Product
from coopbuy.catalog.permissions import (
    product_for_coordinator,
    supplier_for_coordinator,
    supplier_for_member,
)
from coopbuy.groups.permissions import MANAGING_ROLES, group_for_coordinator, group_for_member

router = Router(tags=["catalogue"])


@router.get("/{slug:slug}/suppliers", response={200: Page[SupplierOut], **problem_responses()})
def list_suppliers(
    request: HttpRequest, slug: str, search: Query[SupplierSearch], paging: Query[Paging]
) -> Page[SupplierOut]:
    """The group's suppliers by name, with how many products each has available (members)."""
    group, membership = group_for_member(slug=slug, user=caller(request))
    rows = selectors.suppliers_for_group(group=group, include_archived=search.archived)
    manager = membership.role in MANAGING_ROLES
    return paginate(request, rows, paging, lambda s: SupplierOut.of(s, manager=manager))


@router.post("/{slug:slug}/suppliers", response={201: SupplierOut, **problem_responses()})
@idempotent
def create_supplier(
    request: HttpRequest, slug: str, payload: SupplierCreateIn
) -> Status[SupplierOut]:
    """Add a supplier with its ordering terms (coordinators)."""
    group, _membership = group_for_coordinator(slug=slug, user=caller(request))
    supplier = services.supplier_create(group=group, actor=caller(request), **payload.model_dump())
    return Status(201, SupplierOut.of(supplier, manager=True))


@router.get(SUPPLIER, response={200: SupplierOut, **problem_responses()})
def get_supplier(request: HttpRequest, slug: str, supplier_id: Id) -> SupplierOut:
    """One supplier and its terms (members)."""
    _group, membership, supplier = supplier_for_member(
        slug=slug, user=caller(request), supplier_id=supplier_id
    )
    return SupplierOut.of(supplier, manager=membership.role in MANAGING_ROLES)


@router.patch(SUPPLIER, response={200: SupplierOut, **problem_responses()})
def update_supplier(
    request: HttpRequest, slug: str, supplier_id: Id, payload: SupplierUpdateIn
) -> SupplierOut:
    """Change a supplier's name, contact or terms; only the fields sent change (coordinators)."""
    _group, _membership, supplier = supplier_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id
    )
    fields = {
        name: value
        for name, value in payload.model_dump(exclude_unset=True).items()
        if value is not None or name == "free_delivery_over"  # null removes free delivery
    }
    supplier = services.supplier_update(supplier=supplier, actor=caller(request), **fields)
    return SupplierOut.of(supplier, manager=True)


@router.post(f"{SUPPLIER}/archive", response={200: SupplierOut, **problem_responses()})
@idempotent
def archive_supplier(request: HttpRequest, slug: str, supplier_id: Id) -> SupplierOut:
    """Archive a supplier: kept with its catalogue and history, not offered in new rounds; an
    archived supplier stays archived (coordinators)."""
    _group, _membership, supplier = supplier_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id
    )
    supplier = services.supplier_archive(supplier=supplier, actor=caller(request))
    return SupplierOut.of(supplier, manager=True)


@router.post(f"{SUPPLIER}/unarchive", response={200: SupplierOut, **problem_responses()})
@idempotent
def unarchive_supplier(request: HttpRequest, slug: str, supplier_id: Id) -> SupplierOut:
    """Make an archived supplier active again; an active one stays active (coordinators)."""
    _group, _membership, supplier = supplier_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id
    )
    supplier = services.supplier_restore(supplier=supplier, actor=caller(request))
    return SupplierOut.of(supplier, manager=True)


@router.get(f"{SUPPLIER}/products", response={200: Page[ProductOut], **problem_responses()})
def list_products(
    request: HttpRequest,
    slug: str,
    supplier_id: Id,
    search: Query[ProductSearch],
    paging: Query[Paging],
) -> Page[ProductOut]:
    """A supplier's catalogue by category and name, with volume prices (members)."""
    _group, _membership, supplier = supplier_for_member(
        slug=slug, user=caller(request), supplier_id=supplier_id
    )
    rows = selectors.products_for_supplier(
        supplier=supplier,
        query=search.q,
        category=search.category,
        available_only=search.available,
    )
    return paginate(request, rows, paging, ProductOut.of)


@router.post(
    f"{SUPPLIER}/products", response={200: ProductOut, 201: ProductOut, **problem_responses()}
)
@idempotent
def save_product(
    request: HttpRequest, slug: str, supplier_id: Id, payload: ProductIn
) -> Status[ProductOut]:
    """Add the product with this SKU (201) or replace its details and volume prices (200)."""
    _group, _membership, supplier = supplier_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id
    )
    values = payload.model_dump(exclude={"tiers"})
    exists = Product.objects.filter(supplier=supplier, sku=payload.sku.strip()).exists()
    product = services.product_save(
        supplier=supplier,
        actor=caller(request),
        tiers=[(tier.min_cases, tier.unit_price) for tier in payload.tiers],
        **values,
    )
    return Status(200 if exists else 201, ProductOut.of(product))


@router.get(
    f"{SUPPLIER}/products/{{int:product_id}}", response={200: ProductOut, **problem_responses()}
)
def get_product(request: HttpRequest, slug: str, supplier_id: Id, product_id: Id) -> ProductOut:
    """One product with its volume prices (members)."""
    _group, _membership, supplier = supplier_for_member(
        slug=slug, user=caller(request), supplier_id=supplier_id
    )
    product = get_object_or_404(
        Product.objects.prefetch_related("price_tiers"), pk=product_id, supplier=supplier
    )
    return ProductOut.of(product)


@router.patch(
    f"{SUPPLIER}/products/{{int:product_id}}", response={200: ProductOut, **problem_responses()}
)
def update_product(
    request: HttpRequest, slug: str, supplier_id: Id, product_id: Id, payload: ProductUpdateIn
) -> ProductOut:
    """Change a product's details, prices, availability or volume prices; only the fields sent
    change, and `tiers`, when sent, replaces all volume prices (coordinators)."""
    _group, _membership, _supplier, product = product_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id, product_id=product_id
    )
    tiers = None
    if payload.tiers is not None:
        tiers = [(tier.min_cases, tier.unit_price) for tier in payload.tiers]
    product = services.product_update(
        product=product, actor=caller(request), tiers=tiers, **payload.changes()
    )
    return ProductOut.of(Product.objects.prefetch_related("price_tiers").get(pk=product.pk))


ProductImageFile = Annotated[
    UploadedFile,
    WithJsonSchema({"type": "string", "format": "binary", "minLength": 1}),
    File(description="A JPEG, PNG, WebP or GIF image (at most 5 MB, 8,000 px a side)."),
]


@router.put(
    f"{SUPPLIER}/products/{{int:product_id}}/image",
    response={200: ProductOut, **problem_responses()},
)
def put_product_image(
    request: HttpRequest, slug: str, supplier_id: Id, product_id: Id, image: ProductImageFile
) -> ProductOut:
    """Give a product its picture (`image`, multipart): JPEG, PNG, WebP or GIF by its content
    (not its name), at most 5 MB and 8,000 pixels a side. It is stored re-encoded as WebP at 160
    and 480 px, upright, without its metadata; the previous picture is replaced. A refused image is
    `422` naming `image`, and nothing changes (coordinators)."""
    _group, _membership, _supplier, product = product_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id, product_id=product_id
    )
    product = image_services.product_image_upload(
        product=product, actor=caller(request), content=image.read(MAX_IMAGE_BYTES + 1)
    )
    return ProductOut.of(Product.objects.prefetch_related("price_tiers").get(pk=product.pk))


@router.delete(
    f"{SUPPLIER}/products/{{int:product_id}}/image",
    response={200: ProductOut, **problem_responses()},
)
def delete_product_image(
    request: HttpRequest, slug: str, supplier_id: Id, product_id: Id
) -> ProductOut:
    """Take a product's picture away; a product without one stays so (coordinators)."""
    _group, _membership, _supplier, product = product_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id, product_id=product_id
    )
    product = image_services.product_image_remove(product=product, actor=caller(request))
    return ProductOut.of(Product.objects.prefetch_related("price_tiers").get(pk=product.pk))


# The price-list operations (imports, export) are in their own module, on this same router.
from coopbuy.catalog import import_api  # noqa: E402, F401
