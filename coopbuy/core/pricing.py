"""Unit prices: case-count tiers (allocation rule 3), the group's markup and Foodsoft's gross price.

All results are quantised with `money.quantize` (half away from zero), the core's one rounding rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from coopbuy.core.money import DEFAULT_MINOR_UNITS, quantize


@dataclass(frozen=True, slots=True)
class PriceTier:
    """From `min_cases` ordered cases on, every unit of the product costs `unit_price`."""

    min_cases: int
    unit_price: Decimal


def applied_unit_price(base: Decimal, tiers: Sequence[PriceTier], cases: int) -> Decimal:
    """Rule 3: the price of the highest tier whose `min_cases` <= `cases`, else `base`."""
    best: PriceTier | None = None
    for tier in tiers:
        if tier.min_cases <= cases and (best is None or tier.min_cases > best.min_cases):
            best = tier
    return base if best is None else best.unit_price


def apply_markup(
    price: Decimal, markup_rate: Decimal, *, minor_units: int = DEFAULT_MINOR_UNITS
) -> Decimal:
    """The member's price after the group's markup, e.g. rate 0.05 for 5 %."""
    return quantize(price * (1 + markup_rate), minor_units)


def gross_price(
    net: Decimal,
    *,
    vat_rate: Decimal,
    deposit: Decimal = Decimal(0),
    markup_rate: Decimal = Decimal(0),
    minor_units: int = DEFAULT_MINOR_UNITS,
) -> Decimal:
    """Foodsoft's rule: gross = round((net + deposit) x (1 + VAT)), then x (1 + markup), rounded.

    Rounding twice (once for the gross price a supplier would print, once after the markup) is
    what Foodsoft does, so prices shown to members agree with the ones they know.
    """
    gross = quantize((net + deposit) * (1 + vat_rate), minor_units)
    return apply_markup(gross, markup_rate, minor_units=minor_units)
