"""Reading one spreadsheet cell as a number, a price, a rate, a flag or a list of price tiers.

Every parser takes the cell's text and returns a value or raises `CellError` with a message that
names what was expected, so that an import can list every bad cell with its row and column.

Numbers: a dot or a comma may be the decimal mark ("2.90", "2,90": Foodsoft co-ops and German or
French spreadsheets use the comma). When both appear, the last one is the decimal mark and the
other groups thousands ("1,234.50", "1.234,50"). A leading £, € or $ is ignored.
Money is rounded half up to the penny (`coopbuy.core.money.quantize`): wholesalers' per-unit prices
sometimes have more places, and the preview shows the rounded price that will be saved.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from coopbuy.core.money import quantize

MAX_MONEY = Decimal("9999999999.99")  # what a DecimalField(max_digits=12, decimal_places=2) holds
TRUE_WORDS = frozenset({"yes", "y", "x", "1", "true", "ja", "oui", "si", "sí", "available"})
FALSE_WORDS = frozenset({"no", "n", "0", "false", "nein", "non", "unavailable", "-"})
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class CellError(ValueError):
    """A cell that does not hold what its column needs."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_decimal(text: str) -> Decimal:
    """A plain decimal number in either notation (see the module docstring)."""
    cleaned = text.strip().lstrip("£€$").replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER.match(cleaned):
        raise CellError(_("“%(text)s” is not a number") % {"text": text.strip()})
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid numbers
        raise CellError(_("“%(text)s” is not a number") % {"text": text.strip()}) from None


def parse_price(text: str) -> Decimal:
    """A price not negative, unrounded (to be converted to another unit before rounding)."""
    amount = parse_decimal(text)
    if amount < 0:
        raise CellError(_("must not be negative (found %(text)s)") % {"text": text.strip()})
    return amount


def parse_money(text: str) -> Decimal:
    """A price or deposit: not negative, rounded to the penny."""
    amount = quantize(parse_price(text))
    if amount > MAX_MONEY:
        raise CellError(_("%(text)s is too large") % {"text": text.strip()})
    return amount


def parse_optional_money(text: str) -> Decimal | None:
    return parse_money(text) if text.strip() else None


def parse_count(text: str, *, minimum: int = 0) -> int:
    """A whole number of at least `minimum` ("12" or "12.0", not "12.5")."""
    value = parse_decimal(text)
    if value != value.to_integral_value():
        raise CellError(_("must be a whole number (found %(text)s)") % {"text": text.strip()})
    if value < minimum:
        raise CellError(
            _("must be at least %(min)s (found %(text)s)") % {"min": minimum, "text": text.strip()}
        )
    if value > 2_000_000_000:
        raise CellError(_("%(text)s is too large") % {"text": text.strip()})
    return int(value)


def parse_optional_count(text: str, *, minimum: int = 0) -> int | None:
    return parse_count(text, minimum=minimum) if text.strip() else None


def parse_vat_percent(text: str) -> Decimal:
    """VAT written as a percent ("20", "20 %", "5.5") as a fraction with 4 places (0.2000).

    A value between 0 and 1 is refused rather than guessed: "0.2" is far more likely a fraction
    meant as 20 % than a real 0.2 % rate, and a wrong guess would charge members 100 times too much
    or too little.
    """
    cleaned = text.strip().rstrip("%").strip()
    if not cleaned:
        return Decimal("0.0000")
    percent = parse_decimal(cleaned)
    if 0 < percent < 1:
        raise CellError(
            _("write VAT as a percent, e.g. 20 for 20 %% (found %(text)s)") % {"text": text.strip()}
        )
    if percent < 0 or percent >= 100:
        raise CellError(
            _("must be a percent from 0 to 99.99 (found %(text)s)") % {"text": text.strip()}
        )
    rate = (percent / 100).quantize(Decimal("0.0001"))
    if rate * 100 != percent:
        raise CellError(_("has too many decimal places (found %(text)s)") % {"text": text.strip()})
    return rate


def parse_flag(text: str, *, blank: bool) -> bool:
    """yes/no, x, 1/0, true/false (also ja/nein, oui/non); `blank` is what an empty cell means."""
    word = text.strip().lower()
    if not word:
        return blank
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("must be yes or no (found %(text)s)") % {"text": text.strip()})


def parse_tiers(text: str) -> list[tuple[int, Decimal]]:
    """Volume prices "4:2.90;10:2.75": from 4 cases 2.90 a unit, from 10 cases 2.75.

    Tiers start at 2 cases (one case is the base price), each number of cases once, prices not
    negative. They are returned sorted by number of cases.
    """
    tiers: dict[int, Decimal] = {}
    for part in re.split(r"[;|]", text):
        if not part.strip():
            continue
        cases_text, sep, price_text = part.partition(":")
        if not sep:
            raise CellError(
                _("write tiers as cases:price, e.g. 4:2.90;10:2.75 (found %(text)s)")
                % {"text": part.strip()}
            )
        try:
            cases = parse_count(cases_text, minimum=2)
            price = parse_money(price_text)
        except CellError as error:
            raise CellError(
                _("tier “%(tier)s”: %(problem)s") % {"tier": part.strip(), "problem": error.message}
            ) from None
        if cases in tiers:
            raise CellError(_("two tiers start at %(cases)s cases") % {"cases": cases})
        tiers[cases] = price
    return sorted(tiers.items())


def format_tiers(tiers: list[tuple[int, Decimal]]) -> str:
    """The inverse of `parse_tiers`, as the export writes it."""
    return ";".join(f"{cases}:{price}" for cases, price in tiers)
