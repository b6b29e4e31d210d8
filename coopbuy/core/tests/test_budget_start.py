"""The budget-keeping fallback of `optimal`: every rule and every budget, on generated rounds."""

from typing import Any

from hypothesis import given, settings

from coopbuy.core.allocation import finish
from coopbuy.core.jsonio import problem_from_json, result_to_json
from coopbuy.core.policies.budget_start import allocate_within_budgets
from coopbuy.core.prepared import prepare
from coopbuy.core.tests.strategies import problems
from coopbuy.core.tests.test_fcfs import one_product, units
from coopbuy.core.tests.test_properties import check_rules


def fallback(data: dict[str, Any]) -> dict[str, Any]:
    prepared = prepare(problem_from_json(data))
    return result_to_json(finish(prepared, allocate_within_budgets(prepared), "optimal", False))


@settings(max_examples=200, deadline=None)
@given(problems(max_quantity=8, max_tolerance=4))
def test_the_fallback_keeps_rules_1_to_6_and_every_budget(data: dict[str, Any]) -> None:
    check_rules(data, fallback(data))  # "optimal" results are checked against the budgets too


def test_the_fallback_serves_in_time_order_within_budgets_and_fills_cases_from_tolerance() -> None:
    # a can pay for 2 of her 4 units; b and c fill the case of 6 (c from tolerance).
    rows = [("a", 4, 0, "10:00"), ("b", 3, 0, "10:05"), ("c", 0, 2, "10:10")]
    data = one_product(rows, case_size=6)
    data["members"] = [{"id": "a", "budget": "2.50"}]
    out = fallback(data)
    assert out["products"][0]["cases"] == 1
    assert units(out) == {"a": (2, 0), "b": (3, 0), "c": (0, 1)}


def test_the_fallback_gives_back_a_case_it_cannot_fill() -> None:
    rows = [("a", 4, 0, "10:00"), ("b", 3, 0, "10:05")]
    data = one_product(rows, case_size=6)
    data["members"] = [{"id": "b", "budget": "1.00"}]  # a 4 + b 1 = 5 < 6: nothing
    out = fallback(data)
    assert out["products"][0]["cases"] == 0 and units(out) == {}


def test_the_fallback_adds_a_case_from_tolerance_to_reach_the_supplier_minimum() -> None:
    supplier = {"id": "s", "min_order_value": "6.00"}
    rows = [("a", 3, 0, "10:00"), ("b", 0, 3, "11:00")]
    data = one_product(rows, case_size=3, supplier=supplier)
    data["members"] = [{"id": "a", "budget": "10.00"}]
    out = fallback(data)
    assert out["products"][0]["cases"] == 2
    assert units(out) == {"a": (3, 0), "b": (0, 3)}
    data["members"] = [{"id": "a", "budget": "10.00"}, {"id": "b", "budget": "2.00"}]
    out = fallback(data)  # b can pay for 2 of the 3 units: the minimum is out of reach
    assert out["products"][0]["cases"] == 0 and units(out) == {}
