"""What pooling changed, in the sentences members and runners read (never hidden when it cost)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from coopbuy.core.display import display_money


def saving_sentence(amount: Decimal, currency: str, *, others: int, extra_cases: int) -> str:
    """“Pooling with 2 other groups saved you £4.20 this round and filled 2 cases your group
    could not have filled alone.” A negative amount says what pooling cost."""
    money = display_money(abs(amount), currency, get_language() or "en")
    groups = ngettext("%(n)d other group", "%(n)d other groups", others) % {"n": others}
    if amount > 0:
        head = _("Pooling with %(groups)s saved you %(money)s this round") % {
            "groups": groups, "money": money,
        }  # fmt: skip
    elif amount < 0:
        head = _(
            "Pooling with %(groups)s cost you %(money)s more this round than ordering alone"
        ) % {"groups": groups, "money": money}
    else:
        head = _("Pooling with %(groups)s made no difference to your bill this round") % {
            "groups": groups
        }
    if extra_cases:
        tail = ngettext(
            " and filled %(n)d case your group could not have filled alone.",
            " and filled %(n)d cases your group could not have filled alone.",
            extra_cases,
        ) % {"n": extra_cases}
    else:
        tail = "."
    return head + tail
