from decimal import Decimal as D

from coopbuy.core.pricing import PriceTier, applied_unit_price, apply_markup, gross_price

TIERS = (PriceTier(4, D("2.90")), PriceTier(10, D("2.50")))


def test_base_price_applies_below_the_first_tier() -> None:
    assert applied_unit_price(D("3.10"), TIERS, 0) == D("3.10")
    assert applied_unit_price(D("3.10"), TIERS, 3) == D("3.10")


def test_the_highest_reached_tier_sets_the_price() -> None:
    assert applied_unit_price(D("3.10"), TIERS, 4) == D("2.90")
    assert applied_unit_price(D("3.10"), TIERS, 9) == D("2.90")
    assert applied_unit_price(D("3.10"), tuple(reversed(TIERS)), 12) == D("2.50")


def test_markup_is_rounded_half_up() -> None:
    assert apply_markup(D("2.50"), D("0.05")) == D("2.63")  # 2.625


def test_foodsoft_gross_price_rounds_before_the_markup() -> None:
    # (1.00 + 0.15) * 1.07 = 1.2305 -> 1.23; * 1.10 = 1.353 -> 1.35
    assert gross_price(
        D("1.00"), vat_rate=D("0.07"), deposit=D("0.15"), markup_rate=D("0.10")
    ) == D("1.35")
