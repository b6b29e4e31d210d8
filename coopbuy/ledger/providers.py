"""The seam for online card payments (not implemented yet: there is no provider behind it).

A provider (Stripe, Mollie, GoCardless, ...) will implement `PaymentProvider`. The flow it must
fit, so that money is still only moved by `coopbuy.ledger.services`:

1. `create_checkout` is called *outside* any database transaction (no lock is held across a network
   call) and returns where to send the member; `idempotency_key` is ours and is passed on to the
   provider, so a retried request never opens two payments.
2. The provider calls our webhook; `handle_webhook` verifies the signature and returns a
   `PaymentEvent` (or None for events we ignore). It writes nothing.
3. The webhook view books a paid event with `ledger_top_up(..., method="bank",
   idempotency_key=f"{provider}:{event.payment_id}")`, so a webhook delivered twice books once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol


@dataclass(frozen=True)
class Checkout:
    """Where to send the member to pay, and the provider's id for the payment."""

    redirect_url: str
    payment_id: str


@dataclass(frozen=True)
class PaymentEvent:
    """A verified notification from the provider about one payment."""

    payment_id: str
    status: Literal["paid", "failed", "refunded"]
    amount: Decimal
    currency: str
    membership_id: int


class PaymentProvider(Protocol):
    """What an online payment provider must offer coopbuy."""

    name: str

    def create_checkout(
        self,
        *,
        membership_id: int,
        amount: Decimal,
        currency: str,
        description: str,
        return_url: str,
        idempotency_key: str,
    ) -> Checkout:
        """Open a payment for a member's top-up; no database writes, no locks held."""
        ...

    def handle_webhook(self, *, headers: dict[str, str], body: bytes) -> PaymentEvent | None:
        """Verify and parse a webhook call; raise ValueError if the signature is wrong."""
        ...
