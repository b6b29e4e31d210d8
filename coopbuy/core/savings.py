"""A closed round's figures for reports: spend, savings, case fill, unmet demand and fairness.

Pure functions over plain facts read from a round (see `coopbuy.reports.inputs`), so a rebuild from
the stored rounds gives exactly what the close wrote. Definitions (docs/adr/0008-reports.md):

- **Savings vs retail** of a line: (retail reference price - the price applied) x units, on lines
  whose product has a retail price (the engine's own `Metrics.savings_vs_retail` rule).
- **Savings vs buying alone**: the goods at the base price (no group tier reached by the group's
  cases) minus the goods at the tier price, plus the delivery a member would have paid ordering
  the same goods alone (each supplier's fee unless the goods at base price reach its free-delivery
  threshold) minus their actual delivery share. It can be negative, and is then reported as such.
- **Case fill**: units allocated to members / units in the cases (the units received once a
  product was received), over products with cases.
- **Fairness** (the engine's rules, `coopbuy.core.metrics`): per member who asked for a quantity,
  quantity received / quantity asked; the lowest, the whole round's ratio and Jain's index, rounded
  half up to 3 places. Nobody asking: every ratio is 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from coopbuy.core.ledger import delivery_alone
from coopbuy.core.metrics import round3
from coopbuy.core.pricing import PriceTier, applied_unit_price

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class ProductFacts:
    id: str
    supplier: str
    case_size: int
    cases: int
    base_price: Decimal  # the unit price without tiers
    tiers: tuple[PriceTier, ...]
    applied_price: Decimal  # the price members pay (tier, or the invoice price after receiving)
    retail_price: Decimal | None
    received_units: int | None = None


@dataclass(frozen=True, slots=True)
class SupplierFacts:
    id: str
    delivery_fee: Decimal
    free_delivery_over: Decimal | None


@dataclass(frozen=True, slots=True)
class LineFacts:
    """A member's demand for one product and what they got of it."""

    member: str
    product: str
    quantity: int
    tolerance: int
    from_quantity: int = 0
    from_tolerance: int = 0

    @property
    def units(self) -> int:
        return self.from_quantity + self.from_tolerance


@dataclass(frozen=True, slots=True)
class ChargeFacts:
    total: Decimal
    delivery: Decimal


@dataclass(frozen=True, slots=True)
class MemberFigures:
    member: str
    spend: Decimal
    goods: Decimal
    delivery: Decimal
    savings_retail: Decimal
    savings_alone: Decimal
    requested_units: int
    received_units: int
    tolerance_offered: int
    tolerance_used: int
    fill: Decimal | None  # None: the member asked for no quantity (tolerance only)


@dataclass(frozen=True, slots=True)
class RoundFigures:
    members_ordering: int
    spend: Decimal
    goods: Decimal
    savings_retail: Decimal
    savings_alone: Decimal
    case_units: int
    case_units_filled: int
    case_fill: Decimal | None  # None: no case was ordered
    requested_units: int
    received_units: int
    unmet_units: int
    tolerance_offered: int
    tolerance_used: int
    demand_fill: Decimal
    lowest_fill: Decimal
    jain: Decimal
    members: tuple[MemberFigures, ...]


def ratio3(value: Fraction | float) -> Decimal:
    """A ratio rounded half up to 3 places, as a `Decimal` (what the aggregates store)."""
    return Decimal(str(round3(value))).quantize(Decimal("0.001"))


def fairness(
    requested: Mapping[str, int], received: Mapping[str, int]
) -> tuple[Decimal, Decimal, Decimal]:
    """(demand fill, lowest member fill, Jain's index) over members who asked for a quantity."""
    askers = [m for m, want in requested.items() if want > 0]
    if not askers:
        return Decimal("1.000"), Decimal("1.000"), Decimal("1.000")
    fill = Fraction(sum(received.get(m, 0) for m in askers), sum(requested[m] for m in askers))
    exact = [Fraction(received.get(m, 0), requested[m]) for m in askers]
    ratios = [float(r) for r in exact]
    squares = math.fsum(r * r for r in ratios)
    jain = math.fsum(ratios) ** 2 / (len(ratios) * squares) if squares else 1.0
    return ratio3(fill), ratio3(min(exact)), ratio3(jain)


def round_figures(
    *,
    products: Sequence[ProductFacts],
    suppliers: Sequence[SupplierFacts],
    lines: Iterable[LineFacts],
    charges: Mapping[str, ChargeFacts],
) -> RoundFigures:
    """Every figure of one round and of each member in it (members: anyone with demand)."""
    product_of = {p.id: p for p in products}
    supplier_of = {s.id: s for s in suppliers}
    tier_price = {p.id: applied_unit_price(p.base_price, p.tiers, p.cases) for p in products}
    per_member: dict[str, list[LineFacts]] = {}
    filled: dict[str, int] = {}
    for line in lines:
        per_member.setdefault(line.member, []).append(line)
        filled[line.product] = filled.get(line.product, 0) + line.units
    members: list[MemberFigures] = []
    for member in sorted(set(per_member) | set(charges)):
        members.append(
            _member_figures(
                member, per_member.get(member, []), product_of, supplier_of, tier_price, charges
            )
        )
    case_units = case_filled = 0
    for p in products:
        if p.cases > 0:
            case_units += (
                p.received_units if p.received_units is not None else p.cases * p.case_size
            )
            case_filled += filled.get(p.id, 0)
    demand_fill, lowest, jain = fairness(
        {m.member: m.requested_units for m in members},
        {m.member: m.received_units for m in members},
    )
    requested = sum(m.requested_units for m in members)
    received = sum(m.received_units for m in members)
    return RoundFigures(
        members_ordering=sum(1 for m in per_member.values() if m),
        spend=sum((m.spend for m in members), ZERO),
        goods=sum((m.goods for m in members), ZERO),
        savings_retail=sum((m.savings_retail for m in members), ZERO),
        savings_alone=sum((m.savings_alone for m in members), ZERO),
        case_units=case_units,
        case_units_filled=case_filled,
        case_fill=ratio3(Fraction(case_filled, case_units)) if case_units else None,
        requested_units=requested,
        received_units=received,
        unmet_units=requested - received,
        tolerance_offered=sum(m.tolerance_offered for m in members),
        tolerance_used=sum(m.tolerance_used for m in members),
        demand_fill=demand_fill,
        lowest_fill=lowest,
        jain=jain,
        members=tuple(members),
    )


def _member_figures(
    member: str,
    lines: list[LineFacts],
    product_of: Mapping[str, ProductFacts],
    supplier_of: Mapping[str, SupplierFacts],
    tier_price: Mapping[str, Decimal],
    charges: Mapping[str, ChargeFacts],
) -> MemberFigures:
    goods = retail = tiers = ZERO
    alone_goods: dict[str, Decimal] = {}
    for line in lines:
        units = line.units
        if not units:
            continue
        p = product_of[line.product]
        goods += p.applied_price * units
        if p.retail_price is not None:
            retail += (p.retail_price - p.applied_price) * units
        tiers += (p.base_price - tier_price[p.id]) * units
        alone_goods[p.supplier] = alone_goods.get(p.supplier, ZERO) + p.base_price * units
    charge = charges.get(member, ChargeFacts(ZERO, ZERO))
    delivery_on_own = sum(
        (
            delivery_alone(
                value,
                delivery_fee=supplier_of[s].delivery_fee,
                free_delivery_over=supplier_of[s].free_delivery_over,
            )
            for s, value in sorted(alone_goods.items())
        ),
        ZERO,
    )
    requested = sum(line.quantity for line in lines)
    received = sum(line.from_quantity for line in lines)
    return MemberFigures(
        member=member,
        spend=charge.total,
        goods=goods,
        delivery=charge.delivery,
        savings_retail=retail,
        savings_alone=tiers + delivery_on_own - charge.delivery,
        requested_units=requested,
        received_units=received,
        tolerance_offered=sum(line.tolerance for line in lines),
        tolerance_used=sum(line.from_tolerance for line in lines),
        fill=ratio3(Fraction(received, requested)) if requested else None,
    )
