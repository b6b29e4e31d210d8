"""Setting and releasing holds: money promised on a member's account, not yet charged.

A hold is checked like a charge would be: under the account's row lock (the order every ledger
writer takes), against the group's credit rule with the balance less the member's other holds, so
two pledges made at once cannot promise the same pound twice. Releasing is idempotent.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.core import ledger as core
from coopbuy.core.money import from_minor, to_minor
from coopbuy.ledger.models import Account, Hold
from coopbuy.ledger.selectors import format_money, ledger_settings_of
from coopbuy.ledger.services import LedgerError


def _active(source_kind: str, source_id: int) -> Hold | None:
    return Hold.objects.filter(
        source_kind=source_kind, source_id=source_id, released_at__isnull=True
    ).first()


@transaction.atomic
def hold_set(
    *, account: Account, amount: Decimal, reason: str, source_kind: str, source_id: int
) -> Hold | None:
    """Hold `amount` for the source (replacing its earlier hold); 0 releases it. None: nothing held.

    Refused with a clear message when the group asks for prepayment and the member's balance,
    less their other holds, does not cover it.
    """
    if amount < 0:
        raise LedgerError(_("A hold cannot be negative."), field="amount")
    account = Account.objects.select_for_update(no_key=True).get(pk=account.pk)
    group = account.group
    if group is None:  # a federation's or an organisation's account
        raise LedgerError(_("Only a member's account in a group can hold money for a pledge."))
    current = _active(source_kind, source_id)
    if amount == 0:
        if current is not None:
            Hold.objects.filter(pk=current.pk).update(released_at=timezone.now())
        return None
    others_held = Hold.objects.filter(account=account, released_at__isnull=True)
    if current is not None:
        others_held = others_held.exclude(pk=current.pk)
    others = others_held.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    settings = ledger_settings_of(group=group)
    rule = core.CreditRule(settings.prepayment_required, to_minor(settings.credit_limit))
    available = core.available_to_spend(to_minor(account.balance - others), rule)
    if available is not None and from_minor(available) < amount:
        left = max(from_minor(available), Decimal(0))
        raise LedgerError(
            _(
                "This needs %(amount)s set aside from your balance, and you may spend "
                "%(available)s now. Top up your account or pledge less."
            )
            % {
                "amount": format_money(amount, group.currency),
                "available": format_money(left, group.currency),
            },
            field="quantity",
        )
    if current is not None:
        current.amount = amount
        current.reason = reason[:200]
        current.save(update_fields=["amount", "reason", "updated_at"])
        return current
    return Hold.objects.create(
        account=account,
        amount=amount,
        reason=reason[:200],
        source_kind=source_kind,
        source_id=source_id,
    )


def hold_release(*, source_kind: str, source_id: int) -> bool:
    """Release the source's active hold, if any (inside the caller's transaction)."""
    return bool(
        Hold.objects.filter(
            source_kind=source_kind, source_id=source_id, released_at__isnull=True
        ).update(released_at=timezone.now())
    )
