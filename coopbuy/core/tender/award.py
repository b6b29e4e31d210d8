"""`award(problem) -> TenderResult`: the solver's units, then exact money, checks and ranking.

Everything after the solve is exact: money in `Decimal` (prices have at most the minor unit of
places, units are integers), evaluated costs in `Fraction`. The award is checked against every
rule of the contract before it is returned (a solver slip must never be published).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from coopbuy.core.errors import ProblemError
from coopbuy.core.tender.model import lot_keys, solve
from coopbuy.core.tender.problem import (
    Award,
    Bid,
    BidResult,
    TenderProblem,
    TenderResult,
    Totals,
    Uncovered,
)

ZERO = Decimal(0)


def award(problem: TenderProblem, *, time_limit: float = 10.0) -> TenderResult:
    """Decide who supplies what (the tender contract), solved exactly with HiGHS."""
    if not time_limit > 0:
        raise ProblemError("time_limit", "must be a positive number of seconds")
    bids = sorted(problem.bids, key=lambda b: b.id)
    solution = solve(problem, bids, time_limit=time_limit)
    items = problem.items
    awards: list[Award] = []
    goods: dict[str, Decimal] = {b.id: ZERO for b in bids}
    covered = [0] * len(items)
    for (b, i), units in solution.units.items():
        bid, item = bids[b], items[i]
        price = bid.price_for(item.id)
        assert price is not None
        unit_price = price.price_at(units)
        amount = unit_price * units
        awards.append(Award(item.id, bid.id, units, unit_price, amount))
        goods[bid.id] += amount
        covered[i] += units
    awards.sort(key=lambda a: (a.item, a.bid))
    _check(problem, bids, awards, goods, covered)

    alone = {b.id: alone_cost(problem, b) for b in bids}
    ranks = _ranks(alone)
    results: list[BidResult] = []
    for bid in bids:
        awarded = any(a.bid == bid.id for a in awards)
        fee = bid.delivery_fee if awarded else ZERO
        cost = goods[bid.id] + fee
        factor = problem.factor(bid)
        a = alone[bid.id]
        results.append(
            BidResult(
                bid.id,
                bid.supplier,
                awarded,
                goods[bid.id],
                fee,
                cost,
                factor,
                Fraction(cost) * Fraction(factor),
                None if a is None else a[0],
                ranks.get(bid.id),
            )
        )
    uncovered = tuple(
        Uncovered(it.id, it.quantity - c)
        for it, c in sorted(zip(items, covered, strict=True), key=lambda p: p[0].id)
        if it.quantity > c
    )
    totals = Totals(
        sum((r.cost for r in results), ZERO),
        sum((r.evaluated_cost for r in results), Fraction(0)),
        sum(covered),
        sum(it.quantity for it in items),
    )
    return TenderResult(
        problem.currency,
        problem.split,
        tuple(awards),
        tuple(results),
        uncovered,
        totals,
        solution.objective,
    )


def alone_cost(problem: TenderProblem, bid: Bid) -> tuple[Fraction, Decimal] | None:
    """(evaluated, money) cost of `bid` supplying the whole basket on its own terms, or None if
    it cannot: an item wanted is unpriced or beyond its capacity, or the basket's goods stay below
    its minimum order. An empty basket costs nothing (no delivery)."""
    goods = ZERO
    for item in problem.items:
        if not item.quantity:
            continue
        price = bid.price_for(item.id)
        if price is None or price.most_units(item.quantity) < item.quantity:
            return None
        goods += price.price_at(item.quantity) * item.quantity
    if not any(item.quantity for item in problem.items):
        return Fraction(0), ZERO
    if goods < bid.min_order_value:
        return None
    cost = goods + bid.delivery_fee
    return Fraction(cost) * Fraction(problem.factor(bid)), cost


def _ranks(alone: dict[str, tuple[Fraction, Decimal] | None]) -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4) by evaluated then money cost alone; None: unranked."""
    costs = sorted((c, bid) for bid, c in alone.items() if c is not None)
    ranks: dict[str, int] = {}
    for position, (cost, bid) in enumerate(costs, start=1):
        before = costs[position - 2] if position > 1 else None
        ranks[bid] = ranks[before[1]] if before is not None and before[0] == cost else position
    return ranks


def _check(
    problem: TenderProblem,
    bids: list[Bid],
    awards: list[Award],
    goods: dict[str, Decimal],
    covered: list[int],
) -> None:
    """Every rule of the contract, exactly; a violation is a bug, never a published award."""
    by_id = {b.id: b for b in bids}
    quantity = {it.id: it.quantity for it in problem.items}
    lots = dict(zip((it.id for it in problem.items), lot_keys(problem), strict=True))
    winners: dict[object, set[str]] = {}
    for a in awards:
        price = by_id[a.bid].price_for(a.item)
        if price is None or a.units > price.most_units(quantity[a.item]):
            raise AssertionError(f"{a.bid} awarded {a.units} of {a.item} beyond its offer")
        if problem.split != "units":
            if a.units != price.most_units(quantity[a.item]):
                raise AssertionError(f"{a.bid} awarded part of what it can supply of {a.item}")
            key = a.item if problem.split == "item" else lots[a.item]
            winners.setdefault(key, set()).add(a.bid)
    if any(len(w) > 1 for w in winners.values()):
        raise AssertionError(f"an item or lot split between bids under split={problem.split}")
    if problem.split == "lot":
        given = {(a.bid, a.item) for a in awards}
        for bid_id, lot in {(a.bid, lots[a.item]) for a in awards}:
            for p in by_id[bid_id].prices:
                if (
                    lots[p.item] == lot
                    and p.most_units(quantity[p.item]) > 0
                    and (bid_id, p.item) not in given
                ):
                    raise AssertionError(f"{bid_id} won {lot} without {p.item}")
    for it, c in zip(problem.items, covered, strict=True):
        if c > it.quantity:
            raise AssertionError(f"{it.id}: {c} units awarded of {it.quantity}")
    for bid_id, value in goods.items():
        awarded = any(a.bid == bid_id for a in awards)
        if awarded and value < by_id[bid_id].min_order_value:
            raise AssertionError(f"{bid_id}: goods {value} below its minimum order")
