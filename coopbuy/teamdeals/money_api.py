"""Team deals' money through the API, for the organisation's admins (the seller): what its teams
sold, what buyers paid, who still owes what; record a buyer's payment, undo one."""

from datetime import datetime
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Input, Money, Page, Paging, Text
from coopbuy.ledger.api_router import ledger_key
from coopbuy.organisations.permissions import organisation_for_admin
from coopbuy.teamdeals import money, selectors
from coopbuy.teamdeals.models import BuyerPayment
from coopbuy.teamdeals.selectors import BuyerBalance

router = Router(tags=["team deals"])
Id = Annotated[int, Path(ge=1, le=2**62)]
MONEY = "/organisations/{org_slug}/deal-money"


class BuyerBalanceOut(Schema):
    buyer: int = Field(description="The buyer's membership id (for recording a payment).")
    name: str
    email: str
    payment_reference: str
    owes: Money
    in_credit: Money
    held: Money = Field(description="Places held in open teams: not yet due.")

    @classmethod
    def of(cls, b: BuyerBalance) -> "BuyerBalanceOut":
        return cls(
            buyer=b.membership_id, name=b.name, email=b.email,
            payment_reference=b.payment_reference, owes=b.owes, in_credit=b.in_credit,
            held=b.held,
        )  # fmt: skip


class DealMoneyOut(Schema):
    sold: Money = Field(description="Every succeeded team's sale.")
    received: Money = Field(description="Buyers' payments recorded and not undone.")
    owed: Money = Field(description="What the customers still owe (the organisation's book).")
    buyers: list[BuyerBalanceOut]


class BuyerPaymentIn(Input):
    buyer: int = Field(ge=1, le=2**62, description="The buyer's membership id.")
    amount: Money
    method: Literal["bank", "cash"]
    reference: Text = Field("", max_length=120)


class BuyerPaymentUndoIn(Input):
    reason: Text = Field("", max_length=200)


class BuyerPaymentOut(Schema):
    id: int
    buyer: int
    name: str
    amount: Money
    method: str
    reference: str
    recorded_at: datetime
    undone_at: datetime | None

    @classmethod
    def of(cls, p: BuyerPayment) -> "BuyerPaymentOut":
        return cls(
            id=p.pk, buyer=p.membership_id, name=p.membership.user.name, amount=p.amount,
            method=p.method, reference=p.reference, recorded_at=p.created_at,
            undone_at=p.reversed_at,
        )  # fmt: skip


@router.get(MONEY, response={200: DealMoneyOut, **problem_responses()})
def deal_money(request: HttpRequest, org_slug: str) -> DealMoneyOut:
    """Sold, received, still owed, and each buyer's balance (the organisation's admins)."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    summary = selectors.money_summary(organisation)
    return DealMoneyOut(
        sold=summary.sold,
        received=summary.received,
        owed=selectors.organisation_owed(organisation),
        buyers=[BuyerBalanceOut.of(b) for b in summary.buyers],
    )


@router.get(MONEY + "/payments", response={200: Page[BuyerPaymentOut], **problem_responses()})
def payments(request: HttpRequest, org_slug: str, paging: Query[Paging]) -> Page[BuyerPaymentOut]:
    """Buyers' payments recorded, newest first (the organisation's admins)."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    return paginate(request, selectors.payments_of(organisation), paging, BuyerPaymentOut.of)


@router.post(MONEY + "/payments", response={201: BuyerPaymentOut, **problem_responses()})
@idempotent
def record_payment(
    request: HttpRequest, org_slug: str, payload: BuyerPaymentIn
) -> Status[BuyerPaymentOut]:
    """Record what a buyer paid, by bank transfer or in cash; the Idempotency-Key keys it."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    membership = money.buyer_of(organisation=organisation, membership_id=payload.buyer)
    payment = money.buyer_payment_record(
        organisation=organisation,
        actor=caller(request),
        membership=membership,
        amount=payload.amount,
        method=payload.method,
        idempotency_key=ledger_key(request),
        reference=payload.reference,
    )
    return Status(201, BuyerPaymentOut.of(payment))


@router.post(
    MONEY + "/payments/{int:payment_id}/undo",
    response={200: BuyerPaymentOut, **problem_responses()},
)
@idempotent
def undo_payment(
    request: HttpRequest, org_slug: str, payment_id: Id, payload: BuyerPaymentUndoIn
) -> BuyerPaymentOut:
    """Undo a recorded payment: a counter-posting in both books; nothing is edited."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    payment = (
        BuyerPayment.objects.filter(organisation=organisation, pk=payment_id)
        .select_related("membership__user")
        .first()
    )
    if payment is None:
        raise Http404(_("There is no such payment."))
    return BuyerPaymentOut.of(
        money.buyer_payment_reverse(payment=payment, actor=caller(request), reason=payload.reason)
    )
