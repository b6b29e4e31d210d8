"""`coopbuy allocate` fed anything: JSON of any shape, the spec's example with parts replaced,
text that is not JSON. It answers with the result (exit 0) or one clear line on stderr (exit 2):
never a traceback, never an "internal error", in bounded time."""

from __future__ import annotations

import contextlib
import io
import json
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coopbuy.allocate_cli import main

SPEC = json.loads(
    (Path(__file__).resolve().parents[2] / "coopbuy/core/tests/data/spec_example.json").read_text()
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["0", "-1", "1e999", "NaN", "2.005", "GBP", "fcfs", "optimal", ""]),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def run(text: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO(text)
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        _stdin(stdin),
    ):
        started = time.monotonic()
        code = main(["-", "--time-limit", "2"])
        assert time.monotonic() - started < 20
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def _stdin(stream: io.StringIO) -> Any:
    import sys

    saved, sys.stdin = sys.stdin, stream
    try:
        yield
    finally:
        sys.stdin = saved


def check(code: int, out: str, err: str) -> None:
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 0:
        json.loads(out)
    else:
        assert code == 2 and out == ""
        assert err.startswith("coopbuy allocate: ") and err.count("\n") == 1, err


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


SPEC_PATHS = paths(SPEC)[1:]


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


@FUZZ
@given(json_values)
@example({"\n": 1})  # found by this test: a key with a line break made two lines
def test_any_json_document(document: Any) -> None:
    check(*run(json.dumps(document)))


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(SPEC_PATHS), json_values), min_size=1, max_size=3))
def test_the_spec_example_with_parts_replaced(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    document: Any = SPEC
    for path, value in changes:
        with contextlib.suppress(KeyError, IndexError, TypeError):
            document = replaced(document, path, value)
    check(*run(json.dumps(document)))


@FUZZ
@given(st.text(max_size=300))
def test_text_that_is_not_json(text: str) -> None:
    check(*run(text))


def test_nested_past_the_parser_and_numbers_past_python_s_digits() -> None:
    for text in ["[" * 50_000, '{"a": ' + "9" * 5000 + "}", '{"currency": "\\ud800"}']:
        check(*run(text))
