"""`{{ amount|money:group.currency }}` and `{{ account|shown_balance }}` for the money pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from coopbuy.core.ledger import DEBIT_NORMAL_KINDS
from coopbuy.ledger.bank_details import iban_shown, sort_code_shown
from coopbuy.ledger.models import Account
from coopbuy.ledger.selectors import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "GBP") -> str:
    return format_money(amount if amount is not None else Decimal("0.00"), currency)


@register.filter
def shown_balance(account: Account) -> Decimal:
    """Bank and cash as money held; every other account as its balance (see core.ledger)."""
    return -account.balance if account.kind in DEBIT_NORMAL_KINDS else account.balance


@register.filter
def shown_amount(amount: Decimal, account: Account | None) -> Decimal:
    """An entry as the account holder reads it: money into the bank or cash box is positive."""
    if account is not None and account.kind in DEBIT_NORMAL_KINDS:
        return -amount
    return amount


@register.filter
def percent(rate: Decimal) -> str:
    """0.2000 -> "20", 0.1750 -> "17.5"."""
    value = (Decimal(rate) * 100).normalize()
    return f"{value:f}"


@register.filter
def sort_code(value: str) -> str:
    """123456 -> "12-34-56"."""
    return sort_code_shown(value)


@register.filter
def iban(value: str) -> str:
    """In groups of four, as printed on statements."""
    return iban_shown(value)
