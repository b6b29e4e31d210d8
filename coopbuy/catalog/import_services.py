"""The writes of a price-list import: preview (stored), apply, refresh, discard.

Re-exported by `coopbuy.catalog.services`, where other areas find every catalogue write.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.errors import CatalogError, ImportOutdated
from coopbuy.catalog.image_imports import image_fetches_create
from coopbuy.catalog.import_apply import (
    ImportSummary,
    apply_rows,
    build_preview,
    case_limit_errors,
)
from coopbuy.catalog.imports import changes as diff
from coopbuy.catalog.models import CatalogImport, Supplier
from coopbuy.catalog.permissions import require_catalog_manager

__all__ = [
    "ImportSummary",
    "catalog_import_apply",
    "catalog_import_discard",
    "catalog_import_preview",
    "catalog_import_refresh",
]


@transaction.atomic
def catalog_import_preview(
    *, supplier: Supplier, actor: User, filename: str, content: bytes
) -> CatalogImport:
    """Read a price list and store what it would change; the catalogue itself is not touched.

    A file that cannot be read at all raises `UnreadableFile` (a `UserFacingError`) and stores
    nothing; a file with bad rows is stored with status INVALID and all its errors, so that they
    can be shown (and it cannot be applied).
    """
    require_catalog_manager(group=supplier.group, user=actor)
    preview = build_preview(supplier=supplier, content=content)
    return CatalogImport.objects.create(
        supplier=supplier,
        uploaded_by=actor,
        filename=filename[:255],
        file_format=preview.file_format,
        status=CatalogImport.Status.INVALID if preview.errors else CatalogImport.Status.PENDING,
        rows=preview.rows,
        errors=preview.errors,
        warnings=preview.warnings,
        changes=preview.changes,
        fingerprint=preview.fingerprint,
    )


def _lock_pending(catalog_import: CatalogImport) -> CatalogImport:
    locked = CatalogImport.objects.select_for_update().get(pk=catalog_import.pk)
    if locked.status == CatalogImport.Status.INVALID:
        raise CatalogError(_("This file has errors: correct them and upload it again."))
    if locked.status != CatalogImport.Status.PENDING:
        raise CatalogError(
            _("This import was already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


@transaction.atomic
def catalog_import_apply(*, catalog_import: CatalogImport, actor: User) -> ImportSummary:
    """Apply a previewed import, all or nothing: update by SKU, add new, make vanished unavailable.

    Images the rows name by URL are fetched afterwards by the worker (`image_fetches_create`).
    If the catalogue changed since the preview (someone edited a product, another import was
    applied), nothing is applied and `ImportOutdated` is raised: the caller makes the preview
    again (`catalog_import_refresh`) and shows it, so a person always confirms what happens.
    """
    require_catalog_manager(group=catalog_import.supplier.group, user=actor)  # first: adr 0005
    supplier = Supplier.objects.select_for_update().get(pk=catalog_import.supplier_id)
    locked = _lock_pending(catalog_import)
    state = diff.catalog_state(supplier)
    if diff.fingerprint(state) != locked.fingerprint:
        raise ImportOutdated(
            _("The catalogue changed since this preview was made. Check the new preview below.")
        )
    summary = apply_rows(supplier=supplier, rows=locked.rows, state=state)
    images = image_fetches_create(catalog_import=locked, rows=locked.rows)
    locked.status = CatalogImport.Status.APPLIED
    locked.applied_by = actor
    locked.applied_at = timezone.now()
    locked.save(update_fields=["status", "applied_by", "applied_at"])
    audit_record(
        action="catalog.imported",
        summary=_(
            "%(user)s imported %(file)s for %(supplier)s: %(new)s new, %(changed)s changed, "
            "%(vanished)s no longer listed"
        )
        % {
            "user": actor.name,
            "file": locked.filename,
            "supplier": supplier.name,
            "new": summary.created,
            "changed": summary.updated,
            "vanished": summary.made_unavailable,
        },
        actor=actor,
        group=supplier.group,
        data={"supplier": supplier.pk, "import": locked.pk, "images": images, **summary.as_dict()},
    )
    return summary


@transaction.atomic
def catalog_import_refresh(*, catalog_import: CatalogImport, actor: User) -> CatalogImport:
    """Compare a pending import's rows with the catalogue as it is now."""
    supplier = catalog_import.supplier
    require_catalog_manager(group=supplier.group, user=actor)
    locked = _lock_pending(catalog_import)
    state = diff.catalog_state(supplier)
    locked.fingerprint = diff.fingerprint(state)
    errors = case_limit_errors(locked.rows, state)
    if errors:  # the catalogue changed in a way that makes a row invalid
        locked.status = CatalogImport.Status.INVALID
        locked.errors = [error.as_dict() for error in errors]
        locked.rows, locked.changes = [], {}
    else:
        locked.changes = diff.compute_changes(locked.rows, state)
    locked.save(update_fields=["changes", "fingerprint", "status", "errors", "rows"])
    return locked


@transaction.atomic
def catalog_import_discard(*, catalog_import: CatalogImport, actor: User) -> CatalogImport:
    require_catalog_manager(group=catalog_import.supplier.group, user=actor)
    locked = CatalogImport.objects.select_for_update().get(pk=catalog_import.pk)
    if locked.status in (CatalogImport.Status.PENDING, CatalogImport.Status.INVALID):
        locked.status = CatalogImport.Status.DISCARDED
        locked.save(update_fields=["status"])
    return locked
