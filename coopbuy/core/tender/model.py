"""The award as a MILP solved exactly with HiGHS, in four lexicographic stages.

Columns. Per bid a binary `y` (awarded anything: its delivery fee is paid and its minimum order
applies). Award columns, each carrying units of items and goods in minor units:

- `units`: per bid and priced item, units x in [0, U] (U: the quantity, capped by the capacity).
  With tiers, the quantity range is cut into bands [a, b] with one applied price each (a tier's
  price applies to every unit once its `min_quantity` is reached); per band a binary z and an
  integer k in [a z, b z], at most one band chosen (sum z <= y). This disaggregated form is the
  convex hull of each price curve, so the LP bound stays tight. Without a tier in reach one
  integer x <= U y suffices.
- `item` / `lot`: a binary per bid and item (lot) that, when chosen, awards the bid U units of the
  item (of every item of the lot it prices): "as many units as it can". The applied prices are
  then known in advance, so no band is needed. At most one bid per item (lot).

Rows: per item, the units awarded are at most its quantity (`units`); per bid, goods >= its
`min_order_value` x y, and award columns only with y.

Objective, staged rather than weighted (safe weights would exceed what doubles hold): (1) maximise
the units covered; (2) minimise the evaluated cost, in minor units x 10^d where d is the most
decimal places of any bid's factor, so every coefficient is an integer; (3) minimise the money
cost; (4) minimise the sum over awarded units of their bid's position in id order (1 for the first
id): among equal awards the units go to the earlier bid ids. Each stage's value is recomputed
exactly in integers from the rounded solution, and the next stage keeps it with a half-unit
margin; every objective is an integer, so `mip_abs_gap` 0.99 and `mip_rel_gap` 0 prove each
stage exactly. Stage 3 is skipped when every bid has the same factor (the evaluated cost is then
the money cost times that factor), and a stage is skipped when nothing can be awarded.

The time limit is shared by the stages. Awarding nothing is always feasible and is the start; a
stage's solution replaces the one in hand only if it is at least as good, compared exactly.

HiGHS's "optimal" is checked, not trusted: a stage counts as proven only if the solution HiGHS
hands back is worth the objective it reports and the solution in hand reaches HiGHS's dual bound
within the 0.99 gap, values computed exactly. HiGHS 1.16, given a start, can answer "optimal" at
a presolved objective while handing the start back unchanged (it left a unit uncovered, or a
dearer award, under `proven_optimal` before this check); such a stage, or one ending in a solve
error, is solved once more without presolve, and if the check still fails the award is reported
not proven (`_run_stage`). The matching solver met the same slip and gave up its start; here the
start is kept, as the later stages need it to finish in time on large tenders.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coopbuy.core.money import minor_units_for, to_minor
from coopbuy.core.tender.greedy import Units, coverage_bound, greedy
from coopbuy.core.tender.problem import Bid, Price, TenderObjective, TenderProblem

INF = float("inf")


@dataclass
class _Model:
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    indices: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    # Per column: its bid (-1: none), the units of items it awards per unit of itself, its goods.
    bid: list[int] = field(default_factory=list)
    units: list[list[tuple[int, int]]] = field(default_factory=list)
    goods: list[int] = field(default_factory=list)
    # How to write an award (units per bid and item) as column values: `y` per bid; per (bid,
    # item) its one column or its bands (z, k, lo, hi); per (bid, lot key) its assignment column.
    y: list[int] = field(default_factory=list)
    single: dict[tuple[int, int], int] = field(default_factory=dict)
    bands: dict[tuple[int, int], list[tuple[int, int, int, int]]] = field(default_factory=dict)
    assign: dict[tuple[int, object], int] = field(default_factory=dict)

    def var(
        self, upper: int, bid: int, units: list[tuple[int, int]] | None = None, goods: int = 0
    ) -> int:
        self.lower.append(0.0)
        self.upper.append(float(upper))
        self.integer.append(len(self.lower) - 1)
        self.bid.append(bid)
        self.units.append(units or [])
        self.goods.append(goods)
        return len(self.lower) - 1

    def row(self, lower: float, upper: float, terms: list[tuple[int, float]]) -> None:
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.starts.append(len(self.indices))
        self.indices += [c for c, _ in terms]
        self.values += [v for _, v in terms]


@dataclass(frozen=True, slots=True)
class Solution:
    """Units per bid (position in id order) and item (position in `problem.items`)."""

    units: dict[tuple[int, int], int]
    objective: TenderObjective


def _bands(price: Price, most: int, mu: int) -> list[tuple[int, int, int]]:
    """Unit-count intervals [a, b] within [1, most] with one applied price (minor units) each."""
    cuts = sorted({1, *(t.min_quantity for t in price.tiers if 1 < t.min_quantity <= most)})
    ends = [*(c - 1 for c in cuts[1:]), most]
    return [(a, b, to_minor(price.price_at(a), mu)) for a, b in zip(cuts, ends, strict=True)]


def lot_keys(problem: TenderProblem) -> list[tuple[str, str]]:
    """Each item's lot key: its named lot, or the item alone (an item without a lot)."""
    return [("lot", it.lot) if it.lot is not None else ("item", it.id) for it in problem.items]


def scaled_factors(problem: TenderProblem, bids: list[Bid]) -> list[int]:
    """Every bid's factor x 10^d, d the most decimal places among them: exact integers."""
    factors = [problem.factor(b) for b in bids]
    places = 0
    for f in factors:
        exponent = f.normalize().as_tuple().exponent
        assert isinstance(exponent, int)
        places = max(places, -exponent)
    return [int(f.scaleb(places)) for f in factors]


def _build(problem: TenderProblem, bids: list[Bid]) -> tuple[_Model, list[int]]:
    mu = minor_units_for(problem.currency)
    model = _Model()
    items = problem.items
    y = [model.var(1, -1) for _ in bids]
    model.y = y
    by_item: list[list[int]] = [[] for _ in items]  # award columns of each item (or lot)
    by_lot: dict[tuple[str, str], list[int]] = {}
    lots = lot_keys(problem)
    for b, bid in enumerate(bids):
        goods_terms: list[tuple[int, float]] = []
        prices = {p.item: p for p in bid.prices}
        lot_units: dict[tuple[str, str], list[tuple[int, int]]] = {}
        lot_goods: dict[tuple[str, str], int] = {}
        for i, item in enumerate(items):
            price = prices.get(item.id)
            most = 0 if price is None else price.most_units(item.quantity)
            if price is None or most == 0:
                continue
            if problem.split == "lot":
                key = lots[i]
                lot_units.setdefault(key, []).append((i, most))
                lot_goods[key] = lot_goods.get(key, 0) + most * to_minor(price.price_at(most), mu)
            elif problem.split == "item":
                goods = most * to_minor(price.price_at(most), mu)
                a = model.var(1, b, [(i, most)], goods)
                model.assign[(b, i)] = a
                model.row(-INF, 0, [(a, 1), (y[b], -1)])
                by_item[i].append(a)
                goods_terms.append((a, float(goods)))
            else:
                bands = _bands(price, most, mu)
                if len(bands) == 1:
                    x = model.var(most, b, [(i, 1)], bands[0][2])
                    model.single[(b, i)] = x
                    model.row(-INF, 0, [(x, 1), (y[b], -float(most))])
                    by_item[i].append(x)
                    goods_terms.append((x, float(bands[0][2])))
                    continue
                zs = []
                for lo, hi, unit in bands:
                    z = model.var(1, -1)
                    k = model.var(hi, b, [(i, 1)], unit)
                    model.row(0, INF, [(k, 1), (z, -float(lo))])
                    model.row(-INF, 0, [(k, 1), (z, -float(hi))])
                    by_item[i].append(k)
                    goods_terms.append((k, float(unit)))
                    zs.append(z)
                    model.bands.setdefault((b, i), []).append((z, k, lo, hi))
                model.row(-INF, 0, [*((z, 1.0) for z in zs), (y[b], -1.0)])
        for key, units in lot_units.items():
            a = model.var(1, b, units, lot_goods[key])
            model.assign[(b, key)] = a
            model.row(-INF, 0, [(a, 1), (y[b], -1)])
            by_lot.setdefault(key, []).append(a)
            goods_terms.append((a, float(lot_goods[key])))
        minimum = to_minor(bid.min_order_value, mu)
        if minimum and goods_terms:
            model.row(0, INF, [*goods_terms, (y[b], -float(minimum))])
    if problem.split == "units":
        for i, cols in enumerate(by_item):
            if cols:
                model.row(-INF, float(items[i].quantity), [(c, 1.0) for c in cols])
    else:
        groups = by_item if problem.split == "item" else list(by_lot.values())
        for cols in groups:
            if len(cols) > 1:
                model.row(-INF, 1, [(c, 1.0) for c in cols])
    return model, y


def solve(problem: TenderProblem, bids: list[Bid], *, time_limit: float) -> Solution:
    """The optimal award's units per (bid position, item position); `bids` sorted by id."""
    import highspy  # here: only an award pays for loading HiGHS

    mu = minor_units_for(problem.currency)
    model, y = _build(problem, bids)
    n = len(model.lower)
    factors = scaled_factors(problem, bids)
    fees = [to_minor(b.delivery_fee, mu) for b in bids]
    covered = [sum(u for _, u in units) for units in model.units]
    money = list(model.goods)
    evaluated = [
        factors[b] * g if b >= 0 else 0 for b, g in zip(model.bid, model.goods, strict=True)
    ]
    rank = [(b + 1) * c if b >= 0 else 0 for b, c in zip(model.bid, covered, strict=True)]
    for b, col in enumerate(y):
        money[col] = fees[b]
        evaluated[col] = factors[b] * fees[b]
    stages: list[tuple[bool, list[int]]] = [(True, covered), (False, evaluated)]
    if len(set(factors)) > 1:
        stages.append((False, money))
    stages.append((False, rank))

    lots: list[object] = list(lot_keys(problem))
    values = _columns(model, greedy(problem, bids, factors, lots), lots, n)
    status = TenderObjective(True, 0.0)
    if not any(covered):
        return Solution(_units(model, values), status)
    if _dot(covered, values) == coverage_bound(problem, bids, lots):
        stages[0] = (True, [])  # proven by the bound: no solve
    h = _quiet_highs(highspy)
    h.addVars(n, np.array(model.lower), np.array(model.upper))
    h.changeColsIntegrality(
        len(model.integer),
        np.array(model.integer, np.int32),
        np.full(len(model.integer), highspy.HighsVarType.kInteger.value, np.uint8),
    )
    if model.row_lower:
        h.addRows(
            len(model.row_lower),
            np.array(model.row_lower),
            np.array(model.row_upper),
            len(model.indices),
            np.array(model.starts, np.int32),
            np.array(model.indices, np.int32),
            np.array(model.values),
        )
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.99)
    deadline = time.monotonic() + time_limit
    cols = np.arange(n, dtype=np.int32)
    done: list[tuple[bool, list[int]]] = []
    for number, (maximise, cost) in enumerate(stages, start=1):
        if not cost:  # stage 1 proven by the bound: keep its value
            cost = covered
            done.append((maximise, cost))
            best = _dot(cost, values)
            terms = [(c, float(v)) for c, v in enumerate(cost) if v]
            h.addRow(best - 0.5, INF, len(terms), [c for c, _ in terms], [v for _, v in terms])
            continue
        h.changeColsCost(n, cols, np.array(cost, dtype=float))
        h.changeObjectiveSense(
            highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        )
        values, gap = _run_stage(h, highspy, values, [*done, (maximise, cost)], deadline)
        if gap is not None:
            status = TenderObjective(False, gap, number)
            break
        done.append((maximise, cost))
        if number == len(stages):
            break
        best = _dot(cost, values)
        terms = [(c, float(v)) for c, v in enumerate(cost) if v]
        if maximise:
            h.addRow(best - 0.5, INF, len(terms), [c for c, _ in terms], [v for _, v in terms])
        else:
            h.addRow(-INF, best + 0.5, len(terms), [c for c, _ in terms], [v for _, v in terms])
    return Solution(_units(model, values), status)


def _run_stage(
    h: Any,
    highspy: Any,
    values: list[int],
    stages: list[tuple[bool, list[int]]],
    deadline: float,
) -> tuple[list[int], float | None]:
    """Solve the last of `stages` from `values`: the solution in hand after it, and None if it is
    proven optimal, else the stage's relative gap.

    HiGHS's "optimal" is checked in exact integers: the solution it hands back must be worth the
    objective it reports, and the solution in hand must reach its dual bound within the 0.99 gap
    (each up to how far HiGHS's values sit from their rounding). HiGHS 1.16 can report "optimal"
    at a presolved objective while handing back the start unchanged (seen when presolve merges
    columns and the start maps onto the reduced optimum); such a stage, or one ending in any
    status but optimal or the time limit (a solve error was seen), is solved again without
    presolve, which takes the start as it is. If the check still fails, the stage is reported
    not proven, never optimal.
    """
    maximise, cost = stages[-1]
    n = len(values)
    cols = np.arange(n, dtype=np.int32)
    gap = INF
    for presolve in ("choose", "off"):
        h.setOptionValue("presolve", presolve)
        h.setOptionValue("time_limit", max(0.01, deadline - time.monotonic()))
        h.setSolution(n, cols, np.array(values, dtype=float))
        h.run()
        info = h.getInfo()
        model_status = h.getModelStatus()
        if info.primal_solution_status != 2:
            if model_status == highspy.HighsModelStatus.kTimeLimit:
                return values, float(info.mip_gap)
            continue
        col_value = h.getSolution().col_value
        found = [round(v) for v in col_value]
        # how far HiGHS's values sit from their rounding, in objective terms, and doubles' slack
        slack = sum(abs(c * (x - f)) for c, x, f in zip(cost, col_value, found, strict=True) if c)
        reported, bound = float(info.objective_function_value), float(info.mip_dual_bound)
        slack += 1e-9 * max(1.0, abs(reported), abs(bound))
        if _better_or_equal(found, values, stages):
            values = found
        if model_status == highspy.HighsModelStatus.kTimeLimit:
            return values, float(info.mip_gap)  # out of time: no second try
        if model_status != highspy.HighsModelStatus.kOptimal:
            gap = float(info.mip_gap)
            continue
        value = _dot(cost, values)
        short = bound - value if maximise else value - bound
        if abs(_dot(cost, found) - reported) <= 0.5 + slack and short <= 0.99 + slack:
            return values, None
        gap = abs(short) / max(1.0, abs(value)) if abs(short) > 0.99 + slack else INF
    return values, gap


def _columns(model: _Model, units: Units, lots: list[object], n: int) -> list[int]:
    """An award (units per bid and item) as column values of the model."""
    values = [0] * n
    for (b, i), u in units.items():
        values[model.y[b]] = 1
        if (b, i) in model.single:
            values[model.single[(b, i)]] = u
        elif (b, i) in model.bands:
            z, k, _, _ = next(band for band in model.bands[(b, i)] if band[2] <= u <= band[3])
            values[z], values[k] = 1, u
        else:
            values[model.assign[(b, i) if (b, i) in model.assign else (b, lots[i])]] = 1
    return values


def _dot(cost: list[int], values: list[int]) -> int:
    return sum(c * v for c, v in zip(cost, values, strict=True) if c)


def _better_or_equal(
    found: list[int], current: list[int], stages: list[tuple[bool, list[int]]]
) -> bool:
    """Whether `found` is at least as good as `current` lexicographically, in exact integers."""
    for maximise, cost in stages:
        a, b = _dot(cost, found), _dot(cost, current)
        if a != b:
            return a > b if maximise else a < b
    return True


def _units(model: _Model, values: list[int]) -> dict[tuple[int, int], int]:
    units: dict[tuple[int, int], int] = {}
    for col, value in enumerate(values):
        if value and model.bid[col] >= 0:
            for item, per in model.units[col]:
                key = (model.bid[col], item)
                units[key] = units.get(key, 0) + per * value
    return {k: v for k, v in units.items() if v}


def _quiet_highs(highspy: Any) -> Any:
    """A HiGHS instance that prints nothing on stdout (see `policies/optimal_model.quiet_highs`)."""
    core = getattr(getattr(highspy, "_core", None), "_Highs", None)
    h = core() if core is not None else highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


__all__ = ["Solution", "lot_keys", "scaled_factors", "solve"]
