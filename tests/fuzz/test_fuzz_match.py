"""`coopbuy match` fed anything: any JSON, a small valid problem with parts replaced, text that is
not JSON. The groups (exit 0) or one clear line on stderr (exit 2), never a traceback (helpers:
`tests/fuzz/cli.py`)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from coopbuy.core.tests.matching_support import person, problem
from coopbuy.match_cli import main
from tests.fuzz.cli import EXTREMES, check, fuzz_settings, json_values, paths, run, with_changes

EXAMPLE = problem(
    [person("p1", 0, suma="60.00"), person("p3", 1, suma="100.00", infinity="20.00"),
     person("p4", 0, 2, host=False, suma="90.00"), person("p7", 3, suma="40.00"),
     person("p9", -1, suma="22.00"), person("far", 80, suma="22.00")],
    min_size=2, max_size=4, suppliers={"suma": "150.00", "infinity": "10.00"},
)  # fmt: skip
EXAMPLE_PATHS = paths(EXAMPLE)[1:]
FUZZ = fuzz_settings(100)


def answer(text: str) -> None:
    check("coopbuy match", *run(main, ["-", "--time-limit", "2"], text))


@FUZZ
@given(json_values)
@example({"\n": 1})
def test_any_json_document(document: Any) -> None:
    answer(json.dumps(document))


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(EXAMPLE_PATHS), json_values), min_size=1, max_size=3))
def test_the_example_with_parts_replaced(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    answer(json.dumps(with_changes(EXAMPLE, changes)))


@FUZZ
@given(st.text(max_size=300))
def test_text_that_is_not_json(text: str) -> None:
    answer(text)


def test_nested_past_the_parser_and_numbers_past_python_s_digits() -> None:
    for text in [*EXTREMES, '{"min_size": "\\ud800"}']:
        answer(text)
