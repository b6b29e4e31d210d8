"""What a supplier user sees: the purchase orders addressed to their supplier (read-only).

A purchase order exists once the round has been ordered from the supplier (the round is ordered,
received or settled); its lines are the round's whole cases of that supplier's products. The
supplier is found through `catalog.permissions.supplier_for_user`, so any other supplier is not
found. Bids come in a later issue.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coopbuy.catalog.models import Supplier
from coopbuy.catalog.permissions import supplier_for_user
from coopbuy.rounds.documents import PurchaseOrder, purchase_order
from coopbuy.rounds.models import Round, RoundSupplier

ORDERED = (Round.Status.ORDERED, Round.Status.RECEIVED, Round.Status.SETTLED)


def purchase_orders_of_supplier(*, supplier: Supplier) -> QuerySet[RoundSupplier]:
    """The supplier's purchase orders, newest round first."""
    return (
        RoundSupplier.objects.filter(supplier=supplier, ordered=True, round__status__in=ORDERED)
        .select_related("round__group")
        .order_by("-round__closes_at", "-pk")
    )


def purchase_orders(*, supplier: Supplier) -> list[PurchaseOrder]:
    return [purchase_order(rs.round, rs) for rs in purchase_orders_of_supplier(supplier=supplier)]


@login_required
def supplier_orders(request: HttpRequest, supplier_id: int) -> HttpResponse:
    supplier = supplier_for_user(supplier_id=supplier_id, user=request.user)
    return render(
        request,
        "rounds/supplier_orders.html",
        {"supplier": supplier, "orders": purchase_orders(supplier=supplier)},
    )
