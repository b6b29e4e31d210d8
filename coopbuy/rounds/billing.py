"""A round's money in the ledger: members charged at close, bills brought up to date at receiving.

The rounds area owns the bill (`selectors.round_charges`); the ledger owns the postings. Both calls
run inside the caller's transaction, so a close or a receiving record and its posting commit
together or not at all, and their idempotency keys make a retried call post nothing twice.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.groups.models import Membership
from coopbuy.ledger.charges import (
    MemberCharge,
    ledger_post_round_charges,
    ledger_post_round_update,
)
from coopbuy.ledger.models import Transaction
from coopbuy.ledger.selectors import available_to_spend, format_money, spending_explanation
from coopbuy.rounds.models import Round
from coopbuy.rounds.selectors import RoundCharges, round_charges
from coopbuy.rounds.services import RoundError


def round_reference(round: Round) -> str:
    """How the ledger, statements and invoices name the round: readable and unique in the group."""
    return f"{round.name[:68]} · #{round.pk}"


def _ledger_charges(bill: RoundCharges) -> list[MemberCharge]:
    return [
        MemberCharge(
            membership_id=c.membership_id,
            goods=c.goods,
            markup=c.markup,
            vat=c.vat,
            delivery=c.delivery,
            total=c.total,
            deposit=c.deposit,
        )
        for c in bill.charges
    ]


def round_post_charges(*, round: Round, actor: User | None) -> Transaction | None:
    """Charge every member what the close allocated them (None: nobody received anything)."""
    bill = round_charges(round=round)
    return ledger_post_round_charges(
        group=round.group,
        round_reference=round_reference(round),
        charges=_ledger_charges(bill),
        supplier_goods=bill.supplier_gross,
        delivery_fees=bill.delivery_fees,
        actor=actor,
        idempotency_key=f"round-{round.pk}-close",
    )


def round_post_bill_update(
    *, round: Round, actor: User | None, key: str, reason: str
) -> Transaction | None:
    """After receiving: post the difference between the round's bill now and what was posted."""
    bill = round_charges(round=round)
    return ledger_post_round_update(
        group=round.group,
        round_reference=round_reference(round),
        charges=_ledger_charges(bill),
        supplier_goods=bill.supplier_gross,
        delivery_fees=bill.delivery_fees,
        actor=actor,
        idempotency_key=f"round-{round.pk}-{key}",
        reason=reason,
    )


def spending_left(*, membership: Membership, basket_total: Decimal) -> Decimal | None:
    """What the member may still add to this basket under the group's rule (None: no limit).

    The ledger knows the balance and the credit the group allows; an open round's basket is not
    charged yet, so it is taken off here.
    """
    available = available_to_spend(membership=membership)
    return None if available is None else available - basket_total


def check_spending(*, membership: Membership, before: Decimal, after: Decimal) -> None:
    """Refuse a basket change that raises the basket beyond what the member may spend.

    Lowering is always allowed, even for a member already over the limit (their balance may have
    fallen since they ordered), so nobody is stuck with a basket they cannot pay for.
    """
    if after <= before:
        return
    left = spending_left(membership=membership, basket_total=Decimal(0))
    if left is not None and after > left:
        currency = membership.group.currency
        raise RoundError(
            _(
                "This would bring your basket to %(after)s, but you can spend %(left)s. "
                "%(why)s Top up your account or lower another product."
            )
            % {
                "after": format_money(after, currency),
                "left": format_money(max(left, Decimal(0)), currency),
                "why": spending_explanation(membership=membership),
            },
            field="quantity",
        )
