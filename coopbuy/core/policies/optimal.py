"""Optimal: the cases and units that maximise delivered value, exactly, with HiGHS (a MILP).

Variables, per product p: for each price band j (case counts [a_j, b_j] with one applied price,
cut at `max(1, min_cases)`, at every tier and at the most cases the demand can fill) a binary z_pj
and an integer k_pj in [a_j z_pj, b_j z_pj], at most one band per product (rule 3 and rule 4, so
every price is linear). A product with one band starting at 1 case (no tier or minimum in reach,
most products) needs no binary: k_p in [0, b] with k_p <= b x ordered. Per member and product (a
pair: their rows summed): integers x <= quantity and y <= tolerance (rule 2), with sum(x + y) =
case_size x sum_j k_pj (rule 1). A member with a budget and a tiered product gets u_pij (their
units while band j is chosen) so their goods at the applied price are linear. Per supplier: binary
`ordered` (value >= min_order_value x ordered: rule 5) and binary `free` (value >=
free_delivery_over x free, free <= ordered): its fee is fee x (ordered - free) (rule 6).
Tolerance-only cases are allowed, as the spec says. A valid cut per member with a budget caps
their delivered value at what the budget alone could buy (`add_value_caps`).

Lexicographic objective, in three stages rather than one weighted sum: with a million pence of
value and thousands of tolerance units, safe weights exceed what doubles and solver tolerances
hold. Stage 1 maximises delivered value (base price x x); stage 2 adds `value >= best - 0.5` and
minimises tolerance units; stage 3 adds `tolerance <= best + 0.5` and minimises fees. Every
objective is an integer (pence, units), so `mip_abs_gap` 0.99 with `mip_rel_gap` 0 proves
optimality exactly. Stages 2 and 3 are skipped when the answer in hand already uses no tolerance
or pays no fee (nothing can be lower). The time limit is shared by the stages. If the limit stops
stage 1 before HiGHS finds anything better, the fallback is kept: the fcfs result when it keeps
every budget (so without budgets optimal never delivers less than fcfs), else the best of three
answers that keep them: fcfs within budgets (`budget_start`), fcfs repaired (`budget_repair`) and
the knapsack start (`budget_knapsacks`: each budgeted member held to a knapsack of their own,
tie-broken towards the units that fill others' cases, the model solved like a round without
budgets on a separate solver, then refill rounds that spend unspent budgets on units others hold
as tolerance, and a fresh start steered to any supplier whose minimum an answer missed; in at
most `KNAPSACK_SHARE` of the limit). No start solution is handed to HiGHS: with one, HiGHS 1.16
reported a worse answer as optimal on a tiny problem (caught by the brute-force test in
tests/test_optimal.py).

Where the time goes (bench/allocation.py, 300 members x 200 products, half with budgets): without
budgets all three stages are proven in about a second; with budgets stage 1 alone is not proven in
60 s (gap 0.1-0.2 %). On seed 100 a 240 s run (58 s of CPU) ended at 10,644,392 pence against a
bound of 10,657,703 (0.125 %). The gap lies in the budgeted members' whole units, not in the
whole cases: with their units continuous (cases and everyone else whole) the optimum is
10,661,620, above HiGHS's bound after cuts; with the cases continuous instead it is the LP bound
(10,694,536). See docs/adr/0001-allocation-engine.md for what was tried.
"""

from __future__ import annotations

import time
from typing import Any

from coopbuy.core.decision import Decision, SolveStatus
from coopbuy.core.policies.budget_knapsacks import knapsack_start
from coopbuy.core.policies.budget_repair import repair_to_budgets
from coopbuy.core.policies.budget_start import allocate_within_budgets
from coopbuy.core.policies.fcfs import allocate_fcfs
from coopbuy.core.policies.optimal_model import (
    Model,
    ModelProduct,
    build_model,
    load_model,
    rounded,
)
from coopbuy.core.prepared import Prepared

INF = float("inf")


def allocate_optimal(prepared: Prepared, *, time_limit: float) -> Decision:
    import highspy  # here, not at the top: only this policy pays for loading HiGHS

    model, products, ordered, free = build_model(prepared)
    value_cost = [0.0] * len(model.lower)
    tolerance_cost = [0.0] * len(model.lower)
    fee_cost = [0.0] * len(model.lower)
    for product, mp in zip(prepared.products, products, strict=True):
        for col in mp.x:
            value_cost[col] = float(product.base_price)
        for col in mp.y:
            tolerance_cost[col] = 1.0
    for supplier in prepared.suppliers:
        fee = float(supplier.delivery_fee)
        if ordered[supplier.index] is not None and fee:
            fee_cost[ordered[supplier.index] or 0] = fee
            if free[supplier.index] is not None:
                fee_cost[free[supplier.index] or 0] = -fee

    h = load_model(highspy, model, model.upper)
    n = len(model.lower)
    deadline = time.monotonic() + time_limit
    start = _start_solution(prepared, products, ordered, free, n)
    if prepared.budgets:  # a second fallback, from a separate solver (this one stays untouched)
        chosen = _knapsack_start(highspy, prepared, model, products, value_cost, time_limit)
        if chosen is not None and _value(value_cost, chosen) > _value(value_cost, start):
            start = chosen
    stages = [
        (highspy.ObjSense.kMaximize, value_cost),
        (highspy.ObjSense.kMinimize, tolerance_cost),
        (highspy.ObjSense.kMinimize, fee_cost),
    ]
    values = start
    status = SolveStatus(True, 0.0)
    all_cols = list(range(n))
    for number, (sense, cost) in enumerate(stages, start=1):
        # Stages 2 and 3 minimise sums that are never negative: when the answer in hand already
        # has 0 (no tolerance used, no fee paid), it is optimal for that stage without a solve.
        if not (number > 1 and _value(cost, values) == 0):
            h.changeColsCost(n, all_cols, cost)
            h.changeObjectiveSense(sense)
            h.setOptionValue("time_limit", max(0.01, deadline - time.monotonic()))
            h.run()
            info = h.getInfo()
            if info.primal_solution_status == 2 and (
                number > 1 or _value(cost, h) >= _value(cost, values)
            ):
                values = list(h.getSolution().col_value)
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                gap = float(info.mip_gap)
                kept = _value(cost, values)
                if number == 1 and (info.primal_solution_status != 2 or kept > _value(cost, h)):
                    # the fallback is what is given, not HiGHS's incumbent: the gap is to it
                    bound = float(info.mip_dual_bound)
                    gap = (bound - kept) / kept if kept > 0 else INF
                # No finite gap (no bound yet: the limit struck during presolve or the root LP,
                # or nothing found): unknown, reported as null, never as a number it is not.
                status = SolveStatus(False, gap if gap < INF else None, number)
                break
        if number == len(stages):
            break
        best = sum(c * v for c, v in zip(cost, rounded(values), strict=True))
        terms = [(c, v) for c, v in enumerate(cost) if v]
        if sense == highspy.ObjSense.kMaximize:
            h.addRow(best - 0.5, INF, len(terms), [c for c, _ in terms], [v for _, v in terms])
        else:
            h.addRow(-INF, best + 0.5, len(terms), [c for c, _ in terms], [v for _, v in terms])
    return _decision(prepared, products, rounded(values), status)


#: The share of the time limit the knapsack start may take (it is usually far quicker).
KNAPSACK_SHARE = 0.3


def _knapsack_start(
    highspy: Any,
    prepared: Prepared,
    model: Model,
    products: list[ModelProduct],
    value_cost: list[float],
    time_limit: float,
) -> list[float] | None:
    """The knapsack start (`budget_knapsacks`) in at most `KNAPSACK_SHARE` of the time limit."""
    return knapsack_start(
        highspy, prepared, model, products, value_cost, time_limit * KNAPSACK_SHARE
    )


def _value(cost: list[float], source: Any) -> int:
    """An integer objective at a solution (a list of values, or the solver's current one)."""
    values = source if isinstance(source, list) else list(source.getSolution().col_value)
    return sum(round(c) * v for c, v in zip(cost, rounded(values), strict=True))


def _start_solution(
    prepared: Prepared,
    products: list[ModelProduct],
    ordered: list[int | None],
    free: list[int | None],
    n: int,
) -> list[float]:
    """The fallback a time limit leaves: the fcfs result when it keeps every budget, or fcfs
    within the budgets (`budget_start`, which also adds cases to reach a supplier's minimum)
    when fcfs breaks a budget or delivers less, or fcfs repaired to keep the budgets
    (`budget_repair`) when fcfs breaks a budget and that delivers more. Never better than what
    HiGHS proves."""
    values = [0.0] * n
    fcfs = allocate_fcfs(prepared)
    spent: dict[str, int] = {}
    for product, mp, count in zip(prepared.products, products, fcfs.cases, strict=True):
        price = product.price_at(count)
        for j in mp.pairs:
            m = prepared.pair_member[j]
            spent[m] = spent.get(m, 0) + (fcfs.got_quantity[j] + fcfs.got_tolerance[j]) * price
    within = allocate_within_budgets(prepared)
    breaks_budgets = any(spent.get(m, 0) > b for m, b in prepared.budgets.items())
    if breaks_budgets or _delivered(prepared, within) > _delivered(prepared, fcfs):
        repaired = repair_to_budgets(prepared, fcfs) if breaks_budgets else None
        fcfs = within
        if repaired is not None and _delivered(prepared, repaired) > _delivered(prepared, within):
            fcfs = repaired
    for mp, count in zip(products, fcfs.cases, strict=True):
        if not count:
            continue
        j, band = next((j, b) for j, b in enumerate(mp.bands) if b[0] <= count <= b[1])
        if band[3] is not None:
            values[band[3]] = 1.0
        values[band[4]] = float(count)
        for i, pair in enumerate(mp.pairs):
            got_q, got_t = fcfs.got_quantity[pair], fcfs.got_tolerance[pair]
            values[mp.x[i]], values[mp.y[i]] = float(got_q), float(got_t)
            if i in mp.u:
                values[mp.u[i][j]] = float(got_q + got_t)
    for s in prepared.suppliers:
        value = 0
        for p in s.products:
            product = prepared.products[p]
            value += fcfs.cases[p] * product.case_size * product.price_at(fcfs.cases[p])
        ordered_col = ordered[s.index]
        if ordered_col is not None and any(fcfs.cases[p] for p in s.products):
            values[ordered_col] = 1.0
            free_col = free[s.index]
            over = s.free_delivery_over
            if free_col is not None and over is not None and value >= over:
                values[free_col] = 1.0
    return values


def _delivered(prepared: Prepared, decision: Decision) -> int:
    """Delivered value (stage 1's objective) of a decision."""
    products, pair_product = prepared.products, prepared.pair_product
    got = decision.got_quantity
    return sum(q * products[p].base_price for q, p in zip(got, pair_product, strict=True))


def _in_time_order(
    prepared: Prepared, product: int, pairs: list[int], quantity: int, tolerance: int
) -> tuple[list[int], list[int]]:
    """Among equally good answers, the one fcfs members expect: earlier rows are served first.

    Moving units between members of one product changes no objective (same units, same price);
    it is done only where every member's budget still holds afterwards.
    """
    position = {j: i for i, j in enumerate(pairs)}
    gq, gt = [0] * len(pairs), [0] * len(pairs)
    rows = prepared.rows_in_time_order(product)
    for amounts, units, got in (
        (prepared.row_quantity, quantity, gq),
        (prepared.row_tolerance, tolerance, gt),
    ):
        for row in rows:
            if not units:
                break
            take = min(amounts[row], units)
            got[position[prepared.row_pair[row]]] += take
            units -= take
    return gq, gt


def _decision(
    prepared: Prepared, products: list[ModelProduct], values: list[int], status: SolveStatus
) -> Decision:
    cases: list[int] = []
    got_q = [0] * len(prepared.want_quantity)
    got_t = [0] * len(prepared.want_quantity)
    capped: set[int] = set()
    in_time_order: set[int] = set()
    spent: dict[str, int] = {}  # each member's goods at the applied prices, as the solver left them
    members = prepared.pair_member
    for product, mp in zip(prepared.products, products, strict=True):
        price = product.price_at(sum(values[k] for *_, k in mp.bands))
        for j, cx, cy in zip(mp.pairs, mp.x, mp.y, strict=True):
            spent[members[j]] = spent.get(members[j], 0) + (values[cx] + values[cy]) * price
    for product, mp in zip(prepared.products, products, strict=True):
        count = sum(values[k] for *_, k in mp.bands)
        cases.append(count)
        gq, gt = [values[c] for c in mp.x], [values[c] for c in mp.y]
        price = product.price_at(count)
        fair_q, fair_t = _in_time_order(prepared, product.index, mp.pairs, sum(gq), sum(gt))
        change = {
            members[j]: (fq + ft - q - t) * price
            for j, fq, ft, q, t in zip(mp.pairs, fair_q, fair_t, gq, gt, strict=True)
        }
        if all(
            spent.get(m, 0) + d <= prepared.budgets.get(m, spent.get(m, 0) + d)
            for m, d in change.items()
        ):
            for m, d in change.items():
                spent[m] = spent.get(m, 0) + d
            gq, gt = fair_q, fair_t
            in_time_order.add(product.index)
        for j, q, t in zip(mp.pairs, gq, gt, strict=True):
            got_q[j], got_t[j] = q, t
        demand_cases = (product.total_quantity + product.total_tolerance) // product.case_size
        if product.max_cases is not None and count == product.max_cases < demand_cases:
            capped.add(product.index)
    return Decision(cases, got_q, got_t, set(), capped, status, in_time_order=in_time_order)
