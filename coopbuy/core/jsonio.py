"""The contract's JSON: `problem_from_json` validates, `result_to_json` writes.

Every bad input raises `ProblemError(path, message)` naming the field by its JSON path, e.g.
`demand[3].quantity: must be a non-negative integer`. Readings taken where the spec is silent:

- `currency` is required (three capital letters; it sets the minor unit); `policy` may be omitted
  when the caller chooses one (`--policy`); `members` may be omitted; `tolerance` defaults to 0.
- Unknown fields are errors, so a typo such as `tolerence` cannot silently mean 0.
- A demand row's member need not be listed in `members` (that list only carries budgets), so there
  is no "unknown member"; member ids must be non-empty strings. Ids must be unique per list.
- `placed_at` is ISO-8601 with `Z` or an offset; a time without a zone is refused (no naive times).
- Tiers need distinct `min_cases` of at least 1; `max_cases` may not be below `min_cases`.

Speed: the demand (up to millions of rows) is checked column by column with C-level `map`s; only
if that finds something wrong does a row-by-row pass run, to name the first bad field precisely.
`bench/allocation.py` measures it against `json.loads` of the same text.
"""

from __future__ import annotations

import re
from datetime import datetime
from operator import attrgetter, itemgetter
from typing import Any

from coopbuy.core.errors import ProblemError
from coopbuy.core.jsonshape import json_list as _list
from coopbuy.core.jsonshape import json_object as _object
from coopbuy.core.money import format_minor, minor_units_for, parse_money, to_minor
from coopbuy.core.pricing import PriceTier
from coopbuy.core.problem import (
    POLICIES,
    AllocationResult,
    Demand,
    Member,
    Policy,
    Problem,
    Product,
    Supplier,
)

_CURRENCY = re.compile(r"[A-Z]{3}")
_TIME_HINT = 'must be an ISO-8601 time with a time zone, such as "2026-11-20T10:00:00Z"'
_DEMAND_KEYS = ("member", "product", "quantity", "tolerance", "placed_at")


def _id(value: object, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise ProblemError(path, "must be a non-empty string")
    return value


def _int(value: object, path: str, *, minimum: int = 0) -> int:
    if type(value) is not int or value < minimum:
        raise ProblemError(
            path, "must be a positive integer" if minimum else "must be a non-negative integer"
        )
    return value


def _unique(ids: list[str], path: str) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            raise ProblemError(f"{path}[{i}].id", f'duplicate id "{ident}"')
        seen.add(ident)


#: The top-level keys: required, then optional (a new optional section adds its key here and
#: validates its own value in a function of its own, called from `_problem`).
TOP_REQUIRED = ("currency", "suppliers", "products", "demand")
TOP_OPTIONAL = ("policy", "members")


def problem_from_json(data: object) -> Problem:
    """Validate parsed JSON against the contract and build the `Problem`."""
    return _problem(data, None)


def problem_with_demand(data: object, demand: Demand) -> Problem:
    """`problem_from_json` for a top-level object whose demand rows were validated already (by
    the fast parse in `jsontext`); `data["demand"]` must be present but is not read."""
    return _problem(data, demand)


def _problem(data: object, checked_demand: Demand | None) -> Problem:
    top = _object(data, "problem", TOP_REQUIRED, TOP_OPTIONAL)
    currency = top["currency"]
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise ProblemError("currency", 'must be a three-letter currency code such as "GBP"')
    mu = minor_units_for(currency)
    policy = top.get("policy")
    if policy is not None and policy not in POLICIES:
        raise ProblemError("policy", f"must be one of fcfs, proportional, optimal, not {policy!r}")

    def money(value: object, path: str) -> Any:
        return parse_money(value, field=path, minor_units=mu)

    suppliers: list[Supplier] = []
    for i, raw in enumerate(_list(top["suppliers"], "suppliers")):
        path = f"suppliers[{i}]"
        s = _object(raw, path, ("id",), ("min_order_value", "delivery_fee", "free_delivery_over"))
        free = s.get("free_delivery_over")
        suppliers.append(
            Supplier(
                _id(s["id"], f"{path}.id"),
                money(s.get("min_order_value", "0"), f"{path}.min_order_value"),
                money(s.get("delivery_fee", "0"), f"{path}.delivery_fee"),
                None if free is None else money(free, f"{path}.free_delivery_over"),
            )
        )
    _unique([s.id for s in suppliers], "suppliers")
    supplier_ids = {s.id for s in suppliers}

    products: list[Product] = []
    for i, raw in enumerate(_list(top["products"], "products")):
        products.append(_product(raw, f"products[{i}]", supplier_ids, money))
    _unique([p.id for p in products], "products")

    members: list[Member] = []
    for i, raw in enumerate(_list(top.get("members", []), "members")):
        path = f"members[{i}]"
        m = _object(raw, path, ("id",), ("budget",))
        budget = m.get("budget")
        members.append(
            Member(
                _id(m["id"], f"{path}.id"),
                None if budget is None else money(budget, f"{path}.budget"),
            )
        )
    _unique([m.id for m in members], "members")

    if checked_demand is None:
        rows = _list(top["demand"], "demand")
        product_ids = {p.id for p in products}
        demand = _demand_fast(rows, product_ids)
        if demand is None:
            demand = _demand_slow(rows, product_ids)
    else:
        demand = checked_demand
    return Problem(currency, tuple(suppliers), tuple(products), tuple(members), demand, policy)


def _product(raw: object, path: str, supplier_ids: set[str], money: Any) -> Product:
    p = _object(
        raw,
        path,
        ("id", "supplier", "case_size", "unit_price"),
        ("price_tiers", "min_cases", "max_cases", "retail_unit_price"),
    )
    ident = _id(p["id"], f"{path}.id")
    supplier = _id(p["supplier"], f"{path}.supplier")
    if supplier not in supplier_ids:
        raise ProblemError(f"{path}.supplier", f'unknown supplier "{supplier}"')
    case_size = _int(p["case_size"], f"{path}.case_size", minimum=1)
    unit_price = money(p["unit_price"], f"{path}.unit_price")
    tiers: list[PriceTier] = []
    for j, raw_tier in enumerate(_list(p.get("price_tiers", []), f"{path}.price_tiers")):
        tpath = f"{path}.price_tiers[{j}]"
        t = _object(raw_tier, tpath, ("min_cases", "unit_price"), ())
        tier = PriceTier(
            _int(t["min_cases"], f"{tpath}.min_cases", minimum=1),
            money(t["unit_price"], f"{tpath}.unit_price"),
        )
        if any(other.min_cases == tier.min_cases for other in tiers):
            raise ProblemError(f"{tpath}.min_cases", "two tiers start at the same number of cases")
        tiers.append(tier)
    min_cases = _int(p.get("min_cases", 0), f"{path}.min_cases")
    max_raw = p.get("max_cases")
    max_cases = None if max_raw is None else _int(max_raw, f"{path}.max_cases")
    if max_cases is not None and max_cases < min_cases:
        raise ProblemError(f"{path}.max_cases", "must not be below min_cases")
    retail = p.get("retail_unit_price")
    return Product(
        ident,
        supplier,
        case_size,
        unit_price,
        tuple(tiers),
        min_cases,
        max_cases,
        None if retail is None else money(retail, f"{path}.retail_unit_price"),
    )


def _demand_fast(rows: list[Any], product_ids: set[str]) -> Demand | None:
    """All checks at C speed; None means "something is wrong somewhere: look row by row"."""
    if not rows:
        return Demand()
    if set(map(type, rows)) != {dict} or set(map(len, rows)) != {5}:
        return None
    try:
        members, products, quantities, tolerances, times = (
            tuple(map(itemgetter(key), rows)) for key in _DEMAND_KEYS
        )
    except KeyError:
        return None
    if set(map(type, members)) != {str} or not all(members):  # all str: falsy means empty
        return None
    for column in (quantities, tolerances):
        if set(map(type, column)) != {int} or min(column) < 0:
            return None
    try:  # a product that is not a string cannot be among the ids (unhashable: TypeError)
        if not product_ids.issuperset(products):
            return None
        # One parse per row (not a str: TypeError): measured 7x faster than parsing each distinct
        # time once and looking the rows up in a dict (a million lookups miss the CPU cache).
        parsed = tuple(map(datetime.fromisoformat, times))
    except (TypeError, ValueError):
        return None
    if not all(map(attrgetter("tzinfo"), parsed)):  # fromisoformat's zones are `timezone`s
        return None
    return Demand(members, products, quantities, tolerances, parsed)


def _demand_slow(rows: list[Any], product_ids: set[str]) -> Demand:
    member: list[str] = []
    product: list[str] = []
    quantity: list[int] = []
    tolerance: list[int] = []
    placed_at: list[datetime] = []
    for i, raw in enumerate(rows):
        path = f"demand[{i}]"
        r = _object(raw, path, ("member", "product", "quantity", "placed_at"), ("tolerance",))
        member.append(_id(r["member"], f"{path}.member"))
        pid = _id(r["product"], f"{path}.product")
        if pid not in product_ids:
            raise ProblemError(f"{path}.product", f'unknown product "{pid}"')
        product.append(pid)
        quantity.append(_int(r["quantity"], f"{path}.quantity"))
        tolerance.append(_int(r.get("tolerance", 0), f"{path}.tolerance"))
        placed_at.append(_time(r["placed_at"], f"{path}.placed_at"))
    return Demand(
        tuple(member), tuple(product), tuple(quantity), tuple(tolerance), tuple(placed_at)
    )


def _time(value: object, path: str) -> datetime:
    if not isinstance(value, str):
        raise ProblemError(path, _TIME_HINT)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ProblemError(path, f'{_TIME_HINT}, not "{value}"') from None
    if parsed.tzinfo is None:
        raise ProblemError(path, f'{_TIME_HINT}; "{value}" has no time zone')
    return parsed


def result_to_json(result: AllocationResult, *, explain: bool = False) -> dict[str, Any]:
    """The contract's output, keys in the spec's order; `explain` adds the reasons."""
    table = result.allocations
    mu = table.minor_units
    reasons = {(e.member, e.product): e for e in result.explanations} if explain else {}
    allocations: list[dict[str, Any]] = []
    for m, p, q, t, a in zip(
        table.member,
        table.product,
        table.from_quantity,
        table.from_tolerance,
        table.amount_minor,
        strict=True,
    ):
        line: dict[str, Any] = {
            "member": m, "product": p, "units": q + t, "from_quantity": q, "from_tolerance": t,
            "amount": format_minor(a, mu),
        }  # fmt: skip
        if explain:
            reason = reasons[(m, p)]
            line["explanation"] = {"code": reason.code, "text": reason.text}
        allocations.append(line)
    o, x = result.objective, result.metrics
    out: dict[str, Any] = {
        "policy": result.policy,
        "currency": result.currency,
        "products": [
            {"id": r.id, "cases": r.cases, "units": r.units, "unit_price": _money(r.unit_price, mu),
             "allocated": r.allocated, "requested_quantity": r.requested_quantity,
             "requested_tolerance": r.requested_tolerance}
            for r in result.products
        ],
        "allocations": allocations,
        "members": [
            {"id": r.id, "goods": _money(r.goods, mu), "delivery": _money(r.delivery, mu),
             "total": _money(r.total, mu), "requested_quantity": r.requested_quantity,
             "received_quantity": r.received_quantity, "received_tolerance": r.received_tolerance}
            for r in result.members
        ],
        "suppliers": [
            {"id": r.id, "ordered": r.ordered, "goods": _money(r.goods, mu),
             "delivery_fee": _money(r.delivery_fee, mu), "meets_minimum": r.meets_minimum}
            for r in result.suppliers
        ],
        "objective": {
            "delivered_value": _money(o.delivered_value, mu), "tolerance_units": o.tolerance_units,
            "delivery_fees": _money(o.delivery_fees, mu), "proven_optimal": o.proven_optimal,
            "gap": o.gap,
        },
        "metrics": {
            "quantity_fill_rate": x.quantity_fill_rate, "min_member_fill": x.min_member_fill,
            "jain_index": x.jain_index, "leftover_units": x.leftover_units,
            "savings_vs_retail": _money(x.savings_vs_retail, mu),
        },
    }  # fmt: skip
    if explain:
        out["unmet"] = [
            {"member": e.member, "product": e.product, "requested": e.requested,
             "received": e.received, "code": e.code, "text": e.text}
            for e in result.explanations
            if e.code != "in_full"
        ]  # fmt: skip
    return out


def _money(amount: Any, minor_units: int) -> str:
    return format_minor(to_minor(amount, minor_units), minor_units)


__all__ = ["Policy", "problem_from_json", "problem_with_demand", "result_to_json"]
