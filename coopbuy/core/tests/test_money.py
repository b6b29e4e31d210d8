from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.errors import ProblemError
from coopbuy.core.money import (
    RemainderRule,
    format_minor,
    minor_units_for,
    parse_money,
    quantize,
    split_exact,
    split_minor,
)


def test_parse_money_reads_decimal_strings() -> None:
    assert parse_money("3.10", field="x") == Decimal("3.10")
    assert parse_money("0", field="x") == Decimal(0)
    assert parse_money("1500", field="x", minor_units=0) == Decimal(1500)


@pytest.mark.parametrize("value", [3.1, 3, True])
def test_parse_money_refuses_json_numbers_naming_the_field(value: object) -> None:
    with pytest.raises(ProblemError) as err:
        parse_money(value, field="products[0].unit_price")
    assert str(err.value) == (
        'products[0].unit_price: must be a decimal string such as "3.10", not a number'
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-1.00", "must not be negative"),
        ("3.105", "must have at most 2 decimal places"),
        ("abc", 'must be a decimal string such as "3.10", not "abc"'),
        ("NaN", 'must be a decimal string such as "3.10", not "NaN"'),
        ("1e3", 'must be a decimal string such as "3.10", not "1e3"'),
    ],
)
def test_parse_money_explains_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ProblemError) as err:
        parse_money(text, field="f")
    assert err.value.message == message


def test_yen_has_no_minor_unit_and_unknown_currencies_have_two() -> None:
    assert minor_units_for("JPY") == 0
    assert minor_units_for("XYZ") == 2
    with pytest.raises(ProblemError):
        parse_money("1.5", field="f", minor_units=0)


def test_quantize_rounds_half_away_from_zero() -> None:
    assert quantize(Decimal("0.125")) == Decimal("0.13")
    assert quantize(Decimal("0.124")) == Decimal("0.12")
    assert quantize(Decimal("-0.125")) == Decimal("-0.13")


def test_format_minor_writes_the_contract_strings() -> None:
    assert format_minor(310) == "3.10"
    assert format_minor(5) == "0.05"
    assert format_minor(-5) == "-0.05"
    assert format_minor(1500, 0) == "1500"


def test_a_euro_over_three_apples_is_34_33_33() -> None:
    assert split_exact(Decimal("1.00"), [1, 1, 1]) == [
        Decimal("0.34"),
        Decimal("0.33"),
        Decimal("0.33"),
    ]


def test_largest_share_rule_gives_remainder_pennies_to_the_biggest_weights() -> None:
    # exact shares 0.333.., 0.666.. pence of 1p: the larger weight gets the penny
    assert split_minor(1, [1, 2], rule="largest_share") == [0, 1]
    # 10p over weights 1,1,1: 3.33 each; one penny to the first key by tie-break
    assert split_minor(10, [1, 1, 1], tiebreak_keys=["c", "a", "b"]) == [3, 4, 3]


def test_largest_remainder_rule_prefers_big_fractions_over_big_weights() -> None:
    # shares of 10 over 1:4:5 -> 1.0 (r0), 4.0, 5.0 exact; over 3:3:4 of 7 -> 2.1, 2.1, 2.8
    assert split_minor(7, [3, 3, 4], rule="largest_remainder") == [2, 2, 3]
    # 4 over 2:2:5 -> 0.89, 0.89, 2.22: the two big fractions win; by shares, the big weight first
    assert split_minor(4, [2, 2, 5], rule="largest_remainder") == [1, 1, 2]
    assert split_minor(4, [2, 2, 5], rule="largest_share") == [1, 0, 3]


def test_all_zero_weights_split_equally_and_refunds_mirror_charges() -> None:
    assert split_minor(5, [0, 0]) == [3, 2]
    assert split_minor(-5, [0, 0]) == [-3, -2]
    assert split_minor(7, [0, 1]) == [0, 7]


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(-(10**7), 10**7),
    weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=12),
    rule=st.sampled_from(["largest_share", "largest_remainder"]),
)
def test_split_parts_always_sum_to_the_total_and_stay_within_a_penny(
    total: int, weights: list[int], rule: RemainderRule
) -> None:
    parts = split_minor(total, weights, rule=rule)
    assert sum(parts) == total
    w = sum(weights) or len(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = total * (weight if sum(weights) else 1) / w
        assert abs(part - exact) < 1 + 1e-9
