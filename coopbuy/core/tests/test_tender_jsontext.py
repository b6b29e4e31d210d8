"""The tender fast parse against the exact path: the same `TenderProblem` (and `repr`), or the
same error, for valid tenders and tenders broken in small ways."""

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.errors import ProblemError
from coopbuy.core.tender import tender_from_json
from coopbuy.core.tender.jsontext import fast_tender_from_text, tender_from_text
from coopbuy.core.tests.mangling import mangle
from coopbuy.core.tests.tender_strategies import tenders


def exact(text: str) -> str:
    try:
        return repr(tender_from_json(json.loads(text)))
    except (ProblemError, ValueError, RecursionError) as err:
        return f"{type(err).__name__}: {err}"


def fast(text: str) -> str:
    try:
        return repr(tender_from_text(text))
    except (ProblemError, ValueError, RecursionError) as err:
        return f"{type(err).__name__}: {err}"


@st.composite
def varied(draw: st.DrawFn) -> dict[str, Any]:
    """A generated tender with optional fields left out now and then, and another currency."""
    data = draw(tenders())
    data["currency"] = draw(st.sampled_from(["GBP", "EUR", "JPY", "BHD"]))
    if draw(st.booleans()):
        del data["weights"]
        for bid in data["bids"]:
            del bid["criteria"]
    for bid in data["bids"]:
        for key in ("delivery_fee", "min_order_value"):
            if draw(st.booleans()):
                del bid[key]
        for price in bid["prices"]:
            for key in ("capacity", "tiers"):
                if draw(st.booleans()):
                    del price[key]
    for item in data["items"]:
        if draw(st.booleans()):
            del item["lot"]
    return data


@st.composite
def mangled(draw: st.DrawFn) -> dict[str, Any]:
    keys = ["capacty", "lot", "tiers", "criteria", "organic", "weights", "delivery_fee"]
    return mangle(draw, draw(varied()), keys)


@settings(max_examples=400, deadline=None)
@given(mangled())
def test_the_fast_parse_gives_the_exact_problem_or_the_exact_error(data: dict[str, Any]) -> None:
    text = json.dumps(data)
    assert fast(text) == exact(text)


@settings(max_examples=100, deadline=None)
@given(varied())
def test_a_valid_tender_is_read_by_the_fast_path(data: dict[str, Any]) -> None:
    text = json.dumps(data)
    expected = exact(text)
    if not expected.startswith("ProblemError"):  # two tiers at one quantity, say
        assert repr(fast_tender_from_text(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "", "[]", "NaN", '{"currency": "GBP"', "\ufeff{}", "[" * 50_000,
        '{"currency": ' + "9" * 5000 + "}",
        '{"currency": "GBP", "split": "units", "items": [], "bids": [], "currency": "EUR"}',
        '{"currency": "\\ud800", "split": "units", "items": [], "bids": []}',
    ],
)  # fmt: skip
def test_text_that_is_not_a_problem_fails_as_json_loads_does(text: str) -> None:
    assert fast(text) == exact(text)
