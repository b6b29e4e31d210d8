"""The optimal policy's MILP, built in Python and handed to HiGHS (`optimal.py` solves it).

`build_model` collects the columns and rows described in `optimal.py`'s docstring (bands, pairs,
budgets, suppliers' minimums and free delivery), `add_value_caps` adds the budgets' valid cut, and
`load_model` hands the model to a silent HiGHS with the upper bounds of the caller's choice (the
knapsack start tightens them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coopbuy.core.prepared import PProduct, Prepared

INF = float("inf")


@dataclass
class Model:
    """Columns and rows collected in Python, handed to HiGHS in one call each."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    rows: list[tuple[float, float, list[int], list[float]]] = field(default_factory=list)

    def var(self, lower: float, upper: float, integer: bool = True) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        if integer:
            self.integer.append(len(self.lower) - 1)
        return len(self.lower) - 1

    def row(self, lower: float, upper: float, terms: list[tuple[int, float]]) -> None:
        self.rows.append((lower, upper, [c for c, _ in terms], [v for _, v in terms]))


@dataclass
class ModelProduct:
    pairs: list[int]
    bands: list[tuple[int, int, int, int | None, int]]  # (a, b, price, z column or None, k)
    x: list[int]
    y: list[int]
    u: dict[int, list[int]] = field(default_factory=dict)  # member position -> column per band


def price_bands(product: PProduct) -> list[tuple[int, int, int]]:
    """Case-count intervals [a, b] with one applied price each, within the feasible counts."""
    low, high = max(1, product.min_cases), product.case_limit()
    if high < low:
        return []
    cuts = sorted({low, *(m for m, _ in product.tiers if low < m <= high)})
    ends = [*(c - 1 for c in cuts[1:]), high]
    return [(a, b, product.price_at(a)) for a, b in zip(cuts, ends, strict=True)]


def load_model(highspy: Any, model: Model, upper: list[float]) -> Any:
    """A silent HiGHS holding the model, with these upper bounds on the columns."""
    h = quiet_highs(highspy)
    h.addVars(len(model.lower), model.lower, upper)
    if model.integer:
        h.changeColsIntegrality(
            len(model.integer), model.integer, [highspy.HighsVarType.kInteger] * len(model.integer)
        )
    for lower, row_upper, cols, vals in model.rows:
        h.addRow(lower, row_upper, len(cols), cols, vals)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.99)
    return h


def quiet_highs(highspy: Any) -> Any:
    """A HiGHS instance that prints nothing on stdout.

    The public `highspy.Highs()` prints a banner on stdout (file descriptor 1, from C++) while its
    constructor registers the Python callbacks, before any option can turn output off: measured with
    highspy 1.16. The bound core class it derives from has no callbacks (none are used here) and is
    silent once `output_flag` is off, so it is preferred; if a later highspy renames it, the public
    class is the fallback (the CLI also points stdout elsewhere while it solves, so its JSON output
    stays clean either way; `tests/test_allocate_cli.py` checks both paths).
    """
    core = getattr(getattr(highspy, "_core", None), "_Highs", None)
    h = core() if core is not None else highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def rounded(values: list[float]) -> list[int]:
    return [round(v) for v in values]


def build_model(
    prepared: Prepared,
) -> tuple[Model, list[ModelProduct], list[int | None], list[int | None]]:
    model = Model()
    ordered: list[int | None] = []
    free: list[int | None] = []
    for s in prepared.suppliers:
        ordered.append(model.var(0, 1))
        has_free = s.free_delivery_over is not None and s.delivery_fee > 0
        free.append(model.var(0, 1) if has_free else None)
    products: list[ModelProduct] = []
    budget_terms: dict[str, list[tuple[int, float]]] = {m: [] for m in prepared.budgets}
    value_terms: list[list[tuple[int, float]]] = [[] for _ in prepared.suppliers]
    groups = prepared.product_pairs()
    for product, pairs in zip(prepared.products, groups, strict=True):
        bands = []
        u_of: dict[int, list[int]] = {}
        want_q = [prepared.want_quantity[j] for j in pairs]
        want_t = [prepared.want_tolerance[j] for j in pairs]
        intervals = price_bands(product)
        # One band from 1 case up (no tier, no minimum in reach): the case count alone says it
        # all, and needs no binary; otherwise a binary per band picks the price (rule 3, 4).
        simple = len(intervals) == 1 and intervals[0][0] == 1
        for a, b, price in intervals:
            k = model.var(0, b)
            z = None if simple else model.var(0, 1)
            if z is not None:
                model.row(0, INF, [(k, 1), (z, -a)])
                model.row(-INF, 0, [(k, 1), (z, -b)])
            value_terms[product.supplier].append((k, float(price * product.case_size)))
            bands.append((a, b, price, z, k))
        can_order = bool(bands)
        x = [model.var(0, q if can_order else 0) for q in want_q]
        y = [model.var(0, t if can_order else 0) for t in want_t]
        if bands:
            sup = ordered[product.supplier]
            assert sup is not None
            if simple:  # at most b cases, and none unless the supplier is ordered from
                model.row(-INF, 0, [(bands[0][4], 1.0), (sup, -float(bands[0][1]))])
            else:
                model.row(
                    -INF, 0, [*((z, 1.0) for *_, z, _ in bands if z is not None), (sup, -1.0)]
                )
            units = [(c, 1.0) for c in x + y]
            model.row(0, 0, [*units, *((k, -float(product.case_size)) for *_, k in bands)])
        for i, member in enumerate(map(prepared.pair_member.__getitem__, pairs)):
            if member not in budget_terms or not bands:
                continue
            if len(bands) == 1:
                unit = float(bands[0][2])
                budget_terms[member] += [(x[i], unit), (y[i], unit)]
                continue
            most = want_q[i] + want_t[i]
            split = []
            u_cols: list[int] = []
            for _, _, price, z, _ in bands:
                assert z is not None  # several bands: each has its binary
                u = model.var(0, most)
                model.row(-INF, 0, [(u, 1), (z, -float(most))])
                budget_terms[member].append((u, float(price)))
                split.append((u, 1.0))
                u_cols.append(u)
            model.row(0, 0, [*split, (x[i], -1.0), (y[i], -1.0)])
            u_of[i] = u_cols
        products.append(ModelProduct(pairs, bands, x, y, u_of))
    for member, terms in budget_terms.items():
        if terms:
            model.row(-INF, float(prepared.budgets[member]), terms)
    add_value_caps(prepared, model, products)
    for s in prepared.suppliers:
        terms = value_terms[s.index]
        sup = ordered[s.index]
        assert sup is not None
        if s.min_order_value:
            model.row(0, INF, [*terms, (sup, -float(s.min_order_value))])
        f = free[s.index]
        if f is not None:
            assert s.free_delivery_over is not None
            model.row(0, INF, [*terms, (f, -float(s.free_delivery_over))])
            model.row(-INF, 0, [(f, 1), (sup, -1)])
    return model, products, ordered, free


def add_value_caps(prepared: Prepared, model: Model, products: list[ModelProduct]) -> None:
    """Per member with a budget: value <= the best their budget alone can buy (a valid cut).

    The LP relaxation lets a budget be spent to the last penny on fractional units, and branch and
    bound then struggles to prove that whole units cannot do that (a subset-sum per member). The
    exact best for each member on their own (every product at its lowest possible price, no case
    to fill: a relaxation, so the cap never cuts off a feasible allocation) is a small knapsack,
    solved here by dynamic programming over the budget in pence.
    """
    import numpy as np  # a dependency of highspy, loaded with it

    items: dict[str, list[tuple[int, int, int, int]]] = {m: [] for m in prepared.budgets}
    for product, mp in zip(prepared.products, products, strict=True):
        if not mp.bands or product.base_price == 0:
            continue
        lowest = min(price for _, _, price, _, _ in mp.bands)
        for i, j in enumerate(mp.pairs):
            m = prepared.pair_member[j]
            if m in items and prepared.want_quantity[j]:
                items[m].append((mp.x[i], product.base_price, lowest, prepared.want_quantity[j]))
    for member, mine in items.items():
        budget = prepared.budgets[member]
        if not mine or sum(cost * n for _, _, cost, n in mine) <= budget:
            continue
        best = np.zeros(budget + 1, dtype=np.int64)  # best value for a spend of at most c
        free_value = 0
        for _, value, cost, count in mine:
            if cost == 0:
                free_value += value * count
                continue
            chunk = 1
            while count > 0:  # binary split of a bounded item: 1, 2, 4, ... copies
                take = min(chunk, count)
                weight, gain = cost * take, value * take
                if weight <= budget:
                    np.maximum(best[weight:], best[:-weight] + gain, out=best[weight:])
                count -= take
                chunk *= 2
        cap = int(best[budget]) + free_value
        model.row(-INF, float(cap), [(col, float(value)) for col, value, _, _ in mine])
