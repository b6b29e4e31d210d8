"""Schemas of the ledger's API: accounts, transactions and the treasurer's bookings.

Every amount is `Money` (a decimal string such as "12.50"). Invoices, statements and supplier
money have their own module, `coopbuy.ledger.api_document_schemas`.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema
from pydantic import BeforeValidator, StrictBool, WithJsonSchema

from coopbuy.api.schemas import Input, Money, Text, date_string
from coopbuy.catalog.api_schemas import Amount
from coopbuy.core.ledger import DEBIT_NORMAL_KINDS
from coopbuy.groups.models import Membership
from coopbuy.ledger.models import Account, Entry, LedgerSettings, Transaction

Id = Annotated[int, Path(ge=1, le=2**62)]
AccountKind = Literal[
    "member", "bank", "cash", "supplier", "delivery", "fees", "adjustments", "subsidies"
]
TransactionKind = Literal[
    "top_up",
    "refund",
    "adjustment",
    "round_charge",
    "round_adjust",
    "supplier_inv",
    "supplier_pay",
    "reversal",
]
Method = Literal["bank", "cash"]


SignedAmount = Annotated[
    Money,
    Field(max_digits=10, decimal_places=2),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d{1,8}\.\d{2}$", "examples": ["-2.50"]}),
]
"""An adjustment: positive credits the member, negative charges them (the ledger refuses zero)."""
MemberId = Annotated[int, Field(ge=1, le=2**62, description="Whose account (a member's id).")]


def shown_balance(account: Account) -> Decimal:
    """As the treasury pages show it: money held for bank and cash, the balance for the rest."""
    return -account.balance if account.kind in DEBIT_NORMAL_KINDS else account.balance


SHOWN = (
    "As the treasury shows it: for a member or a supplier what the group owes them (a member's "
    "positive balance is credit), for bank and cash the money held."
)


# Accounts ----------------------------------------------------------------------------------------


class AccountOut(Schema):
    account_id: int | None = Field(
        description="My account's id, for /accounts/{account_id}/statements/…; null until money "
        "first moves."
    )
    currency: str
    balance: Money = Field(description="Positive: money of mine the group holds.")
    payment_reference: str = Field(description="Put it on bank transfers to the group.")
    available_to_spend: Money | None = Field(
        description="What I may still order; null when the group sets no limit."
    )
    explanation: str = Field(description="The same in one sentence: how much, and why.")


class AccountRowOut(Schema):
    account_id: int | None = Field(description="null: a member whose account is not opened yet.")
    kind: AccountKind
    name: str
    balance: Money = Field(description=SHOWN)
    membership_id: int | None = Field(description="The member's id, for a member's account.")
    supplier_id: int | None = Field(description="The supplier's id, for a supplier payable.")

    @classmethod
    def of_member(cls, membership: Membership) -> AccountRowOut:
        """A row of `selectors.members_with_balances` (annotated with balance and account_id)."""
        annotated: Any = membership
        return cls(
            account_id=annotated.account_id,
            kind="member",
            name=membership.user.name,
            balance=annotated.balance,
            membership_id=membership.pk,
            supplier_id=None,
        )

    @classmethod
    def of_account(cls, account: Account) -> AccountRowOut:
        return cls(
            account_id=account.pk,
            kind=account.kind,  # type: ignore[arg-type]
            name=account.name,
            balance=shown_balance(account),
            membership_id=account.membership_id,
            supplier_id=account.supplier_id,
        )


class TreasuryOut(Schema):
    currency: str
    prepayment_required: bool = Field(description="Members must prepay what they order.")
    credit_limit: Money = Field(description="How far below zero a member may go when prepaying.")
    lines_to_review: int = Field(description="Bank statement lines waiting for a treasurer.")
    accounts: list[AccountRowOut] = Field(
        description="The group's own accounts (bank, cash, supplier payables, costs, income)."
    )


class EntryOut(Schema):
    transaction: int
    kind: TransactionKind
    description: str
    booked_on: date
    amount: Money = Field(description="Into the account when positive, out of it when negative.")
    reference: str
    reverses: int | None = Field(description="The transaction this one undoes, if any.")

    @classmethod
    def of(cls, entry: Entry) -> EntryOut:
        posted = entry.transaction
        return cls(
            transaction=posted.pk,
            kind=posted.kind,  # type: ignore[arg-type]
            description=posted.description,
            booked_on=posted.booked_on,
            amount=entry.amount,
            reference=posted.external_reference or posted.round_reference,
            reverses=posted.reverses_id,
        )


# Bookings ----------------------------------------------------------------------------------------


class TopUpIn(Input):
    membership_id: MemberId
    amount: Amount
    method: Method
    reference: Text = Field("", max_length=120)
    booked_on: Annotated[date, BeforeValidator(date_string)] | None = Field(
        None, description="When the money came in (YYYY-MM-DD); today if empty."
    )


class RefundIn(Input):
    membership_id: MemberId
    amount: Amount = Field(description="At most the member's credit balance.")
    method: Method = Field(description="How the money went back: bank transfer or cash.")
    reason: Text = Field("", max_length=200)


class AdjustmentIn(Input):
    membership_id: MemberId
    amount: SignedAmount = Field(description="Positive credits the member, negative charges them.")
    reason: Text = Field(min_length=1, max_length=200, description="The member sees it.")


class ReverseIn(Input):
    reason: Text = Field("", max_length=200, description="Why (added to the description).")


class TransactionOut(Schema):
    id: int
    kind: TransactionKind
    description: str
    booked_on: date
    amount: Money = Field(description="Into the member's account when positive.")
    membership_id: int
    reference: str

    @classmethod
    def of(cls, posted: Transaction, amount: Decimal, membership_id: int) -> TransactionOut:
        return cls(
            id=posted.pk,
            kind=posted.kind,  # type: ignore[arg-type]
            description=posted.description,
            booked_on=posted.booked_on,
            amount=amount,
            membership_id=membership_id,
            reference=posted.external_reference,
        )


class LegOut(Schema):
    account_id: int
    account: str
    account_kind: AccountKind
    amount: Money = Field(description="A credit when positive, a debit when negative.")


class TransactionDetailOut(Schema):
    id: int
    kind: TransactionKind
    description: str
    booked_on: date
    reference: str
    round_reference: str
    reverses: int | None = Field(description="The transaction this one undoes, if any.")
    reversed_by: int | None = Field(description="The transaction that undid this one, if any.")
    recorded_by: str | None = Field(description="Who recorded it; null for the system.")
    recorded_at: datetime
    entries: list[LegOut] = Field(description="Its entries; they sum to zero.")

    @classmethod
    def of(cls, posted: Transaction) -> TransactionDetailOut:
        reversal: Transaction | None = None
        with contextlib.suppress(Transaction.DoesNotExist):
            reversal = posted.reversed_by
        return cls(
            id=posted.pk,
            kind=posted.kind,  # type: ignore[arg-type]
            description=posted.description,
            booked_on=posted.booked_on,
            reference=posted.external_reference,
            round_reference=posted.round_reference,
            reverses=posted.reverses_id,
            reversed_by=reversal.pk if reversal is not None else None,
            recorded_by=posted.created_by.name if posted.created_by else None,
            recorded_at=posted.created_at,
            entries=[
                LegOut(
                    account_id=entry.account_id,
                    account=entry.account.name,
                    account_kind=entry.account.kind,  # type: ignore[arg-type]
                    amount=entry.amount,
                )
                for entry in posted.entries.all()
            ],
        )


# Settings ----------------------------------------------------------------------------------------


class LedgerSettingsOut(Schema):
    prepayment_required: bool = Field(description="Members must prepay what they order.")
    credit_limit: Money = Field(description="How far below zero a member may go when prepaying.")
    invoice_prefix: str = Field(description="Invoices are numbered PREFIX-YEAR-0001.")

    @classmethod
    def of(cls, settings: LedgerSettings) -> LedgerSettingsOut:
        return cls(
            prepayment_required=settings.prepayment_required,
            credit_limit=settings.credit_limit,
            invoice_prefix=settings.invoice_prefix,
        )


class LedgerSettingsIn(Input):
    """Only the fields sent change."""

    prepayment_required: StrictBool | None = None
    credit_limit: Amount | None = None
    invoice_prefix: Text | None = Field(
        None, min_length=1, max_length=12, description="1 to 12 letters or digits."
    )


class TransactionFilter(Schema):
    kind: TransactionKind | None = Field(None, description="Only transactions of this kind.")
    account_id: int | None = Field(
        None, ge=1, le=2**62, description="Only those with an entry on this account."
    )
    booked_from: Annotated[date, BeforeValidator(date_string)] | None = Field(
        None, description="Booked on this day or later (YYYY-MM-DD)."
    )
    booked_to: Annotated[date, BeforeValidator(date_string)] | None = Field(
        None, description="Booked on this day or earlier (YYYY-MM-DD)."
    )
