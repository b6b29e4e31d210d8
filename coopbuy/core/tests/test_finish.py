"""The finishing steps give the same result with int64 columns and with exact Python ints."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core import allocation
from coopbuy.core.allocation import share_largest_first
from coopbuy.core.costshare import share_minor
from coopbuy.core.jsonio import problem_from_json
from coopbuy.core.metrics import feasible_bounds, feasible_counts
from coopbuy.core.prepared import prepare
from coopbuy.core.problem import Policy
from coopbuy.core.tests.strategies import problems, run


@settings(max_examples=150, deadline=None)
@given(problems(max_products=4, max_members=5), st.sampled_from(["fcfs", "proportional"]))
def test_object_columns_give_the_int64_result(data: dict[str, Any], policy: Policy) -> None:
    with_int64 = run(data, policy, explain=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(allocation, "_INT64_LIMIT", 0)  # every column is then an object array
        with_ints = run(data, policy, explain=True)
    assert with_ints == with_int64


def test_amounts_beyond_int64_are_exact() -> None:
    price = "92233720368547758.07"  # 2^63 - 1 pence
    data = {
        "currency": "GBP",
        "suppliers": [{"id": "s", "delivery_fee": "1.00"}],
        "products": [{"id": "p", "supplier": "s", "case_size": 3, "unit_price": price}],
        "members": [{"id": "c", "budget": "1.00"}],
        "demand": [
            {"member": m, "product": "p", "quantity": q, "placed_at": "2026-11-20T10:00:00Z"}
            for m, q in (("a", 2), ("b", 1))
        ],
    }
    out = run(data, "fcfs")
    pence = 2**63 - 1
    assert [line["amount"] for line in out["allocations"]] == [
        f"{2 * pence // 100}.{2 * pence % 100:02d}",
        price,
    ]
    goods = [m["goods"] for m in out["members"]]
    assert goods[2] == "0.00" and [m["id"] for m in out["members"]] == ["a", "b", "c"]
    assert [m["delivery"] for m in out["members"]] == ["0.67", "0.33", "0.00"]
    assert problem_from_json(data).demand.quantity == (2, 1)


@settings(max_examples=200, deadline=None)
@given(problems(max_products=4, max_members=5))
def test_feasible_bounds_and_least_cases_match_the_list_of_counts(data: dict[str, Any]) -> None:
    for product in prepare(problem_from_json(data)).products:
        counts = feasible_counts(product)
        low, high = feasible_bounds(product)
        assert (low, high) == (counts[1] if len(counts) > 1 else 0, counts[-1])
        units = min(product.total_quantity, high * product.case_size)
        if units > 0:  # as `certify` computes the fewest cases holding them
            least = min(c for c in counts if c * product.case_size >= units)
            assert max(low, -(-units // product.case_size)) == least


@settings(max_examples=300, deadline=None)
@given(
    st.integers(-5000, 5000),
    st.lists(st.integers(0, 50) | st.integers(0, 2**64), min_size=1, max_size=8),
)
def test_share_largest_first_is_share_minor(total: int, weights: list[int]) -> None:
    keys = [f"m{i}" for i in range(len(weights))]
    expected = share_minor(total, dict(zip(keys, weights, strict=True)))
    assert share_largest_first(total, weights, keys) == [expected[k] for k in keys]
