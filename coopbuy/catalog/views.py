"""Supplier and product pages: thin views that parse, check access (`permissions`), call a
service, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.catalog import image_services, selectors, services
from coopbuy.catalog.forms import (
    BaseTierFormSet,
    ProductForm,
    ProductImageForm,
    ProductSearchForm,
    SupplierForm,
    TierFormSet,
)
from coopbuy.catalog.images.decoding import MAX_BYTES as MAX_IMAGE_BYTES
from coopbuy.catalog.models import Product, Supplier
from coopbuy.catalog.permissions import (
    product_for_coordinator,
    supplier_for_coordinator,
    supplier_for_member,
)
from coopbuy.errors import UserFacingError
from coopbuy.groups.permissions import can_manage, group_for_coordinator, group_for_member

PAGE_SIZE = 50
SUPPLIER_FIELDS = list(SupplierForm.base_fields)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _form_error(form: Any, error: UserFacingError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@login_required
def suppliers(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_member(slug=slug, user=request.user)
    show_archived = request.GET.get("archived") == "1"
    listing = selectors.suppliers_for_group(group=group, include_archived=show_archived)
    archived_count = Supplier.objects.filter(group=group, is_active=False).count()
    return render(
        request,
        "catalog/suppliers.html",
        {
            "group": group,
            "membership": membership,
            "suppliers": listing,
            "can_manage": can_manage(membership),
            "show_archived": show_archived,
            "archived_count": archived_count,
        },
    )


@login_required
def supplier_create(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_coordinator(slug=slug, user=request.user)
    form = SupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supplier = services.supplier_create(
                group=group, actor=_user(request), **form.cleaned_data
            )
        except UserFacingError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is added. Add products or import a price list.")
                % {"name": supplier.name},
            )
            return redirect("catalog:supplier", slug=group.slug, supplier_id=supplier.pk)
    return render(
        request,
        "catalog/supplier_form.html",
        {"group": group, "membership": membership, "form": form, "supplier": None},
    )


@login_required
def supplier_edit(request: HttpRequest, slug: str, supplier_id: int) -> HttpResponse:
    group, membership, supplier = supplier_for_coordinator(
        slug=slug, user=request.user, supplier_id=supplier_id
    )
    form = SupplierForm(
        request.POST or None, initial={f: getattr(supplier, f) for f in SUPPLIER_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_update(supplier=supplier, actor=_user(request), **form.cleaned_data)
        except UserFacingError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The supplier is saved."))
            return redirect("catalog:supplier", slug=group.slug, supplier_id=supplier.pk)
    return render(
        request,
        "catalog/supplier_form.html",
        {"group": group, "membership": membership, "form": form, "supplier": supplier},
    )


@login_required
@require_POST
def supplier_archive(request: HttpRequest, slug: str, supplier_id: int) -> HttpResponse:
    group, _membership, supplier = supplier_for_coordinator(
        slug=slug, user=request.user, supplier_id=supplier_id
    )
    if request.POST.get("restore"):
        services.supplier_restore(supplier=supplier, actor=_user(request))
        messages.success(request, _("%(name)s is active again.") % {"name": supplier.name})
    else:
        services.supplier_archive(supplier=supplier, actor=_user(request))
        messages.success(
            request,
            _("%(name)s is archived: it is kept for history but not offered in new rounds.")
            % {"name": supplier.name},
        )
    return redirect("catalog:supplier", slug=group.slug, supplier_id=supplier.pk)


@login_required
def supplier_detail(request: HttpRequest, slug: str, supplier_id: int) -> HttpResponse:
    group, membership, supplier = supplier_for_member(
        slug=slug, user=request.user, supplier_id=supplier_id
    )
    search = ProductSearchForm(request.GET)
    data = search.cleaned_data if search.is_valid() else {}
    query, category = data.get("q", ""), data.get("category", "")
    available_only = bool(data.get("available"))
    products = selectors.products_for_supplier(
        supplier=supplier, query=query, category=category, available_only=available_only
    )
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    manage = can_manage(membership)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "group": group,
        "membership": membership,
        "supplier": supplier,
        "search": search,
        "query": query,
        "category": category,
        "categories": selectors.categories_for_supplier(supplier=supplier),
        "page": page,
        "page_params": params.urlencode(),
        "can_manage": manage,
        "imports": selectors.recent_imports(supplier=supplier) if manage else [],
    }
    template = "catalog/_products.html" if request.htmx else "catalog/supplier_detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _product_initial(product: Product) -> dict[str, Any]:
    initial = {f: getattr(product, f) for f in ProductForm.base_fields if hasattr(product, f)}
    initial["vat_percent"] = (product.vat_rate * 100).normalize()
    return initial


def _product_form_page(
    request: HttpRequest,
    slug: str,
    supplier_id: int,
    product: Product | None,
    image_form: ProductImageForm | None = None,
    **lookup: Any,
) -> HttpResponse:
    """The product's form, bound to the POST unless the POST was the picture's (`image_form`)."""
    group, membership, supplier = lookup["group"], lookup["membership"], lookup["supplier"]
    posted = request.method == "POST" and image_form is None
    initial = _product_initial(product) if product else {}
    tier_initial = (
        [{"min_cases": t.min_cases, "unit_price": t.unit_price} for t in product.price_tiers.all()]
        if product
        else []
    )
    bound = request.POST if posted else None
    form = ProductForm(bound, initial=initial, sku_fixed=product is not None)
    tiers = cast(
        BaseTierFormSet,
        TierFormSet(bound, initial=[*tier_initial, {}, {}], prefix="tiers"),
    )
    if posted and form.is_valid() and tiers.is_valid():
        data = dict(form.cleaned_data)
        vat_percent = data.pop("vat_percent")
        data["vat_rate"] = (Decimal(vat_percent) / 100).quantize(Decimal("0.0001"))
        if product is not None:
            data["sku"] = product.sku
        try:
            if product is None and supplier.products.filter(sku=data["sku"].strip()).exists():
                raise services.CatalogError(
                    _("A product with this SKU exists: edit it instead."), field="sku"
                )
            saved = services.product_save(
                supplier=supplier, actor=_user(request), tiers=tiers.tiers(), **data
            )
        except UserFacingError as error:
            field = "vat_percent" if error.field == "vat_rate" else error.field
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
            return redirect(
                reverse("catalog:supplier", args=[group.slug, supplier.pk]) + f"#product-{saved.pk}"
            )
    return render(
        request,
        "catalog/product_form.html",
        {
            "group": group,
            "membership": membership,
            "supplier": supplier,
            "product": product,
            "form": form,
            "tiers": tiers,
            "image_form": image_form or ProductImageForm(),
        },
        status=422 if image_form is not None else 200,
    )


@login_required
def product_create(request: HttpRequest, slug: str, supplier_id: int) -> HttpResponse:
    group, membership, supplier = supplier_for_coordinator(
        slug=slug, user=request.user, supplier_id=supplier_id
    )
    return _product_form_page(
        request, slug, supplier_id, None, group=group, membership=membership, supplier=supplier
    )


@login_required
def product_edit(
    request: HttpRequest, slug: str, supplier_id: int, product_id: int
) -> HttpResponse:
    group, membership, supplier, product = product_for_coordinator(
        slug=slug, user=request.user, supplier_id=supplier_id, product_id=product_id
    )
    return _product_form_page(
        request, slug, supplier_id, product, group=group, membership=membership, supplier=supplier
    )


@login_required
@require_POST
def product_availability(
    request: HttpRequest, slug: str, supplier_id: int, product_id: int
) -> HttpResponse:
    group, _membership, supplier, product = product_for_coordinator(
        slug=slug, user=request.user, supplier_id=supplier_id, product_id=product_id
    )
    available = request.POST.get("available") == "1"
    product = services.product_set_available(
        product=product, actor=_user(request), available=available
    )
    if request.htmx:  # type: ignore[attr-defined]
        product = Product.objects.prefetch_related("price_tiers").get(pk=product.pk)
        return render(
            request,
            "catalog/_product_row.html",
            {
                "p": product,
                "group": group,
                "supplier": supplier,
                "can_manage": True,
                "row_saved": True,
            },
        )
    messages.success(
        request,
        (_("%(name)s is available.") if available else _("%(name)s is unavailable."))
        % {"name": product.name},
    )
    return redirect(
        reverse("catalog:supplier", args=[group.slug, supplier.pk]) + f"#product-{product.pk}"
    )


@login_required
@require_POST
def product_image(
    request: HttpRequest, slug: str, supplier_id: int, product_id: int
) -> HttpResponse:
    """Upload a product's picture, or remove it (`remove`); a refused picture is shown as the
    edit page's error, and nothing changes."""
    group, membership, supplier, product = product_for_coordinator(
        slug=slug, user=request.user, supplier_id=supplier_id, product_id=product_id
    )
    edit = reverse("catalog:product_edit", args=[group.slug, supplier.pk, product.pk])
    if request.POST.get("remove"):
        image_services.product_image_remove(product=product, actor=_user(request))
        messages.success(request, _("The picture of %(name)s is removed.") % {"name": product.name})
        return redirect(edit)
    form = ProductImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            image_services.product_image_upload(
                product=product,
                actor=_user(request),
                content=form.cleaned_data["image"].read(MAX_IMAGE_BYTES + 1),
            )
        except UserFacingError as error:
            form.add_error("image", error.message)
        else:
            messages.success(request, _("%(name)s has a new picture.") % {"name": product.name})
            return redirect(edit)
    return _product_form_page(
        request,
        slug,
        supplier_id,
        product,
        image_form=form,
        group=group,
        membership=membership,
        supplier=supplier,
    )
