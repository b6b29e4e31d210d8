from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.costshare import (
    share_by_value,
    share_by_weight,
    share_equally,
    share_minor,
    share_per_collection_point,
)


def test_spec_delivery_example_shares_by_goods_value() -> None:
    shares = share_by_value(D("4.50"), {"alice": D("6.20"), "bob": D("9.30"), "carol": D("3.10")})
    assert shares == {"alice": D("1.50"), "bob": D("2.25"), "carol": D("0.75")}


def test_remainder_pennies_go_to_the_largest_shares_then_by_member_id() -> None:
    # 1.00 over 1:1:1 -> 0.33 each + 1p to "a" (equal shares, first id)
    assert share_equally(D("1.00"), ["c", "b", "a"]) == {
        "a": D("0.34"),
        "b": D("0.33"),
        "c": D("0.33"),
    }
    # 0.05 over 1:1:2 -> 1.25, 1.25, 2.5 pence: floors 1+1+2 = 4, the extra penny to the largest
    assert share_minor(5, {"a": 1, "b": 1, "c": 2}) == {"a": 1, "b": 1, "c": 3}


def test_by_weight_and_per_collection_point_are_exact() -> None:
    assert share_by_weight(D("3.00"), {"a": D("2.5"), "b": D("0.5")}) == {
        "a": D("2.50"),
        "b": D("0.50"),
    }
    shares = share_per_collection_point(D("1.00"), {"a": "hall", "b": "hall", "c": "shop"})
    assert shares == {"a": D("0.25"), "b": D("0.25"), "c": D("0.50")}


@settings(max_examples=150, deadline=None)
@given(
    total=st.integers(0, 10**6),
    weights=st.dictionaries(
        st.text("abcde", min_size=1, max_size=3), st.integers(0, 10**5), min_size=1
    ),
)
def test_shares_always_sum_to_the_cost(total: int, weights: dict[str, int]) -> None:
    assert sum(share_minor(total, weights).values()) == total
