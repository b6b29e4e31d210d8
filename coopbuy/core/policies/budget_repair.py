"""A second budget-keeping answer for `optimal`'s time limit: fcfs, repaired to keep the budgets.

`budget_start` serves rows in time order while budgets allow, so a member's budget runs out on
their earliest rows and the cases those rows would have filled for everyone else are often lost:
on 300 members x 200 products with half the members budgeted it delivered 4-5 % less than what
HiGHS finds later (bench/allocation.py, part 2). This starts from the fcfs decision instead (every
case the demand fills, budgets ignored) and brings each member over budget back within it, losing
as little as it can:

1. Members are taken by id. A member over budget gives back tolerance units first (they deliver no
   value), dearest first, then quantity units: dearest first while a unit's price fits in what is
   still over (no overshoot), then the cheapest single unit that covers the rest. Products whose
   gap others can fill go first.
2. Each unit given back leaves a gap in its case, filled at once where possible from members
   without a budget: their quantity still wanted (delivering more), then their tolerance.
3. A gap no one fills costs cases: the product drops as many cases as the gaps need, taking the
   spare units back from members without a budget (tolerance first, then quantity, the last
   pairs first), then from the others. Below `max(1, min_cases)` it orders nothing.
4. A supplier left short of its minimum orders nothing (rule 5). Then every budget is checked at
   the applied prices: dropping cases can lose a tier, and then steps 1-4 run again at the new
   prices (at most `_ROUNDS` times; still over budget: no answer, None).

Rules 1-6 hold for any answer: units never exceed what a pair wants, every case is full, case
counts only fall (so `max_cases` holds), and every budget is checked last.
"""

from __future__ import annotations

from coopbuy.core.decision import Decision
from coopbuy.core.prepared import Prepared

#: Rounds of steps 1-4 at most: a round repeats only when dropped cases lost a tier.
_ROUNDS = 5


def repair_to_budgets(prepared: Prepared, start: Decision) -> Decision | None:
    products = prepared.products
    budgets = prepared.budgets
    members = prepared.pair_member
    want_q, want_t = prepared.want_quantity, prepared.want_tolerance
    cases = list(start.cases)
    got_q, got_t = list(start.got_quantity), list(start.got_tolerance)
    groups = prepared.product_pairs()
    product_of = prepared.pair_product
    price = [p.price_at(c) for p, c in zip(products, cases, strict=True)]
    free_pairs = [[j for j in pairs if members[j] not in budgets] for pairs in groups]
    hole = [0] * len(products)

    def spend(member_pairs: list[int]) -> int:
        return sum((got_q[j] + got_t[j]) * price[product_of[j]] for j in member_pairs)

    def room(p: int) -> int:
        return sum(want_q[j] - got_q[j] + want_t[j] - got_t[j] for j in free_pairs[p])

    def refill(p: int, units: int) -> int:
        """Fill `units` of product p's gap from members without a budget; the units not filled."""
        for got, want in ((got_q, want_q), (got_t, want_t)):
            for j in free_pairs[p]:
                if not units:
                    return 0
                take = min(want[j] - got[j], units)
                got[j] += take
                units -= take
        return units

    pairs_of: dict[str, list[int]] = {}
    for j, m in enumerate(members):
        if m in budgets:
            pairs_of.setdefault(m, []).append(j)
    if pairs_of:
        _take_back(prepared, groups, free_pairs, cases, got_q, got_t, price, hole)
    for _ in range(_ROUNDS):
        for member in sorted(pairs_of):
            mine = pairs_of[member]
            over = spend(mine) - budgets[member]
            if over <= 0:
                continue
            rooms = {product_of[j]: room(product_of[j]) for j in mine}
            order = sorted(
                mine, key=lambda j: (rooms[product_of[j]] == 0, -price[product_of[j]], j)
            )
            for got in (got_t, got_q):
                for j in order:  # dearest first, no further than what is over
                    unit = price[product_of[j]]
                    if over <= 0 or not got[j] or not unit:
                        continue
                    # tolerance delivers no value: round up rather than leave a unit over
                    back = min(got[j], -(-over // unit) if got is got_t else over // unit)
                    if back:
                        got[j] -= back
                        over -= back * unit
                        hole[product_of[j]] += refill(product_of[j], back)
                if over > 0 and got is got_q:  # the cheapest single unit that covers the rest
                    last = [j for j in mine if got_q[j] and price[product_of[j]] >= over]
                    if last:
                        j = min(last, key=lambda j: (price[product_of[j]], j))
                        got_q[j] -= 1
                        over -= price[product_of[j]]
                        hole[product_of[j]] += refill(product_of[j], 1)
            if over > 0:
                return None  # cannot happen (giving everything back keeps any budget): be safe

        for p, gap in enumerate(hole):
            if not gap:
                continue
            size = products[p].case_size
            drop = -(-gap // size)
            cases[p] -= drop
            spare = drop * size - gap
            if cases[p] < max(1, products[p].min_cases):
                cases[p], spare = 0, sum(got_q[j] + got_t[j] for j in groups[p])
            rest = [j for j in groups[p] if members[j] in budgets]
            for got in (got_t, got_q):
                for j in [*reversed(free_pairs[p]), *reversed(rest)]:
                    back = min(got[j], spare)
                    got[j] -= back
                    spare -= back
            if spare:
                return None  # cannot happen: the product held cases x size units

        for supplier in prepared.suppliers:
            value = sum(
                cases[p] * products[p].case_size * products[p].price_at(cases[p])
                for p in supplier.products
            )
            if value < supplier.min_order_value:
                for p in supplier.products:
                    cases[p] = 0
                    for j in groups[p]:
                        got_q[j] = got_t[j] = 0
        price = [p.price_at(c) for p, c in zip(products, cases, strict=True)]
        hole = [0] * len(products)
        if all(spend(mine) <= budgets[m] for m, mine in pairs_of.items()):
            return Decision(cases, got_q, got_t)
    return None


def _take_back(
    prepared: Prepared,
    groups: list[list[int]],
    free_pairs: list[list[int]],
    cases: list[int],
    got_q: list[int],
    got_t: list[int],
    price: list[int],
    hole: list[int],
) -> None:
    """Step 0 (changes the lists in place, `hole` too): every member with a budget gives back
    all their units, each gap refilled from members without a budget where possible; then, by
    the value of others' units a gap would cost per penny of budget that fills it, the gaps are
    filled back from the units the budgeted members gave back (quantity first) as their budgets
    allow, a whole gap or none; last, budgeted members take quantity units back in place of
    others' tolerance units (more value, the same case), dearest first, as budgets allow."""
    products, budgets, members = prepared.products, prepared.budgets, prepared.pair_member
    want_q, want_t = prepared.want_quantity, prepared.want_tolerance
    left = dict(budgets)
    gave_q, gave_t = [0] * len(got_q), [0] * len(got_t)
    for p, pairs in enumerate(groups):
        gap = 0
        for j in pairs:
            if members[j] in budgets:
                gave_q[j], gave_t[j] = got_q[j], got_t[j]
                gap += got_q[j] + got_t[j]
                got_q[j] = got_t[j] = 0
        for got, want in ((got_q, want_q), (got_t, want_t)):
            for j in free_pairs[p]:
                take = min(want[j] - got[j], gap)
                got[j] += take
                gap -= take
        hole[p] = gap

    def saved(p: int) -> float:
        """Delivered value kept per penny of budget by filling product p's gap: the filling
        units' own, and others' quantity units that dropping the gap's cases would take back
        (their tolerance goes first; below the least case count, the whole product goes)."""
        product = products[p]
        drop = -(-hole[p] // product.case_size)
        others_q = sum(got_q[j] for j in free_pairs[p])
        if cases[p] - drop < max(1, product.min_cases):
            lost = others_q
        else:
            spare = drop * product.case_size - hole[p]
            lost = min(others_q, max(0, spare - sum(got_t[j] for j in free_pairs[p])))
        cost = hole[p] * price[p]
        return product.base_price * (lost + hole[p]) / cost if cost else float("inf")

    for p in sorted((p for p in range(len(products)) if hole[p]), key=lambda p: (-saved(p), p)):
        plan: list[tuple[list[int], int, int]] = []
        need = hole[p]
        spent: dict[str, int] = {}
        for got, gave in ((got_q, gave_q), (got_t, gave_t)):
            for j in groups[p]:
                m = members[j]
                if not need or not gave[j] or m not in budgets:
                    continue
                room = (left[m] - spent.get(m, 0)) // price[p] if price[p] else gave[j]
                take = min(gave[j], need, room)
                if take:
                    plan.append((got, j, take))
                    spent[m] = spent.get(m, 0) + take * price[p]
                    need -= take
        if need:
            continue
        for got, j, take in plan:
            got[j] += take
        for m, amount in spent.items():
            left[m] -= amount
        hole[p] = 0
    # Swap others' tolerance for budgeted quantity: more value in the same cases.
    swaps = sorted(
        (j for j, m in enumerate(members) if m in budgets and gave_q[j] > got_q[j]),
        key=lambda j: (-price[prepared.pair_product[j]], j),
    )
    for j in swaps:
        p = prepared.pair_product[j]
        m = members[j]
        for k in free_pairs[p]:
            unit = price[p]
            room = left[m] // unit if unit else gave_q[j]
            take = min(got_t[k], gave_q[j] - got_q[j], room)
            if take:
                got_t[k] -= take
                got_q[j] += take
                left[m] -= take * unit
