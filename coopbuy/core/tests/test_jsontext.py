"""The fast text path against the exact one: the same `Problem`, the same error, the same bytes."""

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.allocation import allocate
from coopbuy.core.errors import ProblemError
from coopbuy.core.jsonio import problem_from_json, result_to_json
from coopbuy.core.jsontext import problem_from_text, result_to_text, utc_time_keys
from coopbuy.core.prepared import _time_keys
from coopbuy.core.problem import Problem
from coopbuy.core.tests.strategies import POLICIES, problems
from coopbuy.core.tests.test_jsonio import BAD, SPEC, broken


def exact(text: str) -> Problem | str:
    try:
        return problem_from_json(json.loads(text))
    except (ProblemError, json.JSONDecodeError) as err:
        return f"{type(err).__name__}: {err}"


def fast(text: str) -> Problem | str:
    try:
        return problem_from_text(text)
    except (ProblemError, json.JSONDecodeError) as err:
        return f"{type(err).__name__}: {err}"


# Values that break a field in some way, or keep it valid in an unusual one.
ODD: st.SearchStrategy[Any] = st.sampled_from(
    [-1, 0, 1, 2**40, 2**70, 1.0, 1.5, True, None, "", "x", "2", "2026-11-20T10:00:00",
     "2026-11-20T10:00:00+01:00", "2026-11-20 10:00:00Z", "20261120T100000Z", "3.10", "3.105",
     "-1.00", [], {}, "p0", "m0", "s0", "\u00e9t\u00e9", "a\"b"]
)  # fmt: skip


def odd(draw: st.DrawFn) -> Any:
    """A fresh copy: `sampled_from` hands out the same [] and {} every time, and a problem that
    holds one of them twice could end up inside itself (json.dumps: circular reference)."""
    return copy.deepcopy(draw(ODD))


@st.composite
def mangled(draw: st.DrawFn) -> dict[str, Any]:
    """A generated problem with up to two values replaced, deleted or added anywhere."""
    data = draw(problems())
    for _ in range(draw(st.integers(0, 2))):
        target: Any = data
        path: list[Any] = []
        while isinstance(target, (dict, list)) and target and draw(st.booleans()):
            key = draw(
                st.sampled_from(sorted(target) if isinstance(target, dict) else range(len(target)))
            )
            if not isinstance(target[key], (dict, list)):
                break
            path.append(key)
            target = target[key]
        action = draw(st.sampled_from(["set", "delete", "add"]))
        if isinstance(target, dict):
            keys = sorted(target)
            if action == "add" or not keys:
                target[draw(st.sampled_from(["tolerence", "groups", "tolerance", "budget"]))] = odd(
                    draw
                )
            elif action == "delete":
                del target[draw(st.sampled_from(keys))]
            else:
                target[draw(st.sampled_from(keys))] = odd(draw)
        elif isinstance(target, list) and target:
            i = draw(st.integers(0, len(target) - 1))
            if action == "delete":
                del target[i]
            else:
                target[i] = odd(draw)
    return data


@settings(max_examples=300, deadline=None)
@given(mangled())
def test_the_fast_parse_gives_the_exact_problem_or_the_exact_error(data: dict[str, Any]) -> None:
    text = json.dumps(data)
    assert fast(text) == exact(text)


@pytest.mark.parametrize(("path", "value", "message"), BAD)
def test_every_bad_input_keeps_its_message(path: list[Any], value: Any, message: str) -> None:
    with pytest.raises(ProblemError) as err:
        problem_from_text(json.dumps(broken(path, value)))
    assert str(err.value) == message


@pytest.mark.parametrize(
    "text",
    ['{"currency": "GBP"', "[]", "NaN", '{"currency": "GBP", "currency": 1}', "\ufeff{}", ""],
)
def test_text_that_is_not_a_problem_fails_as_json_loads_does(text: str) -> None:
    assert isinstance(fast(text), str) and fast(text) == exact(text)


def test_unusual_but_valid_rows_take_the_exact_path_and_give_the_same_problem() -> None:
    data = copy.deepcopy(SPEC)
    data["demand"][0]["placed_at"] = "2026-11-20 10:00:00+01:00"
    data["demand"][1]["quantity"] = 2**70
    text = json.dumps(data)
    assert fast(text) == exact(text)


@st.composite
def results_with_odd_ids(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(problems())
    rename = {f"m{i}": draw(st.text(min_size=1, max_size=4)) + f"{i}" for i in range(6)}
    for row in data["demand"]:
        row["member"] = rename[row["member"]]
    for m in data["members"]:
        m["id"] = rename[m["id"]]
    return data


@settings(max_examples=150, deadline=None)
@given(results_with_odd_ids(), st.sampled_from(POLICIES), st.booleans())
def test_the_written_text_is_json_dumps_byte_for_byte(
    data: dict[str, Any], policy: Any, explain: bool
) -> None:
    result = allocate(problem_from_json(data), policy=policy, explain_result=explain)
    expected = json.dumps(result_to_json(result, explain=explain), indent=2)
    assert result_to_text(result, explain=explain) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.datetimes(),  # naive, years 1 to 9999
        min_size=1,
        max_size=20,
    )
)
def test_utc_time_keys_are_the_microseconds_prepare_computes(times: list[datetime]) -> None:
    aware = [t.replace(microsecond=0, tzinfo=UTC) for t in times]
    texts = [t.strftime("%Y-%m-%dT%H:%M:%SZ") if t.year >= 1000 else t.isoformat() for t in aware]
    keys = utc_time_keys(texts)
    if all(t.year >= 1000 for t in aware):
        assert keys is not None
        assert keys.tolist() == _time_keys(aware).tolist()  # type: ignore[union-attr]
    else:  # written another way: left to prepare
        assert keys is None


def test_utc_time_keys_decline_other_spellings() -> None:
    assert utc_time_keys(["2026-11-20T10:00:00+00:00"]) is None
    assert utc_time_keys(["2026-11-20T10:00:00Z", "2026-11-20 10:00:00Z"]) is None
    assert utc_time_keys(["2026-11-20T10:00:0\u00e9Z"]) is None
    assert utc_time_keys([]) is None


@settings(max_examples=100, deadline=None)
@given(problems(), st.sampled_from(POLICIES))
def test_a_problem_read_by_the_fast_path_allocates_exactly_as_the_exact_one(
    data: dict[str, Any], policy: Any
) -> None:
    text = json.dumps(data)
    fast_result = allocate(problem_from_text(text), policy=policy, explain_result=True)
    exact_result = allocate(problem_from_json(data), policy=policy, explain_result=True)
    assert result_to_json(fast_result, explain=True) == result_to_json(exact_result, explain=True)
