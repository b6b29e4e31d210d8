"""The tender API's bodies. Money, weights and scores travel as strings, never floats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema

from coopbuy.api.schemas import Input, Money, Text, decimal_string
from coopbuy.tenders.confirmation import Saving
from coopbuy.tenders.models import Bid, BidRevision, Tender, TenderItem

DecimalText = Annotated[
    Decimal,
    BeforeValidator(decimal_string),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,6}(\.\d{1,6})?$", "examples": ["0.10"]}),
]
"""A weight or a share, sent as a decimal string ("0.10"), as the tender contract has them."""


class TenderIn(Input):
    federation_slug: str | None = Field(None, description="Owner: a federation you coordinate…")
    group_slug: str | None = Field(None, description="…or a group you coordinate (exactly one).")
    title: Text = Field(max_length=160)
    deadline: datetime
    description: Text = Field("", max_length=4000)
    delivery_points: Text = Field("", max_length=2000)
    delivery_from: date | None = None
    delivery_until: date | None = None
    split: Literal["lot", "item", "units"] = Field("item", description="As the tender contract.")
    criteria: dict[str, str] = Field(
        default_factory=dict, description='Published criteria → weights, e.g. {"organic": "0.10"}.'
    )
    max_weight_sum: DecimalText = Decimal("0.5")


class ItemIn(Input):
    code: Text = Field(max_length=64)
    name: Text = Field(max_length=200)
    quantity: int = Field(ge=0)
    unit: Text = Field("", max_length=80)
    case_size: int = Field(1, ge=1)
    lot: Text = Field("", max_length=64)
    category: Text = Field("", max_length=80)
    specification: Text = Field("", max_length=2000)


class DemandIn(Input):
    supplier_name: Text = Field("", max_length=120)
    category: Text = Field("", max_length=80)
    rounds: int = Field(3, ge=1, le=24)


class InviteIn(Input):
    supplier_id: int


class ConfirmIn(Input):
    group_slug: str | None = Field(None, description="For a federation: your group that keeps it.")


class ReasonIn(Input):
    reason: Text = Field(max_length=2000)


class BidTierIn(Schema):
    min_quantity: int
    unit_price: Money


class PriceIn(Schema):
    item: Text = Field(max_length=64)
    unit_price: Money
    capacity: int | None = None
    tiers: list[BidTierIn] = Field(default_factory=list, max_length=20)


class BidIn(Input):
    prices: list[PriceIn] = Field(max_length=1000)
    delivery_fee: Money = Decimal(0)
    min_order_value: Money = Decimal(0)
    valid_until: date | None = None
    criteria: dict[str, str] = Field(default_factory=dict)
    note: Text = Field("", max_length=2000)


class ItemOut(Schema):
    code: str
    name: str
    unit: str
    case_size: int
    quantity: int
    from_rounds: int | None = Field(
        description="Units pooled demand took from the last rounds (null: entered by hand)."
    )
    from_interest: int | None = Field(
        description="Units pooled demand took from members' open pledges (registered interest)."
    )
    lot: str

    @classmethod
    def of(cls, item: TenderItem) -> ItemOut:
        return cls(
            code=item.code, name=item.name, unit=item.unit, case_size=item.case_size,
            quantity=item.quantity, from_rounds=item.from_rounds,
            from_interest=item.from_interest, lot=item.lot,
        )  # fmt: skip


class TenderOut(Schema):
    id: int
    title: str
    owner: str
    status: str
    split: str
    deadline: datetime
    criteria: dict[str, str]
    max_weight_sum: str
    not_confirmed_reason: str

    @classmethod
    def of(cls, tender: Tender) -> TenderOut:
        return cls(
            id=tender.pk, title=tender.title, owner=tender.owner_name, status=tender.status,
            split=tender.split, deadline=tender.deadline, criteria=tender.criteria,
            max_weight_sum=str(tender.max_weight_sum),
            not_confirmed_reason=tender.not_confirmed_reason,
        )  # fmt: skip


class TenderDetailOut(TenderOut):
    items: list[ItemOut]
    invited_supplier_ids: list[int]
    bid_count: int = Field(description="Bids standing; their content is sealed until the deadline.")
    result: dict[str, Any] | None = Field(description="The published award, once awarded.")


class BidLineOut(Schema):
    item: str
    unit_price: Money
    capacity: int | None
    tiers: list[list[Any]]


class OwnBidOut(Schema):
    status: str | None
    revision: int | None
    submitted_at: datetime | None
    withdrawn: bool
    delivery_fee: Money | None
    min_order_value: Money | None
    criteria: dict[str, str]
    prices: list[BidLineOut]

    @classmethod
    def of(cls, bid: Bid | None, revision: BidRevision | None) -> OwnBidOut:
        live = revision is not None and not revision.withdrawn
        return cls(
            status=bid.status if bid else None,
            revision=revision.number if revision else None,
            submitted_at=revision.submitted_at if revision else None,
            withdrawn=bool(revision and revision.withdrawn),
            delivery_fee=revision.delivery_fee if revision and live else None,
            min_order_value=revision.min_order_value if revision and live else None,
            criteria=revision.criteria if revision and live else {},
            prices=[
                BidLineOut(
                    item=line.item.code,
                    unit_price=line.unit_price,
                    capacity=line.capacity,
                    tiers=line.tiers,
                )
                for line in (revision.lines.all() if revision and live else [])
            ],
        )


class TenderInvitationOut(Schema):
    tender: TenderOut
    supplier_id: int
    supplier_name: str


class SavingLineOut(Schema):
    item: str
    units: int
    paid: Money
    tender_unit_price: Money
    at_tender_price: Money
    saving: Money


class SavingOut(Schema):
    lines: list[SavingLineOut]
    paid: Money
    at_tender_price: Money
    saving: Money
    opted_in: bool

    @classmethod
    def of(cls, saving: Saving, opted_in: bool) -> SavingOut:
        return cls(
            lines=[
                SavingLineOut(
                    item=line.code,
                    units=line.units,
                    paid=line.paid,
                    tender_unit_price=line.tender_unit_price,
                    at_tender_price=line.at_tender_price,
                    saving=line.saving,
                )
                for line in saving.lines
            ],
            paid=saving.paid,
            at_tender_price=saving.at_tender_price,
            saving=saving.total,
            opted_in=opted_in,
        )
