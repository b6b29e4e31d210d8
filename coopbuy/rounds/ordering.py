"""The ordering page's data, in a fixed number of queries whatever the catalogue or basket size.

One query for a page of products (50, plus one to know whether there are more), one for the
totals of all members on those products, one for the member's own lines on them, one for the
categories, one for the whole basket with its prices. Progress and prices come from the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from coopbuy.core.charges import ChargeLine, member_charges
from coopbuy.core.money import from_minor, to_minor
from coopbuy.core.pricing import gross_price
from coopbuy.core.progress import CaseProgress, case_progress
from coopbuy.groups.models import Membership
from coopbuy.rounds.adapters import tiers_of
from coopbuy.rounds.models import DemandLine, MemberBudget, Round, RoundProduct

PAGE_SIZE = 50


@dataclass(frozen=True)
class ProductRow:
    product: RoundProduct
    price: Decimal  # what a member pays a unit: VAT, deposit and markup included
    quantity: int  # this member's
    tolerance: int
    progress: CaseProgress
    next_tier_price: Decimal | None  # the member's price at the next tier


@dataclass(frozen=True)
class BasketSummary:
    lines: int
    units: int
    total: Decimal  # base prices + VAT + deposit + markup, before delivery and volume prices
    goods: Decimal  # at the supplier's base prices: what a budget is compared with
    budget: Decimal | None


def member_price(round: Round, product: RoundProduct, net: Decimal) -> Decimal:
    return gross_price(
        net, vat_rate=product.vat_rate, deposit=product.deposit, markup_rate=round.markup_rate
    )


def product_rows(
    *,
    round: Round,
    membership: Membership,
    query: str = "",
    category: str = "",
    page: int = 1,
    only: int | None = None,
) -> tuple[list[ProductRow], bool]:
    """A page of the round's products with everybody's progress and this member's basket."""
    products = RoundProduct.objects.filter(round=round)
    if only is not None:
        products = products.filter(pk=only)
    if category:
        products = products.filter(category=category)
    if query:
        products = products.filter(Q(name__icontains=query) | Q(sku__iexact=query))
    start = (max(page, 1) - 1) * PAGE_SIZE
    chunk = list(
        products.select_related("supplier").order_by("category", "name", "pk")[
            start : start + PAGE_SIZE + 1
        ]
    )
    has_more = len(chunk) > PAGE_SIZE
    chunk = chunk[:PAGE_SIZE]
    ids = [p.pk for p in chunk]
    totals = {
        pid: (q or 0, t or 0)
        for pid, q, t in DemandLine.objects.filter(product_id__in=ids)
        .values("product_id")
        .annotate(q=Sum("quantity"), t=Sum("tolerance"))
        .values_list("product_id", "q", "t")
    }
    mine = {
        pid: (q or 0, t or 0)
        for pid, q, t in DemandLine.objects.filter(product_id__in=ids, membership=membership)
        .values("product_id")
        .annotate(q=Sum("quantity"), t=Sum("tolerance"))
        .values_list("product_id", "q", "t")
    }
    rows = []
    for p in chunk:
        q, t = totals.get(p.pk, (0, 0))
        progress = case_progress(
            case_size=p.case_size,
            quantity=q,
            tolerance=t,
            tiers=tiers_of(p.tiers),
            max_cases=p.max_cases,
        )
        my_q, my_t = mine.get(p.pk, (0, 0))
        tier_price = progress.next_tier_price
        rows.append(
            ProductRow(
                p,
                member_price(round, p, p.unit_price),
                my_q,
                my_t,
                progress,
                None if tier_price is None else member_price(round, p, tier_price),
            )
        )
    return rows, has_more


def categories(*, round: Round) -> list[str]:
    return list(
        RoundProduct.objects.filter(round=round)
        .exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


def basket_summary(*, round: Round, membership: Membership) -> BasketSummary:
    """The member's basket over all the round's suppliers, at base prices, in one query."""
    lines = []
    units = 0
    for _pid, sup, q, price, vat, deposit in (
        DemandLine.objects.filter(round=round, membership=membership, quantity__gt=0)
        .values("product_id")
        .annotate(q=Sum("quantity"))
        .values_list(
            "product_id",
            "product__supplier_id",
            "q",
            "product__unit_price",
            "product__vat_rate",
            "product__deposit",
        )
    ):
        units += q
        lines.append(ChargeLine("me", str(sup), q, to_minor(price), vat, to_minor(deposit)))
    charge = member_charges(lines, markup_rate=round.markup_rate, delivery_fees={}, members=["me"])[
        "me"
    ]
    budget = (
        MemberBudget.objects.filter(round=round, membership=membership)
        .values_list("amount", flat=True)
        .first()
        if round.policy == Round.Policy.OPTIMAL
        else None
    )
    return BasketSummary(
        len(lines), units, from_minor(charge.total), from_minor(charge.goods), budget
    )
