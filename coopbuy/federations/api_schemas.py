"""Schemas of the federations' API: a federation, its groups, roles, shared suppliers and book."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, cast

from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema

from coopbuy.api.schemas import Input, Money, PersonOut, Text, decimal_string, whole_number
from coopbuy.federations.membership import percent
from coopbuy.federations.models import (
    Federation,
    FederationGroup,
    FederationRole,
    FederationSupplier,
)
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import Account

Status = Literal["applied", "member", "refused", "left"]
RoleName = Literal["coordinator", "treasurer"]
MarkupRate = Annotated[
    Decimal,
    BeforeValidator(decimal_string),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d+(\.\d{1,4})?$",
            "examples": ["0.05"],
            "description": "A fraction from 0 to 1: 0.05 is 5 %.",
        }
    ),
]


class FederationGroupOut(Schema):
    slug: str
    name: str
    place: str

    @classmethod
    def of(cls, group: BuyingGroup) -> FederationGroupOut:
        return cls(slug=group.slug, name=group.name, place=group.place)


class FederationOut(Schema):
    slug: str
    name: str
    description: str
    created_at: datetime
    groups: list[FederationGroupOut] = Field(
        description="Its member groups the caller may see named (public ones to anyone)."
    )
    private_groups: int = Field(description="Member groups not named to this caller.")

    @classmethod
    def of(cls, federation: Federation, groups: list[BuyingGroup], hidden: int) -> FederationOut:
        return cls(
            slug=federation.slug, name=federation.name, description=federation.description,
            created_at=federation.created_at, groups=[FederationGroupOut.of(g) for g in groups],
            private_groups=hidden,
        )  # fmt: skip


class FederationCreateIn(Input):
    name: Text = Field(min_length=1, max_length=120)
    slug: Text = Field("", max_length=60, description="Made from the name if empty.")
    description: Text = Field("", max_length=4000)


class FederationMembershipOut(Schema):
    """A group's place in a federation (an application, a membership, or its end)."""

    id: int
    federation: str = Field(description="The federation's slug.")
    group: FederationGroupOut
    status: Status
    message: str
    refusal_reason: str
    markup_rate: str = Field(description="A fraction, e.g. 0.0500 (5 %).")
    markup_percent: str = Field(description="The markup as people read it, e.g. 5 or 2.5.")
    applied_at: datetime
    decided_at: datetime | None
    left_at: datetime | None

    @classmethod
    def of(cls, row: FederationGroup) -> FederationMembershipOut:
        return cls(
            id=row.pk, federation=row.federation.slug, group=FederationGroupOut.of(row.group),
            status=cast(Status, row.status), message=row.message,
            refusal_reason=row.refusal_reason,
            markup_rate=f"{row.markup_rate:.4f}", markup_percent=percent(row.markup_rate),
            applied_at=row.applied_at, decided_at=row.decided_at, left_at=row.left_at,
        )  # fmt: skip


class FederationApplyIn(Input):
    message: Text = Field("", max_length=2000)


class FederationRefuseIn(Input):
    reason: Text = Field(
        min_length=1, max_length=500, description="The group's coordinators read it."
    )


class FederationMarkupIn(Input):
    markup_rate: MarkupRate


class FederationRoleOut(Schema):
    id: int
    person: PersonOut
    role: RoleName
    added_at: datetime

    @classmethod
    def of(cls, row: FederationRole) -> FederationRoleOut:
        return cls(
            id=row.pk, person=PersonOut.of(row.user), role=cast(RoleName, row.role),
            added_at=row.added_at,
        )  # fmt: skip


class FederationRoleIn(Input):
    email: Text = Field(min_length=3, max_length=254, description="A person with an account.")
    role: RoleName


class FederationSupplierOut(Schema):
    id: int
    supplier_id: int
    name: str
    kept_by: FederationGroupOut = Field(description="The member group that keeps its catalogue.")
    added_at: datetime

    @classmethod
    def of(cls, row: FederationSupplier) -> FederationSupplierOut:
        return cls(
            id=row.pk, supplier_id=row.supplier_id, name=row.supplier.name,
            kept_by=FederationGroupOut.of(row.supplier.group), added_at=row.added_at,
        )  # fmt: skip


class FederationShareIn(Input):
    supplier_id: Annotated[int, BeforeValidator(whole_number)] = Field(ge=1, le=2**62)


class FederationAccountOut(Schema):
    id: int
    name: str
    kind: str
    counterparty: str | None = Field(description="The other book, for a `between` account.")
    balance: Money

    @classmethod
    def of(cls, account: Account) -> FederationAccountOut:
        other = account.counterparty
        return cls(
            id=account.pk, name=account.name, kind=account.kind,
            counterparty=other.name if other is not None else None, balance=account.balance,
        )  # fmt: skip


class FederationBookOut(Schema):
    currency: str
    accounts: list[FederationAccountOut]


class FederationPaymentIn(Input):
    amount: Money = Field(description='What the group paid the federation, e.g. "120.00".')
    method: Literal["bank", "cash"] = Field("bank", description="From its bank or cash box.")
    reference: Text = Field("", max_length=120)


class FederationPaymentOut(Schema):
    transfer_id: int
    federation: str = Field(description="The federation's address (slug).")
    group: str = Field(description="The paying group's address (slug).")
    amount: Money
    owed: Money = Field(description="What the group still owes the federation (negative: credit).")


class GroupOwesOut(Schema):
    group: str = Field(description="The group's address (slug).")
    name: str
    owed: Money = Field(description="What it owes the federation (negative: what it is owed).")
