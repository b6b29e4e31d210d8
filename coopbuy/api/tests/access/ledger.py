"""Member accounts, statements, invoices, the treasurer's bookings and supplier money.

`membership_id` in a body is replaced with group A's plain member's id before sending; seed()
puts this world's supplier into the supplier bodies. The ids: `account_id` is the plain member's
account, `transaction_id` a top-up of theirs, `invoice_id` their invoice, `year`/`month` this
month (which has the top-up).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.invoices import InvoiceLine, invoice_issue
from coopbuy.ledger.models import Account, LedgerSettings, SupplierInvoice, Transaction
from coopbuy.ledger.sources import Source
from coopbuy.ledger.treasury import ledger_top_up
from coopbuy.rounds.models import Round

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ACCOUNT = "/groups/{slug}/accounts/{account_id}"
STATEMENT = ACCOUNT + "/statements/{year}/{month}"
ACCESS = {
    "GET /groups/{slug}/account": "member",
    "GET /groups/{slug}/account/transactions": "member",
    "GET /groups/{slug}/account/invoices": "member",
    "POST /groups/{slug}/top-ups": "money",
    "POST /groups/{slug}/refunds": "money",
    "POST /groups/{slug}/adjustments": "money",
    "GET /groups/{slug}/accounts": "money",
    "GET /groups/{slug}/treasury": "money",
    # A member reaches only their own account (another's is not found, as on the web).
    f"GET {ACCOUNT}": "member",
    f"GET {ACCOUNT}/transactions": "member",
    f"GET {STATEMENT}": "member",
    f"GET {STATEMENT}/pdf": "member",
    "GET /groups/{slug}/invoices/{invoice_id}": "member",
    "GET /groups/{slug}/invoices/{invoice_id}/pdf": "member",
    "GET /groups/{slug}/transactions": "money",
    "GET /groups/{slug}/transactions/{transaction_id}": "money",
    "POST /groups/{slug}/transactions/{transaction_id}/reverse": "money",
    "GET /groups/{slug}/transactions.csv": "money",
    "GET /groups/{slug}/ledger-settings": "money",
    "PATCH /groups/{slug}/ledger-settings": "money",
    "GET /groups/{slug}/supplier-accounts": "money",
    "GET /groups/{slug}/supplier-invoices": "money",
    "POST /groups/{slug}/supplier-invoices": "money",
    "POST /groups/{slug}/supplier-payments": "money",
    "POST /groups/{slug}/members/{membership_id}/write-off": "coordinator",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "POST /groups/{slug}/top-ups": {"membership_id": 0, "amount": "20.00", "method": "bank"},
    "POST /groups/{slug}/refunds": {"membership_id": 0, "amount": "5.00", "method": "bank"},
    "POST /groups/{slug}/adjustments": {
        "membership_id": 0,
        "amount": "-2.50",
        "reason": "A broken jar",
    },
    "POST /groups/{slug}/transactions/{transaction_id}/reverse": {"reason": "Typed twice"},
    "POST /groups/{slug}/members/{membership_id}/write-off": {"reason": "Moved away"},
    "PATCH /groups/{slug}/ledger-settings": {
        "prepayment_required": True,
        "credit_limit": "15.00",
        "invoice_prefix": "GRA",
    },
    "POST /groups/{slug}/supplier-invoices": {
        "supplier_id": 0,  # seed() puts this world's supplier here
        "number": "F-101",
        "amount": "12.00",
    },
    "POST /groups/{slug}/supplier-payments": {
        "supplier_id": 0,
        "amount": "12.00",
        "method": "bank",
    },
}
SUPPLIER_BODIES = ("POST /groups/{slug}/supplier-invoices", "POST /groups/{slug}/supplier-payments")


def seed(world: World) -> None:
    """A top-up of 30.00 for the plain member, and their invoice for a round."""
    treasurer = world.people["treasurer"]
    now = timezone.now()
    posted = ledger_top_up(
        membership=world.member_a,
        amount=Decimal("30.00"),
        method="bank",
        actor=treasurer,
        idempotency_key="access-seed-top-up",
    )
    invoice = invoice_issue(
        membership=world.member_a,
        source=Source.round(
            Round.objects.create(
                group=world.a, name="Weekly order", opens_at=now, closes_at=now + timedelta(days=1)
            ).pk
        ),
        round_reference="Weekly order",
        lines=[InvoiceLine("Oats", Decimal("2"), Decimal("2.00"), Decimal("0"), Decimal("4.00"))],
        actor=treasurer,
    )
    today = timezone.localdate()
    world.ids.update(
        account_id=invoice.account_id,
        transaction_id=posted.pk,
        invoice_id=invoice.pk,
        year=today.year,
        month=today.month,
    )
    for key in SUPPLIER_BODIES:  # a valid body names this world's supplier
        body = BODIES[key]
        assert isinstance(body, dict)
        body["supplier_id"] = world.ids["supplier_id"]


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(Transaction.objects.filter(group=group).order_by("pk").values_list("pk", "kind")),
        list(Account.objects.filter(group=group).order_by("pk").values_list("pk", "balance")),
        list(
            SupplierInvoice.objects.filter(group=group)
            .order_by("pk")
            .values_list("pk", "number", "amount")
        ),
        list(
            LedgerSettings.objects.filter(group=group).values_list(
                "prepayment_required", "credit_limit", "invoice_prefix"
            )
        ),
    )
