from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from coopbuy.core.pricing import PriceTier
from coopbuy.core.progress import case_progress, cases_for


def test_four_of_six_needs_two_more() -> None:
    p = case_progress(case_size=6, quantity=4, tolerance=0)
    assert (p.cases, p.in_next_case, p.more_to_fill, p.percent) == (0, 4, 2, 66)


def test_tolerance_counts_once_quantity_has_started_the_case() -> None:
    p = case_progress(case_size=6, quantity=4, tolerance=1)
    assert (p.in_next_case, p.more_to_fill) == (5, 1)
    # tolerance alone never fills a case: one unit of quantity is still needed
    p = case_progress(case_size=6, quantity=0, tolerance=9)
    assert (p.cases, p.more_to_fill) == (0, 1)


def test_next_tier_is_reported_in_cases_still_needed() -> None:
    tiers = (PriceTier(4, D("2.90")), PriceTier(8, D("2.70")))
    p = case_progress(case_size=6, quantity=18, tolerance=0, tiers=tiers)
    assert (p.cases, p.next_tier_cases, p.next_tier_price) == (3, 1, D("2.90"))
    p = case_progress(case_size=6, quantity=50, tolerance=0, tiers=tiers)
    assert (p.cases, p.next_tier_cases) == (8, None)


def test_max_cases_stops_the_bar() -> None:
    p = case_progress(case_size=6, quantity=12, tolerance=0, max_cases=2)
    assert p.capped and p.more_to_fill == 0 and p.cases == 2


@given(st.integers(1, 12), st.integers(0, 60), st.integers(0, 20))
def test_more_to_fill_really_adds_a_case_and_one_less_does_not(
    size: int, quantity: int, tolerance: int
) -> None:
    p = case_progress(case_size=size, quantity=quantity, tolerance=tolerance)
    assert 1 <= p.more_to_fill <= size
    assert cases_for(quantity + p.more_to_fill, tolerance, size) == p.cases + 1
    assert cases_for(quantity + p.more_to_fill - 1, tolerance, size) == p.cases
