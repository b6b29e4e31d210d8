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
from coopbuy.core.jsontext import problem_from_text, result_to_text
from coopbuy.core.prepared import _time_keys
from coopbuy.core.problem import Problem
from coopbuy.core.tests.mangling import mangle
from coopbuy.core.tests.strategies import POLICIES, problems
from coopbuy.core.tests.test_jsonio import BAD, SPEC, broken
from coopbuy.core.textcolumns import utc_time_keys


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


@st.composite
def mangled(draw: st.DrawFn) -> dict[str, Any]:
    """A generated problem with up to two values replaced, deleted or added anywhere."""
    return mangle(draw, draw(problems()), ["tolerence", "groups", "tolerance", "budget"])


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


@st.composite
def fixed_form_times(draw: st.DrawFn) -> str:
    """ "YYYY-MM-DDTHH:MM:SSZ" with each field drawn around and beyond its valid range."""
    year = draw(st.sampled_from([0, 1, 1900, 2000, 2023, 2024, 2100, 9999]) | st.integers(0, 9999))
    fields = [
        draw(st.integers(0, 99) | st.sampled_from([0, 1, 2, 12, 13])),  # month
        draw(st.integers(0, 99) | st.sampled_from([0, 1, 28, 29, 30, 31, 32])),  # day
        draw(st.integers(0, 99) | st.sampled_from([0, 23, 24])),  # hour
        draw(st.integers(0, 99) | st.sampled_from([0, 59, 60])),  # minute
        draw(st.integers(0, 99) | st.sampled_from([0, 59, 60])),  # second
    ]
    month, day, hour, minute, second = (f"{v:02d}" for v in fields)
    return f"{year:04d}-{month}-{day}T{hour}:{minute}:{second}Z"


def iso_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


@settings(max_examples=500, deadline=None)
@given(st.lists(fixed_form_times(), min_size=1, max_size=5))
def test_utc_time_keys_accept_exactly_what_fromisoformat_accepts(texts: list[str]) -> None:
    times = [iso_time(t) for t in texts]
    keys = utc_time_keys(texts)
    if None in times:
        assert keys is None
    else:
        expected = _time_keys([t for t in times if t is not None])
        assert keys is not None and expected is not None
        assert keys.tolist() == expected.tolist()


@pytest.mark.parametrize(
    "time",
    [
        "2024-02-29T00:00:00Z",
        "2024-02-30T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z",
        "2000-02-29T23:59:59Z",
        "2026-04-31T10:00:00Z",
        "2026-12-31T24:00:00Z",
        "2026-11-20T23:60:00Z",
        "2026-11-20T23:59:60Z",
        "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z",
        "2026-11-00T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
    ],
)
def test_a_time_in_the_fixed_form_is_read_as_the_exact_path_reads_it(time: str) -> None:
    data = copy.deepcopy(SPEC)
    data["demand"][1]["placed_at"] = time
    text = json.dumps(data)
    assert fast(text) == exact(text)
    problem = fast(text)
    if isinstance(problem, Problem):  # the datetimes, made from the keys when read
        assert list(problem.demand.placed_at) == [
            datetime.fromisoformat(row["placed_at"]) for row in data["demand"]
        ]
        assert problem.demand.placed_at[1].tzinfo is UTC


@settings(max_examples=100, deadline=None)
@given(problems(), st.sampled_from(POLICIES))
def test_a_problem_read_by_the_fast_path_allocates_exactly_as_the_exact_one(
    data: dict[str, Any], policy: Any
) -> None:
    text = json.dumps(data)
    fast_result = allocate(problem_from_text(text), policy=policy, explain_result=True)
    exact_result = allocate(problem_from_json(data), policy=policy, explain_result=True)
    assert result_to_json(fast_result, explain=True) == result_to_json(exact_result, explain=True)


def test_the_fast_demand_columns_behave_as_the_exact_tuples() -> None:
    text = json.dumps(SPEC)
    fast_demand = problem_from_text(text).demand
    exact_demand = problem_from_json(json.loads(text)).demand
    assert fast_demand.codes is not None and fast_demand.time_keys is not None  # the arrays' path
    for name in ("member", "product", "quantity", "tolerance", "placed_at"):
        lazy, plain = getattr(fast_demand, name), getattr(exact_demand, name)
        assert lazy == plain and plain == lazy and hash(lazy) == hash(plain)
        assert len(lazy) == len(plain) and list(lazy) == list(plain)
        assert lazy[1] == plain[1] and lazy[-1] == plain[-1] and lazy[1:] == plain[1:]
        assert repr(lazy) == repr(plain) and plain[0] in lazy
    assert list(fast_demand) == list(exact_demand)


@pytest.mark.parametrize("ids", [("a", "bb", "a"), ("\u00e9", "e", "\u00e9"), ("x", "x", "x")])
def test_member_ids_of_any_lengths_are_read_as_the_exact_path_reads_them(
    ids: tuple[str, str, str],
) -> None:
    data = copy.deepcopy(SPEC)
    for row, member in zip(data["demand"], ids, strict=True):
        row["member"] = member
    data["members"] = []
    text = json.dumps(data)
    problem = fast(text)
    assert isinstance(problem, Problem) and problem.demand.codes is not None
    assert problem == exact(text)
    assert list(problem.demand.member) == list(ids)
