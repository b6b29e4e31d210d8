"""Settling up after a pooled round: a member group pays the federation what it owes.

A pooled round's close leaves each group's book owing the federation's (two `between` accounts,
one in each book: see `coopbuy.pooled.money`). The group's treasurer or coordinator records the
money leaving its bank (or cash box) for the federation's bank; `ledger_transfer` makes the two
postings, both under one `Transfer`, so both `between` accounts go down together. What the
federation then pays the pool's supplier is recorded in `coopbuy.pooled.payments` (the
supplier's payable in the federation's book is found through a pooled row).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.federations.models import Federation, FederationGroup
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import Account, Transfer
from coopbuy.ledger.permissions import require_money_role
from coopbuy.ledger.services import MAX_AMOUNT, system_account, too_large_at_once
from coopbuy.ledger.transfers import ledger_transfer

Kind = Account.Kind
METHODS = (Kind.BANK, Kind.CASH)


class FederationPaymentError(UserFacingError):
    pass


def checked_amount(amount: Decimal, currency: str) -> Decimal:
    """An amount of money to pay: more than zero, at most two decimals, at most `MAX_AMOUNT`."""
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise FederationPaymentError(
            _("Give an amount of more than zero with at most two decimals, e.g. 120.00."),
            field="amount",
        )
    if amount > MAX_AMOUNT:
        raise FederationPaymentError(too_large_at_once(currency), field="amount")
    return amount


def checked_method(method: str) -> str:
    if method not in METHODS:
        raise FederationPaymentError(_("Choose bank transfer or cash."), field="method")
    return method


def federation_money_account(federation: Federation, kind: str) -> Account:
    """One of the federation book's single accounts (bank, cash box, delivery costs), opened on
    first use."""
    account, _created = Account.objects.get_or_create(
        book=federation.book, kind=kind, defaults={"name": str(Kind(kind).label)}
    )
    return account


@transaction.atomic
def federation_payment_from_group(
    *,
    federation: Federation,
    group: BuyingGroup,
    amount: Decimal,
    method: str,
    actor: User,
    idempotency_key: str,
    reference: str = "",
) -> Transfer:
    """The group paid the federation from its bank (or cash box) into the federation's bank.

    The actor runs the group's money; the group is a member of the federation now. The same key
    again returns the first transfer (nothing is posted twice).
    """
    require_money_role(group=group, user=actor)
    if not FederationGroup.objects.filter(
        federation=federation, group=group, status=FederationGroup.Status.MEMBER
    ).exists():
        raise FederationPaymentError(
            _("%(group)s is not a member of %(name)s.")
            % {"group": group.name, "name": federation.name},
            field="group",
        )
    checked_amount(amount, federation.book.currency)
    checked_method(method)
    reference = reference.strip()[:120]
    description = _("Payment to %(name)s") % {"name": federation.name}
    if reference:
        description = f"{description} ({reference})"
    return ledger_transfer(
        paying=system_account(group, method),
        receiving=federation_money_account(federation, Kind.BANK),
        amount=amount,
        description=description,
        actor=actor,
        idempotency_key=idempotency_key,
    )
