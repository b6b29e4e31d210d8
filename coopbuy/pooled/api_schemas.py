"""The pooled rounds API's schemas: a federation's runners see per-group totals, never a basket."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from coopbuy.pooled.models import PooledDrop, PooledGroupResult, PooledRound


class PooledRoundIn(Schema):
    name: str = Field(max_length=120)
    supplier_id: int = Field(ge=1, le=2**62)
    opens_at: datetime
    closes_at: datetime
    policy: str = "fcfs"
    drop_fee: Decimal = Field(default=Decimal("0.00"), ge=0, max_digits=12, decimal_places=2)


class PooledRoundOut(Schema):
    id: int
    name: str
    status: str
    supplier: str
    opens_at: datetime
    closes_at: datetime
    policy: str
    drop_fee: Decimal
    goods: Decimal = Field(description="What the supplier bills for goods (closed rounds).")
    delivery_fee: Decimal = Field(description="The supplier's delivery fee applied at close.")

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
    unit_price: Decimal
    alone_units: int
    alone_cases: int
    alone_unit_price: Decimal
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
    goods: Decimal
    delivery: Decimal
    drop_fee: Decimal
    total: Decimal
    owed_to_federation: Decimal
    members_receiving: int
    received_quantity: int
    alone_goods: Decimal
    alone_delivery: Decimal
    alone_total: Decimal
    alone_received_quantity: int
    pooling_saving: Decimal = Field(description="May be negative: pooling cost more.")
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
    goods: Decimal
    delivery: Decimal
    alone_received_quantity: int
    alone_goods: Decimal
    alone_delivery: Decimal
    alone_total: Decimal
    pooling_saving: Decimal
    sentence: str
