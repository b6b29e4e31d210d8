"""Importing and exporting price lists: upload, preview, confirm or discard, export CSV."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from coopbuy.catalog import selectors, services
from coopbuy.catalog.export import export_csv
from coopbuy.catalog.forms import ImportUploadForm
from coopbuy.catalog.imports.formats import COLUMNS, REQUIRED
from coopbuy.catalog.imports.reading import MAX_BYTES
from coopbuy.catalog.models import CatalogImport
from coopbuy.catalog.permissions import (
    import_for_coordinator,
    supplier_for_coordinator,
    supplier_for_member,
)
from coopbuy.catalog.views import _user
from coopbuy.errors import UserFacingError

SECTION_SIZE = 100
SECTIONS = ("errors", "new", "changed", "vanished")
FIELD_LABELS = {
    "name": _lazy("name"),
    "category": _lazy("category"),
    "unit_description": _lazy("unit"),
    "case_size": _lazy("case size"),
    "unit_price": _lazy("unit price"),
    "vat_rate": _lazy("VAT rate"),
    "deposit": _lazy("deposit"),
    "retail_unit_price": _lazy("retail price"),
    "origin": _lazy("origin"),
    "manufacturer": _lazy("manufacturer"),
    "note": _lazy("note"),
    "weight_grams": _lazy("weight (g)"),
    "min_cases": _lazy("minimum cases"),
    "max_cases": _lazy("maximum cases"),
    "is_available": _lazy("available"),
    "tiers": _lazy("volume prices"),
}


@login_required
def import_upload(request: HttpRequest, slug: str, supplier_id: int) -> HttpResponse:
    group, membership, supplier = supplier_for_coordinator(
        slug=slug, user=request.user, supplier_id=supplier_id
    )
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size is not None and upload.size > MAX_BYTES:
                raise UserFacingError(
                    _("The file is larger than %(mb)s MB: split it or remove unused sheets.")
                    % {"mb": MAX_BYTES // (1024 * 1024)}
                )
            catalog_import = services.catalog_import_preview(
                supplier=supplier,
                actor=_user(request),
                filename=upload.name or "upload",
                content=upload.read(),
            )
        except UserFacingError as error:
            form.add_error("file", error.message)
        else:
            return redirect(
                "catalog:import_preview",
                slug=group.slug,
                supplier_id=supplier.pk,
                import_id=catalog_import.pk,
            )
    return render(
        request,
        "catalog/import_upload.html",
        {
            "group": group,
            "membership": membership,
            "supplier": supplier,
            "form": form,
            "columns": list(COLUMNS),
            "required": REQUIRED,
            "imports": selectors.recent_imports(supplier=supplier, limit=10),
        },
    )


def _display(field: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if field == "vat_rate":
        return f"{(float(value) * 100):g} %"
    if field == "is_available":
        return _("yes") if value else _("no")
    if field == "tiers":
        return "; ".join(_("from %(n)s cases %(p)s") % {"n": c, "p": p} for c, p in value) or "—"
    return str(value)


@login_required
def import_preview(
    request: HttpRequest, slug: str, supplier_id: int, import_id: int
) -> HttpResponse:
    group, membership, supplier, stored = import_for_coordinator(
        slug=slug, user=request.user, supplier_id=supplier_id, import_id=import_id
    )
    now = selectors.catalog_import_as_now(catalog_import=stored)  # computed, never stored here
    catalog_import = now.catalog_import
    section = request.GET.get("section", "")
    if section not in SECTIONS:
        section = "errors" if catalog_import.errors else "changed"
    if section == "errors":
        items: list[Any] = catalog_import.errors
    else:
        items = catalog_import.changes.get(section, [])
    page = Paginator(items, SECTION_SIZE).get_page(request.GET.get("page"))
    if section == "changed":
        for entry in page.object_list:
            entry["shown"] = [
                (FIELD_LABELS.get(f, f), _display(f, old), _display(f, new))
                for f, old, new in entry["fields"]
            ]
    counts = {"errors": len(catalog_import.errors), **catalog_import.counts}
    return render(
        request,
        "catalog/import_preview.html",
        {
            "group": group,
            "membership": membership,
            "supplier": supplier,
            "imp": catalog_import,
            "section": section,
            "page": page,
            "counts": counts,
            "sections": SECTIONS,
            "pending": catalog_import.status == CatalogImport.Status.PENDING,
            "stale": now.stale,
            "pictures": selectors.image_fetches(catalog_import=stored),
            "pictures_named": sum(1 for row in catalog_import.rows if row.get("image_url")),
        },
    )


@login_required
@require_POST
def import_confirm(
    request: HttpRequest, slug: str, supplier_id: int, import_id: int
) -> HttpResponse:
    group, _membership, supplier, catalog_import = import_for_coordinator(
        slug=slug, user=request.user, supplier_id=supplier_id, import_id=import_id
    )
    back = redirect(
        "catalog:import_preview", slug=group.slug, supplier_id=supplier.pk, import_id=import_id
    )
    if request.POST.get("refresh"):
        try:
            services.catalog_import_refresh(catalog_import=catalog_import, actor=_user(request))
        except UserFacingError as error:
            messages.error(request, error.message)
        else:
            messages.info(request, _("The preview is compared with the catalogue as it is now."))
        return back
    if request.POST.get("discard"):
        services.catalog_import_discard(catalog_import=catalog_import, actor=_user(request))
        messages.info(request, _("The import is discarded; the catalogue is unchanged."))
        return redirect("catalog:supplier", slug=group.slug, supplier_id=supplier.pk)
    try:
        summary = services.catalog_import_apply(catalog_import=catalog_import, actor=_user(request))
    except services.ImportOutdated as error:
        services.catalog_import_refresh(catalog_import=catalog_import, actor=_user(request))
        messages.warning(request, error.message)
        return back
    except UserFacingError as error:
        messages.error(request, error.message)
        return back
    messages.success(
        request,
        _(
            "The price list is imported: %(new)s new, %(changed)s changed, %(gone)s made "
            "unavailable."
        )
        % {"new": summary.created, "changed": summary.updated, "gone": summary.made_unavailable},
    )
    pictures = selectors.image_fetches(catalog_import=catalog_import, limit=0)
    if pictures["total"]:
        messages.info(
            request,
            _(
                "%(n)s pictures named in the file are fetched in the background: the import's "
                "page (under Recent imports) shows which could not be."
            )
            % {"n": pictures["total"]},
        )
    return redirect("catalog:supplier", slug=group.slug, supplier_id=supplier.pk)


@login_required
def export(request: HttpRequest, slug: str, supplier_id: int) -> HttpResponse:
    _group, _membership, supplier = supplier_for_member(
        slug=slug, user=request.user, supplier_id=supplier_id
    )
    response = HttpResponse(export_csv(supplier), content_type="text/csv; charset=utf-8")
    name = slugify(supplier.name) or "catalogue"
    response["Content-Disposition"] = f'attachment; filename="{name}-catalogue.csv"'
    return response
