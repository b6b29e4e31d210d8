"""A good feasible award found in milliseconds: the solver's start, and often its proof.

Each item (item or lot, under those splits) goes to the bids with the lowest evaluated unit price
first, up to their capacity; a bid left below its minimum order is dropped (the one with the
smallest order first) and the rest redone, until every awarded bid meets its minimum. Awarding
nothing is the worst case, so the result is always feasible. `coverage_bound` is the most units
any award could cover (minimums ignored): when the greedy award reaches it, stage 1 of the model
is proven without a solve.
"""

from __future__ import annotations

from coopbuy.core.money import minor_units_for, to_minor
from coopbuy.core.tender.problem import Bid, TenderProblem

Units = dict[tuple[int, int], int]


def _most(problem: TenderProblem, bids: list[Bid]) -> dict[tuple[int, int], int]:
    """The most units each bid can supply of each item (only those > 0)."""
    most: dict[tuple[int, int], int] = {}
    for b, bid in enumerate(bids):
        prices = {p.item: p for p in bid.prices}
        for i, item in enumerate(problem.items):
            price = prices.get(item.id)
            if price is not None and price.most_units(item.quantity):
                most[(b, i)] = price.most_units(item.quantity)
    return most


def coverage_bound(problem: TenderProblem, bids: list[Bid], lots: list[object]) -> int:
    most = _most(problem, bids)
    if problem.split == "units":
        total = [0] * len(problem.items)
        for (_, i), m in most.items():
            total[i] += m
        return sum(
            min(q, t) for q, t in zip((it.quantity for it in problem.items), total, strict=True)
        )
    if problem.split == "item":
        best = [0] * len(problem.items)
        for (_, i), m in most.items():
            best[i] = max(best[i], m)
        return sum(best)
    per_lot: dict[tuple[int, object], int] = {}
    for (b, i), m in most.items():
        per_lot[(b, lots[i])] = per_lot.get((b, lots[i]), 0) + m
    best_lot: dict[object, int] = {}
    for (_, key), m in per_lot.items():
        best_lot[key] = max(best_lot.get(key, 0), m)
    return sum(best_lot.values())


def greedy(
    problem: TenderProblem, bids: list[Bid], factors: list[int], lots: list[object]
) -> Units:
    mu = minor_units_for(problem.currency)
    most = _most(problem, bids)
    items = problem.items
    prices = [{p.item: p for p in bid.prices} for bid in bids]

    def unit_cost(b: int, i: int, units: int) -> int:
        return factors[b] * to_minor(prices[b][items[i].id].price_at(units), mu)

    active = set(range(len(bids)))
    while True:
        units: Units = {}
        if problem.split == "units":
            for i, item in enumerate(items):
                left = item.quantity
                offers = sorted(
                    (unit_cost(b, i, most[(b, i)]), b) for b in active if (b, i) in most
                )
                for _, b in offers:
                    take = min(left, most[(b, i)])
                    if take:
                        units[(b, i)] = take
                        left -= take
        else:
            members: dict[object, list[int]] = {}
            for i in range(len(items)):
                members.setdefault(lots[i] if problem.split == "lot" else i, []).append(i)
            for group in members.values():
                best: tuple[int, int, int] | None = None
                for b in sorted(active):
                    got = [(i, most[(b, i)]) for i in group if (b, i) in most]
                    if not got:
                        continue
                    key = (-sum(m for _, m in got), sum(unit_cost(b, i, m) * m for i, m in got), b)
                    best = key if best is None or key < best else best
                if best is not None:
                    for i in group:
                        if (best[2], i) in most:
                            units[(best[2], i)] = most[(best[2], i)]
        goods = [0] * len(bids)
        for (b, i), u in units.items():
            goods[b] += u * to_minor(prices[b][items[i].id].price_at(u), mu)
        awarded = {b for b, _ in units}
        short = [(goods[b], b) for b in awarded if goods[b] < to_minor(bids[b].min_order_value, mu)]
        if not short:
            return units
        active.discard(min(short)[1])
