"""`coopbuy tender award` fed anything: any JSON, the spec's example with parts replaced, text
that is not JSON. The award (exit 0) or one clear line on stderr (exit 2), never a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coopbuy.tender_cli import main
from tests.fuzz.test_fuzz_allocate import json_values, paths, replaced

SPEC = json.loads(
    (
        Path(__file__).resolve().parents[2] / "coopbuy/core/tests/data/tender_spec_example.json"
    ).read_text()
)
SPEC_PATHS = paths(SPEC)[1:]
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(text: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(text.encode("utf-8", "surrogatepass")), "utf-8")
    saved, sys.stdin = sys.stdin, stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["award", "-", "--time-limit", "2"])
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def check(code: int, out: str, err: str) -> None:
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 0:
        json.loads(out)
    else:
        assert code == 2 and out == "", (code, out)
        assert err.startswith("coopbuy tender award: ") and err.count("\n") == 1, err


@FUZZ
@given(json_values)
@example({"\n": 1})
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
    for text in ["[" * 50_000, '{"a": ' + "9" * 5000 + "}", '{"tender": "\\ud800"}']:
        check(*run(text))
