from __future__ import annotations

from decimal import Decimal

import pytest

from coopbuy.core.display import display_money


@pytest.mark.parametrize(
    ("amount", "currency", "language", "shown"),
    [
        (Decimal("2.76"), "GBP", "en-gb", "£2.76"),
        (Decimal("10.3"), "GBP", "en", "£10.30"),
        (Decimal("12345678.99"), "GBP", "en-gb", "£12,345,678.99"),
        (Decimal("-20"), "GBP", "en-gb", "-£20.00"),
        (Decimal("0.005"), "GBP", "en", "£0.01"),
        (Decimal("-0.005"), "GBP", "en", "-£0.01"),
        (Decimal("1234.5"), "EUR", "de", "1.234,50\u00a0€"),
        (Decimal("1234.5"), "EUR", "fr-fr", "1\u202f234,50\u00a0€"),
        (Decimal("1234"), "JPY", "en", "¥1,234"),
        (Decimal("3.3"), "SEK", "en", "SEK\u00a03.30"),
        (Decimal("3.3"), "GBP", "pt-br", "£3.30"),
        (0, "GBP", "en", "£0.00"),
    ],
)
def test_display_money_writes_each_language_its_way(
    amount: Decimal, currency: str, language: str, shown: str
) -> None:
    assert display_money(amount, currency, language) == shown


def test_display_money_minus_zero_is_plain_zero() -> None:
    assert display_money(Decimal("-0.001"), "GBP", "en") == "£0.00"
