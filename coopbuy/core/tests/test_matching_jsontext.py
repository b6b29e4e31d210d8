"""The matching fast parse against the exact path: the same `MatchProblem` (and `repr`), or the
same error, for valid problems and problems broken in small ways."""

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.errors import ProblemError
from coopbuy.core.matching import problem_from_json
from coopbuy.core.matching.jsontext import fast_problem_from_text, problem_from_text
from coopbuy.core.tests.mangling import mangle
from coopbuy.core.tests.matching_support import person, problem


def exact(text: str) -> str:
    try:
        return repr(problem_from_json(json.loads(text)))
    except (ProblemError, ValueError, RecursionError) as err:
        return f"{type(err).__name__}: {err}"


def fast(text: str) -> str:
    try:
        return repr(problem_from_text(text))
    except (ProblemError, ValueError, RecursionError) as err:
        return f"{type(err).__name__}: {err}"


AMOUNTS = st.sampled_from(["0.00", "60.00", "12.5", "7", "250.00", " 3.10"])


@st.composite
def problems(draw: st.DrawFn) -> dict[str, Any]:
    suppliers = {f"s{i}": draw(AMOUNTS) for i in range(draw(st.integers(0, 3)))}
    people = []
    for i in range(draw(st.integers(0, 6))):
        wants = {s: draw(AMOUNTS) for s in suppliers if draw(st.booleans())}
        p = person(
            f"p{i}",
            draw(st.floats(-20, 20)),
            draw(st.floats(-20, 20)),
            max_km=draw(st.sampled_from(["5", "0.5", "3.25", "20016", "10"])),
            host=draw(st.booleans()),
            **wants,
        )
        if draw(st.booleans()):
            del p["host"]
        if not wants and draw(st.booleans()):
            del p["wants"]
        people.append(p)
    data = problem(
        people, min_size=draw(st.integers(1, 4)), max_size=draw(st.integers(1, 6)),
        suppliers=suppliers,
    )  # fmt: skip
    for s in data["suppliers"]:
        if s["min_order_value"] == "0.00" and draw(st.booleans()):
            del s["min_order_value"]
    return data


@st.composite
def mangled(draw: st.DrawFn) -> dict[str, Any]:
    return mangle(draw, draw(problems()), ["max_kms", "host", "wants", "lat", "groups", "s0"])


@settings(max_examples=400, deadline=None)
@given(mangled())
def test_the_fast_parse_gives_the_exact_problem_or_the_exact_error(data: dict[str, Any]) -> None:
    text = json.dumps(data)
    assert fast(text) == exact(text)


@settings(max_examples=100, deadline=None)
@given(problems())
def test_a_valid_problem_is_read_by_the_fast_path(data: dict[str, Any]) -> None:
    text = json.dumps(data)
    if data["min_size"] <= data["max_size"]:
        assert repr(fast_problem_from_text(text)) == exact(text)


@pytest.mark.parametrize(
    "text",
    [
        "", "[]", "NaN", '{"min_size": 1', "\ufeff{}", "[" * 50_000,
        '{"min_size": ' + "9" * 5000 + "}",
        '{"min_size": 1, "max_size": 2, "suppliers": [], "people": [], "min_size": 3}',
        '{"min_size": 1, "max_size": 2, "suppliers": [], "people": [{"id": "\\ud800"}]}',
    ],
)  # fmt: skip
def test_text_that_is_not_a_problem_fails_as_json_loads_does(text: str) -> None:
    assert fast(text) == exact(text)
