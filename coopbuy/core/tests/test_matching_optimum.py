"""The solver against a brute-force optimum on tiny problems, and the rules on random ones."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopbuy.core.tests.matching_support import (
    brute_force,
    check_rules,
    person,
    placeable,
    problem,
    solve,
)


@st.composite
def tiny_problems(draw: st.DrawFn, max_people: int = 7) -> dict[str, Any]:
    n = draw(st.integers(1, max_people))
    suppliers = {"suma": f"{draw(st.sampled_from([0, 50, 120]))}.00",
                 "infinity": f"{draw(st.sampled_from([0, 80]))}.00"}  # fmt: skip
    people = []
    for i in range(n):
        wants = {}
        for s in suppliers:
            if draw(st.booleans()):
                wants[s] = f"{draw(st.integers(1, 60))}.00"
        people.append(person(
            f"p{i}", draw(st.floats(-4, 4, allow_nan=False)),
            draw(st.floats(-4, 4, allow_nan=False)),
            max_km=draw(st.sampled_from(["1", "2.5", "4", "8"])), host=draw(st.booleans()),
            **wants,
        ))  # fmt: skip
    min_size = draw(st.integers(1, 3))
    return problem(people, min_size=min_size, max_size=draw(st.integers(min_size, 4)),
                   suppliers=suppliers)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_the_solver_finds_the_brute_force_optimum_and_proves_it(data: dict[str, Any]) -> None:
    result, out = solve(data)
    check_rules(data, out)
    assert result.objective.proven_optimal
    assert (result.objective.placed, result.objective.travel_m) == brute_force(data)
    assert result.objective.gap == 0.0 and result.objective.bound == result.objective.placed
    could = placeable(data)
    for u in out["unmatched"]:
        assert (u["reason"] == "not_placed") == (u["id"] in could)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems(max_people=14))
def test_every_answer_keeps_the_rules_and_gives_every_unmatched_person_a_reason(
    data: dict[str, Any],
) -> None:
    result, out = solve(data)
    check_rules(data, out)
    placed = {m for g in out["groups"] for m in g["members"]}
    for u in out["unmatched"]:
        assert u["reason"] in {"no_one_near", "minimum_not_reached", "not_placed"}
    # not_placed only when someone could be placed; proven answers place as many as the bound
    if result.objective.proven_optimal:
        assert result.objective.bound == len(placed)
    again = solve(data)[1]
    assert again == out  # the same input gives the same output
