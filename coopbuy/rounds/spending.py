"""The spending rule at the basket: what a member may still add, and the refusal beyond it.

The ledger knows the balance and the credit the group allows (`ledger.selectors.Spending`); this
module applies them to an open round's basket, which is not charged yet. One figure everywhere:
what the member "can still order" is what the rule allows minus the open basket; the ordering
page's summary and the refusal of a change both say that same amount.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from coopbuy.groups.models import Membership
from coopbuy.ledger.selectors import Spending, format_money, spending_of
from coopbuy.rounds.errors import RoundError


def spending_left(*, membership: Membership, basket_total: Decimal) -> Decimal | None:
    """What the member may still add to this basket under the group's rule (None: no limit)."""
    return spending_of(membership=membership).left(basket_total)


def overspending_message(*, spending: Spending, before: Decimal, after: Decimal) -> str | None:
    """Why a change from a basket of `before` to `after` is refused, or None when it is allowed.

    Lowering is always allowed, even for a member already over the limit (their balance may have
    fallen since they ordered), so nobody is stuck with a basket they cannot pay for.
    """
    if after <= before:
        return None
    available = spending.available
    if available is None or after <= available:
        return None
    return _(
        "This would bring your basket to %(after)s. %(why)s "
        "Top up your account or lower another product."
    ) % {
        "after": format_money(after, spending.currency),
        "why": spending.explanation(before),
    }


def check_spending(
    *,
    membership: Membership,
    before: Decimal,
    after: Decimal,
    spending: Spending | None = None,
) -> None:
    """Refuse a basket change that raises the basket beyond what the member may spend."""
    message = overspending_message(
        spending=spending or spending_of(membership=membership), before=before, after=after
    )
    if message:
        raise RoundError(message, field="quantity")
