"""Schemas of the rounds' delivery API: receiving, sorting by product and the collection table."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StrictBool, WithJsonSchema

from coopbuy.api.schemas import Input, Money, Text
from coopbuy.catalog.api_schemas import INT32, Whole
from coopbuy.rounds.models import MemberRoundCharge, ReceivingRecord, RoundProduct
from coopbuy.rounds.selectors import ProductPick

Kind = Literal["as_ordered", "short", "extra", "substituted", "price_changed"]


InvoicePrice = Annotated[
    Money,
    Field(ge=0, max_digits=7, decimal_places=2),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,5}\.\d{2}$", "examples": ["2.40"]}),
]
"""A price per unit on a supplier's invoice: up to 99,999.99, so members' amounts always fit."""


class ReceivingRecordOut(Schema):
    id: int
    kind: Kind
    units_ordered: int
    units_received: int
    old_unit_price: Money
    new_unit_price: Money
    substitute_name: str
    leftover_units: int = Field(description="Units nobody asked for: the group's surplus.")
    note: str
    recorded_by: str | None
    recorded_at: datetime

    @classmethod
    def of(cls, record: ReceivingRecord) -> ReceivingRecordOut:
        return cls(
            id=record.pk,
            kind=record.kind,  # type: ignore[arg-type]
            units_ordered=record.units_ordered,
            units_received=record.units_received,
            old_unit_price=record.old_unit_price,
            new_unit_price=record.new_unit_price,
            substitute_name=record.substitute_name,
            leftover_units=record.leftover_units,
            note=record.note,
            recorded_by=record.recorded_by.name if record.recorded_by else None,
            recorded_at=record.recorded_at,
        )


class ReceivedProductOut(Schema):
    """A product ordered from a supplier, what arrived of it and every record entered for it."""

    id: int
    sku: str
    name: str
    unit_description: str
    supplier: str
    case_size: int
    cases: int
    units_ordered: int
    received_units: int | None = Field(description="Null until something is recorded.")
    unit_price: Money = Field(description="The price per unit members pay for (supplier's).")
    substitute_name: str
    records: list[ReceivingRecordOut] = Field(description="Newest first.")
    drop_units: int | None = Field(
        None,
        description="A pooled round's group: the units the federation sent its drop (what "
        "`units_received` may be at most; `cases` are the whole pool's). Null otherwise.",
    )

    @classmethod
    def of(
        cls, product: RoundProduct, records: list[ReceivingRecord], drop_units: int | None = None
    ) -> ReceivedProductOut:
        return cls(
            id=product.pk,
            sku=product.sku,
            name=product.name,
            unit_description=product.unit_description,
            supplier=product.supplier.name,
            case_size=product.case_size,
            cases=product.cases or 0,
            units_ordered=(product.cases or 0) * product.case_size,
            received_units=product.received_units,
            unit_price=product.applied_unit_price or product.unit_price,
            substitute_name=product.substitute_name,
            records=[ReceivingRecordOut.of(r) for r in records],
            drop_units=drop_units,
        )


class ReceiveIn(Input):
    """What arrived of one product, as on the web's receiving page."""

    product: Whole = Field(ge=1, le=2**62, description="The round's product (its `id`).")
    units_received: Whole = Field(ge=0, le=INT32, description="Units that arrived.")
    invoice_unit_price: InvoicePrice | None = Field(
        None, description="The price per unit on the invoice, if it changed."
    )
    substitute_name: Text = Field("", max_length=200, description="What came instead, if any.")
    note: Text = Field("", max_length=300)


class PickShareOut(Schema):
    name: str
    units: int


class ProductPickOut(Schema):
    product_id: int
    name: str
    unit: str
    total: int
    members: list[PickShareOut] = Field(description="Whose bag gets how many, by name.")

    @classmethod
    def of(cls, pick: ProductPick) -> ProductPickOut:
        return cls(
            product_id=pick.product_id,
            name=pick.name,
            unit=pick.unit,
            total=pick.total,
            members=[PickShareOut(name=who, units=units) for who, units in pick.members],
        )


class CollectionOut(Schema):
    membership_id: int
    name: str
    total: Money
    collected: bool
    collected_at: datetime | None
    note: str

    @classmethod
    def of(cls, charge: MemberRoundCharge) -> CollectionOut:
        return cls(
            membership_id=charge.membership_id,
            name=charge.membership.user.name,
            total=charge.total,
            collected=charge.collected_at is not None,
            collected_at=charge.collected_at,
            note=charge.collection_note,
        )


class CollectIn(Input):
    collected: StrictBool = Field(description="The bag was collected (false: not yet).")
    note: Text = Field("", max_length=300, description="A problem at collection, if any.")


class ReceivingDoneOut(Schema):
    members_told: int = Field(description="How many members were sent their one email.")
