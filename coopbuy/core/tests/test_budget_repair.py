"""`optimal`'s other two fallbacks when budgets bind: fcfs repaired to keep the budgets, and the
knapsack start. Every rule and every budget, on generated rounds (their worth is measured by
bench/allocation.py part 2, not asserted here)."""

from typing import Any

import highspy
from hypothesis import given, settings

from coopbuy.core.allocation import finish
from coopbuy.core.decision import SolveStatus
from coopbuy.core.jsonio import problem_from_json, result_to_json
from coopbuy.core.policies import optimal, optimal_model
from coopbuy.core.policies.budget_repair import repair_to_budgets
from coopbuy.core.policies.fcfs import allocate_fcfs
from coopbuy.core.prepared import prepare
from coopbuy.core.tests.strategies import problems
from coopbuy.core.tests.test_fcfs import one_product, units
from coopbuy.core.tests.test_properties import check_rules


def repaired(data: dict[str, Any]) -> dict[str, Any] | None:
    prepared = prepare(problem_from_json(data))
    decision = repair_to_budgets(prepared, allocate_fcfs(prepared))
    if decision is None:
        return None
    return result_to_json(finish(prepared, decision, "optimal", False))


def knapsack_start(data: dict[str, Any]) -> dict[str, Any] | None:
    prepared = prepare(problem_from_json(data))
    model, products, _, _ = optimal_model.build_model(prepared)
    cost = [0.0] * len(model.lower)
    for product, mp in zip(prepared.products, products, strict=True):
        for col in mp.x:
            cost[col] = float(product.base_price)
    values = optimal._knapsack_start(highspy, prepared, model, products, cost, 10.0)
    if values is None:
        return None
    decision = optimal._decision(
        prepared, products, optimal_model.rounded(values), SolveStatus(False, None, 1)
    )
    return result_to_json(finish(prepared, decision, "optimal", False))


@settings(max_examples=200, deadline=None)
@given(problems(max_quantity=8, max_tolerance=4))
def test_the_repair_keeps_rules_1_to_6_and_every_budget(data: dict[str, Any]) -> None:
    out = repaired(data)
    if out is not None:
        check_rules(data, out)  # "optimal" results are checked against the budgets too


@settings(max_examples=100, deadline=None)
@given(problems(max_quantity=8, max_tolerance=4))
def test_the_knapsack_start_keeps_rules_1_to_6_and_every_budget(data: dict[str, Any]) -> None:
    out = knapsack_start(data)
    if out is not None:
        check_rules(data, out)


def test_the_repair_gives_back_the_budgeted_units_others_can_refill() -> None:
    # fcfs: a 4 + b 2 fill the case of 6; a can pay for 2. b's tolerance takes a's 2 units back.
    rows = [("a", 4, 0, "10:00"), ("b", 2, 2, "10:05")]
    data = one_product(rows, case_size=6)
    data["members"] = [{"id": "a", "budget": "2.50"}]
    out = repaired(data)
    assert out is not None and out["products"][0]["cases"] == 1
    assert units(out) == {"a": (2, 0), "b": (2, 2)}


def test_the_knapsack_start_keeps_what_the_budget_buys_best() -> None:
    rows = [("a", 4, 0, "10:00"), ("b", 4, 0, "10:05")]
    data = one_product(rows, case_size=6)
    data["members"] = [{"id": "a", "budget": "2.50"}]  # 2 units at 1.00 (see one_product)
    out = knapsack_start(data)
    assert out is not None and out["products"][0]["cases"] == 1
    assert units(out) == {"a": (2, 0), "b": (4, 0)}
