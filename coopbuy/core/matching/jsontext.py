"""The matching contract's JSON as text, at speed: `problem_from_text` parses and validates.

msgspec parses the text in C straight into typed structs (`_Problem`, `_Person`, `_Supplier`):
the required keys, no unknown field, and each value's JSON type (a string where a decimal string
belongs, a boolean `host`, an object of strings for `wants`) are checked while parsing. The
values are then read by the very validators of `jsonio` (the ids, the sizes, the coordinates,
`max_km`, money, duplicate ids, unknown suppliers), each distinct `max_km` and amount once.
Whenever anything fails, nothing is guessed: `fast_problem_from_text` answers None and the text
is parsed again by `json.loads` and `jsonio.problem_from_json`, the exact path and the reference,
so every error message is the one it always was. A problem the fast path accepts is the very
`MatchProblem` the exact path builds (`tests/test_matching_jsontext.py` compares them, and their
`repr`, with Hypothesis, bad inputs included).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from operator import attrgetter

import msgspec
from msgspec import Struct

from coopbuy.core.errors import ProblemError
from coopbuy.core.fastparse import fast_parse
from coopbuy.core.jsonshape import json_id
from coopbuy.core.matching.jsonio import (
    MAX_KM,
    _decimal,
    _size,
    _unique,
    problem_from_json,
)
from coopbuy.core.matching.problem import MatchProblem, Person, Supplier
from coopbuy.core.money import parse_money


class _Supplier(Struct, forbid_unknown_fields=True, gc=False):
    id: str
    min_order_value: str = "0"


class _Person(Struct, forbid_unknown_fields=True, gc=False):
    id: str
    lat: str
    lon: str
    max_km: str
    host: bool = True
    wants: dict[str, str] = {}


class _Problem(Struct, forbid_unknown_fields=True):
    min_size: int
    max_size: int
    suppliers: list[_Supplier]
    people: list[_Person]


_DECODER = msgspec.json.Decoder(_Problem)


def problem_from_text(text: str | bytes) -> MatchProblem:
    """Parse and validate the contract's JSON text. Raises `ProblemError` for a contract
    violation and `json.JSONDecodeError` for text that is not JSON, exactly as
    `problem_from_json(json.loads(text))` does."""
    problem = fast_problem_from_text(text)
    if problem is not None:
        return problem
    return problem_from_json(json.loads(text))


def fast_problem_from_text(text: str | bytes) -> MatchProblem | None:
    """The problem by the fast path, or None when anything is off (the caller then takes the
    exact path, which names the error)."""
    return fast_parse(text, _DECODER, _build)


def _build(raw: _Problem) -> MatchProblem:
    """`jsonio.problem_from_json` on typed values: the same checks, in the same words (which
    nobody sees: any error sends the text to the exact path)."""
    min_size = _size(raw.min_size, "min_size")
    max_size = _size(raw.max_size, "max_size")
    if min_size > max_size:
        raise ProblemError("min_size", "greater than max_size")
    suppliers = tuple(
        Supplier(json_id(s.id, "id"), parse_money(s.min_order_value, field="min_order_value"))
        for s in raw.suppliers
    )
    _unique([s.id for s in suppliers], "suppliers")
    known = {s.id for s in suppliers}
    rows = raw.people
    ids = list(map(attrgetter("id"), rows))
    if not all(map(str.strip, ids)):
        raise ProblemError("id", "empty")
    lats = _coordinates(list(map(attrgetter("lat"), rows)), 90)
    lons = _coordinates(list(map(attrgetter("lon"), rows)), 180)
    reaches: dict[str, Decimal] = {}
    for text in set(map(attrgetter("max_km"), rows)):
        max_km = _decimal(text)
        if max_km is None or max_km <= 0 or max_km > MAX_KM:
            raise ProblemError("max_km", "out of range")
        reaches[text] = max_km
    amounts: dict[str, Decimal] = {}
    wants: list[dict[str, Decimal]] = []
    for p in rows:
        if not p.wants:
            wants.append({})
            continue
        if not known.issuperset(p.wants):
            raise ProblemError("wants", "unknown supplier")
        spend: dict[str, Decimal] = {}
        for supplier, text in p.wants.items():
            amount = amounts.get(text)
            if amount is None:
                amount = amounts[text] = parse_money(text, field="wants")
            spend[supplier] = amount
        wants.append(spend)
    people = list(
        map(
            Person,
            ids,
            lats,
            lons,
            map(reaches.__getitem__, map(attrgetter("max_km"), rows)),
            map(attrgetter("host"), rows),
            wants,
        )
    )
    _unique([p.id for p in people], "people")
    return MatchProblem(min_size, max_size, suppliers, tuple(people))


#: Decimal strings as `jsonio._DECIMAL` reads them, each followed by a line break (none holds one).
_DECIMAL_LINES = re.compile(r"(?:-?[0-9]+(?:\.[0-9]+)?\n)*")


def _coordinates(texts: list[str], limit: int) -> list[Decimal]:
    """`jsonio._coordinate` on a whole column: one pattern match over the joined texts, the
    Decimals made in C, the range checked by min and max."""
    if not _DECIMAL_LINES.fullmatch("".join([text + "\n" for text in texts])):
        raise ProblemError("coordinate", "not a decimal string")
    numbers = list(map(Decimal, texts))
    if numbers and (min(numbers) < -limit or max(numbers) > limit):
        raise ProblemError("coordinate", "out of range")
    return numbers


__all__ = ["fast_problem_from_text", "problem_from_text"]
