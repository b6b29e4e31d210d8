"""What the ledger says when a membership is about to end (see `coopbuy.groups.ending`).

A member whose balance is not zero cannot leave or be removed: the money is settled first (a
top-up or a refund), or a coordinator writes the balance off with a named adjustment
(`coopbuy.ledger.write_off.ledger_write_off`). Their account stays with the membership, so a
member who rejoins finds it as they left it.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.groups.models import Membership
from coopbuy.ledger.models import Account


def balance_of(membership: Membership) -> Decimal:
    account = Account.objects.filter(membership=membership).only("balance").first()
    return account.balance if account is not None else Decimal("0.00")


class LedgerOnMembershipEnd:
    def refusals(self, membership: Membership, *, leaving: bool) -> list[str]:
        balance = balance_of(membership)
        if balance == 0:
            return []
        amount = f"{abs(balance)} {membership.group.currency}"
        if leaving:
            text = (
                _(
                    "You owe the group %(amount)s: pay it (a top-up) before leaving, or ask a "
                    "coordinator to write the balance off."
                )
                if balance < 0
                else _(
                    "You have %(amount)s in credit: ask the treasurer for a refund before leaving, "
                    "or a coordinator to write the balance off."
                )
            )
            return [text % {"amount": amount}]
        text = (
            _(
                "%(user)s owes the group %(amount)s: settle it (a top-up), or write the "
                "balance off with a named adjustment, before removing them."
            )
            if balance < 0
            else _(
                "%(user)s has %(amount)s in credit: refund it, or write the balance off with a "
                "named adjustment, before removing them."
            )
        )
        return [text % {"user": membership.user.name, "amount": amount}]

    def before_end(self, membership: Membership, *, actor: User) -> None:
        """Nothing to tidy: the account stays, linked to the ended membership."""


STEP = LedgerOnMembershipEnd()
