"""The spending rule at the basket: what a member may still add, and the refusal beyond it.

The ledger knows the balance and the credit the group allows (`ledger.selectors`); this module
applies them to an open round's basket, which is not charged yet.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from coopbuy.groups.models import Membership
from coopbuy.ledger.selectors import available_to_spend, format_money, spending_explanation
from coopbuy.rounds.errors import RoundError


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
                "This would bring your basket to %(after)s. %(why)s "
                "Top up your account or lower another product."
            )
            % {
                "after": format_money(after, currency),
                "why": spending_explanation(membership=membership),
            },
            field="quantity",
        )
