"""Suppliers' and members' tender pages.

A supplier user sees the tenders its supplier is invited to, submits, revises or withdraws its
own bid until the deadline, and after the award sees the published result. A member of an owner
group sees the award and their expected saving, and opts in.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.tenders import selectors
from coopbuy.tenders.bidding import bid_submit, bid_withdraw
from coopbuy.tenders.confirmation import expected_saving, tender_opt_in
from coopbuy.tenders.forms import BidForm
from coopbuy.tenders.models import BidRevision, Tender, TenderOptIn
from coopbuy.tenders.permissions import AFTER_AWARD, tender_for_member, tender_for_supplier


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _initial(revision: BidRevision | None) -> dict[str, Any]:
    if revision is None or revision.withdrawn:
        return {}
    initial: dict[str, Any] = {
        "delivery_fee": revision.delivery_fee,
        "min_order_value": revision.min_order_value,
        "valid_until": revision.valid_until,
    }
    for line in revision.lines.all():
        initial[f"price_{line.item.code}"] = line.unit_price
        initial[f"capacity_{line.item.code}"] = line.capacity
        initial[f"tiers_{line.item.code}"] = ", ".join(f"{q}: {p}" for q, p in line.tiers)
    for name, score in revision.criteria.items():
        initial[f"criterion_{name}"] = Decimal(score)
    return initial


@login_required
def bid(request: HttpRequest, tender_id: int, supplier_id: int) -> HttpResponse:
    tender, supplier = tender_for_supplier(
        tender_id=tender_id, supplier_id=supplier_id, user=request.user
    )
    items = list(tender.items.all())
    own, revision = selectors.own_bid(tender=tender, supplier=supplier)
    form = BidForm(request.POST or None, tender=tender, items=items, initial=_initial(revision))
    if request.method == "POST" and form.is_valid():
        try:
            bid_submit(
                tender=tender, supplier=supplier, actor=_user(request), data=form.bid_input()
            )
        except UserFacingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your bid is in. You can revise it until the deadline."))
            return redirect("tenders:bid", tender_id=tender.pk, supplier_id=supplier.pk)
    open_ = tender.status == Tender.Status.PUBLISHED and not tender.is_past_deadline(timezone.now())
    mine = [r for r in tender.result.get("bids", []) if own and r["id"] == f"bid-{own.pk}"]
    return render(
        request,
        "tenders/bid.html",
        {
            "tender": tender,
            "supplier": supplier,
            "form": form if open_ else None,
            "bid": own,
            "revision": revision,
            "result": selectors.published_result(tender) if tender.status in AFTER_AWARD else None,
            "my_result": mine[0] if mine else None,
            "my_awards": [
                a for a in tender.result.get("awards", []) if own and a["bid"] == f"bid-{own.pk}"
            ],
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, tender_id: int, supplier_id: int) -> HttpResponse:
    tender, supplier = tender_for_supplier(
        tender_id=tender_id, supplier_id=supplier_id, user=request.user
    )
    try:
        bid_withdraw(tender=tender, supplier=supplier, actor=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your bid is withdrawn. You can bid again until the deadline."))
    return redirect("tenders:bid", tender_id=tender.pk, supplier_id=supplier.pk)


@login_required
def saving(request: HttpRequest, tender_id: int) -> HttpResponse:
    tender, membership = tender_for_member(tender_id=tender_id, user=request.user)
    return render(
        request,
        "tenders/saving.html",
        {
            "tender": tender,
            "saving": expected_saving(tender=tender, user=_user(request)),
            "opted_in": TenderOptIn.objects.filter(tender=tender, membership=membership).first(),
            "can_opt_in": tender.status == Tender.Status.CONFIRMED,
        },
    )


@login_required
@require_POST
def opt_in(request: HttpRequest, tender_id: int) -> HttpResponse:
    tender, membership = tender_for_member(tender_id=tender_id, user=request.user)
    try:
        tender_opt_in(tender=tender, membership=membership)
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are in: the next pooled round will use these prices."))
    return redirect("tenders:saving", tender_id=tender.pk)
