"""Money as `Decimal` at the edges and integer minor units (pence) inside.

Rounding rule (the only one): `quantize` rounds half up, i.e. half away from zero, to the currency's
minor unit. It is the rule members know from receipts and that UK/EU tax guidance uses for line
amounts, and it is symmetric for refunds (-0.005 becomes -0.01, the mirror of a charge).

Splits never lose a penny: `split_exact` and `split_minor` floor every exact share and hand out the
remaining pennies one at a time in a stated order (see `split_minor`). A negative total (a refund)
is split like its absolute value and negated, so a refund mirrors the charge it reverses.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Literal

from coopbuy.core.errors import ProblemError

#: ISO 4217 minor units of the currencies co-ops use; any other code defaults to 2.
MINOR_UNITS: dict[str, int] = {
    "GBP": 2, "EUR": 2, "USD": 2, "CHF": 2, "CAD": 2, "AUD": 2, "NZD": 2, "SEK": 2, "NOK": 2,
    "DKK": 2, "PLN": 2, "CZK": 2, "HUF": 2, "JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0,
    "BHD": 3, "KWD": 3, "JOD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip
DEFAULT_MINOR_UNITS = 2

RemainderRule = Literal["largest_share", "largest_remainder"]


def minor_units_for(currency: str) -> int:
    """The number of decimal places of `currency` (2 when the code is not in the table)."""
    return MINOR_UNITS.get(currency, DEFAULT_MINOR_UNITS)


def parse_money(value: object, *, field: str, minor_units: int = DEFAULT_MINOR_UNITS) -> Decimal:
    """Read a non-negative decimal string such as "3.10"; anything else is a `ProblemError`.

    A JSON number is refused on purpose: floats cannot hold 0.10 exactly, and an integer that
    silently means pounds in one tool and pence in another is how treasurers lose money.
    """
    if isinstance(value, int | float):  # bool is an int too
        raise ProblemError(field, 'must be a decimal string such as "3.10", not a number')
    if not isinstance(value, str):
        raise ProblemError(field, 'must be a decimal string such as "3.10"')
    text = value.strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ProblemError(
            field, f'must be a decimal string such as "3.10", not "{value}"'
        ) from None
    if not amount.is_finite() or "e" in text.lower() or text.startswith("+"):
        raise ProblemError(field, f'must be a decimal string such as "3.10", not "{value}"')
    if amount < 0:
        raise ProblemError(field, "must not be negative")
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)  # finite, checked above
    if -exponent > minor_units:
        raise ProblemError(field, f"must have at most {minor_units} decimal places")
    return amount


def quantize(amount: Decimal, minor_units: int = DEFAULT_MINOR_UNITS) -> Decimal:
    """Round to the minor unit, half away from zero (the rule in the module docstring)."""
    return amount.quantize(Decimal(1).scaleb(-minor_units), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, minor_units: int = DEFAULT_MINOR_UNITS) -> int:
    """An amount with at most `minor_units` places as an integer count of minor units."""
    scaled = amount.scaleb(minor_units)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than {minor_units} decimal places")
    return int(scaled)


def from_minor(minor: int, minor_units: int = DEFAULT_MINOR_UNITS) -> Decimal:
    """Integer minor units back to a `Decimal` with exactly `minor_units` places."""
    return Decimal(minor).scaleb(
        -minor_units
    )  # an integer's exponent is 0: exactly that many places


def format_minor(minor: int, minor_units: int = DEFAULT_MINOR_UNITS) -> str:
    """Integer minor units as the contract's decimal string, e.g. 310 -> "3.10"."""
    if minor_units == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**minor_units)
    return f"{sign}{whole}.{frac:0{minor_units}d}"


def split_minor(
    total: int,
    weights: Sequence[int | Fraction | Decimal],
    *,
    tiebreak_keys: Sequence[Hashable] | None = None,
    rule: RemainderRule = "largest_share",
) -> list[int]:
    """Split `total` minor units in proportion to `weights`; the parts always sum to `total`.

    Every exact share is floored; the pennies left over go one at a time, in order, to
    `largest_share`: the largest weights first (allocation rule 6), or `largest_remainder`: the
    largest fractional parts first (Hamilton's method), ties by the order of `tiebreak_keys`
    (default: position). Zero weights get nothing, unless every weight is zero: then the total is
    split equally. Negative weights are refused; a negative total is split as a mirror image.
    """
    n = len(weights)
    if n == 0:
        if total:
            raise ValueError("cannot split a non-zero amount among nobody")
        return []
    if total < 0:
        return [
            -part for part in split_minor(-total, weights, tiebreak_keys=tiebreak_keys, rule=rule)
        ]
    fractions = [Fraction(w) for w in weights]
    if any(w < 0 for w in fractions):
        raise ValueError("weights must not be negative")
    weight_sum = sum(fractions, Fraction(0))
    if weight_sum == 0:
        fractions = [Fraction(1)] * n
        weight_sum = Fraction(n)
    keys: Sequence[Hashable] = tiebreak_keys if tiebreak_keys is not None else range(n)
    parts: list[int] = []
    remainders: list[Fraction] = []
    for w in fractions:
        exact = total * w / weight_sum
        floor = exact.numerator // exact.denominator
        parts.append(floor)
        remainders.append(exact - floor)
    left = total - sum(parts)
    if left:
        eligible = [i for i in range(n) if fractions[i] > 0]
        primary = fractions if rule == "largest_share" else remainders
        order = sorted(eligible, key=lambda i: (-primary[i], _Key(keys[i])))
        for step in range(left):
            parts[order[step % len(order)]] += 1
    return parts


class _Key:
    """Orders heterogenous but mutually comparable tie-break keys inside a sort tuple."""

    __slots__ = ("value",)

    def __init__(self, value: Hashable) -> None:
        self.value = value

    def __lt__(self, other: _Key) -> bool:
        return bool(self.value < other.value)  # type: ignore[operator]


def split_exact(
    total: Decimal,
    weights: Sequence[int | Fraction | Decimal],
    *,
    tiebreak_keys: Sequence[Hashable] | None = None,
    minor_units: int = DEFAULT_MINOR_UNITS,
    rule: RemainderRule = "largest_remainder",
) -> list[Decimal]:
    """`split_minor` on a `Decimal` amount; the returned parts sum exactly to `total`.

    The default rule here is the largest remainder (a euro over three equal apples is
    0.34 + 0.33 + 0.33, the extra cent to the first key); allocation rule 6 uses `largest_share`.
    """
    parts = split_minor(
        to_minor(quantize(total, minor_units), minor_units),
        weights,
        tiebreak_keys=tiebreak_keys,
        rule=rule,
    )
    return [from_minor(p, minor_units) for p in parts]
