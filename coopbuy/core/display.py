"""Amounts as people read them, one rule per language: the only money format of pages and email.

`display_money(Decimal("1234.5"), "GBP", "en-gb")` is "£1,234.50"; in German "1.234,50 £", in
French "1 234,50 £" (a narrow no-break space groups thousands). A negative amount has a minus sign
before everything ("-£3.00"). The amount is rounded half up to the currency's minor unit first.
"""

from __future__ import annotations

from decimal import Decimal

from coopbuy.core.money import minor_units_for, quantize

SYMBOLS: dict[str, str] = {"GBP": "£", "EUR": "€", "USD": "$", "CHF": "CHF", "JPY": "¥"}
# language -> (thousands separator, decimal separator, symbol before the number)
STYLES: dict[str, tuple[str, str, bool]] = {
    "en": (",", ".", True),
    "de": (".", ",", False),
    "fr": ("\u202f", ",", False),
}
MINUS = "-"


def display_money(amount: Decimal | int, currency: str = "GBP", language: str = "en") -> str:
    """`amount` in `currency`, written the way `language` (a code such as "en-gb") writes money."""
    places = minor_units_for(currency)
    value = quantize(Decimal(amount), places)
    thousands, point, before = STYLES.get(language.lower().split("-")[0], STYLES["en"])
    whole, _, frac = f"{abs(value):,.{places}f}".partition(".")
    number = whole.replace(",", thousands) + (point + frac if places else "")
    symbol = SYMBOLS.get(currency, currency)
    if before:
        text = f"{symbol}{number}" if len(symbol) == 1 else f"{symbol}\u00a0{number}"
    else:
        text = f"{number}\u00a0{symbol}"
    return f"{MINUS}{text}" if value < 0 else text
