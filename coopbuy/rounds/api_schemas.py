"""Schemas of the rounds' API: rounds, the ordering rows, my basket, allocations, pick lists."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, WithJsonSchema

from coopbuy.api.schemas import Input, Money, Text, decimal_string, whole_number
from coopbuy.catalog.api_schemas import Price, Whole
from coopbuy.rounds.closing import CloseResult
from coopbuy.rounds.models import Allocation, MemberRoundCharge, Round, RoundSupplier
from coopbuy.rounds.ordering import BasketSummary, ProductRow
from coopbuy.rounds.selectors import Bag

Status = Literal["draft", "open", "closed", "ordered", "received", "settled", "cancelled"]
Policy = Literal["fcfs", "proportional", "optimal"]
DeliveryShare = Literal["value", "weight", "household"]


class RoundSupplierOut(Schema):
    supplier_id: int | None = Field(
        description="The group's supplier (as in /suppliers/{supplier_id}); null if it is gone."
    )
    name: str
    ordered: bool = Field(description="Whether the close ordered anything from it.")
    goods: Money = Field(description="What was ordered from it (after the close).")
    delivery_fee: Money = Field(description="The delivery fee it charges this round.")

    @classmethod
    def of(cls, supplier: RoundSupplier) -> RoundSupplierOut:
        return cls(
            supplier_id=supplier.supplier_id,
            name=supplier.name,
            ordered=supplier.ordered,
            goods=supplier.goods,
            delivery_fee=supplier.applied_delivery_fee,
        )


class RoundOut(Schema):
    id: int
    name: str
    status: Status
    policy: Policy
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    currency: str
    markup_rate: str = Field(description="A fraction added to every price: 0.0500 is 5 %.")
    delivery_share: DeliveryShare = Field(description="How delivery costs are shared.")
    wanted_by: date | None = Field(
        None, description="When the group wants the delivery (on the purchase order), or null."
    )
    repeats_every_weeks: int | None = Field(
        description="The next round opens when this one closes, this many weeks on; or null."
    )
    suppliers: list[str]
    supplier_orders: list[RoundSupplierOut] = Field(
        description="Each supplier of the round: its id for the purchase order files, and what "
        "was ordered from it."
    )

    @classmethod
    def of(cls, round: Round) -> RoundOut:
        suppliers = list(round.suppliers.all())
        schedule = round.schedule if round.schedule_id is not None else None
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
            delivery_share=round.delivery_share,  # type: ignore[arg-type]
            wanted_by=round.wanted_by,
            repeats_every_weeks=schedule.interval_weeks
            if schedule is not None and schedule.is_active
            else None,
            suppliers=[s.name for s in suppliers],
            supplier_orders=[RoundSupplierOut.of(s) for s in suppliers],
        )


def _a_time_string(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError("send a date and time such as 2026-11-27T18:00:00+00:00")
    return value


def _this_millennium(value: datetime) -> datetime:
    """In the years 2000 to 2999, and in UTC: an offset such as +17:33 is valid RFC 3339 but
    beyond what PostgreSQL stores (±15:59), so the instant is kept, not the offset."""
    if not 2000 <= value.year <= 2999:
        raise ValueError("give a year from 2000 to 2999")
    return value.astimezone(UTC)


Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_a_time_string),
    AfterValidator(_this_millennium),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": r"^2\d{3}-",
            "examples": ["2026-11-27T18:00:00+00:00"],
        }
    ),
]
"""A point in time with its UTC offset (RFC 3339), in the years 2000 to 2999."""


Percent = Annotated[
    Decimal,
    BeforeValidator(decimal_string),
    Field(ge=0, lt=100, max_digits=4, decimal_places=2),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}(\.\d{1,2})?$", "examples": ["5.00"]}),
]


# The bounds before the validator, so that the schema says them (as minimum and maximum).
SupplierId = Annotated[int, Field(ge=1, le=2**62), BeforeValidator(whole_number)]


class RoundIn(Input):
    """A new round, as the web's form takes it; times carry their UTC offset."""

    name: Text = Field(min_length=1, max_length=120)
    suppliers: list[SupplierId] = Field(
        min_length=1, max_length=100, description="Ids of the group's active suppliers."
    )
    opens_at: Moment
    closes_at: Moment = Field(description="Orders are refused from this time on.")
    policy: Policy = Field("fcfs", description="How a case that cannot be filled is shared.")
    markup_percent: Percent = Field(Decimal(0), description="Added to every price: 5.00 is 5 %.")
    delivery_share: DeliveryShare = Field("value", description="How delivery costs are shared.")
    wanted_by: date | None = Field(
        None, description="When the group wants the delivery; not before the close's day."
    )


class RoundChangeIn(Input):
    """Only the fields sent change."""

    closes_at: Moment | None = Field(None, description="The new deadline of a draft or open round.")
    wanted_by: date | None = Field(
        None,
        description="When the group wants the delivery (null: no date), until the order is sent.",
    )


class RepeatIn(Input):
    interval_weeks: Whole = Field(ge=1, le=12, description="Repeat every this many weeks.")


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


class SettleOut(Schema):
    round: RoundOut
    invoices: int = Field(description="How many members were sent an invoice.")


class BudgetIn(Input):
    amount: Price | None = Field(
        description="The most I will spend on the round's goods; null removes my budget."
    )


class BudgetOut(Schema):
    amount: Money | None = Field(description="My budget for the round, or null.")
    applies: bool = Field(description="Budgets apply only to rounds shared optimally.")
    available_to_spend: Money | None = Field(
        description="What I may still add to my basket; null when the group sets no limit."
    )
    explanation: str
    summary: SummaryOut


class RoundFilter(Schema):
    status: Status | None = Field(None, description="Only rounds in this state, e.g. open.")
