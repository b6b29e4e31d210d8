"""Price lists through the API, as on the web: upload a file, read the stored preview, then apply,
refresh or discard it; and the catalogue as CSV. The operations join the catalogue's router
(`coopbuy.catalog.api` imports this module last); their schemas are here, above them.

Coordinators import; members export (as `import_views`). The preview is stored
(`services.catalog_import_preview`), so that applying applies exactly what was shown. A preview
can be long (a wholesaler's list has thousands of rows): it comes with its counts and at most
`limit` entries of each list from `offset` on.
"""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Schema, UploadedFile
from ninja.responses import Status
from pydantic import WithJsonSchema

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Money, Page, Paging, PersonOut
from coopbuy.catalog import selectors, services
from coopbuy.catalog.api import router  # the catalogue's router: these operations join it
from coopbuy.catalog.api_schemas import SUPPLIER, Id, TierOut
from coopbuy.catalog.export import export_csv
from coopbuy.catalog.imports.reading import MAX_BYTES
from coopbuy.catalog.models import CatalogImport
from coopbuy.catalog.permissions import (
    import_for_coordinator,
    supplier_for_coordinator,
    supplier_for_member,
)


class CatalogImportCounts(Schema):
    errors: int = Field(description="Rows (or columns) at fault; an import with any is invalid.")
    new: int
    changed: int
    vanished: int = Field(description="Available products not in the file: made unavailable.")


class CatalogImportRowError(Schema):
    row: int | None = Field(description="The row of the file (its first line is 1), or null.")
    column: str
    message: str


class CatalogImportNew(Schema):
    row: int
    sku: str
    name: str
    case_size: int | None
    unit_price: Money | None


ChangeValue = str | int | bool | list[TierOut] | None


class CatalogFieldChange(Schema):
    field: str = Field(description="A product field, as in ProductOut (tiers: volume prices).")
    old: ChangeValue
    new: ChangeValue

    @classmethod
    def of(cls, field: str, old: Any, new: Any) -> "CatalogFieldChange":
        def value(raw: Any) -> Any:
            if field == "tiers":
                return [TierOut(min_cases=int(c), unit_price=Decimal(p)) for c, p in raw or []]
            return raw

        return cls(field=field, old=value(old), new=value(new))


class CatalogImportChanged(Schema):
    row: int
    sku: str
    name: str
    fields: list[CatalogFieldChange] = Field(
        description="Only the fields that change, old and new."
    )


class CatalogImportVanished(Schema):
    sku: str
    name: str


CHANGE_LISTS = ("new", "changed", "vanished")
ImportStatus = Literal["pending", "invalid", "applied", "discarded"]


class CatalogImportItemOut(Schema):
    """An uploaded price list: who sent it, when, and what became of it."""

    id: int
    supplier: int
    filename: str
    file_format: str = Field(description="coopbuy (coopbuy's columns) or foodsoft.")
    status: ImportStatus = Field(
        description="pending (may be applied), invalid (has errors), applied or discarded."
    )
    uploaded_by: PersonOut | None
    created_at: datetime
    applied_at: datetime | None

    @classmethod
    def of(cls, imp: CatalogImport) -> "CatalogImportItemOut":
        return cls.model_validate(_import_item(imp))


def _import_item(imp: CatalogImport) -> dict[str, Any]:
    return {
        "id": imp.pk,
        "supplier": imp.supplier_id,
        "filename": imp.filename,
        "file_format": imp.file_format,
        "status": imp.status,
        "uploaded_by": PersonOut.of(imp.uploaded_by) if imp.uploaded_by else None,
        "created_at": imp.created_at,
        "applied_at": imp.applied_at,
    }


class CatalogImportPicture(Schema):
    sku: str
    url: str
    status: str = Field(description="pending (waiting for the worker), done or failed.")
    error: str = Field(description="Why the picture could not be fetched or used; empty if not.")


class CatalogImportPictures(Schema):
    """The pictures an applied import named by URL, fetched by the worker afterwards."""

    pending: int
    done: int
    failed: int
    items: list[CatalogImportPicture] = Field(description="Failures first; at most 200.")

    @classmethod
    def of(cls, imp: CatalogImport) -> "CatalogImportPictures":
        found = selectors.image_fetches(catalog_import=imp)
        return cls(
            pending=found["pending"],
            done=found["done"],
            failed=found["failed"],
            items=[
                CatalogImportPicture(sku=f.product.sku, url=f.url, status=f.status, error=f.error)
                for f in found["rows"]
            ],
        )


class CatalogImportOut(CatalogImportItemOut):
    """A stored preview: counts, then at most `limit` entries of each list from `offset` on."""

    stale: bool = Field(
        description=(
            "True when the catalogue changed after this preview was stored: the lists show the "
            "import as applying it would now, and POST .../refresh stores that."
        )
    )
    warnings: list[str]
    counts: CatalogImportCounts
    limit: int
    offset: int
    next: str | None = Field(description="The next entries of the lists, or null after the last.")
    previous: str | None
    errors: list[CatalogImportRowError]
    new: list[CatalogImportNew]
    changed: list[CatalogImportChanged]
    vanished: list[CatalogImportVanished]
    pictures: CatalogImportPictures | None = Field(
        None, description="Once applied, how the pictures named in its image_url column went."
    )

    @classmethod
    def preview(
        cls,
        imp: CatalogImport,
        *,
        limit: int,
        offset: int,
        link: Callable[[int, int], str],
        stale: bool = False,
    ) -> "CatalogImportOut":
        changes = imp.changes or {}
        sections = {"errors": imp.errors, **{k: changes.get(k, []) for k in CHANGE_LISTS}}
        longest = max(len(entries) for entries in sections.values())
        window = {name: entries[offset : offset + limit] for name, entries in sections.items()}
        return cls.model_validate(
            {
                **_import_item(imp),
                "stale": stale,
                "warnings": imp.warnings,
                "counts": {name: len(entries) for name, entries in sections.items()},
                "limit": limit,
                "offset": offset,
                "next": link(limit, offset + limit) if offset + limit < longest else None,
                "previous": link(limit, max(0, offset - limit)) if offset > 0 else None,
                "errors": window["errors"],
                "new": window["new"],
                "changed": [
                    {**e, "fields": [CatalogFieldChange.of(*change) for change in e["fields"]]}
                    for e in window["changed"]
                ],
                "vanished": window["vanished"],
            }
        )


class CatalogImportAppliedOut(Schema):
    """What applying an import did to the catalogue."""

    id: int = Field(description="The import.")
    status: ImportStatus
    created: int = Field(description="New products.")
    updated: int = Field(description="Products changed.")
    made_unavailable: int = Field(description="Products no longer listed, made unavailable.")


# Operations ---------------------------------------------------------------------------------------

IMPORT = f"{SUPPLIER}/imports/{{int:import_id}}"
CSV_RESPONSE = {
    "description": "The catalogue in coopbuy's import columns (UTF-8 with a byte-order mark).",
    "content": {"text/csv": {"schema": {"type": "string"}}},
}


def _preview(
    request: HttpRequest,
    slug: str,
    catalog_import: CatalogImport,
    paging: Paging | None = None,
    *,
    stale: bool = False,
) -> CatalogImportOut:
    """The import as a preview whose `next` and `previous` links page through its GET address."""
    paging = paging or Paging(limit=25, offset=0)
    match = request.resolver_match
    namespace = match.namespace if match is not None else "api:api-v1"
    address = reverse(
        f"{namespace}:catalog_import",
        kwargs={
            "slug": slug,
            "supplier_id": catalog_import.supplier_id,
            "import_id": catalog_import.pk,
        },
    )

    def link(limit: int, offset: int) -> str:
        query = urlencode({"limit": limit, "offset": offset})
        return request.build_absolute_uri(f"{address}?{query}")

    out = CatalogImportOut.preview(
        catalog_import, limit=paging.limit, offset=paging.offset, link=link, stale=stale
    )
    if catalog_import.status == CatalogImport.Status.APPLIED:
        out.pictures = CatalogImportPictures.of(catalog_import)
    return out


@router.get(
    f"{SUPPLIER}/imports", response={200: Page[CatalogImportItemOut], **problem_responses()}
)
def list_imports(
    request: HttpRequest, slug: str, supplier_id: Id, paging: Query[Paging]
) -> Page[CatalogImportItemOut]:
    """The supplier's uploaded price lists, newest first, each with its status (coordinators)."""
    _group, _membership, supplier = supplier_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id
    )
    rows = (
        CatalogImport.objects.filter(supplier=supplier)
        .select_related("uploaded_by")
        .defer("rows", "changes", "errors", "warnings")
        .order_by("-created_at", "-pk")
    )
    return paginate(request, rows, paging, CatalogImportItemOut.of)


PriceListFile = Annotated[
    UploadedFile,
    WithJsonSchema({"type": "string", "format": "binary", "minLength": 1}),
    File(description="The price list: CSV, XLSX, ODS or a Foodsoft article file (at most 10 MB)."),
]
"""An upload that is not empty (the schema says so; an empty one is refused naming `file`)."""


@router.post(f"{SUPPLIER}/imports", response={201: CatalogImportOut, **problem_responses()})
@idempotent
def upload_import(
    request: HttpRequest, slug: str, supplier_id: Id, file: PriceListFile
) -> Status[CatalogImportOut]:
    """Read a price list (`file`: CSV, XLSX or ODS, in coopbuy's columns or a Foodsoft article
    file, at most 10 MB) and store what it would change; the catalogue is not touched. A file that
    cannot be read is `422` naming `file` and nothing is stored; a file with bad rows is stored
    with status `invalid` and all its errors (coordinators)."""
    _group, _membership, supplier = supplier_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id
    )
    catalog_import = services.catalog_import_preview(
        supplier=supplier,
        actor=caller(request),
        filename=file.name or "upload",
        content=file.read(MAX_BYTES + 1),  # one byte more than allowed is enough to refuse it
    )
    return Status(201, _preview(request, slug, catalog_import))


@router.get(
    IMPORT, response={200: CatalogImportOut, **problem_responses()}, url_name="catalog_import"
)
def get_import(
    request: HttpRequest, slug: str, supplier_id: Id, import_id: Id, paging: Query[Paging]
) -> CatalogImportOut:
    """An import's preview: counts, then `limit` entries of each list (errors, new, changed
    field by field, vanished) from `offset` on. A pending preview made before the catalogue
    changed is shown as applying would see it now, with `stale` true; nothing is stored until
    `POST .../refresh` or apply (coordinators)."""
    _group, _membership, _supplier, catalog_import = import_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id, import_id=import_id
    )
    now = selectors.catalog_import_as_now(catalog_import=catalog_import)
    return _preview(request, slug, now.catalog_import, paging, stale=now.stale)


@router.post(f"{IMPORT}/apply", response={200: CatalogImportAppliedOut, **problem_responses()})
@idempotent
def apply_import(
    request: HttpRequest, slug: str, supplier_id: Id, import_id: Id
) -> CatalogImportAppliedOut:
    """Apply a pending import, all or nothing: products updated by SKU, new ones added, those no
    longer listed made unavailable. `409` if it was applied or discarded already, has errors, or
    the catalogue changed since its preview (get the import again to see the new preview)
    (coordinators)."""
    _group, _membership, _supplier, catalog_import = import_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id, import_id=import_id
    )
    try:
        summary = services.catalog_import_apply(
            catalog_import=catalog_import, actor=caller(request)
        )
    except services.ImportOutdated as error:
        raise services.ImportOutdated(
            _(
                "The catalogue changed since this preview was made: get the import again to see "
                "the new preview, then apply it."
            )
        ) from error
    return CatalogImportAppliedOut(id=catalog_import.pk, status="applied", **summary.as_dict())


@router.post(f"{IMPORT}/refresh", response={200: CatalogImportOut, **problem_responses()})
@idempotent
def refresh_import(
    request: HttpRequest, slug: str, supplier_id: Id, import_id: Id
) -> CatalogImportOut:
    """Compare a pending import with the catalogue as it is now; `409` unless it is pending
    (coordinators)."""
    _group, _membership, _supplier, catalog_import = import_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id, import_id=import_id
    )
    catalog_import = services.catalog_import_refresh(
        catalog_import=catalog_import, actor=caller(request)
    )
    return _preview(request, slug, catalog_import)


@router.post(f"{IMPORT}/discard", response={200: CatalogImportOut, **problem_responses()})
@idempotent
def discard_import(
    request: HttpRequest, slug: str, supplier_id: Id, import_id: Id
) -> CatalogImportOut:
    """Discard a pending or invalid import; the catalogue is unchanged. An import already applied
    stays applied (see its `status`) (coordinators)."""
    _group, _membership, _supplier, catalog_import = import_for_coordinator(
        slug=slug, user=caller(request), supplier_id=supplier_id, import_id=import_id
    )
    catalog_import = services.catalog_import_discard(
        catalog_import=catalog_import, actor=caller(request)
    )
    return _preview(request, slug, catalog_import)


@router.get(
    f"{SUPPLIER}/export.csv",
    response={200: None, **problem_responses()},
    openapi_extra={"responses": {200: CSV_RESPONSE}},
)
def export_catalogue(request: HttpRequest, slug: str, supplier_id: Id) -> HttpResponse:
    """The supplier's whole catalogue as CSV, unavailable products too, in the columns an import
    reads, so that it can be edited and imported again (members)."""
    _group, _membership, supplier = supplier_for_member(
        slug=slug, user=caller(request), supplier_id=supplier_id
    )
    response = HttpResponse(export_csv(supplier), content_type="text/csv; charset=utf-8")
    name = slugify(supplier.name) or "catalogue"
    response["Content-Disposition"] = f'attachment; filename="{name}-catalogue.csv"'
    return response
