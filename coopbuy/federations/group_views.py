"""A group's federations. Its coordinators apply to one, see where it stands, set the group's
markup on pooled orders, leave (or withdraw an application). Its treasurers see the same page
without those forms, and both pay a federation what the group owes it (`pay`)."""

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
from coopbuy.federations.forms import ApplyForm, FederationPaymentForm, MarkupForm
from coopbuy.federations.models import FederationGroup
from coopbuy.federations.payments import federation_payment_from_group
from coopbuy.groups.models import BuyingGroup
from coopbuy.groups.permissions import group_for_coordinator
from coopbuy.ledger.permissions import group_for_treasurer
from coopbuy.ledger.selectors import format_money


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
    _group, mine = group_for_treasurer(slug=group.slug, user=request.user)
    rows = [_row_context(row) for row in selectors.rows_of_group(group)[:50]]
    context = {"group": group, "membership": mine, "rows": rows, "apply_form": apply_form,
               "can_apply": selectors.federations_open_to(group).exists(),
               "payments": _payments(request, group, rows)}  # fmt: skip
    return render(request, "federations/group.html", context)


def _payments(
    request: HttpRequest, group: BuyingGroup, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """What the group owes each federation it belongs to, with the form to pay it."""
    found = []
    for r in rows:
        row: FederationGroup = r["row"]
        if row.status != FederationGroup.Status.MEMBER:
            continue
        debt = selectors.group_debt(federation=row.federation, group=group)
        form = FederationPaymentForm(
            user_id=_user(request).pk, group=group, initial={"method": "bank"},
            prefix=f"p{row.pk}",
        )  # fmt: skip
        if debt.owed > 0:
            form.initial["amount"] = debt.owed
        found.append(_payment_context(group, row, form, debt))
    return found


def _payment_context(
    group: BuyingGroup,
    row: FederationGroup,
    form: FederationPaymentForm,
    debt: selectors.GroupDebt | None = None,
) -> dict[str, Any]:
    """The pay form with what the group owes (read here unless the caller already has it)."""
    if debt is None:
        debt = selectors.group_debt(federation=row.federation, group=group)
    return {"row": row, "debt": debt, "owed": format_money(debt.owed, group.currency),
            "form": form}  # fmt: skip


@login_required
def group_federations(request: HttpRequest, slug: str) -> HttpResponse:
    group, _mine = group_for_treasurer(slug=slug, user=request.user)
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
        context = _row_context(
            row, group=group, row_error=error, row_saved=error is None, can_change=True
        )
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


@login_required
def pay(request: HttpRequest, slug: str, row_id: int) -> HttpResponse:
    """Pay the federation what the group owes it (its treasurers and coordinators): the form,
    with what is owed; errors with their fields; success back to the group's money page."""
    group, mine = group_for_treasurer(slug=slug, user=request.user)
    row = get_object_or_404(
        FederationGroup.objects.select_related("federation", "federation__book", "group"),
        pk=row_id, group=group, status=FederationGroup.Status.MEMBER,
    )  # fmt: skip
    form = FederationPaymentForm(
        request.POST or None, user_id=_user(request).pk, group=group, prefix=f"p{row.pk}",
        initial={"method": "bank"},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            federation_payment_from_group(
                federation=row.federation, group=group, amount=data["amount"],
                method=data["method"], actor=_user(request),
                idempotency_key=data["idempotency_key"], reference=data["reference"],
            )  # fmt: skip
        except UserFacingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("The payment of %(amount)s to %(name)s is recorded.")
                % {"amount": format_money(data["amount"], group.currency),
                   "name": row.federation.name},
            )  # fmt: skip
            return redirect("federations:pay", slug=group.slug, row_id=row.pk)
    context = {"group": group, "membership": mine, **_payment_context(group, row, form)}
    return render(request, "federations/pay.html", context)
