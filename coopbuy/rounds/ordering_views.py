"""The ordering page: products, the basket (htmx updates), the budget, suppliers' progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.errors import UserFacingError
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import group_for_member
from coopbuy.ledger.selectors import spending_explanation
from coopbuy.rounds import errors, extensions, ordering, services, spending
from coopbuy.rounds.forms import BasketForm, BudgetForm
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.permissions import round_for_member
from coopbuy.rounds.views import request_user, round_context


def _order_context(
    request: HttpRequest, round: Round, membership: Membership, only: int | None = None
) -> dict[str, Any]:
    query = request.GET.get("q", "").strip()[:80]
    category = request.GET.get("category", "")[:80]
    mine_only = request.GET.get("mine") == "1"
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows, has_more = ordering.product_rows(
        round=round,
        membership=membership,
        query=query,
        category=category,
        page=page,
        only=only,
        mine_only=mine_only,
    )
    return {
        "rows": rows,
        "has_more": has_more,
        "next_page": page + 1,
        "query": query,
        "category": category,
        "mine_only": mine_only,
        **_spending(round, membership),
        "accepting": round.is_open and timezone.now() < round.closes_at,
        "closed_message": errors.closed_message(round),
    }


def _spending(round: Round, membership: Membership) -> dict[str, Any]:
    """The basket, and what the member may still add to it under the group's money rules."""
    summary = ordering.basket_summary(round=round, membership=membership)
    return {
        "summary": summary,
        "available_to_spend": spending.spending_left(
            membership=membership, basket_total=summary.total
        ),
        "spending_explanation": spending_explanation(
            membership=membership, committed=summary.total
        ),
    }


@login_required
def order_page(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, membership, round = round_for_member(slug=slug, round_id=round_id, user=request.user)
    if round.status == Round.Status.DRAFT:
        return render(request, "rounds/not_open.html", round_context(group, membership, round))
    context = {
        **round_context(group, membership, round),
        **_order_context(request, round, membership),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "rounds/_product_page.html", context)
    context["categories"] = ordering.categories(round=round)
    context["suppliers"] = ordering.supplier_progress(round=round)
    context["panels"] = extensions.ordering_panels(round=round, membership=membership)
    return render(request, "rounds/order.html", context)


@login_required
def order_suppliers(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """The group's progress towards each supplier's minimum and free delivery (htmx refresh)."""
    group, membership, round = round_for_member(slug=slug, round_id=round_id, user=request.user)
    if round.status == Round.Status.DRAFT:
        raise Http404(_("This round is not open yet."))
    context = {
        **round_context(group, membership, round),
        "suppliers": ordering.supplier_progress(round=round),
    }
    return render(request, "rounds/_supplier_progress.html", context)


@login_required
@require_POST
def basket_update(request: HttpRequest, slug: str, round_id: int, product_id: int) -> HttpResponse:
    """One product's quantity or tolerance; the htmx answer is the row and the summary (oob).

    A refused value is explained beside the field and the row shows what is really saved.
    """
    group, membership = group_for_member(slug=slug, user=request.user)
    membership.group = group
    form = BasketForm(request.POST)
    error = None
    change = None
    if form.is_valid():
        quantity, tolerance = form.cleaned_data["quantity"], form.cleaned_data["tolerance"] or 0
        step = request.POST.get("step", "")
        if step in ("quantity:1", "quantity:-1"):
            quantity = max(0, quantity + int(step.split(":")[1]))
        elif step in ("tolerance:1", "tolerance:-1"):
            tolerance = max(0, tolerance + int(step.split(":")[1]))
        try:  # the service locks the round and checks it is this group's (404 otherwise)
            change = services.basket_set(
                round=Round(pk=round_id, group=group),
                user=request_user(request),
                product_id=product_id,
                quantity=quantity,
                tolerance=tolerance,
                membership=membership,
            )
        except UserFacingError as failure:
            error = failure.message
    else:
        error = form_error_text(form)
    if change is not None and request.htmx:  # type: ignore[attr-defined]
        context = {  # the service worked out what the page shows: no more queries
            **round_context(group, membership, change.round),
            "row": change.row,
            "summary": change.summary,
            "available_to_spend": change.spending.left(change.summary.total),
            "spending_explanation": change.spending.explanation(change.summary.total),
            "accepting": True,
            "oob": True,
            # The group's totals per supplier come back in the same answer (out of band): a
            # second request after each change raced the next change's under load.
            "suppliers": ordering.supplier_progress(round=change.round),
            # The panels that follow the basket too: a pooled round's (the pool's totals), a
            # subsidy programme's (what it would pay towards the basket).
            "panels": extensions.basket_panels(round=change.round, membership=membership),
        }
        response = render(request, "rounds/_basket_update.html", context)
        response["HX-Trigger"] = "basket-changed"
        return response
    group, membership, round = round_for_member(slug=slug, round_id=round_id, user=request.user)
    if not request.htmx:  # type: ignore[attr-defined]
        get_object_or_404(RoundProduct, round=round, pk=product_id)
        if error:
            messages.error(request, error)
        return redirect("rounds:order", slug=group.slug, round_id=round.pk)
    context = {
        **round_context(group, membership, round),
        **_order_context(request, round, membership, only=product_id),
        "error": error,
        "oob": True,
    }
    if not context["rows"]:
        raise Http404(_("There is no such product in this round."))
    context["row"] = context["rows"][0]
    return render(request, "rounds/_basket_update.html", context, status=200)


def form_error_text(form: BasketForm) -> str:
    """The refusal of a value the form cannot take, in words that say what to type instead."""
    for name in ("quantity", "tolerance"):
        raw = str(form.data.get(name, "")).strip()
        if name in form.errors:
            what = _("the quantity") if name == "quantity" else _("the extra")
            return _(
                "%(value)s is not possible for %(what)s: give a whole number from 0 to 9999."
            ) % {
                "value": raw or _("An empty value"),
                "what": what,
            }
    return _("Give a whole number from 0 to 9999.")


@login_required
@require_POST
def budget(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, membership, round = round_for_member(slug=slug, round_id=round_id, user=request.user)
    form = BudgetForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.budget_set(
                round=round, user=request_user(request), amount=form.cleaned_data["amount"]
            )
        except UserFacingError as failure:
            error = failure.message
    else:
        error = _("Give an amount such as 40.00.")
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        return redirect("rounds:order", slug=group.slug, round_id=round.pk)
    context = {
        **round_context(group, membership, round),
        **_spending(round, membership),
        "accepting": round.is_open and timezone.now() < round.closes_at,
        "budget_error": error,
    }
    return render(request, "rounds/_basket_summary.html", context)
