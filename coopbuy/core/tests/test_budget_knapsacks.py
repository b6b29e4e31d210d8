"""The knapsack start's pieces: the bounded knapsack against brute force, and its refill rounds.
(Every rule and budget of the knapsack start on generated rounds: test_budget_repair.py.)"""

from itertools import product as cartesian
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.policies.budget_knapsacks import knapsack_units
from coopbuy.core.tests.test_budget_repair import knapsack_start
from coopbuy.core.tests.test_fcfs import units

items_strategy = st.lists(
    st.tuples(st.integers(-3, 40), st.integers(0, 9), st.integers(0, 3)), max_size=5
)


@settings(max_examples=300, deadline=None)
@given(items_strategy, st.integers(0, 30))
def test_the_knapsack_is_as_good_as_every_choice_within_the_budget(
    items: list[tuple[int, int, int]], budget: int
) -> None:
    chosen = knapsack_units(items, budget)
    assert all(0 <= n <= count for n, (_, _, count) in zip(chosen, items, strict=True))
    assert sum(n * weight for n, (_, weight, _) in zip(chosen, items, strict=True)) <= budget
    best = 0
    for counts in cartesian(*(range(count + 1) for _, _, count in items)):
        taken = [(n, v, w) for n, (v, w, _) in zip(counts, items, strict=True) if n]
        if all(w > 0 and v > 0 for _, v, w in taken) and sum(n * w for n, _, w in taken) <= budget:
            best = max(best, sum(n * v for n, v, _ in taken))
    assert sum(n * value for n, (value, _, _) in zip(chosen, items, strict=True)) == best


def _demand(member: str, product: str, quantity: int, tolerance: int) -> dict[str, Any]:
    return {
        "member": member,
        "product": product,
        "quantity": quantity,
        "tolerance": tolerance,
        "placed_at": "2026-11-20T10:00:00Z",
    }


def test_a_refill_round_spends_what_an_unfilled_case_left_on_others_tolerance() -> None:
    # a (3.00) first takes 3 of q, where c's 5 leave a case of 12 short; d's 4 would complete it,
    # but d's budget is 0, so a's budget is unspent and b's tolerance fills p. The refill round
    # gives a those 3 of p (without it: a nothing, b 3 + 3).
    data = {
        "currency": "GBP",
        "suppliers": [{"id": "s"}],
        "products": [
            {"id": "p", "supplier": "s", "case_size": 6, "unit_price": "1.00"},
            {"id": "q", "supplier": "s", "case_size": 12, "unit_price": "1.00"},
        ],
        "members": [{"id": "a", "budget": "3.00"}, {"id": "d", "budget": "0.00"}],
        "demand": [
            _demand("a", "p", 3, 0),
            _demand("a", "q", 3, 0),
            _demand("b", "p", 3, 3),
            _demand("c", "q", 5, 0),
            _demand("d", "q", 4, 0),
        ],
    }
    out = knapsack_start(data)
    assert out is not None
    assert {p["id"]: p["cases"] for p in out["products"]} == {"p": 1, "q": 0}
    assert units(out) == {"a": (3, 0), "b": (3, 0)}


def test_a_supplier_minimum_out_of_the_caps_reach_steers_the_knapsacks_towards_it() -> None:
    # a's 3.00 buys 3 of p or 3 of q (a tie, first taken: p). Then t's minimum of 5.00 is out of
    # reach (b's 3 of q), so t would order nothing: 3.00 delivered. Steered to t, a takes q: 6.00.
    data = {
        "currency": "GBP",
        "suppliers": [{"id": "s"}, {"id": "t", "min_order_value": "5.00"}],
        "products": [
            {"id": "p", "supplier": "s", "case_size": 1, "unit_price": "1.00"},
            {"id": "q", "supplier": "t", "case_size": 1, "unit_price": "1.00"},
        ],
        "members": [{"id": "a", "budget": "3.00"}],
        "demand": [_demand("a", "p", 3, 0), _demand("a", "q", 3, 0), _demand("b", "q", 3, 0)],
    }
    out = knapsack_start(data)
    assert out is not None
    assert out["objective"]["delivered_value"] == "6.00"
    assert [s["ordered"] for s in out["suppliers"]] == [False, True]


def test_a_minimum_a_solve_missed_starts_the_knapsacks_again_towards_it() -> None:
    # As above, but q needs 3 cases (min_cases): b's 2 units look like 2.00, enough for t's
    # minimum, until the solve orders none of q. Started again towards t: 5.00 delivered.
    data = {
        "currency": "GBP",
        "suppliers": [{"id": "s"}, {"id": "t", "min_order_value": "2.00"}],
        "products": [
            {"id": "p", "supplier": "s", "case_size": 1, "unit_price": "1.00"},
            {"id": "q", "supplier": "t", "case_size": 1, "unit_price": "1.00", "min_cases": 3},
        ],
        "members": [{"id": "a", "budget": "3.00"}],
        "demand": [_demand("a", "p", 3, 0), _demand("a", "q", 3, 0), _demand("b", "q", 2, 0)],
    }
    out = knapsack_start(data)
    assert out is not None
    assert out["objective"]["delivered_value"] == "5.00"
    assert out["suppliers"][1]["ordered"] is True
