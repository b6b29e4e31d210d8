"""The spending rule at the basket: a change may not raise the basket beyond what may be spent.

One figure everywhere: what the member "may still spend" is what the group's rule allows
(`ledger.selectors.Spending.available`) minus the open basket; the ordering page's summary and the
refusal of a change both say that same amount.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from coopbuy.ledger.selectors import Spending, format_money


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
