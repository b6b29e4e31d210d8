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


@st.composite
def town_problems(draw: st.DrawFn) -> dict[str, Any]:
    """Up to 60 people around two towns a few km apart: crowded enough for the repairs."""
    people = []
    for i in range(draw(st.integers(5, 60))):
        centre = draw(st.sampled_from([0.0, 6.0]))
        chosen = draw(st.sets(st.sampled_from(["suma", "infinity"]), min_size=1))
        wants = {s: f"{draw(st.integers(5, 90))}.00" for s in sorted(chosen)}
        people.append(person(
            f"p{i:02d}", centre + draw(st.floats(-3, 3)), draw(st.floats(-3, 3)),
            max_km=draw(st.sampled_from(["1", "2", "3", "5"])), host=draw(st.booleans()),
            **wants,
        ))  # fmt: skip
    min_size = draw(st.integers(2, 5))
    return problem(people, min_size=min_size, max_size=draw(st.integers(min_size, 8)),
                   suppliers={"suma": "120.00", "infinity": "60.00"})  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(town_problems())
def test_the_heuristic_alone_keeps_every_rule(data: dict[str, Any]) -> None:
    # No time for HiGHS: the answer is the heuristic's (what a big region gets).
    result, out = solve(data, time_limit=0.0)
    check_rules(data, out)
    assert result.objective.placed <= result.objective.bound
    could = placeable(data) if len(data["people"]) <= 9 else None
    for u in out["unmatched"]:
        if could is not None:
            assert (u["reason"] == "not_placed") == (u["id"] in could)
