"""`coopbuy allocate` fed anything: JSON of any shape, the spec's example with parts replaced,
text that is not JSON. It answers with the result (exit 0) or one clear line on stderr (exit 2):
never a traceback, never an "internal error", in bounded time (helpers: `tests/fuzz/cli.py`)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from coopbuy.allocate_cli import main
from tests.fuzz.cli import (
    EXTREMES,
    check,
    fuzz_settings,
    json_values,
    paths,
    run,
    spec,
    with_changes,
)

SPEC = spec("spec_example.json")
SPEC_PATHS = paths(SPEC)[1:]
FUZZ = fuzz_settings(150)


def answer(text: str) -> None:
    check("coopbuy allocate", *run(main, ["-", "--time-limit", "2"], text))


@FUZZ
@given(json_values)
@example({"\n": 1})  # found by this test: a key with a line break made two lines
def test_any_json_document(document: Any) -> None:
    answer(json.dumps(document))


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(SPEC_PATHS), json_values), min_size=1, max_size=3))
def test_the_spec_example_with_parts_replaced(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    answer(json.dumps(with_changes(SPEC, changes)))


@FUZZ
@given(st.text(max_size=300))
def test_text_that_is_not_json(text: str) -> None:
    answer(text)


def test_nested_past_the_parser_and_numbers_past_python_s_digits() -> None:
    for text in [*EXTREMES, '{"currency": "\\ud800"}']:
        answer(text)
