"""Every write to suppliers, products and catalogue imports.

Each function is one use case in one transaction; it checks that the actor coordinates the group
(views check too, but a service never trusts its caller) and records an audit event. Products are
never deleted: rounds refer to them; a product that leaves a price list is made unavailable.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.errors import CatalogError, ImportOutdated
from coopbuy.catalog.import_services import (
    ImportSummary,
    catalog_import_apply,
    catalog_import_discard,
    catalog_import_preview,
    catalog_import_refresh,
)
from coopbuy.catalog.models import PriceTier, Product, Supplier
from coopbuy.catalog.permissions import require_catalog_manager
from coopbuy.groups.models import BuyingGroup

__all__ = [
    "CatalogError",
    "ImportOutdated",
    "ImportSummary",
    "catalog_import_apply",
    "catalog_import_discard",
    "catalog_import_preview",
    "catalog_import_refresh",
    "product_save",
    "product_set_available",
    "product_update",
    "supplier_archive",
    "supplier_create",
    "supplier_restore",
    "supplier_update",
]

SUPPLIER_FIELDS = frozenset(
    {
        "contact_name",
        "phone",
        "email",
        "order_email",
        "website",
        "min_order_value",
        "delivery_fee",
        "free_delivery_over",
        "lead_time_days",
        "notes",
    }
)
PRODUCT_FIELDS = frozenset(
    {
        "category",
        "unit_description",
        "vat_rate",
        "deposit",
        "retail_unit_price",
        "origin",
        "manufacturer",
        "note",
        "weight_grams",
        "min_cases",
        "max_cases",
        "is_available",
    }
)


def _full_clean(instance: Supplier | Product, *, exclude: Sequence[str] = ()) -> None:
    """Model validation as a `CatalogError` naming the first field at fault."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise CatalogError(messages[0], field=None if field == "__all__" else field) from error


def _check_fields(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise CatalogError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}, field=unknown[0]
        )


# Suppliers ---------------------------------------------------------------------------------------


def _check_supplier_name(group: BuyingGroup, name: str, exclude_pk: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise CatalogError(_("Give the supplier a name."), field="name")
    taken = Supplier.objects.filter(group=group, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise CatalogError(
            _("The group already has a supplier called “%(name)s”.") % {"name": name},
            field="name",
        )
    return name


def _check_terms(supplier: Supplier) -> None:
    for field in ("min_order_value", "delivery_fee", "free_delivery_over"):
        value = getattr(supplier, field)
        if value is not None and Decimal(value) < 0:
            raise CatalogError(_("This cannot be negative."), field=field)


def _save_supplier(supplier: Supplier) -> None:
    try:
        with transaction.atomic():
            supplier.save()
    except IntegrityError as error:  # a concurrent write took the name
        raise CatalogError(
            _("The group already has a supplier called “%(name)s”.") % {"name": supplier.name},
            field="name",
        ) from error


@transaction.atomic
def supplier_create(*, group: BuyingGroup, actor: User, name: str, **fields: Any) -> Supplier:
    """Add a supplier with its ordering terms (minimum order, delivery fee, lead time...)."""
    require_catalog_manager(group=group, user=actor)
    _check_fields(fields, SUPPLIER_FIELDS)
    supplier = Supplier(group=group, name=_check_supplier_name(group, name), **fields)
    _check_terms(supplier)
    _full_clean(supplier, exclude=["group"])
    _save_supplier(supplier)
    audit_record(
        action="supplier.created",
        summary=_("%(user)s added the supplier %(name)s") % {"user": actor.name, "name": name},
        actor=actor,
        group=group,
        data={"supplier": supplier.pk},
    )
    return supplier


@transaction.atomic
def supplier_update(*, supplier: Supplier, actor: User, **fields: Any) -> Supplier:
    """Change a supplier's name, contact or terms; only the given fields change."""
    require_catalog_manager(group=supplier.group, user=actor)
    _check_fields(fields, SUPPLIER_FIELDS | {"name"})
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if "name" in fields:
        fields["name"] = _check_supplier_name(supplier.group, fields["name"], supplier.pk)
    changed = {}
    for field, value in fields.items():
        if getattr(supplier, field) != value:
            changed[field] = [str(getattr(supplier, field)), str(value)]
            setattr(supplier, field, value)
    _check_terms(supplier)
    _full_clean(supplier, exclude=["group"])
    _save_supplier(supplier)
    if changed:
        audit_record(
            action="supplier.updated",
            summary=_("%(user)s changed the supplier %(name)s")
            % {"user": actor.name, "name": supplier.name},
            actor=actor,
            group=supplier.group,
            data={"supplier": supplier.pk, "changed": changed},
        )
    return supplier


def _set_active(supplier: Supplier, actor: User, active: bool) -> Supplier:
    require_catalog_manager(group=supplier.group, user=actor)
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if supplier.is_active == active:
        return supplier
    supplier.is_active = active
    supplier.save(update_fields=["is_active"])
    text = (
        _("%(user)s restored the supplier %(name)s")
        if active
        else _("%(user)s archived the supplier %(name)s")
    )
    audit_record(
        action="supplier.restored" if active else "supplier.archived",
        summary=text % {"user": actor.name, "name": supplier.name},
        actor=actor,
        group=supplier.group,
        data={"supplier": supplier.pk},
    )
    return supplier


@transaction.atomic
def supplier_archive(*, supplier: Supplier, actor: User) -> Supplier:
    """Hide a supplier from new rounds; its catalogue and history stay."""
    return _set_active(supplier, actor, False)


@transaction.atomic
def supplier_restore(*, supplier: Supplier, actor: User) -> Supplier:
    return _set_active(supplier, actor, True)


# Products ----------------------------------------------------------------------------------------


def _check_tiers(tiers: Sequence[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
    seen: set[int] = set()
    for min_cases, price in tiers:
        if int(min_cases) < 2:
            raise CatalogError(_("Volume prices start from 2 cases."), field="tiers")
        if Decimal(price) < 0:
            raise CatalogError(_("A volume price cannot be negative."), field="tiers")
        if min_cases in seen:
            raise CatalogError(
                _("Two volume prices start at %(n)s cases.") % {"n": min_cases}, field="tiers"
            )
        seen.add(min_cases)
    return sorted((int(c), Decimal(p)) for c, p in tiers)


@transaction.atomic
def product_save(
    *,
    supplier: Supplier,
    actor: User,
    sku: str,
    name: str,
    case_size: int,
    unit_price: Decimal,
    tiers: Sequence[tuple[int, Decimal]] = (),
    **fields: Any,
) -> Product:
    """Create the product with this SKU, or update it; its volume prices become `tiers`."""
    require_catalog_manager(group=supplier.group, user=actor)
    _check_fields(fields, PRODUCT_FIELDS)
    sku, name = sku.strip(), name.strip()
    if not sku:
        raise CatalogError(_("Give the product's order number (SKU)."), field="sku")
    if not name:
        raise CatalogError(_("Give the product a name."), field="name")
    if int(case_size) < 1:
        raise CatalogError(_("A case holds at least one unit."), field="case_size")
    for field in ("unit_price", "deposit", "retail_unit_price"):
        value = unit_price if field == "unit_price" else fields.get(field)
        if value is not None and Decimal(value) < 0:
            raise CatalogError(_("A price cannot be negative."), field=field)
    vat_rate = fields.get("vat_rate")
    if vat_rate is not None and not Decimal(0) <= Decimal(vat_rate) < 1:
        raise CatalogError(_("VAT is a rate from 0 to less than 100 %."), field="vat_rate")
    clean_tiers = _check_tiers(tiers)
    product = Product.objects.select_for_update().filter(
        supplier=supplier, sku=sku
    ).first() or Product(supplier=supplier, sku=sku)
    created = product.pk is None
    product.name, product.case_size, product.unit_price = name, int(case_size), unit_price
    for field, value in fields.items():
        setattr(product, field, value)
    if product.max_cases is not None and product.max_cases < product.min_cases:
        raise CatalogError(
            _("The maximum number of cases is below the minimum."), field="max_cases"
        )
    _full_clean(product, exclude=["supplier"])
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as error:  # a concurrent create of the same SKU won
        raise CatalogError(
            _("A product with the SKU %(sku)s was just added: try again.") % {"sku": sku},
            field="sku",
        ) from error
    current = list(product.price_tiers.values_list("min_cases", "unit_price"))
    if created or current != clean_tiers:
        product.price_tiers.all().delete()
        PriceTier.objects.bulk_create(
            PriceTier(product=product, min_cases=c, unit_price=p) for c, p in clean_tiers
        )
    audit_record(
        action="product.created" if created else "product.updated",
        summary=(_("%(user)s added %(product)s") if created else _("%(user)s changed %(product)s"))
        % {"user": actor.name, "product": f"{name} ({supplier.name}, {sku})"},
        actor=actor,
        group=supplier.group,
        data={"supplier": supplier.pk, "product": product.pk, "sku": sku},
    )
    return product


@transaction.atomic
def product_set_available(*, product: Product, actor: User, available: bool) -> Product:
    """Mark a product available or not (out of stock, discontinued); it is never deleted."""
    supplier = product.supplier
    require_catalog_manager(group=supplier.group, user=actor)
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.is_available != available:
        product.is_available = available
        product.save(update_fields=["is_available", "updated_at"])
        text = (
            _("%(user)s made %(product)s available")
            if available
            else _("%(user)s made %(product)s unavailable")
        )
        audit_record(
            action="product.availability",
            summary=text % {"user": actor.name, "product": f"{product.name} ({product.sku})"},
            actor=actor,
            group=supplier.group,
            data={"product": product.pk, "available": available},
        )
    return product


@transaction.atomic
def product_update(
    *,
    product: Product,
    actor: User,
    tiers: Sequence[tuple[int, Decimal]] | None = None,
    **fields: Any,
) -> Product:
    """Change only the given fields of a product (its volume prices too when `tiers` is given).

    The product is locked, merged with the changes and saved by `product_save`, as the edit page
    does; a change of availability alone goes through `product_set_available`, as its toggle does.
    """
    require_catalog_manager(group=product.supplier.group, user=actor)
    editable = PRODUCT_FIELDS | {"name", "case_size", "unit_price"}
    _check_fields(fields, editable)
    locked = Product.objects.select_for_update().select_related("supplier").get(pk=product.pk)
    if tiers is None and set(fields) == {"is_available"}:
        return product_set_available(
            product=locked, actor=actor, available=bool(fields["is_available"])
        )
    if tiers is None and not fields:
        return locked
    current_tiers = list(locked.price_tiers.values_list("min_cases", "unit_price"))
    values = {name: getattr(locked, name) for name in editable} | fields
    return product_save(
        supplier=locked.supplier,
        actor=actor,
        sku=locked.sku,
        tiers=current_tiers if tiers is None else tiers,
        **values,
    )


# Imports -----------------------------------------------------------------------------------------
