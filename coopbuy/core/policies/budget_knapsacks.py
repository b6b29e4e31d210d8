"""`optimal`'s knapsack start: budgeted members limited to knapsacks HiGHS can solve around fast.

A round whose budgets cannot bind is easy for HiGHS (like a round without budgets: about a second);
the budgets are what makes the full model slow. So each member whose whole demand their budget
cannot buy keeps only the quantity units of a knapsack of their own (the most spend within the
budget at base prices, by dynamic programming over the budget in pence) and no tolerance; everyone
else keeps their demand. HiGHS then solves that restricted model, whose budget rows (still in it)
rarely bind. Its answer keeps every rule and budget, and is only a fallback: the full model is
solved afterwards and wins whenever it does at least as well.

Three things make the knapsacks fit the cases and the suppliers (`_knapsack_start` alone, no time
limit, measured 2026-12-06: seed 100 (seed 0 of bench/allocation.py part 2) went from 10,158,455 to
10,485,633 pence, 4.6 % to 1.5 % below HiGHS's best of 240 s; the harder rounds 200-202 with
budgets from 10.42, 5.92 and 9.00 million to 14.04, 11.46 and 12.51 million):

- *Cases that need them.* Every item has value = weight (spend is value), so many knapsacks reach
  the same spend. Among them the one preferred puts units where members who keep their demand
  leave a case short (their quantity r in the last case, with too little tolerance to fill it):
  those units also deliver the r units of others. Members are taken by id, and a product's need
  falls as members take it up.
- *Refill rounds.* After a solve, a member's capped units that were not delivered leave budget
  unspent, and members without a binding budget may have taken tolerance units (no value) into
  cases. Each member's unspent budget then buys a second knapsack among the units those tolerance
  units hold (taking them moves value in at no cost), and the model is solved again with the caps
  at what was delivered plus that knapsack. The previous answer stays feasible, so no round is
  worse; rounds stop when nothing moves or the time share is spent.
- *Suppliers' minimums.* When the caps leave a supplier's minimum (rule 5) out of reach though
  the whole demand reaches it (`_out_of_reach`, before any solve), or an answer orders nothing
  from a supplier with a minimum, the knapsacks start again with every unit of that supplier
  preferred (one restart per supplier at most); the best answer of all rounds is kept.
"""

from __future__ import annotations

import time
from typing import Any

from coopbuy.core.policies.optimal_model import Model, ModelProduct, load_model, rounded
from coopbuy.core.prepared import Prepared

#: Refill rounds after the first solve, at most (each is one fast solve; later ones gain little).
REFILL_ROUNDS = 3

#: A knapsack's value is spend x SCALE + a tie-break below SCALE: spend always comes first.
SCALE = 1000


def knapsack_units(items: list[tuple[int, int, int]], budget: int) -> list[int]:
    """Units of each item (value, weight in pence, count) in a most valuable knapsack.

    Bounded items are split in 1, 2, 4, ... copies (0/1 items), and a dynamic programme over the
    budget in pence (numpy rows) keeps, per item copy, where taking it was better; the choice is
    traced back from the full budget. Items of weight 0 or value <= 0 are never taken.
    """
    import numpy as np  # a dependency of highspy, loaded with it

    chunks: list[tuple[int, int, int, int]] = []  # (item, units, weight, value)
    for item, (value, weight, count) in enumerate(items):
        size = 1
        while count > 0:
            take = min(size, count)
            chunks.append((item, take, weight * take, value * take))
            count -= take
            size *= 2
    best = np.zeros(budget + 1, dtype=np.int64)  # best value for a spend of at most c
    took: list[Any] = []
    for _, _, weight, value in chunks:
        took_here = np.zeros(budget + 1, dtype=bool)
        if 0 < weight <= budget and value > 0:
            candidate = best[:-weight] + value
            better = candidate > best[weight:]
            took_here[weight:] = better
            best[weight:] = np.where(better, candidate, best[weight:])
        took.append(took_here)
    units = [0] * len(items)
    c = budget
    for (item, take, weight, _), took_here in zip(reversed(chunks), reversed(took), strict=True):
        if took_here[c]:
            units[item] += take
            c -= weight
    return units


def knapsack_start(
    highspy: Any,
    prepared: Prepared,
    model: Model,
    products: list[ModelProduct],
    value_cost: list[float],
    time_limit: float,
) -> list[float] | None:
    """The best answer of the restricted models within `time_limit` seconds, or None (see the
    module docstring; None also when no budget binds on its own: the full model is no harder)."""
    deadline = time.monotonic() + time_limit
    budgets = prepared.budgets
    members, want_q = prepared.pair_member, prepared.want_quantity
    full: dict[str, int] = dict.fromkeys(budgets, 0)
    mine: dict[str, list[tuple[int, int]]] = {m: [] for m in budgets}  # (product, position)
    for product, mp in zip(prepared.products, products, strict=True):
        if not mp.bands:
            continue
        for i, j in enumerate(mp.pairs):
            m = members[j]
            if m in full:
                full[m] += (want_q[j] + prepared.want_tolerance[j]) * product.base_price
                mine[m].append((product.index, i))
    tight = sorted(m for m in budgets if full[m] > budgets[m])
    if not tight:
        return None
    prefer: set[int] = set()  # suppliers whose minimum the caps or a solve missed
    upper = _first_caps(prepared, model, products, tight, mine, prefer)
    prefer = _out_of_reach(prepared, products, upper)
    if prefer:  # known before any solve: steer the knapsacks at once, a solve saved
        upper = _first_caps(prepared, model, products, tight, mine, prefer)
    best: list[int] | None = None
    best_value = -1
    refills = 0
    while refills <= REFILL_ROUNDS:  # plus one restart at most per supplier (`prefer` grows)
        left = deadline - time.monotonic()
        if left <= 0:
            break
        h = load_model(highspy, model, upper)
        h.changeColsCost(len(value_cost), list(range(len(value_cost))), value_cost)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.setOptionValue("time_limit", max(0.01, left))
        h.run()
        if h.getInfo().primal_solution_status != 2:
            break
        values = rounded(list(h.getSolution().col_value))
        value = sum(round(c) * v for c, v in zip(value_cost, values, strict=True))
        better = value > best_value
        if better:
            best, best_value = values, value
        missed = _missed_minimums(prepared, products, values) - prefer
        if missed:  # start again, the knapsacks steered to those suppliers
            prefer |= missed
            upper = _first_caps(prepared, model, products, tight, mine, prefer)
        elif not better or not _refill(prepared, products, tight, mine, values, upper):
            break
        else:
            refills += 1
    return None if best is None else [float(v) for v in best]


def _first_caps(
    prepared: Prepared,
    model: Model,
    products: list[ModelProduct],
    tight: list[str],
    mine: dict[str, list[tuple[int, int]]],
    prefer: set[int],
) -> list[float]:
    """Upper bounds with each tight member held to their knapsack, tie-broken towards the units
    others need (`_case_needs`) and towards the suppliers in `prefer`."""
    want_q = prepared.want_quantity
    upper = list(model.upper)
    need, bonus = _case_needs(prepared, products, set(tight), prefer)
    for member in tight:
        items: list[tuple[int, int, int]] = []
        for p, i in mine[member]:
            base, count = prepared.products[p].base_price, want_q[products[p].pairs[i]]
            helping = min(count, need[p])  # units that also fill a case for others
            items += [
                (base * SCALE + bonus[p], base, helping),
                (base * SCALE, base, count - helping),
            ]
        units = knapsack_units(items, prepared.budgets[member])
        for n, (p, i) in enumerate(mine[member]):
            mp, keep = products[p], units[2 * n] + units[2 * n + 1]
            free_units = want_q[mp.pairs[i]] if prepared.products[p].base_price == 0 else keep
            upper[mp.x[i]] = float(free_units)
            upper[mp.y[i]] = 0.0
            need[p] = max(0, need[p] - keep)
    return upper


def _out_of_reach(prepared: Prepared, products: list[ModelProduct], upper: list[float]) -> set[int]:
    """Suppliers whose minimum the units within `upper` fall short of, though the whole demand
    could reach it: every whole case those units fill, at its applied price (an estimate: it
    ignores `min_cases`; a minimum it misses is still caught after the solve)."""
    capped = [0] * len(prepared.suppliers)
    whole = [0] * len(prepared.suppliers)
    for product, mp in zip(prepared.products, products, strict=True):
        if not mp.bands:
            continue
        most = mp.bands[-1][1]  # the most cases the whole demand fills (within max_cases)
        units = sum(int(upper[c]) for c in mp.x + mp.y)
        cases = min(units // product.case_size, most)
        capped[product.supplier] += cases * product.case_size * product.price_at(cases)
        whole[product.supplier] += most * product.case_size * product.price_at(most)
    return {
        s.index for s in prepared.suppliers if capped[s.index] < s.min_order_value <= whole[s.index]
    }


def _missed_minimums(
    prepared: Prepared, products: list[ModelProduct], values: list[int]
) -> set[int]:
    """Suppliers with a minimum and something to order from which the answer orders nothing."""
    return {
        s.index
        for s in prepared.suppliers
        if s.min_order_value
        and any(products[p].bands for p in s.products)
        and not any(values[k] for p in s.products for *_, k in products[p].bands)
    }


def _case_needs(
    prepared: Prepared, products: list[ModelProduct], tight: set[str], prefer: set[int]
) -> tuple[list[int], list[int]]:
    """Per product: the units others leave its last case short, and a tie-break per such unit
    (below SCALE) that grows with the value of the quantity they would let through. Every unit
    of a product of a supplier in `prefer` (a minimum a solve missed) gets the largest one."""
    need = [0] * len(products)
    bonus = [0] * len(products)
    for product, mp in zip(prepared.products, products, strict=True):
        if not mp.bands:
            continue
        if product.supplier in prefer:
            need[product.index] = product.total_quantity
            bonus[product.index] = SCALE - 1
            continue
        others = [j for j in mp.pairs if prepared.pair_member[j] not in tight]
        quantity = sum(prepared.want_quantity[j] for j in others)
        tolerance = sum(prepared.want_tolerance[j] for j in others)
        short = quantity % product.case_size
        if short and short + tolerance < product.case_size:
            need[product.index] = product.case_size - short - tolerance
            worth = short * product.base_price // need[product.index]
            bonus[product.index] = min(SCALE - 1, worth)
    return need, bonus


def _refill(
    prepared: Prepared,
    products: list[ModelProduct],
    tight: list[str],
    mine: dict[str, list[tuple[int, int]]],
    values: list[int],
    upper: list[float],
) -> bool:
    """Caps for the next round: what each tight member got, plus a knapsack of their unspent
    budget among the units others hold as tolerance. False when no cap grows."""
    members = prepared.pair_member
    held = [0] * len(products)  # tolerance units of members whose budget does not bind
    spent: dict[str, int] = dict.fromkeys(tight, 0)
    for product, mp in zip(prepared.products, products, strict=True):
        price = product.price_at(sum(values[k] for *_, k in mp.bands))
        for j, cx, cy in zip(mp.pairs, mp.x, mp.y, strict=True):
            if members[j] in spent:
                spent[members[j]] += (values[cx] + values[cy]) * price
            else:
                held[product.index] += values[cy]
    grew = False
    for member in tight:
        left = prepared.budgets[member] - spent[member]
        items: list[tuple[int, int, int]] = []
        for p, i in mine[member]:
            mp, base = products[p], prepared.products[p].base_price
            wanted = prepared.want_quantity[mp.pairs[i]] - values[mp.x[i]]
            items.append((base, base, min(wanted, held[p]) if base else 0))
        units = knapsack_units(items, left) if left > 0 else [0] * len(items)
        for (p, i), extra in zip(mine[member], units, strict=True):
            mp = products[p]
            if prepared.products[p].base_price:
                upper[mp.x[i]] = float(values[mp.x[i]] + extra)
            held[p] -= extra
            grew = grew or extra > 0
    return grew
