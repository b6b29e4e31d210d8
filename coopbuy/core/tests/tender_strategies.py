"""Hypothesis strategies for tenders (tiny problems a brute force can enumerate) and that brute
force: every award the split allows, scored by the contract's rules written out independently."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from coopbuy.core.tender import TenderProblem, TenderResult

Key = tuple[int, Fraction, Fraction, int]


def pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


@st.composite
def tenders(draw: st.DrawFn, *, split: str | None = None, max_quantity: int = 3) -> dict[str, Any]:
    n_items = draw(st.integers(1, 3))
    items = [
        {"id": f"i{i}", "quantity": draw(st.integers(0, max_quantity)),
         "lot": draw(st.sampled_from([None, "a", "b"]))}
        for i in range(n_items)
    ]  # fmt: skip
    weights = {
        "organic": pounds(draw(st.integers(0, 30))),
        "local": pounds(draw(st.integers(0, 20))),
    }
    bids = []
    for b in range(draw(st.integers(1, 3))):
        prices = []
        for item in items:
            if not draw(st.booleans()) and b:  # the first bid prices everything
                continue
            price = draw(st.integers(0, 900))
            tiers = []
            if draw(st.booleans()):
                tiers.append({"min_quantity": draw(st.integers(1, 3)),
                              "unit_price": pounds(draw(st.integers(0, 900)))})  # fmt: skip
            prices.append({"item": item["id"], "unit_price": pounds(price),
                           "capacity": draw(st.none() | st.integers(0, max_quantity)),
                           "tiers": tiers})  # fmt: skip
        bids.append(
            {
                "id": draw(st.sampled_from(["z", "y", "x"])) + str(b),  # ids out of list order
                "supplier": f"s{b}",
                "delivery_fee": pounds(draw(st.sampled_from([0, 0, 150, 500]))),
                "min_order_value": pounds(draw(st.sampled_from([0, 0, 300, 1500]))),
                "criteria": {"organic": f"0.{draw(st.integers(0, 9))}",
                             "local": f"0.{draw(st.integers(0, 9))}"},
                "prices": prices,
            }
        )  # fmt: skip
    return {
        "currency": "GBP",
        "split": split or draw(st.sampled_from(["lot", "item", "units"])),
        "weights": weights,
        "items": items,
        "bids": bids,
    }


def key_of(problem: TenderProblem, units: dict[tuple[str, str], int]) -> Key | None:
    """The contract's lexicographic key of an award (None if it breaks a minimum order)."""
    bids = sorted(problem.bids, key=lambda b: b.id)
    demand = sum(it.quantity for it in problem.items)
    evaluated = money = Fraction(0)
    rank = 0
    for position, bid in enumerate(bids, start=1):
        goods = Fraction(0)
        for p in bid.prices:
            u = units.get((bid.id, p.item), 0)
            price = p.unit_price
            for tier in p.tiers:
                if u >= tier.min_quantity:
                    price = tier.unit_price
            goods += u * Fraction(price)
            rank += position * u
        awarded = any(units.get((bid.id, p.item), 0) for p in bid.prices)
        if awarded and goods < bid.min_order_value:
            return None
        cost = goods + (Fraction(bid.delivery_fee) if awarded else 0)
        factor = 1 - sum(Fraction(w) * Fraction(bid.criteria.get(k, 0))
                         for k, w in problem.weights.items())  # fmt: skip
        evaluated += cost * factor
        money += cost
    return demand - sum(units.values()), evaluated, money, rank


def brute_force(problem: TenderProblem) -> list[tuple[Key, dict[tuple[str, str], int]]]:
    """Every feasible award with its key, best first."""
    items = problem.items

    def most(bid_id: str, item_id: str) -> int:
        bid = next(b for b in problem.bids if b.id == bid_id)
        price = bid.price_for(item_id)
        quantity = next(it.quantity for it in items if it.id == item_id)
        return 0 if price is None else price.most_units(quantity)

    ids = [b.id for b in problem.bids]
    options: list[list[dict[tuple[str, str], int]]] = []
    if problem.split == "units":
        for it in items:
            ranges = [range(most(b, it.id) + 1) for b in ids]
            options.append(
                [{(b, it.id): x for b, x in zip(ids, xs, strict=True) if x}
                 for xs in itertools.product(*ranges) if sum(xs) <= it.quantity]
            )  # fmt: skip
    else:
        groups: dict[object, list[str]] = {}
        for it in items:
            key = it.id if problem.split == "item" or it.lot is None else ("lot", it.lot)
            groups.setdefault(key, []).append(it.id)
        for members in groups.values():
            choices: list[dict[tuple[str, str], int]] = [{}]
            for b in ids:
                got = {(b, i): most(b, i) for i in members if most(b, i)}
                if got:
                    choices.append(got)
            options.append(choices)
    found: list[tuple[Key, dict[tuple[str, str], int]]] = []
    for combo in itertools.product(*options):
        units: dict[tuple[str, str], int] = {}
        for part in combo:
            units.update(part)
        score = key_of(problem, units)
        if score is not None:
            found.append((score, units))
    found.sort(key=lambda kv: kv[0])
    return found


def units_of(result: TenderResult) -> dict[tuple[str, str], int]:
    return {(a.bid, a.item): a.units for a in result.awards}
