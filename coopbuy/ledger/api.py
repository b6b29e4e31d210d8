"""The ledger area of the API: my account and transactions, and top-ups by treasurers.

A member sees only their own account (as on the web); treasurers and coordinators record top-ups
through `services.ledger_top_up`. The request's `Idempotency-Key` also keys the ledger posting, so
a retried top-up is one transaction even if the API's own key record is gone.
"""

import hashlib
import uuid
from datetime import date
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import BeforeValidator

from coopbuy.api.auth import caller, principal
from coopbuy.api.idempotency import HEADER, idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Input, Money, Page, Paging, Text
from coopbuy.catalog.api_schemas import Amount
from coopbuy.groups.permissions import group_for_member
from coopbuy.ledger import selectors, services
from coopbuy.ledger.models import Entry, Transaction
from coopbuy.ledger.permissions import group_for_treasurer, membership_in_group

router = Router(tags=["ledger"])


class AccountOut(Schema):
    currency: str
    balance: Money = Field(description="Positive: money of mine the group holds.")
    payment_reference: str = Field(description="Put it on bank transfers to the group.")
    available_to_spend: Money | None = Field(
        description="What I may still order; null when the group sets no limit."
    )
    explanation: str = Field(description="The same in one sentence: how much, and why.")


class EntryOut(Schema):
    transaction: int
    kind: str
    description: str
    booked_on: date
    amount: Money = Field(description="Into my account when positive, out of it when negative.")
    reference: str
    reverses: int | None = Field(description="The transaction this one undoes, if any.")

    @classmethod
    def of(cls, entry: Entry) -> "EntryOut":
        posted = entry.transaction
        return cls(
            transaction=posted.pk,
            kind=posted.kind,
            description=posted.description,
            booked_on=posted.booked_on,
            amount=entry.amount,
            reference=posted.external_reference or posted.round_reference,
            reverses=posted.reverses_id,
        )


def _a_date_string(value: object) -> object:
    if not isinstance(value, str | date):
        raise ValueError("send a date such as 2026-11-27")
    return value


class TopUpIn(Input):
    membership_id: int = Field(ge=1, le=2**62, description="Whose account (a member's id).")
    amount: Amount
    method: Literal["bank", "cash"]
    reference: Text = Field("", max_length=120)
    booked_on: Annotated[date, BeforeValidator(_a_date_string)] | None = Field(
        None, description="When the money came in (YYYY-MM-DD); today if empty."
    )


class TransactionOut(Schema):
    id: int
    kind: str
    description: str
    booked_on: date
    amount: Money
    membership_id: int
    reference: str

    @classmethod
    def of(cls, posted: Transaction, amount: Money, membership_id: int) -> "TransactionOut":
        return cls(
            id=posted.pk,
            kind=posted.kind,
            description=posted.description,
            booked_on=posted.booked_on,
            amount=amount,
            membership_id=membership_id,
            reference=posted.external_reference,
        )


def _ledger_key(request: HttpRequest) -> str:
    """The ledger's own key: the caller's Idempotency-Key, private to the caller (or a new one)."""
    key = request.headers.get(HEADER)
    if key is None:
        return uuid.uuid4().hex
    digest = hashlib.sha256(f"{principal(request).key}\n{key}".encode()).hexdigest()
    return f"api-{digest[:64]}"


@router.get("/{slug:slug}/account", response={200: AccountOut, **problem_responses()})
def my_account(request: HttpRequest, slug: str) -> AccountOut:
    """My balance in the group, my payment reference, and what I may still order (members)."""
    group, membership = group_for_member(slug=slug, user=caller(request))
    return AccountOut(
        currency=group.currency,
        balance=selectors.balance_of(membership=membership),
        payment_reference=services.payment_reference_for(membership),
        available_to_spend=selectors.available_to_spend(membership=membership),
        explanation=selectors.spending_explanation(membership=membership),
    )


@router.get(
    "/{slug:slug}/account/transactions", response={200: Page[EntryOut], **problem_responses()}
)
def my_transactions(request: HttpRequest, slug: str, paging: Query[Paging]) -> Page[EntryOut]:
    """What went into and out of my account, newest first (members)."""
    _group, membership = group_for_member(slug=slug, user=caller(request))
    account = selectors.account_of(membership=membership)
    rows = selectors.entries_of_account(account=account) if account else Entry.objects.none()
    return paginate(request, rows, paging, EntryOut.of)


@router.post("/{slug:slug}/top-ups", response={201: TransactionOut, **problem_responses()})
@idempotent
def record_top_up(request: HttpRequest, slug: str, payload: TopUpIn) -> Status[TransactionOut]:
    """Record money a member paid in, by bank transfer or cash (treasurers and coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    member = membership_in_group(group=group, membership_id=payload.membership_id)
    posted = services.ledger_top_up(
        membership=member,
        amount=payload.amount,
        method=payload.method,
        actor=caller(request),
        idempotency_key=_ledger_key(request),
        reference=payload.reference,
        booked_on=payload.booked_on,
    )
    amount = posted.entries.get(account__membership=member).amount
    return Status(201, TransactionOut.of(posted, amount, member.pk))
