"""A group's federations, for its coordinators: apply to one, see where it stands, set the
group's markup on pooled orders, leave (or withdraw an application)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.federations import membership, selectors
from coopbuy.federations.forms import ApplyForm, MarkupForm
from coopbuy.federations.models import FederationGroup
from coopbuy.groups.models import BuyingGroup
from coopbuy.groups.permissions import group_for_coordinator


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _row_context(row: FederationGroup, **extra: Any) -> dict[str, Any]:
    return {
        "row": row,
        "percent": membership.percent(row.markup_rate),
        "markup_form": MarkupForm(
            initial={"percent": membership.percent(row.markup_rate)}, prefix=f"m{row.pk}"
        ),
        **extra,
    }


def _page(request: HttpRequest, group: BuyingGroup, apply_form: ApplyForm) -> HttpResponse:
    _group, mine = group_for_coordinator(slug=group.slug, user=request.user)
    rows = [_row_context(row) for row in selectors.rows_of_group(group)[:50]]
    context = {"group": group, "membership": mine, "rows": rows, "apply_form": apply_form,
               "can_apply": selectors.federations_open_to(group).exists()}  # fmt: skip
    return render(request, "federations/group.html", context)


@login_required
def group_federations(request: HttpRequest, slug: str) -> HttpResponse:
    group, _mine = group_for_coordinator(slug=slug, user=request.user)
    return _page(request, group, ApplyForm(federations=selectors.federations_open_to(group)))


@login_required
@require_POST
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    group, _mine = group_for_coordinator(slug=slug, user=request.user)
    form = ApplyForm(request.POST, federations=selectors.federations_open_to(group))
    if form.is_valid():
        federation = form.cleaned_data["federation"]
        try:
            membership.federation_apply(
                federation=federation, group=group, actor=_user(request),
                message=form.cleaned_data["message"],
            )  # fmt: skip
        except UserFacingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("%(group)s has applied to %(name)s: its coordinators will answer.")
                % {"group": group.name, "name": federation.name},
            )
            return redirect("federations:group", slug=group.slug)
    return _page(request, group, form)


def _own_row(group: BuyingGroup, row_id: int) -> FederationGroup:
    return get_object_or_404(
        FederationGroup.objects.select_related("federation", "group"), pk=row_id, group=group
    )


@login_required
@require_POST
def markup(request: HttpRequest, slug: str, row_id: int) -> HttpResponse:
    """Set the markup; with htmx only the federation's row is swapped."""
    group, _mine = group_for_coordinator(slug=slug, user=request.user)
    row = _own_row(group, row_id)
    form = MarkupForm(request.POST, prefix=f"m{row.pk}")
    error = None
    if form.is_valid():
        try:
            row = membership.federation_markup_set(
                federation=row.federation, group=group, actor=_user(request),
                markup_rate=form.rate(),
            )  # fmt: skip
        except UserFacingError as exc:
            error = exc.message
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if request.htmx:  # type: ignore[attr-defined]
        row.refresh_from_db()
        context = _row_context(row, group=group, row_error=error, row_saved=error is None)
        if error is not None:
            context["markup_form"] = form
        return render(request, "federations/_group_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("The markup is now %(rate)s %%.") % {"rate": membership.percent(row.markup_rate)},
        )
    return redirect("federations:group", slug=group.slug)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str, row_id: int) -> HttpResponse:
    group, _mine = group_for_coordinator(slug=slug, user=request.user)
    row = _own_row(group, row_id)
    try:
        membership.federation_leave(federation=row.federation, group=group, actor=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(group)s is no longer in %(name)s.")
            % {"group": group.name, "name": row.federation.name},
        )
    return redirect("federations:group", slug=group.slug)
