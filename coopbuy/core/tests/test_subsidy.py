from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.subsidy import (
    Charge,
    Rule,
    RuleInvalid,
    share_pro_rata,
    subsidise,
    wanted,
)

TEN = Rule(1, "goods_percent", percent=D(10), monthly_cap=2000)
DELIVERY = Rule(2, "delivery")


def test_ten_percent_of_goods_rounds_half_up_to_the_penny() -> None:
    assert wanted(TEN, Charge(7, goods=1235, delivery=80)) == 124  # 123.5p -> 124p
    assert wanted(TEN, Charge(7, goods=1234, delivery=80)) == 123
    assert wanted(Rule(3, "goods_percent", percent=D("12.5")), Charge(1, 999, 0)) == 125


def test_delivery_rule_pays_exactly_the_delivery_share() -> None:
    assert wanted(DELIVERY, Charge(7, goods=1235, delivery=83)) == 83


def test_both_rules_together_with_a_full_fund() -> None:
    paid = subsidise(
        [DELIVERY, TEN], [Charge(7, 12400, 150), Charge(9, 5000, 0)], used={}, fund=99999
    )
    assert paid == {(1, 7): 1240, (1, 9): 500, (2, 7): 150}


def test_cap_counts_what_earlier_rounds_of_the_month_paid() -> None:
    charges = [Charge(7, 12400, 0)]
    assert subsidise([TEN], charges, used={(1, 7): 1500}, fund=99999) == {(1, 7): 500}
    assert subsidise([TEN], charges, used={(1, 7): 2000}, fund=99999) == {}
    assert subsidise([TEN], charges, used={(1, 7): 2600}, fund=99999) == {}


def test_cap_of_zero_pays_nothing() -> None:
    rule = Rule(1, "goods_percent", percent=D(50), monthly_cap=0)
    assert subsidise([rule], [Charge(1, 1000, 0)], used={}, fund=5000) == {}


def test_dry_fund_shared_pro_rata_remainder_to_largest_fraction_then_lower_id() -> None:
    rule = Rule(1, "goods_percent", percent=D(100), when_dry="partial")
    # wants 100, 100, 200 (400) from a fund of 101: 25.25, 25.25, 50.5 -> 25, 25, 50 + 1 left
    paid = subsidise(
        [rule], [Charge(3, 100, 0), Charge(2, 100, 0), Charge(5, 200, 0)], used={}, fund=101
    )
    assert paid == {(1, 2): 25, (1, 3): 25, (1, 5): 51}
    # equal fractions: the penny goes to the lower member id
    assert share_pro_rata(1, {4: 1, 2: 1, 9: 1}) == {2: 1, 4: 0, 9: 0}


def test_dry_fund_pays_nothing_when_the_rule_says_so() -> None:
    rule = Rule(1, "goods_percent", percent=D(100), when_dry="nothing")
    assert subsidise([rule], [Charge(1, 100, 0), Charge(2, 100, 0)], used={}, fund=199) == {}
    assert subsidise([rule], [Charge(1, 100, 0), Charge(2, 100, 0)], used={}, fund=200) == {
        (1, 1): 100,
        (1, 2): 100,
    }


def test_rules_draw_on_the_fund_in_their_order() -> None:
    first = Rule(1, "delivery", when_dry="nothing")
    second = Rule(2, "goods_percent", percent=D(100), when_dry="partial")
    paid = subsidise([second, first], [Charge(1, 500, 300)], used={}, fund=400)
    assert paid == {(1, 1): 300, (2, 1): 100}


def test_an_empty_or_overdrawn_fund_pays_nothing() -> None:
    assert subsidise([TEN], [Charge(1, 1000, 0)], used={}, fund=0) == {}
    assert subsidise([TEN], [Charge(1, 1000, 0)], used={}, fund=-50) == {}


@pytest.mark.parametrize(
    ("percent", "cap", "field"),
    [(D("100.01"), None, "percent"), (D(0), None, "percent"), (None, None, "percent"),
     (D(10), -1, "monthly_cap")],
)  # fmt: skip
def test_invalid_rules_are_refused_naming_the_field(
    percent: D | None, cap: int | None, field: str
) -> None:
    with pytest.raises(RuleInvalid) as refused:
        Rule(1, "goods_percent", percent=percent, monthly_cap=cap)
    assert refused.value.field == field


def test_one_hundred_percent_is_allowed() -> None:
    assert wanted(Rule(1, "goods_percent", percent=D(100)), Charge(1, 777, 5)) == 777


rules_st = st.lists(
    st.builds(
        Rule,
        id=st.integers(1, 50),
        kind=st.sampled_from(["delivery", "goods_percent"]),
        percent=st.decimals(D("0.01"), D(100), places=2),
        monthly_cap=st.none() | st.integers(0, 5000),
        when_dry=st.sampled_from(["partial", "nothing"]),
    ),
    max_size=4,
    unique_by=lambda r: r.id,
)
charges_st = st.lists(
    st.builds(Charge, member=st.integers(1, 30), goods=st.integers(0, 20000),
              delivery=st.integers(0, 2000)),
    max_size=12,
    unique_by=lambda c: c.member,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(rules_st, charges_st, st.integers(-100, 30000), st.integers(0, 6000))
def test_never_more_than_the_fund_the_cap_or_the_charge(
    rules: list[Rule], charges: list[Charge], fund: int, used_each: int
) -> None:
    used = {(r.id, c.member): used_each for r in rules for c in charges}
    paid = subsidise(rules, charges, used=used, fund=fund)
    assert all(amount > 0 for amount in paid.values())
    assert sum(paid.values()) <= max(fund, 0)
    by_member = {c.member: c for c in charges}
    for rule in rules:
        for member, charge in by_member.items():
            amount = paid.get((rule.id, member), 0)
            assert amount <= wanted(rule, charge)
            if rule.monthly_cap is not None:
                assert amount + used_each <= max(rule.monthly_cap, used_each)
    for member, charge in by_member.items():
        total = sum(a for (_r, m), a in paid.items() if m == member)
        assert total <= charge.goods * len(rules) + charge.delivery * len(rules)


@settings(max_examples=300, deadline=None)
@given(rules_st, charges_st)
def test_a_full_fund_pays_every_rule_in_full(rules: list[Rule], charges: list[Charge]) -> None:
    paid = subsidise(rules, charges, used={}, fund=10**9)
    for rule in rules:
        for charge in charges:
            capped = wanted(rule, charge)
            if rule.monthly_cap is not None:
                capped = min(capped, rule.monthly_cap)
            assert paid.get((rule.id, charge.member), 0) == capped


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10000), st.dictionaries(st.integers(1, 40), st.integers(1, 5000), min_size=1))
def test_pro_rata_share_is_exact_and_bounded(total: int, weights: dict[int, int]) -> None:
    if total >= sum(weights.values()):
        total = sum(weights.values()) - 1
    parts = share_pro_rata(total, weights)
    assert sum(parts.values()) == total
    assert all(0 <= parts[m] <= w for m, w in weights.items())


@settings(max_examples=200, deadline=None)
@given(rules_st, charges_st, st.integers(0, 30000))
def test_the_same_input_gives_the_same_answer_in_any_order(
    rules: list[Rule], charges: list[Charge], fund: int
) -> None:
    forward = subsidise(rules, charges, used={}, fund=fund)
    backward = subsidise(rules[::-1], charges[::-1], used={}, fund=fund)
    assert forward == backward
