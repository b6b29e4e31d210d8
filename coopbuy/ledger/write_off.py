"""A coordinator writes a member's balance off, so that they can leave or be removed.

The write-off is an ordinary adjustment (`ledger_adjust`) of exactly the opposite of the balance,
with the coordinator's reason in its description ("Balance written off: moved away"): it appears on
the member's statement and in the audit log like any other adjustment, and it can be reversed.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import require_coordinator
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.services import LedgerError, member_account, system_account
from coopbuy.ledger.treasury import ledger_adjust


@transaction.atomic
def ledger_write_off(
    *, membership: Membership, actor: User, reason: str, idempotency_key: str
) -> Transaction:
    """Bring the member's balance to zero with a named adjustment (coordinators only)."""
    require_coordinator(group=membership.group, user=actor)
    reason = reason.strip()
    if not reason:
        raise LedgerError(
            _("Say why the balance is written off: the member will see it."), field="reason"
        )
    account = member_account(membership)
    adjustments = system_account(membership.group, Account.Kind.ADJUSTMENTS)
    # Lock both accounts (by primary key, the ledger's order) before reading the balance, so that
    # no top-up or charge lands between the reading and the write-off.
    locked = {
        a.pk: a
        for a in Account.objects.select_for_update(no_key=True)
        .filter(pk__in=[account.pk, adjustments.pk])
        .order_by("pk")
    }
    balance = locked[account.pk].balance
    if balance == 0:
        raise LedgerError(
            _("%(member)s's balance is already 0.00: there is nothing to write off.")
            % {"member": membership.user.name}
        )
    return ledger_adjust(
        membership=membership,
        amount=-balance,
        reason=_("Balance written off: %(reason)s") % {"reason": reason},
        actor=actor,
        idempotency_key=idempotency_key,
    )
