"""The tipping point: counted pledges, the one final price, and the progress figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopbuy.core.campaign import (
    CampaignRuleError,
    Pledge,
    Tier,
    fits_cap,
    outcome,
    progress,
    validate_tiers,
)

D = Decimal
TIERS = [Tier(40, D("4.50")), Tier(60, D("4.10"))]


def people(n: int, *, start: int = 0, max_price: str | None = None) -> list[Pledge]:
    limit = None if max_price is None else D(max_price)
    return [Pledge(f"p{i}", 1, limit) for i in range(start, start + n)]


def test_it_tips_exactly_at_the_threshold_and_not_one_before() -> None:
    assert not outcome(tiers=TIERS, measure="participants", pledges=people(39)).tipped
    tipped = outcome(tiers=TIERS, measure="participants", pledges=people(40))
    assert tipped.tipped and tipped.unit_price == D("4.50") and tipped.participants == 40


def test_the_best_tier_reached_is_the_price_for_everyone_the_earliest_included() -> None:
    result = outcome(tiers=TIERS, measure="participants", pledges=people(60))
    assert result.unit_price == D("4.10") and result.counted[0] == "p0"
    assert result.amount_for(3) == D("12.30")


def test_conditional_pledges_count_only_when_their_price_is_reached() -> None:
    # 39 unconditional + 30 "only at 4.10": at 4.50 only 39 would pay; at 4.10, 69 >= 60.
    pledges = people(39) + people(30, start=39, max_price="4.10")
    result = outcome(tiers=TIERS, measure="participants", pledges=pledges)
    assert result.tipped and result.unit_price == D("4.10") and result.participants == 69
    # 39 + 10 conditional: 49 < 60 at 4.10, and at 4.50 the conditional ones do not count.
    few = people(39) + people(10, start=39, max_price="4.10")
    short = outcome(tiers=TIERS, measure="participants", pledges=few)
    assert not short.tipped and len(short.left_out) == 49


def test_a_conditional_pledge_above_the_price_reached_counts_and_one_below_is_left_out() -> None:
    pledges = [*people(40), Pledge("rich", 1, D("5.00")), Pledge("thrifty", 1, D("4.00"))]
    result = outcome(tiers=TIERS, measure="participants", pledges=pledges)
    assert result.unit_price == D("4.50") and "rich" in result.counted
    assert result.left_out == ("thrifty",)


def test_units_measure_counts_quantities() -> None:
    tiers = [Tier(10, D("2.00")), Tier(20, D("1.80"))]
    pledges = [Pledge("a", 7), Pledge("b", 3)]
    result = outcome(tiers=tiers, measure="units", pledges=pledges)
    assert result.tipped and result.units == 10 and result.unit_price == D("2.00")


def test_progress_says_how_many_more_tip_it_and_how_many_more_drop_the_price() -> None:
    before = progress(tiers=TIERS, measure="participants", pledges=people(23))
    assert (before.reached, before.more_to_tip, before.next_threshold) == (23, 17, 40)
    assert not before.tipped and before.next_price == D("4.50")
    after = progress(tiers=TIERS, measure="participants", pledges=people(45))
    assert after.tipped and after.more_to_tip == 0 and after.unit_price == D("4.50")
    assert (after.next_threshold, after.more_to_next, after.next_price) == (60, 15, D("4.10"))
    best = progress(tiers=TIERS, measure="participants", pledges=people(61))
    assert best.next_threshold is None and best.unit_price == D("4.10")


@pytest.mark.parametrize(
    ("tiers", "field"),
    [
        ([], "tiers"),
        ([Tier(0, D("1"))], "tiers[0].threshold"),
        ([Tier(1, D("-1"))], "tiers[0].unit_price"),
        ([Tier(5, D("2")), Tier(5, D("1"))], "tiers[1].threshold"),
        ([Tier(5, D("2")), Tier(9, D("2"))], "tiers[1].unit_price"),
    ],
)
def test_bad_tiers_name_the_field(tiers: list[Tier], field: str) -> None:
    with pytest.raises(
        CampaignRuleError, match=rf"^{field.replace('[', r'\[').replace(']', r'\]')}:"
    ):
        validate_tiers(tiers)


def test_a_price_limit_below_zero_and_an_empty_pledge_are_refused() -> None:
    with pytest.raises(CampaignRuleError, match=r"^max_price:"):
        outcome(tiers=TIERS, measure="units", pledges=[Pledge("a", 1, D("-0.01"))])
    with pytest.raises(CampaignRuleError, match=r"^quantity:"):
        outcome(tiers=TIERS, measure="units", pledges=[Pledge("a", 0)])


def test_the_cap_bounds_increases_only() -> None:
    assert fits_cap(cap=10, pledged_units=8, change=2)
    assert not fits_cap(cap=10, pledged_units=8, change=3)
    assert fits_cap(cap=10, pledged_units=12, change=-1)  # lowering is always allowed
    assert fits_cap(cap=None, pledged_units=10**9, change=5)


prices = st.integers(min_value=100, max_value=900).map(lambda c: D(c) / 100)
pledge_lists = st.lists(
    st.tuples(st.integers(1, 5), st.one_of(st.none(), prices)), min_size=0, max_size=25
).map(lambda rows: [Pledge(f"p{i}", q, m) for i, (q, m) in enumerate(rows)])
tier_lists = st.lists(st.tuples(st.integers(1, 30), prices), min_size=1, max_size=4).map(
    lambda rows: [
        Tier(t, p)
        for t, p in zip(
            sorted({t for t, _ in rows}), sorted({p for _, p in rows}, reverse=True), strict=False
        )
    ]
)


@given(tier_lists, pledge_lists, st.sampled_from(["participants", "units"]))
def test_the_outcome_is_stable_and_the_cheapest_reachable(
    tiers: list[Tier], pledges: list[Pledge], measure: str
) -> None:
    assert measure in ("participants", "units")
    result = outcome(tiers=tiers, measure=measure, pledges=pledges)  # type: ignore[arg-type]

    def size(ps: list[Pledge]) -> int:
        return len(ps) if measure == "participants" else sum(p.quantity for p in ps)

    def willing(price: Decimal) -> list[Pledge]:
        return [p for p in pledges if p.max_price is None or p.max_price >= price]

    reachable = [t for t in tiers if size(willing(t.unit_price)) >= t.threshold]
    if not reachable:
        assert not result.tipped and result.counted == ()
        return
    assert result.tipped and result.unit_price == min(t.unit_price for t in reachable)
    counted = [p for p in pledges if p.key in set(result.counted)]
    assert all(p.max_price is None or p.max_price >= result.unit_price for p in counted)
    assert counted == willing(result.unit_price)  # nobody willing is left out, nobody unwilling in
    assert set(result.counted) | set(result.left_out) == {p.key for p in pledges}


@given(tier_lists, pledge_lists, st.integers(1, 5))
def test_one_more_unconditional_pledge_never_raises_the_price(
    tiers: list[Tier], pledges: list[Pledge], quantity: int
) -> None:
    before = outcome(tiers=tiers, measure="units", pledges=pledges)
    after = outcome(tiers=tiers, measure="units", pledges=[*pledges, Pledge("new", quantity)])
    if before.tipped:
        assert after.tipped and after.unit_price is not None and before.unit_price is not None
        assert after.unit_price <= before.unit_price
