"""The matching contract's JSON: `problem_from_json` validates, `result_to_json` writes.

Every bad input raises `ProblemError(path, message)` naming the field as the spec shows it, e.g.
`people[4].max_km: must be a positive decimal string`. Unknown fields are errors (a typo such as
`max_kms` must not silently mean "no limit"); a JSON number where a decimal string belongs is an
error (floats cannot hold 0.1 exactly).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from coopbuy.core.errors import ProblemError
from coopbuy.core.jsonshape import json_id as _id
from coopbuy.core.jsonshape import json_list as _list
from coopbuy.core.jsonshape import json_object as _object
from coopbuy.core.matching.problem import MatchProblem, MatchResult, Person, Supplier
from coopbuy.core.money import format_minor, parse_money, to_minor

_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
#: The largest reach accepted: half the Earth's circumference (any point is nearer than that).
MAX_KM = Decimal(20_016)


def _size(value: object, path: str) -> int:
    if type(value) is not int or value < 1:
        raise ProblemError(path, "must be a positive integer")
    return value


def _decimal(value: object) -> Decimal | None:
    """A plain decimal string ("53.7424", "-2.0142") as a Decimal; anything else None."""
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None


def _coordinate(value: object, path: str, limit: int) -> Decimal:
    number = _decimal(value)
    if number is None or not -limit <= number <= limit:
        hint = f'must be a decimal string from -{limit} to {limit}, such as "53.7424"'
        raise ProblemError(path, hint)
    return number


def _unique(ids: list[str], path: str) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            raise ProblemError(f"{path}[{i}].id", f'duplicate id "{ident}"')
        seen.add(ident)


def problem_from_json(data: object) -> MatchProblem:
    """Validate parsed JSON against the contract and build the `MatchProblem`."""
    top = _object(data, "problem", ("min_size", "max_size", "suppliers", "people"), ())
    min_size = _size(top["min_size"], "min_size")
    max_size = _size(top["max_size"], "max_size")
    if min_size > max_size:
        raise ProblemError("min_size", f"must not be greater than max_size ({max_size})")
    suppliers: list[Supplier] = []
    for i, raw in enumerate(_list(top["suppliers"], "suppliers")):
        path = f"suppliers[{i}]"
        s = _object(raw, path, ("id",), ("min_order_value",))
        minimum = parse_money(s.get("min_order_value", "0"), field=f"{path}.min_order_value")
        suppliers.append(Supplier(_id(s["id"], f"{path}.id"), minimum))
    _unique([s.id for s in suppliers], "suppliers")
    supplier_ids = {s.id for s in suppliers}
    people: list[Person] = []
    for i, raw in enumerate(_list(top["people"], "people")):
        people.append(_person(raw, f"people[{i}]", supplier_ids))
    _unique([p.id for p in people], "people")
    return MatchProblem(min_size, max_size, tuple(suppliers), tuple(people))


def _person(raw: object, path: str, supplier_ids: set[str]) -> Person:
    p = _object(raw, path, ("id", "lat", "lon", "max_km"), ("host", "wants"))
    ident = _id(p["id"], f"{path}.id")
    lat = _coordinate(p["lat"], f"{path}.lat", 90)
    lon = _coordinate(p["lon"], f"{path}.lon", 180)
    max_km = _decimal(p["max_km"])
    if max_km is None or max_km <= 0:
        raise ProblemError(f"{path}.max_km", "must be a positive decimal string")
    if max_km > MAX_KM:
        raise ProblemError(f"{path}.max_km", f"must be at most {MAX_KM} (half way round the Earth)")
    host = p.get("host", True)
    if not isinstance(host, bool):
        raise ProblemError(f"{path}.host", "must be true or false")
    raw_wants = p.get("wants", {})
    if not isinstance(raw_wants, dict):
        raise ProblemError(f"{path}.wants", 'must be an object such as {"suma": "60.00"}')
    wants: dict[str, Decimal] = {}
    for supplier, amount in raw_wants.items():
        if supplier not in supplier_ids:
            raise ProblemError(f"{path}.wants.{supplier}", f'unknown supplier "{supplier}"')
        wants[supplier] = parse_money(amount, field=f"{path}.wants.{supplier}")
    return Person(ident, lat, lon, max_km, host, wants)


def _money(amount: Decimal) -> str:
    return format_minor(to_minor(amount))


def result_to_json(result: MatchResult) -> dict[str, Any]:
    """The contract's output object (money and distances as strings with 2 places)."""
    objective = result.objective
    return {
        "groups": [
            {
                "id": g.id,
                "supplier": g.supplier,
                "pickup": g.pickup,
                "members": list(g.members),
                "expected_order_value": _money(g.expected_order_value),
                "farthest_km": str(g.farthest_km),
                "travel_km": str(g.travel_km),
            }
            for g in result.groups
        ],
        "unmatched": [{"id": u.id, "reason": u.reason} for u in result.unmatched],
        "objective": {
            "placed": objective.placed,
            "travel_km": str(objective.travel_km),
            "proven_optimal": objective.proven_optimal,
            "gap": objective.gap,
        },
    }
