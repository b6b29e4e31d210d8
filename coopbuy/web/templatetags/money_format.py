"""`{% load money_format %}{{ amount|money:round.currency }}`: the one money format of every page.

The format is `coopbuy.core.display.display_money` in the language of the request.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from coopbuy.core.display import display_money

register = template.Library()


def money_text(amount: Decimal | int | None, currency: str = "GBP") -> str:
    """The amount as pages and emails show it, in the active language (Python callers)."""
    return display_money(amount if amount is not None else 0, currency, get_language() or "en")


@register.filter
def money(amount: Decimal | int | None, currency: str = "GBP") -> str:
    return money_text(amount, currency or "GBP")
