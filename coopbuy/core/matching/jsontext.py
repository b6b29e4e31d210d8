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
from decimal import Decimal

import msgspec
from msgspec import Struct

from coopbuy.core.errors import ProblemError
from coopbuy.core.jsonshape import json_id
from coopbuy.core.matching.jsonio import (
    MAX_KM,
    _coordinate,
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
    try:
        raw = _DECODER.decode(text)
    except (msgspec.MsgspecError, ValueError, RecursionError):  # ValueError: a lone surrogate
        return None
    try:
        return _build(raw)
    except ProblemError:
        return None


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
    reaches: dict[str, Decimal] = {}
    amounts: dict[str, Decimal] = {}
    people: list[Person] = []
    append = people.append
    for p in raw.people:
        ident = p.id
        if not ident.strip():
            raise ProblemError("id", "empty")
        lat = _coordinate(p.lat, "lat", 90)
        lon = _coordinate(p.lon, "lon", 180)
        max_km = reaches.get(p.max_km)
        if max_km is None:
            max_km = _decimal(p.max_km)
            if max_km is None or max_km <= 0 or max_km > MAX_KM:
                raise ProblemError("max_km", "out of range")
            reaches[p.max_km] = max_km
        wants: dict[str, Decimal] = {}
        for supplier, text in p.wants.items():
            if supplier not in known:
                raise ProblemError("wants", "unknown supplier")
            amount = amounts.get(text)
            if amount is None:
                amount = amounts[text] = parse_money(text, field="wants")
            wants[supplier] = amount
        append(Person(ident, lat, lon, max_km, p.host, wants))
    _unique([p.id for p in people], "people")
    return MatchProblem(min_size, max_size, suppliers, tuple(people))


__all__ = ["fast_problem_from_text", "problem_from_text"]
