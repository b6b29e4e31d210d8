"""The tender contract's JSON: `tender_from_json` validates, `tender_result_to_json` writes.

Every bad input raises `ProblemError(path, message)` naming the field by its JSON path, e.g.
`bids[0].prices[1].item: "oats-25kg" is priced twice in this bid`. Readings where the spec is
silent (see also the package docstring):

- `currency`, `split`, `items` and `bids` are required; `weights` defaults to none. Unknown fields
  are errors (a typo such as `capacty` must not silently mean "no limit").
- Weights and criteria scores are decimal strings (like money: a float cannot hold 0.1) in
  [0, 1] with at most 4 places; a bid's criterion must be one of the published `weights`.
- `supplier` is required (the award is addressed to someone); one supplier may send several bids.
- Tiers need distinct `min_quantity` of at least 1; `capacity` is a non-negative integer or null.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from coopbuy.core.errors import ProblemError
from coopbuy.core.jsonshape import json_id as _id
from coopbuy.core.jsonshape import json_list as _list
from coopbuy.core.jsonshape import json_object as _object
from coopbuy.core.money import format_minor, minor_units_for, parse_money, to_minor
from coopbuy.core.tender.problem import (
    SPLITS,
    Bid,
    Item,
    Price,
    Split,
    TenderProblem,
    TenderResult,
    Tier,
)

_CURRENCY = re.compile(r"[A-Z]{3}")
#: Places allowed in a weight or a score: their products stay exact integers in the solver.
SCORE_PLACES = 4
MAX_WEIGHT_SUM = Decimal("0.5")


def _int(value: object, path: str, *, minimum: int = 0) -> int:
    if type(value) is not int or value < minimum:
        raise ProblemError(
            path, "must be a positive integer" if minimum else "must be a non-negative integer"
        )
    return value


def _score(value: object, path: str) -> Decimal:
    """A decimal string in [0, 1] with at most `SCORE_PLACES` places."""
    hint = 'must be a decimal string between 0 and 1 such as "0.25"'
    if isinstance(value, int | float):
        raise ProblemError(path, f"{hint}, not a number")
    if not isinstance(value, str):
        raise ProblemError(path, hint)
    text = value.strip()
    try:
        score = Decimal(text)
    except InvalidOperation:
        raise ProblemError(path, f'{hint}, not "{value}"') from None
    if not score.is_finite() or "e" in text.lower() or text.startswith("+"):
        raise ProblemError(path, f'{hint}, not "{value}"')
    if not Decimal(0) <= score <= Decimal(1):
        raise ProblemError(path, f'must be between 0 and 1, not "{value}"')
    exponent = score.as_tuple().exponent
    assert isinstance(exponent, int)  # finite, checked above
    if -exponent > SCORE_PLACES:
        raise ProblemError(path, f"must have at most {SCORE_PLACES} decimal places")
    return score


def _unique(ids: list[str], path: str) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            raise ProblemError(f"{path}[{i}].id", f'duplicate id "{ident}"')
        seen.add(ident)


def tender_from_json(data: object) -> TenderProblem:
    """Validate parsed JSON against the tender contract and build the `TenderProblem`."""
    top = _object(data, "problem", ("currency", "split", "items", "bids"), ("weights",))
    currency = top["currency"]
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise ProblemError("currency", 'must be a three-letter currency code such as "GBP"')
    mu = minor_units_for(currency)
    split = top["split"]
    if split not in SPLITS:
        raise ProblemError("split", f"must be one of lot, item, units, not {split!r}")

    raw_weights = top.get("weights", {})
    if not isinstance(raw_weights, dict):
        raise ProblemError("weights", 'must be an object such as {"organic": "0.10"}')
    weights: dict[str, Decimal] = {}
    for name, raw in raw_weights.items():
        weights[_id(name, "weights")] = _score(raw, f"weights.{name}")
    total = sum(weights.values(), Decimal(0))
    if total > MAX_WEIGHT_SUM:
        raise ProblemError("weights", f"must sum to at most {MAX_WEIGHT_SUM}, not {total}")

    items: list[Item] = []
    for i, raw in enumerate(_list(top["items"], "items")):
        path = f"items[{i}]"
        it = _object(raw, path, ("id", "quantity"), ("lot",))
        lot = it.get("lot")
        items.append(
            Item(
                _id(it["id"], f"{path}.id"),
                _int(it["quantity"], f"{path}.quantity"),
                None if lot is None else _id(lot, f"{path}.lot"),
            )
        )
    _unique([it.id for it in items], "items")
    item_ids = {it.id for it in items}

    bids = [
        _bid(raw, f"bids[{i}]", item_ids, weights, mu)
        for i, raw in enumerate(_list(top["bids"], "bids"))
    ]
    _unique([b.id for b in bids], "bids")
    return TenderProblem(currency, split, tuple(items), tuple(bids), weights)


def _bid(raw: object, path: str, item_ids: set[str], weights: dict[str, Decimal], mu: int) -> Bid:
    b = _object(
        raw,
        path,
        ("id", "supplier", "prices"),
        ("delivery_fee", "min_order_value", "criteria"),
    )

    def money(value: object, field: str) -> Decimal:
        return parse_money(value, field=field, minor_units=mu)

    raw_criteria = b.get("criteria", {})
    if not isinstance(raw_criteria, dict):
        raise ProblemError(f"{path}.criteria", 'must be an object such as {"organic": "0.8"}')
    criteria: dict[str, Decimal] = {}
    for name, score in raw_criteria.items():
        if name not in weights:
            raise ProblemError(
                f"{path}.criteria.{name}", "unknown criterion: it is not among the weights"
            )
        criteria[name] = _score(score, f"{path}.criteria.{name}")

    prices: list[Price] = []
    priced: set[str] = set()
    for j, raw_price in enumerate(_list(b["prices"], f"{path}.prices")):
        ppath = f"{path}.prices[{j}]"
        p = _object(raw_price, ppath, ("item", "unit_price"), ("capacity", "tiers"))
        item = _id(p["item"], f"{ppath}.item")
        if item not in item_ids:
            raise ProblemError(f"{ppath}.item", f'unknown item "{item}"')
        if item in priced:
            raise ProblemError(f"{ppath}.item", f'"{item}" is priced twice in this bid')
        priced.add(item)
        capacity_raw = p.get("capacity")
        tiers: list[Tier] = []
        for k, raw_tier in enumerate(_list(p.get("tiers", []), f"{ppath}.tiers")):
            tpath = f"{ppath}.tiers[{k}]"
            t = _object(raw_tier, tpath, ("min_quantity", "unit_price"), ())
            tier = Tier(
                _int(t["min_quantity"], f"{tpath}.min_quantity", minimum=1),
                money(t["unit_price"], f"{tpath}.unit_price"),
            )
            if any(other.min_quantity == tier.min_quantity for other in tiers):
                raise ProblemError(f"{tpath}.min_quantity", "two tiers start at the same quantity")
            tiers.append(tier)
        prices.append(
            Price(
                item,
                money(p["unit_price"], f"{ppath}.unit_price"),
                None if capacity_raw is None else _int(capacity_raw, f"{ppath}.capacity"),
                tuple(sorted(tiers, key=lambda t: t.min_quantity)),
            )
        )
    return Bid(
        _id(b["id"], f"{path}.id"),
        _id(b["supplier"], f"{path}.supplier"),
        tuple(prices),
        money(b.get("delivery_fee", "0"), f"{path}.delivery_fee"),
        money(b.get("min_order_value", "0"), f"{path}.min_order_value"),
        criteria,
    )


def display_minor(amount: Fraction, minor_units: int) -> int:
    """An exact non-negative amount in minor units, rounded half up (for display only)."""
    scaled = amount * 10**minor_units
    rounded: int = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    return rounded


def _factor(factor: Decimal) -> str:
    """The exact factor, with at least 2 places ("0.91", "1.00", "0.9125")."""
    text = format(factor.normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def tender_result_to_json(result: TenderResult) -> dict[str, Any]:
    """The contract's output, keys in the spec's order. Evaluated costs are rounded half up to
    the currency's minor unit here, and only here; `totals.evaluated_cost` is the sum of the bids'
    displayed evaluated costs, so the published table adds up."""
    mu = minor_units_for(result.currency)

    def money(amount: Decimal) -> str:
        return format_minor(to_minor(amount, mu), mu)

    shown = {b.id: display_minor(b.evaluated_cost, mu) for b in result.bids}
    bids = []
    for b in result.bids:
        alone = b.alone_evaluated_cost
        bids.append(
            {
                "id": b.id, "supplier": b.supplier, "awarded": b.awarded,
                "goods": money(b.goods), "delivery_fee": money(b.delivery_fee),
                "cost": money(b.cost), "factor": _factor(b.factor),
                "evaluated_cost": format_minor(shown[b.id], mu),
                "alone_evaluated_cost": None if alone is None
                else format_minor(display_minor(alone, mu), mu),
                "rank": b.rank,
            }
        )  # fmt: skip
    t = result.totals
    return {
        "currency": result.currency,
        "awards": [
            {"item": a.item, "bid": a.bid, "units": a.units,
             "unit_price": money(a.unit_price), "amount": money(a.amount)}
            for a in result.awards
        ],
        "bids": bids,
        "uncovered": [{"item": u.item, "units": u.units} for u in result.uncovered],
        "totals": {
            "cost": money(t.cost), "evaluated_cost": format_minor(sum(shown.values()), mu),
            "covered_units": t.covered_units, "demand_units": t.demand_units,
        },
        "objective": {
            "proven_optimal": result.objective.proven_optimal, "gap": result.objective.gap,
        },
    }  # fmt: skip


__all__ = ["Split", "tender_from_json", "tender_result_to_json"]
