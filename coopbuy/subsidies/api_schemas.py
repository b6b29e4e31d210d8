"""The subsidies API's request and response bodies (names unique across areas)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema

from coopbuy.api.schemas import Input, Money, Text, decimal_string
from coopbuy.ledger.models import Transaction
from coopbuy.subsidies.models import PayrollConsent, SubsidyRule
from coopbuy.subsidies.selectors import MemberRoundSubsidy, MonthRow

SubsidyPercent = Annotated[
    Decimal,
    BeforeValidator(decimal_string),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d{1,5}(\.\d{1,4})?$", "examples": ["10"]}),
]
Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", examples=["2026-03"])]


class FundTopUpIn(Input):
    amount: Money
    reference: Text = Field("", max_length=120)


class FundTopUpUndoIn(Input):
    reason: Text = Field("", max_length=200)


class FundTopUpOut(Schema):
    id: int
    amount: Money
    booked_on: date
    reference: str
    undone: bool

    @classmethod
    def of(cls, posted: Transaction, amount: Decimal) -> FundTopUpOut:
        return cls(
            id=posted.pk,
            amount=amount,
            booked_on=posted.booked_on,
            reference=posted.external_reference,
            undone=hasattr(posted, "reversed_by"),
        )


class SubsidyFundOut(Schema):
    balance: Money
    top_ups: list[FundTopUpOut]


class SubsidyRuleIn(Input):
    kind: Literal["delivery", "goods_percent"]
    percent: SubsidyPercent | None = Field(None, description="goods_percent: above 0, at most 100")
    monthly_cap: Money | None = Field(None, description="per employee per calendar month; >= 0")
    when_dry: Literal["partial", "nothing"] = "partial"
    covers: Literal["employees", "everyone"] = Field(
        "employees", description="employees: not those enrolled as friends and family"
    )
    active_from: date | None = None


class SubsidyRuleOut(Schema):
    id: int
    kind: str
    percent: str | None = Field(description='e.g. "10.00" (10 %); null for the delivery fee')
    monthly_cap: Money | None
    when_dry: str
    covers: str
    active_from: date
    ended_at: datetime | None

    @classmethod
    def of(cls, rule: SubsidyRule) -> SubsidyRuleOut:
        return cls(
            id=rule.pk,
            kind=rule.kind,
            percent=None if rule.percent is None else f"{rule.percent:.2f}",
            monthly_cap=rule.monthly_cap,
            when_dry=rule.when_dry,
            covers=rule.covers,
            active_from=rule.active_from,
            ended_at=rule.ended_at,
        )


class StatementRoundOut(Schema):
    round_id: int
    round: str
    people: int | None = Field(description="Null when fewer than 5 people: see `note`.")
    total: Money | None = Field(description="Null when fewer than 5 people: see `note`.")
    note: str | None = Field(description='"fewer than 5" when people and total are hidden.')
    undone: bool


class StatementMonthOut(Schema):
    month: Month
    subsidies: Money = Field(description="The shown rounds' totals only (not undone).")
    hidden_rounds: int = Field(description="Rounds for fewer than 5 people, in no total.")
    top_ups: Money
    rounds: list[StatementRoundOut]

    @classmethod
    def of(cls, row: MonthRow) -> StatementMonthOut:
        return cls(
            month=f"{row.month:%Y-%m}",
            subsidies=row.subsidies,
            hidden_rounds=row.hidden_rounds,
            top_ups=row.top_ups,
            rounds=[
                StatementRoundOut(
                    round_id=r.round_id,
                    round=r.label,
                    people=r.people.value,
                    total=r.total.value,
                    note=None if r.total.shown else _fewer_than(r.total.floor),
                    undone=r.undone,
                )
                for r in row.rounds
            ],
        )


def _fewer_than(floor: int) -> str:
    return _("fewer than %(floor)d") % {"floor": floor}


class PayrollConsentIn(Input):
    employee_reference: Text = Field(max_length=40, description="Your payroll number.")
    wording: Text = Field(max_length=2000, description="Exactly the wording you were shown.")
    agree: bool


class PayrollConsentRecordOut(Schema):
    employee_reference: str
    wording: str
    given_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, consent: PayrollConsent) -> PayrollConsentRecordOut:
        return cls(
            employee_reference=consent.employee_reference,
            wording=consent.wording,
            given_at=consent.given_at,
            revoked_at=consent.revoked_at,
        )


class PayrollConsentOut(Schema):
    organisation: str
    wording: str = Field(description="What to show, and send back to agree.")
    current: PayrollConsentRecordOut | None
    history: list[PayrollConsentRecordOut]


class PayrollLineOut(Schema):
    employee_reference: str
    period: Month
    amount: Money


class PayrollExportOut(Schema):
    period: Month
    recorded: bool
    lines: list[PayrollLineOut]
    total: Money
    employees: int


class SubsidyChangeOut(Schema):
    booked_on: date
    amount: Money  # below zero: the subsidy shrank (a short delivery)


class MyRoundSubsidyOut(Schema):
    """My employer's subsidy towards one round (all zero, no organisation: none)."""

    organisation: str | None
    paid_at_close: Money
    adjustments: list[SubsidyChangeOut]
    subsidy: Money = Field(description="what I hold now: the close's and every adjustment")
    undone: bool

    @classmethod
    def of(cls, mine: MemberRoundSubsidy | None) -> MyRoundSubsidyOut:
        if mine is None:
            zero = Decimal("0.00")
            return cls(organisation=None, paid_at_close=zero, adjustments=[], subsidy=zero,
                       undone=False)  # fmt: skip
        return cls(
            organisation=mine.organisation,
            paid_at_close=mine.paid_at_close,
            adjustments=[SubsidyChangeOut(booked_on=d, amount=a) for d, a in mine.changes],
            subsidy=Decimal(0) if mine.undone else mine.now,
            undone=mine.undone,
        )
