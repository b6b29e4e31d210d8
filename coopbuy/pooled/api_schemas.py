"""The pooled rounds API's schemas: a federation's runners see per-group totals, never a basket."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from coopbuy.api.schemas import Input, Money, Text
from coopbuy.federations.api_schemas import GroupOwesOut
from coopbuy.pooled.models import PooledDrop, PooledGroupResult, PooledReceiving, PooledRound
from coopbuy.rounds.api_delivery_schemas import InvoicePrice, Kind
from coopbuy.rounds.api_schemas import Moment, Policy, SupplierId


class PooledRoundIn(Input):
    """A new pooled round, as the federation's form takes it; times carry their UTC offset."""

    name: Text = Field(min_length=1, max_length=120)
    supplier_id: SupplierId = Field(description="A supplier the federation shares.")
    opens_at: Moment
    closes_at: Moment = Field(description="Orders are refused from this time on.")
    policy: Policy = Field("fcfs", description="How a case that cannot be filled is shared.")
    drop_fee: Money = Field(Decimal("0.00"), description="What each group pays for its drop.")


class PooledRoundOut(Schema):
    id: int
    name: str
    status: str
    supplier: str
    opens_at: datetime
    closes_at: datetime
    policy: str
    drop_fee: Money
    goods: Money = Field(description="What the supplier bills for goods (closed rounds).")
    delivery_fee: Money = Field(description="The supplier's delivery fee applied at close.")

    @classmethod
    def of(cls, pool: PooledRound) -> PooledRoundOut:
        return cls(
            id=pool.pk, name=pool.name, status=pool.status, supplier=pool.supplier.name,
            opens_at=pool.opens_at, closes_at=pool.closes_at, policy=pool.policy,
            drop_fee=pool.drop_fee, goods=pool.goods, delivery_fee=pool.applied_delivery_fee,
        )  # fmt: skip


class PooledDropOut(Schema):
    product: str
    sku: str
    units: int
    unit_price: Money
    alone_units: int
    alone_cases: int
    alone_unit_price: Money
    extra_cases: int

    @classmethod
    def of(cls, d: PooledDrop) -> PooledDropOut:
        return cls(
            product=d.name, sku=d.sku, units=d.units, unit_price=d.unit_price,
            alone_units=d.alone_units, alone_cases=d.alone_cases,
            alone_unit_price=d.alone_unit_price, extra_cases=d.extra_cases,
        )  # fmt: skip


class PooledGroupOut(Schema):
    group: str
    goods: Money
    delivery: Money
    drop_fee: Money
    total: Money
    owed_to_federation: Money
    members_receiving: int
    received_quantity: int
    alone_goods: Money
    alone_delivery: Money
    alone_total: Money
    alone_received_quantity: int
    pooling_saving: Money = Field(description="May be negative: pooling cost more.")
    extra_cases: int = Field(description="Cases only the pool filled for this group.")
    drop: list[PooledDropOut]

    @classmethod
    def of(cls, r: PooledGroupResult, drops: list[PooledDrop]) -> PooledGroupOut:
        return cls(
            group=r.group.slug, goods=r.goods, delivery=r.delivery, drop_fee=r.drop_fee,
            total=r.total, owed_to_federation=r.owed, members_receiving=r.members_receiving,
            received_quantity=r.received_quantity, alone_goods=r.alone_goods,
            alone_delivery=r.alone_delivery, alone_total=r.alone_total,
            alone_received_quantity=r.alone_received_quantity, pooling_saving=r.pooling_saving,
            extra_cases=r.extra_cases, drop=[PooledDropOut.of(d) for d in drops],
        )  # fmt: skip


class PooledRoundDetailOut(PooledRoundOut):
    groups: list[PooledGroupOut]


class PooledSavingOut(Schema):
    received_quantity: int
    goods: Money
    delivery: Money
    alone_received_quantity: int
    alone_goods: Money
    alone_delivery: Money
    alone_total: Money
    pooling_saving: Money
    sentence: str


class FederationSupplierPaymentIn(Input):
    supplier_id: int = Field(ge=1, le=2**62, description="A supplier the federation owes.")
    amount: Money = Field(description='What the federation paid it, e.g. "120.00".')
    method: Literal["bank", "cash"] = Field("bank", description="From its bank or cash box.")
    reference: Text = Field("", max_length=120)


class FederationSupplierPaymentOut(Schema):
    transaction_id: int
    supplier_id: int
    supplier: str
    amount: Money
    owed: Money = Field(description="What the federation still owes the supplier.")


class SupplierOwedOut(Schema):
    supplier_id: int
    name: str
    owed: Money = Field(description="What the federation owes it (its payable's balance).")


class FederationBalancesOut(Schema):
    currency: str
    groups: list[GroupOwesOut] = Field(description="What each group owes the federation.")
    suppliers: list[SupplierOwedOut] = Field(description="What it owes each pooled supplier.")


class FederationReportRoundOut(Schema):
    """One closed pooled round, summed over the groups that took part."""

    pool_id: int
    name: str
    closed_at: datetime
    supplier: str
    groups: int = Field(description="Groups that took part.")
    members_receiving: int
    goods: Money = Field(description="Goods at the pooled prices, before VAT and markup.")
    delivery: Money = Field(description="The supplier's delivery fee shared out plus drop fees.")
    pooling_saving: Money = Field(description="Summed over the groups; negative: pooling cost.")
    extra_cases: int = Field(description="Cases only the pool filled.")


class FederationReportGroupOut(Schema):
    """One group over every closed pooled round it took part in."""

    group: str = Field(description="The group's slug.")
    name: str
    rounds: int = Field(description="Closed pooled rounds it took part in.")
    goods: Money
    delivery: Money
    spend: Money = Field(description="Goods plus delivery and drop fees.")
    pooling_saving: Money = Field(description="Negative: pooling cost the group more.")
    extra_cases: int


class FederationReportOut(Schema):
    currency: str
    rounds: list[FederationReportRoundOut] = Field(
        description="The last 24 closed pooled rounds, newest first."
    )
    groups: list[FederationReportGroupOut] = Field(description="Every group, by name.")


class ReceivedLineIn(Input):
    product_id: int = Field(ge=1, le=2**62, description="A product of the pooled order.")
    units_received: int = Field(ge=0, le=2**31 - 1, description="Units that reached it.")
    invoice_unit_price: InvoicePrice | None = Field(
        None, description="The price per unit on the supplier's invoice (absent: it stands)."
    )
    substitute_name: Text = Field(
        "", max_length=200, description="What came in the product's place (empty: the product)."
    )


class PooledReceivingIn(Input):
    """What reached the federation of each product: one session, one transaction."""

    lines: list[ReceivedLineIn] = Field(max_length=1000)
    note: Text = Field("", max_length=300)


class ExpectedLineOut(Schema):
    product_id: int
    name: str
    case_size: int
    units: int = Field(description="What the federation expects now: its groups' drops summed.")
    unit_price: Money = Field(description="What members pay a unit now, before VAT and markup.")
    substitute_name: str


class ReceivingLineOut(Schema):
    product_id: int
    name: str
    kind: Kind
    units_ordered: int
    units_received: int
    old_unit_price: Money | None = Field(description="None: recorded before prices were taken.")
    new_unit_price: Money | None
    substitute_name: str
    leftover_units: int = Field(description="Units nobody asked for: the federation's leftover.")


class PooledReceivingOut(Schema):
    id: int
    created_at: datetime
    note: str
    members_told: int
    lines: list[ReceivingLineOut]

    @classmethod
    def of(cls, r: PooledReceiving) -> PooledReceivingOut:
        return cls(
            id=r.pk, created_at=r.created_at, note=r.note, members_told=r.members_told,
            lines=[
                ReceivingLineOut(
                    product_id=x.product_id, name=x.name, kind=x.kind,  # type: ignore[arg-type]
                    units_ordered=x.units_ordered, units_received=x.units_received,
                    old_unit_price=x.old_unit_price, new_unit_price=x.new_unit_price,
                    substitute_name=x.substitute_name, leftover_units=x.leftover_units,
                )
                for x in r.lines.all()
            ],
        )  # fmt: skip


class LeftoverOut(Schema):
    name: str
    units: int


class PooledReceivingStateOut(Schema):
    can_receive: bool = Field(
        description="False before the close, once cancelled, or once a group received its drop."
    )
    expected: list[ExpectedLineOut]
    sessions: list[PooledReceivingOut]
    leftovers: list[LeftoverOut] = Field(description="The federation's leftover, by product.")
