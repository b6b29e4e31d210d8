"""The ordering page's data, in a fixed number of queries whatever the catalogue or basket size.

One query for a page of products (50, plus one to know whether there are more), one for the
totals of all members and the member's own on those products, one for the categories, one for the
whole basket with its prices. Progress and prices come from the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum

from coopbuy.core.charges import ChargeLine, member_charges
from coopbuy.core.money import from_minor, to_minor
from coopbuy.core.pricing import gross_price
from coopbuy.core.progress import CaseProgress, case_progress
from coopbuy.groups.models import Membership
from coopbuy.rounds.adapters import tiers_of
from coopbuy.rounds.models import DemandLine, MemberBudget, Round, RoundProduct, RoundSupplier

PAGE_SIZE = 50


@dataclass(frozen=True)
class ProductRow:
    product: RoundProduct
    price: Decimal  # what a member pays a unit: VAT, deposit and markup included
    quantity: int  # this member's
    tolerance: int
    progress: CaseProgress
    next_tier_price: Decimal | None  # the member's price at the next tier
    pooled: bool = False  # the progress counts every group of the round's pool


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
    mine_only: bool = False,
) -> tuple[list[ProductRow], bool]:
    """A page of the round's products with everybody's progress and this member's basket.

    `mine_only`: only the products in the member's basket (a quantity or a tolerance).
    """
    products = RoundProduct.objects.filter(round=round)
    if only is not None:
        products = products.filter(pk=only)
    if mine_only:
        products = products.filter(
            pk__in=DemandLine.objects.filter(round=round, membership=membership).values(
                "product_id"
            )
        )
    if category:
        products = products.filter(category=category)
    if query:
        products = products.filter(Q(name__icontains=query) | Q(sku__iexact=query))
    start = (max(page, 1) - 1) * PAGE_SIZE
    chunk = list(
        products.select_related("supplier", "product").order_by("category", "name", "pk")[
            start : start + PAGE_SIZE + 1
        ]
    )
    has_more = len(chunk) > PAGE_SIZE
    chunk = chunk[:PAGE_SIZE]
    ids = [p.pk for p in chunk]
    mine_q = Sum("quantity", filter=Q(membership=membership))
    mine_t = Sum("tolerance", filter=Q(membership=membership))
    if round.pool_id is None:
        lines = DemandLine.objects.filter(product_id__in=ids)
        key = "product_id"
    else:  # a pooled round's child: the case fills with every group's demand
        catalog = {p.product_id: p.pk for p in chunk if p.product_id is not None}
        lines = DemandLine.objects.filter(
            round__pool_id=round.pool_id, product__product_id__in=catalog
        )
        key = "product__product_id"
    totals = {
        pid: (q or 0, t or 0, my_q or 0, my_t or 0)
        for pid, q, t, my_q, my_t in lines.values(key)
        .annotate(q=Sum("quantity"), t=Sum("tolerance"), my_q=mine_q, my_t=mine_t)
        .values_list(key, "q", "t", "my_q", "my_t")
    }
    if round.pool_id is not None:
        totals = {catalog[k]: v for k, v in totals.items() if k in catalog}
    rows = []
    for p in chunk:
        q, t, my_q, my_t = totals.get(p.pk, (0, 0, 0, 0))
        rows.append(row_for(round, p, quantity=q, tolerance=t, mine=(my_q, my_t)))
    return rows, has_more


def row_for(
    round: Round, product: RoundProduct, *, quantity: int, tolerance: int, mine: tuple[int, int]
) -> ProductRow:
    """One product's row from everybody's totals and this member's own figures (no query)."""
    progress = case_progress(
        case_size=product.case_size,
        quantity=quantity,
        tolerance=tolerance,
        tiers=tiers_of(product.tiers),
        max_cases=product.max_cases,
    )
    tier_price = progress.next_tier_price
    return ProductRow(
        product,
        member_price(round, product, product.unit_price),
        mine[0],
        mine[1],
        progress,
        None if tier_price is None else member_price(round, product, tier_price),
        round.pool_id is not None,
    )


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
    rows = (
        DemandLine.objects.filter(round=round, membership=membership, quantity__gt=0)
        .values("product_id")
        .annotate(q=Sum("quantity"))
        .values_list(
            "product__supplier_id",
            "q",
            "product__unit_price",
            "product__vat_rate",
            "product__deposit",
        )
    )
    budget = (
        MemberBudget.objects.filter(round=round, membership=membership)
        .values_list("amount", flat=True)
        .first()
        if round.policy == Round.Policy.OPTIMAL
        else None
    )
    return summarise(round, [(sup or 0, q, p, v, d) for sup, q, p, v, d in rows], budget)


def summarise(
    round: Round, rows: list[tuple[int, int, Decimal, Decimal, Decimal]], budget: Decimal | None
) -> BasketSummary:
    """The basket's figures from (supplier, quantity, unit price, VAT rate, deposit) per product."""
    lines = []
    units = 0
    for sup, q, price, vat, deposit in rows:
        if q <= 0:
            continue
        units += q
        lines.append(ChargeLine("me", str(sup), q, to_minor(price), vat, to_minor(deposit)))
    charge = member_charges(lines, markup_rate=round.markup_rate, delivery_fees={}, members=["me"])[
        "me"
    ]
    return BasketSummary(
        len(lines), units, from_minor(charge.total), from_minor(charge.goods), budget
    )


@dataclass(frozen=True)
class SupplierProgress:
    """The group's orders with one supplier against its minimum and its free-delivery threshold."""

    name: str
    total: Decimal  # everybody's quantities at the supplier's base prices
    minimum: Decimal
    delivery_fee: Decimal
    free_delivery_over: Decimal | None

    @property
    def to_minimum(self) -> Decimal:
        return max(Decimal(0), self.minimum - self.total)

    @property
    def to_free_delivery(self) -> Decimal | None:
        if self.free_delivery_over is None or not self.delivery_fee:
            return None
        return max(Decimal(0), self.free_delivery_over - self.total)

    @property
    def percent_of_minimum(self) -> int:
        if not self.minimum:
            return 100
        return min(100, int(self.total * 100 / self.minimum))


def supplier_progress(*, round: Round) -> list[SupplierProgress]:
    """Every supplier of the round with the group's running total, in one query."""
    total = Sum(
        F("products__demand__quantity") * F("products__unit_price"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    rows = (
        RoundSupplier.objects.filter(round=round)
        .annotate(total=total)
        .order_by("name", "pk")
        .values_list("name", "total", "min_order_value", "delivery_fee", "free_delivery_over")
    )
    return [
        SupplierProgress(name, Decimal(t or 0).quantize(Decimal("0.01")), m, fee, free)
        for name, t, m, fee, free in rows
    ]
