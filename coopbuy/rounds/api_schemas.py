"""Schemas of the rounds' API: rounds, the ordering rows, my basket, allocations, pick lists."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from coopbuy.api.schemas import Input, Money, Text
from coopbuy.catalog.api_schemas import Whole
from coopbuy.rounds.closing import CloseResult
from coopbuy.rounds.models import Allocation, MemberRoundCharge, Round
from coopbuy.rounds.ordering import BasketSummary, ProductRow
from coopbuy.rounds.selectors import Bag

Status = Literal["draft", "open", "closed", "ordered", "received", "settled", "cancelled"]


class RoundOut(Schema):
    id: int
    name: str
    status: Status
    policy: Literal["fcfs", "proportional", "optimal"]
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    currency: str
    markup_rate: str = Field(description="A fraction added to every price: 0.0500 is 5 %.")
    suppliers: list[str]

    @classmethod
    def of(cls, round: Round) -> RoundOut:
        return cls(
            id=round.pk,
            name=round.name,
            status=round.status,  # type: ignore[arg-type]
            policy=round.policy,  # type: ignore[arg-type]
            opens_at=round.opens_at,
            closes_at=round.closes_at,
            closed_at=round.closed_at,
            currency=round.currency,
            markup_rate=f"{Decimal(round.markup_rate).quantize(Decimal('0.0001'))}",
            suppliers=[s.name for s in round.suppliers.all()],
        )


class ProgressOut(Schema):
    cases: int = Field(description="Cases that would be ordered if the round closed now.")
    in_next_case: int = Field(description="Units (tolerance included) toward the next case.")
    more_to_fill: int = Field(description="Units still needed to fill the next case.")
    next_tier_cases: int | None
    capped: bool


class RoundProductOut(Schema):
    id: int
    sku: str
    name: str
    category: str
    unit_description: str
    supplier: str
    case_size: int
    price: Money = Field(description="What a member pays per unit: VAT, deposit, markup included.")
    next_tier_price: Money | None
    quantity: int = Field(description="My quantity.")
    tolerance: int = Field(description="How many more I would take to fill a case.")
    progress: ProgressOut

    @classmethod
    def of(cls, row: ProductRow) -> RoundProductOut:
        p, progress = row.product, row.progress
        return cls(
            id=p.pk,
            sku=p.sku,
            name=p.name,
            category=p.category,
            unit_description=p.unit_description,
            supplier=p.supplier.name,
            case_size=p.case_size,
            price=row.price,
            next_tier_price=row.next_tier_price,
            quantity=row.quantity,
            tolerance=row.tolerance,
            progress=ProgressOut(
                cases=progress.cases,
                in_next_case=progress.in_next_case,
                more_to_fill=progress.more_to_fill,
                next_tier_cases=progress.next_tier_cases,
                capped=progress.capped,
            ),
        )


class RoundProductsOut(Schema):
    items: list[RoundProductOut]
    next: str | None = Field(description="The next page of products, or null.")


class ProductsQuery(Schema):
    q: Text = Field("", max_length=100)
    category: Text = Field("", max_length=80)
    page: int = Field(1, ge=1, le=100_000)


class SummaryOut(Schema):
    lines: int
    units: int
    total: Money = Field(description="At base prices with VAT, deposit and markup.")
    goods: Money
    budget: Money | None

    @classmethod
    def of(cls, summary: BasketSummary) -> SummaryOut:
        return cls(
            lines=summary.lines,
            units=summary.units,
            total=summary.total,
            goods=summary.goods,
            budget=summary.budget,
        )


class BasketLineOut(Schema):
    product: int
    name: str
    quantity: int
    tolerance: int


class BasketOut(Schema):
    lines: list[BasketLineOut]
    summary: SummaryOut


class BasketIn(Input):
    quantity: Whole = Field(ge=0, le=9999)
    tolerance: Whole = Field(0, ge=0, le=9999)


class BasketSetOut(Schema):
    product: RoundProductOut
    summary: SummaryOut


class AllocationOut(Schema):
    product: int
    name: str
    requested: int
    units: int
    amount: Money
    explanation: str

    @classmethod
    def of(cls, allocation: Allocation) -> AllocationOut:
        return cls(
            product=allocation.product_id,
            name=allocation.product.substitute_name or allocation.product.name,
            requested=allocation.requested,
            units=allocation.units,
            amount=allocation.amount,
            explanation=allocation.explanation,
        )


class ChargeOut(Schema):
    goods: Money
    deposit: Money
    vat: Money
    markup: Money
    delivery: Money
    total: Money

    @classmethod
    def of(cls, charge: MemberRoundCharge) -> ChargeOut:
        return cls(
            goods=charge.goods,
            deposit=charge.deposit,
            vat=charge.vat,
            markup=charge.markup,
            delivery=charge.delivery,
            total=charge.total,
        )


class MyAllocationsOut(Schema):
    allocations: list[AllocationOut]
    charge: ChargeOut | None = Field(description="Null until the round has closed.")


class PickItemOut(Schema):
    name: str
    unit: str
    units: int


class BagOut(Schema):
    membership_id: int
    name: str
    items: list[PickItemOut]

    @classmethod
    def of(cls, bag: Bag) -> BagOut:
        items = [PickItemOut(name=i.name, unit=i.unit, units=i.units) for i in bag.items]
        return cls(membership_id=bag.membership_id, name=bag.name, items=items)


class CloseOut(Schema):
    round: RoundOut
    closed_now: bool = Field(description="False: it was closed already; nothing changed.")
    members: int
    lines: int

    @classmethod
    def of(cls, result: CloseResult) -> CloseOut:
        return cls(
            round=RoundOut.of(result.round),
            closed_now=result.closed_now,
            members=result.members,
            lines=result.lines,
        )
