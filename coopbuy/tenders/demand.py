"""A draft tender's items from pooled demand: what the owner's groups bought in their last rounds,
and the interest their members have registered and not yet bought.

**From rounds.** For every owner group (the group, or the federation's member groups), its last
`rounds` finished rounds (closed or later, by closing time) are read; per product order code (SKU)
the units allocated to members are added up (a round without allocations yet counts its demand
lines), and the expected quantity is the average per round, rounded up, summed over the groups.

**From interest.** Registered interest in a product is a pledge in a campaign (`campaigns`): a
member says, without an order, how many units they would take. The open interest is every pledge
still standing (active) in the owner groups' own campaigns still open, by the campaign group's
current members (a pledge by someone outside the group, through a share link, is not the
group's demand); their units are added per campaign. A campaign is for one product of one of its
group's suppliers: it counts for that product's code when the supplier's catalogue has a product
named as the campaign is (the campaign keeps no product id); otherwise it is an item of its own,
`campaign-<id>`, named and counted in the campaign's unit. (`interest` holds no products or
quantities, only categories, suppliers and a spend per order of people looking for a group: it
cannot say how many units of what.)

Products are chosen by supplier name or category (either, both or none; a campaign with no
catalogue product has no category, so a category leaves it out). The expected quantity is rounds
plus interest, each kept on the item (`from_rounds`, `from_interest`) and shown apart; items keep
the code, name, unit, case size and category of the latest round that had them (else the
catalogue's product); all stay editable before publishing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.catalog.models import Product
from coopbuy.groups.models import Membership
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
    rounds, latest = _from_rounds(tender, spec)
    interest, described = _from_interest(tender, spec)
    described.update(
        {sku: ItemInput(sku, p.name, 0, p.unit_description, p.case_size, category=p.category)
         for sku, p in latest.items()}
    )  # fmt: skip
    out = []
    for code in sorted(set(rounds) | set(interest)):
        r, i = rounds.get(code, 0), interest.get(code, 0)
        if r + i > 0:
            out.append(replace(described[code], quantity=r + i, from_rounds=r, from_interest=i))
    return out


def _from_rounds(
    tender: Tender, spec: DemandFilter
) -> tuple[dict[str, int], dict[str, RoundProduct]]:
    """The last rounds' average per product code, and the latest round's product of each."""
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
    return totals, latest


def _from_interest(
    tender: Tender, spec: DemandFilter
) -> tuple[dict[str, int], dict[str, ItemInput]]:
    """The members' open pledges per item code, and how each code is described."""
    groups = owner_groups(tender)
    campaigns = Campaign.objects.filter(
        group__in=groups, status=Campaign.Status.OPEN, owner="", supplier__isnull=False
    ).select_related("supplier")
    if spec.supplier_name:
        campaigns = campaigns.filter(supplier__name__iexact=spec.supplier_name.strip())
    units = dict(
        Pledge.objects.filter(campaign__in=campaigns, status=Pledge.Status.ACTIVE)
        .filter(
            Exists(
                Membership.objects.active().filter(
                    group=OuterRef("campaign__group"), user=OuterRef("user")
                )
            )
        )
        .values("campaign_id")
        .annotate(units=Sum("quantity"))
        .values_list("campaign_id", "units")
    )
    wanted = [c for c in campaigns.order_by("pk") if units.get(c.pk)]
    products: dict[tuple[int, str], Product] = {}
    for p in Product.objects.filter(supplier__in={c.supplier_id for c in wanted}).order_by("-pk"):
        products[(p.supplier_id, p.name.casefold())] = p  # the oldest of a name, by pk
    totals: dict[str, int] = {}
    described: dict[str, ItemInput] = {}
    category = spec.category.strip().casefold()
    for c in wanted:
        product = products.get((c.supplier_id or 0, c.title.casefold()))
        if product is not None:
            code = product.sku
            item = ItemInput(code, product.name, 0, product.unit_description, product.case_size,
                             category=product.category)  # fmt: skip
        else:
            code = f"campaign-{c.pk}"
            item = ItemInput(code, c.title, 0, c.unit)
        if category and item.category.casefold() != category:
            continue
        totals[code] = totals.get(code, 0) + int(units[c.pk])
        described[code] = item
    return totals, described


@transaction.atomic
def tender_prefill(*, tender: Tender, actor: User, spec: DemandFilter) -> list[TenderItem]:
    """Fill (or refresh) a draft's items from pooled demand; other items stay as they are."""
    require_organiser(tender=tender, user=actor)
    if not 1 <= spec.rounds <= 24:
        raise TenderError(_("Look back 1 to 24 rounds."), field="rounds")
    tender = locked_tender(tender, actor=actor)
    require_draft(tender)
    items = [check_item(item) for item in pooled_demand(tender, spec)]
    if not items:
        raise TenderError(
            _(
                "The groups bought nothing matching this in their last rounds, and their "
                "members registered no interest in it."
            ),
            field="supplier_name",
        )
    saved = save_items(tender, items)
    audit_record(
        action="tender.prefilled",
        summary=_("%(user)s filled %(count)s items of %(title)s from pooled demand")
        % {"user": actor.name, "count": len(saved), "title": tender.title},
        actor=actor,
        group=tender.group if tender.group_id else None,
        data={
            "tender": tender.pk,
            "items": [i.code for i in saved],
            "from_interest": {i.code: i.from_interest for i in items if i.from_interest},
        },
    )
    return saved
