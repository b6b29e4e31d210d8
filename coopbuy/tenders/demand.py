"""A draft tender's items from pooled demand: what the owner's groups bought in their last rounds.

For every owner group (the group, or the federation's member groups), its last `rounds` finished
rounds (closed or later, by closing time) are read; per product order code (SKU) the units
allocated to members are added up (a round without allocations yet counts its demand lines), and
the expected quantity is the average per round, rounded up, summed over the groups. Products are
chosen by supplier name or category (either, both or none). Items keep the code, name, unit,
case size and category of the latest round that had them; all stay editable before publishing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.rounds.models import Allocation, DemandLine, Round, RoundProduct
from coopbuy.tenders.models import Tender, TenderItem
from coopbuy.tenders.permissions import owner_groups, require_organiser
from coopbuy.tenders.services import (
    ItemInput,
    TenderError,
    check_item,
    locked_tender,
    require_draft,
    save_items,
)

FINISHED = ("closed", "ordered", "received", "settled")


@dataclass(frozen=True, slots=True)
class DemandFilter:
    supplier_name: str = ""
    category: str = ""
    rounds: int = 3


def pooled_demand(tender: Tender, spec: DemandFilter) -> list[ItemInput]:
    """The expected quantity per product code over the owner's groups (see the module doc)."""
    totals: dict[str, int] = {}
    latest: dict[str, RoundProduct] = {}
    for group in owner_groups(tender):
        rounds = list(
            Round.objects.filter(group=group, status__in=FINISHED).order_by("-closes_at", "-pk")[
                : spec.rounds
            ]
        )
        if not rounds:
            continue
        per_group: dict[str, int] = {}
        for round_ in reversed(rounds):
            products = RoundProduct.objects.filter(round=round_).select_related("supplier")
            if spec.supplier_name:
                products = products.filter(supplier__name__iexact=spec.supplier_name.strip())
            if spec.category:
                products = products.filter(category__iexact=spec.category.strip())
            rows: list[tuple[int, int]] = list(
                Allocation.objects.filter(product__in=products)
                .values("product_id")
                .annotate(units=Sum("units"))
                .values_list("product_id", "units")
            )
            if not rows:
                rows = list(
                    DemandLine.objects.filter(product__in=products)
                    .values("product_id")
                    .annotate(units=Sum("quantity"))
                    .values_list("product_id", "units")
                )
            by_pk = {p.pk: p for p in products}
            for product_id, units in rows:
                product = by_pk[product_id]
                per_group[product.sku] = per_group.get(product.sku, 0) + int(units or 0)
                latest[product.sku] = product
        for sku, units in per_group.items():
            totals[sku] = totals.get(sku, 0) - (-units // len(rounds))  # ceil of the average
    return [
        ItemInput(
            code=sku,
            name=latest[sku].name,
            quantity=totals[sku],
            unit=latest[sku].unit_description,
            case_size=latest[sku].case_size,
            category=latest[sku].category,
        )
        for sku in sorted(totals)
        if totals[sku] > 0
    ]


@transaction.atomic
def tender_prefill(*, tender: Tender, actor: User, spec: DemandFilter) -> list[TenderItem]:
    """Fill (or refresh) a draft's items from pooled demand; other items stay as they are."""
    require_organiser(tender=tender, user=actor)
    if not 1 <= spec.rounds <= 24:
        raise TenderError(_("Look back 1 to 24 rounds."), field="rounds")
    tender = locked_tender(tender)
    require_draft(tender)
    items = [check_item(item) for item in pooled_demand(tender, spec)]
    if not items:
        raise TenderError(
            _("The groups bought nothing matching this in their last rounds."),
            field="supplier_name",
        )
    saved = save_items(tender, items)
    audit_record(
        action="tender.prefilled",
        summary=_("%(user)s filled %(count)s items of %(title)s from pooled demand")
        % {"user": actor.name, "count": len(saved), "title": tender.title},
        actor=actor,
        group=tender.group if tender.group_id else None,
        data={"tender": tender.pk, "items": [i.code for i in saved]},
    )
    return saved
