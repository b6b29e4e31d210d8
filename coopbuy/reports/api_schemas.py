"""Schemas of the reports API: figures per round (a group's and a member's) and per year.

Amounts are strings with two decimals ("12.50", "-1.25": a saving can be negative); ratios are
strings with three ("0.943" = 94.3 %).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import PlainSerializer, WithJsonSchema

from coopbuy.reports.models import MemberRoundFigures, RoundFigures
from coopbuy.reports.selectors import YearTotals
from coopbuy.reports.suppliers import SupplierSummary

SignedMoney = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{v.quantize(Decimal('0.01'))}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["-1.25"]}),
]
Ratio = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{v.quantize(Decimal('0.001'))}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d\.\d{3}$", "examples": ["0.943"]}),
]

Days = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{v.quantize(Decimal('0.1'))}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d+\.\d$", "examples": ["3.5"]}),
]


class SupplierFiguresOut(Schema):
    """One supplier over the group's rounds: its shortages and lead times (None: no delivery
    from it received yet)."""

    name: str
    rounds_ordered: int
    rounds_received: int
    units_ordered_in_received_rounds: int
    units_short: int
    share_short: Ratio | None
    median_lead_days: Days | None
    longest_lead_days: Days | None

    @classmethod
    def of(cls, s: SupplierSummary) -> SupplierFiguresOut:
        return cls(
            name=s.name,
            rounds_ordered=s.rounds,
            rounds_received=s.received_rounds,
            units_ordered_in_received_rounds=s.ordered_units,
            units_short=s.short_units,
            share_short=s.short_share,
            median_lead_days=s.median_lead_days,
            longest_lead_days=s.longest_lead_days,
        )


class RoundFiguresOut(Schema):
    round_id: int
    name: str
    closed_at: datetime
    currency: str
    members_ordering: int
    spend: SignedMoney
    goods: SignedMoney
    savings_retail: SignedMoney
    savings_alone: SignedMoney
    case_units: int
    case_units_filled: int
    case_fill: Ratio | None
    requested_units: int
    received_units: int
    unmet_units: int
    tolerance_offered: int
    tolerance_used: int
    demand_fill: Ratio
    lowest_fill: Ratio
    jain: Ratio

    @classmethod
    def of(cls, row: RoundFigures) -> RoundFiguresOut:
        return cls(**{name: getattr(row, name) for name in cls.model_fields})


class MyRoundOut(Schema):
    round_id: int
    name: str
    closed_at: datetime
    spend: SignedMoney
    goods: SignedMoney
    delivery: SignedMoney
    savings_retail: SignedMoney
    savings_alone: SignedMoney
    requested_units: int
    received_units: int
    tolerance_offered: int
    tolerance_used: int
    fill: Ratio | None
    sentence: str

    @classmethod
    def of(cls, row: MemberRoundFigures, sentence: str) -> MyRoundOut:
        fields = {n: getattr(row, n) for n in cls.model_fields if n not in ("name", "sentence")}
        return cls(**fields, name=row.round.name, sentence=sentence)


class MyYearOut(Schema):
    year: int
    rounds: int
    spend: SignedMoney
    savings_retail: SignedMoney
    savings_alone: SignedMoney

    @classmethod
    def of(cls, row: YearTotals) -> MyYearOut:
        return cls(
            year=row.year,
            rounds=row.rounds,
            spend=row.spend,
            savings_retail=row.savings_retail,
            savings_alone=row.savings_alone,
        )


class MySavingsOut(Schema):
    currency: str
    years: list[MyYearOut]
    rounds: list[MyRoundOut]
